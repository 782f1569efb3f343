"""Template tags for the reader features: feed links and per-comment actions.

``{% load comments_reader %}`` then:

- ``{% comment_feed_link page %}`` in ``<head>``: the ``<link rel="alternate">``
  of the page's comment feed;
- ``{% comment_reader_actions comment %}`` under a comment: "Report" for
  everyone, "Edit" and "Delete" for its author's browser during the edit window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from manchette.comments.abstracts import CommentStatus
from manchette.comments.feeds import object_feed_url
from manchette.comments.tokens import can_edit

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from manchette.comments.abstracts import AbstractComment

register = template.Library()


@register.simple_tag
def comment_feed_link(target: Any) -> SafeString:
    """Return the ``<link rel="alternate">`` to ``target``'s comment feed."""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">',
        _("Comments (RSS)"),
        object_feed_url(target),
    )


@register.inclusion_tag("comments/reader_actions.html", takes_context=True)
def comment_reader_actions(
    context: template.Context, comment: AbstractComment
) -> dict[str, Any]:
    """Return the context of the action links shown under ``comment``."""
    request = context.get("request")
    return {
        "comment": comment,
        "can_flag": comment.status == CommentStatus.APPROVED,
        "can_edit": can_edit(request, comment),
        "flag_url": reverse("comments:flag", args=[comment.pk]),
        "edit_url": reverse("comments:edit", args=[comment.pk]),
        "delete_url": reverse("comments:delete", args=[comment.pk]),
    }
