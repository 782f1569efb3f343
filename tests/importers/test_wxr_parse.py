"""The WXR parser: pure Python, no database."""

import datetime as dt
import io
import zoneinfo
from collections import Counter

import pytest

from manchette.importers.wxr.parse import (
    VERSION_ERROR,
    WxrAuthor,
    WxrError,
    WxrPost,
    WxrSite,
    iter_wxr,
    parse_wxr,
)
from tests.importers.wxr_files import DATA, phpunit, theme

MINIMAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Un</title><wp:post_id>7</wp:post_id>
<wp:post_date>2026-01-15 10:00:00</wp:post_date>
<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt></item>
</channel></rss>
"""


def test_parse_theme_unit_test_counts_items_by_type():
    document = parse_wxr(theme())

    types = Counter(post.type for post in document.posts)
    assert types == {"post": 58, "page": 21, "attachment": 37, "nav_menu_item": 70}
    assert sum(len(post.comments) for post in document.posts) == 33
    assert [author.login for author in document.authors] == [
        "themedemos",
        "themereviewteam",
    ]
    assert document.site.wxr_version == "1.2"


def test_parse_reads_https_namespace_of_theme_unit_test():
    # The theme unit test binds wp: to https://wordpress.org/export/1.2/.
    document = parse_wxr(theme())

    assert all(post.id > 0 for post in document.posts)


def test_parse_keeps_ten_level_reply_chain():
    document = parse_wxr(theme())
    comments = {c.id: c for post in document.posts for c in post.comments}

    chain = [915]
    while comments[chain[-1]].parent:
        chain.append(comments[chain[-1]].parent)
    assert chain[::-1] == [904, 905, 906, 907, 910, 911, 912, 913, 914, 915]


def test_parse_decodes_percent_encoded_greek_slugs():
    document = parse_wxr(theme())
    slugs = {post.id: post.slug for post in document.posts}

    assert slugs[1811] == "επίπεδο-2"
    assert slugs[1813] == "επίπεδο-3"


def test_parse_converts_dates_to_aware_utc():
    document = parse_wxr(theme())
    comment = next(c for p in document.posts for c in p.comments if c.id == 904)

    assert comment.date == dt.datetime(2013, 3, 14, 14, 57, 1, tzinfo=dt.UTC)


def test_parse_zero_gmt_date_falls_back_to_site_timezone():
    casablanca = zoneinfo.ZoneInfo("Africa/Casablanca")
    utc_post = parse_wxr(io.BytesIO(MINIMAL)).posts[0]
    local_post = parse_wxr(io.BytesIO(MINIMAL), site_timezone=casablanca).posts[0]

    assert utc_post.date == dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
    # Casablanca is UTC+1 outside Ramadan.
    assert local_post.date == dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC)


def test_parse_duplicate_slugs_are_reported_as_is():
    document = parse_wxr(theme("64-block-test-data.xml"))
    slugs = {post.id: post.slug for post in document.posts}

    assert slugs[75] == slugs[76] == "footnotes"


@pytest.mark.parametrize(
    "name",
    ["malformed.xml", "malformed-simple.xml", "crazy-cdata.xml"],
)
def test_parse_malformed_file_reports_line_and_column(name):
    with pytest.raises(WxrError, match=r"Malformed XML: .*\(line \d+, column \d+\)"):
        parse_wxr(phpunit(name))


def test_parse_malformed_simple_points_at_end_of_file():
    with pytest.raises(WxrError) as info:
        parse_wxr(phpunit("malformed-simple.xml"))

    assert (info.value.line, info.value.column) == (14, 1)


@pytest.mark.parametrize("name", ["missing-version-tag.xml", "invalid-version-tag.xml"])
def test_parse_rejects_missing_or_invalid_version(name):
    with pytest.raises(WxrError) as info:
        parse_wxr(phpunit(name))

    assert str(info.value) == VERSION_ERROR


def test_parse_rejects_non_rss_document():
    with pytest.raises(WxrError, match="missing/invalid WXR version"):
        parse_wxr(io.BytesIO(b"<html><body/></html>"))


def test_parse_refuses_billion_laughs_before_expanding():
    with pytest.raises(WxrError, match="XML bomb") as info:
        parse_wxr(DATA / "bomb.xml")

    assert info.value.line == 2


def test_parse_refuses_external_entity():
    payload = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(WxrError, match=r"(?i)refused"):
        parse_wxr(io.BytesIO(payload))


def test_parse_truncated_fixture_reports_position():
    with pytest.raises(WxrError, match="Malformed XML") as info:
        parse_wxr(DATA / "truncated.xml")

    assert info.value.line is not None
    assert info.value.line >= 60


def test_parse_multiple_adjacent_cdata_sections_are_joined_and_trimmed():
    post = parse_wxr(phpunit("multiple-cdata.xml")).posts[0]

    assert post.content == "line oneline twoline three"


def test_parse_split_cdata_terminators_round_trip():
    post = parse_wxr(phpunit("crazy-cdata-escaped.xml")).posts[0]

    assert post.content == "Content with nested <![CDATA[ tags ]]> :)"
    assert post.meta_value("Closing CDATA") == "]]>"
    assert post.meta_value("Alot of CDATA") == (
        "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>"
    )


def test_parse_cdata_ending_with_bracket_space_is_preserved():
    post = parse_wxr(phpunit("cdata-edge.xml")).posts[0]

    assert post.content == "ends with sequence ]] >"


def test_parse_trims_multiline_author_fields():
    authors = parse_wxr(phpunit("authors-multiline.xml")).authors

    assert [(a.id, a.login) for a in authors] == [
        (1, "alice"),
        (2, "bob"),
        (3, "carol"),
    ]


def test_parse_keeps_backslashes():
    post = parse_wxr(phpunit("backslashes.xml")).posts[0]

    assert "C:\\xampp\\htdocs\\wp-content" in post.content


def test_parse_keeps_blank_lines_inside_content():
    post = parse_wxr(phpunit("post-content-blank-lines.xml")).posts[0]

    assert post.content.count("\n") == 3


def test_parse_namespace_uri_decides_not_prefix():
    document = parse_wxr(phpunit("namespace-edge-cases.xml"))
    by_title = {post.title: post for post in document.posts}

    # Authors: the fake-URI one is ignored, the 1.1 URI is a WordPress one.
    assert [a.login for a in document.authors] == ["real_user", "version_conflict"]
    # The last post_id in a WordPress namespace wins (alt: is bound to 1.2).
    assert by_title["Mixed Namespaces"].id == 999
    assert [m.key for m in by_title["Mixed Namespaces"].meta] == ["normal_key"]
    assert by_title["No Prefix"].id == 2
    assert by_title["Empty Namespace"].id == 3
    hijacked = by_title["Hijacked Namespace"]
    assert (hijacked.id, hijacked.type, hijacked.meta) == (0, "", ())
    # A term under an unknown URI is dropped; the 1.0 URI is accepted.
    assert [t.id for t in document.terms] == [100, 102]


def test_parse_wxr_1_0_skips_duplicate_categories_without_nicename():
    document = parse_wxr(phpunit("valid-wxr-1.0.xml"))
    post = document.posts[2]

    assert [(t.domain, t.slug) for t in post.terms] == [
        ("category", "alpha"),
        ("post_tag", "news"),
        ("post_tag", "roar"),
    ]
    assert document.authors == ()
    assert document.site.base_site_url == "http://localhost/"


def test_parse_keeps_serialised_meta_opaque():
    comment = (
        parse_wxr(phpunit("test-serialized-comment-meta.xml")).posts[0].comments[0]
    )

    assert [m.value for m in comment.meta] == [
        "¯\\_(ツ)_/¯",
        'a:1:{s:3:"key";s:13:"¯\\_(ツ)_/¯";}',
    ]


def test_parse_utf8_challenges_round_trip_exactly():
    document = parse_wxr(phpunit("wxr-utf-8-challenges.xml"))
    post = document.posts[0]

    # Bidi overrides, zero-width characters and emoji survive untouched.
    assert post.slug == "hello-w\u202eorld\u202c-utf8-\U0001f4ab-test"
    assert post.author_login == "admin\u200c\u200b\u200d\u200e"
    assert post.title == (
        '"The Road \u202eNot\u202c Taken" by Rob\u202dert '
        "\u202eFrost \u202a\U0001f332\u202c"
    )
    assert document.authors[0].login == post.author_login
    assert "\u202eخدسنگ\u202c" in post.excerpt
    assert post.terms[0].slug == "uncat\u202eegorized\u202c"
    assert document.site.title.endswith("\u202e\u202dمرحبا")


def test_parse_own_fixture_reads_french_and_arabic():
    document = parse_wxr(DATA / "gazette.xml")
    by_id = {post.id: post for post in document.posts}

    assert by_id[101].slug == "افتتاح-مكتبة-الحي"
    assert by_id[101].author_login == "فاطمة"
    assert by_id[201].slug == "من-نحن"
    assert document.authors[1].display_name == "فاطمة الزهراء بنعلي"
    assert [t.slug for t in document.terms if t.taxonomy == "category"] == [
        "societe",
        "ثقافة",
    ]
    assert document.terms[1].parent == "societe"
    approvals = {c.id: c.approved for c in by_id[100].comments}
    assert approvals[503] == "spam"
    assert approvals[509] == "post-trashed"
    assert approvals[508] == ""


def test_iter_wxr_streams_site_first_and_reports_bytes():
    seen: list[int] = []
    records = list(iter_wxr(DATA / "gazette.xml", progress=seen.append))

    assert isinstance(records[0], WxrSite)
    assert isinstance(records[1], WxrAuthor)
    assert isinstance(records[-1], WxrPost)
    assert seen[-1] == (DATA / "gazette.xml").stat().st_size


def test_iter_wxr_accepts_open_binary_file():
    with (DATA / "gazette.xml").open("rb") as handle:
        posts = [r for r in iter_wxr(handle) if isinstance(r, WxrPost)]
        assert not handle.closed

    assert len(posts) == 9
