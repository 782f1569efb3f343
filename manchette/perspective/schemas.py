"""Request and response bodies of the Perspective-compatible API.

Attribute names in Python are snake_case; the JSON names are Perspective's
camelCase (``requestedAttributes``, ``spanAnnotations``, ...). Unknown request
fields are ignored (Perspective's clients send a few, e.g. ``sessionId``).
"""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel


class CamelSchema(Schema):
    """A schema whose JSON field names are the camelCase of its attributes."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore"
    )


class TextEntry(CamelSchema):
    """A text: ``comment`` or one context entry. ``type`` is PLAIN_TEXT or HTML."""

    text: str | None = None
    type: str | None = None


class Context(CamelSchema):
    """Conversation context; accepted, not used for scoring."""

    entries: list[TextEntry] = []


class AttributeParameters(CamelSchema):
    """Per-attribute options: ``scoreType`` (PROBABILITY) and ``scoreThreshold``."""

    score_type: str | None = None
    score_threshold: float | None = Field(default=None, ge=0.0, le=1.0)


class AnalyzeCommentIn(CamelSchema):
    """The ``comments:analyze`` request."""

    comment: TextEntry
    context: Context | None = None
    requested_attributes: dict[str, AttributeParameters] | None = None
    languages: list[str] = []
    do_not_store: bool = False
    span_annotations: bool = False
    client_token: str | None = None
    session_id: str | None = None
    community_id: str | None = None


class Score(CamelSchema):
    """A probability in [0, 1]."""

    value: float
    type: str = "PROBABILITY"


class SpanScore(CamelSchema):
    """The score of ``comment.text[begin:end]`` (offsets in code points)."""

    begin: int
    end: int
    score: Score


class AttributeScoresOut(CamelSchema):
    """One attribute's scores in an analyze response."""

    summary_score: Score | None = None
    span_scores: list[SpanScore] | None = None


class AnalyzeCommentOut(CamelSchema):
    """The ``comments:analyze`` response."""

    attribute_scores: dict[str, AttributeScoresOut]
    languages: list[str]
    detected_languages: list[str]
    client_token: str | None = None


class SuggestedScoreValue(CamelSchema):
    """A suggested score: ``value`` in [0, 1]; ``type`` defaults to PROBABILITY."""

    value: float = Field(ge=0.0, le=1.0)
    type: str | None = None


class SuggestedAttributeScores(CamelSchema):
    """One attribute's suggested scores (span scores are accepted, not stored)."""

    summary_score: SuggestedScoreValue | None = None
    span_scores: list[dict[str, object]] | None = None


class SuggestCommentScoreIn(CamelSchema):
    """The ``comments:suggestscore`` request."""

    comment: TextEntry
    context: Context | None = None
    attribute_scores: dict[str, SuggestedAttributeScores] | None = None
    languages: list[str] = []
    community_id: str | None = None
    client_token: str | None = None
    session_id: str | None = None
    do_not_store: bool = False


class SuggestCommentScoreOut(CamelSchema):
    """The ``comments:suggestscore`` response: the request's ``clientToken``."""

    client_token: str | None = None


class ErrorDetail(Schema):
    """The ``error`` object of a Google-style error body."""

    code: int
    message: str
    status: str
    details: list[dict[str, object]] = []


class ErrorOut(Schema):
    """A Google-style error body: ``{"error": {...}}``."""

    error: ErrorDetail
