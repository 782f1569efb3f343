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
        """Connect the receivers and register the checks; the engine loads lazily.

        The demo comments need no wiring: the news app's ``demo`` command calls
        ``manchette.moderation.demo.build_demo`` itself.
        """
        from django.core import checks

        from manchette.moderation import checks as moderation_checks
        from manchette.moderation import receivers

        receivers.connect()
        checks.register(moderation_checks.check_artifact, "moderation")
