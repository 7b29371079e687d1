"""notebooks/ict_cluster.ipynb executed with papermill on the pinned snapshot (other areas) and
on the cluster fixture snapshot (live-only sections; HAND-MADE values)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import papermill as pm
import pytest
from workbook_runs import execute_workbook  # noqa: E402

from helpers import keyfigures, regions


def read_figures(path):
    return keyfigures.as_dict(keyfigures.read(path))

ROOT = Path(__file__).resolve().parents[1]
PINNED = ROOT / "data" / "snapshot"
FIXTURE = ROOT / "tests" / "fixtures" / "snapshot_clusters"

pytestmark = pytest.mark.slow


def _run(tmp_path_factory, name, **parameters):
    out = execute_workbook("ict_cluster", tmp_path_factory.mktemp("ict") / f"{name}.ipynb", **parameters)
    return read_figures(out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return {
        "MK06": _run(tmp_path_factory, "mk06", area="MK06"),
        "KU091": _run(tmp_path_factory, "ku091", area="Helsinki"),
        "KU304": _run(tmp_path_factory, "ku304", area="KU304"),
        "KU853": _run(tmp_path_factory, "ku853", area="Åbo"),
        "KU734": _run(tmp_path_factory, "ku734", area="Salo"),
        "KU322": _run(tmp_path_factory, "ku322", area="Kimitoön"),
        "fixture_MK02_services": _run(tmp_path_factory, "fx_mk02", scope="services", snapshot=str(FIXTURE)),
        "fixture_MK02_core": _run(tmp_path_factory, "fx_mk02_core", snapshot=str(FIXTURE)),
    }


def _csv(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str)


@pytest.fixture(scope="module")
def paavo():
    p = _csv(PINNED / "paavo", "paavo_2020_municipal")
    p = p[p["group"] == "TP"]
    return p.assign(value=p["value"].astype(int)).pivot_table(index=["area_kind", "area_code"], columns="variable",
                                                               values="value")


def _j_lq(paavo, kind, code):
    muni = paavo.loc["municipality"]
    row = paavo.loc[(kind, code)]
    return (row["jobs_J"] / row["jobs_total"]) / (muni["jobs_J"].sum() / muni["jobs_total"].sum())


def test_committed_default_report_has_every_headline_figure():
    nb = ROOT / "notebooks" / "ict_cluster.ipynb"
    items = keyfigures.read(nb)
    heads = [e for e in items if e["headline"]]
    assert [e["name"] for e in heads] == ["j_jobs_2017", "j_share_pct_2017", "j_lq_2017",
                                         "national_ict_employed_2016", "ict_unemployed_vs_latest"]
    assert all(e["value"] is not None for e in heads)
    k = keyfigures.as_dict(items)
    assert k["j_jobs_2017"] == 5180 and k["national_ict_employed_2016"] == 86484 and k["j_lq_2017"] == 0.641
    text = nb.read_text(encoding="utf-8")
    assert "this part is left out" not in text  # every offline section has a result for MK02
    assert text.count("Not in this snapshot:") == 1  # the live section's one note


def test_municipalities_offline_figures(runs, paavo):
    for key, code in (("KU853", "853"), ("KU734", "734"), ("KU322", "322"), ("KU091", "091")):
        k = runs[key]
        row = paavo.loc[("municipality", code)]
        assert k["j_jobs_2017"] == row["jobs_J"]
        assert k["j_share_pct_2017"] == pytest.approx(100 * row["jobs_J"] / row["jobs_total"], abs=1e-3)
        assert k["j_lq_2017"] == pytest.approx(_j_lq(paavo, "municipality", code), abs=1e-3)
        assert k["national_ict_employed_2016"] == 86484
    assert runs["KU853"]["j_jobs_2017"] == 3952 and runs["KU853"]["postal_subregion"] == "023"
    assert runs["KU734"]["postal_subregion"] == "022" and runs["KU322"]["postal_subregion"] == "021"
    assert runs["KU322"]["ict_unemployed_vs_latest"] == 492  # Varsinais-Suomi's figure, said so in the report
    assert "postal_subregion" not in runs["KU091"]  # no postal data outside Varsinais-Suomi


def test_region_offline_figures(runs, paavo):
    k = runs["MK06"]
    muni = paavo.loc["municipality"]
    pirkanmaa = [a.code for a in regions.municipalities("06")]
    j, total = muni.loc[pirkanmaa, "jobs_J"].sum(), muni.loc[pirkanmaa, "jobs_total"].sum()
    assert k["j_jobs_2017"] == j  # the 2026 division (Kuhmoinen moved to Pirkanmaa in 2021)
    assert k["j_lq_2017"] == pytest.approx((j / total) / (muni["jobs_J"].sum() / muni["jobs_total"].sum()),
                                           abs=1e-3)
    eu = _csv(PINNED / "cluster", "eurostat_employment_nuts3_2000_2017")
    vs = eu[(eu["geo"] == "FI1C1") & (eu["nace"] == "J")].set_index("year")["employed"].astype(float)
    assert k["vs_j_change_pct"] == pytest.approx(100 * (vs["2017"] / vs["2000"] - 1))


def test_real_series_for_a_region(runs):
    k = runs["MK06"]
    info = _csv(PINNED, "information_sector_jobs_subregion_2008").set_index(["region_code", "measure"])["value"].astype(float)
    assert k["info_sector_subregions_in_area"] == ["SK064"]
    assert k["info_sector_share_2008_by_subregion"] == {"SK064": info[("SK064", "information_sector_share")]} == {"SK064": 10.5}
    assert k["info_sector_share_pct_2008_area_subregions"] == pytest.approx(
        100 * info[("SK064", "jobs_information_sector")] / info[("SK064", "jobs_all_industries")])
    assert k["ict_j_establishment_share_2016"] == {"KU837": 7.7}  # Tampere, chart transcript
    assert k["turku_software_developers_2017"] is None and k["rd_eur_million_end"] == 897.1
    assert k["live_business_data"] is False and k["ict_lq_personnel_end"] is None


def test_municipalities(runs):
    ict16 = _csv(PINNED, "ict_establishment_share_municipality_2016").set_index("region_code")["value"].astype(float)
    assert runs["KU091"]["ict_j_establishment_share_2016"] == {"KU091": ict16["KU091"]}
    assert runs["KU304"]["ict_j_establishment_share_2016"] == {}  # Kustavi is not in the chart: nothing substituted
    for key in ("KU091", "KU304"):
        assert runs[key]["info_sector_share_pct_2008_area_subregions"] is None
        assert runs[key]["rd_eur_million_end"] is None


def test_varsinais_suomi_real_figures(runs):
    k = runs["fixture_MK02_core"]  # the real sections read verbatim copies of the pinned files
    occ = _csv(PINNED, "turku_jobs_by_occupation_2017")
    software = float(occ[(occ["occupation_code_aml2010"] == "251") & (occ["measure"] == "jobs_in_turku")]["value"].iloc[0])
    assert k["turku_software_developers_2017"] == software == 2166
    assert k["info_sector_share_2008_by_subregion"] == {"SK022": 22.4, "SK023": 6.4}
    assert k["ict_j_establishment_share_2016"] == {"KU734": 2.6, "KU853": 5.3}


def test_live_sections_on_the_fixture(runs):
    k = runs["fixture_MK02_services"]
    biz = _csv(FIXTURE, "statfin_alyr_establishments_region")
    biz = biz[(biz["contentscode"] == "alyr_henkilosto")].set_index(
        ["alue_28_20250101", "timeperiod_y", "toimiala_31_20080101"])["value"].astype(float)
    services = ["582", "61", "62", "631", "951"]
    mk = lambda y: sum(biz[("MK02", y, c)] for c in services)  # noqa: E731
    assert k["ict_personnel_end"] == mk("2022")
    assert k["ict_personnel_growth_pct"] == pytest.approx(100 * (mk("2022") / mk("2019") - 1))
    sss = sum(biz[("SSS", "2022", c)] for c in services)
    assert k["ict_lq_personnel_end"] == pytest.approx((mk("2022") / biz[("MK02", "2022", "SSS")]) / (sss / biz[("SSS", "2022", "SSS")]))
    assert k["ict_jobs_lq_end"] == pytest.approx(((700 + 3500) / 230000) / ((13000 + 60000) / 2500000))
    assert k["ict_occupations_lq_end"] == pytest.approx(((500 + 5000 + 1800) / 235000) / ((9000 + 80000 + 25000) / 2600000))


def test_suppressed_cell_makes_the_sector_total_missing(runs):
    k = runs["fixture_MK02_core"]  # 26.8 is '..' for MK02 in the fixture
    assert k["live_business_data"] is True
    assert k["ict_personnel_end"] is None and k["ict_lq_personnel_end"] is None


@pytest.mark.parametrize("parameters, expected", [
    ({"area": "Narnia"}, "Narnia"),
    ({"rd_end_year": 2020}, "2020"),
    ({"scope": 5}, "scope"),
    ({"aera": "MK02"}, "'aera'"),
])
def test_bad_parameters_stop_in_the_validation_cell(tmp_path, parameters, expected):
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute_workbook("ict_cluster", tmp_path / "bad.ipynb", **parameters)
    assert "ParameterError" in str(err.value) and expected in str(err.value)
