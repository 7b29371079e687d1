"""helpers.notebook (start/finish, recording snapshot, live datasets), helpers.display, and
plotting.locator_map on the pinned geometry."""

from __future__ import annotations

import pytest

from helpers import display, notebook, plotting
from helpers.snapshot import Snapshot


def test_dataset_resource_maps_catalog_names():
    assert notebook.dataset_resource("population_11re") == "statfin_population_11re"
    with pytest.raises(LookupError, match="population_11re"):
        notebook.dataset_resource("population_11r")


def test_missing_live_dataset_gives_note_and_no_data(capsys):
    assert notebook.live_dataset("sotkanet_unemployed", Snapshot()) is None
    note = capsys.readouterr().out  # outside IPython the note is printed
    assert "Not in this snapshot: `sotkanet_unemployed`" in note
    assert "workbooks data refresh sotkanet_unemployed" in note
    assert notebook.live_dataset("sotkanet_unemployed", Snapshot(), show_note=False) is None
    assert capsys.readouterr().out == ""


def test_pinned_dataset_is_loaded(tmp_path, monkeypatch):
    snap = Snapshot()
    monkeypatch.setattr(notebook, "dataset_resource", lambda name: "population_municipality_2023")
    frame = notebook.live_dataset("anything", snap)
    assert int(frame["population"].sum()) == 5_603_851


def test_recording_snapshot_lists_what_was_loaded_once_in_order():
    snap = notebook.RecordingSnapshot()
    assert snap.path == Snapshot().path
    snap.load("population_municipality_2023")
    snap.load("population_municipality_2019")
    snap.load("population_municipality_2023")
    snap.record("area_classification_2026")
    assert snap.used == ["population_municipality_2023", "population_municipality_2019", "area_classification_2026"]
    with pytest.raises(LookupError, match="population_municipality_2023"):
        snap.record("population_municipality_2032")


def test_start_validates_the_namespace_and_opens_the_snapshot_parameter(tmp_path):
    run = notebook.start("region_profile", {"area": "Turku", "compare_to": "SSS", "snapshot": None})
    assert run.params.area.code == "853" and run.snapshot.used == []
    with pytest.raises(ValueError, match="Turkku"):
        notebook.start("region_profile", {"area": "Turkku", "compare_to": "SSS", "snapshot": None})


def test_finish_records_headline_first_and_shows_only_the_used_sources(monkeypatch):
    from helpers import keyfigures

    run = notebook.start("region_profile", {"area": "MK02", "compare_to": "SSS", "snapshot": None})
    run.snapshot.load("population_municipality_2023")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    run.finish({"a": 1, "b": 2}, [keyfigures.Spec("b", "Bee")])
    payload = shown[0][keyfigures.MIMETYPE]["figures"]
    assert [(e["name"], e["headline"]) for e in payload] == [("b", True), ("a", False)]
    sources = shown[1].data
    assert sources.count("Sources and parameters") == 1
    data = sources.split("### Data")[1].split("### Caveats")[0]
    assert "Population by municipality, 31 December 2023" in data
    assert "31 December 2019" not in data  # not loaded, not listed


def test_locator_map_on_real_geometry():
    snap = Snapshot()
    regions_2020 = snap.load("region_boundaries_2020")
    munis = snap.load("municipality_boundaries_2020")
    vs = munis[munis["maakunta_2026"] == "02"]
    fig = plotting.locator_map(
        regions_2020, vs, title="Varsinais-Suomi", source="Statistics Finland",
        context_label="regions", detail_label="municipalities", highlight="Varsinais-Suomi",
        always_label=["Turku"],
    )
    assert plotting.figure_title(fig) == "Varsinais-Suomi"
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Turku" in texts and "Salo" in texts and "200 km" in texts  # scale bars
    alt = plotting.alt.alt_text(fig)
    assert alt.startswith("Locator map: Varsinais-Suomi. Left: Varsinais-Suomi filled among 19 areas. Right: 27 areas")
    legend_labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend_labels == ["regions", "Varsinais-Suomi", "municipalities"]
    assert any(t.get_text().startswith("Source: Statistics Finland") for t in fig.texts)


def test_locator_maps_source_line_sits_under_the_maps_without_a_band_of_white():
    # the maps' shape leaves spare height; it must not show between the maps and the source
    # line (it did: 0.5 in of white here, 0.7 in in the data overview's map), nor may the line touch them
    snap = Snapshot()
    munis = snap.load("municipality_boundaries_2020")
    fig = plotting.locator_map(
        snap.load("region_boundaries_2020"), munis[munis["maakunta_2026"] == "02"], title="Varsinais-Suomi",
        source="Statistics Finland, " * 12 + "CC BY 4.0", context_label="regions", detail_label="municipalities",
        highlight="Varsinais-Suomi")
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    line = next(t for t in fig.texts if t.get_gid() == plotting.style.SOURCE_GID)
    assert line.get_text().count("\n") >= 1  # a wrapped, multi-line source
    gap_in = (min(ax.get_tightbbox(renderer).y0 for ax in fig.axes) - line.get_window_extent(renderer).y1) / fig.dpi
    assert 0.05 < gap_in < 0.2


def test_locator_map_refuses_other_crs():
    snap = Snapshot()
    regions_2020 = snap.load("region_boundaries_2020")
    with pytest.raises(ValueError, match="EPSG:3067"):
        plotting.locator_map(regions_2020.to_crs(4326), regions_2020, title="t", source="s",
                             context_label="a", detail_label="b")


def test_markdown_table_formats_numbers_keeps_years_and_marks_missing():
    import pandas as pd

    md = display.markdown_table(pd.DataFrame(
        {"year": [2023], "population": [201863], "share": [41.1305], "note": ["<b>x</b>"], "gap": [float("nan")]}))
    header, rule, row = md.splitlines()
    assert header == "| year | population | share | note | gap |"
    assert rule == "|---:|---:|---:|:---|---:|"  # numbers right-aligned, text left-aligned
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "2023"                      # years are not given thousands separators
    assert cells[1] == "201,863"             # English thousands separator (Finnish: 201 863)
    assert cells[2] == "41.1"
    assert "<b>" not in cells[3]                  # text is escaped
    assert cells[4] == "–"                        # missing shown as missing, never 0
