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
