"""Live Sotkanet indicators (catalog datasets ``sotkanet_*``, absent from the snapshot until
``workbooks data refresh``) for the "newer years" section of ``exclusion_prevention``: the
indicator set, shaping pinned Sotkanet frames to official area codes, municipal values
(suppressed = missing, never 0) and trends. The offline 2019 indicators and the composite
index are in :mod:`.exclusion_2019`.

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

from .. import notebook, regions
from ..i18n import N_, _

SUPPRESSED = N_("suppressed or not published")


@dataclass(frozen=True)
class Indicator:
    dataset: str          # catalog dataset name
    label: str            # short English label for charts
    unit: str             # unit for axis / legend
    higher_is_worse: bool = True


#: The exclusion indicator set (catalog datasets, in display order).
INDICATORS = [
    Indicator("sotkanet_neet_17_24", N_("17–24-year-olds outside education"), N_("% of the age group")),
    Indicator("sotkanet_youth_unemployed", N_("Youth unemployment (18–24)"), N_("% of the 18–24 labour force")),
    Indicator("sotkanet_long_term_unemployed", N_("Long-term unemployed"), N_("% of the labour force")),
    Indicator("sotkanet_unemployed", N_("Unemployed"), N_("% of the labour force")),
    Indicator("sotkanet_social_assistance_18_24_long_term",
              N_("18–24-year-olds on long-term social assistance"), N_("% of the age group")),
    Indicator("sotkanet_social_assistance_25_64", N_("25–64-year-olds on social assistance"), N_("% of the age group")),
    Indicator("sotkanet_children_placed_outside_home", N_("Children (0–17) placed outside the home"),
              N_("% of the age group")),
    Indicator("sotkanet_child_welfare_open_care", N_("Child-welfare open-care clients (0–17)"),
              N_("% of the age group")),
    Indicator("sotkanet_low_income_rate", N_("Low-income rate"), N_("% of the population")),
    Indicator("sotkanet_living_alone_75", N_("People aged 75+ living alone"), N_("% of the age group")),
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
    """One short markdown note on the live indicators that are not in this snapshot."""
    if not missing:
        return _("All {n} live Sotkanet indicators of this workbook are in this snapshot.").format(n=len(INDICATORS))
    names = ", ".join(_(_BY_NAME[m].label).lower() for m in missing)
    return _("**Not in this snapshot:** {k} of the {n} live Sotkanet indicators ({names}). Nothing is "
             "shown in their place; with network access `workbooks data refresh` pulls them.").format(
        k=len(missing), n=len(INDICATORS), names=names)


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


def area_value(shaped: pd.DataFrame, area, year: int, gender: str = "total") -> float | None:
    """The value of ``area`` (municipality, region or country) in ``year``; None when
    Sotkanet publishes none (suppressed or missing)."""
    area = regions.resolve(area)
    sub = shaped[(shaped["area_kind"] == area.kind) & (shaped["area_code"] == area.code)
                 & (shaped["year"] == int(year)) & (shaped["gender"] == gender)]
    if sub.empty or pd.isna(sub["value"].iloc[0]):
        return None
    return float(sub["value"].iloc[0])
