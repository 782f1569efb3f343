from django.db import models

from manchette.comments.abstracts import (
    AbstractComment,
    comment_constraints,
    comment_indexes,
)


class CustomComment(AbstractComment):
    """A comment with one extra field, like django_comments' custom_comments."""

    mood = models.CharField(max_length=20, blank=True)

    class Meta(AbstractComment.Meta):
        app_label = "comments_testapp"
        constraints = comment_constraints("comments_testapp")
        indexes = comment_indexes("comments_testapp")
