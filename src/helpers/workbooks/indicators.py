"""Sotkanet indicators by municipality: the exclusion indicator set, shaping pinned Sotkanet
frames to official area codes, municipal values (suppressed = missing, never 0), trends and
the composite index of social-exclusion risk.

A pinned Sotkanet resource has the columns :meth:`helpers.sources.sotkanet.Sotkanet.data_with_regions`
returns (``indicator, region, year, gender, value, abs_value, region_code, region_category,
region_name``); :func:`shape_sotkanet` turns that into official area codes. Municipalities
without a published value (Sotkanet suppresses small numbers by leaving the value out) are
kept with ``value`` NaN and ``status`` "suppressed or not published" - never 0.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import analysis, notebook, regions

SUPPRESSED = "suppressed or not published"


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
        frame = notebook.live_dataset(ind.dataset, snap, show_note=False)
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
        lines.append(f"- `{name}` (resource `{notebook.dataset_resource(name)}`): {_BY_NAME[name].label}")
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
        out.append(regions.region_of(area))
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
