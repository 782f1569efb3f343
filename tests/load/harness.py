"""A production-profile server for the hostile-load tests, and a small HTTP client.

:func:`production_server` starts gunicorn on a free loopback port with the
production settings, a PostgreSQL database of its own (created, migrated,
filled with the demo newsroom, dropped afterwards) and the local Redis; it
skips when PostgreSQL or Redis does not answer (``scripts/ensure-services``
starts them). :class:`Browserless` is one simulated reader or bot: a cookie
jar, no redirects followed, a hard timeout on every request.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, override

import psycopg
import pytest
from psycopg import sql

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REQUEST_TIMEOUT = 20.0


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running gunicorn: its base URL and a connection string to its database."""

    url: str
    database_url: str
    process: subprocess.Popen[bytes]

    def query(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run one read-only SQL statement on the server's database."""
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(statement, params).fetchall()


@contextlib.contextmanager
def production_server(*, workers: int = 4, **extra_env: str) -> Iterator[Server]:
    """Yield a gunicorn serving the demo newsroom on ``127.0.0.1`` (see module)."""
    if not (_answers(5432) and _answers(6379)):
        pytest.skip("PostgreSQL and Redis must answer on 127.0.0.1 (ensure-services)")
    name = f"manchette_load_{os.getpid()}_{secrets.token_hex(3)}"
    database_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST", "COMMENTS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="manchette.settings.production",
        DATABASE_URL=database_url,
        REDIS_URL="redis://127.0.0.1:6379/13",
        CACHE_KEY_PREFIX=name,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        BIND=f"127.0.0.1:{port}",
        SITE_URL=f"http://127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STATIC_ROOT=str(REPO / "test-artifacts" / "load-static"),
        **extra_env,
    )
    process = None
    try:
        manage = [sys.executable, str(REPO / "manage.py")]
        for command in (
            ["collectstatic", "--no-input", "-v", "0", "--skip-checks"],
            ["migrate", "--no-input", "-v", "0", "--skip-checks"],
            ["demo", "--if-empty", "--skip-checks"],
        ):
            done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [*manage, *command],
                cwd=REPO,
                env=env,
                check=False,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode:
                pytest.fail(f"manage.py {command[0]} failed:\n{done.stderr[-3000:]}")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
            [str(gunicorn), "-c", "python:manchette.gunicorn_conf"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/healthz", timeout=2).close()  # noqa: S310
                break
            time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not answer /healthz within 60 s")
        yield Server(url=url, database_url=database_url, process=process)
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    @override
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    """One HTTP answer: status, body text, seconds taken, ``Location`` header."""

    status: int
    body: str
    seconds: float
    location: str = ""


class Browserless:
    """One simulated client: its own cookies, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(
        self,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """GET ``path`` (or POST ``data`` form-encoded) and time the answer."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - loopback http only
            self.base_url + path, data=body, headers=headers or {}
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                text = response.read().decode("utf-8", errors="replace")
                status = response.status
                location = response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", errors="replace")
            status = error.code
            location = error.headers.get("Location", "") if error.headers else ""
        return Reply(status, text, time.perf_counter() - started, location)

    def cookie(self, name: str) -> str:
        """Return the value of cookie ``name`` ("" when absent)."""
        return next((c.value or "" for c in self.cookies if c.name == name), "")


_INPUT = re.compile(r'<input[^>]*name="(security_token|csrfmiddlewaretoken)"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


def form_fields(html: str) -> dict[str, str]:
    """Return the hidden ``security_token`` and ``csrfmiddlewaretoken`` of a page."""
    fields = {}
    for match in _INPUT.finditer(html):
        value = _VALUE.search(match.group(0))
        fields[match.group(1)] = value.group(1) if value else ""
    return fields


def percentile(values: list[float], fraction: float) -> float:
    """Return the ``fraction`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]
