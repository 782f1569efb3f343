"""Text folding for rule matching, with an exact map back to the original text.

:func:`normalize` turns user text into a :class:`NormalizedText`: a folded string
that defeats the usual spelling tricks, its tokens, and, for each folded
character, the range of original characters it came from. Rules match in the
folded text and report spans in the original one through
:meth:`NormalizedText.to_original`.

The steps, in order:

1. Per character: Unicode NFKC (full-width forms, ligatures, mathematical
   alphanumerics), case folding, canonical decomposition with every combining
   mark dropped (French accents, Arabic harakat U+064B-U+0652 and U+0670, the
   hamza carried by ``أ إ آ ؤ ئ``), removal of format characters (zero-width
   U+200B-U+200D, U+2060, U+FEFF, soft hyphen, bidi controls U+202A-U+202E,
   U+2066-U+2069, U+200E/F, U+061C) and of tatweel U+0640, then a fixed table:
   Cyrillic and Greek look-alikes to Latin, ``ٱ → ا``, ``ى → ي``, ``ة → ه``,
   Persian/Urdu letter variants, Arabic-Indic digits to ASCII, typographic
   quotes and dashes to ASCII.
2. Letters separated by spaces, dots or dashes (``t u e r``, ``n.e.u.t.r.e``,
   Arabizi ``n 9 t l e k``) are joined; a run needs two letters or more, so
   spaced digits alone stay a number.
3. Runs of three or more identical letters become one letter.
4. Leetspeak digits and symbols inside words become letters (``0→o 1→i 3→e
   4→a 5→s 7→t @→a $→s``), except in Arabizi text, where ``2 3 5 6 7 8 9``
   spell Arabic letters and are kept. Every token also carries the other
   reading (:attr:`Token.alt`), so lexicons match either way.
5. Apostrophes become spaces, which splits French elisions (``l'armée`` →
   ``l armee``).

Every step maps characters one-to-one or drops characters, so the offset map
stays exact.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from manchette.moderation.engine.lexicons.markers import looks_arabizi
from manchette.moderation.engine.types import Span

__all__ = [
    "NormalizedText",
    "Token",
    "arabic_skeletons",
    "arabizi_skeletons",
    "arabizi_to_arabic",
    "fold_char",
    "fold_string",
    "fold_term",
    "latin_entry_skeletons",
    "normalize",
]

# Characters removed outright (besides every Unicode "Cf" format character).
_DROP = frozenset("\u0640\u00ad")

_TABLE = str.maketrans(
    {
        # Cyrillic look-alikes (lower case: folding runs first).
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ӏ": "l",
        "ɡ": "g",
        "ո": "n",
        # Greek look-alikes.
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ς": "s",
        # Arabic letter variants.
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ک": "ك",
        "ی": "ي",
        "ې": "ي",
        "ە": "ه",
        "ۀ": "ه",
        "ھ": "ه",
        "ۃ": "ه",
        "ڨ": "ق",
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "گ": "ڭ",
        "،": ",",
        "؛": ";",
        # Typography.
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "′": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": ".",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """Fold one character (step 1 of :func:`normalize`).

    Parameters
    ----------
    char : str
        A single code point.

    Returns
    -------
    str
        Zero, one or several characters (``"ﬁ"`` folds to ``"fi"``).
    """
    if char in _DROP or unicodedata.category(char) == "Cf":
        return ""
    if char.isascii():
        return char.lower()
    folded = unicodedata.normalize("NFKC", char).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = "".join(c for c in stripped if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFC", stripped).translate(_TABLE)


_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# In Arabizi these digits are letters (3 = ع, 7 = ح, 9 = ق, 2 = ء, 5 = خ, 6 = ط,
# 8 = غ); only the symbols and the digits that spell no letter are decoded.
_LEET_ARABIZI = str.maketrans({"0": "o", "1": "i", "4": "a", "@": "a", "$": "s"})

_SPACED = re.compile(r"(?<![\w'])[^\W_](?:(?: {1,3}|[.\-_*·•/|] ?)[^\W_]){2,}(?![\w'])")
_MIN_SPACED_LETTERS = 2
_SPACED_SEPARATORS = frozenset(" .-_*·•/|")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
# An "@" starts a word only as a mention ("@karim"), never as a letter: it is
# read as leetspeak only after a letter, digit or "$" of the same word.
_LEET_TOKEN = re.compile(r"(?:[\w$]|(?<=[\w$])@)*[^\W\d_][\w@$]*")
_HAS_LEET = re.compile(r"[0-9@$]")
_UNIT = re.compile(r"\d+[^\W\d_]{1,3}|[^\W\d_]{1,4}\d{2,}|\d+(?:[.,]\d+)?")
_TOKEN = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?؟]+(?=\s|$)|\n+|;")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


class Token(NamedTuple):
    """A word of the folded text (a named tuple: texts have many, built fast).

    Attributes
    ----------
    text : str
        The folded word.
    alt : str
        The other reading of the digits in it: Arabizi digits kept when
        ``text`` decoded them as leetspeak, and the reverse. Equal to ``text``
        when the word has no such digit.
    start, end : int
        Offsets in the folded text (end exclusive).
    sentence : int
        Index of the sentence the word belongs to.
    arabic : bool
        Whether the word is in Arabic script.
    """

    text: str
    alt: str
    start: int
    end: int
    sentence: int
    arabic: bool


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Folded text plus the map back to the original.

    Attributes
    ----------
    original : str
        The text as submitted.
    text : str
        The folded text.
    starts, ends : tuple of int
        For each character ``i`` of ``text``, the original characters
        ``original[starts[i]:ends[i]]`` it came from.
    tokens : tuple of Token
        The words of ``text``.
    arabizi : bool
        Whether digits were read as Arabizi letters rather than leetspeak.
    """

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    tokens: tuple[Token, ...]
    arabizi: bool

    def to_original(self, span: Span) -> Span:
        """Map a span of :attr:`text` to the original characters it came from.

        Parameters
        ----------
        span : Span
            Offsets into the folded text, ``0 <= start <= end <= len(text)``.

        Returns
        -------
        Span
            The smallest original range covering every source character.

        Raises
        ------
        ValueError
            If the span lies outside the folded text.
        """
        if span.end > len(self.text):
            msg = f"span {span} outside folded text of length {len(self.text)}"
            raise ValueError(msg)
        if span.start == span.end:
            at = (
                self.starts[span.start]
                if span.start < len(self.starts)
                else len(self.original)
            )
            return Span(at, at)
        return Span(self.starts[span.start], self.ends[span.end - 1])

    def token_span(self, first: int, last: int) -> Span:
        """Return the original span covering tokens ``first`` to ``last`` inclusive."""
        return self.to_original(Span(self.tokens[first].start, self.tokens[last].end))

    def token_index(self, offset: int) -> int:
        """Return the index of the token at or after folded ``offset``."""
        return bisect.bisect_left([t.end for t in self.tokens], offset + 1)


class _Buffer:
    """Parallel lists of folded characters and their original ranges."""

    __slots__ = ("chars", "ends", "starts")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def text(self) -> str:
        return "".join(self.chars)

    def keep(self, keep: list[bool]) -> _Buffer:
        out = _Buffer()
        for i, kept in enumerate(keep):
            if kept:
                out.chars.append(self.chars[i])
                out.starts.append(self.starts[i])
                out.ends.append(self.ends[i])
        return out


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on demand with :func:`fold_char`.

    Code points that do not fold to exactly one character (dropped marks,
    ligatures) are also recorded in :attr:`irregular`, so a text without any
    of them maps one to one and needs no per-character offset bookkeeping.
    """

    __slots__ = ("irregular",)

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            self.irregular.add(chr(code))
        if len(self) < _FOLD_TABLE_MAX:
            self[code] = folded
        return folded


#: Bound on the distinct code points remembered (the table only grows).
_FOLD_TABLE_MAX = 65536
_FOLD_TABLE = _FoldTable()


def fold_string(text: str) -> str:
    """Fold every character of ``text`` with :func:`fold_char` (no offsets kept).

    Equal to ``"".join(fold_char(c) for c in text)``, done by one
    ``str.translate`` over a cached table.
    """
    return text.translate(_FOLD_TABLE)


def _fold_chars(text: str) -> _Buffer:
    folded = text.translate(_FOLD_TABLE)
    if len(folded) == len(text) and _FOLD_TABLE.irregular.isdisjoint(text):
        # One folded character per original character (the common case).
        buf = _Buffer()
        buf.chars = list(folded)
        buf.starts = list(range(len(text)))
        buf.ends = list(range(1, len(text) + 1))
        return buf
    buf = _Buffer()
    for index, char in enumerate(text):
        folded = fold_char(char)
        if not folded and buf.ends:
            # A dropped mark or invisible character belongs to the character
            # before it, so a span over that character covers it too.
            buf.ends[-1] = index + 1
        for out in folded:
            buf.chars.append(out)
            buf.starts.append(index)
            buf.ends.append(index + 1)
    return buf


def _join_spaced(buf: _Buffer) -> _Buffer:
    text = buf.text()
    if _SPACED.search(text) is None:
        return buf
    keep = [True] * len(text)
    for match in _SPACED.finditer(text):
        # Digits join too (Arabizi "n 9 t l e k"), but a run of digits alone
        # is a number, not a spelled-out word.
        if sum(c.isalpha() for c in match.group()) < _MIN_SPACED_LETTERS:
            continue
        for i in range(match.start(), match.end()):
            if text[i] in _SPACED_SEPARATORS:
                keep[i] = False
    return buf.keep(keep)


def _squeeze_repeats(buf: _Buffer) -> _Buffer:
    text = buf.text()
    if _REPEAT.search(text) is None:
        return buf
    keep = [True] * len(text)
    for match in _REPEAT.finditer(text):
        buf.ends[match.start()] = buf.ends[match.end() - 1]
        for i in range(match.start() + 1, match.end()):
            keep[i] = False
    return buf.keep(keep)


def _decode_digits(text: str, *, arabizi: bool) -> tuple[str, str]:
    """Return ``(primary, alternate)`` readings of digits and symbols in words."""
    if _HAS_LEET.search(text) is None:
        return text, text
    primary = list(text)
    alternate = list(text)
    for match in _LEET_TOKEN.finditer(text):
        word = match.group()
        if _HAS_LEET.search(word) is None or _UNIT.fullmatch(word):
            continue
        leet = word.translate(_LEET)
        soft = word.translate(_LEET_ARABIZI)
        first, second = (soft, leet) if arabizi else (leet, soft)
        start = match.start()
        primary[start : match.end()] = first
        alternate[start : match.end()] = second
    return "".join(primary), "".join(alternate)


def _tokens(text: str, alternate: str) -> tuple[Token, ...]:
    boundaries = [m.start() for m in _SENTENCE_END.finditer(text)]
    has_arabic = _ARABIC_LETTER.search(text) is not None
    same = text == alternate
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        start, end = m.span()
        tokens.append(
            Token(
                word,
                word if same else alternate[start:end],
                start,
                end,
                bisect.bisect_right(boundaries, start) if boundaries else 0,
                has_arabic and _ARABIC_LETTER.search(word) is not None,
            )
        )
    return tuple(tokens)


def normalize(text: str, *, arabizi: bool | None = None) -> NormalizedText:
    """Fold ``text`` for matching and keep the map back to it.

    Parameters
    ----------
    text : str
        The original text.
    arabizi : bool or None
        Whether digits inside Latin words are Arabizi letters (``True``) or
        leetspeak (``False``). ``None`` decides from the text itself with
        :func:`lexicons.markers.looks_arabizi`.

    Returns
    -------
    NormalizedText
        See the module docstring for the steps.
    """
    buf = _squeeze_repeats(_join_spaced(_fold_chars(text)))
    folded = buf.text()
    if arabizi is None:
        arabizi = looks_arabizi(folded)
    primary, alternate = _decode_digits(folded, arabizi=arabizi)
    primary = primary.replace("'", " ")
    alternate = alternate.replace("'", " ")
    return NormalizedText(
        original=text,
        text=primary,
        starts=tuple(buf.starts),
        ends=tuple(buf.ends),
        tokens=_tokens(primary, alternate),
        arabizi=arabizi,
    )


def fold_term(term: str) -> str:
    """Fold a lexicon term the way :func:`normalize` folds text (steps 1 and 5).

    Digits are kept, so Arabizi terms such as ``"7mar"`` stay as written.
    """
    return "".join(fold_char(c) for c in term).replace("'", " ")


_ARABIZI_DIGRAPHS = (
    ("kh", "خ"),
    ("gh", "غ"),
    ("ch", "ش"),
    ("sh", "ش"),
    ("ou", "و"),
    ("dj", "ج"),
    ("th", "ث"),
)
_ARABIZI_LETTERS = str.maketrans(
    {
        "a": "ا",
        "b": "ب",
        "c": "ك",
        "d": "د",
        "e": "",
        "f": "ف",
        "g": "ڭ",
        "h": "ه",
        "i": "ي",
        "j": "ج",
        "k": "ك",
        "l": "ل",
        "m": "م",
        "n": "ن",
        "o": "و",
        "p": "ب",
        "q": "ق",
        "r": "ر",
        "s": "س",
        "t": "ت",
        "u": "و",
        "v": "ف",
        "w": "و",
        "x": "كس",
        "y": "ي",
        "z": "ز",
        "2": "ء",
        "3": "ع",
        "5": "خ",
        "6": "ط",
        "7": "ح",
        "8": "غ",
        "9": "ق",
    }
)
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=8192)
def arabizi_to_arabic(word: str) -> str:
    """Transliterate a folded Latin Darija word to Arabic script.

    The mapping is the usual Arabizi one (``3 → ع``, ``7 → ح``, ``9 → ق``,
    ``2 → ء``, ``5 → خ``, ``kh → خ``, ``ch → ش``...), short ``e`` is dropped and
    doubled letters are merged, so ``"n9tlo"`` gives ``"نقتلو"`` and
    ``"7mar"`` gives ``"حمار"``. It is lossy (emphatic consonants are not
    recovered), which is why Latin Darija also has its own lexicon entries.

    Parameters
    ----------
    word : str
        A folded Latin word (lower case, digits kept).

    Returns
    -------
    str
        The Arabic-script spelling; characters with no mapping are kept.
    """
    out = word
    for latin, arabic in _ARABIZI_DIGRAPHS:
        out = out.replace(latin, arabic)
    out = out.translate(_ARABIZI_LETTERS)
    return _DOUBLE.sub(r"\1", out)


# ---------------------------------------------------------------------------
# Consonant skeletons: one key for the many spellings of a Maghrebi word
# ---------------------------------------------------------------------------

# Latin digraphs first, then single characters. Every Arabic letter is sent to
# the one Latin class its Arabizi spellings share: ح and ه both to "h" (writers
# use "7" and "h" for ح), the emphatics to their plain letter (ص s, ط t, ض d,
# ظ z, ذ d), ع and hamza to nothing (written 3, 2, a, e or not at all). Short
# vowels are not written in Arabic and vary freely in Latin, so a e are
# dropped; o u ou stand for و and i for ي.
_SKELETON_DIGRAPHS = (
    ("kh", "x"),
    ("gh", "G"),
    ("ch", "c"),
    ("sh", "c"),
    ("dh", "d"),
    ("th", "t"),
    ("dj", "j"),
    ("ou", "w"),
)
_LATIN_SKELETON = str.maketrans(
    {
        "7": "h",
        "9": "q",
        "5": "x",
        "8": "G",
        "6": "t",
        "3": None,
        "2": None,
        "a": None,
        "e": None,
        "o": "w",
        "u": "w",
        "i": "y",
    }
)
_ARABIC_SKELETON = str.maketrans(
    {
        "ح": "h",
        "ه": "h",
        "خ": "x",
        "غ": "G",
        "ق": "q",
        "ك": "k",
        "ڭ": "g",
        "ج": "j",
        "ش": "c",
        "س": "s",
        "ص": "s",
        "ز": "z",
        "ظ": "z",
        "ذ": "d",
        "د": "d",
        "ض": "d",
        "ث": "t",
        "ت": "t",
        "ط": "t",
        "ب": "b",
        "پ": "b",
        "ف": "f",
        "ڤ": "v",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ر": "r",
        "و": "w",
        "ي": "y",
        "ا": None,
        "ء": None,
        "ع": None,
        "ئ": None,
        "ؤ": None,
    }
)
_SEMIVOWELS = str.maketrans({"w": None, "y": None})
_NOT_SKELETON = re.compile(r"[^a-zG]")


def _two_skeletons(mapped: str) -> tuple[str, str]:
    full = _DOUBLE.sub(r"\1", _NOT_SKELETON.sub("", mapped))
    core = _DOUBLE.sub(r"\1", full.translate(_SEMIVOWELS))
    return full, core


@lru_cache(maxsize=16384)
def arabizi_skeletons(word: str) -> tuple[str, ...]:
    """Return the consonant skeletons of a folded Latin (Arabizi) word.

    Arabizi spelling varies a lot: ``7mar``, ``hmar``, ``l7mar``, ``7mmar``
    are one word, as are ``mkalakh``/``mkelekh``/``mklkh`` and
    ``t9awed``/``tqawed``/``t9oued``. A skeleton keeps only what they share:
    digraphs become one letter (``kh → x``, ``gh → G``, ``ch/sh → c``,
    ``dh → d``, ``th → t``, ``ou → w``), Arabizi digits become their letter
    class (``7 → h``, ``9 → q``, ``5 → x``, ``8 → G``, ``6 → t``; ``3`` and
    ``2``, like ``ع`` and hamza, vanish), ``a`` and ``e`` are dropped, ``o``
    and ``u`` become ``w``, ``i`` becomes ``y``, and doubled letters merge.

    Parameters
    ----------
    word : str
        A folded Latin word (lower case, Arabizi digits kept).

    Returns
    -------
    tuple of str
        The *full* skeleton (``w``/``y`` kept: ``7ayawen → hywn``), the
        *core* skeleton (``w``/``y`` dropped too: ``mskhot`` and ``mskhout``
        both give ``msxt``), and, when the word starts with the article
        ``l``/``el``/``al``, the same two without it. Duplicates removed;
        may contain short or empty strings, which callers ignore.
    """
    out = word.lower()
    for latin, key in _SKELETON_DIGRAPHS:
        out = out.replace(latin, key)
    full, core = _two_skeletons(out.translate(_LATIN_SKELETON))
    forms = [full, core]
    if word[:1] in "lae" and full.startswith("l") and len(core) >= 4:
        forms += [full[1:], core[1:]]
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=8192)
def arabic_skeletons(stem: str, *, q_variants: bool = True) -> tuple[str, ...]:
    """Return the Latin consonant skeletons of a folded Arabic-script stem.

    The counterpart of :func:`arabizi_skeletons`, so that an Arabic-script
    lexicon entry (``"حمار"``) matches its Latin spellings (``"hmar"``,
    ``"l7mar"``): ``حمار → hmr``, ``مسخوط → msxwt`` (full) and ``msxt``
    (core). ``ق`` also yields its Maghrebi realisations ``k`` and ``g``
    (``قتل`` gives ``qtl``, ``ktl``, ``gtl``: ``n9tlek``, ``nektlek``) unless
    ``q_variants`` is false.

    A final ``ه`` (``ة`` once folded) also yields the skeleton without it
    (``قحبه`` → ``qhb``, as in ``9a7ba``).

    Returns
    -------
    tuple of str
        Full and core skeletons with every ``ق`` variant, duplicates removed.
    """
    forms: list[str] = []
    stems = [stem]
    if len(stem) > 3 and stem.endswith("ه"):
        stems.append(stem[:-1])  # ta marbuta, folded to ه, is "a" in Latin
    for form in stems:
        for q in ("q", "k", "g") if q_variants else ("q",):
            mapped = form.translate(_ARABIC_SKELETON).replace("q", q)
            forms.extend(_two_skeletons(mapped))
    return tuple(dict.fromkeys(forms))


def latin_entry_skeletons(entry: str) -> tuple[str, ...]:
    """Return the skeletons of a Latin lexicon entry, with ``q`` also as ``k``/``g``.

    A ``q`` or ``9`` in a lexicon entry spells ``ق``, which Maghrebi writers
    also spell ``k`` or ``g``; token skeletons keep the letter as written.
    """
    forms: list[str] = []
    for skeleton in arabizi_skeletons(entry)[:2]:
        forms.extend(skeleton.replace("q", q) for q in ("q", "k", "g"))
    return tuple(dict.fromkeys(forms))
