"""helpers.runner.dask: report sets on a Dask distributed cluster.

A real ``distributed.LocalCluster`` on loopback (two worker processes, one thread each)
runs the HAND-MADE fixture workbooks of tests/fixtures/workbooks/ (their own
workbooks.yaml via TURKU_WORKBOOKS_SCHEMA). Reports go to tmp dirs.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import socket
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import cli, runner
from helpers.runner import dask as dask_executor

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as c:
        yield c


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


# ----------------------------------------------------------------------------- runs on the cluster


def test_a_set_runs_as_dask_tasks_and_is_published_from_the_returned_files(cluster, fixture_env):
    spec = runner.get_set("mixed")
    log = io.StringIO()
    with dask_executor.DaskExecutor(cluster.scheduler_address) as executor:
        assert executor.workers == 2
        outcome = runner.run_set("mixed", spec.runs, reports_dir=fixture_env, executor=executor,
                                 description=spec.description, stream=log, tty=False)
    assert "set 'mixed': 4 run(s) on 2 worker(s)" in log.getvalue()
    by_slug = {r.job.slug: r for r in outcome.results}
    assert [r.job.slug for r in outcome.results] == ["hello--MK02", "hello--KU853", "broken", "hello-three"]
    assert {s for s, r in by_slug.items() if r.ok} == {"hello--MK02", "hello--KU853", "hello-three"}
    assert outcome.exit_code == 1 and outcome.published == fixture_env / "mixed"
    broken = by_slug["broken"]
    assert broken.error["exec_count"] == 4 and broken.error["cell_id"] == "cell-4"
    assert "UnknownWorkbookError" in broken.error["summary"]

    published = fixture_env / "mixed"
    for slug in ("hello--MK02", "hello--KU853", "hello-three"):
        for suffix in (".ipynb", ".html", ".code.html", ".thumb.png", ".log"):
            assert (published / f"{slug}{suffix}").stat().st_size > 0, slug + suffix
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["workers"] == 2 and manifest["counts"] == {"ok": 3, "failed": 1, "stale": 0}
    assert "<script>alert" not in (fixture_env / "index.html").read_text()  # escaped in the gallery

    # executed on the workers, in their own temporary directories, not in the staging dir:
    # the files reached reports/ only through the task results
    text = (published / "hello--KU853.log").read_text()
    worker = int(text.split("(worker ", 1)[1].split(")", 1)[0])
    assert worker != os.getpid()
    assert "Output Notebook: <tmp>/turku-workbooks-dask-" in text and "<reports>" not in text
    assert "parameter area = KU853 Turku" in text and str(ROOT) not in text
    nb = nbformat.read(published / "hello--KU853.ipynb", as_version=4)
    assert nb.metadata.papermill["input_path"] == "tests/fixtures/workbooks/hello.ipynb"
    assert nb.metadata.papermill["output_path"] == "mixed/hello--KU853.ipynb"
    assert not list((fixture_env / ".staging").glob("mixed-*"))  # staging swapped in and cleared


def test_cli_runs_a_set_on_the_cluster(cluster, fixture_env, capsys):
    code = cli.main(["run", "--set", "smoke", "--executor", "dask", "--scheduler", cluster.scheduler_address])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "published smoke/" in out
    for slug in ("hello--MK02", "hello--KU853", "hello--KU609"):  # Pori = KU609
        assert (fixture_env / "smoke" / f"{slug}.html").is_file()
    assert json.loads((fixture_env / "smoke" / "manifest.json").read_text())["counts"] == {"ok": 3, "failed": 0, "stale": 0}


def test_a_worker_with_another_notebook_fails_the_run_and_says_why(fixture_env, tmp_path):
    (job,) = runner.plan([runner.RunRequest("sleepy")], "demo")
    job = dataclasses.replace(job, out_dir=str(tmp_path / "client-staging-not-on-the-worker"))
    executor = dask_executor.DaskExecutor.__new__(dask_executor.DaskExecutor)  # no cluster needed
    payload = executor._payload(job, snapshot_sha=None)
    assert payload["notebook"] == {"rel": "tests/fixtures/workbooks/sleepy.ipynb"}
    payload["notebook_sha256"] = "0" * 64  # as if the worker ran another commit
    remote = dask_executor._run_remote(payload)
    result = remote["result"]
    assert result.status == "failed" and result.error["ename"] == "WorkerMismatch"
    assert "same commit" in result.error["summary"]
    assert b"same commit" in remote["files"]["sleepy.log"]


def test_a_worker_with_another_snapshot_fails_the_run(fixture_env, tmp_path):
    (job,) = runner.plan([runner.RunRequest("sleepy")], "demo")
    executor = dask_executor.DaskExecutor.__new__(dask_executor.DaskExecutor)
    payload = executor._payload(job, snapshot_sha="f" * 64)
    result = dask_executor._run_remote(payload)["result"]
    assert result.status == "failed" and "same snapshot" in result.error["summary"]


# ----------------------------------------------------------------------------- bad input: exit 2


def test_unreachable_scheduler_is_bad_input(fixture_env, monkeypatch, capsys):
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT_S", 1.0)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    assert cli.main(["run", "--set", "smoke", "--executor", "dask", "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach a Dask scheduler at '{address}'" in err and "dask scheduler" in err
    assert not (fixture_env / "smoke").exists()


@pytest.mark.parametrize("argv, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is used only with --executor dask"),
    (["--executor", "dask"], "--executor dask needs --scheduler ADDRESS"),
    (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786", "-j", "2"], "-j applies to the local executor"),
])
def test_inconsistent_executor_options_are_bad_input(fixture_env, capsys, argv, message):
    assert cli.main(["run", "--set", "smoke", *argv]) == 2
    assert message in capsys.readouterr().err


def test_bad_parameters_are_reported_before_connecting(fixture_env, capsys):
    # nothing listens at this address: the error must be the parameter, not the scheduler
    argv = ["run", "hello", "-p", "repeat=9", "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{_closed_port()}"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "repeat" in err and "cannot reach" not in err


def test_missing_dask_is_bad_input_with_the_install_command(fixture_env, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert cli.main(["run", "--set", "smoke", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert "needs dask and distributed" in err and "pip install -e '.[dask]'" in err


def test_the_package_imports_without_dask(tmp_path):
    """helpers.runner, helpers.cli and helpers.runner.dask import with distributed missing."""
    import subprocess

    code = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
            "import helpers.cli, helpers.runner, helpers.runner.dask\n"
            "print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
