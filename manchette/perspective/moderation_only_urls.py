"""URLconf of the moderation-only profile: the Perspective API and ``/healthz``."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("manchette.health")),
    path("", include("manchette.perspective.urls")),
]
