"""TextClassifier: the scikit-learn estimator contract on text input."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks

from manchette.moderation.engine.classifier import (
    RULE_FEATURES,
    TextClassifier,
    fold_text,
)
from manchette.moderation.engine.protocols import Classifier
from manchette.moderation.engine.training import label_matrix

INSULTS = ["le préfet est un imbécile fini", "what a moron the author is"]
NEUTRAL = ["le préfet a présenté le budget", "thanks to the author for this article"]


def _texts_labels(rows, heads=("toxicity", "insult", "hate", "spam")):
    return [r.text for r in rows], label_matrix(rows, heads)


def test_classifier_fit_returns_self_and_sets_learned_state(moderation_rows):
    texts, y = _texts_labels(moderation_rows)
    model = TextClassifier(use_embeddings=False, min_df=1)
    assert not hasattr(model, "heads_")
    assert model.fit(texts, y) is model
    assert model.heads_ == ("toxicity", "insult", "hate", "spam")
    assert len(model.estimators_) == len(model.calibrators_) == 4
    assert isinstance(model, Classifier)


def test_classifier_predict_proba_shape_and_range(fitted_classifier):
    proba = fitted_classifier.predict_proba([*INSULTS, *NEUTRAL, "", "ok"])
    assert proba.shape == (6, 4)
    assert proba.dtype == np.float64
    assert ((proba >= 0) & (proba <= 1)).all()
    assert fitted_classifier.predict_proba([]).shape == (0, 4)


def test_classifier_scores_insults_above_neutral_text(fitted_classifier):
    proba = fitted_classifier.predict_proba([*INSULTS, *NEUTRAL])
    toxicity = proba[:, 0]
    assert toxicity[:2].min() > toxicity[2:].max()


def test_classifier_is_deterministic_with_a_seed(moderation_rows):
    texts, y = _texts_labels(moderation_rows)
    first = TextClassifier(use_embeddings=False, min_df=1, random_state=3)
    second = clone(first)
    probe = [*INSULTS, *NEUTRAL]
    np.testing.assert_array_equal(
        first.fit(texts, y).predict_proba(probe),
        second.fit(texts, y).predict_proba(probe),
    )


def test_classifier_trains_each_head_on_its_known_rows_only(moderation_rows):
    texts, y = _texts_labels(moderation_rows)
    model = TextClassifier(use_embeddings=False, min_df=1).fit(texts, y)
    np.testing.assert_array_equal(model.n_train_, (y >= 0).sum(axis=0))
    # spam is known on a minority of rows; the others are -1 and must be ignored.
    assert model.n_train_[3] < len(texts)
    assert model.estimators_[3].classes_.tolist() == [0, 1]


def test_classifier_rejects_a_head_without_both_classes(moderation_rows):
    texts, y = _texts_labels(moderation_rows)
    y[:, 2] = np.where(y[:, 2] == 1, -1, y[:, 2])  # no positive hate row left
    with pytest.raises(ValueError, match="'hate' needs positive and negative"):
        TextClassifier(use_embeddings=False, min_df=1).fit(texts, y)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.zeros((3, 4)), "must have shape"),
        (np.full((4, 4), 2), "may only contain 0, 1 and -1"),
    ],
)
def test_classifier_validates_labels(y, message):
    with pytest.raises(ValueError, match=message):
        TextClassifier(use_embeddings=False).fit(["a", "b", "c", "d"], y)


@pytest.mark.parametrize(
    "params",
    [{"heads": ("toxicity", "nonsense")}, {"calibration": "magic"}, {"C": 0.0}],
)
def test_classifier_validates_parameters_at_fit(params):
    with pytest.raises(ValueError, match=r"heads|calibration|C must"):
        TextClassifier(use_embeddings=False, **params).fit(["a", "b"], [[0], [1]])


def test_classifier_refuses_a_single_string():
    with pytest.raises(TypeError, match="not a single string"):
        TextClassifier(use_embeddings=False, heads=("toxicity",)).fit("abc", [1])


def test_classifier_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        TextClassifier().predict_proba(["bonjour"])


@pytest.mark.parametrize("calibration", ["isotonic", "none"])
def test_classifier_other_calibrations_give_probabilities(moderation_rows, calibration):
    texts, y = _texts_labels(moderation_rows)
    model = TextClassifier(use_embeddings=False, min_df=1, calibration=calibration)
    proba = model.fit(texts, y).predict_proba([*INSULTS, *NEUTRAL])
    assert ((proba >= 0) & (proba <= 1)).all()
    assert proba[:2, 0].mean() > proba[2:, 0].mean()


@pytest.mark.slow  # loads the 150 MB sentence encoder; ~30 s on a busy machine
def test_classifier_with_embeddings_appends_512_dense_features(moderation_rows):
    rows = [r for r in moderation_rows if "toxicity" in r.labels][::3]
    texts, y = _texts_labels(rows, heads=("toxicity",))
    model = TextClassifier(heads=("toxicity",), min_df=1).fit(texts, y)
    without = TextClassifier(heads=("toxicity",), min_df=1, use_embeddings=False)
    without.fit(texts, y)
    assert model.n_features_ == without.n_features_ + 512
    proba = model.predict_proba([*INSULTS, *NEUTRAL])
    assert proba.shape == (4, 1)
    assert proba[:2, 0].min() > proba[2:, 0].max()


def test_fold_text_folds_case_accents_harakat_and_stretching():
    assert fold_text("Crééétin  FIIINI l'Armée") == "cretin  fini l armee"
    assert fold_text("حَمَـــار") == "حمار"


def test_classifier_state_round_trip_predicts_identically(fitted_classifier):
    rebuilt = TextClassifier.from_state(fitted_classifier.to_state())
    probe = [*INSULTS, *NEUTRAL]
    np.testing.assert_array_equal(
        rebuilt.predict_proba(probe), fitted_classifier.predict_proba(probe)
    )
    assert rebuilt.get_params() == fitted_classifier.get_params()


def test_classifier_from_state_rejects_another_format(fitted_classifier):
    state = {**fitted_classifier.to_state(), "format": 99}
    with pytest.raises(ValueError, match="format"):
        TextClassifier.from_state(state)


def _sklearn_path(model):
    """Force the scikit-learn scoring path (the fast scorer is a cache)."""
    model.__dict__["_fast_scorer"] = None
    return model


@pytest.mark.parametrize("calibration", ["sigmoid", "none"])
def test_fast_scoring_equals_scikit_learn_path(moderation_rows, calibration):
    texts, y = _texts_labels(moderation_rows)
    model = TextClassifier(use_embeddings=False, min_df=1, calibration=calibration)
    model.fit(texts, y)
    probe = [*INSULTS, *NEUTRAL, "", "🙂", "ya 7maaar", "سأقتلك", "x " * 300]
    fast = model.predict_proba(probe)
    assert model.__dict__["_fast_scorer"] is not None  # the fast path ran
    slow = _sklearn_path(model).predict_proba(probe)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-6)


def test_isotonic_model_uses_scikit_learn_path(moderation_rows):
    texts, y = _texts_labels(moderation_rows)
    model = TextClassifier(use_embeddings=False, min_df=1, calibration="isotonic")
    proba = model.fit(texts, y).predict_proba(INSULTS)
    assert model.__dict__["_fast_scorer"] is None
    assert proba.shape == (2, 4)


def test_rule_features_are_learned_and_given_or_computed(moderation_rows):
    from manchette.moderation.engine.engine import rule_score_matrix

    texts, y = _texts_labels(moderation_rows)
    model = TextClassifier(use_embeddings=False, min_df=1, rule_features=True)
    model.fit(texts, y)
    assert model.rule_features_ is True
    plain = TextClassifier(use_embeddings=False, min_df=1).fit(texts, y)
    assert model.n_features_ == plain.n_features_ + len(RULE_FEATURES)
    probe = [*INSULTS, *NEUTRAL, "Il faut tuer ces traîtres"]
    scores = rule_score_matrix(probe)
    assert scores.shape == (len(probe), len(RULE_FEATURES))
    assert scores[-1, RULE_FEATURES.index("threat_incitement")] >= 0.4
    given = model.predict_proba(probe, rule_scores=scores)
    np.testing.assert_allclose(model.predict_proba(probe), given)
    # The rule columns carry weight: other rule scores, other probabilities.
    assert not np.allclose(model.predict_proba(probe, rule_scores=scores * 0), given)
    np.testing.assert_allclose(
        _sklearn_path(model).predict_proba(probe, rule_scores=scores), given, atol=1e-6
    )
    with pytest.raises(ValueError, match="rule_scores"):
        model.predict_proba(probe, rule_scores=scores[:, :3])
    rebuilt = TextClassifier.from_state(model.to_state())
    np.testing.assert_allclose(rebuilt.predict_proba(probe), given)


def test_classifier_reads_format_2_states_without_rule_features(fitted_classifier):
    state = fitted_classifier.to_state()
    del state["rule_features"]
    state["format"] = 2
    rebuilt = TextClassifier.from_state(state)
    assert rebuilt.rule_features_ is False
    np.testing.assert_array_equal(
        rebuilt.predict_proba(INSULTS), fitted_classifier.predict_proba(INSULTS)
    )


# scikit-learn's own checks that apply to an estimator whose X is text: the
# others (check_estimator's full list) feed numeric arrays to fit/predict and
# test numeric-input behaviour (NaN, sparse, dtypes, 1-feature X) that has no
# meaning for a list of strings.
TEXT_INDEPENDENT_CHECKS = [
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_parameters_default_constructible,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_estimator_cloneable,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
    estimator_checks.check_valid_tag_types,
    estimator_checks.check_estimator_tags_renamed,
]


@pytest.mark.parametrize(
    "check", TEXT_INDEPENDENT_CHECKS, ids=lambda c: c.__name__.removeprefix("check_")
)
def test_classifier_passes_sklearn_estimator_check(check):
    check("TextClassifier", TextClassifier())
