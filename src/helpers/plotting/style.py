"""House style, figures, titles and source lines, number formatters (see helpers.plotting)."""


from __future__ import annotations

import contextlib
import math
import textwrap
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import ticker as mticker
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from helpers.analysis import format_number

from ..i18n import _

#: Okabe & Ito (2008) colour-blind-safe palette (black moved to the end).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BASE_COLOUR = "#0072B2"  # blue
HIGHLIGHT_COLOUR = "#D55E00"  # vermillion: distinct from blue for every common colour-vision type
MISSING_COLOUR = "#E0E0E0"
MISSING_EDGE = "#8C8C8C"
MISSING_HATCH = "////"
SEQUENTIAL_CMAP = "YlGnBu"  # ColorBrewer, colour-blind safe
DIVERGING_CMAP = "RdBu"  # ColorBrewer, colour-blind safe: red below the centre, blue above
MAP_CRS = "EPSG:3067"
SOURCE_GID = "source-line"
TITLE_FONTSIZE = 13
SOURCE_FONTSIZE = 9.5
LABEL_FONTSIZE = 8.5
#: figures are drawn 6.4 in = 640 CSS px wide, with text large enough to stay legible when a
#: phone scales the figure to ~360 px (10 pt at 640 px is ~8 px at 360 px); the PNG has
#: RENDER_SCALE pixels per CSS pixel so that maps stay sharp on high-density screens
WIDTH = 6.4
RENDER_SCALE = 1.5

#: Figure sizes in inches at 100 dpi (6.4 in = 640 CSS px).
SIZES = {
    "wide": (WIDTH, 4.3),
    "tall": (WIDTH, 6.4),
    "square": (WIDTH, WIDTH),
    "map": (WIDTH, 7.6),
}

STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 11,
    "axes.titlesize": TITLE_FONTSIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 11,
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
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.fontsize": 10.5,
    "legend.title_fontsize": 10.5,
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
    from .. import downloads

    downloads.register_formatter()


#: how a figure is stored in the notebook output: "svg" (vector: charts of lines, bars and
#: text — small, sharp at any size, text stays text) or "png" (maps: thousands of polygon
#: vertices are smaller as pixels). Chart functions choose; the default is PNG.
_FORMAT_ATTR = "twb_format"
_HOUSE_ATTR = "twb_house_style"  # made by figure(): flat axes, house-style artists
PNG_COLOURS = 64  # palette size of map PNGs (flat fills; antialiased edges need few more)


def set_format(fig: Figure, fmt: str) -> Figure:
    if fmt not in ("svg", "png"):
        raise ValueError(f"format must be 'svg' or 'png'; got {fmt!r}")
    setattr(fig, _FORMAT_ATTR, fmt)
    return fig


def output_format(fig: Figure) -> str:
    return getattr(fig, _FORMAT_ATTR, "png")


def _meta(fig: Figure, width_px: float, height_px: float) -> dict:
    from .alt import alt_text

    return {"width": int(round(width_px)), "height": int(round(height_px)), "alt": alt_text(fig)}


def png_bundle(fig: Figure) -> tuple[bytes, dict] | None:
    """A PNG figure as a palette PNG with ``RENDER_SCALE`` pixels per CSS pixel, and the output
    metadata a page needs: ``width``/``height`` in CSS pixels and the ``alt`` text
    (:func:`helpers.plotting.alt.alt_text`). None for an SVG figure."""
    if output_format(fig) != "png":
        return None
    import io

    from PIL import Image

    pixels = _Pixels()  # the drawn RGBA pixels as they are, without a PNG encoded and decoded again
    with _text_sizes_measured_once(RendererAgg, fig), _measuring_draw_lays_out_only(fig):
        fig.savefig(pixels, format="rgba", dpi=100 * RENDER_SCALE, bbox_inches="tight")
    flat = Image.fromarray(pixels.array, "RGBA").convert("RGB")  # figures are drawn on white
    out = io.BytesIO()
    flat.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True)
    size = flat.size
    return out.getvalue(), _meta(fig, size[0] / RENDER_SCALE, size[1] / RENDER_SCALE)


class _Pixels:
    """A file for ``savefig(format="rgba")`` that keeps the canvas's pixels with their shape:
    Agg writes its buffer in one call, as a (height, width, 4) memoryview, and the figure's
    tight size is known only there. (``seek`` only makes matplotlib take it for a file.)"""

    array = None

    def seek(self, offset: int, whence: int = 0) -> int:  # pragma: no cover - never called by Agg
        raise OSError("not seekable")

    def write(self, data) -> int:
        view = memoryview(data)
        if view.ndim != 3 or self.array is not None:
            raise RuntimeError("expected one (height, width, 4) RGBA buffer from Agg")
        self.array = np.array(view, dtype=np.uint8)  # a copy: the renderer's buffer is reused
        return view.nbytes


def svg_bundle(fig: Figure) -> tuple[str, dict] | None:
    """An SVG figure as deterministic SVG text (fixed id salt, no date) with the same metadata
    as :func:`png_bundle`. None for a PNG figure."""
    if output_format(fig) != "svg":
        return None
    import io
    import re

    from matplotlib.backends.backend_svg import RendererSVG

    buf = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "turku-workbooks", "svg.fonttype": "none"}), \
            _text_sizes_measured_once(RendererSVG, fig), _measuring_draw_lays_out_only(fig):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buf.getvalue().decode("utf-8")
    m = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"[^>]*\sheight="([\d.]+)pt"', text)
    w, h = (float(m.group(1)) * 100 / 72, float(m.group(2)) * 100 / 72) if m else (0, 0)
    return text, _meta(fig, w, h)


@contextlib.contextmanager
def _measuring_draw_lays_out_only(fig: Figure):
    """Within one tight ``savefig`` of a house-style figure, its first draw only lays it out.

    A tight save draws a figure twice (``FigureCanvasBase.print_figure``): first with the
    renderer's drawing switched off, only so that the layout engine places the axes and
    everything is where the tight box will find it, then for real. With drawing switched
    off the first draw still runs every artist's own draw code (tick labels laid out again,
    each map label's halo built as a path, every polygon transformed) and throws it away.
    The tight box is found by ``get_tightbbox``, which brings each artist it measures up to
    date itself (ticks, axis labels, titles, legends, annotations), and the second draw
    draws everything afresh. So the first draw here does what ``Figure.draw`` does before it
    draws any artist: apply each axes' aspect and locator, run the layout engine (a layout
    that cannot be made leaves the axes where they are, as there), mark the figure drawn and
    send the draw event.

    Only for figures from :func:`figure` whose axes are all flat (``rectilinear``) and
    without subfigures: a 3D axes, for one, projects its artists while drawing, and its
    tight box depends on that. Every house-style figure of every workbook gives the same
    file, byte for byte (tests/test_plotting.py, and whole report sets compared before and
    after). About 0.03 CPU s per region profile."""
    if not getattr(fig, _HOUSE_ATTR, False) or fig.subfigs or any(ax.name != "rectilinear" for ax in fig.axes):
        yield
        return
    from matplotlib.backend_bases import DrawEvent

    draws = 0
    full_draw = type(fig).draw

    def draw(renderer):
        nonlocal draws
        draws += 1
        if draws > 1:
            return full_draw(fig, renderer)
        if not fig.get_visible():
            return None
        with fig._render_lock:
            fig._get_draw_artists(renderer)  # applies each axes' aspect and locator
            try:
                if fig.axes and fig.get_layout_engine() is not None:
                    try:
                        fig.get_layout_engine().execute(fig)
                    except ValueError:
                        pass
            finally:
                fig.stale = False
            DrawEvent("draw_event", fig.canvas, renderer)._process()
        return None

    fig.draw = draw
    try:
        yield
    finally:
        del fig.draw


@contextlib.contextmanager
def _text_sizes_measured_once(renderer_class, fig: Figure):
    """Within one ``savefig`` of ``fig``, every text is measured once, not once per renderer.

    ``bbox_inches="tight"`` draws a figure twice, each time with a new renderer (the first
    pass only measures, for the tight box), and matplotlib keeps its text sizes per renderer,
    so the second pass — and the layout engine in each — measures every title, tick label
    and legend entry again with FreeType. A size depends on the text, its font properties,
    math mode and the renderer's dpi, and on the font settings, which cannot change inside one
    ``savefig``; so for its length the ``renderer_class``'s sizes are kept by exactly those
    (a font-properties copy: the caller may change its own later). About 15 % of an SVG
    chart's drawing.

    Each layout of a text also looks up its font's line metrics (the font file found again,
    its OS/2 or hhea table and its units per em read from FreeType) — the same for every text
    in the same font at the same size. matplotlib asks a renderer for them first
    (``_get_font_height_metrics``, which only its PDF and PostScript renderers have); for the
    length of the save the ``renderer_class`` answers with the numbers matplotlib's own
    fallback computes (``Text._get_layout``: the same expressions, the root figure's dpi),
    kept by font properties and dpi. The same numbers, so the same file, byte for byte
    (tests/test_plotting.py).

    A text with path effects (the white halo of a map label) is drawn as a path, which
    ``TextToPath.get_text_path`` builds from the font's glyphs in both draws of the save (the
    first only to throw it away). The path depends on the text, its font properties, math
    mode, font features and language alone (``TextToPath`` works at a fixed size and dpi; the
    renderer scales it), so for the length of the save each is built once and handed out as
    new lists (``Path`` copies them into its own arrays)."""
    from matplotlib.font_manager import fontManager, get_font
    from matplotlib.textpath import TextToPath

    measure = renderer_class.__dict__.get("get_text_width_height_descent")
    inherited = renderer_class.get_text_width_height_descent
    sizes: dict = {}
    metrics: dict = {}

    def measured_once(self, s, prop, ismath):
        key = (s, prop.copy(), ismath, getattr(self, "dpi", None))
        if key not in sizes:
            sizes[key] = inherited(self, s, prop, ismath)
        return sizes[key]

    def font_height_metrics(self, prop):
        # as Text._get_layout's fallback (matplotlib 3.11), which it then does not run
        dpi = fig.dpi
        key = (prop.copy(), dpi)
        if key not in metrics:
            font = get_font(fontManager._find_fonts_by_props(prop))
            found = (None, None, None)
            for table_name, linegap_key, ascent_key, descent_key in (
                    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                    ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(table_name)
                if table is None:
                    continue
                fontsize = prop.get_size_in_points()
                units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
                scale = 1 / units_per_em * fontsize * dpi / 72
                found = (table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale)
                break
            metrics[key] = found
        return metrics[key]

    text_path = TextToPath.__dict__["get_text_path"]
    paths: dict = {}

    def text_path_once(self, prop, s, ismath=False, *, features=None, language=None):
        key = (prop.copy(), s, ismath, None if features is None else tuple(features), language)
        if key not in paths:
            paths[key] = text_path(self, prop, s, ismath, features=features, language=language)
        verts, codes = paths[key]  # (an empty text's vertices are an empty (0, 2) array)
        return (verts.copy() if isinstance(verts, np.ndarray) else list(verts)), list(codes)

    own_metrics = "_get_font_height_metrics" in dir(renderer_class)
    renderer_class.get_text_width_height_descent = measured_once
    if not own_metrics:
        renderer_class._get_font_height_metrics = font_height_metrics
    TextToPath.get_text_path = text_path_once
    try:
        yield
    finally:
        TextToPath.get_text_path = text_path
        if measure is None:
            del renderer_class.get_text_width_height_descent
        else:
            renderer_class.get_text_width_height_descent = measure
        if not own_metrics:
            del renderer_class._get_font_height_metrics


def _register_ipython_png() -> None:
    """Make figures display in IPython whatever the matplotlib backend (a headless run with
    MPLBACKEND=Agg would otherwise show only ``<Figure size …>``): as PNG or SVG (one of the
    two, :func:`output_format`), with their alt text and CSS size in the output metadata.
    Does nothing outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    ip = get_ipython()
    if ip is None:
        return
    formatters = ip.display_formatter.formatters
    for mime, func in (("image/png", png_bundle), ("image/svg+xml", svg_bundle)):
        formatters[mime].for_type(Figure, func)


# ----------------------------------------------------------------------------- basics


def _require_text(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string (every figure states it); got {value!r}")
    if hasattr(value, "links"):  # a provenance.Caption keeps its links
        return type(value)(value.strip(), value.links)
    return value.strip()


def figure(
    size: str | tuple[float, float] = "wide", nrows: int = 1, ncols: int = 1,
    layout: str = "constrained", **kwargs,
):
    """A new house-style figure and its axes: ``fig, ax = figure("wide")``.

    ``size`` is one of :data:`SIZES` (``"wide"`` 6.4×4.3 in, ``"tall"``, ``"square"``,
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
            raise ValueError(f"size must be one of {sorted(SIZES)} or (width, height) in inches; "
                             f"got {size!r}") from None
        if not (0 < w <= 30 and 0 < h <= 30):
            raise ValueError(f"size (width, height) must be between 0 and 30 inches; got {size!r}")
        figsize = (w, h)
    fig = Figure(figsize=figsize, layout=layout)
    setattr(fig, _HOUSE_ATTR, True)
    canvas = FigureCanvasAgg(fig)
    # geopandas asks for a redraw after every layer it adds; on an Agg canvas each is a full
    # render (~0.07 s a map layer). Figures are rendered once, when they are shown or saved;
    # code that needs the layout first calls fig.draw_without_rendering().
    canvas.draw_idle = lambda *args, **kwargs: None
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

    A text already starting with "Source" (or the run's language's word for it, as a
    :func:`helpers.provenance.source_caption` line does) is kept as it is. Calling it again replaces the
    previous source line (one per figure). Returns the Text artist (gid ``"source-line"``).
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    text = _require_text(text, "source")
    # i18n: the source line under a chart or table; {sources} are the publishers' own attribution lines
    prefix = _("Source: {sources}").format(sources="").strip().lower()
    if not text.lower().startswith(("source", prefix)):
        text = _("Source: {sources}").format(sources=text)
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


def _bold_labels(tick_labels, names) -> None:
    """The tick labels of the highlighted bars in bold (a mark that is not colour alone)."""
    for tick in tick_labels:
        if tick.get_text() in names:
            tick.set_fontweight("bold")


def legend_below_plot(fig, handles, ncol: int):
    """The legend below the plot and above the source line, from the figure's left edge (long
    bar labels leave the axes narrow, so an axes legend would not fit); one column when the
    entries are long. Call it after :func:`finalise` (which places the source line)."""
    if max(len(h.get_label()) for h in handles) > 28:
        ncol = 1
    rows = int(np.ceil(len(handles) / ncol))
    engine = fig.get_layout_engine()
    bottom = float(engine.get()["rect"][1])
    height = (rows * 10.5 * 1.5 + 12) / 72 / fig.get_figheight()
    leg = fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, bottom), bbox_transform=fig.transFigure,
                     ncol=ncol, frameon=False)
    leg.set_gid("chart-legend")
    engine.set(rect=(0, bottom + height, 1, 1 - bottom - height))
    return leg
