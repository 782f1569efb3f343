"""Double posts, single-use form tokens and the per-IP budget (issue #3).

The concurrent tests run two real requests in two threads against the test
database: the first request is held inside its transaction (a
``comment_submitted`` receiver, the moderation hook) until the second one has
reached the point where it waits for the first, so the interleaving is the
worst one, every time.
"""

import datetime as dt
import logging
import threading
import time
from typing import Any, override

import pytest
from django.db import connections
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from manchette.comments.abstracts import CommentStatus
from manchette.comments.errors import FormTokenUsedError
from manchette.comments.flood import ip_budget_network, spend_ip_budget
from manchette.comments.forms import make_security_token, read_security_token
from manchette.comments.models import Comment
from manchette.comments.services import comment_set_status, comment_submit
from manchette.comments.signals import comment_submitted
from manchette.comments.submissions import claim_submission, submission_keys
from manchette.comments.web import client_ip
from tests.comments.helpers import form_data

pytestmark = pytest.mark.usefixtures("clear_cache", "no_comment_receivers")

JSON: dict[str, Any] = {"HTTP_ACCEPT": "application/json"}
CACHE_SESSIONS = "django.contrib.sessions.backends.cache"


def post_url():
    return reverse("comments:post")


def api_url(page):
    return reverse("api:comments_create", kwargs={"page_id": page.pk})


def api_payload(page, **overrides):
    data = {
        "body": "Une remarque posée sur le chantier du port.",
        "author_name": "Nadia",
        "author_email": "nadia@example.org",
        "token": make_security_token(page, issued_at=time.time() - 10),
    }
    data.update(overrides)
    return data


class _Waiting(logging.Handler):
    """Set ``event`` when a request starts waiting for its in-flight twin."""

    def __init__(self, event):
        super().__init__(level=logging.DEBUG)
        self.event = event

    @override
    def emit(self, record):
        if "in-flight" in record.getMessage():
            self.event.set()


def _close_thread_connections():
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.connection is not None:
            # Django keeps in-memory test databases open on close(); this
            # thread's own handle must go (the main thread keeps the database).
            connection.connection.close()
            connection.connection = None
        connection.close()


def run_twins(first_request, twin_request):
    """Run ``first_request`` and, while it is inside its transaction, the twin.

    Return ``(first_response, twin_response, twin_waited)``.
    """
    waiting = threading.Event()
    handler = _Waiting(waiting)
    logger = logging.getLogger("manchette.comments.submissions")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    outcome = {}

    def twin():
        try:
            outcome["twin"] = twin_request()
        finally:
            _close_thread_connections()

    thread = threading.Thread(target=twin)

    def hold(sender, comment, **kwargs):
        # The first comment is inserted, not committed: let the twin arrive.
        thread.start()
        outcome["waited"] = waiting.wait(timeout=20)

    comment_submitted.connect(hold)
    try:
        first = first_request()
    finally:
        comment_submitted.disconnect(hold)
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    thread.join(timeout=30)
    return first, outcome.get("twin"), outcome.get("waited")


# --- 1. simultaneous double post -------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_ENGINE=CACHE_SESSIONS)
def test_simultaneous_double_post_without_js_redirects_both_to_one_comment(
    comments_article,
):
    data = form_data(comments_article)
    first_browser, second_copy = Client(), Client()

    first, twin, waited = run_twins(
        lambda: first_browser.post(post_url(), data),
        lambda: second_copy.post(post_url(), data),
    )

    assert waited is True  # the twin arrived while the first was in flight
    comment = Comment.objects.get()
    assert first.status_code == twin.status_code == 302
    assert first["Location"] == twin["Location"]
    assert twin["Location"].endswith(f"#comment-{comment.pk}")
    # The copy holding the same form token is the same reader: whichever
    # session cookie the browser keeps, it shows the held comment and its
    # edit link.
    for browser in (first_browser, second_copy):
        page = browser.get(twin["Location"]).content.decode()
        assert "Votre commentaire est en attente de modération" in page
        assert reverse("comments:edit", args=[comment.pk]) in page


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_ENGINE=CACHE_SESSIONS)
def test_simultaneous_double_post_with_js_returns_the_same_comment(comments_article):
    data = form_data(comments_article)

    first, twin, waited = run_twins(
        lambda: Client().post(post_url(), data, **JSON),
        lambda: Client().post(post_url(), data, **JSON),
    )

    assert waited is True
    assert (first.status_code, twin.status_code) == (201, 200)
    assert first.json()["id"] == twin.json()["id"] == Comment.objects.get().pk
    assert twin.json()["created"] is False
    assert first.json()["url"] == twin.json()["url"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_post_through_the_api_returns_the_same_comment(
    comments_article,
):
    data = api_payload(comments_article)

    def send():
        return Client().post(
            api_url(comments_article), data, content_type="application/json"
        )

    first, twin, waited = run_twins(send, send)

    assert waited is True
    assert (first.status_code, twin.status_code) == (201, 200)
    assert first.json()["id"] == twin.json()["id"] == Comment.objects.get().pk
    assert twin.json()["created"] is False


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_ENGINE=CACHE_SESSIONS)
def test_same_text_from_two_tabs_at_once_is_one_comment(comments_article):
    # Two page views, two form tokens, the same text sent at the same time.
    first_tab = form_data(comments_article)
    second_tab = form_data(comments_article)
    assert first_tab["security_token"] != second_tab["security_token"]

    first, twin, waited = run_twins(
        lambda: Client().post(post_url(), first_tab, **JSON),
        lambda: Client().post(post_url(), second_tab, **JSON),
    )

    assert waited is True
    assert (first.status_code, twin.status_code) == (201, 200)
    assert first.json()["id"] == twin.json()["id"]
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_copy_of_a_flood_refused_post_is_refused_too(client, comments_article):
    """Sending every comment twice must not get the second copy past the limit."""
    assert client.post(post_url(), form_data(comments_article)).status_code == 302
    data = form_data(comments_article, body="Un deuxième avis, bien différent.")

    refused = client.post(post_url(), data, **JSON)
    copy = client.post(post_url(), data, **JSON)

    assert refused.status_code == copy.status_code == 429
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_claim_waits_for_the_first_copy_then_times_out():
    keys = submission_keys(nonce="n1")
    first = claim_submission(keys)
    assert first.first is True

    started = time.monotonic()
    twin = claim_submission(keys, wait=0.2)

    assert (twin.first, twin.timed_out) == (False, True)
    assert time.monotonic() - started >= 0.2
    first.release()
    assert claim_submission(keys, wait=0).first is True


@pytest.mark.django_db
@override_settings(COMMENTS_TWIN_WAIT_SECONDS=0)
def test_copy_still_in_flight_after_the_wait_is_409_not_429(client, comments_article):
    data = form_data(comments_article)
    nonce = read_security_token(data["security_token"])["n"]
    held = claim_submission(submission_keys(nonce=nonce))  # the first, in flight

    response = client.post(post_url(), data, **JSON)

    assert response.status_code == 409
    assert response.json()["code"] == "in_flight"
    assert not Comment.objects.exists()
    held.release()


# --- 2. single-use form tokens -----------------------------------------------


@pytest.mark.django_db
def test_api_token_replayed_with_other_text_is_refused(client, comments_article):
    data = api_payload(comments_article)
    url = api_url(comments_article)
    assert client.post(url, data, content_type="application/json").status_code == 201

    replay = client.post(
        url,
        {**data, "body": "Un tout autre message publicitaire."},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.99",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert replay.status_code == 422
    problem = replay.json()
    assert problem["type"] == "urn:manchette:problem:token_used"
    assert problem["errors"][0]["loc"] == ["body", "token"]
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_token_replays_with_other_text_are_refused_without_reading_comments(
    client, comments_article, django_assert_max_num_queries
):
    # A bot posting many texts with one token: each replay is refused from the
    # cache (the settled claim's fingerprint), not by querying comments.
    data = api_payload(comments_article)
    url = api_url(comments_article)
    assert client.post(url, data, content_type="application/json").status_code == 201
    form = form_data(comments_article)
    assert Client().post(post_url(), form).status_code == 302

    with django_assert_max_num_queries(4) as queries:
        api_replay = client.post(
            url, {**data, "body": "Promo 1"}, content_type="application/json"
        )
        form_replay = Client().post(post_url(), {**form, "body": "Promo 2"}, **JSON)

    assert api_replay.status_code == 422
    assert api_replay.json()["type"] == "urn:manchette:problem:token_used"
    assert form_replay.status_code == 400
    assert form_replay.json()["code"] == "token_used"
    assert not [q for q in queries if "comments_comment" in q["sql"]]
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_api_token_replayed_with_same_text_returns_first_comment(
    client, comments_article
):
    data = api_payload(comments_article)
    url = api_url(comments_article)
    first = client.post(url, data, content_type="application/json")
    # A bot fetching one token and posting many times, another key each time.
    replays = [
        client.post(
            url, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k{i}"
        )
        for i in range(3)
    ]

    assert {r.status_code for r in replays} == {200}
    assert {r.json()["id"] for r in replays} == {first.json()["id"]}
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_form_token_replayed_with_other_text_is_refused(client, comments_article):
    data = form_data(comments_article)
    assert client.post(post_url(), data).status_code == 302

    replay = Client().post(
        post_url(),
        {**data, "body": "Autre chose.", "author_email": "bot@example.org"},
        **JSON,
    )

    assert replay.status_code == 400
    assert replay.json()["code"] == "token_used"
    assert "déjà servi" in replay.json()["message"]
    assert replay.json()["token"]  # a fresh token to send the text again
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_service_refuses_reused_nonce_even_after_duplicate_window(comments_article):
    fields = {
        "target": comments_article,
        "author_name": "Samira",
        "author_email": "samira@example.org",
        "form_nonce": "abc",
    }
    first = comment_submit(body="Premier avis.", **fields).comment
    Comment.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=1)
    )
    again = comment_submit(body="Premier  AVIS.", **fields)
    assert (again.comment.pk, again.created) == (first.pk, False)
    with pytest.raises(FormTokenUsedError):
        comment_submit(body="Autre avis.", **fields)
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_database_refuses_a_second_row_with_the_same_nonce(comments_article):
    from django.db import IntegrityError, transaction

    from tests.factories import CommentFactory

    CommentFactory(target=comments_article, form_nonce="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(target=comments_article, form_nonce="same")


@pytest.mark.django_db
@override_settings(COMMENTS_MAX_FORM_AGE_SECONDS=60, COMMENTS_MIN_SUBMIT_SECONDS=3)
def test_too_old_and_too_fast_rules_still_apply(client, comments_article):
    old = client.post(post_url(), form_data(comments_article, age=120), **JSON)
    assert old.status_code == 400
    assert "security_token" in old.json()["errors"]
    fast = client.post(post_url(), form_data(comments_article, age=0), **JSON)
    assert fast.status_code == 201
    assert Comment.objects.get().hold_reasons == ["too_fast"]


# --- 3. per-IP budget ----------------------------------------------------------


@pytest.mark.django_db
@override_settings(COMMENTS_IP_BUDGET=3, COMMENTS_IP_BUDGET_SECONDS=60)
def test_ip_budget_limits_a_bot_that_drops_cookies_and_changes_email(
    comments_article, django_assert_max_num_queries
):
    statuses = []
    for i in range(3):
        response = Client().post(
            post_url(),
            form_data(
                comments_article,
                body=f"Message numéro {i}",
                author_email=f"bot{i}@example.org",
            ),
            REMOTE_ADDR="203.0.113.7",
            **JSON,
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 201]

    refused_data = form_data(
        comments_article, body="Encore", author_email="bot9@example.org"
    )
    with django_assert_max_num_queries(3) as queries:
        refused = Client().post(
            post_url(), refused_data, REMOTE_ADDR="203.0.113.7", **JSON
        )

    # Reads only (the page, the nonce): no write, no moderation.
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    assert refused.status_code == 429
    assert refused.json()["code"] == "ip_budget"
    assert "réseau" in refused.json()["message"]
    assert 1 <= int(refused["Retry-After"]) <= 120  # up to two windows (sliding)
    assert Comment.objects.count() == 3
    other_ip = Client().post(
        post_url(),
        form_data(comments_article, body="Autre lecteur", author_email="x@ex.org"),
        REMOTE_ADDR="203.0.113.8",
        **JSON,
    )
    assert other_ip.status_code == 201


@pytest.mark.django_db
@override_settings(COMMENTS_IP_BUDGET=1, COMMENTS_FLOOD_SECONDS=0)
def test_over_budget_form_post_is_refused_before_any_query_and_keeps_the_text(
    comments_article, django_assert_num_queries
):
    first = Client().post(
        post_url(), form_data(comments_article), REMOTE_ADDR="203.0.113.9"
    )
    assert first.status_code == 302
    text = "Mon deuxième avis <b>gras</b>\n\nsur deux paragraphes"
    data = form_data(comments_article, body=text, author_email="deux@example.org")
    page_url = "http://testserver" + comments_article.url

    with django_assert_num_queries(0):
        refused = Client().post(
            post_url(), data, REMOTE_ADDR="203.0.113.9", HTTP_REFERER=page_url
        )

    html = refused.content.decode()
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 120  # up to two windows (sliding)
    assert "réseau" in html
    # The reader's text comes back escaped in a read-only box; no comment list.
    assert "Mon deuxième avis &lt;b&gt;gras&lt;/b&gt;" in html
    assert "<textarea" in html
    assert "readonly" in html
    assert f'href="{page_url}"' in html
    assert 'class="comment-list' not in html
    assert Comment.objects.count() == 1


@pytest.mark.django_db
@override_settings(COMMENTS_IP_BUDGET=1, COMMENTS_FLOOD_SECONDS=0)
def test_over_budget_refusal_never_links_back_to_another_site(comments_article):
    Client().post(post_url(), form_data(comments_article), REMOTE_ADDR="203.0.113.10")
    refused = Client().post(
        post_url(),
        form_data(comments_article, body="Encore", author_email="e@example.org"),
        REMOTE_ADDR="203.0.113.10",
        HTTP_REFERER="https://evil.example/phish",
    )
    assert refused.status_code == 429
    assert "evil.example" not in refused.content.decode()


@pytest.mark.django_db
@override_settings(COMMENTS_IP_BUDGET=2, COMMENTS_FLOOD_SECONDS=0)
def test_ip_budget_applies_to_the_api_with_retry_after(client, comments_article):
    url = api_url(comments_article)
    codes = [
        client.post(
            url,
            api_payload(
                comments_article, body=f"Remarque {i}", author_email=f"n{i}@ex.org"
            ),
            content_type="application/json",
            REMOTE_ADDR="198.51.100.4",
        ).status_code
        for i in range(2)
    ]
    refused = client.post(
        url,
        api_payload(comments_article, body="Remarque 9", author_email="n9@ex.org"),
        content_type="application/json",
        REMOTE_ADDR="198.51.100.4",
    )
    assert codes == [201, 201]
    assert refused.status_code == 429
    assert refused.json()["type"] == "urn:manchette:problem:ip_budget"
    assert int(refused["Retry-After"]) >= 1
    assert Comment.objects.count() == 2


@override_settings(COMMENTS_IP_BUDGET=2, COMMENTS_IP_BUDGET_SECONDS=60)
def test_spend_ip_budget_counts_per_sliding_window_and_ipv6_slash_64(clear_cache):
    now = 6_000_000.0  # a window boundary (60 divides it)
    assert spend_ip_budget("2001:db8:1:2::1", now=now) == 0
    assert spend_ip_budget("2001:db8:1:2::ffff", now=now + 1) == 0
    # Third post: over. Three posts in this window; one more is accepted in the
    # next one once two thirds of this one have slid out (60 + 40 - 15 s).
    assert spend_ip_budget("2001:db8:1:2:aaaa::1", now=now + 15) == 85
    assert spend_ip_budget("2001:db8:1:3::1", now=now + 15) == 0  # another /64
    # A new fixed window does not give a fresh budget: the previous minute's
    # three posts still weigh in full at its start (the refusal counts too).
    assert spend_ip_budget("2001:db8:1:2::1", now=now + 60) == 60
    # Two windows later only the one refused attempt remains: accepted.
    assert spend_ip_budget("2001:db8:1:2::1", now=now + 120) == 0
    assert ip_budget_network("::ffff:192.0.2.1") == "192.0.2.1"
    assert ip_budget_network("not an address") == ""


@override_settings(COMMENTS_IP_BUDGET=0)
def test_ip_budget_of_zero_disables_it(clear_cache):
    assert all(spend_ip_budget("192.0.2.1") == 0 for _ in range(50))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "127.0.0.1"),  # default: the header is ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # spoofed entry left of it
        (2, "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "", "127.0.0.1"),  # no header: the peer
        (1, "not-an-ip", "127.0.0.1"),
        (3, "198.51.100.1", "198.51.100.1"),  # shorter chain: its leftmost
    ],
)
def test_client_ip_honours_trusted_proxy_count(proxies, forwarded, expected):
    request = RequestFactory().post(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    with override_settings(COMMENTS_TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


@pytest.mark.django_db
@override_settings(
    COMMENTS_TRUSTED_PROXY_COUNT=1, COMMENTS_FLOOD_SECONDS=0, COMMENTS_IP_BUDGET=1
)
def test_forwarded_client_address_is_stored_and_budgeted(comments_article):
    def send(forwarded, **overrides):
        return Client().post(
            post_url(),
            form_data(comments_article, **overrides),
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
            **JSON,
        )

    first = send("203.0.113.50")
    other_client = send("198.51.100.60", body="Autre", author_email="o@ex.org")
    same_client = send("203.0.113.50", body="Encore", author_email="p@ex.org")

    assert (first.status_code, other_client.status_code) == (201, 201)
    assert same_client.status_code == 429
    assert Comment.objects.get(pk=first.json()["id"]).ip_address == "203.0.113.0"


@pytest.mark.django_db
def test_double_post_is_not_charged_to_the_ip_budget(client, comments_article):
    data = form_data(comments_article)
    with override_settings(COMMENTS_IP_BUDGET=1):
        first = client.post(post_url(), data, **JSON)
        second = client.post(post_url(), data, **JSON)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


# --- 5. no-JS notice of a comment this reader cannot see ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "notice"),
    [(CommentStatus.REJECTED, "Votre commentaire n'a pas été publié.")],
)
def test_notice_of_refused_comment_links_to_nothing_hidden(
    client, comments_article, status, notice
):
    def refuse(sender, comment, **kwargs):
        comment_set_status(comment=comment, status=status)

    comment_submitted.connect(refuse)
    try:
        response = client.post(post_url(), form_data(comments_article))
    finally:
        comment_submitted.disconnect(refuse)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert f"comment-{comment.pk}" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert notice in page
    assert ("en attente de modération" in page) == (status == CommentStatus.SPAM)
    assert f'href="#comment-{comment.pk}"' not in page
    assert f'id="comment-{comment.pk}"' not in page


def _post_decided(client, article, status, **extra):
    def decide(sender, comment, **kwargs):
        if status is not None:
            comment_set_status(comment=comment, status=status)

    comment_submitted.connect(decide)
    try:
        return client.post(post_url(), form_data(article), **extra)
    finally:
        comment_submitted.disconnect(decide)


@pytest.mark.django_db
@pytest.mark.parametrize("json", [False, True])
def test_spam_verdict_reads_exactly_like_a_held_comment_to_its_author(
    comments_article, json
):
    # A spammer must not learn which texts the engine classed as spam: the
    # answer, the page after it, the permalink and the edit links are those of
    # a held comment (only the comment's number differs).
    seen = {}
    for status in (None, CommentStatus.SPAM):  # None: left pending (held)
        client = Client()
        answer = _post_decided(
            client, comments_article, status, **(JSON if json else {})
        )
        comment = Comment.objects.get()
        assert comment.status == (status or CommentStatus.PENDING)
        anchor = f"#comment-{comment.pk}"
        if json:
            body = answer.json()
            location = body["url"]
            said = tuple(body[k] for k in ("status", "held", "refused", "message"))
            said += (body["notices"], "comment-held" in body["html"])
            said += ("Modifier" in body["html"],)
        else:
            location = answer["Location"]
            said = ()
        page = client.get(location).content.decode()
        permalink = client.get(reverse("comments:permalink", args=[comment.pk]))
        seen[status] = (
            *said,
            location.endswith(anchor),
            f'id="comment-{comment.pk}"' in page,
            "Modifier" in page,
            "en attente de modération" in page,
            permalink.status_code,
        )
        Comment.objects.all().delete()
    assert seen[CommentStatus.SPAM] == seen[None]
    assert seen[None][-5:] == (True, True, True, True, 302)


@pytest.mark.django_db
def test_spam_comment_stays_hidden_from_other_readers(comments_article):
    _post_decided(Client(), comments_article, CommentStatus.SPAM)
    spam = Comment.objects.get()
    stranger = Client()

    page = stranger.get(comments_article.url).content.decode()
    assert f'id="comment-{spam.pk}"' not in page
    permalink = stranger.get(reverse("comments:permalink", args=[spam.pk]))
    assert permalink.status_code == 404


@pytest.mark.django_db
def test_notice_of_held_comment_still_links_to_it(client, comments_article):
    response = client.post(post_url(), form_data(comments_article))
    comment = Comment.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f'href="#comment-{comment.pk}"' in page
    assert f'id="comment-{comment.pk}"' in page


@pytest.mark.django_db
@override_settings(COMMENTS_FLOOD_SECONDS=60)
def test_flood_form_post_is_refused_before_loading_the_page_and_keeps_the_text(
    comments_article,
):
    client = Client(REMOTE_ADDR="203.0.113.20")
    assert client.post(post_url(), form_data(comments_article)).status_code == 302
    again = form_data(comments_article, body="Et un second avis, aussitôt.")

    # Only the reader's session is read (the cache holds it in production).
    with CaptureQueriesContext(connections["default"]) as queries:
        refused = client.post(post_url(), again)
    assert [q["sql"] for q in queries if "django_session" not in q["sql"]] == []

    html = refused.content.decode()
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Et un second avis, aussitôt." in html
    assert Comment.objects.count() == 1


@pytest.mark.django_db
@override_settings(COMMENTS_FLOOD_SECONDS=60)
def test_flood_same_email_from_another_browser_is_refused_early_too(
    comments_article, django_assert_num_queries
):
    Client(REMOTE_ADDR="203.0.113.21").post(post_url(), form_data(comments_article))
    other = form_data(comments_article, body="Même adresse, autre navigateur.")

    with django_assert_num_queries(0):
        refused = Client(REMOTE_ADDR="203.0.113.22").post(post_url(), other, **JSON)

    assert refused.status_code == 429
    assert refused.json()["code"] == "flood"
    assert Comment.objects.count() == 1


@pytest.mark.django_db
@override_settings(COMMENTS_FLOOD_SECONDS=60)
def test_same_text_again_with_a_new_token_inside_the_flood_delay_gets_the_first(
    comments_article,
):
    # A reader who reloads the page and sends the same comment again is not
    # flooding: the early flood look recognises the copy by its text.
    client = Client(REMOTE_ADDR="203.0.113.23")
    first = client.post(post_url(), form_data(comments_article), **JSON)
    again = client.post(post_url(), form_data(comments_article), **JSON)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Comment.objects.count() == 1


@pytest.mark.django_db
@override_settings(COMMENTS_FLOOD_SECONDS=60)
def test_api_flood_is_refused_before_loading_the_page_and_copies_still_answer(
    comments_article, django_assert_num_queries
):
    client = Client(REMOTE_ADDR="203.0.113.30")

    def send(data):
        return client.post(
            api_url(comments_article), data, content_type="application/json"
        )

    first = send(api_payload(comments_article))
    assert first.status_code == 201
    send(api_payload(comments_article, body="Je réponds trop vite."))  # warm
    with django_assert_num_queries(0):
        refused = send(api_payload(comments_article, body="Et encore trop vite."))
    copy = send(api_payload(comments_article))  # same text, fresh token

    assert refused.status_code == 429
    assert refused.json()["type"] == "urn:manchette:problem:flood"
    assert refused["Retry-After"] == "60"
    assert copy.status_code == 200
    assert copy.json()["id"] == first.json()["id"]
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_form_reply_to_another_page_comment_is_refused_not_made_a_thread(
    client, comments_article
):
    from tests.factories import CommentFactory, build_comment_article

    elsewhere = CommentFactory(target=build_comment_article(slug="ailleurs"))
    for parent in (elsewhere.pk, 10**12):
        answer = client.post(
            post_url(), form_data(comments_article, parent=str(parent)), **JSON
        )
        assert answer.status_code == 400
        assert answer.json()["code"] == "parent"
    assert not Comment.objects.filter(object_pk=str(comments_article.pk)).exists()
