"""Framework-free moderation engine: rules, classifier protocol, policy, verdicts.

This package imports neither Django nor Wagtail nor any other ``manchette``
package (an import-linter contract enforces it). The Django side builds one
engine with :func:`build_engine` and adapts comments to :class:`Submission`.

Examples
--------
>>> from manchette.moderation.engine import Submission, build_engine
>>> engine = build_engine()
>>> engine.moderate(Submission("Merci pour cet article très clair.")).action
<Action.APPROVE: 'approve'>
"""

from __future__ import annotations

from manchette.moderation.engine.engine import ENGINE_VERSION, Engine
from manchette.moderation.engine.errors import (
    ArtifactNotFound,
    IncompatibleArtifact,
    ModerationEngineError,
)
from manchette.moderation.engine.langid import LanguageIdentifier, detect_language
from manchette.moderation.engine.normalize import NormalizedText, normalize
from manchette.moderation.engine.policy import Policy
from manchette.moderation.engine.protocols import Classifier, Rule
from manchette.moderation.engine.rules import (
    HateRule,
    InsultRule,
    PersonalDataRule,
    SexualRule,
    SpamRule,
    ThreatIncitementRule,
    default_rules,
)
from manchette.moderation.engine.types import (
    LANGUAGES,
    Action,
    AuthorHistory,
    Category,
    Reason,
    Span,
    Submission,
    Verdict,
)

__all__ = [
    "ENGINE_VERSION",
    "LANGUAGES",
    "Action",
    "ArtifactNotFound",
    "AuthorHistory",
    "Category",
    "Classifier",
    "Engine",
    "HateRule",
    "IncompatibleArtifact",
    "InsultRule",
    "LanguageIdentifier",
    "ModerationEngineError",
    "NormalizedText",
    "PersonalDataRule",
    "Policy",
    "Reason",
    "Rule",
    "SexualRule",
    "SpamRule",
    "Span",
    "Submission",
    "ThreatIncitementRule",
    "Verdict",
    "build_engine",
    "default_rules",
    "detect_language",
    "normalize",
]


def build_engine(
    *,
    classifier: Classifier | None = None,
    model_version: str | None = None,
    policy: Policy | None = None,
) -> Engine:
    """Build the production engine: the default rules plus an optional classifier.

    Parameters
    ----------
    classifier : Classifier or None
        A loaded classifier (for instance from ``artifacts.load_artifact``);
        ``None`` runs the rules alone.
    model_version : str or None
        The classifier's version, reported in verdicts.
    policy : Policy or None
        Thresholds; ``None`` means the documented defaults.

    Returns
    -------
    Engine
    """
    return Engine(
        rules=default_rules(),
        classifier=classifier,
        policy=policy,
        model_version=model_version,
    )
