"""Reader and moderator actions shared by the browser acceptance tests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.helpers import admin_login

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

#: ``COMMENTS_MIN_SUBMIT_SECONDS`` in the browser tests; readers wait longer.
MIN_SUBMIT_SECONDS = 1
READER_PAUSE_MS = 1300
MODERATOR_PASSWORD = "moderation-pass"  # tests.factories.ModeratorFactory


def post_comment(
    page: Page, *, body: str, name: str, email: str, reply_to: int | None = None
) -> Locator:
    """Fill and send the comment form on the current page like a reader.

    With ``reply_to``, first follow that comment's "Reply" link. Waits longer
    than the form's minimum delay before sending, then returns the reader's own
    comment as shown after the answer (the ``<li>`` holding ``body``).
    """
    if reply_to is not None:
        page.locator(f"#comment-{reply_to} .comment-reply-link").first.click()
        page.wait_for_load_state()
    form = page.locator("#commentform")
    form.locator("[name=body]").fill(body)
    if form.locator("[name=author_name]").count():
        form.locator("[name=author_name]").fill(name)
        form.locator("[name=author_email]").fill(email)
    page.wait_for_timeout(READER_PAUSE_MS)
    form.locator("button[type=submit]").click()
    own = page.locator(
        "li.comment", has=page.locator(".comment-content", has_text=body)
    )
    own.last.wait_for()
    return own.last


def approve_all_with_keyboard(
    browser: Browser, base_url: str, *, username: str, expected: int
) -> list[int]:
    """Log in as a moderator and approve every queued comment with ``j`` then ``a``.

    Returns the ids of the approved comments, in the order they were approved.
    Fails if the queue does not hold exactly ``expected`` comments, if a
    shortcut does not move the focus, or if the queue page throws a script error.
    """
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        admin_login(page, base_url, username=username, password=MODERATOR_PASSWORD)
        page.goto(f"{base_url}/admin/moderation/")
        items = page.locator("[data-moderation-item]")
        assert items.count() == expected, page.inner_text("main")
        approved: list[int] = []
        for _round in range(expected):
            page.locator("body").press("j")
            current = page.locator("[data-moderation-item].is-current")
            current.wait_for()
            item_id = current.get_attribute("id") or ""
            match = re.fullmatch(r"moderation-item-(\d+)", item_id)
            assert match, item_id
            with page.expect_navigation():
                page.keyboard.press("a")
            approved.append(int(match.group(1)))
        assert page.locator("[data-moderation-item]").count() == 0
        assert not errors, errors
        return approved
    finally:
        context.close()
