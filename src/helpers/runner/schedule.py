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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import paths, regions, settings
from .base import RunnerInputError, check_set_name

#: the set single runs (``workbooks run NOTEBOOK``) are published in; merged, never replaced
ADHOC_SET = "adhoc"


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


def _runs(set_name: str, entries: list, problems: list[str]) -> list[RunRequest]:
    """The requests of one set's ``runs`` list; what is wrong goes to ``problems``."""
    runs: list[RunRequest] = []
    for i, entry in enumerate(entries):
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
    problems: list[str] = []
    for set_name, spec in sets_raw.items():
        try:
            check_set_name(str(set_name))
        except ValueError as exc:
            problems.append(f"schedule: {exc}")
            continue
        if not isinstance(spec, Mapping) or not isinstance(spec.get("runs"), list):
            problems.append(f"schedule set {set_name!r} needs a list 'runs'")
            continue
        runs = _runs(str(set_name), spec["runs"], problems)
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
