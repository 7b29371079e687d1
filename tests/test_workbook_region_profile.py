"""notebooks/region_profile.ipynb executed with papermill for other areas.

Key figures recorded by the notebook are compared with values computed here independently
from the pinned CSV files (dtype=str; membership from area_classification_2026.csv).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

papermill = pytest.importorskip("papermill")

from workbook_runs import execute_workbook  # noqa: E402

from helpers import keyfigures  # noqa: E402


def read_figures(path):
    return keyfigures.as_dict(keyfigures.read(path))


ROOT = Path(__file__).resolve().parents[1]
SNAP_DIR = ROOT / "data" / "snapshot"

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, name: str, **parameters) -> Path:
    return execute_workbook("region_profile", tmp_path / f"{name}.ipynb", **parameters)


@pytest.fixture(scope="module")
def real():
    read = lambda n: pd.read_csv(SNAP_DIR / f"{n}.csv", dtype=str)  # noqa: E731
    p19, p23, c26 = (read("population_municipality_2019"), read("population_municipality_2023"),
                     read("area_classification_2026"))
    region = dict(zip(c26["kunta"], c26["maakunta"]))
    region.update({"099": "04", "588": "10"})  # Honkajoki -> Kankaanpää (04); Pertunmaa stays in 10
    p19["r"] = p19["kunta"].map(region)
    p23["r"] = p23["kunta"].map(region)
    p19["population"] = p19["population"].astype(int)
    p23["population"] = p23["population"].astype(int)
    t19 = p19.groupby("r")["population"].sum()
    t23 = p23.groupby("r")["population"].sum()
    return {"p19": p19.set_index("kunta"), "p23": p23.set_index("kunta"), "t19": t19, "t23": t23,
            "c26": c26}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("region_profile")
    return {
        "MK19": read_figures(_run(tmp, "mk19", area="MK19")),
        "KU091": read_figures(_run(tmp, "ku091", area="KU091", compare_to="MK01")),
        "KU304": read_figures(_run(tmp, "ku304", area="Kustavi")),
        "Pargas": read_figures(_run(tmp, "pargas", area="Pargas")),  # Swedish name of Parainen
        "MK01": read_figures(_run(tmp, "mk01", area="Nyland")),  # Swedish name; Paavo has no Uusimaa row
    }


@pytest.fixture(scope="module")
def later():
    """The second collection's tables, read independently (dtype=str)."""
    read = lambda n: pd.read_csv(SNAP_DIR / f"{n}.csv", dtype=str)  # noqa: E731
    return {"pop": read("population/population_municipality_2000_2023"), "paavo": read("paavo/paavo_2020_municipal"),
            "k22": read("keyfigures/municipal_key_figures_2022")}


def test_series_jobs_and_rates_of_a_swedish_named_municipality(runs, later):
    f = runs["Pargas"]
    assert f["area_name"] == "Parainen" and f["area_code"] == "KU445"
    pop = later["pop"][later["pop"]["area_code"] == "445"].set_index("year")["population"].astype(int)
    assert f["population_2000"] == pop["2000"]
    assert f["change_2000_2023_pct"] == round(100 * (pop["2023"] - pop["2000"]) / pop["2000"], 2)
    paavo = later["paavo"]
    jobs = paavo[(paavo["area_code"] == "445") & (paavo["variable"] == "jobs_total")]["value"].astype(int)
    assert f["jobs_2017"] == jobs.iloc[0]
    k = later["k22"]
    rate = k[(k["area_code"] == "445") & (k["area_kind"] == "municipality") & (k["indicator"] == "unemployment_rate_pct")]
    assert f["unemployment_rate_2020_pct"] == float(rate["value"].iloc[0])


def test_uusimaa_is_the_sum_of_its_municipalities_where_paavo_has_no_region_row(runs, later):
    f = runs["MK01"]
    assert f["area_code"] == "MK01"
    paavo = later["paavo"]
    c26 = pd.read_csv(SNAP_DIR / "area_classification_2026.csv", dtype=str)
    members = set(c26.loc[c26["maakunta"] == "01", "kunta"])
    jobs = paavo[paavo["area_code"].isin(members) & (paavo["area_kind"] == "municipality")
                 & (paavo["variable"] == "jobs_total")]["value"].astype(int).sum()
    assert f["jobs_2017"] == jobs
    k = later["k22"]
    rate = k[(k["area_kind"] == "region") & (k["area_code"] == "01") & (k["indicator"] == "employment_rate_pct")]
    assert f["employment_rate_2020_pct"] == float(rate["value"].iloc[0])


def test_lappi_region(runs, real):
    f = runs["MK19"]
    t19, t23 = real["t19"], real["t23"]
    assert f["area_code"] == "MK19" and f["area_kind"] == "region"
    assert f["population_2019"] == t19["19"] and f["population_2023"] == t23["19"]
    assert f["change_pct"] == round(100 * (t23["19"] - t19["19"]) / t19["19"], 2)
    assert f["rank_population_among_regions"] == int((t23 > t23["19"]).sum()) + 1
    growth = (t23 - t19) / t19
    assert f["rank_change_among_regions"] == int((growth > growth["19"]).sum()) + 1
    members = real["c26"].loc[real["c26"]["maakunta"] == "19", "kunta"]
    pops = real["p23"].loc[members, "population"]
    assert f["n_municipalities_2026"] == len(members)
    assert f["largest_municipality"] == real["p23"].loc[pops.idxmax(), "nimi"] == "Rovaniemi"
    assert f["largest_municipality_share_pct"] == round(100 * pops.max() / t23["19"], 2)
    assert f["compare_to"] == "SSS Koko maa"
    assert (f["compare_population_2019"], f["compare_population_2023"]) == (5_525_292, 5_603_851)


def test_helsinki_municipality(runs, real):
    f = runs["KU091"]
    assert f["area_name"] == "Helsinki" and f["region"] == "MK01 Uusimaa"
    assert f["population_2019"] == real["p19"].loc["091", "population"] == 653_835
    assert f["population_2023"] == real["p23"].loc["091", "population"] == 674_500
    assert f["rank_population_in_region"] == 1
    assert f["share_of_region_population_2023_pct"] == round(100 * 674_500 / real["t23"]["01"], 2)
    assert f["largest_municipality"] == "Helsinki"
    assert f["compare_to"] == "MK01 Uusimaa"
    assert f["compare_change_pct"] == round(
        100 * (real["t23"]["01"] - real["t19"]["01"]) / real["t19"]["01"], 2)


def test_kustavi_small_municipality(runs, real):
    f = runs["KU304"]
    assert f["area_name"] == "Kustavi" and f["region"] == "MK02 Varsinais-Suomi"
    assert f["population_2019"] == real["p19"].loc["304", "population"]
    assert f["population_2023"] == real["p23"].loc["304", "population"]
    assert f["rank_population_in_region"] == 27 and f["n_units_in_region"] == 27
    assert f["largest_municipality"] == "Turku"
    assert f["largest_municipality_share_pct"] == round(100 * 201_863 / 490_786, 2)


@pytest.mark.parametrize(
    "parameters, expected",
    [
        ({"area": "Atlantis"}, "Atlantis"),
        ({"area": "Pertunmaa"}, "no successor is recorded"),
        ({"compare_to": "Turku"}, "compare_to='Turku'"),
        ({"are": "MK02"}, "unknown parameter 'are'"),
    ],
)
def test_bad_parameters_fail_in_validation_cell(tmp_path, parameters, expected):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, "bad", **parameters)
    assert expected in str(info.value)
    assert "ParameterError" in str(info.value)
