"""What to run: report sets from the schedule file, ``{each: ...}`` generators, ``-p`` values.

    schedule.yaml ──► load_schedule() ──► {set name: SetSpec(runs=(RunRequest, ...))}
    workbooks run NOTEBOOK -p name=value ──► parse_assignments() ──► RunRequest

A request is what was asked for, not yet checked against the workbook's schema (that is
:func:`helpers.runner.jobs.plan`); the schedule's own mistakes (unknown keys, a bad
generator, a set name that could not be a directory) are reported here, all at once.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import i18n, paths, regions, settings
from ..i18n import N_
from .base import DEFAULT_SET_TIMEOUT, RunnerInputError, check_set_name, check_timeout

#: the set single runs (``workbooks run NOTEBOOK``) are published in; merged, never replaced
ADHOC_SET = "adhoc"
#: its heading and description in the gallery, translated there like a schedule set's
ADHOC_TITLE = N_("Single reports")
ADHOC_DESCRIPTION = N_("Reports made one at a time, on request.")
#: set names the runner uses itself: a schedule set with one of them would replace its files
RESERVED_SET_NAMES = frozenset({ADHOC_SET, "assets", "index", "static"})
#: limits that keep a mistaken schedule from running for minutes or exhausting memory
MAX_SCHEDULE_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 200_000
MAX_RUNS_PER_SET = 5_000


class _ScheduleLoader(yaml.SafeLoader):
    """YAML for schedules: a value such as ``010`` stays the string "010" (YAML 1.1 would read
    it as octal 8, so ``area: 010`` would silently mean region 08), and at most
    :data:`MAX_ALIASES` aliases are accepted (nested aliases can expand to billions of runs)."""

    aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*name); write the runs out "
                                     "or use an {each: [...]} generator")
        return super().compose_node(parent, index)


# integers keep YAML 1.1 forms except those with a leading zero, which stay strings (codes)
_ScheduleLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ScheduleLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"), list("-+0123456789"))


def _read_schedule(path: Path) -> Any:
    """The parsed schedule file, or RunnerInputError naming what is wrong with the file."""
    if not path.exists():
        raise RunnerInputError(f"no schedule file at {path}")
    if not path.is_file():
        raise RunnerInputError(f"the schedule {path} is not a file (a directory?); give a .yaml file")
    size = path.stat().st_size
    if size > MAX_SCHEDULE_BYTES:
        raise RunnerInputError(f"the schedule {path.name} is {size:,} bytes; a schedule is a short YAML file "
                               f"(limit {MAX_SCHEDULE_BYTES:,} bytes) — use {{each: ...}} generators")
    data = path.read_bytes()
    if b"\0" in data:
        raise RunnerInputError(f"the schedule {path.name} is not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1]
        raise RunnerInputError(f"the schedule {path.name} is not UTF-8 (byte {exc.start}: {bad!r}); save it as "
                               "UTF-8 — Finnish and Swedish letters (ä, ö, å) need it") from None
    try:
        loader = _ScheduleLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return {}
            size = _expanded_size(node, {}, set())
            if size > MAX_EXPANDED_NODES:
                raise RunnerInputError(f"the schedule {path.name} expands to {size:,} YAML nodes through its aliases "
                                       f"(limit {MAX_EXPANDED_NODES:,}); write the runs out or use generators")
            return loader.construct_document(node) or {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise RunnerInputError(f"schedule {path.name} is not valid YAML: {exc}") from None


def _expanded_size(node, memo: dict[int, int], visiting: set[int]) -> int:
    """How many nodes ``node`` becomes once every alias is expanded (shared nodes count each
    time they are used) — computed without expanding anything."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in visiting:
        raise yaml.YAMLError("a YAML alias refers to itself")
    visiting.add(key)
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo, visiting) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo, visiting) + _expanded_size(v, memo, visiting) for k, v in node.value)
    else:
        size = 1
    visiting.discard(key)
    memo[key] = min(size, 10**12)
    return memo[key]


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
    title: str = ""  # the heading readers see in the gallery (default: the set's name)
    #: the cell time limit of this set's runs, seconds (None: no limit); a set that does not
    #: say gets :data:`~helpers.runner.base.DEFAULT_SET_TIMEOUT`; --timeout overrides
    timeout: float | None = DEFAULT_SET_TIMEOUT
    #: the languages its reports are published in (a workbook with a ``lang`` parameter runs
    #: once per language unless a run gives ``lang``); default: settings.GALLERY_LANGUAGES
    languages: tuple[str, ...] | None = None


#: what a set may say
SET_KEYS = ("runs", "title", "description", "timeout", "languages")


def schedule_file() -> Path:
    """``$TURKU_WORKBOOKS_SCHEDULE`` or ``<project>/reports/schedule.yaml``."""
    env = settings.get(settings.SCHEDULE_ENV)
    return Path(env).expanduser().resolve() if env else paths.project_root() / "reports" / "schedule.yaml"


def _generate(spec: Any, where: str) -> list[Any]:
    """Values of an ``{each: ...}`` generator."""
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


def expand_values(values: Mapping[str, Any] | None, where: str = "parameters",
                  limit: int = MAX_RUNS_PER_SET) -> list[dict[str, Any]]:
    """Expand ``{each: ...}`` generators; several generators give every combination (at
    most ``limit`` of them: a larger cross product is refused before it is built)."""
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
    total = 1
    for _, vals in axes:
        total *= len(vals)
    if total > limit:
        sizes = " × ".join(f"{len(v)} {n}" for n, v in axes if len(v) > 1)
        raise RunnerInputError(f"{where}: the generators make {total:,} runs ({sizes}); a set may have at most "
                               f"{limit:,} — split it into several sets")
    names = [n for n, _ in axes]
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in axes))]


def _runs(set_name: str, entries: list, problems: list[str]) -> list[RunRequest]:
    """The requests of one set's ``runs`` list; what is wrong goes to ``problems``."""
    runs: list[RunRequest] = []
    for i, entry in enumerate(entries):
        if len(runs) > MAX_RUNS_PER_SET:
            problems.append(f"set {set_name!r} has more than {MAX_RUNS_PER_SET:,} runs; split it into several sets")
            break
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
    return runs


@dataclass(frozen=True)
class Schedule:
    """Every set of a schedule file — also the broken ones, each with its own problems — so
    that a mistake in one set neither hides the others' problems nor blocks a valid set."""

    path: Path
    sets: dict[str, SetSpec]
    problems: dict[str, list[str]]  # set name -> what is wrong with it

    def get(self, name: str) -> SetSpec:
        if name in self.problems:
            raise RunnerInputError([f"set {name!r} in {self.path.name}: {p}" for p in self.problems[name]])
        if name not in self.sets:
            known = sorted(set(self.sets) | set(self.problems))
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            raise RunnerInputError(f"unknown set {name!r}{hint} (sets in the schedule: {', '.join(known)})")
        return self.sets[name]


def read_schedule(path: Path | str | None = None) -> Schedule:
    """Parse the schedule file: file-level problems raise :class:`RunnerInputError`; each
    set's own problems are collected per set."""
    path = Path(path) if path else schedule_file()
    raw = _read_schedule(path)
    sets_raw = raw.get("sets") if isinstance(raw, Mapping) else None
    if not isinstance(sets_raw, Mapping) or not sets_raw:
        raise RunnerInputError(f"schedule {path.name} needs a mapping 'sets: {{name: {{runs: [...]}}}}'")
    sets: dict[str, SetSpec] = {}
    problems: dict[str, list[str]] = {}
    for set_name, spec in sets_raw.items():
        name = str(set_name)
        mine: list[str] = []
        try:
            check_set_name(name)
        except ValueError as exc:
            mine.append(str(exc))
        if name in RESERVED_SET_NAMES:
            mine.append(f"the name {name!r} is reserved (the runner uses it: {', '.join(sorted(RESERVED_SET_NAMES))}); "
                        "choose another set name")
        if not isinstance(spec, Mapping) or not isinstance(spec.get("runs"), list):
            mine.append("needs a list 'runs'")
        else:
            unknown = [str(k) for k in spec if k not in SET_KEYS]
            if unknown:
                mine.append(f"unknown key(s) {', '.join(repr(k[:40]) for k in unknown[:5])}; a set has "
                            + ", ".join(SET_KEYS))
        timeout = DEFAULT_SET_TIMEOUT
        if isinstance(spec, Mapping) and "timeout" in spec:
            try:
                timeout = check_timeout(spec["timeout"])
            except RunnerInputError as exc:
                mine.extend(exc.problems)
        languages = None
        if isinstance(spec, Mapping) and "languages" in spec:
            languages = spec["languages"]
            if isinstance(languages, str):
                languages = [languages]
            if (not isinstance(languages, list) or not languages or len(set(map(str, languages))) != len(languages)
                    or any(str(x) not in i18n.LANGUAGES for x in languages)):
                mine.append(f"languages {spec['languages']!r} is not allowed: a list of one or more of "
                            f"{', '.join(i18n.LANGUAGES)}, each once (e.g. languages: [fi, sv, en])")
                languages = None
            else:
                languages = tuple(str(x) for x in languages)
        runs = _runs(name, spec["runs"], mine) if not mine else []
        if mine:
            problems[name] = mine
        else:
            sets[name] = SetSpec(name, str(spec.get("description", "")).strip(), tuple(runs),
                                 str(spec.get("title", "")).strip(), timeout, languages)
    return Schedule(path, sets, problems)


def load_schedule(path: Path | str | None = None) -> dict[str, SetSpec]:
    """Every set in the schedule file, with generators expanded; any problem in any set raises
    (one :class:`RunnerInputError` listing all of them)."""
    schedule = read_schedule(path)
    if schedule.problems:
        raise RunnerInputError([f"set {n!r}: {p}" for n, ps in schedule.problems.items() for p in ps])
    return schedule.sets


def get_set(name: str, path: Path | str | None = None) -> SetSpec:
    """One set of the schedule; only that set's own problems make it fail."""
    return read_schedule(path).get(name)


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
