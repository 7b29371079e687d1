"""Sotkanet REST 1.1 client and parsers, on real responses (tests/fixtures/sotkanet) and
against the local replay server."""

from __future__ import annotations

import numpy as np
import pytest
from replay import (
    HANDMADE_INDICATORS,
    SOTKANET_ROOT,
    fixture_bytes,
    fixture_json,
    status_reply,
)

from helpers.sources.http import HttpClient
from helpers.sources.sotkanet import (
    AmbiguousIndicatorError,
    IndicatorNotFoundError,
    Sotkanet,
    SotkanetError,
    parse_data,
    parse_indicators,
    parse_regions,
    resolve_title,
)


@pytest.fixture
def sotkanet(server, http):
    return Sotkanet(server.url + SOTKANET_ROOT, http=http)


# --------------------------------------------------------------------------- parsers on real data

def test_parse_population_127_turku():
    df = parse_data(fixture_bytes("sotkanet", "json_indicator127_2023_trimmed.json"))
    assert list(df.columns) == ["indicator", "region", "year", "gender", "value", "abs_value"]
    assert [str(t) for t in df.dtypes] == ["int64", "int64", "int64", "str", "float64", "float64"]
    turku = df[df["region"] == 389].iloc[0]
    assert (turku["indicator"], turku["year"], turku["gender"], turku["value"]) == (127, 2023, "total", 201863.0)
    assert df.loc[df["region"] == 46, "value"].item() == 674500.0  # = StatFin 11re Helsinki 2023
    assert df["abs_value"].isna().all()  # indicator 127 has no absValue


def test_parse_rate_indicator_keeps_abs_value():
    df = parse_data(fixture_json("sotkanet", "json_indicator171_2019_2023_trimmed.json"))
    turku = df[df["region"] == 389].set_index("year")
    assert turku.loc[2019, "value"] == 9.3 and turku.loc[2019, "abs_value"] == 17865.0
    assert turku.loc[2023, "value"] == 10.5 and turku.loc[2023, "abs_value"] == 21174.0
    assert len(df) == 10 and sorted(df["year"].unique()) == [2019, 2023]
    df5513 = parse_data(fixture_bytes("sotkanet", "json_indicator5513_2023_trimmed.json").decode())
    assert df5513.loc[df5513["region"] == 389, ["value", "abs_value"]].values.tolist() == [[13.0, 2749.0]]


def test_parse_rows_without_value_or_abs_value():
    # HAND-MADE rows: a suppressed cell can come without a value
    df = parse_data([{"indicator": 5, "region": 389, "year": 2019, "gender": "total"},
                     {"indicator": 5, "region": 20, "year": 2019, "gender": "total", "value": 3.1, "absValue": 10}])
    assert np.isnan(df["value"].iloc[0]) and np.isnan(df["abs_value"].iloc[0])
    assert df["abs_value"].iloc[1] == 10.0


def test_parse_empty_and_bad_payloads():
    empty = parse_data("[]")
    assert list(empty.columns) == ["indicator", "region", "year", "gender", "value", "abs_value"]
    assert len(empty) == 0 and empty["region"].dtype == np.int64
    with pytest.raises(Exception, match="JSON array"):
        parse_data({"error": "x"})
    with pytest.raises(Exception, match="lack"):
        parse_data([{"indicator": 1, "year": 2020}])
    with pytest.raises(Exception, match="not valid JSON"):
        parse_data(fixture_bytes("sotkanet", "json_indicator127_2023_trimmed.json")[:100])


def test_parse_regions_keeps_codes_as_strings():
    reg = parse_regions(fixture_bytes("sotkanet", "regions_trimmed.json")).set_index("region")
    assert reg.loc[389, ["code", "category", "title_fi", "title_sv"]].tolist() == ["853", "KUNTA", "Turku", "Åbo"]
    assert reg.loc[20, "code"] == "049"
    assert reg.loc[489, ["code", "category", "title_en"]].tolist() == ["02", "MAAKUNTA", "Southwest Finland"]
    assert {489, 978, 658} <= set(reg.loc[389, "member_of"])


def test_indicator_metadata_fixture_shape():
    meta = fixture_json("sotkanet", "indicator_186_metadata_as_saved_by_hus-sotkanet.json")
    assert meta["title"]["fi"] == "Kuolleisuus / 100 000 asukasta"
    assert meta["range"] == {"start": 1990, "end": 2024}
    assert meta["organization"]["title"]["fi"] == "Tilastokeskus"


# --------------------------------------------------------------------------- title resolution
# (the indicator list is the HAND-MADE one from tests/replay.py, built from verified id/title pairs)

@pytest.fixture
def indicators():
    return parse_indicators(HANDMADE_INDICATORS)


def test_resolve_exact_titles(indicators):
    assert resolve_title(indicators, "Väestö 31.12.") == 127
    assert resolve_title(indicators, "Toimeentulotukea saaneet 25 - 64-vuotiaat, % vastaavan ikäisestä väestöstä") == 5


def test_unknown_title_lists_near_matches(indicators):
    with pytest.raises(IndicatorNotFoundError, match=r"exact Finnish title 'Väestö 31\.12'.*'Väestö 31\.12\.' \(id 127\)"):
        resolve_title(indicators, "Väestö 31.12")
    # dash / spacing variants are suggested, never silently accepted
    with pytest.raises(IndicatorNotFoundError, match=r"\(id 5\)"):
        resolve_title(indicators, "Toimeentulotukea saaneet 25–64-vuotiaat, % vastaavan ikäisestä väestöstä")
    with pytest.raises(IndicatorNotFoundError, match="no similar title"):
        resolve_title(indicators, "Qwerty zxcv")


def test_ambiguous_title_lists_every_id(indicators):
    with pytest.raises(AmbiguousIndicatorError, match=r"900001 .*900002"):
        resolve_title(indicators, "TEST kaksoisnimi")


# --------------------------------------------------------------------------- client via replay server

def test_indicator_list_is_fetched_once_and_cached(sotkanet, server, http):
    assert sotkanet.resolve_indicator("Väestö 31.12.") == 127
    again = Sotkanet(server.url + SOTKANET_ROOT, http=http)  # a new client, same cache
    assert again.resolve_indicator("Kuolleisuus / 100 000 asukasta") == 186
    assert len(server.calls("/indicators")) == 1


def test_region_codes_by_category(sotkanet):
    kunta = sotkanet.region_codes("KUNTA")
    assert kunta[389] == "853" and kunta[46] == "091" and len(kunta) == 5
    assert sotkanet.region_codes("maakunta") == {488: "01", 489: "02"}
    with pytest.raises(SotkanetError, match=r"unknown Sotkanet region category 'KUNTAA'.*\['KUNTA'"):
        sotkanet.region_codes("KUNTAA")


def test_data_for_turku_through_the_client(sotkanet, server):
    df = sotkanet.data(127, [2023])
    assert df.loc[df["region"] == 389, "value"].item() == 201863.0
    req = server.calls("/json")[0]
    assert req.query == {"indicator": ["127"], "years": ["2023"], "genders": ["total"]}
    assert req.headers["User-Agent"].startswith("turku-workbooks/")


def test_data_with_regions_joins_official_codes(sotkanet):
    df = sotkanet.data_with_regions(171, [2019, 2023], categories=["KUNTA"])
    turku = df[df["region_code"] == "853"].set_index("year")
    assert turku.loc[2023, "value"] == 10.5 and turku.loc[2023, "region_name"] == "Turku"
    assert set(df["region_category"]) == {"KUNTA"}
    with pytest.raises(SotkanetError, match="unknown region categories"):
        sotkanet.data_with_regions(171, [2019], categories=["KUNTA", "PLANEETTA"])


def test_many_years_are_requested_in_chunks(server, http):
    client = Sotkanet(server.url + SOTKANET_ROOT, http=http, years_per_request=2)
    df = client.data(171, [2019, 2020, 2021, 2022, 2023])
    assert [c.query["years"] for c in server.calls("/json")] == [["2019", "2020"], ["2021", "2022"], ["2023"]]
    assert sorted(df["year"].unique()) == [2019, 2023]


def test_bad_arguments_are_named(sotkanet):
    with pytest.raises(ValueError, match="unknown gender"):
        sotkanet.data(127, [2023], genders="both")
    with pytest.raises(ValueError, match="at least one year"):
        sotkanet.data(127, [])


def test_missing_user_agent_gets_403_with_an_explanation(server, tmp_path, clock):
    http = HttpClient(cache_path=tmp_path / "c.sqlite", clock=clock)
    http.session.headers.pop("User-Agent")
    with pytest.raises(SotkanetError, match="403.*User-Agent"):
        Sotkanet(server.url + SOTKANET_ROOT, http=http).regions()


def test_server_error_on_data_is_retried(sotkanet, server, clock):
    server.inject(SOTKANET_ROOT + "/json", status_reply(502), status_reply(503))
    df = sotkanet.data(5513, [2023])
    assert df.loc[df["region"] == 389, "value"].item() == 13.0
    assert clock.sleeps == [1.0, 2.0]
