"""helpers.exclusion: 2016 youth rates (real values), Sotkanet shaping (hand-made frames),
suppression kept as missing, composite index, fixture snapshot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import catalog, regions
from helpers.workbooks import exclusion_prevention, geometry, indicators
from helpers.snapshot import Snapshot

ROOT = Path(__file__).resolve().parents[2]
SNAP = ROOT / "data" / "snapshot"
FIXTURE = ROOT / "tests" / "fixtures" / "snapshot_exclusion"


@pytest.fixture(scope="module")
def snap():
    return Snapshot(SNAP)


@pytest.fixture(scope="module")
def rates(snap):
    return exclusion_prevention.youth_rates(snap)


# ----------------------------------------------------------------------------- youth 2016


def test_youth_rates_varsinais_suomi_real_values(rates):
    vs = rates.loc["02"]
    assert vs["population_18_24"] == 41_038
    assert (vs["unemployed"], vs["other_outside_labour_force"]) == (4_113, 2_551)
    assert vs["unemployment_rate_pct"] == 16.8                       # published
    assert vs["unemployment_rate_computed_pct"] == pytest.approx(100 * 4_113 / (20_317 + 4_113))
    assert vs["outside_work_study_pct"] == pytest.approx(100 * (4_113 + 2_551) / 41_038)  # 16.24 %
    assert rates.loc["SSS", "outside_work_study_pct"] == pytest.approx(100 * (48_176 + 30_872) / 455_977)


def test_youth_ranks(rates, snap):
    raw = pd.read_csv(SNAP / "youth_main_activity_region_2016.csv", dtype=str)
    raw = raw[raw["maakunta"] != "SSS"]
    w = raw.pivot(index="maakunta", columns="measure", values="value").astype(float)
    ows = (w["tyottomat"] + w["muut_tyovoiman_ulkopuolella"]) / w["vaesto_18_24"]
    assert len(rates) == 20 and pd.isna(rates.loc["SSS", "rank_outside_work_study"])
    for code in ("02", "08", "21"):
        assert rates.loc[code, "rank_outside_work_study"] == int((ows > ows[code]).sum()) + 1
    assert rates.loc["02", "rank_outside_work_study"] == 16
    assert rates["rank_outside_work_study"].dropna().sort_values().tolist() == list(range(1, 20))


def test_youth_summary_and_bad_code(rates):
    s = exclusion_prevention.youth_summary(rates, "02", "SSS")
    assert s["youth_outside_work_study_2016_pct"] == 16.24
    assert s["youth_compare_unemployment_rate_2016_pct"] == 18.2
    with pytest.raises(ValueError, match="'99' is not in the 2016 youth table"):
        exclusion_prevention.youth_summary(rates, "99")


def test_youth_region_for_municipalities(snap):
    assert exclusion_prevention.youth_region("Turku", snap)[0] == "02"
    code, note = exclusion_prevention.youth_region("Iitti", snap)  # moved 08 -> 07 on 1.1.2021
    assert code == "08" and "moved to Päijät-Häme (MK07) on 1.1.2021" in note
    assert exclusion_prevention.youth_region("MK19", snap)[0] == "19"
    with pytest.raises(ValueError, match="country"):
        exclusion_prevention.youth_region("SSS", snap)


def test_youth_map_frame(snap, rates):
    gdf = exclusion_prevention.youth_map_frame(snap, rates)
    assert len(gdf) == 19 and gdf.crs.to_epsg() == 3067
    assert gdf.set_index("code").loc["02", "outside_work_study_pct"] == pytest.approx(100 * (4_113 + 2_551) / 41_038)


def test_sotkanet_values_for(snap):
    vs = exclusion_prevention.sotkanet_values_for("MK02", snap)
    assert set(vs["area_name"]) == {"Turku"}                          # Turku is the only VS row
    assert vs.loc[vs["indicator_id"] == 127, "value"].tolist() == [201_863]
    assert (vs.loc[vs["indicator_id"] != 127, "indicator_title_fi"] == "(title not verified)").all()
    assert exclusion_prevention.sotkanet_values_for("KU304", snap).empty


# ----------------------------------------------------------------------------- Sotkanet shaping


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
    assert got[("municipality", "853")] == 3.5
    assert got[("region", "02")] == 2.0                    # "2" zero-padded
    assert got[("country", "SSS")] == 1.5
    assert got[("wellbeing_county", "5")] == 9.9
    assert np.isnan(got[("municipality", "019")])          # no value stays NaN, never 0


def test_shape_sotkanet_with_regions_frame():
    """The bare parse_data frame plus a /regions frame gives the same result."""
    full = _hand_made_data_with_regions()
    bare = full[["indicator", "region", "year", "gender", "value", "abs_value"]]
    regs = full[["region", "region_code", "region_category", "region_name"]].rename(
        columns={"region_code": "code", "region_category": "category", "region_name": "title_fi"})
    pd.testing.assert_frame_equal(indicators.shape_sotkanet(bare, regs), indicators.shape_sotkanet(full))
    with pytest.raises(ValueError, match="pass regions_frame"):
        indicators.shape_sotkanet(bare)
    with pytest.raises(ValueError, match=r"without a /regions entry: \[999\]"):
        indicators.shape_sotkanet(bare, regs[regs["region"] != 999])
    with pytest.raises(ValueError, match=r"lacks columns \['value'\]"):
        indicators.shape_sotkanet(bare.drop(columns="value"))


def test_municipal_values_marks_missing_as_suppressed():
    shaped = indicators.shape_sotkanet(_hand_made_data_with_regions())
    mv = indicators.municipal_values(shaped, 2020).set_index("code")
    assert len(mv) == 308
    assert mv.loc["853", "value"] == 3.5 and mv.loc["853", "status"] == ""
    assert np.isnan(mv.loc["019", "value"]) and mv.loc["019", "status"] == exclusion_prevention.SUPPRESSED
    assert np.isnan(mv.loc["304", "value"]) and mv.loc["304", "status"] == exclusion_prevention.SUPPRESSED
    assert (mv["value"].fillna(-1) != 0).all()


def test_indicator_set_is_in_the_catalog():
    listed = {d.name for d in catalog.datasets(source="sotkanet", workbook="exclusion_prevention")}
    assert {i.dataset for i in indicators.INDICATORS} <= listed
    assert set(indicators.COMPOSITE) <= {i.dataset for i in indicators.INDICATORS}


# ----------------------------------------------------------------------------- fixture snapshot


@pytest.fixture(scope="module")
def fixture_loaded():
    return indicators.load_indicators(Snapshot(FIXTURE))


def test_fixture_is_labelled_hand_made():
    snap = Snapshot(FIXTURE)
    for name in ("sotkanet_neet_17_24", "sotkanet_long_term_unemployed",
                 "sotkanet_social_assistance_18_24_long_term"):
        entry = snap.resource(name)
        assert "HAND-MADE" in entry["title"] and "HAND-MADE" in entry["attribution"]


def test_load_indicators_from_fixture(fixture_loaded):
    loaded, missing = fixture_loaded
    assert sorted(loaded) == ["sotkanet_long_term_unemployed", "sotkanet_neet_17_24",
                              "sotkanet_social_assistance_18_24_long_term"]
    assert len(missing) == len(indicators.INDICATORS) - 3
    note = indicators.missing_indicators_note(missing)
    assert "workbooks data refresh" in note and "`sotkanet_youth_unemployed`" in note
    sa = loaded["sotkanet_social_assistance_18_24_long_term"]
    mv = indicators.municipal_values(sa, 2023)
    vs = mv[mv["region_code"] == "02"]
    assert vs["value"].isna().sum() == 8                  # 7 absent rows + Kustavi's empty value
    assert indicators.map_year(sa, 2025) == 2023 and indicators.map_year(sa, 2018) is None


def test_composite_index_hand_computed(fixture_loaded):
    """Turku's index recomputed by hand from the fixture CSVs (z-scores over the
    municipalities with a value, equal-weight mean)."""
    loaded, _ = fixture_loaded
    table, result = indicators.composite(loaded, 2023)
    assert len(table) == 27
    zs = []
    for name in indicators.COMPOSITE:
        if name not in loaded:
            continue
        raw = pd.read_csv(FIXTURE / f"{name}.csv", dtype=str)
        raw = raw[(raw["region_category"] == "KUNTA") & (raw["year"] == "2023")]
        v = pd.to_numeric(raw.set_index("region_code")["value"]).dropna()
        zs.append((v["853"] - v.mean()) / v.std(ddof=0))
    turku = table.set_index("code").loc["853"]
    assert turku["index"] == pytest.approx(sum(zs) / len(zs))
    assert turku["n_indicators"] == 3
    assert table.set_index("code").loc["304", "n_indicators"] == 2   # suppressed one left out
    assert "z-scores" in result.method and "at least 2 of the 3" in result.method
    kf = indicators.live_key_figures(loaded, "Turku", 2023, table)
    assert kf["composite_index_area"] == round(sum(zs) / len(zs), 3)
    assert kf["sotkanet_social_assistance_18_24_long_term_suppressed_in_region"] == 8


def test_trend_table(fixture_loaded):
    loaded, _ = fixture_loaded
    areas = indicators.trend_areas("Turku", "SSS")
    assert [a.label for a in areas] == ["Turku", "Varsinais-Suomi", "Koko maa"]
    t = indicators.trend_table(loaded["sotkanet_neet_17_24"], areas, 2015, 2023)
    assert list(t.index) == [2019, 2020, 2021, 2022, 2023]            # no invented years
    raw = pd.read_csv(FIXTURE / "sotkanet_neet_17_24.csv", dtype=str)
    r = raw[(raw["region_category"] == "MAAKUNTA") & (raw["year"] == "2021")]
    assert t.loc[2021, "Varsinais-Suomi"] == float(r["value"].iloc[0])
