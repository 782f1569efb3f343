import datetime
import json
import re

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from tests.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def section(news_site):
    return SectionPageFactory(parent=news_site, title="Économie", slug="economie")


def test_rss_feed_lists_latest_articles_newest_first(client, news_site, section):
    tech = SectionPageFactory(parent=news_site, slug="tech")
    older = ArticlePageFactory(parent=section, title="Plus ancien")
    newer = ArticlePageFactory(
        parent=tech, title="Plus récent", authors=[AuthorFactory(name="Karim Tazi")]
    )

    response = client.get("/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel is not None
    assert channel.findtext("language") == "fr"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Plus récent", "Plus ancien"]
    assert items[0].findtext("link") == newer.get_full_url()
    assert items[1].findtext("link") == older.get_full_url()
    assert items[0].findtext("description") == newer.standfirst
    assert (
        items[0].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Karim Tazi"
    )


def test_atom_feed_parses_with_entries(client, section):
    article = ArticlePageFactory(parent=section, title="Un titre Atom")

    response = client.get("/feed/atom/")

    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Un titre Atom"]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == article.get_full_url()


def test_section_feed_keeps_its_section_only(client, news_site, section):
    tech = SectionPageFactory(parent=news_site, slug="tech")
    ArticlePageFactory(parent=section, title="Économie seulement")
    ArticlePageFactory(parent=tech, title="Tech seulement")

    response = client.get("/feed/economie/")

    titles = [
        i.findtext("title")
        for i in ElementTree.fromstring(response.content).iter("item")
    ]
    assert titles == ["Économie seulement"]


def test_section_feed_unknown_slug_is_404(client, section):
    assert client.get("/feed/nulle-part/").status_code == 404


def test_feed_skips_drafts(client, section):
    ArticlePageFactory(parent=section, title="Brouillon", live=False)

    response = client.get("/feed/")

    assert b"Brouillon" not in response.content


def test_arabic_feed_lists_arabic_articles_only(client, section, arabic_home):
    ar_section = SectionPageFactory(parent=arabic_home, slug="iqtisad")
    ArticlePageFactory(parent=ar_section, title="مقال عربي")
    ArticlePageFactory(parent=section, title="Article français")

    channel = ElementTree.fromstring(client.get("/ar/feed/").content).find("channel")

    assert channel is not None
    assert channel.findtext("language") == "ar"
    assert [i.findtext("title") for i in channel.findall("item")] == ["مقال عربي"]


def test_sitemap_lists_pages_of_every_edition(client, section, arabic_home):
    article = ArticlePageFactory(parent=section)
    ar_section = SectionPageFactory(parent=arabic_home, slug="iqtisad")
    ar_article = ArticlePageFactory(parent=ar_section)
    draft = ArticlePageFactory(parent=section, live=False)

    response = client.get("/sitemap.xml")

    locations = {
        loc.text
        for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")
    }
    assert article.get_full_url() in locations
    assert section.get_full_url() in locations
    assert ar_article.get_full_url() in locations
    assert "/ar/" in ar_article.get_full_url()
    assert draft.get_full_url() not in locations


def test_news_sitemap_keeps_the_last_two_days(client, section, arabic_home):
    now = timezone.now()
    fresh = ArticlePageFactory(parent=section, title="Tout frais")
    stale = ArticlePageFactory(
        parent=section,
        title="Trop vieux",
        published_at=now - datetime.timedelta(days=2, minutes=5),
    )
    ar_section = SectionPageFactory(parent=arabic_home, slug="iqtisad")
    ar_fresh = ArticlePageFactory(parent=ar_section, title="خبر جديد")

    response = client.get("/news-sitemap.xml")

    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.find(f"{NEWS}news")
        for url in root.findall(f"{SITEMAP}url")
    }
    assert fresh.get_full_url() in entries
    assert ar_fresh.get_full_url() in entries
    assert stale.get_full_url() not in entries
    news = entries[fresh.get_full_url()]
    assert news is not None
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Manchette"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Tout frais"
    publication_date = news.findtext(f"{NEWS}publication_date")
    assert publication_date is not None
    published = datetime.datetime.fromisoformat(publication_date)
    assert published == fresh.first_published_at.replace(microsecond=0)
    ar_news = entries[ar_fresh.get_full_url()]
    assert ar_news is not None
    assert ar_news.findtext(f"{NEWS}publication/{NEWS}language") == "ar"


def _jsonld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script"
    return json.loads(match.group(1))


def test_article_jsonld_is_a_news_article(client, section):
    author = AuthorFactory(name="Salma Bennani")
    article = ArticlePageFactory(parent=section, title="Titre JSON", authors=[author])

    data = _jsonld(client.get(article.url).content.decode())

    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Titre JSON"
    assert data["inLanguage"] == "fr"
    assert data["author"] == [{"@type": "Person", "name": "Salma Bennani"}]
    assert data["publisher"]["name"] == "Manchette"
    assert data["datePublished"].endswith("Z")
    assert data["dateModified"] >= data["datePublished"]
    assert data["image"][0].startswith("http://testserver/")


def test_article_jsonld_escapes_markup_in_text(client, section):
    title = "</script><script>alert(1)</script> & co"
    article = ArticlePageFactory(parent=section, title=title)

    html = client.get(article.url).content.decode()

    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    assert script is not None
    assert "<" not in script.group(1)
    assert "&" not in script.group(1)
    assert _jsonld(html)["headline"] == title


def test_article_page_has_social_and_alternate_links(client, section, arabic_home):
    article = ArticlePageFactory(parent=section, title="Partagé")

    html = client.get(article.url).content.decode()

    assert f'<link rel="canonical" href="{article.get_full_url()}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Partagé">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'type="application/rss+xml"' in html
    assert '<link rel="alternate" hreflang="fr"' in html
