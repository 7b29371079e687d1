"""helpers.runner.kernelfork: kernels forked from a per-worker zygote behave like new kernels.

The notebook run here is HAND-MADE in this file (a probe of the kernel's process state and
of pandas' display defaults); it is executed once in a kernel forked from the zygote and
once in a kernel started the usual way, and the two must print the same.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from workbook_runs import probe_job, wait_ready

from helpers import runner, settings
from helpers.runner import kernelfork

pytestmark = pytest.mark.skipif(not kernelfork.supported(), reason="kernel forking needs Linux")

PROBE = [  # HAND-MADE probe cells (no data)
    "import os, signal, sys\n"
    "print('parent is the worker:', os.getppid() == int(os.environ['TWB_TEST_WORKER']))\n"
    "print('parent poller target:', os.environ['JPY_PARENT_PID'] == str(os.getppid()))\n"
    "print('own session:', os.getsid(0) == os.getpid())\n"
    "print('cwd:', os.getcwd() == os.environ['TWB_TEST_CWD'])",
    "print('argv0:', os.path.basename(sys.argv[0]), len(sys.argv))\n"
    "print(\"'' on sys.path:\", '' in sys.path)\n"
    "print('SIGINT:', signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    "print('SIGPIPE ignored:', signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN)",
    "print('user names:', sorted(k for k in globals() if not k.startswith('_') and k not in ('In', 'Out', 'exit', 'quit', 'get_ipython', 'open')))",
    "print('project modules:', sorted(m for m in sys.modules if m.split('.')[0] == 'helpers'))",
    "import pandas as pd\n"
    "print('pandas max_columns:', pd.get_option('display.max_columns'))\n"
    "pd.DataFrame({f'c{i}': [i] for i in range(30)})",
    "import matplotlib.pyplot as plt\n"
    "print('backend:', plt.get_backend())\n"
    "plt.plot([1, 2, 3])\n"
    "plt.show()",
    # the environment's names (values of the per-run ones differ) and what preloaded imports
    # took from the process: debugpy's stderr log writes to the kernel's own stderr stream
    "print('environment:', sorted(os.environ))\n"
    "print('PYDEVD_USE_FRAME_EVAL:', os.environ.get('PYDEVD_USE_FRAME_EVAL'))\n"
    "import debugpy.common.log\n"
    "print('debugpy logs to this stderr:', debugpy.common.log.stderr.file is sys.stderr)",
    f"print('per-run variable:', os.environ.get({settings.CONTACT_ENV!r}))",
]


@pytest.fixture
def ctx(worker_env, monkeypatch):
    monkeypatch.setenv("TWB_TEST_WORKER", str(os.getpid()))
    monkeypatch.setenv("TWB_TEST_CWD", str(worker_env))
    context = runner.WorkerContext(0, prewarm=False)
    yield context
    context.close()


def _run_probe(ctx: runner.WorkerContext, tmp_path: Path, name: str, fork: bool, monkeypatch,
               cells=PROBE) -> tuple[list, bool]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, source)
    monkeypatch.setenv(settings.CONTACT_ENV, name)  # the project's settings may differ per run, forked or not
    ctx.fork = fork
    if fork:  # a kernel wanted while the zygote is still starting is launched the usual way
        wait_ready(ctx.zygote(settings.KERNEL_NAME))
    kernel = ctx.start_kernel(probe_job(tmp_path))
    try:
        done = papermill.execute_notebook(str(source), str(tmp_path / f"{name}.out.ipynb"), km=kernel.km,
                                          kernel_name=settings.KERNEL_NAME, cwd=str(tmp_path), progress_bar=False)
    finally:
        ctx.stop_kernel(kernel)
    outputs = []
    for cell in done.cells:
        for out in cell.outputs:
            data = out.get("data", {})
            outputs.append(out.get("text") or {k: v for k, v in data.items() if k != "image/png"})
            if "image/png" in data:
                outputs.append("a PNG figure")
    return outputs, kernel.km.forked


def test_a_forked_kernel_behaves_like_a_new_kernel(ctx, tmp_path, monkeypatch):
    forked, was_forked = _run_probe(ctx, tmp_path, "forked", True, monkeypatch)
    fresh, was_fresh_forked = _run_probe(ctx, tmp_path, "fresh", False, monkeypatch)
    assert was_forked and not was_fresh_forked
    text = "".join(o for o in forked if isinstance(o, str))
    for line in ("parent is the worker: True", "parent poller target: True", "own session: True", "cwd: True",
                 "argv0: ipykernel_launcher.py", "'' on sys.path: True", "SIGINT: True", "SIGPIPE ignored: True",
                 "user names: ['os', 'signal', 'sys']",  # nothing preloaded leaks into the namespace
                 "project modules: []",  # the zygote imports no project module (not even helpers.runner)
                 "pandas max_columns: 20",  # pandas' in-a-kernel default: pandas is not preloaded
                 "backend: module://matplotlib_inline.backend_inline", "a PNG figure",
                 "PYDEVD_USE_FRAME_EVAL: NO", "debugpy logs to this stderr: True"):
        assert line in text or line in forked, line
    assert "per-run variable: forked" in text
    # everything else equal to a kernel started the usual way
    forked[-1] = forked[-1].replace("forked", "X")
    fresh[-1] = fresh[-1].replace("fresh", "X")
    assert forked == fresh


def test_a_forked_kernels_collector_skips_the_zygotes_frozen_heap_and_runs_on_its_own(ctx, tmp_path, monkeypatch):
    probe = ["import gc\nprint('frozen:', gc.get_freeze_count() > 1000, 'enabled:', gc.isenabled())\n"
             "class Loop: pass\nx = Loop(); x.me = x; del x\nprint('collected:', gc.collect() > 0)"]  # HAND-MADE
    forked, _ = _run_probe(ctx, tmp_path, "forked", True, monkeypatch, cells=probe)
    fresh, _ = _run_probe(ctx, tmp_path, "fresh", False, monkeypatch, cells=probe)
    assert forked == ["frozen: True enabled: True\ncollected: True\n"]
    assert fresh == ["frozen: False enabled: True\ncollected: True\n"]


def test_the_zygote_is_used_only_for_its_own_interpreter_and_environment(tmp_path):
    prefix = kernelfork.kernel_prefix(settings.KERNEL_NAME)
    assert prefix and "-m" not in prefix
    zygote = kernelfork.Zygote(prefix, tmp_path / "zygote.log", env=dict(os.environ))
    try:
        cmd = [*prefix, "-m", "ipykernel_launcher", "-f", "conn.json", "--x=1"]
        env = dict(os.environ, JPY_PARENT_PID="1", **{settings.SCHEMA_ENV: "/elsewhere.yaml"})
        assert zygote.fits(cmd, env) == ["-f", "conn.json", "--x=1"]
        assert zygote.fits(cmd, dict(env, PYTHONPATH="/somewhere/else")) is None  # the interpreter would differ
        assert zygote.fits(cmd, dict(env, OMP_NUM_THREADS="7")) is None  # libraries read it at import
        assert zygote.fits(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "c"], env) is None
        assert zygote.fits([*prefix, "-m", "other_kernel", "-f", "c"], env) is None
    finally:
        zygote.close()
    assert not zygote.alive()


def test_a_dead_zygote_means_kernels_start_the_usual_way(ctx, tmp_path):
    zygote = ctx.zygote(settings.KERNEL_NAME)
    assert zygote is not None and zygote.alive()
    wait_ready(zygote)
    zygote.proc.kill()
    zygote.proc.wait(timeout=10)
    kernel = ctx.start_kernel(probe_job(tmp_path))  # a new zygote, or the usual launch: either way a kernel
    try:
        from jupyter_core.utils import run_sync

        assert run_sync(kernel.km.is_alive)()
    finally:
        ctx.stop_kernel(kernel)
    assert ctx._zygotes[settings.KERNEL_NAME] is not zygote


def _alive(kernel) -> bool:
    from jupyter_core.utils import run_sync

    return run_sync(kernel.km.is_alive)()


def test_while_the_zygote_warms_up_the_next_kernel_is_forked_rather_than_started_the_usual_way(
        worker_env, tmp_path):
    # a kernel started the usual way repeats the zygote's whole warm-up (~2 CPU s): the worker's
    # first kernel does not wait for the zygote, but the next one does instead of being pre-started
    ctx = runner.WorkerContext(0, tmp_path / "w", fork=True, prewarm=True)
    job = probe_job(tmp_path)
    kernels = []
    try:
        kernels.append(ctx.kernel_for(job, more=True))  # starts the zygote, does not wait for it
        assert not kernels[0].km.forked
        zygote = ctx._zygotes[settings.KERNEL_NAME]
        assert zygote.warming()  # its imports take seconds; nothing waited for them yet
        ctx.prestart(job)  # while this report would run: nothing started
        assert ctx._warm is None
        kernels.append(ctx.kernel_for(job, more=True))  # waits for the zygote, then forks
        assert kernels[1].km.forked and zygote.ready() and not zygote.warming()
        ctx.prestart(job)  # the zygote is ready: the next kernel is pre-started, forked
        kernels.append(ctx.kernel_for(job, more=True))
        assert kernels[2].km.forked and kernels[2].warm
        assert all(_alive(k) for k in kernels)
        # what the zygote parsed once is there in a forked kernel: the source lines' translations
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(  # HAND-MADE probe
            "from helpers import provenance\nprint('parsed:', provenance.attribution_translations.cache_info().currsize)")]
        nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
        nbformat.write(nb, tmp_path / "probe.ipynb")
        done = papermill.execute_notebook(str(tmp_path / "probe.ipynb"), str(tmp_path / "probe.out.ipynb"),
                                          km=kernels[1].km, kernel_name=settings.KERNEL_NAME, cwd=str(tmp_path),
                                          progress_bar=False)
        assert done.cells[0].outputs[0]["text"] == "parsed: 1\n"
    finally:
        for kernel in kernels:
            ctx.stop_kernel(kernel)
        ctx.close()


class _NeverReady:
    """A stand-in zygote that stays in its warm-up (HAND-MADE; never forks)."""

    def __init__(self):
        self.waits = []

    def alive(self):
        return True

    def warming(self):
        return True

    def ready(self, wait=0):
        self.waits.append(wait)
        return False

    def close(self):
        pass


def test_a_zygote_that_never_gets_ready_costs_one_bounded_wait_then_kernels_start_the_usual_way(
        worker_env, tmp_path, monkeypatch):
    from helpers.runner import kernels as kernels_module

    monkeypatch.setattr(kernels_module, "ZYGOTE_WAIT_S", 0.25)
    ctx = runner.WorkerContext(0, tmp_path / "w", fork=True, prewarm=True)
    stuck = ctx._zygotes[settings.KERNEL_NAME] = _NeverReady()
    job = probe_job(tmp_path)
    started = []
    try:
        ctx.prestart(job)  # the zygote warms: no kernel now, the next one waits for it
        started.append(ctx.kernel_for(job, more=True))
        assert stuck.waits == [0.25] and not started[0].km.forked and _alive(started[0])
        started.append(ctx.kernel_for(job, more=True))  # no second wait for the same zygote
        assert stuck.waits == [0.25, 0] and not started[1].km.forked
        ctx._fork_next = "another-kernel"  # a warming zygote of another kernel: this run does not wait
        started.append(ctx.kernel_for(job, more=True))
        assert stuck.waits == [0.25, 0, 0] and ctx._fork_next is None
    finally:
        for kernel in started:
            ctx.stop_kernel(kernel)
        ctx.close()


def test_the_zygote_program_imports_only_the_standard_library():
    import ast

    tree = ast.parse(kernelfork.ZYGOTE_PROGRAM.read_text(encoding="utf-8"))
    top = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    top |= {node.module.split(".")[0] for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    relative = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert relative == [] and "helpers" not in top
    # what a forked kernel imports itself comes later, in _become_kernel: ipykernel
    assert top - sys.stdlib_module_names == {"ipykernel"}
