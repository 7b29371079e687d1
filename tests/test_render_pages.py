"""Report pages as readers get them (helpers.runner.render, .prepare, .pages), on HAND-MADE
notebooks built in the tests: alt text on every figure, one copy of every image shared by
both pages, data downloads with CSVW and their index, key figures off the reader page,
tables in their own scrolling box, the table of contents, the page's language, links.
No kernels."""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
import re

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import downloads, keyfigures, settings
from helpers.runner import pages, prepare, publish, render

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt" viewBox="0 0 200 100">'
       '<rect width="200" height="100" fill="#0072B2"/></svg>')
NO_DESCRIPTION = "No description has been provided"


def _png(width=30, height=20) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def _data(name, title, frame=None, source="Source: Statistics Finland, CC BY 4.0."):
    frame = pd.DataFrame({"code": ["019", "853"], "value": [1.5, 2]}) if frame is None else frame
    return downloads.payload(name, frame, title=title, source=source)


def _notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": settings.KERNEL_NAME, "display_name": "x", "language": "python"}
    return nbformat.from_dict(nb)


def _figures_notebook():
    """An SVG chart and a PNG map with alt text, one PNG without, data on the first two."""
    return _notebook(
        new_markdown_cell("# A hand-made report"),
        new_code_cell("chart = 1", execution_count=1, outputs=[new_output(
            "execute_result", execution_count=1,
            data={"image/svg+xml": SVG, "text/plain": "<Figure>", downloads.MIMETYPE: _data("chart", "Chart data")},
            metadata={"image/svg+xml": {"alt": "Bar chart: hand-made <bars> & more", "width": 267, "height": 133}})]),
        new_code_cell("the_map = 1", execution_count=2, outputs=[new_output(
            "display_data",
            data={"image/png": base64.b64encode(_png()).decode(), "text/plain": "<Figure>",
                  downloads.MIMETYPE: _data("the_map", "Map data")},
            metadata={"image/png": {"alt": "Map: hand-made", "width": 20, "height": 13}})]),
        new_code_cell("untitled = 1", execution_count=3, outputs=[new_output(
            "display_data", data={"image/png": base64.b64encode(_png(40, 40)).decode(), "text/plain": "<Figure>"})]),
    )


CONTEXT = {"slug": "demo", "title": "Demo report", "source": "notebooks/demo.ipynb", "parameters": [("area", "x")],
           "snapshot_version": "2026.1", "generated_at": "2026-01-02T03:04:05+00:00", "status": "ok"}


@pytest.fixture(scope="module")
def renderer():
    return render.ReportRenderer()


def _imgs(page: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", page)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return m.group(1) if m else None


@pytest.mark.parametrize("lang, shown", [("fi", "2.1.2026 klo 3.04 UTC"), ("sv", "2.1.2026 kl. 3.04 UTC"),
                                         ("en", "2026-01-02 03:04 UTC")])
def test_the_footer_says_when_the_report_was_made_as_a_reader_writes_a_time(renderer, lang, shown):
    rendered = renderer.render(_notebook(new_markdown_cell("Text")), dict(CONTEXT, lang=lang))
    for page in (rendered.reader, rendered.code):  # the machine-readable time stays in datetime
        assert f'<time datetime="2026-01-02T03:04:05+00:00">{shown}</time></dd>' in page
        assert ">2026-01-02T03:04:05+00:00<" not in page


# ----------------------------------------------------------------------------- figures


def test_every_figure_is_an_img_with_its_alt_text_and_size(renderer):
    rendered = renderer.render(_figures_notebook(), CONTEXT)
    for page in (rendered.reader, rendered.code):
        svg, png, untitled = _imgs(page)
        assert _attr(svg, "alt") == "Bar chart: hand-made &lt;bars&gt; &amp; more"  # escaped, as written
        assert (_attr(svg, "width"), _attr(svg, "height")) == ("267", "133")
        assert _attr(png, "alt") == "Map: hand-made" and _attr(png, "width") == "20"
        assert "max-width:100%" in _attr(png, "style") and "height:auto" in _attr(png, "style")
        assert NO_DESCRIPTION not in page and "<svg" not in page
        assert _attr(untitled, "alt") and NO_DESCRIPTION not in _attr(untitled, "alt")
    assert rendered.figures == 3 and rendered.missing_alt == 1


def test_a_figure_without_alt_text_gets_its_title(renderer):
    nb = _notebook(new_code_cell("x", outputs=[new_output(
        "display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>",
                              downloads.MIMETYPE: _data("jobs", "Jobs by industry 2017")})]))
    rendered = renderer.render(nb, CONTEXT)
    (img,) = _imgs(rendered.reader)
    assert _attr(img, "alt") == "Figure: Jobs by industry 2017" and rendered.missing_alt == 1


def test_each_figure_is_written_once_and_both_pages_link_the_same_file(renderer, tmp_path):
    rendered = renderer.render(_figures_notebook(), CONTEXT)
    figures = sorted(k for k in rendered.assets if k.startswith("demo.files/"))
    assert figures == ["demo.files/fig-1.svg", "demo.files/fig-2.png", "demo.files/fig-3.png"]
    assert rendered.assets["demo.files/fig-1.svg"] == SVG.encode()
    assert rendered.assets["demo.files/fig-2.png"] == _png()
    for page in (rendered.reader, rendered.code):
        assert [_attr(i, "src") for i in _imgs(page)] == figures
        assert "base64" not in page
    files = rendered.write(tmp_path)
    assert files == {"html": "demo.html", "code_html": "demo.code.html", "data": "demo.data/index.html"}
    assert sorted(p.name for p in (tmp_path / "demo.files").iterdir()) == ["fig-1.svg", "fig-2.png", "fig-3.png"]


def test_the_published_notebook_links_each_figure_instead_of_embedding_it(renderer, tmp_path):
    nb = _figures_notebook()
    rendered = renderer.render(nb, CONTEXT)
    rendered.write(tmp_path)
    published = nbformat.read(tmp_path / "demo.ipynb", as_version=4)
    outputs = [c.outputs[0] for c in published.cells if c.cell_type == "code"]
    for output, path in zip(outputs, ["demo.files/fig-1.svg", "demo.files/fig-2.png", "demo.files/fig-3.png"]):
        assert not {"image/svg+xml", "image/png"} & set(output.data)  # no second copy of the image
        (img,) = _imgs(output.data["text/html"])
        assert _attr(img, "src") == path and (tmp_path / path).is_file()
        assert _attr(img, "alt")
        assert output.metadata["turku_workbooks"]["figure"] == path
        assert output.data["text/plain"] == "<Figure>"
    assert _attr(_imgs(outputs[0].data["text/html"])[0], "alt") == "Bar chart: hand-made &lt;bars&gt; &amp; more"
    # a data payload is not carried twice: the output names its CSV (published beside it)
    assert downloads.MIMETYPE not in outputs[0].data and downloads.MIMETYPE in nb.cells[1].outputs[0].data
    assert outputs[0].metadata["turku_workbooks"]["data"] == "demo.data/chart.csv"
    assert (tmp_path / "demo.data" / "chart.csv").is_file()
    # everything else is the executed notebook as it was: code, the input untouched
    assert [c.source for c in published.cells] == [c.source for c in nb.cells]
    assert "image/svg+xml" in nb.cells[1].outputs[0].data
    nbformat.validate(published)
    text = (tmp_path / "demo.ipynb").read_text(encoding="utf-8")
    assert base64.b64encode(_png()).decode() not in text and "<rect" not in text


def test_cells_tagged_for_researchers_stay_off_the_reader_page(renderer):
    how_to = new_markdown_cell("Change `area` in the next cell.", metadata={"tags": ["researchers"]})
    nb = _notebook(new_markdown_cell("# Question for readers"), how_to)
    rendered = renderer.render(nb, CONTEXT)
    assert "Question for readers" in rendered.reader and "Question for readers" in rendered.code
    assert "next cell" not in rendered.reader and "next cell" in rendered.code
    assert rendered.notebook.cells[1].source == how_to.source  # the notebook keeps it
    assert '<div class="jp-RenderedMarkdown celltag_researchers">\n<p>Change' in rendered.code  # English page
    swedish = renderer.render(_notebook(new_markdown_cell("# Question for readers"), how_to), dict(CONTEXT, lang="sv"))
    # on a Swedish page the cell is still English, and says so (WCAG 3.1.2)
    assert '<div class="jp-RenderedMarkdown celltag_researchers" lang="en">\n<p>Change' in swedish.code
    assert 'class="jp-RenderedMarkdown" lang=' not in swedish.code  # the readers' cells are translated


# ----------------------------------------------------------------------------- data downloads


def test_data_outputs_become_csv_files_with_csvw_and_a_link_after_their_output(renderer, tmp_path):
    frame = pd.DataFrame({"area_code": ["019", "853"], "name": ["Aura", "Turku"], "population": [4000, 201863]})
    nb = _notebook(new_code_cell("t", outputs=[new_output("execute_result", execution_count=1, data={
        "text/markdown": "| a | b |\n|---|--:|\n| x | 1 |", "text/plain": "t",
        downloads.MIMETYPE: _data("population", "Population 2023", frame)})]))
    rendered = renderer.render(nb, CONTEXT)
    rendered.write(tmp_path)
    csv = tmp_path / "demo.data" / "population.csv"
    back = pd.read_csv(csv, dtype=str)
    assert list(back.columns) == ["area_code", "name", "population"] and back["area_code"].tolist() == ["019", "853"]
    meta = json.loads((tmp_path / "demo.data" / "population.csv-metadata.json").read_text("utf-8"))
    assert meta["url"] == "population.csv" and meta["dc:title"] == "Population 2023"
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(back.columns)
    assert meta["tableSchema"]["columns"][0]["datatype"] == "string"
    assert meta["dc:license"] == "https://creativecommons.org/licenses/by/4.0/"  # the one licence named
    for page in (rendered.reader, rendered.code):
        table_end = page.index("</table>")
        link = page.index('href="demo.data/population.csv"')
        assert table_end < link < page.index("</main>")
        assert "Download the data (CSV)" in page
        assert downloads.MIMETYPE not in page and "area_code,name" not in page  # the payload is not shown


def test_duplicate_names_get_numbered_in_output_order():
    nb = _notebook(*[new_code_cell(f"t{i}", outputs=[new_output("display_data", data={
        "text/markdown": "x", "text/plain": "x", downloads.MIMETYPE: _data("same", f"Table {i}")})]) for i in range(3)])
    first = prepare.prepare(nb, "demo")
    again = prepare.prepare(nb, "demo")
    assert [d.name for d in first.downloads] == ["same", "same-2", "same-3"] == [d.name for d in again.downloads]
    assert [d.title for d in first.downloads] == ["Table 0", "Table 1", "Table 2"]
    assert "demo.data/same-3.csv-metadata.json" in first.assets


def test_the_licence_of_a_csvw_is_the_reports_else_the_one_named_else_the_source_line():
    assert prepare.licence_of("Statistics Finland, CC BY 4.0; THL, CC BY 4.0") == (
        "https://creativecommons.org/licenses/by/4.0/")
    mixed = "Statistics Finland, CC BY 4.0; Yle (no licence stated)"
    assert prepare.licence_of(mixed) == mixed
    assert prepare.licence_of(mixed, "CC-BY-4.0") == "CC-BY-4.0"
    assert prepare.licence_of(None) is None


def test_the_data_index_lists_every_csv_with_its_title_and_source(renderer, tmp_path):
    rendered = renderer.render(_figures_notebook(), dict(CONTEXT, title="Demo <report>"))
    rendered.write(tmp_path)
    index = html.unescape((tmp_path / "demo.data" / "index.html").read_text("utf-8"))
    assert 'href="chart.csv"' in index and 'href="the_map.csv"' in index
    assert 'href="chart.csv-metadata.json"' in index
    assert "Chart data" in index and "Map data" in index and "Statistics Finland, CC BY 4.0." in index
    assert 'href="../report.css"' in index and "default-src 'none'" in index and "<script" not in index
    assert 'href="../demo.html"' in index and "Demo <report>" in index
    assert "Demo &lt;report&gt;" in (tmp_path / "demo.data" / "index.html").read_text("utf-8")  # escaped
    for page in (rendered.reader, rendered.code):
        assert 'href="demo.data/index.html"' in page


def test_a_report_without_data_has_no_data_index(renderer):
    nb = _notebook(new_markdown_cell("# Only text"))
    rendered = renderer.render(nb, CONTEXT)
    assert rendered.data_index is None and rendered.assets == {} and ".data/" not in rendered.reader


def test_the_gallery_card_links_the_data_index():
    run = {"slug": "a", "workbook": "w", "title": "A", "source": "notebooks/w.ipynb", "parameters": [],
           "status": "ok", "elapsed_s": 1, "started_at": "2026-01-01T00:00:00+00:00",
           "finished_at": "2026-01-01T00:00:01+00:00", "attempts": 1, "snapshot_version": "1",
           "key_figures": [], "error": None, "thumb_size": None, "lang": "fi",
           "files": {"html": "a.html", "code_html": "a.code.html", "ipynb": "a.ipynb", "log": "a.log",
                     "thumb": None, "data": "a.data/index.html"}}
    manifest = {"format": publish.MANIFEST_FORMAT, "set": "demo", "description": "", "generated_at": "x",
                "started_at": "x", "elapsed_s": 1, "workers": 1, "counts": {"ok": 1, "failed": 0},
                "files": {"log": "run.log"}, "runs": [run]}
    gallery = publish.render_gallery([manifest], lang="en")
    links = re.findall(r'<a href="([^"]+)">(report|with code|notebook|data|log)</a>', gallery)
    assert [text for _, text in links] == ["report", "with code", "notebook", "data", "log"]
    assert ("demo/a.data/index.html", "data") in links
    # a report published only in Finnish, on the English page: its card says so, in its language
    assert '<html lang="en">' in gallery and 'id="demo--a" lang="fi"' in gallery
    assert "Not published in this language; shown in Finnish." in gallery


# ----------------------------------------------------------------------------- what the reader sees


def test_key_figures_are_not_shown_on_the_reader_page(renderer):
    figures = keyfigures.entries({"population_2023": 490786}, [keyfigures.Spec("population_2023", "Population")])
    nb = _notebook(new_markdown_cell("# R"), new_code_cell("run.finish(res)", execution_count=1, outputs=[
        new_output("display_data", data=keyfigures.bundle(figures))]))
    rendered = renderer.render(nb, CONTEXT)
    assert "490" not in rendered.reader and "Population" not in rendered.reader
    assert 'class="jp-Cell jp-CodeCell' not in rendered.reader  # the cell shows nothing, so it is left out
    assert "Population" in rendered.code  # the code page may show them
    assert keyfigures.MIMETYPE in json.dumps(nb)  # the notebook keeps them


def test_every_table_scrolls_in_its_own_box_with_its_alignment(renderer):
    markdown = "| Area | Population |\n|:---|---:|\n| Turku | 201 863 |"
    frame_html = pd.DataFrame({"a": [1]}).to_html()
    nb = _notebook(new_markdown_cell("| x | y |\n|---|---|\n| 1 | 2 |"), new_code_cell("t", outputs=[
        new_output("display_data", data={"text/markdown": markdown, "text/plain": "t"}),
        new_output("display_data", data={"text/html": frame_html, "text/plain": "t"})]))
    rendered = renderer.render(nb, CONTEXT)
    for page in (rendered.reader, rendered.code):
        assert page.count("<table") == 3
        assert page.count('<div class="twb-table" tabindex="0"><table') == 3
        assert '<td class="r">201 863</td>' in page and "<td>Turku</td>" in page  # numbers right, text left


_VERDICT = ("The whole country's employment in the OECD ICT industries was between about 85,800 and 88,900 "
            "in 2012–2016; 102,000 in 2022 would mean a growth the pinned data does not reach.")


def _stacked(page: str) -> list[str]:
    return re.findall(r'<table[^>]*class="twb-stack"[^>]*>.*?</table>', page, flags=re.S)


def test_a_table_of_prose_is_marked_to_show_its_rows_as_cards_with_their_headers(renderer):
    """A claims table of the cluster workbooks: at 400 px its verdicts were squeezed into a
    column 100 px wide (a row 750 px tall); marked, report.css shows each row as a card."""
    prose = ("| Claim | What is claimed | Verdict | What the official figures say |\n|:---|:---|:---|:---|\n"
             f"| ICT1 | ICT sector employed 102,000 people | Same order of magnitude | {_VERDICT} |\n"
             "| ICT2 | ICT turnover grew over 50 % | Cannot be decided | No ICT turnover is pinned. |")
    rendered = renderer.render(_notebook(new_markdown_cell(prose)), CONTEXT)
    for page in (rendered.reader, rendered.code):
        (table,) = _stacked(page)
        assert table.startswith('<table class="twb-stack" role="table">')
        assert table.count('role="rowgroup"') == 2 and table.count('role="row"') == 3
        assert table.count('<th role="columnheader">') == 4
        assert '<td data-label="Claim" role="cell">ICT1</td>' in table
        assert f'<td data-label="What the official figures say" role="cell">{_VERDICT}</td>' in table
        assert table.count('role="cell"') == table.count("<td") == 8


@pytest.mark.parametrize("markdown", [
    # numbers outnumber text: a table to compare down its columns, kept a table
    f"| Industry | Jobs | Share, % | Whole country, % |\n|:---|---:|---:|---:|\n| {_VERDICT} | 5 | 2.9 | 3.1 |",
    # no cell of prose
    "| Code | Municipality | Region |\n|:---|:---|:---|\n| 853 | Turku | Varsinais-Suomi |",
    # two columns (a parameter and its value) fit any screen
    f"| Parameter | Value |\n|:---|:---|\n| note | {_VERDICT} |",
])
def test_tables_of_numbers_short_texts_or_two_columns_stay_tables(renderer, markdown):
    rendered = renderer.render(_notebook(new_markdown_cell(markdown)), CONTEXT)
    assert _stacked(rendered.reader) == [] and 'role="cell"' not in rendered.reader
    assert "data-label" not in rendered.reader


def test_a_pandas_table_with_its_index_and_a_spanning_cell_stays_a_table():
    from bs4 import BeautifulSoup

    frame = pd.DataFrame({"a": [_VERDICT], "b": ["x"], "c": ["y"]}, index=["first"])
    spanning = ("<table><thead><tr><th>a</th><th>b</th><th>c</th></tr></thead><tbody>"
                f'<tr><td colspan="2">{_VERDICT}</td><td>z</td></tr></tbody></table>')
    for html_text in (frame.to_html(), spanning):
        soup = BeautifulSoup(html_text, features="html.parser")
        pages.finish_fragment(soup)
        assert "twb-stack" not in str(soup) and "data-label" not in str(soup)


@pytest.mark.parametrize("markdown, key", [
    ("| Rank | Municipality | All jobs | C jobs | C share, % |\n|---:|:---|---:|---:|---:|\n| 1 | Åbo | 100 | 9 | 9.0 |",
     "twb-key-2"),
    ("| Code | Municipality | Jobs | Share | LQ |\n|:---|:---|---:|---:|---:|\n| 853 | Turku | 100 | 9.0 | 1.1 |",
     "twb-key-2"),  # of a code and a name, the name
    ("| Area | All jobs | C jobs | C share, % | C LQ |\n|:---|---:|---:|---:|---:|\n| Turku | 100 | 9 | 9.0 | 1.1 |",
     "twb-key-1"),
    ("| Year | Jobs | Share | LQ | Rank |\n|---:|---:|---:|---:|---:|\n| 2019 | 100 | 9.0 | 1.1 | 3 |", None),
    ("| Area | Jobs | Share | LQ |\n|:---|---:|---:|---:|\n| Turku | 100 | 9.0 | 1.1 |", None),  # narrow enough
])
def test_a_wide_tables_names_column_is_marked_to_stay_in_view(renderer, markdown, key):
    page = renderer.render(_notebook(new_markdown_cell(markdown)), CONTEXT).reader
    assert re.findall(r'<table class="(twb-key-\d)">', page) == ([key] if key else [])
    assert page.count("twb-key") == (1 if key else 0)


def test_a_table_shown_as_cards_has_no_names_column_to_keep():
    prose = ("| Claim | What is claimed | Verdict | Basis | Sources |\n|:---|:---|:---|:---|:---|\n"
             f"| ICT1 | ICT sector employed 102,000 people | Same order | {_VERDICT} | Vipunen |")
    page = render.ReportRenderer().render(_notebook(new_markdown_cell(prose)), CONTEXT).reader
    assert _stacked(page) and "twb-key" not in page


def test_the_stylesheet_shows_marked_tables_as_cards_only_on_narrow_screens():
    css = pages.STYLESHEET.read_text("utf-8")
    narrow = css[css.index("@media (max-width: 640px)"):css.index("@media print")]
    assert "table.twb-stack" in narrow and "twb-stack" not in css.replace(narrow, "")
    # the label is the header's text, with an empty alternative: screen readers skip it
    assert 'content: attr(data-label) / "";' in narrow
    # a wide table's names column stays at the left edge at every width (sticky)
    assert re.search(r"\.twb-key-1 > \* > tr > :nth-child\(1\), \.twb-key-2 > \* > tr > :nth-child\(2\) "
                     r"\{ position: sticky; left: 0;", css)


def _sections(n):
    return [new_markdown_cell(f"## Section {i}\n\nText {i}.") for i in range(1, n + 1)]


def test_a_table_of_contents_when_there_are_more_than_three_sections(renderer):
    rendered = renderer.render(_notebook(new_markdown_cell("# Title\n\nIntro."), *_sections(4)), CONTEXT)
    for page in (rendered.reader, rendered.code):
        toc = page[page.index('class="twb-toc"'):]
        toc = toc[:toc.index("</nav>")]
        targets = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
        assert [text for _, text in targets] == [f"Section {i}" for i in range(1, 5)]
        assert all(f'id="{ident}"' in page for ident, _ in targets)
        assert page.index("Intro.") < page.index('class="twb-toc"') < page.index("Text 1.")
    few = renderer.render(_notebook(new_markdown_cell("# Title"), *_sections(3)), CONTEXT)
    assert "twb-toc" not in few.reader


def test_html_lang_is_the_runs_lang_parameter_else_english(renderer):
    nb = _notebook(new_markdown_cell("# x"))
    assert '<html lang="en">' in renderer.render(nb, CONTEXT).reader
    assert '<html lang="fi">' in renderer.render(nb, dict(CONTEXT, lang="fi")).reader
    assert '<html lang="en">' in renderer.render(nb, dict(CONTEXT, lang='x" onload="y')).reader
    assert pages.language("sv") == "sv" and pages.language(None) == "en"


def test_the_lang_of_a_run_comes_from_its_parameters_or_the_injected_ones():
    from helpers.runner import execute, jobs

    job = jobs.Job(set_name="s", slug="a", workbook="w", title="t", notebook="n", source="s", cwd=".",
                   parameters={}, display_parameters=(("area", "x"),), schema_file="", snapshot_version="1")
    assert execute.run_lang(job) == "en"
    nb = {"metadata": {"papermill": {"parameters": {"lang": "sv"}}}}
    assert execute.run_lang(dataclasses.replace(job, lang=""), nb) == "sv"
    assert execute.run_lang(dataclasses.replace(job, parameters={"lang": "fi"}), nb) == "fi"
    assert execute.run_lang(dataclasses.replace(job, lang="sv")) == "sv"  # the workbook's default lang


def test_links_keep_http_and_https_only_and_external_ones_get_noopener(renderer):
    md = ("[StatFin](https://pxdata.stat.fi/x) [local](other.html) [top](#Title) "
          "[mail](mailto:a@b.fi) [js](javascript:alert(1)) [d](data:text/html,x)")
    nb = _notebook(new_code_cell("s", outputs=[new_output("display_data", data={"text/markdown": md, "text/plain": md})]))
    page = renderer.render(nb, CONTEXT).reader
    assert '<a href="https://pxdata.stat.fi/x" rel="noopener">StatFin</a>' in page
    assert '<a href="other.html">local</a>' in page and '<a href="#Title">top</a>' in page
    assert "mailto:" not in page and "javascript:" not in page and "data:text" not in page


def test_pages_have_no_inlined_css_and_the_stylesheet_is_published_with_the_set(tmp_path):
    assert pages.STYLESHEET.is_file() and pages.STYLESHEET.stat().st_size < 20_000
    assert pages.write_stylesheet(tmp_path).read_bytes() == pages.STYLESHEET.read_bytes()


def test_the_files_of_a_report_stay_inside_the_set():
    assert pages.is_report_path("a", "a.html") and pages.is_report_path("a", "a.files/fig-1.svg")
    assert pages.is_report_path("a", "a.data/x.csv")
    for bad in ("b.html", "a.files/../../x", "../a.html", "/a.html", "a.data/sub/x.csv", "a.other/x", "a.data/.x"):
        assert not pages.is_report_path("a", bad), bad


def test_clean_html_keeps_embedded_images_but_no_other_data_urls():
    png = "data:image/png;base64," + base64.b64encode(_png()).decode()
    clean = render.clean_html(f'<img src="{png}" alt="a"><a href="data:text/html,x">d</a><img src="data:text/html,y">')
    assert f'src="{png}"' in clean and 'alt="a"' in clean
    assert "data:text" not in clean


def test_figures_without_alt_text_are_counted_as_a_warning_in_the_run_log(tmp_path, caplog):
    import types

    from helpers.runner import execute, jobs

    job = jobs.Job(set_name="s", slug="demo", workbook="w", title="Demo", notebook="n", source="notebooks/w.ipynb",
                   cwd=".", parameters={}, display_parameters=(), schema_file="", snapshot_version="1")
    ctx = types.SimpleNamespace(renderer=render.ReportRenderer())
    files = dict.fromkeys(execute.FILE_KEYS)
    with caplog.at_level("INFO", logger="helpers.runner"):
        assert execute._render(_figures_notebook(), job, ctx, tmp_path, files, None) is None
    assert "1 of 3 figure(s) had no alt text" in caplog.text
    assert [r.levelname for r in caplog.records if "alt text" in r.getMessage()] == ["WARNING"]
    assert files["html"] == "demo.html" and files["data"] == "demo.data/index.html"
    assert (tmp_path / "demo.files" / "fig-3.png").is_file() and (tmp_path / "demo.data" / "chart.csv").is_file()


def test_sections_numbered_in_their_headings_are_not_numbered_again(renderer):
    cells = [new_markdown_cell(f"## {i}. Part {i}") for i in range(1, 5)] + [new_markdown_cell("## Sources")]
    page = renderer.render(_notebook(new_markdown_cell("# T"), *cells), CONTEXT).reader
    toc = page[page.index('class="twb-toc"'):]
    assert '<ul class="twb-toc-plain">' in toc[:toc.index("</nav>")] and "<ol" not in toc[:toc.index("</nav>")]


@pytest.mark.parametrize("workbook", ["region_profile", "exclusion_prevention"])
def test_one_parse_per_page_gives_nbconverts_own_page_byte_for_byte(renderer, monkeypatch, workbook):
    """The exporter's ``page_tree`` repeats nbconvert's ``from_notebook_node`` on a tree that the
    page finishing goes on with; rendered the stock way (nbconvert's text, parsed again) a
    committed, executed workbook gives the same two pages."""
    import copy

    from nbconvert import HTMLExporter

    from helpers import paths

    nb = nbformat.read(paths.notebooks_dir() / f"{workbook}.ipynb", as_version=4)
    context = dict(CONTEXT, slug=workbook, title=workbook)
    ours = renderer.render(copy.deepcopy(nb), context)
    monkeypatch.setattr(type(renderer.reader), "page_tree", HTMLExporter.from_notebook_node)
    monkeypatch.setattr(renderer, "stand_ins", False)
    stock = renderer.render(copy.deepcopy(nb), context)
    assert "<table" in ours.reader and 'tabindex="0"' in ours.code
    assert ours.reader == stock.reader and ours.code == stock.code


@pytest.mark.parametrize("workbook", ["region_profile", "exclusion_prevention"])
def test_a_warmed_up_renderer_gives_the_same_pages_and_files(workbook):
    """The worker renders a throw-away notebook while its first kernel boots
    (``ReportRenderer.warm_up``); the first real report's pages and files are the same bytes
    as a fresh renderer's."""
    import copy

    from helpers import paths

    nb = nbformat.read(paths.notebooks_dir() / f"{workbook}.ipynb", as_version=4)
    nb.cells.extend(_figures_notebook().cells)  # figures and data downloads too
    context = dict(CONTEXT, slug=workbook, title=workbook, lang="fi")
    fresh = render.ReportRenderer().render(copy.deepcopy(nb), context)
    warmed = render.ReportRenderer()
    warmed.warm_up()
    after = warmed.render(copy.deepcopy(nb), context)
    assert fresh.reader == after.reader and fresh.code == after.code
    assert fresh.assets == after.assets and fresh.downloads == after.downloads and len(fresh.assets) >= 3


def test_a_page_validates_its_notebook_once_and_an_invalid_notebook_is_still_refused(monkeypatch):
    """nbconvert validates the notebook after its last preprocessor only (``optimistic_validation``),
    not after each of them: one validation per page, and an invalid notebook still stops the render."""
    nb, broken = _figures_notebook(), _figures_notebook()
    broken.cells[1]["execution_count"] = "one"
    calls = []
    real_validate = nbformat.validate
    monkeypatch.setattr(nbformat, "validate", lambda nb, *a, **k: calls.append(1) or real_validate(nb, *a, **k))
    renderer = render.ReportRenderer()
    renderer.render(nb, CONTEXT)
    assert len(calls) == 2  # the reader's page and the researcher's
    with pytest.raises(nbformat.ValidationError, match="execution_count|'one'"):
        renderer.render(broken, CONTEXT)


def test_the_warm_up_notebook_renders_every_kind_of_output():
    rendered = render.ReportRenderer().render(render.warm_up_notebook(), render.WARM_UP_CONTEXT)
    assert "<table" in rendered.reader and 'alt="Chart: warm-up"' in rendered.reader
    assert 'alt="Map: warm-up"' in rendered.reader and "<b>html</b>" in rendered.reader
    assert "print" in rendered.code and "highlight" in rendered.code  # the code, highlighted
    assert [d.name for d in rendered.downloads] == ["warm_up"]


def test_code_cells_are_highlighted_and_cleaned_once_per_renderer_with_nbconverts_own_bytes(monkeypatch):
    """The researcher's page highlights each code cell with pygments and cleans it with nbconvert's
    ``clean_html``; a renderer does each once per cell (every report of a workbook shows the same
    cells), and the pages are the bytes of nbconvert's own filters."""
    import copy

    import pygments
    from nbconvert.filters.strings import clean_html as nbconvert_clean_html

    from helpers import paths

    nb = nbformat.read(paths.notebooks_dir() / "region_profile.ipynb", as_version=4)
    context = dict(CONTEXT, slug="region_profile", title="region_profile")
    renderer = render.ReportRenderer()
    first = renderer.render(copy.deepcopy(nb), context)
    calls = []
    real_highlight = pygments.highlight
    monkeypatch.setattr(pygments, "highlight", lambda *a, **k: calls.append(1) or real_highlight(*a, **k))
    other = copy.deepcopy(nb)
    other.cells[-1].source += "\n# a cell changed"
    again = renderer.render(other, context)
    assert calls == [1]  # only the changed cell
    assert again.code != first.code and again.reader == first.reader

    monkeypatch.setattr(render._HighlightedOnce, "__call__", lambda self, *a, **k: self.highlight(*a, **k))
    stock = render.ReportRenderer()
    stock.researcher.register_filter("clean_html", nbconvert_clean_html)
    plain = stock.render(copy.deepcopy(nb), context)
    assert len(calls) > 10  # highlighted afresh
    assert plain.code == first.code and plain.reader == first.reader


def test_a_style_is_sanitised_once_with_the_answer_of_a_fresh_sanitiser():
    from bleach.css_sanitizer import CSSSanitizer

    render.clean_html("<p>x</p>")  # builds the cleaner
    memo = render._cleaner.css_sanitizer
    fresh = CSSSanitizer(allowed_css_properties=memo.allowed_css_properties)
    styles = ["text-align: right;", "text-align:left", "TEXT-ALIGN: center; position: fixed", "color: red /* c */",
              "background: url(javascript:alert(1))", "", ";;", "width: 10px; behavior: x", "text-align: right;"]
    for style in styles:
        assert memo.sanitize_css(style) == fresh.sanitize_css(style), style
    assert memo.sanitize_css.cache_info().hits >= 1  # the repeated style
    cell = '<table><tr><td style="text-align: right; position: fixed">1</td></tr></table>'
    assert 'style="text-align: right;"' in render.clean_html(cell)


#: cleaned pieces that stand in the page while it is parsed, and ones that must not (hand-made)
_PIECES = [
    "Some *text* and <div>an unclosed div",
    "text before <b>bold</b> and after",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n| x | 3.5 |",
    "```\ncode   block\n\n  kept\n```",
    "## A heading in an output",
    "<span lang=\"en\">An untranslated title</span> in a sentence",
    "plain text only &amp; an entity",
]
_HTML_PIECES = [
    '<div class="twb-table"><table><tr><td style="text-align: right;">1</td></tr></table></div>',
    "<table><tr><td><table><tr><th style=\"text-align: center;\">n</th></tr></table></td></tr></table>",
    "</div></div><p>stray end tags</p>",
    '<span id="anchor">an id</span>',
    '<img src="figure.png">',
    "<style>td { color: red }</style><p>styled</p>",
    "A&nbsp;B &amp; C <em>x</em>",
    "\n\n  <p>\n\n\n</p>\n\n\n<p>  spaced   </p>\n\n",
    "<pre>  keep\n\n  spaces </pre>",
    '<p class="jp-Foo">a JupyterLab class</p>',
    "<table><tr><td>the same table twice</td></tr></table>",
    "<table><tr><td>the same table twice</td></tr></table>",
    "<p>one</p>\n\t \n<p>two</p>",
    "<table><thead><tr><th>Claim</th><th>Statement</th><th>Verdict</th></tr></thead><tbody><tr><td>C1</td>"
    f"<td>{_VERDICT}</td><td>decided</td></tr></tbody></table>",
]


def _pieces_notebook():
    cells = [new_markdown_cell("# Pieces"), new_markdown_cell("## First"), new_markdown_cell("text only")]
    cells += [new_markdown_cell(text) for text in _PIECES]
    outputs = [new_output("display_data", data={"text/markdown": text, "text/plain": "m"}) for text in _PIECES]
    outputs += [new_output("display_data", data={"text/html": text, "text/plain": "h"}) for text in _HTML_PIECES]
    cells.append(new_code_cell("show(everything)", execution_count=1, outputs=outputs))
    cells.append(nbformat.v4.new_raw_cell("<p>a raw cell</p>", metadata={"raw_mimetype": "text/html"}))
    return _notebook(*cells)


def test_cleaned_pieces_parsed_alone_give_the_plain_pages_byte_for_byte():
    """Every cleaned piece that finishing changes only inside itself is parsed once, alone
    (render._StandIns): tables, text, code cells. The pages are the plain ones byte for byte,
    for hand-made pieces that try the edges (unclosed and stray tags, white space runs
    around and inside them, ``pre``, a table already in its box, nested tables, the same
    piece twice, text before the first tag) and for every committed workbook in two languages
    with the memo warm (the same cells again)."""
    import copy

    from helpers import paths

    on, off = render.ReportRenderer(), render.ReportRenderer()
    off.stand_ins = False
    notebooks = {"pieces": _pieces_notebook()}
    notebooks |= {p.stem: nbformat.read(p, as_version=4) for p in sorted(paths.notebooks_dir().glob("*.ipynb"))}
    assert len(notebooks) >= 7
    for lang in ("fi", "en"):
        for name, nb in notebooks.items():
            context = dict(CONTEXT, slug=name, title=name, lang=lang)
            ours, plain = on.render(copy.deepcopy(nb), context), off.render(copy.deepcopy(nb), context)
            assert ours.reader == plain.reader and ours.code == plain.code, (name, lang)
            stood_in = on._pieces.collected  # the code page's
            assert len(stood_in) >= 5, name
            assert not any(re.search(r"<h2|\sid=|<img|jp-", piece) for piece in stood_in)
    assert render._finished_piece.cache_info().hits > 0
    page = on.render(copy.deepcopy(notebooks["pieces"]), CONTEXT).code
    assert page.count("the same table twice") == 2 and "twb-piece" not in page
    assert '<pre tabindex="0">  keep\n\n  spaces </pre>' in page
    # a table already in its box keeps the one box; its cell's alignment becomes a class
    assert '\n<div class="twb-table"><table><tbody><tr><td class="r">1</td></tr></tbody></table></div>\n' in page


def test_a_stand_in_that_does_not_come_back_once_renders_the_page_the_plain_way(monkeypatch):
    import copy

    pieces = render._StandIns()
    with pieces.collecting():
        stand_in = pieces.wrap(lambda text: text)("<p>a</p>\n")
    assert stand_in.endswith("\n") and "<p>" not in stand_in
    assert pieces.restore(f"<div>{stand_in}</div>") == "<div><p>a</p>\n</div>"
    assert pieces.restore("<div></div>") is None  # lost
    assert pieces.restore(stand_in * 2) is None  # twice

    nb = _pieces_notebook()
    plain_renderer = render.ReportRenderer()
    plain_renderer.stand_ins = False
    plain = plain_renderer.render(copy.deepcopy(nb), CONTEXT)
    monkeypatch.setattr(render._StandIns, "restore", lambda self, page: None)
    again = render.ReportRenderer().render(copy.deepcopy(nb), CONTEXT)
    assert again.reader == plain.reader and again.code == plain.code
