import re

import pytest
from django.core import mail
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.models import Comment, ReplySubscription
from manchette.comments.notifications import (
    subscription_confirm,
    subscription_request,
    unsubscribe_token,
)
from manchette.comments.services import comment_set_status
from tests.comments.helpers import form_data
from tests.factories import CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures(
        "clear_cache", "no_comment_receivers", "no_reader_receivers"
    ),
]

LINK = re.compile(r"https?://\S+")


def subscribed(comment, *, language="fr", confirm=True):
    sub = subscription_request(
        comment=comment,
        language=language,
        page_url="http://testserver/article/",
        site_url="http://testserver/",
    )
    if confirm:
        assert sub is not None
        subscription_confirm(sub)
    return sub


def approve(comment):
    comment_set_status(comment=comment, status=CommentStatus.APPROVED)


def pending_reply(parent, **fields):
    return CommentFactory(parent=parent, status=CommentStatus.PENDING, **fields)


def test_form_checkbox_sends_confirmation_and_stays_inactive(
    client, comments_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("comments:post"),
            form_data(comments_article, notify_replies="on"),
        )
    sub = ReplySubscription.objects.get()
    assert sub.email == "samira@example.org"
    assert sub.language == "fr"
    assert sub.is_active is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["samira@example.org"]
    assert "Confirmez" in message.subject
    assert "/comments/notify/confirm/" in message.body


def test_form_without_checkbox_creates_no_subscription(client, comments_article):
    client.post(reverse("comments:post"), form_data(comments_article))
    assert not ReplySubscription.objects.exists()
    assert mail.outbox == []


def test_confirmation_link_get_changes_nothing_post_activates(
    client, comments_article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(target=comments_article)
    with django_capture_on_commit_callbacks(execute=True):
        sub = subscribed(parent, confirm=False)
    body = mail.outbox[0].body
    assert isinstance(body, str)
    link = LINK.search(body)
    assert link is not None
    url = link.group(0)
    path = url.removeprefix("http://testserver")

    assert client.get(path).status_code == 200
    sub.refresh_from_db()
    assert sub.confirmed_at is None
    assert client.post(path).status_code == 200
    sub.refresh_from_db()
    assert sub.is_active


def test_bad_confirmation_token_is_404(client, db):
    url = reverse("comments:notify_confirm", args=["forged:token"])
    assert client.get(url).status_code == 404


def test_approved_reply_emails_parent_author_once(
    comments_article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(target=comments_article, author_email="parent@example.org")
    subscribed(parent)
    reply = pending_reply(parent, author_name="Karim", body="Je ne suis pas d'accord.")

    with django_capture_on_commit_callbacks(execute=True):
        approve(reply)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parent@example.org"]
    assert "Karim" in message.subject
    assert "Je ne suis pas d'accord." in message.body
    assert reply.author_email not in message.body
    assert f"#comment-{reply.pk}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://testserver/comments/notify/unsubscribe/")

    # Approving again (after a removal) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=reply, status=CommentStatus.REMOVED)
        approve(reply)
    assert len(mail.outbox) == 1


def test_no_email_for_pending_rejected_or_spam_reply(
    comments_article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(target=comments_article)
    subscribed(parent)
    with django_capture_on_commit_callbacks(execute=True):
        pending_reply(parent)
        for status in (CommentStatus.REJECTED, CommentStatus.SPAM):
            comment_set_status(comment=pending_reply(parent), status=status)
    assert mail.outbox == []


def test_no_email_for_own_reply(comments_article, django_capture_on_commit_callbacks):
    parent = CommentFactory(target=comments_article, author_email="moi@example.org")
    subscribed(parent)
    own = pending_reply(parent, author_email="MOI@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        approve(own)
    assert mail.outbox == []


def test_no_email_without_confirmation_or_to_others(
    comments_article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(target=comments_article, author_email="a@example.org")
    subscribed(parent, confirm=False)
    other_parent = CommentFactory(target=comments_article, author_email="b@example.org")
    # b@ subscribed to *their* comment, not to a@'s: a reply to a@ tells b@ nothing.
    subscribed(other_parent)
    with django_capture_on_commit_callbacks(execute=True):
        approve(pending_reply(parent))
    assert mail.outbox == []


def test_reply_email_is_in_the_page_language(
    comments_article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(target=comments_article)
    subscribed(parent, language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        approve(pending_reply(parent, author_name="ليلى"))
    message = mail.outbox[0]
    assert "ردّ ليلى على تعليقك" in message.subject
    assert (
        "/ar/comments/notify/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    )


def test_one_click_unsubscribe_stops_the_thread(
    client, comments_article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(target=comments_article)
    sub = subscribed(parent)
    url = reverse("comments:notify_unsubscribe", args=[unsubscribe_token(sub)])

    # RFC 8058: the mail client POSTs this body, without any CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        approve(pending_reply(parent))
    assert mail.outbox == []


def test_erased_author_gets_no_more_email(
    comments_article, django_capture_on_commit_callbacks
):
    from manchette.comments.privacy_requests import erase_email

    parent = CommentFactory(target=comments_article, author_email="efface@example.org")
    subscribed(parent)
    erase_email("efface@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        approve(pending_reply(parent))
    assert mail.outbox == []
    assert Comment.objects.get(pk=parent.pk).author_email == ""
