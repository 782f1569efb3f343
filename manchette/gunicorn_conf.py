"""gunicorn settings for the production profile.

Use: ``gunicorn -c python:manchette.gunicorn_conf``.

Environment knobs (all optional): ``BIND`` (default ``127.0.0.1:8000``),
``WEB_CONCURRENCY`` (workers, default ``2 * cores``), ``GUNICORN_THREADS``
(default 2: ``gthread`` workers, which keep HTTP connections alive; 1 gives
sync workers, which close the connection after every response),
``GUNICORN_TIMEOUT`` (seconds, default 30), ``GUNICORN_MAX_REQUESTS`` (recycle a
worker after this many requests, default 5000; 0 disables), ``GUNICORN_PIDFILE``,
``GUNICORN_ACCESSLOG`` (``-`` for stderr, default off: the proxy logs requests),
``GUNICORN_WARM_ENGINE`` (default 1: load the moderation engine in each new
worker, see :func:`post_fork`; 0 for a pool that takes no comment posts,
such as the front's pages pool).
"""

import gc
import os
from typing import Any, cast

wsgi_app = "manchette.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Django pages are CPU-bound: 2 workers per core keep every core busy while one
# waits on PostgreSQL or Redis. Two threads per worker (gthread) add keep-alive:
# a sync worker closes the connection after each response, and on a cached
# page the new TCP connection per request cost as much as the page
# (docs/performance.md: about 600 vs 1,200 cached pages/s on 2 cores).
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
# Import Django and the URLconf once in the master: workers fork with it loaded
# (faster start, shared memory pages).
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "manchette"
# No runtime control socket: several instances (bench, serve-prod) may run at once.
control_socket_disable = True


def when_ready(server: Any) -> None:
    """Close what the preloaded master may have opened before workers fork.

    A connection pool or socket opened during import would otherwise be
    shared by every worker. Runs once in the master, after preload.
    """
    from django.db import connections  # Django is set up by now

    for conn in connections.all(initialized_only=True):
        conn.close()
        if conn.alias in getattr(type(conn), "_connection_pools", {}):
            cast("Any", conn).close_pool()  # PostgreSQL psycopg_pool
    _freeze_heap()


def _freeze_heap() -> None:
    """Move every object alive now out of the garbage collector's reach.

    Django, Wagtail and the moderation engine leave hundreds of thousands of
    long-lived objects; a full collection walks them all and stops the
    worker's every thread meanwhile. Frozen (``gc.freeze``, Python 3.7+),
    they are never walked again, and pages shared with the master after the
    fork stay shared (the technique of Instagram's "Dismissing Python Garbage
    Collection at Instagram", 2017, which the ``gc`` documentation recommends
    before a fork).
    """
    gc.collect()
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """Load the moderation engine in each new worker, before it takes requests.

    Comments are moderated inside the POST; without this, the first comment a
    worker receives would wait for the language identifier and the model
    (about 2 s of CPU). Not done in the master: native libraries' thread pools
    do not survive a fork. Runs again for every recycled worker
    (``max_requests``). A failure is logged, not fatal: the worker still
    serves pages and the first comment loads the engine. Skipped with
    ``GUNICORN_WARM_ENGINE=0``: a pool that only serves pages would spend that
    CPU and memory in every worker for nothing (the engine still loads on
    first use).
    """
    if os.environ.get("GUNICORN_WARM_ENGINE", "1") == "0":
        _freeze_heap()
        return
    try:
        from manchette.moderation.engine.langid import detect_language
        from manchette.moderation.engine.types import Submission
        from manchette.moderation.services import engine_state

        engine_state().engine.moderate(Submission("warm-up"))
        detect_language("warm-up")
    except Exception:  # the first comment loads it instead; pages still work
        worker.log.exception("Could not load the moderation engine after fork")
    _freeze_heap()  # the engine's model and tables too
