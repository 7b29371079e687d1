"""The manifest's texts in the report's language (helpers/locale/manifest.yaml, used by the
sources section every report ends with and by the data overview's table of resources).

The pinned snapshot's own titles, publishers, tables, periods, licence titles and caveats are
checked against their Finnish and Swedish translations. The resources without a translation
are the HAND-MADE test fixture tests/fixtures/provenance_snapshot/ (made-up publishers): those
show how a text without a translation is shown.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from helpers import i18n
from helpers import provenance as P
from helpers.display import quote_language
from helpers.snapshot import Snapshot

FIXTURE = Path(__file__).parent / "fixtures" / "provenance_snapshot"

_SNAKE = P._INTERNAL_NAME


def _texts(resource: dict) -> list[tuple[str, str]]:
    """(field, text) of every reader-facing text of a manifest entry."""
    out = [(f, str(resource.get(f) or "").strip()) for f in ("title", "publisher", "table_id", "reference_period")]
    out += [("licence", str(lic.get("title") or "").strip()) for lic in resource.get("licenses") or []]
    out += [("caveat", str(c).strip()) for c in resource.get("caveats") or []]
    # every text with letters (a date or a bare id such as "12r5" has no language)
    return [(f, t) for f, t in out if t and quote_language(t) is not None]


@pytest.fixture(scope="module")
def pinned() -> dict[str, tuple[str, str]]:
    """Each pinned text -> (resource, field) where it first appears."""
    out: dict[str, tuple[str, str]] = {}
    for r in Snapshot().manifest["resources"]:
        for field, text in _texts(r):
            out.setdefault(text, (r["name"], field))
    return out


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    return i18n.manifest_translations()


def test_every_text_of_the_pinned_manifest_has_finnish_and_swedish(pinned, table):
    missing = {text[:90]: where for text, where in pinned.items()
               if not all(str((table.get(text) or {}).get(lang) or "").strip() for lang in ("fi", "sv"))}
    assert missing == {}, "add these texts to src/helpers/locale/manifest.yaml"
    assert len(pinned) > 280  # the whole manifest was read
    assert Counter(field for _r, field in pinned.values())["caveat"] > 140  # 157 caveats, a few the same in several entries


def test_the_file_has_no_entry_for_a_text_the_snapshot_no_longer_has(pinned, table):
    assert sorted(t[:90] for t in set(table) - set(pinned)) == []
    for text, entry in table.items():
        assert set(entry) <= {"fi", "sv", "quoted"}, text


def test_a_translation_keeps_every_number_name_code_and_link_of_its_text(table):
    for text, entry in table.items():
        numbers = Counter(re.findall(r"\d+", text))
        kept = set(_SNAKE.findall(text)) | set(re.findall(r"`[^`]*`", text)) | set(re.findall(r"https?://\S+", text))
        for lang in ("fi", "sv"):
            shown = entry[lang]
            assert Counter(re.findall(r"\d+", shown)) == numbers, (lang, shown)
            assert all(k in shown for k in kept), (lang, shown)
        for words in entry.get("quoted") or ():
            assert words in text and all(words in entry[lang] for lang in ("fi", "sv")), words


def test_finnish_and_swedish_name_the_publishers_in_that_language(table):
    for text, entry in table.items():
        fi, sv = entry["fi"], entry["sv"]
        for quoted in entry.get("quoted") or ():
            fi, sv = fi.replace(quoted, ""), sv.replace(quoted, "")
        assert "Statistics Finland" not in fi + sv, text
        if "Statistics Finland" in text:
            assert "Tilastokesk" in fi and "Statistikcentralen" in sv, text  # (-keskuksen)
    licence = table["Creative Commons Attribution 4.0 International"]
    assert (licence["fi"], licence["sv"]) == ("Creative Commons Nimeä 4.0 Kansainvälinen",
                                              "Creative Commons Erkännande 4.0 Internationell")


def _sources(names, lang, snap=None) -> str:
    with i18n.using(lang):
        return P.provenance_markdown(names, {"snapshot": None}, snap or Snapshot())


def test_the_sources_section_shows_the_manifest_in_the_reports_language():
    snap = Snapshot()
    names = ["population_municipality_2019", "population_municipality_2000_2023"]
    english = _sources(names, "en")
    assert "| [Population by municipality, 31 December 2019 (2020 division)](" in english
    assert "lang=\"en\"" not in english  # (the Finnish credit line is marked lang="fi")
    for lang in ("fi", "sv"):
        md = _sources(names, lang)
        for name in names:
            for field, text in _texts(snap.resource(name)):
                if P.manifest_text(text, lang)[0] != text:  # (a name or an id is its own translation)
                    assert P.escape_markdown(text) not in md, (lang, field, text)
                if field in ("caveat", "reference_period"):  # column names as code, resource names as titles
                    with i18n.using(lang):
                        shown = P._manifest_markdown(text, P._internal_names(snap))
                else:
                    shown = P.escape_markdown(P.manifest_text(text, lang)[0])
                assert shown in md, (lang, field, shown)
        # only the words a translation quotes in English are marked as English
        marked = re.findall(r'<span lang="en">(.*?)</span>', md)
        quoted = {P.escape_markdown(q) for e in i18n.manifest_translations().values() for q in e.get("quoted") or ()}
        assert set(marked) <= quoted, (lang, marked)


def test_a_caveat_that_names_another_resource_reads_its_translated_title():
    snap = Snapshot()
    names = P._internal_names(snap)
    found = 0
    for r in snap.manifest["resources"]:
        for caveat in r.get("caveats") or []:
            other = [m.group(1) for m in _SNAKE.finditer(caveat) if m.group(1) in names[0]]
            if not other:
                continue
            found += 1
            title = names[0][other[0]]
            with i18n.using("sv"):
                md = P._manifest_markdown(caveat, names)
            assert other[0] not in md.replace("\\_", "_") or f"`{other[0]}`" in md, md
            assert P.escape_markdown(P.manifest_text(title, "sv")[0]) in md, (title, md)
    assert found >= 1


def test_a_text_without_a_translation_is_shown_in_english_and_marked_as_english():
    md = _sources(["hand_made_jobs"], "fi", Snapshot(FIXTURE))
    entry = Snapshot(FIXTURE).resource("hand_made_jobs")
    assert f'[<span lang="en">{P.escape_markdown(entry["title"])}</span>](' in md
    caveat = P.escape_markdown(entry["caveats"][0])
    assert f'- **<span lang="en">{P.escape_markdown(entry["title"])}</span>**: <span lang="en">{caveat}</span>' in md
    assert P.manifest_text(entry["title"], "fi") is None


def test_the_data_overview_lists_the_resources_in_the_reports_language():
    from helpers.notebook import RecordingSnapshot
    from helpers.workbooks import data_overview

    snap = RecordingSnapshot()
    res = data_overview.compute({}, snap)
    with i18n.using("sv"):
        md = data_overview.resources_table(res).data
    title = snap.resource("population_municipality_2019")["title"]
    assert P.escape_markdown(P.manifest_text(title, "sv")[0]) in md
    assert P.escape_markdown(title) not in md
    assert "Creative Commons Erkännande 4.0 Internationell" in md
    english = data_overview.resources_table(res).data
    assert P.escape_markdown(title) in english and "lang=" not in english
