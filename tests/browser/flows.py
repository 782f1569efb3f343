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


#: What an Arabic keyboard layout sends for the keys at the places of J and A
#: on a US keyboard: the Arabic letter as ``key``, the place as ``code``.
ARABIC_LAYOUT = {"j": ("ت", "KeyJ"), "a": ("ش", "KeyA")}


def _press(page: Page, letter: str, layout: str) -> None:
    """Press the shortcut ``letter`` on a US (``"us"``) or Arabic (``"ar"``) layout.

    Playwright's keyboard only types US keys, so the Arabic layout's key press
    is a ``keydown`` event sent to the focused element, as the browser sends it.
    """
    if layout == "us":
        page.keyboard.press(letter)
        return
    key, code = ARABIC_LAYOUT[letter]
    page.evaluate(
        """([key, code]) => (document.activeElement || document.body).dispatchEvent(
            new KeyboardEvent("keydown", {key, code, bubbles: true, cancelable: true})
        )""",
        [key, code],
    )


def approve_all_with_keyboard(
    browser: Browser,
    base_url: str,
    *,
    username: str,
    expected: int,
    layout: str = "us",
) -> list[int]:
    """Log in as a moderator and approve every queued comment with ``j`` then ``a``.

    ``layout="ar"`` presses them as a moderator with an Arabic keyboard layout
    does (``ت`` and ``ش``, at the places of J and A). Returns the ids of the
    approved comments, in the order they were approved. Fails if the queue does
    not hold exactly ``expected`` comments, if a shortcut typed in a form field
    acts or one typed outside does not move the focus, or if the queue page
    throws a script error.
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
        # A letter typed in a form field is text, not a shortcut.
        page.locator("input[name=score_min]").focus()
        _press(page, "j", layout)
        assert page.locator("[data-moderation-item].is-current").count() == 0
        page.evaluate("document.activeElement.blur()")
        approved: list[int] = []
        for _round in range(expected):
            if layout == "us":
                page.locator("body").press("j")
            else:
                _press(page, "j", layout)
            current = page.locator("[data-moderation-item].is-current")
            current.wait_for()
            item_id = current.get_attribute("id") or ""
            match = re.fullmatch(r"moderation-item-(\d+)", item_id)
            assert match, item_id
            with page.expect_navigation():
                _press(page, "a", layout)
            approved.append(int(match.group(1)))
        assert page.locator("[data-moderation-item]").count() == 0
        assert not errors, errors
        return approved
    finally:
        context.close()
