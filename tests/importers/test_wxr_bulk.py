"""The importer's fast paths: bulk comments, bulk moderation, deferred indexing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import ReferenceIndex
from wagtail.search.models import IndexEntry

from manchette.comments import get_comment_model
from manchette.comments.signals import comment_submitted
from manchette.importers.models import ImportRecord
from manchette.importers.wxr.indexing import IndexQueue, deferred_indexing
from manchette.importers.wxr.load import ImportOptions, import_wxr
from manchette.moderation.models import ModerationDecision
from manchette.news.models import ArticlePage, NewsImage
from tests.importers.wxr_files import DATA, theme

pytestmark = pytest.mark.django_db

GAZETTE = DATA / "gazette.xml"


def _comments_by_wordpress_id():
    """Return ``{wp id: (status, parent wp id, depth, decisions)}`` for the DB."""
    records = ImportRecord.objects.filter(kind="comment")
    wp_of = {int(r.object_id): int(r.external_id) for r in records}
    result = {}
    for comment in get_comment_model().objects.filter(pk__in=wp_of):
        decisions = [
            (
                d.action,
                d.origin,
                d.reasons,
                d.scores,
                d.category,
                d.language,
                d.author_hash,
            )
            for d in ModerationDecision.objects.filter(comment_id=comment.pk).order_by(
                "created_at", "pk"
            )
        ]
        result[wp_of[comment.pk]] = (
            comment.status,
            wp_of.get(comment.parent_id) if comment.parent_id else None,
            comment.depth,
            comment.thread_id == comment.pk,
            decisions,
        )
    return result


def _index_entries(page):
    """Return the search index rows of ``page`` (the test DB has no FTS table)."""
    return list(
        IndexEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(page)),
            object_id=str(page.pk),
        )
    )


def _one_by_one_receiver(sender, comment, **kwargs):
    """Listen to ``comment_submitted`` so the importer keeps the signal path."""


@pytest.mark.parametrize("source", ["gazette", "theme"])
def test_import_wxr_bulk_moderation_matches_one_by_one_signals(home, source):
    path = GAZETTE if source == "gazette" else theme()
    with transaction.atomic():
        import_wxr(path, ImportOptions(batch_size=7))
        bulk = _comments_by_wordpress_id()
        transaction.set_rollback(True)
    assert not get_comment_model().objects.exists()

    comment_submitted.connect(_one_by_one_receiver, dispatch_uid="test-one-by-one")
    try:
        import_wxr(path, ImportOptions(batch_size=7))
    finally:
        comment_submitted.disconnect(dispatch_uid="test-one-by-one")
    one_by_one = _comments_by_wordpress_id()

    assert bulk == one_by_one
    assert bulk, "the export has reader comments"
    assert any(decisions for *_, decisions in bulk.values())


def test_import_wxr_comment_threads_written_in_bulk(home):
    import_wxr(theme())

    records = ImportRecord.objects.filter(kind="comment")
    comments = get_comment_model().objects.in_bulk([int(r.object_id) for r in records])
    for comment in comments.values():
        if comment.parent_id is None:
            assert comment.thread_id == comment.pk
            assert comment.depth == 0
        else:
            parent = comments[comment.parent_id]
            assert comment.thread_id == parent.thread_id
            assert comment.depth == parent.depth + 1


def test_import_wxr_indexes_pages_once_at_the_end(home):
    import_wxr(GAZETTE)

    article = ArticlePage.objects.get(slug="le-marche-couvert-rouvre")
    entries = _index_entries(article)
    assert len(entries) == 1
    # A plain string on SQLite, a tsvector on PostgreSQL: both hold the words.
    assert "couvert" in str(entries[0].title)
    # The hero image and body image are in the reference index.
    image_references = ReferenceIndex.get_references_for_object(article).filter(
        to_content_type__model="newsimage"
    )
    assert image_references.exists()
    assert NewsImage.objects.filter(
        pk__in=[int(r.to_object_id) for r in image_references]
    ).exists()


def test_import_wxr_stores_one_revision_per_page(home):
    import_wxr(GAZETTE)

    for article in ArticlePage.objects.all():
        assert article.revisions.count() == 1
        revision = article.latest_revision
        assert revision is not None
        assert revision.content["title"] == article.title
        if article.live:
            assert article.live_revision_id == revision.pk
        else:
            assert article.live_revision_id is None


def test_deferred_indexing_collects_index_tasks_and_runs_them_once(home):
    with deferred_indexing() as queue:
        article = home.add_child(instance=ArticlePage(title="Le tramway", slug="t"))
        article.title = "Le tramway du port"
        article.save()
        assert isinstance(queue, IndexQueue)
        assert queue.search == {("news", "articlepage"): {str(article.pk): None}}
        assert len(queue) == 2
        # Nothing is indexed before the block ends.
        assert _index_entries(article) == []

    assert len(queue) == 0
    entries = _index_entries(article)
    assert len(entries) == 1
    # Indexed once, after the second save ("port" is only in the new title).
    assert "port" in str(entries[0].title)


def test_import_wxr_crash_still_indexes_committed_batches(
    home, power_cut_on_second_post
):
    with pytest.raises(RuntimeError, match="power cut"):
        import_wxr(GAZETTE, ImportOptions(batch_size=1))

    committed = ArticlePage.objects.get()
    assert "couvert" in str(_index_entries(committed)[0].title)


def test_import_wxr_announces_comments_stored_with_their_status(home):
    from manchette.comments.signals import comments_changed

    received = []

    def record(sender, comments, **kwargs):
        received.extend(comments)

    comments_changed.connect(record, dispatch_uid="test-import-changed")
    try:
        import_wxr(GAZETTE)
    finally:
        comments_changed.disconnect(dispatch_uid="test-import-changed")

    # Spam and trashed comments skip moderation: stored as they are.
    statuses = sorted(c.status for c in received)
    assert statuses == ["removed", "removed", "spam"]
    assert all(c.pk is not None for c in received)
