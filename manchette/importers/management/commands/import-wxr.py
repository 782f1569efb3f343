"""``manage.py import-wxr``: Django names commands after their module file."""

# ruff: noqa: N999
from manchette.importers.management.commands.import_wxr import Command

__all__ = ["Command"]
