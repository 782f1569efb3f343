"""The ``manchette`` console script: Django's command line with our settings.

Commands live in their owning app (``demo`` in news, ``moderation`` in
moderation, ``import-wxr`` in importers); this module only picks the default
settings module and hands over to Django.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, defaulting to the development settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)
