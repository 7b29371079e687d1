"""Context series of the cluster workbooks held in the pinned snapshot: R&D by sub-region,
manufacturing value added by region, information-sector jobs, and the area look-ups they need.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import analysis, regions
from .business import _check_values


def subregion_region(code: str) -> str:
    """Region code of a sub-region code of the series (``"SK023"`` -> ``"02"``).

    In Statistics Finland's sub-region (seutukunta) classification used by these tables
    (division of 1.1.2010) the first two digits of the three-digit sub-region code are the
    code of the region it belongs to (011 Helsinki -> 01 Uusimaa, 023 Turku -> 02
    Varsinais-Suomi, 171 Oulu -> 17 Pohjois-Pohjanmaa).
    """
    m = re.fullmatch(r"SK(\d{2})\d", str(code))
    if not m:
        raise ValueError(f"{code!r} is not a sub-region code like 'SK023'")
    return m.group(1)


def subregions_of(codes: Iterable[str], area) -> list[str]:
    """Which of the sub-region ``codes`` lie in ``area`` (a :class:`helpers.regions.Area`):
    all for the whole country, those of the region for a region, and for a municipality
    those of its region (a sub-region series cannot be narrowed to one municipality)."""
    codes = [c for c in dict.fromkeys(codes) if str(c).startswith("SK")]
    if area.kind == "country":
        return codes
    region = area.code if area.kind == "region" else area.region_code
    return [c for c in codes if subregion_region(c) == region]


def rd_one_release(rd: pd.DataFrame, measure: str = "rd_expenditure") -> pd.DataFrame:
    """One release vintage per year of ``rd_expenditure_subregion``: for every year the
    **latest release that reports it** (the most revised figure), for every sub-region.
    Returns the long rows of that measure with their ``release_year``."""
    _check_values(rd, "measure", measure, "measure")
    sub = rd[rd["measure"] == measure].copy()
    sub["release_year"] = pd.to_numeric(sub["release_year"]).astype(int)
    sub["year"] = pd.to_numeric(sub["year"]).astype(int)
    latest = sub.groupby("year")["release_year"].transform("max")
    return sub[sub["release_year"] == latest].reset_index(drop=True)


def value_added_shares(mva: pd.DataFrame) -> pd.DataFrame:
    """Regional shares of national value added from ``manufacturing_value_added_region``.

    For every scope (``industry_code`` C or BCDE) and year, the latest release that reports
    that year is used, and the share is ``100 * region / SSS`` from that same release (the
    published share is kept next to it where the release printed one). Scopes are never
    mixed: a row belongs to one scope, and C and BCDE must not be read as one series.
    Returns region_code, region_name, scope, year, release, value_added, national,
    share, share_published.
    """
    va = mva[mva["measure"] == "value_added_at_production"].copy()
    va["year"] = pd.to_numeric(va["year"]).astype(int)
    va["rel_date"] = va["release_date"].astype(str)
    latest = va.groupby(["industry_code", "year"])["rel_date"].transform("max")
    va = va[va["rel_date"] == latest]
    nat = va[va["region_code"] == "SSS"].set_index(["industry_code", "year"])["value"].astype(float)
    pub = mva[mva["measure"] == "share_of_national_value_added"].copy()
    pub["year"] = pd.to_numeric(pub["year"]).astype(int)
    pub = pub.set_index(["region_code", "release", "year"])["value"].astype(float)
    out = va[va["region_code"] != "SSS"].copy()
    out["national"] = [nat.get((s, y), math.nan) for s, y in zip(out["industry_code"], out["year"])]
    out["share"] = analysis.share(out["value"].astype(float).reset_index(drop=True),
                                  out["national"].reset_index(drop=True)).to_numpy()
    out["share_published"] = [pub.get((r, rel, y), math.nan)
                              for r, rel, y in zip(out["region_code"], out["release"], out["year"])]
    out = out.rename(columns={"industry_code": "scope", "value": "value_added"})
    cols = ["region_code", "region_name", "scope", "year", "release", "value_added", "national", "share",
            "share_published"]
    return out[cols].sort_values(["scope", "year", "region_code"]).reset_index(drop=True)


def area_rows(frame: pd.DataFrame, area, column: str = "region_code") -> pd.DataFrame:
    """Rows of a pinned series for one area (its StatFin code: SSS / MK02 / KU853)."""
    code = area.statfin_code if isinstance(area, regions.Area) else str(area)
    return frame[frame[column] == code].reset_index(drop=True)


def rd_summary(rd_one: pd.DataFrame, area, start: int, end: int) -> dict:
    """R&D expenditure of the series' sub-regions that lie in ``area`` (summed; same release
    per year), its share of the national total in ``end`` and its change ``start`` -> ``end``.
    Values are None when no sub-region of the area is in the series or ``area`` is a
    municipality (a sub-region series has no municipal value)."""
    subs = [] if area.kind == "municipality" else subregions_of(rd_one["region_code"], area)
    out = {"subregions": subs, "start": None, "end": None, "share_of_national_end": None, "change_pct": None}
    if not subs:
        return out
    by = rd_one.set_index(["region_code", "year"])["value"].astype(float)

    def total(year):
        vals = [by.get((s, year), math.nan) for s in subs]
        return math.nan if any(math.isnan(v) for v in vals) else float(sum(vals))

    s, e = total(start), total(end)
    # the inputs have one decimal (EUR million as published): keep the sums at that precision
    s, e = (round(v, 1) if not math.isnan(v) else v for v in (s, e))
    out.update(start=s, end=e, share_of_national_end=analysis.share(e, by.get(("SSS", end), math.nan)),
               change_pct=analysis.growth(s, e))
    return out


def pick_value(frame: pd.DataFrame | None, column, **where):
    """The single value of ``column`` in the row of ``frame`` matching ``where`` (column ->
    value), as a plain Python value; None when no row matches or the value is missing.
    More than one matching row is an error (the selection is ambiguous)."""
    if frame is None or len(frame) == 0:
        return None
    if column not in frame.columns:
        raise KeyError(f"column {column!r} is not in the frame (columns: {list(frame.columns)})")
    mask = pd.Series(True, index=frame.index)
    for col, val in where.items():
        if col not in frame.columns:
            raise KeyError(f"column {col!r} is not in the frame (columns: {list(frame.columns)})")
        mask &= frame[col] == val
    hits = frame.loc[mask, column]
    if len(hits) > 1:
        raise ValueError(f"{len(hits)} rows match {where}; expected one")
    if len(hits) == 0:
        return None
    v = hits.iloc[0]
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def info_sector_summary(info: pd.DataFrame, area) -> dict:
    """Information-sector jobs 2008 (``information_sector_jobs_subregion_2008``) for the
    sub-regions of the table that lie in ``area``: the published share per sub-region and,
    for all of them together, information-sector jobs / all jobs. Empty (None values) for a
    municipality or an area with no sub-region in the table (it lists the top ten only)."""
    subs = [] if area.kind == "municipality" else subregions_of(info["region_code"], area)
    out = {"subregions": subs, "share_by_subregion": {}, "jobs": None, "share": None}
    if not subs:
        return out
    rows = info[info["region_code"].isin(subs)]
    val = rows.pivot(index="region_code", columns="measure", values="value").astype(float)
    out["share_by_subregion"] = {s: float(val.loc[s, "information_sector_share"]) for s in subs}
    out["jobs"] = float(val["jobs_information_sector"].sum())
    out["share"] = analysis.share(out["jobs"], float(val["jobs_all_industries"].sum()))
    return out


def members_in(frame: pd.DataFrame, area, column: str = "region_code") -> pd.DataFrame:
    """Rows of a municipal series that belong to ``area``: the municipality itself, the
    region's municipalities, or every municipality for the whole country (``KU`` codes)."""
    codes = frame[column].astype(str)
    if area.kind == "municipality":
        keep = codes == area.statfin_code
    elif area.kind == "region":
        keep = codes.isin({m.statfin_code for m in regions.members(area)})
    else:
        keep = codes.str.startswith("KU")
    return frame[keep.to_numpy()].reset_index(drop=True)
