"""The default executor: N long-lived worker processes on this machine (``-j N``).

    parent                                    worker i (spawned, one WorkerContext)
    ──────                                    ─────────────────────────────────────
    LocalExecutor.run(jobs) ──(job, more)──►  execute_job(job, ctx, more=more)
                            ◄──RunResult────  ... next job, or None: close and exit

Each worker imports papermill/nbconvert once, builds one report renderer and runs many
reports, each in a fresh kernel. Every worker dies with the runner (``PR_SET_PDEATHSIG``)
and takes its kernels with it; a worker that dies mid-run fails that run
(:func:`~helpers.runner.execute.crashed_result`), its strays are killed, its private dir —
owned by the parent — is removed, and a fresh worker takes the remaining jobs.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import RunnerInputError
from .execute import RunResult, crashed_result, execute_job
from .jobs import Job
from .kernels import WorkerContext


class LocalExecutor:
    """N long-lived worker processes on this machine."""

    def __init__(self, workers: int = 1, *, start_method: str = "spawn"):
        if not isinstance(workers, int) or workers < 1:
            raise RunnerInputError(f"-j needs a whole number of workers >= 1; got {workers!r}")
        self.workers = workers
        self.start_method = start_method

    def run(self, jobs: Sequence[Job]) -> Iterator[RunResult]:
        jobs = list(jobs)
        if not jobs:
            return
        mp = multiprocessing.get_context(self.start_method)
        pending = deque(jobs)
        slots: list[_Slot] = []
        try:
            for i in range(min(self.workers, len(jobs))):
                slots.append(_start(mp, i))
            for slot in slots:
                _assign(slot, pending)
            while any(s.job is not None for s in slots):
                busy = [s for s in slots if s.job is not None]
                ready = multiprocessing.connection.wait([s.conn for s in busy] + [s.process.sentinel for s in busy])
                for slot in busy:
                    result = None
                    if slot.conn in ready:
                        try:
                            result = slot.conn.recv()
                        except (EOFError, OSError):
                            result = None
                    elif slot.process.sentinel not in ready:
                        continue
                    if result is None:  # the worker died mid-run
                        yield _replace_dead_worker(mp, slot, pending)
                        continue
                    slot.job = None
                    yield result
                    _assign(slot, pending)
        finally:
            _shutdown(slots)


@dataclass
class _Slot:
    index: int
    process: Any
    conn: Any
    tmp: str = ""
    job: Job | None = None
    since: float = 0.0


def _start(mp, index: int) -> _Slot:
    # the parent owns the worker's temp dir, so it is removed even if the worker is killed
    tmp = tempfile.mkdtemp(prefix=f"turku-workbooks-w{index}-")
    parent_conn, child_conn = mp.Pipe()
    proc = mp.Process(target=worker_main, args=(child_conn, index, os.getpid(), tmp),
                      name=f"turku-workbooks-worker-{index}", daemon=True)
    proc.start()
    child_conn.close()
    return _Slot(index, proc, parent_conn, tmp)


def _assign(slot: _Slot, pending: deque) -> None:
    if pending and slot.process.is_alive():
        slot.job, slot.since = pending.popleft(), time.time()
        slot.conn.send((slot.job, bool(pending)))  # more=False: no kernel to pre-start
    else:
        with contextlib.suppress(Exception):
            slot.conn.send(None)


def _replace_dead_worker(mp, slot: _Slot, pending: deque) -> RunResult:
    """The failed result of the dead worker's run; a fresh worker takes the next job."""
    slot.process.join(timeout=5)
    job, slot.job = slot.job, None
    result = crashed_result(job, f"the worker process died (exit code {slot.process.exitcode}) "
                                 "while running this report", slot.since)
    with contextlib.suppress(Exception):
        slot.conn.close()
    _kill_strays(slot.tmp)
    shutil.rmtree(slot.tmp, ignore_errors=True)
    if pending:
        fresh = _start(mp, slot.index)
        slot.process, slot.conn, slot.tmp = fresh.process, fresh.conn, fresh.tmp
        _assign(slot, pending)
    return result


def _shutdown(slots: list[_Slot]) -> None:
    for slot in slots:
        if slot.job is not None and slot.process.is_alive():
            slot.process.terminate()  # interrupted mid-run: the worker kills its kernel
        else:
            with contextlib.suppress(Exception):
                slot.conn.send(None)
    deadline = time.time() + 10
    for slot in slots:
        slot.process.join(timeout=max(0.1, deadline - time.time()))
        if slot.process.is_alive():
            slot.process.terminate()
            slot.process.join(timeout=3)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(timeout=3)
        with contextlib.suppress(Exception):
            slot.conn.close()
        shutil.rmtree(slot.tmp, ignore_errors=True)


def _kill_strays(tmp: str) -> None:
    """Kill what a dead worker left running — its kernels, the current and the pre-started
    one (their parent poller would notice within a second, but the worker's private dir
    is removed now and must stay removed): they are found by the IPYTHONDIR in their
    environment, which points into that dir."""
    with contextlib.suppress(Exception):
        import psutil

        marker = str(Path(tmp) / "ipython")
        victims = []
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if proc.pid != os.getpid() and proc.environ().get("IPYTHONDIR") == marker:
                    proc.kill()
                    victims.append(proc)
        psutil.wait_procs(victims, timeout=5)


# ============================================================================ in the worker


def worker_main(conn, worker_id: int, parent_pid: int, tmp: str | None = None) -> None:
    """A worker's life: receive ``(job, more)`` until ``None``, send back each result."""
    _die_with_parent(parent_pid)
    ctx: WorkerContext | None = None

    def on_term(signum, frame):  # runner gone or asked us to stop: take the kernel along
        _kill_children()
        if ctx is not None:
            ctx.close(graceful=False)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    try:
        ctx = WorkerContext(worker_id, tmp)
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            job, more = message
            conn.send(execute_job(job, ctx, more=more))
    finally:
        _kill_children()
        if ctx is not None:
            ctx.close()


def _die_with_parent(parent_pid: int) -> None:
    """Linux: get SIGTERM when the runner dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _kill_children() -> None:
    with contextlib.suppress(Exception):
        import psutil

        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(Exception):
                child.kill()
