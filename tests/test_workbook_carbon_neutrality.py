"""notebooks/carbon_neutrality.ipynb executed with papermill for Turku, two other
municipalities (one given by its Swedish name) and a region, and with bad parameters.

Key figures recorded by the notebook are compared with values computed here independently
from the pinned CSV files (pandas, dtype=str; region membership from
area_classification_2026.csv).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

papermill = pytest.importorskip("papermill")

from workbook_runs import execute_workbook  # noqa: E402

from helpers import downloads, keyfigures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SNAP_DIR = ROOT / "data" / "snapshot"
CLIMATE = SNAP_DIR / "climate"

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, name: str, **parameters) -> Path:
    return execute_workbook("carbon_neutrality", tmp_path / f"{name}.ipynb", **parameters)


@pytest.fixture(scope="module")
def heat():
    """Floor area by fuel (all building uses) per area code, and the 2026 region of each code."""
    f = pd.read_csv(CLIMATE / "buildings_floor_area_by_heating_fuel_2019.csv", dtype=str)
    f = f[f["building_type"] == "total"].assign(m2=lambda d: d["floor_area_m2"].astype(int))
    wide = f.pivot(index="area_code", columns="heating_fuel", values="m2")
    c26 = pd.read_csv(SNAP_DIR / "area_classification_2026.csv", dtype=str)
    return wide, dict(zip(c26["kunta"], c26["maakunta"]))


def _pct(wide: pd.DataFrame, codes, fuel: str) -> float:
    part = wide.loc[list(codes)].sum()
    return round(100 * part[fuel] / part["total"], 2)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("carbon")
    paths = {
        "turku": _run(tmp, "turku"),
        "paimio": _run(tmp, "paimio", area="Paimio", compare_to="MK01"),
        "pargas": _run(tmp, "pargas", area="Pargas"),
        "mk02": _run(tmp, "mk02", area="MK02"),
    }
    return {k: (keyfigures.as_dict(keyfigures.read(p)), json.loads(p.read_text(encoding="utf-8")))
            for k, p in paths.items()}


def _text(nb) -> str:
    out = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            for kind in ("text/markdown", "text/plain"):
                if kind in data:
                    out.append("".join(data[kind]))
    return "\n".join(out)


def test_turku_default_run(runs, heat):
    f, nb = runs["turku"]
    wide, _ = heat
    inv = pd.read_csv(CLIMATE / "turku_ghg_inventory_2020.csv", dtype=str)
    total = inv["t_co2e"].astype(float).sum()
    assert f["area_code"] == "KU853" and f["area_has_emissions_inventory"] is True
    assert f["turku_emissions_2020_t"] == total == 601_638
    assert f["turku_per_capita_2020_t"] == 2.6 and f["turku_per_capita_1990_t"] == 7.8
    assert f["target_level_2029_t"] == round(total * 0.25)
    assert f["required_reduction_t_per_year"] == 50_137  # (601 638 − 150 409.5) / 9 = 50 136.5
    assert f["required_reduction_pct_per_year"] == round(100 * (1 - 0.25 ** (1 / 9)), 2)
    assert f["district_heat_share_pct"] == _pct(wide, ["853"], "district_heat") == 67.48
    assert f["oil_gas_share_pct"] == _pct(wide, ["853"], "oil_gas")
    assert f["country_district_heat_share_pct"] == _pct(wide, ["SSS"], "district_heat")
    assert f["turku_top_subsectors"] == ["On-road", "Residential buildings", "Industrial buildings & facilities"]
    names = {d["name"] for d in downloads.read(nb)}
    assert {"turku_ghg_inventory_2020", "turku_required_reduction_2020_2029", "turku_cdp_reported",
            "heating_mix_comparison", "heating_mix_municipalities", "heating_mix_regions"} <= names
    text = _text(nb)
    assert "no greenhouse-gas emissions inventory" not in text
    assert "not official statistics" in text and "at least 75 per cent" in text


def test_paimio_compared_with_uusimaa(runs, heat):
    f, nb = runs["paimio"]
    wide, region = heat
    assert f["area_name"] == "Paimio" and f["region"] == "MK02 Varsinais-Suomi"
    assert f["area_has_emissions_inventory"] is False
    assert f["turku_emissions_2020_t"] == 601_638  # Turku's, as the reference
    assert f["district_heat_share_pct"] == _pct(wide, ["577"], "district_heat")
    assert f["oil_gas_share_pct"] == _pct(wide, ["577"], "oil_gas")
    uusimaa = [c for c, r in region.items() if r == "01"]
    assert f["compare_to"] == "MK01 Uusimaa"
    assert f["compare_district_heat_share_pct"] == _pct(wide, uusimaa, "district_heat")
    text = _text(nb)
    assert "no greenhouse-gas emissions inventory for Paimio" in text and "Syke" in text
    assert "Paimio's greenhouse-gas emissions 2017 in the commissioned CO2-raportti" in text


def test_pargas_by_its_swedish_name(runs, heat):
    f, nb = runs["pargas"]
    wide, region = heat
    assert f["area_code"] == "KU445" and f["area_name"] == "Parainen"
    assert f["district_heat_share_pct"] == _pct(wide, ["445"], "district_heat")
    vs = [c for c, r in region.items() if r == "02"]
    shares = {c: _pct(wide, [c], "district_heat") for c in vs}
    assert f["rank_district_heat_in_region"] == 1 + sum(v > shares["445"] for v in shares.values())
    assert f["units_in_region"] == 27
    text = _text(nb)
    assert "no greenhouse-gas emissions inventory for Parainen" in text
    assert "Parainen's greenhouse-gas emissions 2017" not in text  # no commissioned report for Parainen


def test_varsinais_suomi_region(runs, heat):
    f, nb = runs["mk02"]
    wide, region = heat
    vs = [c for c, r in region.items() if r == "02"]
    assert f["area_kind"] == "region" and f["floor_area_m2"] == wide.loc[vs, "total"].sum()
    assert f["district_heat_share_pct"] == _pct(wide, vs, "district_heat") == 40.46
    assert f["oil_gas_share_pct"] == _pct(wide, vs, "oil_gas") == 22.08
    assert f["rank_district_heat_among_regions"] == 9
    assert f["turku_district_heat_share_pct"] == _pct(wide, ["853"], "district_heat")


@pytest.mark.parametrize(
    "parameters, expected",
    [
        ({"area": "Atlantis"}, "Atlantis"),
        ({"area": "SSS"}, "area='SSS' is a country"),
        ({"compare_to": "Turku"}, "compare_to='Turku'"),
    ],
)
def test_bad_parameters_fail_in_validation_cell(tmp_path, parameters, expected):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, "bad", **parameters)
    assert expected in str(info.value)
    assert "ParameterError" in str(info.value)


def test_the_indicator_table_marks_only_the_plans_own_values_as_english():
    """Table B-3.1 in a Finnish report: the indicators' names are ours, translated, so a screen
    reader reads them as Finnish; the targets as printed ("144,000", "On track") stay marked as
    the plan's English (WCAG 2.1, 3.1.2)."""
    from helpers import i18n
    from helpers.notebook import RecordingSnapshot
    from helpers.workbooks import carbon_emission_sections as sections
    from helpers.workbooks import carbon_neutrality

    with i18n.using("fi"):
        res = carbon_neutrality.compute({"area": "Turku", "compare_to": "SSS"}, RecordingSnapshot())
        md = sections.indicators_table(res).data
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 7
    first = rows[0].split(" | ")
    assert first[0] == "| Kiinteän energiankäytön päästöt"  # not <span lang="en">
    assert first[1:] == ['<span lang="en">144,000</span>', '<span lang="en">On track</span>',
                         '<span lang="en">41,000</span> |']
