"""System checks on the moderation model artifact."""

import json
from pathlib import Path

from django.test import override_settings

from manchette.moderation.checks import check_artifact
from manchette.moderation.services import engine_state


def _write_meta(directory: Path, **overrides: object) -> None:
    directory.mkdir(parents=True)
    meta: dict[str, object] = {
        "name": "moderation",
        "version": "0.0.1",
        "created_at": "2026-01-01T00:00:00+00:00",
        "manchette_version": "0",
        "sklearn_version": "0.24.2",
        "skops_version": "0.16.0",
        "python_version": "3.13.0",
        "training_data_sha256": "0" * 64,
        "metrics": {},
        "labels": ["toxicity"],
    }
    meta.update(overrides)
    (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (directory / "model.skops").write_bytes(b"not a model")


def test_check_artifact_reports_missing_artifact(tmp_path):
    with override_settings(MODERATION_ARTIFACT_DIR=tmp_path):
        errors = check_artifact()
        degraded = engine_state().degraded

    assert [e.id for e in errors] == ["moderation.E001"]
    assert str(tmp_path) in errors[0].msg
    assert degraded


def test_check_artifact_reports_incompatible_artifact(tmp_path):
    _write_meta(tmp_path / "moderation-0.0.1")

    with override_settings(MODERATION_ARTIFACT_DIR=tmp_path / "moderation-0.0.1"):
        errors = check_artifact()

    assert [e.id for e in errors] == ["moderation.E002"]
    assert "scikit-learn" in errors[0].msg


def test_check_artifact_reports_unreadable_meta(tmp_path):
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "meta.json").write_text("{not json", encoding="utf-8")

    with override_settings(MODERATION_ARTIFACT_DIR=directory):
        errors = check_artifact()

    assert [e.id for e in errors] == ["moderation.E002"]


def test_check_artifact_accepts_the_shipped_artifact_without_loading_it():
    from manchette.moderation import services

    services.reset_engine()

    assert check_artifact() == []
    assert services._engine_state is None


def test_check_artifact_reports_model_file_that_is_not_an_archive(tmp_path):
    import sklearn

    _write_meta(tmp_path / "moderation-0.0.1", sklearn_version=sklearn.__version__)

    with override_settings(MODERATION_ARTIFACT_DIR=tmp_path / "moderation-0.0.1"):
        errors = check_artifact()

    assert [e.id for e in errors] == ["moderation.E002"]
    assert "skops archive" in errors[0].msg


def test_check_engine_is_a_deploy_check_that_builds_the_engine():
    from django.core.checks import registry

    from manchette.moderation.checks import check_engine

    assert check_engine in registry.registry.get_checks(include_deployment_checks=True)
    assert check_engine not in registry.registry.get_checks()
    assert check_engine() == []
