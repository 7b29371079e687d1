"""Source lines in the report's language (helpers/locale/attributions.yaml, used by
helpers.provenance.source_caption).

The pinned snapshot's own attribution lines are checked against their Finnish and Swedish
translations. The resources without a translation are the HAND-MADE test fixture
tests/fixtures/provenance_snapshot/ (made-up publishers): those show how a line without a
translation is shown.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from helpers import i18n
from helpers import provenance as P
from helpers.snapshot import Snapshot

FIXTURE = Path(__file__).parent / "fixtures" / "provenance_snapshot"


def _line(attribution: str) -> str:
    """A manifest attribution as the source line quotes it."""
    return re.sub(r"^\s*source:\s*", "", attribution, flags=re.IGNORECASE).strip().rstrip(".")


@pytest.fixture(scope="module")
def pinned() -> dict[str, str]:
    """Each pinned resource's attribution line, by resource name."""
    return {r["name"]: _line(r["attribution"]) for r in Snapshot().manifest["resources"]}


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    return P.attribution_translations()


def test_every_pinned_resource_has_its_source_line_in_finnish_and_swedish(pinned, table):
    missing = {name: line for name, line in pinned.items()
               if not all(str((table.get(line) or {}).get(lang) or "").strip() for lang in ("fi", "sv"))}
    assert missing == {}, "add these lines to src/helpers/locale/attributions.yaml"
    assert len(pinned) >= 40  # the whole manifest was read


def test_the_file_has_no_entry_for_a_line_the_snapshot_no_longer_has(pinned, table):
    assert sorted(set(table) - set(pinned.values())) == []
    for line, entry in table.items():
        assert set(entry) <= {"fi", "sv", "quoted"}, line


def test_a_translation_keeps_every_number_and_the_licence_of_its_line(table):
    for line, entry in table.items():
        numbers = Counter(re.findall(r"\d+", line))
        licence = P._LICENCE_SUFFIX.search(line)
        for lang in ("fi", "sv"):
            text = entry[lang]
            assert Counter(re.findall(r"\d+", text)) == numbers, (lang, text)
            got = P._LICENCE_SUFFIX.search(text)
            assert (got and got.group(1)) == (licence and licence.group(1)), (lang, text)
            assert text != line and "Statistics Finland" not in text, (lang, text)
        for words in entry.get("quoted") or ():
            assert words in line and all(words in entry[lang] for lang in ("fi", "sv")), words


def test_finnish_and_swedish_use_the_publishers_names_in_that_language(table):
    for line, entry in table.items():
        if "Statistics Finland" in line:
            assert "Tilastokesk" in entry["fi"] and "Statistikcentralen" in entry["sv"], line  # (-keskuksen)
    assert "Åbo stad" in table[_line(Snapshot().resource("turku_ghg_inventory_2020")["attribution"])]["sv"]


def test_a_source_line_is_in_the_reports_language_and_english_stays_as_it_was():
    snap = Snapshot()
    names = ["population_municipality_2019", "population_municipality_2023", "municipality_boundaries_2020"]
    english = P.source_caption(names, snap)
    assert english == (
        "Source: Statistics Finland, population 31.12.2019 (via Yle geodata), CC BY 4.0; Statistics Finland, "
        "population 31.12.2023 (via fi.wikipedia 'Luettelo Suomen kunnista'), CC BY 4.0; Yle, Yleisradio/geodata "
        "(municipality boundaries 2020, generalised; no licence stated); regions 2026: Statistics Finland, CC BY 4.0")
    assert english.markdown() == str(english)  # an English page marks nothing
    with i18n.using("fi"):
        finnish = P.source_caption(names, snap)
    assert finnish.startswith("Lähde: Tilastokeskus, väestö 31.12.2019 (Ylen geodatan kautta), CC BY 4.0; ")
    assert "Yle, Yleisradio/geodata (kuntarajat 2020, yleistetyt; lisenssiä ei ilmoitettu)" in finnish
    assert finnish.published == () and finnish.links == english.links
    with i18n.using("sv"):
        swedish = P.source_caption(["paavo_2020_municipal", "sotkanet_municipal_2019"], snap)
        # one licence for both, written once at the end, as in English
        assert swedish == ("Källa: Statistikcentralen, Paavo – öppna data efter postnummerområde, 2020 års utgåva; "
                           "THL, Sotkanet 2019 (uppgiftsproducenter: ANM, THL, Statistikcentralen, FPA); CC BY 4.0")
        assert swedish.markdown() == str(swedish)


def test_a_line_without_a_translation_is_shown_in_english_and_marked_as_english():
    fixture = Snapshot(FIXTURE)
    with i18n.using("fi"):
        cap = P.source_caption(["hand_made_jobs", "hand_made_map_note"], fixture)
        md = cap.markdown()
    assert cap.startswith("Lähde: Test Publisher A (hand-made fixture), table fixture_table_a, CC BY 4.0; ")
    assert md.startswith('Lähde: <span lang="en">Test Publisher A (hand-made fixture), table fixture\\_table\\_a, '
                         'CC BY 4.0</span>; <span lang="en">')
    assert md.count('<span lang="en">') == 2


def test_words_a_translation_quotes_in_english_are_marked_on_the_page():
    with i18n.using("sv"):
        md = P.source_caption(["cdp_city_emissions_reported"], Snapshot()).markdown()
    assert md.startswith("Källa: CDP:s portal för öppna data, stadsomfattande utsläpp 2016–2021")
    assert md.endswith("'<span lang=\"en\">This data was collected in partnership by CDP and ICLEI - Local "
                       "Governments for Sustainability</span>'")


def test_the_sources_section_lists_the_attribution_lines_in_the_reports_language():
    names = ["population_municipality_2023", "paavo_2020_municipal"]
    with i18n.using("fi"):
        md = P.provenance_markdown(names, {"snapshot": None}, Snapshot())
    listed = md[md.rindex("## "):]  # the last section
    assert listed.startswith("## Lähdemaininnat")
    assert "- Lähde: Tilastokeskus, väestö 31.12.2023 (suomenkielisen Wikipedian luettelon" in listed
    assert "- Lähde: Tilastokeskus, Paavo – postinumeroalueittainen avoin tieto, vuoden 2020 julkistus" in listed
    assert "Statistics Finland" not in listed
    with i18n.using("fi"):
        fixture = P.provenance_markdown(["hand_made_jobs"], {}, Snapshot(FIXTURE))
    assert '- <span lang="en">Source: Test Publisher A (hand-made fixture)' in fixture  # no translation
    english = P.provenance_markdown(names, {"snapshot": None}, Snapshot())
    assert "- Source: Statistics Finland, population 31.12.2023 (via fi.wikipedia" in english
