"""Single-use form tokens and simultaneous copies of one submission ("twins").

A double click, a re-sent request or the same text sent from two tabs reaches
the server as two POSTs that may run at the same time in two processes. The
database decides which row exists (unique form nonce, idempotency key and
duplicate fingerprint: see :func:`manchette.comments.services.comment_submit`);
this module makes sure the second copy is *answered* like the first instead of
being refused by the flood limits while the first is still being stored.

Each entry point (HTML form, JSON API) claims the submission's keys (the form
token's nonce, the client's idempotency key, the duplicate fingerprint) with
the cache's atomic ``add`` *before* its rate limits:

- the claim succeeds: this request is the first; it runs the rate limits and
  the service, then :meth:`Claim.settle` records the comment (or
  :meth:`Claim.release` frees the keys if nothing was stored, so a corrected
  form can be sent again);
- a key is held by a request still in flight: wait (polling the cache, at most
  ``COMMENTS_TWIN_WAIT_SECONDS``) until it settles or releases;
- a key is settled: this is a twin or a replay; it skips the rate limits and
  the service returns the stored comment (same content) or refuses the reused
  token (other content). It never stores a row of its own.

A twin never runs the service without a claim while the first is in flight,
so sending two copies cannot bypass the flood limit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from typing import Any

from django.core.cache import cache

from manchette.comments.conf import comments_settings

logger = logging.getLogger(__name__)

_PREFIX = "comments:submission:"
_BUSY = "busy"
_POLL_SECONDS = 0.05
#: How long a claim may stay "busy" if its request dies without releasing it.
BUSY_TIMEOUT_SECONDS = 60


def submission_keys(
    *, nonce: str = "", idempotency_key: str | None = None, fingerprint: str = ""
) -> list[str]:
    """Return the cache keys identifying one submission (empty parts skipped).

    ``nonce`` is the form token's nonce, ``idempotency_key`` a client key (the
    API's ``Idempotency-Key``; scope it to the target first), ``fingerprint``
    the value of ``manchette.comments.services.duplicate_fingerprint``.
    """
    parts = [("n", nonce), ("k", idempotency_key or ""), ("f", fingerprint)]
    return [
        _PREFIX + kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:40]
        for kind, value in parts
        if value
    ]


@dataclasses.dataclass(frozen=True, slots=True)
class Settled:
    """What the first request recorded: its comment and, for its browser, extras.

    ``owner`` and ``session`` are opaque hashes (of the form nonce and of the
    session key) by which a twin shows it comes from the same browser;
    ``edit_token`` then lets it keep the edit link. The API leaves them empty.
    ``fingerprint`` is the stored comment's duplicate fingerprint (see
    :func:`manchette.comments.services.duplicate_fingerprint`), so a token
    replayed with other content is recognised without a query
    (:meth:`Claim.reuses_token`).
    """

    comment_id: int
    owner: str = ""
    session: str = ""
    edit_token: str = ""
    fingerprint: str = ""


@dataclasses.dataclass(slots=True)
class Claim:
    """The outcome of :func:`claim_submission`.

    ``first`` is true when this request holds the keys (it must then call
    :meth:`settle` or :meth:`release`); otherwise ``settled`` is what the first
    request recorded, or ``None`` when it was still in flight after the wait
    (``timed_out``).
    """

    keys: list[str]
    first: bool
    settled: Settled | None = None
    timed_out: bool = False
    matched: str = ""
    _done: bool = False

    def reuses_token(self, nonce: str, fingerprint: str) -> bool:
        """Return whether this is the form token ``nonce`` sent with other content.

        ``True`` only when the claim was answered through the token's own key
        and the settled comment's fingerprint differs from ``fingerprint``:
        the caller refuses it (``token_used``) without asking the database.
        ``False`` when unsure (an older entry without a fingerprint): the
        service then decides.
        """
        settled = self.settled
        if settled is None or not settled.fingerprint or not nonce:
            return False
        if self.matched != submission_keys(nonce=nonce)[0]:
            return False
        return settled.fingerprint != fingerprint

    def settle(self, settled: Settled) -> None:
        """Record the stored comment under every key (first request only)."""
        if not self.first or self._done:
            return
        seconds = max(comments_settings().DUPLICATE_SECONDS, 60)
        value = dataclasses.asdict(settled)
        cache.set_many(dict.fromkeys(self.keys, value), timeout=seconds)
        self._done = True

    def release(self) -> None:
        """Free the keys when nothing was stored (no-op once settled)."""
        if not self.first or self._done:
            return
        cache.delete_many(self.keys)
        self._done = True


def _settled(value: Any) -> Settled | None:
    if isinstance(value, dict) and isinstance(value.get("comment_id"), int):
        return Settled(
            comment_id=value["comment_id"],
            owner=str(value.get("owner", "")),
            session=str(value.get("session", "")),
            edit_token=str(value.get("edit_token", "")),
            fingerprint=str(value.get("fingerprint", "")),
        )
    return None


def submissions_seen(keys: list[str]) -> bool:
    """Return whether any of ``keys`` (from :func:`submission_keys`) is known.

    One cache read for all of them. ``True`` means this request is a copy or
    a replay of an earlier one (claimed or settled, and charged to the rate
    limits already); see :func:`claim_submission` for how it is then answered.
    """
    return bool(keys) and bool(cache.get_many(keys))


def _try_claim(keys: list[str]) -> str | None:
    """Claim every key; on the first one already held, undo and return it."""
    taken: list[str] = []
    for key in keys:
        if not cache.add(key, _BUSY, timeout=BUSY_TIMEOUT_SECONDS):
            cache.delete_many(taken)
            return key
        taken.append(key)
    return None


def claim_submission(keys: list[str], *, wait: float | None = None) -> Claim:
    """Claim ``keys`` for this request, or wait for the request holding them.

    ``wait`` is the longest wait in seconds for an in-flight twin (default
    ``COMMENTS_TWIN_WAIT_SECONDS``). See the module docstring for the outcomes.
    """
    if not keys:
        return Claim(keys=keys, first=True)
    limit = comments_settings().TWIN_WAIT_SECONDS if wait is None else wait
    deadline = time.monotonic() + max(limit, 0.0)
    waiting = False
    while True:
        held = _try_claim(keys)
        if held is None:
            return Claim(keys=keys, first=True)
        value = cache.get(held)
        settled = _settled(value)
        if settled is not None:
            return Claim(keys=keys, first=False, settled=settled, matched=held)
        if time.monotonic() >= deadline:
            return Claim(keys=keys, first=False, timed_out=True)
        if value is not None:  # in flight; a released key is retried at once
            if not waiting:
                logger.debug("Waiting for an in-flight copy of this submission.")
                waiting = True
            time.sleep(_POLL_SECONDS)
