"""The cluster workbooks' offline measurements: jobs by section and location quotients
(cluster_paavo), national size at TOL 5-digit level (cluster_tol5), section employment
(cluster_eurostat), ICT jobseekers (cluster_tem), postal areas (cluster_postal), the claims
against official totals (cluster_claims) and the point map (plotting.point_map).

Expected values are hand-computed on HAND-MADE frames or recomputed here straight from the
pinned CSV files (read with dtype=str), independently of the modules under test."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from helpers import downloads, plotting, regions
from helpers.plotting import alt, points
from helpers.snapshot import Snapshot
from helpers.workbooks import (
    cluster,
    cluster_claims,
    cluster_eurostat,
    cluster_paavo,
    cluster_postal,
    cluster_tem,
    cluster_tol5,
    industry,
)

PINNED = Path(__file__).parents[2] / "data" / "snapshot"


def _csv(path: str) -> pd.DataFrame:
    return pd.read_csv(PINNED / path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def snap():
    return Snapshot()


@pytest.fixture(scope="module")
def paavo_tp():
    p = _csv("paavo/paavo_2020_municipal.csv")
    p = p[(p["group"] == "TP")].copy()
    p["value"] = p["value"].astype(int)
    return p


@pytest.fixture(scope="module")
def jobs(snap):
    return cluster_paavo.compute(snap, regions.resolve("MK02"), regions.country(), ["J", "C", "M", "Q"])


# ----------------------------------------------------------------------------- location quotients and shares


def test_with_lq_hand_computed():
    # HAND-MADE: area A has 10 of 100 jobs in J, area B 5 of 200; the reference 50 of 1 000
    frame = pd.DataFrame({"jobs_total": [100.0, 200.0], "jobs_J": [10.0, 5.0]}, index=["A", "B"])
    ref = pd.Series({"jobs_total": 1000.0, "jobs_J": 50.0})
    out = cluster_paavo.with_lq(frame, ["J"], ref)
    assert out.loc["A", "share_J"] == pytest.approx(10.0)
    assert out.loc["A", "lq_J"] == pytest.approx((10 / 100) / (50 / 1000)) == pytest.approx(2.0)
    assert out.loc["B", "lq_J"] == pytest.approx((5 / 200) / (50 / 1000)) == pytest.approx(0.5)


def test_units_place_2020_municipalities_in_the_2026_division(paavo_tp, jobs):
    muni = paavo_tp[paavo_tp["area_kind"] == "municipality"]
    val = muni.pivot(index="area_code", columns="variable", values="value")
    # Honkajoki (099) is added to Kankaanpää (214); Pertunmaa (588) stays its own unit
    assert jobs.units.loc["214", "jobs_total"] == val.loc["214", "jobs_total"] + val.loc["099", "jobs_total"]
    assert "099" not in jobs.units.index and jobs.units.loc["588", "region_code"] == "10"
    assert "Kankaanpää" in jobs.units.loc["214", "note"] or "Honkajoki" in jobs.units.loc["214", "note"]
    assert len(jobs.units) == 309
    # the whole country is the sum of the 310 municipalities (Paavo has no national row)
    assert jobs.country["jobs_total"].iloc[0] == val["jobs_total"].sum() == 2_327_730
    assert jobs.country["jobs_J"].iloc[0] == val["jobs_J"].sum()


def test_region_sums_equal_the_published_rows_where_membership_did_not_change(paavo_tp, jobs):
    reg = paavo_tp[paavo_tp["area_kind"] == "region"].pivot(index="area_code", columns="variable", values="value")
    for code in ("02", "04", "17", "19", "21"):
        for col in ("jobs_total", "jobs_J", "jobs_C", "jobs_M", "jobs_Q"):
            assert jobs.regions.loc[code, col] == reg.loc[code, col]
    assert jobs.regions.loc["02", "jobs_J"] == 5180 and jobs.regions.loc["02", "jobs_C"] == 31155
    assert len(jobs.regions) == 19 and jobs.regions.loc["01", "jobs_total"] > 0  # Uusimaa: derived sum only


def test_lq_and_share_against_the_country_from_the_csv(paavo_tp, jobs):
    muni = paavo_tp[paavo_tp["area_kind"] == "municipality"].pivot(index="area_code", columns="variable",
                                                                   values="value")
    country_share = muni["jobs_J"].sum() / muni["jobs_total"].sum()
    assert jobs.regions.loc["02", "lq_J"] == pytest.approx((5180 / 198593) / country_share)
    turku = muni.loc["853"]
    assert jobs.units.loc["853", "share_J"] == pytest.approx(100 * 3952 / 100128)
    assert jobs.units.loc["853", "lq_J"] == pytest.approx((turku["jobs_J"] / turku["jobs_total"]) / country_share)
    c_share = muni["jobs_C"].sum() / muni["jobs_total"].sum()
    assert jobs.figure("lq_C") == pytest.approx(round((31155 / 198593) / c_share, 3))
    assert jobs.figure("jobs_J", regions.resolve("Kimitoön")) == int(muni.loc["322", "jobs_J"])


def test_lq_against_a_region(snap):
    res = cluster_paavo.compute(snap, regions.resolve("Turku"), regions.resolve("MK02"), ["J"])
    assert res.units.loc["853", "lq_J"] == pytest.approx((3952 / 100128) / (5180 / 198593))
    assert res.regions.loc["02", "lq_J"] == pytest.approx(1.0)


def test_tables_have_readers_headers(jobs):
    for table in (cluster_paavo.area_table(jobs), cluster_paavo.members_table(jobs),
                  cluster_paavo.regions_table(jobs)):
        header = next(line for line in table.data.splitlines() if line.startswith("| "))
        assert "_" not in header and "jobs_" not in header
        assert "|:---|" in table.data.splitlines()[table.data.splitlines().index(header) + 1]
    assert "Southwest Finland ◀" in cluster_paavo.regions_table(jobs).data
    assert "slightly below" in cluster_paavo.area_table(jobs).data  # the Paavo caveat, where the figures are


# ----------------------------------------------------------------------------- TOL 5-digit national sizes


@pytest.fixture(scope="module")
def tol5_csv():
    t = _csv("cluster/national_employment_tol5_2012_2016.csv")
    t["employed"] = t["employed"].astype(int)
    return t


def _sum_prefixes(t, prefixes, year):
    rows = t[(t["year"] == str(year)) & (t["level"] != "total")]
    return int(rows[rows["tol_code"].map(lambda c: any(c.startswith(p) for p in prefixes))]["employed"].sum())


def test_life_science_sizes_match_the_csv(snap, tol5_csv):
    sizes = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), industry.load_codelist("life_science"), "core")
    for year in range(2012, 2017):
        assert sizes.total_in(year) == _sum_prefixes(tol5_csv, ["21", "266", "325", "7211"], year)
    by = sizes.by_code[2016]
    assert by["21"] == 37 + 4295 and by["26.6"] == 2167 and by["32.5"] == 1057 + 622 and by["72.11"] == 859
    assert sizes.total_in(2016) == 9037
    assert sizes.by_code.loc["32.5", 2012] == 2 + 1256 + 694  # the residual row 3250 (persons coded only to 4 digits)
    # division 72 coded only to 2 digits is listed, never added
    assert set(sizes.above["tol_code"]) == {"32", "72"}
    assert sizes.grand_total[2016] == 2_275_679


def test_ict_sizes_match_the_csv(snap, tol5_csv):
    codes = industry.load_codelist("ict")
    sizes = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), codes, "core")
    prefixes = [i.statfin_code for i in codes.select("core")]
    assert [sizes.total_in(y) for y in sizes.years] == [_sum_prefixes(tol5_csv, prefixes, y) for y in range(2012, 2017)]
    assert sizes.total_in(2016) == 86_484
    rows = sizes.rows.set_index(["tol_code", "year"])["employed"]
    assert rows[("61300", 2012)] == 1 and ("61300", 2013) not in rows.index  # no row: not turned into 0
    wide = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), industry.load_codelist("life_science"), "wide")
    assert wide.by_code.loc["46.46", 2016] == 2588 + 2843


def test_size_table_counts_and_share(snap):
    sizes = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), industry.load_codelist("life_science"), "core")
    text = cluster_tol5.size_table(sizes, "the life-science industries").data
    nb = ","  # the thousands separator (English)
    assert f"| Total: the life-science industries |  | 9{nb}216 | 9{nb}200 | 8{nb}982 | 8{nb}882 | 9{nb}037 |" in text
    assert f"2016: {100 * 9037 / 2275679:.2f} %" in text
    assert f"72 Scientific research and development: 1{nb}254" in text


# ----------------------------------------------------------------------------- Eurostat series


def test_eurostat_series_and_derived_figures(snap):
    eu = _csv("cluster/eurostat_employment_nuts3_2000_2017.csv")
    val = lambda g, n, y: float(eu[(eu.geo == g) & (eu.nace == n) & (eu.year == str(y))]["employed"].iloc[0])  # noqa: E731
    s = cluster_eurostat.section_series(snap.load(cluster_eurostat.EUROSTAT), "J", regions.resolve("MK02"))
    assert (s.first, s.last) == (2000, 2017)
    assert s.value("vs", 2000) == val("FI1C1", "J", 2000) == 4410 and s.value("vs") == 5580
    assert s.value("vs_index") == pytest.approx(100 * 5580 / 4410)
    assert s.value("fi_share") == pytest.approx(100 * val("FI", "J", 2017) / val("FI", "TOTAL", 2017))
    assert s.value("vs_of_fi", 2010) == pytest.approx(100 * 4760 / val("FI", "J", 2010))
    assert s.area_2017 is None
    other = cluster_eurostat.section_series(snap.load(cluster_eurostat.EUROSTAT), "J", regions.resolve("Tampere"))
    assert other.area_2017["geo"] == "FI197" and other.area_2017["employed"] == val("FI197", "J", 2017)
    assert "Southwest Finland only" in cluster_eurostat.coverage_note(other, "information and communication")


# ----------------------------------------------------------------------------- TEM jobseekers


def test_tem_sums_only_cells_with_a_value_and_counts_the_rest():
    # HAND-MADE: two ICT codes and the total, two months; 2512 has no vacancy value in 2020-01
    # and no row at all in 2020-02
    rows = [("MK02", "2020-01", "SSS", "total", 1000, 100), ("MK02", "2020-01", "2511", "25", 10, 2),
            ("MK02", "2020-01", "2512", "25", 5, None), ("MK02", "2020-02", "SSS", "total", 900, 80),
            ("MK02", "2020-02", "2511", "25", 12, 0)]
    tem = pd.DataFrame(rows, columns=["area_code", "month", "occupation_code", "ict_group", "unemployed",
                                      "vacancies"])
    m, n = cluster_tem.monthly(tem)
    m = m.set_index("month")
    assert n == 2
    assert m.loc["2020-01", "ict_unemployed"] == 15 and m.loc["2020-01", "ict_vacancies"] == 2
    assert m.loc["2020-01", "cells_without_value_vacancies"] == 1
    assert m.loc["2020-02", "ict_unemployed"] == 12 and m.loc["2020-02", "cells_without_value_unemployed"] == 1
    assert m.loc["2020-01", "ict_share_unemployed"] == pytest.approx(1.5)
    y = cluster_tem.yearly(m.reset_index()).iloc[0]
    assert y["months"] == 2 and y["ict_unemployed"] == pytest.approx(13.5)
    assert y["ict_share_unemployed"] == pytest.approx(100 * 13.5 / 950)


def test_tem_on_the_pinned_table(snap):
    t = _csv("exclusion/tem_ict_occupations_mk02_2006_2023.csv")
    last = t[(t["area_code"] == "MK02") & (t["month"] == "2023-10") & (t["ict_group"] != "total")]
    expected = sum(int(v) for v in last["unemployed"] if v)
    res = cluster_tem.compute(snap, regions.resolve("Salo"))
    assert res.last_month == "2023-10" and res.covers_area
    assert res.value("MK02", "ict_unemployed") == expected == 492
    assert res.n_codes == 16
    assert not cluster_tem.compute(snap, regions.resolve("MK06")).covers_area


# ----------------------------------------------------------------------------- postal areas


def test_postal_points_turku_subregion(snap):
    key = _csv("paavo/postcode_areas_2020.csv")
    postal = _csv("paavo/paavo_postcode_varsinais_suomi_2012_2016.csv")
    res = cluster_postal.compute(snap, regions.resolve("MK02"), "J")
    codes = set(key.loc[key["subregion_code"] == "023", "postal_code"])
    assert res.subregion_code == "023" and set(res.points["postal_code"]) == codes and res.year == 2016
    j = postal[(postal["year"] == "2016") & (postal["variable"] == "jobs_J") & postal["postal_code"].isin(codes)]
    assert res.total == sum(int(v) for v in j["value"] if v)
    assert res.points.set_index("postal_code").loc["20100", "jobs"] == 1237
    kimito = cluster_postal.compute(snap, regions.resolve("Kimitoön"), "J")
    assert kimito.subregion_code == "021"
    suppressed = postal[(postal["year"] == "2016") & (postal["variable"] == "jobs_J") & (postal["value"] == "")]
    assert kimito.points["jobs"].isna().sum() == len(set(suppressed["postal_code"]) & set(kimito.points["postal_code"]))
    assert cluster_postal.compute(snap, regions.resolve("Helsinki"), "J") is None


# ----------------------------------------------------------------------------- claims against official totals


def test_claim_number_reads_the_published_value(snap):
    claims = snap.load(cluster_claims.CLAIMS)
    assert cluster_claims.claim_number(claims, "C06") == 5700
    assert cluster_claims.claim_number(claims, "C05") == 20
    assert cluster_claims.claim_number(claims, "C19", 1) == 57000
    with pytest.raises(ValueError, match="C99"):
        cluster_claims.claim_number(claims, "C99")


@pytest.fixture(scope="module")
def life_evidence(snap, jobs):
    sizes = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), industry.load_codelist("life_science"), "core")
    return cluster_claims.life_science(snap.load(cluster_claims.CLAIMS), jobs,
                                       snap.load(cluster_eurostat.EUROSTAT), sizes), sizes


def test_implied_workforce_arithmetic(life_evidence):
    f = life_evidence[0].figures
    assert f["implied_industrial_workforce"] == pytest.approx(5700 / 0.20) == pytest.approx(28_500)
    assert f["vs_manufacturing_jobs_2017"] == 31155 and f["vs_manufacturing_employed_2017_eurostat"] == 34000
    assert f["claim_jobs_share_of_c_jobs_pct"] == pytest.approx(100 * 5700 / 31155)
    assert f["claim_jobs_share_of_c_employed_pct"] == pytest.approx(100 * 5700 / 34000)
    assert f["national_core_employed"] == {2012: 9216, 2013: 9200, 2014: 8982, 2015: 8882, 2016: 9037}
    assert f["claim_jobs_share_of_national_core_pct_last"] == pytest.approx(100 * 5700 / 9037)
    assert f["twenty_pct_share_of_national_core_manufacturing_pct"] == pytest.approx(
        100 * (0.20 * 31155) / (4332 + 2167 + 1679))
    table = cluster_claims.evidence_table(life_evidence[0], "x").data
    assert "| Industrial workforce the two claims imply | Derived | 28,500 |" in table


def test_the_stored_verdicts_hold_against_the_figures(life_evidence, snap, jobs):
    """The verdict texts are data; these are the relations their words state."""
    f, sizes = life_evidence[0].figures, life_evidence[1]
    v = industry.load_verdicts().set_index("seed_id")
    manuf = [sizes.by_code.loc[["21", "26.6", "32.5"], y].sum() for y in sizes.years]
    # LS1: within the national upper bound every year, more than half of it, more than 2/3 of its manufacturing part
    assert v.loc["LS1", "official_check"] == "within_bounds"
    assert all(5700 < t for t in f["national_core_employed"].values())
    assert all(5700 / t > 0.5 for t in f["national_core_employed"].values())
    assert all(5700 / m > 2 / 3 for m in manuf)
    assert 5700 < f["vs_manufacturing_jobs_2017"]
    # LS3: the implied workforce is below both official counts; 5,700 is 17-18 % of them
    assert v.loc["LS3", "official_check"] == "on_the_high_side" and "28,500" in v.loc["LS3", "official_verdict"]
    assert f["implied_industrial_workforce"] < f["vs_manufacturing_jobs_2017"] < f[
        "vs_manufacturing_employed_2017_eurostat"]
    assert {round(f["claim_jobs_share_of_c_jobs_pct"]), round(f["claim_jobs_share_of_c_employed_pct"])} == {17, 18}
    assert f["twenty_pct_share_of_national_core_manufacturing_pct"] >= 75
    # ICT1: national ICT employment 85,800-88,900; the capital region's J share close to the claimed share
    ict_sizes = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), industry.load_codelist("ict"), "core")
    series = cluster_eurostat.section_series(snap.load(cluster_eurostat.EUROSTAT), "J", regions.resolve("MK02"))
    e = cluster_claims.ict(snap.load(cluster_claims.CLAIMS), jobs, ict_sizes, series).figures
    assert all(85_800 <= t <= 88_950 for t in e["national_ict_employed"].values())
    assert abs(e["capital_region_j_share_2017_pct"] - e["claim_capital_region_share_pct"]) < 2
    assert series.value("vs") > series.value("vs", 2015)  # ICT2: J employment grew 2015-2017


def test_verdict_file_is_readable_data():
    v = industry.load_verdicts()
    assert set(v["official_check"]) <= set(industry.OFFICIAL_CHECKS)
    assert (v["official_verdict"].str.len() > 20).all() and (v["official_basis"].str.len() > 10).all()
    shown = cluster_claims.verdict_table(v, "x").data
    for internal in ("FINDINGS", "§", "seed_id", "findings_ref", "official_data_that_could_confirm", ".yaml"):
        assert internal not in shown
    with pytest.raises(ValueError, match="unknown official_check"):
        bad = v.copy()
        bad.loc[0, "official_check"] = "maybe"
        path = Path(__file__).parent / "_bad_verdicts.csv"
        try:
            bad.to_csv(path, index=False)
            industry.load_verdicts(path=path)
        finally:
            path.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- shared helpers


def test_optional_and_when(snap):
    obj, note = cluster.optional(snap, ["no_such_resource"], lambda: 1 / 0)
    assert obj is None and "`no_such_resource`" in note
    assert cluster.optional(snap, [cluster_paavo.PAAVO], lambda: 7) == (7, None)
    assert cluster.when(None, note, lambda x: x).data == note
    assert cluster.when(3, note, lambda x, y: x + y, 4) == 7


def test_live_note_is_one_note_for_every_missing_dataset():
    a = cluster.LiveSection("establishments_industry_region", None, "n1", pinned=False)
    b = cluster.LiveSection("jobs_industry_region", None, "n2", pinned=False)
    c = cluster.LiveSection(None, None, "Municipal industry data is pulled only for Varsinais-Suomi")
    text = cluster.live_note(a, b, c).data
    assert text.count("Not in this snapshot") == 1 and "`jobs_industry_region`" in text
    assert "Municipal industry data" in text
    assert cluster.live_note(cluster.LiveSection("x", pd.DataFrame(), None, pinned=True)) is None


# ----------------------------------------------------------------------------- the point map


def test_nice_sizes():
    assert points.nice_sizes(1237) == [1000, 250, 100]
    assert points.nice_sizes(60) == [50, 20, 5]
    assert points.nice_sizes(0) == [] and points.nice_sizes(math.nan) == []


def test_point_map_alt_text_data_and_crs():
    import geopandas as gpd
    from shapely.geometry import box

    base = gpd.GeoDataFrame({"name_fi": ["Alue"]}, geometry=[box(0, 0, 10_000, 10_000)], crs=3067)
    pts = gpd.GeoDataFrame({"postal_code": ["00001", "00002", "00003"], "label": ["Iso", "Pieni", "Salattu"],
                            "jobs": [100.0, 0.0, math.nan]},
                           geometry=gpd.points_from_xy([2000, 5000, 8000], [2000, 5000, 8000]), crs=3067)
    fig = plotting.point_map(pts, "jobs", base=base, label_column="label", legend_title="Jobs", unit="jobs",
                             title="Jobs by postal area", source="Source: HAND-MADE")
    text = alt.alt_text(fig)
    assert text.startswith("Point map: Jobs by postal area. 3 points")
    assert "highest Iso (100 jobs)" in text and "1 with 0" in text and "1 suppressed" in text
    data = downloads.attached(fig)
    assert data["name"] == "jobs_by_postal_area" and "00003" in data["csv"]
    with pytest.raises(ValueError, match="EPSG:3067"):
        plotting.point_map(pts.to_crs(4326), "jobs", base=base, title="t", source="s", legend_title="l")
    with pytest.raises(ValueError, match="negative"):
        plotting.point_map(pts.assign(jobs=[-1.0, 0.0, 1.0]), "jobs", base=base, label_column="label", title="t",
                           source="s", legend_title="l")


def test_a_snapshot_without_the_offline_resources_leaves_those_parts_out():
    """The cluster fixture holds the live-only tables but none of the offline measurements."""
    from helpers import notebook, params
    from helpers.workbooks import ict_cluster, life_science_cluster

    fixture = str(Path(__file__).parents[1] / "fixtures" / "snapshot_clusters")
    for mod, name in ((ict_cluster, "ict_cluster"), (life_science_cluster, "life_science_cluster")):
        res = mod.compute(params.validate(name, {"snapshot": fixture}), notebook.RecordingSnapshot(fixture))
        note = mod.jobs_area(res).data
        assert "has no `paavo_2020_municipal`; this part is left out" in note
        assert mod.national_table(res).data.endswith("this part is left out.")
        assert all(res.figures[s.name] is None for s in res.headline[:4])
        assert mod.live_note(res) is None  # the live tables are pinned there
