"""The /healthz endpoint: 200 with a JSON report when healthy, 503 otherwise."""

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings

from manchette import health


@pytest.fixture(autouse=True)
def _forget_migration_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrations_clean", False)


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


# The suite runs with --no-migrations (tables made by syncdb, nothing recorded).
# With the real migration modules back, every migration counts as unapplied, as
# on a database that was never migrated.
@pytest.mark.django_db
@override_settings(MIGRATION_MODULES={})
def test_healthz_fails_with_unapplied_migrations(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["migrations"] == {
        "ok": False,
        "error": "RuntimeError",
        "ms": body["checks"]["migrations"]["ms"],
    }


@pytest.mark.django_db(transaction=True)  # SQLite creates tables outside atomic
@override_settings(MIGRATION_MODULES={})
def test_healthz_ok_once_migrations_are_recorded(client: Client) -> None:
    executor = MigrationExecutor(connections["default"])
    executor.recorder.ensure_schema()
    try:
        for app_label, name in executor.loader.graph.leaf_nodes():
            for key in executor.loader.graph.forwards_plan((app_label, name)):
                executor.recorder.record_applied(*key)

        response = client.get("/healthz")
    finally:
        executor.recorder.flush()

    assert response.status_code == 200
    assert response.json()["checks"]["migrations"]["ok"] is True


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
)
def test_healthz_fails_when_cache_loses_writes(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_healthz_rejects_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
