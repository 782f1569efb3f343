"""The two reader comments of the shared reference article page.

The page is third-party text: it is read from ``../shared/reference/`` at test
time and never copied into the repository. Comments are located by the page's
structure: the comment-count heading ("N réponses"), then numbered items, each
made of an avatar line, an author line and indented body lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manchette.moderation.engine import Action, Category, Engine, Submission

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"
PAGE = REFERENCE / "article-page.txt"
_COUNT_HEADING = re.compile(r"^\s*(\d+)\s+r[ée]ponses?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s+\d+\.\s")


def _comments(lines: list[str]) -> list[str]:
    headings = [
        (i, m) for i, line in enumerate(lines) if (m := _COUNT_HEADING.match(line))
    ]
    assert headings, "no comment-count heading on the reference page"
    start, heading = headings[0]
    expected = int(heading.group(1))
    comments: list[list[str]] = []
    author_pending = False
    for line in lines[start + 1 :]:
        if _ITEM.match(line):
            comments.append([])
            author_pending = True
            continue
        if not line.strip():
            continue
        if not line.startswith(" "):
            break
        if not comments:
            continue
        if author_pending:
            author_pending = False
            continue
        comments[-1].append(line.strip())
    assert len(comments) == expected
    return ["\n".join(body) for body in comments]


@pytest.fixture(scope="module")
def reference_comments() -> list[str]:
    if not PAGE.is_file():
        pytest.skip(f"shared reference page not available at {PAGE}")
    return _comments(PAGE.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_reference_comments_found_by_structure(reference_comments):
    assert len(reference_comments) == 2
    assert all(len(body) > 20 for body in reference_comments)


def test_reference_first_comment_is_held_with_threat_span(reference_comments, engine):
    text = reference_comments[0]
    verdict = engine.moderate(Submission(text))
    assert verdict.action is Action.HOLD
    threats = [r for r in verdict.reasons if r.category is Category.THREAT_INCITEMENT]
    assert threats
    assert threats[0].score >= 0.8
    span = threats[0].span
    assert span is not None
    covered = text[span.start : span.end]
    # The span covers the call to action, the target count and the violent act.
    assert covered.startswith("il faut")
    assert "100 000" in covered
    assert covered.rstrip().endswith("neutralisation")


def test_reference_second_comment_is_held_for_review(reference_comments, engine):
    text = reference_comments[1]
    verdict = engine.moderate(Submission(text))
    assert verdict.action is Action.HOLD
    assert verdict.scores[Category.THREAT_INCITEMENT] < 0.8
    assert any(
        r.category in {Category.THREAT_INCITEMENT, Category.HATE}
        for r in verdict.reasons
    )
