"""What the runner says while a set runs, and the table it ends with.

A progress bar on a terminal; plain, time-stamped log lines otherwise (cron, CI, pipes) —
the same lines go to the set's ``run.log``. Failures are always printed, with where the run
failed (:meth:`~helpers.runner.execute.RunResult.describe_error`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TextIO

from .execute import RunResult


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
        self._line(f"set {set_name!r}: {total} run(s) on {workers} worker(s)")
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=set_name, unit="run", file=self.stream, dynamic_ncols=True,
                            bar_format="{desc}: {bar} {n_fmt}/{total_fmt} [{elapsed}] {postfix}")
            self._postfix()

    def _stamp(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S")

    def _line(self, text: str, *, to_stream: bool = True) -> None:
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

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


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
