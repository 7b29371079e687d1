"""Reader texts go through the message catalogue: with a catalogue that marks every message
it translates (``⟦message⟧``), every label a reader sees comes back marked.

``helpers.i18n._`` asks ``helpers.i18n.translations(language())`` for the catalogue on each
call; the fixture replaces that function (cached with functools.cache, so the function
itself is patched, not its cache) and sets the run's language to Finnish. A text built
outside ``_()`` - an f-string label, a plain literal header, an English word joined onto a
translated one - comes back unmarked and fails here. Names of areas (``areas.reader_name``)
and figures are not messages: they stand inside a marked message or in a cell of their own.
"""

from __future__ import annotations

import gettext

import pandas as pd
import pytest

from helpers import i18n, keyfigures, params, plotting, provenance
from helpers.plotting import alt
from helpers.snapshot import Snapshot
from helpers.workbooks import region_profile

OPEN, CLOSE = "\u27e6", "\u27e7"


class Marking(gettext.NullTranslations):
    """A catalogue that "translates" every message into ``⟦message⟧``."""

    def gettext(self, message):
        return OPEN + message + CLOSE


@pytest.fixture
def marked(monkeypatch):
    monkeypatch.setattr(i18n, "translations", lambda lang: Marking())
    i18n.set_language("fi")
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)


def is_marked(text) -> bool:
    text = str(text)
    return text.startswith(OPEN) and text.endswith(CLOSE)


@pytest.fixture(scope="module")
def snap():
    return Snapshot()


def test_the_marking_catalogue_is_what_underscore_uses(marked):
    assert i18n._("Population") == "⟦Population⟧"
    i18n.set_language(i18n.SOURCE_LANGUAGE)  # English runs read the (patched) catalogue as well
    assert i18n._("Population") == "⟦Population⟧"


@pytest.mark.parametrize("area, compare_to", [("Varsinais-Suomi", "SSS"), ("Turku", "MK06")])
def test_region_profile_summary_labels_and_values_are_messages(marked, snap, area, compare_to):
    table = region_profile.summary_table(region_profile.profile(area, snap, compare_to))
    assert all(is_marked(c) for c in table.columns), list(table.columns)
    labels = list(table.iloc[:, 0])
    assert all(is_marked(label) for label in labels), [label for label in labels if not is_marked(label)]
    values = list(table.iloc[:, 1])
    # the values that hold words are messages too ("3 of 19", "0.97 percentage points", "… % of the region")
    worded = [v for v in values if any(ch.isalpha() for ch in v.replace("Turku", ""))]
    assert worded and all(is_marked(v) for v in worded), worded
    if compare_to == "SSS":
        assert "⟦Change in koko maa⟧" in labels  # the area's name is the run language's, inside the message


def test_region_profile_tables_headers_are_messages(marked, snap):
    prof = region_profile.profile("Turku", snap)
    for frame in (region_profile.display_table(prof.units, highlight=prof.area.code),
                  region_profile.display_regions(prof.regions_table)):
        assert all(is_marked(c) for c in frame.columns), list(frame.columns)
    assert is_marked(region_profile.method_note(prof).split("\n\n")[0])
    heading = region_profile.heading(prof).data
    assert heading.startswith("## ⟦") and heading.endswith(CLOSE)


def test_chart_alt_texts_legends_and_source_lines_are_messages(marked):
    bars = plotting.bar_chart(pd.Series({"Turku": 4.6, "Salo": -1.2, "Aura": None}), title="T", source="hand-made",
                              value_label="Change", units="%", highlight="Turku", decimals=1)
    text = alt.alt_text(bars)
    assert text.startswith("⟦Bar chart: T. ⟦3 bars of change: ⟦highest Turku")
    assert "⟦highlighted: Turku (4,6 %)⟧" in text and "⟦1 ⟦no data⟧⟧" in text  # the default missing text too
    assert [t.get_text() for t in bars.texts if t.get_gid() == plotting.style.SOURCE_GID] == ["⟦Source: hand-made⟧"]

    lines = plotting.line_chart(pd.DataFrame({"Turku": [1.0, 2.0]}, index=[2019, 2020]), title="T", source="s",
                                y_label="Rate", units="%")
    assert alt.alt_text(lines).startswith("⟦Line chart: T. Rate from 2019 to 2020: ⟦Turku 1,00 % in 2019")


def test_map_legend_scale_bar_and_alt_text_are_messages(marked):
    geopandas = pytest.importorskip("geopandas")
    from shapely.geometry import box

    gdf = geopandas.GeoDataFrame({"code": ["1", "2", "3"], "name_fi": ["A", "B", "C"], "value": [1.0, 2.0, None]},
                                 geometry=[box(0, 0, 10_000, 10_000), box(10_000, 0, 20_000, 10_000),
                                           box(20_000, 0, 30_000, 10_000)], crs=3067)
    fig = plotting.choropleth(gdf, "value", title="T", source="s", legend_title="Value", k=2, highlight="A")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "⟦no data⟧" in legend and "⟦A (outlined)⟧" in legend
    assert any(is_marked(t.get_text()) and "km" in t.get_text() for t in fig.axes[0].texts)  # the scale bar
    assert alt.alt_text(fig).startswith("⟦Map: T. ⟦3 areas in")


def test_sources_section_and_parameters_are_messages(marked, snap):
    readers = params.validate("region_profile", {}).for_readers()
    assert all(is_marked(label) for label, _value in readers), readers
    assert "⟦the pinned snapshot⟧" in [value for _label, value in readers]
    md = provenance.provenance_markdown([region_profile.POP_2019, region_profile.POP_2023], readers, snap)
    lines = md.split("\n")
    for heading in ("## ⟦Sources and parameters⟧", "### ⟦Parameters of this run⟧", "### ⟦Data⟧",
                    "### ⟦Attribution⟧", "| ⟦Parameter⟧ | ⟦Value⟧ |"):
        assert heading in lines, heading
    assert any(line.startswith("| ⟦Data⟧ | ⟦Publisher⟧ |") for line in lines)
    assert any(line.startswith("⟦All figures come from the project's pinned snapshot") for line in lines)
    assert "⟦This workbook has no parameters.⟧" in provenance.provenance_markdown([region_profile.POP_2019], {}, snap)
    assert is_marked(provenance.source_caption([region_profile.POP_2019], snap))


def test_key_figure_labels_units_and_title_are_messages(marked):
    spec = keyfigures.Spec("population_2023", region_profile.HEADLINE_REGION[0].label, "persons")
    (entry,) = keyfigures.entries({"population_2023": 490_786}, [spec])
    assert entry["label"] == "⟦Population 31.12.2023⟧" and entry["unit"] == "⟦persons⟧"
    assert keyfigures.text_table([entry]).startswith("⟦Key figures⟧")
