"""Rendering an article costs the same number of queries for 10 or 1,000 comments."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from manchette.ops.seed import bench_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def _queries_for(url: str) -> int:
    client = Client()
    client.get(url)  # warm per-process caches (site root, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("per_page", [50, 5000], ids=["paginated", "one-page"])
def test_article_query_count_constant_in_comment_count(
    comments_article, django_assert_max_num_queries, per_page
):
    small = bench_article(comments=10).article
    large = bench_article(comments=1000).article

    with override_settings(COMMENTS_PER_PAGE=per_page):
        small_count = _queries_for(small.url)
        large_count = _queries_for(large.url)
        with django_assert_max_num_queries(small_count):
            Client().get(large.url)

    assert large_count == small_count
    assert large_count <= 40
