"""The pinned Paavo, cluster-employment and climate resources of the second collection.

Every total named in the reference-data SOURCES.md files is re-checked here on the PINNED
files (helpers.snapshot.Snapshot().load), with the real values: the converters' own validate
functions run again on the loaded frames, and the headline figures are asserted explicitly.
Codes must load as zero-padded strings and missing cells as missing (never 0).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.snapshot import Snapshot

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import climate, cluster, paavo  # noqa: E402

SNAPSHOT_DIR = ROOT / "data" / "snapshot"

RESOURCES = {
    "paavo_2020_municipal": (paavo.validate_paavo_2020, "paavo/"),
    "postcode_areas_2020": (paavo.validate_postcode_areas, "paavo/"),
    "paavo_postcode_varsinais_suomi_2012_2016": (paavo.validate_postcode_vs, "paavo/"),
    "eurostat_employment_nuts3_2000_2017": (cluster.validate_eurostat, "cluster/"),
    "national_employment_tol5_2012_2016": (cluster.validate_tol5, "cluster/"),
    "national_employment_tol5_by_occupation_2012_2016": (cluster.validate_tol5_occ, "cluster/"),
    "turku_ghg_inventory_2020": (climate.validate_inventory, "climate/"),
    "turku_ghg_sectors_2020": (climate.validate_sectors, "climate/"),
    "turku_climate_targets": (climate.validate_targets, "climate/"),
    "cdp_city_emissions_reported": (climate.validate_cdp, "climate/"),
    "co2raportti_2017": (climate.validate_co2r, "climate/"),
    "buildings_floor_area_by_heating_fuel_2019": (climate.validate_heating, "climate/"),
    "buildings_floor_area_by_completion_year_2019": (climate.validate_completion, "climate/"),
}
CC_BY = {"paavo_2020_municipal", "postcode_areas_2020", "paavo_postcode_varsinais_suomi_2012_2016",
         "eurostat_employment_nuts3_2000_2017", "buildings_floor_area_by_heating_fuel_2019",
         "buildings_floor_area_by_completion_year_2019"}


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return Snapshot(SNAPSHOT_DIR)


@pytest.fixture(scope="module")
def load(snap):
    cache: dict[str, pd.DataFrame] = {}

    def get(name):
        if name not in cache:
            cache[name] = snap.load(name)
        return cache[name]
    return get


# ------------------------------------------------------------------------------- provenance
@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_pinned_with_full_provenance(snap, name):
    res = snap.resource(name)
    assert res["path"].startswith(RESOURCES[name][1]) and res["path"].endswith(".csv")
    data = (SNAPSHOT_DIR / res["path"]).read_bytes()
    assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and res["bytes"] == len(data)
    assert b"\r\n" not in data
    for key in ("title", "description", "publisher", "table_id", "reference_period", "obtained",
                "retrieved_at", "attribution", "caveats", "sources", "licenses"):
        assert res.get(key), key
    assert res["attribution"].startswith("Source: ")
    assert res["quality"] in {"GREEN", "AMBER", "RED"} and res["suitability"] in {"GREEN", "AMBER", "RED"}
    # sources: the repository and commit it was read from AND the original publisher
    paths = [s["path"] for s in res["sources"]]
    assert all(re.match(r"https?://", p) for p in paths)
    if name != "co2raportti_2017":  # read from stored copies of the PDFs, not from a repository
        assert any(re.search(r"github\.com/[^/]+/[^/]+/(tree|blob)/[0-9a-f]{40}", p) for p in paths), paths
    assert any("github.com" not in p for p in paths), paths
    assert all(f.get("description") for f in res["schema"]["fields"])
    licence = " ".join(f"{x.get('name')} {x.get('title')}" for x in res["licenses"])
    if name in CC_BY:
        assert res["licenses"][0]["name"] == "CC-BY-4.0", licence
    else:  # the city's, CDP's, the consultancy's and Vipunen's terms: not called CC BY
        assert res["licenses"][0]["name"] != "CC-BY-4.0", licence
    assert "reference-data" not in res["path"]


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_converter_checks_hold_on_the_pinned_file(load, name):
    RESOURCES[name][0](load(name))  # raises on any failed total


def test_caveats_that_must_stay_visible(snap):
    def text(name):
        r = snap.resource(name)
        return " ".join(r["caveats"] + [r["description"], r["title"], r["attribution"]])

    assert "without coordinates" in text("paavo_2020_municipal")
    assert "without coordinates" in text("paavo_postcode_varsinais_suomi_2012_2016")
    assert "EPSG:3067" in text("postcode_areas_2020")
    assert "SELF-REPORTED" in text("cdp_city_emissions_reported")
    assert "NON-VERIFIED" in text("cdp_city_emissions_reported")
    assert "not official statistics" in text("co2raportti_2017").lower()
    assert "residual" in text("national_employment_tol5_2012_2016").lower()
    assert "thousand" in text("eurostat_employment_nuts3_2000_2017")


# --------------------------------------------------------------------------------- Paavo
def test_paavo_2020_jobs_by_section_real_values(load):
    df = load("paavo_2020_municipal")
    assert df["area_code"].map(type).eq(str).all()
    assert set(df["area_code"]) >= {"019", "853", "02", "21"}
    w = df.pivot_table(index="area_code", columns="variable", values="value", aggfunc="first")
    assert w.loc["853", "jobs_J"] == 3_952 and w.loc["853", "jobs_C"] == 10_191
    assert w.loc["853", "jobs_total"] == 100_128  # = tyokay 2017 appendix table 2e
    assert w.loc["02", "jobs_total"] == 198_593 and w.loc["02", "jobs_J"] == 5_180
    munis = df[(df["area_kind"] == "municipality") & (df["region_code"] == "02")]
    assert munis["area_code"].nunique() == 27
    assert munis[munis["variable"] == "jobs_J"]["value"].sum() == 5_180  # = the MK02 row
    assert munis[munis["variable"] == "pt_inhabitants"]["value"].sum() == 477_677
    assert w.loc["099", "he_inhabitants_total"] > 0  # Honkajoki, 2020 division
    j = df[(df["area_code"] == "853") & (df["variable"] == "jobs_J")].iloc[0]
    assert (j["category"], j["label"], j["year"]) == ("J", "J Information and communication, 2017 (TP)", 2017)


def test_postcode_areas_codes_and_centre_points(load):
    df = load("postcode_areas_2020")
    assert len(df) == 3026 and df["postal_code"].str.fullmatch(r"\d{5}").all()
    row = df.set_index("postal_code").loc["00100"]
    assert (row["municipality_code"], row["region_code"], row["subregion_code"]) == ("091", "01", "011")
    assert df.set_index("postal_code").loc["21600", "subregion_name"] == "Åboland-Turunmaa"
    assert str(df["x"].dtype) == "Int64"


def test_paavo_postcode_suppressed_cells_are_missing_with_status(load):
    df = load("paavo_postcode_varsinais_suomi_2012_2016")
    missing = df[df["value"].isna()]
    assert len(missing) > 0 and (missing["value_status"] == "NA").all()
    assert df.loc[df["value"].notna(), "value_status"].isna().all()
    assert (df["value"].dropna() >= 0).all()
    j = df[df["variable"] == "jobs_J"].groupby("year")["value"].sum()
    assert j.tolist() == [4427, 4604, 4679, 4602, 4886]


# ----------------------------------------------------------------------------- cluster
def test_eurostat_varsinais_suomi_series(load):
    df = load("eurostat_employment_nuts3_2000_2017")
    vs = df[(df["geo"] == "FI1C1")].pivot_table(index="year", columns="nace", values="employed")
    assert (vs.loc[2000, "J"], vs.loc[2010, "J"], vs.loc[2017, "J"]) == (4410, 4760, 5580)
    assert (vs.loc[2000, "C"], vs.loc[2017, "C"], vs.loc[2017, "TOTAL"]) == (47490, 34000, 218140)
    assert sorted(vs.index) == list(range(2000, 2018))
    y18 = df[(df["year"] == 2018) & (df["nace"] != "TOTAL")]
    assert y18["employed"].isna().all() and (y18["employed_status"] == "missing").all()
    assert (df["unit"] == "persons").all()


def test_national_tol5_cluster_industries(load):
    df = load("national_employment_tol5_2012_2016")
    assert df["tol_code"].str.fullmatch(r"\d{2,5}|[A-U]|SSSSS").all()
    assert df[(df["tol_code"] == "00000")]["level"].eq("unknown").all()
    y16 = df[df["year"] == 2016].set_index("tol_code")["employed"]
    assert (y16["21200"], y16["26600"], y16["72110"], y16["62010"]) == (4295, 2167, 859, 31480)
    assert y16["SSSSS"] == 2_275_679 == y16.drop("SSSSS").sum()
    five = df[(df["year"] == 2016) & df["level"].isin(["industry_5", "unknown"])]["employed"].sum()
    assert five == 2_265_452  # the 5-digit rows alone are short by the residual rows
    assert df["industry_name_fi"].isna().all()


def test_national_tol5_occupation_blanks_are_missing(load):
    df = load("national_employment_tol5_by_occupation_2012_2016")
    assert df["employed"].isna().any() and (df["employed"].dropna() > 0).all()
    assert (df.loc[df["employed"].isna(), "employed_status"] == "missing").all()
    s = df[(df["year"] == 2016) & (df["tol_code"] == "62010")]["employed"].sum()
    assert s == 31480


# ----------------------------------------------------------------------------- climate
def test_turku_inventory_totals(load):
    inv = load("turku_ghg_inventory_2020")
    assert inv["t_co2e"].sum() == 601_638
    a14 = load("turku_ghg_sectors_2020")
    assert a14[(a14["sector_id"] == "total") & (a14["scope"] == "total")]["t_co2e"].iloc[0] == 601_600
    by = inv.groupby("sector_a14")["t_co2e"].sum()
    ref = a14[a14["scope"] == "total"].set_index("sector_id")["t_co2e"]
    for sector in ("buildings", "transport", "waste", "ippu", "afolu"):
        assert abs(by[sector] - ref[sector]) <= 50, sector  # is rounded to 100 t
    avi = inv[inv["sub_sector"] == "Aviation"].iloc[0]
    assert pd.isna(avi["gwh"]) and avi["gwh_status"] == "*"


def test_turku_targets_are_quotes(load):
    df = load("turku_climate_targets")
    text = " ".join(df["quote"])
    assert "at least 90 per cent" in text and "(7.8 t CO2-eq)" in text
    pc = df[df["measure"] == "emissions_per_capita"].set_index("year")["value"]
    assert (pc[1990], pc[2020]) == (7.8, 2.6)
    assert df["page_or_section"].notna().all()


def test_cdp_turku_rows(load):
    df = load("cdp_city_emissions_reported")
    t = df[df["city"] == "Turku"]
    assert (t["account_number"] == "50154").all() and (t["municipality_code"] == "853").all()
    r16 = t[t["report_year"] == 2016].set_index("measure")["value"]
    assert r16["total_emissions"] == 1_107_500 == r16["scope1_total"] + r16["scope2_total"]
    assert sorted(df["city"].unique()) == ["Espoo", "Helsinki", "Lahti", "Porvoo", "Tampere",
                                           "Turku", "Vantaa"]  # Kemi reported no number


def test_co2raportti_turku_total(load):
    df = load("co2raportti_2017")
    turku = df[df["municipality_code"] == "853"].set_index("sector_id")["value"]
    assert turku["total"] == 851.4
    assert round(turku.drop(["total", "per_capita"]).sum(), 1) == 851.4


def test_floor_area_by_heating_fuel(load):
    df = load("buildings_floor_area_by_heating_fuel_2019")
    assert df["area_code"].str.fullmatch(r"\d{3}|SSS").all() and "005" in set(df["area_code"])
    tot = df[df["building_type"] == "total"]
    country = tot[tot["area_code"] == "SSS"].set_index("heating_fuel")["floor_area_m2"]
    assert country["total"] == 494_625_956 and country["district_heat"] == 233_224_555
    munis = tot[tot["area_kind"] == "municipality"].groupby("heating_fuel")["floor_area_m2"].sum()
    assert (munis == country.reindex(munis.index)).all()  # Σ municipalities = KOKO MAA per fuel
    turku = tot[tot["area_code"] == "853"].set_index("heating_fuel")["floor_area_m2"]
    assert turku["district_heat"] == 10_883_696
    assert df["buildings"].isna().all() and (df["buildings_status"] == "not_in_download").all()
    assert tot[tot["area_code"] == "478"]["area_name"].iloc[0] == "Maarianhamina"


def test_floor_area_by_completion_year(load):
    df = load("buildings_floor_area_by_completion_year_2019")
    assert df["floor_area_m2"].sum() == 494_625_956
    assert df["area_code"].nunique() == 310 and df["area_code"].str.fullmatch(r"\d{3}").all()
