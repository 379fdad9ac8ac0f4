"""Plain Unicode text -> LaTeX that BibTeX, biber, pdflatex and Zotero's parser all read back.

Specials are escaped with commands that keep braces balanced (BibTeX counts ``\\{`` as a brace, so
``{`` becomes ``\\textbraceleft{}``). ``$...$`` math is kept when it looks like math. With ``ascii``,
letters become the escapes every tool decodes (``{\\'e}``, ``{\\'i}``, ``{\\L}``, stacked ``{\\^{\\d{e}}}``);
letters with no escape (CJK, ...) stay UTF-8. Stacked accents are escaped in UTF-8 mode too, because
pdflatex's UTF-8 support has no glyph for them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from readlist.text import braces_balanced

# combining mark -> accent command; one-char commands take their argument without braces
ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u", "\u0307": ".",
    "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d", "\u0327": "c", "\u0328": "k",
    "\u0331": "b",
}  # fmt: skip
LETTERS = {
    "ı": r"\i", "ȷ": r"\j", "Ł": r"\L", "ł": r"\l", "Ø": r"\O", "ø": r"\o", "Æ": r"\AE", "æ": r"\ae",
    "Œ": r"\OE", "œ": r"\oe", "ß": r"\ss", "Đ": r"\DJ", "đ": r"\dj", "Þ": r"\TH", "þ": r"\th", "Ð": r"\DH",
    "ð": r"\dh", "Ŋ": r"\NG", "ŋ": r"\ng", "Å": r"\AA", "å": r"\aa",
}  # fmt: skip
SYMBOLS = {
    "\u00a0": "~", "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots",
    "·": r"\textperiodcentered", "•": r"\textbullet", "×": r"\texttimes", "±": r"\textpm", "°": r"\textdegree",
    "€": r"\texteuro", "£": r"\pounds", "©": r"\textcopyright", "®": r"\textregistered", "™": r"\texttrademark",
    "§": r"\S", "¶": r"\P", "¿": r"\textquestiondown", "¡": r"\textexclamdown", "«": r"\guillemotleft",
    "»": r"\guillemotright", "÷": r"\textdiv", "µ": r"\textmu", "†": r"\dag", "‡": r"\ddag",
}  # fmt: skip
GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega", "∞": "infty", "≤": "leq", "≥": "geq", "≈": "approx", "→": "rightarrow",
    "←": "leftarrow", "∈": "in", "∑": "sum", "∂": "partial", "∇": "nabla", "≠": "neq",
}  # fmt: skip
# The escapes Zotero's BibTeX import, BibTeX, biber and readlist's own decoder all read back: no \text... commands.
# A brace is \{ or \}; in a value whose braces do not pair up, each is paired with an invisible one
# (``\{\vphantom{\}}``, as Zotero writes them), since BibTeX counts every brace, escaped or not.
SPECIALS = {
    "\\": r"$\backslash$", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
    "~": r"\~{}", "^": r"\^{}", "<": r"$<$", ">": r"$>$",
}  # fmt: skip
# math that importers (readlist's among them) read as the one character it escapes: such text is not kept as math
_ONE_CHARACTER_MATH = frozenset(["$<$", "$>$", "$\\backslash$", "$|$", "$\\sim$"])
_LONE_BRACE = {r"\{": r"\{\vphantom{\}}", r"\}": r"\vphantom{\{}\}"}
# Commands allowed inside kept $...$ math; anything else is written as text, so no title can run TeX code.
MATH_COMMANDS = frozenset(GREEK.values()) | frozenset(
    "varepsilon vartheta varphi ell times cdot cdots ldots pm mp le ge ll gg sim simeq propto infty "
    "left right leftrightarrow Rightarrow to mapsto mathbf mathcal mathbb mathrm mathit mathsf boldsymbol "
    "text textit textbf frac sqrt log exp min max sum prod int lim hat tilde bar vec dot star circ ast "
    "langle rangle lfloor rfloor lceil rceil mid vert Vert top perp emptyset forall exists neg wedge vee "
    "cap cup subset subseteq supset supseteq notin prime nabla partial equiv approx neq % # & _ { } , ; !".split()
)
_MATH = re.compile(r"\$([^$\s](?:[^$]*[^$\s])?)\$")
# What bibtexparser (and the importers built on it) reads as the start of a new entry when it begins a line, even
# inside a braced value ("@misc(", "@{"): the BibTeX writer puts every such "@" in braces, wherever it is (other
# tools re-wrap long values), and math holding one is written as text.
BLOCK_START = re.compile(r"@(?=\w*[ \t]*[{(])")
_MATH_CMD = re.compile(r"\\([A-Za-z]+|.)")
_WORD = re.compile(r"\w+")
_LIGATURE = re.compile(r"([?!])`")
_ASCII_SPECIAL = re.compile(r"[\\{}$&%#_~^<>\x00-\x1f\x7f]")


def balanced(text: str) -> bool:
    """Braces nest and close both when ``\\{``/``\\}`` count (BibTeX) and when they do not (bibtexparser)."""
    return braces_balanced(text) and ("\\" not in text or braces_balanced(text.replace("\\{", "").replace("\\}", "")))


def visible(text: str) -> str:
    """``text`` as the escapes leave it: control characters as spaces, invisible format characters (Unicode
    category C) dropped, whitespace collapsed. A name is split after this, so that it splits as it prints."""
    text = " ".join(text.split())
    if text.isprintable():  # no character of category C (or a separator other than space) is left
        return text
    text = "".join(
        (" " if not ch.isprintable() else ch) if ch.isascii() else ("" if unicodedata.category(ch)[0] == "C" else ch)
        for ch in text
    )
    return " ".join(text.split())


def _is_math(body: str) -> bool:
    return (
        body.isascii()
        and balanced(body)
        and all(cmd in MATH_COMMANDS for cmd in _MATH_CMD.findall(body))
        and not body.endswith("\\")  # "\$" would not close the math
        and not re.search(r"(?<!\\)[%#&]", body)
    )


def _char(ch: str, ascii: bool, stacked: bool = True) -> str:
    if ch in SPECIALS:
        return SPECIALS[ch]
    if ch.isascii():
        return ch if ch.isprintable() else " "
    if unicodedata.category(ch)[0] == "C":
        return ""
    decomposed = unicodedata.normalize("NFD", ch)
    marks = decomposed[1:]
    if len(marks) > 1 and not stacked:
        return ch
    if not ascii and len(marks) < 2:
        return ch
    if ch in LETTERS:
        return "{" + LETTERS[ch] + "}"
    if ch in SYMBOLS:
        return "{" + SYMBOLS[ch] + "}" if SYMBOLS[ch].startswith("\\") else SYMBOLS[ch]
    if ch in GREEK:
        return "{$\\" + GREEK[ch] + "$}"
    base = decomposed[0]
    if marks and all(m in ACCENTS for m in marks) and (base.isascii() or base in LETTERS):
        out = LETTERS.get(base, base)  # {\'i}, not {\'\i}: the form every tool decodes
        for mark in marks:
            cmd = ACCENTS[mark]
            out = f"\\{cmd}{{{out}}}" if cmd.isalpha() or len(out) > 1 else f"\\{cmd}{out}"
        return "{" + out + "}"
    if ascii and _PICTOGRAPH.match(ch):
        return _text(ascii_for(ch), True)  # emoji and other pictographs: no font pdflatex loads has them
    return ch  # no escape (CJK, ...): UTF-8, see docs/exports.md for pdflatex


# Emoji, pictographs, dingbats, their joiners and variation selectors: what no font pdflatex loads can set
_PICTOGRAPH = re.compile("[\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d\U0001f000-\U0001faff]")


def ascii_for(ch: str) -> str:
    """A pictograph in ASCII, as ``--ascii`` writes it (anyascii: 🚀 -> ``:rocket:``); "" when it has none."""
    from anyascii import anyascii

    text = anyascii(ch)
    return text if text.isprintable() else ""


def unsettable(text: str) -> dict[str, str]:
    """The characters of ``text`` that pdflatex cannot set, each with what ``--ascii`` writes for it."""
    return {ch: ascii_for(ch) for ch in sorted(set(_PICTOGRAPH.findall(text)))} if not text.isascii() else {}


def _text(text: str, ascii: bool, stacked: bool = True) -> str:
    if text.isascii() and not _ASCII_SPECIAL.search(text):
        return text  # the common case, without a per-character pass
    return "".join(_char(ch, ascii, stacked) for ch in text)


def escape(text: str, ascii: bool = False, protect: bool = False, stacked: bool = True) -> str:
    """``text`` as a LaTeX field value on one line; ``protect`` braces words whose capitals must survive.

    ``stacked=False`` keeps letters with stacked accents (ệ) in UTF-8 even with ``ascii``: biber decodes
    ``{\\^{\\d{e}}}`` to ``\\^`` + "ẹ", which pdflatex cannot typeset, so biblatex output keeps the letter whole.

    Protected (for titles): acronyms and words with inner capitals (``{METRA}``, ``{RL}``, ``{ImageNet}``),
    single capitals other than "A", and, in a sentence-case title, capitalized words after the first.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    out: list[str] = []
    pos = 0
    sentence_case = protect and _is_sentence_case(text)
    for m in _MATH.finditer(text):
        if not _is_math(m.group(1)) or BLOCK_START.search(m.group(1)) or m.group(0) in _ONE_CHARACTER_MATH:
            continue
        out.append(_words(text[pos : m.start()], ascii, stacked, protect, sentence_case, first=pos == 0))
        out.append("{$" + m.group(1) + "$}" if protect else "$" + m.group(1) + "$")
        pos = m.end()
    out.append(_words(text[pos:], ascii, stacked, protect, sentence_case, first=pos == 0))
    result = "".join(out)
    if ("\\{" in result or "\\}" in result) and not braces_balanced(result):
        # in the text pieces only (math kept as typed balances either way; see _is_math)
        pair = functools.partial(re.sub, r"\\[{}]", lambda m: _LONE_BRACE[m.group()])
        result = "".join(pair(piece) if i % 2 == 0 else piece for i, piece in enumerate(out))
    return _LIGATURE.sub(r"\1{}`", result) if "`" in result else result  # "?`" is TeX's ligature for "¿"


def _words(text: str, ascii: bool, stacked: bool, protect: bool, sentence_case: bool, first: bool) -> str:
    if not protect:
        return _text(text, ascii, stacked)
    plain = text.isascii() and not _ASCII_SPECIAL.search(text)  # then nothing in it needs escaping
    out: list[str] = []
    pos = 0
    seen = not first  # text before this point that is not blank
    for m in _WORD.finditer(text):
        word = m.group()
        before = text[pos : m.start()]
        if before:
            piece = before if plain else _text(before, ascii, stacked)
            out.append(piece)
            seen = seen or bool(piece.strip())
        starts_sentence = not seen or before.rstrip().endswith((":", ".", "?", "!"))
        escaped = word if plain else _text(word, ascii, stacked)
        out.append("{" + escaped + "}" if _needs_protection(word, sentence_case, starts_sentence) else escaped)
        seen = True
        pos = m.end()
    out.append(text[pos:] if plain else _text(text[pos:], ascii, stacked))
    return "".join(out)


def _needs_protection(word: str, sentence_case: bool, starts_sentence: bool) -> bool:
    tail = word[1:]
    if not tail.islower() and any(ch.isupper() for ch in tail):
        return True  # METRA, RL, ImageNet, GPT4, 3D
    if not word[0].isupper():
        return False
    if not tail:
        return word != "A"
    return sentence_case and not starts_sentence


def _is_sentence_case(text: str) -> bool:
    """Most words after the first are lower case, so a capitalized one is a proper noun."""
    tail = [w for w in _WORD.findall(text)[1:] if w.isalpha() and len(w) > 3]
    return bool(tail) and sum(w[0].isupper() for w in tail) * 2 < len(tail)
