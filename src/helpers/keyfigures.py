"""Key figures: the one contract between a workbook and the runner.

A workbook records its headline numbers once, at the end of a run
(:func:`record`, called by ``helpers.notebook.Run.finish``). They are stored in the executed
notebook as a display output with two representations:

* :data:`MIMETYPE` — ``{"format": 2, "figures": [entry, ...]}``. A *list*, so the order the
  workbook declared survives nbformat (which sorts the keys of every JSON object it writes).
  Each entry is ``{"name", "value", "label", "unit", "decimals", "headline", "labelled"}``
  (``labelled``: the workbook declared a reader's label; a gallery card shows only those); ``value`` is
  JSON-safe (numpy numbers -> Python numbers, NaN / NA -> ``null``);
* ``text/plain`` — an aligned table with the same formatted values, which nbval compares.

:func:`read` gives the entries back from an executed notebook (the runner reads them to build
the gallery card), :func:`format_value` is the *only* formatter of a key figure, so a figure
reads the same in the report, on its gallery card and in the manifest's ``text``.

This module imports nothing from the project but :mod:`helpers.analysis` (number formatting)
and :mod:`helpers.i18n` (the run's language), so the runner can use it without importing the
notebook side. Labels and units declared in :class:`Spec` are English source texts marked with
``N_()``; :func:`entries` stores them in the run's language.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analysis import format_number
from .i18n import _, language

__all__ = [
    "MIMETYPE",
    "FORMAT",
    "Spec",
    "json_safe",
    "format_value",
    "entries",
    "text_table",
    "bundle",
    "record",
    "read",
    "as_dict",
    "headline_first",
]

MIMETYPE = "application/vnd.turku-workbooks.key-figures+json"
FORMAT = 2

#: what a missing figure says, in words (never "None", never an empty cell); per language,
#: because :func:`format_value` is given the language explicitly (the runner formats cards)
MISSING_TEXT = {"en": "no data", "fi": "ei tietoa", "sv": "uppgift saknas"}
_YES_NO = {"en": ("yes", "no"), "fi": ("kyllä", "ei"), "sv": ("ja", "nej")}


@dataclass(frozen=True)
class Spec:
    """A declared key figure: its stable ``name``, a reader's ``label``, the ``unit`` shown
    after the value ("%", "persons", "EUR million"; "" for none) and the ``decimals``
    (None: chosen from the value's size). ``label`` and ``unit`` are English, marked with
    ``N_()`` where they are declared; they are translated when the figures are recorded."""

    name: str
    label: str
    unit: str = ""
    decimals: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"a key figure needs a name; got {self.name!r}")
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError(f"key figure {self.name!r} needs a reader's label; got {self.label!r}")
        if self.decimals is not None and (not isinstance(self.decimals, int) or not 0 <= self.decimals <= 6):
            raise ValueError(f"key figure {self.name!r}: decimals must be 0..6 or None; got {self.decimals!r}")


# ----------------------------------------------------------------------------- values


def json_safe(value: Any, _path: str = "value") -> Any:
    """``value`` as plain JSON types: numpy numbers -> int/float, NaN / NA / NaT -> None,
    dates -> ISO strings, tuples / arrays / Series -> lists / dicts. Infinity and unknown
    types raise, naming where they were found."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        f = float(value)
        if math.isnan(f):
            return None
        if math.isinf(f):
            raise ValueError(f"{_path} is infinite ({f}); key figures must be finite numbers or missing")
        return f
    if isinstance(value, str):
        return value
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, (str, numbers.Integral, np.integer)):
                raise TypeError(f"{_path} has a key {k!r} of type {type(k).__name__}; keys must be strings")
            out[str(k)] = json_safe(v, f"{_path}[{k!r}]")
        return out
    if isinstance(value, pd.Series):
        return json_safe(value.to_dict(), _path)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(v, f"{_path}[{i}]") for i, v in enumerate(list(value))]
    raise TypeError(
        f"{_path} has type {type(value).__name__}, which is not JSON-safe; use numbers, strings, "
        "booleans, None, lists or dicts"
    )


def _auto_decimals(x: float) -> int:
    a = abs(x)
    if a >= 1000 or (a >= 100 and float(x).is_integer()):
        return 0
    if a >= 10:
        return 1
    return 2 if a >= 0.01 or a == 0 else 4


def _number(x: float, decimals: int, lang: str) -> str:
    return format_number(x, decimals, lang=lang if lang in ("fi", "sv", "en") else "en")


def format_value(value: Any, *, unit: str = "", decimals: int | None = None, lang: str | None = None) -> str:
    """A key figure as a reader of ``lang`` (default: the run's language, as
    :func:`helpers.i18n.format_number`) sees it: thousands separated, sensible decimals, the
    unit after the number ("2.39 %", "490 786 persons"), a missing value in words ("no data"),
    a list as "a, b", a mapping as "a: 1; b: 2" — never JSON, never "None"."""
    lang = lang or language()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT.get(lang, MISSING_TEXT["en"])
    if isinstance(value, bool):
        yes, no = _YES_NO.get(lang, _YES_NO["en"])
        return yes if value else no
    if isinstance(value, numbers.Real):
        if isinstance(value, numbers.Integral):
            text = _number(int(value), 0 if decimals is None else decimals, lang)
        else:
            v = float(value)
            text = _number(v, _auto_decimals(v) if decimals is None else decimals, lang)
        if not unit:
            return text
        return f"{text} {unit}" if unit != "%" or lang in ("fi", "sv") else f"{text} %"
    if isinstance(value, (list, tuple)):
        if not value:
            return MISSING_TEXT.get(lang, MISSING_TEXT["en"])
        return ", ".join(format_value(v, unit=unit, decimals=decimals, lang=lang) for v in value)
    if isinstance(value, Mapping):
        if not value:
            return MISSING_TEXT.get(lang, MISSING_TEXT["en"])
        return "; ".join(f"{k}: {format_value(v, unit=unit, decimals=decimals, lang=lang)}"
                         for k, v in value.items())
    text = str(value)
    return f"{text} {unit}" if unit and text else text


# ----------------------------------------------------------------------------- entries


def _spec_map(specs: Iterable[Spec] | Mapping[str, Spec] | None) -> dict[str, Spec]:
    if specs is None:
        return {}
    if isinstance(specs, Mapping):
        specs = specs.values()
    out: dict[str, Spec] = {}
    for s in specs:
        if not isinstance(s, Spec):
            raise TypeError(f"key figure declarations must be keyfigures.Spec; got {type(s).__name__}")
        if s.name in out:
            raise ValueError(f"key figure {s.name!r} is declared twice")
        out[s.name] = s
    return out


def entries(figures: Mapping[str, Any], headline: Sequence[Spec] | None = None,
            labels: Iterable[Spec] | None = None) -> list[dict]:
    """The stored form of ``figures`` (name -> value): the ``headline`` figures first, in
    their declared order, with ``headline: true``; then every other figure in the order
    given. ``labels`` declares readers' labels for the non-headline figures. A declared
    headline figure that ``figures`` lacks raises (a card must never silently lose one)."""
    if not isinstance(figures, Mapping) or not figures:
        raise ValueError("figures must be a non-empty dict of name -> value")
    for k in figures:
        if not isinstance(k, str) or not k.strip():
            raise TypeError(f"key figure names must be non-empty strings; got {k!r}")
    heads = _spec_map(headline)
    missing = [n for n in heads if n not in figures]
    if missing:
        raise KeyError(f"headline key figures {missing} are declared but not computed; "
                       f"computed: {sorted(figures)}")
    others = _spec_map(labels)
    order = list(heads) + [k for k in figures if k not in heads]
    out = []
    for name in order:
        spec = heads.get(name) or others.get(name)
        out.append({
            "name": name,
            "value": json_safe(figures[name], f"figures[{name!r}]"),
            "label": _(spec.label) if spec else name.replace("_", " "),
            "unit": _(spec.unit) if spec and spec.unit else "",
            "decimals": spec.decimals if spec else None,
            "headline": name in heads,
            "labelled": spec is not None,
        })
    return out


def text_of(entry: Mapping[str, Any], lang: str = "en") -> str:
    """The formatted value of one stored entry."""
    return format_value(entry.get("value"), unit=entry.get("unit") or "", decimals=entry.get("decimals"),
                        lang=lang)


def text_table(items: Sequence[Mapping[str, Any]], title: str | None = None, lang: str = "en") -> str:
    """The plain-text table shown for a key-figures output (and compared by nbval); ``title``
    defaults to "Key figures" in the run's language."""
    if title is None:
        # i18n: the heading of the table of a report's key figures
        title = _("Key figures")
    width = max(len(e["label"]) for e in items)
    lines = [title, "-" * len(title)]
    lines += [f"{e['label'].ljust(width)}  {text_of(e, lang)}" for e in items]
    return "\n".join(lines)


def bundle(items: Sequence[Mapping[str, Any]], title: str | None = None, lang: str = "en") -> dict:
    """The display bundle: ``{MIMETYPE: payload, "text/plain": table}``."""
    return {MIMETYPE: {"format": FORMAT, "figures": [dict(e) for e in items]},
            "text/plain": text_table(items, title, lang)}


def record(figures: Mapping[str, Any], headline: Sequence[Spec] | None = None, *,
           labels: Iterable[Spec] | None = None, title: str | None = None, lang: str | None = None) -> list[dict]:
    """Store the key figures in the running notebook (prints the table outside IPython);
    returns the stored entries. Labels, units and the table are in ``lang`` (default: the
    run's language)."""
    lang = lang or language()
    items = entries(figures, headline, labels)
    data = bundle(items, title, lang)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(data["text/plain"])
    else:
        display(data, raw=True)
    return items


# ----------------------------------------------------------------------------- reading back


def _payload_entries(payload: Any, where: str) -> list[dict]:
    if isinstance(payload, str):
        payload = json.loads(payload)
    if not isinstance(payload, Mapping) or payload.get("format") != FORMAT or not isinstance(
            payload.get("figures"), list):
        raise ValueError(f"{where}: key-figures output is not format {FORMAT} "
                         "({'format': 2, 'figures': [...]}); re-run the workbook")
    out = []
    for e in payload["figures"]:
        if not isinstance(e, Mapping) or not isinstance(e.get("name"), str):
            raise ValueError(f"{where}: a key-figure entry has no name: {e!r}")
        out.append({"name": e["name"], "value": e.get("value"), "label": str(e.get("label") or e["name"]),
                    "unit": str(e.get("unit") or ""), "decimals": e.get("decimals"),
                    "headline": bool(e.get("headline")),
                    # a reader's label was declared (older notebooks: assume so)
                    "labelled": bool(e.get("labelled", True))})
    return out


def read(notebook: Any) -> list[dict]:
    """Every key-figure entry recorded in an executed notebook (a path, an nbformat node or
    a dict), in recorded order. A name recorded twice with different values raises."""
    if isinstance(notebook, (str, os.PathLike)):
        path = Path(notebook)
        if not path.is_file():
            raise FileNotFoundError(f"no notebook at {path}")
        nb = json.loads(path.read_text(encoding="utf-8"))
    elif isinstance(notebook, Mapping):
        nb = notebook
    else:
        raise TypeError(f"notebook must be a path or a notebook node; got {type(notebook).__name__}")
    if "cells" not in nb:
        raise ValueError("notebook has no 'cells'; is it a Jupyter notebook?")
    found: dict[str, dict] = {}
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if MIMETYPE not in data:
                continue
            for e in _payload_entries(data[MIMETYPE], f"cell {i}"):
                old = found.get(e["name"])
                if old is not None and old["value"] != e["value"]:
                    raise ValueError(f"key figure {e['name']!r} is recorded twice with different values: "
                                     f"{old['value']!r} and {e['value']!r} (cell {i})")
                found.setdefault(e["name"], e)
    return list(found.values())


def as_dict(items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """name -> value of stored entries."""
    return {e["name"]: e["value"] for e in items}


def headline_first(items: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Entries with the declared headline figures first (stable otherwise)."""
    return [dict(e) for e in items if e.get("headline")] + [dict(e) for e in items if not e.get("headline")]
