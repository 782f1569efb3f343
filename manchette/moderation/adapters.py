"""Where the comments world meets the engine: Comment -> ``Submission``.

Also holds the keyed hashes that identify an author (email or account) and an
IP network without storing either in clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.crypto import salted_hmac

from manchette.moderation.engine.types import AuthorHistory, Submission

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment

_AUTHOR_SALT = "manchette.moderation.author"
_IP_SALT = "manchette.moderation.ip"

#: Comment statuses counted as a past rejection in the author's history.
_REJECTED_STATUSES = ("rejected", "spam", "removed")


def email_hash(email: str) -> str:
    """Return the keyed SHA-256 hex digest of a normalised email address.

    The key is ``SECRET_KEY`` (``salted_hmac``), so the digest cannot be tested
    against guessed addresses without the server secret. Return ``""`` for an
    empty address.
    """
    value = email.strip().lower()
    if not value:
        return ""
    return salted_hmac(_AUTHOR_SALT, f"email:{value}", algorithm="sha256").hexdigest()


def ip_hash(ip: str | None) -> str:
    """Return the keyed SHA-256 hex digest of an (already anonymised) IP network.

    Return ``""`` when there is no address.
    """
    if not ip:
        return ""
    return salted_hmac(_IP_SALT, ip.strip(), algorithm="sha256").hexdigest()


def author_hash(comment: AbstractComment) -> str:
    """Return the key identifying the comment's author across comments.

    The email address when there is one (so an account and its anonymous
    comments share a history), else the user account; ``""`` when neither.
    """
    if comment.author_email:
        return email_hash(comment.author_email)
    if comment.user_id is not None:
        return salted_hmac(
            _AUTHOR_SALT, f"user:{comment.user_id}", algorithm="sha256"
        ).hexdigest()
    return ""


def email_domain(email: str) -> str:
    """Return the lower-case domain part of an email address (``""`` if none)."""
    _, _sep, domain = email.strip().lower().rpartition("@")
    return domain if _sep else ""


def author_history(comment: AbstractComment) -> AuthorHistory:
    """Count the author's other comments by outcome (approved, rejected, held).

    Authors are matched by :func:`author_hash` through past decisions; the
    comment itself is excluded. Return an empty history for an unknown author.
    """
    key = author_hash(comment)
    if not key:
        return AuthorHistory()
    counts = dict(
        type(comment)
        .objects.filter(moderation_decisions__author_hash=key)  # type: ignore[misc]
        .exclude(pk=comment.pk)
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("status", "n")
    )
    return AuthorHistory(
        approved=int(counts.get("approved", 0)),
        rejected=sum(int(counts.get(status, 0)) for status in _REJECTED_STATUSES),
        held=int(counts.get("pending", 0)),
    )


def page_language(comment: AbstractComment) -> str | None:
    """Return the language code of the commented page's locale, if it has one.

    Duck-typed: Wagtail pages carry ``locale.language_code``; other targets
    return ``None``.
    """
    target: Any = comment.content_object
    locale = getattr(target, "locale", None)
    code = getattr(locale, "language_code", None)
    return str(code) if code else None


def comment_to_submission(comment: AbstractComment) -> Submission:
    """Build the engine's input for a stored comment.

    The text is the body exactly as stored; the link count is left to the
    engine (it also counts bare shortener domains); the language hint is the
    page's locale; the author history comes from past decisions.
    """
    return Submission(
        text=comment.body,
        language_hint=page_language(comment),
        link_count=None,
        author_history=author_history(comment),
    )
