"""Demo reader comments: submitted through the pipeline, idempotent."""

import io

import pytest

from manchette.comments import get_comment_model
from manchette.moderation.demo import DEMO_COMMENTS, HELD, seed_demo_comments
from manchette.moderation.models import ModerationDecision

pytestmark = pytest.mark.django_db


def test_seed_demo_comments_goes_through_moderation(comments_article):
    out = io.StringIO()

    statuses = seed_demo_comments(stdout=out, homes=[comments_article.get_parent()])

    comments = get_comment_model().objects.all()
    assert comments.count() == len(DEMO_COMMENTS)
    assert ModerationDecision.objects.count() == len(DEMO_COMMENTS)
    assert sum(n for status, n in statuses.items() if status != "approved") == len(HELD)
    held_bodies = set(
        comments.exclude(status="approved").values_list("body", flat=True)
    )
    assert {demo.body for demo in HELD} == held_bodies  # the others are published
    assert "Demo comments:" in out.getvalue()


def test_seed_demo_comments_is_idempotent(comments_article):
    home = comments_article.get_parent()
    seed_demo_comments(stdout=io.StringIO(), homes=[home])

    seed_demo_comments(stdout=io.StringIO(), homes=[home])

    assert get_comment_model().objects.count() == len(DEMO_COMMENTS)
    assert ModerationDecision.objects.count() == len(DEMO_COMMENTS)
