"""Template tags of the moderation app.

``{% moderation_notices %}`` shows, to the browser that posted them, the
statements of reasons on its own comments (the comments app keeps their ids in
the session). Put it next to the comment section of a page, or hand it to the
section: ``{% moderation_notices page as notices %}{% comment_section page
notices=notices %}``. With a page, only the statements on comments on that page
are shown. A browser with no own comments costs no query, and the statements
depend on the session only, so they never belong in a shared (cached) page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from manchette.comments import get_comment_model
from manchette.comments.web import own_comment_ids
from manchette.moderation.notifications import page_notices

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_notices(context: template.Context, obj: Any = None) -> SafeString:
    """Render the statements of reasons for this browser's own comments.

    ``obj`` (optional) limits them to comments on that object (a page).
    Returns an empty string when there is none.
    """
    request: Any = context.get("request")
    own = own_comment_ids(request)
    if own and obj is not None:
        on_obj = get_comment_model().objects.for_object(obj).filter(pk__in=own)
        own = frozenset(on_obj.values_list("pk", flat=True))
    notices = page_notices(own)
    if not notices:
        return SafeString("")
    return SafeString(
        render_to_string("moderation/notices.html", {"notices": notices}, request)
    )
