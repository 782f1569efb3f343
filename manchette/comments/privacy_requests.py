"""Answer privacy requests about one email address: export and erasure.

:func:`export_email` returns everything stored about an address: its comments
(bodies, dates, pages, statuses, anonymised network, user agent), the reasons
and dates of flags on them (not who flagged, nor their notes: that is other
people's data), the flags the address's user account made, and its reply
subscriptions.

:func:`erase_email` anonymises the same data and keeps every thread intact: the
name becomes "Anonyme" (in the site's default language), the email, website,
user link, network and user agent are cleared, and with ``delete_body=True`` the
text is replaced by a placeholder and the comment removed from view.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from manchette.comments.abstracts import CommentStatus
from manchette.comments.models import (
    Comment,
    CommentEditKey,
    CommentFlag,
    ReplySubscription,
)
from manchette.comments.services import comment_set_status
from manchette.comments.signals import comments_changed
from manchette.comments.web import target_url

if TYPE_CHECKING:
    from manchette.comments.querysets import CommentQuerySet

EXPORT_FORMAT_VERSION = 1


def _normalise(email: str) -> str:
    return email.strip().lower()


def _user_ids(email: str) -> list[Any]:
    if not email:
        return []
    return list(
        get_user_model()
        .objects.filter(email__iexact=email)
        .values_list("pk", flat=True)
    )


def comments_of(email: str) -> CommentQuerySet:
    """Return the comments written with ``email`` or by a user account holding it."""
    address = _normalise(email)
    if not address:
        return Comment.objects.none()
    return Comment.objects.filter(
        Q(author_email__iexact=address) | Q(user_id__in=_user_ids(address))
    ).order_by("submitted_at", "pk")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_email(email: str) -> dict[str, Any]:
    """Return a JSON-serialisable dict of everything held about ``email``.

    Keys: ``email``, ``format_version``, ``comments`` (each with ``flags``),
    ``flags_made`` and ``subscriptions``. Dates are ISO 8601 strings in UTC.
    """
    address = _normalise(email)
    comments = []
    for comment in comments_of(address).select_related("content_type"):
        target = comment.content_object
        comments.append(
            {
                "id": comment.pk,
                "page": str(target) if target is not None else None,
                "page_url": target_url(target) if target is not None else None,
                "content_type": comment.content_type.natural_key(),
                "object_pk": comment.object_pk,
                "parent_id": comment.parent_id,
                "status": str(comment.status),
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": comment.author_url,
                "body": comment.body,
                "submitted_at": _iso(comment.submitted_at),
                "edited_at": _iso(comment.edited_at),
                "ip_network": comment.ip_address,
                "user_agent": comment.user_agent,
                "flags": [
                    {"reason": flag.reason, "created_at": _iso(flag.created_at)}
                    for flag in CommentFlag.objects.filter(comment_id=comment.pk)
                ],
            }
        )
    flags_made = [
        {
            "comment_id": flag.comment_id,
            "reason": flag.reason,
            "note": flag.note,
            "created_at": _iso(flag.created_at),
        }
        for flag in CommentFlag.objects.filter(user_id__in=_user_ids(address))
    ]
    subscriptions = [
        {
            "comment_id": sub.comment_id,
            "language": sub.language,
            "page_url": sub.page_url,
            "created_at": _iso(sub.created_at),
            "confirmed_at": _iso(sub.confirmed_at),
            "unsubscribed_at": _iso(sub.unsubscribed_at),
        }
        for sub in ReplySubscription.objects.filter(email__iexact=address)
    ]
    return {
        "email": address,
        "format_version": EXPORT_FORMAT_VERSION,
        "comments": comments,
        "flags_made": flags_made,
        "subscriptions": subscriptions,
    }


@dataclasses.dataclass(frozen=True, slots=True)
class ErasureSummary:
    """What :func:`erase_email` changed (or would change, for a dry run)."""

    comments: int
    bodies_replaced: int
    subscriptions: int
    flags_made: int
    dry_run: bool


def erase_email(
    email: str, *, delete_body: bool = False, dry_run: bool = False
) -> ErasureSummary:
    """Anonymise everything held about ``email``; threads keep their shape.

    Comments keep their place and status. Their name becomes the default
    language's "Anonymous", and email, website, user, network, user agent,
    duplicate fingerprint and idempotency key are cleared; replies that named
    the author (``reply_to_name``) name "Anonymous" instead. With
    ``delete_body`` the text is replaced by a placeholder and approved or
    pending comments are removed (``comment_status_changed`` is sent). Reply
    subscriptions and edit keys are deleted; flags the address's account made
    lose their note and user. ``dry_run`` counts without writing.
    """
    address = _normalise(email)
    with translation.override(settings.LANGUAGE_CODE):
        anonymous = _("Anonymous")
        placeholder = _("This comment was deleted at its author's request.")
    comments = list(comments_of(address))
    subscriptions = ReplySubscription.objects.filter(email__iexact=address)
    flags = CommentFlag.objects.filter(user_id__in=_user_ids(address))
    summary = ErasureSummary(
        comments=len(comments),
        bodies_replaced=len(comments) if delete_body else 0,
        subscriptions=subscriptions.count(),
        flags_made=flags.count(),
        dry_run=dry_run,
    )
    if dry_run or not address:
        return summary
    ids = [c.pk for c in comments]
    names = {c.author_name for c in comments}
    threads = {c.thread_id for c in comments}
    with transaction.atomic():
        fields: dict[str, Any] = {
            "author_name": anonymous,
            "author_email": "",
            "author_url": "",
            "user": None,
            "ip_address": None,
            "user_agent": "",
            "fingerprint": "",
            "fingerprint_bucket": None,
            "idempotency_key": None,
        }
        if delete_body:
            fields["body"] = placeholder
        Comment.objects.filter(pk__in=ids).update(**fields)
        Comment.objects.filter(thread_id__in=threads, reply_to_name__in=names).update(
            reply_to_name=anonymous
        )
        comments_changed.send(sender=Comment, comments=comments)
        CommentEditKey.objects.filter(comment_id__in=ids).delete()
        subscriptions.delete()
        flags.update(note="", user=None)
        if delete_body:
            for comment in Comment.objects.filter(
                pk__in=ids, status__in=[CommentStatus.APPROVED, CommentStatus.PENDING]
            ):
                comment_set_status(
                    comment=comment,
                    status=CommentStatus.REMOVED,
                    reason="erased at its author's request",
                )
    return summary
