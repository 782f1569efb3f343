"""Render an article equivalent to the shared reference page and compare structure.

The reference text stays in ``../shared``: it is parsed here at run time and
never copied into the repository.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, override

import pytest

from manchette.news.snippets import AdPosition
from tests.factories import (
    AdSlotFactory,
    ArticlePageFactory,
    NewsImageFactory,
    SectionPageFactory,
)

REFERENCE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "article-page.txt"
)
AD_MARKER = "Publicité"
COMMENT_COUNT = re.compile(r"^\d+\s+réponses?$")
QUOTE = re.compile(r"«\s*(.+?)\s*»")


@dataclass
class ReferenceArticle:
    """The parts of the reference page, in reading order."""

    headline: str
    credit: str
    body: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    ads_in_body: int = 0

    @property
    def paragraphs(self):
        return [text for kind, text in self.body if kind == "paragraph"]

    @property
    def subheads(self):
        return [text for kind, text in self.body if kind == "subheading"]

    @property
    def quote(self):
        for paragraph in self.paragraphs:
            if match := QUOTE.search(paragraph):
                return match.group(1)
        return None


def parse_reference(text):
    """Split the reference page into headline, credit, paragraphs and subheads.

    Blocks are separated by blank lines. The article ends at the comment count
    ("N réponses"). A block is a subheading when it is short and has no final
    punctuation.
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    headline, credit, *rest = blocks
    article = ReferenceArticle(headline=headline, credit=credit)
    for block in rest:
        if COMMENT_COUNT.match(block):
            break
        if block == AD_MARKER:
            article.ads_in_body += 1
            article.body.append(("ad", block))
        elif len(block) < 120 and not block.endswith((".", "»", "!", "?", ":")):
            article.body.append(("subheading", block))
        else:
            article.body.append(("paragraph", block))
    return article


class Outline(HTMLParser):
    """Collect the text of h1, h2, blockquote, figcaption and ad labels."""

    TAGS = {"h1", "h2", "blockquote", "figcaption", "p", "section", "figure"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.found = []  # (tag, attrs, text)

    @override
    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.stack.append([tag, dict(attrs), ""])

    @override
    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                item = self.stack.pop(index)
                item[2] = " ".join(item[2].split())
                self.found.append(tuple(item))
                break

    @override
    def handle_data(self, data):
        for item in self.stack:
            item[2] += data

    def texts(self, tag, css_class=None):
        return [
            text
            for t, attrs, text in self.found
            if t == tag and (css_class is None or css_class in attrs.get("class", ""))
        ]


@pytest.fixture
def reference():
    if not REFERENCE.is_file():
        pytest.skip(f"shared reference page not found at {REFERENCE}")
    return parse_reference(REFERENCE.read_text(encoding="utf-8"))


def test_reference_parser_finds_every_part(reference):
    assert reference.headline
    assert reference.credit.startswith("Photo")
    assert len(reference.paragraphs) >= 4
    assert len(reference.subheads) >= 1
    assert reference.quote
    assert reference.ads_in_body == 1


@pytest.mark.django_db
def test_article_page_matches_reference_structure(client, news_site, reference):
    section = SectionPageFactory(parent=news_site, slug="tech")
    position = [kind for kind, _ in reference.body if kind != "subheading"].index("ad")
    AdSlotFactory(
        position=f"after_paragraph_{position}", html="<div>Annonce de test</div>"
    )
    AdSlotFactory(position=AdPosition.AFTER_BODY, html="<div>Annonce de fin</div>")
    body: list[tuple[str, Any]] = []
    for kind, text in reference.body:
        if kind == "paragraph":
            body.append(("paragraph", f"<p>{html.escape(text)}</p>"))
        elif kind == "subheading":
            body.append(("subheading", text))
    first_subhead = next(i for i, (k, _) in enumerate(body) if k == "subheading")
    body.insert(first_subhead, ("quote", {"quote": reference.quote, "attribution": ""}))
    article = ArticlePageFactory(
        parent=section,
        title=reference.headline,
        hero_image=NewsImageFactory(credit=reference.credit, caption=""),
        body=body,
    )

    response = client.get(article.url)

    assert response.status_code == 200
    outline = Outline()
    outline.feed(response.content.decode())
    assert outline.texts("h1") == [reference.headline]
    assert reference.credit in outline.texts("figcaption")[0]
    subheads = outline.texts("h2")
    for subhead in reference.subheads:
        assert subhead in subheads
    assert [q for q in outline.texts("blockquote") if reference.quote in q]
    rendered = [" ".join(p.split()) for p in outline.texts("p")]
    positions = [rendered.index(" ".join(p.split())) for p in reference.paragraphs]
    assert positions == sorted(positions)
    labels = outline.texts("p", "ad__label")
    assert labels == ["Publicité", "Publicité"]
    page = response.content.decode()
    assert page.index("Annonce de test") < page.index(
        html.escape(reference.subheads[0])
    )
    assert [
        s
        for s, attrs, _ in outline.found
        if s == "section" and attrs.get("id") == "comments"
    ]
