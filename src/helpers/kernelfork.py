"""Fast kernel starts for the runner: kernels forked from a process that has already
imported the heavy libraries.

Every report runs in a fresh kernel. Started the usual way, each kernel is a new Python
process that imports ipykernel, then pandas, geopandas, matplotlib and — through
mapclassify — scipy.stats: about 2 s of CPU per report, more than the report itself. A
*kernel zygote* pays that once per worker: it is started with the kernel's own interpreter
and flags, imports :data:`PRELOAD`, and then forks one child per kernel. The child resets
what a new process would have fresh (signal handlers, working directory, environment,
standard streams, its own session, numpy's and Python's random state) and becomes the
kernel (``ipykernel``'s ``IPKernelApp``, the same code ``python -m ipykernel_launcher``
runs). The notebook's namespace is empty as in any new kernel; only ``sys.modules`` is
warm. What a fork cannot renew: ``str`` hash randomisation is the zygote's (the order of a
``set`` of strings is the same in every report of a worker, as with a fixed
``PYTHONHASHSEED``).

The kernel is forked twice over (zygote -> intermediate -> kernel) and the intermediate
exits, so the kernel is re-parented to the worker, which is made a *child subreaper*
(Linux ``PR_SET_CHILD_SUBREAPER``): as with a normally launched kernel, its parent is the
worker — ipykernel's parent poller, ``psutil`` children and ``os.getppid()`` in a notebook
all see the worker, and the worker reaps it.

The zygote is used only when the kernel command is ``<the zygote's interpreter and flags>
-m ipykernel_launcher ...`` and the kernel's environment equals the zygote's (but for
``JPY_*`` and ``TURKU_WORKBOOKS_*``, which the preloaded libraries do not read);
anything else (another kernel, Windows/macOS, a zygote that died) is launched the usual
way. :class:`ForkingKernelManager` is a jupyter_client ``AsyncKernelManager`` that
overrides only ``_async_launch_kernel`` (the documented hook for launching differently).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Sequence

#: imported once by the zygote. Only libraries that do not look at their surroundings when
#: imported: pandas decides at import whether it runs in a Jupyter kernel (its
#: ``display.max_columns`` is 20 there, "fit the terminal" elsewhere), so pandas — and
#: everything that imports it (geopandas, pyogrio, sklearn, mapclassify) — is imported by
#: each kernel itself (the pre-started kernel does it ahead, see helpers.runner). Not
#: helpers.* either: project modules are imported per kernel, with the run's environment.
#: matplotlib.pyplot does not load the inline backend at import, so IPython's matplotlib
#: integration is set up in each kernel as usual.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "numpy", "matplotlib", "matplotlib.pyplot",
    "scipy.stats", "shapely", "pyproj", "PIL.Image",
)
#: must not be imported by the zygote (see PRELOAD); if one is, no kernel is forked
CONTEXT_SENSITIVE = ("pandas",)
LAUNCHER = ("-m", "ipykernel_launcher")
_READY = "ready"
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _prctl(option: int, value: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except Exception:  # noqa: BLE001
        return False


#: environment variables that may differ between the zygote and a kernel forked from it:
#: jupyter_client's own, and the project's (read by helpers at call time, never at import)
_PER_KERNEL_ENV = ("JPY_", "TURKU_WORKBOOKS_")


def _fixed_env(env: dict[str, str]) -> dict[str, str]:
    """What the zygote's preloaded modules may have read at import: everything else."""
    return {k: v for k, v in env.items() if not k.startswith(_PER_KERNEL_ENV)}


# ============================================================================ the zygote


def _zygote_main() -> None:  # pragma: no cover - runs in its own process (tested through runs)
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # dies with its worker
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPython puts '' back in the kernel
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # stray prints go to the zygote's log, never into the reply pipe
    failed = []
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception as exc:  # noqa: BLE001 - a kernel imports it itself then
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    for line in failed:
        print(f"kernelfork: not preloaded: {line}", file=sys.stderr, flush=True)
    leaked = [m for m in CONTEXT_SENSITIVE if m in sys.modules]
    if leaked:  # a kernel forked from here would not behave like a new one
        replies.write(json.dumps({"error": f"preloading imported {', '.join(leaked)}"}) + "\n")
        os._exit(1)
    replies.write(json.dumps({_READY: True, "pid": os.getpid()}) + "\n")
    for line in requests:
        try:
            request = json.loads(line)
            pid = _fork_kernel(request, [requests.fileno(), replies.fileno(), devnull])
            replies.write(json.dumps({"pid": pid}) + "\n")
        except Exception as exc:  # noqa: BLE001
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
    os._exit(0)


def _fork_kernel(request: dict[str, Any], close_fds: Sequence[int]) -> int:  # pragma: no cover
    r, w = os.pipe()
    middle = os.fork()
    if middle == 0:  # the intermediate: fork the kernel and leave, so it is re-parented
        try:
            os.close(r)
            me = os.getpid()
            if os.fork() == 0:
                _become_kernel(request, w, close_fds, me)  # never returns
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        data = pipe.read()
    os.waitpid(middle, 0)
    if not data:
        raise RuntimeError("the forked kernel did not report its pid")
    return int(data)


def _become_kernel(request: dict[str, Any], report_fd: int, close_fds: Sequence[int],
                   middle: int) -> None:  # pragma: no cover
    code = 1
    try:
        os.setsid()  # its own session and process group, as jupyter_client gives a kernel
        os.write(report_fd, str(os.getpid()).encode())
        os.close(report_fd)
        for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):  # as in a new Python process
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        out = os.open(request["out"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        for fd in {out, devnull, *close_fds}:
            with contextlib.suppress(OSError):
                os.close(fd)
        deadline = time.monotonic() + 5
        while os.getppid() == middle and time.monotonic() < deadline:
            time.sleep(0.001)  # until the intermediate has gone and the worker adopted us
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        import random

        random.seed()  # (Python also re-seeds after fork; numpy does not)
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()
        import tempfile

        tempfile.tempdir = None
        import importlib.util

        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["args"]]
        from ipykernel import kernelapp

        # IPKernelApp reads JPY_PARENT_PID when its class is defined (in the zygote): the
        # parent (this worker) is given explicitly, so the kernel dies with it as usual
        kernelapp.IPKernelApp.launch_instance(request["args"], parent_handle=os.getppid())
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


# ============================================================================ the worker side


class Zygote:
    """A kernel zygote owned by one worker (not thread-safe: one worker, one zygote)."""

    def __init__(self, prefix: Sequence[str], log_path: Path, env: dict[str, str] | None = None):
        self.prefix = list(prefix)
        self.env = dict(os.environ if env is None else env)
        self.log = open(log_path, "ab")
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)  # forked kernels are re-parented to this process
        self.proc = subprocess.Popen(
            [*self.prefix, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            env=self.env, text=True, bufsize=1,
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
                if not reply.get(_READY):
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
    """An AsyncKernelManager that forks its kernel from ``self.zygote`` when it fits and
    remembers the clients it hands out (the runner closes them; nbclient does not close
    the client of a kernel it does not own)."""
    global _KM_CLASS
    if _KM_CLASS is None:
        from jupyter_client import AsyncKernelManager

        class RunnerKernelManager(AsyncKernelManager):
            zygote: Zygote | None = None
            out_path: str | None = None
            forked = False

            def client(self, **kwargs):
                kc = super().client(**kwargs)
                self.__dict__.setdefault("_twb_clients", []).append(kc)
                return kc

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


if __name__ == "__main__":  # pragma: no cover
    _zygote_main()
