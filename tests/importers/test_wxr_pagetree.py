"""The importer's page fast path against Wagtail and treebeard.

``manchette/importers/wxr/pagetree.py`` relies on internals of both; each test
here pins one of them, so a Wagtail or treebeard upgrade that changes one fails
loudly here instead of corrupting the page tree of an import.
"""

import pytest
from django.urls import reverse
from treebeard.exceptions import PathOverflow
from wagtail.models import Page, PageLogEntry

from manchette.importers.wxr.load import ImportOptions, import_wxr
from manchette.importers.wxr.pagetree import PageWriter, child_path
from manchette.news.models import ArticlePage, SectionPage
from tests.importers.wxr_files import DATA

pytestmark = pytest.mark.django_db

GAZETTE = DATA / "gazette.xml"


def _tree_fields(page):
    page = Page.objects.get(pk=page.pk)
    return (page.path, page.depth, page.numchild, page.url_path, page.draft_title)


def test_child_path_matches_treebeard_add_child(home):
    expected_first = child_path(home, None)
    first = home.add_child(instance=SectionPage(title="Un", slug="un"))
    assert first.path == expected_first
    expected_next = child_path(home, first.path)
    second = home.add_child(instance=SectionPage(title="Deux", slug="deux"))
    assert second.path == expected_next
    assert len(second.path) == len(home.path) + Page.steplen


def test_page_writer_builds_the_same_tree_as_add_child(home):
    by_treebeard = home.add_child(instance=SectionPage(title="Avant", slug="avant"))
    treebeard_child = by_treebeard.add_child(
        instance=SectionPage(title="Fille", slug="fille")
    )

    writer = PageWriter()
    section = SectionPage(title="Économie", slug="economie")
    writer.add_child(home, section)
    article = ArticlePage(title="Le port", slug="le-port")
    writer.add_child(section, article)
    second = ArticlePage(title="La gare", slug="la-gare")
    writer.add_child(section, second)
    under_existing = SectionPage(title="Sœur", slug="soeur")
    writer.add_child(by_treebeard, under_existing)
    writer.flush()

    # Paths follow treebeard's numbering after the existing children.
    assert section.path == child_path(home, by_treebeard.path)
    assert under_existing.path == child_path(by_treebeard, treebeard_child.path)
    assert _tree_fields(section) == (
        section.path,
        home.depth + 1,
        2,
        f"{home.url_path}economie/",
        "Économie",
    )
    assert _tree_fields(article)[1:] == (
        home.depth + 2,
        0,
        f"{home.url_path}economie/le-port/",
        "Le port",
    )
    assert Page.objects.get(pk=home.pk).numchild == 2
    assert home.numchild == 2  # kept in step in memory, like treebeard does
    assert Page.objects.get(pk=by_treebeard.pk).numchild == 2
    assert article.locale_id == home.locale_id
    # treebeard's own view of the tree agrees.
    assert list(Page.objects.get(pk=section.pk).get_children()) == [
        Page.objects.get(pk=article.pk),
        Page.objects.get(pk=second.pk),
    ]
    assert Page.find_problems() == ([], [], [], [], [])
    # One wagtail.create entry per new page, as Page.save() writes.
    entries = PageLogEntry.objects.filter(page=article)
    assert [(e.action, e.label, e.content_changed) for e in entries] == [
        ("wagtail.create", "Le port", True)
    ]
    assert entries[0].content_type.model_class() is ArticlePage


def test_page_writer_refuses_a_saved_page(home):
    with pytest.raises(ValueError, match="new page"):
        PageWriter().add_child(home, home)


def test_page_writer_rereads_paths_after_flush(home):
    writer = PageWriter()
    first = SectionPage(title="Un", slug="un")
    writer.add_child(home, first)
    writer.flush()
    # Someone else adds a child between two batches.
    other = home.add_child(instance=SectionPage(title="Autre", slug="autre"))
    second = SectionPage(title="Deux", slug="deux")
    writer.add_child(home, second)
    writer.flush()
    assert second.path == child_path(home, other.path)
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "admin-pass"
    )
    client.force_login(user)
    return client


def test_imported_article_is_editable_with_its_history(home, admin_client):
    import_wxr(GAZETTE, ImportOptions())
    article = ArticlePage.objects.filter(live=True).first()
    assert article is not None
    assert Page.find_problems() == ([], [], [], [], [])

    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert edit.status_code == 200
    assert article.title in edit.content.decode()
    history = admin_client.get(reverse("wagtailadmin_pages:history", args=[article.pk]))
    assert history.status_code == 200
    revision = article.latest_revision
    assert revision is not None
    # The revision holds the byline written after the page itself.
    assert revision.content["article_authors"]
    assert revision.as_object().title == article.title
    compare = admin_client.get(
        reverse(
            "wagtailadmin_pages:revisions_revert",
            args=[article.pk, revision.pk],
        )
    )
    assert compare.status_code == 200


def test_child_path_refuses_to_overflow(home):
    last_step = Page.alphabet[-1] * Page.steplen
    with pytest.raises(PathOverflow):
        child_path(home, home.path + last_step)
