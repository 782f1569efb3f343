"""A spam bot swarm, run in its own process by the spam-wave test.

Usage: ``python -m tests.load.spam URL ARTICLE_PATH PAGE_ID FIRST_BOT BOTS POSTS
SECONDS START_AT`` (``START_AT``: the Unix time at which every swarm begins).
Starts ``BOTS`` threads, each spreading its posts evenly over the time given
(see :func:`bot`), and stops them at the deadline. Each bot is
a host of its own (its own loopback source address, see
:func:`tests.load.harness.client_address`). Even-numbered bots load the article
once (cookies, CSRF token), then send up to ``POSTS`` comments through the HTML
form, each with a fresh signed form token from the API and a new email
address. Odd-numbered bots post JSON to the API, replaying one form token.
Prints one JSON line: answers by status (0: no answer within the client
timeout or connection refused), posts sent, seconds, and the CPU seconds the
swarm itself used (the attacker's share of this machine).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from collections import Counter

from tests.load.harness import (
    Browserless,
    client_address,
    form_fields,
)

BOT_GROUP = 1  # loopback 127.1.x.1: one host per bot

MARKER = "SPAM-WAVE"


def _spam(number: int, n: int) -> dict[str, str]:
    return {
        "body": f"{MARKER} {number}-{n} gagnez vite http://spam.example/{n}",
        "author_name": f"Promo {number}",
        "author_email": f"bot{number}.{n}@spam.example",
    }


#: The wave is spread over this share of the time given (the rest is margin
#: for the last answers), so 10,000 posts in 60 s arrive at ~180 a second.
SPREAD = 0.9


def bot(
    url: str,
    article: str,
    page_id: int,
    number: int,
    posts: int,
    deadline: float,
    answers: Counter[int],
    lock: threading.Lock,
) -> None:
    """Send up to ``posts`` spam comments as bot ``number`` until ``deadline``.

    Post ``n`` is due at ``start + (n + phase) * interval``, with ``interval``
    spreading the posts over :data:`SPREAD` of the time left and ``phase`` (from
    the bot number) staggering the bots; a bot that falls behind sends at once.
    """
    client = Browserless(url, source=client_address(BOT_GROUP, number))
    token_url = f"/api/v1/pages/{page_id}/comments/form-token"
    fields: dict[str, str] = {}
    token = ""
    start = time.monotonic()
    interval = SPREAD * (deadline - start) / max(posts, 1)
    phase = (number * 0.618) % 1.0  # golden-ratio spread of the bots' phases
    for n in range(posts):
        delay = start + (n + phase) * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if time.monotonic() > deadline:
            return
        try:
            if number % 2:  # API bot, one token replayed
                token = token or json.loads(client.request(token_url).body)["token"]
                status = client.post_json(
                    f"/api/v1/pages/{page_id}/comments",
                    {**_spam(number, n), "token": token},
                )
            else:  # form bot, fresh token each time
                fields = fields or form_fields(client.request(article).body)
                token = json.loads(client.request(token_url).body)["token"]
                status = client.request(
                    "/comments/post/",
                    {**fields, **_spam(number, n), "security_token": token},
                    headers={"Referer": url + article},
                ).status
        except (OSError, ValueError, KeyError):
            status = 0  # timed out, refused connection or not JSON
        with lock:
            answers[status] += 1


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    """Run the swarm described by ``argv`` (see module docstring)."""
    url, article, page_id, first, bots, posts, seconds, start_at = argv
    # On a real site the bots are other people's machines; here they share the
    # cores with the server they attack. Linux's SCHED_IDLE policy gives them
    # only the CPU time no other process wants (sched(7)), so the load
    # generator does not delay the server or the readers measuring it. The
    # swarm must still send every post in time, and what it used is reported
    # (cpu_seconds).
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    # Start together with the other swarms at the Unix time ``start_at``, once
    # this process has started and imported (its own start-up must not count
    # as part of the wave, nor slow the readers down during it).
    time.sleep(max(0.0, float(start_at) - time.time()))
    deadline = time.monotonic() + float(seconds)
    answers: Counter[int] = Counter()
    lock = threading.Lock()
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=bot,
            args=(url, article, int(page_id), number, int(posts), deadline),
            kwargs={"answers": answers, "lock": lock},
        )
        for number in range(int(first), int(first) + int(bots))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = {
        "answers": {str(k): v for k, v in answers.items()},
        "sent": sum(answers.values()),
        "seconds": time.monotonic() - started,
        "cpu_seconds": _cpu_seconds(),
    }
    print(json.dumps(result))  # noqa: T201 - read by the test
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
