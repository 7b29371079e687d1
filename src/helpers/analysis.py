"""Analysis helpers: shares, growth, location quotients, shift-share, composite indices.

Pure pandas/numpy. Nothing here reads files or touches the network, and nothing here
draws. Every function states its formula in its docstring so that a workbook's method
note can quote it.

Missing values
--------------
Suppressed or missing cells arrive as NaN (see docs/CONTRACTS.md: the reason is kept in a
separate status column). Every function here propagates NaN: a result that depends on a
missing cell is NaN, never 0, and a division by zero is NaN, never 0 or infinity.

Bad input
---------
Every function checks its arguments first and raises ``ValueError`` / ``TypeError`` naming
the argument, the bad value and what would be valid.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "share",
    "rate",
    "growth",
    "cagr",
    "location_quotient",
    "shift_share",
    "composite_index",
    "CompositeIndex",
    "rank",
    "classify",
    "Classification",
    "CLASSIFY_SCHEMES",
    "period_change",
    "largest_member_share",
    "format_number",
    "THIN_SPACE",
]

#: Thousands separator used everywhere a number is shown (U+202F NARROW NO-BREAK SPACE,
#: the SI / Finnish-style thin space that never breaks a number across lines).
THIN_SPACE = "\u202f"


# --------------------------------------------------------------------------------------
# input checks


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _describe(x) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_numeric(x, name: str):
    """Return ``x`` as float data (scalar float, float ndarray or float Series).

    ``None`` / ``pd.NA`` scalars count as missing (NaN). Strings, booleans and other
    objects are rejected with a ``TypeError`` naming the argument.
    """
    if x is None or x is pd.NA:
        return math.nan
    if _is_number(x):
        return float(x)
    if isinstance(x, pd.Series):
        if pd.api.types.is_bool_dtype(x.dtype) or not (
            pd.api.types.is_numeric_dtype(x.dtype) or x.isna().all()
        ):
            raise TypeError(
                f"{name} must hold numbers; got a Series of dtype {x.dtype} "
                f"(first values {_describe(x.head(3).tolist())}). "
                "Convert it with pd.to_numeric first."
            )
        return x.astype("float64")
    if isinstance(x, (np.ndarray, list, tuple)):
        arr = np.asarray(x)
        if arr.dtype == object:
            try:
                arr = np.array(
                    [math.nan if (v is None or v is pd.NA) else v for v in arr.ravel()],
                    dtype="float64",
                ).reshape(arr.shape)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{name} must hold numbers; got {_describe(x)}"
                ) from None
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold numbers; got {_describe(x)} (dtype {arr.dtype})")
        return arr.astype("float64")
    raise TypeError(
        f"{name} must be a number, a numpy array or a pandas Series; "
        f"got {type(x).__name__}: {_describe(x)}"
    )


def _check_aligned(a, b, name_a: str, name_b: str) -> None:
    """Two Series must carry the same labels: pandas would otherwise align them silently
    and turn the unmatched rows into NaN."""
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        if not a.index.equals(b.index):
            only_a = a.index.difference(b.index)
            only_b = b.index.difference(a.index)
            if len(only_a) or len(only_b):
                raise ValueError(
                    f"{name_a} and {name_b} must have the same index labels; "
                    f"only in {name_a}: {list(only_a[:5])}, only in {name_b}: {list(only_b[:5])}"
                )
    elif isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.ndim and b.ndim:
        if a.shape != b.shape:
            raise ValueError(
                f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}"
            )


def _as_output(result):
    """Scalars in -> a Python float out."""
    if isinstance(result, np.ndarray) and result.ndim == 0:
        return float(result)
    if isinstance(result, (np.floating, float)):
        return float(result)
    return result


def _require_frame(df, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame; got {type(df).__name__}")
    return df


def _require_columns(df: pd.DataFrame, columns: Mapping[str, str]) -> None:
    """``columns`` maps argument name -> column name."""
    for arg, col in columns.items():
        if col not in df.columns:
            close = difflib.get_close_matches(str(col), [str(c) for c in df.columns], n=3)
            hint = f"; did you mean {close}?" if close else ""
            raise ValueError(
                f"{arg}={col!r} is not a column of df; the columns are {list(df.columns)}{hint}"
            )


def _require_value_in(values: Iterable, wanted, arg: str, what: str) -> None:
    values = list(pd.unique(pd.Series(list(values), dtype=object)))
    if wanted not in values:
        close = difflib.get_close_matches(str(wanted), [str(v) for v in values], n=3)
        shown = values[:12]
        more = f" (and {len(values) - 12} more)" if len(values) > 12 else ""
        hint = f"; closest: {close}" if close else ""
        raise ValueError(
            f"{arg}={wanted!r} is not among the {what} in df: {shown}{more}{hint}"
        )


def _safe_divide(num, den):
    """num / den with NaN where den == 0 (never inf, never 0). Scalars give a float."""
    if not isinstance(num, (pd.Series, np.ndarray)):
        num = np.float64(num)
    if not isinstance(den, (pd.Series, np.ndarray)):
        den = np.float64(den)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    zero = den == 0
    if isinstance(out, pd.Series):
        if isinstance(zero, (bool, np.bool_)):
            return out * np.nan if zero else out
        return out.mask(zero.to_numpy() if isinstance(zero, pd.Series) else zero)
    if isinstance(out, np.ndarray):
        out = out.astype("float64", copy=True)
        out[np.broadcast_to(np.asarray(zero), out.shape)] = np.nan
        return out
    return math.nan if zero else float(out)


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
# composite index


@dataclass(frozen=True)
class CompositeIndex:
    """Result of :func:`composite_index`.

    ``index``       the composite value per area (NaN where coverage was too low)
    ``n_used``      how many indicators each area's value is based on
    ``components``  the standardised, direction-corrected indicator values
    ``method``      a plain-language statement of the method for the notebook's method note
    """

    index: pd.Series
    n_used: pd.Series
    components: pd.DataFrame
    method: str
    weights: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return pd.concat(
            [self.index.rename("index"), self.n_used.rename("n_indicators"), self.components],
            axis=1,
        )


_DIRECTIONS = {1: 1, -1: -1, "+": 1, "-": -1, "higher": 1, "lower": -1}


def composite_index(
    df: pd.DataFrame,
    indicators: Sequence[str],
    direction: Mapping[str, object],
    method: str = "zscore",
    weights: Mapping[str, float] | None = None,
    min_coverage: float = 1.0,
) -> CompositeIndex:
    """Combine several indicators into one index per area (one row of ``df`` per area).

    1. Standardise each indicator over the areas that have a value:
       ``method="zscore"``: ``z = (x - mean) / sd`` (population sd, ddof=0);
       ``method="minmax"``: ``m = (x - min) / (max - min)`` (0 ... 1).
    2. Direction: ``direction[ind]`` is ``+1`` / ``"higher"`` when a higher raw value should
       raise the index and ``-1`` / ``"lower"`` when it should lower it; the component is
       then ``-z`` (z-score) or ``1 - m`` (min-max).
    3. Index = weighted mean of the available components:
       ``sum_j w_j * c_j / sum_j w_j`` over the indicators the area has (equal weights by
       default).

    Missing indicators are explicit: an area's index is NaN unless it has at least
    ``min_coverage`` (a fraction, default 1.0 = all) of the indicators; ``n_used`` reports
    how many indicators each value rests on. An indicator with no spread (all values equal)
    cannot be standardised and raises ``ValueError``.
    """
    _require_frame(df)
    if isinstance(indicators, str) or not isinstance(indicators, Sequence) or not indicators:
        raise ValueError(f"indicators must be a non-empty list of column names; got {indicators!r}")
    if len(set(indicators)) != len(indicators):
        raise ValueError(f"indicators contains duplicates: {list(indicators)}")
    _require_columns(df, {f"indicators[{i}]": c for i, c in enumerate(indicators)})
    if method not in ("zscore", "minmax"):
        raise ValueError(f"method must be 'zscore' or 'minmax'; got {method!r}")
    if not _is_number(min_coverage) or not (0 < min_coverage <= 1):
        raise ValueError(
            f"min_coverage must be a fraction in (0, 1] (1.0 = every indicator required); got {min_coverage!r}"
        )
    if not isinstance(direction, Mapping):
        raise TypeError(
            "direction must be a dict {indicator: +1 or -1} (or 'higher' / 'lower'); "
            f"got {type(direction).__name__}"
        )
    unknown = [k for k in direction if k not in indicators]
    missing = [k for k in indicators if k not in direction]
    if missing or unknown:
        raise ValueError(
            f"direction must give exactly one entry per indicator; missing: {missing}, "
            f"not an indicator: {unknown}"
        )
    signs = {}
    for k, v in direction.items():
        key = v if isinstance(v, str) else (int(v) if _is_number(v) and v in (1, -1) else None)
        if key not in _DIRECTIONS:
            raise ValueError(
                f"direction[{k!r}] must be +1 / 'higher' or -1 / 'lower'; got {v!r}"
            )
        signs[k] = _DIRECTIONS[key]

    if weights is None:
        w = {k: 1.0 for k in indicators}
    else:
        if not isinstance(weights, Mapping):
            raise TypeError(f"weights must be a dict {{indicator: weight}}; got {type(weights).__name__}")
        extra = [k for k in weights if k not in indicators]
        lacking = [k for k in indicators if k not in weights]
        if extra or lacking:
            raise ValueError(
                f"weights must give one weight per indicator; missing: {lacking}, not an indicator: {extra}"
            )
        w = {}
        for k in indicators:
            v = weights[k]
            if not _is_number(v) or not math.isfinite(v) or v <= 0:
                raise ValueError(f"weights[{k!r}] must be a positive number; got {v!r}")
            w[k] = float(v)

    comps = {}
    for k in indicators:
        x = _check_numeric(df[k], f"df[{k!r}]")
        known = x.dropna()
        if known.empty:
            raise ValueError(f"indicator {k!r} has no values at all")
        if method == "zscore":
            sd = known.std(ddof=0)
            if not sd > 0:
                raise ValueError(f"indicator {k!r} has the same value in every area; it cannot be standardised")
            c = (x - known.mean()) / sd
            c = c * signs[k]
        else:
            lo, hi = known.min(), known.max()
            if not hi > lo:
                raise ValueError(f"indicator {k!r} has the same value in every area; it cannot be standardised")
            c = (x - lo) / (hi - lo)
            if signs[k] < 0:
                c = 1.0 - c
        comps[k] = c
    components = pd.DataFrame(comps, index=df.index)
    wvec = pd.Series(w)
    have = components.notna()
    n_used = have.sum(axis=1).astype("int64")
    wsum = have.mul(wvec, axis=1).sum(axis=1)
    num = components.mul(wvec, axis=1).sum(axis=1, min_count=1)
    index = _safe_divide(num, wsum)
    need = math.ceil(min_coverage * len(indicators) - 1e-9)
    index = index.where(n_used >= need)

    n = len(indicators)
    std_text = (
        "z-scores (value minus the mean, divided by the population standard deviation)"
        if method == "zscore"
        else "min-max scaling to 0…1 (value minus the minimum, divided by the range)"
    )
    reversed_ = [k for k in indicators if signs[k] < 0]
    weight_text = (
        "equal weights"
        if weights is None or len(set(w.values())) == 1
        else "weights " + ", ".join(f"{k} {w[k]:g}" for k in indicators)
    )
    if reversed_:
        rev = "; ".join(reversed_)
        dir_text = f" Indicators where a lower value raises the index (sign reversed): {rev}."
    else:
        dir_text = " A higher value of every indicator raises the index."
    if need == n:
        cov_text = "An area missing any indicator gets no index value."
    else:
        cov_text = (
            f"An area needs at least {need} of the {n} indicators; its index is then the "
            "weighted mean of the ones it has (see the count of indicators used)."
        )
    n_areas = int(df.shape[0])
    text = (
        f"Composite index of {n} indicators ({'; '.join(indicators)}): each indicator is "
        f"standardised as {std_text} across the {n_areas} areas shown, and the index is the "
        f"mean of the standardised values with {weight_text}.{dir_text} {cov_text}"
    )
    return CompositeIndex(index=index.rename("index"), n_used=n_used.rename("n_indicators"),
                          components=components, method=text, weights=w)


# --------------------------------------------------------------------------------------
# ranking and classification


def rank(series: pd.Series, ascending: bool = False) -> pd.Series:
    """Rank values: 1 = largest (``ascending=False``, the default) or smallest.

    Ties share the best rank of their group and the next rank is skipped (pandas
    ``method="min"``): descending, 10, 20, 20, 5 -> 3, 1, 1, 4; ascending -> 2, 3, 3, 1.
    NaN stays unranked (``<NA>``). Returns nullable integers (dtype ``Int64``).
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series; got {type(series).__name__}")
    if not isinstance(ascending, (bool, np.bool_)):
        raise TypeError(f"ascending must be True or False; got {ascending!r}")
    x = _check_numeric(series, "series")
    return x.rank(ascending=bool(ascending), method="min", na_option="keep").astype("Int64")


CLASSIFY_SCHEMES = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}

_SCHEME_TEXT = {
    "quantiles": "quantiles (about the same number of areas in each class)",
    "natural_breaks": "natural breaks (Fisher-Jenks optimal classes)",
    "equal_interval": "equal intervals (classes of the same width)",
}


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify`.

    ``bins``     upper bounds of the classes (the last is the maximum)
    ``labels``   one label per class, e.g. ``"1 200 – 3 400"``
    ``classes``  class number per value (0 … k-1; ``<NA>`` for missing values)
    ``value_labels`` the class label per value (``missing_label`` for missing values)
    ``k``        the number of classes actually formed (can be smaller than asked when
                 there are few distinct values)
    """

    scheme: str
    k: int
    bins: list
    labels: list
    classes: pd.Series
    value_labels: pd.Series
    missing_label: str
    n_missing: int

    @property
    def description(self) -> str:
        return f"{self.k} classes by {_SCHEME_TEXT[self.scheme]}"


def _auto_decimals(values: np.ndarray) -> int:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0
    span = float(np.max(np.abs(finite)))
    if span >= 100:
        return 0
    if span >= 10:
        return 1
    return 2


def format_number(x, decimals: int = 0, thousands: str = THIN_SPACE) -> str:
    """Format a number with a thin-space thousands separator: 12345.6 -> ``"12 346"``.

    Uses a decimal point and the Unicode minus sign ``−``. NaN -> ``""``.
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer; got {decimals!r}")
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return ""
    if not _is_number(x):
        raise TypeError(f"x must be a number; got {type(x).__name__}: {_describe(x)}")
    if isinstance(x, (float, np.floating)) and math.isnan(x):
        return ""
    text = f"{float(x):,.{int(decimals)}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    return text.replace(",", thousands).replace("-", "\u2212")


def classify(
    values,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    missing_label: str = "no data",
    decimals: int | None = None,
) -> Classification:
    """Classify values for a choropleth with mapclassify.

    ``scheme``: ``"quantiles"`` (mapclassify.Quantiles), ``"natural_breaks"``
    (mapclassify.FisherJenks - the exact, deterministic Jenks optimum) or
    ``"equal_interval"`` (mapclassify.EqualInterval). Missing values (NaN, i.e. suppressed
    or not published) are left out of the fit and stay unclassified: their class is
    ``<NA>`` and their label ``missing_label`` ("no data", or e.g. "suppressed").
    Class *j* covers ``(bins[j-1], bins[j]]``; the first class starts at the minimum.
    """
    if scheme not in CLASSIFY_SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(CLASSIFY_SCHEMES)}; got {scheme!r}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 2 <= k <= 12:
        raise ValueError(f"k must be an integer from 2 to 12 (number of classes); got {k!r}")
    if not isinstance(missing_label, str) or not missing_label:
        raise ValueError(f"missing_label must be a non-empty string; got {missing_label!r}")
    x = _check_numeric(values, "values")
    if isinstance(x, float):
        raise TypeError("values must be a Series or array of numbers, not a single number")
    s = x if isinstance(x, pd.Series) else pd.Series(np.asarray(x).ravel())
    if np.isinf(s.to_numpy()).any():
        raise ValueError("values must be finite numbers or NaN; got infinity")
    known = s.dropna()
    if known.empty:
        raise ValueError("values has no non-missing value to classify")
    import warnings

    import mapclassify

    cls = getattr(mapclassify, CLASSIFY_SCHEMES[scheme])
    y = known.to_numpy(dtype="float64")
    with warnings.catch_warnings():
        # mapclassify warns when there are fewer distinct values than k; the smaller k is
        # reported in the result instead.
        warnings.simplefilter("ignore", UserWarning)
        if known.nunique() == 1:
            bins = np.array([y[0]])
            yb = np.zeros(len(y), dtype=int)
        else:
            fitted = cls(y, k=int(k))
            bins = np.asarray(fitted.bins, dtype="float64")
            yb = np.asarray(fitted.yb, dtype=int)
    # merge duplicate bins (quantiles on tied data) so that no class is empty by construction
    bins_out: list[float] = []
    remap = {}
    for j, b in enumerate(bins):
        if not (bins_out and b == bins_out[-1]):
            bins_out.append(float(b))
        remap[j] = len(bins_out) - 1
    yb = np.array([remap[j] for j in yb], dtype=int)
    if scheme == "quantiles":
        # tied values can leave a quantile class empty; dropping its upper bound merges the
        # empty interval into the next class without moving any value
        used = sorted(set(yb.tolist()))
        renumber = {old: new for new, old in enumerate(used)}
        bins_out = [bins_out[j] for j in used]
        yb = np.array([renumber[j] for j in yb], dtype=int)
    dec = _auto_decimals(y) if decimals is None else decimals
    lows = [float(y.min())] + bins_out[:-1]
    labels = [
        format_number(hi, dec) if lo == hi else f"{format_number(lo, dec)} – {format_number(hi, dec)}"
        for lo, hi in zip(lows, bins_out)
    ]
    pos = np.flatnonzero(s.notna().to_numpy())  # positional: the index may repeat labels
    classes = pd.Series(pd.NA, index=s.index, dtype="Int64")
    classes.iloc[pos] = yb
    value_labels = pd.Series(missing_label, index=s.index, dtype=object)
    value_labels.iloc[pos] = [labels[j] for j in yb]
    return Classification(
        scheme=scheme,
        k=len(bins_out),
        bins=bins_out,
        labels=labels,
        classes=classes,
        value_labels=value_labels,
        missing_label=missing_label,
        n_missing=int(s.isna().sum()),
    )


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
