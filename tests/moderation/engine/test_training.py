"""Training and evaluation: held-out split, metrics, baseline."""

import json

import numpy as np
import pytest

from manchette.moderation.engine.datasets import Row
from manchette.moderation.engine.policy import Policy
from manchette.moderation.engine.training import (
    DEFAULT_HOLD_THRESHOLD,
    BaselineClassifier,
    evaluate,
    hold_threshold,
    label_matrix,
    model_only_thresholds,
    split_rows,
    train,
)
from manchette.moderation.engine.types import Category


def test_label_matrix_marks_unknown_heads_with_minus_one():
    rows = [Row("a", "fr", {"toxicity": 1}), Row("b", "en", {"spam": 0})]
    np.testing.assert_array_equal(
        label_matrix(rows, ("toxicity", "spam")), [[1, -1], [-1, 0]]
    )


def test_split_rows_is_stratified_and_reproducible(moderation_rows):
    train_rows, test_rows = split_rows(moderation_rows, test_size=0.25, seed=1)
    assert len(train_rows) + len(test_rows) == len(moderation_rows)
    assert {r.language for r in test_rows} == {"fr", "ar", "en"}
    assert {r.language for r in train_rows} == {"fr", "ar", "en"}
    assert (train_rows, test_rows) == split_rows(
        moderation_rows, test_size=0.25, seed=1
    )
    assert split_rows(moderation_rows, test_size=0.25, seed=2) != (
        train_rows,
        test_rows,
    )


def test_hold_threshold_reads_the_policy():
    policy = Policy()
    assert hold_threshold("toxicity") == policy.toxicity_hold
    assert hold_threshold("insult") == policy.hold[Category.INSULT]
    assert (
        hold_threshold("threat_incitement") == policy.hold[Category.THREAT_INCITEMENT]
    )
    assert hold_threshold("unknown-head") == DEFAULT_HOLD_THRESHOLD


def test_train_reports_held_out_metrics_and_baseline(moderation_rows):
    model, metrics = train(
        moderation_rows, params={"use_embeddings": False, "min_df": 1}, seed=0
    )
    assert metrics.n_train + metrics.n_test == len(moderation_rows)
    assert model.heads_ == ("toxicity", "insult", "hate", "spam")
    for language in ("all", "fr", "ar", "en"):
        score = metrics.get("toxicity", language)
        assert score is not None
        assert score.n > 0
        assert score.roc_auc is not None
        assert score.roc_auc >= 0.9  # our synthetic sentences are easy
        assert metrics.get("toxicity", language, baseline=True) is not None
    spam_en = metrics.get("spam", "en")
    assert spam_en is not None
    assert spam_en.threshold == Policy().hold[Category.SPAM]
    # French rows are all spam negatives: no AUC, reported as such.
    spam_fr = metrics.get("spam", "fr")
    assert spam_fr is not None
    assert (spam_fr.n_positive, spam_fr.roc_auc) == (0, None)
    assert spam_en.roc_auc is not None
    json.dumps(metrics.to_dict())  # JSON-compatible for meta.json


def test_train_skips_heads_without_both_classes():
    rows = [
        Row(f"texte calme numero {i}", "fr", {"toxicity": 0}) for i in range(10)
    ] + [Row(f"espece d idiot numero {i}", "fr", {"toxicity": 1}) for i in range(10)]
    model, _ = train(rows, params={"use_embeddings": False, "min_df": 1})
    assert model.heads_ == ("toxicity",)


def test_train_without_any_usable_head_raises():
    rows = [Row(f"texte {i}", "fr", {"toxicity": 0}) for i in range(10)]
    with pytest.raises(ValueError, match="no head"):
        train(rows, params={"use_embeddings": False})


def test_evaluate_leaves_auc_empty_when_one_class_only(fitted_classifier):
    rows = [Row("merci pour l'article", "fr", {"toxicity": 0})]
    score = evaluate(fitted_classifier, rows).get("toxicity", "fr")
    assert score is not None
    assert score.roc_auc is None
    assert score.recall is None
    assert score.n == 1


def test_baseline_classifier_predicts_one_column_per_head(moderation_rows):
    texts = [r.text for r in moderation_rows]
    y = label_matrix(moderation_rows, ("toxicity", "spam"))
    baseline = BaselineClassifier(heads=("toxicity", "spam")).fit(texts, y)
    proba = baseline.predict_proba(["quel crétin", "merci"])
    assert proba.shape == (2, 2)
    assert ((proba >= 0) & (proba <= 1)).all()


class _FixedScores:
    """A classifier double whose one head returns given probabilities."""

    heads_ = ("toxicity",)

    def __init__(self, scores):
        self.scores = dict(scores)

    def predict_proba(self, texts):
        return np.array([[self.scores[t]] for t in texts])


def test_model_only_threshold_is_lowest_with_lasting_precision():
    # 20 positives scored 0.95; 20 negatives: 2 at 0.91 (precision 0.91 at
    # 0.91-0.95 = 20/22) and 18 at 0.6 (precision 20/40 below 0.6).
    rows = [Row(f"p{i}", "fr", {"toxicity": 1}) for i in range(20)]
    rows += [Row(f"n{i}", "fr", {"toxicity": 0}) for i in range(20)]
    scores = {f"p{i}": 0.95 for i in range(20)}
    scores |= {f"n{i}": 0.91 if i < 2 else 0.6 for i in range(20)}
    loose = model_only_thresholds(_FixedScores(scores), rows, max_false_positive_rate=1)
    found = loose["toxicity"]
    assert found["threshold"] == 0.61
    assert found["precision"] == pytest.approx(20 / 22)
    assert found["recall"] == 1.0
    assert found["false_positive_rate"] == pytest.approx(2 / 20)
    assert found["flagged"] == 22
    # A 5 % false-positive bound stops above the two negatives at 0.91.
    bounded = model_only_thresholds(_FixedScores(scores), rows)["toxicity"]
    assert bounded["threshold"] == 0.92
    assert bounded["false_positive_rate"] == 0.0
    assert (found["n"], found["n_positive"]) == (40, 20)
    strict = model_only_thresholds(
        _FixedScores(scores), rows, min_precision=0.95, max_false_positive_rate=1
    )
    assert strict["toxicity"]["threshold"] == 0.92  # above the two negatives
    never = model_only_thresholds(_FixedScores(scores), rows, min_flagged=21)
    assert never["toxicity"]["threshold"] is None


def test_evaluate_splits_a_language_pooled_from_several_sources():
    rows = [Row(f"a{i}", "ar", {"toxicity": i % 2}, "mlma") for i in range(10)]
    rows += [Row(f"b{i}", "ar", {"toxicity": i % 2}, "mpold") for i in range(10)]
    rows += [Row(f"c{i}", "fr", {"toxicity": i % 2}, "mlma") for i in range(10)]
    scores = {r.text: 0.1 + 0.8 * r.labels["toxicity"] for r in rows}
    metrics = evaluate(_FixedScores(scores), rows)
    languages = {s.language for s in metrics.scores}
    assert languages == {"all", "ar", "ar/mlma", "ar/mpold", "fr"}
    mpold = metrics.get("toxicity", "ar/mpold")
    assert mpold is not None
    assert mpold.n == 10
