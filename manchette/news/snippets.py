"""Non-page content of the newsroom: authors and advertising slots."""

from __future__ import annotations

import re
from typing import override

import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

# Tags and attributes an editor may use in an ad's HTML. Anything else (script,
# iframe, style, event handlers, javascript: URLs) is dropped by nh3.
AD_ALLOWED_TAGS = frozenset(
    {"a", "div", "span", "p", "strong", "em", "b", "i", "br"}
    | {"img", "picture", "source"}
)
AD_ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "source": {"srcset", "media", "type", "sizes"},
}
AD_LINK_REL = "sponsored noopener nofollow"

_AFTER_PARAGRAPH = re.compile(r"^after_paragraph_(\d+)$")


def sanitize_ad_html(html: str) -> str:
    """Return ``html`` reduced to the ad allow-list (no script, no inline style).

    Links get ``rel="sponsored noopener nofollow"``; only http(s) and mailto URLs
    survive.
    """
    return nh3.clean(
        html,
        tags=set(AD_ALLOWED_TAGS),
        attributes={key: set(value) for key, value in AD_ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel=AD_LINK_REL,
        strip_comments=True,
    )


class Author(index.Indexed, models.Model):
    """A person who signs articles (a byline)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("E.g. “Economy editor”.")
    )
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "news.NewsImage",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("bio"),
    ]

    class Meta:  # noqa: D106
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    @override
    def __str__(self) -> str:
        return self.name


class AdPosition(models.TextChoices):
    """Where an ad slot is placed automatically on an article page."""

    AFTER_PARAGRAPH_2 = "after_paragraph_2", _("After the 2nd paragraph")
    AFTER_PARAGRAPH_4 = "after_paragraph_4", _("After the 4th paragraph")
    AFTER_BODY = "after_body", _("After the article body")
    SIDEBAR = "sidebar", _("Sidebar")
    MANUAL = "manual", _("Only where placed in an article body")


class AdSlotQuerySet(models.QuerySet["AdSlot"]):
    """Queries on ad slots."""

    def active(self) -> AdSlotQuerySet:
        """Return the slots switched on, with their image loaded."""
        return self.filter(active=True).select_related("image")


class AdSlot(index.Indexed, models.Model):
    """An advertising slot: editor-provided HTML, or an image with a link."""

    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(
        _("position"),
        max_length=32,
        choices=AdPosition.choices,
        default=AdPosition.AFTER_BODY,
    )
    html = models.TextField(
        _("HTML"),
        blank=True,
        help_text=_(
            "Sanitised on display: scripts, styles and event handlers are removed."
        ),
    )
    image = models.ForeignKey(
        "news.NewsImage",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link_url = models.URLField(_("link"), blank=True)
    alt_text = models.CharField(_("alternative text"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = AdSlotQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("position"),
        FieldPanel("active"),
        FieldPanel("html"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("link_url"), FieldPanel("alt_text")],
            heading=_("Image ad"),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:  # noqa: D106
        verbose_name = _("ad slot")
        verbose_name_plural = _("ad slots")
        ordering = ["position", "name"]

    @override
    def __str__(self) -> str:
        return self.name

    @override
    def clean(self) -> None:
        """Require either HTML or an image."""
        super().clean()
        if not self.html.strip() and self.image_id is None:
            raise ValidationError(_("Give the ad some HTML or an image."))

    @property
    def safe_html(self) -> SafeString:
        """The editor's HTML after sanitising, safe to insert in a page."""
        return mark_safe(sanitize_ad_html(self.html))  # noqa: S308 (nh3-cleaned)

    @property
    def paragraph_index(self) -> int | None:
        """For ``after_paragraph_N`` positions, N; otherwise None."""
        match = _AFTER_PARAGRAPH.match(self.position)
        return int(match.group(1)) if match else None
