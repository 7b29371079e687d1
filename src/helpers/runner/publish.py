"""Publishing a set: its manifest, the gallery (``reports/index.html``), one atomic swap.

Runs in the parent process, once per set, after every run of the set has come back:

    staged set dir (reports/.staging/<set>-<pid>-<rnd>/<set>/, built by the runs)
      ──► manifest.json and report.css (the set's one stylesheet) written into it
          (merged with the earlier runs for ad-hoc sets)
      ──► index.html rendered from every published set's manifest (templates/gallery.html.j2)
      ──► reports/<set>/ exchanged with the staged dir in one renameat2(RENAME_EXCHANGE)
      ──► index.html replaced (os.replace); the old set deleted

Publishing is atomic: everything of a run is written below ``reports/.staging/``; the
published tree is touched only by :func:`publish_set`, under a lock file (two sets
publishing at once do not race), and where the kernel or file system cannot exchange two
paths, two renames are used instead. A run that fails or is killed before that point leaves
the published gallery byte for byte as it was; its staging directory is removed by the next
run (:func:`remove_stale_staging`). A set where every run failed is not published at all
(:func:`keep_failed` moves its outputs to ``reports/.failed/<set>/``). A run that fails
where the published set has a good report of the same name never replaces it
(:func:`keep_good_reports`): the good report stays, its card says when the last run failed
and why, and that run's log is kept beside it as ``<slug>.failed.log``.

Every value in the gallery reaches HTML through Jinja autoescaping.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import i18n, paths, settings
from ..i18n import format_number
from ..params import LANGUAGE_NAMES, LANGUAGE_NAMES_IN_WORDS
from .base import SET_NAME_RE, RunnerSetupError, check_set_name, now_iso
from .pages import TEMPLATES_DIR, copy_report, format_when, gallery_page, href, report_dirs, write_stylesheet

GALLERY_TEMPLATE = "gallery.html.j2"
MANIFEST = "manifest.json"
STAGING = ".staging"
FAILED = ".failed"
LOCK = ".publish.lock"
#: 2: key figures are the entries of helpers.keyfigures (+ ``text``); 1 (pairs of name and
#: text) is still read, so sets published before keep their place in the gallery
MANIFEST_FORMAT = 2
_OLD_CARD_FIGURES = 8


class PublishError(RuntimeError):
    """The set could not be published; the previous gallery is unchanged."""


# ============================================================================ manifests


def set_manifest(set_name: str, runs: list[dict], *, description: str = "", started_at: str,
                 elapsed_s: float, workers: int, title: str = "") -> dict:
    """The manifest of a finished set; ``runs`` are the runs' records (``RunResult.record()``)."""
    return {
        "format": MANIFEST_FORMAT,
        "set": set_name,
        "title": title,
        "description": description,
        "generated_at": now_iso(),
        "started_at": started_at,
        "elapsed_s": round(elapsed_s, 2),
        "workers": workers,
        "counts": count_runs(runs),
        "files": {"log": "run.log"},
        "runs": runs,
    }


def count_runs(runs: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """ok (a report is shown), failed (a failure card), stale (a report kept from an earlier
    run because the last run of it failed; counted in ok too)."""
    runs = list(runs)
    ok = sum(1 for r in runs if r.get("status") == "ok")
    stale = sum(1 for r in runs if r.get("status") == "ok" and r.get("last_failure"))
    return {"ok": ok, "failed": len(runs) - ok, "stale": stale}


def read_manifest(set_dir: Path) -> dict | None:
    path = Path(set_dir) / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("format") == 1:
        return _from_format_1(data)
    return data if data.get("format") == MANIFEST_FORMAT else None


def _from_format_1(data: dict) -> dict:
    """A format-1 manifest read as format 2: its ``[name, text]`` pairs become entries (the
    first eight shown on the card, as they were)."""
    runs = []
    for run in data.get("runs", []):
        run = {k: v for k, v in run.items() if k != "key_figures_raw"}
        run["key_figures"] = [
            {"name": str(name), "value": None, "label": str(name), "unit": "", "decimals": None,
             "headline": i < _OLD_CARD_FIGURES, "text": str(text)}
            for i, (name, text) in enumerate(run.get("key_figures") or [])
        ]
        runs.append(run)
    return dict(data, format=MANIFEST_FORMAT, runs=runs)


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


# ============================================================================ the gallery


def gallery_name(lang: str) -> str:
    """``index.html`` in the gallery's own language (:data:`~helpers.settings.GALLERY_LANGUAGE`),
    ``index.<lang>.html`` in the others."""
    return gallery_page(lang)


def _run_lang(run: Mapping[str, Any]) -> str:
    lang = run.get("lang")
    return lang if lang in i18n.LANGUAGES else i18n.SOURCE_LANGUAGE


def _card_figure(entry: Mapping[str, Any]) -> dict:
    """A manifest's key-figure entry with every field a card reads (manifests published
    before ``labelled`` existed: every figure counts as labelled, as it was shown then)."""
    return {"value": None, "label": entry.get("name", ""), "text": "", "headline": False, "labelled": True,
            **entry}


def gallery_cards(runs: Iterable[Mapping[str, Any]], lang: str) -> list[dict]:
    """One card per report, in the page's language where the report was published in it (else
    in the first of its languages, marked): the run, and its variants in the other languages."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        run = dict(run, key_figures=[_card_figure(e) for e in run.get("key_figures") or []])
        groups.setdefault(str(run.get("group") or run.get("slug")), []).append(run)
    preference = [lang, settings.GALLERY_LANGUAGE, *i18n.LANGUAGES]
    cards = []
    for members in groups.values():
        by_lang = {_run_lang(r): r for r in members}
        shown_lang = next(x for x in preference if x in by_lang)
        cards.append({"run": by_lang[shown_lang], "lang": shown_lang, "other_language": shown_lang != lang,
                      "variants": [(x, by_lang[x]) for x in i18n.LANGUAGES if x in by_lang and x != shown_lang]})
    return cards


def render_gallery(manifests: Iterable[Mapping[str, Any]], *, lang: str | None = None,
                   generated_at: str | None = None) -> str:
    """The gallery in ``lang`` (default: the gallery's language): one section per set, one card
    per report (its language variants as links), every word in ``lang``."""
    lang = lang or settings.GALLERY_LANGUAGE
    sets = sorted(manifests, key=lambda m: _set_order(m["set"]))
    versions = sorted({r.get("snapshot_version", "unknown") for m in sets for r in m.get("runs", [])})
    t = i18n.translations(lang)
    return _jinja_env(lang).get_template(GALLERY_TEMPLATE).render(
        sets=[dict(m, cards=gallery_cards(m.get("runs", []), lang)) for m in sets],
        versions=versions,
        generated_at=generated_at or now_iso(),
        lang=lang,
        _=t.gettext,
        ngettext=t.ngettext,
        languages=[(x, LANGUAGE_NAMES[x], gallery_name(x)) for x in i18n.LANGUAGES],
        language_names={x: t.gettext(LANGUAGE_NAMES_IN_WORDS[x]) for x in i18n.LANGUAGES},
    )


def _set_order(name: str) -> tuple:
    return (name != "default", name == "adhoc", name)


def _jinja_env(lang: str = "en"):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = href
    env.filters["seconds"] = lambda value: format_seconds(value, lang)
    env.filters["when"] = lambda value: format_when(value, lang)
    return env


def format_seconds(value: Any, lang: str = "en") -> str:
    """Seconds as a reader reads a run time: "4.2 s" (en), "4,2 s" (fi, sv), "2 min 05 s"."""
    try:
        s = float(value)
    except (TypeError, ValueError):
        return ""
    if s < 60:
        return f"{format_number(s, 1, lang=lang)} s"
    m, s = divmod(round(s), 60)
    return f"{m} min {s:02d} s" if m < 60 else f"{m // 60} h {m % 60:02d} min"


# ============================================================================ staging and swap


def _own_dir(reports_dir: Path, name: str) -> Path:
    """``reports/<name>`` (.staging, .failed): a folder the runner makes, deletes in and never
    reaches through a symbolic link (:class:`RunnerSetupError` if it is one)."""
    path = Path(reports_dir) / name
    try:
        paths.refuse_links(path, Path(reports_dir), what=f"the runner's {name} folder")
    except paths.LinkRefused as exc:
        raise RunnerSetupError(str(exc)) from None
    return path


def new_staging(reports_dir: Path, set_name: str) -> Path:
    """A fresh staging directory ``reports/.staging/<set>-<pid>-<random>/<set>/`` (returned)."""
    check_set_name(set_name)
    root = _own_dir(reports_dir, STAGING)
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
    """Delete staging directories left by runs whose process is gone (killed runs): only
    real directories named as the runner names them; a symbolic link is never followed."""
    removed = []
    root = _own_dir(reports_dir, STAGING)
    if not root.is_dir():
        return removed
    for box in root.iterdir():
        if box.is_symlink() or not box.is_dir():
            continue  # not something the runner made
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
        # every listed file, and the report's figure and data directories
        if copy_report(published_dir, staged, old["slug"], files):
            kept.append(old)
    return kept + runs


def keep_good_reports(staged: Path, previous: Mapping[str, Any] | None, published_dir: Path,
                      runs: list[dict]) -> list[dict]:
    """Failed runs whose name has a good published report: the good report's files are put
    back into ``staged`` in place of the failure's, and its record is kept with
    ``last_failure`` (when, the error, the failed run's log as ``<slug>.failed.log``)."""
    good = {r.get("slug"): r for r in (previous or {}).get("runs", []) if r.get("status") == "ok"}
    out = []
    for run in runs:
        old = good.get(run.get("slug"))
        if run.get("status") == "ok" or old is None:
            out.append(run)
            continue
        slug = run["slug"]
        old_files = {k: v for k, v in (old.get("files") or {}).items() if v and k != "failed_log"}
        if not all((Path(published_dir) / f).is_file() and not (Path(published_dir) / f).is_symlink()
                   for f in old_files.values()):
            out.append(run)  # the old report is not complete on disk: show the failure
            continue
        failed_log = None
        new_files = run.get("files") or {}
        if new_files.get("log") and (staged / new_files["log"]).is_file():
            failed_log = f"{slug}.failed.log"
            os.replace(staged / new_files["log"], staged / failed_log)
        for name in new_files.values():
            if name and "/" not in name and name != failed_log:
                (staged / name).unlink(missing_ok=True)
        for d in report_dirs(slug):
            if (staged / d).is_dir() and not (staged / d).is_symlink():
                shutil.rmtree(staged / d)
        copy_report(published_dir, staged, slug, old_files.values())
        record = {k: v for k, v in old.items() if k != "last_failure"}
        record["files"] = dict(old_files, failed_log=failed_log)
        record["last_failure"] = {"finished_at": run.get("finished_at"), "error": run.get("error"),
                                  "log": failed_log}
        out.append(record)
    return out


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
        manifest = dict(manifest)
        runs = keep_good_reports(staged, others.get(set_name), target, list(manifest["runs"]))
        if merge:
            runs = _merge_previous(staged, others.get(set_name), target, runs)
        manifest["runs"] = runs
        manifest["counts"] = count_runs(runs)
        _write_atomic(staged / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        write_stylesheet(staged)
        others[set_name] = manifest
        pages = []
        for lang in i18n.LANGUAGES:
            tmp = staged.parent / gallery_name(lang)
            tmp.write_text(render_gallery(others.values(), lang=lang), encoding="utf-8")
            pages.append(tmp)
        old = _swap_in(staged, target)
        for tmp in pages:
            os.replace(tmp, reports_dir / tmp.name)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    discard_staging(staged)
    return target


def keep_failed(reports_dir: Path, staged: Path) -> Path:
    """Nothing succeeded: move the staged outputs to ``reports/.failed/<set>/`` for
    inspection (replacing an older one) without touching the published gallery."""
    dest_root = _own_dir(reports_dir, FAILED)
    dest_root.mkdir(parents=True, exist_ok=True)
    dest = dest_root / Path(staged).name
    if dest.is_symlink():
        raise RunnerSetupError(f"{dest} is a symbolic link; the runner replaces only the folders it made there")
    write_stylesheet(staged)  # the kept pages still look right
    old = None
    if dest.exists():
        old = dest_root / f".{dest.name}.old-{os.getpid()}"
        os.rename(dest, old)
    os.rename(staged, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    discard_staging(staged)
    return dest


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
