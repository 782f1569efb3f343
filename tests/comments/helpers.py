"""Small helpers shared by the comment tests (data builders, not fixtures)."""

import time

from manchette.comments.forms import make_security_token


def form_data(target, *, age=10.0, **overrides):
    """Return POST data for a comment on ``target`` from a form shown ``age`` s ago."""
    data = {
        "body": "Un avis mesuré sur l'agrandissement du port.",
        "author_name": "Samira",
        "author_email": "samira@example.org",
        "author_url": "",
        "security_token": make_security_token(target, issued_at=time.time() - age),
    }
    data.update(overrides)
    return data
