"""Tests for helpers.provenance.

The snapshot used here is tests/fixtures/provenance_snapshot/ - a HAND-MADE test fixture
(made-up values and provenance, labelled as such in its datapackage.json and README.md).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

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
    assert "| area | Turku |" in md
    assert "| year | 2023 |" in md
    assert '| areas | \\["019", "853"\\] |' in md  # codes stay zero-padded strings
    assert "| missing | null |" in md
    assert "version 0.0.0-fixture" in md
    # sha256 prefix of the pinned file (sha256sum hand_made_jobs.csv: 42a2b240db39...)
    assert "42a2b240db39" in md
    assert "Made-up caveat A" in md
    html = _render(md)
    assert "<table>" in html and "Turku" in html


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
    assert P.escape_markdown("<script>") == "&lt;script&gt;"
    assert P.escape_markdown("a_b") == "a\\_b"
    assert P.escape_markdown("line1\nline2") == "line1 line2"
    assert P.escape_markdown("Pöytyä & Åbo") == "Pöytyä &amp; Åbo"


def test_provenance_markdown_validates_params(snap):
    with pytest.raises(TypeError, match="params must be a dict"):
        P.provenance_markdown(["hand_made_jobs"], ["area", "Turku"], snap)
    with pytest.raises(TypeError, match="params keys must be parameter names"):
        P.provenance_markdown(["hand_made_jobs"], {1: "x"}, snap)
    md = P.provenance_markdown(["hand_made_jobs"], {}, snap)
    assert "This workbook has no parameters." in md


# ----------------------------------------------------------------------------- key figures


def test_json_safe_converts_numpy_and_missing():
    out = P.json_safe(
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
        P.json_safe({"x": np.inf})
    with pytest.raises(TypeError, match=r"value\['y'\] has type object"):
        P.json_safe({"y": object()})


def test_record_key_figures_outside_ipython_prints_table(capsys):
    safe = P.record_key_figures({"population_2023": np.int64(201863), "share_pct": 41.130553846})
    assert safe == {"population_2023": 201863, "share_pct": 41.130553846}
    printed = capsys.readouterr().out
    assert "Key figures" in printed
    assert "population_2023  201\u202f863" in printed
    assert "share_pct        41.13" in printed


def test_record_key_figures_in_ipython_publishes_both_mimetypes(monkeypatch):
    calls = []

    class _FakeShell:  # stands in for a running IPython
        pass

    import IPython
    import IPython.display

    monkeypatch.setattr(IPython, "get_ipython", lambda: _FakeShell())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: calls.append((obj, raw)))
    P.record_key_figures({"lq": np.float64(1.25), "suppressed": np.nan})
    (obj, raw), = calls
    assert raw is True
    assert obj[P.KEY_FIGURES_MIMETYPE] == {"lq": 1.25, "suppressed": None}
    assert "suppressed  no data" in obj["text/plain"]


def test_record_key_figures_validates():
    with pytest.raises(ValueError, match="non-empty dict"):
        P.record_key_figures({})
    with pytest.raises(TypeError, match="names must be non-empty strings"):
        P.record_key_figures({3: 1})


def _nb_with_outputs(*payloads) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells.append(new_markdown_cell("# hand-made test notebook"))
    for p in payloads:
        cell = new_code_cell("record_key_figures(...)")
        cell.outputs = [
            new_output("stream", name="stdout", text="noise\n"),
            new_output("display_data", data={P.KEY_FIGURES_MIMETYPE: p, "text/plain": "table"}),
        ]
        nb.cells.append(cell)
    return nb


def test_read_key_figures_from_node_and_file(tmp_path):
    nb = _nb_with_outputs({"a": 1, "b": None}, {"c": 2.5})
    assert P.read_key_figures(nb) == {"a": 1, "b": None, "c": 2.5}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    # on disk a +json mimetype is stored as a JSON object and read back as one
    raw = json.loads(path.read_text())
    assert raw["cells"][1]["outputs"][1]["data"][P.KEY_FIGURES_MIMETYPE] == {"a": 1, "b": None}
    assert P.read_key_figures(path) == {"a": 1, "b": None, "c": 2.5}
    assert P.read_key_figures(str(path)) == {"a": 1, "b": None, "c": 2.5}


def test_read_key_figures_conflicts_and_errors(tmp_path):
    with pytest.raises(ValueError, match="'a' is recorded twice with different values"):
        P.read_key_figures(_nb_with_outputs({"a": 1}, {"a": 2}))
    assert P.read_key_figures(_nb_with_outputs({"a": 1}, {"a": 1})) == {"a": 1}
    with pytest.raises(FileNotFoundError, match="no notebook at"):
        P.read_key_figures(tmp_path / "missing.ipynb")
    assert P.read_key_figures(new_notebook()) == {}


@pytest.mark.slow
def test_key_figures_round_trip_through_a_kernel(tmp_path):
    """Execute a two-cell notebook in a real kernel and read the figures back."""
    from nbclient import NotebookClient

    nb = new_notebook()
    nb.cells = [
        new_code_cell(
            "import numpy as np\n"
            "from helpers.provenance import record_key_figures\n"
            "record_key_figures({'n': np.int64(27), 'share': np.float64(41.5), 'gap': np.nan})"
        )
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    data = [o for o in outputs if o.output_type == "display_data"][0]["data"]
    assert data["text/plain"] == "Key figures\n-----------\nn      27\nshare  41.50\ngap    no data"
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    figures = P.read_key_figures(path)
    assert figures == {"n": 27, "share": 41.5, "gap": None}
    assert not any(isinstance(v, float) and math.isnan(v) for v in figures.values())
