"""Hostile input that once crashed a comment path must now be refused cleanly."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.errors import CommentRejectedError
from manchette.comments.forms import make_security_token
from manchette.comments.models import Comment
from manchette.comments.sanitize import clean_url
from manchette.comments.services import HOLD_TOO_FAST, comment_submit

# urllib reads "[" after "//" as the start of an IPv6 host and raises ValueError.
BROKEN_HOSTS = [
    '"}]</script><script>alert(1)</script>',
    "https://[::1/",
    "http://exa]mple.org/",
    "//[",
]


@pytest.mark.parametrize("value", BROKEN_HOSTS)
def test_clean_url_refuses_unbalanced_brackets_with_validation_error(value):
    with pytest.raises(ValidationError):
        clean_url(value)


@pytest.mark.django_db
def test_form_post_with_broken_website_answers_400_not_500(
    client, comments_article, clear_cache
):
    response = client.post(
        reverse("comments:post"),
        {
            "body": "Un avis ordinaire sur le port.",
            "author_name": "Amine",
            "author_email": "amine@example.org",
            "author_url": BROKEN_HOSTS[0],
            "security_token": make_security_token(
                comments_article, issued_at=time.time() - 30
            ),
        },
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_service_refuses_broken_website_as_a_field_error(comments_article):
    with pytest.raises(CommentRejectedError) as caught:
        comment_submit(
            target=comments_article,
            body="Un avis ordinaire sur le port.",
            author_name="Amine",
            author_email="amine@example.org",
            author_url=BROKEN_HOSTS[1],
        )

    assert caught.value.field == "author_url"


@pytest.mark.django_db
def test_cookie_dropping_bot_is_held_not_published(comments_article, clear_cache):
    # A bot with no cookies and a new email for every post escapes the
    # session/email flood limit: what it posts the instant the form is served
    # is held or refused as spam, never published, and the network budget
    # (COMMENTS_IP_BUDGET, 20 a minute) refuses it after that.
    statuses = []
    for n in range(21):
        response = Client().post(
            reverse("comments:post"),
            {
                "body": f"Offre {n} : gagnez vite, cliquez ici.",
                "author_name": "Promo",
                "author_email": f"bot{n}@spam.example",
                "security_token": make_security_token(comments_article),
            },
        )
        statuses.append(response.status_code)

    assert set(statuses[:20]) == {302}
    assert statuses[20] == 429
    comments = list(Comment.objects.all())
    assert len(comments) == 20
    assert {c.status for c in comments} <= {CommentStatus.PENDING, CommentStatus.SPAM}
    assert all(HOLD_TOO_FAST in c.hold_reasons for c in comments)
