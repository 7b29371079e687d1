"""Alternative text for every figure (WCAG 2.1 success criterion 1.1.1).

Each chart function of :mod:`helpers.plotting` describes what it drew — the kind of chart,
its title (which names the measure, the area and the period), the largest and smallest
values, the highlighted area with its value, the number of areas without data, and the
source — and stores it on the figure (:func:`set_alt`). The notebook output of a figure
carries the text as ``metadata["image/png"]["alt"]`` and the report template writes it into
the ``<img alt>``. A figure without one gets its title and source line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.analysis import format_number

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
    return " ".join(f"Figure: {title}. {source}".replace("\n", " ").split())


def _num(v: float, decimals: int | None, unit: str | None) -> str:
    if decimals is None:
        a = abs(v)
        decimals = 0 if a >= 100 else 1 if a >= 10 else 2
    text = format_number(float(v), decimals)
    return f"{text} {unit}".strip() if unit else text


def _clean(text: str) -> str:
    return " ".join(str(text).replace("\n", " ").split()).rstrip(".")


def _extremes(values: pd.Series, decimals, unit) -> str:
    known = values.dropna()
    if known.empty:
        return "no values"
    hi, lo = known.idxmax(), known.idxmin()
    if hi == lo:
        return f"{hi}: {_num(known[hi], decimals, unit)}"
    return (f"highest {hi} ({_num(known[hi], decimals, unit)}), "
            f"lowest {lo} ({_num(known[lo], decimals, unit)})")


def _highlighted(values: pd.Series, names: Iterable[str], decimals, unit) -> str:
    parts = []
    for n in names:
        v = values.get(n)
        shown = "no data" if v is None or (isinstance(v, float) and math.isnan(v)) else _num(v, decimals, unit)
        parts.append(f"{n} ({shown})")
    return ("; highlighted: " + ", ".join(parts)) if parts else ""


def bar(frame: pd.DataFrame, *, title: str, source: str, value_label: str, units: str | None,
        highlight: Sequence[str], decimals: int | None, missing_text: str) -> str:
    n = len(frame)
    if frame.shape[1] == 1:
        values = frame.iloc[:, 0]
        missing = int(values.isna().sum())
        body = (f"{n} bars of {_clean(value_label).lower()}: {_extremes(values, decimals, units)}"
                f"{_highlighted(values, highlight, decimals, units)}")
        if missing:
            body += f"; {missing} {missing_text}"
    else:
        series = ", ".join(str(c) for c in frame.columns)
        body = f"grouped bars for {n} categories and the series {series}"
    return f"Bar chart: {_clean(title)}. {body}. {_clean(source)}."


def line(frame: pd.DataFrame, *, title: str, source: str, y_label: str, units: str | None,
         decimals: int | None) -> str:
    parts = []
    for col in frame.columns:
        s = frame[col].dropna()
        if s.empty:
            parts.append(f"{col}: no values")
            continue
        first, last = s.index[0], s.index[-1]
        parts.append(f"{col} {_num(s.iloc[0], decimals, units)} in {first} and "
                     f"{_num(s.iloc[-1], decimals, units)} in {last}")
    x0, x1 = frame.index.min(), frame.index.max()
    return (f"Line chart: {_clean(title)}. {_clean(y_label)} from {x0} to {x1}: " + "; ".join(parts[:8])
            + (f"; and {len(parts) - 8} more lines" if len(parts) > 8 else "") + f". {_clean(source)}.")


def choropleth(values: pd.Series, *, title: str, source: str, legend_title: str, labels: Sequence[str],
               highlight: Sequence[str], missing_label: str, decimals: int | None) -> str:
    missing = int(values.isna().sum())
    n = len(values)
    classes = f"{len(labels)} classes from {labels[0]} to {labels[-1]}" if labels else "no classes"
    text = (f"Map: {_clean(title)}. {n} areas in {classes} of {_clean(legend_title).lower()}; "
            f"{_extremes(values, decimals, None)}{_highlighted(values, highlight, decimals, None)}")
    if missing:
        text += f"; {missing} {missing_label}"
    return f"{text}. {_clean(source)}."


def locator(*, title: str, source: str, context_n: int, detail_names: Sequence[str], highlight: str | None) -> str:
    names = ", ".join(detail_names[:12]) + (f" and {len(detail_names) - 12} more" if len(detail_names) > 12 else "")
    where = f"{highlight} filled among {context_n} areas" if highlight else f"{context_n} areas"
    return f"Locator map: {_clean(title)}. Left: {where}. Right: {len(detail_names)} areas — {names}. {_clean(source)}."


def values_by_label(gdf, column: str, label_col: str | None) -> pd.Series:
    names = gdf[label_col].astype(str) if label_col else gdf.index.astype(str)
    return pd.Series(gdf[column].to_numpy(dtype="float64"), index=np.asarray(names))
