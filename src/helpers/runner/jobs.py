"""From requests to jobs: validate EVERY run before anything starts.

    RunRequest ──► params.validate (one error lists every problem of every run)
               ──► name its outputs (slug), find its notebook, fix what papermill injects
               ──► Job (picklable: a worker, local or on a Dask cluster, needs nothing else)

Bad input raises :class:`~helpers.runner.base.RunnerInputError` (exit code 2) before any
kernel starts or any file is written.

Output names (:func:`run_slug`) are unique per distinct parameter set and stable: the
workbook, then every parameter given, in the schema's order — the ``area`` as its code
(``region_profile--KU853``), every other one as ``name-value``
(``exclusion_prevention--MK02--start_year-2016``); the language only when it is not the
gallery's own (``region_profile--KU853--lang-sv``; the Finnish report keeps the plain name).
A value that does not survive as a file name unchanged (``<b>``, a path, a long text) gets
a short hash of itself, so two values never share a name. Two runs of one set with the same
name — the same parameters twice, or colliding explicit ``name:``s — are an error, never a
silent ``-2``; explicit names are checked strictly and may not take a name the set's own
files use (``run`` is ``run.log``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import i18n, params, paths, regions, settings
from .base import RunnerInputError, RunnerSetupError, check_set_name, check_timeout
from .schedule import RunRequest

_SLUG_MAX = 120
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
#: names a run may not have: the set's own files (run.log, manifest.json, report.css) and
#: names whose files would be another run's (x.code.html is the code page of x)
RESERVED_RUN_NAMES = frozenset({"run", "manifest", "report"})
_RESERVED_SUFFIXES = (".code", ".thumb", ".files", ".data", ".failed", ".tmp")


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
    #: the same report in the set's other languages: (lang, slug), for the pages' language switch
    variants: tuple[tuple[str, str], ...] = ()
    #: what the language variants of one report share (the gallery shows them as one card)
    group: str = ""


def plan(requests: Sequence[RunRequest], set_name: str, *, timeout: float | None = None,
         languages: Sequence[str] | None = None) -> list[Job]:
    """Validate every request and turn it into a :class:`Job`; one error lists every problem.
    ``timeout``: the cell time limit in seconds (None: no limit; see :func:`check_timeout`).
    ``languages``: a request for a workbook with a ``lang`` parameter that does not give one
    becomes one run per language (default: :data:`~helpers.settings.GALLERY_LANGUAGES`)."""
    from .. import snapshot  # (pandas: here, not in a worker that only unpickles its Jobs)

    check_set_name(set_name)
    timeout = check_timeout(timeout)
    languages = _check_languages(languages)
    schema = params.active_schema_file()
    nb_dir = notebook_dir(schema)
    problems: list[str] = []
    broken: dict[str, str] = {}  # snapshot folder -> why it cannot be read (a failure, not bad input)
    jobs: list[Job] = []
    used: dict[str, str] = {}  # lower-cased report name -> the run that has it
    if not requests:
        raise RunnerInputError(f"set {set_name!r} has no runs")
    requests = _per_language(requests, languages, schema)
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
        given = str(req.workbook)
        if ("/" in given or "\\" in given) and not _same_file(given, nb_path):  # a path, not a name
            problems.append(
                f"{where}: {given!r} is not this project's {display_source(nb_path)}; `workbooks run` runs "
                f"the project's workbooks by name (`workbooks run {book.name}`, see `workbooks list`). "
                "To run a notebook elsewhere use papermill directly, or add it to notebooks/ and "
                "src/helpers/workbooks.yaml")
            continue
        try:
            slug = check_run_name(req.name) if req.name else run_slug(book, validated, values)
        except RunnerInputError as exc:
            problems.extend(f"{where}: {p}" for p in exc.problems)
            continue
        if slug.lower() in used:
            first = used[slug.lower()]
            problems.append(
                f"{where}: its report name {slug!r} is already taken by {first}"
                + (" — give each run its own `name:`" if req.name else
                   " — the same workbook with the same parameters; remove one of them"))
            continue
        used[slug.lower()] = where
        snap = next((validated[p.name] for p in book.parameters if p.type == "path" and validated[p.name]), None)
        where_snap = str(snap or "the pinned snapshot")
        if where_snap not in broken:
            try:
                snapshot.Snapshot(snap).manifest  # noqa: B018 - read and parse it now, not in a kernel
                broken[where_snap] = ""
            except snapshot.SnapshotError as exc:
                broken[where_snap] = str(exc)
        jobs.append(_job(set_name, slug, book, validated, values, nb_path, schema, timeout))
    if problems:
        raise RunnerInputError(problems)
    failing = {k: v for k, v in broken.items() if v}
    if failing:
        raise RunnerSetupError("the data snapshot cannot be read, nothing was run: "
                               + "; ".join(f"{k}: {v}" for k, v in failing.items()))
    return _with_variants(jobs)


def _check_languages(languages: Sequence[str] | None) -> tuple[str, ...]:
    languages = tuple(settings.GALLERY_LANGUAGES if languages is None else languages)
    bad = [str(x) for x in languages if x not in i18n.LANGUAGES]
    if bad or not languages or len(set(languages)) != len(languages):
        raise RunnerInputError(f"languages {list(languages)!r} are not allowed: give one or more of "
                               f"{', '.join(i18n.LANGUAGES)}, each once")
    return languages


def _per_language(requests: Sequence[RunRequest], languages: tuple[str, ...], schema: Path) -> list[RunRequest]:
    """Each request for a workbook with a ``lang`` parameter and none given, once per language."""
    out = []
    for req in requests:
        try:
            book = params.get_workbook(req.workbook, schema)
        except params.UnknownWorkbookError:
            out.append(req)  # plan() reports it
            continue
        if "lang" not in book.names or "lang" in dict(req.values):
            out.append(req)
            continue
        for lang in languages:
            name = req.name if len(languages) == 1 or not req.name else f"{req.name}--{lang}"
            out.append(RunRequest(req.workbook, {**dict(req.values), "lang": lang}, name))
    return out


def _with_variants(jobs: list[Job]) -> list[Job]:
    """Each job with the slugs of the same report in the other languages of the set."""
    groups: dict[tuple, list[Job]] = {}
    for job in jobs:
        key = (job.workbook, tuple(sorted((k, repr(v)) for k, v in job.parameters.items() if k != "lang")))
        groups.setdefault(key, []).append(job)
    out = []
    for job in jobs:
        key = (job.workbook, tuple(sorted((k, repr(v)) for k, v in job.parameters.items() if k != "lang")))
        others = tuple((j.lang, j.slug) for j in groups[key] if j.lang != job.lang)
        group = _LANG_SUFFIX.sub("", job.slug)
        out.append(dataclasses.replace(job, variants=others, group=group))
    return out


#: how a language is written into a report's name: "--lang-sv" (from the parameter) or "--sv"
#: (an explicit name run in several languages); what the variants of a report share is the rest
_LANG_SUFFIX = re.compile(r"--(?:lang-)?(?:" + "|".join(i18n.LANGUAGES) + r")(?=--|$)")


def _job(set_name: str, slug: str, book: params.Workbook, validated: params.Validated, given: dict,
         nb_path: Path, schema: Path, timeout: float | None) -> Job:
    lang = str(validated.data.get("lang") or i18n.SOURCE_LANGUAGE)
    with i18n.using(lang if lang in i18n.LANGUAGES else i18n.SOURCE_LANGUAGE):
        return _job_in_language(set_name, slug, book, validated, given, nb_path, schema, timeout, lang)


def _job_in_language(set_name: str, slug: str, book: params.Workbook, validated: params.Validated, given: dict,
                     nb_path: Path, schema: Path, timeout: float | None, lang: str) -> Job:
    """(inside :func:`i18n.using` the run's language: its title and labels in it)"""
    areas = [validated[p.name] for p in book.parameters if p.type == "area"]
    title = i18n._(book.title) + (f" — {areas[0].reader_name()}" if areas else "")
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
        lang=lang,
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
        shown = repr(name) if len(repr(name)) <= 80 else repr(name)[:77] + "..."
        raise RunnerInputError(
            f"run name {shown} is not allowed: use letters, digits, '.', '_' and '-' "
            "(no path separators, no '..', at most 100 characters)"
        )
    low = name.lower()
    if low in RESERVED_RUN_NAMES or low.endswith(_RESERVED_SUFFIXES):
        raise RunnerInputError(
            f"run name {name!r} is reserved: a set's own files are {', '.join(sorted(RESERVED_RUN_NAMES))} "
            f"(run.log, manifest.json, report.css) and a name may not end in {', '.join(_RESERVED_SUFFIXES)} "
            "(another run's files are named so)")
    return name


def run_slug(book: params.Workbook, validated: params.Validated, given) -> str:
    """The report name of a run: ``<workbook>--<area code>--<name>-<value>…`` over the
    parameters given (see the module docstring); stable and unique per parameter set."""
    parts = [slugify(book.name)]
    for name in book.names:
        if name not in given:
            continue
        if name == "lang" and validated[name] == settings.GALLERY_LANGUAGE:
            continue  # the gallery's own language: the report keeps its plain name
        value = validated[name]
        text = _param_slug(value)
        if not (isinstance(value, regions.Area) or text == str(value)):
            text = f"{text}-{_digest(value)}"  # lossy as a file name: the hash keeps it apart
        parts.append(text if name == "area" and isinstance(value, regions.Area) else f"{name}-{text}")
    slug = "--".join(parts)
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX - 9].rstrip(".-_") + "-" + _digest(slug)
    if slug.lower() in RESERVED_RUN_NAMES:  # a workbook named "run" with no parameters given
        slug += "--report"
    return slug


def _digest(value: Any) -> str:
    text = str(value.resolve()) if isinstance(value, Path) else repr(value)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _same_file(given: str, nb_path: Path) -> bool:
    """Whether a notebook path as typed (relative to the working directory, or to the project
    as "notebooks/x.ipynb") is the project's notebook."""
    candidates = [Path(given).expanduser()]
    if not candidates[0].is_absolute():
        candidates.append(paths.project_root() / given)
    for path in candidates:
        try:
            if path.resolve() == nb_path.resolve():
                return True
        except OSError:
            continue
    return False


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
    from .. import snapshot

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
