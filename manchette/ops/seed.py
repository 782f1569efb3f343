"""Benchmark data: a published article with N approved comments.

All text here is generated from short fragments written for this project
(French and Arabic); nothing comes from a third-party corpus.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from manchette.comments import get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.services import clean_body
from manchette.news.models import ArticlePage, HomePage, SectionPage

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment

#: ``source`` of the comments this module creates (they are imported, approved).
SOURCE = "bench"
SECTION_SLUG = "banc-essai"

_FR_OPENERS = [
    "Merci pour cet article très clair.",
    "Je ne suis pas tout à fait d'accord avec la conclusion.",
    "Enfin un papier qui prend le temps d'expliquer les chiffres.",
    "J'habite le quartier depuis vingt ans et je confirme.",
    "Question naïve : qui finance réellement ce projet ?",
    "Bravo à la rédaction pour le suivi de ce dossier.",
    "Il manque à mon avis le point de vue des commerçants.",
    "Cela rejoint ce que disait mon voisin hier au marché.",
]
_FR_MIDDLES = [
    "Les horaires du tramway ont encore changé la semaine dernière,"
    " et personne n'a prévenu les usagers.",
    "Le budget annoncé semble faible au regard des travaux prévus sur la corniche.",
    "Les associations de parents d'élèves demandent une réunion publique"
    " avant la rentrée.",
    "On parle beaucoup d'innovation mais les petites entreprises attendent"
    " toujours leurs paiements.",
    "La saison touristique a été bonne, pourtant les prix des loyers"
    " continuent de grimper.",
    "Il faudrait comparer avec ce qui a été fait à Tanger il y a trois ans.",
    "Le rapport cité date de l'an dernier ; une mise à jour serait utile.",
    "Les jeunes diplômés partent faute de perspectives, c'est le vrai sujet.",
]
_FR_CLOSERS = [
    "À suivre.",
    "Merci de continuer à enquêter.",
    "Espérons que la mairie lira ces commentaires.",
    "On en reparlera à la prochaine élection.",
    "Bonne journée à toutes et à tous.",
    "Qu'en pensent les autres lecteurs ?",
]
_AR_OPENERS = [
    "شكرا على هذا المقال الواضح.",
    "لا أتفق تماما مع الخلاصة.",
    "أخيرا مقال يشرح الأرقام بهدوء.",
    "أسكن في هذا الحي منذ عشرين سنة وأؤكد ما جاء هنا.",
    "سؤال بسيط: من يموّل هذا المشروع فعلا؟",
    "تحية للتحرير على متابعة هذا الملف.",
]
_AR_MIDDLES = [
    "تغيّرت مواعيد الترامواي مرة أخرى الأسبوع الماضي دون إخبار الركاب.",
    "الميزانية المعلنة تبدو ضعيفة مقارنة بالأشغال المنتظرة على الكورنيش.",
    "جمعيات آباء التلاميذ تطالب بلقاء مفتوح قبل الدخول المدرسي.",
    "نتحدث كثيرا عن الابتكار لكن المقاولات الصغيرة ما زالت تنتظر مستحقاتها.",
    "كان الموسم السياحي جيدا ومع ذلك تواصل أسعار الكراء ارتفاعها.",
    "الشباب حاملو الشهادات يهاجرون لغياب الآفاق، وهذا هو الموضوع الحقيقي.",
]
_AR_CLOSERS = [
    "في انتظار المزيد.",
    "شكرا على مواصلة التحقيق.",
    "نأمل أن يقرأ المسؤولون هذه التعليقات.",
    "ما رأي باقي القراء؟",
]
_NAMES = [
    "Karima B.",
    "Youssef",
    "Nadia El Idrissi",
    "Marc D.",
    "Salma",
    "Hicham",
    "Claire M.",
    "Amine Tazi",
    "Fatima-Zahra",
    "Paul",
    "سعاد",
    "محمد أ.",
    "ليلى",
    "عمر بنعلي",
]


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What :func:`bench_article` left in the database."""

    article: ArticlePage
    comments: int
    created: int


def comment_text(rng: random.Random) -> str:
    """Return one generated comment body (French 2/3, Arabic 1/3).

    Lengths follow a news site's comment section: mostly one to three
    sentences (60-300 characters), a few long ones (up to about 1,000).
    """
    arabic = rng.random() < 1 / 3
    openers, middles, closers = (
        (_AR_OPENERS, _AR_MIDDLES, _AR_CLOSERS)
        if arabic
        else (_FR_OPENERS, _FR_MIDDLES, _FR_CLOSERS)
    )
    roll = rng.random()
    n_middle = 0 if roll < 0.25 else 1 if roll < 0.7 else 2 if roll < 0.92 else 6
    parts = [rng.choice(openers)]
    parts += rng.sample(middles, k=min(n_middle, len(middles)))
    if rng.random() < 0.5:
        parts.append(rng.choice(closers))
    if n_middle >= 4:
        # A long comment is written in paragraphs.
        half = len(parts) // 2
        return " ".join(parts[:half]) + "\n\n" + " ".join(parts[half:])
    return " ".join(parts)


def _home_page() -> HomePage:
    """Return the default locale's home page, creating a minimal one if none."""
    locale = Locale.get_default()
    home: HomePage | None = (
        HomePage.objects.filter(locale=locale).order_by("path").first()
    )
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = HomePage(title="Manchette", slug="manchette-bench", locale=locale)
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif not isinstance(site.root_page.specific, HomePage):
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


def _section(home: HomePage) -> SectionPage:
    existing: SectionPage | None = (
        SectionPage.objects.child_of(home).filter(slug=SECTION_SLUG).first()
    )
    if existing is not None:
        return existing
    section = SectionPage(
        title="Banc d'essai",
        slug=SECTION_SLUG,
        introduction="Articles générés pour mesurer les performances.",
        locale=home.locale,
    )
    home.add_child(instance=section)
    section.save_revision().publish()
    return section


def _article(section: SectionPage, n: int) -> ArticlePage:
    slug = f"bench-{n}-commentaires"
    existing: ArticlePage | None = (
        ArticlePage.objects.child_of(section).filter(slug=slug).first()
    )
    if existing is not None:
        if not existing.live:
            existing.save_revision().publish()
        return existing
    rng = random.Random(n)  # noqa: S311 - benchmark text, not security
    paragraphs = [
        ("paragraph", RichText(f"<p>{rng.choice(_FR_MIDDLES)}</p>")) for _ in range(6)
    ]
    article = ArticlePage(
        title=f"Le débat du quartier ({n} commentaires)",
        slug=slug,
        kicker="Banc d'essai",
        standfirst="Un article de référence pour mesurer le coût d'une page.",
        body=paragraphs,
        locale=section.locale,
        comments_enabled=True,
    )
    section.add_child(instance=article)
    article.save_revision().publish()
    return article


def bench_article(*, comments: int, seed: int = 0) -> SeedResult:
    """Create or reuse a published article with ``comments`` approved comments.

    The article's slug is ``bench-<comments>-commentaires`` in the section
    ``banc-essai`` of the default-locale home page (both created when missing).
    Comment ``i`` has ``source="bench"`` and ``external_id="<article pk>-<i>"``,
    so a second run adds only what is missing. Every third comment is a reply
    to an earlier one (threads at most three levels deep). Bodies go through
    the comments app's ``clean_body``; rows are bulk-inserted as ``approved``
    without signals (like an import: these are not new submissions).

    Raises ``ValueError`` when ``comments`` is negative.
    """
    if comments < 0:
        msg = "comments must be >= 0"
        raise ValueError(msg)
    with transaction.atomic():
        article = _article(_section(_home_page()), comments)
    model = get_comment_model()
    content_type = ContentType.objects.get_for_model(article)
    prefix = f"{article.pk}-"
    done = set(
        model.objects.filter(source=SOURCE, external_id__startswith=prefix).values_list(
            "external_id", flat=True
        )
    )
    existing = list(
        model.objects.filter(source=SOURCE, external_id__startswith=prefix).order_by(
            "pk"
        )
    )
    rng = random.Random(seed * 1_000_003 + comments)  # noqa: S311 - not security
    start = timezone.now() - datetime.timedelta(days=2)
    site = Site.objects.filter(is_default_site=True).first()
    created = 0
    with transaction.atomic():
        posted: list[AbstractComment] = [c for c in existing if c.depth < 2]
        for i in range(comments):
            body = clean_body(comment_text(rng))
            name = rng.choice(_NAMES)
            parent = rng.choice(posted) if i % 3 == 2 and posted else None
            external_id = f"{prefix}{i}"
            if external_id in done:
                continue
            comment = model(
                content_type=content_type,
                object_pk=str(article.pk),
                site=site,
                depth=parent.depth + 1 if parent is not None else 0,
                status=CommentStatus.APPROVED,
                author_name=name,
                author_email=f"lecteur{i}@example.org",
                body=body,
                submitted_at=start + datetime.timedelta(seconds=60 * i),
                source=SOURCE,
                external_id=external_id,
            )
            comment.parent_id = parent.pk if parent is not None else None
            comment.thread_id = parent.thread_id if parent is not None else None
            comment.save()
            if parent is None:
                comment.thread_id = comment.pk
                model.objects.filter(pk=comment.pk).update(thread_id=comment.pk)
            if comment.depth < 2:
                posted.append(comment)
            created += 1
    return SeedResult(article=article, comments=comments, created=created)
