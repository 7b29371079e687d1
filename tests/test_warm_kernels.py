"""Kernels forked from a warmed zygote (helpers.runner.warmup) give every workbook the same
outputs, byte for byte, as kernels started the usual way — and nothing one report does
reaches the next.

Each workbook runs twice through the runner's worker code: in a worker whose kernels are
forked from a zygote that has imported pandas, geopandas, matplotlib and the helpers and
parsed the whole snapshot, and in a worker that starts a new plain kernel per report. Every
output of every cell (PNG and SVG bytes, tables, data payloads, key figures) must agree.
The hostile notebook is HAND-MADE in this file: it changes every piece of process state it
can reach; the report after it, forked from the same zygote, must see none of it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import nbformat
import pytest
from workbook_runs import wait_ready

from helpers import params, runner, settings
from helpers.runner import execute, kernelfork

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not kernelfork.supported(), reason="kernel forking needs Linux")]

ROOT = Path(__file__).resolve().parents[1]


def _outputs(path: Path) -> list:
    """Every output of every code cell, without what differs between any two runs."""
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.outputs:
            o = dict(o)
            o.pop("execution_count", None)
            out.append(json.dumps(o, sort_keys=True))
    return out


def _run_all(ctx, jobs, out: Path) -> dict[str, list]:
    """Each job through the worker code; its outputs read from the notebook papermill wrote
    (before the runner links figures to files)."""
    results = {}
    out.mkdir(parents=True, exist_ok=True)
    for i, job in enumerate(jobs):
        job = dataclasses.replace(job, out_dir=str(out), slug=f"{job.slug}-{i}")
        seen = {}
        original = execute._read_back

        def keep(ipynb, _seen=seen, _orig=original):
            _seen["outputs"] = _outputs(ipynb)
            return _orig(ipynb)

        execute._read_back = keep
        try:
            result = execute.execute_job(job, ctx, more=i < len(jobs) - 1)
        finally:
            execute._read_back = original
        assert result.ok, (job.slug, result.error)
        results[jobs[i].workbook if i or jobs[0].slug != "warming-up" else "warming-up"] = seen["outputs"]
    return results


def test_every_workbook_is_byte_identical_in_a_warm_forked_kernel_and_a_plain_one(worker_env, tmp_path, monkeypatch):
    names = sorted(params.workbooks())
    forks = []
    original_fork = kernelfork.Zygote.fork
    monkeypatch.setattr(kernelfork.Zygote, "fork", lambda self, *a, **kw: forks.append(1) or original_fork(self, *a, **kw))
    # a first run before the others, as in a batch (its outputs are not compared)
    jobs = runner.plan([runner.RunRequest(names[0], name="warming-up")] + [runner.RunRequest(n) for n in names],
                       "warm")
    warm = runner.WorkerContext(0, tmp_path / "w-warm", fork=True, prewarm=True)
    try:
        # the zygote warmed up first: a kernel wanted before it is ready starts the usual way,
        # and on a loaded machine that could be any of the first few
        wait_ready(warm.zygote(settings.KERNEL_NAME))
        forked = _run_all(warm, jobs, tmp_path / "warm")
        assert len(forks) == len(jobs)  # every kernel here was forked from the warmed zygote
    finally:
        warm.close()
    plain = runner.WorkerContext(1, tmp_path / "w-plain", fork=False, prewarm=False)
    try:
        fresh = _run_all(plain, jobs[1:], tmp_path / "plain")
    finally:
        plain.close()
    for name in names:
        assert forked[name] == fresh[name], f"{name}: outputs differ between a warm forked and a plain kernel"
        assert any("image/png" in o or "image/svg+xml" in o for o in fresh[name]) or name == "data_overview"


HOSTILE = [  # HAND-MADE: tries to leave state behind for the next report
    "import builtins, os, random, sys, warnings\n"
    "import numpy as np, pandas as pd, matplotlib as mpl\n"
    "from helpers import i18n, snapshot, workbooks\n"
    "snap = snapshot.Snapshot()\n"
    "frame = snap.load('population_municipality_2023')\n"
    "frame.iloc[:, :] = None; frame.attrs['poisoned'] = True\n"
    "snapshot.Snapshot.load = lambda self, name, verify=True: 'poisoned'\n"
    "pd.set_option('display.max_columns', 3); mpl.rcParams['font.size'] = 99\n"
    "random.seed(1); np.random.seed(1); warnings.simplefilter('error')\n"
    "i18n.set_language('sv'); builtins.POISON = 1; sys.modules['helpers.poison'] = 1\n"
    "os.environ['TURKU_POISON'] = '1'; workbooks.POISON = 1\n"
    "open('poison-was-here', 'w').write('x')\n"
    "print('poisoned')",
]
PROBE = [  # HAND-MADE: what the next report sees
    "import builtins, os, random, sys, warnings\n"
    "import numpy as np, pandas as pd, matplotlib as mpl\n"
    "from helpers import i18n, snapshot, workbooks\n"
    "frame = snapshot.Snapshot().load('population_municipality_2023')\n"
    "print('frame clean:', frame.notna().all().all() and 'poisoned' not in frame.attrs)\n"
    "print('max_columns:', pd.get_option('display.max_columns'), 'font.size:', mpl.rcParams['font.size'])\n"
    "print('warnings:', [f[0] for f in warnings.filters[:1]] != ['error'])\n"
    "print('language:', i18n.language())\n"
    "print('leaks:', hasattr(builtins, 'POISON'), 'helpers.poison' in sys.modules, 'TURKU_POISON' in os.environ,"
    " hasattr(workbooks, 'POISON'))\n"
    "print('user names:', sorted(k for k in globals() if not k.startswith('_') and k not in ('In', 'Out', 'exit', "
    "'quit', 'get_ipython', 'open')))",
]


def _notebook(tmp_path: Path, name: str, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_hostile_report_leaves_nothing_for_the_next_one(worker_env, tmp_path):
    import papermill

    ctx = runner.WorkerContext(0, tmp_path / "w", fork=True, prewarm=True)
    try:
        zygote = ctx.zygote(settings.KERNEL_NAME)
        import time

        deadline = time.monotonic() + 120
        while not zygote.ready() and time.monotonic() < deadline:
            time.sleep(0.2)
        job = runner.Job(set_name="h", slug="h", workbook="h", title="h", notebook="", source="", cwd=str(tmp_path),
                         parameters={}, display_parameters=(), schema_file=os.environ.get(settings.SCHEMA_ENV) or "",
                         snapshot_version="")
        texts = []
        for name, cells in (("hostile", HOSTILE), ("probe", PROBE)):
            kernel = ctx.start_kernel(job, warm=True)
            assert kernel.km.forked
            try:
                done = papermill.execute_notebook(str(_notebook(tmp_path, name, cells)), str(tmp_path / f"{name}.out.ipynb"),
                                                  km=kernel.km, kernel_name=settings.KERNEL_NAME, cwd=str(tmp_path),
                                                  progress_bar=False)
            finally:
                ctx.stop_kernel(kernel)
            texts.append("".join(o.get("text", "") for c in done.cells for o in c.outputs))
    finally:
        ctx.close()
    hostile, probe = texts
    assert "poisoned" in hostile
    for line in ("frame clean: True", "max_columns: 20 font.size: 10.0", "warnings: True", "language: en",
                 "leaks: False False False False",
                 "user names: ['builtins', 'frame', 'i18n', 'mpl', 'np', 'os', 'pd', 'random', 'snapshot', 'sys', "
                 "'warnings', 'workbooks']"):
        assert line in probe, (line, probe)
