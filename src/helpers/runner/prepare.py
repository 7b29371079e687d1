"""What each page of a report shows, decided on the executed notebook before nbconvert runs.

    executed notebook ──► prepare(nb, slug, lang=…) ──► Markdown cells in the run's language
                                            ──► reader notebook  (key-figure outputs and cells
                                                                  tagged "researchers" removed)
                                            ├─► code notebook    (everything)
                                            ├─► assets, written once beside both pages:
                                                  <slug>.files/fig-<n>.svg|png   every figure
                                                  <slug>.data/<name>.csv         every data output
                                                  <slug>.data/<name>.csv-metadata.json  (CSVW)
                                            └─► published notebook (<slug>.ipynb): the executed
                                                notebook with each figure linked, not embedded

A figure is the output representation nbconvert would show (its display priority) when
that is an image. Its bytes are written once, to ``<slug>.files/``, and the output keeps
only what the template needs in ``metadata["twb"]``: ``src`` (relative, quoted), ``alt``,
``width``, ``height`` (CSS px). The alt text is the output's ``metadata[mime]["alt"]``
(written by helpers.plotting); an output without one gets the figure's title — the title
of the data it carries, else ``metadata["title"]`` of its cell — or, failing both, a
sentence naming the figure's place; such figures are counted (:attr:`Prepared.missing_alt`)
so the run log can warn.

Data outputs (:data:`helpers.downloads.MIMETYPE`, read with :func:`helpers.downloads.read`)
become a CSV and its CSVW sidecar; a name used twice in one report gets ``-2``, ``-3`` in
output order. The output keeps ``metadata["twb_download"]`` (the link the page shows after
it) and loses the payload itself.

Markdown cells are written in English in the notebooks (they stay readable in JupyterLab);
on the pages and in the published notebook each is replaced by its translation in the run's
language from the message catalogue (the cell's whole text is the message,
:mod:`helpers.catalogues`). Cells tagged "researchers" stay English: only the code page and
the notebook show them.

The published notebook (:attr:`Prepared.notebook`) is the executed notebook unchanged but for
its figures and data payloads: each figure output's image data is replaced by a ``text/html``
``<img>`` of the same file in ``<slug>.files/`` (with its alt text; JupyterLab and nbviewer
resolve the link next to the notebook) and ``metadata["turku_workbooks"]["figure"]`` naming the
file. So a report's images are stored once, not twice — the code page, the reader page and the
notebook all link the same file. Likewise a data output keeps what it shows (its table) and
names its CSV in ``metadata["turku_workbooks"]["data"]`` instead of carrying the data payload
again: a quarter of a region profile's notebook, 9 MB of the 308 municipal profiles (issue 14).
"""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import downloads, i18n, keyfigures
from ..catalogues import RESEARCHERS_TAG
from .pages import href, report_dirs

#: a cell tagged "researchers" (helpers.catalogues.RESEARCHERS_TAG) speaks to whoever runs the
#: notebook ("change `area` in the next cell"); the reader page leaves it out, the code page
#: and the notebook keep it

#: what nbconvert's HTML exporter shows of an output: the first of these it has
DISPLAY_PRIORITY = (
    "application/vnd.jupyter.widget-view+json", "application/javascript", "text/html", "text/markdown",
    "image/svg+xml", "text/vnd.mermaid", "text/latex", "image/png", "image/jpeg", "text/plain",
)
FIGURE_TYPES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")

#: licences a source line can name, by the words it uses (the CSVW gets the licence's URL
#: when every source of a table names the same one)
KNOWN_LICENCES = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
_LICENCE_RE = re.compile(r"\bCC(?:0 1\.0| BY(?:-SA)? 4\.0)\b")
_NO_LICENCE_RE = re.compile(r"no licen[cs]e", re.IGNORECASE)


@dataclass
class Download:
    """One data output of a report, as published."""

    name: str  # unique within the report
    title: str
    source: str | None
    csv: str  # "<slug>.data/<name>.csv"
    metadata: str  # "<slug>.data/<name>.csv-metadata.json"
    columns: list[str]
    rows: int


@dataclass
class Prepared:
    reader: Any  # nbformat.NotebookNode
    code: Any
    assets: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    downloads: list[Download] = field(default_factory=list)
    figures: int = 0
    missing_alt: int = 0
    key_figure_outputs: int = 0
    notebook: Any = None  # the published notebook: figures linked from <slug>.files/
    problems: list[str] = field(default_factory=list)  # for the run log (warnings)


def shown_type(data: Mapping[str, Any]) -> str | None:
    return next((t for t in DISPLAY_PRIORITY if t in data), None)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def figure_bytes(mime: str, payload: Any) -> bytes:
    if mime == "image/svg+xml":
        return _text(payload).encode("utf-8")
    return base64.b64decode(_text(payload))


def licence_of(source: str | None, report_licence: str | None = None) -> str | None:
    """The licence a CSVW names: the report's when known, else the one licence every source
    in the source line names (as its URL), else the source line itself (the credit)."""
    if report_licence:
        return report_licence
    if not source:
        return None
    named = set(_LICENCE_RE.findall(source))
    if len(named) == 1 and not _NO_LICENCE_RE.search(source):
        return KNOWN_LICENCES.get(named.pop(), source)
    return source


def _unique(name: str, used: set[str]) -> str:
    if not _NAME_RE.match(name):
        name = downloads.slug(name)
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{name}-{n}"
    used.add(candidate)
    return candidate


def _fallback_alt(cell: Mapping[str, Any], payload: Mapping[str, Any] | None, n: int) -> str:
    title = (payload or {}).get("title") or (cell.get("metadata") or {}).get("title")
    if title:
        return f"Figure: {' '.join(str(title).split())}"
    return f"Figure {n} of this report (no description was recorded with it)"


def _size(meta: Mapping[str, Any], key: str) -> int | None:
    try:
        value = int(round(float(meta.get(key))))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def translate_markdown(nb, lang: str | None) -> None:
    """Every Markdown cell readers see, in ``lang`` (in place; English: unchanged)."""
    if not lang or lang == i18n.SOURCE_LANGUAGE or lang not in i18n.LANGUAGES:
        return
    catalogue = i18n.translations(lang)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown" or RESEARCHERS_TAG in ((cell.get("metadata") or {}).get("tags") or ()):
            continue
        source = _text(cell.get("source", ""))
        if source.strip():
            cell["source"] = catalogue.gettext(source)


def prepare(nb, slug: str, *, licence: str | None = None, lang: str | None = None) -> Prepared:
    """Both pages' notebooks and the files beside them (see the module docstring). ``nb``
    is not changed."""
    nb = copy.deepcopy(nb)
    translate_markdown(nb, lang)
    work = copy.deepcopy(nb)
    out = Prepared(reader=None, code=None)
    try:
        payloads = iter(downloads.read(work))
    except ValueError as exc:  # a malformed data output: the report is published without downloads
        out.problems.append(f"data downloads skipped: {exc}")
        payloads = None
    used: set[str] = set()
    linked: dict[tuple[int, int], dict[str, Any]] = {}
    data_files: dict[tuple[int, int], str] = {}
    for c, cell in enumerate(work.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for o, output in enumerate(cell.get("outputs", [])):
            data = output.get("data")
            if not data:
                continue
            payload = None
            if data.get(downloads.MIMETYPE) is not None:
                payload = next(payloads, None) if payloads is not None else None
                del data[downloads.MIMETYPE]  # never shown; published as a file
                if payload is not None:
                    data_files[c, o] = _add_download(out, output, payload, slug, used, licence).csv
            mime = shown_type(data)
            if mime in FIGURE_TYPES and _add_figure(out, cell, output, mime, payload, slug):
                linked[c, o] = output["metadata"]["twb"]
            if keyfigures.MIMETYPE in data:
                output.setdefault("metadata", {})["twb_key_figures"] = True
                out.key_figure_outputs += 1
    out.code = work
    out.reader = copy.deepcopy(work)
    out.reader["cells"] = [c for c in out.reader.get("cells", [])
                           if RESEARCHERS_TAG not in ((c.get("metadata") or {}).get("tags") or ())]
    for cell in out.reader.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("metadata") or {}).get("twb_key_figures")]
    out.notebook = _linked_notebook(nb, linked, data_files)
    return out


def _linked_notebook(nb, linked: Mapping[tuple[int, int], Mapping[str, Any]],
                     data_files: Mapping[tuple[int, int], str]):
    """A copy of ``nb`` whose figure outputs link their file instead of embedding it, and
    whose data outputs name their CSV instead of carrying the data a second time."""
    from html import escape

    published = copy.deepcopy(nb)
    for (c, o), csv_path in data_files.items():
        output = published["cells"][c]["outputs"][o]
        output["data"].pop(downloads.MIMETYPE, None)
        output.setdefault("metadata", {}).setdefault("turku_workbooks", {})["data"] = csv_path
    for (c, o), twb in linked.items():
        output = published["cells"][c]["outputs"][o]
        data = output["data"]
        for image in FIGURE_TYPES:
            data.pop(image, None)
        size = "".join(f' {k}="{int(twb[k])}"' for k in ("width", "height") if twb.get(k))
        data["text/html"] = f'<img src="{escape(twb["src"])}" alt="{escape(twb["alt"])}"{size}>'
        meta = output.setdefault("metadata", {})
        meta.setdefault("turku_workbooks", {})["figure"] = urllib.parse.unquote(twb["src"])
    return published


def _add_figure(out: Prepared, cell, output, mime: str, payload, slug: str) -> bool:
    try:
        raw = figure_bytes(mime, output["data"][mime])
    except (ValueError, TypeError) as exc:
        out.problems.append(f"a figure could not be decoded ({mime}): {exc}")
        return False
    out.figures += 1
    path = f"{report_dirs(slug)[0]}/fig-{out.figures}.{FIGURE_TYPES[mime]}"
    out.assets[path] = raw
    meta = (output.get("metadata") or {}).get(mime) or {}
    alt = " ".join(str(meta.get("alt") or "").split())
    if not alt:
        alt = _fallback_alt(cell, payload, out.figures)
        out.missing_alt += 1
    output.setdefault("metadata", {})["twb"] = {
        "src": href(path), "alt": alt, "width": _size(meta, "width"), "height": _size(meta, "height")}
    output["data"][mime] = ""  # the page links the file; nothing is embedded
    return True


def _add_download(out: Prepared, output, payload: Mapping[str, Any], slug: str, used: set[str],
                  licence: str | None) -> Download:
    name = _unique(str(payload.get("name") or "data"), used)
    title = " ".join(str(payload.get("title") or name).split())
    source = payload.get("source")
    base = f"{report_dirs(slug)[1]}/{name}"
    csv_text = _text(payload.get("csv", ""))
    out.assets[f"{base}.csv"] = csv_text.encode("utf-8")
    meta = downloads.csvw_metadata(dict(payload, title=title), f"{name}.csv", licence_of(source, licence))
    out.assets[f"{base}.csv-metadata.json"] = (json.dumps(meta, indent=1, ensure_ascii=False) + "\n").encode()
    columns = [str(c.get("name")) for c in payload.get("columns") or []]
    rows = max(0, sum(1 for row in csv.reader(io.StringIO(csv_text)) if row) - 1)
    download = Download(name=name, title=title, source=source, csv=f"{base}.csv",
                        metadata=f"{base}.csv-metadata.json", columns=columns, rows=rows)
    out.downloads.append(download)
    output.setdefault("metadata", {})["twb_download"] = {"href": href(f"{base}.csv"), "title": title}
    return download
