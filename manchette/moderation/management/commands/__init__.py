"""``manage.py moderation``."""
