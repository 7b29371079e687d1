"""What every stage of the runner shares: its two errors and the exit codes they map to,
the rule for set names (they become directories under ``reports/``), the checks of a cell
time limit and of the number of local workers, and UTC timestamps."""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections.abc import Sequence
from typing import Any

from ..settings import DEFAULT_SET_TIMEOUT

__all__ = ["DEFAULT_SET_TIMEOUT", "EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "SET_NAME_RE", "TIMEOUT_RANGE",
           "WORKER_MEMORY", "RunnerInputError", "RunnerSetupError", "available_memory", "check_set_name",
           "check_timeout", "now_iso", "worker_limit"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: set names become directory names: lower-case letters, digits, "-" and "_"
SET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
#: a cell time limit: at least a second (nbclient counts whole seconds), at most a day
TIMEOUT_RANGE = (1.0, 86_400.0)
#: what one worker with its kernel zygote and kernels needs: `workbooks run --set
#: varsinais-suomi -j 2` peaked at 1.57 GiB RSS summed over all the runner's processes
#: (RSS counts the pages forked kernels share, so this errs high), ~0.75 GiB a worker
WORKER_MEMORY = 0.75 * 2**30


class RunnerInputError(ValueError):
    """Bad input (unknown workbook, bad parameter, bad schedule): exit code 2."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RunnerSetupError(RuntimeError):
    """The machine cannot run workbooks (e.g. the project kernel is not registered)."""


def check_set_name(name: str) -> str:
    if not isinstance(name, str) or not SET_NAME_RE.match(name):
        raise ValueError(
            f"set name {name!r} is not allowed: use lower-case letters, digits, '-' and '_' "
            "(it becomes a directory under reports/)"
        )
    return name


def check_timeout(value: Any) -> float | None:
    """A cell time limit in seconds (``None``: no limit). Accepts numbers and text as typed
    on a command line or in a schedule ("90", "2.5", "none"); refuses nan, inf, zero,
    negative and sub-second values with a message naming the bad value."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "off", "no")):
        return None
    lo, hi = TIMEOUT_RANGE
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or not lo <= seconds <= hi:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise RunnerInputError(f"timeout {shown} is not allowed: give the seconds one cell may take, "
                               f"{lo:g} to {hi:g} (e.g. 600), or 'none' for no limit")
    return seconds


def available_memory() -> int | None:
    """Bytes of memory available to new processes (MemAvailable, or the cgroup's limit)."""
    found = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        if limit.isdigit():
            found = min(found, int(limit)) if found else int(limit)
    except OSError:
        pass
    return found


def worker_limit() -> tuple[int, str]:
    """How many local workers this machine can carry: at most two per core and as many as
    its available memory holds (:data:`WORKER_MEMORY` each); (limit, why in words)."""
    cores = os.cpu_count() or 1
    by_cores = 2 * cores
    memory = available_memory()
    by_memory = max(1, int(memory // WORKER_MEMORY)) if memory else by_cores
    limit = max(1, min(by_cores, by_memory))
    mem = f"{memory / 2**30:.1f} GiB available" if memory else "unknown memory"
    return limit, (f"{cores} core(s) and {mem}: at most 2 workers per core and "
                   f"{WORKER_MEMORY / 2**30:.2f} GiB each")


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
