"""The only conftest: shared fixtures for the whole suite."""

import pytest

# --- comments (helper C1) ----------------------------------------------------


@pytest.fixture
def comments_article(db):
    """Return a live French ArticlePage (home > section > article) with a Site."""
    from tests.factories import build_comment_article

    return build_comment_article()
