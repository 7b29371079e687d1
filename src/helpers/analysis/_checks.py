"""Argument checks shared by the analysis functions (each names the argument, the bad
value and what would be valid)."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..i18n import short_repr as _describe  # (one definition, beside format_number)

# --------------------------------------------------------------------------------------
# input checks


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


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
