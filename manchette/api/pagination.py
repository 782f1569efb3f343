"""Opaque, signed cursors for stable cursor pagination.

A cursor records the sort key of the last item a client received
(``submitted_at`` and ``id``); the next page starts strictly after it, so items
added meanwhile never shift a page the way offsets would. Cursors are signed so a
malformed or altered one is refused (HTTP 400) rather than misread.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.core import signing

_SALT = "manchette.api.cursor"


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Position:
    """A sort key: ``(submitted_at, pk)``, compared in that order."""

    submitted_at: datetime
    pk: int


class InvalidCursorError(ValueError):
    """The cursor was altered, truncated or comes from somewhere else."""


def encode_cursor(position: Position) -> str:
    """Return the opaque cursor string for ``position``."""
    payload = {"t": position.submitted_at.isoformat(), "i": position.pk}
    return signing.dumps(payload, salt=_SALT, compress=False)


def decode_cursor(cursor: str) -> Position:
    """Return the position a cursor from :func:`encode_cursor` holds.

    Raises:
        InvalidCursorError: bad signature or contents.

    """
    try:
        payload = signing.loads(cursor, salt=_SALT)
        return Position(
            submitted_at=datetime.fromisoformat(payload["t"]), pk=int(payload["i"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidCursorError(cursor[:16]) from None
