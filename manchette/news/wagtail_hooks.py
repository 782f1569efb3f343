from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from manchette.news.snippets import AdSlot, Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Authors")
    list_display = ["name", "role", "slug"]
    search_fields = ["name", "bio"]
    ordering = ["name"]


class AdSlotViewSet(SnippetViewSet):
    model = AdSlot
    icon = "pick"
    menu_label = _("Ad slots")
    list_display = ["name", "position", "active"]
    list_filter = ["position", "active"]
    search_fields = ["name"]


class NewsroomViewSetGroup(SnippetViewSetGroup):
    items = (AuthorViewSet, AdSlotViewSet)
    menu_icon = "doc-full"
    menu_label = _("Newsroom")
    menu_name = "newsroom"


register_snippet(NewsroomViewSetGroup)
