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

from typing import TYPE_CHECKING, Any

from django import template

from manchette.moderation.notifications import render_page_notices

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_notices(context: template.Context, obj: Any = None) -> SafeString:
    """Render the statements of reasons for this browser's own comments.

    ``obj`` (optional) limits them to comments on that object (a page).
    Returns an empty string when there is none.
    """
    return render_page_notices(context.get("request"), obj)
