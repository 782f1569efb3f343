"""Production profile: everything from the environment; refuses unsafe starts.

Required: ``SECRET_KEY`` (50+ characters), ``ALLOWED_HOSTS``, ``DATABASE_URL``.
``DEBUG`` must be off. Optional: ``REDIS_URL`` (cache and sessions), the
``EMAIL_*`` variables, ``DATABASE_POOL_*``, ``TASKS_BACKEND``, ``HTTPS``.
Every variable is listed with its default in docs/deployment.md.
"""

import os
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from manchette.settings import base as _base
from manchette.settings.base import *
from manchette.settings.env import env_bool, env_int, env_list, env_str

if env_bool("DEBUG", default=False):
    msg = "DEBUG must be off in production (unset DEBUG or set DEBUG=0)."
    raise ImproperlyConfigured(msg)
DEBUG = False

SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    msg = "Set SECRET_KEY to a random string of at least 50 characters."
    raise ImproperlyConfigured(msg)
# Old keys keep existing sessions and signed comment forms valid during a rotation.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    msg = "Set ALLOWED_HOSTS (comma-separated host names)."
    raise ImproperlyConfigured(msg)

# HTTPS=0 is only for the production profile on loopback (make serve-prod, the
# bench): plain HTTP, so no redirect, no HSTS and cookies without ``Secure``.
HTTPS = env_bool("HTTPS", default=True)
_SCHEME = "https" if HTTPS else "http"
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    ",".join(
        f"{_SCHEME}://{host.lstrip('.')}"
        for host in ALLOWED_HOSTS
        if host != "*" and not host.startswith(".")
    ),
)

# --- Database: PostgreSQL through psycopg 3 with a per-process connection pool.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL"), conn_max_age=0, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", default=True
):
    # Django's psycopg_pool integration (one pool per process; CONN_MAX_AGE must
    # stay 0). A sync gunicorn worker holds one connection at a time, so the
    # pool mostly saves the connect cost; max_size bounds the connections a
    # process can open (workers x max_size <= PostgreSQL max_connections).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", default=4),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", default=10),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Behind PgBouncer (transaction mode): no pool, no server-side cursors.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and "django.contrib.postgres" not in _base.INSTALLED_APPS
):
    # Wagtail's search index uses PostgreSQL full-text fields (postgres.E005).
    INSTALLED_APPS = [*_base.INSTALLED_APPS, "django.contrib.postgres"]

# --- Cache and sessions: Redis when REDIS_URL is set, else per-process memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _redis_cache: dict[str, Any] = {
        "BACKEND": "manchette.ops.redis_cache.RedisCache",  # one client per pool
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "manchette"),
        "TIMEOUT": env_int("CACHE_TIMEOUT", default=3600),
    }
    CACHES = {"default": _redis_cache}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# --- Anonymous article pages served from the cache (manchette.ops.caching).
OPS_PAGE_CACHE = env_bool("PAGE_CACHE", default=True)
OPS_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", default=600)
MIDDLEWARE = [
    *MIDDLEWARE[
        : MIDDLEWARE.index("django.middleware.csp.ContentSecurityPolicyMiddleware") + 1
    ],
    "manchette.ops.caching.PageCacheMiddleware",
    *MIDDLEWARE[
        MIDDLEWARE.index("django.middleware.csp.ContentSecurityPolicyMiddleware") + 1 :
    ],
]

# Optional overrides of the comments app's defaults (the bench sets them).
if "COMMENTS_PER_PAGE" in os.environ:
    COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", default=50)
# Behind a load balancer or CDN: how many proxies append to X-Forwarded-For
# (the client address is read from there; 0 = the socket peer, REMOTE_ADDR).
COMMENTS_TRUSTED_PROXY_COUNT = env_int("COMMENTS_TRUSTED_PROXY_COUNT", default=0)
if "COMMENTS_IP_BUDGET" in os.environ:
    COMMENTS_IP_BUDGET = env_int("COMMENTS_IP_BUDGET", default=20)
if "COMMENTS_IP_BUDGET_SECONDS" in os.environ:
    COMMENTS_IP_BUDGET_SECONDS = env_int("COMMENTS_IP_BUDGET_SECONDS", default=60)

# --- Background tasks: the django-tasks-db queue, run by `manage.py db_worker`.
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
_tasks_backend: dict[str, Any] = {
    "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    "QUEUES": env_list("TASKS_QUEUES", "default"),
}
TASKS = {"default": _tasks_backend}

# --- CDN / reverse proxy purging (wagtail.contrib.frontend_cache): pages are
# purged on publish/unpublish by Wagtail, and on comment changes by
# manchette.ops.caching. Nothing is configured when neither variable is set.
WAGTAILFRONTENDCACHE: dict[str, dict[str, Any]] = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
        "BEARER_TOKEN": env_str("CLOUDFLARE_BEARER_TOKEN"),
    }
WAGTAILFRONTENDCACHE_LANGUAGES = [code for code, _name in LANGUAGES]

# --- Static files: hashed and pre-compressed, served by WhiteNoise.
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
WHITENOISE_MAX_AGE = env_int("STATIC_MAX_AGE", default=60)

# --- Security headers (CSP, nosniff, referrer policy come from base).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000 * HTTPS)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    # Wagtail's live preview frames the site in its own admin: SAMEORIGIN (and
    # CSP frame-ancestors 'self') is required, DENY would break it.
    "security.W019",
    # Joining the browsers' HSTS preload list is a decision of the domain's
    # owner (hard to undo); set SECURE_HSTS_PRELOAD=1 when you submit it.
    "security.W021",
]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", f"{_SCHEME}://{ALLOWED_HOSTS[0]}")

# --- Email (Django 6.1 MAILERS): SMTP by default; sent from tasks, never inline.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
        ),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", default=25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
            "timeout": env_int("EMAIL_TIMEOUT", default=10),
        },
    }
}
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    # One file per connection in EMAIL_FILE_PATH (scripts/serve-prod's default).
    MAILERS["default"]["OPTIONS"] = {"file_path": env_str("EMAIL_FILE_PATH")}
elif MAILERS["default"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"].pop("OPTIONS")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = env_list("ADMINS")

# --- Logging: one line per record on stderr (the process manager collects it).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
        "django.tasks": {"level": "INFO"},
        "manchette": {"level": env_str("LOG_LEVEL", "INFO")},
    },
}
