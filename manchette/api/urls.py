"""URLs of the API (mounted at ``/api/`` outside ``i18n_patterns``).

Each ninja view is wrapped so that answers carry the widget's CORS headers for
the origins in ``COMMENTS_WIDGET_ALLOWED_ORIGINS`` (and only those), and so that
the browser's ``OPTIONS`` preflight is answered without reaching ninja. It also
runs in the client's language (:func:`with_language`): outside
``i18n_patterns``, ``LocaleMiddleware`` would leave every answer in French.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.cache import patch_vary_headers

from manchette.api.api import api
from manchette.comments.widget import cors_headers

if TYPE_CHECKING:
    from collections.abc import Callable


def with_cors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap ``view``: answer preflights, add CORS headers for allowed origins."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            headers = cors_headers(origin, preflight=True)
        else:
            response = view(request, *args, **kwargs)
            headers = cors_headers(origin)
        for name, value in headers.items():
            response[name] = value
        patch_vary_headers(response, ["Origin"])
        return response

    return wrapper


def with_language(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Wrap ``view``: run it in the language the client asks for.

    The language comes from Django's language cookie, then ``Accept-Language``
    (one of ``LANGUAGES``: fr, ar, en), else ``LANGUAGE_CODE`` (fr); it is
    active while the view runs and is named in ``Content-Language``. Answers
    vary on ``Accept-Language``.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = with_cors(with_language(pattern.callback))
        else:
            _wrap(pattern.url_patterns)
    return patterns


app_name = "api"
urlpatterns = _wrap(api.urls[0])
