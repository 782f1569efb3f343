"""Artifacts: versioned directories, safe skops loading, version gate."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import sklearn
import skops.io as sio

from manchette.moderation.engine.artifacts import (
    ArtifactVersionWarning,
    latest_artifact,
    load_artifact,
    save_artifact,
)
from manchette.moderation.engine.errors import ArtifactNotFound, IncompatibleArtifact

PACKAGED = (
    Path(__file__).resolve().parents[3] / "manchette" / "moderation" / "artifacts"
)
PROBE = ["quel crétin, le maire", "merci au maire pour cet article clair"]


class NotAnEstimator:
    """A class of ours: skops must not trust it."""

    def __init__(self):
        self.payload = "anything"


def _save(model, root, version="1.0.0", **overrides):
    kwargs = {
        "name": "test-model",
        "version": version,
        "metrics": {"toxicity_auc": 0.9},
        "training_data_sha256": "ab" * 32,
        "labels": model.heads_,
        "manchette_version": "0.1.0",
    }
    kwargs.update(overrides)
    return save_artifact(model, root, **kwargs)


def _rewrite_meta(path, **changes):
    meta_path = path / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(changes)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")


def test_artifact_round_trip_predicts_identically(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    assert path == tmp_path / "test-model-1.0.0"
    assert sorted(p.name for p in path.iterdir()) == ["meta.json", "model.skops"]
    assert sio.get_untrusted_types(file=path / "model.skops") == []

    loaded = load_artifact(path)

    np.testing.assert_array_equal(
        loaded.classifier.predict_proba(PROBE),
        fitted_classifier.predict_proba(PROBE),
    )
    assert loaded.meta.model_version == "test-model-1.0.0"
    assert loaded.meta.labels == fitted_classifier.heads_
    assert loaded.meta.sklearn_version == sklearn.__version__
    assert loaded.meta.metrics == {"toxicity_auc": 0.9}
    assert loaded.meta.created_at.endswith("+00:00")


def test_artifact_meta_has_every_documented_field(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    assert set(meta) == {
        "name",
        "version",
        "created_at",
        "manchette_version",
        "sklearn_version",
        "skops_version",
        "python_version",
        "training_data_sha256",
        "metrics",
        "labels",
    }


def test_load_artifact_from_a_root_picks_the_latest(fitted_classifier, tmp_path):
    older = _save(fitted_classifier, tmp_path, version="1")
    newer = _save(fitted_classifier, tmp_path, version="2")
    _rewrite_meta(older, created_at="2020-01-01T00:00:00+00:00")
    _rewrite_meta(newer, created_at="2021-01-01T00:00:00+00:00")
    (tmp_path / "not-an-artifact").mkdir()
    assert latest_artifact(tmp_path) == newer
    assert load_artifact(tmp_path).path == newer


def test_latest_artifact_is_none_for_an_empty_or_missing_root(tmp_path):
    assert latest_artifact(tmp_path) is None
    assert latest_artifact(tmp_path / "missing") is None


@pytest.mark.parametrize("where", ["empty", "missing"])
def test_load_artifact_without_artifact_raises_not_found(tmp_path, where):
    root = tmp_path if where == "empty" else tmp_path / "nowhere"
    with pytest.raises(ArtifactNotFound, match="no moderation model artifact"):
        load_artifact(root)


def test_load_artifact_without_model_file_raises_not_found(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    (path / "model.skops").unlink()
    with pytest.raises(ArtifactNotFound, match=r"no model\.skops"):
        load_artifact(path)


def test_load_artifact_refuses_untrusted_types(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    state = {**fitted_classifier.to_state(), "extra": NotAnEstimator()}
    sio.dump(state, path / "model.skops")
    with pytest.raises(IncompatibleArtifact, match=r"untrusted types.*NotAnEstimator"):
        load_artifact(path)


def test_load_artifact_refuses_another_sklearn_minor(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    major, minor = sklearn.__version__.split(".")[:2]
    _rewrite_meta(path, sklearn_version=f"{major}.{int(minor) - 1}.0")
    with pytest.raises(IncompatibleArtifact, match="trained with scikit-learn"):
        load_artifact(path)


def test_load_artifact_warns_on_a_patch_mismatch(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    major, minor = sklearn.__version__.split(".")[:2]
    _rewrite_meta(path, sklearn_version=f"{major}.{minor}.999")
    with pytest.warns(ArtifactVersionWarning, match=r"\.999"):
        loaded = load_artifact(path)
    assert loaded.classifier.heads_ == fitted_classifier.heads_


@pytest.mark.parametrize("content", ["{not json", json.dumps({"name": "x"})])
def test_load_artifact_refuses_a_broken_meta(fitted_classifier, tmp_path, content):
    path = _save(fitted_classifier, tmp_path)
    (path / "meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(IncompatibleArtifact, match="unreadable or incomplete"):
        load_artifact(path)


def test_load_artifact_refuses_a_corrupt_model_file(fitted_classifier, tmp_path):
    path = _save(fitted_classifier, tmp_path)
    (path / "model.skops").write_bytes(b"not a zip file")
    with pytest.raises(IncompatibleArtifact, match="not a skops archive"):
        load_artifact(path)


def test_save_artifact_refuses_mismatched_labels(fitted_classifier, tmp_path):
    with pytest.raises(ValueError, match="differ from the model heads"):
        _save(fitted_classifier, tmp_path, labels=("toxicity",))


def test_save_artifact_refuses_to_overwrite(fitted_classifier, tmp_path):
    _save(fitted_classifier, tmp_path)
    with pytest.raises(FileExistsError):
        _save(fitted_classifier, tmp_path)


def test_save_artifact_refuses_path_separators(fitted_classifier, tmp_path):
    with pytest.raises(ValueError, match="unsafe"):
        _save(fitted_classifier, tmp_path, version="../escape")


def test_committed_artifact_loads_and_ranks_insults_above_neutral_text():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_artifact(PACKAGED)
    heads = loaded.classifier.heads_
    assert "toxicity" in heads
    insults = [
        "Tu es un gros connard, ferme ta gueule",
        "You are a stupid fucking idiot",
        "انت حمار وغبي و كلب",
    ]
    neutral = [
        "Merci pour cet article très clair sur le budget municipal",
        "Thank you for this clear article about the city budget",
        "شكرا على هذا المقال الواضح حول ميزانية المدينة",
    ]
    toxicity = loaded.classifier.predict_proba(insults + neutral)[
        :, heads.index("toxicity")
    ]
    for insult, calm in zip(toxicity[:3], toxicity[3:], strict=True):
        assert insult > calm
    assert len(loaded.meta.training_data_sha256) == 64
