"""Comments: a reusable, threaded comment app (imports nothing else from manchette).

Use :func:`get_comment_model` and :func:`get_comment_form` rather than importing
``Comment`` or ``CommentForm`` directly, so a project can swap them with the
``COMMENTS_MODEL`` (``"app_label.ModelName"``) and ``COMMENTS_FORM`` (dotted
path) settings, the way django_comments' ``get_model()`` works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.forms import CommentForm


def get_comment_model() -> type[AbstractComment]:
    """Return the active comment model (``COMMENTS_MODEL``, ``comments.Comment``).

    Raise ``ImproperlyConfigured`` when the setting names no installed model or a
    model that does not subclass ``AbstractComment``.
    """
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.conf import comments_settings

    label = comments_settings().MODEL
    try:
        model = apps.get_model(label, require_ready=False)
    except (ValueError, LookupError) as exc:
        msg = f"COMMENTS_MODEL refers to {label!r}, which is not an installed model."
        raise ImproperlyConfigured(msg) from exc
    if not issubclass(model, AbstractComment):
        msg = f"COMMENTS_MODEL {label!r} must subclass AbstractComment."
        raise ImproperlyConfigured(msg)
    return model


def get_comment_form() -> type[CommentForm]:
    """Return the active comment form class (``COMMENTS_FORM``)."""
    from django.utils.module_loading import import_string

    from manchette.comments.conf import comments_settings

    form_class: type[CommentForm] = import_string(comments_settings().FORM)
    return form_class
