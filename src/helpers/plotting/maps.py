"""Choropleth and locator maps in EPSG:3067 (see helpers.plotting)."""


from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from helpers.analysis import Classification, classify
from helpers.analysis.classes import NO_DATA

from .. import downloads
from ..i18n import _
from . import alt
from .style import (
    DIVERGING_CMAP,
    HIGHLIGHT_COLOUR,
    LABEL_FONTSIZE,
    MISSING_COLOUR,
    MISSING_EDGE,
    MISSING_HATCH,
    SEQUENTIAL_CMAP,
    SOURCE_GID,
    WIDTH,  # noqa: F401
    _require_text,
    _set_title,
    _wrap,
    figure,
    finalise,
    source_line,
    use_style,
)

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


_LABEL_COLUMNS = ("label", "name_fi", "nimi", "name")  # the names in the run's language first


def _label_column(gdf, label_column):
    if label_column is not None:
        if label_column not in gdf.columns:
            raise ValueError(f"label_column={label_column!r} is not a column of gdf; "
                             f"the columns are {list(gdf.columns)}")
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


def _lay_out(fig) -> None:
    """Place the axes as the next draw will: run the figure's layout engine, which is all of
    a draw that moves them (``get_position`` then applies the equal aspect). Without an
    engine, a draw without rendering (an axes locator may place the axes at draw time)."""
    engine = fig.get_layout_engine()
    if engine is None or not fig.axes:
        fig.draw_without_rendering()
        return
    try:
        engine.execute(fig)
    except ValueError:  # as Figure.draw: a layout that cannot be made leaves the axes where they are
        pass


def _auto_label_mask(gdf, texts: list[str], ax, fig, always=None) -> np.ndarray:
    """Label an area only when its name fits inside its outline on the page and does not
    collide with a label already placed (largest areas first); the areas in ``always`` (a
    boolean mask) are labelled first whatever their size."""
    _lay_out(fig)  # the axes' final position (constrained layout) decides what fits
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
    always = np.zeros(len(gdf), dtype=bool) if always is None else always
    order = sorted(range(len(gdf)), key=lambda i: (not always[i], -areas[i]))
    placed: list[tuple[float, float, float, float]] = []
    mask = np.zeros(len(gdf), dtype=bool)
    for i in order:
        text = texts[i]
        if not text:
            continue
        w_in = len(text) * char_w
        bw = (bounds[i, 2] - bounds[i, 0]) * scale
        bh = (bounds[i, 3] - bounds[i, 1]) * scale
        too_small = w_in > bw * 0.9 or text_h > bh * 0.6 or areas[i] * scale**2 < 2.5 * w_in * text_h
        if too_small and not always[i]:
            continue
        x, y = points.iloc[i].x, points.iloc[i].y
        half_w, half_h = w_in / 2 / scale, text_h / 2 / scale
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in placed):
            continue
        placed.append(box)
        mask[i] = True
    return mask


def _draw_labels(ax, fig, gdf, labels, label_col: str, always_label=()) -> None:
    """Write area names at representative points: ``labels`` is "auto" (only names that fit,
    plus the areas named in ``always_label``), True (all) or a list of names/codes."""
    import matplotlib.patheffects as pe

    texts = gdf[label_col].fillna("").astype(str).tolist()
    if labels == "auto":
        always = _match_rows(gdf, list(always_label), label_col, "always_label") if always_label else None
        mask = _auto_label_mask(gdf, texts, ax, fig, always)
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
    missing_label: str | None = None,
    cmap: str = SEQUENTIAL_CMAP,
    decimals: int | None = None,
    size="auto",
    legend_loc: str = "below",
    centre: float | None = None,
    diverging_cmap: str = DIVERGING_CMAP,
    scale_bar: bool = True,
    ax=None,
) -> Figure:
    """Classed choropleth map in EPSG:3067.

    Values of ``column`` are classed with :func:`helpers.analysis.classify` (``scheme``
    "quantiles", "natural_breaks" or "equal_interval", ``k`` classes) and coloured from
    ``cmap`` (ColorBrewer YlGnBu by default, colour-blind safe). Areas with a missing
    value are drawn light grey and hatched, with a legend entry ``missing_label`` ("no
    data" in the run's language by default, or "suppressed" when the publisher withheld
    small numbers). The legend lists
    the k class ranges (``legend_title`` names the measure and its unit).

    ``labels``: ``"auto"`` names only areas whose name fits inside the area on the page
    (largest first, no overlaps), ``True`` all, ``False`` none, or a list of names/codes.
    Names come from ``label_column`` (default: the first of label, name_fi, nimi, name).
    ``highlight``: a name or code (or a list) outlined in black and listed in the legend.

    ``legend_loc``: ``"below"`` (outside the map, default: the map keeps the full width of a
    narrow screen), ``"right"`` (outside), or a matplotlib location inside the map ("lower
    right", …). ``size="auto"`` makes the figure 6.4 in wide and as tall as the map needs.

    ``centre`` (0 for a change, 1 for a location quotient) classes the values on each side
    of it separately and colours them from the two halves of ``diverging_cmap`` (ColorBrewer
    RdBu, colour-blind safe: red below the centre, blue above), so growth and decline never
    look alike and the centre is a class boundary. ``scale_bar`` draws a kilometre scale.

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
    missing_label = _(NO_DATA) if missing_label is None else missing_label
    cls: Classification = classify(gdf[column], scheme, k, missing_label=missing_label, decimals=decimals,
                                   centre=centre)
    if centre is None:
        colours = [mpl.colors.to_hex(cmap_obj(x)) for x in np.linspace(0.12, 0.95, cls.k)]
    else:
        colours = _diverging_colours(diverging_cmap, cls.n_below, cls.k - cls.n_below)
    hl_mask = _match_rows(gdf, highlight, label_col, "highlight") if highlight is not None else None

    if ax is None:
        if size == "auto":
            minx, miny, maxx, maxy = gdf.total_bounds
            aspect = (maxy - miny) / max(maxx - minx, 1e-9)
            map_w = WIDTH - (2.3 if legend_loc == "right" else 0.4)
            rows = (len(cls.labels) + 2) // 2 + 1
            extra = 1.4 + (0.22 * rows + 0.5 if legend_loc == "below" else 0.0)
            size = (WIDTH, float(np.clip(map_w * aspect + extra, 4.0, 11.0)))
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
        # i18n: a map legend entry: the areas drawn with a black outline
        handles.append(Line2D([], [], color="black", linewidth=2.2,
                              label=_("{names} (outlined)").format(names=", ".join(hl_names))))
    ax.set_axis_off()
    ax.set_aspect("equal")
    if legend_loc == "right":
        where = dict(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    elif legend_loc == "below":
        where = dict(loc="upper left", bbox_to_anchor=(0.0, 0.0), frameon=False,
                     ncol=min(2, len(handles)))
    else:
        where = dict(loc=legend_loc, frameon=True, framealpha=0.9, edgecolor="#CCCCCC")
    share = 0.9 if legend_loc == "below" else 0.3
    leg = ax.legend(handles=handles, title=_wrap(legend_title, fig, 10.5, share=share), alignment="left", **where)
    leg.set_gid("map-legend")

    if scale_bar:
        draw_scale_bar(ax)
    _set_title(fig, ax, title, own)
    source_line(fig, source)  # the page is complete: the labels see the map's final size
    if labels and label_col is not None:
        _draw_labels(ax, fig, gdf, labels, label_col)
    hl = gdf.loc[hl_mask, label_col].astype(str).tolist() if (hl_mask is not None and label_col) else []
    alt.set_alt(fig, alt.choropleth(alt.values_by_label(gdf, column, label_col), title=title, source=source,
                                    legend_title=legend_title, labels=cls.labels, highlight=hl,
                                    missing_label=missing_label, decimals=decimals))
    keep = [c for c in ("code", label_col) if c and c in gdf.columns and c != column] + [column]
    downloads.attach(fig, pd.DataFrame(gdf[keep]).assign(**{"class": cls.value_labels.to_numpy()}),
                     title=title, source=source)
    return finalise(fig, source=source)


def _diverging_colours(cmap: str, n_below: int, n_above: int) -> list[str]:
    """``n_below`` colours from the lower half of ``cmap`` (darkest furthest from the centre)
    and ``n_above`` from the upper half; the neutral middle is never used, so the classes on
    either side of the centre are told apart."""
    try:
        cm = mpl.colormaps[cmap]
    except KeyError:
        raise ValueError(f"diverging_cmap={cmap!r} is not a matplotlib colormap") from None
    below = [mpl.colors.to_hex(cm(x)) for x in np.linspace(0.05, 0.38, max(n_below, 1))][:n_below]
    above = [mpl.colors.to_hex(cm(x)) for x in np.linspace(0.62, 0.95, max(n_above, 1))][:n_above]
    if n_below == 1:
        below = [mpl.colors.to_hex(cm(0.3))]
    if n_above == 1:
        above = [mpl.colors.to_hex(cm(0.7))]
    return below + above


_NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)


def draw_scale_bar(ax, *, fraction: float = 0.22) -> None:
    """A kilometre scale bar at the lower left of a map in EPSG:3067 (metres), about
    ``fraction`` of the map's width, rounded to 1, 2, 5, 10, 20, 25, 50 … km."""
    import matplotlib.patheffects as pe

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_km = (x1 - x0) / 1000 * fraction
    km = max([n for n in _NICE_KM if n <= width_km] or [_NICE_KM[0]])
    left, base = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03
    tick = (y1 - y0) * 0.012
    ax.plot([left, left + km * 1000], [base, base], color="#222222", linewidth=2.2, solid_capstyle="butt",
            gid="scale-bar")
    for x in (left, left + km * 1000):
        ax.plot([x, x], [base - tick, base + tick], color="#222222", linewidth=1.2)
    # i18n: the length written on a map's scale bar, in kilometres
    ax.text(left + km * 500, base + tick * 1.6, _("{km} km").format(km=km), ha="center", va="bottom",
            fontsize=LABEL_FONTSIZE, color="#222222", path_effects=[pe.withStroke(linewidth=2.2, foreground="white")])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


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
    always_label=(),
) -> Figure:
    """Two-panel reference map in EPSG:3067: ``context`` areas (e.g. Finland's regions)
    on the left with ``highlight`` (names/codes) filled, and ``detail`` areas (e.g. one
    region's municipalities) zoomed on the right with their names where they fit.

    No values are mapped (use :func:`choropleth` for that); it answers "where is it?".
    Both frames must be in EPSG:3067 (refused otherwise, as in :func:`choropleth`).
    ``always_label`` names detail areas labelled even when their name does not fit (a
    region's centre, say).
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
    fig, (ax_ctx, ax_det) = figure((WIDTH, 5.4), ncols=2, layout="compressed",
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
    # the north-west corner of a map of Finland is empty sea/Sweden: room for the legend
    leg = ax_ctx.legend(handles=handles, loc="upper left", frameon=False, fontsize=9.5,
                        bbox_to_anchor=(-0.05, 1.0))
    leg.set_gid("map-legend")
    for ax in (ax_ctx, ax_det):
        draw_scale_bar(ax, fraction=0.3)
    _set_title(fig, ax_ctx, title, own_figure=True)
    source_line(fig, source)
    if labels and label_col is not None:
        _draw_labels(ax_det, fig, detail, labels, label_col, always_label)
    hl_name = ", ".join(names) if highlight is not None else None
    detail_names = detail[label_col].astype(str).tolist() if label_col else []
    alt.set_alt(fig, alt.locator(title=title, source=source, context_n=len(context), detail_names=detail_names,
                                 highlight=hl_name))
    finalise(fig, source=source)
    _close_gap_above_source(fig)
    return fig


def _close_gap_above_source(fig: Figure, *, keep_in: float = 0.12) -> None:
    """Move a figure's source line up to ``keep_in`` inches below its lowest map.

    The shape of fixed-aspect maps, not the figure's, sets their height, and the layout leaves
    the spare height between the maps and the source line, which sits at the bottom of the
    figure: a band of white in the middle of the picture. Moved up (figure texts take no part
    in the layout, so the maps stay where they are), the white is below the source line, where
    a tight save crops it."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    line = next(t for t in fig.texts if t.get_gid() == SOURCE_GID)
    top = line.get_window_extent(renderer).y1
    lowest = min(ax.get_tightbbox(renderer).y0 for ax in fig.axes)
    gap = (lowest - top) / fig.dpi - keep_in
    if gap > 0.05:
        x, y = line.get_position()
        line.set_position((x, y + gap / fig.get_figheight()))
