"""The WXR loader and the ``import-wxr`` command, on a real database."""

import io
import subprocess
import sys
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Page

from manchette.comments import get_comment_model
from manchette.comments.abstracts import AbstractComment, CommentStatus
from manchette.comments.services import comment_set_status
from manchette.comments.signals import comment_submitted
from manchette.importers.models import ImportRecord
from manchette.importers.wxr.load import ImportOptions, import_wxr
from manchette.importers.wxr.parse import WxrError
from manchette.news.models import (
    ArticlePage,
    Author,
    NewsImage,
    SectionPage,
    StandardPage,
)
from tests.importers.wxr_files import DATA, phpunit, theme

pytestmark = pytest.mark.django_db

GAZETTE = DATA / "gazette.xml"


@pytest.fixture
def without_moderation():
    """Disconnect the moderation app so WordPress statuses are kept as they are."""
    from manchette.moderation import receivers

    uid = "moderation.on_comment_submitted"
    was_connected = comment_submitted.disconnect(dispatch_uid=uid)
    yield
    if was_connected:
        comment_submitted.connect(receivers.on_comment_submitted, dispatch_uid=uid)


def _article(wp_id: int) -> ArticlePage:
    record = ImportRecord.objects.get(kind="post", external_id=str(wp_id))
    page: ArticlePage = ArticlePage.objects.get(pk=record.object_id)
    return page


def _comment(wp_id: int) -> AbstractComment:
    record = ImportRecord.objects.get(kind="comment", external_id=str(wp_id))
    return get_comment_model().objects.get(pk=record.object_id)


def test_import_wxr_creates_articles_pages_sections_and_authors(home):
    report = import_wxr(GAZETTE)

    assert report.counts["posts"]["created"] == 5  # 100 to 104; 105 is in the trash
    assert report.counts["posts"]["skipped"] == 1
    assert report.counts["pages"]["created"] == 2
    assert ArticlePage.objects.count() == 5
    assert StandardPage.objects.count() == 2
    societe = SectionPage.objects.get(slug="societe")
    culture = SectionPage.objects.get(slug="ثقافة")
    assert culture.get_parent().specific == societe
    assert societe.get_parent().specific == home
    assert set(Author.objects.values_list("name", flat=True)) == {
        "Hélène Dupré",
        "فاطمة الزهراء بنعلي",
        "rédaction-invitée",
    }


def test_import_wxr_keeps_arabic_title_slug_and_author(home):
    import_wxr(GAZETTE)

    article = _article(101)
    assert article.title == "افتتاح مكتبة الحي بعد الترميم"
    assert article.slug == "افتتاح-مكتبة-الحي"
    assert [a.name for a in article.authors] == ["فاطمة الزهراء بنعلي"]
    assert article.get_parent().slug == "ثقافة"
    about_us = StandardPage.objects.get(title="من نحن")
    assert about_us.slug == "من-نحن"
    assert about_us.get_parent().specific == StandardPage.objects.get(slug="a-propos")


def test_import_wxr_converts_body_to_blocks(home):
    import_wxr(GAZETTE)

    article = _article(100)
    kinds = [block.block_type for block in article.body]
    assert kinds == [
        "paragraph",
        "subheading",
        "paragraph",
        "image",
        "quote",
        "paragraph",
    ]
    rendered = str(article.body[-1].value)
    assert "script" not in rendered
    assert "onclick" not in rendered
    assert "<strong>du gras</strong>" in rendered
    assert "sondage" not in "".join(str(b.value) for b in article.body)
    figure = article.body[3].value
    assert figure["caption"] == "Les halles au petit matin"


def test_import_wxr_hero_image_is_a_placeholder_with_original_url(home):
    import_wxr(GAZETTE)

    article = _article(100)
    url = "https://gazette.example.org/wp-content/uploads/2026/03/halles.jpg"
    assert article.hero_image is not None
    assert article.hero_image.title == url
    assert article.hero_image.caption == "Les halles au petit matin"
    # The inline [caption] image and the featured image are the same attachment.
    assert NewsImage.objects.count() == 1


def test_import_wxr_media_dir_reads_local_file(home, tmp_path):
    uploads = tmp_path / "2026" / "03"
    uploads.mkdir(parents=True)
    from PIL import Image as PILImage

    PILImage.new("RGB", (40, 30), (10, 120, 200)).save(uploads / "halles.jpg")
    import_wxr(GAZETTE, ImportOptions(media_dir=tmp_path))

    image = _article(100).hero_image
    assert image is not None
    assert (image.width, image.height) == (40, 30)
    assert image.title == "halles"


def test_import_wxr_maps_statuses(home):
    import_wxr(GAZETTE)

    assert _article(100).live
    draft = _article(102)
    assert not draft.live
    scheduled = _article(103)
    assert not scheduled.live
    assert scheduled.go_live_at is not None
    assert scheduled.go_live_at.year == 2030
    assert scheduled.latest_revision.approved_go_live_at == scheduled.go_live_at
    private = ImportRecord.objects.get(kind="post", external_id="104")
    assert "private" in private.note
    assert not ArticlePage.objects.get(pk=private.object_id).live
    assert not ImportRecord.objects.filter(kind="post", external_id="105").exists()


def test_import_wxr_include_trash_imports_drafts(home):
    import_wxr(GAZETTE, ImportOptions(include_trash=True))

    trashed = _article(105)
    assert not trashed.live


def test_import_wxr_resolves_duplicate_slugs_by_wordpress_id(home):
    import_wxr(GAZETTE)

    # 103 and 104 share "fete-de-quartier" in the fallback section.
    assert _article(103).slug == "fete-de-quartier"
    assert _article(104).slug == "fete-de-quartier-2"


def test_import_wxr_comment_statuses_threads_and_orphans(home, without_moderation):
    report = import_wxr(GAZETTE)

    assert _comment(501).status == CommentStatus.APPROVED
    reply = _comment(502)
    assert reply.parent == _comment(501)
    assert reply.thread_id == _comment(501).pk
    assert reply.depth == 1
    assert _comment(503).status == CommentStatus.SPAM
    assert _comment(504).status == CommentStatus.REMOVED
    assert _comment(509).status == CommentStatus.REMOVED
    assert _comment(508).status == CommentStatus.PENDING
    orphan = _comment(505)
    assert orphan.parent is None
    assert orphan.depth == 0
    assert "orphan" in ImportRecord.objects.get(kind="comment", external_id="505").note
    assert report.orphans == 1
    assert report.notes_skipped == 1
    assert report.pings_skipped == 1
    assert not ImportRecord.objects.filter(external_id__in=["506", "507"]).exists()


def test_import_wxr_anonymises_comment_ip(home):
    import_wxr(GAZETTE)

    assert _comment(501).ip_address == "198.51.100.0"
    assert _comment(504).ip_address == "2001:db8:85a3::"
    assert _comment(601).author_name == "يوسف"
    assert _comment(601).submitted_at.isoformat() == "2026-03-03T11:00:00+00:00"


def test_import_wxr_second_run_changes_nothing(home):
    import_wxr(GAZETTE)
    counts = (
        Page.objects.count(),
        get_comment_model().objects.count(),
        Author.objects.count(),
        NewsImage.objects.count(),
        ImportRecord.objects.count(),
    )

    report = import_wxr(GAZETTE)

    assert (
        Page.objects.count(),
        get_comment_model().objects.count(),
        Author.objects.count(),
        NewsImage.objects.count(),
        ImportRecord.objects.count(),
    ) == counts
    assert report.counts["posts"]["created"] == 0
    assert report.counts["posts"]["unchanged"] == 5
    assert report.counts["comments"]["created"] == 0
    assert report.counts["comments"]["unchanged"] == 8


def test_import_wxr_keeps_moderation_decisions_on_rerun(home):
    import_wxr(GAZETTE)
    comment_set_status(comment=_comment(501), status=CommentStatus.REJECTED)

    import_wxr(GAZETTE)

    assert _comment(501).status == CommentStatus.REJECTED


def test_import_wxr_dry_run_writes_nothing(home):
    pages = Page.objects.count()

    report = import_wxr(GAZETTE, ImportOptions(dry_run=True))

    assert report.dry_run
    assert report.counts["posts"]["created"] == 5
    assert report.counts["comments"]["created"] == 8
    assert Page.objects.count() == pages
    assert not ImportRecord.objects.exists()
    assert not get_comment_model().objects.exists()


def test_import_wxr_malformed_file_writes_nothing(home, tmp_path):
    pages = Page.objects.count()
    with pytest.raises(WxrError, match=r"line \d+, column \d+"):
        import_wxr(DATA / "truncated.xml")

    assert Page.objects.count() == pages
    assert not ImportRecord.objects.exists()


def test_import_wxr_resumes_after_a_crashed_batch(home, power_cut_on_second_post):
    with pytest.raises(RuntimeError):
        import_wxr(GAZETTE, ImportOptions(batch_size=1))
    written = set(ImportRecord.objects.values_list("kind", "external_id"))
    assert ("post", "100") in written
    assert ("post", "101") not in written

    power_cut_on_second_post()  # power back: the import runs whole
    report = import_wxr(GAZETTE, ImportOptions(batch_size=1))

    assert report.counts["posts"]["unchanged"] == 1
    assert report.counts["posts"]["created"] == 4
    assert ArticlePage.objects.count() == 5


def test_import_wxr_moderation_holds_approved_backlog(home, without_moderation):
    def hold_watches(sender, comment, request, **kwargs):
        if "watches" in comment.body.lower() or "montres" in comment.body.lower():
            comment_set_status(comment=comment, status=CommentStatus.SPAM)
        elif "fromagers" in comment.body:
            comment_set_status(comment=comment, status=CommentStatus.APPROVED)

    comment_submitted.connect(hold_watches, dispatch_uid="test-import-moderation")
    try:
        report = import_wxr(GAZETTE)
    finally:
        comment_submitted.disconnect(dispatch_uid="test-import-moderation")

    assert report.moderation_connected
    assert _comment(503).status == CommentStatus.SPAM
    assert _comment(501).status == CommentStatus.APPROVED
    # Approved in WordPress, left pending by moderation: now held for review.
    assert _comment(502).status == CommentStatus.PENDING
    assert report.held_reasons["moderation: pending"] >= 1
    # Pending in WordPress stays pending even if moderation would approve.
    assert _comment(508).status == CommentStatus.PENDING


def test_import_wxr_theme_unit_test(home, without_moderation):
    report = import_wxr(theme())

    # 56 published + 1 scheduled + 1 draft posts; 21 pages.
    assert ArticlePage.objects.count() == 58
    assert StandardPage.objects.count() == 21
    assert report.skipped_types["nav_menu_item"] == 70
    assert report.counts["attachments"]["seen"] == 37
    # 33 comments: 29 reader comments stored, 4 pingbacks/trackbacks skipped.
    assert get_comment_model().objects.count() == 29
    assert report.pings_skipped == 4
    assert not report.moderation_connected
    assert report.moderation == {"approved": 26, "pending": 3}
    # The ten-level reply chain 904 -> 915 is intact.
    chain = [_comment(915)]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    expected = [904, 905, 906, 907, 910, 911, 912, 913, 914, 915]
    records = ImportRecord.objects.filter(kind="comment", external_id__in=expected)
    by_pk = {int(r.object_id): int(r.external_id) for r in records}
    assert [by_pk[c.pk] for c in reversed(chain)] == expected
    assert chain[0].depth == 9
    # Greek percent-encoded slugs are decoded and the page tree is kept.
    level2 = StandardPage.objects.get(title="Επίπεδο 2 -Second Greek level")
    assert level2.slug == "επίπεδο-2"
    assert StandardPage.objects.get(title="Επίπεδο 3").get_parent().pk == level2.pk
    # ">themereviewteam" is referenced by posts but never declared.
    assert Author.objects.filter(name=">themereviewteam").exists()


def test_import_wxr_reports_statuses_as_stored_by_moderation(home):
    report = import_wxr(GAZETTE)

    stored = get_comment_model().objects.values_list("status", flat=True)
    assert report.moderation == Counter(stored)
    assert _comment(503).status == CommentStatus.SPAM
    # WordPress-approved comments are only public if moderation approved them.
    held = [
        _comment(n)
        for n in (501, 502, 505, 601)
        if _comment(n).status != CommentStatus.APPROVED
    ]
    assert sum(report.held_reasons.values()) >= len(held)


def test_import_wxr_block_test_data_resolves_duplicate_slug(home):
    import_wxr(theme("64-block-test-data.xml"))

    assert _article(75).slug == "footnotes"
    assert _article(76).slug == "footnotes-2"
    assert _article(75).get_parent().pk == _article(76).get_parent().pk


def test_import_wxr_utf8_challenges_round_trip(home):
    import_wxr(phpunit("wxr-utf-8-challenges.xml"))

    article = ArticlePage.objects.get()
    assert article.title == (
        '"The Road \u202eNot\u202c Taken" by Rob\u202dert '
        "\u202eFrost \u202a\U0001f332\u202c"
    )
    record = ImportRecord.objects.get(kind="post")
    assert record.checksum
    author = Author.objects.get()
    assert author.name.startswith("A\u0338")
    assert "\u200b" in author.name


@pytest.mark.parametrize(
    "name",
    [
        "valid-wxr-1.0.xml",
        "multiple-cdata.xml",
        "crazy-cdata-escaped.xml",
        "authors-multiline.xml",
        "backslashes.xml",
        "namespace-edge-cases.xml",
    ],
)
def test_import_wxr_small_public_files_import_twice_identically(home, name):
    first = import_wxr(phpunit(name))
    pages = Page.objects.count()

    second = import_wxr(phpunit(name))

    assert Page.objects.count() == pages
    assert sum(c["created"] for c in second.counts.values()) == 0
    assert sum(c["created"] for c in first.counts.values()) > 0


def test_import_wxr_namespace_hijack_item_is_skipped(home):
    report = import_wxr(phpunit("namespace-edge-cases.xml"))

    assert report.skipped_types["item without WordPress id"] == 1
    assert ArticlePage.objects.count() == 5


def test_import_wxr_without_home_page_refuses():
    with pytest.raises(LookupError):
        import_wxr(GAZETTE)


def test_command_import_wxr_prints_summary(home):
    out = io.StringIO()

    with translation.override("en"):
        call_command("import-wxr", str(GAZETTE), "--no-progress", stdout=out)

    text = out.getvalue()
    assert "posts" in text
    assert "orphan" in text
    assert ArticlePage.objects.count() == 5


def test_command_import_wxr_dry_run(home):
    out = io.StringIO()

    with translation.override("en"):
        call_command("import-wxr", str(GAZETTE), "--dry-run", stdout=out)

    assert "Dry run: nothing was written." in out.getvalue()
    assert "a dry run moderates nothing" in out.getvalue()
    assert not ArticlePage.objects.exists()


def test_command_import_wxr_reports_bomb_cleanly(home):
    with pytest.raises(CommandError, match=r"XML bomb.*line 2"):
        call_command("import-wxr", str(DATA / "bomb.xml"))


def test_command_import_wxr_rejects_unknown_timezone(home):
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="Unknown time zone"),
    ):
        call_command("import-wxr", str(GAZETTE), "--site-timezone", "Mars/Olympus")


def test_command_import_wxr_refuses_a_missing_home_or_a_folder(home, tmp_path):
    article = ArticlePage.objects.first()
    not_a_home = str(article.pk) if article is not None else "14"
    with translation.override("en"):
        for value in ("99999", not_a_home):
            with pytest.raises(CommandError, match=f"No home page with ID {value}"):
                call_command("import-wxr", str(GAZETTE), "--home", value)
        with pytest.raises(CommandError, match="is a folder"):
            call_command("import-wxr", str(tmp_path))


def test_command_import_wxr_speaks_french_and_arabic(home):
    with translation.override("fr"), pytest.raises(CommandError) as french:
        call_command("import-wxr", str(GAZETTE), "--site-timezone", "Mars/Olympus")
    with translation.override("ar"), pytest.raises(CommandError) as arabic:
        call_command("import-wxr", str(GAZETTE), "--site-timezone", "Mars/Olympus")

    assert str(french.value) == "Fuseau horaire inconnu : Mars/Olympus"
    assert str(arabic.value) == "منطقة زمنية غير معروفة: Mars/Olympus"


def test_command_import_wxr_malformed_public_file(home):
    with pytest.raises(CommandError, match=r"line 90, column 3"):
        call_command("import-wxr", str(phpunit("malformed.xml")))


def test_import_wxr_updates_a_post_changed_in_wordpress(home, tmp_path):
    import_wxr(GAZETTE)
    pages = Page.objects.count()
    changed = tmp_path / "gazette-v2.xml"
    changed.write_bytes(
        GAZETTE.read_bytes().replace(
            "Le marché couvert rouvre ses portes".encode(),
            "Le marché couvert a rouvert".encode(),
        )
    )

    report = import_wxr(changed)

    assert report.counts["posts"]["updated"] == 1
    assert report.counts["posts"]["unchanged"] == 4
    assert _article(100).title == "Le marché couvert a rouvert"
    assert Page.objects.count() == pages


def test_console_script_knows_import_wxr():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from manchette.cli import main; main(['manchette', 'help', 'import-wxr'])",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "--dry-run" in result.stdout
    assert "--site-timezone" in result.stdout
