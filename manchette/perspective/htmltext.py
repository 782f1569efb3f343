"""HTML comment text to plain text, keeping a map back to the original offsets.

``comment.type == "HTML"`` asks the API to score the text a reader sees. Tags,
comments and ``<script>``/``<style>`` blocks are dropped, block-level tags
become one space (so words on both sides stay apart), character references are
decoded. Span offsets computed on the plain text are mapped back to the HTML the
client sent, so ``html[begin:end]`` covers the flagged words there. Pure Python.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["PlainText", "html_to_text"]

_TOKEN = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<raw><(?P<rawtag>script|style)\b[^>]*>.*?(?:</(?P=rawtag)\s*>|\Z))"
    r"|(?P<tag></?(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});)",
    re.DOTALL | re.IGNORECASE,
)

_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl"),
        *("dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5"),
        *("h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"),
        *("table", "td", "th", "tr", "ul"),
    }
)


@dataclass(frozen=True, slots=True)
class PlainText:
    """Plain text plus, for each of its code points, the offset in the source.

    ``origin`` has ``len(text) + 1`` entries; the last is ``len(source)``.
    """

    text: str
    origin: tuple[int, ...]

    def source_span(self, begin: int, end: int) -> tuple[int, int]:
        """Map ``[begin, end)`` in :attr:`text` to ``[begin, end)`` in the source."""
        if end <= begin:
            start = self.origin[begin]
            return start, start
        return self.origin[begin], self.origin[end - 1] + 1


def html_to_text(source: str) -> PlainText:
    """Return the visible text of the HTML fragment ``source`` with its offset map.

    Examples
    --------
    >>> plain = html_to_text("<p>Tu es <b>b&ecirc;te</b></p>")
    >>> plain.text
    'Tu es bête '
    >>> plain.source_span(6, 10)
    (12, 22)
    """
    chars: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _TOKEN.finditer(source):
        for index in range(position, match.start()):
            chars.append(source[index])
            origin.append(index)
        position = match.end()
        if match.group("entity"):
            decoded = html.unescape(match.group("entity"))
            chars.extend(decoded)
            origin.extend([match.start()] * len(decoded))
        elif match.group("tag"):
            name = match.group("name").lower()
            if name in _BLOCK and chars and not chars[-1].isspace():
                chars.append(" ")
                origin.append(match.start())
    for index in range(position, len(source)):
        chars.append(source[index])
        origin.append(index)
    origin.append(len(source))
    return PlainText("".join(chars), tuple(origin))
