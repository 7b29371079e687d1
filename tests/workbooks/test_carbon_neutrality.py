"""helpers.workbooks.carbon_*: Turku's emissions, the required reduction to 2029, the CDP and
CO2-raportti rows, the heating mix of the building stock, and the two chart types of
helpers.plotting.stacked.

Hand-made inputs are marked HAND-MADE; real values are checked against the pinned CSV files
read independently here with pandas (dtype=str) — never through the module under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import downloads, params, plotting, regions
from helpers.plotting import alt
from helpers.snapshot import Snapshot
from helpers.workbooks import carbon_heating as heating
from helpers.workbooks import carbon_inventory as ci
from helpers.workbooks import carbon_neutrality as wb

ROOT = Path(__file__).resolve().parents[2]
SNAP_DIR = ROOT / "data" / "snapshot"
CLIMATE = SNAP_DIR / "climate"


@pytest.fixture(scope="module")
def snap():
    return Snapshot(SNAP_DIR)


@pytest.fixture(scope="module")
def raw_heat():
    f = pd.read_csv(CLIMATE / "buildings_floor_area_by_heating_fuel_2019.csv", dtype=str)
    f["m2"] = f["floor_area_m2"].astype(int)
    return f[f["building_type"] == "total"].pivot(index="area_code", columns="heating_fuel", values="m2")


@pytest.fixture(scope="module")
def heat_long(snap):
    return heating.floor_area_long(snap)


def _result(snap, **p):
    return wb.compute(params.validate("carbon_neutrality", p), snap)


@pytest.fixture(scope="module")
def turku(snap):
    return _result(snap)


# ----------------------------------------------------------------------------- required reduction


def test_required_reduction_hand_computed():
    r = ci.required_reduction(1000.0, 75, 9)
    assert r["target_level"] == 250.0
    assert r["linear_t_per_year"] == pytest.approx(750 / 9)
    assert r["linear_pct_of_base"] == pytest.approx(100 / 12)
    assert r["rate_pct_per_year"] == pytest.approx(100 * (1 - 0.25 ** (1 / 9)))
    # after 9 years at the constant rate the level is the target
    assert 1000 * (1 - r["rate_pct_per_year"] / 100) ** 9 == pytest.approx(250.0)


def test_required_reduction_for_turku_2020_to_2029():
    r = ci.required_reduction(601_638, 75, 2029 - 2020)
    assert r["target_level"] == 150_409.5  # 601 638 / 4
    assert r["linear_t_per_year"] == 50_136.5  # 451 228.5 / 9
    assert round(r["rate_pct_per_year"], 2) == 14.28  # 1 − 0.25^(1/9) = 0.14276
    assert round(math.log(0.25) / 9, 6) == -0.154033


@pytest.mark.parametrize("args", [(1000, 75, 0), (1000, 100, 9), (1000, 0, 9), (1000, -5, 9)])
def test_required_reduction_refuses_meaningless_inputs(args):
    with pytest.raises(ValueError):
        ci.required_reduction(*args)


def test_implied_cut_from_the_1990_statements():
    # 90 % below 1990, already 59 % below it in 2020: 10 / 41 of the 2020 level remains
    assert ci.implied_cut_from_base(90, 59) == pytest.approx(100 * (1 - 10 / 41))
    assert ci.implied_cut_from_base(50, 0) == pytest.approx(50)
    with pytest.raises(ValueError):
        ci.implied_cut_from_base(90, 100)


def test_targets_and_reduction_use_the_stated_values(snap):
    info = ci.targets_and_reduction(snap.load(ci.TARGETS), ci.inventory(snap))
    assert info["e2020"] == 601_638 and info["e2020_a14"] == 601_600
    assert float(info["cut_vs_2020"]["value"]) == 75 and info["cut_vs_2020"]["qualifier"] == "at least"
    assert float(info["cut_vs_1990"]["value"]) == 90
    assert float(info["per_capita_1990"]["value"]) == 7.8 and float(info["per_capita_2020"]["value"]) == 2.6
    assert info["reduction"]["linear_t_per_year"] == 50_136.5
    assert info["per_capita_change_1990_2020_pct"] == pytest.approx(100 * (2.6 - 7.8) / 7.8)
    assert info["per_capita_scenario_cut_pct"] == pytest.approx(100 * (2.6 - 0.6) / 2.6)


def test_statement_refuses_ambiguous_or_missing(snap):
    targets = snap.load(ci.TARGETS)
    with pytest.raises(ValueError, match="found 2"):
        ci.statement(targets, "total_emissions", 2020)  # Figure 3 and table
    with pytest.raises(ValueError, match="found 0"):
        ci.statement(targets, "emission_reduction_vs_2020", 2031)


# ----------------------------------------------------------------------------- inventory and

def _inv(rows):
    """HAND-MADE inventory rows: (sector_a14, sub_sector, scope, t_co2e, gwh)."""
    return pd.DataFrame([{"sector_a14": s, "sector": s.title(), "sub_sector": sub, "activity": "a", "scope": sc,
                          "t_co2e": float(t), "gwh": g} for s, sub, sc, t, g in rows])


def test_subsectors_sum_rank_share_and_missing_gwh():
    inv = _inv([("buildings", "Homes", 2, 300, 10.0), ("buildings", "Homes", 1, 100, 2.0),
                ("transport", "Road", 1, 500, 5.0), ("transport", "Air", 1, 150, np.nan),
                ("afolu", "Forest", 1, -50, np.nan)])
    s = ci.subsectors(inv).set_index("sub_sector")
    assert list(s.index) == ["Road", "Homes", "Air", "Forest"]
    assert s.loc["Homes", "t_co2e"] == 400 and s.loc["Homes", "gwh"] == 12 and s.loc["Homes", "activities"] == 2
    assert np.isnan(s.loc["Air", "gwh"])  # a missing GWh is never read as 0
    assert s.loc["Road", "share_pct"] == pytest.approx(100 * 500 / 1000)
    assert s["rank"].tolist() == [1, 2, 3, 4]


def test_sector_check_hand_made():
    inv = _inv([("buildings", "Homes", 2, 1_234, 1.0), ("buildings", "Homes", 1, 10_020, 1.0),
                ("transport", "Road", 1, 5_049, 1.0)])
    cells = []
    for sector in (*ci.SECTOR_ORDER, "total"):
        for col in ("scope1", "scope2", "scope3", "total"):
            cells.append((sector, col, np.nan))
    a14 = pd.DataFrame(cells, columns=["sector_id", "scope", "t_co2e"]).set_index(["sector_id", "scope"])
    a14.loc[("buildings", "scope1"), "t_co2e"] = 10_000   # 20 apart: agrees
    a14.loc[("buildings", "scope2"), "t_co2e"] = 1_300    # 66 apart: does not
    a14.loc[("buildings", "total"), "t_co2e"] = 11_300
    a14.loc[("transport", "scope1"), "t_co2e"] = 5_000    # 49 apart: agrees
    # transport total left empty although there are rows: does not agree
    c = ci.sector_check(inv, a14.reset_index()).set_index(["sector_id", "column"])
    assert c.loc[("buildings", "scope1"), "agrees"] and not c.loc[("buildings", "scope2"), "agrees"]
    assert c.loc[("buildings", "scope2"), "difference"] == -66
    assert c.loc[("transport", "scope1"), "agrees"]
    assert not c.loc[("transport", "total"), "agrees"]
    assert ("waste", "scope1") not in c.index  # neither rows nor a printed cell


def test_real_inventory_agrees_with_table_a14(snap):
    raw = pd.read_csv(CLIMATE / "turku_ghg_inventory_2020.csv", dtype=str)
    raw["t"] = raw["t_co2e"].astype(float)
    a14 = pd.read_csv(CLIMATE / "turku_ghg_sectors_2020.csv", dtype=str)
    printed = a14[a14["scope"] == "total"].set_index("sector_id")["t_co2e"].astype(float)
    by_sector = raw.groupby("sector_a14")["t"].sum()
    assert raw["t"].sum() == 601_638
    for sector, value in by_sector.items():
        assert abs(value - printed[sector]) <= 50
    c = ci.sector_check(ci.inventory(snap), snap.load(ci.SECTORS))
    assert c["agrees"].all() and len(c) == 14
    assert c.set_index(["sector_id", "column"]).loc[("buildings", "scope2"), "rows_sum"] == 234_928


def test_real_top_subsectors(snap):
    raw = pd.read_csv(CLIMATE / "turku_ghg_inventory_2020.csv", dtype=str)
    raw["t"] = raw["t_co2e"].astype(float)
    top = raw.groupby("sub_sector")["t"].sum().sort_values(ascending=False).head(3)
    s = ci.subsectors(ci.inventory(snap)).head(3)
    assert s["sub_sector"].tolist() == top.index.tolist() == [
        "On-road", "Residential buildings", "Industrial buildings & facilities"]
    assert s["t_co2e"].tolist() == top.tolist() == [158_413, 138_788, 106_180]


# ----------------------------------------------------------------------------- CDP and CO2-raportti


def test_cdp_rows_as_reported_and_never_summed(snap, turku):
    raw = pd.read_csv(CLIMATE / "cdp_city_emissions_reported.csv", dtype=str)
    t = raw[raw["municipality_code"] == "853"]
    rows = turku.cdp_turku
    assert len(rows) == len(t) == 15
    assert sorted(rows["value"].tolist()) == sorted(t["value"].astype(float).tolist())
    assert rows["report_year"].is_monotonic_increasing
    fig = wb.cdp_chart(turku)
    data = downloads.attached(fig)
    assert data["csv"].count("\n") == 16  # header + one bar per reported cell, nothing added
    assert "1107500" in data["csv"].replace(".0", "") and "questionnaire" in alt.alt_text(fig)


def test_method_periods_group_identical_consecutive_texts():
    rows = pd.DataFrame({"report_year": [2016, 2016, 2017, 2018, 2019],  # HAND-MADE
                         "protocol": ["P", "P", "P", "Q", "P"], "protocol_comment": ["a", "a", "a", "a", "a"]})
    periods = ci.method_periods(rows)
    assert [p["years"] for p in periods] == [[2016, 2017], [2018], [2019]]


def test_real_method_periods_mark_the_changes(turku):
    periods = ci.method_periods(turku.cdp_turku)
    assert [p["years"] for p in periods] == [[2016, 2017, 2018], [2019], [2020], [2021]]
    assert "ALas" in periods[2]["comment"] and periods[3]["protocol"].startswith("Global Protocol")


def test_co2raportti_shares_of_the_printed_total(snap):
    raw = pd.read_csv(CLIMATE / "co2raportti_2017.csv", dtype=str)
    p = raw[raw["municipality_code"] == "577"].set_index("sector_id")["value"].astype(float)
    rows = ci.co2raportti_rows(snap.load(ci.CO2RAPORTTI), "577").set_index("sector_id")
    assert rows.loc["road_transport", "share_of_total_pct"] == pytest.approx(100 * 41.9 / 71.7)
    assert np.isnan(rows.loc["total", "share_of_total_pct"]) and rows.loc["total", "value"] == p["total"]
    assert list(rows.index[-2:]) == ["total", "per_capita"]
    assert ci.co2raportti_rows(snap.load(ci.CO2RAPORTTI), "445").empty  # Parainen: no report


# ----------------------------------------------------------------------------- heating mix


def test_mix_shares_keep_other_unknown_in_the_total():
    fuels = dict(zip(heating.FUELS, [50, 20, 10, 5, 5, 0, 10]))  # HAND-MADE, total 100
    long = pd.DataFrame([{"code": "x", "heating_fuel": f, "building_type": "total", "floor_area_m2": v}
                         for f, v in {**fuels, "total": 100}.items()]
                        + [{"code": "x", "heating_fuel": "total", "building_type": "office", "floor_area_m2": 7}])
    m = heating.mix(long, ["code"]).loc["x"]
    assert m["total_m2"] == 100 and m["district_heat_pct"] == 50 and m["other_unknown_pct"] == 10
    assert m["coal_pct"] == 0  # a published zero stays zero
    assert sum(m[f"{f}_pct"] for f in heating.FUELS) == pytest.approx(100)


def test_units_add_up_to_the_published_country_row(heat_long, raw_heat):
    units, country = heat_long
    munis = raw_heat.drop(index="SSS")
    assert len(munis) == 310
    assert (munis.sum() == raw_heat.loc["SSS"]).all()  # independent: Σ 310 municipalities = KOKO MAA
    got = units[units["building_type"] == "total"].groupby("heating_fuel")["floor_area_m2"].sum()
    assert (got[raw_heat.columns] == raw_heat.loc["SSS"]).all()
    assert units["code"].nunique() == 309 and "099" not in set(units["code"])


def test_kankaanpaa_includes_honkajoki_and_pertunmaa_stays_in_etela_savo(heat_long, raw_heat):
    um = heating.unit_mix(heat_long[0]).set_index("code")
    assert um.loc["214", "total_m2"] == raw_heat.loc["214", "total"] + raw_heat.loc["099", "total"]
    assert um.loc["588", "region_code"] == "10" and um.loc["588", "unit_kind"] == "historical"


def test_turku_and_country_shares(heat_long, raw_heat):
    units, country = heat_long
    t = heating.area_mix(regions.resolve("Turku"), units, country)
    assert t["total_m2"] == 16_128_906 == raw_heat.loc["853", "total"]
    assert t["district_heat_pct"] == pytest.approx(100 * 10_883_696 / 16_128_906)
    assert t["oil_gas_pct"] == pytest.approx(100 * 2_338_907 / 16_128_906)
    c = heating.area_mix(regions.country(), units, country)
    assert c["district_heat_pct"] == pytest.approx(100 * 233_224_555 / 494_625_956)


def test_varsinais_suomi_is_the_sum_of_its_27_municipalities(heat_long, raw_heat):
    c26 = pd.read_csv(SNAP_DIR / "area_classification_2026.csv", dtype=str)
    members = c26.loc[c26["maakunta"] == "02", "kunta"]
    assert len(members) == 27
    want = raw_heat.loc[members].sum()
    got = heating.area_mix(regions.resolve("MK02"), *heat_long)
    assert got["total_m2"] == want["total"] == 43_649_265
    assert got["district_heat_pct"] == pytest.approx(100 * want["district_heat"] / want["total"])
    assert got["oil_gas_pct"] == pytest.approx(100 * want["oil_gas"] / want["total"])


def test_region_table_covers_19_regions_summing_to_the_country(heat_long, raw_heat):
    rm = heating.region_mix(heat_long[0])
    assert len(rm) == 19 and rm["total_m2"].sum() == raw_heat.loc["SSS", "total"]
    assert rm.loc["01", "rank_district_heat"] == 1


def test_moved_2021_matches_the_two_pinned_classifications():
    p19 = pd.read_csv(SNAP_DIR / "population_municipality_2019.csv", dtype=str).set_index("kunta")["maakunta"]
    c26 = pd.read_csv(SNAP_DIR / "area_classification_2026.csv", dtype=str).set_index("kunta")["maakunta"]
    both = p19.index.intersection(c26.index)
    moved = {k: (p19[k], c26[k]) for k in both if p19[k] != c26[k]}
    assert moved == heating.MOVED_2021


# ----------------------------------------------------------------------------- the workbook result


def test_turku_result_figures(turku):
    f = turku.figures
    assert f["turku_emissions_2020_t"] == 601_638 and f["turku_per_capita_2020_t"] == 2.6
    assert f["required_reduction_t_per_year"] == 50_137  # 50 136.5 rounded half up
    assert f["required_reduction_pct_per_year"] == 14.28 and f["target_level_2029_t"] == 150_410
    assert f["district_heat_share_pct"] == round(100 * 10_883_696 / 16_128_906, 2)
    assert f["turku_top_subsectors"][0] == "On-road"
    assert f["area_has_emissions_inventory"] is True
    assert [s.name for s in turku.headline] == [s.name for s in wb.HEADLINE]


def test_comparison_rows_once_each_in_order(snap, heat_long):
    units, country = heat_long
    rows = wb.comparison_rows(regions.resolve("Paimio"), regions.resolve("MK01"), units, country)
    assert rows["area_code"].tolist() == ["KU577", "MK02", "MK01", "KU853", "SSS"]
    rows = wb.comparison_rows(regions.resolve("MK02"), regions.resolve("MK02"), units, country)
    assert rows["area_code"].tolist() == ["MK02", "KU853", "SSS"]
    rows = wb.comparison_rows(regions.resolve("Turku"), regions.country(), units, country)
    assert rows["area_code"].tolist() == ["KU853", "MK02", "SSS"]
    # names as readers of the run's language read them (English here), the country in words
    assert rows["name"].tolist() == ["Turku", "Southwest Finland", "Whole country"]
    assert rows["in_sentence"].tolist()[-1] == "the whole country"


def test_other_area_says_it_has_no_inventory_and_shows_its_own_extras(snap):
    paimio = _result(snap, area="Paimio")
    note = wb.area_note(paimio).data
    assert "no greenhouse-gas emissions inventory for Paimio" in note and "Syke" in note
    assert "Kuntien ja alueiden kasvihuonekaasupäästöt" in note and "CO2-raportti" in note
    assert paimio.figures["area_has_emissions_inventory"] is False
    assert paimio.figures["turku_emissions_2020_t"] == 601_638  # Turku stays the reference
    helsinki = _result(snap, area="Helsinki")
    assert helsinki.cdp_area is not None and wb.cdp_area_table(helsinki) is not None
    assert wb.cdp_area_table(paimio) is None and wb.co2raportti_area_table(_result(snap, area="Pargas")) is None


def test_compute_refuses_the_whole_country_as_area(snap):
    with pytest.raises(ValueError, match="municipality or a region"):
        wb.compute({"area": regions.country(), "compare_to": regions.country()}, snap)


# ----------------------------------------------------------------------------- helpers.plotting.stacked

SHARES = pd.DataFrame({"A": [60.0, 30.0], "B": [40.0, 70.0]}, index=["Åbo", "Koko maa"])  # HAND-MADE


def test_stacked_bar_chart_legend_alt_and_data():
    fig = plotting.stacked_bar_chart(SHARES, title="T", source="Source: hand-made", value_label="Share",
                                     highlight="Åbo")
    assert isinstance(fig, Figure)
    legend = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert legend == ["A", "B"]
    text = alt.alt_text(fig)
    assert text.startswith("Stacked bar chart: T.") and "Åbo (highlighted): A 60.0 %" in text
    assert downloads.attached(fig)["csv"].splitlines()[0] == "label,A,B"


@pytest.mark.parametrize("frame, match", [
    (SHARES.assign(B=[40.0, 60.0]), "adding up to 100"),
    (SHARES.assign(B=[40.0, np.nan]), "missing"),
    (SHARES.assign(A=[110.0, 30.0], B=[-10.0, 70.0]), "negative"),
])
def test_stacked_bar_chart_refuses_bad_shares(frame, match):
    with pytest.raises(ValueError, match=match):
        plotting.stacked_bar_chart(frame, title="T", source="S", value_label="Share")


def test_category_bar_chart_colours_by_group_and_refuses_mismatches():
    values = pd.Series([5.0, 3.0, -1.0], index=["a", "b", "c"])  # HAND-MADE
    groups = pd.Series(["G1", "G2", "G1"], index=values.index)
    fig = plotting.category_bar_chart(values, groups, title="T", source="S", value_label="V", group_label="group")
    assert [t.get_text() for leg in fig.legends for t in leg.get_texts()] == ["G1", "G2"]
    assert "G1 (2), G2 (1)" in alt.alt_text(fig)
    with pytest.raises(ValueError, match="same labels"):
        plotting.category_bar_chart(values, groups.iloc[:2], title="T", source="S", value_label="V")
    with pytest.raises(ValueError, match="missing"):
        plotting.category_bar_chart(values.where(values > 0), groups, title="T", source="S", value_label="V")


def test_cdp_note_example_is_like_for_like(turku):
    from helpers.workbooks import carbon_emission_sections as sections

    note = sections._cdp_note(turku.cdp_turku)
    # the manifest's own example: Turku's 2015 scope 2 in the 2017 and the 2019 questionnaire
    assert "472,400 t in the 2017 questionnaire, 656,354 t in the 2019 one" in note
    split = pd.DataFrame({  # HAND-MADE: one scope split into two columns in both questionnaires
        "report_year": [2020, 2020, 2021, 2021], "accounting_year": [2019] * 4, "scope": ["scope1"] * 4,
        "value": [824.0, 3233.0, 824.0, 3233.0]})
    assert "The same accounting year" not in sections._cdp_note(split)


def test_target_definition_quotes_and_derives(turku):
    text = wb.target_definition(turku).data
    assert "“By 2029, emissions will be reduced by at least 90 per cent compared to the level in 1990.”" in text
    assert "90 % below 1990 is 75.6 % below 2020" in text and "compensated" in text


@pytest.mark.parametrize("lang, names, country", [
    ("fi", ["Turku", "Varsinais-Suomi", "Parainen"], ("Koko maa", "koko maa")),
    ("sv", ["Åbo", "Egentliga Finland", "Pargas"], ("Hela landet", "hela landet")),
    ("en", ["Turku", "Southwest Finland", "Parainen"], ("Whole country", "the whole country")),
])
def test_reader_names_follow_the_language(lang, names, country):
    from helpers.workbooks import areas

    got = [areas.reader_name(regions.resolve(a), lang=lang) for a in ("KU853", "MK02", "KU445")]
    assert got == names
    whole = regions.country()
    assert (areas.reader_name(whole, lang=lang), areas.reader_name(whole, in_sentence=True, lang=lang)) == country


@pytest.mark.parametrize("lang", ["sv", "fi", "en"])
def test_labels_as_printed_are_marked_with_their_language(snap, lang):
    """The 2020 inventory prints its sub-sectors and activities in English ("Carbon sinks of
    forests") and CO2-raportti its sectors in Finnish ("Rakennusten lämmityksen päästöt"):
    kept as printed, and marked lang="…" on a page in another language (WCAG 2.1, 3.1.2)."""
    from helpers import i18n
    from helpers.workbooks import carbon_emission_sections as sections

    with i18n.using(lang):
        res = _result(snap, lang=lang)
        inventory = sections.inventory_table(res).data
        co2 = sections.co2raportti_table(res).data
    english = '<span lang="en">Carbon sinks of forests</span>'
    finnish = '<span lang="fi">Rakennusten lämmityksen päästöt</span>'
    assert (english in inventory) == (lang != "en") and "Carbon sinks of forests" in inventory
    assert '<span lang="en">Municipal level data not available. (\\*)</span>' in inventory or lang == "en"
    assert (finnish in co2) == (lang != "fi") and "Rakennusten lämmityksen päästöt" in co2
    assert ('<span lang="en">heating of buildings</span>' in co2) == (lang != "en")
