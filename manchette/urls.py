from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from manchette.news import urls as news_urls
from manchette.news.sitemaps import AllEditionsSitemap
from manchette.news.views import news_sitemap

# Language-neutral URLs. Other apps add their own line here.
urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": AllEditionsSitemap}}),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    path("", include("manchette.health")),  # /healthz (ops)
    path("", include("manchette.robots")),  # /robots.txt
    path("api/", include("manchette.api.urls")),  # JSON API (django-ninja)
    path("moderation/", include("manchette.moderation.urls")),  # appeals (DSA)
    path("", include("manchette.perspective.urls")),  # /v1alpha1/ (Perspective API)
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Per-language URLs: French at the root, Arabic under /ar/, English under /en/.
# Wagtail's catch-all page serving must stay last.
urlpatterns += i18n_patterns(
    path("", include(news_urls)),
    path("comments/", include("manchette.comments.urls")),
    path("", include("manchette.ops.urls")),  # Wagtail's, with a cached router
    prefix_default_language=False,
)
