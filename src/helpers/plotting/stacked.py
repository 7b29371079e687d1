"""Bars divided or coloured by category, in the house style (see helpers.plotting).

* :func:`stacked_bar_chart` — one horizontal bar per row, divided into one segment per
  column (e.g. the heating mix of four areas as 100 % bars);
* :func:`category_bar_chart` — one horizontal bar per label, coloured by the group it
  belongs to (e.g. emissions by sub-sector, coloured by sector).

Both draw the numbers they are given and compute nothing: a 100 % bar must be given shares
that already add up to 100 (the workbook computes them with :func:`helpers.analysis.share`).
A missing value is refused rather than drawn as an empty segment that would read as 0.
Every figure gets a legend below the plot, a generated alt text and its data attached
(:mod:`helpers.downloads`), and is stored as SVG like the other bar charts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import ticker as mticker
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from helpers.analysis import format_number

from .. import downloads
from ..i18n import _
from . import alt
from .style import (
    PALETTE,
    WIDTH,
    _axis_label,
    _bold_labels,
    _check_numeric_data,
    _require_text,
    _set_title,
    figure,
    finalise,
    legend_below_plot,
    set_format,
    thousands_formatter,
    use_style,
)

__all__ = ["stacked_bar_chart", "category_bar_chart"]

#: how far a row of shares may be from 100 before it is refused (rounded inputs)
PERCENT_TOLERANCE = 0.5


def _text_colour(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (relative luminance)."""
    r, g, b = mcolors.to_rgb(colour)
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#111111" if lum > 0.45 else "white"


def _colours(n: int, colours: Sequence[str] | None, what: str) -> list[str]:
    if colours is None:
        if n > len(PALETTE):
            raise ValueError(f"{n} {what} but the palette has {len(PALETTE)} colours; pass colours=[...]")
        return PALETTE[:n]
    colours = list(colours)
    if len(colours) != n:
        raise ValueError(f"colours has {len(colours)} entries for {n} {what}")
    for c in colours:
        if not mcolors.is_color_like(c):
            raise ValueError(f"colours: {c!r} is not a colour")
    return colours


def _labels(index) -> list[str]:
    labels = [str(v) for v in index]
    if len(set(labels)) != len(labels):
        raise ValueError(f"data has repeated labels: {sorted({lab for lab in labels if labels.count(lab) > 1})}")
    return labels


def _wanted(highlight, labels: list[str]) -> set[str]:
    if highlight is None:
        return set()
    wanted = [highlight] if isinstance(highlight, str) or not isinstance(highlight, Sequence) else list(highlight)
    for h in wanted:
        if str(h) not in labels:
            raise ValueError(f"highlight={h!r} is not a label of data; labels are {labels[:12]}")
    return {str(h) for h in wanted}


# ----------------------------------------------------------------------------- stacked bars


def _stacked_alt(frame: pd.DataFrame, *, title: str, source: str, units: str | None, decimals: int,
                 highlight: set[str]) -> str:
    parts = []
    for label, row in frame.iterrows():
        top = row.sort_values(ascending=False)
        shown = ", ".join(f"{c} {alt._num(v, decimals, units)}" for c, v in top.iloc[:3].items())
        # i18n: alternative text of a stacked bar chart: a bar drawn with its name in bold
        name = _("{label} (highlighted)").format(label=label) if label in highlight else str(label)
        parts.append(f"{name}: {shown}")
    rows = "; ".join(parts[:10])
    if len(parts) > 10:
        # i18n: alternative text of a stacked bar chart: the bars not described one by one
        rows += "; " + _("and {n} more bars").format(n=len(parts) - 10)
    # i18n: alternative text of a stacked bar chart: {parts} are the segments' names, {rows} each bar's three
    # largest segments with their values
    body = _("{n} bars, each divided into {parts}; largest parts — {rows}").format(
        n=len(frame), parts=", ".join(str(c) for c in frame.columns), rows=rows)
    # i18n: alternative text of a stacked bar chart; {source} is its "Source: …" line
    return _("Stacked bar chart: {title}. {description}. {source}.").format(
        title=alt._clean(title), description=body, source=alt._clean(source))


def stacked_bar_chart(
    data: pd.DataFrame,
    *,
    title: str,
    source: str,
    value_label: str,
    units: str | None = "%",
    percent: bool = True,
    colours: Sequence[str] | None = None,
    highlight=None,
    decimals: int = 1,
    label_min: float | None = None,
    size=None,
) -> Figure:
    """Horizontal stacked bars: one bar per row of ``data`` (top to bottom in the order given),
    one segment per column (left to right in column order, colours from ``colours`` or the
    palette), with a legend below the plot.

    ``percent=True`` (a 100 % bar): every row must hold shares that add up to 100 (within
    ±0.5 for rounded inputs); the axis runs from 0 to 100. Values are drawn as given — this
    function never divides. Missing and negative values are refused. Segments at least
    ``label_min`` wide (default 5 % of the axis) are labelled with their value;
    ``highlight`` (row labels) shows those rows' names in bold.
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame (rows = bars, columns = parts); got {type(data).__name__}")
    frame = _check_numeric_data(data)
    frame.index = _labels(frame.index)
    frame.columns = [str(c) for c in frame.columns]
    vals = frame.to_numpy()
    if np.isnan(vals).any():
        bad = [f"{r} / {c}" for r in frame.index for c in frame.columns if pd.isna(frame.loc[r, c])]
        raise ValueError(f"a stacked bar cannot show a missing part; missing: {bad[:6]}")
    if (vals < 0).any():
        raise ValueError("a stacked bar cannot show negative parts")
    totals = vals.sum(axis=1)
    if percent:
        off = [f"{r} ({format_number(t, 2)})" for r, t in zip(frame.index, totals) if abs(t - 100) > PERCENT_TOLERANCE]
        if off:
            raise ValueError(f"percent=True needs rows of shares adding up to 100; rows off: {off}")
    axis_max = 100.0 if percent else float(totals.max() or 1.0)
    label_min = 0.05 * axis_max if label_min is None else float(label_min)
    cols = _colours(frame.shape[1], colours, "parts")
    highlight_set = _wanted(highlight, list(frame.index))

    n = len(frame)
    legend_rows = int(np.ceil(frame.shape[1] / 3))
    fig, ax = figure(size or (WIDTH, 1.9 + 0.55 * n + 0.3 * legend_rows))
    positions = np.arange(n, dtype=float)
    left = np.zeros(n)
    for j, col in enumerate(frame.columns):
        width = frame[col].to_numpy()
        bars = ax.barh(positions, width, left=left, height=0.66, color=cols[j], edgecolor="white", linewidth=0.6)
        for bar, w, x0 in zip(bars.patches, width, left):
            if w >= label_min:
                ax.text(x0 + w / 2, bar.get_y() + bar.get_height() / 2, format_number(w, decimals),
                        ha="center", va="center", fontsize=9, color=_text_colour(cols[j]))
        left = left + width
    ax.set_yticks(positions, frame.index)
    _bold_labels(ax.get_yticklabels(), highlight_set)
    ax.invert_yaxis()
    ax.set_xlim(0, axis_max)
    ax.xaxis.set_major_formatter(thousands_formatter(0 if percent else None))
    ax.set_xlabel(_axis_label(value_label, units))
    ax.grid(axis="y", visible=False)
    handles = [Patch(facecolor=c, edgecolor="white", label=lab) for c, lab in zip(cols, frame.columns)]
    _set_title(fig, ax, title, True)
    alt.set_alt(fig, _stacked_alt(frame, title=title, source=source, units=units, decimals=decimals,
                                  highlight=highlight_set))
    downloads.attach(fig, frame.rename_axis("label"), title=title, source=source)
    set_format(fig, "svg")  # bars and text: vector output, like bar_chart
    finalise(fig, source=source)
    legend_below_plot(fig, handles, ncol=min(3, len(handles)))
    return fig


# ----------------------------------------------------------------------------- bars coloured by group


def category_bar_chart(
    values: pd.Series,
    groups: pd.Series,
    *,
    title: str,
    source: str,
    value_label: str,
    units: str | None = None,
    group_label: str | None = None,
    colours: dict | None = None,
    decimals: int | None = None,
    size=None,
) -> Figure:
    """One horizontal bar per label of ``values`` (top to bottom in the order given), coloured
    by the label's group in ``groups`` (same index), with a legend of the groups below the
    plot and every bar labelled with its value. Negative values are drawn to the left of
    zero (their value written right of it). ``colours`` maps group -> colour (default: the
    palette in order of appearance). Missing values are refused (drop them and say so).
    ``group_label`` names what the groups are (default "group" in the run's language)."""
    # i18n: what the colours of a bar chart stand for, when the chart does not say (the default)
    group_label = _("group") if group_label is None else group_label
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    frame = _check_numeric_data(values)
    labels = _labels(frame.index)
    if not isinstance(groups, pd.Series) or list(map(str, groups.index)) != labels:
        raise ValueError("groups must be a Series with the same labels as values, in the same order")
    vals = frame.iloc[:, 0].to_numpy()
    if np.isnan(vals).any():
        raise ValueError(f"values has missing entries: {[lab for lab, v in zip(labels, vals) if np.isnan(v)]}")
    order = list(dict.fromkeys(str(g) for g in groups))
    if colours is None:
        colours = dict(zip(order, _colours(len(order), None, "groups")))
    colours = {str(k): v for k, v in colours.items()}
    unknown = [g for g in order if g not in colours]
    if unknown:
        raise ValueError(f"colours has no entry for the groups {unknown}")

    n = len(labels)
    legend_rows = len(order) if max(map(len, order)) > 28 else int(np.ceil(len(order) / 2))
    if size is None:
        size = (WIDTH, min(14.0, 1.9 + 0.34 * n + 0.3 * legend_rows))
    fig, ax = figure(size)
    use_style()
    finite = np.abs(vals)
    span = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    dec = decimals if decimals is not None else (0 if span >= 100 else 1 if span >= 10 else 2)
    positions = np.arange(n, dtype=float)
    ax.barh(positions, vals, height=0.72, color=[colours[str(g)] for g in groups])
    for pos, v in zip(positions, vals):  # a negative bar's value is written right of zero
        ax.text(max(v, 0.0) + 0.01 * span, pos, format_number(v, dec), va="center", ha="left",
                fontsize=9.5, color="#333333")
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mticker.MaxNLocator(4))
    ax.xaxis.set_major_formatter(thousands_formatter(decimals))
    ax.set_xlabel(_axis_label(value_label, units))
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.14)
    if (vals < 0).any():
        ax.axvline(0, color="#666666", linewidth=0.8)
    handles = [Patch(facecolor=colours[g], label=g) for g in order]
    _set_title(fig, ax, title, True)
    series = pd.Series(vals, index=labels)
    counts = ", ".join(f"{g} ({sum(str(x) == g for x in groups)})" for g in order)
    # i18n: alternative text of a bar chart whose colours mark groups: {measure} is the value axis's label in
    # lower case, {group} what the groups are, {counts} each group with its number of bars
    description = _("{n} bars of {measure} coloured by {group}: {counts}").format(
        n=n, measure=alt.in_sentence(value_label), group=group_label, counts=counts)
    clauses = [description, alt._extremes(series, dec, units)]
    # i18n: alternative text of a bar chart; {description} is made of clauses separated by semicolons,
    # {source} is its "Source: …" line
    alt.set_alt(fig, _("Bar chart: {title}. {description}. {source}.").format(
        title=alt._clean(title), description="; ".join(clauses), source=alt._clean(source)))
    shown = pd.DataFrame({"label": labels, group_label: [str(g) for g in groups],
                          _axis_label(value_label, units): vals})
    downloads.attach(fig, shown, title=title, source=source)
    set_format(fig, "svg")  # bars and text: vector output, like bar_chart
    finalise(fig, source=source)
    legend_below_plot(fig, handles, ncol=min(2, len(handles)))
    return fig
