"""Comment routes: list a page's approved comments, post one, flag one.

Thin: each route parses, checks, calls one selector or service of
``manchette.comments`` and shapes the answer. The API never reads cookies or
sessions (every caller is an anonymous reader), so a cross-site request carries
no ambient authority and CSRF tokens are not needed; the signed form token from
``…/comments/form-token`` gives the same timing checks as the HTML form.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.params.functions import Header, Query
from wagtail.models import Locale, Page, Site

from manchette.api.errors import ApiProblemError, ProblemDetail, comment_error_problem
from manchette.api.pagination import (
    InvalidCursorError,
    Position,
    decode_cursor,
    encode_cursor,
)
from manchette.api.schemas.comments import (
    CommentCreatedOut,
    CommentIn,
    CommentListOut,
    CommentOut,
    FlagIn,
    FlagOut,
    FormTokenOut,
    PageRefOut,
    ThreadOut,
)
from manchette.comments.abstracts import CommentStatus
from manchette.comments.conf import comments_settings
from manchette.comments.errors import (
    CommentError,
    CommentRejectedError,
    FormTokenUsedError,
)
from manchette.comments.flags import (
    FlagRateLimitedError,
    comment_flag,
    flag_rate_check,
    flagger_key,
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
    target_key,
)
from manchette.comments.models import Comment, FlagReason
from manchette.comments.notifications import subscription_request
from manchette.comments.privacy import avatar_data_uri
from manchette.comments.selectors import (
    build_tree,
    comment_by_submission,
    comments_for_display,
)
from manchette.comments.services import (
    HOLD_TOO_FAST,
    SecurityReport,
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
from manchette.comments.tokens import issue_edit_token
from manchette.comments.web import client_ip
from manchette.ops.targets import page_stand_in

if TYPE_CHECKING:
    from django.http import HttpRequest

    from manchette.comments.abstracts import AbstractComment
    from manchette.comments.selectors import CommentNode

router = Router(tags=["comments"])

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


# --- helpers ----------------------------------------------------------------


def _page(page_id: int) -> Any:
    """Return the live, specific page that takes comments, or raise a 404 problem."""
    page = Page.objects.live().filter(pk=page_id).first()
    specific = page.specific if page is not None else None
    if specific is None or not hasattr(specific, "comments_enabled"):
        raise ApiProblemError(404, "page-not-found", _("This page has no comments."))
    return specific


def _page_stand_in(page_id: int) -> Any:
    """Return a query-free stand-in of a live commentable page, or raise a 404.

    Same answers as :func:`_page`, from :func:`manchette.ops.targets.page_stand_in`:
    enough to sign or check a form token and to refuse a submission, not to
    store one (load the page with :func:`_page` for that).
    """
    stand_in = page_stand_in(page_id)
    if stand_in is None or not getattr(stand_in, "live", False):
        raise ApiProblemError(404, "page-not-found", _("This page has no comments."))
    return stand_in


def _language(page: Any) -> tuple[str, str]:
    locale = getattr(page, "locale", None)
    code = str(getattr(locale, "language_code", "") or "fr")
    try:
        bidi = bool(get_language_info(code)["bidi"])
    except KeyError:
        bidi = False
    return code, "rtl" if bidi else "ltr"


def _is_open(page: Any) -> bool:
    try:
        check_target_open(page)
    except CommentError:
        return False
    return True


def _comment_out(
    request: HttpRequest, comment: AbstractComment, *, visible: bool = True
) -> CommentOut:
    permalink = request.build_absolute_uri(
        reverse("comments:permalink", args=[comment.pk])
    )
    return CommentOut(
        id=comment.pk,
        parent_id=comment.parent_id,
        thread_id=comment.thread_id or comment.pk,
        depth=comment.depth,
        visible=visible,
        author_name=comment.author_name if visible else "",
        author_url=comment.author_url if visible else "",
        avatar=(
            avatar_data_uri(email=comment.author_email, name=comment.author_name)
            if visible
            else ""
        ),
        reply_to_name=comment.reply_to_name if visible else "",
        body=comment.body if visible else "",
        submitted_at=comment.submitted_at,
        edited_at=comment.edited_at if visible else None,
        permalink=permalink,
    )


def _flatten(request: HttpRequest, nodes: list[CommentNode]) -> list[CommentOut]:
    out: list[CommentOut] = []
    for node in nodes:
        out.append(_comment_out(request, node.comment, visible=node.visible))
        out.extend(_flatten(request, node.children))
    return out


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _check_form_token(page: Any, token: str) -> tuple[list[str], str]:
    """Check the signed form token; return its hold reasons and its nonce."""
    conf = comments_settings()
    try:
        payload = read_security_token(token)
    except signing.BadSignature:
        raise _token_problem(
            "bad_token", _("This form token is invalid. Fetch a new one.")
        ) from None
    if payload["t"] != target_key(page):
        raise _token_problem(
            "bad_target", _("This form token belongs to another page.")
        )
    age = time.time() - float(payload["ts"])
    if age > conf.MAX_FORM_AGE_SECONDS:
        raise _token_problem(
            "expired", _("This form token has expired. Fetch a new one.")
        )
    hold_reasons = [HOLD_TOO_FAST] if age < conf.MIN_SUBMIT_SECONDS else []
    return hold_reasons, str(payload["n"])


def _token_used() -> ApiProblemError:
    return _token_problem(
        "token_used",
        _("This form token was already used for another comment. Fetch a new one."),
    )


def _spend_ip_budget(request: HttpRequest) -> None:
    """Charge one submission to the client's network; raise 429 once spent."""
    wait = spend_ip_budget(client_ip(request))
    if wait:
        raise ApiProblemError(
            429,
            "ip_budget",
            ip_budget_message(wait),
            headers={"Retry-After": str(wait)},
        )


def _flood_keys(request: HttpRequest, payload: CommentIn) -> list[str]:
    """Return the API's flood keys: the client's address and the email."""
    return [
        f"comments:flood:api-ip:{_hash(client_ip(request) or '')}",
        f"comments:flood:email:{_hash(payload.author_email.strip().lower())}",
    ]


def _flood_problem() -> ApiProblemError:
    seconds = comments_settings().FLOOD_SECONDS
    return ApiProblemError(
        429, "flood", flood_message(seconds), headers={"Retry-After": str(seconds)}
    )


def _token_problem(code: str, message: str) -> ApiProblemError:
    return ApiProblemError(
        422,
        code,
        message,
        errors=[{"loc": ["body", "token"], "msg": message, "type": code}],
    )


def _page_for_url(request: HttpRequest, url: str) -> Any:
    """Return the live page a public ``url`` (absolute or a path) shows, or None.

    The host picks the Wagtail site (the default site otherwise); a leading
    language prefix (``/ar/``, ``/en/``) picks that translation of its home.
    """
    parts = urlsplit(url.strip())
    site = None
    if parts.hostname:
        site = Site.objects.filter(hostname=parts.hostname.lower()).first()
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    components = [c for c in parts.path.split("/") if c]
    root = site.root_page
    languages = {code for code, _name in settings.LANGUAGES}
    if components and components[0] in languages:
        locale = Locale.objects.filter(language_code=components.pop(0)).first()
        translated = root.get_translation_or_none(locale) if locale else None
        root = translated or root
    try:
        result = root.specific.route(request, components)
    except Http404:
        return None
    return result.page


# --- routes -----------------------------------------------------------------


@router.get(
    "/pages/lookup",
    response={200: PageRefOut, 404: ProblemDetail},
    operation_id="comments_page_lookup",
    url_name="comments_page_lookup",
    summary="Find the page shown at a public URL",
)
def page_lookup(request: HttpRequest, url: str) -> PageRefOut:
    """Return the id of the live page at ``url`` that takes comments."""
    page = _page_for_url(request, url)
    if page is None:
        raise ApiProblemError(404, "page-not-found", _("No page has this address."))
    return PageRefOut(page_id=_page(page.pk).pk)


@router.get(
    "/pages/{page_id}/comments",
    response={200: CommentListOut, 400: ProblemDetail, 404: ProblemDetail},
    operation_id="comments_list",
    url_name="comments_list",
    summary="List the approved comments of a page, thread by thread",
)
def list_comments(
    request: HttpRequest,
    page_id: int,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> CommentListOut:
    """Return up to ``limit`` threads after ``cursor``, oldest thread first.

    Only approved comments are shown; a removed or held comment with approved
    replies appears as a placeholder (``visible: false``).
    """
    page = _page(page_id)
    after: Position | None = None
    if cursor:
        try:
            after = decode_cursor(cursor)
        except InvalidCursorError:
            raise ApiProblemError(
                400, "bad-cursor", _("This cursor is invalid.")
            ) from None
    tree = build_tree(comments_for_display(page))
    roots = [
        r
        for r in tree.roots
        if after is None or Position(r.comment.submitted_at, r.comment.pk) > after
    ]
    chunk = roots[:limit]
    next_cursor = None
    if len(roots) > limit:
        last = chunk[-1].comment
        next_cursor = encode_cursor(Position(last.submitted_at, last.pk))
    language, direction = _language(page)
    return CommentListOut(
        page_id=page.pk,
        language=language,
        direction=direction,  # type: ignore[arg-type]
        count=tree.approved_count,
        open=_is_open(page),
        threads=[
            ThreadOut(
                root=_comment_out(request, node.comment, visible=node.visible),
                replies=_flatten(request, node.children),
            )
            for node in chunk
        ],
        next_cursor=next_cursor,
    )


@router.get(
    "/pages/{page_id}/comments/form-token",
    response={200: FormTokenOut, 403: ProblemDetail, 404: ProblemDetail},
    operation_id="comments_form_token",
    url_name="comments_form_token",
    summary="Get a signed form token to post a comment",
)
def form_token(request: HttpRequest, page_id: int) -> FormTokenOut:
    """Return a fresh token bound to the page and to the current time."""
    page = _page_stand_in(page_id)
    check_target_open(page)
    conf = comments_settings()
    return FormTokenOut(
        token=make_security_token(page),
        min_seconds=conf.MIN_SUBMIT_SECONDS,
        max_age_seconds=conf.MAX_FORM_AGE_SECONDS,
    )


@router.post(
    "/pages/{page_id}/comments",
    response={
        200: CommentCreatedOut,
        201: CommentCreatedOut,
        403: ProblemDetail,
        404: ProblemDetail,
        409: ProblemDetail,
        422: ProblemDetail,
        429: ProblemDetail,
    },
    operation_id="comments_create",
    url_name="comments_create",
    summary="Post a comment or a reply (always moderated)",
)
def create_comment(
    request: HttpRequest,
    page_id: int,
    payload: CommentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status[CommentCreatedOut]:
    """Submit a comment through ``comment_submit`` and the moderation signals.

    Answers 201 with the new comment's status, or 200 with the first comment
    when the request repeats one (same form token and content, same
    ``Idempotency-Key``, or the same text again), also when the copies arrive
    at the same time. Each form token posts one comment. Refused: a filled
    honeypot, a bad or expired token, or a token already used for other
    content (422, ``token_used``), invalid fields (422), posting again within
    ``COMMENTS_FLOOD_SECONDS`` or more than ``COMMENTS_IP_BUDGET`` comments per
    ``COMMENTS_IP_BUDGET_SECONDS`` from one network (429 with ``Retry-After``),
    a copy whose first is still in flight after ``COMMENTS_TWIN_WAIT_SECONDS``
    (409), closed comments (403).
    """
    # Everything up to the claim works on a stand-in of the page (no query):
    # a wave of replayed tokens or spent budgets is refused without loading it.
    target = _page_stand_in(page_id)
    check_target_open(target)
    if payload.homepage.strip():
        raise ApiProblemError(422, "honeypot", _("Your comment could not be accepted."))
    hold_reasons, nonce = _check_form_token(target, payload.token)
    key = (idempotency_key or "").strip()[:64] or None
    fingerprint = duplicate_fingerprint(
        target=target,
        body=payload.body,
        author_email=payload.author_email,
        parent_id=payload.parent_id,
    )
    keys = submission_keys(
        nonce=nonce,
        idempotency_key=f"{target.pk}:{key}" if key else None,
        fingerprint=fingerprint,
    )
    # Copies of one submission (same token, same key or same text) are
    # recognised before the rate limits (the first was charged): see
    # manchette.comments.submissions. The limits are looked at before the page
    # is loaded; the flood slots are claimed in _create.
    if not submissions_seen(keys):
        _spend_ip_budget(request)
        if flood_slots_taken(_flood_keys(request, payload)):
            raise _flood_problem()
    claim = claim_submission(keys)
    if claim.reuses_token(nonce, fingerprint):
        raise _token_used()
    if claim.timed_out:
        raise ApiProblemError(
            409,
            "in_flight",
            _("This comment is still being sent. Wait a moment, then retry."),
            headers={"Retry-After": "2"},
        )
    try:
        return _create(
            request,
            _page(page_id),
            payload,
            claim=claim,
            nonce=nonce,
            key=key,
            hold_reasons=hold_reasons,
            fingerprint=fingerprint,
        )
    finally:
        claim.release()  # nothing stored: the token may be used again


def _create(
    request: HttpRequest,
    page: Any,
    payload: CommentIn,
    *,
    claim: Claim,
    nonce: str,
    key: str | None,
    hold_reasons: list[str],
    fingerprint: str,
) -> Status[CommentCreatedOut]:
    """Run the flood limit (first copy only), the service, and settle the claim."""
    ip = client_ip(request)
    flood_keys: list[str] = []
    repeat = comment_by_submission(page, form_nonce=nonce, idempotency_key=key)
    if claim.first and repeat is None:
        flood_keys = _flood_keys(request, payload)
        if not claim_flood_slots(flood_keys):
            raise _flood_problem()
    parent = None
    if payload.parent_id is not None:
        parent = (
            Comment.objects.for_object(page)
            .filter(pk=payload.parent_id, status=CommentStatus.APPROVED)
            .first()
        )
        if parent is None:
            cache.delete_many(flood_keys)
            message = _("The comment you reply to does not exist.")
            raise ApiProblemError(
                422,
                "parent",
                message,
                errors=[
                    {"loc": ["body", "parent_id"], "msg": message, "type": "parent"}
                ],
            )
    try:
        result = comment_submit(
            target=page,
            body=payload.body,
            author_name=payload.author_name,
            author_email=payload.author_email,
            author_url=payload.author_url,
            parent=parent,
            ip=ip,
            user_agent=request.headers.get("User-Agent", ""),
            idempotency_key=key,
            form_nonce=nonce,
            security=SecurityReport(hold_reasons=tuple(hold_reasons)),
        )
    except FormTokenUsedError:
        cache.delete_many(flood_keys)
        raise _token_used() from None
    except CommentRejectedError as error:
        cache.delete_many(flood_keys)
        raise comment_error_problem(error) from None
    comment = result.comment
    approved = comment.status == CommentStatus.APPROVED
    edit_token = None
    if result.created:
        edit_token = issue_edit_token(comment)
        if payload.notify_replies:
            language, _direction = _language(page)
            subscription_request(
                comment=comment,
                language=language,
                page_url=str(getattr(page, "full_url", "") or ""),
                site_url=request.build_absolute_uri("/"),
            )
    # As the HTML form says it: a rejected or removed comment is refused
    # (its author is owed the decision); a spam verdict reads as held, so a
    # spammer learns nothing from the answer.
    refused = comment.status in {CommentStatus.REJECTED, CommentStatus.REMOVED}
    status: Literal["pending", "approved", "rejected"] = (
        "approved" if approved else "rejected" if refused else "pending"
    )
    body = CommentCreatedOut(
        id=comment.pk,
        status=status,
        created=result.created,
        message=(
            _("Your comment is published.")
            if approved
            else _("Your comment was not published.")
            if refused
            else _("Your comment is awaiting moderation.")
        ),
        edit_token=edit_token,
        edit_seconds=comments_settings().EDIT_SECONDS,
        comment=_comment_out(request, comment) if approved else None,
    )
    # Last, after every write: a waiting copy now answers with this comment.
    claim.settle(Settled(comment_id=comment.pk, fingerprint=fingerprint))
    return Status(201 if result.created else 200, body)


@router.post(
    "/comments/{comment_id}/flags",
    response={
        200: FlagOut,
        201: FlagOut,
        404: ProblemDetail,
        422: ProblemDetail,
        429: ProblemDetail,
    },
    operation_id="comments_flag",
    url_name="comments_flag",
    summary="Report a comment to the moderators",
)
def flag_comment(
    request: HttpRequest, comment_id: int, payload: FlagIn
) -> Status[FlagOut]:
    """Store a reader's flag (201), or return the earlier one from them (200).

    Refused: a comment that is not public (404), too many reports (429), a note
    that is too long (422).
    """
    comment = Comment.objects.filter(
        pk=comment_id, status=CommentStatus.APPROVED
    ).first()
    target = comment.content_object if comment is not None else None
    if comment is None or target is None or not getattr(target, "live", True):
        raise ApiProblemError(404, "comment-not-found", _("This comment is not shown."))
    ip = client_ip(request) or ""
    key = flagger_key(session_key=f"api:{ip}", ip=ip)
    try:
        flag_rate_check(key)
    except FlagRateLimitedError as error:
        raise ApiProblemError(
            429, error.code, str(error.message), headers={"Retry-After": "3600"}
        ) from None
    result = comment_flag(
        comment=comment, reason=payload.reason, note=payload.note, flagger=key
    )
    out = FlagOut(
        comment_id=comment.pk,
        reason=FlagReason(result.flag.reason),
        created=result.created,
    )
    return Status(201 if result.created else 200, out)
