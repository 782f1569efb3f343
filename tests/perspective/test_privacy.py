"""What the API keeps: no row and no log line with the text unless allowed."""

import json
import logging

import pytest
from django.apps import apps

from manchette.perspective.api import api

ANALYZE = "/v1alpha1/comments:analyze"
TEXT = "Je vais te tuer, texte témoin 4812."

pytestmark = pytest.mark.usefixtures("rules_only_engine")


def _analyze(client, key, *, do_not_store):
    body = {
        "comment": {"text": TEXT},
        "requestedAttributes": {"THREAT": {}},
        "doNotStore": do_not_store,
    }
    return client.post(
        f"{ANALYZE}?key={key}", json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize("do_not_store", [True, False])
def test_analyze_stores_no_row(client, perspective_key, do_not_store):
    before = {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    response = _analyze(client, perspective_key.raw_key, do_not_store=do_not_store)

    after = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    assert response.status_code == 200
    assert after == before


@pytest.mark.parametrize("log_text", [True, False])
def test_do_not_store_text_is_never_logged(
    client, perspective_key, settings, caplog, log_text
):
    settings.PERSPECTIVE_LOG_TEXT = log_text
    caplog.set_level(logging.DEBUG, logger="manchette.perspective")

    _analyze(client, perspective_key.raw_key, do_not_store=True)

    assert "4812" not in caplog.text
    assert "coral" in caplog.text  # the request was logged, without its text


def test_text_is_logged_only_when_the_site_enables_it(
    client, perspective_key, settings, caplog
):
    caplog.set_level(logging.DEBUG, logger="manchette.perspective")
    _analyze(client, perspective_key.raw_key, do_not_store=False)
    default = caplog.text
    caplog.clear()
    settings.PERSPECTIVE_LOG_TEXT = True

    _analyze(client, perspective_key.raw_key, do_not_store=False)

    assert "4812" not in default
    assert "4812" in caplog.text


def test_openapi_schema_lists_both_methods():
    schema = api.get_openapi_schema()

    operations = {
        path: op["post"]["operationId"] for path, op in schema["paths"].items()
    }
    assert operations == {
        "/v1alpha1/comments:analyze": "perspective_comments_analyze",
        "/v1alpha1/comments:suggestscore": "perspective_comments_suggestscore",
    }
