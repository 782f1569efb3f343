"""Comment endpoints: thin wrappers that parse, check, call a service, respond.

Without JavaScript a post answers with a redirect to the comment on its page
(POST/redirect/GET); with ``Accept: application/json`` it answers JSON, used by
``static/comments/comments.js``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast

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
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from manchette.comments import get_comment_form, get_comment_model
from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import (
    CommentError,
    CommentsClosedError,
    FormTokenUsedError,
    TargetUnavailableError,
)
from manchette.comments.flood import (
    claim_flood_slots,
    flood_message,
    flood_slots_taken,
    ip_budget_message,
    spend_ip_budget,
)
from manchette.comments.forms import (
    make_security_token,
    read_security_token,
    target_from_payload,
)
from manchette.comments.notifications import subscription_request_for
from manchette.comments.sanitize import strip_unsafe
from manchette.comments.selectors import (
    comment_by_submission,
    comment_page_of,
    comment_tree,
)
from manchette.comments.services import (
    check_target_open,
    comment_submit,
    duplicate_fingerprint,
)
from manchette.comments.submissions import (
    Claim,
    Settled,
    claim_submission,
    submission_keys,
    submissions_seen,
)
from manchette.comments.templatetags.comments import comment_context
from manchette.comments.tokens import (
    grant_edit_token,
    keep_edit_token,
    session_edit_token,
)
from manchette.comments.web import (
    author_notices,
    client_ip,
    own_comment_ids,
    remember_own_comment,
    set_notice,
    target_url,
    update_author_cookie,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
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
        body: dict[str, Any] = {
            "ok": False,
            "code": code,
            "message": message,
            "errors": errors,
        }
        if target is not None:  # a fresh form token to send the text again
            body["token"] = make_security_token(target)
        return JsonResponse(body, status=status)
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


def _flood_keys_for(
    request: HttpRequest,
    *,
    user: AbstractBaseUser | None,
    email: str,
    session_key: str | None,
) -> list[str]:
    keys = []
    if session_key:
        keys.append(f"comments:flood:session:{session_key}:{client_ip(request)}")
    if user is not None:
        keys.append(f"comments:flood:user:{user.pk}")
    else:
        digest = hashlib.sha256(email.lower().encode()).hexdigest()
        keys.append(f"comments:flood:email:{digest}")
    return keys


def _flood_keys(request: HttpRequest, form: CommentForm) -> list[str]:
    if not request.session.session_key:
        request.session.save()
    return _flood_keys_for(
        request,
        user=form.user,
        email=form.cleaned_data.get("author_email", ""),
        session_key=request.session.session_key,
    )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest() if value else ""


def _same_browser(request: HttpRequest, form: CommentForm, settled: Settled) -> bool:
    """Whether a twin comes from the browser that sent the first copy.

    Holding the same form token proves it (the token is personal to one page
    view); otherwise the same session does.
    """
    if settled.owner and settled.owner == _digest(form.nonce):
        return True
    session_key = request.session.session_key or ""
    return bool(session_key) and settled.session == _digest(session_key)


def _success(
    request: HttpRequest,
    *,
    target: Model | Any,
    comment: AbstractComment,
    form: CommentForm,
    created: bool,
    twin_of: Settled | None = None,
) -> HttpResponse:
    same_browser = twin_of is not None and _same_browser(request, form, twin_of)
    if created or same_browser or comment.pk in own_comment_ids(request):
        remember_own_comment(request, comment.pk)
    if created:  # Reader features: edit/delete token, reply emails (opt-in).
        grant_edit_token(request, comment)
        if form.cleaned_data.get("notify_replies"):
            subscription_request_for(request, target=target, comment=comment)
    elif same_browser and twin_of is not None and twin_of.edit_token:
        # Both copies' sessions must keep the edit link, whichever is saved last.
        keep_edit_token(request, comment.pk, twin_of.edit_token)
    held = comment.status != CommentStatus.APPROVED
    # Rejected and removed comments are said to be refused; a spam verdict
    # reads as held, so a spammer learns nothing from the answer.
    refused = comment.status in {CommentStatus.REJECTED, CommentStatus.REMOVED}
    page = comment_page_of(target, comment.pk, own_ids=own_comment_ids(request))
    # Without the request, Wagtail builds the URL from its cached site root
    # paths instead of looking the request's site up (a query per post).
    page_url = target_url(target)
    if page is None:
        # Not shown to this reader (refused by moderation, or someone else's
        # held comment): point at the comment area, never at a missing anchor.
        url = f"{page_url}#comments-title"
    else:
        url = f"{page_url}?cpage={page}#comment-{comment.pk}"
    response: HttpResponse
    if _wants_json(request):
        # As on the page after the no-JS redirect: a refused comment is not
        # shown and its author gets the statements of reasons (notices); a
        # spam verdict reads "pending" like a held comment.
        message = _("Your comment is published.")
        html = notices = ""
        if refused:
            message = _("Your comment was not published.")
            notices = author_notices(request, target)
        else:
            if held:
                message = _("Your comment is awaiting moderation.")
            node_context = comment_context(
                request, target=target, comment=comment, own_pending=held
            )
            html = render_to_string(
                "comments/comment.html", node_context, request=request
            )
        response = JsonResponse(
            {
                "ok": True,
                "created": created,
                "id": comment.pk,
                "status": "rejected" if refused else "pending" if held else "approved",
                "held": held,
                "refused": refused,
                "parent": comment.parent_id,
                "message": message,
                "html": html,
                "notices": notices,
                "url": url,
                "token": make_security_token(target),
            },
            status=201 if created else 200,
        )
    else:
        set_notice(
            request,
            comment_id=comment.pk if page is not None else None,
            held=held,
            refused=refused,
        )
        response = HttpResponseRedirect(url)
    if form.user is None:
        update_author_cookie(
            request,
            response,
            remember=bool(form.cleaned_data.get("remember")),
            data=form.cleaned_data,
        )
    return response


def _too_many(
    request: HttpRequest,
    *,
    code: str,
    message: str,
    seconds: int,
    target: Model | Any | None,
) -> HttpResponse:
    """Answer 429 with ``Retry-After``, cheaply: no comment list, no form.

    A rate limit is what a spam wave hits thousands of times a minute, so this
    page is small: the message, the reader's text back in a read-only box (it
    is not lost) and a link back to the page. The JSON answer carries a fresh
    form token when the target is known.
    """
    if _wants_json(request):
        response = _error(
            request, status=429, code=code, message=message, target=target
        )
    else:
        back_url = "/"
        if target is not None:
            back_url = target_url(target, request)
        else:
            referer = request.headers.get("Referer", "")
            if url_has_allowed_host_and_scheme(
                referer,
                allowed_hosts={request.get_host()},
                require_https=request.is_secure(),
            ):
                back_url = referer
        body = strip_unsafe(str(request.POST.get("body", "")), multiline=True)
        context = {"message": message, "body": body, "back_url": back_url}
        response = HttpResponse(
            render_to_string("comments/rate_limited.html", context, request=request),
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


def _flood_refusal(request: HttpRequest, *, target: Model | Any | None) -> HttpResponse:
    """Answer 429 ``flood``: this client posted within ``COMMENTS_FLOOD_SECONDS``."""
    seconds = comments_settings().FLOOD_SECONDS
    return _too_many(
        request,
        code="flood",
        message=flood_message(seconds),
        seconds=seconds,
        target=target,
    )


def _early_refusal(
    request: HttpRequest, nonce: str, target_ref: tuple[int, str]
) -> HttpResponse | None:
    """Charge this submission to its network's budget; a 429 once it is spent.

    Also a 429 when this session + IP or this email (account) is inside its
    flood delay (a look at the slots, not a claim). Runs before the target,
    the form or any database query, so a refused post costs a few cache round
    trips and a small page. Copies of a submission already seen (the same
    token ``nonce``, or the same text from the same author on the target
    ``target_ref`` signed in the token) are not charged (the first was): they
    go on to be answered with the first comment, or refused as a reused token.
    """
    user = request.user if request.user.is_authenticated else None
    email = strip_unsafe(str(request.POST.get("author_email", ""))).strip()
    try:
        parent_id = int(request.POST.get("parent") or 0) or None
    except ValueError:
        parent_id = None
    body = str(request.POST.get("body", ""))
    # A body far over the limit was never stored, so it is no copy; and its
    # text is not worth cleaning before the budget refuses it.
    fingerprint = (
        duplicate_fingerprint(
            target_ref=target_ref,
            body=strip_unsafe(body, multiline=True),
            author_email=email,
            user=user,
            parent_id=parent_id,
        )
        if len(body) <= 2 * comments_settings().MAX_LENGTH
        else ""
    )
    if submissions_seen(submission_keys(nonce=nonce, fingerprint=fingerprint)):
        return None
    wait = spend_ip_budget(client_ip(request))
    if wait:
        return _too_many(
            request,
            code="ip_budget",
            message=ip_budget_message(wait),
            seconds=wait,
            target=None,
        )
    # The same client again within the flood delay: refused before the target
    # and the form are loaded (the slot itself is claimed in _submit).
    keys = _flood_keys_for(
        request,
        user=cast("AbstractBaseUser | None", user),
        email=email,
        session_key=request.session.session_key,
    )
    if flood_slots_taken(keys):
        return _flood_refusal(request, target=None)
    return None


@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    try:
        payload = read_security_token(request.POST.get("security_token", ""))
        content_type_id, object_pk = target_from_payload(payload)
    except signing.BadSignature:
        return _error(
            request,
            status=400,
            code="bad_token",
            message=_(
                "This form is invalid or was altered. Reload the page and retry."
            ),
        )
    refused = _early_refusal(
        request, str(payload["n"]), (content_type_id, str(object_pk))
    )
    if refused is not None:
        return refused
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
    # A double click or a second tab sends the same submission again, maybe at
    # the same time: the copies are recognised before the rate limits, so the
    # second one is answered with the first comment instead of a 429.
    fingerprint = duplicate_fingerprint(
        target=target,
        body=data["body"],
        author_email=data.get("author_email", ""),
        user=request.user,
        parent_id=data.get("parent") or None,
    )
    claim = claim_submission(submission_keys(nonce=form.nonce, fingerprint=fingerprint))
    if claim.reuses_token(form.nonce, fingerprint):
        return _error(
            request,
            status=400,
            code=FormTokenUsedError.code,
            message=_(
                "This form was already used to post another comment. "
                "Reload the page to post a new one."
            ),
            target=target,
            form=form,
        )
    if claim.timed_out:
        return _error(
            request,
            status=409,
            code="in_flight",
            message=_(
                "Your comment is still being sent. Wait a moment, then reload the page."
            ),
            target=target,
            form=form,
        )
    try:
        return _submit(
            request, target=target, form=form, claim=claim, fingerprint=fingerprint
        )
    finally:
        claim.release()  # nothing stored: the form may be sent again


def _submit(
    request: HttpRequest,
    *,
    target: Model | Any,
    form: CommentForm,
    claim: Claim,
    fingerprint: str,
) -> HttpResponse:
    """Run the rate limits (first copy only) and the service; settle the claim."""
    data = form.cleaned_data
    flood_keys: list[str] = []
    # A token that already posted (replayed after the claim expired) is a copy
    # too: the service returns its comment or refuses the reused token.
    # The network's budget was charged in post_comment, before the form.
    if claim.first and comment_by_submission(target, form_nonce=form.nonce) is None:
        flood_keys = _flood_keys(request, form)
        if not claim_flood_slots(flood_keys):
            return _flood_refusal(request, target=target)
    parent = None
    if data.get("parent"):
        parent = (
            get_comment_model()
            .objects.for_object(target)
            .filter(pk=data["parent"])
            .first()
        )
        if parent is None:  # another page's comment, or none: not a new thread
            cache.delete_many(flood_keys)
            return _error(
                request,
                status=400,
                code="parent",
                message=_("The comment you reply to does not exist."),
                target=target,
                form=form,
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
            form_nonce=form.nonce,
            security=form.security_report(),
            request=request,
        )
    except CommentError as error:
        cache.delete_many(flood_keys)
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
    response = _success(
        request,
        target=target,
        comment=result.comment,
        form=form,
        created=result.created,
        twin_of=claim.settled,
    )
    session_key = request.session.session_key or ""
    claim.settle(
        Settled(
            comment_id=result.comment.pk,
            owner=_digest(form.nonce),
            session=_digest(session_key),
            edit_token=session_edit_token(request, result.comment.pk) or "",
            fingerprint=fingerprint,
        )
    )
    return response


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
