"""Decoding LaTeX never deletes what it cannot read, and an imported field is written back byte for byte.

Property tests (hypothesis) over field values made of plain words and every kind of LaTeX .bib files hold:
accents, letters, escapes, symbol commands, logos, formatting commands, unknown commands, math, ``%``, ``~``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.ingest.bibscan import scan
from readlist.latex import _decoded, latex_to_text
from readlist.model import BibRecord, Paper
from readlist.text import braces_balanced

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

latex_pieces = st.sampled_from(
    ["{", "}", "{BERT}", "--", "---", "''", "``", "!`", "?`", "~", "\\&", "&", "%", "5%", "\\%", "\\'e", '{\\"u}',
     "\\O", "{\\o}", "\\ss{}", "\\c c", "\\v{s}", "{\\'\\i}", "$x^2$", "$", "$O(n \\log n)$", "\\textbraceleft",
     "\\textless{}", "$<$", "$\\backslash$", "\\{", "\\}", "\\_", "\\#", "{\\TeX}book", "\\LaTeX{}", "\\mbox{G-A}",
     "\\emph{x}", "\\url{http://a.b/~c_d}", "\\path|a@b.c|", "\\href{http://x}{y}", "\\noopsort{1973b}",
     "\\unknown", "\\foo{bar}{baz}", "\\relax", "\\-", "\\ ", "\\\\", "\\,", "1.64", "\n\n", " ", "\t", "\\'{}",
     "\\vphantom{\\}}", "\\vphantom{ab}", "\\", "Łódź", "ệ", "中文", "🚀"]
)  # fmt: skip
field_text = st.lists(st.one_of(latex_pieces, st.text(max_size=6)), max_size=20).map("".join)
_COMMAND_NAME = re.compile(r"\\[A-Za-z]+")


def letters_and_digits(text: str) -> Counter:
    """The letters and digits of ``text``, accents taken off (NFKD), without case."""
    text = unicodedata.normalize("NFKD", text)
    return Counter(ch.casefold() for ch in text if ch.isalnum())


@SETTINGS
@given(field_text)
def test_decoding_keeps_every_letter_and_digit_outside_command_names(value: str) -> None:
    decoded = latex_to_text(value)
    missing = letters_and_digits(_COMMAND_NAME.sub(" ", value)) - letters_and_digits(decoded)
    assert not missing, (value, decoded)


@SETTINGS
@given(field_text)
def test_the_quick_paths_decode_as_the_decoder_does(value: str) -> None:
    assert latex_to_text(value) == _decoded(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("The {\\TeX}book and \\LaTeX{} tricks", "The TeXbook and LaTeX tricks"),
        ("5% on ImageNet", "5% on ImageNet"),
        ("{\\mbox{G-Animal's} Journal}", "G-Animal's Journal"),
        ("an error of 1.64 \\% at $p < 0.05$", "an error of 1.64 % at $p < 0.05$"),
        ("math it does not know: $\\mathfrak{g}$ and \\(x\\)", "math it does not know: $\\mathfrak{g}$ and \\(x\\)"),
        ("{\\'E}douard Bie{\\'n} K{\\\"o}nig \\c{C}a\\u{g}lar {\\L}ukasz {\\aa}", "Édouard Bień König Çağlar Łukasz å"),
        ("a \\textless{}b\\textgreater{} \\textasciitilde{} \\textbackslash{} \\textbraceleft{}", "a <b> ~ \\ {"),
        ("$<$ $>$ \\{x\\} \\~{} \\^{} $\\backslash$", "< > {x} ~ ^ \\"),
        ("\\noopsort{1973b}1973", "\\noopsort{1973b}1973"),
        ("https://doi.org/10.1000/a\\_b", "https://doi.org/10.1000/a_b"),
    ],
)
def test_what_the_issue_found_deleted_is_decoded_or_kept(value: str, text: str) -> None:
    assert latex_to_text(value) == text


bib_values = field_text.filter(lambda v: braces_balanced(v) and v[-1:] != "\\")


@SETTINGS
@given(st.lists(bib_values, min_size=1, max_size=4), st.sampled_from(["bibtex", "biblatex"]), st.booleans())
def test_an_imported_field_is_exported_byte_for_byte(values: list[str], flavor: str, ascii: bool) -> None:
    fields = [(f"field{i}", v, None) for i, v in enumerate(values)] + [("month", "July", "jul")]
    paper = Paper(1, "k", "T", bib=BibRecord("Article", fields))
    out = io.StringIO()
    get_exporter(flavor).write([paper], out, ExportOptions(ascii=ascii))
    text = out.getvalue()
    for name, value, _ in fields[:-1]:
        assert f"  {name} = {{{value}}}" in text
    assert "  month = jul" in text
    block = scan(text).blocks[0]
    assert block.type == "Article"
    assert [(f.name, f.value, f.expression) for f in block.fields][: len(fields)] == fields
