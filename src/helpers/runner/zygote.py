"""The kernel zygote's own program (see :mod:`helpers.runner.kernelfork` for why and how).

Started by a worker as ``<the kernel's interpreter and flags> .../runner/zygote.py`` — by
path, not with ``-m``, so that no project module (not even ``helpers.runner``) is imported
into it: a kernel forked from here imports the project itself, with its run's environment.
This file therefore imports only the standard library.

    preload PRELOAD ──► (with TURKU_WORKBOOKS_ZYGOTE_WARM=1: warmup.py's zygote_warm(), loaded
    by path: pandas as in a kernel, the workbooks' modules, the parsed snapshot, fonts)
    ──► "ready" ──► for each request line {args, env, cwd, out}:
        fork an intermediate ──► it forks the kernel and exits (the kernel is re-parented to
        the worker, a child subreaper) ──► the kernel resets what a new process has fresh
        and runs ipykernel's IPKernelApp ──► reply {"pid": ...}
"""

from __future__ import annotations

# (run by path, sys.path[0] is this directory until main() removes it: the standard-library
# modules imported here must not share a name with a module of helpers/runner/)
import contextlib
import gc
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

#: imported once by the zygote. Only libraries that do not look at their surroundings when
#: imported: pandas decides at import whether it runs in a Jupyter kernel (its
#: ``display.max_columns`` is 20 there, "fit the terminal" elsewhere), so pandas — and
#: everything that imports it (geopandas, pyogrio) — is imported by
#: each kernel itself (the pre-started kernel does it ahead, see helpers.runner.kernels).
#: Not helpers.* either: project modules are imported per kernel, with the run's
#: environment. matplotlib.pyplot does not load the inline backend at import, so IPython's
#: matplotlib integration is set up in each kernel as usual.
#: ``ipykernel.debugger`` (debugpy and its pydevd, ~0.1 CPU s) is what every kernel imports
#: while it initialises; its import-time state is put back as a new kernel would have it (see
#: ``_as_a_new_kernel_after_io`` and ``PRELOAD_ENV``).
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython", "numpy", "matplotlib",
    "matplotlib.pyplot", "shapely", "pyproj", "PIL.Image",
)
#: must not be imported by the zygote (see PRELOAD); if one is, no kernel is forked —
#: unless the warm-up imported it on purpose, as a kernel would (helpers/runner/warmup.py)
CONTEXT_SENSITIVE = ("pandas",)
WARM_ENV = "TURKU_WORKBOOKS_ZYGOTE_WARM"
WARMUP_PROGRAM = "warmup.py"
LAUNCHER = ("-m", "ipykernel_launcher")
READY = "ready"
#: environment variables the preloading set (filled by main)
PRELOAD_ENV: dict[str, str] = {}
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def prctl(option: int, value: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except Exception:  # noqa: BLE001
        return False


def main() -> None:  # pragma: no cover - runs in its own process (tested through runs)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # dies with its worker
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and sys.path[0] in ("", os.getcwd(), here):
        del sys.path[0]  # as ipykernel_launcher does; IPython puts '' back in the kernel
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # stray prints go to the zygote's log, never into the reply pipe
    failed = []
    env_before = dict(os.environ)
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception as exc:  # noqa: BLE001 - a kernel imports it itself then
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    for line in failed:
        print(f"kernelfork: not preloaded: {line}", file=sys.stderr, flush=True)
    warmed = False
    if os.environ.get(WARM_ENV) == "1":
        try:
            summary = _load(os.path.join(here, WARMUP_PROGRAM)).zygote_warm()
            warmed = True
            print(f"kernelfork: warmed {summary}", file=sys.stderr, flush=True)
        except Exception as exc:  # noqa: BLE001 - then no kernel is forked from this zygote
            replies.write(json.dumps({"error": f"warm-up failed: {type(exc).__name__}: {exc}"}) + "\n")
            os._exit(1)
    leaked = [] if warmed else [m for m in CONTEXT_SENSITIVE if m in sys.modules]
    if leaked:  # a kernel forked from here would not behave like a new one
        replies.write(json.dumps({"error": f"preloading imported {', '.join(leaked)}"}) + "\n")
        os._exit(1)
    # variables an import set for itself when they were not set (debugpy: PYDEVD_USE_FRAME_EVAL);
    # a kernel's environment is replaced by its run's, and a new kernel's imports would set them
    PRELOAD_ENV.update((k, v) for k, v in os.environ.items() if k not in env_before)
    # Everything the zygote holds now lives as long as each kernel forked from it: out of the
    # cyclic garbage collector's reach (gc.freeze), a kernel's full collections skip the
    # preloaded heap — ~0.1 s each — and do not write to (copy) its pages; the collector runs
    # as usual on what the kernel allocates itself. Outputs do not change (test_warm_kernels).
    gc.collect()
    gc.freeze()
    replies.write(json.dumps({READY: True, "pid": os.getpid()}) + "\n")
    for line in requests:
        try:
            request = json.loads(line)
            pid = _fork_kernel(request, [requests.fileno(), replies.fileno(), devnull])
            replies.write(json.dumps({"pid": pid}) + "\n")
        except Exception as exc:  # noqa: BLE001
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
    os._exit(0)


def _load(path: str):  # pragma: no cover - runs in the zygote
    """A module by its file path, without importing the package around it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("turku_workbooks_zygote_warmup", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
        for key, value in PRELOAD_ENV.items():
            os.environ.setdefault(key, value)
        import random

        random.seed()  # (Python also re-seeds after fork; numpy does not)
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()
        import tempfile

        tempfile.tempdir = None
        import importlib.util

        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["args"]]
        from ipykernel import kernelapp

        _as_a_new_kernel_after_io(kernelapp.IPKernelApp)
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


def _as_a_new_kernel_after_io(app_class) -> None:  # pragma: no cover - runs in a forked kernel
    """What a preloaded module took from the process when it was imported, taken again where a
    new kernel imports it: after ``IPKernelApp.init_io`` has replaced the standard streams.

    debugpy's log to stderr (``debugpy.common.log.stderr``; warnings and errors, written only
    while a debugger is attached) keeps the ``sys.stderr`` of its import: the zygote's log
    here, the kernel's own stderr stream in a new kernel, which imports debugpy in
    ``init_kernel``, right after ``init_io``."""
    log = sys.modules.get("debugpy.common.log")
    if log is None or not hasattr(log, "stderr"):
        return
    init_io = app_class.init_io

    def init_io_then_rebind(self, *args, **kwargs):
        result = init_io(self, *args, **kwargs)
        log.stderr.file = sys.stderr
        return result

    app_class.init_io = init_io_then_rebind


if __name__ == "__main__":  # pragma: no cover
    main()
