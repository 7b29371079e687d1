"""Where the time of one report goes: a breakdown of region_profile runs, in-process.

    .venv/bin/python benchmarks/profile_run.py            # 6 municipal profiles, cold and default

Two parts, both printed as a markdown table (the findings are summarised in
benchmarks/README.md):

1. **In a fresh Python process** (what every new kernel paid before the kernel zygote):
   importing ipykernel, pandas + geopandas + matplotlib.pyplot, the helpers the workbook
   uses; loading + verifying the municipal geometry; the map classes of the municipalities'
   populations by every scheme (no longer through mapclassify, which imported scipy.stats
   and scikit-learn: 0.61 s of every kernel, benchmarks/README.md).
2. **Runs through the runner's worker code** (``helpers.runner.execute_job`` in this
   process, as a worker does), once with the kernel optimisations off
   (``fork=False, prewarm=False``: a new kernel process per report) and once with the
   defaults: per run the wall time, the wait for the kernel (run start → first cell),
   the notebook's cells (maps, charts, the rest), the two HTML pages, the thumbnail, the
   notebook saves, and the rest (scrubbing, reading back, logs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: municipalities, as in the batch (the municipalities set); the first run also starts the zygote
AREAS = ["KU853", "KU202", "KU480", "KU445", "KU895", "KU019", "KU304"]
SYSTEM_TMP = tempfile.gettempdir()

IMPORTS = r"""
import time
T = time.perf_counter
t = T(); import ipykernel.kernelapp; a = T() - t
t = T(); import pandas, geopandas, matplotlib.pyplot; b = T() - t
t = T(); import helpers.workbooks.region_profile; c = T() - t
from helpers import analysis, snapshot
t = T(); snapshot.Snapshot().load("municipality_boundaries_2020"); d = T() - t
pop = snapshot.Snapshot().load("population_municipality_2023")["population"]
t = T(); [analysis.classify(pop, s, k=5) for s in analysis.CLASSIFY_SCHEMES]; e = T() - t
print(a, b, c, d, e)
"""


def fresh_process_imports(repeat: int = 3) -> list[float]:
    rows = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True, check=True).stdout
        rows.append([float(x) for x in out.split()])
    return [statistics.median(col) for col in zip(*rows)]


def _parse(ts: str) -> float:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def profile_runs(fork: bool, prewarm: bool) -> list[dict]:
    import nbformat
    import papermill.engines

    from helpers import runner
    from helpers.runner import execute

    timers: dict[str, float] = {}

    def wrap(obj, name, key):
        original = getattr(obj, name)

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                timers[key] = timers.get(key, 0.0) + time.perf_counter() - t

        setattr(obj, name, timed)
        return original

    os.environ["TMPDIR"] = SYSTEM_TMP  # a WorkerContext points TMPDIR at its private dir
    tempfile.tempdir = None
    out = Path(tempfile.mkdtemp(prefix="turku-profile-"))
    ctx = runner.WorkerContext(0, prewarm=prewarm, fork=fork)
    saved = [(execute, "_thumbnail", wrap(execute, "_thumbnail", "thumbnail")),
             (papermill.engines.NotebookExecutionManager, "save",
              wrap(papermill.engines.NotebookExecutionManager, "save", "notebook saves"))]
    wrap(ctx.renderer, "render", "two HTML pages")
    jobs = runner.plan([runner.RunRequest("region_profile", {"area": a}) for a in AREAS], "profile")
    rows = []
    try:
        for i, job in enumerate(jobs):
            job = dataclasses.replace(job, out_dir=str(out))
            timers.clear()
            t0, c0 = time.time(), time.process_time()
            result = runner.execute_job(job, ctx, more=i + 1 < len(jobs))
            wall, worker_cpu = time.time() - t0, time.process_time() - c0
            assert result.ok, result.error
            nb = nbformat.read(out / f"{job.slug}.ipynb", as_version=4)
            code = [c for c in nb.cells if c.cell_type == "code"]
            durations = [float((c.metadata.get("papermill") or {}).get("duration") or 0) for c in code]
            maps = sum(d for c, d in zip(code, durations) if "_map(" in c.source or "choropleth" in c.source)
            charts = sum(d for c, d in zip(code, durations) if "_chart(" in c.source)
            first_cell = _parse(code[0].metadata["papermill"]["start_time"])
            rows.append({
                "wall": wall,
                "kernel wait (run start → first cell)": first_cell - t0,
                "cells: the two maps": maps,
                "cells: the four charts": charts,
                "cells: all others": sum(durations) - maps - charts,
                **{k: timers.get(k, 0.0) for k in ("two HTML pages", "thumbnail", "notebook saves")},
            })
            rows[-1]["rest (read back, scrub, logs, kernel stop)"] = rows[-1]["wall"] - sum(
                v for k, v in rows[-1].items() if k != "wall")
            rows[-1]["worker's CPU seconds (this process; the kernel's are its own)"] = worker_cpu
    finally:
        for obj, name, original in saved:
            setattr(obj, name, original)
        ctx.close()
        shutil.rmtree(out, ignore_errors=True)
    return rows[1:]  # the first run also starts the worker's zygote


def main() -> int:
    imports = fresh_process_imports()
    print("## A fresh Python process (median of 3)\n")
    print("| step | seconds |\n|---|---:|")
    for label, value in zip(["import ipykernel.kernelapp", "import pandas, geopandas, matplotlib.pyplot",
                             "import the workbook's module (helpers.workbooks.region_profile)",
                             "load + verify municipal geometry (310 features)",
                             "map classes of the 309 municipalities' populations, all three schemes"],
                            imports):
        print(f"| {label} | {value:.3f} |")
    print()
    results = {"kernel optimisations off (new kernel process per report)": profile_runs(False, False),
               "default (forked kernels, next kernel pre-started)": profile_runs(True, True)}
    keys = list(next(iter(results.values()))[0])
    print(f"## One region profile through the runner's worker code (median of {len(AREAS) - 1} runs)\n")
    print("| step | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for key in keys:
        print(f"| {key} | " + " | ".join(f"{statistics.median(r[key] for r in rows):.2f}"
                                          for rows in results.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
