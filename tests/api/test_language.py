"""The JSON API answers in the client's language, and malformed bodies cleanly."""

import pytest
from django.test import override_settings
from django.utils import translation

from tests.api.test_comments import create_url, payload, post_json

CLOSED = "Comments are closed on this page."

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures(
        "clear_cache", "no_comment_receivers", "no_reader_receivers"
    ),
]


def _closed_detail(client, page, language: str | None) -> tuple[str, str]:
    extra = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = post_json(client, create_url(page), payload(page), **extra)
    assert response.status_code == 403
    return response.json()["detail"], response["Content-Language"]


@pytest.mark.parametrize(
    ("header", "language"),
    [("ar", "ar"), ("en-GB,en;q=0.8", "en"), ("fr-FR", "fr"), (None, "fr")],
)
def test_problem_detail_follows_accept_language(
    client, comments_article, header, language
):
    comments_article.comments_enabled = False
    comments_article.save()
    with translation.override(language):
        expected = translation.gettext(CLOSED)
    with translation.override("fr"):
        french = translation.gettext(CLOSED)

    detail, content_language = _closed_detail(client, comments_article, header)

    assert detail == expected
    assert content_language == language
    if language != "fr":
        assert detail != french


def test_language_does_not_leak_to_the_next_request(client, comments_article):
    comments_article.comments_enabled = False
    comments_article.save()
    arabic, _ = _closed_detail(client, comments_article, "ar")
    default, language = _closed_detail(client, comments_article, None)

    assert language == "fr"
    assert default != arabic


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, "{not json", '{"body": "x"'],
    ids=str.__len__,
)
def test_malformed_body_is_a_clear_problem_without_internals(
    client, comments_article, body
):
    response = client.post(
        create_url(comments_article),
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The request body is not valid JSON."
    assert response.json()["type"].endswith(":malformed-body")
    assert "recursion" not in text
    assert "Cannot parse" not in text
    assert "Expecting" not in text
