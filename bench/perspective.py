"""Throughput of the Perspective-compatible endpoint (run by hand).

    .venv/bin/python bench/perspective.py [--duration 10] [--connections 4]
        [--workers 2] [--spans]

Starts the moderation-only profile (``manchette.settings.moderation_only``,
gunicorn with ``manchette/perspective/gunicorn_conf.py``) on 127.0.0.1 with a
throw-away SQLite database, creates an API key with ``apikeys create``, then
sends Coral-shaped ``comments:analyze`` requests (one TOXICITY attribute,
``languages: ["en"]``, ``doNotStore: true``) over ``--connections`` keep-alive
HTTP/1.1 connections (``http.client``, one thread each) for ``--duration``
seconds after a warm-up. The comments rotate through French, Arabic, Darija
(Arabizi) and English, benign and abusive, all written for this script.

Prints requests/s, p50/p90/p99/max latency and the error count, as a Markdown
row for docs/performance.md. Bounded: the run stops after ``--duration``
seconds or ``--max-requests`` requests, whichever comes first, and the server
is always stopped. The client shares the machine's cores with the server, so
the figures are a lower bound.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
PORT = 8098

COMMENTS = [
    "Merci pour cet article très clair sur le budget de la ville.",
    "Je ne suis pas d'accord avec le maire sur le tramway, mais bon papier.",
    "Tu es un idiot complet, retourne lire tes sources.",
    "Je sais où tu habites, je vais te retrouver.",
    "شكرا على هذا المقال المفيد عن الميناء الجديد",
    "أنت غبي ولا تفهم شيئا في الاقتصاد",
    "nta hmar o mkalakh, sir t9ra",
    "bravo 3la had lmaqal, zwin bzaf",
    "Thank you for this careful piece on the harbour works.",
    "You are a stupid troll, nobody reads you.",
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _worker(
    path: str,
    stop: threading.Event,
    deadline: float,
    budget: list[int],
    lock: threading.Lock,
    latencies: list[float],
    errors: list[int],
    spans: bool,
    offset: int,
) -> None:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
    n = offset
    while not stop.is_set() and time.perf_counter() < deadline:
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        body = json.dumps(
            {
                "comment": {"text": COMMENTS[n % len(COMMENTS)]},
                "languages": ["en"],
                "requestedAttributes": {"TOXICITY": {}},
                "doNotStore": True,
                "spanAnnotations": spans,
            }
        ).encode()
        n += 1
        started = time.perf_counter()
        try:
            connection.request(
                "POST", path, body=body, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            payload = response.read()
            ok = response.status == 200 and b"summaryScore" in payload
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
        elapsed = time.perf_counter() - started
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                errors[0] += 1
    connection.close()


def run(args: argparse.Namespace, key: str) -> dict[str, float]:
    path = f"/v1alpha1/comments:analyze?key={key}"
    stop = threading.Event()
    lock = threading.Lock()
    for label, seconds in (
        ("warm-up", min(3.0, args.duration)),
        ("run", args.duration),
    ):
        latencies: list[float] = []
        errors = [0]
        budget = [args.max_requests]
        deadline = time.perf_counter() + seconds
        threads = [
            threading.Thread(
                target=_worker,
                args=(
                    path,
                    stop,
                    deadline,
                    budget,
                    lock,
                    latencies,
                    errors,
                    args.spans,
                    i,
                ),
            )
            for i in range(args.connections)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 30)
        wall = time.perf_counter() - started
        if label == "warm-up":
            continue
        return {
            "requests": len(latencies),
            "seconds": wall,
            "rps": len(latencies) / wall if wall else 0.0,
            "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
            "p90": _percentile(latencies, 0.90) * 1000 if latencies else 0.0,
            "p99": _percentile(latencies, 0.99) * 1000 if latencies else 0.0,
            "max": max(latencies) * 1000 if latencies else 0.0,
            "errors": errors[0],
        }
    raise AssertionError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--spans", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="manchette-perspective-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "manchette.settings.moderation_only",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "BIND": f"{HOST}:{PORT}",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_MAX_REQUESTS": "0",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": HOST,
        }
        env.pop("REDIS_URL", None)
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run(
            [*manage, "migrate", "--no-input", "-v", "0", "--skip-checks"],
            env=env,
            check=True,
        )
        key = subprocess.run(
            [*manage, "apikeys", "create", "bench", "--rate", "1000000"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        server = subprocess.Popen(
            [GUNICORN, "-c", "python:manchette.perspective.gunicorn_conf"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(
                        f"http://{HOST}:{PORT}/healthz", timeout=2
                    ):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print("server did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.5)
            result = run(args, key)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)

    print(
        f"{args.workers} workers, {args.connections} connections, "
        f"{result['seconds']:.1f} s, spans={'on' if args.spans else 'off'}: "
        f"{result['requests']:.0f} requests, {result['errors']:.0f} errors"
    )
    print(
        "| workers | connections | spans | requests/s | p50 ms | p90 ms "
        "| p99 ms | max ms | errors |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {args.workers} | {args.connections} | {'on' if args.spans else 'off'} "
        f"| {result['rps']:.0f} | {result['p50']:.1f} | {result['p90']:.1f} "
        f"| {result['p99']:.1f} | {result['max']:.1f} | {result['errors']:.0f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
