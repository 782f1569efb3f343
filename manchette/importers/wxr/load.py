"""Load a parsed WXR export into manchette: pages, authors, images, comments.

The import runs in two passes over the file:

1. **check** — the whole file is parsed (bounded memory) so malformed XML is
   reported with its line and column *before anything is written*; the pass
   also indexes attachments, page parents and slug collisions.
2. **load** — records are written in batches of :data:`BATCH_SIZE` items, each
   batch in one transaction together with its :class:`ImportRecord` rows, so a
   crashed run resumes where it stopped and a re-run of the same file creates
   nothing twice (objects are looked up by ``(site, kind, WordPress id)``).

Mapping (see ``docs/importers.md``): posts → ``ArticlePage`` under the
``SectionPage`` of their first category; pages → ``StandardPage`` under the
home page, nested by ``post_parent``; categories → ``SectionPage`` (nested);
tags → taggit tags; authors → ``Author`` snippets; featured and inline images →
``NewsImage`` (a locally generated placeholder carrying the original URL when
the file is not available locally); comments → the comments app's model,
threaded, then moderated.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.models import Page, Revision, Site
from wagtail.rich_text import RichText

from manchette.comments import get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.privacy import anonymize_ip
from manchette.comments.sanitize import clean_name, clean_text, clean_url
from manchette.comments.services import comment_send_submitted, comment_set_status
from manchette.comments.signals import comment_submitted, comments_changed
from manchette.importers.models import ImportKind, ImportRecord
from manchette.importers.wxr.content import Block, html_to_blocks, html_to_text
from manchette.importers.wxr.indexing import child_relation_names, deferred_indexing
from manchette.importers.wxr.pagetree import PageWriter
from manchette.importers.wxr.parse import (
    WxrAuthor,
    WxrComment,
    WxrPost,
    WxrSite,
    WxrTerm,
    iter_wxr,
)
from manchette.importers.wxr.verdicts import VerdictWorker
from manchette.news.models import (
    ArticlePage,
    ArticlePageAuthor,
    Author,
    HomePage,
    NewsImage,
    SectionPage,
    StandardPage,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from manchette.comments.abstracts import AbstractComment
    from manchette.moderation.engine.types import Submission, Verdict

    #: ``moderation.services.moderate_comments``.
    type _BulkModerate = Callable[..., object]

logger = logging.getLogger(__name__)

__all__ = ["BATCH_SIZE", "ImportOptions", "ImportReport", "import_wxr"]

#: Items written per transaction.
BATCH_SIZE = 200
#: Fewest comments to moderate for which a moderation worker process is
#: started (starting one costs a few seconds of the second core).
WORKER_MIN_COMMENTS = 2000
#: ``comments.Comment.source`` value for comments imported from WordPress.
COMMENT_SOURCE = "wordpress"
READER_COMMENT_TYPES = frozenset({"", "comment"})
PING_TYPES = frozenset({"pingback", "trackback"})
NOTE_TYPE = "note"
FALLBACK_SECTION = "uncategorized"
#: WordPress ``comment_approved`` → status before moderation.
WP_COMMENT_STATUS = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.REMOVED,
    "post-trashed": CommentStatus.REMOVED,
}
_STRICTNESS = {
    CommentStatus.APPROVED: 0,
    CommentStatus.PENDING: 1,
    CommentStatus.REJECTED: 2,
    CommentStatus.SPAM: 3,
    CommentStatus.REMOVED: 3,
}


@dataclasses.dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to run an import.

    ``home`` is the ``HomePage`` that receives sections and pages (default: the
    default site's root page, else the first home page). ``media_dir`` is a
    local copy of ``wp-content/uploads`` used for attachment files.
    """

    site_timezone: dt.tzinfo = dt.UTC
    dry_run: bool = False
    include_trash: bool = False
    home: HomePage | None = None
    media_dir: Path | None = None
    batch_size: int = BATCH_SIZE
    #: Worker processes running the moderation engine while pages are
    #: written (0 or 1; see ``verdicts.py``), used from
    #: ``worker_min_comments`` comments to moderate. Off by default: the
    #: worker saves wall time on two cores but holds a second copy of the
    #: engine (about 300 MB).
    moderation_workers: int = 0
    worker_min_comments: int = WORKER_MIN_COMMENTS


@dataclasses.dataclass
class ImportReport:
    """Counts of what an import did (or would do, for a dry run).

    ``counts[kind][outcome]`` with outcome in ``created``, ``updated``,
    ``unchanged`` and ``skipped``; ``moderation`` counts imported comments by
    their stored status after moderation, ``held_reasons`` why comments that
    WordPress had approved are now held.
    """

    source: str = ""
    dry_run: bool = False
    counts: dict[str, collections.Counter[str]] = dataclasses.field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    skipped_types: collections.Counter[str] = dataclasses.field(
        default_factory=collections.Counter
    )
    orphans: int = 0
    notes_skipped: int = 0
    pings_skipped: int = 0
    moderation: collections.Counter[str] = dataclasses.field(
        default_factory=collections.Counter
    )
    held_reasons: collections.Counter[str] = dataclasses.field(
        default_factory=collections.Counter
    )
    moderation_connected: bool = True
    #: Verdicts computed by the moderation worker process and received.
    worker_verdicts: int = 0
    messages: list[str] = dataclasses.field(default_factory=list)

    def add(self, kind: str, outcome: str, amount: int = 1) -> None:
        """Count ``amount`` objects of ``kind`` with ``outcome``."""
        self.counts[kind][outcome] += amount


@dataclasses.dataclass
class _Index:
    """What the check pass learns about the whole file."""

    site: WxrSite | None = None
    attachments: dict[int, WxrPost] = dataclasses.field(default_factory=dict)
    page_parents: dict[int, int] = dataclasses.field(default_factory=dict)
    slugs: dict[int, str] = dataclasses.field(default_factory=dict)
    items: int = 0
    comments: int = 0
    size: int = 0


def _checksum(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def _safe_slug(raw: str, fallback: str) -> str:
    """Return a Wagtail-valid unicode slug (letters, digits, ``-``, ``_``)."""
    slug = slugify(raw, allow_unicode=True)[:200].strip("-")
    return slug or fallback


def _effective_type(post: WxrPost) -> str:
    return post.type or "post"


def _effective_status(post: WxrPost) -> str:
    # wp_insert_post() defaults a missing status to draft.
    return post.status or "draft"


def _first_category(post: WxrPost) -> str:
    for term in post.terms:
        if term.domain == "category":
            return term.slug
    return FALLBACK_SECTION


def _check(
    path: str | os.PathLike[str],
    options: ImportOptions,
    progress: Callable[[str, int, int], Any] | None,
) -> _Index:
    """Parse the whole file once, indexing what the load pass needs."""
    index = _Index(size=Path(path).stat().st_size)
    seen_slugs: dict[tuple[str, str], list[int]] = collections.defaultdict(list)

    def tick(done: int) -> None:
        if progress is not None:
            progress("check", done, index.size)

    for record in iter_wxr(path, site_timezone=options.site_timezone, progress=tick):
        if isinstance(record, WxrSite):
            index.site = record
        elif isinstance(record, WxrPost):
            index.items += 1
            index.comments += len(record.comments)
            kind = _effective_type(record)
            if kind == "attachment":
                index.attachments[record.id] = dataclasses.replace(record, content="")
            elif kind == "page":
                index.page_parents[record.id] = record.parent
                seen_slugs["page", str(record.parent)].append(record.id)
                index.slugs[record.id] = _safe_slug(
                    record.slug or record.title, f"page-{record.id}"
                )
            elif kind == "post":
                seen_slugs["post", _first_category(record)].append(record.id)
                index.slugs[record.id] = _safe_slug(
                    record.slug or record.title, f"post-{record.id}"
                )
    # Deterministic collision handling: lowest WordPress id keeps the slug.
    for ids in seen_slugs.values():
        taken: set[str] = set()
        for wp_id in sorted(ids):
            base = index.slugs[wp_id]
            slug, counter = base, 1
            while slug in taken:
                counter += 1
                slug = f"{base}-{counter}"
            taken.add(slug)
            index.slugs[wp_id] = slug
    return index


class _Loader:
    """Write one export; every method runs inside the caller's transaction."""

    def __init__(
        self, *, index: _Index, options: ImportOptions, home: Page | None
    ) -> None:
        assert index.site is not None  # noqa: S101 - _check always sets it
        self.site = index.site
        self.source = index.site.source or "wordpress"
        self.source_key = hashlib.sha1(self.source.encode()).hexdigest()[:12]  # noqa: S324
        self.index = index
        self.options = options
        self.home = home
        self.report = ImportReport(source=self.source, dry_run=options.dry_run)
        self.comment_model = get_comment_model()
        self.report.moderation_connected = comment_submitted.has_listeners(
            self.comment_model
        )
        self.deferred_pages: list[WxrPost] = []
        self._ct_cache: dict[type[Any], ContentType] = {}
        self._record_cache: dict[tuple[str, str], ImportRecord | None] = {}
        self._sections: dict[str, Page | None] = {}
        self._child_slugs: dict[int, set[str]] = {}
        self._authors: dict[str, Author | None] = {}
        self._sites: dict[str, Site | None] = {}
        self._new_comments: list[_NewComment] = []
        self.pages = PageWriter()
        self._new_records: list[ImportRecord] = []
        self._new_revisions: list[Page] = []
        self._queued_comments: set[int] = set()
        self._bulk_moderate = (
            _bulk_moderation(self.comment_model)
            if self.report.moderation_connected
            else None
        )
        self.verdict_worker: VerdictWorker | None = None
        self._language_hint: str | None = None
        # Cleaned comment bodies by id() of the parsed comment (alive until
        # its batch is written): the same WordPress id may appear twice.
        self._bodies: dict[int, str] = {}
        self._known_verdicts: Mapping[Submission, Verdict] = {}

    # -- moderation worker ----------------------------------------------------
    def start_verdict_worker(self) -> None:
        """Start a moderation worker process when the import is worth it.

        Only on the bulk moderation path (the moderation app alone listens),
        for a real run, with ``moderation_workers`` set and at least
        ``worker_min_comments`` comments in the file.
        """
        options = self.options
        if (
            self._bulk_moderate is None
            or options.dry_run
            or options.moderation_workers < 1
            or self.index.comments < options.worker_min_comments
            or self.home is None
        ):
            return
        from manchette.moderation.conf import moderation_settings
        from manchette.moderation.services import engine_state

        engine = engine_state().engine
        artifact_dir = (
            str(moderation_settings().ARTIFACT_DIR)
            if engine.classifier is not None
            else None
        )
        self._language_hint = self.home.locale.language_code or None
        self.verdict_worker = VerdictWorker(engine, artifact_dir)

    def submit_verdicts(self, batch: Iterable[object]) -> None:
        """Send the batch's comments to the worker (as moderation will see them).

        Each comment that would be moderated gets the ``Submission``
        ``moderate_comments`` builds for an author without history on a
        page in the home page's language; its cleaned body is kept for the
        comment's row.
        """
        worker = self.verdict_worker
        if worker is None:
            return
        from manchette.moderation.engine.types import AuthorHistory
        from manchette.moderation.engine.types import Submission as EngineSubmission

        submissions: list[Submission] = []
        for record in batch:
            if not isinstance(record, WxrPost):
                continue
            for comment in record.comments:
                if comment.type == NOTE_TYPE or comment.type in PING_TYPES:
                    continue
                wanted = WP_COMMENT_STATUS.get(comment.approved, CommentStatus.PENDING)
                if wanted not in {CommentStatus.APPROVED, CommentStatus.PENDING}:
                    continue
                body = self._comment_body(comment)
                self._bodies[id(comment)] = body
                submissions.append(
                    EngineSubmission(
                        text=body,
                        language_hint=self._language_hint,
                        link_count=None,
                        author_history=AuthorHistory(),
                    )
                )
        worker.submit(submissions)

    def receive_verdicts(self) -> None:
        """Take the worker's verdicts for the batch about to be written."""
        if self.verdict_worker is not None:
            self._known_verdicts = self.verdict_worker.results()

    def forget_batch(self, batch: Iterable[object]) -> None:
        """Drop what was kept for a written batch (bodies, verdicts, records)."""
        for record in batch:
            if isinstance(record, WxrPost):
                for comment in record.comments:
                    self._bodies.pop(id(comment), None)
                    self._record_cache.pop((ImportKind.COMMENT, str(comment.id)), None)
        self._known_verdicts = {}

    def prefetch_records(self, batch: Iterable[object]) -> None:
        """Read the import records of a batch's posts, pages and comments at once.

        One query per kind instead of one per post; keys already known in
        this run are left as they are.
        """
        wanted: dict[str, set[str]] = collections.defaultdict(set)
        for record in batch:
            if not isinstance(record, WxrPost) or record.id <= 0:
                continue
            item_kind: str | None = {
                "post": ImportKind.POST,
                "page": ImportKind.PAGE,
            }.get(_effective_type(record))
            if item_kind is None:
                continue
            wanted[item_kind].add(str(record.id))
            for comment in record.comments:
                wanted[ImportKind.COMMENT].add(str(comment.id))
                if comment.parent:
                    wanted[ImportKind.COMMENT].add(str(comment.parent))
        for kind, keys in wanted.items():
            missing = {key for key in keys if (kind, key) not in self._record_cache}
            if not missing:
                continue
            found = {
                record.external_id: record
                for record in ImportRecord.objects.filter(
                    source=self.source, kind=kind, external_id__in=missing
                )
            }
            for key in missing:
                self._record_cache[kind, key] = found.get(key)

    def close(self) -> None:
        """Stop the moderation worker, if any."""
        if self.verdict_worker is not None:
            self.verdict_worker.close()

    @staticmethod
    def _comment_body(comment: WxrComment) -> str:
        return clean_text(html_to_text(comment.content))

    # -- import records -----------------------------------------------------
    def _record(self, kind: str, external_id: object) -> ImportRecord | None:
        key = (kind, str(external_id))
        if key not in self._record_cache:
            self._record_cache[key] = ImportRecord.objects.filter(
                source=self.source, kind=kind, external_id=str(external_id)
            ).first()
        return self._record_cache[key]

    def _target(self, kind: str, external_id: object) -> Any:
        record = self._record(kind, external_id)
        if record is None or record.content_type is None:
            return None
        model = record.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=record.object_id).first()

    def _remember(
        self,
        kind: str,
        external_id: object,
        obj: Any,
        *,
        checksum: str = "",
        note: str = "",
        source_url: str = "",
    ) -> None:
        if self.options.dry_run:
            self._record_cache[kind, str(external_id)] = ImportRecord(
                source=self.source, kind=kind, external_id=str(external_id)
            )
            return
        model = type(obj)
        if model not in self._ct_cache:
            self._ct_cache[model] = ContentType.objects.get_for_model(model)
        key = (kind, str(external_id))
        fields = {
            "content_type": self._ct_cache[model],
            "object_id": str(obj.pk),
            "checksum": checksum,
            "note": note[:255],
            "source_url": source_url[:2000],
        }
        if key in self._record_cache and self._record_cache[key] is None:
            # Looked up in this run and absent: inserted with the batch's
            # other new records, in one INSERT (flush_pages_written).
            record = ImportRecord(
                source=self.source, kind=kind, external_id=key[1], **fields
            )
            self._new_records.append(record)
        else:
            record, _ = ImportRecord.objects.update_or_create(
                source=self.source, kind=kind, external_id=key[1], defaults=fields
            )
        self._record_cache[key] = record

    # -- authors ------------------------------------------------------------
    def author(self, author: WxrAuthor) -> Author | None:
        """Return the ``Author`` snippet for a declared author (created once)."""
        checksum = _checksum(author)
        record = self._record(ImportKind.AUTHOR, author.login)
        if record is not None:
            existing = self._target(ImportKind.AUTHOR, author.login)
            self.report.add("authors", "unchanged")
            return existing if isinstance(existing, Author) else None
        self.report.add("authors", "created")
        if self.options.dry_run:
            self._remember(ImportKind.AUTHOR, author.login, None)
            return None
        name = author.display_name or " ".join(
            part for part in (author.first_name, author.last_name) if part
        )
        snippet = Author.objects.create(
            name=(name or author.login)[:200], slug=self._author_slug(author.login)
        )
        self._remember(ImportKind.AUTHOR, author.login, snippet, checksum=checksum)
        return snippet

    def _author_slug(self, login: str) -> str:
        # Author.slug is an ASCII SlugField: non-Latin logins get a stable hash.
        digest = hashlib.sha1(login.encode()).hexdigest()[:8]  # noqa: S324
        base = slugify(login)[:180] or f"author-{digest}"
        slug = base
        if Author.objects.filter(slug=slug).exists():
            slug = f"{base}-{digest}"
        return slug

    def author_for_login(self, login: str) -> Author | None:
        """Return the author of a ``dc:creator`` login, creating undeclared ones."""
        if not login:
            return None
        if login in self._authors:
            return self._authors[login]
        found = self._target(ImportKind.AUTHOR, login)
        if isinstance(found, Author) or (
            self.options.dry_run and self._record(ImportKind.AUTHOR, login)
        ):
            self._authors[login] = found if isinstance(found, Author) else None
            return self._authors[login]
        return self.author(
            WxrAuthor(
                id=0,
                login=login,
                email="",
                display_name=login,
                first_name="",
                last_name="",
            )
        )

    # -- sections and tags ----------------------------------------------------
    def term(self, term: WxrTerm) -> None:
        """Create the section of a category or the tag of a ``post_tag``."""
        if term.taxonomy == "category":
            self.section(term.slug, name=term.name, parent_slug=term.parent, term=term)
        elif term.taxonomy == "post_tag":
            self.tag(term.slug, term.name)
        else:
            self.report.skipped_types[f"term:{term.taxonomy}"] += 1

    def section(
        self,
        slug: str,
        *,
        name: str = "",
        parent_slug: str = "",
        term: WxrTerm | None = None,
    ) -> Page | None:
        """Return the ``SectionPage`` of a category slug, creating it if needed."""
        if term is None and slug in self._sections:
            return self._sections[slug]
        existing = self._target(ImportKind.CATEGORY, slug)
        if existing is not None or self._record(ImportKind.CATEGORY, slug):
            if term is not None:
                self.report.add("sections", "unchanged")
            found = existing if isinstance(existing, Page) else None
            self._sections[slug] = found
            return found
        parent: Page | None = self.home
        if parent_slug and parent_slug != slug:
            parent = self.section(parent_slug) or self.home
        self.report.add("sections", "created")
        if self.options.dry_run or parent is None:
            self._remember(ImportKind.CATEGORY, slug, None)
            return None
        title = name or (slug.replace("-", " ").capitalize() if slug else "Section")
        page = SectionPage(
            title=title[:255],
            slug=self._free_slug(parent, _safe_slug(slug, "section")),
            introduction=term.description if term else "",
        )
        self.pages.add_child(parent, page)
        self._remember(ImportKind.CATEGORY, slug, page, checksum=_checksum(term))
        self._sections[slug] = page
        return page

    def tag(self, slug: str, name: str) -> Tag | None:
        """Return the taggit tag of a WordPress tag (by name, created once)."""
        if self._record(ImportKind.TAG, slug) is not None:
            self.report.add("tags", "unchanged")
            found = self._target(ImportKind.TAG, slug)
            return found if isinstance(found, Tag) else None
        self.report.add("tags", "created")
        if self.options.dry_run:
            self._remember(ImportKind.TAG, slug, None)
            return None
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name[:100], slug=self._tag_slug(slug, name))
        self._remember(ImportKind.TAG, slug, tag)
        return tag

    @staticmethod
    def _tag_slug(slug: str, name: str) -> str:
        base = _safe_slug(slug or name, "tag")[:90]
        candidate, counter = base, 1
        while Tag.objects.filter(slug=candidate).exists():
            counter += 1
            candidate = f"{base}-{counter}"
        return candidate

    def _free_slug(self, parent: Page, slug: str) -> str:
        """Return ``slug`` or ``slug-N``, free among ``parent``'s children.

        The children's slugs are read once per parent and kept up to date in
        memory (every page of the import is created through here).
        """
        taken = self._child_slugs.get(parent.pk)
        if taken is None:
            taken = set(parent.get_children().values_list("slug", flat=True))
            self._child_slugs[parent.pk] = taken
        candidate, counter = slug, 1
        while candidate in taken:
            counter += 1
            candidate = f"{slug}-{counter}"
        taken.add(candidate)
        return candidate

    # -- images ----------------------------------------------------------------
    def image_for(
        self, *, attachment_id: int | None, url: str, caption: str = ""
    ) -> NewsImage | None:
        """Return a ``NewsImage`` for an attachment or an image URL (created once).

        The file is read from ``media_dir`` when present; otherwise a small
        grey placeholder is generated with Pillow and titled with the original
        URL, so editors can find and replace it.
        """
        attachment = self.index.attachments.get(attachment_id or 0)
        if attachment is not None:
            key, kind = str(attachment.id), ImportKind.ATTACHMENT
            url = attachment.attachment_url or url
            caption = caption or attachment.excerpt
        elif url:
            key = "url:" + hashlib.sha256(url.encode()).hexdigest()[:40]
            kind = ImportKind.ATTACHMENT
        else:
            return None
        if self._record(kind, key) is not None:
            found = self._target(kind, key)
            return found if isinstance(found, NewsImage) else None
        self.report.add("images", "created")
        if self.options.dry_run:
            self._remember(kind, key, None)
            return None
        data, placeholder = self._image_bytes(url)
        name = Path(urlsplit(url).path).name or f"wordpress-{key}.png"
        if placeholder:
            name = f"{Path(name).stem or 'image'}.png"
            title = url[:255]
            self.report.add("images", "placeholders")
        else:
            title = (attachment.title if attachment else "") or name
        image = NewsImage(title=title[:255], caption=caption[:500])
        image.file = ImageFile(io.BytesIO(data), name=name)
        image.save()
        self._remember(
            kind,
            key,
            image,
            note="placeholder: original not available locally" if placeholder else "",
            source_url=url,
        )
        return image

    def _image_bytes(self, url: str) -> tuple[bytes, bool]:
        media_dir = self.options.media_dir
        path = urlsplit(url).path
        if media_dir is not None and "/uploads/" in path:
            local = (media_dir / path.split("/uploads/", 1)[1]).resolve()
            if local.is_relative_to(media_dir.resolve()) and local.is_file():
                return local.read_bytes(), False
        buffer = io.BytesIO()
        PILImage.new("RGB", (320, 180), (204, 208, 212)).save(buffer, format="PNG")
        return buffer.getvalue(), True

    # -- body -----------------------------------------------------------------
    def body(self, blocks: Iterable[Block]) -> list[tuple[str, Any]]:
        """Return StreamField data for neutral blocks (images resolved)."""
        stream: list[tuple[str, Any]] = []
        for block in blocks:
            if block.kind == "paragraph":
                stream.append(("paragraph", RichText(block.value)))
            elif block.kind == "subheading":
                stream.append(("subheading", block.value[:255]))
            elif block.kind == "quote":
                stream.append(("quote", {"quote": block.value, "attribution": ""}))
            elif block.kind == "embed":
                stream.append(("embed", block.value))
            elif block.kind == "image":
                image = self.image_for(
                    attachment_id=block.attachment_id,
                    url=block.value,
                    caption=block.caption,
                )
                if image is not None:
                    stream.append(
                        (
                            "image",
                            {
                                "image": image,
                                "caption": block.caption[:255],
                                "credit": "",
                            },
                        )
                    )
        return stream

    # -- posts and pages --------------------------------------------------------
    def post(self, post: WxrPost) -> None:
        """Import one ``<item>`` according to its type."""
        kind = _effective_type(post)
        if post.id <= 0:
            self.report.skipped_types["item without WordPress id"] += 1
            return
        if kind == "attachment":
            self.report.add("attachments", "seen")
            return
        if kind not in {"post", "page"}:
            self.report.skipped_types[kind] += 1
            return
        if _effective_status(post) == "trash" and not self.options.include_trash:
            self.report.add("posts" if kind == "post" else "pages", "skipped")
            self.report.messages.append(f"trash: {kind} {post.id} skipped")
            return
        if _effective_status(post) == "auto-draft":
            self.report.add("posts" if kind == "post" else "pages", "skipped")
            return
        if kind == "page":
            self.deferred_pages.append(post)
            return
        section = self.section(_first_category(post))
        self._write_page(post, ArticlePage, section, ImportKind.POST, "posts")

    def flush_pages(self) -> None:
        """Create the deferred pages, parents before children."""
        known = {page.id for page in self.deferred_pages}

        def depth(page: WxrPost) -> int:
            level, parent, seen = 0, page.parent, set()
            while parent in known and parent not in seen:
                seen.add(parent)
                level += 1
                parent = self.index.page_parents.get(parent, 0)
            return level

        for page in sorted(self.deferred_pages, key=lambda p: (depth(p), p.id)):
            parent: Page | None = self.home
            if page.parent:
                found = self._target(ImportKind.PAGE, page.parent)
                if isinstance(found, Page):
                    parent = found
                elif page.parent not in known:
                    self.report.messages.append(
                        f"page {page.id}: parent {page.parent} not in file, "
                        "placed under the home page"
                    )
            self._write_page(page, StandardPage, parent, ImportKind.PAGE, "pages")
        self.deferred_pages = []

    def _write_page(
        self,
        post: WxrPost,
        model: type[ArticlePage] | type[StandardPage],
        parent: Page | None,
        kind: str,
        label: str,
    ) -> None:
        checksum = _checksum(dataclasses.replace(post, comments=()))
        record = self._record(kind, post.id)
        page = self._target(kind, post.id)
        status = _effective_status(post)
        note = ""
        if status == "private":
            note = "private in WordPress: imported as a draft"
        elif status == "trash":
            note = "in the WordPress trash: imported as a draft"
        if record is not None and record.checksum == checksum:
            self.report.add(label, "unchanged")
        elif self.options.dry_run or parent is None:
            self.report.add(label, "updated" if record is not None else "created")
            if record is None:
                self._remember(kind, post.id, None)
        else:
            created = not isinstance(page, model)
            if created:
                page = model(
                    slug=self._free_slug(
                        parent, self.index.slugs.get(post.id, f"{kind}-{post.id}")
                    )
                )
            self._fill(page, post, status)
            if created:
                self.pages.add_child(parent, page)
            else:
                page.save()
            if isinstance(page, ArticlePage):
                self._byline(page, post, created=created)
            if (
                status == "future"
                and post.date is not None
                and post.date > timezone.now()
            ):
                page.save_revision(approved_go_live_at=post.date, log_action=False)
            else:
                self._new_revisions.append(page)
            self._remember(
                kind, post.id, page, checksum=checksum, note=note, source_url=post.link
            )
            self.report.add(label, "created" if created else "updated")
        self.comments(post, page if isinstance(page, Page) else None)

    def _fill(self, page: Page, post: WxrPost, status: str) -> None:
        page.title = (post.title or post.slug or f"WordPress {post.id}")[:255]
        page.live = status == "publish"
        page.has_unpublished_changes = not page.live
        if post.date is not None and page.live:
            page.first_published_at = post.date
            page.last_published_at = post.modified or post.date
        if status == "future" and post.date is not None:
            page.go_live_at = post.date
        body = self.body(html_to_blocks(post.content))
        if isinstance(page, ArticlePage):
            page.standfirst = html_to_text(post.excerpt)
            page.published_at = post.date
            page.updated_at = (
                post.modified if post.modified and post.modified != post.date else None
            )
            page.comments_enabled = post.comment_status != "closed"
            page.body = body
            thumbnail = post.meta_value("_thumbnail_id")
            if thumbnail and thumbnail.isdigit():
                page.hero_image = self.image_for(attachment_id=int(thumbnail), url="")
            names = [
                t.name[:100] for t in post.terms if t.domain == "post_tag" and t.name
            ]
            for term in post.terms:
                if term.domain == "post_tag":
                    self.tag(term.slug, term.name)
            if names or page.pk is not None:
                page.tags.set(names)
        elif isinstance(page, StandardPage):
            page.introduction = html_to_text(post.excerpt)
            page.body = body

    def flush_pages_written(self) -> None:
        """Finish the batch's pages: revisions, parents' ``numchild``, log entries.

        Each page imported or updated in the batch gets **one revision**
        holding the imported content, its latest (and live, when published)
        revision, so editors find the import in the page's history and can
        compare later edits with it. Revisions are inserted in one
        ``INSERT`` without validation (the importer built the content) and
        the pages point at them with one ``UPDATE`` per page field set; no
        log entry other than the ``wagtail.create`` of a new page.
        """
        pages, self._new_revisions = self._new_revisions, []
        if pages:
            by_model: dict[type[Page], list[Page]] = collections.defaultdict(list)
            for page in pages:
                by_model[type(page)].append(page)
            for model, group in by_model.items():
                # serializable_data() reads every child relation of the page.
                prefetch_related_objects(group, *child_relation_names(model))
            now = timezone.now()
            base_type = self._content_type_of(Page)
            # What page.save_revision(changed=False, clean=False) stores,
            # without saving each page (and its child relations) again.
            revisions = Revision.objects.bulk_create(
                Revision(
                    content_type=self._content_type(page),
                    base_content_type=base_type,
                    object_id=str(page.pk),
                    content=page.serializable_data(),
                    object_str=str(page),
                    created_at=now,
                )
                for page in pages
            )
            for page, revision in zip(pages, revisions, strict=True):
                page.latest_revision = revision
                page.latest_revision_created_at = revision.created_at
                page.draft_title = page.title
                if page.live:
                    page.live_revision = revision
            Page.objects.bulk_update(
                pages,
                [
                    "latest_revision",
                    "latest_revision_created_at",
                    "draft_title",
                    "live_revision",
                ],
            )
        self.pages.flush()
        records, self._new_records = self._new_records, []
        ImportRecord.objects.bulk_create(records)

    def _byline(self, page: ArticlePage, post: WxrPost, *, created: bool) -> None:
        author = self.author_for_login(post.author_login)
        if author is None:
            return
        if (
            created
            or not ArticlePageAuthor.objects.filter(page=page, author=author).exists()
        ):
            ArticlePageAuthor.objects.create(page=page, author=author, sort_order=0)

    # -- comments -------------------------------------------------------------------
    def comments(self, post: WxrPost, target: Page | None) -> None:
        """Plan a post's comments, parents before children.

        New comments are written by :meth:`flush_comments`, in bulk, at the end
        of the batch (same transaction).
        """
        by_id = {comment.id: comment for comment in post.comments}
        done: dict[int, _Parent] = {}
        wanted = {str(c.id) for c in post.comments} | {
            str(c.parent) for c in post.comments if c.parent
        }
        # Usually read for the whole batch already (prefetch_records).
        missing = {
            key for key in wanted if (ImportKind.COMMENT, key) not in self._record_cache
        }
        if missing:
            known = ImportRecord.objects.filter(
                source=self.source, kind=ImportKind.COMMENT, external_id__in=missing
            )
            found_keys = set()
            for record in known:
                self._record_cache[ImportKind.COMMENT, record.external_id] = record
                found_keys.add(record.external_id)
            for key in missing - found_keys:
                self._record_cache[ImportKind.COMMENT, key] = None

        def visit(comment: WxrComment, trail: frozenset[int]) -> _Parent:
            if comment.id in done:
                return done[comment.id]
            parent: _Parent = None
            orphan = False
            if comment.parent:
                if comment.parent in by_id and comment.parent not in trail:
                    parent = visit(by_id[comment.parent], trail | {comment.id})
                else:
                    found = self._target(ImportKind.COMMENT, comment.parent)
                    parent = found if isinstance(found, self.comment_model) else None
                    orphan = parent is None and comment.parent not in by_id
            stored = self.comment(comment, target, parent, orphan=orphan)
            done[comment.id] = stored
            return stored

        for comment in post.comments:
            visit(comment, frozenset())
        # Comment records are only needed while their post is imported.
        for key in wanted:
            self._record_cache.pop((ImportKind.COMMENT, key), None)

    def comment(
        self,
        comment: WxrComment,
        target: Page | None,
        parent: _Parent,
        *,
        orphan: bool,
    ) -> _Parent:
        """Queue one comment (unless it is a note or a ping) for the bulk write.

        Return the stored comment when it was imported before, the queued
        :class:`_NewComment` when it is new, ``None`` when it is not stored.
        """
        if comment.type == NOTE_TYPE:
            self.report.notes_skipped += 1
            return None
        if comment.type in PING_TYPES:
            self.report.pings_skipped += 1
            return None
        if self._record(ImportKind.COMMENT, comment.id) is not None:
            self.report.add("comments", "unchanged")
            found = self._target(ImportKind.COMMENT, comment.id)
            return found if isinstance(found, self.comment_model) else None
        if comment.id in self._queued_comments:
            # The same WordPress id twice in one batch: written once.
            self.report.add("comments", "unchanged")
            return None
        if orphan:
            self.report.orphans += 1
        self.report.add("comments", "created")
        wanted = WP_COMMENT_STATUS.get(comment.approved, CommentStatus.PENDING)
        if self.options.dry_run or target is None:
            self._remember(ImportKind.COMMENT, comment.id, None)
            self.report.moderation[str(wanted)] += 1
            return None
        queued = self._new_comment(comment, target, parent, wanted)
        queued.note = (
            f"orphan: parent {comment.parent} not in the export" if orphan else ""
        )
        self._new_comments.append(queued)
        self._queued_comments.add(comment.id)
        return queued

    def _new_comment(
        self,
        comment: WxrComment,
        target: Page,
        parent: _Parent,
        wanted: CommentStatus,
    ) -> _NewComment:
        model = self.comment_model
        email = clean_name(comment.author_email).lower()
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        try:
            url = clean_url(comment.author_url)
        except ValidationError:
            url = ""
        # Without a moderation receiver there is nobody to review the backlog:
        # the WordPress status is stored as it is, in the same INSERT.
        moderate = self.report.moderation_connected and wanted in {
            CommentStatus.APPROVED,
            CommentStatus.PENDING,
        }
        parent_depth = -1
        if isinstance(parent, _NewComment):
            parent_depth = parent.instance.depth
        elif parent is not None:
            parent_depth = parent.depth
        instance = model(  # type: ignore[misc]  # django-stubs misses the FK "parent"
            content_type=self._content_type(target),
            object_pk=str(target.pk),
            site=self._site(target),
            parent=parent if isinstance(parent, model) else None,
            depth=parent_depth + 1,
            status=CommentStatus.PENDING if moderate else wanted,
            author_name=(clean_name(comment.author) or "Anonymous")[:80],
            author_email=email,
            author_url=url[:200],
            ip_address=anonymize_ip(comment.author_ip),
            body=self._bodies.pop(id(comment), None) or self._comment_body(comment),
            submitted_at=comment.date or timezone.now(),
            source=COMMENT_SOURCE,
            external_id=f"{self.source_key}:{comment.id}",
        )
        instance.thread_id = parent.thread_id if isinstance(parent, model) else None
        # Moderation reads the page (its language) through the generic key:
        # give it the page in hand instead of a query per page.
        instance.content_object = target
        instance.object_pk = str(target.pk)
        return _NewComment(
            instance=instance,
            wp_id=comment.id,
            wanted=wanted,
            moderate=moderate,
            parent=parent if isinstance(parent, _NewComment) else None,
        )

    def flush_comments(self) -> None:
        """Write the queued comments in bulk, then moderate them.

        Comments are inserted level by level (``bulk_create``; parents before
        replies, so each reply gets its parent's id and thread), a root becomes
        its own thread with one ``UPDATE``, and the import records are
        inserted in bulk. Moderation then runs as for a new comment (see
        :meth:`_settle`): through ``moderation.services.moderate_comments``
        when the moderation app is the only ``comment_submitted`` receiver,
        else by sending the signal comment by comment.
        """
        queued, self._new_comments = self._new_comments, []
        self._queued_comments.clear()
        if not queued:
            return
        model = self.comment_model
        levels: list[list[_NewComment]] = []
        level_of: dict[int, int] = {}
        for item in queued:
            level = 0 if item.parent is None else level_of[id(item.parent)] + 1
            level_of[id(item)] = level
            if level == len(levels):
                levels.append([])
            levels[level].append(item)
        for level_items in levels:
            for item in level_items:
                if item.parent is not None:
                    item.instance.parent = item.parent.instance
                    item.instance.thread_id = item.parent.instance.thread_id
            model.objects.bulk_create([item.instance for item in level_items])
            roots = [i.instance for i in level_items if i.instance.thread_id is None]
            if roots:
                model.objects.filter(pk__in=[r.pk for r in roots]).update(
                    thread=F("pk")
                )
                for root in roots:
                    root.thread_id = root.pk
        content_type = self._content_type_of(model)
        ImportRecord.objects.bulk_create(
            ImportRecord(
                source=self.source,
                kind=ImportKind.COMMENT,
                external_id=str(item.wp_id),
                content_type=content_type,
                object_id=str(item.instance.pk),
                note=item.note[:255],
            )
            for item in queued
        )
        stored_as_is = [item.instance for item in queued if not item.moderate]
        if stored_as_is:
            # Stored with their final status, no status change to announce:
            # the cached pages showing them must still be dropped (the
            # comments app documents this signal for imports).
            comments_changed.send(sender=model, comments=stored_as_is)
        to_moderate = [item for item in queued if item.moderate]
        if self._bulk_moderate is not None:
            for round_items in _author_rounds(to_moderate):
                self._bulk_moderate(
                    [item.instance for item in round_items],
                    verdicts=self._known_verdicts,
                )
                for item in round_items:
                    self._settle(item.instance, item.wanted)
        else:
            for item in to_moderate:
                self._moderate(item.instance, item.wanted)
        for item in queued:
            self.report.moderation[str(item.instance.status)] += 1

    def _moderate(self, stored: AbstractComment, wanted: CommentStatus) -> None:
        """Send ``comment_submitted`` for one stored comment, then settle it."""
        comment_send_submitted(comment=stored)
        stored.refresh_from_db()
        self._settle(stored, wanted)

    def _settle(self, stored: AbstractComment, wanted: CommentStatus) -> None:
        """Keep the stricter of moderation's and WordPress's status.

        Moderation may hold or reject a comment WordPress approved, but never
        publishes one WordPress still held. ``stored.status`` is the status
        moderation left.
        """
        decided = CommentStatus(stored.status)
        final = max(decided, wanted, key=lambda status: _STRICTNESS[status])
        if wanted == CommentStatus.APPROVED and final != CommentStatus.APPROVED:
            reasons = stored.hold_reasons or [f"moderation: {final}"]
            for reason in reasons:
                self.report.held_reasons[str(reason)] += 1
        if final != decided:
            comment_set_status(comment=stored, status=final, reason="wordpress import")

    def _content_type(self, obj: Any) -> ContentType:
        return self._content_type_of(type(obj))

    def _content_type_of(self, model: type[Any]) -> ContentType:
        if model not in self._ct_cache:
            self._ct_cache[model] = ContentType.objects.get_for_model(model)
        return self._ct_cache[model]

    def _site(self, page: Page) -> Site | None:
        # Siblings share their site: look it up once per parent.
        key = page.path[: -page.steplen] or page.path
        if key not in self._sites:
            site = page.get_site()
            self._sites[key] = site if site is not None and site.pk else None
        return self._sites[key]


@dataclasses.dataclass(slots=True, eq=False)
class _NewComment:
    """A comment of the current batch, waiting for :meth:`_Loader.flush_comments`."""

    instance: AbstractComment
    wp_id: int
    wanted: CommentStatus
    moderate: bool
    parent: _NewComment | None = None
    note: str = ""


#: What a comment's parent can be while a post is planned.
type _Parent = AbstractComment | _NewComment | None


def _author_rounds(items: list[_NewComment]) -> Iterator[list[_NewComment]]:
    """Split comments so no author appears twice in a round, order kept.

    Moderating round after round reproduces one-by-one moderation: each
    decision (and the stricter WordPress status) is stored before the
    author's next comment is judged on its history. Comments without an
    email address share no history and all go in the first round.
    """
    rounds: list[list[_NewComment]] = []
    seen: collections.Counter[str] = collections.Counter()
    for item in items:
        email = item.instance.author_email
        level = seen[email] if email else 0
        if email:
            seen[email] += 1
        if level == len(rounds):
            rounds.append([])
        rounds[level].append(item)
    yield from rounds


def _bulk_moderation(model: type[Any]) -> _BulkModerate | None:
    """Return moderation's bulk service if it is the only moderation receiver.

    The importer moderates a batch with
    ``manchette.moderation.services.moderate_comments`` when the moderation
    app's ``comment_submitted`` receiver is the only one connected (the
    default). Any other receiver, or none, keeps the one-by-one signal path,
    so third-party receivers still see every imported comment.
    """
    if not apps.is_installed("manchette.moderation"):
        return None
    from manchette.moderation import receivers, services

    # Signal has no public accessor for its receivers; this mirrors has_listeners().
    sync_receivers, async_receivers = comment_submitted._live_receivers(model)
    if async_receivers or list(sync_receivers) != [receivers.on_comment_submitted]:
        return None
    return services.moderate_comments


def _default_home(options: ImportOptions) -> HomePage | None:
    if options.home is not None:
        return options.home
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        root = site.root_page.specific
        if isinstance(root, HomePage):
            return root
    home: HomePage | None = HomePage.objects.order_by("path").first()
    return home


def import_wxr(
    path: str | os.PathLike[str],
    options: ImportOptions | None = None,
    *,
    progress: Callable[[str, int, int], Any] | None = None,
) -> ImportReport:
    """Import a WXR file; return what was created, updated, skipped and held.

    ``progress(phase, bytes_done, bytes_total)`` is called while reading
    (``phase`` is ``"check"`` then ``"load"``). A dry run reads the file and the
    import records but writes nothing.

    Raises:
        WxrError: the file is not a readable WXR export (with line and column
            for XML errors); raised by the check pass, before any write.
        LookupError: there is no home page to import into.

    """
    options = options or ImportOptions()
    index = _check(path, options, progress)
    home = _default_home(options)
    if home is None and not options.dry_run:
        raise LookupError("No home page: create one before importing.")
    loader = _Loader(index=index, options=options, home=home)
    loader.start_verdict_worker()
    batch: list[WxrAuthor | WxrTerm | WxrPost] = []
    # Batches read and sent to the moderation worker, not written yet: one
    # batch is read ahead so the worker judges its comments while the
    # previous batch is written.
    waiting: collections.deque[list[WxrAuthor | WxrTerm | WxrPost]] = (
        collections.deque()
    )

    def write(items: list[WxrAuthor | WxrTerm | WxrPost]) -> None:
        loader.receive_verdicts()
        try:
            with transaction.atomic():
                loader.prefetch_records(items)
                for record in items:
                    if isinstance(record, WxrAuthor):
                        loader.author(record)
                    elif isinstance(record, WxrTerm):
                        loader.term(record)
                    else:
                        loader.post(record)
                loader.flush_pages_written()
                loader.flush_comments()
                if options.dry_run:
                    transaction.set_rollback(True)
        finally:
            loader.forget_batch(items)

    def queue(items: list[WxrAuthor | WxrTerm | WxrPost]) -> None:
        loader.submit_verdicts(items)
        waiting.append(items)
        if len(waiting) > 1:
            write(waiting.popleft())

    def tick(done: int) -> None:
        if progress is not None:
            progress("load", done, index.size)

    indexing = contextlib.nullcontext() if options.dry_run else deferred_indexing()
    try:
        with indexing:
            for record in iter_wxr(
                path, site_timezone=options.site_timezone, progress=tick
            ):
                if isinstance(record, WxrSite):
                    continue
                batch.append(record)
                if len(batch) >= options.batch_size:
                    queue(batch)
                    batch = []
            if batch:
                queue(batch)
            while waiting:
                write(waiting.popleft())
            with transaction.atomic():
                loader.flush_pages()
                loader.flush_pages_written()
                loader.flush_comments()
                if options.dry_run:
                    transaction.set_rollback(True)
    finally:
        loader.close()
    if loader.verdict_worker is not None:
        loader.report.worker_verdicts = loader.verdict_worker.received
    return loader.report
