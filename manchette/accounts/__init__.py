"""Accounts: the project's custom user model (AUTH_USER_MODEL)."""
