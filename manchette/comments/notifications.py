"""Reply notifications by email, with double opt-in and one-click unsubscribe.

1. An author ticks "Notify me of replies by email": :func:`subscription_request`
   stores an *inactive* ``ReplySubscription`` and queues a confirmation email
   holding a signed link.
2. Following that link and confirming (:func:`subscription_confirm`) activates it.
3. When a reply to that comment is **approved** (``comment_status_changed``,
   connected by :func:`register_signal_handlers`), one email goes to the parent
   comment's author: never for their own reply, never to anyone else, never for
   a pending, rejected or removed reply.
4. Every notification carries a signed one-click unsubscribe link for the
   thread, also in ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers
   (RFC 8058).

Emails are sent by ``django.tasks`` tasks queued after the transaction commits,
so no request waits on a mail server, and they are written in the language of
the page the comment was posted on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.models import Comment, ReplySubscription
from manchette.comments.signals import comment_status_changed
from manchette.comments.web import target_url

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment

logger = logging.getLogger(__name__)

CONFIRM_SALT = "manchette.comments.notify.confirm"
UNSUBSCRIBE_SALT = "manchette.comments.notify.unsubscribe"
_DISPATCH_UID = "manchette.comments.notifications.notify_on_approval"


# --- tokens -----------------------------------------------------------------


def confirm_token(subscription: ReplySubscription) -> str:
    """Return the signed token of ``subscription``'s confirmation link."""
    return signing.dumps({"s": subscription.pk}, salt=CONFIRM_SALT)


def unsubscribe_token(subscription: ReplySubscription) -> str:
    """Return the signed token of ``subscription``'s unsubscribe link (no expiry)."""
    return signing.dumps({"s": subscription.pk}, salt=UNSUBSCRIBE_SALT)


def _subscription_from(
    token: str, *, salt: str, max_age: int | None
) -> ReplySubscription:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise Http404
    subscription = ReplySubscription.objects.filter(pk=payload["s"]).first()
    if subscription is None:
        raise Http404
    return subscription


def _absolute(subscription: ReplySubscription, path: str) -> str:
    base = comments_settings().BASE_URL or subscription.site_url
    return base.rstrip("/") + path


def _reverse_in(language: str, name: str, token: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return reverse(name, args=[token])


# --- services ---------------------------------------------------------------


def subscription_request(
    *,
    comment: AbstractComment,
    language: str = "",
    page_url: str = "",
    site_url: str = "",
) -> ReplySubscription | None:
    """Record an inactive subscription to replies to ``comment`` and ask to confirm.

    ``language`` is the page's language code (emails are written in it),
    ``page_url`` the absolute URL of the page, ``site_url`` the scheme and host
    links are built on when ``COMMENTS_BASE_URL`` is empty. Return ``None`` when
    the comment has no email address or is not a default ``Comment``. Asking
    again for a confirmed subscription sends nothing.
    """
    if not isinstance(comment, Comment) or not comment.author_email:
        return None
    subscription, _created = ReplySubscription.objects.get_or_create(
        comment=comment,
        email=comment.author_email.lower(),
        defaults={
            "thread_id": comment.thread_id or comment.pk,
            "language": language[:12],
            "page_url": page_url[:500],
            "site_url": site_url[:200],
        },
    )
    if subscription.confirmed_at is None:
        pk = subscription.pk
        transaction.on_commit(lambda: send_confirmation_email.enqueue(pk))
    return subscription


def subscription_confirm(subscription: ReplySubscription) -> ReplySubscription:
    """Activate ``subscription`` (idempotent); an unsubscribed one is reactivated."""
    now = timezone.now()
    ReplySubscription.objects.filter(pk=subscription.pk).update(
        confirmed_at=subscription.confirmed_at or now, unsubscribed_at=None
    )
    subscription.refresh_from_db()
    return subscription


def subscription_unsubscribe(subscription: ReplySubscription) -> int:
    """Stop every subscription of this address in this thread; return how many."""
    return ReplySubscription.objects.filter(
        email=subscription.email,
        thread_id=subscription.thread_id,
        unsubscribed_at__isnull=True,
    ).update(unsubscribed_at=timezone.now())


def _is_own_reply(reply: AbstractComment, parent: AbstractComment) -> bool:
    if reply.user_id is not None and reply.user_id == parent.user_id:
        return True
    reply_email = reply.author_email.strip().lower()
    return bool(reply_email) and reply_email == parent.author_email.strip().lower()


def subscription_for_reply(reply: AbstractComment) -> ReplySubscription | None:
    """Return the active subscription a newly approved ``reply`` should notify.

    ``None`` when the reply is not approved, has no parent, was written by the
    parent's own author, or the parent's author has no active subscription for
    their current email address.
    """
    if reply.status != CommentStatus.APPROVED or reply.parent_id is None:
        return None
    parent = Comment.objects.filter(pk=reply.parent_id).first()
    if parent is None or not parent.author_email or _is_own_reply(reply, parent):
        return None
    subscription = ReplySubscription.objects.filter(
        comment_id=parent.pk,
        email=parent.author_email.lower(),
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).first()
    if subscription is None:
        return None
    unsubscribed_thread = ReplySubscription.objects.filter(
        email=subscription.email,
        thread_id=subscription.thread_id,
        unsubscribed_at__isnull=False,
    ).exists()
    return None if unsubscribed_thread else subscription


def notify_on_approval(
    sender: Any,
    *,
    comment: AbstractComment,
    old_status: str,
    new_status: str,
    **kwargs: Any,
) -> None:
    """Queue one reply email when a reply is approved for the first time.

    Receiver of ``comment_status_changed``. Only a ``pending`` → ``approved``
    change of a never-edited reply counts, so re-approving a reply (after an
    edit or a removal) sends nothing again. The task re-checks everything when
    it runs, after the transaction committed.
    """
    if new_status != CommentStatus.APPROVED or old_status != CommentStatus.PENDING:
        return
    if comment.parent_id is None or comment.edited_at is not None:
        return
    if subscription_for_reply(comment) is None:
        return
    reply_id = comment.pk
    transaction.on_commit(lambda: send_reply_email.enqueue(reply_id))


def register_signal_handlers() -> None:
    """Connect :func:`notify_on_approval` (called from ``AppConfig.ready()``)."""
    comment_status_changed.connect(
        notify_on_approval, dispatch_uid=_DISPATCH_UID, weak=False
    )


# --- tasks ------------------------------------------------------------------


def _send(
    *,
    subscription: ReplySubscription,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"comments/email/{template}_subject.txt", context)
        body = render_to_string(f"comments/email/{template}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers=headers or {},
    )
    message.send()


@task()
def send_confirmation_email(subscription_id: int) -> bool:
    """Email the double opt-in link of a subscription; return whether it was sent."""
    subscription = ReplySubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at is not None:
        return False
    path = _reverse_in(
        subscription.language, "comments:notify_confirm", confirm_token(subscription)
    )
    _send(
        subscription=subscription,
        template="confirm",
        context={
            "confirm_url": _absolute(subscription, path),
            "page_url": subscription.page_url,
            "max_age_days": comments_settings().NOTIFY_CONFIRM_MAX_AGE_SECONDS // 86400,
        },
    )
    return True


@task()
def send_reply_email(reply_id: int) -> bool:
    """Email the author of ``reply_id``'s parent; return whether it was sent.

    Nothing is sent unless :func:`subscription_for_reply` still finds an active
    subscription now (the reply may have been held or removed since).
    """
    reply = Comment.objects.filter(pk=reply_id).first()
    if reply is None:
        return False
    subscription = subscription_for_reply(reply)
    if subscription is None:
        return False
    unsubscribe_url = _absolute(
        subscription,
        _reverse_in(
            subscription.language,
            "comments:notify_unsubscribe",
            unsubscribe_token(subscription),
        ),
    )
    page_url = subscription.page_url
    _send(
        subscription=subscription,
        template="reply",
        context={
            "reply_author": reply.author_name,
            "reply_body": reply.body,
            "reply_url": f"{page_url}#comment-{reply.pk}" if page_url else "",
            "unsubscribe_url": unsubscribe_url,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return True


# --- views ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a subscription: GET shows a button, POST activates it.

    A GET never changes anything, so link scanners in mail systems cannot
    subscribe someone.
    """
    subscription = _subscription_from(
        token,
        salt=CONFIRM_SALT,
        max_age=comments_settings().NOTIFY_CONFIRM_MAX_AGE_SECONDS,
    )
    done = False
    if request.method == "POST":
        subscription_confirm(subscription)
        done = True
    return render(
        request,
        "comments/notify_confirm.html",
        {"done": done, "page_url": subscription.page_url},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe from a thread: GET shows a button, POST unsubscribes.

    The POST is the RFC 8058 one-click request mail clients send
    (``List-Unsubscribe=One-Click``); the signed token is its only authority,
    so it is exempt from CSRF.
    """
    subscription = _subscription_from(token, salt=UNSUBSCRIBE_SALT, max_age=None)
    done = False
    if request.method == "POST":
        subscription_unsubscribe(subscription)
        done = True
    return render(
        request,
        "comments/notify_unsubscribe.html",
        {"done": done, "page_url": subscription.page_url},
    )


def subscription_request_for(
    request: HttpRequest, *, target: Any, comment: AbstractComment
) -> ReplySubscription | None:
    """Call :func:`subscription_request` with the language and URLs of ``request``.

    The language is the one the page was shown in (the active language); the
    page URL is the absolute URL of ``target`` as this request sees it.
    """
    return subscription_request(
        comment=comment,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        page_url=request.build_absolute_uri(target_url(target, request)),
        site_url=request.build_absolute_uri("/"),
    )
