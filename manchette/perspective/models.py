"""API keys of the Perspective-compatible API and the score suggestions it receives."""

from __future__ import annotations

import hashlib
import secrets
from typing import override

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Prefix of every generated key, so a leaked key is recognisable in a scan.
KEY_PREFIX = "mch_"


def hash_key(raw_key: str) -> str:
    """Return the SHA-256 hex digest stored for ``raw_key``.

    A fast, unsalted hash is enough here (unlike passwords): keys are 256-bit
    random tokens, so there is nothing to brute-force, and the lookup on every
    request must be a single indexed equality.
    """
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def default_rate_limit() -> int:
    """Return ``PERSPECTIVE_DEFAULT_RATE_LIMIT``: requests per minute for a new key."""
    from manchette.perspective.conf import perspective_settings

    return perspective_settings().DEFAULT_RATE_LIMIT


def generate_key() -> str:
    """Return a new random key: ``mch_`` followed by 43 URL-safe characters."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiKey(models.Model):
    """A client allowed to call the API. Only a hash of the key is stored."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(
        _("key hash"), max_length=64, unique=True, editable=False
    )
    key_hint = models.CharField(
        _("key hint"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the key, to recognise it."),
    )
    active = models.BooleanField(_("active"), default=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("rate limit (requests per minute)"),
        default=default_rate_limit,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    @override
    def __str__(self) -> str:
        return self.name

    def set_new_key(self) -> str:
        """Give this key a new random secret; return it (it is not stored)."""
        raw = generate_key()
        self.key_hash = hash_key(raw)
        self.key_hint = raw[: len(KEY_PREFIX) + 4]
        return raw


class SuggestedScore(models.Model):
    """One attribute score a client suggests for a comment (``comments:suggestscore``).

    ``text`` is empty when the client asked ``doNotStore``. ``value`` is the
    suggested probability: Coral sends 1 on the attribute ``APPROVED`` or
    ``DELETED``; other clients send 0 or 1 (or anything between) on ``TOXICITY``.
    """

    text = models.TextField(_("text"), blank=True)
    attribute = models.CharField(_("attribute"), max_length=64)
    value = models.FloatField(_("value"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    context = models.JSONField(
        _("context entries"),
        default=list,
        blank=True,
        help_text=_("The texts of the request's context entries."),
    )
    community_id = models.CharField(_("community id"), max_length=255, blank=True)
    client_token = models.CharField(_("client token"), max_length=255, blank=True)
    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_scores",
        verbose_name=_("API key"),
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, db_index=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("suggested score")
        verbose_name_plural = _("suggested scores")

    @override
    def __str__(self) -> str:
        return f"{self.attribute}={self.value:g} ({self.client_token or self.pk})"
