"""Production profile: everything from the environment; refuses unsafe starts.

Required: ``SECRET_KEY`` (50+ characters), ``ALLOWED_HOSTS``. ``DEBUG`` must be off.
Optional: ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (cache and sessions),
``EMAIL_URL``-style settings (``EMAIL_HOST`` …). See docs/settings.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

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
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    msg = "Set ALLOWED_HOSTS (comma-separated host names)."
    raise ImproperlyConfigured(msg)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "manchette",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

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
        },
    }
}
