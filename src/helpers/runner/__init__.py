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

from .base import (  # noqa: E402
    DEFAULT_SET_TIMEOUT,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    RunnerInputError,
    RunnerSetupError,
    check_set_name,
    check_timeout,
    worker_limit,
)
from .execute import Executor, RunResult, crashed_result, execute_job
from .jobs import Job, check_kernel, display_source, notebook_dir, plan, slugify, snapshot_version
from .kernels import WorkerContext
from .local import LocalExecutor
from .progress import Progress, summary_table
from .run import SetOutcome, Terminated, run_set
from .schedule import ADHOC_SET, RunRequest, SetSpec, expand_values, get_set, load_schedule, parse_assignments
from .scrub import Scrubber

__all__ = [
    "ADHOC_SET", "DEFAULT_SET_TIMEOUT", "EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "Executor", "Job",
    "LocalExecutor", "Progress", "check_timeout", "worker_limit",
    "RunRequest", "RunResult", "RunnerInputError", "RunnerSetupError", "Scrubber", "SetOutcome", "SetSpec",
    "Terminated", "WorkerContext", "check_kernel", "check_set_name", "crashed_result", "display_source",
    "execute_job", "expand_values", "get_set", "load_schedule", "notebook_dir", "parse_assignments", "plan",
    "run_set", "slugify", "snapshot_version", "summary_table",
]
