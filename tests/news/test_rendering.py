import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from manchette.news.models import NewsSettings, SectionPage
from tests.factories import (
    AdSlotFactory,
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    StandardPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(news_site):
    return SectionPageFactory(parent=news_site, title="Économie", slug="economie")


def _text(response):
    return html.unescape(response.content.decode())


def test_article_page_renders_every_part_of_a_news_article(client, section):
    AdSlotFactory(name="Milieu", html='<div class="house-ad">Offre du jour</div>')
    author = AuthorFactory(name="Salma Bennani")
    article = ArticlePageFactory(
        parent=section, title="Le port s'agrandit", authors=[author]
    )

    response = client.get(article.url)

    assert response.status_code == 200
    page = _text(response)
    assert '<p class="article__kicker">Économie</p>' in page
    assert re.search(r"<h1[^>]*>Le port s'agrandit</h1>", page)
    assert "Un chapô qui résume l'essentiel" in page
    assert '<span class="byline__author">Salma Bennani</span>' in page
    assert re.search(r"<figcaption>.*Photo DR.*</figcaption>", page, re.S)
    assert '<h2 class="article__subhead">Un intertitre qui relance</h2>' in page
    assert re.search(
        r"<blockquote[^>]*>\s*<p>Nous irons plus loin.</p>\s*"
        r"<footer><cite>Une dirigeante",
        page,
    )
    assert 'aria-label="Publicité"' in page
    assert "Offre du jour" in page
    assert '<section id="comments"' in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', page)


def test_article_page_places_automatic_ad_after_second_paragraph(client, section):
    AdSlotFactory(html='<div class="house-ad">Offre du jour</div>')
    article = ArticlePageFactory(parent=section)

    page = _text(client.get(article.url))

    second = page.index("Paragraphe numéro 2")
    ad = page.index("Offre du jour")
    subhead = page.index("Un intertitre qui relance")
    assert second < ad < subhead


def test_article_page_ad_block_in_body_renders_slot(client, section):
    slot = AdSlotFactory(
        position="manual", html='<div class="house-ad">Placée à la main</div>'
    )
    article = ArticlePageFactory(
        parent=section,
        body=[("paragraph", "<p>Début.</p>"), ("ad", slot)],
    )

    page = _text(client.get(article.url))

    assert "Placée à la main" in page
    assert 'class="ad ad--manual"' in page


def test_article_page_hides_every_ad_when_switched_off(client, section):
    AdSlotFactory(html='<div class="house-ad">Offre du jour</div>')
    manual = AdSlotFactory(position="manual", html="<p>Placée à la main</p>")
    article = ArticlePageFactory(
        parent=section,
        body=[
            ("paragraph", "<p>Un.</p>"),
            ("paragraph", "<p>Deux.</p>"),
            ("ad", manual),
        ],
    )
    settings = NewsSettings.for_site(Site.objects.get(is_default_site=True))
    settings.ads_enabled = False
    settings.save()

    page = _text(client.get(article.url))

    assert "Publicité" not in page
    assert "Offre du jour" not in page
    assert "Placée à la main" not in page


def test_article_page_skips_inactive_slot(client, section):
    AdSlotFactory(html="<p>Campagne terminée</p>", active=False)
    article = ArticlePageFactory(parent=section)

    assert "Campagne terminée" not in _text(client.get(article.url))


def test_article_page_sanitises_editor_ad_html(client, section):
    AdSlotFactory(
        html='<div onclick="steal()">Offre<script>alert(1)</script>'
        '<img src="x.png" onerror="steal()"><a href="javascript:steal()">lien</a></div>'
    )
    article = ArticlePageFactory(parent=section)

    body = client.get(article.url).content.decode()

    assert "Offre" in body
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "onclick" not in body
    assert "javascript:" not in body


def test_article_page_in_arabic_is_right_to_left_with_arabic_interface(
    client, arabic_home
):
    section = SectionPageFactory(parent=arabic_home, title="اقتصاد", slug="iqtisad")
    article = ArticlePageFactory(
        parent=section,
        title="سوق الجملة الجديد",
        kicker="تجارة",
        authors=[AuthorFactory()],
    )
    AdSlotFactory()

    response = client.get(article.url)

    assert article.url.startswith("/ar/")
    assert response.status_code == 200
    page = _text(response)
    assert '<html lang="ar" dir="rtl">' in page
    for arabic in ("انتقل إلى المحتوى", "بقلم", "نُشر في", "إعلان", "الأقسام"):
        assert arabic in page, arabic
    for french in ("Publicité", "Aller au contenu", "Publié le"):
        assert french not in page, french


def test_french_pages_are_left_to_right_in_french(client, section):
    response = client.get(section.url)

    page = _text(response)
    assert '<html lang="fr" dir="ltr">' in page
    assert "Aller au contenu" in page


def test_home_page_lists_latest_articles_and_section_blocks(client, news_site, section):
    other = SectionPageFactory(parent=news_site, title="Tech", slug="tech")
    ArticlePageFactory(parent=section, title="Article économie")
    ArticlePageFactory(parent=other, title="Article tech")

    response = client.get("/")

    page = _text(response)
    assert response.status_code == 200
    assert "Article économie" in page
    assert "Article tech" in page
    assert re.search(
        r'<h2 id="section-front-\d+" class="rubric-title">\s*<a href="/tech/">Tech</a>',
        page,
    )
    assert '<a href="/economie/"' in page  # section navigation


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_section_page_query_count_does_not_grow_with_articles(client, section):
    author = AuthorFactory()
    for _ in range(2):
        ArticlePageFactory(parent=section, authors=[author])
    client.get(section.url)  # create renditions once
    few = _queries_for(client, section.url)
    for _ in range(5):
        ArticlePageFactory(parent=section, authors=[author])
    client.get(section.url)
    many = _queries_for(client, section.url)

    assert many == few


def test_home_page_query_count_does_not_grow_with_articles(client, news_site, section):
    other = SectionPageFactory(parent=news_site, slug="tech")
    ArticlePageFactory(parent=section)
    client.get("/")
    few = _queries_for(client, "/")
    for parent in (section, other, other, section):
        ArticlePageFactory(parent=parent)
    client.get("/")
    many = _queries_for(client, "/")

    assert many == few


def test_section_page_paginates_newest_first(client, section, monkeypatch):
    monkeypatch.setattr(SectionPage, "PER_PAGE", 2)
    for index in range(3):
        ArticlePageFactory(parent=section, title=f"Numéro {index}")

    first = _text(client.get(section.url))
    second = _text(client.get(section.url + "?page=2"))

    assert "Numéro 2" in first
    assert "Numéro 1" in first
    assert "Numéro 0" not in first
    assert "Numéro 0" in second
    assert 'rel="next"' in first


def test_standard_page_renders_body(client, news_site):
    page = StandardPageFactory(parent=news_site, title="Mentions légales")

    response = client.get(page.url)

    assert response.status_code == 200
    assert "Une rédaction indépendante." in _text(response)
