"""Contract tests of /v1alpha1/: Coral's exact requests and Perspective's reference.

The request and response examples are written from Perspective's public API
reference (methods, fields, types, error format), in our own words and texts.
The engine runs on its rules alone (``rules_only_engine``), so scores do not
depend on whether a model artifact is installed.
"""

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from manchette.perspective.errors import ANALYZER_ERROR_TYPE, ERROR_INFO_TYPE
from manchette.perspective.models import SuggestedScore

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"

pytestmark = pytest.mark.usefixtures("rules_only_engine")


def _post(client, path, body, *, key=None, **headers):
    url = path if key is None else f"{path}?key={key}"
    payload = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(url, payload, content_type="application/json", **headers)


def _error(response, code, status):
    assert response.status_code == code
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "status", "details"}
    assert error["code"] == code
    assert error["status"] == status
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


# --- Coral -------------------------------------------------------------------


def test_analyze_coral_request_on_arabic_comment_trusts_detection(
    client, perspective_key
):
    """Coral sends languages ["en"] and one TOXICITY attribute for any language."""
    body = {
        "comment": {"text": "أنت غبي وحقير ولا تفهم شيئا"},
        "doNotStore": True,
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["en"],
    }

    response = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"attributeScores", "languages", "detectedLanguages"}
    assert list(data["attributeScores"]) == ["TOXICITY"]
    summary = data["attributeScores"]["TOXICITY"]["summaryScore"]
    assert summary["type"] == "PROBABILITY"
    assert summary["value"] > 0.8  # what Coral reads: data.attributeScores.TOXICITY
    assert data["detectedLanguages"] == ["ar"]
    assert data["languages"] == ["ar"]
    assert "spanScores" not in data["attributeScores"]["TOXICITY"]


def test_analyze_coral_request_on_benign_arabic_comment_scores_low(
    client, perspective_key
):
    body = {
        "comment": {"text": "شكرا على هذا المقال المفيد عن ميناء المدينة"},
        "doNotStore": True,
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["en"],
    }

    data = _post(client, ANALYZE, body, key=perspective_key.raw_key).json()

    assert data["attributeScores"]["TOXICITY"]["summaryScore"]["value"] < 0.2
    assert data["detectedLanguages"] == ["ar"]


def test_suggestscore_coral_decision_is_stored_for_learning(client, perspective_key):
    """Coral's feedback: its decision as a score of 1, context entries as JSON."""
    context = json.dumps(
        {
            "url": "https://news.example.org/2026/port?commentID=c-42",
            "reply_to_id_Coral_comment_id": "c-41",
            "Coral_comment_id": "c-42",
        }
    )
    body = {
        "comment": {"text": "nta hmar o mkalakh"},
        "context": {"entries": [{"text": context}]},
        "attributeScores": {"DELETED": {"summaryScore": {"value": 1}}},
        "languages": ["EN"],
        "communityId": "Coral:https://news.example.org/",
        "clientToken": "comment:c-42",
    }

    response = _post(client, SUGGEST, body, key=perspective_key.raw_key)

    assert response.status_code == 200
    assert response.json() == {"clientToken": "comment:c-42"}
    row = SuggestedScore.objects.get()
    assert row.text == "nta hmar o mkalakh"
    assert row.attribute == "DELETED"
    assert row.value == 1.0
    assert row.context == [context]
    assert row.languages == ["en"]
    assert row.community_id == "Coral:https://news.example.org/"
    assert row.client_token == "comment:c-42"
    assert row.api_key == perspective_key


def test_suggestscore_toxicity_value_zero_means_approved(client, perspective_key):
    """The issue's variant: TOXICITY 0 for an approved comment, 1 for a removed one."""
    body = {
        "comment": {"text": "Bonne analyse du budget municipal."},
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}},
        "communityId": "Coral:https://news.example.org/",
        "clientToken": "comment:c-7",
    }

    response = _post(client, SUGGEST, body, key=perspective_key.raw_key)

    assert response.json() == {"clientToken": "comment:c-7"}
    assert SuggestedScore.objects.get().value == 0.0


def test_suggestscore_do_not_store_keeps_no_text(client, perspective_key):
    body = {
        "comment": {"text": "Un texte privé à ne pas garder."},
        "context": {"entries": [{"text": "contexte privé"}]},
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}},
        "doNotStore": True,
    }

    _post(client, SUGGEST, body, key=perspective_key.raw_key)

    row = SuggestedScore.objects.get()
    assert row.text == ""
    assert row.context == []


# --- Perspective reference: requests and responses ---------------------------


def test_analyze_reference_request_with_several_attributes(client, perspective_key):
    """Several attributes in one request; each answers with a PROBABILITY summary."""
    body = {
        "comment": {"text": "You are a stupid idiot and I will kill you."},
        "languages": ["en"],
        "requestedAttributes": {
            "TOXICITY": {},
            "SEVERE_TOXICITY": {},
            "IDENTITY_ATTACK": {},
            "INSULT": {},
            "PROFANITY": {},
            "THREAT": {},
            "SEXUALLY_EXPLICIT": {},
        },
        "clientToken": "request-17",
    }

    data = _post(client, ANALYZE, body, key=perspective_key.raw_key).json()

    scores = {
        name: entry["summaryScore"]["value"]
        for name, entry in data["attributeScores"].items()
    }
    assert set(scores) == set(body["requestedAttributes"])
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert all(
        entry["summaryScore"]["type"] == "PROBABILITY"
        for entry in data["attributeScores"].values()
    )
    assert scores["THREAT"] > 0.5
    assert scores["INSULT"] > 0.5
    assert scores["TOXICITY"] >= max(scores["THREAT"], scores["INSULT"])
    assert scores["SEXUALLY_EXPLICIT"] < 0.5
    assert scores["IDENTITY_ATTACK"] < 0.5
    assert scores["PROFANITY"] == scores["INSULT"]
    assert data["clientToken"] == "request-17"
    assert data["languages"] == ["en"]


def test_analyze_score_threshold_omits_attributes_below_it(client, perspective_key):
    """An attribute whose score is below its scoreThreshold is not returned."""
    body = {
        "comment": {"text": "Tu es un idiot complet."},
        "requestedAttributes": {
            "INSULT": {"scoreType": "PROBABILITY", "scoreThreshold": 0.5},
            "THREAT": {"scoreThreshold": 0.5},
            "SEXUALLY_EXPLICIT": {},
        },
    }

    data = _post(client, ANALYZE, body, key=perspective_key.raw_key).json()

    assert set(data["attributeScores"]) == {"INSULT", "SEXUALLY_EXPLICIT"}
    assert data["attributeScores"]["INSULT"]["summaryScore"]["value"] >= 0.5
    assert data["attributeScores"]["SEXUALLY_EXPLICIT"]["summaryScore"]["value"] < 0.5


def test_analyze_span_annotations_give_code_point_offsets(client, perspective_key):
    """Span scores locate the evidence: text[begin:end] is the insulting word."""
    text = "🙂🙂 Merci, mais tu es un idiot."
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"INSULT": {}, "THREAT": {}},
        "spanAnnotations": True,
    }

    data = _post(client, ANALYZE, body, key=perspective_key.raw_key).json()

    spans = data["attributeScores"]["INSULT"]["spanScores"]
    assert len(spans) == 1
    span = spans[0]
    assert text[span["begin"] : span["end"]] == "idiot"  # code points, not UTF-16
    assert span["score"]["type"] == "PROBABILITY"
    assert (
        span["score"]["value"]
        == data["attributeScores"]["INSULT"]["summaryScore"]["value"]
    )
    assert "spanScores" not in data["attributeScores"]["THREAT"]


def test_analyze_span_threshold_drops_weaker_spans(client, perspective_key):
    text = "You are a stupid idiot."
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"INSULT": {"scoreThreshold": 0.8}},
        "spanAnnotations": True,
    }

    data = _post(client, ANALYZE, body, key=perspective_key.raw_key).json()

    words = [
        text[s["begin"] : s["end"]]
        for s in data["attributeScores"]["INSULT"]["spanScores"]
    ]
    assert words == ["idiot"]  # "stupid" scores below 0.8 (0.725 with the rules)


def test_analyze_html_comment_is_scored_without_tags(client, perspective_key):
    html = "<p>Tu es un <b>id&#105;ot</b> fini.</p>"
    body = {
        "comment": {"text": html, "type": "HTML"},
        "requestedAttributes": {"INSULT": {}},
        "spanAnnotations": True,
    }

    data = _post(client, ANALYZE, body, key=perspective_key.raw_key).json()

    span = data["attributeScores"]["INSULT"]["spanScores"][0]
    assert html[span["begin"] : span["end"]] == "id&#105;ot"
    assert data["attributeScores"]["INSULT"]["summaryScore"]["value"] > 0.5


def test_analyze_accepts_context_and_unknown_fields(client, perspective_key):
    body = {
        "comment": {"text": "Article intéressant.", "type": "PLAIN_TEXT"},
        "context": {
            "entries": [{"text": "Le titre de l'article", "type": "PLAIN_TEXT"}]
        },
        "requestedAttributes": {"TOXICITY": {}},
        "sessionId": "s-1",
        "communityId": "forum/ville",
        "dropUnsupportedAttributes": True,
    }

    response = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    assert response.status_code == 200
    assert response.json()["detectedLanguages"] == ["fr"]


# --- Errors ------------------------------------------------------------------


def test_analyze_unknown_attribute_is_a_google_style_400(client, perspective_key):
    body = {
        "comment": {"text": "Bonjour"},
        "languages": ["en"],
        "requestedAttributes": {"TOXICITY": {}, "FLIRTATION": {}},
    }

    error = _error(
        _post(client, ANALYZE, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert "FLIRTATION" in error["message"]
    assert "language en" in error["message"]
    detail = error["details"][0]
    assert detail["@type"] == ANALYZER_ERROR_TYPE
    assert detail["errorType"] == "INVALID_REQUEST"
    assert detail["unknownAttributeError"]["attribute"] == "FLIRTATION"


@pytest.mark.parametrize(
    ("comment", "error_type"),
    [
        ({"text": ""}, "COMMENT_EMPTY"),
        ({"text": "   \n "}, "COMMENT_EMPTY"),
        ({}, "COMMENT_EMPTY"),
        ({"text": "<p> <br> </p>", "type": "HTML"}, "COMMENT_EMPTY"),
        ({"text": "é" * 10_241}, "COMMENT_TOO_LONG"),
        ({"text": "Bonjour", "type": "MARKDOWN"}, "INVALID_REQUEST"),
    ],
)
def test_analyze_invalid_comment_names_its_error_type(
    client, perspective_key, comment, error_type
):
    body = {"comment": comment, "requestedAttributes": {"TOXICITY": {}}}

    error = _error(
        _post(client, ANALYZE, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert error["details"][0]["errorType"] == error_type


@pytest.mark.parametrize(
    ("path", "rest"),
    [
        (ANALYZE, '"requestedAttributes": {"TOXICITY": {}}'),
        (SUGGEST, '"attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}}'),
    ],
)
@pytest.mark.parametrize("kind", ["PLAIN_TEXT", "HTML"])
def test_lone_surrogate_in_text_is_a_400_not_a_500(
    client, perspective_key, path, rest, kind
):
    # Valid JSON ("\ud800" escape) that no UTF-8 text can hold.
    body = f'{{"comment": {{"text": "Bonjour \\ud800", "type": "{kind}"}}, {rest}}}'

    error = _error(
        _post(client, path, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert error["details"][0]["errorType"] == "INVALID_REQUEST"


@pytest.mark.parametrize("attributes", [None, {}])
def test_analyze_without_attributes_is_refused(client, perspective_key, attributes):
    body = {"comment": {"text": "Bonjour"}}
    if attributes is not None:
        body["requestedAttributes"] = attributes

    error = _error(
        _post(client, ANALYZE, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert error["details"][0]["errorType"] == "NO_REQUESTED_ATTRIBUTES"


def test_analyze_unsupported_score_type_is_refused(client, perspective_key):
    body = {
        "comment": {"text": "Bonjour"},
        "requestedAttributes": {"TOXICITY": {"scoreType": "RAW"}},
    }

    error = _error(
        _post(client, ANALYZE, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert "RAW" in error["message"]


def test_analyze_malformed_body_reports_field_violations(client, perspective_key):
    body = {
        "comment": {"text": "Bonjour"},
        "requestedAttributes": {"TOXICITY": {"scoreThreshold": 3}},
    }

    error = _error(
        _post(client, ANALYZE, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    violations = error["details"][0]["fieldViolations"]
    assert violations[0]["field"] == "requestedAttributes.TOXICITY.scoreThreshold"


def test_analyze_invalid_json_is_a_400(client, perspective_key):
    error = _error(
        _post(client, ANALYZE, '{"comment": ', key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert "JSON" in error["message"]


def test_error_never_echoes_the_comment_text(client, perspective_key):
    secret = "Texte-confidentiel-123"
    body = {"comment": {"text": secret}, "requestedAttributes": {"NOPE": {}}}

    response = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    assert response.status_code == 400
    assert secret not in response.content.decode()


def test_suggestscore_unknown_attribute_is_refused(client, perspective_key):
    body = {
        "comment": {"text": "Bonjour"},
        "attributeScores": {"LIKED": {"summaryScore": {"value": 1}}},
    }

    error = _error(
        _post(client, SUGGEST, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )

    assert "LIKED" in error["message"]
    assert SuggestedScore.objects.count() == 0


def test_suggestscore_needs_a_summary_score(client, perspective_key):
    body = {
        "comment": {"text": "Bonjour"},
        "attributeScores": {"TOXICITY": {"spanScores": []}},
    }

    _error(
        _post(client, SUGGEST, body, key=perspective_key.raw_key),
        400,
        "INVALID_ARGUMENT",
    )
    assert SuggestedScore.objects.count() == 0


# --- Keys, quotas, CSRF --------------------------------------------------------


def test_missing_key_is_permission_denied(client, perspective_key):
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    error = _error(_post(client, ANALYZE, body), 403, "PERMISSION_DENIED")

    assert error["details"][0]["@type"] == ERROR_INFO_TYPE


@pytest.mark.parametrize("key", ["mch_not-a-real-key", "AIzaSyWhatever"])
def test_unknown_key_is_api_key_invalid(client, perspective_key, key):
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    error = _error(_post(client, ANALYZE, body, key=key), 400, "INVALID_ARGUMENT")

    assert error["message"].startswith("API key not valid")
    assert error["details"][0]["reason"] == "API_KEY_INVALID"


def test_revoked_key_is_refused(client, perspective_key):
    perspective_key.active = False
    perspective_key.save()
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    response = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    _error(response, 400, "INVALID_ARGUMENT")


@pytest.mark.parametrize(
    "header",
    [
        lambda key: {"HTTP_X_GOOG_API_KEY": key},
        lambda key: {"HTTP_AUTHORIZATION": f"Bearer {key}"},
    ],
    ids=["x-goog-api-key", "bearer"],
)
def test_key_may_come_in_a_header(client, perspective_key, header):
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    response = _post(client, ANALYZE, body, **header(perspective_key.raw_key))

    assert response.status_code == 200


def test_rate_limit_answers_resource_exhausted(client, perspective_key, time_machine):
    # Quotas count per calendar minute: the three requests must fall in one
    # (on the real clock they straddled a minute now and then).
    time_machine.move_to("2026-11-29 12:00:20+00:00", tick=False)
    perspective_key.rate_limit_per_minute = 2
    perspective_key.save()
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    codes = [
        _post(client, ANALYZE, body, key=perspective_key.raw_key).status_code
        for _ in range(2)
    ]
    response = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    assert codes == [200, 200]
    error = _error(response, 429, "RESOURCE_EXHAUSTED")
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert response["Retry-After"] == "40"  # the rest of the minute


def test_rate_limit_is_counted_per_key(client, perspective_key):
    from tests.factories import ApiKeyFactory

    perspective_key.rate_limit_per_minute = 1
    perspective_key.save()
    other: Any = ApiKeyFactory(rate_limit_per_minute=1)
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    first = _post(client, ANALYZE, body, key=perspective_key.raw_key)
    second = _post(client, ANALYZE, body, key=other.raw_key)

    assert (first.status_code, second.status_code) == (200, 200)


def test_api_is_csrf_exempt(perspective_key):
    strict = Client(enforce_csrf_checks=True)
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}

    response = _post(strict, ANALYZE, body, key=perspective_key.raw_key)

    assert response.status_code == 200


def test_rest_of_api_keeps_problem_json(client, perspective_key):
    """The Google error format is scoped to /v1alpha1/; /api/ keeps RFC 7807."""
    response = client.get("/api/v1/pages/999999/comments")

    assert response.status_code in {404, 422}
    assert response["Content-Type"].startswith("application/problem+json")


def test_revocation_applies_to_a_cached_key(client, perspective_key):
    body = {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}}
    first = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    call_command("apikeys", "revoke", perspective_key.name, stdout=io.StringIO())
    second = _post(client, ANALYZE, body, key=perspective_key.raw_key)

    assert first.status_code == 200
    _error(second, 400, "INVALID_ARGUMENT")
