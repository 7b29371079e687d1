"""Text kept as published is marked with its language on pages in another language
(WCAG 2.1, 3.1.2 Language of Parts): table cells (display.Published, display.published),
quotations inside translated sentences (display.mark_quotes), and the workbook tables that
show a publisher's English (TOL names, the claims register, the occupation table)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import display, i18n
from helpers.snapshot import Snapshot
from helpers.workbooks import cluster_claims, cluster_tol5, ict_cluster, industry


@pytest.mark.parametrize("text, lang", [
    ("Suomen lääkeviennistä yli 75 % ... tulee Turun alueen yrityksistä", "fi"),
    ("noin 5 700 teollista työpaikkaa", "fi"),
    ("The region delivers 95% of pharmaceuticals developed in Finland", "en"),
    ("över 100 företag inom life science", "sv"),
    ("2/3", None), ("> 75 %", None),
    ("Emissions depend on traffic on the roads till 2030", "en"),  # "on", "till": English words too
    ("life science -klusterin", "fi"),  # a Finnish compound of an English phrase: space, hyphen, Finnish
    ("life-science students ... from 5 major universities", "en"),
])
def test_the_language_of_a_quotation(text, lang):
    assert display.quote_language(text) == lang


def test_a_published_cell_is_marked_only_on_a_page_in_another_language():
    frame = pd.DataFrame({"Name": display.published(["Manufacture of <basic> pharmaceutical products"]),
                          "Luku": [5700]})
    with i18n.using("fi"):
        md = display.markdown_table(frame)
    assert '<span lang="en">Manufacture of &lt;basic&gt; pharmaceutical products</span>' in md
    assert "5 700" in md.replace("\u202f", " ").replace("\xa0", " ")
    with i18n.using("en"):
        assert "<span" not in display.markdown_table(frame)


def test_quotations_in_a_translated_sentence_get_their_own_language():
    text = ("Lähteissä sanotaan 'lähes 75 %' (C14); vanhempi sanamuoto on "
            "'nearly half of the pharma industry's turnover' (C12), ei koskaan '2/3'.")
    with i18n.using("fi"):
        marked = display.mark_quotes(text)
    assert "'<span lang=\"en\">nearly half of the pharma industry's turnover</span>'" in marked
    assert "'lähes 75 %'" in marked and "'2/3'" in marked  # the page's language and a number: unmarked
    with i18n.using("en"):
        assert "'<span lang=\"fi\">lähes 75 %</span>'" in display.mark_quotes(text)
    with i18n.using("fi"):
        title = display.mark_quotes("OECD (2007), ”Information Economy - Sector Definitions”, Pariisi")
    assert title == 'OECD (2007), ”<span lang="en">Information Economy - Sector Definitions</span>”, Pariisi'


def test_markup_cells_stay_as_the_code_wrote_them():
    frame = pd.DataFrame({"a": pd.Series([display.Markup('26.1 <span lang="en">Boards</span>')], dtype=object)})
    assert display.markdown_table(frame).splitlines()[-1] == '| 26.1 <span lang="en">Boards</span> |'


@pytest.fixture(scope="module")
def snap():
    return Snapshot()


def test_the_tol_table_marks_tols_english_names_and_keeps_its_data_plain(snap):
    sizes = cluster_tol5.national_sizes(snap.load(cluster_tol5.TOL5), industry.load_codelist("ict"), "core", snap)
    with i18n.using("fi"):
        table = cluster_tol5.size_table(sizes, "the ICT sector")
    assert '26.1 <span lang="en">Manufacture of electronic components and boards</span>' in table.data
    assert "<span" not in table.frame.to_csv()  # the CSV behind the table: plain text
    assert "Manufacture of electronic components and boards" in set(table.frame["list_name_en"])


def test_every_value_of_the_pinned_occupation_and_chart_tables_has_reader_words(snap):
    occ = snap.load("turku_jobs_by_occupation_2017")
    assert set(occ["measure"]) == set(ict_cluster.OCCUPATION_MEASURES)
    assert set(occ["unit"]) == set(ict_cluster.UNITS)
    shares = snap.load("ict_establishment_share_municipality_2016")
    assert set(shares["pairing_confidence"]) == set(ict_cluster.PAIRINGS)
    with i18n.using("sv"):
        assert i18n._(ict_cluster.OCCUPATION_MEASURES["jobs_in_turku"]) == "Arbetsplatser i Åbo"


def test_the_claims_register_keeps_each_statement_in_its_own_language(snap):
    register = snap.load("cluster_claims").rename(columns={"id": "claim_id"}).assign(seed_id="LS5")
    with i18n.using("en"):
        md = cluster_claims.statements_table(register, "x").data
    assert '<span lang="fi">Suomen lääkeviennistä yli 75 % ... tulee Turun alueen yrityksistä</span>' in md
    with i18n.using("fi"):
        md = cluster_claims.statements_table(register, "x").data
    assert "Suomen lääkeviennistä yli 75 %" in md and '<span lang="fi">' not in md
    assert "| ei ilmoitettu |" in md  # "not stated" in the reader's words
    assert '<span lang="en">not stated (older page)</span>' in md


def test_every_statement_of_the_pinned_register_gets_the_language_it_is_written_in(snap):
    """Read by hand: 18 statements are Finnish, 7 English, 1 Swedish (the labour-force-survey
    appendix). The hard ones have no ä/ö or few function words."""
    register = snap.load("cluster_claims").set_index("id")["statement_as_published"]
    langs = {i: display.quote_language(t) for i, t in register.items()}
    assert sorted(langs.values()).count("fi") == 18 and list(langs.values()).count("en") == 7
    assert (langs["C04"], langs["C21"], langs["S04"], langs["S03"], langs["S05"]) == ("fi", "fi", "fi", "sv", "en")
