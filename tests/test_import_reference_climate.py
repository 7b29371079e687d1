"""tools/import_reference/climate.py on the HAND-MADE fixture folders
(tests/fixtures/reference_import/climate). Values are invented; the real totals are re-checked
on the pinned files by tests/test_snapshot_paavo_cluster_climate.py.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from import_reference import climate  # noqa: E402
from import_reference._tables import ConversionError  # noqa: E402

FIX = ROOT / "tests" / "fixtures" / "reference_import" / "climate"
TURKU = FIX / "turku_ghg_inventory_2020"
RAKKE = FIX / "buildings_floor_area_heating_2019"


def _copy(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / src.name
    shutil.copytree(src, dest)
    return dest


# ------------------------------------------------------------------------------ Turku 2020
def test_inventory_drops_the_printed_total_and_keeps_footnote_marks_as_status():
    df, meta = climate.build_inventory(TURKU)
    assert len(df) == 7 and df["t_co2e"].sum() == 1900  # = the printed TOTAL row, not a row
    assert "TOTAL (row as printed)" not in set(df["activity"])
    avi = df[df["sub_sector"] == "Aviation"].iloc[0]
    assert pd.isna(avi["gwh"]) and avi["gwh_status"] == "*"
    nav = df[df["sub_sector"] == "Waterborne navigation"].iloc[0]  # '**' moved to footnote
    assert nav["footnote"].startswith("Harbour emissions")
    assert df.set_index("activity").loc["District heating", "sector_a14"] == "buildings"
    assert df["scope"].tolist() == [2, 1, 1, 1, 1, 1, 1]
    assert meta["licenses"][0]["name"] != "CC-BY-4.0"  # the City's terms, not CC BY


def test_inventory_refuses_rows_that_do_not_add_up_to_the_printed_total(tmp_path):
    folder = _copy(TURKU, tmp_path)
    f = folder / "turku_ghg_inventory_2020_by_subsector.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("1900,13", "1901,13"), encoding="utf-8")
    with pytest.raises(ConversionError, match="printed TOTAL"):
        climate.build_inventory(folder)


def test_sectors_a14_long_and_cross_checked_against_the_excerpt(tmp_path):
    df, _ = climate.build_sectors(TURKU)
    assert len(df) == 24 and set(df["scope"]) == {"scope1", "scope2", "scope3", "total"}
    assert df[df["scope"] == "scope3"]["t_co2e"].isna().all()  # empty cells stay missing
    assert df[(df["sector_id"] == "total") & (df["scope"] == "total")]["t_co2e"].iloc[0] == 1900
    folder = _copy(TURKU, tmp_path)
    f = folder / "turku_ghg_emissions_2020_by_sector_table_A-1.4.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Transport,400,,,400", "Transport,401,,,401"),
                 encoding="utf-8")
    with pytest.raises(ConversionError, match="Transport"):
        climate.build_sectors(folder)


def test_targets_refuse_an_excerpt_without_the_quoted_sentences():
    # the hand-made excerpt holds none of the City's sentences: every quote is checked verbatim
    with pytest.raises(ConversionError, match="quote not found verbatim"):
        climate.build_targets(TURKU)


def test_b31_rows_keep_the_words_and_parse_only_stated_numbers():
    rows = {(r[0], r[1]): r for r in climate._b31_rows()}
    assert rows[("target_ghg_afolu", 2025)][2] == -10_000.0
    assert rows[("target_ghg_waste", 2025)][2] is None and rows[("target_ghg_waste", 2025)][4] == "reduced"
    assert rows[("target_ghg_stationary_energy", 2027)][6] == "evaluation"
    res = rows[("target_residual_emissions_vs_2020", 2030)]
    assert (res[2], res[3]) == (25.0, "less than")


# ----------------------------------------------------------------------------------- CDP
def test_cdp_one_row_per_reported_cell_with_the_questionnaire_columns():
    df, meta = climate.build_cdp(FIX / "cdp_city_reported_emissions")
    assert sorted(df["report_year"].unique()) == list(climate.CDP_YEARS)
    assert (df["municipality_code"] == "853").all() and (df["unit"] == "t CO2e").all()
    r16 = df[df["report_year"] == 2016].set_index("measure")
    assert r16.loc["total_emissions", "accounting_year"] == 2013  # '12/31/2013 12:00:00 AM'
    assert r16.loc["total_emissions", "accounting_period"] == "12/31/2013 12:00:00 AM"
    r19 = df[df["report_year"] == 2019].set_index("measure")
    assert set(r19.index) == {"scope1_grid_energy_generation", "scope1_excl_grid_energy_generation",
                              "scope2_grid_energy_generation", "scope2_excl_grid_energy_generation"}
    assert r19.loc["scope1_excl_grid_energy_generation", "measure_as_reported"].endswith("energy)")  # NBSP gone
    assert "gpc_basic_total" not in set(df["measure"])  # 'Not Applicable' is not a value
    assert df[df["report_year"] == 2017]["scopes_included"].notna().all()
    assert "SELF-REPORTED" in " ".join(meta["caveats"]) and "NON-VERIFIED" in " ".join(meta["caveats"])
    assert meta["licenses"][0]["name"] != "CC-BY-4.0"


def test_cdp_refuses_a_city_outside_the_known_finnish_accounts(tmp_path):
    folder = _copy(FIX / "cdp_city_reported_emissions", tmp_path)
    f = folder / "cdp_citywide_emissions_reported_2020_FINLAND_rows.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",Turku,", ",Oulu,"), encoding="utf-8")
    with pytest.raises(ConversionError, match="Oulu"):
        climate.build_cdp(folder)


# -------------------------------------------------------------------------- CO2-raportti
def test_co2raportti_splits_value_and_unit():
    df, meta = climate.build_co2r(FIX / "co2raportti_turku_paimio_2017")
    per = df.set_index("sector_id").loc["per_capita"]
    assert (per["unit"], per["value"], per["municipality_code"]) == ("t CO2e per inhabitant", 1.5, "577")
    assert set(df.loc[df["sector_id"] != "per_capita", "unit"]) == {"kt CO2e"}
    assert "not official statistics" in meta["attribution"]


# ------------------------------------------------------------------------- rakke 116h/116g
def test_heating_maps_names_decodes_latin1_and_keeps_buildings_missing():
    df, meta = climate.build_heating(RAKKE)
    assert set(df["area_code"]) == {"SSS", "853", "478"}  # 'Maarianhamina - Mariehamn' = 478
    assert df.loc[df["area_code"] == "478", "area_name"].iloc[0] == "Maarianhamina"
    assert "Kauko- tai aluelämpö" in set(df["heating_fuel_fi"])  # Latin-1 decoded
    assert set(df["heating_fuel"]) == set(climate.HEATING_FUELS.values())
    assert df["buildings"].isna().all() and (df["buildings_status"] == "not_in_download").all()
    key = ["heating_fuel", "building_type"]
    country = df[df["area_kind"] == "country"].set_index(key)["floor_area_m2"]
    munis = df[df["area_kind"] == "municipality"].groupby(key)["floor_area_m2"].sum()
    assert (munis.reindex(country.index) == country).all()
    assert "not_in_download" in meta["schema"]["missingValues"]


def test_heating_fails_loudly_on_an_unmapped_area_name(tmp_path):
    folder = _copy(RAKKE, tmp_path)
    f = folder / "006_116h_2019.csv"
    f.write_bytes(f.read_bytes().replace(b'"Turku"', b'"Turkuu"'))
    with pytest.raises(ConversionError, match="Turkuu"):
        climate.build_heating(folder)


def test_completion_bands_are_cross_checked_with_116h(tmp_path):
    df, _ = climate.build_completion(RAKKE)
    assert set(df["completion_period"]) == {v[0] for v in climate.COMPLETION.values()}
    band = df[df["completion_period"] == "2010-"].iloc[0]
    assert band["period_start"] == 2010 and pd.isna(band["period_end"])
    assert df["area_code"].str.fullmatch(r"\d{3}").all()
    folder = _copy(RAKKE, tmp_path)
    f = folder / "006_116g_2019.csv"
    lines = f.read_bytes().split(b"\r\n")
    i = next(k for k, line in enumerate(lines) if line.startswith(b'"1970 - 1979","Turku"'))
    cells = lines[i].split(b",")
    cells[3] = str(int(cells[3]) + 1).encode()
    lines[i] = b",".join(cells)
    f.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ConversionError, match="116h"):
        climate.build_completion(folder)
