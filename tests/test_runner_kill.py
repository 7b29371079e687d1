"""A runner killed with SIGKILL mid-way leaves the previous gallery exactly as it was, and
takes its workers and kernels with it. Uses the HAND-MADE fixture workbooks
(tests/fixtures/workbooks/, set 'slow': two 60-second sleeps)."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from helpers import runner, settings
from helpers.runner import publish

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
WORKBOOKS = Path(sys.executable).parent / "workbooks"


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and p.relative_to(root).parts[0] not in (publish.STAGING, publish.LOCK)}


def _previous_gallery(reports: Path) -> None:
    """Hand-made published sets 'slow' and 'other' (no kernels needed)."""
    for set_name in ("slow", "other"):
        staged = publish.new_staging(reports, set_name)
        (staged / "old.html").write_text(f"hand-made previous report of {set_name}")
        run = {"slug": "old", "workbook": "sleepy", "title": "Old", "source": "x", "parameters": [],
               "status": "ok", "elapsed_s": 1, "started_at": "2026-01-01T00:00:00+00:00",
               "finished_at": "2026-01-01T00:00:00+00:00", "attempts": 1, "snapshot_version": "old",
               "key_figures": [], "error": None,
               "files": {"html": "old.html", "code_html": None, "ipynb": None, "log": None, "thumb": None},
               "thumb_size": None}
        publish.publish_set(reports, staged, {
            "format": publish.MANIFEST_FORMAT, "set": set_name, "description": "",
            "generated_at": "2026-01-01T00:00:00+00:00", "elapsed_s": 1, "counts": {"ok": 1, "failed": 0}, "files": {}, "runs": [run]})


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_sigkill_mid_run_leaves_the_old_gallery_intact_and_no_processes_behind(tmp_path):
    reports = tmp_path / "reports"
    _previous_gallery(reports)
    before = _tree(reports)
    assert "index.html" in before and "slow/old.html" in before
    marker = f"TURKU_TEST_MARKER={uuid.uuid4().hex}"
    env = dict(os.environ, TURKU_TEST_MARKER=marker.split("=", 1)[1], **{
        settings.SCHEMA_ENV: str(FIXTURES / "workbooks.yaml"), settings.SCHEDULE_ENV: str(FIXTURES / "schedule.yaml"),
        settings.REPORTS_ENV: str(reports)})
    proc = subprocess.Popen([str(WORKBOOKS), "run", "--set", "slow", "-j", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:  # wait until both kernels are inside their sleep
            logs = list((reports / publish.STAGING).glob("slow-*/slow/sleepy*.log"))
            # cell 5 = the sleep (parameters, injected parameters, validation, markdown, sleep)
            if len(logs) == 2 and all("Executing Cell 5" in p.read_text(errors="replace") for p in logs):
                break
            assert proc.poll() is None, "the runner ended before it could be killed"
            time.sleep(0.2)
        else:
            pytest.fail("the two sleepy runs never started")
        assert len(_processes_with(marker)) >= 5  # runner, 2 workers, 2 kernels
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _tree(reports) == before  # byte for byte, index.html included
    deadline = time.time() + 15  # workers die with the runner, kernels with their worker
    while _processes_with(marker) and time.time() < deadline:
        time.sleep(0.2)
    assert _processes_with(marker) == []
    # the next run clears the killed run's staging directory
    assert list((reports / publish.STAGING).glob("slow-*"))
    publish.new_staging(reports, "other")
    assert not list((reports / publish.STAGING).glob("slow-*"))


# ----------------------------------------------------------------------------- progress output


def _result(slug, ok=True):
    job = runner.Job(set_name="demo", slug=slug, workbook="hello", title="t", notebook="n", source="s", cwd=".",
                     parameters={}, display_parameters=(), schema_file="x", snapshot_version="v")
    error = None if ok else {"cell": 3, "cell_id": "c", "exec_count": 2, "summary": "ValueError: bad"}
    return runner.RunResult(job=job, status="ok" if ok else "failed", elapsed_s=1.0, started_at="",
                            finished_at="", error=error)


def test_progress_without_a_terminal_is_plain_log_lines():
    stream, log = io.StringIO(), io.StringIO()
    progress = runner.Progress("demo", 3, 2, stream=stream, tty=False, log_file=log)
    progress.update(_result("a"))
    progress.update(_result("b", ok=False))
    progress.close()
    lines = stream.getvalue().splitlines()
    assert "set 'demo': 3 run(s) on 2 worker(s)" in lines[0]
    assert "[2/3] FAILED b (1.0 s) — at In [2], cell 3 of the executed notebook, cell id c: ValueError: bad" in lines[2]
    assert "completed 1, failed 1, remaining 1, elapsed" in lines[2]
    assert "\r" not in stream.getvalue()  # no bar redraws in a log file
    assert log.getvalue().splitlines()[1:] == [line for line in lines[1:]]


def test_progress_on_a_terminal_draws_a_bar_with_completed_failed_remaining():
    stream = io.StringIO()
    progress = runner.Progress("demo", 2, 1, stream=stream, tty=True)
    progress.update(_result("a"))
    progress.update(_result("b", ok=False))
    progress.close()
    text = stream.getvalue()
    assert "\r" in text and "2/2" in text
    assert "completed 1, failed 1, remaining 0" in text
    assert "FAILED b" in text  # failures are printed above the bar


def test_summary_table_lists_every_run():
    table = runner.summary_table([_result("alpha"), _result("beta", ok=False)])
    lines = table.splitlines()
    assert lines[0].split() == ["status", "report", "time", "detail"]
    assert lines[2].split()[:3] == ["ok", "alpha", "1.0"]
    assert lines[3].startswith("FAILED") and "ValueError: bad" in lines[3]
