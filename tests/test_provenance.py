"""Tests for helpers.provenance.

The snapshot used here is tests/fixtures/provenance_snapshot/ - a HAND-MADE test fixture
(made-up values and provenance, labelled as such in its datapackage.json and README.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import display, keyfigures
from helpers import provenance as P
from helpers.snapshot import Snapshot, UnknownResourceError

FIXTURE = Path(__file__).parent / "fixtures" / "provenance_snapshot"


@pytest.fixture
def snap() -> Snapshot:
    s = Snapshot(FIXTURE)
    assert s.verify() == ["hand_made_jobs", "hand_made_rates", "hand_made_map_note"]
    return s


# ----------------------------------------------------------------------------- table


def test_provenance_table_columns_and_values(snap):
    t = P.provenance_table(["hand_made_rates", "hand_made_jobs", "hand_made_rates"], snap)
    assert list(t.columns) == ["resource", "title", "publisher", "table_id", "reference_period",
                               "retrieved", "licence", "attribution"]
    # order kept, duplicate dropped
    assert t["resource"].tolist() == ["hand_made_rates", "hand_made_jobs"]
    row = t.iloc[1]
    assert row["publisher"] == "Test Publisher A (hand-made fixture)"
    assert row["table_id"] == "fixture_table_a"
    assert row["reference_period"] == "2001"
    assert row["retrieved"] == "2000-01-01"
    assert row["licence"] == "Creative Commons Attribution 4.0 International"
    assert row["attribution"].startswith("Source: Test Publisher A")


def test_provenance_table_accepts_a_path_and_a_single_name():
    t = P.provenance_table("hand_made_jobs", FIXTURE)
    assert t["resource"].tolist() == ["hand_made_jobs"]


def test_unknown_resource_names_the_input_and_suggests(snap):
    with pytest.raises(UnknownResourceError, match="'hand_made_job'.*hand_made_jobs"):
        P.provenance_table(["hand_made_job"], snap)
    with pytest.raises(ValueError, match="resource_names is empty"):
        P.provenance_table([], snap)
    with pytest.raises(TypeError, match="snapshot must be None"):
        P.provenance_table(["hand_made_jobs"], snapshot=42)


# ----------------------------------------------------------------------------- caption


def test_the_rows_of_named_resources_are_in_the_order_given_with_every_column(snap):
    names = ["hand_made_map_note", "hand_made_jobs"]
    _, rows = P._rows(names, snap)
    expected = snap.resources().set_index("name").loc[names].reset_index()  # the plain pandas way
    pd.testing.assert_frame_equal(rows, expected)
    assert list(rows["name"]) == names


def test_a_snapshot_like_object_listing_a_name_twice_gives_both_rows(snap):
    class Twice:  # HAND-MADE stand-in for a Snapshot-like object
        def resources(self):
            frame = snap.resources()
            return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)

    _, rows = P._rows([snap.names()[0]], Twice())
    assert len(rows) == 2 and rows.columns[0] == "name"


def test_source_caption_single_and_shared_licence(snap):
    assert P.source_caption(["hand_made_jobs"], snap) == (
        "Source: Test Publisher A (hand-made fixture), table fixture_table_a, CC BY 4.0"
    )
    # both resources have exactly the one licence CC-BY-4.0: written once at the end
    assert P.source_caption(["hand_made_jobs", "hand_made_rates"], snap) == (
        "Source: Test Publisher A (hand-made fixture), table fixture_table_a; "
        "Test Publisher B (hand-made fixture), table t_1#x|y; CC BY 4.0"
    )


def test_source_caption_does_not_extend_a_licence_to_an_unlicensed_source(snap):
    cap = P.source_caption(["hand_made_jobs", "hand_made_map_note"], snap)
    # the map note has no licence of its own: each line is kept whole
    assert cap == (
        "Source: Test Publisher A (hand-made fixture), table fixture_table_a, CC BY 4.0; "
        "Map: Test Publisher C (hand-made fixture), no licence stated. "
        "Regions: Test Publisher A, CC BY 4.0"
    )


# ----------------------------------------------------------------------------- markdown


def _render(md: str) -> str:
    """Render markdown the way the HTML reports do (nbconvert's renderer, which lets raw
    HTML through - see the control assertion in the escaping test)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(md)


def test_provenance_markdown_sections_and_parameters(snap):
    md = P.provenance_markdown(
        ["hand_made_jobs", "hand_made_rates"],
        {"area": "Turku", "year": 2023, "areas": ["019", "853"], "missing": None},
        snap,
    )
    assert md.startswith("## Sources and parameters\n")
    for section in ("### Parameters of this run", "### Data", "### Caveats", "### Attribution"):
        assert section in md
    assert "| Area | Turku |" in md  # parameters named for readers, not snake_case
    assert "| Year | 2023 |" in md
    assert '| Areas | \\["019", "853"\\] |' in md  # codes stay zero-padded strings
    assert "| Missing | null |" in md
    assert "version 0.0.0-fixture" in md
    # sha256 prefix of the pinned file (sha256sum hand_made_jobs.csv: 42a2b240db39...)
    assert "42a2b240db39" in md
    assert "Made-up caveat A" in md
    assert "hand\\_made\\_jobs" not in md  # resource ids are not shown to readers; titles are
    html = _render(md)
    assert "<table>" in html and "Turku" in html


def test_sources_link_to_the_publisher_and_the_licence_and_credit_in_finnish():
    snap = Snapshot()
    md = P.provenance_markdown(["population_municipality_2023"], {"snapshot": None}, snap)
    html = _render(md)
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    entry = snap.resource("population_municipality_2023")
    assert f'href="{entry["sources"][0]["path"]}"' in html
    assert "Lähde: Tilastokeskus" in md and "| Data snapshot | the pinned snapshot |" in md
    caption = P.source_caption(["population_municipality_2023"], snap)
    assert caption.startswith("Source: Statistics Finland")
    assert {link["kind"] for link in caption.links} == {"source", "licence"}
    assert all(link["url"].startswith("https://") for link in caption.links)


def test_provenance_markdown_escapes_parameter_values(snap):
    md = P.provenance_markdown(
        ["hand_made_rates"],
        {"title": "<script>alert(1)</script>", "pattern": "a_b*c|d", "money": "$x$"},
        snap,
    )
    # control: unescaped, the renderer passes a script tag straight through
    assert "<script>" in _render("| a |\n|---|\n| <script>alert(1)</script> |")
    html = _render(md)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # underscores/asterisks are text, not emphasis, and the pipe does not split the cell
    assert "<em>" not in html and "<strong>b" not in html
    assert "a_b*c|d" in html
    # manifest text is escaped too: the table id t_1#x|y and the <b> in a caveat
    assert "t_1#x|y" in html
    assert "<b>markup</b>" not in html and "&lt;b&gt;markup&lt;/b&gt;" in html
    assert "\\$x\\$" in md


def test_escape_markdown_examples():
    assert display.escape_markdown("<script>") == "&lt;script&gt;"
    assert display.escape_markdown("a_b") == "a\\_b"
    assert display.escape_markdown("line1\nline2") == "line1 line2"
    assert display.escape_markdown("Pöytyä & Åbo") == "Pöytyä &amp; Åbo"


def test_provenance_markdown_validates_params(snap):
    with pytest.raises(TypeError, match="params must be a dict"):
        P.provenance_markdown(["hand_made_jobs"], ["area", "Turku"], snap)  # not pairs
    with pytest.raises(TypeError, match="params keys must be parameter names"):
        P.provenance_markdown(["hand_made_jobs"], {1: "x"}, snap)
    with pytest.raises(TypeError, match="list of \\(label, value\\) strings"):
        P.provenance_markdown(["hand_made_jobs"], [("Area", 853)], snap)
    md = P.provenance_markdown(["hand_made_jobs"], {}, snap)
    assert "This workbook has no parameters." in md


def test_parameters_already_labelled_for_readers_are_shown_as_given(snap):
    md = P.provenance_markdown(["hand_made_jobs"], [("Area", "Varsinais-Suomi (MK02)"),
                                                     ("Compared with", "Whole country")], snap)
    assert "| Area | Varsinais-Suomi (MK02) |" in md and "| Compared with | Whole country |" in md
    assert "SSS" not in md and "Koko maa" not in md


# ----------------------------------------------------------------------------- key figures


def test_json_safe_converts_numpy_and_missing():
    out = keyfigures.json_safe(
        {"a": np.int64(3), "b": np.float32(0.5), "c": float("nan"), "d": pd.NA,
         "e": np.bool_(True), "f": [np.int16(1), None], "g": pd.Timestamp("2023-12-31"),
         "h": pd.Series([1.0, np.nan], index=["x", "y"])}
    )
    assert out == {"a": 3, "b": 0.5, "c": None, "d": None, "e": True, "f": [1, None],
                   "g": "2023-12-31T00:00:00", "h": {"x": 1.0, "y": None}}
    assert type(out["a"]) is int and type(out["b"]) is float
    json.dumps(out, allow_nan=False)  # strict JSON


def test_json_safe_rejects_infinity_and_objects():
    with pytest.raises(ValueError, match=r"value\['x'\] is infinite"):
        keyfigures.json_safe({"x": np.inf})
    with pytest.raises(TypeError, match=r"value\['y'\] has type object"):
        keyfigures.json_safe({"y": object()})


def test_a_caveat_names_other_files_by_their_titles_and_columns_as_code():
    """The manifest's caveats are written for the data's users: "see sotkanet_values", "the
    rate unemployed / labour_force". A reader's page names the file by its title and shows
    the column (of the data files) as code; publishers' identifiers and other words stay."""
    snap = Snapshot()
    names = P._internal_names(snap)
    text = P._reader_caveat("equal indicator 127 (see sotkanet_values); unemployed / labour_force is TEM's; "
                            "tyottomat + muut_tyovoiman_ulkopuolella; table tkke_2008_tau_004; a*b <b>", names)
    title = snap.resource("sotkanet_values")["title"]
    assert f"(see '{display.escape_markdown(title)}')" in text
    assert "unemployed / `labour_force` is TEM's" in text
    assert "`muut_tyovoiman_ulkopuolella`" in text  # a code listed in a column's schema
    assert "tkke\\_2008\\_tau\\_004" in text  # the publisher's table id: as written, escaped
    assert text.endswith("a\\*b &lt;b&gt;")


def test_the_sources_section_shows_no_internal_name_of_the_snapshot_as_a_word():
    md = P.provenance_markdown(["tem_jobseekers_monthly_2006_2023", "population_municipality_2023"], {}, Snapshot())
    caveats = md[md.index("## Caveats"):md.index("## Attribution")]
    assert "`labour_force`" in caveats and " labour\\_force" not in caveats


def test_a_file_with_several_caveats_is_named_once_with_its_caveats_under_it():
    """A report's caveats list names each file once: a file with one caveat on one line, a file
    with several as its title with the caveats as a list under it (the ICT cluster's 45
    caveats repeated 12 long titles up to 7 times each, at 400 px mostly two lines each)."""
    snap = Snapshot()
    md = P.provenance_markdown(["sotkanet_regions_known", "rd_expenditure_subregion"], {}, snap)
    caveats = md[md.index("## Caveats"):md.index("## Attribution")]
    one, several = (display.escape_markdown(snap.resource(n)["title"])
                    for n in ("sotkanet_regions_known", "rd_expenditure_subregion"))
    assert caveats.count(one) == 1 and caveats.count(several) == 1
    lines = caveats.splitlines()
    assert sum(line.startswith(f"- **{one}**: ") for line in lines) == 1
    at = lines.index(f"- **{several}**")
    under = [line for line in lines[at + 1:] if line.startswith("  - ")]
    assert len(under) == len(snap.resource("rd_expenditure_subregion")["caveats"]) == 3
    assert "Helsinki, Tampere and Oulu" in "".join(under)
    html = _render(caveats)
    assert html.count("<ul>") == 2  # the list and the nested list of the file with several
    assert html.index(several) < html.index("<ul>", html.index("<ul>") + 1) < html.index("Helsinki, Tampere")


def test_a_caveat_that_begins_like_a_list_reads_as_written_under_its_file():
    for caveat, shown in [("1. Figures are provisional.", "1. Figures are provisional."),
                          ("2) Second release.", "2) Second release."), ("- a dash", "- a dash"),
                          ("+ plus", "+ plus"), ("2020 division", "2020 division"), ("1.5 % share", "1.5 % share")]:
        html = _render("- **File**\n  - " + P._literal_line_start(caveat) + "\n  - second\n")
        assert "<ol" not in html and html.count("<ul>") == 2, (caveat, html)
        assert f"<li>{shown}</li>" in html, (caveat, html)


def test_no_caveat_or_period_of_the_pinned_manifest_reads_a_snake_case_name_as_a_word():
    """Every caveat and reference period of data/snapshot, as a report's sources section shows
    it: a name with underscores is either a file's title, a column (as code) or the publisher's
    own table id (tkke_2008_tau_004, as published). Measures, functions and file names the
    schemas do not list are written in words in the manifest (business-sector share, the
    download script's cleaning), since a reader cannot look them up."""
    snap = Snapshot()
    names = P._internal_names(snap)
    published = set()
    for n in snap.resources()["name"]:
        e = P._entry(snap, n)
        ids = " ".join([str(e.get("table_id") or "")] + [str(s.get("title", "")) for s in e.get("sources") or []])
        published.update(m.group(1) for m in P._INTERNAL_NAME.finditer(ids))
    words = []
    for n in snap.resources()["name"]:
        e = P._entry(snap, n)
        for text in [*(e.get("caveats") or []), e.get("reference_period") or ""]:
            shown = re.sub(r"`[^`]*`", "", P._reader_caveat(str(text), names)).replace("\\_", "_")
            words += [(n, m.group(1)) for m in P._INTERNAL_NAME.finditer(shown) if m.group(1) not in published]
    assert words == []
