"""One worker's state: private directories, the report renderer, and its kernels.

Parallel runs do not collide (papermill#239, #511): every worker has its own IPYTHONDIR,
MPLCONFIGDIR, JUPYTER_RUNTIME_DIR and TMPDIR (kernel connection files) in a temporary
directory, removed when the worker closes (and by the parent if the worker is killed);
kernels run with IPython history off.

The runner starts kernels itself (papermill gets the running kernel): each is forked from
the worker's kernel zygote (:mod:`helpers.runner.kernelfork`) when it can be, and with
``prewarm`` on the kernel for the *next* run is started — and the workbooks' imports done in
it (:func:`warm_line`) — while the current run executes, so a run no longer waits for a
kernel to boot and import pandas/geopandas/matplotlib. A kernel's own stdout/stderr go to
a file that is appended to the log of the run that used it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import zmq

from .. import settings
from . import kernelfork
from .jobs import Job, slugify
from .scrub import Scrubber
from .warmup import WARM_LIBRARIES, WORKBOOK_PACKAGE
from .zygote import WARM_ENV

if TYPE_CHECKING:
    from .render import ReportRenderer

#: manager-side CurveZMQ keys when libzmq has curve and the kernelspec declares it
_ENCRYPTION = "auto" if zmq.has("curve") else "disabled"

log = logging.getLogger(__name__)

KERNEL_ARGS = ("--HistoryManager.enabled=False", "--HistoryManager.hist_file=:memory:")
#: how long a worker's second kernel waits for the zygote to finish warming up (about 2 s on
#: an idle machine) before it starts the usual way after all
ZYGOTE_WAIT_S = 60.0

#: third-party modules the next kernel imports while the current report runs: what every
#: workbook imports — whatever the kernel zygote has not imported already. Then every module of
#: :data:`WORKBOOK_PACKAGE` (found with ``pkgutil`` inside the kernel, never named here).
#: Only sys.modules is warmed: the notebook's namespace stays empty, so a notebook that
#: forgets an import still fails.
#: (the same lists the kernel zygote's warm-up imports: helpers.runner.warmup)
_WARM_CODE = """\
import importlib, pkgutil
for m in {libraries!r}:
    try: importlib.import_module(m)
    except Exception: pass
try: pkg = importlib.import_module({package!r})
except Exception: pkg = None
for info in pkgutil.walk_packages(getattr(pkg, "__path__", []), {package!r} + ".", onerror=lambda name: None):
    try: importlib.import_module(info.name)
    except Exception: pass
"""


def warm_line() -> str:
    """One IPython startup line that imports :data:`WARM_LIBRARIES` and every submodule of
    :data:`WORKBOOK_PACKAGE` (if the package exists) into a throw-away namespace; a module
    that fails to import is skipped. Startup lines run with store_history=False, so the
    notebook's execution counts still start at 1."""
    code = _WARM_CODE.format(libraries=tuple(WARM_LIBRARIES), package=WORKBOOK_PACKAGE)
    return f"exec({code!r}, {{}})"


@dataclass
class Kernel:
    key: tuple
    km: Any  # a kernelfork.kernel_manager_class() instance
    out_path: Path
    out: Any  # the file the kernel's stdout/stderr go to
    warm: bool


class WorkerContext:
    """Per-worker state. A warm kernel is used only by a run with the same kernel name,
    working directory and schema (its environment is fixed at start)."""

    def __init__(self, worker_id: int = 0, tmp: str | os.PathLike | None = None, *,
                 prewarm: bool | None = None, fork: bool | None = None, redirect_fds: bool = True):
        self.worker_id = worker_id
        self.prewarm = settings.flag(settings.PREWARM_ENV, True) if prewarm is None else bool(prewarm)
        self.fork = settings.flag(settings.FORK_ENV, True) if fork is None else bool(fork)
        self.redirect_fds = redirect_fds
        self._warm: Kernel | None = None
        self._zygotes: dict[str, Any] = {}
        self._zygote_starts = 0
        self._kernels_started = 0
        self._fork_next: str | None = None  # the kernel whose warming zygote the next run waits for
        self.tmp = Path(tmp) if tmp else Path(tempfile.mkdtemp(prefix=f"turku-workbooks-w{worker_id}-"))
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.system_tmp = tempfile.gettempdir()
        # TMPDIR too: nbclient writes kernel connection files with tempfile, and kernels
        # inherit it, so whatever a run leaves behind goes when the worker's dir goes
        for var, sub in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("TMPDIR", "tmp")):
            d = self.tmp / sub
            d.mkdir()
            os.environ[var] = str(d)
        tempfile.tempdir = None  # re-read TMPDIR
        profile = self.tmp / "ipython" / "profile_default"
        profile.mkdir(parents=True)
        (profile / "ipython_kernel_config.py").write_text(
            "c.HistoryManager.enabled = False\nc.HistoryManager.hist_file = ':memory:'\n", encoding="utf-8"
        )
        _seed_matplotlib_cache(self.tmp / "matplotlib")
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
        self._renderer: ReportRenderer | None = None
        self._warmed = False

    @property
    def renderer(self) -> ReportRenderer:
        """The worker's one report renderer (built on first use)."""
        if self._renderer is None:
            from .render import ReportRenderer  # (nbconvert: after the first kernel's launch)

            self._renderer = ReportRenderer()
        return self._renderer

    def warm_up(self) -> None:
        """The worker's own first-run set-up, once: papermill's import, the report renderer
        and one throw-away rendering (:meth:`ReportRenderer.warm_up`). The runner calls it
        right after launching the worker's first kernel, so it happens while that kernel
        boots instead of before it and after it (a one-report run: ~0.4 s before the
        kernel, ~0.35 s after it). A failure here is left to the run itself to report."""
        if self._warmed:
            return
        self._warmed = True
        try:
            import papermill  # noqa: F401

            self.renderer.warm_up()
        except Exception as exc:  # noqa: BLE001 - the run reports what really fails
            log.debug("warm-up skipped: %s", exc)

    def scrubber_for(self, job: Job) -> Scrubber:
        extra = {str(self.tmp): "<tmp>", self.system_tmp: "<tmp>"}
        if job.reports_dir:
            extra[job.reports_dir] = "<reports>"
        return Scrubber.for_this_machine(extra)

    def close(self, *, graceful: bool = True) -> None:
        """Stop the pre-started kernel and the zygotes, remove the private dir.
        ``graceful=False`` (from a signal handler, maybe inside the kernel client's event
        loop): only kill processes, never wait on the event loop."""
        if self._warm is not None:
            with contextlib.suppress(Exception):
                if graceful:
                    self.stop_kernel(self._warm)
                else:
                    os.kill(self._warm.km.provisioner.pid, signal.SIGKILL)
            self._warm = None
        for zygote in self._zygotes.values():
            if zygote is not None:
                zygote.close()
        self._zygotes.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------------ kernels

    @staticmethod
    def kernel_key(job: Job) -> tuple:
        return (job.kernel_name, job.cwd, job.schema_file)

    def zygote(self, kernel_name: str) -> kernelfork.Zygote | None:
        """This worker's kernel zygote for ``kernel_name`` (started on first use), or None."""
        if not self.fork or not kernelfork.supported():
            return None
        if kernel_name in self._zygotes:
            zygote = self._zygotes[kernel_name]
            if zygote is None or zygote.alive():
                return zygote  # None: this kernel cannot be forked (or its zygote kept dying)
            zygote.close()
            log.warning("the kernel zygote for %s died; starting another", kernel_name)
        self._zygote_starts += 1
        zygote = None
        if self._zygote_starts <= 3:
            try:
                prefix = kernelfork.kernel_prefix(kernel_name)
                if prefix:
                    env = dict(os.environ, **({WARM_ENV: "1"} if self.prewarm else {}))
                    zygote = kernelfork.Zygote(prefix, self.tmp / f"zygote-{slugify(kernel_name)}.log", env=env)
            except Exception as exc:  # noqa: BLE001 - kernels are then started the usual way
                log.warning("no kernel zygote for %s: %s", kernel_name, exc)
        self._zygotes[kernel_name] = zygote
        return zygote

    def _ready_zygote(self, job: Job, more: bool, wait: float = 0) -> kernelfork.Zygote | None:
        """The zygote to fork this kernel from, if it is ready within ``wait`` seconds. It is
        started (and warms up in its own process) once a worker is to run more than one
        report; the worker's first kernel starts the usual way rather than wait for it. A
        worker with one report never starts one (it would only pay the warm-up)."""
        if not more and job.kernel_name not in self._zygotes:
            return None
        zygote = self.zygote(job.kernel_name)
        try:
            return zygote if zygote is not None and zygote.ready(wait) else None
        except RuntimeError as exc:
            log.warning("the kernel zygote is not usable (%s); kernels start the usual way", exc)
            zygote.close()
            self._zygotes[job.kernel_name] = None
            return None

    def start_kernel(self, job: Job, *, warm: bool = False, more: bool = True, wait_for_zygote: float = 0) -> Kernel:
        """Launch a kernel for ``job`` (returns at once; it boots in the background).
        ``more``: another kernel will follow on this worker (so a zygote pays);
        ``wait_for_zygote``: seconds to wait for a warming zygote before starting the usual way."""
        from jupyter_core.utils import run_sync

        self._kernels_started += 1
        out_path = self.tmp / f"kernel-{self._kernels_started}.out"
        out = open(out_path, "wb")
        # CurveZMQ transport encryption where the kernelspec declares it ("auto"): the runner's
        # kernels are encrypted even on loopback
        zygote = self._ready_zygote(job, more, wait_for_zygote)
        km = kernelfork.kernel_manager_class()(kernel_name=job.kernel_name, zygote=zygote,
                                               out_path=str(out_path), transport_encryption=_ENCRYPTION)
        extra = list(KERNEL_ARGS) + ([f"--IPKernelApp.exec_lines={warm_line()}"] if warm else [])
        try:
            run_sync(km.start_kernel)(extra_arguments=extra, cwd=job.cwd, stdout=out, stderr=out)
        except BaseException:
            out.close()
            raise
        return Kernel(self.kernel_key(job), km, out_path, out, warm)

    def kernel_for(self, job: Job, *, allow_warm: bool = True, more: bool = True) -> Kernel:
        """The pre-started kernel if it fits ``job`` and is alive, else a new one."""
        from jupyter_core.utils import run_sync

        warm, self._warm = self._warm, None
        if warm is not None:
            alive = False
            with contextlib.suppress(Exception):
                alive = run_sync(warm.km.is_alive)()
            if allow_warm and alive and warm.key == self.kernel_key(job):
                return warm
            self.stop_kernel(warm)
        waited_for, self._fork_next = self._fork_next, None
        if waited_for == job.kernel_name:  # no kernel was pre-started: fork one once the zygote is ready
            return self.start_kernel(job, warm=self.prewarm, more=more, wait_for_zygote=ZYGOTE_WAIT_S)
        # the worker's first kernel does the workbooks' imports at start-up, while the worker
        # does its own first-run set-up (warm_up) instead of waiting for it
        return self.start_kernel(job, warm=self.prewarm and not self._warmed, more=more)

    def prestart(self, job: Job) -> None:
        """Start the kernel for the next run (assumed to be like ``job``) now, unless the
        worker's zygote is still warming up: a kernel started the usual way would repeat that
        warm-up (about 2 CPU s, more than a report's own work), so the next run forks its
        kernel instead, waiting for the zygote if it must (``kernel_for``)."""
        if self.prewarm and self._warm is None and self._zygote_warming(job.kernel_name):
            self._fork_next = job.kernel_name
            return
        if self.prewarm and self._warm is None:
            try:
                self._warm = self.start_kernel(job, warm=True)
            except Exception as exc:  # noqa: BLE001 - the next run starts its own kernel
                log.warning("could not pre-start the next kernel: %s", exc)

    def _zygote_warming(self, kernel_name: str) -> bool:
        zygote = self._zygotes.get(kernel_name)
        try:
            return zygote is not None and zygote.warming()
        except RuntimeError:  # not usable: the next start finds out and starts the usual way
            return False

    def stop_kernel(self, kernel: Kernel, log_fh: TextIO | None = None) -> None:
        """Kill the kernel at once (every output is in hand by then; the polite shutdown
        intermittently cost ~3.5 s), close its clients, append its output to ``log_fh``."""
        from jupyter_core.utils import run_sync

        kernel.km.close_clients()
        with contextlib.suppress(Exception):
            run_sync(kernel.km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(kernel.km.cleanup_resources)()
        with contextlib.suppress(Exception):
            kernel.out.close()
        if log_fh is not None:
            with contextlib.suppress(OSError):
                text = kernel.out_path.read_text(encoding="utf-8", errors="replace")
                if text.strip():
                    log_fh.write(text if text.endswith("\n") else text + "\n")
        with contextlib.suppress(OSError):
            kernel.out_path.unlink()

    # ------------------------------------------------------------------ the run's log

    @contextlib.contextmanager
    def capture(self, log_path: Path):
        """Send this run's output — papermill's log, kernel stderr, warnings — to its log."""
        fh = open(log_path, "a", encoding="utf-8", buffering=1)
        handler = logging.StreamHandler(fh)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        # (the runner's modules log to children of the helpers.runner logger)
        loggers = [logging.getLogger("papermill"), logging.getLogger("traitlets"), logging.getLogger(__package__)]
        saved_levels = [lg.level for lg in loggers]
        for lg in loggers:
            lg.addHandler(handler)
            lg.setLevel(logging.INFO)
        sys.stdout.flush()
        sys.stderr.flush()
        saved_fds = [os.dup(1), os.dup(2)] if self.redirect_fds else []
        if saved_fds:
            os.dup2(fh.fileno(), 1)
            os.dup2(fh.fileno(), 2)
        try:
            yield fh
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            if saved_fds:
                os.dup2(saved_fds[0], 1)
                os.dup2(saved_fds[1], 2)
            for fd in saved_fds:
                os.close(fd)
            for lg, level in zip(loggers, saved_levels):
                lg.removeHandler(handler)
                lg.setLevel(level)
            fh.close()


def _seed_matplotlib_cache(dest: Path) -> None:
    """Copy the user's matplotlib font cache so a fresh MPLCONFIGDIR starts warm."""
    src = os.environ.get("MPLCONFIGDIR")
    candidates = [Path(src)] if src else []
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    candidates.append(Path(xdg) / "matplotlib")
    for directory in candidates:
        try:
            for f in directory.glob("fontlist-*.json"):
                shutil.copy2(f, dest / f.name)
                return
        except OSError:
            continue
