from __future__ import annotations

from typing import override

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    """What a WordPress record became (one row per WordPress object)."""

    AUTHOR = "author", _("Author")
    CATEGORY = "category", _("Category")
    TAG = "tag", _("Tag")
    POST = "post", _("Post")
    PAGE = "page", _("Page")
    ATTACHMENT = "attachment", _("Attachment")
    COMMENT = "comment", _("Comment")


class ImportRecord(models.Model):
    """Maps one object of an import source to the object it became here.

    ``source`` identifies the exporting site (its base URL), ``kind`` and
    ``external_id`` the object there (a WordPress id, login or slug). Re-running
    an import looks rows up by these three fields, which makes imports
    idempotent and lets a crashed run resume; ``checksum`` tells an unchanged
    object from an updated one.
    """

    source = models.CharField(_("source"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    external_id = models.CharField(_("ID in the source"), max_length=255)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("content type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    content_object = GenericForeignKey("content_type", "object_id")
    checksum = models.CharField(_("checksum"), max_length=64, blank=True)
    source_url = models.URLField(_("original URL"), max_length=2000, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"],
                name="importers_unique_source_object",
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="importers_target_idx"
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id}"
