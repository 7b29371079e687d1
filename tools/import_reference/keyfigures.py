"""Converters for Statistics Finland's municipal key figures (Kuntien avainluvut), three editions.

* ``municipal_key_figures_2006_2016`` - the 2019 time-series table, 311 municipalities,
  2006-2016 (``paavo/paavo_postcode_2012-2016_and_key_figures_2006-2016``);
* ``municipal_key_figures_2018`` - the "Region 2018" edition, 6 figures, names only
  (``keyfigures/municipal_key_figures_2018``);
* ``municipal_key_figures_2022`` - the latest-values edition of autumn 2022, municipalities,
  regions and sub-regions (``keyfigures/municipal_key_figures_2022_edition``);
* ``municipal_key_figures_indicators`` - one row per indicator id: labels, unit, the published
  definitions (``definitions_en.csv`` / ``definitions_fi.csv``) and the editions that have it.

One tidy schema for the three editions; ``indicator`` is a stable ASCII id, the same for the
same key figure in every edition (:data:`SPEC`). Names are mapped to codes with the area
registry (Finnish, Swedish and English names) and, for the one municipality of 2018/2019 that
is not in it (911 Valtimo, merged into Nurmes 2020), with the 2013 municipality list of the
pinned ``sotkanet_municipal_1990_2012``; any other unmapped name fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import converter
from ._common import (
    cc_by,
    check,
    equal,
    field,
    github,
    numbers,
    read_text_csv,
    region_code_by_name,
    registry_frame,
    unique_keys,
)

#: id, 2022 label (header without the year), unit, additive (region = Σ municipalities),
#: column of the 2006-2016 file, label of the 2018 edition, key of definitions_en / _fi
SPEC = [
    ("urbanisation_pct", "Degree of urbanisation, %", "%", False, "Taajama_aste", None,
     "Degree of urbanisation", "Taajama-aste"),
    ("population", "Population", "persons", True, "Vakiluku", "Population", "Population",
     "Väkiluku"),
    ("population_change_pct", "Population change from the previous year, %", "%", False,
     "Vakiluvun_muutos_edellisesta_vuodesta", "Population change from the previous year, %",
     "Population change from the previous year", "Väkiluvun muutos edellisestä vuodesta"),
    ("age_0_14_pct", "Share of persons aged under 15 of the population, %", "%", False,
     "Alle_15_vuotiaiden_osuus_vaestosta", None, "Persons aged under 15", "Alle 15-vuotiaita"),
    ("age_15_64_pct", "Share of persons aged 15 to 64 of the population, %", "%", False,
     "X15_64_vuotiaiden_osuus_vaestosta", None, "Persons aged 15 to 64", "15-64-vuotiaita"),
    ("age_65_plus_pct", "Share of persons aged over 64 of the population, %", "%", False,
     "Yli_64_vuotiaiden_osuus_vaestosta", None, "Persons aged 64 or over", "Yli 64-vuotiaita"),
    ("swedish_speakers_pct", "Share of Swedish-speakers of the population, %", "%", False,
     "Ruotsinkielisten_osuus_vaestosta", "Share of Swedish-speakers of the population, %",
     "Swedish-speaking", "Ruotsinkielisiä"),
    ("foreign_citizens_pct", "Share of foreign citizens of the population, %", "%", False,
     "Ulkomaan_kansalaisten_osuus_vaestosta", "Share of foreign citizens of the population, %",
     "Foreign citizens", "Ulkomaan kansalaisia"),
    ("excess_of_births", "Excess of births, persons", "persons", True,
     "Syntyneiden_enemmyys_henkiloa", None, "Excess of births", "Syntyneiden enemmyys"),
    ("intermunicipal_net_migration", "Intermunicipal migration gain/loss, persons", "persons",
     True, "Kuntien_valinen_muuttovoitto_tappio_henkiloa", None,
     "Intermunicipal migration gain/loss", "Kuntien välistä muuttovoittoa/-tappiota"),
    ("families", "Number of families", "families", True, "Perheiden_lukumaara", None,
     "Families", "Perheitä"),
    ("household_dwelling_units", "Number of household-dwelling units",
     "household-dwelling units", True, "Asuntokuntien_lukumaara", None,
     "Household-dwelling units", "Asuntokuntia"),
    ("hdu_terraced_detached_pct", "Share of household-dwelling units living in terraced houses "
     "and detached houses, %", "%", False, "Rivi_ja_pientaloissa_asuvien_asuntokuntien_osuus",
     None, "Household-dwelling units living in terraced houses and detached houses",
     "Rivi- ja pientaloissa asuvia asuntokuntia"),
    ("hdu_rental_pct", "Share of household-dwelling units living in rental dwellings, %", "%",
     False, "Vuokra_asunnoissa_asuvien_asuntokuntien_osuus", None,
     "Household-dwelling units living in rental dwellings",
     "Vuokra-asunnoissa asuvia asuntokuntia"),
    ("upper_secondary_or_higher_pct", "Share of persons aged 15 or over with at least upper "
     "secondary qualifications, %", "%", False,
     "Vahintaan_toisen_asteen_tutkinnon_suorittaneiden_osuus_15_vuotta_tayttaneista", None,
     "Share of persons aged 15 or over with at least upper secondary qualifications",
     "Vähintään toisen asteen tutkinnon suorittaneita"),
    ("tertiary_education_pct", "Share of persons aged 15 or over with tertiary level "
     "qualifications, %", "%", False,
     "Korkea_asteen_tutkinnon_suorittaneiden_osuus_15_vuotta_tayttaneista", None,
     "Persons with tertiary level qualifications", "Korkea-asteen tutkinnon suorittaneita"),
    ("employed_residents", "Employed labour force resident in the area", "persons", True,
     "Alueella_asuvan_tyollisen_tyovoiman_maara", None,
     "Employed labour force resident in the area", "Alueella asuva työllinen työvoima"),
    ("employment_rate_pct", "Employment rate, %", "%", False, "Tyollisyysaste", None,
     "Employment rate of persons aged 20 to 64", "20-64-vuotiaiden työllisyysaste"),
    ("working_in_home_municipality_pct", "Share of persons working in their municipality of "
     "residence, %", "%", False, "Asuinkunnassaan_tyossakayvien_osuus", None,
     "Employees working in their municipality of residence", "Asuinkunnassaan työssäkäyviä"),
    ("unemployment_rate_pct", "Proportion of the unemployed among the labour force, %", "%",
     False, "Tyottomien_osuus_tyovoimasta",
     "Proportion of the unemployed among the labour force, %",
     "Share of unemployed persons in the labour force", "Työttömien osuus työvoimasta"),
    ("pensioners_pct", "Proportion of pensioners of the population, %", "%", False,
     "Elakelaisten_osuus_vaestosta", "Proportion of pensioners of the population, %",
     "Share of pensioners in the population", "Eläkeläisten osuus väestöstä"),
    ("dependency_ratio", "Economic dependency ratio", "per 100 employed", False,
     "Taloudellinen_huoltosuhde", None, "Economic dependency ratio", "Taloudellinen huoltosuhde"),
    ("jobs", "Number of workplaces in the area", "jobs", True,
     "Alueella_olevien_tyopaikkojen_lukumaara", None, "Jobs in the area",
     "Alueella olevia työpaikkoja"),
    ("jobs_primary_pct", "Share of workplaces in primary production, %", "%", False,
     "Alkutuotannon_tyopaikkojen_osuus", None, "Share of jobs in primary production",
     "Alkutuotannon työpaikkojen osuus"),
    ("jobs_secondary_pct", "Share of workplaces in secondary production, %", "%", False,
     "Jalostuksen_tyopaikkojen_osuus", None, "Share of jobs in secondary production",
     "Jalostuksen työpaikkojen osuus"),
    ("jobs_tertiary_pct", "Share of workplaces in services, %", "%", False,
     "Palvelujen_tyopaikkojen_osuus", None, "Share of jobs in services",
     "Palvelujen työpaikkojen osuus"),
    ("job_self_sufficiency", "Workplace self-sufficiency", "per 100 employed residents", False,
     "Tyopaikkaomavaraisuus", None, "Workplace self-sufficiency", "Työpaikkaomavaraisuus"),
    ("annual_margin_eur_per_inhabitant", "Annual contribution margin, EUR per capita",
     "EUR per inhabitant", False, "Vuosikate_euroa_asukas", None, None, None),
    ("loan_stock_eur_per_inhabitant", "Loan stock, EUR per capita", "EUR per inhabitant", False,
     "Lainakanta_euroa_asukas", None, None, None),
    ("group_loan_stock_eur_per_inhabitant", "Group loan stock, EUR per capita",
     "EUR per inhabitant", False, "Konsernin_lainakanta_euroa_asukas", None, None, None),
    ("net_cost_education_culture_eur_per_inhabitant", "Educational and cultural activities, "
     "total, operating net costs, EUR per capita", "EUR per inhabitant", False,
     "Opetus_ja_kulttuuritoiminta_yhteensa_nettokayttokustannukset_euroa_asukas", None, None,
     None),
    ("net_cost_social_health_eur_per_inhabitant", "Social and health care activities, total, "
     "operating net costs, EUR per capita", "EUR per inhabitant", False,
     "Sosiaali_ja_terveystoiminta_yhteensa_nettokayttokustannukset_euroa_asukas", None, None,
     None),
]
IDS = [s[0] for s in SPEC]
UNIT = {s[0]: s[2] for s in SPEC}
ADDITIVE = [s[0] for s in SPEC if s[3]]
#: the year each figure of the 2018 edition refers to (the file gives none): population and
#: shares 31.12.2017 (SOURCES.md; population = the official 2017 total); unemployment and
#: pensioners 2016 - equal for all 310 common municipalities to the 2016 values of the 2006-2016
#: series (checked in tests/test_snapshot_exclusion_population.py)
YEAR_2018 = {"population": 2017, "population_change_pct": 2017, "swedish_speakers_pct": 2017,
             "foreign_citizens_pct": 2017, "unemployment_rate_pct": 2016, "pensioners_pct": 2016}
EDITIONS = {"2019_timeseries": "municipal_key_figures_2006_2016", "2018": "municipal_key_figures_2018",
            "2022": "municipal_key_figures_2022"}
KINDS = ["country", "region", "subregion", "municipality", "proposed_region_he_15_2017",
         "proposed_subregion_he_15_2017"]
SUB = " sub-regional unit"
HE = " (HE 15/2017 vp)"
STATFIN = "Statistics Finland (Tilastokeskus)"
ATTRIBUTION = "Source: Statistics Finland, Municipal key figures (Kuntien avainluvut) {}, CC BY 4.0"


# ------------------------------------------------------------------------------ areas
def _fallback_municipalities(fallback: pd.DataFrame | None) -> pd.DataFrame:
    """code, name, region_code of the 320 municipalities of 2013 (pinned Sotkanet resource)."""
    if fallback is None:
        from helpers.snapshot import Snapshot

        s = Snapshot().load("sotkanet_municipal_1990_2012")
        fallback = s[s["area_kind"] == "municipality"]
    return (fallback[["area_code", "area_name", "region_code"]].drop_duplicates()
            .rename(columns={"area_code": "code", "area_name": "name"}))


def _name_to_code(fallback: pd.DataFrame | None) -> dict[str, str]:
    """municipality name (fi or sv, registry; then the 2013 list) -> code; ambiguous names
    are left out so that using one fails."""
    reg = registry_frame()
    munis = reg[reg["kind"] == "municipality"]
    seen: dict[str, set[str]] = {}
    for lang in ("fi", "sv"):
        for name, code in zip(munis[f"name_{lang}"], munis["code"]):
            seen.setdefault(name, set()).add(code)
    out = {n: next(iter(c)) for n, c in seen.items() if len(c) == 1}
    for name, code in zip(*(_fallback_municipalities(fallback)[c] for c in ("name", "code"))):
        out.setdefault(name, code)
    return out


def _regions_2020(pop2019: pd.DataFrame | None, fallback: pd.DataFrame | None) -> dict[str, str]:
    """municipality code -> region in the 2020 division (= 2018 and 2019 regions): the pinned
    population_municipality_2019 (maakunta), plus the 2013 list for 911 Valtimo."""
    if pop2019 is None:
        from helpers.snapshot import Snapshot

        pop2019 = Snapshot().load("population_municipality_2019")
    out = dict(zip(pop2019["kunta"], pop2019["maakunta"]))
    fb = _fallback_municipalities(fallback)
    for code, region in zip(fb["code"], fb["region_code"]):
        out.setdefault(code, region)
    return out


def _classify(name: str, names: dict[str, str], regions_en: dict[str, str]) -> tuple[str, str | None]:
    """(area_kind, area_code) of a row label of the 2018 and 2022 files; fails loudly."""
    if name == "WHOLE COUNTRY":
        return "country", "SSS"
    if name.endswith(HE):
        return ("proposed_subregion_he_15_2017" if name[: -len(HE)].endswith(SUB)
                else "proposed_region_he_15_2017"), None
    if name.endswith(SUB):
        return "subregion", None
    if name in regions_en:
        return "region", regions_en[name]
    check(name in names, f"cannot map the area name {name!r} to a code (area registry, 2013 list)")
    return "municipality", names[name]


def _tidy(edition: str, wide: pd.DataFrame, area_col: str, columns: dict[str, tuple[str, int]],
          names: dict[str, str], region_of: dict[str, str]) -> pd.DataFrame:
    """wide (one row per area) -> long; columns: source column -> (indicator id, year)."""
    regions_en = region_code_by_name("en")
    kinds = [_classify(n, names, regions_en) for n in wide[area_col]]
    base = pd.DataFrame({"area_kind": [k for k, _ in kinds], "area_code": [c for _, c in kinds],
                         "area_name": wide[area_col].to_numpy()})
    base["region_code"] = [region_of.get(c) if k == "municipality" else (c if k == "region" else None)
                           for k, c in kinds]
    parts = []
    for col, (ind, year) in columns.items():
        part = base.copy()
        part["indicator"] = ind
        part["year"] = year
        part["value"] = numbers(wide[col], f"{edition} {col}").to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "edition", edition)
    return out


def _finish(frame: pd.DataFrame, labels: dict[str, tuple[str | None, str | None]]) -> pd.DataFrame:
    frame["indicator_label_en"] = frame["indicator"].map(lambda i: labels.get(i, (None, None))[0])
    frame["indicator_label_fi"] = frame["indicator"].map(lambda i: labels.get(i, (None, None))[1])
    frame["unit"] = frame["indicator"].map(UNIT)
    frame["year"] = frame["year"].astype("Int64")
    order = {k: i for i, k in enumerate(KINDS)}
    frame = frame.sort_values(["area_kind", "area_code", "area_name", "indicator", "year"],
                              key=lambda c: c.map(order) if c.name == "area_kind" else
                              (c.map({i: n for n, i in enumerate(IDS)}) if c.name == "indicator"
                               else c), ignore_index=True)
    return frame[["edition", "area_kind", "area_code", "area_name", "region_code", "indicator",
                  "indicator_label_en", "indicator_label_fi", "year", "value", "unit"]]


def _fields(region_note: str) -> list[dict]:
    return [
        field("edition", "string", "key-figure edition: 2019_timeseries (Kuntien avainluvut 2019, "
              "time series 2006-2016), 2018 ('Region 2018'), 2022 (latest values, autumn 2022)",
              required=True, enum=list(EDITIONS)),
        field("area_kind", "string", "country, region, subregion, municipality; the 2018 "
              "edition also has the areas of the then-proposed regional reform (HE 15/2017 vp), "
              "kept apart as proposed_region_he_15_2017 / proposed_subregion_he_15_2017",
              required=True, enum=KINDS),
        field("area_code", "string", "municipality 3 digits, region 2 digits, SSS for the whole "
              "country, mapped from the published name (area registry; 911 Valtimo from the 2013 "
              "municipality list); empty for sub-regions and proposed areas (the sources give "
              "names only)", pattern=r"^([0-9]{3}|[0-9]{2}|SSS)$"),
        field("area_name", "string", "area name as published (English edition: 'Southwest "
              "Finland', 'Turku sub-regional unit', Swedish names such as 'Pargas')",
              required=True),
        field("region_code", "string", "municipality: its region " + region_note + "; region: "
              "itself; empty otherwise", pattern=r"^[0-9]{2}$"),
        field("indicator", "string", "stable ASCII id of the key figure, the same in every "
              "edition (see municipal_key_figures_indicators)", required=True, enum=IDS),
        field("indicator_label_en", "string", "the edition's English label (year removed) "
              "where it has one; empty otherwise"),
        field("indicator_label_fi", "string", "the Finnish key-figure name as published in the "
              "edition's definitions (2022); empty otherwise"),
        field("year", "integer", "the year the value refers to (end of year for stocks)",
              required=True),
        field("value", "number", "the figure as published, in unit"),
        field("unit", "string", "%, persons, jobs, families, household-dwelling units, EUR per "
              "inhabitant, per 100 employed (economic dependency ratio), per 100 employed "
              "residents (workplace self-sufficiency)", required=True,
              enum=sorted(set(UNIT.values()))),
    ]


# -------------------------------------------------------------------- 2006-2016 (2019 edition)
KT_REPO, KT_COMMIT = "pttry/KT162R", "80b21b07ea6ea86055830068af40483e3992a1d6"
#: Finland's official population (SOURCES.md), Σ jobs (= tyokay 2008; = Vipunen 2016 total)
TOTALS_0616 = {("population", 2006): 5276955, ("population", 2012): 5426674,
               ("population", 2016): 5503297, ("jobs", 2008): 2377181, ("jobs", 2016): 2275679}


def tidy_0616(folder: Path, fallback: pd.DataFrame | None = None,
              pop2019: pd.DataFrame | None = None):
    """The tidy frame of build_0616, before the totals are checked."""
    raw = read_text_csv(folder / "kuntien_avainluvut_2006-2016_all_municipalities.csv")
    col_of = {s[4]: s[0] for s in SPEC}
    check(set(raw.columns) == set(col_of) | {"Alue", "vuosi"}, "2006-2016: unexpected columns")
    names, region_of = _name_to_code(fallback), _regions_2020(pop2019, fallback)
    parts = []
    for year, g in raw.groupby("vuosi"):
        cols = {c: (i, int(year)) for c, i in col_of.items() if (g[c] != "").any()}
        parts.append(_tidy("2019_timeseries", g, "Alue", cols, names, region_of))
    frame = _finish(pd.concat(parts, ignore_index=True), {})
    return frame


@converter("municipal_key_figures_2006_2016",
           "paavo/paavo_postcode_2012-2016_and_key_figures_2006-2016",
           validate=lambda df: validate_0616(df))
def build_0616(folder: Path, fallback: pd.DataFrame | None = None,
               pop2019: pd.DataFrame | None = None):
    frame = tidy_0616(folder, fallback=fallback, pop2019=pop2019)
    validate_0616(frame)
    absent = sorted({(i, y) for i in IDS for y in range(2006, 2017)}
                    - set(zip(frame["indicator"], frame["year"])))
    meta = {
        "path": "keyfigures/municipal_key_figures_2006_2016.csv",
        "title": "Municipal key figures 2006-2016 (Kuntien avainluvut 2019, time series), 311 "
                 "municipalities",
        "description": (
            "Statistics Finland's municipal key figures, time-series table of the 2019 edition: "
            "32 figures (population and structure, jobs located in the area, employed labour "
            "force, unemployed % of the labour force, employment rate, job self-sufficiency, "
            "shares of primary / processing / service jobs, education, pensioners, "
            "household-dwelling units, municipal finance, migration, natural increase) for the "
            "311 municipalities of 2019, 2006-2016, one row per municipality x figure x year. "
            "Figure-years the table does not have are left out, not filled: "
            + ", ".join(f"{i} {y}" for i, y in absent) + "."),
        "schema": {"fields": _fields("in the 2020 division (= 2019; pinned "
                                     "population_municipality_2019, 911 Valtimo from the 2013 list)")},
        "sources": [
            github(KT_REPO, KT_COMMIT, "data/kuntien_avainluvut.rds",
                   "kuntien_avainluvut_2019_aikasarja.px downloaded by data-raw/"
                   "kuntien_avainluvut_prep.R (file last changed in commit 7367e91f, "
                   "2019-09-06); converted to CSV by the reference-data compilers without "
                   "changing a value",
                   "Pellervo Economic Research PTT, project KT162 (no licence stated for the "
                   "code); data: Statistics Finland"),
            github(KT_REPO, KT_COMMIT, "data-raw/kuntien_avainluvut_prep.R", "the download "
                   "script: Statistics Finland, Kuntien avainluvut 2019, time-series table "
                   "kuntien_avainluvut_2019_aikasarja.px (pxnet2 PxWeb)", STATFIN),
        ],
        "licenses": cc_by("Statistics Finland"),
        "publisher": STATFIN,
        "table_id": "Kuntien avainluvut 2019, kuntien_avainluvut_2019_aikasarja.px",
        "reference_period": "2006-2016",
        "obtained": ("reference-data paavo/paavo_postcode_2012-2016_and_key_figures_2006-2016/"
                     "kuntien_avainluvut_2006-2016_all_municipalities.csv (the .rds as CSV; "
                     "column names are R's ASCII forms, e.g. Tyottomien_osuus_tyovoimasta - "
                     "mapped to ids in municipal_key_figures_indicators) reshaped to long; "
                     "names mapped to codes."),
        "attribution": ATTRIBUTION.format("2019, time series 2006-2016"),
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "The table re-expresses every year in the municipal division of 2019 (311 "
            "municipalities, incl. 911 Valtimo, merged into Nurmes in 2020, and 099 Honkajoki, "
            "merged into Kankaanpää in 2021).",
            "The unemployment rate is the employment statistics' (end of year, register-based), "
            "not TEM's jobseeker rate (tem_jobseekers_monthly_2006_2023, Sotkanet 181).",
            "Employment rate: the 2022 edition defines it for ages 20-64; the age range of this "
            "time series is not stated in the copy - compare the editions with care.",
            "Checked: Σ population = Finland's official totals (2006 5 276 955; 2012 5 426 674; "
            "2016 5 503 297); Σ jobs 2008 = 2 377 181 (tyokay 2008 national total) and 2016 = "
            "2 275 679 (Vipunen MITENNA 2016 grand total); Turku population 2012 180 225, "
            "2016 187 604. No whole-country or region rows in this table.",
        ],
    }
    return frame, meta


def validate_0616(df: pd.DataFrame) -> bool:
    unique_keys(df, ["area_code", "indicator", "year"], "municipal_key_figures_2006_2016")
    check(set(df["area_kind"]) == {"municipality"}, "only municipalities expected")
    check(df.groupby("year")["area_code"].nunique().eq(311).all(), "not 311 municipalities a year")
    check("911" in set(df["area_code"]), "911 Valtimo missing")
    check(df["value"].notna().all() and df["region_code"].notna().all(), "empty value / region")
    for (ind, year), total in TOTALS_0616.items():
        equal(df.loc[(df["indicator"] == ind) & (df["year"] == year), "value"].sum(), total,
              f"Σ {ind} {year}")
    t = df[(df["area_code"] == "853") & (df["indicator"] == "population")].set_index("year")
    equal(t.at[2012, "value"], 180225, "Turku population 2012")
    equal(t.at[2016, "value"], 187604, "Turku population 2016")
    return True


# ------------------------------------------------------------------------------- 2018 edition
MOOC_REPO, MOOC_COMMIT = "fairyinabottle4/data-analysis-with-python-2021", \
    "bb09264184cd62e89402f3bff2d0d76a7a3d828e"


def tidy_2018(folder: Path, fallback: pd.DataFrame | None = None,
              pop2019: pd.DataFrame | None = None):
    """The tidy frame of build_2018, before the totals are checked."""
    raw = read_text_csv(folder / "municipal.tsv", sep="\t")
    label_of = {s[5]: s[0] for s in SPEC if s[5]}
    check(list(raw.columns) == ["Region 2018"] + list(label_of), "2018: unexpected columns")
    cols = {c: (i, YEAR_2018[i]) for c, i in label_of.items()}
    frame = _tidy("2018", raw, "Region 2018", cols, _name_to_code(fallback),
                  _regions_2020(pop2019, fallback))
    frame = _finish(frame, {i: (c, None) for c, i in label_of.items()})
    return frame


@converter("municipal_key_figures_2018", "keyfigures/municipal_key_figures_2018",
           validate=lambda df: validate_2018(df))
def build_2018(folder: Path, fallback: pd.DataFrame | None = None,
               pop2019: pd.DataFrame | None = None):
    frame = tidy_2018(folder, fallback=fallback, pop2019=pop2019)
    report = validate_2018(frame)
    meta = {
        "path": "keyfigures/municipal_key_figures_2018.csv",
        "title": "Municipal key figures, edition 'Region 2018': 6 figures for the municipalities, "
                 "regions and sub-regions",
        "description": (
            "Statistics Finland's municipal key figures (English labels), edition 'Region "
            "2018': population and its change (31.12.2017), Swedish-speakers' and foreign "
            "citizens' shares (31.12.2017), unemployed % of the labour force and pensioners' "
            "share (2016) for the whole country, the 311 municipalities, 19 regions and the "
            "sub-regional units of 2018, and the same regions and sub-regions again as the "
            "areas of the then-proposed regional reform (HE 15/2017 vp), kept apart in "
            "area_kind. The file names the areas only; codes were mapped from the names. "
            "Checks: " + report + "."),
        "schema": {"fields": _fields("in the 2020 division (= 2018; pinned "
                                     "population_municipality_2019, 911 Valtimo from the 2013 list)")},
        "sources": [
            github(MOOC_REPO, MOOC_COMMIT, "part04-e03_municipal_information/src/municipal.tsv",
                   "University of Helsinki MOOC 'Data Analysis with Python' exercise data "
                   "(sha256 c9b47b94..., the same file in thousands of student repositories)",
                   "University of Helsinki MOOC (student repository); data: Statistics Finland"),
            {"title": "Statistics Finland, Kuntien avainluvut / Municipal key figures, regional "
                      "division 2018 (English labels; the course does not name the table)",
             "path": "https://pxdata.stat.fi/PxWeb/pxweb/en/Kuntien_avainluvut/",
             "publisher": STATFIN},
        ],
        "licenses": cc_by("Statistics Finland"),
        "publisher": STATFIN,
        "table_id": "Kuntien avainluvut (Municipal key figures), Region 2018",
        "reference_period": "2016-2017",
        "obtained": ("reference-data keyfigures/municipal_key_figures_2018/municipal.tsv "
                     "(UTF-8, tab-separated) reshaped to long; names mapped to codes; the year "
                     "of each figure added (the file gives none)."),
        "attribution": ATTRIBUTION.format("2018"),
        "quality": "GREEN",
        "suitability": "AMBER",
        "caveats": [
            "The file gives no years. Population figures are 31.12.2017 (Σ = the official "
            "5 513 130); language and citizenship shares 31.12.2017 per the key-figure service; "
            "unemployment and pensioners are 2016: they equal the 2016 values of "
            "municipal_key_figures_2006_2016 for all 310 municipalities in both files.",
            "Read from a course's exercise copy: the table is identified from its English "
            "labels, not named by the course.",
            "HE 15/2017 vp rows are the areas of the then-proposed regional reform; do not use "
            "them as regions. Sub-regions carry no code (names only).",
            "Regions of 2018 (before the 2021 transfers of five municipalities); "
            "Varsinais-Suomi is not affected. The unemployment rate is the employment "
            "statistics' (end of year), not TEM's.",
        ],
    }
    return frame, meta


def _region_sums(df: pd.DataFrame, indicators: list[str]) -> dict[tuple[str, str, int], tuple]:
    """(indicator, region, year) -> (region row, Σ municipalities) where they differ."""
    m = df[df["area_kind"] == "municipality"]
    r = df[df["area_kind"] == "region"].set_index(["indicator", "area_code", "year"])["value"]
    s = m[m["indicator"].isin(indicators)].groupby(["indicator", "region_code", "year"])["value"].sum()
    s.index.names = r.index.names
    both = pd.concat([r, s], axis=1, keys=["region", "sum"], join="inner")
    return {k: tuple(v) for k, v in both[both["region"] != both["sum"]].iterrows()}


def _country_sums(df: pd.DataFrame, ind: str, year: int) -> tuple[float, float]:
    sel = df[(df["indicator"] == ind) & (df["year"] == year)]
    return (sel.loc[sel["area_kind"] == "municipality", "value"].sum(),
            sel.loc[sel["area_kind"] == "country", "value"].iloc[0])


def validate_2018(df: pd.DataFrame) -> str:
    keyed = df.assign(k=df["area_code"].where(df["area_code"].notna(), df["area_name"]))
    unique_keys(keyed, ["area_kind", "k", "indicator", "year"], "municipal_key_figures_2018")
    counts = df.drop_duplicates(["area_kind", "area_name"])["area_kind"].value_counts().to_dict()
    check(counts.get("municipality") == 311 and counts.get("region") == 19
          and counts.get("country") == 1, f"areas {counts}")
    total, country = _country_sums(df, "population", 2017)
    equal(total, country, "Σ municipal population 2017 = WHOLE COUNTRY")
    equal(country, 5513130, "WHOLE COUNTRY population 2017 (official)")
    bad = _region_sums(df, ["population"])
    check(not bad, f"region population != Σ municipalities: {bad}")
    p = df[df["indicator"] == "population"].set_index("area_code")["value"]
    equal(p["853"], 189669, "Turku population 31.12.2017")
    equal(p["02"], 477677, "Southwest Finland population")
    u = df[df["indicator"] == "unemployment_rate_pct"].set_index("area_code")["value"]
    for code, value in {"853": 16.3, "734": 17.8, "202": 10.2, "680": 12.1, "529": 10.3,
                        "02": 13.5, "SSS": 13.5}.items():
        equal(u[code], value, f"unemployment rate {code}")
    return ("Σ population of the 311 municipalities = the WHOLE COUNTRY row = 5 513 130 "
            "(official 31.12.2017); each of the 19 region rows = Σ of its municipalities "
            "(Southwest Finland 477 677); Turku 189 669")


# ------------------------------------------------------------------------------- 2022 edition
KF_REPO, KF_COMMIT = "tuopouk/key_figures_in_finland", "1a5f672ab5ba6cd35d774d60dea6c3d0f1ac94fd"
KF_HEAD = "cd30de8f7ff1e10f8c09cdd201ccdfa8ec5d3834"
_YEAR_RE = re.compile(r"^(.*), (\d{4})$")


def _defs(folder: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """id -> (definition_en, definition_fi, key_en, key_fi) as published."""
    en = read_text_csv(folder / "definitions_en.csv")
    fi = read_text_csv(folder / "definitions_fi.csv")
    by_en = {s[6]: s[0] for s in SPEC if s[6]}
    by_fi = {s[7]: s[0] for s in SPEC if s[7]}
    check(set(en["key_figure"]) == set(by_en), "definitions_en: key figures differ from SPEC")
    check(set(fi["key_figure"]) == set(by_fi), "definitions_fi: key figures differ from SPEC")
    return ({by_en[k]: d for k, d in zip(en["key_figure"], en["definition"])},
            {by_fi[k]: d for k, d in zip(fi["key_figure"], fi["definition"])},
            {v: k for k, v in by_en.items()}, {v: k for k, v in by_fi.items()})


def tidy_2022(folder: Path, fallback: pd.DataFrame | None = None):
    """The tidy frame of build_2022, before the totals are checked."""
    files = {k: read_text_csv(folder / f"key_figures_{k}.csv", encoding="latin-1")
             for k in ("municipalities", "regions", "subregions")}
    header = list(files["municipalities"].columns)
    check(all(list(f.columns) == header for f in files.values()), "2022: headers differ")
    label_of = {s[1]: s[0] for s in SPEC}
    cols = {}
    for col in header[1:]:
        m = _YEAR_RE.match(col)
        check(m and m.group(1) in label_of, f"2022: column {col!r} not in SPEC")
        cols[col] = (label_of[m.group(1)], int(m.group(2)))
    check(len(cols) == 32, "2022: not 32 figures")
    wc = [f[f["Region 2021"] == "WHOLE COUNTRY"] for f in (files["municipalities"], files["regions"])]
    check(len(wc[0]) == 1 and wc[0].reset_index(drop=True).equals(wc[1].reset_index(drop=True)),
          "the WHOLE COUNTRY rows of the municipal and regional files differ")
    wide = pd.concat([files["regions"], files["subregions"],
                      files["municipalities"][files["municipalities"]["Region 2021"] != "WHOLE COUNTRY"]],
                     ignore_index=True)
    reg = registry_frame()
    region_of = dict(zip(reg["code"], reg["region_code"]))
    frame = _tidy("2022", wide, "Region 2021", cols, _name_to_code(fallback), region_of)
    _, _, _, key_fi = _defs(folder)
    frame = _finish(frame, {i: (lbl, key_fi.get(i)) for lbl, i in label_of.items()})
    return frame


@converter("municipal_key_figures_2022", "keyfigures/municipal_key_figures_2022_edition",
           validate=lambda df: validate_2022(df))
def build_2022(folder: Path, fallback: pd.DataFrame | None = None):
    frame = tidy_2022(folder, fallback=fallback)
    report = validate_2022(frame)
    meta = {
        "path": "keyfigures/municipal_key_figures_2022.csv",
        "title": "Municipal key figures, latest-values edition of autumn 2022: 32 figures for the "
                 "municipalities, regions and sub-regions (2021 division)",
        "description": (
            "Statistics Finland's municipal key figures, latest values (English edition, "
            "regional division 2021), as used by the Dash app tuopouk/key_figures_in_finland: "
            "32 figures, each with its own reference year (population and structure 2021; "
            "families 2020; household-dwelling units 2021; education 2020; employed labour "
            "force, employment rate, unemployed %, jobs and their sector shares, job "
            "self-sufficiency 2020; municipal finance 2020) for the whole country, 19 regions, "
            "69 sub-regions and 309 municipalities. Checks: " + report + "."),
        "schema": {"fields": _fields("in the 2021 division (= the 2026 registry; 588 "
                                     "Pertunmaa 10)")},
        "sources": [
            github(KF_REPO, KF_COMMIT, "assets/key_figures_municipalities.csv",
                   "with assets/key_figures_regions.csv and assets/key_figures_subregions.csv "
                   "(Latin-1; deleted from the tip later, HEAD cd30de8f), definitions from "
                   "assets/definitions_en.csv (commit e21f5d23) and assets/definitions_fi.csv "
                   "(HEAD)", "Tuomas Poukkula, Dash app key_figures_in_finland (code MIT); "
                   "data: Statistics Finland"),
            {"title": "Statistics Finland, Kuntien avainluvut, latest values "
                      "(kuntien_avainluvut_viimeisin.px), read by the app (app.py line 58)",
             "path": "https://pxdata.stat.fi/PxWeb/api/v1/en/Kuntien_avainluvut/uusin/"
                     "kuntien_avainluvut_viimeisin.px",
             "publisher": STATFIN},
        ],
        "licenses": cc_by("Statistics Finland"),
        "publisher": STATFIN,
        "table_id": "Kuntien avainluvut, uusin/kuntien_avainluvut_viimeisin.px (Region 2021)",
        "reference_period": "2020-2021",
        "obtained": ("reference-data keyfigures/municipal_key_figures_2022_edition/"
                     "key_figures_{municipalities,regions,subregions}.csv (Latin-1) reshaped to "
                     "long; the year taken from each column label (', 2021'); the WHOLE COUNTRY "
                     "row, present in two files and identical, kept once; names mapped to codes; "
                     "Finnish labels from definitions_fi.csv."),
        "attribution": ATTRIBUTION.format("2022 (latest values, regional division 2021)"),
        "quality": "GREEN",
        "suitability": "GREEN",
        "caveats": [
            "Each figure has its own year (in the column label): 2020 for labour market, "
            "education and finance, 2021 for population.",
            "The unemployment rate (Turku 15.9 % in 2020) is the employment statistics' (end of "
            "year, register-based), not TEM's jobseeker rate.",
            "Employment rate is for ages 20-64 (Statistics Finland's definition, see "
            "municipal_key_figures_indicators); earlier editions may differ.",
            "English file: municipalities with a Swedish majority name appear under their "
            "Swedish name (Kimitoön = Kemiönsaari 322, Pargas = Parainen 445); area_code is the "
            "same. Sub-regions carry no code (names only).",
            "Only three sectors; no industry detail.",
        ],
    }
    return frame, meta


def validate_2022(df: pd.DataFrame) -> str:
    keyed = df.assign(k=df["area_code"].where(df["area_code"].notna(), df["area_name"]))
    unique_keys(keyed, ["area_kind", "k", "indicator", "year"], "municipal_key_figures_2022")
    counts = df.drop_duplicates(["area_kind", "area_name"])["area_kind"].value_counts().to_dict()
    check(counts == {"municipality": 309, "subregion": 69, "region": 19, "country": 1},
          f"areas {counts}")
    check(df["value"].notna().all(), "a value is missing")
    equal(*_country_sums(df, "population", 2021), "Σ municipal population 2021 = WHOLE COUNTRY")
    equal(_country_sums(df, "population", 2021)[1], 5548241, "WHOLE COUNTRY population 2021")
    equal(*_country_sums(df, "jobs", 2020), "Σ jobs 2020 = WHOLE COUNTRY")
    equal(_country_sums(df, "jobs", 2020)[1], 2284665, "WHOLE COUNTRY jobs 2020")
    bad = _region_sums(df, ADDITIVE)
    check(not bad, f"region != Σ municipalities: {dict(list(bad.items())[:5])}")
    v = df.set_index(["area_code", "indicator"])["value"]
    for key, value in {("02", "population"): 483477, ("02", "jobs"): 193786,
                       ("02", "employed_residents"): 199102, ("02", "household_dwelling_units"): 248584,
                       ("853", "population"): 195137, ("853", "jobs"): 98911,
                       ("853", "unemployment_rate_pct"): 15.9}.items():
        equal(v[key], value, f"{key}")
    return ("Σ population 2021 of the 309 municipalities = the WHOLE COUNTRY row = 5 548 241; "
            "Σ jobs 2020 = 2 284 665 = WHOLE COUNTRY; each of the 19 regions = Σ of its "
            "municipalities for every additive figure (population, excess of births, "
            "intermunicipal migration, families, household-dwelling units, employed labour "
            "force, jobs; Southwest Finland population 483 477, jobs 193 786, employed 199 102, "
            "household-dwelling units 248 584)")


# ------------------------------------------------------------------------------ indicator table
def tidy_indicators(folder: Path):
    """The tidy frame of build_indicators, before the totals are checked."""
    def_en, def_fi, key_en, key_fi = _defs(folder)
    rows = []
    for ind, lab22, unit, additive, c0616, lab18, _, _ in SPEC:
        rows.append({
            "indicator": ind, "label_en": lab22, "label_fi": key_fi.get(ind),
            "definition_key_en": key_en.get(ind), "definition_en": def_en.get(ind),
            "definition_fi": def_fi.get(ind), "unit": unit, "additive": additive,
            "editions": " ".join(["2019_timeseries"] + (["2018"] if lab18 else []) + ["2022"]),
            "source_label_2019_timeseries": c0616, "source_label_2018": lab18,
            "source_label_2022": lab22 + ", <year>",
        })
    frame = pd.DataFrame(rows)
    frame["additive"] = frame["additive"].astype("boolean")
    return frame


@converter("municipal_key_figures_indicators", "keyfigures/municipal_key_figures_2022_edition",
           validate=lambda df: validate_indicators(df))
def build_indicators(folder: Path):
    frame = tidy_indicators(folder)
    validate_indicators(frame)
    fields = [
        field("indicator", "string", "the id used in the three key-figure resources",
              required=True, unique=True),
        field("label_en", "string", "English label of the 2022 edition (year removed)",
              required=True),
        field("label_fi", "string", "Finnish key-figure name as published in definitions_fi "
              "(empty for the five finance figures, which have no definition there)"),
        field("definition_key_en", "string", "the key-figure name of definitions_en"),
        field("definition_en", "string", "Statistics Finland's definition, English, as "
              "published (the app's copy)"),
        field("definition_fi", "string", "the same in Finnish"),
        field("unit", "string", "unit of value", required=True),
        field("additive", "boolean", "true where a region's value should equal the sum of its "
              "municipalities (counts)", required=True),
        field("editions", "string", "editions that have the figure, space-separated",
              required=True),
        field("source_label_2019_timeseries", "string", "column of the 2006-2016 file (R's "
              "ASCII form of the Finnish label)", required=True),
        field("source_label_2018", "string", "column of the 2018 file"),
        field("source_label_2022", "string", "column label of the 2022 files (', <year>' "
              "stands for the reference year)", required=True),
    ]
    meta = {
        "path": "keyfigures/municipal_key_figures_indicators.csv",
        "title": "Municipal key figures: indicator ids, labels, units and definitions",
        "description": ("One row per indicator id of municipal_key_figures_2006_2016, _2018 and "
                        "_2022: the labels of each edition, the unit and Statistics Finland's "
                        "definitions (27 of the 32 figures have one)."),
        "schema": {"fields": fields},
        "sources": [github(KF_REPO, KF_HEAD, "assets/definitions_fi.csv", "and "
                           "assets/definitions_en.csv (commit e21f5d23): Statistics Finland's "
                           "definitions of the key figures", "Tuomas Poukkula, Dash app "
                           "key_figures_in_finland; text: Statistics Finland")],
        "licenses": cc_by("Statistics Finland"),
        "publisher": STATFIN,
        "table_id": "Kuntien avainluvut: key-figure definitions",
        "reference_period": "2022",
        "obtained": ("reference-data keyfigures/municipal_key_figures_2022_edition/"
                     "definitions_en.csv and definitions_fi.csv (texts unchanged), matched to the "
                     "ids by their key-figure names; labels from the three files' headers."),
        "attribution": ATTRIBUTION.format("definitions"),
        "quality": "GREEN",
        "suitability": "GREEN",
        "caveats": [
            "Ids and units are the project's; the labels and definitions are as published.",
            "The definitions are those of the 2022 edition; e.g. the employment rate is for "
            "ages 20-64 there, and the 2006-2016 time series does not state its age range.",
        ],
    }
    return frame, meta


def validate_indicators(df: pd.DataFrame) -> bool:
    check(list(df["indicator"]) == IDS, "ids differ from SPEC")
    check(df["definition_en"].notna().sum() == 27 and df["definition_fi"].notna().sum() == 27,
          "not 27 definitions")
    check(df["indicator"].str.fullmatch(r"[a-z0-9_]+").all(), "ids are not ASCII snake case")
    return True
