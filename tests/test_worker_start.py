"""How a run starts (issue 14, the single-report path): the runner's parent and a freshly
spawned worker import only what they need before the first kernel is launched, the kernel is
launched before the worker's own first-run set-up (papermill, the report renderer, a first
page), and that set-up happens once per worker. No real kernel: the kernel, papermill and the
renderer are stand-ins that record the order of calls."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

from helpers import runner
from helpers.runner import execute, jobs, render

HEAVY = ("pandas", "papermill", "nbconvert", "matplotlib", "geopandas")


def _imported_after(code: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_spawned_worker_reaches_its_first_kernel_without_the_heavy_libraries():
    # a spawned worker unpickles worker_main and its Job: helpers.runner.local and .jobs
    assert _imported_after("import helpers.runner.local, helpers.runner.jobs, helpers.runner.kernels") == []


def test_the_parent_plans_a_run_without_pandas_or_papermill():
    code = ("from helpers import runner\n"
            "jobs = runner.plan([runner.RunRequest('region_profile', {'area': 'Turku'})], 'adhoc')\n"
            "assert jobs[0].slug == 'region_profile--KU853', jobs[0].slug\n"
            "from helpers.runner import publish, run\n"
            "assert publish.format_seconds(4.25, 'fi') == '4,2 s', publish.format_seconds(4.25, 'fi')")
    assert _imported_after(code) == []  # publishing formats its numbers without pandas too


def test_the_package_still_exports_every_name_and_its_submodules():
    for name in runner.__all__:
        assert getattr(runner, name) is not None, name
    assert runner.plan is jobs.plan and runner.execute_job is execute.execute_job
    from helpers.runner import publish  # a submodule, not an export

    assert publish.__name__ == "helpers.runner.publish"
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        runner.nothing_here  # noqa: B018


# ----------------------------------------------------------------------------- the order


class _Ctx:
    """A worker context that records what the runner asks of it."""

    def __init__(self):
        self.calls: list[str] = []

    def kernel_for(self, job, *, allow_warm=True, more=True):
        self.calls.append("launch kernel")
        return types.SimpleNamespace(km="the kernel manager")

    def prestart(self, job):
        self.calls.append("pre-start the next kernel")

    def warm_up(self):
        self.calls.append("warm up")

    def stop_kernel(self, kernel, fh=None):
        self.calls.append("stop kernel")


def _job():
    return jobs.Job(set_name="s", slug="demo", workbook="w", title="Demo", notebook="n.ipynb",
                    source="notebooks/w.ipynb", cwd=".", parameters={}, display_parameters=(),
                    schema_file="", snapshot_version="1")


@pytest.mark.parametrize("more, expected", [
    (False, ["launch kernel", "warm up", "papermill", "stop kernel"]),
    (True, ["launch kernel", "pre-start the next kernel", "warm up", "papermill", "stop kernel"]),
])
def test_the_kernel_is_launched_before_the_workers_own_set_up(monkeypatch, tmp_path, more, expected):
    import papermill

    ctx = _Ctx()

    def fake_execute(notebook, output, **kwargs):
        assert kwargs["km"] == "the kernel manager"  # papermill gets the kernel already booting
        ctx.calls.append("papermill")

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    error, attempts = execute._execute(_job(), ctx, tmp_path / "out.ipynb", None, execute=None, more=more)
    assert (error, attempts) == (None, 1)
    assert ctx.calls == expected


def test_a_failing_cell_is_still_reported_as_the_cells_error(monkeypatch, tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    def failing(notebook, output, **kwargs):
        raise PapermillExecutionError(cell_index=2, exec_count=3, source="1/0", ename="ZeroDivisionError",
                                      evalue="division by zero", traceback=[])

    monkeypatch.setattr(papermill, "execute_notebook", failing)
    ctx = _Ctx()
    error, attempts = execute._execute(_job(), ctx, tmp_path / "out.ipynb", None, execute=None, more=False)
    assert attempts == 1 and ctx.calls == ["launch kernel", "warm up", "stop kernel"]
    assert error["ename"] == "ZeroDivisionError" and error["exec_count"] == 3
    assert error["summary"] == "ZeroDivisionError: division by zero"


# ----------------------------------------------------------------------------- the worker's side


@pytest.fixture
def ctx(worker_env):
    made = []

    def make(**kwargs):
        made.append(runner.WorkerContext(0, **kwargs))
        return made[-1]

    yield make
    for c in made:
        c.close()


def test_only_the_first_kernel_of_a_worker_does_its_imports_at_start_up(ctx, monkeypatch):
    worker = ctx(prewarm=True)
    started = []
    monkeypatch.setattr(worker, "start_kernel", lambda job, warm=False, more=True: started.append(warm))
    worker.kernel_for(_job(), more=False)
    worker.warm_up()
    worker.kernel_for(_job(), more=False)
    assert started == [True, False]
    quiet = ctx(prewarm=False)  # TURKU_WORKBOOKS_PREWARM=0: no warm line at all
    monkeypatch.setattr(quiet, "start_kernel", lambda job, warm=False, more=True: started.append(warm))
    quiet.kernel_for(_job(), more=False)
    assert started == [True, False, False]


def test_the_workers_set_up_happens_once_and_builds_one_renderer(ctx, monkeypatch):
    worker = ctx()
    rendered = []
    original = render.ReportRenderer.warm_up
    monkeypatch.setattr(render.ReportRenderer, "warm_up", lambda self: rendered.append(self) or original(self))
    assert worker._renderer is None  # nothing of nbconvert's before the first kernel is launched
    worker.warm_up()
    worker.warm_up()
    assert len(rendered) == 1 and rendered[0] is worker.renderer is worker.renderer
