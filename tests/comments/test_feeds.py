import xml.etree.ElementTree as ET

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.urls import reverse

from manchette.comments.abstracts import CommentStatus
from tests.factories import CommentFactory, build_comment_article

pytestmark = pytest.mark.django_db


def items(response):
    root = ET.fromstring(response.content)  # noqa: S314 - trusted, our output
    return root.findall("./channel/item")


def object_feed(article):
    content_type = ContentType.objects.get_for_model(article)
    return reverse("comments:object_feed", args=[content_type.pk, article.pk])


def test_site_feed_lists_approved_comments_only(client, comments_article):
    shown = CommentFactory(target=comments_article, body="Avis publié.")
    CommentFactory(target=comments_article, status=CommentStatus.PENDING, body="Caché")
    CommentFactory(target=comments_article, status=CommentStatus.SPAM, body="Pourriel")

    response = client.get(reverse("comments:feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    found = items(response)
    assert len(found) == 1
    assert found[0].findtext("description") == "Avis publié."
    assert found[0].findtext("link").endswith(f"#comment-{shown.pk}")


def test_object_feed_lists_only_that_page(client, comments_article):
    other = build_comment_article(slug="autre-article")
    CommentFactory(target=comments_article, body="Ici.")
    CommentFactory(target=other, body="Ailleurs.")

    found = items(client.get(object_feed(comments_article)))

    assert [i.findtext("description") for i in found] == ["Ici."]


def test_feeds_carry_no_email(client, comments_article):
    CommentFactory(target=comments_article, author_email="secret.reader@example.org")
    for url in (reverse("comments:feed"), object_feed(comments_article)):
        body = client.get(url).content.decode()
        assert "secret.reader" not in body
        assert "<author>" not in body  # RSS <author> is an email address


def test_feed_of_unpublished_page_is_404_and_hidden_site_wide(client, comments_article):
    CommentFactory(target=comments_article, body="Sur une page retirée.")
    comments_article.unpublish()
    assert client.get(object_feed(comments_article)).status_code == 404
    assert items(client.get(reverse("comments:feed"))) == []


def test_feed_of_unknown_object_is_404(client, db):
    assert (
        client.get(reverse("comments:object_feed", args=[9999, "1"])).status_code == 404
    )


def test_comment_feed_link_tag_renders_alternate_link(comments_article):
    html = Template("{% load comments_reader %}{% comment_feed_link page %}").render(
        Context({"page": comments_article})
    )
    assert html.startswith('<link rel="alternate" type="application/rss+xml"')
    assert object_feed(comments_article) in html


def test_feed_guids_are_absolute_permalinks(client, comments_article):
    shown = CommentFactory(target=comments_article, body="Avis publié.")
    permalink = reverse("comments:permalink", args=[shown.pk])
    for url in (reverse("comments:feed"), object_feed(comments_article)):
        guid = items(client.get(url))[0].find("guid")
        assert guid.text == f"http://testserver{permalink}"
        assert guid.get("isPermaLink") == "true"
        # The permalink opens the page that shows the comment.
        landing = client.get(guid.text)
        assert landing.status_code == 302
        assert landing["Location"].endswith(f"#comment-{shown.pk}")


def test_feed_guids_use_the_configured_base_url(client, comments_article, settings):
    settings.COMMENTS_BASE_URL = "https://www.example.ma/"
    shown = CommentFactory(target=comments_article)
    guid = items(client.get(reverse("comments:feed")))[0].findtext("guid")
    assert guid == "https://www.example.ma" + reverse(
        "comments:permalink", args=[shown.pk]
    )


def test_feed_description_carries_the_body_as_text_not_markup(client, comments_article):
    CommentFactory(
        target=comments_article,
        body='<img src=x onerror="alert(1)"> deux lignes\nla seconde',
    )

    (item,) = items(client.get(reverse("comments:feed")))

    # A feed reader reads the description as HTML: the markup is text there.
    assert item.findtext("description") == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; deux lignes<br>la seconde"
    )
