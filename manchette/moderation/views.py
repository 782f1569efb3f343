"""Moderation queue (Wagtail admin) and the public appeal form.

Views stay thin: they check access, validate a form, call one service or
selector, and render. Every action is a plain form button, so the queue works
without JavaScript; ``static/moderation/js/queue.js`` only adds shortcuts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from manchette.comments import get_comment_model
from manchette.comments.privacy import anonymized_network
from manchette.moderation import selectors, services
from manchette.moderation.conf import moderation_settings
from manchette.moderation.forms import (
    AppealForm,
    BanForm,
    BanLiftForm,
    DecisionForm,
    ModeForm,
    QueueFilterForm,
)
from manchette.moderation.models import (
    Ban,
    BanKind,
    DecisionAction,
    ModerationDecision,
    ModerationMode,
    TargetMode,
)
from manchette.moderation.notifications import notice_language, read_appeal_token
from manchette.moderation.reasons import category_label, metric_label, source_label

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.utils.functional import Promise


def moderate_permission() -> str:
    """Return the permission a moderator needs (``<comments app>.can_moderate``)."""
    return f"{get_comment_model()._meta.app_label}.can_moderate"


def _moderator(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not user.is_authenticated or not user.has_perm(moderate_permission()):
        raise PermissionDenied
    return user


def _metric_rows(
    metrics: Any, prefix: str = "", limit: int = 40
) -> list[tuple[str, str, str]]:
    """Flatten numeric metrics to ``(path, label, value)`` rows for display."""
    rows: list[tuple[str, str, str]] = []
    if isinstance(metrics, dict):
        for key, value in metrics.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            rows.extend(_metric_rows(value, path, limit))
            if len(rows) >= limit:
                break
    elif isinstance(metrics, float):
        rows.append((prefix, metric_label(prefix), f"{metrics:.3f}"))
    elif isinstance(metrics, int) and not isinstance(metrics, bool):
        rows.append((prefix, metric_label(prefix), str(metrics)))
    return rows[:limit]


def _labelled_reasons(reasons: list[Any]) -> list[dict[str, Any]]:
    """Return a decision's reasons with the labels of their source and category."""
    labelled = []
    for reason in reasons:
        if not isinstance(reason, dict):
            continue
        source = str(reason.get("source") or "")
        category = str(reason.get("category") or "")
        labelled.append(
            {
                **reason,
                "source_label": source_label(source),
                "category_label": category_label(category) if category else "",
            }
        )
    return labelled


def _model_panel() -> dict[str, Any]:
    try:
        state = services.engine_state()
    except Exception as exc:  # noqa: BLE001 - the queue must still render
        return {"error": repr(exc), "version": "", "metrics": []}
    meta = state.meta
    return {
        "error": state.error,
        "version": state.model_version,
        "created_at": meta.created_at if meta else "",
        "metrics": _metric_rows(dict(meta.metrics)) if meta else [],
    }


def _items(comments: list[Any]) -> list[dict[str, Any]]:
    decisions = selectors.latest_decisions(c.pk for c in comments)
    keys = {pk: d.author_hash for pk, d in decisions.items()}
    histories = selectors.author_histories(comments, keys)
    items = []
    for comment in comments:
        decision: ModerationDecision | None = decisions.get(comment.pk)
        reasons = list(decision.reasons or []) if decision else []
        items.append(
            {
                "comment": comment,
                "decision": decision,
                "category_label": (
                    category_label(decision.category)
                    if decision and decision.category
                    else ""
                ),
                "reasons": _labelled_reasons(reasons),
                "body_html": selectors.highlight(
                    comment.body, decision.spans() if decision else []
                ),
                "history": histories.get(comment.pk),
                "target": comment.content_object,
                "article_key": f"{comment.content_type_id}:{comment.object_pk}",
            }
        )
    return items


@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else selectors.QueueFilters()
    comments = selectors.queue_comments(filters).prefetch_related("content_object")
    paginator = Paginator(comments, moderation_settings().QUEUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    mode = None
    if filters.content_type_id is not None:
        mode = services.target_mode(
            content_type_id=filters.content_type_id, object_pk=filters.object_pk
        )
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "moderation/admin/queue.html",
        {
            "page_title": _("Moderation"),
            "header_title": _("Moderation"),
            "header_icon": "warning",
            "filter_form": form if request.GET else QueueFilterForm(),
            "filters": filters,
            "page_obj": page,
            "items": _items(list(page.object_list)),
            "query": query.urlencode(),
            "actions": [
                (DecisionAction.APPROVE, _("Approve"), "a"),
                (DecisionAction.REJECT, _("Reject"), "r"),
                (DecisionAction.SPAM, _("Spam"), "s"),
            ],
            "model": _model_panel(),
            "mode": mode,
            "mode_form": ModeForm(
                initial={
                    "article": f"{filters.content_type_id}:{filters.object_pk}",
                    "mode": mode,
                }
            )
            if mode
            else None,
            "pending_total": selectors.pending_count(),
            "appeal_count": selectors.open_appeals().count(),
        },
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("moderation_queue")
    return HttpResponseRedirect(target)


@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    moderator = _moderator(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return _back(request)
    model = get_comment_model()
    note = form.cleaned_data.get("note", "")
    if form.cleaned_data.get("item_action"):
        pk, action = form.cleaned_data["item_action"].split(":", 1)
        comment = model.objects.filter(pk=int(pk)).first()
        if comment is None:
            raise Http404
        services.review_decision(
            comment=comment, action=action, moderator=moderator, note=note
        )
        messages.success(request, _("Decision recorded."))
    else:
        comments = list(model.objects.filter(pk__in=form.selected_ids()))
        decisions = services.bulk_review(
            comments=comments,
            action=form.cleaned_data["action"],
            moderator=moderator,
            note=note,
        )
        messages.success(
            request,
            ngettext(
                "%(count)d decision recorded.",
                "%(count)d decisions recorded.",
                len(decisions),
            )
            % {"count": len(decisions)},
        )
    return _back(request)


#: The question the confirmation page asks, per kind of ban.
BAN_QUESTIONS: dict[str, Promise] = {
    BanKind.EMAIL: gettext_lazy("Ban the email address %(target)s?"),
    BanKind.DOMAIN: gettext_lazy("Ban every address of the mail domain %(target)s?"),
    BanKind.IP: gettext_lazy("Ban the IP network %(target)s?"),
}


def _shown_ban_target(kind: str, value: str) -> str:
    """Return what a ban targets, as the confirmation page shows it.

    A domain is shown as it is; an (already anonymised) IP address as the
    network with its prefix length (``127.0.0.0/24``, ``2001:db8:1::/48``),
    since the ban matches every address that anonymises to it; an email
    address only by its first two characters and its domain.
    """
    if kind == BanKind.IP:
        return anonymized_network(value)
    if kind != BanKind.EMAIL:
        return value
    local, _sep, domain = value.rpartition("@")
    return f"{local[:2]}…@{domain}"


def _ban_question(kind: str, value: str) -> SafeString:
    """Return the confirmation question, the target isolated in a ``<bdi>``.

    An address or a network is written left to right even in an Arabic
    sentence; the translation is escaped before the target goes in.
    """
    target = format_html('<bdi dir="ltr">{}</bdi>', _shown_ban_target(kind, value))
    question = conditional_escape(str(BAN_QUESTIONS[kind])) % {"target": target}
    return mark_safe(question)  # noqa: S308 - both parts escaped above


@require_http_methods(["GET", "POST"])
def ban(request: HttpRequest) -> HttpResponse:
    """Ban the author of one comment, after a confirmation page.

    The queue's ban links lead here (GET): the page says what would be banned
    and asks for confirmation; only its form (POST) records the ban.
    """
    moderator = _moderator(request)
    form = BanForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Unknown ban."))
        return _back(request)
    comment = (
        get_comment_model().objects.filter(pk=form.cleaned_data["comment"]).first()
    )
    if comment is None:
        raise Http404
    kind = form.cleaned_data["kind"]
    try:
        value = services.ban_target(comment, kind)
        if request.method == "POST":
            services.ban_author(
                comment=comment,
                kind=kind,
                moderator=moderator,
                reason=form.cleaned_data.get("note", ""),
            )
    except services.ProtectedDomainError:
        messages.error(
            request, _("This mail domain is shared by many people: not banned.")
        )
        return _back(request)
    except services.InvalidDecisionError:
        messages.error(request, _("Nothing to ban for this comment."))
        return _back(request)
    if request.method == "POST":
        messages.success(request, _("Ban recorded."))
        return _back(request)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("moderation_queue")
    return render(
        request,
        "moderation/admin/ban_confirm.html",
        {
            "page_title": _("Confirm the ban"),
            "header_title": _("Confirm the ban"),
            "header_icon": "warning",
            "form": form,
            "comment": comment,
            "question": _ban_question(kind, value),
            "next_url": next_url,
        },
    )


@require_http_methods(["GET"])
def bans(request: HttpRequest) -> HttpResponse:
    """List the bans in force, each with a button that lifts it."""
    _moderator(request)
    paginator = Paginator(selectors.active_bans(), moderation_settings().QUEUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    return render(
        request,
        "moderation/admin/bans.html",
        {
            "page_title": _("Bans"),
            "header_title": _("Bans"),
            "header_icon": "warning",
            "page_obj": page,
        },
    )


@require_POST
def lift_ban(request: HttpRequest) -> HttpResponse:
    moderator = _moderator(request)
    form = BanLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown ban."))
        return HttpResponseRedirect(reverse("moderation_bans"))
    record = Ban.objects.filter(pk=form.cleaned_data["ban"]).first()
    if record is None:
        raise Http404
    if services.ban_lift(ban=record, moderator=moderator):
        messages.success(request, _("Ban lifted."))
    else:
        messages.warning(request, _("This ban was no longer in force."))
    return HttpResponseRedirect(reverse("moderation_bans"))


@require_POST
def set_mode(request: HttpRequest) -> HttpResponse:
    moderator = _moderator(request)
    form = ModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown page or mode."))
        return _back(request)
    from django.contrib.contenttypes.models import ContentType

    raw_ct, object_pk = form.cleaned_data["article"].split(":", 1)
    content_type = ContentType.objects.filter(pk=int(raw_ct)).first()
    if content_type is None:
        raise Http404
    target = content_type.get_object_for_this_type(pk=object_pk)
    services.set_target_mode(
        target=target, mode=form.cleaned_data["mode"], moderator=moderator
    )
    messages.success(request, _("Page moderation mode saved."))
    return _back(request)


@require_http_methods(["GET"])
def appeals(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    paginator = Paginator(
        selectors.open_appeals(), moderation_settings().QUEUE_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("p"))
    return render(
        request,
        "moderation/admin/appeals.html",
        {
            "page_title": _("Appeals"),
            "header_title": _("Appeals"),
            "header_icon": "warning",
            "page_obj": page,
        },
    )


@require_http_methods(["GET"])
def modes(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    records = ModerationMode.objects.exclude(mode=TargetMode.NORMAL).select_related(
        "content_type"
    )
    return render(
        request,
        "moderation/admin/modes.html",
        {
            "page_title": _("Page moderation modes"),
            "header_title": _("Page moderation modes"),
            "header_icon": "warning",
            "records": records,
        },
    )


# --------------------------------------------------------------------------
# Public: the author's appeal.


@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, token: str) -> HttpResponse:
    try:
        decision_id, comment_id = read_appeal_token(token)
    except signing.BadSignature:
        return render(request, "moderation/appeal_invalid.html", status=400)
    decision = (
        ModerationDecision.objects.select_related("comment")
        .filter(pk=decision_id, comment_id=comment_id)
        .first()
    )
    if decision is None:
        raise Http404
    comment = decision.comment

    language = notice_language(comment)
    with translation.override(language):
        form = AppealForm(request.POST or None)
        done = False
        error = ""
        if request.method == "POST" and form.is_valid():
            try:
                services.appeal_create(
                    comment=comment, decision=decision, text=form.cleaned_data["text"]
                )
            except services.AppealClosedError:
                error = _(
                    "An appeal on this comment is already being reviewed, "
                    "or the time to appeal has passed."
                )
            else:
                done = True
        return render(
            request,
            "moderation/appeal.html",
            {
                "form": form,
                "comment": comment,
                "decision": decision,
                "done": done,
                "error": error,
                "language": language,
            },
        )
