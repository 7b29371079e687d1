"""`workbooks data refresh|status|list` (helpers.refresh behind helpers.cli) against the local replay server and a temporary copy of
the pinned snapshot (data/snapshot itself is never written).

The test catalog below is HAND-MADE scaffolding. Real recorded responses are pinned where the
replay server has them (11re whole country, Sotkanet 127, the 2019 WFS capture); the 'alyr'
dataset is answered with the replay server's SYNTHETIC values and only ever pinned into the
temporary snapshot copy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import textwrap

import pytest
from replay import (
    SOTKANET_ROOT,
    STATFIN_ROOT,
    WFS_PATH,
    fixture_json,
    status_reply,
    truncated,
)

from helpers import paths
from helpers.catalog import Catalog, load_catalog
from helpers.cli import main
from helpers.refresh import Clients, RefreshError, licence, refresh, status
from helpers.snapshot import Snapshot

CATALOG = textwrap.dedent("""\
    version: 1
    defaults:
      statfin: {publisher: Statistics Finland (Tilastokeskus), licence: CC-BY-4.0}
      sotkanet: {publisher: "THL, Sotkanet", licence: CC-BY-4.0, genders: [total],
                 region_categories: [KUNTA, MAAKUNTA], years: all}
      geostat: {publisher: Statistics Finland (Tilastokeskus), licence: CC-BY-4.0}
    datasets:
      pop_finland:
        title: Population of Finland, last three years (test)
        source: statfin
        table: vaerak/11re
        selection: {area: [SSS], ikaryhma: [SSS], sukupuoli: [SSS], time: {top: 3}}
        expect: {roles: [area, time], values: {area: [SSS]}}
        resource: test_population_finland
        workbooks: [region_profile]
        attribution: "Source: Statistics Finland, population structure (table 11re)"
      establishments_test:
        title: Establishments by industry and region (SYNTHETIC replay values, test only)
        source: statfin
        discover: {folder: alyr, title_pattern: "toimipaik.*maakunn", require_roles: [area, industry, time, content],
                   require_values: {area: [MK02]}, prefer_most_values_of: industry}
        selection: {area: "*", industry: "*", time: "*", content: "*"}
        expect: {roles: [area, industry, time, content], values: {area: [MK02]}}
        resource: test_establishments_region
        workbooks: [ict_cluster]
        attribution: "Source: Statistics Finland, regional business statistics (alyr)"
      expect_fails:
        title: A selection whose expectations cannot be met (test)
        source: statfin
        table: vaerak/11re
        selection: {area: [SSS], ikaryhma: [SSS], sukupuoli: [SSS], time: {top: 3}}
        expect: {values: {area: [MK02]}}
        resource: test_expect_fails
        workbooks: [region_profile]
        attribution: "Source: Statistics Finland"
      sotkanet_pop:
        title: Väestö 31.12. (test)
        source: sotkanet
        indicator_title: "Väestö 31.12."
        resource: test_sotkanet_population
        workbooks: [exclusion_prevention]
        attribution: "Source: THL Sotkanet"
      sotkanet_typo:
        title: A title that is not exact (test)
        source: sotkanet
        indicator_title: "Väestö 31.12"
        title_verified: false
        resource: test_sotkanet_typo
        workbooks: [exclusion_prevention]
        attribution: "Source: THL Sotkanet"
      munis_2019:
        title: Municipal boundaries 2019 (first six features of the capture, test)
        source: geostat
        layer: {kind: kunta, scale: 4500k, year: 2021, fallback_years: 3}
        expect: {values: {kunta: ["019"]}}
        licence: CC0-1.0  # not the geostat default: each dataset's own licence is pinned
        resource: test_municipalities_2019
        workbooks: [region_profile]
        attribution: "Source: Statistics Finland, municipal boundaries (geo.stat.fi)"
    """)


@pytest.fixture
def snap_dir(tmp_path):
    dst = tmp_path / "snapshot"
    shutil.copytree(paths.snapshot_dir(), dst)
    return dst


@pytest.fixture
def cat_file(tmp_path):
    p = tmp_path / "catalog.yaml"
    p.write_text(CATALOG, encoding="utf-8")
    return p


@pytest.fixture
def clients(server, tmp_path, clock):
    return Clients.create(statfin_url=server.url + STATFIN_ROOT, sotkanet_url=server.url + SOTKANET_ROOT,
                          geostat_url=server.url + WFS_PATH, cache_path=tmp_path / "cache.sqlite", clock=clock)


def digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def run(names, snap_dir, cat_file, clients, **kw):
    lines = []
    results = refresh(names, snapshot=snap_dir, catalog=load_catalog(cat_file), clients=clients,
                      out=lines.append, **kw)
    return results, lines


# --------------------------------------------------------------------------- successful pulls

def test_refresh_pins_real_statfin_population_with_provenance(snap_dir, cat_file, clients):
    results, lines = run(["pop_finland"], snap_dir, cat_file, clients)
    assert [r.ok for r in results] == [True], lines
    snap = Snapshot(snap_dir)
    df = snap.load("test_population_finland")
    assert dict(zip(df["timeperiod_y"], df["value"])) == {"2023": 5603851, "2024": 5635971, "2025": 5652881}
    assert df["alue_23_20260101"].tolist() == ["SSS"] * 3
    entry = snap.resource("test_population_finland")
    assert entry["table_id"] == "11re"
    assert entry["source_updated"] == "2026-04-01T05:00:00Z"
    assert entry["query"]["bodies"] == [fixture_json("statfin", "11re_finland_top3.request.json")]
    assert entry["query"]["url"].endswith("/PxWeb/api/v1/fi/StatFin/vaerak/11re.px")
    assert entry["reference_period"] == "2023-2025"
    assert entry["hash"].startswith("sha256:") and entry["retrieved_at"]
    assert entry["dataset"] == "pop_finland"
    snap.verify("test_population_finland")


def test_refresh_discovers_the_alyr_table_by_listing_the_folder(snap_dir, cat_file, clients, server):
    results, lines = run(["establishments_test"], snap_dir, cat_file, clients)
    assert results[0].ok, lines
    entry = Snapshot(snap_dir).resource("test_establishments_region")
    assert entry["query"]["table"] == "alyr/13wy"  # the regional table, not 13wz (municipal) or 13wv (no MK02)
    assert entry["query"]["candidates"] == ["13wy"]
    assert entry["variable_roles"]["industry"] == "toimiala_1_20080101"
    df = Snapshot(snap_dir).load("test_establishments_region")
    assert len(df) == 3 * 4 * 3 * 2
    assert set(df["alue_31_20260101"]) == {"SSS", "MK01", "MK02"}
    assert server.calls(STATFIN_ROOT + "/fi/StatFin/alyr", "GET")


def test_refresh_pins_sotkanet_with_official_codes(snap_dir, cat_file, clients):
    results, lines = run(["sotkanet_pop"], snap_dir, cat_file, clients)
    assert results[0].ok, lines
    snap = Snapshot(snap_dir)
    df = snap.load("test_sotkanet_population")
    turku = df[df["region_code"] == "853"]
    assert turku["value"].tolist() == [201863] and turku["region_name"].tolist() == ["Turku"]
    assert df.loc[df["region_code"] == "049", "region_name"].item() == "Espoo"  # leading zero kept
    entry = snap.resource("test_sotkanet_population")
    assert entry["query"]["indicator"] == 127 and entry["source_updated"] == "2024-04-26"
    assert "Statistics Finland" in entry["attribution"]  # the indicator's producer is credited


def test_refresh_pins_geometry_in_epsg3067(snap_dir, cat_file, clients):
    results, lines = run(["munis_2019"], snap_dir, cat_file, clients)
    assert results[0].ok, lines
    gdf = Snapshot(snap_dir).load("test_municipalities_2019")
    assert gdf.crs.to_epsg() == 3067
    assert gdf["kunta"].tolist() == ["005", "009", "010", "016", "018", "019"]
    assert Snapshot(snap_dir).resource("test_municipalities_2019")["reference_period"] == "2019 division"


# --------------------------------------------------------------------------- licences

def test_each_resource_is_pinned_with_its_datasets_own_licence(snap_dir, cat_file, clients):
    results, lines = run(["pop_finland", "sotkanet_pop", "munis_2019"], snap_dir, cat_file, clients)
    assert all(r.ok for r in results), lines
    snap = Snapshot(snap_dir)
    (pop,) = snap.resource("test_population_finland")["licenses"]
    assert pop == {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                   "title": "Creative Commons Attribution 4.0 International"}
    (geo,) = snap.resource("test_municipalities_2019")["licenses"]
    assert geo["name"] == "CC0-1.0" and "Zero" in geo["title"]
    (thl,) = snap.resource("test_sotkanet_population")["licenses"]
    assert thl["name"] == "CC-BY-4.0" and "producer is named in the attribution" in thl["title"]


def test_a_dataset_without_a_licence_is_refused_before_anything_is_pulled(snap_dir, cat_file, clients, server):
    ds = dataclasses.replace(load_catalog(cat_file).get("pop_finland"), licence="")
    with pytest.raises(RefreshError, match="names no licence"):
        licence(ds)
    before = digest(snap_dir)
    calls = len(server.calls())  # every request the replay server has seen
    lines = []
    (result,) = refresh(["pop_finland"], snapshot=snap_dir, catalog=Catalog({"pop_finland": ds}),
                        clients=clients, out=lines.append)
    assert not result.ok and "names no licence" in result.message
    assert len(server.calls()) == calls  # not one request
    assert digest(snap_dir) == before


def test_an_unknown_licence_id_is_kept_as_given():
    ds = dataclasses.replace(load_catalog().get("population_11re"), licence="Tulli-open-data")
    assert licence(ds) == {"name": "Tulli-open-data"}


def test_unverified_titles_are_skipped_unless_named(snap_dir, cat_file, clients):
    results, lines = run(None, snap_dir, cat_file, clients, dry_run=True)
    by_name = {r.dataset: r for r in results}
    assert by_name["sotkanet_typo"].skipped
    assert by_name["pop_finland"].ok and not by_name["expect_fails"].ok
    named, _ = run(["sotkanet_typo"], snap_dir, cat_file, clients)
    assert not named[0].ok and "'Väestö 31.12.' (id 127)" in named[0].message


def test_dry_run_pins_nothing(snap_dir, cat_file, clients):
    before = digest(snap_dir)
    results, _ = run(["pop_finland", "sotkanet_pop"], snap_dir, cat_file, clients, dry_run=True)
    assert all(r.ok for r in results)
    assert digest(snap_dir) == before


# --------------------------------------------------------------------------- failures leave the snapshot alone

def test_failed_pulls_leave_the_snapshot_byte_identical(snap_dir, cat_file, clients, server):
    run(["pop_finland"], snap_dir, cat_file, clients)  # pin once, then fail to refresh it
    before = digest(snap_dir)
    post = STATFIN_ROOT + "/fi/StatFin/vaerak/11re.px"
    server.inject(post, *[status_reply(503)] * 5, *[truncated(200)] * 5, method="POST")
    uncached = Clients.create(statfin_url=server.url + STATFIN_ROOT, cache=False, clock=clients.statfin.http.clock)
    results, lines = run(["pop_finland", "pop_finland", "expect_fails"], snap_dir, cat_file, uncached)
    assert [r.ok for r in results] == [False, False, False]
    assert "HTTP 503 5 times" in results[0].message
    assert "invalid JSON" in results[1].message
    assert "area lacks expected code(s) ['MK02']" in results[2].message
    assert all("left unchanged" in line for line in lines)
    assert digest(snap_dir) == before
    assert "test_expect_fails" not in Snapshot(snap_dir)


def test_failure_in_one_dataset_does_not_stop_the_others(snap_dir, cat_file, clients, server):
    server.inject(SOTKANET_ROOT + "/indicators", *[status_reply(500)] * 5)
    results, _ = run(["sotkanet_pop", "munis_2019"], snap_dir, cat_file, clients)
    assert [r.ok for r in results] == [False, True]
    assert "test_sotkanet_population" not in Snapshot(snap_dir)
    assert "test_municipalities_2019" in Snapshot(snap_dir)


def test_validation_after_write_failure_keeps_old_files(snap_dir, cat_file, clients, monkeypatch):
    import helpers.refresh as R

    run(["pop_finland"], snap_dir, cat_file, clients)
    before = digest(snap_dir)

    def reject(expected_rows, columns):
        def validate(df):
            raise R.RefreshError("simulated failure while checking the read-back file")
        return validate

    monkeypatch.setattr(R, "_validator", reject)
    results, _ = run(["pop_finland"], snap_dir, cat_file, clients)
    assert not results[0].ok and "simulated failure" in results[0].message
    assert digest(snap_dir) == before
    assert not [p for p in snap_dir.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


# --------------------------------------------------------------------------- command line

def cli_args(server, snap_dir, cat_file, tmp_path, *names):
    return ["data", "refresh", *names, "--snapshot", str(snap_dir), "--catalog", str(cat_file),
            "--cache", str(tmp_path / "cli-cache.sqlite"),
            "--statfin-url", server.url + STATFIN_ROOT, "--sotkanet-url", server.url + SOTKANET_ROOT,
            "--geostat-url", server.url + WFS_PATH]


def test_cli_refresh_and_status(server, snap_dir, cat_file, tmp_path, capsys):
    assert main(cli_args(server, snap_dir, cat_file, tmp_path, "pop_finland", "munis_2019")) == 0
    out = capsys.readouterr().out
    assert "pinned test_population_finland" in out and "2 pulled, 0 skipped, 0 failed" in out

    assert main(["data", "status", "--snapshot", str(snap_dir), "--catalog", str(cat_file)]) == 0
    out = capsys.readouterr().out
    assert "test_population_finland" in out and "not pinned yet" in out

    # tamper with a pinned file: status reports it and exits non-zero
    f = snap_dir / Snapshot(snap_dir).resource("test_population_finland")["path"]
    f.write_bytes(f.read_bytes().replace(b"5603851", b"5603852"))
    assert main(["data", "status", "--snapshot", str(snap_dir), "--catalog", str(cat_file)]) == 1
    table = status(snap_dir, load_catalog(cat_file)).set_index("resource")
    assert table.loc["test_population_finland", "hash"] == "FAILED: IntegrityError"
    assert table.loc["municipality_boundaries_2020", "hash"] == "ok"


def test_cli_reports_failures_and_unknown_names(server, snap_dir, cat_file, tmp_path, capsys):
    before = digest(snap_dir)
    assert main(cli_args(server, snap_dir, cat_file, tmp_path, "expect_fails")) == 1
    err = capsys.readouterr().err
    assert "FAILED expect_fails" in err and "MK02" in err
    assert digest(snap_dir) == before
    assert main(cli_args(server, snap_dir, cat_file, tmp_path, "pop_finlnd")) == 2
    assert "Did you mean: pop_finland" in capsys.readouterr().err


def test_cli_refresh_offline_against_the_real_services_fails_fast(snap_dir, tmp_path, capsys):
    before = digest(snap_dir)
    rc = main(["data", "refresh", "population_11re", "--snapshot", str(snap_dir),
               "--cache", str(tmp_path / "c.sqlite")])
    assert rc == 1
    assert "OfflineError" in capsys.readouterr().err
    assert digest(snap_dir) == before


def test_cli_list(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "establishments_industry_region" in out and "sotkanet_long_term_unemployed" in out


def test_pinned_snapshot_was_not_touched():
    # the suite only ever writes into temporary copies
    manifest = json.loads((paths.snapshot_dir() / "datapackage.json").read_text(encoding="utf-8"))
    assert not [r["name"] for r in manifest["resources"] if r["name"].startswith("test_")]
