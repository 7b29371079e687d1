"""The ``region_profile`` workbook: the profile of a region or municipality — population
2000–2023 and its change 2019–2023 in the 2026 division, its municipalities on maps, its rank,
jobs 2017 by industry, main activity 2017 and the unemployment and employment rates.

The population units (below) are computed in :mod:`.population`; the longer series in
:mod:`.profile_series`.

Everything is computed from two pinned resources and the area registry:

* ``population_municipality_2019`` - population 31.12.2019 of the 310 municipalities of the
  2020 division;
* ``population_municipality_2023`` - population 31.12.2023 of the 309 municipalities of 2023;
* :mod:`helpers.regions` - the 2026 division (308 municipalities, 19 regions) and the two
  historical municipalities (Honkajoki 099, Pertunmaa 588).

Method (quoted by the workbook; :func:`method_note`)
----------------------------------------------------
**Units.** Figures are shown for the municipalities of the 2026 division. Both years are
placed in that division:

* a municipality that merged into another one *with a documented successor* is added to
  its successor in 2019 - Honkajoki (099) merged into Kankaanpää (214) on 1.1.2021, so
  Kankaanpää's 2019 figure is 11 286 + 1 620 = 12 906, the population of the area that
  forms Kankaanpää in 2023. This is a sum of two official figures, not an estimate; both
  original figures are listed separately;
* a historical municipality *without* a documented successor (Pertunmaa 588: in the 2019
  and 2023 data, absent from the 2026 classification) is kept as its own unit, flagged
  "historical", with the region it belonged to in 2019 and 2023 (Etelä-Savo, 10);
* every other 2019 figure belongs to the municipality with the same code.

**Regions.** A region's total is the sum of its units: its 2026 member municipalities plus
any historical unit assigned to it. Every inhabitant of the data year is therefore counted
exactly once; the 19 region totals add up to the national totals (5 525 292 in 2019,
5 603 851 in 2023), which :func:`population_units` checks. The 2019 column of the source
table carries the *2020* region; it is not used - 2019 figures are placed in 2026 regions.
The five municipalities that changed region on 1.1.2021 (Heinävesi, Iitti, Isokyrö,
Joroinen, Kuhmoinen) are counted in their 2026 region in both years. Varsinais-Suomi (02)
has the same 27 municipalities in 2019, 2023 and 2026 and is not affected by either rule.

Nothing is estimated or interpolated: every number is an official figure or an exact sum
of official figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import analysis, display, keyfigures, plotting, provenance, regions
from ..i18n import N_, _
from . import areas, geometry, profile_series
from .geometry import MUNI_GEOMETRY
from .population import (  # noqa: F401  (the units' computation, re-exported for the tests)
    NATIONAL_TOTAL_2019,
    NATIONAL_TOTAL_2023,
    POP_2019,
    POP_2023,
    historical_municipalities,
    population_units,
    region_totals,
)

#: the figures a gallery card shows first, in this order
_COMMON_HEAD = (
    keyfigures.Spec("population_2023", N_("Population 31.12.2023"), N_("persons")),
    keyfigures.Spec("change_pct", N_("Population change 2019–2023"), "%", 2),
    keyfigures.Spec("change_2000_2023_pct", N_("Population change 2000–2023"), "%", 1),
    keyfigures.Spec("jobs_2017", N_("Jobs at workplaces 2017"), N_("jobs")),
    keyfigures.Spec("unemployment_rate_2020_pct", N_("Unemployment rate 2020"), "%", 1),
    keyfigures.Spec("employment_rate_2020_pct", N_("Employment rate 2020 (ages 20–64)"), "%", 1),
)
HEADLINE_REGION = _COMMON_HEAD + (
    keyfigures.Spec("rank_population_among_regions", N_("Rank by population among the 19 regions")),
    keyfigures.Spec("largest_municipality_share_pct", N_("Largest municipality's share"), "%", 1),
)
HEADLINE_MUNICIPALITY = _COMMON_HEAD + (
    keyfigures.Spec("rank_population_in_region", N_("Rank by population in its region")),
    keyfigures.Spec("share_of_region_population_2023_pct", N_("Share of its region's population"), "%", 1),
)


@dataclass
class RegionProfile:
    """Everything the workbook shows for one area (see :func:`compute`)."""

    area: regions.Area
    region: regions.Area
    units: pd.DataFrame          # the region's units (2026 municipalities + historical ones)
    historical: pd.DataFrame     # source rows combined or kept separately, for this region
    figures: dict = field(default_factory=dict)
    regions_table: pd.DataFrame | None = None
    compare: dict = field(default_factory=dict)
    snapshot: object = field(default=None, repr=False)
    headline: tuple = ()
    population: pd.DataFrame | None = None  # 2000–2023: area (and compare_to) by year
    jobs: pd.DataFrame | None = None  # jobs 2017 by TOL section, with the country's shares
    activity: pd.DataFrame | None = None  # main activity 2017
    rates: profile_series.Rates | None = None
    compare_area: regions.Area | None = None
    # the region's 2026 municipal boundaries, dissolved once for both maps (copies handed out)
    _boundaries: dict = field(default_factory=dict, repr=False, compare=False)

    def boundaries(self, region_code: str):
        """:func:`geometry.municipalities` of ``region_code`` from this profile's snapshot,
        computed once per profile; a copy each time."""
        if region_code not in self._boundaries:
            self._boundaries[region_code] = geometry.municipalities(self.snapshot, region_code)
        return self._boundaries[region_code].copy()

    @property
    def is_municipality(self) -> bool:
        return self.area.kind == "municipality"


def _int(x) -> int | None:
    """A count as a plain int (None when missing)."""
    return None if x is None or pd.isna(x) else int(round(float(x)))


def _rank_of(series: pd.Series, key) -> int | None:
    r = analysis.rank(series)
    v = r.get(key)
    return None if v is None or pd.isna(v) else int(v)


def profile(area, snap, compare_to="SSS") -> RegionProfile:
    """The population profile of a region or municipality (2026 division).

    Region: totals, change, rank among the 19 regions, its largest municipality's share.
    Municipality: its figures, its rank within its region, its share of the region and the
    region's largest municipality. ``compare_to`` (a region or the whole country) gives the
    change to compare with.
    """
    area = regions.resolve(area)
    if area.kind not in ("region", "municipality"):
        raise ValueError(f"area={area.label!r} is a {area.kind}; give a region or a municipality")
    compare = regions.resolve(compare_to)
    if compare.kind not in ("region", "country"):
        raise ValueError(f"compare_to={compare.label!r} is a {compare.kind}; give a region or the whole country")
    units = population_units(snap)
    reg_tab = region_totals(units)
    region = area if area.kind == "region" else regions.region_of(area)
    members = units[units["region_code"] == region.code].reset_index(drop=True)
    hist = historical_municipalities(snap)
    hist = hist[hist["region_code"] == region.code].reset_index(drop=True)
    rrow = reg_tab.loc[region.code]
    largest = analysis.largest_member_share(members, member="name", value="population_2023")
    figures: dict = {
        "area_code": area.statfin_code,
        "area_name": area.label,
        "area_kind": area.kind,
    }
    if area.kind == "region":
        figures.update({
            "population_2019": _int(rrow["population_2019"]),
            "population_2023": _int(rrow["population_2023"]),
            "change": _int(rrow["change"]),
            "change_pct": round(float(rrow["change_pct"]), 2),
            "rank_population_among_regions": int(rrow["rank_population_2023"]),
            "rank_change_among_regions": int(rrow["rank_change_pct"]),
            "n_regions": int(len(reg_tab)),
            "n_municipalities_2026": int((members["unit_kind"] == "municipality").sum()),
        })
    else:
        row = members.set_index("code").loc[area.code]
        idx = members.set_index("code")
        figures.update({
            "region": region.statfin_code + " " + region.label,
            "population_2019": _int(row["population_2019"]),
            "population_2023": _int(row["population_2023"]),
            "change": _int(row["change"]),
            "change_pct": round(float(row["change_pct"]), 2),
            "rank_population_in_region": _rank_of(idx["population_2023"], area.code),
            "rank_change_in_region": _rank_of(idx["change_pct"], area.code),
            "n_units_in_region": int(len(members)),
            "share_of_region_population_2023_pct": round(
                float(analysis.share(row["population_2023"], rrow["population_2023"])), 2),
        })
    figures.update({
        "largest_municipality": str(largest["largest"].iloc[0]),
        "largest_municipality_population_2023": _int(largest["largest_value"].iloc[0]),
        "largest_municipality_share_pct": round(float(largest["share"].iloc[0]), 2),
    })
    if compare.kind == "country":
        c19, c23 = float(units["population_2019"].sum()), float(units["population_2023"].sum())
    else:
        crow = reg_tab.loc[compare.code]
        c19, c23 = float(crow["population_2019"]), float(crow["population_2023"])
    cmp = {
        "compare_to": compare.statfin_code + " " + compare.label,
        "compare_population_2019": _int(c19),
        "compare_population_2023": _int(c23),
        "compare_change_pct": round(float(analysis.growth(c19, c23)), 2),
    }
    figures.update(cmp)
    figures["change_pct_minus_compare_pp"] = round(figures["change_pct"] - cmp["compare_change_pct"], 2)
    headline = HEADLINE_REGION if area.kind == "region" else HEADLINE_MUNICIPALITY
    return RegionProfile(area=area, region=region, units=members, historical=hist, figures=figures,
                         regions_table=reg_tab, compare=cmp, snapshot=snap, headline=headline,
                         compare_area=compare)


def compute(params, snapshot) -> RegionProfile:
    """The profile for the run's ``area`` compared with ``compare_to``."""
    res = profile(params["area"], snapshot, params["compare_to"])
    area, compare = res.area, res.compare_area
    res.population = profile_series.population_series(snapshot, area, compare)
    res.jobs = profile_series.jobs_by_section(snapshot, area)
    res.activity = profile_series.main_activity(snapshot, area)
    res.rates = profile_series.labour_rates(snapshot, area, compare)
    res.figures.update(_series_figures(res))
    return res


def _series_figures(res: RegionProfile) -> dict:
    pop = res.population.iloc[:, 0]
    jobs = res.jobs.set_index("section")
    top = jobs.drop(index="X", errors="ignore")["jobs"].idxmax()
    act = res.activity.set_index("activity")["share_pct"]
    ed = res.rates.editions
    label = profile_series._label(res.area)

    def rate(indicator: str, year: int):
        row = ed[(ed["indicator"] == indicator) & (ed["year"] == year)]
        return None if row.empty else row[label].iloc[0]

    return {
        "population_2000": int(pop.loc[2000]),
        "change_2000_2023_pct": round(float(analysis.growth(pop.loc[2000], pop.loc[2023])), 2),
        "jobs_2017": int(jobs["jobs"].sum()),
        "largest_industry_2017": f"{top} {jobs.loc[top, 'industry']}",
        "largest_industry_share_2017_pct": round(float(jobs.loc[top, "share_pct"]), 2),
        "employed_share_2017_pct": round(float(act["employed"]), 2),
        "unemployed_share_2017_pct": round(float(act["unemployed"]), 2),
        "unemployment_rate_2016_pct": rate("unemployment_rate_pct", 2016),
        "unemployment_rate_2020_pct": rate("unemployment_rate_pct", 2020),
        "employment_rate_2020_pct": rate("employment_rate_pct", 2020),
    }


def unit_map_frame(snap, region_code: str, units: pd.DataFrame, boundaries=None):
    """GeoDataFrame (EPSG:3067) of a region's 2026 municipalities (:func:`geometry.municipalities`,
    or ``boundaries``, the same already computed) with their population figures: code, name_fi,
    population_2019, population_2023, change_pct."""
    geo = geometry.municipalities(snap, region_code) if boundaries is None else boundaries
    geo = geo[["code", "name_fi", "label", "geometry"]]
    return geo.merge(units[["code", "population_2019", "population_2023", "change_pct"]], on="code", how="left")


def region_map_frame(snap, reg_tab: pd.DataFrame):
    """The 19 region polygons (2020 boundaries) with the region totals joined."""
    out = geometry.regions_frame(snap).merge(reg_tab[["population_2019", "population_2023", "change_pct"]],
                                             left_on="code", right_index=True, how="left")
    return out.sort_values("code").reset_index(drop=True)


def _rank(rank, n) -> str:
    # i18n: a rank among a number of areas ("3 of 27")
    return _("{rank} of {n}").format(rank=rank, n=n)


def summary_table(prof: RegionProfile) -> pd.DataFrame:
    """The headline figures as a two-column table (Figure, Value) for display."""
    f = prof.figures
    fmt = analysis.format_number
    region = areas.reader_name(prof.region)
    rows = [
        (_("Population 31.12.2019 (2026 division)"), fmt(f["population_2019"])),
        (_("Population 31.12.2023"), fmt(f["population_2023"])),
        (_("Change 2019–2023"), f"{fmt(f['change'])} ({fmt(f['change_pct'], 2)} %)"),
        # i18n: the population change 2019–2023 in the comparison area ("Change in the whole country")
        (_("Change in {area}").format(area=areas.reader_name(prof.compare_area, in_sentence=True)),
         f"{fmt(f['compare_change_pct'], 2)} %"),
        # i18n: the area's population change minus the comparison area's, in percentage points
        (_("Difference"), _("{value} percentage points").format(value=fmt(f["change_pct_minus_compare_pp"], 2))),
    ]
    if prof.is_municipality:
        n = f["n_units_in_region"]
        rows += [
            (_("Rank by population in {region}").format(region=region), _rank(f["rank_population_in_region"], n)),
            (_("Rank by change % in {region}").format(region=region), _rank(f["rank_change_in_region"], n)),
            (_("Share of {region}'s population 2023").format(region=region),
             f"{fmt(f['share_of_region_population_2023_pct'], 2)} %"),
        ]
    else:
        n = f["n_regions"]
        rows += [
            (_("Rank by population among regions"), _rank(f["rank_population_among_regions"], n)),
            (_("Rank by change % among regions"), _rank(f["rank_change_among_regions"], n)),
        ]
    rows.append((_("Largest municipality of {region} (2023)").format(region=region),
                 # i18n: the region's largest municipality, its population and its share of the region's
                 _("{name}: {population} = {share} % of the region").format(
                     name=f["largest_municipality"], population=fmt(f["largest_municipality_population_2023"]),
                     share=fmt(f["largest_municipality_share_pct"], 2))))
    # i18n: column headers of the summary table (a figure's name, its value)
    out = pd.DataFrame(rows, columns=[_("Figure"), _("Value")])
    out.index = range(1, len(out) + 1)
    return out


def display_table(units: pd.DataFrame, highlight: str | None = None) -> pd.DataFrame:
    """The units as a readable table (numbers formatted with thin spaces), largest first."""
    t = units.sort_values("population_2023", ascending=False).reset_index(drop=True)
    # i18n: a municipality that is not in the 2026 division, kept as a unit of its own
    names = [_("{name} (historical)").format(name=n) if k == "historical" else n
             for n, k in zip(t["name"], t["unit_kind"])]
    out = pd.DataFrame({
        _("Code"): t["code"],
        _("Municipality"): [n + (" ◀" if c == highlight else "") for n, c in zip(names, t["code"])],
        _("Population 31.12.2019"): t["population_2019"].astype("Int64"),
        _("Population 31.12.2023"): t["population_2023"].astype("Int64"),
        _("Change"): t["change"].astype("Int64"),
        _("Change %"): t["change_pct"].astype(float),
        # i18n: a table column of remarks (mergers counted in a municipality's figures)
        _("Note"): t["note"].fillna(""),
    })
    out.index = range(1, len(out) + 1)
    return out


def display_regions(reg_tab: pd.DataFrame, highlight: str | None = None) -> pd.DataFrame:
    """The 19 regions' totals as a readable table, ranked by population 2023."""
    t = reg_tab.sort_values("rank_population_2023")
    out = pd.DataFrame({
        _("Code"): ["MK" + c for c in t.index],
        _("Region"): [n + (" ◀" if c == highlight else "") for n, c in zip(t["name"], t.index)],
        _("Population 31.12.2019"): t["population_2019"].astype("Int64").to_numpy(),
        _("Population 31.12.2023"): t["population_2023"].astype("Int64").to_numpy(),
        _("Change %"): t["change_pct"].astype(float).to_numpy(),
        _("Rank by population"): t["rank_population_2023"].astype(int).to_numpy(),
        _("Rank by change %"): t["rank_change_pct"].astype(int).to_numpy(),
    })
    out.index = range(1, len(out) + 1)
    return out


def method_note(prof: RegionProfile) -> str:
    """Markdown: how the figures for this area were formed, including the historical units."""
    reg = areas.reader_name(prof.region)
    lines = [
        _("**Method.** Figures are placed in the **2026 municipal division** (area registry). {region}'s totals "
          "are the sums of its units' populations: its 2026 member municipalities plus any historical "
          "municipality assigned to it; the 19 region totals add up to the official national totals "
          "({total_2019} in 2019, {total_2023} in 2023). 2019 figures are placed in 2026 regions (the five "
          "municipalities that changed region on 1.1.2021 count in their 2026 region in both years). Change % = "
          "100 × (2023 − 2019) / 2019. Nothing is estimated.").format(
            region=reg, total_2019=analysis.format_number(NATIONAL_TOTAL_2019),
            total_2023=analysis.format_number(NATIONAL_TOTAL_2023)),
    ]
    if prof.historical.empty:
        lines.append("\n\n" + _("**{region}** has the same municipalities in 2019, 2023 and 2026: no historical "
                                 "municipality or merger affects its figures.").format(region=reg))
    else:
        lines.append("\n\n" + _("**Historical municipalities in {region}** (listed in the table below):").format(
            region=reg))
        for _i, r in prof.historical.iterrows():
            lines.append(f"\n- {r['name']} {r['code']}: {r['status']} — {r['treatment']}.")
    return "".join(lines)


# ----------------------------------------------------------------------------- sections


def heading(res: RegionProfile):
    """The area's name and kind as the report's first heading."""
    name, code = areas.reader_name(res.area), res.area.statfin_code
    if res.is_municipality:
        # i18n: the report's first heading: a municipality's name and code, then the region it belongs to
        text = _("{area} ({code}) — a municipality of {region}").format(
            area=name, code=code, region=areas.reader_name(res.region))
    else:
        # i18n: the report's first heading: a region's name and code
        text = _("{area} ({code}) — region").format(area=name, code=code)
    return display.markdown("## " + text)


def summary(res: RegionProfile):
    """The headline figures as a table."""
    return display.table(summary_table(res))


def method(res: RegionProfile):
    """How the figures are formed, with the historical municipalities of the area's region."""
    text = method_note(res)
    if not res.historical.empty:
        shown = res.historical.rename(columns={k: _(v) for k, v in HISTORICAL_HEADERS.items()})
        text += "\n\n" + display.markdown_table(shown)
    return display.markdown(text)


#: the reader's headers of the table of historical municipalities
HISTORICAL_HEADERS = {
    # i18n: headers of the table of historical municipalities: its code, its name, its region's code
    "code": N_("Code"), "name": N_("Name"), "region_code": N_("Region"),
    # i18n: headers of the table of historical municipalities: what happened to it, how its figures are counted
    "status": N_("Status"), "treatment": N_("Treatment"),
    "population_2019_published": N_("Population 2019 as published"),
    "population_2023_published": N_("Population 2023 as published")}


def units_table(res: RegionProfile):
    """Every municipality of the region, largest first (a chosen municipality marked ◀)."""
    return display.table(display_table(res.units, highlight=res.area.code if res.is_municipality else None))


def regions_table(res: RegionProfile):
    """The 19 regions' totals and ranks."""
    return display.table(display_regions(res.regions_table, highlight=res.region.code), decimals=2)


def _map_source(res: RegionProfile) -> str:
    return provenance.source_caption([POP_2019, POP_2023, MUNI_GEOMETRY], res.snapshot)


def population_map(res: RegionProfile):
    """The region's municipalities by population on 31.12.2023."""
    gdf = unit_map_frame(res.snapshot, res.region.code, res.units, res.boundaries(res.region.code))
    return plotting.choropleth(
        gdf, "population_2023", highlight=res.area.code if res.is_municipality else None,
        legend_title=_("Population 31.12.2023 (persons)"),
        title=_("Population of {region}'s municipalities, 31.12.2023").format(region=areas.reader_name(res.region)),
        source=_map_source(res))


def change_map(res: RegionProfile):
    """The region's municipalities by population change 2019–2023."""
    gdf = unit_map_frame(res.snapshot, res.region.code, res.units, res.boundaries(res.region.code))
    return plotting.choropleth(
        gdf, "change_pct", highlight=res.area.code if res.is_municipality else None, decimals=1, centre=0,
        legend_title=_("Population change 31.12.2019–31.12.2023 (%)"),
        title=_("Population change 2019–2023 in {region}'s municipalities").format(
            region=areas.reader_name(res.region)), source=_map_source(res))


def rank_chart(res: RegionProfile):
    """Population change 2019–2023 of the area's peers (regions, or its region's municipalities)."""
    if res.is_municipality:
        bars = res.units.set_index("name")["change_pct"]
        title = _("Population change 2019–2023: the municipalities of {region}").format(
            region=areas.reader_name(res.region))
    else:
        bars = res.regions_table.set_index("name")["change_pct"]
        title = _("Population change 2019–2023: Finland's 19 regions (2026 division)")
    return plotting.bar_chart(
        bars, highlight=areas.reader_name(res.area), value_label=_("Population change 31.12.2019–31.12.2023"),
        units="%", decimals=1, title=title,
        size=(plotting.WIDTH, max(4.5, 0.3 * len(bars) + 1.8)),
        source=provenance.source_caption([POP_2019, POP_2023], res.snapshot))


# ----------------------------------------------------------------------------- longer views


def _series_source(res: RegionProfile, *resources: str) -> str:
    return provenance.source_caption(list(resources), res.snapshot)


def population_chart(res: RegionProfile):
    """Population 2000–2023 of the area and the comparison area as an index, 2000 = 100."""
    idx = profile_series.indexed(res.population, 2000)
    return plotting.line_chart(
        idx, title=_("Population 2000–2023, index 2000 = 100: {area} and {other}").format(
            area=areas.reader_name(res.area), other=areas.reader_name(res.compare_area, in_sentence=True)),
        y_label=_("Population, index 2000 = 100"), x_label=_("Year"), decimals=0, markers=False,
        highlight=profile_series._label(res.area), source=_series_source(res, profile_series.POPULATION))


def population_table(res: RegionProfile):
    """Population on 31.12. every fifth year and the last year, with the change since 2000."""
    pop = res.population
    years = [y for y in pop.index if y % 5 == 0 or y == pop.index.max()]
    shown = pop.loc[years].astype("Int64").reset_index().rename(columns={"year": _("Year")})
    intro = _("Population on 31 December. A region and the whole country are the sums of their "
              "municipalities in the 2026 division (a derived figure; merged municipalities are counted "
              "in their successor, Pertunmaa as its own unit in Etelä-Savo). 2000–2022: Statistics Finland "
              "via THL Sotkanet (indicator 127); 2023: Statistics Finland's figures as listed in Finnish "
              "Wikipedia's list of municipalities, checked against the official national total.")
    return display.table(shown, name="population_2000_2023", title=_("Population 2000–2023"),
                         source=_series_source(res, profile_series.POPULATION), intro=intro,
                         data=pop.reset_index())


def jobs_table(res: RegionProfile):
    """Jobs 2017 by industry (TOL 2008 section), the area's shares against the country's."""
    j = res.jobs
    shown = pd.DataFrame({
        _("Section"): j["section"], _("Industry"): j["industry"], _("Jobs 2017"): j["jobs"].astype("Int64"),
        _("Share, %"): j["share_pct"], _("Whole country, %"): j["country_share_pct"],
        _("Location quotient"): j["location_quotient"]})
    intro = _("Jobs at the workplace at the end of 2017 by industry (Paavo, Statistics Finland). The whole "
              "country is the sum of all municipalities; the location quotient is the area's share divided "
              "by the country's (derived; above 1 = more concentrated than in Finland). Paavo leaves out jobs "
              "without map coordinates, so its sums run slightly below the employment statistics.")
    return display.table(shown, decimals={_("Location quotient"): 2}, name="jobs_by_industry_2017",
                         title=_("Jobs 2017 by industry"), source=_series_source(res, profile_series.PAAVO),
                         intro=intro, data=j)


def jobs_chart(res: RegionProfile):
    """The area's and the country's share of jobs by industry, 2017."""
    j = res.jobs[~res.jobs["section"].isin(["X", "U"])]
    frame = pd.DataFrame({areas.reader_name(res.area): j["share_pct"].to_numpy(),
                          _("Whole country"): j["country_share_pct"].to_numpy()},
                         index=[f"{s} {_(profile_series.SECTION_SHORT[s])}" for s in j["section"]])
    return plotting.bar_chart(
        frame, title=_("Jobs by industry 2017: {area} and the whole country").format(area=areas.reader_name(res.area)),
        value_label=_("Share of all jobs"), units="%", decimals=1, value_labels=False,
        source=_series_source(res, profile_series.PAAVO))


_ACTIVITY = {"employed": N_("Employed"), "unemployed": N_("Unemployed"), "students": N_("Students"),
             "pensioners": N_("Pensioners"), "children_0_14": N_("Children aged 0–14"), "others": N_("Others")}


def activity_table(res: RegionProfile):
    """Inhabitants by main activity at the end of 2017, shares against the country's."""
    a = res.activity
    shown = pd.DataFrame({_("Main activity"): [_(_ACTIVITY[c]) for c in a["activity"]],
                          _("Persons"): a["persons"].astype("Int64"), _("Share, %"): a["share_pct"],
                          _("Whole country, %"): a["country_share_pct"]})
    intro = _("Inhabitants at the end of 2017 by main activity (Paavo, Statistics Finland); shares of all "
              "inhabitants (derived).")
    return display.table(shown, name="main_activity_2017", title=_("Main activity 2017"),
                         source=_series_source(res, profile_series.PAAVO), intro=intro, data=a)


_RATE = {"unemployment_rate_pct": N_("Unemployment rate, %"), "employment_rate_pct": N_("Employment rate, %")}


def rates_table(res: RegionProfile):
    """Unemployment and employment rate from the 2018 and 2022 editions of the key figures."""
    ed = res.rates.editions.copy()
    ed.insert(0, _("Figure"), [_(_RATE[i]) for i in ed.pop("indicator")])
    ed = ed.rename(columns={"edition": _("Edition"), "year": _("Year")})
    intro = _("Statistics Finland's municipal key figures: the unemployment rate is the unemployed as a "
              "share of the labour force (employment statistics, end of year), the employment rate the "
              "employed as a share of the population of the same age (20–64 in the 2022 edition). The two "
              "editions are shown side by side, not joined into one series.")
    return display.table(ed, name="labour_rates", title=_("Unemployment and employment rate"),
                         source=_series_source(res, profile_series.KEY_2018, profile_series.KEY_2022),
                         intro=intro)


def rates_chart(res: RegionProfile):
    """The 2006–2016 series of a municipality (regions have none in that table)."""
    if res.rates.series is None:
        return display.markdown(_("The 2006–2016 series of the key figures is published for municipalities "
                                  "only; for a region the table above gives the 2016 and 2020 values."))
    s = res.rates.series.rename(columns={k: _(v) for k, v in _RATE.items()})
    return plotting.line_chart(
        s, title=_("Unemployment and employment rate 2006–2016: {area}").format(area=areas.reader_name(res.area)),
        y_label=_("Rate"), units="%", x_label=_("Year"), decimals=0,
        source=_series_source(res, profile_series.KEY_SERIES))
