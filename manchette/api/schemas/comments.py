"""Comment schemas. Output schemas hold no email, email hash or IP address."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - pydantic resolves it at runtime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from manchette.comments.models import FlagReason  # noqa: TC001 - used by pydantic
from manchette.comments.sanitize import strip_surrogates


class CommentOut(Schema):
    """One comment as any reader sees it.

    ``visible`` is false for a placeholder (a removed or held comment that still
    has visible replies): its name, website, text and avatar are then empty.
    ``body`` is plain text; clients must insert it as text, never as HTML.
    """

    id: int
    parent_id: int | None
    thread_id: int
    depth: int
    visible: bool
    author_name: str
    author_url: str
    avatar: str = Field(description="A locally drawn identicon (data: URI).")
    reply_to_name: str
    body: str
    submitted_at: datetime
    edited_at: datetime | None
    permalink: str


class ThreadOut(Schema):
    """A top-level comment and its replies, in display order (oldest first)."""

    root: CommentOut
    replies: list[CommentOut]


class CommentListOut(Schema):
    """A page of threads of one page's approved comments."""

    page_id: int
    language: str
    direction: Literal["ltr", "rtl"]
    count: int = Field(description="Approved comments on the page.")
    open: bool = Field(description="Whether the page accepts new comments.")
    threads: list[ThreadOut]
    next_cursor: str | None


class FormTokenOut(Schema):
    """A signed form token to send back with a new comment."""

    token: str
    min_seconds: int = Field(description="Sooner than this, the comment is held.")
    max_age_seconds: int = Field(description="Later than this, it is refused.")


class _UnicodeIn(Schema):
    r"""Input whose text fields are made valid Unicode before anything else.

    JSON can carry a lone surrogate (``"\ud800"``) that no UTF-8 text can
    hold. It is dropped here, as the comments app's text cleaners drop it on
    every other write path (form, edit, import), so it can neither fail deeper
    (HTTP 500) nor be stored.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _no_lone_surrogate(cls, value: object) -> object:
        if isinstance(value, str):
            return strip_surrogates(value)
        return value


class CommentIn(_UnicodeIn):
    """A new comment or reply.

    ``homepage`` is the honeypot: people leave it empty. ``token`` comes from
    ``GET /v1/pages/{page_id}/comments/form-token``.
    """

    body: str
    author_name: str
    author_email: str
    author_url: str = ""
    parent_id: int | None = None
    token: str
    homepage: str = ""
    notify_replies: bool = False


class CommentCreatedOut(Schema):
    """The outcome of a submission.

    ``status`` is ``approved`` (published), ``pending`` (held for
    moderation; a spam verdict reads the same) or ``rejected`` (refused by
    moderation: not published). ``created`` is false when the request
    repeated an earlier one (same ``Idempotency-Key``, or a double
    submission): the first comment is returned. ``edit_token`` lets the
    author edit or delete the comment for ``edit_seconds`` seconds; it is
    only given on creation.
    """

    id: int
    status: Literal["pending", "approved", "rejected"]
    created: bool
    message: str
    edit_token: str | None
    edit_seconds: int
    comment: CommentOut | None


class FlagIn(_UnicodeIn):
    """A reader's report on a comment; ``note`` is seen only by moderators."""

    reason: FlagReason
    note: str = ""


class FlagOut(Schema):
    """The stored report; ``created`` is false when it repeated an earlier one."""

    comment_id: int
    reason: FlagReason
    created: bool


class PageRefOut(Schema):
    """The page a public URL shows (for widgets configured with a URL)."""

    page_id: int
