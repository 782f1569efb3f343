"""Wagtail admin wiring: Settings → API keys (Perspective-compatible API).

Creating a key shows its secret once, on the page that answers the form (never
in a flash message, which would pass it through a cookie or the session);
afterwards only its first characters are visible. Untick "active" to revoke.
"""

from __future__ import annotations

from typing import Any, override

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from manchette.perspective.models import ApiKey


class ApiKeyCreateView(CreateView):
    raw_key = ""

    @override
    def save_instance(self) -> Any:
        self.raw_key = self.form.instance.set_new_key()
        return super().save_instance()

    @override
    def save_action(self) -> Any:
        return TemplateResponse(
            self.request,
            "perspective/admin/key_created.html",
            {
                "api_key": self.object,
                "raw_key": self.raw_key,
                "header_title": _("API key created"),
                "page_title": _("API key created"),
                "header_icon": "key",
                "index_url": reverse(f"{self.url_namespace}:index")
                if getattr(self, "url_namespace", None)
                else "",
            },
        )


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = _("API keys")
    add_to_settings_menu = True
    form_fields = ["name", "rate_limit_per_minute", "active"]
    list_display = ["name", "key_hint", "active", "rate_limit_per_minute", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    add_view_class = ApiKeyCreateView
    copy_view_enabled = False
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_api_key_viewset() -> ApiKeyViewSet:
    return ApiKeyViewSet("perspective_api_keys")
