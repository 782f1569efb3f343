"""Turning scores into an action: named thresholds, documented defaults.

Between "approve" and "reject" every category has a review band
``[hold, reject)``: a score there sends the comment to a human. The defaults
lean towards review rather than silent rejection, because a newsroom loses
more trust by deleting a legitimate (if sharp) reader than by making a reader
wait for a moderator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from manchette.moderation.engine.types import Action, AuthorHistory, Category, Reason

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "DEFAULT_HOLD",
    "DEFAULT_MODEL_HOLD",
    "DEFAULT_MODEL_TOXICITY_HOLD",
    "DEFAULT_REJECT",
    "Policy",
]

#: Scores at or above which a comment waits for a human.
#:
#: - threat/incitement 0.4 and personal data 0.4: low, because missing a real
#:   call to violence or a doxxing is far costlier than a moderator's minute;
#:   rule scores below 0.4 are reserved for weak, context-free evidence.
#: - hate, insult, sexual, spam 0.5: the classifier's natural decision point;
#:   the rules give a bare insulting word about 0.55-0.65, so it is reviewed.
DEFAULT_HOLD: Mapping[Category, float] = MappingProxyType(
    {
        Category.THREAT_INCITEMENT: 0.4,
        Category.HATE: 0.5,
        Category.INSULT: 0.5,
        Category.SEXUAL: 0.5,
        Category.SPAM: 0.5,
        Category.PERSONAL_DATA: 0.4,
    }
)

#: Rule scores at or above which a comment is rejected without review.
#:
#: - hate, insult, sexual, spam 0.85: only strong rule evidence (an insult
#:   addressed to the person spoken to, a slur used as such, explicit content,
#:   a scam with a link) is rejected automatically; everything weaker goes to
#:   the review band. An insult *about* a third party (a journalist, a
#:   minister) scores 0.65-0.8 and is held: telling an insult from a sharp
#:   judgement of a public figure is a moderator's call. Since engine 1.3.0
#:   only the rule's own score counts here (see :meth:`Policy.decide`): a
#:   classifier head can hold a comment, never reject it.
#: - threat/incitement and personal data: above 1.0, i.e. never, because they
#:   are in :attr:`Policy.always_hold` (a human decides, possibly escalates).
DEFAULT_REJECT: Mapping[Category, float] = MappingProxyType(
    {
        Category.THREAT_INCITEMENT: 1.01,
        Category.HATE: 0.85,
        Category.INSULT: 0.85,
        Category.SEXUAL: 0.85,
        Category.SPAM: 0.85,
        Category.PERSONAL_DATA: 1.01,
    }
)


#: Hold thresholds for classifier scores that no rule of the same category
#: corroborates ("model-only evidence"). A value above 1.0 means the head alone
#: never holds.
#:
#: The shipped heads are calibrated to a 50 % prior (class-balanced Platt
#: scaling), while a news comment section sees far fewer abusive comments, so
#: their 0.5 is not a decision point. These values are
#: :func:`training.model_only_thresholds` on the held-out split of
#: ``moderation-tfidf-1.1.0`` (3,820 rows, seed 0): the lowest threshold at
#: which the head's precision is at least 0.90 and its false-positive rate at
#: most 0.05, both holding at every higher threshold that flags 10 rows or
#: more (0.01 steps), see ``docs/moderation.md``:
#:
#: - spam 0.92: precision 0.90, recall 0.98, false-positive rate 0.006
#:   (206 positives);
#: - insult 0.94: precision 0.91 but recall 0.01 (22 rows flagged): in
#:   practice an insult without a rule is held through the toxicity head
#:   (:data:`DEFAULT_MODEL_TOXICITY_HOLD`);
#: - hate: never reaches 0.90: never alone;
#: - threat/incitement, personal data and sexual content have no head and
#:   stay rule-driven.
DEFAULT_MODEL_HOLD: Mapping[Category, float] = MappingProxyType(
    {
        Category.THREAT_INCITEMENT: 1.01,
        Category.HATE: 1.01,
        Category.INSULT: 0.94,
        Category.SEXUAL: 1.01,
        Category.SPAM: 0.92,
        Category.PERSONAL_DATA: 1.01,
    }
)

#: Hold threshold of the classifier's toxicity head when no rule found a
#: harmful category, derived the same way: 0.86 (precision 0.927, recall 0.36,
#: false-positive rate 0.048 over 3,424 rows; precision alone would allow
#: 0.69, where 12 % of clean rows would be held).
DEFAULT_MODEL_TOXICITY_HOLD = 0.86


#: Categories whose rule evidence lets toxicity reject (the engine's HARMFUL).
_HARMFUL = frozenset(
    {Category.THREAT_INCITEMENT, Category.HATE, Category.INSULT, Category.SEXUAL}
)


@dataclass(frozen=True, slots=True)
class Policy:
    """Thresholds that map category scores and toxicity to an :class:`Action`.

    Parameters
    ----------
    hold : Mapping[Category, float]
        Per-category score at or above which the comment is held.
        Default :data:`DEFAULT_HOLD`.
    reject : Mapping[Category, float]
        Per-category score at or above which the comment is rejected.
        Default :data:`DEFAULT_REJECT`.
    always_hold : frozenset of Category
        Categories that are never auto-rejected: when one of them reaches its
        hold threshold the comment is held, even if another category would
        reject it. Default threat/incitement and personal data: a threat may
        need escalation and personal data may be the victim's, so a person
        must see them.
    links_hold : int
        Number of links at or above which a comment is held as possible spam
        (default 2: one link is a normal citation, two rarely are).
    toxicity_hold : float
        Overall toxicity at or above which the comment is held (default 0.6,
        above the category hold thresholds so that it only matters for a
        classifier whose toxicity head fires without a specific category).
    toxicity_reject : float
        Overall toxicity at or above which the comment is rejected (default
        0.95). Used only when :meth:`decide` gets no ``rule_scores`` (every
        score then counts as rule evidence); the engine always passes them,
        so in the engine only a rule score reaching :attr:`reject` rejects.
    repeat_offender_rejections : int
        Authors with at least this many rejected comments, and more rejected
        than approved, get no benefit of the doubt: a comment with toxicity at
        or above ``repeat_offender_toxicity`` is held instead of approved
        (defaults 3 and 0.3).
    repeat_offender_toxicity : float
        See ``repeat_offender_rejections``.
    model_hold : Mapping[Category or str, float]
        Hold thresholds for classifier evidence that no rule of the same
        category corroborates; merged over :data:`DEFAULT_MODEL_HOLD` (keys
        may be category values, so settings can override one category). Above
        1.0 means "never on the model alone". Used only when
        :meth:`decide` receives ``rule_scores``.
    model_toxicity_hold : float
        Toxicity hold threshold when no rule found a harmful category
        (default :data:`DEFAULT_MODEL_TOXICITY_HOLD`).
    """

    hold: Mapping[Category, float] = field(default_factory=lambda: DEFAULT_HOLD)
    reject: Mapping[Category, float] = field(default_factory=lambda: DEFAULT_REJECT)
    always_hold: frozenset[Category] = frozenset(
        {Category.THREAT_INCITEMENT, Category.PERSONAL_DATA}
    )
    links_hold: int = 2
    toxicity_hold: float = 0.6
    toxicity_reject: float = 0.95
    repeat_offender_rejections: int = 3
    repeat_offender_toxicity: float = 0.3
    model_hold: Mapping[Category, float] | Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_MODEL_HOLD
    )
    model_toxicity_hold: float = DEFAULT_MODEL_TOXICITY_HOLD

    def __post_init__(self) -> None:
        """Validate that every category has ordered thresholds in range."""
        for category in Category:
            if category not in self.hold or category not in self.reject:
                msg = f"missing threshold for {category.value}"
                raise ValueError(msg)
            if not 0.0 < self.hold[category] <= self.reject[category]:
                msg = f"need 0 < hold <= reject for {category.value}"
                raise ValueError(msg)
        if not 0.0 < self.toxicity_hold <= self.toxicity_reject:
            msg = "need 0 < toxicity_hold <= toxicity_reject"
            raise ValueError(msg)
        model_hold = dict(DEFAULT_MODEL_HOLD)
        model_hold.update({Category(k): float(v) for k, v in self.model_hold.items()})
        for category, value in model_hold.items():
            if not value > 0.0:
                msg = f"need model_hold > 0 for {category.value}"
                raise ValueError(msg)
        if not self.model_toxicity_hold > 0.0:
            msg = "need model_toxicity_hold > 0"
            raise ValueError(msg)
        object.__setattr__(self, "model_hold", MappingProxyType(model_hold))
        object.__setattr__(self, "hold", MappingProxyType(dict(self.hold)))
        object.__setattr__(self, "reject", MappingProxyType(dict(self.reject)))

    def decide(
        self,
        scores: Mapping[Category, float],
        toxicity: float,
        reasons: Iterable[Reason] = (),
        *,
        link_count: int = 0,
        author_history: AuthorHistory | None = None,
        rule_scores: Mapping[Category, float] | None = None,
    ) -> Action:
        """Return the action for one submission.

        Parameters
        ----------
        scores : Mapping[Category, float]
            A score in ``[0, 1]`` per category (missing categories count as 0).
        toxicity : float
            Overall toxicity in ``[0, 1]``.
        reasons : iterable of Reason
            The evidence. A reason from ``source="engine"`` (a failed rule or
            classifier) forces HOLD: the verdict is incomplete.
        link_count : int
            Number of links in the submission.
        author_history : AuthorHistory or None
            The author's past outcomes.
        rule_scores : Mapping[Category, float] or None
            The rules' score per category (0 or missing: no rule reason of
            that category). When given, a category with no rule reason is
            model-only evidence: it is held at :attr:`model_hold` instead of
            :attr:`hold`, toxicity without any harmful rule reason is held at
            :attr:`model_toxicity_hold`, and **only a rule score** at or
            above :attr:`reject` rejects (a classifier head, even backed by a
            weaker rule, can hold but never reject). ``None`` treats every
            score as rule evidence (and ``toxicity_reject`` applies).

        Returns
        -------
        Action
            REJECT when a category outside ``always_hold`` reaches its reject
            threshold with a rule score (without ``rule_scores``: with its
            score, or toxicity reaches ``toxicity_reject``) and no
            ``always_hold`` category reaches its hold threshold; HOLD when
            any hold threshold, the link limit or the repeat-offender rule is
            reached; APPROVE otherwise.
        """
        if any(reason.source == "engine" for reason in reasons):
            return Action.HOLD

        def score(category: Category) -> float:
            return scores.get(category, 0.0)

        if rule_scores is None:
            backed = frozenset(Category)
        else:
            backed = frozenset(c for c in Category if rule_scores.get(c, 0.0) > 0.0)
        hold = {
            c: self.hold[c] if c in backed else self.model_hold[c] for c in Category
        }
        harmful_rule = bool(backed & _HARMFUL)
        toxicity_hold = self.toxicity_hold if harmful_rule else self.model_toxicity_hold

        if any(score(c) >= hold[c] for c in self.always_hold):
            return Action.HOLD
        if rule_scores is None:
            rejected = toxicity >= self.toxicity_reject or any(
                score(c) >= self.reject[c]
                for c in Category
                if c not in self.always_hold
            )
        else:
            # Only a rule's own evidence (a span the author can be shown)
            # rejects; the classifier can send a comment to review, never
            # turn a review into a rejection.
            rejected = any(
                rule_scores.get(c, 0.0) >= self.reject[c]
                for c in Category
                if c not in self.always_hold
            )
        if rejected:
            return Action.REJECT
        if (
            any(score(c) >= hold[c] for c in Category)
            or toxicity >= toxicity_hold
            or link_count >= self.links_hold
        ):
            return Action.HOLD
        if (
            author_history is not None
            and author_history.rejected >= self.repeat_offender_rejections
            and author_history.rejected > author_history.approved
            and toxicity >= self.repeat_offender_toxicity
        ):
            return Action.HOLD
        return Action.APPROVE
