"""Policy: thresholds to actions."""

from __future__ import annotations

import pytest

from manchette.moderation.engine import Action, AuthorHistory, Category, Policy, Reason
from manchette.moderation.engine.policy import DEFAULT_MODEL_HOLD


def _scores(**values: float) -> dict[Category, float]:
    scores = dict.fromkeys(Category, 0.0)
    for name, value in values.items():
        scores[Category(name)] = value
    return scores


def test_policy_approves_clean_scores():
    assert Policy().decide(_scores(), 0.0, ()) is Action.APPROVE


@pytest.mark.parametrize(
    ("category", "value", "action"),
    [
        ("insult", 0.49, Action.APPROVE),
        ("insult", 0.5, Action.HOLD),
        ("insult", 0.85, Action.REJECT),
        ("hate", 0.9, Action.REJECT),
        ("spam", 0.6, Action.HOLD),
        ("sexual", 0.95, Action.REJECT),
        ("threat_incitement", 0.39, Action.APPROVE),
        ("threat_incitement", 0.4, Action.HOLD),
        ("threat_incitement", 1.0, Action.HOLD),
        ("personal_data", 1.0, Action.HOLD),
    ],
)
def test_policy_bands(category, value, action):
    assert Policy().decide(_scores(**{category: value}), 0.0, ()) is action


def test_policy_always_hold_beats_reject():
    scores = _scores(insult=0.99, threat_incitement=0.9)
    assert Policy().decide(scores, 0.99, ()) is Action.HOLD


def test_policy_links_hold():
    assert Policy().decide(_scores(), 0.0, (), link_count=1) is Action.APPROVE
    assert Policy().decide(_scores(), 0.0, (), link_count=2) is Action.HOLD
    assert (
        Policy(links_hold=5).decide(_scores(), 0.0, (), link_count=4) is Action.APPROVE
    )


def test_policy_toxicity_thresholds():
    assert Policy().decide(_scores(), 0.6, ()) is Action.HOLD
    assert Policy().decide(_scores(), 0.95, ()) is Action.REJECT


def test_policy_engine_failure_forces_hold():
    failure = Reason("engine", Category.THREAT_INCITEMENT, 0.0, None, "rule failed")
    assert Policy().decide(_scores(insult=0.99), 0.99, (failure,)) is Action.HOLD


def test_policy_repeat_offender_loses_benefit_of_doubt():
    history = AuthorHistory(approved=1, rejected=4)
    assert Policy().decide(_scores(insult=0.35), 0.35, ()) is Action.APPROVE
    decided = Policy().decide(_scores(insult=0.35), 0.35, (), author_history=history)
    assert decided is Action.HOLD


def test_policy_validates_thresholds():
    with pytest.raises(ValueError, match="hold <= reject"):
        Policy(hold=dict.fromkeys(Category, 0.9), reject=dict.fromkeys(Category, 0.5))
    with pytest.raises(ValueError, match="missing"):
        Policy(hold={Category.HATE: 0.5})


def test_policy_model_only_evidence_needs_stricter_bar_and_never_rejects():
    policy = Policy()
    no_rules = dict.fromkeys(Category, 0.0)
    # Above the ordinary 0.5 bar, below the model-only one: approved alone.
    below = _scores(insult=policy.model_hold[Category.INSULT] - 0.01)
    assert policy.decide(below, 0.5, (), rule_scores=no_rules) is Action.APPROVE
    toxic = policy.model_toxicity_hold
    assert policy.decide(below, toxic, (), rule_scores=no_rules) is Action.HOLD
    assert policy.decide(below, toxic - 0.01, (), rule_scores=no_rules) is (
        Action.APPROVE
    )
    insult = _scores(insult=0.99)
    assert policy.decide(insult, 0.5, (), rule_scores=no_rules) is Action.HOLD
    assert policy.decide(insult, 0.99, (), rule_scores=no_rules) is Action.HOLD
    # A rule backs the head: held at the ordinary bar, but only the rule's
    # own score can reach the reject threshold.
    backed = {**no_rules, Category.INSULT: 0.6}
    assert policy.decide(insult, 0.97, (), rule_scores=backed) is Action.HOLD
    assert policy.decide(_scores(insult=0.6), 0.6, (), rule_scores=backed) is (
        Action.HOLD
    )
    addressed = {**no_rules, Category.INSULT: 0.9}
    assert policy.decide(insult, 0.97, (), rule_scores=addressed) is Action.REJECT
    spam = _scores(spam=0.9)
    assert policy.decide(spam, 0.0, (), rule_scores=no_rules) is Action.APPROVE
    assert policy.decide(_scores(spam=0.95), 0.0, (), rule_scores=no_rules) is (
        Action.HOLD
    )


def test_policy_model_hold_accepts_category_values_and_validates():
    policy = Policy(model_hold={"insult": 0.9})
    assert policy.model_hold[Category.INSULT] == 0.9
    assert policy.model_hold[Category.SPAM] == DEFAULT_MODEL_HOLD[Category.SPAM]
    with pytest.raises(ValueError, match="model_hold"):
        Policy(model_hold={Category.HATE: 0.0})
