"""Defer Wagtail's search and reference indexing to the end of an import.

Every ``save()`` of a page, image or snippet queues two tasks through
``django_tasks``: ``modelsearch.tasks.insert_or_update_object_task`` and
``wagtail.tasks.update_reference_index_task``. With the immediate backend (dev
and test settings) they run inline, once per save, and an imported article is
saved several times. :func:`deferred_indexing` swaps the task backend of the
current thread for one that collects those two tasks (other tasks go to the
real backend untouched) and, on exit, indexes each collected object once: the
search index in bulk per model (``backend.add_bulk``, as
``rebuild_modelsearch_index`` does), the reference index object by object
(``ReferenceIndex.create_or_update_for_object``, as the task does). It also
runs when the import fails, because committed batches stay committed.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.tasks import task_backends as django_task_backends
from django_tasks import task_backends as backport_task_backends
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations
from modelsearch.backends import get_search_backends_with_name
from modelsearch.index import class_is_indexed
from wagtail.models import ReferenceIndex

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import Model

logger = logging.getLogger(__name__)

__all__ = ["IndexQueue", "child_relation_names", "deferred_indexing"]

SEARCH_TASK = "modelsearch.tasks.insert_or_update_object_task"
REFERENCE_TASK = "wagtail.tasks.update_reference_index_task"
#: Objects fetched and indexed per query.
CHUNK_SIZE = 500


class IndexQueue:
    """Objects whose search or reference index entries are due.

    ``search`` and ``references`` map ``(app_label, model_name)`` to primary
    keys (strings, as the tasks receive them), in first-seen order.
    """

    def __init__(self) -> None:
        self.search: dict[tuple[str, str], dict[str, None]] = {}
        self.references: dict[tuple[str, str], dict[str, None]] = {}

    def add(self, name: str, args: tuple[Any, ...]) -> bool:
        """Collect an index task's arguments; return ``False`` for other tasks."""
        if name == SEARCH_TASK:
            target = self.search
        elif name == REFERENCE_TASK:
            target = self.references
        else:
            return False
        app_label, model_name, pk = args
        target.setdefault((app_label, model_name), {})[str(pk)] = None
        return True

    def __len__(self) -> int:
        return sum(map(len, self.search.values())) + sum(
            map(len, self.references.values())
        )

    def run(self) -> None:
        """Index every collected object once (missing objects are skipped)."""
        for (app_label, model_name), pks in self.search.items():
            _index_search(apps.get_model(app_label, model_name), list(pks))
        done: set[tuple[type[Model], Any]] = set()
        for (app_label, model_name), pks in self.references.items():
            _index_references(apps.get_model(app_label, model_name), list(pks), done)
        self.search.clear()
        self.references.clear()


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK_SIZE):
        yield values[start : start + CHUNK_SIZE]


def _index_search(model: type[Model], pks: list[str]) -> None:
    if not class_is_indexed(model):
        return
    indexed: Any = model
    backends = list(get_search_backends_with_name(with_auto_update=True))
    for chunk in _chunks(pks):
        objects = list(indexed.get_indexed_objects().filter(pk__in=chunk))
        if not objects:
            continue
        for name, backend in backends:
            try:
                backend.add_bulk(model, objects)
            except Exception:
                logger.exception("Bulk indexing into search backend %r failed", name)
                if not backend.catch_indexing_errors:
                    raise


def child_relation_names(model: type[Model]) -> list[str]:
    """Return the accessor names of a ``modelcluster`` model's child relations.

    ``[]`` for other models. Wagtail reads every child relation of a page
    when it serialises a revision or indexes references; prefetching these
    names reads them with one query per relation for many objects.
    """
    if not issubclass(model, ClusterableModel):
        return []
    return [relation.get_accessor_name() for relation in get_all_child_relations(model)]


def _owner_model(model: type[Model]) -> tuple[type[Model], str] | None:
    """Return the parent model and key attribute of a ParentalKey child model."""
    for field in model._meta.get_fields():
        if isinstance(field, ParentalKey):
            related: type[Model] = field.related_model
            return related, field.attname
    return None


def _index_references(
    model: type[Model], pks: list[str], done: set[tuple[type[Model], Any]]
) -> None:
    """Index the references of each object once, as ``update_reference_index_task``.

    A child row (``ParentalKey``) is indexed through its parent, like the task
    does; parents are read in bulk, one query per chunk.
    """
    manager: Any = model._default_manager
    owner = _owner_model(model)
    if owner is not None:
        parent_model, attname = owner
        for chunk in _chunks(pks):
            parents = {
                str(pk)
                for pk in manager.filter(pk__in=chunk).values_list(attname, flat=True)
                if pk is not None
            }
            _index_references(parent_model, sorted(parents), done)
        return
    if not ReferenceIndex.is_indexed(model):
        return
    for chunk in _chunks([pk for pk in pks if (model, pk) not in done]):
        # One transaction per chunk (the method wants one; a commit per object
        # costs a disk sync each), child rows read with one query per relation.
        with transaction.atomic():
            for instance in manager.filter(pk__in=chunk).prefetch_related(
                *child_relation_names(model)
            ):
                done.add((model, str(instance.pk)))
                ReferenceIndex.create_or_update_for_object(instance)


class _CollectingBackend:
    """Task backend proxy: collect index tasks, pass everything else on."""

    def __init__(self, real: Any, queue: IndexQueue) -> None:
        self._real = real
        self._queue = queue

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        if not kwargs and self._queue.add(task.module_path, tuple(args)):
            return None
        return self._real.enqueue(task, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextlib.contextmanager
def deferred_indexing() -> Iterator[IndexQueue]:
    """Collect search and reference index tasks; run them once on exit.

    Both task registries are wrapped: Wagtail declares its tasks with the
    ``django_tasks`` backport, but with a ``django.tasks`` backend in
    ``TASKS`` (as in our settings) the task objects are Django's own and are
    enqueued through ``django.tasks.task_backends``. Affects the current
    thread only (each registry keeps one backend instance per thread). Yield
    the :class:`IndexQueue`.
    """
    queue = IndexQueue()
    swapped: list[tuple[Any, Any]] = []
    for handlers in (django_task_backends, backport_task_backends):
        if any(h is handlers for h, _ in swapped):
            continue
        real = handlers[DEFAULT_TASK_BACKEND_ALIAS]
        proxy: Any = _CollectingBackend(real, queue)  # duck-typed task backend
        handlers[DEFAULT_TASK_BACKEND_ALIAS] = proxy
        swapped.append((handlers, real))
    try:
        yield queue
    except BaseException:
        _restore(swapped)
        # Index what earlier batches committed, without hiding the error.
        try:
            queue.run()
        except Exception:
            logger.exception("Deferred indexing failed after an import error")
        raise
    _restore(swapped)
    queue.run()


def _restore(swapped: list[tuple[Any, Any]]) -> None:
    for handlers, real in swapped:
        handlers[DEFAULT_TASK_BACKEND_ALIAS] = real
