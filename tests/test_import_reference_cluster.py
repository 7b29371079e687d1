"""tools/import_reference/cluster.py on HAND-MADE inputs: the Eurostat fixture folder
(tests/fixtures/reference_import/cluster) and MITENNA .xlsx files written here with openpyxl
from the hand-made rows below. Values are invented; the real totals are re-checked on the
pinned files by tests/test_snapshot_paavo_cluster_climate.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import cluster  # noqa: E402
from import_reference._tables import ConversionError  # noqa: E402

EUROSTAT = ROOT / "tests" / "fixtures" / "reference_import" / "cluster" / "eurostat_employment_nuts3_2000-2017"

OCCUPATIONS = ["01.1 Agricultural entrepreneurs and workers", "02.11  Electrical and electronics engineers",
               "10.5 Computing managers and professionals"]
# HAND-MADE rows: label, occupation cells (None = blank), grand total
ROWS = [
    ("01 Crop and animal production, hunting and related service activities", [5, None, None, 1], 6),
    ("01110  Growing of cereals (except rice), leguminous crops and oil seeds", [90, None, None, 2], 92),
    ("21200  Manufacture of pharmaceutical preparations", [None, 3, 4, 1], 8),
    ("26110  Manufacture of electronic components", [None, 7, 2, None], 9),
    ("62010  Computer programming activities", [None, 1, 30, 2], 33),
    ("N  Administrative and support service activities", [1, None, None, 1], 2),
    ("00000 Industry unknown", [1, 1, 1, 7], 10),
]


def write_mitenna(folder: Path, year: int, rows=ROWS, retrieved="15.01.2019") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Item 1"
    ws.append(["Employed", ""])
    ws.append(["", *OCCUPATIONS, "Missing data", "Grand total"])
    for label, cells, total in rows:
        ws.append([label, *cells, total])
    grand = [sum(r[1][i] or 0 for r in rows) for i in range(len(OCCUPATIONS) + 1)]
    ws.append(["Grand total", *grand, sum(r[2] for r in rows)])
    info = wb.create_sheet("Information")
    for text in (None, "Employed by occupational group and the Statistics Finland industrial classification",
                 "Table measures: employed\nGraph measures: employed", "Filters:",
                 f"Statistical year: {year}\n\n", "Vipunen - Reporting portal for the education "
                 f"administration - Report retrieved {retrieved}"):
        info.append([text])
    path = folder / f"MITENNA_{year}.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def mitenna(tmp_path):
    pytest.importorskip("openpyxl")
    folder = tmp_path / "national_employment_tol5_2012-2016"
    folder.mkdir()
    for year in cluster.MITENNA_YEARS:
        write_mitenna(folder, year)
    return folder


# --------------------------------------------------------------------------------- Eurostat
def test_eurostat_is_long_in_persons_with_float_artefacts_rounded():
    df, meta = cluster.build_eurostat(EUROSTAT)
    assert len(df) == 4 * 15
    a = df[(df["geo"] == "FI1C1") & (df["nace"] == "A")].iloc[0]
    assert a["employed"] == 1_000.0  # 999.9999999999999 in the file
    mn = df[(df["geo"] == "FI") & (df["nace"] == "M-N")].iloc[0]
    assert (mn["nace_eurostat"], mn["unit"], mn["geo_name"], mn["nuts_level"]) == \
        ("M_N", "persons", "Suomi / Finland", 0)
    y18 = df[df["year"] == 2018]
    assert y18.loc[y18["nace"] == "TOTAL", "employed"].tolist() == [2_560_000.0]
    assert y18.loc[y18["nace"] != "TOTAL", "employed"].isna().all()  # missing, not 0
    dev = cluster.eurostat_identity_deviations(df)
    assert len(dev) == 3 * 4 and (dev["deviation"] == 0).all()
    assert "persons" in meta["description"] and meta["licenses"][0]["name"] == "CC-BY-4.0"


def test_eurostat_validate_rejects_a_partial_extract():
    df, _ = cluster.build_eurostat(EUROSTAT)
    with pytest.raises(ConversionError, match="geos"):
        cluster.validate_eurostat(df)


def test_eurostat_refuses_an_unknown_column(tmp_path):
    src = EUROSTAT / "nama_10r_3empers_FI_FI1C_FI1C1_datacommons.csv"
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / src.name).write_text(src.read_text().replace("NACE/J,", "NACE/JJ,", 1))
    with pytest.raises(ConversionError, match="JJ"):
        cluster.build_eurostat(folder)


# ---------------------------------------------------------------------------------- MITENNA
def test_mitenna_rows_keep_their_level_and_add_up_to_the_grand_total(mitenna):
    df, meta = cluster.build_tol5(mitenna)
    assert sorted(df["year"].unique()) == list(cluster.MITENNA_YEARS)
    y = df[df["year"] == 2012].set_index("tol_code")
    assert y.loc["01", "level"] == "residual_2" and y.loc["N", "level"] == "residual_section"
    assert y.loc["00000", "level"] == "unknown" and y.loc["SSSSS", "level"] == "total"
    assert y.loc["21200", ["level", "industry_name_en", "employed"]].tolist() == \
        ["industry_5", "Manufacture of pharmaceutical preparations", 8]
    assert y.loc["SSSSS", "employed"] == y.drop(index="SSSSS")["employed"].sum() == 160
    assert df["industry_name_fi"].isna().all()  # not in the source
    assert str(df["tol_code"].dtype) in ("str", "object")


def test_mitenna_refuses_a_row_whose_occupations_do_not_add_up(mitenna):
    bad = list(ROWS)
    bad[2] = ("21200  Manufacture of pharmaceutical preparations", [None, 3, 4, 1], 9)
    write_mitenna(mitenna, 2014, rows=bad)
    with pytest.raises(ConversionError, match="21200"):
        cluster.build_tol5(mitenna)


def test_mitenna_occ60_must_stay_a_copy_of_2014(mitenna, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    write_mitenna(other, 2014, retrieved="27.06.2018").rename(mitenna / "MITENNA_OCC60.xlsx")
    cluster.build_tol5(mitenna)  # the same cells as MITENNA_2014.xlsx: fine
    changed = list(ROWS)
    changed[4] = ("62010  Computer programming activities", [None, 2, 30, 2], 34)
    write_mitenna(other, 2014, rows=changed).rename(mitenna / "MITENNA_OCC60.xlsx")
    with pytest.raises(ConversionError, match="OCC60"):
        cluster.build_tol5(mitenna)


def test_mitenna_occupations_of_the_selected_industries_blanks_missing(mitenna):
    df, _ = cluster.build_tol5_occ(mitenna)
    assert set(df["tol_code"]) == {"21200", "26110", "62010", "SSSSS"}
    r = df[(df["year"] == 2016) & (df["tol_code"] == "21200")].set_index("occupation_code")
    assert list(r.index) == ["01.1", "02.11", "10.5", "missing"]
    assert pd.isna(r.loc["01.1", "employed"]) and r.loc["10.5", "employed"] == 4
    assert r.loc["02.11", "occupation_name"] == "Electrical and electronics engineers"
    assert r["employed"].sum() == 8
