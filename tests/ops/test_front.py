"""The production front (manchette.ops.front): nginx routes by what a request does.

Runs Debian's nginx with the generated configuration in front of two small
recording HTTP servers standing for the pages and writes pools; skips when
nginx is not installed (``.ci/run`` installs it).
"""

import contextlib
import http.client
import http.server
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import override

import pytest

from manchette.ops import front

NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
)
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Pool(http.server.ThreadingHTTPServer):
    """Answers every request with its own name and records what it saw."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[tuple[str, str, str]] = []
        super().__init__(("127.0.0.1", _free_port()), _Recorder)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Pool

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.seen.append(
            (self.command, self.path, self.headers.get("X-Forwarded-For", ""))
        )
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815

    @override
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@contextlib.contextmanager
def _nginx_in_front(tmp_path: Path, media_root: Path | None = None):
    """Run nginx with the front's configuration before two recording pools.

    Yields (port, pages, writes); stops nginx and the pools afterwards.
    """
    pages, writes = _Pool("pages"), _Pool("writes")
    for pool in (pages, writes):
        threading.Thread(target=pool.serve_forever, daemon=True).start()
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        front.nginx_conf(
            listen=f"127.0.0.1:{port}",
            pages=pages.address,
            writes=writes.address,
            prefix=tmp_path,
            media_root=media_root,
        )
    )
    assert NGINX is not None
    with subprocess.Popen(  # noqa: S603 - Debian's nginx, our configuration
        [NGINX, "-p", str(tmp_path), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as nginx:
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if nginx.poll() is not None:
                    assert nginx.stderr is not None
                    pytest.fail(f"nginx exited: {nginx.stderr.read().decode()}")
                with contextlib.suppress(OSError):
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                time.sleep(0.05)
            yield port, pages, writes
        finally:
            nginx.terminate()
            nginx.wait(10)
            for pool in (pages, writes):
                pool.shutdown()
                pool.server_close()


@pytest.fixture
def proxied(tmp_path):
    """Yield (port, pages, writes): nginx on ``port`` in front of two pools."""
    with _nginx_in_front(tmp_path) as running:
        yield running


def _status(port: int, method: str, path: str, body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _send(port: int, method: str, path: str, body: bytes | None = None) -> str:
    status, text = _status(port, method, path, body)
    assert status == 200
    return text


@needs_nginx
def test_configuration_is_accepted_by_nginx(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        front.nginx_conf(
            listen="127.0.0.1:8000",
            pages="127.0.0.1:8001",
            writes="127.0.0.1:8002",
            prefix=tmp_path,
        )
    )
    assert NGINX is not None
    checked = subprocess.run(  # noqa: S603 - Debian's nginx, our configuration
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


@needs_nginx
@pytest.mark.parametrize(
    ("method", "path", "pool"),
    [
        ("GET", "/actualites/le-port/", "pages"),
        ("GET", "/ar/", "pages"),
        ("GET", "/api/v1/pages/12/comments", "pages"),
        ("HEAD", "/actualites/le-port/", "pages"),
        ("POST", "/comments/post/", "writes"),
        ("POST", "/api/v1/pages/12/comments", "writes"),
        ("POST", "/comments/7/flag/", "writes"),
        ("DELETE", "/api/v1/comments/7", "writes"),
        ("GET", "/api/v1/pages/12/comments/form-token", "writes"),
        ("GET", "/admin/moderation/", "writes"),
        ("GET", "/admin/", "writes"),
    ],
)
def test_requests_reach_the_pool_for_what_they_do(proxied, method, path, pool):
    port, pages, writes = proxied
    body = b"body=Un+avis" if method == "POST" else None
    answer = _send(port, method, path, body)
    reached = pages if pool == "pages" else writes
    other = writes if pool == "pages" else pages
    if method != "HEAD":
        assert answer == pool
    assert [(m, p) for m, p, _ in reached.seen] == [(method, path)]
    assert other.seen == []
    # The application reads the client's address here
    # (COMMENTS_TRUSTED_PROXY_COUNT=1).
    assert reached.seen[0][2] == "127.0.0.1"


@needs_nginx
def test_write_routes_match_only_the_form_token_and_the_admin(proxied):
    port, pages, writes = proxied
    _send(port, "GET", "/api/v1/pages/12/comments/form-token/extra")
    _send(port, "GET", "/api/v1/pages/abc/comments/form-token")
    _send(port, "GET", "/administration-locale/")  # an article, not the admin
    assert len(pages.seen) == 3
    assert writes.seen == []


@needs_nginx
def test_comment_posts_over_a_megabyte_are_refused_by_nginx(proxied):
    port, pages, writes = proxied
    big = b"body=" + b"x" * (1024 * 1024 + 1)
    for path in ("/comments/post/", "/ar/comments/post/", "/api/v1/pages/12/comments"):
        assert _status(port, "POST", path, big)[0] == 413
    assert writes.seen == []
    # Other writes keep the general limit (the admin's uploads), and a
    # comment of ordinary size still goes through.
    assert _send(port, "POST", "/admin/images/multiple/add/", big) == "writes"
    assert _send(port, "POST", "/comments/post/", b"body=Un+avis") == "writes"
    assert pages.seen == []


def test_command_line_prints_the_configuration(tmp_path, capsys):
    assert (
        front.main(
            [
                "--listen",
                "127.0.0.1:9000",
                "--pages",
                "127.0.0.1:9001",
                "--writes",
                "127.0.0.1:9002",
                "--prefix",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "listen 127.0.0.1:9000;" in out
    assert "server 127.0.0.1:9001;" in out
    assert "server 127.0.0.1:9002;" in out
    assert f"pid {tmp_path.resolve() / 'nginx.pid'};" in out


def test_command_line_refuses_missing_addresses(capsys):
    with pytest.raises(SystemExit) as exit_info:
        front.main(["--listen", "127.0.0.1:9000"])
    assert exit_info.value.code == 2
    assert "--pages" in capsys.readouterr().err


@needs_nginx
def test_media_is_served_by_nginx_itself(tmp_path):
    media = tmp_path / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "une.jpg").write_bytes(b"\xff\xd8 image bytes")
    with _nginx_in_front(tmp_path, media_root=media) as (port, pages, writes):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/media/images/une.jpg")
        response = connection.getresponse()
        body = response.read()
        connection.request("GET", "/media/../nginx.conf")
        escaped = connection.getresponse().read()
        connection.close()
    assert response.status == 200
    assert body == b"\xff\xd8 image bytes"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert b"worker_processes" not in escaped  # no way out of the media folder
    # The image never reached a pool.
    assert "/media/images/une.jpg" not in [path for _m, path, _f in pages.seen]
    assert writes.seen == []
