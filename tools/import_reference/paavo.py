"""Paavo (Statistics Finland, open data by postal code area): municipal/region rows of the 2020
edition, the 2020 postal-code key with area centre points, and the Varsinais-Suomi postal
areas 2012–2016 (jobs by TOL section, main activity).

Folders of the reference-data collection:
``paavo/paavo_2020_municipal`` and ``paavo/paavo_postcode_2012-2016_and_key_figures_2006-2016``
(this module reads only the ``*_7_tp_*`` and ``*_8_pt_*`` Varsinais-Suomi files of the latter;
the municipal key figures 2006–2016 in that folder are pinned by another converter).
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
    ConversionError,
    check,
    equal,
    field,
    github_tree,
    municipality_code,
    ordered,
    region_name_fi,
    registry_municipalities_2020,
    schema,
    source,
)

PAAVO_2020 = "paavo/paavo_2020_municipal"
PAAVO_POSTCODE = "paavo/paavo_postcode_2012-2016_and_key_figures_2006-2016"

SYNTHEA_REPO = "synthetichealth/synthea-international"
SYNTHEA_COMMIT = "4d406f4d3b06adfb12d57c365651e41eb11d1302"
PTTRY_REPO = "pttry/KT162R"
PTTRY_COMMIT = "80b21b07ea6ea86055830068af40483e3992a1d6"

GROUPS = ("HE", "KO", "HR", "TE", "TR", "RA", "TP", "PT")
GROUP_TITLES = {
    "HE": "population by sex and age (31.12.2018)",
    "KO": "educational structure, aged 18 or over (2018)",
    "HR": "inhabitants' income (2017)",
    "TE": "households' size and life stage (2018)",
    "TR": "households' income (2017)",
    "RA": "buildings and dwellings (2018)",
    "TP": "workplaces (jobs located in the area) by TOL 2008 section (31.12.2017)",
    "PT": "inhabitants by main type of activity (31.12.2017)",
}
SECTIONS = "ABCDEFGHIJKLMNOPQRSTUX"

# Published label stem -> (variable id, category, unit, additive). The ids are the project's;
# "additive" = a count (or money total) whose municipal values add up to the region row.
_P, _E, _M2 = "persons", "EUR", "m2"
LABELS_2020: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("HE", "Inhabitants, total"): ("he_inhabitants_total", "", _P, "yes"),
    ("HE", "Males"): ("he_males", "", _P, "yes"),
    ("HE", "Females"): ("he_females", "", _P, "yes"),
    ("HE", "Average age of inhabitants"): ("he_average_age", "", "years", "no"),
    **{("HE", f"{band} years"): (f"he_age_{band.replace('-', '_')}", "", _P, "yes")
       for band in ("0-2", "3-6", "7-12", "13-15", "16-17", "18-19", "20-24", "25-29", "30-34",
                    "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74",
                    "75-79", "80-84")},
    ("HE", "85 years or over"): ("he_age_85_plus", "", _P, "yes"),
    ("KO", "Aged 18 or over, total"): ("ko_aged_18_plus", "", _P, "yes"),
    ("KO", "Basic level studies"): ("ko_basic_level", "", _P, "yes"),
    ("KO", "With education, total"): ("ko_with_education", "", _P, "yes"),
    ("KO", "Matriculation examination"): ("ko_matriculation", "", _P, "yes"),
    ("KO", "Vocational diploma"): ("ko_vocational", "", _P, "yes"),
    ("KO", "Academic degree - Lower level university degree"): ("ko_university_lower", "", _P, "yes"),
    ("KO", "Academic degree - Higher level university degree"): ("ko_university_higher", "", _P, "yes"),
    ("HR", "Aged 18 or over, total"): ("hr_aged_18_plus", "", _P, "yes"),
    ("HR", "Average income of inhabitants"): ("hr_income_mean", "", _E, "no"),
    ("HR", "Median income of inhabitants"): ("hr_income_median", "", _E, "no"),
    ("HR", "Inhabintants belonging to the lowest income category"): ("hr_income_class_lowest", "", _P, "yes"),
    ("HR", "Inhabitants belonging to the middle income category"): ("hr_income_class_middle", "", _P, "yes"),
    ("HR", "Inhabintants belonging to the highest income category"): ("hr_income_class_highest", "", _P, "yes"),
    ("HR", "Accumulated purchasing power of inhabitants"): ("hr_purchasing_power", "", _E, "yes"),
    ("TE", "Households, total"): ("te_households_total", "", "households", "yes"),
    ("TE", "Average size of households"): ("te_household_size_mean", "", "persons per household", "no"),
    ("TE", "Occupancy rate"): ("te_occupancy_rate", "", "m2 per person", "no"),
    ("TE", "Young single persons"): ("te_young_single", "", "households", "yes"),
    ("TE", "Young couples without children"): ("te_young_couples_no_children", "", "households", "yes"),
    ("TE", "Households with children"): ("te_with_children", "", "households", "yes"),
    ("TE", "Households with small children"): ("te_with_small_children", "", "households", "yes"),
    ("TE", "Households with children under school age"): ("te_with_children_under_school_age", "", "households", "yes"),
    ("TE", "Households with school-age children"): ("te_with_school_age_children", "", "households", "yes"),
    ("TE", "Households with teenagers"): ("te_with_teenagers", "", "households", "yes"),
    ("TE", "Adult households"): ("te_adult", "", "households", "yes"),
    ("TE", "Pensioner households"): ("te_pensioner", "", "households", "yes"),
    ("TE", "Households living in owner-occupied dwellings"): ("te_owner_occupied", "", "households", "yes"),
    ("TE", "Households living in rented dwellings"): ("te_rented", "", "households", "yes"),
    ("TE", "Households living in other dwellings"): ("te_other_tenure", "", "households", "yes"),
    ("TR", "Households, total"): ("tr_households_total", "", "households", "yes"),
    ("TR", "Average income of households"): ("tr_income_mean", "", _E, "no"),
    ("TR", "Median income of households"): ("tr_income_median", "", _E, "no"),
    ("TR", "Households belonging to the lowest income category"): ("tr_income_class_lowest", "", "households", "yes"),
    ("TR", "Households belonging to the middle income category"): ("tr_income_class_middle", "", "households", "yes"),
    ("TR", "Households belonging to the highest income category"): ("tr_income_class_highest", "", "households", "yes"),
    ("TR", "Accumulated purchasing power of households"): ("tr_purchasing_power", "", _E, "yes"),
    ("RA", "Free-time residences"): ("ra_free_time_residences", "", "buildings", "yes"),
    ("RA", "Buildings, total"): ("ra_buildings_total", "", "buildings", "yes"),
    ("RA", "Other buildings"): ("ra_other_buildings", "", "buildings", "yes"),
    ("RA", "Residential buildings"): ("ra_residential_buildings", "", "buildings", "yes"),
    ("RA", "Dwellings"): ("ra_dwellings", "", "dwellings", "yes"),
    ("RA", "Average floor area"): ("ra_dwelling_floor_area_mean", "", _M2, "no"),
    ("RA", "Dwellings in small houses"): ("ra_dwellings_small_houses", "", "dwellings", "yes"),
    ("RA", "Dwellings in blocks of flats"): ("ra_dwellings_blocks_of_flats", "", "dwellings", "yes"),
    ("TP", "Workplaces"): ("jobs_total", "", "jobs", "yes"),
    ("TP", "Primary production"): ("jobs_primary", "A", "jobs", "yes"),
    ("TP", "Processing"): ("jobs_processing", "B-F", "jobs", "yes"),
    ("TP", "Services"): ("jobs_services", "G-U", "jobs", "yes"),
    ("PT", "Inhabitants"): ("pt_inhabitants", "", _P, "yes"),
    ("PT", "Employed"): ("employed", "employed", _P, "yes"),
    ("PT", "Unemployed"): ("unemployed", "unemployed", _P, "yes"),
    ("PT", "Children aged 0 to 14"): ("children_0_14", "children_0_14", _P, "yes"),
    ("PT", "Students"): ("students", "students", _P, "yes"),
    ("PT", "Pensioners"): ("pensioners", "pensioners", _P, "yes"),
    ("PT", "Others"): ("others", "others", _P, "yes"),
}
MAIN_ACTIVITIES = ("employed", "unemployed", "children_0_14", "students", "pensioners", "others")

_LABEL_RE = re.compile(r"^(?P<stem>.*), (?P<year>\d{4}) \((?P<group>[A-Z]{2})\)$")
_SECTION_RE = re.compile(r"^(?P<letter>[A-Z]) \S")
_REGION_ROW_RE = re.compile(r"^MK(?P<code>\d{2}) (?P<name>.+)$")

PAAVO_CAVEAT = ("Paavo leaves out persons and jobs without coordinates (and, for jobs, workplaces "
                "without location data), so postal-area and municipal sums run slightly below "
                "Statistics Finland's employment statistics (tyokay): the 310 municipalities' "
                "'Workplaces, 2017 (TP)' add up to 2,327,730 jobs, a little below the national "
                "tyokay job total.")


def _variable_for(group: str, stem: str) -> tuple[str, str, str, str]:
    if group == "TP":
        m = _SECTION_RE.match(stem)
        if m and m.group("letter") in SECTIONS:
            letter = m.group("letter")
            return f"jobs_{letter}", letter, "jobs", "yes"
    try:
        return LABELS_2020[(group, stem)]
    except KeyError:
        raise ConversionError(f"Paavo 2020: unknown variable label {stem!r} in group {group} - "
                              f"add it to LABELS_2020 with an id, unit and additivity") from None


# --------------------------------------------------------------------- the 2020 postal key
KEY_TAIL = ("municipality_code", "municipality_name", "statistical_grouping_code",
            "statistical_grouping_name_en", "subregion_code", "subregion_name",
            "region_code", "region_name_en", "major_region_code", "major_region_name_en",
            "avi_code", "avi_name_en", "ely_code", "ely_name_en", "hospital_district_code",
            "hospital_district_name_en")


def _repair_mojibake(text: str) -> str:
    """UTF-8 read once as Windows-1252 ("YlÃ¤-Savo", "Ã…boland") back to the text it was
    ("Ylä-Savo", "Åboland"); anything that does not round-trip is returned unchanged."""
    if "Ã" not in text:
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def read_postal_key(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse Statistics Finland's 2020 postal-code key as saved to CSV by Excel.

    The file writes commas inside fields without quotes (the header's "Centre for economic
    development, transport and the environment" and names such as "Hyvinkää, sairaala-alue"),
    so a line has 19 fields plus one per such comma. The last 16 fields (municipality …
    hospital district) never contain commas; the leading postal code neither; the pieces in
    between are the Finnish and the Swedish name of the postal area, where a piece beginning
    with a blank continues the previous one (", "). Returns the frame and notes on repairs.
    """
    notes: list[str] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    check(header[0] == "Postal code area" and header[3] == "Municipality",
          f"{path.name}: unexpected header {header[:5]}")
    out = []
    repaired: dict[tuple[str, str], int] = {}
    for r in data:
        check(len(r) >= 19, f"{path.name}: short line {r}")
        middle = r[1:-16]
        names: list[str] = []
        for piece in middle:
            if names and piece.startswith(" "):
                names[-1] += "," + piece
            else:
                names.append(piece)
        check(len(names) == 2, f"{path.name}: cannot split the names of {r[0]} from {middle}")
        if len(middle) != 2:
            notes.append(f"{r[0]}: names {names[0]!r} / {names[1]!r} re-joined from {len(middle)} "
                         f"unquoted pieces")
        tail = r[-16:]
        fixed = [_repair_mojibake(t) for t in tail]
        for before, after in zip(tail, fixed):
            if before != after:
                repaired[(before, after)] = repaired.get((before, after), 0) + 1
        out.append([r[0], names[0], names[1], *fixed])
    for (before, after), n in sorted(repaired.items()):
        notes.append(f"{before!r} read as {after!r} in {n} lines (UTF-8 decoded twice)")
    key = pd.DataFrame(out, columns=["postal_code", "name_fi", "name_sv", *KEY_TAIL], dtype=str)
    check(key["postal_code"].str.fullmatch(r"\d{5}").all(), f"{path.name}: bad postal codes")
    check(key["postal_code"].is_unique, f"{path.name}: duplicate postal codes")
    check(key["municipality_code"].str.fullmatch(r"\d{3}").all()
          and key["region_code"].str.fullmatch(r"\d{2}").all()
          and key["subregion_code"].str.fullmatch(r"\d{3}").all(),
          f"{path.name}: a municipality, sub-region or region code is not zero-padded digits")
    # every code has one name (this also checks the repair above)
    for code, name in (("municipality_code", "municipality_name"),
                       ("subregion_code", "subregion_name"), ("region_code", "region_name_en")):
        per = key.groupby(code)[name].nunique()
        check((per == 1).all(), f"{path.name}: {code} with several names: {list(per[per > 1].index)}")
    return key, notes


# ====================================================================== paavo_2020_municipal
def validate_paavo_2020(df: pd.DataFrame) -> None:
    munis = df[df["area_kind"] == "municipality"]
    regs = df[df["area_kind"] == "region"]
    check(set(munis["area_code"]) == set(registry_municipalities_2020()),
          "the file's municipalities are not the 310 of the 2020 division")
    equal(regs["area_code"].nunique(), 18, "region rows")
    check(not df["value"].isna().any(), "Paavo 2020 municipal file has no missing cells")
    # every region row = the exact sum of its municipalities, for every additive variable
    add = munis[munis["additive"] == "yes"]
    sums = add.groupby(["region_code", "variable"])["value"].sum()
    reg = regs[regs["additive"] == "yes"].set_index(["area_code", "variable"])["value"]
    reg.index.names = ["region_code", "variable"]
    diff = (sums.reindex(reg.index) - reg).abs()
    check(diff.notna().all() and (diff < 0.5).all(),
          f"region rows differ from the sums of their municipalities: {diff[diff >= 0.5].head()}")
    # TP: total = primary + processing + services + X; sections add up to the total
    wide = df.pivot_table(index="area_code", columns="variable", values="value", aggfunc="first")
    tot = wide["jobs_total"]
    check(((wide["jobs_primary"] + wide["jobs_processing"] + wide["jobs_services"]
            + wide["jobs_X"]) == tot).all(), "TP: primary+processing+services+X != total")
    check((wide[[f"jobs_{s}" for s in SECTIONS]].sum(axis=1) == tot).all(),
          "TP: sections do not add up to the total")
    check((wide["jobs_primary"] == wide["jobs_A"]).all(), "TP: primary != A")
    check((wide[[f"jobs_{s}" for s in "BCDEF"]].sum(axis=1) == wide["jobs_processing"]).all(),
          "TP: processing != B..F")
    check((wide[[f"jobs_{s}" for s in "GHIJKLMNOPQRSTU"]].sum(axis=1)
           == wide["jobs_services"]).all(), "TP: services != G..U")
    # PT: the six main activities add up to the inhabitants
    check((wide[list(MAIN_ACTIVITIES)].sum(axis=1) == wide["pt_inhabitants"]).all(),
          "PT: main activities do not add up to the inhabitants")
    # the totals SOURCES.md names
    def v(code, var):
        return wide.loc[code, var]
    equal(munis[munis["variable"] == "he_inhabitants_total"]["value"].sum(), 5_517_919,
          "Σ municipalities, inhabitants 2018")
    equal(munis[munis["variable"] == "jobs_total"]["value"].sum(), 2_327_730,
          "Σ municipalities, jobs 2017")
    equal(munis[(munis["region_code"] == "02") & (munis["variable"] == "pt_inhabitants")]["value"]
          .sum(), 477_677, "Σ VS municipalities, inhabitants 2017 (PT)")
    equal((v("853", "he_inhabitants_total"), v("853", "pt_inhabitants"), v("853", "jobs_total"),
           v("853", "jobs_C"), v("853", "jobs_J"), v("853", "jobs_M"), v("853", "jobs_Q"),
           v("853", "unemployed")),
          (191_331, 189_669, 100_128, 10_191, 3_952, 7_237, 19_496, 12_876), "Turku")
    equal((v("02", "he_inhabitants_total"), v("02", "jobs_total"), v("02", "jobs_C"),
           v("02", "jobs_J"), v("02", "jobs_M"), v("02", "jobs_Q"), v("02", "employed"),
           v("02", "unemployed"), v("02", "students")),
          (478_582, 198_593, 31_155, 5_180, 10_619, 36_067, 203_162, 24_901, 35_049), "MK02")


FIELDS_2020 = [
    field("area_kind", "string", "municipality or region (the source has no whole-country row "
          "and no row for region 01 Uusimaa; 'country' is reserved and does not occur)",
          required=True, enum=["municipality", "region", "country"]),
    field("area_code", "string", "municipality code (3 digits) or region code (2 digits) of "
          "the 2020 municipal division, the division of the Paavo 2020 edition; codes are "
          "zero-padded strings ('019', '02')", required=True, pattern=r"^(\d{3}|\d{2}|SSS)$"),
    field("area_name", "string", "Finnish name from the project's area registry "
          "(helpers.regions), e.g. Parainen, Varsinais-Suomi", required=True),
    field("area_name_published", "string", "the 'Area' cell as published: municipality in its "
          "majority language (e.g. 'Pargas', 'Kimitoön'), region rows 'MK02 Southwest Finland'",
          required=True),
    field("region_code", "string", "for municipalities the region of the 2020 division "
          "(Statistics Finland's 2020 postal-code key); empty for region rows. Region membership "
          "differs from 2026 for Heinävesi, Iitti, Isokyrö, Joroinen and Kuhmoinen "
          "(not Varsinais-Suomi)", pattern=r"^\d{2}$"),
    field("group", "string", "Paavo data group (theme): HE population, KO education, HR "
          "inhabitants' income, TE households, TR household income, RA buildings and dwellings, "
          "TP workplaces, PT main type of activity", required=True, enum=list(GROUPS)),
    field("variable", "string", "stable ASCII id defined by the project: jobs_total, "
          "jobs_<section letter> (jobs_C, jobs_J …), jobs_primary/processing/services, "
          "employed, unemployed, children_0_14, students, pensioners, others, pt_inhabitants, "
          "and he_/ko_/hr_/te_/tr_/ra_ prefixed ids for the other groups", required=True),
    field("category", "string", "TP: TOL 2008 section letter of a jobs_<letter> variable "
          "('C', 'J', 'M', 'Q', 'X' = industry unknown) or the sections a sector total covers "
          "(jobs_primary 'A', jobs_processing 'B-F', jobs_services 'G-U' - checked on every "
          "row); PT: the main-activity class (employed, unemployed, children_0_14, students, "
          "pensioners, others; project ids, not Statistics Finland's ptoim codes); empty "
          "otherwise and for totals"),
    field("label", "string", "the column label as published (English edition), e.g. "
          "'J Information and communication, 2017 (TP)'; typos such as 'Inhabintants' kept",
          required=True),
    field("year", "integer", "the data year in the label (HE/KO/TE/RA 2018, HR/TR/TP/PT 2017; "
          "TP and PT refer to 31.12.2017)", required=True),
    field("unit", "string", "persons, jobs, households, buildings, dwellings, EUR, years, m2, "
          "persons per household, m2 per person", required=True),
    field("additive", "string", "yes = a count or money total: municipal values add up to the "
          "region row (checked: every region row equals the exact sum of its municipalities); "
          "no = a mean, median or rate", required=True, enum=["yes", "no"]),
    field("value", "number", "the figure as published", required=True),
]


@converter("paavo_2020_municipal", PAAVO_2020, validate=validate_paavo_2020)
def build_paavo_2020(folder: Path):
    key, _ = read_postal_key(folder / "alueryhmittely_posnro_2020_en.csv")
    muni_region = dict(key.drop_duplicates("municipality_code")[["municipality_code",
                                                                 "region_code"]].values)
    with open(folder / "paavo_municipality_demographics.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    check(header[0] == "Area" and len(header) == 102, f"unexpected header {header[:3]}")
    labels = []
    for lab in header[1:]:
        m = _LABEL_RE.match(lab)
        check(m is not None, f"label {lab!r} has no ', <year> (<group>)' suffix")
        labels.append((lab, m.group("group"), int(m.group("year")),
                       *_variable_for(m.group("group"), m.group("stem"))))
    vars_ = [lab[3] for lab in labels]
    check(len(set(vars_)) == len(vars_), "two labels map to one variable id")
    known = registry_municipalities_2020()
    out = []
    current_region = None
    for r in data:
        area = r[0]
        m = _REGION_ROW_RE.match(area)
        if m:
            kind, code, region = "region", m.group("code"), ""
            name = region_name_fi(code)
            current_region = code
        else:
            kind, code = "municipality", municipality_code(area)
            name = known[code]
            region = muni_region.get(code)
            check(region is not None, f"{area} ({code}) is not in the 2020 postal-code key")
            # rows are grouped under their region row (Uusimaa's come first, without one)
            check(region == (current_region or "01"),
                  f"{area}: region {region} in the 2020 key, listed under MK{current_region}")
        for (lab, group, year, var, cat, unit, additive), cell in zip(labels, r[1:]):
            check(re.fullmatch(r"-?\d+(\.\d+)?", cell) is not None,
                  f"{area} / {lab}: not a number: {cell!r}")
            out.append((kind, code, name, area, region, group, var, cat, lab, year, unit,
                        additive, float(cell)))
    df = pd.DataFrame(out, columns=[f["name"] for f in FIELDS_2020])
    df["region_code"] = df["region_code"].where(df["region_code"] != "", None)
    df["year"] = df["year"].astype("int64")
    meta = {
        "path": "paavo/paavo_2020_municipal.csv",
        "title": "Paavo 2020 edition: municipalities and regions, all data groups "
                 "(jobs 2017 by TOL section, main activity 2017, population, education, income, "
                 "households, dwellings)",
        "description": (
            "Statistics Finland's Paavo open data (edition 'Data published in 2020', all data "
            "groups, English labels) for the 310 municipalities of the 2020 division and 18 "
            "region rows (MK02 … MK21; the source has no row for MK01 Uusimaa and none for the "
            "whole country - nothing was added). Long format: one row per area x published "
            "column (101 columns x 328 areas). TP = workplaces (jobs located in the area) "
            "31.12.2017 by TOL 2008 section A…X plus the primary/processing/services totals; PT = "
            "inhabitants by main type of activity 31.12.2017. Only TOL sections: 2-digit or finer "
            "industries (21, 26.6, 32.5, 72.11) are NOT separable here. Checks (validate and "
            "tests/test_snapshot_paavo_cluster_climate.py): every one of the 18 region rows equals "
            "the exact sum of its municipalities (2020 key) for all additive variables (0 "
            "differences); the sections add up to jobs_total and the six main activities to "
            "pt_inhabitants in every row; Σ 310 municipalities' inhabitants 2018 = 5,517,919 = "
            "Finland's official population 31.12.2018; Σ jobs 2017 = 2,327,730; Turku jobs 2017 = "
            "100,128 = the tyokay 2017 appendix table 2e total; Turku J = 3,952, C = 10,191; "
            "Varsinais-Suomi (MK02) jobs 198,593, J 5,180, C 31,155."),
        "schema": schema(FIELDS_2020),
        "sources": [
            source("Statistics Finland, Paavo - Open data by postal code area, 'Data published in "
                   "2020', all data groups (pxnet2 PX-Web), English labels",
                   "http://pxnet2.stat.fi/PXWeb/pxweb/en/Postinumeroalueittainen_avoin_tieto/",
                   STATFIN),
            source(f"{SYNTHEA_REPO} fi/data/paavo_municipality_demographics.csv and "
                   f"alueryhmittely_posnro_2020_en.csv at commit {SYNTHEA_COMMIT} (added in "
                   f"commit ceec49126323d6acec1d19acdbe849c14bb5fbb8, 2020-02-10; Apache-2.0 "
                   f"code, the data are Statistics Finland's)",
                   github_tree(SYNTHEA_REPO, SYNTHEA_COMMIT, "fi/data"),
                   "Synthea International (synthetichealth), copy of Statistics Finland data"),
        ],
        "licenses": [dict(CC_BY_4, title=CC_BY_4["title"] + " (Statistics Finland, Paavo)")],
        "publisher": STATFIN,
        "table_id": "Paavo 2020 (Postinumeroalueittainen_avoin_tieto, 'All data groups'), "
                    "municipal and region rows",
        "reference_period": "2017-2018 (TP, PT, HR, TR: 2017; HE, KO, TE, RA: 2018)",
        "obtained": ("reference-data/paavo/paavo_2020_municipal/paavo_municipality_demographics.csv "
                     "(a byte copy of the synthea-international file: the pxnet2 CSV download "
                     "with its top two lines removed and converted to UTF-8) reshaped to long "
                     "format, one row per area x column; year and group parsed from each label; "
                     "municipality names (in their majority language) mapped to codes with the "
                     "project's area registry (exact Finnish/Swedish names only) and cross-checked "
                     "against the code and region of Statistics Finland's 2020 postal-code key; "
                     "region rows 'MKnn <English name>' mapped to code nn."),
        "attribution": "Source: Statistics Finland, Paavo - open data by postal code area, "
                       "2020 edition, CC BY 4.0",
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            PAAVO_CAVEAT,
            "TOL 2008 sections only: pharmaceuticals (21), medical technology (26.6, 32.5) and "
            "biotech R&D (72.11) are inside C and M and cannot be separated here.",
            "2020 municipal division (310 municipalities): 099 Honkajoki merged into Kankaanpää "
            "(214) on 1.1.2021; 588 Pertunmaa is not in the 2026 classification. Five "
            "municipalities changed region on 1.1.2021 (not in Varsinais-Suomi).",
            "No row for region 01 Uusimaa and no whole-country row in the source; none was "
            "computed here.",
            "Reference years differ by group (TP/PT/HR/TR 2017, HE/KO/TE/RA 2018); use 'year'.",
        ],
    }
    return ordered(df, FIELDS_2020), meta


# ======================================================================= postcode_areas_2020
def validate_postcode_areas(df: pd.DataFrame) -> None:
    equal(len(df), 3026, "postal areas")
    check(df["postal_code"].is_unique, "postal codes unique")
    check(set(df["municipality_code"]) == set(registry_municipalities_2020()),
          "the key's municipalities are not the 310 of the 2020 division")
    equal(int((df["municipality_code"] == "853").sum()), 27, "Turku postal areas")
    check(df["x"].notna().all() and df["y"].notna().all(), "every postal area has a centre point")
    check(df["x"].between(50_000, 800_000).all() and df["y"].between(6_600_000, 7_800_000).all(),
          "centre points inside Finland's ETRS-TM35FIN extent")
    row = df.set_index("postal_code").loc["20100"]
    equal((row["name_fi"], row["municipality_code"], row["region_code"]),
          ("Turku Keskus", "853", "02"), "20100")


FIELDS_POSTCODE = [
    field("postal_code", "string", "postal code area (Paavo statistical postal-code area), "
          "5-digit zero-padded string", required=True, pattern=r"^\d{5}$", unique=True),
    field("name_fi", "string", "name of the postal code area (Finnish)", required=True),
    field("name_sv", "string", "name of the postal code area (Swedish)", required=True),
    field("municipality_code", "string", "municipality (2020 division), 3 digits",
          required=True, pattern=r"^\d{3}$"),
    field("municipality_name", "string", "name of the municipality as in the key (Finnish; "
          "'Maarianhamina - Mariehamn' for 478)", required=True),
    field("statistical_grouping_code", "string", "statistical grouping of municipalities "
          "(1 urban, 2 semi-urban, 3 rural)", pattern=r"^\d$"),
    field("statistical_grouping_name_en", "string", "its name as in the key (English)"),
    field("subregion_code", "string", "sub-regional unit (seutukunta) 2020, 3 digits",
          required=True, pattern=r"^\d{3}$"),
    field("subregion_name", "string", "sub-region name as in the key"),
    field("region_code", "string", "region (maakunta) 2020, 2 digits", required=True,
          pattern=r"^\d{2}$"),
    field("region_name_en", "string", "region name as in the key (English edition, e.g. "
          "'Southwest Finland')"),
    field("major_region_code", "string", "major region (suuralue)", pattern=r"^\d$"),
    field("major_region_name_en", "string", "its name as in the key"),
    field("avi_code", "string", "Regional State Administrative Agency (AVI)"),
    field("avi_name_en", "string", "its name as in the key"),
    field("ely_code", "string", "Centre for Economic Development, Transport and the "
          "Environment (ELY)"),
    field("ely_name_en", "string", "its name as in the key"),
    field("hospital_district_code", "string", "hospital district (sairaanhoitopiiri) 2020"),
    field("hospital_district_name_en", "string", "its name as in the key"),
    field("x", "integer", "postal area centre point, easting in metres, ETRS-TM35FIN "
          "(EPSG:3067), from Paavo's area centre points (2020 edition)", required=True),
    field("y", "integer", "postal area centre point, northing in metres, ETRS-TM35FIN "
          "(EPSG:3067)", required=True),
]


@converter("postcode_areas_2020", PAAVO_2020, validate=validate_postcode_areas)
def build_postcode_areas(folder: Path):
    key, notes = read_postal_key(folder / "alueryhmittely_posnro_2020_en.csv")
    geo = pd.read_csv(folder / "paavo_geospacial_by_city.csv", dtype=str, keep_default_na=False)
    check(list(geo.columns) == ["Postal code area", "X coordinate in metres",
                                "Y coordinate in metres"], f"unexpected columns {list(geo.columns)}")
    parsed = geo["Postal code area"].str.extract(r"^(?P<pc>\d{5})  (?P<name>.*) \((?P<muni>[^()]*)\)$")
    check(parsed.notna().all().all(), "a centre-point label is not '<code>  <name> (<municipality>)'")
    geo = pd.concat([parsed, geo], axis=1)
    check(geo["pc"].is_unique, "duplicate postal codes among the centre points")
    merged = key.merge(geo, left_on="postal_code", right_on="pc", how="outer", indicator=True)
    check((merged["_merge"] == "both").all(), "postal key and centre points do not cover the "
          "same postal codes")
    # the centre-point file names each area (Finnish) and its municipality: both must agree with
    # the key, which also confirms the comma repair of the key
    # (the centre-point file names municipalities in their majority language: Ingå, Pargas)
    paren_code = {m: municipality_code(m) for m in merged["muni"].unique()}
    bad = merged[(merged["name"] != merged["name_fi"])
                 | (merged["muni"].map(paren_code) != merged["municipality_code"])]
    check(bad.empty, f"names differ between the key and the centre points: "
          f"{bad[['postal_code', 'name_fi', 'name', 'municipality_name', 'muni']].head().values}")
    merged["x"] = merged["X coordinate in metres"].astype("int64")
    merged["y"] = merged["Y coordinate in metres"].astype("int64")
    key_code = {m: municipality_code(m) for m in merged["municipality_name"].unique()}
    wrong_names = merged[merged["municipality_name"].map(key_code) != merged["municipality_code"]]
    check(wrong_names.empty, f"municipality names differ from the registry: "
          f"{wrong_names[['municipality_code', 'municipality_name']].drop_duplicates().values}")
    df = ordered(merged.sort_values("postal_code"), FIELDS_POSTCODE)
    meta = {
        "path": "paavo/postcode_areas_2020.csv",
        "title": "Postal code areas 2020: Statistics Finland's postal-code key (municipality, "
                 "sub-region, region, ELY, AVI) with Paavo area centre points (EPSG:3067)",
        "description": (
            "The 3,026 Paavo postal code areas of 2020 with Finnish and Swedish names, the "
            "municipality, statistical grouping, sub-region, region, major region, AVI and ELY "
            "of Statistics Finland's postal-code key 2020 (alueryhmittely_posnro_2020_en), "
            "joined by postal code with Paavo's area centre points (X/Y in metres, ETRS-TM35FIN, "
            "EPSG:3067, 2020 edition). 310 municipalities (2020 division); 27 postal areas in "
            "Turku. Use it to put Paavo postal-area data on a map or to assign postal areas to "
            "municipalities and regions of 2020."),
        "schema": schema(FIELDS_POSTCODE),
        "sources": [
            source("Statistics Finland, Paavo postal code key 2020 (alueryhmittely_posnro_2020_en.xlsx)",
                   "https://www.stat.fi/static/media/uploads/tup/paavo/alueryhmittely_posnro_2020_en.xlsx",
                   STATFIN),
            source("Statistics Finland, Paavo - Open data by postal code area 2020, postal area "
                   "centre points (X/Y coordinates in metres)",
                   "http://pxnet2.stat.fi/PXWeb/pxweb/en/Postinumeroalueittainen_avoin_tieto/",
                   STATFIN),
            source(f"{SYNTHEA_REPO} fi/data/alueryhmittely_posnro_2020_en.csv and "
                   f"paavo_geospacial_by_city.csv at commit {SYNTHEA_COMMIT}",
                   github_tree(SYNTHEA_REPO, SYNTHEA_COMMIT, "fi/data"),
                   "Synthea International (synthetichealth), copy of Statistics Finland data"),
        ],
        "licenses": [dict(CC_BY_4, title=CC_BY_4["title"] + " (Statistics Finland)")],
        "publisher": STATFIN,
        "table_id": "alueryhmittely_posnro_2020_en; Paavo 2020 postal area coordinates",
        "reference_period": "2020 (postal areas and municipal division of 2020)",
        "obtained": (
            "reference-data/paavo/paavo_2020_municipal/alueryhmittely_posnro_2020_en.csv (the "
            "key saved to CSV by Excel) parsed field by field: the file writes commas inside "
            "names without quotes, so the last 16 fields were read by position and the pieces "
            "between the postal code and the municipality code re-joined into the Finnish and "
            "Swedish names (a piece starting with a blank continues the previous one) - "
            + "; ".join(n for n in notes if "re-joined" in n) + ". Names that the copy had "
            "decoded twice (UTF-8 read as Windows-1252, e.g. 'YlÃ¤-Savo', 'Ã…boland-Turunmaa') were decoded back ("
            + str(sum(int(n.rsplit(" in ", 1)[1].split()[0]) for n in notes if "decoded twice" in n))
            + " lines, all in the sub-region name column; every code still has exactly one "
            "name). The result was confirmed against the names in the centre-point file "
            "(paavo_geospacial_by_city.csv, '<code>  <name> (<municipality>)'), whose X/Y were "
            "joined by postal code."),
        "attribution": "Source: Statistics Finland, Paavo postal code key 2020 and postal area "
                       "centre points, CC BY 4.0",
        "quality": "AMBER",
        "suitability": "GREEN",
        "caveats": [
            "The CSV copy of the key had unquoted commas in five lines and sub-region names "
            "decoded twice ('YlÃ¤-Savo'); both were repaired as described in 'obtained' and "
            "every postal-area and municipality name was checked against the centre-point file "
            "and the area registry.",
            "Centre points are Paavo's statistical area centres, not geometric centroids or "
            "post-office locations; the Paavo 2019 edition's coordinates differ slightly.",
            "Region/sub-region of 2020: five municipalities outside Varsinais-Suomi changed "
            "region on 1.1.2021; 099 Honkajoki merged into Kankaanpää in 2021.",
        ],
    }
    return df, meta


# =========================================================== paavo_postcode_varsinais_suomi
TP_COLUMNS = {
    "Tyopaikat_yhteensa": ("jobs_total", ""),
    "Alkutuotannon_tyopaikat": ("jobs_primary", "A"),
    "Jalostuksen_tyopaikat": ("jobs_processing", "B-F"),
    "Palveluiden_tyopaikat": ("jobs_services", "G-U"),
}
PT_COLUMNS = {
    "Asukkaat_yhteensa": ("pt_inhabitants", ""),
    "Tyolliset": ("employed", "employed"),
    "Tyottomat": ("unemployed", "unemployed"),
    "Lapset_0_14_vuotiaat": ("children_0_14", "children_0_14"),
    "Opiskelijat": ("students", "students"),
    "Elakelaiset": ("pensioners", "pensioners"),
    "Muut": ("others", "others"),
    "Tyovoima": ("labour_force", "labour_force"),
    "Tyovoiman_ulkopuolella_olevat": ("outside_labour_force", "outside_labour_force"),
}
POSTCODE_FILES = {"TP": "paavo_postcode_7_tp_varsinais-suomi_by_2020_key.csv",
                  "PT": "paavo_postcode_8_pt_varsinais-suomi_by_2020_key.csv"}
META_COLUMNS = ["alue", "vuosi", "source_file", "Municipality", "Name of the municipality", "Region"]


def _postcode_variable(group: str, column: str) -> tuple[str, str]:
    if group == "TP":
        if column in TP_COLUMNS:
            return TP_COLUMNS[column]
        m = re.match(r"^([A-Z])_", column)
        check(m is not None and m.group(1) in SECTIONS, f"TP: unknown column {column!r}")
        return f"jobs_{m.group(1)}", m.group(1)
    check(column in PT_COLUMNS, f"PT: unknown column {column!r}")
    return PT_COLUMNS[column]


def validate_postcode_vs(df: pd.DataFrame) -> None:
    equal(sorted(df["year"].unique().tolist()), [2012, 2013, 2014, 2015, 2016], "years")
    equal(df["postal_code"].nunique(), 194, "VS postal areas (2020 key)")
    equal(df["municipality_code"].nunique(), 27, "VS municipalities")
    check((df["value"].dropna() >= 0).all(), "no negative counts")
    check((df["value"].isna() == (df["value_status"] == "NA")).all(),
          "value_status 'NA' exactly where the value is missing")
    j = df[df["variable"] == "jobs_J"].groupby("year")["value"].sum()
    equal(j.astype(int).tolist(), [4427, 4604, 4679, 4602, 4886], "VS postal areas, J jobs 2012-2016")
    t = df[(df["municipality_code"] == "853") & (df["year"] == 2016)]
    equal(int(t[t["variable"] == "jobs_total"]["value"].sum()), 89_202, "Turku jobs 2016")
    equal(int(t[t["variable"] == "pt_inhabitants"]["value"].sum()), 186_879, "Turku inhabitants 2016")
    # identities on every postal area x year whose cells are all present
    wide = df.pivot_table(index=["postal_code", "year"], columns="variable", values="value",
                          aggfunc="first")
    secs = [f"jobs_{s}" for s in SECTIONS]
    full = wide.dropna(subset=secs + ["jobs_total"])
    check((full[secs].sum(axis=1) == full["jobs_total"]).all(), "TP sections != total")
    pt = wide.dropna(subset=list(MAIN_ACTIVITIES) + ["pt_inhabitants"])
    check((pt[list(MAIN_ACTIVITIES)].sum(axis=1) == pt["pt_inhabitants"]).all(),
          "PT main activities != inhabitants")
    lf = wide.dropna(subset=["employed", "unemployed", "labour_force"])
    check((lf["employed"] + lf["unemployed"] == lf["labour_force"]).all(),
          "PT employed + unemployed != labour force")


FIELDS_POSTCODE_VS = [
    field("postal_code", "string", "postal code area, 5 digits", required=True, pattern=r"^\d{5}$"),
    field("municipality_code", "string", "municipality of the postal area in Statistics "
          "Finland's 2020 postal-code key (the mapping was made by the reference-data compilers "
          "by that key, not published with the data)", required=True, pattern=r"^\d{3}$"),
    field("municipality_name", "string", "its Finnish name", required=True),
    field("year", "integer", "reference year of the data (31.12.), read from the variable "
          "label by the download script", required=True),
    field("edition", "integer", "Paavo edition ('data published in') the year came from: "
          "year + 3 for TP and PT (the script downloaded editions 2015-2019, which gave "
          "years 2012-2016; e.g. the 2015 edition's PT refers to 31.12.2012)", required=True),
    field("group", "string", "Paavo data group: TP workplaces by TOL 2008 section, PT main type "
          "of activity", required=True, enum=["TP", "PT"]),
    field("variable", "string", "project id, the same ids as paavo_2020_municipal: jobs_total, "
          "jobs_<section>, jobs_primary/processing/services; pt_inhabitants, employed, "
          "unemployed, children_0_14, students, pensioners, others, labour_force, "
          "outside_labour_force", required=True),
    field("category", "string", "TOL 2008 section letter (TP; 'A', 'B-F', 'G-U' for the "
          "sector totals) or main-activity class (PT); empty for totals"),
    field("label", "string", "the column name in the file: the Finnish PX-Web label after the "
          "download script's clean_names() (ASCII, underscores; e.g. 'J_Informaatio_ja_viestinta'), "
          "not the label exactly as published", required=True),
    field("value", "integer", "the count (jobs or persons) as in the file; missing where Paavo "
          "suppressed it or the edition did not carry the variable (value_status 'NA')"),
    field("value_status", "string", "'NA' = missing in the source file (Paavo suppression "
          "'..' for small areas, read as NA by the download; labour_force and "
          "outside_labour_force are NA for every area in 2016, not in that edition's download); "
          "empty when a value is present", enum=["NA"]),
]


@converter("paavo_postcode_varsinais_suomi_2012_2016", PAAVO_POSTCODE,
           validate=validate_postcode_vs)
def build_postcode_vs(folder: Path):
    frames = []
    for group, name in POSTCODE_FILES.items():
        raw = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        check(all(c in raw.columns for c in META_COLUMNS), f"{name}: columns {list(raw.columns)}")
        check((raw["Region"] == "02").all(), f"{name}: rows outside region 02")
        value_cols = [c for c in raw.columns if c not in META_COLUMNS]
        long = raw.melt(id_vars=META_COLUMNS, value_vars=value_cols, var_name="label",
                        value_name="raw")
        mapped = long["label"].map(lambda c, g=group: _postcode_variable(g, c))
        long["variable"] = mapped.str[0]
        long["category"] = mapped.str[1]
        long["group"] = group
        frames.append(long)
    df = pd.concat(frames, ignore_index=True)
    check(df["raw"].str.fullmatch(r"(\d+\.0)?").all(), "a cell is neither empty nor a whole number")
    check(df["vuosi"].str.fullmatch(r"\d{4}\.0").all(), "bad year")
    year = df["vuosi"].str[:4].astype("int64")
    check((df["source_file"].str.extract(r"_(\d{4})\.rds$")[0].astype("int64") == year).all(),
          "year and source_file disagree")
    out = pd.DataFrame({
        "postal_code": df["alue"], "municipality_code": df["Municipality"],
        "municipality_name": df["Name of the municipality"], "year": year,
        "edition": year + 3, "group": df["group"], "variable": df["variable"],
        "category": df["category"].where(df["category"] != "", None), "label": df["label"],
        "value": pd.to_numeric(df["raw"].replace("", np.nan)).astype("Int64"),
    })
    out["value_status"] = pd.Series(np.where(out["value"].isna(), "NA", None), dtype=object)
    check(out["postal_code"].str.fullmatch(r"\d{5}").all(), "postal codes")
    check(out["municipality_code"].str.fullmatch(r"\d{3}").all(), "municipality codes")
    known = registry_municipalities_2020()
    names = out.drop_duplicates("municipality_code")
    check(all(known[c] == n for c, n in names[["municipality_code", "municipality_name"]].values),
          "municipality names differ from the registry")
    out = out.sort_values(["group", "year", "postal_code", "variable"], kind="stable")
    fields = FIELDS_POSTCODE_VS
    meta = {
        "path": "paavo/paavo_postcode_varsinais_suomi_2012_2016.csv",
        "title": "Paavo by postal code area, Varsinais-Suomi, 2012-2016: jobs by TOL 2008 section "
                 "(TP) and main type of activity (PT)",
        "description": (
            "Statistics Finland Paavo data for the 194 postal code areas that the 2020 "
            "postal-code key assigns to Varsinais-Suomi (region 02), reference years 2012-2016 "
            "(editions 2015-2019): TP jobs located in the area by TOL 2008 section A…X with the "
            "primary/processing/services totals, and PT inhabitants by main type of activity "
            "(employed, unemployed, children 0-14, students, pensioners, others; labour force "
            "and outside the labour force). Long format: one row per postal area x year x "
            "variable. Checks: Σ VS postal areas' J (information and communication) jobs "
            "2012-2016 = 4,427 / 4,604 / 4,679 / 4,602 / 4,886; Turku's postal areas 2016: jobs "
            "89,202 (vs 97,273 jobs in Turku in the municipal key figures) and 186,879 "
            "inhabitants (official 187,604); in every complete row the sections add up to "
            "jobs_total, the main activities to pt_inhabitants and employed + unemployed to "
            "labour_force."),
        "schema": schema(fields),
        "sources": [
            source("Statistics Finland, Paavo - Open data by postal code area, editions 2015-2019, "
                   "tables paavo_7_tp and paavo_8_pt (PX-Web API)",
                   "http://pxnet2.stat.fi/PXWeb/api/v1/fi/Postinumeroalueittainen_avoin_tieto/",
                   STATFIN),
            source(f"{PTTRY_REPO} data/zip_data/zip_data_7_tp_<year>.rds and zip_data_8_pt_<year>.rds "
                   f"at commit {PTTRY_COMMIT} (files last changed in bd4bd3a218e5fe02b35b5741d65725e7700c8e4f "
                   f"and 2b0608a5cf3ea34dab38dd0b98dc73f50ffe1a91; downloaded by zip_data_prep.R with "
                   f"pxweb; Pellervo Economic Research PTT, no licence stated for the code)",
                   github_tree(PTTRY_REPO, PTTRY_COMMIT, "data/zip_data"),
                   "Pellervo Economic Research PTT (pttry), copy of Statistics Finland data"),
            source("Statistics Finland, Paavo postal code key 2020 (municipality and region of "
                   "each postal code, used to select Varsinais-Suomi)",
                   "https://www.stat.fi/static/media/uploads/tup/paavo/alueryhmittely_posnro_2020_en.xlsx",
                   STATFIN),
        ],
        "licenses": [dict(CC_BY_4, title=CC_BY_4["title"] + " (Statistics Finland, Paavo)")],
        "publisher": STATFIN,
        "table_id": "Paavo paavo_7_tp and paavo_8_pt, editions 2015-2019",
        "reference_period": "2012-2016 (31.12. of each year)",
        "obtained": (
            "reference-data/paavo/paavo_postcode_2012-2016_and_key_figures_2006-2016/"
            "paavo_postcode_7_tp_varsinais-suomi_by_2020_key.csv and …_8_pt_… (CSV conversions of "
            "the pttry .rds files, values unchanged, restricted by the reference-data compilers to "
            "the postal codes of region 02 in the 2020 key, with its municipality columns "
            "appended) reshaped to long format; '36.0' style numbers written as integers; empty "
            "cells (NA in R) kept missing with value_status 'NA'; edition = year + 3 as described "
            "in the schema."),
        "attribution": "Source: Statistics Finland, Paavo - open data by postal code area, "
                       "editions 2015-2019, CC BY 4.0",
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": [
            PAAVO_CAVEAT + " Turku's postal areas 2016: 89,202 jobs vs 97,273 in the municipal "
            "key figures; 186,879 inhabitants vs the official 187,604.",
            "Small areas are suppressed in Paavo ('..'; the PT footnote of the 2015 edition: "
            "classifying data are protected if fewer than 30 persons in the labour force or "
            "outside it): those cells are missing (value_status 'NA'), never 0.",
            "Postal areas are assigned to municipalities by the 2020 key, not by the key of each "
            "year; a few older postal codes have no 2020 match and are not in this table, and "
            "postal-area boundaries change between editions.",
            "The labour force and the people outside the labour force are missing for every area "
            "in 2016 (not in that edition's download).",
            "Labels are the Finnish labels as the download script rewrote them (ä and ö as a and o, "
            "words joined by underscores), not the published text.",
            "TOL sections only; C and M cannot be split into 21, 26.6, 32.5 or 72.11.",
        ],
    }
    return ordered(out, fields), meta
