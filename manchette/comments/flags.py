"""Reader flags: report a comment to the moderators with a reason.

A flag never changes a comment's status by itself. :func:`comment_flag` stores
it and sends ``signals.comment_flagged``; the moderation app receives that
signal and decides whether the comment goes back to the review queue.

Each flagger is known only by a keyed hash (:func:`flagger_key`) of their user
id, or of their session and anonymised network, so one person flags a comment
once and nobody can read back who flagged.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import CommentError, CommentRejectedError
from manchette.comments.models import Comment, CommentFlag, FlagReason
from manchette.comments.privacy import anonymize_ip
from manchette.comments.sanitize import clean_text
from manchette.comments.signals import comment_flagged
from manchette.comments.web import client_ip

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from manchette.comments.abstracts import AbstractComment

_FLAGGER_SALT = "manchette.comments.flagger"


class FlagRateLimitedError(CommentError):
    """Too many flags from one flagger in ``COMMENTS_FLAG_RATE_WINDOW_SECONDS``."""

    code = "rate_limited"


@dataclasses.dataclass(frozen=True, slots=True)
class FlagResult:
    """The outcome of :func:`comment_flag`; ``created`` is false for a repeat."""

    flag: CommentFlag
    created: bool


def flagger_key(
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    session_key: str | None = None,
    ip: str | None = None,
) -> str:
    """Return a 64-hex-character keyed hash identifying a flagger.

    A logged-in ``user`` is identified by their id; anyone else by their
    session key and the /24 (/48) network of ``ip``. The hash is an HMAC keyed
    with ``SECRET_KEY``, so it cannot be reversed or recomputed offline.
    """
    if user is not None and user.is_authenticated:
        identity = f"user:{user.pk}"
    else:
        identity = f"anon:{session_key or ''}:{anonymize_ip(ip) or ''}"
    return salted_hmac(_FLAGGER_SALT, identity, algorithm="sha256").hexdigest()


def flag_rate_check(key: str) -> None:
    """Count one flag attempt for ``key``; raise once the window's budget is spent.

    At most ``COMMENTS_FLAG_RATE_LIMIT`` attempts per
    ``COMMENTS_FLAG_RATE_WINDOW_SECONDS`` (cache-backed, per flagger key).

    Raises:
        FlagRateLimitedError: the budget is spent; nothing should be stored.

    """
    conf = comments_settings()
    cache_key = f"comments:flag-rate:{key}"
    cache.add(cache_key, 0, timeout=conf.FLAG_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=conf.FLAG_RATE_WINDOW_SECONDS)
        count = 1
    if count > conf.FLAG_RATE_LIMIT:
        raise FlagRateLimitedError(
            _("You have sent too many reports. Please try again later.")
        )


def clean_flag_note(note: str) -> str:
    """Return the note normalised like a comment body (no bidi/control characters).

    Raises:
        CommentRejectedError: longer than ``COMMENTS_FLAG_NOTE_MAX_LENGTH``
            characters after normalisation.

    """
    text = clean_text(note or "")
    limit = comments_settings().FLAG_NOTE_MAX_LENGTH
    if len(text) > limit:
        raise CommentRejectedError(
            _("Your note must be at most %(max)d characters long.") % {"max": limit},
            field="note",
        )
    return text


def comment_flag(
    *,
    comment: AbstractComment,
    reason: FlagReason | str,
    flagger: str,
    note: str = "",
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> FlagResult:
    """Store one reader's flag on ``comment`` and send ``comment_flagged``.

    ``flagger`` is a :func:`flagger_key`. A second flag from the same flagger on
    the same comment returns the first one with ``created=False`` and sends
    nothing. Only approved comments can be flagged (readers see no others).

    Raises:
        CommentRejectedError: unknown ``reason``, note too long, or a comment
            that is not public.

    """
    try:
        flag_reason = FlagReason(reason)
    except ValueError:
        raise CommentRejectedError(
            _("Choose a reason for your report."), field="reason"
        ) from None
    if not isinstance(comment, Comment):
        raise CommentRejectedError(_("This comment cannot be reported."))
    if comment.status != CommentStatus.APPROVED:
        raise CommentRejectedError(_("This comment cannot be reported."))
    text = clean_flag_note(note)
    real_user: Any = user if user is not None and user.is_authenticated else None
    existing = CommentFlag.objects.filter(comment=comment, flagger_key=flagger).first()
    if existing is not None:
        return FlagResult(flag=existing, created=False)
    flag = CommentFlag(
        comment=comment,
        reason=flag_reason,
        note=text,
        user=real_user,
        flagger_key=flagger,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag.save()
        except IntegrityError:
            first = CommentFlag.objects.get(comment=comment, flagger_key=flagger)
            return FlagResult(flag=first, created=False)
        comment_flagged.send(
            sender=type(comment),
            comment=comment,
            flag=flag,
            count=CommentFlag.objects.filter(comment=comment).count(),
        )
    return FlagResult(flag=flag, created=True)


class FlagForm(forms.Form):
    """The report form: a reason (radio buttons) and an optional note."""

    reason = forms.ChoiceField(
        label=gettext_lazy("Why are you reporting this comment?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Details (optional, seen only by the moderators)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_flag_%s")
        super().__init__(*args, **kwargs)
        limit = comments_settings().FLAG_NOTE_MAX_LENGTH
        self.fields["note"].widget.attrs["maxlength"] = str(limit)

    def clean_note(self) -> str:
        """Normalise the note and apply its character limit."""
        try:
            return clean_flag_note(self.cleaned_data.get("note", ""))
        except CommentRejectedError as error:
            raise forms.ValidationError(str(error.message), code="max_length") from None


def _public_comment(comment_id: int) -> AbstractComment:
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None or comment.status != CommentStatus.APPROVED:
        raise Http404
    target = comment.content_object
    if target is None or not getattr(target, "live", True):
        raise Http404
    return comment


def request_flagger_key(request: HttpRequest) -> str:
    """Return the :func:`flagger_key` of the reader making ``request``."""
    session = getattr(request, "session", None)
    session_key = None
    if session is not None:
        if not session.session_key:
            session.save()
        session_key = session.session_key
    return flagger_key(
        user=getattr(request, "user", None),
        session_key=session_key,
        ip=client_ip(request),
    )


@require_http_methods(["GET", "POST"])
def flag_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Show the report form for a public comment, and store a report (PRG)."""
    comment = _public_comment(comment_id)
    context: dict[str, Any] = {"comment": comment, "done": "done" in request.GET}
    if request.method != "POST":
        context["form"] = FlagForm()
        return render(request, "comments/flag.html", context)
    form = FlagForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "comments/flag.html", context, status=400)
    key = request_flagger_key(request)
    try:
        flag_rate_check(key)
        comment_flag(
            comment=comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            flagger=key,
            user=request.user,
        )
    except FlagRateLimitedError as error:
        context["error"] = str(error.message)
        return render(request, "comments/flag.html", context, status=429)
    except CommentRejectedError as error:
        context["error"] = str(error.message)
        return render(request, "comments/flag.html", context, status=400)
    url = reverse("comments:flag", args=[comment.pk]) + "?done=1"
    return HttpResponseRedirect(url)
