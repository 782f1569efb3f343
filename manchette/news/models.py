from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast, override

from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable, Page
from wagtail.search import index

from manchette.news.blocks import ArticleBodyBlock, StandardBodyBlock
from manchette.news.snippets import AdSlot, Author

if TYPE_CHECKING:
    from django.core.files import File
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from wagtail.images.models import Filter
    from wagtail.models import PageViewRestriction

# Republishing within this delay (a typo fix) does not show "Updated on".
UPDATE_NOTICE_AFTER = datetime.timedelta(minutes=30)

__all__ = [
    "AdSlot",
    "ArticlePage",
    "ArticlePageAuthor",
    "ArticlePageTag",
    "ArticleRelatedLink",
    "Author",
    "HomePage",
    "NewsImage",
    "NewsRendition",
    "NewsSettings",
    "SectionPage",
    "StandardPage",
]


class NewsImage(AbstractImage):
    """An image with the caption and credit a newsroom prints under it."""

    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=255, blank=True, help_text=_("E.g. “Photo DR”.")
    )

    admin_form_fields = (*Image.admin_form_fields, "caption", "credit")

    @override
    def generate_rendition_file(
        self, filter: Filter, *, source: File[Any] | None = None
    ) -> File[Any]:
        # Wagtail hands back its SpooledTemporaryFile unclosed (a ResourceWarning
        # and, once it spills to disk, a leaked descriptor): copy and close it.
        generated = super().generate_rendition_file(filter, source=source)
        with generated:
            generated.seek(0)
            return ContentFile(generated.read(), name=generated.name)


class NewsRendition(AbstractRendition):
    image = models.ForeignKey(
        NewsImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


@register_setting(icon="cog")
class NewsSettings(BaseSiteSetting):
    """Per-site newsroom switches, edited under Settings in the admin."""

    ads_enabled = models.BooleanField(
        _("show ads"),
        default=True,
        help_text=_("Switch every ad slot of the site off at once."),
    )
    publication_name = models.CharField(
        _("publication name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Name given to Google News and in JSON-LD; defaults to the site name."
        ),
    )

    panels = [FieldPanel("ads_enabled"), FieldPanel("publication_name")]

    class Meta:
        verbose_name = _("newsroom settings")


class RouteAwarePage:
    """Mixin: view restrictions without a query for pages routed from the cache.

    ``manchette.ops.routing`` marks a page it found unrestricted; Wagtail's
    restriction check and the page cache then skip their queries.
    """

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        """Return the view restrictions of the page and its ancestors."""
        from manchette.ops.routing import view_restrictions

        known = view_restrictions(cast("Page", self))
        if known is not None:
            return known
        # Wagtail's check and the page cache both ask: evaluate once per instance.
        memo: QuerySet[PageViewRestriction] | None = self.__dict__.get(
            "_view_restrictions"
        )
        if memo is None:
            memo = super().get_view_restrictions()  # type: ignore[misc]
            self.__dict__["_view_restrictions"] = memo
        return cast("QuerySet[PageViewRestriction]", memo)


class HomePage(RouteAwarePage, Page):
    """The front page of one language edition."""

    tagline = models.CharField(_("tagline"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("tagline")]
    search_fields = [*Page.search_fields, index.SearchField("tagline")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage", "news.StandardPage"]

    LATEST_COUNT = 7
    PER_SECTION = 4

    class Meta:
        verbose_name = _("home page")

    @override
    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from manchette.news import selectors

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        latest = selectors.published_articles(locale=self.locale).descendant_of(self)
        context["latest"] = list(latest[: self.LATEST_COUNT])
        context["section_blocks"] = selectors.section_fronts(
            home=self, per_section=self.PER_SECTION
        )
        return context


class SectionPage(RouteAwarePage, Page):
    """A rubrique (Économie, Tech, Maghreb…): lists its articles, newest first."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    parent_page_types = ["news.HomePage", "news.SectionPage"]
    subpage_types = ["news.ArticlePage", "news.SectionPage"]

    PER_PAGE = 12

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    @override
    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from manchette.news import selectors

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        paginator = Paginator(selectors.published_articles(section=self), self.PER_PAGE)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        context["subsections"] = self.get_children().live().public().type(SectionPage)
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(RouteAwarePage, Page):
    """A news article: kicker, headline (the title), standfirst, byline, body."""

    kicker = models.CharField(
        _("kicker"),
        max_length=120,
        blank=True,
        help_text=_("A few words above the headline (surtitre)."),
    )
    standfirst = models.TextField(
        _("standfirst"),
        blank=True,
        help_text=_("The chapô: one or two sentences that sum up the article."),
    )
    published_at = models.DateTimeField(
        _("publication date override"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to use the first publication date (set it for imports)."
        ),
    )
    updated_at = models.DateTimeField(
        _("update date"),
        null=True,
        blank=True,
        help_text=_("Shown as “Updated on”; leave empty to use the last publication."),
    )
    hero_image = models.ForeignKey(
        "news.NewsImage",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_caption = models.CharField(
        _("main image caption"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty to use the image's caption."),
    )
    hero_credit = models.CharField(
        _("main image credit"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the image's credit."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(
        verbose_name=_("tags"), through=ArticlePageTag, blank=True
    )
    comments_enabled = models.BooleanField(_("comments open"), default=True)

    content_panels = [
        FieldPanel("kicker"),
        *Page.content_panels,
        FieldPanel("standfirst"),
        InlinePanel("article_authors", heading=_("Byline"), label=_("Author")),
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_caption"),
                FieldPanel("hero_credit"),
            ],
            heading=_("Main image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel("related_links", heading=_("Related articles"), label=_("Article")),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldPanel("published_at"), FieldPanel("updated_at")],
            heading=_("Dates shown to readers"),
        ),
        FieldPanel("comments_enabled"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("kicker"),
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.FilterField("published_at"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    @property
    def publication_date(self) -> datetime.datetime | None:
        """When readers are told the article was published (aware datetime)."""
        return self.published_at or self.first_published_at

    @property
    def modification_date(self) -> datetime.datetime | None:
        """When the article last changed: the override or the last publication."""
        return self.updated_at or self.last_published_at or self.publication_date

    @property
    def was_updated(self) -> bool:
        """Whether to tell readers the article changed after publication."""
        if self.updated_at is not None:
            return True
        first, last = self.first_published_at, self.last_published_at
        return bool(first and last and last - first > UPDATE_NOTICE_AFTER)

    @property
    def authors(self) -> list[Author]:
        """The byline, in editor order (uses prefetched rows when present).

        Without prefetched rows, saved bylines are read with their authors in
        one query; a preview's unsaved bylines are used as they are.
        """
        links = self.article_authors.all()
        if isinstance(links, models.QuerySet) and "article_authors" not in getattr(
            self, "_prefetched_objects_cache", {}
        ):
            links = links.select_related("author")
        return [link.author for link in links if link.author]

    @property
    def hero_caption_text(self) -> str:
        """Caption under the main image: the page's override or the image's."""
        if self.hero_caption:
            return str(self.hero_caption)
        return str(self.hero_image.caption) if self.hero_image else ""

    @property
    def hero_credit_text(self) -> str:
        """Credit under the main image: the page's override or the image's."""
        if self.hero_credit:
            return str(self.hero_credit)
        return str(self.hero_image.credit) if self.hero_image else ""

    @override
    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from manchette.news.rendering import ArticleParts, fragment_version
        from manchette.ops.caching import fragment_ttl

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["article"] = ArticleParts(self, request)
        context["fragment_version"] = fragment_version(self, request)
        context["fragment_ttl"] = fragment_ttl()
        return context


class ArticlePageAuthor(Orderable):
    page = ParentalKey(
        ArticlePage, on_delete=models.CASCADE, related_name="article_authors"
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="article_links",
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("byline author")

    @override
    def __str__(self) -> str:
        return str(self.author)


class ArticleRelatedLink(Orderable):
    page = ParentalKey(
        ArticlePage, on_delete=models.CASCADE, related_name="related_links"
    )
    article = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = _("related article")

    @override
    def __str__(self) -> str:
        return str(self.article.title)


class StandardPage(RouteAwarePage, Page):
    """A plain page: about, legal notice, or an imported WordPress page."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(StandardBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["news.HomePage", "news.StandardPage"]
    subpage_types = ["news.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
