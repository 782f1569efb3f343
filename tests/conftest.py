"""The only conftest: shared fixtures for the whole suite."""

import pytest

# --- comments (helper C1) ----------------------------------------------------


@pytest.fixture
def comments_article(db):
    """Return a live French ArticlePage (home > section > article) with a Site."""
    from tests.factories import build_comment_article

    return build_comment_article()


# --- comments reader features and API (helper C2) ----------------------------


@pytest.fixture
def no_reader_receivers():
    """Run the test with no receiver on ``comment_flagged`` and ``comment_edited``.

    The moderation app requeues flagged and edited comments; tests of the
    comments app's own rules run without it.
    """
    from manchette.comments.signals import comment_edited, comment_flagged

    saved = [(s, s.receivers) for s in (comment_flagged, comment_edited)]
    for signal, _receivers in saved:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    yield
    for signal, receivers in saved:
        signal.receivers = receivers
        signal.sender_receivers_cache.clear()


# --- moderation (helper D) ---------------------------------------------------


@pytest.fixture
def moderator(db):
    """Return a staff user allowed to use the moderation queue."""
    from tests.factories import ModeratorFactory

    return ModeratorFactory()


@pytest.fixture
def moderator_client(client, moderator):
    """Return a test client logged in as ``moderator``."""
    client.force_login(moderator)
    return client


@pytest.fixture
def rules_only_engine(settings, tmp_path):
    """Point ``MODERATION_ARTIFACT_DIR`` at an empty folder: no model, rules only."""
    settings.MODERATION_ARTIFACT_DIR = tmp_path / "no-artifact"
    return tmp_path / "no-artifact"


@pytest.fixture
def clear_cache():
    """Empty the default cache before and after the test (flood limits live there)."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def no_comment_receivers():
    """Run the test with no receiver on ``comment_submitted`` (e.g. moderation)."""
    from manchette.comments.signals import comment_submitted

    saved = comment_submitted.receivers
    comment_submitted.receivers = []
    comment_submitted.sender_receivers_cache.clear()
    yield comment_submitted
    comment_submitted.receivers = saved
    comment_submitted.sender_receivers_cache.clear()


# --- news (helper A) ---------------------------------------------------------


@pytest.fixture
def news_site(db):
    """Return the French home page of a default Site on ``testserver``.

    The suite runs without migrations, so the Wagtail root page and the
    locales are created here.
    """
    from wagtail.models import Locale, Page, Site

    from tests.factories import HomePageFactory

    fr, _ = Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=fr)
    )
    home = HomePageFactory(parent=root, locale=fr, slug="accueil")
    Site.objects.update(is_default_site=False)
    Site.objects.create(
        hostname="testserver",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name="Manchette",
    )
    return home


@pytest.fixture
def arabic_home(news_site):
    """Return the Arabic edition: a published translation of the French home."""
    from wagtail.models import Locale

    ar, _ = Locale.objects.get_or_create(language_code="ar")
    home = news_site.copy_for_translation(ar).specific
    home.title = "الرئيسية"
    home.save_revision().publish()
    return home


# --- perspective (helper F) --------------------------------------------------


@pytest.fixture
def perspective_key(db, clear_cache):
    """Return an active API key (secret on ``.raw_key``) with fresh rate counters."""
    from tests.factories import ApiKeyFactory

    return ApiKeyFactory(name="coral")


# --- browser tests (helper G) ------------------------------------------------


@pytest.fixture
def chromium(monkeypatch):
    """Yield a headless Debian Chromium (``/usr/bin/chromium``) under Playwright.

    Skips when Chromium is not installed (``.ci/run`` installs it with apt).
    Playwright's sync API keeps an asyncio loop marked as running, so Django's
    async-unsafe guard is lifted for the test (``DJANGO_ALLOW_ASYNC_UNSAFE``).
    """
    from tests.browser.helpers import CHROMIUM, LAUNCH_ARGS

    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """Return a fresh page (own cookies) in ``chromium``, French locale."""
    context = chromium.new_context(
        locale="fr-FR", viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


# --- moderation classifier (helper B2) ---------------------------------------


def _synthetic_moderation_rows():
    """Build a small labelled corpus of our own sentences in fr, ar and en."""
    from manchette.moderation.engine.datasets import Row

    people = {
        "fr": ["le maire", "ce journaliste", "ton voisin", "l'auteur", "la ministre"],
        "en": ["the mayor", "this reporter", "your neighbour", "the author", "she"],
        "ar": ["الوزير", "هذا الصحفي", "جارك", "الكاتب", "المدير"],
    }
    insults = {
        "fr": ["{p} est un imbécile fini", "quel crétin, {p}", "{p}, espèce d'abruti"],
        "en": ["{p} is a total idiot", "what a moron {p} is", "{p}, you stupid fool"],
        "ar": ["{p} غبي وحمار", "يا لك من أحمق يا {p}", "{p} تافه وغبي"],
    }
    hateful = {
        "fr": ["{p} et tous ces gens-là sont de la vermine à chasser du pays"],
        "en": ["{p} and all of those people are vermin to drive out of the country"],
        "ar": ["{p} وكل هؤلاء الناس حشرات يجب طردهم من البلاد"],
    }
    neutral = {
        "fr": [
            "{p} a présenté le budget de la ville hier soir",
            "merci à {p} pour cet article clair et documenté",
            "je ne partage pas l'avis de {p} sur les transports",
        ],
        "en": [
            "{p} presented the city budget last night",
            "thanks to {p} for this clear and well sourced article",
            "I do not share the view of {p} on public transport",
        ],
        "ar": [
            "قدم {p} ميزانية المدينة مساء أمس",
            "شكرا إلى {p} على هذا المقال الواضح",
            "لا أتفق مع رأي {p} حول النقل العام",
        ],
    }
    spam = [
        "win cash now, click my channel and subscribe {n}",
        "cheap followers at example dot com, promo code {n}",
        "gagnez de l'argent facile, visitez mon site {n}",
    ]
    rows = []
    for lang, names in people.items():
        for p in names:
            rows += [
                Row(t.format(p=p), lang, {"toxicity": 1, "insult": 1, "hate": 0}, "syn")
                for t in insults[lang]
            ]
            rows += [
                Row(t.format(p=p), lang, {"toxicity": 1, "insult": 0, "hate": 1}, "syn")
                for t in hateful[lang]
            ]
            rows += [
                Row(t.format(p=p), lang, {"toxicity": 0, "insult": 0, "hate": 0}, "syn")
                for t in neutral[lang]
            ]
    rows += [
        Row(t.format(n=n), "en", {"spam": 1}, "syn") for t in spam for n in range(6)
    ]
    rows += [
        Row(r.text, r.language, {"spam": 0}, "syn")
        for r in rows[::3]
        if "spam" not in r.labels
    ]
    return rows


@pytest.fixture(scope="session")
def moderation_rows():
    """Return a small synthetic labelled corpus (``datasets.Row``; fr/ar/en)."""
    return _synthetic_moderation_rows()


@pytest.fixture(scope="session")
def fitted_classifier(moderation_rows):
    """Return a ``TextClassifier`` (no embeddings) fitted on ``moderation_rows``."""
    from manchette.moderation.engine.classifier import TextClassifier
    from manchette.moderation.engine.training import label_matrix

    model = TextClassifier(use_embeddings=False, min_df=1)
    heads = model.heads
    return model.fit(
        [r.text for r in moderation_rows], label_matrix(moderation_rows, heads)
    )


# --- pages and comments speed (helper P) ---------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _no_comment_fragment_cache():
    """Keep the cached comment list fragment off unless a test turns it on.

    The fragment is keyed on the page's cache version, which the local-memory
    cache keeps across tests (and test databases reuse page ids), so a test
    that wants it uses ``override_settings(OPS_FRAGMENT_CACHE=True)`` together
    with the ``clear_cache`` fixture.
    """
    from django.test import override_settings

    with override_settings(OPS_FRAGMENT_CACHE=False):
        yield
