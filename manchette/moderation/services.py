"""Moderation write operations: decisions, bans, page modes, appeals, notices.

Every service is keyword-only (except :func:`moderate_comment`, which takes the
comment it moderates), runs inside ``transaction.atomic()`` and raises
:class:`ModerationError` subclasses rather than HTTP errors. A comment's status
is only ever changed here through ``comment_set_status`` (or its documented
bulk equivalent, :func:`_apply_statuses`, for :func:`moderate_comments`), right
after a new :class:`~manchette.moderation.models.ModerationDecision` row is
stored, so the status always equals the latest decision's.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from manchette.comments.abstracts import CommentStatus
from manchette.comments.services import comment_set_status
from manchette.comments.signals import comment_status_changed
from manchette.moderation.adapters import (
    author_hash,
    comment_to_submission,
    email_domain,
    email_hash,
    ip_hash,
    page_language,
)
from manchette.moderation.conf import moderation_settings
from manchette.moderation.engine.types import AuthorHistory, Submission
from manchette.moderation.models import (
    ACTION_STATUS,
    Appeal,
    AppealStatus,
    Ban,
    BanKind,
    DecisionAction,
    DecisionOrigin,
    ModerationDecision,
    ModerationMode,
    TargetMode,
)
from manchette.moderation.reasons import (  # the codes live with their labels
    SOURCE_BAN,
    SOURCE_ENGINE_FAILURE,
    SOURCE_MODEL_UNAVAILABLE,
    SOURCE_PAGE_MODE,
    SOURCE_SUBMISSION_CHECKS,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from datetime import datetime

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import Model, QuerySet

    from manchette.comments.abstracts import AbstractComment
    from manchette.moderation.engine.artifacts import ArtifactMeta
    from manchette.moderation.engine.engine import Engine
    from manchette.moderation.engine.policy import Policy
    from manchette.moderation.engine.types import Verdict

logger = logging.getLogger(__name__)

#: Actions of the site's audit log (Wagtail's history) for bans, registered
#: with their labels in ``wagtail_hooks``.
BAN_CREATE_ACTION = "moderation.ban.create"
BAN_LIFT_ACTION = "moderation.ban.lift"

#: Decisions after which the author receives a statement of reasons. Spam is
#: left out: Article 17(2) DSA exempts deceptive high-volume commercial content.
NOTIFIED_ACTIONS = frozenset({DecisionAction.REJECT, DecisionAction.REMOVE})


class ModerationError(Exception):
    """Base class of the moderation services' domain errors."""


class ProtectedDomainError(ModerationError):
    """A ban on a mail domain that many unrelated people share was refused."""


class InvalidDecisionError(ModerationError):
    """An unknown action, or a ban without anything to ban."""


class AppealClosedError(ModerationError):
    """The appeal window has passed or the comment already has an open appeal."""


# --------------------------------------------------------------------------
# The engine, built lazily once per process.


@dataclasses.dataclass(frozen=True, slots=True)
class EngineState:
    """The process's engine and what it runs with.

    ``error`` is empty when the model artifact loaded; otherwise it says why the
    engine runs on rules alone, and every comment is then held (a model failure
    means hold, never publish).
    """

    engine: Engine
    meta: ArtifactMeta | None
    error: str = ""
    missing: bool = False

    @property
    def degraded(self) -> bool:
        """Return whether the classifier is missing (rules only, hold everything)."""
        return bool(self.error)

    @property
    def model_version(self) -> str:
        """Return ``"<name>-<version>"`` of the loaded artifact, or ``""``."""
        return self.meta.model_version if self.meta is not None else ""


_engine_lock = threading.Lock()
_engine_state: EngineState | None = None


def _build_engine_state() -> EngineState:
    from manchette.moderation.engine import build_engine
    from manchette.moderation.engine.artifacts import load_artifact
    from manchette.moderation.engine.errors import (
        ArtifactNotFound,
        IncompatibleArtifact,
    )

    conf = moderation_settings()
    policy = _policy_from_settings(conf.THRESHOLDS)
    try:
        loaded = load_artifact(conf.ARTIFACT_DIR)
    except (ArtifactNotFound, IncompatibleArtifact) as exc:
        logger.error(
            "Moderation model unavailable (%s); every comment will be held.", exc
        )
        return EngineState(
            engine=build_engine(policy=policy),
            meta=None,
            error=str(exc) or type(exc).__name__,
            missing=isinstance(exc, ArtifactNotFound),
        )
    engine = build_engine(
        classifier=loaded.classifier,
        model_version=loaded.meta.model_version,
        policy=policy,
    )
    return EngineState(engine=engine, meta=loaded.meta)


def _policy_from_settings(thresholds: dict[str, Any]) -> Policy | None:
    """Return an engine policy with ``MODERATION_THRESHOLDS`` applied, or ``None``.

    ``thresholds`` may hold ``hold`` and ``reject`` (mappings from category
    value to score, merged over the engine's defaults), ``always_hold`` (a list
    of category values) and any other ``Policy`` field (``links_hold``,
    ``toxicity_hold``, ...). ``None`` lets the engine use its default policy.

    Raises:
        ValueError: an unknown category or inconsistent thresholds.

    """
    if not thresholds:
        return None
    from manchette.moderation.engine.policy import (
        DEFAULT_HOLD,
        DEFAULT_REJECT,
    )
    from manchette.moderation.engine.policy import Policy as EnginePolicy
    from manchette.moderation.engine.types import Category

    values = dict(thresholds)
    for name, defaults in (("hold", DEFAULT_HOLD), ("reject", DEFAULT_REJECT)):
        if name in values:
            merged = dict(defaults)
            merged.update({Category(k): float(v) for k, v in values[name].items()})
            values[name] = merged
    if "always_hold" in values:
        values["always_hold"] = frozenset(Category(c) for c in values["always_hold"])
    return EnginePolicy(**values)


def engine_state() -> EngineState:
    """Return the process's engine, building it on first use (thread-safe)."""
    global _engine_state
    state = _engine_state
    if state is None:
        with _engine_lock:
            if _engine_state is None:
                _engine_state = _build_engine_state()
            state = _engine_state
    return state


def reset_engine() -> None:
    """Forget the loaded engine; the next use reloads the configured artifact."""
    global _engine_state
    with _engine_lock:
        _engine_state = None


# --------------------------------------------------------------------------
# Decisions.


def _reason(
    source: str, detail: str, *, category: str = "", score: float = 1.0
) -> dict[str, Any]:
    return {
        "source": source,
        "category": category or None,
        "score": score,
        "span": None,
        "detail": detail,
    }


def _main_category(reasons: list[dict[str, Any]], scores: dict[str, float]) -> str:
    for reason in reasons:
        if reason.get("category"):
            return str(reason["category"])
    if scores:
        category, score = max(scores.items(), key=lambda item: item[1])
        if score >= 0.5:
            return category
    return ""


def _record(
    *,
    comment: AbstractComment,
    action: str,
    origin: str,
    moderator: AbstractBaseUser | None = None,
    reasons: list[dict[str, Any]] | None = None,
    scores: dict[str, float] | None = None,
    toxicity: float | None = None,
    category: str = "",
    language: str = "",
    engine_version: str = "",
    model_version: str = "",
    note: str = "",
) -> ModerationDecision:
    """Store a decision row, then move the comment to the matching status."""
    if action not in ACTION_STATUS:
        msg = f"unknown moderation action {action!r}"
        raise InvalidDecisionError(msg)
    reasons = list(reasons or [])
    scores = dict(scores or {})
    with transaction.atomic():
        decision = ModerationDecision(
            comment_id=comment.pk,
            action=action,
            origin=origin,
            decided_by_id=moderator.pk if moderator is not None else None,
            decided_by_name=moderator.get_username() if moderator is not None else "",
            reasons=reasons,
            scores=scores,
            toxicity=toxicity,
            category=category or _main_category(reasons, scores),
            language=language,
            engine_version=engine_version,
            model_version=model_version,
            author_hash=author_hash(comment),
            note=note,
        )
        decision.save()
        summary = note or "; ".join(
            str(r.get("detail") or r.get("source")) for r in reasons[:3]
        )
        comment_set_status(
            comment=comment,
            status=ACTION_STATUS[action],
            actor=moderator,
            reason=f"{origin}: {summary}"[:500],
        )
        if action in NOTIFIED_ACTIONS and moderation_settings().NOTIFY_AUTHORS:
            _schedule_statement(decision)
    return decision


def _schedule_statement(decision: ModerationDecision) -> None:
    from manchette.moderation.tasks import send_statement_task

    decision_id = decision.pk
    transaction.on_commit(lambda: send_statement_task.enqueue(decision_id))


def target_mode(*, content_type_id: int, object_pk: str) -> str:
    """Return the moderation mode of a page (``TargetMode`` value)."""
    mode = (
        ModerationMode.objects.filter(
            content_type_id=content_type_id, object_pk=object_pk
        )
        .values_list("mode", flat=True)
        .first()
    )
    return mode or TargetMode.NORMAL


def find_ban(comment: AbstractComment) -> Ban | None:
    """Return an active ban matching the comment's email, domain or IP, if any."""
    keys = Q()
    email = comment.author_email or str(getattr(comment.user, "email", "") or "")
    if email:
        keys |= Q(kind=BanKind.EMAIL, key=email_hash(email))
        keys |= Q(kind=BanKind.DOMAIN, key=email_domain(email))
    if comment.ip_address:
        keys |= Q(kind=BanKind.IP, key=ip_hash(comment.ip_address))
    if not keys:
        return None
    return Ban.objects.active().filter(keys).first()


def _verdict_action(verdict: Verdict) -> str:
    action = str(verdict.action.value)
    if action == DecisionAction.REJECT and verdict.reasons:
        top = verdict.reasons[0].category.value
        if top == "spam":
            return DecisionAction.SPAM
    return action


def _decide(
    comment: AbstractComment,
    state: EngineState,
    verdict: Verdict | None,
    *,
    failure: BaseException | None,
    mode: str,
    ban: Ban | None,
) -> dict[str, Any]:
    """Return the ``_record`` arguments of an engine decision on ``comment``.

    ``verdict`` is the engine's verdict, or ``None`` when the engine raised
    ``failure``. ``mode`` is the page's ``TargetMode`` and ``ban`` the active
    ban matching the author, if any. Shared by :func:`moderate_comment` and
    :func:`moderate_comments` so both take exactly the same decisions.
    """
    reasons: list[dict[str, Any]] = []
    scores: dict[str, float] = {}
    toxicity: float | None = None
    language = ""
    engine_version = ""
    if verdict is None:
        action: str = DecisionAction.HOLD
        reasons.append(
            _reason(SOURCE_ENGINE_FAILURE, f"engine failure: {type(failure).__name__}")
        )
    else:
        action = _verdict_action(verdict)
        reasons = [reason.to_dict() for reason in verdict.reasons]
        scores = {c.value: float(s) for c, s in verdict.scores.items()}
        toxicity = float(verdict.toxicity)
        language = verdict.language
        engine_version = verdict.engine_version
    if state.degraded and action == DecisionAction.APPROVE:
        action = DecisionAction.HOLD
        reasons.append(
            _reason(SOURCE_MODEL_UNAVAILABLE, "model unavailable: rules only, held")
        )
    if comment.hold_reasons:
        if action == DecisionAction.APPROVE:
            action = DecisionAction.HOLD
        reasons.append(
            _reason(
                SOURCE_SUBMISSION_CHECKS,
                "held by submission checks: " + ", ".join(comment.hold_reasons),
            )
        )
    if mode == TargetMode.CLOSED:
        action = DecisionAction.REJECT
        reasons.append(_reason(SOURCE_PAGE_MODE, "comments are closed on this page"))
    elif mode == TargetMode.PREMODERATE:
        if action == DecisionAction.APPROVE:
            action = DecisionAction.HOLD
        reasons.append(_reason(SOURCE_PAGE_MODE, "page is pre-moderated"))
    if ban is not None and action != DecisionAction.SPAM:
        action = DecisionAction.REJECT
        reasons.append(_reason(SOURCE_BAN, f"author banned ({ban.kind})"))
    return {
        "action": action,
        "reasons": reasons,
        "scores": scores,
        "toxicity": toxicity,
        "language": language,
        "engine_version": engine_version,
        "model_version": state.model_version,
    }


def moderate_comment(comment: AbstractComment) -> ModerationDecision:
    """Run the engine on a comment, store its decision and set the status.

    The comment is approved only when the engine approves it **and** the model
    is loaded **and** its page is not pre-moderated **and** no ban matches
    **and** the comments app recorded no hold reason. A closed page or a ban
    rejects it. An exception inside the engine is caught: the decision is then
    a hold with an ``engine_failure`` reason.

    Return the stored decision (origin ``engine``).
    """
    state = engine_state()
    verdict: Verdict | None = None
    failure: BaseException | None = None
    try:
        verdict = state.engine.moderate(comment_to_submission(comment))
    except Exception as exc:
        logger.exception("Moderation engine failed on comment %s", comment.pk)
        failure = exc
    mode = target_mode(
        content_type_id=comment.content_type_id, object_pk=comment.object_pk
    )
    decided = _decide(
        comment, state, verdict, failure=failure, mode=mode, ban=find_ban(comment)
    )
    return _record(comment=comment, origin=DecisionOrigin.ENGINE, **decided)


def moderate_comments(
    comments: Iterable[AbstractComment],
    *,
    verdicts: Mapping[Submission, Verdict] | None = None,
) -> list[ModerationDecision]:
    """Moderate many stored comments at once; return their decisions in order.

    Each comment gets exactly the decision row :func:`moderate_comment` would
    give it when the comments are moderated one after the other, in the given
    order, and ends in the same status; this is the bulk path for imports and
    rescoring. The classifier runs once per round (``Engine.moderate_batch``)
    and the page modes, bans, author histories and decision rows are read or
    written with a few queries per round instead of several per comment.

    Comments by the same author (same :func:`author_hash`) go into successive
    rounds, in order, because a decision changes the history the engine sees
    for the author's next comment; comments without an author key all go in
    the first round. A whole-batch engine exception falls back to one engine
    call per comment, and a comment whose own call fails is held with an
    ``engine_failure`` reason, like :func:`moderate_comment`.

    Statuses change in bulk with the same effect as
    ``comments.services.comment_set_status`` (rows locked, then one ``UPDATE``
    per status, then ``comment_status_changed`` sent for each changed comment,
    see :func:`_apply_statuses`).

    ``verdicts`` optionally holds verdicts already computed, by this
    process's engine or an identical one (same rules, policy and classifier;
    for instance in a worker process), keyed by the exact ``Submission``
    this function builds (body, page language, author history): a comment
    whose submission is found there is not run through the engine again.
    The caller vouches for the engine; nothing else changes.

    ``comments`` must be saved instances of one comment model. Everything
    runs in one transaction: a database error rolls the whole call back.
    """
    items = list(comments)
    if not items:
        return []
    state = engine_state()
    keys = [author_hash(comment) for comment in items]
    rounds: list[list[int]] = []
    occurrences: collections.Counter[str] = collections.Counter()
    for position, key in enumerate(keys):
        level = occurrences[key] if key else 0
        if key:
            occurrences[key] += 1
        if level == len(rounds):
            rounds.append([])
        rounds[level].append(position)
    decisions: dict[int, ModerationDecision] = {}
    languages: dict[tuple[int, str], str | None] = {}
    with transaction.atomic():
        modes = _target_modes(items)
        for positions in rounds:
            batch = [items[p] for p in positions]
            stored = _moderate_round(
                batch,
                [keys[p] for p in positions],
                state,
                modes,
                languages,
                {} if verdicts is None else verdicts,
            )
            decisions.update(zip(positions, stored, strict=True))
    return [decisions[position] for position in range(len(items))]


def _target_modes(items: list[AbstractComment]) -> dict[tuple[int, str], str]:
    targets = {(c.content_type_id, c.object_pk) for c in items}
    rows = ModerationMode.objects.filter(
        content_type_id__in={t[0] for t in targets},
        object_pk__in={t[1] for t in targets},
    ).values_list("content_type_id", "object_pk", "mode")
    found: dict[tuple[int, str], str] = {}
    for content_type_id, object_pk, mode in rows:
        found.setdefault((content_type_id, object_pk), mode)
    return {t: found.get(t) or TargetMode.NORMAL for t in targets}


def _author_histories(
    batch: list[AbstractComment], keys: list[str]
) -> list[AuthorHistory]:
    """Return :func:`~manchette.moderation.adapters.author_history` for each comment.

    Two queries for the whole batch; the comment itself is left out of its own
    history, as in the single-comment adapter.
    """
    wanted = {key for key in keys if key}
    if not wanted:
        return [AuthorHistory() for _ in batch]
    model = type(batch[0])
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    rows = (
        model.objects.filter(moderation_decisions__author_hash__in=wanted)  # type: ignore[misc]
        .values_list("moderation_decisions__author_hash", "status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("moderation_decisions__author_hash", "status", "n")
    )
    for key, status, number in rows:
        counts[key][status] += int(number)
    own = {
        (comment_id, key): status
        for comment_id, key, status in ModerationDecision.objects.filter(
            comment_id__in=[c.pk for c in batch], author_hash__in=wanted
        )
        .values_list("comment_id", "author_hash", "comment__status")
        .distinct()
    }
    histories: list[AuthorHistory] = []
    for comment, key in zip(batch, keys, strict=True):
        if not key:
            histories.append(AuthorHistory())
            continue
        mine = collections.Counter(counts[key])
        if (comment.pk, key) in own:
            mine[own[comment.pk, key]] -= 1
        histories.append(
            AuthorHistory(
                approved=mine["approved"],
                rejected=sum(mine[s] for s in ("rejected", "spam", "removed")),
                held=mine["pending"],
            )
        )
    return histories


def _matching_bans(batch: list[AbstractComment]) -> list[Ban | None]:
    """Return :func:`find_ban` for each comment, with one query for the batch."""
    wanted: list[set[tuple[str, str]]] = []
    for comment in batch:
        keys: set[tuple[str, str]] = set()
        email = comment.author_email or str(getattr(comment.user, "email", "") or "")
        if email:
            keys.add((BanKind.EMAIL, email_hash(email)))
            keys.add((BanKind.DOMAIN, email_domain(email)))
        if comment.ip_address:
            keys.add((BanKind.IP, ip_hash(comment.ip_address)))
        wanted.append(keys)
    values = {key for keys in wanted for _, key in keys}
    if not values:
        return [None for _ in batch]
    # Same order as find_ban()'s .first(): the model's default ordering.
    bans = list(Ban.objects.active().filter(key__in=values))
    return [
        next((ban for ban in bans if (ban.kind, ban.key) in keys), None)
        for keys in wanted
    ]


def _moderate_round(
    batch: list[AbstractComment],
    keys: list[str],
    state: EngineState,
    modes: dict[tuple[int, str], str],
    languages: dict[tuple[int, str], str | None],
    known: Mapping[Submission, Verdict],
) -> list[ModerationDecision]:
    """Decide, store and apply one round of :func:`moderate_comments`."""
    verdicts: list[Verdict | None] = [None] * len(batch)
    failures: list[BaseException | None] = [None] * len(batch)
    submissions: list[Submission | None] = [None] * len(batch)
    try:
        histories = _author_histories(batch, keys)
        for position, comment in enumerate(batch):
            target = (comment.content_type_id, comment.object_pk)
            if target not in languages:
                languages[target] = page_language(comment)
            submissions[position] = Submission(
                text=comment.body,
                language_hint=languages[target],
                link_count=None,
                author_history=histories[position],
            )
        ready = [s for s in submissions if s is not None]
        fresh = iter(state.engine.moderate_batch([s for s in ready if s not in known]))
        verdicts = [known[s] if s in known else next(fresh) for s in ready]
    except Exception:
        logger.exception(
            "Moderation engine failed on a batch of %d comments; "
            "moderating them one by one",
            len(batch),
        )
        for position, comment in enumerate(batch):
            try:
                submission = submissions[position] or comment_to_submission(comment)
                verdicts[position] = state.engine.moderate(submission)
            except Exception as exc:
                logger.exception("Moderation engine failed on comment %s", comment.pk)
                verdicts[position] = None
                failures[position] = exc
    bans = _matching_bans(batch)
    decided = [
        _decide(
            comment,
            state,
            verdicts[position],
            failure=failures[position],
            mode=modes.get((comment.content_type_id, comment.object_pk))
            or TargetMode.NORMAL,
            ban=bans[position],
        )
        for position, comment in enumerate(batch)
    ]
    rows = [
        ModerationDecision(
            comment_id=comment.pk,
            origin=DecisionOrigin.ENGINE,
            author_hash=key,
            category=_main_category(values["reasons"], values["scores"]),
            **values,
        )
        for comment, key, values in zip(batch, keys, decided, strict=True)
    ]
    if connection.features.can_return_rows_from_bulk_insert:
        stored = ModerationDecision.objects.bulk_create(rows)
    else:  # pragma: no cover - SQLite >= 3.35 and PostgreSQL return the keys
        for row in rows:
            row.save()
        stored = rows
    _apply_statuses(batch, stored)
    for decision in stored:
        if decision.action in NOTIFIED_ACTIONS and moderation_settings().NOTIFY_AUTHORS:
            _schedule_statement(decision)
    return stored


def _apply_statuses(
    batch: list[AbstractComment], decisions: list[ModerationDecision]
) -> None:
    """Set each comment's status to its decision's: ``comment_set_status`` in bulk.

    The documented bulk equivalent of calling
    ``comments.services.comment_set_status(comment=..., status=...,
    reason="engine: <reasons>")`` once per comment: the rows are locked with
    one ``SELECT ... FOR UPDATE``, changed with one ``UPDATE`` per new status,
    and ``comment_status_changed`` is sent for every comment whose status
    changed, with the same arguments (``actor=None``). Unchanged comments
    send nothing, as in the service.
    """
    model = type(batch[0])
    current = dict(
        model.objects.select_for_update()
        .filter(pk__in=[c.pk for c in batch])
        .values_list("pk", "status")
    )
    changed: dict[str, list[int]] = collections.defaultdict(list)
    events: list[tuple[AbstractComment, str, str, str]] = []
    for comment, decision in zip(batch, decisions, strict=True):
        new_status = CommentStatus(ACTION_STATUS[decision.action])
        old_status = str(current.get(comment.pk, comment.status))
        comment.status = new_status
        if old_status == new_status:
            continue
        changed[new_status].append(comment.pk)
        summary = "; ".join(
            str(r.get("detail") or r.get("source")) for r in decision.reasons[:3]
        )
        reason = f"{DecisionOrigin.ENGINE}: {summary}"[:500]
        events.append((comment, old_status, new_status, reason))
    for status, pks in changed.items():
        model.objects.filter(pk__in=pks).update(status=status)
    for comment, old, new, reason in events:
        comment_status_changed.send(
            sender=model,
            comment=comment,
            old_status=old,
            new_status=new,
            actor=None,
            reason=reason,
        )


def record_engine_failure(
    comment: AbstractComment, error: BaseException
) -> ModerationDecision:
    """Store a hold decision explaining that moderation itself failed."""
    return _record(
        comment=comment,
        action=DecisionAction.HOLD,
        origin=DecisionOrigin.ENGINE,
        reasons=[
            _reason(
                SOURCE_ENGINE_FAILURE, f"moderation failure: {type(error).__name__}"
            )
        ],
    )


def latest_decision(comment: AbstractComment) -> ModerationDecision | None:
    """Return the comment's most recent decision, or ``None``."""
    return (
        ModerationDecision.objects.filter(comment_id=comment.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def review_decision(
    *,
    comment: AbstractComment,
    action: str,
    moderator: AbstractBaseUser,
    note: str = "",
    category: str = "",
) -> ModerationDecision:
    """Store a moderator's decision (a new row) and apply it to the comment.

    ``category`` optionally names the harm category the moderator saw; it feeds
    the learning loop (:func:`export_decisions`). Open appeals on the comment
    are resolved: reversed when the comment ends up approved, upheld otherwise.

    Raises:
        InvalidDecisionError: ``action`` is not a ``DecisionAction`` value.

    """
    with transaction.atomic():
        previous = latest_decision(comment)
        decision = _record(
            comment=comment,
            action=action,
            origin=DecisionOrigin.MODERATOR,
            moderator=moderator,
            category=category or (previous.category if previous else ""),
            language=previous.language if previous else "",
            note=note,
        )
        if action != DecisionAction.HOLD:
            Appeal.objects.filter(
                comment_id=comment.pk, status=AppealStatus.OPEN
            ).update(
                status=(
                    AppealStatus.REVERSED
                    if action == DecisionAction.APPROVE
                    else AppealStatus.UPHELD
                ),
                resolved_at=timezone.now(),
                resolved_by_id=moderator.pk,
            )
    return decision


def bulk_review(
    *,
    comments: Iterable[AbstractComment],
    action: str,
    moderator: AbstractBaseUser,
    note: str = "",
) -> list[ModerationDecision]:
    """Apply one moderator decision to several comments (one row each)."""
    with transaction.atomic():
        return [
            review_decision(comment=c, action=action, moderator=moderator, note=note)
            for c in comments
        ]


def requeue_for_human(
    *, comment: AbstractComment, origin: str, detail: str, flags: int = 1
) -> ModerationDecision | None:
    """Put a comment in front of a moderator (a reader flag, an appeal).

    An appeal always re-queues (held). A reader flag (``origin`` ``flag``,
    ``flags`` the number of distinct readers who reported the comment so far):

    - on a rejected, spam or removed comment: nothing (``None``);
    - on a held comment: recorded, it stays held;
    - on a published comment: recorded as a *report* that keeps it published
      (a decision with action ``approve`` and origin ``flag``) and puts it in
      the review queue; it is held (unpublished) only once
      ``MODERATION_FLAG_HOLD_COUNT`` distinct readers (default 3) reported it,
      and never when a moderator approved it: then reports only queue it. One
      anonymous report cannot take a comment down.

    Return the new decision, or ``None`` when nothing was recorded.
    """
    previous = latest_decision(comment)
    action = DecisionAction.HOLD
    if origin == DecisionOrigin.FLAG:
        if comment.status not in {"approved", "pending"}:
            return None
        if comment.status == "approved":
            approved_by_moderator = ModerationDecision.objects.filter(
                comment_id=comment.pk,
                origin=DecisionOrigin.MODERATOR,
                action=DecisionAction.APPROVE,
            ).exists()
            if approved_by_moderator or flags < moderation_settings().FLAG_HOLD_COUNT:
                action = DecisionAction.APPROVE  # reported, still published
    return _record(
        comment=comment,
        action=action,
        origin=origin,
        reasons=[_reason(origin, detail[:500])],
        category=previous.category if previous else "",
        language=previous.language if previous else "",
    )


# --------------------------------------------------------------------------
# Bans and page modes.


def _ban_key(kind: str, value: str) -> str:
    """Return what a ban of ``kind`` on ``value`` stores (a hash or the domain).

    Raises:
        ProtectedDomainError: ``kind`` is a domain in ``MODERATION_PROTECTED_DOMAINS``.
        InvalidDecisionError: unknown ``kind`` or empty ``value``.

    """
    value = value.strip().lower()
    if not value:
        msg = "nothing to ban"
        raise InvalidDecisionError(msg)
    if kind == BanKind.EMAIL:
        return email_hash(value)
    if kind == BanKind.IP:
        return ip_hash(value)
    if kind == BanKind.DOMAIN:
        domain = value.removeprefix("@")
        if domain in moderation_settings().PROTECTED_DOMAINS:
            msg = f"{domain} is shared by many people and cannot be banned"
            raise ProtectedDomainError(msg)
        return domain
    msg = f"unknown ban kind {kind!r}"
    raise InvalidDecisionError(msg)


def ban_create(
    *,
    kind: str,
    value: str,
    moderator: AbstractBaseUser | None,
    reason: str = "",
    until: datetime | None = None,
) -> Ban:
    """Ban an email address, a mail domain or an (anonymised) IP network.

    The email address and IP network are stored only as keyed hashes.

    Raises:
        ProtectedDomainError: ``kind`` is a domain in ``MODERATION_PROTECTED_DOMAINS``.
        InvalidDecisionError: unknown ``kind`` or empty ``value``.

    """
    key = _ban_key(kind, value)
    with transaction.atomic():
        ban = Ban.objects.create(
            kind=kind,
            key=key,
            reason=reason,
            created_by_id=moderator.pk if moderator is not None else None,
            until=until,
        )
        _audit(ban, BAN_CREATE_ACTION, moderator)
    return ban


def ban_author(
    *,
    comment: AbstractComment,
    kind: str,
    moderator: AbstractBaseUser | None,
    reason: str = "",
    until: datetime | None = None,
) -> Ban:
    """Ban the author of ``comment`` by email, mail domain or IP network.

    Raises:
        ProtectedDomainError: a domain ban on a protected domain.
        InvalidDecisionError: the comment has no email or IP to ban.

    """
    return ban_create(
        kind=kind,
        value=ban_target(comment, kind),
        moderator=moderator,
        reason=reason,
        until=until,
    )


def ban_target(comment: AbstractComment, kind: str) -> str:
    """Return what banning ``comment``'s author by ``kind`` would ban, in clear.

    The email address, its mail domain, or the comment's (anonymised) IP
    network; the confirmation page shows it before :func:`ban_author` stores
    it (hashed, except a domain).

    Raises:
        ProtectedDomainError: a domain ban on a protected domain.
        InvalidDecisionError: the comment has no email or IP to ban.

    """
    email = comment.author_email or str(getattr(comment.user, "email", "") or "")
    if kind == BanKind.EMAIL:
        value = email
    elif kind == BanKind.DOMAIN:
        value = email_domain(email)
    elif kind == BanKind.IP:
        value = comment.ip_address or ""
    else:
        msg = f"unknown ban kind {kind!r}"
        raise InvalidDecisionError(msg)
    _ban_key(kind, value)  # refuses an empty value or a protected domain
    return value.strip().lower()


def ban_lift(*, ban: Ban, moderator: AbstractBaseUser | None) -> bool:
    """Lift a ban now, keeping the row (who lifted it, when) as its record.

    The lift is written to the site's audit log (Wagtail's history) next to
    the ban itself. Comments the ban refused stay as they were. Return
    ``False`` when the ban was no longer in force (lifted meanwhile, or
    expired): nothing changes then.
    """
    now = timezone.now()
    moderator_id = moderator.pk if moderator is not None else None
    with transaction.atomic():
        lifted = (
            Ban.objects.active(now=now)
            .filter(pk=ban.pk)
            .update(lifted_at=now, lifted_by_id=moderator_id)
        )
        if not lifted:
            return False
        ban.lifted_at = now
        ban.lifted_by_id = moderator_id
        _audit(ban, BAN_LIFT_ACTION, moderator)
    return True


def _audit(ban: Ban, action: str, moderator: AbstractBaseUser | None) -> None:
    """Write a ban or its lifting to Wagtail's audit log (the admin's history).

    Skipped where the Wagtail admin is not installed (the moderation-only
    profile has no admin, hence no one to read it).
    """
    if not apps.is_installed("wagtail.admin"):
        return
    from wagtail.log_actions import log

    log(ban, action, user=moderator)


def set_target_mode(
    *, target: Model | Any, mode: str, moderator: AbstractBaseUser | None
) -> ModerationMode:
    """Set a page's moderation mode (normal, pre-moderate, closed).

    A target with a ``comments_enabled`` field (articles) gets it switched off
    when closed and back on when leaving ``closed``, so the form disappears; new
    comments on a closed page are rejected either way.

    Raises:
        InvalidDecisionError: ``mode`` is not a ``TargetMode`` value.

    """
    if mode not in TargetMode.values:
        msg = f"unknown page mode {mode!r}"
        raise InvalidDecisionError(msg)
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        record, _created = ModerationMode.objects.get_or_create(
            content_type=content_type, object_pk=str(target.pk)
        )
        was_closed = record.mode == TargetMode.CLOSED
        record.mode = mode
        record.updated_by_id = moderator.pk if moderator is not None else None
        record.updated_at = timezone.now()
        record.save()
        if hasattr(target, "comments_enabled") and (
            was_closed or mode == TargetMode.CLOSED
        ):
            enabled = mode != TargetMode.CLOSED
            type(target)._default_manager.filter(pk=target.pk).update(
                comments_enabled=enabled
            )
            target.comments_enabled = enabled
    return record


# --------------------------------------------------------------------------
# Appeals.


def appeal_create(
    *, comment: AbstractComment, decision: ModerationDecision | None, text: str
) -> Appeal:
    """Record an author's appeal and put the comment back in the human queue.

    Raises:
        AppealClosedError: an appeal on this comment is already open, or the
            contested decision is older than ``MODERATION_APPEAL_WINDOW_DAYS``.
        InvalidDecisionError: empty text.

    """
    text = text.strip()
    if not text:
        msg = "an appeal needs a text"
        raise InvalidDecisionError(msg)
    window = timedelta(days=moderation_settings().APPEAL_WINDOW_DAYS)
    if decision is not None and decision.created_at < timezone.now() - window:
        msg = "the appeal window has closed"
        raise AppealClosedError(msg)
    with transaction.atomic():
        if Appeal.objects.filter(
            comment_id=comment.pk, status=AppealStatus.OPEN
        ).exists():
            msg = "an appeal on this comment is already open"
            raise AppealClosedError(msg)
        appeal = Appeal.objects.create(
            comment_id=comment.pk, decision=decision, text=text[:5000]
        )
        requeue_for_human(
            comment=comment, origin=DecisionOrigin.APPEAL, detail="appeal by the author"
        )
    return appeal


# --------------------------------------------------------------------------
# Learning loop.


def rescore_comments(comments: QuerySet[Any]) -> int:
    """Run the (new) engine again on held comments last decided by the engine.

    Comments whose latest decision is a person's, a flag or an appeal are left
    for the moderators. Return the number of comments rescored.
    """
    done = 0
    for comment in comments.filter(status="pending").iterator():
        previous = latest_decision(comment)
        if previous is not None and previous.origin != DecisionOrigin.ENGINE:
            continue
        moderate_comment(comment)
        done += 1
    return done


def export_decisions(since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Yield the moderators' decisions as labelled training rows.

    One row per comment, from its latest moderator decision (holds skipped):
    ``{"text", "label", "category"?, "language", "comment_id", "decided_at"}``,
    where ``label`` is 0 for an approval and 1 for a rejection, spam or removal,
    and ``category`` is the moderator's or the engine's main category (absent
    when unknown). ``since`` keeps decisions taken at or after that aware time.
    This is the ``--extra`` format of ``manchette moderation train``.
    """
    decisions = (
        ModerationDecision.objects.filter(origin=DecisionOrigin.MODERATOR)
        .exclude(action=DecisionAction.HOLD)
        .latest_per_comment()
        .select_related("comment")
        .order_by("created_at", "pk")
    )
    if since is not None:
        decisions = decisions.filter(created_at__gte=since)
    from manchette.moderation.engine.datasets import CATEGORIES

    for decision in decisions.iterator():
        row: dict[str, Any] = {
            "text": decision.comment.body,
            "label": 0 if decision.action == DecisionAction.APPROVE else 1,
        }
        if decision.action == DecisionAction.SPAM:
            row["category"] = "spam"
        elif decision.category in CATEGORIES:
            row["category"] = decision.category
        row["language"] = decision.language or "und"
        row["comment_id"] = decision.comment_id
        row["decided_at"] = decision.created_at.isoformat()
        yield row
