from typing import override

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "manchette.moderation"
    label = "moderation"
    verbose_name = _("Moderation")
    default_auto_field = "django.db.models.BigAutoField"

    @override
    def ready(self) -> None:
        """Connect the receivers, register the checks, install the notices source.

        The engine loads lazily. The comments app asks the notices source for
        the statements of reasons to put in its answer to a comment posted in
        place (the pages get them from ``{% moderation_notices %}``).

        The demo comments need no wiring: the news app's ``demo`` command calls
        ``manchette.moderation.demo.build_demo`` itself.
        """
        from django.core import checks

        from manchette.comments.web import set_author_notices_source
        from manchette.moderation import checks as moderation_checks
        from manchette.moderation import receivers
        from manchette.moderation.notifications import render_page_notices

        receivers.connect()
        set_author_notices_source(render_page_notices)
        checks.register(moderation_checks.check_artifact, "moderation")
