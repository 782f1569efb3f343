"""Let an author edit or delete their own comment for a short while.

At submission time :func:`issue_edit_token` creates a random per-comment secret,
stores only its keyed hash (``CommentEditKey``) and returns a token signed with
``django.core.signing`` that binds the comment id to that secret. The token is
kept in the author's session (:func:`grant_edit_token`) or handed to an API
client, and is good for ``COMMENTS_EDIT_SECONDS`` (10 minutes) after the comment
was posted. Deleting the key (on delete or erasure) revokes every copy of it.

An edit puts the comment back to ``pending`` and sends ``comment_edited`` so the
moderation app looks at it again; a deleted comment with replies stays as a
"comment deleted" placeholder so the thread keeps its shape.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import CommentError
from manchette.comments.models import Comment, CommentEditKey
from manchette.comments.sanitize import count_links
from manchette.comments.services import (
    HOLD_LINKS,
    clean_body,
    comment_set_status,
)
from manchette.comments.signals import comment_edited
from manchette.comments.web import target_url

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment

logger = logging.getLogger(__name__)

SIGNING_SALT = "manchette.comments.edit"
_KEY_HASH_SALT = "manchette.comments.edit-key"
SESSION_KEY = "comments_edit_tokens"
_SESSION_LIMIT = 20
#: Statuses an author may still edit or delete. Spam is among them: its
#: author sees it as held (selectors.HELD_FOR_AUTHOR), links included.
EDITABLE = frozenset(
    {CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.SPAM}
)


class EditNotAllowedError(CommentError):
    """The token is missing, altered, for another comment, revoked or expired."""

    code = "forbidden"


def _hash_secret(secret: str) -> str:
    return salted_hmac(_KEY_HASH_SALT, secret, algorithm="sha256").hexdigest()


def issue_edit_token(comment: AbstractComment) -> str:
    """Create (or replace) ``comment``'s secret and return a signed edit token.

    The token expires ``COMMENTS_EDIT_SECONDS`` after ``comment.submitted_at``.
    Issuing again revokes the previous token.
    """
    secret = secrets.token_urlsafe(32)
    expires_at = comment.submitted_at + timedelta(
        seconds=comments_settings().EDIT_SECONDS
    )
    CommentEditKey.objects.update_or_create(
        comment_id=comment.pk,
        defaults={"secret_hash": _hash_secret(secret), "expires_at": expires_at},
    )
    return signing.dumps({"c": comment.pk, "s": secret}, salt=SIGNING_SALT)


def verify_edit_token(comment: AbstractComment, token: str | None) -> None:
    """Check that ``token`` lets its bearer change ``comment`` now.

    Raises:
        EditNotAllowedError: no token, bad signature, another comment, a revoked
            key, past the ``COMMENTS_EDIT_SECONDS`` window, or a comment that is
            no longer pending or approved.

    """
    refused = EditNotAllowedError(_("You can no longer edit or delete this comment."))
    if not token:
        raise refused
    max_age = comments_settings().EDIT_SECONDS
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)
    except signing.BadSignature:
        raise refused from None
    if not isinstance(payload, dict) or payload.get("c") != comment.pk:
        raise refused
    key = CommentEditKey.objects.filter(comment_id=comment.pk).first()
    if key is None or key.expires_at <= timezone.now():
        raise refused
    if not constant_time_compare(key.secret_hash, _hash_secret(str(payload["s"]))):
        raise refused
    if comment.status not in EDITABLE:
        raise refused


def grant_edit_token(request: HttpRequest, comment: AbstractComment) -> str:
    """Issue a token for ``comment`` and keep it in this browser's session."""
    token = issue_edit_token(comment)
    keep_edit_token(request, comment.pk, token)
    return token


def keep_edit_token(request: HttpRequest, comment_id: int, token: str) -> None:
    """Keep an already issued edit ``token`` in this browser's session.

    Used when a second copy of a submission (double click) is answered with
    the first copy's comment: its session keeps the same edit link.
    """
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens.pop(str(comment_id), None)
    tokens[str(comment_id)] = token
    request.session[SESSION_KEY] = dict(list(tokens.items())[-_SESSION_LIMIT:])


def session_edit_token(request: HttpRequest | None, comment_id: int) -> str | None:
    """Return the edit token this browser holds for ``comment_id``, if any."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    token = session.get(SESSION_KEY, {}).get(str(comment_id))
    return token if isinstance(token, str) else None


def can_edit(request: HttpRequest | None, comment: AbstractComment) -> bool:
    """Return whether this browser may still edit ``comment`` (for templates)."""
    try:
        verify_edit_token(comment, session_edit_token(request, comment.pk))
    except EditNotAllowedError:
        return False
    return True


def _send_edited(
    comment: AbstractComment, *, old_body: str, old_status: str, request: Any
) -> None:
    with transaction.atomic():
        responses = comment_edited.send_robust(
            sender=type(comment),
            comment=comment,
            old_body=old_body,
            old_status=old_status,
            request=request,
        )
        failures = [(r, e) for r, e in responses if isinstance(e, BaseException)]
        for receiver, error in failures:
            logger.error(
                "comment_edited receiver %r failed for comment %s; "
                "the comment stays pending.",
                receiver,
                comment.pk,
                exc_info=error,
            )
        if failures:
            transaction.set_rollback(True)


def comment_edit(
    *,
    comment: AbstractComment,
    token: str | None,
    body: str,
    request: HttpRequest | None = None,
) -> AbstractComment:
    """Replace the body of the bearer's own comment and send it back to moderation.

    The text is cleaned and length-checked like a new comment. An unchanged text
    changes nothing. Otherwise ``edited_at`` is set, the comment goes to
    ``pending`` and ``comment_edited`` is sent; a receiver may approve it again,
    except when the new text holds ``COMMENTS_HOLD_LINKS`` links or more.

    Raises:
        EditNotAllowedError: see :func:`verify_edit_token`.
        CommentRejectedError: the new text is too short or too long.

    """
    verify_edit_token(comment, token)
    text = clean_body(body)
    if text == comment.body:
        return comment
    old_body, old_status = comment.body, str(comment.status)
    hold_reasons = [r for r in comment.hold_reasons if r != HOLD_LINKS]
    if count_links(text) >= comments_settings().HOLD_LINKS:
        hold_reasons.append(HOLD_LINKS)
    with transaction.atomic():
        comment.body = text
        comment.edited_at = timezone.now()
        comment.hold_reasons = hold_reasons
        comment.save(update_fields=["body", "edited_at", "hold_reasons"])
        comment_set_status(
            comment=comment,
            status=CommentStatus.PENDING,
            reason="edited by its author",
        )
        _send_edited(comment, old_body=old_body, old_status=old_status, request=request)
        comment.refresh_from_db()
        if comment.hold_reasons and comment.status == CommentStatus.APPROVED:
            comment_set_status(
                comment=comment,
                status=CommentStatus.PENDING,
                reason="held: " + ", ".join(comment.hold_reasons),
            )
    return comment


def comment_delete_own(*, comment: AbstractComment, token: str | None) -> bool:
    """Delete the bearer's own comment; return ``True`` if the row is gone.

    A comment with replies is kept as a placeholder (status ``removed``, body,
    email, website, network and user agent cleared) so the thread keeps its
    shape; return ``False`` then. The edit key is revoked either way.

    Raises:
        EditNotAllowedError: see :func:`verify_edit_token`.

    """
    verify_edit_token(comment, token)
    with transaction.atomic():
        CommentEditKey.objects.filter(comment_id=comment.pk).delete()
        if not Comment.objects.filter(parent=comment.pk).exists():
            comment.delete()
            return True
        Comment.objects.filter(pk=comment.pk).update(
            body="",
            author_email="",
            author_url="",
            ip_address=None,
            user_agent="",
        )
        comment.refresh_from_db()
        comment_set_status(
            comment=comment,
            status=CommentStatus.REMOVED,
            reason="deleted by its author",
        )
    return False


class EditForm(forms.Form):
    """The edit form: the new text only."""

    body = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_edit_%s")
        super().__init__(*args, **kwargs)
        limit = comments_settings().MAX_LENGTH
        self.fields["body"].widget.attrs["maxlength"] = str(limit)


def _own_comment(request: HttpRequest, comment_id: int) -> tuple[AbstractComment, str]:
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    token = request.POST.get("token") or session_edit_token(request, comment_id)
    return comment, token or ""


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request, "comments/owner_forbidden.html", {"message": message}, status=403
    )


@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Show and process the edit form of the reader's own comment (PRG)."""
    comment, token = _own_comment(request, comment_id)
    try:
        verify_edit_token(comment, token)
    except EditNotAllowedError as error:
        return _forbidden(request, str(error.message))
    if request.method != "POST":
        form = EditForm(initial={"body": comment.body})
        return render(request, "comments/edit.html", {"form": form, "comment": comment})
    form = EditForm(request.POST)
    context: dict[str, Any] = {"form": form, "comment": comment}
    if not form.is_valid():
        return render(request, "comments/edit.html", context, status=400)
    try:
        comment_edit(
            comment=comment,
            token=token,
            body=form.cleaned_data["body"],
            request=request,
        )
    except EditNotAllowedError as error:
        return _forbidden(request, str(error.message))
    except CommentError as error:
        form.add_error("body", str(error.message))
        return render(request, "comments/edit.html", context, status=400)
    return HttpResponseRedirect(reverse("comments:permalink", args=[comment.pk]))


@require_http_methods(["GET", "POST"])
def delete_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Ask for confirmation, then delete the reader's own comment (PRG)."""
    comment, token = _own_comment(request, comment_id)
    try:
        verify_edit_token(comment, token)
    except EditNotAllowedError as error:
        return _forbidden(request, str(error.message))
    if request.method != "POST":
        return render(request, "comments/delete.html", {"comment": comment})
    target = comment.content_object
    comment_delete_own(comment=comment, token=token)
    url = target_url(target, request) if target is not None else "/"
    return HttpResponseRedirect(url + "#comments")
