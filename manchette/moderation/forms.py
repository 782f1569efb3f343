"""Forms of the moderation queue and of the public appeal page."""

from __future__ import annotations

from typing import Any, override

from django import forms
from django.utils.translation import gettext_lazy as _

from manchette.comments.sanitize import strip_unsafe
from manchette.moderation.models import BanKind, DecisionAction, TargetMode
from manchette.moderation.reasons import CATEGORY_LABELS
from manchette.moderation.selectors import QueueFilters

STATUS_CHOICES = [
    ("pending", _("Pending")),
    ("approved", _("Approved")),
    ("rejected", _("Rejected")),
    ("spam", _("Spam")),
    ("removed", _("Removed")),
    ("all", _("All")),
]
CATEGORY_CHOICES = [
    ("", _("Any category")),
    *((str(code), label) for code, label in CATEGORY_LABELS.items()),
]
LANGUAGE_CHOICES = [
    ("", _("Any language")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("ary", _("Darija (Arabic script)")),
    ("ary-Latn", _("Darija (Latin script)")),
    ("en", _("English")),
    ("und", _("Unknown")),
]


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string."""

    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, initial="pending"
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=CATEGORY_CHOICES, required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=LANGUAGE_CHOICES, required=False
    )
    score_min = forms.FloatField(
        label=_("Minimum toxicity"), min_value=0, max_value=1, required=False
    )
    score_max = forms.FloatField(
        label=_("Maximum toxicity"), min_value=0, max_value=1, required=False
    )
    flagged = forms.BooleanField(label=_("Flagged by readers"), required=False)
    appealed = forms.BooleanField(label=_("Appealed"), required=False)
    article = forms.RegexField(
        label=_("Page"),
        regex=r"^\d+:[\w-]{1,64}$",
        required=False,
        widget=forms.HiddenInput,
    )

    def to_filters(self) -> QueueFilters:
        """Return the filters (defaults for invalid fields)."""
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        content_type_id: int | None = None
        object_pk = ""
        if data.get("article"):
            raw_ct, object_pk = str(data["article"]).split(":", 1)
            content_type_id = int(raw_ct)
        return QueueFilters(
            status=data.get("status") or "pending",
            category=data.get("category") or "",
            language=data.get("language") or "",
            score_min=data.get("score_min"),
            score_max=data.get("score_max"),
            flagged=bool(data.get("flagged")),
            appealed=bool(data.get("appealed")),
            content_type_id=content_type_id,
            object_pk=object_pk,
        )


class DecisionForm(forms.Form):
    """What a moderator posts from the queue: one item's action, or a bulk one.

    ``item_action`` (``"<comment id>:<action>"``) comes from a per-item button;
    otherwise ``action`` applies to every ticked ``comment`` checkbox. Bans
    have their own confirmation form (:class:`BanForm`).
    """

    item_action = forms.RegexField(regex=r"^\d+:[a-z]+$", required=False)
    action = forms.ChoiceField(choices=DecisionAction.choices, required=False)
    note = forms.CharField(max_length=1000, required=False)

    def selected_ids(self) -> list[int]:
        """Return the ticked comment ids (``comment`` checkboxes)."""
        raw = self.data.getlist("comment") if hasattr(self.data, "getlist") else []
        return [int(v) for v in raw if str(v).isdigit()][:500]

    @override
    def clean(self) -> dict[str, Any]:
        """Check that the form asks for exactly one thing."""
        data = super().clean() or {}
        if data.get("item_action"):
            _pk, action = data["item_action"].split(":", 1)
            if action not in DecisionAction.values:
                raise forms.ValidationError(_("Unknown action."))
        elif not (data.get("action") and self.selected_ids()):
            raise forms.ValidationError(_("Select comments and an action."))
        return data

    def clean_note(self) -> str:
        """Drop bidi controls, control characters and lone surrogates.

        The note is stored with the decision and as the reason of the
        comment's status change (the audit trail moderators read): an
        override character (U+202E) would draw it reversed there, as in a
        reader's comment.
        """
        return strip_unsafe(str(self.cleaned_data.get("note") or "")).strip()


class BanForm(forms.Form):
    """Ban the author of one comment: asked from the queue, then confirmed."""

    comment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=BanKind.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Reason (for the moderators)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        """Drop bidi controls, control characters and lone surrogates.

        The reason is shown in the list of bans: an override character
        (U+202E) would draw it reversed there, as in a reader's comment.
        """
        return strip_unsafe(str(self.cleaned_data.get("note") or "")).strip()


class BanLiftForm(forms.Form):
    """Lift one ban."""

    ban = forms.IntegerField(min_value=1)


class ModeForm(forms.Form):
    """Set a page's moderation mode."""

    article = forms.RegexField(regex=r"^\d+:[\w-]{1,64}$")
    mode = forms.ChoiceField(label=_("Mode"), choices=TargetMode.choices)


class AppealForm(forms.Form):
    """The author's appeal against a decision."""

    text = forms.CharField(
        label=_("Why should this decision be reviewed?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=5,
        max_length=5000,
    )
