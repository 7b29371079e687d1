"""tools/import_reference/keyfigures.py on the HAND-MADE folders in
tests/fixtures/reference_import/keyfigures/ (see the README there). Never the reference folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "reference_import" / "keyfigures"
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import keyfigures  # noqa: E402
from import_reference._common import CheckError  # noqa: E402

#: stand-ins for the pinned resources the converter reads: the 2013 municipality list of
#: sotkanet_municipal_1990_2012 (for 911 Valtimo) and population_municipality_2019 (regions)
FALLBACK = pd.DataFrame({"area_code": ["911"], "area_name": ["Valtimo"], "region_code": ["12"]})
POP2019 = pd.DataFrame({"kunta": ["322", "445", "853"], "maakunta": ["02", "02", "02"]})


def _tidy(folder: str) -> pd.DataFrame:
    return keyfigures.tidy_2018(FIXTURES / folder, fallback=FALLBACK, pop2019=POP2019)


def test_2018_tidy_maps_names_to_codes_and_kinds():
    df = _tidy("municipal_key_figures_2018")
    areas = df.drop_duplicates("area_name").set_index("area_name")
    assert areas.at["WHOLE COUNTRY", "area_code"] == "SSS"
    assert areas.at["Turku", "area_code"] == "853" and areas.at["Turku", "region_code"] == "02"
    assert areas.at["Kemiönsaari", "area_code"] == "322"
    assert areas.at["Valtimo", "area_code"] == "911" and areas.at["Valtimo", "region_code"] == "12"
    assert areas.at["Southwest Finland", "area_kind"] == "region"
    assert areas.at["Southwest Finland", "area_code"] == "02"
    assert areas.at["Turku sub-regional unit", "area_kind"] == "subregion"
    assert pd.isna(areas.at["Turku sub-regional unit", "area_code"])
    assert areas.at["Southwest Finland (HE 15/2017 vp)", "area_kind"] == "proposed_region_he_15_2017"
    assert (areas.at["Turku sub-regional unit (HE 15/2017 vp)", "area_kind"]
            == "proposed_subregion_he_15_2017")
    assert len(df) == 9 * 6


def test_2018_tidy_ids_years_units_and_values():
    df = _tidy("municipal_key_figures_2018")
    turku = df[df["area_code"] == "853"].set_index("indicator")
    assert turku.at["population", "value"] == 189669 and turku.at["population", "year"] == 2017
    assert turku.at["unemployment_rate_pct", "value"] == 16.3
    assert turku.at["unemployment_rate_pct", "year"] == 2016  # established against 2006-2016
    assert turku.at["pensioners_pct", "year"] == 2016
    assert turku.at["population", "unit"] == "persons"
    assert turku.at["swedish_speakers_pct", "unit"] == "%"
    assert turku.at["population", "indicator_label_en"] == "Population"
    assert df["indicator_label_fi"].isna().all()  # the 2018 edition has no Finnish labels
    assert set(df["edition"]) == {"2018"} and df["year"].dtype == "Int64"


def test_an_unknown_name_fails_loudly():
    with pytest.raises(CheckError, match="cannot map the area name 'Atlantis'"):
        _tidy("municipal_key_figures_2018_unmappable")


def test_2018_build_rejects_totals_that_do_not_hold():
    with pytest.raises(CheckError, match="areas"):
        keyfigures.build_2018(FIXTURES / "municipal_key_figures_2018", fallback=FALLBACK,
                              pop2019=POP2019)


def test_the_same_id_in_every_edition():
    ids = [s[0] for s in keyfigures.SPEC]
    assert len(ids) == len(set(ids)) == 32
    assert all(i.isascii() and i == i.lower() for i in ids)
    by_2018 = {s[5]: s[0] for s in keyfigures.SPEC if s[5]}
    assert by_2018["Proportion of the unemployed among the labour force, %"] == "unemployment_rate_pct"
    by_0616 = {s[4]: s[0] for s in keyfigures.SPEC}
    assert by_0616["Tyottomien_osuus_tyovoimasta"] == "unemployment_rate_pct"
    by_2022 = {s[1]: s[0] for s in keyfigures.SPEC}
    assert by_2022["Proportion of the unemployed among the labour force, %"] == "unemployment_rate_pct"
