"""Where ads go on an article page, and whether they show at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from manchette.news.models import NewsSettings
from manchette.news.snippets import AdPosition, AdSlot

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.http import HttpRequest
    from wagtail.blocks import StreamValue


@dataclass(frozen=True, slots=True)
class AdPlacement:
    """The active ad slots of a request, grouped by automatic position."""

    enabled: bool
    after_paragraph: dict[int, list[AdSlot]] = field(default_factory=dict)
    after_body: list[AdSlot] = field(default_factory=list)
    sidebar: list[AdSlot] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BodyItem:
    """One thing to render in an article body: a stream block or an ad."""

    block: StreamValue.StreamChild | None = None
    ad: AdSlot | None = None


def ads_enabled(request: HttpRequest) -> bool:
    """Return whether the request's site shows ads (``NewsSettings.ads_enabled``)."""
    return bool(NewsSettings.for_request(request).ads_enabled)


def placement_for(request: HttpRequest) -> AdPlacement:
    """Return the active slots for the request's site; none when ads are off."""
    if not ads_enabled(request):
        return AdPlacement(enabled=False)
    placement = AdPlacement(enabled=True)
    for slot in AdSlot.objects.active():
        paragraph = slot.paragraph_index
        if paragraph is not None:
            placement.after_paragraph.setdefault(paragraph, []).append(slot)
        elif slot.position == AdPosition.AFTER_BODY:
            placement.after_body.append(slot)
        elif slot.position == AdPosition.SIDEBAR:
            placement.sidebar.append(slot)
    return placement


def body_items(
    body: Iterable[StreamValue.StreamChild], placement: AdPlacement
) -> list[BodyItem]:
    """Interleave ``body`` blocks with the ads placed after its Nth paragraph.

    Ad-slot blocks chosen by the editor become ads too, unless ads are off or
    the slot is inactive; then they are dropped.
    """
    items: list[BodyItem] = []
    paragraphs = 0
    for child in body:
        if child.block_type == "ad":
            slot = child.value
            if placement.enabled and slot is not None and slot.active:
                items.append(BodyItem(ad=slot))
            continue
        items.append(BodyItem(block=child))
        if child.block_type == "paragraph":
            paragraphs += 1
            items.extend(
                BodyItem(ad=slot)
                for slot in placement.after_paragraph.get(paragraphs, [])
            )
    return items
