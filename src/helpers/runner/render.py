"""What readers see of one run: two light HTML pages, the files they share, a thumbnail.

Runs inside the workers, right after a notebook has executed:

    executed notebook ──► prepare()  (helpers.runner.prepare: figures and data out, key figures
                      │               off the reader page)
                      ──► ReportRenderer.render() ──► Rendered.write(out):
                              <slug>.html            readers: code hidden
                              <slug>.code.html       researchers: with code
                              <slug>.files/fig-<n>.svg|png   every figure once, linked by both
                              <slug>.ipynb           the executed notebook, figures linked too
                              <slug>.data/<name>.csv (+ .csv-metadata.json, index.html)
                      ──► write_thumbnail()  ──► <slug>.thumb.png  (the first figure, small)

One pair of nbconvert exporters per worker is reused for every report
(templates/report.html.j2). The pages link the set's one stylesheet (``report.css``, written
when the set is published, :mod:`helpers.runner.pages`) and their images by relative links:
no scripts, nothing from the network, so a set directory opens offline wherever it is moved.

Escaping: parameter values and titles reach the page only through ``|e`` in the template.
HTML and Markdown — cells and outputs — are cleaned with :func:`clean_html` (an allow-list:
tables, text, images; no scripts, no event handlers; links only to http/https or within the
site, external ones with ``rel="noopener"``), JavaScript outputs are dropped, so a parameter
such as ``<script>`` shows as text.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import logging
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..params import LANGUAGE_NAMES
from . import pages
from .pages import TEMPLATES_DIR
from .prepare import Download, prepare

__all__ = ["TEMPLATES_DIR", "REPORT_TEMPLATE", "Rendered", "ReportRenderer", "clean_html", "first_png",
           "write_thumbnail"]

log = logging.getLogger(__name__)

REPORT_TEMPLATE = TEMPLATES_DIR / "report.html.j2"
THUMB_WIDTH = 480

_ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var",
})
_GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "style", "lang", "dir", "align"})
_LINK_ATTRIBUTES = _GLOBAL_ATTRIBUTES | {"href", "name", "rel", "target"}
_IMAGE_ATTRIBUTES = _GLOBAL_ATTRIBUTES | {"src", "alt", "width", "height"}


def _link_attribute(tag: str, name: str, value: str) -> bool:
    """``a``: an ``href`` may be http(s) or relative (the protocol list), never ``data:``."""
    if name == "href":
        return not value.strip().lower().startswith("data:")
    return name in _LINK_ATTRIBUTES


def _image_attribute(tag: str, name: str, value: str) -> bool:
    """``img``: a ``src`` may be a file or an embedded image (``data:image/…``, as nbconvert
    embeds a Markdown cell's attachments), nothing else."""
    if name == "src":
        v = value.strip().lower()
        return not v.startswith("data:") or v.startswith("data:image/")
    return name in _IMAGE_ATTRIBUTES


_ALLOWED_ATTRIBUTES = {
    "*": sorted(_GLOBAL_ATTRIBUTES),
    "a": _link_attribute,
    "img": _image_attribute,
    "td": sorted(_GLOBAL_ATTRIBUTES | {"colspan", "rowspan"}),
    "th": sorted(_GLOBAL_ATTRIBUTES | {"colspan", "rowspan", "scope"}),
    "table": sorted(_GLOBAL_ATTRIBUTES | {"border"}),
    "style": ["type", "scoped"],
    "ol": sorted(_GLOBAL_ATTRIBUTES | {"start"}),
}
#: where links and images may point: the web and (for images only) embedded images; relative
#: links and #fragments are always kept
_PROTOCOLS = frozenset({"http", "https", "data"})
_EXTERNAL = re.compile(r"^\s*https?://", re.IGNORECASE)
_cleaner = None


def _external_links_filter():
    from bleach.html5lib_shim import Filter

    class ExternalLinks(Filter):
        """``rel="noopener"`` on every link to another site."""

        def __iter__(self):
            for token in super().__iter__():
                if token.get("type") in ("StartTag", "EmptyTag") and token.get("name") == "a":
                    attrs = dict(token.get("data") or {})
                    if _EXTERNAL.match(attrs.get((None, "href"), "")):
                        attrs[(None, "rel")] = "noopener"
                        token["data"] = attrs
                yield token

    return ExternalLinks


def clean_html(text: Any) -> str:
    """Allow-list HTML cleaning for notebook cells and outputs: disallowed tags are escaped
    (they show as text), event-handler attributes are removed, links keep only http/https
    or relative targets (``javascript:``, ``data:``, ``mailto:`` are removed), images only
    files or embedded images, and links to other sites get ``rel="noopener"``."""
    global _cleaner
    if _cleaner is None:
        import bleach  # a dependency of nbconvert
        from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer

        _cleaner = bleach.sanitizer.Cleaner(
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            protocols=_PROTOCOLS,
            strip=False,
            strip_comments=True,
            css_sanitizer=_style_memo(CSSSanitizer(
                allowed_css_properties=ALLOWED_CSS_PROPERTIES
                | {"text-align", "vertical-align", "white-space", "max-width", "min-width"}
            )),
            filters=[_external_links_filter()],
        )
    if isinstance(text, list):  # nbformat may keep multi-line strings as lists
        text = "".join(text)
    return _clean(str(text))


def _style_memo(sanitizer):
    """``sanitizer`` answering each ``style`` text once: its answer depends on the text and its
    allowed properties alone, and a table's every cell carries one of a few ``text-align``
    styles, each parsed with tinycss2 (a quarter of cleaning a region profile's Markdown outputs)."""
    sanitizer.sanitize_css = functools.lru_cache(maxsize=1024)(sanitizer.sanitize_css)
    return sanitizer


@functools.lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    """(memoised: the same Markdown cells and labels recur in every report of a worker)"""
    return _cleaner.clean(text)


@dataclass
class Rendered:
    """One report's pages and the files beside them, not yet written."""

    slug: str
    reader: str
    code: str
    assets: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    downloads: list[Download] = field(default_factory=list)
    figures: int = 0
    missing_alt: int = 0
    problems: list[str] = field(default_factory=list)
    notebook: Any = None  # the published notebook, its figures linked from <slug>.files/

    @property
    def data_index(self) -> str | None:
        return f"{pages.report_dirs(self.slug)[1]}/{pages.DATA_INDEX}" if self.downloads else None

    def write(self, out: Path) -> dict[str, str | None]:
        """Write everything into ``out``; the run's ``files`` entries (html, code_html, data).
        The published notebook, when there is one, replaces ``<slug>.ipynb`` (its figures are
        then links to the files written here)."""
        out = Path(out)
        for rel, content in self.assets.items():
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(content)
        for name, text in ((f"{self.slug}.html", self.reader), (f"{self.slug}.code.html", self.code)):
            tmp = out / (name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out / name)
        if self.notebook is not None:
            import nbformat

            tmp = out / f"{self.slug}.ipynb.tmp"
            nbformat.write(self.notebook, tmp)
            os.replace(tmp, out / f"{self.slug}.ipynb")
        return {"html": f"{self.slug}.html", "code_html": f"{self.slug}.code.html", "data": self.data_index}


def _exporter_class():
    """nbconvert's HTML exporter, embedding a Markdown text's images only when it has any, and
    handing back its page as a parsed tree.

    To embed images nbconvert re-parses every piece of inline HTML of a Markdown text on its
    own — an opening ``<span lang="en">`` alone is closed at once, so the span ends up empty
    and its text outside it. Texts without images are rendered without that step (nothing
    to embed), which keeps inline HTML such as the ``lang`` marks of untranslated titles.
    Those renderings are memoised: the same Markdown cells recur in every report of a
    workbook and every output on both pages.

    ``page_tree`` is ``from_notebook_node`` with nbconvert's own steps (the lexer, the widget
    filter, alt text for an image without one, keyboard focus for inputs and outputs) on a
    tree that :func:`helpers.runner.pages.finish_page` goes on with: nbconvert parses its
    page to add the alt texts and serialises it again, and finishing a page parsed it once
    more; one parse and one serialisation per page instead of two (issue 14).
    ``tests/test_render_pages.py`` holds it to nbconvert's ``from_notebook_node`` byte for byte."""
    from bs4 import BeautifulSoup
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    def without_images(source: str, attachments, anchor_link_text: str, exclude_anchor_links: bool,
                       lexer_options: tuple) -> str:
        renderer = IPythonRenderer(escape=False, attachments=attachments or {}, embed_images=False,
                                   anchor_link_text=anchor_link_text, exclude_anchor_links=exclude_anchor_links,
                                   **dict(lexer_options))
        return MarkdownWithMath(renderer=renderer).render(source)

    memoised = functools.lru_cache(maxsize=4096)(without_images)  # for texts without attachments

    class Exporter(HTMLExporter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._highlighted: dict = {}  # see _HighlightedOnce

        @pass_context
        def markdown2html(self, context, source):
            if self.embed_images and ("<img" in source or "![" in source):
                return super().markdown2html(context, source)
            attachments = context.get("cell", {}).get("attachments") or None
            render = without_images if attachments else memoised
            return render(source, attachments, self.anchor_link_text, self.exclude_anchor_links,
                          tuple(sorted(self.lexer_options.items())))

        def page_tree(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code") or _HighlightedOnce(
                Highlight2HTML(pygments_lexer=lexer, parent=self), self._highlighted)
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            soup = BeautifulSoup(html, features="html.parser")
            missing_alt = 0
            for elem in soup.select("img:not([alt])"):
                elem.attrs["alt"] = "No description has been provided for this image"
                missing_alt += 1
            if missing_alt:
                self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
            for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
                elem.attrs["tabindex"] = "0"
            for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
                elem.attrs["tabindex"] = "0"
            return soup, resources

    return Exporter


class _HighlightedOnce:
    """nbconvert's ``highlight_code`` for one page, answering each code cell once per exporter.

    Every report of a workbook shows the same code cells but its parameters; a cell's HTML
    depends on its source, the language asked for (else the notebook's lexer), the cell's
    ``magics_language`` (the only metadata nbconvert reads there) and the formatter options,
    so those are the key (about 5 ms of pygments a region profile's code page)."""

    LIMIT = 4096

    def __init__(self, highlight, memo: dict) -> None:
        self.highlight, self.memo = highlight, memo

    def __call__(self, source, language=None, metadata=None):
        h = self.highlight
        key = (h.pygments_lexer, source, language, (metadata or {}).get("magics_language"),
               repr(sorted(h.extra_formatter_options.items())))
        if key not in self.memo:
            if len(self.memo) >= self.LIMIT:
                self.memo.clear()
            self.memo[key] = h(source, language, metadata)
        return self.memo[key]


@functools.lru_cache(maxsize=4096)
def _nbconvert_clean_html(text: str) -> str:
    from nbconvert.filters.strings import clean_html as nbconvert_clean_html

    return nbconvert_clean_html(text)


def _cleaned_code(element) -> str:
    """nbconvert's ``clean_html`` (for the highlighted code cells), memoised: the same cells
    recur in every report of a workbook, and nbconvert builds a new bleach cleaner for each
    (about 10 ms a region profile's code page)."""
    return _nbconvert_clean_html(element.decode() if isinstance(element, bytes) else str(element))


class _StandIns:
    """Cleaned pieces of a page (its Markdown, HTML and highlighted code) parsed once, not on
    every page they are on.

    A page is parsed as a tree after nbconvert has written it, so that it can be finished
    (:func:`helpers.runner.pages.finish_page`), and serialised again. Most of that tree is the
    cleaned pieces: a report's tables, which are on both of its pages, and the Markdown
    texts and code cells every report of a workbook shares. While a page is rendered, each
    piece that finishing changes only inside itself stands in the page as an empty element
    of its own (:data:`_LEFT_IN_PAGE` names the others: headings and ids, which the table of
    contents reads, images, which get their alt texts, and the page's own elements). The page
    is parsed and finished with those, and each is then replaced by its piece parsed and
    finished alone (:func:`_finished_piece`, memoised).

    Why alone gives the same text: the cleaners' output is serialised by html5lib, so a piece
    is balanced and parses to the same elements alone as within the page. A piece stands in
    only when it begins and ends with a tag; the white space around it stays in the page, so
    the text beside it is what the parser had there before (it turns a run of white space
    between two tags into one newline or space, outside ``pre``). Should a stand-in not come
    back exactly once, the page is rendered again the plain way.
    ``tests/test_render_pages.py`` holds the pages to the plain ones."""

    _LEFT_IN_PAGE = re.compile(r"<(?:h[1-6]|img|main|nav|body|html|head)\b|\sid=|jp-", re.IGNORECASE)
    _SPACE = " \t\n\r\f"  # the white space the parser folds (Python's strip() takes more)

    def __init__(self) -> None:
        self.nonce = f"twb-piece-{secrets.token_hex(6)}-"
        self._stand_in = re.compile(f"<{re.escape(self.nonce)}(\\d+)></{re.escape(self.nonce)}\\1>")
        self.pieces: list[str] | None = None  # the page's pieces while one is rendered
        self.collected: list[str] = []  # the last page's

    def wrap(self, clean):
        """``clean`` (a template filter) answering with a stand-in while a page is collected."""

        def standing_in(*args, **kwargs):
            html = clean(*args, **kwargs)
            if self.pieces is None:
                return html
            core = html.strip(self._SPACE)
            if not (core.startswith("<") and core.endswith(">")) or self._LEFT_IN_PAGE.search(core):
                return html
            start = len(html) - len(html.lstrip(self._SPACE))
            n = len(self.pieces)
            self.pieces.append(core)
            return f"{html[:start]}<{self.nonce}{n}></{self.nonce}{n}>{html[start + len(core):]}"

        return standing_in

    @contextlib.contextmanager
    def collecting(self):
        self.pieces = []
        try:
            yield self
        finally:
            self.pieces, self.collected = None, self.pieces

    def restore(self, page: str) -> str | None:
        """``page`` with every stand-in replaced by its finished piece; None unless each of
        the collected ones is in it exactly once."""
        pieces, used = self.collected, []

        def piece(m: re.Match) -> str:
            i = int(m.group(1))
            used.append(i)
            return _finished_piece(pieces[i]) if i < len(pieces) else m.group(0)

        text = self._stand_in.sub(piece, page)
        return text if sorted(used) == list(range(len(pieces))) else None


@functools.lru_cache(maxsize=4096)
def _finished_piece(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, features="html.parser")
    pages.finish_fragment(soup)
    return str(soup)


class ReportRenderer:
    """Renders executed notebooks to light HTML pages; create once, reuse for many."""

    #: parse each cleaned piece once (:class:`_StandIns`); False renders pages the plain way
    stand_ins = True

    def __init__(self) -> None:
        HTMLExporter = _exporter_class()

        # optimistic_validation: the notebook is validated once, after nbconvert's last
        # preprocessor, not after each of its twelve (the same pages; 0.5 ms a validation)
        common = dict(template_file=str(REPORT_TEMPLATE), embed_images=True, optimistic_validation=True)
        self.reader = HTMLExporter(
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, **common
        )
        self.researcher = HTMLExporter(**common)
        self._pieces = _StandIns()
        for exporter in (self.reader, self.researcher):
            exporter.register_filter("twb_clean", self._pieces.wrap(clean_html))
            exporter.register_filter("clean_html", self._pieces.wrap(_cleaned_code))

    def warm_up(self) -> None:
        """Render a small built-in notebook (:func:`warm_up_notebook`) and drop the result.
        A renderer's first report otherwise also pays for compiling the page templates and
        for importing the Markdown, HTML-cleaning and code-highlighting modules (0.49 s for
        a first region profile against 0.13 s for the next). Later pages are the same bytes
        with or without it (tests/test_render_pages.py)."""
        self.render(warm_up_notebook(), WARM_UP_CONTEXT)

    def _page(self, exporter, nb, ctx: dict, contents: str) -> str:
        if self.stand_ins:
            with self._pieces.collecting() as collected:
                tree, _ = exporter.page_tree(nb, resources={"twb": ctx})
            page = collected.restore(pages.finish_page(tree, contents=contents))
            if page is not None:
                return page
            log.debug("a stand-in did not come back exactly once; the page is rendered again without stand-ins")
        tree, _ = exporter.page_tree(nb, resources={"twb": ctx})
        return pages.finish_page(tree, contents=contents)

    def render(self, nb, context: Mapping[str, Any]) -> Rendered:
        """Both pages and their files. ``context`` fills the template's ``twb`` block: slug,
        title, source, parameters, snapshot_version, generated_at, status, and optionally
        ``lang`` (the run's language; default "en") and ``licence`` (of the report's data,
        for the CSVW files)."""
        slug = context["slug"]
        lang = pages.language(context.get("lang"))
        text = pages.texts(lang)
        prepared = prepare(nb, slug, licence=context.get("licence"), lang=lang)
        data_href = (pages.href(f"{pages.report_dirs(slug)[1]}/{pages.DATA_INDEX}")
                     if prepared.downloads else None)
        base = dict(context, lang=lang, text=text, csp=pages.CSP, css_href=pages.STYLESHEET_NAME,
                    generated_when=pages.format_when(context["generated_at"], lang),
                    gallery_href="../" + pages.gallery_page(lang), notebook_href=pages.href(f"{slug}.ipynb"),
                    data_href=data_href)
        variants = [(code, LANGUAGE_NAMES.get(code, code), other) for code, other in context.get("variants") or ()]
        reader_ctx = dict(base, with_code=False, other_href=pages.href(f"{slug}.code.html"),
                          other_label=text["show_code"],
                          variants=[(c, n, pages.href(f"{o}.html")) for c, n, o in variants])
        code_ctx = dict(base, with_code=True, other_href=pages.href(f"{slug}.html"),
                        other_label=text["hide_code"],
                        variants=[(c, n, pages.href(f"{o}.code.html")) for c, n, o in variants])
        pages_html = []
        for exporter, page_nb, ctx in ((self.reader, prepared.reader, reader_ctx),
                                       (self.researcher, prepared.code, code_ctx)):
            page_nb.metadata["title"] = context["title"]
            pages_html.append(self._page(exporter, page_nb, ctx, text["contents"]))
        assets = dict(prepared.assets)
        if prepared.downloads:
            index = pages.data_index(slug=slug, title=str(context["title"]), items=prepared.downloads, lang=lang)
            assets[f"{pages.report_dirs(slug)[1]}/{pages.DATA_INDEX}"] = index.encode("utf-8")
        return Rendered(slug=slug, reader=pages_html[0], code=pages_html[1], assets=assets,
                        downloads=prepared.downloads, figures=prepared.figures,
                        missing_alt=prepared.missing_alt, problems=list(prepared.problems),
                        notebook=prepared.notebook)


#: the context :meth:`ReportRenderer.warm_up` renders with (any language: one template)
WARM_UP_CONTEXT = {"slug": "warm-up", "title": "Warm-up", "source": "notebooks/warm-up.ipynb",
                   "parameters": [("area", "x")], "snapshot_version": "0", "status": "ok",
                   "generated_at": "2026-01-01T00:00:00+00:00", "lang": "en"}


def warm_up_notebook():
    """A hand-made notebook with every kind of cell and output a report page has: Markdown
    with a table, Python code, printed text, a Markdown and an HTML table, an SVG chart and
    a PNG figure with their alt texts, a data download. Rendered once per worker and
    thrown away (:meth:`ReportRenderer.warm_up`); nothing in it is published."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    from PIL import Image

    from .. import downloads, settings

    png = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(png, format="PNG")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="4pt" height="3pt" viewBox="0 0 4 3">'
           '<rect width="4" height="3" fill="#0072B2"/></svg>')
    table = "| a | b |\n|:--|--:|\n| x | 1 |"
    data = {"format": downloads.FORMAT, "name": "warm_up", "title": "Warm-up", "source": "Warm-up.",
            "links": [], "columns": [{"name": "a", "type": "string"}], "csv": "a\nx\n"}
    outputs = [
        new_output("stream", name="stdout", text="text\n"),
        new_output("execute_result", execution_count=1, data={"text/markdown": table, "text/plain": "t"}),
        new_output("display_data", data={"text/html": "<p><b>html</b></p>", "text/plain": "h"}),
        new_output("display_data", data={"image/svg+xml": svg, "text/plain": "<Figure>", downloads.MIMETYPE: data},
                   metadata={"image/svg+xml": {"alt": "Chart: warm-up", "width": 5, "height": 4}}),
        new_output("display_data", data={"image/png": base64.b64encode(png.getvalue()).decode(),
                                         "text/plain": "<Figure>"},
                   metadata={"image/png": {"alt": "Map: warm-up", "width": 4, "height": 3}}),
    ]
    nb = new_notebook(cells=[new_markdown_cell(f"# Warm-up\n\n*Text* and a table:\n\n{table}"),
                             new_code_cell("x = 1\nprint(x)", execution_count=1, outputs=outputs)])
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3",
                                    "codemirror_mode": {"name": "ipython", "version": 3}}
    return nbformat.from_dict(nb)


def iter_outputs(nb) -> Iterable[dict]:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            yield from cell.get("outputs", [])


def first_png(nb) -> bytes | None:
    """The first PNG figure in the notebook's outputs, decoded."""
    for out in iter_outputs(nb):
        data = out.get("data") or {}
        if "image/png" in data:
            payload = data["image/png"]
            if isinstance(payload, list):
                payload = "".join(payload)
            try:
                return base64.b64decode(payload)
            except ValueError:
                continue
    return None


def write_thumbnail(nb, dest: Path, width: int = THUMB_WIDTH) -> tuple[int, int] | None:
    """Save the first figure scaled to ``width`` px as PNG; (width, height) or None."""
    raw = first_png(nb)
    if raw is None:
        return None
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as img:
        size = (width, max(1, round(img.height * width / img.width))) if img.width > width else None
        if img.mode in ("RGB", "P", "L") and "transparency" not in img.info:
            # opaque (the runner's figures are palette PNGs drawn on white): the same pixels as
            # the route below, without an alpha channel to resample and paste through
            flat = img.convert("RGB")
            flat = flat.resize(size, Image.LANCZOS) if size else flat
        else:
            img = img.convert("RGBA")
            img = img.resize(size, Image.LANCZOS) if size else img
            flat = Image.new("RGB", img.size, "white")  # figures are drawn on white
            flat.paste(img, mask=img.getchannel("A"))
        flat.quantize(colors=128).save(dest, format="PNG", optimize=True)
        return flat.width, flat.height
