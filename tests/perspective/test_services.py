"""Keys, the apikeys command and the export of suggestions for the learning loop."""

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from manchette.moderation.engine.datasets import load_jsonl_rows
from manchette.perspective.models import ApiKey, hash_key
from manchette.perspective.services import (
    create_api_key,
    enforce_rate_limit,
    export_suggested_scores,
)
from tests.factories import ApiKeyFactory, SuggestedScoreFactory


def test_create_api_key_stores_only_a_hash(db):
    api_key, raw = create_api_key(name="coral", rate_limit=30)

    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_key(raw)
    assert raw not in (stored.key_hash, stored.key_hint)
    assert raw.startswith(stored.key_hint)
    assert stored.rate_limit_per_minute == 30
    assert api_key.active


def test_create_api_key_refuses_a_taken_name(db):
    create_api_key(name="coral")

    with pytest.raises(ValueError, match="already exists"):
        create_api_key(name="coral")


def test_apikeys_command_creates_lists_and_revokes(db):
    out = io.StringIO()
    call_command(
        "apikeys", "create", "coral", "--rate", "42", stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip()
    listing = io.StringIO()
    call_command("apikeys", "list", stdout=listing)
    call_command("apikeys", "revoke", "coral", stdout=io.StringIO())

    stored = ApiKey.objects.get(name="coral")
    assert stored.key_hash == hash_key(raw)
    assert "coral" in listing.getvalue()
    assert "42/min" in listing.getvalue()
    assert raw not in listing.getvalue()
    assert not stored.active


def test_apikeys_command_revoke_unknown_name_fails(db):
    with pytest.raises(CommandError, match="No API key"):
        call_command("apikeys", "revoke", "nobody", stdout=io.StringIO())


def test_apikeys_default_rate_comes_from_settings(db, settings):
    settings.PERSPECTIVE_DEFAULT_RATE_LIMIT = 77

    api_key, _raw = create_api_key(name="with-default")

    assert api_key.rate_limit_per_minute == 77


def test_enforce_rate_limit_resets_each_minute(db, clear_cache):
    api_key: Any = ApiKeyFactory(rate_limit_per_minute=1)

    first = enforce_rate_limit(api_key, now=120.0)
    next_minute = enforce_rate_limit(api_key, now=180.0)

    assert (first, next_minute) == (1, 1)


def test_export_suggested_scores_labels_coral_decisions(db):
    SuggestedScoreFactory(attribute="DELETED", value=1, text="nta hmar o mkalakh")
    SuggestedScoreFactory(attribute="APPROVED", value=1, text="Très bon article.")
    SuggestedScoreFactory(attribute="INSULT", value=1, text="Tu es un âne bâté.")
    SuggestedScoreFactory(attribute="TOXICITY", value=0, text="Merci beaucoup.")

    rows = list(export_suggested_scores())

    assert [(r["text"], r["label"], r.get("category")) for r in rows] == [
        ("nta hmar o mkalakh", 1, None),
        ("Très bon article.", 0, None),
        ("Tu es un âne bâté.", 1, "insult"),
        ("Merci beaucoup.", 0, None),
    ]
    assert rows[0]["language"] == "ary-Latn"
    assert all(
        set(r) >= {"text", "label", "language", "comment_id", "decided_at"}
        for r in rows
    )


def test_export_suggested_scores_keeps_latest_decision_per_comment(db):
    SuggestedScoreFactory(
        attribute="APPROVED", client_token="comment:9", text="Un avis."
    )
    SuggestedScoreFactory(
        attribute="DELETED", client_token="comment:9", text="Un avis."
    )

    rows = list(export_suggested_scores())

    assert [(r["comment_id"], r["label"]) for r in rows] == [("comment:9", 1)]


def test_export_suggested_scores_reads_coral_comment_id_and_skips_no_text(db):
    context = json.dumps({"url": "https://x.example/a", "Coral_comment_id": "c-5"})
    SuggestedScoreFactory(context=[context], text="Un commentaire.")
    SuggestedScoreFactory(text="")

    rows = list(export_suggested_scores())

    assert [r["comment_id"] for r in rows] == ["c-5"]


def test_export_rows_load_as_training_rows(db, tmp_path):
    SuggestedScoreFactory(attribute="DELETED", text="ya l7mar")
    SuggestedScoreFactory(attribute="THREAT", value=0, text="Je viendrai au concert.")
    path = tmp_path / "extra.jsonl"
    path.write_text(
        "".join(
            json.dumps(r, ensure_ascii=False) + "\n" for r in export_suggested_scores()
        ),
        encoding="utf-8",
    )

    rows = load_jsonl_rows(path)

    assert [(r.text, dict(r.labels)) for r in rows] == [
        ("ya l7mar", {"toxicity": 1}),
        ("Je viendrai au concert.", {"threat_incitement": 0, "toxicity": 0}),
    ]
