"""Demo reader comments, so the moderation queue has work right after ``make run``.

Every comment below was written for this project. They go through the normal
``comment_submit`` pipeline, so the engine decides each one: most are published
(including sharp but legitimate political criticism), some are held (a threat,
an insult, a phone number posted about someone, spam with links). Running the
demo twice adds nothing: each comment carries a fixed idempotency key.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from manchette.comments.services import comment_submit

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclasses.dataclass(frozen=True, slots=True)
class DemoComment:
    """One demo comment: which edition, who, what."""

    key: str
    language: str  # edition it goes to: "fr" or "ar"
    author: str
    email: str
    body: str


#: Comments the engine should publish.
PUBLISHED = (
    DemoComment(
        "fr-critique-1",
        "fr",
        "Nadia B.",
        "nadia.demo@example.org",
        "Le ministère annonce des chiffres flatteurs, mais personne n'explique "
        "pourquoi les délais de paiement des PME n'ont pas bougé depuis deux ans. "
        "Cette politique est un échec et il faut le dire.",
    ),
    DemoComment(
        "fr-critique-2",
        "fr",
        "Karim El M.",
        "karim.demo@example.org",
        "Le gouvernement se moque des contribuables avec ce budget : on coupe "
        "dans les écoles rurales et on finance des salons à Marrakech. "
        "Honteux, et j'espère que les députés voteront contre.",
    ),
    DemoComment(
        "fr-info-1",
        "fr",
        "Sophie L.",
        "sophie.demo@example.org",
        "Article clair, merci. Petite précision : la garantie publique couvre "
        "aussi les coopératives agricoles depuis le décret de mars.",
    ),
    DemoComment(
        "ar-critique-1",
        "ar",
        "يوسف",
        "youssef.demo@example.org",
        "هذه الحكومة فشلت في ضبط الأسعار، والمواطن البسيط هو من يدفع الثمن كل "
        "شهر. نريد محاسبة حقيقية للمسؤولين عبر صناديق الاقتراع.",
    ),
    DemoComment(
        "ar-merci-1",
        "ar",
        "سلمى",
        "salma.demo@example.org",
        "مقال مفيد، شكرا. أتمنى أن يصل السوق الجديد إلى الأحياء البعيدة أيضا.",
    ),
    DemoComment(
        "ary-avis-1",
        "ar",
        "حميد",
        "hamid.demo@example.org",
        "والله هاد الشي مزيان، ولكن الأثمنة باقا غالية بزاف فالسوق ديالنا.",
    ),
    DemoComment(
        "arabizi-avis-1",
        "fr",
        "Zakaria",
        "zakaria.demo@example.org",
        "had lmachrou3 mzyan walakin khasso ywsal l l3alam l9arawi tahwa, "
        "machi ghir lmdon lkbar.",
    ),
)

#: Comments the engine should hold for a moderator.
HELD = (
    DemoComment(
        "fr-menace-1",
        "fr",
        "Anonyme 42",
        "anonyme42.demo@example.org",
        "Ce journaliste, on sait où il habite. Il faut aller le chercher et le "
        "pendre devant sa rédaction, qu'il serve d'exemple.",
    ),
    DemoComment(
        "fr-insulte-1",
        "fr",
        "Marc",
        "marc.demo@example.org",
        "L'auteur de cet article est un abruti fini, un crétin payé pour écrire "
        "n'importe quoi.",
    ),
    DemoComment(
        "fr-doxx-1",
        "fr",
        "Voisin",
        "voisin.demo@example.org",
        "Pour ceux qui veulent dire au directeur ce qu'ils pensent, son numéro "
        "perso c'est le 06 12 34 56 78, appelez-le tous ce soir.",
    ),
    DemoComment(
        "fr-spam-1",
        "fr",
        "Promo Gains",
        "promo.demo@example.org",
        "Gagnez 5000 euros par semaine depuis chez vous !!! Casino en ligne et "
        "crypto garantis : https://bit.ly/gain-rapide https://tinyurl.com/x-bonus "
        "https://gains-faciles.example.com",
    ),
    DemoComment(
        "ar-menace-1",
        "ar",
        "مجهول",
        "majhoul.demo@example.org",
        "هؤلاء الخونة يجب تصفيتهم واحدا واحدا، اقتلوهم قبل أن يهربوا.",
    ),
    DemoComment(
        "ary-insulte-1",
        "ar",
        "ولد الحومة",
        "weld.demo@example.org",
        "سير تقود يا الحمار، نتا وصحابك كاملين بوزبال.",
    ),
    DemoComment(
        "arabizi-menace-1",
        "fr",
        "Rachid99",
        "rachid99.demo@example.org",
        "ghadi n9tlek ila chftek f zen9a, nta w had l5awana dyalk.",
    ),
)

DEMO_COMMENTS = PUBLISHED + HELD


def _articles(page: Any) -> list[Any]:
    """Return the live pages below ``page`` that accept comments, oldest first."""
    if page is None:
        return []
    found = []
    for descendant in page.get_descendants().live().specific().order_by("path"):
        if getattr(descendant, "comments_enabled", False):
            found.append(descendant)
    return found


def seed_demo_comments(
    *, stdout: TextIO, homes: Iterable[Any] | None = None
) -> Counter[str]:
    """Submit the demo comments on the demo articles; return statuses by count.

    ``homes`` are the French and Arabic home pages (default: every root-level
    page of the default site and its translations). French-edition comments go
    to French articles, Arabic ones to Arabic articles, spread round-robin.
    Idempotent: a comment already submitted (same key) is not added again.
    """
    pages_by_language: dict[str, list[Any]] = {}
    for home in homes or _default_homes():
        code = str(getattr(getattr(home, "locale", None), "language_code", "fr"))
        pages_by_language.setdefault(code, []).extend(_articles(home))
    statuses: Counter[str] = Counter()
    created = 0
    positions: Counter[str] = Counter()
    for demo in DEMO_COMMENTS:
        pages = pages_by_language.get(demo.language) or pages_by_language.get("fr")
        if not pages:
            continue
        target = pages[positions[demo.language] % len(pages)]
        positions[demo.language] += 1
        result = comment_submit(
            target=target,
            body=demo.body,
            author_name=demo.author,
            author_email=demo.email,
            ip="192.0.2.10",
            idempotency_key=f"demo-{demo.key}",
        )
        created += int(result.created)
        statuses[str(result.comment.status)] += 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    stdout.write(
        f"Demo comments: {created} submitted now; current statuses: "
        f"{summary or 'none'}.\n"
    )
    return statuses


def _default_homes() -> list[Any]:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    home = site.root_page.specific
    return [home, *home.get_translations()]


def build_demo(*, stdout: TextIO, news: Any = None) -> Counter[str]:
    """Extend the news demo (``manchette demo``) with reader comments.

    Called by the news app's demo command with its summary (``home_fr``,
    ``home_ar``).
    """
    homes = [
        home
        for home in (getattr(news, "home_fr", None), getattr(news, "home_ar", None))
        if home is not None
    ]
    return seed_demo_comments(stdout=stdout, homes=homes or None)
