from typing import override

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerspectiveConfig(AppConfig):
    name = "manchette.perspective"
    label = "perspective"
    verbose_name = _("Perspective-compatible API")
    default_auto_field = "django.db.models.BigAutoField"

    @override
    def ready(self) -> None:
        """Forget a cached key lookup whenever the key is saved or deleted."""
        from django.db.models.signals import post_delete, post_save

        from manchette.perspective.models import ApiKey
        from manchette.perspective.services import forget_cached_key

        def _forget(sender: type[ApiKey], instance: ApiKey, **kwargs: object) -> None:
            forget_cached_key(instance)

        post_save.connect(
            _forget, sender=ApiKey, weak=False, dispatch_uid="perspective_key"
        )
        post_delete.connect(
            _forget, sender=ApiKey, weak=False, dispatch_uid="perspective_key_delete"
        )
