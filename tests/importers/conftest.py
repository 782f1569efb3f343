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


@pytest.fixture
def power_cut_on_second_post(monkeypatch):
    """Make the import raise ``RuntimeError("power cut")`` on its second post.

    Returns a function that restores the importer (the next import runs whole).
    """
    from manchette.importers.wxr import load

    calls = {"n": 0}
    original = load._Loader.comments

    def crash_on_second_post(self, post, target):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return original(self, post, target)

    monkeypatch.setattr(load._Loader, "comments", crash_on_second_post)
    return lambda: monkeypatch.setattr(load._Loader, "comments", original)
