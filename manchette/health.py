"""``/healthz``: is this process able to serve? For load balancers and monitors.

The view answers JSON ``{"status": "ok"|"fail", "checks": {name: {...}}}`` with
HTTP 200 when every check passes and 503 otherwise. Checks:

- ``database``: a ``SELECT 1`` on every configured database;
- ``cache``: a set/get round trip on the default cache;
- ``migrations``: no unapplied migration on the default database (a process
  remembers a clean result, since migrations are not rolled back under it).

Each check reports ``ok`` (bool), ``ms`` (float, duration) and, on failure,
``error`` (the exception's class name only: no connection strings leak).
"""

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

_migrations_clean = False


def check_database() -> None:
    """Run ``SELECT 1`` on every configured database; raise on failure."""
    for conn in connections.all():
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_cache() -> None:
    """Write, read back and delete a unique key in the default cache."""
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        if cache.get(key) != "1":
            msg = "cache did not return the value just written"
            raise RuntimeError(msg)
    finally:
        cache.delete(key)


def check_migrations() -> None:
    """Raise when the default database has unapplied migrations."""
    global _migrations_clean  # per-process memo of a clean state
    if _migrations_clean:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        msg = f"{len(plan)} unapplied migration(s)"
        raise RuntimeError(msg)
    _migrations_clean = True


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check; return (all passed, per-check report)."""
    report: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a health probe reports, never raises
            report[name] = {"ok": False, "error": type(exc).__name__}
        else:
            report[name] = {"ok": True}
        report[name]["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return all(item["ok"] for item in report.values()), report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 with the checks' report when healthy, 503 otherwise."""
    healthy, report = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": report},
        status=200 if healthy else 503,
    )


# Mounted by ``path("", include("manchette.health"))`` outside i18n_patterns.
urlpatterns = [path("healthz", healthz, name="healthz")]
