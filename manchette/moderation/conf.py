"""Lazy, typed access to the ``MODERATION_*`` settings.

Settings are read on first use, never at import time. The cache (and the loaded
engine, see :func:`manchette.moderation.services.engine_state`) is cleared when a
``MODERATION_*`` setting changes, so ``override_settings`` works in tests.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "MODERATION_"

#: The artifacts shipped inside the package (``manchette/moderation/artifacts``).
PACKAGED_ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"

#: Mail domains shared by millions of people: banning one would ban strangers.
DEFAULT_PROTECTED_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.fr",
    "hotmail.com",
    "hotmail.fr",
    "live.com",
    "live.fr",
    "msn.com",
    "yahoo.com",
    "yahoo.fr",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "laposte.net",
    "gmx.fr",
    "gmx.com",
    "menara.ma",
    "iam.ma",
)


@dataclasses.dataclass(frozen=True, slots=True)
class ModerationSettings:
    """Every ``MODERATION_*`` setting with its default (see docs/settings.md)."""

    ARTIFACT_DIR: Path = PACKAGED_ARTIFACT_DIR
    THRESHOLDS: dict[str, Any] = dataclasses.field(default_factory=dict)
    HOLD_NOTICE_AFTER: int = 24 * 60 * 60
    APPEAL_WINDOW_DAYS: int = 183
    PROTECTED_DOMAINS: tuple[str, ...] = DEFAULT_PROTECTED_DOMAINS
    QUEUE_PER_PAGE: int = 50
    NOTIFY_AUTHORS: bool = True
    FLAG_HOLD_COUNT: int = 3


_FIELDS = frozenset(f.name for f in dataclasses.fields(ModerationSettings))


@functools.cache
def moderation_settings() -> ModerationSettings:
    """Return the current ``MODERATION_*`` settings, read lazily and cached."""
    values: dict[str, Any] = {
        name: getattr(settings, PREFIX + name)
        for name in _FIELDS
        if hasattr(settings, PREFIX + name)
    }
    if "ARTIFACT_DIR" in values:
        values["ARTIFACT_DIR"] = Path(values["ARTIFACT_DIR"])
    if "PROTECTED_DOMAINS" in values:
        values["PROTECTED_DOMAINS"] = tuple(
            domain.strip().lower() for domain in values["PROTECTED_DOMAINS"]
        )
    if "THRESHOLDS" in values:
        values["THRESHOLDS"] = dict(values["THRESHOLDS"])
    return ModerationSettings(**values)


@receiver(setting_changed)
def _reset_moderation_settings(*, setting: str, **kwargs: Any) -> None:
    """Forget cached values (and the engine) when a ``MODERATION_*`` setting changes."""
    if setting.startswith(PREFIX):
        moderation_settings.cache_clear()
        from manchette.moderation.services import reset_engine

        reset_engine()
