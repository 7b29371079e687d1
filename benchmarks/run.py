"""Speed measurements for turku-workbooks, side by side in one run on one machine.

    make bench                                               # or: .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --only floor,data     # a subset (seconds)
    .venv/bin/python benchmarks/run.py --only batch          # the 308-municipality batch alone

Writes ``benchmarks/results/bench-<UTC time>.json`` and ``.md`` (git-ignored) and prints
the markdown table. Every figure is a **ratio** to a baseline measured in the same run
(absolute seconds are shown next to it for context only):

* ``floor``    — ``python -c "import pandas, geopandas, matplotlib"``: the least any report
                 costs in a fresh process;
* ``workbook`` — each workbook run once with default parameters by ``workbooks run NAME``
                 (the whole command: start-up, one kernel, two HTML pages, publishing), as a
                 multiple of the floor;
* ``batch``    — the region profile of all 308 municipalities (the ``municipalities`` set)
                 through ``workbooks run --set`` with ``-j 1`` and ``-j 2``, against the naive
                 loop — exactly what a user would type: a shell ``for`` loop of ``papermill``
                 then ``jupyter nbconvert --to html`` per area, one after another — measured
                 in the same run on a fixed sample of 12 municipalities (every 26th): the
                 ratio is throughput per report. CPU seconds (user + system of every process
                 involved) per report and the published megabytes of the set are recorded;
                 ``--variants`` adds the runner with its kernel optimisations off
                 (``TURKU_WORKBOOKS_FORK=0``, ``TURKU_WORKBOOKS_PREWARM=0``);
* ``workbooks`` — every workbook for the 27 municipalities of Varsinais-Suomi (the one
                 without an area once) in one set at ``-j 2``: seconds and CPU per report and
                 published megabytes per workbook;
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
SECTIONS = ("floor", "data", "workbook", "batch", "workbooks")
#: the naive loop's fixed sample of the 308 municipalities (every 26th, in code order)
NAIVE_SAMPLE_STEP = 26
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
    from helpers.snapshot._base import _clear_verification_cache
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
        _clear_verification_cache()  # every file's SHA-256 is checked and parsed again
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


def _published_mb(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 1e6


def bench_batch(results: dict, tmp: Path, variants: bool) -> None:
    """The municipalities set (308) at -j 1 and -j 2 against the naive loop on a sample."""
    from helpers import regions

    areas = [m.statfin_code for m in regions.municipalities()]
    sample = areas[::NAIVE_SAMPLE_STEP]
    schedule = tmp / "bench-schedule.yaml"
    schedule.write_text(
        "sets:\n  municipalities:\n    description: benchmark\n    runs:\n"
        "      - workbook: region_profile\n        parameters:\n          area: {each: municipalities}\n",
        encoding="utf-8")
    n = len(areas)
    entry = {"set": "municipalities", "reports": n, "naive_sample": sample}
    naive = _timed(lambda: _naive_loop(sample, tmp / "naive"), repeat=1)
    entry["naive_loop"] = naive
    entry["naive_per_report_s"] = naive["median_s"] / len(sample)
    entry["naive_cpu_per_report_s"] = naive["cpu_s"] / len(sample)
    entry["naive_mb_per_report"] = _published_mb(tmp / "naive") / len(sample)
    print(f"batch: naive loop {naive['median_s']:.1f} s for {len(sample)} municipalities", flush=True)
    runs = [("runner_j1", 1, None), ("runner_j2", 2, None)]
    if variants:
        runs += [("cold_j1", 1, COLD), ("cold_j2", 2, COLD)]
    for key, jobs, extra in runs:
        out = tmp / f"{key}"
        cmd = [str(BIN / "workbooks"), "run", "--set", "municipalities", "-j", str(jobs)]
        t = _timed(lambda cmd=cmd, out=out, extra=extra: _run(cmd, env=_workbooks_env(out, schedule, extra)),
                   repeat=1)
        published = len(list((out / "municipalities").glob("*.code.html")))
        assert published == n, f"{key}: {published} of {n} reports published"
        t["per_report_s"] = t["median_s"] / n
        t["cpu_per_report_s"] = t["cpu_s"] / n
        t["published_mb"] = _published_mb(out / "municipalities")
        t["speedup_vs_naive"] = entry["naive_per_report_s"] / t["per_report_s"]
        entry[key] = t
        shutil.rmtree(out, ignore_errors=True)
        print(f"batch: {key} {t['median_s']:.1f} s, {t['cpu_per_report_s']:.2f} CPU s/report, "
              f"{t['published_mb']:.0f} MB", flush=True)
    entry["scaling_j1_to_j2"] = entry["runner_j1"]["median_s"] / entry["runner_j2"]["median_s"]
    results["batch"] = entry


def bench_every_workbook(results: dict, tmp: Path) -> None:
    """Every workbook for Varsinais-Suomi's municipalities, one set at -j 2."""
    from helpers import params

    books = params.workbooks()
    runs = []
    for name in sorted(books):
        if "area" in books[name].names:
            runs.append(f"      - workbook: {name}\n        parameters:\n"
                        "          area: {each: {municipalities_of: MK02}}\n")
        else:
            runs.append(f"      - workbook: {name}\n")
    schedule = tmp / "bench-every.yaml"
    schedule.write_text("sets:\n  every:\n    description: benchmark\n    runs:\n" + "".join(runs), encoding="utf-8")
    out = tmp / "every"
    t = _timed(lambda: _run([str(BIN / "workbooks"), "run", "--set", "every", "-j", "2"],
                            env=_workbooks_env(out, schedule)), repeat=1)
    manifest = json.loads((out / "every" / "manifest.json").read_text("utf-8"))
    per = {}
    for run in manifest["runs"]:
        w = per.setdefault(run["workbook"], {"reports": 0, "seconds": 0.0, "mb": 0.0, "failed": 0})
        w["reports"] += 1
        w["seconds"] += run["elapsed_s"]
        w["failed"] += run["status"] != "ok"
        w["mb"] += sum((out / "every" / f).stat().st_size for f in (run["files"] or {}).values()
                       if f and (out / "every" / f).is_file()) / 1e6
        for d in (f"{run['slug']}.files", f"{run['slug']}.data"):
            if (out / "every" / d).is_dir():
                w["mb"] += _published_mb(out / "every" / d)
    n = len(manifest["runs"])
    results["workbooks"] = {"set": t, "reports": n, "per_workbook": per,
                            "cpu_per_report_s": t["cpu_s"] / n, "published_mb": _published_mb(out / "every")}
    print(f"workbooks: {n} reports in {t['median_s']:.1f} s", flush=True)


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
    b = results.get("batch")
    if b:
        n, k = b["reports"], len(b["naive_sample"])
        lines.append(f"| batch `municipalities`: naive `papermill` + `jupyter nbconvert` loop, {k} of the {n} "
                     f"| 1.00 × naive | {b['naive_per_report_s']:.2f} per report | {b['naive_cpu_per_report_s']:.2f} |")
        for key, label in LABELS.items():
            if key in b:
                t = b[key]
                lines.append(f"| batch `municipalities` ({n}): {label} | {t['speedup_vs_naive']:.2f} × naive "
                             f"throughput | {t['median_s']:.0f} ({t['per_report_s']:.2f} per report) "
                             f"| {t['cpu_per_report_s']:.2f} |")
        lines.append(f"| batch `municipalities`: speed-up -j 1 → -j 2 | {b['scaling_j1_to_j2']:.2f} × | | |")
        lines.append(f"| batch `municipalities`: published | {b['runner_j2']['published_mb']:.0f} MB "
                     f"({b['runner_j2']['published_mb'] / n * 1000:.0f} KB per report; the naive loop's HTML "
                     f"{b['naive_mb_per_report'] * 1000:.0f} KB) | | |")
    w = results.get("workbooks")
    if w:
        lines.append(f"| every workbook × Varsinais-Suomi ({w['reports']} reports, `-j 2`) | | "
                     f"{w['set']['median_s']:.0f} | {w['cpu_per_report_s']:.2f} |")
        for name, x in sorted(w["per_workbook"].items()):
            lines.append(f"| · `{name}`: {x['reports']} report(s), {x['mb'] / x['reports'] * 1000:.0f} KB each"
                         f"{', ' + str(x['failed']) + ' FAILED' if x['failed'] else ''} | | "
                         f"{x['seconds'] / x['reports']:.2f} per report (worker time) | |")
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
    ap.add_argument("--variants", action="store_true",
                    help="also run the 308 municipalities with the kernel optimisations off (+10 min)")
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
            bench_batch(results, tmp, variants=args.variants)
        if "workbooks" in only:
            bench_every_workbook(results, tmp)
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
