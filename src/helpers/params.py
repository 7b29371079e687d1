"""Parameter schemas and validation, shared by the notebooks, the CLI and JupyterLab.

Every workbook declares its parameters in ``helpers/workbooks.yaml``: name, type, default,
allowed values or range and a one-line description. The notebook's first code cell (tagged
``parameters`` for papermill) holds the same defaults; ``tests/test_params.py`` keeps the two
in step. The cell after it calls :func:`validate_notebook`, which

* rejects parameter names the workbook does not know (papermill would silently inject
  them — papermill#667/#818) with the closest valid name,
* type-checks and coerces each value (``"2019"`` → ``2019`` where an integer is expected),
* resolves areas through :mod:`helpers.regions`,
* checks ranges, choices and cross-parameter rules,

and stops with **one** :class:`ParameterError` that lists every problem, before any work.
The runner calls :func:`validate` with the same schema *before* starting a kernel.

Types: ``area`` (with ``kinds``: region / municipality / country), ``int``, ``float``,
``str`` (optionally ``choices``), ``bool``, ``path`` (``None`` = the pinned snapshot).
"""

from __future__ import annotations

import ast
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import paths, settings
from .i18n import N_, _

SCHEMA_FILE = paths.package_dir() / "workbooks.yaml"
#: environment variable naming another schema file (tests and hand-made fixture workbooks)
SCHEMA_ENV = settings.SCHEMA_ENV
TYPES = ("area", "int", "float", "str", "bool", "path")
#: papermill writes this comment at the top of the cell it injects
PAPERMILL_MARKER = "# Parameters"


class ParameterError(ValueError):
    """Bad workbook parameters. The message lists every problem found."""

    def __init__(self, workbook: str, problems: list[str]):
        self.workbook = workbook
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid parameters for workbook '{workbook}':\n{lines}")

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: the one clear message the README promises."""
        return [f"ParameterError: {self}"]


#: how a parameter is named for readers (others: its name in words); translated in reports
PARAMETER_LABELS = {"area": N_("Area"), "compare_to": N_("Compared with"), "snapshot": N_("Data snapshot"),
                    "start_year": N_("First year"), "end_year": N_("Last year"), "year": N_("Year"),
                    # i18n: a parameter: which definition (scope) of the cluster's industries the run uses
                    "scope": N_("Definition"),
                    "rd_start_year": N_("R&D: first year"), "rd_end_year": N_("R&D: last year"),
                    "lang": N_("Language")}


#: each report language by its own name (what a language switch shows)
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
#: each report language as the reader's language names it, in "Not published in this language;
#: shown in {language}." (Finnish: suomi, Swedish: finska)
# i18n: a language's name in the sentence "Not published in this language; shown in {language}."
LANGUAGE_NAMES_IN_WORDS = {"fi": N_("Finnish"), "sv": N_("Swedish"), "en": N_("English")}


def parameter_label(name: str) -> str:
    """A parameter's name as a reader reads it ("compare_to" -> "Compared with"); a name
    without a label (a fixture workbook's) in words, untranslated."""
    if name in PARAMETER_LABELS:
        return _(PARAMETER_LABELS[name])
    return name.replace("_", " ").capitalize()


class UnknownWorkbookError(KeyError):
    def __init__(self, name: str, known: list[str]):
        close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.4)
        hint = f" — did you mean: {', '.join(close)}?" if close else ""
        self.message = f"unknown workbook {name!r}{hint} (known: {', '.join(known)})"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.message


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any
    description: str
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    kinds: tuple[str, ...] = ("region", "municipality")
    nullable: bool = False

    def describe_allowed(self) -> str:
        if self.type == "area":
            examples = {"country": "SSS", "region": "MK02, Varsinais-Suomi", "municipality": "KU853, Turku"}
            eg = ", ".join(examples[k] for k in self.kinds if k in examples)
            return "an area code or name of kind " + "/".join(self.kinds) + (f" (e.g. {eg})" if eg else "")
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.min is not None or self.max is not None:
            lo = "" if self.min is None else f"{self.min:g}"
            hi = "" if self.max is None else f"{self.max:g}"
            return f"{self.type} in [{lo}, {hi}]"
        if self.type == "path":
            return "a snapshot directory holding datapackage.json, or None for the pinned snapshot"
        return f"a value of type {self.type}"


@dataclass(frozen=True)
class Workbook:
    name: str
    notebook: str
    title: str
    description: str
    parameters: tuple[Param, ...]
    rules: tuple[dict, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Param:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}


def _param_from_yaml(name: str, spec: Mapping[str, Any], workbook: str) -> Param:
    ptype = spec.get("type")
    if ptype not in TYPES:
        raise ValueError(f"workbooks.yaml: {workbook}.{name} has type {ptype!r}; valid: {TYPES}")
    choices = spec.get("choices")
    return Param(
        name=name,
        type=ptype,
        default=spec.get("default"),
        description=str(spec.get("description", "")).strip(),
        choices=tuple(choices) if choices is not None else None,
        min=spec.get("min"),
        max=spec.get("max"),
        kinds=tuple(spec.get("kinds", ("region", "municipality"))),
        nullable=bool(spec.get("nullable", ptype == "path")),
    )


@lru_cache(maxsize=4)
def _load_schema(path: str, stamp: tuple[int, int] | None) -> dict[str, Workbook]:
    """(memoised by path and ``stamp``, the file's modification time and size: an edited
    schema is read again, also in a kernel forked from a zygote that read it before)"""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    books = {}
    for name, spec in raw.get("workbooks", {}).items():
        books[name] = Workbook(
            name=name,
            notebook=spec.get("notebook", f"{name}.ipynb"),
            title=spec.get("title", name),
            description=str(spec.get("description", "")).strip(),
            parameters=tuple(
                _param_from_yaml(pname, pspec, name)
                for pname, pspec in (spec.get("parameters") or {}).items()
            ),
            rules=tuple(spec.get("rules") or ()),
        )
    return books


def active_schema_file() -> Path:
    """The schema in use: ``$TURKU_WORKBOOKS_SCHEMA`` if set, else the package's workbooks.yaml."""
    env = os.environ.get(SCHEMA_ENV)
    return Path(env).expanduser().resolve() if env else SCHEMA_FILE


def workbooks(schema_file: Path | None = None) -> dict[str, Workbook]:
    """Every workbook declared in the schema file (default: :func:`active_schema_file`), by name."""
    path = str(schema_file or active_schema_file())
    try:
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None  # reading it raises the error
    return dict(_load_schema(path, stamp))


def get_workbook(name: str, schema_file: Path | None = None) -> Workbook:
    books = workbooks(schema_file)
    key = Path(str(name)).stem  # accept "region_profile.ipynb" and "notebooks/region_profile.ipynb"
    if key not in books:
        raise UnknownWorkbookError(name, sorted(books))
    return books[key]


# --------------------------------------------------------------------------- coercion

_TRUE = {"true", "yes", "1", "on", "kyllä"}
_FALSE = {"false", "no", "0", "off", "ei"}


_SHOW_MAX = 80


def _show(value: Any) -> str:
    """``repr(value)`` for a message, cut to a readable length (a 100 KB value is not echoed)."""
    text = repr(value)
    if len(text) <= _SHOW_MAX:
        return text
    return f"{text[:_SHOW_MAX - 1]}… ({len(str(value)):,} characters)"


def _coerce(p: Param, value: Any, notes: list[str] | None = None) -> Any:
    """Return the coerced value or raise ValueError with a message naming value and rule.

    An area that merged into another municipality with a recorded successor is taken as
    its successor, and ``notes`` gets one sentence saying so."""
    if value is None:
        if p.nullable:
            return None
        raise ValueError(f"{p.name} must not be None; expected {p.describe_allowed()}")
    if p.type == "area":
        from . import regions

        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1000:
            value = str(value)  # papermill -p area 853 gives an int; a code it is
        if isinstance(value, bool) or not isinstance(value, (str, regions.Area)):
            raise ValueError(
                f"{p.name}={_show(value)} has type {type(value).__name__}; expected a string, "
                f"{p.describe_allowed()}"
            )
        try:
            area = regions.resolve(value, allow_historical=True)
        except regions.AreaError as exc:
            raise ValueError(f"{p.name}: {exc}") from None
        if area.historical:
            successor = regions.resolve(area.successor_code) if area.successor_code else None
            if successor is None:
                raise ValueError(f"{p.name}={_show(value)} is {area.name_fi} ({area.statfin_code}), a former "
                                 "municipality not in the 2026 division, and no successor is recorded; "
                                 "give a current municipality")
            if notes is not None:
                notes.append(_("{former} ({former_code}) is a former municipality that merged into {successor} "
                               "({successor_code}); this report shows {successor}.").format(
                    former=area.reader_name(), former_code=area.statfin_code, successor=successor.reader_name(),
                    successor_code=successor.statfin_code))
            area = successor
        if area.kind not in p.kinds:
            raise ValueError(
                f"{p.name}={_show(value)} is a {area.kind} ({area.label}); this workbook accepts "
                + " or ".join(p.kinds)
            )
        return area
    if p.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"{p.name}={_show(value)} is not a boolean; expected True or False")
    if p.type == "int":
        if isinstance(value, bool):
            raise ValueError(f"{p.name}={_show(value)} is a boolean; expected an integer")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            text = value.strip()
            if not text.lstrip("+-").isdigit():
                raise ValueError(f"{p.name}={_show(value)} is not an integer; expected {p.describe_allowed()}")
            value = int(text)
        if not isinstance(value, int):
            raise ValueError(
                f"{p.name}={_show(value)} has type {type(value).__name__}; expected an integer, "
                f"{p.describe_allowed()}"
            )
    elif p.type == "float":
        if isinstance(value, bool):
            raise ValueError(f"{p.name}={_show(value)} is a boolean; expected a number")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{p.name}={_show(value)} is not a number; expected {p.describe_allowed()}") from None
    elif p.type == "str":
        if not isinstance(value, str):
            raise ValueError(f"{p.name}={_show(value)} has type {type(value).__name__}; expected a string")
        value = value.strip()
    elif p.type == "path":
        if not isinstance(value, (str, Path)):
            raise ValueError(f"{p.name}={_show(value)} has type {type(value).__name__}; expected a directory path")
        path = Path(value).expanduser()
        if not (path / "datapackage.json").is_file():
            raise ValueError(
                f"{p.name}={str(value)!r} is not a snapshot directory (no datapackage.json there); "
                "use None for the pinned snapshot"
            )
        return path
    if p.choices is not None and value not in p.choices:
        close = difflib.get_close_matches(str(value), [str(c) for c in p.choices], n=1)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"{p.name}={_show(value)} is not allowed; expected {p.describe_allowed()}{hint}")
    if p.min is not None and value < p.min or p.max is not None and value > p.max:
        raise ValueError(f"{p.name}={_show(value)} is out of range; expected {p.describe_allowed()}")
    return value


def _check_rules(book: Workbook, values: dict[str, Any]) -> list[str]:
    problems = []
    for rule in book.rules:
        kind = rule.get("rule")
        a, b = rule.get("a"), rule.get("b")
        if a not in values or b not in values or values[a] is None or values[b] is None:
            continue
        if kind == "less_than" and not values[a] < values[b]:
            problems.append(f"{a}={values[a]!r} must be less than {b}={values[b]!r}")
        elif kind == "different_areas" and values[a] == values[b]:
            problems.append(f"{a} and {b} are the same area ({values[a].label}); choose another {b}")
    return problems


@dataclass
class Validated(Mapping):
    """Validated, coerced parameter values; read them as ``p.area`` or ``p["area"]``."""

    workbook: str
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # e.g. "X merged into Y; this report shows Y."
    types: dict[str, str] = field(default_factory=dict)  # name -> the schema's type ("area", "path", …)
    choices: dict[str, tuple] = field(default_factory=dict)  # name -> the schema's choices, if any

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["data"][key]
        except KeyError:
            raise AttributeError(key) from None

    def for_readers(self) -> list[tuple[str, str]]:
        """(label, value) as a report or a gallery card shows them: "Area" -> "Varsinais-Suomi
        (MK02)", "Compared with" -> "Whole country", the pinned snapshot in words, an unset
        optional value as "not set", a choice the catalogue translates in words with the
        value to set ("Määritelmä" -> "ydin (core)") — never snake_case, "None" or a local path."""
        from .regions import Area

        out = []
        for name, v in self.data.items():
            if isinstance(v, Area):
                shown = v.reader_name()
                text = shown if v.kind == "country" else f"{shown} ({v.statfin_code})"
            elif v is None:
                # i18n: the value of the "Data snapshot" parameter when the run reads the project's own snapshot
                # (the other: an optional parameter left empty)
                text = _("the pinned snapshot") if self.types.get(name) == "path" else _("not set")
            elif isinstance(v, Path):
                text = v.name
            elif name == "lang" and v in LANGUAGE_NAMES:
                text = LANGUAGE_NAMES[v]
            elif isinstance(v, str) and v in self.choices.get(name, ()) and _(v) != v:
                # a choice's word in the reader's language, with the value to set: "ydin (core)"
                text = f"{_(v)} ({v})"
            else:
                text = str(v)
            out.append((parameter_label(name), text))
        return out

    def as_strings(self) -> dict[str, str]:
        """name -> value as text, for run logs and --dry-run (areas as "MK02 Varsinais-Suomi");
        readers get :meth:`for_readers`."""
        from .regions import Area

        out = {}
        for k, v in self.data.items():
            if isinstance(v, Area):
                out[k] = f"{v.statfin_code} {v.label}"
            elif v is None:
                out[k] = "None"
            elif isinstance(v, Path):
                out[k] = v.name  # never an absolute local path in a published report
            else:
                out[k] = str(v)
        return out


def validate(workbook: str, values: Mapping[str, Any] | None = None, *, fill_defaults: bool = True,
             schema_file: Path | None = None) -> Validated:
    """Validate ``values`` against ``workbook``'s schema; raise one :class:`ParameterError`."""
    book = get_workbook(workbook, schema_file)
    values = dict(values or {})
    problems: list[str] = []
    for name in values:
        if name not in book.names:
            close = difflib.get_close_matches(str(name), book.names, n=1, cutoff=0.5)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"unknown parameter {_show(name)}{hint} (valid: {', '.join(book.names)})"
            )
    result: dict[str, Any] = {}
    notes: list[str] = []
    for p in book.parameters:
        if p.name not in values and not fill_defaults:
            continue
        raw = values.get(p.name, p.default)
        try:
            result[p.name] = _coerce(p, raw, notes)
        except ValueError as exc:
            problems.append(str(exc))
    if not problems:
        problems += _check_rules(book, result)
    if problems:
        raise ParameterError(book.name, problems)
    return Validated(book.name, result, notes, {p.name: p.type for p in book.parameters},
                     {p.name: tuple(p.choices) for p in book.parameters if p.choices})


def _injected_names(history: list[str]) -> list[str] | None:
    """Names assigned by the papermill-injected cell, if this kernel ran one."""
    for source in reversed(history):
        if source.lstrip().startswith(PAPERMILL_MARKER):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return None
            names = []
            for node in tree.body:
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    return None


def _parameter_cell_names(history: list[str], known: list[str]) -> list[str]:
    """Names assigned in the notebook's parameters cell: the last cell of history (other than
    papermill's injected one) whose every statement assigns a literal to a plain name and
    that sets at least one parameter — so a typo there (``aera = "Turku"``), which would
    otherwise run the default area without a word, is caught, and a corrected re-run of the
    cell clears it."""
    for source in reversed(history):
        if source.lstrip().startswith(PAPERMILL_MARKER):
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        targets: list[str] = []
        literal_only = bool(tree.body)
        for node in tree.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                literal_only = False
                break
            try:
                ast.literal_eval(node.value)
            except ValueError:
                literal_only = False
                break
            nodes = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name) for t in nodes):
                literal_only = False
                break
            targets += [t.id for t in nodes]
        if literal_only and any(t in known for t in targets):
            return list(dict.fromkeys(targets))
    return []


def validate_notebook(workbook: str, namespace: Mapping[str, Any] | None = None) -> Validated:
    """Validate the parameters of a running notebook (call it in the cell after ``parameters``).

    Reads the parameter values from the notebook's namespace; when papermill injected a
    cell, every name it assigned must be a parameter the workbook knows.
    """
    history: list[str] = []
    if namespace is None:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None:
            raise RuntimeError("validate_notebook() must run inside a notebook; use validate() elsewhere")
        namespace = ip.user_ns
        history = list(namespace.get("In", []))
    else:
        history = list(namespace.get("In", []))
    book = get_workbook(workbook)
    values = {name: namespace[name] for name in book.names if name in namespace}
    injected = _injected_names(history) or []
    for name in injected + _parameter_cell_names(history, book.names):
        if name not in book.names:
            values[name] = namespace.get(name)
    return validate(book.name, values)
