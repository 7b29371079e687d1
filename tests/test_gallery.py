"""The gallery side of the runner (helpers.runner.render and .publish): escaping, report
rendering, thumbnails, key figures on the cards, atomic publishing (no kernels).

Manifests and notebooks here are hand-made test fixtures built in the tests, not real data.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import keyfigures, paths, settings
from helpers.runner import execute, jobs, publish, render, schedule

XSS = "<script>alert('x')</script>"


def _png(width=300, height=200, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


def _figure(name, text, *, label=None, headline=True, value=None):
    return {"name": name, "value": value, "label": label or name, "unit": "", "decimals": None,
            "headline": headline, "text": text}


_POPULATION_FIGURE = _figure("population_2023", "1 234", label="Population 2023")


def _record(slug, *, status="ok", title="Hello", params=(("area", "MK02 Varsinais-Suomi"),), thumb=True,
            key_figures=(_POPULATION_FIGURE,), error=None):
    files = {"html": f"{slug}.html", "code_html": f"{slug}.code.html", "ipynb": f"{slug}.ipynb",
             "log": f"{slug}.log", "thumb": f"{slug}.thumb.png" if thumb else None}
    return {
        "slug": slug, "workbook": "hello", "title": title, "source": "notebooks/hello.ipynb",
        "parameters": [list(p) for p in params], "status": status, "elapsed_s": 1.5,
        "started_at": "2026-01-02T03:04:05+00:00", "finished_at": "2026-01-02T03:04:07+00:00",
        "attempts": 1, "snapshot_version": "2026.1", "key_figures": [dict(k) for k in key_figures],
        "error": error, "files": files, "thumb_size": [300, 200] if thumb else None,
    }


def _manifest(set_name, runs, description="hand-made"):
    return {"format": publish.MANIFEST_FORMAT, "set": set_name, "description": description,
            "generated_at": "2026-01-02T03:04:07+00:00", "started_at": "2026-01-02T03:04:00+00:00",
            "elapsed_s": 7.0, "workers": 1, "counts": publish.count_runs(runs), "files": {"log": "run.log"},
            "runs": runs}


def _stage(reports: Path, set_name: str, runs: list[dict], marker: str = "v1") -> Path:
    staged = publish.new_staging(reports, set_name)
    for r in runs:
        for f in r["files"].values():
            if f:
                (staged / f).write_text(f"{marker} {f}", encoding="utf-8")
    (staged / "run.log").write_text(marker, encoding="utf-8")
    return staged


def _tree(root: Path) -> dict[str, str]:
    """Every published file (not staging, not the lock) with its sha256."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts[0] in (publish.STAGING, publish.LOCK) or p.is_dir():
            continue
        out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# ----------------------------------------------------------------------------- escaping


def test_gallery_escapes_every_value_from_a_run():
    err = {"cell": 3, "cell_id": "c", "exec_count": 2, "ename": "E", "evalue": XSS, "summary": f"ValueError: {XSS}"}
    html = publish.render_gallery([
        _manifest("demo", [
            _record("a", title=XSS, params=(("title", XSS),), key_figures=(_figure(XSS, XSS, label=XSS),)),
            _record("b", status="failed", thumb=False, error=err),
        ], description=XSS),
    ], lang="en")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "script-src 'none'" in html  # and scripts could not run anyway
    assert "Failed</strong> at In [2] (cell 3 of the executed notebook)" in html


def test_gallery_card_shows_parameters_key_figures_time_snapshot_and_source():
    html = publish.render_gallery([_manifest("demo", [_record("hello--MK02")])], lang="en")
    assert 'href="demo/hello--MK02.html"' in html
    assert 'src="demo/hello--MK02.thumb.png"' in html
    for text in ("MK02 Varsinais-Suomi", "<dt>Population 2023</dt><dd>1 234</dd>", "run time 1.5 s",
                 "snapshot 2026.1", "generated from <code>notebooks/hello.ipynb</code>", "2026-01-02 03:04 UTC"):
        assert text in html, text


def test_the_card_shows_every_headline_figure_first_and_the_rest_folded():
    figures = [_figure(f"h{i}", f"H{i}") for i in range(10)] + [
        _figure("x", "X", headline=False, value=1), _figure("y", "Y", headline=False, value=2)]
    html = publish.render_gallery([_manifest("demo", [_record("a", key_figures=figures)])], lang="en")
    shown, folded = html.split("<details>", 1)
    assert all(f"<dt>h{i}</dt><dd>H{i}</dd>" in shown for i in range(10))  # all ten, not the first eight
    assert "<summary>2 more key figures</summary>" in folded
    assert "<dt>x</dt><dd>X</dd>" in folded and "<dt>y</dt>" in folded and "<dt>x</dt>" not in shown
    only_rest = publish.render_gallery([_manifest("demo", [_record("a", key_figures=figures[10:11])])], lang="en")
    assert "<summary>1 key figure</summary>" in only_rest and 'class="kf" aria-label' not in only_rest


def test_the_folded_figures_are_those_with_a_readers_label_and_a_value():
    """A card is for readers: a figure the workbook gave no reader's label (its name would
    show, snake_case) or that has no value (a live-only figure offline: "no data") stays in
    the manifest and the notebook, not on the card."""
    figures = [_figure("h", "H"), _figure("shown", "7", label="Shown", headline=False, value=7),
               dict(_figure("rd_eur_million_end", "635.4", headline=False, value=635.4), labelled=False),
               _figure("cluster_lq_personnel_end", "no data", label="Location quotient", headline=False)]
    html = publish.render_gallery([_manifest("demo", [_record("a", key_figures=figures)])], lang="en")
    folded = html.split("<details>", 1)[1]
    assert "<summary>1 more key figure</summary>" in folded and "<dt>Shown</dt><dd>7</dd>" in folded
    assert "rd_eur_million_end" not in html and "no data" not in html and "Location quotient" not in html


def test_a_set_published_in_manifest_format_1_keeps_its_place_in_the_gallery(tmp_path):
    old = _manifest("old", [_record("a")])
    old["format"] = 1
    old["runs"][0]["key_figures"] = [["population_2023", "1 234"]]
    old["runs"][0]["key_figures_raw"] = {"population_2023": 1234}
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text(json.dumps(old))
    read = publish.published_manifests(tmp_path)["old"]
    assert read["format"] == publish.MANIFEST_FORMAT and "key_figures_raw" not in read["runs"][0]
    assert read["runs"][0]["key_figures"] == [_figure("population_2023", "1 234")]
    new = [_record("b")]
    publish.publish_set(tmp_path, _stage(tmp_path, "new", new), _manifest("new", new))
    index = (tmp_path / "index.html").read_text()
    assert 'id="set-old"' in index and "<dt>population_2023</dt><dd>1 234</dd>" in index


def test_gallery_links_are_relative_and_quoted():
    html = publish.render_gallery([_manifest("demo", [_record("odd name#1")])], lang="en")
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert hrefs and all(not h.startswith(("/", "http", "file:")) for h in hrefs)
    assert 'href="demo/odd%20name%231.html"' in html


def test_sets_are_ordered_default_first_adhoc_last():
    html = publish.render_gallery([_manifest(n, [_record("x")]) for n in ("adhoc", "regions", "default")], lang="en")
    assert html.index('id="set-default"') < html.index('id="set-regions"') < html.index('id="set-adhoc"')


@pytest.mark.parametrize("lang, heading, description", [
    ("fi", "Yksittäiset raportit", "Yksitellen, pyynnöstä tehdyt raportit."),
    ("sv", "Enskilda rapporter", "Rapporter som gjorts en i taget, på begäran."),
    ("en", "Single reports", "Reports made one at a time, on request."),
])
def test_the_single_reports_heading_and_description_are_in_the_gallerys_language(lang, heading, description):
    adhoc = dict(_manifest(schedule.ADHOC_SET, [_record("x")], description=schedule.ADHOC_DESCRIPTION),
                 title=schedule.ADHOC_TITLE)
    html = publish.render_gallery([adhoc], lang=lang)
    section = html[html.index('id="set-adhoc"'):]
    assert f"<h2>{heading}</h2>" in section
    assert f"{description} &middot;" in section


def test_clean_html_escapes_scripts_and_drops_handlers_but_keeps_tables():
    import pandas as pd

    dirty = ('<p onclick="evil()">x<script>alert(1)</script><img src=x onerror=alert(2)>'
             '<a href="javascript:alert(3)">l</a><iframe src=y></iframe></p>')
    clean = render.clean_html(dirty)
    assert "<script" not in clean and "&lt;script&gt;" in clean
    assert "onclick" not in clean and "onerror" not in clean and "javascript:" not in clean
    assert "<iframe" not in clean
    table = render.clean_html(pd.DataFrame({"kunta": ["Turku"], "väestö": [201863]})._repr_html_())
    assert "<table" in table and "<td>Turku</td>" in table and "<style" in table


@pytest.mark.parametrize("name", ["../x", "A", ".hidden", "a/b", "", "x" * 70, "a b"])
def test_set_names_that_could_escape_or_surprise_are_rejected(name):
    with pytest.raises(ValueError, match="set name"):
        publish.check_set_name(name)


# ----------------------------------------------------------------------------- rendering


def _hand_made_notebook():
    nb = new_notebook(cells=[
        new_markdown_cell("# Hand-made notebook for the renderer test"),
        new_code_cell("secret_source_line = 1", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": f"<p>{XSS}</p>", "text/plain": "x"}),
            new_output("display_data", data={"text/markdown": f"## {XSS}", "text/plain": "x"}),
            new_output("display_data", data={"application/javascript": "alert('js')", "text/plain": "js"}),
            new_output("display_data", data={"image/png": base64.b64encode(_png()).decode(), "text/plain": "fig"}),
            new_output("display_data", data=keyfigures.bundle(keyfigures.entries({"population": 5}))),
        ]),
    ])
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
    return nbformat.from_dict(nb)


def test_report_pages_are_self_contained_escaped_and_code_only_in_the_research_version():
    renderer = render.ReportRenderer()
    context = {"slug": "demo", "title": XSS, "source": "notebooks/demo.ipynb", "parameters": [("title", XSS)],
               "snapshot_version": "2026.1", "generated_at": "2026-01-02T03:04:05+00:00", "status": "ok"}
    rendered = renderer.render(_hand_made_notebook(), context)
    reader, code = rendered.reader, rendered.code
    for page in (reader, code):
        assert "<script" not in page.lower()
        assert "alert('js')" not in page  # JavaScript outputs are dropped
        assert "&lt;script&gt;" in page
        assert re.search(r"""(src|href)=["']https?://""", page) is None  # no CDN
        assert "script-src 'none'" in page and "default-src 'none'" in page
        assert 'href="../index.en.html"' in page and 'href="demo.ipynb"' in page  # the gallery in English
        assert 'href="report.css"' in page and "<style" not in page  # the set's one stylesheet
        assert "notebooks/demo.ipynb" in page and "2026.1" in page
        assert 'src="demo.files/fig-1.png"' in page and "base64," not in page  # the figure's file
    assert list(rendered.assets) == ["demo.files/fig-1.png"] and rendered.assets["demo.files/fig-1.png"] == _png()
    assert "secret_source_line" not in reader and 'href="demo.code.html"' in reader
    assert "secret_source_line" in code and 'href="demo.html"' in code


def test_thumbnail_is_the_first_figure_scaled_down(tmp_path):
    nb = _hand_made_notebook()
    size = render.write_thumbnail(nb, tmp_path / "t.png", width=120)
    assert size == (120, 80)
    from PIL import Image

    with Image.open(tmp_path / "t.png") as img:
        assert img.size == (120, 80)
    assert render.write_thumbnail(new_notebook(), tmp_path / "none.png") is None


def _thumbnail_through_rgba(raw: bytes, width: int) -> bytes:
    """The thumbnail as write_thumbnail made it for every image before (alpha resampled and
    pasted on white): what the shortcut for opaque figures must equal."""
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as img:
        img = img.convert("RGBA")
        img = img.resize((width, max(1, round(img.height * width / img.width))), Image.LANCZOS)
        flat = Image.new("RGB", img.size, "white")
        flat.paste(img, mask=img.getchannel("A"))
        out = io.BytesIO()
        flat.quantize(colors=128).save(out, format="PNG", optimize=True)
        return out.getvalue()


def test_an_opaque_figures_thumbnail_is_the_same_file_without_an_alpha_channel(tmp_path):
    """A figure drawn by the plotting helpers (a palette PNG on white, HAND-MADE here with
    matplotlib) and an RGBA one with transparent corners both scale like the RGBA route."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from PIL import Image

    from helpers.plotting import style

    fig = Figure(figsize=(6.4, 4))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], label="ä ö å")
    ax.bar([0.5, 1.5], [2, 1], color="#7FCDBB")
    ax.legend()
    raw = style.png_bundle(fig)[0]  # (a figure is PNG unless the helpers mark it SVG)
    with Image.open(io.BytesIO(raw)) as im:
        assert im.mode == "P" and "transparency" not in im.info
    rgba = Image.new("RGBA", (400, 300), (20, 120, 200, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, 60, 60))  # a transparent corner: flattened on white
    buf = io.BytesIO()
    rgba.save(buf, format="PNG")
    for name, png in (("opaque", raw), ("transparent", buf.getvalue())):
        nb = new_notebook(cells=[new_code_cell("fig", outputs=[new_output(
            "display_data", data={"image/png": base64.b64encode(png).decode(), "text/plain": "fig"})])])
        render.write_thumbnail(nb, tmp_path / f"{name}.png", width=240)
        assert (tmp_path / f"{name}.png").read_bytes() == _thumbnail_through_rgba(png, 240), name
    with Image.open(tmp_path / "transparent.png") as im:
        assert im.convert("RGB").getpixel((5, 5)) == (255, 255, 255)


def test_key_figures_are_read_through_keyfigures_with_their_text():
    (entry,) = execute._key_figures(_hand_made_notebook())
    assert entry == {"name": "population", "value": 5, "label": "population", "unit": "", "decimals": None,
                     "headline": False, "labelled": False, "text": "5"}
    nb = _hand_made_notebook()
    nb.cells[1].outputs[-1]["data"][keyfigures.MIMETYPE] = {"population": 5}  # format 1: unreadable
    assert execute._key_figures(nb) == []


def test_snapshot_version_from_datapackage(tmp_path):
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "x", "version": "hand-made-7", "resources": []}))
    assert jobs.snapshot_version(tmp_path) == "hand-made-7"
    pinned = json.loads((paths.snapshot_dir() / "datapackage.json").read_text("utf-8"))["version"]
    assert jobs.snapshot_version() == pinned
    assert jobs.snapshot_version(tmp_path / "nothing-here") == "unknown"


# ----------------------------------------------------------------------------- publishing


def test_publish_builds_the_set_and_the_gallery(tmp_path):
    runs = [_record("a"), _record("b", status="failed", thumb=False)]
    staged = _stage(tmp_path, "demo", runs)
    published = publish.publish_set(tmp_path, staged, _manifest("demo", runs))
    assert published == tmp_path / "demo"
    assert (published / "a.html").read_text() == "v1 a.html"
    assert json.loads((published / "manifest.json").read_text())["counts"] == {"ok": 1, "failed": 1, "stale": 0}
    index = (tmp_path / "index.html").read_text()
    assert 'href="demo/a.html"' in index and 'id="demo--b"' in index
    assert not any((tmp_path / publish.STAGING).iterdir())  # staging cleaned up


def test_republishing_replaces_the_set_and_keeps_other_sets(tmp_path):
    publish.publish_set(tmp_path, _stage(tmp_path, "one", [_record("a")]), _manifest("one", [_record("a")]))
    publish.publish_set(tmp_path, _stage(tmp_path, "two", [_record("b")]), _manifest("two", [_record("b")]))
    new = [_record("c")]
    publish.publish_set(tmp_path, _stage(tmp_path, "one", new, "v2"), _manifest("one", new))
    assert sorted(p.name for p in (tmp_path / "one").iterdir() if p.suffix != ".json") == [
        "c.code.html", "c.html", "c.ipynb", "c.log", "c.thumb.png", "report.css", "run.log"]
    index = (tmp_path / "index.html").read_text()
    assert 'href="one/c.html"' in index and 'href="two/b.html"' in index and 'one/a.html' not in index


def test_a_failure_while_publishing_leaves_the_old_gallery_byte_for_byte(tmp_path, monkeypatch):
    runs = [_record("a")]
    publish.publish_set(tmp_path, _stage(tmp_path, "demo", runs), _manifest("demo", runs))
    before = _tree(tmp_path)

    def boom(*a, **k):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(publish, "render_gallery", boom)
    new = [_record("z")]
    with pytest.raises(RuntimeError, match="simulated"):
        publish.publish_set(tmp_path, _stage(tmp_path, "demo", new, "v2"), _manifest("demo", new))
    assert _tree(tmp_path) == before


def test_set_directories_are_swapped_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("A")
    (b / "f").write_text("B")
    if not publish.exchange_paths(a, b):
        pytest.skip("this file system cannot exchange paths atomically (the two-rename fallback is used)")
    assert (a / "f").read_text() == "B" and (b / "f").read_text() == "A"


def test_merged_sets_keep_earlier_runs(tmp_path):
    publish.publish_set(tmp_path, _stage(tmp_path, "adhoc", [_record("a"), _record("b")]),
                        _manifest("adhoc", [_record("a"), _record("b")]), merge=True)
    new = [_record("b", status="failed", thumb=False)]
    publish.publish_set(tmp_path, _stage(tmp_path, "adhoc", new, "v2"), _manifest("adhoc", new), merge=True)
    manifest = json.loads((tmp_path / "adhoc" / "manifest.json").read_text())
    # b failed this time: its good report of v1 stays, marked (issue 13, item 3)
    assert [(r["slug"], r["status"]) for r in manifest["runs"]] == [("a", "ok"), ("b", "ok")]
    assert manifest["runs"][1]["last_failure"]["finished_at"] == new[0]["finished_at"]
    assert manifest["counts"] == {"ok": 2, "failed": 0, "stale": 1}
    assert (tmp_path / "adhoc" / "a.html").read_text() == "v1 a.html"
    assert (tmp_path / "adhoc" / "b.html").read_text() == "v1 b.html"
    new = [_record("c", status="failed", thumb=False)]  # a failure with nothing good to keep
    publish.publish_set(tmp_path, _stage(tmp_path, "adhoc", new, "v3"), _manifest("adhoc", new), merge=True)
    manifest = json.loads((tmp_path / "adhoc" / "manifest.json").read_text())
    assert [(r["slug"], r["status"]) for r in manifest["runs"]] == [("a", "ok"), ("b", "ok"), ("c", "failed")]
    assert (tmp_path / "adhoc" / "c.html").read_text() == "v3 c.html"


def test_stale_staging_of_dead_runs_is_removed_live_ones_kept(tmp_path):
    root = tmp_path / publish.STAGING
    dead = root / "demo-999999999-abc"  # no such pid
    live = root / f"demo-{os.getppid()}-abc"
    for d in (dead, live):
        (d / "demo").mkdir(parents=True)
    removed = publish.remove_stale_staging(tmp_path)
    assert removed == [dead] and live.is_dir() and not dead.exists()


def test_keep_failed_moves_outputs_aside_without_touching_the_gallery(tmp_path):
    runs = [_record("a")]
    publish.publish_set(tmp_path, _stage(tmp_path, "demo", runs), _manifest("demo", runs))
    before = _tree(tmp_path)
    kept = publish.keep_failed(tmp_path, _stage(tmp_path, "demo", [_record("x", status="failed")], "v2"))
    assert kept == tmp_path / publish.FAILED / "demo" and (kept / "x.ipynb").is_file()
    after = {k: v for k, v in _tree(tmp_path).items() if not k.startswith(publish.FAILED)}
    assert after == before
