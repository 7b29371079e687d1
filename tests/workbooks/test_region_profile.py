"""helpers.profiles: population units in the 2026 division, region totals, profiles.

Real values are checked against the pinned CSV files read independently here (dtype=str),
and against published figures quoted in data/README.md (Varsinais-Suomi 479 341 / 490 786,
Turku 192 962 / 201 863, national totals 5 525 292 / 5 603 851).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import regions
from helpers.snapshot import Snapshot
from helpers.workbooks import region_profile as profiles

ROOT = Path(__file__).resolve().parents[2]
SNAP_DIR = ROOT / "data" / "snapshot"


@pytest.fixture(scope="module")
def snap():
    return Snapshot(SNAP_DIR)


@pytest.fixture(scope="module")
def units(snap):
    return profiles.population_units(snap)


@pytest.fixture(scope="module")
def csv():
    read = lambda n: pd.read_csv(SNAP_DIR / f"{n}.csv", dtype=str)  # noqa: E731
    p19, p23, c26 = read("population_municipality_2019"), read("population_municipality_2023"), read(
        "area_classification_2026")
    for f in (p19, p23):
        f["population"] = f["population"].astype(int)
    return p19, p23, c26


def _region_2026_totals(csv):
    """Independent: 2026 region of every code from area_classification_2026.csv; the two
    codes outside it placed by hand (099 merged into 214 -> 04; 588 in region 10 in the data)."""
    p19, p23, c26 = csv
    region = dict(zip(c26["kunta"], c26["maakunta"]))
    region.update({"099": "04", "588": "10"})
    t19 = p19.assign(r=p19["kunta"].map(region)).groupby("r")["population"].sum()
    t23 = p23.assign(r=p23["kunta"].map(region)).groupby("r")["population"].sum()
    return t19, t23


def test_units_cover_2026_division_plus_pertunmaa(units):
    assert len(units) == 309
    assert set(units.loc[units["unit_kind"] == "municipality", "code"]) == {
        m.code for m in regions.municipalities()}
    hist = units[units["unit_kind"] == "historical"]
    assert hist["code"].tolist() == ["588"]
    row = hist.iloc[0]
    assert (row["name"], row["region_code"], row["population_2019"], row["population_2023"]) == (
        "Pertunmaa", "10", 1690, 1577)
    assert "099" not in set(units["code"])  # Honkajoki is inside Kankaanpää


def test_units_sum_to_official_national_totals(units):
    assert units["population_2019"].sum() == 5_525_292
    assert units["population_2023"].sum() == 5_603_851


def test_honkajoki_added_to_kankaanpaa_in_2019(units, csv):
    p19 = csv[0].set_index("kunta")["population"]
    k = units.set_index("code").loc["214"]
    assert k["population_2019"] == p19["214"] + p19["099"] == 11_286 + 1_620
    assert k["population_2023"] == 12_394
    assert k["change_pct"] == pytest.approx(100 * (12_394 - 12_906) / 12_906)
    assert "Honkajoki 099" in k["note"]


def test_turku_real_values(units):
    t = units.set_index("code").loc["853"]
    assert (t["population_2019"], t["population_2023"], t["change"]) == (192_962, 201_863, 8_901)
    assert t["change_pct"] == pytest.approx(100 * 8_901 / 192_962)
    assert t["note"] == ""


def test_region_totals_match_independent_sums(units, csv):
    tab = profiles.region_totals(units)
    t19, t23 = _region_2026_totals(csv)
    assert len(tab) == 19
    pd.testing.assert_series_equal(tab["population_2019"], t19.astype(float).rename("population_2019"),
                                   check_names=False, check_index_type=False)
    pd.testing.assert_series_equal(tab["population_2023"], t23.astype(float).rename("population_2023"),
                                   check_names=False, check_index_type=False)
    assert tab.loc["02", ["population_2019", "population_2023"]].tolist() == [479_341, 490_786]
    assert tab.loc["02", "rank_population_2023"] == 3
    assert tab["rank_population_2023"].tolist().count(1) == 1
    assert tab.loc["01", "rank_population_2023"] == 1


def test_2021_region_transfer_counted_in_2026_region(units, csv):
    """Heinävesi (090) was in Etelä-Savo (10) in the 2020 division and is in Pohjois-Karjala
    (12) in 2026: its 2019 population counts in 12, not 10."""
    p19 = csv[0].set_index("kunta")
    assert p19.loc["090", "maakunta"] == "10"
    h = units.set_index("code").loc["090"]
    assert h["region_code"] == "12"
    tab = profiles.region_totals(units)
    members12 = set(csv[2].loc[csv[2]["maakunta"] == "12", "kunta"])
    assert "090" in members12
    assert tab.loc["12", "population_2019"] == p19.loc[sorted(members12), "population"].astype(int).sum()


def test_profile_region(snap):
    prof = profiles.profile("Varsinais-Suomi", snap)
    f = prof.figures
    assert (f["population_2019"], f["population_2023"], f["change"]) == (479_341, 490_786, 11_445)
    assert f["change_pct"] == round(100 * 11_445 / 479_341, 2) == 2.39
    assert f["rank_population_among_regions"] == 3
    assert f["n_municipalities_2026"] == 27
    assert f["largest_municipality"] == "Turku"
    assert f["largest_municipality_share_pct"] == round(100 * 201_863 / 490_786, 2)
    assert f["compare_change_pct"] == round(100 * (5_603_851 - 5_525_292) / 5_525_292, 2)
    assert f["change_pct_minus_compare_pp"] == pytest.approx(2.39 - 1.42)
    assert prof.historical.empty
    assert "same municipalities" in profiles.method_note(prof)
    table = profiles.summary_table(prof)
    labels = list(table.iloc[:, 0])
    assert "Change in the whole country" in labels  # a reader's name, not "SSS Koko maa"
    assert not any("SSS" in label or "Koko maa" in label for label in labels)
    assert "Change in Uusimaa" in list(profiles.summary_table(profiles.profile("MK02", snap, "MK01")).iloc[:, 0])


def test_profile_municipality_ranks_within_region(snap):
    prof = profiles.profile("KU304", snap, compare_to="MK02")
    f = prof.figures
    assert f["area_kind"] == "municipality" and f["region"] == "MK02 Varsinais-Suomi"
    assert (f["population_2019"], f["population_2023"]) == (949, 949)
    assert f["rank_population_in_region"] == 27 and f["n_units_in_region"] == 27  # smallest
    assert f["share_of_region_population_2023_pct"] == round(100 * 949 / 490_786, 2)
    assert f["compare_to"] == "MK02 Varsinais-Suomi" and f["compare_change_pct"] == 2.39
    table = profiles.display_table(prof.units, highlight="304")
    assert table["Municipality"].tolist()[-1] == "Kustavi ◀"


def test_profile_satakunta_lists_honkajoki(snap):
    prof = profiles.profile("MK04", snap)
    assert set(prof.historical["code"]) == {"099", "214"}
    note = profiles.method_note(prof)
    assert "Honkajoki 099" in note and "Kankaanpää" in note
    assert prof.figures["population_2019"] == 216_752


def test_profile_rejects_wrong_kinds(snap):
    with pytest.raises(ValueError, match="Koko maa.*country"):
        profiles.profile("SSS", snap)
    with pytest.raises(ValueError, match="compare_to='Turku'.*municipality"):
        profiles.profile("MK02", snap, compare_to="Turku")
    with pytest.raises(regions.AreaNotFoundError, match="Atlantis"):
        profiles.profile("Atlantis", snap)


def test_unit_map_frame_dissolves_honkajoki(snap, units):
    geo = snap.load(profiles.MUNI_GEOMETRY)
    gdf = profiles.unit_map_frame(snap, "04", units[units["region_code"] == "04"])
    assert len(gdf) == 16 and gdf.crs.to_epsg() == 3067
    kank = gdf.set_index("code").loc["214"]
    parts = geo[geo["kunta"].isin(["214", "099"])]
    assert kank.geometry.area == pytest.approx(parts.geometry.union_all().area, rel=1e-9)
    assert kank["population_2019"] == 12_906


def test_both_maps_of_a_profile_share_one_dissolve_of_its_boundaries(snap, monkeypatch):
    """The population map and the change map draw the same boundaries: they are dissolved once
    per profile, each map gets its own copy, and the frame is the one dissolved afresh."""
    from helpers.workbooks import geometry

    res = profiles.profile("KU214", snap)  # Kankaanpää: Honkajoki's 2020 polygon joined to it
    fresh = profiles.unit_map_frame(snap, res.region.code, res.units)
    calls = []
    real = geometry.municipalities
    monkeypatch.setattr(geometry, "municipalities", lambda *a: calls.append(a) or real(*a))
    first = res.boundaries(res.region.code)
    first.loc[0, "name_fi"] = "changed by the caller"
    shared = profiles.unit_map_frame(snap, res.region.code, res.units, res.boundaries(res.region.code))
    assert len(calls) == 1
    pd.testing.assert_frame_equal(shared, fresh)
    assert shared.geometry.geom_equals(fresh.geometry).all()


class _FakeSnap:
    """Hand-made in-memory snapshot for error paths (values made up)."""

    def __init__(self, frames):
        self.frames = frames

    def load(self, name):
        return self.frames[name].copy()


def _frames(snap):
    return {n: snap.load(n) for n in (profiles.POP_2019, profiles.POP_2023)}


def test_unknown_code_in_source_is_an_error(snap):
    frames = _frames(snap)
    frames[profiles.POP_2023].loc[0, "kunta"] = "999"
    with pytest.raises(regions.AreaError, match="999"):
        profiles.population_units(_FakeSnap(frames))


def test_duplicate_code_and_wrong_total_are_errors(snap):
    frames = _frames(snap)
    f = frames[profiles.POP_2019]
    frames[profiles.POP_2019] = pd.concat([f, f.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="appear twice.*005"):
        profiles.population_units(_FakeSnap(frames))
    frames = _frames(snap)
    frames[profiles.POP_2023].loc[0, "population"] += 1
    with pytest.raises(ValueError, match="population_2023 sums to 5,603,852"):
        profiles.population_units(_FakeSnap(frames))


def test_missing_population_is_an_error_not_zero(snap):
    frames = _frames(snap)
    frames[profiles.POP_2019].loc[0, "population"] = pd.NA
    with pytest.raises(ValueError, match="population missing for \\['005'\\]"):
        profiles.population_units(_FakeSnap(frames))
