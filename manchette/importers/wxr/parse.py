"""Streaming, pure-Python reader for WordPress eXtended RSS (WXR 1.0 to 1.2).

The parser has no Django dependency. It turns an export into frozen
dataclasses (:class:`WxrSite`, :class:`WxrAuthor`, :class:`WxrTerm`,
:class:`WxrPost` with its :class:`WxrComment` tuple) and yields them one by one,
so memory stays bounded by the largest single ``<item>`` whatever the file size.

Design decisions, each driven by a real WordPress quirk:

* Elements are matched on their **namespace URI**, never on their prefix: a
  ``wp:`` prefix re-bound to another URI is ignored, and every WordPress export
  URI (``http``/``https``, ``/1.0/``, ``/1.1/``, ``/1.2/``) is accepted.
* The XML parser is expat through :mod:`defusedxml` with DTDs refused, so an
  entity-expansion bomb or an external entity is stopped at the ``<!DOCTYPE``.
* Text values are trimmed the way PHP's ``trim()`` does it (space, tab, line
  feed, carriage return, NUL, vertical tab) so that Unicode spaces and
  zero-width characters survive byte for byte.
* Adjacent CDATA sections (WordPress splits ``]]>`` as ``]]]]><![CDATA[>``)
  are concatenated by the XML parser itself.
* Serialised PHP meta values are kept as opaque strings.
* Dates come from the ``*_gmt`` fields as aware UTC datetimes; a zero GMT date
  (``0000-00-00 00:00:00``, common on drafts) falls back to the local date read
  in the site's time zone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "WxrAuthor",
    "WxrComment",
    "WxrDocument",
    "WxrError",
    "WxrMeta",
    "WxrPost",
    "WxrPostTerm",
    "WxrSite",
    "WxrTerm",
    "iter_wxr",
    "parse_wxr",
]

WP_NAMESPACES = frozenset(
    f"{scheme}://wordpress.org/export/{version}/"
    for scheme in ("http", "https")
    for version in ("1.0", "1.1", "1.2")
)
EXCERPT_NAMESPACES = frozenset(f"{uri}excerpt/" for uri in WP_NAMESPACES)
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
SUPPORTED_VERSIONS = frozenset({"1.0", "1.1", "1.2"})
VERSION_ERROR = (
    "This does not appear to be a WXR file: missing/invalid WXR version number"
)
#: Characters stripped by PHP's ``trim()``; WordPress trims with exactly these.
PHP_TRIM = " \t\n\r\0\x0b"
ZERO_DATE = "0000-00-00 00:00:00"
CHUNK_SIZE = 64 * 1024
_TAG_RE = re.compile(r"^\{(?P<ns>[^}]*)\}(?P<local>.*)$")


class WxrError(ValueError):
    """A WXR file that cannot be read: not XML, truncated, refused, or not WXR.

    ``line`` and ``column`` (1-based) locate the problem when the XML parser
    knows where it is; both are ``None`` for whole-file problems such as a
    missing version number.
    """

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{message}{where}")


@dataclasses.dataclass(frozen=True, slots=True)
class WxrMeta:
    """One ``wp:postmeta``/``wp:commentmeta``/``wp:termmeta`` pair (value opaque)."""

    key: str
    value: str


@dataclasses.dataclass(frozen=True, slots=True)
class WxrSite:
    """Channel-level facts about the exporting site."""

    title: str
    link: str
    description: str
    language: str
    wxr_version: str
    base_site_url: str
    base_blog_url: str

    @property
    def source(self) -> str:
        """Return the URL that identifies the export's origin for idempotency."""
        return (self.base_blog_url or self.base_site_url or self.link).rstrip("/")


@dataclasses.dataclass(frozen=True, slots=True)
class WxrAuthor:
    """A declared ``wp:author``; ``login`` is what items reference."""

    id: int
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclasses.dataclass(frozen=True, slots=True)
class WxrTerm:
    """A channel-level term: ``taxonomy`` is ``category``, ``post_tag`` or custom.

    ``parent`` is the parent's **slug** (empty at the top); ``slug`` is
    percent-decoded.
    """

    id: int
    taxonomy: str
    slug: str
    name: str
    parent: str
    description: str
    meta: tuple[WxrMeta, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class WxrPostTerm:
    """A term attached to an item (``<category domain=… nicename=…>``).

    WXR 1.0 writes tags as ``domain="tag"``; it is normalised to ``post_tag``.
    """

    domain: str
    slug: str
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class WxrComment:
    """A ``wp:comment``; ``approved`` is WordPress's raw value (``'1'``, ``'0'``, …)."""

    id: int
    parent: int
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: dt.datetime | None
    content: str
    approved: str
    type: str
    user_id: int
    meta: tuple[WxrMeta, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class WxrPost:
    """An ``<item>``: any post type (post, page, attachment, nav_menu_item…).

    ``id`` is 0 when the item carries no ``wp:post_id`` in a WordPress
    namespace. ``type`` and ``status`` are the raw values ('' when absent;
    the loader picks the defaults). ``slug`` is percent-decoded.
    """

    id: int
    type: str
    status: str
    title: str
    slug: str
    link: str
    guid: str
    content: str
    excerpt: str
    date: dt.datetime | None
    modified: dt.datetime | None
    author_login: str
    parent: int
    menu_order: int
    password: str
    sticky: bool
    comment_status: str
    attachment_url: str
    terms: tuple[WxrPostTerm, ...] = ()
    meta: tuple[WxrMeta, ...] = ()
    comments: tuple[WxrComment, ...] = ()

    def meta_value(self, key: str) -> str | None:
        """Return the last value stored under ``key``, or ``None``."""
        found = None
        for item in self.meta:
            if item.key == key:
                found = item.value
        return found


type WxrRecord = WxrSite | WxrAuthor | WxrTerm | WxrPost


@dataclasses.dataclass(frozen=True, slots=True)
class WxrDocument:
    """A whole export held in memory: convenient for small files and tests."""

    site: WxrSite
    authors: tuple[WxrAuthor, ...]
    terms: tuple[WxrTerm, ...]
    posts: tuple[WxrPost, ...]


@functools.lru_cache(maxsize=512)
def _split(tag: str) -> tuple[str, str]:
    match = _TAG_RE.match(tag)
    if match is None:
        return "", tag
    return match["ns"], match["local"]


def _is_wp(tag: str, local: str) -> bool:
    ns, name = _split(tag)
    return name == local and ns in WP_NAMESPACES


def _trim(value: str | None) -> str:
    return (value or "").strip(PHP_TRIM)


def _text(element: Element) -> str:
    return _trim("".join(element.itertext()))


class _Fields:
    """The children of one element, indexed once by WordPress local name.

    The **last** child in a WordPress namespace wins, as in WordPress's own
    XML-processor parser.
    """

    __slots__ = ("_wp",)

    def __init__(self, element: Element) -> None:
        self._wp: dict[str, Element] = {}
        for child in element:
            ns, local = _split(child.tag)
            if ns in WP_NAMESPACES:
                self._wp[local] = child

    def __call__(self, local: str) -> str:
        found = self._wp.get(local)
        return _text(found) if found is not None else ""


def _wp(element: Element, local: str) -> str:
    """Return the trimmed text of the **last** WordPress-namespaced child."""
    return _Fields(element)(local)


def _child(element: Element, namespaces: frozenset[str] | str, local: str) -> str:
    for child in element:
        ns, name = _split(child.tag)
        in_ns = (
            ns in namespaces if isinstance(namespaces, frozenset) else ns == namespaces
        )
        if name == local and in_ns:
            return _text(child)
    return ""


def _plain(element: Element, local: str) -> str:
    """Return the text of an un-namespaced RSS child (``title``, ``link``…)."""
    for child in element:
        if child.tag == local:
            return _text(child)
    return ""


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _slug(value: str) -> str:
    return unquote(value, errors="strict") if "%" in value else value


def _date(gmt: str, local: str, site_timezone: dt.tzinfo) -> dt.datetime | None:
    """Return an aware UTC datetime from a GMT field, else from the local one."""
    for raw, zone in ((gmt, dt.UTC), (local, site_timezone)):
        if not raw or raw.startswith("0000-00-00"):
            continue
        try:
            naive = dt.datetime.fromisoformat(raw)
        except ValueError:
            continue
        if naive.tzinfo is not None:
            return naive.astimezone(dt.UTC)
        return naive.replace(tzinfo=zone).astimezone(dt.UTC)
    return None


def _metas(element: Element, local: str) -> tuple[WxrMeta, ...]:
    metas = []
    for child in element:
        if _is_wp(child.tag, local):
            field = _Fields(child)
            metas.append(WxrMeta(key=field("meta_key"), value=field("meta_value")))
    return tuple(metas)


def _author(element: Element) -> WxrAuthor:
    field = _Fields(element)
    return WxrAuthor(
        id=_int(field("author_id")),
        login=field("author_login"),
        email=field("author_email"),
        display_name=field("author_display_name"),
        first_name=field("author_first_name"),
        last_name=field("author_last_name"),
    )


def _term(element: Element, kind: str) -> WxrTerm:
    field = _Fields(element)
    if kind == "category":
        return WxrTerm(
            id=_int(field("term_id")),
            taxonomy="category",
            slug=_slug(field("category_nicename")),
            name=field("cat_name"),
            parent=_slug(field("category_parent")),
            description=field("category_description"),
            meta=_metas(element, "termmeta"),
        )
    if kind == "tag":
        return WxrTerm(
            id=_int(field("term_id")),
            taxonomy="post_tag",
            slug=_slug(field("tag_slug")),
            name=field("tag_name"),
            parent="",
            description=field("tag_description"),
            meta=_metas(element, "termmeta"),
        )
    return WxrTerm(
        id=_int(field("term_id")),
        taxonomy=field("term_taxonomy"),
        slug=_slug(field("term_slug")),
        name=field("term_name"),
        parent=_slug(field("term_parent")),
        description=field("term_description"),
        meta=_metas(element, "termmeta"),
    )


def _comment(element: Element, site_timezone: dt.tzinfo) -> WxrComment:
    field = _Fields(element)
    return WxrComment(
        id=_int(field("comment_id")),
        parent=_int(field("comment_parent")),
        author=field("comment_author"),
        author_email=field("comment_author_email"),
        author_url=field("comment_author_url"),
        author_ip=field("comment_author_IP"),
        date=_date(
            field("comment_date_gmt"),
            field("comment_date"),
            site_timezone,
        ),
        content=field("comment_content"),
        approved=field("comment_approved"),
        type=field("comment_type"),
        user_id=_int(field("comment_user_id")),
        meta=_metas(element, "commentmeta"),
    )


def _post_terms(element: Element) -> tuple[WxrPostTerm, ...]:
    terms: list[WxrPostTerm] = []
    for child in element:
        # WXR 1.0 repeats each term without ``nicename`` (and sometimes
        # without ``domain``); like WordPress, only the full form counts.
        if child.tag != "category" or "nicename" not in child.attrib:
            continue
        domain = child.attrib.get("domain", "category")
        term = WxrPostTerm(
            domain="post_tag" if domain == "tag" else domain,
            slug=_slug(child.attrib["nicename"]),
            name=_text(child),
        )
        if term not in terms:
            terms.append(term)
    return tuple(terms)


def _post(element: Element, site_timezone: dt.tzinfo) -> WxrPost:
    field = _Fields(element)
    return WxrPost(
        id=_int(field("post_id")),
        type=field("post_type"),
        status=field("status"),
        title=_plain(element, "title"),
        slug=_slug(field("post_name")),
        link=_plain(element, "link"),
        guid=_plain(element, "guid"),
        content=_child(element, CONTENT_NS, "encoded"),
        excerpt=_child(element, EXCERPT_NAMESPACES, "encoded"),
        date=_date(field("post_date_gmt"), field("post_date"), site_timezone),
        modified=_date(
            field("post_modified_gmt"),
            field("post_modified"),
            site_timezone,
        ),
        author_login=_child(element, DC_NS, "creator"),
        parent=_int(field("post_parent")),
        menu_order=_int(field("menu_order")),
        password=field("post_password"),
        sticky=field("is_sticky") == "1",
        comment_status=field("comment_status"),
        attachment_url=field("attachment_url"),
        terms=_post_terms(element),
        meta=_metas(element, "postmeta"),
        comments=tuple(
            _comment(child, site_timezone)
            for child in element
            if _is_wp(child.tag, "comment")
        ),
    )


class _StreamTarget:
    """ElementTree parser target that builds one record subtree at a time.

    Channel-level scalar fields are kept in ``channel``; each ``<item>``,
    ``wp:author``, ``wp:category``, ``wp:tag`` and ``wp:term`` directly under
    ``<channel>`` is built into a small tree, converted, appended to
    ``records`` and then dropped.
    """

    def __init__(self, site_timezone: dt.tzinfo) -> None:
        self.site_timezone = site_timezone
        self.depth = 0
        self.builder: TreeBuilder | None = None
        self.capture_kind = ""
        self.text: list[str] = []
        self.channel: dict[str, str] = {}
        self.records: list[WxrRecord] = []
        self.site: WxrSite | None = None
        self.saw_rss = False
        self.in_channel = False

    def _capture_kind(self, tag: str) -> str:
        if tag == "item":
            return "item"
        ns, local = _split(tag)
        if ns in WP_NAMESPACES and local in {"author", "category", "tag", "term"}:
            return local
        return ""

    def _emit_site(self) -> None:
        if self.site is not None:
            return
        version = self.channel.get("wxr_version", "")
        if version not in SUPPORTED_VERSIONS:
            raise WxrError(VERSION_ERROR)
        self.site = WxrSite(
            title=self.channel.get("title", ""),
            link=self.channel.get("link", ""),
            description=self.channel.get("description", ""),
            language=self.channel.get("language", ""),
            wxr_version=version,
            base_site_url=self.channel.get("base_site_url", ""),
            base_blog_url=self.channel.get("base_blog_url", ""),
        )
        self.records.append(self.site)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1:
            self.saw_rss = tag == "rss"
        elif self.depth == 2:
            self.in_channel = self.saw_rss and tag == "channel"
        if self.builder is None and self.depth == 3 and self.in_channel:
            kind = self._capture_kind(tag)
            if kind:
                self._emit_site()
                self.capture_kind = kind
                self.builder = TreeBuilder()
        if self.builder is not None:
            self.builder.start(tag, attrib)
        else:
            self.text = []

    def data(self, data: str) -> None:
        if self.builder is not None:
            self.builder.data(data)
        elif self.depth == 3 and self.in_channel:
            self.text.append(data)

    def end(self, tag: str) -> None:
        if self.builder is not None:
            self.builder.end(tag)
            if self.depth == 3:
                element = self.builder.close()
                self.builder = None
                self.records.append(self._convert(element))
        elif self.depth == 3 and self.in_channel:
            ns, local = _split(tag)
            if ns in WP_NAMESPACES or not ns:
                self.channel.setdefault(local, _trim("".join(self.text)))
        elif self.depth == 2 and self.in_channel:
            self._emit_site()
        self.depth -= 1

    def _convert(self, element: Element) -> WxrRecord:
        kind = self.capture_kind
        if kind == "item":
            return _post(element, self.site_timezone)
        if kind == "author":
            return _author(element)
        return _term(element, kind)

    def close(self) -> None:
        """Finish the document (expat has already checked well-formedness)."""


def _open(source: str | os.PathLike[str] | IO[bytes]) -> tuple[IO[bytes], bool]:
    if isinstance(source, str | os.PathLike):
        return Path(source).open("rb"), True
    return source, False


def iter_wxr(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    site_timezone: dt.tzinfo = dt.UTC,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[WxrRecord]:
    """Yield the records of a WXR export in file order, streaming.

    The first record is always the :class:`WxrSite`; then come
    :class:`WxrAuthor`, :class:`WxrTerm` and :class:`WxrPost` records in the
    order the file lists them.

    Parameters
    ----------
    source:
        A path, or a binary file object opened for reading.
    site_timezone:
        Time zone used to read local dates whose GMT twin is zero or missing.
    progress:
        Called with the number of bytes read so far after every chunk.

    Raises
    ------
    WxrError
        On malformed or truncated XML (with line and column), on a DTD or
        entity declaration (refused, as a possible XML bomb), and when the
        channel has no supported ``wp:wxr_version`` before its first record.

    """
    handle, owned = _open(source)
    target = _StreamTarget(site_timezone)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    expat = parser.parser
    read = 0
    try:
        while chunk := handle.read(CHUNK_SIZE):
            read += len(chunk)
            try:
                parser.feed(chunk)
            except ParseError as exc:
                line, column = exc.position
                raise WxrError(
                    f"Malformed XML: {_expat_reason(exc)}",
                    line=line,
                    column=column + 1,
                ) from exc
            except DefusedXmlException as exc:
                raise WxrError(
                    "Refused: the file declares a DTD or entities "
                    "(a possible XML bomb); WordPress exports never do",
                    line=expat.CurrentLineNumber,
                    column=expat.CurrentColumnNumber + 1,
                ) from exc
            if progress is not None:
                progress(read)
            yield from target.records
            target.records.clear()
        try:
            parser.close()
        except ParseError as exc:
            line, column = exc.position
            raise WxrError(
                f"Malformed XML: {_expat_reason(exc)}", line=line, column=column + 1
            ) from exc
        if not target.saw_rss:
            raise WxrError(VERSION_ERROR)
        target._emit_site()
        yield from target.records
        target.records.clear()
    finally:
        if owned:
            handle.close()


def _expat_reason(exc: ParseError) -> str:
    """Return expat's message without its own position suffix."""
    return re.sub(r": line \d+, column \d+$", "", str(exc))


def parse_wxr(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    site_timezone: dt.tzinfo = dt.UTC,
) -> WxrDocument:
    """Read a whole export into a :class:`WxrDocument` (keeps every post in memory).

    Raises :class:`WxrError` like :func:`iter_wxr`.
    """
    site: WxrSite | None = None
    authors: list[WxrAuthor] = []
    terms: list[WxrTerm] = []
    posts: list[WxrPost] = []
    for record in iter_wxr(source, site_timezone=site_timezone):
        match record:
            case WxrSite():
                site = record
            case WxrAuthor():
                authors.append(record)
            case WxrTerm():
                terms.append(record)
            case WxrPost():
                posts.append(record)
    if site is None:  # pragma: no cover - iter_wxr always yields a site or raises
        raise WxrError(VERSION_ERROR)
    return WxrDocument(
        site=site, authors=tuple(authors), terms=tuple(terms), posts=tuple(posts)
    )
