"""Statements of reasons (EU Digital Services Act, Article 17).

When a comment is held for long, rejected or removed, its author is told, in
the page's language (French, Arabic, or English): what was decided, on which
ground (the harm category or rule, with the legal category it falls under),
whether automated means took the decision, and how to appeal (a signed link
to a short form). The statement goes by email when the author left an address,
and is always recorded for the page, where the browser that posted the comment
sees it (:mod:`manchette.moderation.templatetags.moderation_tags`).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from manchette.comments import get_comment_model
from manchette.comments.web import own_comment_ids
from manchette.moderation.adapters import page_language
from manchette.moderation.conf import moderation_settings
from manchette.moderation.models import (
    DecisionAction,
    ModerationDecision,
    NoticeChannel,
    StatementOfReasons,
)

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from manchette.comments.abstracts import AbstractComment

APPEAL_SALT = "manchette.moderation.appeal"

#: Languages with statement templates; anything else falls back to French.
NOTICE_LANGUAGES = ("fr", "ar", "en")

#: What each ground means for the author, and the law category it falls under
#: (the categories of the Commission's DSA transparency database).
GROUNDS: dict[str, tuple[Promise, Promise]] = {
    "threat_incitement": (
        _("threats or incitement to violence"),
        _("Illegal or harmful speech: incitement to violence"),
    ),
    "hate": (
        _("hateful or discriminatory content"),
        _("Illegal or harmful speech: hate speech"),
    ),
    "insult": (
        _("insults or personal attacks"),
        _("Cyber violence: harassment and insults"),
    ),
    "sexual": (
        _("sexual content"),
        _("Pornography or sexualised content"),
    ),
    "spam": (
        _("spam or advertising"),
        _("Scams and fraud: spam"),
    ),
    "personal_data": (
        _("publication of personal data"),
        _("Data protection and privacy violations"),
    ),
}
DEFAULT_GROUND: tuple[Promise, Promise] = (
    _("a breach of our discussion rules"),
    _("Scope of platform service: terms and conditions"),
)

#: The decision, as the first sentence of the statement.
ACTION_TEXT: dict[str, Promise] = {
    DecisionAction.HOLD: _("Your comment is held for review by our moderators."),
    DecisionAction.REJECT: _("Your comment was not published."),
    DecisionAction.REMOVE: _("Your comment was removed."),
    DecisionAction.SPAM: _("Your comment was not published."),
}
#: The decision, as an email subject.
SUBJECT_TEXT: dict[str, Promise] = {
    DecisionAction.HOLD: _("Your comment is awaiting review"),
    DecisionAction.REJECT: _("Your comment was not published"),
    DecisionAction.REMOVE: _("Your comment was removed"),
    DecisionAction.SPAM: _("Your comment was not published"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Statement:
    """What the author is told, ready for a template."""

    comment: AbstractComment
    decision: ModerationDecision
    language: str
    ground: str
    ground_text: str
    law_text: str
    action_text: str
    subject: str
    automated: bool
    appeal_url: str
    appeal_deadline: Any


def notice_language(comment: AbstractComment) -> str:
    """Return the language of the comment's page, if it has templates; else ``fr``."""
    code = (page_language(comment) or "").split("-")[0].lower()
    return code if code in NOTICE_LANGUAGES else "fr"


def ground_of(decision: ModerationDecision) -> str:
    """Return the ground a decision rests on: its category, or its first rule."""
    if decision.category:
        return decision.category
    for reason in decision.reasons or []:
        if isinstance(reason, dict) and reason.get("category"):
            return str(reason["category"])
    for reason in decision.reasons or []:
        if isinstance(reason, dict) and reason.get("source"):
            return str(reason["source"])[:64]
    return "rules"


def appeal_token(decision: ModerationDecision) -> str:
    """Return the signed token identifying a contested decision."""
    return signing.dumps({"d": decision.pk, "c": decision.comment_id}, salt=APPEAL_SALT)


def read_appeal_token(token: str) -> tuple[int, int]:
    """Return ``(decision_id, comment_id)`` from a token.

    Raises:
        django.core.signing.BadSignature: a forged, altered or expired token
            (older than ``MODERATION_APPEAL_WINDOW_DAYS``).

    """
    max_age = timedelta(days=moderation_settings().APPEAL_WINDOW_DAYS)
    data = signing.loads(token, salt=APPEAL_SALT, max_age=max_age)
    if not isinstance(data, dict):
        raise signing.BadSignature("malformed appeal token")
    return int(data["d"]), int(data["c"])


def appeal_url(decision: ModerationDecision) -> str:
    """Return the absolute URL of the appeal form for a decision."""
    path = reverse("moderation:appeal", kwargs={"token": appeal_token(decision)})
    base = str(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def build_statement(decision: ModerationDecision) -> Statement:
    """Gather what the author must be told about ``decision``."""
    comment = decision.comment
    language = notice_language(comment)
    ground = ground_of(decision)
    ground_text, law_text = GROUNDS.get(ground, DEFAULT_GROUND)
    with translation.override(language):
        return Statement(
            comment=comment,
            decision=decision,
            language=language,
            ground=ground,
            ground_text=str(ground_text),
            law_text=str(law_text),
            action_text=str(ACTION_TEXT.get(decision.action, ACTION_TEXT["reject"])),
            subject=str(SUBJECT_TEXT.get(decision.action, SUBJECT_TEXT["reject"])),
            automated=decision.automated,
            appeal_url=appeal_url(decision),
            appeal_deadline=decision.created_at
            + timedelta(days=moderation_settings().APPEAL_WINDOW_DAYS),
        )


def _author_email(comment: AbstractComment) -> str:
    return comment.author_email or str(getattr(comment.user, "email", "") or "")


def send_statement(decision: ModerationDecision) -> list[StatementOfReasons]:
    """Send the statement of reasons for a decision (email and page notice).

    Idempotent: a channel already used for this decision is not used again.
    Return the statements stored now (possibly none).
    """
    statement = build_statement(decision)
    sent: list[StatementOfReasons] = []
    channels = [NoticeChannel.PAGE]
    email = _author_email(decision.comment)
    if email:
        channels.insert(0, NoticeChannel.EMAIL)
    for channel in channels:
        try:
            with transaction.atomic():
                record = StatementOfReasons.objects.create(
                    comment=decision.comment,
                    decision=decision,
                    ground=statement.ground,
                    automated=statement.automated,
                    channel=channel,
                    language=statement.language,
                )
                if channel == NoticeChannel.EMAIL:
                    _send_email(statement, email)
        except IntegrityError:
            continue  # already sent on this channel
        sent.append(record)
    return sent


def _send_email(statement: Statement, address: str) -> None:
    context = {"statement": statement, "comment": statement.comment}
    with translation.override(statement.language):
        subject = statement.subject
        body = render_to_string("moderation/email/statement_body.txt", context)
        html = render_to_string("moderation/email/statement_body.html", context)
    message = EmailMultiAlternatives(subject, body, None, [address])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Content-Language"] = statement.language
    message.send()


def notify_long_holds(*, now: Any = None) -> int:
    """Send statements for comments held longer than ``MODERATION_HOLD_NOTICE_AFTER``.

    Only comments still pending whose latest decision is that hold, and whose
    hold has no statement yet, are notified. Return how many were.
    """
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=moderation_settings().HOLD_NOTICE_AFTER)
    decisions = (
        ModerationDecision.objects.latest_per_comment()
        .filter(
            action=DecisionAction.HOLD,
            created_at__lte=cutoff,
            comment__status="pending",
        )
        .exclude(statements__isnull=False)
        .select_related("comment")
    )
    count = 0
    for decision in decisions:
        if send_statement(decision):
            count += 1
    return count


def page_notices(comment_ids: frozenset[int] | set[int]) -> list[Statement]:
    """Return the statements to show on the page to the browser that posted them.

    ``comment_ids`` are the comments this browser posted (the comments app's
    session list). Only each comment's latest page statement is returned, and
    only while its decision is still the latest one.
    """
    if not comment_ids:
        return []
    records = (
        StatementOfReasons.objects.filter(
            comment_id__in=comment_ids, channel=NoticeChannel.PAGE
        )
        .select_related("decision", "comment")
        .order_by("comment_id", "-sent_at", "-pk")
    )
    seen: set[int] = set()
    notices: list[Statement] = []
    for record in records:
        if record.comment_id in seen:
            continue
        seen.add(record.comment_id)
        current = (
            ModerationDecision.objects.filter(comment_id=record.comment_id)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if current == record.decision_id:
            notices.append(build_statement(record.decision))
    return notices


def render_page_notices(request: HttpRequest | None, obj: Any = None) -> SafeString:
    """Render the statements of reasons for this browser's own comments.

    ``obj`` (optional) limits them to comments on that object (a page). Used
    by ``{% moderation_notices %}`` for the page (no JavaScript) and, through
    the comments app's author notices source, for the answer to a comment
    posted in place (JavaScript): both show the same HTML. Returns an empty
    string when there is none; a browser with no own comments costs no query.
    """
    own = own_comment_ids(request)
    if own and obj is not None:
        on_obj = get_comment_model().objects.for_object(obj).filter(pk__in=own)
        own = frozenset(on_obj.values_list("pk", flat=True))
    notices = page_notices(own)
    if not notices:
        return SafeString("")
    return SafeString(
        render_to_string("moderation/notices.html", {"notices": notices}, request)
    )
