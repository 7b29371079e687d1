"""tools/execute-notebooks (make notebooks): its command line, before any kernel starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "execute-notebooks"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_help_prints_the_usage_and_executes_nothing():
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    assert "usage: execute-notebooks [-h] [NOTEBOOK ...]" in done.stdout
    assert "Re-execute the committed workbooks in place" in done.stdout
    assert "executed" not in done.stdout  # it used to take --help for a notebook and "fail" it


def test_a_wrong_name_stops_the_run_before_any_notebook_is_touched(tmp_path):
    committed = ROOT / "notebooks" / "region_profile.ipynb"
    before = committed.stat().st_mtime_ns
    text = tmp_path / "notes.txt"
    text.write_text("not a notebook", encoding="utf-8")
    done = _run("notebooks/nope.ipynb", str(text), "notebooks/region_profile.ipynb")
    assert done.returncode == 2
    assert f"not a notebook file: notebooks/nope.ipynb, {text}" in done.stderr
    assert "notebooks/region_profile.ipynb" in done.stderr.split("the committed workbooks are", 1)[1]
    assert done.stdout == "" and committed.stat().st_mtime_ns == before
