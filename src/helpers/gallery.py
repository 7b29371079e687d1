"""Rendering and publishing reports: report HTML, thumbnails, key figures, the gallery.

Two halves, kept apart so that execution (``helpers.runner``) never touches what readers see:

* **Rendering** (runs inside the runner's workers): :class:`ReportRenderer` turns an executed
  notebook into two self-contained HTML pages — ``<slug>.html`` for readers (code hidden)
  and ``<slug>.code.html`` for researchers (with code) — through one reused pair of
  nbconvert exporters; :func:`write_thumbnail` saves the first figure small;
  :func:`key_figures` reads the figures recorded by :mod:`helpers.provenance`.
* **Publishing** (runs in the parent process, once per set): :func:`publish_set` takes a set
  built in a staging directory, writes its ``manifest.json``, renders ``reports/index.html``
  from every published set's manifest, and swaps both in atomically.

Publishing is atomic
--------------------
Everything of a run is written below ``reports/.staging/``; the published tree is touched
only by :func:`publish_set`, which (under a lock file, so two sets publishing at once do
not race) exchanges ``reports/<set>/`` with the staged copy in one ``renameat2``
(``RENAME_EXCHANGE``) call — two renames where the kernel or file system cannot — then
replaces ``reports/index.html`` with ``os.replace`` and only then deletes the old set. A
run that fails or is killed before that point leaves the published gallery byte for byte as
it was; its staging directory is removed by the next run (:func:`remove_stale_staging`).

Escaping
--------
Parameter values, titles and key figures reach HTML only through Jinja autoescaping (the
gallery) or ``|e`` (the report template). HTML and Markdown that notebooks *output* are
cleaned with :func:`clean_html` (an allow-list: tables, text, images; no scripts, no event
handlers, no ``javascript:`` links), JavaScript outputs are dropped, so a parameter such as
``<script>`` shows as text.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import datetime as _dt
import errno
import fcntl
import io
import json
import math
import os
import re
import shutil
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import paths

TEMPLATES_DIR = paths.package_dir() / "templates"
REPORT_TEMPLATE = TEMPLATES_DIR / "report.html.j2"
GALLERY_TEMPLATE = "gallery.html.j2"
KEY_FIGURES_MIMETYPE = "application/vnd.turku-workbooks.key-figures+json"
MANIFEST = "manifest.json"
STAGING = ".staging"
FAILED = ".failed"
LOCK = ".publish.lock"
MANIFEST_FORMAT = 1
THUMB_WIDTH = 480
#: set names become directory names: lower-case letters, digits, "-" and "_"
SET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class PublishError(RuntimeError):
    """The set could not be published; the previous gallery is unchanged."""


# ============================================================================ cleaning HTML

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


# ============================================================================ rendering


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
        nb = _copy_with_title(nb, context["title"])
        base = dict(context, gallery_href="../index.html", notebook_href=_href(f"{slug}.ipynb"))
        reader_ctx = dict(base, with_code=False, other_href=_href(f"{slug}.code.html"),
                          other_label="show the code")
        code_ctx = dict(base, with_code=True, other_href=_href(f"{slug}.html"),
                        other_label="hide the code")
        reader, _ = self.reader.from_notebook_node(nb, resources={"twb": reader_ctx})
        code, _ = self.researcher.from_notebook_node(nb, resources={"twb": code_ctx})
        return reader, code


def _copy_with_title(nb, title: str):
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    return nb


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


def key_figures(nb) -> dict:
    """Key figures recorded with ``helpers.provenance.record_key_figures`` (name -> value)."""
    try:
        from .provenance import read_key_figures
    except ImportError:  # pragma: no cover - provenance is part of the package
        read_key_figures = None
    if read_key_figures is not None:
        return dict(read_key_figures(nb))
    found: dict = {}
    for out in iter_outputs(nb):
        payload = (out.get("data") or {}).get(KEY_FIGURES_MIMETYPE)
        if isinstance(payload, str):
            payload = json.loads(payload)
        if isinstance(payload, Mapping):
            found.update(payload)
    return found


def format_value(value: Any) -> str:
    """A key figure as text: thin-space thousands, 0-2 decimals, "no data" for null."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u2009").replace("-", "\u2212")
    if isinstance(value, float):
        decimals = 0 if abs(value) >= 1000 else 2 if abs(value) >= 1 or value == 0 else 4
        return f"{value:,.{decimals}f}".replace(",", "\u2009").replace("-", "\u2212")
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def snapshot_version(snapshot: Path | str | None = None) -> str:
    """The ``version`` of a snapshot's datapackage.json (default: the pinned snapshot)."""
    directory = Path(snapshot) if snapshot else paths.snapshot_dir()
    try:
        from .snapshot import Snapshot

        version = Snapshot(directory).manifest.get("version")
    except Exception:  # the module or its dependencies are unavailable: read the JSON
        try:
            version = json.loads((directory / "datapackage.json").read_text("utf-8")).get("version")
        except (OSError, ValueError):
            version = None
    return str(version) if version else "unknown"


# ============================================================================ gallery


def _jinja_env():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = lambda value: urllib.parse.quote(str(value))
    env.filters["seconds"] = format_seconds
    env.filters["when"] = format_when
    return env


def format_when(value: Any) -> str:
    """ISO timestamp -> "2026-11-27 19:31 UTC" (unparseable values unchanged)."""
    try:
        t = _dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone(_dt.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def format_seconds(value: Any) -> str:
    try:
        s = float(value)
    except (TypeError, ValueError):
        return ""
    if s < 60:
        return f"{s:.1f} s"
    m, s = divmod(round(s), 60)
    return f"{m} min {s:02d} s" if m < 60 else f"{m // 60} h {m % 60:02d} min"


def _set_order(name: str) -> tuple:
    return (name != "default", name == "adhoc", name)


def render_gallery(manifests: Iterable[Mapping[str, Any]], *, generated_at: str | None = None) -> str:
    """``reports/index.html``: one section per set, one card per report."""
    sets = sorted(manifests, key=lambda m: _set_order(m["set"]))
    versions = sorted({r.get("snapshot_version", "unknown") for m in sets for r in m.get("runs", [])})
    return _jinja_env().get_template(GALLERY_TEMPLATE).render(
        sets=sets,
        versions=versions,
        generated_at=generated_at or now_iso(),
    )


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def read_manifest(set_dir: Path) -> dict | None:
    path = Path(set_dir) / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    return data


def published_manifests(reports_dir: Path) -> dict[str, dict]:
    """Manifests of every set currently published under ``reports_dir``."""
    found = {}
    if not Path(reports_dir).is_dir():
        return found
    for child in sorted(Path(reports_dir).iterdir()):
        if child.name.startswith(".") or not child.is_dir() or not SET_NAME_RE.match(child.name):
            continue
        manifest = read_manifest(child)
        if manifest is not None and manifest.get("set") == child.name:
            found[child.name] = manifest
    return found


# ============================================================================ staging and swap


def check_set_name(name: str) -> str:
    if not isinstance(name, str) or not SET_NAME_RE.match(name):
        raise ValueError(
            f"set name {name!r} is not allowed: use lower-case letters, digits, '-' and '_' "
            "(it becomes a directory under reports/)"
        )
    return name


def new_staging(reports_dir: Path, set_name: str) -> Path:
    """A fresh staging directory ``reports/.staging/<set>-<pid>-<random>/<set>/`` (returned)."""
    check_set_name(set_name)
    root = Path(reports_dir) / STAGING
    root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(reports_dir)
    box = Path(tempfile.mkdtemp(prefix=f"{set_name}-{os.getpid()}-", dir=root))
    staged = box / set_name
    staged.mkdir()
    return staged


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(reports_dir: Path) -> list[Path]:
    """Delete staging directories left by runs whose process is gone (killed runs)."""
    removed = []
    root = Path(reports_dir) / STAGING
    if not root.is_dir():
        return removed
    for box in root.iterdir():
        m = re.match(r"^[a-z0-9_-]+?-(\d+)-", box.name)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            shutil.rmtree(box, ignore_errors=True)
            removed.append(box)
    return removed


def discard_staging(staged_set_dir: Path) -> None:
    shutil.rmtree(Path(staged_set_dir).parent, ignore_errors=True)


@contextlib.contextmanager
def publish_lock(reports_dir: Path):
    Path(reports_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(reports_dir) / LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange_paths(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2(RENAME_EXCHANGE)``).

    False when the platform or file system cannot; other errors raise OSError."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(staged: Path, target: Path) -> Path | None:
    """Put ``staged`` at ``target``; return where the old ``target`` now is (to delete)."""
    if not target.exists() and not target.is_symlink():
        os.rename(staged, target)
        return None
    if exchange_paths(staged, target):
        return staged  # the staged path now holds the old set
    trash = staged.parent / (staged.name + ".old")
    os.rename(target, trash)
    os.rename(staged, target)
    return trash


def _merge_previous(staged: Path, previous: Mapping[str, Any] | None, published_dir: Path,
                    runs: list[dict]) -> list[dict]:
    """For merged sets (ad-hoc runs): keep earlier reports the new runs do not replace."""
    if not previous:
        return runs
    new_slugs = {r["slug"] for r in runs}
    kept = []
    for old in previous.get("runs", []):
        if old.get("slug") in new_slugs:
            continue
        files = [f for f in (old.get("files") or {}).values() if f]
        if not all((published_dir / f).is_file() for f in files):
            continue
        for f in files:
            src, dst = published_dir / f, staged / f
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
        kept.append(old)
    return kept + runs


def publish_set(reports_dir: Path, staged: Path, manifest: dict, *, merge: bool = False) -> Path:
    """Publish the set staged in ``staged`` (``.../<set>/``) as ``reports_dir/<set>/`` and
    rebuild ``reports_dir/index.html``. Returns the published directory.

    With ``merge`` (ad-hoc single runs) the set's earlier reports are kept unless a new run
    has the same name. Any error before the swap leaves the published tree unchanged.
    """
    reports_dir = Path(reports_dir)
    set_name = check_set_name(manifest["set"])
    staged = Path(staged)
    if staged.name != set_name:
        raise PublishError(f"staged directory {staged.name!r} does not match set {set_name!r}")
    target = reports_dir / set_name
    with publish_lock(reports_dir):
        others = published_manifests(reports_dir)
        if merge:
            manifest = dict(manifest)
            manifest["runs"] = _merge_previous(staged, others.get(set_name), target, list(manifest["runs"]))
            manifest["counts"] = count_runs(manifest["runs"])
        _write_atomic(staged / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        others[set_name] = manifest
        index_tmp = staged.parent / "index.html"
        index_tmp.write_text(render_gallery(others.values()), encoding="utf-8")
        old = _swap_in(staged, target)
        os.replace(index_tmp, reports_dir / "index.html")
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    discard_staging(staged)
    return target


def keep_failed(reports_dir: Path, staged: Path) -> Path:
    """Nothing succeeded: move the staged outputs to ``reports/.failed/<set>/`` for
    inspection (replacing an older one) without touching the published gallery."""
    dest_root = Path(reports_dir) / FAILED
    dest_root.mkdir(parents=True, exist_ok=True)
    dest = dest_root / Path(staged).name
    old = None
    if dest.exists():
        old = dest_root / f".{dest.name}.old-{os.getpid()}"
        os.rename(dest, old)
    os.rename(staged, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    discard_staging(staged)
    return dest


def count_runs(runs: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    runs = list(runs)
    ok = sum(1 for r in runs if r.get("status") == "ok")
    return {"ok": ok, "failed": len(runs) - ok}


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
