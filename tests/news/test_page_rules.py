from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from manchette.news.models import ArticlePage, HomePage, SectionPage, StandardPage


class PageRulesTests(WagtailPageTestCase):
    def test_home_page_creatable_only_at_root_level(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(SectionPage, HomePage)

    def test_home_page_allows_sections_and_standard_pages(self):
        self.assertAllowedSubpageTypes(HomePage, {SectionPage, StandardPage})

    def test_section_page_holds_articles_and_sub_sections(self):
        self.assertAllowedSubpageTypes(SectionPage, {ArticlePage, SectionPage})
        self.assertAllowedParentPageTypes(SectionPage, {HomePage, SectionPage})

    def test_article_page_lives_only_in_sections_and_has_no_children(self):
        self.assertAllowedParentPageTypes(ArticlePage, {SectionPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertCanNotCreateAt(HomePage, ArticlePage)

    def test_standard_page_nests_under_home_and_itself(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})


def test_page_types_declare_search_fields():
    pages: list[tuple[type[Page], str]] = [
        (ArticlePage, "standfirst"),
        (ArticlePage, "body"),
        (SectionPage, "introduction"),
        (HomePage, "tagline"),
        (StandardPage, "body"),
    ]
    for model, field in pages:
        names = {f.field_name for f in model.search_fields}
        assert field in names, (model, field)
