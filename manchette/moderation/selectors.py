"""Read queries for the moderation queue (return querysets or plain values)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, FloatField, OuterRef, Q, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from manchette.comments import get_comment_model
from manchette.moderation.models import (
    Appeal,
    AppealStatus,
    Ban,
    DecisionOrigin,
    ModerationDecision,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.db.models import QuerySet

    from manchette.comments.abstracts import AbstractComment

REJECTED_STATUSES = ("rejected", "spam", "removed")


@dataclasses.dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filters; empty values mean "any"."""

    status: str = "pending"
    category: str = ""
    language: str = ""
    score_min: float | None = None
    score_max: float | None = None
    flagged: bool = False
    appealed: bool = False
    content_type_id: int | None = None
    object_pk: str = ""


def _latest(field: str) -> Subquery:
    return Subquery(
        ModerationDecision.objects.filter(comment=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values(field)[:1]
    )


def queue_comments(filters: QueueFilters) -> QuerySet[Any]:
    """Return comments for the queue, annotated with their latest decision.

    Annotations: ``latest_category``, ``latest_language``, ``latest_toxicity``,
    ``is_flagged`` and ``is_appealed``. Ordered oldest first, so the longest
    waiting comment comes first.
    """
    model = get_comment_model()
    flagged = ModerationDecision.objects.filter(
        comment=OuterRef("pk"), origin=DecisionOrigin.FLAG
    )
    appealed = Appeal.objects.filter(comment=OuterRef("pk"), status=AppealStatus.OPEN)
    comments = model.objects.annotate(
        latest_category=_latest("category"),
        latest_language=_latest("language"),
        latest_toxicity=Subquery(
            ModerationDecision.objects.filter(comment=OuterRef("pk"))
            .order_by("-created_at", "-pk")
            .values("toxicity")[:1],
            output_field=FloatField(),
        ),
        is_flagged=Exists(flagged),
        is_appealed=Exists(appealed),
    )
    if filters.status == "pending":
        # Waiting for a moderator: held comments, and published ones that
        # readers reported since the last decision (they stay up meanwhile).
        comments = comments.annotate(latest_origin=_latest("origin")).filter(
            Q(status="pending")
            | Q(status="approved", latest_origin=DecisionOrigin.FLAG)
        )
    elif filters.status and filters.status != "all":
        comments = comments.filter(status=filters.status)
    if filters.category:
        comments = comments.filter(latest_category=filters.category)
    if filters.language:
        comments = comments.filter(latest_language=filters.language)
    if filters.score_min is not None:
        comments = comments.filter(latest_toxicity__gte=filters.score_min)
    if filters.score_max is not None:
        comments = comments.filter(latest_toxicity__lte=filters.score_max)
    if filters.flagged:
        comments = comments.filter(is_flagged=True)
    if filters.appealed:
        comments = comments.filter(is_appealed=True)
    if filters.content_type_id is not None and filters.object_pk:
        comments = comments.filter(
            content_type_id=filters.content_type_id, object_pk=filters.object_pk
        )
    return comments.select_related("content_type").order_by("submitted_at", "pk")


def pending_count() -> int:
    """Return how many comments wait for a decision (held or reported)."""
    return queue_comments(QueueFilters()).count()


def latest_decisions(comment_ids: Iterable[int]) -> dict[int, ModerationDecision]:
    """Return the latest decision of each comment, keyed by comment id."""
    found: dict[int, ModerationDecision] = {}
    decisions = ModerationDecision.objects.filter(comment_id__in=list(comment_ids))
    for decision in decisions.order_by("comment_id", "-created_at", "-pk"):
        found.setdefault(decision.comment_id, decision)
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class History:
    """An author's other comments by outcome."""

    approved: int = 0
    rejected: int = 0
    pending: int = 0


def author_histories(
    comments: Sequence[AbstractComment], keys: dict[int, str]
) -> dict[int, History]:
    """Return each comment's author history (other comments by status).

    ``keys`` maps comment id to author hash (from the latest decision).
    """
    wanted = {key for key in keys.values() if key}
    if not wanted:
        return {}
    model = get_comment_model()
    rows = (
        model.objects.filter(moderation_decisions__author_hash__in=wanted)  # type: ignore[misc]
        .values_list("moderation_decisions__author_hash", "pk", "status")
        .distinct()
    )
    per_author: dict[str, list[tuple[int, str]]] = {}
    for key, pk, status in rows:
        per_author.setdefault(key, []).append((pk, status))
    histories: dict[int, History] = {}
    for comment in comments:
        key = keys.get(comment.pk, "")
        others = [status for pk, status in per_author.get(key, []) if pk != comment.pk]
        histories[comment.pk] = History(
            approved=others.count("approved"),
            rejected=sum(others.count(s) for s in REJECTED_STATUSES),
            pending=others.count("pending"),
        )
    return histories


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> SafeString:
    """Return ``text`` escaped, with each span wrapped in ``<mark>``.

    Spans are ``[start, end)`` character offsets; overlapping or touching spans
    are merged and out-of-range offsets clamped. Everything else is escaped, so
    the result is safe to render whatever the comment holds.
    """
    length = len(text)
    cleaned = sorted(
        (max(0, min(start, length)), max(0, min(end, length))) for start, end in spans
    )
    merged: list[list[int]] = []
    for start, end in cleaned:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    position = 0
    for start, end in merged:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def open_appeals() -> QuerySet[Appeal]:
    """Return appeals waiting for a moderator, oldest first."""
    return (
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .select_related("comment", "decision")
        .order_by("created_at", "pk")
    )


def active_bans() -> QuerySet[Ban]:
    """Return the bans in force, newest first, with who made them."""
    return (
        Ban.objects.active().select_related("created_by").order_by("-created_at", "-pk")
    )


def category_counts() -> dict[str, int]:
    """Return how many pending comments each latest category has."""
    rows = (
        ModerationDecision.objects.latest_per_comment()
        .filter(comment__status="pending")
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    return {category or "": n for category, n in rows}
