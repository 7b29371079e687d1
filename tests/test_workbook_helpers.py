"""helpers.workbook (notebook conveniences) and plotting.locator_map on the pinned geometry."""

from __future__ import annotations

import pytest

from helpers import plotting, workbook
from helpers.snapshot import Snapshot


def test_dataset_resource_maps_catalog_names():
    assert workbook.dataset_resource("population_11re") == "statfin_population_11re"
    with pytest.raises(LookupError, match="population_11re"):
        workbook.dataset_resource("population_11r")


def test_missing_live_dataset_gives_note_and_no_data(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    assert workbook.live_dataset("sotkanet_unemployed", Snapshot()) is None
    assert len(shown) == 1
    note = shown[0]
    assert "Not in this snapshot: `sotkanet_unemployed`" in note
    assert "workbooks data refresh sotkanet_unemployed" in note


def test_pinned_dataset_is_loaded(tmp_path, monkeypatch):
    snap = Snapshot()
    monkeypatch.setattr(workbook, "dataset_resource", lambda name: "population_municipality_2023")
    frame = workbook.live_dataset("anything", snap)
    assert int(frame["population"].sum()) == 5_603_851


def test_open_snapshot_defaults_to_pinned():
    assert workbook.open_snapshot(None).path == Snapshot().path


def test_locator_map_on_real_geometry():
    snap = Snapshot()
    regions_2020 = snap.load("region_boundaries_2020")
    munis = snap.load("municipality_boundaries_2020")
    vs = munis[munis["maakunta_2026"] == "02"]
    fig = plotting.locator_map(
        regions_2020, vs, title="Varsinais-Suomi", source="Statistics Finland",
        context_label="regions", detail_label="municipalities", highlight="Varsinais-Suomi",
    )
    assert plotting.figure_title(fig) == "Varsinais-Suomi"
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Turku" in texts and "Salo" in texts
    legend_labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend_labels == ["regions", "Varsinais-Suomi", "municipalities"]
    assert any(t.get_text().startswith("Source: Statistics Finland") for t in fig.texts)


def test_locator_map_refuses_other_crs():
    snap = Snapshot()
    regions_2020 = snap.load("region_boundaries_2020")
    with pytest.raises(ValueError, match="EPSG:3067"):
        plotting.locator_map(regions_2020.to_crs(4326), regions_2020, title="t", source="s",
                             context_label="a", detail_label="b")


def test_markdown_table_formats_numbers_keeps_years_and_marks_missing():
    import pandas as pd

    md = workbook.markdown_table(pd.DataFrame(
        {"year": [2023], "population": [201863], "share": [41.1305], "note": ["<b>x</b>"], "gap": [float("nan")]}))
    header, rule, row = md.splitlines()
    assert header == "| year | population | share | note | gap |"
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "2023"                      # years are not given thousands separators
    assert cells[1] == "201\u202f863"             # narrow no-break space as thousands separator
    assert cells[2] == "41.1"
    assert "<b>" not in cells[3]                  # text is escaped
    assert cells[4] == "–"                        # missing shown as missing, never 0
