import time

import pytest
from django.core import signing
from django.utils import translation

from manchette.comments import get_comment_form
from manchette.comments.forms import CommentForm, make_security_token
from manchette.comments.services import HOLD_TOO_FAST
from tests.comments.helpers import form_data

pytestmark = pytest.mark.django_db


def test_comment_form_accepts_a_normal_submission(comments_article):
    form = CommentForm(comments_article, data=form_data(comments_article))
    assert form.is_valid(), form.errors
    assert form.security_report().hold_reasons == ()
    assert len(form.idempotency_key) == 32


def test_comment_form_honeypot_refuses(comments_article):
    form = CommentForm(
        comments_article,
        data=form_data(comments_article, homepage="http://spam.example"),
    )
    assert not form.is_valid()
    assert form.has_error("homepage", code="honeypot")


def test_comment_form_too_fast_is_held(comments_article):
    form = CommentForm(comments_article, data=form_data(comments_article, age=0.5))
    assert form.is_valid(), form.errors
    assert form.security_report().hold_reasons == (HOLD_TOO_FAST,)


def test_comment_form_too_old_is_refused_with_message(comments_article):
    form = CommentForm(comments_article, data=form_data(comments_article, age=3 * 3600))
    with translation.override("fr"):
        assert not form.is_valid()
        assert form.has_error("security_token", code="expired")
        assert "Ce formulaire a expiré" in str(form.errors["security_token"])


def test_comment_form_refuses_token_of_another_page(comments_article):
    from tests.factories import build_comment_article

    other = build_comment_article(slug="autre-page")
    data = form_data(comments_article)
    data["security_token"] = make_security_token(other, issued_at=time.time() - 10)
    form = CommentForm(comments_article, data=data)
    assert not form.is_valid()
    assert form.has_error("security_token", code="bad_target")


def test_comment_form_refuses_tampered_token(comments_article):
    data = form_data(comments_article)
    payload = signing.loads(data["security_token"], salt="manchette.comments.form")
    payload["ts"] -= 100
    data["security_token"] = signing.dumps(payload, salt="wrong")
    form = CommentForm(comments_article, data=data)
    assert not form.is_valid()
    assert form.has_error("security_token", code="bad_token")


def test_comment_form_logged_in_user_skips_name_and_email(
    comments_article, django_user_model
):
    user = django_user_model.objects.create_user(username="omar", email="o@ex.org")
    data = form_data(comments_article)
    del data["author_name"], data["author_email"]
    form = CommentForm(comments_article, data=data, user=user)
    assert form.is_valid(), form.errors
    assert "author_name" not in form.fields
    assert "author_email" not in form.fields


def test_comment_form_anonymous_requires_name_and_email(comments_article):
    data = form_data(comments_article, author_name="", author_email="")
    form = CommentForm(comments_article, data=data)
    assert not form.is_valid()
    assert {"author_name", "author_email"} <= form.errors.keys()


def test_comment_form_rejects_javascript_website(comments_article):
    data = form_data(comments_article, author_url="javascript:alert(1)")
    form = CommentForm(comments_article, data=data)
    assert not form.is_valid()
    assert "author_url" in form.errors


def test_comment_form_body_limit_is_in_characters(comments_article):
    ok = CommentForm(
        comments_article, data=form_data(comments_article, body="ض" * 5000)
    )
    too_long = CommentForm(
        comments_article, data=form_data(comments_article, body="ض" * 5001)
    )
    assert ok.is_valid(), ok.errors
    assert not too_long.is_valid()
    assert "5000" in str(too_long.errors["body"])


def test_get_comment_form_returns_default_form():
    assert get_comment_form() is CommentForm
