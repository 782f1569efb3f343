"""The Perspective protocol on top of manchette's moderation engine.

Every function here raises :class:`~manchette.perspective.errors.PerspectiveError`
for client mistakes, which the API turns into Google-style error bodies. The
comment text is never logged unless ``PERSPECTIVE_LOG_TEXT`` is on, and never
for a ``doNotStore`` request; ``comments:analyze`` stores nothing at all.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction

from manchette.moderation.engine.langid import detect_language
from manchette.moderation.engine.types import LANGUAGES, Category, Submission
from manchette.moderation.services import engine_state
from manchette.perspective.attributes import (
    ATTRIBUTES,
    FEEDBACK_ATTRIBUTES,
    attribute_score,
    attribute_spans,
)
from manchette.perspective.conf import perspective_settings
from manchette.perspective.errors import (
    ERROR_INFO_TYPE,
    PerspectiveError,
    analyzer_error,
)
from manchette.perspective.htmltext import PlainText, html_to_text
from manchette.perspective.models import ApiKey, SuggestedScore, hash_key

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from manchette.perspective.schemas import (
        AnalyzeCommentIn,
        SuggestCommentScoreIn,
        TextEntry,
    )

logger = logging.getLogger(__name__)

#: Coral's suggestscore attributes that report a moderator's decision.
STATUS_ATTRIBUTES = frozenset({"APPROVED", "DELETED", "HIGHLIGHTED"})

#: The engine category an attribute's feedback labels, for the training export.
ATTRIBUTE_CATEGORY: dict[str, Category] = {
    "IDENTITY_ATTACK": Category.HATE,
    "INSULT": Category.INSULT,
    "THREAT": Category.THREAT_INCITEMENT,
    "SEXUALLY_EXPLICIT": Category.SEXUAL,
    "SPAM": Category.SPAM,
}

_LANGUAGE_ALIASES = {"ar-ma": "ary", "ary-arab": "ary", "ary-latn": "ary-Latn"}


# --------------------------------------------------------------------------
# Keys and quotas.


def create_api_key(*, name: str, rate_limit: int | None = None) -> tuple[ApiKey, str]:
    """Create an active key named ``name``; return it and its secret.

    The secret is shown to the caller once and never stored (only its
    SHA-256). ``rate_limit`` is in requests per minute (default
    ``PERSPECTIVE_DEFAULT_RATE_LIMIT``).

    Raises:
        ValueError: a key with this name exists, or ``rate_limit`` < 1.

    """
    name = name.strip()
    if not name:
        msg = "The key needs a name."
        raise ValueError(msg)
    if rate_limit is not None and rate_limit < 1:
        msg = "The rate limit must be at least 1 request per minute."
        raise ValueError(msg)
    with transaction.atomic():
        if ApiKey.objects.filter(name=name).exists():
            msg = f"An API key named {name!r} already exists."
            raise ValueError(msg)
        api_key = ApiKey(name=name)
        if rate_limit is not None:
            api_key.rate_limit_per_minute = rate_limit
        raw = api_key.set_new_key()
        api_key.save()
    return api_key, raw


def revoke_api_key(*, name: str) -> ApiKey:
    """Deactivate the key named ``name`` (it keeps its suggestions); return it.

    Raises:
        ApiKey.DoesNotExist: no key has this name.

    """
    api_key = ApiKey.objects.get(name=name)
    if api_key.active:
        api_key.active = False
        api_key.save(update_fields=["active"])
    return api_key


def key_from_request(
    query_key: str | None, header_key: str | None, authorization: str | None
) -> str | None:
    """Return the key sent as ``?key=``, ``X-Goog-Api-Key`` or ``Bearer``."""
    if query_key:
        return query_key.strip()
    if header_key:
        return header_key.strip()
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


def key_cache_name(digest: str) -> str:
    """Return the cache entry name of the key whose hash is ``digest``."""
    return f"perspective:key:{digest}"


def forget_cached_key(api_key: ApiKey) -> None:
    """Drop ``api_key`` from the lookup cache (after a change or a revocation)."""
    if api_key.key_hash:
        cache.delete(key_cache_name(api_key.key_hash))


def authenticate(raw_key: str | None) -> ApiKey:
    """Return the active key whose secret is ``raw_key``.

    A found key is remembered in the default cache for
    ``PERSPECTIVE_KEY_CACHE_SECONDS`` (the request then needs no database
    query); saving or deleting a key forgets it, so a revocation applies at
    once where the cache is shared (Redis) and within that delay otherwise.

    Raises:
        PerspectiveError: 403 ``PERMISSION_DENIED`` when no key was sent, 400
            ``INVALID_ARGUMENT`` (reason ``API_KEY_INVALID``) for an unknown or
            revoked key, as Google's APIs answer.

    """
    if not raw_key:
        raise PerspectiveError(
            403,
            "This API needs an API key: pass it as ?key=, X-Goog-Api-Key "
            "or Authorization: Bearer.",
            details=[
                {
                    "@type": ERROR_INFO_TYPE,
                    "reason": "API_KEY_MISSING",
                    "domain": "manchette.perspective",
                }
            ],
        )
    digest = hash_key(raw_key)
    cached = cache.get(key_cache_name(digest))
    if cached is not None:
        pk, name, rate = cached
        return ApiKey(pk=pk, name=name, rate_limit_per_minute=rate, key_hash=digest)
    api_key = ApiKey.objects.filter(key_hash=digest, active=True).first()
    if api_key is not None:
        seconds = perspective_settings().KEY_CACHE_SECONDS
        if seconds > 0:
            cache.set(
                key_cache_name(digest),
                (api_key.pk, api_key.name, api_key.rate_limit_per_minute),
                timeout=seconds,
            )
    if api_key is None:
        raise PerspectiveError(
            400,
            "API key not valid. Check the key, or ask the site for a new one.",
            details=[
                {
                    "@type": ERROR_INFO_TYPE,
                    "reason": "API_KEY_INVALID",
                    "domain": "manchette.perspective",
                }
            ],
        )
    return api_key


def enforce_rate_limit(api_key: ApiKey, *, now: float | None = None) -> int:
    """Count one request for ``api_key`` in the current minute; return the count.

    The counter lives in the default cache (shared by every process when it
    is Redis; per process with the local-memory cache).

    Raises:
        PerspectiveError: 429 ``RESOURCE_EXHAUSTED`` (reason
            ``RATE_LIMIT_EXCEEDED``) past ``rate_limit_per_minute``, with a
            ``Retry-After`` header in seconds.

    """
    moment = time.time() if now is None else now
    minute = int(moment // 60)
    counter = f"perspective:rate:{api_key.pk}:{minute}"
    cache.add(counter, 0, timeout=120)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add() and incr()
        cache.set(counter, 1, timeout=120)
        count = 1
    limit = api_key.rate_limit_per_minute
    if count > limit:
        retry_after = max(1, 60 - int(moment % 60))
        raise PerspectiveError(
            429,
            f"Quota exceeded: this key may send {limit} requests per minute.",
            details=[
                {
                    "@type": ERROR_INFO_TYPE,
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "manchette.perspective",
                    "metadata": {"quota_limit_value": str(limit)},
                }
            ],
            headers={"Retry-After": str(retry_after)},
        )
    return count


# --------------------------------------------------------------------------
# comments:analyze


def normalize_language(code: str) -> str | None:
    """Map a client's language code to an engine language, or ``None``.

    Case and ``_``/``-`` are ignored; ``ar-MA`` means Darija (``ary``); a
    regional tag falls back to its primary language (``fr-FR`` → ``fr``).
    """
    tag = code.strip().replace("_", "-").lower()
    if tag in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[tag]
    if tag in LANGUAGES:
        return tag
    primary = tag.split("-", 1)[0]
    return primary if primary in LANGUAGES and primary != "und" else None


def _hint(languages: list[str]) -> str | None:
    for code in languages:
        language = normalize_language(code)
        if language is not None:
            return language
    return None


def _comment_text(comment: TextEntry) -> tuple[str, PlainText | None]:
    """Return the text to score and, for HTML, the map back to the source."""
    text = comment.text or ""
    if not text.strip():
        raise analyzer_error("COMMENT_EMPTY", "The comment text is empty.")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate sent as a "\ud800" JSON escape
        raise analyzer_error(
            "INVALID_REQUEST", "The comment text is not valid Unicode."
        ) from None
    limit = perspective_settings().MAX_TEXT_BYTES
    if size > limit:
        raise analyzer_error(
            "COMMENT_TOO_LONG",
            f"The comment text is longer than {limit} bytes (UTF-8).",
        )
    kind = (comment.type or "PLAIN_TEXT").upper()
    if kind == "PLAIN_TEXT":
        return text, None
    if kind == "HTML":
        plain = html_to_text(text)
        if not plain.text.strip():
            raise analyzer_error(
                "COMMENT_EMPTY", "The comment has no text once HTML is removed."
            )
        return plain.text, plain
    raise analyzer_error(
        "INVALID_REQUEST",
        f"Unknown comment type {comment.type!r}: use PLAIN_TEXT or HTML.",
    )


def _unknown_attribute(name: str, language: str | None) -> PerspectiveError:
    where = f" for language {language}" if language else ""
    return analyzer_error(
        "INVALID_REQUEST",
        f"Attribute {name} does not exist{where}. "
        f"Available attributes: {', '.join(ATTRIBUTES)}.",
        unknownAttributeError={
            "attribute": name,
            "languages": [language] if language else [],
        },
    )


def analyze_comment(payload: AnalyzeCommentIn, *, api_key: ApiKey) -> dict[str, Any]:
    """Score one comment; return the ``AnalyzeCommentResponse`` JSON (camelCase).

    The language comes from detection; the request's ``languages`` is a hint
    used only when detection cannot decide (Coral sends ``["en"]`` for any
    language it does not map). Attributes whose summary score is below their
    ``scoreThreshold`` lose it (and spans below it are dropped); an attribute
    left with nothing is omitted, as Perspective does.

    Raises:
        PerspectiveError: 400 with ``errorType`` ``COMMENT_EMPTY``,
            ``COMMENT_TOO_LONG``, ``NO_REQUESTED_ATTRIBUTES`` or
            ``INVALID_REQUEST`` (unknown attribute or score type, unknown
            comment type).

    """
    text, plain = _comment_text(payload.comment)
    requested = payload.requested_attributes or {}
    if not requested:
        raise analyzer_error(
            "NO_REQUESTED_ATTRIBUTES", "requestedAttributes must name an attribute."
        )
    hint = _hint(payload.languages)
    for name, parameters in requested.items():
        if name not in ATTRIBUTES:
            raise _unknown_attribute(name, hint)
        score_type = (parameters.score_type or "PROBABILITY").upper()
        if score_type != "PROBABILITY":
            raise analyzer_error(
                "INVALID_REQUEST",
                f"Score type {parameters.score_type} is not supported by "
                f"attribute {name}: use PROBABILITY.",
            )

    detected = detect_language(text)
    verdict = engine_state().engine.moderate(
        Submission(text, language_hint=detected if detected != "und" else hint)
    )
    _log_analysis(payload, api_key, text, verdict.language)

    scores: dict[str, Any] = {}
    for name, parameters in requested.items():
        threshold = parameters.score_threshold
        entry: dict[str, Any] = {}
        value = attribute_score(name, verdict)
        if threshold is None or value >= threshold:
            entry["summaryScore"] = {"value": round(value, 6), "type": "PROBABILITY"}
        if payload.span_annotations:
            spans = []
            for span in attribute_spans(name, verdict):
                if threshold is not None and span.score < threshold:
                    continue
                begin, end = (
                    plain.source_span(span.begin, span.end)
                    if plain is not None
                    else (span.begin, span.end)
                )
                spans.append(
                    {
                        "begin": begin,
                        "end": end,
                        "score": {"value": round(span.score, 6), "type": "PROBABILITY"},
                    }
                )
            if spans:
                entry["spanScores"] = spans
        if entry:
            scores[name] = entry
    response: dict[str, Any] = {
        "attributeScores": scores,
        "languages": [verdict.language],
        "detectedLanguages": [] if detected == "und" else [detected],
    }
    if payload.client_token is not None:
        response["clientToken"] = payload.client_token
    return response


def _log_analysis(
    payload: AnalyzeCommentIn, api_key: ApiKey, text: str, language: str
) -> None:
    if perspective_settings().LOG_TEXT and not payload.do_not_store:
        logger.info(
            "perspective analyze key=%s language=%s text=%r",
            api_key.name,
            language,
            text,
        )
    else:
        logger.debug(
            "perspective analyze key=%s language=%s chars=%d",
            api_key.name,
            language,
            len(text),
        )


# --------------------------------------------------------------------------
# comments:suggestscore


def suggest_comment_score(
    payload: SuggestCommentScoreIn, *, api_key: ApiKey | None
) -> list[SuggestedScore]:
    """Store one :class:`SuggestedScore` per suggested attribute; return them.

    Accepts the scoring attributes and Coral's decision attributes
    (``APPROVED``, ``DELETED``, ``HIGHLIGHTED``). The text is kept for the
    learning loop unless the request says ``doNotStore``; context entries
    are kept as their texts (Coral's carry the story URL and comment ids).

    Raises:
        PerspectiveError: 400 for an empty comment, no or unknown attribute,
            or an attribute without ``summaryScore``.

    """
    text, _plain = _comment_text(payload.comment)
    suggested = payload.attribute_scores or {}
    if not suggested:
        raise analyzer_error(
            "INVALID_REQUEST", "attributeScores must hold at least one attribute."
        )
    hint = _hint(payload.languages)
    for name, scores in suggested.items():
        if name not in FEEDBACK_ATTRIBUTES:
            raise _unknown_attribute(name, hint)
        if scores.summary_score is None:
            raise analyzer_error(
                "INVALID_REQUEST", f"attributeScores.{name} needs a summaryScore."
            )
    context = [
        entry.text
        for entry in (payload.context.entries if payload.context else [])
        if entry.text
    ]
    store_text = "" if payload.do_not_store else (_plain.text if _plain else text)
    rows = [
        SuggestedScore(
            text=store_text,
            attribute=name,
            value=float(scores.summary_score.value),
            languages=[code.strip().lower() for code in payload.languages][:10],
            context=[] if payload.do_not_store else context,
            community_id=(payload.community_id or "")[:255],
            client_token=(payload.client_token or "")[:255],
            api_key=api_key,
        )
        for name, scores in suggested.items()
        if scores.summary_score is not None
    ]
    with transaction.atomic():
        SuggestedScore.objects.bulk_create(rows)
    logger.debug(
        "perspective suggestscore key=%s attributes=%s",
        api_key.name if api_key else "-",
        ",".join(suggested),
    )
    return rows


def _label(attribute: str, value: float) -> int:
    harmful_when_high = FEEDBACK_ATTRIBUTES[attribute]
    return harmful_when_high if value >= 0.5 else 1 - harmful_when_high


def _comment_reference(row: SuggestedScore) -> str:
    """Return Coral's comment id from the context, else the client token."""
    for entry in row.context:
        try:
            data = json.loads(entry)
        except (TypeError, ValueError):
            continue
        if isinstance(data, dict) and data.get("Coral_comment_id"):
            return str(data["Coral_comment_id"])
    return row.client_token


def export_suggested_scores(since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Yield the stored suggestions as labelled training rows, oldest first.

    Same shape as :func:`manchette.moderation.services.export_decisions`
    (``manchette moderation train --extra``): ``{"text", "label", "category"?,
    "language", "comment_id", "decided_at"}``, where ``label`` is 1 when the
    client judged the comment harmful (``DELETED``, or a scoring attribute at
    0.5 or more) and 0 otherwise, ``category`` the engine category of the
    attribute when it has one (``INSULT`` → ``insult``, ...), ``language`` the
    detected language and ``comment_id`` the client's comment reference (a
    string: Coral's comment id, else the ``clientToken``). Rows stored without
    text (``doNotStore``) are skipped; when a comment got several decisions
    (same community, client token and attribute, Coral's three decision
    attributes counting as one), only the latest is exported.
    """
    rows = SuggestedScore.objects.exclude(text="").order_by("created_at", "pk")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    latest: dict[tuple[str, str, str] | int, SuggestedScore] = {}
    for row in rows.iterator():
        if row.attribute not in FEEDBACK_ATTRIBUTES:
            continue
        group = "status" if row.attribute in STATUS_ATTRIBUTES else row.attribute
        key: tuple[str, str, str] | int = (
            (row.community_id, row.client_token, group) if row.client_token else row.pk
        )
        latest.pop(key, None)  # re-insert so the order follows the latest row
        latest[key] = row
    for row in latest.values():
        exported: dict[str, Any] = {
            "text": row.text,
            "label": _label(row.attribute, row.value),
        }
        category = ATTRIBUTE_CATEGORY.get(row.attribute)
        if category is not None:
            exported["category"] = category.value
        exported["language"] = detect_language(row.text)
        exported["comment_id"] = _comment_reference(row)
        exported["decided_at"] = row.created_at.isoformat()
        yield exported
