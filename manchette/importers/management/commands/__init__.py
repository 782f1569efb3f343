"""The ``import-wxr`` command (``import_wxr`` is the same command)."""
