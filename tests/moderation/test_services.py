"""Services: engine decisions, failure handling, page modes, bans, human review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from manchette.comments.abstracts import CommentStatus
from manchette.moderation import services
from manchette.moderation.adapters import email_hash, ip_hash
from manchette.moderation.models import (
    AppendOnlyError,
    Ban,
    BanKind,
    DecisionAction,
    DecisionOrigin,
    ModerationDecision,
    TargetMode,
)
from manchette.moderation.reasons import (
    SOURCE_ENGINE_FAILURE,
    SOURCE_MODEL_UNAVAILABLE,
    SOURCE_PAGE_MODE,
)
from tests.factories import CommentFactory, ModerationDecisionFactory
from tests.moderation.helpers import latest, submit

pytestmark = pytest.mark.django_db

BENIGN = "Merci pour cet article très clair sur le port, j'ai appris beaucoup."
THREAT = "Il faut éliminer ces traîtres, on sait où ils habitent."
CRITICISM = (
    "Ce gouvernement a échoué sur les prix et le ministre devrait démissionner : "
    "sa politique est un désastre pour les familles."
)


def test_moderate_comment_approves_benign_comment(comments_article):
    comment = submit(comments_article, BENIGN)

    decision = latest(comment)
    assert decision.origin == DecisionOrigin.ENGINE
    assert decision.action == DecisionAction.APPROVE
    assert comment.status == CommentStatus.APPROVED
    assert decision.model_version, "the classifier version is recorded"
    assert decision.engine_version
    assert set(decision.scores) == {
        "threat_incitement",
        "hate",
        "insult",
        "sexual",
        "spam",
        "personal_data",
    }


def test_moderate_comment_approves_harsh_political_criticism(comments_article):
    comment = submit(comments_article, CRITICISM)

    assert comment.status == CommentStatus.APPROVED


def test_moderate_comment_holds_threat_with_span(comments_article):
    comment = submit(comments_article, THREAT)

    decision = latest(comment)
    assert comment.status == CommentStatus.PENDING
    assert decision.action == DecisionAction.HOLD
    assert decision.category == "threat_incitement"
    start, end = decision.spans()[0]
    assert "élimin" in THREAT[start:end]


def test_moderate_comment_rejects_or_holds_addressed_darija_insult(comments_article):
    comment = submit(comments_article, "سير تقود يا الحمار، نتا وصحابك كاملين بوزبال.")

    decision = latest(comment)
    assert decision.action in {DecisionAction.REJECT, DecisionAction.HOLD}
    assert comment.status in {CommentStatus.REJECTED, CommentStatus.PENDING}
    assert decision.category == "insult"


def test_moderate_comment_holds_everything_without_model(
    comments_article, rules_only_engine
):
    comment = submit(comments_article, BENIGN)

    decision = latest(comment)
    assert comment.status == CommentStatus.PENDING
    assert decision.model_version == ""
    assert [r["source"] for r in decision.reasons] == [SOURCE_MODEL_UNAVAILABLE]


def test_moderate_comment_failure_keeps_comment_pending(comments_article, settings):
    # An invalid policy makes the engine impossible to build.
    settings.MODERATION_THRESHOLDS = {"hold": {"insult": 2.0}}

    comment = submit(comments_article, BENIGN)

    decision = latest(comment)
    assert comment.status == CommentStatus.PENDING
    assert decision.action == DecisionAction.HOLD
    assert decision.reasons[0]["source"] == SOURCE_ENGINE_FAILURE


def test_moderate_comment_applies_threshold_overrides(comments_article, settings):
    # Holding model-only evidence at any insult score above 0.0001 holds even
    # a polite comment that scores a little on the insult head.
    settings.MODERATION_THRESHOLDS = {
        "model_hold": dict.fromkeys(("insult", "hate", "spam"), 0.0001)
    }

    comment = submit(comments_article, BENIGN)

    assert comment.status == CommentStatus.PENDING


def test_moderate_comment_premoderated_page_holds_benign(comments_article, moderator):
    services.set_target_mode(
        target=comments_article, mode=TargetMode.PREMODERATE, moderator=moderator
    )

    comment = submit(comments_article, BENIGN)

    decision = latest(comment)
    assert comment.status == CommentStatus.PENDING
    assert SOURCE_PAGE_MODE in [r["source"] for r in decision.reasons]


def test_set_target_mode_closed_closes_article_and_rejects(comments_article, moderator):
    comment = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    services.set_target_mode(
        target=comments_article, mode=TargetMode.CLOSED, moderator=moderator
    )
    comments_article.refresh_from_db()
    assert comments_article.comments_enabled is False

    decision = services.moderate_comment(comment)

    assert decision.action == DecisionAction.REJECT
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED

    services.set_target_mode(
        target=comments_article, mode=TargetMode.NORMAL, moderator=moderator
    )
    comments_article.refresh_from_db()
    assert comments_article.comments_enabled is True


def test_moderate_comment_banned_email_is_rejected(comments_article, moderator):
    services.ban_create(
        kind=BanKind.EMAIL, value="Troll@Example.org", moderator=moderator
    )

    comment = submit(comments_article, BENIGN, email="troll@example.org")

    assert comment.status == CommentStatus.REJECTED
    assert latest(comment).reasons[-1]["source"] == "ban"


def test_moderate_comment_expired_ban_is_ignored(comments_article, moderator):
    ban = services.ban_create(
        kind=BanKind.EMAIL, value="ancien@example.org", moderator=moderator
    )
    Ban.objects.filter(pk=ban.pk).update(until=timezone.now() - timedelta(days=1))

    comment = submit(comments_article, BENIGN, email="ancien@example.org")

    assert services.find_ban(comment) is None
    reasons = latest(comment).reasons
    assert "ban" not in [r["source"] for r in reasons]


def test_ban_author_stores_only_hashes(comments_article, moderator):
    comment = submit(comments_article, BENIGN, email="x@exemple.ma", ip="203.0.113.9")

    by_email = services.ban_author(
        comment=comment, kind=BanKind.EMAIL, moderator=moderator
    )
    by_ip = services.ban_author(comment=comment, kind=BanKind.IP, moderator=moderator)

    assert by_email.key == email_hash("x@exemple.ma")
    assert "exemple" not in by_email.key
    assert by_ip.key == ip_hash("203.0.113.0")
    assert services.find_ban(comment) is not None


def test_ban_author_refuses_protected_domain(comments_article, moderator):
    comment = submit(comments_article, BENIGN, email="someone@gmail.com")

    with pytest.raises(services.ProtectedDomainError):
        services.ban_author(comment=comment, kind=BanKind.DOMAIN, moderator=moderator)
    assert not Ban.objects.exists()


def test_ban_create_domain_bans_other_addresses(comments_article, moderator):
    services.ban_create(kind=BanKind.DOMAIN, value="@spam-farm.example", moderator=None)

    comment = submit(comments_article, BENIGN, email="bot7@spam-farm.example")

    assert comment.status == CommentStatus.REJECTED


def test_decision_update_is_refused(comments_article):
    decision = ModerationDecisionFactory(
        comment=CommentFactory(target=comments_article)
    )
    decision.note = "edited"

    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        ModerationDecision.objects.filter(pk=decision.pk).update(note="edited")
    decision.refresh_from_db()
    assert decision.note == ""


def test_review_decision_adds_row_and_status_follows_latest(
    comments_article, moderator
):
    comment = submit(comments_article, THREAT)
    assert comment.status == CommentStatus.PENDING

    services.review_decision(
        comment=comment, action=DecisionAction.APPROVE, moderator=moderator
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED

    last = services.review_decision(
        comment=comment,
        action=DecisionAction.REMOVE,
        moderator=moderator,
        note="second look",
    )
    comment.refresh_from_db()

    rows = list(ModerationDecision.objects.filter(comment_id=comment.pk).order_by("pk"))
    assert [r.origin for r in rows] == ["engine", "moderator", "moderator"]
    assert rows[0].action == DecisionAction.HOLD
    assert comment.status == CommentStatus.REMOVED == last.status
    assert last.decided_by == moderator
    assert last.category == "threat_incitement"  # carried from the engine


def test_review_decision_rejects_unknown_action(comments_article, moderator):
    comment = CommentFactory(target=comments_article)

    with pytest.raises(services.InvalidDecisionError):
        services.review_decision(comment=comment, action="publish", moderator=moderator)
    assert not ModerationDecision.objects.filter(comment_id=comment.pk).exists()


def test_bulk_review_decides_each_comment(comments_article, moderator):
    comments = [
        CommentFactory(target=comments_article, status=CommentStatus.PENDING)
        for _ in range(3)
    ]

    decisions = services.bulk_review(
        comments=comments, action=DecisionAction.SPAM, moderator=moderator
    )

    assert len(decisions) == 3
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == CommentStatus.SPAM


def test_author_history_feeds_next_decision(comments_article, moderator):
    first = submit(comments_article, THREAT, email="recidive@example.org")
    services.review_decision(
        comment=first, action=DecisionAction.REJECT, moderator=moderator
    )

    second = submit(comments_article, BENIGN, email="recidive@example.org")

    from manchette.moderation.adapters import author_history

    history = author_history(second)
    assert history.rejected == 1
    assert history.approved == 0


def _flag(comment, number, reason="harassment"):
    from manchette.comments.flags import comment_flag, flagger_key

    comment_flag(
        comment=comment,
        reason=reason,
        flagger=flagger_key(session_key=f"s{number}", ip=f"198.51.100.{number}"),
        note="vise une personne",
    )
    comment.refresh_from_db()


def _in_default_queue(comment):
    from manchette.moderation.selectors import QueueFilters, queue_comments

    return queue_comments(QueueFilters()).filter(pk=comment.pk).exists()


def test_one_reader_flag_queues_a_published_comment_without_hiding_it(
    comments_article,
):
    comment = submit(comments_article, BENIGN)
    assert comment.status == CommentStatus.APPROVED
    assert not _in_default_queue(comment)

    _flag(comment, 1)

    decision = latest(comment)
    assert comment.status == CommentStatus.APPROVED  # still on the page
    assert decision.origin == DecisionOrigin.FLAG
    assert "harassment" in decision.reasons[0]["detail"]
    assert _in_default_queue(comment)
    assert services_pending_count() == 1


def services_pending_count():
    from manchette.moderation.selectors import pending_count

    return pending_count()


def test_reports_from_enough_readers_hold_a_comment(comments_article, settings):
    settings.MODERATION_FLAG_HOLD_COUNT = 3
    from manchette.moderation.conf import moderation_settings

    moderation_settings.cache_clear()
    comment = submit(comments_article, BENIGN)

    _flag(comment, 1)
    _flag(comment, 2)
    assert comment.status == CommentStatus.APPROVED
    _flag(comment, 3)

    assert comment.status == CommentStatus.PENDING
    assert latest(comment).origin == DecisionOrigin.FLAG
    assert _in_default_queue(comment)


def test_reports_never_hide_a_comment_a_moderator_approved(comments_article, moderator):
    comment = submit(comments_article, BENIGN)
    services.review_decision(
        comment=comment, action=DecisionAction.APPROVE, moderator=moderator
    )
    comment.refresh_from_db()

    for number in range(1, 6):
        _flag(comment, number)

    assert comment.status == CommentStatus.APPROVED
    assert _in_default_queue(comment)  # a moderator looks again
    services.review_decision(
        comment=comment, action=DecisionAction.APPROVE, moderator=moderator
    )
    assert not _in_default_queue(comment)


def test_rescore_comments_skips_human_decisions(comments_article, moderator):
    held = submit(comments_article, THREAT)
    human = submit(comments_article, THREAT + " Vraiment.")
    services.review_decision(
        comment=human, action=DecisionAction.HOLD, moderator=moderator
    )

    from manchette.comments import get_comment_model

    done = services.rescore_comments(get_comment_model().objects.all())

    assert done == 1
    assert ModerationDecision.objects.filter(comment_id=held.pk).count() == 2
    assert ModerationDecision.objects.filter(comment_id=human.pk).count() == 2


def test_rescore_task_runs_engine_on_given_comments(comments_article):
    from manchette.moderation.tasks import rescore_task

    first = submit(comments_article, THREAT)
    second = submit(comments_article, THREAT + " Deux.")

    result = rescore_task.enqueue([first.pk])

    assert result.return_value == 1
    assert ModerationDecision.objects.filter(comment_id=first.pk).count() == 2
    assert ModerationDecision.objects.filter(comment_id=second.pk).count() == 1


def test_lifted_ban_no_longer_rejects(comments_article, moderator):
    ban = services.ban_create(
        kind=BanKind.EMAIL, value="repenti@example.org", moderator=moderator
    )
    assert submit(comments_article, BENIGN, email="repenti@example.org").status == (
        CommentStatus.REJECTED
    )

    assert services.ban_lift(ban=ban, moderator=moderator) is True
    comment = submit(comments_article, BENIGN + " Encore.", email="repenti@example.org")

    assert services.find_ban(comment) is None
    assert "ban" not in [r["source"] for r in latest(comment).reasons]
    assert Ban.objects.get(pk=ban.pk).lifted_by == moderator  # the row is kept
    assert services.ban_lift(ban=ban, moderator=moderator) is False
