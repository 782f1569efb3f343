"""WordPress HTML to body blocks: pure functions, no database."""

from manchette.importers.wxr.content import Block, html_to_blocks, html_to_text


def test_html_to_blocks_restores_classic_paragraphs():
    blocks = html_to_blocks("Première ligne\nsuite\n\nDeuxième paragraphe")

    assert blocks == [
        Block("paragraph", "<p>Première ligne<br>suite</p>"),
        Block("paragraph", "<p>Deuxième paragraphe</p>"),
    ]


def test_html_to_blocks_strips_gutenberg_comments_and_more_tags():
    content = (
        "<!-- wp:paragraph -->\n<p>Avant</p>\n<!-- /wp:paragraph -->\n"
        "<!--more-->\n<!--nextpage-->\n"
        '<!-- wp:heading {"level":3} -->\n<h3>Titre</h3>\n<!-- /wp:heading -->'
    )

    assert html_to_blocks(content) == [
        Block("paragraph", "<p>Avant</p>"),
        Block("subheading", "Titre"),
    ]


def test_html_to_blocks_turns_caption_shortcode_into_image():
    content = (
        '[caption id="attachment_42" width="300"]<img src="https://ex.org/a.jpg" '
        'alt="" /> Le port au lever du jour[/caption]'
    )

    assert html_to_blocks(content) == [
        Block(
            "image",
            "https://ex.org/a.jpg",
            caption="Le port au lever du jour",
            attachment_id=42,
        )
    ]


def test_html_to_blocks_removes_unknown_shortcodes_but_keeps_prose_brackets():
    content = (
        '[sondage id="3"]Texte [...] cité [1] ici[/sondage]\n\n[gallery ids="1,2"]'
    )

    assert html_to_blocks(content) == [
        Block("paragraph", "<p>Texte [...] cité [1] ici</p>")
    ]


def test_html_to_blocks_makes_embeds_from_shortcode_and_bare_url():
    content = (
        "[embed]https://vimeo.com/123[/embed]\n\nhttps://www.youtube.com/watch?v=abc"
    )

    assert html_to_blocks(content) == [
        Block("embed", "https://vimeo.com/123"),
        Block("embed", "https://www.youtube.com/watch?v=abc"),
    ]


def test_html_to_blocks_sanitises_scripts_handlers_and_javascript_links():
    content = (
        '<p onclick="x()">Lien <a href="javascript:alert(1)">piégé</a> et '
        '<a href="https://ex.org" style="color:red">sûr</a>'
        "<script>alert(2)</script></p>"
        "<style>p{}</style><iframe src='https://ex.org'></iframe>"
    )

    blocks = html_to_blocks(content)

    assert len(blocks) == 1
    html = blocks[0].value
    assert "onclick" not in html
    assert "javascript" not in html
    assert "script" not in html
    assert "style" not in html
    assert '<a href="https://ex.org">sûr</a>' in html


def test_html_to_blocks_keeps_quotes_and_lists():
    content = (
        "<blockquote><p>Une phrase.</p><p>Une autre.</p></blockquote>"
        "<ul><li>un</li><li>deux</li></ul>"
    )

    assert html_to_blocks(content) == [
        Block("quote", "Une phrase. Une autre."),
        Block("paragraph", "<ul><li>un</li><li>deux</li></ul>"),
    ]


def test_html_to_blocks_keeps_arabic_text():
    blocks = html_to_blocks("<p>مرحبا بكم في الحي</p>")

    assert blocks == [Block("paragraph", "<p>مرحبا بكم في الحي</p>")]


def test_html_to_text_keeps_paragraphs_and_decodes_entities():
    text = html_to_text("<p>Bonjour &amp; <b>merci</b></p><p>deux<br/>lignes</p>")

    assert text == "Bonjour & merci\n\ndeux\nlignes"
