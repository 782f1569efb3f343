"""Comment endpoints: thin wrappers that parse, check, call a service, respond.

Without JavaScript a post answers with a redirect to the comment on its page
(POST/redirect/GET); with ``Accept: application/json`` it answers JSON, used by
``static/comments/comments.js``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from manchette.comments import get_comment_form, get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import (
    CommentError,
    CommentsClosedError,
    TargetUnavailableError,
)
from manchette.comments.flood import claim_flood_slots
from manchette.comments.forms import make_security_token, target_from_token
from manchette.comments.notifications import subscription_request_for
from manchette.comments.sanitize import strip_unsafe
from manchette.comments.selectors import comment_by_key, comment_tree
from manchette.comments.services import check_target_open, comment_submit
from manchette.comments.templatetags.comments import comment_context
from manchette.comments.tokens import grant_edit_token
from manchette.comments.web import (
    client_ip,
    own_comment_ids,
    remember_own_comment,
    set_notice,
    target_url,
    update_author_cookie,
)

if TYPE_CHECKING:
    from django.db.models import Model

    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.forms import CommentForm


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    target: Model | Any | None = None,
    form: CommentForm | None = None,
) -> HttpResponse:
    if _wants_json(request):
        errors = (
            {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            if form is not None
            else {}
        )
        return JsonResponse(
            {"ok": False, "code": code, "message": message, "errors": errors},
            status=status,
        )
    context = {
        "message": message,
        "code": code,
        "form": form,
        "target": target,
        "back_url": target_url(target, request) if target is not None else "/",
    }
    return HttpResponse(
        render_to_string("comments/error.html", context, request=request),
        status=status,
    )


def _load_target(content_type_id: int, object_pk: str) -> Model | Any:
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
        target = content_type.get_object_for_this_type(pk=object_pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # Wagtail pages: work on the specific page (ArticlePage), not the base Page.
    return getattr(target, "specific", target)


def _flood_keys(request: HttpRequest, form: CommentForm) -> list[str]:
    if not request.session.session_key:
        request.session.save()
    keys = [
        f"comments:flood:session:{request.session.session_key}:{client_ip(request)}"
    ]
    if form.user is not None:
        keys.append(f"comments:flood:user:{form.user.pk}")
    else:
        email = form.cleaned_data.get("author_email", "").lower()
        digest = hashlib.sha256(email.encode()).hexdigest()
        keys.append(f"comments:flood:email:{digest}")
    return keys


def _success(
    request: HttpRequest,
    *,
    target: Model | Any,
    comment: AbstractComment,
    form: CommentForm,
    created: bool,
) -> HttpResponse:
    remember_own_comment(request, comment.pk)
    if created:  # Reader features: edit/delete token, reply emails (opt-in).
        grant_edit_token(request, comment)
        if form.cleaned_data.get("notify_replies"):
            subscription_request_for(request, target=target, comment=comment)
    held = comment.status != CommentStatus.APPROVED
    tree = comment_tree(target, own_ids=own_comment_ids(request))
    page = tree.page_of(comment.pk) or 1
    url = f"{target_url(target, request)}?cpage={page}#comment-{comment.pk}"
    response: HttpResponse
    if _wants_json(request):
        node_context = comment_context(
            request, target=target, comment=comment, own_pending=held
        )
        response = JsonResponse(
            {
                "ok": True,
                "created": created,
                "id": comment.pk,
                # Any unpublished status reads "pending", as in the API: the
                # answer must not tell a spammer what moderation decided.
                "status": "pending" if held else str(comment.status),
                "held": held,
                "parent": comment.parent_id,
                "message": (
                    _("Your comment is awaiting moderation.")
                    if held
                    else _("Your comment is published.")
                ),
                "html": render_to_string(
                    "comments/comment.html", node_context, request=request
                ),
                "url": url,
                "token": make_security_token(target),
            },
            status=201 if created else 200,
        )
    else:
        set_notice(request, comment_id=comment.pk, held=held)
        response = HttpResponseRedirect(url)
    if form.user is None:
        update_author_cookie(
            request,
            response,
            remember=bool(form.cleaned_data.get("remember")),
            data=form.cleaned_data,
        )
    return response


@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    try:
        content_type_id, object_pk = target_from_token(
            request.POST.get("security_token", "")
        )
    except signing.BadSignature:
        return _error(
            request,
            status=400,
            code="bad_token",
            message=_(
                "This form is invalid or was altered. Reload the page and retry."
            ),
        )
    target = _load_target(content_type_id, object_pk)
    try:
        check_target_open(target)
    except CommentsClosedError as error:
        return _error(
            request, status=403, code=error.code, message=str(error), target=target
        )
    except TargetUnavailableError as error:
        return _error(request, status=404, code=error.code, message=str(error))

    # Strip NUL, control and bidi characters before anything (including an
    # error page showing the input back) can see them.
    posted = request.POST.copy()
    for name in ("body", "author_name", "author_email", "author_url"):
        if name in posted:
            raw = str(posted.get(name, ""))
            posted[name] = strip_unsafe(raw, multiline=name == "body")
    form = get_comment_form()(target, data=posted, user=request.user)
    if not form.is_valid():
        return _error(
            request,
            status=400,
            code="invalid",
            message=_("Your comment could not be posted. Please correct the errors."),
            target=target,
            form=form,
        )
    data = form.cleaned_data
    keys = _flood_keys(request, form)
    if not claim_flood_slots(keys):
        earlier = comment_by_key(target, idempotency_key=form.idempotency_key)
        if earlier is not None and earlier.pk in own_comment_ids(request):
            return _success(
                request, target=target, comment=earlier, form=form, created=False
            )
        seconds = comments_settings().FLOOD_SECONDS
        return _error(
            request,
            status=429,
            code="flood",
            message=_(
                "You are posting comments too quickly. "
                "Wait %(seconds)d seconds, then try again."
            )
            % {"seconds": seconds},
            target=target,
            form=form,
        )
    parent = None
    if data.get("parent"):
        parent = (
            get_comment_model()
            .objects.for_object(target)
            .filter(pk=data["parent"])
            .first()
        )
    try:
        result = comment_submit(
            target=target,
            body=data["body"],
            author_name=data.get("author_name", ""),
            author_email=data.get("author_email", ""),
            author_url=data.get("author_url", ""),
            user=request.user,
            parent=parent,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            idempotency_key=form.idempotency_key,
            security=form.security_report(),
            request=request,
        )
    except CommentError as error:
        cache.delete_many(keys)
        if error.field:
            form.add_error(None, str(error))
        status = 403 if isinstance(error, CommentsClosedError) else 400
        return _error(
            request,
            status=status,
            code=error.code,
            message=str(error),
            target=target,
            form=form,
        )
    return _success(
        request,
        target=target,
        comment=result.comment,
        form=form,
        created=result.created,
    )


@require_GET
def permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(get_comment_model(), pk=comment_id)
    target = comment.content_object
    if target is None or not getattr(target, "live", True):
        raise Http404
    tree = comment_tree(target, own_ids=own_comment_ids(request))
    page = tree.page_of(comment.pk)
    if page is None:
        raise Http404
    url = f"{target_url(target, request)}?cpage={page}#comment-{comment.pk}"
    return HttpResponseRedirect(url)
