"""helpers.downloads: the data behind tables and charts travels in the notebook output and
comes back as CSV + CSVW metadata for the runner."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from helpers import display, downloads


def test_payload_keeps_codes_as_text_and_types_columns():
    frame = pd.DataFrame({"area_code": ["019", "853"], "area_name": ["Aura", "Turku"],
                          "composite_index": [0.41, -0.2], "rank": pd.array([1, 2], dtype="Int64")})
    item = downloads.payload("composite_index", frame, title="Composite index", source="Source: THL")
    assert item["csv"].splitlines()[1] == "019,Aura,0.41,1"
    assert [c["type"] for c in item["columns"]] == ["string", "string", "number", "integer"]
    back = pd.read_csv(io.StringIO(item["csv"]), dtype={"area_code": str})
    assert list(back["area_code"]) == ["019", "853"]
    with pytest.raises(ValueError, match="file name"):
        downloads.payload("../etc", frame, title="x")


def test_slug_and_series_index():
    assert downloads.slug("Population change 2019–2023 in Pöytyä") == "population_change_2019_2023_in_poytya"
    item = downloads.payload("bars", pd.Series({"Turku": 4.6}, name="change_pct"), title="t")
    assert item["csv"] == "label,change_pct\nTurku,4.6\n"


def test_table_output_carries_markdown_text_and_data():
    t = display.table(pd.DataFrame({"Code": ["019"], "Population": [3991]}), name="units", title="Units")
    bundle = t._repr_mimebundle_()
    assert bundle["text/markdown"].startswith("| Code | Population |")
    assert bundle[downloads.MIMETYPE]["name"] == "units"


@pytest.mark.slow
def test_figures_and_tables_carry_their_data_through_a_kernel():
    nb = new_notebook(cells=[new_code_cell(
        "import pandas as pd\n"
        "from helpers import display, plotting\n"
        "plotting.use_style()\n"
        "fig = plotting.bar_chart(pd.Series({'Turku': 4.6, 'Salo': -1.2}), title='Change 2019–2023',\n"
        "                         source='Source: hand-made', value_label='Change', units='%')\n"
        "display.table(pd.DataFrame({'Code': ['019']}), name='codes', title='Codes')\n"),
        new_code_cell("fig")])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    items = downloads.read(nb)
    assert [(i["name"], i["cell"]) for i in items] == [("codes", 0), ("change_2019_2023", 1)]
    assert items[1]["csv"].splitlines() == ["label,Change (%)", "Turku,4.6", "Salo,-1.2"]
    meta = downloads.csvw_metadata(items[1], "change_2019_2023.csv", "CC-BY-4.0")
    assert meta["dc:source"] == "Source: hand-made" and meta["tableSchema"]["columns"][0]["datatype"] == "string"


def test_a_chart_source_line_carries_its_links_into_the_download():
    from helpers import plotting, provenance
    from helpers.snapshot import Snapshot

    caption = provenance.source_caption(["population_municipality_2023"], Snapshot())
    fig = plotting.bar_chart(pd.Series({"Turku": 1.0}), title="t", source=caption, value_label="v")
    item = downloads.attached(fig)
    assert item["source"] == str(caption)
    assert {link["kind"] for link in item["links"]} == {"source", "licence"}
