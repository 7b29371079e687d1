"""The pinned snapshot (data/snapshot) and its loader helpers.snapshot.

Real values asserted here come from the sources named in data/snapshot/datapackage.json and
data/README.md (official totals: Statistics Finland population of Finland 31.12.2019 and
31.12.2023; the StatFin tyokay 2016 appendix table 1). Tests that modify files work on a copy
of the snapshot in tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from helpers import snapshot as snap
from helpers.snapshot import (
    IntegrityError,
    ManifestError,
    MissingResourceFileError,
    SchemaError,
    Snapshot,
    SnapshotError,
    UnknownResourceError,
    ValidationError,
)

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "data" / "snapshot"

EXPECTED_RESOURCES = {
    "municipality_boundaries_2020", "region_boundaries_2020",
    "population_municipality_2019", "population_municipality_2023", "area_classification_2026",
    "rd_expenditure_subregion", "rd_expenditure_region_2021",
    "information_sector_jobs_subregion_2008", "manufacturing_value_added_region",
    "goods_exports_region", "establishments_region_2003", "establishments_industry_section_2012",
    "turku_jobs_by_occupation_2017", "ict_establishment_share_municipality_2016", "cluster_claims",
    "youth_main_activity_region_2016", "sotkanet_values", "sotkanet_indicators",
    "sotkanet_regions_known",
}
PROJECT_KEYS = ("publisher", "table_id", "reference_period", "obtained", "retrieved_at",
                "attribution", "caveats")


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return Snapshot(SNAPSHOT_DIR)


@pytest.fixture
def tmp_snapshot(tmp_path) -> Snapshot:
    dest = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, dest)
    return Snapshot(dest)


def _bytes_of_dir(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------- the manifest
def test_manifest_lists_the_first_snapshot_resources_once(snapshot):
    # later resources are checked by their own tests (tests/test_snapshot_*.py)
    assert EXPECTED_RESOURCES <= set(snapshot.names())
    assert len(snapshot.names()) == len(set(snapshot.names()))  # no duplicates


def test_every_file_in_the_snapshot_directory_is_in_the_manifest(snapshot):
    on_disk = {p.relative_to(SNAPSHOT_DIR).as_posix() for p in SNAPSHOT_DIR.rglob("*") if p.is_file()}
    listed = {snapshot.resource(n)["path"] for n in snapshot.names()}
    assert on_disk - {"datapackage.json"} == listed  # also catches leftover temp files


def test_package_level_metadata(snapshot):
    m = snapshot.manifest
    assert m["profile"] in ("data-package", "tabular-data-package")
    assert m["name"] and m["title"] and m["description"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", m["created"])
    assert isinstance(m["version"], str) and m["version"]
    assert m["contributors"] and all(c.get("title") and c.get("role") for c in m["contributors"])


@pytest.mark.parametrize("name", sorted(EXPECTED_RESOURCES))
def test_resource_is_pinned_hashed_licensed_and_attributed(snapshot, name):
    res = snapshot.resource(name)
    path = SNAPSHOT_DIR / res["path"]
    assert path.is_file(), path
    data = path.read_bytes()
    assert res["bytes"] == len(data)
    assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert res["encoding"] == "utf-8"
    data.decode("utf-8")
    if res["format"] == "csv":
        assert (res["mediatype"], res["profile"]) == ("text/csv", "tabular-data-resource")
        assert path.suffix == ".csv" and b"\r\n" not in data
    else:
        assert (res["format"], res["mediatype"]) == ("geojson", "application/geo+json")
    assert res["title"] and res["description"]
    assert res["licenses"], "every resource needs a licence entry (even 'no licence stated')"
    for lic in res["licenses"]:
        assert lic.get("title") and (lic.get("name") or lic.get("path"))
    assert res["sources"]
    for src in res["sources"]:
        assert src.get("title") and re.match(r"https?://", src.get("path", ""))
    for key in PROJECT_KEYS:
        assert res.get(key), f"{name}: missing project key {key!r}"
    assert res["attribution"].startswith("Source: "), res["attribution"]
    assert isinstance(res["caveats"], list) and all(isinstance(c, str) and c for c in res["caveats"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", res["retrieved_at"])
    assert res["quality"] in {"GREEN", "AMBER", "RED"}  # RAG, defined in data/README.md
    assert res["suitability"] in {"GREEN", "AMBER", "RED"}
    fields = res["schema"]["fields"]
    assert fields and all(f["type"] in {"string", "integer", "number", "date", "geojson"}
                          for f in fields)
    for f in fields:  # codes are strings, never numbers
        if f["name"] in {"kunta", "maakunta", "maakunta_2020", "maakunta_2026", "region_code",
                         "area_code", "code", "industry_code", "occupation_code_aml2010"}:
            assert f["type"] == "string", (name, f["name"])


def test_caveats_that_must_stay_visible(snapshot):
    def text(name):
        r = snapshot.resource(name)
        return " ".join(r["caveats"] + [r["description"], r["title"], r["attribution"]])

    assert "no licence" in text("municipality_boundaries_2020").lower()
    assert "no licence" in text("region_boundaries_2020").lower()
    assert "Varsinais-Suomi (02) is not affected" in text("region_boundaries_2020")
    assert "CHART TRANSCRIPT" in text("ict_establishment_share_municipality_2016")
    assert "SECONDARY" in text("rd_expenditure_region_2021")
    assert "Wikipedia" in text("population_municipality_2023")
    assert "5 603 851" in text("population_municipality_2023")
    assert "vintage" in text("rd_expenditure_subregion").lower()
    assert "BCDE" in text("manufacturing_value_added_region")


def test_resources_table_carries_provenance_for_footers(snapshot):
    table = snapshot.resources()
    assert list(table["name"]) == snapshot.names()
    for col in ("name", "title", "publisher", "table_id", "reference_period", "retrieved_at",
                "licence", "attribution", "path", "source_url", "caveats", "hash"):
        assert col in table.columns
        assert table[col].notna().all() and (table[col].astype(str) != "").all(), col
    row = table.set_index("name").loc["youth_main_activity_region_2016"]
    assert row["attribution"].startswith("Source: Statistics Finland")
    assert "CC BY 4.0" in row["attribution"]
    assert snapshot.attribution("goods_exports_region").startswith("Source: Finnish Customs (Tulli)")


def test_the_resources_table_is_a_new_copy_each_time_and_follows_the_manifest(tmp_snapshot):
    first = tmp_snapshot.resources()
    first.loc[0, "title"] = "changed"
    del first["hash"]
    again = tmp_snapshot.resources()
    assert again.loc[0, "title"] != "changed" and "hash" in again.columns
    assert again.equals(Snapshot(tmp_snapshot.path).resources())  # what a new reader builds
    tmp_snapshot.write_resource("handmade_test", _handmade_frame(), _meta())
    assert tmp_snapshot.resources()["name"].tolist()[-1] == "handmade_test"


def test_resource_returns_a_copy(snapshot):
    entry = snapshot.resource("cluster_claims")
    entry["title"] = "changed"
    entry["schema"]["fields"].clear()
    assert snapshot.resource("cluster_claims")["title"] != "changed"
    assert snapshot.resource("cluster_claims")["schema"]["fields"]


# --------------------------------------------------------------------------- typed loading
@pytest.mark.parametrize("name", sorted(EXPECTED_RESOURCES))
def test_every_resource_loads_with_schema_dtypes(snapshot, name):
    df = snapshot.load(name)
    fields = {f["name"]: f["type"] for f in snapshot.resource(name)["schema"]["fields"]}
    assert len(df) > 0
    for col, ftype in fields.items():
        if ftype == "geojson":
            assert isinstance(df, gpd.GeoDataFrame) and df.geometry.name == "geometry"
            continue
        assert col in df.columns
        dtype = df[col].dtype
        if ftype == "string":
            assert pd.api.types.is_string_dtype(dtype), (col, dtype)
            assert all(isinstance(v, str) for v in df[col].dropna())
        elif ftype == "integer":
            assert str(dtype) == "Int64", (col, dtype)
        elif ftype == "number":
            assert dtype == np.float64, (col, dtype)
        elif ftype == "date":
            assert pd.api.types.is_datetime64_any_dtype(dtype)
    extra = set(df.columns) - set(fields)
    assert all(c.endswith("_status") and c[: -len("_status")] in fields for c in extra), extra


def test_module_level_shortcuts_take_the_directory(snapshot):
    df = snap.load("area_classification_2026", snapshot_dir=SNAPSHOT_DIR)
    assert len(df) == 308
    table = snap.list_resources(SNAPSHOT_DIR)
    assert EXPECTED_RESOURCES <= set(table["name"])
    assert snap.resource("cluster_claims", SNAPSHOT_DIR)["name"] == "cluster_claims"


def test_default_directory_follows_the_environment(monkeypatch, tmp_snapshot):
    monkeypatch.setenv("TURKU_WORKBOOKS_SNAPSHOT", str(tmp_snapshot.path))
    assert Snapshot().path == tmp_snapshot.path


# ------------------------------------------------------------------------------- population
def test_population_totals_equal_the_official_national_figures(snapshot):
    p19 = snapshot.load("population_municipality_2019")
    p23 = snapshot.load("population_municipality_2023")
    assert len(p19) == 310 and len(p23) == 309
    assert p19["population"].sum() == 5_525_292  # Statistics Finland, Finland 31.12.2019
    assert p23["population"].sum() == 5_603_851  # Statistics Finland, Finland 31.12.2023
    assert p19["population"].notna().all() and (p19["population"] > 0).all()
    assert p19["kunta"].is_unique and p23["kunta"].is_unique


def test_population_varsinais_suomi_and_turku(snapshot):
    p19 = snapshot.load("population_municipality_2019")
    p23 = snapshot.load("population_municipality_2023")
    vs19, vs23 = p19[p19["maakunta"] == "02"], p23[p23["maakunta"] == "02"]
    assert len(vs19) == len(vs23) == 27
    assert vs19["population"].sum() == 479_341
    assert vs23["population"].sum() == 490_786
    assert p19.set_index("kunta").loc["853", "population"] == 192_962
    assert p23.set_index("kunta").loc["853", "population"] == 201_863
    assert p23.set_index("kunta").loc["853", "nimi"] == "Turku"
    # the same 27 municipalities in 2020, 2023 and 2026 (no change in Varsinais-Suomi)
    cls = snapshot.load("area_classification_2026")
    assert set(vs19["kunta"]) == set(vs23["kunta"]) == set(cls.loc[cls["maakunta"] == "02", "kunta"])
    assert p19["reference_date"].eq(pd.Timestamp("2019-12-31")).all()
    assert p23["year"].eq(2023).all()


def test_population_2023_matches_sotkanet_indicator_127(snapshot):
    """Two independent copies of the same Statistics Finland figure must agree."""
    sv = snapshot.load("sotkanet_values")
    pop = snapshot.load("population_municipality_2023").set_index("kunta")["population"]
    v127 = sv[(sv["indicator_id"] == 127) & (sv["year"] == 2023) & (sv["area_category"] == "KUNTA")]
    assert set(v127["area_code"]) == {"049", "091", "564", "837", "853"}
    for code, value in zip(v127["area_code"], v127["value"]):
        assert value == pop[code], code


def test_codes_are_zero_padded_strings(snapshot):
    for name in ("population_municipality_2019", "population_municipality_2023",
                 "area_classification_2026", "municipality_boundaries_2020"):
        df = snapshot.load(name).set_index("kunta")
        assert df.index.map(len).unique().tolist() == [3], name
        assert df.loc["019", "nimi" if "nimi" in df.columns else "nimi_2023_list"] == "Aura", name
        assert "19" not in df.index
    p19 = snapshot.load("population_municipality_2019").set_index("kunta")
    assert p19.loc["019", "maakunta"] == "02"
    assert p19.loc["005", "nimi"] == "Alajärvi"  # ä survives
    assert p19.loc["202", "namn"] == "S:t Karins"
    regions = snapshot.load("region_boundaries_2020")
    assert sorted(regions["maakunta"])[:3] == ["01", "02", "04"]
    assert regions.set_index("maakunta").loc["02", "name"] == "Southwest Finland"


# --------------------------------------------------------------------------------- geometry
def test_geometry_counts_crs_and_validity(snapshot):
    munis = snapshot.load("municipality_boundaries_2020")
    regions = snapshot.load("region_boundaries_2020")
    assert isinstance(munis, gpd.GeoDataFrame) and isinstance(regions, gpd.GeoDataFrame)
    assert len(munis) == 310 and len(regions) == 19
    assert munis.crs.to_epsg() == 3067 and regions.crs.to_epsg() == 3067
    assert munis.is_valid.all() and regions.is_valid.all()
    assert not munis.geometry.is_empty.any()
    assert list(munis.columns) == ["kunta", "nimi", "namn", "maakunta_2020", "maakunta_2026",
                                   "geometry"]  # population deliberately not in geometry
    # metres, inside Finland's ETRS-TM35FIN extent
    minx, miny, maxx, maxy = munis.total_bounds
    assert 0 < minx < maxx < 800_000 and 6_600_000 < miny < maxy < 7_800_000
    # 2026 region missing exactly for the two municipalities that no longer exist
    assert sorted(munis.loc[munis["maakunta_2026"].isna(), "kunta"]) == ["099", "588"]


def test_geometry_is_stored_as_rfc7946(snapshot):
    doc = json.loads((SNAPSHOT_DIR / "municipality_boundaries_2020.geojson").read_text("utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 19 < lon < 32 and 59 < lat < 71  # degrees, not metres
    assert "population_2019" not in doc["features"][0]["properties"]


def test_varsinais_suomi_municipalities_lie_in_region_02(snapshot):
    munis = snapshot.load("municipality_boundaries_2020")
    regions = snapshot.load("region_boundaries_2020").set_index("maakunta")
    vs = munis[munis["maakunta_2020"] == "02"]
    assert len(vs) == 27
    inside = vs.representative_point().within(regions.loc["02", "geometry"])
    assert inside.all()


# ------------------------------------------------------------------------------ exclusion
def test_youth_table_national_totals_and_row_sums(snapshot):
    y = snapshot.load("youth_main_activity_region_2016")
    assert len(y) == 20 * 9
    wide = y.pivot(index="maakunta", columns="measure", values="value")
    assert len(wide) == 20 and "SSS" in wide.index
    regions, country = wide.drop(index="SSS"), wide.loc["SSS"]
    assert len(regions) == 19
    counts = ["tyolliset", "tyottomat", "opiskelijat", "elakelaiset",
              "varusmiehet_siviilipalvelusmiehet", "muut_tyovoiman_ulkopuolella", "vaesto_18_24"]
    for m in counts:  # the 19 regions add up to the whole-country row, exactly
        assert regions[m].sum() == country[m], m
    six = counts[:-1]
    assert (wide[six].sum(axis=1) == wide["vaesto_18_24"]).all()
    assert country["vaesto_18_24"] == 455_977
    # published rates agree with the counts (one decimal, as printed)
    emp_rate = (wide["tyolliset"] / wide["vaesto_18_24"] * 100).round(1)
    unemp_rate = (wide["tyottomat"] / (wide["tyolliset"] + wide["tyottomat"]) * 100).round(1)
    assert np.allclose(emp_rate, wide["tyollisten_osuus_vaestosta"], atol=0.051)
    assert np.allclose(unemp_rate, wide["tyottomien_osuus_tyovoimasta"], atol=0.051)
    vs = wide.loc["02"]
    assert (vs["vaesto_18_24"], vs["tyottomat"], vs["muut_tyovoiman_ulkopuolella"]) == \
        (41_038, 4_113, 2_551)
    assert vs["tyottomien_osuus_tyovoimasta"] == 16.8
    rates = y["measure"].isin(["tyollisten_osuus_vaestosta", "tyottomien_osuus_tyovoimasta"])
    assert set(y.loc[rates, "unit"]) == {"percent"} and set(y.loc[~rates, "unit"]) == {"persons"}


def test_sotkanet_values_keep_unverified_titles_empty(snapshot):
    sv = snapshot.load("sotkanet_values")
    assert len(sv) == 32
    unverified = sv[sv["indicator_id"].isin([171, 5513])]
    assert len(unverified) == 15
    assert unverified["indicator_title_fi"].isna().all()
    assert (unverified["title_status"] == "not verified").all()
    assert unverified["caveat"].notna().all()
    turku = sv.set_index(["indicator_id", "area_code", "year"])
    assert turku.loc[(171, "853", 2019), "value"] == 9.3
    assert turku.loc[(171, "853", 2019), "abs_value"] == 17_865
    assert turku.loc[(5513, "853", 2023), "value"] == 13.0
    assert (sv.loc[sv["indicator_id"] == 127, "indicator_title_fi"] == "Väestö 31.12.").all()
    # indicator 127 has no absValue: NaN with a reason, never 0
    abs127 = sv.loc[sv["indicator_id"] == 127]
    assert abs127["abs_value"].isna().all() and (abs127["abs_value_status"] == "missing").all()


def test_sotkanet_indicators_and_regions(snapshot):
    ind = snapshot.load("sotkanet_indicators")
    by_id = ind.dropna(subset=["indicator_id"]).set_index("indicator_id")
    assert by_id.loc[127, "title_fi"] == "Väestö 31.12."
    assert by_id.loc[5, "n_municipalities_with_value_2019"] == 302
    assert by_id.loc[180, "id_status"].startswith("UNVERIFIED")
    title_only = ind[ind["indicator_id"].isna()]
    assert len(title_only) == 14
    assert ("Toimeentulotukea pitkäaikaisesti saaneet 18 - 24-vuotiaat, % vastaavan ikäisestä "
            "väestöstä") in set(title_only["title_fi"])
    assert (title_only["title_status"] == "exact API title").all()
    regions = snapshot.load("sotkanet_regions_known").set_index("sotkanet_region_id")
    assert regions.loc[389, "code"] == "853" and regions.loc[489, "code"] == "02"


# --------------------------------------------------------------- suppressed / missing cells
def test_suppressed_cells_are_nan_with_the_reason_kept(snapshot):
    est = snapshot.load("establishments_industry_section_2012")
    k = est[(est["industry_code"] == "K") & (est["measure"] == "turnover")]
    assert len(k) == 1
    assert np.isnan(k["value"].iloc[0])
    assert k["value_status"].iloc[0] == ".."
    assert not (est["value_status"].notna() & (est["value"] == 0)).any()
    assert est["value_status"].notna().sum() == 3
    # the marker column sits right after the value column
    cols = list(est.columns)
    assert cols.index("value_status") == cols.index("value") + 1


def test_cluster_tables_keep_vintages_and_scope(snapshot):
    mva = snapshot.load("manufacturing_value_added_region")
    vs08 = mva[(mva["region_code"] == "MK02") & (mva["year"] == 2008)
               & (mva["measure"] == "value_added_at_production")]
    assert sorted(vs08["value"]) == [3_662_253, 3_843_576]  # two releases, both kept
    assert set(mva["industry_code"]) == {"C", "BCDE"}
    rd = snapshot.load("rd_expenditure_subregion")
    sss11 = rd[(rd["region_code"] == "SSS") & (rd["year"] == 2011) & (rd["measure"] == "rd_expenditure")]
    assert sorted(sss11["value"]) == [7163.7, 7163.8]
    occ = snapshot.load("turku_jobs_by_occupation_2017").set_index(["occupation_code_aml2010", "measure"])
    assert occ.loc[("251", "jobs_in_turku"), "value"] == 2166
    claims = snapshot.load("cluster_claims")
    assert list(claims.columns) == ["id", "topic", "statement_as_published", "value", "unit",
                                    "reference_year", "geography", "publisher", "url",
                                    "source_type", "note"]
    assert claims.set_index("id").loc["C01", "value"] == ">75"


# --------------------------------------------------------------------------- loader errors
def test_unknown_resource_names_the_input_and_suggests(snapshot):
    with pytest.raises(UnknownResourceError) as exc:
        snapshot.load("population_municipality_2091")
    msg = str(exc.value)
    assert "'population_municipality_2091'" in msg
    assert "population_municipality_2019" in exc.value.suggestions
    assert "Did you mean" in msg
    with pytest.raises(UnknownResourceError) as exc:
        snapshot.resource("youth")
    assert "youth_main_activity_region_2016" in exc.value.suggestions
    assert isinstance(exc.value, LookupError) and isinstance(exc.value, SnapshotError)


def test_missing_file_is_reported_with_its_path(tmp_snapshot):
    (tmp_snapshot.path / "cluster_claims.csv").unlink()
    with pytest.raises(MissingResourceFileError) as exc:
        tmp_snapshot.load("cluster_claims")
    assert "cluster_claims.csv" in str(exc.value)
    assert isinstance(exc.value, FileNotFoundError)
    with pytest.raises(IntegrityError, match="cluster_claims.csv"):
        tmp_snapshot.verify()


def test_missing_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(ManifestError, match="datapackage.json"):
        Snapshot(tmp_path).names()


@pytest.mark.parametrize("name", ["population_municipality_2019", "municipality_boundaries_2020"])
def test_one_corrupted_byte_fails_verification_naming_the_file(tmp_snapshot, name):
    path = tmp_snapshot.file_path(name)
    data = bytearray(path.read_bytes())
    pos = data.index(b"192962" if name.startswith("population") else b"24.359321") + 1
    data[pos] = ord("8") if data[pos] != ord("8") else ord("7")  # same size, one digit differs
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError) as exc:
        tmp_snapshot.load(name)
    assert str(path) in str(exc.value)
    assert "rehash" in str(exc.value)
    with pytest.raises(IntegrityError):
        snap.verify(name, snapshot_dir=tmp_snapshot.path)
    tmp_snapshot.load(name, verify=False)  # explicit opt-out still reads the (edited) file


def test_intentional_edit_then_rehash(tmp_snapshot, capsys):
    path = tmp_snapshot.file_path("cluster_claims")
    path.write_bytes(path.read_bytes() + b"")  # same content: nothing to rehash
    assert tmp_snapshot.rehash(["cluster_claims"]) == {}
    text = path.read_text("utf-8").replace("no official statistic cited on page",
                                           "no official statistic cited on the page")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IntegrityError):
        tmp_snapshot.load("cluster_claims")
    from helpers import cli

    assert cli.main(["data", "rehash", "cluster_claims", "--snapshot", str(tmp_snapshot.path)]) == 0
    assert "cluster_claims: sha256:" in capsys.readouterr().out
    assert tmp_snapshot.load("cluster_claims").set_index("id").loc["C01", "note"] == \
        "no official statistic cited on the page"
    assert cli.main(["data", "verify", "--snapshot", str(tmp_snapshot.path)]) == 0
    with pytest.raises(UnknownResourceError):
        tmp_snapshot.rehash(["cluster_claim"])


def test_schema_violations_name_file_column_and_value(tmp_snapshot):
    path = tmp_snapshot.file_path("area_classification_2026")
    path.write_text(path.read_text("utf-8").replace("\n019,02,Aura\n", "\n19,02,Aura\n"),
                    encoding="utf-8")
    tmp_snapshot.rehash(["area_classification_2026"])
    with pytest.raises(SchemaError) as exc:
        tmp_snapshot.load("area_classification_2026")
    assert "'kunta'" in str(exc.value) and "'19'" in str(exc.value)
    assert "area_classification_2026.csv" in str(exc.value)

    path = tmp_snapshot.file_path("population_municipality_2019")
    path.write_text(path.read_text("utf-8").replace(",192962,", ",192 962,"), encoding="utf-8")
    tmp_snapshot.rehash(["population_municipality_2019"])
    with pytest.raises(SchemaError, match="'population'.*'192 962'"):
        tmp_snapshot.load("population_municipality_2019")


def test_manifest_path_may_not_leave_the_snapshot_directory(tmp_snapshot):
    manifest = json.loads(tmp_snapshot.manifest_path.read_text("utf-8"))
    manifest["resources"][0]["path"] = "../elsewhere.geojson"
    tmp_snapshot.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ManifestError, match="relative"):
        Snapshot(tmp_snapshot.path).load(manifest["resources"][0]["name"])


def test_verification_is_cached_per_path_mtime_and_size(tmp_snapshot, monkeypatch):
    calls = []
    from helpers.snapshot import _snapshot

    real = _snapshot.sha256_bytes
    monkeypatch.setattr(_snapshot, "sha256_bytes", lambda data: calls.append(len(data)) or real(data))
    size = tmp_snapshot.resource("cluster_claims")["bytes"]
    tmp_snapshot.load("cluster_claims")
    tmp_snapshot.load("cluster_claims")
    Snapshot(tmp_snapshot.path).load("cluster_claims")
    assert calls == [size]
    path = tmp_snapshot.file_path("cluster_claims")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    tmp_snapshot.load("cluster_claims")
    assert calls == [size] * 2


# --------------------------------------------------------------------------- write_resource
def _meta(**extra):
    """Provenance for hand-made test resources (clearly labelled as such)."""
    meta = {
        "title": "HAND-MADE TEST FIXTURE - not data",
        "description": "hand-made rows written by tests/test_snapshot.py",
        "sources": [{"title": "tests/test_snapshot.py", "path": "https://example.invalid/test"}],
        "licenses": [{"name": "test-only", "title": "hand-made test fixture"}],
        "attribution": "Hand-made test fixture",
        "publisher": "tests",
        "table_id": "none",
        "reference_period": "none",
        "obtained": "written by a test",
        "retrieved_at": "2026-11-27",
        "caveats": ["hand-made test fixture, not real data"],
    }
    meta.update(extra)
    return meta


def _handmade_frame():
    return pd.DataFrame({"kunta": ["019", "853"], "label": ["a", "b"],
                         "count": pd.array([1, None], dtype="Int64"), "share": [0.5, np.nan]})


def test_write_resource_pins_a_new_resource(tmp_snapshot):
    entry = tmp_snapshot.write_resource("handmade_test", _handmade_frame(), _meta())
    path = tmp_snapshot.path / "handmade_test.csv"
    assert entry["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["bytes"] == path.stat().st_size
    assert [f["type"] for f in entry["schema"]["fields"]] == ["string", "string", "integer", "number"]
    fresh = Snapshot(tmp_snapshot.path)  # a new reader sees it in the manifest
    assert "handmade_test" in fresh.names()
    back = fresh.load("handmade_test")
    assert back["kunta"].tolist() == ["019", "853"]
    assert back["count"].tolist()[0] == 1 and back["count"].isna().tolist() == [False, True]
    assert back["share"].isna().tolist() == [False, True]
    assert back["count_status"].tolist()[1] == "missing"
    assert not [p for p in tmp_snapshot.path.iterdir() if p.name.startswith(".")]
    assert oct(tmp_snapshot.manifest_path.stat().st_mode & 0o777) == oct(
        (SNAPSHOT_DIR / "datapackage.json").stat().st_mode & 0o777)


def test_write_resource_updates_an_existing_resource_and_keeps_provenance(tmp_snapshot):
    before = tmp_snapshot.resource("area_classification_2026")
    df = tmp_snapshot.load("area_classification_2026")
    df = df[df["maakunta"] == "02"].reset_index(drop=True)
    entry = tmp_snapshot.write_resource(
        "area_classification_2026", df, {"caveats": before["caveats"] + ["test subset"]},
        validate=lambda d: len(d) == 27)
    assert entry["attribution"] == before["attribution"]
    assert entry["schema"] == before["schema"]  # descriptions and constraints kept
    assert entry["hash"] != before["hash"]
    assert len(tmp_snapshot.load("area_classification_2026")) == 27
    tmp_snapshot.verify()


@pytest.mark.parametrize("outcome", ["raises", "returns_false"])
def test_failed_validation_leaves_every_pinned_byte_identical(tmp_snapshot, outcome):
    before = _bytes_of_dir(tmp_snapshot.path)
    seen = []

    def validate(df):
        seen.append(df)
        if outcome == "raises":
            raise AssertionError("population must not drop")
        return False

    new = tmp_snapshot.load("population_municipality_2019").head(3)
    with pytest.raises(ValidationError) as exc:
        tmp_snapshot.write_resource("population_municipality_2019", new, {}, validate=validate)
    assert "population_municipality_2019" in str(exc.value)
    assert len(seen) == 1 and len(seen[0]) == 3  # validate saw the temp file, read back typed
    assert seen[0]["kunta"].tolist() == ["005", "009", "010"]
    assert _bytes_of_dir(tmp_snapshot.path) == before  # no temp files left either
    tmp_snapshot.verify()


def test_failed_new_resource_leaves_nothing_behind(tmp_snapshot):
    before = _bytes_of_dir(tmp_snapshot.path)
    with pytest.raises(ValidationError):
        tmp_snapshot.write_resource("handmade_test", _handmade_frame(), _meta(),
                                    validate=lambda d: 1 / 0)
    assert _bytes_of_dir(tmp_snapshot.path) == before
    assert "handmade_test" not in Snapshot(tmp_snapshot.path).names()


def test_write_resource_rejects_bad_input_before_touching_anything(tmp_snapshot):
    before = _bytes_of_dir(tmp_snapshot.path)
    numeric_codes = pd.DataFrame({"kunta": [19, 853], "maakunta": ["02", "02"],
                                  "nimi_2023_list": ["Aura", "Turku"]})
    with pytest.raises(SchemaError, match="'kunta'.*zero-padded"):
        tmp_snapshot.write_resource("area_classification_2026", numeric_codes, {})
    with pytest.raises(ValueError, match="attribution"):
        tmp_snapshot.write_resource("handmade_test", _handmade_frame(),
                                    {k: v for k, v in _meta().items() if k != "attribution"})
    with pytest.raises(ValueError, match="not valid"):
        tmp_snapshot.write_resource("Bad Name", _handmade_frame(), _meta())
    with pytest.raises(ValueError, match="new name"):
        tmp_snapshot.write_resource("area_classification_2026",
                                    tmp_snapshot.load("area_classification_2026"),
                                    {"path": "elsewhere.csv"})
    with pytest.raises(ValueError, match="computed"):
        tmp_snapshot.write_resource("handmade_test", _handmade_frame(), _meta(hash="sha256:00"))
    with pytest.raises(SchemaError, match="columns"):
        tmp_snapshot.write_resource("area_classification_2026", _handmade_frame(), {})
    assert _bytes_of_dir(tmp_snapshot.path) == before


def test_write_resource_round_trips_geometry_in_epsg4326(tmp_snapshot):
    munis = tmp_snapshot.load("municipality_boundaries_2020")
    vs = munis[munis["maakunta_2020"] == "02"].reset_index(drop=True)
    tmp_snapshot.write_resource("handmade_geo_test", vs, _meta(),
                                validate=lambda g: g.crs.to_epsg() == 3067 and len(g) == 27)
    doc = json.loads((tmp_snapshot.path / "handmade_geo_test.geojson").read_text("utf-8"))
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 19 < lon < 32 and 59 < lat < 71
    back = tmp_snapshot.load("handmade_geo_test")
    assert back.crs.to_epsg() == 3067 and back["kunta"].tolist() == vs["kunta"].tolist()
    assert np.allclose(back.area, vs.area, rtol=1e-9)


def test_concurrent_manifest_change_aborts_the_write(tmp_snapshot, monkeypatch):
    from helpers.snapshot import _write  # (the writer imports it from there when it writes)

    real_write_temp = _write._write_temp

    def sneaky(directory, final_name, data):
        tmp = real_write_temp(directory, final_name, data)
        if final_name == "datapackage.json":  # another writer changes the manifest meanwhile
            tmp_snapshot.manifest_path.write_bytes(tmp_snapshot.manifest_path.read_bytes() + b"\n")
        return tmp

    monkeypatch.setattr(_write, "_write_temp", sneaky)
    target = tmp_snapshot.file_path("cluster_claims")
    before = target.read_bytes()
    df = tmp_snapshot.load("cluster_claims")
    with pytest.raises(SnapshotError, match="changed while"):
        tmp_snapshot.write_resource("cluster_claims", df.head(2), {})
    assert target.read_bytes() == before
    assert not [p for p in tmp_snapshot.path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", ["establishments_industry_section_2012", "sotkanet_values",
                                  "population_municipality_2023", "region_boundaries_2020"])
def test_loaded_frame_written_back_unchanged_loads_identically(tmp_snapshot, name):
    """load -> write_resource -> load is lossless, including '..' markers and empty cells."""
    original = tmp_snapshot.load(name)
    tmp_snapshot.write_resource(name, original, {})
    again = tmp_snapshot.load(name)
    if isinstance(original, gpd.GeoDataFrame):
        pd.testing.assert_frame_equal(pd.DataFrame(original.drop(columns="geometry")),
                                      pd.DataFrame(again.drop(columns="geometry")))
        assert np.allclose(original.area, again.area, rtol=1e-9)
    else:
        pd.testing.assert_frame_equal(original, again)
    if name == "establishments_industry_section_2012":
        text = tmp_snapshot.file_path(name).read_text("utf-8")
        assert ",..,EUR 1000," in text  # the publisher's marker is written back, not 0 or ""


def test_status_column_with_an_undeclared_marker_is_refused(tmp_snapshot):
    est = tmp_snapshot.load("establishments_industry_section_2012")
    est.loc[est["value_status"] == "..", "value_status"] = "x"
    before = _bytes_of_dir(tmp_snapshot.path)
    with pytest.raises(SchemaError, match="'x'.*missing-value marker"):
        tmp_snapshot.write_resource("establishments_industry_section_2012", est, {})
    assert _bytes_of_dir(tmp_snapshot.path) == before


# ------------------------------------------------------------------------------- parse cache
def test_a_verified_resource_is_parsed_once_and_every_load_gets_its_own_copy(tmp_snapshot, monkeypatch):
    from helpers.snapshot import _read  # (a load imports the parser from there)

    parsed = []
    original = _read._read_file
    monkeypatch.setattr(_read, "_read_file", lambda *a: parsed.append(1) or original(*a))
    first = tmp_snapshot.load("population_municipality_2023")
    first.iloc[0, :] = None  # the caller's copy
    first.attrs["changed"] = True
    second = tmp_snapshot.load("population_municipality_2023")
    assert len(parsed) == 1
    assert second.notna().all().all() and "changed" not in second.attrs
    pd.testing.assert_frame_equal(second, tmp_snapshot.load("population_municipality_2023", verify=False))


def test_a_changed_file_is_read_and_verified_again_not_served_from_the_cache(tmp_snapshot):
    tmp_snapshot.load("population_municipality_2023")
    path = tmp_snapshot.file_path("population_municipality_2023")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Turku", b"Turky", 1))
    with pytest.raises(IntegrityError):
        tmp_snapshot.load("population_municipality_2023")


def test_preload_parses_every_resource_up_to_a_size(tmp_snapshot):
    done = tmp_snapshot.preload(max_bytes=200_000)
    sizes = {r["name"]: r.get("bytes") or 0 for r in tmp_snapshot.manifest["resources"]}
    assert done and all(sizes[n] <= 200_000 for n in done)
    assert set(done) == {n for n, b in sizes.items() if b <= 200_000}
