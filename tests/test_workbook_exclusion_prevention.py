"""notebooks/exclusion_prevention.ipynb executed with papermill (pinned snapshot, offline).

The key figures and the composite_index download of each run are compared with values
computed here independently from the pinned CSV files (read as text; region membership from
area_classification_2026.csv).
"""

from __future__ import annotations

import io
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

papermill = pytest.importorskip("papermill")

from workbook_runs import execute_workbook  # noqa: E402

from helpers import downloads, keyfigures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SNAP = ROOT / "data" / "snapshot"
CORE = ["181", "3562", "5", "1275", "3099"]

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, name: str, **parameters) -> Path:
    return execute_workbook("exclusion_prevention", tmp_path / f"{name}.ipynb", **parameters)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exclusion")
    paths = {
        "MK02": _run(tmp, "mk02"),
        "MK19": _run(tmp, "mk19", area="MK19", compare_to="MK02"),
        "KU853": _run(tmp, "turku", area="Turku"),
        "KU091": _run(tmp, "helsinki", area="KU091"),
        "KU304": _run(tmp, "kustavi", area="Kustavi"),
        "KU445": _run(tmp, "pargas", area="Pargas"),
    }
    return {k: nbformat.read(p, as_version=4) for k, p in paths.items()}


def figures(nb) -> dict:
    return keyfigures.as_dict(keyfigures.read(nb))


def headline(nb) -> list[str]:
    return [e["name"] for e in keyfigures.read(nb) if e["headline"]]


@pytest.fixture(scope="module")
def real():
    d = pd.read_csv(SNAP / "exclusion" / "sotkanet_municipal_2019.csv", dtype=str)
    d["value"] = pd.to_numeric(d["value"])
    w = d.pivot(index="area_code", columns="indicator", values="value")
    z = pd.DataFrame({c: (w[c] - w[c].mean()) / w[c].std(ddof=0) for c in CORE})
    index = z.mean(axis=1).where(z.notna().sum(axis=1) >= 3)
    c26 = pd.read_csv(SNAP / "area_classification_2026.csv", dtype=str)
    region = pd.Series(dict(zip(c26["kunta"], c26["maakunta"]))).reindex(w.index)
    tem = pd.read_csv(SNAP / "exclusion" / "tem_jobseekers_monthly_2006_2023.csv", dtype=str)
    return {"w": w, "index": index, "rank": index.rank(ascending=False, method="min"), "region": region, "tem": tem}


def _higher(s: pd.Series, key) -> int:
    s = s.dropna()
    return int((s > s[key]).sum()) + 1


def _last_rate(tem, code):
    r = tem[tem["area_code"] == code].sort_values("month").iloc[-1]
    return round(100 * int(r["unemployed"]) / int(r["labour_force"]), 1)


def test_default_mk02_every_headline_has_a_value(runs, real):
    f = figures(runs["MK02"])
    assert headline(runs["MK02"]) == [
        "composite_index_mean_of_municipalities", "composite_mean_rank_among_regions",
        "composite_top_quarter_share_pct", "unemployment_2019_median_pct", "unemployment_2019_median_rank",
        "income_support_25_64_2019_median_pct", "income_support_25_64_2019_median_rank",
        "unemployment_rate_latest_month_pct"]
    assert all(f[n] is not None for n in headline(runs["MK02"]))
    means = real["index"].groupby(real["region"]).mean()
    assert f["composite_index_mean_of_municipalities"] == round(means["02"], 3)
    assert f["composite_mean_rank_among_regions"] == _higher(means, "02")
    vs = real["region"][real["region"] == "02"].index
    top = int((real["rank"][vs] <= 302 // 4).sum())
    assert f["composite_top_quarter_share_pct"] == round(100 * top / 27, 1)
    med = real["w"]["181"].groupby(real["region"]).median()
    assert f["unemployment_2019_median_pct"] == round(med["02"], 2) and f["unemployment_2019_median_rank"] == _higher(med, "02")
    med5 = real["w"]["5"].groupby(real["region"]).median()
    assert f["income_support_25_64_2019_median_pct"] == round(med5["02"], 2)
    assert f["unemployment_rate_latest_month_pct"] == _last_rate(real["tem"], "MK02") and f["latest_month"] == "2023-10"
    assert f["outside_education_17_24_MK02_last_year"] == "2011"


def test_composite_download_has_every_municipality(runs, real):
    item = next(d for d in downloads.read(runs["MK02"]) if d["name"] == "composite_index")
    csv = pd.read_csv(io.StringIO(item["csv"]), dtype=str, keep_default_na=False)
    assert list(csv.columns) == ["area_code", "area_name", "composite_index", "rank"]
    assert len(csv) == 308 and csv["area_code"].is_unique and csv["area_code"].str.fullmatch(r"\d{3}").all()
    ranked = csv[csv["rank"] != ""]
    assert len(ranked) == 302 and (csv.loc[csv["rank"] == "", "composite_index"] == "").all()
    top = ranked.loc[ranked["rank"].astype(int).idxmin()]
    assert top["area_code"] == real["index"].idxmax() and float(top["composite_index"]) == round(real["index"].max(), 4)
    names = [d["name"] for d in downloads.read(runs["MK02"])]
    assert len(names) == len(set(names))                                # every table has its own file


def test_turku(runs, real):
    f = figures(runs["KU853"])
    assert f["area"] == "KU853 Turku" and f["composite_index"] == round(real["index"]["853"], 3)
    assert f["composite_rank"] == int(real["rank"]["853"])
    assert f["unemployment_2019_pct"] == 11.2 and f["unemployment_2019_rank"] == _higher(real["w"]["181"], "853")
    assert f["income_support_25_64_2019_pct"] == real["w"].loc["853", "5"]
    assert f["income_support_25_64_2019_rank"] == _higher(real["w"]["5"], "853")
    assert f["unemployment_rate_latest_month_pct"] == _last_rate(real["tem"], "KU853")
    assert all(f[n] is not None for n in headline(runs["KU853"]))


def test_helsinki_has_no_monthly_series(runs, real):
    f = figures(runs["KU091"])
    assert "unemployment_rate_latest_month_pct" not in headline(runs["KU091"])
    assert f["monthly_areas"] == ["SSS"]
    assert f["composite_rank"] == int(real["rank"]["091"]) and f["youth_region"] == "MK01 Uusimaa"
    assert all(f[n] is not None for n in headline(runs["KU091"]))


def test_kustavi_index_on_three_indicators(runs, real):
    f = figures(runs["KU304"])
    assert np.isnan(real["w"].loc["304", "3562"]) and np.isnan(real["w"].loc["304", "1275"])
    assert f["composite_indicators_used"] == 3 and f["composite_index"] == round(real["index"]["304"], 3)
    assert f["long_term_unemployment_2019_pct"] is None                  # suppressed: missing, not 0
    assert f["youth_region"] == "MK02 Varsinais-Suomi" and f["youth_unemployed_2016"] == 4_113


def test_pargas_is_parainen(runs, real):
    f = figures(runs["KU445"])
    assert f["area"] == "KU445 Parainen" and f["composite_rank"] == int(real["rank"]["445"])
    assert f["unemployment_rate_latest_month_pct"] == _last_rate(real["tem"], "KU445")


def test_lappi_region_compared_with_varsinais_suomi(runs, real):
    f = figures(runs["MK19"])
    med = real["w"]["181"].groupby(real["region"]).median()
    assert f["unemployment_2019_median_pct"] == round(med["19"], 2) and f["unemployment_2019_median_rank"] == 2
    assert "unemployment_rate_latest_month_pct" not in headline(runs["MK19"])
    assert f["youth_compare_area"] == "MK02 Varsinais-Suomi" and f["youth_compare_outside_work_study_2016_pct"] == 16.24
    long = pd.read_csv(SNAP / "exclusion" / "sotkanet_municipal_1990_2012.csv", dtype=str)
    r = long[(long["indicator"] == "3219") & (long["area_kind"] == "region") & (long["area_code"] == "19")]
    assert f["outside_education_17_24_MK19_last_pct"] == float(r.sort_values("year")["value"].iloc[-1])


@pytest.mark.parametrize(
    "parameters, expected",
    [
        ({"area": "Narnia"}, "Narnia"),
        ({"area": "SSS"}, "accepts region or municipality"),
        ({"compare_to": "Turku"}, "accepts country or region"),
        ({"start_year": 2015}, "unknown parameter 'start_year'"),
    ],
)
def test_bad_parameters_fail_in_validation_cell(tmp_path, parameters, expected):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, "bad", **parameters)
    assert expected in str(info.value) and "ParameterError" in str(info.value)
