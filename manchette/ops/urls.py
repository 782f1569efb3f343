"""Wagtail's front-end URLs with :func:`manchette.ops.routing.serve` as the page view.

Mounted in place of ``wagtail.urls`` (last, inside ``i18n_patterns``): the
password and login helpers are Wagtail's own; the catch-all keeps Wagtail's
pattern and its ``wagtail_serve`` name.
"""

from django.urls import URLPattern, re_path
from wagtail import urls as wagtail_urls

from manchette.ops.routing import serve

urlpatterns: list[URLPattern] = [
    *(p for p in wagtail_urls.urlpatterns if getattr(p, "name", "") != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
]
