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

Plotting never computes statistics: class breaks come from :func:`helpers.analysis.classif

Modules: :mod:`.style` (house style, :func:`figure`, :func:`finalise`, source lines,
formatters), :mod:`.charts` (:func:`bar_chart`, :func:`line_chart`), :mod:`.maps`
(:func:`choropleth`, :func:`locator_map`); everything is importable from ``helpers.plotting``.
"""

from __future__ import annotations

__all__ = [
    "PALETTE",
    "HIGHLIGHT_COLOUR",
    "BASE_COLOUR",
    "MISSING_COLOUR",
    "MISSING_HATCH",
    "SEQUENTIAL_CMAP",
    "DIVERGING_CMAP",
    "MAP_CRS",
    "SIZES",
    "WIDTH",
    "STYLE",
    "use_style",
    "figure",
    "source_line",
    "finalise",
    "figure_title",
    "save",
    "set_format",
    "output_format",
    "thousands_formatter",
    "bar_chart",
    "line_chart",
    "choropleth",
    "locator_map",
    "point_map",
]

from .charts import bar_chart, line_chart
from .maps import choropleth, locator_map
from .points import point_map
from .stacked import category_bar_chart, stacked_bar_chart  # noqa: F401 - re-exported
from .style import (
    BASE_COLOUR,
    DIVERGING_CMAP,
    HIGHLIGHT_COLOUR,
    MAP_CRS,
    MISSING_COLOUR,
    MISSING_HATCH,
    PALETTE,
    SEQUENTIAL_CMAP,
    SIZES,
    STYLE,
    WIDTH,
    figure,
    figure_title,
    finalise,
    output_format,
    save,
    set_format,
    source_line,
    thousands_formatter,
    use_style,
)
