"""Language identification: fr, ar, ary, ary-Latn, en, und."""

from __future__ import annotations

import pytest

from manchette.moderation.engine.langid import LanguageIdentifier
from manchette.moderation.engine.lexicons.markers import looks_arabizi


@pytest.fixture(scope="module")
def langid() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le gouvernement a présenté hier son plan pour le numérique.", "fr"),
        ("The minister met her counterpart to discuss the strategy.", "en"),
        ("أعلنت الوزارة عن خطة جديدة لتطوير الاقتصاد الرقمي", "ar"),
        ("واش هادشي مزيان ولا لا؟ بزاف ديال الناس ماعجبهمش", "ary"),
        ("دابا كيفاش غادي نديرو", "ary"),
        ("wach had chi mzyan? bzaf dyal nas ma3jbhomch", "ary-Latn"),
        ("l7okouma katkdeb 3lina", "ary-Latn"),
        ("khass ndiro chi 7al daba", "ary-Latn"),
        ("franchement had l7okouma katkdeb 3lina bzaf", "ary-Latn"),
        ("!!!", "und"),
        ("12345", "und"),
        ("C'est vraiment une très bonne nouvelle pour le pays, merci", "fr"),
    ],
)
def test_langid_detects(langid, text, language):
    assert langid.detect(text) == language


def test_langid_mixed_text_gets_the_dominant_script(langid):
    assert langid.detect("merci beaucoup pour l'article, الله يحفظكم") == "fr"
    assert langid.detect("شكرا جزيلا على هذا المقال الرائع merci") == "ar"


def test_langid_hint_only_used_when_unsure(langid):
    assert langid.detect("ok", hint="en") == "en"
    assert langid.detect("!!", hint="fr") == "fr"
    text = "Le gouvernement a présenté hier son plan pour le numérique."
    assert langid.detect(text, hint="en") == "fr"
    assert langid.detect("مرحبا بكم", hint="ary") == "ary"
    assert langid.detect("hello", hint="klingon") in {"en", "und"}


@pytest.mark.parametrize(
    ("folded", "expected"),
    [
        ("wach nta mzyan", True),
        ("3la slama khouya", True),
        ("le 3eme jour du 21e siecle", False),
        ("il faut 5km a pied", False),
        ("merci pour l article", False),
    ],
)
def test_looks_arabizi(folded, expected):
    assert looks_arabizi(folded) is expected


def test_langid_short_arabizi_beats_a_wrong_hint(langid):
    assert langid.detect("nta hmar o mkalakh", hint="en") == "ary-Latn"
    assert langid.detect("sir t9awed a lhmar", hint="fr") == "ary-Latn"


def test_langid_cluster_shaped_names_alone_do_not_make_arabizi(langid):
    assert langid.detect("Mbappé et Ndiaye marquent ce soir pour le club") == "fr"
