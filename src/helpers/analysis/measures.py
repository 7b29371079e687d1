"""Shares, rates, growth, location quotients, shift-share and period changes.

Every function states its formula; NaN propagates (a result that needs a missing cell is NaN).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._checks import (
    _as_output,
    _check_aligned,
    _check_numeric,
    _is_number,
    _require_columns,
    _require_frame,
    _require_value_in,
    _safe_divide,
)

# --------------------------------------------------------------------------------------
# shares, rates, growth


def rate(part, whole, per: float = 1000.0):
    """Rate per ``per`` units of ``whole``: ``part / whole * per``.

    E.g. ``rate(unemployed, population, per=1000)`` is "unemployed per 1 000 inhabitants".
    NaN in either input gives NaN; ``whole == 0`` gives NaN (never 0, never infinity).
    ``part`` and ``whole`` may be numbers, numpy arrays or pandas Series (two Series must
    have the same index labels - they are not silently re-aligned).
    """
    if not _is_number(per) or not math.isfinite(per) or per <= 0:
        raise ValueError(f"per must be a positive finite number (e.g. 100 or 1000); got {per!r}")
    p = _check_numeric(part, "part")
    w = _check_numeric(whole, "whole")
    _check_aligned(p, w, "part", "whole")
    return _as_output(_safe_divide(p, w) * per)


def share(part, whole):
    """Percentage share: ``100 * part / whole``.

    NaN in -> NaN out; ``whole == 0`` -> NaN (never 0). Accepts numbers, numpy arrays or
    pandas Series (two Series must have identical index labels).

    >>> share(1, 4)
    25.0
    """
    return rate(part, whole, per=100.0)


def growth(start, end):
    """Percent change from ``start`` to ``end``: ``100 * (end - start) / start``.

    The percentage is only meaningful for a positive start value, so ``start <= 0`` gives
    NaN (never 0 or infinity). NaN in either input gives NaN.
    """
    s = _check_numeric(start, "start")
    e = _check_numeric(end, "end")
    _check_aligned(s, e, "start", "end")
    out = _safe_divide(e - s, s) * 100.0
    return _as_output(_mask_nonpositive(out, s))


def _mask_nonpositive(out, base, allow_zero: bool = False):
    bad = (base < 0) if allow_zero else (base <= 0)
    if isinstance(out, pd.Series):
        return out.mask(bad if isinstance(bad, pd.Series) else pd.Series(bad, index=out.index))
    if isinstance(out, np.ndarray):
        out = out.astype("float64", copy=True)
        out[np.broadcast_to(np.asarray(bad), out.shape)] = np.nan
        return out
    return math.nan if bad else out


def cagr(start, end, years):
    """Compound annual growth rate in percent: ``100 * ((end / start) ** (1 / years) - 1)``.

    ``years`` must be a positive finite number (the length of the period, e.g. 2023 - 2019
    = 4). ``start <= 0`` or ``end < 0`` give NaN (the rate is undefined there); NaN in either
    input gives NaN.
    """
    if not _is_number(years) or not math.isfinite(years) or years <= 0:
        raise ValueError(
            f"years must be a positive finite number (the length of the period in years); got {years!r}"
        )
    s = _check_numeric(start, "start")
    e = _check_numeric(end, "end")
    _check_aligned(s, e, "start", "end")
    ratio = _safe_divide(e, s)
    ratio = _mask_nonpositive(ratio, s)
    ratio = _mask_nonpositive(ratio, e, allow_zero=True)
    with np.errstate(invalid="ignore"):
        out = (ratio ** (1.0 / years) - 1.0) * 100.0
    return _as_output(out)


# --------------------------------------------------------------------------------------
# location quotient and shift-share


def _cells(
    df: pd.DataFrame, industry: str, area: str, value: str, df_name: str = "df"
) -> pd.Series:
    """df -> Series of values indexed by (area, industry); checks uniqueness and dtype."""
    _require_frame(df, df_name)
    _require_columns(df, {"industry": industry, "area": area, "value": value})
    dup = df.duplicated([area, industry], keep=False)
    if dup.any():
        example = df.loc[dup, [area, industry]].head(4).to_dict("records")
        raise ValueError(
            f"df has more than one row per ({area!r}, {industry!r}) pair, e.g. {example}; "
            "filter it to one year / one sex / one measure first"
        )
    vals = _check_numeric(df[value], f"df[{value!r}]")
    if isinstance(vals, pd.Series) and (vals < 0).any():
        bad = df.loc[vals < 0, [area, industry, value]].head(3).to_dict("records")
        raise ValueError(f"df[{value!r}] must not be negative (it counts jobs / persons); got {bad}")
    return pd.Series(vals.to_numpy(), index=pd.MultiIndex.from_frame(df[[area, industry]]))


def _totals_by_area(
    cells: pd.Series, total_industry
) -> tuple[pd.Series, pd.Series]:
    """Split cells into (industry cells, all-industries total per area).

    With ``total_industry`` the published total row is used (it includes any suppressed
    industry cells). Without it the total is the sum of the industries in df and is NaN
    for an area with any missing cell (a sum over a missing cell is unknown, not smaller).
    """
    industries = cells.index.get_level_values(1)
    if total_industry is not None:
        _require_value_in(industries, total_industry, "total_industry", "industries")
        totals = cells[industries == total_industry].droplevel(1)
        parts = cells[industries != total_industry]
        areas_without = sorted(
            set(parts.index.get_level_values(0)) - set(totals.index), key=str
        )
        if areas_without:
            raise ValueError(
                f"total_industry={total_industry!r} has no row for areas {areas_without[:5]}; "
                "every area needs its all-industries total"
            )
        return parts, totals
    totals = cells.groupby(level=0, sort=False).sum(min_count=1)
    has_nan = cells.isna().groupby(level=0, sort=False).any()
    totals = totals.mask(has_nan)
    return cells, totals


def location_quotient(
    df: pd.DataFrame,
    *,
    industry: str,
    area: str,
    value: str,
    reference_area,
    total_industry=None,
) -> pd.DataFrame:
    """Location quotients of every (area, industry) cell against a reference area.

    ``LQ_ir = (e_ir / e_r) / (e_iN / e_N)`` where ``e_ir`` is employment (or
    establishments...) in industry *i* in area *r*, ``e_r`` the all-industries total of
    area *r*, and ``e_iN``, ``e_N`` the same for the reference area *N* (usually the whole
    country, "SSS"). LQ > 1 means the industry's share in the area is larger than in the
    reference area.

    Parameters
    ----------
    df
        Long table, one row per (area, industry), e.g. from ``Snapshot.load`` filtered to
        one year. Suppressed cells are NaN.
    industry, area, value
        Column names.
    reference_area
        The value in ``df[area]`` that is the reference (e.g. ``"SSS"``).
    total_industry
        The value in ``df[industry]`` that holds the all-industries total (e.g. ``"SSS"``).
        Strongly recommended: a published total includes the suppressed cells. Without
        it, ``e_r`` is the sum of the industries in df, and an area with any missing cell
        has an unknown total, so all its LQs are NaN.

    Returns
    -------
    DataFrame with one row per (area, industry) for every area except the reference:
    columns ``area, industry, e_ir, e_r, e_iN, e_N, lq`` (the ingredients are kept so a
    reader can check the arithmetic). A suppressed (NaN) cell gives NaN for that cell only;
    a zero denominator gives NaN.
    """
    cells = _cells(df, industry, area, value)
    _require_value_in(cells.index.get_level_values(0), reference_area, "reference_area", "areas")
    parts, totals = _totals_by_area(cells, total_industry)

    ref = parts.xs(reference_area, level=0)
    e_N = totals.loc[reference_area]
    out = parts.rename("e_ir").reset_index()
    out.columns = ["area", "industry", "e_ir"]
    out = out[out["area"] != reference_area].reset_index(drop=True)
    out["e_r"] = out["area"].map(totals).astype("float64")
    out["e_iN"] = out["industry"].map(ref).astype("float64")
    out["e_N"] = float(e_N)
    region_share = _safe_divide(out["e_ir"], out["e_r"])
    ref_share = _safe_divide(out["e_iN"], pd.Series(e_N, index=out.index))
    out["lq"] = _safe_divide(region_share, ref_share)
    return out


def shift_share(
    df: pd.DataFrame,
    *,
    industry: str,
    area: str,
    value: str,
    period: str,
    start,
    end,
    reference_area,
    total_industry=None,
) -> pd.DataFrame:
    """Classical shift-share decomposition of the change in employment between two periods.

    For industry *i* in area *r*, with superscripts 0 = ``start`` and 1 = ``end`` and *N* the
    reference area (usually the whole country)::

        g_N   = E_N^1 / E_N^0 - 1          growth of the reference area, all industries
        g_iN  = e_iN^1 / e_iN^0 - 1        growth of industry i in the reference area
        change           = e_ir^1 - e_ir^0
        national_growth  = e_ir^0 * g_N
        industry_mix     = e_ir^0 * (g_iN - g_N)
        regional_shift   = change - national_growth - industry_mix
                         ( = e_ir^0 * (g_ir - g_iN) when e_ir^0 > 0 )

    so ``national_growth + industry_mix + regional_shift == change`` by construction (the
    regional, or competitive, shift is the part of the change not explained by national
    growth and the industry's national trend).

    ``E_N`` is the all-industries total of the reference area: the ``total_industry`` row
    when given (recommended), else the sum of the industries in df. Any missing (NaN)
    ingredient makes all three components of that row NaN. ``df`` is long: one row per
    (period, area, industry). Rows of the reference area are not returned.

    Returns a DataFrame with columns ``area, industry, start, end, change,
    national_growth, industry_mix, regional_shift, g_N, g_iN, g_ir`` (growth rates as
    fractions, not percent).
    """
    _require_frame(df)
    _require_columns(df, {"period": period})
    periods = df[period]
    for arg, p in (("start", start), ("end", end)):
        _require_value_in(periods, p, arg, f"values of {period!r}")
    if start == end:
        raise ValueError(f"start and end must be different periods; both are {start!r}")

    c0 = _cells(df[periods == start], industry, area, value, "df (start period)")
    c1 = _cells(df[periods == end], industry, area, value, "df (end period)")
    for c, p in ((c0, start), (c1, end)):
        _require_value_in(c.index.get_level_values(0), reference_area, "reference_area",
                          f"areas of period {p!r}")
    p0, t0 = _totals_by_area(c0, total_industry)
    p1, t1 = _totals_by_area(c1, total_industry)

    both = p0.index.union(p1.index)
    missing = both.difference(p0.index).union(both.difference(p1.index))
    if len(missing):
        raise ValueError(
            f"these (area, industry) cells exist in only one of the periods {start!r}, {end!r}: "
            f"{list(missing[:5])}; both periods need the same cells (a suppressed cell is a NaN row, "
            "not a missing row)"
        )
    e0 = p0.reindex(both)
    e1 = p1.reindex(both)
    ref0 = e0.xs(reference_area, level=0)
    ref1 = e1.xs(reference_area, level=0)
    E0, E1 = float(t0.loc[reference_area]), float(t1.loc[reference_area])
    g_N = _safe_divide(E1, E0) - 1.0 if E0 > 0 else math.nan

    out = pd.DataFrame({"start": e0, "end": e1}).reset_index()
    out.columns = ["area", "industry", "start", "end"]
    out = out[out["area"] != reference_area].reset_index(drop=True)
    g_iN_by_ind = (_safe_divide(ref1, ref0.where(ref0 > 0)) - 1.0)
    out["g_N"] = g_N
    out["g_iN"] = out["industry"].map(g_iN_by_ind).astype("float64")
    out["g_ir"] = _safe_divide(out["end"], out["start"].where(out["start"] > 0)) - 1.0
    out["change"] = out["end"] - out["start"]
    out["national_growth"] = out["start"] * out["g_N"]
    out["industry_mix"] = out["start"] * (out["g_iN"] - out["g_N"])
    out["regional_shift"] = out["change"] - out["national_growth"] - out["industry_mix"]
    # the residual is only defined when every ingredient is known
    unknown = out[["national_growth", "industry_mix", "change"]].isna().any(axis=1)
    out.loc[unknown, ["national_growth", "industry_mix", "regional_shift"]] = np.nan
    return out[["area", "industry", "start", "end", "change", "national_growth",
                "industry_mix", "regional_shift", "g_N", "g_iN", "g_ir"]]



# --------------------------------------------------------------------------------------
# region profile


def period_change(
    df: pd.DataFrame, *, area: str, period: str, value: str, start, end
) -> pd.DataFrame:
    """Change per area between two periods (e.g. population 2019 -> 2023).

    From a long table (one row per area and period) returns one row per area with
    ``start``, ``end``, ``change = end - start`` and ``change_pct = 100 * change / start``
    (NaN where start <= 0 or either value is missing). Areas missing one of the two
    periods get NaN for the missing value, never 0. Order: first appearance in df.
    """
    _require_frame(df)
    _require_columns(df, {"area": area, "period": period, "value": value})
    for arg, p in (("start", start), ("end", end)):
        _require_value_in(df[period], p, arg, f"values of {period!r}")
    if start == end:
        raise ValueError(f"start and end must be different periods; both are {start!r}")
    sub = df[df[period].isin([start, end])]
    dup = sub.duplicated([area, period], keep=False)
    if dup.any():
        raise ValueError(
            f"df has more than one row per ({area!r}, {period!r}) pair, e.g. "
            f"{sub.loc[dup, [area, period]].head(4).to_dict('records')}"
        )
    vals = _check_numeric(sub[value], f"df[{value!r}]")
    areas = pd.Index(pd.unique(sub[area]), name=area)
    keyed = pd.Series(vals.to_numpy(), index=pd.MultiIndex.from_frame(sub[[area, period]]))
    s0 = keyed[sub[period].to_numpy() == start].droplevel(1).reindex(areas)
    s1 = keyed[sub[period].to_numpy() == end].droplevel(1).reindex(areas)
    out = pd.DataFrame({"start": s0, "end": s1}, index=areas)
    out["change"] = out["end"] - out["start"]
    out["change_pct"] = growth(out["start"], out["end"])
    return out


def largest_member_share(
    df: pd.DataFrame, *, member: str, value: str, group: str | None = None
) -> pd.DataFrame:
    """The largest member of each group and its share of the group total.

    E.g. the largest municipality of a region and its share of the region's population:
    ``share = 100 * max(value) / sum(value)`` over the group's members. If any member's
    value is missing, both the total and the largest member are unknown and the row is
    NaN / ``None`` (a missing member could be the largest). With ``group=None`` df is one
    group. Returns one row per group: ``largest, largest_value, total, share, n_members``.
    """
    _require_frame(df)
    cols = {"member": member, "value": value}
    if group is not None:
        cols["group"] = group
    _require_columns(df, cols)
    if df.empty:
        raise ValueError("df is empty; there are no members to compare")
    vals = _check_numeric(df[value], f"df[{value!r}]")
    if (vals < 0).any():
        raise ValueError(f"df[{value!r}] must not be negative")
    work = pd.DataFrame({"member": df[member].to_numpy(), "value": vals.to_numpy()})
    work["group"] = df[group].to_numpy() if group is not None else "all"
    dup = work.duplicated(["group", "member"])
    if dup.any():
        raise ValueError(
            f"a member appears twice in a group: {work.loc[dup, ['group', 'member']].head(3).to_dict('records')}"
        )
    rows = []
    for g, part in work.groupby("group", sort=False):
        n = len(part)
        if part["value"].isna().any():
            rows.append((g, None, math.nan, math.nan, math.nan, n))
            continue
        i = part["value"].idxmax()
        top = part.loc[i]
        tied = part[part["value"] == top["value"]]
        name = top["member"] if len(tied) == 1 else " / ".join(map(str, tied["member"]))
        total = float(part["value"].sum())
        rows.append((g, name, float(top["value"]), total, share(float(top["value"]), total), n))
    out = pd.DataFrame(rows, columns=["group", "largest", "largest_value", "total", "share", "n_members"])
    out = out.set_index("group")
    out.index.name = group
    return out
