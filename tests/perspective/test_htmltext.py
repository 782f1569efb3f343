"""HTML comments to plain text with a map back to the source offsets."""

import pytest

from manchette.perspective.htmltext import html_to_text


def test_html_to_text_drops_tags_and_decodes_references():
    plain = html_to_text("<p>L&#39;été &amp; <em>la</em> mer</p>")

    assert plain.text == "L'été & la mer "


def test_html_to_text_separates_blocks_but_not_inline_tags():
    plain = html_to_text("un<br>deux<b>trois</b><div>quatre</div>")

    assert plain.text == "un deuxtrois quatre "


def test_html_to_text_drops_scripts_styles_and_comments():
    plain = html_to_text("a<script>alert(1)</script>b<style>p{}</style>c<!-- x -->d")

    assert plain.text == "abcd"


@pytest.mark.parametrize("word", ["b&ecirc;te", "idiot", "كلب"])
def test_html_to_text_maps_spans_back_to_the_source(word):
    source = f"<p>Tu es <strong>{word}</strong>.</p>"
    plain = html_to_text(source)
    decoded = word.replace("&ecirc;", "ê")
    begin = plain.text.index(decoded)

    start, end = plain.source_span(begin, begin + len(decoded))

    assert source[start:end] == word
