"""Constants, errors and hashing of the pinned snapshot (see :mod:`helpers.snapshot`)."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
#: parsed resources of this process: (path, mtime_ns, size, expected hash, how it is read)
#: -> the frame, parsed from bytes that matched the manifest's hash; :meth:`Snapshot.load`
#: hands out copies. The runner's kernel zygote fills it once per worker
#: (helpers.runner.warmup), so every report's kernel starts with the snapshot parsed.
_PARSED: dict[tuple, Any] = {}
PARSED_MAX = 64  # resources kept (the whole snapshot has about 50)


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
            _PARSED.clear()
            return
        key_path = str(Path(path).resolve())
        for cache in (_VERIFIED, _PARSED):
            for key in [k for k in cache if k[0] == key_path]:
                del cache[key]
