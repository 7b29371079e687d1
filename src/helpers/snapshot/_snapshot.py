"""The :class:`Snapshot` class: one snapshot directory and its ``datapackage.json``."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ._base import (
    _FORMATS,
    _NAME_RE,
    _PARSED,
    _VERIFIED,
    _VERIFIED_LOCK,
    HASH_PREFIX,
    MANIFEST_NAME,
    PARSED_MAX,
    REQUIRED_PROVENANCE_KEYS,
    IntegrityError,
    ManifestError,
    MissingResourceFileError,
    SnapshotError,
    UnknownResourceError,
    ValidationError,
    _clear_verification_cache,
    sha256_bytes,
    sha256_file,
)

if TYPE_CHECKING:
    import pandas as pd

# pandas (and ._read, ._write, which need it) is imported where a table is read or written:
# the runner's parent reads only manifests, and not importing pandas saves it 0.2 s.


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
        self._resources: tuple[dict, Any] | None = None  # (the manifest it was built from, frame)

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
        """One row per resource with its provenance - what the workbooks' source footers use.
        (A copy of the frame built once per manifest read: every source line asks for it.)"""
        manifest = self._read_manifest()
        if self._resources is None or self._resources[0] is not manifest:
            self._resources = (manifest, self._resources_frame(manifest))
        return self._resources[1].copy()

    @staticmethod
    def _resources_frame(manifest: Mapping) -> pd.DataFrame:
        rows = []
        for res in manifest["resources"]:
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
        import pandas as pd

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

    def stray_files(self) -> dict[str, list[str]]:
        """Files of the snapshot directory the manifest does not list: ``"temporary"`` (hidden
        ``.*.tmp`` files a killed writer left behind) and ``"unlisted"`` (anything else).
        Symlinks are reported, never followed."""
        listed = {r.get("path") for r in self._read_manifest()["resources"]} | {MANIFEST_NAME}
        out: dict[str, list[str]] = {"temporary": [], "unlisted": []}
        for path in sorted(self.path.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                continue
            rel = path.relative_to(self.path).as_posix()
            if rel in listed:
                continue
            kind = "temporary" if path.name.startswith(".") and path.name.endswith(".tmp") else "unlisted"
            out[kind].append(rel)
        return out

    def remove_stale_temporary(self, older_than_s: float = 600.0) -> list[str]:
        """Delete the hidden temporary files writers left behind more than ``older_than_s``
        seconds ago (a write in progress takes seconds). Returns what was removed."""
        import time

        removed = []
        for rel in self.stray_files()["temporary"]:
            path = self.path / rel
            try:
                if not path.is_symlink() and time.time() - path.stat().st_mtime > older_than_s:
                    path.unlink()
                    removed.append(rel)
            except OSError:
                continue
        return removed

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
        """Load a resource as a typed DataFrame, or a GeoDataFrame in EPSG:3067 for geometry.

        A verified resource is parsed once per process: later loads of the same file (same
        path, modification time, size and manifest hash, read the same way) get a copy of
        the frame parsed then — the same trust as the verification cache, without reading
        and parsing the file again. The copy is the caller's to change."""
        entry = self._entry(name)
        key = self._parsed_key(entry) if verify else None
        if key is not None:
            with _VERIFIED_LOCK:
                frame = _PARSED.get(key)
            if frame is not None:
                return _copy(frame)
        from ._read import _read_file

        fpath, data = self._read_checked(entry, verify=verify)
        frame = _read_file(fpath, entry, data)
        if key is not None:
            with _VERIFIED_LOCK:
                while len(_PARSED) >= PARSED_MAX:
                    _PARSED.pop(next(iter(_PARSED)))
                _PARSED[key] = frame
            return _copy(frame)
        return frame

    def _parsed_key(self, entry: Mapping) -> tuple | None:
        """The parsed-frame cache key of a resource whose file was verified as it is now."""
        try:
            fpath = self._file_path(entry)
            st = fpath.stat()
        except (OSError, SnapshotError):
            return None
        expected = entry.get("hash")
        if not expected:
            return None
        how = json.dumps({k: entry.get(k) for k in ("format", "schema", "encoding", "dialect")},
                         sort_keys=True, default=str)
        # stored only after the bytes were verified against ``expected`` (see load)
        return (str(fpath.resolve()), st.st_mtime_ns, st.st_size, expected, how)

    def preload(self, names: Iterable[str] | None = None, *, max_bytes: int = 50_000_000) -> list[str]:
        """Verify and parse resources now (default: every resource of at most ``max_bytes``)
        so that later loads in this process — and in processes forked from it — are copies."""
        done = []
        for entry in self._read_manifest()["resources"]:
            name = entry.get("name")
            if names is not None and name not in names:
                continue
            if (entry.get("bytes") or 0) > max_bytes:
                continue
            try:
                self.load(name)
            except SnapshotError:
                continue  # the report that needs it says so itself
            done.append(name)
        return done

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
        import pandas as pd

        from ._read import _is_geoframe, _read_file
        from ._write import (
            _check_frame_against_schema,
            _dump_manifest,
            _fold_status_columns,
            _fsync_dir,
            _serialise,
            _write_temp,
            infer_schema,
        )

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
        # a linked sub-folder would put the new file wherever the link points (a linked
        # file is fine: os.replace swaps the link itself, its target is left alone)
        paths.refuse_links(fpath.parent, self.path, what="a folder of the snapshot")
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
        from ._write import _dump_manifest, _fsync_dir, _write_temp

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


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy the caller may change without touching the cached frame (attrs included)."""
    out = frame.copy(deep=True)
    out.attrs = copy.deepcopy(frame.attrs)
    return out
