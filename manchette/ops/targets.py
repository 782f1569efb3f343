"""What the comment endpoints need to know about a page, without loading it.

Fetching a form token or refusing a replayed one only needs a page's
identity (its specific model and primary key, for the signed target key) and
whether it takes comments (``live``, ``comments_enabled``). Loading the
specific page for that costs two queries and most of the request (about
5 of 6 ms of CPU per form token on the production profile, see
docs/performance.md). :func:`page_stand_in` keeps those facts in this
process, keyed on the site version token
(:func:`manchette.ops.caching.site_version`), which is replaced whenever any
page is saved, published, unpublished, moved or deleted: a hit costs one
small cache read and no query, and a page closed to comments or unpublished
is seen on the next request.

The answer is an unsaved instance of the page's specific model carrying only
``pk``, ``live`` and ``comments_enabled``: enough for
:func:`manchette.comments.forms.target_key`,
:func:`manchette.comments.services.check_target_open` and
:func:`manchette.comments.services.duplicate_fingerprint`, never to be saved
or rendered. Code that stores a comment loads the real page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from manchette.ops.caching import site_version

if TYPE_CHECKING:
    from django.db.models import Model

#: Pages remembered per process (least recently used dropped first). Unknown
#: ids are remembered too, so probing ids costs one query per id and version.
MAX_ENTRIES = 4096

_MISSING = object()


class _Facts:
    """A small LRU of ``(site version, page id) -> stand-in or None``."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, int], Model | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> Any:
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is not _MISSING:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, int], value: Model | None) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


_facts = _Facts()


def _load(page_id: int) -> Model | None:
    row = Page.objects.filter(pk=page_id).values_list("content_type_id", "live").first()
    if row is None:
        return None
    content_type_id, live = row
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not hasattr(model, "comments_enabled"):
        return None
    enabled = (
        model._default_manager.filter(pk=page_id)
        .values_list("comments_enabled", flat=True)
        .first()
    )
    if enabled is None:
        return None
    stand_in: Model = model(pk=page_id, live=bool(live), comments_enabled=enabled)
    return stand_in


def page_stand_in(page_id: int) -> Any:
    """Return a stand-in for page ``page_id`` if it can take comments, else ``None``.

    The stand-in is an unsaved instance of the page's specific model with
    ``pk``, ``live`` and ``comments_enabled`` set (typed ``Any``, as that model
    is only known at run time). ``None`` means no such page, or a page model
    without ``comments_enabled`` (not commentable). A stand-in of an
    unpublished page or one with comments closed is returned as such, so the
    caller answers as for the real page. Costs one cache read on a hit and two
    small queries on a miss (see the module docstring).
    """
    key = (site_version(), int(page_id))
    found = _facts.get(key)
    if found is not _MISSING:
        return found
    stand_in = _load(int(page_id))
    _facts.put(key, stand_in)
    return stand_in
