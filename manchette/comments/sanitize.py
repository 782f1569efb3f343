"""Input normalisation and output sanitising for comment text.

Comments are stored as plain text. On the way in, :func:`clean_text`, :func:`clean_name`
and :func:`clean_url` strip what must never be stored (NUL bytes, control characters,
bidirectional override and isolate characters, lone surrogates) and turn a value that
would draw nothing (zero-width characters only, see :func:`is_blank`) into ``""``.
On the way out, :func:`render_body` escapes the text, builds paragraphs, turns
http(s) URLs into links and passes the result through an nh3 allow-list, so the
output is safe even if a row was written by a path that skipped the input cleaning.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

LINK_REL = "nofollow ugc noopener"
ALLOWED_TAGS = frozenset({"p", "br", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = frozenset({"http", "https"})

# Embedding, override (U+202A-U+202E) and isolate (U+2066-U+2069) controls can
# reorder the text around them ("Trojan Source"); the page gives each comment its
# own direction with dir="auto" and <bdi> instead.
BIDI_CONTROLS = frozenset(
    chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
# A lone surrogate (U+D800-U+DFFF) is not a character: JSON ("\\ud800") and
# Python callers can carry one, but no UTF-8 text (database, page, email) can
# hold it, so it would fail later (HTTP 500). Every cleaner drops it.
SURROGATES = range(0xD800, 0xE000)
_SURROGATE_TABLE: dict[int, None] = dict.fromkeys(SURROGATES)
_URL_RE = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_LINK_COUNT_RE = re.compile(r"\bhttps?://|\bwww\.", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}»’\"'"
_URL_FORBIDDEN = frozenset("<>\"'`\\ ")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_SPACES_RE = re.compile(r"\s+")


def _unsafe_table(*, keep_newlines: bool) -> dict[int, str | None]:
    r"""Return the ``str.translate`` table that drops or replaces unsafe characters.

    Bidi controls, lone surrogates and control characters (Unicode category ``Cc``:
    U+0000-U+001F and U+007F-U+009F) are dropped, except a tab (a space), a line feed
    (kept in multi-line text, a space otherwise) and the other line-ending controls
    (``\r``, ``\v``, ``\f``, U+0085: a space). U+2028 and U+2029 become a line feed in
    multi-line text and a space otherwise.
    """
    table: dict[int, str | None] = {}
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        table[code] = " " if chr(code) in "\n\r\v\f\x85" else None
    table[ord("\t")] = " "
    if keep_newlines:
        table[ord("\n")] = "\n"
    for char in "\u2028\u2029":
        table[ord(char)] = "\n" if keep_newlines else " "
    for char in BIDI_CONTROLS:
        table[ord(char)] = None
    for code in SURROGATES:
        table[code] = None
    return table


# One translate pass per string instead of a Python call per character.
_UNSAFE_MULTILINE = _unsafe_table(keep_newlines=True)
_UNSAFE_SINGLE_LINE = _unsafe_table(keep_newlines=False)


# Characters that draw nothing but are not whitespace to ``str.isspace``:
# Unicode format characters (category Cf: zero-width space U+200B, joiners,
# word joiner U+2060, soft hyphen U+00AD, BOM U+FEFF…) and blank letters
# (Hangul fillers, braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(value: str) -> bool:
    """Return whether ``value`` would draw nothing (only whitespace or invisibles).

    A body or a name made of zero-width characters passes a "required" check
    but shows an empty comment or an invisible author; the cleaners turn such
    a value into ``""`` so the usual "this field is required" refusal applies.
    Joiners inside visible text are kept (Arabic, Persian and emoji need them).
    """
    return all(
        char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"
        for char in value
    )


def strip_surrogates(value: str) -> str:
    """Return ``value`` without lone surrogates (U+D800-U+DFFF), nothing else changed.

    For text that is not a comment field but must be encodable (tokens, keys).
    """
    return value.translate(_SURROGATE_TABLE)


def strip_unsafe(value: str, *, multiline: bool = True) -> str:
    """Return ``value`` without NUL, control, bidi control or lone surrogate characters.

    Lighter than :func:`clean_text`: nothing else changes, so it fits raw form
    input that may be shown back to its author.
    """
    return value.translate(_UNSAFE_MULTILINE if multiline else _UNSAFE_SINGLE_LINE)


def clean_text(value: str) -> str:
    """Return ``value`` normalised for storage as a comment body.

    NFC-normalises, turns CRLF and CR into LF, drops NUL bytes, other control
    characters, bidi override/isolate characters and lone surrogates, trims
    trailing spaces on each line and collapses runs of blank lines. The length
    limits apply to the result (counted in characters, not bytes).
    """
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_UNSAFE_MULTILINE)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_LINES_RE.sub("\n\n", text).strip()
    return "" if is_blank(text) else text


def clean_name(value: str) -> str:
    """Return ``value`` as a single-line display name (same character rules)."""
    text = unicodedata.normalize("NFC", value).translate(_UNSAFE_SINGLE_LINE)
    text = _SPACES_RE.sub(" ", text).strip()
    return "" if is_blank(text) else text


def clean_url(value: str) -> str:
    """Return a validated http(s) URL, or ``""`` for an empty value.

    A bare host such as ``example.org`` gets ``https://``. Raise
    ``ValidationError`` for any other scheme (``javascript:``, ``data:``…) or a
    malformed address.
    """
    url = clean_name(value)
    if not url:
        return ""
    if "://" not in url and ":" not in url.split("/", 1)[0]:
        url = "https://" + url
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 host
        scheme = ""
    if scheme not in ALLOWED_SCHEMES or not _URL_FORBIDDEN.isdisjoint(url):
        raise ValidationError(
            _("Enter a web address starting with http:// or https://."),
            code="url_scheme",
        )
    URLValidator(schemes=sorted(ALLOWED_SCHEMES))(url)
    return url


def count_links(text: str) -> int:
    """Return how many web addresses (``http(s)://`` or ``www.``) ``text`` holds."""
    return len(_LINK_COUNT_RE.findall(text))


def _linkify(text: str) -> str:
    """Escape ``text`` and wrap each http(s) URL in a link (one regex pass)."""
    parts: list[str] = []
    position = 0
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        parts.append(html.escape(text[position : match.start()]))
        href = html.escape(url)
        parts.append(f'<a href="{href}">{href}</a>')
        position = match.start() + len(url)
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def sanitize_html(markup: str) -> str:
    """Return ``markup`` restricted to paragraphs, line breaks and http(s) links."""
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )


@functools.lru_cache(maxsize=1024)
def _body_html(text: str) -> str:
    escaped = _linkify(clean_text(text))
    return sanitize_html(
        "".join(
            "<p>" + paragraph.replace("\n", "<br>") + "</p>"
            for paragraph in escaped.split("\n\n")
            if paragraph.strip()
        )
    )


def render_body(text: str) -> SafeString:
    """Return the HTML for a stored plain-text body.

    Blank lines separate paragraphs, single newlines become ``<br>``, http(s)
    URLs become ``rel="nofollow ugc noopener"`` links, and nh3 sanitises the
    result. Any markup typed by the author is shown as text.

    Each body costs one ``translate``, one URL regex pass and one ``nh3.clean``
    call; the result of the last 1,024 distinct bodies is kept per process
    (the output depends on nothing but ``text``).
    """
    return mark_safe(_body_html(text))  # noqa: S308 - nh3 output
