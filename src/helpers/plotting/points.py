"""Proportional point maps in EPSG:3067 (see helpers.plotting): one marker per point (a
postal area's centre point, say), its *area* proportional to the value, drawn over a base
of polygons (the municipalities around them)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import downloads
from ..i18n import N_, _
from . import alt
from .maps import _check_map_frame, _match_rows, draw_scale_bar
from .style import (
    BASE_COLOUR,
    LABEL_FONTSIZE,
    MISSING_COLOUR,
    MISSING_EDGE,
    WIDTH,
    _require_text,
    _set_title,
    _wrap,
    figure,
    finalise,
)

#: the legend's word for a point whose value the publisher withheld (the default ``missing_label``)
# i18n: a map legend entry: the publisher withheld the value (small numbers are protected)
SUPPRESSED = N_("suppressed")
#: marker area (points²) of the largest value
MAX_MARKER = 900.0
_NICE = (1, 2, 2.5, 5, 10)


def nice_sizes(vmax: float, n: int = 3) -> list[float]:
    """Up to ``n`` round reference values for a size legend, largest first: the largest
    1-2-2.5-5 × 10^k not above ``vmax``, then about a third and a tenth of it (rounded
    the same way). Empty when ``vmax`` is not positive."""
    if not (vmax > 0 and math.isfinite(vmax)):
        return []

    def below(x: float) -> float:
        exp = 10 ** math.floor(math.log10(x))
        return max(m * exp for m in _NICE if m * exp <= x * (1 + 1e-9))

    out = []
    for x in (vmax, vmax / 3, vmax / 10)[:n]:
        v = below(x) if x >= 1 or vmax < 1 else 0
        if v > 0 and v not in out:
            out.append(v)
    return out


def _marker_area(values: np.ndarray, vmax: float, max_marker: float) -> np.ndarray:
    return np.where(np.isfinite(values), max_marker * values / vmax, 0.0)


def _label_points(ax, fig, points, which, xs, ys, values, vmax, max_marker, label_column, base,
                  base_label_column) -> list[str]:
    """Name the ``which`` points (largest first) beside their circle - above, right, below or
    left, the first place that overlaps no label already placed - then the base areas' names
    (grey italic) where they overlap nothing. Returns the point names placed."""
    import matplotlib.patheffects as pe

    renderer = fig.canvas.get_renderer()
    boxes, placed = [], []
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]

    def place(text):
        box = text.get_window_extent(renderer)
        if any(box.overlaps(b) for b in boxes):
            text.remove()
            return False
        boxes.append(box)
        return True

    for i in which:
        name = str(points.loc[i, label_column])
        r = math.sqrt(_marker_area(values[i:i + 1], vmax, max_marker)[0]) / 2 + 2
        for dx, dy, ha, va in ((0, r, "center", "bottom"), (r, 0, "left", "center"), (0, -r, "center", "top"),
                               (-r, 0, "right", "center")):
            text = ax.annotate(name, (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=LABEL_FONTSIZE, color="#222222", gid="point-label", path_effects=halo)
            if place(text):
                placed.append(name)
                break
    if base_label_column in base.columns:
        reps = base.geometry.representative_point()
        for name, pt in zip(base[base_label_column].astype(str), reps):
            place(ax.annotate(name, (pt.x, pt.y), ha="center", va="center", fontsize=LABEL_FONTSIZE - 0.5,
                              color="#666666", style="italic", gid="area-label", path_effects=halo))
    return placed


def point_map(
    points,
    column: str,
    *,
    base,
    title: str,
    source: str,
    legend_title: str,
    label_column: str | None = "name_fi",
    label_top: int = 5,
    highlight=None,
    base_label_column: str | None = "name_fi",
    missing_label: str | None = None,
    unit: str = "",
    decimals: int = 0,
    colour: str = BASE_COLOUR,
    max_marker: float = MAX_MARKER,
    scale_bar: bool = True,
) -> Figure:
    """Proportional-symbol map: ``points`` (a GeoDataFrame of points in EPSG:3067) drawn as
    circles whose area is proportional to ``column``, over ``base`` polygons (a GeoDataFrame
    in EPSG:3067, drawn light grey with white edges).

    A point with value 0 is a small hollow ring (0 is a value, not a gap); a missing value
    (suppressed by the publisher) is a grey cross, listed in the legend as
    ``missing_label`` (default "suppressed" in the run's language). The legend shows up to three round reference sizes
    (:func:`nice_sizes`) with ``legend_title`` (the measure and its unit). The ``label_top``
    largest points are named from ``label_column``; ``highlight`` (names or codes of
    ``base`` areas) outlines those base areas. Both frames must be in EPSG:3067 (refused
    otherwise, as in :func:`~helpers.plotting.choropleth`). The figure carries an alt text
    and the points' data (label, x, y, value) for download.
    """
    title = _require_text(title, "title")
    source = _require_text(source, "source")
    legend_title = _require_text(legend_title, "legend_title")
    missing_label = _(SUPPRESSED) if missing_label is None else missing_label
    _check_map_frame(points, column)
    _check_map_frame(base, base.columns[0])
    if not all(points.geometry.geom_type == "Point"):
        raise ValueError("points must hold Point geometries (e.g. geopandas.points_from_xy(x, y, crs=3067))")
    if label_column is not None and label_column not in points.columns:
        raise ValueError(f"label_column={label_column!r} is not a column of points; columns: {list(points.columns)}")
    points = points.reset_index(drop=True)
    base = base.reset_index(drop=True)
    values = pd.to_numeric(points[column], errors="coerce").to_numpy(dtype="float64")
    if (values[np.isfinite(values)] < 0).any():
        raise ValueError(f"{column!r} has negative values; a proportional symbol needs counts (>= 0)")
    known = np.isfinite(values)
    vmax = float(values[known].max()) if known.any() else 0.0

    minx, miny, maxx, maxy = base.total_bounds
    aspect = (maxy - miny) / max(maxx - minx, 1e-9)
    fig, ax = figure((WIDTH, float(np.clip((WIDTH - 0.4) * aspect + 2.6, 4.5, 10.5))), layout="compressed")
    base.plot(ax=ax, color=MISSING_COLOUR, edgecolor="white", linewidth=0.8)
    xs, ys = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    positive = known & (values > 0)
    order = np.argsort(-np.where(positive, values, 0))  # large circles first, small ones on top
    order = order[positive[order]]
    if vmax > 0:
        ax.scatter(xs[order], ys[order], s=_marker_area(values[order], vmax, max_marker), color=colour,
                   alpha=0.6, edgecolor="white", linewidth=0.6, zorder=3, gid="points")
    handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor=colour, alpha=0.6, markeredgecolor="white",
                      markersize=math.sqrt(max_marker * v / vmax), label=alt._num(v, decimals, unit))
               for v in nice_sizes(vmax)]
    zero = known & (values == 0)
    if zero.any():
        ax.scatter(xs[zero], ys[zero], s=14, facecolor="none", edgecolor=colour, linewidth=0.9, zorder=3)
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=colour,
                              # i18n: a point-map legend entry: a hollow ring marks a value of zero
                              markersize=4, label=_("0 (none)")))
    missing = ~known
    if missing.any():
        ax.scatter(xs[missing], ys[missing], s=22, marker="x", color=MISSING_EDGE, linewidth=1.0, zorder=3,
                   gid="missing")
        handles.append(Line2D([], [], marker="x", linestyle="", color=MISSING_EDGE, markersize=6,
                              label=missing_label))
    if highlight is not None:
        label_col = base_label_column if base_label_column in base.columns else None
        mask = _match_rows(base, highlight, label_col, "highlight")
        base[mask].boundary.plot(ax=ax, color="black", linewidth=1.8)
        ax.collections[-1].set_gid("highlight")
        names = base.loc[mask, label_col].astype(str).tolist() if label_col else [str(highlight)]
        # i18n: a map legend entry: the areas drawn with a black outline
        handles.append(Line2D([], [], color="black", linewidth=1.8,
                              label=_("{names} (outlined)").format(names=", ".join(names))))
    if not handles:
        handles.append(Patch(facecolor=MISSING_COLOUR, label=_("no points")))
    ax.set_axis_off()
    ax.set_aspect("equal")
    leg = ax.legend(handles=handles, title=_wrap(legend_title, fig, 10.5, share=0.9), alignment="left",
                    loc="upper left", bbox_to_anchor=(0.0, 0.0), frameon=False, ncol=min(4, len(handles)),
                    labelspacing=1.3, borderpad=0.8, handletextpad=1.0, columnspacing=1.6)
    leg.set_gid("map-legend")
    labelled = _label_points(ax, fig, points, order[:label_top] if label_column and label_top else [], xs, ys,
                             values, vmax, max_marker, label_column, base, base_label_column)
    if scale_bar:
        draw_scale_bar(ax)
    _set_title(fig, ax, title, True)
    labels = points[label_column].astype(str) if label_column is not None else points.index.astype(str)
    by_label = pd.Series(values, index=np.asarray(labels))
    if by_label.index.duplicated().any():  # the alt text names points: make the names unique
        by_label.index = [f"{n} ({i + 1})" for i, n in enumerate(by_label.index)]
    # i18n: alternative text of a point map: {measure} is the legend's title in lower case
    clauses = [_("{n} points, circle area proportional to {measure}: {extremes}").format(
        n=len(points), measure=alt.in_sentence(legend_title), extremes=alt._extremes(by_label, decimals, unit))]
    if zero.any():
        # i18n: alternative text of a point map: how many points have the value zero
        clauses.append(_("{n} with 0").format(n=int(zero.sum())))
    clauses += alt._missing(int(missing.sum()), missing_label)
    if labelled:
        # i18n: alternative text of a point map: the points whose names are written on the map
        clauses.append(_("named on the map: {names}").format(names=", ".join(labelled)))
    # i18n: alternative text of a point map; {description} is made of clauses separated by semicolons,
    # {source} is its "Source: …" line
    alt.set_alt(fig, _("Point map: {title}. {description}. {source}.").format(
        title=alt._clean(title), description="; ".join(clauses), source=alt._clean(source)))
    keep = [c for c in ("code", "postal_code", label_column) if c and c in points.columns and c != column]
    data = pd.DataFrame(points[keep]).assign(x=xs, y=ys, **{column: values})
    downloads.attach(fig, data, title=title, source=source)
    return finalise(fig, source=source)
