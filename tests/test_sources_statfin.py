"""StatFin PxWeb v1 client and the json-stat2 parser, on real responses (tests/fixtures/statfin)
and against the local replay server."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from replay import (
    STATFIN_ROOT,
    FakeClock,
    ReplayServer,
    fixture_bytes,
    fixture_json,
    html_error_page,
    install_all,
    status_reply,
    synthetic_value,
)

from helpers.sources.statfin import (
    JsonStatError,
    StatFin,
    StatFinError,
    TableMetadata,
    all_values,
    build_query,
    item,
    match,
    parse_jsonstat2,
    top,
)

AREA = "alue_23_20260101"


@pytest.fixture
def meta_11re():
    return TableMetadata.from_json("11re.px", fixture_json("statfin", "11re_metadata.response.json"))


@pytest.fixture
def statfin(server, http):
    return StatFin(server.url + STATFIN_ROOT, http=http)


# =========================================================================== parser, real responses

def test_parse_whole_country_population_11re():
    df = parse_jsonstat2(fixture_json("statfin", "11re_finland_top3.response.json"))
    assert list(df.columns) == [
        AREA, f"{AREA}_label", "ikaryhma_10_20180101", "ikaryhma_10_20180101_label",
        "sukupuoli_9_20180101", "sukupuoli_9_20180101_label", "timeperiod_y", "timeperiod_y_label",
        "contentscode", "contentscode_label", "value", "status",
    ]
    assert df["timeperiod_y"].tolist() == ["2023", "2024", "2025"]
    assert df["value"].tolist() == [5603851.0, 5635971.0, 5652881.0]
    assert set(df[AREA]) == {"SSS"} and set(df[f"{AREA}_label"]) == {"KOKO MAA"}
    assert df["contentscode_label"].iloc[0] == "Väestö 31.12."
    assert df["value"].dtype == np.float64
    assert df["status"].isna().all()
    assert df.attrs["table_id"] == "11re"
    assert df.attrs["updated"] == "2026-04-01T05:00:00Z"
    assert df.attrs["roles"]["geo"] == [AREA]
    assert df.attrs["dimensions"]["ikaryhma_10_20180101"] == "Ikä"


@pytest.mark.parametrize("as_type", [str, bytes])
def test_parse_accepts_text_and_bytes(as_type):
    raw = fixture_bytes("statfin", "11re_three_cities.response.json")
    payload = raw.decode("utf-8") if as_type is str else raw
    df = parse_jsonstat2(payload)
    got = dict(zip(df[f"{AREA}_label"], df["value"]))
    assert got == {"Espoo": 325716.0, "Helsinki": 694392.0, "Vantaa": 252956.0}
    assert df[AREA].tolist() == ["KU049", "KU091", "KU092"]  # codes stay strings with zeros


def test_parse_helsinki_series_matches_sotkanet_figure():
    df = parse_jsonstat2(fixture_bytes("statfin", "11re_helsinki_top5.response.json"))
    series = dict(zip(df["timeperiod_y"], df["value"]))
    assert series["2023"] == 674500.0  # Sotkanet indicator 127, Helsinki 2023 (fixtures/sotkanet)
    assert list(series) == ["2021", "2022", "2023", "2024", "2025"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_parse_matches_pyjstat_on_real_responses():
    pyjstat = pytest.importorskip("pyjstat.pyjstat")
    for name in ("11re_three_cities.response.json", "11re_helsinki_top5.response.json"):
        raw = fixture_bytes("statfin", name).decode("utf-8")
        ours = parse_jsonstat2(raw)
        theirs = pyjstat.Dataset.read(raw).write("dataframe", naming="id")
        assert ours["value"].tolist() == theirs["value"].astype(float).tolist()
        for dim in json.loads(raw)["id"]:
            assert ours[dim].tolist() == theirs[dim].astype(str).tolist()


# =========================================================================== parser, edge cases
# The payloads below are HAND-MADE minimal json-stat2 documents (not data) for parser edge cases.

def _doc(value, status=None, sizes=(2, 2)):
    dims = {
        "alue": {"label": "Alue", "category": {"index": {"KU853": 0, "KU202": 1},
                                               "label": {"KU853": "Turku", "KU202": "Kaarina"}}},
        "vuosi": {"label": "Vuosi", "category": {"index": ["2023", "2024"]}},
    }
    doc = {"version": "2.0", "class": "dataset", "id": ["alue", "vuosi"], "size": list(sizes),
           "dimension": dims, "value": value}
    if status is not None:
        doc["status"] = status
    return doc


def test_missing_cells_are_nan_with_status_kept():
    df = parse_jsonstat2(_doc([1.5, None, "..", "."], status={"1": ".."}))
    assert df["value"].iloc[0] == 1.5
    assert df["value"].iloc[1:].isna().all()
    assert df["status"].tolist()[1:] == ["..", "..", "."]
    assert pd.isna(df["status"].iloc[0])
    # row-major, last dimension fastest; list-form category index; labels default to codes
    assert df[["alue", "vuosi"]].values.tolist() == [["KU853", "2023"], ["KU853", "2024"],
                                                     ["KU202", "2023"], ["KU202", "2024"]]
    assert df["vuosi_label"].tolist() == ["2023", "2024", "2023", "2024"]


def test_sparse_values_and_status_list():
    df = parse_jsonstat2(_doc({"0": 10, "3": 40}, status=["", "..", "..", ""]))
    assert df["value"].tolist()[0] == 10 and df["value"].tolist()[3] == 40
    assert df["value"].isna().tolist() == [False, True, True, False]
    assert df["status"].tolist()[1:3] == ["..", ".."]


@pytest.mark.parametrize(
    "payload, message",
    [
        ('{"version": "2.0", "class": "dataset", "id": ["a"], "size": [1], "dimension": {"a": ', "not valid JSON"),
        ({"class": "collection", "link": {}}, "class 'dataset'"),
        ([1, 2, 3], "expected a json-stat2 object"),
        (_doc([1, 2, 3]), "value has 3 entries but the sizes multiply to 4"),
        ({"class": "dataset", "id": ["a"], "size": [1]}, "lacks 'dimension'"),
    ],
)
def test_bad_payloads_raise_clear_errors(payload, message):
    with pytest.raises(JsonStatError, match=message):
        parse_jsonstat2(payload)


def test_sizes_that_the_body_cannot_hold_are_refused_before_allocating():
    """Issue 13, item 7: a 15 KB body whose size claimed 100,000 x 100,000 cells tried to
    allocate 74.5 GiB. Each of these would allocate gigabytes if the checks came later."""
    small = _synthetic_doc([2, 5])
    huge = dict(small, size=[100_000, 100_000], value={})  # sparse: no value list to compare with
    with pytest.raises(JsonStatError, match=r"claims 10,000,000,000 cells .* at most 2,000,000"):
        parse_jsonstat2(huge)
    # the first dimension is fine, the second claims far more categories than it lists
    lying = dict(small, size=[2, 50_000_000], value={"0": 1})
    with pytest.raises(JsonStatError, match="claims 100,000,000 cells"):
        parse_jsonstat2(lying)
    within = dict(small, size=[2, 900_000], value={"0": 1})  # under the cap, but the categories say 5
    with pytest.raises(JsonStatError, match="category index has 5 entries for size 900000"):
        parse_jsonstat2(within)
    zero = dict(small, size=[0, 10**12], value=[])  # zero cells, one giant dimension
    with pytest.raises(JsonStatError, match="category index has 2 entries for size 0"):
        parse_jsonstat2(zero)
    dense = dict(small, size=[2, 300_000], value=[1, 2, 3])
    with pytest.raises(JsonStatError, match="value has 3 entries but the sizes multiply to 600000"):
        parse_jsonstat2(dense)
    assert len(parse_jsonstat2(small)) == 10  # the control


def _synthetic_doc(sizes):
    """HAND-MADE synthetic json-stat2 of the given shape; values are cell positions."""
    ids = [f"d{k}" for k in range(len(sizes))]
    dims = {i: {"label": i, "category": {"index": {f"{i}_{j}": j for j in range(s)},
                                         "label": {f"{i}_{j}": f"L{j}" for j in range(s)}}}
            for i, s in zip(ids, sizes)}
    n = math.prod(sizes)
    values = list(range(n))
    values[7] = None
    return {"version": "2.0", "class": "dataset", "id": ids, "size": list(sizes),
            "dimension": dims, "value": values, "status": {"7": ".."}}


def test_parse_120000_cells_in_row_major_order():
    # its speed is measured in benchmarks/run.py (section data), never timed here
    raw = json.dumps(_synthetic_doc([309, 4, 1, 97, 1])).encode()  # 119,892 cells
    df = parse_jsonstat2(raw)
    assert len(df) == 309 * 4 * 97
    # spot-check the index arithmetic against the definition of row-major order
    for cell in (0, 1, 96, 97, 12345, len(df) - 1):
        d0, rest = divmod(cell, 4 * 97)
        d1, d3 = divmod(rest, 97)
        row = df.iloc[cell]
        assert (row["d0"], row["d1"], row["d2"], row["d3"]) == (f"d0_{d0}", f"d1_{d1}", "d2_0", f"d3_{d3}")
        if cell != 7:
            assert row["value"] == cell
    assert np.isnan(df["value"].iloc[7]) and df["status"].iloc[7] == ".."


# =========================================================================== metadata and roles

def test_roles_from_real_metadata(meta_11re):
    assert meta_11re.roles() == {"area": AREA, "time": "timeperiod_y", "content": "contentscode"}
    assert meta_11re.variable("ikaryhma").code == "ikaryhma_10_20180101"
    assert meta_11re.variable("Sukupuoli").code == "sukupuoli_9_20180101"
    area = meta_11re.role("area")
    assert len(area.values) == 309 and area.label_of("KU853") == "Turku"
    with pytest.raises(StatFinError, match="no industry variable"):
        meta_11re.role("industry")


def test_roles_of_monthly_table_135z():
    meta = TableMetadata.from_json("135z.px", fixture_json("statfin", "135z_metadata.response.json"))
    assert meta.roles() == {"time": "timeperiod_m", "content": "contentscode"}
    assert meta.role("time").values[-1] == "2026M04"
    assert "tyti-Tyolliset" in meta.role("content").values


def test_roles_with_legacy_variable_names():
    # HAND-MADE metadata in the pre-migration style still used by e.g. tyonv/12ti
    meta = TableMetadata.from_json("12ti.px", {"title": "TEST", "variables": [
        {"code": "Alue", "text": "Alue", "values": ["SSS", "KU853"], "valueTexts": ["KOKO MAA", "Turku"]},
        {"code": "Ammattiryhmä", "text": "Ammattiryhmä", "values": ["SSS", "2512"], "valueTexts": ["x", "y"]},
        {"code": "Kuukausi", "text": "Kuukausi", "values": ["2026M01"], "valueTexts": ["2026M01"], "time": True},
        {"code": "Tiedot", "text": "Tiedot", "values": ["TYOTTOMATLOPUSSA"], "valueTexts": ["x"]},
        {"code": "Toimiala", "text": "Toimiala (TOL 2008)", "values": ["SSS", "62"], "valueTexts": ["x", "y"]},
    ]})
    assert meta.roles() == {"area": "Alue", "time": "Kuukausi", "content": "Tiedot", "industry": "Toimiala"}


def test_unknown_variable_names_the_valid_ones(meta_11re):
    with pytest.raises(StatFinError, match=r"no variable 'ikä_ryhmä'.*ikaryhma_10_20180101 \(Ikä\)"):
        meta_11re.variable("ikä_ryhmä")


# =========================================================================== building queries

def test_role_selection_reproduces_the_recorded_request(meta_11re):
    q = build_query(meta_11re, {"area": ["SSS"], "ikaryhma": "SSS", "sukupuoli": item("SSS"), "time": top(3)})
    assert q.bodies == [fixture_json("statfin", "11re_finland_top3.request.json")]
    assert q.cells == 3
    assert q.selected["timeperiod_y"] == ["2023", "2024", "2025"]


def test_selection_forms(meta_11re):
    q = build_query(meta_11re, {"area": {"match": r"^KU(853|202|019)$"}, "time": {"top": 2},
                                "sukupuoli": "*"})
    assert q.selected[AREA] == ["KU019", "KU202", "KU853"]  # metadata order
    assert q.selected["sukupuoli_9_20180101"] == ["SSS", "1", "2"]
    assert {"code": "sukupuoli_9_20180101", "selection": {"filter": "all", "values": ["*"]}} in q.bodies[0]["query"]
    assert q.cells == 3 * 3 * 2
    # left-out eliminable variables (age) are eliminated by the server: not in the query
    assert "ikaryhma_10_20180101" not in {p["code"] for p in q.bodies[0]["query"]}


def test_bad_value_is_named_with_suggestions(meta_11re):
    with pytest.raises(StatFinError, match=r"no value\(s\) \['KU8530'\].*KU853"):
        build_query(meta_11re, {"area": ["KU8530"], "time": top(1)})
    with pytest.raises(StatFinError, match="no value of alue_23_20260101"):
        build_query(meta_11re, {"area": match("^MK")})


def test_large_query_is_split_below_the_cell_limit(meta_11re):
    q = build_query(meta_11re, {"area": all_values(), "ikaryhma": all_values(), "time": all_values()})
    assert q.cells == 309 * 102 * 54
    assert len(q.bodies) > 1
    chunks = []
    for body in q.bodies:
        parts = {p["code"]: p["selection"]["values"] for p in body["query"]}
        assert all(p["selection"]["filter"] == "item" for p in body["query"])
        assert math.prod(len(v) for v in parts.values()) <= 120_000
        chunks.append({k: set(v) for k, v in parts.items()})
    # together the parts cover every cell exactly once: sizes add up and no two parts overlap
    assert sum(math.prod(len(v) for v in c.values()) for c in chunks) == q.cells
    for i, a in enumerate(chunks):
        for b in chunks[i + 1:]:
            assert any(not (a[k] & b[k]) for k in a)


# =========================================================================== client via replay server

def test_list_folder_and_find_tables(statfin):
    listing = statfin.list_folder("vaerak")
    assert len(listing) == 32 and set(listing["type"]) == {"t"}
    row = listing.set_index("table_id").loc["11re"]
    assert row["text"].startswith("11re -- Väestö iän (1-v.) ja sukupuolen mukaan alueittain")
    hits = statfin.find_tables("vaerak", r"kunnittain")
    assert "11rh" in hits["table_id"].tolist() and "11re" not in hits["table_id"].tolist()


def test_query_whole_country_population_through_the_client(statfin, server):
    df = statfin.query("vaerak/11re", {"area": ["SSS"], "ikaryhma": ["SSS"], "sukupuoli": ["SSS"], "time": top(3)})
    assert dict(zip(df["timeperiod_y"], df["value"])) == {"2023": 5603851.0, "2024": 5635971.0, "2025": 5652881.0}
    assert df.attrs["table_id"] == "11re" and df.attrs["updated"] == "2026-04-01T05:00:00Z"
    assert df.attrs["query"] == [fixture_json("statfin", "11re_finland_top3.request.json")]
    assert df.attrs["variable_roles"]["area"] == AREA
    assert [r.method for r in server.calls("/11re.px")] == ["GET", "POST"]


def test_split_query_is_reassembled_correctly(server, http):
    sf = StatFin(server.url + STATFIN_ROOT, http=http, max_cells=1000)
    meta_json = fixture_json("statfin", "11re_metadata.response.json")
    df = sf.query("11re", {"area": all_values(), "time": top(10)})
    posts = server.calls("/11re.px", "POST")
    assert len(df) == 3090 and len(posts) == 4
    for p in posts:
        body = json.loads(p.body)
        assert math.prod(len(q["selection"]["values"]) for q in body["query"]) <= 1000
    returned = [AREA, "timeperiod_y", "contentscode"]
    for _, row in df.sample(50, random_state=1).iterrows():
        codes = {c: row[c] for c in returned}
        assert row["value"] == synthetic_value(meta_json, codes, returned)
    assert not df.duplicated([AREA, "timeperiod_y"]).any()


def test_legacy_long_table_id_fails_with_the_short_id(statfin, server):
    with pytest.raises(StatFinError, match=r"HTTP 400 for the legacy long table id .*use '11re'"):
        statfin.metadata("vaerak/statfin_vaerak_pxt_11re")
    assert len(server.calls("statfin_vaerak_pxt_11re")) == 1  # a 400 is not retried


def test_html_page_instead_of_data_fails_clearly(statfin, server):
    path = STATFIN_ROOT + "/fi/StatFin/vaerak/11re.px"
    server.inject(path, *[html_error_page(200)] * 4)
    with pytest.raises(Exception, match="HTML page"):
        statfin.metadata("vaerak/11re")


def test_rate_limit_429_during_a_query_recovers(statfin, server, clock):
    server.inject(STATFIN_ROOT + "/fi/StatFin/11re.px", status_reply(429, retry_after="5"))
    meta = statfin.metadata("11re")
    assert meta.title.startswith("Väestö 31.12.")
    assert 5.0 in clock.sleeps


def test_statfin_default_pacing_never_trips_the_servers_limit(tmp_path):
    clock = FakeClock()
    srv = install_all(ReplayServer(clock=clock, rate_limit=(40, 60.0))).start()
    try:
        from helpers.sources.http import HttpClient, RetryPolicy
        from helpers.sources.statfin import RATE_LIMIT

        http = HttpClient(cache=False, clock=clock, rate_limit=RATE_LIMIT, retry=RetryPolicy(max_attempts=1))
        sf = StatFin(srv.url + STATFIN_ROOT, http=http)
        for i in range(45):
            sf.query("11re", {"area": ["KU853"], "time": top(1 + i % 5)})  # metadata GET + POST each
        assert len(srv.requests) == 90 and {r.status for r in srv.requests} == {200}
        assert clock.monotonic() - 1000.0 >= 120.0  # 90 calls at 40 / 60 s need > 2 windows
    finally:
        srv.stop()


def test_bad_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of"):
        StatFin(lang="de")


def test_client_limits_match_the_apis_own_config():
    from helpers.sources.statfin import MAX_CELLS, RATE_LIMIT

    config = fixture_json("statfin", "api_v1_config.response.json")
    assert MAX_CELLS == config["maxCells"] == config["maxValues"]
    assert RATE_LIMIT == (config["maxCalls"], float(config["timeWindow"]))


def test_legacy_json_format_excerpt_is_refused_by_the_json_stat2_parser():
    # the older 'json' response format (columns/data) is not json-stat2: a clear error, not garbage
    with pytest.raises(JsonStatError, match="class 'dataset'"):
        parse_jsonstat2(fixture_bytes("statfin", "115q_occupation2512.response_json_format.EXCERPT.json"))
    body = fixture_json("statfin", "115q_occupation2512.request.json")
    assert body["response"] == {"format": "json-stat2"}
