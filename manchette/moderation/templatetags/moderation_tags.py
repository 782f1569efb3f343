"""Template tags of the moderation app.

``{% moderation_notices %}`` shows, to the browser that posted them, the
statements of reasons on its own comments (the comments app keeps their ids in
the session). Put it next to the comment section of a page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from manchette.comments.web import own_comment_ids
from manchette.moderation.notifications import page_notices

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_notices(context: template.Context) -> SafeString:
    """Render the statements of reasons for this browser's own comments."""
    request: Any = context.get("request")
    notices = page_notices(own_comment_ids(request))
    if not notices:
        return SafeString("")
    return SafeString(
        render_to_string("moderation/notices.html", {"notices": notices}, request)
    )
