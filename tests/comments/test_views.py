import pytest
from django.test import override_settings
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.models import Comment
from manchette.comments.signals import comment_submitted
from tests.comments.helpers import form_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]

JSON = {"HTTP_ACCEPT": "application/json"}


def post(client, data, **extra):
    return client.post(reverse("comments:post"), data, **extra)


def test_post_comment_redirects_to_comment_on_page(client, comments_article):
    response = post(client, form_data(comments_article), REMOTE_ADDR="198.51.100.23")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"{comments_article.url}?cpage=1#comment-{comment.pk}"
    )
    assert comment.status == CommentStatus.PENDING
    assert comment.ip_address == "198.51.100.0"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert "Votre commentaire est en attente de modération" in html


def test_post_comment_json_returns_html_and_held_notice(client, comments_article):
    response = post(client, form_data(comments_article), **JSON)
    assert response.status_code == 201
    data = response.json()
    assert data["ok"] is True
    assert data["held"] is True
    assert data["status"] == "pending"
    assert f'id="comment-{data["id"]}"' in data["html"]
    assert data["token"]
    assert "attente de modération" in data["message"]


def test_post_comment_twice_rapidly_stores_one_row(client, comments_article):
    data = form_data(comments_article)
    first = post(client, data)
    second = post(client, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1


def test_post_comment_flood_per_session_and_ip_is_429(client, comments_article):
    assert post(client, form_data(comments_article)).status_code == 302
    response = post(
        client,
        form_data(comments_article, body="Un autre avis", author_email="b@ex.org"),
    )
    assert response.status_code == 429
    assert "trop rapidement" in response.content.decode()
    assert Comment.objects.count() == 1


def test_post_comment_flood_per_email_is_429_json(client, comments_article):
    from django.test import Client

    assert post(client, form_data(comments_article)).status_code == 302
    other_browser = Client()
    response = post(
        other_browser,
        form_data(comments_article, body="Encore moi, autrement."),
        REMOTE_ADDR="192.0.2.50",
        **JSON,
    )
    assert response.status_code == 429
    assert response.json()["code"] == "flood"
    assert Comment.objects.count() == 1


@override_settings(COMMENTS_FLOOD_SECONDS=0)
def test_post_comment_flood_limit_can_be_disabled(client, comments_article):
    post(client, form_data(comments_article))
    post(client, form_data(comments_article, body="Second avis, différent."))
    assert Comment.objects.count() == 2


def test_post_comment_on_closed_article_is_403(client, comments_article):
    comments_article.comments_enabled = False
    comments_article.save()
    response = post(client, form_data(comments_article))
    assert response.status_code == 403
    assert "Les commentaires sont fermés" in response.content.decode()
    assert Comment.objects.count() == 0


def test_post_comment_on_unpublished_article_is_404(client, comments_article):
    comments_article.live = False
    comments_article.save()
    response = post(client, form_data(comments_article), **JSON)
    assert response.status_code == 404
    assert response.json()["code"] == "unavailable"


def test_post_comment_with_bad_token_is_400(client, comments_article):
    response = post(client, form_data(comments_article, security_token="forged"))
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_post_comment_invalid_form_shows_errors_and_keeps_text(
    client, comments_article
):
    response = post(client, form_data(comments_article, body="x", author_name="Leila"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "au moins 2 caractères" in html
    assert 'value="Leila"' in html


def test_post_comment_receiver_failure_keeps_comment_pending(client, comments_article):
    def broken(sender, comment, request, **kwargs):
        assert request is not None
        raise ValueError("boom")

    comment_submitted.connect(broken)
    try:
        response = post(client, form_data(comments_article), **JSON)
    finally:
        comment_submitted.disconnect(broken)
    assert response.json()["held"] is True
    assert Comment.objects.get().status == CommentStatus.PENDING


def _post_json_decided(client, article, decided):
    def decide(sender, comment, **kwargs):
        type(comment).objects.filter(pk=comment.pk).update(status=decided)

    comment_submitted.connect(decide)
    try:
        response = post(client, form_data(article), **JSON)
    finally:
        comment_submitted.disconnect(decide)
    assert Comment.objects.get().status == decided
    return response


def test_post_comment_json_reports_spam_as_pending(client, comments_article):
    # Like the API (docs/api.md): a spammer must not learn from the answer
    # which texts the moderation engine classed as spam.
    response = _post_json_decided(client, comments_article, CommentStatus.SPAM)
    data = response.json()
    assert data["status"] == "pending"
    assert data["held"] is True
    assert data["refused"] is False
    assert data["notices"] == ""
    assert "attente de modération" in data["message"]
    assert "spam" not in response.content.decode()


@pytest.mark.parametrize("decided", [CommentStatus.REJECTED, CommentStatus.REMOVED])
def test_post_comment_json_tells_a_refused_author_not_published(
    client, comments_article, decided
):
    # As the page after the no-JS redirect: "not published", comment not shown.
    data = _post_json_decided(client, comments_article, decided).json()
    assert data["status"] == "rejected"
    assert data["held"] is True
    assert data["refused"] is True
    assert data["message"] == "Votre commentaire n'a pas été publié."
    assert data["html"] == ""


def test_post_comment_json_asks_the_notices_source_only_when_refused(
    client, comments_article
):
    from manchette.comments import web

    asked = []

    def source(request, target):
        asked.append(target.pk)
        return '<p class="statement">Motif</p>'

    saved = web._notices_source
    web.set_author_notices_source(source)
    try:
        held = post(client, form_data(comments_article), **JSON).json()
        Comment.objects.all().delete()
        refused = _post_json_decided(client, comments_article, CommentStatus.REJECTED)
    finally:
        web.set_author_notices_source(saved)
    assert held["notices"] == ""
    assert refused.json()["notices"] == '<p class="statement">Motif</p>'
    assert asked == [comments_article.pk]


def test_post_comment_consent_sets_author_cookie_and_prefills(client, comments_article):
    response = post(client, form_data(comments_article, remember="on"))
    cookie = response.cookies["comment_author"]
    assert cookie.value
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    page = client.get(comments_article.url).content.decode()
    assert 'value="Samira"' in page
    assert 'name="remember" id="id_comment_remember" checked' in page


@override_settings(COMMENTS_FLOOD_SECONDS=0)
def test_post_comment_unticked_consent_deletes_cookie(client, comments_article):
    post(client, form_data(comments_article, remember="on"))
    assert client.cookies["comment_author"].value
    response = post(client, form_data(comments_article, body="Deuxième avis, merci."))
    assert response.cookies["comment_author"].value == ""
    assert response.cookies["comment_author"]["max-age"] == 0


def test_post_comment_without_consent_sets_no_cookie(client, comments_article):
    response = post(client, form_data(comments_article))
    assert "comment_author" not in response.cookies


def test_post_comment_logged_in_user(client, comments_article, django_user_model):
    user = django_user_model.objects.create_user(
        username="hind", email="hind@example.org"
    )
    client.force_login(user)
    data = form_data(comments_article)
    del data["author_name"], data["author_email"]
    response = post(client, data)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name) == (user, "hind")


def test_post_comment_get_is_not_allowed(client):
    assert client.get(reverse("comments:post")).status_code == 405
