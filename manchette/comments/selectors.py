"""Read queries for display: one query per page, the thread tree built in Python."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from manchette.comments import get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from django.db.models import Model

    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.querysets import CommentQuerySet


@dataclasses.dataclass(slots=True)
class CommentNode:
    """One comment in the displayed tree.

    ``visible`` is false for a placeholder: a comment this reader may not see
    that still has visible replies (kept so the conversation keeps its shape).
    ``own_pending`` marks the reader's own comment awaiting moderation.
    """

    comment: AbstractComment
    visible: bool
    own_pending: bool
    children: list[CommentNode] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class CommentTree:
    """The comments of one object as one reader sees them.

    ``roots`` are the top-level threads, oldest first; ``approved_count`` is the
    public count (approved comments only); ``index`` maps a comment id to the
    position of its thread among ``roots``.
    """

    roots: list[CommentNode]
    approved_count: int
    index: dict[int, int]

    @property
    def page_count(self) -> int:
        """Return the number of pages of ``COMMENTS_PER_PAGE`` top-level threads."""
        per_page = comments_settings().PER_PAGE
        return max(1, -(-len(self.roots) // per_page))

    def page(self, number: int) -> list[CommentNode]:
        """Return the threads of page ``number`` (1-based, clamped to the range)."""
        per_page = comments_settings().PER_PAGE
        number = min(max(number, 1), self.page_count)
        return self.roots[(number - 1) * per_page : number * per_page]

    def page_of(self, comment_id: int) -> int | None:
        """Return the page showing ``comment_id`` to this reader, or ``None``."""
        position = self.index.get(comment_id)
        if position is None:
            return None
        return position // comments_settings().PER_PAGE + 1


#: Statuses a comment's own author sees as "awaiting moderation". A spam
#: verdict is shown to its author exactly like a held comment (on the page,
#: at its permalink, with its edit links), so a spammer cannot tell which of
#: their texts the engine classed as spam.
HELD_FOR_AUTHOR = frozenset({CommentStatus.PENDING, CommentStatus.SPAM})


def comments_for_display(
    obj: Model | Any, *, own_ids: Collection[int] = ()
) -> CommentQuerySet:
    """Return every comment of ``obj`` that could appear in its tree.

    Spam is left out, except the reader's own (``own_ids``: shown to them as
    held, see :data:`HELD_FOR_AUTHOR`). Pending comments are fetched so a
    reader's own held comment and placeholders for held parents can be shown;
    filtering is done by :func:`build_tree`.
    """
    model = get_comment_model()
    queryset: CommentQuerySet = model.objects.for_object(obj)
    spam = Q(status=CommentStatus.SPAM)
    if own_ids:
        spam &= ~Q(pk__in=list(own_ids))
    return queryset.exclude(spam).order_by("submitted_at", "pk")


def build_tree(
    comments: Iterable[AbstractComment], *, own_ids: Collection[int] = ()
) -> CommentTree:
    """Arrange ``comments`` into threads as a reader with ``own_ids`` sees them.

    Visible: approved comments, and the reader's own held ones (pending or
    spam, :data:`HELD_FOR_AUTHOR`). Any other
    comment appears only as a placeholder when it has visible replies. A reply
    whose parent is missing (spam) starts its own thread. Siblings are ordered
    oldest first. No database access.
    """
    own = set(own_ids)
    ordered = sorted(comments, key=lambda c: (c.submitted_at, c.pk))
    nodes: dict[int, CommentNode] = {}
    for comment in ordered:
        own_pending = comment.status in HELD_FOR_AUTHOR and comment.pk in own
        nodes[comment.pk] = CommentNode(
            comment=comment,
            visible=comment.status == CommentStatus.APPROVED or own_pending,
            own_pending=own_pending,
        )
    roots: list[CommentNode] = []
    for comment in ordered:
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.children if parent is not None else roots).append(node)

    def prune(siblings: list[CommentNode]) -> list[CommentNode]:
        kept = []
        for node in siblings:
            node.children = prune(node.children)
            if node.visible or node.children:
                kept.append(node)
        return kept

    roots = prune(roots)
    index: dict[int, int] = {}

    def walk(node: CommentNode, position: int) -> None:
        if node.visible:
            index[node.comment.pk] = position
        for child in node.children:
            walk(child, position)

    for position, root in enumerate(roots):
        walk(root, position)
    approved = sum(1 for c in ordered if c.status == CommentStatus.APPROVED)
    return CommentTree(roots=roots, approved_count=approved, index=index)


@dataclasses.dataclass(frozen=True, slots=True)
class _Row:
    """The four columns :func:`build_tree` reads, without a model instance."""

    pk: int
    parent_id: int | None
    status: str
    submitted_at: Any


def comment_page_of(
    obj: Model | Any, comment_id: int, *, own_ids: Collection[int] = ()
) -> int | None:
    """Return the comment page (1-based) showing ``comment_id`` to this reader.

    The same answer as ``comment_tree(obj, own_ids=...).page_of(comment_id)``
    (``None`` when the reader does not see that comment), from one query that
    reads four columns instead of whole comments: used after a post, to send
    the author to the page that shows their comment.
    """
    # Typed as Any: django-stubs' values_list hook crashes mypy 2.4 on the
    # swappable comment model's queryset.
    queryset: Any = comments_for_display(obj, own_ids=own_ids)
    rows = queryset.values_list("pk", "parent_id", "status", "submitted_at")
    light: Any = [_Row(*row) for row in rows]
    return build_tree(light, own_ids=own_ids).page_of(comment_id)


def comment_tree(obj: Model | Any, *, own_ids: Collection[int] = ()) -> CommentTree:
    """Return the tree of ``obj``'s comments for a reader (one query)."""
    return build_tree(comments_for_display(obj, own_ids=own_ids), own_ids=own_ids)


def approved_count(obj: Model | Any) -> int:
    """Return how many approved comments ``obj`` has (one ``COUNT`` query)."""
    model = get_comment_model()
    count: int = model.objects.for_object(obj).approved().count()
    return count


def comment_by_key(obj: Model | Any, *, idempotency_key: str) -> AbstractComment | None:
    """Return the comment submitted on ``obj`` with ``idempotency_key``, if any."""
    if not idempotency_key:
        return None
    model = get_comment_model()
    found: AbstractComment | None = (
        model.objects.for_object(obj).filter(idempotency_key=idempotency_key).first()
    )
    return found


def comment_by_submission(
    obj: Model | Any, *, form_nonce: str = "", idempotency_key: str | None = None
) -> AbstractComment | None:
    """Return the comment on ``obj`` posted with this form nonce or client key.

    One indexed query (both columns are unique per object); ``None`` when
    neither is given or nothing matches.
    """
    condition = Q()
    if form_nonce:
        condition |= Q(form_nonce=form_nonce)
    if idempotency_key:
        condition |= Q(idempotency_key=idempotency_key)
    if not condition:
        return None
    model = get_comment_model()
    found: AbstractComment | None = (
        model.objects.for_object(obj).filter(condition).first()
    )
    return found
