"""Receivers: every submission is moderated; the reference page end to end."""

import re

import pytest

from manchette.comments import get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.services import SecurityReport, comment_submit
from manchette.moderation.models import DecisionOrigin, ModerationDecision
from tests.moderation.helpers import latest, reference_comments, submit

pytestmark = pytest.mark.django_db


def test_comment_submit_records_engine_decision(comments_article):
    comment = submit(comments_article, "Bonne analyse, merci pour ces chiffres.")

    decisions = ModerationDecision.objects.filter(comment_id=comment.pk)
    assert decisions.count() == 1
    decision = decisions.get()
    assert decision.origin == DecisionOrigin.ENGINE
    assert decision.status == comment.status


def test_comment_submit_hold_reasons_keep_engine_approval_pending(comments_article):
    result = comment_submit(
        target=comments_article,
        body="Bonne analyse, merci pour ces chiffres.",
        author_name="Rapide",
        author_email="rapide@example.org",
        security=SecurityReport(hold_reasons=("too_fast",)),
    )

    comment = result.comment
    decision = latest(comment)
    assert comment.status == CommentStatus.PENDING
    assert decision.status == CommentStatus.PENDING
    assert "too_fast" in " ".join(r["detail"] for r in decision.reasons)


def test_comment_edit_is_moderated_again(comments_article, moderator):
    from manchette.comments.signals import comment_edited

    comment = submit(comments_article, "Bonne analyse, merci pour ces chiffres.")
    comment.body = "Il faut éliminer ces traîtres, on sait où ils habitent."
    comment.save(update_fields=["body"])

    comment_edited.send(
        sender=type(comment),
        comment=comment,
        old_body="Bonne analyse",
        old_status=comment.status,
        request=None,
    )

    comment.refresh_from_db()
    assert ModerationDecision.objects.filter(comment_id=comment.pk).count() == 2
    assert latest(comment).category == "threat_incitement"
    assert comment.status == CommentStatus.PENDING


def test_reference_page_comments_are_held_and_queued(
    comments_article, moderator_client
):
    first_text, second_text = reference_comments()[:2]

    first = submit(comments_article, first_text, email="lk@example.org", name="Lk")
    second = submit(comments_article, second_text, email="lk@example.org", name="Lk")

    first_decision = latest(first)
    assert first.status == CommentStatus.PENDING
    assert first_decision.category == "threat_incitement"
    assert first_decision.spans()
    assert second.status == CommentStatus.PENDING
    assert not get_comment_model().objects.approved().exists()

    html = moderator_client.get("/admin/moderation/").content.decode()
    assert f'id="moderation-item-{first.pk}"' in html
    assert f'id="moderation-item-{second.pk}"' in html
    first_item = html.split(f'id="moderation-item-{first.pk}"', 1)[1].split("</li>", 1)[
        0
    ]
    marks = re.findall(r"<mark>(.*?)</mark>", first_item, flags=re.DOTALL)
    assert any("neutralisation" in mark or "traitres" in mark for mark in marks)
    assert "threat_incitement" in first_item
