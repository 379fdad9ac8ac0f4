"""The .bib reader (readlist.ingest.bibscan) reads files as BibTeX does, and as bibtexparser and pybtex read them
where those agree with BibTeX: keys, types, fields as written, macros, concatenation, preambles, comments."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.ingest.bibscan import scan
from readlist.ingest.bibtex import parse_bib
from readlist.model import Paper
from tests.bibcorpus import bibtexparser_fields, pybtex_fields
from tests.test_export_properties import papers

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fields_read(text: str, expressions: bool = True) -> dict[str, dict[str, str]]:
    """key -> {lower-case field name: value as written, or (``expressions``) the expression when it names a macro;
    else the text it stands for, month macros as month names, as pybtex gives them}."""
    out: dict[str, dict[str, str]] = {}
    for block in scan(text).blocks:
        if block.key is not None:
            out.setdefault(
                block.key, {f.name.lower(): (f.expression if expressions else None) or f.value for f in block.fields}
            )
    return out


# Generated .bib text: keys and field names with any character bibtexparser takes as part of them, values with
# nested braces, quotes, commas, "=", "@", "%", "#", accents, LaTeX and line breaks.
space = st.sampled_from(["", " ", "  ", "\n", "\t", "\n  ", "\r\n", "\u00a0", "\u2003", " \n\n\t"])
name_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\,={}@')
names = st.text(name_chars, min_size=1, max_size=8).filter(lambda s: not any(c.isspace() for c in s))
# a field name: no character BibTeX takes for syntax ("#%'(),={}), as btxdoc defines an identifier
ident_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\"\\,={}@#%'()")
idents = st.text(ident_chars, min_size=1, max_size=8).filter(lambda s: not any(c.isspace() for c in s))
words = st.one_of(
    st.sampled_from(["a", "Zoë", "Ü", ",", "=", '"', "'", "@", "x@y.org", "LeQua @ ", "%", "#", "$x^2$", "&", "~",
                     "--", "\\'e", '\\"u', "\\v{r}", "\\&", "\\%", "\\_", "\n", " ", "  ", "\t", "(", ")", "2020"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="{}\\\"@"), max_size=12),
)  # fmt: skip
braced_text = st.recursive(
    st.lists(words, max_size=6).map("".join),
    lambda inner: st.lists(st.one_of(words, inner.map(lambda s: "{" + s + "}")), max_size=5).map("".join),
    max_leaves=12,
)
quoted_text = st.lists(st.one_of(words, braced_text.map(lambda s: "{" + s + "}")), max_size=6).map(
    lambda parts: "".join(parts).replace('"', "'")
)
values = st.one_of(
    braced_text.map(lambda s: "{" + s + "}"),
    quoted_text.filter(lambda s: not s.endswith("{")).map(lambda s: '"' + s + '"'),
    st.from_regex(r"[A-Za-z0-9_.:/+-]{1,8}", fullmatch=True),
).filter(lambda s: not re.search(r"\n\s*@\w*[ \t]*[{(]", s))  # a line bibtexparser takes for a new block
field_names = st.one_of(
    st.sampled_from(["title", "Title", "author", "abstract", "year", "month", "doi", "eprint", "archivePrefix",
                     "keywords", "note", "url", "journal", "booktitle", "readlist-state", "readlist-status",
                     "crossref", "date", "volume", "pages", "file", "bdsk-url-1"]),
    idents,
)  # fmt: skip


@st.composite
def bib_files(draw: st.DrawFn) -> str:
    keys = draw(st.lists(names, min_size=1, max_size=5, unique_by=str.lower))  # BibTeX: keys without case
    out = [draw(st.sampled_from(["", "% exported\n", "\n\n", 'junk text, {braces} and "quotes"\n']))]
    for key in keys:
        entry_type = draw(st.sampled_from(["article", "Misc", "INPROCEEDINGS", "online", "book", "thesis"]))
        field_list = draw(st.lists(field_names, max_size=6, unique_by=str.lower))
        fields = []
        for name in field_list:
            value = "{" + draw(st.sampled_from(keys)) + "}" if name == "crossref" else draw(values)
            fields.append(f"{draw(space)}{name}{draw(space)}={draw(space)}{value}{draw(space)}")
        trailing = draw(st.sampled_from(["", ",", ",\n"]))
        gap = draw(st.sampled_from(["", " ", "\t"]))
        head = f"@{entry_type}{gap}{{{draw(space)}{key}{draw(space)},"
        out.append(head + ",".join(fields) + (trailing if fields else "") + draw(space) + "}")
        out.append(draw(st.sampled_from(["\n", "\n\n", " ", "\n% comment\n", "", '@comment{a {b, c} "d}\n'])))
    return "".join(out)


@SETTINGS
@given(bib_files())
def test_generated_files_read_as_bibtexparser_reads_them(text: str) -> None:
    assert scan(text).problems == []
    assert fields_read(text) == bibtexparser_fields(text)


hazards = st.sampled_from(
    ["@string{s = {x}}", "@comment{", "@preamble{", "@misc(k,", "\n@misc{", "\n  @article{", "@", "#", " # ",
     "{", "}", '"', "{\"}", "\\", "\\\n", "\\{", "\\}", "\\\\", ",", "=", "\n", "title = ", "title = {", "}}",
     "x@y.z", "@misc{k,", "@misc{k}", "@misc{,", "@misc{k, title = {T}}", "crossref = {k}", "TITLE = {U}",
     "@comment{a {b} c}", "@Comment{jabref-meta: x;}", "month = jul", "year = 2020a"]
)  # fmt: skip


@SETTINGS
@given(bib_files(), st.lists(st.tuples(st.integers(0, 10**6), hazards), min_size=1, max_size=3))
def test_any_file_is_read_without_crashing_and_every_block_points_at_its_line(
    text: str, inserts: list[tuple[int, str]]
) -> None:
    for at, piece in inserts:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    scanned = scan(text)
    lines = text.split("\n")
    for block in scanned.blocks:
        assert "@" in lines[block.line - 1]
    for line, _ in scanned.problems:
        assert 1 <= line <= len(lines)
    parsed = parse_bib(text, "x.bib")
    assert len(parsed.entries) <= len([b for b in scanned.blocks if b.type != "preamble"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # @string macros are expanded (names without case), # joins pieces, numbers are text
        ('@string{Venue = "Neur" # {IPS}}\n@misc{k, booktitle = venue # " 2020", year = 2020}',
         {"k": {"booktitle": "NeurIPS 2020", "year": "2020"}}),
        # month macros and undefined macros stay macros (the expression is written back as it was)
        ('@misc{k, month = jul, journal = IEEE_J_PAMI, note = "10~" # jan}',
         {"k": {"month": "jul", "journal": "IEEE_J_PAMI", "note": "{10~} # jan"}}),
        # a repeated field keeps the first value, as BibTeX does (names compare without case)
        ("@misc{k, title = {T}, Title = {U}}", {"k": {"title": "T"}}),
        # ( ) entries, values as written (newlines, braces, backslashes)
        ("@misc(k, title = {A {B}\n  \\'e})", {"k": {"title": "A {B}\n  \\'e"}}),
        # a quote inside braces is text; braces count as BibTeX counts them (a backslash does not escape one)
        ('@misc{k, title = "a {"} b", note = {x \\{ y \\} z}}', {"k": {"title": 'a {"} b', "note": "x \\{ y \\} z"}}),
        # comments are skipped as biber skips them; text outside blocks is ignored; an e-mail address is text
        ("@comment{x {y} @misc{no, title={N}}}\nmail me@example.org\n@misc{k, title = {T}}", {"k": {"title": "T"}}),
        ("@Comment{jabref-meta: databaseType:bibtex;}\n@misc{k, title = {T}}", {"k": {"title": "T"}}),
        # an entry type that starts with "comment" is an entry (bibtexparser skips it as a comment)
        ("@commentary{x, title = {T}}", {"x": {"title": "T"}}),
    ],
)  # fmt: skip
def test_macros_concatenation_and_repeated_fields_read_as_bibtex_reads_them(
    text: str, expected: dict[str, dict[str, str]]
) -> None:
    assert fields_read(text) == expected


def test_preambles_are_kept_and_broken_blocks_skipped_with_their_line() -> None:
    text = '@preamble{ "\\newcommand{\\noopsort}[1]{}" # "x" }\n@misc{a, title = {A}\n@misc{b, title = {B}}\n'
    scanned = scan(text)
    assert [b.value for b in scanned.blocks if b.type == "preamble"] == ["{\\newcommand{\\noopsort}[1]{}x}"]
    assert [b.key for b in scanned.blocks if b.key] == ["b"]
    assert [line for line, _ in scanned.problems] == [2]
    assert "entry 'a'" in scanned.problems[0][1]


def test_keys_as_bibtex_reads_them_and_repeats_and_missing_keys_keep_the_entry() -> None:
    text = (
        "@misc{k, title = {One}}\n@misc{K, title = {Two}}\n@misc{k, title = {One}}\n"
        "@misc{, title = {No key}}\n@misc{title = {No key either}}\n@misc{k, title={T}, title={U}}\n"
    )
    parsed = parse_bib(text, "x.bib")
    assert [e.key for e in parsed.entries] == ["k", None, None, None, None]
    assert [e.title for e in parsed.entries] == ["One", "Two", "No key", "No key either", "T"]
    messages = [str(w) for w in parsed.warnings]
    assert "x.bib:2: entry 'K': repeats the key of the entry at line 1" in messages[0]
    assert "x.bib:3: entry 'k': repeats the entry at line 1 exactly; kept once" in messages[1]
    assert any("repeated; the first value is kept" in m for m in messages)
    assert parsed.problems == []


def test_crossref_is_matched_without_case_and_inherited_for_matching_only() -> None:
    text = (
        "@inproceedings{a, title = {Paper}, crossref = {CONF}}\n"
        "@proceedings{conf, title = {The Conference}, year = 1999}"
    )
    child = parse_bib(text, "x.bib").entries[0]
    assert child.venue == "The Conference" and child.date.year == 1999
    assert ("crossref", "CONF", None) in child.bib.fields and len(child.bib.fields) == 2


# How other tools write .bib files (shapes typical of each; the text is made up)
TOOL_EXPORTS = {
    "zotero": """@article{vaswani_attention_2017,
\ttitle = {Attention is {All} you {Need}},
\turl = {http://arxiv.org/abs/1706.03762},
\tdoi = {10.48550/arXiv.1706.03762},
\tabstract = {The dominant sequence transduction models are based on complex recurrent networks, {i.e.} RNNs.},
\turldate = {2024-01-01},
\tpublisher = {arXiv},
\tauthor = {Vaswani, Ashish and Shazeer, Noam and Müller, Jörg},
\tmonth = dec,
\tyear = {2017},
\tnote = {arXiv:1706.03762 [cs]},
\tkeywords = {Computer Science - Computation and Language, Computer Science - Machine Learning},
\tfile = {arXiv Fulltext PDF:/home/me/Zotero/storage/ABCD1234/Vaswani et al. - 2017.pdf:application/pdf},
}
""",
    "better-bibtex": """@inproceedings{heDeepResidualLearning2016,
  title = {Deep {{Residual Learning}} for {{Image Recognition}}},
  booktitle = {Proceedings of the {{IEEE Conference}} on {{Computer Vision}} and {{Pattern Recognition}}},
  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  year = {2016},
  pages = {770--778},
  doi = {10.1109/CVPR.2016.90},
  urldate = {2023-05-02},
  langid = {english},
  keywords = {cv,to-read}
}
""",
    "google-scholar": """@article{muller2019when,
  title={When does label smoothing help?},
  author={M{\\"u}ller, Rafael and Kornblith, Simon and Hinton, Geoffrey E and Garc{\\'\\i}a, Ana},
  journal={Advances in neural information processing systems},
  volume={32},
  year={2019}
}
""",
    "arxiv": """@misc{vaswani2023attention,
      title={Attention Is All You Need},
      author={Ashish Vaswani and Noam Shazeer and Niki Parmar},
      year={2023},
      eprint={1706.03762},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/1706.03762},
}
""",
    "dblp": """@inproceedings{DBLP:conf/nips/VaswaniSPUJGKP17,
  author       = {Ashish Vaswani and
                  Noam Shazeer},
  title        = {Attention is All you Need},
  booktitle    = {Advances in Neural Information Processing Systems 30, Long Beach, CA, {USA}},
  pages        = {5998--6008},
  year         = {2017},
  url          = {https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html},
  timestamp    = {Thu, 21 Jan 2021 15:15:21 +0100},
  biburl       = {https://dblp.org/rec/conf/nips/VaswaniSPUJGKP17.bib},
  bibsource    = {dblp computer science bibliography, https://dblp.org}
}
""",
    "acm": """@inproceedings{10.1145/3292500.3330701,
author = {Ke, Guolin and Xu, Zhenhui},
title = {DeepGBM: A Deep Learning Framework Distilled by GBDT for Online Prediction Tasks},
year = {2019},
isbn = {9781450362016},
publisher = {Association for Computing Machinery},
address = {New York, NY, USA},
url = {https://doi.org/10.1145/3292500.3330701},
doi = {10.1145/3292500.3330701},
booktitle = {Proceedings of the 25th ACM SIGKDD},
pages = {384–394},
numpages = {11},
keywords = {gradient boosting, neural network},
location = {Anchorage, AK, USA},
series = {KDD '19}
}
""",
    "mendeley": """@article{Smith2020,
abstract = {We study $\\alpha$-divergences, 100{\\%} of the time.},
archivePrefix = {arXiv},
arxivId = {2001.00001},
author = {Smith, John and {\\O}stergaard, S{\\o}ren},
doi = {10.1000/xyz123},
eprint = {2001.00001},
file = {:home/me/Mendeley/Smith2020.pdf:pdf},
journal = {Journal of Things},
mendeley-groups = {ML},
number = {3},
pages = {1--10},
title = {{Some Title with a {\\'{e}}l{\\`e}ve}},
volume = {5},
year = {2020}
}
""",
    "jabref": """@Article{Lovelace1843,
  author    = {Ada Lovelace},
  journal   = {Scientific Memoirs},
  title     = {Sketch of the Analytical Engine},
  year      = {1843},
  volume    = {3},
  groups    = {History},
}

@Comment{jabref-meta: databaseType:bibtex;}

@Comment{jabref-meta: grouping:
0 AllEntriesGroup:;
1 StaticGroup:History\\;0\\;1\\;\\;\\;\\;;
}
""",
    "bibdesk-quoted": """@article{Knuth:1984,
\tAuthor = "Donald E. Knuth",
\tJournal = "The Computer Journal",
\tTitle = "Literate Programming",
\tYear = 1984,
\tPages = "97--111",
\tVolume = 27}

@comment{BibDesk Static Groups{
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><array><dict><key>group name</key><string>Classics</string></dict></array></plist>
}}
""",
}


@pytest.mark.parametrize("tool", sorted(TOOL_EXPORTS))
def test_other_tools_exports_read_as_bibtexparser_and_pybtex_read_them(tool: str) -> None:
    text = TOOL_EXPORTS[tool]
    read = fields_read(text)
    assert read == bibtexparser_fields(text)
    by_pybtex = pybtex_fields(text)
    for key, fields in fields_read(text, expressions=False).items():
        assert {k: v for k, v in fields.items() if k not in ("author", "editor")} == {
            k: v for k, v in by_pybtex[key].items() if k not in ("author", "editor")
        }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(papers(), min_size=1, max_size=3, unique_by=lambda p: p.key), st.booleans(), st.booleans())
def test_readlists_own_exports_take_the_fast_path(paper_list: list[Paper], biblatex: bool, ascii: bool) -> None:
    out = io.StringIO()
    get_exporter("biblatex" if biblatex else "bibtex").write(paper_list, out, ExportOptions(ascii=ascii))
    text = out.getvalue()
    assert scan(text).problems == []
    assert set(fields_read(text)) == {p.key for p in paper_list}
    assert {k: {n: v for n, v in f.items() if "#" not in v} for k, f in fields_read(text).items()} == {
        k: {n: v for n, v in f.items() if "#" not in v} for k, f in bibtexparser_fields(text).items()
    }
