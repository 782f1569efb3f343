"""Engine: score combination, classifier batching, failure handling."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, override

import numpy as np
import numpy.typing as npt
import pytest

from manchette.moderation.engine import (
    ENGINE_VERSION,
    Action,
    AuthorHistory,
    Category,
    Classifier,
    Engine,
    NormalizedText,
    Policy,
    Reason,
    Span,
    Submission,
    Verdict,
    build_engine,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


class FakeClassifier:
    """A Classifier test double: scores from keywords, counts its calls."""

    heads_ = ("toxicity", "insult", "hate", "spam", "sexual")

    def __init__(self) -> None:
        self.calls: list[int] = []

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        self.calls.append(len(texts))
        rows = []
        for text in texts:
            rude = 0.9 if "nul" in text else 0.05
            rows.append([rude, rude, 0.01, 0.02, 0.01])
        return np.asarray(rows, dtype=np.float64)


class BrokenClassifier(FakeClassifier):
    @override
    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        raise RuntimeError("model file corrupted")


class WrongShapeClassifier(FakeClassifier):
    @override
    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return np.zeros((len(texts), 2))


class BrokenRule:
    name = "broken"

    def apply(self, text: NormalizedText, language: str) -> list[Reason]:
        raise KeyError("lexicon missing")


class AlwaysInsult:
    name = "always_insult"

    def apply(self, text: NormalizedText, language: str) -> list[Reason]:
        return [Reason(self.name, Category.INSULT, 0.99, Span(0, 1), "test rule")]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_engine_fake_classifier_satisfies_protocol():
    assert isinstance(FakeClassifier(), Classifier)


def test_engine_rules_only_verdict_shape(engine):
    verdict = engine.moderate(Submission("Merci pour cet article."))
    assert verdict.action is Action.APPROVE
    assert set(verdict.scores) == set(Category)
    assert verdict.model_version is None
    assert verdict.engine_version == ENGINE_VERSION
    assert verdict.language == "fr"


def test_engine_to_dict_is_json_ready(engine):
    verdict = engine.moderate(Submission("il faut tuer ces traîtres"))
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["action"] == "hold"
    assert set(data["categories"]) == {c.value for c in Category}
    assert data["reasons"][0]["category"] == "threat_incitement"
    assert isinstance(data["reasons"][0]["span"], list)


def test_engine_classifier_heads_combine_with_rules():
    classifier = FakeClassifier()
    engine = Engine(classifier=classifier, model_version="test-1")
    verdicts = engine.moderate_batch(
        [
            Submission("ce film est nul"),
            Submission("bel article"),
            Submission("connard"),
            Submission("connard nul"),
        ]
    )
    assert classifier.calls == [4]  # one batched call
    # Model-only evidence: held (toxicity head >= 0.86), never rejected, and
    # the insult head alone (0.9, below its model-only bar 0.94) adds no
    # reason of its own.
    assert verdicts[0].scores[Category.INSULT] == pytest.approx(0.9)
    assert verdicts[0].toxicity == pytest.approx(0.9)
    assert verdicts[0].action is Action.HOLD
    assert [r.source for r in verdicts[0].reasons] == ["classifier:toxicity"]
    assert verdicts[1].action is Action.APPROVE
    assert verdicts[2].scores[Category.INSULT] >= 0.5  # rule evidence kept
    # A rule corroborates the insult head: the head's reason is reported and
    # the combined score is high, but a bare word (rule below the reject
    # threshold) is reviewed: the model never turns a hold into a rejection.
    assert verdicts[3].scores[Category.INSULT] >= Policy().reject[Category.INSULT]
    assert any(r.source == "classifier:insult" for r in verdicts[3].reasons)
    assert verdicts[3].action is Action.HOLD
    assert all(v.model_version == "test-1" for v in verdicts)


class RuleReadingClassifier(FakeClassifier):
    """Records the rule scores the engine hands to a rule-feature model."""

    rule_features_ = True

    def __init__(self) -> None:
        super().__init__()
        self.rule_scores: list[npt.NDArray[np.float64]] = []

    @override
    def predict_proba(
        self, texts: Sequence[str], rule_scores: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.float64]:
        assert rule_scores is not None
        self.rule_scores.append(np.asarray(rule_scores))
        return super().predict_proba(texts)


def test_engine_hands_its_rule_scores_to_a_rule_feature_model():
    classifier = RuleReadingClassifier()
    engine = Engine(classifier=classifier)
    texts = ["Il faut tuer ces traîtres", "bel article", "T'es qu'un connard"]
    verdicts = engine.moderate_batch([Submission(t) for t in texts])
    assert classifier.calls == [3]
    (given,) = classifier.rule_scores
    np.testing.assert_array_equal(given, engine.rule_scores(texts))
    threat, insult = 0, 2  # columns of classifier.RULE_FEATURES
    assert given[0, threat] == verdicts[0].scores[Category.THREAT_INCITEMENT] >= 0.4
    assert given[2, insult] >= 0.85
    assert given[1].max() == 0.0
    assert (given[:, -1] == given[:, :4].max(axis=1)).all()  # strongest harmful


@pytest.mark.parametrize("classifier", [BrokenClassifier(), WrongShapeClassifier()])
def test_engine_classifier_failure_holds(classifier):
    engine = Engine(classifier=classifier)
    verdict = engine.moderate(Submission("bel article"))
    assert verdict.action is Action.HOLD
    assert verdict.reasons[0].source == "engine"
    assert "failed" in verdict.reasons[0].detail


def test_engine_rule_failure_holds_never_approves():
    engine = Engine(rules=[BrokenRule()])
    verdict = engine.moderate(Submission("bel article"))
    assert verdict.action is Action.HOLD
    assert verdict.reasons[0].source == "engine"
    assert "'broken' failed" in verdict.reasons[0].detail


def test_engine_rule_failure_holds_even_when_another_rule_rejects():
    engine = Engine(rules=[AlwaysInsult(), BrokenRule()])
    assert engine.moderate(Submission("x")).action is Action.HOLD
    assert (
        Engine(rules=[AlwaysInsult()]).moderate(Submission("x")).action is Action.REJECT
    )


def test_engine_link_count_from_submission_or_text(engine):
    assert engine.moderate(Submission("voir ceci", link_count=3)).action is Action.HOLD
    two = "voir https://a.example.org et https://b.example.org"
    assert engine.moderate(Submission(two)).action is Action.HOLD
    assert (
        engine.moderate(Submission("voir https://a.example.org")).action
        is Action.APPROVE
    )


def test_engine_author_history_reaches_policy():
    engine = Engine(rules=[], classifier=FakeClassifier())
    text = "article moyen"
    assert engine.moderate(Submission(text)).action is Action.APPROVE
    history = AuthorHistory(approved=0, rejected=5)
    offender = engine.moderate(Submission(text, author_history=history))
    assert offender.action is Action.APPROVE  # toxicity 0.05 < 0.3
    rude = engine.moderate(Submission("c'est nul", author_history=history))
    assert rude.action is Action.HOLD  # model-only evidence never rejects
    mild = engine.moderate(Submission("bof", author_history=history))
    assert mild.action is Action.APPROVE


def test_engine_empty_batch_and_empty_text(engine):
    assert engine.moderate_batch([]) == []
    verdict = engine.moderate(Submission(""))
    assert verdict.action is Action.APPROVE
    assert verdict.language == "und"


def test_engine_uses_language_hint_when_unsure(engine):
    assert engine.moderate(Submission("ok", language_hint="en")).language == "en"


def test_build_engine_defaults():
    engine = build_engine(model_version="v9")
    assert engine.classifier is None
    assert engine.moderate(Submission("hello there friends")).model_version == "v9"


def test_verdict_validates_scores():
    with pytest.raises(ValueError, match="missing"):
        Verdict(Action.APPROVE, {}, 0.0, (), "fr", ENGINE_VERSION, None)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Verdict(
            Action.APPROVE,
            dict.fromkeys(Category, 2.0),
            0.0,
            (),
            "fr",
            ENGINE_VERSION,
            None,
        )
    with pytest.raises(ValueError, match="invalid span"):
        Span(3, 1)
