"""The default, concrete comment model (swap it with ``COMMENTS_MODEL``)."""

from typing import override

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


# --- Reader features: flags, edit keys, reply subscriptions -----------------
# These models point at the default ``Comment``: a project that swaps the comment
# model declares its own equivalents (see docs/comments.md).

__all__ += ["CommentEditKey", "CommentFlag", "FlagReason", "ReplySubscription"]


class FlagReason(models.TextChoices):
    """Why a reader reports a comment to the moderators."""

    SPAM = "spam", _("Spam or advertising")
    HARASSMENT = "harassment", _("Harassment")
    HATE = "hate", _("Hate speech")
    VIOLENCE = "violence", _("Violence or threats")
    PERSONAL_DATA = "personal_data", _("Personal data")
    ILLEGAL = "illegal", _("Illegal content")


class CommentFlag(models.Model):
    """One reader's report on one comment (at most one per comment and flagger).

    ``flagger_key`` is a keyed hash identifying the flagger (user id, or session
    and anonymised network): it can tell two flags from the same person apart
    without storing who they are.
    """

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="flags",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=FlagReason.choices)
    note = models.TextField(_("note"), blank=True, max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    flagger_key = models.CharField(_("flagger key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("comment flag")
        verbose_name_plural = _("comment flags")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "flagger_key"], name="comments_one_flag_per_flagger"
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.reason} on comment {self.comment_id}"


class CommentEditKey(models.Model):
    """The hashed per-comment secret behind an author's edit/delete token."""

    comment = models.OneToOneField(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="edit_key",
    )
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("comment edit key")
        verbose_name_plural = _("comment edit keys")

    @override
    def __str__(self) -> str:
        return f"edit key of comment {self.comment_id}"


class ReplySubscription(models.Model):
    """An author's (double opt-in) request to hear about replies to a comment.

    Active only once ``confirmed_at`` is set and while ``unsubscribed_at`` is
    empty. ``language`` is the language of the page the comment was posted on;
    emails are written in it.
    """

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="reply_subscriptions",
    )
    thread = models.ForeignKey(
        Comment,
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=12, blank=True)
    page_url = models.URLField(_("page URL"), max_length=500, blank=True)
    site_url = models.URLField(_("site URL"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("reply subscription")
        verbose_name_plural = _("reply subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "email"], name="comments_one_subscription_per_email"
            )
        ]

    @override
    def __str__(self) -> str:
        return f"reply subscription on comment {self.comment_id}"

    @property
    def is_active(self) -> bool:
        """Return whether replies should be emailed (confirmed, not unsubscribed)."""
        return self.confirmed_at is not None and self.unsubscribed_at is None
