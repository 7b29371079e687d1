"""Helpers shared by the exclusion, population and key-figure converters (not a converter).

Reading: every CSV of the collection is read as text (``dtype=str``, no NA guessing), so a
code keeps its leading zeros and an empty cell stays an empty string until a converter
decides what it means. Numbers are parsed with :func:`numbers`, which refuses anything that
is not a plain decimal number (a stray thousands separator or a marker fails loudly).

Checks: :func:`check` raises :class:`CheckError` (a ``ValueError``) with the message; the
``validate`` functions of the converters are built from it, so a failed total names itself in
the error that ``Snapshot.write_resource`` reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import CC_BY_4

__all__ = [
    "CheckError",
    "cc_by",
    "check",
    "equal",
    "field",
    "fmt_int",
    "github",
    "missing_cells_text",
    "municipality_names",
    "numbers",
    "read_text_csv",
    "region_code_by_name",
    "registry_frame",
    "unique_keys",
    "whole_numbers",
]

_NUMBER_RE = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


class CheckError(ValueError):
    """A total or a consistency check named in a SOURCES.md did not hold."""


def check(condition: Any, message: str) -> None:
    if not bool(condition):
        raise CheckError(message)


def read_text_csv(path: Path, **kw) -> pd.DataFrame:
    """A CSV/TSV of the collection as text: every column ``str``, empty cells ``""``."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, **kw)


def numbers(series: pd.Series, what: str) -> pd.Series:
    """Plain decimal text -> float64; ``""`` -> NaN. Anything else raises CheckError."""
    text = series.astype(str).str.strip()
    bad = text[(text != "") & ~text.str.match(_NUMBER_RE)]
    check(bad.empty, f"{what}: not a plain number: {bad.head(3).tolist()}")
    return pd.to_numeric(text.where(text != "", None), errors="raise").astype("float64")


def whole_numbers(series: pd.Series, what: str) -> pd.Series:
    """Like :func:`numbers` (``"278486.0"`` is accepted) but every value must be whole: Int64."""
    vals = numbers(series, what)
    frac = vals[vals.notna() & ((vals % 1) != 0)]
    check(frac.empty, f"{what}: not a whole number: {frac.head(3).tolist()}")
    return vals.round().astype("Int64")


def field(name: str, ftype: str, description: str, **constraints) -> dict:
    out = {"name": name, "type": ftype, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


def github(repo: str, commit: str, path: str, title: str, publisher: str) -> dict:
    """A ``sources`` entry for a file read in a GitHub repository at a commit."""
    return {"title": f"{repo} {path} (commit {commit[:8]}): {title}",
            "path": f"https://github.com/{repo}/blob/{commit}/{path}",
            "publisher": publisher}


def cc_by(note: str) -> list[dict]:
    return [dict(CC_BY_4, title=f"{CC_BY_4['title']} ({note})")]


def registry_frame() -> pd.DataFrame:
    """The project's area registry: the 2026 division + the two historical municipalities of
    the 2020 division (not the earlier mergers tools/derive-municipal-mergers records)."""
    from helpers import regions

    reg = regions.registry()
    frame = regions.to_frame(include_historical=True)
    derived = {a.code for a in reg.municipalities(include_historical=True)
               if a.historical and (reg.note(a) or "").startswith("Derived:")}
    return frame[~((frame["kind"] == "municipality") & frame["code"].isin(derived))].reset_index(drop=True)


def municipality_names(frame: pd.DataFrame | None = None) -> dict[str, str]:
    """code -> Finnish name for every municipality of the registry (historical included)."""
    reg = registry_frame() if frame is None else frame
    munis = reg[reg["kind"] == "municipality"]
    return dict(zip(munis["code"], munis["name_fi"]))


def region_code_by_name(lang: str = "fi") -> dict[str, str]:
    """region name (fi, sv or en) -> 2-digit code, from the registry (names are unique)."""
    reg = registry_frame()
    rows = reg[reg["kind"] == "region"]
    out = dict(zip(rows[f"name_{lang}"], rows["code"]))
    check(len(out) == 19, f"registry: expected 19 region names in {lang}, got {len(out)}")
    return out


def missing_cells_text(counts: Mapping[str, int], total: int, unit: str) -> str:
    parts = [f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if v]
    return (f"{sum(counts.values()):,} of {total:,} {unit} have no value" +
            (f" ({', '.join(parts)})" if parts else ""))


def fmt_int(x: Any) -> str:
    """5181115 -> '5 181 115' (the style of data/README.md)."""
    return f"{int(x):,}".replace(",", " ")


def unique_keys(df: pd.DataFrame, keys: Iterable[str], what: str) -> None:
    keys = list(keys)
    dup = df[df.duplicated(keys, keep=False)]
    check(dup.empty, f"{what}: duplicated keys {keys}: {dup[keys].head(3).to_dict('records')}")


def equal(a: Any, b: Any, what: str) -> None:
    """Exact equality of two numbers (NaN never equal)."""
    ok = a is not None and b is not None and not (isinstance(a, float) and np.isnan(a)) \
        and float(a) == float(b)
    check(ok, f"{what}: {a!r} != {b!r}")
