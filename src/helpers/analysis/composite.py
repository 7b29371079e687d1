"""Composite indices and ranks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import _
from ._checks import (
    _check_numeric,
    _is_number,
    _require_columns,
    _require_frame,
    _safe_divide,
)
from .classes import format_number


def _plain(x: float) -> str:
    """A weight as written ("3", "0.5"), through :func:`format_number`."""
    text = f"{float(x):g}"
    return format_number(float(x), len(text.partition(".")[2]) if "e" not in text else 0)


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
    reversed_ = [k for k in indicators if signs[k] < 0]
    equal = weights is None or len(set(w.values())) == 1
    names = "; ".join(indicators)
    weight_list = ", ".join(f"{k} {_plain(w[k])}" for k in indicators)
    n_areas = int(df.shape[0])
    # one whole sentence per standardisation and weighting; {indicators} are the indicators' names
    if method == "zscore" and equal:
        first = _("Composite index of {n} indicators ({indicators}): each indicator is standardised as z-scores "
                  "(value minus the mean, divided by the population standard deviation) across the {n_areas} areas "
                  "shown, and the index is the mean of the standardised values with equal weights.")
    elif method == "zscore":
        # i18n: {weights} lists each indicator with its weight ("good 3, bad 1")
        first = _("Composite index of {n} indicators ({indicators}): each indicator is standardised as z-scores "
                  "(value minus the mean, divided by the population standard deviation) across the {n_areas} areas "
                  "shown, and the index is the mean of the standardised values with weights {weights}.")
    elif equal:
        first = _("Composite index of {n} indicators ({indicators}): each indicator is standardised as min-max "
                  "scaling to 0…1 (value minus the minimum, divided by the range) across the {n_areas} areas shown, "
                  "and the index is the mean of the standardised values with equal weights.")
    else:
        first = _("Composite index of {n} indicators ({indicators}): each indicator is standardised as min-max "
                  "scaling to 0…1 (value minus the minimum, divided by the range) across the {n_areas} areas shown, "
                  "and the index is the mean of the standardised values with weights {weights}.")
    first = first.format(n=n, indicators=names, n_areas=n_areas, weights=weight_list)
    if reversed_:
        dir_text = _("Indicators where a lower value raises the index (sign reversed): {indicators}.").format(
            indicators="; ".join(reversed_))
    else:
        dir_text = _("A higher value of every indicator raises the index.")
    if need == n:
        cov_text = _("An area missing any indicator gets no index value.")
    else:
        cov_text = _("An area needs at least {need} of the {n} indicators; its index is then the weighted mean of the "
                     "ones it has (see the count of indicators used).").format(need=need, n=n)
    text = f"{first} {dir_text} {cov_text}"
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
