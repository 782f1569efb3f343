"""``/robots.txt``: what crawlers may fetch, and where the sitemaps are.

Plain text per RFC 9309 (Robots Exclusion Protocol). Crawlers may read every
published page; they are kept out of the editors' admin, the JSON and
Perspective APIs, the moderation appeal forms and the reader-action URLs of
comments (posting, flagging, own edits, reply e-mail confirmations), which are
per-reader and ``noindex`` anyway. The two ``Sitemap`` lines are absolute URLs
built from the request's host, as the protocol requires.

``/favicon.ico`` lives here too: the other root file clients ask for unasked.
"""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Paths under every language prefix ("", "/ar", "/en") that crawlers skip.
_READER_ACTIONS = ("/comments/post/", "/comments/c/", "/comments/notify/")
_PREFIXES = ("", "/ar", "/en")
_PRIVATE = ("/admin/", "/api/", "/v1alpha1/", "/moderation/")


def robots_lines(base_url: str) -> list[str]:
    """Return the lines of robots.txt for a site served at ``base_url``.

    ``base_url`` is scheme and host without a trailing slash, e.g.
    ``"https://exemple.ma"``.
    """
    disallow = list(_PRIVATE) + [
        prefix + action for prefix in _PREFIXES for action in _READER_ACTIONS
    ]
    return [
        "User-agent: *",
        *(f"Disallow: {item}" for item in disallow),
        "Allow: /",
        "",
        f"Sitemap: {base_url}/sitemap.xml",
        f"Sitemap: {base_url}/news-sitemap.xml",
    ]


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Serve robots.txt as ``text/plain; charset=utf-8``."""
    base_url = f"{request.scheme}://{request.get_host()}"
    body = "\n".join(robots_lines(base_url)) + "\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Redirect ``/favicon.ico`` to the site's icon, ``static/favicon.svg``.

    Browsers and feed readers ask for it unasked; every page's head links the
    SVG icon, and this permanent redirect replaces a 404 in every log.
    """
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
]
