import time

import pytest
from django.test import override_settings
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.forms import make_security_token
from manchette.comments.models import Comment, CommentFlag
from manchette.comments.services import comment_set_status
from tests.factories import CommentFactory, build_comment_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures(
        "clear_cache", "no_comment_receivers", "no_reader_receivers"
    ),
]


def list_url(page):
    return reverse("api:comments_list", kwargs={"page_id": page.pk})


def create_url(page):
    return reverse("api:comments_create", kwargs={"page_id": page.pk})


def payload(page, *, age=10.0, **overrides):
    data = {
        "body": "Une remarque posée sur le chantier du port.",
        "author_name": "Nadia",
        "author_email": "nadia@example.org",
        "token": make_security_token(page, issued_at=time.time() - age),
    }
    data.update(overrides)
    return data


def post_json(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_comments_list_shows_only_approved_threads_in_order(client, comments_article):
    first = CommentFactory(target=comments_article, author_name="Amine")
    reply = CommentFactory(parent=first, author_name="Badr")
    CommentFactory(parent=first, status=CommentStatus.PENDING, body="caché")
    CommentFactory(target=comments_article, status=CommentStatus.SPAM)
    second = CommentFactory(target=comments_article, author_name="Chaima")

    response = client.get(list_url(comments_article))

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert [t["root"]["id"] for t in data["threads"]] == [first.pk, second.pk]
    assert [r["id"] for r in data["threads"][0]["replies"]] == [reply.pk]
    assert data["threads"][0]["replies"][0]["parent_id"] == first.pk
    assert "caché" not in response.content.decode()
    assert data["direction"] == "ltr"
    assert data["next_cursor"] is None


def test_comments_list_removed_root_with_replies_is_a_placeholder(
    client, comments_article
):
    root = CommentFactory(target=comments_article, body="retiré", author_name="Driss")
    CommentFactory(parent=root)
    comment_set_status(comment=root, status=CommentStatus.REMOVED)

    data = client.get(list_url(comments_article)).json()

    placeholder = data["threads"][0]["root"]
    assert placeholder["visible"] is False
    assert placeholder["body"] == placeholder["author_name"] == ""
    assert "Driss" not in str(data)
    assert data["count"] == 1


def test_comments_list_cursor_pagination_is_stable(client, comments_article):
    roots = [CommentFactory(target=comments_article) for _ in range(5)]
    url = list_url(comments_article)

    first = client.get(url, {"limit": 2}).json()
    # A comment posted between two page loads must not shift the next page.
    CommentFactory(target=comments_article)
    second = client.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [t["root"]["id"] for t in first["threads"]] == [r.pk for r in roots[:2]]
    assert [t["root"]["id"] for t in second["threads"]] == [r.pk for r in roots[2:4]]


def test_comments_list_bad_cursor_is_problem_400(client, comments_article):
    response = client.get(list_url(comments_article), {"cursor": "nope"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:manchette:problem:bad-cursor"


def test_comments_list_unknown_page_is_problem_404(client, db):
    response = client.get(reverse("api:comments_list", kwargs={"page_id": 999999}))
    assert response.status_code == 404
    problem = response.json()
    assert problem["status"] == 404
    assert set(problem) >= {"type", "title", "status", "detail", "errors"}


def test_comments_list_arabic_page_is_rtl(client, comments_article):
    from wagtail.models import Locale

    arabic = Locale.objects.create(language_code="ar")
    page = comments_article.copy_for_translation(arabic, copy_parents=True)
    page.save_revision().publish()

    data = client.get(list_url(page)).json()

    assert data["language"] == "ar"
    assert data["direction"] == "rtl"


def test_comments_create_stores_pending_comment(client, comments_article):
    response = post_json(
        client, create_url(comments_article), payload(comments_article)
    )

    assert response.status_code == 201
    data = response.json()
    comment = Comment.objects.get()
    assert data["id"] == comment.pk
    assert data["status"] == "pending"
    assert data["created"] is True
    assert data["comment"] is None
    assert data["edit_token"]
    assert comment.status == CommentStatus.PENDING


def create_with_verdict(client, page, status):
    """Post ``payload(page)`` while moderation gives every new comment ``status``."""
    from manchette.comments.signals import comment_submitted

    def decide(sender, comment, **kwargs):
        comment_set_status(comment=comment, status=status)

    comment_submitted.connect(decide)
    try:
        return post_json(client, create_url(page), payload(page))
    finally:
        comment_submitted.disconnect(decide)


def test_comments_create_reports_approval_by_moderation(client, comments_article):
    response = create_with_verdict(client, comments_article, CommentStatus.APPROVED)

    assert response.status_code == 201
    assert response.json()["status"] == "approved"
    assert response.json()["comment"]["body"].startswith("Une remarque")


def test_comments_create_with_idempotency_key_stores_one_row(client, comments_article):
    data = payload(comments_article)
    headers = {"HTTP_IDEMPOTENCY_KEY": "clic-1"}

    first = post_json(client, create_url(comments_article), data, **headers)
    second = post_json(client, create_url(comments_article), data, **headers)

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["edit_token"] is None
    assert Comment.objects.count() == 1


def test_comments_create_double_post_without_key_stores_one_row(
    client, comments_article
):
    data = payload(comments_article)
    with override_settings(COMMENTS_FLOOD_SECONDS=0):
        first = post_json(client, create_url(comments_article), data)
        second = post_json(client, create_url(comments_article), data)
    assert first.json()["id"] == second.json()["id"]
    assert Comment.objects.count() == 1


def test_comments_create_flood_is_problem_429(client, comments_article):
    url = create_url(comments_article)
    assert post_json(client, url, payload(comments_article)).status_code == 201

    response = post_json(
        client, url, payload(comments_article, body="Une autre remarque, différente.")
    )

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "15"
    assert "15" in response.json()["detail"]
    assert Comment.objects.count() == 1


def test_comments_create_honeypot_is_refused(client, comments_article):
    response = post_json(
        client,
        create_url(comments_article),
        payload(comments_article, homepage="http://spam.example"),
    )
    assert response.status_code == 422
    assert response.json()["type"] == "urn:manchette:problem:honeypot"
    assert not Comment.objects.exists()


def test_comments_create_expired_or_forged_token_is_refused(client, comments_article):
    url = create_url(comments_article)
    expired = post_json(client, url, payload(comments_article, age=3 * 60 * 60))
    forged = post_json(client, url, payload(comments_article, token="abc:def"))
    other = build_comment_article(slug="autre")
    foreign = post_json(
        client, url, payload(comments_article, token=make_security_token(other))
    )
    assert expired.status_code == forged.status_code == foreign.status_code == 422
    assert expired.json()["errors"][0]["loc"] == ["body", "token"]
    assert not Comment.objects.exists()


def test_comments_create_too_fast_is_held(client, comments_article):
    response = post_json(
        client, create_url(comments_article), payload(comments_article, age=0)
    )
    assert response.status_code == 201
    assert Comment.objects.get().hold_reasons == ["too_fast"]


def test_comments_create_too_long_body_is_422_without_row(client, comments_article):
    response = post_json(
        client,
        create_url(comments_article),
        payload(comments_article, body="a" * 70_000),
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["loc"] == ["body", "body"]
    assert "70000" in problem["detail"]
    assert not Comment.objects.exists()


def test_comments_create_reply_to_approved_parent(client, comments_article):
    parent = CommentFactory(target=comments_article)
    response = post_json(
        client,
        create_url(comments_article),
        payload(comments_article, parent_id=parent.pk),
    )
    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).parent_id == parent.pk


def test_comments_create_reply_to_pending_parent_is_refused(client, comments_article):
    parent = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    response = post_json(
        client,
        create_url(comments_article),
        payload(comments_article, parent_id=parent.pk),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "parent_id"]


def test_comments_create_on_closed_page_is_403(client, comments_article):
    comments_article.comments_enabled = False
    comments_article.save()
    response = post_json(
        client, create_url(comments_article), payload(comments_article)
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_comments_create_missing_field_errors_do_not_echo_input(
    client, comments_article
):
    data = payload(comments_article)
    del data["author_name"]
    data["author_email"] = {"nested": "secret-input@example.org"}
    response = post_json(client, create_url(comments_article), data)
    assert response.status_code == 422
    assert "secret-input@example.org" not in response.content.decode()
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "payload", "author_name"] in locs


def test_comments_form_token_is_accepted_by_create(client, comments_article):
    token = client.get(
        reverse("api:comments_form_token", kwargs={"page_id": comments_article.pk})
    ).json()["token"]
    response = post_json(
        client, create_url(comments_article), payload(comments_article, token=token)
    )
    assert response.status_code == 201
    # Sent back at once: accepted, but held as too fast.
    assert Comment.objects.get().hold_reasons == ["too_fast"]


def test_comments_flag_stores_one_flag_per_flagger(client, comments_article):
    comment = CommentFactory(target=comments_article)
    url = reverse("api:comments_flag", kwargs={"comment_id": comment.pk})

    first = post_json(client, url, {"reason": "harassment", "note": "insultant"})
    second = post_json(client, url, {"reason": "spam"})

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["reason"] == "harassment"
    flag = CommentFlag.objects.get()
    assert flag.note == "insultant"


def test_comments_flag_unknown_reason_is_422(client, comments_article):
    comment = CommentFactory(target=comments_article)
    url = reverse("api:comments_flag", kwargs={"comment_id": comment.pk})
    response = post_json(client, url, {"reason": "boring"})
    assert response.status_code == 422
    assert not CommentFlag.objects.exists()


def test_comments_flag_pending_comment_is_404(client, comments_article):
    comment = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    url = reverse("api:comments_flag", kwargs={"comment_id": comment.pk})
    assert post_json(client, url, {"reason": "spam"}).status_code == 404


@override_settings(COMMENTS_FLAG_RATE_LIMIT=2)
def test_comments_flag_rate_limit_is_429(client, comments_article):
    comments = [CommentFactory(target=comments_article) for _ in range(3)]
    codes = [
        post_json(
            client,
            reverse("api:comments_flag", kwargs={"comment_id": c.pk}),
            {"reason": "spam"},
        ).status_code
        for c in comments
    ]
    assert codes == [201, 201, 429]
    assert CommentFlag.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("author_url", "javascript:alert(1)"),
        ("author_url", "data:text/html,<script>alert(1)</script>"),
        ("body", "x" * 70_000),
    ],
)
def test_comments_create_hostile_input_is_refused(
    client, comments_article, field, value
):
    response = post_json(
        client,
        create_url(comments_article),
        payload(comments_article, **{field: value}),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert not Comment.objects.exists()


def test_comments_create_hostile_markup_is_stored_and_served_inert(
    client, comments_article
):
    from manchette.comments.signals import comment_submitted

    def approve(sender, comment, **kwargs):
        comment_set_status(comment=comment, status=CommentStatus.APPROVED)

    body = (
        "<script>alert(1)</script> "
        '<a href="javascript:alert(1)" onclick="x()">lien</a> '
        '<img src=x onerror="alert(1)"> \u202edroite\u202c \u2066iso\u2069'
    )
    comment_submitted.connect(approve)
    try:
        response = post_json(
            client,
            create_url(comments_article),
            payload(
                comments_article,
                body=body,
                author_name='<b onmouseover="alert(1)">Zed</b>\u202e',
            ),
        )
    finally:
        comment_submitted.disconnect(approve)

    assert response.status_code == 201
    comment = Comment.objects.get()
    for stored in (comment.body, comment.author_name):
        assert not set(stored) & {"\u202e", "\u202c", "\u2066", "\u2069"}
    listed = client.get(list_url(comments_article))
    assert listed["Content-Type"] == "application/json; charset=utf-8"
    served = listed.json()["threads"][0]["root"]
    # JSON carries plain text; the widget inserts it with textContent.
    assert served["body"] == comment.body
    page = client.get(comments_article.url).content.decode()
    assert "<script>alert" not in page
    assert '<a href="javascript:' not in page
    assert "<img src=x" not in page
    assert "<b onmouseover" not in page


def test_comments_page_lookup_resolves_public_urls(client, comments_article):
    lookup = reverse("api:comments_page_lookup")
    by_path = client.get(lookup, {"url": comments_article.url})
    by_full = client.get(lookup, {"url": comments_article.full_url})
    missing = client.get(lookup, {"url": "/nulle-part/"})
    assert by_path.json() == by_full.json() == {"page_id": comments_article.pk}
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("body", "Une remarque \ud800posée", "Une remarque posée"),
        ("author_name", "Na\udfffdia", "Nadia"),
        ("author_email", "nadia\ud800@example.org", "nadia@example.org"),
        ("author_url", "https://ex\udc00.ma", "https://ex.ma"),
    ],
)
def test_comments_create_drops_lone_surrogates_not_500(
    client, comments_article, field, value, stored
):
    # "\ud800" is a valid JSON escape but no UTF-8 text: it used to reach the
    # service and fail there (HTTP 500). Like every write path, the API drops it.
    response = post_json(
        client,
        create_url(comments_article),
        payload(comments_article, **{field: value}),
    )
    assert response.status_code == 201
    assert getattr(Comment.objects.get(), field) == stored


def test_comments_create_lone_surrogate_in_token_is_refused_not_500(
    client, comments_article
):
    data = payload(comments_article)
    data["token"] += "\ud800"
    response = post_json(client, create_url(comments_article), data)
    # Dropped, the token is intact again: a surrogate cannot forge anything.
    assert response.status_code == 201
    data["token"] = "\ud800" + "x" * 20
    response = post_json(client, create_url(comments_article), data)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:manchette:problem:bad_token"


def test_comments_flag_note_drops_lone_surrogate(client, comments_article):
    comment = CommentFactory(target=comments_article)
    response = post_json(
        client,
        reverse("api:comments_flag", kwargs={"comment_id": comment.pk}),
        {"reason": "spam", "note": "voir \udfff ici"},
    )
    assert response.status_code == 201
    assert CommentFlag.objects.get().note == "voir  ici"


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (CommentStatus.REJECTED, "rejected"),
        (CommentStatus.REMOVED, "rejected"),
        (CommentStatus.SPAM, "pending"),
    ],
)
def test_comments_create_reports_refusal_but_not_spam(
    client, comments_article, verdict, expected
):
    from django.test import Client

    response = create_with_verdict(client, comments_article, verdict)
    # The same post from another reader, left pending (nothing decides).
    held = post_json(
        Client(),
        create_url(comments_article),
        payload(
            comments_article,
            body="Une autre remarque, laissée en attente.",
            author_email="autre@example.org",
        ),
        REMOTE_ADDR="192.0.2.77",
    ).json()

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == expected
    assert data["comment"] is None
    assert Comment.objects.filter(status=verdict).count() == 1
    if expected == "rejected":
        assert data["message"] != held["message"]
    else:  # a spammer cannot tell a spam verdict from a held comment
        assert {k: v for k, v in data.items() if k not in {"id", "edit_token"}} == {
            k: v for k, v in held.items() if k not in {"id", "edit_token"}
        }
