"""Lean profile: only the Perspective-compatible API and ``/healthz``.

For sites that want manchette's moderation engine as a Perspective replacement
and nothing else (no CMS pages, no admin, no comments front end). Served by
``make serve-moderation``. Keys are managed with ``manage.py apikeys``.

Environment: ``DATABASE_URL`` (default: the SQLite file of ``base``),
``REDIS_URL`` (optional: shared rate-limit counters across processes),
``ALLOWED_HOSTS``, ``SECRET_KEY`` (optional here: this profile signs nothing,
no sessions, no CSRF cookies, so a random per-process key is used when unset),
``MODERATION_ARTIFACT_DIR``, ``PERSPECTIVE_LOG_TEXT``, ``LOG_LEVEL``.
"""

import os
import secrets
from typing import Any

from manchette.settings.base import *
from manchette.settings.env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "") or secrets.token_urlsafe(50)

# The moderation app's models point at comments, comments at Wagtail's Site and
# both at the user model, so those apps are installed (their tables exist) but
# none of their views is routed: no page, no admin, no comment form.
INSTALLED_APPS = [
    "manchette.accounts",
    "manchette.comments",
    "manchette.moderation",
    "manchette.perspective",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "manchette.perspective.moderation_only_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
    }
]
STATICFILES_DIRS = []
USE_I18N = True

# Keep database connections between requests (sync workers: one each).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=60)

if os.environ.get("REDIS_URL"):
    _redis_cache: dict[str, Any] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "manchette"),
    }
    CACHES = {"default": _redis_cache}

PERSPECTIVE_LOG_TEXT = env_bool("PERSPECTIVE_LOG_TEXT", default=False)
PERSPECTIVE_DEFAULT_RATE_LIMIT = env_int("PERSPECTIVE_DEFAULT_RATE_LIMIT", default=600)
if os.environ.get("MODERATION_ARTIFACT_DIR"):
    MODERATION_ARTIFACT_DIR = os.environ["MODERATION_ARTIFACT_DIR"]
