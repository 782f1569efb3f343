import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Collection, Locale, Page, Site
from wagtail.users.models import UserProfile

from manchette.news.demo import build_demo
from manchette.news.models import ArticlePage, SectionPage
from manchette.news.snippets import AdSlot

pytestmark = pytest.mark.django_db


@pytest.fixture
def wagtail_root(db):
    """Create what a fresh ``migrate`` leaves: root page, collection, locale."""
    Collection.add_root(name="Root")
    fr, _ = Locale.objects.get_or_create(language_code="fr")
    return Page.add_root(instance=Page(title="Root", slug="root", locale=fr))


def _summary_of_database():
    return {
        "pages": Page.objects.count(),
        "articles": ArticlePage.objects.count(),
        "ads": AdSlot.objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
    }


def test_build_demo_creates_a_readable_newsroom(client, wagtail_root):
    out = io.StringIO()

    summary = build_demo(stdout=out, admin_password="demo-pass-123")

    fr_articles = ArticlePage.objects.filter(locale__language_code="fr").live()
    ar_articles = ArticlePage.objects.filter(locale__language_code="ar").live()
    assert fr_articles.count() >= 8
    assert ar_articles.count() >= 2
    assert SectionPage.objects.filter(locale__language_code="fr").count() >= 3
    home_fr, home_ar = summary.home_fr, summary.home_ar
    assert home_fr is not None
    assert home_ar is not None
    assert home_ar.translation_key == home_fr.translation_key
    assert home_ar.locale.language_code == "ar"
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == (
        "127.0.0.1",
        8000,
        home_fr.pk,
    )
    assert AdSlot.objects.filter(active=True).count() >= 2
    assert Group.objects.filter(name="Rédaction").exists()
    assert (
        get_user_model().objects.get(username="admin").check_password("demo-pass-123")
    )
    for article in fr_articles.specific():
        kinds = [block.block_type for block in article.body]
        assert kinds.count("paragraph") >= 4, article.slug
        assert "subheading" in kinds, article.slug
        assert "quote" in kinds, article.slug
        assert article.kicker, article.slug
        assert article.standfirst, article.slug
        assert article.hero_image.credit, article.slug
    assert "Created:" in out.getvalue()
    ar_article = next(a for a in summary.articles if a.locale.language_code == "ar")
    for url in ("/", "/ar/", fr_articles.first().url, ar_article.url):
        response = client.get(url, HTTP_HOST="127.0.0.1:8000")
        assert response.status_code == 200, url
    arabic = client.get(ar_article.url, HTTP_HOST="127.0.0.1:8000").content.decode()
    assert 'dir="rtl"' in arabic
    assert "إعلان" in arabic


def test_build_demo_twice_creates_nothing_new(wagtail_root):
    build_demo(stdout=io.StringIO())
    before = _summary_of_database()

    again = build_demo(stdout=io.StringIO())

    assert again.total_created == 0
    assert again.admin_password is None
    assert _summary_of_database() == before


def test_demo_command_if_empty_leaves_existing_articles(wagtail_root):
    call_command("demo", admin_password="first-pass-456", stdout=io.StringIO())
    count = ArticlePage.objects.count()
    out = io.StringIO()

    call_command("demo", if_empty=True, stdout=out)

    assert ArticlePage.objects.count() == count
    assert "left as it is" in out.getvalue()


CONSOLE_MAILER = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}


@pytest.mark.django_db(transaction=True)
def test_demo_command_prints_no_email_and_if_empty_says_how_to_log_in(
    wagtail_root, capsys
):
    from django.test import override_settings

    from manchette.moderation.models import NoticeChannel, StatementOfReasons

    out = io.StringIO()
    with override_settings(MAILERS=CONSOLE_MAILER):
        call_command("demo", admin_password="first-pass-456", stdout=out)
        printed = capsys.readouterr().out + out.getvalue()
        again = io.StringIO()
        call_command("demo", if_empty=True, stdout=again)

    # The demo's moderation did email statements (to the fictional authors)...
    assert StatementOfReasons.objects.filter(channel=NoticeChannel.EMAIL).exists()
    # ...but none reached the console mailer.
    assert "MIME-Version" not in printed
    assert "Content-Transfer-Encoding" not in printed
    assert "to the demo's fictional comment authors" in printed
    assert "first-pass-456" in printed
    assert "left as it is" in again.getvalue()
    assert "python manage.py changepassword admin" in again.getvalue()


def test_demo_admin_can_switch_the_admin_to_arabic(client, wagtail_root):
    # Wagtail's account page saves every panel at once, and its name panel
    # requires a first and a last name: without them, changing the admin's
    # language failed with "This field is required".
    build_demo(stdout=io.StringIO(), admin_password="demo-pass-123")
    admin = get_user_model().objects.get(username="admin")
    assert admin.first_name
    assert admin.last_name
    client.force_login(admin)

    response = client.post(
        "/admin/account/",
        {
            "name_email-first_name": admin.first_name,
            "name_email-last_name": admin.last_name,
            "name_email-email": admin.email,
            "locale-preferred_language": "ar",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )

    assert response.status_code == 302
    assert UserProfile.get_for_user(admin).preferred_language == "ar"
    assert 'dir="rtl"' in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("base_url", "address"),
    [
        ("http://127.0.0.1:8300", ("127.0.0.1", 8300)),
        ("https://news.example.org", ("news.example.org", 443)),
        ("http://news.example.org", ("news.example.org", 80)),
        ("", ("127.0.0.1", 8000)),
        ("http://127.0.0.1:99999", ("127.0.0.1", 8000)),
    ],
)
def test_demo_site_is_where_site_url_says(settings, base_url, address):
    from manchette.news.demo import demo_site_address

    settings.WAGTAILADMIN_BASE_URL = base_url
    assert demo_site_address() == address
