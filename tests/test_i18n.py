"""The message catalogues (helpers.catalogues, src/helpers/locale/): complete, current, compiled.

Fails when a text a reader sees has no Finnish or Swedish translation, when the committed
template no longer matches the code and notebooks (run ``tools/i18n all``), when a ``.mo``
is stale, or when a translation lost a placeholder or changed a heading's level."""

from __future__ import annotations

import re

import pytest

from helpers import catalogues, i18n
from helpers.snapshot import Snapshot
from helpers.workbooks import industry


@pytest.fixture(scope="module")
def template():
    return catalogues.extract()


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def test_the_committed_template_is_what_the_code_and_notebooks_say(template):
    committed = catalogues.read(catalogues.pot_path())
    assert _ids(committed) == _ids(template), "run `tools/i18n all` and translate what it lists"


@pytest.mark.parametrize("lang", catalogues.TRANSLATED)
def test_every_message_has_a_translation(template, lang):
    missing = catalogues.missing(lang, template)
    shown = [m if isinstance(m, str) else m[0] for m in missing[:10]]
    assert missing == [], f"{len(missing)} message(s) without a {lang} translation, e.g. {shown}"


@pytest.mark.parametrize("lang", catalogues.TRANSLATED)
def test_the_compiled_catalogue_is_the_current_one(lang):
    assert catalogues.mo_path(lang).read_bytes() == catalogues.compiled(lang), "run `tools/i18n compile`"


def test_compiling_does_not_depend_on_the_clock():
    """babel stamps POT-Creation-Date with "now" when the .po has none: the .mo would change
    every minute (and the test above fail on CI)."""
    data = catalogues.compiled("fi")
    assert b"POT-Creation-Date: 1970-01-01 00:00+0000" in data


def _placeholders(text) -> list[str]:
    texts = [text] if isinstance(text, str) else list(text)
    return sorted(p for t in texts for p in re.findall(r"\{[^{}]*\}", t or ""))


@pytest.mark.parametrize("lang", catalogues.TRANSLATED)
def test_translations_keep_every_placeholder_and_heading_level(lang):
    bad, heads = [], []
    for m in catalogues.read(catalogues.po_path(lang), lang):
        if not m.id or not m.string:
            continue
        source = m.id if isinstance(m.id, str) else m.id[1]
        target = m.string if isinstance(m.string, str) else m.string[-1]
        if _placeholders(source) != _placeholders(target):
            bad.append(source[:60])
        if isinstance(m.id, str):
            levels = [ln.split()[0] for ln in m.id.splitlines() if ln.startswith("#")]
            if levels != [ln.split()[0] for ln in m.string.splitlines() if ln.startswith("#")]:
                heads.append(source[:60])
    assert bad == [] and heads == []


def test_finnish_industry_names_are_statistics_finlands_own():
    """Where the snapshot holds Statistics Finland's Finnish table (business register 2012),
    the Finnish catalogue names each TOL 2008 section exactly as that table does."""
    table = Snapshot().load("establishments_industry_section_2012")
    published = dict(zip(table["industry_code"], table["industry_name"]))
    with i18n.using("fi"):
        shown = {code: industry.section_name(code) for code in industry.TOL_SECTIONS}
    checked = {c: (shown[c], published[c]) for c in shown if c in published}
    assert len(checked) >= 17
    assert {c: a for c, (a, b) in checked.items() if a != b} == {}
    with i18n.using("sv"):
        assert industry.section_name("G") == "Parti- och detaljhandel; reparation av motorfordon och motorcyklar"
    assert industry.section_name("G") == "Wholesale and retail trade; repair of motor vehicles and motorcycles"


def test_a_markdown_cell_is_translated_as_a_whole_and_researcher_cells_stay_english(template):
    flagged = [m for m in template if "markdown" in m.flags]
    assert len(flagged) >= 60
    assert not any("the next cell" in m.id for m in flagged)  # "change `area` in the next cell" is for researchers
    with i18n.using("sv"):
        cell = flagged[0].id
        assert i18n._(cell) != cell and i18n._(cell).startswith("#")
