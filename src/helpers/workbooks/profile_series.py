"""The longer views of a region profile: population 2000–2023, jobs 2017 by industry,
main activity 2017 and the unemployment and employment rates of the municipal key figures.

Sources: ``population_municipality_2000_2023`` (Sotkanet 127 + 31.12.2023, every 2026
municipality), ``paavo_2020_municipal`` (Paavo 2020 edition: jobs 2017 by TOL 2008 section,
main activity 2017; the 2020 division), ``municipal_key_figures_2006_2016`` (municipalities
only), ``municipal_key_figures_2018`` and ``municipal_key_figures_2022`` (municipalities,
regions and the whole country). Totals of regions and of the whole country where a table has
no such row are sums of its municipalities (:mod:`.areas`) — derived, and labelled so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import analysis, regions
from ..i18n import N_
from . import areas, industry

POPULATION = "population_municipality_2000_2023"
PAAVO = "paavo_2020_municipal"
KEY_SERIES = "municipal_key_figures_2006_2016"
KEY_2018 = "municipal_key_figures_2018"
KEY_2022 = "municipal_key_figures_2022"
RATES = ("unemployment_rate_pct", "employment_rate_pct")
MAIN_ACTIVITY = ("employed", "unemployed", "students", "pensioners", "children_0_14", "others")


#: short names of the TOL 2008 sections for charts (the tables show the full published names)
SECTION_SHORT = {
    "A": N_("Agriculture, forestry, fishing"), "B": N_("Mining"), "C": N_("Manufacturing"),
    "D": N_("Energy supply"), "E": N_("Water, waste"), "F": N_("Construction"), "G": N_("Trade"),
    "H": N_("Transport, storage"), "I": N_("Accommodation, food"), "J": N_("Information, communication"),
    "K": N_("Finance, insurance"), "L": N_("Real estate"), "M": N_("Professional, scientific"),
    "N": N_("Administrative, support"), "O": N_("Public administration"), "P": N_("Education"),
    "Q": N_("Health, social work"), "R": N_("Arts, recreation"), "S": N_("Other services"),
    "T": N_("Households as employers"), "U": N_("Extraterritorial bodies"), "X": N_("Industry unknown"),
}


def _label(area) -> str:
    """An area's column name in the series (its name as readers read it)."""
    return areas.reader_name(area)


# ----------------------------------------------------------------------------- population


def population_series(snap, area, compare) -> pd.DataFrame:
    """Population 31.12. of ``area`` and ``compare`` by year (index: year): a region or the
    whole country is the sum of its 2026 units (historical units counted in their region)."""
    pop = snap.load(POPULATION)
    placed = pop.assign(unit=pop["area_code"], unit_region=pop["region_code"])
    cols = {}
    for a in dict.fromkeys([area, compare]):
        t = areas.totals(placed, a, ["population"], by=["year"])["population"]
        cols[_label(a)] = t
    out = pd.DataFrame(cols)
    out.index = out.index.astype(int)
    out.index.name = "year"
    return out.sort_index()


def indexed(series: pd.DataFrame, base: int) -> pd.DataFrame:
    """Each column as an index, ``base`` year = 100 (derived)."""
    return series.div(series.loc[base]).mul(100)


# ----------------------------------------------------------------------------- Paavo 2017


def _paavo(snap, group: str) -> pd.DataFrame:
    paavo = snap.load(PAAVO)
    rows = paavo[(paavo["area_kind"] == "municipality") & (paavo["group"] == group)]
    return areas.place(rows)


_TP_SUFFIX = re.compile(r",\s*\d{4}\s*\(TP\)\s*$")


def jobs_by_section(snap, area) -> pd.DataFrame:
    """Jobs 2017 at the workplace by TOL 2008 section (A … U, X) in ``area`` and in the whole
    country (sums of municipalities), each as a share of all jobs, and the location
    quotient (share in the area / share in the country)."""
    tp = _paavo(snap, "TP")
    sec = tp[tp["variable"].str.fullmatch(r"jobs_[A-Z]")]
    last = sec.drop_duplicates("category", keep="last")  # a section's name: its last row's, as dict(zip(...))
    names = dict(zip(last["category"], last["label"].map(lambda s: _TP_SUFFIX.sub("", s)[2:])))
    here = areas.totals(sec, area, ["value"], by=["category"])["value"]
    country = areas.totals(sec, regions.country(), ["value"], by=["category"])["value"]
    out = pd.DataFrame({"section": here.index, "industry": [industry.section_name(c, names[c]) for c in here.index],
                        "jobs": here.to_numpy(), "country_jobs": country.reindex(here.index).to_numpy()})
    out["share_pct"] = analysis.share(out["jobs"], out["jobs"].sum())
    out["country_share_pct"] = analysis.share(out["country_jobs"], out["country_jobs"].sum())
    out["location_quotient"] = out["share_pct"] / out["country_share_pct"]
    return out


def main_activity(snap, area) -> pd.DataFrame:
    """Inhabitants at the end of 2017 by main activity in ``area`` and the whole country,
    each as a share of all inhabitants."""
    pt = _paavo(snap, "PT")
    pt = pt[pt["variable"].isin(MAIN_ACTIVITY)]
    here = areas.totals(pt, area, ["value"], by=["variable"])["value"].reindex(list(MAIN_ACTIVITY))
    country = areas.totals(pt, regions.country(), ["value"], by=["variable"])["value"].reindex(list(MAIN_ACTIVITY))
    out = pd.DataFrame({"activity": list(MAIN_ACTIVITY), "persons": here.to_numpy(),
                        "country_persons": country.to_numpy()})
    out["share_pct"] = analysis.share(out["persons"], out["persons"].sum())
    out["country_share_pct"] = analysis.share(out["country_persons"], out["country_persons"].sum())
    return out


# ----------------------------------------------------------------------------- key figures


@dataclass
class Rates:
    """The unemployment and employment rates of the municipal key figures for one area."""

    series: pd.DataFrame | None  # 2006–2016 (municipalities only): year x indicator
    editions: pd.DataFrame  # 2018 and 2022 editions: area, region, country values


def _edition_value(frame: pd.DataFrame, area, indicator: str) -> float | None:
    kind = "country" if area.kind == "country" else area.kind
    code = area.code
    row = frame[(frame["area_kind"] == kind) & (frame["area_code"] == code) & (frame["indicator"] == indicator)]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


def labour_rates(snap, area, compare) -> Rates:
    """The 2006–2016 series of ``area`` (a municipality; regions have no rows in that table)
    and the values of the 2018 and 2022 editions for the area, its region and ``compare``."""
    series = None
    if area.kind == "municipality":
        ks = snap.load(KEY_SERIES)
        sub = ks[ks["area_code"] == area.code]
        sub = sub[sub["indicator"].isin(RATES)]  # (the same rows as both masks at once, 10x fewer tested)
        if not sub.empty:
            series = sub.pivot(index="year", columns="indicator", values="value").reindex(columns=list(RATES))
            series.index = series.index.astype(int)
    rows = []
    peers = [area] + ([regions.region_of(area)] if area.kind == "municipality" else []) + [compare]
    for edition, name in ((KEY_2018, "2018"), (KEY_2022, "2022")):
        frame = snap.load(edition)
        frame = frame[frame["indicator"].isin(RATES)]  # the two rates' rows, in their order
        for ind in RATES:
            years = frame.loc[frame["indicator"] == ind, "year"]
            if years.empty:
                continue
            row = {"edition": name, "indicator": ind, "year": int(years.iloc[0])}
            for p in dict.fromkeys(peers):
                row[_label(p)] = _edition_value(frame, p, ind)
            rows.append(row)
    return Rates(series, pd.DataFrame(rows))
