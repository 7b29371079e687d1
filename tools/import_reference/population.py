"""Converters for the population material of the second collection (issue 10, item 1).

* ``population_municipality_2000_2023`` - Sotkanet indicator 127 (population 31.12.) for
  2000-2022 from ``population/sotkanet_127_2000-2022_and_postcode_2022`` plus the already
  pinned 31.12.2023 resource ``population_municipality_2023`` (read from the snapshot, not
  from the collection), as one series for every municipality of the 2026 registry;
* ``population_postcode_2022`` - population by postal-code area 2022 (same folder).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import converter
from ._common import (
    cc_by,
    check,
    equal,
    field,
    fmt_int,
    github,
    read_text_csv,
    registry_frame,
    unique_keys,
    whole_numbers,
)

GEOFI_REPO, GEOFI_COMMIT = "rOpenGov/geofi", "de9392bbeac7ce09d13637ec000b8c9e69ce5c52"
GEOFI_DATA_COMMIT = "18c8c7fa27d5f445823e95a76dd7a270f4d9fd21"
FOLDER = "population/sotkanet_127_2000-2022_and_postcode_2022"

#: Finland's official population 31.12., as named in the collection's SOURCES.md files
#: (population/sotkanet_127..., paavo/...key_figures_2006-2016, exclusion/sotkanet_municipal_
#: 1990-2012, population/ for 2023)
OFFICIAL_TOTALS = {2000: 5181115, 2006: 5276955, 2010: 5375276, 2011: 5401267, 2012: 5426674,
                   2016: 5503297, 2017: 5513130, 2019: 5525292, 2020: 5533793, 2021: 5548241,
                   2022: 5563970, 2023: 5603851}
TURKU = {2018: 191331, 2019: 192962, 2020: 194391, 2021: 195137, 2022: 197900, 2023: 201863}


def _geofi_source(path: str, what: str) -> dict:
    return github(GEOFI_REPO, GEOFI_COMMIT, path,
                  f"{what} (documented in R/data.R; file last changed in commit "
                  f"{GEOFI_DATA_COMMIT[:8]}), converted from .rda to CSV by the reference-data "
                  "compilers without changing a value",
                  "rOpenGov, R package geofi (code BSD-2-clause); data: Statistics Finland via "
                  "THL Sotkanet")


def tidy_population_series(folder: Path, pop2023: pd.DataFrame | None = None):
    """The tidy frame of build_population_series, before the totals are checked."""
    raw = read_text_csv(folder / "sotkanet_127_population_by_municipality_2000-2022.csv")
    sot = pd.DataFrame({"area_code": raw["municipality_code"].str.zfill(3),
                        "year": whole_numbers(raw["year"], "year"),
                        "population": whole_numbers(raw["primary.value"], "primary.value"),
                        "source": "sotkanet_127"})
    if pop2023 is None:
        from helpers.snapshot import Snapshot

        pop2023 = Snapshot().load("population_municipality_2023")
    check(set(pop2023["year"]) == {2023}, "population_municipality_2023 is not 2023")
    p23 = pd.DataFrame({"area_code": pop2023["kunta"], "year": pop2023["year"].astype("Int64"),
                        "population": pop2023["population"].astype("Int64"),
                        "source": "population_municipality_2023"})
    reg = registry_frame()
    munis = reg[reg["kind"] == "municipality"].set_index("code")
    current = set(munis.index[~munis["historical"]])
    successor = {c: s for c, s in munis["successor_code"].items() if isinstance(s, str) and s}
    valid_to = {c: int(str(munis.at[c, "valid_to"])[:4]) for c in successor}
    series = pd.concat([sot, p23], ignore_index=True)
    unknown = set(series["area_code"]) - set(munis.index)
    check(not unknown, f"codes not in the area registry: {sorted(unknown)}")
    # a municipality merged later (the registry records a successor) is added to its successor
    # in the years the source still lists it separately; Sotkanet already did so in its download
    merged = series["area_code"].isin(successor)
    series.loc[merged, "area_code"] = series.loc[merged, "area_code"].map(successor)
    series = (series.groupby(["area_code", "year", "source"], as_index=False)["population"]
              .sum(min_count=1))
    combined = {s: "+".join(sorted([c for c, t in successor.items() if t == s] + [s]))
                for s in set(successor.values())}
    last = {s: max(valid_to[c] for c, t in successor.items() if t == s) for s in combined}
    series["combined_from"] = [combined[c] if c in combined and y <= last[c] else None
                               for c, y in zip(series["area_code"], series["year"])]
    series["historical"] = series["area_code"].map(lambda c: c not in current).astype("boolean")
    series["area_name"] = series["area_code"].map(munis["name_fi"])
    series["region_code"] = series["area_code"].map(munis["region_code"])
    frame = series[["area_code", "area_name", "region_code", "year", "population",
                    "combined_from", "historical", "source"]]
    frame = frame.sort_values(["area_code", "year"], ignore_index=True)
    return frame


@converter("population_municipality_2000_2023", FOLDER,
           validate=lambda df: validate_population_series(df))
def build_population_series(folder: Path, pop2023: pd.DataFrame | None = None):
    frame = tidy_population_series(folder, pop2023=pop2023)
    totals = validate_population_series(frame)
    hist = [f"{c} {n}" for c, n in frame.loc[frame["historical"], ["area_code", "area_name"]]
            .drop_duplicates().itertuples(index=False)]
    fields = [
        field("area_code", "string", "municipality code, 3 digits zero-padded: the 308 "
              "municipalities of the 2026 registry plus historical units without a documented "
              "successor (588 Pertunmaa)", required=True, pattern=r"^[0-9]{3}$"),
        field("area_name", "string", "Finnish name from the area registry", required=True),
        field("region_code", "string", "2-digit region in the registry (2026; for a historical "
              "unit the registry's last known region)", required=True, pattern=r"^[0-9]{2}$"),
        field("year", "integer", "year; the population is that of 31 December", required=True),
        field("population", "integer", "population 31.12., persons", required=True),
        field("combined_from", "string", "codes whose population the row covers when the "
              "registry records a later merger into this municipality, e.g. '099+214' for "
              "Kankaanpää up to 2020 (Honkajoki merged 1.1.2021); empty otherwise. In this "
              "source Sotkanet had already added 099 to 214 (it re-expresses history in the "
              "division of the download year), so nothing was summed here"),
        field("historical", "boolean", "true for a unit with no documented 2026 successor, kept "
              "as its own row (588 Pertunmaa)", required=True),
        field("source", "string", "sotkanet_127 (2000-2022) or population_municipality_2023 "
              "(the pinned 31.12.2023 resource)", required=True,
              enum=["sotkanet_127", "population_municipality_2023"]),
    ]
    meta = {
        "path": "population/population_municipality_2000_2023.csv",
        "title": "Population by municipality, 31 December 2000-2023 (2026 municipalities)",
        "description": (
            "Population on 31 December of every year 2000-2023 for the 308 municipalities of "
            "the 2026 registry and the historical unit " + ", ".join(hist) + " (kept as its "
            "own row), one row per municipality x year. 2000-2022: Sotkanet indicator 127 "
            "'Väestö 31.12.' (producer Statistics Finland) as stored by rOpenGov/geofi; 2023: "
            "the pinned resource population_municipality_2023. Σ of the rows per year: " + totals
            + "."),
        "schema": {"fields": fields},
        "sources": [
            _geofi_source("data/sotkadata_population.rda", "sotkadata_population, 'Municipality "
                          "level population data from Sotkanet ... from 2000 to 2022' (indicator "
                          "127 'Väestö 31.12.')"),
            {"title": "THL Sotkanet, indicator 127 'Väestö 31.12.' (producer Statistics Finland)",
             "path": "https://sotkanet.fi/rest/1.1/indicators/127",
             "publisher": "Finnish Institute for Health and Welfare (THL), Sotkanet; producer "
                          "Statistics Finland"},
            {"title": "2023: snapshot resource population_municipality_2023 (Statistics Finland "
                      "population 31.12.2023 via fi.wikipedia 'Luettelo Suomen kunnista'; see its "
                      "own sources)",
             "path": "population_municipality_2023.csv",
             "publisher": "Statistics Finland (Tilastokeskus)"},
        ],
        "licenses": cc_by("Statistics Finland population figures, distributed by THL Sotkanet"),
        "publisher": "Statistics Finland (Tilastokeskus), via THL Sotkanet (2000-2022)",
        "table_id": "Sotkanet indicator 127 'Väestö 31.12.' (2000-2022); population 31.12.2023",
        "reference_period": "2000-12-31/2023-12-31",
        "obtained": (f"reference-data {FOLDER}/sotkanet_127_population_by_municipality_2000-2022"
                     ".csv (municipality_code zero-padded to 3 digits) and the pinned "
                     "population_municipality_2023 (kunta, population); names and regions from "
                     "the area registry; no value changed."),
        "attribution": "Source: Statistics Finland, population 31.12. (2000-2022 via THL "
                       "Sotkanet indicator 127; 2023 via fi.wikipedia), CC BY 4.0",
        "quality": "GREEN",
        "suitability": "GREEN",
        "caveats": [
            "Sotkanet re-expresses every year in the municipal division of the download year "
            "(309 municipalities, 2022): a municipality merged before 2022 is already inside "
            "its successor in every year (e.g. Honkajoki 099 inside Kankaanpää 214: 2019 "
            "1 620 + 11 286 = 12 906). These are not the figures published at the time for "
            "the old municipalities.",
            "588 Pertunmaa is not in the 2026 classification and no successor is documented; "
            "it keeps its own rows (historical = true). Σ of all rows per year - including it "
            "- is the national total; the 308 current municipalities alone are not.",
            "2023 comes through a Wikipedia-derived table (checked: total 5 603 851 = "
            "official; Turku 201 863 = Sotkanet 127). Replace with StatFin vaerak/11re online.",
            "The national totals were checked for the years named in the collection "
            "(" + ", ".join(str(y) for y in sorted(OFFICIAL_TOTALS)) + "); the reference-data "
            "compilers state that every year 2000-2022 equals the official total.",
        ],
    }
    return frame, meta


def validate_population_series(df: pd.DataFrame) -> str:
    unique_keys(df, ["area_code", "year"], "population_municipality_2000_2023")
    check(sorted(df["year"].unique()) == list(range(2000, 2024)), "years are not 2000-2023")
    from helpers import regions

    missing = {a.code for a in regions.municipalities()} - set(df["area_code"])
    check(not missing, f"2026 municipalities without a series: {sorted(missing)}")
    check(df.groupby("year").size().eq(309).all(), "not 309 rows (308 + 588) every year")
    check(set(df.loc[df["historical"], "area_code"]) == {"588"}, "historical units != {588}")
    check((df["population"] > 0).all(), "a population is missing or not positive")
    sums = df.groupby("year")["population"].sum()
    for year, total in OFFICIAL_TOTALS.items():
        equal(sums[year], total, f"Σ population {year} (official total)")
    turku = df[df["area_code"] == "853"].set_index("year")["population"]
    for year, value in TURKU.items():
        equal(turku[year], value, f"Turku {year}")
    k = df[df["area_code"] == "214"].set_index("year")["combined_from"]
    check((k.loc[:2020] == "099+214").all() and k.loc[2021:].isna().all(), "214 combined_from")
    check(df.loc[df["area_code"] != "214", "combined_from"].isna().all(), "other combined_from")
    return "; ".join(f"{y} {fmt_int(sums[y])}" for y in sums.index)


def tidy_postcode(folder: Path):
    """The tidy frame of build_postcode, before the totals are checked."""
    raw = read_text_csv(folder / "statfi_zipcode_population_2022.csv")
    code = raw["posti_alue"]
    check(((code == "KOKO") | code.str.fullmatch(r"[0-9]{5}")).all(), "postal codes not 5 digits")
    frame = pd.DataFrame({
        "postal_code": code,
        "area_kind": code.map(lambda c: "country" if c == "KOKO" else "postal_code_area"),
        "year": 2022,
        "population": whole_numbers(raw["X2022"], "X2022"),
    })
    frame["year"] = frame["year"].astype("Int64")
    frame = frame.sort_values("area_kind", kind="stable").reset_index(drop=True)  # KOKO first
    return frame


@converter("population_postcode_2022", FOLDER, validate=lambda df: validate_postcode(df))
def build_postcode(folder: Path):
    frame = tidy_postcode(folder)
    validate_postcode(frame)
    zeros = int((frame["population"] == 0).sum())
    fields = [
        field("postal_code", "string", "postal-code area, 5 digits zero-padded (e.g. '00100', "
              "'20100'); 'KOKO' for the whole-country row", required=True, unique=True,
              pattern=r"^([0-9]{5}|KOKO)$"),
        field("area_kind", "string", "postal_code_area, or country for the KOKO row (the "
              "whole-country total: do not add it to the postal areas)", required=True,
              enum=["postal_code_area", "country"]),
        field("year", "integer", "the source's column X2022 (reference date most likely "
              "31.12.2022; not stated)", required=True),
        field("population", "integer", f"population, persons, as published ({zeros} postal "
              "areas have 0)", required=True),
    ]
    meta = {
        "path": "population/population_postcode_2022.csv",
        "title": "Population by postal-code area, 2022",
        "description": (
            "Population of the 3 026 postal-code areas of Finland and the whole country (KOKO), "
            "2022, as downloaded from Statistics Finland by rOpenGov/geofi. Σ of the postal "
            "areas = 5 494 750; the KOKO row = 5 563 970, Finland's official population "
            "31.12.2022: 69 220 persons without a postal area are not allocated (normal for "
            "Paavo-type data). Turku centre 20100 = 29 727."),
        "schema": {"fields": fields},
        "sources": [
            _geofi_source("data/statfi_zipcode_population.rda", "statfi_zipcode_population, "
                          "'population for each zipcode in Finland ... downloaded from "
                          "Statistics Finland' (posti_alue, X2022)"),
            github(GEOFI_REPO, GEOFI_COMMIT, "R/data.R", "documentation of "
                   "statfi_zipcode_population: downloaded from Statistics Finland (the exact "
                   "table is not named)", "rOpenGov, R package geofi; data: Statistics Finland"),
        ],
        "licenses": cc_by("Statistics Finland"),
        "publisher": "Statistics Finland (Tilastokeskus)",
        "table_id": "population by postal-code area, 2022 (exact StatFin table not named)",
        "reference_period": "2022",
        "obtained": (f"reference-data {FOLDER}/statfi_zipcode_population_2022.csv: posti_alue -> "
                     "postal_code, X2022 -> population; area_kind and year added; the KOKO row "
                     "kept and flagged."),
        "attribution": "Source: Statistics Finland, population by postal-code area 2022, CC BY 4.0",
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": [
            "The exact Statistics Finland table and reference date are not named; the KOKO row "
            "equals the official population of 31.12.2022, which supports that date.",
            "Persons without a postal-code area are not allocated: the postal areas add up to "
            "69 220 less than the country.",
            f"{zeros} postal areas have population 0 as published (no residents); they are "
            "values, not suppressed cells.",
        ],
    }
    return frame, meta


def validate_postcode(df: pd.DataFrame) -> bool:
    unique_keys(df, ["postal_code"], "population_postcode_2022")
    koko = df[df["area_kind"] == "country"]
    check(len(koko) == 1 and koko["postal_code"].iloc[0] == "KOKO", "one KOKO row")
    equal(koko["population"].iloc[0], 5563970, "KOKO = official population 2022")
    areas = df[df["area_kind"] == "postal_code_area"]
    check(len(areas) == 3026 and areas["postal_code"].str.fullmatch(r"[0-9]{5}").all(),
          "3 026 five-digit postal areas")
    equal(areas["population"].sum(), 5494750, "Σ postal areas")
    equal(areas.loc[areas["postal_code"] == "20100", "population"].iloc[0], 29727, "20100 Turku")
    check(df["population"].notna().all(), "a population is missing")
    return True
