"""Run a report set on an existing Dask distributed cluster.

    workbooks run --set regions --executor dask --scheduler tcp://10.0.0.5:8786

:class:`DaskExecutor` implements the runner's executor interface (``run(jobs)`` yields a
:class:`~helpers.runner.execute.RunResult` per job as it finishes). Each report is one Dask
task that calls :func:`~helpers.runner.execute.execute_job` on a worker, in a temporary
output directory of that worker, and returns the files it produced (executed notebook, both
HTML pages, thumbnail, log, the figure and data files below ``<slug>.files/`` and
``<slug>.data/``) as bytes in its result. The client writes them into the set's
staging directory, so publishing stays the local, atomic step it is with the local executor,
and workers need no shared file system.

What a worker needs (see docs/scheduling.md, "Distributed runs with Dask"): the project
installed from the same commit (``pip install -e '.[dask]'``), the project's kernel
registered, and the same pinned snapshot. Every task checks the last two that can silently
differ — the workbook notebook and the snapshot manifest — against the client's by SHA-256
and fails the run with a clear message when they differ, so a report is never published
from other code or data than the client's.

One worker process runs one report at a time (the runner's per-worker state — private
Jupyter/IPython/matplotlib directories, the kernel zygote, the pre-started kernel — is per
process); start workers with ``--nthreads 1`` and as many processes as reports should run
at once. dask/distributed are imported only when this executor is used; without them the
rest of the package works as before.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import paths
from .base import RunnerInputError, RunnerSetupError
from .execute import RunResult, crashed_result, execute_job
from .jobs import Job
from .kernels import WorkerContext
from .pages import is_report_path, report_files

INSTALL_HINT = "pip install -e '.[dask]' (dask and distributed)"
CONNECT_TIMEOUT_S = 10.0


class DaskUnavailableError(RunnerInputError):
    """--executor dask without dask/distributed installed (exit code 2)."""


class SchedulerUnreachableError(RunnerInputError):
    """The scheduler address is malformed or nothing answers there (exit code 2)."""


def _import_distributed():
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailableError(
            f"--executor dask needs dask and distributed, which are not installed ({exc}); "
            f"install them with {INSTALL_HINT}"
        ) from None
    return distributed


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _portable(path: str, root: Path) -> dict[str, str]:
    """A path as the worker should find it: relative to the project root when inside it
    (the worker has its own checkout, possibly elsewhere), absolute otherwise."""
    p = Path(path).resolve()
    return {"rel": str(p.relative_to(root))} if p.is_relative_to(root) else {"abs": str(p)}


def _local(spec: dict[str, str], root: Path) -> str:
    return str(root / spec["rel"]) if "rel" in spec else spec["abs"]


# ============================================================================ the worker side

_lock = threading.Lock()
_context: WorkerContext | None = None
_thread: concurrent.futures.ThreadPoolExecutor | None = None


def _worker_context() -> WorkerContext:
    """One runner context per worker process, made on its first report (fds are not
    redirected: kernel output goes to the run's log anyway, Dask's own log stays Dask's)."""
    global _context
    if _context is None:
        import atexit

        _context = WorkerContext(os.getpid(), redirect_fds=False)
        atexit.register(_context.close)
    return _context


def _on_worker_thread(fn, *args):
    """Every report of this process runs on one long-lived thread: the runner's kernels
    live on that thread's event loop, and reports run one at a time."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="turku-workbooks")
    return _thread.submit(fn, *args).result()


def run_remote(payload: dict[str, Any]) -> dict[str, Any]:
    """The Dask task: run one report on this worker; return its result and files."""
    return _on_worker_thread(_run_remote, payload)


def _mismatch(payload: dict[str, Any], job: Job) -> str | None:
    if _sha256(Path(job.notebook)) != payload["notebook_sha256"]:
        return (f"the worker's {job.source} differs from the client's (or is missing): workers must "
                "run the project from the same commit as the client")
    if payload.get("snapshot_sha256") is not None:
        manifest = paths.snapshot_dir() / "datapackage.json"
        if _sha256(manifest) != payload["snapshot_sha256"]:
            return ("the worker's pinned snapshot (data/snapshot/datapackage.json) differs from the "
                    "client's (or is missing): workers need the same snapshot")
    return None


def _run_remote(payload: dict[str, Any]) -> dict[str, Any]:
    root = paths.project_root()
    client_job: Job = payload["job"]
    out = Path(tempfile.mkdtemp(prefix="turku-workbooks-dask-"))
    try:
        job = dataclasses.replace(
            client_job, notebook=_local(payload["notebook"], root), cwd=_local(payload["cwd"], root),
            schema_file=_local(payload["schema_file"], root), out_dir=str(out), reports_dir="",
        )
        problem = _mismatch(payload, job)
        if problem is not None:  # the reason goes into the run's log
            result = crashed_result(job, problem, ename="WorkerMismatch")
        else:
            result = execute_job(job, _worker_context())
        files = {name: (out / name).read_bytes()
                 for name in report_files(out, job.slug, result.files.values())}
        return {"result": result, "files": files, "worker_pid": os.getpid()}
    finally:
        shutil.rmtree(out, ignore_errors=True)


# ============================================================================ the client side


class DaskExecutor:
    """Submit each report as a task to the Dask scheduler at ``scheduler``."""

    def __init__(self, scheduler: str, *, timeout: float | None = None, client=None):
        distributed = _import_distributed()
        timeout = CONNECT_TIMEOUT_S if timeout is None else timeout
        if client is None:
            if not isinstance(scheduler, str) or not scheduler.strip():
                raise SchedulerUnreachableError(
                    "--scheduler needs the address of a Dask scheduler, e.g. tcp://10.0.0.5:8786")
            try:
                client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise SchedulerUnreachableError(
                    f"cannot reach a Dask scheduler at {scheduler!r} within {timeout:g} s "
                    f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and workers "
                    "with `dask worker ADDRESS --nthreads 1` (docs/scheduling.md)") from None
        self.client = client
        self.scheduler = scheduler
        self._distributed = distributed
        nthreads = self.client.nthreads()
        if not nthreads:
            try:
                self.client.wait_for_workers(1, timeout=timeout)
            except (TimeoutError, OSError):
                self.close()
                raise RunnerSetupError(
                    f"the Dask scheduler at {scheduler!r} has no workers (waited {timeout:g} s); start "
                    "them with `dask worker ADDRESS --nthreads 1` (docs/scheduling.md)") from None
            nthreads = self.client.nthreads()
        self.workers = max(1, sum(nthreads.values()))

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _payload(self, job: Job, snapshot_sha: str | None) -> dict[str, Any]:
        root = paths.project_root()
        return {
            "job": job,
            "notebook": _portable(job.notebook, root),
            "cwd": _portable(job.cwd, root),
            "schema_file": _portable(job.schema_file, root),
            "notebook_sha256": _sha256(Path(job.notebook)),
            # a run on the pinned snapshot must see the client's snapshot
            "snapshot_sha256": None if "snapshot" in job.parameters else snapshot_sha,
        }

    def run(self, jobs: Sequence[Job]) -> Iterator[RunResult]:
        jobs = list(jobs)
        if not jobs:
            return
        snapshot_sha = _sha256(paths.snapshot_dir() / "datapackage.json")
        token = uuid.uuid4().hex[:8]
        futures = {}
        for job in jobs:
            future = self.client.submit(run_remote, self._payload(job, snapshot_sha), pure=False,
                                        key=f"turku-workbooks-{job.set_name}-{job.slug}-{token}")
            futures[future] = job
        done = set()
        try:
            for future in self._distributed.as_completed(list(futures), loop=self.client.loop):
                job = futures[future]
                done.add(future)
                try:
                    remote = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker, a task error
                    yield crashed_result(job, f"the Dask task failed: {type(exc).__name__}: {exc}")
                    continue
                yield self._materialise(job, remote)
        finally:
            pending = [f for f in futures if f not in done]
            if pending:  # interrupted: nothing more is wanted (a running report finishes on its worker)
                try:
                    self.client.cancel(pending)
                except Exception:  # noqa: BLE001
                    pass

    @staticmethod
    def _materialise(job: Job, remote: dict[str, Any]) -> RunResult:
        """Write the files a task returned into the client's staging directory."""
        out = Path(job.out_dir)
        result: RunResult = remote["result"]
        bad = [n for n in remote["files"] if not is_report_path(job.slug, n)]
        if bad or result.job.slug != job.slug:
            return crashed_result(job, f"the Dask task returned files it should not have: {bad!r}")
        for name, data in remote["files"].items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
        files = {k: (v if v in remote["files"] else None) for k, v in result.files.items()}
        return dataclasses.replace(result, job=job, files=files)
