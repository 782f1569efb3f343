"""Flood limits shared by the HTML form and the JSON API.

Two independent limits, both kept in the default cache (atomic ``add`` and
``incr``, so they hold across processes with a shared cache such as Redis):

- :func:`claim_flood_slots`: one comment per ``COMMENTS_FLOOD_SECONDS`` per
  session + IP and per email (or account);
- :func:`spend_ip_budget`: at most ``COMMENTS_IP_BUDGET`` comments per sliding
  ``COMMENTS_IP_BUDGET_SECONDS`` per client IP address (IPv6: per /64), a
  budget rather than a slot because many readers can share one address
  (mobile NAT).

Neither touches the database. Both are looked at before the target or the
form is loaded (:func:`flood_slots_taken` for the slots), so a refused post
costs a few cache round trips.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from manchette.comments.conf import comments_settings


def claim_flood_slots(keys: list[str]) -> bool:
    """Claim every flood key for ``COMMENTS_FLOOD_SECONDS``; ``False`` if one is taken.

    Each key is claimed with the cache's atomic ``add``; when one is already
    held, the keys taken so far are released, so a refused post does not
    extend the wait. A limit of 0 seconds turns the check off.
    """
    seconds = comments_settings().FLOOD_SECONDS
    if seconds <= 0:
        return True
    taken: list[str] = []
    for key in keys:
        if not cache.add(key, 1, timeout=seconds):
            cache.delete_many(taken)
            return False
        taken.append(key)
    return True


def flood_slots_taken(keys: list[str]) -> bool:
    """Return whether one of the flood ``keys`` is held now (one cache read).

    A look, not a claim: entry points call it before loading the target or
    the form, so a client posting again within ``COMMENTS_FLOOD_SECONDS`` is
    refused for the price of a cache read; :func:`claim_flood_slots` still
    decides for the posts that get through. ``False`` when the limit is off.
    """
    if comments_settings().FLOOD_SECONDS <= 0 or not keys:
        return False
    return bool(cache.get_many(keys))


def ip_budget_network(ip: str | None) -> str:
    """Return what the per-IP budget counts: the IPv4 address or the IPv6 /64.

    One IPv6 subscriber usually holds a whole /64, so counting single IPv6
    addresses would let one client rotate through billions of them. ``""`` for
    a missing or malformed address (all such requests share one budget).
    """
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _count_in(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (created with ``timeout``); return it."""
    # Increment first and create the counter only when it is missing: once it
    # exists (every refusal of a wave) the ``add`` round trip is saved.
    try:
        return int(cache.incr(key))
    except ValueError:
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:  # another request created it in between
            return int(cache.incr(key))
        except ValueError:  # and it already expired
            cache.set(key, 1, timeout=timeout)
            return 1


def spend_ip_budget(ip: str | None, *, now: float | None = None) -> int:
    """Count one submission from ``ip``; return 0, or the seconds to wait if over.

    A sliding window of ``COMMENTS_IP_BUDGET_SECONDS`` allows
    ``COMMENTS_IP_BUDGET`` submissions per network (see
    :func:`ip_budget_network`). It is estimated from two fixed windows aligned
    on the Unix epoch, the current one counted in full and the previous one
    weighted by the share of it still inside the sliding window (the "sliding
    window counter" of Cloudflare's rate limiting, described in "How we built
    rate limiting capable of scaling to millions of domains", 2017). Unlike
    fixed windows, a client that hammered the endpoint does not get a fresh
    budget the moment a new window starts. Refused attempts count too, so a
    client that keeps hammering stays refused.

    Once over, the return value is the whole number of seconds (≥ 1) until a
    submission would be accepted if none were sent meanwhile, for a
    ``Retry-After`` header. ``now`` is a Unix time in seconds (default: the
    clock). A budget of 0 turns the check off.
    """
    conf = comments_settings()
    budget, seconds = conf.IP_BUDGET, max(conf.IP_BUDGET_SECONDS, 1)
    if budget <= 0:
        return 0
    moment = time.time() if now is None else now
    window = int(moment // seconds)
    digest = hashlib.sha256(ip_budget_network(ip).encode()).hexdigest()[:32]
    prefix = f"comments:ip-budget:{digest}:"
    count = _count_in(f"{prefix}{window}", timeout=2 * seconds + 1)
    previous = int(cache.get(f"{prefix}{window - 1}") or 0)
    start = window * seconds
    weight = 1.0 - (moment - start) / seconds  # share of the previous window
    if count + previous * weight <= budget:
        return 0
    if count + 1 <= budget and previous:
        # Later in this window, once enough of the previous one has slid out.
        share = 1.0 - (budget - count - 1) / previous
        wait = start + share * seconds - moment
    else:
        # In the next window, where this window's count is the previous one.
        share = max(0.0, 1.0 - (budget - 1) / count)
        wait = start + seconds + share * seconds - moment
    return max(1, math.ceil(wait))


def ip_budget_message(seconds: int) -> str:
    """Return the translated 429 message for a spent network budget."""
    return _(
        "Too many comments were sent from your network. "
        "Wait %(seconds)d seconds, then try again."
    ) % {"seconds": seconds}


def flood_message(seconds: int) -> str:
    """Return the translated 429 message for a flood slot already taken."""
    return _(
        "You are posting comments too quickly. "
        "Wait %(seconds)d seconds, then try again."
    ) % {"seconds": seconds}
