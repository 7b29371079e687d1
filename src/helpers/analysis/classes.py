"""Map classes (and, re-exported, the number formatting of :mod:`helpers.i18n`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import N_, NUMBER_FORMATS, THIN_SPACE, _, format_number  # noqa: F401 (re-exported)
from ._checks import _check_numeric

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
    """Classify values for a choropleth with mapclassify.

    ``scheme``: ``"quantiles"`` (mapclassify.Quantiles), ``"natural_breaks"``
    (mapclassify.FisherJenks - the exact, deterministic Jenks optimum) or
    ``"equal_interval"`` (mapclassify.EqualInterval). Missing values (NaN, i.e. suppressed
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
    yb = np.searchsorted(np.asarray(bins), known.to_numpy(dtype="float64"), side="left")
    pos = np.flatnonzero(s.notna().to_numpy())
    classes = pd.Series(pd.NA, index=s.index, dtype="Int64")
    classes.iloc[pos] = yb
    value_labels = pd.Series(missing_label, index=s.index, dtype=object)
    value_labels.iloc[pos] = [labels[j] for j in yb]
    return Classification(scheme=scheme, k=len(bins), bins=bins, labels=labels, classes=classes,
                          value_labels=value_labels, missing_label=missing_label,
                          n_missing=int(s.isna().sum()), centre=centre, n_below=len(low_bins))
