"""Bar and line charts in the house style (see helpers.plotting)."""


from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import ticker as mticker
from matplotlib.figure import Figure

from helpers.analysis import format_number
from helpers.analysis.classes import NO_DATA

from .. import downloads
from ..i18n import _
from . import alt
from .style import (
    BASE_COLOUR,
    HIGHLIGHT_COLOUR,
    PALETTE,
    WIDTH,  # noqa: F401
    _axis_label,
    _bold_labels,
    _check_numeric_data,
    _legend_below,
    _require_text,
    _set_title,
    figure,
    finalise,
    legend_below_plot,
    set_format,
    thousands_formatter,
    use_style,
)

# ----------------------------------------------------------------------------- bar chart


def bar_chart(
    data,
    *,
    title: str,
    source: str,
    value_label: str,
    units: str | None = None,
    horizontal: bool = True,
    sort: str | None = "descending",
    highlight=None,
    value_labels: bool = True,
    decimals: int | None = None,
    missing_text: str | None = None,
    size=None,
    ax=None,
) -> Figure:
    """Bar chart of a Series (one bar per label) or a DataFrame (grouped bars, one colour
    per column, with a legend).

    ``value_label`` (+ ``units``) labels the value axis, e.g. ``value_label="Employed
    persons"`` or ``value_label="Share", units="%"``. ``highlight`` (a label or list of
    labels of the index) draws those bars in vermillion with their labels in bold, and a legend
    names them against the others (single series only; no legend when ``ax`` is given). Missing
    values get no bar but the text ``missing_text`` (default "no data" in the run's language;
    "suppressed") - never a
    zero-length bar that would read as 0. ``sort``: ``"descending"``, ``"ascending"`` or
    ``None`` (keep the order given).
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    frame = _check_numeric_data(data)
    if sort not in ("descending", "ascending", None):
        raise ValueError(f"sort must be 'descending', 'ascending' or None; got {sort!r}")
    missing_text = _require_text(_(NO_DATA) if missing_text is None else missing_text, "missing_text")
    axis_label = _axis_label(value_label, units)
    labels = [str(v) for v in frame.index]
    if len(set(labels)) != len(labels):
        raise ValueError(f"data has repeated labels: {sorted({lab for lab in labels if labels.count(lab) > 1})}")
    frame.index = labels
    if sort is not None:
        key = frame.iloc[:, 0]
        frame = frame.loc[key.sort_values(ascending=(sort == "ascending"), na_position="last").index]
    highlight_set: set[str] = set()
    if highlight is not None:
        wanted = [highlight] if isinstance(highlight, str) or not isinstance(highlight, Sequence) else list(highlight)
        for h in wanted:
            if str(h) not in frame.index:
                raise ValueError(f"highlight={h!r} is not a label of data; labels are {list(frame.index)[:12]}")
            highlight_set.add(str(h))
        if frame.shape[1] > 1:
            raise ValueError("highlight works with a single series (a Series or one-column DataFrame)")

    if ax is None:
        n = len(frame)
        if size is None:
            size = (WIDTH, min(12.0, max(3.0, 0.32 * n * max(1, frame.shape[1] * 0.7) + 1.8))) if horizontal else "wide"
        fig, ax = figure(size)
        own = True
    else:
        use_style()
        fig, own = ax.figure, False
    nser = frame.shape[1]
    positions = np.arange(len(frame), dtype=float)
    height = 0.8 / nser
    vals_all = frame.to_numpy()
    finite = vals_all[np.isfinite(vals_all)]
    dec = decimals
    if dec is None:
        biggest = np.nanmax(np.abs(finite)) if finite.size else 0.0
        dec = 0 if finite.size == 0 or biggest >= 100 else (1 if biggest >= 10 else 2)
    span = (np.nanmax(np.abs(finite)) if finite.size else 1.0) or 1.0
    for j, col in enumerate(frame.columns):
        offs = positions - 0.4 + height * (j + 0.5)
        vals = frame[col].to_numpy()
        if nser == 1:
            colours = [HIGHLIGHT_COLOUR if lab in highlight_set else BASE_COLOUR for lab in frame.index]
        else:
            colours = PALETTE[j % len(PALETTE)]
        drawn = np.where(np.isfinite(vals), vals, 0.0)
        kw = dict(color=colours, label=str(col) if nser > 1 else None)
        bars = (ax.barh(offs, drawn, height=height * 0.92, **kw) if horizontal
                else ax.bar(offs, drawn, width=height * 0.92, **kw))
        for bar, v in zip(bars.patches, vals):
            if not np.isfinite(v):
                bar.set_visible(False)
        for pos, v in zip(offs, vals):
            if np.isfinite(v):
                if not value_labels:
                    continue
                text, colour, style = format_number(v, dec), "#333333", "normal"
            else:
                text, colour, style = missing_text, "#777777", "italic"
            pad = 0.01 * span * (1 if (not np.isfinite(v) or v >= 0) else -1)
            anchor = (v if np.isfinite(v) else 0.0) + pad
            ha = "left" if pad >= 0 else "right"
            if horizontal:
                ax.text(anchor, pos, text, va="center", ha=ha, fontsize=9.5, color=colour, style=style)
            else:
                ax.text(pos, anchor, text, ha="center", va="bottom" if pad >= 0 else "top",
                        fontsize=9.5, color=colour, style=style, rotation=90 if not np.isfinite(v) else 0)
    fmt = thousands_formatter(decimals)
    if horizontal:
        ax.set_yticks(positions, frame.index)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(fmt)
        ax.set_xlabel(axis_label)
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.12)
    else:
        ax.set_xticks(positions, frame.index, rotation=45 if max(map(len, frame.index)) > 6 else 0,
                      ha="right" if max(map(len, frame.index)) > 6 else "center")
        ax.yaxis.set_major_formatter(fmt)
        ax.set_ylabel(axis_label)
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.12)
    if nser > 1:
        if horizontal:
            ax.legend(loc="lower right", frameon=True, framealpha=0.9)
        else:
            _legend_below(ax, ncol=min(nser, 4))
    _set_title(fig, ax, title, own)
    alt.set_alt(fig, alt.bar(frame, title=title, source=source, value_label=value_label, units=units,
                             highlight=sorted(highlight_set), decimals=dec, missing_text=missing_text))
    shown = frame.rename(columns={frame.columns[0]: axis_label}) if nser == 1 else frame
    downloads.attach(fig, shown, title=title, source=source)
    set_format(fig, "svg")
    finalise(fig, source=source)
    if highlight_set:
        _key_to_highlight(fig, ax, [lab for lab in frame.index if lab in highlight_set], horizontal, own)
    return fig


#: a highlight's legend entry names the bars up to this many; more are counted
HIGHLIGHT_NAMES_SHOWN = 3


def _key_to_highlight(fig: Figure, ax, names: list[str], horizontal: bool, own: bool) -> None:
    """Say what the highlight colour means in the chart itself, not by colour alone (WCAG 2.1,
    1.4.1): the highlighted bars' labels in bold, and a legend naming them against the others
    (below the plot, above the source line, when the chart is its own figure)."""
    from matplotlib.patches import Patch

    _bold_labels(ax.get_yticklabels() if horizontal else ax.get_xticklabels(), names)
    if not own:
        return
    shown = (", ".join(names) if len(names) <= HIGHLIGHT_NAMES_SHOWN
             # i18n: a bar chart's legend entry for its highlighted bars when there are many; {n} is their number
             else _("highlighted ({n})").format(n=len(names)))
    # i18n: a bar chart's legend entry for the bars that are not highlighted
    others = _("the others")
    legend_below_plot(fig, [Patch(facecolor=HIGHLIGHT_COLOUR, label=shown), Patch(facecolor=BASE_COLOUR, label=others)],
                      ncol=2)


# ----------------------------------------------------------------------------- line chart


def _is_year_like(index: pd.Index) -> bool:
    if pd.api.types.is_integer_dtype(index):
        return bool(len(index)) and index.min() >= 1000 and index.max() <= 3000
    if pd.api.types.is_float_dtype(index):
        vals = index.to_numpy()
        return bool(len(vals)) and np.all(np.mod(vals, 1) == 0) and vals.min() >= 1000 and vals.max() <= 3000
    return False


def line_chart(
    data,
    *,
    title: str,
    source: str,
    y_label: str,
    units: str | None = None,
    x_label: str | None = None,
    highlight=None,
    decimals: int | None = None,
    markers: bool = True,
    size="wide",
    ax=None,
) -> Figure:
    """Line chart of a Series (one line) or a DataFrame (one line per column; a legend is
    drawn whenever there is more than one line).

    The index is the x axis (years are shown as plain integers, "2023" not "2 023").
    ``y_label`` (+ ``units``) labels the value axis. Missing values leave a gap in the
    line - they are never interpolated. ``highlight`` names columns drawn thicker.
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    frame = _check_numeric_data(data)
    axis_label = _axis_label(y_label, units)
    highlight_set = set()
    if highlight is not None:
        wanted = [highlight] if isinstance(highlight, str) or not isinstance(highlight, Sequence) else list(highlight)
        names = [str(c) for c in frame.columns]
        for h in wanted:
            if str(h) not in names:
                raise ValueError(f"highlight={h!r} is not a series of data; series are {names}")
            highlight_set.add(str(h))
    if ax is None:
        fig, ax = figure(size)
        own = True
    else:
        use_style()
        fig, own = ax.figure, False
    x = frame.index
    year_like = _is_year_like(x)
    xs = x.to_numpy() if (year_like or pd.api.types.is_numeric_dtype(x) or pd.api.types.is_datetime64_any_dtype(x)) \
        else np.array([str(v) for v in x])
    for j, col in enumerate(frame.columns):
        emph = str(col) in highlight_set
        ax.plot(
            xs, frame[col].to_numpy(), label=str(col),
            color=PALETTE[j % len(PALETTE)],
            linewidth=3.0 if emph else (2.0 if not highlight_set else 1.5),
            marker="o" if markers else None, zorder=3 if emph else 2,
        )
    if year_like:
        ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, pos: f"{int(round(v))}"))
    elif pd.api.types.is_numeric_dtype(x):
        ax.xaxis.set_major_formatter(thousands_formatter())
    ax.yaxis.set_major_formatter(thousands_formatter(decimals))
    ax.set_ylabel(axis_label)
    if x_label:
        ax.set_xlabel(x_label)
    if frame.shape[1] > 1:  # below the plot: it survives a narrow screen
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.14 if x_label else -0.08), frameon=False,
                  ncol=2 if frame.shape[1] > 2 else frame.shape[1])
    _set_title(fig, ax, title, own)
    alt.set_alt(fig, alt.line(frame, title=title, source=source, y_label=y_label, units=units, decimals=decimals))
    downloads.attach(fig, frame.rename_axis(frame.index.name or (x_label or "x").lower()), title=title, source=source)
    set_format(fig, "svg")
    return finalise(fig, source=source)
