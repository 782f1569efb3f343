"""Statements of reasons (DSA Art. 17): email, page notice, appeal link."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Locale

from manchette.comments.abstracts import CommentStatus
from manchette.comments.web import OWN_SESSION_KEY
from manchette.moderation import services
from manchette.moderation.models import (
    Appeal,
    AppealStatus,
    DecisionAction,
    DecisionOrigin,
    ModerationDecision,
    NoticeChannel,
    StatementOfReasons,
)
from manchette.moderation.notifications import (
    appeal_token,
    notify_long_holds,
    send_statement,
)
from manchette.moderation.tasks import notify_long_holds_task
from tests.factories import ModerationDecisionFactory, build_comment_article
from tests.moderation.helpers import latest, submit

pytestmark = pytest.mark.django_db

THREAT = "Il faut éliminer ces traîtres, on sait où ils habitent."
ARABIC_THREAT = "هؤلاء الخونة يجب تصفيتهم واحدا واحدا، اقتلوهم قبل أن يهربوا."


def _reject(comment: Any, moderator: Any, capture: Any) -> ModerationDecision:
    with capture(execute=True):
        return services.review_decision(
            comment=comment, action=DecisionAction.REJECT, moderator=moderator
        )


def _appeal_path(body: str) -> str:
    found = re.search(r"https?://\S+/moderation/appeal/\S+/", body)
    assert found is not None, "no appeal link in the statement"
    return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]


def test_rejection_emails_french_statement_by_a_person(
    comments_article, moderator, django_capture_on_commit_callbacks
):
    comment = submit(comments_article, THREAT, email="auteur@example.org")

    _reject(comment, moderator, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["auteur@example.org"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "n'a pas été publié" in message.subject
    assert "menaces ou incitation à la violence" in message.body
    assert "prise par un modérateur" in message.body
    assert "/moderation/appeal/" in message.body
    channels = set(
        StatementOfReasons.objects.filter(comment_id=comment.pk).values_list(
            "channel", flat=True
        )
    )
    assert channels == {NoticeChannel.EMAIL, NoticeChannel.PAGE}
    assert StatementOfReasons.objects.filter(automated=False).count() == 2


def test_engine_rejection_statement_in_arabic_mentions_automated_means(
    moderator, django_capture_on_commit_callbacks
):
    arabic = Locale.objects.get_or_create(language_code="ar")[0]
    article = build_comment_article(title="مقال", slug="maqal", locale=arabic)
    comment = submit(article, "سير تقود يا الحمار، نتا وصحابك كاملين بوزبال.")
    decision = ModerationDecisionFactory(
        comment=comment, action=DecisionAction.REJECT, category="insult"
    )

    send_statement(decision)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "ar"
    assert "وسائل آلية" in message.body
    assert "الشتائم" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    assert 'dir="rtl"' in str(message.alternatives[0][0])


def test_spam_and_approval_send_no_statement(
    comments_article, moderator, django_capture_on_commit_callbacks
):
    spam = submit(comments_article, THREAT)
    fine = submit(comments_article, THREAT + " Non.")

    with django_capture_on_commit_callbacks(execute=True):
        services.review_decision(
            comment=spam, action=DecisionAction.SPAM, moderator=moderator
        )
        services.review_decision(
            comment=fine, action=DecisionAction.APPROVE, moderator=moderator
        )

    assert mail.outbox == []
    assert not StatementOfReasons.objects.exists()


def test_send_statement_is_idempotent(comments_article, moderator):
    comment = submit(comments_article, THREAT)
    decision = services.review_decision(
        comment=comment, action=DecisionAction.REMOVE, moderator=moderator
    )

    first = send_statement(decision)
    second = send_statement(decision)

    assert len(first) == 2
    assert second == []
    assert len(mail.outbox) == 1


def test_long_hold_gets_statement_once(comments_article, time_machine):
    comment = submit(comments_article, THREAT)
    assert comment.status == CommentStatus.PENDING
    assert notify_long_holds() == 0

    time_machine.move_to(timezone.now() + timedelta(hours=25))
    result = notify_long_holds_task.enqueue()

    assert result.return_value == 1
    assert "retenu pour examen par nos modérateurs" in mail.outbox[0].body
    assert "automatisés" in mail.outbox[0].body
    assert notify_long_holds() == 0
    assert len(mail.outbox) == 1


def test_appeal_link_creates_appeal_and_requeues(
    client, comments_article, moderator, django_capture_on_commit_callbacks
):
    comment = submit(comments_article, THREAT)
    _reject(comment, moderator, django_capture_on_commit_callbacks)
    path = _appeal_path(str(mail.outbox[0].body))

    form = client.get(path)
    posted = client.post(path, {"text": "Je citais ce slogan pour le dénoncer."})

    assert form.status_code == 200
    assert "Je citais" not in form.content.decode()
    assert posted.status_code == 200
    appeal = Appeal.objects.get(comment_id=comment.pk)
    assert appeal.status == AppealStatus.OPEN
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert latest(comment).origin == DecisionOrigin.APPEAL

    services.review_decision(
        comment=comment, action=DecisionAction.APPROVE, moderator=moderator
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED


def test_appeal_link_refuses_tampered_token(client, comments_article, moderator):
    comment = submit(comments_article, THREAT)
    decision = services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )
    token = appeal_token(decision)

    response = client.post(
        f"/moderation/appeal/{token[:-2]}xx/", {"text": "Laissez-moi passer."}
    )

    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_second_appeal_is_refused(comments_article, moderator):
    comment = submit(comments_article, THREAT)
    decision = services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )
    services.appeal_create(comment=comment, decision=decision, text="Première fois.")

    with pytest.raises(services.AppealClosedError):
        services.appeal_create(comment=comment, decision=decision, text="Encore.")
    assert Appeal.objects.count() == 1


def test_page_notice_shown_only_to_authors_browser(comments_article, moderator):
    comment = submit(comments_article, THREAT)
    decision = services.review_decision(
        comment=comment, action=DecisionAction.REJECT, moderator=moderator
    )
    send_statement(decision)
    template = Template("{% load moderation_tags %}{% moderation_notices %}")

    def render(own_ids: list[int]) -> str:
        request: Any = RequestFactory().get("/")
        request.session = {OWN_SESSION_KEY: own_ids}
        return template.render(Context({"request": request}))

    mine = render([comment.pk])
    stranger = render([])

    assert "a pas été publié" in mine
    assert "/moderation/appeal/" in mine
    assert stranger.strip() == ""


def test_engine_rejection_on_submit_emails_statement(
    comments_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(
            comments_article,
            "سير تقود يا الحمار، نتا وصحابك كاملين بوزبال.",
            email="insulte@example.org",
        )

    assert comment.status == CommentStatus.REJECTED
    assert latest(comment).automated
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["insulte@example.org"]
    assert "moyens automatisés" in str(mail.outbox[0].body)
    assert "insultes ou attaques personnelles" in str(mail.outbox[0].body)
