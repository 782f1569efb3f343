import logging

import pytest
from django.db import IntegrityError

from manchette.comments.abstracts import CommentStatus
from manchette.comments.errors import (
    CommentRejectedError,
    CommentsClosedError,
    TargetUnavailableError,
)
from manchette.comments.models import Comment
from manchette.comments.services import (
    HOLD_LINKS,
    SecurityReport,
    comment_import,
    comment_publish,
    comment_remove,
    comment_set_status,
    comment_submit,
)
from manchette.comments.signals import comment_status_changed, comment_submitted
from tests.factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_comment_receivers")]


def submit(target, **overrides):
    values = {
        "target": target,
        "body": "Un commentaire réfléchi sur le port.",
        "author_name": "Samira",
        "author_email": "samira@example.org",
    }
    values.update(overrides)
    return comment_submit(**values)


def test_comment_submit_stores_pending_without_receiver(comments_article):
    result = submit(comments_article)
    assert result.created is True
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert comment.thread_id == comment.pk
    assert comment.depth == 0
    assert comment.content_object == comments_article


def test_comment_submit_sends_signal_with_documented_arguments(comments_article):
    received = []

    def receiver(sender, comment, request, **kwargs):
        received.append((sender, comment.pk, request))

    comment_submitted.connect(receiver)
    try:
        result = submit(comments_article)
    finally:
        comment_submitted.disconnect(receiver)
    assert received == [(Comment, result.comment.pk, None)]


def test_comment_submit_keeps_pending_when_receiver_raises(comments_article, caplog):
    def approve_then_fail(sender, comment, **kwargs):
        Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.APPROVED)
        raise RuntimeError("moderation engine crashed")

    comment_submitted.connect(approve_then_fail)
    try:
        with caplog.at_level(logging.ERROR, logger="manchette.comments.services"):
            result = submit(comments_article)
    finally:
        comment_submitted.disconnect(approve_then_fail)
    assert result.comment.status == CommentStatus.PENDING
    assert Comment.objects.get().status == CommentStatus.PENDING
    assert "stays pending" in caplog.text


def test_comment_submit_reads_back_status_set_by_receiver(comments_article):
    def approve(sender, comment, **kwargs):
        comment_publish(comment=comment)

    comment_submitted.connect(approve)
    try:
        result = submit(comments_article)
    finally:
        comment_submitted.disconnect(approve)
    assert result.comment.status == CommentStatus.APPROVED


def test_comment_submit_holds_two_links_even_if_receiver_approves(comments_article):
    def approve(sender, comment, **kwargs):
        comment_publish(comment=comment)

    comment_submitted.connect(approve)
    try:
        result = submit(
            comments_article,
            body="Voir https://exemple.ma/a et aussi www.exemple.ma/b pour tout.",
        )
    finally:
        comment_submitted.disconnect(approve)
    assert result.comment.status == CommentStatus.PENDING
    assert result.comment.hold_reasons == [HOLD_LINKS]


def test_comment_submit_records_security_hold_reasons(comments_article):
    result = submit(
        comments_article, security=SecurityReport(hold_reasons=("too_fast",))
    )
    assert result.comment.hold_reasons == ["too_fast"]


def test_comment_submit_twice_returns_first_comment(comments_article):
    first = submit(comments_article)
    second = submit(comments_article, body="  Un commentaire   réfléchi sur le PORT. ")
    assert second.created is False
    assert second.comment.pk == first.comment.pk
    assert Comment.objects.count() == 1


def test_comment_submit_same_text_other_author_is_not_duplicate(comments_article):
    submit(comments_article)
    other = submit(comments_article, author_email="karim@example.org")
    assert other.created is True
    assert Comment.objects.count() == 2


def test_comment_submit_idempotency_key_returns_first(comments_article):
    first = submit(comments_article, idempotency_key="abc123")
    again = submit(comments_article, idempotency_key="abc123", body="Texte modifié.")
    assert again.created is False
    assert again.comment.pk == first.comment.pk
    assert Comment.objects.count() == 1


def test_comment_submit_idempotency_key_of_someone_else_is_refused(comments_article):
    submit(comments_article, idempotency_key="shared-key")
    with pytest.raises(CommentRejectedError):
        submit(comments_article, idempotency_key="shared-key", author_email="x@ex.org")


def test_comment_database_refuses_duplicate_idempotency_key(comments_article):
    first = submit(comments_article, idempotency_key="k1").comment
    with pytest.raises(IntegrityError):
        CommentFactory(target=comments_article, idempotency_key=first.idempotency_key)


def test_comment_submit_clamps_depth_and_records_reply_to(comments_article):
    parent = None
    chain = []
    for level in range(5):
        parent = CommentFactory(
            target=comments_article, parent=parent, author_name=f"Niveau{level}"
        )
        chain.append(parent)
    assert chain[-1].depth == 4
    result = submit(comments_article, parent=chain[-1])
    comment = result.comment
    assert comment.depth == 4
    assert comment.parent_id == chain[-2].pk
    assert comment.thread_id == chain[0].pk
    assert comment.reply_to_name == "Niveau4"


def test_comment_submit_reply_within_depth_has_no_reply_to(comments_article):
    root = CommentFactory(target=comments_article)
    reply = submit(comments_article, parent=root).comment
    assert (reply.depth, reply.parent_id, reply.thread_id) == (1, root.pk, root.pk)
    assert reply.reply_to_name == ""


def test_comment_submit_refuses_parent_from_other_page(comments_article):
    from tests.factories import build_comment_article

    other = CommentFactory(target=build_comment_article(slug="autre"))
    with pytest.raises(CommentRejectedError):
        submit(comments_article, parent=other)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": "x"}, "body"),
        ({"body": "é" * 5001}, "body"),
        ({"author_name": "n" * 81}, "author_name"),
        ({"author_name": "   "}, "author_name"),
        ({"author_email": ""}, "author_email"),
        ({"author_email": "pas-une-adresse"}, "author_email"),
        ({"author_url": "javascript:alert(1)"}, "author_url"),
    ],
)
def test_comment_submit_rejects_invalid_input(comments_article, overrides, field):
    with pytest.raises(CommentRejectedError) as info:
        submit(comments_article, **overrides)
    assert info.value.field == field
    assert str(info.value)
    assert Comment.objects.count() == 0


def test_comment_submit_counts_length_in_characters(comments_article):
    result = submit(comments_article, body="ع" * 5000)
    assert len(result.comment.body) == 5000


def test_comment_submit_refuses_closed_target(comments_article):
    comments_article.comments_enabled = False
    with pytest.raises(CommentsClosedError):
        submit(comments_article)


def test_comment_submit_refuses_unpublished_target(comments_article):
    comments_article.live = False
    with pytest.raises(TargetUnavailableError):
        submit(comments_article)


def test_comment_submit_logged_in_user_needs_no_name_or_email(
    comments_article, django_user_model
):
    user = django_user_model.objects.create_user(
        username="nadia", email="nadia@example.org", first_name="Nadia"
    )
    comment = submit(
        comments_article, author_name="", author_email="", user=user
    ).comment
    assert (comment.author_name, comment.author_email, comment.user) == (
        "Nadia",
        "nadia@example.org",
        user,
    )


def test_comment_submit_stores_anonymised_ip_and_short_user_agent(comments_article):
    comment = submit(
        comments_article, ip="203.0.113.77", user_agent="Mozilla/5.0 " + "x" * 400
    ).comment
    assert comment.ip_address == "203.0.113.0"
    assert len(comment.user_agent) == 255


def test_comment_set_status_sends_signal_once(comments_article):
    comment = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    events = []

    def receiver(sender, comment, old_status, new_status, actor, reason, **kwargs):
        events.append((old_status, new_status, actor, reason))

    comment_status_changed.connect(receiver)
    try:
        comment_set_status(comment=comment, status="approved", reason="ok")
        comment_set_status(comment=comment, status="approved")
    finally:
        comment_status_changed.disconnect(receiver)
    assert events == [("pending", "approved", None, "ok")]


def test_comment_set_status_refuses_unknown_status(comments_article):
    comment = CommentFactory(target=comments_article)
    with pytest.raises(CommentRejectedError):
        comment_set_status(comment=comment, status="published")


def test_comment_remove_sets_removed(comments_article):
    comment = CommentFactory(target=comments_article)
    comment_remove(comment=comment, reason="hors sujet")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED


def test_comment_import_is_idempotent_by_source_id(comments_article):
    import datetime as dt

    when = dt.datetime(2019, 3, 1, 10, 0, tzinfo=dt.UTC)
    first = comment_import(
        target=comments_article,
        source="wxr",
        external_id="123",
        body="Ancien commentaire.",
        author_name="Yassine",
        submitted_at=when,
    )
    second = comment_import(
        target=comments_article,
        source="wxr",
        external_id="123",
        body="Ancien commentaire.",
        author_name="Yassine",
        submitted_at=when,
    )
    assert first.created is True
    assert second.created is False
    assert Comment.objects.get().status == CommentStatus.APPROVED


def test_comment_database_refuses_duplicate_source_id(comments_article):
    CommentFactory(target=comments_article, source="wxr", external_id="9")
    with pytest.raises(IntegrityError):
        CommentFactory(target=comments_article, source="wxr", external_id="9")
