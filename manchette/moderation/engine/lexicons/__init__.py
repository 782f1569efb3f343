"""Word lists written for manchette's moderation rules, one module per concern.

Nothing here is copied from third-party lists: the entries are the project's
own, kept short and reviewed by hand. See :mod:`lexicons.matcher` for the
entry syntax.
"""
