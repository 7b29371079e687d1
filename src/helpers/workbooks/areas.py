"""Municipal rows placed in the 2026 division, and totals for any area.

Pinned tables come in the municipal division of their year (Paavo 2020: 310 municipalities;
the population series: the 2026 units already). :func:`unit_code` maps a municipality code
to its 2026 unit — a municipality that merged later *with a documented successor* (Honkajoki
099 into Kankaanpää 214, 2021) belongs to its successor; one without a documented successor
(Pertunmaa 588) stays its own historical unit in its own region. :func:`totals` sums the
rows of an area: a municipality's unit, a region's units, or every unit for the whole
country. Such a sum of official figures is a derived figure; the tables say so.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .. import regions


@lru_cache(maxsize=1)
def _units() -> tuple[dict[str, str], dict[str, str]]:
    unit, region = {}, {}
    for a in regions.areas(include_historical=True):
        if a.kind != "municipality":
            continue
        if a.historical and a.successor_code:
            unit[a.code] = a.successor_code
        else:
            unit[a.code] = a.code
            region[a.code] = a.region_code
    for code, target in unit.items():
        region.setdefault(code, region.get(target))
    return unit, region


def unit_code(code: str) -> str:
    """The 2026 unit of a municipality code (its documented successor, or itself)."""
    unit, _ = _units()
    if code not in unit:
        raise ValueError(f"{code!r} is not a municipality code of the area registry")
    return unit[code]


def unit_region(code: str) -> str:
    """The 2026 region of a municipality code's unit (a historical unit: its own region)."""
    _, region = _units()
    return region[unit_code(code)]


def place(frame: pd.DataFrame, code: str = "area_code") -> pd.DataFrame:
    """``frame`` (municipal rows) with ``unit`` and ``unit_region`` columns added."""
    out = frame.copy()
    out["unit"] = _per_value(out[code], unit_code)
    out["unit_region"] = _per_value(out["unit"], unit_region)
    return out


def _per_value(series: pd.Series, fn) -> pd.Series:
    """``series.map(fn)`` with ``fn`` called once per distinct value, not once per row (a
    table has thousands of rows over a few hundred codes). The values are looked up in the
    order they first appear, so the first bad code raises just as it would row by row."""
    if series.empty:
        return series.map(fn)
    return series.map({value: fn(value) for value in series.unique()})


def members_mask(placed: pd.DataFrame, area) -> pd.Series:
    """Rows of a :func:`place`-d frame that belong to ``area`` (municipality, region, country)."""
    if area.kind == "country":
        return pd.Series(True, index=placed.index)
    if area.kind == "region":
        return placed["unit_region"] == area.code
    return placed["unit"] == area.code


def totals(placed: pd.DataFrame, area, value_cols: list[str], by: list[str] | None = None) -> pd.DataFrame:
    """Sum of ``value_cols`` over the rows of ``area`` (grouped by ``by``); NaN if any row
    of a group is missing (a sum over a suppressed cell is unknown, never a smaller number)."""
    rows = placed[members_mask(placed, area)]
    if rows.empty:
        raise ValueError(f"no rows for {area.label} ({area.statfin_code}) in this table")

    def _sum(s: pd.Series) -> float:
        return float("nan") if s.isna().any() else float(s.sum())

    if by:
        return rows.groupby(by, sort=False)[value_cols].agg(_sum)
    return rows[value_cols].agg(_sum).to_frame().T


def reader_name(area: regions.Area | str, *, in_sentence: bool = False, lang: str | None = None) -> str:
    """An area's name as a reader of the run's language reads it — the one function every
    workbook uses for names on a page (:meth:`helpers.regions.Area.reader_name`). ``area`` is
    an :class:`~helpers.regions.Area` or its code ("MK02", "KU853", "SSS"), as the data's
    columns carry it."""
    area = regions.resolve(area) if isinstance(area, str) else area
    return area.reader_name(in_sentence=in_sentence, lang=lang)
