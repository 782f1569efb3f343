"""Build a small site and list the pages that the security tests render."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, override

from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.moderation.notifications import appeal_token
from tests.factories import (
    ArticlePageFactory,
    CommentFactory,
    ModerationDecisionFactory,
    SectionPageFactory,
)

#: ``<script type>`` values that are data blocks, never run by the browser.
DATA_BLOCK_TYPES = frozenset({"application/ld+json", "application/json"})


@dataclass
class SeededSite:
    """The pages of a seeded site: public URLs, and the URLs of admin pages."""

    public: dict[str, str]
    admin: dict[str, str]
    article: Any
    comment: Any


def seed_site(home: Any, arabic_home: Any) -> SeededSite:
    """Create a French and an Arabic article with one approved and one held comment.

    ``home`` and ``arabic_home`` are the fixtures of the same names.
    """
    section = SectionPageFactory(parent=home, title="Société", slug="societe")
    article = ArticlePageFactory(parent=section, title="Le tramway arrive")
    ar_section = SectionPageFactory(parent=arabic_home, title="مجتمع", slug="mujtama")
    ar_article = ArticlePageFactory(parent=ar_section, title="وصول الترامواي")
    comment: Any = CommentFactory(target=article, body="Enfin une bonne nouvelle.")
    held: Any = CommentFactory(target=article, status=CommentStatus.PENDING)
    decision: Any = ModerationDecisionFactory(comment=held)
    public = {
        "home": home.url,
        "arabic home": arabic_home.url,
        "section": section.url,
        "article": article.url,
        "arabic article": ar_article.url,
        "flag page": reverse("comments:flag", args=[comment.pk]),
        "appeal page": reverse("moderation:appeal", args=[appeal_token(decision)]),
        "admin login": reverse("wagtailadmin_login"),
    }
    admin = {
        "moderation queue": reverse("moderation_queue"),
        "page modes": reverse("moderation_modes"),
        "appeals": reverse("moderation_appeals"),
        "bans": reverse("moderation_bans"),
        "ban confirmation": f"{reverse('moderation_ban')}?comment={held.pk}&kind=email",
        "admin home": reverse("wagtailadmin_home"),
    }
    return SeededSite(public=public, admin=admin, article=article, comment=comment)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.forms: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.handlers += [f"<{tag} {n}>" for n, _v in attrs if n.startswith("on")]
        if tag == "script":
            self.scripts.append(values)
        elif tag == "form":
            self.forms.append(values)


def parse(html: str) -> _Collector:
    """Return the scripts, forms and inline event handlers found in ``html``."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def inline_scripts(html: str) -> list[dict[str, str | None]]:
    """Return the ``<script>`` elements without ``src`` that a browser would run."""
    return [
        attrs
        for attrs in parse(html).scripts
        if not attrs.get("src")
        and (attrs.get("type") or "").strip().lower() not in DATA_BLOCK_TYPES
    ]


def post_forms(html: str) -> list[str]:
    """Return the ``action`` of every ``method=post`` form in ``html``."""
    return [
        str(form.get("action") or "")
        for form in parse(html).forms
        if (form.get("method") or "").lower() == "post"
    ]
