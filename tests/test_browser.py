"""The published gallery and a report in headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright; no browser download): every image loads, every gallery link resolves
to a file, no console errors, no request leaves file://. Screenshots go to test-artifacts/.

The reports are built from the HAND-MADE fixture workbooks (tests/fixtures/workbooks/).
`make test` installs chromium first (tools/ensure-chromium).
"""

from __future__ import annotations

import io
import os
import urllib.parse
from pathlib import Path

import pytest

from helpers import runner, settings

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


def _open(browser, path: Path):
    """Open a file; return (page, console errors, requests that were not file://)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
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
