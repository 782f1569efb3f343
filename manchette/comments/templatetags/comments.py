"""Template tags to show comments on any object.

``{% comment_count obj %}``, ``{% comment_list obj %}``, ``{% comment_form obj %}``
and ``{% comment_section obj %}`` (count, list and form together).

Each tag reads ``request`` from the context (Django's ``request`` context
processor) to know the reader's own held comments, the page (``?cpage=N``) and
the comment being answered (``?replytocom=ID``). ``comment_section`` renders any
number of comments with a fixed number of queries.

Speed: the comments of a page are rendered in one pass of Python string
building (:class:`_NodeRenderer`, used by ``{% comment_nodes %}`` and
``{% comment_node %}``): translations, URL prefixes and the date format are
looked up once per list, not once per comment. When a thread version source is
installed (:func:`manchette.comments.web.set_thread_version_source`), the list
that every reader sees is cached as a fragment keyed on the thread's version,
the language, the time zone, the comment page and whether comments are open;
readers with personal bits in the list (their own held comment, or their own
comment still inside its edit window) get it rendered for them instead. The
form (CSRF token, signed timestamp, remembered name) and the one-time notice
are never part of the fragment.
"""

from __future__ import annotations

import functools
import html
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models import Q
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from manchette.comments import get_comment_form, get_comment_model, tokens
from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import CommentError
from manchette.comments.forms import make_security_token
from manchette.comments.privacy import avatar_data_uri
from manchette.comments.sanitize import render_body
from manchette.comments.selectors import (
    HELD_FOR_AUTHOR,
    CommentNode,
    CommentTree,
    comment_tree,
)
from manchette.comments.services import check_target_open
from manchette.comments.web import (
    own_comment_ids,
    pop_notice,
    read_author_cookie,
    thread_version,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model
    from django.http import HttpRequest
    from django.utils.safestring import SafeString

    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.forms import CommentForm

register = template.Library()

#: Part of every fragment key: bump it when the list markup changes, so a
#: deployment never serves fragments rendered by the previous code.
FRAGMENT_FORMAT = 2
_URL_PLACEHOLDER = 2_147_483_647


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


@functools.lru_cache(maxsize=4096)
def _avatar(email: str, name: str) -> str:
    return avatar_data_uri(email=email, name=name)


@receiver(setting_changed)
def _reset_avatars(*, setting: str, **kwargs: Any) -> None:
    """Forget cached avatars when ``SECRET_KEY`` (their HMAC key) changes."""
    if setting in {"SECRET_KEY", "SECRET_KEY_FALLBACKS"}:
        _avatar.cache_clear()


def _url_template(name: str) -> tuple[str, str]:
    """Return the parts of ``name``'s URL before and after the comment id."""
    url = reverse(name, args=[_URL_PLACEHOLDER])
    before, _sep, after = url.partition(str(_URL_PLACEHOLDER))
    return before, after


def _editable_ids(request: HttpRequest | None) -> frozenset[int]:
    """Return the comments this browser holds a still-valid edit token for.

    Only the token's signature and age are checked here (no query); the full
    check (:func:`manchette.comments.tokens.can_edit`) runs when one of them is
    rendered.
    """
    session = getattr(request, "session", None)
    if session is None:
        return frozenset()
    held = session.get(tokens.SESSION_KEY, {})
    if not isinstance(held, dict) or not held:
        return frozenset()
    max_age = comments_settings().EDIT_SECONDS
    ids: set[int] = set()
    for token in held.values():
        try:
            payload = signing.loads(
                str(token), salt=tokens.SIGNING_SALT, max_age=max_age
            )
        except signing.BadSignature:
            continue
        if isinstance(payload, dict) and isinstance(payload.get("c"), int):
            ids.add(payload["c"])
    return frozenset(ids)


class LocalDateFormat:
    """Format datetimes with a Django date format string split once, not per call.

    ``LocalDateFormat(fmt)(value)`` equals ``django.utils.dateformat.format(
    localtime(value), fmt)`` (the ``date`` template filter) for an aware
    ``value``; each format character still calls Django's ``DateFormat``.
    """

    def __init__(self, format_string: str) -> None:
        self.pieces: list[tuple[bool, str]] = []
        for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
            if index % 2:
                self.pieces.append((True, piece))
            elif piece:
                self.pieces.append((False, dateformat.re_escaped.sub(r"\1", piece)))

    def __call__(self, value: datetime) -> str:
        """Return ``value``, in the current time zone when aware, formatted."""
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        formatter = dateformat.DateFormat(local)
        return "".join(
            str(getattr(formatter, piece)()) if is_code else piece
            for is_code, piece in self.pieces
        )


class _NodeRenderer:
    """Render comment nodes to HTML, with per-list lookups done once.

    ``request`` is only used for the reader's own edit links; pass ``None`` to
    render the list as any reader sees it (the cached fragment).
    """

    def __init__(
        self, *, cpage: int, comments_open: bool, request: HttpRequest | None
    ) -> None:
        self.cpage = cpage
        self.comments_open = comments_open
        self.request = request
        self.editable = _editable_ids(request)
        self.reply_query = f"cpage={cpage}&amp;" if cpage > 1 else ""
        self.flag_url = _url_template("comments:flag")
        self.edit_url = _url_template("comments:edit")
        self.delete_url = _url_template("comments:delete")
        # "<date> at <time>" from the locale's DATE_FORMAT and TIME_FORMAT, as
        # article dates are written (Django's Arabic DATETIME_FORMAT is the
        # English "N j, Y, P", which no Arabic page uses elsewhere).
        self.format_date = LocalDateFormat(formats.get_format("DATE_FORMAT"))
        self.format_time = LocalDateFormat(formats.get_format("TIME_FORMAT"))
        self.text_date_at = gettext("%(date)s at %(time)s")
        escape = html.escape
        self.text_awaiting = escape(gettext("Your comment is awaiting moderation."))
        self.text_reply_to = gettext("in reply to @%(name)s")
        self.text_reply = escape(gettext("Reply"))
        self.text_report = escape(gettext("Report"))
        self.text_edit = escape(gettext("Edit"))
        self.text_delete = escape(gettext("Delete"))
        self.text_unavailable = escape(gettext("This comment is not available."))

    def _date(self, value: datetime) -> str:
        text = self.text_date_at % {
            "date": self.format_date(value),
            "time": self.format_time(value),
        }
        return html.escape(text)

    def _actions(self, comment: AbstractComment) -> str:
        pk = comment.pk
        parts = ['<span class="comment-reader-actions">']
        if comment.status == CommentStatus.APPROVED:
            before, after = self.flag_url
            parts.append(
                f'<a class="comment-flag-link" rel="nofollow" href="{before}{pk}'
                f'{after}">{self.text_report}</a>'
            )
        if pk in self.editable and tokens.can_edit(self.request, comment):
            edit_before, edit_after = self.edit_url
            delete_before, delete_after = self.delete_url
            parts.append(
                f' <a class="comment-edit-link" rel="nofollow" href="{edit_before}'
                f'{pk}{edit_after}">{self.text_edit}</a> <a class="comment-delete-link"'
                f' rel="nofollow" href="{delete_before}{pk}{delete_after}">'
                f"{self.text_delete}</a>"
            )
        parts.append("</span>")
        return "".join(parts)

    def render(self, nodes: Iterable[CommentNode], out: list[str]) -> None:
        """Append the ``<li>`` of each node (and its replies) to ``out``."""
        escape = html.escape
        for node in nodes:
            c = node.comment
            pk = c.pk
            classes = f"comment depth-{c.depth + 1}"
            if node.own_pending:
                classes += " comment-held"
            if not node.visible:
                out.append(
                    f'<li class="{classes} comment-placeholder">'
                    f'<p class="comment-unavailable">{self.text_unavailable}</p>'
                )
            else:
                name = f"<bdi>{escape(c.author_name)}</bdi>"
                if c.author_url:
                    name = (
                        f'<a href="{escape(c.author_url)}" rel="nofollow ugc noopener"'
                        f' class="url">{name}</a>'
                    )
                out.append(
                    f'<li id="comment-{pk}" class="{classes}">'
                    '<article class="comment-body"><footer class="comment-meta">'
                    '<div class="comment-author"><img class="avatar" src="'
                    f'{_avatar(c.author_email, c.author_name)}" alt="" width="40"'
                    f' height="40" loading="lazy"> <b class="fn">{name}</b></div>'
                    f'<div class="comment-metadata"><a href="#comment-{pk}">'
                    f'<time datetime="{utc_iso(c.submitted_at)}">'
                    f"{self._date(c.submitted_at)}</time></a></div>"
                )
                if node.own_pending:
                    out.append(
                        '<p class="comment-awaiting-moderation">'
                        f"{self.text_awaiting}</p>"
                    )
                out.append("</footer>")
                if c.reply_to_name:
                    reply_to = self.text_reply_to % {"name": escape(c.reply_to_name)}
                    out.append(f'<p class="comment-reply-to">{reply_to}</p>')
                out.append(
                    '<div class="comment-content" dir="auto">'
                    f"{render_body(c.body)}</div>"
                )
                if self.comments_open:
                    out.append(
                        '<div class="reply"><a rel="nofollow"'
                        ' class="comment-reply-link"'
                        f' href="?{self.reply_query}replytocom={pk}#respond"'
                        f' data-reply-to="{pk}">{self.text_reply}</a></div>'
                    )
                out.append(self._actions(c))
                out.append("</article>")
            if node.children:
                out.append('<ol class="children">')
                self.render(node.children, out)
                out.append("</ol>")
            out.append("</li>\n")


def _renderer(context: template.Context | dict[str, Any]) -> _NodeRenderer:
    return _NodeRenderer(
        cpage=int(context.get("cpage") or 1),
        comments_open=bool(context.get("comments_open")),
        request=context.get("request"),
    )


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
    request: HttpRequest | None,
    obj: Model | Any,
    tree: CommentTree,
    *,
    requested: int | None = None,
) -> dict[str, Any]:
    page_count = tree.page_count
    if requested is None:
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


def _render_list(context: dict[str, Any]) -> SafeString:
    return mark_safe(get_template("comments/list.html").render(context))  # noqa: S308


def _has_personal_bits(request: HttpRequest | None, obj: Model | Any) -> bool:
    """Return whether ``request``'s reader sees ``obj``'s list differently.

    True when one of their own comments on ``obj`` is held (only they see it)
    or still inside its edit window (they get Edit/Delete links). Costs one
    query, and only for readers whose session names own comments.
    """
    own = own_comment_ids(request)
    editable = _editable_ids(request)
    if not own and not editable:
        return False
    mine = Q(pk__in=own, status__in=HELD_FOR_AUTHOR) | Q(
        pk__in=editable, status__in=tokens.EDITABLE
    )
    model = get_comment_model()
    return bool(model.objects.for_object(obj).filter(mine).exists())


def _fragment_key(obj: Model | Any, token: str, cpage: int, comments_open: bool) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return ":".join(
        [
            f"comments:list:{FRAGMENT_FORMAT}",
            str(content_type.pk),
            str(obj.pk),
            token,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            str(comments_settings().PER_PAGE),
            str(cpage),
            "open" if comments_open else "closed",
        ]
    )


def shared_list(
    request: HttpRequest | None, obj: Model | Any
) -> tuple[SafeString, int] | None:
    """Return the cached list HTML every reader of ``obj`` sees, and its count.

    Return ``None`` when the list cannot come from the shared fragment: no
    thread version source is installed, ``obj`` is not versioned, or the
    reader has personal bits in it (:func:`_has_personal_bits`). On a miss the
    list is rendered as an anonymous reader sees it and stored under the key of
    the page actually shown (an out-of-range ``?cpage`` is never stored). The
    version is read before the comments, so a status change during the render
    leaves the entry under the old version, where nobody reads it.
    """
    version = thread_version(obj)
    if version is None or _has_personal_bits(request, obj):
        return None
    comments_open = _is_open(obj)
    requested = _int_param(request, "cpage") or 1
    entry = cache.get(_fragment_key(obj, version.token, requested, comments_open))
    if entry is not None:
        return mark_safe(entry[0]), int(entry[1])  # noqa: S308 - rendered here
    tree = comment_tree(obj)
    context = _list_context(None, obj, tree, requested=requested)
    markup = _render_list(context)
    key = _fragment_key(obj, version.token, context["cpage"], comments_open)
    cache.set(key, (str(markup), tree.approved_count), timeout=version.timeout)
    return markup, tree.approved_count


def _form_context(
    request: HttpRequest | None,
    obj: Model | Any,
    tree: CommentTree | None,
    *,
    form: CommentForm | None = None,
) -> dict[str, Any]:
    user = getattr(request, "user", None)
    reply_id = _int_param(request, "replytocom")
    reply_node = _find_node(tree.roots, reply_id) if reply_id and tree else None
    reply_to = reply_node.comment if reply_node and reply_node.visible else None
    if form is None:
        remembered = read_author_cookie(request) if request is not None else {}
        initial: dict[str, Any] = {**remembered, "remember": bool(remembered)}
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = get_comment_form()(obj, user=user, initial=initial)
    elif reply_to is None and form.is_bound and tree is not None:
        parent_id = form.data.get("parent", "")
        reply_node = (
            _find_node(tree.roots, int(parent_id)) if parent_id.isdigit() else None
        )
        reply_to = reply_node.comment if reply_node and reply_node.visible else None
    cpage = _int_param(request, "cpage")
    return {
        "target": obj,
        "form": form,
        # The form signed a fresh token for itself; sign again only if not.
        "security_token": form.initial.get("security_token")
        or make_security_token(obj),
        "reply_to": reply_to,
        "cancel_url": f"?cpage={cpage}" if cpage else "?",
        "comments_open": _is_open(obj),
        "request": request,
    }


# Sentinels rendered into the shared form skeleton, replaced per request.
_SENTINEL_CSRF = "csrfsentinel" + secrets.token_hex(12)
_SENTINEL_FORM_TOKEN = "formtokensentinel" + secrets.token_hex(12)
_SENTINEL_CANCEL = "cancelsentinel" + secrets.token_hex(12)
_form_skeletons: dict[tuple[Any, ...], str] = {}


@receiver(setting_changed)
def _reset_form_skeletons(**kwargs: Any) -> None:
    """Forget the form skeletons when any setting changes (tests)."""
    _form_skeletons.clear()


def _render_form(context: dict[str, Any]) -> SafeString:
    return mark_safe(get_template("comments/form.html").render(context))  # noqa: S308


def _form_html(
    context: template.Context,
    request: HttpRequest | None,
    obj: Model | Any,
    tree: CommentTree | None,
    *,
    form: CommentForm | None,
) -> SafeString:
    """Return the rendered comment form for this reader.

    A reader with nothing personal in the form (anonymous, no remembered
    name, not replying, no refused submission) gets a skeleton rendered once
    per process and language with this request's CSRF token, a freshly signed
    form token and its cancel link put in; everyone else gets it rendered.
    """
    csrf_token = context.get("csrf_token")
    user = getattr(request, "user", None)
    shareable = (
        form is None
        and request is not None
        and csrf_token is not None
        and not getattr(user, "is_authenticated", False)
        and _int_param(request, "replytocom") is None
        and not read_author_cookie(request)
    )
    if not shareable:
        form_context = _form_context(request, obj, tree, form=form)
        if csrf_token is not None:
            form_context["csrf_token"] = csrf_token
        return _render_form(form_context)
    comments_open = _is_open(obj)
    key = (translation.get_language(), comments_open, type(obj))
    skeleton = _form_skeletons.get(key)
    if skeleton is None:
        form_context = _form_context(None, obj, None)
        form_context.update(
            {
                "csrf_token": _SENTINEL_CSRF,
                "security_token": _SENTINEL_FORM_TOKEN,
                "cancel_url": _SENTINEL_CANCEL,
                "comments_open": comments_open,
            }
        )
        skeleton = str(_render_form(form_context))
        _form_skeletons[key] = skeleton
    cpage = _int_param(request, "cpage")
    return mark_safe(  # noqa: S308 - values escaped, skeleton rendered above
        skeleton.replace(_SENTINEL_CSRF, html.escape(str(csrf_token)))
        .replace(_SENTINEL_FORM_TOKEN, html.escape(make_security_token(obj)))
        .replace(_SENTINEL_CANCEL, f"?cpage={cpage}" if cpage else "?")
    )


@register.simple_tag
def comment_count(obj: Model | Any) -> str:
    """Render "N responses" for ``obj``'s approved comments (one query)."""
    from manchette.comments.selectors import approved_count

    return count_label(approved_count(obj))


@register.simple_tag(takes_context=True)
def comment_list(context: template.Context, obj: Model | Any) -> SafeString:
    """Render the threaded, paginated list of ``obj``'s comments."""
    request = context.get("request")
    shared = shared_list(request, obj)
    if shared is not None:
        return shared[0]
    tree = comment_tree(obj, own_ids=own_comment_ids(request))
    return _render_list(_list_context(request, obj, tree))


@register.inclusion_tag("comments/form.html", takes_context=True)
def comment_form(context: template.Context, obj: Model | Any) -> dict[str, Any]:
    """Render the comment form for ``obj`` (or "comments are closed")."""
    request = context.get("request")
    tree = comment_tree(obj, own_ids=own_comment_ids(request))
    return _form_context(request, obj, tree)


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(
    context: template.Context,
    obj: Model | Any,
    form: CommentForm | None = None,
    notices: str = "",
) -> dict[str, Any]:
    """Render the count heading, the list and the form, from a single query.

    ``notices`` is HTML the project shows under the one-time notice, for this
    reader only (e.g. ``{% moderation_notices page as notices %}``, the
    statements of reasons on their own comments); it must be safe markup and is
    never part of a shared fragment.

    The list comes from the shared fragment when it can (see the module
    docstring): no query for the comments then. A bound ``form`` (a refused
    submission shown again) or ``?replytocom=`` needs the reader's tree, so
    those render everything.
    """
    request = context.get("request")
    shared = None
    if form is None and _int_param(request, "replytocom") is None:
        shared = shared_list(request, obj)
    tree: CommentTree | None = None
    if shared is not None:
        list_html, approved = shared
    else:
        tree = comment_tree(obj, own_ids=own_comment_ids(request))
        list_context = _list_context(request, obj, tree)
        list_html = _render_list(list_context)
        approved = tree.approved_count
    return {
        "count_label": count_label(approved),
        "list_html": list_html,
        "form_html": _form_html(context, request, obj, tree, form=form),
        "notice": pop_notice(request),
        "notices": notices,
    }


@register.simple_tag(takes_context=True)
def comment_nodes(
    context: template.Context, nodes: Iterable[CommentNode]
) -> SafeString:
    """Render ``nodes`` (threads with their replies) as ``<li>`` elements.

    Reads ``cpage``, ``comments_open`` and ``request`` from the context.
    """
    out: list[str] = []
    _renderer(context).render(nodes, out)
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


@register.simple_tag(takes_context=True)
def comment_node(context: template.Context, node: CommentNode) -> SafeString:
    """Render one comment node (and its replies), as in the list."""
    return comment_nodes(context, [node])


@register.filter
def comment_avatar(comment: AbstractComment) -> str:
    """Return the author's locally drawn identicon as a ``data:`` URI."""
    return _avatar(comment.author_email, comment.author_name)


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
