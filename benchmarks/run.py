"""Speed measurements for turku-workbooks, side by side in one run on one machine.

    make bench                      # or: .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --only data,floor     # a subset
    .venv/bin/python benchmarks/run.py --municipalities      # add the 308-municipality batch

Writes ``benchmarks/results/bench-<UTC time>.json`` and ``.md`` (git-ignored) and prints
the markdown table. Every figure is reported as a **ratio** to a baseline measured in the
same run (absolute seconds are shown next to it for context only):

* ``floor``     — ``python -c "import pandas, geopandas, matplotlib"``: the least any report
                  can cost in a fresh process;
* ``workbook``  — each workbook run once with default parameters by ``workbooks run``,
                  as a multiple of the floor;
* ``batch``     — the region profile for N areas through ``workbooks run --set`` with
                  ``-j 1`` and ``-j 2`` against the naive loop (``papermill`` CLI, then
                  ``jupyter nbconvert --to html`` CLI, per area) on the same areas;
* ``data``      — ``parse_jsonstat2`` on a 120,000-cell json-stat2 document against
                  pyjstat; loading every snapshot resource.

The 120,000-cell document is SYNTHETIC: it repeats the real structure of
``tests/fixtures/statfin/11re_metadata.response.json`` (dimension ids and the 309 real area
codes) with made-up values, labelled as such in its ``label``; it never leaves this script.
Benchmarks are never part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
KERNEL = "turku-workbooks"
SECTIONS = ("floor", "data", "workbook", "batch")


def _timed(fn, repeat: int = 3) -> dict:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "min_s": min(times), "runs": len(times)}


def _run(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")


# --------------------------------------------------------------------------- floor

def bench_floor(results: dict) -> None:
    cmd = [sys.executable, "-c", "import pandas, geopandas, matplotlib"]
    results["floor"] = _timed(lambda: _run(cmd), repeat=5)
    print(f"floor: {results['floor']['median_s']:.2f} s", flush=True)


# --------------------------------------------------------------------------- data

def synthetic_jsonstat2(cells: int = 120_000) -> dict:
    """A json-stat2 dataset of about ``cells`` cells in the real 11re structure (made-up values)."""
    meta = json.loads((ROOT / "tests/fixtures/statfin/11re_metadata.response.json").read_text("utf-8"))
    areas = next(v for v in meta["variables"] if v["code"].startswith("alue"))
    area_codes, area_labels = areas["values"], areas["valueTexts"]
    sexes = {"SSS": "Yhteensä", "1": "Miehet", "2": "Naiset"}
    contents = {"vaerak-vaesto": "Väestö 31.12.", "c2": "synthetic 2", "c3": "synthetic 3"}
    n_years = max(1, cells // (len(area_codes) * len(sexes) * len(contents)))
    years = [str(1972 + i) for i in range(n_years)]
    sizes = [len(area_codes), len(sexes), len(years), len(contents)]
    n = sizes[0] * sizes[1] * sizes[2] * sizes[3]
    values = [float(i % 9973) if i % 97 else None for i in range(n)]  # every 97th cell missing
    status = {str(i): ".." for i in range(0, n, 97)}

    def dim(label, codes, labels):
        return {"label": label, "category": {"index": {c: i for i, c in enumerate(codes)},
                                             "label": dict(zip(codes, labels))}}

    return {
        "version": "2.0", "class": "dataset",
        "label": "SYNTHETIC benchmark document in the structure of StatFin 11re (made-up values)",
        "source": "benchmark", "updated": "2026-01-01T00:00:00Z",
        "id": ["alue_23_20260101", "sukupuoli_9_20180101", "timeperiod_y", "contentscode"],
        "size": sizes,
        "role": {"geo": ["alue_23_20260101"], "time": ["timeperiod_y"], "metric": ["contentscode"]},
        "dimension": {
            "alue_23_20260101": dim("Alue", area_codes, area_labels),
            "sukupuoli_9_20180101": dim("Sukupuoli", list(sexes), list(sexes.values())),
            "timeperiod_y": dim("Vuosi", years, years),
            "contentscode": dim("Tiedot", list(contents), list(contents.values())),
        },
        "extension": {"px": {"tableid": "11re-synthetic"}},
        "value": values,
        "status": status,
    }


def bench_data(results: dict) -> None:
    from helpers.snapshot import Snapshot
    from helpers.sources.statfin import parse_jsonstat2

    doc = synthetic_jsonstat2()
    text = json.dumps(doc)
    n_cells = len(doc["value"])
    ours = _timed(lambda: parse_jsonstat2(text), repeat=5)
    frame = parse_jsonstat2(text)
    assert len(frame) == n_cells, (len(frame), n_cells)
    entry = {"cells": n_cells, "parse_jsonstat2": ours}
    try:
        import pyjstat.pyjstat as pyj

        theirs = _timed(lambda: pyj.Dataset.read(text).write("dataframe"), repeat=3)
        entry["pyjstat"] = theirs
        entry["speedup_vs_pyjstat"] = theirs["median_s"] / ours["median_s"]
    except ImportError:
        entry["pyjstat"] = None
    snap = Snapshot()

    def load_all():
        for name in snap.names():
            snap.load(name)

    from helpers import snapshot as snapmod

    def load_all_cold():
        snapmod._clear_verification_cache()
        load_all()

    entry["snapshot_load_all"] = _timed(load_all_cold, repeat=3)
    entry["snapshot_resources"] = len(snap.names())
    results["data"] = entry
    print(f"data: parse {n_cells} cells {ours['median_s']*1000:.0f} ms"
          + (f", pyjstat {entry['pyjstat']['median_s']*1000:.0f} ms" if entry.get("pyjstat") else ""),
          flush=True)


# --------------------------------------------------------------------------- workbooks

def _workbooks_env(reports: Path) -> dict:
    env = dict(os.environ)
    env["TURKU_WORKBOOKS_REPORTS"] = str(reports)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def bench_workbooks(results: dict, tmp: Path) -> None:
    from helpers import params

    entry = {}
    for name in sorted(params.workbooks()):
        out = tmp / f"wb-{name}"
        cmd = [str(BIN / "workbooks"), "run", name]
        entry[name] = _timed(lambda: _run(cmd, env=_workbooks_env(out)), repeat=1)
        print(f"workbook {name}: {entry[name]['median_s']:.1f} s", flush=True)
    results["workbook"] = entry


def _naive_loop(areas: list[str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    nb = ROOT / "notebooks" / "region_profile.ipynb"
    for code in areas:
        executed = out / f"region_profile-{code}.ipynb"
        _run([str(BIN / "papermill"), str(nb), str(executed), "-p", "area", code, "-k", KERNEL,
              "--cwd", str(ROOT / "notebooks"), "--no-progress-bar"])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])


def bench_batch(results: dict, tmp: Path, set_name: str, areas: list[str]) -> None:
    entry = {"set": set_name, "reports": len(areas)}
    naive = tmp / f"naive-{set_name}"
    entry["naive_loop"] = _timed(lambda: _naive_loop(areas, naive), repeat=1)
    print(f"batch {set_name}: naive {entry['naive_loop']['median_s']:.1f} s", flush=True)
    for jobs in (1, 2):
        out = tmp / f"runner-{set_name}-j{jobs}"
        cmd = [str(BIN / "workbooks"), "run", "--set", set_name, "-j", str(jobs)]
        entry[f"runner_j{jobs}"] = _timed(lambda: _run(cmd, env=_workbooks_env(out)), repeat=1)
        print(f"batch {set_name}: -j {jobs} {entry[f'runner_j{jobs}']['median_s']:.1f} s", flush=True)
    base = entry["naive_loop"]["median_s"]
    entry["speedup_j1_vs_naive"] = base / entry["runner_j1"]["median_s"]
    entry["speedup_j2_vs_naive"] = base / entry["runner_j2"]["median_s"]
    entry["scaling_j2_vs_j1"] = entry["runner_j1"]["median_s"] / entry["runner_j2"]["median_s"]
    results.setdefault("batch", {})[set_name] = entry


# --------------------------------------------------------------------------- report

def markdown(results: dict) -> str:
    floor = results.get("floor", {}).get("median_s")
    lines = [
        f"# Benchmarks {results['meta']['when']}",
        "",
        f"{results['meta']['machine']} · Python {results['meta']['python']} · "
        f"{results['meta']['cpus']} CPUs",
        "",
        "| measurement | ratio | seconds (context) |",
        "|---|---:|---:|",
    ]
    if floor:
        lines.append(f"| floor: import pandas, geopandas, matplotlib | 1.00 × floor | {floor:.2f} |")
    for name, t in (results.get("workbook") or {}).items():
        ratio = f"{t['median_s'] / floor:.1f} × floor" if floor else "–"
        lines.append(f"| workbook `{name}` (defaults, `workbooks run`) | {ratio} | {t['median_s']:.1f} |")
    for set_name, b in (results.get("batch") or {}).items():
        n = b["reports"]
        lines.append(f"| batch `{set_name}` ({n} reports): naive papermill + nbconvert loop | 1.00 × naive | {b['naive_loop']['median_s']:.1f} |")
        lines.append(f"| batch `{set_name}`: `workbooks run -j 1` | {b['speedup_j1_vs_naive']:.2f} × faster than naive | {b['runner_j1']['median_s']:.1f} |")
        lines.append(f"| batch `{set_name}`: `workbooks run -j 2` | {b['speedup_j2_vs_naive']:.2f} × faster than naive | {b['runner_j2']['median_s']:.1f} |")
        lines.append(f"| batch `{set_name}`: scaling -j 1 → -j 2 | {b['scaling_j2_vs_j1']:.2f} × | |")
    d = results.get("data")
    if d:
        lines.append(f"| parse_jsonstat2, {d['cells']:,} cells | 1.00 × | {d['parse_jsonstat2']['median_s']:.3f} |")
        if d.get("pyjstat"):
            lines.append(f"| pyjstat, same document | {d['speedup_vs_pyjstat']:.1f} × slower than parse_jsonstat2 | {d['pyjstat']['median_s']:.3f} |")
        lines.append(f"| load + verify all {d['snapshot_resources']} snapshot resources (cold) | "
                     f"{d['snapshot_load_all']['median_s'] / floor:.2f} × floor | {d['snapshot_load_all']['median_s']:.3f} |"
                     if floor else "")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    ap.add_argument("--municipalities", action="store_true",
                    help="also run the batch for all 308 municipalities (long)")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error(f"unknown section(s) {bad}; valid: {', '.join(SECTIONS)}")

    results = {"meta": {
        "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": platform.platform(), "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }}
    tmp = Path(tempfile.mkdtemp(prefix="turku-bench-"))
    try:
        if "floor" in only or "workbook" in only:
            bench_floor(results)
        if "data" in only:
            bench_data(results)
        if "workbook" in only:
            bench_workbooks(results, tmp)
        if "batch" in only:
            from helpers import regions

            bench_batch(results, tmp, "regions", [r.statfin_code for r in regions.regions()])
            if args.municipalities:
                bench_batch(results, tmp, "municipalities",
                            [m.statfin_code for m in regions.municipalities()])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = results["meta"]["when"].replace(":", "")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    md = markdown(results)
    (RESULTS / f"bench-{stamp}.md").write_text(md, encoding="utf-8")
    print()
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
