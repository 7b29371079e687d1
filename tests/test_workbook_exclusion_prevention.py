"""notebooks/exclusion_prevention.ipynb executed with papermill.

Offline runs (pinned snapshot) check the 2016 youth figures against values computed here
from the pinned CSV; a run on tests/fixtures/snapshot_exclusion (real copies + HAND-MADE
Sotkanet-style resources) checks that the live sections produce their figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

papermill = pytest.importorskip("papermill")

from helpers import provenance  # noqa: E402
from helpers import keyfigures
from workbook_runs import execute_workbook  # noqa: E402


def read_figures(path):
    return keyfigures.as_dict(keyfigures.read(path))

ROOT = Path(__file__).resolve().parents[1]
SNAP_DIR = ROOT / "data" / "snapshot"
FIXTURE = ROOT / "tests" / "fixtures" / "snapshot_exclusion"

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, name: str, **parameters) -> Path:
    return execute_workbook("exclusion_prevention", tmp_path / f"{name}.ipynb", **parameters)


@pytest.fixture(scope="module")
def youth():
    raw = pd.read_csv(SNAP_DIR / "youth_main_activity_region_2016.csv", dtype=str)
    w = raw.pivot(index="maakunta", columns="measure", values="value").astype(float)
    w["ows"] = 100 * (w["tyottomat"] + w["muut_tyovoiman_ulkopuolella"]) / w["vaesto_18_24"]
    return w


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exclusion")
    return {
        "MK19": read_figures(_run(tmp, "mk19", area="MK19", compare_to="MK02")),
        "KU091": read_figures(_run(tmp, "ku091", area="KU091")),
        "KU304": read_figures(_run(tmp, "ku304", area="Kustavi")),
        "fixture": read_figures(_run(tmp, "fixture", area="Turku", start_year=2019,
                                                    end_year=2023, snapshot=str(FIXTURE))),
    }


def _rank(w, code, col):
    regs = w.drop(index="SSS")[col]
    return int((regs > regs[code]).sum()) + 1


def test_lappi_region_2016(runs, youth):
    f = runs["MK19"]
    assert f["youth_region"] == "MK19 Lappi"
    assert f["youth_population_18_24_2016"] == youth.loc["19", "vaesto_18_24"]
    assert f["youth_unemployment_rate_2016_pct"] == youth.loc["19", "tyottomien_osuus_tyovoimasta"]
    assert f["youth_outside_work_study_2016_pct"] == round(youth.loc["19", "ows"], 2)
    assert f["rank_youth_outside_work_study_2016"] == _rank(youth, "19", "ows")
    assert f["rank_youth_unemployment_rate_2016"] == _rank(youth, "19", "tyottomien_osuus_tyovoimasta")
    assert f["youth_compare_area"] == "MK02 Varsinais-Suomi"
    assert f["youth_compare_outside_work_study_2016_pct"] == round(youth.loc["02", "ows"], 2) == 16.24
    assert f["live_indicators_pinned"] == 0                          # pinned snapshot: none
    values = pd.read_csv(SNAP_DIR / "sotkanet_values.csv", dtype=str)
    c26 = pd.read_csv(SNAP_DIR / "area_classification_2026.csv", dtype=str)
    members = set(c26.loc[c26["maakunta"] == "19", "kunta"])
    expected = (((values["area_category"] == "MAAKUNTA") & (values["area_code"] == "19"))
                | ((values["area_category"] == "KUNTA") & values["area_code"].isin(members))).sum()
    assert f["sotkanet_sample_rows_for_area"] == expected == 1      # indicator 3090, Lappi 2021


def test_helsinki_shown_through_uusimaa(runs, youth):
    f = runs["KU091"]
    assert f["area"] == "KU091 Helsinki" and f["youth_region"] == "MK01 Uusimaa"
    assert f["youth_outside_work_study_2016_pct"] == round(youth.loc["01", "ows"], 2)
    assert f["youth_compare_area"] == "Koko maa"
    assert f["youth_compare_unemployment_rate_2016_pct"] == youth.loc["SSS", "tyottomien_osuus_tyovoimasta"]
    values = pd.read_csv(SNAP_DIR / "sotkanet_values.csv", dtype=str)
    assert f["sotkanet_sample_rows_for_area"] == int(
        ((values["area_code"] == "091") & (values["area_category"] == "KUNTA")).sum())


def test_kustavi_shown_through_varsinais_suomi(runs):
    f = runs["KU304"]
    assert f["youth_region"] == "MK02 Varsinais-Suomi"
    assert f["youth_population_18_24_2016"] == 41_038 and f["youth_unemployed_2016"] == 4_113
    assert f["youth_other_outside_labour_force_2016"] == 2_551
    assert f["sotkanet_sample_rows_for_area"] == 0


def test_live_sections_on_hand_made_fixture(runs):
    f = runs["fixture"]
    assert f["live_indicators_pinned"] == 3
    raw = pd.read_csv(FIXTURE / "sotkanet_neet_17_24.csv", dtype=str)
    turku = raw[(raw["region_code"] == "853") & (raw["year"] == "2023")]
    assert f["sotkanet_neet_17_24_year"] == "2023"
    assert f["sotkanet_neet_17_24_area_value"] == float(turku["value"].iloc[0])
    assert f["sotkanet_social_assistance_18_24_long_term_suppressed_in_region"] == 8
    assert f["composite_municipalities_with_index_in_region"] == 27
    assert isinstance(f["composite_index_area"], float) and f["composite_rank_in_country"] >= 1
    assert f["youth_region"] == "MK02 Varsinais-Suomi"            # offline part unchanged


@pytest.mark.parametrize(
    "parameters, expected",
    [
        ({"area": "Narnia"}, "Narnia"),
        ({"end_year": 1990}, "end_year=1990"),
        ({"start_year": "twenty"}, "start_year='twenty'"),
        ({"start_year": 2023, "end_year": 2019}, "start_year=2023 must be less than end_year=2019"),
        ({"areas": "MK02"}, "unknown parameter 'areas'"),
    ],
)
def test_bad_parameters_fail_in_validation_cell(tmp_path, parameters, expected):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, "bad", **parameters)
    assert expected in str(info.value) and "ParameterError" in str(info.value)
