"""Lazy, typed access to the ``PERSPECTIVE_*`` settings.

Settings are read on first use, never at import time, and forgotten when a
``PERSPECTIVE_*`` setting changes, so ``override_settings`` works in tests.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "PERSPECTIVE_"


@dataclasses.dataclass(frozen=True, slots=True)
class PerspectiveSettings:
    """Every ``PERSPECTIVE_*`` setting with its default (see docs/perspective.md).

    ``LOG_TEXT``: log the text of analyzed comments (never for ``doNotStore``
    requests). ``DEFAULT_RATE_LIMIT``: requests per minute for a new key.
    ``MAX_TEXT_BYTES``: longest accepted ``comment.text`` in UTF-8 bytes
    (Perspective's documented limit is 20 KB). ``KEY_CACHE_SECONDS``: how long
    a valid key is remembered in the default cache (0 disables).
    """

    LOG_TEXT: bool = False
    DEFAULT_RATE_LIMIT: int = 600
    MAX_TEXT_BYTES: int = 20 * 1024
    KEY_CACHE_SECONDS: int = 60


_FIELDS = frozenset(f.name for f in dataclasses.fields(PerspectiveSettings))


@functools.cache
def perspective_settings() -> PerspectiveSettings:
    """Return the current ``PERSPECTIVE_*`` settings, read lazily and cached."""
    values: dict[str, Any] = {
        name: getattr(settings, PREFIX + name)
        for name in _FIELDS
        if hasattr(settings, PREFIX + name)
    }
    return PerspectiveSettings(**values)


@receiver(setting_changed)
def _reset_perspective_settings(*, setting: str, **kwargs: Any) -> None:
    """Forget cached values when a ``PERSPECTIVE_*`` setting changes."""
    if setting.startswith(PREFIX):
        perspective_settings.cache_clear()
