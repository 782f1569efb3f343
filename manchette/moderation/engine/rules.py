"""The rule side of the engine: small, pure, named rules.

Each rule implements :class:`protocols.Rule`: it reads a
:class:`normalize.NormalizedText` and yields :class:`types.Reason` objects whose
spans are offsets into the original text. Lexicons are compiled once, at import
of this module, into dict-based :class:`lexicons.matcher.Lexicon` objects; a rule
instance holds no per-call state.

Rather than memorising sentences, the rules combine general mechanisms:

- *co-occurrence windows* inside one sentence (violent act + human target +
  call to action for threats; group marker + dehumanising noun for hate;
  addressee + insult for insults);
- *negation scopes* (a negation shortly before the call cancels it);
- *frames* (reporting, quoting, condemnation) that turn a call into
  counter-speech or news;
- morphology instead of word forms (Arabic clitics and verb prefixes, French
  and English plurals, Arabizi transliteration, human-plural suffixes);
- *direct threats* read from one word's morphology: first person + future or
  intent marker + violent verb + object pronoun (``سأقتلك``, ``غانقتلك``,
  ``n9tlek``, ``nektlek``), plus "you're dead" and intimidation formulas;
- Arabizi *consonant skeletons* (:func:`normalize.arabizi_skeletons`), so
  one lexicon entry covers ``7mar``/``hmar``/``l7mar`` and both scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar

from manchette.moderation.engine.lexicons import hate, insult, sexual, spam, threat
from manchette.moderation.engine.lexicons.matcher import (
    OBJECT_SUFFIXES,
    Hit,
    Lexicon,
    SkeletonIndex,
    token_skeletons,
)
from manchette.moderation.engine.normalize import arabic_skeletons
from manchette.moderation.engine.types import Category, Reason, Span

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from manchette.moderation.engine.normalize import NormalizedText, Token
    from manchette.moderation.engine.protocols import Rule

__all__ = [
    "HateRule",
    "InsultRule",
    "PersonalDataRule",
    "SexualRule",
    "SpamRule",
    "ThreatIncitementRule",
    "count_links",
    "default_rules",
]


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------

_DARIJA_NEGATION = re.compile(r"^(?:ما|م)\w{2,}ش$|^ma[a-z0-9]{2,}(?:ch|sh|x)$")
_EN_CONTRACTIONS = frozenset(
    [
        "don",
        "doesn",
        "didn",
        "can",
        "won",
        "shouldn",
        "mustn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "couldn",
        "wouldn",
        "haven",
        "hasn",
        "ain",
    ]
)
_HUMAN_PLURAL = re.compile(
    r"^(?:\w{3,}(?:istes|iens|iennes|ains|aines|ards)"
    r"|\w{3,}(?:ists|ians|ites)"
    r"|ال\w{3,}(?:ين|ون)|l\w{3,}in)$"
)
_PLURAL_OBJECT = re.compile(r"\w{2,}(?:وهم|هم|هن|كم|هوم|ohom|houm|hom|hum)$")
_ABSTRACT = re.compile(
    r"\w{3,}(?:tion|tions|ite|ites|isme|ismes|ment|ments|ance|ences?)$"
)


def _is_negation(tokens: Sequence[Token], index: int) -> bool:
    token = tokens[index]
    if token.text in threat.NEGATION_WORDS or token.alt in threat.NEGATION_WORDS:
        return True
    if _DARIJA_NEGATION.match(token.text) or _DARIJA_NEGATION.match(token.alt):
        return True
    return (
        token.text == "t" and index > 0 and tokens[index - 1].text in _EN_CONTRACTIONS
    )


def _sentence_bounds(tokens: Sequence[Token], index: int) -> tuple[int, int]:
    """Return the first and last token indices of ``tokens[index]``'s sentence."""
    sentence = tokens[index].sentence
    lo = index
    while lo > 0 and tokens[lo - 1].sentence == sentence:
        lo -= 1
    hi = index
    while hi + 1 < len(tokens) and tokens[hi + 1].sentence == sentence:
        hi += 1
    return lo, hi


def _within(hits: Sequence[Hit], lo: int, hi: int) -> list[Hit]:
    return [h for h in hits if h.first >= lo and h.last <= hi]


def _overlaps(hits: Sequence[Hit], first: int, last: int) -> bool:
    return any(h.first <= last and h.last >= first for h in hits)


def _in_quotes(text: NormalizedText, first: int) -> bool:
    """Return whether token ``first`` sits inside double quotes in its sentence."""
    tokens = text.tokens
    lo, _ = _sentence_bounds(tokens, first)
    before = text.text[tokens[lo].start : tokens[first].start]
    sentence_head = text.text[max(0, tokens[lo].start - 2) : tokens[lo].start]
    return (before.count('"') + sentence_head.count('"')) % 2 == 1


def _negated_before(
    tokens: Sequence[Token], lo: int, hi: int, skip: Hit | None
) -> bool:
    """Return whether a negation lies in tokens ``[lo, hi)`` (outside ``skip``)."""
    for index in range(max(lo, 0), hi):
        if skip is not None and skip.first <= index <= skip.last:
            continue
        if _is_negation(tokens, index):
            return True
    return False


def _reason(
    text: NormalizedText,
    source: str,
    category: Category,
    score: float,
    first: int,
    last: int,
    detail: str,
) -> Reason:
    return Reason(
        source=source,
        category=category,
        score=round(min(max(score, 0.0), 1.0), 4),
        span=text.token_span(first, last),
        detail=detail,
    )


# ---------------------------------------------------------------------------
# Threat and incitement
# ---------------------------------------------------------------------------

_VIOLENT = Lexicon(threat.VIOLENT)
_IMPERATIVE = Lexicon(threat.IMPERATIVE_VIOLENT)
_COERCIVE = Lexicon(threat.COERCIVE)
_PROPERTY = Lexicon(threat.PROPERTY)
_PEOPLE = Lexicon(threat.PEOPLE)
_DETERMINERS = Lexicon(threat.DETERMINERS)
_MODALITY = Lexicon(threat.MODALITY)
_MODALITY_TARGET = Lexicon(threat.MODALITY_WITH_TARGET)
_DEATH_TO = Lexicon(threat.DEATH_TO)
_NEGATION_PHRASES = Lexicon(threat.NEGATION_PHRASES)
_REPORTING = Lexicon(threat.REPORTING)
_CONDEMNATION = Lexicon(threat.CONDEMNATION)
_IDIOMS = Lexicon(threat.IDIOMS)
_THREAT_REPORTING = Lexicon((*threat.REPORTING, *threat.REPORTED_THREAT))
_THREAT_CONDEMNATION = Lexicon((*threat.CONDEMNATION, *threat.CONSEQUENCES))
_PLAY = Lexicon(threat.PLAY_GAMES)
_DEAD_ADDRESS = Lexicon(threat.DEAD_ADDRESS)
_WILL_DIE = Lexicon(threat.WILL_DIE)
_INTIMIDATION = Lexicon(threat.INTIMIDATION)
_PLAY_ARTICLES = frozenset(
    ["la", "le", "les", "l", "the", "a", "une", "un", "ma", "my"]
)
_DEATH_NEEDS_L = frozenset({"الموت", "lmout"})
_PUT_TO = frozenset({"mis", "mise", "mises", "put", "peine"})
_WEAK_DETERMINERS = frozenset({"les", "the", "ال"})
_EN_IMPERATIVE_OPENERS = frozenset(
    ["just", "so", "now", "go", "please", "pls", "and", "then"]
)
_MAX_CALL_GAP = 10
_TARGET_REACH = 6


@dataclass(frozen=True, slots=True)
class _Context:
    """Everything the threat rule looks up once per text."""

    modality: list[Hit]
    modality_target: list[Hit]
    people: list[Hit]
    determiners: list[Hit]
    negations: list[Hit]
    reporting: list[Hit]
    condemnation: list[Hit]
    idioms: list[Hit]
    play: list[Hit]


def _target_strength(
    text: NormalizedText, ctx: _Context, act: Hit, lo: int, hi: int
) -> tuple[float, int, int]:
    """Return ``(strength, first, last)`` of the best human target near ``act``.

    Strength is 1.0 for people nouns, pronouns and counts of people, 0.8 for
    words shaped like human plurals (``-istes``, ``ال...ين``), 0.7 for a
    demonstrative or quantifier plus a noun, 0.4 for a plain definite article
    plus a noun, 0.0 when nothing looks human.
    """
    tokens = text.tokens
    best = (0.0, act.first, act.last)

    def consider(strength: float, first: int, last: int) -> None:
        nonlocal best
        if strength > best[0]:
            best = (strength, first, last)
        elif strength == best[0] > 0.0:
            best = (strength, min(first, best[1]), max(last, best[2]))

    determiner_ends = {d.last: d.first for d in ctx.determiners}
    for hit in _within(ctx.people, lo, hi):
        first = determiner_ends.get(hit.first - 1, hit.first)
        consider(1.0, max(first, lo), hit.last)
    for hit in _within(ctx.modality_target, lo, hi):
        consider(1.0, hit.first, hit.last)
    if act.suffix in OBJECT_SUFFIXES or _PLURAL_OBJECT.search(tokens[act.last].text):
        consider(1.0, act.first, act.last)
    first_token = tokens[act.first]
    if not first_token.arabic:
        for back in (1, 2):
            index = act.first - back
            if index >= lo and tokens[index].text in threat.FRENCH_CLITICS:
                consider(1.0, index, act.last)
        for ahead in (1, 2):
            index = act.last + ahead
            if index <= hi and tokens[index].text in threat.ENGLISH_OBJECTS:
                consider(1.0, act.first, index)
    for index in range(lo, hi + 1):
        word = tokens[index].text
        if word.isdigit() and index + 1 <= hi and not tokens[index + 1].text.isdigit():
            consider(0.9, index, index + 1)
        elif (
            _HUMAN_PLURAL.match(word)
            and not _ABSTRACT.match(word)
            and index != act.first
        ):
            consider(0.8, index, index)
    for hit in _within(ctx.determiners, lo, hi):
        noun = hit.last + 1
        if noun > hi or noun == act.first or _ABSTRACT.match(tokens[noun].text):
            continue
        strength = 0.4 if tokens[hit.first].text in _WEAK_DETERMINERS else 0.7
        consider(strength, hit.first, noun)
    return best


def _framed(
    ctx: _Context, sent_lo: int, sent_hi: int, call_first: int, act: Hit
) -> bool:
    """Return whether the call is reported, attributed or condemned."""
    if any(h.last < act.first for h in _within(ctx.reporting, sent_lo, sent_hi)):
        return True
    return any(
        h.first > call_first for h in _within(ctx.condemnation, sent_lo, sent_hi)
    )


def _find_modality(
    tokens: Sequence[Token], ctx: _Context, act: Hit, sent_lo: int
) -> Hit | None:
    """Return the nearest call to action governing ``act``, if any."""
    best: Hit | None = None
    for hit in (*ctx.modality, *ctx.modality_target):
        if hit.last >= act.first or hit.first < sent_lo:
            continue
        if act.first - hit.last > _MAX_CALL_GAP:
            continue
        gap = range(hit.last + 2, act.first)
        if any(tokens[i].text in threat.BREAKS for i in gap):
            continue
        if best is None or hit.last > best.last:
            best = hit
    return best


def _english_imperative(tokens: Sequence[Token], act: Hit, sent_lo: int) -> bool:
    if tokens[act.first].arabic:
        return False
    index = act.first - 1
    while index >= sent_lo and tokens[index].text in _EN_IMPERATIVE_OPENERS:
        index -= 1
    return index < sent_lo and tokens[act.first].text in {
        "kill",
        "hang",
        "shoot",
        "burn",
        "stab",
        "lynch",
        "slaughter",
        "behead",
        "murder",
        "exterminate",
        "eliminate",
        "execute",
        "bomb",
        "gas",
    }


def _stem_weights() -> dict[str, float]:
    out: dict[str, float] = {}
    for raw in threat.DIRECT_STEMS:
        term, _, weight = raw.partition("|")
        out[term] = float(weight) if weight else 1.0
    return out


_DIRECT_WEIGHTS = _stem_weights()
#: Stems whose third-person use is ordinary (a sheep is slaughtered, bread is
#: cut, the dead are buried): direct threats with them need "you".
_THIRD_PERSON_MIN_WEIGHT = 0.9
_THIRD_PERSON_EXCLUDED = frozenset(["ذبح", "دبح", "نحر"])
_AR_DIRECT = re.compile(
    r"^[وف]?(?P<fut>س|غا|غ|ل)?(?P<per>[نا])(?P<stem>"
    + "|".join(sorted(_DIRECT_WEIGHTS, key=len, reverse=True))
    + r")(?P<emph>ن)?(?P<obj>كوم|كم|كو|كي|ك|هوم|هم|ها|ه|و)$"
)
_AR_SECOND = frozenset(["ك", "كم", "كو", "كي", "كوم"])


def _latin_direct_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    skeletons: dict[str, str] = {}
    for stem in _DIRECT_WEIGHTS:
        for skeleton in arabic_skeletons(stem):
            # Two-letter skeletons (صفي sf, طعن tn) would turn Latin names
            # into threats ("netanyahu" is n + tn + h): Arabic script only.
            if (
                len(skeleton) >= _MIN_LATIN_STEM
                and skeleton.isalpha()
                and skeleton == skeleton.translate(_NO_SEMIVOWELS)
            ):
                skeletons.setdefault(skeleton, stem)
    pattern = re.compile(
        r"^(?P<fut>G)?n(?P<stem>"
        + "|".join(sorted(skeletons, key=len, reverse=True))
        + r")(?P<obj>km|k|hm|h)$"
    )
    return pattern, skeletons


_NO_SEMIVOWELS = str.maketrans({"w": None, "y": None})
_MIN_LATIN_STEM = 3
#: Latin endings that spell a third-person object ("n9tlha", "n9tlhom").
_LATIN_THIRD_ENDINGS = ("ha", "hom", "houm", "hum")
_LATIN_DIRECT, _LATIN_DIRECT_STEMS = _latin_direct_pattern()


@dataclass(frozen=True, slots=True)
class _DirectThreat:
    """A one-word direct threat: first person + violent verb + object."""

    hit: Hit
    second_person: bool
    has_future: bool
    needs_marker: bool


def _latin_direct_match(token: Token) -> re.Match[str] | None:
    for skeleton in token_skeletons(token.text, token.alt):
        match = _LATIN_DIRECT.match(skeleton)
        if match is not None:
            return match
    return None


def _direct_candidates(text: NormalizedText) -> list[_DirectThreat]:
    """Find first person + violent verb + object pronoun words in ``text``.

    Arabic script: ``[و|ف] [س|غا|غ|ل] (ن|ا) STEM [ن] OBJECT``, e.g.
    ``سأقتلك``, ``سنقتلكم``, ``غانقتلك``, ``لأقتلنك``, ``نذبحك``. Latin
    script: the same on the core skeleton, ``[gh] n STEM (k|km|h|hm)``,
    e.g. ``n9tlek``, ``nqtlek``, ``nektlek``, ``n9otlek``, ``ghan9tlek``.
    A negation circumfix (``...ش``, ``...ch``) makes the word not match.
    """
    found: list[_DirectThreat] = []
    for index, token in enumerate(text.tokens):
        if token.arabic:
            match = _AR_DIRECT.match(token.text)
            if match is None:
                continue
            stem, obj = match["stem"], match["obj"]
            fut, per = match["fut"] or "", match["per"]
            if match["emph"] and fut != "ل":
                continue
            second = obj in _AR_SECOND
            needs_marker = (per == "ا" and not fut) or (obj == "و" and not fut)
        else:
            first = token.text[:1]
            if first not in {"n", "g"} or len(token.text) < 5:
                continue
            latin = _latin_direct_match(token)
            if latin is None:
                continue
            match = latin
            stem = _LATIN_DIRECT_STEMS[match["stem"]]
            obj, fut = match["obj"], match["fut"] or ""
            second = obj.startswith("k")
            if not second and not token.text.endswith(_LATIN_THIRD_ENDINGS):
                continue
            needs_marker = False
        weight = _DIRECT_WEIGHTS[stem]
        if not second and (
            weight < _THIRD_PERSON_MIN_WEIGHT or stem in _THIRD_PERSON_EXCLUDED
        ):
            continue
        found.append(
            _DirectThreat(
                Hit(index, index, stem, weight),
                second_person=second,
                has_future=bool(fut),
                needs_marker=needs_marker,
            )
        )
    return found


def _intent_marker(tokens: Sequence[Token], index: int, sent_lo: int) -> int | None:
    """Return the index of an intent/future word up to three words before."""
    for back in range(index - 1, max(sent_lo, index - 3) - 1, -1):
        if tokens[back].text in threat.INTENT_MARKERS:
            return back
    return None


def _overlaps_seen(seen: set[tuple[int, int]], hit: Hit) -> bool:
    return any(first <= hit.last and last >= hit.first for first, last in seen)


def _at_play(text: NormalizedText, ctx: _Context, sent_lo: int, sent_hi: int) -> bool:
    """Return whether the sentence is about a game ("au FIFA", "فالماتش")."""
    tokens = text.tokens
    for hit in _within(ctx.play, sent_lo, sent_hi):
        word = tokens[hit.first]
        if word.arabic and word.text.startswith(("ف", "ب")) and len(word.text) > 3:
            return True
        before = hit.first - 1
        if before >= sent_lo and tokens[before].text in _PLAY_ARTICLES:
            before -= 1
        if before >= sent_lo and tokens[before].text in threat.PLAY_PREPOSITIONS:
            return True
    return False


_CONDITION_REACH = 4


def _hypothetical(
    text: NormalizedText, sent_lo: int, call_first: int, act: int
) -> bool:
    """Return whether the act sits right inside an if-clause ("si je te tue")."""
    tokens = text.tokens
    for index in range(max(sent_lo, act - _CONDITION_REACH), min(call_first, act) + 1):
        word = tokens[index].text
        if word == "s" and index + 1 < len(tokens):
            word = "si" if tokens[index + 1].text in {"il", "ils"} else word
        if word not in threat.CONDITIONALS or index == act:
            continue
        between = text.text[tokens[index].end : tokens[act].start]
        if "," not in between:
            return True
    return False


def _is_question(text: NormalizedText, sent_hi: int) -> bool:
    end = text.tokens[sent_hi].end
    return any(mark in text.text[end : end + 4] for mark in "?؟")


_FIGURATIVE_PREFIXES = ("بال", "ب", "من", "ف")


def _figurative_after(text: NormalizedText, hit: Hit, sent_hi: int) -> bool:
    """Return whether the next word makes the formula figurative ("mort de rire").

    A vocative after it ("rak mayet a sahbi", "you're dead ya ...") does not.
    """
    if hit.last >= sent_hi:
        return False
    follower = text.tokens[hit.last + 1]
    if follower.text in insult.VOCATIVES or (
        text.arabizi and follower.text in insult.VOCATIVES_WITH_ARTICLE
    ):
        return False
    if follower.text in threat.FIGURATIVE_COMPLEMENTS:
        return True
    return (
        follower.arabic
        and len(follower.text) > 3
        and follower.text.startswith(_FIGURATIVE_PREFIXES)
    )


_FORMULAS: tuple[tuple[str, Lexicon], ...] = (
    ("dead", _DEAD_ADDRESS),
    ("will_die", _WILL_DIE),
    ("intimidation", _INTIMIDATION),
)
_FORMULA_SCORES = {"dead": 0.6, "will_die": 0.55, "intimidation": 0.55}
_FORMULA_DETAILS = {
    "dead": "'you are dead' threat formula",
    "will_die": "'you will die' threat formula",
    "intimidation": "intimidation",
}


class ThreatIncitementRule:
    """Calls to violence against people, and lesser calls to coercion.

    Fires when, inside one sentence, a violent act (verb or noun, any of fr /
    ar / Darija / Arabizi / en) is governed by a call to action (obligation,
    exhortation, intention, imperative, "death to ...") and has a human target
    (people noun, pronoun, count of people, human-plural noun, demonstrative
    plus noun). Does not fire when a negation precedes the call, when the call
    is reported, attributed or condemned (counter-speech), when the act is a
    past event (auxiliary + participle), or inside a known idiom. Coercion
    (seizing property, deporting, expelling) aimed at people scores 0.5: below
    the violence scores, enough for human review.
    """

    name: str = "threat_incitement"
    _COERCION_SCORE: ClassVar[float] = 0.5

    def apply(self, text: NormalizedText, language: str) -> Iterator[Reason]:
        """Yield threat/incitement reasons (see the class docstring)."""
        del language  # All languages are checked: comments mix them freely.
        violent = _VIOLENT.find(text)
        imperative = _IMPERATIVE.find(text)
        coercive = _COERCIVE.find(text)
        death = _DEATH_TO.find(text)
        direct = _direct_candidates(text)
        formulas = [
            (hit, kind) for kind, lexicon in _FORMULAS for hit in lexicon.find(text)
        ]
        if not (violent or imperative or coercive or death or direct or formulas):
            return
        ctx = _Context(
            modality=_MODALITY.find(text),
            modality_target=_MODALITY_TARGET.find(text),
            people=_PEOPLE.find(text),
            determiners=_DETERMINERS.find(text),
            negations=_NEGATION_PHRASES.find(text),
            reporting=_THREAT_REPORTING.find(text),
            condemnation=_THREAT_CONDEMNATION.find(text),
            idioms=_IDIOMS.find(text),
            play=_PLAY.find(text),
        )
        acts = [(hit, False) for hit in violent] + [(hit, True) for hit in imperative]
        seen: set[tuple[int, int]] = set()
        for act, self_modal in sorted(acts, key=lambda pair: pair[0].first):
            reason = self._violence(text, ctx, act, self_modal=self_modal)
            if reason is not None and (act.first, act.last) not in seen:
                seen.add((act.first, act.last))
                yield reason
        for candidate in direct:
            if _overlaps_seen(seen, candidate.hit):
                continue
            reason = self._direct(text, ctx, candidate)
            if reason is not None:
                seen.add((candidate.hit.first, candidate.hit.last))
                yield reason
        for hit, kind in formulas:
            if _overlaps_seen(seen, hit):
                continue
            reason = self._formula(text, ctx, hit, kind)
            if reason is not None:
                seen.add((hit.first, hit.last))
                yield reason
        for hit in death:
            reason = self._death_to(text, ctx, hit)
            if reason is not None:
                yield reason
        for act in coercive:
            reason = self._coercion(text, ctx, act)
            if reason is not None:
                yield reason

    def _blocked(
        self,
        text: NormalizedText,
        ctx: _Context,
        act: Hit,
        call: Hit,
        sent: tuple[int, int],
    ) -> bool:
        tokens = text.tokens
        sent_lo, sent_hi = sent
        call_first = min(call.first, act.first)
        if _overlaps(ctx.idioms, act.first, act.last):
            return True
        if _negated_before(tokens, max(sent_lo, call_first - 3), act.first, skip=call):
            return True
        if any(
            h.first >= max(sent_lo, call_first - 3) and h.first < act.first
            for h in ctx.negations
        ):
            return True
        if _framed(ctx, sent_lo, sent_hi, call_first, act):
            return True
        if _at_play(text, ctx, sent_lo, sent_hi):
            return True
        if _hypothetical(text, sent_lo, call_first, act.first):
            return True
        return _in_quotes(text, call_first) and bool(
            _within(ctx.reporting, sent_lo, sent_hi)
            or _within(ctx.condemnation, sent_lo, sent_hi)
        )

    def _violence(
        self, text: NormalizedText, ctx: _Context, act: Hit, *, self_modal: bool
    ) -> Reason | None:
        tokens = text.tokens
        sent_lo, sent_hi = _sentence_bounds(tokens, act.first)
        previous = act.first - 1
        if (
            not self_modal
            and previous >= sent_lo
            and tokens[previous].text in threat.AUXILIARIES
        ):
            return None
        call: Hit | None
        if self_modal or _english_imperative(tokens, act, sent_lo):
            call = act
        else:
            call = _find_modality(tokens, ctx, act, sent_lo)
        if call is None:
            return None
        if self._blocked(text, ctx, act, call, (sent_lo, sent_hi)):
            return None
        lo = max(sent_lo, min(call.first, act.first) - _TARGET_REACH)
        hi = min(sent_hi, act.last + _TARGET_REACH)
        strength, t_first, t_last = _target_strength(text, ctx, act, lo, hi)
        if strength < 0.7 and act.weight < 1.0:
            return None
        if strength <= 0.0:
            return None
        score = act.weight * (0.45 + 0.5 * strength)
        first = min(call.first, act.first, t_first)
        last = max(act.last, t_last)
        return _reason(
            text,
            self.name,
            Category.THREAT_INCITEMENT,
            score,
            first,
            last,
            f"call to violence ({act.term!r}) against a human target",
        )

    def _direct(
        self, text: NormalizedText, ctx: _Context, candidate: _DirectThreat
    ) -> Reason | None:
        tokens = text.tokens
        act = candidate.hit
        sent_lo, sent_hi = _sentence_bounds(tokens, act.first)
        marker = _intent_marker(tokens, act.first, sent_lo)
        if candidate.needs_marker and marker is None:
            return None
        call = (
            Hit(marker, marker, tokens[marker].text, 1.0) if marker is not None else act
        )
        if self._blocked(text, ctx, act, call, (sent_lo, sent_hi)):
            return None
        if candidate.second_person:
            strength = 0.95 if marker is not None or candidate.has_future else 0.9
            who = "the addressee"
        else:
            strength, who = 0.85, "a third person"
        return _reason(
            text,
            self.name,
            Category.THREAT_INCITEMENT,
            act.weight * strength,
            min(call.first, act.first),
            act.last,
            f"direct threat ({act.term!r}, first person future) against {who}",
        )

    def _formula(
        self, text: NormalizedText, ctx: _Context, hit: Hit, kind: str
    ) -> Reason | None:
        """Score "you're dead", "you will die" and intimidation formulas."""
        tokens = text.tokens
        sent_lo, sent_hi = _sentence_bounds(tokens, hit.first)
        if self._blocked(text, ctx, hit, hit, (sent_lo, sent_hi)):
            return None
        if _is_question(text, sent_hi) or _figurative_after(text, hit, sent_hi):
            return None
        if kind == "will_die":
            conditional = any(
                tokens[i].text in threat.CONDITIONALS for i in range(sent_lo, hit.first)
            )
            follower = tokens[hit.last + 1].text if hit.last < sent_hi else ""
            if conditional or not (
                hit.last == sent_hi
                or follower in insult.VOCATIVES
                or follower in insult.VOCATIVES_WITH_ARTICLE
            ):
                return None
        return _reason(
            text,
            self.name,
            Category.THREAT_INCITEMENT,
            _FORMULA_SCORES[kind] * hit.weight,
            hit.first,
            hit.last,
            f"{_FORMULA_DETAILS[kind]} ({hit.term!r})",
        )

    def _death_to(self, text: NormalizedText, ctx: _Context, hit: Hit) -> Reason | None:
        tokens = text.tokens
        sent_lo, sent_hi = _sentence_bounds(tokens, hit.first)
        if hit.last + 1 > sent_hi and hit.term not in {"au poteau", "a mort"}:
            return None
        follower = tokens[hit.last + 1] if hit.last + 1 < len(tokens) else None
        if hit.term in _DEATH_NEEDS_L and not (
            follower is not None
            and follower.text.startswith(("ل", "l"))
            and len(follower.text) >= 3
            and not _is_negation(tokens, hit.last + 1)
        ):
            return None
        if self._blocked(text, ctx, hit, hit, (sent_lo, sent_hi)):
            return None
        before = hit.first - 1
        if before >= sent_lo and (
            tokens[before].text.startswith(("condamn", "sentenc"))
            or tokens[before].text in _PUT_TO
        ):
            return None  # "condamnés à mort", "mis à mort": news
        lo, hi = hit.first, min(sent_hi, hit.last + 3)
        if follower is None or hit.last == sent_hi:
            # A closing slogan ("ces traîtres, au poteau") names its target
            # before it.
            lo = max(sent_lo, hit.first - _TARGET_REACH)
        strength, _, t_last = _target_strength(text, ctx, hit, lo, hi)
        if strength <= 0.0 and hit.last + 1 <= sent_hi:
            strength = 0.7
        if strength <= 0.0:
            return None
        return _reason(
            text,
            self.name,
            Category.THREAT_INCITEMENT,
            0.45 + 0.5 * strength,
            hit.first,
            max(hit.last, t_last),
            f"death slogan ({hit.term!r})",
        )

    def _coercion(self, text: NormalizedText, ctx: _Context, act: Hit) -> Reason | None:
        tokens = text.tokens
        sent_lo, sent_hi = _sentence_bounds(tokens, act.first)
        call = _find_modality(tokens, ctx, act, sent_lo)
        if call is None or self._blocked(text, ctx, act, call, (sent_lo, sent_hi)):
            return None
        hi = min(sent_hi, act.last + _TARGET_REACH)
        lo = max(sent_lo, act.first - 2)
        owned = _within(_PROPERTY.find(text), act.last + 1, hi)
        strength, t_first, t_last = _target_strength(text, ctx, act, lo, hi)
        if owned:
            t_last = max(t_last, owned[0].last)
            strength = max(strength, 0.7)
        if strength < 0.7:
            return None
        return _reason(
            text,
            self.name,
            Category.THREAT_INCITEMENT,
            self._COERCION_SCORE,
            min(call.first, t_first, act.first),
            max(act.last, t_last),
            f"call to coercion ({act.term!r}) against people or their property",
        )


# ---------------------------------------------------------------------------
# Hate
# ---------------------------------------------------------------------------

_SLURS = Lexicon(hate.SLURS)
_DEHUMANISING = Lexicon(hate.DEHUMANISING)
_GROUP_MARKERS = Lexicon(hate.GROUP_MARKERS)
_GROUP_PREDICATES = Lexicon(hate.GROUP_PREDICATES)
_DIRTY = Lexicon(hate.DIRTY)
_EXCLUSION = Lexicon(hate.EXCLUSION)
_INSULTS = Lexicon((*insult.INSULTS, *insult.ADDRESSED_FORMS))
_MENTION = Lexicon(insult.MENTION)


def _is_group(text: NormalizedText, index: int, people: Sequence[Hit]) -> bool:
    if index >= len(text.tokens):
        return False
    return any(h.first == index for h in people) or bool(
        _HUMAN_PLURAL.match(text.tokens[index].text)
    )


class HateRule:
    """Slurs, dehumanising language aimed at groups, generalisations, exclusion.

    A slur scores by its weight (halved when quoted, mentioned or condemned).
    A dehumanising noun (rats, vermin, insects, disease) scores only when
    aimed at a group: 0.7 with a demonstrative or predicate ("ces rats", "they
    are"), 0.9 with a group noun nearby. "sale"/"dirty" + group, "les X sont
    des" + insult, and exclusion slogans ("dehors les ...") are also caught.
    """

    name: str = "hate"

    def apply(self, text: NormalizedText, language: str) -> Iterator[Reason]:
        """Yield hate reasons (see the class docstring)."""
        del language
        slurs = _SLURS.find(text)
        dehumanising = _DEHUMANISING.find(text)
        dirty = _DIRTY.find(text)
        exclusion = _EXCLUSION.find(text)
        predicates = _GROUP_PREDICATES.find(text)
        if not (slurs or dehumanising or dirty or exclusion or predicates):
            return
        tokens = text.tokens
        people = _PEOPLE.find(text)
        condemnation = _CONDEMNATION.find(text) + _REPORTING.find(text)
        mentions = _MENTION.find(text)

        def softened(first: int) -> bool:
            lo, hi = _sentence_bounds(tokens, first)
            return (
                _in_quotes(text, first)
                or bool(_within(condemnation, lo, hi))
                or any(lo <= h.last < first for h in mentions)
                or _negated_before(tokens, max(lo, first - 3), first, skip=None)
            )

        for hit in slurs:
            score = 0.95 * hit.weight
            if softened(hit.first):
                score *= 0.5
            yield _reason(
                text,
                self.name,
                Category.HATE,
                score,
                hit.first,
                hit.last,
                f"slur ({hit.term!r})",
            )
        markers = _GROUP_MARKERS.find(text)
        for hit in dehumanising:
            lo, hi = _sentence_bounds(tokens, hit.first)
            marked = any(
                m.last < hit.first and hit.first - m.last <= 3 for m in markers
            )
            near = [p for p in _within(people, lo, hi) if abs(p.first - hit.first) <= 6]
            if not (marked or near):
                continue
            score = (0.9 if near else 0.7) * hit.weight
            if softened(hit.first):
                score *= 0.4
            first = min([hit.first, *(p.first for p in near)])
            last = max([hit.last, *(p.last for p in near)])
            yield _reason(
                text,
                self.name,
                Category.HATE,
                score,
                first,
                last,
                f"dehumanising term ({hit.term!r}) aimed at a group",
            )
        for hit in dirty:
            if _is_group(text, hit.last + 1, people) and not softened(hit.first):
                yield _reason(
                    text,
                    self.name,
                    Category.HATE,
                    0.9,
                    hit.first,
                    hit.last + 1,
                    "'dirty' + group of people",
                )
        insults = _INSULTS.find(text)
        for pred in predicates:
            subject = [p for p in people if 0 <= pred.first - p.last <= 2]
            insulting = [
                h for h in (*insults, *dehumanising) if 0 < h.first - pred.last <= 3
            ]
            if subject and insulting and not softened(pred.first):
                yield _reason(
                    text,
                    self.name,
                    Category.HATE,
                    0.85,
                    subject[0].first,
                    insulting[0].last,
                    "generalisation insulting a group",
                )
        for hit in exclusion:
            _, hi = _sentence_bounds(tokens, hit.first)
            target = [p for p in people if hit.last < p.first <= hit.last + 4]
            if (target or hit.last == hi) and not softened(hit.first):
                yield _reason(
                    text,
                    self.name,
                    Category.HATE,
                    0.5,
                    hit.first,
                    target[0].last if target else hit.last,
                    f"exclusion of a group ({hit.term!r})",
                )


# ---------------------------------------------------------------------------
# Insults
# ---------------------------------------------------------------------------

_ADDRESS = Lexicon(insult.ADDRESS)
_PREDICATE = Lexicon(insult.PREDICATE)
_ADDRESSED_WORDS = frozenset({"you", "ta", "ton", "toi", "te"})
_ADDRESSED_TERMS = frozenset(e.partition("|")[0] for e in insult.ADDRESSED_FORMS)
_DARIJA_SKELETONS = SkeletonIndex(insult.DARIJA_INSULTS)
_ADDRESSED_SKELETONS = SkeletonIndex(
    e for e in insult.ADDRESSED_FORMS if " " not in e.partition("|")[0]
)
#: Second-person words of Darija (both scripts) that address a skeleton match.
_DARIJA_ADDRESS = (
    insult.VOCATIVES
    | frozenset(["nta", "nti", "ntoma", "ntouma", "enta", "inta", "enti", "inti"])
    | frozenset(["rak", "raki", "rakom", "انت", "انتي", "نتا", "نتي", "راك", "راكي"])
)
_LATIN_ARTICLE = re.compile(r"^(?:l|el|al)[a-z0-9]{3,}$")


def _vocative(tokens: Sequence[Token], index: int, lo: int) -> bool:
    """Return whether ``tokens[index]`` is called out: "ya 7mar", "a lhmar"."""
    before = index - 1
    if before < lo:
        return False
    particle = tokens[before].text
    if particle in insult.VOCATIVES:
        return True
    if particle not in insult.VOCATIVES_WITH_ARTICLE:
        return False
    word = tokens[index]
    if word.arabic:
        return word.text.startswith("ال")
    return bool(_LATIN_ARTICLE.match(word.text) or _LATIN_ARTICLE.match(word.alt))


class InsultRule:
    """Insults aimed at a person.

    Score from the word's weight *w* and its context: addressed ("t'es un",
    "you", "انت", "ya") ``0.5 + 0.45 w``; predicated of a third party ("X est
    un") ``0.45 + 0.35 w``; bare ``0.65 w``. Negated ("t'es pas con") scores
    x0.4; mentioned or quoted ("il m'a traité de ...") at most 0.35.
    """

    name: str = "insult"

    def apply(self, text: NormalizedText, language: str) -> Iterator[Reason]:
        """Yield insult reasons (see the class docstring)."""
        del language
        exact = _INSULTS.find(text)
        loose = [
            h
            for h in (*_ADDRESSED_SKELETONS.find(text), *_DARIJA_SKELETONS.find(text))
            if not _overlaps(exact, h.first, h.last)
        ]
        if not (exact or loose):
            return
        tokens = text.tokens
        address = _ADDRESS.find(text)
        predicates = _PREDICATE.find(text)
        mentions = _MENTION.find(text)
        skeleton_only = {(h.first, h.last) for h in loose}
        addressed_ends: set[int] = set()
        taken: set[int] = set()
        for hit in sorted((*exact, *loose), key=lambda h: h.first):
            if hit.first in taken:
                continue
            lo, _ = _sentence_bounds(tokens, hit.first)
            w = hit.weight
            inherent = hit.term in _ADDRESSED_TERMS or any(
                word in _ADDRESSED_WORDS for word in hit.term.split()
            )
            darija = (
                inherent
                or _vocative(tokens, hit.first, lo)
                or any(
                    tokens[i].text in _DARIJA_ADDRESS
                    for i in range(max(lo, hit.first - 2), hit.first)
                )
                or (
                    hit.first - 2 >= lo
                    and tokens[hit.first - 1].text in insult.CONJUNCTIONS
                    and hit.first - 2 in addressed_ends
                )
            )
            if (hit.first, hit.last) in skeleton_only and not darija:
                continue
            taken.update(range(hit.first, hit.last + 1))
            addressed = darija or any(
                lo <= a.last < hit.first and hit.first - a.last <= 3 for a in address
            )
            if addressed:
                addressed_ends.add(hit.last)
            predicated = any(
                lo <= p.last < hit.first and hit.first - p.last <= 3 for p in predicates
            )
            if addressed:
                score, how = 0.5 + 0.45 * w, "addressed insult"
            elif predicated:
                score, how = 0.45 + 0.35 * w, "insult aimed at someone"
            else:
                score, how = 0.65 * w, "insulting word"
            if _negated_before(tokens, max(lo, hit.first - 3), hit.first, skip=None):
                score *= 0.4
                how += ", negated"
            if _in_quotes(text, hit.first) or any(
                lo <= m.last < hit.first and hit.first - m.last <= 4 for m in mentions
            ):
                score = min(score, 0.35)
                how += ", mentioned"
            yield _reason(
                text,
                self.name,
                Category.INSULT,
                score,
                hit.first,
                hit.last,
                f"{how} ({hit.term!r})",
            )


# ---------------------------------------------------------------------------
# Sexual content
# ---------------------------------------------------------------------------

_SEXUAL = Lexicon(sexual.SEXUAL)
_SOLICITATION = Lexicon(sexual.SOLICITATION)


class SexualRule:
    """Explicit sexual vocabulary and solicitation.

    A word scores ``0.95 w`` when its weight is at least 0.8, else ``0.7 w``;
    several distinct words in one text add up (noisy-or); solicitation phrases
    score 0.95.
    """

    name: str = "sexual"

    def apply(self, text: NormalizedText, language: str) -> Iterator[Reason]:
        """Yield sexual-content reasons (see the class docstring)."""
        del language
        hits = _SEXUAL.find(text)
        solicit = _SOLICITATION.find(text)
        if not (hits or solicit):
            return
        for hit in solicit:
            yield _reason(
                text,
                self.name,
                Category.SEXUAL,
                0.95,
                hit.first,
                hit.last,
                f"sexual solicitation ({hit.term!r})",
            )
        remaining = 1.0
        for hit in hits:
            score = (0.95 if hit.weight >= 0.8 else 0.7) * hit.weight
            remaining *= 1.0 - score
        combined = 1.0 - remaining
        for hit in hits:
            yield _reason(
                text,
                self.name,
                Category.SEXUAL,
                combined,
                hit.first,
                hit.last,
                f"sexual term ({hit.term!r})",
            )


# ---------------------------------------------------------------------------
# Spam
# ---------------------------------------------------------------------------

_URL = re.compile(
    r"(?i)\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|fr|ma|io|co|me|ly|gl|gd"
    r"|xyz|info|biz|top|site|online|shop|club|app|link|ee|at|gy|cc|in|id|st|tk|ru)"
    r"\b(?:/[^\s<>\"']*)?"
)
_SHORTENER = re.compile(
    r"(?i)(?<![\w.])(?:https?://)?(?:www\.)?(?:"
    + "|".join(re.escape(domain) for domain in spam.SHORTENERS)
    + r")(?:/|\b)"
)
_EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PROMOTION = Lexicon(spam.PROMOTION)
_CONTACT = Lexicon(spam.CONTACT)
_SPACE_DIGITS = re.compile(r"(?:\+|00)?\d(?:[\s.-]?\d){7,14}")
_REPEAT_CHAR = re.compile(r"(\S)\1{9,}")
_THIRD_PARTY_REACH = 3
_ANY_DIGIT = re.compile(r"\d")  # what the \d-based patterns below can match


def _contact_aimed_elsewhere(text: NormalizedText, hit: Hit) -> bool:
    """Whether an invitation to get in touch is aimed at a third person.

    True when one of the (at most three) tokens after the contact word is a
    third-person object or demonstrative ("appelez-le", "call him", "اتصلوا
    به", "appelez ce traître"), see :data:`lexicons.spam.THIRD_PARTY_OBJECTS`,
    unless a number word follows it ("call this number", "appelez la
    hotline": :data:`lexicons.spam.NUMBER_WORDS`).
    """
    tokens = text.tokens
    stop = min(len(tokens), hit.last + 1 + _THIRD_PARTY_REACH)
    for i in range(hit.last + 1, stop):
        if tokens[i].text in spam.THIRD_PARTY_OBJECTS:
            # "call this number", "appelez la hotline": an advert's own line.
            after = tokens[i + 1].text if i + 1 < len(tokens) else ""
            return after not in spam.NUMBER_WORDS
    return False


def _names_third_party_number(text: NormalizedText) -> bool:
    """Whether the text says a number or address is someone else's ("son numéro").

    See :data:`lexicons.spam.THIRD_PARTY_NUMBER` (single tokens and pairs).
    """
    words = [token.text for token in text.tokens]
    cues = spam.THIRD_PARTY_NUMBER
    return any(word in cues for word in words) or any(
        f"{a} {b}" in cues for a, b in pairwise(words)
    )


def count_links(text: str) -> int:
    """Count URLs and bare domains in ``text`` (e-mail addresses excluded)."""
    cleaned = _EMAIL_LIKE.sub(" ", text)
    return len(_URL.findall(cleaned))


class SpamRule:
    """Promotion, scams, link and repetition spam.

    Signals: URL shorteners (0.8), promotional phrases (weight x 0.8; 0.9
    together with a link), an invitation to get in touch followed by a phone
    number (0.9), a word making up half of a long text or a character repeated
    ten times or more (0.6 / 0.35), three or more links (0.7). Several distinct
    signals add 0.1 each.
    """

    name: str = "spam"

    def apply(self, text: NormalizedText, language: str) -> Iterator[Reason]:
        """Yield spam reasons (see the class docstring)."""
        del language
        original = text.original
        found: list[Reason] = []
        links = list(_URL.finditer(_EMAIL_LIKE.sub(" ", original)))
        for match in _SHORTENER.finditer(original):
            found.append(
                Reason(
                    self.name,
                    Category.SPAM,
                    0.8,
                    Span(match.start(), match.end()),
                    "URL shortener",
                )
            )
        promotions = _PROMOTION.find(text)
        for hit in promotions:
            score = 0.9 if links and hit.weight >= 0.5 else 0.8 * hit.weight
            found.append(
                _reason(
                    text,
                    self.name,
                    Category.SPAM,
                    score,
                    hit.first,
                    hit.last,
                    f"promotional phrase ({hit.term!r})",
                )
            )
        for hit in _CONTACT.find(text):
            if _contact_aimed_elsewhere(text, hit):
                continue  # someone else's number: personal data, not an advert
            tail_start = text.to_original(
                Span(text.tokens[hit.last].end, text.tokens[hit.last].end)
            )
            tail = original[tail_start.start : tail_start.start + 30]
            phone = _SPACE_DIGITS.search(tail)
            if phone is not None:
                span = text.token_span(hit.first, hit.last)
                found.append(
                    Reason(
                        self.name,
                        Category.SPAM,
                        0.9,
                        Span(span.start, tail_start.start + phone.end()),
                        "invitation to get in touch with a phone number",
                    )
                )
        if len(links) >= 3:
            found.append(
                Reason(
                    self.name,
                    Category.SPAM,
                    0.7,
                    Span(links[0].start(), links[-1].end()),
                    f"{len(links)} links",
                )
            )
        words = [t.text for t in text.tokens if len(t.text) > 1]
        if len(words) >= 8:
            top = max(set(words), key=words.count)
            if words.count(top) * 2 >= len(words):
                found.append(
                    Reason(
                        self.name,
                        Category.SPAM,
                        0.6,
                        None,
                        f"one word repeated {words.count(top)} times",
                    )
                )
        for match in _REPEAT_CHAR.finditer(original):
            found.append(
                Reason(
                    self.name,
                    Category.SPAM,
                    0.35,
                    Span(match.start(), match.end()),
                    "character repeated",
                )
            )
            break
        if not found:
            return
        distinct = len({r.detail for r in found})
        bonus = 0.1 * (distinct - 1)
        for reason in found:
            yield Reason(
                reason.source,
                reason.category,
                round(min(1.0, reason.score + bonus), 4),
                reason.span,
                reason.detail,
            )


# ---------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------

_SEP = r"[\s.\-]?"
_PHONES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Moroccan phone number",
        re.compile(
            rf"(?<![\w+])(?:(?:\+|00){_SEP}212{_SEP}\(?0?\)?{_SEP}[5-7]|0[5-7])(?:{_SEP}\d){{8}}(?!\d)"
        ),
    ),
    (
        "French phone number",
        re.compile(
            rf"(?<![\w+])(?:(?:\+|00){_SEP}33{_SEP}\(?0?\)?{_SEP}[1-9]|0[1-9])(?:{_SEP}\d{{2}}){{4}}(?!\d)"
        ),
    ),
    (
        "international phone number",
        re.compile(rf"(?<![\w+])\+[1-9]\d{{0,2}}(?:{_SEP}\d){{6,12}}(?!\d)"),
    ),
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
_STREET_WORDS = (
    r"rue|avenue|av\.?|bd|boulevard|blvd|impasse|all[ée]e|chemin|place|route|"
    r"lotissement|lot\.?|r[ée]sidence|derb|zenqa|zanka|hay|quartier|street|st\.?|"
    r"road|rd\.?|lane|ave\.?"
)
_STREET_ADDRESS = re.compile(
    rf"(?<!\w)\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?:{_STREET_WORDS})(?!\w)(?:\s+[^\W\d_][\w'-]*){{1,3}}"
    rf"|(?<!\w)\d{{1,5}}\s+(?:[^\W\d_][\w'-]*\s+){{1,2}}(?:street|st|road|rd|avenue|ave|lane|boulevard|blvd)\b"
    r"|(?:زنقه|زنقة|شارع|درب|حي|اقامه|إقامة|عماره|عمارة)\s+[\w\s]{0,25}?(?:رقم\s*)?\d+"
    r"|\d+\s*(?:زنقه|زنقة|شارع|درب)",
    re.IGNORECASE,
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])"
)
_RIB = re.compile(r"(?<!\d)\d(?:[ ]?\d){23}(?!\d)")
_STREET_HINT = re.compile(r"زنق|شارع|درب")
_CIN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d{5,6}(?![A-Za-z0-9])")
_NIR = re.compile(
    r"(?<!\d)[12][ ]?\d{2}[ ]?(?:0[1-9]|1[0-2]|[2-9]\d)[ ]?(?:\d{2}|2[ABab])"
    r"[ ]?\d{3}[ ]?\d{3}[ ]?\d{2}(?!\d)"
)
_CIN_CONTEXT = re.compile(
    r"(?i)\b(?:cin|c\.i\.n|carte nationale|carte d'identit[ée]|identity card|id card)\b"
    r"|البطاقه الوطنيه|البطاقة الوطنية|لاكارط|بطاقة التعريف"
)
_ACCOUNT_CONTEXT = re.compile(
    r"(?i)\b(?:rib|compte|virement|account|bank)\b|حساب|الحساب"
)


def iban_is_valid(candidate: str) -> bool:
    """Check an IBAN's ISO 13616 mod-97 checksum (spaces allowed)."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def rib_is_valid(candidate: str) -> bool:
    """Check a 24-digit Moroccan RIB's two-digit key (the whole number ≡ 0 mod 97)."""
    digits = candidate.replace(" ", "")
    return len(digits) == 24 and digits.isdigit() and int(digits) % 97 == 0


def nir_is_valid(candidate: str) -> bool:
    """Check a French NIR's key: ``97 - (first 13 digits mod 97)``.

    Corsican departments ``2A``/``2B`` count as ``19``/``18`` for the check.
    """
    compact = candidate.replace(" ", "").upper()
    if len(compact) != 15:
        return False
    body, key = compact[:13], compact[13:]
    body = body.replace("2A", "19", 1) if body[5:7] == "2A" else body
    body = body.replace("2B", "18", 1) if body[5:7] == "2B" else body
    if not (body.isdigit() and key.isdigit()):
        return False
    return 97 - int(body) % 97 == int(key)


class PersonalDataRule:
    """Phone numbers, e-mail addresses, street addresses, bank and ID numbers.

    Matches run on the original text. Checksums (IBAN mod 97, RIB key, NIR
    key) keep prices, dates and order numbers out. Scores: IBAN/NIR 0.95,
    phone 0.9 (0.95 when the text says the number is someone else's: "son
    numéro", "appelez-le au", "call him at", "رقمه"; the spam rule then stays
    silent about it), RIB 0.9 (0.7 with an account word but a bad key), e-mail
    0.8, address 0.7, Moroccan CIN 0.85 next to an ID word, else 0.3.
    """

    name: str = "personal_data"

    def apply(self, text: NormalizedText, language: str) -> Iterator[Reason]:
        """Yield personal-data reasons (see the class docstring)."""
        del language
        original = text.original
        if (
            _ANY_DIGIT.search(original) is None
            and "@" not in original
            and not _STREET_HINT.search(original)
        ):
            return
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int) -> bool:
            return all(end <= a or start >= b for a, b in taken)

        def emit(score: float, start: int, end: int, detail: str) -> Reason:
            taken.append((start, end))
            return Reason(
                self.name, Category.PERSONAL_DATA, score, Span(start, end), detail
            )

        for match in _IBAN.finditer(original):
            if iban_is_valid(match.group()):
                yield emit(0.95, match.start(), match.end(), "IBAN (valid checksum)")
        for match in _NIR.finditer(original):
            if free(match.start(), match.end()) and nir_is_valid(match.group()):
                yield emit(
                    0.95, match.start(), match.end(), "French social security number"
                )
        for match in _RIB.finditer(original):
            if not free(match.start(), match.end()):
                continue
            if rib_is_valid(match.group()):
                yield emit(0.9, match.start(), match.end(), "Moroccan RIB (valid key)")
            elif _ACCOUNT_CONTEXT.search(original):
                yield emit(
                    0.7, match.start(), match.end(), "24-digit bank account number"
                )
        # A number the text says is someone else's ("son numéro", "appelez-le
        # au ...") is doxxing: scored above the spam rule's contact signal.
        aimed = _names_third_party_number(text) or any(
            _contact_aimed_elsewhere(text, hit) for hit in _CONTACT.find(text)
        )
        phone_score, whose = (0.95, ", posted about someone") if aimed else (0.9, "")
        for detail, pattern in _PHONES:
            for match in pattern.finditer(original):
                if free(match.start(), match.end()):
                    yield emit(phone_score, match.start(), match.end(), detail + whose)
        for match in _EMAIL.finditer(original):
            yield emit(0.8, match.start(), match.end(), "e-mail address")
        for match in _STREET_ADDRESS.finditer(original):
            if free(match.start(), match.end()):
                yield emit(0.7, match.start(), match.end(), "street address")
        context = _CIN_CONTEXT.search(original) is not None
        for match in _CIN.finditer(original):
            if free(match.start(), match.end()):
                yield emit(
                    0.85 if context else 0.3,
                    match.start(),
                    match.end(),
                    "Moroccan national ID (CIN)" + ("" if context else ", no context"),
                )


def default_rules() -> list[Rule]:
    """Return a fresh list of the built-in rules, in reporting order."""
    return [
        ThreatIncitementRule(),
        HateRule(),
        InsultRule(),
        SexualRule(),
        SpamRule(),
        PersonalDataRule(),
    ]
