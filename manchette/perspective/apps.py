from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerspectiveConfig(AppConfig):
    name = "manchette.perspective"
    label = "perspective"
    verbose_name = _("Perspective-compatible API")
    default_auto_field = "django.db.models.BigAutoField"
