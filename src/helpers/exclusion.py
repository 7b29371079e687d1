"""Social-exclusion workbook logic (``exclusion_prevention``).

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
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import analysis, regions, workbook

__all__ = [
    "YOUTH",
    "SOTKANET_VALUES",
    "MUNI_GEOMETRY",
    "REGION_GEOMETRY",
    "YOUTH_MEASURES",
    "INDICATORS",
    "COMPOSITE",
    "SUPPRESSED",
    "youth_rates",
    "youth_region",
    "youth_summary",
    "youth_map_frame",
    "youth_display",
    "sotkanet_values_for",
    "shape_sotkanet",
    "load_indicators",
    "missing_indicators_note",
    "municipal_values",
    "municipal_map_frame",
    "trend_table",
    "composite",
    "composite_display",
    "map_year",
    "label",
    "trend_areas",
    "area_value",
    "live_key_figures",
]

YOUTH = "youth_main_activity_region_2016"
SOTKANET_VALUES = "sotkanet_values"
MUNI_GEOMETRY = "municipality_boundaries_2020"
REGION_GEOMETRY = "region_boundaries_2020"
SUPPRESSED = "suppressed or not published"

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


@dataclass(frozen=True)
class Indicator:
    dataset: str          # catalog dataset name
    label: str            # short English label for charts
    unit: str             # unit for axis / legend
    higher_is_worse: bool = True


#: The exclusion indicator set (catalog datasets, in display order).
INDICATORS = [
    Indicator("sotkanet_neet_17_24", "17–24-year-olds outside education", "% of the age group"),
    Indicator("sotkanet_youth_unemployed", "Youth unemployment (18–24)", "% of the 18–24 labour force"),
    Indicator("sotkanet_long_term_unemployed", "Long-term unemployed", "% of the labour force"),
    Indicator("sotkanet_unemployed", "Unemployed", "% of the labour force"),
    Indicator("sotkanet_social_assistance_18_24_long_term",
              "18–24-year-olds on long-term social assistance", "% of the age group"),
    Indicator("sotkanet_social_assistance_25_64", "25–64-year-olds on social assistance", "% of the age group"),
    Indicator("sotkanet_children_placed_outside_home", "Children (0–17) placed outside the home",
              "% of the age group"),
    Indicator("sotkanet_child_welfare_open_care", "Child-welfare open-care clients (0–17)", "% of the age group"),
    Indicator("sotkanet_low_income_rate", "Low-income rate", "% of the population"),
    Indicator("sotkanet_living_alone_75", "People aged 75+ living alone", "% of the age group"),
]
#: indicators combined in the composite index (all: a higher value = higher risk)
COMPOSITE = [
    "sotkanet_neet_17_24",
    "sotkanet_youth_unemployed",
    "sotkanet_long_term_unemployed",
    "sotkanet_social_assistance_18_24_long_term",
    "sotkanet_children_placed_outside_home",
    "sotkanet_low_income_rate",
]
_BY_NAME = {i.dataset: i for i in INDICATORS}


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
    old_name = regions.resolve("MK" + old).label
    note = (f"{area.label} is a municipality: the 2016 table has regions only, so the figures "
            f"shown are those of its region {old_name} (MK{old}).")
    if old != area.region_code:
        new_name = regions.resolve("MK" + area.region_code).label
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


# ----------------------------------------------------------------------------- live Sotkanet indicators

_KIND = {"KUNTA": "municipality", "MAAKUNTA": "region", "MAA": "country",
         "HYVINVOINTIALUE": "wellbeing_county"}


def shape_sotkanet(frame: pd.DataFrame, regions_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """A pinned Sotkanet indicator -> one row per (area, year, gender) with official codes.

    ``frame`` has the columns of :func:`helpers.sources.sotkanet.parse_data` (``indicator,
    region, year, gender, value[, abs_value]``) and either ``region_code`` and
    ``region_category`` (as :meth:`Sotkanet.data_with_regions` adds them), or a
    ``regions_frame`` from :func:`~helpers.sources.sotkanet.parse_regions` (``region, code,
    category``) is given to map Sotkanet's internal ids.

    Returns ``indicator, year, gender, value, abs_value, area_kind`` ("municipality",
    "region", "country", "wellbeing_county"), ``area_code`` (zero-padded official code: "853",
    "02", "SSS"; wellbeing counties keep Sotkanet's code), ``area_name`` and ``sotkanet_region``.
    Rows of other categories are dropped. Codes are zero-padded (Sotkanet may give "2" for a
    region). A row without a value stays NaN.
    """
    need = ["indicator", "region", "year", "gender", "value"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(f"Sotkanet frame lacks columns {missing}; it has {list(frame.columns)} "
                         "(expected the output of sources.sotkanet.parse_data / data_with_regions)")
    df = frame.copy()
    if "region_code" not in df.columns or "region_category" not in df.columns:
        if regions_frame is None:
            raise ValueError("the frame has no region_code/region_category columns; pass regions_frame "
                             "(sources.sotkanet.parse_regions output) to map Sotkanet region ids")
        reg = regions_frame[["region", "code", "category"] + (["title_fi"] if "title_fi" in regions_frame else [])]
        reg = reg.rename(columns={"code": "region_code", "category": "region_category", "title_fi": "region_name"})
        df = df.merge(reg, on="region", how="left")
        unmapped = sorted(df.loc[df["region_category"].isna(), "region"].unique().tolist())
        if unmapped:
            raise ValueError(f"Sotkanet region ids without a /regions entry: {unmapped[:10]}")
    if "abs_value" not in df.columns:
        df["abs_value"] = np.nan
    if "region_name" not in df.columns:
        df["region_name"] = None
    df = df[df["region_category"].astype(str).isin(_KIND)].copy()
    kind = df["region_category"].astype(str).map(_KIND)

    def _code(k, c):
        c = "" if c is None or (isinstance(c, float) and math.isnan(c)) else str(c).strip()
        if k == "country":
            return regions.COUNTRY_CODE
        if k == "municipality":
            return c.zfill(3)
        if k == "region":
            return c.zfill(2)
        return c

    out = pd.DataFrame({
        "indicator": df["indicator"].astype("int64").to_numpy(),
        "year": df["year"].astype("int64").to_numpy(),
        "gender": df["gender"].astype(str).to_numpy(),
        "value": pd.to_numeric(df["value"], errors="coerce").astype("float64").to_numpy(),
        "abs_value": pd.to_numeric(df["abs_value"], errors="coerce").astype("float64").to_numpy(),
        "area_kind": kind.to_numpy(),
        "area_code": [_code(k, c) for k, c in zip(kind, df["region_code"])],
        "area_name": df["region_name"].to_numpy(),
        "sotkanet_region": df["region"].astype("int64").to_numpy(),
    })
    dup = out.duplicated(["indicator", "area_kind", "area_code", "year", "gender"])
    if dup.any():
        raise ValueError(f"Sotkanet frame repeats areas: {out.loc[dup].head(3).to_dict('records')}")
    return out.sort_values(["area_kind", "area_code", "year"]).reset_index(drop=True)


def load_indicators(snap) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The exclusion indicators pinned in ``snap`` (dataset -> shaped frame) and the
    catalog datasets that are not pinned (no note is shown; see :func:`missing_indicators_note`)."""
    loaded, missing = {}, []
    for ind in INDICATORS:
        frame = workbook.live_dataset(ind.dataset, snap, show_note=False)
        if frame is None:
            missing.append(ind.dataset)
        else:
            loaded[ind.dataset] = shape_sotkanet(frame)
    return loaded, missing


def missing_indicators_note(missing: list[str]) -> str:
    """One markdown note listing the exclusion indicators not in this snapshot."""
    if not missing:
        return "All exclusion indicators of this workbook are in this snapshot."
    lines = [f"**Not in this snapshot:** {len(missing)} of the {len(INDICATORS)} Sotkanet exclusion "
             "indicators. They can only be pulled live from THL Sotkanet; nothing is shown in their "
             "place. With network access run `workbooks data refresh <dataset>` (or `make refresh`), "
             "then run this workbook again:", ""]
    for name in missing:
        lines.append(f"- `{name}` (resource `{workbook.dataset_resource(name)}`): {_BY_NAME[name].label}")
    return "\n".join(lines)


def municipal_values(shaped: pd.DataFrame, year: int, gender: str = "total") -> pd.DataFrame:
    """One row per 2026 municipality for ``year``: ``code, name, region_code, value, status``.

    A municipality without a published value has ``value`` NaN and ``status`` "suppressed or
    not published" (Sotkanet leaves small numbers out) - never 0.
    """
    sub = shaped[(shaped["area_kind"] == "municipality") & (shaped["year"] == int(year))
                 & (shaped["gender"] == gender)]
    vals = sub.set_index("area_code")["value"]
    munis = regions.municipalities()
    out = pd.DataFrame({
        "code": [m.code for m in munis],
        "name": [m.name_fi for m in munis],
        "region_code": [m.region_code for m in munis],
    })
    out["value"] = out["code"].map(vals).astype("float64")
    out["status"] = np.where(out["value"].isna(), SUPPRESSED, "")
    return out


def municipal_map_frame(snap, region_code: str):
    """A region's 2026 municipalities on the 2020 boundaries (EPSG:3067), documented
    mergers dissolved into their successor (Honkajoki into Kankaanpää)."""
    geo = snap.load(MUNI_GEOMETRY)
    succ = {a.code: a.successor_code for a in regions.areas(include_historical=True)
            if a.kind == "municipality" and a.historical and a.successor_code}
    geo = geo.assign(code=geo["kunta"].astype(str).map(lambda c: succ.get(c, c)))
    members = {m.code: m.name_fi for m in regions.municipalities(region_code)}
    geo = geo[geo["code"].isin(set(members))]
    out = geo.dissolve(by="code", as_index=False)[["code", "geometry"]]
    out["name_fi"] = out["code"].map(members)
    return out.sort_values("code").reset_index(drop=True)


def trend_table(shaped: pd.DataFrame, areas: list, start: int, end: int, gender: str = "total") -> pd.DataFrame:
    """Years ``start``..``end`` (index) x one column per area (its Finnish name); NaN where
    Sotkanet has no value. ``areas`` are :class:`helpers.regions.Area` objects."""
    cols = {}
    for a in areas:
        kind = a.kind
        code = a.code
        sub = shaped[(shaped["area_kind"] == kind) & (shaped["area_code"] == code)
                     & (shaped["gender"] == gender) & shaped["year"].between(start, end)]
        cols[a.label] = sub.set_index("year")["value"]
    out = pd.DataFrame(cols).reindex(range(int(start), int(end) + 1))
    out.index.name = "year"
    return out.dropna(how="all")


def composite(indicators: dict[str, pd.DataFrame], year: int, min_coverage: float = 0.5):
    """Composite exclusion index over all 2026 municipalities for ``year``.

    Uses the :data:`COMPOSITE` indicators that are pinned and have values for ``year``; each
    is standardised as a z-score across the municipalities with a value (a higher value =
    higher risk for every one of them) and the index is their equal-weight mean
    (:func:`helpers.analysis.composite_index`). A municipality needs at least
    ``min_coverage`` of the indicators; suppressed values are left out, never taken as 0.
    Returns ``(frame, result)``: frame has ``code, name, region_code``, one column per
    indicator, ``index`` and ``n_indicators``; result is the :class:`CompositeIndex`
    (``result.method`` states the method). ``(None, None)`` if no indicator is usable.
    """
    used = [d for d in COMPOSITE if d in indicators]
    table = None
    cols = []
    for d in used:
        mv = municipal_values(indicators[d], year)
        if mv["value"].notna().sum() < 2:
            continue
        if table is None:
            table = mv[["code", "name", "region_code"]].copy()
        table[d] = mv["value"].to_numpy()
        cols.append(d)
    if not cols:
        return None, None
    # standardise over the municipalities that have at least one value
    table = table[table[cols].notna().any(axis=1)].reset_index(drop=True)
    result = analysis.composite_index(table.set_index("code")[cols], cols, {c: "higher" for c in cols},
                                      method="zscore", min_coverage=min_coverage)
    table["index"] = result.index.to_numpy()
    table["n_indicators"] = result.n_used.to_numpy()
    table["rank_in_country"] = analysis.rank(table["index"]).array
    return table, result


def map_year(shaped: pd.DataFrame, end_year: int) -> int | None:
    """The year the maps use: ``end_year`` if it has municipal values, else the latest
    earlier year that has them (the map title states the year); None if there is none."""
    years = shaped.loc[(shaped["area_kind"] == "municipality") & shaped["value"].notna(), "year"]
    years = sorted(int(y) for y in years.unique() if y <= end_year)
    return years[-1] if years else None


def label(dataset: str) -> Indicator:
    """The :class:`Indicator` (label, unit) of a catalog dataset of this workbook."""
    if dataset not in _BY_NAME:
        close = difflib.get_close_matches(dataset, list(_BY_NAME), n=3)
        raise KeyError(f"{dataset!r} is not an exclusion indicator of this workbook"
                       + (f"; did you mean {close}?" if close else f"; known: {list(_BY_NAME)}"))
    return _BY_NAME[dataset]


def trend_areas(area, compare_to) -> list:
    """The areas a trend chart shows: the area, its region (for a municipality) and
    ``compare_to``, without repeats."""
    area = regions.resolve(area)
    out = [area]
    if area.kind == "municipality":
        out.append(regions.resolve("MK" + area.region_code))
    c = regions.resolve(compare_to)
    if c not in out:
        out.append(c)
    return out


def composite_display(table: pd.DataFrame, region_code: str, highlight: str | None = None) -> pd.DataFrame:
    """The composite-index rows of one region, highest index (highest risk) first."""
    sub = table[table["region_code"] == region_code].sort_values("index", ascending=False, na_position="last")
    out = pd.DataFrame({
        "Code": sub["code"],
        "Municipality": [n + (" ◀" if c == highlight else "") for n, c in zip(sub["name"], sub["code"])],
        "Index": [analysis.format_number(v, 2) if pd.notna(v) else "not enough indicators" for v in sub["index"]],
        "Indicators used": sub["n_indicators"].astype(int).to_numpy(),
        "Rank in the country": [("" if pd.isna(v) else int(v)) for v in sub["rank_in_country"]],
    })
    out.index = range(1, len(out) + 1)
    return out


def area_value(shaped: pd.DataFrame, area, year: int, gender: str = "total") -> float | None:
    """The value of ``area`` (municipality, region or country) in ``year``; None when
    Sotkanet publishes none (suppressed or missing)."""
    area = regions.resolve(area)
    sub = shaped[(shaped["area_kind"] == area.kind) & (shaped["area_code"] == area.code)
                 & (shaped["year"] == int(year)) & (shaped["gender"] == gender)]
    if sub.empty or pd.isna(sub["value"].iloc[0]):
        return None
    return float(sub["value"].iloc[0])


def live_key_figures(loaded: dict[str, pd.DataFrame], area, end_year: int, table=None) -> dict:
    """Key figures of the live section: per pinned indicator the map year, the area's value
    and how many of the region's municipalities have no published value; and the composite
    index of the area (municipality) or the number of its municipalities with an index."""
    area = regions.resolve(area)
    region_code = area.code if area.kind == "region" else area.region_code
    out: dict = {"live_indicators_pinned": len(loaded)}
    for d, shaped in loaded.items():
        y = map_year(shaped, end_year)
        out[f"{d}_year"] = None if y is None else str(y)  # a label, not a count
        if y is None:
            continue
        out[f"{d}_area_value"] = area_value(shaped, area, y)
        mv = municipal_values(shaped, y)
        out[f"{d}_suppressed_in_region"] = int(mv.loc[mv["region_code"] == region_code, "value"].isna().sum())
    if table is not None:
        if area.kind == "municipality":
            row = table[table["code"] == area.code]
            out["composite_index_area"] = None if row.empty or pd.isna(row["index"].iloc[0]) else round(
                float(row["index"].iloc[0]), 3)
            out["composite_rank_in_country"] = None if row.empty or pd.isna(row["rank_in_country"].iloc[0]) \
                else int(row["rank_in_country"].iloc[0])
        sub = table[(table["region_code"] == region_code) & table["index"].notna()]
        out["composite_municipalities_with_index_in_region"] = int(len(sub))
        if len(sub):
            top = sub.loc[sub["index"].idxmax()]
            out["composite_highest_in_region"] = f"{top['name']} ({top['code']})"
    return out
