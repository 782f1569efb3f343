"""Hostile load on the production profile, loopback only.

The server is the production front (``manchette.ops.front``: nginx in front
of a pages pool and a writes pool of gunicorn), PostgreSQL and Redis.

Slow: excluded from ``make test``, run by ``make test-load``. Every loop has a
count and a deadline, and the server started here is stopped here.

* Spam wave: 10,000 comments from 100 bots (4 processes of 25 threads, each
  bot a host of its own on loopback; half post the HTML form with a fresh
  token each time, half the JSON API replaying one token) within 60 seconds,
  while 20 readers load the article (one view every 0.3 s each, from a
  process of their own: ``tests.load.readers``) and 20 legitimate readers,
  each on a host of their own, comment. Every spam
  comment is held or refused, no legitimate comment is lost, and the readers'
  p99 latency stays within twice the quiet baseline.
* Flood: one client posting as fast as it can gets 429 answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from tests.load.harness import (
    REPO,
    Browserless,
    Server,
    client_address,
    commented_article,
    form_fields,
    percentile,
    production_server,
)
from tests.load.spam import MARKER

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.slow

SPAM_PROCESSES = 4
BOTS_PER_PROCESS = 25
POSTS_PER_BOT = 100
WAVE_SECONDS = 60
READERS = 20
# Readers pace themselves (a page view every 0.3 s each, about 65 views a
# second together: a story going viral) instead of hammering the server in a
# loop, which would make the readers a load test of their own.
READER_PAUSE_SECONDS = 0.3
LEGITIMATE = 20
BASELINE_SECONDS = 10
SWARM_START_SECONDS = 8  # time for the swarm processes to start and import
MIN_SUBMIT_SECONDS = 3  # COMMENTS_MIN_SUBMIT_SECONDS (default)
# Loopback hosts by role (bots use group 1, see tests.load.spam).
PERSON_GROUP, FLOOD_GROUP = 3, 4  # readers: 2 (tests.load.readers)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    # The pages pool as scripts/serve-prod runs it: 3 sync workers per core.
    with production_server(workers=6, front=True) as running:
        yield running


@pytest.fixture(scope="module")
def article(server: Server) -> tuple[str, int]:
    """Return the path and page id of a French demo article with an open form."""
    found = commented_article(server)
    if found is None:
        pytest.fail("no article with comments on the demo home page")
    return found


class Readers:
    """The readers, a process of their own (:mod:`tests.load.readers`).

    :meth:`read` runs one phase and returns its latencies; :meth:`begin` and
    :meth:`end` bracket a phase of unknown length (the wave).
    """

    def __init__(self, server: Server, path: str) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "tests.load.readers",
                server.url,
                path,
                str(READERS),
                str(READER_PAUSE_SECONDS),
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _say(self, line: str) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()

    def _latencies(self) -> list[float]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            pytest.fail(f"the readers' process exited ({self._process.wait()})")
        return [float(seconds) for seconds in json.loads(line)["seconds"]]

    def begin(self, label: str) -> None:
        """Start a phase that lasts until :meth:`end`."""
        self._say(f"{label} 0")

    def end(self) -> list[float]:
        """End the phase begun last; return its latencies (seconds)."""
        self._say("stop")
        return self._latencies()

    def read(self, label: str, seconds: float) -> list[float]:
        """Let the readers read for ``seconds``; return the latencies (seconds)."""
        self._say(f"{label} {seconds}")
        return self._latencies()

    def close(self) -> None:
        """Close the readers' input, so they exit, and wait (kill after 30 s)."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process.stdout.close()


@pytest.fixture
def readers(server: Server, article: tuple[str, int]) -> Iterator[Readers]:
    """Start the readers' process; stop it after the test, whatever the outcome."""
    running = Readers(server, article[0])
    yield running
    running.close()


def _legitimate(server: Server, path: str, number: int, out: dict[str, int]) -> None:
    client = Browserless(server.url, source=client_address(PERSON_GROUP, number))
    email = f"lectrice{number}@exemple.ma"
    try:
        fields = form_fields(client.request(path).body)
        time.sleep(MIN_SUBMIT_SECONDS + 0.5)  # a person types
        reply = client.request(
            "/comments/post/",
            {
                **fields,
                "body": f"Lectrice {number} : le reportage sur le port est clair.",
                "author_name": f"Lectrice {number}",
                "author_email": email,
            },
            headers={"Referer": server.url + path},
        )
    except OSError:
        out[email] = 0  # no answer within the client timeout
        return
    out[email] = reply.status


def test_flood_from_one_client_gets_429(server, article):
    path, page_id = article
    client = Browserless(server.url, source=client_address(FLOOD_GROUP, 0))
    fields = form_fields(client.request(path).body)
    statuses = []
    for n in range(30):
        token = json.loads(
            client.request(f"/api/v1/pages/{page_id}/comments/form-token").body
        )["token"]
        reply = client.request(
            "/comments/post/",
            {
                **fields,
                "security_token": token,
                "body": f"Flood {n}: encore et encore le même refrain.",
                "author_name": "Pressé",
                "author_email": "presse@exemple.ma",
            },
            headers={"Referer": server.url + path},
        )
        statuses.append(reply.status)
    api = Browserless(server.url, source=client_address(FLOOD_GROUP, 1))
    api_statuses = []
    for n in range(10):
        token = json.loads(
            api.request(f"/api/v1/pages/{page_id}/comments/form-token").body
        )["token"]
        body = {
            "body": f"Flood API {n}: toujours le même message.",
            "author_name": "Robot",
            "author_email": f"robot{n}@exemple.ma",
            "token": token,
        }
        api_statuses.append(api.post_json(f"/api/v1/pages/{page_id}/comments", body))
    print(f"\nflood: form {Counter(statuses)}, api {Counter(api_statuses)}")  # noqa: T201

    assert statuses[0] == 302
    assert statuses[1:].count(429) >= 28
    assert api_statuses[0] == 201
    assert api_statuses[1:].count(429) == 9


def test_spam_wave_is_held_or_refused_without_losing_readers(server, article, readers):
    path, page_id = article
    load_before = os.getloadavg()[0]
    # Warm up (the first views after a start render the page and fill the
    # caches), then the quiet baseline.
    readers.read("warm-up", 3)
    baseline = readers.read("quiet", BASELINE_SECONDS)

    # The swarm processes start first and wait for a common start time, so
    # their interpreters' start-up is not part of the wave being measured.
    start_at = time.time() + SWARM_START_SECONDS
    swarms = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "tests.load.spam",
                server.url,
                path,
                str(page_id),
                str(index * BOTS_PER_PROCESS),
                str(BOTS_PER_PROCESS),
                str(POSTS_PER_BOT),
                str(WAVE_SECONDS),
                str(start_at),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(SPAM_PROCESSES)
    ]
    time.sleep(max(0.0, start_at - time.time()))
    server_cpu = server.cpu_seconds()
    readers.begin("wave")
    legitimate: dict[str, int] = {}
    people = []
    for number in range(LEGITIMATE):
        person = threading.Thread(
            target=_legitimate, args=(server, path, number, legitimate)
        )
        person.start()
        people.append(person)
        time.sleep(1.5)  # spread over the first half of the wave
    results = [
        json.loads(swarm.communicate(timeout=WAVE_SECONDS + 60)[0].splitlines()[-1])
        for swarm in swarms
    ]
    during = readers.end()
    server_cpu = server.cpu_seconds() - server_cpu
    for thread in people:
        thread.join(timeout=60)

    answers: Counter[int] = Counter()
    for result in results:
        answers.update({int(k): v for k, v in result["answers"].items()})
    sent = sum(answers.values())
    wave_seconds = max(r["seconds"] for r in results)
    spam_rows = dict(
        server.query(
            "SELECT status, count(*) FROM comments_comment WHERE body LIKE %s "
            "GROUP BY status",
            f"{MARKER}%",
        )
    )
    kept = {
        email
        for (email,) in server.query(
            "SELECT author_email FROM comments_comment WHERE author_email LIKE %s",
            "lectrice%@exemple.ma",
        )
    }
    figures = {
        "load average (1 min) before/after": (
            round(load_before, 1),
            round(os.getloadavg()[0], 1),
        ),
        "spam sent": sent,
        "wave seconds": round(wave_seconds, 1),
        "CPU seconds server/bots": (
            round(server_cpu, 1),
            round(sum(r["cpu_seconds"] for r in results), 1),
        ),
        "answers": dict(sorted(answers.items())),
        "spam stored by status": spam_rows,
        "legitimate answers": Counter(legitimate.values()),
        "legitimate stored": len(kept),
        "reader requests quiet/wave": (len(baseline), len(during)),
        "p50 quiet/wave ms": (
            round(percentile(baseline, 0.5) * 1000),
            round(percentile(during, 0.5) * 1000),
        ),
        "p99 quiet/wave ms": (
            round(percentile(baseline, 0.99) * 1000),
            round(percentile(during, 0.99) * 1000),
        ),
        "wave views slower than twice the quiet p99": sum(
            1 for seconds in during if seconds > 2 * percentile(baseline, 0.99)
        ),
    }
    print(f"\nspam wave: {figures}")  # noqa: T201 - quoted in docs/security.md

    assert sent == SPAM_PROCESSES * BOTS_PER_PROCESS * POSTS_PER_BOT, figures
    assert wave_seconds <= WAVE_SECONDS + 5, figures
    assert not [s for s in answers if s >= 500], figures
    assert spam_rows.get("approved", 0) == 0, figures
    refused = answers[429] + answers[400] + answers[422]
    assert sum(spam_rows.values()) + refused >= sent - answers[302], figures
    assert set(legitimate.values()) == {302}, figures
    assert len(kept) == LEGITIMATE, figures
    assert percentile(during, 0.99) <= 2 * percentile(baseline, 0.99), figures
