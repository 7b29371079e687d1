"""Speed measurements for turku-workbooks, side by side in one run on one machine.

    make bench                                               # or: .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --only floor,data     # a subset (seconds)
    .venv/bin/python benchmarks/run.py --municipalities      # add the 308-municipality batch (long)

Writes ``benchmarks/results/bench-<UTC time>.json`` and ``.md`` (git-ignored) and prints
the markdown table. Every figure is a **ratio** to a baseline measured in the same run
(absolute seconds are shown next to it for context only):

* ``floor``    — ``python -c "import pandas, geopandas, matplotlib"``: the least any report
                 costs in a fresh process;
* ``workbook`` — each workbook run once with default parameters by ``workbooks run NAME``
                 (the whole command: start-up, one kernel, two HTML pages, publishing), as a
                 multiple of the floor;
* ``batch``    — the region profile for N areas (19 regions; all 308 municipalities with
                 ``--municipalities``) through ``workbooks run --set`` with ``-j 1`` and
                 ``-j 2``, against the naive loop — exactly what a user would type: a shell
                 ``for`` loop of ``papermill`` then ``jupyter nbconvert --to html`` per area,
                 one after another — on the same areas. Also the runner with its kernel
                 optimisations switched off (``TURKU_WORKBOOKS_FORK=0``,
                 ``TURKU_WORKBOOKS_PREWARM=0``: a new kernel process per report, as before
                 issue 6), to show what they contribute. CPU seconds (user + system of every
                 process involved) per report are recorded too;
* ``data``     — ``parse_jsonstat2`` on a 119,583-cell json-stat2 document against pyjstat;
                 loading (and verifying) every snapshot resource.

The json-stat2 document is a BENCHMARK DOCUMENT, not statistics: the real structure of
StatFin table 11re (dimension ids, roles, the 309 real area codes and names, the real age
group, sex and year codes, from ``tests/fixtures/statfin/11re_metadata.response.json``)
filled by tiling the real values of the three 11re response fixtures (every 97th cell
blanked as ".." to exercise the status path); its ``label`` says so and it never leaves
this script. Benchmarks are never part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import settings
from helpers.settings import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
STATFIN = ROOT / "tests" / "fixtures" / "statfin"
SECTIONS = ("floor", "data", "workbook", "batch")
#: the runner as it was before issue 6's kernel work (a new kernel process per report)
COLD = {settings.FORK_ENV: "0", settings.PREWARM_ENV: "0"}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(fn, repeat: int = 3) -> dict:
    times, cpus = [], []
    for _ in range(repeat):
        c0, t0 = _children_cpu(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - c0)
    return {"median_s": statistics.median(times), "min_s": min(times), "runs": len(times),
            "cpu_s": statistics.median(cpus)}


def _run(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                           f"{proc.stdout[-1000:]}\n{proc.stderr[-3000:]}")


# --------------------------------------------------------------------------- floor

def bench_floor(results: dict) -> None:
    cmd = [sys.executable, "-c", "import pandas, geopandas, matplotlib"]
    _run(cmd)  # warm the file cache first, like every other measurement
    results["floor"] = _timed(lambda: _run(cmd), repeat=5)
    print(f"floor: {results['floor']['median_s']:.2f} s", flush=True)


# --------------------------------------------------------------------------- data

def benchmark_jsonstat2(cells: int = 120_000) -> dict:
    """A json-stat2 dataset of at most ``cells`` cells (the PxWeb limit is 120,000) in the
    real 11re structure, values tiled from the real 11re responses (see the module doc)."""
    meta = json.loads((STATFIN / "11re_metadata.response.json").read_text("utf-8"))
    var = {v["code"]: v for v in meta["variables"]}
    area, age, sex = var["alue_23_20260101"], var["ikaryhma_10_20180101"], var["sukupuoli_9_20180101"]
    years, content = var["timeperiod_y"], var["contentscode"]
    n_area, n_sex = len(area["values"]), len(sex["values"])
    n_age = 3
    n_year = min(len(years["values"]), cells // (n_area * n_sex * n_age))
    dims = [
        ("alue_23_20260101", area["text"], area["values"], area["valueTexts"]),
        ("ikaryhma_10_20180101", age["text"], age["values"][:n_age], age["valueTexts"][:n_age]),
        ("sukupuoli_9_20180101", sex["text"], sex["values"], sex["valueTexts"]),
        ("timeperiod_y", years["text"], years["values"][-n_year:], years["valueTexts"][-n_year:]),
        ("contentscode", content["text"], content["values"], content["valueTexts"]),
    ]
    real = []
    for name in ("11re_finland_top3", "11re_three_cities", "11re_helsinki_top5"):
        real += json.loads((STATFIN / f"{name}.response.json").read_text("utf-8"))["value"]
    n = 1
    for _, _, codes, _ in dims:
        n *= len(codes)
    values = [None if i % 97 == 0 else real[i % len(real)] for i in range(n)]
    return {
        "version": "2.0", "class": "dataset",
        "label": ("BENCHMARK DOCUMENT (not statistics): the structure of StatFin 11re with the real "
                  "values of three 11re responses tiled over it"),
        "source": "turku-workbooks benchmarks/run.py", "updated": "2026-04-01T05:00:00Z",
        "id": [d[0] for d in dims],
        "size": [len(d[2]) for d in dims],
        "role": {"geo": ["alue_23_20260101"], "time": ["timeperiod_y"], "metric": ["contentscode"]},
        "dimension": {
            d_id: {"label": label, "category": {"index": {c: i for i, c in enumerate(codes)},
                                                "label": dict(zip(codes, labels))}}
            for d_id, label, codes, labels in dims
        },
        "extension": {"px": {"tableid": "11re"}},
        "value": values,
        "status": {str(i): ".." for i in range(0, n, 97)},
    }


def bench_data(results: dict) -> None:
    from helpers import snapshot as snapmod
    from helpers.sources.statfin import parse_jsonstat2

    doc = benchmark_jsonstat2()
    text = json.dumps(doc, ensure_ascii=False)
    n_cells = len(doc["value"])
    frame = parse_jsonstat2(text)
    assert len(frame) == n_cells, (len(frame), n_cells)
    ours = _timed(lambda: parse_jsonstat2(text), repeat=7)
    entry = {"cells": n_cells, "document": doc["label"], "parse_jsonstat2": ours}
    try:
        import pyjstat.pyjstat as pyj
    except ImportError:
        entry["pyjstat"] = None
    else:
        theirs_frame = pyj.Dataset.read(text).write("dataframe")
        entry["pyjstat"] = _timed(lambda: pyj.Dataset.read(text).write("dataframe"), repeat=3)
        entry["speedup_vs_pyjstat"] = entry["pyjstat"]["median_s"] / ours["median_s"]
        # both read the same cells: same count and the same total of the known values
        entry["agree"] = bool(len(theirs_frame) == n_cells
                              and abs(float(theirs_frame["value"].astype(float).sum())
                                      - float(frame["value"].sum())) < 1e-6)
    snap = snapmod.Snapshot()

    def load_all_cold():
        snapmod._clear_verification_cache()  # every file's SHA-256 is checked again
        for name in snap.names():
            snap.load(name)

    entry["snapshot_load_all"] = _timed(load_all_cold, repeat=3)
    entry["snapshot_resources"] = len(snap.names())
    results["data"] = entry
    print(f"data: parse {n_cells} cells {ours['median_s'] * 1000:.0f} ms"
          + (f", pyjstat {entry['pyjstat']['median_s'] * 1000:.0f} ms" if entry.get("pyjstat") else ""),
          flush=True)


# --------------------------------------------------------------------------- workbooks

def _workbooks_env(reports: Path, schedule: Path | None = None, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env[settings.REPORTS_ENV] = str(reports)
    for k in (settings.FORK_ENV, settings.PREWARM_ENV, settings.SCHEMA_ENV):
        env.pop(k, None)
    if schedule:
        env[settings.SCHEDULE_ENV] = str(schedule)
    env.update(extra or {})
    return env


def bench_workbooks(results: dict, tmp: Path) -> None:
    from helpers import params

    entry = {}
    for name in sorted(params.workbooks()):
        out = tmp / f"wb-{name}"
        cmd = [str(BIN / "workbooks"), "run", name]
        entry[name] = _timed(lambda cmd=cmd, out=out: _run(cmd, env=_workbooks_env(out)), repeat=1)
        print(f"workbook {name}: {entry[name]['median_s']:.1f} s", flush=True)
    results["workbook"] = entry


def naive_script(areas: list[str], out: Path) -> str:
    """The loop a user would write (run from the project root, the venv's bin on PATH)."""
    return "\n".join([
        "set -e",
        f"mkdir -p {shlex.quote(str(out))}",
        f"for area in {' '.join(areas)}; do",
        f'  papermill notebooks/region_profile.ipynb {shlex.quote(str(out))}/region_profile-$area.ipynb '
        f'-p area $area -k {KERNEL_NAME}',
        f'  jupyter nbconvert --to html {shlex.quote(str(out))}/region_profile-$area.ipynb',
        "done",
    ]) + "\n"


def _naive_loop(areas: list[str], out: Path) -> None:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    _run(["bash", "-c", naive_script(areas, out)], env=env)
    made = sorted(out.glob("region_profile-*.html"))
    assert len(made) == len(areas), f"the naive loop made {len(made)} of {len(areas)} HTML files"


def bench_batch(results: dict, tmp: Path, set_name: str, areas: list[str], variants: bool) -> None:
    schedule = tmp / "bench-schedule.yaml"
    generator = {"regions": "regions", "municipalities": "municipalities"}[set_name]
    schedule.write_text(
        f"sets:\n  {set_name}:\n    description: benchmark\n    runs:\n"
        f"      - workbook: region_profile\n        parameters:\n          area: {{each: {generator}}}\n",
        encoding="utf-8")
    n = len(areas)
    entry = {"set": set_name, "reports": n}
    entry["naive_loop"] = _timed(lambda: _naive_loop(areas, tmp / f"naive-{set_name}"), repeat=1)
    print(f"batch {set_name}: naive loop {entry['naive_loop']['median_s']:.1f} s", flush=True)
    runs = [("runner_j1", 1, None), ("runner_j2", 2, None)]
    if variants:
        runs += [("cold_j1", 1, COLD), ("cold_j2", 2, COLD)]
    for key, jobs, extra in runs:
        out = tmp / f"{key}-{set_name}"
        cmd = [str(BIN / "workbooks"), "run", "--set", set_name, "-j", str(jobs)]
        entry[key] = _timed(lambda cmd=cmd, out=out, extra=extra: _run(cmd, env=_workbooks_env(out, schedule, extra)),
                            repeat=1)
        published = len(list((out / set_name).glob("*.html"))) // 2  # reader + researcher page
        assert published == n, f"{key}: {published} of {n} reports published"
        print(f"batch {set_name}: {key} {entry[key]['median_s']:.1f} s", flush=True)
    base = entry["naive_loop"]["median_s"]
    for key, _, _ in runs:
        entry[f"speedup_{key}_vs_naive"] = base / entry[key]["median_s"]
    entry["scaling_j1_to_j2"] = entry["runner_j1"]["median_s"] / entry["runner_j2"]["median_s"]
    if variants:
        entry["scaling_cold_j1_to_j2"] = entry["cold_j1"]["median_s"] / entry["cold_j2"]["median_s"]
    results.setdefault("batch", {})[set_name] = entry


# --------------------------------------------------------------------------- report

LABELS = {
    "runner_j1": "`workbooks run -j 1`",
    "runner_j2": "`workbooks run -j 2`",
    "cold_j1": "`workbooks run -j 1`, kernel optimisations off (as before)",
    "cold_j2": "`workbooks run -j 2`, kernel optimisations off (as before)",
}


def markdown(results: dict) -> str:
    meta = results["meta"]
    floor = results.get("floor", {}).get("median_s")
    lines = [
        f"# Benchmarks {meta['when']}",
        "",
        f"{meta['machine']} · Python {meta['python']} · {meta['cpus']} CPUs · "
        f"load average at start {meta['load_at_start']}",
        "",
        "| measurement | ratio | seconds (context) | CPU s / report |",
        "|---|---:|---:|---:|",
    ]
    if floor:
        lines.append(f"| floor: `python -c \"import pandas, geopandas, matplotlib\"` | 1.00 × floor | {floor:.2f} | |")
    for name, t in (results.get("workbook") or {}).items():
        ratio = f"{t['median_s'] / floor:.1f} × floor" if floor else "–"
        lines.append(f"| workbook `{name}` (defaults, `workbooks run {name}`) | {ratio} | {t['median_s']:.1f} | |")
    for set_name, b in (results.get("batch") or {}).items():
        n = b["reports"]
        naive = b["naive_loop"]
        lines.append(f"| batch `{set_name}` ({n} reports): naive `papermill` + `jupyter nbconvert` loop "
                     f"| 1.00 × naive | {naive['median_s']:.1f} | {naive['cpu_s'] / n:.2f} |")
        for key, label in LABELS.items():
            if key in b:
                t = b[key]
                lines.append(f"| batch `{set_name}`: {label} | {b[f'speedup_{key}_vs_naive']:.2f} × naive throughput "
                             f"| {t['median_s']:.1f} | {t['cpu_s'] / n:.2f} |")
        lines.append(f"| batch `{set_name}`: speed-up -j 1 → -j 2 | {b['scaling_j1_to_j2']:.2f} × | | |")
        if "scaling_cold_j1_to_j2" in b:
            lines.append(f"| batch `{set_name}`: speed-up -j 1 → -j 2, optimisations off | "
                         f"{b['scaling_cold_j1_to_j2']:.2f} × | | |")
    d = results.get("data")
    if d:
        lines.append(f"| `parse_jsonstat2`, {d['cells']:,} cells (benchmark document) | 1.00 × "
                     f"| {d['parse_jsonstat2']['median_s']:.3f} | |")
        if d.get("pyjstat"):
            agree = "" if d.get("agree") else " (results DISAGREE)"
            lines.append(f"| pyjstat 2.4, same document | {d['speedup_vs_pyjstat']:.1f} × slower than "
                         f"`parse_jsonstat2`{agree} | {d['pyjstat']['median_s']:.3f} | |")
        load = d["snapshot_load_all"]["median_s"]
        ratio = f"{load / floor:.2f} × floor" if floor else "–"
        lines.append(f"| load + verify all {d['snapshot_resources']} snapshot resources (cold hashes, warm imports) "
                     f"| {ratio} | {load:.3f} | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    ap.add_argument("--municipalities", action="store_true",
                    help="also run the batch for all 308 municipalities (the naive loop alone ~35 min)")
    ap.add_argument("--no-variants", action="store_true",
                    help="skip the runner with its kernel optimisations off (saves ~1.5 min)")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error(f"unknown section(s) {bad}; valid: {', '.join(SECTIONS)}")

    results = {"meta": {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": platform.platform(), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }}
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="turku-bench-"))
    try:
        if "floor" in only or "workbook" in only or "data" in only:
            bench_floor(results)
        if "data" in only:
            bench_data(results)
        if "workbook" in only:
            bench_workbooks(results, tmp)
        if "batch" in only:
            from helpers import regions

            bench_batch(results, tmp, "regions", [r.statfin_code for r in regions.regions()],
                        variants=not args.no_variants)
            if args.municipalities:
                bench_batch(results, tmp, "municipalities", [m.statfin_code for m in regions.municipalities()],
                            variants=not args.no_variants)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["meta"]["bench_elapsed_s"] = round(time.perf_counter() - t0, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = results["meta"]["when"].replace(":", "")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    md = markdown(results)
    (RESULTS / f"bench-{stamp}.md").write_text(md, encoding="utf-8")
    print()
    print(md)
    print(f"(benchmark took {results['meta']['bench_elapsed_s']:.0f} s; "
          f"results in {RESULTS.relative_to(ROOT)}/bench-{stamp}.json and .md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
