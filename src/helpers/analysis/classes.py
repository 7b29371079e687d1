"""Map classes (and, re-exported, the number formatting of :mod:`helpers.i18n`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import N_, NUMBER_FORMATS, THIN_SPACE, _, format_number  # noqa: F401 (re-exported)
from ._checks import _check_numeric

#: the schemes, each with the mapclassify classifier it computes exactly (see :func:`class_bounds`)
CLASSIFY_SCHEMES = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}

#: a classification in words, one message per scheme (``{k}``: the number of classes)
_SCHEME_TEXT = {
    "quantiles": N_("{k} classes by quantiles (about the same number of areas in each class)"),
    "natural_breaks": N_("{k} classes by natural breaks (Fisher-Jenks optimal classes)"),
    "equal_interval": N_("{k} classes by equal intervals (classes of the same width)"),
}
#: the label of areas without a value on a map (the default of :func:`classify`)
# i18n: the label of areas, bars or figures without a value (a map legend entry, a bar's text)
NO_DATA = N_("no data")


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
    centre: float | None = None
    n_below: int | None = None

    @property
    def description(self) -> str:
        return _(_SCHEME_TEXT[self.scheme]).format(k=self.k)


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


def classify(
    values,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    missing_label: str | None = None,
    decimals: int | None = None,
    centre: float | None = None,
) -> Classification:
    """Classify values for a choropleth.

    ``scheme``: ``"quantiles"`` (mapclassify.Quantiles), ``"natural_breaks"``
    (mapclassify.FisherJenks - the exact, deterministic Jenks optimum) or
    ``"equal_interval"`` (mapclassify.EqualInterval), computed by :func:`class_bounds`
    with the same numbers as those classifiers. Missing values (NaN, i.e. suppressed
    or not published) are left out of the fit and stay unclassified: their class is
    ``<NA>`` and their label ``missing_label`` (default "no data" in the run's language, or
    e.g. "suppressed").
    Class *j* covers ``(bins[j-1], bins[j]]``; the first class starts at the minimum, so
    labels never share an endpoint: "−1.6 – −0.5", "> −0.5 – 0.0", "> 0.0 – 0.8".

    ``centre`` (e.g. 0 for a change, 1 for a location quotient) makes a *diverging*
    classification: the values up to ``centre`` and those above it are classed separately
    (the ``k`` classes shared between the two sides by their number of values, at least one
    each) and ``centre`` is always a class boundary, so growth and decline never share a
    class. ``n_below`` in the result tells how many classes lie at or below the centre.
    """
    if missing_label is None:
        missing_label = _(NO_DATA)
    if centre is not None:
        return _classify_diverging(values, scheme, k, missing_label, decimals, float(centre))
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
    y = known.to_numpy(dtype="float64")
    if known.nunique() == 1:
        bins = np.array([y[0]])
        yb = np.zeros(len(y), dtype=int)
    else:
        bins = class_bounds(y, scheme, int(k))
        yb = _class_of(y, bins)
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
    labels = _labels(lows, bins_out, dec)
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


def class_bounds(y: np.ndarray, scheme: str, k: int) -> np.ndarray:
    """The upper class bounds of the values ``y`` (float64, finite, at least two distinct) by
    ``scheme``, with the numbers mapclassify 2.10's ``Quantiles``, ``FisherJenks`` and
    ``EqualInterval`` give — the same floating-point operations in the same order, so the
    same bounds to the last bit (tests/test_analysis.py compares them with mapclassify's on
    real and random data) — without importing mapclassify, which imports scipy.stats and
    scikit-learn: about as long as pandas, geopandas and matplotlib together, in every
    kernel that drew a map. Natural breaks of fewer distinct values than ``k`` form one
    class per distinct value (mapclassify refuses them).

    mapclassify is BSD-3-Clause, (c) 2018 pysal-mapclassify developers; the quantiles use
    scipy.stats.scoreatpercentile's interpolation ("fraction"), BSD-3-Clause, (c) the SciPy
    developers."""
    y = np.asarray(y, dtype="float64")
    distinct = len(np.unique(y))
    if distinct < 2 or not np.isfinite(y).all():
        raise ValueError(f"class_bounds needs finite values with at least two distinct ones; got {distinct} "
                         f"distinct of {y.size} values{'' if np.isfinite(y).all() else ', some not finite'}")
    if scheme == "quantiles":
        w = 100.0 / k
        p = np.arange(w, 100 + w, w)
        if p[-1] > 100.0:
            p[-1] = 100.0
        ordered = np.sort(y)
        return np.unique(np.array([_score_at_percentile(ordered, pct) for pct in p]))
    if scheme == "equal_interval":
        max_y, min_y = max(y), min(y)
        width = (max_y - min_y) * 1.0 / k
        cuts = np.arange(min_y + width, max_y + width, width)
        if len(cuts) > k:  # overshooting
            cuts = cuts[0:k]
        cuts[-1] = max_y
        return cuts.copy()
    if scheme == "natural_breaks":
        return _fisher_jenks(np.sort(y).astype("f8"), min(k, distinct))
    raise ValueError(f"scheme must be one of {sorted(CLASSIFY_SCHEMES)}; got {scheme!r}")


def _score_at_percentile(ordered: np.ndarray, per: float) -> float:
    """scipy.stats.scoreatpercentile(ordered, per) of sorted values (its "fraction" method)."""
    idx = per / 100. * (ordered.shape[0] - 1)
    i = int(idx)
    if i == idx:
        return ordered[i]
    below, above = (i + 1) - idx, idx - i  # scipy's weights, and their sum as its divisor
    return (ordered[i] * below + ordered[i + 1] * above) / (below + above)


def _fisher_jenks(values: np.ndarray, classes: int) -> np.ndarray:
    """mapclassify's ``_fisher_jenks_means`` (the Jenks optimum by dynamic programming, in
    float32 as there) with its two inner loops done by numpy: for each end point ``l``, the
    running sums over the last ``m`` values are a float32 ``cumsum`` (sequential, as the loop
    adds them), and of the candidates ``v + mat2[i4, j - 1]`` the loop keeps the last smallest
    one (it replaces on ``>=``), which is the last index of the minimum."""
    n_data = len(values)
    mat1 = np.zeros((n_data + 1, classes + 1), dtype=np.int32)
    mat2 = np.zeros((n_data + 1, classes + 1), dtype=np.float32)
    mat1[1, 1:] = 1
    mat2[2:, 1:] = np.inf
    vals32 = values.astype(np.float32)
    for l_ in range(2, n_data + 1):
        run = vals32[l_ - 1::-1]  # values[l - 1], values[l - 2], ..., values[0] (m = 1 ... l)
        s1 = np.cumsum(run, dtype=np.float32)
        s2 = np.cumsum(run * run, dtype=np.float32)
        w = np.arange(1, l_ + 1, dtype=np.float32)
        v = s2 - (s1 * s1) / w
        if classes >= 2:
            i4 = l_ - np.arange(1, l_)  # m = 1 ... l - 1 (i4 = l - m is 0 for m = l: skipped)
            candidates = v[:l_ - 1, None] + mat2[i4, 1:classes]
            last_min = candidates.shape[0] - 1 - np.argmin(candidates[::-1], axis=0)
            mat1[l_, 2:] = i4[last_min] + 1  # i3 of the kept candidate
            mat2[l_, 2:] = candidates[last_min, np.arange(classes - 1)]
        mat1[l_, 1] = 1
        mat2[l_, 1] = v[-1]
    k = n_data
    kclass = np.zeros(classes + 1, dtype=values.dtype)
    kclass[classes] = values[n_data - 1]
    kclass[0] = values[0]
    for count_num in range(classes, 1, -1):
        pivot = mat1[k, count_num]
        kclass[count_num - 1] = values[int(pivot - 2)]
        k = int(pivot - 1)
    return np.delete(kclass, 0)


def _class_of(x: np.ndarray, bins) -> np.ndarray:
    """The class of each value: j where ``bins[j-1] < x <= bins[j]`` (the classes of
    mapclassify's ``bin1d`` for values up to the last bound, which is the maximum)."""
    return np.searchsorted(np.asarray(bins, dtype="float64"), x, side="left")


def _labels(lows: list[float], highs: list[float], dec: int) -> list[str]:
    """Class labels that never share an endpoint: "a – b" for the first class, "> a – b" after it."""
    out = []
    for j, (lo, hi) in enumerate(zip(lows, highs)):
        if lo == hi:
            out.append(format_number(hi, dec))
        else:
            out.append(("> " if j else "") + f"{format_number(lo, dec)} – {format_number(hi, dec)}")
    return out


def _classify_diverging(values, scheme, k, missing_label, decimals, centre) -> Classification:
    x = _check_numeric(values, "values")
    if isinstance(x, float):
        raise TypeError("values must be a Series or array of numbers, not a single number")
    s = x if isinstance(x, pd.Series) else pd.Series(np.asarray(x).ravel())
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 2 <= k <= 12:
        raise ValueError(f"k must be an integer from 2 to 12 (number of classes); got {k!r}")
    known = s.dropna()
    if known.empty:
        raise ValueError("values has no non-missing value to classify")
    low, high = known[known <= centre], known[known > centre]
    if low.empty or high.empty:  # one side only: an ordinary classification, centre kept as a bound
        side = classify(s, scheme, k, missing_label=missing_label, decimals=decimals)
        return dataclasses.replace(side, centre=centre, n_below=side.k if high.empty else 0)
    k_low = int(min(k - 1, max(1, round(k * len(low) / len(known)))))
    parts = []
    for part, kk in ((low, k_low), (high, k - k_low)):
        kk = min(kk, part.nunique())
        parts.append(classify(part, scheme, max(2, kk), decimals=decimals) if kk >= 2 and part.nunique() >= 2
                     else None)
    dec = _auto_decimals(known.to_numpy(dtype="float64")) if decimals is None else decimals
    low_bins = parts[0].bins[:-1] + [centre] if parts[0] is not None else [centre]
    high_bins = parts[1].bins if parts[1] is not None else [float(high.max())]
    bins = low_bins + high_bins
    lows = [float(known.min())] + bins[:-1]
    labels = _labels(lows, bins, dec)
    yb = _class_of(known.to_numpy(dtype="float64"), bins)
    pos = np.flatnonzero(s.notna().to_numpy())
    classes = pd.Series(pd.NA, index=s.index, dtype="Int64")
    classes.iloc[pos] = yb
    value_labels = pd.Series(missing_label, index=s.index, dtype=object)
    value_labels.iloc[pos] = [labels[j] for j in yb]
    return Classification(scheme=scheme, k=len(bins), bins=bins, labels=labels, classes=classes,
                          value_labels=value_labels, missing_label=missing_label,
                          n_missing=int(s.isna().sum()), centre=centre, n_below=len(low_bins))
