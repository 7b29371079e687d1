"""notebooks/life_science_cluster.ipynb executed with papermill on the pinned snapshot (other
areas) and on the cluster fixture snapshot (live-only sections; HAND-MADE values)."""

from __future__ import annotations

import json
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
    return execute_workbook("life_science_cluster", tmp_path_factory.mktemp("ls") / f"{name}.ipynb", **parameters)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return {
        "MK06": read_figures(_run(tmp_path_factory, "mk06", area="MK06")),
        "KU091": read_figures(_run(tmp_path_factory, "ku091", area="KU091")),
        "KU304": read_figures(_run(tmp_path_factory, "ku304", area="KU304", scope="wide")),
        "KU853": read_figures(_run(tmp_path_factory, "ku853", area="Turku")),
        "KU734": read_figures(_run(tmp_path_factory, "ku734", area="Salo")),
        "KU322": read_figures(_run(tmp_path_factory, "ku322", area="Kimitoön")),
        "fixture_MK02": read_figures(_run(tmp_path_factory, "fx_mk02", snapshot=str(FIXTURE))),
        "fixture_KU304": read_figures(
            _run(tmp_path_factory, "fx_ku304", area="Kustavi", snapshot=str(FIXTURE))),
    }


def _csv(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str)


@pytest.fixture(scope="module")
def paavo():
    p = _csv(PINNED / "paavo", "paavo_2020_municipal")
    p = p[(p["group"] == "TP") & (p["area_kind"] == "municipality")]
    return p.assign(value=p["value"].astype(int)).pivot(index="area_code", columns="variable", values="value")


def _lq(paavo, codes, section):
    rows = paavo.loc[codes]
    return ((rows[f"jobs_{section}"].sum() / rows["jobs_total"].sum())
            / (paavo[f"jobs_{section}"].sum() / paavo["jobs_total"].sum()))


def test_committed_default_report_has_every_headline_figure():
    nb = ROOT / "notebooks" / "life_science_cluster.ipynb"
    items = keyfigures.read(nb)
    heads = [e for e in items if e["headline"]]
    assert [e["name"] for e in heads] == ["c_jobs_2017", "c_lq_2017", "m_jobs_2017", "q_jobs_2017",
                                         "national_core_employed_2016", "claim_20pct_official_verdict"]
    assert all(e["value"] is not None for e in heads)
    k = keyfigures.as_dict(items)
    assert (k["c_jobs_2017"], k["m_jobs_2017"], k["q_jobs_2017"]) == (31155, 10619, 36067)
    assert k["national_core_employed_2016"] == 4332 + 2167 + 1679 + 859
    assert k["implied_industrial_workforce"] == 28500
    assert k["claim_20pct_official_verdict"].startswith("Not confirmed: official totals point lower")
    text = nb.read_text(encoding="utf-8")
    assert "this part is left out" not in text
    assert text.count("Not in this snapshot:") == 1
    shown = "".join("".join(out.get("data", {}).get("text/markdown", "")) + "".join(cell["source"])
                    for cell in json.loads(text)["cells"] for out in cell.get("outputs", []) or [{}])
    for internal in ("FINDINGS", "findings_ref", "seed_id", "official_data_that_could_confirm", "§"):
        assert internal not in shown  # no internal reference reaches a reader


def test_municipalities_offline_figures(runs, paavo):
    for key, code in (("KU853", "853"), ("KU734", "734"), ("KU322", "322"), ("KU091", "091")):
        k = runs[key]
        for s in ("C", "M", "Q"):
            assert k[f"{s.lower()}_jobs_2017"] == paavo.loc[code, f"jobs_{s}"]
        assert k["c_lq_2017"] == pytest.approx(_lq(paavo, [code], "C"), abs=1e-3)
        assert k["c_share_pct_2017"] == pytest.approx(100 * paavo.loc[code, "jobs_C"] / paavo.loc[code, "jobs_total"],
                                                      abs=1e-3)
        assert k["implied_industrial_workforce"] == 28500  # the claims are about Varsinais-Suomi whatever the area
    assert runs["KU853"]["c_jobs_2017"] == 10191


def test_region_offline_figures(runs, paavo):
    k = runs["MK06"]
    members = [a.code for a in regions.municipalities("06")]
    assert k["c_jobs_2017"] == paavo.loc[members, "jobs_C"].sum()
    assert k["q_lq_2017"] == pytest.approx(_lq(paavo, members, "Q"), abs=1e-3)
    assert k["vs_manufacturing_jobs_2017"] == paavo.loc[[a.code for a in regions.municipalities("02")], "jobs_C"].sum()


def test_region_real_series_match_the_snapshot(runs):
    k = runs["MK06"]
    rd = _csv(PINNED, "rd_expenditure_subregion")
    rd = rd[(rd["measure"] == "rd_expenditure") & (rd["region_code"] == "SK064")]
    latest = lambda y: float(rd[rd["year"] == y].sort_values("release_year")["value"].iloc[-1])  # noqa: E731
    assert k["rd_subregions_in_area"] == ["SK064"]
    assert k["rd_eur_million_end"] == pytest.approx(latest("2013")) == pytest.approx(897.1)
    assert k["rd_change_pct"] == pytest.approx(100 * (latest("2013") / latest("2007") - 1))
    va = _csv(PINNED, "manufacturing_value_added_region")
    va = va[(va["release"] == "atoi_2009_tie_002") & (va["year"] == "2009") & (va["measure"] == "value_added_at_production")]
    val = lambda r: float(va.loc[va["region_code"] == r, "value"].iloc[0])  # noqa: E731
    assert k["manufacturing_va_share_pct_c_latest"] == pytest.approx(100 * val("MK06") / val("SSS"))
    assert k["goods_exports_share_pct_2019"] == 8.1 and k["goods_exports_share_pct_2022"] is None
    assert k["live_business_data"] is False and k["cluster_lq_personnel_end"] is None
    assert k["claims_not_found"] == 1 and k["claims_checkable_live"] == 2


def test_municipalities_have_no_substituted_values(runs):
    for key in ("KU091", "KU304"):
        k = runs[key]
        assert k["rd_eur_million_end"] is None and k["manufacturing_va_share_pct_c_latest"] is None
        assert k["goods_exports_share_pct_2022"] is None and k["share_of_manufacturing_personnel_pct"] is None
    assert runs["KU304"]["cluster_codes"] == ["21", "26.6", "32.5", "72.11", "46.46"]


def test_live_sections_run_on_the_fixture(runs):
    k = runs["fixture_MK02"]
    biz = _csv(FIXTURE, "statfin_alyr_establishments_region")
    biz = biz[(biz["alue_28_20250101"] == "MK02") & (biz["timeperiod_y"] == "2022")
              & (biz["contentscode"] == "alyr_henkilosto")].set_index("toimiala_31_20080101")["value"].astype(float)
    assert k["live_business_data"] is True
    assert k["cluster_personnel_end"] == biz[["21", "266", "325", "7211"]].sum()
    assert k["share_of_manufacturing_personnel_pct"] == pytest.approx(100 * biz[["21", "266", "325"]].sum() / biz["C"])
    assert k["claim_20pct_workforce_verdict"] == "lower"
    assert k["cluster_lq_personnel_end"] == pytest.approx(
        (biz[["21", "266", "325", "7211"]].sum() / biz["SSS"]) / (11500 / 1500000))
    assert k["cluster_regional_shift"] == 0.0  # every fixture cell grows by the same 1/0.9
    assert k["pharma_jobs_lq_end"] == pytest.approx((3300 / 230000) / (5500 / 2500000))


def test_suppressed_municipal_cells_stay_missing(runs):
    k = runs["fixture_KU304"]
    assert k["live_business_data"] is True
    assert k["cluster_personnel_end"] is None  # every cluster cell of Kustavi is '..'
    assert k["claim_20pct_workforce_verdict"] == "cannot be computed"
    assert k["pharma_jobs_lq_end"] is None  # Kustavi is not in the fixture's jobs table


@pytest.mark.parametrize("parameters, expected", [
    ({"area": "Atlantis"}, "Atlantis"),
    ({"rd_start_year": 2009}, "2009"),
    ({"rd_start_year": "twenty"}, "twenty"),
    ({"are": "MK02"}, "'are'"),
])
def test_bad_parameters_stop_in_the_validation_cell(tmp_path, parameters, expected):
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute_workbook("life_science_cluster", tmp_path / "bad.ipynb", **parameters)
    assert "ParameterError" in str(err.value) and expected in str(err.value)
