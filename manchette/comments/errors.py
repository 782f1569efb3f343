"""Domain errors raised by the comment services (never ``Http404``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import Promise


class CommentError(Exception):
    """Base class: ``message`` is translated text fit to show the author."""

    code = "invalid"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class CommentRejectedError(CommentError):
    """The submission breaks a rule (length, address, parent) and was not stored."""

    code = "rejected"


class CommentsClosedError(CommentError):
    """The target does not accept comments (``comments_enabled`` is false)."""

    code = "closed"


class TargetUnavailableError(CommentError):
    """The target is not published (``live`` is false) or does not exist."""

    code = "unavailable"


class FormTokenUsedError(CommentRejectedError):
    """The form token already produced a comment with different content.

    Each signed form token (its nonce) posts one comment: sending the same
    content again returns that comment, anything else is refused.
    """

    code = "token_used"
