"""Read settings from the environment through one small, typed helper."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return ``name``; raise ImproperlyConfigured when unset and no default."""
    value = os.environ.get(name, default)
    if value is None:
        msg = f"Set the {name} environment variable."
        raise ImproperlyConfigured(msg)
    return value


def env_bool(name: str, *, default: bool) -> bool:
    """Return ``name`` read as a boolean (1/true/yes/on, 0/false/no/off)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    msg = f"{name} must be a boolean (1/0, true/false), got {raw!r}."
    raise ImproperlyConfigured(msg)


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated variable ``name`` as a list of stripped items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, *, default: int) -> int:
    """Return the variable ``name`` as an integer."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        msg = f"{name} must be an integer, got {raw!r}."
        raise ImproperlyConfigured(msg) from None
