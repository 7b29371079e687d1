"""geo.stat.fi WFS client and feature parser, on the real 2019 capture and via the replay server."""

from __future__ import annotations

import json

import pytest
from replay import (
    WFS_PATH,
    ReplayServer,
    fixture_bytes,
    install_geostat,
)

from helpers.sources.geostat import GeoStat, GeoStatError, layer_name, parse_features

GML = "getfeature_kunta4500k_2019_gml2_TRUNCATED_first6features.xml"
GEOJSON = "getfeature_kunta4500k_2019_first6.DERIVED.geojson"
CODES = ["005", "009", "010", "016", "018", "019"]


def test_parse_real_gml_capture_keeps_codes_as_strings():
    gdf = parse_features(fixture_bytes("geostat", GML))
    assert gdf.crs.to_epsg() == 3067
    assert gdf["kunta"].tolist() == CODES
    assert gdf.loc[gdf["kunta"] == "019", "nimi"].item() == "Aura"
    assert set(gdf["vuosi"]) == {2019}
    assert gdf.geometry.is_valid.all() and set(gdf.geom_type) == {"MultiPolygon"}


def test_parse_geojson_equals_the_gml_it_was_derived_from():
    gml = parse_features(fixture_bytes("geostat", GML)).set_index("kunta")
    gj = parse_features(fixture_bytes("geostat", GEOJSON)).set_index("kunta")
    assert gj.crs.to_epsg() == 3067
    assert gj.index.tolist() == CODES
    assert gj["fid"].tolist()[0] == "kunta4500k_2019.1"
    for code in CODES:
        assert gj.geometry[code].equals_exact(gml.geometry[code], tolerance=1e-6)
    area_km2 = gj.geometry["019"].area / 1e6
    assert 90 < area_km2 < 120  # Aura, a municipality of about 100 km², generalised at 1:4.5M


def test_numeric_codes_are_zero_padded_and_other_crs_reprojected():
    # HAND-MADE GeoJSON: codes as numbers and coordinates in EPSG:4326 (lon/lat of central Turku)
    doc = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}},
           "features": [{"type": "Feature", "id": "maakunta4500k_2026.2",
                         "geometry": {"type": "Point", "coordinates": [22.27, 60.45]},
                         "properties": {"maakunta": 2, "vuosi": 2026, "nimi": "Varsinais-Suomi"}}]}
    gdf = parse_features(json.dumps(doc))
    assert gdf["maakunta"].tolist() == ["02"]
    assert gdf.crs.to_epsg() == 3067
    x, y = gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y
    assert 230_000 < x < 250_000 and 6_700_000 < y < 6_720_000


def test_layer_names():
    assert layer_name("kunta", 2026, "1000k") == "tilastointialueet:kunta1000k_2026"
    assert layer_name("hyvinvointialue", 2025) == "tilastointialueet:hyvinvointialue4500k_2025"
    assert layer_name("maakunta", None) == "tilastointialueet:maakunta4500k"
    with pytest.raises(ValueError, match="unknown area kind 'kunnat'"):
        layer_name("kunnat", 2026)
    with pytest.raises(ValueError, match="unknown scale"):
        layer_name("kunta", 2026, "100k")


def test_get_features_through_the_client(server, http):
    gdf = GeoStat(server.url + WFS_PATH, http=http).areas("kunta", 2019, "4500k")
    assert gdf["kunta"].tolist() == CODES and gdf.crs.to_epsg() == 3067
    q = server.calls(WFS_PATH)[0].query
    assert q["typeNames"] == ["tilastointialueet:kunta4500k_2019"]
    assert q["outputFormat"] == ["application/json"] and q["srsName"] == ["EPSG:3067"]
    assert q["version"] == ["2.0.0"] and q["request"] == ["GetFeature"]
    assert gdf.attrs["layer"] == "tilastointialueet:kunta4500k_2019" and gdf.attrs["year"] == 2019


def test_unknown_layer_exception_report_is_clear_and_not_cached(server, http):
    client = GeoStat(server.url + WFS_PATH, http=http)
    for _ in range(2):
        with pytest.raises(GeoStatError, match="Feature type tilastointialueet:kunta4500k_2031 unknown"):
            client.areas("kunta", 2031)
    assert len(server.calls(WFS_PATH)) == 2  # the 200-with-exception answer was not cached


def test_latest_year_falls_back_to_an_earlier_layer(server, http):
    gdf = GeoStat(server.url + WFS_PATH, http=http).areas("kunta", 2021, fallback_years=3)
    assert gdf.attrs["year"] == 2019
    asked = [c.query["typeNames"][0] for c in server.calls(WFS_PATH)]
    assert asked == [f"tilastointialueet:kunta4500k_{y}" for y in (2021, 2020, 2019)]


def test_exception_report_with_http_400(clock, http):
    srv = install_geostat(ReplayServer(clock=clock), unknown_status=400).start()
    try:
        with pytest.raises(GeoStatError, match=r"HTTP 400: Feature type .* unknown"):
            GeoStat(srv.url + WFS_PATH, http=http).areas("maakunta", 2030)
    finally:
        srv.stop()


def test_describe_feature_type_of_both_real_vintages():
    from helpers.sources.geostat import parse_feature_type

    f2019 = parse_feature_type(fixture_bytes("geostat", "describefeaturetype_kunta4500k_2019.xml"))
    assert f2019 == [("geom", "gml:MultiPolygonPropertyType"), ("kunta", "xsd:string"), ("vuosi", "xsd:long"),
                     ("nimi", "xsd:string"), ("namn", "xsd:string"), ("name", "xsd:string")]
    f2016 = dict(parse_feature_type(fixture_bytes("geostat", "describefeaturetype_kunta4500k_2016.xml")))
    assert f2016["kunta"] == "xsd:string" and f2016["vuosi"] == "xsd:decimal"
    names2016 = [n for n, _ in parse_feature_type(fixture_bytes("geostat", "describefeaturetype_kunta4500k_2016.xml"))]
    assert names2016.index("vuosi") < names2016.index("kunta")  # field order differs between vintages
