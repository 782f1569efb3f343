"""System checks on the moderation model artifact.

The default checks are cheap (they run before every management command): they
locate the artifact and validate its ``meta.json`` (fields, scikit-learn
version, model file present) without loading the model or the language model.
Loading everything is left to the deploy-only check ``moderation.E003``
(``manage.py check --deploy``).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.apps.config import AppConfig
    from django.core.checks import CheckMessage


def check_artifact(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Report a missing (``E001``) or incompatible (``E002``) moderation artifact.

    Reads ``meta.json`` only. A scikit-learn patch-level mismatch is a warning
    (``moderation.W001``): the model loads but was trained elsewhere. Without a
    model the engine runs on rules alone and holds every comment.
    """
    from manchette.moderation.conf import moderation_settings
    from manchette.moderation.engine.artifacts import (
        ArtifactVersionWarning,
        locate_artifact,
    )
    from manchette.moderation.engine.errors import (
        ArtifactNotFound,
        IncompatibleArtifact,
    )

    directory = moderation_settings().ARTIFACT_DIR
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ArtifactVersionWarning)
        try:
            locate_artifact(directory)
        except ArtifactNotFound as exc:
            return [
                Error(
                    f"No moderation model artifact: {exc}",
                    hint=(
                        "Set MODERATION_ARTIFACT_DIR to a trained artifact, or run "
                        "`manchette moderation train`. Until then every comment "
                        "is held."
                    ),
                    id="moderation.E001",
                )
            ]
        except IncompatibleArtifact as exc:
            return [
                Error(
                    f"The moderation model artifact cannot be loaded: {exc}",
                    hint="Retrain it with `manchette moderation train`.",
                    id="moderation.E002",
                )
            ]
    return [
        CheckWarning(str(w.message), id="moderation.W001")
        for w in caught
        if issubclass(w.category, ArtifactVersionWarning)
    ]


# Registered here, at import (``apps.ready()`` imports this module), because
# ``apps.py`` registers only :func:`check_artifact`.
@register("moderation", deploy=True)
def check_engine(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Deploy check: build the engine the process will use (``moderation.E003``).

    Loads the model and the language model (seconds), so it is registered
    with ``deploy=True`` and runs only under ``manage.py check --deploy``. A
    missing or incompatible artifact is reported by :func:`check_artifact`.
    """
    from manchette.moderation.services import engine_state

    try:
        engine_state()
    except Exception as exc:  # noqa: BLE001 - report, never crash every command
        return [
            Error(
                f"The moderation engine cannot be built: {exc!r}",
                hint="Every comment stays pending until this is fixed.",
                id="moderation.E003",
            )
        ]
    return []
