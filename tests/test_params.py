"""Parameter schema and validation (helpers.params)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import params

ROOT = Path(__file__).resolve().parents[1]

SCHEMA = """
workbooks:
  demo:
    notebook: demo.ipynb
    title: Demo
    description: hand-made schema for tests
    parameters:
      area:
        type: area
        default: MK02
        kinds: [region, municipality]
        description: area
      compare_to:
        type: area
        default: SSS
        kinds: [country, region]
        description: comparison
      start_year:
        type: int
        default: 2019
        min: 2010
        max: 2023
        description: first year
      end_year:
        type: int
        default: 2023
        min: 2010
        max: 2023
        description: last year
      method:
        type: str
        default: zscore
        choices: [zscore, minmax]
        description: index method
      draft:
        type: bool
        default: false
        description: flag
      snapshot:
        type: path
        default: null
        description: snapshot dir
    rules:
      - {rule: less_than, a: start_year, b: end_year}
"""


@pytest.fixture
def schema(tmp_path):
    path = tmp_path / "workbooks.yaml"
    path.write_text(SCHEMA, encoding="utf-8")
    return path


def test_defaults_validate_and_resolve_areas(schema):
    p = params.validate("demo", {}, schema_file=schema)
    assert p.area.statfin_code == "MK02"
    assert p.compare_to.code == "SSS"
    assert p["start_year"] == 2019 and p.end_year == 2023
    assert p.snapshot is None
    assert p.as_strings()["area"] == "MK02 Varsinais-Suomi"


def test_parameters_for_readers_name_areas_as_the_page_does(schema):
    from helpers import i18n

    p = params.validate("demo", {"area": "Pargas"}, schema_file=schema)
    shown = dict(p.for_readers())
    assert shown["Area"] == "Parainen (KU445)" and shown["Compared with"] == "Whole country"
    assert "not set" in shown.values() or "the pinned snapshot" in shown.values()
    try:
        i18n.set_language("sv")
        shown = p.for_readers()
        assert shown[0] == ("Område", "Pargas (KU445)") and shown[1][1] == "Hela landet"
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("lang, shown", [("fi", "ydin (core)"), ("sv", "kärna (core)"), ("en", "core")])
def test_a_choice_is_shown_in_the_readers_words_with_the_value_to_set(lang, shown):
    """The life-science report's parameter table said "Definition: core" on a Finnish page."""
    from helpers import i18n

    p = params.validate("life_science_cluster", {"lang": lang})
    with i18n.using(lang):
        readers = dict(p.for_readers())
    assert readers[params.parameter_label("scope") if lang == "en" else
                   {"fi": "Määritelmä", "sv": "Definition"}[lang]] == shown
    assert p.scope == "core"  # the value itself is unchanged


def test_strings_from_the_command_line_are_coerced(schema):
    p = params.validate("demo", {"area": "Turku", "start_year": "2015", "draft": "yes"}, schema_file=schema)
    assert p.area.statfin_code == "KU853"
    assert p.start_year == 2015 and isinstance(p.start_year, int)
    assert p.draft is True


def test_unknown_name_is_rejected_with_the_closest_valid_one(schema):
    with pytest.raises(params.ParameterError) as err:
        params.validate("demo", {"aera": "MK02"}, schema_file=schema)
    assert "unknown parameter 'aera'" in str(err.value)
    assert "did you mean 'area'" in str(err.value)


def test_every_problem_is_reported_in_one_error(schema):
    with pytest.raises(params.ParameterError) as err:
        params.validate(
            "demo",
            {"area": "Atlantis", "start_year": "twenty", "method": "zscor", "end_year": 1999},
            schema_file=schema,
        )
    msg = str(err.value)
    assert len(err.value.problems) == 4, msg
    assert "'Atlantis'" in msg
    assert "start_year='twenty' is not an integer" in msg
    assert "did you mean 'zscore'" in msg
    assert "end_year=1999 is out of range" in msg and "[2010, 2023]" in msg


def test_wrong_types_are_named(schema):
    with pytest.raises(params.ParameterError, match=r"start_year=2019.5 has type float"):
        params.validate("demo", {"start_year": 2019.5}, schema_file=schema)
    with pytest.raises(params.ParameterError, match=r"area=8.5 has type float"):
        params.validate("demo", {"area": 8.5}, schema_file=schema)
    with pytest.raises(params.ParameterError, match=r"draft='maybe' is not a boolean"):
        params.validate("demo", {"draft": "maybe"}, schema_file=schema)


def test_area_kind_is_enforced(schema):
    with pytest.raises(params.ParameterError, match=r"compare_to='Turku' is a municipality"):
        params.validate("demo", {"compare_to": "Turku"}, schema_file=schema)


def test_cross_parameter_rule(schema):
    with pytest.raises(params.ParameterError, match="start_year=2023 must be less than end_year=2020"):
        params.validate("demo", {"start_year": 2023, "end_year": 2020}, schema_file=schema)


def test_snapshot_path_must_hold_a_manifest(schema, tmp_path):
    with pytest.raises(params.ParameterError, match="not a snapshot directory"):
        params.validate("demo", {"snapshot": str(tmp_path)}, schema_file=schema)
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": []}))
    p = params.validate("demo", {"snapshot": str(tmp_path)}, schema_file=schema)
    assert p.snapshot == tmp_path
    assert p.as_strings()["snapshot"] == tmp_path.name  # never the absolute path


def test_unknown_workbook_suggests(schema):
    with pytest.raises(params.UnknownWorkbookError, match="did you mean: demo"):
        params.validate("dem", {}, schema_file=schema)


def test_papermill_injected_unknown_name_is_caught():
    # the kernel's In history as papermill leaves it: parameters cell, then injected cell
    ns = {
        "In": ["", "snapshot = None", '# Parameters\nsnapshot = None\nsnapshott = "x"\n'],
        "snapshot": None,
        "snapshott": "x",
    }
    with pytest.raises(params.ParameterError, match="unknown parameter 'snapshott'"):
        params.validate_notebook("data_overview", ns)


def test_validate_notebook_without_papermill_uses_namespace():
    ns = {"In": ["", "snapshot = None"], "snapshot": None, "pd": object()}
    assert params.validate_notebook("data_overview", ns).snapshot is None


def _parameters_cell_defaults(nb_path: Path) -> dict:
    import papermill as pm

    return {name: info["default"] for name, info in pm.inspect_notebook(str(nb_path)).items()}


@pytest.mark.parametrize("name", sorted(params.workbooks()))
def test_notebook_parameters_cell_matches_schema(name):
    book = params.get_workbook(name)
    nb_path = ROOT / "notebooks" / book.notebook
    assert nb_path.exists(), f"schema names {book.notebook} but notebooks/ has no such file"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", []), "first code cell must be tagged parameters"
    cell = _parameters_cell_defaults(nb_path)
    assert sorted(cell) == sorted(book.names)
    for p in book.parameters:
        assert eval(cell[p.name]) == p.default, p.name  # defaults are literals in the cell


def test_a_number_given_for_an_area_is_read_as_its_code(schema):
    # papermill -p area 853 and an unquoted YAML value arrive as ints
    assert params.validate("demo", {"area": 853}, schema_file=schema)["area"].name_fi == "Turku"
    assert params.validate("demo", {"area": 2}, schema_file=schema)["area"].code == "02"


def test_a_merged_municipality_is_taken_as_its_successor_with_a_note(schema):
    v = params.validate("demo", {"area": "Valtimo"}, schema_file=schema)
    assert v["area"].name_fi == "Nurmes"
    assert v.notes == ["Valtimo (KU911) is a former municipality that merged into Nurmes (KU541); "
                       "this report shows Nurmes."]
    with pytest.raises(params.ParameterError, match="Pertunmaa .*no successor is recorded"):
        params.validate("demo", {"area": "Pertunmaa"}, schema_file=schema)


def test_a_huge_bad_value_is_not_echoed_in_full(schema):
    with pytest.raises(params.ParameterError) as exc:
        params.validate("demo", {"area": "x" * 100_000}, schema_file=schema)
    assert len(str(exc.value)) < 2_000 and "100,000 characters" in str(exc.value)


def test_parameter_errors_render_as_one_message_in_ipython(schema):
    with pytest.raises(params.ParameterError) as exc:
        params.validate("demo", {"area": "Atlantis"}, schema_file=schema)
    lines = exc.value._render_traceback_()
    assert len(lines) == 1 and lines[0].startswith("ParameterError: invalid parameters") and "Atlantis" in lines[0]


def test_a_typo_in_the_parameters_cell_is_caught_and_a_fixed_rerun_clears_it():
    history = ["", 'area = "MK02"  # region\ncompare_to = "SSS"\nsnapshot = None',
               "from helpers import notebook", 'aera = "Turku"\ncompare_to = "SSS"\nsnapshot = None']
    ns = {"In": history, "area": "MK02", "aera": "Turku", "compare_to": "SSS", "snapshot": None}
    with pytest.raises(params.ParameterError, match="unknown parameter 'aera' — did you mean 'area'"):
        params.validate_notebook("region_profile", ns)
    ns["In"] = history + ['area = "Turku"\ncompare_to = "SSS"\nsnapshot = None']
    assert params.validate_notebook("region_profile", ns)["area"].code == "02"  # ns area is still MK02


def test_an_edited_schema_is_read_again(schema):
    """The parsed schema is memoised (a kernel zygote parses it once for its kernels), by the
    file's modification time and size: an edit is never missed."""
    assert params.get_workbook("demo", schema).title == "Demo"
    assert params.workbooks(schema) is not params.workbooks(schema)  # callers get their own dict
    before = schema.stat().st_mtime_ns
    schema.write_text(SCHEMA.replace("title: Demo", "title: Demo, edited"), encoding="utf-8")
    os.utime(schema, ns=(before + 10**9, before + 10**9))
    assert params.get_workbook("demo", schema).title == "Demo, edited"
