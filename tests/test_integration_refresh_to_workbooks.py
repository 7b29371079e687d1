"""What `workbooks data refresh` pins is what the workbooks' helpers read.

The refresh runs against the local replay server (tests/replay.py) into a temporary copy of
the pinned snapshot, and the pinned resources are then fed to the functions the workbooks use
(`business.tidy_statfin`, `indicators.shape_sotkanet`). The replay answers are real recorded
responses (Sotkanet indicator 127) or the replay server's SYNTHETIC alyr values (hand-made,
labelled in tests/replay.py); nothing here reaches data/snapshot.
"""

from __future__ import annotations

import shutil
import textwrap

import pytest
from replay import (
    SOTKANET_ROOT,
    STATFIN_ROOT,
    WFS_PATH,
)

from helpers import paths
from helpers.catalog import load_catalog
from helpers.refresh import Clients, refresh
from helpers.snapshot import Snapshot
from helpers.workbooks import business, indicators

CATALOG = textwrap.dedent("""\
    version: 1
    defaults:
      statfin: {publisher: Statistics Finland (Tilastokeskus), licence: CC-BY-4.0}
      sotkanet: {publisher: "THL, Sotkanet", licence: CC-BY-4.0, genders: [total],
                 region_categories: [KUNTA, MAAKUNTA], years: all}
    datasets:
      establishments_test:
        title: Establishments by industry and region (SYNTHETIC replay values, test only)
        source: statfin
        discover: {folder: alyr, title_pattern: "toimipaik.*maakunn", require_roles: [area, industry, time, content],
                   require_values: {area: [MK02]}, prefer_most_values_of: industry}
        selection: {area: "*", industry: "*", time: "*", content: "*"}
        expect: {roles: [area, industry, time, content], values: {area: [MK02]}}
        resource: test_establishments_region
        workbooks: [life_science_cluster]
        attribution: "Source: Statistics Finland, regional business statistics (alyr)"
      sotkanet_pop:
        title: Väestö 31.12. (test)
        source: sotkanet
        indicator_title: "Väestö 31.12."
        resource: test_sotkanet_population
        workbooks: [exclusion_prevention]
        attribution: "Source: THL Sotkanet"
    """)


@pytest.fixture
def pinned(tmp_path, server, clock):
    snap_dir = tmp_path / "snapshot"
    shutil.copytree(paths.snapshot_dir(), snap_dir)
    cat = tmp_path / "catalog.yaml"
    cat.write_text(CATALOG, encoding="utf-8")
    clients = Clients.create(statfin_url=server.url + STATFIN_ROOT, sotkanet_url=server.url + SOTKANET_ROOT,
                             geostat_url=server.url + WFS_PATH, cache_path=tmp_path / "cache.sqlite", clock=clock)
    lines: list[str] = []
    results = refresh(None, snapshot=snap_dir, catalog=load_catalog(cat), clients=clients, out=lines.append)
    assert all(r.ok for r in results), lines
    return Snapshot(snap_dir)


def test_pinned_sotkanet_indicator_is_what_the_exclusion_workbook_reads(pinned):
    shaped = indicators.shape_sotkanet(pinned.load("test_sotkanet_population"))
    turku = shaped[(shaped["area_kind"] == "municipality") & (shaped["area_code"] == "853")]
    assert turku[["year", "value"]].values.tolist() == [[2023, 201863.0]]  # real Sotkanet 127 value
    assert "049" in set(shaped["area_code"])  # Espoo keeps its leading zero


def test_pinned_statfin_table_is_what_the_cluster_workbooks_read(pinned):
    raw = pinned.load("test_establishments_region")
    tidy = business.tidy_statfin(raw)
    assert {"SSS", "MK02"} <= set(tidy["area"])
    assert tidy["year"].notna().all() and tidy["industry"].notna().all()
    # one tidy row per cell of the pinned table's area x industry x year x content
    assert len(tidy) <= len(raw)
    assert set(tidy["measure"]) - {"value"}, "content codes must map to named measures"
