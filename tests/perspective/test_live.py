"""End to end: a real HTTP client against a live server, as Coral would call it."""

import json
import urllib.error
import urllib.request

import pytest
from django.apps import apps
from django.core.management import call_command


def _call(url, body):
    request = urllib.request.Request(  # noqa: S310 - the live server's http URL
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _row_counts():
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_models()
    }


@pytest.fixture
def live_key(live_server, capsys, clear_cache):
    call_command("apikeys", "create", "coral-live", "--rate", "1000")
    key = capsys.readouterr().out.strip()
    assert key.startswith("mch_")
    return f"{live_server.url}/v1alpha1/comments:analyze?key={key}"


@pytest.mark.parametrize(
    ("text", "attribute", "language"),
    [
        ("Je sais où tu habites, je vais te retrouver et te crever.", "THREAT", "fr"),
        ("أنت غبي وحقير ولا تفهم شيئا", "INSULT", "ar"),
        ("nta hmar o mkalakh", "INSULT", "ary-Latn"),
    ],
    ids=["french-threat", "arabic-insult", "darija-arabizi-insult"],
)
def test_live_abusive_comments_score_above_half(live_key, text, attribute, language):
    status, data = _call(
        live_key,
        {
            "comment": {"text": text},
            "languages": ["en"],
            "requestedAttributes": {attribute: {}, "TOXICITY": {}},
            "doNotStore": True,
        },
    )

    assert status == 200
    assert data["attributeScores"][attribute]["summaryScore"]["value"] > 0.5
    assert data["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.5
    assert data["detectedLanguages"] == [language]


def test_live_benign_comment_scores_below_half(live_key):
    status, data = _call(
        live_key,
        {
            "comment": {"text": "Merci pour cet article très clair sur le budget."},
            "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}, "THREAT": {}, "INSULT": {}},
            "doNotStore": True,
        },
    )

    assert status == 200
    assert all(
        entry["summaryScore"]["value"] < 0.5
        for entry in data["attributeScores"].values()
    )


def test_live_do_not_store_leaves_no_row(live_key):
    before = _row_counts()

    status, _data = _call(
        live_key,
        {
            "comment": {"text": "Je vais te tuer, espèce d'idiot."},
            "requestedAttributes": {"TOXICITY": {}},
            "doNotStore": True,
            "spanAnnotations": True,
        },
    )

    assert status == 200
    assert _row_counts() == before


def test_live_unknown_key_is_refused(live_server, clear_cache):
    status, data = _call(
        f"{live_server.url}/v1alpha1/comments:analyze?key=wrong",
        {"comment": {"text": "Bonjour"}, "requestedAttributes": {"TOXICITY": {}}},
    )

    assert status == 400
    assert data["error"]["status"] == "INVALID_ARGUMENT"
