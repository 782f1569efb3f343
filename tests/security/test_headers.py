"""Security headers, the Content-Security-Policy, inline scripts and CSRF.

Every public page and every moderation admin page of a seeded site is rendered
with Django's test client; the production profile is imported in a subprocess
with production-like environment variables.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.security.pages import inline_scripts, parse, post_forms, seed_site

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(news_site, arabic_home, clear_cache):
    return seed_site(news_site, arabic_home)


def _pages(site, moderator_client):
    anonymous = Client()
    for name, url in site.public.items():
        yield name, url, anonymous.get(url)
    for name, url in site.admin.items():
        yield name, url, moderator_client.get(url)


def _csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_headers_csp_without_unsafe_script_sources_on_every_page(
    site, moderator_client
):
    for name, url, response in _pages(site, moderator_client):
        assert response.status_code == 200, (name, url, response.status_code)
        header = response.headers.get("Content-Security-Policy", "")
        directives = _csp_directives(header)
        scripts = directives.get("script-src", directives.get("default-src"))
        assert scripts, (name, header)
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:"):
            assert unsafe not in scripts, (name, scripts)
        assert directives.get("object-src") == ["'none'"], name
        assert directives.get("base-uri") == ["'self'"], name
        assert "frame-ancestors" in directives, name


def test_headers_no_inline_script_or_event_handler_in_any_page(site, moderator_client):
    found = {}
    checked = 0
    for name, _url, response in _pages(site, moderator_client):
        html = response.content.decode()
        checked += html.count("<script")
        problems = inline_scripts(html) + parse(html).handlers
        if problems:
            found[name] = problems
    assert found == {}
    # The article pages do carry scripts (JSON-LD, comments.js): the parse saw them.
    assert checked > 0


def test_headers_nosniff_referrer_policy_and_framing_on_every_page(
    site, moderator_client
):
    for name, _url, response in _pages(site, moderator_client):
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Referrer-Policy") in {
            "strict-origin-when-cross-origin",
            "same-origin",
            "no-referrer",
            "strict-origin",
        }, name
        assert response.headers.get("X-Frame-Options") in {"DENY", "SAMEORIGIN"}, name


def test_headers_api_and_feeds_are_nosniff_too(site):
    client = Client()
    for url in (
        f"/api/v1/pages/{site.article.pk}/comments",
        "/comments/feed/",
        "/sitemap.xml",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url


# --- CSRF -------------------------------------------------------------------


def test_csrf_every_post_form_refuses_a_request_without_token(site, moderator):
    strict_anonymous = Client(enforce_csrf_checks=True)
    strict_moderator = Client(enforce_csrf_checks=True)
    strict_moderator.force_login(moderator)
    forms = {}
    for url in site.public.values():
        for action in post_forms(strict_anonymous.get(url).content.decode()):
            forms[action or url] = strict_anonymous
    for url in site.admin.values():
        for action in post_forms(strict_moderator.get(url).content.decode()):
            forms[action or url] = strict_moderator
    expected = {
        "/comments/post/",
        f"/comments/c/{site.comment.pk}/flag/",
        site.public["appeal page"],
        "/admin/login/",
        "/admin/moderation/decide/",
        "/admin/moderation/ban/",
    }
    assert expected <= set(forms), sorted(forms)
    # Forms shown only to a comment's author, or with a queue filter.
    pk = site.comment.pk
    forms[f"/comments/c/{pk}/edit/"] = strict_anonymous
    forms[f"/comments/c/{pk}/delete/"] = strict_anonymous
    forms["/admin/moderation/mode/"] = strict_moderator
    forms["/admin/moderation/bans/lift/"] = strict_moderator  # shown with a ban

    refused = {}
    for action, client in forms.items():
        response = client.post(action, {"body": "x", "comment": str(pk)})
        refused[action] = response.status_code
    assert {a: s for a, s in refused.items() if s != 403} == {}
    assert len(refused) >= 8


def test_csrf_json_api_reads_no_cookie_so_a_session_gives_no_authority(site, moderator):
    # The API is anonymous by design (no CSRF token): a logged-in moderator's
    # session cookie must not change what it does or let it moderate.
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(
        f"/api/v1/pages/{site.article.pk}/comments",
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "csrftoken" not in response.cookies


# --- production profile ---------------------------------------------------------

_PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client
response = Client().get("/healthz", secure=True, HTTP_HOST="news.example.org")
print(json.dumps({
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
    "status": response.status_code,
    "hsts_header": response.headers.get("Strict-Transport-Security", ""),
    "csp_header": response.headers.get("Content-Security-Policy", ""),
    "nosniff": response.headers.get("X-Content-Type-Options", ""),
    "referrer": response.headers.get("Referrer-Policy", ""),
}))
"""


def _run_production(script: str, **extra: str) -> str:
    """Run ``script`` with the production settings in a new interpreter.

    Returns its standard output; fails the test when it exits non-zero.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SECURE_", "HTTPS", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="manchette.settings.production",
        SECRET_KEY="probe-" + "k3y-" * 15,
        ALLOWED_HOSTS="news.example.org",
        DATABASE_URL="sqlite:///:memory:",
        **extra,
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _production(**extra):
    output = _run_production(_PROBE, **extra)
    return json.loads(output.strip().splitlines()[-1])


def test_production_profile_sends_hsts_and_secure_cookies():
    probe = _production()

    assert probe["debug"] is False
    assert probe["hsts_seconds"] >= 31_536_000
    assert probe["hsts_subdomains"] is True
    assert probe["ssl_redirect"] is True
    assert probe["session_secure"] is True
    assert probe["session_httponly"] is True
    assert probe["csrf_secure"] is True
    assert probe["status"] != 301  # already HTTPS: no redirect (health may be 503)
    assert probe["hsts_header"].startswith("max-age=31536000")
    assert "includeSubDomains" in probe["hsts_header"]
    assert "'unsafe-inline'" not in probe["csp_header"]
    assert "script-src 'self'" in probe["csp_header"]
    assert probe["nosniff"] == "nosniff"
    assert probe["referrer"]


def test_production_profile_refuses_debug():
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="manchette.settings.production",
        SECRET_KEY="probe-" + "k3y-" * 15,
        ALLOWED_HOSTS="news.example.org",
        DATABASE_URL="sqlite:///:memory:",
        DEBUG="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


_MAIL_PROBE = """
import django
django.setup()
from django.core import mail
print(mail.send_mail("Réponse", "Un lecteur vous a répondu.", None, ["a@example.org"]))
"""


def test_production_profile_writes_emails_to_files_when_asked(tmp_path):
    _run_production(
        _MAIL_PROBE,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "sent"),
    )

    (written,) = (tmp_path / "sent").iterdir()
    assert "a@example.org" in written.read_text()
