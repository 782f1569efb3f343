import time

import pytest
import time_machine
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.errors import CommentRejectedError
from manchette.comments.models import Comment, CommentEditKey
from manchette.comments.signals import comment_edited, comment_status_changed
from manchette.comments.tokens import (
    EditNotAllowedError,
    comment_delete_own,
    comment_edit,
    issue_edit_token,
    verify_edit_token,
)
from tests.comments.helpers import form_data
from tests.factories import CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures(
        "clear_cache", "no_comment_receivers", "no_reader_receivers"
    ),
]


def fresh_comment(target, **fields):
    from django.utils import timezone

    return CommentFactory(target=target, submitted_at=timezone.now(), **fields)


def test_edit_token_is_bound_to_its_comment(comments_article):
    one, two = fresh_comment(comments_article), fresh_comment(comments_article)
    token = issue_edit_token(one)
    verify_edit_token(one, token)
    with pytest.raises(EditNotAllowedError):
        verify_edit_token(two, token)
    with pytest.raises(EditNotAllowedError):
        verify_edit_token(one, token[:-2] + "xx")
    with pytest.raises(EditNotAllowedError):
        verify_edit_token(one, None)


def test_edit_token_is_revoked_when_reissued(comments_article):
    comment = fresh_comment(comments_article)
    old = issue_edit_token(comment)
    issue_edit_token(comment)
    with pytest.raises(EditNotAllowedError):
        verify_edit_token(comment, old)


def test_edit_token_expires_after_ten_minutes(comments_article):
    comment = fresh_comment(comments_article)
    token = issue_edit_token(comment)
    with time_machine.travel(time.time() + 9 * 60, tick=False):
        verify_edit_token(comment, token)
    with (
        time_machine.travel(time.time() + 11 * 60, tick=False),
        pytest.raises(EditNotAllowedError),
    ):
        verify_edit_token(comment, token)


def test_comment_edit_sets_edited_at_and_goes_back_to_pending(comments_article):
    comment = fresh_comment(comments_article)
    token = issue_edit_token(comment)
    edits, changes = [], []

    def on_edit(sender, **kwargs):
        edits.append(kwargs)

    def on_change(sender, **kwargs):
        changes.append((kwargs["old_status"], kwargs["new_status"]))

    comment_edited.connect(on_edit)
    comment_status_changed.connect(on_change)
    try:
        comment_edit(comment=comment, token=token, body="  Texte corrigé.  ")
    finally:
        comment_edited.disconnect(on_edit)
        comment_status_changed.disconnect(on_change)

    comment.refresh_from_db()
    assert comment.body == "Texte corrigé."
    assert comment.edited_at is not None
    assert comment.status == CommentStatus.PENDING
    assert changes == [("approved", "pending")]
    assert edits[0]["old_status"] == "approved"
    assert edits[0]["old_body"].startswith("Avis numéro")


def test_comment_edit_approved_again_by_receiver_unless_links(comments_article):
    from manchette.comments.services import comment_set_status

    def approve(sender, comment, **kwargs):
        comment_set_status(comment=comment, status=CommentStatus.APPROVED)

    comment = fresh_comment(comments_article)
    token = issue_edit_token(comment)
    comment_edited.connect(approve)
    try:
        comment_edit(comment=comment, token=token, body="Une correction sans lien.")
        assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED
        comment_edit(
            comment=comment,
            token=token,
            body="Voir https://a.example et https://b.example",
        )
    finally:
        comment_edited.disconnect(approve)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert "links" in comment.hold_reasons


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script> bonjour",
        '<a href="javascript:alert(1)">clic</a>',
        '<img src=x onerror="alert(1)"> texte',
        "bonjour \u202eevil\u202c \u2066x\u2069",
    ],
)
def test_edit_view_hostile_body_is_neutralised(client, comments_article, body):
    response = client.post(reverse("comments:post"), form_data(comments_article))
    comment = Comment.objects.get()
    edit = client.post(reverse("comments:edit", args=[comment.pk]), {"body": body})
    assert edit.status_code == 302
    comment.refresh_from_db()
    assert not set(comment.body) & {"\u202e", "\u202c", "\u2066", "\u2069"}
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page
    assert '<a href="javascript:' not in page
    assert "<img src=x" not in page


def test_edit_view_refuses_70000_characters(client, comments_article):
    client.post(reverse("comments:post"), form_data(comments_article))
    comment = Comment.objects.get()
    response = client.post(
        reverse("comments:edit", args=[comment.pk]), {"body": "é" * 70_000}
    )
    assert response.status_code == 400
    comment.refresh_from_db()
    assert len(comment.body) < 1000


def test_comment_edit_service_refuses_too_long_body(comments_article):
    comment = fresh_comment(comments_article)
    token = issue_edit_token(comment)
    with pytest.raises(CommentRejectedError):
        comment_edit(comment=comment, token=token, body="x" * 70_000)


def test_edit_view_without_token_is_403(client, comments_article):
    comment = fresh_comment(comments_article)
    assert client.get(reverse("comments:edit", args=[comment.pk])).status_code == 403
    response = client.post(reverse("comments:delete", args=[comment.pk]))
    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_submit_grants_token_and_edit_link_to_author_browser_only(
    client, comments_article
):
    from django.test import Client

    response = client.post(reverse("comments:post"), form_data(comments_article))
    comment = Comment.objects.get()
    comment.status = CommentStatus.APPROVED
    comment.save()
    edit_url = reverse("comments:edit", args=[comment.pk])

    own_page = client.get(response["Location"]).content.decode()
    other_page = Client().get(response["Location"]).content.decode()

    assert edit_url in own_page
    assert edit_url not in other_page
    assert client.get(edit_url).status_code == 200


def test_delete_own_comment_without_replies_removes_row(comments_article):
    comment = fresh_comment(comments_article)
    token = issue_edit_token(comment)
    assert comment_delete_own(comment=comment, token=token) is True
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert not CommentEditKey.objects.exists()


def test_delete_own_comment_with_replies_keeps_placeholder(client, comments_article):
    comment = fresh_comment(comments_article, author_url="https://moi.example")
    reply = CommentFactory(parent=comment, body="Je réponds ici.")
    token = issue_edit_token(comment)

    assert comment_delete_own(comment=comment, token=token) is False

    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    assert comment.body == comment.author_email == comment.author_url == ""
    with pytest.raises(EditNotAllowedError):
        verify_edit_token(comment, token)
    html = client.get(comments_article.url).content.decode()
    assert f'id="comment-{reply.pk}"' in html
    assert "comment-placeholder" in html
