"""The attribute mapping, on verdicts built by hand (no engine, no database)."""

import pytest

from manchette.moderation.engine.types import Action, Category, Reason, Span, Verdict
from manchette.perspective.attributes import (
    ATTRIBUTES,
    attribute_score,
    attribute_spans,
)


def _verdict(toxicity=0.0, reasons=(), **scores):
    values = dict.fromkeys(Category, 0.0)
    values.update({Category(k): v for k, v in scores.items()})
    return Verdict(
        action=Action.APPROVE,
        scores=values,
        toxicity=toxicity,
        reasons=tuple(reasons),
        language="fr",
        engine_version="test",
        model_version=None,
    )


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("TOXICITY", 0.8),
        ("IDENTITY_ATTACK", 0.1),
        ("INSULT", 0.8),
        ("PROFANITY", 0.8),
        ("THREAT", 0.3),
        ("SEXUALLY_EXPLICIT", 0.2),
        ("SPAM", 0.4),
        ("SEVERE_TOXICITY", 0.512),
    ],
)
def test_attribute_score_follows_the_documented_mapping(attribute, expected):
    verdict = _verdict(
        toxicity=0.8,
        insult=0.8,
        threat_incitement=0.3,
        hate=0.1,
        sexual=0.2,
        spam=0.4,
    )

    assert attribute_score(attribute, verdict) == pytest.approx(expected)


def test_severe_toxicity_keeps_threats_and_hate_whole():
    threat = _verdict(toxicity=0.9, threat_incitement=0.9)
    hate = _verdict(toxicity=0.7, hate=0.7)
    rude = _verdict(toxicity=0.6, insult=0.6)

    assert attribute_score("SEVERE_TOXICITY", threat) == pytest.approx(0.9)
    assert attribute_score("SEVERE_TOXICITY", hate) == pytest.approx(0.7)
    assert attribute_score("SEVERE_TOXICITY", rude) == pytest.approx(0.216)


def test_profanity_takes_the_larger_of_insult_and_sexual():
    verdict = _verdict(toxicity=0.7, insult=0.2, sexual=0.7)

    assert attribute_score("PROFANITY", verdict) == pytest.approx(0.7)


def test_attribute_spans_keep_the_attribute_categories_only():
    reasons = [
        Reason("insult", Category.INSULT, 0.8, Span(10, 15), "insult word"),
        Reason("insult", Category.INSULT, 0.6, Span(10, 15), "weaker, same span"),
        Reason("threat", Category.THREAT_INCITEMENT, 0.9, Span(0, 8), "threat"),
        Reason("classifier:insult", Category.INSULT, 0.7, None, "no span"),
    ]
    verdict = _verdict(toxicity=0.9, insult=0.8, threat_incitement=0.9, reasons=reasons)

    insult = attribute_spans("INSULT", verdict)
    toxicity = attribute_spans("TOXICITY", verdict)
    severe = attribute_spans("SEVERE_TOXICITY", verdict)

    assert [(s.begin, s.end, s.score) for s in insult] == [(10, 15, 0.8)]
    assert [(s.begin, s.end) for s in toxicity] == [(0, 8), (10, 15)]
    assert [round(s.score, 3) for s in severe] == [0.9, 0.512]


def test_unknown_attribute_raises_key_error():
    with pytest.raises(KeyError):
        attribute_score("FLIRTATION", _verdict())


def test_attributes_cover_perspective_production_set():
    assert {
        "TOXICITY",
        "SEVERE_TOXICITY",
        "IDENTITY_ATTACK",
        "INSULT",
        "PROFANITY",
        "THREAT",
        "SEXUALLY_EXPLICIT",
    } <= set(ATTRIBUTES)
