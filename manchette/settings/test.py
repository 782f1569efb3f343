"""Test profile: fast hasher, in-memory SQLite (or DATABASE_URL), immediate tasks."""

import os

import dj_database_url

from manchette.settings.base import *

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "DATABASE_URL" in os.environ:
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    }
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No collectstatic in tests: WhiteNoise must not scan (and warn about) STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
# A page cache refresh renders in the worker's own thread: the test database
# lives in the test's open transaction, which another thread does not see.
# tests/ops/test_page_cache.py covers the lower-priority thread on its own.
OPS_PAGE_CACHE_REFRESH_NICE = 0
