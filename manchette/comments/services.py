"""Write operations on comments: keyword-only, typed, transactional.

Every service validates and normalises its input itself (views, the API and
importers all go through here), runs inside ``transaction.atomic()`` and raises
:mod:`manchette.comments.errors` exceptions rather than HTTP errors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manchette.comments import get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import (
    CommentRejectedError,
    CommentsClosedError,
    FormTokenUsedError,
    TargetUnavailableError,
)
from manchette.comments.privacy import anonymize_ip
from manchette.comments.sanitize import clean_name, clean_text, clean_url, count_links
from manchette.comments.signals import (
    comment_status_changed,
    comment_submitted,
    comments_changed,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model
    from django.http import HttpRequest

    from manchette.comments.abstracts import AbstractComment

logger = logging.getLogger(__name__)

#: Hold reason recorded when the body holds ``COMMENTS_HOLD_LINKS`` links or more.
HOLD_LINKS = "links"
#: Hold reason recorded when the form came back faster than a person types.
HOLD_TOO_FAST = "too_fast"


@dataclasses.dataclass(frozen=True, slots=True)
class SecurityReport:
    """What the entry point's anti-spam checks found (e.g. the form timestamp).

    ``hold_reasons`` are stored on the comment and keep it pending whatever a
    signal receiver decides.
    """

    hold_reasons: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class SubmitResult:
    """The outcome of :func:`comment_submit`.

    ``created`` is false when the submission repeated an earlier one (same
    idempotency key, or same author, parent and text within
    ``COMMENTS_DUPLICATE_SECONDS``); ``comment`` is then that first comment.
    """

    comment: AbstractComment
    created: bool


@dataclasses.dataclass(frozen=True, slots=True)
class _Author:
    name: str
    email: str
    url: str
    user: AbstractBaseUser | None

    @property
    def identity(self) -> str:
        if self.user is not None:
            return f"user:{self.user.pk}"
        return f"email:{self.email.lower()}"


def _real_user(
    user: AbstractBaseUser | AnonymousUser | None,
) -> AbstractBaseUser | None:
    if user is None or not user.is_authenticated:
        return None
    return user


def _clean_author(
    *,
    author_name: str,
    author_email: str,
    author_url: str,
    user: AbstractBaseUser | None,
    require_email: bool = True,
) -> _Author:
    conf = comments_settings()
    name = clean_name(author_name)
    email = clean_name(author_email).lower()
    if user is not None:
        full_name = getattr(user, "get_full_name", lambda: "")()
        name = name or clean_name(full_name or user.get_username())
        email = email or str(getattr(user, "email", "") or "").lower()
    if not name:
        raise CommentRejectedError(_("Please enter your name."), field="author_name")
    if len(name) > conf.NAME_MAX_LENGTH:
        raise CommentRejectedError(
            ngettext(
                "Your name must be at most %(max)d character long.",
                "Your name must be at most %(max)d characters long.",
                conf.NAME_MAX_LENGTH,
            )
            % {"max": conf.NAME_MAX_LENGTH},
            field="author_name",
        )
    if not email and user is None and require_email:
        raise CommentRejectedError(
            _("Please enter your email address."), field="author_email"
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise CommentRejectedError(
                _("Enter a valid email address."), field="author_email"
            ) from None
    try:
        url = clean_url(author_url)
    except ValidationError:
        raise CommentRejectedError(
            _("Enter a web address starting with http:// or https://."),
            field="author_url",
        ) from None
    if len(url) > 200:
        raise CommentRejectedError(
            _("This web address is too long."), field="author_url"
        )
    return _Author(name=name, email=email, url=url, user=user)


def clean_body(body: str) -> str:
    """Return the normalised body, or raise ``CommentRejectedError`` on a bad length.

    Lengths are counted in characters after normalisation
    (``COMMENTS_MIN_LENGTH`` … ``COMMENTS_MAX_LENGTH``).
    """
    conf = comments_settings()
    text = clean_text(body)
    if len(text) < conf.MIN_LENGTH:
        raise CommentRejectedError(
            ngettext(
                "Your comment must be at least %(min)d character long.",
                "Your comment must be at least %(min)d characters long.",
                conf.MIN_LENGTH,
            )
            % {"min": conf.MIN_LENGTH},
            field="body",
        )
    if len(text) > conf.MAX_LENGTH:
        raise CommentRejectedError(
            ngettext(
                "Your comment must be at most %(max)d character long "
                "(it has %(length)d).",
                "Your comment must be at most %(max)d characters long "
                "(it has %(length)d).",
                conf.MAX_LENGTH,
            )
            % {"max": conf.MAX_LENGTH, "length": len(text)},
            field="body",
        )
    return text


def check_target_open(target: Model | Any) -> None:
    """Raise unless ``target`` accepts comments now.

    Duck-typed: ``target.live`` false (unpublished) raises ``TargetUnavailableError``;
    ``target.comments_enabled`` false raises ``CommentsClosedError``. Objects without
    these attributes are open.
    """
    if not getattr(target, "live", True):
        raise TargetUnavailableError(_("This page is not published."))
    if not getattr(target, "comments_enabled", True):
        raise CommentsClosedError(_("Comments are closed on this page."))


def _fingerprint(
    *, target_key: str, identity: str, parent_id: int | None, body: str
) -> str:
    normalised = " ".join(body.casefold().split())
    raw = "\x1f".join([target_key, identity, str(parent_id or ""), normalised])
    return hashlib.sha256(raw.encode()).hexdigest()


def duplicate_fingerprint(
    *,
    target: Model | Any = None,
    body: str,
    author_email: str = "",
    user: AbstractBaseUser | AnonymousUser | None = None,
    parent_id: int | None = None,
    target_ref: tuple[int, Any] | None = None,
) -> str:
    """Return the 64-hex duplicate fingerprint ``comment_submit`` would store.

    It hashes the target, the author (account, else lower-cased email), the
    requested parent and the normalised text (case and spacing folded), so an
    entry point can recognise a repeat of a submission before calling the
    service (see :mod:`manchette.comments.submissions`). ``body`` is cleaned
    here; lengths are not checked. ``target_ref`` (content type id, object
    pk), as signed in the form token, may stand for ``target`` before the
    target is loaded.

    Raises:
        TypeError: neither ``target`` nor ``target_ref`` given.

    """
    real_user = _real_user(user)
    identity = (
        f"user:{real_user.pk}"
        if real_user is not None
        else f"email:{clean_name(author_email).lower()}"
    )
    if target_ref is not None:
        content_type_id, object_pk = target_ref
    elif target is not None:
        content_type_id = ContentType.objects.get_for_model(target).pk
        object_pk = target.pk
    else:
        msg = "duplicate_fingerprint needs target or target_ref"
        raise TypeError(msg)
    return _fingerprint(
        target_key=f"{content_type_id}:{object_pk}",
        identity=identity,
        parent_id=parent_id,
        body=clean_text(body),
    )


def _bucket(moment: datetime, seconds: int) -> int:
    return int(moment.timestamp()) // max(seconds, 1)


def _identity_of(comment: AbstractComment) -> str:
    if comment.user_id is not None:
        return f"user:{comment.user_id}"
    return f"email:{comment.author_email.lower()}"


def _find_duplicate(
    *,
    content_type: ContentType,
    object_pk: str,
    form_nonce: str | None,
    idempotency_key: str | None,
    fingerprint: str,
    since: datetime,
) -> AbstractComment | None:
    model = get_comment_model()
    same_object = model.objects.filter(content_type=content_type, object_pk=object_pk)
    # One query for the three ways a submission can repeat an earlier one;
    # the precedence below (nonce, then key, then fingerprint) is applied here.
    condition = Q(fingerprint=fingerprint, submitted_at__gte=since)
    if form_nonce:
        condition |= Q(form_nonce=form_nonce)
    if idempotency_key:
        condition |= Q(idempotency_key=idempotency_key)
    candidates = list(same_object.filter(condition).order_by("submitted_at", "pk"))
    if form_nonce:
        by_nonce = next((c for c in candidates if c.form_nonce == form_nonce), None)
        if by_nonce is not None:
            if by_nonce.fingerprint != fingerprint:
                raise FormTokenUsedError(
                    _(
                        "This form was already used to post another comment. "
                        "Reload the page to post a new one."
                    ),
                    field="security_token",
                )
            return by_nonce
    if idempotency_key:
        by_key = next(
            (c for c in candidates if c.idempotency_key == idempotency_key), None
        )
        if by_key is not None:
            return by_key
    return next(
        (
            c
            for c in candidates
            if c.fingerprint == fingerprint and c.submitted_at >= since
        ),
        None,
    )


def _resolve_parent(
    *,
    parent: AbstractComment | None,
    content_type: ContentType,
    object_pk: str,
    any_status: bool = False,
) -> tuple[AbstractComment | None, str]:
    """Return the comment to attach a reply to, and the name it answers.

    A reply that would sit deeper than ``COMMENTS_MAX_DEPTH`` levels is attached
    to the deepest allowed ancestor and remembers whom it answered.
    """
    if parent is None:
        return None, ""
    if parent.content_type_id != content_type.pk or parent.object_pk != object_pk:
        raise CommentRejectedError(
            _("You can only reply to a comment on the same page.")
        )
    if not any_status and parent.status not in {
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
    }:
        raise CommentRejectedError(_("This comment no longer accepts replies."))
    max_depth = comments_settings().MAX_DEPTH
    anchor: AbstractComment | None = parent
    while anchor is not None and anchor.depth + 1 >= max_depth:
        anchor = anchor.parent
    reply_to_name = "" if anchor is parent else parent.author_name
    return anchor, reply_to_name


def comment_send_submitted(
    *, comment: AbstractComment, request: HttpRequest | None = None
) -> None:
    """Send ``comment_submitted`` for a stored comment; undo receiver writes on error.

    Receivers run with ``send_robust`` inside one savepoint: if any raised, the
    error is logged and every receiver write is rolled back, so the comment
    keeps the status it was stored with. Used by ``comment_submit`` and by
    importers that store comments themselves.
    """
    with transaction.atomic():
        responses = comment_submitted.send_robust(
            sender=type(comment), comment=comment, request=request
        )
        failures = [(r, e) for r, e in responses if isinstance(e, BaseException)]
        for receiver, error in failures:
            logger.error(
                "comment_submitted receiver %r failed for comment %s; "
                "the comment stays pending.",
                receiver,
                comment.pk,
                exc_info=error,
            )
        if failures:
            transaction.set_rollback(True)


def comment_submit(
    *,
    target: Model | Any,
    body: str,
    author_name: str,
    author_email: str,
    author_url: str = "",
    user: AbstractBaseUser | AnonymousUser | None = None,
    parent: AbstractComment | None = None,
    ip: str | None = None,
    user_agent: str = "",
    idempotency_key: str | None = None,
    form_nonce: str | None = None,
    security: SecurityReport = SecurityReport(),
    request: HttpRequest | None = None,
) -> SubmitResult:
    """Store a reader's comment as **pending** and ask the receivers to moderate it.

    The input is normalised (:mod:`manchette.comments.sanitize`) and validated:
    body length in characters, name, email (optional for a logged-in ``user``),
    http(s)-only website, a ``parent`` on the same target. The IP address is
    stored anonymised and the user agent truncated.

    A repeat of an earlier submission (the same ``idempotency_key`` on this
    target, or the same author, parent and text within
    ``COMMENTS_DUPLICATE_SECONDS``) returns the first comment with
    ``created=False`` and stores nothing; database constraints make this hold for
    concurrent requests too.

    ``form_nonce`` (the nonce of the signed form token) makes the form single
    use: a second submission with the same nonce on this target returns the
    first comment when it has the same author, parent and normalised text, and
    is refused with ``FormTokenUsedError`` otherwise, whatever the time elapsed.

    The comment is never approved here: ``comment_submitted`` is sent and the
    status is read back afterwards. With no receiver, or when a receiver raises
    (it is logged and its writes rolled back), the comment stays pending. A
    comment with hold reasons (``COMMENTS_HOLD_LINKS`` links or more, or the
    reasons in ``security``) is put back to pending if a receiver approved it.

    Raises:
        TargetUnavailableError: the target is not live.
        CommentsClosedError: the target has ``comments_enabled`` false.
        CommentRejectedError: invalid input; ``field`` names the culprit.
        FormTokenUsedError: ``form_nonce`` already posted other content.

    """
    conf = comments_settings()
    check_target_open(target)
    real_user = _real_user(user)
    text = clean_body(body)
    author = _clean_author(
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        user=real_user,
    )
    key = clean_name(idempotency_key or "")[:64] or None
    nonce = clean_name(form_nonce or "")[:64] or None
    model = get_comment_model()
    content_type = ContentType.objects.get_for_model(target)
    object_pk = str(target.pk)
    anchor, reply_to_name = _resolve_parent(
        parent=parent, content_type=content_type, object_pk=object_pk
    )
    now = timezone.now()
    fingerprint = _fingerprint(
        target_key=f"{content_type.pk}:{object_pk}",
        identity=author.identity,
        parent_id=parent.pk if parent is not None else None,
        body=text,
    )
    hold_reasons = list(dict.fromkeys(security.hold_reasons))
    if count_links(text) >= conf.HOLD_LINKS:
        hold_reasons.append(HOLD_LINKS)

    def duplicate() -> AbstractComment | None:
        found = _find_duplicate(
            content_type=content_type,
            object_pk=object_pk,
            form_nonce=nonce,
            idempotency_key=key,
            fingerprint=fingerprint,
            since=now - timedelta(seconds=conf.DUPLICATE_SECONDS),
        )
        if found is not None and _identity_of(found) != author.identity:
            # Only a client-chosen key can match another author's comment.
            raise CommentRejectedError(_("This submission key is already in use."))
        return found

    with transaction.atomic():
        existing = duplicate()
        if existing is not None:
            return SubmitResult(comment=existing, created=False)
        site = _site_of(target)
        fields: dict[str, Any] = {
            "content_type": content_type,
            "object_pk": object_pk,
            "site": site,
            "parent": anchor,
            "depth": anchor.depth + 1 if anchor is not None else 0,
            "reply_to_name": reply_to_name,
            "status": CommentStatus.PENDING,
            "hold_reasons": hold_reasons,
            "author_name": author.name,
            "author_email": author.email,
            "author_url": author.url,
            "user": author.user,
            "ip_address": anonymize_ip(ip),
            "user_agent": clean_name(user_agent)[: conf.USER_AGENT_MAX_LENGTH],
            "body": text,
            "submitted_at": now,
            "idempotency_key": key,
            "form_nonce": nonce,
            "fingerprint": fingerprint,
            "fingerprint_bucket": int(now.timestamp())
            // max(conf.DUPLICATE_SECONDS, 1),
        }
        comment = model(**fields)
        # Receivers (moderation) read the target through the generic relation:
        # hand them the object already loaded instead of a second query.
        comment.content_object = target
        try:
            with transaction.atomic():
                comment.thread_id = anchor.thread_id if anchor is not None else None
                comment.save()
                if comment.thread_id is None:
                    comment.thread_id = comment.pk
                    comment.save(update_fields=["thread"])
        except IntegrityError:
            existing = duplicate()
            if existing is None:
                raise
            return SubmitResult(comment=existing, created=False)
        comment_send_submitted(comment=comment, request=request)
        comment.refresh_from_db()
        if comment.hold_reasons and comment.status == CommentStatus.APPROVED:
            comment_set_status(
                comment=comment,
                status=CommentStatus.PENDING,
                reason="held: " + ", ".join(comment.hold_reasons),
            )
    return SubmitResult(comment=comment, created=True)


def _site_of(target: Model | Any) -> Any:
    """Return the Wagtail site of a page target, or ``None`` (duck-typed)."""
    get_site = getattr(target, "get_site", None)
    if get_site is None:
        return None
    site = get_site()
    return site if site is not None and getattr(site, "pk", None) else None


def comment_import(
    *,
    target: Model | Any,
    source: str,
    external_id: str,
    body: str,
    author_name: str,
    submitted_at: datetime,
    status: CommentStatus | str = CommentStatus.APPROVED,
    author_email: str = "",
    author_url: str = "",
    user: AbstractBaseUser | None = None,
    parent: AbstractComment | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> SubmitResult:
    """Store a comment brought from another system, idempotently.

    ``(source, external_id)`` (e.g. ``("wxr", "123")``) identifies the comment:
    importing it again returns the stored row with ``created=False``. The text,
    name and website are cleaned and validated like :func:`comment_submit`
    (``author_email`` may be empty, an invalid website is dropped), the IP is
    anonymised, and ``status`` is kept as decided in the source system. No signal
    is sent: these are past decisions, not new submissions. ``submitted_at``
    must be aware.

    Raises:
        CommentRejectedError: invalid body, name or status.

    """
    try:
        new_status = CommentStatus(status)
    except ValueError:
        raise CommentRejectedError(_("Unknown comment status.")) from None
    if timezone.is_naive(submitted_at):
        raise CommentRejectedError(_("The submission date must carry a time zone."))
    model = get_comment_model()
    source = clean_name(source)[:32]
    external_id = clean_name(external_id)[:64]
    if not source or not external_id:
        raise CommentRejectedError(_("An imported comment needs a source and an ID."))
    existing = model.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:
        return SubmitResult(comment=existing, created=False)
    text = clean_body(body)
    try:
        website = clean_url(author_url)
    except ValidationError:
        website = ""
    author = _clean_author(
        author_name=author_name or _("Anonymous"),
        author_email="",
        author_url=website if len(website) <= 200 else "",
        user=user,
        require_email=False,
    )
    email = clean_name(author_email).lower()
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    content_type = ContentType.objects.get_for_model(target)
    object_pk = str(target.pk)
    anchor, reply_to_name = _resolve_parent(
        parent=parent, content_type=content_type, object_pk=object_pk, any_status=True
    )
    conf = comments_settings()
    fields: dict[str, Any] = {
        "content_type": content_type,
        "object_pk": object_pk,
        "site": _site_of(target),
        "parent": anchor,
        "depth": anchor.depth + 1 if anchor is not None else 0,
        "reply_to_name": reply_to_name,
        "status": new_status,
        "author_name": author.name,
        "author_email": email or author.email,
        "author_url": author.url,
        "user": author.user,
        "ip_address": anonymize_ip(ip),
        "user_agent": clean_name(user_agent)[: conf.USER_AGENT_MAX_LENGTH],
        "body": text,
        "submitted_at": submitted_at,
        "source": source,
        "external_id": external_id,
    }
    comment = model(**fields)
    with transaction.atomic():
        comment.thread_id = anchor.thread_id if anchor is not None else None
        comment.save()
        if comment.thread_id is None:
            comment.thread_id = comment.pk
            comment.save(update_fields=["thread"])
        comments_changed.send(sender=model, comments=[comment])
    return SubmitResult(comment=comment, created=True)


def comment_set_status(
    *,
    comment: AbstractComment,
    status: CommentStatus | str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> AbstractComment:
    """Change a comment's status and send ``comment_status_changed``.

    The row is locked while it changes (``select_for_update``). Nothing is sent
    when the status is unchanged. Return ``comment`` with the new status.

    Raises:
        CommentRejectedError: ``status`` is not a ``CommentStatus`` value.

    """
    try:
        new_status = CommentStatus(status)
    except ValueError:
        raise CommentRejectedError(_("Unknown comment status.")) from None
    with transaction.atomic():
        locked = type(comment).objects.select_for_update().get(pk=comment.pk)
        old_status = locked.status
        comment.status = new_status
        if old_status == new_status:
            return comment
        type(comment).objects.filter(pk=comment.pk).update(status=new_status)
        comment_status_changed.send(
            sender=type(comment),
            comment=comment,
            old_status=str(old_status),
            new_status=str(new_status),
            actor=actor,
            reason=reason,
        )
    return comment


def comment_publish(
    *, comment: AbstractComment, actor: AbstractBaseUser | None = None, reason: str = ""
) -> AbstractComment:
    """Approve ``comment`` so every reader sees it (see :func:`comment_set_status`)."""
    return comment_set_status(
        comment=comment, status=CommentStatus.APPROVED, actor=actor, reason=reason
    )


def comment_remove(
    *, comment: AbstractComment, actor: AbstractBaseUser | None = None, reason: str = ""
) -> AbstractComment:
    """Hide ``comment`` from readers; its visible replies stay in place.

    The row is kept (status ``removed``) so the thread keeps its shape; the page
    shows a placeholder where it stood if it has visible replies.
    """
    return comment_set_status(
        comment=comment, status=CommentStatus.REMOVED, actor=actor, reason=reason
    )


def comment_purge_ip_data(*, older_than: datetime) -> int:
    """Clear the stored IP network and user agent of comments older than a date.

    ``older_than`` is an aware datetime. Return the number of rows changed.
    """
    model = get_comment_model()
    with transaction.atomic():
        return (
            model.objects.filter(submitted_at__lt=older_than)
            .exclude(ip_address__isnull=True, user_agent="")
            .update(ip_address=None, user_agent="")
        )
