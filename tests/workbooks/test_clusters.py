"""helpers.clusters: code lists, verdicts, StatFin shaping, cluster statistics, real series."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from helpers import display, regions
from helpers.snapshot import Snapshot
from helpers.sources.statfin import parse_jsonstat2
from helpers.workbooks import business, context, industry

FIXTURE = Path(__file__).parents[1] / "fixtures" / "snapshot_clusters"


# ----------------------------------------------------------------------------- code lists

def test_life_science_codelist_core_and_wide():
    cl = industry.load_codelist("life_science")
    assert cl.version and cl.date and "Statistics Finland" in cl.citation
    assert cl.codes("core") == ["21", "26.6", "32.5", "72.11"]
    assert cl.codes("wide") == ["21", "26.6", "32.5", "72.11", "46.46"]
    assert {i.code: i.section for i in cl.industries} == {"21": "C", "26.6": "C", "32.5": "C", "72.11": "M", "46.46": "G"}
    assert cl.industry("266").name_fi.startswith("Säteilylaitteiden")
    assert all(i.rationale for i in cl.industries)


def test_ict_codelist_is_the_oecd_2007_set():
    cl = industry.load_codelist("ict_oecd_tol2008")
    assert cl.codes("core") == ["26.1", "26.2", "26.3", "26.4", "26.8", "46.51", "46.52",
                                "58.2", "61", "62", "63.1", "95.1"]
    assert cl.codes("services") == ["58.2", "61", "62", "63.1", "95.1"]
    assert cl.codes("manufacturing") == ["26.1", "26.2", "26.3", "26.4", "26.8"]
    assert "OECD (2007)" in cl.definition_source


def test_codelist_errors_name_the_bad_value():
    with pytest.raises(ValueError, match="unknown code list 'life_sciense'.*did you mean 'life_science'"):
        industry.load_codelist("life_sciense")
    with pytest.raises(ValueError, match="scope='broad'.*valid: core, wide"):
        industry.load_codelist("life_science").select("broad")
    with pytest.raises(ValueError, match="industry code"):
        industry.normalise_industry_code("")
    assert industry.normalise_industry_code("26.6") == "266"


def test_codelist_validation_rejects_bad_entries():
    raw = {"id": "x", "title": "x", "version": "1", "date": "d", "classification": "c",
           "classification_source": {}, "definition_source": "d",
           "scopes": {"core": {"include_scopes": ["core"]}},
           "codes": [{"code": "26,6", "section": "C", "scope": "core", "name_fi": "a", "name_en": "a", "rationale": "r"}]}
    with pytest.raises(ValueError, match="'26,6' is not a TOL 2008 code"):
        industry._parse_codelist(raw, "test")


# ----------------------------------------------------------------------------- verdicts

def test_verdicts_trace_to_claims_and_findings():
    claims = Snapshot().load("cluster_claims")
    v = industry.load_verdicts("life_science")
    assert list(v["seed_id"]) == ["LS1", "LS2", "LS3", "LS4", "LS5", "LS6", "LS7"]
    assert all(v["findings_ref"].str.contains("FINDINGS"))
    two_thirds = v.set_index("seed_id").loc["LS5"]
    assert two_thirds["status"] == "not_found"
    assert ">75 %" in two_thirds["verdict"] and "50 %" in two_thirds["verdict"]
    reg = industry.claims_register(claims, v)
    assert set(reg.loc[reg["seed_id"] == "LS5", "claim_id"]) == {"C01", "C09", "C13", "C14"}
    # the published wording is carried over verbatim from the snapshot
    c06 = reg.set_index("claim_id").loc["C06", "statement_as_published"]
    assert c06 == "Alan työllistävä vaikutus on noin 5 700 teollista työpaikkaa"


def test_register_rejects_unknown_claim_id():
    claims = Snapshot().load("cluster_claims")
    v = industry.load_verdicts("ict").copy()
    v.loc[0, "claim_ids"] = "C99"
    with pytest.raises(ValueError, match="'C99', which is not in cluster_claims"):
        industry.claims_register(claims, v)
    with pytest.raises(ValueError, match="cluster='pharma' has no verdicts"):
        industry.load_verdicts("pharma")


# ----------------------------------------------------------------------------- StatFin shaping

def _jsonstat(values, status=None):
    """HAND-MADE json-stat2: 2 areas x 4 industries x 1 sex total + men x 1 year x 2 contents."""
    dims = [("alue_28_20250101", {"SSS": "KOKO MAA", "MK02": "Varsinais-Suomi"}),
            ("toimiala_31_20080101", {"SSS": "Yhteensä", "C": "Teollisuus", "21": "Lääkkeet", "7211": "Biotekniikka"}),
            ("sukupuoli_9_20180101", {"SSS": "Yhteensä", "1": "Miehet"}),
            ("timeperiod_y", {"2022": "2022"}),
            ("contentscode", {"hlo": "Henkilöstö (htv)", "lvhlo": "Liikevaihto per henkilö"})]
    return {"version": "2.0", "class": "dataset", "id": [d for d, _ in dims], "size": [len(c) for _, c in dims],
            "dimension": {d: {"label": d, "category": {"index": {k: i for i, k in enumerate(c)}, "label": c}}
                          for d, c in dims},
            "value": values, "status": status or {}}


def test_tidy_statfin_shapes_a_parsed_response():
    # order: area, industry, sex, year, content -> 2*4*2*1*2 = 32 cells
    vals = []
    for a in (1000, 100):
        for ind in (1.0, 0.3, 0.05, 0.01):
            for sex in (1.0, 0.6):
                vals += [a * ind * sex, 250]
    cell = ((1 * 4 + 3) * 2 + 0) * 2 + 0  # MK02, 7211, sex total, personnel (row-major index)
    vals[cell] = None
    frame = parse_jsonstat2(_jsonstat(vals, {str(cell): ".."}))
    tidy = business.tidy_statfin(frame)
    assert list(tidy.columns) == business.TIDY_COLUMNS
    assert set(tidy["measure"]) == {"personnel"}  # the per-person ratio is dropped
    assert len(tidy) == 8  # 2 areas x 4 industries, sex reduced to its total
    mk = tidy[(tidy["area"] == "MK02")].set_index("industry")
    assert mk.loc["21", "value"] == pytest.approx(5.0)
    assert math.isnan(mk.loc["7211", "value"]) and mk.loc["7211", "status"] == ".."
    assert tidy["year"].tolist() == [2022] * 8


def test_tidy_statfin_errors_are_clear():
    frame = parse_jsonstat2(_jsonstat([1.0] * 32))
    with pytest.raises(ValueError, match="roles\\['area'\\]='nope' is not a dimension column"):
        business.tidy_statfin(frame, roles={"area": "nope"})
    no_total = frame[frame["sukupuoli_9_20180101"] != "SSS"].copy()
    no_total.loc[no_total.index[:4], "sukupuoli_9_20180101"] = "2"
    with pytest.raises(ValueError, match="dimension 'sukupuoli_9_20180101' has several values"):
        business.tidy_statfin(no_total)
    with pytest.raises(ValueError, match="no 'value' column"):
        business.tidy_statfin(frame.drop(columns="value"))


def test_content_measure():
    assert business.content_measure("x", "Yritysten toimipaikkojen henkilöstö (htv)") == "personnel"
    assert business.content_measure("x", "Turnover of establishments of enterprises (EUR 1,000)") == "turnover"
    assert business.content_measure("x", "Establishments of enterprises (number)") == "establishments"
    assert business.content_measure("x", "Turnover per person") is None
    assert business.content_measure("tyokay-tyolliset3", "Työpaikat") == "jobs"


# ----------------------------------------------------------------------------- cluster statistics (HAND-MADE fixture)

@pytest.fixture(scope="module")
def biz():
    return business.tidy_statfin(Snapshot(FIXTURE).load("statfin_alyr_establishments_region"))


def test_cluster_table_keeps_suppressed_cells_missing(biz):
    ict = industry.load_codelist("ict")
    t = business.cluster_table(biz, ict, "core", "MK02", "personnel")
    assert math.isnan(t.loc[("26.8",)][2022].iloc[0])  # '..' in the fixture
    assert math.isnan(t.loc[("all", "Cluster total"), 2022])  # so the total is unknown, not smaller
    ls = business.cluster_table(biz, industry.load_codelist("life_science"), "wide", "MK02", "personnel")
    assert ls.loc[("all", "Cluster total"), 2022] == 3000 + 600 + 900 + 500 + 300


def test_cluster_lq_and_shift_share(biz):
    cl = industry.load_codelist("life_science")
    lq = business.cluster_lq(biz, cl, "core", areas=["MK02", "MK06"], reference="SSS", year=2022, measure="personnel")
    row = lq[(lq["area"] == "MK02") & (lq["industry"] == industry.CLUSTER_TOTAL)].iloc[0]
    assert row["lq"] == pytest.approx((5000 / 150000) / (11500 / 1500000))
    assert math.isnan(lq[(lq["area"] == "MK06") & (lq["industry"] == "72.11")]["lq"].iloc[0])
    ss = business.cluster_shift_share(biz, cl, "core", area="MK02", reference="SSS", start=2019, end=2022,
                                      measure="personnel")
    tot = ss[ss["industry"] == industry.CLUSTER_TOTAL].iloc[0]
    assert tot["change"] == 500
    assert tot["national_growth"] + tot["industry_mix"] + tot["regional_shift"] == pytest.approx(500)
    with pytest.raises(ValueError, match="year 2015 is not in the data"):
        business.cluster_lq(biz, cl, "core", areas=["MK02"], reference="SSS", year=2015, measure="personnel")


def test_industrial_share_check_keeps_non_manufacturing_out(biz):
    cl = industry.load_codelist("life_science")
    r = business.industrial_share_check(biz, cl, "wide", area="MK02", year=2022, measure="personnel")
    assert r["numerator_codes"] == ["21", "26.6", "32.5"] and r["outside_codes"] == ["72.11", "46.46"]
    assert r["share"] == pytest.approx(100 * 4500 / 30000)
    assert r["share_incl_outside"] == pytest.approx(100 * (4500 + 800) / 30000)
    assert r["verdict"] == "lower"
    r6 = business.industrial_share_check(biz, cl, "core", area="MK06", year=2022, measure="personnel")
    assert r6["suppressed"] == ["72.11"] and math.isnan(r6["share_incl_outside"])


def test_share_check_cannot_be_computed_with_suppressed_numerator():
    muni = business.tidy_statfin(Snapshot(FIXTURE).load("statfin_alyr_establishments_vs_municipality"))
    r = business.industrial_share_check(muni, industry.load_codelist("life_science"), "core",
                                        area="KU304", year=2022, measure="turnover")
    assert r["verdict"] == "cannot be computed" and math.isnan(r["share"])
    assert "suppressed cells: 21, 26.6, 32.5, 72.11" in r["reason"]


def test_tol2_table_reports_missing_codes():
    jobs = business.tidy_statfin(Snapshot(FIXTURE).load("statfin_tyokay_jobs_industry_region"))
    rows, missing = business.cluster_rows(jobs, industry.load_codelist("life_science"), "core")
    assert set(rows["code"]) == {"21"} and missing == ["26.6", "32.5", "72.11"]


def test_dataset_for_and_year_window(biz):
    assert business.dataset_for(regions.resolve("MK06"))[0] == "establishments_industry_region"
    assert business.dataset_for(regions.resolve("KU304"))[0] == "establishments_industry_municipality"
    ds, note = business.dataset_for(regions.resolve("KU091"))
    assert ds is None and "Helsinki" in note and "Southwest Finland" in note
    assert business.dataset_for(regions.resolve("KU853"), "occupations")[0] is None
    assert business.year_window(biz, None, None) == (2019, 2022)
    with pytest.raises(ValueError, match="start_year=2015 is not in the pinned data; years available: \\[2019, 2022\\]"):
        business.year_window(biz, 2015, None)


# ----------------------------------------------------------------------------- real series (pinned snapshot)

def test_rd_one_release_uses_the_latest_release_per_year():
    rd = context.rd_one_release(Snapshot().load("rd_expenditure_subregion"))
    sss = rd[rd["region_code"] == "SSS"].set_index("year")
    assert sss.loc[2011, "value"] == 7163.8 and sss.loc[2011, "release_year"] == 2012  # not 7163.7 (2011 release)
    assert 2009 not in set(rd["year"])  # no release reports 2009; nothing is filled in
    s = context.rd_summary(rd, regions.resolve("MK02"), 2007, 2013)
    assert s["subregions"] == ["SK023", "SK022"]
    assert s["end"] == pytest.approx(378.3 + 257.1) and s["start"] == pytest.approx(350.5 + 264.3)
    assert context.rd_summary(rd, regions.resolve("KU853"), 2007, 2013)["end"] is None


def test_value_added_shares_never_chain_scopes():
    va = context.value_added_shares(Snapshot().load("manufacturing_value_added_region"))
    vs = va[va["region_code"] == "MK02"].set_index(["scope", "year"])
    assert vs.loc[("C", 2008), "release"] == "atoi_2009_tie_002"  # latest release for 2008
    assert vs.loc[("C", 2008), "share"] == pytest.approx(100 * 3662253 / 32059188)
    assert vs.loc[("BCDE", 2010), "share_published"] == 7.3
    published = vs["share_published"].dropna()
    assert (abs(vs.loc[published.index, "share"] - published) < 0.05).all()


def test_subregion_region_and_membership():
    assert context.subregion_region("SK171") == "17"
    with pytest.raises(ValueError, match="'MK02' is not a sub-region code"):
        context.subregion_region("MK02")
    assert context.subregions_of(["SSS", "SK011", "SK023"], regions.resolve("Uusimaa")) == ["SK011"]


def test_pick_value_and_markdown_table():
    df = pd.DataFrame({"year": [2019, 2022], "share": [1.25, float("nan")]})
    assert context.pick_value(df, year=2019, column="share") == 1.25
    assert context.pick_value(df, year=2022, column="share") is None
    assert context.pick_value(df, year=2000, column="share") is None
    with pytest.raises(ValueError, match="2 rows match"):
        context.pick_value(pd.concat([df, df]), year=2019, column="share")
    md = display.markdown_table(pd.DataFrame({"year": [2019], "n_x": [12345], "v": [float("nan")]}))
    assert "| 2019 | 12,345 | – |" in md and "n\\_x" in md


# ----------------------------------------------------------------------------- ICT helpers

def test_info_sector_summary_real_2008_values():
    info = Snapshot().load("information_sector_jobs_subregion_2008")
    s = context.info_sector_summary(info, regions.resolve("MK02"))
    assert s["share_by_subregion"] == {"SK022": 22.4, "SK023": 6.4}
    assert s["jobs"] == 6545 + 9145
    assert s["share"] == pytest.approx(100 * (6545 + 9145) / (29185 + 141954))
    assert context.info_sector_summary(info, regions.resolve("MK19"))["share"] == pytest.approx(100 * 1500 / 26158)
    assert context.info_sector_summary(info, regions.resolve("MK09"))["share"] is None  # not among the ten
    assert context.info_sector_summary(info, regions.resolve("KU853"))["jobs"] is None


def test_members_in_municipal_series():
    ict = Snapshot().load("ict_establishment_share_municipality_2016")
    assert list(context.members_in(ict, regions.resolve("MK02"))["region_code"]) == ["KU853", "KU734"]
    assert context.members_in(ict, regions.resolve("KU304")).empty
    assert len(context.members_in(ict, regions.country())) == 26  # SSS row excluded


def test_ict_occupation_table_on_the_fixture():
    occ = business.tidy_statfin(Snapshot(FIXTURE).load("statfin_tyokay_occupations_region_115s"))
    t = business.ict_occupation_table(occ, areas=["MK02"], reference="SSS", year=2022).set_index("industry")
    assert t.loc["ICT", "e_ir"] == 500 + 5000 + 1800  # 251/252 are inside 25 and are not added again
    assert t.loc["25", "lq"] == pytest.approx((5000 / 235000) / (80000 / 2600000))
