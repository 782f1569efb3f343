"""Build the demo newsroom: site, editions, sections, articles, ads, editors.

``build_demo`` is idempotent: every object is looked up by a stable key (slug,
name, hostname) and only created when missing. Other apps add their own demo
data after it: the ``demo`` command calls ``<app>.demo.build_demo(stdout=…,
news=summary)`` for every installed app that provides one.
"""

from __future__ import annotations

import colorsys
import datetime
import io
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from rich.console import Console
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from manchette.news import demo_content as content
from manchette.news.models import (
    ArticlePage,
    ArticlePageAuthor,
    HomePage,
    NewsImage,
    SectionPage,
    StandardPage,
)
from manchette.news.snippets import AdPosition, AdSlot, Author

if TYPE_CHECKING:
    from typing import TextIO

DEMO_HOSTNAME = "127.0.0.1"
DEMO_PORT = 8000
EDITORS_GROUP = "Rédaction"
ADMIN_USERNAME = "admin"


def demo_site_address() -> tuple[str, int]:
    """Return the host name and port of the demo's Wagtail ``Site``.

    Read from ``WAGTAILADMIN_BASE_URL`` (the ``SITE_URL`` environment
    variable, which ``scripts/serve-prod`` derives from ``BIND``), so that
    canonical links, hreflang, sitemaps and feeds name the address the site
    is served on; ``127.0.0.1:8000`` (``make run``) when it names no host.
    The port defaults to the scheme's (80 or 443).
    """
    parts = urlsplit(str(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""))
    if not parts.hostname:
        return DEMO_HOSTNAME, DEMO_PORT
    try:
        port = parts.port
    except ValueError:  # a port out of range: the default address
        return DEMO_HOSTNAME, DEMO_PORT
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


IMAGE_SIZE = (1600, 900)


@dataclass(slots=True)
class DemoSummary:
    """What ``build_demo`` created (counts) and what exists afterwards."""

    created: dict[str, int] = field(default_factory=dict)
    home_fr: HomePage | None = None
    home_ar: HomePage | None = None
    articles: list[ArticlePage] = field(default_factory=list)
    admin_password: str | None = None

    def count(self, kind: str, *, created: bool) -> None:
        """Record one object of ``kind``, counting it only if it was created."""
        self.created.setdefault(kind, 0)
        if created:
            self.created[kind] += 1

    @property
    def total_created(self) -> int:
        """How many objects this run created (0 on a second run)."""
        return sum(self.created.values())


# System fonts with full Latin-1 coverage, tried before Pillow's bundled font,
# which lacks accented capitals such as "É".
_FONT_FILES = ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size=size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except (OSError, ValueError):
        return ImageFont.load_default()


def _drawable(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """Return ``text``, accents folded when the font has no glyph for them."""
    if isinstance(font, ImageFont.FreeTypeFont) and "DejaVu" in (
        font.getname()[0] or ""
    ):
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def render_demo_image(
    label: str, band: str, colour: tuple[int, int, int], seed: int
) -> bytes:
    """Return a JPEG: a colour gradient with shapes and a title band (no downloads).

    ``label`` is written large, ``band`` in the band; both should be Latin text
    (Pillow does not shape Arabic without libraqm).
    """
    width, height = IMAGE_SIZE
    image = PILImage.new("RGB", IMAGE_SIZE)
    draw = ImageDraw.Draw(image)
    hue, light, sat = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    for y in range(height):
        shade = 0.55 + 0.45 * (y / height)
        r, g, b = colorsys.hls_to_rgb(hue, max(0.08, light * shade), sat)
        draw.line([(0, y), (width, y)], fill=(int(r * 255), int(g * 255), int(b * 255)))
    for index in range(7):
        step = (seed * 37 + index * 211) % 997
        cx = (step * 13) % width
        cy = (step * 7) % (height - 200)
        radius = 80 + (step % 5) * 60
        tint = tuple(min(255, c + 40 + index * 12) for c in colour)
        draw.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius],
            outline=tint,
            width=10,
        )
    draw.rectangle([0, height - 170, width, height], fill=(17, 17, 17))
    band_font, label_font = _font(64), _font(88)
    draw.text(
        (60, height - 130),
        _drawable(band.upper(), band_font),
        fill=(250, 250, 250),
        font=band_font,
    )
    draw.text(
        (60, 70), _drawable(label, label_font), fill=(255, 255, 255), font=label_font
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


class _Builder:
    """Steps of ``build_demo``; each one get-or-creates by a stable key."""

    def __init__(self, console: Console, summary: DemoSummary) -> None:
        self.console = console
        self.summary = summary
        self.now = timezone.now()

    def step(self, title: str, detail: str) -> None:
        self.console.print(f"[bold green]✓[/] [bold]{title}[/] [dim]{detail}[/]")

    # Locales, site, editions ------------------------------------------------

    def locales(self) -> dict[str, Locale]:
        locales = {}
        for code in ("fr", "ar", "en"):
            locale, created = Locale.objects.get_or_create(language_code=code)
            self.summary.count("locales", created=created)
            locales[code] = locale
        self.step("Locales", "fr, ar, en")
        return locales

    def home_fr(self, fr: Locale) -> HomePage:
        root = Page.get_first_root_node()
        home = cast(
            "HomePage | None", HomePage.objects.filter(depth=2, locale=fr).first()
        )
        created = home is None
        if home is None:
            # Wagtail's migrations create a placeholder "Welcome" page; replace it.
            for placeholder in Page.objects.filter(depth=2, locale=fr):
                if type(placeholder.specific) is Page:
                    placeholder.delete()
            root.refresh_from_db()
            home = HomePage(
                title=content.HOME_TITLE_FR,
                slug="accueil",
                tagline=content.TAGLINE_FR,
                locale=fr,
            )
            root.add_child(instance=home)
            home.save_revision().publish()
        self.summary.count("pages", created=created)
        hostname, port = demo_site_address()
        site = Site.objects.filter(hostname=hostname, port=port).first()
        if site is None:
            Site.objects.filter(is_default_site=True).update(is_default_site=False)
            Site.objects.create(
                hostname=hostname,
                port=port,
                root_page=home,
                is_default_site=True,
                site_name=content.SITE_NAME,
            )
        self.summary.count("sites", created=site is None)
        self.step("Site", f"{hostname}:{port} → {home.title}")
        return home

    def translate(self, page: Page, locale: Locale, **fields: Any) -> tuple[Page, bool]:
        """Return the translation of ``page`` in ``locale``, creating it if needed."""
        existing = page.get_translation_or_none(locale)
        if existing is not None:
            return existing.specific, False
        translated = page.copy_for_translation(locale).specific
        for name, value in fields.items():
            setattr(translated, name, value)
        translated.save_revision().publish()
        return translated, True

    def home_ar(self, home_fr: HomePage, ar: Locale) -> HomePage:
        home, created = self.translate(
            home_fr, ar, title=content.HOME_TITLE_AR, tagline=content.TAGLINE_AR
        )
        self.summary.count("pages", created=created)
        self.step("Arabic edition", f"translation of “{home_fr.title}”")
        if not isinstance(home, HomePage):
            msg = f"Translation of the home page is a {type(home).__name__}."
            raise TypeError(msg)
        return home

    def sections(
        self, home_fr: HomePage, ar: Locale
    ) -> dict[tuple[str, str], SectionPage]:
        sections: dict[tuple[str, str], SectionPage] = {}
        for text in content.SECTIONS:
            section = (
                SectionPage.objects.child_of(home_fr).filter(slug=text.slug).first()
            )
            created = section is None
            if section is None:
                section = SectionPage(
                    title=text.title_fr,
                    slug=text.slug,
                    introduction=text.intro_fr,
                    show_in_menus=True,
                )
                home_fr.add_child(instance=section)
                section.save_revision().publish()
            self.summary.count("pages", created=created)
            section_ar, created = self.translate(
                section, ar, title=text.title_ar, introduction=text.intro_ar
            )
            self.summary.count("pages", created=created)
            sections["fr", text.slug] = section
            sections["ar", text.slug] = section_ar
        self.step("Sections", ", ".join(s.title_fr for s in content.SECTIONS))
        return sections

    def standard_pages(self, home: HomePage, pages: tuple[Any, ...]) -> None:
        for slug, title, intro, paragraphs in pages:
            if home.get_children().filter(slug=slug).exists():
                self.summary.count("pages", created=False)
                continue
            page = StandardPage(
                title=title,
                slug=slug,
                introduction=intro,
                body=[("paragraph", f"<p>{escape(p)}</p>") for p in paragraphs],
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            self.summary.count("pages", created=True)
        self.step("Plain pages", ", ".join(p[1] for p in pages))

    # Snippets and images ----------------------------------------------------

    def authors(self) -> dict[str, Author]:
        authors = {}
        for text in content.AUTHORS:
            author, created = Author.objects.get_or_create(
                slug=text.slug,
                defaults={"name": text.name, "role": text.role, "bio": text.bio},
            )
            self.summary.count("authors", created=created)
            authors[text.slug] = author
        self.step("Authors", ", ".join(a.name for a in content.AUTHORS))
        return authors

    def image(
        self,
        title: str,
        *,
        label: str,
        band: str,
        colour: tuple[int, int, int],
        credit: str,
        caption: str = "",
        alt: str = "",
        seed: int = 0,
    ) -> NewsImage:
        existing = cast(
            "NewsImage | None", NewsImage.objects.filter(title=title).first()
        )
        self.summary.count("images", created=existing is None)
        if existing is not None:
            return existing
        data = render_demo_image(label, band, colour, seed)
        slug = title.lower().replace(" ", "-")[:60]
        image = NewsImage(title=title, credit=credit, caption=caption, description=alt)
        image.file = ImageFile(io.BytesIO(data), name=f"demo-{slug}.jpg")
        image.save()
        return image

    def ads(self) -> None:
        banner = self.image(
            "Demo ad: subscriptions",
            label="Manchette Premium",
            band="Abonnez-vous · 1 mois offert",
            colour=(200, 40, 50),
            credit="",
            alt="Manchette Premium",
            seed=99,
        )
        slots: list[tuple[str, str, dict[str, Any]]] = [
            (
                "Lettre du matin (après le 2e paragraphe)",
                AdPosition.AFTER_PARAGRAPH_2,
                {"html": content.HOUSE_AD_HTML},
            ),
            (
                "Abonnement (fin d’article)",
                AdPosition.AFTER_BODY,
                {
                    "image": banner,
                    "link_url": "https://example.org/abonnement",
                    "alt_text": "Manchette Premium : abonnez-vous",
                },
            ),
            (
                "Annonceurs (colonne)",
                AdPosition.SIDEBAR,
                {"html": content.SIDEBAR_AD_HTML},
            ),
        ]
        for name, position, fields in slots:
            _, created = AdSlot.objects.get_or_create(
                name=name, defaults={"position": position, **fields}
            )
            self.summary.count("ad slots", created=created)
        self.step("Ad slots", f"{len(slots)} house ads")

    # Articles ---------------------------------------------------------------

    def articles(
        self,
        texts: tuple[content.ArticleText, ...],
        sections: dict[tuple[str, str], SectionPage],
        authors: dict[str, Author],
        language: str,
    ) -> None:
        colours = {s.slug: s.colour for s in content.SECTIONS}
        titles = {s.slug: s.title_fr for s in content.SECTIONS}
        for number, text in enumerate(texts):
            section = sections[language, text.section]
            article = (
                ArticlePage.objects.child_of(section).filter(slug=text.slug).first()
            )
            created = article is None
            if article is None:
                article = self.article(
                    text,
                    section,
                    authors,
                    self.image(
                        f"Demo: {text.slug}",
                        label=text.slug.replace("-", " ").title()[:34],
                        band=f"Manchette · {titles[text.section]}",
                        colour=colours[text.section],
                        credit=text.credit,
                        alt=text.title,
                        seed=number + (100 if language == "ar" else 0),
                    ),
                )
            self.summary.count("articles", created=created)
            self.summary.articles.append(article)
        self.step(
            "Articles" if language == "fr" else "Arabic articles",
            f"{len(texts)} in {language}",
        )

    def article(
        self,
        text: content.ArticleText,
        section: SectionPage,
        authors: dict[str, Author],
        hero: NewsImage,
    ) -> ArticlePage:
        body: list[tuple[str, Any]] = []
        for item in text.body:
            kind = item[0]
            if kind == "p":
                body.append(("paragraph", f"<p>{escape(item[1])}</p>"))
            elif kind == "h":
                body.append(("subheading", item[1]))
            elif kind == "q":
                body.append(("quote", {"quote": item[1], "attribution": item[2]}))
        published = self.now - datetime.timedelta(hours=text.hours_ago)
        article = ArticlePage(
            title=text.title,
            slug=text.slug,
            kicker=text.kicker,
            standfirst=text.standfirst,
            hero_image=hero,
            body=body,
            published_at=published,
            search_description=text.standfirst,
        )
        for order, slug in enumerate(text.authors):
            article.article_authors.add(
                ArticlePageAuthor(author=authors[slug], sort_order=order)
            )
        article.tags.add(*text.tags)
        section.add_child(instance=article)
        article.save_revision().publish()
        return article

    # People -----------------------------------------------------------------

    def editors_group(self, homes: list[HomePage]) -> None:
        group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
        self.summary.count("groups", created=created)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="wagtailadmin", codename="access_admin"
            ),
            *Permission.objects.filter(
                content_type__app_label="news",
                codename__in=[
                    f"{action}_{model}"
                    for action in ("add", "change", "delete", "view")
                    for model in ("author", "adslot")
                ],
            ),
        )
        page_permissions = Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in=["add_page", "change_page", "publish_page"],
        )
        for home in homes:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=home, permission=permission
                )
        image_permissions = Permission.objects.filter(
            content_type__app_label="news",
            codename__in=["add_newsimage", "change_newsimage", "choose_newsimage"],
        )
        root_collection = Collection.get_first_root_node()
        for permission in image_permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        self.step("Editors group", f"“{EDITORS_GROUP}”: pages, images, snippets")

    def admin(self, password: str | None) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=ADMIN_USERNAME).exists():
            self.summary.count("users", created=False)
            self.step(
                "Admin", f"“{ADMIN_USERNAME}” already exists (password unchanged)"
            )
            return
        password = password or secrets.token_urlsafe(12)
        # Wagtail's account page requires a first and a last name to save
        # any of its panels (the admin's language among them).
        user_model.objects.create_superuser(
            username=ADMIN_USERNAME,
            email="admin@example.org",
            password=password,
            first_name="Admin",
            last_name="Rédaction",
        )
        self.summary.count("users", created=True)
        self.summary.admin_password = password
        self.step("Admin", f"superuser “{ADMIN_USERNAME}” created")


def build_demo(*, stdout: TextIO, admin_password: str | None = None) -> DemoSummary:
    """Create the demo newsroom where missing and return what was created.

    Writes progress to ``stdout``. Idempotent: a second run creates nothing
    (``summary.total_created == 0``). The admin password (random unless
    ``admin_password`` is given) is returned only when the user is created.
    """
    console = Console(file=stdout, highlight=False, soft_wrap=True)
    summary = DemoSummary()
    builder = _Builder(console, summary)
    console.rule("[bold]Manchette demo newsroom")
    with transaction.atomic():
        locales = builder.locales()
        home_fr = builder.home_fr(locales["fr"])
        home_ar = builder.home_ar(home_fr, locales["ar"])
        summary.home_fr, summary.home_ar = home_fr, home_ar
        sections = builder.sections(home_fr, locales["ar"])
        builder.standard_pages(home_fr, content.STANDARD_PAGES_FR)
        builder.standard_pages(home_ar, content.STANDARD_PAGES_AR)
        authors = builder.authors()
        builder.ads()
        builder.articles(content.ARTICLES_FR, sections, authors, "fr")
        builder.articles(content.ARTICLES_AR, sections, authors, "ar")
        builder.editors_group([home_fr, home_ar])
        builder.admin(admin_password)
    created = ", ".join(f"{n} {kind}" for kind, n in summary.created.items() if n)
    console.print(f"[bold]Created:[/] {created or 'nothing (already present)'}")
    return summary
