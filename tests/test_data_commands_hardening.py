"""`workbooks data …` under bad conditions (issue 13, items 6, 8, 9): no network, a wrong
snapshot folder, a truncated manifest, leftovers of a killed refresh, a broken cache, Ctrl-C —
each one clear line and the right exit code, never a traceback, nothing pinned changed."""

from __future__ import annotations

import os
import shutil
import socket
import time
from pathlib import Path

import pytest

from helpers import cli, refresh
from helpers.catalog import load_catalog
from helpers.snapshot import Snapshot
from helpers.sources.http import HostUnreachableError, HttpClient, reset_unreachable

ROOT = Path(__file__).resolve().parents[1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.fixture
def snap_copy(tmp_path):
    dest = tmp_path / "snapshot"
    shutil.copytree(ROOT / "data" / "snapshot", dest)
    return dest


def test_an_unreachable_host_gets_one_short_retry_then_fails_at_once(clock):
    reset_unreachable()
    url = f"http://127.0.0.1:{_closed_port()}/api"
    client = HttpClient(cache=False, clock=clock)
    with pytest.raises(HostUnreachableError, match="connection refused.*TURKU_WORKBOOKS_OFFLINE=1"):
        client.get_json(url)
    assert len(client.calls) == 2 and clock.sleeps == [0.5]  # not five attempts with back-off
    with pytest.raises(HostUnreachableError, match="unreachable earlier in this run"):
        client.get_json(url + "/other")
    assert len(client.calls) == 2  # the second request never touched the network


def test_an_offline_refresh_of_the_whole_catalog_fails_fast(snap_copy, clock, capsys):
    base = f"http://127.0.0.1:{_closed_port()}"
    clients = refresh.Clients.create(statfin_url=f"{base}/statfin", sotkanet_url=f"{base}/sotkanet",
                                     geostat_url=f"{base}/geostat", cache=False, clock=clock)
    before = {p.name: p.read_bytes() for p in snap_copy.rglob("*") if p.is_file()}
    results = refresh.refresh(None, snapshot=snap_copy, clients=clients, include_unverified=True)
    assert results and not any(r.ok for r in results)
    assert sum(clock.sleeps) <= 0.5  # one short retry for the one host, nothing more
    out = capsys.readouterr().out
    assert out.count("TURKU_WORKBOOKS_OFFLINE=1") == 1  # the advice once, then one line per dataset
    assert {p.name: p.read_bytes() for p in snap_copy.rglob("*") if p.is_file()} == before


def test_a_missing_snapshot_folder_and_a_truncated_manifest_are_one_line(tmp_path, snap_copy, capsys):
    assert cli.main(["data", "refresh", "--snapshot", str(tmp_path / "nowhere")]) == 2
    assert "no datapackage.json" in capsys.readouterr().err
    manifest = snap_copy / "datapackage.json"
    manifest.write_bytes(manifest.read_bytes()[:5000])
    for command in (["data", "status"], ["data", "verify"], ["data", "refresh", "--dry-run"]):
        assert cli.main(command + ["--snapshot", str(snap_copy)]) == 1  # a broken snapshot is a failure
        err = capsys.readouterr().err
        assert "not valid UTF-8 JSON" in err and "Traceback" not in err


def test_leftovers_of_a_killed_refresh_are_reported_and_cleaned(snap_copy, capsys):
    stale = snap_copy / ".cluster_claims.csv.abc123.tmp"
    stale.write_text("half", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    (snap_copy / "notes.txt").write_text("someone's notes", encoding="utf-8")
    snap = Snapshot(snap_copy)
    assert snap.stray_files() == {"temporary": [stale.name], "unlisted": ["notes.txt"]}
    assert cli.main(["data", "status", "--snapshot", str(snap_copy)]) == 1  # an unlisted file is a problem
    out = capsys.readouterr().out
    assert "interrupted write" in out and "not listed in the manifest" in out and "NaN" not in out
    assert snap.remove_stale_temporary() == [stale.name] and not stale.exists()
    fresh = snap_copy / ".other.csv.x.tmp"
    fresh.write_text("in progress", encoding="utf-8")
    assert snap.remove_stale_temporary() == [] and fresh.exists()  # a write in progress is left alone


def test_a_broken_cache_is_named_with_the_way_out(snap_copy, tmp_path, clock, capsys):
    cache = tmp_path / "http_cache.sqlite"
    cache.write_text("not a database", encoding="utf-8")
    code = cli.main(["data", "refresh", "population_11re", "--snapshot", str(snap_copy), "--cache", str(cache),
                     "--statfin-url", f"http://127.0.0.1:{_closed_port()}/statfin"])
    err = capsys.readouterr().err
    assert code == 1 and str(cache) in err and "--no-cache" in err and "Traceback" not in err


def test_ctrl_c_during_a_refresh_is_one_line_and_exit_130(snap_copy, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(refresh, "refresh", interrupted)
    assert cli.main(["data", "refresh", "--snapshot", str(snap_copy)]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_status_lists_every_catalog_dataset():
    table = refresh.status(None, load_catalog())
    assert set(table["hash"]) <= {"ok", "not pinned yet"}
