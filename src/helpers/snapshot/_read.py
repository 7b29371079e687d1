"""Typed reading of pinned files: Table Schema types, missing/suppressed cells, constraints."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._base import (
    _DEFAULT_FALSE,
    _DEFAULT_TRUE,
    _FORMATS,
    _NUMERIC_TYPES,
    MISSING_STATUS,
    STATUS_SUFFIX,
    STORAGE_CRS,
    WORKING_CRS,
    ManifestError,
    SchemaError,
)


# --------------------------------------------------------------------------- typed file reading
def _is_geoframe(frame: Any) -> bool:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a hard dependency
        return False
    return isinstance(frame, gpd.GeoDataFrame)


def _schema_fields(entry: Mapping) -> list[dict]:
    schema = entry.get("schema")
    if not isinstance(schema, Mapping) or not isinstance(schema.get("fields"), list):
        raise ManifestError(f"resource {entry.get('name')!r} has no schema.fields in the manifest")
    return schema["fields"]


def _read_file(fpath: Path, entry: Mapping, data: bytes) -> pd.DataFrame:
    """Parse ``data`` (the bytes of ``fpath``, already verified) per the manifest entry."""
    fmt = entry.get("format")
    if fmt == "csv":
        return _read_csv(fpath, entry, data)
    if fmt == "geojson":
        return _read_geojson(fpath, entry, data)
    raise ManifestError(f"resource {entry.get('name')!r}: unsupported format {fmt!r} "
                        f"(supported: {sorted(_FORMATS)})")


def _read_csv(fpath: Path, entry: Mapping, data: bytes) -> pd.DataFrame:
    import io

    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False,
                          encoding=entry.get("encoding", "utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{fpath} is not valid {entry.get('encoding', 'utf-8')}: {exc}") from exc
    fields = _schema_fields(entry)
    declared = [f["name"] for f in fields]
    if list(raw.columns) != declared:
        raise SchemaError(f"{fpath}: header {list(raw.columns)} does not match the schema of "
                          f"resource {entry.get('name')!r} {declared}")
    missing_values = entry["schema"].get("missingValues", [""])
    return _apply_schema(raw, fields, missing_values, fpath, from_text=True)


def _read_geojson(fpath: Path, entry: Mapping, data: bytes) -> pd.DataFrame:
    import geopandas as gpd

    try:
        doc = json.loads(data.decode(entry.get("encoding", "utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{fpath} is not valid GeoJSON text: {exc}") from exc
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise SchemaError(f"{fpath} is not a GeoJSON FeatureCollection")
    fields = [f for f in _schema_fields(entry) if f.get("type") != "geojson"]
    declared = [f["name"] for f in fields]
    for i, feat in enumerate(doc["features"]):
        props = feat.get("properties") or {}
        if list(props) != declared:
            raise SchemaError(f"{fpath}: feature {i} has properties {list(props)}, the schema of "
                              f"resource {entry.get('name')!r} declares {declared}")
    from shapely.geometry import shape

    props = pd.DataFrame([f.get("properties") or {} for f in doc["features"]], columns=declared,
                         dtype=object)
    geoms = [shape(f["geometry"]) if f.get("geometry") else None for f in doc["features"]]
    missing_values = entry["schema"].get("missingValues", [""])
    typed = _apply_schema(props, fields, missing_values, fpath, from_text=False)
    out = gpd.GeoDataFrame(typed, geometry=gpd.GeoSeries(geoms, index=typed.index),
                           crs=STORAGE_CRS)
    return out.to_crs(WORKING_CRS)


def _apply_schema(raw: pd.DataFrame, fields: list[dict], missing_values: list, fpath: Path,
                  *, from_text: bool) -> pd.DataFrame:
    """Turn raw columns into typed columns per Table Schema; add ``<col>_status`` columns."""
    markers = [m for m in missing_values if isinstance(m, str)]
    out: dict[str, pd.Series] = {}
    status_cols: dict[str, pd.Series] = {}
    for field in fields:
        col, ftype = field["name"], field.get("type", "string")
        series = raw[col]
        if from_text:
            text = series.astype(object)
            is_missing = text.isin(markers)
        else:  # GeoJSON properties are already JSON-typed; null == missing
            text = series.astype(object)
            is_missing = text.isna() | text.map(lambda v: isinstance(v, str) and v in markers)
        present = text[~is_missing]
        if ftype in ("string", "any"):
            typed = pd.Series(text.where(~is_missing, None), index=raw.index, dtype="str")
        elif ftype in ("integer", "year"):
            typed = _to_numeric(present, col, fpath, integer=True).reindex(raw.index)
            typed = typed.astype("Int64")
        elif ftype == "number":
            typed = _to_numeric(present, col, fpath, integer=False).reindex(raw.index)
            typed = typed.astype("float64")
        elif ftype == "boolean":
            true_v = field.get("trueValues", _DEFAULT_TRUE)
            false_v = field.get("falseValues", _DEFAULT_FALSE)
            mapping = {**{v: True for v in true_v}, **{v: False for v in false_v}}
            bad = [v for v in present if not isinstance(v, bool) and v not in mapping]
            if bad:
                raise SchemaError(f"{fpath}: column {col!r} is boolean but holds {bad[0]!r} "
                                  f"(valid: {list(true_v) + list(false_v)})")
            typed = pd.Series([v if isinstance(v, bool) else mapping[v] for v in present],
                              index=present.index, dtype="boolean").reindex(raw.index)
        elif ftype == "date":
            try:
                typed = pd.to_datetime(present, format="%Y-%m-%d").reindex(raw.index)
            except (ValueError, TypeError) as exc:
                raise SchemaError(f"{fpath}: column {col!r} is a date (YYYY-MM-DD): {exc}") from exc
        else:
            raise SchemaError(f"{fpath}: column {col!r} has unsupported type {ftype!r} "
                              f"(supported: string, integer, year, number, boolean, date)")
        _check_constraints(field, typed, is_missing, fpath)
        out[col] = typed
        if ftype in _NUMERIC_TYPES and is_missing.any():
            status_name = col + STATUS_SUFFIX
            if status_name not in raw.columns:
                status = pd.Series(None, index=raw.index, dtype=object)
                status[is_missing] = [_status_text(v) for v in text[is_missing]]
                status_cols[status_name] = status.astype("str")
    df = pd.DataFrame(out, index=raw.index)
    for status_name, status in status_cols.items():  # right after its value column
        base = status_name[: -len(STATUS_SUFFIX)]
        df.insert(df.columns.get_loc(base) + 1, status_name, status)
    return df


def _status_text(marker: Any) -> str:
    """The reason kept for a missing numeric cell: the publisher's marker or 'missing'."""
    if marker is None or marker == "" or (isinstance(marker, float) and math.isnan(marker)):
        return MISSING_STATUS
    return str(marker)


def _row_number(label: Any) -> Any:
    """1-based data row (header not counted) for the default RangeIndex of the readers."""
    return int(label) + 1 if isinstance(label, (int, np.integer)) else label


def _to_numeric(values: pd.Series, col: str, fpath: Path, *, integer: bool) -> pd.Series:
    if values.empty:
        return pd.Series([], dtype="float64", index=values.index)
    converted = pd.to_numeric(values, errors="coerce")
    bad = values[converted.isna()]
    if not bad.empty:
        kind = "an integer" if integer else "a number"
        raise SchemaError(f"{fpath}: column {col!r} must hold {kind} (decimal point, no "
                          f"thousands separator); found {bad.iloc[0]!r} in data row "
                          f"{_row_number(bad.index[0])}")
    if integer:
        frac = converted[(converted % 1) != 0]
        if not frac.empty:
            raise SchemaError(f"{fpath}: column {col!r} is integer but holds "
                              f"{values[frac.index[0]]!r} in data row {_row_number(frac.index[0])}")
    return converted


def _check_constraints(field: Mapping, typed: pd.Series, is_missing: pd.Series, fpath: Path) -> None:
    cons = field.get("constraints") or {}
    col = field["name"]
    if cons.get("required") and is_missing.any():
        row = int(np.flatnonzero(is_missing.to_numpy())[0])
        raise SchemaError(f"{fpath}: column {col!r} is required but data row {row + 1} is empty")
    present = typed[~is_missing]
    if "pattern" in cons and field.get("type", "string") == "string":
        # vectorised over the distinct values (a column of codes has few), not per row
        distinct = pd.Series(pd.unique(present.astype(str)))
        ok = distinct.str.fullmatch(cons["pattern"])
        if not ok.all():
            bad = distinct[~ok.astype(bool)].iloc[0]
            raise SchemaError(f"{fpath}: column {col!r} value {bad!r} does not match pattern "
                              f"{cons['pattern']!r}")
    if cons.get("unique"):
        dupes = present[present.duplicated()]
        if not dupes.empty:
            raise SchemaError(f"{fpath}: column {col!r} must be unique but {dupes.iloc[0]!r} "
                              f"occurs more than once")
    if "enum" in cons:
        allowed = set(cons["enum"])
        bad = [v for v in pd.unique(present) if v not in allowed]
        if bad:
            raise SchemaError(f"{fpath}: column {col!r} value {bad[0]!r} is not one of "
                              f"{sorted(allowed)}")
