"""json-stat2 datasets as tidy frames: :func:`parse_jsonstat2` (the answers of StatFin's
PxWeb API, ``"response": {"format": "json-stat2"}``).

One row per cell: a code column and a ``<dim>_label`` column per dimension, ``value`` (NaN
where the publisher left the cell empty or marked it) and ``status`` (the publisher's
marker, e.g. ``..`` = confidential). Pinned StatFin resources have this shape
(docs/CONTRACTS.md); :mod:`helpers.sources.statfin` re-exports the parser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .http import ResponseFormatError, load_json_payload

#: the json-stat / PxWeb symbols for a missing or suppressed cell
MISSING_SYMBOLS = ("..", ".", "...", "-", "x")
#: the most cells one answer may claim: StatFin's PxWeb answers at most 100,000 cells per
#: query (its documented limit); a ``size`` claiming more is refused before anything is
#: allocated (a 15 KB body claiming 100,000 x 100,000 cells once tried to take 74.5 GiB)
MAX_CELLS = 2_000_000


class JsonStatError(ResponseFormatError):
    """The payload is not a json-stat2 dataset this parser understands."""


def _load_json(payload) -> Any:
    return load_json_payload(payload, JsonStatError, what="json-stat2 payload")


def _category_codes(dim_id: str, dim: Mapping, size: int) -> list[str]:
    category = dim.get("category") or {}
    index = category.get("index")
    if index is None:
        labels = category.get("label") or {}
        if len(labels) != size:
            raise JsonStatError(
                f"dimension {dim_id!r} has no category index and {len(labels)} labels for size {size}"
            )
        codes = [str(k) for k in labels]
    elif isinstance(index, Mapping):
        if len(index) != size:  # checked before a list of `size` entries is made
            raise JsonStatError(f"dimension {dim_id!r}: category index has {len(index)} entries for size {size}")
        codes = [None] * size
        for code, pos in index.items():
            pos = int(pos)
            if not 0 <= pos < size:
                raise JsonStatError(f"dimension {dim_id!r}: index {pos} of {code!r} outside size {size}")
            codes[pos] = str(code)
        if any(c is None for c in codes):
            raise JsonStatError(f"dimension {dim_id!r}: category index does not cover size {size}")
    else:
        codes = [str(c) for c in index]
    if len(codes) != size:
        raise JsonStatError(f"dimension {dim_id!r} lists {len(codes)} categories but size says {size}")
    return codes


def _values_and_status(raw_values, raw_status, n: int) -> tuple[np.ndarray, np.ndarray]:
    status = np.full(n, None, dtype=object)
    if isinstance(raw_values, Mapping):  # sparse {"index": value}
        values = np.full(n, np.nan)
        if raw_values:
            pos = np.fromiter((int(k) for k in raw_values), dtype=np.int64, count=len(raw_values))
            vals = list(raw_values.values())
            dense, sym = _to_float(vals)
            values[pos] = dense
            status[pos] = sym
    else:
        if raw_values is None:
            raw_values = []
        if len(raw_values) != n:
            raise JsonStatError(f"value has {len(raw_values)} entries but the sizes multiply to {n}")
        values, status = _to_float(raw_values)

    if raw_status is not None:
        given = np.full(n, None, dtype=object)
        if isinstance(raw_status, str):
            given[:] = raw_status
        elif isinstance(raw_status, Mapping):
            for k, v in raw_status.items():
                given[int(k)] = v
        else:
            if len(raw_status) == 1 and n != 1:
                given[:] = raw_status[0]
            elif len(raw_status) != n:
                raise JsonStatError(f"status has {len(raw_status)} entries, expected {n} or 1")
            else:
                given[:] = list(raw_status)
        has = given != None  # noqa: E711 - elementwise on an object array
        status = np.where(has, given, status)
    return values, status


def _to_float(vals) -> tuple[np.ndarray, np.ndarray]:
    """Numbers -> float64 (None -> NaN). Strings such as '..' -> NaN with the symbol as status."""
    n = len(vals)
    try:
        return np.asarray(vals, dtype=np.float64), np.full(n, None, dtype=object)
    except (TypeError, ValueError):
        pass
    obj = pd.Series(np.asarray(vals, dtype=object))
    nums = pd.to_numeric(obj, errors="coerce").to_numpy(dtype=np.float64)
    is_str = obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    status = np.full(n, None, dtype=object)
    sym = is_str & np.isnan(nums)
    status[sym] = obj.to_numpy(dtype=object)[sym]
    return nums, status


def parse_jsonstat2(payload, *, max_cells: int = MAX_CELLS) -> pd.DataFrame:
    """Parse a json-stat2 dataset (dict, str or bytes) into one row per cell.

    Columns: for every dimension (in the dataset's ``id`` order) a column named by the
    dimension id holding category codes as strings and a ``<id>_label`` column with the
    category labels; then ``value`` (float, NaN where the cell is null / ``..`` / ``.``) and
    ``status`` (the json-stat status symbol, e.g. ``..`` = confidential / missing, or NaN).
    ``DataFrame.attrs`` carries ``table_id`` (``extension.px.tableid``), ``updated``,
    ``label``, ``source``, ``roles`` and ``dimensions`` (id -> label).

    Vectorised: codes are laid out with numpy ``repeat``/``tile`` index arithmetic
    (row-major, last dimension fastest), never with a per-cell Python loop.

    Before anything of the size of the table is allocated, every dimension's categories are
    checked against its ``size``, the cell count against ``max_cells`` and a dense ``value``
    list against the cell count, so an answer cannot claim more than its body holds.
    """
    data = _load_json(payload)
    if not isinstance(data, Mapping):
        raise JsonStatError(f"expected a json-stat2 object, got {type(data).__name__}")
    if data.get("class") != "dataset":
        keys = ", ".join(sorted(map(str, data))[:8])
        raise JsonStatError(
            f"expected a json-stat2 dataset (class 'dataset'), got class {data.get('class')!r} "
            f"with keys {keys}; was the query sent with response format json-stat2?"
        )
    try:
        ids = [str(i) for i in data["id"]]
        sizes = [int(s) for s in data["size"]]
        dims = data["dimension"]
    except KeyError as exc:
        raise JsonStatError(f"json-stat2 dataset lacks {exc.args[0]!r}") from None
    if len(ids) != len(sizes):
        raise JsonStatError(f"id has {len(ids)} entries but size has {len(sizes)}")
    if any(s < 0 for s in sizes):
        raise JsonStatError(f"size {sizes} has a negative entry")
    n = math.prod(sizes) if sizes else 0
    if n > max_cells:
        raise JsonStatError(f"the answer claims {n:,} cells (size {sizes}); at most {max_cells:,} are accepted "
                            "(StatFin answers at most 100,000 per query) — split the query")
    raw_values = data.get("value")
    if isinstance(raw_values, list) and len(raw_values) != n:
        raise JsonStatError(f"value has {len(raw_values)} entries but the sizes multiply to {n}")
    if not isinstance(dims, Mapping):
        raise JsonStatError("json-stat2 dataset: 'dimension' is not an object")

    described = []
    for k, dim_id in enumerate(ids):  # every dimension checked before any column is built
        dim = dims.get(dim_id)
        if not isinstance(dim, Mapping):
            raise JsonStatError(f"dimension {dim_id!r} is listed in id but not described")
        described.append((dim, _category_codes(dim_id, dim, sizes[k])))

    columns: dict[str, Any] = {}
    for k, dim_id in enumerate(ids):
        dim, codes = described[k]
        labels_map = (dim.get("category") or {}).get("label") or {}
        labels = [str(labels_map.get(c, c)) for c in codes]
        inner = math.prod(sizes[k + 1:])
        outer = math.prod(sizes[:k])
        idx = np.tile(np.repeat(np.arange(sizes[k], dtype=np.intp), inner), outer)
        columns[dim_id] = np.asarray(codes, dtype=object)[idx]
        columns[f"{dim_id}_label"] = np.asarray(labels, dtype=object)[idx]

    values, status = _values_and_status(raw_values, data.get("status"), n)
    columns["value"] = values
    columns["status"] = pd.Series(status, dtype="str")
    frame = pd.DataFrame(columns)

    px = (data.get("extension") or {}).get("px") or {}
    frame.attrs.update(
        {
            "table_id": px.get("tableid"),
            "updated": data.get("updated"),
            "label": data.get("label"),
            "source": data.get("source"),
            "roles": {k: list(v) for k, v in (data.get("role") or {}).items()},
            "dimensions": {i: (dims[i].get("label") or i) for i in ids},
        }
    )
    return frame


def validate_jsonstat(data) -> None:
    """Raise :class:`JsonStatError` unless ``data`` looks like a json-stat2 dataset (a quick
    check of a response before it is cached)."""
    if not isinstance(data, Mapping) or data.get("class") != "dataset" or "value" not in data:
        raise JsonStatError("response is not a json-stat2 dataset (no class 'dataset' / value)")
