"""``moderate_comments``: the bulk path takes the single path's decisions."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from manchette.comments.abstracts import CommentStatus
from manchette.comments.signals import comment_status_changed
from manchette.moderation import services
from manchette.moderation.models import (
    BanKind,
    DecisionAction,
    DecisionOrigin,
    ModerationDecision,
    TargetMode,
)
from tests.factories import CommentFactory, build_comment_article

pytestmark = pytest.mark.django_db

TEXTS = [
    "Merci pour ce reportage sur le marché du quartier, très utile.",
    "Le conseil municipal devrait publier le budget du tramway.",
    "شكرا على هذا المقال عن مكتبة الحي.",
    "Achetez des montres pas chères ici http://a.example http://b.example "
    "http://c.example http://d.example",
    "Je ne suis pas d'accord avec l'auteur sur la rentrée scolaire.",
]


def _snapshot(comments):
    """Return what a decision says and the comment's stored status, in order."""
    rows = []
    for comment in comments:
        decision = services.latest_decision(comment)
        assert decision is not None
        comment.refresh_from_db()
        rows.append(
            (
                decision.action,
                decision.origin,
                decision.reasons,
                decision.scores,
                decision.toxicity,
                decision.category,
                decision.language,
                decision.engine_version,
                decision.model_version,
                decision.author_hash,
                comment.status,
            )
        )
    return rows


@pytest.fixture
def pending_comments(moderator):
    """Return pending comments on three pages with repeated authors and a ban.

    One page is pre-moderated and one closed; one author writes three times,
    one is banned, one comment carries a submission-check hold reason and one
    has no email address.
    """
    normal = build_comment_article(title="Marché")
    premoderated = build_comment_article(title="Tramway")
    closed = build_comment_article(title="Rentrée")
    services.set_target_mode(
        target=premoderated, mode=TargetMode.PREMODERATE, moderator=moderator
    )
    services.set_target_mode(target=closed, mode=TargetMode.CLOSED, moderator=moderator)
    services.ban_create(
        kind=BanKind.EMAIL, value="bannie@example.org", moderator=moderator
    )
    # A past rejected comment gives the regular author a history.
    past = CommentFactory(
        target=normal, author_email="habitue@example.org", status="rejected"
    )
    services.review_decision(
        comment=past, action=DecisionAction.REJECT, moderator=moderator
    )
    plan = [
        (normal, "habitue@example.org", [], 0),
        (normal, "autre@example.org", [], 3),
        (premoderated, "habitue@example.org", [], 1),
        (normal, "bannie@example.org", [], 0),
        (closed, "habitue@example.org", [], 4),
        (normal, "", [], 2),
        (normal, "verifiee@example.org", ["too_fast"], 1),
    ]
    return [
        CommentFactory(
            target=target,
            author_email=email,
            hold_reasons=reasons,
            status=CommentStatus.PENDING,
            body=TEXTS[text],
        )
        for target, email, reasons, text in plan
    ]


def test_moderate_comments_matches_moderate_comment_one_by_one(pending_comments):
    with transaction.atomic():
        for comment in pending_comments:
            services.moderate_comment(comment)
        one_by_one = _snapshot(pending_comments)
        transaction.set_rollback(True)
    for comment in pending_comments:
        comment.refresh_from_db()
    assert not ModerationDecision.objects.filter(comment__in=pending_comments).exists()

    decisions = services.moderate_comments(pending_comments)

    assert _snapshot(pending_comments) == one_by_one
    assert [d.comment_id for d in decisions] == [c.pk for c in pending_comments]
    assert all(d.origin == DecisionOrigin.ENGINE for d in decisions)
    statuses = [row[-1] for row in one_by_one]
    assert statuses[3] == CommentStatus.REJECTED  # banned author
    assert statuses[4] == CommentStatus.REJECTED  # closed page


def test_moderate_comments_sends_status_changes_like_the_service(pending_comments):
    changes = []

    def record(sender, comment, old_status, new_status, **kwargs):
        changes.append((comment.pk, old_status, new_status))

    comment_status_changed.connect(record, dispatch_uid="test-bulk-status")
    try:
        services.moderate_comments(pending_comments)
    finally:
        comment_status_changed.disconnect(dispatch_uid="test-bulk-status")

    expected = [
        (c.pk, "pending", c.status)
        for c in pending_comments
        if c.status != CommentStatus.PENDING
    ]
    assert sorted(changes) == sorted(expected)
    assert expected, "the banned author and the closed page change status"


def test_moderate_comments_queries_do_not_grow_with_the_batch(
    comments_article, rules_only_engine
):
    # Without a model every comment is held: no status changes, so every query
    # left is per batch, not per comment.
    services.engine_state()

    def batch(size):
        return [
            CommentFactory(
                target=comments_article,
                status=CommentStatus.PENDING,
                body=TEXTS[n % len(TEXTS)],
            )
            for n in range(size)
        ]

    small, large = batch(3), batch(30)
    with CaptureQueriesContext(connection) as few:
        services.moderate_comments(small)
    with CaptureQueriesContext(connection) as many:
        services.moderate_comments(large)

    assert len(many.captured_queries) == len(few.captured_queries)
    assert ModerationDecision.objects.filter(comment__in=large).count() == 30
    assert {c.status for c in large} == {CommentStatus.PENDING}


def test_moderate_comments_empty_list_does_nothing():
    assert services.moderate_comments([]) == []
