"""The cluster workbooks' own words (code lists: scopes, groups, short legend names) in the
report's language: a Swedish page said "Definition: core" and "Grupp: ICT services", and its
charts' legends "21 Pharmaceuticals", "ICT manufacturing"."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from helpers import i18n, params, plotting
from helpers.snapshot import Snapshot
from helpers.workbooks import ict_cluster, industry, life_science_cluster


@pytest.fixture(scope="module")
def snap():
    return Snapshot()


def _legend(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize("lang, core, wide, legend", [
    ("fi", "ydin", "laaja", ["21 Lääkkeet", "26.6 Sähkölääkintälaitteet", "32.5 Lääkintäinstrumentit",
                             "72.11 Biotekninen T&K"]),
    ("sv", "kärna", "bred", ["21 Läkemedel", "26.6 Elektromedicinsk utrustning", "32.5 Medicinska instrument",
                             "72.11 Bioteknisk FoU"]),
    ("en", "core", "wide", ["21 Pharmaceuticals", "26.6 Electromedical", "32.5 Medical instruments",
                            "72.11 Biotech R&D"]),
])
def test_life_science_code_list_and_legend_in_the_reports_language(snap, lang, core, wide, legend):
    with i18n.using(lang):
        res = life_science_cluster.compute(params.validate("life_science_cluster", {"lang": lang}), snap)
        table = life_science_cluster.codelist(res)
        fig = life_science_cluster.national_chart(res)
    rows = {line.split(" | ")[0].strip("| "): line for line in table.data.splitlines() if line.startswith("| ")}
    assert f"| {core} |" in rows["21"] and f"| {wide} |" in rows["46.46"]
    assert "| core |" not in table.data or lang == "en"
    # TOL's Finnish names marked as Finnish on other pages, its English ones as English
    finnish = "Lääkeaineiden ja lääkkeiden valmistus"
    assert (f'<span lang="fi">{finnish}</span>' in table.data) == (lang != "fi") and finnish in table.data
    assert _legend(fig) == legend
    assert all(name in plotting.alt.alt_text(fig) for name in legend)
    plt.close(fig)


@pytest.mark.parametrize("lang, groups", [
    ("fi", ["ICT-valmistus", "ICT-palvelut", "ICT-kauppa"]),
    ("sv", ["IKT-tillverkning", "IKT-tjänster", "IKT-handel"]),
    ("en", ["ICT manufacturing", "ICT services", "ICT trade"]),
])
def test_ict_groups_in_the_reports_language_in_the_code_list_and_the_chart(snap, lang, groups):
    with i18n.using(lang):
        res = ict_cluster.compute(params.validate("ict_cluster", {"lang": lang}), snap)
        table = ict_cluster.codelist(res)
        fig = ict_cluster.national_chart(res)
    manufacturing, services, trade = groups
    assert f"| 26.1 | {manufacturing} |" in table.data and f"| 62 | {services} |" in table.data
    assert f"| 46.51 | {trade} |" in table.data
    # the English groups' order (manufacturing, services, trade) in every language: same colours
    assert _legend(fig) == [manufacturing, services, trade]
    plt.close(fig)


def test_code_list_scopes_need_a_label_and_codes_a_declared_scope():
    def raw(scopes, code_scopes):
        return {"id": "x", "title": "x", "version": "1", "date": "d", "classification": "c",
                "classification_source": {}, "definition_source": "d", "scopes": scopes,
                "codes": [{"code": c, "section": "C", "scope": s, "name_fi": "a", "name_en": "a", "rationale": "r"}
                          for c, s in zip(("21", "26.6"), code_scopes)]}

    with pytest.raises(ValueError, match="scope 'core' needs a label, the word readers see for it"):
        industry._parse_codelist(raw({"core": {"include_scopes": ["core"]}}, ["core"]), "test")
    with pytest.raises(ValueError, match=r"codes name scopes \['wide'\] that 'scopes' does not declare"):
        industry._parse_codelist(raw({"core": {"label": "core", "include_scopes": ["core"]}}, ["core", "wide"]),
                                 "test")
    listed = industry._parse_codelist(raw({"core": {"label": "core", "include_scopes": ["core"]}}, ["core"]), "t")
    assert listed.scope_label("core") == "core"


@pytest.mark.parametrize("lang, header, manufacturing, industry, row", [
    ("sv", "| Näringsgrenar | År | Publicering |", "Tillverkning (C)", "Hela industrin (B–E)",
     "| Tillverkning (C) | 2009 | 2009 | 2\u202f711\u202f940 | 22\u202f315\u202f756 | 12,2 | 12,2 |"),  # narrow no-break spaces
    ("en", "| Industries | Year | Release |", "Manufacturing (C)", "All industry (B–E)",
     "| Manufacturing (C) | 2009 | 2009 | 2,711,940 | 22,315,756 | 12.2 | 12.2 |"),
])
def test_value_added_table_names_its_scopes_and_releases_in_words(snap, lang, header, manufacturing, industry, row):
    """Southwest Finland's manufacturing value added, 2009 release of the regional industrial
    statistics (atoi): EUR 2,711,940 thousand of 22,315,756 (12.2 %). The table showed the
    codes "C", "BCDE" under the carbon workbook's "Scope" and "atoi_2009_tie_002" as release,
    with a decimal on whole thousands of euros."""
    with i18n.using(lang):
        res = life_science_cluster.compute(params.validate("life_science_cluster", {"lang": lang}), snap)
        table = life_science_cluster.value_added_table(res)
    assert table.data.startswith(header) and row in table.data
    assert f"| {industry} | 2010 | 2010 |" in table.data and manufacturing in table.data
    assert "atoi_" not in table.data and "BCDE" not in table.data
    assert set(table.frame["release"]) >= {"atoi_2009_tie_002", "atoi_2010_tie_002"}  # the data keep the ids


def test_the_exports_tables_notes_are_marked_english_on_a_swedish_page(snap):
    """Southwest Finland's share of Finland's goods exports: 10.7 % in 2022, read in Tulli's
    release of 25.5.2023. The snapshot's notes on each figure are English."""
    with i18n.using("sv"):
        res = life_science_cluster.compute(params.validate("life_science_cluster", {"lang": "sv"}), snap)
        table = life_science_cluster.exports_table(res).data
    assert ('| 2022 | <span lang="en">annual (preliminary)</span> | 10,7 | '
            '<span lang="en">primary (tulli.fi release 25.5.2023)</span> |') in table


@pytest.mark.parametrize("lang, highest, highlighted", [("sv", "Nyland (17,7 %)", "Egentliga Finland (12,2 %)"),
                                                        ("en", "Uusimaa (17.7 %)", "Southwest Finland (12.2 %)"),
                                                        ("fi", "Uusimaa (17,7 %)", "Varsinais-Suomi (12,2 %)")])
def test_value_added_chart_names_the_regions_in_the_reports_language(snap, lang, highest, highlighted):
    """The 2009 release's manufacturing shares: Uusimaa 17.7 %, Southwest Finland 12.2 %; the
    series prints Finnish names, which the Swedish chart showed ("Pohjois-Pohjanmaa")."""
    with i18n.using(lang):
        res = life_science_cluster.compute(params.validate("life_science_cluster", {"lang": lang}), snap)
        fig = life_science_cluster.value_added_chart(res)
    text = plotting.alt.alt_text(fig)
    assert highest in text and highlighted in text
    plt.close(fig)
