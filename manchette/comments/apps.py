from typing import override

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "manchette.comments"
    label = "comments"
    verbose_name = _("Comments")

    @override
    def ready(self) -> None:
        # Reply emails listen to this app's own comment_status_changed signal.
        from manchette.comments.notifications import register_signal_handlers

        register_signal_handlers()
