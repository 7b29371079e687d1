"""Test-suite wide guards.

No test may open a network connection except to loopback. The guard below replaces
``socket.socket.connect``/``connect_ex`` and ``socket.getaddrinfo`` for the whole pytest
process, so a test that tries to reach Statistics Finland, THL or anything else fails at
once with a clear error instead of hanging or (worse) passing on a lucky network.
Child processes (kernels started by papermill/nbval) inherit
``TURKU_WORKBOOKS_OFFLINE=1``, which makes the project's HTTP layer refuse to go online.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest
from replay import clock, http, server  # noqa: F401  (the replay server fixtures, for every test module)

from helpers import settings

os.environ[settings.OFFLINE_ENV] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to reach a non-loopback address."""


def _is_loopback_host(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback_host(host):
            raise NetworkBlocked(
                f"test tried to connect to {address!r}; tests may only use loopback (127.0.0.1/::1)"
            )


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_loopback_host(host):
        raise NetworkBlocked(f"test tried to resolve {host!r}; tests may only use loopback")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture
def network_blocked_error():
    return NetworkBlocked


WORKBOOK_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "workbooks"


@pytest.fixture
def worker_env(monkeypatch, tmp_path):
    """Undo what a ``runner.WorkerContext`` made in this process changes: it points TMPDIR (and
    ``tempfile``), IPYTHONDIR, MPLCONFIGDIR, JUPYTER_RUNTIME_DIR and the kernels' settings at
    its own directory. (``tmp_path`` is made first, outside that directory.)"""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", tempfile.gettempdir())
    for var in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "TMPDIR", "MPLBACKEND",
                "PYDEVD_DISABLE_FILE_VALIDATION", "PYTHONWARNINGS", settings.SCHEMA_ENV):
        monkeypatch.setenv(var, os.environ.get(var, ""))  # restored after the test
    return tmp_path


@pytest.fixture
def fixture_env(monkeypatch, tmp_path):
    """Point the runner at the hand-made fixture workbooks and schedule; reports go to
    ``tmp_path/reports`` (returned)."""
    monkeypatch.setenv(settings.SCHEMA_ENV, str(WORKBOOK_FIXTURES / "workbooks.yaml"))
    monkeypatch.setenv(settings.SCHEDULE_ENV, str(WORKBOOK_FIXTURES / "schedule.yaml"))
    monkeypatch.setenv(settings.REPORTS_ENV, str(tmp_path / "reports"))
    return tmp_path / "reports"

