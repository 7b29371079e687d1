"""Issue 13, item 4: the runner, the HTTP cache and the snapshot writer never follow a
symbolic link they did not make — nothing outside the project is deleted or written."""

from __future__ import annotations

import io
import os

import pandas as pd
import pytest

from helpers import paths, runner
from helpers.runner import publish
from helpers.snapshot import Snapshot
from helpers.sources import http


def _elsewhere(tmp_path):
    """A folder outside reports/ holding entries named as the runner names its own."""
    other = tmp_path / "elsewhere"
    other.mkdir()
    dead = 2**22 + 12345  # no such process
    (other / f"default-{dead}-abc").mkdir()
    (other / f"default-{dead}-abc" / "precious.txt").write_text("keep me")
    (other / "default").mkdir()
    (other / "default" / "precious.txt").write_text("keep me too")
    return other


def test_a_linked_staging_folder_is_refused_and_its_target_left_alone(tmp_path):
    reports, other = tmp_path / "reports", _elsewhere(tmp_path)
    reports.mkdir()
    os.symlink(other, reports / publish.STAGING)
    with pytest.raises(runner.RunnerSetupError, match=r"\.staging is a symbolic link"):
        publish.remove_stale_staging(reports)
    with pytest.raises(runner.RunnerSetupError, match="never reached through a link"):
        publish.new_staging(reports, "default")
    assert sorted(p.name for p in other.iterdir()) == sorted(["default", f"default-{2**22 + 12345}-abc"])
    assert (other / f"default-{2**22 + 12345}-abc" / "precious.txt").read_text() == "keep me"


def test_links_inside_the_staging_folder_are_skipped_not_followed(tmp_path):
    reports, other = tmp_path / "reports", _elsewhere(tmp_path)
    (reports / publish.STAGING).mkdir(parents=True)
    dead = 2**22 + 12345
    os.symlink(other / f"default-{dead}-abc", reports / publish.STAGING / f"default-{dead}-zzz")
    real = reports / publish.STAGING / f"default-{dead}-real"
    real.mkdir()
    removed = publish.remove_stale_staging(reports)
    assert removed == [real] and not real.exists()
    assert (other / f"default-{dead}-abc" / "precious.txt").read_text() == "keep me"


def test_a_linked_failed_folder_is_refused(tmp_path):
    reports, other = tmp_path / "reports", _elsewhere(tmp_path)
    reports.mkdir()
    os.symlink(other, reports / publish.FAILED)
    staged = publish.new_staging(reports, "default")
    (staged / "run.log").write_text("x")
    with pytest.raises(runner.RunnerSetupError, match=r"\.failed is a symbolic link"):
        publish.keep_failed(reports, staged)
    assert (other / "default" / "precious.txt").read_text() == "keep me too"


@pytest.mark.slow
def test_a_set_with_every_run_failing_and_a_linked_failed_folder_says_so(fixture_env, tmp_path):
    other = _elsewhere(tmp_path)
    fixture_env.mkdir(parents=True)
    os.symlink(other, fixture_env / publish.FAILED)
    with pytest.raises(runner.RunnerSetupError, match="symbolic link"):
        runner.run_set("default", [runner.RunRequest("broken", {})], reports_dir=fixture_env,
                       stream=io.StringIO(), tty=False)
    assert (other / "default" / "precious.txt").read_text() == "keep me too"


def test_a_linked_cache_file_is_refused_before_a_database_is_made_elsewhere(tmp_path):
    outside = tmp_path / "outside" / "db.sqlite"
    outside.parent.mkdir()
    cache = tmp_path / "cache" / http.CACHE_FILE_NAME
    cache.parent.mkdir()
    os.symlink(outside, cache)
    client = http.HttpClient(cache=True, cache_path=cache)
    with pytest.raises(paths.LinkRefused, match="the HTTP cache is never reached through a link"):
        client.session  # noqa: B018 - creating the session opens the cache
    assert not outside.exists()


def test_the_snapshot_writer_never_writes_through_a_linked_folder(tmp_path):
    snap_dir, outside = tmp_path / "snapshot", tmp_path / "outside"
    snap_dir.mkdir()
    outside.mkdir()
    (snap_dir / "datapackage.json").write_text('{"name": "hand-made-test", "version": "0", "resources": []}')
    os.symlink(outside, snap_dir / "linked")
    frame = pd.DataFrame({"code": ["853"], "value": [1]})  # HAND-MADE TEST FIXTURE
    meta = {"path": "linked/x.csv", "title": "HAND-MADE TEST FIXTURE", "publisher": "tests",
            "sources": [{"title": "tests", "path": "https://example.invalid/test"}],
            "licenses": [{"name": "test-only"}], "attribution": "Hand-made test fixture",
            "obtained": "written by a test", "retrieved_at": "2026-12-01"}
    before = (snap_dir / "datapackage.json").read_bytes()
    with pytest.raises(paths.LinkRefused, match="a folder of the snapshot is never reached through a link"):
        Snapshot(snap_dir).write_resource("linked_x", frame, meta)
    assert list(outside.iterdir()) == [] and (snap_dir / "datapackage.json").read_bytes() == before
    # a plain folder works (the control)
    (snap_dir / "plain").mkdir()
    Snapshot(snap_dir).write_resource("plain_x", frame, dict(meta, path="plain/x.csv"))
    assert (snap_dir / "plain" / "x.csv").is_file()


def test_linked_part_names_the_first_link_below_the_base(tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    assert paths.linked_part(tmp_path / "link" / "a" / "b", tmp_path) == tmp_path / "link"
    assert paths.linked_part(tmp_path / "real" / "a", tmp_path) is None
    assert paths.linked_part(tmp_path / "link" / "a", tmp_path / "link") is None  # the base may be a link
