"""When each process of one command starts and ends, and the CPU it used: a timeline of, say,
one ad-hoc report (the CLI, its worker, the kernel), sampled every 20 ms.

    .venv/bin/python benchmarks/timeline.py .venv/bin/workbooks run region_profile

Prints the command's wall time, then one line per process: first and last time it was seen
(seconds from the start), its user + system CPU at the last sample, its command line. A
process that lives less than a sample is missed; the CPU of one that ends between two
samples is the last value seen. For where the time of a step goes inside a process, use
``benchmarks/profile_run.py`` or ``py-spy record --subprocesses``.
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

SAMPLE_S = 0.02


def timeline(cmd: list[str]) -> tuple[float, dict[int, dict]]:
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(proc.pid)
    seen: dict[int, dict] = {}
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        now = time.time() - t0
        for p in procs:
            try:
                cpu = p.cpu_times()
                line = " ".join(p.cmdline())
            except psutil.Error:
                continue
            entry = seen.setdefault(p.pid, {"first": now, "cmd": line})
            entry.update(last=now, cpu=cpu.user + cpu.system, cmd=line or entry["cmd"])
        time.sleep(SAMPLE_S)
    return time.time() - t0, seen


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: benchmarks/timeline.py COMMAND [ARG ...]", file=sys.stderr)
        return 2
    total, seen = timeline(argv)
    print(f"{total:.2f} s in all")
    for pid, e in sorted(seen.items(), key=lambda kv: kv[1]["first"]):
        print(f"{e['first']:6.2f} → {e['last']:6.2f} s  CPU {e['cpu']:5.2f} s  pid {pid}  {e['cmd'][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
