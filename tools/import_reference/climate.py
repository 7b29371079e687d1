"""Climate material (issue 11): the City of Turku's 2020 greenhouse-gas inventory and stated
targets, emissions Finnish cities self-reported to CDP-ICLEI, the CO2-raportti 2017 summaries
for Turku and Paimio, and the building stock's floor area by heating fuel and by completion
year 2019 (StatFin rakke 116h, 116g).

Folders of the reference-data collection: ``climate/turku_ghg_inventory_2020``,
``climate/cdp_city_reported_emissions``, ``climate/co2raportti_turku_paimio_2017`` and
``climate/buildings_floor_area_heating_2019``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import converter
from ._tables import (
    CC_BY_4,
    STATFIN,
    check,
    equal,
    field,
    github_blob,
    github_tree,
    municipality_code,
    near,
    ordered,
    registry_municipalities_2020,
    schema,
    source,
)

TURKU = "climate/turku_ghg_inventory_2020"
CDP = "climate/cdp_city_reported_emissions"
CO2R = "climate/co2raportti_turku_paimio_2017"
RAKKE = "climate/buildings_floor_area_heating_2019"

URBIND_REPO = "Open-Earth-Foundation/Query_mechanism_urbind"
URBIND_COMMIT = "3a310cc053045bd901b0e0d6e9bdd16fc8cfc024"
OPENCLIMATE_REPO = "Open-Earth-Foundation/OpenClimate"
OPENCLIMATE_COMMIT = "822037b737999c397f58b442a5a31e4098dd42e1"
KAUSAL_REPO = "kausaltech/ghg-notebooks"
KAUSAL_116H = "67226032d689020dfd349e5bb8900d10d7de776d"
KAUSAL_116G = "88ae4ef95cdad78eca5d5344b30d66dc637198f6"

CITY_OF_TURKU = "City of Turku (Turun kaupunki)"
TURKU_SOURCES = [
    source("City of Turku, 'Climate City Contract - 2030 Climate Neutrality Action Plan of the "
           "City of Turku' (EU Mission 100 Climate-Neutral and Smart Cities, NetZeroCities template "
           "V2 June 2023), Module A-1 and B-3; the inventory is the SECAP/CDP-ICLEI 2020 inventory "
           "of the Turku Climate Plan 2029 (approved 16.5.2022). Original PDF: turku.fi / "
           "NetZeroCities portal - exact address not recorded in the reference data",
           "https://www.turku.fi/", CITY_OF_TURKU),
    source(f"{URBIND_REPO} documents/turku.md (a PDF-to-markdown conversion of the action plan) "
           f"at commit {URBIND_COMMIT}; last changed in ccbe7c34c12cb92388f7cff5cebac411e00763b6 "
           f"('Fix to all tables from CCCs', 2026-03-03); no licence stated in the repository",
           github_blob(URBIND_REPO, URBIND_COMMIT, "documents/turku.md"),
           "Open Earth Foundation (copy of the City of Turku's action plan)"),
    source("City of Turku, Turku Climate Plan 2029, PART 4 (method of the inventory, cited by "
           "the action plan)", "https://issuu.com/turunviestinta/docs/turku_climate_plan_2029",
           CITY_OF_TURKU),
]
TURKU_LICENCE = {
    "name": "quoted-facts-no-licence-stated",
    "path": "https://www.turku.fi/",
    "title": "No licence stated (the City of Turku's public action plan; the copy's repository "
             "has no licence file): facts quoted with attribution 'Lähde: Turun kaupunki, Climate "
             "City Contract Action Plan' - not CC-licensed",
}
TURKU_ATTRIBUTION = ("Source: City of Turku (Turun kaupunki), Climate City Contract 2030 "
                     "Climate Neutrality Action Plan, GHG inventory 2020 (no licence stated; "
                     "facts quoted with attribution)")
TURKU_CAVEATS = [
    "Read from a PDF-to-markdown conversion in a third-party repository, not from the City's "
    "PDF; confirm against the original (turku.fi / NetZeroCities portal) before publishing.",
    "SECAP / CDP-ICLEI method (production-based electricity and heat, harbour emissions in "
    "waterborne navigation, historical landfills by first-order decay, F-gases by Syke's ALas "
    "model, forest sinks by Luke); not comparable with Syke's ALas municipal inventory or with "
    "CO2-raportti figures.",
    "Figure 4 of the source (emissions by fuel type) has conversion errors and was not pinned.",
]

# ======================================================================= Turku inventory
SECTOR_A14 = {"Stationary energy": "Buildings", "Transportation": "Transport", "Waste": "Waste",
              "IPPU": "Industrial Process and Product Use (IPPU)",
              "AFOLU": "Agricultural, Forestry and Land Use (AFOLU)"}
SECTOR_IDS = {"Buildings": "buildings", "Transport": "transport", "Waste": "waste",
              "Industrial Process and Product Use (IPPU)": "ippu",
              "Agricultural, Forestry and Land Use (AFOLU)": "afolu", "Total": "total"}
A14_ROUNDING = 50.0  # is rounded to 100 t


def _read_a14(folder: Path) -> pd.DataFrame:
    raw = pd.read_csv(folder / "turku_ghg_emissions_2020_by_sector_table_A-1.4.csv", dtype=str,
                      keep_default_na=False)
    check(list(raw.columns) == ["sector", "scope1_t_co2e", "scope2_t_co2e", "scope3_t_co2e",
                                "total_t_co2e"], f"A-1.4 columns {list(raw.columns)}")
    check(list(raw["sector"]) == list(SECTOR_IDS), f"A-1.4 sectors {list(raw['sector'])}")
    return raw


def validate_inventory(df: pd.DataFrame) -> None:
    equal(len(df), 22, "Figure 3 activity rows")
    equal(int(df["t_co2e"].sum()), 601_638, "Σ rows = printed total 601,638 t CO2e")
    near(df["gwh"].sum(), 4660, 1.0, "Σ GWh vs printed 4,660 (rounding)")
    by = df.groupby("sector_a14")["t_co2e"].sum()
    expected = {"buildings": 348_515, "transport": 205_799, "waste": 14_660, "ippu": 30_230,
                "afolu": 2_434}
    equal({k: int(v) for k, v in by.items()}, expected, "sector sums")
    a14 = {"buildings": 348_500, "transport": 205_800, "waste": 14_700, "ippu": 30_200,
           "afolu": 2_400}
    for k, v in a14.items():
        near(by[k], v, A14_ROUNDING, f"Σ sub-sectors of {k} vs table A-1.4")
    bs = df[df["sector_a14"] == "buildings"].groupby("scope")["t_co2e"].sum()
    near(bs[1], 113_600, A14_ROUNDING, "buildings scope 1 vs A-1.4")
    near(bs[2], 234_900, A14_ROUNDING, "buildings scope 2 vs A-1.4")
    avi = df[df["sub_sector"] == "Aviation"].iloc[0]
    check(pd.isna(avi["gwh"]) and avi["gwh_status"] == "*", "aviation GWh stays '*' (not available)")


FIELDS_INVENTORY = [
    field("sector", "string", "sector as printed in Figure 3 (Stationary energy, Transportation, "
          "Waste, IPPU, AFOLU)", required=True),
    field("sector_a14", "string", "the sector of table A-1.4 the row belongs to (buildings = "
          "Stationary energy, transport = Transportation, waste, ippu, afolu); the project's "
          "mapping, confirmed by the sums", required=True,
          enum=["buildings", "transport", "waste", "ippu", "afolu"]),
    field("sub_sector", "string", "sub-sector as printed (the footnote mark '**' of Waterborne "
          "navigation moved to 'footnote')", required=True),
    field("activity", "string", "activity as printed", required=True),
    field("scope", "integer", "GHG Protocol scope (1 = direct, 2 = grid-supplied energy)",
          required=True),
    field("t_co2e", "number", "emissions 2020, tonnes CO2 equivalent (negative = sink)",
          required=True),
    field("gwh", "number", "final energy, GWh; missing where not printed; '*' (gwh_status) = "
          "'Municipal level data not available' (aviation)"),
    field("t_co2e_per_gwh", "number", "emission factor as printed, t CO2e/GWh; missing where "
          "not printed"),
    field("footnote", "string", "the figure's footnote for the row, as printed"),
]


@converter("turku_ghg_inventory_2020", TURKU, validate=validate_inventory)
def build_inventory(folder: Path):
    raw = pd.read_csv(folder / "turku_ghg_inventory_2020_by_subsector.csv", dtype=str,
                      keep_default_na=False)
    check(list(raw.columns) == ["t_co2e", "gwh", "t_co2e_per_gwh", "scope", "sector",
                                "sub_sector", "activity"], f"columns {list(raw.columns)}")
    total = raw[raw["activity"] == "TOTAL (row as printed)"]
    equal(len(total), 1, "one printed TOTAL row")
    rows = raw[raw["activity"] != "TOTAL (row as printed)"].copy()
    equal(int(pd.to_numeric(rows["t_co2e"]).sum()), int(total["t_co2e"].iloc[0]),
          "Σ rows = the printed TOTAL")
    check(set(rows["sector"]) <= set(SECTOR_A14), f"sectors {set(rows['sector'])}")
    text = (folder / "turku_ccc_action_plan_EXCERPT_moduleA1_B3.md").read_text(encoding="utf-8")
    check("*Municipal level data not available." in text and "**Harbour emissions are included "
          "here." in text, "footnotes of Figure 3 not found in the excerpt")
    footnote = rows["sub_sector"].str.endswith("**")
    df = pd.DataFrame({
        "sector": rows["sector"],
        "sector_a14": rows["sector"].map(SECTOR_A14).map(SECTOR_IDS),
        "sub_sector": rows["sub_sector"].str.removesuffix("**"),
        "activity": rows["activity"],
        "scope": rows["scope"].astype("int64"),
        "t_co2e": pd.to_numeric(rows["t_co2e"]).astype("float64"),
        "gwh": pd.to_numeric(rows["gwh"].replace({"": np.nan, "*": np.nan})).astype("float64"),
        "gwh_status": rows["gwh"].map(lambda v: "*" if v == "*" else ("missing" if v == "" else None)),
        "t_co2e_per_gwh": pd.to_numeric(rows["t_co2e_per_gwh"].replace("", np.nan)).astype("float64"),
        "footnote": np.where(footnote, "Harbour emissions are included here. (**)",
                             np.where(rows["gwh"] == "*", "Municipal level data not available. (*)",
                                      None)),
    })
    df["footnote"] = df["footnote"].astype(object).where(df["footnote"].notna(), None)
    by = df.groupby("sector_a14")["t_co2e"].sum()
    meta = {
        "path": "climate/turku_ghg_inventory_2020.csv",
        "title": "City of Turku greenhouse-gas inventory 2020 by sector, sub-sector and activity "
                 "(t CO2e, GWh, t CO2e/GWh, scope)",
        "description": (
            "Figure 3 'Emission Inventory Data 2020 by sectors (Reported to CDP)' of the City of "
            "Turku's Climate City Contract action plan, Module A-1: 22 activity rows with "
            "emissions (t CO2e), final energy (GWh), emission factor (t CO2e/GWh) and scope. The "
            "printed TOTAL row (601,638 t CO2e; 4,660 GWh) is not a row here: Σ t_co2e of the "
            "rows = 601,638 exactly, Σ GWh = 4,661 (rounding). Check against table A-1.4 "
            "(turku_ghg_sectors_2020, rounded to 100 t): Σ sub-sectors buildings "
            f"{by['buildings']:,.0f} (A-1.4 348,500), transport {by['transport']:,.0f} (205,800), "
            f"waste {by['waste']:,.0f} (14,700), IPPU {by['ippu']:,.0f} (30,200), AFOLU "
            f"{by['afolu']:,.0f} (2,400); buildings scope 1 113,587 / scope 2 234,928 (A-1.4 "
            "113,600 / 234,900). Forest carbon sinks are negative (-3,000)."),
        "schema": schema(FIELDS_INVENTORY, missing_values=["", "*"]),
        "sources": TURKU_SOURCES,
        "licenses": [TURKU_LICENCE],
        "publisher": CITY_OF_TURKU,
        "table_id": "Climate City Contract action plan, Module A-1, A-1.5 Figure 3 (inventory 2020 "
                    "by sectors)",
        "reference_period": "2020",
        "obtained": (
            "reference-data/climate/turku_ghg_inventory_2020/turku_ghg_inventory_2020_by_subsector.csv "
            "(Figure 3 transcribed by the reference-data compilers, checked cell by cell against "
            "the markdown) copied without its TOTAL row; the footnote marks of the figure ('*' "
            "for aviation GWh, '**' after Waterborne navigation) moved into gwh_status and "
            "footnote; sector_a14 added."),
        "attribution": TURKU_ATTRIBUTION,
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": TURKU_CAVEATS + [
            "One year (2020) and Turku only; not a time series, not the other Varsinais-Suomi "
            "municipalities.",
            "The text's per-capita series (2.6 t in 2020) uses only buildings, on-road and rail "
            "transport and is heating-degree-day corrected; do not divide this table's total by "
            "the population to reproduce it.",
        ],
    }
    return ordered(df, FIELDS_INVENTORY), meta


def validate_sectors(df: pd.DataFrame) -> None:
    equal(len(df), 6 * 4, "6 sectors x 4 columns")
    wide = df.pivot_table(index="sector_id", columns="scope", values="t_co2e", aggfunc="first")
    equal(float(wide.loc["total", "total"]), 601_600.0, "A-1.4 total")
    equal(float(wide.loc["buildings", "total"]), 348_500.0, "buildings")
    parts = wide.drop(index="total")
    for col in ("scope1", "scope2", "total"):
        near(parts[col].sum(), wide.loc["total", col], 0.5, f"Σ sectors, {col}")
    sc = wide[["scope1", "scope2"]].fillna(0).sum(axis=1)
    check(((sc - wide["total"]).abs() < 0.5).all(), "scope 1 + scope 2 = total per sector")
    check(df[df["scope"] == "scope3"]["t_co2e"].isna().all(), "scope 3 is empty as published")


FIELDS_SECTORS = [
    field("sector", "string", "sector as printed in table A-1.4", required=True),
    field("sector_id", "string", "project id: buildings, transport, waste, ippu, afolu, total",
          required=True, enum=list(SECTOR_IDS.values())),
    field("scope", "string", "column of the table: scope1, scope2, scope3 or total",
          required=True, enum=["scope1", "scope2", "scope3", "total"]),
    field("t_co2e", "number", "t CO2 equivalent per year 2020, rounded to 100 t as printed; "
          "missing where the cell is empty in the table (never 0)"),
]


@converter("turku_ghg_sectors_2020", TURKU, validate=validate_sectors)
def build_sectors(folder: Path):
    raw = _read_a14(folder)
    text = (folder / "turku_ccc_action_plan_EXCERPT_moduleA1_B3.md").read_text(encoding="utf-8")
    for _, r in raw.iterrows():  # every transcribed row is the excerpt's table row
        cells = [f"{int(r[c]):,}" if r[c] else "" for c in raw.columns[1:]]
        line = f"|  {r['sector']} | " + " | ".join(cells) + "  |"
        check(line in text, f"A-1.4 row not found in the excerpt: {line!r}")
    long = raw.melt(id_vars="sector", var_name="col", value_name="raw")
    df = pd.DataFrame({
        "sector": long["sector"], "sector_id": long["sector"].map(SECTOR_IDS),
        "scope": long["col"].str.removesuffix("_t_co2e"),
        "t_co2e": pd.to_numeric(long["raw"].replace("", np.nan)).astype("float64"),
    })
    order = {s: i for i, s in enumerate(SECTOR_IDS.values())}
    df = df.assign(_o=df["sector_id"].map(order)).sort_values(["_o"], kind="stable").drop(columns="_o")
    meta = {
        "path": "climate/turku_ghg_sectors_2020.csv",
        "title": "City of Turku GHG emissions 2020 by sector and scope - table A-1.4 as published",
        "description": (
            "Table A-1.4 'GHG emissions by source sectors' (base year 2020, t CO2 equivalent per "
            "year, rounded to 100 t) of the City of Turku's Climate City Contract action plan: "
            "buildings 348,500 (scope 1 113,600, scope 2 234,900), transport 205,800, waste "
            "14,700, IPPU 30,200, AFOLU 2,400, total 601,600 (scope 1 366,700, scope 2 234,900); "
            "scope 3 is empty. Long format: one row per sector x column, the Total row included "
            "as published (sector_id 'total': do not add it to the sectors). The unrounded "
            "sub-sector rows are in turku_ghg_inventory_2020 (Σ 601,638)."),
        "schema": schema(FIELDS_SECTORS),
        "sources": TURKU_SOURCES,
        "licenses": [TURKU_LICENCE],
        "publisher": CITY_OF_TURKU,
        "table_id": "Climate City Contract action plan, Module A-1, table A-1.4",
        "reference_period": "2020",
        "obtained": (
            "reference-data/climate/turku_ghg_inventory_2020/"
            "turku_ghg_emissions_2020_by_sector_table_A-1.4.csv (table A-1.4 transcribed) "
            "melted to one row per sector x column; empty cells kept missing."),
        "attribution": TURKU_ATTRIBUTION,
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": TURKU_CAVEATS + ["Rounded to 100 t; sums of rounded cells can differ from the "
                                    "printed totals by the rounding."],
    }
    return ordered(df, FIELDS_SECTORS), meta


# --------------------------------------------------------------------------- targets
_INTRO = "Introduction - textual element (source lines 130-142)"
_B31 = "Module B-3, table B-3.1 Impact Pathways (source lines 899-920), indicator {n} '{name}'"
# (measure, year, value, qualifier, value_text, unit, statement_type, quote, page_or_section)
TARGETS = [
    ("carbon_neutrality", 2029, None, "", "carbon neutral by 2029", "", "target",
     "Turku aims to be carbon neutral by 2029 and climate positive from then onwards.", _INTRO),
    ("climate_positive", 2029, None, "", "climate positive from then onwards (from 2029)", "",
     "target", "Turku aims to be carbon neutral by 2029 and climate positive from then onwards.",
     _INTRO),
    ("base_year", 1990, None, "", "base year 1990", "", "base",
     "The base year of the City of Turku Climate Plan is 1990 in accordance with the general "
     "baseline year of international climate policy.", _INTRO),
    ("carbon_neutrality", 2029, None, "at the latest", "carbon neutrality by 2029 at the latest",
     "", "target", "By year 2029 at the latest, Turku will reach carbon neutrality.", _INTRO),
    ("emission_reduction_vs_1990", 2029, 90, "at least", "at least 90 per cent", "percent",
     "target", "By 2029, emissions will be reduced by at least 90 per cent compared to the level "
     "in 1990.", _INTRO),
    ("emission_reduction_vs_1990", 2020, 59, "", "decreased by 59%", "percent", "level",
     "Compared to year 1990, emissions have already decreased by 59%.",
     _INTRO + "; the year is the monitoring year 2020 of the preceding sentence"),
    ("emissions_per_capita", 2020, 2.6, "", "2.6 t CO2-eq", "t CO2e per inhabitant", "level",
     "Emissions per capita in 2020 (2.6 t CO2-eq) were merely a third of the emissions in 1990 "
     "(7.8 t CO2-eq).", _INTRO),
    ("emissions_per_capita", 1990, 7.8, "", "7.8 t CO2-eq", "t CO2e per inhabitant", "base",
     "Emissions per capita in 2020 (2.6 t CO2-eq) were merely a third of the emissions in 1990 "
     "(7.8 t CO2-eq).", _INTRO),
    ("emission_reduction_vs_2020", 2029, 75, "at least", "at least 75 per cent", "percent",
     "target", "compared to the level in 2020, the emission reduction target set for the year "
     "2029 is at least 75 per cent", _INTRO),
    ("emission_reduction_vs_2019", 2029, 80, "more than", "more than 80%", "percent", "target",
     "the emission reduction target for the year 2029 is more than 80% compared to the level in "
     "2019", _INTRO),
    ("emissions_per_capita_scenario", 2025, None, "", "halved from the level in 2020",
     "t CO2e per inhabitant", "scenario",
     "On the basis of the scenario analysis, emissions per capita will be halved from the level "
     "in 2020 by 2025", _INTRO),
    ("emissions_per_capita_scenario", 2029, 0.6, "", "0.6 t CO2-eq", "t CO2e per inhabitant",
     "scenario", "they will amount to 0.6 t CO2-eq in 2029", _INTRO),
    ("scenario_reduction_2020_2029_carbon_neutral_electricity", 2029, 112.5, "", "112.5 kt CO2-eq",
     "kt CO2e", "scenario", "transitioning to carbon neutral electricity (112.5 kt CO2-eq)", _INTRO),
    ("scenario_reduction_2020_2029_carbon_neutral_district_heating", 2029, 111.1, "",
     "111.1 kt CO2-eq", "kt CO2e", "scenario",
     "by using carbon neutral district heating (111.1 kt CO2-eq)", _INTRO),
    ("scenario_reduction_2020_2029_fossil_petrol_diesel", 2029, 67.3, "", "67.3 kt CO2-eq",
     "kt CO2e", "scenario",
     "by reducing the consumption of fossil petrol and diesel (67.3 kt CO2-eq)", _INTRO),
    ("total_emissions", 2020, 601_600, "", "601,600", "t CO2e per year", "level",
     "|  Total | 366,700 | 234,900 |  | 601,600  |",
     "Module A-1, table A-1.4 GHG emissions by source sectors (rounded to 100 t)"),
    ("total_emissions", 2020, 601_638, "", "601638", "t CO2e", "level", "|  601638 | 4660 |",
     "Module A-1, A-1.5 Figure 3 Emission Inventory Data 2020 by sectors (total row)"),
    ("renewable_share_district_heat", 2020, 79.6, "", "79.6%", "percent", "level",
     "The share of renewable energy of district heat was 79.6% already in 2020.",
     "Comment on implementation (source line 767)"),
    ("renewable_share_electricity_sold_turku_energia", None, 90.5, "", "90.5%", "percent",
     "level", "The share of renewable energy of electricity sold by Turku Energia was 90.5%.",
     "Comment on implementation (source line 767); year not stated"),
    ("renewable_share_electricity_heat_sold_turku_energia", 2025, 95, "at least",
     "at least 95 per cent", "percent", "target",
     "The share of renewable energy of electricity and heat sold by Turku Energia will be at "
     "least 95 per cent in 2025.", "Comment on implementation (source line 767)"),
    ("emission_reduction_vs_2015", 2022, 10, "", "ten percent", "percent", "level",
     "The achieved emission reduction from the 2015 level to 2022 was ten percent.",
     "Comment on implementation (source line 796, mobility)"),
    ("sustainable_modes_share", 2021, 47, "", "47 percent", "percent", "level",
     "The share of sustainable modes of transport in the city of Turku was 47 percent (2021).",
     "Comment on implementation (source line 796, mobility)"),
    ("electric_bus_share_foli", None, 30, "over", "over 30 %", "percent", "level",
     "over 30 % of all the buses are e-vechiles, which operate around 50 % of all the rides",
     "Comment on implementation (source line 796, mobility); year not stated"),
]
B31 = [
    (1, "GHG emission from stationary energy", "target_ghg_stationary_energy",
     ("144,000", "On track", "41,000"),
     "|  Reaching a carbon-neutral energy system and increasing renewable energy | Carbon-neutral "
     "energy system, Sustainable urban structure and low-carbon construction | 1 | GHG emission "
     "from stationary energy |  | 144,000 | On track | 41,000  |"),
    (2, "GHG emission from transport (on-road)", "target_ghg_transport_on_road",
     ("119,000", "On track", "91,000"),
     "| 2 | GHG emission from transport (on-road) |  | 119,000 | On track | 91,000  |"),
    (3, "GHG emission from waste", "target_ghg_waste", ("reduced", "On track", "7,000"),
     "| 3 | GHG emission from waste | reduced | On track | 7,000  |"),
    (4, "GHG emission from IPPU", "target_ghg_ippu", ("reduced", "On track", "15,000"),
     "| 4 | GHG emission from IPPU | reduced | On track | 15,000  |"),
    (5, "GHG emission from AFOLU", "target_ghg_afolu", ("-10,000", "On track", "-30,000"),
     "| 5 | GHG emission from AFOLU | -10,000 | On track | -30,000  |"),
    (6, "GHG emission from grid supplied energy", "target_ghg_grid_supplied_energy",
     ("88,000", "On track", "11,000"),
     "| 6 | GHG emission from grid supplied energy | 88,000 | On track | 11,000  |"),
    (7, "Residual emissions % (compared to 2020 level, see introduction)",
     "target_residual_emissions_vs_2020", ("Less than 50", "On track",
                                           "Less than 25 (See note in the introduction)"),
     "| 7 | Residual emissions % (compared to 2020 level, see introduction) | Less than 50 | "
     "On track | Less than 25 (See note in the introduction)  |"),
]
B31_UNIT = ("not stated in table B-3.1 (the magnitudes are those of t CO2e per year in table "
            "A-1.4)")


def _b31_rows():
    out = []
    for n, name, measure, cells, quote in B31:
        for year, cell in zip((2025, 2027, 2030), cells):
            m = re.fullmatch(r"(Less than )?(-?[\d,]+)(.*)", cell)
            value = float(m.group(2).replace(",", "")) if m else None
            qualifier = "less than" if (m and m.group(1)) else ""
            unit = "percent of the 2020 level" if n == 7 else B31_UNIT
            kind = "evaluation" if year == 2027 else "target"
            out.append((measure, year, value, qualifier, cell, unit if value is not None else "",
                        kind, quote, _B31.format(n=n, name=name)))
    return out


def validate_targets(df: pd.DataFrame) -> None:
    equal(len(df), len(TARGETS) + 21, "statements")
    def one(measure, year):
        r = df[(df["measure"] == measure) & (df["year"] == year)]
        equal(len(r), 1, f"{measure} {year}")
        return r.iloc[0]
    equal(float(one("emissions_per_capita", 1990)["value"]), 7.8, "per capita 1990")
    equal(float(one("emissions_per_capita", 2020)["value"]), 2.6, "per capita 2020")
    equal(float(one("emission_reduction_vs_1990", 2029)["value"]), 90.0, "target 2029 vs 1990")
    equal(float(one("emission_reduction_vs_1990", 2020)["value"]), 59.0, "2020 vs 1990")
    equal(float(one("target_ghg_stationary_energy", 2030)["value"]), 41_000.0, "B-3.1 1 2030")
    equal(float(one("target_ghg_afolu", 2025)["value"]), -10_000.0, "B-3.1 5 2025")
    check(pd.isna(one("target_ghg_waste", 2025)["value"]), "'reduced' has no number")
    check((df["quote"].str.len() > 0).all(), "every statement has its quote")


FIELDS_TARGETS = [
    field("measure", "string", "project id of what the statement is about (e.g. "
          "emission_reduction_vs_1990, emissions_per_capita, target_ghg_stationary_energy)",
          required=True),
    field("year", "integer", "the year the statement refers to (a target year, the monitoring "
          "year or the base year); missing where the text gives none"),
    field("value", "number", "the number as stated (percentages as numbers: 90 = 90 %); "
          "missing where the statement has no number ('halved', 'reduced', 'On track'). "
          "Nothing is computed"),
    field("qualifier", "string", "'at least', 'more than', 'less than', 'over', 'at the latest' "
          "as stated, else empty"),
    field("value_text", "string", "the value in the statement's own words", required=True),
    field("unit", "string", "unit as stated or implied by the statement; for table B-3.1 the "
          "table prints no unit (said so)"),
    field("statement_type", "string", "base (1990 base), level (a reported level or change), "
          "target, scenario (the plan's scenario analysis), evaluation (B-3.1's 2027 column)",
          required=True, enum=["base", "level", "target", "scenario", "evaluation"]),
    field("quote", "string", "the exact wording from the excerpt of the action plan "
          "(turku_ccc_action_plan_EXCERPT_moduleA1_B3.md); table statements quote the table row",
          required=True),
    field("page_or_section", "string", "where in the action plan (section, table, source line)",
          required=True),
]


@converter("turku_climate_targets", TURKU, validate=validate_targets)
def build_targets(folder: Path):
    text = (folder / "turku_ccc_action_plan_EXCERPT_moduleA1_B3.md").read_text(encoding="utf-8")
    rows = list(TARGETS) + _b31_rows()
    for r in rows:
        check(r[7] in text, f"quote not found verbatim in the excerpt: {r[7]!r}")
    df = pd.DataFrame(rows, columns=[f["name"] for f in FIELDS_TARGETS])
    df["year"] = df["year"].astype("Int64")
    df["value"] = pd.to_numeric(df["value"]).astype("float64")
    for col in ("qualifier", "unit"):
        df[col] = df[col].where(df[col] != "", None)
    meta = {
        "path": "climate/turku_climate_targets.csv",
        "title": "City of Turku climate targets and stated levels (1990 base, 2020, per capita, "
                 "targets 2025/2029/2030) - one row per statement, with the exact quote",
        "description": (
            "What the City of Turku's Climate City Contract action plan states about its base "
            "year, levels and targets, one row per statement, each with the exact quote and "
            "where it is: base year 1990; carbon neutrality by 2029 (at least -90 % vs 1990, at "
            "least -75 % vs 2020, more than -80 % vs 2019); emissions -59 % vs 1990 by 2020; per "
            "capita 7.8 t CO2e (1990) and 2.6 t (2020), scenario 0.6 t in 2029 and halved by 2025; "
            "the 2020 totals 601,600 t (A-1.4) and 601,638 t (Figure 3); renewable shares; the "
            "indicator targets of table B-3.1 for 2025/2030 (2027 'On track'). Only what the "
            "excerpt states - nothing computed, no 1990 absolute emissions (the source gives them "
            "only in a chart image). Every quote was checked to occur verbatim in the excerpt."),
        "schema": schema(FIELDS_TARGETS),
        "sources": TURKU_SOURCES,
        "licenses": [TURKU_LICENCE],
        "publisher": CITY_OF_TURKU,
        "table_id": "Climate City Contract action plan: Introduction, Module A-1 (A-1.4, A-1.5), "
                    "comments on implementation, Module B-3 (B-3.1)",
        "reference_period": "1990, 2015-2022 (levels); 2025, 2027, 2029, 2030 (targets)",
        "obtained": (
            "Statements read from reference-data/climate/turku_ghg_inventory_2020/"
            "turku_ccc_action_plan_EXCERPT_moduleA1_B3.md (unchanged lines of the source) by the "
            "data engineer; each quote is re-checked against that file by the converter."),
        "attribution": TURKU_ATTRIBUTION,
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": TURKU_CAVEATS[:1] + [
            "Statements, not statistics: percentages and per-capita values are the City's own "
            "(SECAP method; the per-capita series excludes other transport, waste, IPPU and AFOLU "
            "and is heating-degree-day corrected).",
            "Table B-3.1 prints no unit; the magnitudes match t CO2e per year of table A-1.4.",
            "The 1990 base level in tonnes is only in a chart image (Figure 6) and is not here.",
        ],
    }
    return ordered(df, FIELDS_TARGETS), meta


# ============================================================================ CDP-ICLEI
CDP_YEARS = (2016, 2017, 2018, 2019, 2020, 2021)
CDP_PORTAL = {
    2016: ("2016 - Citywide GHG Emissions", "https://data.cdp.net/Emissions/2016-Citywide-GHG-Emissions/dfed-thx7"),
    2017: ("2017 - Cities Community Wide Emissions", "https://data.cdp.net/Emissions/2017-Cities-Community-Wide-Emissions/kyi6-dk5h"),
    2018: ("2018 City-wide Emissions", "https://data.cdp.net/Emissions/2018-City-wide-Emissions/wii4-buw5"),
    2019: ("2019 City-wide Emissions", "https://data.cdp.net/Emissions/2019-City-wide-Emissions/542d-zyj8"),
    2020: ("2020 - City-Wide Emissions", "https://data.cdp.net/Emissions/2020-City-Wide-Emissions/p43t-fbkj"),
    2021: ("2021 City-wide Emissions", "https://data.cdp.net/Emissions/2021-City-wide-Emissions/tmta-7i7p"),
}
# per questionnaire year: which column holds what (after stripping blanks, NBSP and ZWSP)
CDP_COMMON = {
    2016: {"account": "Account Number", "organization": "City Name", "city": "City Short Name",
           "accounting": "Measurement Year", "boundary": "Boundary",
           "protocol": "Primary Methodology", "protocol_comment": "Methodology Details",
           "gases": "Gases included", "change": "Increase/Decrease from last year",
           "reason": "Reason for increase/decrease in emissions", "population": "Current Population",
           "population_year": "Current Population Year", "comment": None, "scopes_included": None},
    2017: {"account": "Account number", "organization": "Organization", "city": "City",
           "accounting": "Accounting year", "boundary": "Boundary", "protocol": "Protocol",
           "protocol_comment": "Protocol column", "gases": "Gases included",
           "change": "Increase/Decrease from last year",
           "reason": "Reason for increase/decrease in emissions", "population": "Population",
           "population_year": "Population year", "comment": "Comment",
           "scopes_included": "Scopes Included"},
    2018: {"account": "Account Number", "organization": "Organization", "city": "City",
           "accounting": "Accounting Year", "boundary": "Inventory Boundary",
           "protocol": "Primary Protocol", "protocol_comment": "Primary Protocol Comment",
           "gases": "Gases Included", "change": "Chnage in emissions", "reason": "Reason for change",
           "population": "Population", "population_year": "Population Year", "comment": None,
           "scopes_included": None},
}
CDP_COMMON[2019] = dict(CDP_COMMON[2018])
CDP_COMMON[2020] = dict(CDP_COMMON[2018], accounting="Accounting year",
                        boundary="Inventory boundary (compared to Administrative city boundary)",
                        change="Change in emissions",
                        reason="Primary reason for the change in emissions")
CDP_COMMON[2021] = dict(CDP_COMMON[2020])
# emission columns: measure id <- regex on the cleaned header (case-insensitive)
CDP_MEASURES = [
    ("total_emissions", r"^Total (City-wide )?emissions \(metric tonnes CO2e\)$"),
    ("scope1_total", r"^Total Scope 1 Emissions \(metric tonnes CO2e\)$"),
    ("scope2_total", r"^Total Scope 2 Emissions \(metric tonnes CO2e\)$"),
    ("scope3_total", r"^Total Scope 3 Emissions( \(metric tonnes CO2e\))?$"),
    ("gpc_basic_total", r"^Total BASIC Emissions \(GPC\)$"),
    ("gpc_basic_plus_total", r"^Total BASIC\+ Emissions \(GPC\)$"),
    ("scope1_grid_energy_generation", r"^Direct emissions(/ Scope 1)? \(metric tonnes CO2e\) for "
     r"Total generation of grid.supplied energy$"),
    ("scope1_excl_grid_energy_generation", r"^Direct emissions(/ Scope 1)? \(metric tonnes CO2e\) "
     r"for Total emissions \(excluding generation of grid-supplied energy\)$"),
    ("scope2_grid_energy_generation", r"^Indirect emissions from use of grid supplied energy"
     r"(/Scope 2)? \(metric tonnes CO2e\) for Total generation of grid supplied energy$"),
    ("scope2_excl_grid_energy_generation", r"^Indirect emissions from use of grid supplied energy"
     r"(/Scope 2)? \(metric tonnes CO2e\) for Total emissions \(excluding generation of "
     r"grid-supplied energy\)$"),
    ("scope3_grid_energy_generation", r"^Emissions occurring outside city boundary(/ Scope 3)? "
     r"\(metric tonnes CO2e\) for Total generation of grid supplied energy$"),
    ("scope3_excl_grid_energy_generation", r"^Emissions occurring outside city boundary(/ Scope 3)? "
     r"\(metric tonnes CO2e\) for Total emissions \(excluding generation of grid-supplied energy\)$"),
]
CDP_SCOPE = {"total_emissions": "total", "gpc_basic_total": "gpc_basic",
             "gpc_basic_plus_total": "gpc_basic_plus"}
# columns of each questionnaire that are neither emissions nor carried (documented)
CDP_DROPPED = ("C40, Country, Region/CDP Region, Access, Reporting Authority, City-wide emissions "
               "inventory (Yes), Administrative city boundary, Common Reporting Framework inventory "
               "format (GPC), GDP, GDP Currency, GDP year, GDP Source, average annual temperature, "
               "average altitude, land area, City Location, Country Location, Last update")
CDP_CITY_CODES = {"Helsinki": "091", "Espoo": "049", "Vantaa": "092", "Tampere": "837",
                  "Turku": "853", "Lahti": "398", "Porvoo": "638", "Kemi": "240"}
CDP_QUESTIONNAIRES = {
    2016: "2016 'Citywide GHG Emissions' (189 cities): total city-wide, total scope 1 and total "
          "scope 2 emissions; 'Measurement Year' given as the last day of the inventory year; "
          "primary methodology and details",
    2017: "2017 'Cities Community Wide Emissions': total emissions, 'Scopes Included', total "
          "scope 1 and 2, protocol and 'Protocol column', free comment",
    2018: "2018 'City-wide Emissions': scope 1/2/3 each split into 'generation of grid-supplied "
          "energy' and 'excluding generation of grid-supplied energy' (empty for the Finnish "
          "cities), total scope 1/2/3, GPC BASIC and BASIC+ totals; no overall total column",
    2019: "2019 'City-wide Emissions' (CDP-ICLEI Unified Reporting System): the same columns as "
          "2018, but the Finnish cities filled only the grid-split columns (scope 1 split into "
          "grid generation and the rest)",
    2020: "2020 'City-Wide Emissions': 'Direct'/'Indirect'/'outside city boundary' emissions split "
          "by grid-supplied energy generation (the words 'Scope 1/2/3' dropped from the headers), "
          "TOTAL scope 1/2/3 and GPC BASIC/BASIC+; inventory boundary compared to the "
          "administrative boundary",
    2021: "2021 'City-wide Emissions': the same columns as 2020",
}


def _clean_header(h: str) -> str:
    return " ".join(h.replace("\u200b", "").replace("\xa0", " ").split())


def _cdp_text(row: pd.Series, cols: dict):
    """opt(key): the stripped text of the row's column for ``key`` (None if empty or absent)."""
    def opt(key: str) -> str | None:
        col = cols.get(key)
        value = row[col].strip() if col else ""
        return value or None
    return opt


def _accounting_year(text: str) -> int | None:
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})-01-01 - (\d{4})-12-31", text)
    if m:
        check(m.group(1) == m.group(2), f"accounting period {text!r} is not one calendar year")
        return int(m.group(1))
    m = re.fullmatch(r"12/31/(\d{4}) 12:00:00 AM", text)
    check(m is not None, f"accounting period {text!r}")
    return int(m.group(1))


def validate_cdp(df: pd.DataFrame) -> None:
    equal(sorted(df["report_year"].unique().tolist()), list(CDP_YEARS), "questionnaire years")
    check(df["value"].notna().all(), "only reported values are rows")
    t = df[df["city"] == "Turku"]
    def val(report, measure):
        r = t[(t["report_year"] == report) & (t["measure"] == measure)]
        equal(len(r), 1, f"Turku {report} {measure}")
        return (int(r["accounting_year"].iloc[0]), int(r["value"].iloc[0]))
    equal(val(2016, "total_emissions"), (2013, 1_107_500), "Turku 2016 total")
    equal(val(2016, "scope1_total"), (2013, 421_200), "Turku 2016 scope 1")
    equal(val(2016, "scope2_total"), (2013, 686_300), "Turku 2016 scope 2")
    equal(val(2017, "total_emissions"), (2015, 840_800), "Turku 2017 total")
    equal(val(2017, "scope1_total"), (2015, 368_300), "Turku 2017 scope 1")
    equal(val(2017, "scope2_total"), (2015, 472_400), "Turku 2017 scope 2")
    equal(val(2018, "scope1_total"), (2016, 412_100), "Turku 2018 scope 1")
    equal(val(2018, "scope2_total"), (2016, 513_500), "Turku 2018 scope 2")
    equal(val(2019, "scope1_grid_energy_generation"), (2015, 49_372), "Turku 2019 grid")
    equal(val(2019, "scope1_excl_grid_energy_generation"), (2015, 363_926), "Turku 2019 s1")
    equal(val(2019, "scope2_excl_grid_energy_generation"), (2015, 656_354), "Turku 2019 s2")
    equal(val(2020, "scope1_excl_grid_energy_generation"), (2018, 411_300), "Turku 2020 s1")
    equal(val(2020, "scope2_excl_grid_energy_generation"), (2018, 483_300), "Turku 2020 s2")
    equal(val(2021, "scope1_excl_grid_energy_generation"), (2019, 390_100), "Turku 2021 s1")
    equal(val(2021, "scope2_excl_grid_energy_generation"), (2019, 353_800), "Turku 2021 s2")
    # scope 1 + scope 2 = total: exact in the 2016 report; 840,700 vs the printed 840,800 in 2017
    for report, tol in ((2016, 0), (2017, 100)):
        r = t[t["report_year"] == report].set_index("measure")["value"]
        near(r["scope1_total"] + r["scope2_total"], r["total_emissions"], tol, f"Turku {report}")
    check((t["municipality_code"] == "853").all(), "Turku code 853")
    check(set(t["population"].dropna().astype(int)) ==
          {186_000, 187_000, 190_000, 191_000, 193_000, 194_000}, "Turku populations as reported")


FIELDS_CDP = [
    field("report_year", "integer", "year of the CDP questionnaire / dataset ('Reporting year', "
          "'Year Reported to CDP')", required=True),
    field("account_number", "string", "CDP account number (Turku 50154)", required=True),
    field("organization", "string", "organization as reported ('City of Turku')", required=True),
    field("city", "string", "city short name as reported", required=True),
    field("municipality_code", "string", "municipality code (3 digits) of the city, from the "
          "project's area registry", required=True, pattern=r"^\d{3}$"),
    field("accounting_year", "integer", "the inventory year the emissions refer to (from "
          "'Accounting year' 'YYYY-01-01 - YYYY-12-31', or 2016's 'Measurement Year' "
          "'12/31/YYYY')", required=True),
    field("accounting_period", "string", "the accounting period exactly as reported",
          required=True),
    field("measure", "string", "project id of the reported emission column: total_emissions, "
          "scope1_total, scope2_total, scope3_total, gpc_basic_total, gpc_basic_plus_total, "
          "scope<1|2|3>_grid_energy_generation, scope<1|2|3>_excl_grid_energy_generation "
          "(2020/2021 headers say 'Direct'/'Indirect'/'outside city boundary' for scope 1/2/3)",
          required=True, enum=[m for m, _ in CDP_MEASURES]),
    field("scope", "string", "scope1, scope2, scope3, total (all scopes the city included), "
          "gpc_basic, gpc_basic_plus", required=True,
          enum=["scope1", "scope2", "scope3", "total", "gpc_basic", "gpc_basic_plus"]),
    field("measure_as_reported", "string", "the column header of that year's dataset (blanks, "
          "no-break and zero-width spaces normalised)", required=True),
    field("value", "number", "emissions as reported, metric tonnes CO2e (self-reported, "
          "non-verified); only reported cells are rows", required=True),
    field("unit", "string", "t CO2e", required=True, enum=["t CO2e"]),
    field("protocol", "string", "primary protocol / methodology as reported"),
    field("protocol_comment", "string", "the protocol comment / methodology details as reported"),
    field("scopes_included", "string", "2017 only: 'Scopes Included' as reported"),
    field("gases_included", "string", "gases as reported"),
    field("boundary", "string", "inventory boundary as reported"),
    field("change_in_emissions", "string", "increase/decrease from last year as reported"),
    field("reason_for_change", "string", "the reason given"),
    field("comment", "string", "2017 only: the city's comment"),
    field("population", "integer", "population the city reported with the questionnaire "
          "(rounded by the city)"),
    field("population_year", "integer", "the year of that population"),
]


@converter("cdp_city_emissions_reported", CDP, validate=validate_cdp)
def build_cdp(folder: Path):
    rows = []
    for year in CDP_YEARS:
        raw = pd.read_csv(folder / f"cdp_citywide_emissions_reported_{year}_FINLAND_rows.csv",
                          dtype=str, keep_default_na=False)
        raw.columns = [_clean_header(c) for c in raw.columns]
        check(raw.columns.is_unique, f"{year}: duplicate headers")
        check((raw["Country"] == "Finland").all(), f"{year}: non-Finnish rows")
        cols = CDP_COMMON[year]
        measure_cols = {}
        for c in raw.columns:
            hits = [m for m, rx in CDP_MEASURES if re.match(rx, c, flags=re.IGNORECASE)]
            check(len(hits) <= 1, f"{year}: {c!r} matches {hits}")
            if hits:
                measure_cols[c] = hits[0]
        check(len(set(measure_cols.values())) == len(measure_cols), f"{year}: a measure twice")
        check(measure_cols, f"{year}: no emission columns")
        for c in cols.values():
            check(c is None or c in raw.columns, f"{year}: no column {c!r}")
        for _, r in raw.iterrows():
            city = r[cols["city"]]
            check(city in CDP_CITY_CODES and municipality_code(city) == CDP_CITY_CODES[city],
                  f"{year}: city {city!r}")
            period = r[cols["accounting"]]
            for c, measure in measure_cols.items():
                cell = r[c].strip()
                if cell == "":
                    continue
                if cell == "Not Applicable":
                    continue  # a GPC column the city's protocol does not use; not a value
                check(re.fullmatch(r"\d+(\.\d+)?", cell) is not None,
                      f"{year} {city} {c!r}: {cell!r}")
                check(period != "", f"{year} {city}: a value without an accounting year")
                opt = _cdp_text(r, cols)
                pop_year = opt("population_year")
                rows.append({
                    "report_year": year, "account_number": r[cols["account"]],
                    "organization": r[cols["organization"]], "city": city,
                    "municipality_code": CDP_CITY_CODES[city],
                    "accounting_year": _accounting_year(period), "accounting_period": period,
                    "measure": measure,
                    "scope": CDP_SCOPE.get(measure, measure.split("_")[0]),
                    "measure_as_reported": c, "value": float(cell), "unit": "t CO2e",
                    "protocol": opt("protocol"), "protocol_comment": opt("protocol_comment"),
                    "scopes_included": opt("scopes_included"), "gases_included": opt("gases"),
                    "boundary": opt("boundary"), "change_in_emissions": opt("change"),
                    "reason_for_change": opt("reason"), "comment": opt("comment"),
                    "population": int(opt("population")) if opt("population") else None,
                    "population_year": int(pop_year) if pop_year and pop_year != "0" else None,
                })
    df = pd.DataFrame(rows)
    for col in ("population", "population_year"):
        df[col] = df[col].astype("Int64")
    df = df.sort_values(["city", "report_year", "measure"], kind="stable")
    cities = sorted(df["city"].unique())
    kemi18 = ("Kemi appears in the 2018-2021 files but reported no emission value (its 2018 row "
              "has not even an accounting year), so it has no rows here; cities with values: "
              + ", ".join(cities))
    meta = {
        "path": "climate/cdp_city_emissions_reported.csv",
        "title": "City-wide GHG emissions self-reported by Finnish cities to CDP-ICLEI, "
                 "questionnaires 2016-2021 (non-verified)",
        "description": (
            "Emissions that Finnish cities (" + ", ".join(cities) + "; varies by year) "
            "reported to CDP / ICLEI, as published on the CDP "
            "Open Data Portal. One row per city x questionnaire (report_year) x accounting year "
            "x reported emission column; only cells with a number are rows (empty cells and "
            "'Not Applicable' are not values). Each questionnaire asked different things: "
            + " | ".join(f"{y}: {t}" for y, t in CDP_QUESTIONNAIRES.items()) +
            ". Do not add scopes across questionnaire years or build a trend without reading "
            "each year's columns and protocol (e.g. Turku's scope 2 for accounting year 2015 is "
            "472,400 in the 2017 report and 656,354 in the 2019 report). Turku (account 50154): "
            "2016 report, year 2013: total 1,107,500 = scope 1 421,200 + scope 2 686,300; 2017 "
            "report, 2015: total 840,800 vs 368,300 + 472,400 = 840,700 (100 t apart as "
            "reported); 2018 report, 2016: 412,100 / 513,500; 2019 "
            "report, 2015: 49,372 (grid generation) + 363,926 / 656,354; 2020 report, 2018: "
            "411,300 / 483,300; 2021 report, 2019: 390,100 / 353,800."),
        "schema": schema(FIELDS_CDP),
        "sources": [source(f"CDP Open Data Portal, '{t}' (data collected through the CDP-ICLEI "
                           f"Unified Reporting System)", u, "CDP (with ICLEI - Local Governments "
                           "for Sustainability)") for t, u in CDP_PORTAL.values()] + [
            source(f"{OPENCLIMATE_REPO} harmonize/data/raw/CDP_citywide_emissions_<year>/ at "
                   f"commit {OPENCLIMATE_COMMIT} (downloaded from the portal 2022-11-16 per each "
                   f"README; Apache-2.0 code, CDP data)",
                   github_tree(OPENCLIMATE_REPO, OPENCLIMATE_COMMIT, "harmonize/data/raw"),
                   "Open Earth Foundation (copy of the CDP Open Data Portal files)")],
        "licenses": [{
            "name": "cdp-terms-not-stated",
            "path": "https://data.cdp.net/",
            "title": "Licence of the CDP Open Data Portal data not stated in the copy's repository "
                     "- check CDP's terms before redistributing; required citation: 'This data was "
                     "collected in partnership by CDP and ICLEI - Local Governments for "
                     "Sustainability' (not CC-licensed here)",
        }],
        "publisher": "CDP (CDP-ICLEI Unified Reporting System); figures self-reported by the cities",
        "table_id": "CDP Open Data Portal city-wide emissions datasets 2016-2021 (dfed-thx7, "
                    "kyi6-dk5h, wii4-buw5, 542d-zyj8, p43t-fbkj, tmta-7i7p)",
        "reference_period": "questionnaires 2016-2021; accounting years 2013-2020",
        "obtained": (
            "reference-data/climate/cdp_city_reported_emissions/"
            "cdp_citywide_emissions_reported_<year>_FINLAND_rows.csv (the rows with Country = "
            "Finland of each year's file, all columns, values unchanged) reshaped to one row per "
            "reported emission cell; headers normalised (blanks, NBSP, zero-width spaces) and "
            "matched per year to a measure id; the descriptive columns of the same row carried "
            "along; the accounting year parsed from the period. Not carried: " + CDP_DROPPED +
            ". " + kemi18 + "."),
        "attribution": "Source: CDP Open Data Portal, city-wide emissions 2016-2021, self-reported "
                       "by the cities; 'This data was collected in partnership by CDP and ICLEI - "
                       "Local Governments for Sustainability'",
        "quality": "RED",
        "suitability": "AMBER",
        "caveats": [
            "SELF-REPORTED and NON-VERIFIED: the inventory data are the cities' own inputs "
            "(CDP: 'non-verified self-reported city inputs'; 'may not include all emission "
            "sources within the city boundary').",
            "The questionnaire changed every year (columns, scope split by grid-supplied energy, "
            "GPC BASIC/BASIC+): compare like with like only; see the description.",
            "Protocols differ between cities and years (2006 IPCC / Covenant of Mayors SECAP "
            "guidebook, GPC, regional HSY method, Syke ALas; Turku's 2020/2021 reports use ALas "
            "without F-gases and with local air traffic from CO2-raportti).",
            "Some reported rows are internally inconsistent as published (e.g. Helsinki 2016: "
            "total = scope 2 = 2,789,724; Lahti 2017: total = scope 1); kept as reported.",
            "Licence of the CDP data not confirmed; cite CDP and ICLEI as required.",
            kemi18 + ".",
        ],
    }
    return ordered(df, FIELDS_CDP), meta


# ============================================================================= CO2-raportti
CO2R_SECTORS = {
    "consumer electricity": "consumer_electricity", "heating of buildings": "heating_of_buildings",
    "industry and machinery": "industry_and_machinery",
    "industrial electricity": "industrial_electricity", "road transport": "road_transport",
    "other transport modes": "other_transport_modes", "agriculture": "agriculture",
    "waste management": "waste_management", "TOTAL": "total", "per capita (t)": "per_capita",
}


def validate_co2r(df: pd.DataFrame) -> None:
    check(set(df["municipality_code"]) == {"853", "577"}, "Turku and Paimio")
    for code, total, tol in (("853", 851.4, 0.05), ("577", 71.7, 0.15)):
        g = df[df["municipality_code"] == code].set_index("sector_id")["value"]
        equal(float(g["total"]), total, f"{code} printed total")
        parts = g.drop(["total", "per_capita"]).sum()
        near(parts, total, tol, f"{code}: Σ sectors vs printed total")
    equal(float(df[(df["municipality_code"] == "853") & (df["sector_id"] == "per_capita")]
                ["value"].iloc[0]), 4.5, "Turku per capita")


FIELDS_CO2R = [
    field("municipality_code", "string", "municipality code, 3 digits (Turku 853, Paimio 577)",
          required=True, pattern=r"^\d{3}$"),
    field("municipality_name", "string", "municipality", required=True),
    field("year", "integer", "reference year of the summary", required=True),
    field("sector_id", "string", "project id of the sector row", required=True,
          enum=list(CO2R_SECTORS.values())),
    field("sector_fi", "string", "sector as printed in the report (Finnish)", required=True),
    field("sector_en", "string", "English translation by the reference-data compilers",
          required=True),
    field("value", "number", "as printed (one decimal)", required=True),
    field("unit", "string", "kt CO2e (sectors and total) or t CO2e per inhabitant (per_capita)",
          required=True, enum=["kt CO2e", "t CO2e per inhabitant"]),
]


@converter("co2raportti_2017", CO2R, validate=validate_co2r)
def build_co2r(folder: Path):
    raw = pd.read_csv(folder / "co2raportti_summary_2017_turku_paimio.csv", dtype=str,
                      keep_default_na=False)
    check(list(raw.columns) == ["municipality", "kunta_code", "year", "sector_fi", "sector_en",
                                "kt_co2e"], f"columns {list(raw.columns)}")
    check(raw["sector_en"].isin(list(CO2R_SECTORS)).all(), f"sectors {set(raw['sector_en'])}")
    for name, code in raw[["municipality", "kunta_code"]].drop_duplicates().values:
        equal(municipality_code(name), code, f"code of {name}")
    df = pd.DataFrame({
        "municipality_code": raw["kunta_code"], "municipality_name": raw["municipality"],
        "year": raw["year"].astype("int64"), "sector_id": raw["sector_en"].map(CO2R_SECTORS),
        "sector_fi": raw["sector_fi"], "sector_en": raw["sector_en"],
        "value": pd.to_numeric(raw["kt_co2e"]).astype("float64"),
    })
    df["unit"] = np.where(df["sector_id"] == "per_capita", "t CO2e per inhabitant", "kt CO2e")
    meta = {
        "path": "climate/co2raportti_2017.csv",
        "title": "CO2-raportti greenhouse-gas summaries 2017, Turku and Paimio (commissioned "
                 "reports, not official statistics)",
        "description": (
            "Sector emissions (kt CO2e) and per-capita emissions for 2017 from the summary pages "
            "('Yhteenveto') of the CO2-raportti reports commissioned by the City of Turku and the "
            "Town of Paimio from Benviroc Oy (2019). Turku: consumer electricity 96.0, heating of "
            "buildings 426.9, industry and machinery 75.1, industrial electricity 22.8, road "
            "transport 161.4, other transport 47.0, agriculture 5.9, waste 16.3; total 851.4 "
            "(= Σ sectors); 4.5 t per inhabitant. Paimio: Σ sectors 71.8 vs printed total 71.7 "
            "(rounding); 6.7 t per inhabitant. Rows 'total' and 'per_capita' are as printed: do "
            "not add them to the sectors."),
        "schema": schema(FIELDS_CO2R),
        "sources": [
            source("CO2-raportti (Benviroc Oy), 'Turun kasvihuonekaasupäästöt 1990, 2000, "
                   "ennakkotieto vuodelta 2018', Espoo 2019 (summary 'Turku 2017')",
                   "http://docplayer.fi/155496354-Turun-kasvihuonekaasupaastot-1990-2000-ennakkotieto-vuodelta-2018.html",
                   "Benviroc Oy (CO2-raportti), commissioned by the City of Turku"),
            source("CO2-raportti (Benviroc Oy), 'Paimion kasvihuonekaasupäästöt 2010, ennakkotieto "
                   "vuodelta 2018', 2019 (summary 2017)",
                   "https://docplayer.fi/142433073-Paimion-kasvihuonekaasupaastot-2010-ennakkotieto-vuodelta-2018.html",
                   "Benviroc Oy (CO2-raportti), commissioned by the Town of Paimio"),
        ],
        "licenses": [{"name": "quoted-facts-no-licence-stated",
                      "path": "http://docplayer.fi/155496354-Turun-kasvihuonekaasupaastot-1990-2000-ennakkotieto-vuodelta-2018.html",
                      "title": "No licence stated: facts quoted with attribution (CO2-raportti, "
                               "Benviroc Oy, for the municipality) - not CC-licensed"}],
        "publisher": "Benviroc Oy (CO2-raportti; merged into Sitowise 2021), for the City of "
                     "Turku and the Town of Paimio",
        "table_id": "CO2-raportti municipal summaries ('Yhteenveto'), 2017",
        "reference_period": "2017",
        "obtained": (
            "reference-data/climate/co2raportti_turku_paimio_2017/"
            "co2raportti_summary_2017_turku_paimio.csv (transcribed by the reference-data "
            "compilers from stored copies of the report PDFs' summary pages) copied; the "
            "kt_co2e column split into value and unit (the per-capita row is in t per "
            "inhabitant); sector ids added."),
        "attribution": "Source: CO2-raportti (Benviroc Oy) for the City of Turku and the Town of "
                       "Paimio, 2019 - commissioned reports, not official statistics",
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": [
            "Not official statistics: a consultancy emission-accounting service commissioned by "
            "the municipalities, with its own method (different from Syke's ALas and from the "
            "SECAP/CDP inventory in turku_ghg_inventory_2020 and cdp_city_emissions_reported).",
            "Transcribed from text extractions of the PDFs on docplayer; Turku's population "
            "figure did not survive the extraction.",
            "The 2018 figures in the reports' titles are preliminary estimates and are not here.",
        ],
    }
    return ordered(df, FIELDS_CO2R), meta


# ================================================================= rakke 116h / 116g (2019)
HEATING_FUELS = {
    "Yhteensä": "total", "Kauko- tai aluelämpö": "district_heat", "Öljy, kaasu": "oil_gas",
    "Sähkö": "electricity", "Kivihiili": "coal", "Puu, turve": "wood_peat",
    "Maalämpö": "ground_heat", "Muu, tuntematon": "other_unknown",
}
BUILDING_TYPES = {
    "Yhteensä": "total", "Erilliset pientalot": "detached_houses",
    "Rivi- ja ketjutalot": "terraced_houses", "Asuinkerrostalot": "blocks_of_flats",
    "Liikerakennukset": "commercial", "Toimistorakennukset": "office",
    "Liikenteen rakennukset": "transport", "Hoitoalan rakennukset": "care",
    "Kokoontumisrakennukset": "assembly", "Opetusrakennukset": "education",
    "Teollisuusrakennukset": "industrial", "Varastorakennukset": "warehouse",
    "Muut rakennukset": "other",
}
COMPLETION = {"- 1920": ("-1920", None, 1920), "1921 - 1939": ("1921-1939", 1921, 1939),
              "1940 - 1959": ("1940-1959", 1940, 1959), "1960 - 1969": ("1960-1969", 1960, 1969),
              "1970 - 1979": ("1970-1979", 1970, 1979), "1980 - 1989": ("1980-1989", 1980, 1989),
              "1990 - 1999": ("1990-1999", 1990, 1999), "2000 - 2009": ("2000-2009", 2000, 2009),
              "2010 -": ("2010-", 2010, None), "Tuntematon": ("unknown", None, None)}
_FLOOR_PREFIX = "Rakennuksen kerrosala (m2) "
RAKKE_LICENCE = dict(CC_BY_4, title=CC_BY_4["title"] + " (Statistics Finland, 'Lähde: "
                     "Tilastokeskus')")


def read_pxweb_csv(path: Path) -> tuple[str, list[str], list[list[str]]]:
    """A PX-Web 'CSV (semicolon/comma) with heading' download: ISO-8859-1, CRLF, title line."""
    with open(path, encoding="latin-1", newline="") as fh:
        rows = [r for r in csv.reader(fh)]
    title = rows[0][0]
    body = [r for r in rows[1:] if r]
    return title, body[0], body[1:]


def _area(name: str, known: dict[str, str]) -> tuple[str, str, str]:
    if name == "KOKO MAA":
        return "country", "SSS", "Koko maa"
    code = municipality_code(name)
    return "municipality", code, known[code]


def _rakke_long(path: Path, first_col: str, expected_title: str):
    title, header, data = read_pxweb_csv(path)
    check(title == expected_title, f"{path.name}: title {title!r}")
    check(header[:3] == [first_col, "Alue", "Vuosi"], f"{path.name}: header {header[:3]}")
    types = []
    for h in header[3:]:
        check(h.startswith(_FLOOR_PREFIX), f"{path.name}: column {h!r} is not a floor area")
        t = h[len(_FLOOR_PREFIX):]
        check(t in BUILDING_TYPES, f"{path.name}: building type {t!r}")
        types.append(t)
    known = registry_municipalities_2020()
    areas = {}
    out = []
    for r in data:
        check(len(r) == len(header), f"{path.name}: row {r[:3]}")
        check(r[2] == "2019", f"{path.name}: year {r[2]}")
        if r[1] not in areas:
            areas[r[1]] = _area(r[1], known)
        for t, v in zip(types, r[3:]):
            check(re.fullmatch(r"\d+", v) is not None, f"{path.name}: {r[:2]} {t}: {v!r}")
            out.append((*areas[r[1]], r[1], r[0], t, int(v)))
    return out, title


def _check_2020_municipalities(df: pd.DataFrame) -> None:
    munis = set(df.loc[df["area_kind"] == "municipality", "area_code"])
    known = set(registry_municipalities_2020())
    check(munis == known, f"municipalities differ from the 310 of the 2020 division: "
          f"{sorted(munis ^ known)}")


def validate_heating(df: pd.DataFrame) -> None:
    _check_2020_municipalities(df)
    equal(df["area_code"].nunique(), 311, "whole country + 310 municipalities")
    check(df["buildings"].isna().all() and (df["buildings_status"] == "not_in_download").all(),
          "number of buildings is not in the file")
    key = ["heating_fuel", "building_type"]
    country = df[df["area_kind"] == "country"].set_index(key)["floor_area_m2"]
    munis = df[df["area_kind"] == "municipality"].groupby(key)["floor_area_m2"].sum()
    check((munis.reindex(country.index) == country).all(),
          "Σ municipalities != KOKO MAA for some fuel x building type")
    wide = df.pivot_table(index=["area_code", "building_type"], columns="heating_fuel",
                          values="floor_area_m2", aggfunc="first")
    parts = wide.drop(columns="total").sum(axis=1)
    check((parts == wide["total"]).all(), "Σ heating fuels != total")
    bt = df.pivot_table(index=["area_code", "heating_fuel"], columns="building_type",
                        values="floor_area_m2", aggfunc="first")
    check((bt.drop(columns="total").sum(axis=1) == bt["total"]).all(), "Σ building types != total")
    def v(code, fuel):
        return int(df[(df["area_code"] == code) & (df["heating_fuel"] == fuel)
                      & (df["building_type"] == "total")]["floor_area_m2"].iloc[0])
    equal(v("SSS", "total"), 494_625_956, "whole country floor area")
    equal((v("853", "total"), v("853", "district_heat"), v("853", "oil_gas"),
           v("853", "electricity"), v("853", "ground_heat")),
          (16_128_906, 10_883_696, 2_338_907, 1_637_056, 544_814), "Turku")


FIELDS_HEATING = [
    field("area_kind", "string", "country (KOKO MAA) or municipality; the table has no region "
          "rows", required=True, enum=["country", "municipality"]),
    field("area_code", "string", "municipality code (3 digits, 2020 division) or 'SSS' for the "
          "whole country; mapped from the published Finnish names with the project's area "
          "registry (exact names only; 'Maarianhamina - Mariehamn' = 478)", required=True,
          pattern=r"^(\d{3}|SSS)$"),
    field("area_name", "string", "Finnish name (registry; 'Koko maa' for the whole country)",
          required=True),
    field("area_name_published", "string", "the 'Alue' cell as published", required=True),
    field("heating_fuel", "string", "project id of the published heating-fuel class: total, "
          "district_heat (Kauko- tai aluelämpö), oil_gas (Öljy, kaasu), electricity (Sähkö), coal "
          "(Kivihiili), wood_peat (Puu, turve), ground_heat (Maalämpö), other_unknown (Muu, "
          "tuntematon). The table publishes these combined classes only: light/heavy fuel oil "
          "and gas, wood and peat, other and unknown are NOT separable", required=True,
          enum=list(HEATING_FUELS.values())),
    field("heating_fuel_fi", "string", "the class as published ('Rakennuksen lämmitysaine')",
          required=True),
    field("building_type", "string", "project id of the building use class (total, "
          "detached_houses, terraced_houses, blocks_of_flats, commercial, office, transport, "
          "care, assembly, education, industrial, warehouse, other)", required=True,
          enum=list(BUILDING_TYPES.values())),
    field("building_type_fi", "string", "the use class as published (without the column "
          "prefix 'Rakennuksen kerrosala (m2) ')", required=True),
    field("floor_area_m2", "integer", "floor area (kerrosala), m², 31.12.2019", required=True),
    field("buildings", "integer", "number of buildings: NOT in this download (the file holds "
          "floor area only, although the table title says 'lkm, m2'); always missing with "
          "buildings_status 'not_in_download'"),
]


@converter("buildings_floor_area_by_heating_fuel_2019", RAKKE, validate=validate_heating)
def build_heating(folder: Path):
    out, title = _rakke_long(folder / "006_116h_2019.csv", "Rakennuksen lämmitysaine",
                             "116h -- Rakennukset (lkm, m2) käyttötarkoituksen ja lämmitysaineen "
                             "mukaan, 2019")
    df = pd.DataFrame(out, columns=["area_kind", "area_code", "area_name", "area_name_published",
                                    "heating_fuel_fi", "building_type_fi", "floor_area_m2"])
    check(df["heating_fuel_fi"].isin(list(HEATING_FUELS)).all(),
          f"heating fuels {sorted(set(df['heating_fuel_fi']) - set(HEATING_FUELS))}")
    df["heating_fuel"] = df["heating_fuel_fi"].map(HEATING_FUELS)
    df["building_type"] = df["building_type_fi"].map(BUILDING_TYPES)
    df["buildings"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["buildings_status"] = "not_in_download"
    turku = df[(df["area_code"] == "853") & (df["building_type"] == "total")].set_index("heating_fuel")
    meta = {
        "path": "climate/buildings_floor_area_by_heating_fuel_2019.csv",
        "title": "Building stock floor area (m²) by heating fuel and building use, whole country "
                 "and municipalities, 31.12.2019 (StatFin rakke 116h)",
        "description": (
            "Statistics Finland, Buildings and dwellings (rakke), table " + title + ": floor "
            "area by heating fuel (8 published classes incl. total) x building use (13 classes "
            "incl. total) for the whole country (KOKO MAA) and the 310 municipalities of the "
            "2020 division, 31.12.2019. Long format. Checks (validate): Σ 310 municipalities = "
            "the whole-country row for every fuel x building type (exact); the fuel classes add "
            "up to the total and the use classes to the total in every area (exact). Whole "
            "country 494,625,956 m²; Turku " + f"{turku.loc['total', 'floor_area_m2']:,}"
            + " m², of which district heat " + f"{turku.loc['district_heat', 'floor_area_m2']:,}"
            + ", oil/gas " + f"{turku.loc['oil_gas', 'floor_area_m2']:,}" + ", electricity "
            + f"{turku.loc['electricity', 'floor_area_m2']:,}" + ", ground heat "
            + f"{turku.loc['ground_heat', 'floor_area_m2']:,}" + ". The number of buildings is "
            "not in this download (column 'buildings' is empty)."),
        "schema": schema(FIELDS_HEATING, missing_values=["", "not_in_download"]),
        "sources": [
            source("Statistics Finland, Buildings and dwellings (Rakennus- ja asuntokanta, rakke), "
                   "StatFin table 116h 'Rakennukset (lkm, m2) käyttötarkoituksen ja lämmitysaineen "
                   "mukaan, 2019' (PX-Web 'CSV (semicolon/comma) with heading' download)",
                   "https://www.stat.fi/til/rakke/", STATFIN),
            source(f"{KAUSAL_REPO} 006_116h_2019.csv at commit {KAUSAL_116H} (2020-09-14; removed "
                   f"from HEAD cd626d56acfa97caa0db7f620af89f6127b670a0; no licence stated for the "
                   f"file, the data are Statistics Finland's)",
                   github_blob(KAUSAL_REPO, KAUSAL_116H, "006_116h_2019.csv"),
                   "Kausal Ltd (kausaltech), copy of Statistics Finland data"),
        ],
        "licenses": [RAKKE_LICENCE],
        "publisher": STATFIN,
        "table_id": "StatFin rakke 116h (2019)",
        "reference_period": "31.12.2019 (municipal division of 2020)",
        "obtained": (
            "reference-data/climate/buildings_floor_area_heating_2019/006_116h_2019.csv (a byte "
            "copy, ISO-8859-1) decoded as Latin-1 and reshaped to one row per area x heating "
            "fuel x building use; municipality names mapped to codes with the project's area "
            "registry (exact Finnish names; 'Maarianhamina - Mariehamn' by both names), failing "
            "on any unmapped name, and the set checked to be exactly the 310 municipalities of "
            "2020; fuel and use classes given ASCII ids, the published Finnish labels kept."),
        "attribution": "Source: Statistics Finland, Buildings and dwellings (rakke) 2019, table "
                       "116h, CC BY 4.0",
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "Floor area only: the number of buildings is not in this download.",
            "Published heating-fuel classes are combined (oil and gas; wood and peat; other and "
            "unknown); they cannot be split.",
            "Heating fuel is the building's main heating source in the building register, not "
            "measured energy use or emissions.",
            "2020 municipal division (310 municipalities, incl. 099 Honkajoki and 588 Pertunmaa); "
            "no region rows in the table.",
        ],
    }
    return ordered(df, FIELDS_HEATING), meta


def validate_completion(df: pd.DataFrame) -> None:
    _check_2020_municipalities(df)
    equal(df["area_code"].nunique(), 310, "310 municipalities (no whole-country row)")
    equal(int(df["floor_area_m2"].sum()), 494_625_956, "Σ = the whole country's floor area (116h)")
    t = df[df["area_code"] == "853"]["floor_area_m2"].sum()
    equal(int(t), 16_128_906, "Turku Σ = 116h total")


FIELDS_COMPLETION = [
    field("area_kind", "string", "municipality (the table has no whole-country or region rows)",
          required=True, enum=["municipality"]),
    field("area_code", "string", "municipality code, 3 digits, 2020 division (registry mapping "
          "of the published names)", required=True, pattern=r"^\d{3}$"),
    field("area_name", "string", "Finnish name (registry)", required=True),
    field("area_name_published", "string", "the 'Alue' cell as published", required=True),
    field("completion_period", "string", "project id of the completion-year band: -1920, "
          "1921-1939, 1940-1959, 1960-1969, …, 2000-2009, 2010-, unknown", required=True,
          enum=[v[0] for v in COMPLETION.values()]),
    field("completion_period_fi", "string", "the band as published ('Valmistumisvuosi', e.g. "
          "'- 1920', 'Tuntematon')", required=True),
    field("period_start", "integer", "first year of the band (missing for '- 1920' and unknown)"),
    field("period_end", "integer", "last year of the band (missing for '2010 -' and unknown)"),
    field("building_type", "string", "project id of the building use class (the same ids as "
          "buildings_floor_area_by_heating_fuel_2019; this table has no total column)",
          required=True, enum=[v for v in BUILDING_TYPES.values() if v != "total"]),
    field("building_type_fi", "string", "the use class as published", required=True),
    field("floor_area_m2", "integer", "floor area (kerrosala), m², 31.12.2019", required=True),
]


@converter("buildings_floor_area_by_completion_year_2019", RAKKE, validate=validate_completion)
def build_completion(folder: Path):
    out, title = _rakke_long(folder / "006_116g_2019.csv", "Valmistumisvuosi",
                             "116g -- Rakennukset käyttötarkoituksen ja valmistumisvuoden mukaan, "
                             "2019")
    df = pd.DataFrame(out, columns=["area_kind", "area_code", "area_name", "area_name_published",
                                    "completion_period_fi", "building_type_fi", "floor_area_m2"])
    check((df["area_kind"] == "municipality").all(), "116g was expected to have no KOKO MAA row")
    check(df["completion_period_fi"].isin(list(COMPLETION)).all(), "completion bands")
    band = df["completion_period_fi"].map(COMPLETION)
    df["completion_period"] = band.str[0]
    df["period_start"] = pd.array(band.str[1].tolist(), dtype="Int64")
    df["period_end"] = pd.array(band.str[2].tolist(), dtype="Int64")
    df["building_type"] = df["building_type_fi"].map(BUILDING_TYPES)
    # cross-check with 116h: per municipality and use class, Σ bands = 116h's total-fuel row
    h_out, _ = _rakke_long(folder / "006_116h_2019.csv", "Rakennuksen lämmitysaine",
                           "116h -- Rakennukset (lkm, m2) käyttötarkoituksen ja lämmitysaineen "
                           "mukaan, 2019")
    h = pd.DataFrame(h_out, columns=["area_kind", "area_code", "n", "p", "fuel", "type", "m2"])
    h = h[(h["fuel"] == "Yhteensä") & (h["area_kind"] == "municipality") & (h["type"] != "Yhteensä")]
    g = df.groupby(["area_code", "building_type_fi"])["floor_area_m2"].sum()
    hh = h.set_index(["area_code", "type"])["m2"]
    check((g.reindex(hh.index) == hh).all() and len(g) == len(hh),
          "116g Σ completion bands != 116h total floor area for some municipality x use class")
    meta = {
        "path": "climate/buildings_floor_area_by_completion_year_2019.csv",
        "title": "Building stock floor area (m²) by completion year and building use, "
                 "municipalities, 31.12.2019 (StatFin rakke 116g)",
        "description": (
            "Statistics Finland, Buildings and dwellings (rakke), table " + title + ": floor "
            "area by completion-year band (9 bands and 'Tuntematon' = unknown) x building use (12 "
            "classes; no total column) for the 310 municipalities of the 2020 division, "
            "31.12.2019 (no whole-country row). Check (converter): for every municipality and use "
            "class the bands add up exactly to the total-fuel floor area of table 116h "
            "(buildings_floor_area_by_heating_fuel_2019); Σ all = 494,625,956 m² = 116h's whole "
            "country; Turku 16,128,906 m²."),
        "schema": schema(FIELDS_COMPLETION),
        "sources": [
            source("Statistics Finland, Buildings and dwellings (rakke), StatFin table 116g "
                   "'Rakennukset käyttötarkoituksen ja valmistumisvuoden mukaan, 2019'",
                   "https://www.stat.fi/til/rakke/", STATFIN),
            source(f"{KAUSAL_REPO} 006_116g_2019.csv at commit {KAUSAL_116G} (2020-09-15; removed "
                   f"from HEAD; no licence stated for the file, the data are Statistics Finland's)",
                   github_blob(KAUSAL_REPO, KAUSAL_116G, "006_116g_2019.csv"),
                   "Kausal Ltd (kausaltech), copy of Statistics Finland data"),
        ],
        "licenses": [RAKKE_LICENCE],
        "publisher": STATFIN,
        "table_id": "StatFin rakke 116g (2019)",
        "reference_period": "31.12.2019 (municipal division of 2020)",
        "obtained": (
            "reference-data/climate/buildings_floor_area_heating_2019/006_116g_2019.csv (a byte "
            "copy, ISO-8859-1) decoded as Latin-1 and reshaped to one row per municipality x "
            "completion band x use; names mapped to codes as for 116h; band limits parsed from "
            "the published labels."),
        "attribution": "Source: Statistics Finland, Buildings and dwellings (rakke) 2019, table "
                       "116g, CC BY 4.0",
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "Floor area only, no number of buildings; no whole-country row and no total column "
            "(sum the rows; the sums equal table 116h).",
            "2020 municipal division (310 municipalities).",
        ],
    }
    return ordered(df, FIELDS_COMPLETION), meta
