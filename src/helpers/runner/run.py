"""One set, from requests to the published gallery (``workbooks run`` calls :func:`run_set`).

    plan(requests)        validate every run ── bad input: RunnerInputError, nothing started
    check_kernel()        the project kernel is registered ── else RunnerSetupError
    new_staging()         reports/.staging/<set>-<pid>-<rnd>/<set>/
    executor.run(jobs)    RunResult per run, in completion order; Progress per result
    publish_set()         at least one success (or a merged ad-hoc set): manifest, gallery, swap
    keep_failed()         every run failed: nothing published, outputs to reports/.failed/<set>/

Ctrl-C, SIGTERM or SIGHUP while the set runs discards the staging directory and publishes
nothing; the previous reports stay as they were.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .. import paths, settings
from .base import EXIT_FAILED, EXIT_OK, RunnerInputError, RunnerSetupError, now_iso
from .execute import Executor, RunResult, crashed_result
from .jobs import check_kernel, plan
from .local import LocalExecutor
from .progress import Heartbeat, Progress, summary_table
from .publish import discard_staging, keep_failed, new_staging, publish_set, set_manifest
from .schedule import RunRequest
from .scrub import Scrubber, scrub_file


@dataclass
class SetOutcome:
    set_name: str
    results: list[RunResult]
    elapsed_s: float
    published: Path | None
    kept_failed: Path | None

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed or not self.results else EXIT_OK


class Terminated(BaseException):
    """SIGTERM/SIGHUP while a set runs (handled like Ctrl-C: nothing is published)."""


@contextlib.contextmanager
def _signals_interrupt():
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(signum)

    saved = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def heartbeat_interval() -> float:
    """Seconds between "still running" lines: $TURKU_WORKBOOKS_HEARTBEAT, else
    :data:`~helpers.settings.HEARTBEAT_SECONDS`; 0 turns them off."""
    value = settings.get(settings.HEARTBEAT_ENV)
    if value is None:
        return settings.HEARTBEAT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not (seconds == 0 or 0.1 <= seconds <= 86_400):
        raise RunnerInputError(f"{settings.HEARTBEAT_ENV}={value!r} is not allowed: give seconds between "
                               "0.1 and 86400, or 0 for no heartbeat")
    return seconds


def run_set(
    set_name: str,
    requests: Sequence[RunRequest],
    *,
    workers: int = 1,
    reports_dir: Path | None = None,
    executor: Executor | None = None,
    merge: bool = False,
    description: str = "",
    title: str = "",
    timeout: float | None = None,
    stream: TextIO | None = None,
    tty: bool | None = None,
    languages: Sequence[str] | None = None,
) -> SetOutcome:
    """Validate, execute (in parallel) and publish one set of runs.

    Raises :class:`~helpers.runner.base.RunnerInputError` (nothing started) for bad input.
    Publishing policy: a set with at least one successful run is published — successes as
    reports, failures as failure cards with their kept notebook and log; a set where every
    run failed is not published (the previous reports stay) and its outputs go to
    ``reports/.failed/<set>/``; a merged set (ad-hoc single runs) is always published,
    failures as failure cards; an interrupted or killed run publishes nothing.
    """
    reports_dir = Path(reports_dir) if reports_dir else paths.reports_dir()
    if reports_dir.exists() and not reports_dir.is_dir():
        raise RunnerInputError(f"the reports folder {reports_dir} is a file, not a folder; give the folder "
                               "the reports go to (--reports DIR or $TURKU_WORKBOOKS_REPORTS)")
    jobs = plan(requests, set_name, timeout=timeout, languages=languages)
    beat = heartbeat_interval()
    check_kernel()
    executor = executor or LocalExecutor(workers)
    try:
        staged = new_staging(reports_dir, set_name)
    except OSError as exc:
        raise RunnerSetupError(f"cannot write below {reports_dir}: {exc.strerror or exc} — nothing was run; "
                               "give a folder this user may write to (--reports DIR)") from None
    jobs = [dataclasses.replace(j, out_dir=str(staged), reports_dir=str(reports_dir)) for j in jobs]
    t0, started_at = time.time(), now_iso()
    run_log = open(staged / "run.log", "w", encoding="utf-8")
    progress = Progress(set_name, len(jobs), executor.workers, stream=stream, tty=tty, log_file=run_log)
    results: dict[str, RunResult] = {}
    try:
        with _signals_interrupt(), Heartbeat(progress, jobs, beat) as heartbeat:
            for result in executor.run(jobs):
                results[result.job.slug] = result
                heartbeat.done(result.job.slug)
                progress.update(result)
    except BaseException as exc:
        progress.close()
        run_log.close()
        discard_staging(staged)
        reason = "interrupted" if isinstance(exc, (KeyboardInterrupt, Terminated)) else f"aborted: {exc!r}"
        print(f"set {set_name!r} {reason}; nothing published, the previous reports are unchanged",
              file=stream or sys.stderr, flush=True)
        raise
    progress.close()
    ordered = [results.get(j.slug) or crashed_result(j, "no result came back from the executor") for j in jobs]
    elapsed = time.time() - t0
    outcome = SetOutcome(set_name, ordered, elapsed, None, None)
    ok = [r for r in ordered if r.ok]
    progress.note(f"set {set_name!r} finished in {elapsed:.1f} s: {len(ok)} ok, {len(ordered) - len(ok)} failed")
    run_log.write(summary_table(ordered) + "\n")
    scrubber = Scrubber.for_this_machine({str(reports_dir): "<reports>"})
    if ok or merge:  # ad-hoc runs merge into their set, so a failure card replaces nothing else
        manifest = set_manifest(set_name, [r.record() for r in ordered], description=description, title=title,
                                started_at=started_at, elapsed_s=elapsed, workers=executor.workers)
        run_log.write(f"{now_iso()} publishing to {set_name}/ and index.html\n")
        run_log.close()
        scrub_file(staged / "run.log", scrubber)
        with _publishing(reports_dir, staged, set_name):
            outcome.published = publish_set(reports_dir, staged, manifest, merge=merge)
    else:
        run_log.write(f"{now_iso()} every run failed: nothing published\n")
        run_log.close()
        scrub_file(staged / "run.log", scrubber)
        with _publishing(reports_dir, staged, set_name):
            outcome.kept_failed = keep_failed(reports_dir, staged)
    return outcome


@contextlib.contextmanager
def _publishing(reports_dir: Path, staged: Path, set_name: str):
    """A publishing step that fails on the file system (a full disk, a read-only folder)
    leaves the published reports and gallery as they were, frees the staged outputs (they
    would fill a full disk further) and ends in one clear line (:class:`RunnerSetupError`)."""
    try:
        yield
    except OSError as exc:
        discard_staging(staged)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise RunnerSetupError(
            f"publishing set {set_name!r} failed: {exc.strerror or exc}{where}; the reports and the gallery "
            f"in {reports_dir} are as they were, and this run's outputs were removed") from None
