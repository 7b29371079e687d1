"""helpers.catalog: the shipped catalog.yaml is valid and consistent with the pinned evidence;
malformed catalogs fail with messages that name the entry and the key."""

from __future__ import annotations

import copy

import pytest
import yaml
from replay import fixture_json

from helpers import catalog, snapshot
from helpers.catalog import CatalogError, UnknownDatasetError, load_catalog, parse_catalog
from helpers.sources.statfin import TableMetadata, build_query


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(catalog.default_path().read_text(encoding="utf-8"))


def test_shipped_catalog_covers_every_live_source(cat):
    assert catalog.default_path().name == "catalog.yaml"
    by_source = {s: [d.name for d in cat.datasets(source=s)] for s in catalog.SOURCES}
    assert {"population_11re", "establishments_industry_region", "establishments_industry_municipality",
            "jobs_industry_region", "ict_occupations_region", "rd_region"} <= set(by_source["statfin"])
    assert len(by_source["sotkanet"]) >= 15
    assert {"municipalities_1000k", "regions_4500k", "wellbeing_counties_4500k"} <= set(by_source["geostat"])
    alyr = cat.get("establishments_industry_region").spec["discover"]
    assert alyr["folder"] == "alyr" and "table" not in cat.get("establishments_industry_region").spec
    assert cat.get("jobs_industry_region").spec["discover"]["folder"] == "tyokay"
    assert cat.get("ict_occupations_region").spec["table"] == "tyokay/115s"
    assert cat.get("rd_region").spec["table"] == "tkke/125t"
    assert cat.get("population_11re").spec["table"] == "vaerak/11re"


def test_every_dataset_has_provenance_and_a_workbook(cat):
    for d in cat:
        assert d.attribution.startswith("Source: "), d.name
        assert d.licence == "CC-BY-4.0" and d.publisher and d.workbooks, d.name
    assert "exclusion_prevention" in {w for d in cat.datasets(source="sotkanet") for w in d.workbooks}
    assert [d.name for d in cat.datasets(workbook="ict_cluster")]


def test_resources_do_not_collide_with_pinned_resources(cat):
    pinned = set(snapshot.Snapshot().names())
    clash = {d.resource for d in cat} & pinned
    # a catalog resource may exist in the snapshot only if the catalog pinned it
    assert all(snapshot.Snapshot().resource(r).get("dataset") for r in clash), clash


def test_verified_sotkanet_titles_are_the_exact_api_titles_in_the_snapshot(cat):
    ind = snapshot.load("sotkanet_indicators")
    exact = set(ind.loc[ind["title_status"] == "exact API title", "title_fi"])
    for d in cat.datasets(source="sotkanet"):
        if d.verified:
            assert d.spec["indicator_title"] in exact, d.name
        else:
            assert d.spec["indicator_title"] not in exact, d.name
    assert cat.get("sotkanet_social_assistance_18_24_long_term").verified
    assert not cat.get("sotkanet_neet_17_24").verified


def test_population_selection_resolves_against_the_real_11re_metadata(cat):
    meta = TableMetadata.from_json("11re.px", fixture_json("statfin", "11re_metadata.response.json"))
    q = build_query(meta, cat.get("population_11re").spec["selection"])
    assert q.cells == 309 * 3 * 54 and len(q.bodies) == 1
    assert q.selected["ikaryhma_10_20180101"] == ["SSS"]
    expect = cat.get("population_11re").spec["expect"]["values"]["area"]
    assert set(expect) <= set(meta.role("area").values)


def test_unknown_dataset_suggests_close_names(cat):
    with pytest.raises(UnknownDatasetError, match=r"unknown dataset 'populaton_11re'.*Did you mean: population_11re"):
        cat.get("populaton_11re")
    with pytest.raises(UnknownDatasetError):
        catalog.get("no_such_dataset_at_all")
    assert catalog.get("sotkanet_gini").resource == "sotkanet_gini"
    assert cat.by_resource("geo_regions_4500k").name == "regions_4500k"


def _broken(raw, name, **changes):
    doc = copy.deepcopy(raw)
    entry = doc["datasets"][name]
    for k, v in changes.items():
        if v is None:
            entry.pop(k, None)
        else:
            entry[k] = v
    return doc


@pytest.mark.parametrize(
    "name, changes, message",
    [
        ("population_11re", {"source": "eurostat"}, r"'population_11re': source 'eurostat' is not one of"),
        ("population_11re", {"title": None}, r"needs a non-empty 'title'"),
        ("population_11re", {"table": "vaerak/statfin_vaerak_pxt_11re"}, r"legacy long id"),
        ("population_11re", {"discover": {"folder": "vaerak", "title_pattern": "x"}}, r"exactly one of 'table' or 'discover'"),
        ("population_11re", {"selection": {"area": 853}}, r"selection of 'area' is 853"),
        ("population_11re", {"selection": {"area": {"match": "("}}}, r"bad regular expression"),
        ("population_11re", {"tabel": "x"}, r"unknown key\(s\) \['tabel'\].*'table'"),
        ("population_11re", {"expect": {"values": {"area": [853]}}}, r"must be quoted strings"),
        ("population_11re", {"workbooks": []}, r"needs 'workbooks'"),
        ("population_11re", {"resource": "Bad-Name"}, r"not a valid snapshot resource name"),
        ("sotkanet_gini", {"indicator_title": " Gini"}, r"exact Finnish title"),
        ("sotkanet_gini", {"region_categories": ["kunta"]}, r"upper case"),
        ("sotkanet_gini", {"years": "recent"}, r"years must be 'all'"),
        ("regions_4500k", {"layer": {"kind": "kunnat"}}, r"layer.kind 'kunnat'"),
        ("regions_4500k", {"layer": {"kind": "maakunta", "scale": "100k"}}, r"layer.scale"),
        ("establishments_industry_region",
         {"discover": {"folder": "alyr", "title_pattern": "x", "require_roles": ["sector"]}}, r"require_roles"),
    ],
)
def test_malformed_entries_are_named(raw, name, changes, message):
    with pytest.raises(CatalogError, match=message):
        parse_catalog(_broken(raw, name, **changes))


def test_duplicate_resources_and_empty_catalogs_are_refused(raw):
    doc = _broken(raw, "sotkanet_gini", resource="sotkanet_unemployed")
    with pytest.raises(CatalogError, match="both pin resource 'sotkanet_unemployed'"):
        parse_catalog(doc)
    with pytest.raises(CatalogError, match="'datasets' mapping"):
        parse_catalog({"version": 1})
    with pytest.raises(CatalogError, match="unsupported catalog version"):
        parse_catalog({**raw, "version": 2})


def test_bad_files_are_reported(tmp_path):
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("datasets: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(bad)
