"""The ``region_profile`` workbook: the population profile of a region or municipality.

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
from . import geometry
from .geometry import MUNI_GEOMETRY

POP_2019 = "population_municipality_2019"
POP_2023 = "population_municipality_2023"
#: Statistics Finland's official population of Finland on 31.12.2019 / 31.12.2023
NATIONAL_TOTAL_2019 = 5_525_292
NATIONAL_TOTAL_2023 = 5_603_851

_UNIT_COLUMNS = ["code", "name", "region_code", "unit_kind", "population_2019", "population_2023",
                 "change", "change_pct", "note"]


def _population(frame: pd.DataFrame, what: str) -> pd.Series:
    """Series code -> population; codes must be unique, known to the registry and non-missing."""
    if frame["kunta"].duplicated().any():
        dup = sorted(frame.loc[frame["kunta"].duplicated(), "kunta"])
        raise ValueError(f"{what}: municipality codes appear twice: {dup}")
    for code in frame["kunta"]:
        regions.resolve(str(code), allow_historical=True)  # raises AreaNotFoundError naming it
    pop = pd.Series(frame["population"].to_numpy(dtype="float64"), index=frame["kunta"].astype(str))
    if pop.isna().any():
        raise ValueError(f"{what}: population missing for {sorted(pop[pop.isna()].index)}")
    return pop


def population_units(snap, *, check_totals: bool = True) -> pd.DataFrame:
    """One row per unit of the 2026 division (see the module docstring for the method).

    Columns: ``code``, ``name``, ``region_code`` (2026 region; a historical unit's own
    region), ``unit_kind`` ("municipality" or "historical"), ``population_2019`` (on the
    unit's 2023 area), ``population_2023``, ``change``, ``change_pct`` and ``note`` (the
    merger added, if any). With ``check_totals`` the sums must equal the official national
    totals for 31.12.2019 and 31.12.2023.
    """
    p19 = _population(snap.load(POP_2019), POP_2019)
    p23 = _population(snap.load(POP_2023), POP_2023)
    rows = []
    hist = {a.code: a for a in regions.areas(include_historical=True)
            if a.kind == "municipality" and a.historical}
    merged_into: dict[str, list] = {}
    for code, a in hist.items():
        if a.successor_code:
            merged_into.setdefault(a.successor_code, []).append(a)
    for m in regions.municipalities():
        v19 = p19.get(m.code, float("nan"))
        v23 = p23.get(m.code, float("nan"))
        notes = []
        for pred in merged_into.get(m.code, []):
            add = p19.get(pred.code, float("nan"))
            v19 = v19 + add
            notes.append(
                f"2019 includes {pred.name_fi} {pred.code} ({analysis.format_number(add)}), "
                f"merged into {m.name_fi} (its last day: {pred.valid_to or 'not documented'})"
            )
        rows.append((m.code, m.name_fi, m.region_code, "municipality", v19, v23, "; ".join(notes)))
    for code, a in sorted(hist.items()):
        if a.successor_code:
            continue
        if code not in p19.index and code not in p23.index:
            continue
        rows.append((code, a.name_fi, a.region_code, "historical",
                     p19.get(code, float("nan")), p23.get(code, float("nan")),
                     f"historical: in the {'2019 and 2023' if code in p23.index else '2019'} data, "
                     "not in the 2026 division; successor not documented, kept as its own unit "
                     f"in its region of the data years ({a.region_code})"))
    out = pd.DataFrame(rows, columns=["code", "name", "region_code", "unit_kind", "population_2019",
                                      "population_2023", "note"])
    out["change"] = out["population_2023"] - out["population_2019"]
    out["change_pct"] = analysis.growth(out["population_2019"], out["population_2023"])
    out = out[_UNIT_COLUMNS]
    # every source row must be used exactly once
    used19 = set(out["code"]) | {a.code for v in merged_into.values() for a in v}
    unused = sorted(set(p19.index) - used19) + sorted(set(p23.index) - set(out["code"]))
    if unused:
        raise ValueError(f"population codes not placed in the 2026 division: {unused}")
    if check_totals:
        for col, official in (("population_2019", NATIONAL_TOTAL_2019),
                              ("population_2023", NATIONAL_TOTAL_2023)):
            total = out[col].sum(min_count=1)
            if total != official:
                raise ValueError(f"{col} sums to {total:,.0f}, not the official {official:,}")
    return out.reset_index(drop=True)


def historical_municipalities(snap) -> pd.DataFrame:
    """The source rows that are not a 2026 municipality on the same area, listed as published:
    the historical municipalities and the successors whose 2019 figure was combined."""
    p19 = _population(snap.load(POP_2019), POP_2019)
    p23 = _population(snap.load(POP_2023), POP_2023)
    rows = []
    for a in regions.areas(include_historical=True):
        if a.kind != "municipality" or not a.historical:
            continue
        if a.successor_code:
            succ = regions.resolve(a.successor_code)
            rows.append((a.code, a.name_fi, a.region_code, p19.get(a.code), p23.get(a.code),
                         f"merged into {succ.name_fi} {succ.code} (last day {a.valid_to})",
                         f"2019 figure added to its successor {succ.name_fi} {succ.code}"))
            rows.append((succ.code, succ.name_fi + " (own 2019 area)", succ.region_code,
                         p19.get(succ.code), p23.get(succ.code),
                         f"2019 figure on its 2020 boundary, before {a.name_fi} joined",
                         f"2019 figure combined with {a.name_fi} {a.code}'s"))
        else:
            rows.append((a.code, a.name_fi, a.region_code, p19.get(a.code), p23.get(a.code),
                         "in the 2019 and 2023 data, absent from the 2026 classification; "
                         "successor and date not documented",
                         "kept as its own unit in its region of the data years"))
    return pd.DataFrame(rows, columns=["code", "name", "region_code", "population_2019_published",
                                       "population_2023_published", "status", "treatment"])


def region_totals(units: pd.DataFrame) -> pd.DataFrame:
    """One row per region (index: 2-digit code): name, population_2019, population_2023,
    change, change_pct, n_units, rank_population_2023 (1 = largest), rank_change_pct
    (1 = fastest growth)."""
    g = units.groupby("region_code", sort=True)
    out = pd.DataFrame({
        "population_2019": g["population_2019"].sum(min_count=1),
        "population_2023": g["population_2023"].sum(min_count=1),
        "n_units": g.size(),
    })
    out.index.name = "region_code"
    known = {r.code: r for r in regions.regions()}
    extra = sorted(set(out.index) - set(known))
    if extra:
        raise ValueError(f"units carry unknown region codes {extra}; valid: {sorted(known)}")
    out.insert(0, "name", [known[c].name_fi for c in out.index])
    out["change"] = out["population_2023"] - out["population_2019"]
    out["change_pct"] = analysis.growth(out["population_2019"], out["population_2023"])
    out["rank_population_2023"] = analysis.rank(out["population_2023"])
    out["rank_change_pct"] = analysis.rank(out["change_pct"])
    return out


#: the figures a gallery card shows first, in this order
HEADLINE_REGION = (
    keyfigures.Spec("population_2023", "Population 31.12.2023", "persons"),
    keyfigures.Spec("change_pct", "Population change 2019–2023", "%", 2),
    keyfigures.Spec("compare_change_pct", "Change in the comparison area", "%", 2),
    keyfigures.Spec("rank_population_among_regions", "Rank by population among the 19 regions"),
    keyfigures.Spec("rank_change_among_regions", "Rank by change among the 19 regions"),
    keyfigures.Spec("largest_municipality_share_pct", "Largest municipality's share", "%", 1),
)
HEADLINE_MUNICIPALITY = (
    keyfigures.Spec("population_2023", "Population 31.12.2023", "persons"),
    keyfigures.Spec("change_pct", "Population change 2019–2023", "%", 2),
    keyfigures.Spec("compare_change_pct", "Change in the comparison area", "%", 2),
    keyfigures.Spec("rank_population_in_region", "Rank by population in its region"),
    keyfigures.Spec("share_of_region_population_2023_pct", "Share of its region's population", "%", 1),
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
                         regions_table=reg_tab, compare=cmp, snapshot=snap, headline=headline)


def compute(params, snapshot) -> RegionProfile:
    """The profile for the run's ``area`` compared with ``compare_to``."""
    return profile(params["area"], snapshot, params["compare_to"])


def unit_map_frame(snap, region_code: str, units: pd.DataFrame):
    """GeoDataFrame (EPSG:3067) of a region's 2026 municipalities (:func:`geometry.municipalities`)
    with their population figures: code, name_fi, population_2019, population_2023, change_pct."""
    geo = geometry.municipalities(snap, region_code)[["code", "name_fi", "geometry"]]
    return geo.merge(units[["code", "population_2019", "population_2023", "change_pct"]], on="code", how="left")


def region_map_frame(snap, reg_tab: pd.DataFrame):
    """The 19 region polygons (2020 boundaries) with the region totals joined."""
    out = geometry.regions_frame(snap).merge(reg_tab[["population_2019", "population_2023", "change_pct"]],
                                             left_on="code", right_index=True, how="left")
    return out.sort_values("code").reset_index(drop=True)


def summary_table(prof: RegionProfile) -> pd.DataFrame:
    """The headline figures as a two-column table (Figure, Value) for display."""
    f = prof.figures
    fmt = analysis.format_number
    rows = [
        ("Population 31.12.2019 (2026 division)", fmt(f["population_2019"])),
        ("Population 31.12.2023", fmt(f["population_2023"])),
        ("Change 2019–2023", f"{fmt(f['change'])} ({fmt(f['change_pct'], 2)} %)"),
        (f"Change in {f['compare_to']}", f"{fmt(f['compare_change_pct'], 2)} %"),
        ("Difference", f"{fmt(f['change_pct_minus_compare_pp'], 2)} percentage points"),
    ]
    if prof.is_municipality:
        n = f["n_units_in_region"]
        rows += [
            (f"Rank by population in {prof.region.label}", f"{f['rank_population_in_region']} of {n}"),
            (f"Rank by change % in {prof.region.label}", f"{f['rank_change_in_region']} of {n}"),
            (f"Share of {prof.region.label}'s population 2023", f"{fmt(f['share_of_region_population_2023_pct'], 2)} %"),
        ]
    else:
        n = f["n_regions"]
        rows += [
            ("Rank by population among regions", f"{f['rank_population_among_regions']} of {n}"),
            ("Rank by change % among regions", f"{f['rank_change_among_regions']} of {n}"),
        ]
    rows.append((f"Largest municipality of {prof.region.label} (2023)",
                 f"{f['largest_municipality']}: {fmt(f['largest_municipality_population_2023'])} = "
                 f"{fmt(f['largest_municipality_share_pct'], 2)} % of the region"))
    out = pd.DataFrame(rows, columns=["Figure", "Value"])
    out.index = range(1, len(out) + 1)
    return out


def display_table(units: pd.DataFrame, highlight: str | None = None) -> pd.DataFrame:
    """The units as a readable table (numbers formatted with thin spaces), largest first."""
    t = units.sort_values("population_2023", ascending=False).reset_index(drop=True)
    out = pd.DataFrame({
        "Code": t["code"],
        "Municipality": [n + (" ◀" if c == highlight else "") + (" (historical)" if k == "historical" else "")
                         for n, c, k in zip(t["name"], t["code"], t["unit_kind"])],
        "Population 31.12.2019": t["population_2019"].astype("Int64"),
        "Population 31.12.2023": t["population_2023"].astype("Int64"),
        "Change": t["change"].astype("Int64"),
        "Change %": t["change_pct"].astype(float),
        "Note": t["note"].fillna(""),
    })
    out.index = range(1, len(out) + 1)
    return out


def display_regions(reg_tab: pd.DataFrame, highlight: str | None = None) -> pd.DataFrame:
    """The 19 regions' totals as a readable table, ranked by population 2023."""
    t = reg_tab.sort_values("rank_population_2023")
    out = pd.DataFrame({
        "Code": ["MK" + c for c in t.index],
        "Region": [n + (" ◀" if c == highlight else "") for n, c in zip(t["name"], t.index)],
        "Population 31.12.2019": t["population_2019"].astype("Int64").to_numpy(),
        "Population 31.12.2023": t["population_2023"].astype("Int64").to_numpy(),
        "Change %": t["change_pct"].astype(float).to_numpy(),
        "Rank by population": t["rank_population_2023"].astype(int).to_numpy(),
        "Rank by change %": t["rank_change_pct"].astype(int).to_numpy(),
    })
    out.index = range(1, len(out) + 1)
    return out


def method_note(prof: RegionProfile) -> str:
    """Markdown: how the figures for this area were formed, including the historical units."""
    reg = prof.region
    lines = [
        f"**Method.** Figures are placed in the **2026 municipal division** (area registry). "
        f"{reg.label}'s totals are the sums of its units' populations: its 2026 member "
        f"municipalities plus any historical municipality assigned to it; the 19 region totals "
        f"add up to the official national totals ({analysis.format_number(NATIONAL_TOTAL_2019)} "
        f"in 2019, {analysis.format_number(NATIONAL_TOTAL_2023)} in 2023). 2019 figures are "
        f"placed in 2026 regions (the five municipalities that changed region on 1.1.2021 "
        f"count in their 2026 region in both years). Change % = 100 × (2023 − 2019) / 2019. "
        f"Nothing is estimated.",
    ]
    if prof.historical.empty:
        lines.append(
            f"\n\n**{reg.label}** has the same municipalities in 2019, 2023 and 2026: no "
            "historical municipality or merger affects its figures."
        )
    else:
        lines.append(f"\n\n**Historical municipalities in {reg.label}** (listed in the table below):")
        for _, r in prof.historical.iterrows():
            lines.append(f"\n- {r['name']} {r['code']}: {r['status']} — {r['treatment']}.")
    return "".join(lines)


# ----------------------------------------------------------------------------- sections


def heading(res: RegionProfile):
    """The area's name and kind as the report's first heading."""
    kind = f"a municipality of {res.region.label}" if res.is_municipality else "region"
    return display.markdown(f"## {res.area.label} ({res.area.statfin_code}) — {kind}")


def summary(res: RegionProfile):
    """The headline figures as a table."""
    return display.table(summary_table(res))


def method(res: RegionProfile):
    """How the figures are formed, with the historical municipalities of the area's region."""
    text = method_note(res)
    if not res.historical.empty:
        shown = res.historical.rename(columns={
            "code": "Code", "name": "Name", "region_code": "Region", "status": "Status", "treatment": "Treatment",
            "population_2019_published": "Population 2019 as published",
            "population_2023_published": "Population 2023 as published"})
        text += "\n\n" + display.markdown_table(shown)
    return display.markdown(text)


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
    gdf = unit_map_frame(res.snapshot, res.region.code, res.units)
    return plotting.choropleth(
        gdf, "population_2023", highlight=res.area.code if res.is_municipality else None,
        legend_title="Population 31.12.2023 (persons)",
        title=f"Population of {res.region.label}'s municipalities, 31.12.2023", source=_map_source(res))


def change_map(res: RegionProfile):
    """The region's municipalities by population change 2019–2023."""
    gdf = unit_map_frame(res.snapshot, res.region.code, res.units)
    return plotting.choropleth(
        gdf, "change_pct", highlight=res.area.code if res.is_municipality else None, decimals=1, centre=0,
        legend_title="Population change 31.12.2019–31.12.2023 (%)",
        title=f"Population change 2019–2023 in {res.region.label}'s municipalities", source=_map_source(res))


def rank_chart(res: RegionProfile):
    """Population change 2019–2023 of the area's peers (regions, or its region's municipalities)."""
    if res.is_municipality:
        bars = res.units.set_index("name")["change_pct"]
        what = f"the municipalities of {res.region.label}"
    else:
        bars = res.regions_table.set_index("name")["change_pct"]
        what = "Finland's 19 regions (2026 division)"
    return plotting.bar_chart(
        bars, highlight=res.area.label, value_label="Population change 31.12.2019–31.12.2023", units="%",
        decimals=1, title=f"Population change 2019–2023: {what}", size=(plotting.WIDTH, max(4.5, 0.3 * len(bars) + 1.8)),
        source=provenance.source_caption([POP_2019, POP_2023], res.snapshot))
