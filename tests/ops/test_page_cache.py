"""The anonymous page cache stays correct when comments and pages change."""

import dataclasses
import os
import re
import sys
import threading
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client, override_settings
from django.utils import translation

from manchette.comments.models import Comment, CommentStatus
from manchette.comments.services import comment_publish, comment_set_status
from tests.factories import CommentFactory

CSP = "django.middleware.csp.ContentSecurityPolicyMiddleware"
_at = settings.MIDDLEWARE.index(CSP) + 1
WITH_CACHE = [
    *settings.MIDDLEWARE[:_at],
    "manchette.ops.caching.PageCacheMiddleware",
    *settings.MIDDLEWARE[_at:],
]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache"),
]


@pytest.fixture(autouse=True)
def _page_cache():
    with override_settings(MIDDLEWARE=WITH_CACHE, OPS_PAGE_CACHE=True):
        yield


def _view(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return response, response.content.decode()


def _assert_stale_then_fresh(url: str, added: str) -> None:
    """Assert one view gets the page without ``added`` (stale), the next with it."""
    stale, html = _view(Client(), url)
    assert stale["X-Page-Cache"] == "stale"
    assert added not in html
    fresh, html = _view(Client(), url)
    assert fresh["X-Page-Cache"] == "hit"
    assert added in html


def test_page_cache_serves_second_anonymous_view_from_cache(comments_article):
    url = comments_article.url
    first, _ = _view(Client(), url)
    second, _ = _view(Client(), url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"


def test_page_cache_approve_shows_and_reject_hides_comment(
    comments_article, django_capture_on_commit_callbacks
):
    held: Comment = CommentFactory(
        target=comments_article,
        status=CommentStatus.PENDING,
        body="Une remarque retenue sur les quais.",
    )
    url = comments_article.url
    _view(Client(), url)
    cached, html = _view(Client(), url)
    assert cached["X-Page-Cache"] == "hit"
    assert "Une remarque retenue" not in html

    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=held)
    # An approval only adds to the page: one more reader may get the previous
    # version while the new one renders (after that reader's answer is sent).
    after_approve, html = _view(Client(), url)
    assert after_approve["X-Page-Cache"] == "stale"
    next_view, html = _view(Client(), url)
    assert next_view["X-Page-Cache"] == "hit"
    assert "Une remarque retenue" in html

    # A rejection removes: the very next view renders it, nobody gets stale.
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=held, status=CommentStatus.REJECTED)
    after_reject, html = _view(Client(), url)
    assert after_reject["X-Page-Cache"] == "miss"
    assert "Une remarque retenue" not in html
    hit, html = _view(Client(), url)
    assert hit["X-Page-Cache"] == "hit"
    assert "Une remarque retenue" not in html


def test_page_cache_purged_when_page_is_republished(
    comments_article, django_capture_on_commit_callbacks
):
    url = comments_article.url
    _view(Client(), url)
    comments_article.title = "Un titre corrigé"
    with django_capture_on_commit_callbacks(execute=True):
        comments_article.save_revision().publish()

    response, html = _view(Client(), url)
    assert response["X-Page-Cache"] == "miss"
    assert "Un titre corrigé" in html


def test_page_cache_bypassed_with_session_or_author_cookie(comments_article):
    url = comments_article.url
    _view(Client(), url)

    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    remembered = Client()
    remembered.cookies["comment_author"] = "x"

    assert "X-Page-Cache" not in _view(with_session, url)[0]
    assert "X-Page-Cache" not in _view(remembered, url)[0]


def test_page_cache_hit_carries_fresh_csrf_and_form_tokens(comments_article):
    url = comments_article.url
    _view(Client(), url)
    reader = Client()
    response, html = _view(reader, url)
    again, html_again = _view(reader, url)

    assert response["X-Page-Cache"] == again["X-Page-Cache"] == "hit"
    token = re.search(r'name="security_token" value="([^"]+)"', html)
    token_again = re.search(r'name="security_token" value="([^"]+)"', html_again)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    assert token_again
    assert csrf
    assert token[1] != token_again[1]  # a new nonce and timestamp per view
    assert settings.CSRF_COOKIE_NAME in reader.cookies


def test_page_cache_disabled_by_setting(comments_article):
    url = comments_article.url
    with override_settings(OPS_PAGE_CACHE=False):
        _view(Client(), url)
        response, _ = _view(Client(), url)
    assert "X-Page-Cache" not in response


def test_page_cache_other_query_parameters_bypass(comments_article):
    url = comments_article.url
    _view(Client(), url)
    assert "X-Page-Cache" not in _view(Client(), url + "?replytocom=1")[0]
    assert _view(Client(), url + "?utm_source=x")[0]["X-Page-Cache"] == "hit"


def test_page_cache_hit_form_posts_with_csrf_enforced(
    comments_article, no_comment_receivers
):
    url = comments_article.url
    _view(Client(), url)
    reader = Client(enforce_csrf_checks=True)
    response, html = _view(reader, url)
    assert response["X-Page-Cache"] == "hit"
    action = re.search(r'<form action="([^"]+)" method="post" id="commentform"', html)
    hidden = r'<input type="hidden" name="([^"]+)" value="([^"]*)"'
    fields = dict(re.findall(hidden, html))
    assert action
    assert "csrfmiddlewaretoken" in fields

    posted = reader.post(
        action[1],
        {
            **fields,
            "body": "Un avis posté depuis une page en cache.",
            "author_name": "Inès",
            "author_email": "ines@example.org",
        },
    )

    assert posted.status_code in {200, 302, 303}, posted.content[:300]
    assert Comment.objects.filter(body__startswith="Un avis posté").exists()


def test_page_cache_local_copy_served_while_version_unchanged(
    comments_article, clear_cache, django_capture_on_commit_callbacks
):
    url = comments_article.url
    _view(Client(), url)  # miss: stored in the shared cache
    _view(Client(), url)  # hit: copied into this process
    assert clear_cache.delete(f"ops:page:testserver:{url}?")  # the shared entry

    from_local, _html = _view(Client(), url)
    assert from_local["X-Page-Cache"] == "hit"

    held: Comment = CommentFactory(
        target=comments_article, status=CommentStatus.PENDING, body="Retenue au port."
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=held)
    # An approval only adds: this reader gets the local copy once more, and
    # its answer's close() renders the new version for the next one.
    _assert_stale_then_fresh(url, "Retenue au port.")


def test_page_cache_local_copy_off_with_zero_budget(comments_article, clear_cache):
    url = comments_article.url
    with override_settings(OPS_PAGE_CACHE_LOCAL_BYTES=0):
        _view(Client(), url)
        _view(Client(), url)
        assert clear_cache.delete(f"ops:page:testserver:{url}?")
        response, _html = _view(Client(), url)
    assert response["X-Page-Cache"] == "miss"


def test_page_cache_hits_get_distinct_form_tokens_in_every_form_field(
    comments_article,
):
    url = comments_article.url
    _view(Client(), url)
    tokens = set()
    for _ in range(3):
        _response, html = _view(Client(), url)
        found = re.findall(r'name="security_token" value="([^"]+)"', html)
        assert found
        assert all(token == found[0] for token in found)  # one token per page
        tokens.add(found[0])
    assert len(tokens) == 3


def test_page_cache_closing_the_page_mode_drops_the_form(
    comments_article, admin_user, django_capture_on_commit_callbacks
):
    from manchette.moderation.models import TargetMode
    from manchette.moderation.services import set_target_mode

    url = comments_article.url
    _view(Client(), url)
    cached, html = _view(Client(), url)
    assert cached["X-Page-Cache"] == "hit"
    assert 'name="security_token"' in html
    with django_capture_on_commit_callbacks(execute=True):
        set_target_mode(
            target=comments_article, mode=TargetMode.CLOSED, moderator=admin_user
        )

    after, html = _view(Client(), url)
    assert after["X-Page-Cache"] == "miss"
    assert 'name="security_token"' not in html


def test_page_cache_kept_when_a_held_comment_without_replies_becomes_spam(
    comments_article, django_capture_on_commit_callbacks
):
    # The engine's usual verdict in a spam wave: nothing strangers see changes,
    # so the cached page (and the CDN's copy) stays.
    held = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    url = comments_article.url
    _view(Client(), url)
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=held, status=CommentStatus.SPAM)
    still, _html = _view(Client(), url)
    assert still["X-Page-Cache"] == "hit"


def test_page_cache_dropped_when_a_held_comment_with_a_reply_becomes_spam(
    comments_article, django_capture_on_commit_callbacks
):
    # A held comment with an approved reply shows as a placeholder; as spam it
    # disappears and the reply starts its own thread: strangers see a change.
    held = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    CommentFactory(parent=held, body="Une réponse publiée sous un avis retenu.")
    url = comments_article.url
    _view(Client(), url)
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=held, status=CommentStatus.SPAM)
    after, html = _view(Client(), url)
    assert after["X-Page-Cache"] == "miss"
    assert "Une réponse publiée sous un avis retenu." in html


def _entry_key(url: str) -> str:
    from django.test import RequestFactory

    from manchette.ops.caching import _cacheable_request

    key = _cacheable_request(RequestFactory().get(url))
    assert key is not None
    return key


def test_page_cache_serves_previous_version_while_another_request_renders(
    comments_article, django_capture_on_commit_callbacks
):
    from manchette.ops.caching import refresh_key

    held = CommentFactory(
        target=comments_article,
        status=CommentStatus.PENDING,
        body="Un avis qui attendait sa validation.",
    )
    url = comments_article.url
    _view(Client(), url)
    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=held)

    # Another request holds the refresh: readers get the previous version and
    # none of them renders the page again.
    refreshing = refresh_key(_entry_key(url))
    cache.add(refreshing, 1, timeout=5)
    for _ in range(3):
        stale, html = _view(Client(), url)
        assert stale["X-Page-Cache"] == "stale"
        assert "Un avis qui attendait sa validation." not in html
    assert cache.get(refreshing) == 1  # still the other request's

    # Once nobody renders it, the next reader takes the refresh: answered with
    # the previous version, it renders the new one after its answer is sent,
    # and frees the refresh.
    cache.delete(refreshing)
    taker, _html = _view(Client(), url)
    assert taker["X-Page-Cache"] == "stale"
    assert cache.get(refreshing) is None
    fresh, html = _view(Client(), url)
    assert fresh["X-Page-Cache"] == "hit"
    assert "Un avis qui attendait sa validation." in html


def test_page_cache_removal_is_never_served_stale(
    comments_article, django_capture_on_commit_callbacks
):
    from manchette.ops.caching import refresh_key

    shown = CommentFactory(
        target=comments_article, body="Un avis publié puis retiré par la modération."
    )
    url = comments_article.url
    assert "publié puis retiré" in _view(Client(), url)[1]
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=shown, status=CommentStatus.REJECTED)
    # Even while another request holds the refresh, nobody gets the old page.
    cache.add(refresh_key(_entry_key(url)), 1, timeout=5)
    after, html = _view(Client(), url)
    assert after["X-Page-Cache"] == "miss"
    assert "publié puis retiré" not in html


def test_page_cache_failed_refresh_drops_the_previous_version(
    comments_article, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    from manchette.ops import caching

    held = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    url = comments_article.url
    key = _entry_key(url)
    _view(Client(), url)
    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=held)

    def broken_render(self, request):
        raise RuntimeError("render failed")

    original = caching.PageCacheMiddleware._refresh

    def refresh_with_broken_render(self, request, key, refreshing):
        self.get_response = broken_render.__get__(self)
        original(self, request, key, refreshing)

    monkeypatch.setattr(
        caching.PageCacheMiddleware, "_refresh", refresh_with_broken_render
    )
    stale, _html = _view(Client(), url)
    monkeypatch.undo()
    assert stale["X-Page-Cache"] == "stale"
    assert "refreshing" in caplog.text
    assert cache.get(key) is None
    assert cache.get(caching.refresh_key(key)) is None
    assert _view(Client(), url)[0]["X-Page-Cache"] == "miss"


def test_page_cache_unpublished_page_is_never_served_stale(
    comments_article, django_capture_on_commit_callbacks
):
    from manchette.ops.caching import refresh_key

    url = comments_article.url
    key = _entry_key(url)
    _view(Client(), url)
    with django_capture_on_commit_callbacks(execute=True):
        comments_article.unpublish()
    # The request that renders after the unpublication finds no page and drops
    # the previous version, so later requests cannot be served it even while
    # another request holds the refresh.
    assert Client().get(url).status_code == 404
    cache.add(refresh_key(key), 1, timeout=5)
    assert Client().get(url).status_code == 404
    assert cache.get(key) is None


def test_page_cache_approval_after_a_rejection_is_not_served_stale(
    comments_article, django_capture_on_commit_callbacks
):
    # A removal followed by an approval: the previous version still holds the
    # removed comment, so nobody may get it, even though the last change only
    # added something.
    shown = CommentFactory(
        target=comments_article, body="Un avis publié puis refusé par la modération."
    )
    held = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    url = comments_article.url
    assert "publié puis refusé" in _view(Client(), url)[1]
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=shown, status=CommentStatus.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=held)

    after, html = _view(Client(), url)
    assert after["X-Page-Cache"] == "miss"
    assert "publié puis refusé" not in html


def test_page_cache_local_copy_expires_with_the_shared_entry(
    comments_article, clear_cache
):
    import time_machine

    url = comments_article.url
    with (
        time_machine.travel(
            datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False
        ) as clock,
        override_settings(OPS_PAGE_CACHE_SECONDS=600),
    ):
        _view(Client(), url)  # miss: stored in the shared cache
        _view(Client(), url)  # hit: copied into this process
        # The shared entry is gone (expired); the local copy is as old.
        assert clear_cache.delete(_entry_key(url))
        clock.shift(601)
        after, _html = _view(Client(), url)
    assert after["X-Page-Cache"] == "miss"


def test_page_cache_restricted_page_is_not_served_from_the_cache(
    comments_article, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    url = comments_article.url
    _view(Client(), url)
    body = comments_article.title
    assert body in _view(Client(), url)[1]
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=comments_article,
            restriction_type=PageViewRestriction.PASSWORD,
            password="secret-de-redaction",
        )

    response = Client().get(url)
    assert response.get("X-Page-Cache") != "hit"
    assert response.get("X-Page-Cache") != "stale"
    assert 'name="password"' in response.content.decode()


def test_page_cache_local_copy_of_another_page_at_the_same_url_is_replaced(
    comments_article,
):
    from manchette.ops import caching

    url = comments_article.url
    _view(Client(), url)  # miss: stored in the shared cache
    stored = cache.get(_entry_key(url))
    # A copy this process kept of another page once served at this URL.
    caching._local.put(
        _entry_key(url),
        dataclasses.replace(stored, pk=stored.pk + 1000, version="old"),
        16 * 1024 * 1024,
    )
    assert _view(Client(), url)[0]["X-Page-Cache"] == "hit"
    assert _view(Client(), url)[0]["X-Page-Cache"] == "hit"


def test_page_cache_outdated_local_copy_stands_for_the_same_shared_entry(
    comments_article, django_capture_on_commit_callbacks
):
    from manchette.ops.caching import stored_key

    url = comments_article.url
    _view(Client(), url)  # miss: stored in the shared cache
    _view(Client(), url)  # hit: copied into this process
    held: Comment = CommentFactory(
        target=comments_article, status=CommentStatus.PENDING, body="Vu du balcon."
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=held)
    # The shared body is not read while the version stored next to it is the
    # local copy's: with the body gone, the local copy is still served stale.
    assert cache.get(stored_key(_entry_key(url)))
    assert cache.delete(_entry_key(url))
    # That answer's close() stores the new rendering and its version: the
    # outdated local copy gives way to it.
    _assert_stale_then_fresh(url, "Vu du balcon.")


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's"
)
@pytest.mark.django_db(transaction=True)
def test_page_cache_refresh_renders_in_a_thread_of_lower_cpu_priority(
    comments_article, settings
):
    from wagtail import hooks

    settings.OPS_PAGE_CACHE_REFRESH_NICE = 7
    renders: list[tuple[int, int, str]] = []
    opened = []

    def record(page, request, serve_args, serve_kwargs):
        opened.append(connections["default"])
        renders.append(
            (
                threading.get_native_id(),
                os.getpriority(os.PRIO_PROCESS, 0),  # this thread's, on Linux
                translation.get_language(),
            )
        )

    held = CommentFactory(
        target=comments_article,
        status=CommentStatus.PENDING,
        body="Un avis rendu par un fil moins prioritaire.",
    )
    url = comments_article.url
    worker = (threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0))
    with hooks.register_temporarily("before_serve_page", record):
        assert _view(Client(), url)[0]["X-Page-Cache"] == "miss"
        comment_publish(comment=held)  # committed at once: a transactional test
        stale, html = _view(Client(), url)
        fresh, fresh_html = _view(Client(), url)

    assert stale["X-Page-Cache"] == "stale"
    assert "moins prioritaire" not in html
    assert fresh["X-Page-Cache"] == "hit"
    assert "moins prioritaire" in fresh_html
    (miss_thread, miss_nice, _), (refresh_thread, refresh_nice, language) = renders
    assert (miss_thread, miss_nice) == worker  # the first render: inline
    assert refresh_thread != worker[0]
    assert refresh_nice == min(19, worker[1] + 7)
    assert language == "fr"  # the reader's language, though another thread
    assert os.getpriority(os.PRIO_PROCESS, 0) == worker[1]  # the worker's own
    # Django keeps an in-memory SQLite database open when asked to close it
    # (the thread closed its connections); close the refresh thread's for good.
    in_memory = getattr(connections["default"], "is_in_memory_db", lambda: False)()
    if in_memory and opened[-1].connection is not None:
        opened[-1].connection.close()
