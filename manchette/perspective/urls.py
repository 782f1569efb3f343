"""URLs of the Perspective-compatible API, mounted at the site root.

``/v1alpha1/comments:analyze`` and ``/v1alpha1/comments:suggestscore``, the
paths Perspective clients append to their configured endpoint.
"""

from django.urls import URLPattern, URLResolver, path

from manchette.perspective.api import api

urlpatterns: list[URLPattern | URLResolver] = [path("v1alpha1/", api.urls)]
