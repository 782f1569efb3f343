"""The comment list fragment: reused across readers, refreshed with the thread."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import now

from manchette.comments.models import Comment, CommentStatus
from manchette.comments.privacy_requests import erase_email
from manchette.comments.services import comment_publish, comment_set_status
from manchette.comments.templatetags.comments import comment_context
from manchette.comments.tokens import grant_edit_token
from tests.comments.helpers import form_data
from tests.comments.test_hostile import BIDI, HOSTILE_NAME, SCRIPT_BODY
from tests.factories import CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]

COMMENT_TABLE = 'FROM "comments_comment"'


@pytest.fixture(autouse=True)
def _fragment_cache():
    with override_settings(OPS_FRAGMENT_CACHE=True):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the version bump) of the block at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _comment(**fields) -> Comment:
    comment: Comment = CommentFactory(**fields)
    return comment


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _render_section(article, *, lang="fr", session=None):
    request = RequestFactory().get(article.url)
    request.session = session if session is not None else SessionStore()
    request.user = AnonymousUser()
    with translation.override(lang):
        return Template("{% load comments %}{% comment_section page %}").render(
            Context({"page": article, "request": request})
        )


def _list_of(html: str) -> str:
    return html.split("data-comment-list>", 1)[1].split('id="respond"', 1)[0]


def _comment_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _html(client, url)
    return [q["sql"] for q in captured if COMMENT_TABLE in q["sql"]]


def test_comment_fragment_serves_list_without_comment_query(comments_article):
    CommentFactory.create_batch(3, target=comments_article, body="Un avis du port.")
    url = comments_article.url
    first = _comment_queries(Client(), url)
    second_client = Client()
    second = _comment_queries(second_client, url)

    assert len(first) == 1  # the thread query, once, on the miss
    assert second == []
    assert _html(second_client, url).count("Un avis du port.") == 3


def test_comment_fragment_approve_shows_and_reject_hides(comments_article, commit):
    held = _comment(
        target=comments_article,
        status=CommentStatus.PENDING,
        body="Une remarque retenue sur la corniche.",
    )
    url = comments_article.url
    assert "Une remarque retenue" not in _html(Client(), url)
    assert "0 réponse" in _html(Client(), url)

    with commit():
        comment_publish(comment=held)
    html = _html(Client(), url)
    assert "Une remarque retenue" in html
    assert "1 réponse" in html
    assert _comment_queries(Client(), url) == []  # cached again

    with commit():
        comment_set_status(comment=held, status=CommentStatus.REJECTED)
    html = _html(Client(), url)
    assert "Une remarque retenue" not in html
    assert "0 réponse" in html


def test_comment_fragment_never_serves_reader_a_held_comment_to_b(
    client, comments_article
):
    _comment(target=comments_article, body="Un avis public.")
    url = comments_article.url
    reader_b = Client()
    _html(reader_b, url)  # the shared fragment exists before A posts

    response = client.post(
        reverse("comments:post"),
        form_data(comments_article, body="Ma remarque encore retenue."),
    )
    assert response.status_code == 302
    held = Comment.objects.get(body="Ma remarque encore retenue.")
    assert held.status == CommentStatus.PENDING

    html_a = _html(client, url)
    assert "Ma remarque encore retenue." in html_a
    assert f'id="comment-{held.pk}" class="comment depth-1 comment-held"' in html_a
    html_b = _html(reader_b, url)
    assert "Ma remarque encore retenue." not in html_b
    assert "Un avis public." in html_b
    html_c = _html(Client(), url)  # a reader arriving after A's personal render
    assert "Ma remarque encore retenue." not in html_c
    assert "comment-held" not in html_c


def test_comment_fragment_edit_links_only_for_author(comments_article):
    author_session = SessionStore()
    own = _comment(
        target=comments_article, body="Mon avis modifiable.", submitted_at=now()
    )
    other = _comment(target=comments_article, body="Un autre avis.")
    shared = _render_section(comments_article)  # stores the fragment
    author_request = RequestFactory().get(comments_article.url)
    author_request.session = author_session
    grant_edit_token(author_request, own)

    mine = _render_section(comments_article, session=author_session)
    assert reverse("comments:edit", args=[own.pk]) in mine
    assert reverse("comments:edit", args=[other.pk]) not in mine
    for html in (shared, _render_section(comments_article)):
        assert "comment-edit-link" not in html
        assert reverse("comments:flag", args=[own.pk]) in html


def test_comment_fragment_keeps_form_personal(comments_article):
    _comment(target=comments_article)
    url = comments_article.url
    remembered = Client()
    response = remembered.post(
        reverse("comments:post"),
        form_data(comments_article, author_name="Nadia", remember="on"),
    )
    assert response.status_code == 302
    anonymous = Client()
    html_anonymous = _html(anonymous, url)
    html_remembered = _html(remembered, url)

    assert 'value="Nadia"' in html_remembered
    assert 'value="Nadia"' not in html_anonymous
    tokens = re.findall(r'name="security_token" value="([^"]+)"', html_anonymous)
    assert len(tokens) == 1
    csrf_a = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_anonymous)
    csrf_b = re.findall(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', _html(Client(), url)
    )
    assert csrf_a
    assert csrf_a != csrf_b


def test_comment_fragment_per_language(comments_article):
    _comment(target=comments_article)
    french = _render_section(comments_article, lang="fr")
    arabic = _render_section(comments_article, lang="ar")
    assert "Répondre" in french
    assert "ردّ" in arabic or "رد" in arabic
    assert "Répondre" not in arabic
    assert "Répondre" in _render_section(comments_article, lang="fr")


def test_comment_fragment_per_comment_page(comments_article):
    for n in range(3):
        _comment(target=comments_article, body=f"Fil numéro {n}.")
    with override_settings(COMMENTS_PER_PAGE=2):
        first = _html(Client(), comments_article.url)
        second = _html(Client(), comments_article.url + "?cpage=2")
        beyond = _html(Client(), comments_article.url + "?cpage=99")
    assert "Fil numéro 0." in first
    assert "Fil numéro 2." not in first
    assert "Fil numéro 2." in second
    assert "Fil numéro 0." not in second
    assert "Fil numéro 2." in beyond  # clamped to the last page


def test_comment_fragment_refreshed_when_comment_deleted(comments_article, commit):
    gone = _comment(target=comments_article, body="Un avis bientôt effacé.")
    url = comments_article.url
    assert "Un avis bientôt effacé." in _html(Client(), url)
    with commit():
        gone.delete()
    assert "Un avis bientôt effacé." not in _html(Client(), url)


def test_comment_fragment_refreshed_when_author_erased(comments_article, commit):
    _comment(
        target=comments_article,
        author_name="Samira Benali",
        author_email="samira@example.org",
        body="Un avis signé.",
    )
    url = comments_article.url
    assert "Samira Benali" in _html(Client(), url)
    with commit():
        erase_email("samira@example.org")
    html = _html(Client(), url)
    assert "Samira Benali" not in html
    assert "Un avis signé." in html


def test_comment_fragment_refreshed_when_comments_closed(comments_article, commit):
    _comment(target=comments_article)
    url = comments_article.url
    assert 'class="comment-reply-link"' in _html(Client(), url)
    comments_article.comments_enabled = False
    with commit():
        comments_article.save_revision().publish()
    html = _html(Client(), url)
    assert 'class="comment-reply-link"' not in html
    assert 'id="commentform"' not in html


def test_comment_fragment_off_when_setting_false(comments_article):
    _comment(target=comments_article)
    url = comments_article.url
    with override_settings(OPS_FRAGMENT_CACHE=False):
        _html(Client(), url)
        assert len(_comment_queries(Client(), url)) == 1


def test_comment_fragment_neutralises_hostile_rows(comments_article):
    _comment(
        target=comments_article,
        body=SCRIPT_BODY + BIDI + " javascript:alert(1) https://ex.ma/?a=1&b=2",
        author_name=HOSTILE_NAME[:-1],
        author_url="https://ex.ma",
    )
    miss = _render_section(comments_article)
    hit = _render_section(comments_article)
    assert _list_of(miss) == _list_of(hit)
    for html in (miss, hit):
        assert "<script>alert" not in html
        assert "<svg" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;" in html
        assert "&lt;svg onload=alert(1)&gt;" in html
        assert (
            '<a href="https://ex.ma/?a=1&amp;b=2" rel="nofollow ugc noopener">' in html
        )
        assert not set(BIDI) & set(html.split('class="comment-content"')[1])


def test_comment_node_template_matches_list_markup(comments_article):
    root = _comment(
        target=comments_article, author_url="https://exemple.ma", author_name="Ali"
    )
    html = _render_section(comments_article)
    with translation.override("fr"):
        single = render_to_string(
            "comments/comment.html",
            comment_context(
                None, target=comments_article, comment=root, own_pending=False
            ),
        ).strip()
    assert single.startswith(f'<li id="comment-{root.pk}" class="comment depth-1">')
    assert single in html


def test_comment_form_skeleton_matches_full_render(comments_article):
    from manchette.comments.templatetags.comments import _form_context

    CommentFactory(target=comments_article)
    with override_settings(COMMENTS_PER_PAGE=1):
        CommentFactory(target=comments_article)
        html = _html(Client(), comments_article.url + "?cpage=2")
    csrf = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[0]
    token = re.findall(r'name="security_token" value="([^"]+)"', html)[0]
    with translation.override("fr"):
        context = _form_context(None, comments_article, None)
        context.update(
            {"csrf_token": csrf, "security_token": token, "cancel_url": "?cpage=2"}
        )
        full = render_to_string("comments/form.html", context).strip()
    assert 'href="?cpage=2#respond"' in full
    assert full in html


def test_comment_form_tokens_fresh_per_reader(comments_article):
    url = comments_article.url
    first, second = _html(Client(), url), _html(Client(), url)
    pattern = r'name="security_token" value="([^"]+)"'
    assert re.findall(pattern, first) != re.findall(pattern, second)
    assert "sentinel" not in first + second


@pytest.mark.parametrize("multiline", [True, False])
def test_strip_unsafe_matches_control_categories_for_every_code_point(multiline):
    import unicodedata

    from manchette.comments.sanitize import BIDI_CONTROLS, strip_unsafe

    def reference(char):
        if char in BIDI_CONTROLS:
            return ""
        if char == "\n" and multiline:
            return char
        if char == "\t":
            return " "
        if unicodedata.category(char) == "Cc":
            return " " if char in "\n\r\v\f\x85" else ""
        if char in "\u2028\u2029":
            return "\n" if multiline else " "
        return char

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    expected = "".join(reference(c) for c in chars)
    assert strip_unsafe("".join(chars), multiline=multiline) == expected
