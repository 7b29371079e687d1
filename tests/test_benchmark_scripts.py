"""The benchmark scripts stay in step with the code they time (they are run by hand and by
`make bench`, not by the suite): every runner function benchmarks/profile_run.py wraps exists,
so a rename fails here instead of at the start of a profile."""

from __future__ import annotations

import re
from pathlib import Path

import papermill.engines

from helpers.runner import WorkerContext, execute
from helpers.runner.render import ReportRenderer

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "profile_run.py"


def test_every_function_profile_run_wraps_exists():
    wrapped = re.findall(r"wrap\((\w+(?:\.\w+)*), \"(\w+)\"", SCRIPT.read_text(encoding="utf-8"))
    owners = {"execute": execute, "papermill.engines.NotebookExecutionManager":
              papermill.engines.NotebookExecutionManager}
    assert len(wrapped) >= 3
    for owner, name in wrapped:
        if owner == "ctx.renderer":  # (a WorkerContext would point this process's TMPDIR at its own dir)
            assert isinstance(WorkerContext.renderer, property), "WorkerContext.renderer"
            assert callable(getattr(ReportRenderer, name, None)), f"ReportRenderer.{name}"
            continue
        assert callable(getattr(owners[owner], name, None)), f"{owner}.{name}"
