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
