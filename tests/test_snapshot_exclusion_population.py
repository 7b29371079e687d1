"""The pinned exclusion, population and key-figure resources of the second collection.

Everything is read from the PINNED files through ``helpers.snapshot.Snapshot().load`` (never
from the reference collection). The totals re-checked here are those the collection's
SOURCES.md files name: Finland's official population 31.12. (2000 5 181 115 ... 2022 5 563 970,
2023 5 603 851), the Sotkanet 2013 download's sums, TEM tyonv 12r5's municipal sums, the key
figures' whole-country rows. Cross-resource checks tie independent sources together (TEM 12r5
vs Sotkanet 181, the population series vs three key-figure editions).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import regions
from helpers.snapshot import Snapshot

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "data" / "snapshot"
MINE = {
    "sotkanet_municipal_2019": "exclusion/sotkanet_municipal_2019.csv",
    "sotkanet_indicators_2019": "exclusion/sotkanet_indicators_2019.csv",
    "sotkanet_municipal_1990_2012": "exclusion/sotkanet_municipal_1990_2012.csv",
    "tem_jobseekers_monthly_2006_2023": "exclusion/tem_jobseekers_monthly_2006_2023.csv",
    "tem_ict_occupations_mk02_2006_2023": "exclusion/tem_ict_occupations_mk02_2006_2023.csv",
    "population_municipality_2000_2023": "population/population_municipality_2000_2023.csv",
    "population_postcode_2022": "population/population_postcode_2022.csv",
    "municipal_key_figures_2006_2016": "keyfigures/municipal_key_figures_2006_2016.csv",
    "municipal_key_figures_2018": "keyfigures/municipal_key_figures_2018.csv",
    "municipal_key_figures_2022": "keyfigures/municipal_key_figures_2022.csv",
    "municipal_key_figures_indicators": "keyfigures/municipal_key_figures_indicators.csv",
}
OFFICIAL_POPULATION = {2000: 5181115, 2006: 5276955, 2010: 5375276, 2011: 5401267,
                       2012: 5426674, 2016: 5503297, 2017: 5513130, 2019: 5525292,
                       2020: 5533793, 2021: 5548241, 2022: 5563970, 2023: 5603851}


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return Snapshot(SNAPSHOT_DIR)


@pytest.fixture(scope="module")
def load(snap):
    cache: dict[str, pd.DataFrame] = {}

    def _load(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = snap.load(name)
        return cache[name]
    return _load


# --------------------------------------------------------------------------- provenance
@pytest.mark.parametrize("name", sorted(MINE))
def test_pinned_in_its_folder_with_full_provenance(snap, name):
    entry = snap.resource(name)
    assert entry["path"] == MINE[name]
    for key in ("title", "description", "sources", "licenses", "publisher", "table_id",
                "reference_period", "obtained", "retrieved_at", "attribution", "quality",
                "suitability", "caveats"):
        assert entry.get(key), f"{name}: {key} is empty"
    assert entry["quality"] in {"GREEN", "AMBER", "RED"}
    assert entry["suitability"] in {"GREEN", "AMBER", "RED"}
    assert "CC BY 4.0" in entry["attribution"]
    assert any("github.com" in s["path"] and "commit" in s["title"] for s in entry["sources"])
    assert all(f.get("description") for f in entry["schema"]["fields"])


# ------------------------------------------------------------------ Sotkanet municipal 2019
S19_COUNTS = {"181": 303, "3562": 296, "5": 302, "1275": 143, "453": 305, "3099": 305,
              "3126": 308, "182": 308, "761": 308, "3195": 308, "179": 308, "304": 308,
              "313": 296, "2320": 302, "2343": 250}


def test_sotkanet_2019_counts_codes_and_turku(load):
    df = load("sotkanet_municipal_2019")
    assert len(df) == 4350 and not df.duplicated(["indicator", "area_code"]).any()
    assert df.groupby("indicator")["area_code"].nunique().to_dict() == S19_COUNTS
    assert set(df["area_code"]) == {a.code for a in regions.municipalities()}
    assert df["area_code"].str.fullmatch(r"\d{3}").all() and "019" in set(df["area_code"])
    turku = df[df["area_code"] == "853"].set_index("indicator")
    assert turku.at["181", "value"] == 11.2 and turku.at["181", "abs_value"] == 10580
    assert turku.at["3562", "value"] == 3.2 and turku.at["3562", "abs_value"] == 3011
    assert turku.at["2343", "abs_value"] == 10618
    assert turku.at["2343", "abs_value"] / 192962 * 100 == pytest.approx(5.5, abs=0.05)


def test_sotkanet_2019_suppressed_cells_are_absent_not_zero(load):
    df = load("sotkanet_municipal_2019")
    # 1275: 165 municipalities have no value - they have no row, and no row was made up
    assert (df["indicator"] == "1275").sum() == 143
    assert df["value"].notna().all() and df["value_status"].isna().all()
    # absolute values the download does not give stay missing (never 0)
    assert df.loc[df["indicator"] == "182", "abs_value"].isna().all()
    assert (df.loc[df["indicator"] == "182", "abs_value_status"] == "missing").all()


def test_sotkanet_indicators_2019_agree_with_the_data(load):
    ind = load("sotkanet_indicators_2019").set_index("indicator")
    df = load("sotkanet_municipal_2019")
    assert ind["n_municipalities_with_value"].astype(int).to_dict() == S19_COUNTS
    assert (ind["n_municipalities_with_value"] + ind["n_municipalities_without_value"] == 308).all()
    assert ind.at["181", "title_fi"] == "Työttömät, % työvoimasta"
    assert ind.at["181", "producer"] == "Työ- ja elinkeinoministeriö (TEM)"
    assert ind.at["453", "unit"] == "EUR per inhabitant" and ind.at["304", "unit"] == "per 1 000"
    assert ind.at["1275", "unit"] == "%"
    missing_1275 = set(ind.at["1275", "area_codes_without_value"].split())
    assert len(missing_1275) == 165
    assert missing_1275.isdisjoint(df.loc[df["indicator"] == "1275", "area_code"])


# ----------------------------------------------------------------- Sotkanet 1990-2012
def test_sotkanet_1990_2012_population_totals_and_region_sums(load, snap):
    df = load("sotkanet_municipal_1990_2012")
    assert (SNAPSHOT_DIR / MINE["sotkanet_municipal_1990_2012"]).stat().st_size < 4_000_000
    assert set(df["indicator"]) == {"127", "181", "493", "3071", "3099", "3219"}
    assert not df.duplicated(["indicator", "area_kind", "area_name", "year"]).any()
    m = df[df["area_kind"] == "municipality"]
    assert m["area_code"].str.fullmatch(r"\d{3}").all() and m["area_code"].nunique() == 320
    assert df.loc[df["area_kind"] == "region", "area_code"].str.fullmatch(r"\d{2}").all()
    assert df.loc[df["area_kind"] == "subregion", "area_code"].isna().all()
    pop = m[m["indicator"] == "127"]
    sums = pop.groupby("year")["value"].sum()
    for year in (2010, 2011, 2012):
        assert sums[year] == OFFICIAL_POPULATION[year]
    assert pop.loc[(pop["area_code"] == "853") & (pop["year"] == 2012), "value"].item() == 180225
    vs = pop[pop["region_code"] == "02"]
    assert vs["area_code"].nunique() == 28 and "838" in set(vs["area_code"])  # Tarvasjoki
    region = df[(df["indicator"] == "127") & (df["area_code"] == "02")].set_index("year")["value"]
    vs_sum = vs.groupby("year")["value"].sum()
    for year in range(2007, 2013):
        assert vs_sum[year] == region[year]
    assert region[2012] == 468936
    # the 2013 vintage of 127 agrees with the 2026-division series for the VS total of 2012
    series = load("population_municipality_2000_2023")
    assert series.loc[(series["year"] == 2012) & (series["region_code"] == "02"),
                      "population"].sum() == 468936


def test_sotkanet_1990_2012_titles_are_exact(load):
    df = load("sotkanet_municipal_1990_2012")
    titles = df.drop_duplicates("indicator").set_index("indicator")["title_fi"]
    assert titles["3219"] == ("Koulutuksen ulkopuolelle jääneet 17 - 24-vuotiaat, % "
                              "vastaavanikaisesta väestöstä")
    assert titles["181"] == "Työttömät, % työvoimasta"
    assert titles["127"] == "Väestö 31.12."


# ---------------------------------------------------------------------- TEM tyonv 12r5
def test_tem_municipalities_add_up_to_mk02_every_month(load):
    df = load("tem_jobseekers_monthly_2006_2023")
    assert not df.duplicated(["area_code", "month"]).any()
    assert df["month"].min() == "2006-01" and df["month"].max() == "2023-10"
    assert df["month"].nunique() == 214
    ku = df[df["area_kind"] == "municipality"]
    assert set(ku["area_code"]) == {a.statfin_code for a in regions.members("02")}
    mk = df[df["area_code"] == "MK02"].set_index("month")
    sums = ku.groupby("month")[["unemployed", "labour_force"]].sum()
    assert (sums["unemployed"] == mk["unemployed"]).all()
    assert (sums["labour_force"] == mk["labour_force"]).all()
    n = ku.groupby("month")["vacancies"].count()
    vac = ku.groupby("month")["vacancies"].sum()
    full = n[n == 27].index
    assert len(full) == 28 and (vac[full] == mk.loc[full, "vacancies"]).all()
    assert (vac <= mk["vacancies"]).all()


def test_tem_missing_vacancies_stay_missing(load):
    df = load("tem_jobseekers_monthly_2006_2023")
    missing = df[df["vacancies"].isna()]
    assert len(missing) == 905 and (missing["vacancies_status"] == "missing").all()
    assert (df["vacancies"] == 0).sum() == 219  # published zeros stay zeros


def test_tem_turku_and_sotkanet_181_agree(load):
    df = load("tem_jobseekers_monthly_2006_2023")
    turku = df[df["area_code"] == "KU853"].set_index("month")
    assert turku.at["2023-10", "unemployed"] == 11206
    assert turku.at["2023-10", "labour_force"] == 97378
    assert turku.at["2023-10", "area_name"] == "Turku" and turku.at["2023-10", "parent_code"] == "SK023"
    mean_2019 = turku.loc[turku.index.str.startswith("2019"), "unemployed"].mean()
    s19 = load("sotkanet_municipal_2019")
    abs181 = s19.loc[(s19["indicator"] == "181") & (s19["area_code"] == "853"), "abs_value"].item()
    assert round(mean_2019) == abs181 == 10580
    assert turku.at["2019-12", "labour_force"] == 94494
    names = df.drop_duplicates("area_code").set_index("area_code")["area_name"]
    assert names["SK023"] == "Turun seutukunta" and names["MK02"] == "Varsinais-Suomi"
    assert names["KU636"] == "Pöytyä"


def test_tem_ict_totals_equal_12r5(load):
    ict = load("tem_ict_occupations_mk02_2006_2023")
    r5 = load("tem_jobseekers_monthly_2006_2023")
    assert not ict.duplicated(["area_code", "occupation_code", "month"]).any()
    assert set(ict["ict_group"]) == {"133", "25", "35", "total"}
    assert ict["occupation_code"].str.fullmatch(r"\d{4}|SSS").all()
    for area in ("MK02", "SSS"):
        tot = ict[(ict["area_code"] == area) & (ict["occupation_code"] == "SSS")].set_index("month")
        ref = r5[r5["area_code"] == area].set_index("month")
        assert len(tot) == 214
        assert (tot["unemployed"] == ref["unemployed"]).all()
        assert (tot["vacancies"] == ref["vacancies"]).all()
    per_month = ict[ict["occupation_code"] != "SSS"].groupby(["area_code", "month"])["unemployed"].sum()
    total = ict[ict["occupation_code"] == "SSS"].set_index(["area_code", "month"])["unemployed"]
    assert (per_month <= total.reindex(per_month.index)).all()
    empty = ict[ict["unemployed"].isna()]
    assert len(empty) > 0 and (empty["unemployed_status"] == "missing").all()


# --------------------------------------------------------------- population 2000-2023
def test_population_series_national_totals_and_turku(load):
    df = load("population_municipality_2000_2023")
    assert not df.duplicated(["area_code", "year"]).any()
    assert df["area_code"].str.fullmatch(r"\d{3}").all()
    sums = df.groupby("year")["population"].sum()
    for year, total in OFFICIAL_POPULATION.items():
        assert sums[year] == total, year
    turku = df[df["area_code"] == "853"].set_index("year")["population"]
    assert turku.loc[2018:2023].tolist() == [191331, 192962, 194391, 195137, 197900, 201863]
    assert set(df.loc[df["historical"], "area_code"]) == {"588"}
    assert {a.code for a in regions.municipalities()} | {"588"} == set(df["area_code"])
    k = df[df["area_code"] == "214"].set_index("year")["combined_from"]
    assert (k.loc[:2020] == "099+214").all() and k.loc[2021:].isna().all()


def test_population_series_matches_the_pinned_2019_and_2023_lists(load):
    df = load("population_municipality_2000_2023")
    p23 = load("population_municipality_2023").set_index("kunta")["population"]
    s23 = df[df["year"] == 2023].set_index("area_code")["population"]
    assert (s23.sort_index() == p23.sort_index()).all()
    p19 = load("population_municipality_2019").set_index("kunta")["population"]
    s19 = df[df["year"] == 2019].set_index("area_code")["population"]
    other = p19.index.difference(["099", "214"])
    assert (s19[other] == p19[other]).all()
    assert s19["214"] == p19["099"] + p19["214"] == 12906


def test_population_series_agrees_with_the_key_figures(load):
    df = load("population_municipality_2000_2023")
    sums = df.groupby("year")["population"].sum()
    kf = load("municipal_key_figures_2006_2016")
    kf_pop = kf[kf["indicator"] == "population"].groupby("year")["value"].sum()
    for year in range(2006, 2017):  # an independent Statistics Finland product, every year
        assert sums[year] == kf_pop[year], year
    k18 = load("municipal_key_figures_2018")
    assert sums[2017] == k18.loc[(k18["area_kind"] == "country")
                                 & (k18["indicator"] == "population"), "value"].item()
    k22 = load("municipal_key_figures_2022")
    pop22 = k22[k22["indicator"] == "population"]
    assert sums[2021] == pop22.loc[pop22["area_kind"] == "country", "value"].item()
    by_code = pop22[pop22["area_kind"] == "municipality"].set_index("area_code")["value"]
    s21 = df[df["year"] == 2021].set_index("area_code")["population"]
    assert (s21[by_code.index] == by_code).all()  # every municipality, 2021


def test_postcode_population(load):
    df = load("population_postcode_2022")
    assert df["postal_code"].is_unique
    koko = df[df["area_kind"] == "country"]
    assert koko["postal_code"].tolist() == ["KOKO"] and koko["population"].item() == 5563970
    areas = df[df["area_kind"] == "postal_code_area"]
    assert len(areas) == 3026 and areas["postal_code"].str.fullmatch(r"\d{5}").all()
    assert areas["population"].sum() == 5494750
    assert areas.set_index("postal_code").at["20100", "population"] == 29727
    assert "00100" in set(areas["postal_code"])


# --------------------------------------------------------------------- key figures
def test_key_figures_2006_2016(load):
    df = load("municipal_key_figures_2006_2016")
    assert not df.duplicated(["area_code", "indicator", "year"]).any()
    assert df.groupby("year")["area_code"].nunique().eq(311).all()
    assert df["area_code"].str.fullmatch(r"\d{3}").all() and "911" in set(df["area_code"])
    jobs = df[df["indicator"] == "jobs"].groupby("year")["value"].sum()
    assert jobs[2008] == 2377181 and jobs[2016] == 2275679
    turku = df[(df["area_code"] == "853") & (df["indicator"] == "population")].set_index("year")
    assert turku.at[2012, "value"] == 180225 and turku.at[2016, "value"] == 187604
    # figure-years the table lacks have no row (not 0)
    assert not ((df["indicator"] == "jobs_primary_pct") & (df["year"] == 2006)).any()
    assert df["value"].notna().all()


def test_key_figures_2018_totals_and_year_labels(load):
    df = load("municipal_key_figures_2018")
    pop = df[df["indicator"] == "population"]
    munis = pop[pop["area_kind"] == "municipality"]
    assert len(munis) == 311 and munis["value"].sum() == 5513130
    assert pop.loc[pop["area_kind"] == "country", "value"].item() == 5513130
    regions_ = pop[pop["area_kind"] == "region"].set_index("area_code")["value"]
    assert len(regions_) == 19
    assert (munis.groupby("region_code")["value"].sum() == regions_).all()
    assert regions_["02"] == 477677
    assert munis.set_index("area_code").at["853", "value"] == 189669
    assert set(df.loc[df["area_kind"].str.startswith("proposed"), "area_code"].isna()) == {True}
    # unemployment and pensioners are 2016: equal to the 2006-2016 series' 2016 values
    ts = load("municipal_key_figures_2006_2016")
    for ind in ("unemployment_rate_pct", "pensioners_pct"):
        a = df[(df["indicator"] == ind) & (df["area_kind"] == "municipality")]
        assert set(a["year"]) == {2016}
        b = ts[(ts["indicator"] == ind) & (ts["year"] == 2016)].set_index("area_code")["value"]
        common = a.set_index("area_code")["value"].index.intersection(b.index)
        assert len(common) == 311
        assert (a.set_index("area_code")["value"][common] == b[common]).all()
    u = df[df["indicator"] == "unemployment_rate_pct"].set_index("area_code")["value"]
    assert u["853"] == 16.3 and u["02"] == 13.5 and u["SSS"] == 13.5


def test_key_figures_2022_totals_and_region_sums(load):
    df = load("municipal_key_figures_2022")
    m = df[df["area_kind"] == "municipality"]
    c = df[df["area_kind"] == "country"].set_index("indicator")["value"]
    assert m["area_code"].nunique() == 309
    for ind, total in (("population", 5548241), ("jobs", 2284665)):
        assert m.loc[m["indicator"] == ind, "value"].sum() == c[ind] == total
    r = df[df["area_kind"] == "region"]
    for ind in ("population", "jobs", "employed_residents", "household_dwelling_units",
                "families", "excess_of_births", "intermunicipal_net_migration"):
        sums = m[m["indicator"] == ind].groupby("region_code")["value"].sum()
        reg = r[r["indicator"] == ind].set_index("area_code")["value"]
        assert len(reg) == 19 and (sums[reg.index] == reg).all(), ind
    v = df.set_index(["area_code", "indicator"])["value"]
    assert v[("02", "population")] == 483477 and v[("02", "jobs")] == 193786
    assert v[("853", "population")] == 195137 and v[("853", "jobs")] == 98911
    assert v[("853", "unemployment_rate_pct")] == 15.9
    assert v[("445", "population")] > 0 and "Pargas" in set(m["area_name"])
    years = df.drop_duplicates("indicator").set_index("indicator")["year"]
    assert years["population"] == 2021 and years["unemployment_rate_pct"] == 2020


def test_key_figure_ids_are_shared_across_editions(load):
    ind = load("municipal_key_figures_indicators").set_index("indicator")
    editions = {n: set(load(n)["indicator"]) for n in
                ("municipal_key_figures_2006_2016", "municipal_key_figures_2018",
                 "municipal_key_figures_2022")}
    assert editions["municipal_key_figures_2018"] <= editions["municipal_key_figures_2022"]
    assert editions["municipal_key_figures_2006_2016"] == editions["municipal_key_figures_2022"]
    assert set(ind.index) == editions["municipal_key_figures_2022"]
    for needed in ("unemployment_rate_pct", "employment_rate_pct", "jobs", "jobs_primary_pct",
                   "jobs_secondary_pct", "jobs_tertiary_pct", "population",
                   "population_change_pct", "swedish_speakers_pct", "foreign_citizens_pct",
                   "pensioners_pct", "dependency_ratio"):
        assert needed in ind.index
    assert ind.at["unemployment_rate_pct", "label_fi"] == "Työttömien osuus työvoimasta"
    assert ind["definition_en"].notna().sum() == 27
    for name in editions:  # one unit per indicator, the same as the table's
        df = load(name)
        units = df.drop_duplicates("indicator").set_index("indicator")["unit"]
        assert (units == ind.loc[units.index, "unit"]).all()
