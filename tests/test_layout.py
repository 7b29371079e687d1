"""The project must run from its own files: nothing may read the workspace's shared
reference folder (the raw material the snapshot and fixtures were copied from) at run time
or in tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# built from parts so that this file does not itself contain the forbidden reference
FORBIDDEN = ["/".join(["..", "shared"]), "/".join(["", "work", "shared"])]
# (provenance texts may name the reference folder's files; only paths that could be read count)
SCANNED = ["src", "tests", "notebooks", "tools", "benchmarks", "Makefile", "pyproject.toml", ".ci"]


def _files():
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in path.rglob("*"):
                if f.is_file() and f.suffix not in {".png", ".pyc", ".sqlite", ".gpkg"} and "__pycache__" not in f.parts:
                    yield f


def test_no_project_file_refers_to_the_shared_reference_folder():
    offenders = []
    for f in _files():
        text = f.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{f.relative_to(ROOT)}: {pat}" for pat in FORBIDDEN if pat in text]
    assert offenders == []
