"""RSS 2.0 and Atom feeds of the latest articles, site-wide and per section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from manchette.news import selectors, seo
from manchette.news.models import SectionPage

if TYPE_CHECKING:
    import datetime

    from django.http import HttpRequest

    from manchette.news.models import ArticlePage


@dataclass(frozen=True, slots=True)
class FeedSource:
    """What a feed lists: one language edition, optionally one section."""

    request: HttpRequest
    locale: Locale
    section: SectionPage | None
    name: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article, with everything a feed item needs already resolved."""

    title: str
    link: str
    description: str
    pubdate: datetime.datetime | None
    updateddate: datetime.datetime | None
    author_name: str
    categories: tuple[str, ...]


def _entry(article: ArticlePage, request: HttpRequest) -> FeedEntry:
    return FeedEntry(
        title=article.title,
        link=article.get_full_url(request) or "",
        description=article.standfirst,
        pubdate=article.publication_date,
        updateddate=article.modification_date,
        author_name=", ".join(author.name for author in article.authors),
        categories=tuple(tag.name for tag in article.tags.all()),
    )


class LatestArticlesFeed(Feed):  # type: ignore[type-arg]
    """RSS 2.0 feed of the newest articles of the active language edition.

    With a ``slug`` URL argument, lists one section (404 for an unknown slug).
    """

    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    limit = 30

    @override
    def get_object(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> FeedSource:
        locale = Locale.get_active()
        section = None
        if slug := kwargs.get("slug"):
            section = (
                SectionPage.objects.live()
                .public()
                .filter(slug=slug, locale=locale)
                .first()
            )
            if section is None:
                msg = f"No section {slug!r}."
                raise ObjectDoesNotExist(msg)
        return FeedSource(
            request=request,
            locale=locale,
            section=section,
            name=seo.publication_name(request),
        )

    @override
    def title(self, obj: FeedSource) -> str:
        """Return the feed title: the publication, then the section."""
        if obj.section is not None:
            return f"{obj.name} – {obj.section.title}"
        return obj.name

    @override
    def link(self, obj: FeedSource) -> str:
        """Return the HTML page the feed mirrors: the section or the home."""
        if obj.section is not None:
            return obj.section.get_full_url(obj.request) or "/"
        site = Site.find_for_request(obj.request)
        home = site.root_page.localized if site is not None else None
        return (home.get_full_url(obj.request) if home is not None else None) or "/"

    @override
    def description(self, obj: FeedSource) -> str:
        """Return the feed description (translated)."""
        if obj.section is not None:
            return obj.section.introduction or _("Latest articles: %(section)s") % {
                "section": obj.section.title
            }
        return _("Latest articles from %(name)s") % {"name": obj.name}

    @override
    def items(self, obj: FeedSource) -> list[FeedEntry]:
        """Return the newest ``limit`` articles as :class:`FeedEntry` items."""
        articles = selectors.published_articles(
            section=obj.section, locale=obj.locale
        ).prefetch_related("tags")[: self.limit]
        return [_entry(article, obj.request) for article in articles]

    @override
    def item_title(self, item: FeedEntry) -> str:
        return item.title

    @override
    def item_description(self, item: FeedEntry) -> str:
        return item.description

    @override
    def item_link(self, item: FeedEntry) -> str:
        return item.link

    @override
    def item_pubdate(self, item: FeedEntry) -> datetime.datetime | None:
        """Return the publication date of the item."""
        return item.pubdate

    @override
    def item_updateddate(self, item: FeedEntry) -> datetime.datetime | None:
        """Return the last modification of the item."""
        return item.updateddate

    @override
    def item_author_name(self, item: FeedEntry) -> str:
        """Return the byline, comma-separated."""
        return item.author_name

    @override
    def item_categories(self, item: FeedEntry) -> tuple[str, ...]:
        """Return the article's tags."""
        return item.categories


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The same feed in Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, obj: FeedSource) -> str:
        """Return the description, which Atom calls subtitle."""
        return self.description(obj)
