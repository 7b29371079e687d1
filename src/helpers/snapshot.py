"""The pinned snapshot: read, verify and write ``data/snapshot/`` (a Frictionless Data Package).

Every dataset the workbooks use offline lives in the snapshot directory as one file (CSV for
tables, GeoJSON for geometry) described by one entry in ``datapackage.json``: provenance
(publisher, table id, reference period, how and when it was obtained), licence, the exact
attribution line for charts, caveats, a typed ``schema`` and the file's ``bytes`` and
``hash`` (``"sha256:<hex>"``).

Reading
-------
>>> from helpers import snapshot
>>> pop = snapshot.load("population_municipality_2023")          # typed DataFrame
>>> munis = snapshot.load("municipality_boundaries_2020")        # GeoDataFrame, EPSG:3067
>>> snapshot.list_resources()[["name", "publisher", "attribution"]]

Types come from the resource's Table Schema: ``string`` -> pandas ``str`` (codes keep their
leading zeros, "019"), ``integer``/``year`` -> nullable ``Int64``, ``number`` -> ``float64``,
``boolean`` -> ``boolean``, ``date`` -> ``datetime64``. A cell that is missing or that the
publisher suppressed (a schema ``missingValues`` marker such as ``".."``) becomes NaN/NA, never
0; for a numeric column the marker is kept in a string column ``<column>_status`` (``".."``,
or ``"missing"`` for an empty cell) unless the file already carries that column.

Every load checks the file's sha256 against the manifest (``verify=True``) and raises
:class:`IntegrityError` naming the file when they differ. A successful check is remembered per
(path, mtime, size, expected hash), so repeated loads of an unchanged file do not re-hash it.

Writing
-------
:meth:`Snapshot.write_resource` pins a new or updated resource:

1. serialise the frame to a temporary file *in the snapshot directory* (same file system);
2. read that temporary file back through the normal typed reader and run ``validate`` on it;
3. compute its sha256 and size, build the new manifest and write it to a second temporary file;
4. ``os.replace`` the data file, then ``os.replace`` the manifest.

If anything fails before step 4 the temporary files are removed and nothing pinned changes
(the data file and ``datapackage.json`` stay byte-identical). The one remaining window is
between the two renames in step 4: a crash there leaves the new data file next to the old
manifest entry. That state is loud, not silent - the next load raises :class:`IntegrityError`
for that file - and ``workbooks data rehash <name>`` (after checking the file) or
re-running the write repairs it. Writers are not locked against each other; the manifest is
re-read just before the renames and the write is refused if another writer changed it
meanwhile. Run one writer at a time (``workbooks data refresh`` does).

Command line
------------
``workbooks data list --pinned|verify|rehash [names...] [--snapshot DIR]`` (:mod:`helpers.cli`);
``rehash`` recomputes ``bytes`` and ``hash`` after an intentional edit of a pinned file.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import paths

__all__ = [
    "MANIFEST_NAME",
    "Snapshot",
    "SnapshotError",
    "UnknownResourceError",
    "IntegrityError",
    "MissingResourceFileError",
    "ManifestError",
    "SchemaError",
    "ValidationError",
    "load",
    "list_resources",
    "resource",
    "verify",
    "rehash",
    "sha256_file",
    "sha256_bytes",
    "infer_schema",
]

MANIFEST_NAME = "datapackage.json"
HASH_PREFIX = "sha256:"
STORAGE_CRS = "EPSG:4326"  # GeoJSON on disk (RFC 7946)
WORKING_CRS = "EPSG:3067"  # ETRS-TM35FIN, what load() returns
GEOMETRY_FIELD = "geometry"
STATUS_SUFFIX = "_status"
MISSING_STATUS = "missing"

_FORMATS = {
    "csv": {"mediatype": "text/csv", "profile": "tabular-data-resource", "suffix": ".csv"},
    "geojson": {"mediatype": "application/geo+json", "profile": "data-resource", "suffix": ".geojson"},
}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_NUMERIC_TYPES = {"integer", "year", "number"}
_DEFAULT_TRUE = ("true", "True", "TRUE", "1")
_DEFAULT_FALSE = ("false", "False", "FALSE", "0")
# Keys every pinned resource must carry so that a chart footer can always be printed.
REQUIRED_PROVENANCE_KEYS = ("title", "sources", "licenses", "attribution", "publisher", "obtained",
                            "retrieved_at")


# --------------------------------------------------------------------------------------- errors
class SnapshotError(Exception):
    """Base class for every snapshot problem."""


class ManifestError(SnapshotError):
    """``datapackage.json`` is missing, unreadable or malformed."""


class UnknownResourceError(SnapshotError, LookupError):
    """No resource of that name in the manifest; the message lists the closest names."""

    def __init__(self, name: str, available: Iterable[str]):
        self.name = name
        self.available = sorted(available)
        self.suggestions = _close_names(name, self.available)
        hint = (f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions
                else "")
        super().__init__(
            f"unknown snapshot resource {name!r}.{hint} "
            f"Available resources: {', '.join(self.available)}"
        )

    def __str__(self) -> str:  # LookupError would otherwise be fine; keep the plain message
        return self.args[0]


class MissingResourceFileError(SnapshotError, FileNotFoundError):
    """The manifest lists a resource whose file is not in the snapshot directory."""


class IntegrityError(SnapshotError):
    """A pinned file's sha256 (or size) differs from the manifest."""


class SchemaError(SnapshotError, ValueError):
    """A file or a frame does not match the resource's Table Schema."""


class ValidationError(SnapshotError):
    """The ``validate`` callable passed to :meth:`Snapshot.write_resource` rejected the data."""


def _close_names(name: str, available: list[str]) -> list[str]:
    text = str(name).strip().lower()
    close = difflib.get_close_matches(text, available, n=5, cutoff=0.5)
    for cand in available:  # also offer names that contain the input or the other way round
        if text and (text in cand or cand in text) and cand not in close:
            close.append(cand)
    return close[:5]


# ------------------------------------------------------------------------------------- hashing
_VERIFIED: dict[tuple[str, int, int, str], bool] = {}
_VERIFIED_LOCK = threading.Lock()


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes in memory."""
    return hashlib.sha256(data).hexdigest()


def _clear_verification_cache(path: Path | None = None) -> None:
    with _VERIFIED_LOCK:
        if path is None:
            _VERIFIED.clear()
            return
        key_path = str(Path(path).resolve())
        for key in [k for k in _VERIFIED if k[0] == key_path]:
            del _VERIFIED[key]


# ------------------------------------------------------------------------------------ snapshot
class Snapshot:
    """One snapshot directory and its ``datapackage.json``.

    ``path`` defaults to :func:`helpers.paths.snapshot_dir` (``data/snapshot`` or
    ``$TURKU_WORKBOOKS_SNAPSHOT``); tests point it at a temporary copy.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path).expanduser().resolve() if path is not None else paths.snapshot_dir()
        self._manifest: dict | None = None
        self._manifest_key: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"Snapshot({str(self.path)!r})"

    # -- manifest ---------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST_NAME

    def _read_manifest(self) -> dict:
        mpath = self.manifest_path
        try:
            st = mpath.stat()
        except FileNotFoundError:
            raise ManifestError(
                f"no {MANIFEST_NAME} in snapshot directory {self.path} - is this the snapshot "
                f"folder? (set TURKU_WORKBOOKS_SNAPSHOT or pass the directory)"
            ) from None
        key = (st.st_mtime_ns, st.st_size)
        if self._manifest is None or self._manifest_key != key:
            try:
                manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise ManifestError(f"{mpath} is not valid UTF-8 JSON: {exc}") from exc
            if not isinstance(manifest, dict) or not isinstance(manifest.get("resources"), list):
                raise ManifestError(f"{mpath} has no 'resources' list")
            names = [r.get("name") for r in manifest["resources"]]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ManifestError(f"{mpath} lists these resource names more than once: {dupes}")
            self._manifest, self._manifest_key = manifest, key
        return self._manifest

    @property
    def manifest(self) -> dict:
        """A copy of the whole ``datapackage.json``."""
        return copy.deepcopy(self._read_manifest())

    def _entry(self, name: str) -> dict:
        if not isinstance(name, str):
            raise TypeError(f"resource name must be a string, got {type(name).__name__}: {name!r}")
        for res in self._read_manifest()["resources"]:
            if res.get("name") == name:
                return res
        raise UnknownResourceError(name, self.names())

    def names(self) -> list[str]:
        """Resource names in manifest order."""
        return [r["name"] for r in self._read_manifest()["resources"]]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def resource(self, name: str) -> dict:
        """The manifest entry of one resource (a copy): provenance, licence, schema, hash."""
        return copy.deepcopy(self._entry(name))

    def attribution(self, name: str) -> str:
        """The exact source line to print under a chart or table built from ``name``."""
        return self._entry(name)["attribution"]

    def resources(self) -> pd.DataFrame:
        """One row per resource with its provenance - what the workbooks' source footers use."""
        rows = []
        for res in self._read_manifest()["resources"]:
            sources = res.get("sources") or []
            licenses = res.get("licenses") or []
            rows.append({
                "name": res.get("name"),
                "title": res.get("title"),
                "publisher": res.get("publisher"),
                "table_id": res.get("table_id"),
                "reference_period": res.get("reference_period"),
                "retrieved_at": res.get("retrieved_at"),
                "licence": "; ".join(lic.get("title") or lic.get("name") or lic.get("path", "")
                                     for lic in licenses),
                "attribution": res.get("attribution"),
                "quality": res.get("quality"),
                "suitability": res.get("suitability"),
                "source_title": "; ".join(s.get("title", "") for s in sources),
                "source_url": "; ".join(s.get("path", "") for s in sources),
                "obtained": res.get("obtained"),
                "caveats": "; ".join(res.get("caveats") or []),
                "path": res.get("path"),
                "format": res.get("format"),
                "bytes": res.get("bytes"),
                "hash": res.get("hash"),
            })
        return pd.DataFrame(rows)

    def file_path(self, name: str) -> Path:
        """Absolute path of a resource's file (checked to lie inside the snapshot directory)."""
        return self._file_path(self._entry(name))

    def _file_path(self, entry: Mapping) -> Path:
        rel = entry.get("path")
        if not isinstance(rel, str) or not rel:
            raise ManifestError(f"resource {entry.get('name')!r} in {self.manifest_path} has no "
                                f"'path' (a file name inside {self.path})")
        if "://" in rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise ManifestError(f"resource {entry.get('name')!r}: path {rel!r} must be a relative "
                                f"file name inside the snapshot directory")
        return self.path / rel

    # -- verification -----------------------------------------------------------------------
    def _read_checked(self, entry: Mapping, verify: bool = True) -> tuple[Path, bytes]:
        """Read a resource's bytes once and (``verify``) check them against the manifest.

        The same bytes are hashed and parsed, so there is no window in which a file could be
        swapped between the check and the read. A successful check is cached per
        (path, mtime, size, expected hash); a cached file is not hashed again.
        """
        fpath = self._file_path(entry)
        name = entry.get("name")
        try:
            st = fpath.stat()
            data = fpath.read_bytes()
        except FileNotFoundError:
            raise MissingResourceFileError(
                f"snapshot resource {name!r}: file {fpath} is missing (listed in "
                f"{self.manifest_path}). Restore it from version control or re-pin it with "
                f"`workbooks data refresh`."
            ) from None
        if not verify:
            return fpath, data
        expected = entry.get("hash")
        if not isinstance(expected, str) or not expected.startswith(HASH_PREFIX):
            raise ManifestError(f"resource {name!r} has no '{HASH_PREFIX}<hex>' hash in "
                                f"{self.manifest_path}; run `workbooks data rehash "
                                f"{name}` after checking the file")
        key = (str(fpath.resolve()), st.st_mtime_ns, st.st_size, expected)
        with _VERIFIED_LOCK:
            cached = key in _VERIFIED
        if cached and len(data) == st.st_size:
            return fpath, data
        actual = HASH_PREFIX + sha256_bytes(data)
        if actual != expected:
            raise IntegrityError(
                f"snapshot file {fpath} does not match its manifest entry {name!r}: sha256 is "
                f"{actual}, manifest says {expected}. The file was changed after pinning. If the "
                f"edit was intentional run `workbooks data rehash {name}`; otherwise "
                f"restore the file from version control."
            )
        if entry.get("bytes") is not None and entry["bytes"] != len(data):
            raise IntegrityError(f"snapshot file {fpath} is {len(data)} bytes, manifest entry "
                                 f"{name!r} says {entry['bytes']}")
        with _VERIFIED_LOCK:
            _VERIFIED[key] = True
        return fpath, data

    def verify(self, name: str | None = None) -> list[str]:
        """Check sha256 of one resource or (``name=None``) of all; returns the names checked.

        With ``name=None`` every file is checked and one :class:`IntegrityError` lists all
        failures (missing files included).
        """
        if name is not None:
            self._read_checked(self._entry(name))
            return [name]
        problems = []
        for entry in self._read_manifest()["resources"]:
            try:
                self._read_checked(entry)
            except (IntegrityError, MissingResourceFileError, ManifestError) as exc:
                problems.append(str(exc))
        if problems:
            raise IntegrityError(f"{len(problems)} snapshot file(s) failed verification:\n- "
                                 + "\n- ".join(problems))
        return self.names()

    # -- loading ----------------------------------------------------------------------------
    def load(self, name: str, verify: bool = True) -> pd.DataFrame:
        """Load a resource as a typed DataFrame, or a GeoDataFrame in EPSG:3067 for geometry."""
        entry = self._entry(name)
        fpath, data = self._read_checked(entry, verify=verify)
        return _read_file(fpath, entry, data)

    # -- writing ----------------------------------------------------------------------------
    def write_resource(
        self,
        name: str,
        frame: pd.DataFrame,
        metadata: Mapping[str, Any],
        validate: Callable[[pd.DataFrame], Any] | None = None,
    ) -> dict:
        """Pin ``frame`` as resource ``name`` (new or replacing), atomically; returns the entry.

        ``metadata`` holds the manifest keys (title, description, sources, licenses,
        attribution, publisher, table_id, reference_period, obtained, retrieved_at, caveats,
        optionally ``schema``). For an existing resource missing keys are kept from the current
        entry - including its ``schema``, so the frame must match it (same columns, codes still
        strings); pass ``schema`` (e.g. from :func:`infer_schema`) to change it on purpose. A new
        resource must name at least :data:`REQUIRED_PROVENANCE_KEYS`; without a ``schema`` one is
        inferred from the dtypes.
        A GeoDataFrame is written as RFC 7946 GeoJSON in EPSG:4326.

        ``validate(df)`` receives the data *as read back from the temporary file*; raising or
        returning ``False`` aborts the write (:class:`ValidationError`) and leaves every pinned
        file byte-identical.
        """
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise ValueError(f"resource name {name!r} is not valid: use lower-case letters, digits "
                             f"and underscores, starting with a letter or digit "
                             f"(e.g. 'population_municipality_2024')")
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"frame must be a pandas DataFrame or GeoDataFrame, "
                            f"got {type(frame).__name__}")
        if not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a mapping of manifest keys, "
                            f"got {type(metadata).__name__}")
        self._read_manifest()  # validates the manifest (clear errors)
        manifest_bytes_before = self.manifest_path.read_bytes()
        manifest = json.loads(manifest_bytes_before.decode("utf-8"))  # exactly these bytes
        existing = next((r for r in manifest["resources"] if r.get("name") == name), None)
        is_geo = _is_geoframe(frame)
        fmt = "geojson" if is_geo else "csv"

        entry: dict = copy.deepcopy(existing) if existing else {}
        if existing and existing.get("format") != fmt:
            raise ValueError(f"resource {name!r} is pinned as {existing.get('format')}; cannot "
                             f"replace it with {fmt} data")
        for key in ("name", "bytes", "hash", "format", "mediatype", "encoding", "profile"):
            if key in metadata and key != "name":
                raise ValueError(f"metadata key {key!r} is computed by write_resource; remove it")
        if existing and "path" in metadata and metadata["path"] != existing.get("path"):
            raise ValueError(f"resource {name!r} is pinned at {existing.get('path')!r}; write it "
                             f"under a new name instead of moving it to {metadata['path']!r}")
        entry.update(copy.deepcopy(dict(metadata)))
        missing = [k for k in REQUIRED_PROVENANCE_KEYS if not entry.get(k)]
        if missing:
            raise ValueError(f"cannot pin resource {name!r} without provenance: missing or empty "
                             f"metadata keys {missing} (required: {list(REQUIRED_PROVENANCE_KEYS)})")
        entry["name"] = name
        entry.setdefault("path", name + _FORMATS[fmt]["suffix"])
        fpath = self._file_path(entry)
        if not fpath.parent.is_dir():
            raise ValueError(f"resource {name!r}: folder {fpath.parent} does not exist")
        if fpath.name == MANIFEST_NAME:
            raise ValueError(f"resource {name!r} cannot use the manifest's file name")
        if "schema" not in metadata and not existing:
            entry["schema"] = infer_schema(frame)
        schema = entry["schema"]
        frame, markers = _fold_status_columns(frame, schema, name)
        _check_frame_against_schema(frame, schema, name)
        data_bytes = _serialise(frame, schema, fmt, name, markers)

        entry.update({
            "format": fmt,
            "mediatype": _FORMATS[fmt]["mediatype"],
            "encoding": "utf-8",
            "profile": _FORMATS[fmt]["profile"],
        })
        tmp_data = tmp_manifest = None
        try:
            tmp_data = _write_temp(fpath.parent, fpath.name, data_bytes)
            written = tmp_data.read_bytes()  # validate and hash what is really on disk
            if validate is not None:
                check = _read_file(tmp_data, entry, written)
                try:
                    result = validate(check)
                except Exception as exc:
                    raise ValidationError(f"validate rejected new data for resource {name!r}: "
                                          f"{type(exc).__name__}: {exc}") from exc
                if result is False:
                    raise ValidationError(f"validate returned False for resource {name!r}")
            entry["bytes"] = len(written)
            entry["hash"] = HASH_PREFIX + sha256_bytes(written)
            new_manifest = copy.deepcopy(manifest)
            if existing:
                idx = next(i for i, r in enumerate(new_manifest["resources"])
                           if r.get("name") == name)
                new_manifest["resources"][idx] = entry
            else:
                new_manifest["resources"].append(entry)
            tmp_manifest = _write_temp(self.path, MANIFEST_NAME, _dump_manifest(new_manifest))
            if self.manifest_path.read_bytes() != manifest_bytes_before:
                raise SnapshotError(f"{self.manifest_path} changed while resource {name!r} was "
                                    f"being written (another writer?); nothing was pinned, retry")
        except BaseException:
            for tmp in (tmp_data, tmp_manifest):
                if tmp is not None:
                    tmp.unlink(missing_ok=True)
            raise
        # Window: between these two renames the new file sits next to the old manifest entry;
        # a load in that instant raises IntegrityError (loud), `rehash` repairs a crash here.
        os.replace(tmp_data, fpath)
        os.replace(tmp_manifest, self.manifest_path)
        _fsync_dir(fpath.parent)
        _fsync_dir(self.path)
        _clear_verification_cache(fpath)
        self._manifest = None
        return copy.deepcopy(entry)

    def rehash(self, names: Iterable[str] | None = None) -> dict[str, tuple[str | None, str]]:
        """Recompute ``bytes``/``hash`` after an intentional edit; returns {name: (old, new)}.

        Only changed entries are reported. The manifest is rewritten atomically.
        """
        manifest = copy.deepcopy(self._read_manifest())
        wanted = list(names) if names else [r["name"] for r in manifest["resources"]]
        for n in wanted:
            self._entry(n)  # raises UnknownResourceError with suggestions
        changed: dict[str, tuple[str | None, str]] = {}
        for res in manifest["resources"]:
            if res["name"] not in wanted:
                continue
            fpath = self._file_path(res)
            if not fpath.exists():
                raise MissingResourceFileError(f"cannot rehash {res['name']!r}: {fpath} is missing")
            new_hash = HASH_PREFIX + sha256_file(fpath)
            new_bytes = fpath.stat().st_size
            if res.get("hash") != new_hash or res.get("bytes") != new_bytes:
                changed[res["name"]] = (res.get("hash"), new_hash)
                res["hash"], res["bytes"] = new_hash, new_bytes
        if changed:
            tmp = _write_temp(self.path, MANIFEST_NAME, _dump_manifest(manifest))
            os.replace(tmp, self.manifest_path)
            _fsync_dir(self.path)
            self._manifest = None
            _clear_verification_cache()
        return changed


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
        rx = re.compile(cons["pattern"])
        bad = [v for v in present if not rx.fullmatch(str(v))]
        if bad:
            raise SchemaError(f"{fpath}: column {col!r} value {bad[0]!r} does not match pattern "
                              f"{cons['pattern']!r}")
    if cons.get("unique"):
        dupes = present[present.duplicated()]
        if not dupes.empty:
            raise SchemaError(f"{fpath}: column {col!r} must be unique but {dupes.iloc[0]!r} "
                              f"occurs more than once")
    if "enum" in cons:
        allowed = set(cons["enum"])
        bad = [v for v in present if v not in allowed]
        if bad:
            raise SchemaError(f"{fpath}: column {col!r} value {bad[0]!r} is not one of "
                              f"{sorted(allowed)}")


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


# ----------------------------------------------------------------------- module-level shortcuts
def load(name: str, snapshot_dir: str | os.PathLike | None = None, verify: bool = True) -> pd.DataFrame:
    """``Snapshot(snapshot_dir).load(name)``."""
    return Snapshot(snapshot_dir).load(name, verify=verify)


def list_resources(snapshot_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """``Snapshot(snapshot_dir).resources()``."""
    return Snapshot(snapshot_dir).resources()


def resource(name: str, snapshot_dir: str | os.PathLike | None = None) -> dict:
    """``Snapshot(snapshot_dir).resource(name)``."""
    return Snapshot(snapshot_dir).resource(name)


def verify(name: str | None = None, snapshot_dir: str | os.PathLike | None = None) -> list[str]:
    """``Snapshot(snapshot_dir).verify(name)``."""
    return Snapshot(snapshot_dir).verify(name)


def rehash(names: Iterable[str] | None = None,
           snapshot_dir: str | os.PathLike | None = None) -> dict[str, tuple[str | None, str]]:
    """``Snapshot(snapshot_dir).rehash(names)``."""
    return Snapshot(snapshot_dir).rehash(names)
