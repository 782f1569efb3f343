"""Moderation records: append-only decisions, bans, per-page modes, appeals, notices.

Every decision on a comment, by the engine or by a person, is a new
:class:`ModerationDecision` row; rows are never changed afterwards, and the
comment's status follows the latest one (convention 8, ``ARCHITECTURE.md``).
"""

from __future__ import annotations

from typing import Any, override

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manchette.comments.conf import comments_settings

#: The comment model the foreign keys point at (``COMMENTS_MODEL``); read when
#: the models are loaded, like ``AUTH_USER_MODEL``.
COMMENT_MODEL = comments_settings().MODEL


class DecisionAction(models.TextChoices):
    """What a decision does to a comment."""

    APPROVE = "approve", _("Approve")
    HOLD = "hold", _("Hold for review")
    REJECT = "reject", _("Reject")
    SPAM = "spam", _("Spam")
    REMOVE = "remove", _("Remove")


class DecisionOrigin(models.TextChoices):
    """Who or what produced a decision."""

    ENGINE = "engine", _("Automatic (moderation engine)")
    MODERATOR = "moderator", _("Moderator")
    FLAG = "flag", _("Reader flag")
    APPEAL = "appeal", _("Author's appeal")


#: The comment status each action leads to (values of ``CommentStatus``).
ACTION_STATUS: dict[str, str] = {
    DecisionAction.APPROVE: "approved",
    DecisionAction.HOLD: "pending",
    DecisionAction.REJECT: "rejected",
    DecisionAction.SPAM: "spam",
    DecisionAction.REMOVE: "removed",
}


class AppendOnlyError(Exception):
    """Raised on an attempt to change a stored audit row."""


class DecisionQuerySet(models.QuerySet["ModerationDecision"]):
    """Decisions can be read, added and deleted with their comment, never edited."""

    @override
    def update(self, **kwargs: Any) -> int:
        msg = "Moderation decisions are append-only; add a new decision instead."
        raise AppendOnlyError(msg)

    def latest_per_comment(self) -> DecisionQuerySet:
        """Return, for each comment, only its most recent decision."""
        newest = (
            ModerationDecision.objects.filter(comment=models.OuterRef("comment"))
            .order_by("-created_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))


class ModerationDecision(models.Model):
    """One decision on one comment: an append-only audit row."""

    comment = models.ForeignKey(
        COMMENT_MODEL,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="moderation_decisions",
    )
    action = models.CharField(
        _("action"), max_length=16, choices=DecisionAction.choices
    )
    origin = models.CharField(
        _("origin"), max_length=16, choices=DecisionOrigin.choices
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(
        _("moderator name"),
        max_length=150,
        blank=True,
        help_text=_("Kept when the moderator's account is deleted."),
    )
    reasons = models.JSONField(
        _("reasons"),
        default=list,
        blank=True,
        help_text=_("List of {source, category, score, span, detail}."),
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    toxicity = models.FloatField(_("toxicity"), null=True, blank=True)
    category = models.CharField(
        _("main category"),
        max_length=32,
        blank=True,
        help_text=_("Category of the strongest reason, for filtering."),
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=64, blank=True)
    model_version = models.CharField(_("model version"), max_length=128, blank=True)
    author_hash = models.CharField(
        _("author key"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Keyed hash of the author's email or account, for history."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        get_latest_by = ("created_at", "pk")
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        indexes = [
            models.Index(fields=["comment", "-created_at"], name="moddecision_latest"),
            models.Index(fields=["origin", "created_at"], name="moddecision_origin"),
        ]

    @override
    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.comment_id} ({self.origin})"

    @override
    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the row; refuse to update a stored one (append-only).

        Raises:
            AppendOnlyError: the row is already in the database.

        """
        if not self._state.adding:
            msg = "Moderation decisions are append-only; add a new decision instead."
            raise AppendOnlyError(msg)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    @property
    def automated(self) -> bool:
        """Return whether automated means took this decision (no person)."""
        return self.origin == DecisionOrigin.ENGINE

    @property
    def status(self) -> str:
        """Return the comment status this decision leads to."""
        return ACTION_STATUS[self.action]

    def spans(self) -> list[tuple[int, int]]:
        """Return the ``(start, end)`` offsets of every reason with a span."""
        found: list[tuple[int, int]] = []
        for reason in self.reasons or []:
            span = reason.get("span") if isinstance(reason, dict) else None
            if isinstance(span, list | tuple) and len(span) == 2:
                found.append((int(span[0]), int(span[1])))
        return found


class BanKind(models.TextChoices):
    """What a ban matches."""

    EMAIL = "email", _("Email address (hashed)")
    DOMAIN = "domain", _("Mail domain")
    IP = "ip", _("IP network (hashed)")


class BanQuerySet(models.QuerySet["Ban"]):
    """Read queries on bans."""

    def active(self, *, now: Any = None) -> BanQuerySet:
        """Return bans in force now: not lifted, no end date or an end to come."""
        moment = now or timezone.now()
        return self.filter(
            models.Q(until__isnull=True) | models.Q(until__gt=moment),
            lifted_at__isnull=True,
        )


class Ban(models.Model):
    """A block on an author's email, mail domain or IP network.

    Email addresses and IP networks are stored only as keyed hashes
    (``salted_hmac`` with ``SECRET_KEY``); a domain is stored as written. A
    lifted ban is kept, with who lifted it and when, as its record.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=BanKind.choices)
    key = models.CharField(
        _("key"),
        max_length=255,
        db_index=True,
        help_text=_("Keyed hash (email, IP) or the domain name."),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("banned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("ban")
        verbose_name_plural = _("bans")

    @override
    def __str__(self) -> str:
        shown = self.key if self.kind == BanKind.DOMAIN else self.key[:12] + "…"
        return f"{self.get_kind_display()}: {shown}"


class TargetMode(models.TextChoices):
    """How comments on one page are moderated."""

    NORMAL = "normal", _("Normal (engine decides)")
    PREMODERATE = "premoderate", _("Pre-moderate every comment")
    CLOSED = "closed", _("Comments closed")


class ModerationMode(models.Model):
    """A per-page moderation mode, keyed by content type and primary key.

    Keyed generically so that the pages' app never has to import moderation.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_pk = models.CharField(_("object ID"), max_length=64)
    mode = models.CharField(
        _("mode"), max_length=16, choices=TargetMode.choices, default=TargetMode.NORMAL
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("page moderation mode")
        verbose_name_plural = _("page moderation modes")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_pk"], name="moderation_mode_unique"
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_pk} {self.mode}"


class AppealStatus(models.TextChoices):
    """Where an appeal stands."""

    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Decision upheld")
    REVERSED = "reversed", _("Decision reversed")


class Appeal(models.Model):
    """An author's complaint against a decision on their comment."""

    comment = models.ForeignKey(
        COMMENT_MODEL,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="moderation_appeals",
    )
    decision = models.ForeignKey(
        ModerationDecision,
        verbose_name=_("contested decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    text = models.TextField(_("appeal"))
    status = models.CharField(
        _("status"), max_length=16, choices=AppealStatus.choices, default="open"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    @override
    def __str__(self) -> str:
        return f"Appeal #{self.pk} on comment {self.comment_id}"


class NoticeChannel(models.TextChoices):
    """How a statement of reasons reached its author."""

    EMAIL = "email", _("Email")
    PAGE = "page", _("On the page")


class StatementOfReasons(models.Model):
    """A statement of reasons sent to an author (EU DSA, Article 17)."""

    comment = models.ForeignKey(
        COMMENT_MODEL,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="moderation_statements",
    )
    decision = models.ForeignKey(
        ModerationDecision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    ground = models.CharField(
        _("ground"),
        max_length=64,
        help_text=_("The category or rule the decision rests on."),
    )
    automated = models.BooleanField(_("automated means used"))
    channel = models.CharField(
        _("channel"), max_length=8, choices=NoticeChannel.choices
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ("-sent_at", "-pk")
        verbose_name = _("statement of reasons")
        verbose_name_plural = _("statements of reasons")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "channel"], name="moderation_statement_once"
            )
        ]

    @override
    def __str__(self) -> str:
        return f"Statement on comment {self.comment_id} ({self.channel})"
