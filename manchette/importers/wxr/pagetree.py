"""Add imported pages to the Wagtail tree cheaply, a batch at a time.

This is the importer's **only** module that relies on Wagtail and treebeard
internals; ``tests/importers/test_wxr_pagetree.py`` compares its tree with
treebeard's own (``add_child``, ``find_problems``) and its log entries with
Wagtail's, so an upgrade that changes one of these fails there:

- treebeard's materialised path: ``MP_Node._get_path`` and
  ``MP_Node._str2int`` (the numbering ``add_child`` uses), ``steplen``;
- treebeard's parent cache ``_cached_parent_obj``, read by ``get_parent()``
  (``Page.save()`` calls it to set ``url_path`` on a new page), and
  ``Page._is_site_root``, the annotation ``Page.is_site_root()`` reads
  before querying the sites: both only save a query (were they renamed,
  the result would be the same, only slower);
- the ``wagtail.create`` log entry ``Page.save()`` writes for a new page
  (``PageLogEntry`` fields, as ``PageLogEntryManager.log_action`` fills
  them).

What :meth:`PageWriter.add_child` does, compared with treebeard's
``parent.add_child(instance=page)``:

- the parent's last child path is read (and the parent row locked) once per
  parent and batch, not once per page; ``numchild`` is raised once per parent
  in :meth:`PageWriter.flush`;
- the page is saved with ``Page.save(clean=False, log_action=None)``: no
  ``full_clean`` (the importer builds titles, slugs and StreamField values
  itself: lengths cut, slugs made valid and free among siblings), no sibling
  slug query, no parent query; ``pre_save``/``post_save`` and every other
  receiver still run, and so do ``modelcluster`` child relations (tags,
  bylines);
- the ``wagtail.create`` log entries are written in one ``INSERT`` per batch.
"""

from __future__ import annotations

import collections
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from treebeard.exceptions import PathOverflow
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry

__all__ = ["PageWriter", "child_path"]


def child_path(parent: Page, last_child_path: str | None) -> str:
    """Return the treebeard path of a new last child of ``parent``.

    ``last_child_path`` is the path of ``parent``'s current last child, or
    ``None`` when it has none. Same result as treebeard's ``add_child``
    (``MP_AddChildHandler.process``).

    Raises:
        treebeard.exceptions.PathOverflow: the parent has no free step left.

    """
    step = 1
    if last_child_path is not None:
        step = Page._str2int(last_child_path[-Page.steplen :]) + 1
    # What MP_Node._inc_path() computes for the last child, without a Page.
    path: str = Page._get_path(parent.path, parent.depth + 1, step)
    if len(path) != len(parent.path) + Page.steplen:
        msg = f"Path Overflow from: {last_child_path!r}"
        raise PathOverflow(msg)
    return path


class PageWriter:
    """Insert new pages as last children of existing pages, batch by batch.

    Use :meth:`add_child` for every page created during a batch and
    :meth:`flush` at its end, inside the batch's transaction: ``numchild`` of
    the parents and the log entries are written there, and the remembered
    child paths are forgotten (the next batch reads them again, after any
    change made by someone else in between).
    """

    def __init__(self) -> None:
        self._last_paths: dict[int, str | None] = {}
        self._added: collections.Counter[int] = collections.Counter()
        self._parents: dict[int, Page] = {}
        self._logs: list[PageLogEntry] = []

    def add_child(self, parent: Page, page: Page) -> None:
        """Save the new ``page`` as the last child of ``parent``.

        ``page`` must be unsaved, with its ``title``, ``slug`` (valid and free
        among the parent's children) and content set. Sets ``depth``,
        ``path``, ``numchild``, ``url_path``, ``draft_title`` and the locale
        (the parent's) and writes the page with ``Page.save(clean=False)``.

        Raises:
            ValueError: ``page`` is already saved.

        """
        if page.pk is not None:
            msg = "PageWriter.add_child() takes a new page"
            raise ValueError(msg)
        if parent.pk not in self._last_paths:
            # Lock the parent as treebeard does, then read its last child.
            Page.objects.select_for_update().filter(pk=parent.pk).values_list(
                "pk"
            ).get()
            self._last_paths[parent.pk] = (
                Page.objects.filter(
                    path__startswith=parent.path, depth=parent.depth + 1
                )
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
        page.depth = parent.depth + 1
        page.path = child_path(parent, self._last_paths[parent.pk])
        page.numchild = 0
        page.draft_title = page.title
        if page.locale_id is None:
            # The object, not only its id: read once per parent, then cached.
            page.locale = parent.locale
        # Page.save() sets url_path from get_parent(), which reads this cache.
        page._cached_parent_obj = parent
        # A new page has a new translation key: it is no site's root.
        page._is_site_root = False
        # log_action=None: no log entry here, one INSERT per batch in flush().
        page.save(clean=False, log_action=None)
        self._last_paths[parent.pk] = page.path
        self._added[parent.pk] += 1
        self._parents[parent.pk] = parent
        self._logs.append(self._create_log(page))

    @staticmethod
    def _create_log(page: Page) -> PageLogEntry:
        # What Page.save() logs for a new page through wagtail.log_actions.log.
        context = get_active_log_context()
        content_type: Any = ContentType.objects.get_for_model(
            page, for_concrete_model=False
        )
        return PageLogEntry(
            content_type=content_type,
            label=page.get_admin_display_title(),
            action="wagtail.create",
            timestamp=timezone.now(),
            data={},
            user=context.user or page.owner,
            uuid=context.uuid,
            content_changed=True,
            page=page,
        )

    def flush(self) -> None:
        """Write the parents' ``numchild`` and the log entries; forget the paths."""
        for pk, added in self._added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + added)
            parent = self._parents[pk]
            parent.numchild = (parent.numchild or 0) + added
        PageLogEntry.objects.bulk_create(self._logs)
        self._last_paths.clear()
        self._added.clear()
        self._parents.clear()
        self._logs = []
