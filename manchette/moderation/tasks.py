"""Background work of the moderation app, run through Django's tasks framework.

Web requests only enqueue these (after the transaction commits), so they never
wait on the mail server or on rescoring. Arguments are JSON-serialisable ids.
"""

from __future__ import annotations

from django.tasks import task

from manchette.comments import get_comment_model
from manchette.moderation.models import ModerationDecision


@task()
def send_statement_task(decision_id: int) -> int:
    """Send the statement of reasons for one decision; return statements stored."""
    from manchette.moderation.notifications import send_statement

    decision = (
        ModerationDecision.objects.select_related("comment")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return 0
    return len(send_statement(decision))


@task()
def notify_long_holds_task() -> int:
    """Send statements for comments held past ``MODERATION_HOLD_NOTICE_AFTER``."""
    from manchette.moderation.notifications import notify_long_holds

    return notify_long_holds()


@task()
def rescore_task(comment_ids: list[int] | None = None) -> int:
    """Rescore held comments with the current model (all when ``comment_ids`` is None).

    Return how many comments got a new engine decision.
    """
    from manchette.moderation.services import rescore_comments

    comments = get_comment_model().objects.all()
    if comment_ids is not None:
        comments = comments.filter(pk__in=comment_ids)
    return rescore_comments(comments)
