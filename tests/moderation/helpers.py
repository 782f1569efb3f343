"""Data builders shared by the moderation tests (not fixtures)."""

import re
from pathlib import Path
from typing import Any

import pytest

from manchette.comments.abstracts import AbstractComment
from manchette.comments.services import comment_submit
from manchette.moderation import services
from manchette.moderation.models import ModerationDecision

REFERENCE_PAGE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "article-page.txt"
)


def submit(
    target: Any,
    body: str,
    *,
    email: str = "lectrice@example.org",
    name: str = "Lectrice",
    ip: str | None = None,
) -> AbstractComment:
    """Submit ``body`` on ``target`` through the comment pipeline; return it."""
    result = comment_submit(
        target=target, body=body, author_name=name, author_email=email, ip=ip
    )
    result.comment.refresh_from_db()
    return result.comment


def latest(comment: AbstractComment) -> ModerationDecision:
    """Return the comment's latest decision (fail if it has none)."""
    decision = services.latest_decision(comment)
    assert decision is not None, "the comment has no moderation decision"
    return decision


def reference_comments() -> list[str]:
    """Return the reader comments of the shared reference page, in page order.

    Skip the test when the shared folder is absent (it is third-party input and
    never part of the repository).
    """
    if not REFERENCE_PAGE.is_file():
        pytest.skip(f"reference page not available ({REFERENCE_PAGE.name} missing)")
    text = REFERENCE_PAGE.read_text(encoding="utf-8")
    start = re.search(r"^\s*\d+\s+réponses?\s*$", text, flags=re.MULTILINE)
    end = text.find("Laisser un commentaire")
    section = text[start.end() if start else 0 : end if end != -1 else None]
    chunks = re.split(r"^\s*\d+\.\s+Avatar de .*$", section, flags=re.MULTILINE)
    comments = []
    for chunk in chunks:
        lines = [line.strip() for line in chunk.strip().splitlines()]
        if len(lines) < 2:
            continue
        body = "\n".join(lines[1:]).strip()  # the first line is the author's name
        if body:
            comments.append(body)
    return comments
