"""A reader comments and replies, a moderator approves from the keyboard.

Real Chromium against pytest-django's live server; the form goes through its
no-JavaScript path or ``comments.js``, whichever the page offers.
"""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from manchette.comments.abstracts import CommentStatus
from manchette.comments.models import Comment
from tests.browser.flows import (
    MIN_SUBMIT_SECONDS,
    READER_PAUSE_MS,
    approve_all_with_keyboard,
    post_comment,
)
from tests.browser.helpers import ExecutionWatch, screenshot
from tests.factories import (
    ArticlePageFactory,
    CommentFactory,
    ModeratorFactory,
    SectionPageFactory,
    build_comment_article,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELD = {"fr": "en attente de modération", "ar": "بانتظار المراجعة"}


@pytest.fixture
def reader_settings(settings, rules_only_engine, clear_cache):
    """Short form delays; no model, so the engine holds every comment."""
    settings.COMMENTS_MIN_SUBMIT_SECONDS = MIN_SUBMIT_SECONDS
    settings.COMMENTS_FLOOD_SECONDS = 1
    return settings


def _comments_of(article):
    content_type = ContentType.objects.get_for_model(article)
    return Comment.objects.filter(content_type=content_type, object_pk=str(article.pk))


def test_reader_flow_comment_and_reply_are_held_then_approved_by_keyboard(
    chromium, browser_page, live_server, reader_settings
):
    article = build_comment_article()
    other = CommentFactory(target=article, author_name="Karim", body="Premier avis.")
    moderator: Any = ModeratorFactory()
    page = browser_page
    watch = ExecutionWatch().attach(page)
    url = live_server.url + article.url

    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "ltr"
    own = post_comment(
        page,
        body="Le nouveau quai change tout pour les pêcheurs du port.",
        name="Nadia",
        email="nadia@example.org",
    )
    assert HELD["fr"] in own.inner_text()
    assert "comment-held" in (own.get_attribute("class") or "")
    reply = post_comment(
        page,
        body="Je ne suis pas d'accord avec Karim sur les horaires.",
        name="Nadia",
        email="nadia@example.org",
        reply_to=other.pk,
    )
    assert HELD["fr"] in reply.inner_text()
    # The reply sits in Karim's thread.
    assert page.locator(f"#comment-{other.pk} .children li.comment").count() == 1
    stored = {c.body: c for c in _comments_of(article).exclude(pk=other.pk)}
    assert len(stored) == 2
    assert {c.status for c in stored.values()} == {CommentStatus.PENDING}
    assert stored["Je ne suis pas d'accord avec Karim sur les horaires."].parent_id == (
        other.pk
    )

    approved = approve_all_with_keyboard(
        chromium, live_server.url, username=moderator.username, expected=2
    )

    assert sorted(approved) == sorted(c.pk for c in stored.values())
    assert set(_comments_of(article).values_list("status", flat=True)) == {
        CommentStatus.APPROVED
    }
    page.reload()
    for comment in stored.values():
        shown = page.locator(f"#comment-{comment.pk}")
        assert comment.body in shown.inner_text()
        assert HELD["fr"] not in shown.inner_text()
    # A stranger's browser shows them too: they are public now.
    stranger = chromium.new_page()
    stranger.goto(url)
    for comment in stored.values():
        assert comment.body in stranger.locator(f"#comment-{comment.pk}").inner_text()
    stranger.close()
    screenshot(page, "reader-flow-fr")
    assert watch.executed(page) == []


def test_reader_flow_arabic_page_and_mixed_comments_have_the_right_direction(
    chromium, browser_page, live_server, reader_settings, arabic_home
):
    section = SectionPageFactory(parent=arabic_home, title="مجتمع", slug="mujtama")
    article = ArticlePageFactory(parent=section, title="ميناء طنجة يتوسع", slug="mina")
    moderator: Any = ModeratorFactory()
    page = browser_page
    url = live_server.url + article.url
    assert article.url.startswith("/ar/")

    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    arabic_first = "أعجبني هذا المقال كثيرا، merci pour ce reportage sur le port."
    french_first = "Très bon article sur le port, شكرا جزيلا للصحفية."
    first = post_comment(
        page, body=arabic_first, name="سلمى", email="salma@example.org"
    )
    assert HELD["ar"] in first.inner_text()
    post_comment(page, body=french_first, name="Julien", email="julien@example.org")

    # The moderator of the Arabic edition types on an Arabic keyboard layout.
    approve_all_with_keyboard(
        chromium,
        live_server.url,
        username=moderator.username,
        expected=2,
        layout="ar",
    )
    page.reload()

    for text, direction in ((arabic_first, "rtl"), (french_first, "ltr")):
        body = page.locator(".comment-content", has_text=text[:20])
        assert body.get_attribute("dir") == "auto"
        assert body.evaluate("el => getComputedStyle(el).direction") == direction
        assert body.evaluate(f"el => el.matches(':dir({direction})')")
        assert HELD["ar"] not in body.locator("xpath=..").inner_text()
    # The author's name is isolated, so an Arabic name cannot reorder the meta line.
    assert page.locator("bdi", has_text="سلمى").count() == 1
    screenshot(page, "reader-flow-ar")


def test_reader_flow_refused_comment_posted_in_place_shows_the_statement(
    browser_page, live_server, settings, clear_cache
):
    """comments.js tells a refused author what the no-JS page tells them."""
    settings.COMMENTS_MIN_SUBMIT_SECONDS = MIN_SUBMIT_SECONDS
    article = build_comment_article()
    page = browser_page
    watch = ExecutionWatch().attach(page)
    page.goto(live_server.url + article.url)
    form = page.locator("#commentform")
    form.locator("[name=body]").fill("Tais-toi, espèce de connard, t'es qu'un abruti.")
    form.locator("[name=author_name]").fill("Marc")
    form.locator("[name=author_email]").fill("marc@example.org")
    page.wait_for_timeout(READER_PAUSE_MS)
    with page.expect_response(lambda r: r.url.endswith("/comments/post/")):
        form.locator("button[type=submit]").click()

    status = page.locator("[data-comment-status]")
    status.locator(".moderation-notice").wait_for()
    assert page.url == live_server.url + article.url  # posted in place
    text = status.inner_text()
    assert "n'a pas été publié" in text
    assert "insultes ou attaques personnelles" in text
    assert HELD["fr"] not in page.inner_text("body")
    assert status.locator("a[href*='/moderation/appeal/']").count() == 1
    assert page.locator("li.comment").count() == 0  # not shown, as without JS
    assert _comments_of(article).get().status == CommentStatus.REJECTED
    assert watch.executed(page) == []
