"""Receivers of the comments app's signals; connected in ``ModerationConfig.ready()``.

Only the comments app sends these signals. Each receiver hands the comment to a
service; nothing here runs at import time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction

from manchette.moderation import services
from manchette.moderation.models import DecisionOrigin

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment

logger = logging.getLogger(__name__)


def _moderate(comment: AbstractComment) -> None:
    """Moderate ``comment``; on failure keep it pending with a failure row.

    When even the failure row cannot be stored, the exception propagates and
    the comments app rolls back every write: the comment stays pending.
    """
    try:
        with transaction.atomic():
            services.moderate_comment(comment)
    except Exception as exc:
        logger.exception("Moderation failed for comment %s", comment.pk)
        with transaction.atomic():
            services.record_engine_failure(comment, exc)


def on_comment_submitted(*, comment: AbstractComment, **kwargs: Any) -> None:
    """Moderate every newly submitted comment (``comment_submitted``)."""
    _moderate(comment)


def on_comment_edited(*, comment: AbstractComment, **kwargs: Any) -> None:
    """Moderate an edited comment again (``comment_edited``)."""
    _moderate(comment)


def on_comment_flagged(*, comment: AbstractComment, **kwargs: Any) -> None:
    """Send a flagged comment back to a human, with the reason (``comment_flagged``)."""
    flag = kwargs.get("flag")
    reason = str(getattr(flag, "reason", "") or kwargs.get("reason", ""))
    note = str(getattr(flag, "note", "") or "")
    count = kwargs.get("count")
    detail = f"flagged by a reader: {reason}" + (f" ({note})" if note else "")
    if isinstance(count, int) and count > 1:
        detail += f" [{count} flags]"
    services.requeue_for_human(
        comment=comment,
        origin=DecisionOrigin.FLAG,
        detail=detail,
        flags=count if isinstance(count, int) else 1,
    )


def connect() -> None:
    """Connect the receivers to the comments app's signals (call once, in ready)."""
    from manchette.comments import signals

    signals.comment_submitted.connect(
        on_comment_submitted, dispatch_uid="moderation.on_comment_submitted"
    )
    # Signals added to the comments app later are connected only if present.
    edited = getattr(signals, "comment_edited", None)
    if edited is not None:
        edited.connect(on_comment_edited, dispatch_uid="moderation.on_comment_edited")
    flagged = getattr(signals, "comment_flagged", None)
    if flagged is not None:
        flagged.connect(
            on_comment_flagged, dispatch_uid="moderation.on_comment_flagged"
        )
