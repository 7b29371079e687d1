"""tools/import_reference/population.py on the HAND-MADE folder in
tests/fixtures/reference_import/population/ (see the README there). Never the reference folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = (ROOT / "tests" / "fixtures" / "reference_import" / "population"
          / "sotkanet_127_2000-2022_and_postcode_2022")
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import population  # noqa: E402
from import_reference._common import CheckError  # noqa: E402

POP2023 = pd.DataFrame({"kunta": ["005", "214", "588", "853"],
                        "year": pd.array([2023] * 4, dtype="Int64"),
                        "population": pd.array([9113, 12394, 1577, 201863], dtype="Int64")})
# (the values of the pinned population_municipality_2023 for these four codes)


def test_series_tidy_pads_codes_sums_merged_units_and_flags_historical():
    df = population.tidy_population_series(FOLDER, pop2023=POP2023)
    assert list(df.columns) == ["area_code", "area_name", "region_code", "year", "population",
                                "combined_from", "historical", "source"]
    assert "005" in set(df["area_code"]) and "5" not in set(df["area_code"])
    assert "099" not in set(df["area_code"])  # added to its registry successor
    k = df[df["area_code"] == "214"].set_index("year")
    assert k.at[2019, "population"] == 1620 + 11286 == 12906
    assert k.at[2019, "combined_from"] == "099+214"  # Honkajoki merged 1.1.2021
    assert pd.isna(k.at[2021, "combined_from"]) and pd.isna(k.at[2023, "combined_from"])
    p = df[df["area_code"] == "588"]
    assert p["historical"].all() and (p["area_name"] == "Pertunmaa").all()
    assert not df.loc[df["area_code"] != "588", "historical"].any()
    turku = df[df["area_code"] == "853"].set_index("year")
    assert turku.at[2023, "population"] == 201863
    assert turku.at[2023, "source"] == "population_municipality_2023"
    assert turku.at[2019, "source"] == "sotkanet_127" and turku.at[2019, "area_name"] == "Turku"
    assert (df["region_code"].str.len() == 2).all() and df["population"].dtype == "Int64"


def test_series_unknown_code_fails(tmp_path):
    folder = tmp_path / "pop"
    folder.mkdir()
    (folder / "sotkanet_127_population_by_municipality_2000-2022.csv").write_text(
        "municipality_code,primary.value,year\n999,10,2019\n", encoding="utf-8")
    with pytest.raises(CheckError, match="not in the area registry"):
        population.tidy_population_series(folder, pop2023=POP2023)


def test_series_build_rejects_totals_that_do_not_hold():
    with pytest.raises(CheckError, match="years are not 2000-2023"):
        population.build_population_series(FOLDER, pop2023=POP2023)


def test_postcode_tidy_flags_the_country_row_and_keeps_zeros():
    df = population.tidy_postcode(FOLDER)
    assert df["postal_code"].tolist() == ["KOKO", "00100", "20100", "99999"]
    assert df["area_kind"].tolist() == ["country"] + ["postal_code_area"] * 3
    assert df.set_index("postal_code").at["99999", "population"] == 0  # a published 0 stays 0
    with pytest.raises(CheckError, match="3 026 five-digit postal areas"):
        population.validate_postcode(df)
