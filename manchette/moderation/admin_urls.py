"""Wagtail admin URLs of the moderation queue (registered in ``wagtail_hooks``)."""

from django.urls import path

from manchette.moderation import views

urlpatterns = [
    path("", views.queue, name="moderation_queue"),
    path("decide/", views.decide, name="moderation_decide"),
    path("mode/", views.set_mode, name="moderation_set_mode"),
    path("modes/", views.modes, name="moderation_modes"),
    path("appeals/", views.appeals, name="moderation_appeals"),
    path("ban/", views.ban, name="moderation_ban"),
    path("bans/", views.bans, name="moderation_bans"),
    path("bans/lift/", views.lift_ban, name="moderation_lift_ban"),
]
