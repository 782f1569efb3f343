"""Feed URLs, mounted inside ``i18n_patterns`` (``/feed/``, ``/ar/feed/``…)."""

from django.urls import path

from manchette.news.feeds import LatestArticlesAtomFeed, LatestArticlesFeed

app_name = "news"

urlpatterns = [
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed_atom"),
    path("feed/<slug:slug>/", LatestArticlesFeed(), name="section_feed"),
    path("feed/<slug:slug>/atom/", LatestArticlesAtomFeed(), name="section_feed_atom"),
]
