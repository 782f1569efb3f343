"""French plural forms of the moderation catalog (nplurals=3 in Django's fr)."""

import pytest
from django.utils import translation
from django.utils.translation import ngettext

# (singular, plural, keyword) of every plural message of the moderation app.
PLURALS = [
    (
        "%(counter)s comment awaits a decision.",
        "%(counter)s comments await a decision.",
        "counter",
    ),
    ("%(counter)s open appeal", "%(counter)s open appeals", "counter"),
    ("%(counter)s approved", "%(counter)s approved", "counter"),
    ("%(counter)s rejected", "%(counter)s rejected", "counter"),
    ("%(counter)s pending", "%(counter)s pending", "counter"),
    ("%(count)d decision recorded.", "%(count)d decisions recorded.", "count"),
]


@pytest.mark.parametrize(("singular", "plural", "key"), PLURALS)
@pytest.mark.parametrize("number", [0, 1, 2, 7, 1_000_000])
def test_french_plurals_are_translated_for_every_count(
    singular: str, plural: str, key: str, number: int
) -> None:
    # Django's French has three forms (0-1, millions, the rest): a catalog entry
    # with only two msgstr fell back to English for 2, 7, 42... ("7 comments
    # await a decision." in the French queue).
    with translation.override("fr"):
        text = ngettext(singular, plural, number) % {key: number}
    english = (singular if number == 1 else plural) % {key: number}
    assert text != english
