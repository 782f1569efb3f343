"""``manage.py bench-seed``: an article with N approved comments, reused on rerun."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Page

from manchette.comments import get_comment_model
from manchette.news.models import ArticlePage
from manchette.ops.seed import SOURCE, bench_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _wagtail_tree() -> None:
    # --no-migrations skips Wagtail's data migration: add the locale and root.
    locale, _ = Locale.objects.get_or_create(language_code="fr")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def _seed(n: int) -> str:
    out = io.StringIO()
    call_command("bench-seed", "--comments", str(n), stdout=out)
    return out.getvalue().strip()


def test_bench_seed_creates_article_with_approved_comments() -> None:
    path = _seed(30)

    article = ArticlePage.objects.get(slug="bench-30-commentaires")
    assert article.live
    assert path == article.url
    comments = get_comment_model().objects.for_object(article)
    assert comments.approved().count() == 30
    assert comments.filter(parent__isnull=False).count() == 10  # a third
    assert all(c.source == SOURCE for c in comments)
    bodies = [c.body for c in comments]
    assert any(re.search("[\u0600-\u06ff]", b) for b in bodies)  # Arabic
    assert any(re.search("[éèàç]", b) for b in bodies)  # French
    assert min(map(len, bodies)) >= 20
    assert max(map(len, bodies)) <= 3000


def test_bench_seed_reuses_article_on_rerun() -> None:
    first = _seed(6)
    second = _seed(6)

    assert first == second
    article = ArticlePage.objects.get(slug="bench-6-commentaires")
    assert get_comment_model().objects.for_object(article).count() == 6
    assert ArticlePage.objects.filter(slug="bench-6-commentaires").count() == 1


def test_bench_seed_articles_differ_by_size() -> None:
    assert _seed(2) != _seed(3)


def test_bench_article_rejects_negative_count() -> None:
    with pytest.raises(ValueError, match="comments"):
        bench_article(comments=-1)


def test_bench_seed_command_reports_bad_count() -> None:
    with pytest.raises(CommandError):
        call_command("bench-seed", "--comments", "-2", stdout=io.StringIO())
