"""exclusion_prevention: the 2019 Sotkanet indicators, ranks and medians, the composite index
and its sensitivity (recomputed here from the pinned CSV files with plain pandas/numpy), the
TEM monthly series and the 1995-2011 series (real values), the 2016 youth context, Sotkanet
shaping (hand-made frames) and the optional live section on the HAND-MADE fixture."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import catalog, downloads, regions
from helpers.snapshot import Snapshot
from helpers.workbooks import exclusion_2019 as x19
from helpers.workbooks import exclusion_prevention, exclusion_series, exclusion_youth, indicators

ROOT = Path(__file__).resolve().parents[2]
SNAP = ROOT / "data" / "snapshot"
FIXTURE = ROOT / "tests" / "fixtures" / "snapshot_exclusion"
CORE = ["181", "3562", "5", "1275", "3099"]


@pytest.fixture(scope="module")
def snap():
    return Snapshot(SNAP)


@pytest.fixture(scope="module")
def table(snap):
    return x19.municipal_table(snap)


@pytest.fixture(scope="module")
def raw():
    """The 2019 download as text, pivoted by hand: municipality x indicator."""
    d = pd.read_csv(SNAP / "exclusion" / "sotkanet_municipal_2019.csv", dtype=str)
    d["value"] = pd.to_numeric(d["value"])
    return d.pivot(index="area_code", columns="indicator", values="value")


@pytest.fixture(scope="module")
def region_of():
    c26 = pd.read_csv(SNAP / "area_classification_2026.csv", dtype=str)
    return dict(zip(c26["kunta"], c26["maakunta"]))


def hand_index(w: pd.DataFrame, cols, need: int) -> pd.Series:
    """Composite index by hand: z = (x - mean) / population sd over the municipalities with a
    value, mean of the available z-scores, NaN with fewer than ``need``."""
    z = pd.DataFrame({c: (w[c] - w[c].mean()) / w[c].std(ddof=0) for c in cols})
    return z.mean(axis=1).where(z.notna().sum(axis=1) >= need)


# ----------------------------------------------------------------------------- 2019 indicators


def test_municipal_table_codes_values_and_suppression(table, raw):
    assert len(table) == 308 and table.index.is_unique
    assert all(isinstance(c, str) and len(c) == 3 and c.isdigit() for c in table.index)
    assert table.loc["853", "181"] == 11.2 == raw.loc["853", "181"]
    assert table.loc["853", "name"] == "Turku" and table.loc["445", "name_sv"] == "Pargas"
    # Aura has no row for 1275 in the download: missing, never 0
    assert "019" not in raw["1275"].dropna().index and np.isnan(table.loc["019", "1275"])
    assert int(table["1275"].notna().sum()) == 143 and int(table["181"].notna().sum()) == 303
    assert (table[CORE].fillna(-1) == 0).sum().sum() == int((raw[CORE] == 0).sum().sum())  # only published zeros


def test_ranks_are_one_for_the_highest_value(table, raw, region_of):
    nat = x19.national_ranks(table)
    v = raw["181"].dropna()
    assert nat.loc["853", "181"] == int((v > v["853"]).sum()) + 1 == 51
    assert nat.loc[v.idxmax(), "181"] == 1
    reg = x19.region_ranks(table)
    vs = v[[c for c in v.index if region_of[c] == "02"]]
    assert reg.loc["853", "181"] == 1 and reg.loc["304", "181"] == int((vs > vs["304"]).sum()) + 1
    assert pd.isna(nat.loc["019", "1275"]) and pd.isna(reg.loc["019", "1275"])


def test_area_profile_municipality_and_region(table, raw, region_of):
    t = x19.area_profile(table, "Turku").set_index("Indicator")
    row = t.loc["Unemployed, % of the labour force"]
    vs = [c for c in raw.index if region_of[c] == "02"]
    assert row["Value"] == 11.2 and row["Rank in Finland"] == 51 and row["Municipalities ranked"] == 303
    assert row["Median, Southwest Finland"] == raw.loc[vs, "181"].median() == 6.2
    assert row["Median, all municipalities"] == raw["181"].median()
    r = x19.area_profile(table, "MK02", "MK19").set_index("Indicator").loc["Income support recipients aged 25–64, "
                                                                             "% of the age group"]
    meds = raw["5"].groupby(pd.Series(region_of)).median()
    assert r["Median of its municipalities"] == meds["02"]
    assert r["Rank of the median among the 19 regions"] == int((meds > meds["02"]).sum()) + 1
    assert r["Median, Lapland"] == meds["19"]
    assert (r["Lowest"], r["Highest"]) == (raw.loc[vs, "5"].min(), raw.loc[vs, "5"].max())


def test_measures_and_composite_are_exclusion_indicators_only():
    assert list(x19.COMPOSITE) == CORE
    context = {"182", "761", "3126", "304", "179", "3195", "2343"}   # dependency, Gini, divorces, ...
    assert not context & set(x19.COMPOSITE) and not context & {m.id for m in x19.MEASURES}


# ----------------------------------------------------------------------------- composite index


def test_composite_index_recomputed_by_hand(table, raw):
    comp = x19.composite(table)
    by_hand = hand_index(raw, CORE, 3).reindex(comp.table.index)
    pd.testing.assert_series_equal(comp.table["composite_index"], by_hand, check_names=False, atol=1e-12)
    t = comp.table
    assert comp.ranked == 302 == int(by_hand.notna().sum())
    assert sorted(comp.without_index.index) == ["035", "062", "295", "318", "438", "766"]
    assert t.loc["304", "n_indicators"] == 3 and not np.isnan(t.loc["304", "composite_index"])  # Kustavi: 3 of 5
    assert t.loc[t["composite_index"].idxmax(), "rank"] == 1 and t["rank"].max() == 302
    vs = t[t["region_code"] == "02"]
    assert vs.loc["853", "rank_in_region"] == 1 == int((vs["composite_index"] > vs.loc["853", "composite_index"]).sum()) + 1
    z = (raw["181"] - raw["181"].mean()) / raw["181"].std(ddof=0)
    assert t.loc["853", "z_181"] == pytest.approx(z["853"])


def test_download_frame_columns_codes_and_ranks(table):
    comp = x19.composite(table)
    d = x19.download_frame(comp)
    assert list(d.columns) == ["area_code", "area_name", "composite_index", "rank"]
    assert len(d) == 308 and d["area_code"].is_unique
    assert d["area_code"].map(lambda c: isinstance(c, str) and len(c) == 3 and c.isdigit()).all()
    assert d.loc[d["rank"] == 1, "composite_index"].iloc[0] == d["composite_index"].max()
    empty = d[d["composite_index"].isna()]
    assert len(empty) == 6 and empty["rank"].isna().all()
    # as the CSV beside the report: codes stay text ("035"), missing cells empty
    p = downloads.payload("composite_index", d, title="t")
    back = pd.read_csv(io.StringIO(p["csv"]), dtype=str, keep_default_na=False)
    assert back.loc[back["area_code"] == "035", ["composite_index", "rank"]].iloc[0].tolist() == ["", ""]
    assert {c["name"]: c["type"] for c in p["columns"]}["area_code"] == "string"


def test_sensitivity_recomputed_by_hand(table, raw):
    sens = x19.sensitivity(table, area_code="853").set_index("left_out")
    full = hand_index(raw, CORE, 3)
    alt = hand_index(raw, [c for c in CORE if c != "1275"], 3)
    both = full.notna() & alt.notna()
    rf = full[both].rank(ascending=False, method="min")
    ra = alt[both].rank(ascending=False, method="min")
    row = sens.loc["1275"]
    assert row["municipalities"] == int(both.sum())
    assert row["spearman"] == round(float(np.corrcoef(full[both].rank(), alt[both].rank())[0, 1]), 3)
    assert row["median_abs_rank_change"] == float((rf - ra).abs().median())
    assert row["max_abs_rank_change"] == int((rf - ra).abs().max())
    assert row["top_kept"] == len(set(rf[rf <= 20].index) & set(ra[ra <= 20].index))
    assert row["area_rank_full"] == int((full > full["853"]).sum()) + 1
    assert row["area_rank"] == int((alt > alt["853"]).sum()) + 1
    assert list(sens.index) == CORE and (sens["spearman"] < 1).all()


def test_method_note_states_the_method(table, raw):
    comp = x19.composite(table)
    note = x19.method_note(comp, table)
    for phrase in ("z-score", "equal weights", "never counted as 0", "at least **3 of the 5 indicators**",
                   "302 of 308", "Sottunga (766)", "housing allowance"):
        assert phrase in note
    both = raw[["2320", "3099"]].dropna()
    rho = np.corrcoef(both["2320"].rank(), both["3099"].rank())[0, 1]
    assert f"only {rho:.2f}" in note
    with pytest.raises(ValueError, match="min_indicators"):
        x19.composite(table, CORE, 6)


def test_area_summary_region_and_municipality(table, raw, region_of):
    comp = x19.composite(table)
    idx = hand_index(raw, CORE, 3)
    s = x19.area_summary(comp, "MK02")
    reg = pd.Series(region_of).reindex(idx.index)
    means = idx.groupby(reg).mean()
    assert s["composite_index_mean_of_municipalities"] == round(means["02"], 3)
    assert s["composite_mean_rank_among_regions"] == int((means > means["02"]).sum()) + 1
    ranks = idx.rank(ascending=False, method="min")
    vs = [c for c in idx.index if region_of[c] == "02"]
    top = int((ranks[vs] <= 302 // 4).sum())
    assert s["composite_top_quarter_municipalities"] == top
    assert s["composite_top_quarter_share_pct"] == round(100 * top / 27, 1)
    t = x19.area_summary(comp, "Åbo")
    assert t["composite_index"] == round(idx["853"], 3) and t["composite_rank"] == int(ranks["853"])


# ----------------------------------------------------------------------------- series


@pytest.fixture(scope="module")
def tem(snap):
    return exclusion_series.monthly(snap)


def test_monthly_rate_is_derived_from_the_counts(tem):
    raw = pd.read_csv(SNAP / "exclusion" / "tem_jobseekers_monthly_2006_2023.csv", dtype=str)
    r = raw[(raw["area_code"] == "MK02") & (raw["month"] == "2023-10")].iloc[0]
    last = exclusion_series.latest(tem, "MK02")
    assert last == {"month": "2023-10", "unemployed": int(r["unemployed"]), "labour_force": int(r["labour_force"]),
                    "rate_pct": round(100 * int(r["unemployed"]) / int(r["labour_force"]), 1)}
    t19 = raw[(raw["area_code"] == "KU853") & raw["month"].str.startswith("2019")]
    expect = 100 * t19["unemployed"].astype(int).mean() / int(t19["labour_force"].iloc[0])
    assert exclusion_series.year_mean_rate(tem, "Turku", 2019) == round(expect, 1)
    y = exclusion_series.yearly(tem, [regions.resolve("KU853")]).set_index("Year")
    assert y.loc[2023, "Months"] == 10 and y.loc[2019, "Unemployment rate %, derived: Turku"] == pytest.approx(expect)


def test_monthly_areas_outside_varsinais_suomi(tem):
    shown, absent = exclusion_series.monthly_areas(tem, "Helsinki", "SSS")
    assert [a.code for a in shown] == ["SSS"] and [a.code for a in absent] == ["091", "01"]
    shown, absent = exclusion_series.monthly_areas(tem, "Pargas", "MK02")
    assert [a.statfin_code for a in shown] == ["KU445", "MK02", "SSS"] and not absent


def test_long_series_2013_division(snap):
    rows = exclusion_series.long_series(snap)
    raw = pd.read_csv(SNAP / "exclusion" / "sotkanet_municipal_1990_2012.csv", dtype=str)
    raw = raw[raw["indicator"] == "3219"]
    w = exclusion_series.long_wide(rows, exclusion_series.long_areas("Turku", "MK19"))
    assert list(w.columns) == ["Turku", "Southwest Finland", "Lapland"]
    t = raw[(raw["area_kind"] == "municipality") & (raw["area_code"] == "853") & (raw["year"] == "2011")]
    assert w.loc[2011, "Turku"] == float(t["value"].iloc[0]) and w.index.max() == 2011
    assert "Tarvasjoki (838)" in " ".join(exclusion_series.division_notes(rows, "MK02"))
    notes = " ".join(exclusion_series.division_notes(rows, "MK07"))
    assert "does not include Iitti" in notes and "Nastola (532)" in notes
    assert set(raw["area_kind"]) == {"municipality", "subregion", "region"}          # no whole country


# ----------------------------------------------------------------------------- youth 2016 (context)


@pytest.fixture(scope="module")
def rates(snap):
    return exclusion_youth.youth_rates(snap)


def test_youth_rates_varsinais_suomi_real_values(rates):
    vs = rates.loc["02"]
    assert vs["population_18_24"] == 41_038
    assert (vs["unemployed"], vs["other_outside_labour_force"]) == (4_113, 2_551)
    assert vs["unemployment_rate_pct"] == 16.8
    assert vs["outside_work_study_pct"] == pytest.approx(100 * (4_113 + 2_551) / 41_038)
    assert rates.loc["SSS", "outside_work_study_pct"] == pytest.approx(100 * (48_176 + 30_872) / 455_977)


def test_youth_ranks_summary_and_regions(rates, snap):
    raw = pd.read_csv(SNAP / "youth_main_activity_region_2016.csv", dtype=str)
    raw = raw[raw["maakunta"] != "SSS"]
    w = raw.pivot(index="maakunta", columns="measure", values="value").astype(float)
    ows = (w["tyottomat"] + w["muut_tyovoiman_ulkopuolella"]) / w["vaesto_18_24"]
    for code in ("02", "08", "21"):
        assert rates.loc[code, "rank_outside_work_study"] == int((ows > ows[code]).sum()) + 1
    assert exclusion_youth.youth_summary(rates, "02", "SSS")["youth_outside_work_study_2016_pct"] == 16.24
    with pytest.raises(ValueError, match="'99' is not in the 2016 youth table"):
        exclusion_youth.youth_summary(rates, "99")
    code, note = exclusion_youth.youth_region("Iitti", snap)
    assert code == "08" and "moved to Päijät-Häme (MK07) on 1.1.2021" in note
    shown = exclusion_youth.youth_display(rates, ["02", "SSS", "SSS"])
    assert len(shown) == 2 and shown["Population aged 18–24"].tolist() == [41_038, 455_977]


# ----------------------------------------------------------------------------- live Sotkanet (shaping, fixture)


def _hand_made_data_with_regions():
    """HAND-MADE frame in the data_with_regions layout (values made up)."""
    return pd.DataFrame({
        "indicator": [1, 1, 1, 1, 1],
        "region": [389, 489, 658, 978, 999],
        "year": [2020] * 5,
        "gender": ["total"] * 5,
        "value": [3.5, 2.0, 1.5, 9.9, np.nan],
        "abs_value": [10.0, np.nan, np.nan, np.nan, np.nan],
        "region_code": ["853", "2", None, "5", "19"],
        "region_category": ["KUNTA", "MAAKUNTA", "MAA", "HYVINVOINTIALUE", "KUNTA"],
        "region_name": ["Turku", "Varsinais-Suomi", "Koko maa", "VS hyvinvointialue", "Aura"],
    })


def test_shape_sotkanet_maps_official_codes():
    out = indicators.shape_sotkanet(_hand_made_data_with_regions())
    got = {(k, c): v for k, c, v in zip(out["area_kind"], out["area_code"], out["value"])}
    assert got[("municipality", "853")] == 3.5 and got[("region", "02")] == 2.0
    assert got[("country", "SSS")] == 1.5 and got[("wellbeing_county", "5")] == 9.9
    assert np.isnan(got[("municipality", "019")])


def test_shape_sotkanet_with_regions_frame():
    full = _hand_made_data_with_regions()
    bare = full[["indicator", "region", "year", "gender", "value", "abs_value"]]
    regs = full[["region", "region_code", "region_category", "region_name"]].rename(
        columns={"region_code": "code", "region_category": "category", "region_name": "title_fi"})
    pd.testing.assert_frame_equal(indicators.shape_sotkanet(bare, regs), indicators.shape_sotkanet(full))
    with pytest.raises(ValueError, match="pass regions_frame"):
        indicators.shape_sotkanet(bare)
    with pytest.raises(ValueError, match=r"without a /regions entry: \[999\]"):
        indicators.shape_sotkanet(bare, regs[regs["region"] != 999])


def test_indicator_set_is_in_the_catalog():
    listed = {d.name for d in catalog.datasets(source="sotkanet", workbook="exclusion_prevention")}
    assert {i.dataset for i in indicators.INDICATORS} <= listed


def test_fixture_is_labelled_hand_made():
    snap = Snapshot(FIXTURE)
    for name in ("sotkanet_neet_17_24", "sotkanet_long_term_unemployed",
                 "sotkanet_social_assistance_18_24_long_term"):
        entry = snap.resource(name)
        assert "HAND-MADE" in entry["title"] and "HAND-MADE" in entry["attribution"]


def test_live_section_on_hand_made_fixture():
    fx = Snapshot(FIXTURE)
    loaded, missing = indicators.load_indicators(fx)
    assert sorted(loaded) == ["sotkanet_long_term_unemployed", "sotkanet_neet_17_24",
                              "sotkanet_social_assistance_18_24_long_term"]
    note = indicators.missing_indicators_note(missing)
    assert note.startswith("**Not in this snapshot:** 7 of the 10") and "youth unemployment (18–24)" in note
    mv = indicators.municipal_values(loaded["sotkanet_social_assistance_18_24_long_term"], 2023)
    assert mv.loc[mv["region_code"] == "02", "value"].isna().sum() == 8      # 7 absent rows + Kustavi's empty value
    figs = exclusion_prevention.newer_years_charts(loaded, regions.resolve("Turku"), regions.resolve("SSS"), fx)
    assert len(figs) == 3
    data = downloads.attached(figs[0])
    back = pd.read_csv(io.StringIO(data["csv"]))
    assert list(back.columns) == ["year", "Turku", "Southwest Finland", "Whole country"]
    raw = pd.read_csv(FIXTURE / f"{next(iter(loaded))}.csv", dtype=str)
    r = raw[(raw["region_code"] == "853") & (raw["year"] == "2021")]
    assert back.set_index("year").loc[2021, "Turku"] == float(r["value"].iloc[0])


@pytest.mark.parametrize("area", ["MK02", "Åbo", "Sottunga"])
def test_every_key_figure_has_a_readers_label(area):
    from helpers import params
    from helpers.notebook import RecordingSnapshot

    res = exclusion_prevention.compute(params.validate("exclusion_prevention", {"area": area}), RecordingSnapshot())
    named = {s.name for s in res.headline} | {s.name for s in res.labels}
    assert set(res.figures) == named
    assert all("_" not in s.label for s in res.labels)
    if area == "Sottunga":                                   # 1 of 5 indicators published: no index, never 0
        assert res.figures["composite_index"] is None and res.figures["composite_indicators_used"] == 1


@pytest.mark.parametrize("lang, unemployed, index", [("sv", "4,9 %", "−1,08"), ("fi", "4,9 %", "−1,08"),
                                                      ("en", "4.9 %", "−1.08")])
def test_the_summary_writes_its_numbers_as_the_reports_language_does(snap, lang, unemployed, index):
    """Pargas (KU445), 2019: unemployed 4.9 % of the labour force, composite index −1.08
    (the committed snapshot's values); a decimal comma in Finnish and Swedish."""
    from helpers import i18n, params

    with i18n.using(lang):
        res = exclusion_prevention.compute(params.validate("exclusion_prevention", {"area": "KU445", "lang": lang}),
                                           snap)
        text = exclusion_prevention.summary(res).data
    assert f":** {unemployed}\n" in text and f":** {index}\n" in text


@pytest.mark.parametrize("lang", ["en", "sv", "fi"])
def test_sotkanets_finnish_titles_are_marked_finnish_on_other_pages(snap, lang):
    """Indicator 181's title in Sotkanet, "Työttömät, % työvoimasta", by the Ministry of
    Economic Affairs and Employment (WCAG 2.1, 3.1.2 Language of Parts)."""
    from helpers import i18n, params

    with i18n.using(lang):
        res = exclusion_prevention.compute(params.validate("exclusion_prevention", {"lang": lang}), snap)
        text = exclusion_prevention.indicator_list(res).data
    if lang == "fi":
        assert "| Työttömät, % työvoimasta | Työ- ja elinkeinoministeriö (TEM) |" in text and "lang=" not in text
    else:
        assert ('| <span lang="fi">Työttömät, % työvoimasta</span> | '
                '<span lang="fi">Työ- ja elinkeinoministeriö (TEM)</span> |') in text
