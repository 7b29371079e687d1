"""One run, on a worker: execute the notebook, then everything a reader gets from it.

    execute_job(job, ctx)
      1. papermill runs the notebook in a kernel from ``ctx`` (forked, maybe pre-started);
         a kernel start that fails on a port clash is retried
      2. the executed notebook is read back, scrubbed (:mod:`helpers.runner.scrub`) and a
         failure is located: the cell, its id, its ``In [n]``
      3. key figures (:func:`helpers.keyfigures.read`), thumbnail, reader and researcher HTML
         with the files they share (:mod:`helpers.runner.render`)
      4. the run's log is scrubbed; a :class:`RunResult` is returned — never an exception

Every file goes into ``job.out_dir`` (the set's staging directory, or a Dask worker's temp
dir): ``<slug>.ipynb``, ``.html``, ``.code.html``, ``.thumb.png``, ``.log``, and the
directories ``<slug>.files/`` (figures) and ``<slug>.data/`` (CSV downloads and their index).
A failed run's ``error`` always has one shape (:func:`run_error`).
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from .. import settings
from .base import now_iso
from .jobs import Job
from .kernels import KERNEL_ARGS, WorkerContext
from .pages import language
from .scrub import ANSI, Scrubber, scrub_file

log = logging.getLogger(__name__)

KERNEL_START_ATTEMPTS = 3
#: a run's files in the manifest: pages, notebook, log, thumbnail and the data index
#: (``<slug>.data/index.html``; None when the report has no data downloads)
FILE_KEYS = ("html", "code_html", "ipynb", "log", "thumb", "data")
#: messages of kernel start-up failures worth a retry (port clash, early death)
_KERNEL_START_FAILURES = (
    "Address already in use",
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond in",
    "kernel_info",
)


@dataclass
class RunResult:
    job: Job
    status: str  # "ok" | "failed"
    elapsed_s: float
    started_at: str
    finished_at: str
    attempts: int = 1
    error: dict[str, Any] | None = None
    files: dict[str, str | None] = field(default_factory=dict)
    #: the recorded key-figure entries (helpers.keyfigures.read), each with its ``text``
    key_figures: list[dict[str, Any]] = field(default_factory=list)
    thumb_size: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def record(self) -> dict[str, Any]:
        """The run's entry in the set's manifest.json (what the gallery card shows)."""
        files = {k: self.files.get(k) for k in FILE_KEYS}
        return {
            "slug": self.job.slug,
            "workbook": self.job.workbook,
            "title": self.job.title,
            "source": self.job.source,
            "parameters": [list(p) for p in self.job.display_parameters],
            "status": self.status,
            "elapsed_s": round(self.elapsed_s, 2),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "attempts": self.attempts,
            "snapshot_version": self.job.snapshot_version,
            "key_figures": [dict(e) for e in self.key_figures],
            "error": self.error,
            "files": files,
            "thumb_size": list(self.thumb_size) if self.thumb_size else None,
            "lang": run_lang(self.job),
            "group": self.job.group or self.job.slug,
            "variants": [list(v) for v in self.job.variants],
        }

    def describe_error(self) -> str:
        if not self.error:
            return ""
        e = self.error
        where = []
        if e.get("exec_count") is not None:
            where.append(f"In [{e['exec_count']}]")
        if e.get("cell") is not None:
            where.append(f"cell {e['cell']} of the executed notebook")
        if e.get("cell_id"):
            where.append(f"cell id {e['cell_id']}")
        prefix = ("at " + ", ".join(where) + ": ") if where else ""
        return prefix + str(e.get("summary", ""))


class Executor(Protocol):
    """Runs jobs; yields one :class:`RunResult` per job as each finishes (completion order),
    calling :func:`execute_job` for each somewhere (local workers, a Dask cluster)."""

    workers: int

    def run(self, jobs: Sequence[Job]) -> Iterator[RunResult]: ...


def run_error(ename: str | None, evalue: Any, *, exec_count: int | None = None,
              summary: str | None = None) -> dict[str, Any]:
    """The error of a failed run (manifest, gallery card, summary table). ``cell`` and
    ``cell_id`` are filled in once the executed notebook shows where it failed; ``summary``
    defaults to ``"<ename>: <evalue>"`` on one line."""
    evalue = "" if evalue is None else str(evalue)
    return {"cell": None, "cell_id": None, "exec_count": exec_count, "ename": ename, "evalue": evalue,
            "summary": _summary(ename, evalue) if summary is None else summary}


def _summary(ename: str | None, evalue: str | None, limit: int = 400) -> str:
    text = ANSI.sub("", f"{ename or 'Error'}: {evalue or ''}".strip())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ============================================================================ the pipeline


def execute_job(job: Job, ctx: WorkerContext, *, execute=None, more: bool = True) -> RunResult:
    """Run one workbook and write its files into ``job.out_dir``; never raises (a failure is
    a failed :class:`RunResult`).

    ``more``: another run may follow on this worker, so its kernel is pre-started now
    (when ``ctx.prewarm``). ``execute`` replaces ``papermill.execute_notebook`` (tests);
    the runner then leaves kernels to it."""
    out, slug = Path(job.out_dir), job.slug
    ipynb, log_path = out / f"{slug}.ipynb", out / f"{slug}.log"
    files: dict[str, str | None] = dict.fromkeys(FILE_KEYS)
    files["log"] = log_path.name
    started, started_at = time.time(), now_iso()
    scrubber = ctx.scrubber_for(job)
    figures: list[dict[str, Any]] = []
    thumb_size = None
    with ctx.capture(log_path) as fh:
        log.info("run %s: workbook %s from %s (worker %s)", slug, job.workbook, job.source, ctx.worker_id)
        for name, value in job.values or job.display_parameters:
            log.info("  parameter %s = %s", name, value)
        error, attempts = _execute(job, ctx, ipynb, fh, execute=execute, more=more)
        nb = _read_back(ipynb)
        if nb is not None:
            nb = _save_scrubbed(nb, job, ipynb, scrubber, error)
            files["ipynb"] = ipynb.name
            figures = _key_figures(nb, run_lang(job, nb))
            thumb_size = _thumbnail(nb, out / f"{slug}.thumb.png", files)
            error = _render(nb, job, ctx, out, files, error)
        if error:
            error["summary"] = scrubber.text(error["summary"])
            error["evalue"] = scrubber.text(error["evalue"])
            log.error("run %s FAILED: %s", slug, error["summary"])
        else:
            log.info("run %s finished", slug)
        fh.flush()
    scrub_file(log_path, scrubber)
    return RunResult(job=job, status="failed" if error else "ok", elapsed_s=time.time() - started,
                     started_at=started_at, finished_at=now_iso(), attempts=attempts, error=error,
                     files=files, key_figures=figures, thumb_size=thumb_size)


def _execute(job: Job, ctx: WorkerContext, ipynb: Path, fh: TextIO, *, execute, more: bool
             ) -> tuple[dict[str, Any] | None, int]:
    """Step 1: papermill, with kernels from ``ctx``; (error or None, attempts).

    The kernel is launched first: while it boots in its own process, the worker does its
    own first-run set-up (:meth:`WorkerContext.warm_up`: papermill, the report renderer, a
    throw-away page), which a one-report run otherwise waited for before and after its
    kernel (benchmarks/README.md, issue 14)."""
    managed = execute is None  # the runner starts (and pre-starts) the kernels itself
    os.environ[settings.SCHEMA_ENV] = job.schema_file  # before any kernel of this run starts
    error = None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        kernel = None
        try:
            kernel_args: dict[str, Any] = {}
            if managed:
                # a retry never reuses a pre-started kernel (it may be the one that clashed)
                kernel = ctx.kernel_for(job, allow_warm=attempt == 1, more=more)
                kernel_args["km"] = kernel.km
                if more and attempt == 1:
                    ctx.prestart(job)  # boots (and imports) while this run executes
                ctx.warm_up()
            import papermill as pm

            from . import engine  # (papermill: imported by the worker, not by the runner's parent)

            engine.register()
            (execute or pm.execute_notebook)(
                job.notebook, str(ipynb), parameters=dict(job.parameters), kernel_name=job.kernel_name,
                cwd=job.cwd, progress_bar=False, log_output=True,
                # nbclient's timeout is whole seconds (a float is a TraitError): round up
                execution_timeout=None if job.timeout is None else math.ceil(job.timeout),
                extra_arguments=list(KERNEL_ARGS),
                # every output is in hand when the last cell ends; the polite shutdown
                # (interrupt, shutdown_request, wait) intermittently cost ~3.5 s per run
                shutdown_kernel="immediate",
                engine_name=engine.ENGINE_NAME,  # fewer notebook saves (helpers.runner.engine)
                **kernel_args,
            )
            return None, attempt
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
            from papermill.exceptions import PapermillExecutionError

            if isinstance(exc, PapermillExecutionError):
                return run_error(exc.ename, exc.evalue, exec_count=exc.exec_count), attempt
            error = run_error(type(exc).__name__, str(exc))
            if not _is_kernel_start_failure(exc) or attempt == KERNEL_START_ATTEMPTS:
                return error, attempt
            log.warning("kernel start failed (%s); retrying (attempt %d of %d)",
                        error["summary"], attempt + 1, KERNEL_START_ATTEMPTS)
            ipynb.unlink(missing_ok=True)
            if kernel is not None:
                ctx.stop_kernel(kernel, fh)
                kernel = None
            time.sleep(random.uniform(0.2, 1.0) * attempt)
        finally:
            if kernel is not None:
                ctx.stop_kernel(kernel, fh)
    return error, KERNEL_START_ATTEMPTS


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in _KERNEL_START_FAILURES)


def _read_back(ipynb: Path):
    import nbformat

    if not ipynb.is_file():
        return None
    try:
        return nbformat.read(ipynb, as_version=4)
    except Exception as exc:  # noqa: BLE001
        log.error("could not read the executed notebook back: %s", exc)
        return None


def _save_scrubbed(nb, job: Job, ipynb: Path, scrubber: Scrubber, error: dict[str, Any] | None):
    """Step 2: the published notebook — scrubbed, a failure recorded and located."""
    import nbformat

    nb = scrubber.notebook(nb, input_path=job.source, output_path=f"{job.set_name}/{ipynb.name}")
    if error is not None:
        if _failing_cell(nb) is None:
            _mark_unrecorded_failure(nb, error)
        where = _failing_cell(nb)
        if where:
            error.update({k: where[k] for k in ("cell", "cell_id", "exec_count")})
    tmp = ipynb.with_name(ipynb.name + ".tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, ipynb)
    return nb


def _failing_cell(nb) -> dict[str, Any] | None:
    """Where the first error output is in the saved notebook: 1-based position, id, In [n]."""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return {"cell": i + 1, "cell_id": cell.get("id"), "exec_count": cell.get("execution_count")}
    return None


def _mark_unrecorded_failure(nb, error: dict[str, Any]) -> None:
    """A failure papermill did not write into the notebook (a cell timeout, a dying kernel):
    record it on the cell that was running, with papermill's markers pointing at it."""
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    started = [i for i, c in enumerate(nb.cells)
               if c.get("cell_type") == "code" and (c.metadata.get("papermill") or {}).get("start_time")]
    if not started:
        return
    index = started[-1]
    cell = nb.cells[index]
    ename, evalue = error.get("ename") or "Error", str(error.get("evalue") or "")
    cell.setdefault("outputs", []).append(nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue,
        traceback=[f"{ename}: {evalue}", "(recorded by the turku-workbooks runner: the run stopped in this cell)"]))
    if not any(ERROR_MARKER_TAG in c.metadata.get("tags", []) for c in nb.cells):
        anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
        top = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(cell.get("execution_count")))
        for marker in (anchor, top):
            marker.metadata["tags"] = [ERROR_MARKER_TAG]
        nb.cells.insert(index, anchor)
        nb.cells.insert(0, top)


def _key_figures(nb, lang: str = "en") -> list[dict[str, Any]]:
    """Step 3a: the recorded entries, headline first, each with its ``text`` formatted in the
    run's language (1 234,5 on a Finnish or Swedish card, 1,234.5 on an English one)."""
    from .. import keyfigures  # (pandas: imported by the worker, not by the runner's parent)

    try:
        entries = keyfigures.headline_first(keyfigures.read(nb))
    except Exception as exc:  # noqa: BLE001 - a report without readable figures is still a report
        log.warning("key figures unreadable: %s", exc)
        return []
    return [dict(e, text=keyfigures.text_of(e, lang)) for e in entries]


def _thumbnail(nb, dest: Path, files: dict[str, str | None]) -> tuple[int, int] | None:
    """Step 3b: the first figure, small (None when there is none)."""
    from .render import write_thumbnail

    try:
        size = write_thumbnail(nb, dest)
    except Exception as exc:  # noqa: BLE001
        log.warning("no thumbnail: %s", exc)
        return None
    if size:
        files["thumb"] = dest.name
    return size


def _render(nb, job: Job, ctx: WorkerContext, out: Path, files: dict[str, str | None],
            error: dict[str, Any] | None) -> dict[str, Any] | None:
    """Step 3c: reader and researcher HTML, the figure files and data downloads they link;
    a rendering failure fails a run that had none."""
    context = {
        "slug": job.slug, "title": job.title, "source": job.source,
        "parameters": list(job.display_parameters), "snapshot_version": job.snapshot_version,
        "generated_at": now_iso(), "status": "failed" if error else "ok",
        "lang": run_lang(job, nb), "variants": list(job.variants),
    }
    try:
        rendered = ctx.renderer.render(nb, context)
        written = rendered.write(out)
    except Exception as exc:  # noqa: BLE001
        log.exception("rendering HTML failed")
        if error is None:
            name = type(exc).__name__
            return run_error(name, str(exc), summary="rendering HTML failed: " + _summary(name, str(exc)))
        return error
    files.update(written)
    log.info("pages: %d figure(s) in %s.files/, %d data download(s) in %s.data/",
             rendered.figures, job.slug, len(rendered.downloads), job.slug)
    if rendered.missing_alt:
        log.warning("%d of %d figure(s) had no alt text in their output metadata; the page uses "
                    "the figure's title (or its place) instead", rendered.missing_alt, rendered.figures)
    for problem in rendered.problems:
        log.warning("%s", problem)
    return error


def run_lang(job: Job, nb=None) -> str:
    """The language of a run's pages: its ``lang`` parameter (given, else the workbook's
    default as shown, else what papermill injected) when it is a language tag, else "en"."""
    value = job.parameters.get("lang") or job.lang
    if not value and nb is not None:
        value = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters", {}).get("lang")
    return language(value)


# ============================================================================ a run that never came back


def crashed_result(job: Job, reason: str, started: float | None = None, *, ename: str = "WorkerDied") -> RunResult:
    """The result of a run whose worker died (or refused it): the reason appended to its
    log, its partial notebook kept, both scrubbed."""
    import nbformat

    now = time.time()
    started = started or now
    out = Path(job.out_dir) if job.out_dir else None
    files: dict[str, str | None] = dict.fromkeys(FILE_KEYS)
    if out is not None and out.is_dir():
        scrubber = Scrubber.for_this_machine({job.reports_dir: "<reports>"} if job.reports_dir else None)
        log_path = out / f"{job.slug}.log"
        try:
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write(f"{time.strftime('%H:%M:%S')} ERROR {__package__}: {reason}\n")
            scrub_file(log_path, scrubber)
            files["log"] = log_path.name
        except OSError:
            pass
        ipynb = out / f"{job.slug}.ipynb"
        if ipynb.is_file():
            try:
                nb = scrubber.notebook(nbformat.read(ipynb, as_version=4), input_path=job.source,
                                       output_path=f"{job.set_name}/{ipynb.name}")
                nbformat.write(nb, ipynb)
                files["ipynb"] = ipynb.name
            except Exception:  # noqa: BLE001 - a half-written notebook is not worth keeping
                ipynb.unlink(missing_ok=True)
    return RunResult(job=job, status="failed", elapsed_s=now - started, started_at=now_iso(),
                     finished_at=now_iso(), error=run_error(ename, reason, summary=reason), files=files)
