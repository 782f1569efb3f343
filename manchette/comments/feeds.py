"""RSS feeds of approved comments, site-wide and per commented object.

Only approved comments on published targets appear. Items carry the author's
display name and the plain text of the comment; no email address, website or
network is ever written into a feed (``item_author_email`` is not defined).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, override

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from manchette.comments import get_comment_model
from manchette.comments.conf import comments_settings
from manchette.comments.web import target_url

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import Model
    from django.http import HttpRequest, HttpResponse

    from manchette.comments.abstracts import AbstractComment


def _is_public_target(target: Model | Any | None) -> bool:
    return target is not None and bool(getattr(target, "live", True))


def feed_target(content_type_id: int, object_pk: str) -> Model | Any:
    """Return the published object a per-object feed is about.

    Raises:
        Http404: unknown content type or object, or an unpublished target.

    """
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
        target = content_type.get_object_for_this_type(pk=object_pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    target = getattr(target, "specific", target)
    if not _is_public_target(target):
        raise Http404
    return target


def object_feed_url(target: Model | Any) -> str:
    """Return the path of ``target``'s comment feed."""
    content_type = ContentType.objects.get_for_model(target)
    return reverse("comments:object_feed", args=[content_type.pk, str(target.pk)])


class _CommentFeedBase(Feed):  # type: ignore[type-arg]
    feed_type = Rss201rev2Feed

    request: HttpRequest | None = None

    @override
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def _public_items(self, comments: Any) -> list[AbstractComment]:
        limit = comments_settings().FEED_ITEMS
        items: list[AbstractComment] = []
        for comment in comments.order_by("-submitted_at", "-pk")[: limit * 2]:
            if _is_public_target(comment.content_object):
                items.append(comment)
            if len(items) >= limit:
                break
        return items

    @override
    def item_title(self, item: AbstractComment) -> str:
        return _("Comment by %(name)s") % {"name": item.author_name}

    @override
    def item_description(self, item: AbstractComment) -> str:
        """Return the body as HTML: escaped, line breaks as ``<br>``.

        Feed readers read an RSS ``<description>`` as HTML (RSS 2.0: "entity-
        encoded HTML is allowed"), and a comment's body is plain text, so a
        body such as ``<img src=x onerror=…>`` must arrive as text.
        """
        return str(linebreaksbr(item.body, autoescape=True))

    @override
    def item_link(self, item: AbstractComment) -> str:
        return f"{target_url(item.content_object, self.request)}#{item.anchor}"

    @override
    def item_guid(self, item: AbstractComment) -> str:
        """Return the comment's absolute permalink (stable across page moves).

        RSS 2.0: a ``<guid isPermaLink="true">`` must be a full URL that opens
        the item; ``comments:permalink`` redirects to the page showing it.
        """
        path = reverse("comments:permalink", args=[item.pk])
        base = comments_settings().BASE_URL.rstrip("/")
        if base:
            return base + path
        if self.request is not None:
            return self.request.build_absolute_uri(path)
        return path

    @override
    def item_guid_is_permalink(self, item: AbstractComment) -> bool:
        return True

    @override
    def item_author_name(self, item: AbstractComment) -> str:
        return item.author_name

    @override
    def item_pubdate(self, item: AbstractComment) -> datetime:
        return item.submitted_at

    @override
    def item_updateddate(self, item: AbstractComment) -> datetime | None:
        return item.edited_at


class LatestCommentsFeed(_CommentFeedBase):
    """The latest ``COMMENTS_FEED_ITEMS`` approved comments of the whole site."""

    @override
    def title(self) -> str:
        """Return the feed title."""
        return _("Latest comments")

    @override
    def link(self) -> str:
        """Return the site-wide feed link."""
        return reverse("comments:feed")

    @override
    def description(self) -> str:
        """Return the feed description."""
        return _("The latest approved reader comments.")

    @override
    def items(self) -> list[AbstractComment]:
        """Return the latest approved comments on published targets."""
        return self._public_items(get_comment_model().objects.approved())


class ObjectCommentsFeed(_CommentFeedBase):
    """The latest approved comments on one published object."""

    @override
    def get_object(
        self, request: HttpRequest, content_type_id: int, object_pk: str
    ) -> Model | Any:
        return feed_target(content_type_id, object_pk)

    @override
    def title(self, obj: Model | Any) -> str:
        """Return the feed title."""
        return _("Comments on “%(title)s”") % {"title": str(obj)}

    @override
    def link(self, obj: Model | Any) -> str:
        """Return the URL of the page showing ``obj``."""
        return target_url(obj, self.request)

    @override
    def description(self, obj: Model | Any) -> str:
        """Return the feed description."""
        return _("Approved reader comments on “%(title)s”.") % {"title": str(obj)}

    @override
    def items(self, obj: Model | Any) -> list[AbstractComment]:
        """Return the latest approved comments on ``obj``."""
        model = get_comment_model()
        return self._public_items(model.objects.for_object(obj).approved())


# Feed instances keep the request (for page URLs): build one per request.


def latest_comments_feed(request: HttpRequest) -> HttpResponse:
    """Serve :class:`LatestCommentsFeed`."""
    response: HttpResponse = LatestCommentsFeed()(request)
    return response


def object_comments_feed(
    request: HttpRequest, content_type_id: int, object_pk: str
) -> HttpResponse:
    """Serve :class:`ObjectCommentsFeed` for one object."""
    response: HttpResponse = ObjectCommentsFeed()(
        request, content_type_id=content_type_id, object_pk=object_pk
    )
    return response
