"""The pieces every published page shares: stylesheet, security policy, words, layout fixes.

* one stylesheet per published set, ``<set>/report.css`` (:func:`write_stylesheet`, copied
  from ``templates/report.css`` by the publishing step), linked by every report page and data
  index, so no page carries JupyterLab's inlined CSS;
* :data:`CSP`: no scripts, no plug-ins, no forms; styles and images only from the page's own
  files (inline ``style`` attributes stay allowed: Markdown tables carry their alignment in
  them); nothing is ever fetched from the network;
* :func:`finish_page`: every table scrolls inside its own box on a narrow screen (a wide one
  keeps its names column in view), a table of prose (claims and verdicts, sources, code
  lists) shows its rows as cards there instead, and a report with more than
  :data:`TOC_MIN_SECTIONS` ``##`` sections gets a table of contents;
* :func:`data_index`: ``<slug>.data/index.html``, the list of a report's CSV files;
* :func:`report_files`: every file one report consists of (for Dask and for merged sets).

Words readers see are written in English here (marked with ``N_`` for the catalogues) and
go through :func:`ui`, which translates them into the page's language (:mod:`helpers.i18n`).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import urllib.parse
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .. import i18n, paths, settings
from ..i18n import N_

TEMPLATES_DIR = paths.package_dir() / "templates"
STYLESHEET = TEMPLATES_DIR / "report.css"
STYLESHEET_NAME = "report.css"
DATA_INDEX_TEMPLATE = "data_index.html.j2"
DATA_INDEX = "index.html"
TOC_MIN_SECTIONS = 4  # "more than 3"
#: a table whose longest cell has at least this many characters, with at least
#: :data:`STACK_MIN_COLUMNS` columns and no more number columns than text columns, is prose:
#: on a narrow screen its rows become cards (:func:`_stack_prose_table`)
STACK_MIN_CHARS = 80
STACK_MIN_COLUMNS = 3
#: a table of at least this many columns keeps its name column in view while it scrolls
#: sideways (:func:`_keep_names_in_view`)
KEY_MIN_COLUMNS = 5
CSP = ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:")
_ALIGN_RE = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")
_NUMBERED_RE = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

#: every word the runner puts on a page (English source texts; translated through i18n)
TEXTS = {
    "all_reports": N_("all reports"),
    "show_code": N_("show the code"),
    "hide_code": N_("hide the code"),
    "notebook": N_("executed notebook (.ipynb)"),
    "data": N_("data (CSV)"),
    "download": N_("Download the data (CSV)"),
    "contents": N_("Contents"),
    "failed": N_("this run FAILED"),
    "go_to_failure": N_("go to the failing cell"),
    # i18n: the end of every report page; {source} is the notebook's path (shown as code)
    "generated_by": N_("Generated from {source} by the turku-workbooks runner."),
    "navigation": N_("report navigation"),
    # i18n: a label in a report's footer, beside the data snapshot's version id (2026.11.27-1)
    "snapshot": N_("Version of the snapshot"),
    # i18n: a label in a report's footer, beside the time the report was made
    "generated": N_("Generated"),
    "data_heading": N_("Data of the report"),
    "data_intro": N_("Every table and chart of the report as a CSV file (UTF-8, comma-separated, "
                     "with a header row), each with its CSV on the Web metadata (title, source, "
                     "licence, column types; codes are text)."),
    "the_report": N_("the report"),
    "n_rows": N_("{rows} rows"),
    "metadata": N_("metadata"),
}


def language(value: Any) -> str:
    """A page's ``lang``: the run's ``lang`` parameter when it is a language tag, else "en"."""
    text = str(value or "").strip()
    return text if _LANG_RE.match(text) else "en"


def ui(key: str, lang: str = "en") -> str:
    message = TEXTS[key]
    if lang in i18n.LANGUAGES and lang != i18n.SOURCE_LANGUAGE:
        try:
            return i18n.translations(lang).gettext(message)
        except Exception:  # noqa: BLE001 - an unreadable catalogue: the English text
            return message
    return message


def texts(lang: str = "en") -> dict[str, str]:
    return {key: ui(key, lang) for key in TEXTS}


def href(path: str) -> str:
    """A relative link to a published file (each path segment quoted)."""
    return urllib.parse.quote(str(path))


def write_stylesheet(set_dir: Path) -> Path:
    dest = Path(set_dir) / STYLESHEET_NAME
    shutil.copyfile(STYLESHEET, dest)
    return dest


# ============================================================================ page layout


def finish_page(html, *, contents: str = "Contents") -> str:
    """Wrap every table in a scrolling box and add the table of contents (see the module
    docstring). ``contents`` is the table of contents' title. ``html`` is the page's text or
    its tree, already parsed (a ``BeautifulSoup``, which this changes)."""
    from bs4 import BeautifulSoup

    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, features="html.parser")
    finish_fragment(soup)
    main = soup.find("main")
    if main is not None:
        _add_toc(soup, main, contents)
    return str(soup)


def finish_fragment(soup) -> None:
    """The part of :func:`finish_page` that changes only tables and ``pre`` elements (``soup``:
    a page's tree or a piece of one, parsed alone; changed in place): each table in a scrolling
    box unless it is in one already, its cells' alignment as classes, a table of prose ready to
    be shown as cards or else a wide table's names column marked to stay in view, each ``pre``
    reachable by keyboard."""
    for table in soup.find_all("table"):
        parent = table.parent
        if parent is None or "twb-table" not in (parent.get("class") or []):
            table.wrap(soup.new_tag("div", attrs={"class": "twb-table", "tabindex": "0"}))
        for cell in table.find_all(("td", "th")):
            _alignment_class(cell)
        if not _stack_prose_table(table):
            _keep_names_in_view(table)
    for pre in soup.find_all("pre"):  # scrolls sideways in its box: reachable by keyboard
        pre["tabindex"] = "0"


def _alignment_class(cell) -> None:
    """``style="text-align:right;"`` (Markdown tables) as the class ``r`` (``c`` for centre;
    left is every cell's default): the same alignment in a tenth of the bytes, once per cell
    of every table."""
    m = _ALIGN_RE.match(cell.get("style") or "")
    if m:
        del cell["style"]
        if m.group(1) != "left":
            cell["class"] = list(cell.get("class") or []) + [m.group(1)[0]]


def _header_and_rows(table):
    """A simple table's header cells and body rows (one header row, every row as long as it,
    no cell that spans or heads a row), else None."""
    head, body = table.find("thead"), table.find("tbody")
    if head is None or body is None or len(head.find_all("tr")) != 1:
        return None
    headers = head.find_all("th")
    rows = body.find_all("tr", recursive=False)
    if not rows:
        return None
    cells = [row.find_all(("td", "th"), recursive=False) for row in rows]
    if any(len(row) != len(headers) or any(c.name == "th" or c.get("colspan") or c.get("rowspan") for c in row)
           for row in cells):
        return None
    return head, body, headers, rows, cells


def _number_column(th) -> bool:
    """A header cell of numbers: right-aligned (Markdown's ``---:``, as :func:`_alignment_class` left it)."""
    return "r" in (th.get("class") or [])


def _nested(table) -> bool:
    return table.find("table") is not None or table.find_parent("table") is not None


def _keep_names_in_view(table) -> None:
    """A wide table (at least :data:`KEY_MIN_COLUMNS` columns) whose first or second column
    is text (a ranking: rank, municipality, then the numbers) gets the class ``twb-key-1`` or
    ``twb-key-2`` (of two text columns, the one with the longer texts: the name, not its
    code): report.css keeps that column at the left edge while the table scrolls sideways,
    so a reader on a phone still sees which area a number belongs to."""
    if _nested(table):
        return
    parts = _header_and_rows(table)
    if parts is None or len(parts[2]) < KEY_MIN_COLUMNS:
        return
    headers, cells = parts[2], parts[4]
    text = [k for k, th in enumerate(headers[:2]) if not _number_column(th)]
    if not text:
        return
    # of a code and a name (Code, Municipality), the name: the longer texts
    key = max(text, key=lambda k: sum(len(row[k].get_text().strip()) for row in cells))
    table["class"] = list(table.get("class") or []) + [f"twb-key-{key + 1}"]


def _stack_prose_table(table) -> bool:
    """Mark a table of prose so that on a narrow screen (report.css, ``table.twb-stack``) each
    of its rows is a card, each cell under its column's header, instead of a table squeezed
    to a word a line (a claim's verdict of 460 characters in a column 100 px wide: a row
    750 px tall at 400 px).

    A table of prose has a header row of at least :data:`STACK_MIN_COLUMNS` columns, no more
    number columns (right-aligned headers) than text columns, a cell of at least
    :data:`STACK_MIN_CHARS` characters, and no cell that spans or heads a row (a Markdown
    table; pandas' tables with their index are left alone). Each cell gets its header as
    ``data-label`` (shown by the stylesheet, hidden from screen readers, which announce the
    header themselves), and the table, its rows and cells their ARIA roles, which keep them a
    table for assistive technology when the stylesheet displays them as blocks. True when
    the table was marked."""
    if _nested(table):
        return False
    parts = _header_and_rows(table)
    if parts is None:
        return False
    head, body, headers, rows, cells = parts
    if len(headers) < STACK_MIN_COLUMNS:
        return False
    numbers = sum(_number_column(th) for th in headers)
    if numbers > len(headers) - numbers:
        return False
    if max(len(" ".join(c.get_text().split())) for row in cells for c in row) < STACK_MIN_CHARS:
        return False
    labels = [" ".join(th.get_text().split()) for th in headers]
    table["class"] = list(table.get("class") or []) + ["twb-stack"]
    table["role"] = "table"
    for group in (head, body):
        group["role"] = "rowgroup"
    head.find("tr")["role"] = "row"
    for th in headers:
        th["role"] = "columnheader"
    for row, row_cells in zip(rows, cells):
        row["role"] = "row"
        for cell, label in zip(row_cells, labels):
            cell["role"] = "cell"
            cell["data-label"] = label
    return True


def heading_text(heading) -> str:
    """A heading's words without nbconvert's "¶" anchor link."""
    parts = []
    for node in heading.descendants:
        if isinstance(node, str) and not any(
                getattr(p, "name", None) == "a" and "anchor-link" in (p.get("class") or [])
                for p in node.parents):
            parts.append(str(node))
    return " ".join("".join(parts).split())


def _add_toc(soup, main, title: str) -> None:
    sections = [h for h in main.find_all("h2") if not h.find_parent("nav")]
    if len(sections) < TOC_MIN_SECTIONS:
        return
    used = {tag.get("id") for tag in soup.find_all(id=True)}
    nav = soup.new_tag("nav", attrs={"class": "twb-toc", "aria-labelledby": "twb-toc-title"})
    head = soup.new_tag("p", attrs={"class": "twb-toc-title", "id": "twb-toc-title"})
    head.string = title
    nav.append(head)
    numbered = any(_NUMBERED_RE.match(heading_text(h)) for h in sections)  # "1. Jobs": no second number
    items = soup.new_tag("ul" if numbered else "ol", attrs={"class": "twb-toc-plain"} if numbered else {})
    for h in sections:
        text = heading_text(h)
        if not h.get("id"):
            base = re.sub(r"\s+", "-", text) or "section"
            ident, n = base, 1
            while ident in used:
                n += 1
                ident = f"{base}-{n}"
            used.add(ident)
            h["id"] = ident
        li = soup.new_tag("li")
        a = soup.new_tag("a", attrs={"href": "#" + h["id"]})
        a.string = text
        li.append(a)
        items.append(li)
    nav.append(items)
    first_h1 = main.find("h1")
    cell = first_h1.find_parent("div", class_="jp-Cell") if first_h1 is not None else None
    if cell is not None:
        cell.insert_after(nav)
    elif first_h1 is not None:
        first_h1.insert_after(nav)
    else:
        main.insert(0, nav)


# ============================================================================ the data index


def data_index(*, slug: str, title: str, items: Sequence[Any], lang: str = "en") -> str:
    """``<slug>.data/index.html``: every CSV of the report with its title and source."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["href"] = href
    rows = [{"title": d.title, "source": d.source or "", "rows": d.rows,
             "csv": d.csv.rsplit("/", 1)[-1], "metadata": d.metadata.rsplit("/", 1)[-1]} for d in items]
    return env.get_template(DATA_INDEX_TEMPLATE).render(
        slug=slug, title=title, items=rows, lang=language(lang), csp=CSP, text=texts(language(lang)),
        css_href="../" + STYLESHEET_NAME, report_href=href(f"../{slug}.html"),
        gallery_href="../../" + gallery_page(language(lang)))


def gallery_page(lang: str) -> str:
    """The gallery's page in ``lang`` (relative to reports/): index.html in the gallery's own
    language, index.<lang>.html in the others."""
    return "index.html" if lang == settings.GALLERY_LANGUAGE or lang not in i18n.LANGUAGES else f"index.{lang}.html"


# ============================================================================ the files of a report


def report_dirs(slug: str) -> tuple[str, str]:
    return f"{slug}.files", f"{slug}.data"


def report_files(out_dir: Path, slug: str, names: Iterable[str | None] = ()) -> list[str]:
    """Relative paths of a report's files in ``out_dir``: ``names`` (its top-level files)
    plus everything below ``<slug>.files/`` and ``<slug>.data/``."""
    out_dir = Path(out_dir)
    found = [n for n in names if n and "/" not in n and (out_dir / n).is_file()]
    for d in report_dirs(slug):
        root = out_dir / d
        if root.is_dir():
            found.extend(sorted(str(p.relative_to(out_dir)) for p in root.rglob("*") if p.is_file()))
    return list(dict.fromkeys(found))


def is_report_path(slug: str, rel: str) -> bool:
    """True when ``rel`` may be a file of report ``slug``: ``<slug>.<x>`` or one level below
    ``<slug>.files/`` / ``<slug>.data/`` — never anything that leaves the set directory."""
    parts = Path(rel).parts
    if not parts or any(p in ("", ".", "..") or "\\" in p for p in parts) or Path(rel).is_absolute():
        return False
    if len(parts) == 1:
        return parts[0].startswith(slug + ".")
    return len(parts) == 2 and parts[0] in report_dirs(slug) and not parts[1].startswith(".")


def copy_report(src_dir: Path, dest_dir: Path, slug: str, names: Iterable[str | None]) -> bool:
    """Link (or copy) every file of one published report into ``dest_dir``; False (nothing
    copied) when one of its listed files is missing."""
    names = [n for n in names if n]
    if not all((Path(src_dir) / n).is_file() for n in names):
        return False
    for rel in report_files(src_dir, slug, names) + [n for n in names if "/" in n]:
        src, dst = Path(src_dir) / rel, Path(dest_dir) / rel
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            dst.hardlink_to(src)
        except OSError:
            shutil.copy2(src, dst)
    return True


def format_when(value: Any, lang: str = "en") -> str:
    """ISO timestamp -> "2026-11-27 19:31 UTC" (en), "27.11.2026 klo 19.31 UTC" (fi),
    "27.11.2026 kl. 19.31 UTC" (sv); unparseable values unchanged."""
    try:
        t = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    if lang in ("fi", "sv"):
        return f"{t.day}.{t.month}.{t.year} {'klo' if lang == 'fi' else 'kl.'} {t.hour}.{t.minute:02d} UTC"
    return t.strftime("%Y-%m-%d %H:%M UTC")
