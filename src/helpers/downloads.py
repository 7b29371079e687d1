"""The data behind every table and chart, for download: the second contract (after
:mod:`helpers.keyfigures`) between a workbook and the runner.

A table shown with :func:`helpers.display.table` and a figure drawn by :mod:`helpers.plotting`
carry their data in the notebook output as one more representation,
``application/vnd.turku-workbooks.data+json`` (:data:`MIMETYPE`)::

    {"format": 1, "name": "composite_index", "title": "…", "source": "Source: …",
     "links": [{"text": "…", "url": "https://…", "kind": "source" | "licence"}, …],
     "columns": [{"name": "area_code", "type": "string"}, …], "csv": "area_code,…\\n…"}

``links`` (the table pages and licences behind the source line, from
:class:`helpers.provenance.Caption`) let a page link what the chart's source line names.

The runner writes each one beside the report as ``<report>.data/<name>.csv`` with a W3C
CSVW sidecar ``<name>.csv-metadata.json`` (title, source, licence, column types — codes are
strings, so "019" stays "019") and links it next to the table or chart. The CSV itself is
plain RFC 4180 text (UTF-8, comma, header row) that every tool reads.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

MIMETYPE = "application/vnd.turku-workbooks.data+json"
FORMAT = 1
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_ATTR = "twb_data"


def slug(text: str, max_len: int = 60) -> str:
    """A file-name-safe name from a title: "Population change 2019–2023" -> "population_change_2019_2023"."""
    text = re.sub(r"[^\w]+", " ", str(text))  # dashes and punctuation separate words
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return (text[:max_len].rstrip("_") or "data")


def _frame(data) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        data = data.to_frame(name=data.name if data.name is not None else "value")
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"download data must be a DataFrame or Series; got {type(data).__name__}")
    frame = data.copy()
    if "geometry" in frame.columns:
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    named_index = any(n is not None for n in frame.index.names) or not isinstance(frame.index, pd.RangeIndex)
    if named_index:
        if frame.index.nlevels == 1 and frame.index.name is None:
            frame.index.name = "label"
        frame = frame.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _column_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "string"


def payload(name: str, data, *, title: str, source: str | None = None) -> dict:
    """The JSON payload for one downloadable table (``name`` a file-name-safe id)."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(f"download name {name!r} must be lower-case letters, digits, '_' or '-' "
                         "(it becomes a file name), e.g. 'composite_index'")
    frame = _frame(data)
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return {"format": FORMAT, "name": name, "title": " ".join(str(title).split()),
            "source": " ".join(str(source).split()) if source else None,
            "links": [dict(link) for link in getattr(source, "links", [])],
            "columns": [{"name": c, "type": _column_type(frame[c])} for c in frame.columns],
            "csv": buf.getvalue()}


def attach(fig, data, *, title: str, source: str | None, name: str | None = None):
    """Attach the data a figure shows (its output then carries :data:`MIMETYPE` too)."""
    setattr(fig, _ATTR, payload(name or slug(title), data, title=title, source=source))
    return fig


def attached(fig) -> dict | None:
    return getattr(fig, _ATTR, None)


def register_formatter() -> None:
    """Let IPython add the attached data of a figure to its output bundle."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    ip = get_ipython()
    if ip is None:
        return
    from IPython.core.formatters import JSONFormatter
    from matplotlib.figure import Figure

    formatters = ip.display_formatter.formatters
    if MIMETYPE not in formatters:
        formatters[MIMETYPE] = JSONFormatter(parent=ip.display_formatter)
        formatters[MIMETYPE].format_type = MIMETYPE
    formatters[MIMETYPE].for_type(Figure, attached)


def read(notebook: Mapping[str, Any]) -> list[dict]:
    """Every download payload in an executed notebook (a dict / nbformat node), in output order,
    each with ``cell`` (the 0-based cell index) added."""
    found = []
    for i, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            data = (out.get("data") or {}).get(MIMETYPE)
            if data is None:
                continue
            if isinstance(data, str):
                data = json.loads(data)
            if not isinstance(data, Mapping) or data.get("format") != FORMAT or "csv" not in data:
                raise ValueError(f"cell {i}: a data output is not format {FORMAT}")
            found.append(dict(data, cell=i))
    return found


def csvw_metadata(item: Mapping[str, Any], url: str, licence: str | None = None) -> dict:
    """A W3C CSVW (CSV on the Web) metadata document for one downloaded table."""
    meta = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": item.get("title"),
        "dc:source": item.get("source"),
        "tableSchema": {"columns": [{"name": c["name"], "titles": c["name"], "datatype": c["type"]}
                                    for c in item.get("columns", [])]},
    }
    if licence:
        meta["dc:license"] = licence
    return meta
