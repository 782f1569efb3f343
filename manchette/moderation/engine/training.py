"""Training and evaluation of the moderation classifier.

:func:`train` splits the rows once (stratified by source, language and label,
fixed seed), fits :class:`TextClassifier` and, for comparison, a plain TF-IDF word
n-gram + logistic regression baseline on the same training part, and evaluates
both on the held-out part with :func:`evaluate`.

Metrics are ROC-AUC (threshold-free ranking quality, Fawcett, "An introduction to
ROC analysis", Pattern Recognition Letters 27, 2006) per head and per language,
and precision/recall at the policy's *hold* threshold, i.e. the operating point
at which the engine sends a comment to the review queue.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from manchette.moderation.engine.classifier import DEFAULT_HEADS, TextClassifier
from manchette.moderation.engine.policy import Policy
from manchette.moderation.engine.types import Category

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from numpy.typing import NDArray

    from manchette.moderation.engine.datasets import Row

__all__ = [
    "DEFAULT_HOLD_THRESHOLD",
    "BaselineClassifier",
    "HeadScore",
    "Metrics",
    "evaluate",
    "hold_threshold",
    "label_matrix",
    "model_only_thresholds",
    "split_rows",
    "train",
]

#: Hold threshold of a head the policy does not know.
DEFAULT_HOLD_THRESHOLD = 0.5
ALL_LANGUAGES = "all"


def hold_threshold(head: str, policy: Policy | None = None) -> float:
    """Return the probability at or above which the engine holds for ``head``.

    Parameters
    ----------
    head : str
        ``"toxicity"`` or a category name.
    policy : Policy, optional
        Defaults to ``Policy()``, the documented defaults.

    Returns
    -------
    float
        ``policy.toxicity_hold`` for ``"toxicity"``, ``policy.hold[category]``
        for a category, :data:`DEFAULT_HOLD_THRESHOLD` for anything else.
    """
    policy = policy or Policy()
    if head == "toxicity":
        return policy.toxicity_hold
    try:
        return policy.hold[Category(head)]
    except ValueError:
        return DEFAULT_HOLD_THRESHOLD


@dataclass(frozen=True, slots=True)
class HeadScore:
    """Evaluation of one head on one language (or ``"all"``).

    Attributes
    ----------
    head, language : str
        ``language`` is a language code, ``"all"``, or ``"<language>/<source>"``
        (one corpus of a language pooled from several).
    n, n_positive : int
        Rows with a known label for the head, and positives among them.
    roc_auc : float or None
        ``None`` when only one class is present.
    threshold : float
        The head's hold threshold.
    precision, recall : float or None
        At ``threshold``; precision is ``None`` when nothing is predicted
        positive, recall when there is no positive.
    """

    head: str
    language: str
    n: int
    n_positive: int
    roc_auc: float | None
    threshold: float
    precision: float | None
    recall: float | None


@dataclass(frozen=True, slots=True)
class Metrics:
    """Held-out evaluation of a model and, from :func:`train`, of the baseline.

    Attributes
    ----------
    scores : tuple of HeadScore
        The model, per head x language (plus ``"all"``).
    baseline : tuple of HeadScore
        The TF-IDF word + logistic regression baseline, same split (empty from
        :func:`evaluate`).
    n_train, n_test : int
        Sizes of the split (``n_train`` is 0 from :func:`evaluate`).
    """

    scores: tuple[HeadScore, ...]
    baseline: tuple[HeadScore, ...] = ()
    n_train: int = 0
    n_test: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def get(
        self, head: str, language: str = ALL_LANGUAGES, *, baseline: bool = False
    ) -> HeadScore | None:
        """Return the score of ``head`` on ``language``, or ``None``."""
        for score in self.baseline if baseline else self.scores:
            if score.head == head and score.language == language:
                return score
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-compatible dictionary (for ``meta.json``)."""

        def clean(value: Any) -> Any:
            if isinstance(value, float) and math.isnan(value):
                return None
            return value

        return {
            "n_train": self.n_train,
            "n_test": self.n_test,
            "scores": [
                {k: clean(v) for k, v in asdict(s).items()} for s in self.scores
            ],
            "baseline": [
                {k: clean(v) for k, v in asdict(s).items()} for s in self.baseline
            ],
            **dict(self.extra),
        }


def label_matrix(rows: Sequence[Row], heads: Sequence[str]) -> NDArray[np.int8]:
    """Return the ``(len(rows), len(heads))`` 0/1/-1 matrix of the rows' labels.

    Parameters
    ----------
    rows : sequence of Row
    heads : sequence of str

    Returns
    -------
    ndarray of int8
        ``-1`` where a row does not label a head.
    """
    y = np.full((len(rows), len(heads)), -1, dtype=np.int8)
    for i, row in enumerate(rows):
        for j, head in enumerate(heads):
            if head in row.labels:
                y[i, j] = row.labels[head]
    return y


def _stratum(row: Row) -> str:
    label = ",".join(f"{k}={v}" for k, v in sorted(row.labels.items()))
    return f"{row.source}|{row.language}|{label}"


def split_rows(
    rows: Sequence[Row], *, test_size: float = 0.2, seed: int = 0
) -> tuple[list[Row], list[Row]]:
    """Split rows into train and held-out parts, stratified by source, language, labels.

    Strata with fewer than two rows are pooled into one.

    Parameters
    ----------
    rows : sequence of Row
    test_size : float, default=0.2
        Held-out fraction.
    seed : int, default=0

    Returns
    -------
    (train, test) : tuple of lists of Row
    """
    strata = [_stratum(r) for r in rows]
    counts = Counter(strata)
    strata = [s if counts[s] >= 2 else "rare" for s in strata]
    if Counter(strata)["rare"] == 1:
        strata = [s.split("|", 1)[0] if s == "rare" else s for s in strata]
    indices = np.arange(len(rows))
    try:
        train_idx, test_idx = train_test_split(
            indices, test_size=test_size, random_state=seed, stratify=strata
        )
    except ValueError:  # a stratum too small for the split: fall back to random
        train_idx, test_idx = train_test_split(
            indices, test_size=test_size, random_state=seed
        )
    return [rows[i] for i in sorted(train_idx)], [rows[i] for i in sorted(test_idx)]


class BaselineClassifier(BaseEstimator):
    """Plain TF-IDF word n-grams + logistic regression, one per head.

    No normalisation, character n-grams, embeddings or calibration: the
    comparison point for :class:`TextClassifier`.

    Parameters
    ----------
    heads : tuple of str
    ngram_range : tuple of int, default=(1, 2)
    C : float, default=1.0
    """

    def __init__(
        self,
        *,
        heads: tuple[str, ...] = DEFAULT_HEADS,
        ngram_range: tuple[int, int] = (1, 2),
        C: float = 1.0,  # noqa: N803 - scikit-learn naming
    ) -> None:
        self.heads = heads
        self.ngram_range = ngram_range
        self.C = C

    def fit(self, texts: Sequence[str], y: NDArray[np.int8]) -> Self:
        """Fit on ``texts`` with a ``(n, len(heads))`` 0/1/-1 label matrix."""
        self.vectorizer_ = TfidfVectorizer(ngram_range=self.ngram_range)
        X = self.vectorizer_.fit_transform(list(texts))
        self.heads_ = tuple(self.heads)
        self.estimators_ = tuple(
            LogisticRegression(C=self.C, max_iter=1000).fit(
                X[y[:, j] >= 0], y[y[:, j] >= 0, j]
            )
            for j in range(len(self.heads_))
        )
        return self

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Return ``(len(texts), len(heads_))`` positive-class probabilities."""
        check_is_fitted(self, "estimators_")
        X = self.vectorizer_.transform(list(texts))
        return np.column_stack(
            [est.predict_proba(X)[:, 1] for est in self.estimators_]
        ).astype(np.float64)


def _score(
    head: str,
    language: str,
    y_true: NDArray[np.int8],
    proba: NDArray[np.float64],
    threshold: float,
) -> HeadScore:
    n_pos = int(y_true.sum())
    both = 0 < n_pos < y_true.size
    predicted = (proba >= threshold).astype(np.int8)
    return HeadScore(
        head=head,
        language=language,
        n=int(y_true.size),
        n_positive=n_pos,
        roc_auc=float(roc_auc_score(y_true, proba)) if both else None,
        threshold=threshold,
        precision=(
            float(precision_score(y_true, predicted)) if predicted.any() else None
        ),
        recall=float(recall_score(y_true, predicted)) if n_pos else None,
    )


def _scores(
    proba: NDArray[np.float64],
    heads: Sequence[str],
    rows: Sequence[Row],
    policy: Policy,
) -> tuple[HeadScore, ...]:
    y = label_matrix(rows, heads)
    languages = np.array([r.language for r in rows])
    sources = np.array([r.source for r in rows])
    scores: list[HeadScore] = []
    for j, head in enumerate(heads):
        known = y[:, j] >= 0
        if not known.any():
            continue
        threshold = hold_threshold(head, policy)
        scores.append(
            _score(head, ALL_LANGUAGES, y[known, j], proba[known, j], threshold)
        )
        for language in sorted(set(languages[known])):
            mask = known & (languages == language)
            scores.append(
                _score(head, str(language), y[mask, j], proba[mask, j], threshold)
            )
            # A language pooled from corpora with different base rates (MLMA
            # Arabic tweets 73 % hostile, MPOLD news comments 17 %) gets a
            # higher ROC-AUC than any of its corpora, because telling the
            # corpora apart already ranks most positives first; the
            # per-corpus figures ("ar/mpold") are the honest ones.
            in_language = sorted(set(sources[mask]))
            if len(in_language) < 2 or np.unique(y[mask, j]).size < 2:
                continue
            for source in in_language:
                part = mask & (sources == source)
                scores.append(
                    _score(
                        head,
                        f"{language}/{source}",
                        y[part, j],
                        proba[part, j],
                        threshold,
                    )
                )
    return tuple(scores)


def model_only_thresholds(
    model: Any,
    rows: Sequence[Row],
    *,
    min_precision: float = 0.9,
    max_false_positive_rate: float = 0.05,
    min_flagged: int = 10,
) -> dict[str, dict[str, float | int | None]]:
    """Return, per head, the lowest threshold a head can act alone at.

    The threshold is the lowest multiple of 0.01 at which the head's precision
    on ``rows`` is at least ``min_precision`` **and** its false-positive rate
    (share of negative rows flagged) at most ``max_false_positive_rate``, and
    both stay so at every higher threshold that flags at least
    ``min_flagged`` rows (fewer flagged rows say nothing about precision).
    Precision depends on the rows' base rate (63 % toxic in the shared
    corpora, far less in a comment section); the false-positive rate does
    not, and bounds directly the share of clean comments the model alone
    sends to the queue. These are the :data:`policy.DEFAULT_MODEL_HOLD` and
    :data:`policy.DEFAULT_MODEL_TOXICITY_HOLD` values for a new artifact.

    Parameters
    ----------
    model : Classifier
    rows : sequence of Row
        Held-out rows (the precision is at their base rate).
    min_precision : float, default=0.9
    max_false_positive_rate : float, default=0.05
    min_flagged : int, default=10

    Returns
    -------
    dict
        ``{head: {"threshold", "precision", "recall", "false_positive_rate",
        "flagged", "n", "n_positive"}}``; ``threshold`` (and the figures at
        it) is ``None`` when no threshold meets both bounds: the head should
        never act alone.
    """
    heads = tuple(model.heads_)
    proba = np.asarray(model.predict_proba([r.text for r in rows]), dtype=np.float64)
    y = label_matrix(rows, heads)
    result: dict[str, dict[str, float | int | None]] = {}
    for j, head in enumerate(heads):
        known = y[:, j] >= 0
        truth, scores = y[known, j], proba[known, j]
        best: dict[str, float | int | None] = {
            "threshold": None,
            "precision": None,
            "recall": None,
            "false_positive_rate": None,
            "flagged": None,
        }
        negatives = truth == 0
        for step in range(99, 0, -1):
            threshold = step / 100
            flagged = scores >= threshold
            count = int(flagged.sum())
            if count < min_flagged:
                continue
            precision = float(truth[flagged].mean())
            fpr = float(flagged[negatives].mean()) if negatives.any() else 0.0
            if precision < min_precision or fpr > max_false_positive_rate:
                break
            best = {
                "threshold": threshold,
                "precision": precision,
                "recall": float(flagged[truth == 1].mean()) if truth.any() else None,
                "false_positive_rate": fpr,
                "flagged": count,
            }
        result[head] = {
            **best,
            "n": int(truth.size),
            "n_positive": int(truth.sum()),
        }
    return result


def evaluate(
    model: Any, rows: Sequence[Row], *, policy: Policy | None = None
) -> Metrics:
    """Evaluate a fitted multi-head classifier on labelled rows.

    Parameters
    ----------
    model : Classifier
        Anything with ``heads_`` and ``predict_proba(texts)`` of shape
        ``(n, len(heads_))``.
    rows : sequence of Row
        Heads a row does not label are ignored for that row.
    policy : Policy, optional
        Source of each head's hold threshold (:func:`hold_threshold`);
        defaults to ``Policy()``.

    Returns
    -------
    Metrics
        ``scores`` per head, per language and over ``"all"`` languages.
    """
    policy = policy or Policy()
    heads = tuple(model.heads_)
    proba = np.asarray(model.predict_proba([r.text for r in rows]), dtype=np.float64)
    return Metrics(
        scores=_scores(proba, heads, rows, policy),
        n_test=len(rows),
    )


def train(
    rows: Sequence[Row],
    *,
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    test_size: float = 0.2,
    baseline: bool = True,
    progress: Callable[[str], None] | None = None,
) -> tuple[TextClassifier, Metrics]:
    """Train the classifier on a held-out split and report its metrics.

    Parameters
    ----------
    rows : sequence of Row
    params : mapping, optional
        :class:`TextClassifier` parameters; ``heads`` defaults to the default heads
        that the rows label with both classes; ``random_state`` to ``seed``.
    seed : int, default=0
        Seed of the split and of the models.
    test_size : float, default=0.2
    baseline : bool, default=True
        Also fit and evaluate :class:`BaselineClassifier` on the same split.
    progress : callable, optional
        Called with a short description before each long step.

    Returns
    -------
    (model, metrics) : tuple of TextClassifier and Metrics
        The model is fitted on the training part only, so the metrics are
        honest held-out figures for exactly the returned model;
        ``metrics.extra["model_only_hold"]`` holds
        :func:`model_only_thresholds` on the held-out part.

    Raises
    ------
    ValueError
        If no head has both classes in the training part.
    """
    report = progress or (lambda _message: None)
    settings: dict[str, Any] = {"random_state": seed, **dict(params or {})}
    train_rows, test_rows = split_rows(rows, test_size=test_size, seed=seed)
    if "heads" not in settings:
        settings["heads"] = tuple(
            h
            for h in DEFAULT_HEADS
            if {r.labels[h] for r in train_rows if h in r.labels} == {0, 1}
        )
    if not settings["heads"]:
        msg = "no head has both positive and negative rows"
        raise ValueError(msg)
    heads = tuple(settings["heads"])
    texts = [r.text for r in train_rows]
    y = label_matrix(train_rows, heads)
    report(f"fitting the classifier on {len(train_rows)} rows")
    model = TextClassifier(**settings).fit(texts, y)
    report(f"evaluating on {len(test_rows)} held-out rows")
    metrics = evaluate(model, test_rows)
    thresholds = model_only_thresholds(model, test_rows)
    baseline_scores: tuple[HeadScore, ...] = ()
    if baseline:
        report("fitting the TF-IDF + logistic regression baseline")
        reference = BaselineClassifier(heads=heads).fit(texts, y)
        baseline_scores = evaluate(reference, test_rows).scores
    return model, Metrics(
        scores=metrics.scores,
        baseline=baseline_scores,
        n_train=len(train_rows),
        n_test=len(test_rows),
        extra={"model_only_hold": thresholds},
    )
