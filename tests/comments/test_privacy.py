import hashlib

import pytest
from django.urls import reverse

from manchette.comments.models import Comment
from manchette.comments.privacy import anonymize_ip, avatar_data_uri, avatar_key
from tests.comments.helpers import form_data
from tests.factories import CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]

EMAIL = "Fatima.Zahra@Example.org"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.199", "203.0.113.0"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("::ffff:198.51.100.7", "198.51.100.0"),
        ("", None),
        ("not-an-ip", None),
        (None, None),
    ],
)
def test_anonymize_ip_keeps_only_the_network(raw, expected):
    assert anonymize_ip(raw) == expected


def test_avatar_is_keyed_and_stable(settings):
    first = avatar_data_uri(email=EMAIL, name="Fatima")
    assert first == avatar_data_uri(email=EMAIL.lower(), name="Autre")
    assert first.startswith("data:image/svg+xml;base64,")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert avatar_key(email=EMAIL, name="Fatima") != b""
    assert avatar_data_uri(email=EMAIL, name="Fatima") != first


def _email_traces(email):
    lowered = email.strip().lower()
    return {
        email,
        lowered,
        hashlib.md5(lowered.encode()).hexdigest(),  # noqa: S324 - Gravatar's hash
        hashlib.sha256(lowered.encode()).hexdigest(),
        avatar_key(email=email, name="").hex(),
    }


def test_no_email_or_email_hash_in_any_rendered_page(client, comments_article):
    response = client.post(
        reverse("comments:post"),
        form_data(comments_article, author_email=EMAIL, author_url="https://fz.ma"),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    comment = Comment.objects.get()
    CommentFactory(target=comments_article, author_email="ali@example.org")
    from manchette.comments.services import comment_publish

    comment_publish(comment=comment)
    pages = [
        response.content.decode(),
        client.get(comments_article.url).content.decode(),
        client.get(f"{comments_article.url}?replytocom={comment.pk}").content.decode(),
    ]
    for html in pages:
        for trace in _email_traces(EMAIL) | _email_traces("ali@example.org"):
            assert trace not in html
        assert "gravatar" not in html.lower()


def test_ip_is_stored_anonymised_from_the_view(client, comments_article):
    client.post(
        reverse("comments:post"),
        form_data(comments_article),
        REMOTE_ADDR="2001:db8:1234:5678::1",
    )
    assert Comment.objects.get().ip_address == "2001:db8:1234::"
