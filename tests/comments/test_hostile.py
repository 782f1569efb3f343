"""Hostile input on every write path: service, form view, JSON view, import."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from manchette.comments.errors import CommentRejectedError
from manchette.comments.models import Comment
from manchette.comments.sanitize import clean_name, clean_text, render_body
from manchette.comments.services import comment_import, comment_publish, comment_submit
from tests.comments.helpers import form_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]

SCRIPT_BODY = 'Salut <script>alert("x")</script> <img src=x onerror=alert(1)>'
HOSTILE_NAME = "<svg onload=alert(1)>Mal\u202eveillant\x00"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def render_page(article):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get(article.url)
    request.session = SessionStore()
    request.user = AnonymousUser()
    return Template("{% load comments %}{% comment_section page %}").render(
        Context({"page": article, "request": request})
    )


def assert_neutralised(html):
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert " onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")
    assert 'href="javascript:' not in html
    assert not set(BIDI) & set(html)
    assert "\x00" not in html


def test_clean_text_strips_controls_and_bidi():
    text = clean_text(f"a{BIDI}b\x00c\x07d\r\ne\u2028f")
    assert text == "abcd\ne\nf"


def test_clean_name_is_single_line():
    assert clean_name(" Ali\n\tBen\u202e  ") == "Ali Ben"


def test_render_body_escapes_markup_and_links_only_http():
    html = str(render_body("<b>gras</b> javascript:alert(1) https://ex.ma/a?b=1&c=2."))
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert '<a href="https://ex.ma/a?b=1&amp;c=2" rel="nofollow ugc noopener">' in html
    assert 'href="javascript' not in html
    assert html.endswith(".</p>")


def test_service_path_neutralises_hostile_fields(comments_article):
    comment = comment_submit(
        target=comments_article,
        body=SCRIPT_BODY + BIDI,
        author_name=HOSTILE_NAME,
        author_email="hostile@example.org",
    ).comment
    assert "\x00" not in comment.author_name
    assert not set(BIDI) & set(comment.body + comment.author_name)
    comment_publish(comment=comment)
    html = render_page(comments_article)
    assert_neutralised(html)
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "JaVaScRiPt:alert(1)"]
)
def test_service_path_refuses_non_http_website(comments_article, url):
    with pytest.raises(CommentRejectedError):
        comment_submit(
            target=comments_article,
            body="Un avis.",
            author_name="A",
            author_email="a@example.org",
            author_url=url,
        )


def test_service_path_refuses_huge_body(comments_article):
    with pytest.raises(CommentRejectedError):
        comment_submit(
            target=comments_article,
            body="x" * 70_000,
            author_name="A",
            author_email="a@example.org",
        )
    assert Comment.objects.count() == 0


def test_form_path_neutralises_hostile_fields(client, comments_article):
    response = client.post(
        reverse("comments:post"),
        form_data(
            comments_article,
            body=SCRIPT_BODY + BIDI,
            author_name=HOSTILE_NAME,
            author_url='https://ok.ma/"><script>alert(1)</script>',
        ),
    )
    assert response.status_code == 400  # the website is not a valid URL
    assert_neutralised(response.content.decode())
    response = client.post(
        reverse("comments:post"),
        form_data(
            comments_article, body=SCRIPT_BODY + BIDI, author_name=HOSTILE_NAME[:-1]
        ),
    )
    assert response.status_code == 302
    comment_publish(comment=Comment.objects.get())
    html = client.get(comments_article.url).content.decode()
    assert_neutralised(html)


def test_form_path_refuses_huge_body_and_javascript_url(client, comments_article):
    response = client.post(
        reverse("comments:post"),
        form_data(
            comments_article, body="y" * 70_000, author_url="javascript:alert(1)"
        ),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"body", "author_url"} <= errors.keys()
    assert Comment.objects.count() == 0


def test_json_path_neutralises_hostile_fields(client, comments_article):
    response = client.post(
        reverse("comments:post"),
        form_data(comments_article, body=SCRIPT_BODY, author_name=HOSTILE_NAME[:-1]),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    assert_neutralised(response.json()["html"])
    assert "\u202e" not in Comment.objects.get().author_name


def test_json_path_strips_nul_bytes(client, comments_article):
    response = client.post(
        reverse("comments:post"),
        form_data(comments_article, author_name=HOSTILE_NAME, body="Un\x00 avis."),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert comment.author_name == "<svg onload=alert(1)>Malveillant"
    assert comment.body == "Un avis."


def test_import_path_neutralises_hostile_fields(comments_article):
    comment = comment_import(
        target=comments_article,
        source="wxr",
        external_id="666",
        body=SCRIPT_BODY + BIDI,
        author_name=HOSTILE_NAME,
        author_url="javascript:alert(1)",
        submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    ).comment
    assert comment.author_url == ""
    html = render_page(comments_article)
    assert_neutralised(html)
    with pytest.raises(CommentRejectedError):
        comment_import(
            target=comments_article,
            source="wxr",
            external_id="667",
            body="z" * 70_000,
            author_name="A",
            submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        )


def test_stored_hostile_row_is_still_sanitised_at_render(comments_article):
    from tests.factories import CommentFactory

    CommentFactory(
        target=comments_article,
        body=SCRIPT_BODY + BIDI,  # PostgreSQL text cannot hold NUL bytes
        author_name=HOSTILE_NAME[:-1],
        author_url="https://ex.ma",
    )
    html = render_page(comments_article)
    assert "<script>alert" not in html
    assert "<svg" not in html
    assert not set(BIDI) & set(html.split('class="comment-content"')[1])


# --- lone surrogates: dropped by the shared cleaners on every write path ----

SURROGATE_BODY = "Un avis\ud800 sur le port\udfff."


def test_cleaners_drop_lone_surrogates():
    from manchette.comments.sanitize import strip_unsafe

    assert clean_text(SURROGATE_BODY) == "Un avis sur le port."
    assert clean_name("Sa\udc00mira\ud800") == "Samira"
    assert strip_unsafe("a\ud800b") == "ab"
    assert render_body(SURROGATE_BODY) == "<p>Un avis sur le port.</p>"


def test_service_path_drops_lone_surrogates(comments_article):
    comment = comment_submit(
        target=comments_article,
        body=SURROGATE_BODY,
        author_name="Sa\ud800mira",
        author_email="samira\udfff@example.org",
        author_url="https://ex\ud800.ma",
        user_agent="Firefox\udc00",
        idempotency_key="key\ud800",
    ).comment
    comment.refresh_from_db()
    assert (comment.body, comment.author_name) == ("Un avis sur le port.", "Samira")
    assert (comment.author_email, comment.author_url) == (
        "samira@example.org",
        "https://ex.ma",
    )
    assert (comment.user_agent, comment.idempotency_key) == ("Firefox", "key")


def test_form_path_drops_lone_surrogates(comments_article):
    # Browsers cannot send one (form data is UTF-8), but a form class is also
    # used by Python callers: it cleans like the service.
    from manchette.comments.forms import CommentForm

    form = CommentForm(
        comments_article,
        data=form_data(comments_article, body=SURROGATE_BODY, author_name="Sa\ud800m"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == "Un avis sur le port."
    assert form.cleaned_data["author_name"] == "Sam"


def test_form_view_with_surrogate_bytes_is_not_500(client, comments_article):
    # A surrogate encoded as UTF-8 bytes (ED A0 80, not valid UTF-8) is decoded
    # as replacement characters by Django: stored without any surrogate.
    fields = {k: v for k, v in form_data(comments_article).items() if k != "body"}
    encoded = urlencode(fields).encode() + b"&body=Avis+%ED%A0%80+sur+le+port"
    response = client.generic(
        "POST",
        reverse("comments:post"),
        encoded,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    body = Comment.objects.get().body
    assert body.startswith("Avis ")
    assert not any("\ud800" <= c <= "\udfff" for c in body)


def test_edit_path_drops_lone_surrogates(client, comments_article):
    from manchette.comments.tokens import comment_edit, issue_edit_token

    comment = comment_submit(
        target=comments_article,
        body="Premier avis.",
        author_name="A",
        author_email="a@example.org",
    ).comment
    token = issue_edit_token(comment)
    edited = comment_edit(comment=comment, token=token, body=SURROGATE_BODY)
    edited.refresh_from_db()
    assert edited.body == "Un avis sur le port."


def test_import_path_drops_lone_surrogates(comments_article):
    comment = comment_import(
        target=comments_article,
        source="wxr\ud800",
        external_id="9\udfff",
        body=SURROGATE_BODY,
        author_name="Ano\ud800nyme",
        author_email="x\ud800@example.org",
        author_url="https://ex\ud800.ma",
        submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    ).comment
    comment.refresh_from_db()
    assert (comment.source, comment.external_id) == ("wxr", "9")
    assert (comment.body, comment.author_name) == ("Un avis sur le port.", "Anonyme")
    assert (comment.author_email, comment.author_url) == (
        "x@example.org",
        "https://ex.ma",
    )


def test_flag_path_drops_lone_surrogates(comments_article):
    from manchette.comments.flags import comment_flag
    from tests.factories import CommentFactory

    comment = CommentFactory(target=comments_article)
    flag = comment_flag(
        comment=comment, reason="spam", note="voir\ud800 ici", flagger="f" * 64
    ).flag
    assert flag.note == "voir ici"


INVISIBLE = [
    "\u200b\u200b\u200b\u2060",
    "\u200b \u200d\ufeff",
    "\u3164",
    "\u00ad\n\u2800",
]


@pytest.mark.parametrize("value", INVISIBLE)
def test_cleaners_turn_invisible_only_values_into_empty(value):
    assert clean_text(value) == ""
    assert clean_name(value) == ""
    # Joiners inside visible text stay (Persian, Arabic, emoji need them).
    assert clean_text("سلام\u200cعليكم") == "سلام\u200cعليكم"
    assert clean_name("Rim\u200d") == "Rim\u200d"


@pytest.mark.django_db
@pytest.mark.parametrize("value", INVISIBLE)
def test_invisible_only_body_or_name_is_refused_on_every_write_path(
    client, comments_article, value
):
    form_body = client.post(
        reverse("comments:post"), form_data(comments_article, body=value)
    )
    form_name = client.post(
        reverse("comments:post"),
        form_data(comments_article, author_name=value, author_email="n@example.org"),
    )
    api = client.post(
        f"/api/v1/pages/{comments_article.pk}/comments",
        {
            "body": value,
            "author_name": "Rim",
            "author_email": "rim@example.org",
            "token": form_data(comments_article)["security_token"],
        },
        content_type="application/json",
    )
    with pytest.raises(CommentRejectedError):
        comment_submit(
            target=comments_article,
            body=value,
            author_name="Rim",
            author_email="rim@example.org",
        )

    assert form_body.status_code == 400
    assert form_name.status_code == 400
    assert api.status_code == 422
    assert not Comment.objects.exists()
