"""The spam-wave test's readers, run in a process of their own.

Usage: ``python -m tests.load.readers URL ARTICLE_PATH READERS PAUSE``, then
one phase per line on standard input:

* ``<label> <seconds>``: the readers read for that many seconds;
* ``<label> 0``: they read until the next line (any text) arrives.

After each phase the process prints one JSON line, ``{"label": …,
"seconds": [latency, …]}`` (one latency per page view, in seconds; a view
that timed out or did not answer 200 counts as ``REQUEST_TIMEOUT``), and it
exits when standard input closes.

Each reader is a thread and a host of its own (loopback address
``127.2.N.1``, :func:`tests.load.harness.client_address`) that loads the
article, waits ``PAUSE`` seconds and loads it again. The readers stand for
people's browsers on their own machines. Measured from the test process
(which holds Django, the test suite and the legitimate commenters' threads),
a view's latency also counted the wait for that process's interpreter lock,
held up to ``sys.getswitchinterval()`` (5 ms) by another thread; here the
process holds nothing else.
"""

from __future__ import annotations

import gc
import json
import sys
import threading

from tests.load.harness import REQUEST_TIMEOUT, Browserless, client_address

READER_GROUP = 2  # loopback 127.2.x.1: one host per reader


def _read_until(
    url: str,
    path: str,
    pause: float,
    offset: float,
    stop: threading.Event,
    latencies: list[float],
    number: int,
) -> None:
    client = Browserless(url, source=client_address(READER_GROUP, number))
    stop.wait(offset)  # spread the readers out
    while not stop.is_set():
        try:
            reply = client.request(path)
        except OSError:  # counted at the client timeout
            latencies.append(REQUEST_TIMEOUT)
            continue
        latencies.append(reply.seconds if reply.status == 200 else REQUEST_TIMEOUT)
        stop.wait(pause)
    client.close()


def read(
    url: str, path: str, readers: int, pause: float, until: threading.Event
) -> list[float]:
    """Let ``readers`` readers load ``path`` every ``pause`` s until ``until`` is set.

    Returns the latencies (seconds) of every view, in the order they ended.
    """
    latencies: list[float] = []
    threads = [
        threading.Thread(
            target=_read_until,
            args=(url, path, pause, pause * number / readers, until, latencies, number),
        )
        for number in range(readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _set_on_next_line(event: threading.Event) -> None:
    sys.stdin.readline()
    event.set()


def main(argv: list[str]) -> int:
    """Run the phases read from standard input (see the module docstring)."""
    url, path, readers, pause = argv
    gc.collect()
    gc.freeze()  # the start-up heap is not walked by a collection mid-phase
    for line in sys.stdin:
        label, seconds = line.split()
        until = threading.Event()
        if float(seconds) > 0:
            threading.Timer(float(seconds), until.set).start()
        else:
            threading.Thread(
                target=_set_on_next_line, args=(until,), daemon=True
            ).start()
        latencies = read(url, path, int(readers), float(pause), until)
        print(json.dumps({"label": label, "seconds": latencies}), flush=True)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
