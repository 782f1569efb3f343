"""Playwright helpers for the browser tests (a module, not a conftest).

The ``chromium`` and ``browser_page`` fixtures in ``tests/conftest.py`` launch
Debian's Chromium through these constants; the helpers below watch a page for
script execution and save screenshots to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

#: Text that every XSS payload logs or alerts when it runs.
CANARY = "XSS-CANARY"
_CSP_REPORT = re.compile(r"Content Security Policy", re.IGNORECASE)


@dataclass
class ExecutionWatch:
    """Everything a page did that only running script could do.

    ``dialogs`` holds the messages of ``alert``/``confirm``/``prompt`` calls
    (dismissed at once), ``canary_logs`` the console lines holding
    :data:`CANARY`, ``errors`` uncaught page errors, and ``csp_blocks`` the
    console reports of the Content-Security-Policy refusing something (an inline
    script or handler that *tried* to run).
    """

    dialogs: list[str] = field(default_factory=list)
    canary_logs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp_blocks: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> ExecutionWatch:
        """Listen on ``page`` for dialogs, console lines and page errors."""

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_console(message: Any) -> None:
            text = message.text
            self.console.append(f"{message.type}: {text}")
            if CANARY in text:
                self.canary_logs.append(text)
            if _CSP_REPORT.search(text):
                self.csp_blocks.append(text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return self

    def executed(self, page: Page) -> list[str]:
        """Return a description of every sign of execution seen so far on ``page``.

        Reads the ``window.__xss`` canary that payloads set, on the page and in
        every frame.
        """
        found = [f"dialog: {m}" for m in self.dialogs]
        found += [f"console: {m}" for m in self.canary_logs]
        found += [f"page error: {m}" for m in self.errors]
        for frame in page.frames:
            try:
                value = frame.evaluate("() => window.__xss || null")
            except Exception as error:  # noqa: BLE001 - a detached frame
                found.append(f"frame {frame.url!r} unreadable: {error}")
                continue
            if value:
                found.append(f"window.__xss={value!r} in frame {frame.url!r}")
        return found


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def admin_login(page: Page, base_url: str, *, username: str, password: str) -> None:
    """Log into the Wagtail admin through its login form."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/(?!login)"))
