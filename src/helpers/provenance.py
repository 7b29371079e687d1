"""Provenance: the sources-and-parameters section every workbook ends with and the source
line under every chart.

Everything is read from the snapshot's manifest through the :class:`helpers.snapshot.Snapshot`
interface (``.resources()`` one row per resource with name, title, publisher, table_id,
reference_period, retrieved_at, licence, attribution, …; ``.resource(name)`` the manifest
entry). Nothing here goes online. Key figures are :mod:`helpers.keyfigures`'.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from .display import Markup, as_published, escape_markdown, quote_language, show_markdown
from .i18n import N_, _, attribution_translations, language, manifest_translations
from .keyfigures import json_safe
from .snapshot import Snapshot, UnknownResourceError

__all__ = [
    "PROVENANCE_COLUMNS",
    "provenance_table",
    "provenance_markdown",
    "show_provenance",
    "source_caption",
]


#: Columns of :func:`provenance_table` and the headings used in the markdown section.
#: (Marked for translation: translate a heading with ``_()`` where it is shown.)
PROVENANCE_COLUMNS = {
    "resource": N_("Resource"),
    "title": N_("Title"),
    "publisher": N_("Publisher"),
    "table_id": N_("Table / indicator"),
    "reference_period": N_("Reference period"),
    "retrieved": N_("Retrieved"),
    "licence": N_("Licence"),
    "attribution": N_("Attribution"),
}


# ----------------------------------------------------------------------------- snapshot access


def _snapshot(snapshot):
    """None -> the project's snapshot; a path -> Snapshot(path); else a Snapshot-like object."""
    if snapshot is None or isinstance(snapshot, (str, os.PathLike)):
        return Snapshot(snapshot)
    if callable(getattr(snapshot, "resources", None)):
        return snapshot
    raise TypeError(
        "snapshot must be None (the project's snapshot), a snapshot directory path or a "
        f"helpers.snapshot.Snapshot; got {type(snapshot).__name__}"
    )


def _names(resource_names) -> list[str]:
    if isinstance(resource_names, str):
        resource_names = [resource_names]
    if not isinstance(resource_names, Iterable):
        raise TypeError(
            f"resource_names must be a resource name or a list of them; got {type(resource_names).__name__}"
        )
    names: list[str] = []
    for n in resource_names:
        if not isinstance(n, str) or not n:
            raise TypeError(f"resource_names must hold non-empty strings; got {n!r}")
        if n not in names:
            names.append(n)
    if not names:
        raise ValueError("resource_names is empty; name the snapshot resources the workbook used")
    return names


def _rows(resource_names, snapshot) -> tuple[object, pd.DataFrame]:
    snap = _snapshot(snapshot)
    names = _names(resource_names)
    frame = snap.resources()
    known = list(frame["name"])
    for n in names:
        if n not in known:
            raise UnknownResourceError(n, known)
    if len(set(known)) != len(known):  # (a snapshot-like object may list a name twice)
        return snap, frame.set_index("name").loc[names].reset_index()
    position = {n: i for i, n in enumerate(known)}
    rows = frame.iloc[[position[n] for n in names]].reset_index(drop=True)
    if list(rows.columns[:1]) != ["name"]:  # "name" first, as set_index + reset_index put it
        rows = rows[["name", *[c for c in rows.columns if c != "name"]]]
    return snap, rows


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


# ----------------------------------------------------------------------------- table / caption


def provenance_table(resource_names, snapshot=None) -> pd.DataFrame:
    """One row per resource used: resource, title, publisher, table_id (table or indicator
    id), reference_period, retrieved, licence, attribution - straight from the manifest,
    in the order given (duplicates dropped). Unknown names raise
    :class:`helpers.snapshot.UnknownResourceError` listing the closest names."""
    _, rows = _rows(resource_names, snapshot)
    out = pd.DataFrame(
        {
            "resource": rows["name"],
            "title": rows.get("title"),
            "publisher": rows.get("publisher"),
            "table_id": rows.get("table_id"),
            "reference_period": rows.get("reference_period"),
            "retrieved": rows.get("retrieved_at"),
            "licence": rows.get("licence"),
            "attribution": rows.get("attribution"),
        }
    )
    return out.map(_text).astype(object)


class Caption(str):
    """A "Source: …" line that also carries its links: ``.links`` is a list of
    ``{"text", "url", "kind"}`` (kind "source" for a table or indicator page, "licence")
    taken from the manifest, so a page can link what a chart's source line names."""

    links: list[dict]
    #: the parts of the text left in English (attribution lines without a translation, words
    #: a translation quotes), in the order they appear, for :meth:`markdown`
    published: tuple[str, ...]

    def __new__(cls, text: str, links: list[dict] | None = None, published: str | Sequence[str] = ()):
        obj = super().__new__(cls, text)
        obj.links = list(links or [])
        obj.published = tuple(p for p in ((published,) if isinstance(published, str) else published) if p)
        return obj

    def markdown(self) -> str:
        """The line for a page, its English parts marked as such (:func:`as_published`)."""
        return _marked(str(self), self.published)


def _marked(text: str, english: Sequence[str], convert=escape_markdown) -> str:
    """``text`` as Markdown (each piece through ``convert``), the ``english`` parts it contains,
    in order, marked as English (:func:`as_published`)."""
    pieces, pos = [], 0
    for part in english:
        at = text.find(part, pos)
        if at < 0:
            continue
        pieces += [convert(text[pos:at]), as_published(convert(part))]
        pos = at + len(part)
    return "".join(pieces) + convert(text[pos:])


_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$")


def source_links(resource_names, snapshot=None) -> list[dict]:
    """The table / indicator pages and licences of these resources (http/https only, once each)."""
    snap = _snapshot(snapshot)
    out: list[dict] = []
    seen: set[str] = set()
    for name in _names(resource_names):
        entry = _read_entry(snap, name)
        items = [("source", src.get("title") or entry.get("title"), src.get("path"))
                 for src in entry.get("sources") or []]
        items += [("licence", lic.get("title") or lic.get("name"), lic.get("path"))
                  for lic in entry.get("licenses") or []]
        for kind, text, url in items:
            if url and _SAFE_URL.match(str(url)) and url not in seen:
                seen.add(url)
                out.append({"text": _text(text), "url": str(url), "kind": kind})
    return out


#: Finnish credit lines by publisher (the publishers' own wording: "Lähde: Tilastokeskus")
FINNISH_CREDIT = (
    ("Statistics Finland", "Lähde: Tilastokeskus"),
    ("THL", "Lähde: THL, Sotkanet"),
    ("Finnish Customs", "Lähde: Tulli"),
    ("Ministry of Economic Affairs and Employment", "Lähde: TEM, työnvälitystilasto (Tilastokeskus)"),
    ("Eurostat", "Lähde: Eurostat"),
    ("City of Turku", "Lähde: Turun kaupunki"),
    ("Vipunen", "Lähde: Vipunen (aineisto: Tilastokeskus)"),
    ("CDP", "Lähde: CDP-ICLEI, kaupunkien ilmoittamat tiedot"),
)


def finnish_credit(publisher: str) -> list[str]:
    """The Finnish credit lines that belong to a manifest ``publisher`` text."""
    return [fi for key, fi in FINNISH_CREDIT if key in str(publisher or "")]


_LICENCE_SUFFIX = re.compile(r",\s*(CC BY(?:-[A-Z]{2})? \d\.\d)\s*\.?\s*$")


def _source_line(attribution: str) -> str:
    """A manifest attribution as a source line quotes it (and attributions.yaml keys it):
    without its leading "Source:" and its final full stop."""
    return re.sub(r"^\s*source:\s*", "", attribution, flags=re.IGNORECASE).strip().rstrip(".")


def translated_attribution(text: str, lang: str) -> tuple[str, tuple[str, ...]] | None:
    """The English attribution line ``text`` in ``lang`` and the words that translation quotes
    in English; None for English, or when the line has no translation (it is then shown in
    English, marked as such on a page)."""
    return _translated(attribution_translations(), text, lang)


def manifest_text(text: str, lang: str) -> tuple[str, tuple[str, ...]] | None:
    """A manifest's title, publisher, table, period, licence title or caveat (``text``, in
    English as the manifest has it) in ``lang``, with the words the translation quotes in
    English (``locale/manifest.yaml``); None for English, or when the text has no translation:
    it is then shown as the manifest has it, marked as English on a page."""
    return _translated(manifest_translations(), text, lang)


def _translated(table: Mapping[str, Mapping], text: str, lang: str) -> tuple[str, tuple[str, ...]] | None:
    entry = table.get(text) if lang != "en" else None
    if not entry or not entry.get(lang):
        return None
    return str(entry[lang]), tuple(str(q) for q in entry.get("quoted") or ())


def manifest_markdown(text: str) -> Markup:
    """A manifest text (a title, publisher, table, period, licence title or caveat) as a table
    cell of Markdown in the run's language (:func:`_manifest_markdown`)."""
    return Markup(_manifest_markdown(text))


def licence_markdown(name: str, licence: str, snapshot=None) -> Markup:
    """A resource's licences as a table cell of Markdown, each licence's title in the run's
    language; ``licence`` (the resources table's joined titles) where the entry lists none."""
    return Markup(_licence_markdown(_entry(_snapshot(snapshot), name), licence))


def _licence_markdown(entry: Mapping, joined: str) -> str:
    """Each of the entry's licences by its title in the run's language, joined as the resources
    table joins them; ``joined``, as the manifest has it, when the entry lists none."""
    titles = [_text(x.get("title") or x.get("name") or x.get("path"))
              for x in entry.get("licenses") or [] if isinstance(x, Mapping)]
    return "; ".join(_manifest_markdown(t) for t in titles) if titles else _manifest_markdown(joined)


def _manifest_markdown(text: str, names: tuple[dict[str, str], set[str]] | None = None) -> str:
    """A manifest text as Markdown on a page in the run's language: its translation
    (:func:`manifest_text`; English words it quotes marked as English), else the English text
    marked as English. With ``names`` (:func:`_internal_names`) a resource name in it reads as
    that resource's title and a column name as code (:func:`_reader_caveat`)."""
    text = _text(text)
    lang = language()
    translated = manifest_text(text, lang) if text else None
    if translated is None:
        md = _reader_caveat(text, names, "en") if names else escape_markdown(text)
        return md if quote_language(text) is None else as_published(md)  # a date or an id has no language
    shown, quoted = translated
    return _marked(shown, quoted, (lambda t: _reader_caveat(t, names, lang)) if names else escape_markdown)


def source_caption(resource_names, snapshot=None) -> Caption:
    """The "Source: …" line for a chart built from these resources.

    Joins the resources' manifest ``attribution`` lines (duplicates once) with "; ". When
    every resource has the same single licence in the manifest and every line ends with
    it (", CC BY 4.0"), the licence is written once at the end: "Source: Statistics
    Finland, R&D 2013; Statistics Finland, employment 2008; CC BY 4.0". A resource without an attribution line gets
    "<publisher>, <table id>, <licence>". In a Finnish or Swedish run each line is its
    translation (:func:`translated_attribution`); a line without one stays in English, and
    the caption's ``published`` names it so that a page marks it as English.
    """
    snap, rows = _rows(resource_names, snapshot)
    lang = language()
    parts: list[str] = []
    english: dict[str, tuple[str, ...]] = {}  # part -> its parts left in English
    columns = {c: rows[c].tolist() for c in ("attribution", "publisher", "table_id", "licence", "name")
               if c in rows.columns}
    for i in range(len(rows)):
        r = {c: values[i] for c, values in columns.items()}
        text = _text(r.get("attribution"))
        if not text:
            bits = [_text(r.get("publisher")), _text(r.get("table_id")), _text(r.get("licence"))]
            text = ", ".join(b for b in bits if b)
        if not text:
            text = _text(r.get("name"))
        text = _source_line(text)
        translated = translated_attribution(text, lang)
        shown, kept = translated if translated else (text, (text,))
        if shown not in parts:
            parts.append(shown)
            english[shown] = kept
    # Write a shared licence once only when it is provably shared: every resource has
    # exactly one licence in its manifest entry, the same one, and every line ends with it.
    # (An attribution naming several sources, e.g. an unlicensed map plus CC BY regions,
    # is never shortened.)
    suffixes = [_LICENCE_SUFFIX.search(p) for p in parts]
    licence_sets = {tuple(_licence_names(snap, n)) for n in rows["name"]}
    if (
        len(parts) > 1
        and all(suffixes)
        and len({m.group(1) for m in suffixes}) == 1
        and len(licence_sets) == 1
        and len(next(iter(licence_sets))) == 1
    ):
        common = suffixes[0].group(1)
        short = [_LICENCE_SUFFIX.sub("", p).strip() for p in parts]
        english = {s: tuple(s if k == p else k for k in english[p]) for s, p in zip(short, parts)}
        parts = short + [common]
        english[common] = (common,) if all(english[s] == (s,) for s in short) else ()
    published = [k for p in parts for k in english.get(p, ())]
    # i18n: the source line under a chart or table; {sources} are the publishers' own attribution lines
    return Caption(_("Source: {sources}").format(sources="; ".join(parts)), source_links(list(rows["name"]), snap),
                   published)


def _read_entry(snap, name: str) -> Mapping:
    """A resource's manifest entry to read, not to change: a :class:`Snapshot`'s own (its
    ``resource`` copies the whole entry each time), another object's ``resource(name)``."""
    return snap._entry(name) if isinstance(snap, Snapshot) else snap.resource(name)


def _licence_names(snap, name: str) -> list[str]:
    """Licence ids of a resource from its manifest entry ([] when not available)."""
    entry = _entry(snap, name)
    lic = entry.get("licenses") if isinstance(entry, Mapping) else None
    if not isinstance(lic, list):
        return []
    return sorted(str(x.get("name") or x.get("path") or x.get("title")) for x in lic if isinstance(x, Mapping))


# ----------------------------------------------------------------------------- markdown


def _param_value(value, name: str = "") -> str:
    if name == "snapshot" and value in (None, "None", ""):
        # i18n: the value of the "Data snapshot" parameter when the run reads the project's own snapshot
        return _("the pinned snapshot")
    if isinstance(value, str):
        return value
    try:
        return json.dumps(json_safe(value), ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _md_table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headings) + " |", "|" + "|".join("---" for _ in headings) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def provenance_markdown(
    resource_names,
    params: Mapping | None,
    snapshot=None,
    *,
    heading: str | None = None,
    level: int = 2,
) -> str:
    """The markdown section a workbook ends with: the parameter values of this run, the
    data used (publisher, table / indicator, reference period, retrieval date, licence,
    sha256 prefix of the pinned file), each resource's caveats and the attribution lines (in
    the report's language where :func:`translated_attribution` has them).

    ``params``: parameter name -> value (labelled with :func:`parameter_label`), or the
    (label, value) pairs a reader reads (:meth:`helpers.params.Validated.for_readers`).

    ``heading`` defaults to "Sources and parameters" (in the run's language).

    Every value taken from the parameters or the manifest is escaped with
    :func:`escape_markdown`, so a value such as ``<script>`` or ``a_b*c`` renders as text.
    Display it with ``IPython.display.Markdown`` or :func:`show_provenance`.
    """
    if params is None:
        params = {}
    if isinstance(params, Mapping):
        for k in params:
            if not isinstance(k, str):
                raise TypeError(f"params keys must be parameter names (strings); got {k!r}")
        labelled = [(parameter_label(k), _param_value(v, k)) for k, v in params.items()]
    elif isinstance(params, (list, tuple)) and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in params):
        labelled = [tuple(p) for p in params]  # already as readers read them (Validated.for_readers)
    else:
        raise TypeError("params must be a dict of parameter name -> value or a list of (label, value) "
                        f"strings; got {type(params).__name__}")
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise ValueError(f"level must be a heading level 1..5; got {level!r}")
    snap, rows = _rows(resource_names, snapshot)
    table = provenance_table(list(rows["name"]), snap)
    hashes = dict(zip(rows["name"], rows.get("hash", pd.Series([None] * len(rows)))))
    hashes = {k: _text(v) for k, v in hashes.items()}

    h = "#" * level
    if heading is None:
        # i18n: the heading of the section every report ends with
        heading = _("Sources and parameters")
    out = [f"{h} {escape_markdown(heading)}", ""]
    out.append(f"{h}# " + _("Parameters of this run"))
    out.append("")
    if labelled:
        out.append(_md_table(
            # i18n: column headers of the table of the run's parameters
            [_("Parameter"), _("Value")], ([escape_markdown(k), escape_markdown(v)] for k, v in labelled)))
    else:
        out.append(_("This workbook has no parameters."))
    out.append("")

    manifest = getattr(snap, "manifest", None)
    version = manifest.get("version") if isinstance(manifest, Mapping) else None
    # i18n: a heading of the sources section: the data files the report used
    out.append(f"{h}# " + _("Data"))
    out.append("")
    if version:
        intro = _("All figures come from the project's pinned snapshot (version {version}); each file is checked "
                  "against its SHA-256 checksum before use. Titles link to the publisher's page.").format(
            version=escape_markdown(version))
    else:
        intro = _("All figures come from the project's pinned snapshot; each file is checked against its SHA-256 "
                  "checksum before use. Titles link to the publisher's page.")
    out.append(intro)
    out.append("")
    # i18n: column headers of the table of data files ("Data": the file's title; "Checksum": its SHA-256 prefix)
    heads = [_("Data"), _("Publisher"), _("Table or indicator"), _("Period"), _("Retrieved"), _("Licence"),
             _("Checksum")]
    body = []
    entries = {n: _entry(snap, n) for n in rows["name"]}
    names = _internal_names(snap)
    for _i, r in table.iterrows():
        entry = entries.get(r["resource"], {})
        digest = hashes.get(r["resource"], "")
        digest = digest.split(":", 1)[-1][:12] if digest else ""
        src = next((x.get("path") for x in entry.get("sources") or [] if _SAFE_URL.match(str(x.get("path", "")))), None)
        lic = next((x for x in entry.get("licenses") or [] if isinstance(x, Mapping)), {})
        licence = _md_link(_licence_markdown(entry, r["licence"]), lic.get("path")) if r["licence"] else ""
        body.append([_md_link(_manifest_markdown(r["title"]), src), _manifest_markdown(r["publisher"]),
                     _manifest_markdown(r["table_id"]), _manifest_markdown(r["reference_period"], names),
                     escape_markdown(r["retrieved"]), licence, escape_markdown(digest)])
    out.append(_md_table(heads, body))
    out.append("")

    caveats = []
    for name in rows["name"]:
        entry = entries.get(name, {})
        items = entry.get("caveats")
        if items is None:
            text = _text(rows.set_index("name").loc[name].get("caveats")) if "caveats" in rows else ""
            items = [text] if text else []
        if isinstance(items, str):
            items = [items]
        title = _manifest_markdown(_text(entry.get("title")) or name)
        shown = [_manifest_markdown(item, names) for item in items if _text(item)]
        if len(shown) == 1:
            caveats.append(f"- **{title}**: {shown[0]}")
        elif shown:  # the file's title once, its caveats under it (a page at 400 px: 7 titles -> 1)
            caveats.append(f"- **{title}**")
            caveats.extend(f"  - {_literal_line_start(text)}" for text in shown)
    if caveats:
        # i18n: a heading of the sources section: what each data file's publisher warns about
        out.append(f"{h}# " + _("Caveats"))
        out.append("")
        out.extend(caveats)
        out.append("")

    # i18n: a heading of the sources section: the credit lines the licences ask for
    out.append(f"{h}# " + _("Attribution"))
    out.append("")
    lang = language()
    for att in dict.fromkeys(a for a in table["attribution"] if a):
        translated = translated_attribution(_source_line(att), lang)
        if translated:  # as under the charts: the report's language, any English it quotes marked
            text, quoted = translated
            # i18n: the source line under a chart or table; {sources} are the publishers' own attribution lines
            out.append(f"- {Caption(_('Source: {sources}').format(sources=text), published=quoted).markdown()}")
        else:
            out.append(f"- {as_published(escape_markdown(att))}")
    finnish = dict.fromkeys(fi for p in table["publisher"] for fi in finnish_credit(p))
    if finnish:
        out.append(f"- {as_published(escape_markdown('; '.join(finnish)), 'fi')}")
    out.append("")
    return "\n".join(out)


#: what Markdown reads as a new block at the start of a list item's text ("1. ", "2) ", "- ", "+ ")
_BLOCK_START = re.compile(r"^(\d+)([.)])(?=\s)|^([-+])(?=\s)")


def _literal_line_start(text: str) -> str:
    """A caveat as the text of a list item, read as it is written: a caveat that begins like an
    ordered or bullet list ("1. Figures are …") would otherwise become a list of its own."""
    return _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1)


#: a lower-case name with underscores (a resource's or a column's name: labour_force)
_INTERNAL_NAME = re.compile(r"(?<![\w.:/-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w/-])")


def _internal_names(snap) -> tuple[dict[str, str], set[str]]:
    """The snapshot's resource names with their titles, and every column name of its files
    (with the codes a column's schema lists as its only values)."""
    frame = snap.resources()
    titles = {str(n): _text(t) for n, t in zip(frame["name"], frame.get("title", frame["name"])) if _text(t)}
    fields: set[str] = set()
    for n in frame["name"]:
        schema = _entry(snap, str(n)).get("schema")
        for f in (schema.get("fields") or []) if isinstance(schema, Mapping) else []:
            if isinstance(f, Mapping) and f.get("name"):
                fields.add(str(f["name"]))
                enum = (f.get("constraints") or {}).get("enum") if isinstance(f.get("constraints"), Mapping) else None
                fields.update(str(v) for v in enum or () if isinstance(v, str))  # codes in a column
    return titles, fields


def _reader_caveat(text: str, names: tuple[dict[str, str], set[str]], lang: str = "en") -> str:
    """A caveat of the manifest as Markdown for readers: the name of another resource of the
    snapshot becomes its title ("see sotkanet_values" -> "see 'Sotkanet indicator values …'")
    and a column name is shown as code (``labour_force``, the column of the data files), so no
    internal name reads as a word of the sentence. Everything else is escaped. In a caveat in
    ``lang`` other than English the title is its translation, or marked as English without one."""
    titles, fields = names
    out, last = [], 0
    for m in _INTERNAL_NAME.finditer(text):
        word = m.group(1)
        if word in titles:
            title = titles[word]
            translated = manifest_text(title, lang) if lang != "en" else None
            if translated:
                replacement = "'" + _marked(*translated) + "'"
            elif lang != "en":
                replacement = "'" + as_published(escape_markdown(title)) + "'"
            else:
                replacement = "'" + escape_markdown(title) + "'"
        elif word in fields:
            replacement = f"`{word}`"
        else:
            continue
        out += [escape_markdown(text[last:m.start()]), replacement]
        last = m.end()
    out.append(escape_markdown(text[last:]))
    return "".join(out)


def parameter_label(name: str) -> str:
    from .params import parameter_label as _label

    return _label(name)


def _entry(snap, name: str) -> Mapping:
    """:func:`_read_entry`, or {} for a Snapshot-like object without full entries."""
    try:
        return _read_entry(snap, name)
    except Exception:  # noqa: BLE001
        return {}


def _md_link(label: str, url) -> str:
    """A Markdown link with the Markdown ``label`` to ``url`` (http/https only; else the label alone)."""
    if not url or not _SAFE_URL.match(str(url)):
        return label
    href = str(url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{label}]({href})"


def show_provenance(resource_names, params: Mapping | None, snapshot=None, **kwargs) -> None:
    """Display :func:`provenance_markdown` in a notebook (prints it outside IPython)."""
    show_markdown(provenance_markdown(resource_names, params, snapshot, **kwargs))


# ----------------------------------------------------------------------------- key figures
