"""helpers.runner: schedules, validation before any kernel, safe names, scrubbing, parallel
sets with failures, crashes, kernel-start retries, key figures on the cards, the warm line.

The workbooks run here are the HAND-MADE fixtures in tests/fixtures/workbooks/ (their own
workbooks.yaml via TURKU_WORKBOOKS_SCHEMA); reports go to tmp dirs.
"""

from __future__ import annotations

import dataclasses
import errno
import getpass
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from helpers import i18n, keyfigures, params, paths, regions, runner, settings
from helpers.runner import kernels, publish

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
SECRET = "hand-made-secret-value-7c1e"


# ----------------------------------------------------------------------------- schedules


def test_project_schedule_sets_use_generators_for_all_regions_and_municipalities():
    sets = runner.load_schedule(ROOT / "reports" / "schedule.yaml")
    assert {"default", "regions", "varsinais-suomi"} <= set(sets)
    assert {r.workbook for r in sets["default"].runs} == {
        "data_overview", "region_profile", "life_science_cluster", "ict_cluster", "exclusion_prevention",
        "carbon_neutrality"}
    # the Varsinais-Suomi workbooks run for MK02; carbon neutrality runs with its defaults (Turku)
    assert all(r.values.get("area", "MK02") == "MK02" for r in sets["default"].runs if r.workbook != "carbon_neutrality")
    reg = sets["regions"].runs
    assert len(reg) == 19 and {r.workbook for r in reg} == {"region_profile"}
    assert [r.values["area"] for r in reg] == [a.statfin_code for a in regions.regions()]
    vs = sets["varsinais-suomi"].runs
    assert len(vs) == 27 and len({r.values["area"] for r in vs}) == 27
    assert all(regions.resolve(r.values["area"]).region_code == "02" for r in vs)
    assert "KU853" in {r.values["area"] for r in vs}  # Turku


def test_generators_expand_and_combine():
    combos = runner.expand_values({"area": {"each": {"municipalities_of": "Varsinais-Suomi"}},
                                   "repeat": {"each": [1, 2]}, "title": "x"})
    assert len(combos) == 27 * 2
    assert combos[0] == {"area": "KU019", "repeat": 1, "title": "x"}  # Aura
    assert len(runner.expand_values({"area": {"each": "municipalities"}})) == 308


@pytest.mark.parametrize("values, message", [
    ({"area": {"each": "regoins"}}, "unknown generator"),
    ({"area": {"each": {"municipalities_of": "Turku"}}}, "needs a region"),
    ({"area": {"each": {"municipalities_of": "Atlantis"}}}, "municipalities_of"),
    ({"area": {"each": []}}, "empty"),
    ({"area": {"each": "regions", "also": 1}}, "only the key 'each'"),
])
def test_bad_generators_are_named(values, message):
    with pytest.raises(runner.RunnerInputError, match=message):
        runner.expand_values(values)


@pytest.mark.parametrize("text, message", [
    ("sets:\n  ../evil:\n    runs: [hello]\n", "set name '../evil' is not allowed"),
    ("sets:\n  ok:\n    runs: hello\n", "needs a list 'runs'"),
    ("sets:\n  ok:\n    runs:\n      - {workbook: hello, paramters: {}}\n", "unknown keys"),
    ("sets:\n  ok:\n    runs:\n      - {workbook: hello, name: x, parameters: {area: {each: regions}}}\n",
     "cannot be used with a generator"),
    ("sets: [1, 2]\n", "needs a mapping"),
    ("sets:\n  ok: {runs: [hello]\n", "not valid YAML"),
])
def test_bad_schedules_are_rejected_with_the_reason(tmp_path, text, message):
    path = tmp_path / "schedule.yaml"
    path.write_text(text)
    with pytest.raises(runner.RunnerInputError, match=message):
        runner.load_schedule(path)


def test_unknown_set_suggests_the_closest(fixture_env):
    with pytest.raises(runner.RunnerInputError, match="unknown set 'smok' — did you mean 'smoke'"):
        runner.get_set("smok")


# ----------------------------------------------------------------------------- planning


def test_plan_reports_every_problem_at_once_before_anything_exists(fixture_env):
    requests = [
        runner.RunRequest("hello", {"aera": "Turku", "repeat": "many"}),
        runner.RunRequest("hello", {"area": "Atlantis"}),
        runner.RunRequest("helo", {}),
        runner.RunRequest("hello", {"repeat": "9"}),
    ]
    with pytest.raises(runner.RunnerInputError) as info:
        runner.plan(requests, "demo")
    text = str(info.value)
    assert "unknown parameter 'aera' — did you mean 'area'?" in text
    assert "repeat='many' is not an integer" in text
    assert "Atlantis" in text
    assert "unknown workbook 'helo' — did you mean: hello" in text
    assert "repeat=9 is out of range; expected int in [1, 5]" in text
    assert not fixture_env.exists()  # nothing written, no kernel started


def test_plan_coerces_values_and_names_outputs(fixture_env):
    jobs = runner.plan([runner.RunRequest("hello", {"area": "Turku", "repeat": "3"}),
                        runner.RunRequest("hello", {"area": "KU853", "repeat": 4}),
                        runner.RunRequest("sleepy")], "demo")
    assert [j.slug for j in jobs] == ["hello--KU853--repeat-3", "hello--KU853--repeat-4", "sleepy"]
    assert jobs[0].parameters == {"area": "KU853", "repeat": 3}  # only the values given are injected
    assert jobs[0].values == (("area", "KU853 Turku"), ("title", "Hello"), ("repeat", "3"))
    # what a card or a page shows: readers' labels and names, no snake_case, no "None"
    assert jobs[0].display_parameters == (("Area", "Turku (KU853)"), ("Title", "Hello"), ("Repeat", "3"))
    assert jobs[0].title == "Hello fixture — Turku"
    assert jobs[0].source == "tests/fixtures/workbooks/hello.ipynb"
    assert jobs[2].parameters == {}
    version = json.loads((paths.snapshot_dir() / "datapackage.json").read_text("utf-8"))["version"]
    assert jobs[0].snapshot_version == version


def test_report_names_name_the_parameters_so_different_runs_never_share_one(fixture_env):
    # issue 13, item 1: start_year=2016 and end_year=2016 both became "--2016"
    a, b, c = runner.plan([runner.RunRequest("hello", {"repeat": 2}), runner.RunRequest("hello", {"title": "2"}),
                           runner.RunRequest("hello", {"area": "Turku", "title": "2", "repeat": 2})], "demo")
    assert (a.slug, b.slug, c.slug) == ("hello--repeat-2", "hello--title-2", "hello--KU853--title-2--repeat-2")
    # stable: the same parameters in another order, another set or another day give the same name
    (again,) = runner.plan([runner.RunRequest("hello", {"repeat": 2, "title": "2", "area": "KU853"})], "other")
    assert again.slug == c.slug


def test_values_that_are_not_file_names_get_a_hash_so_they_stay_apart(fixture_env):
    a, b = runner.plan([runner.RunRequest("hello", {"title": "a b"}), runner.RunRequest("hello", {"title": "a-b"})],
                       "demo")
    assert b.slug == "hello--title-a-b" and a.slug.startswith("hello--title-a-b-") and a.slug != b.slug
    (long,) = runner.plan([runner.RunRequest("hello", {"title": "x" * 300})], "demo")
    assert len(long.slug) <= 120 and long.slug != runner.plan([runner.RunRequest("hello", {"title": "x" * 299})],
                                                               "demo")[0].slug


def test_the_same_run_twice_or_colliding_explicit_names_are_errors_not_a_silent_suffix(fixture_env):
    with pytest.raises(runner.RunnerInputError, match=r"run 2 \(hello\): its report name 'hello--KU853' is already "
                       r"taken by run 1 \(hello\) — the same workbook with the same parameters"):
        runner.plan([runner.RunRequest("hello", {"area": "Turku"}), runner.RunRequest("hello", {"area": "853"})],
                    "demo")
    with pytest.raises(runner.RunnerInputError, match="give each run its own `name:`") as info:
        runner.plan([runner.RunRequest("hello", {}, name="Same"), runner.RunRequest("sleepy", {}, name="same"),
                     runner.RunRequest("hello", {"repeat": 5})], "demo")
    assert len(info.value.problems) == 1  # only the colliding run; the others were fine


@pytest.mark.parametrize("name", ["run", "RUN", "manifest", "report", "x.code", "x.thumb", "x.files", "x.data"])
def test_run_names_the_set_or_another_run_uses_are_reserved(fixture_env, name):
    with pytest.raises(runner.RunnerInputError, match="is reserved"):
        runner.plan([runner.RunRequest("hello", {}, name=name)], "demo")


@pytest.mark.parametrize("title", ["../../etc/passwd", "/etc/passwd", "a b<c>&|;`$(rm)", "..", "ä/ö\\å", ""])
def test_names_derived_from_parameters_stay_inside_the_output_directory(fixture_env, title):
    (job,) = runner.plan([runner.RunRequest("hello", {"title": title})], "demo")
    assert "/" not in job.slug and "\\" not in job.slug and ".." not in job.slug
    assert job.slug.startswith("hello--") and not job.slug.startswith(".")
    out = (fixture_env / "demo" / f"{job.slug}.html").resolve()
    assert out.parent == (fixture_env / "demo").resolve()


@pytest.mark.parametrize("name", ["../x", "/abs", "a/b", ".hidden", "x..y", "a b", ""])
def test_explicit_run_names_are_checked(fixture_env, name):
    with pytest.raises(runner.RunnerInputError, match="not allowed"):
        runner.plan([runner.RunRequest("hello", {}, name=name or " ")], "demo")


def test_slugify():
    assert runner.slugify("Pedersören kunta") == "Pedersoren-kunta"
    assert runner.slugify("../..//x") == "x"
    assert runner.slugify("<>") == "x"


def test_parse_assignments():
    assert runner.parse_assignments(["area=Turku", "title=a=b"]) == {"area": "Turku", "title": "a=b"}
    with pytest.raises(runner.RunnerInputError, match="name=value"):
        runner.parse_assignments(["area"])
    with pytest.raises(runner.RunnerInputError, match="given twice"):
        runner.parse_assignments(["area=MK02", "area=KU853"])


def test_schema_file_can_be_chosen_by_environment(fixture_env):
    assert params.active_schema_file() == FIXTURES / "workbooks.yaml"
    assert set(params.workbooks()) == {"hello", "broken", "sleepy", "kills_worker"}


# ----------------------------------------------------------------------------- scrubbing


def test_scrubber_replaces_local_paths_and_secrets_but_not_images():
    s = runner.Scrubber({"/work/proj": "<project>", "/work/proj/.venv": "<venv>", "/tmp": "<tmp>"},
                        secrets=[SECRET])
    text = f"/work/proj/src/a.py /work/proj/.venv/lib x /tmp/abc /tmpfoo /home/alice/x {SECRET}"
    assert s.text(text) == "<project>/src/a.py <venv>/lib x <tmp>/abc /tmpfoo /home/<user>/x <redacted>"
    assert s.text("\x1b[32m/work/proj/x.py\x1b[0m") == "\x1b[32m<project>/x.py\x1b[0m"  # inside ANSI colours
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("open('/tmp/x')", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": "AA/tmp/BB", "text/plain": "/tmp/y"})])])
    nb.metadata["papermill"] = {"input_path": "/work/proj/notebooks/a.ipynb", "output_path": "/tmp/o.ipynb",
                                "environment_variables": {"X": SECRET}, "parameters": {"p": "/tmp/z"}}
    out = s.notebook(nb, input_path="notebooks/a.ipynb", output_path="demo/a.ipynb")
    assert out.cells[0].source == "open('<tmp>/x')"
    assert out.cells[0].outputs[0].data["image/png"] == "AA/tmp/BB"
    assert out.cells[0].outputs[0].data["text/plain"] == "<tmp>/y"
    pm = out.metadata["papermill"]
    assert pm["input_path"] == "notebooks/a.ipynb" and pm["output_path"] == "demo/a.ipynb"
    assert "environment_variables" not in pm and pm["parameters"] == {"p": "<tmp>/z"}


# ----------------------------------------------------------------------------- kernel start retry


@pytest.fixture
def worker_ctx(worker_env):
    ctx = runner.WorkerContext(0)
    yield ctx
    ctx.close()


def test_each_worker_gets_its_own_dirs_and_history_off(worker_ctx):
    ctx = worker_ctx
    import tempfile

    for var in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "TMPDIR"):
        assert Path(os.environ[var]).parent == ctx.tmp and Path(os.environ[var]).is_dir()
    assert Path(tempfile.gettempdir()).parent == ctx.tmp
    config = (ctx.tmp / "ipython" / "profile_default" / "ipython_kernel_config.py").read_text()
    assert "c.HistoryManager.enabled = False" in config
    other = runner.WorkerContext(1)
    try:
        assert other.tmp != ctx.tmp and os.environ["IPYTHONDIR"].startswith(str(other.tmp))
    finally:
        other.close()
    assert not other.tmp.exists()


def _fake_execute(failures: list[BaseException]):
    calls = []

    def execute(notebook, output, **kwargs):
        calls.append(kwargs)
        if failures:
            raise failures.pop(0)
        nb = nbformat.read(notebook, as_version=4)
        nb.metadata["papermill"] = {"input_path": notebook, "output_path": output}
        nbformat.write(nb, output)
        return nb

    return execute, calls


def test_kernel_start_failure_on_a_port_clash_is_retried(fixture_env, worker_ctx, tmp_path):
    (job,) = runner.plan([runner.RunRequest("sleepy")], "demo")
    job = dataclasses.replace(job, out_dir=str(tmp_path))
    execute, calls = _fake_execute([RuntimeError("ZMQError: Address already in use (addr='tcp://127.0.0.1:5555')")])
    result = runner.execute_job(job, worker_ctx, execute=execute)
    assert result.ok and result.attempts == 2 and len(calls) == 2
    assert "--HistoryManager.enabled=False" in calls[0]["extra_arguments"]
    assert "retrying" in (tmp_path / "sleepy.log").read_text()
    assert (tmp_path / "sleepy.html").is_file()


def test_other_failures_are_not_retried(fixture_env, worker_ctx, tmp_path):
    (job,) = runner.plan([runner.RunRequest("sleepy")], "demo")
    job = dataclasses.replace(job, out_dir=str(tmp_path))
    execute, calls = _fake_execute([RuntimeError("Kernel died unexpectedly"), RuntimeError("again")])
    result = runner.execute_job(job, worker_ctx, execute=execute)
    assert not result.ok and result.attempts == 1 and len(calls) == 1
    assert result.error["summary"] == "RuntimeError: Kernel died unexpectedly"


def test_every_failure_has_the_same_error_shape(fixture_env, worker_ctx, tmp_path):
    (job,) = runner.plan([runner.RunRequest("sleepy")], "demo")
    job = dataclasses.replace(job, out_dir=str(tmp_path))
    execute, _ = _fake_execute([RuntimeError("boom")])
    failed = runner.execute_job(job, worker_ctx, execute=execute).error
    crashed = runner.crashed_result(job, "the worker process died").error
    assert set(failed) == set(crashed) == {"cell", "cell_id", "exec_count", "ename", "evalue", "summary"}
    assert crashed["ename"] == "WorkerDied" and crashed["summary"] == "the worker process died"


# ----------------------------------------------------------------------------- the warm line


def test_the_warm_line_names_no_project_module_and_walks_the_workbook_package(tmp_path, monkeypatch):
    assert not [m for m in kernels.WARM_LIBRARIES if m.split(".")[0] == "helpers"]
    line = kernels.warm_line()
    assert line.startswith("exec(") and "\n" not in line  # one command-line argument
    # run it against a hand-made package standing in for helpers.workbooks
    pkg = tmp_path / "twb_fake_workbooks"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("LOADED = True\n")
    (pkg / "broken.py").write_text("raise RuntimeError('a module that fails is skipped')\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(kernels, "WORKBOOK_PACKAGE", "twb_fake_workbooks")
    monkeypatch.setattr(kernels, "WARM_LIBRARIES", ("json", "no_such_library_xyz"))
    import sys

    for name in [m for m in sys.modules if m.startswith("twb_fake_workbooks")]:
        monkeypatch.delitem(sys.modules, name)
    namespace = {}
    eval(compile(kernels.warm_line(), "<warm>", "eval"), namespace)
    assert {"twb_fake_workbooks.a", "twb_fake_workbooks.sub.b"} <= set(sys.modules)
    assert "twb_fake_workbooks.broken" not in sys.modules
    assert set(namespace) == {"__builtins__"}  # the notebook's namespace is left alone
    monkeypatch.setattr(kernels, "WORKBOOK_PACKAGE", "no_such_package_xyz")
    eval(compile(kernels.warm_line(), "<warm>", "eval"), {})  # a missing package: nothing to warm


# ----------------------------------------------------------------------------- real runs (kernels)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The fixture set 'mixed' (3 greetings, one with <script> in its title, and one
    workbook that fails on purpose) run with 2 workers into a fresh reports dir."""
    reports = tmp_path_factory.mktemp("mixed") / "reports"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.SCHEMA_ENV, str(FIXTURES / "workbooks.yaml"))
        mp.setenv(settings.REPORTS_ENV, str(reports))
        mp.setenv("TURKU_TEST_SECRET_TOKEN", SECRET)
        spec = runner.get_set("mixed", FIXTURES / "schedule.yaml")
        import io

        log = io.StringIO()
        outcome = runner.run_set("mixed", spec.runs, workers=2, reports_dir=reports, stream=log, tty=False)
    return outcome, reports, log.getvalue()


@pytest.mark.slow
def test_a_failing_workbook_leaves_the_others_published_and_is_reported(mixed):
    outcome, reports, log = mixed
    assert outcome.exit_code == 1
    status = {r.job.slug: r.status for r in outcome.results}
    assert status == {"hello--MK02": "ok", "hello--KU853": "ok", "broken": "failed", "hello-three": "ok"}
    manifest = json.loads((reports / "mixed" / "manifest.json").read_text())
    assert manifest["counts"] == {"ok": 3, "failed": 1, "stale": 0}
    for slug in ("hello--MK02", "hello--KU853", "hello-three"):
        for suffix in (".ipynb", ".html", ".code.html", ".thumb.png", ".log"):
            assert (reports / "mixed" / f"{slug}{suffix}").is_file(), slug + suffix
    index = (reports / "index.en.html").read_text()
    assert index.count('<article class="card') == 4 and 'class="card failed"' in index
    assert "UnknownWorkbookError" in index
    # progress: plain lines (not a TTY) with completed / failed / remaining / elapsed
    assert "[4/4]" in log and "completed 3, failed 1, remaining 0, elapsed" in log
    assert "FAILED broken" in log


@pytest.mark.slow
def test_the_failure_points_at_the_failing_cell(mixed):
    outcome, reports, _ = mixed
    broken = next(r for r in outcome.results if r.job.slug == "broken")
    assert broken.error["exec_count"] == 4 and broken.error["cell_id"] == "cell-4"
    assert broken.error["summary"].startswith("UnknownWorkbookError: unknown workbook 'no_such_workbook'")
    nb = nbformat.read(reports / "mixed" / "broken.ipynb", as_version=4)
    cell = nb.cells[broken.error["cell"] - 1]
    assert cell.id == "cell-4" and cell.outputs[-1].output_type == "error"
    assert 'id="papermill-error-cell"' in nb.cells[broken.error["cell"] - 2].source  # papermill's anchor
    assert "at In [4], cell 7 of the executed notebook, cell id cell-4" in broken.describe_error()
    assert 'id="papermill-error-cell"' in (reports / "mixed" / "broken.html").read_text()


@pytest.mark.slow
def test_cards_carry_key_figures_thumbnails_and_the_snapshot_version(mixed):
    outcome, reports, _ = mixed
    hello = next(r for r in outcome.results if r.job.slug == "hello--KU853")
    figures = keyfigures.as_dict(hello.key_figures)
    assert {k: figures[k] for k in ("repeat", "area_code", "ratio")} == {
        "repeat": 2, "area_code": "KU853", "ratio": 1234.5}
    entries = hello.record()["key_figures"]  # the manifest: ordered entries, headline first, with text
    assert [(e["name"], e["label"], e["text"], e["headline"]) for e in entries[:3]] == [
        ("repeat", "Repeats", "2 times", True), ("area_code", "Area code", "KU853", True),
        ("ratio", "Ratio", keyfigures.format_value(1234.5, decimals=1), True)]
    assert [e["name"] for e in entries[3:]] == ["ipython_dir_owner", "mpl_dir_owner", "history_enabled"]
    assert not any(e["headline"] for e in entries[3:]) and entries[5]["text"] == "no"
    card = (reports / "index.en.html").read_text()
    section = card[card.index('id="mixed--hello--KU853"'):]
    section = section[:section.index("</article>")]
    assert [e["labelled"] for e in entries] == [True, True, True, False, False, False]
    # the card: the headline figures; figures without a reader's label (the fixture's three
    # internals) stay in the manifest and the notebook, never on a reader's card
    assert "<dt>Repeats</dt><dd>2 times</dd>" in section
    assert "<details>" not in section and "history enabled" not in section
    assert hello.thumb_size and hello.thumb_size[0] > 0
    version = json.loads((paths.snapshot_dir() / "datapackage.json").read_text("utf-8"))["version"]
    assert hello.job.snapshot_version == version
    log = (reports / "mixed" / "hello--KU853.log").read_text()
    assert "parameter area = KU853 Turku" in log and "Executing Cell" in log and "finished" in log


@pytest.mark.slow
def test_parallel_kernels_have_private_dirs_and_no_history(mixed):
    outcome, _, _ = mixed
    hellos = [r for r in outcome.results if r.job.workbook == "hello"]
    figures = [keyfigures.as_dict(r.key_figures) for r in hellos]
    owners = {f["ipython_dir_owner"] for f in figures}
    assert len(owners) == 2 and all(o.startswith("turku-workbooks-w") for o in owners)  # one per worker
    assert all(f["mpl_dir_owner"] == f["ipython_dir_owner"] for f in figures)
    assert all(f["history_enabled"] is False for f in figures)


@pytest.mark.slow
def test_parameter_values_never_reach_html_unescaped(mixed):
    _, reports, _ = mixed
    for page in ("hello-three.html", "hello-three.code.html", "../index.html"):
        html = (reports / "mixed" / page).read_text()
        assert "<script" not in html.lower(), page
        assert "&lt;script&gt;" in html, page


@pytest.mark.slow
def test_published_files_do_not_leak_paths_users_or_secrets(mixed):
    _, reports, _ = mixed
    home = os.path.expanduser("~")
    needles = [str(ROOT), str(reports.parent), SECRET, "/home/" + getpass.getuser()]
    if home not in ("/", ""):
        needles.append(home + "/")
    files = [p for p in reports.rglob("*") if p.is_file() and p.suffix != ".png"]
    assert len(files) > 15
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        for needle in needles:
            assert needle not in text, f"{needle!r} leaked into {p.relative_to(reports)}"
    nb = nbformat.read(reports / "mixed" / "broken.ipynb", as_version=4)
    assert nb.metadata.papermill.input_path == "tests/fixtures/workbooks/broken.ipynb"
    assert nb.metadata.papermill.output_path == "mixed/broken.ipynb"
    assert "environment_variables" not in nb.metadata.papermill
    printed = "".join(o.get("text", "") for o in nb.cells[4].outputs)  # the cell printing local details
    assert "cwd <project>/tests/fixtures/workbooks" in printed and "secret <redacted>" in printed
    traceback = "\n".join(nb.cells[6].outputs[0].traceback)
    assert "<project>/src/helpers/params.py" in traceback


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_run_and_the_next_run_still_happens(fixture_env, monkeypatch, tmp_path):
    spec = runner.get_set("crash")
    import io
    import tempfile

    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))  # where the workers' dirs are made
    monkeypatch.setenv("TMPDIR", str(private_tmp))  # ... also for anything the workers make

    outcome = runner.run_set("crash", spec.runs, workers=1, reports_dir=fixture_env, stream=io.StringIO(), tty=False)
    first, second = outcome.results
    assert first.status == "failed" and "worker process died (exit code -9)" in first.error["summary"]
    assert second.ok
    assert outcome.exit_code == 1
    log = (fixture_env / "crash" / "kills_worker.log").read_text()
    assert "worker process died" in log and str(ROOT) not in log
    assert list(private_tmp.iterdir()) == []  # even the killed worker's private dirs are gone


@pytest.mark.slow
def test_end_to_end_the_real_data_overview_workbook(monkeypatch, tmp_path):
    """The project's own data_overview workbook through the runner, on the pinned snapshot."""
    monkeypatch.delenv(settings.SCHEMA_ENV, raising=False)
    reports = tmp_path / "reports"
    import io

    outcome = runner.run_set("adhoc", [runner.RunRequest("data_overview")], reports_dir=reports,
                             merge=True, stream=io.StringIO(), tty=False)
    (result,) = outcome.results
    assert result.ok, result.describe_error()
    assert result.job.source == "notebooks/data_overview.ipynb"
    figures = keyfigures.as_dict(result.key_figures)
    assert figures["municipalities_2026"] == 308 and figures["regions"] == 19
    assert figures["varsinais_suomi_municipalities"] == 27
    version = json.loads((paths.snapshot_dir() / "datapackage.json").read_text("utf-8"))["version"]
    assert figures["snapshot_version"] == version == result.job.snapshot_version
    assert (reports / "adhoc" / "data_overview.thumb.png").is_file()
    # an ad-hoc run is published in the gallery's language (Finnish): its title translated,
    # and on the English gallery the same card says so in English
    title = i18n.translations("fi").gettext("What the pinned snapshot holds")
    assert title != "What the pinned snapshot holds" and result.job.lang == "fi"
    assert f">{title}</a></h3>" in (reports / "index.html").read_text("utf-8")
    english = (reports / "index.en.html").read_text("utf-8")
    assert "Not published in this language; shown in Finnish." in english
    assert "generated from <code>notebooks/data_overview.ipynb</code>" in english
    for p in (reports / "adhoc").rglob("*"):  # pages, notebook, figure and data files
        if p.is_file() and p.suffix != ".png":
            assert str(ROOT) not in p.read_text(errors="replace"), p.name


@pytest.mark.slow
def test_a_failed_run_never_replaces_the_good_report_of_the_same_name(fixture_env):
    """Issue 13, item 3: the good report stays published, its card says the last run failed."""
    import io

    reports = fixture_env
    good = runner.run_set("keep", [runner.RunRequest("hello", {"area": "Turku"}, name="greeting"),
                                   runner.RunRequest("sleepy", {"seconds": 0})],
                          reports_dir=reports, stream=io.StringIO(), tty=False)
    assert good.exit_code == 0
    published = reports / "keep"
    before = {p.name: p.read_bytes() for p in published.iterdir() if p.name.startswith("greeting") and p.is_file()}
    assert {"greeting.html", "greeting.ipynb", "greeting.log"} <= set(before)
    # the same name, now failing (the broken workbook), beside a run that still succeeds
    bad = runner.run_set("keep", [runner.RunRequest("broken", {}, name="greeting"),
                                  runner.RunRequest("sleepy", {"seconds": 0})],
                         reports_dir=reports, stream=io.StringIO(), tty=False)
    assert bad.exit_code == 1  # the failure is still a failure for cron
    after = {p.name: p.read_bytes() for p in published.iterdir() if p.name.startswith("greeting") and p.is_file()}
    failed_log = after.pop("greeting.failed.log").decode()
    assert after == before  # the good report's files, byte for byte
    assert "UnknownWorkbookError" in failed_log
    manifest = json.loads((published / "manifest.json").read_text())
    card = next(r for r in manifest["runs"] if r["slug"] == "greeting")
    assert card["status"] == "ok" and card["workbook"] == "hello"
    assert card["last_failure"]["error"]["summary"].startswith("UnknownWorkbookError")
    assert card["last_failure"]["log"] == "greeting.failed.log"
    assert manifest["counts"] == {"ok": 2, "failed": 0, "stale": 1}
    index = (reports / "index.en.html").read_text()
    assert "Last run failed" in index and "Showing the report of" in index
    assert 'href="keep/greeting.failed.log"' in index and 'href="keep/greeting.html"' in index
    # a later good run clears the mark
    runner.run_set("keep", [runner.RunRequest("hello", {"area": "Turku"}, name="greeting")],
                   reports_dir=reports, stream=io.StringIO(), tty=False)
    manifest = json.loads((published / "manifest.json").read_text())
    assert "last_failure" not in manifest["runs"][0] and not (published / "greeting.failed.log").exists()


@pytest.mark.slow
def test_a_long_cell_gets_heartbeat_lines_naming_the_run_and_its_cell(fixture_env, monkeypatch):
    """Issue 13, item 10: a hanging cell in a cron job is visible, not one silent line."""
    import io

    monkeypatch.setenv(settings.HEARTBEAT_ENV, "0.5")
    stream = io.StringIO()
    outcome = runner.run_set("beat", [runner.RunRequest("sleepy", {"seconds": 3})], reports_dir=fixture_env,
                             stream=stream, tty=False)
    assert outcome.exit_code == 0
    beats = [line for line in stream.getvalue().splitlines() if "still running:" in line]
    assert beats, stream.getvalue()
    assert re.search(r"still running: sleepy--seconds-3\.0 for \d+ s, at cell \d+ of \d+ \| completed 0, "
                     r"failed 0, remaining 1", beats[-1])
    assert "still running" in (fixture_env / "beat" / "run.log").read_text()


def test_a_bad_heartbeat_setting_is_refused_before_anything_runs(fixture_env, monkeypatch):
    monkeypatch.setenv(settings.HEARTBEAT_ENV, "often")
    with pytest.raises(runner.RunnerInputError, match="TURKU_WORKBOOKS_HEARTBEAT='often' is not allowed"):
        runner.run_set("beat", [runner.RunRequest("sleepy", {"seconds": 0})], reports_dir=fixture_env)
    assert not (fixture_env / "beat").exists()


# ----------------------------------------------------------------------------- issue 13, item 6


def test_a_reports_folder_that_is_a_file_is_bad_input(fixture_env, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    with pytest.raises(runner.RunnerInputError, match="is a file, not a folder"):
        runner.run_set("demo", [runner.RunRequest("sleepy", {"seconds": 0})], reports_dir=afile)
    with pytest.raises(runner.RunnerSetupError, match="cannot write below .*afile/x: Not a directory — nothing was run"):
        runner.run_set("demo", [runner.RunRequest("sleepy", {"seconds": 0})], reports_dir=afile / "x")
    assert afile.read_text() == "not a folder"


def test_an_unwritable_reports_folder_is_one_clear_line(fixture_env, monkeypatch):
    from helpers.runner import run as run_module

    def read_only(reports_dir, set_name):
        raise PermissionError(errno.EACCES, "Permission denied", str(reports_dir / ".staging"))

    monkeypatch.setattr(run_module, "new_staging", read_only)  # root ignores chmod; the same OSError path
    with pytest.raises(runner.RunnerSetupError, match="cannot write below .*: Permission denied"):
        runner.run_set("demo", [runner.RunRequest("sleepy", {"seconds": 0})], reports_dir=fixture_env)


@pytest.mark.slow
def test_a_full_disk_while_publishing_keeps_the_gallery_and_frees_the_staging(fixture_env, monkeypatch):
    import io

    from helpers.runner import run as run_module

    runner.run_set("demo", [runner.RunRequest("sleepy", {"seconds": 0})], reports_dir=fixture_env,
                   stream=io.StringIO(), tty=False)
    before = {p.relative_to(fixture_env).as_posix(): p.read_bytes() for p in fixture_env.rglob("*")
              if p.is_file() and publish.STAGING not in p.parts and p.name != publish.LOCK}

    def full(reports_dir, staged, manifest, merge=False):
        raise OSError(errno.ENOSPC, "No space left on device", str(staged / "manifest.json"))

    monkeypatch.setattr(run_module, "publish_set", full)
    with pytest.raises(runner.RunnerSetupError, match=r"publishing set 'demo' failed: No space left on device "
                       r"\(.*manifest.json\); the reports and the gallery .* are as they were"):
        runner.run_set("demo", [runner.RunRequest("sleepy", {"seconds": 0.01})], reports_dir=fixture_env,
                       stream=io.StringIO(), tty=False)
    after = {p.relative_to(fixture_env).as_posix(): p.read_bytes() for p in fixture_env.rglob("*")
             if p.is_file() and publish.STAGING not in p.parts and p.name != publish.LOCK}
    assert after == before
    assert list((fixture_env / publish.STAGING).iterdir()) == []  # nothing left on the full disk


def test_dry_run_reads_the_snapshot_manifest(fixture_env, tmp_path, monkeypatch, capsys):
    from helpers import cli

    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "datapackage.json").write_text('{"name": "x", "resources": [', encoding="utf-8")  # truncated
    monkeypatch.setenv(settings.SNAPSHOT_ENV, str(snap))
    assert cli.main(["run", "sleepy", "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "the data snapshot cannot be read, nothing was run" in err and "datapackage.json" in err
    assert "all parameters valid" not in err


def test_a_notebook_outside_the_project_is_refused_not_swapped_for_the_projects(fixture_env, tmp_path, monkeypatch):
    """Issue 13, item 13: `workbooks run /elsewhere/hello.ipynb` ran the project's hello."""
    source = FIXTURES / "hello.ipynb"
    elsewhere = tmp_path / "elsewhere" / "hello.ipynb"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(source.read_bytes())
    with pytest.raises(runner.RunnerInputError, match=r"is not this project's .*hello.ipynb; `workbooks run` runs "
                       r"the project's workbooks by name \(`workbooks run hello`"):
        runner.plan([runner.RunRequest(str(elsewhere))], "demo")
    # the project's own notebook, named or given by its path, is fine
    assert runner.plan([runner.RunRequest(str(source))], "demo")[0].notebook == str(source)
    assert runner.plan([runner.RunRequest("hello.ipynb")], "demo")[0].notebook == str(source)
    monkeypatch.chdir(source.parent)
    assert runner.plan([runner.RunRequest("./hello.ipynb")], "demo")[0].notebook == str(source)
