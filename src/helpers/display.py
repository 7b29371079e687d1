"""Showing text and tables in a notebook: one Markdown path, one table path.

* :func:`escape_markdown` — any text renders literally (``<script>`` and ``a_b*c`` as text);
* :func:`markdown_table` / :func:`show_table` — a frame in full as a Markdown table: numbers
  with thousands separators and right-aligned, text escaped and left-aligned, missing values
  as "–", no truncation;
* :func:`show_markdown` — display Markdown (print it outside IPython).

Nothing here reads data or computes a statistic.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .analysis import format_number
from .i18n import N_, _

__all__ = ["escape_markdown", "markdown", "markdown_table", "show_markdown", "show_table", "table", "text"]

#: words that mark a column of years in a header ("Year", "Release year"): its numbers are
#: shown as they are (2019, not "2 019"); a translated word counts in a column of whole numbers
# i18n: a word found inside table headers of year columns ("Year", "First year"), lower case: give the word (or its
# stem) as it appears in the translated headers, e.g. "vuo" for "Vuosi", "Julkaisuvuosi", "Ensimmäinen vuosi"
YEAR_WORD = N_("year")
# i18n: a word found inside table headers of release columns ("Release", "Release used"), lower case: give the word
# (or its stem) as it appears in the translated headers
RELEASE_WORD = N_("release")
# characters that can start inline markup in CommonMark / Jupyter markdown ($ starts math)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#!$])")


def text(value: Any) -> str:
    """A cell value as plain text ('' for None / NaN / NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def escape_markdown(value: Any) -> str:
    r"""Make any text render literally in Jupyter markdown (and its HTML export).

    HTML-special characters become entities (``<script>`` -> ``&lt;script&gt;``), markdown
    punctuation that can start inline markup (``\ ` * _ [ ] | ~ # ! $``) is
    backslash-escaped, line breaks become spaces (one table cell). The text is meant for
    table cells and list items, not for the start of a line.
    """
    value = text(value) if not isinstance(value, str) else value
    value = html.escape(value, quote=False)
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return re.sub(r"\s*[\r\n]+\s*", " ", value)


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _whole_numbers(series: pd.Series) -> bool:
    values = series.dropna()
    return bool(len(values)) and all(_is_number(v) and float(v).is_integer() for v in values)


def _year_column(name: str, series: pd.Series) -> bool:
    """A column of years or releases: its name contains "year" or "release", or the word in
    the run's language (:data:`YEAR_WORD`, :data:`RELEASE_WORD`) and it holds whole numbers."""
    low = name.lower()
    if "year" in low or "release" in low:
        return True
    words = [w.lower() for w in (_(YEAR_WORD), _(RELEASE_WORD)) if w and w not in (YEAR_WORD, RELEASE_WORD)]
    return any(w in low for w in words) and _whole_numbers(series)


def as_published(markdown_text: str, lang: str = "en") -> str:
    """Text shown as its publisher (or a quoted author) wrote it, in ``lang`` — by default
    English (a manifest title, a caveat, a quoted statement, a label as reported): on a page
    in another language it is marked ``lang="…"`` (WCAG 2.1, 3.1.2 Language of Parts), so
    screen readers pronounce it right and the page shows what is not translated."""
    from .i18n import language

    if not markdown_text or language() == lang:
        return markdown_text
    return f'<span lang="{lang}">{markdown_text}</span>'


class Published(str):
    """A table cell kept as published, in ``lang`` (:func:`as_published` marks it on pages in
    another language; the data file behind the table gets the plain text)."""

    lang: str

    def __new__(cls, text: Any, lang: str = "en"):
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj


class Markup(str):
    """A table cell the code wrote as Markdown (its parts already escaped or marked)."""


#: a quotation inside a sentence: 'single quotes' (not an apostrophe: industry's) or ”…” / “…”
_QUOTATION = re.compile(r"(?<!\w)'([^\s'](?:.*?[^\s])?)'(?!\w)|[”“]([^”“]+)”")


def mark_quotes(markdown_text: str) -> str:
    """``markdown_text`` with each quotation in another language than the page's marked with
    its language (:func:`as_published`): the English words a Finnish verdict quotes, the
    Finnish words an English one quotes."""
    def mark(m: re.Match) -> str:
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        lang = quote_language(inner)
        if lang is None:
            return m.group(0)
        whole = m.group(0)
        return whole[0] + as_published(inner, lang) + whole[-1]

    return _QUOTATION.sub(mark, markdown_text or "")


def published(values: Any, lang: str | None = "en") -> pd.Series:
    """A column of :class:`Published` texts (object dtype, so pandas keeps them); ``lang=None``
    guesses each text's language with :func:`quote_language` (quotations in a register that
    holds Finnish and English statements side by side)."""
    out = [v if _is_missing(v) else
           Published(v, lang or quote_language(str(v)) or "en") for v in values]
    return pd.Series(out, dtype=object, index=values.index if isinstance(values, pd.Series) else None)


# function words of one language only ("on", "till" are English words too), and Finnish endings
_FINNISH_WORDS = re.compile(r"\b(ja|noin|yli|lähes|tulee|ovat|vuonna|prosenttia|sekä|kaikki|alkaen|joista)\b",
                            re.IGNORECASE)
_FINNISH_ENDINGS = re.compile(r"\b\w{3,}(ssa|ssä|sta|stä|lla|llä|lta|ltä|iden|aan|ään|uus|yys|alan|inen|isen)\b",
                              re.IGNORECASE)
#: a Finnish compound of a foreign phrase and a Finnish word, written with a space and a hyphen
#: ("life science -klusterin"); Swedish and English join such words without the space
_FINNISH_COMPOUND = re.compile(r"\s-[^\W\d_]{3,}")
_SWEDISH_WORDS = re.compile(r"\b(och|är|av|från|procent|inom|över|för|med|som|det)\b", re.IGNORECASE)
_ENGLISH_WORDS = re.compile(r"\b(the|and|of|in|from|with|to|is|are|by|for|an|over|about|some|more|than|its|a)\b",
                            re.IGNORECASE)


def quote_language(text: str) -> str | None:
    """The language of a short quotation: "sv" if it has å or Swedish function words; "fi" if
    it has ä/ö, a compound written "life science -klusteri", or more Finnish function words and
    endings (-ssa, -sta, -uus …) than English function words; None if it has no words ('2/3');
    otherwise "en". A heuristic for the registers of published statements (Finnish and English
    side by side, no language column) and for quotations inside translated sentences;
    tests/test_display_languages.py holds it to every statement of the pinned register."""
    if not re.search(r"[^\W\d_]{2}", text):
        return None
    if "å" in text.lower() or len(_SWEDISH_WORDS.findall(text)) >= 2:
        return "sv"
    finnish = len(_FINNISH_WORDS.findall(text)) + len(_FINNISH_ENDINGS.findall(text))
    if re.search(r"[äöÄÖ]", text) or _FINNISH_COMPOUND.search(text) or finnish > len(_ENGLISH_WORDS.findall(text)):
        return "fi"
    return "en"


def markdown_table(frame: pd.DataFrame, decimals: int | Mapping[str, int] = 1, missing: str = "–",
                   plain: tuple[str, ...] = (), published: tuple[str, ...] = ()) -> str:
    """A Markdown table of ``frame`` (index dropped) with escaped text and formatted numbers.

    Number columns are right-aligned, text columns left-aligned. ``decimals`` is one number
    for every float column or a mapping column -> decimals (others: 1), the same for every
    row of a column (12.0 next to 12.5; give whole amounts 0). Columns whose name contains
    "year" or "release" (or, in a column of whole numbers, the run's language's word for it:
    :func:`_year_column`), and those named in ``plain``, are shown as they are (2019, not
    "2 019"). Text in the columns named in
    ``published`` is the publisher's own English (:func:`as_published`)."""
    cols = [str(c) for c in frame.columns]
    per_col = [(decimals.get(c, 1) if isinstance(decimals, Mapping) else decimals) for c in cols]
    as_is = [(_year_column(c, frame.iloc[:, i]) or c in plain) for i, c in enumerate(cols)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    lines = ["| " + " | ".join(escape_markdown(c) for c in cols) + " |",
             "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
    for row in frame.itertuples(index=False):
        cells = []
        for v, keep, dec in zip(row, as_is, per_col):
            if _is_missing(v):
                cells.append(missing)
            elif isinstance(v, pd.Timestamp):
                cells.append(v.strftime("%Y-%m-%d"))
            elif keep:
                cells.append(escape_markdown(str(int(v)) if _is_number(v) and float(v).is_integer() else str(v)))
            elif isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
                cells.append(format_number(int(v), 0))
            elif isinstance(v, (float, np.floating)):
                cells.append(format_number(float(v), dec))
            elif isinstance(v, Markup):
                cells.append(re.sub(r"\s*[\r\n]+\s*", " ", str(v)))
            elif isinstance(v, Published):
                cells.append(as_published(escape_markdown(str(v)), v.lang))
            else:
                cells.append(escape_markdown(str(v)))
        lines.append("| " + " | ".join(cells) + " |")
    if published:
        marked = [c in published for c in cols]
        for k in range(2, len(lines)):
            cells = lines[k][2:-2].split(" | ")
            if len(cells) == len(cols):
                lines[k] = "| " + " | ".join(as_published(x) if m and x != missing else x
                                             for x, m in zip(cells, marked)) + " |"
    return "\n".join(lines)


def show_markdown(text_: str) -> None:
    """Display Markdown in a notebook; print it when not running under IPython."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        print(text_)
        return
    if get_ipython() is None:
        print(text_)
    else:
        display(Markdown(text_))


def show_table(frame: pd.DataFrame, decimals: int | Mapping[str, int] = 1, missing: str = "–",
               plain: tuple[str, ...] = ()) -> None:
    """Display ``frame`` in full as a Markdown table (:func:`markdown_table`)."""
    show_markdown(markdown_table(frame, decimals, missing, plain))


def markdown(text_: str):
    """A Markdown object to end a cell with (IPython shows it; ``print`` shows the text)."""
    from IPython.display import Markdown

    return Markdown(text_)


class Table:
    """A table to end a cell with: Markdown for the page, plain text for nbval, and its data
    for download (:mod:`helpers.downloads`). ``.data`` is the Markdown text."""

    def __init__(self, frame: pd.DataFrame, markdown_text: str, *, name: str | None, title: str | None,
                 source: str | None, intro: str = ""):
        from . import downloads

        self.data = (intro + "\n\n" if intro else "") + markdown_text
        self.frame = frame
        title = title or ", ".join(str(c) for c in frame.columns[:3])
        self.download = downloads.payload(name or downloads.slug(title), frame, title=title, source=source)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from . import downloads

        return {"text/markdown": self.data, "text/plain": self.data, downloads.MIMETYPE: self.download}

    def __repr__(self) -> str:
        return self.data


def table(frame: pd.DataFrame, decimals: int | Mapping[str, int] = 1, missing: str = "–", plain: tuple[str, ...] = (),
          *, name: str | None = None, title: str | None = None, source: str | None = None, intro: str = "",
          data: pd.DataFrame | None = None, published: tuple[str, ...] = ()) -> Table:
    """``frame`` as a Markdown table (:func:`markdown_table`) to end a cell with, with its data
    for download: ``data`` (default: ``frame`` itself) saved as ``<name>.csv`` beside the
    report, titled ``title`` and credited to ``source``. ``intro`` is Markdown shown above."""
    return Table(frame if data is None else data, markdown_table(frame, decimals, missing, plain, published),
                 name=name, title=title, source=source, intro=intro)
