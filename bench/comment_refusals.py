"""Server CPU per request for what a spam wave sends, on the production profile.

Usage: ``.venv/bin/python bench/comment_refusals.py [--requests N]``

Starts gunicorn with the production settings on a free loopback port (one
worker, its own PostgreSQL database with the demo newsroom, the local Redis:
``tests.load.harness.production_server``), then sends, one at a time from one
simulated client each, ``N`` requests of each kind a spam wave is made of:

- a reader's view of a cached article page;
- ``GET …/comments/form-token`` (a bot fetching a fresh form token);
- ``POST`` to the JSON API replaying a used token with other content (422);
- ``POST`` of the HTML form over the network budget (429);
- ``POST`` of the HTML form inside the flood delay (429; the budget raised).

For each it prints the server's CPU time per request (user + system of the
gunicorn processes, read from ``/proc`` before and after) and the wall time
seen by the client. Needs PostgreSQL and Redis on 127.0.0.1 (skips
otherwise, as the load tests do). Results: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.load.harness import (
    Browserless,
    Server,
    client_address,
    commented_article,
    form_fields,
    production_server,
)

if TYPE_CHECKING:
    from collections.abc import Callable


def _article(server: Server) -> tuple[str, int]:
    found = commented_article(server)
    if found is None:
        msg = "no article with comments on the demo home page"
        raise SystemExit(msg)
    return found


def _measure(
    server: Server, label: str, send: Callable[[int], int], count: int
) -> None:
    statuses = [send(0)]  # warm-up
    cpu, wall = server.cpu_seconds(), time.perf_counter()
    statuses = [send(n) for n in range(1, count + 1)]
    cpu, wall = server.cpu_seconds() - cpu, time.perf_counter() - wall
    common = max(set(statuses), key=statuses.count)
    print(
        f"{label:44s} {1000 * cpu / count:6.2f} ms CPU  "
        f"{1000 * wall / count:6.2f} ms wall  (status {common}: "
        f"{statuses.count(common)}/{count})"
    )


def _token(client: Browserless, page_id: int) -> str:
    reply = client.request(f"/api/v1/pages/{page_id}/comments/form-token")
    return str(json.loads(reply.body)["token"])


def _form_post(
    server: Server, path: str, page_id: int, group: int, count: int
) -> Callable[[int], int]:
    client = Browserless(server.url, source=client_address(group, 0))
    fields = form_fields(client.request(path).body)
    tokens = [_token(client, page_id) for _ in range(count + 2)]

    def send(n: int) -> int:
        return client.request(
            "/comments/post/",
            {
                **fields,
                "security_token": tokens[n],
                "body": f"Gagnez vite {n} http://spam.example/{n}",
                "author_name": "Promo",
                "author_email": f"bot{n}@spam.example",
            },
            headers={"Referer": server.url + path},
        ).status

    send(count + 1)  # the post that is stored, before the measured ones
    return send


def main() -> int:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    count = parser.parse_args().requests

    with production_server(workers=1) as server:
        path, page_id = _article(server)
        reader = Browserless(server.url, source=client_address(2, 0))
        _measure(
            server,
            "reader: cached article page",
            lambda n: reader.request(path).status,
            count,
        )
        bot = Browserless(server.url, source=client_address(5, 0))
        _measure(
            server,
            "bot: GET form token",
            lambda n: (
                bot.request(f"/api/v1/pages/{page_id}/comments/form-token").status
            ),
            count,
        )
        api = Browserless(server.url, source=client_address(6, 0))
        token = _token(api, page_id)
        url = f"/api/v1/pages/{page_id}/comments"
        first = {"body": "Gagnez vite, premier message", "author_name": "Promo"}
        api.post_json(url, {**first, "author_email": "b@spam.example", "token": token})
        _measure(
            server,
            "bot: API post replaying a used token (422)",
            lambda n: api.post_json(
                url,
                {
                    "body": f"Gagnez vite {n}",
                    "author_name": "Promo",
                    "author_email": f"b{n}@spam.example",
                    "token": token,
                },
            ),
            count,
        )
        over = _form_post(server, path, page_id, 7, count)
        _measure(server, "bot: form post over the network budget (429)", over, count)
    with production_server(workers=1, COMMENTS_IP_BUDGET="100000") as server:
        path, page_id = _article(server)
        flood = _form_post(server, path, page_id, 8, count)
        _measure(server, "bot: form post inside the flood delay (429)", flood, count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
