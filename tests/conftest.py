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
