"""Multi-head text classifier for comment moderation (scikit-learn estimator).

One calibrated, L2-regularised logistic regression per *head* (``toxicity``,
``insult``, ``hate``, ``spam``, …) over a shared feature space:

* TF-IDF word n-grams on the normalised text;
* TF-IDF character n-grams (``char_wb``) on the normalised text, which resist
  spelling tricks (``c0nnard``, stretched letters) and cover Latin-script Arabic
  ("Arabizi") without a tokenizer (Mehdad and Tetreault, "Do Characters Abuse More
  Than Words?", SIGDIAL 2016, found character n-grams beat word n-grams for abuse
  detection);
* optionally, 512-d multilingual sentence embeddings (USE multilingual v3, see
  :mod:`.embeddings`), which carry meaning across French, Arabic and English.

TF-IDF + linear model is the strong classic baseline for toxic-comment
classification (Wulczyn, Thain and Dixon, "Ex Machina: Personal Attacks Seen at
Scale", WWW 2017, reached AUC 0.96 with character n-grams + logistic regression).

Probabilities are calibrated with Platt scaling (Platt, "Probabilistic Outputs for
Support Vector Machines", 1999): a one-feature logistic regression fitted on
out-of-fold decision scores, as ``CalibratedClassifierCV(ensemble=False)`` does.
It is re-implemented here with public scikit-learn estimators only, because the
private helpers of ``CalibratedClassifierCV`` are not on skops' trusted list and
the artifact must load with ``trusted=[]``. The calibration is class-balanced:
probabilities are those of a 50 % prior, because the training corpora's base
rates (most of them collected with hostile keywords) say nothing about a given
newsroom's comments; the policy thresholds are set on that scale.

Datasets label only some heads, so ``y`` uses ``-1`` for "unknown": each head is
trained on the rows where it is known.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from manchette.moderation.engine import embeddings
from manchette.moderation.engine.normalize import fold_char

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

__all__ = ["DEFAULT_HEADS", "HEADS", "RULE_FEATURES", "TextClassifier", "fold_text"]

#: Every head a classifier may predict: the six moderation categories + toxicity.
HEADS = (
    "toxicity",
    "threat_incitement",
    "hate",
    "insult",
    "sexual",
    "spam",
    "personal_data",
)
DEFAULT_HEADS = ("toxicity", "insult", "hate", "spam")

#: Columns of the rule-score features (``rule_features=True``): the rules'
#: score per moderation category (the strongest rule reason of that category,
#: 0 if none) and the strongest harmful one (threat, hate, insult, sexual).
RULE_FEATURES = (
    "threat_incitement",
    "hate",
    "insult",
    "sexual",
    "spam",
    "personal_data",
    "harmful",
)

#: Version of the state dictionary written by :meth:`TextClassifier.to_state`.
#: Format 3 added ``rule_features``; format 2 states load with it off.
STATE_FORMAT = 3
_READABLE_FORMATS = (2, 3)

Calibration = Literal["sigmoid", "isotonic", "none"]

_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def fold_text(text: str) -> str:
    """Return the folded form of ``text`` used for the n-gram features.

    The characters are folded exactly as the rules fold them
    (:func:`manchette.moderation.engine.normalize.fold_char`: NFKC, casefold,
    accents and Arabic harakat dropped, tatweel and invisible characters removed,
    look-alike letters mapped), then runs of three or more identical letters are
    squeezed and apostrophes become spaces, as in
    :func:`~manchette.moderation.engine.normalize.normalize`. The offset map,
    tokens and leetspeak readings of ``normalize`` are skipped: the classifier
    does not need them, character n-grams already absorb digit substitutions,
    and skipping them makes folding about ten times faster (0.12 ms instead of
    1.2 ms per comment, measured on the training corpora).

    Parameters
    ----------
    text : str
        Original comment text.

    Returns
    -------
    str
        Folded text.
    """
    folded = "".join(map(fold_char, text))
    return _REPEATS.sub(r"\1", folded).replace("'", " ")


class _FastScorer:
    """The fitted model's decision scores without scikit-learn's per-call checks.

    ``TfidfVectorizer.transform``, ``LogisticRegression.decision_function`` and
    the Platt calibrators' ``predict_proba`` each validate their input (about
    0.1-0.2 ms a call, ten calls per batch), which dominated the latency of one
    comment. This path computes exactly the same numbers from the fitted
    objects' public attributes: the vectorizers' own analyzers, vocabularies
    and ``idf_`` (sublinear tf, l2 norm per block, as fitted), one
    ``(n_features, n_heads)`` coefficient matrix and the calibrators'
    slope/intercept. Built once per model, never persisted.

    Only for models without sentence embeddings whose calibrators are Platt
    (``LogisticRegression``) or absent; others use the scikit-learn path.
    """

    def __init__(self, model: TextClassifier) -> None:
        self.blocks: list[tuple[Any, dict[str, int], NDArray[np.float64], int]] = []
        offset = 0
        for vectorizer in (model.word_vectorizer_, model.char_vectorizer_):
            if vectorizer.norm != "l2" or not vectorizer.sublinear_tf:
                msg = "fast scoring needs sublinear tf and l2 norm"
                raise ValueError(msg)
            idf = np.asarray(vectorizer.idf_, dtype=np.float64)
            self.blocks.append(
                (vectorizer.build_analyzer(), vectorizer.vocabulary_, idf, offset)
            )
            offset += idf.size
        self.n_text_features = offset
        self.coef = np.column_stack(
            [np.asarray(e.coef_, dtype=np.float64).ravel() for e in model.estimators_]
        )
        self.intercept = np.array(
            [float(e.intercept_[0]) for e in model.estimators_], dtype=np.float64
        )
        slopes: list[float] = []
        shifts: list[float] = []
        self.calibrated: list[bool] = []
        for calibrator in model.calibrators_:
            if calibrator is None:
                slopes.append(1.0)
                shifts.append(0.0)
                self.calibrated.append(False)
            elif isinstance(calibrator, LogisticRegression):
                slopes.append(float(calibrator.coef_[0, 0]))
                shifts.append(float(calibrator.intercept_[0]))
                self.calibrated.append(True)
            else:
                msg = "fast scoring supports Platt calibration only"
                raise TypeError(msg)
        self.slope = np.array(slopes)
        self.shift = np.array(shifts)

    def _block(
        self,
        folded: Sequence[str],
        analyze: Any,
        vocabulary: dict[str, int],
        idf: NDArray[np.float64],
    ) -> sp.csr_matrix:
        """One vectorizer's TF-IDF rows: sublinear tf x idf, l2-normalised."""
        indptr = [0]
        columns: list[int | None] = []  # never None: popped from each Counter
        counts: list[int] = []
        get = vocabulary.get
        for text in folded:
            found = Counter(map(get, analyze(text)))
            found.pop(None, None)
            columns.extend(found)
            counts.extend(found.values())
            indptr.append(len(columns))
        data = (1.0 + np.log(np.array(counts, dtype=np.float64))) * idf[
            np.array(columns, dtype=np.intp)
        ]
        rows = np.repeat(np.arange(len(folded)), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(folded)))
        norms[norms == 0.0] = 1.0
        return sp.csr_matrix(
            (data / norms[rows], np.array(columns, dtype=np.intp), np.array(indptr)),
            shape=(len(folded), idf.size),
        )

    def decision(
        self, folded: Sequence[str], extra: NDArray[np.float64] | None
    ) -> NDArray[np.float64]:
        """Uncalibrated scores, shape ``(n, n_heads)``."""
        scores = np.tile(self.intercept, (len(folded), 1))
        for analyze, vocabulary, idf, offset in self.blocks:
            block = self._block(folded, analyze, vocabulary, idf)
            scores += block @ self.coef[offset : offset + idf.size]
        if extra is not None:
            scores += extra @ self.coef[self.n_text_features :]
        return scores

    def probabilities(self, scores: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities from :meth:`decision` scores."""
        probabilities: NDArray[np.float64] = 1.0 / (
            1.0 + np.exp(-(scores * self.slope + self.shift))
        )
        return probabilities


def _vectorizer_state(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    # The vocabulary goes out as a numpy array of terms (column order) rather
    # than the fitted dict: skops writes a dict entry by entry, which took over
    # 40 minutes for two 100,000-term vocabularies; an array is one .npy file.
    vocabulary = vectorizer.vocabulary_
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    return {
        "analyzer": vectorizer.analyzer,
        "ngram_range": list(vectorizer.ngram_range),
        "terms": np.array(terms, dtype=str),
        "idf": np.asarray(vectorizer.idf_, dtype=np.float64),
    }


def _vectorizer_from_state(state: dict[str, Any]) -> TfidfVectorizer:
    terms = [str(term) for term in state["terms"].tolist()]
    vectorizer = TfidfVectorizer(
        analyzer=state["analyzer"],
        ngram_range=tuple(state["ngram_range"]),
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary={term: index for index, term in enumerate(terms)},
    )
    vectorizer.fit([""])  # a fixed vocabulary: fit only sets up the idf vector
    vectorizer.idf_ = state["idf"]
    return vectorizer


def _as_label_matrix(y: ArrayLike, n_rows: int, n_heads: int) -> NDArray[np.int8]:
    labels = np.asarray(y)
    if labels.ndim == 1 and n_heads == 1:
        labels = labels.reshape(-1, 1)
    if labels.shape != (n_rows, n_heads):
        msg = (
            f"y must have shape ({n_rows}, {n_heads}) = (n_texts, len(heads)); "
            f"got {labels.shape}"
        )
        raise ValueError(msg)
    if not np.isin(labels, (-1, 0, 1)).all():
        msg = "y may only contain 0, 1 and -1 (unknown)"
        raise ValueError(msg)
    return labels.astype(np.int8)


class TextClassifier(BaseEstimator):
    """Calibrated multi-head moderation classifier over normalised text.

    Parameters
    ----------
    heads : tuple of str, default=("toxicity", "insult", "hate", "spam")
        Output columns, each a subset of :data:`HEADS`.
    ngram_range : tuple of int, default=(1, 2)
        Word n-gram range of the word TF-IDF.
    char_ngram_range : tuple of int, default=(2, 5)
        Character n-gram range (``analyzer="char_wb"``).
    C : float, default=1.0
        Inverse L2 regularisation strength of each head's logistic regression.
    use_embeddings : bool, default=True
        Append USE multilingual v3 sentence embeddings to the TF-IDF features.
    calibration : {"sigmoid", "isotonic", "none"}, default="sigmoid"
        Probability calibration on out-of-fold scores (Platt 1999 for
        ``"sigmoid"``; Zadrozny and Elkan, KDD 2002, for ``"isotonic"``).
    random_state : int, default=0
        Seed of the calibration folds and of the solver.
    max_features : int, default=100_000
        Vocabulary cap of *each* TF-IDF (keeps the artifact a few MB).
    min_df : int, default=2
        Minimum document frequency of an n-gram.
    rule_features : bool, default=False
        Append the engine rules' scores (:data:`RULE_FEATURES`, 7 columns in
        [0, 1]) to the text features. The rules are the project's own
        lexicons, so these features carry knowledge that no corpus split
        holds (threat grammar, addressed insults, Darija words); on the
        held-out split and on two evaluation-only French sets they raised
        the toxicity ROC-AUC by 0.01-0.08 (``docs/moderation.md``). The
        engine passes the scores it has already computed; called alone, the
        classifier runs the rules itself.

    Attributes
    ----------
    heads_ : tuple of str
        Column names of :meth:`predict_proba`.
    word_vectorizer_ : TfidfVectorizer
    char_vectorizer_ : TfidfVectorizer
    estimators_ : tuple of LogisticRegression
        One fitted model per head.
    calibrators_ : tuple of (LogisticRegression or IsotonicRegression or None)
        One calibrator per head, fitted on out-of-fold decision scores.
    n_train_ : ndarray of shape (len(heads),)
        Number of rows with a known label for each head.
    """

    def __init__(
        self,
        *,
        heads: tuple[str, ...] = DEFAULT_HEADS,
        ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        C: float = 1.0,  # noqa: N803 - scikit-learn naming
        use_embeddings: bool = True,
        calibration: Calibration = "sigmoid",
        random_state: int = 0,
        max_features: int = 100_000,
        min_df: int = 2,
        rule_features: bool = False,
    ) -> None:
        self.heads = heads
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.C = C
        self.use_embeddings = use_embeddings
        self.calibration = calibration
        self.random_state = random_state
        self.max_features = max_features
        self.min_df = min_df
        self.rule_features = rule_features

    # -- features ---------------------------------------------------------------

    def _rule_matrix(
        self, texts: Sequence[str], rule_scores: ArrayLike | None
    ) -> NDArray[np.float64] | None:
        if not getattr(self, "rule_features_", False):
            return None
        if rule_scores is None:
            # Imported here: the engine module does not import this one, and
            # the classifier needs the rules only when used on its own.
            from manchette.moderation.engine.engine import rule_score_matrix

            return rule_score_matrix(texts)
        matrix = np.asarray(rule_scores, dtype=np.float64)
        if matrix.shape != (len(texts), len(RULE_FEATURES)):
            msg = (
                f"rule_scores must have shape ({len(texts)}, {len(RULE_FEATURES)}); "
                f"got {matrix.shape}"
            )
            raise ValueError(msg)
        return matrix

    def _features(
        self, texts: Sequence[str], rule_scores: ArrayLike | None = None
    ) -> sp.csr_matrix:
        folded = [fold_text(t) for t in texts]
        blocks: list[Any] = [
            self.word_vectorizer_.transform(folded),
            self.char_vectorizer_.transform(folded),
        ]
        if self.use_embeddings_:
            blocks.append(sp.csr_matrix(embeddings.encode(texts)))
        extra = self._rule_matrix(texts, rule_scores)
        if extra is not None:
            blocks.append(sp.csr_matrix(extra))
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    def _fast(self) -> _FastScorer | None:
        if "_fast_scorer" not in self.__dict__:
            scorer = None
            if not self.use_embeddings_:
                try:
                    scorer = _FastScorer(self)
                except (TypeError, ValueError):  # needs the scikit-learn path
                    scorer = None
            self.__dict__["_fast_scorer"] = scorer
        found: _FastScorer | None = self.__dict__["_fast_scorer"]
        return found

    def _check_params(self) -> tuple[str, ...]:
        heads = tuple(self.heads)
        unknown = [h for h in heads if h not in HEADS]
        if not heads or unknown or len(set(heads)) != len(heads):
            msg = f"heads must be distinct names among {HEADS}; got {heads!r}"
            raise ValueError(msg)
        if self.calibration not in ("sigmoid", "isotonic", "none"):
            msg = f"unknown calibration {self.calibration!r}"
            raise ValueError(msg)
        if self.C <= 0:
            msg = f"C must be positive, got {self.C!r}"
            raise ValueError(msg)
        return heads

    # -- estimator API -----------------------------------------------------------

    def fit(
        self, texts: Sequence[str], y: ArrayLike, rule_scores: ArrayLike | None = None
    ) -> Self:
        """Fit the vectorizers on all texts and one model per head.

        Parameters
        ----------
        texts : sequence of str of length n
            Original comment texts.
        y : array-like of shape (n, len(heads))
            ``1`` positive, ``0`` negative, ``-1`` unknown for that row and head.
            A 1-D array is accepted when there is a single head.
        rule_scores : array-like of shape (n, len(RULE_FEATURES)), optional
            The rules' scores of ``texts`` when ``rule_features`` is on
            (computed by running the rules when omitted); ignored otherwise.

        Returns
        -------
        self : TextClassifier

        Raises
        ------
        ValueError
            On a shape mismatch, a label outside {-1, 0, 1}, or a head whose known
            rows do not contain both classes.
        """
        heads = self._check_params()
        if isinstance(texts, str):
            msg = "texts must be a sequence of strings, not a single string"
            raise TypeError(msg)
        texts = list(texts)
        labels = _as_label_matrix(y, len(texts), len(heads))
        folded = [fold_text(t) for t in texts]
        common: dict[str, Any] = {
            "min_df": self.min_df,
            "max_features": self.max_features,
            "sublinear_tf": True,
            "dtype": np.float32,
        }
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer="word", ngram_range=self.ngram_range, **common
        ).fit(folded)
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.char_ngram_range, **common
        ).fit(folded)
        self.use_embeddings_ = bool(self.use_embeddings)
        self.rule_features_ = bool(self.rule_features)
        self.__dict__.pop("_fast_scorer", None)
        features = self._features(texts, rule_scores)

        estimators: list[LogisticRegression] = []
        calibrators: list[LogisticRegression | IsotonicRegression | None] = []
        for j, head in enumerate(heads):
            known = labels[:, j] >= 0
            X_head, y_head = features[known], labels[known, j]
            if np.unique(y_head).size < 2:
                msg = f"head {head!r} needs positive and negative known rows"
                raise ValueError(msg)
            estimators.append(self._new_model().fit(X_head, y_head))
            calibrators.append(self._fit_calibrator(X_head, y_head))
        self.heads_ = heads
        self.estimators_ = tuple(estimators)
        self.calibrators_ = tuple(calibrators)
        self.n_train_ = (labels >= 0).sum(axis=0)
        self.n_features_ = int(features.shape[1])
        return self

    def _new_model(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C,
            solver="liblinear",
            class_weight="balanced",
            max_iter=1000,
            random_state=self.random_state,
        )

    def _fit_calibrator(
        self, X: sp.csr_matrix, y: NDArray[np.int8]
    ) -> LogisticRegression | IsotonicRegression | None:
        if self.calibration == "none":
            return None
        n_splits = min(3, int(np.bincount(y).min()))
        if n_splits < 2:
            msg = "calibration needs at least two rows of each class per head"
            raise ValueError(msg)
        folds = StratifiedKFold(
            n_splits=n_splits, shuffle=True, random_state=self.random_state
        )
        scores = cross_val_predict(
            self._new_model(), X, y, cv=folds, method="decision_function"
        )
        if self.calibration == "isotonic":
            return IsotonicRegression(out_of_bounds="clip").fit(
                scores, y, sample_weight=compute_sample_weight("balanced", y)
            )
        # Platt scaling: a 1-D logistic regression, class-balanced so that
        # probabilities assume a 50 % prior (see the module docstring). C=1 is
        # negligible on thousands of rows and, like Platt's target smoothing,
        # keeps the slope finite when the out-of-fold scores are separable.
        return LogisticRegression(C=1.0, class_weight="balanced").fit(
            scores.reshape(-1, 1), y
        )

    def decision_function(
        self, texts: Sequence[str], rule_scores: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """Return the uncalibrated linear score of every head.

        Parameters
        ----------
        texts : sequence of str
        rule_scores : array-like of shape (len(texts), len(RULE_FEATURES)), optional
            See :meth:`predict_proba`.

        Returns
        -------
        ndarray of shape (len(texts), len(heads_))
        """
        check_is_fitted(self, "estimators_")
        if len(texts) == 0:
            return np.zeros((0, len(self.heads_)))
        fast = self._fast()
        if fast is not None:
            extra = self._rule_matrix(texts, rule_scores)
            return fast.decision([fold_text(t) for t in texts], extra)
        features = self._features(texts, rule_scores)
        return np.column_stack(
            [est.decision_function(features) for est in self.estimators_]
        ).astype(np.float64)

    def predict_proba(
        self, texts: Sequence[str], rule_scores: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """Return P(head positive) for every text and head.

        Models without sentence embeddings and with Platt (or no) calibration
        are scored by a precomputed linear path (``_FastScorer``) that gives
        the scikit-learn objects' numbers without their per-call input
        validation; others go through scikit-learn.

        Parameters
        ----------
        texts : sequence of str
            Original comment texts (normalised internally).
        rule_scores : array-like of shape (len(texts), len(RULE_FEATURES)), optional
            The engine rules' scores of ``texts`` (see
            :func:`manchette.moderation.engine.engine.rule_score_matrix`), for
            a model fitted with ``rule_features=True``; computed when omitted,
            ignored by other models.

        Returns
        -------
        ndarray of shape (len(texts), len(heads_)), dtype float64
            Values in [0, 1]; column ``j`` is head ``heads_[j]``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If called before :meth:`fit`.
        ValueError
            If ``rule_scores`` has the wrong shape.
        """
        scores = self.decision_function(texts, rule_scores)
        if scores.shape[0] == 0:
            return scores
        fast = self._fast()
        if fast is not None:
            return np.clip(fast.probabilities(scores), 0.0, 1.0)
        columns: list[NDArray[np.float64]] = []
        for j, calibrator in enumerate(self.calibrators_):
            s = scores[:, j]
            if calibrator is None:
                columns.append(1.0 / (1.0 + np.exp(-s)))
            elif isinstance(calibrator, IsotonicRegression):
                columns.append(np.asarray(calibrator.predict(s), dtype=np.float64))
            else:
                columns.append(calibrator.predict_proba(s.reshape(-1, 1))[:, 1])
        return np.clip(np.column_stack(columns), 0.0, 1.0).reshape(
            len(texts), len(self.heads_)
        )

    # -- persistence -------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Return the fitted state as plain scikit-learn objects and builtins.

        The dictionary holds only vectorizers, estimators, numpy arrays, strings,
        numbers and lists, so ``skops.io`` can persist it and load it back with an
        empty trust list (no class of ours is serialised).

        Returns
        -------
        dict
            Keys ``format``, ``params``, ``heads``, ``word_vectorizer``,
            ``char_vectorizer``, ``estimators``, ``calibrators``, ``n_train``,
            ``n_features``, ``use_embeddings``, ``rule_features``.
        """
        check_is_fitted(self, "estimators_")
        params = self.get_params()
        params["heads"] = list(params["heads"])
        params["ngram_range"] = list(params["ngram_range"])
        params["char_ngram_range"] = list(params["char_ngram_range"])
        return {
            "format": STATE_FORMAT,
            "params": params,
            "heads": list(self.heads_),
            "word_vectorizer": _vectorizer_state(self.word_vectorizer_),
            "char_vectorizer": _vectorizer_state(self.char_vectorizer_),
            "estimators": list(self.estimators_),
            "calibrators": list(self.calibrators_),
            "n_train": np.asarray(self.n_train_),
            "n_features": self.n_features_,
            "use_embeddings": self.use_embeddings_,
            "rule_features": self.rule_features_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TextClassifier:
        """Rebuild a fitted classifier from :meth:`to_state` output.

        Parameters
        ----------
        state : dict
            As returned by :meth:`to_state`.

        Returns
        -------
        TextClassifier

        Raises
        ------
        ValueError
            If the state has another format version or misses keys.
        """
        if state.get("format") not in _READABLE_FORMATS:
            msg = f"unsupported classifier state format {state.get('format')!r}"
            raise ValueError(msg)
        try:
            params = dict(state["params"])
            params["heads"] = tuple(params["heads"])
            params["ngram_range"] = tuple(params["ngram_range"])
            params["char_ngram_range"] = tuple(params["char_ngram_range"])
            model = cls(**params)
            model.heads_ = tuple(state["heads"])
            model.word_vectorizer_ = _vectorizer_from_state(state["word_vectorizer"])
            model.char_vectorizer_ = _vectorizer_from_state(state["char_vectorizer"])
            model.estimators_ = tuple(state["estimators"])
            model.calibrators_ = tuple(state["calibrators"])
            model.n_train_ = np.asarray(state["n_train"])
            model.n_features_ = int(state["n_features"])
            model.use_embeddings_ = bool(state["use_embeddings"])
            model.rule_features_ = bool(state.get("rule_features", False))
        except KeyError as exc:
            msg = f"classifier state lacks {exc.args[0]!r}"
            raise ValueError(msg) from exc
        if len(model.estimators_) != len(model.heads_):
            msg = "classifier state has one estimator per head"
            raise ValueError(msg)
        return model
