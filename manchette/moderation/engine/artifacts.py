"""Versioned, safely loadable model artifacts.

An artifact is a directory ``<root>/<name>-<version>/`` holding

* ``model.skops``: the classifier's state (:meth:`TextClassifier.to_state`), a
  dictionary of scikit-learn objects, numpy arrays and builtins, written with
  ``skops.io`` (never pickle);
* ``meta.json``: ``name``, ``version``, ``created_at`` (UTC, ISO 8601),
  ``manchette_version``, ``sklearn_version``, ``skops_version``,
  ``python_version``, ``training_data_sha256``, ``metrics`` and ``labels`` (the
  heads, in column order).

Loading refuses anything that skops does not trust by default: before reading
the model, :func:`skops.io.get_untrusted_types` must return an empty list, and
the file is then loaded with ``trusted=[]``.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, BadZipFile, is_zipfile

from manchette.moderation.engine.errors import ArtifactNotFound, IncompatibleArtifact

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    from manchette.moderation.engine.classifier import TextClassifier

__all__ = [
    "ArtifactMeta",
    "ArtifactVersionWarning",
    "LoadedArtifact",
    "latest_artifact",
    "load_artifact",
    "locate_artifact",
    "save_artifact",
]

MODEL_FILE = "model.skops"
META_FILE = "meta.json"

_META_FIELDS = (
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
)


class ArtifactVersionWarning(UserWarning):
    """The artifact was written by another scikit-learn patch release."""


@dataclass(frozen=True, slots=True)
class ArtifactMeta:
    """The content of ``meta.json``.

    Attributes
    ----------
    name, version : str
        The artifact is the directory ``<name>-<version>``.
    created_at : str
        UTC creation time, ISO 8601.
    manchette_version, sklearn_version, skops_version, python_version : str
        Versions of the writing environment.
    training_data_sha256 : str
        SHA-256 of the exact training rows (see ``datasets.rows_sha256``).
    metrics : dict
        Evaluation figures recorded at training time (JSON-compatible).
    labels : tuple of str
        The classifier's heads, in column order.
    """

    name: str
    version: str
    created_at: str
    manchette_version: str
    sklearn_version: str
    skops_version: str
    python_version: str
    training_data_sha256: str
    metrics: Mapping[str, Any]
    labels: tuple[str, ...]

    @property
    def model_version(self) -> str:
        """Return ``"<name>-<version>"``, the identifier stored with decisions."""
        return f"{self.name}-{self.version}"

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-compatible dictionary of every field."""
        return {
            field: (list(self.labels) if field == "labels" else getattr(self, field))
            for field in _META_FIELDS
        }


@dataclass(frozen=True, slots=True)
class LoadedArtifact:
    """A loaded classifier with its metadata and directory."""

    classifier: TextClassifier
    meta: ArtifactMeta
    path: Path


def _installed_manchette_version() -> str:
    try:
        return metadata.version("manchette")
    except metadata.PackageNotFoundError:
        return "unknown"


def save_artifact(
    model: TextClassifier,
    directory: str | os.PathLike[str],
    *,
    name: str,
    version: str,
    metrics: Mapping[str, Any],
    training_data_sha256: str,
    labels: Sequence[str],
    manchette_version: str | None = None,
) -> Path:
    """Write ``<directory>/<name>-<version>/{model.skops,meta.json}``.

    The two files are written into a temporary sibling directory that is then
    renamed, so a reader never sees a half-written artifact.

    Parameters
    ----------
    model : TextClassifier
        A fitted classifier; only its scikit-learn state is persisted.
    directory : path
        Root of the artifacts (created if missing).
    name, version : str
        Artifact identity; no path separators.
    metrics : mapping
        JSON-compatible evaluation results.
    training_data_sha256 : str
        Hash of the training rows.
    labels : sequence of str
        Heads, which must equal ``model.heads_``.
    manchette_version : str, optional
        Defaults to the installed distribution's version (read with
        :mod:`importlib.metadata`, without importing the Django project).

    Returns
    -------
    Path
        The artifact directory.

    Raises
    ------
    ValueError
        If ``labels`` differ from the model's heads or the name is unsafe.
    FileExistsError
        If the artifact directory already exists.
    """
    labels = tuple(labels)
    if labels != tuple(model.heads_):
        msg = f"labels {labels!r} differ from the model heads {model.heads_!r}"
        raise ValueError(msg)
    for part in (name, version):
        if not part or "/" in part or "\\" in part or part.startswith("."):
            msg = f"unsafe artifact name or version: {part!r}"
            raise ValueError(msg)
    root = Path(directory)
    target = root / f"{name}-{version}"
    if target.exists():
        msg = f"artifact already exists: {target}"
        raise FileExistsError(msg)
    meta = ArtifactMeta(
        name=name,
        version=version,
        created_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        manchette_version=manchette_version or _installed_manchette_version(),
        sklearn_version=metadata.version("scikit-learn"),
        skops_version=metadata.version("skops"),
        python_version=platform.python_version(),
        training_data_sha256=training_data_sha256,
        metrics=json.loads(json.dumps(dict(metrics))),
        labels=labels,
    )
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        import skops.io as sio  # heavy; meta checks need none of it

        sio.dump(model.to_state(), staging / MODEL_FILE, compression=ZIP_DEFLATED)
        (staging / META_FILE).write_text(
            json.dumps(meta.to_json(), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        staging.chmod(0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_meta(path: Path) -> ArtifactMeta:
    """Read and validate ``meta.json`` in an artifact directory.

    Parameters
    ----------
    path : Path
        The artifact directory.

    Returns
    -------
    ArtifactMeta

    Raises
    ------
    ArtifactNotFound
        If ``meta.json`` is missing.
    IncompatibleArtifact
        If it is not valid JSON or misses fields.
    """
    meta_path = path / META_FILE
    if not meta_path.is_file():
        msg = f"no {META_FILE} in {path}"
        raise ArtifactNotFound(msg)
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8"))
        values = {field: raw[field] for field in _META_FIELDS}
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        msg = f"unreadable or incomplete {meta_path}: {exc}"
        raise IncompatibleArtifact(msg) from exc
    values["labels"] = tuple(values["labels"])
    return ArtifactMeta(**values)


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _check_versions(meta: ArtifactMeta, path: Path) -> None:
    installed = metadata.version("scikit-learn")
    if _major_minor(meta.sklearn_version) != _major_minor(installed):
        msg = (
            f"artifact {path.name} was trained with scikit-learn "
            f"{meta.sklearn_version}; this installation has {installed}. "
            "Retrain it (`manage.py moderation train`)."
        )
        raise IncompatibleArtifact(msg)
    if meta.sklearn_version != installed:
        warnings.warn(
            f"artifact {path.name} was trained with scikit-learn "
            f"{meta.sklearn_version}, running {installed}",
            ArtifactVersionWarning,
            stacklevel=3,
        )


def latest_artifact(root: str | os.PathLike[str]) -> Path | None:
    """Return the most recently created artifact directory under ``root``.

    Parameters
    ----------
    root : path
        A directory of ``<name>-<version>/`` artifacts.

    Returns
    -------
    Path or None
        The artifact with the latest ``created_at`` (ties broken by directory
        name); ``None`` when there is none. Directories without a readable
        ``meta.json`` are ignored.
    """
    base = Path(root)
    if not base.is_dir():
        return None
    found: list[tuple[str, str, Path]] = []
    for child in base.iterdir():
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            meta = read_meta(child)
        except (ArtifactNotFound, IncompatibleArtifact):
            continue
        found.append((meta.created_at, child.name, child))
    return max(found)[2] if found else None


def locate_artifact(directory: str | os.PathLike[str]) -> tuple[Path, ArtifactMeta]:
    """Find an artifact and validate its ``meta.json`` without loading the model.

    Cheap enough for system checks: reads one small JSON file and the first
    bytes of ``model.skops``.

    Parameters
    ----------
    directory : path
        Either an artifact directory (it holds ``meta.json``) or a root of
        artifacts, in which case :func:`latest_artifact` picks one.

    Returns
    -------
    tuple of (Path, ArtifactMeta)
        The artifact directory and its metadata.

    Raises
    ------
    ArtifactNotFound
        If there is no artifact there, or its ``model.skops`` is missing.
    IncompatibleArtifact
        On another scikit-learn major.minor, a bad ``meta.json`` or a
        ``model.skops`` that is not a zip archive.

    Warns
    -----
    ArtifactVersionWarning
        On a scikit-learn patch-level mismatch.
    """
    path = Path(directory)
    if not (path / META_FILE).is_file():
        latest = latest_artifact(path)
        if latest is None:
            msg = f"no moderation model artifact in {path}"
            raise ArtifactNotFound(msg)
        path = latest
    meta = read_meta(path)
    model_path = path / MODEL_FILE
    if not model_path.is_file():
        msg = f"no {MODEL_FILE} in {path}"
        raise ArtifactNotFound(msg)
    _check_versions(meta, path)
    if not is_zipfile(model_path):
        msg = f"{model_path} is not a skops archive"
        raise IncompatibleArtifact(msg)
    return path, meta


def load_artifact(directory: str | os.PathLike[str]) -> LoadedArtifact:
    """Load an artifact safely.

    Parameters
    ----------
    directory : path
        Either an artifact directory (it holds ``meta.json``) or a root of
        artifacts, in which case :func:`latest_artifact` picks one.

    Returns
    -------
    LoadedArtifact

    Raises
    ------
    ArtifactNotFound
        If there is no artifact there, or its ``model.skops`` is missing.
    IncompatibleArtifact
        On another scikit-learn major.minor, a bad ``meta.json``, untrusted
        types in ``model.skops``, or an unreadable model.

    Warns
    -----
    ArtifactVersionWarning
        On a scikit-learn patch-level mismatch.
    """
    path, meta = locate_artifact(directory)
    model_path = path / MODEL_FILE
    # Imported here so that locating an artifact (system checks) stays cheap.
    import skops.io as sio

    from manchette.moderation.engine.classifier import (
        TextClassifier,
    )

    try:
        untrusted = sio.get_untrusted_types(file=model_path)
        if untrusted:
            msg = f"{model_path} contains untrusted types: {', '.join(untrusted)}"
            raise IncompatibleArtifact(msg)
        state = sio.load(model_path, trusted=[])
        classifier = TextClassifier.from_state(state)
    except IncompatibleArtifact:
        raise
    except (BadZipFile, ValueError, TypeError, KeyError, AttributeError) as exc:
        msg = f"cannot load {model_path}: {exc}"
        raise IncompatibleArtifact(msg) from exc
    if tuple(classifier.heads_) != meta.labels:
        msg = f"{path.name}: meta labels {meta.labels} differ from model heads"
        raise IncompatibleArtifact(msg)
    return LoadedArtifact(classifier=classifier, meta=meta, path=path)
