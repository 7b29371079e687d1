"""The published gallery and reports in headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright; no browser download). Screenshots go to test-artifacts/ (git-ignored).

* the HAND-MADE fixture workbooks (tests/fixtures/workbooks/): every image loads, every
  gallery link resolves to a file, no console errors, no request leaves file://;
* the project's real ``default`` set, built once per test session into a temporary reports
  directory, at 1300 and 400 px: the gallery and every report, code and data page. The
  workbooks of that set are being rewritten, so these tests check properties, never
  content: every image has a real alt text, no page scrolls sideways at 400 px, every link
  is a local file that exists or a page of an allowed publisher (:data:`ALLOWED_DOMAINS`),
  every CSV parses and its CSVW names its columns, the cards show each report's declared
  headline figures first, no console errors, nothing but file:// requested.

`make test` installs chromium first (tools/ensure-chromium).
"""

from __future__ import annotations

import io
import json
import os
import re
import urllib.parse
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import i18n, keyfigures, runner, settings
from helpers.runner import publish

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    reports = tmp_path_factory.mktemp("browser") / "reports"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.SCHEMA_ENV, str(FIXTURES / "workbooks.yaml"))
        spec = runner.get_set("mixed", FIXTURES / "schedule.yaml")
        outcome = runner.run_set("mixed", spec.runs, workers=2, reports_dir=reports, stream=io.StringIO(), tty=False)
    assert [r.status for r in outcome.results].count("failed") == 1  # the gallery shows a failure card too
    return reports


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run tools/ensure-chromium (make test does it before pytest)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _open(browser, path: Path, width: int = 1280):
    """Open a file; return (page, console errors, requests that were not file://)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:  # never touch the network
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, foreign


def _images(page) -> list[dict]:
    return page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => ({src: i.src.slice(0, 80), complete: i.complete, w: i.naturalWidth}))")


def _targets(page, base: Path) -> list[Path]:
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    out = []
    for href in hrefs:
        target = urllib.parse.urlsplit(href)
        assert not target.scheme and not target.netloc, f"gallery link leaves the site: {href}"
        if target.path:
            out.append((base.parent / urllib.parse.unquote(target.path)).resolve())
    return out


def test_gallery_in_chromium(browser, reports):
    ARTIFACTS.mkdir(exist_ok=True)
    page, errors, foreign = _open(browser, reports / "index.html")
    images = _images(page)
    assert len(images) == 3  # the three successful runs have a first figure
    assert all(i["complete"] and i["w"] > 0 for i in images), images
    targets = _targets(page, reports / "index.html")
    assert len(targets) >= 4 * 4  # report, with code, notebook, log per card
    missing = [str(t) for t in targets if not t.is_file()]
    assert missing == []
    assert all(reports in t.parents for t in targets)
    assert page.locator("article.card.failed").count() == 1
    assert "&lt;script&gt;" not in page.inner_text("body") and "<script>alert('x')</script>" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "gallery.png"), full_page=True)
    assert errors == [] and foreign == []
    page.close()


def test_a_report_in_chromium(browser, reports):
    ARTIFACTS.mkdir(exist_ok=True)
    for name in ("hello-three.html", "hello-three.code.html"):
        page, errors, foreign = _open(browser, reports / "mixed" / name)
        images = _images(page)
        assert len(images) >= 1 and all(i["complete"] and i["w"] > 0 for i in images), images
        assert all(t.is_file() for t in _targets(page, reports / "mixed" / name))
        body = page.inner_text("body")
        assert "<script>alert('x')</script>" in body  # the parameter shows as text
        assert "Generated from tests/fixtures/workbooks/hello.ipynb" in body
        if name == "hello-three.html":
            assert page.locator(".jp-InputArea-editor").count() == 0  # readers: no code
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        else:
            assert page.locator(".jp-InputArea-editor").count() > 0
        assert errors == [] and foreign == []
        page.close()


def test_a_failed_report_jumps_to_the_failing_cell(browser, reports):
    page, errors, foreign = _open(browser, reports / "mixed" / "broken.code.html")
    page.click("text=go to the failing cell")
    assert page.evaluate("location.hash") == "#papermill-error-cell"
    assert page.locator("#papermill-error-cell").count() == 1
    assert "UnknownWorkbookError" in page.inner_text("body")
    assert errors == [] and foreign == []
    page.close()


# ============================================================================ the real default set

#: the sites a published page may link to: the publishers of the pinned data, their
#: licences and the code repositories the data log credits. A link to any other site fails
#: the test with its domain named — add it here only after checking it is the publisher's
#: own page (a host matches an entry or is a subdomain of it; an entry with a path also
#: needs that path prefix).
ALLOWED_DOMAINS = (
    "stat.fi", "tilastokeskus.fi",  # Statistics Finland: StatFin, PxWeb, Paavo (pxdata, pxnet2, data.stat.fi)
    "sotkanet.fi", "thl.fi",  # THL, Sotkanet
    "tem.fi", "toimialaonline.fi",  # Ministry of Economic Affairs and Employment
    "tulli.fi",  # Finnish Customs
    "syke.fi", "ymparisto.fi",  # Finnish Environment Institute
    "vipunen.fi",  # education statistics
    "turku.fi", "varsinais-suomi.fi",  # the city and the regional council
    "kumppanuusfoorumi.fi",  # the regional council's partnership forum (smart specialisation)
    "ec.europa.eu/eurostat",
    "cdp.net",  # CDP (city emissions disclosures)
    "creativecommons.org", "opendatacommons.org",  # licences
    "github.com",  # code repositories credited in the data log
    "fi.wikipedia.org",  # the list of municipalities the 2023 population figures come from
    # document-hosting sites holding third-party copies (SeutuNet's 2016 slides, CO2-raportti's
    # summaries for Turku and Paimio) that data/snapshot/datapackage.json names as the source a
    # pinned file came from: the link is the provenance; prefer the publisher's own copy there
    "docplayer.fi", "slideum.com",
)
WIDTHS = (1300, 400)
NO_DESCRIPTION = "No description has been provided"


def _allowed(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    for entry in ALLOWED_DOMAINS:
        domain, _, path = entry.partition("/")
        if host == domain or host.endswith("." + domain):
            if not path or parts.path.lstrip("/").startswith(path):
                return True
    return False


@pytest.fixture(scope="session")
def default_set(tmp_path_factory):
    """The project's ``default`` set (reports/schedule.yaml), built once per session with two
    workers into a temporary reports directory. A run that fails still publishes a failure
    card and its pages, which are checked like the others."""
    reports = tmp_path_factory.mktemp("default-set") / "reports"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(settings.SCHEMA_ENV, raising=False)
        spec = runner.get_set("default", ROOT / "reports" / "schedule.yaml")
        outcome = runner.run_set("default", spec.runs, workers=2, reports_dir=reports, stream=io.StringIO(), tty=False,
                                 languages=spec.languages)
    if outcome.published is None:
        pytest.fail("every run of the default set failed: nothing was published "
                    + "; ".join(f"{r.job.slug}: {r.describe_error()}" for r in outcome.results))
    return reports


def _pages_of(reports: Path) -> list[Path]:
    set_dir = reports / "default"
    galleries = [reports / publish.gallery_name(lang) for lang in i18n.LANGUAGES]
    return [*galleries, *sorted(set_dir.glob("*.html")), *sorted(set_dir.glob("*.data/index.html"))]


#: report.css's narrow screens, where tables of prose show their rows as cards
NARROW = 640
#: the tallest row a table may have on a narrow screen (the claims tables' verdicts, squeezed
#: into a column 100 px wide, made rows of 750 px at 400 px before their rows became cards)
MAX_ROW_PX = 300


def _narrow_table_problems(page) -> list[str]:
    """A table row taller than :data:`MAX_ROW_PX`, and a card (a row of a table of prose)
    whose cells are not blocks labelled with their column's header."""
    tall = page.evaluate("""max => [...document.querySelectorAll('table:not(.twb-stack) > tbody > tr')]
        .map(r => [Math.round(r.getBoundingClientRect().height), r.innerText.slice(0, 40)])
        .filter(([h]) => h > max)""", MAX_ROW_PX)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('table.twb-stack > tbody > tr > td')]
        .filter(td => getComputedStyle(td).display !== 'block'
                || !getComputedStyle(td, '::before').content.includes(td.dataset.label))
        .map(td => td.innerText.slice(0, 40))""")
    return ([f"a table row {h} px tall (more than {MAX_ROW_PX}): {text!r}" for h, text in tall]
            + [f"a card's cell without its header shown above it: {text!r}" for text in unlabelled])


def _check_page(page, path: Path, width: int, summary: dict) -> list[str]:
    """Every property of one open page; the problems found (empty: none)."""
    problems = []
    images = page.eval_on_selector_all("img", """imgs => imgs.map(i => ({
        alt: i.getAttribute('alt'), src: (i.getAttribute('src') || '').slice(0, 80),
        complete: i.complete, w: i.naturalWidth}))""")
    summary["images"] += len(images)
    for img in images:
        alt = img["alt"]
        if alt is None or not alt.strip() or NO_DESCRIPTION in alt:
            summary["bad_alt"] += 1
            problems.append(f"image {img['src']} has alt {alt!r}")
        if not (img["complete"] and img["w"] > 0):
            problems.append(f"image {img['src']} did not load")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner + 1:
        summary["overflow"] += 1
        problems.append(f"the page scrolls sideways at {width} px: {scroll} > {inner}")
    if width <= NARROW:
        problems += _narrow_table_problems(page)
        summary["card_tables"] += page.evaluate("document.querySelectorAll('table.twb-stack').length")
    ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))"):
        target = urllib.parse.urlsplit(href)
        if target.scheme in ("http", "https"):
            summary["external"].add(target.hostname or "")
            if not _allowed(href):
                problems.append(f"link to a site not in ALLOWED_DOMAINS: {target.hostname} ({href})")
        elif target.scheme or target.netloc:
            problems.append(f"link with scheme {target.scheme!r}: {href}")
        elif target.path:
            local = (path.parent / urllib.parse.unquote(target.path)).resolve()
            if not local.is_file():
                problems.append(f"link to a missing file: {href}")
            elif local.suffix == ".csv":
                summary["csv"].add(local)
        elif target.fragment and urllib.parse.unquote(target.fragment) not in ids and target.fragment not in ids:
            problems.append(f"link to a missing anchor: {href}")
    return problems


def test_the_default_set_in_chromium_at_1300_and_400_px(browser, default_set):
    """Alt text, no sideways scrolling, links, no console errors, no network, at 400 px no
    table row squeezed taller than MAX_ROW_PX and tables of prose as labelled cards: every page."""
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {"pages": 0, "images": 0, "bad_alt": 0, "overflow": 0, "card_tables": 0, "external": set(), "csv": set()}
    problems = []
    for path in _pages_of(default_set):
        for width in WIDTHS:
            page, errors, foreign = _open(browser, path, width=width)
            summary["pages"] += 1
            found = _check_page(page, path, width, summary)
            found += [f"console error: {e}" for e in errors] + [f"request left file://: {u}" for u in foreign]
            problems += [f"{path.relative_to(default_set)} at {width} px: {p}" for p in found]
            name = str(path.relative_to(default_set)).replace("/", "__")
            page.screenshot(path=str(ARTIFACTS / f"default-{name}-{width}.png"),
                            full_page=path.name.startswith("index.") and path.parent == default_set)
            page.close()
    record = dict(summary, external=sorted(summary["external"]), csv=len(summary["csv"]), problems=problems)
    (ARTIFACTS / "default-set.json").write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    assert problems == []
    assert summary["images"] > 0 and summary["csv"] and summary["card_tables"] > 0
    for csv in sorted(summary["csv"]):  # every CSV a page links to downloads and parses
        frame = pd.read_csv(csv, dtype=str, encoding="utf-8")
        meta = json.loads(csv.with_name(csv.name + "-metadata.json").read_text("utf-8"))
        assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(frame.columns), csv


def test_a_wide_tables_names_stay_in_view_while_it_scrolls_sideways_at_400_px(browser, default_set):
    """The ranking of Southwest Finland's 27 municipalities (region profile): scrolled to its
    last column at 400 px, each row still shows its municipality at the box's left edge."""
    page, errors, _foreign = _open(browser, default_set / "default" / "region_profile--MK02--lang-en.html", width=400)
    found = page.evaluate("""() => {
        const table = document.querySelector('table.twb-key-2');
        const box = table.parentElement;
        box.scrollLeft = box.scrollWidth;
        const left = box.getBoundingClientRect().left;
        const names = [...table.querySelectorAll('tbody tr')].map(r => r.children[1]);
        return {scrolled: box.scrollLeft, wider: box.scrollWidth > box.clientWidth,
                offsets: names.map(c => Math.round(c.getBoundingClientRect().left - left)),
                first: names[0].innerText, rank: Math.round(table.querySelector('tbody td').getBoundingClientRect().left - left)};
    }""")
    page.close()
    assert errors == []
    assert found["wider"] and found["scrolled"] > 100, found  # the table does scroll sideways
    assert set(found["offsets"]) == {0} and found["first"], found  # every name at the left edge
    assert found["rank"] < 0, found  # the rank column scrolled out of view beneath it


def test_every_csv_of_the_default_set_parses_and_its_csvw_names_its_columns(default_set):
    csvs = sorted((default_set / "default").glob("*.data/*.csv"))
    assert csvs, "the default set published no CSV files"
    for csv in csvs:
        frame = pd.read_csv(csv, dtype=str, encoding="utf-8")
        meta = json.loads(csv.with_name(csv.name + "-metadata.json").read_text("utf-8"))
        assert meta["url"] == csv.name, csv
        assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(frame.columns), csv
        assert meta.get("dc:title") and meta.get("@context") == "http://www.w3.org/ns/csvw", csv
    for index in (default_set / "default").glob("*.data/index.html"):
        listed = {c.name for c in csvs if c.parent == index.parent}
        text = index.read_text("utf-8")
        assert all(f'href="{urllib.parse.quote(n)}"' in text for n in listed), index


def test_the_cards_show_each_reports_declared_headline_figures_first(browser, default_set):
    """On the gallery in each language, every report's card in that language lists the
    headline figures its notebook declared, in order, before anything folded away."""
    manifest = json.loads((default_set / "default" / "manifest.json").read_text("utf-8"))

    def norm(text: str) -> str:
        return " ".join(str(text).split())

    checked = 0
    for lang in i18n.LANGUAGES:
        page, errors, foreign = _open(browser, default_set / publish.gallery_name(lang), width=400)
        for run in manifest["runs"]:
            nb_file = (run.get("files") or {}).get("ipynb")
            if not nb_file or run.get("lang") != lang:
                continue
            entries = keyfigures.read(nbformat.read(default_set / "default" / nb_file, as_version=4))
            expected = [(norm(e["label"]), norm(keyfigures.text_of(e, lang))) for e in entries if e.get("headline")]
            card = page.locator(f'[id="default--{run["slug"]}"]')
            assert card.count() == 1, (lang, run["slug"])
            shown = card.locator("dl.kf")
            pairs = []
            if shown.count():
                dts = shown.first.locator("dt").all_inner_texts()
                dds = shown.first.locator("dd").all_inner_texts()
                pairs = [(norm(a), norm(b)) for a, b in zip(dts, dds)]
            assert pairs == expected, (lang, run["slug"])
            if expected:  # the headline list comes before anything folded away
                html = card.inner_html()
                assert "<details" not in html or html.index('class="kf"') < html.index("<details")
            checked += bool(expected)
        assert errors == [] and foreign == []
        page.close()
    assert checked >= 3, "no cards with headline figures in the three languages"


#: words that make a run of text English: none of them is a Finnish or Swedish word
ENGLISH_WORDS = frozenset({"the", "and", "of", "is", "are", "with", "from", "which", "this", "that", "than", "by",
                           "for", "its", "be", "as", "or", "not", "were", "was", "has", "have", "their", "been"})
#: what may stay English on a Finnish or Swedish page without a lang mark: proper names and
#: codes that happen to contain these words (none today)
ALLOWED_ENGLISH: tuple[str, ...] = ()
_TEXTS_JS = """() => {
  const page = document.documentElement.lang, out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script,style,code,pre,.jp-InputArea')) continue;
    const marked = el.closest('[lang]');
    if ((marked ? marked.getAttribute('lang') : page) !== page) continue;
    const t = n.textContent.replace(/\\s+/g, ' ').trim();
    if (t) out.push(t);
  }
  return [page, out];
}"""


def _english(text: str) -> bool:
    text = re.sub(r"\bCC BY(-[A-Z]{2})?\b", "", text)  # a licence's code ("CC BY 4.0") in any language
    words = re.findall(r"[A-Za-z]+", text.lower())
    return len(words) >= 4 and sum(w in ENGLISH_WORDS for w in words) >= 2


def test_the_english_test_reads_a_licence_code_as_no_word():
    assert _english("The boundaries are probably Statistics Finland's, but this is unconfirmed.")
    assert not _english("gränserna kommer sannolikt från Statistikcentralen (CC BY 4.0), geo.stat.fi (CC BY 4.0)")
    assert _english("data by the city (CC BY 4.0) and by the state")  # "by" as a word still counts


def test_every_page_says_its_language_and_finnish_and_swedish_pages_have_no_english_sentence(browser, default_set):
    """Each page's lang is its run's language; on Finnish and Swedish pages every English
    text left (a source title, a quotation, a label as published) is marked as English."""
    manifest = json.loads((default_set / "default" / "manifest.json").read_text("utf-8"))
    lang_of = {}
    for run in manifest["runs"]:
        for key in ("html", "code_html"):
            if (run.get("files") or {}).get(key):
                lang_of[default_set / "default" / run["files"][key]] = run["lang"]
    for lang in i18n.LANGUAGES:
        lang_of[default_set / publish.gallery_name(lang)] = lang
    assert {lang for lang in lang_of.values()} == set(i18n.LANGUAGES)
    problems = []
    for path, lang in sorted(lang_of.items()):
        if path.name.endswith(".code.html"):
            continue  # the code page shows code and researcher notes in English by design
        page, _errors, _foreign = _open(browser, path, width=1300)
        page_lang, texts = page.evaluate(_TEXTS_JS)
        page.close()
        if page_lang != lang:
            problems.append(f"{path.name}: lang={page_lang!r}, the run's language is {lang!r}")
        if lang == "en":
            continue
        for text in texts:
            if _english(text) and not any(a in text for a in ALLOWED_ENGLISH):
                problems.append(f"{path.name} ({lang}): English without a lang mark: {text[:120]!r}")
    (ARTIFACTS / "default-set-languages.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert problems == [], "\n".join(problems[:40])
