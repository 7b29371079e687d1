"""tools/import_reference/exclusion.py on the HAND-MADE folders in
tests/fixtures/reference_import/exclusion/ (see the README there). Never the reference folder."""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "reference_import" / "exclusion"
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import exclusion  # noqa: E402
from import_reference._common import CheckError  # noqa: E402


def _with_gzip(src: Path, dest: Path, names: list[str]) -> Path:
    """Copy a fixture folder and gzip the files the collection keeps as .csv.gz."""
    shutil.copytree(src, dest)
    for name in names:
        plain = dest / name
        with open(plain, "rb") as fh, gzip.open(dest / (name + ".gz"), "wb") as gz:
            gz.write(fh.read())
        plain.unlink()
    return dest


# ---------------------------------------------------------------------- Sotkanet 2019
def test_sotkanet_2019_tidy_keeps_codes_and_adds_no_rows():
    df = exclusion.tidy_sotkanet_2019(FIXTURES / "sotkanet_municipal_2019")
    assert len(df) == 7  # exactly the source rows; Aura's missing 1275 gets no row
    assert list(df.columns) == ["indicator", "area_code", "area_name", "sotkanet_region_id",
                                "year", "gender", "value", "value_status", "abs_value"]
    assert df["area_code"].tolist()[:3] == ["019", "202", "853"]  # strings, zero-padded
    assert df["indicator"].tolist()[0] == "181" and df["indicator"].tolist()[-1] == "1275"
    assert not ((df["indicator"] == "1275") & (df["area_code"] == "019")).any()
    turku = df[(df["indicator"] == "181") & (df["area_code"] == "853")].iloc[0]
    assert turku["value"] == 11.2 and turku["abs_value"] == 10580
    assert df.loc[df["indicator"] == "182", "abs_value"].isna().all()  # empty, not 0
    assert df["value_status"].isna().all()


def test_sotkanet_2019_build_rejects_totals_that_do_not_hold():
    with pytest.raises(CheckError, match="municipalities with a value per indicator"):
        exclusion.build_sotkanet_2019(FIXTURES / "sotkanet_municipal_2019")


def test_indicators_2019_tidy_counts_units_and_missing_codes():
    df = exclusion.tidy_indicators_2019(FIXTURES / "sotkanet_municipal_2019").set_index("indicator")
    assert df.index.tolist() == ["181", "182", "1275"]
    assert df.at["181", "producer"] == "Työ- ja elinkeinoministeriö (TEM)"
    assert df.at["181", "unit"] == "%" and df.at["182", "unit"] == "ratio"
    assert df.at["1275", "n_municipalities_with_value"] == 2
    missing = df.at["1275", "area_codes_without_value"].split()
    assert len(missing) == 306 and "019" in missing and "853" not in missing


def test_indicators_2019_refuse_a_list_that_disagrees(tmp_path):
    folder = tmp_path / "s19"
    shutil.copytree(FIXTURES / "sotkanet_municipal_2019", folder)
    text = (folder / "indicators_2019.csv").read_text(encoding="utf-8")
    (folder / "indicators_2019.csv").write_text(text.replace("TEM),3", "TEM),4"), encoding="utf-8")
    with pytest.raises(CheckError, match="disagrees"):
        exclusion.tidy_indicators_2019(folder)


# ---------------------------------------------------------------- Sotkanet 1990-2012
@pytest.fixture
def s13(tmp_path) -> Path:
    return _with_gzip(FIXTURES / "sotkanet_municipal_1990-2012", tmp_path / "s13",
                      ["sotkanet_kunta_all_1990-2012_long.csv",
                       "sotkanet_seutukunta_all_1990-2012_long.csv"])


def test_sotkanet_1990_2012_tidy(s13):
    df = exclusion.tidy_sotkanet_1990_2012(s13)
    assert set(df["indicator"]) == {"127", "181"}  # 3862 (industry share) is not kept
    assert df["title_fi"].str.startswith("[").sum() == 0  # the app's category prefix removed
    m = df[df["area_kind"] == "municipality"].set_index(["indicator", "area_code"])
    assert m.at[("127", "838"), "area_name"] == "Tarvasjoki"
    assert m.at[("127", "019"), "value"] == 3975 and m.at[("127", "019"), "region_code"] == "02"
    sub = df[df["area_kind"] == "subregion"].iloc[0]
    assert sub["area_name"] == "Turun seutukunta" and sub["area_code"] is None
    reg = df[df["area_kind"] == "region"].set_index("indicator")
    assert reg.at["127", "area_code"] == "02" and reg.at["127", "value"] == 467217
    assert df["year"].dtype == "Int64" and df["value_status"].isna().all()


def test_sotkanet_1990_2012_unknown_municipality_fails(s13):
    path = s13 / "sotkanet_regions_kunta_2013.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if ",Tarvasjoki," not in line) + "\n",
                    encoding="utf-8")
    with pytest.raises(CheckError, match="not in the 2013 region list"):
        exclusion.tidy_sotkanet_1990_2012(s13)


def test_sotkanet_1990_2012_build_rejects_the_fixture(s13):
    with pytest.raises(CheckError, match="rows per indicator"):
        exclusion.build_sotkanet_1990_2012(s13)


# ------------------------------------------------------------------------- TEM 12r5 / 12ti
POP2023 = pd.DataFrame({"kunta": ["019", "202"],
                        "seutukunta": ["Loimaan seutukunta", "Turun seutukunta"]})


@pytest.fixture
def tem(tmp_path) -> Path:
    return _with_gzip(FIXTURES / "tem_jobseekers_monthly_2006-2023", tmp_path / "tem",
                      ["tyonv_12ti_mk02_sss_by_occupation_2006-01_2023-10.csv"])


def test_tem_tidy_names_parents_and_missing_vacancy(tem):
    df = exclusion.tidy_tem_jobseekers(tem, pop2023=POP2023)
    assert "ELY02" not in set(df["area_code"])  # equal to MK02, left out
    areas = df.drop_duplicates("area_code").set_index("area_code")
    assert areas.at["SK025", "area_name"] == "Loimaan seutukunta"  # matched by the sums
    assert areas.at["SK023", "area_name"] == "Turun seutukunta"
    assert areas.at["KU019", "area_name"] == "Aura" and areas.at["KU019", "parent_code"] == "SK025"
    assert areas.at["MK02", "parent_code"] == "SSS" and areas.at["SSS", "area_kind"] == "country"
    aura = df[df["area_code"] == "KU019"].set_index("month")
    assert pd.isna(aura.at["2006-02", "vacancies"]) and aura.at["2006-01", "vacancies"] == 6
    assert aura.at["2006-01", "unemployed"] == 121 and df["unemployed"].dtype == "Int64"


def test_tem_subregion_that_does_not_add_up_fails(tem):
    path = tem / "tyonv_12r5_vs_kunnat_sk_mk02_sss_2006-01_2023-10.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("SK025,2006-02,118.0",
                                                             "SK025,2006-02,119.0"),
                    encoding="utf-8")
    with pytest.raises(CheckError, match="SK025: 0 sub-regions"):
        exclusion.tidy_tem_jobseekers(tem, pop2023=POP2023)


def test_tem_build_rejects_the_fixture(tem):
    with pytest.raises(CheckError, match="months are not 2006-01"):
        exclusion.build_tem_jobseekers(tem, pop2023=POP2023)


def test_tem_ict_tidy(tem):
    df = exclusion.tidy_tem_ict(tem)
    assert "2111" not in set(df["occupation_code"])  # not an ICT occupation
    assert len(df) == 10  # the 12 source rows minus the two 2111 rows; none added (SSS 1330 2006-02)
    g = df.drop_duplicates("occupation_code").set_index("occupation_code")["ict_group"]
    assert g.to_dict() == {"SSS": "total", "1330": "133", "2512": "25", "3513": "35"}
    row = df[(df["area_code"] == "MK02") & (df["occupation_code"] == "2512")].set_index("month")
    assert pd.isna(row.at["2006-02", "vacancies"]) and row.at["2006-02", "unemployed"] == 78
    assert df["occupation_name"].isna().all()  # not in the copy, not typed in


def test_tem_ict_total_must_equal_12r5(tem):
    path = tem / "tyonv_12r5_vs_kunnat_sk_mk02_sss_2006-01_2023-10.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("MK02,2006-02,978.0",
                                                             "MK02,2006-02,979.0"),
                    encoding="utf-8")
    with pytest.raises(CheckError, match="12ti MK02 total != 12r5"):
        exclusion.tidy_tem_ict(tem)
