"""/robots.txt: crawlers read pages and sitemaps, not private or per-reader URLs."""

import urllib.robotparser
from pathlib import Path

import pytest
from django.test import Client


@pytest.fixture
def parser(client: Client) -> urllib.robotparser.RobotFileParser:
    response = client.get("/robots.txt", HTTP_HOST="exemple.ma")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    return robots


@pytest.mark.parametrize(
    "path",
    ["/", "/politique/un-article/", "/ar/", "/sitemap.xml", "/comments/feed/"],
)
def test_pages_and_feeds_may_be_crawled(parser, path: str) -> None:
    assert parser.can_fetch("AnyBot", f"http://exemple.ma{path}")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/api/v1/pages/3/comments",
        "/v1alpha1/comments:analyze",
        "/comments/post/",
        "/ar/comments/c/12/flag/",
        "/en/comments/notify/confirm/abc/",
        "/moderation/appeal/xyz/",
    ],
)
def test_private_and_reader_action_urls_are_disallowed(parser, path: str) -> None:
    assert not parser.can_fetch("AnyBot", f"http://exemple.ma{path}")


def test_sitemaps_are_absolute_urls_on_the_requested_host(parser) -> None:
    assert parser.site_maps() == [
        "http://exemple.ma/sitemap.xml",
        "http://exemple.ma/news-sitemap.xml",
    ]


def test_post_is_refused(client: Client) -> None:
    assert client.post("/robots.txt").status_code == 405


def test_favicon_redirects_to_the_icon_every_page_links(
    client: Client, comments_article
) -> None:
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    found = finders.find("favicon.svg")
    assert isinstance(found, str)
    assert Path(found).read_text(encoding="utf-8").startswith("<svg")
    page = client.get(comments_article.url).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
