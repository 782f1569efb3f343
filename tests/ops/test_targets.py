"""Page stand-ins for the comment endpoints: no query on a hit, never stale."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from manchette.comments.forms import target_key
from manchette.moderation.models import TargetMode
from manchette.moderation.services import set_target_mode
from manchette.ops.targets import page_stand_in
from tests.api.test_comments import create_url, payload, post_json
from tests.factories import build_comment_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]


def _token_url(page) -> str:
    return f"/api/v1/pages/{page.pk}/comments/form-token"


def test_targets_stand_in_signs_the_same_target_key_as_the_page(comments_article):
    stand_in = page_stand_in(comments_article.pk)

    assert stand_in is not None
    assert target_key(stand_in) == target_key(comments_article)
    assert stand_in.live is True
    assert stand_in.comments_enabled is True


def test_targets_unknown_or_uncommentable_page_is_none(comments_article):
    home = comments_article.get_parent().get_parent()

    assert page_stand_in(10**9) is None
    assert page_stand_in(home.pk) is None  # HomePage has no comments_enabled


def test_targets_second_lookup_makes_no_query(comments_article):
    page_stand_in(comments_article.pk)
    with CaptureQueriesContext(connection) as captured:
        again = page_stand_in(comments_article.pk)

    assert again is not None
    assert len(captured) == 0


def test_targets_closing_comments_in_the_editor_is_seen_at_once(comments_article):
    assert page_stand_in(comments_article.pk).comments_enabled is True
    comments_article.comments_enabled = False
    comments_article.save_revision().publish()

    assert page_stand_in(comments_article.pk).comments_enabled is False
    answer = Client().get(_token_url(comments_article))
    assert answer.status_code == 403


def test_targets_unpublished_page_has_no_form_token(comments_article):
    assert Client().get(_token_url(comments_article)).status_code == 200
    comments_article.unpublish()

    assert page_stand_in(comments_article.pk).live is False
    assert Client().get(_token_url(comments_article)).status_code == 404


def test_targets_moderators_closing_the_page_mode_is_seen_at_once(
    comments_article, admin_user, django_capture_on_commit_callbacks
):
    assert Client().get(_token_url(comments_article)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        set_target_mode(
            target=comments_article, mode=TargetMode.CLOSED, moderator=admin_user
        )

    assert page_stand_in(comments_article.pk).comments_enabled is False
    assert Client().get(_token_url(comments_article)).status_code == 403


def test_targets_form_token_on_a_warm_page_makes_no_query(comments_article):
    client = Client()
    assert client.get(_token_url(comments_article)).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(_token_url(comments_article))

    assert answer.status_code == 200
    token = answer.json()["token"]
    assert token
    assert [q["sql"] for q in captured] == []


def test_targets_replayed_token_is_refused_without_a_query(comments_article):
    client = Client()
    first = payload(comments_article)
    assert post_json(client, create_url(comments_article), first).status_code == 201
    other = {**first, "body": "Un tout autre texte avec ce même jeton."}
    with CaptureQueriesContext(connection) as captured:
        answer = post_json(client, create_url(comments_article), other)

    assert answer.status_code == 422
    assert json.loads(answer.content)["type"] == "urn:manchette:problem:token_used"
    assert [q["sql"] for q in captured] == []


def test_targets_two_pages_keep_their_own_facts(comments_article):
    other = build_comment_article(title="Un autre article", comments_enabled=False)

    assert page_stand_in(comments_article.pk).comments_enabled is True
    assert page_stand_in(other.pk).comments_enabled is False
    assert target_key(page_stand_in(other.pk)) == target_key(other)
