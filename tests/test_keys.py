"""Citation keys: Google Scholar default, Better BibTeX style, patterns, suffixes, pending papers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from readlist.errors import ReadlistError
from readlist.keys import _CORPORATE, _pybtex_parts, check_key, make_key, parse_name
from tests.cli import Cli
from tests.fakeserver import FakeServer


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


def test_pending_without_authors_uses_two_title_words_and_the_year() -> None:
    assert make_key("The Foundation of Things", [], 2024, never) == "foundationthings2024"
    assert make_key("The Foundation of Things", [], None, never, style="bbt") == "foundationthings"
    assert make_key("Don't Stop Pretraining", [], None, never) == "donstop"  # one-letter pieces are not words
    assert make_key("Learning", [], 2023, never) == "learning2023"
    assert make_key("Learning", [], None, never) == "learningpaper"  # never one bare common word
    assert make_key("2048", [], 2020, never) == "paper20482020"  # never all digits (it would read as a number)


def test_keys_that_would_read_as_a_paper_reference_are_refused() -> None:
    for key, rule in (("12", "digits"), ("1706.03762", "arXiv id"), ("hep-th/9901001", "arXiv id"),
                      ("10.1000/xyz", "DOI"), ("with space", "ASCII"), ("café", "ASCII")):  # fmt: skip
        with pytest.raises(ReadlistError, match=rule):
            check_key(key)
    assert check_key("park2024hilp") == "park2024hilp" and check_key("Park:2024") == "Park:2024"


def test_names() -> None:
    assert parse_name("Ludwig van Beethoven").von == "van"
    assert parse_name("Martin Luther King Jr.").jr == "Jr."
    assert parse_name("Gemini Team").literal == "Gemini Team"
    assert make_key("T", ["Diego de la Vega"], 2020, never) == "vega2020t"  # particles are not in the key


@pytest.fixture
def online(tmp_path: Path, fake_server: FakeServer) -> Cli:
    return Cli(
        tmp_path,
        READLIST_ARXIV_URL=fake_server.arxiv_url,
        READLIST_S2_URL=fake_server.s2_url,
        READLIST_ARXIV_INTERVAL="0",
        READLIST_S2_INTERVAL="0",
    )


def keys(cli: Cli) -> list[str]:
    res = cli("list", "--json")
    assert res.exit_code == 0, res.stderr
    return [p["key"] for p in json.loads(res.stdout)]


def test_key_style_option_assigns_better_bibtex_keys_that_never_change(online: Cli) -> None:
    res = online("add", "--key-style", "bbt", "2402.15567")
    assert res.exit_code == 0, res.stderr
    assert keys(online) == ["parkFoundationPoliciesHilbert2024"]
    # the default style for later papers leaves the stored key alone, even when the paper is added again
    assert online("add", "https://arxiv.org/abs/2402.15567v2").exit_code == 0
    assert online("resolve", "--status", "matched").exit_code == 0
    assert keys(online) == ["parkFoundationPoliciesHilbert2024"]


def test_key_style_from_environment_and_config_file(tmp_path: Path) -> None:
    bib = tmp_path / "in.bib"
    bib.write_text("@article{,\n  title = {Language Models are Few-Shot Learners},\n  author = {Brown, Tom B.},\n"
                   "  year = {2020}\n}\n", encoding="utf-8")  # fmt: skip
    env_cli = Cli(tmp_path / "env", READLIST_KEY_STYLE="bbt")
    assert env_cli("import", str(bib)).exit_code == 0
    assert keys(env_cli) == ["brownLanguageModelsAre2020"]
    config = tmp_path / "config.toml"
    config.write_text('key_style = "bbt"\n', encoding="utf-8")
    file_cli = Cli(tmp_path / "file", READLIST_CONFIG=str(config))
    assert file_cli("import", "--key-style", "default", str(bib)).exit_code == 0  # the option wins
    assert keys(file_cli) == ["brown2020language"]


def test_unknown_key_style_is_a_one_line_error_before_anything_is_stored(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    res = cli("add", "--no-resolve", "--key-style", "zotero", "2402.15567")
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == ["Error: unknown key style 'zotero'; known: default, bbt"]
    assert not cli.library.exists() or keys(cli) == []


_word = st.text(st.characters(categories=("Lu", "Ll", "Lt", "Nd", "Pd", "Po")), min_size=1, max_size=8)


@given(st.lists(_word, min_size=1, max_size=4))
def test_fast_name_split_agrees_with_pybtex(words: list[str]) -> None:
    """parse_name skips pybtex for capitalized "First Middle Last" names; pybtex must agree on every such name."""
    name = " ".join(w.capitalize() for w in words)
    assume("," not in name and len(name.split()) == len(words) > 0)
    assume(len(words) < 3 or words[-1].lower() not in ("jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"))
    # kept whole before either split, by design: corporate names ("Gemini Team", "Group") and "X and Y"
    assume(not _CORPORATE.search(name) and not re.search(r"\band\b", name, re.IGNORECASE))
    assert parse_name(name) == _pybtex_parts(name), name
