"""Alternative text for every figure (WCAG 2.1 success criterion 1.1.1).

Each chart function of :mod:`helpers.plotting` describes what it drew — the kind of chart,
its title (which names the measure, the area and the period), the largest and smallest
values, the highlighted area with its value, the number of areas without data, and the
source — and stores it on the figure (:func:`set_alt`). The notebook output of a figure
carries the text as ``metadata["image/png"]["alt"]`` and the report template writes it into
the ``<img alt>``. A figure without one gets its title and source line.

The texts are in the run's language: each is one message with the chart's kind, title,
description and source line as placeholders, the description made of clauses (each its own
message) separated by semicolons.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.analysis import format_number
from helpers.analysis.classes import NO_DATA

from ..i18n import _

_ATTR = "twb_alt"
SOURCE_GID = "source-line"  # the gid helpers.plotting.style gives the source line


def set_alt(fig: Figure, text: str) -> Figure:
    setattr(fig, _ATTR, " ".join(str(text).split()))
    return fig


def alt_text(fig: Figure) -> str:
    """The figure's alternative text (its title and source line when none was set)."""
    text = getattr(fig, _ATTR, None)
    if text:
        return text
    title = fig._suptitle.get_text() if fig._suptitle is not None else ""
    title = title or next((ax.get_title(loc="left") or ax.get_title() for ax in fig.axes), "")
    source = next((t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID), "")
    # i18n: the alternative text of a figure that describes nothing else; {source} is its "Source: …" line
    text = _("Figure: {title}. {source}").format(title=title, source=source)
    return " ".join(text.replace("\n", " ").split())


def _num(v: float, decimals: int | None, unit: str | None) -> str:
    if decimals is None:
        a = abs(v)
        decimals = 0 if a >= 100 else 1 if a >= 10 else 2
    text = format_number(float(v), decimals)
    return f"{text} {unit}".strip() if unit else text


def _clean(text: str) -> str:
    return " ".join(str(text).replace("\n", " ").split()).rstrip(".")


def in_sentence(text: str) -> str:
    """A label (an axis's or a legend's title) cleaned for the middle of a sentence: its first
    letter in lower case ("Unemployed, %" -> "unemployed, %") and everything else as written,
    so codes and abbreviations keep their capitals ("Pääluokan C työpaikkojen sijaintiosamäärä"
    -> "pääluokan C …", not "pääluokan c …"). A label whose first word is itself an
    abbreviation or a code ("ICT jobs", "CO2e", "J share") or a name with a capital inside
    ("Varsinais-Suomi") stays as it is."""
    text = _clean(text)
    word = text.split(" ", 1)[0]
    if not word[:1].isupper() or len(word) == 1 or any(ch.isupper() or ch.isdigit() for ch in word[1:]):
        return text
    return text[0].lower() + text[1:]


def _extremes(values: pd.Series, decimals, unit) -> str:
    known = values.dropna()
    if known.empty:
        # i18n: alternative text of a chart: the chart has no values at all
        return _("no values")
    hi, lo = known.idxmax(), known.idxmin()
    if hi == lo:
        return f"{hi}: {_num(known[hi], decimals, unit)}"
    # i18n: alternative text of a chart: the areas (or categories) with the highest and lowest value
    return _("highest {highest} ({highest_value}), lowest {lowest} ({lowest_value})").format(
        highest=hi, highest_value=_num(known[hi], decimals, unit), lowest=lo,
        lowest_value=_num(known[lo], decimals, unit))


def _highlighted(values: pd.Series, names: Iterable[str], decimals, unit) -> list[str]:
    """The clause naming the highlighted areas with their values ([] when none)."""
    parts = []
    for n in names:
        v = values.get(n)
        shown = _(NO_DATA) if v is None or (isinstance(v, float) and math.isnan(v)) else _num(v, decimals, unit)
        parts.append(f"{n} ({shown})")
    # i18n: alternative text of a chart: the areas drawn in another colour, each with its value
    return [_("highlighted: {areas}").format(areas=", ".join(parts))] if parts else []


def _missing(n: int, label: str) -> list[str]:
    """The clause counting the values without data ([] when none)."""
    # i18n: alternative text of a chart: how many areas have no value, then the legend's word for them
    # ("3 no data", "2 suppressed")
    return [_("{count} {missing_label}").format(count=n, missing_label=label)] if n else []


def bar(frame: pd.DataFrame, *, title: str, source: str, value_label: str, units: str | None,
        highlight: Sequence[str], decimals: int | None, missing_text: str) -> str:
    n = len(frame)
    if frame.shape[1] == 1:
        values = frame.iloc[:, 0]
        # i18n: alternative text of a bar chart: {measure} is the value axis's label in lower case
        clauses = [_("{n} bars of {measure}: {extremes}").format(
            n=n, measure=in_sentence(value_label), extremes=_extremes(values, decimals, units))]
        clauses += _highlighted(values, highlight, decimals, units)
        clauses += _missing(int(values.isna().sum()), missing_text)
    else:
        series = ", ".join(str(c) for c in frame.columns)
        # i18n: alternative text of a bar chart with one bar of each series per category
        clauses = [_("grouped bars for {n} categories and the series {series}").format(n=n, series=series)]
    # i18n: alternative text of a bar chart; {description} is made of clauses separated by semicolons,
    # {source} is its "Source: …" line
    return _("Bar chart: {title}. {description}. {source}.").format(
        title=_clean(title), description="; ".join(clauses), source=_clean(source))


def _x_text(index: pd.Index):
    """How a line chart's x values read in its text: years (and anything else) as they are,
    dates without a time of day, and a monthly series by its months ("2006-01", as the chart's
    title writes them), never "2006-01-01 00:00:00"."""
    if not isinstance(index, pd.DatetimeIndex):
        return lambda value: value
    stamps = index.dropna()
    if len(stamps) and (stamps.normalize() == stamps).all():
        pattern = "%Y-%m" if (stamps.day == 1).all() else "%Y-%m-%d"
        return lambda value: pd.Timestamp(value).strftime(pattern)
    return lambda value: pd.Timestamp(value).isoformat(sep=" ", timespec="minutes")


def line(frame: pd.DataFrame, *, title: str, source: str, y_label: str, units: str | None,
         decimals: int | None) -> str:
    x_text = _x_text(frame.index)
    parts = []
    for col in frame.columns:
        s = frame[col].dropna()
        if s.empty:
            # i18n: alternative text of a line chart: a line without any value
            parts.append(_("{series}: no values").format(series=col))
            continue
        first, last = s.index[0], s.index[-1]
        # i18n: alternative text of a line chart: one line's first and last value (usually years)
        parts.append(_("{series} {first_value} in {first} and {last_value} in {last}").format(
            series=col, first_value=_num(s.iloc[0], decimals, units), first=x_text(first),
            last_value=_num(s.iloc[-1], decimals, units), last=x_text(last)))
    x0, x1 = frame.index.min(), frame.index.max()
    lines = "; ".join(parts[:8])
    if len(parts) > 8:
        # i18n: alternative text of a line chart: the lines not described one by one
        lines += "; " + _("and {n} more lines").format(n=len(parts) - 8)
    # i18n: alternative text of a line chart: {measure} is the value axis's label, {first} and {last} the ends of
    # the x axis (usually years), {lines} the lines' descriptions, {source} the "Source: …" line
    return _("Line chart: {title}. {measure} from {first} to {last}: {lines}. {source}.").format(
        title=_clean(title), measure=_clean(y_label), first=x_text(x0), last=x_text(x1), lines=lines,
        source=_clean(source))


def choropleth(values: pd.Series, *, title: str, source: str, legend_title: str, labels: Sequence[str],
               highlight: Sequence[str], missing_label: str, decimals: int | None) -> str:
    missing = int(values.isna().sum())
    n = len(values)
    measure = in_sentence(legend_title)
    if labels:
        # i18n: alternative text of a map: {first} and {last} are the lowest and highest class ("1.2 – 3.4"),
        # {measure} the legend's title in lower case
        clauses = [_("{n} areas in {k} classes from {first} to {last} of {measure}").format(
            n=n, k=len(labels), first=labels[0], last=labels[-1], measure=measure)]
    else:
        clauses = [_("{n} areas in no classes of {measure}").format(n=n, measure=measure)]
    clauses.append(_extremes(values, decimals, None))
    clauses += _highlighted(values, highlight, decimals, None)
    clauses += _missing(missing, missing_label)
    # i18n: alternative text of a map; {description} is made of clauses separated by semicolons,
    # {source} is its "Source: …" line
    return _("Map: {title}. {description}. {source}.").format(
        title=_clean(title), description="; ".join(clauses), source=_clean(source))


def locator(*, title: str, source: str, context_n: int, detail_names: Sequence[str], highlight: str | None) -> str:
    names = ", ".join(detail_names[:12])
    if len(detail_names) > 12:
        # i18n: alternative text of a map: the first twelve area names, then how many more there are
        names = _("{names} and {n} more").format(names=names, n=len(detail_names) - 12)
    if highlight:
        # i18n: alternative text of a two-panel locator map: {area} is filled on the left map among {n} areas,
        # the right map zooms in on {n_detail} areas
        return _("Locator map: {title}. Left: {area} filled among {n} areas. Right: {n_detail} areas — {names}. "
                 "{source}.").format(title=_clean(title), area=highlight, n=context_n, n_detail=len(detail_names),
                                     names=names, source=_clean(source))
    # i18n: alternative text of a two-panel locator map without a highlighted area
    return _("Locator map: {title}. Left: {n} areas. Right: {n_detail} areas — {names}. {source}.").format(
        title=_clean(title), n=context_n, n_detail=len(detail_names), names=names, source=_clean(source))


def values_by_label(gdf, column: str, label_col: str | None) -> pd.Series:
    names = gdf[label_col].astype(str) if label_col else gdf.index.astype(str)
    return pd.Series(gdf[column].to_numpy(dtype="float64"), index=np.asarray(names))
