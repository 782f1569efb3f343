"""Flood limit shared by the HTML form and the JSON API (``COMMENTS_FLOOD_SECONDS``)."""

from django.core.cache import cache

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
