"""API: the django-ninja JSON API."""
