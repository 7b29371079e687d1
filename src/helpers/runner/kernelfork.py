"""Fast kernel starts for the runner: kernels forked from a process that has already
imported the heavy libraries.

Every report runs in a fresh kernel. Started the usual way, each kernel is a new Python
process that imports ipykernel, then pandas, geopandas and matplotlib (and until
December 2026, through mapclassify, scipy.stats and scikit-learn): about 2 s of CPU per
report then, more than the report itself. A
*kernel zygote* pays that once per worker: it is started with the kernel's own interpreter
and flags, imports :data:`~helpers.runner.zygote.PRELOAD`, and then forks one child per
kernel. The child resets what a new process would have fresh (signal handlers, working
directory, environment, standard streams, its own session, numpy's and Python's random
state) and becomes the kernel (``ipykernel``'s ``IPKernelApp``, the same code ``python -m
ipykernel_launcher`` runs). The notebook's namespace is empty as in any new kernel; only
``sys.modules`` is warm. What a fork cannot renew: ``str`` hash randomisation is the
zygote's (the order of a ``set`` of strings is the same in every report of a worker, as with
a fixed ``PYTHONHASHSEED``). The zygote's program is :mod:`helpers.runner.zygote`; this
module is the worker's side of it.

The kernel is forked twice over (zygote -> intermediate -> kernel) and the intermediate
exits, so the kernel is re-parented to the worker, which is made a *child subreaper*
(Linux ``PR_SET_CHILD_SUBREAPER``): as with a normally launched kernel, its parent is the
worker — ipykernel's parent poller, ``psutil`` children and ``os.getppid()`` in a notebook
all see the worker, and the worker reaps it.

The zygote is used only when the kernel command is ``<the zygote's interpreter and flags>
-m ipykernel_launcher ...`` and the kernel's environment equals the zygote's (but for
``JPY_*`` and the project's ``TURKU_WORKBOOKS_*``, which the preloaded libraries do not
read); anything else (another kernel, Windows/macOS, a zygote that died) is launched the
usual way. :func:`kernel_manager_class` is a jupyter_client ``AsyncKernelManager`` that
overrides ``_async_launch_kernel`` (the documented hook for launching differently) and, to
not sleep on a killed kernel, ``_async_wait``; its clients are
:mod:`helpers.runner.kernelclient`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import settings
from . import kernelclient
from .zygote import LAUNCHER, PR_SET_CHILD_SUBREAPER, READY, prctl

ZYGOTE_PROGRAM = Path(__file__).resolve().with_name("zygote.py")
#: environment variables that may differ between the zygote and a kernel forked from it:
#: jupyter_client's own, and the project's (read by helpers at call time, never at import)
_PER_KERNEL_ENV = ("JPY_", settings.ENV_PREFIX)


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _fixed_env(env: dict[str, str]) -> dict[str, str]:
    """What the zygote's preloaded modules may have read at import: everything else."""
    return {k: v for k, v in env.items() if not k.startswith(_PER_KERNEL_ENV)}


class Zygote:
    """A kernel zygote owned by one worker (not thread-safe: one worker, one zygote)."""

    def __init__(self, prefix: Sequence[str], log_path: Path, env: dict[str, str] | None = None):
        self.prefix = list(prefix)
        self.env = dict(os.environ if env is None else env)
        self.log = open(log_path, "ab")
        prctl(PR_SET_CHILD_SUBREAPER, 1)  # forked kernels are re-parented to this process
        self.proc = subprocess.Popen(
            [*self.prefix, str(ZYGOTE_PROGRAM)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.log, env=self.env, text=True, bufsize=1,
        )
        self.pid = self.proc.pid
        self._ready = False
        self._lock = threading.Lock()

    def _read(self, timeout: float) -> dict[str, Any]:
        import selectors

        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise TimeoutError(f"the kernel zygote did not answer within {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the kernel zygote exited (code {self.proc.poll()})")
        return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ready(self, wait: float = 0) -> bool:
        """Whether the zygote has finished preloading, waiting up to ``wait`` seconds for it
        (by default not at all). Raises RuntimeError if it answers anything but ready."""
        with self._lock:
            if not self._ready and self.alive():
                try:
                    reply = self._read(wait)
                except (TimeoutError, RuntimeError, ValueError):
                    return False
                self._ready = bool(reply.get(READY))
                if not self._ready:
                    raise RuntimeError(f"unexpected answer from the kernel zygote: {reply}")
            return self._ready and self.alive()

    def warming(self) -> bool:
        """Alive and still preloading (never waits)."""
        return self.alive() and not self.ready()

    def fits(self, cmd: Sequence[str], env: dict[str, str]) -> list[str] | None:
        """The kernel's arguments if ``cmd`` + ``env`` can be forked from this zygote."""
        n = len(self.prefix)
        if list(cmd[:n]) != self.prefix or tuple(cmd[n:n + 2]) != LAUNCHER:
            return None
        if _fixed_env(env) != _fixed_env(self.env) or not self.alive():
            return None
        return list(cmd[n + 2:])

    def fork(self, args: Sequence[str], env: dict[str, str], cwd: str, out: str, timeout: float = 60) -> int:
        with self._lock:
            if not self._ready:
                reply = self._read(timeout)
                if not reply.get(READY):
                    raise RuntimeError(f"unexpected answer from the kernel zygote: {reply}")
                self._ready = True
            self.proc.stdin.write(json.dumps({"args": list(args), "env": dict(env), "cwd": str(cwd),
                                              "out": str(out)}) + "\n")
            self.proc.stdin.flush()
            reply = self._read(timeout)
        if "pid" not in reply:
            raise RuntimeError(f"the kernel zygote could not fork a kernel: {reply.get('error')}")
        return int(reply["pid"])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        with contextlib.suppress(Exception):
            self.proc.kill()
            self.proc.wait(timeout=5)
        with contextlib.suppress(Exception):
            self.proc.stdout.close()
        with contextlib.suppress(Exception):
            self.log.close()


class ChildProcess:
    """The ``subprocess.Popen`` surface jupyter_client's LocalProvisioner uses, for a forked
    kernel (a child of this process through the subreaper re-parenting)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # not (or no longer) our child: ask the system
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    self.returncode = -signal.SIGKILL
                except PermissionError:
                    pass
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def kernel_manager_class():
    """``RunnerKernelManager(kernel_name=..., zygote=Zygote | None, out_path=str | None)``:
    an AsyncKernelManager that forks its kernel from ``zygote`` when it fits (the kernel's
    output then goes to ``out_path``) and keeps the clients it hands out, so that the runner
    can close them (:meth:`close_clients`; nbclient does not close the client of a kernel it
    does not own). ``forked`` says whether the kernel was forked. Its clients are
    :mod:`helpers.runner.kernelclient`'s."""
    global _KM_CLASS
    if _KM_CLASS is None:
        from jupyter_client import AsyncKernelManager

        class RunnerKernelManager(AsyncKernelManager):
            def __init__(self, *, zygote: Zygote | None = None, out_path: str | None = None, **kwargs: Any):
                super().__init__(**kwargs)
                self.client_factory = kernelclient.client_class()  # ready without 0.2 s of waiting
                self.zygote = zygote
                self.out_path = out_path
                self.forked = False
                self.handed_out: list[Any] = []

            def client(self, **kwargs):
                kc = super().client(**kwargs)
                self.handed_out.append(kc)
                return kc

            def close_clients(self) -> None:
                """Stop the channels of every client this manager handed out."""
                clients, self.handed_out = self.handed_out, []
                for kc in clients:
                    with contextlib.suppress(Exception):
                        kc.stop_channels()

            async def _async_wait(self, pollinterval: float = 0.1) -> None:
                """Wait for the kernel's process to end (after the runner's kill): jupyter_client
                polls every ``pollinterval``, so a killed kernel, gone within milliseconds,
                cost 0.1 s of waiting per report; here the polls start at 1 ms and back off
                to ``pollinterval``."""
                delay = min(0.001, pollinterval)
                while await self._async_is_alive():
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, pollinterval)

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                zygote, env = self.zygote, kw.get("env") or dict(os.environ)
                args = zygote.fits(kernel_cmd, env) if zygote is not None and self.out_path else None
                if args is None:
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                cwd = str(kw.get("cwd") or os.getcwd())
                try:
                    pid = zygote.fork(args, env, cwd, self.out_path)
                except Exception as exc:  # noqa: BLE001 - start this kernel the usual way
                    self.log.warning("forking the kernel failed (%s); starting it the usual way", exc)
                    zygote.close()
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                prov = self.provisioner
                prov.process, prov.pid, prov.pgid, prov.cwd = ChildProcess(pid), pid, pid, cwd
                self.forked = True
                self._reconcile_connection_info(prov.connection_info)

        _KM_CLASS = RunnerKernelManager
    return _KM_CLASS


_KM_CLASS = None


def kernel_prefix(kernel_name: str) -> list[str] | None:
    """The interpreter and its flags of ``kernel_name``'s command, if it is ``... -m
    ipykernel_launcher ...`` (only such kernels can be forked)."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv = list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    for i in range(len(argv) - 1):
        if tuple(argv[i:i + 2]) == LAUNCHER:
            return argv[:i] if i >= 1 else None
    return None
