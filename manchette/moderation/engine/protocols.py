"""Structural interfaces of the engine's pluggable parts (rules and classifier).

Both are :func:`typing.runtime_checkable` protocols, so a test double or a new
model satisfies them without inheriting from anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, override, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np
    import numpy.typing as npt

    from manchette.moderation.engine.normalize import NormalizedText
    from manchette.moderation.engine.types import Reason

__all__ = ["Classifier", "Rule", "RuleFeatureClassifier"]


@runtime_checkable
class Rule(Protocol):
    """A pure function from normalised text to evidence.

    Attributes
    ----------
    name : str
        Stable identifier, used as :attr:`Reason.source`.
    """

    name: str

    def apply(self, text: NormalizedText, language: str) -> Iterable[Reason]:
        """Yield the reasons found in ``text``.

        Parameters
        ----------
        text : NormalizedText
            The folded text with its map back to the original characters.
            Every reason's span must be expressed in original offsets.
        language : str
            The detected language code (see :data:`types.LANGUAGES`).

        Returns
        -------
        Iterable of Reason
            Possibly empty.
        """
        ...


@runtime_checkable
class Classifier(Protocol):
    """A fitted multi-head text classifier.

    Attributes
    ----------
    heads_ : tuple of str
        Column names of :meth:`predict_proba`: ``"toxicity"`` and/or category
        values (for instance ``("toxicity", "insult", "hate", "spam", "sexual")``).
    """

    @property
    def heads_(self) -> tuple[str, ...]:
        """Column names of :meth:`predict_proba` (a plain attribute satisfies it)."""
        ...

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return the probability that each head is positive.

        Parameters
        ----------
        texts : sequence of str
            The **original** texts; the classifier normalises them itself.

        Returns
        -------
        ndarray of shape (len(texts), len(heads_))
            Probabilities in ``[0, 1]``.
        """
        ...


class RuleFeatureClassifier(Classifier, Protocol):
    """A classifier that also reads the engine rules' scores.

    The engine calls :meth:`predict_proba` with ``rule_scores`` when the
    classifier's ``rule_features_`` attribute is true (see
    :class:`manchette.moderation.engine.classifier.TextClassifier`).
    """

    rule_features_: bool

    @override
    def predict_proba(
        self, texts: Sequence[str], rule_scores: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.float64]:
        """Return head probabilities given texts and, optionally, rule scores.

        Parameters
        ----------
        texts : sequence of str
            The original texts.
        rule_scores : array-like of shape (len(texts), 7), optional
            :meth:`Engine.rule_scores` of the same texts.

        Returns
        -------
        ndarray of shape (len(texts), len(heads_))
        """
        ...
