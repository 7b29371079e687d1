"""Serialising frames for pinning: inferred schemas, status columns, temp files (see Snapshot.write_resource)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ._base import (
    _NUMERIC_TYPES,
    GEOMETRY_FIELD,
    MISSING_STATUS,
    STATUS_SUFFIX,
    STORAGE_CRS,
    SchemaError,
)
from ._read import _is_geoframe

# ------------------------------------------------------------------------------------ writing
_DTYPE_TO_TYPE = (
    (pd.api.types.is_bool_dtype, "boolean"),
    (pd.api.types.is_integer_dtype, "integer"),
    (pd.api.types.is_float_dtype, "number"),
    (pd.api.types.is_datetime64_any_dtype, "date"),
)


def infer_schema(frame: pd.DataFrame, previous: Mapping | None = None) -> dict:
    """A Table Schema for ``frame`` from its dtypes; titles/descriptions/constraints of columns
    already described in ``previous`` are kept when the type still agrees."""
    prev = {f["name"]: f for f in (previous or {}).get("fields", [])}
    fields = []
    geo_col = frame.geometry.name if _is_geoframe(frame) else None
    for col in frame.columns:
        if col == geo_col:
            continue
        if not isinstance(col, str):
            raise SchemaError(f"column names must be strings, got {col!r}")
        s = frame[col]
        ftype = next((t for test, t in _DTYPE_TO_TYPE if test(s.dtype)), None)
        if ftype is None:
            non_str = [v for v in s.dropna() if not isinstance(v, str)]
            if non_str:
                raise SchemaError(f"column {col!r} mixes types ({type(non_str[0]).__name__} "
                                  f"{non_str[0]!r}); convert it to str, int or float first")
            ftype = "string"
        field = {"name": col, "type": ftype}
        old = prev.get(col)
        if old and old.get("type") == ftype:
            field = {**old, "name": col, "type": ftype}
        fields.append(field)
    if geo_col is not None:
        fields.append({"name": GEOMETRY_FIELD, "type": "geojson",
                       "description": "feature geometry, EPSG:4326 on disk (RFC 7946)"})
    schema = {"fields": fields}
    if previous and "missingValues" in previous:
        schema["missingValues"] = previous["missingValues"]
    return schema


def _check_frame_against_schema(frame: pd.DataFrame, schema: Mapping, name: str) -> None:
    fields = [f for f in schema.get("fields", []) if f.get("type") != "geojson"]
    geo_col = frame.geometry.name if _is_geoframe(frame) else None
    cols = [c for c in frame.columns if c != geo_col]
    declared = [f["name"] for f in fields]
    if cols != declared:
        raise SchemaError(f"resource {name!r}: frame columns {cols} do not match the schema "
                          f"fields {declared} (same names, same order)")
    for f in fields:
        s = frame[f["name"]]
        ftype = f.get("type", "string")
        if ftype == "string":
            bad = [v for v in s.dropna() if not isinstance(v, str)]
            if bad:
                raise SchemaError(
                    f"resource {name!r}: column {f['name']!r} is a string field (codes are "
                    f"zero-padded strings such as '019') but holds {type(bad[0]).__name__} "
                    f"{bad[0]!r}")
        elif ftype in _NUMERIC_TYPES and not pd.api.types.is_numeric_dtype(s.dtype):
            raise SchemaError(f"resource {name!r}: column {f['name']!r} is {ftype} but has dtype "
                              f"{s.dtype}")
        elif ftype in ("integer", "year"):
            vals = s.dropna()
            if not ((vals % 1) == 0).all():
                raise SchemaError(f"resource {name!r}: column {f['name']!r} is integer but holds "
                                  f"non-integer values")
    if geo_col is not None and frame.crs is None:
        raise SchemaError(f"resource {name!r}: GeoDataFrame has no CRS; set one (e.g. EPSG:3067)")


def _fold_status_columns(frame: pd.DataFrame, schema: Mapping, name: str
                         ) -> tuple[pd.DataFrame, dict[str, list]]:
    """Undo what the reader adds: a ``<col>_status`` column that the schema does not declare is
    folded back into the missing-value marker written in ``<col>`` (``".."`` stays ``".."``,
    ``"missing"`` becomes an empty cell). Returns the frame without those columns and, per
    column, the marker text for each row (None where the value itself is written)."""
    declared = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    allowed = [m for m in schema.get("missingValues", [""]) if isinstance(m, str)]
    markers: dict[str, list] = {}
    drop = []
    for col in frame.columns:
        if not (isinstance(col, str) and col.endswith(STATUS_SUFFIX)) or col in declared:
            continue
        base = col[: -len(STATUS_SUFFIX)]
        if declared.get(base) not in _NUMERIC_TYPES:
            continue
        per_row = []
        for value, status in zip(frame[base].tolist(), frame[col].tolist()):
            if _is_missing(value) and not _is_missing(status):
                marker = "" if status == MISSING_STATUS else str(status)
                if marker not in allowed:
                    raise SchemaError(
                        f"resource {name!r}: {col} holds {status!r}, which is not a declared "
                        f"missing-value marker of the schema ({allowed}); declare it in "
                        f"schema.missingValues or clear it")
                per_row.append(marker)
            else:
                per_row.append(None)
        markers[base] = per_row
        drop.append(col)
    return (frame.drop(columns=drop) if drop else frame), markers


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _cell_text(v: Any, ftype: str) -> str:
    if _is_missing(v):
        return ""
    if ftype in ("integer", "year"):
        return str(int(v))
    if ftype == "number":
        f = float(v)
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))  # "72" rather than "72.0"
        return repr(f)
    if ftype == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if ftype == "boolean":
        return "true" if bool(v) else "false"
    return str(v)


def _json_value(v: Any, ftype: str) -> Any:
    if _is_missing(v):
        return None
    if ftype in ("integer", "year"):
        return int(v)
    if ftype == "number":
        return float(v)
    if ftype == "boolean":
        return bool(v)
    if ftype == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v)


def _serialise(frame: pd.DataFrame, schema: Mapping, fmt: str, name: str,
               markers: Mapping[str, list] | None = None) -> bytes:
    fields = [f for f in schema["fields"] if f.get("type") != "geojson"]
    markers = markers or {}
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([f["name"] for f in fields])
        columns = [(frame[f["name"]].tolist(), f.get("type", "string"),
                    markers.get(f["name"], [None] * len(frame))) for f in fields]
        for i in range(len(frame)):
            writer.writerow([m[i] if m[i] is not None else _cell_text(vals[i], t)
                             for vals, t, m in columns])
        return buf.getvalue().encode("utf-8")
    from shapely.geometry import mapping

    gdf = frame.to_crs(STORAGE_CRS)
    geoms = gdf.geometry
    columns = [(f["name"], gdf[f["name"]].tolist(), f.get("type", "string"),
                markers.get(f["name"], [None] * len(gdf))) for f in fields]
    lines = []
    for i in range(len(gdf)):
        props = {col: (m[i] if m[i] else _json_value(vals[i], t)) for col, vals, t, m in columns}
        geom = geoms.iloc[i]
        feature = {"type": "Feature", "properties": props,
                   "geometry": None if geom is None or geom.is_empty else mapping(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(", ", ": ")))
    body = ",\n".join(lines)
    text = ('{\n"type": "FeatureCollection",\n"name": ' + json.dumps(name) + ',\n"features": [\n'
            + body + "\n]\n}\n")
    return text.encode("utf-8")


def _dump_manifest(manifest: Mapping) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _file_mode(target: Path) -> int:
    """Permissions for a replacement file: the target's if it exists, else 0666 minus umask."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_temp(directory: Path, final_name: str, data: bytes) -> Path:
    """Write ``data`` to a hidden temporary file next to ``final_name`` (same file system)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{final_name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, _file_mode(directory / final_name))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
