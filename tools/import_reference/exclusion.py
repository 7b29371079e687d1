"""Converters for the exclusion material of the second collection (issue 10, item 1).

Resources (names and columns are a contract with the exclusion workbook):

* ``sotkanet_municipal_2019`` and ``sotkanet_indicators_2019`` - the raw Sotkanet download of
  15 indicators for the municipalities, 2019 (folder ``exclusion/sotkanet_municipal_2019``);
* ``sotkanet_municipal_1990_2012`` - the exclusion indicators of the 2013 Sotkanet bulk
  download, municipalities, sub-regions and regions 1990-2012
  (``exclusion/sotkanet_municipal_1990-2012``);
* ``tem_jobseekers_monthly_2006_2023`` and ``tem_ict_occupations_mk02_2006_2023`` - StatFin
  tyonv 12r5 and 12ti (``exclusion/tem_jobseekers_monthly_2006-2023``).

Values are copied as published. A cell the publisher left empty stays empty (NaN on load,
with a status), and a municipality x indicator that the Sotkanet download has no row for gets
no row here either.
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
    github,
    missing_cells_text,
    municipality_names,
    numbers,
    read_text_csv,
    region_code_by_name,
    unique_keys,
    whole_numbers,
)

SOTKANET_API = {"title": "THL Sotkanet REST API 1.1 (indicator data, region category KUNTA)",
                "path": "https://sotkanet.fi/rest/1.1/",
                "publisher": "Finnish Institute for Health and Welfare (THL), Sotkanet"}

# ============================================================== Sotkanet municipal 2019
S19_REPO, S19_COMMIT = "OlliLeh/spatialcourseOL", "943b5ca6ab72bfa83fc8aa8e13007b7af23c0bd7"
S19_REQUESTED = "181, 3562, 5, 1275, 3099, 182, 761, 3195, 3076, 453, 179, 304, 313, 2320, 2343, 3126"
#: municipalities with a value, per indicator (exclusion/sotkanet_municipal_2019/SOURCES.md)
S19_COUNTS = {"181": 303, "3562": 296, "5": 302, "1275": 143, "453": 305, "3099": 305,
              "3126": 308, "182": 308, "761": 308, "3195": 308, "179": 308, "304": 308,
              "313": 296, "2320": 302, "2343": 250}
S19_MUNICIPALITIES = 308


def _s19_sources() -> list[dict]:
    return [
        github(S19_REPO, S19_COMMIT, "inst/extdata/sotkanet_2019.rds",
               "the stored result of sotkanet::GetDataSotkanet(indicators = c(" + S19_REQUESTED +
               "), years = 2019, region.category = 'KUNTA') (also at commit a0904457), "
               "converted to CSV by the reference-data compilers without changing a value",
               "Olli Lehtonen, R course package spatialcourseOL (YH00EM30 Applied spatial "
               "analysis and research); data: THL Sotkanet"),
        SOTKANET_API,
    ]


def _s19_raw(folder: Path) -> pd.DataFrame:
    raw = read_text_csv(folder / "sotkanet_2019_kunta_all_long.csv")
    check(set(raw["region.category"]) == {"KUNTA"} and set(raw["year"]) == {"2019"}
          and set(raw["gender"]) == {"total"}, "sotkanet 2019: expected KUNTA / 2019 / total only")
    return raw


def _s19_missing(df: pd.DataFrame) -> dict[str, int]:
    have = df.groupby("indicator")["area_code"].nunique()
    return {ind: S19_MUNICIPALITIES - int(n) for ind, n in have.items()}


def tidy_sotkanet_2019(folder: Path):
    """The tidy frame of build_sotkanet_2019, before the totals are checked."""
    raw = _s19_raw(folder)
    frame = pd.DataFrame({
        "indicator": raw["indicator"],
        "area_code": raw["region.code"],
        "area_name": raw["region.title.fi"],
        "sotkanet_region_id": raw["region"],
        "year": whole_numbers(raw["year"], "year"),
        "gender": raw["gender"],
        "value": numbers(raw["primary.value"], "primary.value"),
        "value_status": None,
        "abs_value": numbers(raw["absolute.value"], "absolute.value"),
    })
    frame["value_status"] = frame["value"].isna().map({True: "missing", False: None})
    frame = frame.sort_values(["indicator", "area_code"], key=_indicator_then_text,
                              ignore_index=True)
    return frame


@converter("sotkanet_municipal_2019", "exclusion/sotkanet_municipal_2019",
           validate=lambda df: validate_sotkanet_2019(df))
def build_sotkanet_2019(folder: Path):
    frame = tidy_sotkanet_2019(folder)
    validate_sotkanet_2019(frame)
    missing = _s19_missing(frame)
    fields = [
        field("indicator", "string", "Sotkanet indicator id (as a string); titles, producers and "
              "units in sotkanet_indicators_2019", required=True, pattern=r"^[0-9]+$"),
        field("area_code", "string", "municipality code, 3 digits zero-padded (region.code of the "
              "download; the 308 municipalities of the download = the 2026 registry)",
              required=True, pattern=r"^[0-9]{3}$"),
        field("area_name", "string", "municipality name as in the source (region.title.fi, e.g. "
              "'Maarianhamina - Mariehamn')", required=True),
        field("sotkanet_region_id", "string", "Sotkanet's internal region id (Turku 389)",
              required=True, pattern=r"^[0-9]+$"),
        field("year", "integer", "statistical year", required=True),
        field("gender", "string", "gender of the series ('total' only)", required=True,
              enum=["total"]),
        field("value", "number", "primary.value as downloaded, in the unit of the indicator "
              "(sotkanet_indicators_2019.unit)"),
        field("value_status", "string", "why value is missing ('missing'), empty when it is "
              "present - the snapshot's <column>_status convention; the download has no row "
              "for a suppressed or absent cell, so it is empty on every row", enum=["missing"]),
        field("abs_value", "number", "absolute.value: the numerator count where Sotkanet gives "
              "one (e.g. unemployed persons for 181); empty where the download has none"),
    ]
    meta = {
        "path": "exclusion/sotkanet_municipal_2019.csv",
        "title": "Sotkanet municipal indicators 2019: raw download of 15 indicators",
        "description": (
            "A raw THL Sotkanet REST download of 15 indicators for the 308 municipalities, year "
            "2019, gender total (unemployed and long-term unemployed % of the labour force, "
            "income support 25-64 and long-term 18-24, income support EUR per inhabitant, "
            "low-income rate, Gini, economic and demographic dependency ratios, tertiary "
            "education, families with children, divorces, full national pension, general "
            "housing allowance, Swedish speakers). One row per municipality x indicator that "
            "the download has; " + missing_cells_text(missing, S19_MUNICIPALITIES * 15,
                                                      "municipality x indicator cells")
            + ". Indicator 3076 (requested) returned nothing."),
        "schema": {"fields": fields},
        "sources": _s19_sources(),
        "licenses": cc_by("THL open data; the indicators of TEM, Statistics Finland and Kela "
                          "are their producers' data: attribute each indicator's producer"),
        "publisher": "Finnish Institute for Health and Welfare (THL), Sotkanet; indicator "
                     "producers TEM, THL, Tilastokeskus, Kela",
        "table_id": "Sotkanet indicators 5, 179, 181, 182, 304, 313, 453, 761, 1275, 2320, 2343, "
                    "3099, 3126, 3195, 3562 (region category KUNTA, 2019, gender total)",
        "reference_period": "2019",
        "obtained": ("reference-data exclusion/sotkanet_municipal_2019/"
                     "sotkanet_2019_kunta_all_long.csv (the .rds as CSV): columns renamed "
                     "(region.code -> area_code, region.title.fi -> area_name, region -> "
                     "sotkanet_region_id, primary.value -> value, absolute.value -> abs_value); "
                     "titles and producers moved to sotkanet_indicators_2019."),
        "attribution": "Source: THL Sotkanet 2019 (producers: TEM, THL, Statistics Finland, "
                       "Kela), CC BY 4.0",
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "Sotkanet suppresses small numbers and the download has no row for a suppressed or "
            "absent cell: " + missing_cells_text(missing, S19_MUNICIPALITIES * 15,
                                                 "municipality x indicator cells") +
            ". They stay missing, never 0 (long-term income support 18-24, 1275: 143 of 308).",
            "Sotkanet re-expresses history in the municipal division of the download year: the "
            "308 municipalities are exactly those of the 2026 registry; Honkajoki (099, merged "
            "2021) and Pertunmaa (588) have no rows. The download date is not stated (package "
            "built 2025-2026).",
            "Checked by the reference-data compilers against TEM tyonv 12r5: 181 absolute = the "
            "annual mean of monthly unemployed jobseekers for 20 of 27 Varsinais-Suomi "
            "municipalities, within 1 for the rest (Turku 10 580 unemployed, labour force "
            "94 494, 11.2 %). 2343 Turku 10 618 Swedish speakers = 5.5 % of 192 962. "
            "Indicators 5, 1275, 453, 3099, 3126 were not checked against a second source.",
            "One year only, and not current: pull Sotkanet live for later years.",
            "The repository's DESCRIPTION has no real licence (placeholder); the data are THL "
            "Sotkanet open data, CC BY 4.0, with each indicator's producer credited.",
        ],
    }
    return frame, meta


def _indicator_then_text(col: pd.Series) -> pd.Series:
    if col.name == "indicator":
        return col.astype(int)
    return col


def validate_sotkanet_2019(df: pd.DataFrame) -> bool:
    from helpers import regions

    unique_keys(df, ["indicator", "area_code"], "sotkanet_municipal_2019")
    counts = df.dropna(subset=["value"]).groupby("indicator")["area_code"].nunique().to_dict()
    check(counts == S19_COUNTS, f"municipalities with a value per indicator {counts} != "
                                f"SOURCES.md {S19_COUNTS}")
    check(len(df) == 4350, f"expected 4 350 rows, got {len(df)}")
    current = {a.code for a in regions.municipalities()}
    check(set(df["area_code"]) == current, "area codes are not the 308 municipalities of 2026")
    check(df["value"].notna().all(), "a row without a value (the download has none)")
    turku = df[df["area_code"] == "853"].set_index("indicator")
    equal(turku.at["181", "value"], 11.2, "Turku 181 value")
    equal(turku.at["181", "abs_value"], 10580, "Turku 181 absolute (unemployed)")
    equal(turku.at["3562", "value"], 3.2, "Turku 3562 value")
    equal(turku.at["3562", "abs_value"], 3011, "Turku 3562 absolute")
    equal(turku.at["2343", "abs_value"], 10618, "Turku 2343 absolute (Swedish speakers)")
    check(set(turku["sotkanet_region_id"]) == {"389"}, "Turku's Sotkanet region id is not 389")
    return True


# ---------------------------------------------------------------- indicators of 2019
#: unit read from each title ("%", "/ 1 000", "euroa / asukas"); a title without one gets
#: the unit its values show, and says so in unit_note
S19_UNITS = {
    "181": ("%", ""), "3562": ("%", ""), "5": ("%", ""), "1275": ("%", ""),
    "3195": ("%", ""), "179": ("%", ""), "313": ("%", ""), "2320": ("%", ""), "2343": ("%", ""),
    "453": ("EUR per inhabitant", ""),
    "304": ("per 1 000", "per 1 000 married persons aged 25-64 (from the title)"),
    "3099": ("%", "the title names a rate without a unit; 100 x absolute / value is a "
                  "population count (Turku 2019: 34 701 / 18.6 % = 186 565 persons), so the "
                  "value is a percentage"),
    "182": ("ratio", "the title gives no unit; values 89.0-244.5 (Turku 126.6): persons per "
                     "100, not a fraction"),
    "761": ("ratio", "the title gives no unit; values 46.1-110.1 (Turku 50.2): persons per "
                     "100, not a fraction"),
    "3126": ("index", "Gini coefficient; the title gives no unit; values 20.9-42.7, i.e. the "
                      "coefficient x 100"),
}


def tidy_indicators_2019(folder: Path):
    """The tidy frame of build_indicators_2019, before the totals are checked."""
    raw = _s19_raw(folder)
    listed = read_text_csv(folder / "indicators_2019.csv")
    titles = raw.drop_duplicates("indicator").set_index("indicator")
    check(set(titles.index) <= set(S19_UNITS),
          f"indicators {sorted(set(titles.index) - set(S19_UNITS))} are not in SOURCES.md")
    rows = []
    for ind in sorted(titles.index, key=int):
        have = raw.loc[raw["indicator"] == ind, "region.code"]
        lst = listed[listed["indicator"] == ind]
        check(len(lst) == 1 and lst["indicator.title.fi"].iloc[0] == titles.at[ind, "indicator.title.fi"]
              and lst["indicator.organization.title.fi"].iloc[0]
              == titles.at[ind, "indicator.organization.title.fi"]
              and int(lst["n_municipalities_with_value"].iloc[0]) == have.nunique(),
              f"indicators_2019.csv disagrees with the long file for {ind}")
        absent = sorted({a.code for a in _current_munis()} - set(have))
        unit, note = S19_UNITS[ind]
        rows.append({"indicator": ind,
                     "title_fi": titles.at[ind, "indicator.title.fi"],
                     "producer": titles.at[ind, "indicator.organization.title.fi"],
                     "unit": unit, "unit_note": note,
                     "n_municipalities_with_value": int(have.nunique()),
                     "n_municipalities_without_value": len(absent),
                     "area_codes_without_value": " ".join(absent)})
    frame = pd.DataFrame(rows)
    frame["n_municipalities_with_value"] = frame["n_municipalities_with_value"].astype("Int64")
    frame["n_municipalities_without_value"] = frame["n_municipalities_without_value"].astype("Int64")
    return frame


@converter("sotkanet_indicators_2019", "exclusion/sotkanet_municipal_2019",
           validate=lambda df: validate_indicators_2019(df))
def build_indicators_2019(folder: Path):
    frame = tidy_indicators_2019(folder)
    validate_indicators_2019(frame)
    fields = [
        field("indicator", "string", "Sotkanet indicator id", required=True, unique=True,
              pattern=r"^[0-9]+$"),
        field("title_fi", "string", "exact Finnish title as returned by the API "
              "(indicator.title.fi)", required=True),
        field("producer", "string", "producing organisation, Finnish name as published "
              "(indicator.organization.title.fi): credit it in charts", required=True),
        field("unit", "string", "unit of value in sotkanet_municipal_2019: from the title "
              "('%', 'per 1 000', 'EUR per inhabitant'); 'ratio' / 'index' where the title has "
              "none (see unit_note)", required=True,
              enum=["%", "per 1 000", "EUR per inhabitant", "ratio", "index"]),
        field("unit_note", "string", "why the unit was read so, where the title does not say"),
        field("n_municipalities_with_value", "integer", "municipalities of the download with a "
              "value (of 308)", required=True),
        field("n_municipalities_without_value", "integer", "municipalities of the 2026 registry "
              "without a row for the indicator (suppressed or absent)", required=True),
        field("area_codes_without_value", "string", "their codes, space-separated"),
    ]
    meta = {
        "path": "exclusion/sotkanet_indicators_2019.csv",
        "title": "Sotkanet indicators of the 2019 municipal download: ids, exact titles, producers",
        "description": ("One row per indicator of sotkanet_municipal_2019: the id <-> exact "
                        "Finnish title mapping as downloaded, the producer, the unit and how "
                        "many municipalities have a value."),
        "schema": {"fields": fields},
        "sources": _s19_sources(),
        "licenses": cc_by("THL open data; non-THL indicators are their producers' data"),
        "publisher": "Finnish Institute for Health and Welfare (THL), Sotkanet",
        "table_id": "Sotkanet indicator metadata (indicator.title.fi, "
                    "indicator.organization.title.fi) of the 2019 KUNTA download",
        "reference_period": "2019",
        "obtained": ("Titles and producers from reference-data exclusion/sotkanet_municipal_2019/"
                     "sotkanet_2019_kunta_all_long.csv, checked equal to indicators_2019.csv "
                     "(id, title, producer, count); counts and missing codes computed on the "
                     "long file; units read from the titles (unit_note where a title has none)."),
        "attribution": "Source: THL Sotkanet indicator metadata, CC BY 4.0",
        "quality": "GREEN",
        "suitability": "GREEN",
        "caveats": [
            "Titles are those of the download (2025-2026); Sotkanet re-titles indicators at "
            "times (3195 is '% 20 vuotta täyttäneistä' here, '% 15 vuotta täyttäneistä' in 2013).",
            "Units 'ratio' (182, 761) and 'index' (3126) and the '%' of 3099 are read from the "
            "values, not the title; unit_note says how.",
        ],
    }
    return frame, meta


def _current_munis():
    from helpers import regions

    return regions.municipalities()


def validate_indicators_2019(df: pd.DataFrame) -> bool:
    got = dict(zip(df["indicator"], df["n_municipalities_with_value"].astype(int)))
    check(got == S19_COUNTS, f"counts {got} != SOURCES.md {S19_COUNTS}")
    check((df["n_municipalities_with_value"] + df["n_municipalities_without_value"] == 308).all(),
          "with + without != 308")
    t = dict(zip(df["indicator"], df["title_fi"]))
    check(t["181"] == "Työttömät, % työvoimasta", "title of 181")
    check(t["1275"] == "Toimeentulotukea pitkäaikaisesti saaneet 18 - 24-vuotiaat, % vastaavan "
                       "ikäisestä väestöstä", "title of 1275")
    p = dict(zip(df["indicator"], df["producer"]))
    check(p["181"] == "Työ- ja elinkeinoministeriö (TEM)" and p["313"] == "Kansaneläkelaitos (Kela)"
          and p["5"] == "Terveyden ja hyvinvoinnin laitos (THL)" and p["3099"] == "Tilastokeskus",
          "producers")
    return True


# ===================================================== Sotkanet bulk download 1990-2012
S13_REPO, S13_COMMIT = "ouzor/sotkanet-shiny", "60741078c18bd9c909d9c206a93ff0f52e98b477"
#: exact titles (as in the data, after the app's "[category] " prefix) of the indicators kept
S13_KEEP = [
    "Koulutuksen ulkopuolelle jääneet 17 - 24-vuotiaat, % vastaavanikaisesta väestöstä",
    "Työttömät, % työvoimasta",
    "Vaikeasti työllistyvät, % 15 - 64-vuotiaista",
    "Toimeentulotukea saaneet henkilöt vuoden aikana, % asukkaista",
    "Kunnan yleinen pienituloisuusaste",
    "Väestö 31.12.",
]
S13_IDS = {"3219", "181", "3071", "493", "3099", "127"}
#: rows per indicator x area kind in the source files (kunta, seutukunta, maakunta)
S13_ROWS = {"3219": (5436, 1190, 323), "181": (6642, 1470, 399), "3071": (1867, 0, 114),
            "493": (6986, 1540, 418), "3099": (5430, 1190, 323), "127": (7360, 1610, 437)}
S13_POPULATION = {2012: 5426674, 2011: 5401267, 2010: 5375276}


def _s13_sources() -> list[dict]:
    return [
        github(S13_REPO, S13_COMMIT, "sotkanet/sotkanet_data_20130908.RData",
               "object sotkanet.list (kunta, seutukunta, maakunta), a Sotkanet bulk download "
               "retrieved 2013-08-17 with sorvi::GetDataSotkanet(genders = 'total'), value "
               "primary.value; with sotkanet/Sotkanet_MunicipalityData_20130908.RData (region "
               "ids) and Sotkanet_valitut_indikaattorit_20130817.csv (indicator ids); files "
               "added in commit 04e5270b; converted from RData to CSV by the reference-data "
               "compilers (rdata 1.1.0) without changing a value",
               "Juuso Parkkinen and Leo Lahti (Louhos / rOpenGov), Shiny app 'Sotkanet: "
               "Alueellinen hyvinvointi'; data: THL Sotkanet"),
        dict(SOTKANET_API, title="THL Sotkanet REST API (indicators 127, 181, 493, 3071, 3099, "
                                 "3219; KUNTA, SEUTUKUNTA, MAAKUNTA), as downloaded 2013-08-17"),
    ]


def tidy_sotkanet_1990_2012(folder: Path):
    """The tidy frame of build_sotkanet_1990_2012, before the totals are checked."""
    ids = read_text_csv(folder / "Sotkanet_valitut_indikaattorit_20130817.csv")
    ids["t"] = ids["indicator.title.fi"].str.split().str.join(" ")
    id_of = {}
    for title in S13_KEEP:
        hit = ids.loc[ids["t"] == title, "indicator"]
        check(len(hit) == 1, f"no unique id for {title!r} in the 2013 indicator list")
        id_of[title] = hit.iloc[0]
    check(set(id_of.values()) == S13_IDS, f"ids {sorted(id_of.values())}")
    reg = read_text_csv(folder / "sotkanet_regions_kunta_2013.csv")
    check(reg["region.title.fi"].is_unique, "2013 region list: a municipality name repeats")
    rcode = region_code_by_name("fi")
    check(set(reg["maakunta.title.fi"]) <= set(rcode), "a 2013 region name is not in the registry")
    subregions = set(reg["seutukunta.title.fi"])
    muni = reg.set_index("region.title.fi")
    parts = []
    for kind, fname in (("municipality", "sotkanet_kunta_all_1990-2012_long.csv.gz"),
                        ("subregion", "sotkanet_seutukunta_all_1990-2012_long.csv.gz"),
                        ("region", "sotkanet_maakunta_all_1990-2012_long.csv")):
        raw = read_text_csv(folder / fname)
        raw["title_fi"] = raw["Muuttuja"].str.replace(r"^\[[^\]]*\] ", "", regex=True)
        raw = raw[raw["title_fi"].isin(S13_KEEP)].copy()
        names = raw["Alue"]
        if kind == "municipality":
            check(names.isin(muni.index).all(), "a municipality name not in the 2013 region list")
            check((raw["Maakunta"].to_numpy() == muni.loc[names, "maakunta.title.fi"].to_numpy()).all(),
                  "municipality region differs between data and region list")
            code = muni.loc[names, "region.code"].to_numpy()
        elif kind == "subregion":
            check(names.isin(subregions).all(), "a sub-region name not in the 2013 region list")
            code = None
        else:
            check((names == raw["Maakunta"]).all(), "region rows: Alue != Maakunta")
            code = names.map(rcode).to_numpy()
        parts.append(pd.DataFrame({
            "indicator": raw["title_fi"].map(id_of).to_numpy(),
            "title_fi": raw["title_fi"].to_numpy(),
            "area_kind": kind, "area_code": code, "area_name": names.to_numpy(),
            "region_code": raw["Maakunta"].map(rcode).to_numpy(),
            "year": whole_numbers(raw["Vuosi"], "Vuosi").to_numpy(),
            "value": numbers(raw["Arvo"], "Arvo").to_numpy(),
        }))
    frame = pd.concat(parts, ignore_index=True)
    frame["year"] = frame["year"].astype("Int64")
    frame.insert(frame.columns.get_loc("value") + 1, "value_status",
                 frame["value"].isna().map({True: "missing", False: None}))
    kind_order = {"municipality": 0, "subregion": 1, "region": 2}
    frame = frame.sort_values(["indicator", "area_kind", "area_code", "area_name", "year"],
                              key=lambda c: c.map(kind_order) if c.name == "area_kind" else
                              (c.astype(int) if c.name == "indicator" else c),
                              ignore_index=True)
    return frame


@converter("sotkanet_municipal_1990_2012", "exclusion/sotkanet_municipal_1990-2012",
           validate=lambda df: validate_sotkanet_1990_2012(df))
def build_sotkanet_1990_2012(folder: Path):
    frame = tidy_sotkanet_1990_2012(folder)
    validate_sotkanet_1990_2012(frame)
    years = frame.groupby("indicator")["year"].agg(["min", "max"])
    tarvasjoki = frame.loc[frame["area_name"] == "Tarvasjoki", "area_code"].iloc[0]
    coverage = "; ".join(f"{i} {years.at[i, 'min']}-{years.at[i, 'max']}"
                         for i in sorted(years.index, key=int))
    fields = [
        field("indicator", "string", "Sotkanet indicator id, from the app's list "
              "Sotkanet_valitut_indikaattorit_20130817.csv matched by exact title (the data "
              "keep only the title)", required=True, enum=sorted(S13_IDS, key=int)),
        field("title_fi", "string", "exact Finnish title as returned by the API in 2013 (the "
              "app's '[category] ' prefix removed)", required=True),
        field("area_kind", "string", "municipality, subregion (seutukunta) or region "
              "(maakunta); the download has no whole-country rows", required=True,
              enum=["municipality", "subregion", "region"]),
        field("area_code", "string", "municipality: 3-digit code (2013 division, 320 "
              "municipalities, e.g. " + tarvasjoki + " Tarvasjoki); region: 2-digit code, from "
              "the name via the area registry (the 19 names are unchanged); subregion: empty - "
              "the source names "
              "sub-regions and gives Sotkanet ids only, no official code",
              pattern=r"^([0-9]{3}|[0-9]{2})$"),
        field("area_name", "string", "area name as in the source (Finnish; Swedish for the "
              "Swedish-named units, e.g. 'Jakobstadsregionen'); unique within area_kind, the "
              "key for sub-regions", required=True),
        field("region_code", "string", "2-digit region the area belongs to in 2013 (itself for "
              "a region row)", required=True, pattern=r"^[0-9]{2}$"),
        field("year", "integer", "statistical year", required=True),
        field("value", "number", "primary.value as downloaded in 2013 (gender total)"),
        field("value_status", "string", "'missing' where the download has a row without a "
              "value, empty where the value is present (the snapshot's <column>_status "
              "convention); empty on every row", enum=["missing"]),
    ]
    meta = {
        "path": "exclusion/sotkanet_municipal_1990_2012.csv",
        "title": "Sotkanet exclusion indicators by municipality, sub-region and region, "
                 "1990-2012 (2013 download)",
        "description": (
            "Six indicators of the 2013 Sotkanet bulk download (51 indicators, retrieved "
            "2013-08-17) that the exclusion workbook uses: 3219 young people aged 17-24 outside "
            "education, 181 unemployed % of the labour force, 3071 hard-to-employ % of 15-64, "
            "493 income support recipients % of inhabitants, 3099 municipal low-income rate, "
            "127 population 31.12.; for the 320 municipalities, 70 sub-regions and 19 regions "
            "of 2013. Coverage: " + coverage + " (coverage varies by area). Left out to keep "
            "the file small (< 4 MB): the other 45 indicators of the download (education "
            "levels, income support EUR per inhabitant 451, Gini 3126, employed %, industry "
            "shares incl. 3856 information and communication, migration, projections, health "
            "care, tax revenue, loans, voting) and the region-only survey indicators."),
        "schema": {"fields": fields},
        "sources": _s13_sources(),
        "licenses": cc_by("THL Sotkanet open data, 'Lähde: THL, Sotkanet'; the repository "
                          "states no licence for the data (code FreeBSD); indicators of other "
                          "producers keep their producer's credit"),
        "publisher": "Finnish Institute for Health and Welfare (THL), Sotkanet; producers "
                     "include Statistics Finland (e.g. population, unemployment) and Kela",
        "table_id": "Sotkanet indicators 127, 181, 493, 3071, 3099, 3219 (KUNTA, SEUTUKUNTA, "
                    "MAAKUNTA; gender total; 2013 download)",
        "reference_period": "1990-2012",
        "obtained": ("reference-data exclusion/sotkanet_municipal_1990-2012/: the kunta, "
                     "seutukunta and maakunta long CSVs (RData as CSV), rows of the six titles "
                     "kept; the '[category] ' prefix removed from Muuttuja (-> title_fi); ids "
                     "from Sotkanet_valitut_indikaattorit_20130817.csv by exact title; "
                     "municipality codes from sotkanet_regions_kunta_2013.csv by name (each "
                     "municipality's region checked against that list); region codes from the "
                     "area registry by name. Sotkanet-internal region ids were not kept."),
        "attribution": "Source: THL Sotkanet, 2013 download (producers incl. Statistics "
                       "Finland), CC BY 4.0",
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "2013 vintage: Sotkanet and Statistics Finland may have revised these values since.",
            "Sotkanet re-expresses history in the division of the download year: every year is "
            "in the 2013 division (320 municipalities; Tarvasjoki " + tarvasjoki + " separate "
            "from Lieto, "
            "merged 2015). Map to today's municipalities before comparing with 2019+ data.",
            "Sub-regions have no official code here (the source names them and gives only "
            "Sotkanet-internal ids, which were left out); use the name. No whole-country rows in "
            "the download.",
            "Not in the download: long-term unemployment and youth unemployment. 3071 "
            "'Vaikeasti työllistyvät' (hard-to-employ, 2006-2011) is the nearest measure in it; "
            "it is not the long-term unemployment rate. 3071 has no sub-region rows; 493 covers "
            "1990-2011.",
            "Checked: Σ population 31.12. of the 320 municipalities = 5 426 674 (2012), "
            "5 401 267 (2011), 5 375 276 (2010), Statistics Finland's population of Finland; "
            "Turku 2012 = 180 225; Σ of the 28 Varsinais-Suomi municipalities = the region row "
            "every year 2007-2012 (468 936 in 2012).",
            "Sotkanet suppresses small numbers: a missing municipality-year has no row (e.g. "
            "3219 has 5 436 municipality rows, not 320 x 17).",
        ],
    }
    return frame, meta


def validate_sotkanet_1990_2012(df: pd.DataFrame) -> bool:
    unique_keys(df, ["indicator", "area_kind", "area_name", "year"], "sotkanet_municipal_1990_2012")
    unique_keys(df[df["area_kind"] != "subregion"], ["indicator", "area_kind", "area_code", "year"],
                "sotkanet_municipal_1990_2012")
    got = {i: tuple(int((df["indicator"].eq(i) & df["area_kind"].eq(k)).sum())
                    for k in ("municipality", "subregion", "region")) for i in S13_IDS}
    check(got == S13_ROWS, f"rows per indicator x kind {got} != source {S13_ROWS}")
    m = df[df["area_kind"] == "municipality"]
    check(m["area_code"].str.fullmatch(r"[0-9]{3}").all(), "municipality codes not 3 digits")
    check(m["area_code"].nunique() == 320, "not 320 municipalities")
    pop = m[m["indicator"] == "127"]
    for year, total in S13_POPULATION.items():
        equal(pop.loc[pop["year"] == year, "value"].sum(), total, f"Σ population {year}")
    equal(pop.loc[(pop["area_code"] == "853") & (pop["year"] == 2012), "value"].iloc[0], 180225,
          "Turku population 2012")
    vs = pop[pop["region_code"] == "02"]
    check(vs["area_code"].nunique() == 28, "Varsinais-Suomi has not 28 municipalities in 2013")
    reg = df[(df["indicator"] == "127") & (df["area_kind"] == "region") & (df["area_code"] == "02")]
    for year in range(2007, 2013):
        equal(vs.loc[vs["year"] == year, "value"].sum(),
              reg.loc[reg["year"] == year, "value"].iloc[0], f"Σ VS municipalities = MK02 {year}")
    equal(reg.loc[reg["year"] == 2012, "value"].iloc[0], 468936, "Varsinais-Suomi 2012")
    check(df["value"].notna().all(), "a value is missing")
    return True


# ============================================================ TEM tyonv 12r5 and 12ti
TEM_REPO, TEM_COMMIT = "pttry/kohtaantoindeksit", "ad3341826db4be1b343d88c860f90a4df044412c"
TEM_12R5 = "tyonv_12r5_vs_kunnat_sk_mk02_sss_2006-01_2023-10.csv"
TEM_12TI = "tyonv_12ti_mk02_sss_by_occupation_2006-01_2023-10.csv.gz"
TEM_MONTHS = pd.period_range("2006-01", "2023-10", freq="M").strftime("%Y-%m").tolist()
TEM_PUBLISHER = ("Ministry of Economic Affairs and Employment (TEM), employment service "
                 "statistics; published by Statistics Finland (StatFin)")
TEM_ATTRIBUTION = ("Source: TEM, Employment Service Statistics (Työnvälitystilasto); Statistics "
                   "Finland, StatFin tyonv {table}, CC BY 4.0")
#: ISCO-08 / AML 2010 groups of the ICT occupations (English names as in the project's ICT
#: occupation list); the 12ti table has the 4-digit unit groups only
ICT_GROUPS = {"133": "Information and communications technology service managers",
              "25": "Information and communications technology professionals",
              "35": "Information and communications technicians"}


def _tem_sources(table: str, query: str) -> list[dict]:
    return [
        github(TEM_REPO, TEM_COMMIT, f"data/tyonv_{table}.rda",
               f"StatFin tyonv {table} as fetched by pttdatahaku::ptt_get_statfi_robonomist "
               f"(query in data/taulut.rda: {query}); converted to CSV by the reference-data "
               "compilers (R Date -> YYYY-MM, long -> wide), no value changed",
               "Pellervo Economic Research PTT (kohtaantoindeksit; code MIT); data: TEM / "
               "Statistics Finland"),
        {"title": f"StatFin tyonv {table}, StatFin/tyonv/statfin_tyonv_pxt_{table}.px (the path "
                  "queried in 2023; StatFin renamed tables in its June 2026 migration)",
         "path": f"https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/tyonv/statfin_tyonv_pxt_{table}.px",
         "publisher": TEM_PUBLISHER},
    ]


def _tem_read(folder: Path, name: str, measures: list[str]) -> pd.DataFrame:
    raw = read_text_csv(folder / name)
    for col in measures:
        raw[col] = whole_numbers(raw[col], f"{name} {col}")
    return raw


def _subregion_names(raw: pd.DataFrame, member: dict[str, str]) -> dict[str, str]:
    """SK code -> Finnish name: the sub-region of the pinned 31.12.2023 list whose
    municipalities add up to the SK row in every month (unemployed and labour force)."""
    ku = raw[raw["alue"].str.startswith("KU")].assign(sub=lambda d: d["alue"].map(member))
    check(ku["sub"].notna().all(), "a municipality of 12r5 is not in the 2023 list")
    sums = ku.groupby(["sub", "month"])[["TYOTTOMATLOPUSSA", "TYOVOIMATK"]].sum()
    out = {}
    for sk in sorted(c for c in raw["alue"].unique() if c.startswith("SK")):
        row = raw[raw["alue"] == sk].set_index("month")[["TYOTTOMATLOPUSSA", "TYOVOIMATK"]]
        hits = [name for name, g in sums.groupby(level="sub")
                if g.droplevel("sub").reindex(row.index).eq(row).all().all()]
        check(len(hits) == 1, f"{sk}: {len(hits)} sub-regions of the 2023 list add up to it")
        out[sk] = hits[0]
    return out


def tidy_tem_jobseekers(folder: Path, pop2023: pd.DataFrame | None = None):
    """The tidy frame of build_tem_jobseekers, before the totals are checked."""
    measures = ["TYOTTOMATLOPUSSA", "TYOVOIMATK", "AVPAIKATLOPUSSA"]
    raw = _tem_read(folder, TEM_12R5, measures)
    ely, mk = (raw[raw["alue"] == a].set_index("month")[measures] for a in ("ELY02", "MK02"))
    check(ely.equals(mk), "ELY02 differs from MK02 (it would have to be kept)")
    raw = raw[raw["alue"] != "ELY02"]
    if pop2023 is None:  # the pinned 31.12.2023 list (its seutukunta column), not the collection
        from helpers.snapshot import Snapshot

        pop2023 = Snapshot().load("population_municipality_2023")
    member = dict(zip("KU" + pop2023["kunta"], pop2023["seutukunta"]))
    sk_names = _subregion_names(raw, member)
    by_name = {v: k for k, v in sk_names.items()}
    sk_of = {c: by_name[member[c]] for c in raw["alue"].unique() if c.startswith("KU")}
    names = municipality_names()

    def describe(code: str) -> tuple[str, str, str]:
        if code.startswith("KU"):
            return "municipality", names[code[2:]], sk_of[code]
        if code.startswith("SK"):
            return "subregion", sk_names[code], "MK02"
        if code == "MK02":
            return "region", "Varsinais-Suomi", "SSS"
        check(code == "SSS", f"unexpected area {code}")
        return "country", "Koko maa", ""

    info = {c: describe(c) for c in raw["alue"].unique()}
    frame = pd.DataFrame({
        "area_code": raw["alue"].to_numpy(),
        "area_kind": raw["alue"].map(lambda c: info[c][0]).to_numpy(),
        "area_name": raw["alue"].map(lambda c: info[c][1]).to_numpy(),
        "parent_code": raw["alue"].map(lambda c: info[c][2]).to_numpy(),
        "month": raw["month"].to_numpy(),
        "unemployed": raw["TYOTTOMATLOPUSSA"].to_numpy(),
        "labour_force": raw["TYOVOIMATK"].to_numpy(),
        "vacancies": raw["AVPAIKATLOPUSSA"].to_numpy(),
    })
    for col in ("unemployed", "labour_force", "vacancies"):
        frame[col] = frame[col].astype("Int64")
    order = {"country": 0, "region": 1, "subregion": 2, "municipality": 3}
    frame = frame.sort_values(["area_kind", "area_code", "month"],
                              key=lambda c: c.map(order) if c.name == "area_kind" else c,
                              ignore_index=True)
    return frame


@converter("tem_jobseekers_monthly_2006_2023", "exclusion/tem_jobseekers_monthly_2006-2023",
           validate=lambda df: validate_tem_jobseekers(df))
def build_tem_jobseekers(folder: Path, pop2023: pd.DataFrame | None = None):
    frame = tidy_tem_jobseekers(folder, pop2023=pop2023)
    report = validate_tem_jobseekers(frame)
    n_missing = int(frame["vacancies"].isna().sum())
    fields = [
        field("area_code", "string", "area code as published in StatFin: KU + 3-digit "
              "municipality (KU853 Turku), SK + 3-digit sub-region (SK021-SK025), MK02 "
              "(Varsinais-Suomi), SSS (whole country) - the form helpers.regions Area.statfin_code "
              "gives", required=True, pattern=r"^(KU[0-9]{3}|SK[0-9]{3}|MK[0-9]{2}|SSS)$"),
        field("area_kind", "string", "municipality, subregion, region or country", required=True,
              enum=["municipality", "subregion", "region", "country"]),
        field("area_name", "string", "Finnish name: municipalities and region from the area "
              "registry; sub-regions as named in the pinned population_municipality_2023 list "
              "(the table's labels are not in the copy; each SK code was matched to the "
              "sub-region whose municipalities add up to it in every month)", required=True),
        field("parent_code", "string", "the area this one adds up into (municipality -> "
              "SK, SK -> MK02, MK02 -> SSS; empty for SSS)"),
        field("month", "string", "month, YYYY-MM (end of the month)", required=True,
              pattern=r"^[0-9]{4}-[0-9]{2}$"),
        field("unemployed", "integer", "unemployed jobseekers at the end of the month "
              "(TYOTTOMATLOPUSSA), persons", required=True),
        field("labour_force", "integer", "labour force, the denominator of TEM's unemployment "
              "rate (TYOVOIMATK), persons; one annual figure repeated in every month of a year",
              required=True),
        field("vacancies", "integer", "open vacancies at the end of the month (AVPAIKATLOPUSSA); "
              f"empty where the copy has no value ({n_missing} cells, small municipalities), "
              "never filled with 0 (the published zeros stay 0)"),
    ]
    meta = {
        "path": "exclusion/tem_jobseekers_monthly_2006_2023.csv",
        "title": "Unemployed jobseekers, labour force and open vacancies by month, "
                 "Varsinais-Suomi municipalities, sub-regions, region and whole country, "
                 "2006-01 to 2023-10",
        "description": (
            "TEM employment service statistics (StatFin tyonv 12r5): unemployed jobseekers at "
            "the end of the month, the labour force used as the unemployment-rate denominator, "
            "and open vacancies, for the 27 Varsinais-Suomi municipalities, the 5 sub-regions "
            "SK021-SK025, MK02 and the whole country, monthly 2006-01...2023-10 (214 months). "
            "Check: " + report + ". ELY02 (ELY-centre area 02) equals MK02 in every month "
            "for all three measures and was left out."),
        "schema": {"fields": fields},
        "sources": _tem_sources("12r5", "Alue = '*', Kuukausi = '*', Tiedot = TYOTTOMATLOPUSSA, "
                                        "TYOVOIMATK, AVPAIKATLOPUSSA"),
        "licenses": cc_by("StatFin open data; producer TEM"),
        "publisher": TEM_PUBLISHER,
        "table_id": "StatFin tyonv 12r5 (statfin_tyonv_pxt_12r5.px)",
        "reference_period": "2006-01/2023-10",
        "obtained": (f"reference-data exclusion/tem_jobseekers_monthly_2006-2023/{TEM_12R5}: "
                     "the ELY02 rows dropped (= MK02), the three measures renamed, whole "
                     "numbers written without '.0'; area_kind, area_name and parent_code added "
                     "(sub-region names matched by membership sums, see area_name)."),
        "attribution": TEM_ATTRIBUTION.format(table="12r5"),
        "quality": "GREEN",
        "suitability": "GREEN",
        "caveats": [
            "Unemployed jobseekers are TEM's register count (end of month); the rate "
            "unemployed / labour_force is TEM's, not the labour force survey's nor the "
            "employment statistics' (the municipal key figures' unemployment rate).",
            "The whole country (SSS) is 23-611 above the sum of all municipalities (jobseekers "
            "with unknown municipality; reference-data compilers' check).",
            f"Vacancies are empty in {n_missing} municipality-months (the copy has no value; "
            "the StatFin marker was not kept). The municipal sums then fall short of MK02.",
            "SK021 is named 'Turunmaan seutukunta' after the 2023 list; Sotkanet (2013) calls it "
            "'Åboland-Turunmaan seutukunta', Statistics Finland's key figures "
            "'Åboland-Turunmaa'.",
            "No age breakdown (youth) and no unemployment duration (long-term unemployed): "
            "those are other tyonv tables, not in the collection.",
            "An independent copy (pttry/statfiLaborMarkets, tyonv 1001, ~Nov 2020) gives "
            "identical MK02 unemployed and labour force for all 178 overlapping months.",
        ],
    }
    return frame, meta


def validate_tem_jobseekers(df: pd.DataFrame) -> str:
    unique_keys(df, ["area_code", "month"], "tem_jobseekers_monthly_2006_2023")
    check(sorted(df["month"].unique()) == TEM_MONTHS, "months are not 2006-01 ... 2023-10")
    kinds = df.drop_duplicates("area_code")["area_kind"].value_counts().to_dict()
    check(kinds == {"municipality": 27, "subregion": 5, "region": 1, "country": 1}, f"areas {kinds}")
    check(df.groupby("area_code").size().eq(len(TEM_MONTHS)).all(), "an area lacks a month")
    from helpers import regions

    vs = {a.statfin_code for a in regions.members("02")}
    ku = df[df["area_kind"] == "municipality"]
    check(set(ku["area_code"]) == vs, "municipalities are not the 27 of Varsinais-Suomi (2026)")
    mk = df[df["area_code"] == "MK02"].set_index("month")
    sums = ku.groupby("month")[["unemployed", "labour_force"]].sum()
    for col in ("unemployed", "labour_force"):
        bad = (sums[col] != mk[col]).sum()
        check(bad == 0, f"Σ 27 municipalities != MK02 {col} in {bad} months")
    for sk, g in ku.groupby("parent_code"):
        row = df[df["area_code"] == sk].set_index("month")
        s = g.groupby("month")[["unemployed", "labour_force"]].sum()
        check((s["unemployed"] == row["unemployed"]).all()
              and (s["labour_force"] == row["labour_force"]).all(), f"Σ municipalities != {sk}")
    sk_sum = df[df["area_kind"] == "subregion"].groupby("month")["unemployed"].sum()
    check((sk_sum == mk["unemployed"]).all(), "Σ SK021-SK025 != MK02")
    n_vac = ku.groupby("month")["vacancies"].count()
    v_sum = ku.groupby("month")["vacancies"].sum()
    full = n_vac[n_vac == 27].index
    check((v_sum[full] == mk.loc[full, "vacancies"]).all(), "Σ vacancies != MK02 (complete months)")
    check((v_sum <= mk["vacancies"]).all(), "Σ present vacancies > MK02")
    turku = df[(df["area_code"] == "KU853")].set_index("month")
    equal(turku.at["2023-10", "unemployed"], 11206, "Turku unemployed 2023-10")
    equal(turku.at["2023-10", "labour_force"], 97378, "Turku labour force 2023-10")
    equal(turku.loc[turku.index.str.startswith("2019"), "unemployed"].mean().round(), 10580,
          "Turku mean unemployed 2019 (= Sotkanet 181 absolute)")
    check(df[["unemployed", "labour_force"]].notna().all().all(), "unemployed/labour force missing")
    return (f"Σ of the 27 municipalities = MK02 in all {len(TEM_MONTHS)} months for unemployed "
            f"and labour force (and Σ municipalities = each SK, Σ SK = MK02); vacancies: Σ = MK02 "
            f"in the {len(full)} months where all 27 have a value, Σ of the present values ≤ "
            f"MK02 in the others")


def tidy_tem_ict(folder: Path):
    """The tidy frame of build_tem_ict, before the totals are checked."""
    raw = _tem_read(folder, TEM_12TI, ["TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA"])
    codes = sorted(raw["ammattiryhma"].unique())
    ict = [c for c in codes if c == "1330" or (len(c) == 4 and c[:2] in ("25", "35"))]
    r5 = _tem_read(folder, TEM_12R5, ["TYOTTOMATLOPUSSA", "TYOVOIMATK", "AVPAIKATLOPUSSA"])
    for area in ("MK02", "SSS"):
        tot = raw[(raw["alue"] == area) & (raw["ammattiryhma"] == "SSS")].set_index("month")
        ref = r5[r5["alue"] == area].set_index("month")
        for col in ("TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA"):
            check(tot[col].reindex(ref.index).equals(ref[col]), f"12ti {area} total != 12r5 {col}")
    keep = raw[raw["ammattiryhma"].isin(ict + ["SSS"])]
    group = keep["ammattiryhma"].map(lambda c: "total" if c == "SSS" else
                                     ("133" if c.startswith("133") else c[:2]))
    frame = pd.DataFrame({
        "area_code": keep["alue"].to_numpy(),
        "area_name": keep["alue"].map({"MK02": "Varsinais-Suomi", "SSS": "Koko maa"}).to_numpy(),
        "month": keep["month"].to_numpy(),
        "occupation_code": keep["ammattiryhma"].to_numpy(),
        "occupation_name": None,
        "ict_group": group.to_numpy(),
        "ict_group_name_en": group.map(ICT_GROUPS | {"total": "All occupations"}).to_numpy(),
        "unemployed": keep["TYOTTOMATLOPUSSA"].to_numpy(),
        "vacancies": keep["AVPAIKATLOPUSSA"].to_numpy(),
    })
    for col in ("unemployed", "vacancies"):
        frame[col] = frame[col].astype("Int64")
    frame = frame.sort_values(["area_code", "occupation_code", "month"],
                              key=lambda c: c.map({"MK02": 0, "SSS": 1}) if c.name == "area_code"
                              else (c.replace("SSS", "0000") if c.name == "occupation_code" else c),
                              ignore_index=True)
    return frame


@converter("tem_ict_occupations_mk02_2006_2023", "exclusion/tem_jobseekers_monthly_2006-2023",
           validate=lambda df: validate_tem_ict(df))
def build_tem_ict(folder: Path):
    frame = tidy_tem_ict(folder)
    report = validate_tem_ict(frame)
    absent = len(TEM_MONTHS) * 2 * 17 - len(frame)
    fields = [
        field("area_code", "string", "MK02 (Varsinais-Suomi) or SSS (whole country), as "
              "published", required=True, enum=["MK02", "SSS"]),
        field("area_name", "string", "Finnish name (area registry)", required=True),
        field("month", "string", "month, YYYY-MM (end of the month)", required=True,
              pattern=r"^[0-9]{4}-[0-9]{2}$"),
        field("occupation_code", "string", "Ammattiryhmä: ISCO-08 / AML 2010 4-digit unit group "
              "(1330, 2511-2529, 3511-3522), or SSS = all occupations (the table's total)",
              required=True, pattern=r"^([0-9]{4}|SSS)$"),
        field("occupation_name", "string", "the table's label: NOT in the copy (the repository "
              "kept codes only), so empty; resolve it from StatFin's classification when online"),
        field("ict_group", "string", "133 ICT service managers, 25 ICT professionals (251, 252), "
              "35 ICT technicians (351, 352), or total; the 4-digit codes within a group do not "
              "overlap and add up to the group", required=True, enum=["133", "25", "35", "total"]),
        field("ict_group_name_en", "string", "English name of the ISCO-08 group", required=True),
        field("unemployed", "integer", "unemployed jobseekers at the end of the month "
              "(TYOTTOMATLOPUSSA); empty where the table has no value"),
        field("vacancies", "integer", "open vacancies at the end of the month (AVPAIKATLOPUSSA); "
              "empty where the table has no value"),
    ]
    meta = {
        "path": "exclusion/tem_ict_occupations_mk02_2006_2023.csv",
        "title": "Unemployed jobseekers and open vacancies in ICT occupations, Varsinais-Suomi "
                 "and whole country, monthly 2006-01 to 2023-10",
        "description": (
            "StatFin tyonv 12ti (by occupation) for MK02 and SSS: the ICT occupations of ISCO-08 "
            "/ AML 2010 that the table has - 1330 ICT service managers, the ICT professionals "
            "2511-2514, 2519, 2521-2523, 2529 and the ICT technicians 3511-3514, 3521-3522 - and "
            "the all-occupations total (SSS). The table has no 2- or 3-digit rows: sum the "
            "4-digit codes by ict_group. " + report + f" {absent} area x occupation x month "
            "rows are absent from the copy (no row, e.g. MK02 2529 in 15 months) and get no row "
            "here."),
        "schema": {"fields": fields},
        "sources": _tem_sources("12ti", "Alue = SSS, MK01...MK21, Kuukausi = '*', Ammattiryhmä "
                                        "= '*', Tiedot = TYOTTOMATLOPUSSA, AVPAIKATLOPUSSA"),
        "licenses": cc_by("StatFin open data; producer TEM"),
        "publisher": TEM_PUBLISHER,
        "table_id": "StatFin tyonv 12ti (statfin_tyonv_pxt_12ti.px)",
        "reference_period": "2006-01/2023-10",
        "obtained": (f"reference-data exclusion/tem_jobseekers_monthly_2006-2023/{TEM_12TI}: rows "
                     "of the 16 ICT unit groups and SSS kept; measures renamed; ict_group from "
                     "the first digits of the code; the SSS total compared with 12r5 before "
                     "writing."),
        "attribution": TEM_ATTRIBUTION.format(table="12ti"),
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "Occupation names are not in the copy; the column is empty rather than typed in.",
            "Empty cells stay empty (suppressed or not available; the marker was not kept): "
            "the Σ of the 4-digit occupations of the whole table is slightly below the total "
            "(2023-10 MK02: 20 020 vs 20 210 - unknown occupation / suppression).",
            "These are jobseekers and open vacancies by occupation, not employment in the ICT "
            "occupations.",
        ],
    }
    return frame, meta


ICT_CODES = ["1330", "2511", "2512", "2513", "2514", "2519", "2521", "2522", "2523", "2529",
             "3511", "3512", "3513", "3514", "3521", "3522"]


def validate_tem_ict(df: pd.DataFrame) -> str:
    unique_keys(df, ["area_code", "occupation_code", "month"], "tem_ict_occupations_mk02_2006_2023")
    codes = sorted(set(df["occupation_code"]) - {"SSS"})
    check(codes == ICT_CODES, f"ICT codes {codes} are not the 16 of the table")
    check(sorted(df["month"].unique()) == TEM_MONTHS, "months are not 2006-01 ... 2023-10")
    tot = df[df["occupation_code"] == "SSS"]
    check(tot.groupby("area_code").size().to_dict() == {"MK02": 214, "SSS": 214},
          "the all-occupations total lacks a month")
    check(tot[["unemployed", "vacancies"]].notna().all().all(), "a total is empty")
    ict = df[df["occupation_code"] != "SSS"].groupby(["area_code", "month"])["unemployed"].sum()
    t = tot.set_index(["area_code", "month"])["unemployed"]
    check((ict <= t.reindex(ict.index)).all(), "Σ ICT unemployed > all occupations")
    mk = tot[tot["area_code"] == "MK02"].set_index("month")
    equal(mk.at["2023-10", "unemployed"], 20210, "MK02 all occupations 2023-10")
    return ("The all-occupations rows equal tyonv 12r5 (MK02 and SSS, unemployed and vacancies) "
            "in all 214 months.")
