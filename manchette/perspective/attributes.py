"""Perspective attributes computed from the engine's verdict (the mapping).

Perspective scores named *attributes*; manchette's engine scores six harm
categories plus an overall ``toxicity``. Each attribute is a documented function
of those numbers (docs/perspective.md, "Attribute mapping"):

============================  ==============================================
``TOXICITY``                  ``verdict.toxicity``: the largest of threat,
                              hate, insult and sexual scores and the
                              classifier's toxicity head
``SEVERE_TOXICITY``           ``max(threat_incitement, hate, toxicity ** 3)``
``IDENTITY_ATTACK``           ``hate``
``INSULT``                    ``insult``
``PROFANITY``                 ``max(insult, sexual)``
``THREAT``                    ``threat_incitement``
``SEXUALLY_EXPLICIT``         ``sexual``
``SPAM`` (extension)          ``spam``
============================  ==============================================

Threats and attacks on a group are severe by nature, so they pass to
``SEVERE_TOXICITY`` unchanged; the cube squashes mild rudeness (0.5 becomes
0.125, 0.8 becomes 0.51) while keeping blatant abuse (0.95 becomes 0.86).

Span scores come from the verdict's reasons: each reason with a span counts for
every attribute whose formula reads its category (with the same transform).
This module imports nothing from Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from manchette.moderation.engine.types import Category

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from manchette.moderation.engine.types import Verdict

__all__ = [
    "ATTRIBUTES",
    "FEEDBACK_ATTRIBUTES",
    "AttributeSpan",
    "attribute_score",
    "attribute_spans",
]


def _severe(scores: Mapping[Category, float], toxicity: float) -> float:
    return max(scores[Category.THREAT_INCITEMENT], scores[Category.HATE], toxicity**3)


@dataclass(frozen=True, slots=True)
class _Attribute:
    """How one attribute reads a verdict.

    ``summary`` computes the summary score from the category scores and the
    toxicity; ``categories`` are the categories whose spans count, and
    ``span_transform`` maps a span's evidence score to the attribute's scale.
    """

    summary: Callable[[Mapping[Category, float], float], float]
    categories: frozenset[Category]
    span_transform: Callable[[Category, float], float] = lambda _c, score: score


_HARMFUL = frozenset(
    {Category.THREAT_INCITEMENT, Category.HATE, Category.INSULT, Category.SEXUAL}
)

#: The attributes this API scores, by Perspective name.
ATTRIBUTES: dict[str, _Attribute] = {
    "TOXICITY": _Attribute(lambda _s, toxicity: toxicity, _HARMFUL),
    "SEVERE_TOXICITY": _Attribute(
        _severe,
        _HARMFUL,
        lambda category, score: (
            score
            if category in {Category.THREAT_INCITEMENT, Category.HATE}
            else score**3
        ),
    ),
    "IDENTITY_ATTACK": _Attribute(
        lambda s, _t: s[Category.HATE], frozenset({Category.HATE})
    ),
    "INSULT": _Attribute(
        lambda s, _t: s[Category.INSULT], frozenset({Category.INSULT})
    ),
    "PROFANITY": _Attribute(
        lambda s, _t: max(s[Category.INSULT], s[Category.SEXUAL]),
        frozenset({Category.INSULT, Category.SEXUAL}),
    ),
    "THREAT": _Attribute(
        lambda s, _t: s[Category.THREAT_INCITEMENT],
        frozenset({Category.THREAT_INCITEMENT}),
    ),
    "SEXUALLY_EXPLICIT": _Attribute(
        lambda s, _t: s[Category.SEXUAL], frozenset({Category.SEXUAL})
    ),
    "SPAM": _Attribute(lambda s, _t: s[Category.SPAM], frozenset({Category.SPAM})),
}

#: Attribute names ``comments:suggestscore`` accepts, with the training label a
#: suggested value of 1 means (0 acceptable, 1 harmful). Coral reports a
#: moderator's decision as a score of 1 on ``APPROVED`` or ``DELETED``.
FEEDBACK_ATTRIBUTES: dict[str, int] = {
    **dict.fromkeys(ATTRIBUTES, 1),
    "APPROVED": 0,
    "HIGHLIGHTED": 0,
    "DELETED": 1,
}


@dataclass(frozen=True, slots=True)
class AttributeSpan:
    """A scored part of the analyzed text: ``[begin, end)`` in code points."""

    begin: int
    end: int
    score: float


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def attribute_score(name: str, verdict: Verdict) -> float:
    """Return the summary score of attribute ``name`` for ``verdict``, in [0, 1].

    Raises:
        KeyError: ``name`` is not in :data:`ATTRIBUTES`.

    """
    return _clamp(ATTRIBUTES[name].summary(verdict.scores, verdict.toxicity))


def attribute_spans(name: str, verdict: Verdict) -> list[AttributeSpan]:
    """Return the span scores of attribute ``name``, ordered by position.

    One span per distinct ``[start, end)`` among the verdict's reasons of the
    attribute's categories (the highest transformed score wins). Offsets index
    the text the engine saw, in Unicode code points.

    Raises:
        KeyError: ``name`` is not in :data:`ATTRIBUTES`.

    """
    attribute = ATTRIBUTES[name]
    best: dict[tuple[int, int], float] = {}
    for reason in verdict.reasons:
        if reason.span is None or reason.category not in attribute.categories:
            continue
        if reason.source == "engine":
            continue
        key = (reason.span.start, reason.span.end)
        score = _clamp(attribute.span_transform(reason.category, reason.score))
        best[key] = max(best.get(key, 0.0), score)
    return [
        AttributeSpan(begin, end, score) for (begin, end), score in sorted(best.items())
    ]
