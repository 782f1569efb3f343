"""Fixtures shared by the importer tests."""

import pytest
from wagtail.models import Collection, Locale, Page, Site

from manchette.news.models import HomePage


@pytest.fixture
def home():
    Locale.objects.get_or_create(language_code="fr")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root"))
    home_page = HomePage(title="Accueil", slug="accueil")
    root.add_child(instance=home_page)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home_page},
    )
    return home_page
