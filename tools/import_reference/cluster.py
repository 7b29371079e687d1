"""Cluster employment: Eurostat regional employment by NACE A10 (FI, FI1C, FI1C1 = Varsinais-Suomi)
and Vipunen / Statistics Finland employed persons by TOL 2008 5-digit industry, whole country.

Folders of the reference-data collection: ``cluster/eurostat_employment_nuts3_2000-2017`` and
``cluster/national_employment_tol5_2012-2016`` (the MITENNA .xlsx files need openpyxl, the
optional dependency group ``import``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import converter
from ._tables import CC_BY_4, check, equal, field, github_blob, github_tree, ordered, schema, source

EUROSTAT = "cluster/eurostat_employment_nuts3_2000-2017"
MITENNA = "cluster/national_employment_tol5_2012-2016"

DC_REPO = "datacommonsorg/data"
DC_COMMIT = "cf373044cc6f064b0bc22bbc6372c4b4baba6a53"
DC_PATH = "scripts/eurostat/regional_statistics_by_nuts/employed_per_sector/Eurostats_NUTS3_Empers.csv"
ALTA_REPO = "pttry/alta"
ALTA_COMMIT = "5a2f91d6325676af9cdee0a0c8e3672682531c23"

# NUTS 2016 codes and names (Eurostat's names; FI's is "Suomi / Finland")
NUTS = {
    "FI": ("Suomi / Finland", 0), "FI1C": ("Etelä-Suomi", 2), "FI1C1": ("Varsinais-Suomi", 3),
    "FI1C2": ("Kanta-Häme", 3), "FI1C3": ("Päijät-Häme", 3), "FI1C4": ("Kymenlaakso", 3),
    "FI1C5": ("Etelä-Karjala", 3), "FI1B1": ("Helsinki-Uusimaa", 3), "FI197": ("Pirkanmaa", 3),
    "FI1D9": ("Pohjois-Pohjanmaa", 3),
}
# Data Commons column suffix -> (project code, Eurostat code, NACE Rev. 2 label)
NACE = {
    "A": ("A", "A", "Agriculture, forestry and fishing"),
    "B-E": ("B-E", "B-E", "Industry (except construction)"),
    "C": ("C", "C", "Manufacturing"),
    "F": ("F", "F", "Construction"),
    "G-I": ("G-I", "G-I", "Wholesale and retail trade, transport, accommodation and food service "
            "activities"),
    "G-J": ("G-J", "G-J", "Wholesale and retail trade, transport, accommodation and food service "
            "activities; information and communication"),
    "J": ("J", "J", "Information and communication"),
    "K": ("K", "K", "Financial and insurance activities"),
    "K-N": ("K-N", "K-N", "Financial and insurance activities; real estate activities; "
            "professional, scientific and technical activities; administrative and support "
            "service activities"),
    "L": ("L", "L", "Real estate activities"),
    "M-N": ("M-N", "M_N", "Professional, scientific and technical activities; administrative and "
            "support service activities"),
    "O-Q": ("O-Q", "O-Q", "Public administration, defence, education, human health and social "
            "work activities"),
    "O-U": ("O-U", "O-U", "Public administration, defence, education, human health and social "
            "work activities; arts, entertainment and recreation; other service activities; "
            "activities of household and extra-territorial organizations and bodies"),
    "R-U": ("R-U", "R-U", "Arts, entertainment and recreation; other service activities; "
            "activities of household and extra-territorial organizations and bodies"),
    "TOTAL": ("TOTAL", "TOTAL", "Total - all NACE activities"),
}
# additive identities among the A10 aggregates: total = the parts
IDENTITIES = {
    "TOTAL": ("A", "B-E", "F", "G-J", "K-N", "O-U"),
    "G-J": ("G-I", "J"),
    "K-N": ("K", "L", "M-N"),
    "O-U": ("O-Q", "R-U"),
}
# tolerance per geo (persons): FI is exact, regional rows are rounded to 0.01 thousand
IDENTITY_TOLERANCE = {"FI": 0.0}
REGIONAL_TOLERANCE = 20.0


def eurostat_identity_deviations(df: pd.DataFrame) -> pd.DataFrame:
    """Per geo x year x identity: Σ parts - total (persons), where all cells are present."""
    wide = df.pivot_table(index=["geo", "year"], columns="nace", values="employed", aggfunc="first")
    rows = []
    for (geo, year), r in wide.iterrows():
        for total, parts in IDENTITIES.items():
            vals = [r.get(p) for p in (total, *parts)]
            if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in vals):
                continue
            rows.append((geo, year, total, float(sum(vals[1:]) - vals[0])))
    return pd.DataFrame(rows, columns=["geo", "year", "identity", "deviation"])


def validate_eurostat(df: pd.DataFrame) -> None:
    check(set(df["geo"]) == set(NUTS), f"geos {sorted(set(df['geo']))}")
    check((df["unit"] == "persons").all(), "unit")
    present = df.dropna(subset=["employed"])
    check((present["employed"] % 1 == 0).all(), "employed is a whole number of persons")
    dev = eurostat_identity_deviations(df)
    # the breakdown is complete for every row with sections: FI/FI1C 2000-2017, FI1C1 2000-2017,
    # the 2017 comparators; 2018 has only TOTAL
    equal(len(dev), 4 * (18 * 3 + 7), "identities checked (4 per complete geo x year)")
    for geo, g in dev.groupby("geo"):
        tol = IDENTITY_TOLERANCE.get(geo, REGIONAL_TOLERANCE)
        worst = g["deviation"].abs().max()
        check(worst <= tol, f"{geo}: parts differ from totals by up to {worst} persons")
    # FI1C1 <= FI1C <= FI for every nace x year
    wide = df.pivot_table(index=["year", "nace"], columns="geo", values="employed", aggfunc="first")
    both = wide.dropna(subset=["FI", "FI1C", "FI1C1"])
    check(((both["FI1C1"] <= both["FI1C"]) & (both["FI1C"] <= both["FI"])).all(),
          "FI1C1 <= FI1C <= FI")
    # Σ FI1C1..FI1C5 (2017) = FI1C within 10 persons in every column
    y17 = wide.loc[2017]
    parts = y17[["FI1C1", "FI1C2", "FI1C3", "FI1C4", "FI1C5"]].sum(axis=1)
    worst = (parts - y17["FI1C"]).abs().max()
    check(worst <= 10, f"Σ FI1C1..FI1C5 2017 differs from FI1C by {worst}")
    def val(geo, year, nace):
        return wide.loc[(year, nace), geo]
    equal((val("FI1C1", 2000, "J"), val("FI1C1", 2010, "J"), val("FI1C1", 2017, "J"),
           val("FI1C1", 2017, "TOTAL"), val("FI1C1", 2000, "C"), val("FI1C1", 2010, "C"),
           val("FI1C1", 2017, "C"), val("FI", 2017, "TOTAL")),
          (4410.0, 4760.0, 5580.0, 218140.0, 47490.0, 36560.0, 34000.0, 2561800.0),
          "values named in SOURCES.md")


FIELDS_EUROSTAT = [
    field("geo", "string", "NUTS 2016 code: FI Finland, FI1C Etelä-Suomi (NUTS 2), FI1C1 "
          "Varsinais-Suomi (NUTS 3 = region 02); 2017 comparators FI1C2-FI1C5, FI1B1 "
          "Helsinki-Uusimaa, FI197 Pirkanmaa, FI1D9 Pohjois-Pohjanmaa", required=True,
          enum=list(NUTS)),
    field("geo_name", "string", "NUTS region name (Finnish; FI 'Suomi / Finland')", required=True),
    field("nuts_level", "integer", "NUTS level (0 country, 2, 3)", required=True),
    field("year", "integer", "reference year", required=True),
    field("nace", "string", "NACE Rev. 2 A10 aggregate as in the Data Commons column: A, B-E, C, "
          "F, G-I, G-J, J, K, K-N, L, M-N, O-Q, O-U, R-U, TOTAL (Eurostat writes M_N)",
          required=True, enum=[v[0] for v in NACE.values()]),
    field("nace_eurostat", "string", "the Eurostat code (M_N for M-N, otherwise the same)",
          required=True),
    field("nace_label", "string", "NACE Rev. 2 aggregate label (English)", required=True),
    field("employed", "number", "employed persons (Eurostat wstatus EMP). The Data Commons file "
          "gives persons: Eurostat's thousand persons multiplied by 1,000, written with float "
          "artefacts (129699.99999999999) that were rounded to the nearest person here - every "
          "value was within 1e-6 of a whole number. Divide by 1,000 for Eurostat's unit (THS). "
          "Missing where the extract has no value (2018: only TOTAL)."),
    field("unit", "string", "persons (Eurostat publishes thousand persons, THS)", required=True,
          enum=["persons"]),
]


@converter("eurostat_employment_nuts3_2000_2017", EUROSTAT, validate=validate_eurostat)
def build_eurostat(folder: Path):
    raw = pd.read_csv(folder / "nama_10r_3empers_FI_FI1C_FI1C1_datacommons.csv", dtype=str,
                      keep_default_na=False)
    check(list(raw.columns[:2]) == ["Date", "GeoId"], f"columns {list(raw.columns)[:3]}")
    col_nace = {}
    for col in raw.columns[2:]:
        m = re.fullmatch(r"Count_Person_Employed(?:_NACE/(.+))?", col)
        check(m is not None, f"unexpected column {col!r}")
        code = m.group(1) or "TOTAL"
        check(code in NACE, f"unknown NACE aggregate {code!r}")
        col_nace[col] = code
    check(raw["GeoId"].str.startswith("dcid:nuts/").all(), "GeoId")
    long = raw.melt(id_vars=["Date", "GeoId"], var_name="col", value_name="raw")
    vals = pd.to_numeric(long["raw"].replace("", np.nan))
    rounded = vals.round(0)
    check(((vals - rounded).abs().dropna() < 1e-6).all(), "a value is not a whole number of persons")
    geo = long["GeoId"].str.removeprefix("dcid:nuts/")
    check(geo.isin(list(NUTS)).all(), f"unknown geo {sorted(set(geo) - set(NUTS))}")
    nace = long["col"].map(col_nace)
    df = pd.DataFrame({
        "geo": geo, "geo_name": geo.map(lambda g: NUTS[g][0]),
        "nuts_level": geo.map(lambda g: NUTS[g][1]).astype("int64"),
        "year": long["Date"].astype("int64"), "nace": nace.map(lambda n: NACE[n][0]),
        "nace_eurostat": nace.map(lambda n: NACE[n][1]), "nace_label": nace.map(lambda n: NACE[n][2]),
        "employed": rounded.astype("float64"), "unit": "persons",
    })
    check(not df.duplicated(["geo", "year", "nace"]).any(), "duplicate geo x year x nace")
    order = {n: i for i, n in enumerate(NACE)}
    df = df.sort_values(["geo", "year"], kind="stable")
    df = df.assign(_o=df["nace"].map(order)).sort_values(["geo", "year", "_o"], kind="stable")
    dev = eurostat_identity_deviations(df)
    worst = {g: float(d["deviation"].abs().max()) for g, d in dev.groupby("geo")}
    meta = {
        "path": "cluster/eurostat_employment_nuts3_2000_2017.csv",
        "title": "Employment (persons) by NACE Rev. 2 A10, Finland, Etelä-Suomi and Varsinais-Suomi "
                 "2000-2017 (2018 total), with 2017 comparator regions - Eurostat nama_10r_3empers",
        "description": (
            "Eurostat regional accounts, table nama_10r_3empers 'Employment (thousand persons) by "
            "NUTS 3 regions', employed persons (wstatus EMP) by NACE Rev. 2 A10 aggregates, for FI "
            "(2000-2018), FI1C Etelä-Suomi (2000-2018), FI1C1 Varsinais-Suomi (2000-2017) and, "
            "for 2017 only, FI1C2-FI1C5, FI1B1, FI197, FI1D9; 2018 rows carry only TOTAL (the "
            "sections are missing, not zero). Long format: one row per geo x year x aggregate. "
            "Unit: persons (Data Commons' x1,000 form of Eurostat's thousands). The breakdown is "
            "complete for every geo x year except 2018: A + B-E + F + G-J + K-N + O-U = TOTAL, "
            "G-I + J = G-J, K + L + M-N = K-N, O-Q + R-U = O-U hold exactly for FI and within "
            f"{REGIONAL_TOLERANCE:.0f} persons (rounding of 0.01 thousand) for the regions "
            f"(largest deviation per geo: "
            + ", ".join(f"{g} {v:.0f}" for g, v in sorted(worst.items())) +
            "); C is inside B-E and is not part of an identity. FI1C1 <= FI1C <= FI in every "
            "year and aggregate; Σ FI1C1…FI1C5 (2017) = FI1C within 10 persons. Varsinais-Suomi "
            "J: 4,410 (2000), 4,760 (2010), 5,580 (2017) of 218,140 employed; C: 47,490 -> "
            "36,560 -> 34,000."),
        "schema": schema(FIELDS_EUROSTAT),
        "sources": [
            source("Eurostat, Employment (thousand persons) by NUTS 3 regions (nama_10r_3empers); "
                   "Finnish regional figures from Statistics Finland's regional accounts",
                   "https://ec.europa.eu/eurostat/databrowser/view/nama_10r_3empers/default/table",
                   "Eurostat"),
            source(f"{DC_REPO} {DC_PATH} at commit {DC_COMMIT} (Data Commons' cleaned form of the "
                   f"Eurostat bulk file; the raw nama_10r_3empers.tsv.gz in the same folder is at "
                   f"5bd08063087b81dde5d99c49bdafd8f8a77b8e6d; Apache-2.0 code, Eurostat data)",
                   github_blob(DC_REPO, DC_COMMIT, DC_PATH), "Google Data Commons"),
        ],
        "licenses": [dict(CC_BY_4, title="Creative Commons Attribution 4.0 International "
                          "(Eurostat re-use policy; credit 'Source: Eurostat')")],
        "publisher": "Eurostat",
        "table_id": "nama_10r_3empers (wstatus EMP, unit THS, NACE Rev. 2 A10)",
        "reference_period": "2000-2017 (FI and FI1C also 2018, total only)",
        "obtained": (
            "reference-data/cluster/eurostat_employment_nuts3_2000-2017/"
            "nama_10r_3empers_FI_FI1C_FI1C1_datacommons.csv (the Finnish rows of the Data "
            "Commons CSV, copied character for character) reshaped to long format; 'dcid:nuts/' "
            "prefix removed from GeoId; column names mapped to NACE codes (the column without a "
            "NACE suffix is TOTAL); float artefacts rounded to whole persons; empty cells kept "
            "missing; names of the NUTS regions and NACE labels added."),
        "attribution": "Source: Eurostat, nama_10r_3empers (regional accounts, employment), "
                       "via Google Data Commons, CC BY 4.0",
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": [
            "Read from Google Data Commons' cleaned copy, not from Eurostat directly: Data Commons "
            "dropped Eurostat's flags and imports estimated, provisional and low-reliability values "
            "as regular values.",
            "Vintage of the extract ~2020 (last year 2018, total only); later Eurostat releases "
            "revise these figures. Finland's total 2017 = 2,561,800 here vs 2,545,200 in Statistics "
            "Finland's national-accounts series (different vintage/concept).",
            "Section level only (C, J, M-N): no NACE 21, 26 or 62 split.",
            "Employment by place of work (regional accounts concept), persons - not jobs and not "
            "the register-based tyokay employed.",
        ],
    }
    return ordered(df.drop(columns="_o"), FIELDS_EUROSTAT), meta


# ======================================================================= Vipunen MITENNA
MITENNA_YEARS = (2012, 2013, 2014, 2015, 2016)
LEVELS = {5: "industry_5", 4: "residual_4", 3: "residual_3", 2: "residual_2"}
# 5-digit industries of the life-science and ICT clusters (TOL 2008; OECD ICT list)
CLUSTER_CODES = ("21200", "26600", "32501", "32502", "72110", "46461", "46462")
ICT_PREFIXES = ("261", "262", "263", "264", "265", "266", "267", "268", "5821", "5829", "611",
                "612", "613", "619", "6201", "6202", "6203", "6209", "6311", "6312", "9511", "9512")
_ROW_RE = re.compile(r"^(?P<code>\d{2,5}|[A-U])\s+(?P<name>\S.*)$")
_OCC_RE = re.compile(r"^(?P<code>\d{2}\.\d{1,2})\s+(?P<name>\S.*)$")


def _read_mitenna(path: Path) -> tuple[int, str, list[str], list[tuple]]:
    """(statistical year, retrieval note, occupation headers, data rows) of one MITENNA file."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        info = [r[0] for r in wb["Information"].iter_rows(values_only=True) if r and r[0]]
        rows = [tuple(r) for r in wb["Item 1"].iter_rows(values_only=True)]
    finally:
        wb.close()
    years = [int(m.group(1)) for t in info for m in [re.search(r"Statistical year: (\d{4})", str(t))] if m]
    check(len(years) == 1, f"{path.name}: no single 'Statistical year' on the Information sheet")
    retrieved = next((str(t).strip() for t in info if "Report retrieved" in str(t)), "")
    check(any("Table measures: employed" in str(t) for t in info), f"{path.name}: measure is not 'employed'")
    hi = next((i for i, r in enumerate(rows)
               if r and r[0] in ("", None) and len(r) > 1 and str(r[1] or "").startswith("01.1")), None)
    check(hi is not None, f"{path.name}: no occupation header row ('01.1 …') on sheet 'Item 1'")
    header = ["" if c is None else str(c) for c in rows[hi]]
    check(header[-2:] == ["Missing data", "Grand total"], f"{path.name}: header ends {header[-2:]}")
    return years[0], retrieved, header, rows[hi + 1:]


def _parse_mitenna(path: Path):
    year, retrieved, header, data = _read_mitenna(path)
    totals, occ = [], []
    occupations = []
    for h in header[1:-2]:
        m = _OCC_RE.match(h)
        check(m is not None, f"{path.name}: occupation header {h!r}")
        occupations.append((m.group("code"), m.group("name")))
    occupations.append(("missing", "Missing data"))
    for r in data:
        label = str(r[0]).strip()
        cells = list(r[1:])
        check(len(cells) == len(header) - 1, f"{path.name}: row {label!r} has {len(cells)} cells")
        for v in cells:
            check(v is None or isinstance(v, int), f"{path.name}: {label!r} holds {v!r}")
        if label == "Grand total":
            code, name, level = "SSSSS", "Grand total", "total"
        else:
            m = _ROW_RE.match(label)
            check(m is not None, f"{path.name}: row label {label!r}")
            code, name = m.group("code"), m.group("name")
            level = ("unknown" if code == "00000" else "residual_section" if code.isalpha()
                     else LEVELS[len(code)])
        total = cells[-1]
        occ_sum = sum(v for v in cells[:-1] if v is not None)
        check(total is not None and occ_sum == total,
              f"{path.name}: {label!r} occupations sum to {occ_sum}, Grand total {total}")
        totals.append((year, code, level, name, total))
        occ.append((year, code, name, cells[:-1]))
    return year, retrieved, occupations, totals, occ


def _selected(code: str) -> bool:
    return len(code) == 5 and code.isdigit() and (code in CLUSTER_CODES or code.startswith(ICT_PREFIXES))


def validate_tol5(df: pd.DataFrame) -> None:
    equal(sorted(df["year"].unique().tolist()), list(MITENNA_YEARS), "years")
    check(df["employed"].notna().all(), "every row has a total")
    for year, g in df.groupby("year"):
        total = g.loc[g["level"] == "total", "employed"]
        equal(len(total), 1, f"{year}: one Grand total row")
        rest = g.loc[g["level"] != "total", "employed"].sum()
        equal(int(rest), int(total.iloc[0]), f"{year}: Σ all industry rows = Grand total")
        check(g.loc[g["level"] != "total", "tol_code"].is_unique, f"{year}: tol codes unique")
    def v(year, code):
        return int(df[(df["year"] == year) & (df["tol_code"] == code)]["employed"].iloc[0])
    equal([v(y, "SSSSS") for y in MITENNA_YEARS],
          [2_339_904, 2_301_751, 2_274_076, 2_257_175, 2_275_679], "Grand totals")
    equal([v(y, "21200") for y in MITENNA_YEARS], [4209, 4246, 4246, 4153, 4295], "21200")
    equal([v(y, "26600") for y in MITENNA_YEARS], [2019, 1985, 1972, 2108, 2167], "26600")
    equal([v(y, "72110") for y in MITENNA_YEARS], [961, 1114, 1008, 870, 859], "72110")
    equal([v(y, "62010") for y in MITENNA_YEARS], [26602, 27041, 28415, 29382, 31480], "62010")
    equal((v(2016, "21100"), v(2016, "32501"), v(2016, "32502")), (37, 1057, 622), "2016 codes")


def mitenna_level_sums(df: pd.DataFrame) -> pd.DataFrame:
    return df.pivot_table(index="year", columns="level", values="employed", aggfunc="sum")


FIELDS_TOL5 = [
    field("year", "integer", "statistical year (employed persons at the end of the year)",
          required=True),
    field("tol_code", "string", "TOL 2008 code as in the row label: 5 digits for industries "
          "('21200', '62010'); '00000' industry unknown; 2-, 3- or 4-digit codes and the "
          "section letters N and R for the file's RESIDUAL rows; 'SSSSS' for the Grand total",
          required=True, pattern=r"^(\d{2,5}|[A-U]|SSSSS)$"),
    field("level", "string", "industry_5 = a 5-digit industry; unknown = 00000 'Industry "
          "unknown'; residual_4 / residual_3 / residual_2 / residual_section = persons whose "
          "industry is coded only to that level (NOT the sum of the industries below it: e.g. "
          "2012 '01 Crop and animal production…' = 5,485 while 01110 alone is 9,907); total = "
          "the Grand total. Σ of all non-total rows = the Grand total exactly in every year",
          required=True, enum=["industry_5", "unknown", "residual_4", "residual_3", "residual_2",
                               "residual_section", "total"]),
    field("industry_name_fi", "string", "Finnish industry name: NOT in the source (the Vipunen "
          "files carry English names only) - always empty; join Statistics Finland's TOL 2008 "
          "classification (toimiala_1_20080101) for Finnish names"),
    field("industry_name_en", "string", "industry name as published (English)", required=True),
    field("employed", "integer", "employed persons, the file's 'Grand total' column (sum of "
          "the ~60 occupation groups and 'Missing data')", required=True),
]
FIELDS_TOL5_OCC = [
    field("year", "integer", "statistical year", required=True),
    field("tol_code", "string", "TOL 2008 5-digit industry, or 'SSSSS' for all industries "
          "(the Grand total row)", required=True, pattern=r"^(\d{5}|SSSSS)$"),
    field("industry_name_en", "string", "industry name as published (English)", required=True),
    field("occupation_code", "string", "Vipunen's occupation group code as printed ('01.1' … "
          "'11.3'; Vipunen's own grouping of ~60 groups, not ISCO/AML codes) or 'missing' for "
          "the 'Missing data' column", required=True, pattern=r"^(\d{2}\.\d{1,2}|missing)$"),
    field("occupation_name", "string", "occupation group name as published (English)",
          required=True),
    field("employed", "integer", "employed persons; missing where the cell is blank in the "
          "file (Vipunen shows small or empty cells as blanks and does not say which - never "
          "read a blank as 0)"),
]
MITENNA_SOURCES = [
    source("Vipunen (reporting portal of the Finnish education administration), 'Employed by "
           "occupational group and the Statistics Finland industrial classification' "
           "(Työllisten ammatit ja koulutus), data source: education administration's and "
           "Statistics Finland's information service contract, material 4.14b",
           "https://vipunen.fi/en-gb/structures/Pages/Ty%C3%B6llisten-ammatit-ja-koulutus.aspx",
           "Vipunen - Finnish education administration (data: Statistics Finland)"),
    source(f"{ALTA_REPO} supplementaryData/MITENNA_2012.xlsx … MITENNA_2016.xlsx at commit "
           f"{ALTA_COMMIT} (added in commit 3d81f4a6b5badaf33a6f4df80d9b0c35bcffb8ab, 2019-04-08; "
           f"Pellervo Economic Research PTT, ALTA regional economic database)",
           github_tree(ALTA_REPO, ALTA_COMMIT, "supplementaryData"),
           "Pellervo Economic Research PTT (pttry), copy of the Vipunen reports"),
]
MITENNA_LICENCE = {
    "name": "CC-BY-4.0-unconfirmed",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Not stated in the files or in pttry/alta; Vipunen's open-data terms are CC BY 4.0 "
             "according to the reference-data compilers - to be confirmed before publishing "
             "(the underlying data are Statistics Finland's)",
}
MITENNA_ATTRIBUTION = ("Source: Vipunen (education administration reporting portal), Employed "
                       "by occupational group and industry, data Statistics Finland (material "
                       "4.14b); licence to be confirmed")
MITENNA_CAVEATS_COMMON = [
    "Whole country only: a denominator for national shares and location quotients, not a "
    "Varsinais-Suomi figure.",
    "Licence not stated in the files or the repository; confirm Vipunen's terms (CC BY 4.0) "
    "before publishing.",
    "Vipunen's rounding and suppression rules are not stated; small cells are blank.",
    "MITENNA_OCC60.xlsx in the same folder is cell-for-cell identical to MITENNA_2014.xlsx (same "
    "occupation grouping, retrieved 27.06.2018 instead of 15.01.2019) and was not pinned twice.",
]


def _mitenna_build(folder: Path):
    files = [folder / f"MITENNA_{y}.xlsx" for y in MITENNA_YEARS]
    for f in files:
        check(f.is_file(), f"missing {f.name}")
    parsed = [_parse_mitenna(f) for f in files]
    for y, p in zip(MITENNA_YEARS, parsed):
        equal(p[0], y, "statistical year on the Information sheet")
    occupations = parsed[0][2]
    check(all(p[2] == occupations for p in parsed), "occupation headers differ between years")
    occ60 = folder / "MITENNA_OCC60.xlsx"
    if occ60.is_file():  # documented as a duplicate of 2014; re-check that on every build
        o = _parse_mitenna(occ60)
        p14 = parsed[MITENNA_YEARS.index(2014)]
        check(o[0] == 2014 and o[2] == p14[2] and o[3] == p14[3] and o[4] == p14[4],
              "MITENNA_OCC60.xlsx is no longer identical to MITENNA_2014.xlsx - review it")
    return parsed, occupations


@converter("national_employment_tol5_2012_2016", MITENNA, validate=validate_tol5)
def build_tol5(folder: Path):
    parsed, _ = _mitenna_build(folder)
    rows = [t for p in parsed for t in p[3]]
    df = pd.DataFrame(rows, columns=["year", "tol_code", "level", "industry_name_en", "employed"])
    df.insert(3, "industry_name_fi", None)
    df["industry_name_fi"] = df["industry_name_fi"].astype(object)
    df["employed"] = df["employed"].astype("int64")
    sums = mitenna_level_sums(df)
    ind5 = (sums["industry_5"] + sums["unknown"]).astype(int)
    gap = (sums["total"] - ind5).astype(int)
    retrieved = "; ".join(sorted({p[1] for p in parsed}))
    meta = {
        "path": "cluster/national_employment_tol5_2012_2016.csv",
        "title": "Employed persons by TOL 2008 5-digit industry, whole country, 2012-2016 "
                 "(Vipunen / Statistics Finland)",
        "description": (
            "Employed persons (end of year, Statistics Finland employment statistics basis, by "
            "the industry of the place of work) by TOL 2008 industry for the whole country, "
            "2012-2016, from the Vipunen report 'Employed by occupational group and the "
            "Statistics Finland industrial classification' (files MITENNA_<year>.xlsx, 'Grand "
            "total' column). One row per year x row of the file: ~775 5-digit industries, "
            "'00000 Industry unknown', RESIDUAL rows with 2-, 3- or 4-digit codes or a section "
            "letter (persons coded only to that level - not subtotals) and the Grand total. "
            "Check (validate): Σ of all non-total rows = the Grand total exactly in every year "
            "(2012 2,339,904; 2013 2,301,751; 2014 2,274,076; 2015 2,257,175; 2016 2,275,679). "
            "Σ 5-digit industries incl. 00000 alone is short of the Grand total by the residual "
            "rows: " + ", ".join(f"{y} {ind5[y]:,} (gap {gap[y]:,})" for y in MITENNA_YEARS) +
            ". The 2016 Grand total equals Σ jobs 2016 of Statistics Finland's municipal key "
            "figures (2,275,679). Cluster industries: 21200 pharmaceuticals 4,209-4,295; 26600 "
            "electromedical 1,972-2,167; 72110 biotech R&D 859-1,114; 62010 computer programming "
            "26,602-31,480. Finnish names are not in the source (industry_name_fi is empty). "
            "The occupation breakdown of the cluster and ICT industries is in "
            "national_employment_tol5_by_occupation_2012_2016."),
        "schema": schema(FIELDS_TOL5),
        "sources": MITENNA_SOURCES,
        "licenses": [MITENNA_LICENCE],
        "publisher": "Vipunen - Finnish education administration reporting portal (data: "
                     "Statistics Finland)",
        "table_id": "Vipunen 'Työllisten ammatit ja koulutus' (material 4.14b), industries x "
                    "occupation groups, measure 'employed'",
        "reference_period": "2012-2016",
        "obtained": (
            "reference-data/cluster/national_employment_tol5_2012-2016/MITENNA_2012.xlsx … "
            "MITENNA_2016.xlsx (byte copies) read with openpyxl, sheet 'Item 1'; the statistical "
            "year taken from the Information sheet (" + retrieved + "); each row label split "
            "into code and name; the 'Grand total' column kept; every row's occupation cells "
            "re-added and found equal to its Grand total."),
        "attribution": MITENNA_ATTRIBUTION,
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": [
            "The 2-, 3-, 4-digit and section rows are residuals (persons whose industry is known "
            "only to that level), not subtotals: never add them to their 5-digit children as if "
            "they were totals, and do not drop them when summing to the national total.",
            "No Finnish industry names in the source (industry_name_fi is empty).",
            "Independent check of the totals: only 2016 (= Σ jobs in the municipal key figures "
            "2016); the other years' Grand totals were not matched to a published figure.",
            *MITENNA_CAVEATS_COMMON,
        ],
    }
    return ordered(df, FIELDS_TOL5), meta


def validate_tol5_occ(df: pd.DataFrame) -> None:
    equal(sorted(df["year"].unique().tolist()), list(MITENNA_YEARS), "years")
    for code in CLUSTER_CODES + ("26110", "62010", "63120", "95120", "SSSSS"):
        check(code in set(df["tol_code"]), f"{code} missing")
    check(not df.duplicated(["year", "tol_code", "occupation_code"]).any(), "duplicates")
    present = df.dropna(subset=["employed"])
    check((present["employed"] > 0).all(), "blank cells stay missing; no zeros invented")
    s = present.groupby(["year", "tol_code"])["employed"].sum()
    equal(int(s[(2016, "21200")]), 4295, "21200 2016: Σ occupations = Grand total")
    equal(int(s[(2012, "62010")]), 26602, "62010 2012: Σ occupations = Grand total")
    equal(int(s[(2016, "SSSSS")]), 2_275_679, "2016 national: Σ occupations = Grand total")
    equal(int(df[(df["year"] == 2012) & (df["tol_code"] == "SSSSS")
                 & (df["occupation_code"] == "01.1")]["employed"].iloc[0]), 55991, "2012 01.1")


@converter("national_employment_tol5_by_occupation_2012_2016", MITENNA, validate=validate_tol5_occ)
def build_tol5_occ(folder: Path):
    parsed, occupations = _mitenna_build(folder)
    rows = []
    for p in parsed:
        totals = {t[1]: t[4] for t in p[3]}
        for year, code, name, cells in p[4]:
            if not (_selected(code) or code == "SSSSS"):
                continue
            check(sum(c for c in cells if c is not None) == totals[code], f"{year} {code}")
            for (occ_code, occ_name), v in zip(occupations, cells):
                rows.append((year, code, name, occ_code, occ_name, v))
    df = pd.DataFrame(rows, columns=[f["name"] for f in FIELDS_TOL5_OCC])
    df["employed"] = df["employed"].astype("Int64")
    codes = sorted(set(df["tol_code"]) - {"SSSSS"})
    meta = {
        "path": "cluster/national_employment_tol5_by_occupation_2012_2016.csv",
        "title": "Employed persons by occupation group in the life-science and ICT industries "
                 "(TOL 2008 5-digit), whole country, 2012-2016 (Vipunen / Statistics Finland)",
        "description": (
            "The occupation breakdown (Vipunen's ~60 occupation groups plus 'Missing data') of "
            "the MITENNA files for the cluster industries 21200, 26600, 32501, 32502 (TOL 2008 "
            "has no 5-digit 32500), 72110, 46461, 46462 (no 5-digit 46460) and the OECD ICT "
            "industries present in the files (26110-26800, 58210, 58290, 61100-61900, "
            "62010-62090, 63110, 63120, 95110, 95120) - codes here: " + ", ".join(codes) +
            " - and the national Grand total row (tol_code SSSSS), 2012-2016. One row per year "
            "x industry x occupation group, blank cells kept missing. Check: for every industry "
            "and year the occupation cells add up to the industry's employed total in "
            "national_employment_tol5_2012_2016 (e.g. 21200 2016 = 4,295; all industries 2016 = "
            "2,275,679)."),
        "schema": schema(FIELDS_TOL5_OCC),
        "sources": MITENNA_SOURCES,
        "licenses": [MITENNA_LICENCE],
        "publisher": "Vipunen - Finnish education administration reporting portal (data: "
                     "Statistics Finland)",
        "table_id": "Vipunen 'Työllisten ammatit ja koulutus' (material 4.14b), industries x "
                    "occupation groups, measure 'employed'",
        "reference_period": "2012-2016",
        "obtained": (
            "reference-data/cluster/national_employment_tol5_2012-2016/MITENNA_2012.xlsx … "
            "MITENNA_2016.xlsx read with openpyxl (sheet 'Item 1'); the rows of the selected "
            "5-digit industries and the Grand total row melted to one row per occupation column; "
            "occupation headers split into the printed code and name."),
        "attribution": MITENNA_ATTRIBUTION,
        "quality": "AMBER",
        "suitability": "AMBER",
        "caveats": [
            "Occupation groups are Vipunen's own grouping (e.g. '10.5 Computing managers and "
            "professionals'), not ISCO-08/AML 2010 codes.",
            "Blank cells are missing, not zero: the files do not say whether a blank is an empty "
            "or a suppressed cell.",
            *MITENNA_CAVEATS_COMMON,
        ],
    }
    return ordered(df, FIELDS_TOL5_OCC), meta
