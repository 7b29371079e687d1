"""The workbooks runner: validated, parallel, unattended runs of the workbooks (the
execution behind ``workbooks run``).

The flow, one module per stage::

    schedule.py   schedule / -p values ──► RunRequest
    jobs.py       plan(): validate EVERY run (helpers.params), name its outputs, find its
                  notebook ──► Job   (bad input: RunnerInputError, exit 2, before any kernel)
    local.py      LocalExecutor.run(jobs): long-lived worker processes ...
    dask.py       ... or DaskExecutor.run(jobs): one Dask task per job
    kernels.py      a worker's private dirs and kernels (forked: kernelfork.py, zygote.py;
                    the next one pre-started)
    execute.py      execute_job(): papermill, then scrub.py (no local paths or secrets),
                    key figures (helpers.keyfigures), render.py (HTML, thumbnail) ──► RunResult
    progress.py   progress bar or log lines, the summary table
    publish.py    manifest, reports/index.html, atomic swap into reports/<set>/
    run.py        run_set(): the above for one set

The runner knows a workbook only through its schema entry (``workbooks.yaml``, read by
:mod:`helpers.params`) and the key figures it records (:mod:`helpers.keyfigures`); it imports
no notebook-side or workbook module (docs/CONTRACTS.md, "Layers").
"""

import sys as _sys

# nbformat (papermill, nbconvert) imports jsonschema, which imports rfc3987-syntax for its
# optional "iri" format checker, and that compiles ~40 lark grammars at import: 0.8-2.7 s in
# every runner process (python-jsonschema/jsonschema#1392, #1521; it comes with jupyterlab's
# jupyter-events). Notebook validation uses no "iri" format, so the runner's processes treat
# the module as absent (jsonschema then leaves that one checker out). benchmarks/README.md.
if "jsonschema" not in _sys.modules:
    _sys.modules.setdefault("rfc3987_syntax", None)

#: what the package exports, and the module each comes from. Imported on first use (PEP 562):
#: a spawned worker unpickles its target from helpers.runner.local and launches its first
#: kernel before it imports the rest (papermill, nbconvert, pandas: ~0.3 s), and the parent
#: never imports what only a worker uses (benchmarks/README.md, issue 14).
_EXPORTS = {
    "base": ("DEFAULT_SET_TIMEOUT", "EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "RunnerInputError",
             "RunnerSetupError", "check_set_name", "check_timeout", "worker_limit"),
    "execute": ("Executor", "RunResult", "crashed_result", "execute_job"),
    "jobs": ("Job", "check_kernel", "display_source", "notebook_dir", "plan", "slugify", "snapshot_version"),
    "kernels": ("WorkerContext",),
    "local": ("LocalExecutor",),
    "progress": ("Progress", "summary_table"),
    "run": ("SetOutcome", "Terminated", "run_set"),
    "schedule": ("ADHOC_DESCRIPTION", "ADHOC_SET", "ADHOC_TITLE", "RunRequest", "SetSpec", "expand_values",
                 "get_set", "load_schedule", "parse_assignments"),
    "scrub": ("Scrubber",),
}
_FROM = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _FROM.get(name)
    if module is None:  # (a submodule, or nothing: the import system takes it from here)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_FROM))


__all__ = sorted(_FROM)
