"""The .bib fast path (readlist.ingest.bibscan) reads every file it accepts exactly as bibtexparser does.

``parse_bib`` takes the fast path when ``scan`` accepts the text and bibtexparser otherwise; ``slow`` below is the
bibtexparser path alone, the reference both must match (entries, problems and line numbers).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synth import generate
from readlist.export import get_exporter
from readlist.export.base import ExportOptions
from readlist.ingest.bibscan import scan
from readlist.ingest.bibtex import _bibtexparser_records, _decode, _entries, latex_to_text, parse_bib
from readlist.model import Entry, Paper
from tests.test_export_properties import papers

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REPO = Path(__file__).resolve().parents[1]


def result(entries: list[Entry], problems: list) -> tuple[list[Entry], list[tuple[str, int | None, str]]]:
    return entries, [(p.source, p.line, p.message) for p in problems]


def slow(text: str) -> tuple[list[Entry], list[tuple[str, int | None, str]]]:
    return result(*_entries(*_bibtexparser_records(text, "x.bib"), "x.bib"))


def assert_fast_path_reads_like_bibtexparser(text: str) -> None:
    """``scan`` accepts ``text`` and gives bibtexparser's records, and parse_bib gives the same as bibtexparser."""
    records, problems = _bibtexparser_records(text, "x.bib")
    assert problems == []
    assert scan(text) == records
    assert result(*parse_bib(text, "x.bib")) == slow(text)


# Generated .bib text: keys and field names with any character bibtexparser takes as part of them, values with
# nested braces, quotes, commas, "=", "@", "%", "#", accents, LaTeX and line breaks.
space = st.sampled_from(["", " ", "  ", "\n", "\t", "\n  ", "\r\n", "\u00a0", "\u2003", " \n\n\t"])
name_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\,={}@')
names = st.text(name_chars, min_size=1, max_size=8).filter(lambda s: not any(c.isspace() for c in s))
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
    names,
)  # fmt: skip


@st.composite
def bib_files(draw: st.DrawFn) -> str:
    keys = draw(st.lists(names, min_size=1, max_size=5, unique=True))
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
def test_generated_files_take_the_fast_path_and_read_as_bibtexparser_reads_them(text: str) -> None:
    assert_fast_path_reads_like_bibtexparser(text)


hazards = st.sampled_from(
    ["@string{s = {x}}", "@comment{", "@preamble{", "@misc(k,", "\n@misc{", "\n  @article{", "@", "#", " # ",
     "{", "}", '"', "{\"}", "\\", "\\\n", "\\{", "\\}", "\\\\", ",", "=", "\n", "title = ", "title = {", "}}", "x@y.z",
     "@misc{k,", "@misc{k}", "@misc{,", "@misc{k, title = {T}}", "crossref = {k}", "TITLE = {U}",
     "@comment{a {b} c}", "@Comment{jabref-meta: x;}"]
)  # fmt: skip


@SETTINGS
@given(bib_files(), st.lists(st.tuples(st.integers(0, 10**6), hazards), min_size=1, max_size=3))
def test_any_file_imports_the_same_on_both_paths(text: str, inserts: list[tuple[int, str]]) -> None:
    for at, piece in inserts:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    records = scan(text)
    if records is not None:
        assert records == _bibtexparser_records(text, "x.bib")[0]
    assert result(*parse_bib(text, "x.bib")) == slow(text)


@pytest.mark.parametrize(
    "text",
    [
        '@string{venue = "NeurIPS"}\n@misc{k, title = {T}, booktitle = venue}',
        "@preamble{x}\n@misc{k, title = {T}}",
        "@comment{x {y}\n@misc{k, title = {T}}",
        "@comment{x\n@misc{k, title = {T}}}",
        "@comment(x)\n@misc{k, title = {T}}",
        "@misc(k, title = {T})",
        "@misc{k, title = {T} # {U}}",
        "@misc{k, title = {T}\n@misc{j, title = {U}}",
        "@misc{k, title = {T}}\n@misc{k, title = {U}}",
        "@misc{k, title = {T}, Title = {U}}",
        "@misc{k, title = {T}, title = {U}}",
        "mail me@example.org\n@misc{k, title = {T}}",
        "@misc{title = {T}}",
        "@misc{, title = {T}}",
        "@misc{k, title = {T\n  @article{j, x}}",
        "@misc{k, title = {T}, note = {a\\\nb}}",
        '@misc{k, title = "a {"} b"}',
        "@misc{k, title = {" + "{" * 9 + "x" + "}" * 9 + "}}",
        "@misc{k, title = {T}, = {x}}",
        "@misc{k, title = {T},, year = 2020}",
        "@misc{k, title = {T} year = 2020}",
        "@misc2{k, title = {T}}",
    ],
)
def test_the_fast_path_declines_what_bibtexparser_may_read_otherwise(text: str) -> None:
    assert scan(text) is None
    assert result(*parse_bib(text, "x.bib")) == slow(text)


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
    "commentary": "@commentary{x, title = {T}}\n@misc{k, title = {T}}",  # "@comment..." starts a comment
}


@pytest.mark.parametrize("tool", sorted(TOOL_EXPORTS))
def test_other_tools_exports_take_the_fast_path(tool: str) -> None:
    assert_fast_path_reads_like_bibtexparser(TOOL_EXPORTS[tool])


def test_the_benchmark_library_and_the_seed_export_take_the_fast_path() -> None:
    assert_fast_path_reads_like_bibtexparser("\n".join(paper.bib() for paper in generate(300, seed=7)))
    assert_fast_path_reads_like_bibtexparser((REPO / "exports" / "reading-list.bib").read_text(encoding="utf-8"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(papers(), min_size=1, max_size=3, unique_by=lambda p: p.key), st.booleans(), st.booleans())
def test_readlists_own_exports_take_the_fast_path(paper_list: list[Paper], biblatex: bool, ascii: bool) -> None:
    out = io.StringIO()
    get_exporter("biblatex" if biblatex else "bibtex").write(paper_list, out, ExportOptions(ascii=ascii))
    assert_fast_path_reads_like_bibtexparser(out.getvalue())


# Accents as BibDesk, Google Scholar and readlist's BibTeX export write them (command groups), amid other LaTeX
latex_pieces = st.sampled_from(
    ['{\\"u}', "{\\'e}", "{\\v{r}}", "{\\'\\i}", "{\\O}", "{\\ss}", "{\\c c}", "{\\c{c}}", "{\\~n}", "{\\`e}",
     "{\\^{\\d{e}}}", "{\\H{o}}", "{\\&}", "{\\%}", "{\\$}", "{\\relax}", "{\\textbraceleft}", "{\\bf}", "{\\\\}",
     '{\\"}', '{\\"{}}', "{\\c}", "{\\unknown}", "{\\-}", "{\\ }", "{\\,}", "{\\}", "{\\{}", "{\\i{}}", "{\\'}",
     "{\\relax Ł}", "{\\relax\tÅ}", "{\\bf x y}", "{\\ss }", '{\\"u }', "{\\em\n\nx}", "{\\c\nc}", "{\\v {r}}",
     "{BERT}", "{", "}", "\\'e", "\\", "--", "''", "``", "`", "~", "%", "$x$", "$", "\ue000", " ", "\n", "\n\n",
     "\u00a0", "a", ",", " and "]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(latex_pieces, latex_pieces, st.text(max_size=4)), max_size=25).map("".join))
def test_command_groups_decode_alone_as_in_their_value(text: str) -> None:
    assert outcome(latex_to_text, text) == outcome(_decode, text)  # _decode: pylatexenc on the whole value


def outcome(decode: Callable[[str], str], text: str) -> str | type[Exception]:
    """The decoded text, or the exception raised: pylatexenc fails on a few commands (``\\date``, ``\\href``)."""
    try:
        return decode(text)
    except (AttributeError, IndexError) as exc:
        return type(exc)
