"""Put the XSS corpus into every comment path (used by ``test_xss_corpus``).

Each function sends every payload through one entry point of the comments
app and returns a :class:`PathOutcome`: the ids of the comments stored (which
must then render) and how many submissions the path refused.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manchette.comments.abstracts import CommentStatus
from manchette.comments.errors import CommentError
from manchette.comments.forms import make_security_token
from manchette.comments.models import Comment
from manchette.comments.services import comment_submit
from manchette.comments.tokens import issue_edit_token

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from django.dispatch import Signal

NAME_LIMIT = 80  # COMMENTS_NAME_MAX_LENGTH


@dataclass
class PathOutcome:
    """What one entry point did with the corpus."""

    name: str
    stored: list[int] = field(default_factory=list)
    refused: int = 0
    tried: int = 0


@contextlib.contextmanager
def without_receivers(*signals: Signal) -> Iterator[None]:
    """Disconnect every receiver of ``signals`` (moderation) inside the block.

    The paths that only need to *render* the corpus skip the engine, which is
    the slow part of a submission; the service path keeps it for the queue.
    """
    saved = [(signal, signal.receivers) for signal in signals]
    for signal, _receivers in saved:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def approve(ids: Sequence[int]) -> None:
    """Publish the comments ``ids`` (test setup: one UPDATE, no signals)."""
    Comment.objects.filter(pk__in=ids).update(status=CommentStatus.APPROVED)


def _name_for(payload: str, index: int) -> str:
    return payload if len(payload) <= NAME_LIMIT else f"Lecteur {index}"


def through_service(target: Any, payloads: Sequence[str]) -> PathOutcome:
    """Submit each payload as the body and, when it fits, as the author's name.

    A name the service refuses (empty once cleaned) is retried with a plain one,
    so the body still goes in. The comments stay pending (moderation ran).
    """
    outcome = PathOutcome("body+name")
    for index, payload in enumerate(payloads):
        email = f"lecteur{index}@example.org"
        outcome.tried += 1
        try:
            result = comment_submit(
                target=target,
                body=payload,
                author_name=_name_for(payload, index),
                author_email=email,
                ip="192.0.2.10",
            )
        except CommentError as error:
            outcome.refused += 1
            if error.field != "author_name":
                continue
            result = comment_submit(
                target=target,
                body=payload,
                author_name=f"Lecteur {index}",
                author_email=email,
                ip="192.0.2.10",
            )
        outcome.stored.append(result.comment.pk)
    return outcome


def through_website(target: Any, payloads: Sequence[str]) -> PathOutcome:
    """Submit each payload as the author's website (``author_url``)."""
    outcome = PathOutcome("website")
    for index, payload in enumerate(payloads):
        outcome.tried += 1
        try:
            result = comment_submit(
                target=target,
                body=f"Avis {index} avec un site.",
                author_name=f"Lecteur {index}",
                author_email=f"site{index}@example.org",
                author_url=payload,
            )
        except CommentError:
            outcome.refused += 1
            continue
        outcome.stored.append(result.comment.pk)
    approve(outcome.stored)
    return outcome


def through_edit(target: Any, payloads: Sequence[str]) -> PathOutcome:
    """Replace the text of a reader's own comment with each payload.

    The originals are written in one query; each edit goes through the HTTP
    edit view with the author's edit token, the way the "Edit" link does.
    """
    outcome = PathOutcome("edit")
    content_type = ContentType.objects.get_for_model(target)
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            content_type=content_type,
            object_pk=str(target.pk),
            author_name=f"Auteur {index}",
            author_email=f"auteur{index}@example.org",
            body=f"Texte d'origine numéro {index}.",
            status=CommentStatus.APPROVED,
            submitted_at=now,
        )
        for index in range(len(payloads))
    )
    originals = list(
        Comment.objects.filter(content_type=content_type, object_pk=str(target.pk))
    )
    Comment.objects.filter(pk__in=[c.pk for c in originals]).update(thread=F("pk"))
    client = Client()
    for comment, payload in zip(originals, payloads, strict=True):
        outcome.tried += 1
        response = client.post(
            reverse("comments:edit", args=[comment.pk]),
            {"token": issue_edit_token(comment), "body": payload},
        )
        if response.status_code == 302:
            outcome.stored.append(comment.pk)
        else:
            assert response.status_code == 400, response.status_code
            outcome.refused += 1
    approve([c.pk for c in originals])
    return outcome


def through_api(target: Any, payloads: Sequence[str]) -> PathOutcome:
    """POST each payload to the JSON API: as body and name, then as website."""
    outcome = PathOutcome("api")
    client = Client()
    url = reverse("api:comments_create", args=[target.pk])
    for index, payload in enumerate(payloads):
        for slot in ("body", "author_url"):
            # Form tokens are single use: a fresh one for every comment.
            token = make_security_token(target, issued_at=time.time() - 60)
            data = {
                "body": f"Avis {index} envoyé par l'API.",
                "author_name": _name_for(payload, index),
                "author_email": f"api{index}-{slot}@example.org",
                "token": token,
                slot: payload,
            }
            outcome.tried += 1
            response = client.post(
                url, json.dumps(data), content_type="application/json"
            )
            if response.status_code == 201:
                outcome.stored.append(response.json()["id"])
            else:
                assert response.status_code == 422, response.content
                outcome.refused += 1
    approve(outcome.stored)
    return outcome
