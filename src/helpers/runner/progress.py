"""What the runner says while a set runs, and the table it ends with.

A progress bar on a terminal; plain, time-stamped log lines otherwise (cron, CI, pipes) —
the same lines go to the set's ``run.log``. Failures are always printed, with where the run
failed (:meth:`~helpers.runner.execute.RunResult.describe_error`). While a run takes long,
a :class:`Heartbeat` says every :data:`~helpers.settings.HEARTBEAT_SECONDS` which runs are
still going, for how long and at which cell (read from the run's own log, where papermill
writes "Executing Cell N"), so a hanging cell in a cron job is visible.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .execute import RunResult
from .jobs import Job

_CELL_RE = re.compile(rb"Executing Cell (\d+)")
_TAIL = 64 * 1024


class Progress:
    """Completed / failed / remaining and the elapsed time, one update per finished run."""

    def __init__(self, set_name: str, total: int, workers: int, *, stream: TextIO | None = None,
                 tty: bool | None = None, log_file: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.set_name, self.total, self.workers = set_name, total, workers
        self.ok = self.failed = 0
        self.t0 = time.time()
        self.log_file = log_file
        self.bar = None
        self._lock = threading.Lock()  # the heartbeat writes from its own thread
        self._line(f"set {set_name!r}: {total} run(s) on {workers} worker(s)")
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=set_name, unit="run", file=self.stream, dynamic_ncols=True,
                            bar_format="{desc}: {bar} {n_fmt}/{total_fmt} [{elapsed}] {postfix}")
            self._postfix()

    def _stamp(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S")

    def _line(self, text: str, *, to_stream: bool = True) -> None:
        with self._lock:
            self._write(text, to_stream)

    def _write(self, text: str, to_stream: bool) -> None:
        line = f"{self._stamp()} {text}"
        if self.log_file is not None:
            self.log_file.write(line + "\n")
            self.log_file.flush()
        if to_stream and not self.tty:
            print(line, file=self.stream, flush=True)
        elif to_stream and self.bar is not None:
            self.bar.write(line, file=self.stream)
        elif to_stream:
            print(line, file=self.stream, flush=True)

    @property
    def remaining(self) -> int:
        return self.total - self.ok - self.failed

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"completed {self.ok}, failed {self.failed}, remaining {self.remaining}")

    def update(self, result: RunResult) -> None:
        if result.ok:
            self.ok += 1
        else:
            self.failed += 1
        done = self.ok + self.failed
        status = "ok    " if result.ok else "FAILED"
        detail = f" — {result.describe_error()}" if not result.ok else ""
        text = (f"[{done}/{self.total}] {status} {result.job.slug} ({result.elapsed_s:.1f} s){detail} | "
                f"completed {self.ok}, failed {self.failed}, remaining {self.remaining}, "
                f"elapsed {time.time() - self.t0:.1f} s")
        if self.bar is not None:
            self._line(text, to_stream=not result.ok)  # the bar shows the rest; failures stay visible
            self.bar.update(1)
            self._postfix()
        else:
            self._line(text)

    def note(self, text: str) -> None:
        self._line(text)

    def still_running(self, items: Sequence[tuple[str, float, int | None, int | None]]) -> None:
        """One heartbeat line: (slug, seconds running, cell now executing, cells in all)."""
        parts = []
        for slug, seconds, cell, cells in items:
            where = f", at cell {cell}" + (f" of {cells}" if cells else "") if cell else ", starting"
            parts.append(f"{slug} for {_duration(seconds)}{where}")
        self._line(f"still running: {'; '.join(parts)} | completed {self.ok}, failed {self.failed}, "
                   f"remaining {self.remaining}, elapsed {_duration(time.time() - self.t0)}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class Heartbeat:
    """A thread that reports the runs of a set that are under way but not finished.

    A run is under way once its log (``<out_dir>/<slug>.log``) exists; its cell is the last
    "Executing Cell N" in that log. Runs that finished are passed to :meth:`done`. A line is
    written only when some run has been going for at least one interval."""

    def __init__(self, progress: Progress, jobs: Sequence[Job], interval: float):
        self.progress, self.interval = progress, interval
        self.jobs = {j.slug: j for j in jobs}
        self.first_seen: dict[str, float] = {}
        self.finished: set[str] = set()
        self._cells: dict[str, int | None] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="turku-workbooks-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        if self.interval > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def done(self, slug: str) -> None:
        self.finished.add(slug)

    def _loop(self) -> None:
        # look for newly started runs often (so their time is right), speak once per interval
        poll, last = min(self.interval, 2.0), time.time()
        while not self._stop.wait(poll):
            try:
                items = self.running()
            except Exception:  # noqa: BLE001 - a heartbeat never stops a set
                continue
            now = time.time()
            if now - last >= self.interval and any(seconds >= self.interval for _, seconds, _, _ in items):
                self.progress.still_running(items)
                last = now

    def running(self, now: float | None = None) -> list[tuple[str, float, int | None, int | None]]:
        now = time.time() if now is None else now
        out = []
        for slug, job in self.jobs.items():
            if slug in self.finished or not job.out_dir:
                continue
            log = Path(job.out_dir) / f"{slug}.log"
            if slug not in self.first_seen:
                if not log.is_file():
                    continue
                self.first_seen[slug] = now
            out.append((slug, now - self.first_seen[slug], _current_cell(log), self._cell_count(job)))
        return out

    def _cell_count(self, job: Job) -> int | None:
        if job.notebook not in self._cells:
            try:
                import nbformat

                cells = len(nbformat.read(job.notebook, as_version=4).cells)
                self._cells[job.notebook] = cells + (1 if job.parameters else 0)  # papermill's injected cell
            except Exception:  # noqa: BLE001
                self._cells[job.notebook] = None
        return self._cells[job.notebook]


def _current_cell(log: Path) -> int | None:
    try:
        with open(log, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - _TAIL))
            found = _CELL_RE.findall(fh.read())
    except OSError:
        return None
    return int(found[-1]) if found else None


def summary_table(results: Sequence[RunResult]) -> str:
    rows = [("status", "report", "time", "detail")]
    for r in results:
        rows.append(("ok" if r.ok else "FAILED", r.job.slug, f"{r.elapsed_s:.1f} s",
                     "" if r.ok else r.describe_error()))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + ("  " + row[3] if row[3] else ""))
    lines.insert(1, "  ".join("-" * w for w in widths) + "  ------")
    return "\n".join(lines)
