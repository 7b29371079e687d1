"""Convert the reference-data collection into pinned snapshot resources.

    .venv/bin/python tools/import-reference-data --from DIR [RESOURCE ...]
    .venv/bin/python tools/import-reference-data --list

``DIR`` is a copy of the project's reference-data collection (the folders named in each
converter, e.g. ``exclusion/sotkanet_municipal_2019``). Nothing in the project reads that
folder at run time or in tests: this tool is run by hand when the snapshot is (re)built, and
what it writes — the tidy CSV/GeoJSON files and their manifest entries with sources,
licence, caveats and sha256 — is committed in ``data/snapshot/``.

Each converter module registers its resources with :func:`converter`; a converter reads its
folder, returns the tidy frame and the manifest metadata, and declares a ``validate``
function that re-checks the totals the folder's SOURCES.md names on the data *as written*
(``Snapshot.write_resource`` calls it on the temporary file; a failed check pins nothing).
The same totals are re-checked on the pinned files by ``tests/test_snapshot_*.py``.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

RETRIEVED_AT = "2026-12-01"
CC_BY_4 = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 International"}
OBTAINED_SUFFIX = (" Converted into the project snapshot on {date} by tools/import-reference-data "
                   "(module {module}) from the project's reference-data collection, whose compilers "
                   "copied it from the repository and commit named in 'sources'; no value was changed, "
                   "estimated or filled in.")


@dataclass(frozen=True)
class Converter:
    name: str  # snapshot resource name
    folder: str  # folder of the reference-data collection it reads
    build: Callable[[Path], tuple[pd.DataFrame, dict[str, Any]]]
    validate: Callable[[pd.DataFrame], Any] | None
    module: str


CONVERTERS: dict[str, Converter] = {}


def converter(name: str, folder: str, *, validate: Callable[[pd.DataFrame], Any] | None = None):
    """Register ``build(folder_path) -> (frame, metadata)`` as the converter of resource ``name``."""
    def wrap(build):
        if name in CONVERTERS:
            raise ValueError(f"resource {name!r} has two converters")
        CONVERTERS[name] = Converter(name, folder, build, validate, build.__module__)
        return build
    return wrap


def load_converters() -> dict[str, Converter]:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return CONVERTERS


def obtained(text: str, module: str) -> str:
    return text.rstrip() + OBTAINED_SUFFIX.format(date=RETRIEVED_AT, module=module.rpartition(".")[2])


def pin(conv: Converter, source_root: Path, snapshot, *, attempts: int = 5) -> dict:
    """Build and pin one resource; a manifest changed by a concurrent writer is retried."""
    from helpers.snapshot import SnapshotError

    folder = Path(source_root) / conv.folder
    if not folder.is_dir():
        raise FileNotFoundError(f"{conv.name}: no folder {conv.folder!r} under {source_root}")
    frame, metadata = conv.build(folder)
    metadata = dict(metadata)
    metadata.setdefault("retrieved_at", RETRIEVED_AT)
    metadata["obtained"] = obtained(metadata.get("obtained", ""), conv.module)
    subdir = Path(metadata.get("path", "")).parent
    if str(subdir) not in ("", "."):
        (Path(snapshot.path) / subdir).mkdir(parents=True, exist_ok=True)
    for attempt in range(1, attempts + 1):
        try:
            return snapshot.write_resource(conv.name, frame, metadata, validate=conv.validate)
        except SnapshotError as exc:
            if "changed while" not in str(exc) or attempt == attempts:
                raise
            time.sleep(0.5 * attempt)
    raise AssertionError("unreachable")
