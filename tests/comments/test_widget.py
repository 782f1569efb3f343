import functools
import http.server
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, override

import pytest
from django.test import override_settings
from django.urls import reverse

from manchette.comments.widget import cors_headers, normalise_origin, origin_allowed
from tests.factories import CommentFactory, build_comment_article

WIDGET_JS = (
    Path(__file__).resolve().parents[2]
    / "manchette"
    / "comments"
    / "static"
    / "comments"
    / "widget.js"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Blog.Example.org", "https://blog.example.org"),
        ("https://blog.example.org:443/", "https://blog.example.org"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("javascript:alert(1)", None),
        ("https://blog.example.org/path", None),
        ("https://user:pw@blog.example.org", None),
        ("null", None),
    ],
)
def test_normalise_origin_keeps_only_plain_http_origins(raw, expected):
    assert normalise_origin(raw) == expected


@override_settings(COMMENTS_WIDGET_ALLOWED_ORIGINS=["https://blog.example.org"])
def test_cors_headers_only_for_configured_origins():
    assert origin_allowed("https://blog.example.org")
    assert not origin_allowed("https://blog.example.org.evil.test")
    assert cors_headers("https://evil.test") == {}
    allowed = cors_headers("https://blog.example.org", preflight=True)
    assert allowed["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert "Idempotency-Key" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed


def test_widget_script_inserts_reader_text_as_text_only():
    source = WIDGET_JS.read_text(encoding="utf-8")
    assert "innerHTML" not in source.replace("never innerHTML", "")
    assert "insertAdjacentHTML" not in source
    assert "textContent" in source
    assert 'credentials = "omit"' in source


@pytest.mark.django_db
@override_settings(COMMENTS_WIDGET_ALLOWED_ORIGINS=["https://blog.example.org"])
def test_api_answers_preflight_and_cors_for_allowed_origin(client):
    page = build_comment_article()
    url = reverse("api:comments_list", kwargs={"page_id": page.pk})

    preflight = client.options(
        url,
        HTTP_ORIGIN="https://blog.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    allowed = client.get(url, HTTP_ORIGIN="https://blog.example.org")
    denied = client.get(url, HTTP_ORIGIN="https://evil.test")

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert allowed["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert "Access-Control-Allow-Origin" not in denied
    assert "Origin" in denied["Vary"]
    assert denied.status_code == 200  # same-origin use is unaffected


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    @override
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve_host_page(directory):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def _fetch(url, *, method="GET", headers=None):
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db(transaction=True)
def test_widget_host_page_on_other_origin_gets_cors_answers(live_server, tmp_path):
    page = build_comment_article()
    CommentFactory(target=page, author_name="Yasmine")
    (tmp_path / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Blog</title>"
        f'<div data-manchette-thread="{page.pk}"></div>'
        f'<script src="{live_server.url}/static/comments/widget.js" defer></script>',
        encoding="utf-8",
    )
    host = _serve_host_page(tmp_path)
    origin = f"http://127.0.0.1:{host.server_address[1]}"
    api_url = live_server.url + reverse(
        "api:comments_list", kwargs={"page_id": page.pk}
    )
    try:
        with override_settings(COMMENTS_WIDGET_ALLOWED_ORIGINS=[origin]):
            status, _headers, html = _fetch(origin + "/index.html")
            js_status, js_headers, _js = _fetch(
                live_server.url + "/static/comments/widget.js"
            )
            pre_status, pre_headers, _ = _fetch(
                api_url,
                method="OPTIONS",
                headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
            )
            get_status, get_headers, body = _fetch(api_url, headers={"Origin": origin})
            _s, other_headers, _b = _fetch(
                api_url, headers={"Origin": "http://127.0.0.1:1"}
            )
    finally:
        host.shutdown()
        host.server_close()

    assert status == 200
    assert b"data-manchette-thread" in html
    assert js_status == 200
    assert "javascript" in js_headers["Content-Type"]
    assert pre_status == 204
    assert pre_headers["Access-Control-Allow-Origin"] == origin
    assert get_status == 200
    assert get_headers["Access-Control-Allow-Origin"] == origin
    assert b"Yasmine" in body
    assert "Access-Control-Allow-Origin" not in other_headers
