"""Template tags to show comments on any object.

``{% comment_count obj %}``, ``{% comment_list obj %}``, ``{% comment_form obj %}``
and ``{% comment_section obj %}`` (count, list and form together).

Each tag reads ``request`` from the context (Django's ``request`` context
processor) to know the reader's own held comments, the page (``?cpage=N``) and
the comment being answered (``?replytocom=ID``). ``comment_section`` renders any
number of comments with a fixed number of queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.translation import ngettext

from manchette.comments import get_comment_form
from manchette.comments.errors import CommentError
from manchette.comments.forms import make_security_token
from manchette.comments.privacy import avatar_data_uri
from manchette.comments.sanitize import render_body
from manchette.comments.selectors import CommentNode, CommentTree, comment_tree
from manchette.comments.services import check_target_open
from manchette.comments.web import own_comment_ids, pop_notice, read_author_cookie

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest
    from django.utils.safestring import SafeString

    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.forms import CommentForm

register = template.Library()


def count_label(count: int) -> str:
    """Return "1 response" / "N responses" with the language's plural rules."""
    return ngettext("%(count)d response", "%(count)d responses", count) % {
        "count": count
    }


def _int_param(request: HttpRequest | None, name: str) -> int | None:
    if request is None:
        return None
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _is_open(obj: Model | Any) -> bool:
    try:
        check_target_open(obj)
    except CommentError:
        return False
    return True


def _find_node(nodes: list[CommentNode], comment_id: int) -> CommentNode | None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.comment.pk == comment_id:
            return node
        stack.extend(node.children)
    return None


def comment_context(
    request: HttpRequest | None,
    *,
    target: Model | Any,
    comment: AbstractComment,
    own_pending: bool,
) -> dict[str, Any]:
    """Return the context that renders one comment with ``comments/comment.html``."""
    return {
        "node": CommentNode(comment=comment, visible=True, own_pending=own_pending),
        "comments_open": _is_open(target),
        "cpage": 1,
        "request": request,
    }


def _list_context(
    request: HttpRequest | None, obj: Model | Any, tree: CommentTree
) -> dict[str, Any]:
    page_count = tree.page_count
    requested = _int_param(request, "cpage") or 1
    cpage = min(max(requested, 1), page_count)
    return {
        "target": obj,
        "tree": tree,
        "nodes": tree.page(cpage),
        "cpage": cpage,
        "page_numbers": range(1, page_count + 1) if page_count > 1 else (),
        "count_label": count_label(tree.approved_count),
        "comments_open": _is_open(obj),
        "request": request,
    }


def _form_context(
    request: HttpRequest | None,
    obj: Model | Any,
    tree: CommentTree,
    *,
    form: CommentForm | None = None,
) -> dict[str, Any]:
    user = getattr(request, "user", None)
    reply_id = _int_param(request, "replytocom")
    reply_node = _find_node(tree.roots, reply_id) if reply_id else None
    reply_to = reply_node.comment if reply_node and reply_node.visible else None
    if form is None:
        remembered = read_author_cookie(request) if request is not None else {}
        initial: dict[str, Any] = {**remembered, "remember": bool(remembered)}
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = get_comment_form()(obj, user=user, initial=initial)
    elif reply_to is None and form.is_bound:
        parent_id = form.data.get("parent", "")
        reply_node = (
            _find_node(tree.roots, int(parent_id)) if parent_id.isdigit() else None
        )
        reply_to = reply_node.comment if reply_node and reply_node.visible else None
    cpage = _int_param(request, "cpage")
    return {
        "target": obj,
        "form": form,
        "security_token": make_security_token(obj),
        "reply_to": reply_to,
        "cancel_url": f"?cpage={cpage}" if cpage else "?",
        "comments_open": _is_open(obj),
        "request": request,
    }


@register.simple_tag
def comment_count(obj: Model | Any) -> str:
    """Render "N responses" for ``obj``'s approved comments (one query)."""
    from manchette.comments.selectors import approved_count

    return count_label(approved_count(obj))


@register.inclusion_tag("comments/list.html", takes_context=True)
def comment_list(context: template.Context, obj: Model | Any) -> dict[str, Any]:
    """Render the threaded, paginated list of ``obj``'s comments."""
    request = context.get("request")
    tree = comment_tree(obj, own_ids=own_comment_ids(request))
    return _list_context(request, obj, tree)


@register.inclusion_tag("comments/form.html", takes_context=True)
def comment_form(context: template.Context, obj: Model | Any) -> dict[str, Any]:
    """Render the comment form for ``obj`` (or "comments are closed")."""
    request = context.get("request")
    tree = comment_tree(obj, own_ids=own_comment_ids(request))
    return _form_context(request, obj, tree)


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(
    context: template.Context, obj: Model | Any, form: CommentForm | None = None
) -> dict[str, Any]:
    """Render the count heading, the list and the form, from a single query."""
    request = context.get("request")
    tree = comment_tree(obj, own_ids=own_comment_ids(request))
    section = _list_context(request, obj, tree)
    section.update(_form_context(request, obj, tree, form=form))
    section["notice"] = pop_notice(request)
    return section


@register.filter
def comment_avatar(comment: AbstractComment) -> str:
    """Return the author's locally drawn identicon as a ``data:`` URI."""
    return avatar_data_uri(email=comment.author_email, name=comment.author_name)


@register.filter
def comment_body(text: str) -> SafeString:
    """Return a stored plain-text body as sanitised HTML paragraphs."""
    return render_body(text)


@register.filter
def utc_iso(value: datetime | None) -> str:
    """Return an aware datetime as ISO 8601 in UTC with a ``Z`` suffix."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
