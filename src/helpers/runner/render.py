"""What readers see of one run: two self-contained HTML pages and a thumbnail.

Runs inside the workers, right after a notebook has executed:

    executed notebook ──► ReportRenderer.render() ──► <slug>.html       (readers: code hidden)
                                                  └─► <slug>.code.html  (researchers: with code)
                      ──► write_thumbnail()       ──► <slug>.thumb.png  (the first figure, small)

One pair of nbconvert exporters per worker is reused for every report
(templates/report.html.j2). No CDN scripts, so a report opens offline.

Escaping: parameter values and titles reach the page only through ``|e`` in the template.
HTML and Markdown that notebooks *output* are cleaned with :func:`clean_html` (an
allow-list: tables, text, images; no scripts, no event handlers, no ``javascript:``
links), JavaScript outputs are dropped, so a parameter such as ``<script>`` shows as text.
"""

from __future__ import annotations

import base64
import copy
import io
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import paths

TEMPLATES_DIR = paths.package_dir() / "templates"
REPORT_TEMPLATE = TEMPLATES_DIR / "report.html.j2"
THUMB_WIDTH = 480

_ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var",
})
_ALLOWED_ATTRIBUTES = {
    "*": ["class", "id", "title", "style", "lang", "dir", "align"],
    "a": ["href", "name", "rel", "target"],
    "img": ["src", "alt", "width", "height"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "table": ["border"],
    "style": ["type", "scoped"],
    "ol": ["start"],
}
_cleaner = None


def clean_html(text: Any) -> str:
    """Allow-list HTML cleaning for notebook outputs: disallowed tags are escaped (they show
    as text), event-handler attributes and ``javascript:`` URLs are removed."""
    global _cleaner
    if _cleaner is None:
        import bleach  # a dependency of nbconvert
        from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer

        _cleaner = bleach.sanitizer.Cleaner(
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            protocols={"http", "https", "mailto", "data"},
            strip=False,
            strip_comments=True,
            css_sanitizer=CSSSanitizer(
                allowed_css_properties=ALLOWED_CSS_PROPERTIES
                | {"text-align", "vertical-align", "white-space", "max-width", "min-width"}
            ),
        )
    if isinstance(text, list):  # nbformat may keep multi-line strings as lists
        text = "".join(text)
    return _cleaner.clean(str(text))


class ReportRenderer:
    """Renders executed notebooks to self-contained HTML; create once, reuse for many."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter

        common = dict(template_file=str(REPORT_TEMPLATE), embed_images=True)
        self.reader = HTMLExporter(
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, **common
        )
        self.researcher = HTMLExporter(**common)
        for exporter in (self.reader, self.researcher):
            exporter.register_filter("twb_clean", clean_html)

    def render(self, nb, context: Mapping[str, Any]) -> tuple[str, str]:
        """(reader HTML, researcher HTML). ``context`` fills the template's ``twb`` block:
        title, source, parameters, snapshot_version, generated_at, status, slug."""
        slug = context["slug"]
        nb = copy.deepcopy(nb)
        nb.metadata["title"] = context["title"]
        base = dict(context, gallery_href="../index.html", notebook_href=_href(f"{slug}.ipynb"))
        reader_ctx = dict(base, with_code=False, other_href=_href(f"{slug}.code.html"),
                          other_label="show the code")
        code_ctx = dict(base, with_code=True, other_href=_href(f"{slug}.html"),
                        other_label="hide the code")
        reader, _ = self.reader.from_notebook_node(nb, resources={"twb": reader_ctx})
        code, _ = self.researcher.from_notebook_node(nb, resources={"twb": code_ctx})
        return reader, code


def _href(name: str) -> str:
    return urllib.parse.quote(name)


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
        img = img.convert("RGBA")
        if img.width > width:
            img = img.resize((width, max(1, round(img.height * width / img.width))), Image.LANCZOS)
        flat = Image.new("RGB", img.size, "white")  # figures are drawn on white
        flat.paste(img, mask=img.getchannel("A"))
        flat.quantize(colors=128).save(dest, format="PNG", optimize=True)
        return flat.width, flat.height
