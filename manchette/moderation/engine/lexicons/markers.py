"""Language markers: Darija function words in both scripts and Arabizi cues.

All words are the project's own selection of very frequent Moroccan (and some
Algerian/Tunisian) function words. They are written folded (lower case, no
diacritics, ``ة`` as ``ه``, ``ى`` as ``ي``), as :func:`normalize.fold_char`
produces.
"""

from __future__ import annotations

import re

__all__ = [
    "ARABIZI_WORDS",
    "DARIJA_ARABIC_WORDS",
    "ENGLISH_WORDS",
    "FRENCH_WORDS",
    "arabizi_score",
    "looks_arabizi",
]

#: Latin-script Darija (and neighbouring Maghrebi) function and very common words.
ARABIZI_WORDS: frozenset[str] = frozenset(
    [
        "wach",
        "wech",
        "wesh",
        "ach",
        "chno",
        "chnou",
        "chnowa",
        "chnia",
        "achno",
        "kifach",
        "kifech",
        "kifash",
        "3lach",
        "3lech",
        "fin",
        "fayn",
        "fain",
        "mnin",
        "imta",
        "wa9ila",
        "wakha",
        "wakhha",
        "safi",
        "bzaf",
        "bezzaf",
        "bzzaf",
        "barcha",
        "barsha",
        "dyal",
        "dial",
        "dyali",
        "dyalek",
        "dyalo",
        "dyalha",
        "dyalhom",
        "ta3",
        "nta",
        "nti",
        "ntoma",
        "ntouma",
        "hna",
        "7na",
        "homa",
        "huma",
        "houma",
        "howa",
        "hiya",
        "hia",
        "rah",
        "rak",
        "rani",
        "raha",
        "rahom",
        "ghadi",
        "gha",
        "ghir",
        "ghi",
        "gher",
        "ghire",
        "daba",
        "dorka",
        "drk",
        "lyoum",
        "lyouma",
        "ghda",
        "mzyan",
        "mezyan",
        "mzian",
        "mzyana",
        "zwin",
        "zwina",
        "khayb",
        "khayba",
        "kayn",
        "kayna",
        "makaynch",
        "makayn",
        "kan",
        "kant",
        "kano",
        "bghit",
        "bgha",
        "bghina",
        "bghit",
        "khas",
        "khass",
        "khasso",
        "khassha",
        "khasshom",
        "khashom",
        "khasna",
        "khassna",
        "khassek",
        "3la",
        "3ela",
        "m3a",
        "m3ak",
        "m3ah",
        "mea",
        "hadchi",
        "hadshi",
        "hada",
        "hadi",
        "hado",
        "hadou",
        "hadok",
        "hadik",
        "dak",
        "dik",
        "had",
        "l7okouma",
        "l7ekouma",
        "lhokouma",
        "drari",
        "wlad",
        "bnat",
        "3afak",
        "3fak",
        "lah",
        "allah",
        "wallah",
        "wlah",
        "nchallah",
        "inchallah",
        "yallah",
        "yalah",
        "khouya",
        "khoya",
        "sa7bi",
        "ya3ni",
        "y3ni",
        "walakin",
        "walakine",
        "7it",
        "7ta",
        "7tta",
        "7ata",
        "3ad",
        "3adi",
        "bach",
        "bech",
        "mech",
        "machi",
        "mashi",
        "mabghitch",
        "makanch",
        "bla",
        "blach",
        "walou",
        "walo",
        "chi",
        "chwiya",
        "chwia",
        "3ndi",
        "3andi",
        "3ndo",
        "3ndek",
        "fhamti",
        "kanbghik",
        "kanbghiha",
        "3lik",
        "3lih",
        "3liha",
        "3lihom",
        "3lina",
        "mashakil",
        "mochkil",
        "lmghrib",
        "lmaghrib",
        # Algerian and Tunisian.
        "mouch",
        "chbik",
        "chkoun",
        "chkon",
        "famma",
        "mta3",
        "mte3",
        "nheb",
        "n7eb",
        "nhebek",
        "n7ebek",
        "tawa",
        "bzf",
        "makach",
        "kayen",
        "rakom",
        "raki",
        "rana",
        "rahi",
        "khatir",
        "hakda",
        "hakka",
        "ghodwa",
        "ya3tik",
        "saha",
        "enta",
        "enti",
        "inta",
        "inti",
        "ahna",
    ]
)

#: Arabic-script words that mark Darija rather than Modern Standard Arabic.
DARIJA_ARABIC_WORDS: frozenset[str] = frozenset(
    [
        "ديال",
        "ديالي",
        "ديالك",
        "ديالو",
        "ديالها",
        "ديالهم",
        "ديالنا",
        "بزاف",
        "واش",
        "شنو",
        "شني",
        "اشنو",
        "كيفاش",
        "علاش",
        "فين",
        "فاين",
        "منين",
        "امتا",
        "هادشي",
        "هادي",
        "هادو",
        "هادوك",
        "هاديك",
        "هادا",
        "داك",
        "ديك",
        "دابا",
        "دروك",
        "غادي",
        "غا",
        "غير",
        "راه",
        "راك",
        "راني",
        "راها",
        "راهم",
        "مزيان",
        "مزيانه",
        "زوين",
        "زوينه",
        "بغيت",
        "بغا",
        "بغينا",
        "خاص",
        "خاصهم",
        "خاصنا",
        "خاصك",
        "خصهم",
        "خصنا",
        "خصك",
        "ماشي",
        "والو",
        "شي",
        "شويه",
        "عافاك",
        "واخا",
        "صافي",
        "حيت",
        "حتي",
        "باش",
        "بلا",
        "كاين",
        "كاينه",
        "ماكاينش",
        "ماكاين",
        "عندي",
        "عندو",
        "عندك",
        "دراري",
        "ولاد",
        "كنبغيك",
        "كنموت",
        "كيقول",
        "كتقول",
        "كيدير",
        "كندير",
        "بلاصه",
        "ممكنش",
        "لاخر",
        "تاني",
        "حنا",
        "نتا",
        "نتي",
        "نتوما",
        "هوما",
        "ديالهوم",
        "مابغيتش",
        "معرفتش",
        "ماعرفتش",
    ]
)

#: Frequent French function words, to tell French from Arabizi.
FRENCH_WORDS: frozenset[str] = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "de",
        "du",
        "et",
        "est",
        "sont",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "nous",
        "vous",
        "je",
        "tu",
        "ce",
        "cette",
        "ces",
        "que",
        "qui",
        "pas",
        "ne",
        "plus",
        "pour",
        "avec",
        "dans",
        "sur",
        "par",
        "mais",
        "ou",
        "au",
        "aux",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "faut",
        "doit",
        "etre",
        "avoir",
        "fait",
        "tout",
        "tous",
        "tres",
        "bien",
    ]
)

#: Frequent English function words.
ENGLISH_WORDS: frozenset[str] = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "them",
        "this",
        "that",
        "these",
        "those",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "not",
        "no",
        "but",
        "or",
        "what",
        "who",
        "my",
        "your",
        "our",
        "their",
        "should",
        "must",
        "will",
        "would",
        "can",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "just",
        "all",
    ]
)

_DIGIT_LETTER = re.compile(r"^(?=.*[a-z])(?=.*[235679])[a-z235679]{3,}$")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_NEGATED = re.compile(r"^ma[a-z39]{2,}ch$")
_ORDINAL_OR_UNIT = re.compile(
    r"^\d+(?:e|er|ere|eme|emes|nd|rd|th|st|h|km|kg|dh|mad|min|ans|k|m|g|x)$"
)


#: Word-initial letter pairs that French and English words can start with.
#: A Latin word starting with two consonants outside this list (``hmar``,
#: ``mkalakh``, ``tqawed``, ``nqtlek``, ``lhmar``, ``bzaf``) has the shape of
#: Darija, whose words often open with a consonant cluster.
_LATIN_ONSETS: frozenset[str] = frozenset(
    [
        "bl",
        "br",
        "ch",
        "cl",
        "cr",
        "dr",
        "fl",
        "fr",
        "gh",
        "gl",
        "gn",
        "gr",
        "kl",
        "kn",
        "kr",
        "ph",
        "pl",
        "pr",
        "ps",
        "sc",
        "sh",
        "sk",
        "sl",
        "sm",
        "sn",
        "sp",
        "sq",
        "st",
        "sv",
        "sw",
        "th",
        "tr",
        "tw",
        "wh",
        "wr",
        "vr",
        "ts",
        "qu",
        "rh",
        "dw",
        "gw",
        "pn",
        "sb",
        "sf",
        "tc",
    ]
)
_VOWELS = frozenset("aeiouy")


def _arabizi_shaped(word: str) -> bool:
    """Return whether a letters-only word looks like Darija (see ``_LATIN_ONSETS``).

    Also true for words of five letters or more ending in ``kh``
    (``mkalakh``, ``wsekh``).
    """
    if len(word) < 4 or not word.isalpha() or not _VOWELS.intersection(word):
        return False
    if word[0] not in _VOWELS and word[1] not in _VOWELS and word[0] != word[1]:
        return word[:2] not in _LATIN_ONSETS
    return len(word) >= 5 and word.endswith("kh")


def arabizi_score(folded: str) -> tuple[int, int]:
    """Count Arabizi and French/English cues in folded Latin text.

    Parameters
    ----------
    folded : str
        Text folded by :func:`normalize.fold_char` (lower case, digits kept).

    Returns
    -------
    tuple of int
        ``(arabizi_cues, french_or_english_function_words)``. An Arabizi cue is
        a known Darija word, a word mixing letters with the digits that spell
        Arabic letters (``3la``, ``n9tlo``, ``l7okouma``), or a negation
        circumfix ``ma...ch`` (``makaynch``). Words with the shape of Darija
        (an initial consonant cluster French and English do not have:
        ``hmar``, ``mkalakh``, ``nqtlek``) count too, but only next to a
        stronger cue or in a short text (three words or fewer) with no French
        or English function word: names such as "Mbappé" or "Ndiaye" must not
        turn French into Darija on their own.
    """
    cues = 0
    shaped = 0
    other = 0
    words = _LATIN_WORD.findall(folded)
    for word in words:
        if (
            word in ARABIZI_WORDS
            or _NEGATED.match(word)
            or (_DIGIT_LETTER.match(word) and not _ORDINAL_OR_UNIT.match(word))
        ):
            cues += 1
        elif word in FRENCH_WORDS or word in ENGLISH_WORDS:
            other += 1
        elif _arabizi_shaped(word):
            shaped += 1
    if cues or (len(words) <= 3 and not other):
        cues += shaped
    return cues, other


def looks_arabizi(folded: str) -> bool:
    """Return whether folded Latin text reads as Darija written in Latin letters.

    At least two Arabizi cues, outnumbering French and English function words.
    Arabic-script text is never Arabizi.
    """
    cues, other = arabizi_score(folded)
    return cues >= 2 and cues > other
