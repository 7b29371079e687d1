"""The workbooks runner: validated, parallel, unattended runs of the workbooks.

The flow, in the parent process::

    schedule / -p values ──► requests ──► plan(): validate EVERY run (helpers.params),
        name its outputs, find its notebook  ── bad input: RunnerInputError, exit 2,
        before any kernel or file exists
    plan ──► Executor.run(jobs) ──► RunResult per run (worker processes execute and render)
    results ──► helpers.gallery.publish_set(): manifest, index.html, atomic swap

Executors
---------
An executor has one method, ``run(jobs) -> iterator of RunResult`` (in completion order),
and must call :func:`execute_job` for each job somewhere. :class:`LocalExecutor` keeps N
long-lived worker processes; each imports papermill/nbconvert once, builds one
:class:`helpers.gallery.ReportRenderer` and runs many reports, each in a fresh kernel —
forked from the worker's kernel zygote (:mod:`helpers.kernelfork`) and started while the
previous report runs (:class:`WorkerContext`). A job writes its files into ``job.out_dir``
(the set's staging directory); :class:`helpers.dask_executor.DaskExecutor` runs jobs on a
Dask cluster and ships the files back with the result.

Parallel runs do not collide (papermill#239, #511): every worker has its own IPYTHONDIR,
MPLCONFIGDIR, JUPYTER_RUNTIME_DIR and TMPDIR (kernel connection files) in a temporary
directory owned by the parent, removed even if the worker is killed; kernels run with IPython
history off; a kernel start that fails on a port clash is retried; every worker dies with
the runner (PR_SET_PDEATHSIG) and takes its kernel with it.

Nothing local leaks into a published report: :class:`Scrubber` replaces the project,
virtualenv, Python, home, temp and reports directories by placeholders in the executed
notebook (sources, outputs, tracebacks, metadata — papermill's ``input_path`` /
``output_path`` become project-relative, ``environment_variables`` is dropped) and in the
logs, and blanks the values of secret-looking environment variables.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence, TextIO

import yaml

from . import gallery, params, paths

KERNEL_NAME = "turku-workbooks"
SCHEDULE_ENV = "TURKU_WORKBOOKS_SCHEDULE"
ADHOC_SET = "adhoc"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
KERNEL_START_ATTEMPTS = 3
#: messages of kernel start-up failures worth a retry (port clash, early death)
_KERNEL_START_FAILURES = (
    "Address already in use",
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond in",
    "kernel_info",
)
_SLUG_MAX = 120
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

log = logging.getLogger(__name__)


class RunnerInputError(ValueError):
    """Bad input (unknown workbook, bad parameter, bad schedule): exit code 2."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RunnerSetupError(RuntimeError):
    """The machine cannot run workbooks (e.g. the project kernel is not registered)."""


# ============================================================================ requests / schedule


@dataclass(frozen=True)
class RunRequest:
    """One run as asked for: a workbook, the parameter values given, an optional name."""

    workbook: str
    values: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None


@dataclass(frozen=True)
class SetSpec:
    name: str
    description: str
    runs: tuple[RunRequest, ...]


def schedule_file() -> Path:
    """``$TURKU_WORKBOOKS_SCHEDULE`` or ``<project>/reports/schedule.yaml``."""
    env = os.environ.get(SCHEDULE_ENV)
    return Path(env).expanduser().resolve() if env else paths.project_root() / "reports" / "schedule.yaml"


def _generate(spec: Any, where: str) -> list[Any]:
    """Values of an ``{each: ...}`` generator."""
    from . import regions

    if isinstance(spec, list):
        if not spec:
            raise RunnerInputError(f"{where}: 'each' list is empty")
        return list(spec)
    if spec == "regions":
        return [a.statfin_code for a in regions.regions()]
    if spec == "municipalities":
        return [a.statfin_code for a in regions.municipalities()]
    if isinstance(spec, Mapping) and set(spec) == {"municipalities_of"}:
        try:
            region = regions.resolve(spec["municipalities_of"])
        except regions.AreaError as exc:
            raise RunnerInputError(f"{where}: municipalities_of: {exc}") from None
        if region.kind != "region":
            raise RunnerInputError(
                f"{where}: municipalities_of needs a region; {region.label} is a {region.kind}"
            )
        return [a.statfin_code for a in regions.municipalities(region.code)]
    raise RunnerInputError(
        f"{where}: unknown generator each: {spec!r}; valid: 'regions', 'municipalities', "
        "{municipalities_of: <region>}, or a list of values"
    )


def expand_values(values: Mapping[str, Any] | None, where: str = "parameters") -> list[dict[str, Any]]:
    """Expand ``{each: ...}`` generators; several generators give every combination."""
    values = dict(values or {})
    axes: list[tuple[str, list[Any]]] = []
    for name, value in values.items():
        if isinstance(value, Mapping) and "each" in value:
            if set(value) != {"each"}:
                raise RunnerInputError(f"{where}.{name}: a generator has only the key 'each'; got {sorted(value)}")
            axes.append((name, _generate(value["each"], f"{where}.{name}")))
        else:
            axes.append((name, [value]))
    if not axes:
        return [{}]
    names = [n for n, _ in axes]
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in axes))]


def load_schedule(path: Path | str | None = None) -> dict[str, SetSpec]:
    """Every set in the schedule file, with generators expanded."""
    path = Path(path) if path else schedule_file()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise RunnerInputError(f"no schedule file at {path}") from None
    except yaml.YAMLError as exc:
        raise RunnerInputError(f"schedule {path.name} is not valid YAML: {exc}") from None
    sets_raw = raw.get("sets") if isinstance(raw, Mapping) else None
    if not isinstance(sets_raw, Mapping) or not sets_raw:
        raise RunnerInputError(f"schedule {path.name} needs a mapping 'sets: {{name: {{runs: [...]}}}}'")
    sets: dict[str, SetSpec] = {}
    problems = []
    for set_name, spec in sets_raw.items():
        try:
            gallery.check_set_name(str(set_name))
        except ValueError as exc:
            problems.append(f"schedule: {exc}")
            continue
        if not isinstance(spec, Mapping) or not isinstance(spec.get("runs"), list):
            problems.append(f"schedule set {set_name!r} needs a list 'runs'")
            continue
        runs: list[RunRequest] = []
        for i, entry in enumerate(spec["runs"]):
            where = f"set {set_name!r} run {i + 1}"
            if isinstance(entry, str):
                entry = {"workbook": entry}
            if not isinstance(entry, Mapping) or "workbook" not in entry:
                problems.append(f"{where}: needs 'workbook'")
                continue
            unknown = set(entry) - {"workbook", "parameters", "name"}
            if unknown:
                problems.append(f"{where}: unknown keys {sorted(unknown)} (valid: workbook, parameters, name)")
                continue
            if entry.get("parameters") is not None and not isinstance(entry["parameters"], Mapping):
                problems.append(f"{where}: 'parameters' must be a mapping of name: value")
                continue
            try:
                combos = expand_values(entry.get("parameters"), f"{where} parameters")
            except RunnerInputError as exc:
                problems.extend(exc.problems)
                continue
            if entry.get("name") is not None and len(combos) > 1:
                problems.append(f"{where}: 'name' cannot be used with a generator (it would repeat)")
                continue
            runs.extend(RunRequest(str(entry["workbook"]), combo, entry.get("name")) for combo in combos)
        sets[str(set_name)] = SetSpec(str(set_name), str(spec.get("description", "")).strip(), tuple(runs))
    if problems:
        raise RunnerInputError(problems)
    return sets


def get_set(name: str, path: Path | str | None = None) -> SetSpec:
    sets = load_schedule(path)
    if name not in sets:
        close = difflib.get_close_matches(name, list(sets), n=1)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise RunnerInputError(f"unknown set {name!r}{hint} (sets in the schedule: {', '.join(sets)})")
    return sets[name]


def parse_assignments(items: Iterable[str] | None) -> dict[str, str]:
    """``["area=Turku", "start_year=2015"]`` -> dict; malformed or repeated names raise."""
    out: dict[str, str] = {}
    problems = []
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(f"-p expects name=value; got {item!r}")
        elif name in out:
            problems.append(f"parameter {name!r} is given twice")
        else:
            out[name] = value
    if problems:
        raise RunnerInputError(problems)
    return out


# ============================================================================ planning


@dataclass(frozen=True)
class Job:
    """Everything a worker needs for one run (picklable, no live objects)."""

    set_name: str
    slug: str
    workbook: str
    title: str
    notebook: str  # absolute path of the source notebook
    source: str  # shown to readers: "notebooks/x.ipynb"
    cwd: str
    parameters: dict[str, Any]  # injected by papermill (explicitly given values only)
    display_parameters: tuple[tuple[str, str], ...]
    schema_file: str
    snapshot_version: str
    out_dir: str = ""
    reports_dir: str = ""
    kernel_name: str = KERNEL_NAME
    timeout: float | None = None


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
    key_figures: list[tuple[str, str]] = field(default_factory=list)
    key_figures_raw: dict[str, Any] = field(default_factory=dict)
    thumb_size: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def record(self) -> dict[str, Any]:
        """The run's entry in the set's manifest.json (what the gallery card shows)."""
        files = {k: self.files.get(k) for k in ("html", "code_html", "ipynb", "log", "thumb")}
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
            "key_figures": [list(k) for k in self.key_figures],
            "key_figures_raw": self.key_figures_raw,
            "error": self.error,
            "files": files,
            "thumb_size": list(self.thumb_size) if self.thumb_size else None,
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


def slugify(text: Any, max_len: int = 60) -> str:
    """A file-name-safe form of a parameter value: ASCII letters, digits, '.', '_', '-'."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text).strip(".-_")
    return text[:max_len].strip(".-_") or "x"


def check_run_name(name: Any) -> str:
    """An explicit run name from a schedule: used as a file name, so strictly checked."""
    if not isinstance(name, str) or not _NAME_RE.match(name) or ".." in name:
        raise RunnerInputError(
            f"run name {name!r} is not allowed: use letters, digits, '.', '_' and '-' "
            "(no path separators, no '..', at most 100 characters)"
        )
    return name


def _param_slug(value: Any) -> str:
    if hasattr(value, "statfin_code"):
        return value.statfin_code
    if isinstance(value, Path):
        return slugify(value.name)
    return slugify(value)


def _papermill_value(value: Any, cwd: Path) -> Any:
    if hasattr(value, "statfin_code"):
        return value.statfin_code
    if isinstance(value, Path):
        path = value.resolve()
        try:
            return os.path.relpath(path, cwd) if path.is_relative_to(paths.project_root()) else str(path)
        except ValueError:
            return str(path)
    return value


def _cli_value(p: params.Param, value: Any) -> Any:
    """Command-line strings: "None"/"null" mean None for parameters that allow it."""
    if isinstance(value, str) and p.nullable and value.strip() in ("None", "null", "none", ""):
        return None
    return value


def notebook_dir(schema: Path) -> Path:
    """Notebooks of the project schema live in notebooks/; another schema's next to it."""
    if Path(schema).resolve() == Path(params.SCHEMA_FILE).resolve():
        return paths.notebooks_dir()
    return Path(schema).resolve().parent


def display_source(path: Path) -> str:
    path = Path(path).resolve()
    root = paths.project_root()
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


def plan(requests: Sequence[RunRequest], set_name: str, *, timeout: float | None = None) -> list[Job]:
    """Validate every request and turn it into a :class:`Job`; one error lists every problem."""
    gallery.check_set_name(set_name)
    schema = params.active_schema_file()
    nb_dir = notebook_dir(schema)
    problems: list[str] = []
    jobs: list[Job] = []
    used: set[str] = set()
    if not requests:
        raise RunnerInputError(f"set {set_name!r} has no runs")
    for i, req in enumerate(requests):
        where = f"run {i + 1} ({req.workbook})" if len(requests) > 1 else str(req.workbook)
        try:
            book = params.get_workbook(req.workbook, schema)
        except params.UnknownWorkbookError as exc:
            problems.append(f"{where}: {exc}")
            continue
        values = {}
        for name, value in dict(req.values).items():
            try:
                values[name] = _cli_value(book.param(name), value)
            except KeyError:
                values[name] = value  # validate() reports the unknown name
        try:
            validated = params.validate(book.name, values, schema_file=schema)
        except params.ParameterError as exc:
            problems.extend(f"{where}: {p}" for p in exc.problems)
            continue
        nb_path = nb_dir / book.notebook
        if not nb_path.is_file():
            problems.append(f"{where}: the schema names {book.notebook} but there is no {display_source(nb_path)}")
            continue
        try:
            base = check_run_name(req.name) if req.name else "--".join(
                [slugify(book.name)] + [_param_slug(validated[n]) for n in book.names if n in values]
            )[:_SLUG_MAX]
        except RunnerInputError as exc:
            problems.extend(f"{where}: {p}" for p in exc.problems)
            continue
        slug, k = base, 2
        while slug.lower() in used:
            slug, k = f"{base}-{k}", k + 1
        used.add(slug.lower())
        shown = validated.as_strings()
        for p in book.parameters:
            if p.type == "path" and validated[p.name] is None:
                shown[p.name] = "pinned snapshot"
        areas = [validated[p.name] for p in book.parameters if p.type == "area"]
        title = book.title + (f" — {areas[0].label}" if areas else "")
        snapshot = next((validated[p.name] for p in book.parameters if p.type == "path" and validated[p.name]), None)
        jobs.append(Job(
            set_name=set_name,
            slug=slug,
            workbook=book.name,
            title=title,
            notebook=str(nb_path),
            source=display_source(nb_path),
            cwd=str(nb_path.parent),
            parameters={n: _papermill_value(validated[n], nb_path.parent) for n in book.names if n in values},
            display_parameters=tuple((n, shown[n]) for n in book.names),
            schema_file=str(schema),
            snapshot_version=gallery.snapshot_version(snapshot),
            timeout=timeout,
        ))
    if problems:
        raise RunnerInputError(problems)
    return jobs


def check_kernel(name: str = KERNEL_NAME) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise RunnerSetupError(
            f"the Jupyter kernel {name!r} is not registered; run `make setup` or "
            f"`.venv/bin/python -m ipykernel install --sys-prefix --name {name}`"
        ) from None


# ============================================================================ scrubbing

_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION", re.I)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Scrubber:
    """Replaces local paths and secret values in text and notebooks."""

    def __init__(self, prefixes: Mapping[str, str], secrets: Iterable[str] = ()):
        items = sorted(((str(k).rstrip("/"), v) for k, v in prefixes.items() if k and len(str(k)) > 1),
                       key=lambda kv: -len(kv[0]))
        self._labels = dict(items)
        alternatives = "|".join(re.escape(k) for k, _ in items)
        self._paths = re.compile(f"(?:{alternatives})(?![\\w-])") if items else None
        self._homes = re.compile(r"(?<![\w.])/(?:home|Users)/[^/\s\"'`:,;)\]]+")
        secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
        self._secrets = re.compile("|".join(re.escape(s) for s in secrets)) if secrets else None

    @classmethod
    def for_this_machine(cls, extra: Mapping[str, str] | None = None) -> "Scrubber":
        prefixes: dict[str, str] = {}

        def add(path: Any, label: str) -> None:
            if not path:
                return
            for variant in {str(path), os.path.realpath(str(path))}:
                if variant not in ("/", "") and variant not in prefixes:
                    prefixes[variant] = label

        add(tempfile.gettempdir(), "<tmp>")
        add(os.path.expanduser("~"), "~")
        add(sys.base_prefix, "<python>")
        add(sys.prefix, "<venv>")
        add(paths.project_root(), "<project>")
        add(paths.reports_dir(), "<reports>")
        for k, v in (extra or {}).items():
            add(k, v)
        secrets = [v for k, v in os.environ.items() if _SECRET_NAME.search(k)]
        return cls(prefixes, secrets)

    def text(self, text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        if self._secrets is not None:
            text = self._secrets.sub("<redacted>", text)
        if self._paths is not None:
            text = self._paths.sub(lambda m: self._labels[m.group(0)], text)
        return self._homes.sub("/home/<user>", text)

    def _walk(self, node: Any, key: str = "") -> Any:
        if isinstance(node, str):
            return node if key.startswith("image/") or key == "application/pdf" else self.text(node)
        if isinstance(node, list):
            return [self._walk(x, key) for x in node]
        if isinstance(node, dict):
            return type(node)((k, self._walk(v, k)) for k, v in node.items())
        return node

    def notebook(self, nb, *, input_path: str, output_path: str):
        """Scrubbed copy of an executed notebook; papermill's paths made relative."""
        import nbformat

        meta = nb.metadata.get("papermill")
        if isinstance(meta, dict):
            meta["input_path"] = input_path
            meta["output_path"] = output_path
            meta.pop("environment_variables", None)
        return nbformat.from_dict(self._walk(nb))


# ============================================================================ execution (workers)


#: modules the next kernel imports while the current report runs (see WorkerContext): what
#: every workbook imports, their slow lazy imports (mapclassify: scipy.stats, scikit-learn)
#: and the project's helpers — whatever the kernel zygote (helpers.kernelfork) has not
#: imported already. Only sys.modules is warmed: the notebook's namespace stays empty, so
#: a notebook that forgets an import still fails.
WARM_IMPORTS = (
    "numpy", "pandas", "geopandas", "matplotlib.pyplot", "mapclassify", "IPython.display",
    "helpers.params", "helpers.workbook", "helpers.snapshot", "helpers.regions", "helpers.analysis",
    "helpers.plotting", "helpers.provenance", "helpers.profiles", "helpers.clusters", "helpers.exclusion",
)
#: ``0`` turns pre-started kernels off (each run then starts its kernel when it begins)
PREWARM_ENV = "TURKU_WORKBOOKS_PREWARM"
#: ``0`` turns forked kernels off (every kernel is then a new process; see helpers.kernelfork)
FORK_ENV = "TURKU_WORKBOOKS_FORK"
_KERNEL_ARGS = ("--HistoryManager.enabled=False", "--HistoryManager.hist_file=:memory:")


def _warm_line(modules: Sequence[str]) -> str:
    """One IPython startup line that imports ``modules`` into a throw-away namespace;
    a module that fails to import is skipped. Startup lines run with store_history=False,
    so the notebook's execution counts still start at 1."""
    code = ("import importlib\nfor m in " + repr(tuple(modules)) + ":\n"
            "    try: importlib.import_module(m)\n    except Exception: pass\n")
    return f"exec({code!r}, {{}})"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "1").strip().lower() not in ("0", "false", "no", "off")


@dataclass
class _Kernel:
    key: tuple
    km: Any
    out_path: Path
    out: Any  # the file the kernel's stdout/stderr go to
    warm: bool


class WorkerContext:
    """Per-worker state: private Jupyter/IPython/matplotlib dirs, one report renderer, and
    the kernels. The runner starts kernels itself (papermill gets the running kernel): with
    ``prewarm`` on, the kernel for the *next* run is started — and :data:`WARM_IMPORTS`
    imported in it — while the current run executes, so a run no longer waits for a kernel
    to boot and import pandas/geopandas/matplotlib. A warm kernel is used only by a run with
    the same kernel name, working directory and schema (its environment is fixed at start).
    A kernel's own stdout/stderr go to a file that is appended to the log of the run that
    used it."""

    def __init__(self, worker_id: int = 0, tmp: str | os.PathLike | None = None, *,
                 prewarm: bool | None = None, fork: bool | None = None, redirect_fds: bool = True):
        self.worker_id = worker_id
        self.prewarm = _env_flag(PREWARM_ENV) if prewarm is None else bool(prewarm)
        self.fork = _env_flag(FORK_ENV) if fork is None else bool(fork)
        self.redirect_fds = redirect_fds
        self._warm: _Kernel | None = None
        self._zygotes: dict[str, Any] = {}
        self._zygote_starts = 0
        self._kernels_started = 0
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
        import nbformat  # noqa: F401  (imported once per worker)
        import papermill  # noqa: F401

        self.renderer = gallery.ReportRenderer()

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

    def zygote(self, kernel_name: str):
        """This worker's kernel zygote for ``kernel_name`` (started on first use), or None."""
        from . import kernelfork

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
                    zygote = kernelfork.Zygote(prefix, self.tmp / f"zygote-{slugify(kernel_name)}.log")
            except Exception as exc:  # noqa: BLE001 - kernels are then started the usual way
                log.warning("no kernel zygote for %s: %s", kernel_name, exc)
        self._zygotes[kernel_name] = zygote
        return zygote

    def start_kernel(self, job: Job, *, warm: bool = False) -> _Kernel:
        """Launch a kernel for ``job`` (returns at once; it boots in the background)."""
        from jupyter_core.utils import run_sync

        from . import kernelfork

        self._kernels_started += 1
        out_path = self.tmp / f"kernel-{self._kernels_started}.out"
        out = open(out_path, "wb")
        km = kernelfork.kernel_manager_class()(kernel_name=job.kernel_name)
        km.zygote, km.out_path = self.zygote(job.kernel_name), str(out_path)
        extra = list(_KERNEL_ARGS) + ([f"--IPKernelApp.exec_lines={_warm_line(WARM_IMPORTS)}"] if warm else [])
        try:
            run_sync(km.start_kernel)(extra_arguments=extra, cwd=job.cwd, stdout=out, stderr=out)
        except BaseException:
            out.close()
            raise
        return _Kernel(self.kernel_key(job), km, out_path, out, warm)

    def kernel_for(self, job: Job, *, allow_warm: bool = True) -> _Kernel:
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
        return self.start_kernel(job)

    def prestart(self, job: Job) -> None:
        """Start the kernel for the next run (assumed to be like ``job``) now."""
        if self.prewarm and self._warm is None:
            try:
                self._warm = self.start_kernel(job, warm=True)
            except Exception as exc:  # noqa: BLE001 - the next run starts its own kernel
                log.warning("could not pre-start the next kernel: %s", exc)

    def stop_kernel(self, kernel: _Kernel, log_fh: TextIO | None = None) -> None:
        """Kill the kernel at once (every output is in hand by then; the polite shutdown
        intermittently cost ~3.5 s), close its clients, append its output to ``log_fh``."""
        from jupyter_core.utils import run_sync

        for kc in kernel.km.__dict__.pop("_twb_clients", []):
            with contextlib.suppress(Exception):
                kc.stop_channels()
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

    @contextlib.contextmanager
    def capture(self, log_path: Path):
        """Send this run's output — papermill's log, kernel stderr, warnings — to its log."""
        fh = open(log_path, "a", encoding="utf-8", buffering=1)
        handler = logging.StreamHandler(fh)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        loggers = [logging.getLogger("papermill"), logging.getLogger("traitlets"), log]
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


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in _KERNEL_START_FAILURES)


def _failing_cell(nb) -> dict[str, Any] | None:
    """Where the first error output is in the saved notebook: 1-based position, id, In [n]."""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return {"cell": i + 1, "cell_id": cell.get("id"), "exec_count": cell.get("execution_count"),
                        "ename": out.get("ename"), "evalue": out.get("evalue")}
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


def _summary(ename: str | None, evalue: str | None, limit: int = 400) -> str:
    text = _ANSI.sub("", f"{ename or 'Error'}: {evalue or ''}".strip())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def execute_job(job: Job, ctx: WorkerContext, *, execute=None, more: bool = True) -> RunResult:
    """Run one workbook, write ``<slug>.ipynb/.html/.code.html/.thumb.png/.log`` into
    ``job.out_dir``; never raises (a failure is a failed :class:`RunResult`).

    ``more``: another run may follow on this worker, so its kernel is pre-started now
    (when ``ctx.prewarm``). ``execute`` replaces ``papermill.execute_notebook`` (tests);
    the runner then leaves kernels to it."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    managed = execute is None  # the runner starts (and pre-starts) the kernels itself
    execute = execute or pm.execute_notebook
    out = Path(job.out_dir)
    slug = job.slug
    ipynb = out / f"{slug}.ipynb"
    log_path = out / f"{slug}.log"
    files: dict[str, str | None] = {"ipynb": None, "html": None, "code_html": None,
                                    "log": log_path.name, "thumb": None}
    started, started_at = time.time(), gallery.now_iso()
    scrubber = ctx.scrubber_for(job)
    error: dict[str, Any] | None = None
    figures: dict[str, Any] = {}
    thumb_size = None
    attempts = 0
    with ctx.capture(log_path) as fh:
        log.info("run %s: workbook %s from %s (worker %s)", slug, job.workbook, job.source, ctx.worker_id)
        for name, value in job.display_parameters:
            log.info("  parameter %s = %s", name, value)
        os.environ[params.SCHEMA_ENV] = job.schema_file  # before any kernel of this run starts
        for attempts in range(1, KERNEL_START_ATTEMPTS + 1):
            kernel = None
            try:
                kernel_args: dict[str, Any] = {}
                if managed:
                    # a retry never reuses a pre-started kernel (it may be the one that clashed)
                    kernel = ctx.kernel_for(job, allow_warm=attempts == 1)
                    kernel_args["km"] = kernel.km
                    if more and attempts == 1:
                        ctx.prestart(job)  # boots (and imports) while this run executes
                execute(
                    job.notebook, str(ipynb), parameters=dict(job.parameters), kernel_name=job.kernel_name,
                    cwd=job.cwd, progress_bar=False, log_output=True, execution_timeout=job.timeout,
                    extra_arguments=list(_KERNEL_ARGS),
                    # every output is in hand when the last cell ends; the polite shutdown
                    # (interrupt, shutdown_request, wait) intermittently cost ~3.5 s per run
                    shutdown_kernel="immediate",
                    **kernel_args,
                )
                error = None
                break
            except PapermillExecutionError as exc:
                error = {"cell": None, "cell_id": None, "exec_count": exc.exec_count,
                         "ename": exc.ename, "evalue": exc.evalue, "summary": _summary(exc.ename, exc.evalue)}
                break
            except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
                error = {"cell": None, "cell_id": None, "exec_count": None, "ename": type(exc).__name__,
                         "evalue": str(exc), "summary": _summary(type(exc).__name__, str(exc))}
                if _is_kernel_start_failure(exc) and attempts < KERNEL_START_ATTEMPTS:
                    log.warning("kernel start failed (%s); retrying (attempt %d of %d)",
                                error["summary"], attempts + 1, KERNEL_START_ATTEMPTS)
                    ipynb.unlink(missing_ok=True)
                    if kernel is not None:
                        ctx.stop_kernel(kernel, fh)
                        kernel = None
                    time.sleep(random.uniform(0.2, 1.0) * attempts)
                    continue
                break
            finally:
                if kernel is not None:
                    ctx.stop_kernel(kernel, fh)
        nb = None
        if ipynb.is_file():
            try:
                nb = nbformat.read(ipynb, as_version=4)
            except Exception as exc:  # noqa: BLE001
                log.error("could not read the executed notebook back: %s", exc)
        if nb is not None:
            nb = scrubber.notebook(nb, input_path=job.source, output_path=f"{job.set_name}/{ipynb.name}")
            if error is not None and _failing_cell(nb) is None:
                _mark_unrecorded_failure(nb, error)
            if error is not None:
                where = _failing_cell(nb)
                if where:
                    error.update({k: where[k] for k in ("cell", "cell_id", "exec_count")})
            tmp = ipynb.with_name(ipynb.name + ".tmp")
            nbformat.write(nb, tmp)
            os.replace(tmp, ipynb)
            files["ipynb"] = ipynb.name
            try:
                figures = gallery.key_figures(nb)
            except Exception as exc:  # noqa: BLE001
                log.warning("key figures unreadable: %s", exc)
            try:
                thumb_size = gallery.write_thumbnail(nb, out / f"{slug}.thumb.png")
                if thumb_size:
                    files["thumb"] = f"{slug}.thumb.png"
            except Exception as exc:  # noqa: BLE001
                log.warning("no thumbnail: %s", exc)
            try:
                context = {
                    "slug": slug, "title": job.title, "source": job.source,
                    "parameters": list(job.display_parameters), "snapshot_version": job.snapshot_version,
                    "generated_at": gallery.now_iso(), "status": "failed" if error else "ok",
                }
                reader, code = ctx.renderer.render(nb, context)
                (out / f"{slug}.html").write_text(reader, encoding="utf-8")
                (out / f"{slug}.code.html").write_text(code, encoding="utf-8")
                files["html"], files["code_html"] = f"{slug}.html", f"{slug}.code.html"
            except Exception as exc:  # noqa: BLE001
                log.exception("rendering HTML failed")
                if error is None:
                    error = {"cell": None, "cell_id": None, "exec_count": None, "ename": type(exc).__name__,
                             "evalue": str(exc), "summary": "rendering HTML failed: " + _summary(type(exc).__name__, str(exc))}
        if error:
            error["summary"] = scrubber.text(error["summary"])
            error["evalue"] = scrubber.text(str(error.get("evalue") or ""))
            log.error("run %s FAILED: %s", slug, error["summary"])
        else:
            log.info("run %s finished", slug)
        fh.flush()
    _scrub_file(log_path, scrubber)
    return RunResult(
        job=job,
        status="failed" if error else "ok",
        elapsed_s=time.time() - started,
        started_at=started_at,
        finished_at=gallery.now_iso(),
        attempts=attempts,
        error=error,
        files=files,
        key_figures=[(str(k), gallery.format_value(v)) for k, v in figures.items()],
        key_figures_raw=figures,
        thumb_size=thumb_size,
    )


#: jupyter_client interrupts a kernel before shutting it down; ipykernel logs that as an
#: ERROR although nothing went wrong — left out of the run logs so ERROR means an error
_SHUTDOWN_NOISE = re.compile(r"^\[IPKernelApp\] ERROR \| KeyboardInterrupt caught in kernel\.?\n", re.M)


def _scrub_file(path: Path, scrubber: Scrubber) -> None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    text = _SHUTDOWN_NOISE.sub("", _ANSI.sub("", text))
    path.write_text(scrubber.text(text), encoding="utf-8")


def crashed_result(job: Job, reason: str, started: float | None = None) -> RunResult:
    """The result of a run whose worker died: its log and partial notebook, scrubbed."""
    import nbformat

    now = time.time()
    started = started or now
    out = Path(job.out_dir) if job.out_dir else None
    files: dict[str, str | None] = {"ipynb": None, "html": None, "code_html": None, "log": None, "thumb": None}
    if out is not None and out.is_dir():
        scrubber = Scrubber.for_this_machine({job.reports_dir: "<reports>"} if job.reports_dir else None)
        log_path = out / f"{job.slug}.log"
        with contextlib.suppress(OSError):
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write(f"{time.strftime('%H:%M:%S')} ERROR helpers.runner: {reason}\n")
            _scrub_file(log_path, scrubber)
            files["log"] = log_path.name
        ipynb = out / f"{job.slug}.ipynb"
        if ipynb.is_file():
            try:
                nb = scrubber.notebook(nbformat.read(ipynb, as_version=4), input_path=job.source,
                                       output_path=f"{job.set_name}/{ipynb.name}")
                nbformat.write(nb, ipynb)
                files["ipynb"] = ipynb.name
            except Exception:  # noqa: BLE001 - a half-written notebook is not worth keeping
                ipynb.unlink(missing_ok=True)
    return RunResult(
        job=job, status="failed", elapsed_s=now - started,
        started_at=gallery.now_iso(), finished_at=gallery.now_iso(),
        error={"cell": None, "cell_id": None, "exec_count": None, "ename": "WorkerDied",
               "evalue": reason, "summary": reason},
        files=files,
    )


# ============================================================================ executors


class Executor(Protocol):
    """Runs jobs; yields one :class:`RunResult` per job as each finishes."""

    workers: int

    def run(self, jobs: Sequence[Job]) -> Iterator[RunResult]: ...


def _die_with_parent(parent_pid: int) -> None:
    """Linux: get SIGTERM when the runner dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _kill_children() -> None:
    with contextlib.suppress(Exception):
        import psutil

        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(Exception):
                child.kill()


def _kill_strays(tmp: str) -> None:
    """Kill what a dead worker left running — its kernels, the current and the pre-started
    one (their parent poller would notice within a second, but the worker's private dir
    is removed now and must stay removed): they are found by the IPYTHONDIR in their
    environment, which points into that dir."""
    with contextlib.suppress(Exception):
        import psutil

        marker = str(Path(tmp) / "ipython")
        victims = []
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if proc.pid != os.getpid() and proc.environ().get("IPYTHONDIR") == marker:
                    proc.kill()
                    victims.append(proc)
        psutil.wait_procs(victims, timeout=5)


def _worker_main(conn, worker_id: int, parent_pid: int, tmp: str | None = None) -> None:
    _die_with_parent(parent_pid)
    ctx: WorkerContext | None = None

    def on_term(signum, frame):  # runner gone or asked us to stop: take the kernel along
        _kill_children()
        if ctx is not None:
            ctx.close(graceful=False)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    try:
        ctx = WorkerContext(worker_id, tmp)
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            job, more = job if isinstance(job, tuple) else (job, True)
            conn.send(execute_job(job, ctx, more=more))
    finally:
        _kill_children()
        if ctx is not None:
            ctx.close()


@dataclass
class _Slot:
    index: int
    process: Any
    conn: Any
    tmp: str = ""
    job: Job | None = None
    since: float = 0.0


class LocalExecutor:
    """N long-lived worker processes on this machine (``-j N``)."""

    def __init__(self, workers: int = 1, *, start_method: str = "spawn"):
        if not isinstance(workers, int) or workers < 1:
            raise RunnerInputError(f"-j needs a whole number of workers >= 1; got {workers!r}")
        self.workers = workers
        self.start_method = start_method

    def _start(self, mp, index: int) -> _Slot:
        # the parent owns the worker's temp dir, so it is removed even if the worker is killed
        tmp = tempfile.mkdtemp(prefix=f"turku-workbooks-w{index}-")
        parent_conn, child_conn = mp.Pipe()
        proc = mp.Process(target=_worker_main, args=(child_conn, index, os.getpid(), tmp),
                          name=f"turku-workbooks-worker-{index}", daemon=True)
        proc.start()
        child_conn.close()
        return _Slot(index, proc, parent_conn, tmp)

    def run(self, jobs: Sequence[Job]) -> Iterator[RunResult]:
        jobs = list(jobs)
        if not jobs:
            return
        mp = multiprocessing.get_context(self.start_method)
        pending = deque(jobs)
        slots: list[_Slot] = []
        try:
            for i in range(min(self.workers, len(jobs))):
                slots.append(self._start(mp, i))
            for slot in slots:
                self._assign(slot, pending)
            while any(s.job is not None for s in slots):
                busy = [s for s in slots if s.job is not None]
                ready = multiprocessing.connection.wait([s.conn for s in busy] + [s.process.sentinel for s in busy])
                for slot in busy:
                    result = None
                    if slot.conn in ready:
                        try:
                            result = slot.conn.recv()
                        except (EOFError, OSError):
                            result = None
                    elif slot.process.sentinel not in ready:
                        continue
                    if result is None:  # the worker died mid-run
                        slot.process.join(timeout=5)
                        job, slot.job = slot.job, None
                        yield crashed_result(job, f"the worker process died (exit code {slot.process.exitcode}) "
                                                  "while running this report", slot.since)
                        with contextlib.suppress(Exception):
                            slot.conn.close()
                        _kill_strays(slot.tmp)
                        shutil.rmtree(slot.tmp, ignore_errors=True)
                        if pending:
                            fresh = self._start(mp, slot.index)
                            slot.process, slot.conn, slot.tmp = fresh.process, fresh.conn, fresh.tmp
                            self._assign(slot, pending)
                        continue
                    slot.job = None
                    yield result
                    self._assign(slot, pending)
        finally:
            self._shutdown(slots)

    @staticmethod
    def _assign(slot: _Slot, pending: deque) -> None:
        if pending and slot.process.is_alive():
            slot.job, slot.since = pending.popleft(), time.time()
            slot.conn.send((slot.job, bool(pending)))  # more=False: no kernel to pre-start
        else:
            with contextlib.suppress(Exception):
                slot.conn.send(None)

    @staticmethod
    def _shutdown(slots: list[_Slot]) -> None:
        for slot in slots:
            if slot.job is not None and slot.process.is_alive():
                slot.process.terminate()  # interrupted mid-run: the worker kills its kernel
            else:
                with contextlib.suppress(Exception):
                    slot.conn.send(None)
        deadline = time.time() + 10
        for slot in slots:
            slot.process.join(timeout=max(0.1, deadline - time.time()))
            if slot.process.is_alive():
                slot.process.terminate()
                slot.process.join(timeout=3)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=3)
            with contextlib.suppress(Exception):
                slot.conn.close()
            shutil.rmtree(slot.tmp, ignore_errors=True)


# ============================================================================ progress


class Progress:
    """A progress bar on a terminal; plain log lines otherwise (cron, CI, pipes)."""

    def __init__(self, set_name: str, total: int, workers: int, *, stream: TextIO | None = None,
                 tty: bool | None = None, log_file: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.set_name, self.total, self.workers = set_name, total, workers
        self.ok = self.failed = 0
        self.t0 = time.time()
        self.log_file = log_file
        self.bar = None
        self._line(f"set {set_name!r}: {total} run(s) on {workers} worker(s)")
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=set_name, unit="run", file=self.stream, dynamic_ncols=True,
                            bar_format="{desc}: {bar} {n_fmt}/{total_fmt} [{elapsed}] {postfix}")
            self._postfix()

    def _stamp(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S")

    def _line(self, text: str, *, to_stream: bool = True) -> None:
        line = f"{self._stamp()} {text}"
        if self.log_file is not None:
            self.log_file.write(line + "\n")
            self.log_file.flush()
        if to_stream and not self.tty:
            print(line, file=self.stream, flush=True)
        elif to_stream and self.bar is not None:
            self.bar.write(line, file=self.stream)
        elif to_stream:
            print(line, file=self.stream, flush=True)

    @property
    def remaining(self) -> int:
        return self.total - self.ok - self.failed

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"completed {self.ok}, failed {self.failed}, remaining {self.remaining}")

    def update(self, result: RunResult) -> None:
        if result.ok:
            self.ok += 1
        else:
            self.failed += 1
        done = self.ok + self.failed
        status = "ok    " if result.ok else "FAILED"
        detail = f" — {result.describe_error()}" if not result.ok else ""
        text = (f"[{done}/{self.total}] {status} {result.job.slug} ({result.elapsed_s:.1f} s){detail} | "
                f"completed {self.ok}, failed {self.failed}, remaining {self.remaining}, "
                f"elapsed {time.time() - self.t0:.1f} s")
        if self.bar is not None:
            self._line(text, to_stream=not result.ok)  # the bar shows the rest; failures stay visible
            self.bar.update(1)
            self._postfix()
        else:
            self._line(text)

    def note(self, text: str) -> None:
        self._line(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def summary_table(results: Sequence[RunResult]) -> str:
    rows = [("status", "report", "time", "detail")]
    for r in results:
        rows.append(("ok" if r.ok else "FAILED", r.job.slug, f"{r.elapsed_s:.1f} s",
                     "" if r.ok else r.describe_error()))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + ("  " + row[3] if row[3] else ""))
    lines.insert(1, "  ".join("-" * w for w in widths) + "  ------")
    return "\n".join(lines)


# ============================================================================ orchestration


@dataclass
class SetOutcome:
    set_name: str
    results: list[RunResult]
    elapsed_s: float
    published: Path | None
    kept_failed: Path | None

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed or not self.results else EXIT_OK


class Terminated(BaseException):
    """SIGTERM/SIGHUP while a set runs (handled like Ctrl-C: nothing is published)."""


@contextlib.contextmanager
def _signals_interrupt():
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(signum)

    saved = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def run_set(
    set_name: str,
    requests: Sequence[RunRequest],
    *,
    workers: int = 1,
    reports_dir: Path | None = None,
    executor: Executor | None = None,
    merge: bool = False,
    description: str = "",
    timeout: float | None = None,
    stream: TextIO | None = None,
    tty: bool | None = None,
) -> SetOutcome:
    """Validate, execute (in parallel) and publish one set of runs.

    Raises :class:`RunnerInputError` (nothing started) for bad input. Publishing policy:
    a set with at least one successful run is published — successes as reports, failures
    as failure cards with their kept notebook and log; a set where every run failed is not
    published (the previous reports stay) and its outputs go to ``reports/.failed/<set>/``;
    a merged set (ad-hoc single runs) is always published, failures as failure cards;
    an interrupted or killed run publishes nothing.
    """
    reports_dir = Path(reports_dir) if reports_dir else paths.reports_dir()
    jobs = plan(requests, set_name, timeout=timeout)
    check_kernel()
    executor = executor or LocalExecutor(workers)
    staged = gallery.new_staging(reports_dir, set_name)
    jobs = [dataclasses.replace(j, out_dir=str(staged), reports_dir=str(reports_dir)) for j in jobs]
    t0, started_at = time.time(), gallery.now_iso()
    run_log = open(staged / "run.log", "w", encoding="utf-8")
    progress = Progress(set_name, len(jobs), executor.workers, stream=stream, tty=tty, log_file=run_log)
    results: dict[str, RunResult] = {}
    try:
        with _signals_interrupt():
            for result in executor.run(jobs):
                results[result.job.slug] = result
                progress.update(result)
    except BaseException as exc:
        progress.close()
        run_log.close()
        gallery.discard_staging(staged)
        reason = "interrupted" if isinstance(exc, (KeyboardInterrupt, Terminated)) else f"aborted: {exc!r}"
        print(f"set {set_name!r} {reason}; nothing published, the previous reports are unchanged",
              file=stream or sys.stderr, flush=True)
        raise
    progress.close()
    ordered = [results.get(j.slug) or crashed_result(j, "no result came back from the executor") for j in jobs]
    elapsed = time.time() - t0
    outcome = SetOutcome(set_name, ordered, elapsed, None, None)
    ok = [r for r in ordered if r.ok]
    progress.note(f"set {set_name!r} finished in {elapsed:.1f} s: {len(ok)} ok, {len(ordered) - len(ok)} failed")
    run_log.write(summary_table(ordered) + "\n")
    if ok or merge:  # ad-hoc runs merge into their set, so a failure card replaces nothing else
        manifest = {
            "format": gallery.MANIFEST_FORMAT,
            "set": set_name,
            "description": description,
            "generated_at": gallery.now_iso(),
            "started_at": started_at,
            "elapsed_s": round(elapsed, 2),
            "workers": executor.workers,
            "counts": gallery.count_runs(r.record() for r in ordered),
            "files": {"log": "run.log"},
            "runs": [r.record() for r in ordered],
        }
        run_log.write(f"{gallery.now_iso()} publishing to {set_name}/ and index.html\n")
        run_log.close()
        _scrub_file(staged / "run.log", Scrubber.for_this_machine({str(reports_dir): "<reports>"}))
        outcome.published = gallery.publish_set(reports_dir, staged, manifest, merge=merge)
    else:
        run_log.write(f"{gallery.now_iso()} every run failed: nothing published\n")
        run_log.close()
        _scrub_file(staged / "run.log", Scrubber.for_this_machine({str(reports_dir): "<reports>"}))
        outcome.kept_failed = gallery.keep_failed(reports_dir, staged)
    return outcome
