"""Reason codes of the moderation record, and their labels for moderators.

A decision stores its category (one of the engine's
:class:`~manchette.moderation.engine.types.Category` values) and reasons whose
``source`` says what gave them: a rule (named after its category), a
classifier head (``classifier:<head>``), the engine itself (``engine``: a rule
or the classifier failed) or one of the checks this app adds (the ``SOURCE_*``
codes below). The engine is framework-free and its codes stay English keys;
this module is the one place that turns them into translated labels, for the
queue (reasons, decision category, model panel) and its category filter. The
keys stay in the record and in the page (as ``title`` and ``data-key``
attributes), so power users and exports keep the exact code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from manchette.moderation.engine.types import Category

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.utils.functional import Promise

#: Source names of the reasons this app adds to the engine's.
SOURCE_MODEL_UNAVAILABLE = "model_unavailable"
SOURCE_ENGINE_FAILURE = "engine_failure"
SOURCE_PAGE_MODE = "page_mode"
SOURCE_BAN = "ban"
SOURCE_SUBMISSION_CHECKS = "submission_checks"
SOURCE_FLAG = "flag"
SOURCE_APPEAL = "appeal"
#: The engine's own source when a rule or the classifier raised.
SOURCE_ENGINE = "engine"
#: Prefix of the classifier heads' sources (``classifier:toxicity``).
CLASSIFIER_PREFIX = "classifier:"

#: The harm categories, in the engine's order.
CATEGORY_LABELS: Mapping[str, Promise] = {
    Category.THREAT_INCITEMENT: _("Threat or incitement"),
    Category.HATE: _("Hate"),
    Category.INSULT: _("Insult"),
    Category.SEXUAL: _("Sexual"),
    Category.SPAM: _("Spam"),
    Category.PERSONAL_DATA: _("Personal data"),
}

#: The classifier's heads (``toxicity`` is not a category of its own).
HEAD_LABELS: Mapping[str, Promise] = {
    "toxicity": _("Toxicity"),
    "insult": CATEGORY_LABELS[Category.INSULT],
    "hate": CATEGORY_LABELS[Category.HATE],
    "spam": CATEGORY_LABELS[Category.SPAM],
}

#: The sources that are neither a rule nor a classifier head.
SOURCE_LABELS: Mapping[str, Promise] = {
    SOURCE_ENGINE: _("Rule or classifier error"),
    SOURCE_MODEL_UNAVAILABLE: _("Model unavailable"),
    SOURCE_ENGINE_FAILURE: _("Engine failure"),
    SOURCE_PAGE_MODE: _("Page moderation mode"),
    SOURCE_BAN: _("Ban"),
    SOURCE_SUBMISSION_CHECKS: _("Submission checks"),
    SOURCE_FLAG: _("Reader flag"),
    SOURCE_APPEAL: _("Author's appeal"),
}

#: The parts of the model's quality metrics (``meta.json``) shown in the queue.
METRIC_LABELS: Mapping[str, Promise] = {
    "n_train": _("Training examples"),
    "n_test": _("Test examples"),
    "model_only_hold": _("Hold on the model alone"),
    "threshold": _("Threshold"),
    "precision": _("Precision"),
    "recall": _("Recall"),
    "false_positive_rate": _("False positive rate"),
    "flagged": _("Flagged"),
    "n": _("Examples"),
    "n_positive": _("Positive examples"),
    "roc_auc": _("ROC AUC"),
}


def category_label(code: str) -> str:
    """Return the label of a harm category; an unknown code is returned as is."""
    label = CATEGORY_LABELS.get(code)
    return str(label) if label is not None else code


def source_label(source: str) -> str:
    """Return the label of a reason's source (rule, classifier head or check)."""
    if source.startswith(CLASSIFIER_PREFIX):
        head = source.removeprefix(CLASSIFIER_PREFIX)
        name = HEAD_LABELS.get(head)
        return gettext("Classifier: %(name)s") % {
            "name": str(name) if name is not None else head
        }
    if source in CATEGORY_LABELS:
        return gettext("Rule: %(name)s") % {"name": category_label(source)}
    label = SOURCE_LABELS.get(source)
    return str(label) if label is not None else source


def metric_label(path: str) -> str:
    """Return the label of a dotted metric path (``model_only_hold.spam.recall``).

    Each part is a metric name, a classifier head or a category; a part with no
    label is kept as it is.
    """
    parts = []
    for part in path.split("."):
        label = METRIC_LABELS.get(part) or HEAD_LABELS.get(part)
        parts.append(str(label) if label is not None else category_label(part))
    return " › ".join(parts)
