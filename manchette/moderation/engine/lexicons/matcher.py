"""Token-level lexicon matching shared by the rules.

A :class:`Lexicon` is compiled once from plain entries and then looks words up
in a dict, so its cost per text grows with the number of words, not with the
size of the lexicon.

Entry syntax
------------
- ``"connard"``: one whole word. Latin words also match with a plural ``s`` or
  ``x``. Doubled letters are optional (``"connard"`` matches ``"conard"``),
  because :func:`normalize.normalize` squeezes long runs of a letter to one.
- ``"neutralis*"``: any word starting with ``neutralis``.
- ``"faire la peau"``: consecutive words (each may end in ``*``).
- ``"قتل"``: an Arabic stem. It also matches with the attached clitics and
  verb prefixes of MSA and Darija (``و ف ب ل ك ال بال لل س``, ``ي ت ن ا``,
  Darija ``كا كي كن غا``, passive ``ت``) and with pronoun or plural suffixes
  (``ه ها هم كم و وا ين ون ات``...), so ``"قتل"`` matches ``"نقتلوهم"`` and
  ``"خونه"`` matches ``"للخونه"``.
- Latin words written with Arabizi digits (``"n9tlo"``) match as written; a
  Latin word that contains Arabizi digits is also transliterated to Arabic
  script (:func:`normalize.arabizi_to_arabic`) and looked up among the Arabic
  stems, so one Darija lexicon serves both scripts.
- ``"word|0.6"``: an entry with its own weight (default 1.0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from manchette.moderation.engine.normalize import (
    arabic_skeletons,
    arabizi_skeletons,
    arabizi_to_arabic,
    fold_term,
    latin_entry_skeletons,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from manchette.moderation.engine.normalize import NormalizedText, Token

__all__ = [
    "OBJECT_SUFFIXES",
    "Hit",
    "Lexicon",
    "SkeletonIndex",
    "squeeze",
    "token_skeletons",
    "word_variants",
]

_DOUBLE = re.compile(r"(.)\1+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_ARABIZI_DIGIT = re.compile(r"[a-z][235679]|[235679][a-z]")


def squeeze(word: str) -> str:
    """Merge doubled letters (``"connard"`` → ``"conard"``)."""
    return _DOUBLE.sub(r"\1", word)


def _arabic_prefixes() -> frozenset[str]:
    nominal = ("", "ال", "بال", "كال", "لل", "ب", "ل", "ك")
    tense = ("", "س", "كا", "ك", "كي", "تا", "تي", "غا", "غ")
    person = ("", "ا", "ن", "ي", "ت")
    passive = ("", "ت")
    verbal = {t + p + v for t in tense for p in person for v in passive}
    stems = set(nominal) | verbal
    return frozenset(c + s for c in ("", "و", "ف") for s in stems if len(c + s) <= 5)


_AR_PREFIXES = _arabic_prefixes()
_AR_SUFFIXES = frozenset(
    [
        "ه",
        "ها",
        "هم",
        "هن",
        "هما",
        "ك",
        "كم",
        "كن",
        "ي",
        "ني",
        "نا",
        "و",
        "وا",
        "ون",
        "ين",
        "ات",
        "ان",
        "ت",
        "تم",
        "تو",
        "تي",
        "وه",
        "وها",
        "وهم",
        "هوم",
        "وهوم",
        "وك",
        "وكم",
        "وني",
        "ونا",
        "ش",
        "وش",
        "هاش",
        "هومش",
        "كش",
        "وهاش",
        "وهمش",
        "يه",
        "يها",
        "يهم",
        "اه",
        "اها",
        "اهم",
    ]
) | {""}
_AR_MAX_PREFIX = max(len(p) for p in _AR_PREFIXES)
_AR_MAX_SUFFIX = max(len(s) for s in _AR_SUFFIXES)

#: Arabic suffixes that make a verb's object a group of people or the addressee.
OBJECT_SUFFIXES: frozenset[str] = frozenset(
    ["هم", "هن", "وهم", "هوم", "وهوم", "كم", "وكم", "ك", "وك", "يهم", "اهم"]
)


@lru_cache(maxsize=16384)
def _arabic_stems(word: str) -> tuple[tuple[str, str], ...]:
    """Return ``(stem, suffix)`` readings of an Arabic word, the whole word first."""
    out: dict[str, str] = {word: ""}
    size = len(word)
    for p in range(min(_AR_MAX_PREFIX, size - 2) + 1):
        if word[:p] not in _AR_PREFIXES:
            continue
        for s in range(min(_AR_MAX_SUFFIX, size - p - 2) + 1):
            suffix = word[size - s :] if s else ""
            if suffix in _AR_SUFFIXES:
                out.setdefault(word[p : size - s], suffix)
    return tuple(out.items())


@lru_cache(maxsize=16384)
def word_variants(text: str, alt: str) -> tuple[tuple[str, str], ...]:
    """Return the ``(key, arabic_suffix)`` lookup keys of one token.

    Keys are squeezed (doubled letters merged). Latin words add their
    singular; Arabic words add their affix-stripped stems; Latin words with
    Arabizi digits add the stems of their Arabic transliteration.
    """
    out: dict[str, str] = {}
    for form in dict.fromkeys((text, alt)):
        if _ARABIC.search(form):
            for stem, suffix in _arabic_stems(form):
                out.setdefault(squeeze(stem), suffix)
            continue
        key = squeeze(form)
        out.setdefault(key, "")
        if len(key) > 3 and key[-1] in "sx":
            out.setdefault(key[:-1], "")
        if _ARABIZI_DIGIT.search(form):
            for stem, suffix in _arabic_stems(arabizi_to_arabic(form)):
                out.setdefault(squeeze(stem), suffix)
    return tuple(out.items())


# One-slot memo; a single dict read/write is atomic, so threads at worst
# recompute.
_KEYS_MEMO: dict[str, tuple[NormalizedText, frozenset[str], frozenset[str]]] = {}


def _text_keys(text: NormalizedText) -> tuple[frozenset[str], frozenset[str]]:
    """Return all lookup keys of a text and their two-letter heads (memoised)."""
    memo = _KEYS_MEMO.get("last")
    if memo is not None and memo[0] is text:
        return memo[1], memo[2]
    keys = frozenset(
        key for token in text.tokens for key, _ in word_variants(token.text, token.alt)
    )
    heads = frozenset(key[:2] for key in keys)
    _KEYS_MEMO["last"] = (text, keys, heads)
    return keys, heads


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon entry found in a text.

    Attributes
    ----------
    first, last : int
        Token indices of the match (inclusive).
    term : str
        The entry as written in the lexicon.
    weight : float
        The entry's weight.
    suffix : str
        The Arabic pronoun/plural suffix attached to the first word, if any.
    """

    first: int
    last: int
    term: str
    weight: float
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class _Pattern:
    parts: tuple[tuple[str, bool], ...]  # (squeezed key, is_prefix)
    term: str
    weight: float


def _part_matches(
    part: tuple[str, bool], variants: tuple[tuple[str, str], ...]
) -> str | None:
    key, is_prefix = part
    for variant, suffix in variants:
        if variant == key or (is_prefix and variant.startswith(key)):
            return suffix
    return None


class Lexicon:
    """A compiled set of entries (see the module docstring for the syntax).

    Parameters
    ----------
    entries : iterable of str
        The entries, in any of the supported languages.

    Raises
    ------
    ValueError
        A one-word entry that merging doubled letters turns into one letter
        (``"xxx"``): it would match every one-letter word.
    """

    __slots__ = ("_exact", "_first_heads", "_first_keys", "_last", "_prefix", "size")

    def __init__(self, entries: Iterable[str]) -> None:
        self._exact: dict[str, list[_Pattern]] = {}
        self._prefix: dict[str, list[_Pattern]] = {}
        self._last: tuple[NormalizedText, tuple[Hit, ...]] | None = None
        self.size = 0
        for raw in entries:
            term, _, weight_text = raw.partition("|")
            weight = float(weight_text) if weight_text else 1.0
            parts: list[tuple[str, bool]] = []
            for word in fold_term(term).split():
                is_prefix = word.endswith("*")
                parts.append((squeeze(word.rstrip("*")), is_prefix))
            if not parts:
                continue
            if len(parts) == 1 and len(parts[0][0]) == 1 and len(term) > 1:
                # Doubled letters are merged before lookup ("xxx" -> "x"): such
                # an entry would match every one-letter word ("X", "3 x 2").
                msg = f"lexicon entry {term!r} merges into a one-letter word"
                raise ValueError(msg)
            pattern = _Pattern(tuple(parts), term, weight)
            first_key, first_prefix = parts[0]
            if first_prefix:
                self._prefix.setdefault(first_key[:2], []).append(pattern)
            else:
                self._exact.setdefault(first_key, []).append(pattern)
            self.size += 1
        self._first_keys = frozenset(self._exact)
        self._first_heads = frozenset(self._prefix)

    def _candidates(self, variants: tuple[tuple[str, str], ...]) -> list[_Pattern]:
        found: list[_Pattern] = []
        for variant, _suffix in variants:
            found.extend(self._exact.get(variant, ()))
            for pattern in self._prefix.get(variant[:2], ()):
                if variant.startswith(pattern.parts[0][0]):
                    found.append(pattern)
        return found

    def match_at(self, tokens: tuple[Token, ...], index: int) -> Hit | None:
        """Return the longest entry starting at token ``index``, if any."""
        variants = word_variants(tokens[index].text, tokens[index].alt)
        best: Hit | None = None
        for pattern in self._candidates(variants):
            suffix = _part_matches(pattern.parts[0], variants)
            if suffix is None:
                continue
            last = index + len(pattern.parts) - 1
            if last >= len(tokens):
                continue
            if all(
                _part_matches(part, word_variants(tokens[i].text, tokens[i].alt))
                is not None
                for part, i in zip(
                    pattern.parts[1:], range(index + 1, last + 1), strict=True
                )
            ) and (best is None or last > best.last or pattern.weight > best.weight):
                best = Hit(index, last, pattern.term, pattern.weight, suffix)
        return best

    def find(self, text: NormalizedText) -> list[Hit]:
        """Return every non-overlapping match in ``text``, left to right.

        The last result is memoised per text object, because several rules
        look up the same lexicon (people, framing words) in the same text.
        """
        last = self._last
        if last is not None and last[0] is text:
            return list(last[1])
        hits: list[Hit] = []
        tokens = text.tokens
        exact = self._exact
        prefix = self._prefix
        keys, heads = _text_keys(text)
        if self._first_keys.isdisjoint(keys) and self._first_heads.isdisjoint(heads):
            self._last = (text, ())
            return hits
        index = 0
        while index < len(tokens):
            token = tokens[index]
            variants = word_variants(token.text, token.alt)
            if not any(v in exact or (prefix and v[:2] in prefix) for v, _ in variants):
                index += 1
                continue
            hit = self.match_at(tokens, index)
            if hit is None:
                index += 1
            else:
                hits.append(hit)
                index = hit.last + 1
        self._last = (text, tuple(hits))
        return hits

    def contains(self, token: Token) -> bool:
        """Return whether one token is a single-word entry of this lexicon."""
        variants = word_variants(token.text, token.alt)
        return any(len(p.parts) == 1 for p in self._candidates(variants))


#: Skeletons shorter than this are too ambiguous to match on.
MIN_SKELETON = 3
_LATIN_WORD = re.compile(r"^[a-z0-9]+$")


@lru_cache(maxsize=16384)
def token_skeletons(text: str, alt: str) -> tuple[str, ...]:
    """Return the Arabizi skeletons of a Latin token (both digit readings).

    Empty for Arabic-script tokens and for words of fewer than three
    characters. See :func:`normalize.arabizi_skeletons`.
    """
    out: dict[str, None] = {}
    for form in dict.fromkeys((text, alt)):
        if len(form) < 3 or not _LATIN_WORD.match(form):
            continue
        for skeleton in arabizi_skeletons(form):
            if len(skeleton) >= MIN_SKELETON:
                out[skeleton] = None
    return tuple(out)


class SkeletonIndex:
    """Single-word lexicon entries looked up by consonant skeleton.

    Latin entries are indexed by :func:`normalize.latin_entry_skeletons`,
    Arabic-script entries by :func:`normalize.arabic_skeletons`, so
    ``"حمار"`` matches the Latin tokens ``hmar``, ``7mar``, ``l7mar``. A ``ق``
    (or ``q``/``9``) in an entry also matches ``k`` and ``g`` when the
    skeleton has four letters or more (shorter ones would merge too many
    words). Only Latin tokens are looked up: Arabic script has one spelling
    per word and is served by :class:`Lexicon`.

    Parameters
    ----------
    entries : iterable of str
        Single words, optionally with ``|weight``.
    """

    __slots__ = ("_index", "_last")

    def __init__(self, entries: Iterable[str]) -> None:
        self._index: dict[str, tuple[str, float]] = {}
        self._last: tuple[NormalizedText, tuple[Hit, ...]] | None = None
        for raw in entries:
            term, _, weight_text = raw.partition("|")
            weight = float(weight_text) if weight_text else 1.0
            folded = fold_term(term).strip()
            if " " in folded:
                continue
            if _ARABIC.search(folded):
                keys = arabic_skeletons(folded)
                plain = arabic_skeletons(folded, q_variants=False)
            else:
                keys = latin_entry_skeletons(folded)
                plain = arabizi_skeletons(folded)
            for key in keys:
                if len(key) < MIN_SKELETON:
                    continue
                if len(key) < 4 and key not in plain:
                    continue  # k/g variants of short skeletons: too ambiguous
                previous = self._index.get(key)
                if previous is None or previous[1] < weight:
                    self._index[key] = (term, weight)

    def lookup(self, token: Token) -> tuple[str, float] | None:
        """Return ``(entry, weight)`` for a token whose skeleton is indexed.

        A word ending in ``i`` (``kalbi``, ``galbi``: "my ...") matches only
        through its full skeleton, so the possessive is not dropped with the
        vowels.
        """
        possessive = token.text.endswith("i")
        for skeleton in token_skeletons(token.text, token.alt):
            if possessive and not skeleton.endswith("y"):
                continue
            found = self._index.get(skeleton)
            if found is not None:
                return found
        return None

    def find(self, text: NormalizedText) -> list[Hit]:
        """Return a hit for every Latin token whose skeleton is indexed."""
        last = self._last
        if last is not None and last[0] is text:
            return list(last[1])
        hits: list[Hit] = []
        for index, token in enumerate(text.tokens):
            if token.arabic:
                continue
            found = self.lookup(token)
            if found is not None:
                hits.append(Hit(index, index, found[0], found[1]))
        self._last = (text, tuple(hits))
        return hits
