"""helpers.keyfigures: the stored form of key figures, their one formatter, reading back."""

from __future__ import annotations

import json

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from helpers import keyfigures as kf

HEAD = [kf.Spec("population_2023", "Population 31.12.2023", "persons"),
        kf.Spec("change_pct", "Change 2019–2023", "%", decimals=2)]


def test_headline_figures_come_first_in_declared_order_whatever_the_dict_order():
    items = kf.entries({"area_code": "02", "change_pct": 2.3871, "population_2023": np.int64(490786)}, HEAD)
    assert [e["name"] for e in items] == ["population_2023", "change_pct", "area_code"]
    assert [e["headline"] for e in items] == [True, True, False]
    assert items[0]["value"] == 490786 and type(items[0]["value"]) is int
    assert items[2]["label"] == "area code"


def test_a_declared_headline_figure_that_was_not_computed_is_an_error():
    with pytest.raises(KeyError, match="population_2023"):
        kf.entries({"change_pct": 1.0}, HEAD)


@pytest.mark.parametrize("value, unit, decimals, lang, text", [
    (490786, "persons", None, "en", "490,786 persons"),
    (2.3871, "%", 2, "en", "2.39 %"),
    (2.3871, "%", 2, "fi", "2,39 %"),
    (0.9700, "", None, "en", "0.97"),
    (1234.5, "", 1, "sv", "1\u202f234,5"),
    (-1.25, "", None, "en", "\u22121.25"),
    (None, "%", None, "en", "no data"),
    (float("nan"), "", None, "fi", "ei tietoa"),
    ([], "", None, "en", "no data"),
    (True, "", None, "en", "yes"),
    (["Turku", "Salo"], "", None, "en", "Turku, Salo"),
    ({"Turku": 5.3, "Salo": 2.6}, "%", 1, "en", "Turku: 5.3 %; Salo: 2.6 %"),
    (12.345, "", None, "en", "12.3"),
])
def test_format_value_reads_like_text_never_json_or_none(value, unit, decimals, lang, text):
    assert kf.format_value(value, unit=unit, decimals=decimals, lang=lang) == text


def test_json_safe_rejects_infinity_and_objects():
    with pytest.raises(ValueError, match="infinite"):
        kf.json_safe(float("inf"))
    with pytest.raises(TypeError, match="object"):
        kf.json_safe(object())
    assert kf.json_safe({"a": np.float64("nan"), "b": (np.int32(2),)}) == {"a": None, "b": [2]}


def _nb(*payloads):
    cells = [new_code_cell("x")]
    cells[0].outputs = [new_output("display_data", data=kf.bundle(p)) for p in payloads]
    return new_notebook(cells=cells)


def test_read_back_keeps_the_order_through_nbformat_key_sorting(tmp_path):
    import nbformat

    items = kf.entries({"z_last": 1, "population_2023": 5, "change_pct": 0.5}, HEAD)
    path = tmp_path / "nb.ipynb"
    nbformat.write(_nb(items), path)  # nbformat sorts object keys when it writes
    assert [e["name"] for e in kf.read(path)] == ["population_2023", "change_pct", "z_last"]
    assert kf.as_dict(kf.read(path)) == {"population_2023": 5, "change_pct": 0.5, "z_last": 1}
    assert "Population 31.12.2023" in "".join(json.loads(path.read_text())["cells"][0]["outputs"][0]["data"]["text/plain"])


def test_read_rejects_conflicts_and_old_formats():
    a = kf.entries({"n": 1})
    b = kf.entries({"n": 2})
    with pytest.raises(ValueError, match="recorded twice"):
        kf.read(_nb(a, b))
    old = new_notebook(cells=[new_code_cell("x")])
    old.cells[0].outputs = [new_output("display_data", data={kf.MIMETYPE: {"n": 1}, "text/plain": "n 1"})]
    with pytest.raises(ValueError, match="format 2"):
        kf.read(old)


def test_text_table_aligns_labels():
    text = kf.text_table(kf.entries({"population_2023": 490786, "change_pct": 2.3871}, HEAD))
    assert text.splitlines()[2:] == ["Population 31.12.2023  490,786 persons", "Change 2019–2023       2.39 %"]


@pytest.mark.slow
def test_key_figures_round_trip_through_a_kernel(tmp_path):
    """Record in a real kernel, write with nbformat, read back: values and order survive."""
    import nbformat
    from nbclient import NotebookClient

    nb = new_notebook(cells=[new_code_cell(
        "import numpy as np\n"
        "from helpers import keyfigures as kf\n"
        "kf.record({'share': np.float64(41.5), 'n': np.int64(27), 'gap': np.nan},\n"
        "          [kf.Spec('n', 'Municipalities'), kf.Spec('share', 'Share', '%', 1)])")])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    data = [o for o in nb.cells[0].outputs if o.output_type == "display_data"][0]["data"]
    assert data["text/plain"] == "Key figures\n-----------\nMunicipalities  27\nShare           41.5 %\ngap             no data"
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    items = kf.read(path)
    assert [(e["name"], e["value"], e["headline"]) for e in items] == [
        ("n", 27, True), ("share", 41.5, True), ("gap", None, False)]
