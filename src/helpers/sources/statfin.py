"""Statistics Finland StatFin database through the PxWeb API v1.

Base ``https://pxdata.stat.fi/PxWeb/api/v1/{fi,en,sv}/StatFin/``. Since the migration of
8 June 2026 tables have short ids (``11re.px``; the old long ids such as
``statfin_vaerak_pxt_11re.px`` answer HTTP 400) and variables have version-stamped codes
(``alue_23_20260101``, ``timeperiod_y``, ``contentscode``) -- while some tables still use
legacy names such as ``Alue``. So this client never hard-codes a variable code: it reads the
table's metadata and picks variables by *role* (area, time, content, industry) or by a
code's stable stem (``ikaryhma`` matches ``ikaryhma_10_20180101``).

Flow: :meth:`StatFin.list_folder` -> :meth:`StatFin.metadata` -> :meth:`StatFin.query`
(builds the selection, splits it when it would exceed the 120,000-cell limit, POSTs each part
with ``"response": {"format": "json-stat2"}``, parses with :func:`parse_jsonstat2` of
:mod:`helpers.sources.jsonstat` and concatenates). Limits per the API's ``?config``:
120,000 cells per query, 40 calls per 60 s.

Selections (a dict ``{key: selection}``; key = role, code, code stem or variable label):
``["SSS", "MK02"]`` or :func:`item` -> those codes; ``"*"`` / ``"all"`` / :func:`all_values`
-> all values; ``{"top": 3}`` / :func:`top` -> the last *n* values (the newest, for time);
``{"match": "^MK\\d\\d$"}`` / :func:`match` -> codes matching a regular expression.
Variables left out are eliminated by the server when they can be; a non-eliminable variable
left out is requested in full.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .http import HttpClient, HTTPStatusError, SourceError

# the json-stat2 parser lives in helpers.sources.jsonstat; importable from here as before
from .jsonstat import MISSING_SYMBOLS, JsonStatError, parse_jsonstat2, validate_jsonstat  # noqa: F401

DEFAULT_BASE_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
DEFAULT_DATABASE = "StatFin"
MAX_CELLS = 120_000
RATE_LIMIT = (40, 60.0)  # calls per seconds, from the API's ?config
LANGUAGES = ("fi", "en", "sv")
ROLES = ("area", "time", "content", "industry")

_DATED_CODE = re.compile(r"^(?P<stem>.+?)_\d+_\d{8}$")
_LEGACY_ID = re.compile(r"^statfin_(?P<subject>[a-z0-9]+)_pxt_(?P<short>[0-9a-z]+?)(?:\.px)?$", re.I)
_AREA_VALUE = re.compile(r"^(SSS|KU\d{3}|MK\d{2}|SK\d{3}|HV\d{2}|ELY\d{2}|AVI\d|MA\d)$")


class StatFinError(SourceError):
    """A StatFin request or selection problem, with a message naming what was wrong."""


# =========================================================================== metadata

@dataclass(frozen=True)
class Variable:
    code: str
    text: str
    values: tuple[str, ...]
    value_texts: tuple[str, ...]
    elimination: bool = False
    time: bool = False

    @property
    def stem(self) -> str:
        """The code without a version stamp: ``alue_23_20260101`` -> ``alue``."""
        m = _DATED_CODE.match(self.code)
        return (m.group("stem") if m else self.code).lower()

    def label_of(self, code: str) -> str:
        try:
            return self.value_texts[self.values.index(code)]
        except (ValueError, IndexError):
            return code


@dataclass(frozen=True)
class TableMetadata:
    table: str
    title: str
    variables: tuple[Variable, ...]
    url: str = ""

    @classmethod
    def from_json(cls, table: str, data: Mapping, url: str = "") -> TableMetadata:
        if not isinstance(data, Mapping) or "variables" not in data:
            raise StatFinError(
                f"metadata of table {table!r} has no 'variables' (got "
                f"{type(data).__name__}); is {table!r} a table rather than a folder?"
            )
        variables = []
        for v in data["variables"]:
            values = tuple(str(x) for x in v.get("values", []))
            texts = tuple(str(x) for x in v.get("valueTexts", values))
            variables.append(
                Variable(
                    code=str(v["code"]), text=str(v.get("text", v["code"])), values=values,
                    value_texts=texts, elimination=bool(v.get("elimination", False)),
                    time=bool(v.get("time", False)),
                )
            )
        return cls(table=table, title=str(data.get("title", "")), variables=tuple(variables), url=url)

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.variables]

    def variable(self, key: str) -> Variable:
        """A variable by role, exact code, code stem (``ikaryhma``) or label (``Ikä``)."""
        if key in ROLES:
            return self.role(key)
        for v in self.variables:
            if v.code == key:
                return v
        low = key.lower()
        for attr in ("stem", "text"):
            hits = [v for v in self.variables if getattr(v, attr).lower() == low]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise StatFinError(
                    f"{key!r} matches several variables of table {self.table}: "
                    f"{[h.code for h in hits]}; use the exact code"
                )
        valid = self.codes + [v.stem for v in self.variables] + list(ROLES)
        close = difflib.get_close_matches(key, valid, n=4, cutoff=0.5)
        raise StatFinError(
            f"table {self.table} has no variable {key!r}. Variables: "
            + ", ".join(f"{v.code} ({v.text})" for v in self.variables)
            + f"; roles: {', '.join(ROLES)}"
            + (f". Did you mean {close}?" if close else "")
        )

    def roles(self) -> dict[str, str]:
        """Role -> variable code for every role this table has."""
        out = {}
        for role in ROLES:
            try:
                out[role] = self.role(role).code
            except StatFinError:
                pass
        return out

    def role(self, role: str) -> Variable:
        if role not in ROLES:
            raise StatFinError(f"unknown role {role!r}; valid roles: {', '.join(ROLES)}")
        scored = [(score, v) for v in self.variables if (score := _role_score(role, v)) > 0]
        if not scored:
            raise StatFinError(
                f"table {self.table} has no {role} variable (variables: "
                + ", ".join(f"{v.code} ({v.text})" for v in self.variables) + ")"
            )
        best = max(s for s, _ in scored)
        top = [v for s, v in scored if s == best]
        if len(top) > 1:
            raise StatFinError(
                f"table {self.table}: several variables could be the {role} variable: "
                f"{[v.code for v in top]}; select by exact code instead"
            )
        return top[0]


_ROLE_STEMS = {
    "area": {"alue", "kunta", "maakunta", "seutukunta", "hyvinvointialue", "tyopaikan_alue",
             "asuinalue", "area", "region", "municipality"},
    "time": {"timeperiod_y", "timeperiod_m", "timeperiod_q", "timeperiod", "vuosi", "kuukausi",
             "neljannes", "vuosineljannes", "year", "month", "quarter"},
    "content": {"contentscode", "tiedot", "contents"},
    "industry": {"toimiala", "toimiala_tol2008", "tol2008", "industry"},
}
_ROLE_TEXTS = {
    "area": ("alue", "area", "område", "kunta", "municipality", "kommun", "maakunta", "region",
             "landskap", "seutukunta", "työpaikan alue", "asuinalue", "hyvinvointialue"),
    "time": ("vuosi", "year", "år", "kuukausi", "month", "månad", "neljännes", "vuosineljännes",
             "quarter", "kvartal"),
    "content": ("tiedot", "information", "uppgifter", "contents"),
    "industry": ("toimiala", "industry", "näringsgren"),
}


def _role_score(role: str, v: Variable) -> int:
    stem = v.stem
    text = v.text.strip().lower()
    score = 0
    if role == "time" and v.time:
        score += 4
    if stem in _ROLE_STEMS[role] or (role == "industry" and stem.startswith("toimiala")) or (
        role == "area" and stem.startswith("alue")
    ):
        score += 3
    texts = _ROLE_TEXTS[role]
    if text in texts:
        score += 2
    elif role in ("industry", "area") and any(text.startswith(t) for t in texts):
        score += 1
    if role == "industry" and "tol" in text and "2008" in text:
        score += 1
    if role == "area" and v.values:
        hits = sum(1 for x in v.values if _AREA_VALUE.match(x) and x != "SSS")
        if hits and hits >= 0.5 * len(v.values):
            score += 1
    return score


# =========================================================================== selections

@dataclass(frozen=True)
class Selection:
    """How one variable is selected: ``filter`` in item/all/top/match with ``values``."""

    filter: str
    values: tuple[str, ...] = field(default_factory=tuple)

    def resolve(self, var: Variable, table: str) -> list[str]:
        """The explicit list of value codes this selection stands for, in metadata order."""
        if self.filter == "all":
            return list(var.values)
        if self.filter == "top":
            n = int(self.values[0])
            return list(var.values[-n:]) if n > 0 else []
        if self.filter == "match":
            rx = re.compile(self.values[0])
            hits = [x for x in var.values if rx.search(x)]
            if not hits:
                raise StatFinError(
                    f"table {table}: no value of {var.code} ({var.text}) matches {self.values[0]!r}; "
                    f"values look like {list(var.values[:8])}"
                )
            return hits
        known = set(var.values)
        bad = [x for x in self.values if x not in known]
        if bad:
            hints = {b: difflib.get_close_matches(b, var.values, n=3, cutoff=0.6) for b in bad}
            raise StatFinError(
                f"table {table}: {var.code} ({var.text}) has no value(s) {bad}; "
                f"closest valid: {hints}; {len(var.values)} valid values such as {list(var.values[:8])}"
            )
        wanted = set(self.values)
        return [x for x in var.values if x in wanted]

    def query_part(self, var: Variable, table: str) -> dict:
        """The PxWeb selection object (keeps the 'top'/'all' form when possible)."""
        if self.filter == "all":
            return {"filter": "all", "values": ["*"]}
        if self.filter == "top":
            return {"filter": "top", "values": [str(int(self.values[0]))]}
        return {"filter": "item", "values": self.resolve(var, table)}


def item(*codes: str | Iterable[str]) -> Selection:
    flat: list[str] = []
    for c in codes:
        flat.extend([c] if isinstance(c, str) else list(c))
    return Selection("item", tuple(str(c) for c in flat))


def all_values() -> Selection:
    return Selection("all", ("*",))


def top(n: int) -> Selection:
    if int(n) < 1:
        raise ValueError(f"top(n) needs n >= 1, got {n}")
    return Selection("top", (str(int(n)),))


def match(pattern: str) -> Selection:
    re.compile(pattern)
    return Selection("match", (pattern,))


def as_selection(spec) -> Selection:
    """Normalise the forms accepted in selections and in catalog.yaml."""
    if isinstance(spec, Selection):
        return spec
    if isinstance(spec, str):
        if spec in ("*", "all"):
            return all_values()
        return item(spec)
    if isinstance(spec, (list, tuple)):
        if not spec:
            raise StatFinError("an empty value list selects nothing")
        return item(*[str(x) for x in spec])
    if isinstance(spec, Mapping):
        if "top" in spec:
            return top(int(spec["top"]))
        if "match" in spec:
            return match(str(spec["match"]))
        if "all" in spec or spec.get("filter") == "all":
            return all_values()
        if "items" in spec:
            return item(*[str(x) for x in spec["items"]])
        flt = spec.get("filter")
        vals = spec.get("values", [])
        if flt == "item":
            return item(*[str(x) for x in vals])
        if flt == "top":
            return top(int(vals[0]))
        if flt == "match":
            return match(str(vals[0]))
    raise StatFinError(
        f"cannot read selection {spec!r}; use a list of codes, '*', {{'top': n}} or "
        f"{{'match': 'regex'}}"
    )


@dataclass
class Query:
    """A resolved query: the PxWeb body (or bodies, after splitting) and its cell count."""

    table: str
    bodies: list[dict]
    cells: int
    selected: dict[str, list[str]]


def build_query(meta: TableMetadata, selection: Mapping[str, Any] | None = None, *,
                max_cells: int = MAX_CELLS) -> Query:
    """Resolve a role/code selection against metadata and split it to respect ``max_cells``."""
    selection = dict(selection or {})
    chosen: dict[str, Selection] = {}
    for key, spec in selection.items():
        var = meta.variable(key)
        if var.code in chosen:
            raise StatFinError(f"table {meta.table}: {var.code} is selected twice (as {key!r})")
        chosen[var.code] = as_selection(spec)

    parts: list[dict] = []
    selected: dict[str, list[str]] = {}
    cells = 1
    for var in meta.variables:
        sel = chosen.get(var.code)
        if sel is None:
            if var.elimination or len(var.values) <= 1:
                continue  # the server eliminates it (or it has one value)
            sel = all_values()
        values = sel.resolve(var, meta.table)
        if not values:
            raise StatFinError(f"table {meta.table}: selection of {var.code} selects no values")
        selected[var.code] = values
        cells *= len(values)
        parts.append({"code": var.code, "selection": sel.query_part(var, meta.table)})

    def body(ps):
        return {"query": ps, "response": {"format": "json-stat2"}}

    if cells <= max_cells:
        return Query(meta.table, [body(parts)], cells, selected)

    # Too large: make every selection explicit and split along the largest variables.
    explicit = {code: list(vals) for code, vals in selected.items()}
    chunks = _split(explicit, max_cells)
    bodies = [
        body([{"code": code, "selection": {"filter": "item", "values": vals}}
              for code, vals in chunk.items()])
        for chunk in chunks
    ]
    return Query(meta.table, bodies, cells, selected)


def _split(sel: dict[str, list[str]], max_cells: int) -> list[dict[str, list[str]]]:
    cells = math.prod(len(v) for v in sel.values())
    if cells <= max_cells:
        return [sel]
    code = max(sel, key=lambda c: len(sel[c]))
    n = len(sel[code])
    if n <= 1:
        raise StatFinError(f"cannot split a query of {cells} cells below {max_cells}")
    rest = cells // n
    per = max(1, max_cells // rest)
    out = []
    for i in range(0, n, per):
        part = dict(sel)
        part[code] = sel[code][i:i + per]
        out.extend(_split(part, max_cells))
    return out


# =========================================================================== client

class StatFin:
    """PxWeb v1 client for one language and database.

    ``StatFin(base_url="http://127.0.0.1:8123/PxWeb/api/v1")`` points it at a mirror or a
    replay server. Without ``http`` it makes an :class:`HttpClient` paced at 40 calls / 60 s.
    """

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, lang: str = "fi",
                 database: str = DEFAULT_DATABASE, http: HttpClient | None = None,
                 max_cells: int = MAX_CELLS):
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
        self.base_url = base_url.rstrip("/")
        self.lang = lang
        self.database = database
        self.http = http or HttpClient(rate_limit=RATE_LIMIT)
        self.max_cells = int(max_cells)

    # -- urls --------------------------------------------------------------------
    def url(self, path: str = "") -> str:
        path = path.strip("/")
        root = f"{self.base_url}/{self.lang}/{self.database}"
        return f"{root}/{path}" if path else root

    @staticmethod
    def table_path(table: str) -> str:
        """``11re`` / ``vaerak/11re`` / ``vaerak/11re.px`` -> path ending in ``.px``."""
        table = str(table).strip().strip("/")
        if not table:
            raise StatFinError("empty table id")
        return table if table.endswith(".px") else table + ".px"

    def _call(self, method: str, path: str, payload=None, **kw):
        url = self.url(path)
        try:
            if method == "GET":
                return self.http.get_json(url, **kw)
            return self.http.post_json(url, payload, **kw)
        except HTTPStatusError as exc:
            raise StatFinError(self._explain(exc, path)) from exc

    @staticmethod
    def _explain(exc: HTTPStatusError, path: str) -> str:
        name = path.rsplit("/", 1)[-1]
        m = _LEGACY_ID.match(name)
        if m:
            short = m.group("short")
            return (
                f"StatFin answered HTTP {exc.status} for the legacy long table id {name!r}. Since "
                f"8 June 2026 StatFin uses short ids: use {short!r} (e.g. "
                f"'{m.group('subject')}/{short}'); archived tables keep long ids in the "
                f"StatFin_Passiivi database. ({exc})"
            )
        if exc.status == 404:
            return f"StatFin has no table or folder {path!r} (HTTP 404); list the folder to see ids. ({exc})"
        if exc.status == 400:
            return f"StatFin rejected the request for {path!r} (HTTP 400): check codes and selection. ({exc})"
        return str(exc)

    # -- api ---------------------------------------------------------------------
    def list_folder(self, folder: str = "", **kw) -> pd.DataFrame:
        """Entries of a database folder: ``id``, ``type`` ('l' folder / 't' table), ``text``,
        ``updated`` and ``table_id`` (the id without ``.px`` for tables)."""
        res = self._call("GET", folder, **kw)
        if not isinstance(res.data, list):
            raise StatFinError(f"{res.url} is not a folder listing (got {type(res.data).__name__})")
        frame = pd.DataFrame(res.data, columns=["id", "type", "text", "updated"])
        is_table = (frame["type"] == "t").to_numpy()
        ids = frame["id"].astype(str).str.removesuffix(".px").to_numpy(dtype=object)
        frame["table_id"] = np.where(is_table, ids, None)
        frame.attrs["url"] = res.url
        frame.attrs["retrieved_at"] = res.retrieved_at
        return frame

    def find_tables(self, folder: str, title_pattern: str) -> pd.DataFrame:
        """Tables in ``folder`` whose title matches a regular expression (case-insensitive)."""
        listing = self.list_folder(folder)
        tables = listing[listing["type"] == "t"]
        hits = tables[tables["text"].str.contains(title_pattern, case=False, regex=True, na=False)]
        hits.attrs.update(listing.attrs)
        return hits.reset_index(drop=True)

    def metadata(self, table: str, **kw) -> TableMetadata:
        path = self.table_path(table)
        res = self._call("GET", path, **kw)
        return TableMetadata.from_json(path, res.data, url=res.url)

    def build_query(self, table_or_meta, selection=None) -> Query:
        meta = table_or_meta if isinstance(table_or_meta, TableMetadata) else self.metadata(table_or_meta)
        return build_query(meta, selection, max_cells=self.max_cells)

    def query(self, table: str | TableMetadata, selection: Mapping[str, Any] | None = None,
              **kw) -> pd.DataFrame:
        """Fetch a selection as a tidy frame (see :func:`parse_jsonstat2`), splitting as needed.

        attrs: ``table_id``, ``updated`` (latest of the parts), ``label``, ``source``,
        ``url``, ``query`` (the list of bodies sent), ``cells``, ``metadata_title``,
        ``variable_roles`` (role -> code) and ``retrieved_at``.
        """
        meta = table if isinstance(table, TableMetadata) else self.metadata(table)
        q = build_query(meta, selection, max_cells=self.max_cells)
        frames = []
        retrieved = []
        for body in q.bodies:
            res = self._call("POST", meta.table, body, validate=validate_jsonstat, **kw)
            frames.append(parse_jsonstat2(res.data))
            retrieved.append(res.retrieved_at)
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        attrs = dict(frames[0].attrs)
        updates = [f.attrs.get("updated") for f in frames if f.attrs.get("updated")]
        attrs["updated"] = max(updates) if updates else None
        attrs.update(
            {
                "url": self.url(meta.table),
                "query": q.bodies,
                "cells": q.cells,
                "metadata_title": meta.title,
                "variable_roles": meta.roles(),
                "retrieved_at": min(retrieved),
            }
        )
        frame.attrs = attrs
        expected = q.cells
        if len(frame) != expected:
            raise StatFinError(
                f"table {meta.table}: expected {expected} cells from the selection, got {len(frame)}"
            )
        return frame
