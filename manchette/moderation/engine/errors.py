"""Errors raised by the moderation engine."""

from __future__ import annotations

__all__ = ["ArtifactNotFound", "IncompatibleArtifact", "ModerationEngineError"]


class ModerationEngineError(Exception):
    """Base class of the moderation engine's errors."""


class ArtifactNotFound(ModerationEngineError, FileNotFoundError):  # noqa: N818
    """No model artifact (``meta.json`` + ``model.skops``) at the given place."""


class IncompatibleArtifact(ModerationEngineError, ValueError):  # noqa: N818
    """An artifact exists but cannot be loaded safely by this installation.

    Raised for an unreadable or incomplete ``meta.json``, a scikit-learn
    major.minor version other than the one installed, or a ``model.skops`` file
    that contains types outside skops' default trusted set.
    """
