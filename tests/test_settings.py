"""helpers.settings: the kernel's name in one place, every TURKU_WORKBOOKS_* variable in one
table (the module's docstring and its VARIABLES say the same), and no other such name
anywhere in the code, the tests, the tools or the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import paths, runner, settings

ROOT = Path(__file__).resolve().parents[1]
#: where a variable could be read or documented
SCANNED = ["src", "tests", "tools", "benchmarks", "docs", "Makefile", "README.md", "data/README.md",
           "notebooks/README.md"]
_VARIABLE = re.compile(r"TURKU_WORKBOOKS_[A-Z_]+")


def _files():
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in path.rglob("*"):
                if (f.is_file() and f.suffix not in {".png", ".pyc", ".sqlite", ".gpkg", ".gz", ".xlsx"}
                        and "__pycache__" not in f.parts and not any(p.endswith(".egg-info") for p in f.parts)):
                    yield f


def _docstring_rows() -> list[tuple[str, str, str]]:
    """(name, default, what it does) of every row of the docstring's table."""
    rows = []
    for line in settings.__doc__.splitlines():
        m = re.match(r"^``(TURKU_WORKBOOKS_[A-Z_]+)``\s+(\S.*?)\s{2,}(\S.*)$", line)
        if m:
            rows.append(list(m.groups()))
        elif rows and re.match(r"^\s{20,}\S", line) and not line.lstrip().startswith("="):
            rows[-1][2] += " " + line.strip()  # a continuation line of the last column
    return [tuple(r) for r in rows]


def test_every_variable_named_anywhere_is_in_the_table():
    known = {v.name for v in settings.VARIABLES}
    unknown = {}
    for f in _files():
        for name in set(_VARIABLE.findall(f.read_text(encoding="utf-8", errors="replace"))):
            if name not in known:
                unknown.setdefault(name, []).append(str(f.relative_to(ROOT)))
    assert unknown == {}, "document these in src/helpers/settings.py (VARIABLES and the table)"


def test_the_docstring_table_is_the_variables_table():
    assert _docstring_rows() == [(v.name, v.default, v.doc) for v in settings.VARIABLES]


def test_every_constant_is_a_documented_variable_and_back():
    constants = {getattr(settings, n) for n in dir(settings) if n.endswith("_ENV")}
    assert constants == {v.name for v in settings.VARIABLES}
    assert all(v.name.startswith(settings.ENV_PREFIX) for v in settings.VARIABLES)
    assert len({v.name for v in settings.VARIABLES}) == len(settings.VARIABLES)


def test_the_checker_catches_an_undocumented_variable():
    text = "os.environ.get('TURKU_WORKBOOKS_" + "NOT_DOCUMENTED')"  # built so this file stays clean
    assert set(_VARIABLE.findall(text)) - {v.name for v in settings.VARIABLES} == {
        "TURKU_WORKBOOKS_" + "NOT_DOCUMENTED"}


def test_get_and_flag(monkeypatch):
    monkeypatch.setenv(settings.PREWARM_ENV, " 0 ")
    assert settings.flag(settings.PREWARM_ENV, True) is False
    monkeypatch.setenv(settings.PREWARM_ENV, "yes")
    assert settings.flag(settings.PREWARM_ENV, False) is True
    monkeypatch.setenv(settings.PREWARM_ENV, "")
    assert settings.get(settings.PREWARM_ENV) is None and settings.flag(settings.PREWARM_ENV, True) is True
    with pytest.raises(KeyError, match="not a project setting"):
        settings.get("TURKU_WORKBOOKS_" + "TYPO")


def test_the_path_variables_move_the_folders(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.ROOT_ENV, str(tmp_path))
    assert paths.project_root() == tmp_path and paths.snapshot_dir() == tmp_path / "data" / "snapshot"
    monkeypatch.setenv(settings.REPORTS_ENV, str(tmp_path / "elsewhere"))
    assert paths.reports_dir() == tmp_path / "elsewhere"


# ----------------------------------------------------------------------------- the kernel's name


def test_the_kernel_name_is_one_constant_the_makefile_repeats():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^KERNEL\s*:=\s*(\S+)\s*$", makefile, re.M).group(1) == settings.KERNEL_NAME
    assert runner.Job.__dataclass_fields__["kernel_name"].default == settings.KERNEL_NAME
    for path in ("tools/execute-notebooks", "tests/workbook_runs.py", "benchmarks/run.py",
                 "tests/fixtures/workbooks/make_fixtures.py"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "KERNEL_NAME" in text and f'"{settings.KERNEL_NAME}"' not in text, path


def test_no_module_spells_the_kernel_name_but_settings():
    spelled = [str(p.relative_to(ROOT)) for p in (ROOT / "src" / "helpers").rglob("*.py")
               if p.name != "settings.py" and re.search(r"""kernel\w*\s*[=:(]\s*["']turku-workbooks["']""",
                                                        p.read_text(encoding="utf-8"))]
    assert spelled == []
