"""The abstract comment model: subclass it to swap in your own (``COMMENTS_MODEL``)."""

from __future__ import annotations

from typing import override

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manchette.comments.querysets import CommentQuerySet


class CommentStatus(models.TextChoices):
    """Where a comment stands. Only ``approved`` comments are shown to everyone."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")
    REMOVED = "removed", _("Removed")


class AbstractComment(models.Model):
    """A reader's comment on any object, threaded through ``parent``.

    ``thread`` points at the root of the conversation (a root points at itself)
    and ``depth`` counts the levels above (0 for a root). ``author_email`` is
    private: it is never rendered. ``ip_address`` is stored anonymised and, like
    ``user_agent``, purged after ``COMMENTS_IP_RETENTION_DAYS``.
    """

    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("content type"),
        related_name="content_type_set_for_%(class)s",
        on_delete=models.CASCADE,
    )
    object_pk = models.CharField(_("object ID"), max_length=64)
    content_object = GenericForeignKey(ct_field="content_type", fk_field="object_pk")
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    thread = models.ForeignKey(
        "self",
        verbose_name=_("thread"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread_members",
        help_text=_("The root comment of the conversation."),
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    reply_to_name = models.CharField(
        _("in reply to"),
        max_length=80,
        blank=True,
        help_text=_(
            "Set when a reply was attached higher up because of the depth limit."
        ),
    )

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
    )
    hold_reasons = models.JSONField(
        _("hold reasons"),
        default=list,
        blank=True,
        help_text=_(
            "Codes recorded at submission (links, too_fast) that keep it held."
        ),
    )

    author_name = models.CharField(_("name"), max_length=80)
    author_email = models.EmailField(_("email address"), blank=True)
    author_url = models.URLField(
        _("website"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_comments",
    )
    ip_address = models.GenericIPAddressField(
        _("IP network (anonymised)"), null=True, blank=True, unpack_ipv4=True
    )
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)

    body = models.TextField(_("comment"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    # NULL keeps rows without a key out of the uniqueness constraints.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=64, null=True, blank=True
    )
    form_nonce = models.CharField(  # noqa: DJ001
        _("form token nonce"),
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The nonce of the signed form that posted it (single use)."),
    )
    fingerprint = models.CharField(
        _("duplicate fingerprint"), max_length=64, blank=True, editable=False
    )
    fingerprint_bucket = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    source = models.CharField(  # noqa: DJ001
        _("import source"), max_length=32, null=True, blank=True
    )
    external_id = models.CharField(  # noqa: DJ001
        _("ID in the import source"), max_length=64, null=True, blank=True
    )

    objects = CommentQuerySet.as_manager()

    # Declared for type checkers: the django-stubs plugin cannot resolve
    # self-referencing foreign keys on an abstract model.
    parent_id: int | None
    thread_id: int | None

    class Meta:
        """Shared options; concrete models add constraints and indexes."""

        abstract = True
        ordering = ("submitted_at", "pk")
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("can_moderate", _("Can moderate comments"))]

    @override
    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:50]}"

    @property
    def is_public(self) -> bool:
        """Return whether every reader may see this comment."""
        return self.status == CommentStatus.APPROVED

    @property
    def anchor(self) -> str:
        """Return the fragment identifier of this comment on its page."""
        return f"comment-{self.pk}"


def comment_constraints(prefix: str) -> list[models.BaseConstraint]:
    """Return the uniqueness rules a concrete comment model must declare.

    Constraint names must be unique per database, so each concrete model passes
    its own ``prefix`` (``"comments"`` for the default model).
    """
    return [
        models.UniqueConstraint(
            fields=["content_type", "object_pk", "idempotency_key"],
            condition=models.Q(idempotency_key__isnull=False),
            name=f"{prefix}_unique_idempotency_key",
        ),
        models.UniqueConstraint(
            fields=["content_type", "object_pk", "form_nonce"],
            condition=models.Q(form_nonce__isnull=False),
            name=f"{prefix}_unique_form_nonce",
        ),
        models.UniqueConstraint(
            fields=["content_type", "object_pk", "fingerprint", "fingerprint_bucket"],
            condition=~models.Q(fingerprint=""),
            name=f"{prefix}_unique_fingerprint_bucket",
        ),
        models.UniqueConstraint(
            fields=["source", "external_id"],
            condition=models.Q(source__isnull=False, external_id__isnull=False),
            name=f"{prefix}_unique_source_external_id",
        ),
    ]


def comment_indexes(prefix: str) -> list[models.Index]:
    """Return the indexes behind the two hot queries (page display, review queue)."""
    return [
        models.Index(
            fields=["content_type", "object_pk", "status", "thread", "submitted_at"],
            name=f"{prefix}_object_threads",
        ),
        models.Index(fields=["status", "submitted_at"], name=f"{prefix}_status_date"),
        models.Index(fields=["submitted_at"], name=f"{prefix}_submitted_at"),
    ]
