"""StreamField blocks of article and standard-page bodies."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript"]


class QuoteBlock(blocks.StructBlock):
    """A pulled quotation with who said it."""

    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False)

    class Meta:  # noqa: D106
        icon = "openquote"
        label = _("Quote")
        template = "news/blocks/quote.html"


class FigureBlock(blocks.StructBlock):
    """An image in the body; caption and credit default to the image's own."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    credit = blocks.CharBlock(label=_("Credit"), required=False)

    class Meta:  # noqa: D106
        icon = "image"
        label = _("Image")
        template = "news/blocks/figure.html"


class BodyEmbedBlock(EmbedBlock):
    """An oEmbed video or post, rendered without inline styles (CSP)."""

    class Meta:  # noqa: D106
        icon = "media"
        label = _("Embed")
        template = "news/blocks/embed.html"


class AdSlotBlock(SnippetChooserBlock):
    """An ad slot placed by hand in the body; hidden when ads are off."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("news.AdSlot", **kwargs)

    class Meta:  # noqa: D106
        icon = "pick"
        label = _("Ad slot")


class _BodyBlock(blocks.StreamBlock):
    """Blocks shared by every body."""

    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, label=_("Paragraph"))
    subheading = blocks.CharBlock(
        label=_("Subheading"), icon="title", template="news/blocks/subheading.html"
    )
    quote = QuoteBlock()
    image = FigureBlock()
    embed = BodyEmbedBlock()


class ArticleBodyBlock(_BodyBlock):
    """The body of an article: text, subheadings, quotes, media and ad slots."""

    ad = AdSlotBlock()


class StandardBodyBlock(_BodyBlock):
    """The body of a plain page (about, legal notice, imported WordPress page)."""
