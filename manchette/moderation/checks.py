"""System checks: the moderation model artifact must be present and loadable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.checks import Error

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.apps.config import AppConfig
    from django.core.checks import CheckMessage


def check_artifact(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Report a missing (``moderation.E001``) or unloadable (``moderation.E002``) model.

    The check loads the engine the process will use (once, then cached), so it
    costs nothing more at run time. Without a model the engine runs on rules
    alone and holds every comment.
    """
    from manchette.moderation.services import engine_state

    try:
        state = engine_state()
    except Exception as exc:  # noqa: BLE001 - report, never crash every command
        return [
            Error(
                f"The moderation engine cannot be built: {exc!r}",
                hint="Every comment stays pending until this is fixed.",
                id="moderation.E003",
            )
        ]
    if not state.degraded:
        return []
    if state.missing:
        return [
            Error(
                f"No moderation model artifact: {state.error}",
                hint=(
                    "Set MODERATION_ARTIFACT_DIR to a trained artifact, or run "
                    "`manchette moderation train`. Until then every comment is held."
                ),
                id="moderation.E001",
            )
        ]
    return [
        Error(
            f"The moderation model artifact cannot be loaded: {state.error}",
            hint="Retrain it with `manchette moderation train`.",
            id="moderation.E002",
        )
    ]
