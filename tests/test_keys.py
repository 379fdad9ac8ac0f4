"""Citation keys: Google Scholar default, Better BibTeX style, patterns, suffixes, pending papers."""

from __future__ import annotations

import pytest

from readlist.errors import ReadlistError
from readlist.keys import make_key, parse_name


def never(_: str) -> bool:
    return False


def test_default_is_google_scholar_style() -> None:
    assert make_key("Foundation Policies with Hilbert Representations", ["Seohong Park"], 2024, never) == (
        "park2024foundation"
    )
    assert make_key("On the Łódź Problem", ["Łucja Nowak-Żak"], 2021, never) == "nowakzak2021lodz"


def test_bbt_style() -> None:
    key = make_key("Language Models are Few-Shot Learners", ["Tom B. Brown"], 2020, never, style="bbt")
    assert key == "brownLanguageModelsAre2020"


def test_pattern_and_clashes() -> None:
    taken = {"park2024foundation", "park2024foundationa"}
    assert make_key("Foundation Policies", ["Seohong Park"], 2024, taken.__contains__) == "park2024foundationb"
    assert make_key("Foundation Policies", ["Seohong Park"], 2024, never, pattern="{Auth}_{year}_{shorttitle}") == (
        "Park_2024_foundationpolicies"
    )
    with pytest.raises(ReadlistError, match="placeholders"):
        make_key("T", ["A B"], 2024, never, pattern="{nope}")
    with pytest.raises(ReadlistError, match="known"):
        make_key("T", ["A B"], 2024, never, style="nope")


def test_pending_without_authors_uses_title_word_and_year() -> None:
    assert make_key("The Foundation of Things", [], 2024, never) == "foundation2024"
    assert make_key("The Foundation of Things", [], None, never, style="bbt") == "foundation"


def test_names() -> None:
    assert parse_name("Ludwig van Beethoven").von == "van"
    assert parse_name("Martin Luther King Jr.").jr == "Jr."
    assert parse_name("Gemini Team").literal == "Gemini Team"
    assert make_key("T", ["Diego de la Vega"], 2020, never) == "vega2020t"  # particles are not in the key
