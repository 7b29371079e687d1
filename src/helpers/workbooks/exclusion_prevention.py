"""The ``exclusion_prevention`` workbook: young people outside work and study, and the
municipal exclusion indicators (:mod:`.indicators`).

Three parts:

1. **Young people by main activity, 2016** (``youth_main_activity_region_2016``, Statistics
   Finland employment statistics, 19 regions of the 2016 division and the whole country).
   :func:`youth_rates` gives, per region,

   * ``unemployment_rate_pct`` - the published rate "unemployed, % of the labour force"
     (labour force = employed + unemployed); checked against the counts;
   * ``outside_work_study_pct`` - **unemployed + others outside the labour force, as % of
     all 18-24-year-olds**: the table's closest measure to NEET. It leaves out pensioners
     and conscripts / civilian servicemen (neither working nor studying, but in the table's
     own categories), and it is *not* the official NEET rate (Eurostat's comes from the
     Labour Force Survey and also counts people in training).

   Ranks: 1 = the highest rate among the 19 regions.

2. **Sotkanet values held offline** (``sotkanet_values``): :func:`sotkanet_values_for`.

3. **Live Sotkanet indicators** (catalog datasets ``sotkanet_*`` listing this workbook; absent
   from the snapshot until ``workbooks data refresh``). Their pinned format is the frame
   :meth:`helpers.sources.sotkanet.Sotkanet.data_with_regions` returns: ``indicator, region,
   year, gender, value, abs_value`` plus ``region_code, region_category, region_name``
   (Sotkanet's official code and category for its internal region id).
   :func:`shape_sotkanet` turns that into official area codes (and also accepts the bare
   :func:`~helpers.sources.sotkanet.parse_data` frame together with a ``/regions`` frame).
   If the refresh code pins a different layout, only :func:`shape_sotkanet` needs to change.
   Municipalities without a published value (Sotkanet suppresses small numbers by leaving the
   value out) are kept as rows with ``value`` NaN and ``status`` "suppressed or not
   published" - never 0.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from .. import analysis, display, keyfigures, notebook, plotting, provenance, regions
from . import geometry, indicators
from .geometry import MUNI_GEOMETRY, REGION_GEOMETRY
from .indicators import SUPPRESSED

YOUTH = "youth_main_activity_region_2016"
SOTKANET_VALUES = "sotkanet_values"

#: measure codes of the youth table -> English column names
YOUTH_MEASURES = {
    "tyolliset": "employed",
    "tyottomat": "unemployed",
    "opiskelijat": "students",
    "elakelaiset": "pensioners",
    "varusmiehet_siviilipalvelusmiehet": "conscripts",
    "muut_tyovoiman_ulkopuolella": "other_outside_labour_force",
    "vaesto_18_24": "population_18_24",
    "tyollisten_osuus_vaestosta": "employment_rate_pct_published",
    "tyottomien_osuus_tyovoimasta": "unemployment_rate_pct",
}
_CATEGORIES = ["employed", "unemployed", "students", "pensioners", "conscripts",
               "other_outside_labour_force"]



# ----------------------------------------------------------------------------- youth 2016


def youth_rates(snap) -> pd.DataFrame:
    """Wide table of the youth resource, one row per area code (19 regions + "SSS").

    Adds ``labour_force`` (employed + unemployed), ``outside_work_study`` (unemployed +
    other outside the labour force), ``outside_work_study_pct`` (of the 18-24 population),
    ``unemployment_rate_computed_pct`` and the ranks ``rank_unemployment_rate`` /
    ``rank_outside_work_study`` among the 19 regions (1 = highest). Raises if the six
    categories do not add up to the population or the published unemployment rate does not
    match the counts (to its one decimal).
    """
    raw = snap.load(YOUTH)
    unknown = sorted(set(raw["measure"]) - set(YOUTH_MEASURES))
    if unknown:
        raise ValueError(f"{YOUTH}: unknown measures {unknown}; expected {sorted(YOUTH_MEASURES)}")
    wide = raw.pivot(index="maakunta", columns="measure", values="value").rename(columns=YOUTH_MEASURES)
    wide = wide.astype("float64")
    wide.index = wide.index.astype(str)
    wide.index.name = "code"
    names = raw.drop_duplicates("maakunta").set_index("maakunta")["alue"]
    wide.insert(0, "name", names.reindex(wide.index).astype(str))
    cat_sum = wide[_CATEGORIES].sum(axis=1)
    bad = wide.index[cat_sum != wide["population_18_24"]]
    if len(bad):
        raise ValueError(f"{YOUTH}: the six categories do not add up to the population for {list(bad)}")
    wide["labour_force"] = wide["employed"] + wide["unemployed"]
    wide["unemployment_rate_computed_pct"] = analysis.share(wide["unemployed"], wide["labour_force"])
    off = (wide["unemployment_rate_computed_pct"].round(1) - wide["unemployment_rate_pct"]).abs()
    if (off > 0.051).any():
        raise ValueError(f"{YOUTH}: published unemployment rate does not match the counts for "
                         f"{list(wide.index[off > 0.051])}")
    wide["outside_work_study"] = wide["unemployed"] + wide["other_outside_labour_force"]
    wide["outside_work_study_pct"] = analysis.share(wide["outside_work_study"], wide["population_18_24"])
    reg = wide.index != regions.COUNTRY_CODE
    for col, rk in (("unemployment_rate_pct", "rank_unemployment_rate"),
                    ("outside_work_study_pct", "rank_outside_work_study")):
        wide[rk] = pd.Series(pd.NA, index=wide.index, dtype="Int64")
        wide.loc[reg, rk] = analysis.rank(wide.loc[reg, col])
    order = sorted(wide.index, key=lambda c: (c == regions.COUNTRY_CODE, c))
    return wide.loc[order]


def youth_region(area, snap) -> tuple[str, str]:
    """The 2016 region whose figures describe ``area``, and a sentence saying why.

    A region is itself. A municipality is placed in the region that contained it in the
    2020 division (``maakunta_2020`` of the 2020 boundaries; no region changes between 2016
    and 2020 are recorded in the project's sources); if that differs from its 2026 region
    (the 2021 transfers) the sentence says so.
    """
    area = regions.resolve(area)
    if area.kind == "region":
        note = f"{area.label} (MK{area.code}) in the 2016 regional division."
        return area.code, note
    if area.kind != "municipality":
        raise ValueError(f"area={area.label!r} is a {area.kind}; give a region or a municipality")
    geo = snap.load(MUNI_GEOMETRY)
    row = geo[geo["kunta"].astype(str) == area.code]
    if row.empty:
        raise ValueError(f"{area.label} ({area.code}) is not in {MUNI_GEOMETRY}; its 2016 region is unknown")
    old = str(row["maakunta_2020"].iloc[0])
    old_name = regions.resolve("MK" + old).label  # its 2020 region (may differ from region_of)
    note = (f"{area.label} is a municipality: the 2016 table has regions only, so the figures "
            f"shown are those of its region {old_name} (MK{old}).")
    if old != area.region_code:
        new_name = regions.region_of(area).label
        note += (f" {area.label} moved to {new_name} (MK{area.region_code}) on 1.1.2021; in 2016 "
                 f"it belonged to {old_name}, whose 2016 figures include it.")
    return old, note


def youth_summary(rates: pd.DataFrame, code: str, compare: str = regions.COUNTRY_CODE) -> dict:
    """Key figures for one region of :func:`youth_rates` (plain JSON-safe values)."""
    if code not in rates.index:
        close = difflib.get_close_matches(code, list(rates.index), n=3)
        raise ValueError(f"region code {code!r} is not in the 2016 youth table; codes: {list(rates.index)}"
                         + (f"; closest {close}" if close else ""))
    r = rates.loc[code]
    out = {
        "youth_region": f"MK{code} {r['name']}",
        "youth_population_18_24_2016": int(r["population_18_24"]),
        "youth_unemployed_2016": int(r["unemployed"]),
        "youth_other_outside_labour_force_2016": int(r["other_outside_labour_force"]),
        "youth_unemployment_rate_2016_pct": float(r["unemployment_rate_pct"]),
        "youth_outside_work_study_2016_pct": round(float(r["outside_work_study_pct"]), 2),
        "rank_youth_unemployment_rate_2016": int(r["rank_unemployment_rate"]),
        "rank_youth_outside_work_study_2016": int(r["rank_outside_work_study"]),
        "n_regions_2016": int((rates.index != regions.COUNTRY_CODE).sum()),
    }
    if compare in rates.index:
        c = rates.loc[compare]
        cname = "Koko maa" if compare == regions.COUNTRY_CODE else f"MK{compare} {c['name']}"
        out.update({
            "youth_compare_area": cname,
            "youth_compare_unemployment_rate_2016_pct": float(c["unemployment_rate_pct"]),
            "youth_compare_outside_work_study_2016_pct": round(float(c["outside_work_study_pct"]), 2),
        })
    return out


def youth_display(rates: pd.DataFrame, codes) -> pd.DataFrame:
    """Readable rows of :func:`youth_rates` for the given area codes (repeats dropped)."""
    fmt = analysis.format_number
    t = rates.loc[list(dict.fromkeys(codes))]
    out = pd.DataFrame({
        "Area": t["name"],
        "18–24-year-olds": [fmt(v) for v in t["population_18_24"]],
        "Employed": [fmt(v) for v in t["employed"]],
        "Students": [fmt(v) for v in t["students"]],
        "Unemployed": [fmt(v) for v in t["unemployed"]],
        "Others outside the labour force": [fmt(v) for v in t["other_outside_labour_force"]],
        "Unemployment rate %": [fmt(v, 1) for v in t["unemployment_rate_pct"]],
        "Outside work and study %": [fmt(v, 1) for v in t["outside_work_study_pct"]],
        "Rank: unemployment rate": ["" if pd.isna(v) else f"{int(v)} of 19" for v in t["rank_unemployment_rate"]],
        "Rank: outside work and study": ["" if pd.isna(v) else f"{int(v)} of 19" for v in t["rank_outside_work_study"]],
    })
    out.index = ["MK" + c if c != regions.COUNTRY_CODE else c for c in t.index]
    return out


def youth_map_frame(snap, rates: pd.DataFrame):
    """The 2020 region polygons with the 2016 rates joined (EPSG:3067)."""
    geo = snap.load(REGION_GEOMETRY).rename(columns={"maakunta": "code", "nimi": "name_fi"})
    geo = geo[["code", "name_fi", "geometry"]]
    cols = ["unemployment_rate_pct", "outside_work_study_pct", "population_18_24"]
    out = geo.merge(rates[cols], left_on="code", right_index=True, how="left")
    missing = sorted(set(rates.index) - set(out["code"]) - {regions.COUNTRY_CODE})
    if missing:
        raise ValueError(f"no region polygon for {missing}")
    return out.sort_values("code").reset_index(drop=True)


# ----------------------------------------------------------------------------- offline Sotkanet values


def sotkanet_values_for(area, snap) -> pd.DataFrame:
    """Rows of ``sotkanet_values`` about ``area``: a municipality's own rows; for a region,
    its own (MAAKUNTA) rows and those of its member municipalities. Columns for display."""
    area = regions.resolve(area)
    df = snap.load(SOTKANET_VALUES)
    code = df["area_code"].astype(str)
    cat = df["area_category"].astype(str)
    if area.kind == "municipality":
        mask = (cat == "KUNTA") & (code == area.code)
    elif area.kind == "region":
        members = {m.code for m in regions.members(area)}
        mask = ((cat == "MAAKUNTA") & (code == area.code)) | ((cat == "KUNTA") & code.isin(members))
    else:
        mask = cat == "MAA"
    out = df.loc[mask, ["indicator_id", "indicator_title_fi", "title_status", "area_name", "area_category",
                        "year", "value", "abs_value", "caveat"]]
    out = out.sort_values(["indicator_id", "area_name", "year"]).reset_index(drop=True)
    out["indicator_title_fi"] = out["indicator_title_fi"].fillna("(title not verified)")
    out.index = range(1, len(out) + 1)
    return out


# ----------------------------------------------------------------------------- the workbook

HEADLINE = (
    keyfigures.Spec("youth_outside_work_study_2016_pct", "18–24-year-olds outside work and study 2016", "%", 1),
    keyfigures.Spec("rank_youth_outside_work_study_2016", "Rank among the 19 regions (1 = highest)"),
    keyfigures.Spec("youth_unemployment_rate_2016_pct", "Youth unemployment rate 2016", "%", 1),
    keyfigures.Spec("youth_compare_outside_work_study_2016_pct", "Outside work and study, comparison area", "%", 1),
)


@dataclass
class ExclusionPrevention:
    area: regions.Area
    compare_to: regions.Area
    rates: pd.DataFrame
    youth_code: str
    youth_note: str
    youth: dict
    held: pd.DataFrame
    loaded: dict
    missing: list
    composite_table: pd.DataFrame | None
    composite_result: object | None
    years: tuple[int, int]
    figures: dict
    headline: tuple = HEADLINE
    snapshot: object = None

    @property
    def region(self) -> regions.Area:
        return self.area if self.area.kind == "region" else regions.region_of(self.area)

    @property
    def highlight(self) -> str | None:
        return self.area.code if self.area.kind == "municipality" else None


def compute(params, snapshot) -> ExclusionPrevention:
    area, compare = params["area"], params["compare_to"]
    start, end = params["start_year"], params["end_year"]
    rates = youth_rates(snapshot)
    youth_code, youth_note = youth_region(area, snapshot)
    youth = youth_summary(rates, youth_code, compare.code)
    held = sotkanet_values_for(area, snapshot)
    loaded, missing = indicators.load_indicators(snapshot)
    table = result = None
    if loaded:
        table, result = indicators.composite(loaded, indicators.map_year(next(iter(loaded.values())), end))
    figures = {"area": f"{area.statfin_code} {area.label}", **youth, "sotkanet_sample_rows_for_area": len(held)}
    figures.update(indicators.live_key_figures(loaded, area, end, table) if loaded else {"live_indicators_pinned": 0})
    return ExclusionPrevention(area, compare, rates, youth_code, youth_note, youth, held, loaded, missing, table,
                               result, (start, end), figures, snapshot=snapshot)


def youth_table(res: ExclusionPrevention):
    shown = youth_display(res.rates, [res.youth_code, res.compare_to.code, regions.COUNTRY_CODE])
    return display.markdown(res.youth_note + "\n\n" + display.markdown_table(shown.reset_index(names="Code")))


def _youth_map(res: ExclusionPrevention, column: str, legend: str, title: str):
    return plotting.choropleth(
        youth_map_frame(res.snapshot, res.rates), column, highlight=res.youth_code, decimals=1, labels=False,
        legend_title=legend, title=title, source=provenance.source_caption([YOUTH, REGION_GEOMETRY], res.snapshot))


def youth_unemployment_map(res: ExclusionPrevention):
    return _youth_map(res, "unemployment_rate_pct", "Unemployed, % of the 18–24 labour force",
                      "Youth unemployment rate (18–24) by region, end of 2016")


def youth_outside_map(res: ExclusionPrevention):
    return _youth_map(res, "outside_work_study_pct", "Unemployed + others outside the labour force, % of 18–24-year-olds",
                      "18–24-year-olds outside both work and study by region, end of 2016")


def youth_rank_chart(res: ExclusionPrevention):
    bars = res.rates.drop(index=regions.COUNTRY_CODE).set_index("name")["outside_work_study_pct"]
    name = res.rates.loc[res.youth_code, "name"]
    return plotting.bar_chart(
        bars, highlight=name, decimals=1,
        value_label="Unemployed + others outside the labour force, % of 18–24-year-olds",
        title=f"Outside both work and study, 2016: {name} is "
              f"{res.youth['rank_youth_outside_work_study_2016']} of 19 (1 = highest)",
        source=provenance.source_caption([YOUTH], res.snapshot))


def held_values(res: ExclusionPrevention):
    if not len(res.held):
        return display.markdown(f"No Sotkanet value about {res.area.label} is held offline.")
    return display.table(res.held)


def indicator_sections(res: ExclusionPrevention):
    """For every pinned live indicator: a map of the region's municipalities and a trend."""
    from IPython.display import display as show

    show(display.markdown(indicators.missing_indicators_note(res.missing)))
    start, end = res.years
    for dataset, shaped in res.loaded.items():
        resource = notebook.dataset_resource(dataset)
        ind, year = indicators.label(dataset), indicators.map_year(shaped, end)
        if year is None:
            show(display.markdown(f"`{dataset}` has no municipal values up to {end}."))
            continue
        gdf = geometry.municipalities(res.snapshot, res.region.code).merge(
            indicators.municipal_values(shaped, year)[["code", "value"]], on="code", how="left")
        show(plotting.choropleth(
            gdf, "value", highlight=res.highlight, missing_label=SUPPRESSED, decimals=1,
            legend_title=f"{ind.label} ({ind.unit})", k=min(5, max(2, int(gdf["value"].notna().sum()) - 1)),
            title=f"{ind.label}, {year}: municipalities of {res.region.label}",
            source=provenance.source_caption([resource, MUNI_GEOMETRY], res.snapshot)))
        trend = indicators.trend_table(shaped, indicators.trend_areas(res.area, res.compare_to), start, end)
        if len(trend):
            show(plotting.line_chart(
                trend, y_label="Value", units=ind.unit, highlight=res.area.label if res.area.label in trend else None,
                title=f"{ind.label}, {trend.index.min()}–{trend.index.max()}", x_label="Year",
                source=provenance.source_caption([resource], res.snapshot)))


def composite_table(res: ExclusionPrevention):
    if res.composite_table is None:
        return display.markdown("No composite index: none of its indicators is in this snapshot.")
    shown = indicators.composite_display(res.composite_table, res.region.code, res.highlight)
    return display.markdown("**Method.** " + res.composite_result.method + "\n\n" + display.markdown_table(shown))


def composite_map(res: ExclusionPrevention):
    if res.composite_table is None:
        return None
    gdf = geometry.municipalities(res.snapshot, res.region.code).merge(
        res.composite_table[["code", "index"]], on="code", how="left")
    sources = [notebook.dataset_resource(d) for d in res.loaded] + [MUNI_GEOMETRY]
    return plotting.choropleth(
        gdf, "index", highlight=res.highlight, missing_label="no index (too few indicators)", decimals=2,
        legend_title="Composite index (mean z-score; higher = higher risk)",
        title=f"Composite exclusion index: municipalities of {res.region.label}",
        source=provenance.source_caption(sources, res.snapshot))
