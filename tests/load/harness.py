"""A production-profile server for the hostile-load tests, and a small HTTP client.

:func:`production_server` starts gunicorn on a free loopback port with the
production settings (one pool, or with ``front=True`` the production front of
``manchette.ops.front``: nginx in front of a pages pool and a writes pool), a
PostgreSQL database of its own (created, migrated, filled with the demo
newsroom, dropped afterwards) and the local Redis; it
skips when PostgreSQL or Redis does not answer (``scripts/ensure-services``
starts them). :class:`Browserless` is one simulated reader or bot: a cookie
jar, no redirects followed, a hard timeout on every request and, optionally,
its own source address: Linux routes all of 127.0.0.0/8 to the loopback
interface, so a client bound to ``127.1.7.1`` reaches the server from that
address and the server sees one distinct client per simulated host, with no
proxy header to trust (see :func:`client_address`).
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from psycopg import sql

from manchette.ops.front import nginx_conf

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REQUEST_TIMEOUT = 20.0
#: CPU priority of the writes pool behind the front (as ``scripts/serve-prod``).
WRITES_NICE = 10


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
    """A running web tier: its base URL, its processes and its database.

    ``processes`` are the gunicorn masters (one pool, or the pages and writes
    pools behind nginx) and, with the front, nginx itself.
    """

    url: str
    database_url: str
    processes: list[subprocess.Popen[bytes]]

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system, seconds) used so far by the tier.

        Every process in ``processes``, its live children (gunicorn workers,
        nginx's worker) and the children it has already reaped (workers
        recycled after ``max_requests``), from ``/proc`` (Linux; 0.0 where
        ``/proc`` is absent).
        """
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for process in self.processes:
            master = process.pid
            children = Path(f"/proc/{master}/task/{master}/children")
            pids = []
            with contextlib.suppress(OSError):
                pids = [int(pid) for pid in children.read_text().split()]
            for pid in [master, *pids]:
                with contextlib.suppress(OSError, IndexError, ValueError):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]
                    # utime, stime; for a master also its reaped children's.
                    times = fields.split()[11 : 15 if pid == master else 13]
                    total += sum(int(value) for value in times)
        return total / tick

    def settle(self, *, share: float = 0.05, seconds: float = 120.0) -> None:
        """Wait until the tier uses less than ``share`` of a core over one second.

        The first worker answers ``/healthz`` while the others are still
        starting (the writes pool's workers load the moderation engine, about
        2 s of CPU each): a measurement started then would count their
        start-up. Fails the test after ``seconds``.
        """
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            time.sleep(1.0)
            if self.cpu_seconds() - before < share:
                return
        pytest.fail(f"the server was still busy after {seconds:.0f} s")

    def query(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run one read-only SQL statement on the server's database."""
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(statement, params).fetchall()


def _wait_for_health(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{process.args!r} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()  # noqa: S310
            return
        time.sleep(0.3)
    pytest.fail(f"{url}/healthz did not answer within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def production_server(
    *, workers: int = 4, front: bool = False, write_workers: int = 4, **extra_env: str
) -> Iterator[Server]:
    """Yield the production web tier serving the demo newsroom on ``127.0.0.1``.

    Without ``front``: one gunicorn pool of ``workers``. With it: the
    production front of ``manchette.ops.front``, nginx in front of a pages
    pool of ``workers`` and a writes pool of ``write_workers`` run at nice
    :data:`WRITES_NICE`, both of sync workers (skips when nginx is not
    installed), and the pages pool's workers do not load the moderation
    engine, as ``scripts/serve-prod`` runs them. ``extra_env`` is added to the
    servers' environment. Returns once every worker has started
    (:meth:`Server.settle`).

    The servers stay in this process's session (a process group of their
    own, not a session): with Linux's autogroups, every session is a
    scheduling group of its own with an equal share of the CPU, and the
    writes pool's ``nice`` would count for nothing against the pages pool.
    """
    if not (_answers(5432) and _answers(6379)):
        pytest.skip("PostgreSQL and Redis must answer on 127.0.0.1 (ensure-services)")
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if front and nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
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
        **({"COMMENTS_TRUSTED_PROXY_COUNT": "1"} if front else {}),
        **extra_env,
    )
    processes: list[subprocess.Popen[bytes]] = []
    prefix = None
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
        gunicorn = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:manchette.gunicorn_conf",
        ]
        pools = [(gunicorn, env)]
        if front:
            pages, writes = f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"
            # Sync workers behind nginx, as scripts/serve-prod runs them.
            sync = {"GUNICORN_THREADS": "1", **extra_env}
            pools = [
                (gunicorn, {**env, **sync, "BIND": pages, "GUNICORN_WARM_ENGINE": "0"}),
                (
                    ["nice", "-n", str(WRITES_NICE), *gunicorn],
                    {
                        **env,
                        **sync,
                        "BIND": writes,
                        "WEB_CONCURRENCY": str(write_workers),
                    },
                ),
            ]
        for command, pool_env in pools:
            processes.append(
                subprocess.Popen(  # noqa: S603 - the venv's gunicorn
                    command,
                    cwd=REPO,
                    env=pool_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    process_group=0,  # this session: see production_server
                )
            )
        if front and nginx is not None:
            prefix = Path(tempfile.mkdtemp(prefix="manchette-front-"))
            conf = prefix / "nginx.conf"
            conf.write_text(
                nginx_conf(
                    listen=f"127.0.0.1:{port}",
                    pages=pages,
                    writes=writes,
                    prefix=prefix,
                )
            )
            processes.append(
                subprocess.Popen(  # noqa: S603 - Debian's nginx, our config
                    [nginx, "-p", str(prefix), "-c", str(conf)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    process_group=0,  # this session: see production_server
                )
            )
        url = f"http://127.0.0.1:{port}"
        _wait_for_health(url, processes)
        server = Server(url=url, database_url=database_url, processes=processes)
        server.settle()
        yield server
    finally:
        for process in reversed(processes):
            _stop(process)
        if prefix is not None:
            shutil.rmtree(prefix, ignore_errors=True)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


def commented_article(server: Server) -> tuple[str, int] | None:
    """Return the path and page id of a demo article taking comments, or None.

    The first article linked from the home page that the comments API knows.
    """
    with Browserless(server.url) as client:
        home = client.request("/").body
        for path in re.findall(r'href="(/[a-z0-9-]+/[a-z0-9-]+/)"', home):
            lookup = client.request(f"/api/v1/pages/lookup?url={path}")
            if lookup.status == 200:
                return path, int(json.loads(lookup.body)["page_id"])
    return None


def client_address(group: int, number: int) -> str:
    """Return the loopback address of simulated host ``number`` in ``group``.

    ``group`` (1-254) separates kinds of clients (bots, readers, commenters);
    ``number`` (0-253) picks the host. Each host gets its own /24, so limits
    keyed on an anonymised address (/24) still see distinct clients.
    """
    if not (1 <= group <= 254 and 0 <= number <= 253):
        msg = f"no loopback address for group {group}, host {number}"
        raise ValueError(msg)
    return f"127.{group}.{number + 1}.1"


@dataclass
class Reply:
    """One HTTP answer: status, body text, seconds taken, ``Location`` header."""

    status: int
    body: str
    seconds: float
    location: str = ""


class Browserless:
    """One simulated client: its own cookies, no redirects followed.

    Keeps one HTTP/1.1 connection open (keep-alive, as browsers and bots do)
    and opens a new one when the server closed it. ``source``, when given, is
    the local address every connection is opened from (a loopback address from
    :func:`client_address`). Cookies are kept by name (one site, no paths).
    """

    def __init__(self, base_url: str, source: str | None = None) -> None:
        self.base_url = base_url
        self.source = source
        parts = urllib.parse.urlsplit(base_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self._host,
                self._port,
                timeout=REQUEST_TIMEOUT,
                source_address=(self.source, 0) if self.source else None,
            )
        return self._connection

    def close(self) -> None:
        """Close the kept connection (a new one opens on the next request)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Browserless:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a client dropped by a thread still closes
        self.close()

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request on the kept connection and time the answer.

        Retries once on a fresh connection when the kept one was closed by
        the server between requests; raises ``OSError`` (timeouts included)
        otherwise.
        """
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=sent)
                response = connection.getresponse()
                data = response.read()
            except (
                http.client.RemoteDisconnected,
                BrokenPipeError,
                ConnectionResetError,
            ):
                self.close()
                if attempt == 2:
                    raise
                continue
            except OSError:
                self.close()
                raise
            break
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return Reply(
            response.status,
            data.decode("utf-8", errors="replace"),
            time.perf_counter() - started,
            response.headers.get("Location", ""),
        )

    def request(
        self,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """GET ``path`` (or POST ``data`` form-encoded) and time the answer."""
        if data is None:
            return self.send("GET", path, headers=headers)
        return self.send(
            "POST",
            path,
            urllib.parse.urlencode(data).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def post_json(self, path: str, data: dict[str, str]) -> int:
        """POST ``data`` as JSON to ``path``; return the status code."""
        return self.send(
            "POST",
            path,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", "Accept": "application/json"},
        ).status

    def cookie(self, name: str) -> str:
        """Return the value of cookie ``name`` ("" when absent)."""
        return self.cookies.get(name, "")


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
