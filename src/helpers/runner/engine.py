"""The runner's papermill engine: papermill's nbclient engine with fewer notebook saves.

papermill writes the whole executed notebook to disk when it starts, before and after every
cell, and at the end — 63 times for a 31-cell region profile, each a JSON dump of a notebook
that grows to ~350 KB: a third of a second of a worker's CPU per report, for files that
nothing reads while the run goes on. This engine saves when the run starts and ends (the
final save writes the same notebook, byte for byte) and in between at most every
:data:`SAVE_EVERY` seconds, so a run that hangs or is killed still leaves a recent partial
notebook for its failure card.

With ``log_output=True`` the run's log gets papermill's cell-by-cell lines and what the
cells print (stdout as INFO, stderr — warnings — as WARNING), but not the text of what they
display: tables and figures are in the notebook and the pages, and their echo was a third of
a published report's log (15.7 KB of a region profile's; 4.8 MB of the 308 municipal
profiles, issue 14). ``echo_displays=True`` logs them as papermill does.

Registered with papermill as ``turku-workbooks`` (:func:`register`); the runner passes
``engine_name=ENGINE_NAME``.
"""

from __future__ import annotations

import logging
import time

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE_NAME = "turku-workbooks"
#: at most one intermediate save in this many seconds (the first and the last always happen)
SAVE_EVERY = 5.0


class ThrottledExecutionManager(NotebookExecutionManager):
    """Saves before the first cell and at the end; between cells at most every SAVE_EVERY s."""

    def __init__(self, *args, save_every: float = SAVE_EVERY, **kwargs):
        self.save_every = save_every
        self._last_save = 0.0
        self._hold = False  # inside cell_start/cell_complete: their own save waits for the clock
        super().__init__(*args, **kwargs)

    def save(self, **kwargs):
        if self._hold and time.monotonic() - self._last_save < self.save_every:
            return None
        self._last_save = time.monotonic()
        return super().save(**kwargs)

    def cell_start(self, cell, cell_index=None, **kwargs):
        self._hold = True
        try:
            return super().cell_start(cell, cell_index, **kwargs)
        finally:
            self._hold = False

    def cell_complete(self, cell, cell_index=None, **kwargs):
        self._hold = True
        try:
            return super().cell_complete(cell, cell_index, **kwargs)
        finally:
            self._hold = False


class _StreamLog:
    """A ``stdout_file``/``stderr_file`` for papermill's client: what a cell prints, to the
    papermill logger at ``level`` (papermill's own echo uses the same logger and levels)."""

    def __init__(self, level: int):
        self.level = level
        self.log = logging.getLogger("papermill")

    def write(self, text: str) -> int:
        if text.strip():
            self.log.log(self.level, text.rstrip("\n"))
        return len(text)

    def flush(self) -> None:
        return None


class RunnerEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`ThrottledExecutionManager`; its log echoes
    what cells print, not what they display (unless ``echo_displays``)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, echo_displays=False, **kwargs):
        nb_man = ThrottledExecutionManager(nb, output_path=output_path, progress_bar=progress_bar,
                                           log_output=log_output, autosave_cell_every=autosave_cell_every)
        if log_output and not echo_displays and not (kwargs.get("stdout_file") or kwargs.get("stderr_file")):
            kwargs.update(stdout_file=_StreamLog(logging.INFO), stderr_file=_StreamLog(logging.WARNING))
            log_output = False  # the client's echo; the manager keeps its cell lines
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    papermill_engines.register(ENGINE_NAME, RunnerEngine)
    return ENGINE_NAME
