"""Tests for helpers.plotting (Agg backend, no pyplot state).

The map fixture ``squares`` is a HAND-MADE GeoDataFrame of 3 x 4 squares in EPSG:3067
with made-up values (one missing); the bar/line data are hand-made unless a comment says
otherwise.
"""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import box

from helpers import plotting as P

SOURCE = "Source: hand-made test data"


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """HAND-MADE: 12 squares of 19.5 km in ETRS-TM35FIN, value 10*i + 3*j, square 011 missing."""
    rows = []
    for i in range(4):
        for j in range(3):
            code = f"{i * 3 + j:03d}"
            rows.append({
                "code": code,
                "name_fi": f"Äänekoski {code}" if (i + j) % 2 else f"Åbo {code}",
                "value": np.nan if (i, j) == (1, 1) else float(10 * i + 3 * j),
                "geometry": box(240_000 + i * 20_000, 6_710_000 + j * 20_000,
                                240_000 + i * 20_000 + 19_500, 6_710_000 + j * 20_000 + 19_500),
            })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:3067")


def _texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def _legend_labels(fig: Figure) -> list[str]:
    labels = []
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            labels += [t.get_text() for t in leg.get_texts()]
    return labels


def _render_png(fig: Figure, path) -> tuple[int, int]:
    fig.savefig(path)
    with Image.open(path) as im:
        return im.size


# ----------------------------------------------------------------------------- basics


def test_use_style_sets_house_font_and_palette():
    P.use_style()
    assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][:2] == ["#0072B2", "#E69F00"]


def test_figure_factory_sizes_and_errors():
    fig, ax = P.figure("wide")
    assert isinstance(fig, Figure) and tuple(fig.get_size_inches()) == (6.4, 4.3)
    fig, axes = P.figure((6, 3), ncols=2)
    assert len(axes) == 2
    with pytest.raises(ValueError, match="size must be one of"):
        P.figure("huge")


def test_source_line_prefix_and_replacement():
    fig, ax = P.figure()
    P.source_line(fig, "Statistics Finland, table 11ra, CC BY 4.0")
    P.source_line(fig, "Source: Statistics Finland, table 115x, CC BY 4.0")
    sources = [t for t in fig.texts if t.get_gid() == "source-line"]
    assert len(sources) == 1
    assert sources[0].get_text() == "Source: Statistics Finland, table 115x, CC BY 4.0"
    x, y = sources[0].get_position()
    assert x < 0.05 and y < 0.05  # bottom left
    with pytest.raises(ValueError, match="source must be a non-empty string"):
        P.source_line(fig, "  ")


def test_finalise_requires_title_and_source():
    fig, ax = P.figure()
    with pytest.raises(ValueError, match="no title"):
        P.finalise(fig, source="x")
    fig, ax = P.figure()
    with pytest.raises(ValueError, match="no source line"):
        P.finalise(fig, title="A title")
    fig, ax = P.figure()
    ax.plot([1, 2], [3, 4])
    assert P.finalise(fig, title="A title", source="x") is fig
    assert P.figure_title(fig) == "A title"


def test_thousands_formatter_writes_numbers_as_the_run_s_language_does():
    from helpers import i18n

    fmt = P.thousands_formatter()
    assert fmt.format_ticks([0, 50000, 100000]) == ["0", "50,000", "100,000"]
    assert fmt.format_ticks([-0.5, 0, 0.5]) == ["\u22120.5", "0.0", "0.5"]
    assert P.thousands_formatter(decimals=1)(1234.56) == "1,234.6"
    with i18n.using("fi"):
        assert fmt.format_ticks([0, 50000, 100000]) == ["0", "50\u202f000", "100\u202f000"]
        assert P.thousands_formatter(decimals=1)(1234.56) == "1\u202f234,6"


# ----------------------------------------------------------------------------- bar chart


def test_bar_chart_title_source_highlight_and_missing(tmp_path):
    # Real population 31.12.2023 (Statistics Finland) of four municipalities; Pöytyä set
    # missing by hand to test the missing-value marker
    s = pd.Series({"Turku": 201863, "Salo": 51100, "Raisio": 25331, "Pöytyä": np.nan})
    fig = P.bar_chart(s, title="Population 31.12.2023", source=SOURCE,
                      value_label="Population", units="persons", highlight="Turku")
    ax = fig.axes[0]
    assert P.figure_title(fig) == "Population 31.12.2023"
    assert SOURCE in _texts(fig)
    assert ax.get_xlabel() == "Population (persons)"
    # descending order from the top, missing last
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Turku", "Salo", "Raisio", "Pöytyä"]
    visible = [p for p in ax.patches if p.get_visible()]
    assert len(visible) == 3  # no zero-length bar for the missing value
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in visible]
    assert colours[0] == P.HIGHLIGHT_COLOUR.lower() and colours[1] == P.BASE_COLOUR.lower()
    assert "no data" in _texts(fig)
    assert "201,863" in _texts(fig)  # value label with the English separator
    # the highlight is explained in the chart, not by colour alone: a legend and a bold label
    assert ax.get_legend() is None and [t.get_text() for t in fig.legends[0].get_texts()] == ["Turku", "the others"]
    faces = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.legends[0].get_patches()]
    assert faces == [P.HIGHLIGHT_COLOUR.lower(), P.BASE_COLOUR.lower()]
    assert [t.get_fontweight() for t in ax.get_yticklabels()] == ["bold", "normal", "normal", "normal"]
    w, h = _render_png(fig, tmp_path / "bar.png")
    assert w == 960  # 6.4 in at 150 dpi


def test_bar_chart_highlight_legend_counts_many_and_stays_out_of_a_given_axes():
    s = pd.Series({f"Area {i}": float(i) for i in range(1, 7)})
    plain = P.bar_chart(s, title="T", source=SOURCE, value_label="Value")
    assert plain.legends == [] and plain.axes[0].get_legend() is None  # one series, nothing marked: the axis says it
    many = P.bar_chart(s, title="T", source=SOURCE, value_label="Value", highlight=["Area 1", "Area 2", "Area 3",
                                                                                      "Area 4"])
    assert [t.get_text() for t in many.legends[0].get_texts()] == ["highlighted (4)", "the others"]
    fig, ax = P.figure()
    P.bar_chart(s, title="T", source=SOURCE, value_label="Value", highlight="Area 2", ax=ax)
    assert fig.legends == []  # the caller's figure: its layout is the caller's
    assert {t.get_text(): t.get_fontweight() for t in ax.get_yticklabels()}["Area 2"] == "bold"


def test_bar_chart_legend_when_several_series():
    df = pd.DataFrame({"2019": [1.0, 2.0], "2023": [1.5, 2.5]}, index=["a", "b"])
    fig = P.bar_chart(df, title="t", source=SOURCE, value_label="v")
    assert _legend_labels(fig) == ["2019", "2023"]


def test_bar_chart_requires_title_and_source_and_valid_highlight():
    s = pd.Series({"a": 1.0})
    with pytest.raises(TypeError):
        P.bar_chart(s, source=SOURCE, value_label="v")  # title is required
    with pytest.raises(ValueError, match="title must be a non-empty string"):
        P.bar_chart(s, title="", source=SOURCE, value_label="v")
    with pytest.raises(ValueError, match="source must be a non-empty string"):
        P.bar_chart(s, title="t", source=None, value_label="v")
    with pytest.raises(ValueError, match="highlight='Turku' is not a label of data"):
        P.bar_chart(s, title="t", source=SOURCE, value_label="v", highlight="Turku")
    with pytest.raises(TypeError, match="must hold numbers"):
        P.bar_chart(pd.Series({"a": "1"}), title="t", source=SOURCE, value_label="v")


# ----------------------------------------------------------------------------- line chart


def test_line_chart_single_series_no_legend_year_ticks(tmp_path):
    s = pd.Series([192962.0, 201863.0], index=[2019, 2023], name="Turku")  # real, see above
    fig = P.line_chart(s, title="Turku population", source=SOURCE, y_label="Population",
                       units="persons")
    ax = fig.axes[0]
    assert ax.get_legend() is None
    assert ax.get_ylabel() == "Population (persons)"
    fig.canvas.draw()
    xt = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "2019" in xt and "2023" in xt  # years without a thousands separator
    yt = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any("," in t for t in yt)
    _render_png(fig, tmp_path / "line.png")


def test_line_chart_legend_when_more_than_one_series_and_gaps_kept():
    df = pd.DataFrame({"A": [1.0, np.nan, 3.0], "B": [2.0, 2.5, 3.5]}, index=[2020, 2021, 2022])
    fig = P.line_chart(df, title="t", source=SOURCE, y_label="Index")
    assert _legend_labels(fig) == ["A", "B"]
    line_a = fig.axes[0].get_lines()[0]
    assert np.isnan(line_a.get_ydata()[1])  # not interpolated


# ----------------------------------------------------------------------------- choropleth


def test_choropleth_legend_has_k_classes_and_no_data(squares, tmp_path):
    fig = P.choropleth(squares, "value", title="Hand-made squares", source=SOURCE,
                       legend_title="Value (units)", scheme="equal_interval", k=4,
                       decimals=0)
    labels = _legend_labels(fig)
    # equal interval over 0 … 36 (11 known values): width 9 -> 0–9, 9–18, 18–27, 27–36
    assert labels == ["0 – 9", "> 9 – 18", "> 18 – 27", "> 27 – 36", "no data"]  # no shared endpoints
    leg = fig.axes[0].get_legend()
    assert leg.get_title().get_text() == "Value (units)"
    assert P.figure_title(fig) == "Hand-made squares"
    assert SOURCE in _texts(fig)
    missing = [c for c in fig.axes[0].collections if c.get_gid() == "missing"]
    assert len(missing) == 1 and missing[0].get_hatch() == P.MISSING_HATCH
    _render_png(fig, tmp_path / "map.png")


def test_choropleth_without_missing_has_no_no_data_entry(squares):
    full = squares.assign(value=squares["value"].fillna(13.0))
    fig = P.choropleth(full, "value", title="t", source=SOURCE, legend_title="v", k=3,
                       missing_label="suppressed")
    labels = _legend_labels(fig)
    assert len(labels) == 3 and "suppressed" not in labels


def test_choropleth_custom_missing_label(squares):
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3,
                       missing_label="suppressed")
    assert _legend_labels(fig)[-1] == "suppressed"


def test_choropleth_refuses_other_crs(squares):
    with pytest.raises(ValueError, match="EPSG:4326.*EPSG:3067.*to_crs\\(3067\\)"):
        P.choropleth(squares.to_crs(4326), "value", title="t", source=SOURCE, legend_title="v")
    with pytest.raises(ValueError, match="no CRS"):
        P.choropleth(squares.set_crs(None, allow_override=True), "value", title="t",
                     source=SOURCE, legend_title="v")


def test_choropleth_highlight_draws_outline(squares):
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3,
                       highlight="Åbo 000")
    outlines = [c for c in fig.axes[0].collections if c.get_gid() == "highlight"]
    assert len(outlines) == 1
    segs = outlines[0].get_segments() if hasattr(outlines[0], "get_segments") else outlines[0].get_paths()
    xs = np.concatenate([np.asarray(s)[:, 0] if not hasattr(s, "vertices") else s.vertices[:, 0] for s in segs])
    assert xs.min() == 240_000 and xs.max() == 259_500  # the outline is square 000's
    assert "Åbo 000 (outlined)" in _legend_labels(fig)
    # also by code
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3,
                       highlight="005")
    assert any(c.get_gid() == "highlight" for c in fig.axes[0].collections)
    with pytest.raises(ValueError, match="highlight='Turku' is not an area of the map"):
        P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v",
                     highlight="Turku")


def test_choropleth_labels_auto_explicit_and_off(squares):
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3)
    auto = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "area-label"]
    # 19.5 km squares on an 8 in wide page are ~1.3 in across: every name fits
    assert sorted(auto) == sorted(squares["name_fi"])
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3,
                       labels=["Åbo 000", "004"])
    named = sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "area-label")
    assert named == ["Åbo 000", "Åbo 004"]  # 004: i=1, j=1 -> "Åbo"
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3,
                       labels=False)
    assert [t.get_text() for t in fig.axes[0].texts] == ["10 km"]  # only the scale bar's label


def test_choropleth_auto_labels_skip_areas_too_small_for_their_name(squares):
    # shrink one square to 1 km: its name cannot fit on the page any more
    tiny = squares.copy()
    tiny.loc[0, "geometry"] = box(240_000, 6_710_000, 241_000, 6_711_000)
    fig = P.choropleth(tiny, "value", title="t", source=SOURCE, legend_title="v", k=3)
    auto = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "area-label"]
    assert "Åbo 000" not in auto and len(auto) == 11


def test_auto_labels_measure_the_axes_where_a_draw_puts_them(squares):
    """Auto labels need the map's final size; the layout engine alone places the axes exactly
    as a whole draw does (the labels used to cost one draw without rendering per map)."""
    from helpers.plotting import maps

    where = []
    for lay_out in (maps._lay_out, Figure.draw_without_rendering):
        fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3, labels=False)
        lay_out(fig)
        where.append(fig.axes[0].get_position().bounds)
    assert where[0] == where[1]
    assert where[0] != (0.125, 0.11, 0.775, 0.77)  # moved from matplotlib's default place
    plain = Figure(figsize=(4, 3))  # no layout engine: drawn without rendering, as before
    ax = plain.add_subplot()
    ax.set_aspect("equal")
    ax.plot([0, 10], [0, 1])
    maps._lay_out(plain)
    assert plain.get_layout_engine() is None and ax.get_position().height < 0.77 * 0.5


def test_choropleth_argument_errors(squares):
    with pytest.raises(ValueError, match="column='valu' is not a column"):
        P.choropleth(squares, "valu", title="t", source=SOURCE, legend_title="v")
    with pytest.raises(ValueError, match="legend_title must be a non-empty string"):
        P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="")
    with pytest.raises(ValueError, match="scheme must be one of"):
        P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", scheme="jenks")
    with pytest.raises(TypeError, match="GeoDataFrame"):
        P.choropleth(pd.DataFrame(squares.drop(columns="geometry")), "value", title="t",
                     source=SOURCE, legend_title="v")


def test_choropleth_natural_breaks_finnish_names_render(squares, tmp_path):
    fig = P.choropleth(squares, "value", title="Pöytyä, Äänekoski ja Åbo", source=SOURCE,
                       legend_title="Arvo", scheme="natural_breaks", k=4)
    assert len(_legend_labels(fig)) == 5  # 4 classes + no data
    path = P.save(fig, tmp_path / "map.png")
    assert path.stat().st_size > 10_000


@pytest.mark.slow
def test_returned_figure_displays_as_png_in_a_kernel():
    """A figure returned by a chart function shows as a PNG in a notebook even when the
    kernel runs with MPLBACKEND=Agg (as nbval / headless runs do), and only once."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.cells = [new_code_cell(
        "import pandas as pd\n"
        "from helpers.plotting import bar_chart\n"
        "bar_chart(pd.Series({'a': 1.0, 'b': 2.0}), title='t', source='hand-made', value_label='v')"
    )]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outs = nb.cells[0].outputs
    figs = [o for o in outs if "image/svg+xml" in o.get("data", {})]
    assert len(figs) == 1 and "image/png" not in figs[0]["data"]  # a chart is stored once, as SVG
    assert figs[0]["data"]["text/plain"] == "<Figure size 640x300 with 1 Axes>"
    meta = figs[0]["metadata"]["image/svg+xml"]
    assert meta["alt"].startswith("Bar chart: t. 2 bars of v: highest b (2.00), lowest a (1.00)")
    assert 500 < meta["width"] < 700  # CSS pixels
    assert "<dc:date>" not in figs[0]["data"]["image/svg+xml"]  # deterministic: nbval compares it


# ----------------------------------------------------------------------------- readers first


def test_change_map_is_diverging_with_zero_a_class_boundary(squares):
    change = squares.assign(change=[-1.6, -1.2, -0.9, -0.5, -0.1, 0.3, 0.8, 1.5, 2.4, 3.2, 0.0, 0.6][: len(squares)])
    fig = P.choropleth(change, "change", title="t", source=SOURCE, legend_title="change %", centre=0, decimals=1)
    labels = _legend_labels(fig)
    assert any(lab.endswith("– 0.0") for lab in labels) and any(lab.startswith("> 0.0") for lab in labels)
    faces = {p.get_label(): matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].get_legend().get_patches()}
    red_side = [faces[lab] for lab in labels if "– 0.0" in lab or lab.startswith("−")]
    blue_side = [faces[lab] for lab in labels if lab.startswith("> 0.0") or (lab.startswith(">") and "−" not in lab)]
    # decline in reds (R > B), growth in blues (B > R): the two sides never look alike
    assert all(int(c[1:3], 16) > int(c[5:7], 16) for c in red_side)
    assert all(int(c[5:7], 16) > int(c[1:3], 16) for c in blue_side)


def test_every_chart_has_a_real_alt_text(squares):
    bars = P.bar_chart(pd.Series({"Turku": 4.6, "Salo": -1.2, "Aura": None}), title="Change 2019–2023",
                       source=SOURCE, value_label="Population change", units="%", highlight="Turku", decimals=1)
    assert P.alt.alt_text(bars) == (
        "Bar chart: Change 2019–2023. 3 bars of population change: highest Turku (4.6 %), lowest Salo "
        "(−1.2 %); highlighted: Turku (4.6 %); 1 no data. Source: hand-made test data.")
    lines = P.line_chart(pd.DataFrame({"Turku": [1.0, 2.0]}, index=[2019, 2020]), title="T", source=SOURCE,
                         y_label="Rate", units="%")
    assert "Turku 1.00 % in 2019 and 2.00 % in 2020" in P.alt.alt_text(lines)
    m = P.choropleth(squares, "value", title="Map title", source=SOURCE, legend_title="Value", k=3)
    text = P.alt.alt_text(m)
    assert text.startswith("Map: Map title.") and "3 classes from" in text and "Source:" in text
    assert "No description" not in text


def test_a_line_charts_alt_text_names_months_and_days_as_a_reader_writes_them():
    # HAND-MADE values on a monthly and a daily index: the text once said "2006-01-01 00:00:00"
    months = pd.DataFrame({"Jobseekers": [393.0, 410.0, 492.0]},
                          index=pd.to_datetime(["2006-01-01", "2006-02-01", "2023-10-01"]))
    text = P.alt.alt_text(P.line_chart(months, title="T", source=SOURCE, y_label="Number"))
    assert "Number from 2006-01 to 2023-10: Jobseekers 393 in 2006-01 and 492 in 2023-10." in text
    assert "00:00" not in text
    days = pd.DataFrame({"Count": [1.0, 2.0]}, index=pd.to_datetime(["2020-03-15", "2020-04-02"]))
    assert "from 2020-03-15 to 2020-04-02" in P.alt.alt_text(P.line_chart(days, title="T", source=SOURCE,
                                                                           y_label="Count"))
    times = pd.DataFrame({"Load": [1.0, 2.0]}, index=pd.to_datetime(["2020-03-15 08:30", "2020-03-15 17:45"]))
    assert "from 2020-03-15 08:30 to 2020-03-15 17:45" in P.alt.alt_text(P.line_chart(times, title="T", source=SOURCE,
                                                                                      y_label="Load"))


@pytest.mark.parametrize("label, expected", [
    ("Population change", "population change"),
    ("Pääluokan C työpaikkojen sijaintiosamäärä", "pääluokan C työpaikkojen sijaintiosamäärä"),
    ("Lokaliseringskvot för arbetsplatserna inom J", "lokaliseringskvot för arbetsplatserna inom J"),
    ("C jobs location quotient", "C jobs location quotient"),
    ("ICT share, %", "ICT share, %"), ("CO2e per inhabitant", "CO2e per inhabitant"),
    ("Varsinais-Suomi: share", "Varsinais-Suomi: share"), ("share, %", "share, %"), ("", ""),
])
def test_a_label_in_the_middle_of_an_alt_text_keeps_its_codes_and_abbreviations(label, expected):
    assert P.alt.in_sentence(label) == expected


def test_a_maps_alt_text_keeps_the_capital_of_a_section_code(squares):
    """The Finnish life-science map said "mittarina pääluokan c työpaikkojen …" (lower-cased whole)."""
    m = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="C jobs location quotient", k=3)
    assert "of C jobs location quotient" in P.alt.alt_text(m)
    bars = P.bar_chart(pd.Series({"a": 1.0, "b": 2.0}), title="t", source=SOURCE, value_label="J share, %")
    assert "2 bars of J share, %" in P.alt.alt_text(bars)


def test_maps_have_a_scale_bar(squares):
    fig = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3)
    assert any(line.get_gid() == "scale-bar" for line in fig.axes[0].lines)


def test_charts_are_deterministic_svg_and_maps_are_palette_png(squares):
    bars = P.bar_chart(pd.Series({"a": 1.0, "b": 2.0}), title="t", source=SOURCE, value_label="v")
    first, meta = P.style.svg_bundle(bars)
    assert P.style.png_bundle(bars) is None and first == P.style.svg_bundle(bars)[0]  # same bytes twice
    assert meta["alt"].startswith("Bar chart: t.")
    m = P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3)
    png, meta = P.style.png_bundle(m)
    assert P.style.svg_bundle(m) is None and png[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        assert img.mode == "P" and abs(img.width - meta["width"] * P.style.RENDER_SCALE) <= 1


def test_a_maps_png_is_the_drawn_pixels_quantised_as_a_png_round_trip_would_give(squares):
    """png_bundle takes Agg's RGBA buffer straight from ``savefig(format="rgba")`` (no PNG
    encoded and decoded in between): the same bytes as the saved PNG, decoded and quantised."""
    import io

    from PIL import Image

    def via_png(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100 * P.style.RENDER_SCALE, bbox_inches="tight",
                    metadata={"Software": None})
        with Image.open(buf) as img:
            out = io.BytesIO()
            img.convert("RGB").quantize(colors=P.style.PNG_COLOURS, method=Image.Quantize.MEDIANCUT,
                                        dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
        return out.getvalue()

    def new_map():
        return P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3, highlight="004")

    # a map is drawn once in a notebook: compare first draws of two identical maps
    assert P.style.png_bundle(new_map())[0] == via_png(new_map())


def test_a_figure_measures_each_text_once_per_save_and_writes_the_same_bytes(squares, monkeypatch):
    """png_bundle and svg_bundle keep text sizes across the two draws of a tight save: the
    file is the one a plain ``savefig`` writes, each text is measured by FreeType once, and
    the renderers measure as before afterwards."""
    import io

    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG

    def new_chart():
        return P.bar_chart(pd.Series({"Åbo": 1.0, "Äänekoski": 2.5, "Pargas": 2.0}), title="Väestö",
                           source=SOURCE, value_label="Henkilöä")

    plain = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "turku-workbooks", "svg.fonttype": "none"}):
        new_chart().savefig(plain, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    assert P.style.svg_bundle(new_chart())[0] == plain.getvalue().decode("utf-8")

    for renderer, draw in ((RendererSVG, lambda: P.style.svg_bundle(new_chart())),
                           (RendererAgg, lambda: P.style.png_bundle(
                               P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3)))):
        measured = []
        original = renderer.get_text_width_height_descent

        def counting(self, s, prop, ismath, original=original, measured=measured):
            measured.append((s, prop.copy(), ismath, getattr(self, "dpi", None)))
            return original(self, s, prop, ismath)

        monkeypatch.setattr(renderer, "get_text_width_height_descent", counting)
        draw()
        assert measured and len(measured) == len(set(measured)), renderer.__name__  # none twice
        assert renderer.get_text_width_height_descent is counting  # put back as it was
        monkeypatch.undo()
    assert RendererAgg.get_text_width_height_descent is RendererAgg.__dict__["get_text_width_height_descent"]


def test_a_haloed_texts_path_is_built_once_per_save_and_draws_the_same_pixels(monkeypatch):
    """A text with path effects (a map label's white halo) is drawn as a path that
    ``TextToPath`` builds from the glyphs in both draws of a tight save. Inside png_bundle's
    save each distinct path is built once; the pixels are those of a plain save, and
    ``TextToPath`` is as it was afterwards."""
    import matplotlib.patheffects as pe
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.textpath import TextToPath

    def new_figure():
        fig = Figure(figsize=(3, 2))
        ax = fig.add_subplot()
        halo = [pe.withStroke(linewidth=2.2, foreground="white")]
        for x, text in ((0.2, "Nådendal"), (0.5, "Åbo"), (0.8, "Nådendal"), (0.5, "")):
            ax.text(x, 0.5, text, ha="center", path_effects=halo)
        ax.text(0.5, 0.2, r"$x^2$ Kimitoön", ha="center", path_effects=halo)
        P.style.set_format(fig, "png")
        return fig

    plain = P.style._Pixels()
    new_figure().savefig(plain, format="rgba", dpi=150, bbox_inches="tight")

    built = []
    original = TextToPath.get_text_path

    def counting(self, prop, s, ismath=False, **kw):
        built.append((s, prop.copy(), ismath))
        return original(self, prop, s, ismath, **kw)

    monkeypatch.setattr(TextToPath, "get_text_path", counting)
    memoised = P.style._Pixels()
    with P.style._text_sizes_measured_once(RendererAgg, fig := new_figure()):
        fig.savefig(memoised, format="rgba", dpi=150, bbox_inches="tight")
    assert TextToPath.get_text_path is counting  # put back as it was
    assert (memoised.array == plain.array).all() and memoised.array.shape == plain.array.shape
    assert {"Nådendal", "Åbo", r"$x^2$ Kimitoön"} <= {s for s, _, _ in built}
    assert len(built) == len(set(built))  # each path once, although both draws drew every text


def _house_figures(squares) -> dict:
    """One house-style figure of each kind the workbooks draw, on HAND-MADE data."""
    import math

    points = gpd.GeoDataFrame(
        {"label": ["Iso", "Pieni", "Salattu"], "jobs": [100.0, 0.0, math.nan]},
        geometry=gpd.points_from_xy([250_000, 270_000, 290_000], [6_720_000, 6_740_000, 6_750_000]), crs=3067)
    shares = pd.DataFrame({"Työlliset": [60.0, 55.0], "Työttömät": [10.0, 12.5], "Muut": [30.0, 32.5]},
                          index=["Åbo", "Pargas"])
    return {
        "bar chart": lambda: P.bar_chart(pd.Series({"Åbo": 1.0, "Äänekoski": 2.5, "Pargas": -2.0}), title="Väestö",
                                         source=SOURCE, value_label="Muutos", units="%", highlight="Åbo"),
        "line chart": lambda: P.line_chart(pd.DataFrame({"Turku": [100.0, 104.2, 110.0], "Koko maa": [100.0, 103.0, 108.0]},
                                                        index=[2000, 2010, 2023]), title="Väestö", source=SOURCE,
                                           y_label="Indeksi"),
        "stacked bar chart": lambda: P.stacked_bar_chart(shares, title="Pääasiallinen toiminta", source=SOURCE,
                                                         value_label="Osuus"),
        "choropleth": lambda: P.choropleth(squares, "value", title="t", source=SOURCE, legend_title="v", k=3,
                                           highlight="004"),
        "point map": lambda: P.point_map(points, "jobs", base=squares, label_column="label", legend_title="Jobs",
                                         unit="jobs", title="Jobs by postal area", source=SOURCE),
    }


def _bundle(fig):
    png = P.style.png_bundle(fig)
    return png[0] if png else P.style.svg_bundle(fig)[0]


@pytest.mark.parametrize("kind", ["bar chart", "line chart", "stacked bar chart", "choropleth", "point map"])
def test_a_house_figures_measuring_draw_only_lays_it_out_and_the_file_is_the_same(kind, squares, monkeypatch):
    """A tight save's first draw, which only measures, runs the layout and not every artist's
    own drawing code; the file is the one matplotlib's two full draws give."""
    import contextlib

    from matplotlib.axes import Axes

    make = _house_figures(squares)[kind]
    drawn = []
    full_axes_draw = Axes.draw
    monkeypatch.setattr(Axes, "draw", lambda self, renderer: drawn.append(self) or full_axes_draw(self, renderer))
    fig = make()
    fast = _bundle(fig)
    assert len(drawn) == len(fig.axes) and "draw" not in vars(fig)  # one draw of each axes; the hook is gone

    drawn.clear()
    monkeypatch.setattr(P.style, "_measuring_draw_lays_out_only", lambda fig: contextlib.nullcontext())
    fig = make()
    assert _bundle(fig) == fast
    assert len(drawn) == 2 * len(fig.axes)  # matplotlib's own: the measuring draw and the real one


def test_a_figure_not_made_in_the_house_style_is_saved_with_matplotlibs_two_full_draws(monkeypatch):
    """A researcher's own figure (here a 3D axes, which projects its artists while drawing) goes
    through png_bundle too, and keeps matplotlib's measuring draw."""
    from matplotlib.axes import Axes

    drawn = []
    full_axes_draw = Axes.draw  # a 3D axes' draw ends in this one
    monkeypatch.setattr(Axes, "draw", lambda self, renderer: drawn.append(self) or full_axes_draw(self, renderer))
    own = Figure(figsize=(3, 2), layout="constrained")
    own.add_subplot().plot([1, 2], [3, 4])
    house, ax = P.style.figure((3, 2))
    house.add_subplot(1, 2, 2, projection="3d").plot([0, 1], [0, 1], [0, 1])
    for fig in (own, house):
        drawn.clear()
        assert P.style.png_bundle(fig)[0][:8] == b"\x89PNG\r\n\x1a\n"
        assert len(drawn) == 2 * len(fig.axes)


def _layouts(texts, renderer) -> list:
    out = []
    for t in texts:
        bbox, lines, descent = t._get_layout(renderer)
        out.append((tuple(bbox.bounds), lines, descent))
    return out


def test_during_a_save_every_text_gets_matplotlibs_own_layout_from_one_font_lookup(monkeypatch):
    """Inside png_bundle's and svg_bundle's save, the renderer gives matplotlib each font's line
    metrics (ascent, descent, line gap) from one lookup per font and size: every text's layout
    — one line or several, any size, any dpi — is exactly the one matplotlib computes itself."""
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.text import Text

    fig = P.bar_chart(pd.Series({"Åbo": 1.0, "Äänekoski": 2.5}), title="Väestö\n2019–2023",
                      source=SOURCE, value_label="Henkilöä")
    fig.text(0.1, 0.1, "Kaksi\nriviä\nkolme", fontsize=17, fontweight="bold", linespacing=1.4)
    lookups = []
    real_get_font = font_manager.get_font
    monkeypatch.setattr(font_manager, "get_font", lambda *a, **k: lookups.append(a) or real_get_font(*a, **k))
    for dpi in (72, 150):
        fig.dpi = dpi
        renderer = RendererAgg(400, 300, dpi)
        texts = [t for t in fig.findobj(Text) if t.get_text()]
        assert len(texts) > 8 and any("\n" in t.get_text() for t in texts)

        own = _layouts(texts, renderer)  # matplotlib's own: no metrics from the renderer
        lookups.clear()
        with P.style._text_sizes_measured_once(RendererAgg, fig):
            given = _layouts(texts, renderer)
            given_again = _layouts(texts, renderer)
        assert given == own and given_again == own, dpi
        fonts = {(t.get_fontproperties(), dpi) for t in texts}
        assert 0 < len(lookups) <= len(fonts)  # once per font and size, not once per layout
        assert not hasattr(renderer, "_get_font_height_metrics")  # only for the length of a save


def test_the_pixel_sink_refuses_anything_but_one_rgba_buffer():
    import numpy as np

    sink = P.style._Pixels()
    with pytest.raises(RuntimeError, match="RGBA"):
        sink.write(b"flat bytes")
    sink.write(memoryview(np.zeros((2, 3, 4), dtype=np.uint8)))
    assert sink.array.shape == (2, 3, 4)
    with pytest.raises(RuntimeError, match="one"):
        sink.write(memoryview(np.zeros((2, 3, 4), dtype=np.uint8)))
