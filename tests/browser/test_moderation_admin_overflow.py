"""Very long words in the moderation admin stay inside the page (Arabic admin).

A 3,000-character word in a comment, an 80-character author name or a
300-character ban reason without a space must wrap instead of pushing the
queue's cards under the sidebar or the bans table's "Lift" button off-screen.
"""

from typing import Any

import pytest

from manchette.comments.abstracts import CommentStatus
from manchette.moderation import services
from tests.browser.flows import MODERATOR_PASSWORD
from tests.browser.helpers import admin_login
from tests.factories import CommentFactory, ModeratorFactory, build_comment_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_BODY = "ب" * 3000
LONG_NAME = "ن" * 80
LONG_REASON = "س" * 300
VIEWPORT = {"width": 1100, "height": 900}


@pytest.fixture
def arabic_moderator() -> Any:
    from wagtail.users.models import UserProfile

    moderator = ModeratorFactory()
    profile = UserProfile.get_for_user(moderator)
    profile.preferred_language = "ar"
    profile.save()
    return moderator


@pytest.fixture
def admin_page(chromium, live_server, arabic_moderator) -> Any:
    context = chromium.new_context(locale="ar", viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    page = context.new_page()
    admin_login(
        page,
        live_server.url,
        username=arabic_moderator.username,
        password=MODERATOR_PASSWORD,
    )
    yield page
    context.close()


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _inside_viewport(box: dict[str, float]) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]


def test_long_ban_reason_keeps_the_lift_button_on_screen(
    admin_page, live_server, arabic_moderator
):
    services.ban_create(
        kind="domain",
        value="spam.example",
        moderator=arabic_moderator,
        reason=LONG_REASON,
    )

    admin_page.goto(f"{live_server.url}/admin/moderation/bans/")

    assert admin_page.locator("html").get_attribute("dir") == "rtl"
    lift = _box(admin_page, "[data-ban] button[type=submit]")
    assert _inside_viewport(lift), lift
    assert _inside_viewport(_box(admin_page, "[data-ban] td[dir=auto]"))
    assert admin_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_long_word_and_long_name_stay_inside_the_queue_card(admin_page, live_server):
    CommentFactory(
        target=build_comment_article(),
        status=CommentStatus.PENDING,
        body=LONG_BODY,
        author_name=LONG_NAME,
    )

    admin_page.goto(f"{live_server.url}/admin/moderation/?status=pending")

    card = _box(admin_page, "[data-moderation-item]")
    assert _inside_viewport(card), card
    for selector in (".moderation-item__body", ".moderation-item__head label"):
        inner = _box(admin_page, selector)
        assert inner["x"] >= card["x"], (selector, inner, card)
        assert inner["x"] + inner["width"] <= card["x"] + card["width"], (
            selector,
            inner,
            card,
        )
        assert admin_page.locator(selector).first.evaluate(
            "el => el.scrollWidth <= el.clientWidth"
        ), selector
    assert admin_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
