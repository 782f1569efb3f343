"""The comment form: the familiar blog layout plus hidden anti-spam fields.

The security token is signed with ``django.core.signing`` and carries the target
(content type and primary key), the time the form was shown and a random nonce
that makes the form single use (a double click stores one comment; see
:mod:`manchette.comments.submissions`).
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from manchette.comments.conf import comments_settings
from manchette.comments.errors import CommentRejectedError
from manchette.comments.sanitize import clean_name, clean_url
from manchette.comments.services import HOLD_TOO_FAST, SecurityReport, clean_body

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model

SIGNING_NAMESPACE = "manchette.comments.form"


def target_key(target: Model | Any) -> str:
    """Return ``"<content type id>.<pk>"``, the identity signed into the form."""
    content_type = ContentType.objects.get_for_model(target)
    return f"{content_type.pk}.{target.pk}"


def make_security_token(
    target: Model | Any, *, issued_at: float | None = None, nonce: str | None = None
) -> str:
    """Return a signed token binding a form to ``target`` and to the time it was shown.

    ``issued_at`` is a Unix timestamp in seconds (default: now); ``nonce`` is 32
    random hex characters (default: fresh).
    """
    payload = {
        "t": target_key(target),
        "ts": int(issued_at if issued_at is not None else time.time()),
        "n": nonce or secrets.token_hex(16),
    }
    return signing.dumps(payload, salt=SIGNING_NAMESPACE, compress=False)


def read_security_token(token: str) -> dict[str, Any]:
    """Return the payload of a token from :func:`make_security_token`.

    Raise ``django.core.signing.BadSignature`` when it was altered or is not a
    token at all.
    """
    payload = signing.loads(token, salt=SIGNING_NAMESPACE)
    if not isinstance(payload, dict) or not {"t", "ts", "n"} <= payload.keys():
        msg = "Malformed comment token."
        raise signing.BadSignature(msg)
    return payload


def target_from_token(token: str) -> tuple[int, str]:
    """Return ``(content_type_id, object_pk)`` from a signed token.

    Raise ``BadSignature`` (also for a malformed identity).
    """
    return target_from_payload(read_security_token(token))


def target_from_payload(payload: dict[str, Any]) -> tuple[int, str]:
    """Return ``(content_type_id, object_pk)`` from a signed token's payload.

    Raise ``BadSignature`` for a malformed identity.
    """
    identity = str(payload["t"])
    content_type_id, _sep, object_pk = identity.partition(".")
    if not content_type_id.isdigit() or not object_pk:
        msg = "Malformed comment target."
        raise signing.BadSignature(msg)
    return int(content_type_id), object_pk


class CommentForm(forms.Form):
    """A comment on ``target``; logged-in users give no name or email.

    After ``is_valid()``, :meth:`security_report` says whether the timing checks
    want the comment held, and :attr:`idempotency_key` identifies this copy of
    the form. Any extra field validation raises ``ValidationError`` as usual.
    """

    body = forms.CharField(
        label=pgettext_lazy("comment form field", "Comment"),
        widget=forms.Textarea(
            attrs={"rows": 8, "cols": 45, "dir": "auto", "autocomplete": "off"}
        ),
        strip=False,
    )
    author_name = forms.CharField(
        label=_("Name"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    author_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
                "dir": "ltr",
                "aria-describedby": "email-notes",
            }
        ),
    )
    author_url = forms.CharField(
        label=_("Website"),
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"autocomplete": "url", "dir": "ltr"}),
    )
    remember = forms.BooleanField(
        label=_("Save my name and email in this browser for the next time I comment."),
        required=False,
    )
    # Reply emails (double opt-in: see manchette.comments.notifications).
    notify_replies = forms.BooleanField(
        label=_("Notify me of replies by email"), required=False
    )
    # Honeypot: hidden from people by a CSS class (the CSP forbids inline styles).
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    security_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        target: Model | Any,
        data: Any = None,
        *,
        user: AbstractBaseUser | AnonymousUser | None = None,
        initial: dict[str, Any] | None = None,
        now: float | None = None,
        **kwargs: Any,
    ) -> None:
        self.target = target
        self.user = user if user is not None and user.is_authenticated else None
        self._now = now
        self._hold_reasons: list[str] = []
        self._nonce = ""
        initial = dict(initial or {})
        initial.setdefault("security_token", make_security_token(target, issued_at=now))
        super().__init__(data, initial=initial, auto_id="id_comment_%s", **kwargs)
        conf = comments_settings()
        self.fields["body"].widget.attrs["maxlength"] = str(conf.MAX_LENGTH)
        self.fields["author_name"].widget.attrs["maxlength"] = str(conf.NAME_MAX_LENGTH)
        if self.user is not None:
            for name in ("author_name", "author_email", "author_url", "remember"):
                del self.fields[name]

    @property
    def nonce(self) -> str:
        """Return the nonce of the submitted token (valid after ``is_valid()``).

        It makes the form single use: ``comment_submit(form_nonce=...)``.
        """
        return self._nonce

    @property
    def idempotency_key(self) -> str:
        """Return :attr:`nonce` (kept for callers that used the earlier name)."""
        return self._nonce

    def security_report(self) -> SecurityReport:
        """Return the anti-spam findings to hand to ``comment_submit``."""
        return SecurityReport(hold_reasons=tuple(self._hold_reasons))

    def clean_body(self) -> str:
        """Apply the service's normalisation and character-count limits."""
        try:
            return clean_body(self.cleaned_data["body"])
        except CommentRejectedError as error:
            raise ValidationError(str(error.message), code="length") from None

    def clean_author_name(self) -> str:
        """Return the name on one line, without control or bidi characters."""
        name = clean_name(self.cleaned_data["author_name"])
        if not name:
            raise ValidationError(_("Please enter your name."), code="required")
        limit = comments_settings().NAME_MAX_LENGTH
        if len(name) > limit:
            raise ValidationError(
                ngettext_lazy(
                    "Your name must be at most %(max)d character long.",
                    "Your name must be at most %(max)d characters long.",
                    "max",
                ),
                code="max_length",
                params={"max": limit},
            )
        return name

    def clean_author_url(self) -> str:
        """Return an http(s) URL or ``""``; refuse ``javascript:`` and the like."""
        return clean_url(self.cleaned_data.get("author_url", ""))

    def clean_homepage(self) -> str:
        """Refuse the submission when the hidden honeypot field was filled in."""
        value: str = self.cleaned_data.get("homepage", "")
        if value.strip():
            raise ValidationError(
                _("Your comment could not be accepted."), code="honeypot"
            )
        return value

    def clean_security_token(self) -> str:
        """Check the token's signature, target and age (too old: refused).

        A form sent back faster than ``COMMENTS_MIN_SUBMIT_SECONDS`` is accepted
        but held for moderation (hold reason ``too_fast``).
        """
        token: str = self.cleaned_data["security_token"]
        try:
            payload = read_security_token(token)
        except signing.BadSignature:
            raise ValidationError(
                _("This form is invalid or was altered. Reload the page and retry."),
                code="bad_token",
            ) from None
        if payload["t"] != target_key(self.target):
            raise ValidationError(
                _("This form belongs to another page. Reload the page and try again."),
                code="bad_target",
            )
        conf = comments_settings()
        now = self._now if self._now is not None else time.time()
        age = now - float(payload["ts"])
        if age > conf.MAX_FORM_AGE_SECONDS:
            raise ValidationError(
                _(
                    "This form has expired. Your text is kept below: "
                    "send it again to post your comment."
                ),
                code="expired",
            )
        if age < conf.MIN_SUBMIT_SECONDS:
            self._hold_reasons.append(HOLD_TOO_FAST)
        self._nonce = str(payload["n"])
        return token
