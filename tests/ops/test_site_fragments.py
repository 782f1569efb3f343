"""Route, chrome and article fragments: reused across views, refreshed on change.

These caches are keyed on the site version token, which any page save,
publication, move or deletion (and a site, locale, ad slot, newsroom setting,
author, image or tag change) replaces. Each test views a page, changes
something the page shows, and checks that the next view shows the change.
"""

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from manchette.news.models import NewsSettings
from manchette.ops.caching import SITE_VERSION_KEY
from tests.factories import (
    AdSlotFactory,
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    StandardPageFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]


@pytest.fixture(autouse=True)
def _fragment_cache():
    with override_settings(OPS_FRAGMENT_CACHE=True):
        yield


@pytest.fixture
def section(news_site):
    return SectionPageFactory(parent=news_site, title="Économie", slug="economie")


@pytest.fixture
def article(section):
    return ArticlePageFactory(
        parent=section, title="Le port s'agrandit", slug="port", authors=[]
    )


def _get(url: str, **extra):
    response = Client().get(url, **extra)
    return response, response.content.decode()


def _html(url: str, **extra) -> str:
    response, html = _get(url, **extra)
    assert response.status_code == 200, url
    return html


_PER_REQUEST = re.compile(
    r'(name="(?:csrfmiddlewaretoken|security_token)" value=")[^"]*'
)


def _stable(html: str) -> str:
    """Return the page without the per-request CSRF and form tokens."""
    return _PER_REQUEST.sub(r"\1", html)


def _queries(url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _html(url)
    return len(captured.captured_queries)


def test_second_view_reuses_route_chrome_and_article_fragments(article):
    first = _queries(article.url)
    second = _queries(article.url)

    assert first > 10
    assert second <= 3  # the page itself (and the comment list on a cold list)
    assert _stable(_html(article.url)) == _stable(_html(article.url))


def test_fragments_off_render_everything(article):
    _html(article.url)
    with override_settings(OPS_FRAGMENT_CACHE=False):
        assert _queries(article.url) > 10


def test_published_title_and_body_change_shows_on_next_view(article):
    assert "Le port s&#x27;agrandit" in _html(article.url)
    article.title = "Le port double sa capacité"
    article.body = [("paragraph", "<p>Un paragraphe tout neuf.</p>")]
    article.save_revision().publish()

    html = _html(article.url)
    assert "Le port double sa capacité" in html
    assert "Un paragraphe tout neuf." in html
    assert "Le port s&#x27;agrandit" not in html


def test_new_article_shows_in_related_list_of_its_section(article, section):
    assert "Read also" not in _html(article.url)  # no other article yet
    ArticlePageFactory(parent=section, title="Les dockers en grève", authors=[])

    assert "Les dockers en grève" in _html(article.url)


def test_unpublished_related_article_leaves_the_list(article, section):
    other = ArticlePageFactory(parent=section, title="Les dockers en grève")
    assert "Les dockers en grève" in _html(article.url)
    other.unpublish()

    assert "Les dockers en grève" not in _html(article.url)


def test_new_section_shows_in_the_menu(article, news_site):
    assert "Culture" not in _html(article.url)
    SectionPageFactory(parent=news_site, title="Culture", slug="culture")

    assert "Culture" in _html(article.url)


def test_footer_page_added_shows(article, news_site):
    assert "Mentions légales" not in _html(article.url)
    StandardPageFactory(parent=news_site, title="Mentions légales", slug="mentions")

    assert "Mentions légales" in _html(article.url)


def test_new_translation_shows_in_language_links(article, arabic_home):
    html = _html(article.url)
    assert 'hreflang="ar" href' not in html.split("</head>")[0]
    # an Arabic section and article, translations of the French ones
    ar_section = article.get_parent().specific.copy_for_translation(arabic_home.locale)
    ar_section.save_revision().publish()
    ar_article = article.copy_for_translation(arabic_home.locale)
    ar_article.title = "الميناء يتوسع"
    ar_article.save_revision().publish()

    head = _html(article.url).split("</head>")[0]
    assert f'hreflang="ar" href="http://testserver{ar_article.url}"' in head


def test_unpublished_page_is_not_served_from_a_remembered_route(article):
    _html(article.url)
    _html(article.url)
    article.unpublish()

    assert _get(article.url)[0].status_code == 404


def test_moved_page_old_path_is_not_served(article, news_site):
    old_url = article.url
    _html(old_url)
    other = SectionPageFactory(parent=news_site, title="Monde", slug="monde")
    article.move(other, pos="last-child")
    article.refresh_from_db()

    assert _get(old_url)[0].status_code != 200  # Wagtail's redirect, or 404
    assert "Le port s&#x27;agrandit" in _html(article.url)


def test_renamed_slug_old_path_is_not_served(article):
    old_url = article.url
    _html(old_url)
    article.slug = "port-agrandi"
    article.save_revision().publish()
    article.refresh_from_db()

    assert _get(old_url)[0].status_code != 200  # Wagtail's redirect, or 404
    assert _get(article.url)[0].status_code == 200


def test_view_restriction_added_after_caching_is_enforced(article):
    _html(article.url)
    _html(article.url)
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )

    response, html = _get(article.url)
    assert "Le port s&#x27;agrandit" not in html or response.status_code != 200
    assert 'name="password"' in html


def test_restricted_page_route_is_never_remembered(article):
    section = article.get_parent()
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.LOGIN
    )
    for _ in range(2):
        response, _html_text = _get(article.url)
        assert response.status_code == 302  # to the login page, every time


def test_ads_switched_off_in_settings_disappear(article, news_site):
    AdSlotFactory(html='<p class="house-ad">Offre maison</p>')
    assert "Offre maison" in _html(article.url)
    settings = NewsSettings.for_site(news_site.get_site())
    settings.ads_enabled = False
    settings.save()

    assert "Offre maison" not in _html(article.url)


def test_deactivated_ad_slot_disappears(article):
    slot = AdSlotFactory(html='<p class="house-ad">Offre maison</p>')
    assert "Offre maison" in _html(article.url)
    slot.active = False
    slot.save()

    assert "Offre maison" not in _html(article.url)


def test_renamed_author_shows_in_byline_and_jsonld(section):
    author = AuthorFactory(name="Leïla Benali")
    article = ArticlePageFactory(parent=section, authors=[author])
    assert "Leïla Benali" in _html(article.url)
    author.name = "Leïla Benali-Tazi"
    author.save()

    html = _html(article.url)
    assert html.count("Leïla Benali-Tazi") >= 2  # byline and JSON-LD


def test_fragments_are_per_language(article, arabic_home):
    ar_section = article.get_parent().specific.copy_for_translation(arabic_home.locale)
    ar_section.save_revision().publish()
    ar_article = article.copy_for_translation(arabic_home.locale)
    ar_article.title = "الميناء يتوسع"
    ar_article.save_revision().publish()
    fr_html = _html(article.url)
    ar_html = _html(ar_article.url)

    assert 'lang="fr"' in fr_html
    assert 'lang="ar" dir="rtl"' in ar_html
    assert "الميناء يتوسع" in ar_html
    assert "الميناء يتوسع" not in fr_html.split("<main")[1]
    assert _stable(_html(article.url)) == _stable(fr_html)


def test_fragments_are_per_host(article):
    # The default site answers any allowed host; feed links use the request's.
    html_a = _html(article.url)
    html_b = _html(article.url, HTTP_HOST="autre.example")

    assert 'href="http://testserver/feed/"' in html_a
    assert 'href="http://autre.example/feed/"' in html_b
    assert 'href="http://testserver/feed/"' not in html_b


def test_site_version_changes_on_page_save(article, clear_cache):
    before = clear_cache.get(SITE_VERSION_KEY)
    _html(article.url)
    before = clear_cache.get(SITE_VERSION_KEY)
    article.save()

    assert clear_cache.get(SITE_VERSION_KEY) not in {None, before}


def test_preview_never_reads_or_fills_the_fragments(article):
    live_html = _stable(_html(article.url))
    article.title = "Brouillon jamais publié"  # not saved: no version change

    preview = article.make_preview_request().content.decode()

    assert "Brouillon jamais publié" in preview
    assert _stable(_html(article.url)) == live_html


def test_unknown_path_is_404_with_the_site_chrome_every_time(article, section):
    for _ in range(2):
        response, html = _get("/economie/nulle-part/")
        assert response.status_code == 404
        assert 'href="/economie/"' in html  # the section menu, from the chrome
    ArticlePageFactory(parent=section, slug="nulle-part", title="Enfin là")

    assert "Enfin là" in _html("/economie/nulle-part/")
