"""helpers.runner.engine: papermill with fewer notebook saves — the same executed notebook.

The notebook executed here is HAND-MADE in this file (ten tiny cells, no data)."""

from __future__ import annotations

import json

import nbformat
import papermill
import pytest
from papermill.engines import NotebookExecutionManager

from helpers import settings
from helpers.runner import engine

CELLS = ["x = 1"] + [f"x += {i}\nprint(x)" for i in range(9)]  # HAND-MADE


def _notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
    path = tmp_path / "in.ipynb"
    nbformat.write(nb, path)
    return path


def _count_saves(monkeypatch) -> list[int]:
    saves = []
    original = NotebookExecutionManager.save

    def counting(self, **kwargs):
        saves.append(1)
        return original(self, **kwargs)

    monkeypatch.setattr(NotebookExecutionManager, "save", counting)
    return saves


def _stable(path):
    """The notebook without what differs between two runs (times, durations)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["metadata"].pop("papermill", None)
        cell["metadata"].pop("execution", None)
    nb["metadata"]["papermill"] = {k: v for k, v in nb["metadata"]["papermill"].items()
                                   if k not in ("start_time", "end_time", "duration", "input_path", "output_path")}
    return nb


@pytest.mark.slow
def test_the_engine_saves_twice_instead_of_per_cell_and_writes_the_same_notebook(tmp_path, monkeypatch):
    source = _notebook(tmp_path)
    saves = _count_saves(monkeypatch)
    papermill.execute_notebook(str(source), str(tmp_path / "plain.ipynb"), kernel_name=settings.KERNEL_NAME,
                               progress_bar=False)
    plain = len(saves)
    saves.clear()
    papermill.execute_notebook(str(source), str(tmp_path / "ours.ipynb"), kernel_name=settings.KERNEL_NAME,
                               progress_bar=False, engine_name=engine.register())
    assert plain == 2 + 2 * len(CELLS) and len(saves) == 2  # before the first cell, at the end
    assert _stable(tmp_path / "ours.ipynb") == _stable(tmp_path / "plain.ipynb")


@pytest.mark.slow
@pytest.mark.parametrize("echo_displays", [False, True])
def test_the_log_keeps_what_cells_print_and_leaves_what_they_display_to_the_notebook(tmp_path, caplog,
                                                                                    echo_displays):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (  # HAND-MADE
        "print('printed by cell one')",
        "import sys; print('written to stderr', file=sys.stderr)",
        "6 * 7000  # displayed, not printed",
    )]
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
    nbformat.write(nb, tmp_path / "in.ipynb")
    caplog.set_level("INFO", logger="papermill")
    out = papermill.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"),
                                     kernel_name=settings.KERNEL_NAME, progress_bar=False, log_output=True,
                                     engine_name=engine.register(), echo_displays=echo_displays)
    logged = [(r.levelname, r.getMessage().strip()) for r in caplog.records if r.name == "papermill"]
    assert ("INFO", "printed by cell one") in logged and ("WARNING", "written to stderr") in logged
    assert sum(m.startswith("Executing Cell") for _, m in logged) == 3
    assert any("42000" in m for _, m in logged) is echo_displays
    assert out.cells[2].outputs[0]["data"]["text/plain"] == "42000"  # the notebook has it either way


def test_a_long_run_still_saves_between_cells_every_few_seconds(tmp_path, monkeypatch):
    nb = nbformat.read(_notebook(tmp_path), as_version=4)
    nb.metadata["papermill"] = {}  # as papermill.execute_notebook prepares it
    saves = _count_saves(monkeypatch)
    clock = iter(range(0, 1000, 2))  # two seconds per call of the clock
    monkeypatch.setattr(engine.time, "monotonic", lambda: next(clock))
    man = engine.ThrottledExecutionManager(nb, output_path=str(tmp_path / "o.ipynb"), progress_bar=False,
                                           save_every=5)
    man.notebook_start()
    for i, cell in enumerate(nb.cells):
        man.cell_start(cell, i)
        man.cell_complete(cell, i)
    man.notebook_complete()
    assert 2 < len(saves) < 2 + 2 * len(CELLS)  # some saves between cells, not one per cell


def test_runner_processes_skip_jsonschemas_slow_iri_checker_and_still_validate_notebooks():
    """rfc3987-syntax compiles ~40 lark grammars when imported (0.8-2.7 s per process); the
    runner's processes leave it out, and nbformat still validates notebooks."""
    import subprocess
    import sys

    code = ("import helpers.runner, nbformat, sys\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
            "nbformat.validate(nb)\n"
            "bad = nbformat.v4.new_notebook(); bad.cells = [{'cell_type': 'nonsense'}]\n"
            "try:\n    nbformat.validate(bad)\nexcept nbformat.ValidationError:\n    print('invalid caught')\n"
            "print(sorted(m for m in sys.modules if m.startswith(('lark', 'rfc3987_syntax')) and sys.modules[m]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["invalid caught", "[]"]
