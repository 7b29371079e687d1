"""The command lines of tools/execute-notebooks (make notebooks), tools/i18n and
tools/annotate-parameters: help, and bad arguments refused before anything runs or is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / tool), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_help_prints_the_usage_and_executes_nothing():
    done = _run("execute-notebooks", "--help")
    assert done.returncode == 0, done.stderr
    assert "usage: execute-notebooks [-h] [NOTEBOOK ...]" in done.stdout
    assert "Re-execute the committed workbooks in place" in done.stdout
    assert "executed" not in done.stdout  # it used to take --help for a notebook and "fail" it


def test_a_wrong_name_stops_the_run_before_any_notebook_is_touched(tmp_path):
    committed = ROOT / "notebooks" / "region_profile.ipynb"
    before = committed.stat().st_mtime_ns
    text = tmp_path / "notes.txt"
    text.write_text("not a notebook", encoding="utf-8")
    done = _run("execute-notebooks", "notebooks/nope.ipynb", str(text), "notebooks/region_profile.ipynb")
    assert done.returncode == 2
    assert f"not a notebook file: notebooks/nope.ipynb, {text}" in done.stderr
    assert "notebooks/region_profile.ipynb" in done.stderr.split("the committed workbooks are", 1)[1]
    assert done.stdout == "" and committed.stat().st_mtime_ns == before


def test_i18n_help_and_an_unknown_step_run_no_step():
    pot = ROOT / "src" / "helpers" / "locale" / "turku_workbooks.pot"
    before = pot.stat().st_mtime_ns
    shown = _run("i18n", "--help")
    assert shown.returncode == 0 and "tools/i18n extract" in shown.stdout
    typo = _run("i18n", "extract", "extrct")
    assert typo.returncode == 2
    assert typo.stderr.strip() == "i18n: unknown step 'extrct'; the steps are extract, update, compile, check or all"
    assert typo.stdout == "" and pot.stat().st_mtime_ns == before  # extract did not run first


def test_annotate_parameters_help_and_an_unknown_option_write_no_notebook():
    mtimes = {p: p.stat().st_mtime_ns for p in (ROOT / "notebooks").glob("*.ipynb")}
    shown = _run("annotate-parameters", "--help")
    assert shown.returncode == 0 and shown.stdout.startswith("usage: annotate-parameters [-h]")
    wrong = _run("annotate-parameters", "--dry-run")
    assert wrong.returncode == 2 and "unrecognized arguments: --dry-run" in wrong.stderr
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes
