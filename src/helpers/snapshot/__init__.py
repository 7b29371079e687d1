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

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._base import (
    GEOMETRY_FIELD,
    HASH_PREFIX,
    MANIFEST_NAME,
    MISSING_STATUS,
    REQUIRED_PROVENANCE_KEYS,
    STATUS_SUFFIX,
    STORAGE_CRS,
    WORKING_CRS,
    IntegrityError,
    ManifestError,
    MissingResourceFileError,
    SchemaError,
    SnapshotError,
    UnknownResourceError,
    ValidationError,
    sha256_bytes,
    sha256_file,
)
from ._snapshot import Snapshot

if TYPE_CHECKING:
    import pandas as pd

    from ._write import infer_schema


def __getattr__(name: str):
    if name == "infer_schema":  # (pandas: imported when a table is read or written, see _snapshot)
        from ._write import infer_schema

        return infer_schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "GEOMETRY_FIELD",
    "HASH_PREFIX",
    "MISSING_STATUS",
    "REQUIRED_PROVENANCE_KEYS",
    "STATUS_SUFFIX",
    "STORAGE_CRS",
    "WORKING_CRS",
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
