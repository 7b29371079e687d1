"""tools/import_reference/paavo.py on the HAND-MADE fixture folders (tests/fixtures/reference_import/paavo).

The fixture values are invented; the real totals are re-checked on the pinned files by
tests/test_snapshot_paavo_cluster_climate.py.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import Converter, paavo, pin  # noqa: E402
from import_reference._tables import ConversionError  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "reference_import"
P2020 = FIXTURES / "paavo" / "paavo_2020_municipal"
POSTCODE = FIXTURES / "paavo" / "paavo_postcode_2012-2016_and_key_figures_2006-2016"


def _copy(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / src.name
    shutil.copytree(src, dest)
    return dest


def _empty_snapshot(tmp_path: Path):
    from helpers.snapshot import Snapshot

    snap = tmp_path / "snapshot"
    snap.mkdir()
    (snap / "datapackage.json").write_text(json.dumps(
        {"profile": "data-package", "name": "t", "resources": []}), encoding="utf-8")
    return Snapshot(snap)


# ------------------------------------------------------------------------ paavo_2020_municipal
def test_paavo_2020_is_long_with_codes_regions_and_published_labels():
    df, meta = paavo.build_paavo_2020(P2020)
    assert len(df) == 5 * 101
    areas = df.drop_duplicates("area_code").set_index("area_code")
    assert list(areas.index) == ["149", "02", "853", "445", "284"]  # zero-padded strings
    assert areas.loc["149", ["area_kind", "area_name", "area_name_published", "region_code"]].tolist() \
        == ["municipality", "Inkoo", "Ingå", "01"]  # Swedish name mapped, Uusimaa without a region row
    assert areas.loc["445", "area_name"] == "Parainen"
    assert areas.loc["02", ["area_kind", "area_name", "area_name_published"]].tolist() \
        == ["region", "Varsinais-Suomi", "MK02 Southwest Finland"]
    assert pd.isna(areas.loc["02", "region_code"])
    j = df[(df["area_code"] == "853") & (df["variable"] == "jobs_J")].iloc[0]
    assert (j["group"], j["category"], j["label"], j["year"], j["unit"], j["additive"]) == \
        ("TP", "J", "J Information and communication, 2017 (TP)", 2017, "jobs", "yes")
    mean = df[(df["area_code"] == "853") & (df["variable"] == "hr_income_mean")].iloc[0]
    assert (mean["unit"], mean["additive"]) == ("EUR", "no")
    assert set(df["group"]) == set(paavo.GROUPS)
    assert meta["path"] == "paavo/paavo_2020_municipal.csv"
    assert "without coordinates" in " ".join(meta["caveats"])


def test_paavo_2020_fails_loudly_on_a_name_not_in_the_registry(tmp_path):
    folder = _copy(P2020, tmp_path)
    f = folder / "paavo_municipality_demographics.csv"
    f.write_text(f.read_text(encoding="utf-8").replace('"Koski Tl"', '"Koski"'), encoding="utf-8")
    with pytest.raises(ConversionError, match="Koski"):
        paavo.build_paavo_2020(folder)


def test_paavo_2020_refuses_a_municipality_under_the_wrong_region_row(tmp_path):
    folder = _copy(P2020, tmp_path)
    f = folder / "paavo_municipality_demographics.csv"
    text = f.read_text(encoding="utf-8")
    lines = text.splitlines()
    ingaa = next(i for i, line in enumerate(lines) if line.startswith('"Ingå"'))
    moved = lines.pop(ingaa)
    lines.append(moved)  # Inkoo (region 01) now listed under MK02
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConversionError, match="listed under MK02"):
        paavo.build_paavo_2020(folder)


def test_paavo_2020_validate_rejects_data_that_is_not_the_real_table():
    df, _ = paavo.build_paavo_2020(P2020)
    with pytest.raises(ConversionError, match="310 of the 2020 division"):
        paavo.validate_paavo_2020(df)


# ------------------------------------------------------------------------ postcode_areas_2020
def test_postal_key_repairs_unquoted_commas_and_double_decoded_names():
    key, notes = paavo.read_postal_key(P2020 / "alueryhmittely_posnro_2020_en.csv")
    row = key.set_index("postal_code").loc["20101"]
    assert (row["name_fi"], row["name_sv"]) == ("Turku Testi, eteläinen", "Åbo test, södra")
    assert key.set_index("postal_code").loc["21600", "subregion_name"] == "Åboland-Turunmaa"
    assert any("re-joined" in n for n in notes) and any("decoded twice" in n for n in notes)
    assert key["municipality_code"].tolist() == ["149", "853", "853", "445", "284"]


def test_postcode_areas_join_the_centre_points():
    df, meta = paavo.build_postcode_areas(P2020)
    assert df["postal_code"].tolist() == ["10210", "20100", "20101", "21600", "31500"]
    turku = df.set_index("postal_code").loc["20100"]
    assert (turku["x"], turku["y"], turku["region_code"]) == (240000, 6710000, "02")
    assert "EPSG:3067" in next(f["description"] for f in meta["schema"]["fields"] if f["name"] == "x")


def test_postcode_areas_refuse_a_centre_point_with_another_name(tmp_path):
    folder = _copy(P2020, tmp_path)
    f = folder / "paavo_geospacial_by_city.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Turku Keskus (Turku)", "Turku Center (Turku)"),
                 encoding="utf-8")
    with pytest.raises(ConversionError, match="names differ"):
        paavo.build_postcode_areas(folder)


# ---------------------------------------------------------- paavo_postcode_varsinais_suomi
def test_postcode_vs_keeps_suppressed_cells_missing_never_zero():
    df, _ = paavo.build_postcode_vs(POSTCODE)
    supp = df[(df["postal_code"] == "20101") & (df["year"] == 2016) & (df["group"] == "TP")]
    assert supp.set_index("variable").loc["jobs_total", "value"] == 12
    classes = supp[supp["variable"] != "jobs_total"]
    assert classes["value"].isna().all() and (classes["value_status"] == "NA").all()
    lf = df[(df["variable"] == "labour_force") & (df["year"] == 2016)]
    assert lf["value"].isna().all()
    assert (df.loc[df["value"].notna(), "value_status"].isna()).all()
    assert (df["edition"] == df["year"] + 3).all()
    j = df[(df["variable"] == "jobs_J") & (df["year"] == 2015)]
    assert j["category"].tolist() == ["J", "J"] and j["value"].sum() == 77
    assert df["label"].str.contains("Informaatio").any()


def test_postcode_vs_pins_with_status_through_the_snapshot(tmp_path):
    snap = _empty_snapshot(tmp_path)
    conv = Converter("paavo_postcode_varsinais_suomi_2012_2016", paavo.PAAVO_POSTCODE,
                     paavo.build_postcode_vs, None, paavo.__name__)
    entry = pin(conv, FIXTURES, snap)
    assert entry["path"] == "paavo/paavo_postcode_varsinais_suomi_2012_2016.csv"
    for key in ("title", "description", "sources", "licenses", "attribution", "publisher",
                "table_id", "reference_period", "obtained", "retrieved_at", "caveats",
                "quality", "suitability"):
        assert entry.get(key), key
    assert "module paavo" in entry["obtained"]
    back = snap.load("paavo_postcode_varsinais_suomi_2012_2016")
    assert str(back["postal_code"].dtype) == "str" and back["postal_code"].str.fullmatch(r"\d{5}").all()
    missing = back[back["value"].isna()]
    assert len(missing) > 0 and (missing["value_status"] == "NA").all()
