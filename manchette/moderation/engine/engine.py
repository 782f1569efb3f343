"""The moderation engine: rules + optional classifier + policy → verdict.

:class:`Engine` is pure: no I/O in :meth:`Engine.moderate` (the language model
and lexicons are loaded when the engine is built). Failures never approve: if a
rule or the classifier raises, the verdict is HOLD with a ``source="engine"``
reason saying what failed.

How scores are combined
-----------------------
For each category, the score is ``max(rule score, classifier head score)``;
the rule score is the strongest reason of that category. Rules dominate
threat/incitement and personal data (the classifier has no training data for
them, and those categories are never auto-rejected anyway). A classifier head
that no rule of its category corroborates is *model-only evidence*: the
policy holds it only at the stricter :attr:`Policy.model_hold` thresholds,
set from held-out precision, and never rejects on it (the shipped heads are
calibrated to a 50 % prior and too weak to act alone at 0.5). ``toxicity`` is
the maximum of the classifier's ``toxicity`` head and the scores of the
harmful categories (threat, hate, insult, sexual) that a rule found.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, cast

from manchette.moderation.engine.langid import LanguageIdentifier
from manchette.moderation.engine.normalize import normalize
from manchette.moderation.engine.policy import Policy
from manchette.moderation.engine.rules import count_links, default_rules
from manchette.moderation.engine.types import (
    Action,
    Category,
    Reason,
    Submission,
    Verdict,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import numpy.typing as npt

    from manchette.moderation.engine.protocols import (
        Classifier,
        Rule,
        RuleFeatureClassifier,
    )

__all__ = ["ENGINE_VERSION", "HARMFUL", "Engine", "rule_score_matrix"]

#: Version of the rules, lexicons and policy defaults. Bump on any change that
#: can change a verdict.
ENGINE_VERSION = "1.3.2"

#: Categories that make up ``toxicity``.
HARMFUL: frozenset[Category] = frozenset(
    {Category.THREAT_INCITEMENT, Category.HATE, Category.INSULT, Category.SEXUAL}
)

_CATEGORY_VALUES = {c.value: c for c in Category}
logger = logging.getLogger(__name__)
_RULES_ENGINE: Engine | None = None


def _failure(what: str, error: BaseException) -> Reason:
    # Category is required on every reason; a failure is filed under threat,
    # the category whose miss costs most, with score 0 so it distorts nothing.
    return Reason(
        source="engine",
        category=Category.THREAT_INCITEMENT,
        score=0.0,
        span=None,
        detail=f"{what} failed: {type(error).__name__}",
    )


#: Column order of :meth:`Engine.rule_scores` (``classifier.RULE_FEATURES``).
_FEATURE_CATEGORIES = (
    Category.THREAT_INCITEMENT,
    Category.HATE,
    Category.INSULT,
    Category.SEXUAL,
    Category.SPAM,
    Category.PERSONAL_DATA,
)


def _score_matrix(
    rule_scores: Sequence[dict[Category, float]],
) -> npt.NDArray[np.float64]:
    import numpy as np

    return np.array(
        [
            [*(scores[c] for c in _FEATURE_CATEGORIES), max(scores[c] for c in HARMFUL)]
            for scores in rule_scores
        ],
        dtype=np.float64,
    ).reshape(len(rule_scores), len(_FEATURE_CATEGORIES) + 1)


def rule_score_matrix(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Return the default rules' scores of texts (see :meth:`Engine.rule_scores`).

    Uses one rules-only engine per process, built on first use.

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    ndarray of shape (len(texts), 7), dtype float64
    """
    global _RULES_ENGINE
    if _RULES_ENGINE is None:
        _RULES_ENGINE = Engine()
    return _RULES_ENGINE.rule_scores(texts)


class Engine:
    """Moderate submissions with rules, an optional classifier and a policy.

    Parameters
    ----------
    rules : sequence of Rule or None
        The rules to run; ``None`` means :func:`rules.default_rules`.
    classifier : Classifier or None
        A fitted classifier; ``None`` runs the rules alone.
    policy : Policy or None
        Thresholds; ``None`` means ``Policy()``.
    model_version : str or None
        Reported in every verdict (for instance the artifact's version).
    """

    def __init__(
        self,
        *,
        rules: Sequence[Rule] | None = None,
        classifier: Classifier | None = None,
        policy: Policy | None = None,
        model_version: str | None = None,
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(
            default_rules() if rules is None else rules
        )
        self.classifier = classifier
        self.policy = policy if policy is not None else Policy()
        self.model_version = model_version
        self._language = LanguageIdentifier()

    def moderate(self, submission: Submission) -> Verdict:
        """Return the verdict for one submission (see :meth:`moderate_batch`)."""
        return self.moderate_batch([submission])[0]

    def moderate_batch(self, submissions: Sequence[Submission]) -> list[Verdict]:
        """Return one verdict per submission, in order.

        The classifier, if any, is called once for the whole batch.

        Parameters
        ----------
        submissions : sequence of Submission

        Returns
        -------
        list of Verdict
            Never APPROVE for a submission whose rules or classifier failed.
        """
        if not submissions:
            return []
        passes = [self._rule_pass(submission) for submission in submissions]
        heads: tuple[str, ...] = ()
        probabilities: npt.NDArray[np.float64] | None = None
        classifier_error: Reason | None = None
        if self.classifier is not None:
            try:
                heads = tuple(self.classifier.heads_)
                texts = [s.text for s in submissions]
                if getattr(self.classifier, "rule_features_", False):
                    # A model trained on the rules' scores gets the ones
                    # just computed instead of running the rules again.
                    reader = cast("RuleFeatureClassifier", self.classifier)
                    probabilities = reader.predict_proba(
                        texts, rule_scores=_score_matrix([p[2] for p in passes])
                    )
                else:
                    probabilities = self.classifier.predict_proba(texts)
                shape = getattr(probabilities, "shape", None)
                if shape != (len(submissions), len(heads)):
                    msg = f"predict_proba returned shape {shape}"
                    raise ValueError(msg)
            except Exception as error:
                logger.exception("moderation classifier failed")
                classifier_error = _failure("classifier", error)
                probabilities = None
        verdicts: list[Verdict] = []
        for row, (submission, rule_pass) in enumerate(
            zip(submissions, passes, strict=True)
        ):
            model: dict[str, float] = {}
            row_error = classifier_error
            if probabilities is not None:
                values = [float(v) for v in probabilities[row]]
                if all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values):
                    model = dict(zip(heads, values, strict=True))
                else:
                    row_error = _failure(
                        "classifier", ValueError("probability out of range")
                    )
            verdicts.append(self._verdict(submission, rule_pass, model, row_error))
        return verdicts

    def rule_scores(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return the rules' scores of texts as classifier features.

        Parameters
        ----------
        texts : sequence of str
            Original texts (no language hint).

        Returns
        -------
        ndarray of shape (len(texts), 7), dtype float64
            Columns :data:`classifier.RULE_FEATURES`: the strongest rule
            reason of each category (0 if none), then the strongest harmful
            one. A failed rule contributes nothing.
        """
        return _score_matrix([self._rule_pass(Submission(text))[2] for text in texts])

    def _rule_pass(
        self, submission: Submission
    ) -> tuple[str, list[Reason], dict[Category, float]]:
        """Language, rule reasons (failures as engine reasons) and rule scores."""
        reasons: list[Reason] = []
        try:
            language = self._language.detect(submission.text, submission.language_hint)
        except Exception as exc:
            logger.exception("language identification failed")
            reasons.append(_failure("language identification", exc))
            language = submission.language_hint or "und"
        try:
            text = normalize(submission.text, arabizi=language == "ary-Latn" or None)
        except Exception as exc:
            logger.exception("normalisation failed")
            reasons.append(_failure("normalisation", exc))
            text = None
        if text is not None:
            for rule in self.rules:
                try:
                    reasons.extend(rule.apply(text, language))
                except Exception as exc:
                    logger.exception("moderation rule %s failed", rule.name)
                    reasons.append(_failure(f"rule {rule.name!r}", exc))
        rule_scores = dict.fromkeys(Category, 0.0)
        for reason in reasons:
            if reason.source != "engine":
                rule_scores[reason.category] = max(
                    rule_scores[reason.category], reason.score
                )
        return language, reasons, rule_scores

    def _verdict(
        self,
        submission: Submission,
        rule_pass: tuple[str, list[Reason], dict[Category, float]],
        model: dict[str, float],
        error: Reason | None,
    ) -> Verdict:
        language, rule_reasons, rule_scores = rule_pass
        reasons: list[Reason] = [] if error is None else [error]
        reasons.extend(rule_reasons)
        scores = dict(rule_scores)
        policy = self.policy
        for head, value in model.items():
            category = _CATEGORY_VALUES.get(head)
            if category is None:
                continue
            scores[category] = max(scores[category], value)
            backed = rule_scores[category] > 0.0
            if value >= (policy.hold if backed else policy.model_hold)[category]:
                reasons.append(
                    Reason(
                        source=f"classifier:{head}",
                        category=category,
                        score=round(value, 4),
                        span=None,
                        detail=f"classifier head {head!r}",
                    )
                )
        backed_harmful = [scores[c] for c in HARMFUL if rule_scores[c] > 0.0]
        head_toxicity = model.get("toxicity", 0.0)
        toxicity = max([head_toxicity, *backed_harmful])
        if not backed_harmful and head_toxicity >= policy.model_toxicity_hold:
            # Held on the toxicity head alone: file it under the harmful head
            # the model rates highest, so the queue still shows a category.
            category = max(
                (c for c in (Category.INSULT, Category.HATE) if c.value in model),
                key=lambda c: model[c.value],
                default=Category.INSULT,
            )
            reasons.append(
                Reason(
                    source="classifier:toxicity",
                    category=category,
                    score=round(head_toxicity, 4),
                    span=None,
                    detail="classifier head 'toxicity'",
                )
            )
        links = (
            submission.link_count
            if submission.link_count is not None
            else count_links(submission.text)
        )
        action = self.policy.decide(
            scores,
            toxicity,
            reasons,
            link_count=links,
            author_history=submission.author_history,
            rule_scores=rule_scores,
        )
        if links >= self.policy.links_hold:
            reasons.append(
                Reason("engine:links", Category.SPAM, 0.0, None, f"{links} links")
            )
        if any(r.source == "engine" for r in reasons) and action is not Action.HOLD:
            action = Action.HOLD
        reasons.sort(key=lambda r: (r.source != "engine", -r.score))
        return Verdict(
            action=action,
            scores=scores,
            toxicity=toxicity,
            reasons=tuple(reasons),
            language=language,
            engine_version=ENGINE_VERSION,
            model_version=self.model_version,
        )
