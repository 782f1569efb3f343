"""Value types of the moderation engine: what goes in and what comes out.

Every type here is a frozen, slotted dataclass or a :class:`enum.StrEnum`, so a
verdict can be stored, compared and serialised without touching the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "LANGUAGES",
    "Action",
    "AuthorHistory",
    "Category",
    "Reason",
    "Span",
    "Submission",
    "Verdict",
]

#: Language codes the engine reports: French, Modern Standard Arabic, Moroccan
#: Darija in Arabic script, Darija in Latin script ("Arabizi"), English, unknown.
LANGUAGES: tuple[str, ...] = ("fr", "ar", "ary", "ary-Latn", "en", "und")


class Category(StrEnum):
    """Harm categories scored for every submission."""

    THREAT_INCITEMENT = "threat_incitement"
    HATE = "hate"
    INSULT = "insult"
    SEXUAL = "sexual"
    SPAM = "spam"
    PERSONAL_DATA = "personal_data"


class Action(StrEnum):
    """What to do with a submission."""

    APPROVE = "approve"
    HOLD = "hold"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class AuthorHistory:
    """Past moderation outcomes of the submission's author (counts, not ids)."""

    approved: int = 0
    rejected: int = 0
    held: int = 0


@dataclass(frozen=True, slots=True)
class Submission:
    """One piece of user text to moderate.

    Parameters
    ----------
    text : str
        The text as the user typed it (plain text, not HTML).
    language_hint : str or None
        A language the caller believes the text is in (for instance the page
        language). Used only when detection is unsure.
    link_count : int or None
        Number of links the caller found (for instance in a separate URL
        field). ``None`` lets the engine count URLs in ``text``.
    author_history : AuthorHistory or None
        Previous outcomes for the author, if known.
    """

    text: str
    language_hint: str | None = None
    link_count: int | None = None
    author_history: AuthorHistory | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets ``[start, end)`` into the **original** submission text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        """Reject negative or inverted offsets."""
        if self.start < 0 or self.end < self.start:
            msg = f"invalid span [{self.start}, {self.end})"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence behind a verdict.

    Parameters
    ----------
    source : str
        Name of the rule or model that produced it (``"engine"`` for failures).
    category : Category
        The harm category the evidence supports.
    score : float
        Strength of the evidence in ``[0, 1]``.
    span : Span or None
        Where in the original text, when the evidence is local.
    detail : str
        A short English explanation for moderators and logs.
    """

    source: str
    category: Category
    score: float
    span: Span | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``span`` is ``[start, end]`` or ``None``)."""
        return {
            "source": self.source,
            "category": self.category.value,
            "score": self.score,
            "span": None if self.span is None else [self.span.start, self.span.end],
            "detail": self.detail,
        }


def _frozen_scores(scores: Mapping[Category, float]) -> Mapping[Category, float]:
    return MappingProxyType(
        {category: float(scores[category]) for category in Category}
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's decision on one submission.

    Parameters
    ----------
    action : Action
        Approve, hold for a human, or reject.
    scores : Mapping[Category, float]
        One score in ``[0, 1]`` for each of the six categories (all present).
    toxicity : float
        Overall harmfulness in ``[0, 1]``.
    reasons : tuple of Reason
        The evidence, strongest first.
    language : str
        One of :data:`LANGUAGES`.
    engine_version : str
        Version of the rules and policy code.
    model_version : str or None
        Version of the statistical classifier, ``None`` when rules ran alone.
    """

    action: Action
    scores: Mapping[Category, float] = field(hash=False)
    toxicity: float
    reasons: tuple[Reason, ...]
    language: str
    engine_version: str
    model_version: str | None

    def __post_init__(self) -> None:
        """Check that all six scores are present and in range; freeze them."""
        missing = [c.value for c in Category if c not in self.scores]
        if missing:
            msg = f"scores missing for {', '.join(missing)}"
            raise ValueError(msg)
        values = [*self.scores.values(), self.toxicity]
        if any(not 0.0 <= value <= 1.0 for value in values):
            msg = "scores and toxicity must lie in [0, 1]"
            raise ValueError(msg)
        object.__setattr__(self, "scores", _frozen_scores(self.scores))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        Returns
        -------
        dict
            ``action``, ``categories`` (the six scores keyed by category
            value), ``toxicity``, ``reasons`` (list of dicts), ``language``,
            ``engine_version`` and ``model_version``.
        """
        return {
            "action": self.action.value,
            "categories": {c.value: self.scores[c] for c in Category},
            "toxicity": self.toxicity,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "language": self.language,
            "engine_version": self.engine_version,
            "model_version": self.model_version,
        }
