"""House style for the workbooks' charts and maps (matplotlib only, safe on the Agg backend).

Every chart function

* needs a ``title`` and a ``source`` (no silent defaults): the source is written as
  "Source: …" at the bottom left of the figure (:func:`source_line`);
* returns a :class:`matplotlib.figure.Figure` that is not registered with pyplot, so a
  notebook cell shows it exactly once (return it as the cell's last expression) and
  hundreds of figures in a scheduled run do not pile up in memory;
* uses the colour-blind-safe Okabe-Ito palette for categories and the ColorBrewer
  ``YlGnBu`` ramp (colour-blind safe) for classed maps;
* writes numbers with a narrow no-break space as the thousands separator ("12 345") and
  a decimal point, in DejaVu Sans, which has ä, ö and å.

Maps (:func:`choropleth`) are drawn in ETRS-TM35FIN (EPSG:3067), the CRS of the
Statistics Finland boundaries. A GeoDataFrame in another CRS is **refused** with an error
that says how to convert it (``gdf.to_crs(3067)``) rather than reprojected silently, so a
wrongly-tagged file cannot slip through.

Plotting never computes statistics: class breaks come from :func:`helpers.analysis.classify`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import ticker as mticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from helpers.analysis import Classification, classify, format_number

__all__ = [
    "PALETTE",
    "HIGHLIGHT_COLOUR",
    "BASE_COLOUR",
    "MISSING_COLOUR",
    "MISSING_HATCH",
    "SEQUENTIAL_CMAP",
    "MAP_CRS",
    "SIZES",
    "STYLE",
    "use_style",
    "figure",
    "source_line",
    "finalise",
    "figure_title",
    "save",
    "thousands_formatter",
    "bar_chart",
    "line_chart",
    "choropleth",
    "locator_map",
]

#: Okabe & Ito (2008) colour-blind-safe palette (black moved to the end).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BASE_COLOUR = "#0072B2"  # blue
HIGHLIGHT_COLOUR = "#D55E00"  # vermillion: distinct from blue for every common colour-vision type
MISSING_COLOUR = "#E0E0E0"
MISSING_EDGE = "#8C8C8C"
MISSING_HATCH = "////"
SEQUENTIAL_CMAP = "YlGnBu"  # ColorBrewer, colour-blind safe
MAP_CRS = "EPSG:3067"
SOURCE_GID = "source-line"
TITLE_FONTSIZE = 12
SOURCE_FONTSIZE = 8
LABEL_FONTSIZE = 7

#: Figure sizes in inches at 100 dpi: 8 in = 800 px, which fits a notebook / HTML page.
SIZES = {
    "wide": (8.0, 4.5),
    "tall": (8.0, 7.0),
    "square": (7.0, 7.0),
    "map": (7.0, 8.0),
}

STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "axes.titlesize": TITLE_FONTSIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 10,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#666666",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.unicode_minus": True,
    "axes.formatter.use_locale": False,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "legend.frameon": False,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": 150,
    "savefig.facecolor": "white",
    "hatch.color": MISSING_EDGE,
    "hatch.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "lines.markersize": 5,
    "svg.fonttype": "none",
}


def use_style() -> None:
    """Apply the house style to matplotlib's global settings (idempotent).

    The chart functions call it themselves; call it once at the top of a workbook when
    drawing custom figures with :func:`figure`.
    """
    mpl.rcParams.update(STYLE)
    _register_ipython_png()


def _register_ipython_png() -> None:
    """Make figures returned by our functions display as PNG in IPython whatever the
    matplotlib backend (a headless run with MPLBACKEND=Agg would otherwise show only
    ``<Figure size …>``). Does nothing outside IPython or when a formatter exists."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    ip = get_ipython()
    if ip is None:
        return
    formatter = ip.display_formatter.formatters["image/png"]
    try:
        formatter.lookup_by_type(Figure)
        return
    except KeyError:
        pass
    from IPython.core.pylabtools import print_figure

    formatter.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight"))


# ----------------------------------------------------------------------------- basics


def _require_text(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string (every figure states it); got {value!r}")
    return value.strip()


def figure(
    size: str | tuple[float, float] = "wide", nrows: int = 1, ncols: int = 1,
    layout: str = "constrained", **kwargs,
):
    """A new house-style figure and its axes: ``fig, ax = figure("wide")``.

    ``size`` is one of :data:`SIZES` (``"wide"`` 8×4.5 in, ``"tall"``, ``"square"``,
    ``"map"``) or ``(width, height)`` in inches. The figure uses constrained layout, an
    Agg canvas (works headless) and is not registered with pyplot. ``layout`` is
    ``"constrained"`` or ``"compressed"`` (better for maps, whose aspect is fixed).
    """
    if layout not in ("constrained", "compressed"):
        raise ValueError(f"layout must be 'constrained' or 'compressed'; got {layout!r}")
    use_style()
    if isinstance(size, str):
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)} or (width, height) in inches; got {size!r}")
        figsize = SIZES[size]
    else:
        try:
            w, h = (float(v) for v in size)
        except (TypeError, ValueError):
            raise ValueError(f"size must be one of {sorted(SIZES)} or (width, height) in inches; got {size!r}") from None
        if not (0 < w <= 30 and 0 < h <= 30):
            raise ValueError(f"size (width, height) must be between 0 and 30 inches; got {size!r}")
        figsize = (w, h)
    fig = Figure(figsize=figsize, layout=layout)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def _wrap(text: str, fig: Figure, fontsize: float, share: float = 0.95, bold: bool = False) -> str:
    # DejaVu Sans averages about 0.55 em per character (bold about 0.63)
    em = 0.63 if bold else 0.55
    chars = max(20, int(fig.get_figwidth() * share * 72 / (fontsize * em)))
    return "\n".join(
        textwrap.fill(part, width=chars, break_on_hyphens=False) for part in text.split("\n")
    )


def source_line(fig: Figure, text: str):
    """Write "Source: <text>" at the bottom left of ``fig`` and make room for it.

    A text already starting with "Source" is kept as it is. Calling it again replaces the
    previous source line (one per figure). Returns the Text artist (gid ``"source-line"``).
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    text = _require_text(text, "source")
    if not text.lower().startswith("source"):
        text = "Source: " + text
    for t in list(fig.texts):
        if t.get_gid() == SOURCE_GID:
            t.remove()
    wrapped = _wrap(text, fig, SOURCE_FONTSIZE)
    artist = fig.text(
        0.01, 0.01, wrapped, ha="left", va="bottom", fontsize=SOURCE_FONTSIZE,
        color="#555555", gid=SOURCE_GID,
    )
    n_lines = wrapped.count("\n") + 1
    height = (n_lines * SOURCE_FONTSIZE * 1.25 + 8) / 72 / fig.get_figheight()
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0, min(height, 0.4), 1, 1 - min(height, 0.4)))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, height + 0.08))
    return artist


def figure_title(fig: Figure) -> str:
    """The figure's title: its suptitle, else the first non-empty axes title ("" if none)."""
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    if sup:
        return sup
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            if ax.get_title(loc=loc):
                return ax.get_title(loc=loc)
    return ""


def _set_title(fig: Figure, ax, title: str, own_figure: bool) -> None:
    """A figure we created gets a figure-level title flush left (aligned with the source
    line); a chart drawn into a caller's axes titles that axes only."""
    if own_figure:
        fig.suptitle(_wrap(title, fig, TITLE_FONTSIZE, bold=True), x=0.01, ha="left",
                     fontsize=TITLE_FONTSIZE, fontweight="bold")
    else:
        ax.set_title(_wrap(title, fig, TITLE_FONTSIZE, bold=True, share=0.45), loc="left")


def finalise(fig: Figure, *, title: str | None = None, source: str | None = None) -> Figure:
    """Finish a figure: set the title (on the first axes) and the source line, then check
    that both exist. Use it for custom figures made with :func:`figure`::

        fig, ax = figure()
        ax.plot(...)
        finalise(fig, title="…", source=source_caption([...]))
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    if title is not None:
        title = _require_text(title, "title")
        _set_title(fig, None, title, own_figure=True)
    if source is not None:
        source_line(fig, source)
    if not figure_title(fig):
        raise ValueError("the figure has no title; pass title='…'")
    if not any(t.get_gid() == SOURCE_GID for t in fig.texts):
        raise ValueError("the figure has no source line; pass source='…' (see provenance.source_caption)")
    return fig


def save(fig: Figure, path, dpi: int | None = None) -> Path:
    """Save a figure (format from the file suffix: .png, .svg, .pdf). Returns the path."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"path must end in .png, .svg or .pdf; got {str(path)!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi or STYLE["savefig.dpi"], metadata=None if path.suffix != ".png" else {"Software": None})
    return path


class _ThousandsFormatter(mticker.Formatter):
    """Tick labels "12 345" (narrow no-break space), decimals chosen from the tick step."""

    def __init__(self, decimals: int | None = None, suffix: str = ""):
        self.decimals = decimals
        self.suffix = suffix
        self._auto = 0

    def format_ticks(self, values):
        if self.decimals is None:
            vals = np.asarray(values, dtype=float)
            steps = np.diff(np.unique(vals))
            step = float(steps.min()) if steps.size else 1.0
            self._auto = 0 if step >= 1 or step <= 0 else min(6, int(math.ceil(-math.log10(step) - 1e-9)))
        return [self(v, i) for i, v in enumerate(values)]

    def __call__(self, x, pos=None):
        dec = self._auto if self.decimals is None else self.decimals
        return format_number(float(x), dec) + self.suffix


def thousands_formatter(decimals: int | None = None, suffix: str = "") -> mticker.Formatter:
    """A tick formatter writing 12 345.6 as "12 345.6" (narrow no-break space)."""
    return _ThousandsFormatter(decimals, suffix)


def _check_numeric_data(data, name: str = "data") -> pd.DataFrame:
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else "value")
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise TypeError(f"{name} must be a pandas Series or DataFrame; got {type(data).__name__}")
    if frame.empty or frame.shape[1] == 0:
        raise ValueError(f"{name} is empty; there is nothing to draw")
    for col in frame.columns:
        if pd.api.types.is_bool_dtype(frame[col]) or not (
            pd.api.types.is_numeric_dtype(frame[col]) or frame[col].isna().all()
        ):
            raise TypeError(
                f"{name} column {col!r} must hold numbers; got dtype {frame[col].dtype}"
            )
    return frame.astype("float64")


def _axis_label(label: str, units: str | None) -> str:
    label = _require_text(label, "value_label / y_label")
    if units:
        return f"{label} ({units})"
    return label


def _legend_below(ax, ncol: int):
    return ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=ncol, frameon=False)


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
    missing_text: str = "no data",
    size=None,
    ax=None,
) -> Figure:
    """Bar chart of a Series (one bar per label) or a DataFrame (grouped bars, one colour
    per column, with a legend).

    ``value_label`` (+ ``units``) labels the value axis, e.g. ``value_label="Employed
    persons"`` or ``value_label="Share", units="%"``. ``highlight`` (a label or list of
    labels of the index) draws those bars in vermillion (single series only). Missing
    values get no bar but the text ``missing_text`` ("no data" / "suppressed") - never a
    zero-length bar that would read as 0. ``sort``: ``"descending"``, ``"ascending"`` or
    ``None`` (keep the order given).
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    frame = _check_numeric_data(data)
    if sort not in ("descending", "ascending", None):
        raise ValueError(f"sort must be 'descending', 'ascending' or None; got {sort!r}")
    missing_text = _require_text(missing_text, "missing_text")
    axis_label = _axis_label(value_label, units)
    labels = [str(v) for v in frame.index]
    if len(set(labels)) != len(labels):
        raise ValueError(f"data has repeated labels: {sorted({l for l in labels if labels.count(l) > 1})}")
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
            size = (8.0, min(12.0, max(3.0, 0.3 * n * max(1, frame.shape[1] * 0.7) + 1.6))) if horizontal else "wide"
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
        dec = 0 if finite.size == 0 or np.nanmax(np.abs(finite)) >= 100 else (1 if np.nanmax(np.abs(finite)) >= 10 else 2)
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
                ax.text(anchor, pos, text, va="center", ha=ha, fontsize=8, color=colour, style=style)
            else:
                ax.text(pos, anchor, text, ha="center", va="bottom" if pad >= 0 else "top",
                        fontsize=8, color=colour, style=style, rotation=90 if not np.isfinite(v) else 0)
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
    return finalise(fig, source=source)


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
    if frame.shape[1] > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _set_title(fig, ax, title, own)
    return finalise(fig, source=source)


# ----------------------------------------------------------------------------- choropleth


def _check_map_frame(gdf, column: str):
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a dependency
        raise
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"gdf must be a geopandas GeoDataFrame; got {type(gdf).__name__}")
    if gdf.crs is None:
        raise ValueError(
            "gdf has no CRS; maps are drawn in EPSG:3067 (ETRS-TM35FIN). Set it with "
            "gdf.set_crs(3067) if the coordinates are in metres in ETRS-TM35FIN"
        )
    epsg = gdf.crs.to_epsg()
    if epsg != 3067:
        raise ValueError(
            f"gdf is in {gdf.crs.to_string()}, but maps are drawn in EPSG:3067 (ETRS-TM35FIN, "
            "the Statistics Finland boundaries' CRS); reproject first with gdf.to_crs(3067)"
        )
    if column not in gdf.columns:
        raise ValueError(f"column={column!r} is not a column of gdf; the columns are {list(gdf.columns)}")
    if gdf.empty:
        raise ValueError("gdf is empty; there is nothing to map")


_LABEL_COLUMNS = ("name_fi", "nimi", "name", "label")  # Finnish names first


def _label_column(gdf, label_column):
    if label_column is not None:
        if label_column not in gdf.columns:
            raise ValueError(f"label_column={label_column!r} is not a column of gdf; the columns are {list(gdf.columns)}")
        return label_column
    for c in _LABEL_COLUMNS:
        if c in gdf.columns:
            return c
    return None


def _match_rows(gdf, keys, label_col, arg: str) -> np.ndarray:
    """Boolean mask of the rows whose label (or ``code`` column) is one of ``keys``."""
    if isinstance(keys, str) or not isinstance(keys, Sequence):
        keys = [keys]
    mask = np.zeros(len(gdf), dtype=bool)
    cols = [c for c in (label_col, "code") if c is not None and c in gdf.columns]
    if not cols:
        raise ValueError(
            f"{arg} needs a label_column (or a 'code' column) to find areas by name; "
            f"gdf has {list(gdf.columns)}"
        )
    for key in keys:
        hit = np.zeros(len(gdf), dtype=bool)
        for c in cols:
            hit |= (gdf[c].astype(str) == str(key)).to_numpy()
        if not hit.any():
            names = sorted(gdf[cols[0]].astype(str))
            import difflib

            close = difflib.get_close_matches(str(key), names, n=3)
            raise ValueError(
                f"{arg}={key!r} is not an area of the map (looked in {cols}); "
                + (f"closest: {close}" if close else f"areas: {names[:10]}")
            )
        mask |= hit
    return mask


def _auto_label_mask(gdf, texts: list[str], ax, fig) -> np.ndarray:
    """Label an area only when its name fits inside its outline on the page and does not
    collide with a label already placed (largest areas first)."""
    minx, miny, maxx, maxy = gdf.total_bounds
    pos = ax.get_position()
    ax_w = pos.width * fig.get_figwidth()
    ax_h = pos.height * fig.get_figheight()
    scale = min(ax_w / max(maxx - minx, 1e-9), ax_h / max(maxy - miny, 1e-9))  # inches per metre
    char_w = LABEL_FONTSIZE * 0.6 / 72  # inches per character (generous)
    text_h = LABEL_FONTSIZE * 1.3 / 72
    bounds = gdf.geometry.bounds.to_numpy()
    points = gdf.geometry.representative_point()
    areas = gdf.geometry.area.to_numpy()
    order = np.argsort(-areas)
    placed: list[tuple[float, float, float, float]] = []
    mask = np.zeros(len(gdf), dtype=bool)
    for i in order:
        text = texts[i]
        if not text:
            continue
        w_in = len(text) * char_w
        bw = (bounds[i, 2] - bounds[i, 0]) * scale
        bh = (bounds[i, 3] - bounds[i, 1]) * scale
        if w_in > bw * 0.9 or text_h > bh * 0.6 or areas[i] * scale**2 < 2.5 * w_in * text_h:
            continue
        x, y = points.iloc[i].x, points.iloc[i].y
        half_w, half_h = w_in / 2 / scale, text_h / 2 / scale
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in placed):
            continue
        placed.append(box)
        mask[i] = True
    return mask


def _draw_labels(ax, fig, gdf, labels, label_col: str) -> None:
    """Write area names at representative points: ``labels`` is "auto" (only names that fit),
    True (all) or a list of names/codes."""
    import matplotlib.patheffects as pe

    texts = gdf[label_col].fillna("").astype(str).tolist()
    if labels == "auto":
        mask = _auto_label_mask(gdf, texts, ax, fig)
    elif labels is True:
        mask = np.ones(len(gdf), dtype=bool)
    else:
        mask = _match_rows(gdf, list(labels), label_col, "labels")
    points = gdf.geometry.representative_point()
    for i in np.flatnonzero(mask):
        ax.annotate(
            texts[i], (points.iloc[i].x, points.iloc[i].y), ha="center", va="center",
            fontsize=LABEL_FONTSIZE, color="#222222", gid="area-label",
            path_effects=[pe.withStroke(linewidth=2.2, foreground="white")],
        )


def choropleth(
    gdf,
    column: str,
    *,
    title: str,
    source: str,
    legend_title: str,
    scheme: str = "quantiles",
    k: int = 5,
    highlight=None,
    labels="auto",
    label_column: str | None = None,
    missing_label: str = "no data",
    cmap: str = SEQUENTIAL_CMAP,
    decimals: int | None = None,
    size="auto",
    legend_loc: str = "right",
    ax=None,
) -> Figure:
    """Classed choropleth map in EPSG:3067.

    Values of ``column`` are classed with :func:`helpers.analysis.classify` (``scheme``
    "quantiles", "natural_breaks" or "equal_interval", ``k`` classes) and coloured from
    ``cmap`` (ColorBrewer YlGnBu by default, colour-blind safe). Areas with a missing
    value are drawn light grey and hatched, with a legend entry ``missing_label`` ("no
    data", or "suppressed" when the publisher withheld small numbers). The legend lists
    the k class ranges (``legend_title`` names the measure and its unit).

    ``labels``: ``"auto"`` names only areas whose name fits inside the area on the page
    (largest first, no overlaps), ``True`` all, ``False`` none, or a list of names/codes.
    Names come from ``label_column`` (default: the first of name_fi, name, nimi, label).
    ``highlight``: a name or code (or a list) outlined in black and listed in the legend.

    ``legend_loc``: ``"right"`` (outside the map, default), ``"below"`` (outside), or a
    matplotlib location inside the map ("lower right", …). ``size="auto"`` makes the
    figure 8 in wide and as tall as the map's shape needs.

    Raises ``ValueError`` if ``gdf`` is not in EPSG:3067 - it does not reproject (use
    ``gdf.to_crs(3067)``).
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    legend_title = _require_text(legend_title, "legend_title")
    _check_map_frame(gdf, column)
    if labels not in (True, False, None, "auto") and (isinstance(labels, str) or not isinstance(labels, Sequence)):
        raise ValueError(f"labels must be 'auto', True, False or a list of area names/codes; got {labels!r}")
    label_col = _label_column(gdf, label_column)
    if labels is True or (isinstance(labels, Sequence) and not isinstance(labels, str)):
        if label_col is None:
            raise ValueError(
                f"labels={labels!r} needs a label_column; gdf has none of {list(_LABEL_COLUMNS)}"
            )
    valid_locs = {"right", "below", "upper right", "upper left", "lower left", "lower right",
                  "center left", "center right", "lower center", "upper center", "center", "best"}
    if legend_loc not in valid_locs:
        raise ValueError(f"legend_loc must be one of {sorted(valid_locs)}; got {legend_loc!r}")
    try:
        cmap_obj = mpl.colormaps[cmap]
    except KeyError:
        raise ValueError(f"cmap={cmap!r} is not a matplotlib colormap") from None

    gdf = gdf.reset_index(drop=True)
    cls: Classification = classify(gdf[column], scheme, k, missing_label=missing_label, decimals=decimals)
    colours = [mpl.colors.to_hex(cmap_obj(x)) for x in np.linspace(0.12, 0.95, cls.k)]
    hl_mask = _match_rows(gdf, highlight, label_col, "highlight") if highlight is not None else None

    if ax is None:
        if size == "auto":
            minx, miny, maxx, maxy = gdf.total_bounds
            aspect = (maxy - miny) / max(maxx - minx, 1e-9)
            map_w = 8.0 - (2.3 if legend_loc == "right" else 0.4)
            extra = 1.3 + (1.6 if legend_loc == "below" else 0.0)
            size = (8.0, float(np.clip(map_w * aspect + extra, 4.0, 11.0)))
        fig, ax = figure(size, layout="compressed")
        own = True
    else:
        use_style()
        fig, own = ax.figure, False
    classes = cls.classes.to_numpy(dtype="float64", na_value=np.nan)
    for j in range(cls.k):
        part = gdf[classes == j]
        if len(part):
            part.plot(ax=ax, color=colours[j], edgecolor="white", linewidth=0.4)
    missing = np.isnan(classes)
    if missing.any():
        gdf[missing].plot(ax=ax, facecolor=MISSING_COLOUR, edgecolor=MISSING_EDGE,
                          hatch=MISSING_HATCH, linewidth=0.4)
        ax.collections[-1].set_gid("missing")
    handles = [Patch(facecolor=c, edgecolor="#BBBBBB", label=lab) for c, lab in zip(colours, cls.labels)]
    if missing.any():
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=MISSING_EDGE, hatch=MISSING_HATCH,
                             label=missing_label))
    if hl_mask is not None:
        gdf[hl_mask].boundary.plot(ax=ax, color="black", linewidth=2.2)
        ax.collections[-1].set_gid("highlight")
        hl_names = gdf.loc[hl_mask, label_col].astype(str).tolist() if label_col else [str(highlight)]
        handles.append(Line2D([], [], color="black", linewidth=2.2, label=", ".join(hl_names) + " (outlined)"))
    ax.set_axis_off()
    ax.set_aspect("equal")
    if legend_loc == "right":
        where = dict(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    elif legend_loc == "below":
        where = dict(loc="upper left", bbox_to_anchor=(0.0, 0.0), frameon=False,
                     ncol=min(3, len(handles)))
    else:
        where = dict(loc=legend_loc, frameon=True, framealpha=0.9, edgecolor="#CCCCCC")
    leg = ax.legend(handles=handles, title=_wrap(legend_title, fig, 9, share=0.3), alignment="left", **where)
    leg.set_gid("map-legend")

    if labels and label_col is not None:
        _draw_labels(ax, fig, gdf, labels, label_col)
    _set_title(fig, ax, title, own)
    return finalise(fig, source=source)


def locator_map(
    context,
    detail,
    *,
    title: str,
    source: str,
    context_label: str,
    detail_label: str,
    highlight=None,
    labels="auto",
    label_column: str | None = None,
) -> Figure:
    """Two-panel reference map in EPSG:3067: ``context`` areas (e.g. Finland's regions)
    on the left with ``highlight`` (names/codes) filled, and ``detail`` areas (e.g. one
    region's municipalities) zoomed on the right with their names where they fit.

    No values are mapped (use :func:`choropleth` for that); it answers "where is it?".
    Both frames must be in EPSG:3067 (refused otherwise, as in :func:`choropleth`).
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    context_label = _require_text(context_label, "context_label")
    detail_label = _require_text(detail_label, "detail_label")
    for name, frame in (("context", context), ("detail", detail)):
        if getattr(frame, "crs", None) is None or frame.crs.to_epsg() != 3067:
            raise ValueError(
                f"{name} must be a GeoDataFrame in EPSG:3067; got CRS {getattr(frame, 'crs', None)} "
                "(use gdf.to_crs(3067))"
            )
        if len(frame) == 0:
            raise ValueError(f"{name} has no areas to draw")
    context = context.reset_index(drop=True)
    detail = detail.reset_index(drop=True)
    fig, (ax_ctx, ax_det) = figure((8.0, 6.2), ncols=2, layout="compressed",
                                   gridspec_kw={"width_ratios": [1, 1.35]})
    context.plot(ax=ax_ctx, color=MISSING_COLOUR, edgecolor="white", linewidth=0.6)
    handles = [Patch(facecolor=MISSING_COLOUR, edgecolor="#BBBBBB", label=context_label)]
    if highlight is not None:
        ctx_label_col = _label_column(context, None)
        mask = _match_rows(context, highlight, ctx_label_col, "highlight")
        context[mask].plot(ax=ax_ctx, color=HIGHLIGHT_COLOUR, edgecolor="white", linewidth=0.6)
        ax_ctx.collections[-1].set_gid("highlight")
        names = context.loc[mask, ctx_label_col].astype(str).tolist() if ctx_label_col else [str(highlight)]
        handles.append(Patch(facecolor=HIGHLIGHT_COLOUR, edgecolor="white", label=", ".join(names)))
    detail.plot(ax=ax_det, color="#FBE3D6", edgecolor=HIGHLIGHT_COLOUR, linewidth=0.7)
    handles.append(Patch(facecolor="#FBE3D6", edgecolor=HIGHLIGHT_COLOUR, label=detail_label))
    for ax in (ax_ctx, ax_det):
        ax.set_axis_off()
        ax.set_aspect("equal")
    label_col = _label_column(detail, label_column)
    if labels and label_col is not None:
        _draw_labels(ax_det, fig, detail, labels, label_col)
    # the north-west corner of a map of Finland is empty sea/Sweden: room for the legend
    leg = ax_ctx.legend(handles=handles, loc="upper left", frameon=False, fontsize=8,
                        bbox_to_anchor=(-0.05, 1.0))
    leg.set_gid("map-legend")
    _set_title(fig, ax_ctx, title, own_figure=True)
    return finalise(fig, source=source)
