"""Turku's greenhouse-gas emissions, for the ``carbon_neutrality`` workbook: the calculations.

Read from five pinned resources (data/snapshot/climate/, see the manifest):

* ``turku_ghg_inventory_2020`` — the City of Turku's 2020 inventory (Figure 3 of its Climate
  City Contract action plan): 22 activity rows, Σ 601 638 t CO2e;
* ``turku_ghg_sectors_2020`` — table A-1.4 of the same plan, by sector and scope, rounded to
  100 t (the unrounded rows must agree with it within the rounding: :func:`sector_check`);
* ``turku_climate_targets`` — what the plan states (base year, levels, targets, scenario),
  one row per statement with its exact quote;
* ``cdp_city_emissions_reported`` — what Finnish cities self-reported to CDP-ICLEI, one row
  per questionnaire × accounting year × reported column; never summed or chained here;
* ``co2raportti_2017`` — the 2017 summaries commissioned by Turku and Paimio (not official
  statistics).

The one derived target figure is :func:`required_reduction`: from the 2020 level to the
level the plan's "at least 75 per cent compared to the level in 2020" allows in 2029, over
the 9 years 2020 → 2029, as a straight line (tonnes per year) and as a constant rate (per
cent per year). Everything else is shown as published.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis
from ..i18n import N_, _

INVENTORY = "turku_ghg_inventory_2020"
SECTORS = "turku_ghg_sectors_2020"
TARGETS = "turku_climate_targets"
CDP = "cdp_city_emissions_reported"
CO2RAPORTTI = "co2raportti_2017"
EMISSION_RESOURCES = (INVENTORY, SECTORS, TARGETS)

TURKU_CODE = "853"
BASE_YEAR = 2020
TARGET_YEAR = 2029
#: table A-1.4 is rounded to 100 t: an unrounded sum agrees when it is within half of that
ROUNDING_T = 50.0

SECTOR_ORDER = ("buildings", "transport", "waste", "ippu", "afolu")
SECTOR_LABELS = {
    "buildings": N_("Buildings (stationary energy)"),
    "transport": N_("Transport"),
    "waste": N_("Waste"),
    "ippu": N_("Industrial processes and product use"),
    "afolu": N_("Agriculture, forestry and land use"),
    "total": N_("Total"),
}
SCOPE_LABELS = {
    "scope1": N_("Scope 1 (direct)"),
    "scope2": N_("Scope 2 (grid-supplied energy)"),
    "scope3": N_("Scope 3"),
    "total": N_("Total of the scopes the city included"),
    "gpc_basic": N_("GPC BASIC total"),
    "gpc_basic_plus": N_("GPC BASIC+ total"),
}
#: the CDP columns in a reader's words (short, for chart labels)
CDP_MEASURES = {
    "total_emissions": N_("total"),
    "scope1_total": N_("scope 1"),
    "scope2_total": N_("scope 2"),
    "scope3_total": N_("scope 3"),
    "gpc_basic_total": N_("GPC BASIC"),
    "gpc_basic_plus_total": N_("GPC BASIC+"),
    "scope1_grid_energy_generation": N_("scope 1, grid-energy generation"),
    "scope1_excl_grid_energy_generation": N_("scope 1 excl. grid-energy generation"),
    "scope2_grid_energy_generation": N_("scope 2, grid-energy generation"),
    "scope2_excl_grid_energy_generation": N_("scope 2 excl. grid-energy generation"),
    "scope3_grid_energy_generation": N_("scope 3, grid-energy generation"),
    "scope3_excl_grid_energy_generation": N_("scope 3 excl. grid-energy generation"),
}
#: what each CDP questionnaire asked (from the manifest's description of the resource)
QUESTIONNAIRES = {
    2016: N_("total city-wide, total scope 1 and total scope 2 emissions; the year given as its last day"),
    2017: N_("total emissions, the scopes included, total scope 1 and total scope 2, protocol, a free comment"),
    2018: N_("scopes 1, 2 and 3 each split into generation of grid-supplied energy and the rest, total "
             "scope 1/2/3, GPC BASIC and BASIC+ totals; no overall total column"),
    2019: N_("the same columns as 2018 (CDP-ICLEI Unified Reporting System), but the Finnish cities filled "
             "only the split columns"),
    2020: N_("'direct' / 'indirect' / 'outside the city boundary' instead of scope 1/2/3, split by "
             "grid-supplied energy generation; totals and GPC BASIC/BASIC+"),
    2021: N_("the same columns as 2020"),
}
#: what a statement of the plan is called when it has no name of its own
STATEMENT = N_("Statement")
#: readers' names of the plan's statements (turku_climate_targets.measure)
STATEMENTS = {
    "carbon_neutrality": N_("Carbon neutrality"),
    "climate_positive": N_("Climate positive"),
    "base_year": N_("Base year"),
    "emission_reduction_vs_1990": N_("Emission reduction from 1990"),
    "emission_reduction_vs_2020": N_("Emission reduction from 2020"),
    "emission_reduction_vs_2019": N_("Emission reduction from 2019"),
    "emission_reduction_vs_2015": N_("Emission reduction from 2015 (mobility)"),
    "emissions_per_capita": N_("Emissions per inhabitant"),
    "emissions_per_capita_scenario": N_("Emissions per inhabitant (scenario)"),
    "scenario_reduction_2020_2029_carbon_neutral_electricity": N_("Scenario cut 2020–2029: carbon-neutral electricity"),
    "scenario_reduction_2020_2029_carbon_neutral_district_heating": N_(
        "Scenario cut 2020–2029: carbon-neutral district heating"),
    "scenario_reduction_2020_2029_fossil_petrol_diesel": N_("Scenario cut 2020–2029: less fossil petrol and diesel"),
    "total_emissions": N_("Total emissions"),
    "renewable_share_district_heat": N_("Renewable share of district heat"),
    "renewable_share_electricity_sold_turku_energia": N_("Renewable share of electricity sold by Turku Energia"),
    "renewable_share_electricity_heat_sold_turku_energia": N_(
        "Renewable share of electricity and heat sold by Turku Energia"),
    "sustainable_modes_share": N_("Share of sustainable modes of transport"),
    "electric_bus_share_foli": N_("Electric buses in the Föli fleet"),
}
#: the indicators of table B-3.1 (targets 2025 and 2030, evaluation 2027)
INDICATORS = {
    "target_ghg_stationary_energy": N_("Emissions from stationary energy"),
    "target_ghg_transport_on_road": N_("Emissions from on-road transport"),
    "target_ghg_waste": N_("Emissions from waste"),
    "target_ghg_ippu": N_("Emissions from industrial processes and product use"),
    "target_ghg_afolu": N_("Emissions from agriculture, forestry and land use"),
    "target_ghg_grid_supplied_energy": N_("Emissions from grid-supplied energy"),
    "target_residual_emissions_vs_2020": N_("Residual emissions, % of the 2020 level"),
}


# ----------------------------------------------------------------------------- the inventory


def inventory(snap) -> pd.DataFrame:
    """The 22 activity rows with ``share_pct`` (derived: 100 × row / Σ rows)."""
    inv = snap.load(INVENTORY).copy()
    unknown = sorted(set(inv["sector_a14"]) - set(SECTOR_ORDER))
    if unknown:
        raise ValueError(f"{INVENTORY}: unknown sectors {unknown}")
    inv["share_pct"] = analysis.share(inv["t_co2e"], float(inv["t_co2e"].sum()))
    return inv.reset_index(drop=True)


def _sum_all_known(values: pd.Series) -> float:
    """Σ when every value is known, else missing (a sub-sector with a missing GWh has no GWh total)."""
    return float(values.sum()) if values.notna().all() else float("nan")


def subsectors(inv: pd.DataFrame) -> pd.DataFrame:
    """One row per sub-sector, largest first: sector_id, sector, sub_sector, t_co2e, gwh (missing
    when a row lacks it), share_pct (derived), rank (1 = largest)."""
    g = inv.groupby(["sector_a14", "sector", "sub_sector"], sort=False)
    out = pd.DataFrame({"t_co2e": g["t_co2e"].sum(), "gwh": g["gwh"].agg(_sum_all_known),
                        "activities": g.size()}).reset_index()
    out = out.rename(columns={"sector_a14": "sector_id"})
    out["share_pct"] = analysis.share(out["t_co2e"], float(inv["t_co2e"].sum()))
    out = out.sort_values("t_co2e", ascending=False, kind="stable").reset_index(drop=True)
    out["rank"] = analysis.rank(out["t_co2e"])
    return out


def sector_check(inv: pd.DataFrame, a14: pd.DataFrame) -> pd.DataFrame:
    """The unrounded rows summed by sector and scope against table A-1.4 (rounded to 100 t).

    One row per A-1.4 cell that has a value or has inventory rows: sector_id, column
    (scope1 / scope2 / scope3 / total), rows_sum, a14, difference (rows_sum − a14) and
    ``agrees`` (|difference| ≤ 50 t). A cell with rows but an empty A-1.4 cell does not agree."""
    inv = inv.assign(col="scope" + inv["scope"].astype(str))
    rows = []
    for sector in (*SECTOR_ORDER, "total"):
        part = inv if sector == "total" else inv[inv["sector_a14"] == sector]
        for col in ("scope1", "scope2", "scope3", "total"):
            cells = part if col == "total" else part[part["col"] == col]
            rows_sum = float(cells["t_co2e"].sum()) if len(cells) else float("nan")
            hit = a14[(a14["sector_id"] == sector) & (a14["scope"] == col)]
            if len(hit) != 1:
                raise ValueError(f"{SECTORS}: expected one cell for {sector} / {col}, found {len(hit)}")
            printed = float(hit["t_co2e"].iloc[0])
            if pd.isna(rows_sum) and pd.isna(printed):
                continue
            diff = rows_sum - printed
            rows.append((sector, col, rows_sum, printed, diff, bool(abs(diff) <= ROUNDING_T)))
    return pd.DataFrame(rows, columns=["sector_id", "column", "rows_sum", "a14", "difference", "agrees"])


# ----------------------------------------------------------------------------- statements and targets


def statement(targets: pd.DataFrame, measure: str, year: int | None = None) -> pd.Series:
    """The one statement of ``measure`` (for ``year``); raises when there is none or several."""
    hit = targets[targets["measure"] == measure]
    if year is not None:
        hit = hit[hit["year"] == year]
    if len(hit) != 1:
        raise ValueError(f"{TARGETS}: expected one statement {measure!r} for {year}, found {len(hit)}")
    return hit.iloc[0]


def required_reduction(base: float, cut_pct: float, years: int) -> dict:
    """The reduction a target of "``cut_pct`` % below ``base`` within ``years`` years" needs.

    Returns base, cut_pct, years, ``target_level`` = base × (1 − cut/100),
    ``linear_t_per_year`` = (base − target) / years (the same tonnes every year),
    ``linear_pct_of_base`` (that amount as % of base) and ``rate_pct_per_year`` — the constant
    yearly cut: 100 × (1 − (target / base)^(1/years)). Derived figures, not the city's."""
    if not years or years <= 0:
        raise ValueError(f"years must be positive; got {years!r}")
    if not 0 < cut_pct < 100:
        raise ValueError(f"cut_pct must be between 0 and 100 (exclusive); got {cut_pct!r}")
    target = base * (1 - cut_pct / 100)
    linear = (base - target) / years
    return {
        "base": float(base),
        "cut_pct": float(cut_pct),
        "years": int(years),
        "target_level": float(target),
        "linear_t_per_year": float(linear),
        "linear_pct_of_base": float(analysis.share(linear, base)),
        "rate_pct_per_year": float(-analysis.cagr(base, target, years)),
    }


def implied_cut_from_base(cut_vs_base_pct: float, achieved_vs_base_pct: float) -> float:
    """The cut from today's level that a target "``cut`` % below the base year" means when
    today is already ``achieved`` % below it: 100 × (1 − (1 − cut) / (1 − achieved))."""
    if not 0 <= achieved_vs_base_pct < 100:
        raise ValueError(f"achieved_vs_base_pct must be 0..100 (exclusive of 100); got {achieved_vs_base_pct!r}")
    return 100 * (1 - (1 - cut_vs_base_pct / 100) / (1 - achieved_vs_base_pct / 100))


def targets_and_reduction(targets: pd.DataFrame, inv: pd.DataFrame) -> dict:
    """The stated inputs and the derived required reduction 2020 → 2029 (see the module docstring)."""
    e2020 = float(inv["t_co2e"].sum())
    totals = targets[(targets["measure"] == "total_emissions") & (targets["year"] == BASE_YEAR)]
    fig3 = totals[totals["page_or_section"].str.contains("Figure 3", regex=False)]
    a14 = totals[totals["page_or_section"].str.contains("A-1.4", regex=False)]
    if len(fig3) != 1 or len(a14) != 1:
        raise ValueError(f"{TARGETS}: expected one Figure 3 and one A-1.4 total for {BASE_YEAR}")
    if float(fig3["value"].iloc[0]) != e2020:
        raise ValueError(f"{INVENTORY}: rows sum to {e2020:,.0f}, the printed total is {fig3['value'].iloc[0]:,.0f}")
    cut2020 = statement(targets, "emission_reduction_vs_2020", TARGET_YEAR)
    cut1990 = statement(targets, "emission_reduction_vs_1990", TARGET_YEAR)
    done1990 = statement(targets, "emission_reduction_vs_1990", BASE_YEAR)
    pc1990 = statement(targets, "emissions_per_capita", 1990)
    pc2020 = statement(targets, "emissions_per_capita", BASE_YEAR)
    pc2029 = statement(targets, "emissions_per_capita_scenario", TARGET_YEAR)
    red = required_reduction(e2020, float(cut2020["value"]), TARGET_YEAR - BASE_YEAR)
    return {
        "e2020": e2020, "e2020_a14": float(a14["value"].iloc[0]),
        "cut_vs_2020": cut2020, "cut_vs_1990": cut1990, "achieved_vs_1990": done1990,
        "per_capita_1990": pc1990, "per_capita_2020": pc2020, "per_capita_2029_scenario": pc2029,
        "reduction": red,
        "implied_cut_vs_2020_pct": implied_cut_from_base(float(cut1990["value"]), float(done1990["value"])),
        "per_capita_change_1990_2020_pct": float(analysis.growth(float(pc1990["value"]), float(pc2020["value"]))),
        "per_capita_scenario_cut_pct": float(-analysis.growth(float(pc2020["value"]), float(pc2029["value"]))),
    }


def statements_table(targets: pd.DataFrame) -> pd.DataFrame:
    """The plan's statements outside table B-3.1 (What, Year, Value as stated, Kind, Quote, Where)."""
    t = targets[~targets["measure"].isin(set(INDICATORS))]
    kinds = {"base": _("base"), "level": _("level"), "target": _("target"), "scenario": _("scenario"),
             "evaluation": _("evaluation")}
    return pd.DataFrame({
        _("What"): [_(STATEMENTS.get(m, STATEMENT)) for m in t["measure"]],
        _("Year"): t["year"].to_numpy(),
        _("Value as stated"): t["value_text"].to_numpy(),
        _("Kind"): [kinds.get(k, k) for k in t["statement_type"]],
        _("In the plan's words"): t["quote"].to_numpy(),
        _("Where in the plan"): t["page_or_section"].to_numpy(),
    })


def indicator_table(targets: pd.DataFrame) -> pd.DataFrame:
    """Table B-3.1: one row per indicator, the 2025 target, the 2027 evaluation and the 2030 target
    as stated (numbers where the table prints one, the words otherwise)."""
    rows = []
    for measure, label in INDICATORS.items():
        part = targets[targets["measure"] == measure].set_index("year")
        if part.empty:
            continue
        stated = [str(part.loc[y, "value_text"]) if y in part.index else "" for y in (2025, 2027, 2030)]
        rows.append((_(label), *stated))
    return pd.DataFrame(rows, columns=[_("Indicator"), _("Target 2025"), _("Evaluation 2027"), _("Target 2030")])


# ----------------------------------------------------------------------------- CDP and CO2-raportti


def cdp_rows(cdp: pd.DataFrame, code: str) -> pd.DataFrame:
    """The CDP rows of one municipality, by questionnaire year, accounting year and column order."""
    order = {m: i for i, m in enumerate(CDP_MEASURES)}
    part = cdp[cdp["municipality_code"] == code].copy()
    part["_order"] = part["measure"].map(order)
    return part.sort_values(["report_year", "accounting_year", "_order"]).drop(columns="_order").reset_index(drop=True)


def method_periods(rows: pd.DataFrame) -> list[dict]:
    """Consecutive questionnaires with the same protocol and method text, as reported:
    ``[{"years": [2016, 2017, 2018], "protocol": …, "comment": …}, …]``."""
    per_year = rows.drop_duplicates("report_year").sort_values("report_year")
    out: list[dict] = []
    for _i, r in per_year.iterrows():
        key = (str(r["protocol"]), str(r["protocol_comment"]))
        if out and (out[-1]["protocol"], out[-1]["comment"]) == key:
            out[-1]["years"].append(int(r["report_year"]))
        else:
            out.append({"years": [int(r["report_year"])], "protocol": key[0], "comment": key[1]})
    return out


def co2raportti_rows(co2: pd.DataFrame, code: str) -> pd.DataFrame:
    """The 2017 summary of one municipality: its sector rows with ``share_of_total_pct``
    (derived: 100 × sector / the printed total), then the printed total and per-capita rows."""
    part = co2[co2["municipality_code"] == code].copy()
    if part.empty:
        return part
    total = part.loc[part["sector_id"] == "total", "value"]
    if len(total) != 1:
        raise ValueError(f"{CO2RAPORTTI}: municipality {code} has {len(total)} total rows")
    sectors = part["sector_id"].isin(["total", "per_capita"])
    part["share_of_total_pct"] = float("nan")
    part.loc[~sectors, "share_of_total_pct"] = analysis.share(part.loc[~sectors, "value"], float(total.iloc[0]))
    return pd.concat([part[~sectors], part[sectors]]).reset_index(drop=True)
