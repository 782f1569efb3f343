"""Learning loop: moderators' decisions exported as labelled JSON Lines."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from manchette.moderation import cli_export, services
from manchette.moderation.engine.datasets import load_jsonl_rows
from manchette.moderation.models import DecisionAction
from tests.factories import CommentFactory
from tests.moderation.helpers import submit

pytestmark = pytest.mark.django_db

THREAT = "Il faut éliminer ces traîtres, on sait où ils habitent."


def test_export_decisions_labels_human_decisions(comments_article, moderator):
    threat = submit(comments_article, THREAT)
    fine = submit(comments_article, THREAT + " (je cite pour condamner)")
    spam = CommentFactory(target=comments_article, body="Achetez des crypto ici")
    engine_only = submit(comments_article, THREAT + " Encore.")
    services.review_decision(
        comment=threat, action=DecisionAction.REJECT, moderator=moderator
    )
    services.review_decision(
        comment=fine, action=DecisionAction.APPROVE, moderator=moderator
    )
    services.review_decision(
        comment=spam, action=DecisionAction.SPAM, moderator=moderator
    )

    rows = {row["comment_id"]: row for row in services.export_decisions()}

    assert set(rows) == {threat.pk, fine.pk, spam.pk}
    assert engine_only.pk not in rows
    assert rows[threat.pk]["label"] == 1
    assert rows[threat.pk]["category"] == "threat_incitement"
    assert rows[fine.pk]["label"] == 0
    assert rows[fine.pk]["category"] == "threat_incitement"
    assert rows[spam.pk] | {"decided_at": ""} == {
        "text": "Achetez des crypto ici",
        "label": 1,
        "category": "spam",
        "language": "und",
        "comment_id": spam.pk,
        "decided_at": "",
    }


def test_export_decisions_keeps_only_latest_human_decision(comments_article, moderator):
    comment = submit(comments_article, THREAT)
    services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )
    services.review_decision(
        comment=comment, action=DecisionAction.APPROVE, moderator=moderator
    )

    rows = list(services.export_decisions())

    assert [row["label"] for row in rows] == [0]


def test_export_decisions_since_filters_old_decisions(comments_article, moderator):
    comment = submit(comments_article, THREAT)
    services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )

    later = list(services.export_decisions(since=timezone.now() + timedelta(hours=1)))
    earlier = list(services.export_decisions(since=timezone.now() - timedelta(hours=1)))

    assert later == []
    assert len(earlier) == 1


def test_cli_export_writes_jsonl_that_training_reads(
    comments_article, moderator, tmp_path
):
    comment = submit(comments_article, THREAT)
    services.review_decision(
        comment=comment, action=DecisionAction.REMOVE, moderator=moderator
    )
    output = tmp_path / "decisions.jsonl"
    stderr = io.StringIO()

    count = cli_export.handle(
        {"output": str(output), "since": None}, stdout=io.StringIO(), stderr=stderr
    )

    assert count == 1
    assert "1 labelled decisions exported" in stderr.getvalue()
    line = json.loads(output.read_text(encoding="utf-8").strip())
    assert line["text"] == THREAT
    rows = load_jsonl_rows(output)
    assert rows[0].labels == {"threat_incitement": 1, "toxicity": 1}


def test_cli_export_to_stdout_with_since(comments_article, moderator):
    comment = submit(comments_article, THREAT)
    services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )
    stdout = io.StringIO()

    cli_export.handle({"since": "2000-01-01"}, stdout=stdout, stderr=io.StringIO())

    assert json.loads(stdout.getvalue())["label"] == 1
