"""Moderation: the Django side of the moderation engine (decisions, queue, checks)."""
