"""Public URLs of the moderation app (the author's appeal form).

Mount with ``path("moderation/", include("manchette.moderation.urls"))``.
"""

from django.urls import path

from manchette.moderation import views

app_name = "moderation"

urlpatterns = [
    path("appeal/<str:token>/", views.appeal, name="appeal"),
]
