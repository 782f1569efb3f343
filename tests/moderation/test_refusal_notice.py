"""The author of a refused comment is told so on the page, with the reasons."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from manchette.comments.models import Comment, CommentStatus
from tests.comments.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

INSULT = "Tais-toi, espèce de connard, t'es qu'un gros abruti."
CSP = "django.middleware.csp.ContentSecurityPolicyMiddleware"
_at = settings.MIDDLEWARE.index(CSP) + 1
WITH_CACHE = [
    *settings.MIDDLEWARE[:_at],
    "manchette.ops.caching.PageCacheMiddleware",
    *settings.MIDDLEWARE[_at:],
]


def _post(client: Client, article, body: str, capture) -> str:
    with capture(execute=True):
        response = client.post(reverse("comments:post"), form_data(article, body=body))
    assert response.status_code == 302
    return response["Location"]


def test_rejected_author_sees_statement_not_awaiting(
    comments_article, django_capture_on_commit_callbacks
):
    author = Client()
    location = _post(
        author, comments_article, INSULT, django_capture_on_commit_callbacks
    )
    assert Comment.objects.get().status == CommentStatus.REJECTED

    html = author.get(location).content.decode()

    assert "en attente de modération" not in html
    assert "n&#x27;a pas été publié" in html or "n'a pas été publié" in html
    assert "/moderation/appeal/" in html
    assert "insultes ou attaques personnelles" in html


def test_statement_never_reaches_another_reader_through_the_caches(
    comments_article, django_capture_on_commit_callbacks
):
    with override_settings(MIDDLEWARE=WITH_CACHE, OPS_PAGE_CACHE=True):
        url = comments_article.url
        Client().get(url)  # the anonymous page is now cached
        author = Client()
        location = _post(
            author, comments_article, INSULT, django_capture_on_commit_callbacks
        )
        mine = author.get(location).content.decode()
        again = author.get(url).content.decode()
        stranger = Client().get(url)
        other_html = stranger.content.decode()

    assert "/moderation/appeal/" in mine
    assert "/moderation/appeal/" in again  # still theirs on a later view
    assert stranger.status_code == 200
    assert "/moderation/appeal/" not in other_html
    assert "pas été publié" not in other_html
    assert "connard" not in other_html


def test_statement_of_another_page_is_not_shown_here(
    comments_article, django_capture_on_commit_callbacks
):
    from tests.factories import build_comment_article

    author = Client()
    _post(author, comments_article, INSULT, django_capture_on_commit_callbacks)
    other = build_comment_article(slug="autre-article")
    html = author.get(other.url).content.decode()

    assert "/moderation/appeal/" not in html


def test_held_author_still_reads_awaiting(comments_article, moderator):
    from manchette.moderation.models import ModerationMode, TargetMode

    ModerationMode.objects.create(
        content_type_id=comments_article.content_type_id,
        object_pk=str(comments_article.pk),
        mode=TargetMode.PREMODERATE,
    )
    author = Client()
    response = author.post(reverse("comments:post"), form_data(comments_article))
    assert Comment.objects.get().status == CommentStatus.PENDING

    html = author.get(response["Location"]).content.decode()

    assert "en attente de modération" in html
    assert "/moderation/appeal/" not in html


# --- the in-place post (comments.js): the same answer as the page -------------

SPAM = "Gagnez vite un iPhone gratuit ici http://promo-gagnant.example/cadeau"


def _post_json(client: Client, article, body: str, email: str = "") -> dict[str, Any]:
    data = form_data(article, body=body)
    if email:
        data["author_email"] = email
    response = client.post(
        reverse("comments:post"), data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 201, response.content
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.django_db(transaction=True)
def test_json_answer_of_a_rejected_comment_carries_the_statement():
    from tests.factories import build_comment_article

    article = build_comment_article()
    author = Client()
    data = _post_json(author, article, INSULT)

    assert Comment.objects.get().status == CommentStatus.REJECTED
    assert data["status"] == "rejected"
    assert data["refused"] is True
    assert data["held"] is True
    assert data["message"] == "Votre commentaire n'a pas été publié."
    assert "attente de modération" not in response_text(data)
    assert data["html"] == ""  # not shown, as on the page
    # The block the page shows after a no-JS post: statement and appeal link.
    # (The appeal token is signed with the time: compare without it.)
    page = unsigned(author.get(article.url).content.decode())
    assert data["notices"].strip()
    assert unsigned(data["notices"].strip()) in page
    assert "insultes ou attaques personnelles" in data["notices"]
    assert "/moderation/appeal/" in data["notices"]


@pytest.mark.django_db(transaction=True)
def test_json_answer_of_spam_reads_exactly_like_a_held_comment():
    from manchette.moderation.models import ModerationMode, TargetMode
    from tests.factories import build_comment_article

    article = build_comment_article()
    spam = _post_json(Client(), article, SPAM)
    assert Comment.objects.get().status == CommentStatus.SPAM
    ModerationMode.objects.create(
        content_type_id=article.content_type_id,
        object_pk=str(article.pk),
        mode=TargetMode.PREMODERATE,
    )
    held = _post_json(
        Client(), article, "Un avis mesuré sur le nouveau quai.", "nadia@example.org"
    )
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 1

    fields = ("status", "held", "refused", "message", "notices")
    assert {k: spam[k] for k in fields} == {k: held[k] for k in fields}
    assert spam["status"] == "pending"
    assert spam["refused"] is False
    assert spam["notices"] == ""
    assert "attente de modération" in spam["message"]
    assert "spam" not in response_text(spam).lower()


def unsigned(html: str) -> str:
    return re.sub(r"/moderation/appeal/[^/\"]+/", "/moderation/appeal/TOKEN/", html)


def response_text(data: dict[str, Any]) -> str:
    return " ".join(str(value) for value in data.values())
