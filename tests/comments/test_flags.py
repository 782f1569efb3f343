import pytest
from django.test import override_settings
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from manchette.comments.errors import CommentRejectedError
from manchette.comments.flags import comment_flag, flagger_key
from manchette.comments.models import CommentFlag, FlagReason
from manchette.comments.signals import comment_flagged
from tests.factories import CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_reader_receivers"),
]


def test_comment_flag_stores_flag_and_sends_signal(comments_article):
    comment = CommentFactory(target=comments_article)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    comment_flagged.connect(receiver)
    try:
        result = comment_flag(
            comment=comment,
            reason=FlagReason.HATE,
            note="  propos haineux  ",
            flagger=flagger_key(session_key="s1", ip="203.0.113.9"),
        )
    finally:
        comment_flagged.disconnect(receiver)

    assert result.created is True
    assert result.flag.note == "propos haineux"
    assert len(received) == 1
    assert received[0]["comment"] == comment
    assert received[0]["flag"] == result.flag
    assert received[0]["count"] == 1
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED  # moderation decides, not flags


def test_comment_flag_twice_by_same_flagger_keeps_one(comments_article):
    comment = CommentFactory(target=comments_article)
    key = flagger_key(session_key="s1", ip="203.0.113.9")
    first = comment_flag(comment=comment, reason="spam", flagger=key)
    second = comment_flag(comment=comment, reason="hate", flagger=key)
    other = comment_flag(
        comment=comment, reason="hate", flagger=flagger_key(session_key="s2", ip="")
    )
    assert (first.created, second.created, other.created) == (True, False, True)
    assert second.flag.pk == first.flag.pk
    assert CommentFlag.objects.count() == 2


def test_flagger_key_hides_identity_and_separates_people():
    key = flagger_key(session_key="abc", ip="203.0.113.9")
    assert len(key) == 64
    assert "203.0.113" not in key
    assert key != flagger_key(session_key="abd", ip="203.0.113.9")


def test_comment_flag_refuses_unknown_reason_and_hidden_comment(comments_article):
    approved = CommentFactory(target=comments_article)
    pending = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    with pytest.raises(CommentRejectedError):
        comment_flag(comment=approved, reason="boring", flagger="k")
    with pytest.raises(CommentRejectedError):
        comment_flag(comment=pending, reason="spam", flagger="k")
    assert not CommentFlag.objects.exists()


@pytest.mark.parametrize(
    "note",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        "abc\u202edcba\u2066x\u2069",
    ],
)
def test_flag_view_hostile_note_is_stored_as_inert_text(client, comments_article, note):
    comment = CommentFactory(target=comments_article)
    url = reverse("comments:flag", args=[comment.pk])
    response = client.post(url, {"reason": "spam", "note": note})
    assert response.status_code == 302
    stored = CommentFlag.objects.get().note
    assert not set(stored) & {"\u202e", "\u2066", "\u2069"}
    page = client.get(response["Location"])
    assert "<script>alert" not in page.content.decode()


def test_flag_view_long_note_is_refused(client, comments_article):
    comment = CommentFactory(target=comments_article)
    url = reverse("comments:flag", args=[comment.pk])
    response = client.post(url, {"reason": "spam", "note": "x" * 70_000})
    assert response.status_code == 400
    assert not CommentFlag.objects.exists()


def test_flag_view_works_without_js_post_redirect_get(client, comments_article):
    comment = CommentFactory(target=comments_article)
    url = reverse("comments:flag", args=[comment.pk])

    form = client.get(url)
    posted = client.post(url, {"reason": "personal_data"})
    thanks = client.get(posted["Location"])

    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    assert posted.status_code == 302
    assert thanks.status_code == 200
    assert 'role="status"' in thanks.content.decode()
    assert CommentFlag.objects.get().reason == FlagReason.PERSONAL_DATA


def test_flag_view_reasons_are_translated(client, comments_article):
    comment = CommentFactory(target=comments_article)
    url = reverse("comments:flag", args=[comment.pk])
    french = client.get(url).content.decode()
    arabic = client.get("/ar" + url if not url.startswith("/ar/") else url)
    assert "Harcèlement" in french
    assert "تحرش" in arabic.content.decode()


@override_settings(COMMENTS_FLAG_RATE_LIMIT=1)
def test_flag_view_rate_limit_is_429(client, comments_article):
    one, two = (
        CommentFactory(target=comments_article),
        CommentFactory(target=comments_article),
    )
    assert (
        client.post(
            reverse("comments:flag", args=[one.pk]), {"reason": "spam"}
        ).status_code
        == 302
    )
    response = client.post(reverse("comments:flag", args=[two.pk]), {"reason": "spam"})
    assert response.status_code == 429
    assert CommentFlag.objects.count() == 1


def test_flag_view_hidden_comment_is_404(client, comments_article):
    comment = CommentFactory(target=comments_article, status=CommentStatus.REJECTED)
    assert client.get(reverse("comments:flag", args=[comment.pk])).status_code == 404
