"""gunicorn settings of the moderation-only profile (``make serve-moderation``).

The production settings (``manchette.gunicorn_conf``: ``BIND``,
``WEB_CONCURRENCY``, ...) plus one hook: each worker loads the moderation
engine right after it forks, so no client request pays for loading the
language identifier and the model (Coral gives Perspective 500 ms). The engine
is not loaded in the master: native libraries' thread pools do not survive a
fork.
"""

from typing import Any

from manchette.gunicorn_conf import *  # noqa: F403


def post_fork(server: Any, worker: Any) -> None:  # type: ignore[no-redef]  # overrides the base hook
    """Build the worker's engine and warm it with one scoring call."""
    from manchette.moderation.engine.langid import detect_language
    from manchette.moderation.engine.types import Submission
    from manchette.moderation.services import engine_state

    engine_state().engine.moderate(Submission("warm-up"))
    detect_language("warm-up")
