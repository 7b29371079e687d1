"""The `workbooks` command: list, run (exit codes 0/1/2), report, data verify/rehash/list, the
Makefile wiring, tools/ensure-chromium. Runs use the HAND-MADE fixture workbooks in
tests/fixtures/workbooks/; the data commands a temporary copy of the pinned snapshot."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from helpers import cli, paths, runner, settings
from helpers.runner import publish
from helpers.runner import run as _run_module  # noqa: F401 - imports the submodule runner.run (patched below)
from helpers.snapshot import IntegrityError, Snapshot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_kernels(monkeypatch):
    """Fail loudly if anything tries to start a worker or look for the kernel."""

    def refuse(*a, **k):
        raise AssertionError("a kernel/worker was about to start for bad input")

    monkeypatch.setattr(runner.run, "LocalExecutor", refuse)  # what run_set uses
    monkeypatch.setattr(runner.run, "check_kernel", refuse)


# ----------------------------------------------------------------------------- list


def test_list_shows_every_parameter_with_type_default_allowed_and_description(fixture_env, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "hello — Hello fixture  (tests/fixtures/workbooks/hello.ipynb)" in out
    assert max(len(line) for line in out.splitlines()) <= 120  # readable in a terminal, not 376 columns
    blocks = out.split("\n  - ")
    repeat = next(b for b in blocks if b.startswith("repeat "))
    for part in ("int", "default 2", "int in [1, 5]", "how many times to print the title"):
        assert part in " ".join(repeat.split())
    area = next(b for b in blocks if b.startswith("area ") and "greet" in b)
    assert "'MK02'" in area and "region/municipality" in area
    sig = next(b for b in blocks if b.startswith("signal_number"))
    assert "one of 9, 15" in " ".join(sig.split())


def test_list_json_is_machine_readable(fixture_env, capsys):
    assert cli.main(["list", "--json"]) == 0
    books = {b["name"]: b for b in json.loads(capsys.readouterr().out)}
    assert set(books) == {"hello", "broken", "sleepy", "kills_worker"}
    repeat = next(p for p in books["hello"]["parameters"] if p["name"] == "repeat")
    assert repeat == {"name": "repeat", "type": "int", "default": 2, "allowed": "int in [1, 5]", "choices": None,
                      "min": 1, "max": 5, "kinds": None, "nullable": False,
                      "description": "how many times to print the title"}
    assert books["kills_worker"]["parameters"][0]["choices"] == [9, 15]


def test_list_uses_the_project_schema_by_default(monkeypatch, capsys):
    monkeypatch.delenv(settings.SCHEMA_ENV, raising=False)
    assert cli.main(["list", "--json"]) == 0
    books = {b["name"]: b for b in json.loads(capsys.readouterr().out)}
    assert "data_overview" in books
    snap = books["data_overview"]["parameters"][0]
    assert snap["name"] == "snapshot" and snap["type"] == "path" and snap["default"] is None


# ----------------------------------------------------------------------------- bad input: exit 2


@pytest.mark.parametrize("argv, message", [
    (["run", "hello", "-p", "aera=Turku"], "unknown parameter 'aera' — did you mean 'area'?"),
    (["run", "hello", "-p", "repeat=lots"], "repeat='lots' is not an integer"),
    (["run", "hello", "-p", "repeat=7"], "out of range"),
    (["run", "hello", "-p", "area=Turkku"], "Turku"),
    (["run", "hello", "-p", "area=SSS"], "this workbook accepts region or municipality"),
    (["run", "helo"], "unknown workbook 'helo' — did you mean: hello"),
    (["run", "hello", "-p", "area"], "-p expects name=value"),
    (["run", "hello", "-p", "area=MK02", "-p", "area=KU853"], "given twice"),
    (["run", "hello", "--set", "smoke"], "not both"),
    (["run", "--set", "smoke", "-p", "area=MK02"], "a set's parameters are in the schedule"),
    (["run", "--set", "smok"], "did you mean 'smoke'"),
    (["run"], "name a NOTEBOOK"),
    (["run", "hello", "-j", "0"], "-j needs a whole number"),
])
def test_bad_input_exits_2_before_any_kernel_starts(fixture_env, no_kernels, capsys, argv, message):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "bad input, nothing was run" in err and message in err
    assert not fixture_env.exists()


def test_argparse_errors_also_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["run", "hello", "-j", "two"])
    assert info.value.code == 2


def test_dry_run_validates_a_whole_set_without_running(monkeypatch, no_kernels, capsys, tmp_path):
    monkeypatch.delenv(settings.SCHEMA_ENV, raising=False)
    monkeypatch.setenv(settings.REPORTS_ENV, str(tmp_path / "reports"))
    assert cli.main(["run", "--set", "regions", "--dry-run", "--schedule", str(ROOT / "reports/schedule.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 19
    assert lines[1].startswith("regions/region_profile--MK02\tnotebooks/region_profile.ipynb\tarea=MK02 Varsinais-Suomi")
    assert not (tmp_path / "reports").exists()


def test_report_is_the_default_set(monkeypatch, fixture_env):
    seen = {}

    def fake_run_set(set_name, requests, **kwargs):
        seen.update(set_name=set_name, n=len(requests), workers=kwargs["workers"])
        return runner.SetOutcome(set_name, [], 0.0, None, None)

    monkeypatch.setattr(runner, "run_set", fake_run_set)
    monkeypatch.setenv(settings.SCHEDULE_ENV, str(ROOT / "reports/schedule.yaml"))
    cli.main(["report", "-j", "3"])
    assert seen == {"set_name": "default", "n": 6, "workers": 3}


# ----------------------------------------------------------------------------- real runs


@pytest.mark.slow
def test_single_runs_exit_0_or_1_and_a_failure_points_at_the_cell(fixture_env, capsys):
    assert cli.main(["run", "hello", "-p", "area=Turku", "-p", "repeat=3"]) == 0
    out = capsys.readouterr().out
    assert f"ok: {fixture_env / 'adhoc' / 'hello--KU853--repeat-3.html'}" in out
    assert cli.main(["run", "tests/fixtures/workbooks/broken.ipynb"]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "FAILED broken at In [4], cell 7 of the executed notebook, cell id cell-4: UnknownWorkbookError" in err
    assert f"executed notebook kept: {fixture_env / 'adhoc' / 'broken.ipynb'}" in err
    assert f"failing cell: {fixture_env / 'adhoc' / 'broken.code.html'}#papermill-error-cell" in err
    nb = nbformat.read(fixture_env / "adhoc" / "broken.ipynb", as_version=4)
    assert "An Exception was encountered at" in nb.cells[0].source
    # both runs are in the ad-hoc set of the gallery
    manifest = json.loads((fixture_env / "adhoc" / "manifest.json").read_text())
    assert [(r["slug"], r["status"]) for r in manifest["runs"]] == [("hello--KU853--repeat-3", "ok"), ("broken", "failed")]
    assert (manifest["title"], manifest["description"]) == (runner.ADHOC_TITLE, runner.ADHOC_DESCRIPTION)
    assert "<h2>Yksittäiset raportit</h2>" in (fixture_env / "index.html").read_text(encoding="utf-8")


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and p.relative_to(root).parts[0] not in (publish.STAGING, publish.FAILED, publish.LOCK)}


def _publish_hand_made_gallery(reports: Path) -> None:
    """A previous gallery made of hand-made files (no kernel needed)."""
    staged = publish.new_staging(reports, "allfail")
    run = {"slug": "old", "workbook": "broken", "title": "Old report", "source": "x", "parameters": [],
           "status": "ok", "elapsed_s": 1, "started_at": "2026-01-01T00:00:00+00:00",
           "finished_at": "2026-01-01T00:00:00+00:00", "attempts": 1, "snapshot_version": "old",
           "key_figures": [], "error": None,
           "files": {"html": "old.html", "code_html": None, "ipynb": None, "log": None, "thumb": None},
           "thumb_size": None}
    (staged / "old.html").write_text("hand-made previous report")
    publish.publish_set(reports, staged, {
        "format": publish.MANIFEST_FORMAT, "set": "allfail", "description": "",
        "generated_at": "2026-01-01T00:00:00+00:00", "elapsed_s": 1, "counts": {"ok": 1, "failed": 0},
        "files": {}, "runs": [run]})


@pytest.mark.slow
def test_a_set_where_every_run_fails_publishes_nothing_and_keeps_the_outputs(fixture_env, capsys):
    _publish_hand_made_gallery(fixture_env)
    before = _tree(fixture_env)
    assert cli.main(["run", "--set", "allfail"]) == 1
    err = capsys.readouterr().err
    assert "every run failed: nothing published" in err
    assert _tree(fixture_env) == before
    kept = fixture_env / publish.FAILED / "allfail"
    assert (kept / "broken.ipynb").is_file() and (kept / "broken.code.html").is_file()
    assert "every run failed" in (kept / "run.log").read_text()


# ----------------------------------------------------------------------------- wiring


def _recipe(makefile: str, target: str) -> tuple[str, list[str]]:
    m = re.search(rf"^{target}:([^\n]*)\n((?:\t[^\n]*\n)+)", makefile, re.M)
    assert m, f"no {target} target"
    return m.group(1), [line.strip() for line in m.group(2).splitlines()]


def test_makefile_report_runs_the_default_set_and_test_ensures_chromium_first():
    makefile = (ROOT / "Makefile").read_text()
    deps, recipe = _recipe(makefile, "report")
    assert "$(STAMP)" in deps
    assert recipe == ["$(BIN)/workbooks run --set default -j $(JOBS)"]
    deps, recipe = _recipe(makefile, "test")
    assert "$(STAMP)" in deps
    assert recipe[:2] == ["$(BIN)/ruff check $(LINTED)", "tools/ensure-chromium"]
    assert any("pytest tests" in line for line in recipe[2:])
    ci = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert ci[-1] == "make test" and not any("chromium" in line or "pytest" in line for line in ci)


def test_ensure_chromium_explains_when_it_cannot_install(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "id").write_text("#!/bin/sh\necho 1000\n")
    (fake_bin / "id").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake_bin}:{os.environ['PATH']}", CHROMIUM=str(tmp_path / "no-chromium"))
    proc = subprocess.run([str(ROOT / "tools/ensure-chromium")], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "is missing and this user is not root" in proc.stderr


def test_ensure_chromium_is_quiet_success_when_installed():
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("/usr/bin/chromium is missing: run tools/ensure-chromium (make test does)")
    proc = subprocess.run([str(ROOT / "tools/ensure-chromium")], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and "at /usr/bin/chromium" in proc.stdout


def test_the_data_commands_are_part_of_the_command():
    names = cli.build_parser()._subparsers._group_actions[0].choices
    assert {"list", "run", "report", "data"} <= set(names)
    data = names["data"]._subparsers._group_actions[0].choices
    assert set(data) == {"refresh", "status", "list", "verify", "rehash"}


# ----------------------------------------------------------------------------- data verify / rehash / list


@pytest.fixture
def snap_copy(tmp_path):
    dst = tmp_path / "snapshot"
    shutil.copytree(paths.snapshot_dir(), dst)
    return dst


def test_data_verify_checks_every_file_and_names_a_changed_one(snap_copy, capsys):
    assert cli.main(["data", "verify", "--snapshot", str(snap_copy)]) == 0
    n = len(Snapshot(snap_copy).names())
    assert f"ok: {n} resource(s) match their sha256" in capsys.readouterr().out
    path = Snapshot(snap_copy).file_path("cluster_claims")
    path.write_bytes(path.read_bytes().replace(b"no official statistic cited on page",
                                               b"no official statistic cited on the page"))
    assert cli.main(["data", "verify", "--snapshot", str(snap_copy)]) == 1
    err = capsys.readouterr().err
    assert "cluster_claims" in err and "workbooks data rehash" in err
    assert cli.main(["data", "verify", "population_municipality_2023", "--snapshot", str(snap_copy)]) == 0
    assert "ok: 1 resource(s)" in capsys.readouterr().out


def test_data_rehash_after_an_intentional_edit(snap_copy, capsys):
    snap = Snapshot(snap_copy)
    assert cli.main(["data", "rehash", "cluster_claims", "--snapshot", str(snap_copy)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    path = snap.file_path("cluster_claims")
    path.write_bytes(path.read_bytes().replace(b"no official statistic cited on page",
                                               b"no official statistic cited on the page"))
    with pytest.raises(IntegrityError):
        snap.load("cluster_claims")
    assert cli.main(["data", "rehash", "cluster_claims", "--snapshot", str(snap_copy)]) == 0
    assert "cluster_claims: sha256:" in capsys.readouterr().out
    assert snap.load("cluster_claims").set_index("id").loc["C01", "note"] == "no official statistic cited on the page"
    assert cli.main(["data", "verify", "--snapshot", str(snap_copy)]) == 0
    assert cli.main(["data", "rehash", "cluster_claim", "--snapshot", str(snap_copy)]) == 1
    assert "cluster_claims" in capsys.readouterr().err  # the unknown name's closest match


def test_data_list_pinned_shows_publisher_period_and_attribution(snap_copy, capsys):
    assert cli.main(["data", "list", "--pinned", "--snapshot", str(snap_copy)]) == 0
    out = capsys.readouterr().out
    assert out.split()[:4] == ["name", "publisher", "reference_period", "attribution"]
    assert "population_municipality_2023" in out and "Statistics Finland" in out
    assert cli.main(["data", "list", "--pinned", "--snapshot", str(snap_copy / "nowhere")]) == 1
    assert "datapackage.json" in capsys.readouterr().err


@pytest.mark.slow
def test_a_cell_timeout_fails_the_run_at_that_cell(fixture_env, capsys):
    assert cli.main(["run", "sleepy", "-p", "seconds=30", "--timeout", "1"]) == 1
    err = capsys.readouterr().err
    assert "FAILED sleepy--seconds-30.0 at In [4], cell 7 of the executed notebook, cell id cell-3: CellTimeoutError" in err
    nb = nbformat.read(fixture_env / "adhoc" / "sleepy--seconds-30.0.ipynb", as_version=4)
    assert nb.cells[6].id == "cell-3" and nb.cells[6].outputs[-1].ename == "CellTimeoutError"
    assert 'id="papermill-error-cell"' in nb.cells[5].source


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "1e-9", "0", "-1", "0.5", "100000", "soon"])
def test_a_bad_timeout_is_refused_when_the_command_line_is_read(fixture_env, capsys, bad):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "sleepy", f"--timeout={bad}", "--dry-run"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"timeout {bad!r} is not allowed" in err and "1 to 86400" in err and "'none'" in err
    assert not (fixture_env / "adhoc").exists()


@pytest.mark.slow
def test_a_fractional_timeout_is_a_limit_not_a_traitlets_error(fixture_env, capsys):
    # issue 13, item 3: --timeout 2.5 passed --dry-run, then failed with a TraitError
    assert cli.main(["run", "sleepy", "-p", "seconds=0", "--timeout", "2.5"]) == 0
    assert cli.main(["run", "sleepy", "-p", "seconds=30", "--timeout", "1.5"]) == 1
    err = capsys.readouterr().err
    assert "CellTimeoutError" in err and "TraitError" not in err


def test_more_workers_than_the_machine_carries_are_capped_with_a_message(fixture_env, capsys, monkeypatch):
    from helpers.runner import base

    monkeypatch.setattr(base, "available_memory", lambda: int(2.0 * 2**30))  # room for two workers
    limit, why = base.worker_limit()
    assert limit == min(2, 2 * (os.cpu_count() or 1)) and "GiB" in why
    assert cli.main(["run", "--set", "smoke", "-j", "1000", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "-j 1000 is more than this machine carries" in err and f"running with -j {limit}" in err


def test_sets_get_a_default_cell_timeout_and_single_runs_none(fixture_env, monkeypatch):
    seen = {}

    def fake_run_set(set_name, requests, **kwargs):
        seen[set_name] = kwargs["timeout"]
        raise runner.RunnerInputError("stop here")

    monkeypatch.setattr(runner, "run_set", fake_run_set)
    cli.main(["run", "--set", "smoke"])
    cli.main(["run", "sleepy"])
    assert seen == {"smoke": settings.DEFAULT_SET_TIMEOUT, "adhoc": None}
    cli.main(["run", "--set", "smoke", "--timeout", "none"])
    assert seen["smoke"] is None
    cli.main(["run", "--set", "smoke", "--timeout", "90"])
    assert seen["smoke"] == 90.0
