"""Template tags of the public site: page chrome, dates, JSON-LD, embeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language, get_language_info
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException
from wagtail.models import Page, Site

from manchette.news import selectors, seo

if TYPE_CHECKING:
    import datetime

    from django.http import HttpRequest
    from django.utils.safestring import SafeString
    from wagtail.embeds.models import Embed

register = template.Library()

# Open Graph wants a territory with the language.
OG_LOCALES = {"fr": "fr_FR", "ar": "ar_MA", "en": "en_GB"}


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """A link to one language edition of the current page (or its home)."""

    code: str
    name: str
    url: str
    full_url: str
    current: bool
    is_translation: bool


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link of the header or footer menu."""

    url: str
    title: str
    current: bool = False


@dataclass(slots=True)
class Chrome:
    """What ``base.html`` needs around the page: language, menus, links.

    Plain strings only (no model instances), so it is cached cheaply.
    """

    language_code: str
    bidi: bool
    site_name: str
    home_url: str = ""
    tagline: str = ""
    sections: list[NavLink] = field(default_factory=list)
    footer_pages: list[NavLink] = field(default_factory=list)
    languages: list[LanguageLink] = field(default_factory=list)
    canonical: str = ""
    rss_url: str = ""
    atom_url: str = ""

    @property
    def og_locale(self) -> str:
        """The ``og:locale`` value for the page language."""
        return OG_LOCALES.get(self.language_code, self.language_code)

    @property
    def translations(self) -> list[LanguageLink]:
        """Language links that point at a real translation (for hreflang)."""
        return [link for link in self.languages if link.is_translation]


def _language_links(
    request: HttpRequest, page: Page | None, root: Page, current: str
) -> list[LanguageLink]:
    translations = (
        {p.locale.language_code: p for p in selectors.translations_of(page)}
        if page is not None
        else {}
    )
    homes = {p.locale.language_code: p for p in selectors.translations_of(root)}
    links = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is None:
            continue
        url = target.get_url(request)
        if url is None:
            continue
        links.append(
            LanguageLink(
                code=code,
                name=str(name),
                url=url,
                full_url=target.get_full_url(request) or url,
                current=code == current,
                is_translation=code in translations,
            )
        )
    return links


def _build_chrome(
    request: HttpRequest | None, page: Page | None, site: Site | None
) -> Chrome:
    code = page.locale.language_code if page is not None else get_language()
    info = get_language_info(code)
    chrome = Chrome(
        language_code=code,
        bidi=bool(info["bidi"]),
        site_name=(site.site_name if site and site.site_name else "")
        or settings.WAGTAIL_SITE_NAME,
    )
    if request is None or site is None:
        return chrome
    root = site.root_page
    home = selectors.home_for(page, root=root)
    if home is not None:
        chrome.home_url = home.get_url(request) or ""
        chrome.tagline = str(home.tagline)
        section_path = ""
        if page is not None and page.path.startswith(home.path):
            section_path = page.path[: len(home.path) + Page.steplen]
        chrome.sections = [
            NavLink(
                url=section.get_url(request) or "",
                title=section.title,
                current=section.path == section_path,
            )
            for section in selectors.section_nav(home)
        ]
        chrome.footer_pages = [
            NavLink(url=item.get_url(request) or "", title=item.title)
            for item in selectors.footer_pages(home)
        ]
    chrome.languages = _language_links(request, page, root, code)
    if page is not None:
        chrome.canonical = page.get_full_url(request) or ""
    chrome.rss_url = request.build_absolute_uri(reverse("news:feed"))
    chrome.atom_url = request.build_absolute_uri(reverse("news:feed_atom"))
    return chrome


def chrome_key(request: HttpRequest, page: Page | None, site: Site) -> str:
    """Return the cache key of the chrome of ``page`` (or of a page-less view).

    Holds the site version token (replaced when any page, site or locale
    changes), the site, host, port and scheme (absolute URLs), the page and
    the active language (language names are translated).
    """
    from manchette.ops.caching import site_version

    return (
        f"news:chrome:{site_version(request)}:{site.pk}:{request.get_host()}:"
        f"{request.get_port()}:{request.scheme}:{page.pk if page else '-'}:"
        f"{get_language()}"
    )


@register.simple_tag(takes_context=True)
def news_chrome(context: template.Context) -> Chrome:
    """Return the :class:`Chrome` of the page in ``context`` (a constant query count).

    The language and direction come from the page's locale; pages without one
    (error pages) use the active language. Cached under :func:`chrome_key` for
    ``OPS_FRAGMENT_CACHE_SECONDS`` unless ``OPS_FRAGMENT_CACHE`` is off.
    """
    from manchette.ops.caching import fragment_ttl

    request: HttpRequest | None = context.get("request")
    page: Page | None = context.get("page")
    if not isinstance(page, Page):
        page = None
    site = Site.find_for_request(request) if request is not None else None
    ttl = fragment_ttl()
    if (
        request is None
        or site is None
        or not ttl
        or getattr(request, "is_preview", False)
    ):
        return _build_chrome(request, page, site)
    key = chrome_key(request, page, site)
    chrome: Chrome | None = cache.get(key)
    if chrome is None:
        chrome = _build_chrome(request, page, site)
        cache.set(key, chrome, timeout=ttl)
    return chrome


@register.filter
def isoutc(value: datetime.datetime | None) -> str:
    """Format an aware datetime as ISO 8601 UTC for ``<time datetime>``."""
    return seo.iso_utc(value)


@register.filter
def jsonld(data: Any) -> SafeString:
    """Serialise ``data`` for a ``<script type="application/ld+json">`` element."""
    return seo.json_for_script(data)


@register.simple_tag
def embed_object(url: str) -> Embed | None:
    """Return the oEmbed object for ``url``, or None when it cannot be fetched."""
    try:
        return embeds.get_embed(url)
    except EmbedException:
        return None
