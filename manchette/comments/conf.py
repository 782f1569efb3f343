"""Lazy, typed access to the ``COMMENTS_*`` settings.

Settings are read on first use, never at import time, and the cache is cleared
whenever a ``COMMENTS_*`` setting changes (``override_settings`` in tests), the way
``wagtail.coreutils`` resets its caches on ``setting_changed``.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "COMMENTS_"


@dataclasses.dataclass(frozen=True, slots=True)
class CommentsSettings:
    """Every ``COMMENTS_*`` setting with its default (see docs/settings.md)."""

    MODEL: str = "comments.Comment"
    FORM: str = "manchette.comments.forms.CommentForm"
    MAX_DEPTH: int = 5
    MAX_LENGTH: int = 5000
    MIN_LENGTH: int = 2
    NAME_MAX_LENGTH: int = 80
    HOLD_LINKS: int = 2
    DUPLICATE_SECONDS: int = 60
    FLOOD_SECONDS: int = 15
    # Per client IP budget (IPv4 address or IPv6 /64): a budget, not a slot,
    # because many readers can share one address behind a mobile or office NAT.
    IP_BUDGET: int = 20
    IP_BUDGET_SECONDS: int = 60
    # Reverse proxies in front of the app whose X-Forwarded-For entry is trusted
    # (0: use REMOTE_ADDR, the socket peer).
    TRUSTED_PROXY_COUNT: int = 0
    # How long a simultaneous copy of a submission waits for the first one.
    TWIN_WAIT_SECONDS: float = 10.0
    MIN_SUBMIT_SECONDS: int = 3
    MAX_FORM_AGE_SECONDS: int = 2 * 60 * 60
    PER_PAGE: int = 50
    IP_RETENTION_DAYS: int = 30
    USER_AGENT_MAX_LENGTH: int = 255
    COOKIE_NAME: str = "comment_author"
    COOKIE_MAX_AGE: int = 365 * 24 * 60 * 60
    OWN_COMMENTS_LIMIT: int = 50
    # Reader features (flags, edit tokens, reply emails, feeds, widget).
    FLAG_RATE_LIMIT: int = 10
    FLAG_RATE_WINDOW_SECONDS: int = 60 * 60
    FLAG_NOTE_MAX_LENGTH: int = 500
    EDIT_SECONDS: int = 10 * 60
    NOTIFY_CONFIRM_MAX_AGE_SECONDS: int = 7 * 24 * 60 * 60
    BASE_URL: str = ""
    FEED_ITEMS: int = 50
    WIDGET_ALLOWED_ORIGINS: tuple[str, ...] = ()


_FIELDS = frozenset(f.name for f in dataclasses.fields(CommentsSettings))


@functools.cache
def comments_settings() -> CommentsSettings:
    """Return the current ``COMMENTS_*`` settings, read lazily and cached."""
    values: dict[str, Any] = {
        name: getattr(settings, PREFIX + name)
        for name in _FIELDS
        if hasattr(settings, PREFIX + name)
    }
    return CommentsSettings(**values)


@receiver(setting_changed)
def _reset_comments_settings(*, setting: str, **kwargs: Any) -> None:
    """Forget cached values when a ``COMMENTS_*`` setting changes."""
    if setting.startswith(PREFIX):
        comments_settings.cache_clear()
