"""Moderation verdicts of imported comments, computed in a worker process.

The moderation engine (rules, language identification, classifier) is pure
Python with no database access, and an import is single-threaded: while the
importer writes a batch's pages, a worker process on the second core runs
the engine on the batch's comments. The importer then hands the verdicts to
``moderation.services.moderate_comments(verdicts=...)``, which uses a verdict
only for the exact ``Submission`` it would have built (same body, page
language and author history) and runs the engine itself for the others.

The worker builds its engine the way the moderation app does
(``build_engine`` with the classifier of the configured artifact) with the
importing process's own ``Policy``; each answer carries the worker engine's
:func:`engine_fingerprint`, and answers from an engine that differs from the
importer's are ignored. Any worker failure ends the worker and the import
goes on with the engine in-process.

This module must stay importable without Django: the worker is a fresh
interpreter (``spawn``) that imports only the framework-free engine.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import logging
import multiprocessing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from manchette.moderation.engine.engine import Engine
    from manchette.moderation.engine.policy import Policy
    from manchette.moderation.engine.types import Submission, Verdict

logger = logging.getLogger(__name__)

__all__ = ["VerdictWorker", "engine_fingerprint", "plain_fields"]

#: Submissions per ``Engine.moderate_batch`` call in the worker.
WORKER_CHUNK = 250
#: The worker process's engine (set by :func:`_start`).
_engine: Engine | None = None


type _Job = tuple[
    concurrent.futures.Future[tuple[tuple[Any, ...], list[dict[str, Any]]]],
    list[Submission],
]


def engine_fingerprint(engine: Engine) -> tuple[Any, ...]:
    """Return what must match for two engines to give the same verdicts.

    ``(model_version, rule names, has a classifier, policy fields)``; the
    engine code itself is the same in both processes (same installation).
    Plain, picklable values.
    """
    return (
        engine.model_version,
        tuple(rule.name for rule in engine.rules),
        engine.classifier is not None,
        plain_fields(engine.policy),
    )


def plain_fields(value: Policy | Verdict) -> dict[str, Any]:
    """Return an engine dataclass's fields as picklable values.

    ``Policy`` and ``Verdict`` hold read-only mapping proxies, which do not
    pickle; ``type(value)(**plain_fields(value)) == value``.
    """
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        fields[field.name] = dict(item) if isinstance(item, Mapping) else item
    return fields


def _start(artifact_dir: str | None, fields: dict[str, Any]) -> None:
    """Build the worker's engine (runs once in the worker process)."""
    global _engine
    from manchette.moderation.engine import build_engine
    from manchette.moderation.engine.policy import Policy

    policy = Policy(**fields)
    if artifact_dir is None:
        _engine = build_engine(policy=policy)
        return
    from manchette.moderation.engine.artifacts import load_artifact

    loaded = load_artifact(artifact_dir)
    _engine = build_engine(
        classifier=loaded.classifier,
        model_version=loaded.meta.model_version,
        policy=policy,
    )


def _moderate(
    submissions: Sequence[Submission],
) -> tuple[tuple[Any, ...], list[dict[str, Any]]]:
    """Return the worker engine's fingerprint and its verdicts (worker side).

    Verdicts travel as :func:`plain_fields` dicts.
    """
    if _engine is None:  # pragma: no cover - _start always ran first
        msg = "worker engine not started"
        raise RuntimeError(msg)
    verdicts: list[dict[str, Any]] = []
    # Smaller classifier calls keep the worker's peak memory down; verdicts
    # do not depend on how submissions are grouped.
    for start in range(0, len(submissions), WORKER_CHUNK):
        chunk = submissions[start : start + WORKER_CHUNK]
        verdicts.extend(plain_fields(v) for v in _engine.moderate_batch(chunk))
    return engine_fingerprint(_engine), verdicts


class VerdictWorker:
    """One worker process computing verdicts, batch after batch, in order.

    ``engine`` is the importing process's engine: the worker builds the same
    from ``artifact_dir`` (``None`` for rules only) and ``engine.policy``.
    Call :meth:`submit` once per batch and :meth:`results` once per batch, in
    the same order; :meth:`close` at the end.
    """

    def __init__(self, engine: Engine, artifact_dir: str | None) -> None:
        self._fingerprint = engine_fingerprint(engine)
        self._jobs: collections.deque[_Job | None] = collections.deque()
        self._executor: concurrent.futures.ProcessPoolExecutor | None = (
            concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(artifact_dir, plain_fields(engine.policy)),
            )
        )
        #: Verdicts received and used; answers refused (engine mismatch).
        self.received = 0
        self.refused = 0

    @property
    def alive(self) -> bool:
        """Whether the worker still takes work (it stops on its first failure)."""
        return self._executor is not None

    def submit(self, submissions: list[Submission]) -> None:
        """Queue one batch's submissions (an empty batch is fine)."""
        if self._executor is None or not submissions:
            self._jobs.append(None)
            return
        try:
            future = self._executor.submit(_moderate, submissions)
        except Exception:
            logger.exception("Moderation worker did not start; moderating in-process")
            self.close()
            self._jobs.append(None)
            return
        self._jobs.append((future, submissions))

    def results(self) -> dict[Submission, Verdict]:
        """Wait for the oldest submitted batch; return its verdicts by submission.

        ``{}`` when that batch was empty, or the worker failed or runs a
        different engine (the caller then moderates in-process).
        """
        job = self._jobs.popleft() if self._jobs else None
        if job is None:
            return {}
        future, submissions = job
        try:
            fingerprint, verdicts = future.result()
            if len(verdicts) != len(submissions):
                msg = f"{len(verdicts)} verdicts for {len(submissions)} submissions"
                raise ValueError(msg)
        except Exception:
            logger.exception("Moderation worker failed; moderating in-process")
            self.close()
            return {}
        if fingerprint != self._fingerprint:
            logger.warning(
                "Moderation worker runs another engine (%r, not %r); "
                "moderating in-process",
                fingerprint[:3],
                self._fingerprint[:3],
            )
            self.refused += len(verdicts)
            self.close()
            return {}
        from manchette.moderation.engine.types import Verdict as EngineVerdict

        self.received += len(verdicts)
        return {
            submission: EngineVerdict(**fields)
            for submission, fields in zip(submissions, verdicts, strict=True)
        }

    def close(self) -> None:
        """Stop the worker: queued batches are dropped, a running one finishes."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
