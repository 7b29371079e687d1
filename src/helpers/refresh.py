"""Pull the catalog's live datasets and pin them in the snapshot (behind ``workbooks data``).

``workbooks data refresh [DATASET ...]`` pulls each dataset of ``catalog.yaml`` through the live
clients (cache, pacing, retries), checks it (schema, not empty, the expected roles and codes),
and pins it with :meth:`helpers.snapshot.Snapshot.write_resource`, which writes a temporary
file, validates what it reads back, and only then replaces the file and the manifest entry.
A dataset that fails at any step leaves its pinned file and manifest entry exactly as they
were; the run goes on with the next dataset and ends with a list of what failed and why
(exit status 1).

The manifest entry of a refreshed resource records the source's own ``updated`` stamp
(``source_updated``), the retrieval time, the exact query (``query``: URL, table or
indicator id, request bodies / parameters) and the catalog dataset it came from.

``workbooks data status`` lists the pinned resources with their age and whether their sha256
still verifies; ``workbooks data list`` lists the catalog.

Every pinned resource carries its dataset's own licence from ``catalog.yaml`` (``licence``:
an SPDX id such as ``CC-BY-4.0``, expanded to the licence's title and URL when it is one of
:data:`LICENCES`); a dataset without one is refused before anything is pulled.

Mirrors: every client's base URL can be changed with ``--statfin-url`` / ``--sotkanet-url`` /
``--geostat-url`` or ``TURKU_WORKBOOKS_STATFIN_URL`` / ``_SOTKANET_URL`` / ``_GEOSTAT_URL``.
The command line itself is in :mod:`helpers.cli`.
"""

from __future__ import annotations

import os
import sqlite3
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from . import catalog as catalog_mod
from . import settings
from .catalog import Catalog, Dataset

STATFIN_URL_ENV = settings.STATFIN_URL_ENV
SOTKANET_URL_ENV = settings.SOTKANET_URL_ENV
GEOSTAT_URL_ENV = settings.GEOSTAT_URL_ENV
#: titles and URLs of the licences catalog datasets name by SPDX id
LICENCES = {
    "CC-BY-4.0": {"path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "Creative Commons Attribution 4.0 International"},
    "CC0-1.0": {"path": "https://creativecommons.org/publicdomain/zero/1.0/",
                "title": "Creative Commons Zero v1.0 Universal"},
}


class RefreshError(RuntimeError):
    """A dataset could not be pulled or failed its checks; nothing was pinned for it."""


class CacheError(RefreshError):
    """The HTTP cache cannot be read or written (corrupt, read-only): every dataset would fail."""


# --------------------------------------------------------------------------- clients

@dataclass
class Clients:
    statfin: Any
    sotkanet: Any
    geostat: Any

    @classmethod
    def create(cls, *, statfin_url: str | None = None, sotkanet_url: str | None = None,
               geostat_url: str | None = None, cache: bool = True,
               cache_path: str | os.PathLike | None = None, clock=None) -> Clients:
        from .sources import geostat, sotkanet, statfin
        from .sources.http import HttpClient

        def http(**kw):
            return HttpClient(cache=cache, cache_path=cache_path, clock=clock, **kw)

        return cls(
            statfin=statfin.StatFin(statfin_url or settings.get(STATFIN_URL_ENV) or statfin.DEFAULT_BASE_URL,
                                    http=http(rate_limit=statfin.RATE_LIMIT)),
            sotkanet=sotkanet.Sotkanet(sotkanet_url or settings.get(SOTKANET_URL_ENV) or sotkanet.DEFAULT_BASE_URL,
                                       http=http()),
            geostat=geostat.GeoStat(geostat_url or settings.get(GEOSTAT_URL_ENV) or geostat.DEFAULT_BASE_URL,
                                    http=http()),
        )


@dataclass
class Pulled:
    frame: pd.DataFrame
    metadata: dict
    summary: str


@dataclass
class Result:
    dataset: str
    resource: str
    ok: bool
    message: str
    rows: int | None = None
    skipped: bool = False


# --------------------------------------------------------------------------- pulling

def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _period(values: Iterable[Any]) -> str:
    vals = sorted({str(v) for v in values if v is not None and str(v) != "nan"})
    if not vals:
        return "unknown"
    return vals[0] if len(vals) == 1 else f"{vals[0]}-{vals[-1]}"


def licence(ds: Dataset, note: str = "") -> dict:
    """The manifest's ``licenses`` entry for a dataset: its catalog ``licence`` (an SPDX id),
    with title and URL for the licences in :data:`LICENCES`; ``note`` is added to the title."""
    name = (ds.licence or "").strip() if isinstance(ds.licence, str) else ""
    if not name:
        raise RefreshError(f"dataset {ds.name!r} names no licence in the catalog; add 'licence: <SPDX id>' "
                           f"(e.g. CC-BY-4.0) — nothing is pinned without one")
    entry = {"name": name, **LICENCES.get(name, {})}
    if note:
        entry["title"] = f"{entry.get('title', name)} ({note})"
    return entry


def pull(ds: Dataset, clients: Clients) -> Pulled:
    """Fetch one catalog dataset and return the frame to pin with its manifest metadata."""
    licence(ds)  # refused before anything is pulled
    fn = {"statfin": _pull_statfin, "sotkanet": _pull_sotkanet, "geostat": _pull_geostat}[ds.source]
    return fn(ds, clients)


def _choose_table(ds: Dataset, sf) -> tuple[Any, dict]:
    """The table's metadata: the catalog's fixed table or the one discovery picks."""
    spec = ds.spec
    if "table" in spec:
        meta = sf.metadata(spec["table"])
        return meta, {"table": spec["table"]}
    d = spec["discover"]
    hits = sf.find_tables(d["folder"], d["title_pattern"])
    listing_url = hits.attrs.get("url")
    if hits.empty:
        listing = sf.list_folder(d["folder"])
        raise RefreshError(
            f"no table in StatFin/{d['folder']} has a title matching {d['title_pattern']!r}; "
            f"tables there: " + "; ".join(f"{r.table_id}: {r.text}" for r in listing.itertuples()
                                          if r.type == "t")
        )
    candidates, rejected = [], []
    for row in hits.itertuples():
        path = f"{d['folder']}/{row.table_id}"
        meta = sf.metadata(path)
        roles = meta.roles()
        missing = [r for r in d.get("require_roles", []) if r not in roles]
        if missing:
            rejected.append(f"{row.table_id} (no {', '.join(missing)} variable)")
            continue
        lacking = []
        for role, codes in (d.get("require_values") or {}).items():
            var = meta.variable(role)
            lacking += [f"{role}={c}" for c in codes if c not in var.values]
        if lacking:
            rejected.append(f"{row.table_id} (lacks {', '.join(lacking)})")
            continue
        size = len(meta.role(d["prefer_most_values_of"]).values) if d.get("prefer_most_values_of") else 0
        candidates.append((size, row.table_id, meta, row.text))
    if not candidates:
        raise RefreshError(
            f"tables in StatFin/{d['folder']} matching {d['title_pattern']!r} were found but none "
            f"fits: {'; '.join(rejected)}"
        )
    candidates.sort(key=lambda c: (-c[0], c[1]))
    size, tid, meta, text = candidates[0]
    info = {"table": f"{d['folder']}/{tid}", "discovered_from": listing_url,
            "discovery_rule": dict(d), "candidates": [c[1] for c in candidates]}
    return meta, info


def _pull_statfin(ds: Dataset, clients: Clients) -> Pulled:
    sf = clients.statfin
    if ds.spec.get("lang", "fi") != sf.lang:
        from .sources.statfin import StatFin

        sf = StatFin(sf.base_url, lang=ds.spec["lang"], http=sf.http, max_cells=sf.max_cells)
    meta, info = _choose_table(ds, sf)
    frame = sf.query(meta, ds.spec["selection"])
    roles = frame.attrs.get("variable_roles", {})
    _check_expect(ds, frame, roles)
    frame = frame.rename(columns={"status": "value_status"})
    tid = frame.attrs.get("table_id") or info["table"].split("/")[-1]
    time_col = roles.get("time")
    period = _period(frame[time_col]) if time_col in frame.columns else "unknown"
    suppressed = int(frame["value"].isna().sum())
    attribution = ds.attribution if tid in ds.attribution else f"{ds.attribution} (table {tid})"
    query = {"url": frame.attrs.get("url"), **info, "bodies": frame.attrs.get("query"),
             "cells": frame.attrs.get("cells")}
    metadata = {
        "title": ds.title,
        "description": (f"{frame.attrs.get('metadata_title') or ds.title}. Pulled live from the "
                        f"Statistics Finland PxWeb API v1, table {tid}. One row per cell: a code and "
                        f"a label column per variable, 'value' (NaN where the publisher left the "
                        f"cell empty or marked it '..') and 'value_status' (the publisher's marker)."),
        "sources": [{"title": f"Statistics Finland StatFin, table {tid}: {frame.attrs.get('label') or ''}".strip(),
                     "path": frame.attrs.get("url"), "publisher": ds.publisher}],
        "licenses": [licence(ds)],
        "publisher": ds.publisher,
        "attribution": attribution,
        "table_id": tid,
        "reference_period": period,
        "retrieved_at": frame.attrs.get("retrieved_at") or _now(),
        "source_updated": frame.attrs.get("updated"),
        "obtained": (f"`workbooks data refresh {ds.name}`: PxWeb v1 POST(s) with json-stat2 "
                     f"output, parsed by helpers.sources.statfin.parse_jsonstat2; variables picked "
                     f"by role from the table metadata ({roles})."),
        "query": query,
        "variable_roles": roles,
        "dataset": ds.name,
        "workbooks": list(ds.workbooks),
        "caveats": [c for c in [
            f"{suppressed} of {len(frame)} cells are empty or suppressed by the publisher "
            f"('..' = confidential / too few units); they stay missing, never 0." if suppressed else "",
            ds.notes,
        ] if c],
    }
    return Pulled(frame, metadata, f"table {tid}, {len(frame)} cells, updated {metadata['source_updated']}")


def _pull_sotkanet(ds: Dataset, clients: Clients) -> Pulled:
    sk = clients.sotkanet
    title = ds.spec["indicator_title"]
    ind = sk.resolve_indicator(title)
    meta = sk.indicator_metadata(ind)
    if (meta.get("title") or {}).get("fi") not in (None, title):
        raise RefreshError(f"/indicators/{ind} has the title {meta['title']['fi']!r}, not {title!r}")
    years = ds.spec.get("years", "all")
    if years == "all":
        rng = meta.get("range") or {}
        if "start" not in rng or "end" not in rng:
            raise RefreshError(f"/indicators/{ind} gives no year range; list years in the catalog")
        years = list(range(int(rng["start"]), int(rng["end"]) + 1))
    frame = sk.data_with_regions(ind, years, ds.spec.get("genders", ["total"]),
                                 ds.spec.get("region_categories"))
    cols = ["indicator", "region", "region_code", "region_category", "region_name", "year",
            "gender", "value", "abs_value"]
    frame = frame[cols].sort_values(["region_category", "region_code", "year", "gender"],
                                    ignore_index=True)
    for c in ("region_code", "region_category", "region_name", "gender"):
        frame[c] = frame[c].astype("str")
    _check_expect(ds, frame, {})
    org = ((meta.get("organization") or {}).get("title") or {})
    org_fi, org_en = org.get("fi"), org.get("en")
    attribution = ds.attribution
    if org_en and "THL" not in (org_fi or "") and org_en not in attribution:
        attribution = f"{attribution} (indicator {ind}; producer: {org_en})"
    elif str(ind) not in attribution:
        attribution = f"{attribution} (indicator {ind})"
    urls = frame.attrs.get("urls") or []
    metadata = {
        "title": ds.title,
        "description": (f"Sotkanet indicator {ind} '{title}', resolved by its exact Finnish title. "
                        f"One row per region, year and gender; 'region' is Sotkanet's internal id, "
                        f"'region_code' the official code within 'region_category'. Suppressed "
                        f"values are absent or NaN, never 0."),
        "sources": [{"title": f"THL Sotkanet indicator {ind}: {title}", "path": sk.url("json"),
                     "publisher": f"{ds.publisher}; indicator producer: {org_fi or 'not stated'}"}],
        "licenses": [licence(ds, "THL open data; the indicator producer is named in the attribution")],
        "publisher": ds.publisher,
        "attribution": attribution,
        "table_id": f"Sotkanet indicator {ind}",
        "reference_period": _period(frame["year"]),
        "retrieved_at": meta.get("_retrieved_at") or _now(),
        "source_updated": meta.get("data-updated"),
        "obtained": f"`workbooks data refresh {ds.name}`: Sotkanet REST 1.1 /json, regions mapped with /regions.",
        "query": {"indicator": ind, "indicator_title": title, "urls": urls,
                  "years": [min(years), max(years)], "genders": ds.spec.get("genders"),
                  "region_categories": ds.spec.get("region_categories")},
        "dataset": ds.name,
        "workbooks": list(ds.workbooks),
        "caveats": [c for c in ["Small numbers are suppressed by the producer: missing rows and NaN "
                                "values are not zeros.", ds.notes] if c],
    }
    return Pulled(frame, metadata, f"indicator {ind}, {len(frame)} rows, data updated {meta.get('data-updated')}")


def _pull_geostat(ds: Dataset, clients: Clients) -> Pulled:
    layer = ds.spec["layer"]
    year = layer.get("year", "current")
    year = date.today().year if year == "current" else int(year)
    kind, scale = layer["kind"], layer.get("scale", "4500k")
    gdf = clients.geostat.areas(kind, year, scale, fallback_years=int(layer.get("fallback_years", 0)))
    keep = [c for c in (kind, "vuosi", "nimi", "namn", "name") if c in gdf.columns]
    out = gdf[keep + [gdf.geometry.name]].copy()
    for c in keep:
        if c != "vuosi":
            out[c] = out[c].astype("str")
    out = out.sort_values(kind, ignore_index=True)
    _check_expect(ds, out, {})
    used = gdf.attrs.get("year")
    metadata = {
        "title": ds.title,
        "description": (f"Statistics Finland statistical areas, WFS layer {gdf.attrs.get('layer')}, "
                        f"GeoJSON output in EPSG:3067 (stored as EPSG:4326 GeoJSON by the snapshot)."),
        "sources": [{"title": f"geo.stat.fi WFS layer {gdf.attrs.get('layer')}", "path": gdf.attrs.get("url"),
                     "publisher": ds.publisher}],
        "licenses": [licence(ds)],
        "publisher": ds.publisher,
        "attribution": ds.attribution if str(used) in ds.attribution else f"{ds.attribution}, {used}",
        "table_id": gdf.attrs.get("layer"),
        "reference_period": f"{used} division",
        "retrieved_at": gdf.attrs.get("retrieved_at") or _now(),
        "source_updated": None,
        "obtained": f"`workbooks data refresh {ds.name}`: WFS 2.0.0 GetFeature, outputFormat application/json.",
        "query": {"url": gdf.attrs.get("url"), "layer": gdf.attrs.get("layer"), "requested_year": year},
        "dataset": ds.name,
        "workbooks": list(ds.workbooks),
        "caveats": [c for c in [ds.notes] if c],
    }
    return Pulled(out, metadata, f"layer {gdf.attrs.get('layer')}, {len(out)} features")


def _check_expect(ds: Dataset, frame: pd.DataFrame, roles: Mapping[str, str]) -> None:
    """Raise RefreshError unless the frame is non-empty and has the expected roles and codes."""
    problems = []
    expect = ds.spec.get("expect") or {}
    if frame.empty:
        problems.append("the source returned no rows")
    if "value" in frame.columns and len(frame) and frame["value"].isna().all():
        problems.append("every value is missing")
    for role in expect.get("roles", []):
        if role not in roles:
            problems.append(f"no {role} variable (variables by role: {dict(roles)})")
    for key, codes in (expect.get("values") or {}).items():
        col = roles.get(key, key)
        if col not in frame.columns:
            problems.append(f"no column for {key!r}")
            continue
        have = set(frame[col].astype(str))
        missing = [c for c in codes if c not in have]
        if missing:
            problems.append(f"{key} lacks expected code(s) {missing}")
    if len(frame) < int(expect.get("min_rows", 1)):
        problems.append(f"{len(frame)} rows, expected at least {expect.get('min_rows', 1)}")
    if problems:
        raise RefreshError(f"dataset {ds.name!r} failed its checks: " + "; ".join(problems))


# --------------------------------------------------------------------------- refresh / status

def _validator(expected_rows: int, columns: list[str]) -> Callable[[pd.DataFrame], None]:
    def validate(df: pd.DataFrame) -> None:
        if len(df) != expected_rows:
            raise RefreshError(f"read back {len(df)} rows, wrote {expected_rows}")
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise RefreshError(f"columns {missing} missing after the round trip")
    return validate


def refresh(names: Iterable[str] | None = None, *, snapshot=None, catalog: Catalog | None = None,
            clients: Clients | None = None, include_unverified: bool = False,
            dry_run: bool = False, out: Callable[[str], None] = print) -> list[Result]:
    """Pull and pin datasets; returns one :class:`Result` per dataset (failures included)."""
    from .snapshot import Snapshot, infer_schema

    catalog = catalog or catalog_mod.load_catalog()
    names = list(names or [])
    selected = [catalog.get(n) for n in names] if names else list(catalog)
    snap = snapshot if isinstance(snapshot, Snapshot) else Snapshot(snapshot)
    snap.names()  # fail early (ManifestError) when the snapshot directory or its manifest is wrong
    if not dry_run:
        for rel in snap.remove_stale_temporary():
            out(f"removed {rel}, a temporary file an interrupted refresh left in the snapshot")
    clients = clients or Clients.create()
    from .sources.http import HostUnreachableError, reset_unreachable

    reset_unreachable()
    results: list[Result] = []
    for i, ds in enumerate(selected, 1):
        prefix = f"[{i}/{len(selected)}] {ds.name}"
        if not names and not include_unverified and not ds.verified:
            msg = "skipped: exact title not verified (name it explicitly to try)"
            out(f"{prefix}: {msg}")
            results.append(Result(ds.name, ds.resource, True, msg, skipped=True))
            continue
        try:
            pulled = pull(ds, clients)
            frame, metadata = pulled.frame, dict(pulled.metadata)
            if dry_run:
                out(f"{prefix}: OK (dry run, not pinned) - {pulled.summary}")
                results.append(Result(ds.name, ds.resource, True, pulled.summary, rows=len(frame)))
                continue
            previous = snap.resource(ds.resource).get("schema") if ds.resource in snap else None
            metadata["schema"] = infer_schema(frame, previous=previous)
            cols = [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
            snap.write_resource(ds.resource, frame, metadata, validate=_validator(len(frame), cols))
            out(f"{prefix}: pinned {ds.resource} - {pulled.summary}")
            results.append(Result(ds.name, ds.resource, True, pulled.summary, rows=len(frame)))
        except sqlite3.Error as exc:  # the shared cache is broken: name it, say what to do, stop
            path = getattr(getattr(clients.statfin, "http", None), "cache_path", None) or "data/cache/"
            raise CacheError(f"the HTTP cache {path} cannot be used ({type(exc).__name__}: {exc}); it may be "
                             "corrupt or read-only — run again with --no-cache, or delete the file") from exc
        except HostUnreachableError as exc:  # the first says why and what to do; the rest one line each
            msg = str(exc)
            out(f"{prefix}: FAILED - {msg} (pinned resource {ds.resource!r} left unchanged)")
            results.append(Result(ds.name, ds.resource, False, msg))
        except Exception as exc:  # one dataset's failure must not stop the others
            msg = f"{type(exc).__name__}: {exc}"
            out(f"{prefix}: FAILED - {msg} (pinned resource {ds.resource!r} left unchanged)")
            if settings.get(settings.DEBUG_ENV):
                traceback.print_exc()
            results.append(Result(ds.name, ds.resource, False, msg))
    return results


def status(snapshot=None, catalog: Catalog | None = None, now: datetime | None = None) -> pd.DataFrame:
    """One row per pinned resource: retrieval time, age in days, hash check, catalog dataset."""
    from .snapshot import Snapshot

    snap = snapshot if isinstance(snapshot, Snapshot) else Snapshot(snapshot)
    catalog = catalog or catalog_mod.load_catalog()
    by_resource = {d.resource: d.name for d in catalog}
    now = now or datetime.now(UTC)
    rows = []
    for name in snap.names():
        entry = snap.resource(name)
        try:
            snap.verify(name)
            check = "ok"
        except Exception as exc:
            check = f"FAILED: {type(exc).__name__}"
        got = entry.get("retrieved_at")
        age = None
        if got:
            try:
                ts = pd.Timestamp(got)
                ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
                age = round((pd.Timestamp(now) - ts).total_seconds() / 86400, 1)
            except (ValueError, TypeError):
                age = None
        rows.append({"resource": name, "retrieved_at": got, "age_days": age, "hash": check,
                     "source_updated": entry.get("source_updated"),
                     "dataset": by_resource.get(name, "")})
    pulled = set(snap.names())
    for d in catalog:
        if d.resource not in pulled:
            rows.append({"resource": d.resource, "retrieved_at": None, "age_days": None,
                         "hash": "not pinned yet", "source_updated": None, "dataset": d.name})
    for kind, files in snap.stray_files().items():
        for rel in files:
            rows.append({"resource": rel, "retrieved_at": None, "age_days": None,
                         "hash": "temporary file left by an interrupted write" if kind == "temporary"
                         else "FAILED: not listed in the manifest", "source_updated": None, "dataset": ""})
    return pd.DataFrame(rows)
