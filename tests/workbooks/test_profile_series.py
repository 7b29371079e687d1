"""helpers.workbooks.areas and profile_series: municipal rows in the 2026 division, totals
for any area, and the longer views of the region profile (values checked against sums and
ratios computed here by hand)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import regions
from helpers.snapshot import Snapshot
from helpers.workbooks import areas, profile_series


@pytest.fixture(scope="module")
def snap():
    return Snapshot()


def test_units_follow_documented_mergers_and_keep_historical_units():
    assert areas.unit_code("099") == "214" and areas.unit_region("099") == "04"  # Honkajoki -> Kankaanpää
    assert areas.unit_code("588") == "588" and areas.unit_region("588") == "10"  # Pertunmaa stays
    assert areas.unit_code("853") == "853" and areas.unit_region("853") == "02"
    with pytest.raises(ValueError, match="'999'"):
        areas.unit_code("999")


def test_reader_name_takes_an_area_or_its_code():
    from helpers import i18n

    with i18n.using("sv"):
        assert areas.reader_name("MK02") == areas.reader_name(regions.resolve("MK02")) == "Egentliga Finland"
        assert areas.reader_name("KU853") == "Åbo"
        assert areas.reader_name("MK02", in_sentence=True, lang="en") == "Southwest Finland"
    with pytest.raises(ValueError, match="MK99"):
        areas.reader_name("MK99")


def test_placing_rows_looks_each_code_up_once_with_the_row_by_row_result(monkeypatch):
    codes = ["099", "853", "099", "214", "853", "019"] * 50  # HAND-MADE rows of real codes
    frame = pd.DataFrame({"area_code": pd.Series(codes, dtype="str"), "v": range(len(codes))})
    expected_unit = frame["area_code"].map(areas.unit_code)
    expected_region = expected_unit.map(areas.unit_region)
    calls = []
    real = areas.unit_code
    monkeypatch.setattr(areas, "unit_code", lambda c: calls.append(c) or real(c))
    placed = areas.place(frame)
    pd.testing.assert_series_equal(placed["unit"], expected_unit, check_names=False)
    pd.testing.assert_series_equal(placed["unit_region"], expected_region, check_names=False)
    # once per distinct code, then once more inside unit_region for each distinct unit
    assert calls == ["099", "853", "214", "019", "214", "853", "019"]
    with pytest.raises(ValueError, match="'998'"):  # the first unknown code in row order
        areas.place(pd.DataFrame({"area_code": ["853", "998", "999", "998"]}))
    assert areas.place(frame.iloc[:0])["unit"].empty


def test_totals_sum_the_area_and_a_missing_cell_makes_the_sum_unknown():
    frame = areas.place(pd.DataFrame({"area_code": ["099", "214", "853", "019"], "v": [1.0, 10.0, 100.0, None]}))
    assert areas.totals(frame, regions.resolve("Kankaanpää"), ["v"])["v"].iloc[0] == 11.0
    assert math.isnan(areas.totals(frame, regions.resolve("MK02"), ["v"])["v"].iloc[0])  # Aura is missing
    with pytest.raises(ValueError, match="no rows for Lappi"):
        areas.totals(frame, regions.resolve("MK19"), ["v"])


def test_population_series_adds_up_to_the_official_national_totals(snap):
    s = profile_series.population_series(snap, regions.resolve("MK02"), regions.country())
    assert s.loc[2000, "Whole country"] == 5_181_115 and s.loc[2023, "Whole country"] == 5_603_851
    assert s.loc[2019, "Southwest Finland"] == 479_341 and s.loc[2023, "Southwest Finland"] == 490_786
    idx = profile_series.indexed(s, 2000)
    assert idx.loc[2000].tolist() == [100.0, 100.0]
    assert idx.loc[2023, "Southwest Finland"] == pytest.approx(100 * 490_786 / s.loc[2000, "Southwest Finland"])


def test_jobs_by_section_shares_and_location_quotient(snap):
    j = profile_series.jobs_by_section(snap, regions.resolve("Turku")).set_index("section")
    assert j["jobs"].sum() == 100_128 and j.loc["J", "jobs"] == 3_952 and j.loc["C", "jobs"] == 10_191
    assert j["country_jobs"].sum() == 2_327_730  # Σ of the 310 municipalities of Paavo 2020
    share_j = 100 * 3_952 / 100_128
    country_j = 100 * j.loc["J", "country_jobs"] / 2_327_730
    assert j.loc["J", "share_pct"] == pytest.approx(share_j)
    assert j.loc["J", "location_quotient"] == pytest.approx(share_j / country_j)
    assert j["share_pct"].sum() == pytest.approx(100)


def test_main_activity_and_rates(snap):
    a = profile_series.main_activity(snap, regions.resolve("Turku")).set_index("activity")
    assert a.loc["employed", "persons"] == 81_618 and a["persons"].sum() == 189_669  # = inhabitants 2017
    rates = profile_series.labour_rates(snap, regions.resolve("Turku"), regions.country())
    assert rates.series.loc[2016, "unemployment_rate_pct"] == 16.3
    ed = rates.editions.set_index(["edition", "indicator"])
    assert ed.loc[("2022", "unemployment_rate_pct"), "Turku"] == 15.9
    assert ed.loc[("2022", "employment_rate_pct"), "Southwest Finland"] == 69.4
    assert profile_series.labour_rates(snap, regions.resolve("MK02"), regions.country()).series is None
