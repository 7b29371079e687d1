"""Run a workbook the way the scheduled runner and a researcher do: papermill, the project
kernel, cwd notebooks/. Shared by the tests/test_workbook_*.py files; :func:`probe_job` and
:func:`wait_ready` by the kernel tests."""

from __future__ import annotations

from pathlib import Path

import papermill as pm

from helpers import runner
from helpers.settings import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PINNED = ROOT / "data" / "snapshot"
FIXTURES = ROOT / "tests" / "fixtures"
KERNEL = KERNEL_NAME


def execute_workbook(workbook: str, out: Path, **parameters) -> Path:
    """Execute notebooks/<workbook>.ipynb with ``parameters`` into ``out`` (a .ipynb path)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(NOTEBOOKS / f"{workbook}.ipynb"), str(out), parameters=parameters,
                        kernel_name=KERNEL, cwd=str(NOTEBOOKS), progress_bar=False)
    return out


def probe_job(cwd: Path) -> runner.Job:
    """A runner job for starting a kernel in ``cwd`` (its notebook is the test's own)."""
    return runner.Job(set_name="probe", slug="probe", workbook="probe", title="probe", notebook="", source="",
                      cwd=str(cwd), parameters={}, display_parameters=(), schema_file=str(Path(cwd) / "workbooks.yaml"),
                      snapshot_version="")


def wait_ready(zygote, timeout: float = 60) -> None:
    """Until a kernel zygote has done its imports and warm-up (however loaded the machine)."""
    import time

    deadline = time.monotonic() + timeout
    while not zygote.ready():
        assert time.monotonic() < deadline, "the kernel zygote did not get ready"
        time.sleep(0.05)
