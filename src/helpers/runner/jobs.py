"""From requests to jobs: validate EVERY run before anything starts.

    RunRequest ──► params.validate (one error lists every problem of every run)
               ──► name its outputs (slug), find its notebook, fix what papermill injects
               ──► Job (picklable: a worker, local or on a Dask cluster, needs nothing else)

Bad input raises :class:`~helpers.runner.base.RunnerInputError` (exit code 2) before any
kernel starts or any file is written. Output names derived from parameter values are made
file-name-safe (:func:`slugify`); explicit run names are checked strictly.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import params, paths, regions, settings, snapshot
from .base import RunnerInputError, RunnerSetupError, check_set_name
from .schedule import RunRequest

_SLUG_MAX = 120
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


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
    display_parameters: tuple[tuple[str, str], ...]  # (reader's label, value), for cards and pages
    schema_file: str
    snapshot_version: str
    out_dir: str = ""
    reports_dir: str = ""
    kernel_name: str = settings.KERNEL_NAME
    timeout: float | None = None
    lang: str = "en"  # the language of the run's pages (its lang parameter, if the workbook has one)
    values: tuple[tuple[str, str], ...] = ()  # (parameter name, value as text): logs, --dry-run


def plan(requests: Sequence[RunRequest], set_name: str, *, timeout: float | None = None) -> list[Job]:
    """Validate every request and turn it into a :class:`Job`; one error lists every problem."""
    check_set_name(set_name)
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
        jobs.append(_job(set_name, slug, book, validated, values, nb_path, schema, timeout))
    if problems:
        raise RunnerInputError(problems)
    return jobs


def _job(set_name: str, slug: str, book: params.Workbook, validated: params.Validated, given: dict,
         nb_path: Path, schema: Path, timeout: float | None) -> Job:
    areas = [validated[p.name] for p in book.parameters if p.type == "area"]
    title = book.title + (f" — {areas[0].label}" if areas else "")
    snap = next((validated[p.name] for p in book.parameters if p.type == "path" and validated[p.name]), None)
    return Job(
        set_name=set_name,
        slug=slug,
        workbook=book.name,
        title=title,
        notebook=str(nb_path),
        source=display_source(nb_path),
        cwd=str(nb_path.parent),
        parameters={n: _papermill_value(validated[n], nb_path.parent) for n in book.names if n in given},
        display_parameters=tuple(validated.for_readers()),  # (reader's label, value)
        values=tuple(validated.as_strings().items()),  # (name, value as text) for logs and --dry-run
        lang=str(validated.data.get("lang") or "en"),
        schema_file=str(schema),
        snapshot_version=snapshot_version(snap),
        timeout=timeout,
    )


# ----------------------------------------------------------------------------- names and values


def slugify(text: Any, max_len: int = 60) -> str:
    """A file-name-safe form of a parameter value: ASCII letters, digits, '.', '_', '-'."""
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
    if isinstance(value, regions.Area):
        return value.statfin_code
    if isinstance(value, Path):
        return slugify(value.name)
    return slugify(value)


def _papermill_value(value: Any, cwd: Path) -> Any:
    if isinstance(value, regions.Area):
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


# ----------------------------------------------------------------------------- where things are


def notebook_dir(schema: Path) -> Path:
    """Notebooks of the project schema live in notebooks/; another schema's next to it."""
    if Path(schema).resolve() == Path(params.SCHEMA_FILE).resolve():
        return paths.notebooks_dir()
    return Path(schema).resolve().parent


def display_source(path: Path) -> str:
    path = Path(path).resolve()
    root = paths.project_root()
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


def snapshot_version(directory: Path | str | None = None) -> str:
    """The ``version`` of a snapshot's datapackage.json (default: the pinned snapshot);
    "unknown" when the directory holds no readable manifest."""
    try:
        version = snapshot.Snapshot(directory).manifest.get("version")
    except snapshot.SnapshotError:
        version = None
    return str(version) if version else "unknown"


def check_kernel(name: str = settings.KERNEL_NAME) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise RunnerSetupError(
            f"the Jupyter kernel {name!r} is not registered; run `make setup` or "
            f"`.venv/bin/python -m ipykernel install --sys-prefix --name {name}`"
        ) from None
