"""The default, concrete comment model (swap it with ``COMMENTS_MODEL``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manchette.comments.abstracts import (
    AbstractComment,
    CommentStatus,
    comment_constraints,
    comment_indexes,
)

__all__ = ["Comment", "CommentStatus"]


class Comment(AbstractComment):
    """A reader's comment (the default model)."""

    class Meta(AbstractComment.Meta):
        constraints = comment_constraints("comments")
        indexes = comment_indexes("comments")
