"""The project kernel: plain papermill runs print no TCP-encryption warning, and the runner's
own kernels use CurveZMQ transport encryption (issue 13, item 14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import settings

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_kernelspec_quietens_the_loopback_warning():
    from jupyter_client.kernelspec import KernelSpecManager

    argv = KernelSpecManager().get_kernel_spec(settings.KERNEL_NAME).argv
    assert argv[-1] == "--IPKernelApp.log_level=ERROR"


def test_a_plain_papermill_run_prints_no_encryption_warning(tmp_path):
    done = subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "data_overview.ipynb"),
                           str(tmp_path / "out.ipynb"), "-k", settings.KERNEL_NAME, "--cwd", str(ROOT / "notebooks")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "without encryption" not in done.stderr


def test_the_runners_kernels_are_curve_encrypted(tmp_path):
    import zmq
    from jupyter_core.utils import run_sync

    from helpers.runner import kernelfork, kernels

    if not zmq.has("curve"):
        pytest.skip("libzmq without CurveZMQ")
    km = kernelfork.kernel_manager_class()(kernel_name=settings.KERNEL_NAME, zygote=None,
                                           out_path=str(tmp_path / "k.out"), transport_encryption=kernels._ENCRYPTION)
    run_sync(km.start_kernel)()
    try:
        assert km.curve_publickey is not None
        info = json.loads(Path(km.connection_file).read_text())
        assert info.get("curve_publickey") or info.get("curve_secretkey")
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)  # an encrypted kernel still answers
        kc.stop_channels()
    finally:
        run_sync(km.shutdown_kernel)(now=True)
