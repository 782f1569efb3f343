"""Development profile: DEBUG on, console email, SQLite file in the checkout."""

import contextlib

from manchette.settings.base import *

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]

with contextlib.suppress(ImportError):
    from manchette.settings.local import *  # type: ignore[import-not-found]
