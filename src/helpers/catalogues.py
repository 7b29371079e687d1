"""The message catalogues of the reports: extracted from the code and the notebooks, kept
as gettext files, checked by the tests (core; used by ``tools/i18n`` and tests/test_i18n.py).

    src/helpers/**/*.py   _("…"), N_("…")          ─┐
    notebooks/*.ipynb     every Markdown cell a      ├─► extract() ─► locale/turku_workbooks.pot
                          reader sees (not those     │
                          tagged "researchers")     ─┘
    locale/turku_workbooks.pot ─► update(lang) ─► locale/<lang>/LC_MESSAGES/turku_workbooks.po
                                                   (translators edit these)
    …/turku_workbooks.po ─► compile(lang) ─► …/turku_workbooks.mo  (what helpers.i18n reads)

English is the source language: a msgid is the English text itself (a Markdown cell's whole
source), so the code and the notebooks stay readable in English and a changed English text
shows up as a message without a translation — :func:`missing` lists them and the tests fail
until the Finnish and Swedish catalogues have them.

    tools/i18n extract && tools/i18n update      # after changing texts; then translate
    tools/i18n compile                           # .po -> .mo (the tests check they agree)
    tools/i18n check                             # what is missing, per language
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Iterable
from pathlib import Path

from . import i18n, paths

POT_NAME = f"{i18n.DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
#: a Markdown cell with this tag speaks to whoever runs the notebook; it stays English
#: (helpers.runner.prepare leaves it off the reader page)
RESEARCHERS_TAG = "researchers"
HEADER = ("# The messages of the turku-workbooks reports; English is the source language.\n"
          "# Written by `tools/i18n extract` (template) and `tools/i18n update` (catalogues);\n"
          "# translate the msgstr lines of the catalogues, never the template.")
_NAMES = {"fi": "Finnish", "sv": "Swedish"}
TRANSLATED = tuple(lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE)


def pot_path() -> Path:
    return i18n.LOCALE_DIR / POT_NAME


def po_path(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def markdown_messages(notebook_files: Iterable[Path]) -> list[tuple[str, str]]:
    """(location, text) of every Markdown cell readers see, in notebook order."""
    import nbformat

    out = []
    for nb_file in sorted(notebook_files):
        nb = nbformat.read(nb_file, as_version=4)
        for i, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "markdown" or RESEARCHERS_TAG in (cell.metadata.get("tags") or ()):
                continue
            if cell.source.strip():
                out.append((f"{Path(nb_file).parent.name}/{Path(nb_file).name}:cell {i}", cell.source))
    return out


def _schema_messages(root: Path) -> list[tuple[str, str]]:
    """The workbooks' titles (src/helpers/workbooks.yaml: a report's title) and the report
    sets' titles and descriptions (reports/schedule.yaml: the gallery's headings)."""
    import yaml

    out = []
    schema = yaml.safe_load((root / "src" / "helpers" / "workbooks.yaml").read_text(encoding="utf-8")) or {}
    for book in (schema.get("workbooks") or {}).values():
        if isinstance(book, dict) and book.get("title"):
            out.append(("src/helpers/workbooks.yaml", str(book["title"])))
    sched = root / "reports" / "schedule.yaml"
    if sched.is_file():
        for spec in ((yaml.safe_load(sched.read_text(encoding="utf-8")) or {}).get("sets") or {}).values():
            for key in ("title", "description"):
                if isinstance(spec, dict) and spec.get(key):
                    out.append(("reports/schedule.yaml", str(spec[key]).strip()))
    return out


def _codelist_messages(root: Path) -> list[tuple[str, str]]:
    """The project's own texts in its code lists (src/helpers/codelists/): each cluster
    list's title, where its definition comes from, its scopes' labels and descriptions and
    every industry's rationale, short name for chart legends and group; the verdict on each
    published claim and its basis. (Names of industries and the claims themselves are data:
    TOL's names, the claims as published.)"""
    import csv

    import yaml

    def norm(value) -> str:
        return " ".join(str(value).split())

    out = []
    folder = root / "src" / "helpers" / "codelists"
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict) or "codes" not in raw:
            continue
        where = f"src/helpers/codelists/{path.name}"
        texts = [raw.get("title"), raw.get("definition_source")]
        scopes = [s for s in (raw.get("scopes") or {}).values() if isinstance(s, dict)]
        codes = [c for c in raw.get("codes") or [] if isinstance(c, dict)]
        texts += [s.get(k) for s in scopes for k in ("label", "description")]
        texts += [c.get(k) for c in codes for k in ("rationale", "short_en", "group")]
        out += [(where, norm(t)) for t in texts if t]
    verdicts = folder / "cluster_claim_verdicts.csv"
    if verdicts.is_file():
        with open(verdicts, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out += [(f"src/helpers/codelists/{verdicts.name}", row[k])
                        for k in ("verdict", "official_basis", "official_verdict") if row.get(k)]
    return out


def extract(root: Path | None = None):
    """Every message of the code (``_``/``N_``) and the notebooks' Markdown cells, as a
    Babel catalogue (locations relative to the project)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    root = Path(root) if root else paths.project_root()
    catalog = Catalog(project="turku-workbooks", domain=i18n.DOMAIN, charset="utf-8", fuzzy=False,
                      copyright_holder="the turku-workbooks contributors", version="1",
                      msgid_bugs_address="https://github.com/turku-workbooks/turku-workbooks/issues",
                      language_team="turku-workbooks", last_translator="turku-workbooks",
                      header_comment=HEADER)
    src = root / "src" / "helpers"
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(src), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",),
            strip_comment_tags=True):
        if not message:
            continue
        catalog.add(message, locations=[(f"src/helpers/{filename}", lineno)], auto_comments=comments)
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(src / "templates"), method_map=[("**.j2", "jinja2.ext:babel_extract")], keywords=KEYWORDS,
            comment_tags=("i18n:",), strip_comment_tags=True, options_map={"**.j2": {"trim_blocks": "true",
                                                                                     "lstrip_blocks": "true"}}):
        if message:
            catalog.add(message, locations=[(f"src/helpers/templates/{filename}", lineno)], auto_comments=comments)
    for location, text in _schema_messages(root) + _codelist_messages(root):
        catalog.add(text, locations=[(location, 0)])
    for location, text in markdown_messages((root / "notebooks").glob("*.ipynb")):
        where, _, cell = location.partition(":")
        catalog.add(text, locations=[(where, int(cell.split()[-1]))], flags=("markdown",))
    return catalog


def _write(catalog, path: Path, *, po: bool) -> None:
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_by_file=True, include_lineno=True,
             ignore_obsolete=True)
    data = buf.getvalue()
    # the creation date changes on every run; keep the file stable when nothing else did
    lines = [ln for ln in data.split(b"\n") if not ln.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines))


def write_pot(root: Path | None = None) -> Path:
    _write(extract(root), pot_path(), po=False)
    return pot_path()


def read(path: Path, lang: str | None = None):
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=i18n.DOMAIN)


def update(lang: str) -> Path:
    """Merge the template into ``lang``'s catalogue: new messages added untranslated, removed
    ones dropped, translations of unchanged messages kept (never fuzzy-matched: a guessed
    translation of a changed text is worse than a missing one, which the tests catch)."""
    from babel.messages.catalog import Catalog

    template = read(pot_path())
    path = po_path(lang)
    if path.is_file():
        catalog = read(path, lang)
    else:
        catalog = Catalog(locale=lang, domain=i18n.DOMAIN, fuzzy=False, project="turku-workbooks", version="1",
                          copyright_holder="the turku-workbooks contributors",
                          msgid_bugs_address=template.msgid_bugs_address, language_team=f"turku-workbooks ({lang})",
                          last_translator="turku-workbooks", header_comment=HEADER.replace(
                              "English is the source language", f"the {_NAMES[lang]} translation"))
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    _write(catalog, path, po=True)
    return path


#: the POT-Creation-Date written into every .mo: fixed, so the same .po always compiles to the
#: same bytes (babel stamps "now" when the .po has no such header, and a .mo that changes with
#: the clock would fail the "compiled catalogue is current" test a minute later)
MO_CREATION_DATE = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def compile_mo(lang: str) -> Path:
    mo_path(lang).write_bytes(compiled(lang))
    return mo_path(lang)


def compiled(lang: str) -> bytes:
    """The .mo bytes of ``lang``'s catalogue: what :func:`compile_mo` writes (the tests
    compare it with the file); the same .po gives the same bytes at any time."""
    from babel.messages.mofile import write_mo

    catalog = read(po_path(lang), lang)
    catalog.creation_date = MO_CREATION_DATE
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def missing(lang: str, template=None) -> list[str]:
    """Messages of the template without a (non-fuzzy) translation in ``lang``."""
    template = template if template is not None else read(pot_path())
    path = po_path(lang)
    have = {}
    if path.is_file():
        for m in read(path, lang):
            strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
            if m.id and strings and all(strings) and not m.fuzzy:
                have[m.id] = m.string
    return [m.id for m in template if m.id and m.id not in have]
