"""Read queries of the news app. Each returns a queryset or plain data.

Listing querysets load hero images (with their renditions) and bylines up
front, so a listing runs the same number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db.models import F, Prefetch, Q
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from wagtail.models import Locale, Page

from manchette.news.models import (
    ArticlePage,
    ArticlePageAuthor,
    ArticleRelatedLink,
    HomePage,
    SectionPage,
    StandardPage,
)

if TYPE_CHECKING:
    import datetime

    from wagtail.query import PageQuerySet


# Treebeard stores each tree level as four characters of ``Page.path``.
_STEPLEN = Page.steplen


def published_articles(
    *,
    section: SectionPage | None = None,
    since: datetime.datetime | None = None,
    locale: Locale | None = None,
) -> PageQuerySet:
    """Return live, public articles, newest first.

    ``section`` keeps the articles anywhere under that section (sub-sections
    included); ``since`` (an aware datetime) keeps those published at or after
    it; ``locale`` keeps one language edition. The publication date is the
    editor's ``published_at`` override, else Wagtail's ``first_published_at``;
    it is annotated as ``pub_date``.
    """
    articles: PageQuerySet = (
        ArticlePage.objects.live()
        .public()
        .annotate(pub_date=Coalesce("published_at", "first_published_at"))
        .select_related("hero_image", "locale")
        .prefetch_related(
            "hero_image__renditions",
            Prefetch(
                "article_authors",
                queryset=ArticlePageAuthor.objects.select_related("author").order_by(
                    "sort_order"
                ),
            ),
        )
        .order_by(F("pub_date").desc(nulls_last=True), "-pk")
    )
    if section is not None:
        articles = articles.descendant_of(section)
    if since is not None:
        articles = articles.filter(pub_date__gte=since)
    if locale is not None:
        articles = articles.filter(locale=locale)
    return articles


@dataclass(frozen=True, slots=True)
class SectionFront:
    """One section's block on a home page: the section and its newest articles."""

    section: SectionPage
    articles: list[ArticlePage]


def section_fronts(*, home: HomePage, per_section: int) -> list[SectionFront]:
    """Return the top-level sections of ``home`` with up to ``per_section`` articles.

    Articles of sub-sections count for their top-level section. Runs a fixed
    number of queries: one window query ranks articles inside each section.
    """
    sections = list(SectionPage.objects.child_of(home).live().public().order_by("path"))
    if not sections:
        return []
    prefix_len = home.depth * _STEPLEN + _STEPLEN
    ranked = (
        published_articles(locale=home.locale)
        .filter(Q.create([("path__startswith", s.path) for s in sections], Q.OR))
        .annotate(
            section_path=Substr("path", 1, prefix_len),
            rank=Window(
                RowNumber(),
                partition_by=Substr("path", 1, prefix_len),
                order_by=[F("pub_date").desc(nulls_last=True), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per_section)
    )
    by_section: dict[str, list[ArticlePage]] = {s.path: [] for s in sections}
    for article in ranked:
        by_section[article.section_path].append(article)
    return [SectionFront(section=s, articles=by_section[s.path]) for s in sections]


def related_articles(article: ArticlePage, *, limit: int = 3) -> list[ArticlePage]:
    """Return the editor's related articles that are live, else the section's latest.

    The fallback lists other articles of the same parent section.
    """
    chosen_ids = list(
        ArticleRelatedLink.objects.filter(page=article)
        .order_by("sort_order")
        .values_list("article_id", flat=True)
    )
    if chosen_ids:
        by_id = {a.pk: a for a in published_articles().filter(pk__in=chosen_ids)}
        return [by_id[pk] for pk in chosen_ids if pk in by_id][:limit]
    parent = article.get_parent()
    if parent is None:
        return []
    return list(
        published_articles(locale=article.locale)
        .child_of(parent)
        .exclude(pk=article.pk)[:limit]
    )


def section_nav(home: Page) -> PageQuerySet:
    """Return the sections shown in the header menu of ``home``'s edition."""
    return home.get_children().live().public().in_menu().type(SectionPage)


def footer_pages(home: Page) -> PageQuerySet:
    """Return the plain pages (about, legal notice) linked from the footer."""
    return home.get_children().live().public().type(StandardPage)


def home_for(page: Page | None, *, root: Page) -> HomePage | None:
    """Return the home page of ``page``'s language edition.

    ``root`` is the site's root page (its default edition). Without a page, the
    active language's edition is used.
    """
    if page is not None and page.locale_id == root.locale_id:
        home = root.specific
        return home if isinstance(home, HomePage) else None
    query = HomePage.objects.filter(translation_key=root.translation_key)
    if page is not None:
        query = query.filter(locale_id=page.locale_id)
    else:
        query = query.filter(locale=Locale.get_active())
    return cast("HomePage | None", query.first())


def translations_of(page: Page) -> PageQuerySet:
    """Return the live translations of ``page`` (itself included), with locales."""
    return (
        Page.objects.filter(translation_key=page.translation_key)
        .live()
        .public()
        .select_related("locale")
        .order_by("locale__language_code")
    )
