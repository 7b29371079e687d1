"""Employment by NACE Rev. 2 section in Varsinais-Suomi and Finland, 2000–2017 (Eurostat
``nama_10r_3empers``, regional accounts) — shared by the cluster workbooks.

The pinned extract has the whole series for FI (Finland) and FI1C1 (Varsinais-Suomi, region
02) and 2017 alone for a few other NUTS 3 regions. Derived figures, each labelled: the share of
the section in all employment (100 × section / TOTAL), an index (first year = 100) and
Varsinais-Suomi's share of Finland's employment in the section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, plotting, provenance, regions
from ..i18n import N_, _
from . import areas

EUROSTAT = "eurostat_employment_nuts3_2000_2017"
SERIES_GEO = "FI1C1"
COUNTRY_GEO = "FI"
#: NUTS 2016 level-3 code -> region code (the regions the extract holds)
NUTS3_REGION = {"FI1C1": "02", "FI1C2": "05", "FI1C3": "07", "FI1C4": "08", "FI1C5": "09",
                "FI1B1": "01", "FI197": "06", "FI1D9": "17"}
#: whole texts for the sections the workbooks show, keyed by the English ``name`` they give:
#: the coverage note's sentence on another region, the index chart's and the table's titles
TEXTS = {
    "information and communication": (
        N_("For {region} the extract has {year} only: {n} employed in information and communication, {share} % of "
           "all employed."),
        N_("Employment in information and communication, Southwest Finland and Finland, {first}–{last} (index)"),
        N_("Employment in information and communication, Southwest Finland and Finland, {first}–{last}")),
}


def _texts(name: str) -> tuple[str, str, str]:
    """The three texts for section ``name`` (:data:`TEXTS`, else ``name`` inserted)."""
    if name in TEXTS:
        return tuple(_(t) for t in TEXTS[name])
    return tuple(t.replace("{name}", name) for t in (
        _("For {region} the extract has {year} only: {n} employed in {name}, {share} % of all employed."),
        _("Employment in {name}, Southwest Finland and Finland, {first}–{last} (index)"),
        _("Employment in {name}, Southwest Finland and Finland, {first}–{last}")))


def _vs() -> str:
    """Varsinais-Suomi as readers of the run's language name it (the series' region)."""
    return areas.reader_name(NUTS3_REGION[SERIES_GEO])


@dataclass
class SectionSeries:
    nace: str
    table: pd.DataFrame          # by year: vs, vs_total, vs_share, fi, fi_total, fi_share, *_index, vs_of_fi
    area_2017: dict | None       # the run's region in 2017 when the extract has it (other than FI1C1)
    area: Any
    snapshot: Any = field(default=None, repr=False)

    @property
    def first(self) -> int:
        return int(self.table.index.min())

    @property
    def last(self) -> int:
        return int(self.table.index.max())

    def value(self, column: str, year: int | None = None):
        v = self.table[column].get(self.last if year is None else year)
        return None if v is None or pd.isna(v) else float(v)


def employed(eu: pd.DataFrame, geo: str, nace: str) -> pd.Series:
    """Employed persons of one geo and aggregate by year (years without a value dropped)."""
    rows = eu[(eu["geo"] == geo) & (eu["nace"] == nace)]
    if rows.empty:
        raise ValueError(f"{EUROSTAT} has no rows for geo={geo!r}, nace={nace!r}")
    return rows.set_index(rows["year"].astype(int))["employed"].astype("float64").dropna().sort_index()


def section_series(eu: pd.DataFrame, nace: str, area, snapshot=None) -> SectionSeries:
    """The section in Varsinais-Suomi and Finland, every year both have it, with derived
    shares and indices; plus the run's own region in 2017 when the extract has it."""
    vs, vs_t = employed(eu, SERIES_GEO, nace), employed(eu, SERIES_GEO, "TOTAL")
    fi, fi_t = employed(eu, COUNTRY_GEO, nace), employed(eu, COUNTRY_GEO, "TOTAL")
    t = pd.concat({"vs": vs, "vs_total": vs_t, "fi": fi, "fi_total": fi_t}, axis=1).dropna()
    t["vs_share"] = analysis.share(t["vs"], t["vs_total"])
    t["fi_share"] = analysis.share(t["fi"], t["fi_total"])
    base = t.index.min()
    t["vs_index"] = 100 * t["vs"] / t.loc[base, "vs"]
    t["fi_index"] = 100 * t["fi"] / t.loc[base, "fi"]
    t["vs_of_fi"] = analysis.share(t["vs"], t["fi"])
    t.index.name = "year"
    region = area if area.kind == "region" else (regions.region_of(area) if area.kind == "municipality" else None)
    other = None
    geo = {v: k for k, v in NUTS3_REGION.items()}.get(region.code) if region is not None else None
    if geo and geo != SERIES_GEO:
        g, g_t = employed(eu, geo, nace), employed(eu, geo, "TOTAL")
        year = int(g.index.max())
        other = {"geo": geo, "region": areas.reader_name(region), "year": year, "employed": float(g[year]),
                 "total": float(g_t[year]), "share": analysis.share(float(g[year]), float(g_t[year]))}
    return SectionSeries(nace, t, other, area, snapshot)


# ----------------------------------------------------------------------------- shown parts


def source(res: SectionSeries) -> str:
    return provenance.source_caption([EUROSTAT], res.snapshot)


def coverage_note(res: SectionSeries, name: str) -> str:
    """Which area the series is for, and the run's own region in 2017 where pinned (``name``:
    the section in English, "information and communication"; :data:`TEXTS`)."""
    vs = regions.resolve("02")
    area = res.area
    if area.kind == "region" and area.code == vs.code or area.kind == "municipality" and area.region_code == vs.code:
        where = (_("The series is for the region as a whole; there is no municipal value.")
                 if area.kind == "municipality" else "")
    else:
        where = _("The full series is pinned for Southwest Finland only; it is shown here for comparison.")
        if res.area_2017:
            o = res.area_2017
            where += " " + _texts(name)[0].format(
                region=o["region"], year=o["year"], n=analysis.format_number(o["employed"]),
                share=analysis.format_number(o["share"], 1))
    return where


def index_chart(res: SectionSeries, name: str):
    """Employment in the section as an index (first year = 100), Varsinais-Suomi and Finland."""
    data = res.table[["vs_index", "fi_index"]].rename(columns={"vs_index": _vs(), "fi_index": _("Finland")})
    return plotting.line_chart(
        data, y_label=_("Index, {year} = 100 (derived)").format(year=res.first), decimals=0,
        highlight=_vs(), title=_texts(name)[1].format(first=res.first, last=res.last), source=source(res))


def series_table(res: SectionSeries, name: str, code: str):
    t = res.table
    shown = pd.DataFrame({
        _("Year"): t.index.astype(int),
        _("Southwest Finland: {code} employed").format(code=code): t["vs"].astype("Int64").to_numpy(),
        _("Southwest Finland: all employed"): t["vs_total"].astype("Int64").to_numpy(),
        _("Southwest Finland: {code} share, %").format(code=code): t["vs_share"].to_numpy(),
        _("Finland: {code} employed").format(code=code): t["fi"].astype("Int64").to_numpy(),
        _("Finland: {code} share, %").format(code=code): t["fi_share"].to_numpy(),
        _("Southwest Finland's share of Finland's {code}, %").format(code=code): t["vs_of_fi"].to_numpy(),
    })
    intro = _("Employed persons by place of work (regional accounts). Shares are derived: 100 × {code} / all "
              "employed, and 100 × Southwest Finland / Finland. Change {first}–{last} in Southwest Finland: {vs} %; "
              "in Finland: {fi} % (derived).").format(
        code=code, first=res.first, last=res.last,
        vs=analysis.format_number(analysis.growth(t["vs"].iloc[0], t["vs"].iloc[-1]), 1),
        fi=analysis.format_number(analysis.growth(t["fi"].iloc[0], t["fi"].iloc[-1]), 1))
    return display.table(shown, decimals=1, name=f"employment_{code.lower()}_varsinais_suomi_finland",
                         title=_texts(name)[2].format(first=res.first, last=res.last), source=source(res),
                         intro=intro)
