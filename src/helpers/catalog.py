"""The dataset catalog (``src/helpers/catalog.yaml``): which live datasets the workbooks use.

>>> from helpers import catalog
>>> catalog.names()[:3]
>>> ds = catalog.get("population_11re")      # Dataset; unknown names raise with suggestions
>>> ds.source, ds.resource, ds.spec["table"]
>>> catalog.load_catalog().to_frame()         # one row per dataset

The YAML is validated on load: every entry names a known source, a valid and unique snapshot
resource, the keys its source needs (a table or a discovery rule for StatFin, an exact
indicator title for Sotkanet, a layer for geo.stat.fi) and well-formed selections.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import paths

CATALOG_FILE = "catalog.yaml"
SOURCES = ("statfin", "sotkanet", "geostat")
ROLES = ("area", "time", "content", "industry")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_COMMON = {"title", "source", "resource", "workbooks", "publisher", "licence", "attribution",
           "notes", "expect"}
_KEYS = {
    "statfin": _COMMON | {"table", "discover", "selection", "lang"},
    "sotkanet": _COMMON | {"indicator_title", "title_verified", "genders", "region_categories", "years"},
    "geostat": _COMMON | {"layer"},
}


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the entry and the key."""


class UnknownDatasetError(CatalogError, LookupError):
    """No dataset of that name; the message lists the closest names."""

    def __init__(self, name: str, available: Iterable[str]):
        self.name = name
        self.available = sorted(available)
        self.suggestions = difflib.get_close_matches(str(name), self.available, n=4, cutoff=0.4)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"unknown dataset {name!r}.{hint} Catalog datasets: {', '.join(self.available)}"
        )

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Dataset:
    """One catalog entry. ``spec`` holds every key of the entry after defaults were applied."""

    name: str
    source: str
    title: str
    resource: str
    workbooks: tuple[str, ...]
    publisher: str
    licence: str
    attribution: str
    notes: str = ""
    spec: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def verified(self) -> bool:
        """False for Sotkanet entries whose exact title has not been seen in API output."""
        return bool(self.spec.get("title_verified", True))

    def describe(self) -> str:
        s = self.spec
        if self.source == "statfin":
            where = s.get("table") or f"discover in {s['discover']['folder']}"
        elif self.source == "sotkanet":
            where = f"title {s['indicator_title']!r}"
        else:
            layer = s["layer"]
            where = f"{layer['kind']}{layer.get('scale', '4500k')}_{layer.get('year', 'current')}"
        return f"{self.source}: {where}"


class Catalog:
    def __init__(self, datasets: Mapping[str, Dataset], path: Path | None = None):
        self._datasets = dict(datasets)
        self.path = path

    def __contains__(self, name: object) -> bool:
        return name in self._datasets

    def __iter__(self):
        return iter(self._datasets.values())

    def __len__(self) -> int:
        return len(self._datasets)

    def names(self) -> list[str]:
        return list(self._datasets)

    def get(self, name: str) -> Dataset:
        try:
            return self._datasets[name]
        except (KeyError, TypeError):
            raise UnknownDatasetError(name, self._datasets) from None

    def datasets(self, source: str | None = None, workbook: str | None = None) -> list[Dataset]:
        if source is not None and source not in SOURCES:
            raise CatalogError(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
        return [d for d in self._datasets.values()
                if (source is None or d.source == source)
                and (workbook is None or workbook in d.workbooks)]

    def by_resource(self, resource: str) -> Dataset:
        for d in self._datasets.values():
            if d.resource == resource:
                return d
        raise UnknownDatasetError(resource, [d.resource for d in self._datasets.values()])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"name": d.name, "source": d.source, "title": d.title, "resource": d.resource,
              "workbooks": ", ".join(d.workbooks), "query": d.describe(), "verified": d.verified}
             for d in self._datasets.values()]
        )


def default_path() -> Path:
    return paths.package_dir() / CATALOG_FILE


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate a catalog file (default: the package's ``catalog.yaml``)."""
    path = Path(path) if path is not None else default_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"catalog file {path} does not exist") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path} is not valid YAML: {exc}") from None
    return Catalog(parse_catalog(raw, where=str(path)), path)


@lru_cache(maxsize=1)
def _default() -> Catalog:
    return load_catalog()


def names() -> list[str]:
    return _default().names()


def get(name: str) -> Dataset:
    return _default().get(name)


def datasets(source: str | None = None, workbook: str | None = None) -> list[Dataset]:
    return _default().datasets(source, workbook)


# --------------------------------------------------------------------------- validation

def parse_catalog(raw: Any, where: str = "catalog") -> dict[str, Dataset]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("datasets"), Mapping):
        raise CatalogError(f"{where}: expected a mapping with a 'datasets' mapping at the top")
    if raw.get("version", 1) != 1:
        raise CatalogError(f"{where}: unsupported catalog version {raw.get('version')!r} (expected 1)")
    defaults = raw.get("defaults") or {}
    unknown_defaults = set(defaults) - set(SOURCES)
    if unknown_defaults:
        raise CatalogError(f"{where}: defaults for unknown sources {sorted(unknown_defaults)}")
    out: dict[str, Dataset] = {}
    resources: dict[str, str] = {}
    for name, entry in raw["datasets"].items():
        ds = _parse_entry(str(name), entry, defaults, where)
        if ds.resource in resources:
            raise CatalogError(
                f"{where}: datasets {resources[ds.resource]!r} and {name!r} both pin resource "
                f"{ds.resource!r}; every dataset needs its own resource"
            )
        resources[ds.resource] = ds.name
        out[ds.name] = ds
    if not out:
        raise CatalogError(f"{where}: no datasets")
    return out


def _fail(where: str, name: str, msg: str) -> CatalogError:
    return CatalogError(f"{where}: dataset {name!r}: {msg}")


def _parse_entry(name: str, entry: Any, defaults: Mapping, where: str) -> Dataset:
    if not _NAME.match(name):
        raise _fail(where, name, "names use lower-case letters, digits and underscores")
    if not isinstance(entry, Mapping):
        raise _fail(where, name, f"expected a mapping, got {type(entry).__name__}")
    source = entry.get("source")
    if source not in SOURCES:
        raise _fail(where, name, f"source {source!r} is not one of {', '.join(SOURCES)}")
    spec = copy.deepcopy(dict(defaults.get(source) or {}))
    spec.update(copy.deepcopy(dict(entry)))
    unknown = set(spec) - _KEYS[source]
    if unknown:
        close = {k: difflib.get_close_matches(k, sorted(_KEYS[source]), n=1) for k in unknown}
        raise _fail(where, name, f"unknown key(s) {sorted(unknown)} for a {source} dataset "
                                 f"(closest valid: {close})")
    for key in ("title", "resource", "attribution", "publisher", "licence"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise _fail(where, name, f"needs a non-empty {key!r}")
    if not _NAME.match(spec["resource"]):
        raise _fail(where, name, f"resource {spec['resource']!r} is not a valid snapshot resource "
                                 f"name (lower-case letters, digits, underscores)")
    workbooks = spec.get("workbooks")
    if not isinstance(workbooks, list) or not workbooks or not all(isinstance(w, str) for w in workbooks):
        raise _fail(where, name, "needs 'workbooks': a non-empty list of workbook ids")
    _check_expect(where, name, spec.get("expect"))
    {"statfin": _check_statfin, "sotkanet": _check_sotkanet, "geostat": _check_geostat}[source](
        where, name, spec)
    return Dataset(
        name=name, source=source, title=spec["title"], resource=spec["resource"],
        workbooks=tuple(workbooks), publisher=spec["publisher"], licence=spec["licence"],
        attribution=spec["attribution"], notes=str(spec.get("notes") or ""), spec=spec,
    )


def _check_expect(where, name, expect) -> None:
    if expect is None:
        return
    if not isinstance(expect, Mapping) or set(expect) - {"roles", "values", "min_rows"}:
        raise _fail(where, name, "expect may hold only roles, values and min_rows")
    roles = expect.get("roles", [])
    if not isinstance(roles, list) or set(roles) - set(ROLES):
        raise _fail(where, name, f"expect.roles must list roles from {ROLES}")
    values = expect.get("values", {})
    if not isinstance(values, Mapping) or not all(isinstance(v, list) for v in values.values()):
        raise _fail(where, name, "expect.values maps a role or column to a list of codes")
    if any(not isinstance(c, str) for v in values.values() for c in v):
        raise _fail(where, name, "expect.values codes must be quoted strings (e.g. \"019\")")
    if "min_rows" in expect and (not isinstance(expect["min_rows"], int) or expect["min_rows"] < 1):
        raise _fail(where, name, "expect.min_rows must be a positive integer")


def _check_selection(where, name, selection) -> None:
    if not isinstance(selection, Mapping) or not selection:
        raise _fail(where, name, "needs a non-empty 'selection' mapping")
    for key, spec in selection.items():
        ok = (
            spec in ("*", "all")
            or (isinstance(spec, list) and spec and all(isinstance(x, str) for x in spec))
            or (isinstance(spec, str))
            or (isinstance(spec, Mapping) and len(spec) == 1 and (
                ("top" in spec and isinstance(spec["top"], int) and spec["top"] > 0)
                or ("match" in spec and isinstance(spec["match"], str))))
        )
        if not ok:
            raise _fail(where, name, f"selection of {key!r} is {spec!r}; use a list of quoted codes, "
                                     f"'*', {{top: n}} or {{match: regex}}")
        if isinstance(spec, Mapping) and "match" in spec:
            try:
                re.compile(spec["match"])
            except re.error as exc:
                raise _fail(where, name, f"selection of {key!r}: bad regular expression: {exc}") from None


def _check_statfin(where, name, spec) -> None:
    has_table, has_discover = "table" in spec, "discover" in spec
    if has_table == has_discover:
        raise _fail(where, name, "a statfin dataset needs exactly one of 'table' or 'discover'")
    if has_table:
        table = spec["table"]
        if isinstance(table, str) and re.search(r"statfin_[a-z0-9]+_pxt_", table):
            raise _fail(where, name, f"table {table!r} is a legacy long id; since June 2026 use the "
                                     f"short id (e.g. 'vaerak/11re')")
        if not isinstance(table, str) or not re.match(r"^([a-z0-9]+/)?[0-9a-z]+(\.px)?$", table):
            raise _fail(where, name, f"table {table!r} should look like 'vaerak/11re'")
    else:
        d = spec["discover"]
        if not isinstance(d, Mapping) or not d.get("folder") or not d.get("title_pattern"):
            raise _fail(where, name, "discover needs 'folder' and 'title_pattern'")
        extra = set(d) - {"folder", "title_pattern", "require_roles", "require_values",
                          "prefer_most_values_of"}
        if extra:
            raise _fail(where, name, f"unknown discover key(s) {sorted(extra)}")
        try:
            re.compile(d["title_pattern"])
        except re.error as exc:
            raise _fail(where, name, f"discover.title_pattern: {exc}") from None
        if set(d.get("require_roles", [])) - set(ROLES):
            raise _fail(where, name, f"discover.require_roles must list roles from {ROLES}")
        if d.get("prefer_most_values_of") not in (None, *ROLES):
            raise _fail(where, name, f"discover.prefer_most_values_of must be a role from {ROLES}")
    _check_selection(where, name, spec.get("selection"))
    if spec.get("lang", "fi") not in ("fi", "en", "sv"):
        raise _fail(where, name, "lang must be fi, en or sv")


def _check_sotkanet(where, name, spec) -> None:
    title = spec.get("indicator_title")
    if not isinstance(title, str) or not title.strip() or title != title.strip():
        raise _fail(where, name, "needs 'indicator_title': the exact Finnish title, without "
                                 "leading or trailing spaces")
    genders = spec.get("genders", ["total"])
    if not isinstance(genders, list) or not genders or set(genders) - {"total", "male", "female"}:
        raise _fail(where, name, "genders must list total / male / female")
    cats = spec.get("region_categories", [])
    if not isinstance(cats, list) or not cats or any(c != str(c).upper() for c in cats):
        raise _fail(where, name, "region_categories must list Sotkanet categories in upper case, "
                                 "e.g. [KUNTA, MAAKUNTA]")
    years = spec.get("years", "all")
    if not (years == "all" or (isinstance(years, list) and years and all(isinstance(y, int) for y in years))):
        raise _fail(where, name, "years must be 'all' or a list of integers")
    if not isinstance(spec.get("title_verified", True), bool):
        raise _fail(where, name, "title_verified must be true or false")


def _check_geostat(where, name, spec) -> None:
    layer = spec.get("layer")
    if not isinstance(layer, Mapping):
        raise _fail(where, name, "needs 'layer': {kind, scale, year}")
    if layer.get("kind") not in ("kunta", "maakunta", "hyvinvointialue"):
        raise _fail(where, name, f"layer.kind {layer.get('kind')!r} is not kunta, maakunta or hyvinvointialue")
    if layer.get("scale", "4500k") not in ("1000k", "4500k"):
        raise _fail(where, name, f"layer.scale {layer.get('scale')!r} is not 1000k or 4500k")
    year = layer.get("year", "current")
    if not (year == "current" or isinstance(year, int)):
        raise _fail(where, name, f"layer.year {year!r} must be an integer or 'current'")
    fb = layer.get("fallback_years", 0)
    if not isinstance(fb, int) or fb < 0:
        raise _fail(where, name, "layer.fallback_years must be a non-negative integer")
