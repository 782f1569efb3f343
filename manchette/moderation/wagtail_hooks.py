"""Wagtail admin wiring: the "Moderation" menu item and the queue's URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from manchette.moderation import admin_urls
from manchette.moderation.selectors import pending_count
from manchette.moderation.services import BAN_CREATE_ACTION, BAN_LIFT_ACTION
from manchette.moderation.views import moderate_permission

if TYPE_CHECKING:
    from django.http import HttpRequest
    from wagtail.log_actions import LogActionRegistry


class ModerationMenuItem(MenuItem):
    """The menu entry, labelled with the number of comments waiting."""

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(moderate_permission()))

    def render_component(self, request: HttpRequest) -> Any:
        count = pending_count()
        label = (
            _("Moderation (%(count)d)") % {"count": count} if count else _("Moderation")
        )
        return LinkMenuItemComponent(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("moderation/", include(admin_urls))]


@hooks.register("register_admin_menu_item")
def register_menu_item() -> MenuItem:
    return ModerationMenuItem(
        gettext_lazy("Moderation"),
        reverse("moderation_queue"),
        name="moderation",
        icon_name="warning",
        order=250,
    )


@hooks.register("register_log_actions")
def register_log_actions(actions: LogActionRegistry) -> None:
    """Name the bans' entries of the audit log (Wagtail's history)."""
    actions.register_action(
        BAN_CREATE_ACTION, gettext_lazy("Ban"), gettext_lazy("Ban recorded")
    )
    actions.register_action(
        BAN_LIFT_ACTION, gettext_lazy("Lift ban"), gettext_lazy("Ban lifted")
    )
