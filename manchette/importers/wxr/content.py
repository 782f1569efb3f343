"""Turn WordPress post HTML into neutral body blocks (pure, no Django).

WordPress stores classic-editor posts without ``<p>`` tags (``wpautop`` adds
them on display), wraps block-editor markup in ``<!-- wp:… -->`` comments, and
mixes in shortcodes. :func:`html_to_blocks` undoes all three, sanitises what is
left with :mod:`nh3` and splits it at the top level into:

* ``Block("paragraph", html)`` — rich text limited to :data:`RICH_TAGS`;
* ``Block("subheading", text)`` — any ``<h1>``…``<h6>``;
* ``Block("quote", text)`` — a ``<blockquote>``;
* ``Block("image", src, caption=…, attachment_id=…)`` — an ``<img>``, a
  ``<figure>`` or a ``[caption]`` shortcode;
* ``Block("embed", url)`` — an ``[embed]`` shortcode or a URL alone on a line.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from typing import override

import nh3

__all__ = ["Block", "html_to_blocks", "html_to_text"]

#: Inline markup kept inside paragraphs (the Wagtail rich-text features used).
RICH_TAGS = frozenset({"a", "b", "strong", "i", "em", "sup", "br", "ul", "ol", "li"})
_STRUCTURE_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption"}
    | {"img", "div", "section", "pre", "code", "table", "tr", "td", "th"}
)
_ALLOWED_TAGS = RICH_TAGS | _STRUCTURE_TAGS
_ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "class"}}
_BLOCK_COMMENT = re.compile(
    r"<!--\s*/?wp:.*?-->|<!--\s*(?:more|nextpage|noteaser).*?-->", re.S
)
_CAPTION = re.compile(
    r"\[(?:caption|wp_caption)(?P<attrs>[^\]]*)\](?P<body>.*?)\[/(?:caption|wp_caption)\]",
    re.S,
)
_EMBED = re.compile(r"\[embed[^\]]*\](?P<url>.*?)\[/embed\]", re.S)
#: A shortcode tag: ``[name …]`` or ``[/name]``. The name must start with a
#: letter, so ``[...]``, ``[1]`` and ``[ ]`` in prose are left alone.
_SHORTCODE = re.compile(r"\[/?[A-Za-z][\w-]*(?:\s[^\[\]]*)?/?\]")
_ATTACHMENT_ID = re.compile(r"(?:attachment_|wp-image-)(\d+)")
_BARE_URL = re.compile(r"^\s*(https?://\S+)\s*$")
_EMBED_HOSTS = re.compile(
    r"^https?://(?:www\.)?(?:youtube\.com|youtu\.be|vimeo\.com|twitter\.com|x\.com|"
    r"soundcloud\.com|dailymotion\.com)/",
)
_BLANK_LINES = re.compile(r"\n\s*\n")
_BLOCK_LEVEL = re.compile(
    r"^\s*<(?:p|h[1-6]|blockquote|figure|ul|ol|div|table|pre|section)\b", re.I
)


@dataclasses.dataclass(frozen=True, slots=True)
class Block:
    """One body block: ``kind`` and its main ``value`` (HTML, text or URL)."""

    kind: str
    value: str
    caption: str = ""
    attachment_id: int | None = None


def _autop(text: str) -> str:
    """Wrap blank-line-separated runs of inline content in ``<p>`` (``wpautop``)."""
    parts = []
    for chunk in _BLANK_LINES.split(text):
        stripped = chunk.strip()
        if not stripped:
            continue
        if _BLOCK_LEVEL.match(stripped):
            parts.append(stripped)
        else:
            parts.append("<p>" + stripped.replace("\n", "<br>") + "</p>")
    return "\n".join(parts)


def _caption_to_figure(match: re.Match[str]) -> str:
    attrs, body = match["attrs"], match["body"]
    image = re.search(r"<img\b[^>]*>", body)
    if image is None:
        return body
    caption = re.sub(r"<a\b[^>]*>|</a>", "", body.replace(image.group(0), "")).strip()
    tag = image.group(0)
    found = _ATTACHMENT_ID.search(attrs)
    if found and "wp-image-" not in tag:
        tag = tag.replace("<img", f'<img class="wp-image-{found.group(1)}"', 1)
    return f"\n\n<figure>{tag}<figcaption>{caption}</figcaption></figure>\n\n"


def _embed_marker(match: re.Match[str]) -> str:
    url = html.escape(match["url"].strip(), quote=True)
    return f'\n\n<div data-embed="{url}"></div>\n\n' if url else ""


class _Splitter(HTMLParser):
    """Split sanitised HTML into top-level blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.buffer: list[str] = []
        self.text: list[str] = []
        self.image: tuple[str, int | None] | None = None
        self.caption: list[str] = []
        self.in_caption = False

    # -- helpers -------------------------------------------------------------
    def _flush_paragraph(self) -> None:
        markup = "".join(self.buffer).strip()
        self.buffer = []
        if re.sub(r"<[^>]+>|\s|&nbsp;", "", markup):
            is_list = re.fullmatch(r"<(ul|ol)>.*</\1>", markup, re.S) is not None
            html_value = markup if is_list else f"<p>{markup}</p>"
            self.blocks.append(Block("paragraph", html_value))

    def _top(self) -> str:
        return self.stack[0] if self.stack else ""

    # -- HTMLParser callbacks --------------------------------------------------
    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "img":
            found = _ATTACHMENT_ID.search(attributes.get("class", ""))
            image = (attributes.get("src", ""), int(found.group(1)) if found else None)
            if self._top() == "figure":
                self.image = image
            else:
                self._flush_paragraph()
                self.blocks.append(Block("image", image[0], attachment_id=image[1]))
            return
        if tag == "br":
            self.buffer.append("<br>")
            return
        if tag == "div" and "data-embed" in attributes:
            self._flush_paragraph()
            self.blocks.append(Block("embed", attributes["data-embed"]))
            return
        if not self.stack and tag in {"h1", "h2", "h3", "h4", "h5", "h6"} | {
            "blockquote",
            "figure",
        }:
            self._flush_paragraph()
            self.text = []
            self.image = None
            self.caption = []
        if tag == "figcaption":
            self.in_caption = True
        self.stack.append(tag)
        if tag in RICH_TAGS and self._top() not in {"figure"}:
            href = attributes.get("href", "")
            attr = f' href="{html.escape(href, quote=True)}"' if tag == "a" else ""
            self.buffer.append(f"<{tag}{attr}>")
        elif (
            tag in {"p", "div", "section", "pre", "table", "tr"}
            and len(self.stack) == 1
        ):
            self._flush_paragraph()

    @override
    def handle_endtag(self, tag: str) -> None:
        if tag in {"img", "br"} or tag not in self.stack:
            return
        while self.stack:
            closed = self.stack.pop()
            if closed == tag:
                break
        if tag == "figcaption":
            self.in_caption = False
        if tag in RICH_TAGS and self._top() != "figure":
            self.buffer.append(f"</{tag}>")
        if self.stack:
            return
        text = " ".join("".join(self.text).split())
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            if text:
                self.blocks.append(Block("subheading", text))
        elif tag == "blockquote":
            if text:
                self.blocks.append(Block("quote", text))
        elif tag == "figure":
            caption = " ".join("".join(self.caption).split())
            if self.image is not None:
                self.blocks.append(
                    Block(
                        "image",
                        self.image[0],
                        caption=caption,
                        attachment_id=self.image[1],
                    )
                )
        else:
            self._flush_paragraph()
        self.text = []

    @override
    def handle_data(self, data: str) -> None:
        top = self._top()
        if self.in_caption:
            self.caption.append(data)
        elif top in {"h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}:
            self.text.append(data)
            if top == "blockquote" and data.strip():
                self.text.append(" ")
        elif top != "figure":
            self.buffer.append(html.escape(data, quote=False))

    @override
    def close(self) -> None:
        super().close()
        self.stack = []
        self._flush_paragraph()


def html_to_blocks(content: str) -> list[Block]:
    """Return the body blocks of a WordPress post's ``content:encoded``.

    Block-editor comments and ``<!--more-->``/``<!--nextpage-->`` are removed,
    ``[caption]`` becomes an image with its caption, ``[embed]URL[/embed]`` and
    a lone video URL become embeds, every other shortcode tag is dropped (its
    enclosed text is kept), and classic content gets its paragraphs back.
    Scripts, styles, event handlers and unknown tags are removed by nh3.
    """
    text = _BLOCK_COMMENT.sub("", content.replace("\r\n", "\n"))
    text = _CAPTION.sub(_caption_to_figure, text)
    text = _EMBED.sub(_embed_marker, text)
    text = "\n".join(
        (
            f'<div data-embed="{html.escape(line.strip(), quote=True)}"></div>'
            if (bare := _BARE_URL.match(line)) and _EMBED_HOSTS.match(bare.group(1))
            else line
        )
        for line in text.split("\n")
    )
    text = _SHORTCODE.sub("", text)
    text = _autop(text)
    clean = nh3.clean(
        text,
        tags=set(_ALLOWED_TAGS),
        attributes={
            **{key: set(value) for key, value in _ALLOWED_ATTRIBUTES.items()},
            "div": {"data-embed"},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    splitter = _Splitter()
    splitter.feed(clean)
    splitter.close()
    return splitter.blocks


def html_to_text(content: str) -> str:
    """Return the plain text of a comment's HTML, paragraphs kept as blank lines."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", content)
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = nh3.clean(text, tags=set(), strip_comments=True)
    return html.unescape(text).strip()
