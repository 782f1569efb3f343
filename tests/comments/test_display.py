import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from manchette.comments.abstracts import CommentStatus
from manchette.comments.services import comment_remove
from manchette.comments.templatetags.comments import count_label
from manchette.comments.web import OWN_SESSION_KEY
from tests.factories import CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clear_cache", "no_comment_receivers"),
]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 réponse"), (1, "1 réponse"), (2, "2 réponses"), (57, "57 réponses")],
)
def test_count_label_french_plurals(count, expected):
    with translation.override("fr"):
        assert count_label(count) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "لا توجد ردود"),
        (1, "رد واحد"),
        (2, "ردّان"),
        (3, "3 ردود"),
        (10, "10 ردود"),
        (11, "11 رداً"),
        (99, "99 رداً"),
        (100, "100 رد"),
        (102, "102 رد"),
        (103, "103 ردود"),
        (111, "111 رداً"),
    ],
)
def test_count_label_arabic_six_plural_forms(count, expected):
    with translation.override("ar"):
        assert count_label(count) == expected


def render_section(article, request=None, lang="fr"):
    with translation.override(lang):
        return _render_section(article, request)


def _render_section(article, request=None):
    request = request or RequestFactory().get(article.url)
    if not hasattr(request, "session"):
        from django.contrib.sessions.backends.db import SessionStore

        request.session = SessionStore()
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    template = Template("{% load comments %}{% comment_section page %}")
    return template.render(Context({"page": article, "request": request}))


def test_comment_section_renders_markup_contract(comments_article):
    comment = CommentFactory(
        target=comments_article, author_name="مريم", author_url="https://exemple.ma"
    )
    html = render_section(comments_article)
    assert "1 réponse" in html
    assert f'id="comment-{comment.pk}"' in html
    assert "<bdi>مريم</bdi>" in html
    assert 'rel="nofollow ugc noopener"' in html
    assert 'class="comment-content" dir="auto"' in html
    stamp = comment.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<time datetime="{stamp}">' in html
    assert f"?replytocom={comment.pk}#respond" in html
    assert "Laisser un commentaire" in html
    assert "Votre adresse e-mail ne sera pas publiée." in html
    assert "Les champs obligatoires sont indiqués avec" in html
    assert (
        "Enregistrer mon nom et mon e-mail dans ce navigateur pour mon prochain "
        "commentaire." in html
    )
    assert 'class="comment-form-hp"' in html
    assert "style=" not in html
    assert "<script>" not in html


def test_comment_section_in_arabic(comments_article):
    CommentFactory.create_batch(3, target=comments_article)
    html = render_section(comments_article, lang="ar")
    assert "3 ردود" in html
    assert "اترك تعليقاً" in html
    assert "لن يُنشر بريدك الإلكتروني." in html


def test_article_page_shows_count_list_and_form(client, comments_article):
    CommentFactory.create_batch(2, target=comments_article)
    html = client.get(comments_article.url).content.decode()
    assert "2 réponses" in html
    assert html.count('class="comment depth-1') == 2
    assert 'id="commentform"' in html


def test_comment_time_text_uses_reader_timezone(comments_article):
    import datetime as dt

    CommentFactory(
        target=comments_article,
        submitted_at=dt.datetime(2026, 2, 3, 23, 30, tzinfo=dt.UTC),
    )
    with override_settings(TIME_ZONE="Asia/Tokyo"):
        html = render_section(comments_article)
    assert '<time datetime="2026-02-03T23:30:00Z">4 février 2026 à 08:30</time>' in html


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_comment_date_written_like_the_article_date(comments_article, lang):
    import datetime as dt

    moment = dt.datetime(2026, 11, 29, 16, 41, tzinfo=dt.UTC)
    CommentFactory(target=comments_article, submitted_at=moment)
    html = render_section(comments_article, lang=lang)
    # The article template's own date markup, rendered in the same language.
    article_date = Template(
        '{% load i18n %}{% blocktranslate with date=v|date:"DATE_FORMAT" '
        'time=v|time:"TIME_FORMAT" %}{{ date }} at {{ time }}{% endblocktranslate %}'
    )
    with translation.override(lang):
        expected = article_date.render(Context({"v": moment}))

    assert f'<time datetime="2026-11-29T16:41:00Z">{expected}</time>' in html
    if lang == "ar":
        assert expected == "29 نوفمبر، 2026 على الساعة 5:41 م"


def test_thread_order_and_count_after_reply_removed(comments_article):
    root = CommentFactory(target=comments_article, author_name="Racine")
    first = CommentFactory(parent=root, author_name="PremièreRéponse")
    grandchild = CommentFactory(parent=first, author_name="PetiteRéponse")
    second = CommentFactory(parent=root, author_name="SecondeRéponse")
    html = render_section(comments_article)
    assert "4 réponses" in html
    order = list(re.findall(r'id="comment-(\d+)"', html))
    assert order == [str(c.pk) for c in (root, first, grandchild, second)]

    comment_remove(comment=first)
    html = render_section(comments_article)
    assert "3 réponses" in html
    assert f'id="comment-{first.pk}"' not in html
    assert "Ce commentaire n&#x27;est pas disponible." in html or (
        "Ce commentaire n'est pas disponible." in html
    )
    order = re.findall(r'id="comment-(\d+)"', html)
    assert order == [str(c.pk) for c in (root, grandchild, second)]
    assert "PremièreRéponse" not in html


def test_reply_to_name_rendered_after_depth_clamp(comments_article):
    root = CommentFactory(target=comments_article)
    CommentFactory(parent=root, reply_to_name="Youssef", body="Réponse profonde.")
    html_fr = render_section(comments_article)
    html_ar = render_section(comments_article, lang="ar")
    assert "en réponse à @Youssef" in html_fr
    assert "رداً على @Youssef" in html_ar


def test_own_held_comment_visible_only_in_its_browser(client, comments_article):
    from django.test import Client

    from tests.comments.helpers import form_data

    response = client.post(reverse("comments:post"), form_data(comments_article))
    assert response.status_code == 302
    own = client.get(comments_article.url).content.decode()
    other = Client().get(comments_article.url).content.decode()
    assert "Votre commentaire est en attente de modération" in own
    assert "Un avis mesuré" in own
    assert "Votre commentaire est en attente de modération" not in other
    assert "Un avis mesuré" not in other
    assert "0 réponse" in other


@override_settings(COMMENTS_PER_PAGE=2)
def test_permalink_lands_on_page_showing_comment(client, comments_article):
    held = CommentFactory.create_batch(
        3, target=comments_article, status=CommentStatus.PENDING
    )
    visible = CommentFactory.create_batch(3, target=comments_article)
    target = visible[2]
    response = client.get(reverse("comments:permalink", args=[target.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{comments_article.url}?cpage=2#comment-{target.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="comment-{target.pk}"' in page
    assert f'id="comment-{visible[0].pk}"' not in page
    assert (
        client.get(reverse("comments:permalink", args=[held[0].pk])).status_code == 404
    )


@override_settings(COMMENTS_PER_PAGE=2)
def test_permalink_counts_own_held_comment_for_its_author(client, comments_article):
    held = CommentFactory(target=comments_article, status=CommentStatus.PENDING)
    visible = CommentFactory.create_batch(2, target=comments_article)
    session = client.session
    session[OWN_SESSION_KEY] = [held.pk]
    session.save()
    response = client.get(reverse("comments:permalink", args=[visible[1].pk]))
    assert response["Location"].endswith(f"?cpage=2#comment-{visible[1].pk}")


@override_settings(COMMENTS_PER_PAGE=50)
def test_comment_section_query_count_is_constant(comments_article):
    def queries_for(total):
        from manchette.comments.models import Comment

        Comment.objects.all().delete()
        roots = CommentFactory.create_batch(total // 3, target=comments_article)
        for root in roots:
            reply = CommentFactory(parent=root)
            CommentFactory(parent=reply)
        render_section(comments_article)  # warm caches (content types)
        with CaptureQueriesContext(connection) as ctx:
            html = render_section(comments_article)
        assert html.count('class="comment depth-') == min(total // 3, 50) * 3
        return len(ctx.captured_queries)

    assert queries_for(9) == queries_for(300)


@pytest.mark.django_db
@override_settings(COMMENTS_PER_PAGE=2)
def test_comment_page_of_agrees_with_the_full_tree(comments_article):
    from manchette.comments.selectors import comment_page_of, comment_tree

    held_root = CommentFactory(content_object=comments_article, status="pending")
    rows = [CommentFactory(content_object=comments_article) for _ in range(3)]
    reply = CommentFactory(content_object=comments_article, parent=rows[1])
    under_held = CommentFactory(content_object=comments_article, parent=held_root)
    own = CommentFactory(content_object=comments_article, status="pending")
    rejected = CommentFactory(content_object=comments_article, status="rejected")
    everyone = [held_root, *rows, reply, under_held, own, rejected]

    for own_ids in ((), (own.pk,), (own.pk, held_root.pk)):
        tree = comment_tree(comments_article, own_ids=own_ids)
        pages = [
            comment_page_of(comments_article, c.pk, own_ids=own_ids) for c in everyone
        ]
        assert pages == [tree.page_of(c.pk) for c in everyone]
    # Pages really differ: the last visible root is past the first page.
    assert comment_page_of(comments_article, own.pk, own_ids=(own.pk,)) == 3
    assert comment_page_of(comments_article, own.pk) is None
    assert comment_page_of(comments_article, rejected.pk) is None
