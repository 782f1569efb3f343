"""Flood limits shared by the HTML form and the JSON API.

Two independent limits, both kept in the default cache (atomic ``add`` and
``incr``, so they hold across processes with a shared cache such as Redis):

- :func:`claim_flood_slots`: one comment per ``COMMENTS_FLOOD_SECONDS`` per
  session + IP and per email (or account);
- :func:`spend_ip_budget`: at most ``COMMENTS_IP_BUDGET`` comments per
  ``COMMENTS_IP_BUDGET_SECONDS`` per client IP address (IPv6: per /64), a budget
  rather than a slot because many readers can share one address (mobile NAT).

Neither touches the database, so a refused post costs two cache round trips.
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


def spend_ip_budget(ip: str | None, *, now: float | None = None) -> int:
    """Count one submission from ``ip``; return 0, or the seconds to wait if over.

    Fixed windows of ``COMMENTS_IP_BUDGET_SECONDS`` (aligned on the Unix epoch)
    allow ``COMMENTS_IP_BUDGET`` submissions per network (see
    :func:`ip_budget_network`); once the budget is spent, the return value is
    the number of whole seconds (≥ 1) until the window ends, for a
    ``Retry-After`` header. ``now`` is a Unix time in seconds (default: the
    clock). A budget of 0 turns the check off. Refused attempts count too, so
    a client hammering the endpoint stays refused until the window ends.
    """
    conf = comments_settings()
    budget, seconds = conf.IP_BUDGET, max(conf.IP_BUDGET_SECONDS, 1)
    if budget <= 0:
        return 0
    moment = time.time() if now is None else now
    window = int(moment // seconds)
    digest = hashlib.sha256(ip_budget_network(ip).encode()).hexdigest()[:32]
    key = f"comments:ip-budget:{digest}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count <= budget:
        return 0
    return max(1, math.ceil((window + 1) * seconds - moment))


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
