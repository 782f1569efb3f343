"""Read queries on comments (the manager of every comment model)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

if TYPE_CHECKING:
    from manchette.comments.abstracts import AbstractComment  # noqa: F401


class CommentQuerySet(models.QuerySet["AbstractComment"]):
    """Chainable filters shared by the default and any swapped comment model."""

    def approved(self) -> CommentQuerySet:
        """Return the comments every reader may see."""
        return self.filter(status="approved")

    def pending(self) -> CommentQuerySet:
        """Return comments held for moderation, oldest first."""
        return self.filter(status="pending").order_by("submitted_at", "pk")

    def for_object(self, obj: models.Model | Any) -> CommentQuerySet:
        """Return comments attached to ``obj`` (any model instance)."""
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_pk=str(obj.pk))

    def threads(self) -> CommentQuerySet:
        """Return comments ordered thread by thread, each oldest first.

        Threads are ordered by their root comment (root ids grow with time), and
        the comments of a thread by submission time. Build the nested tree in
        Python from this single query (``manchette.comments.threads``).
        """
        return self.order_by("thread_id", "submitted_at", "pk")
