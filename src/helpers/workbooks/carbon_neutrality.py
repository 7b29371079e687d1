"""The ``carbon_neutrality`` workbook: Turku's road to carbon neutrality by 2029, and how a
chosen municipality or region heats its buildings compared with Turku and Finland.

* Turku's 2020 greenhouse-gas inventory by sector and sub-sector, checked against the
  plan's table A-1.4; emissions per inhabitant 1990 → 2020 as the City of Turku states them;
  the 2029 target in the plan's own words and the **required yearly reduction** from 2020
  (derived, with its inputs); what Turku self-reported to CDP-ICLEI, questionnaire by
  questionnaire; the 2017 commissioned CO2-raportti summary as context (not official
  statistics). Calculations in :mod:`.carbon_inventory`.
* For any municipality or region: the heating mix of its building stock (floor area by main
  heating fuel, 31.12.2019), its region's municipalities ranked and mapped, the 19 regions,
  and a comparison with Turku and the whole country. Calculations and sections in
  :mod:`.carbon_heating` and :mod:`.carbon_heating_sections`.

The snapshot has an emissions inventory for Turku only; for every other area the workbook
says so once, names the publisher of municipal inventories (Syke) and shows Turku's
emissions as the reference — it never estimates a figure for the area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import keyfigures, regions
from ..i18n import N_, _
from . import areas
from . import carbon_heating as heating
from . import carbon_inventory as ci
from .carbon_emission_sections import (  # noqa: F401 - the notebook's cells
    cdp_area_table,
    cdp_chart,
    cdp_methods,
    cdp_table,
    co2raportti_area_table,
    co2raportti_table,
    indicators_table,
    inventory_table,
    largest_subsectors,
    per_capita_chart,
    per_capita_table,
    reduction_table,
    sector_check_table,
    statements_table,
    subsector_chart,
    subsector_table,
    target_definition,
)
from .carbon_heating_sections import (  # noqa: F401 - the notebook's cells
    by_use_table,
    district_heat_map,
    heating_chart,
    heating_comparison,
    heating_method,
    municipalities_table,
    oil_map,
    regions_table,
)

# i18n: the unit of greenhouse-gas emissions: tonnes of CO2 equivalent
T_CO2E = N_("t CO2e")
#: the figures a gallery card shows first, in this order (labels translated at use)
HEADLINE = (
    keyfigures.Spec("turku_emissions_2020_t", N_("Turku's greenhouse-gas emissions 2020 (city inventory)"), T_CO2E),
    keyfigures.Spec("turku_per_capita_2020_t", N_("Turku's emissions per inhabitant 2020, as the city states them"),
                    T_CO2E, 1),
    keyfigures.Spec("required_reduction_t_per_year", N_("Required cut per year 2020–2029 (derived, straight line)"),
                    T_CO2E),
    keyfigures.Spec("required_reduction_pct_per_year", N_("Required cut per year 2020–2029 (derived, constant rate)"),
                    "%", 1),
    keyfigures.Spec("district_heat_share_pct", N_("District heat: share of the area's building floor area 2019"),
                    "%", 1),
    keyfigures.Spec("oil_gas_share_pct", N_("Oil and gas: share of the area's building floor area 2019"), "%", 1),
)
_S = keyfigures.Spec
#: readers' labels of the other figures
LABELS = (
    _S("area_code", N_("Area code")), _S("area_name", N_("Area")), _S("area_kind", N_("Kind of area")),
    _S("region", N_("Region of the area")), _S("compare_to", N_("Comparison area")),
    _S("area_has_emissions_inventory", N_("Emissions inventory of the area in the snapshot")),
    _S("turku_emissions_2020_a14_t", N_("Turku's emissions 2020, table A-1.4 (rounded to 100 t)"), T_CO2E),
    _S("turku_per_capita_1990_t", N_("Turku's emissions per inhabitant 1990, as the city states them"), T_CO2E, 1),
    _S("required_reduction_pct_of_2020_per_year", N_("Required cut per year as a share of 2020 (derived, straight "
                                                      "line)"), "%", 1),
    _S("target_level_2029_t", N_("Turku's 2029 target level (derived: 25 % of 2020)"), T_CO2E),
    _S("target_cut_vs_2020_pct", N_("Turku's 2029 target: cut from 2020 (at least)"), "%", 0),
    _S("target_cut_vs_1990_pct", N_("Turku's 2029 target: cut from 1990 (at least)"), "%", 0),
    _S("achieved_cut_vs_1990_by_2020_pct", N_("Turku's cut from 1990 by 2020, as the city states it"), "%", 0),
    _S("implied_cut_vs_2020_from_1990_targets_pct", N_("Cut from 2020 implied by the 1990 figures (derived)"), "%", 1),
    _S("turku_top_subsectors", N_("Turku's three largest sub-sectors 2020")),
    _S("turku_top_subsectors_t", N_("… their emissions"), T_CO2E),
    _S("turku_top3_share_pct", N_("… their share of the total (derived)"), "%", 1),
    _S("turku_buildings_t", N_("Turku 2020: buildings (stationary energy)"), T_CO2E),
    _S("turku_transport_t", N_("Turku 2020: transport"), T_CO2E),
    _S("turku_waste_t", N_("Turku 2020: waste"), T_CO2E),
    _S("turku_ippu_t", N_("Turku 2020: industrial processes and product use"), T_CO2E),
    _S("turku_afolu_t", N_("Turku 2020: agriculture, forestry and land use"), T_CO2E),
    _S("cdp_report_years_turku", N_("CDP questionnaires Turku answered (report years)")),
    _S("floor_area_m2", N_("Building floor area of the area 31.12.2019"), "m²"),
    *(_S(f"{f}_share_pct", label, "%", 1) for f, label in (
        ("electricity", N_("Electricity: share of the area's building floor area 2019")),
        ("ground_heat", N_("Ground heat: share of the area's building floor area 2019")),
        ("wood_peat", N_("Wood and peat: share of the area's building floor area 2019")),
        ("coal", N_("Coal: share of the area's building floor area 2019")),
        ("other_unknown", N_("Other or unknown: share of the area's building floor area 2019")))),
    *(_S(f"{key}_{f}_share_pct", label, "%", 1) for key, f, label in (
        ("turku", "district_heat", N_("Turku: district heat's share of floor area 2019")),
        ("turku", "oil_gas", N_("Turku: oil and gas's share of floor area 2019")),
        ("country", "district_heat", N_("Whole country: district heat's share of floor area 2019")),
        ("country", "oil_gas", N_("Whole country: oil and gas's share of floor area 2019")),
        ("region", "district_heat", N_("The area's region: district heat's share of floor area 2019")),
        ("region", "oil_gas", N_("The area's region: oil and gas's share of floor area 2019")),
        ("compare", "district_heat", N_("Comparison area: district heat's share of floor area 2019")),
        ("compare", "oil_gas", N_("Comparison area: oil and gas's share of floor area 2019")))),
    _S("rank_district_heat_in_region", N_("Rank in its region by district heat's share (1 = largest)")),
    _S("rank_oil_gas_in_region", N_("Rank in its region by oil and gas's share (1 = largest)")),
    _S("units_in_region", N_("Municipalities in its region (with historical units)")),
    _S("rank_district_heat_among_regions", N_("Rank among the 19 regions by district heat's share (1 = largest)")),
    _S("rank_oil_gas_among_regions", N_("Rank among the 19 regions by oil and gas's share (1 = largest)")),
)


def _spec(s: keyfigures.Spec) -> keyfigures.Spec:
    return keyfigures.Spec(s.name, _(s.label), s.unit, s.decimals)


@dataclass
class CarbonNeutrality:
    """Everything the workbook shows for one area (see :func:`compute`)."""

    area: regions.Area
    region: regions.Area | None        # the area's region (a region: itself)
    compare: regions.Area
    inventory: pd.DataFrame
    subsectors: pd.DataFrame
    sector_check: pd.DataFrame
    targets: pd.DataFrame
    target_info: dict
    cdp_turku: pd.DataFrame
    cdp_area: pd.DataFrame | None
    co2_turku: pd.DataFrame
    co2_area: pd.DataFrame | None
    units: pd.DataFrame                 # every unit of the 2026 division with its heating mix
    regions: pd.DataFrame               # the 19 regions' mix
    comparison: pd.DataFrame            # area, its region, comparison area, Turku, whole country
    by_use: pd.DataFrame
    figures: dict = field(default_factory=dict)
    headline: tuple = ()
    labels: tuple = ()
    snapshot: Any = field(default=None, repr=False)

    @property
    def is_turku(self) -> bool:
        return self.area.kind == "municipality" and self.area.code == ci.TURKU_CODE

    @property
    def region_units(self) -> pd.DataFrame:
        return self.units[self.units["region_code"] == self.region.code].reset_index(drop=True)


def _whole(x: float) -> int:
    """A tonne figure rounded half up to a whole tonne."""
    return int(math.floor(float(x) + 0.5))


def _r(x, d: int = 2):
    return None if x is None or pd.isna(x) else round(float(x), d)


def comparison_rows(area, compare, units, country) -> pd.DataFrame:
    """The heating mix of the area, its region, the comparison region (if one is given), Turku and
    the whole country (each once, in that order), with ``role`` and ``area_code`` columns."""
    turku = regions.resolve("KU" + ci.TURKU_CODE)
    wanted = [(area, N_("chosen area"))]
    if area.kind == "municipality":
        wanted.append((regions.region_of(area), N_("its region")))
    if compare.kind == "region":
        wanted.append((compare, N_("comparison area")))
    wanted += [(turku, N_("reference: Turku")),
               (regions.country(), N_("comparison area and reference: whole country") if compare.kind == "country"
                else N_("reference: whole country"))]
    rows, seen = [], set()
    for a, role in wanted:
        if a.statfin_code in seen:
            continue
        seen.add(a.statfin_code)
        row = heating.area_mix(a, units, country)
        rows.append({"area_code": a.statfin_code, "name": areas.reader_name(a),
                     "in_sentence": areas.reader_name(a, in_sentence=True), "role": role, **row.to_dict()})
    return pd.DataFrame(rows)


def compute(params, snapshot) -> CarbonNeutrality:
    """Turku's emissions and target, and the heating mix of ``area`` against ``compare_to``."""
    area = regions.resolve(params["area"])
    compare = regions.resolve(params["compare_to"])
    if area.kind not in ("municipality", "region"):
        raise ValueError(f"area={area.label!r} is a {area.kind}; give a municipality or a region")
    if compare.kind not in ("region", "country"):
        raise ValueError(f"compare_to={compare.label!r} is a {compare.kind}; give a region or the whole country")
    inv = ci.inventory(snapshot)
    targets = snapshot.load(ci.TARGETS)
    check = ci.sector_check(inv, snapshot.load(ci.SECTORS))
    if not check["agrees"].all():
        raise ValueError(f"the inventory rows do not agree with table A-1.4: {check[~check['agrees']]}")
    info = ci.targets_and_reduction(targets, inv)
    cdp, co2 = snapshot.load(ci.CDP), snapshot.load(ci.CO2RAPORTTI)
    own = area.kind == "municipality" and area.code != ci.TURKU_CODE
    cdp_area = ci.cdp_rows(cdp, area.code) if own else None
    co2_area = ci.co2raportti_rows(co2, area.code) if own else None
    long, country = heating.floor_area_long(snapshot)
    res = CarbonNeutrality(
        area=area, region=area if area.kind == "region" else regions.region_of(area), compare=compare,
        inventory=inv, subsectors=ci.subsectors(inv), sector_check=check, targets=targets, target_info=info,
        cdp_turku=ci.cdp_rows(cdp, ci.TURKU_CODE),
        cdp_area=cdp_area if cdp_area is not None and len(cdp_area) else None,
        co2_turku=ci.co2raportti_rows(co2, ci.TURKU_CODE),
        co2_area=co2_area if co2_area is not None and len(co2_area) else None,
        units=heating.unit_mix(long), regions=heating.region_mix(long),
        comparison=comparison_rows(area, compare, long, country), by_use=heating.by_use(area, long, country),
        snapshot=snapshot,
    )
    res.figures = _figures(res)
    res.headline = tuple(_spec(s) for s in HEADLINE)
    res.labels = tuple(_spec(s) for s in LABELS)
    return res


def _figures(res: CarbonNeutrality) -> dict:
    info, red = res.target_info, res.target_info["reduction"]
    sub = res.subsectors
    top = sub.head(3)
    f: dict = {
        "area_code": res.area.statfin_code,
        "area_name": res.area.label,
        "area_kind": res.area.kind,
        "region": res.region.statfin_code + " " + res.region.label,
        "compare_to": res.compare.statfin_code + " " + res.compare.label,
        "area_has_emissions_inventory": res.is_turku,
        "turku_emissions_2020_t": _whole(info["e2020"]),
        "turku_emissions_2020_a14_t": _whole(info["e2020_a14"]),
        "turku_per_capita_2020_t": float(info["per_capita_2020"]["value"]),
        "turku_per_capita_1990_t": float(info["per_capita_1990"]["value"]),
        "required_reduction_t_per_year": _whole(red["linear_t_per_year"]),
        "required_reduction_pct_per_year": _r(red["rate_pct_per_year"]),
        "required_reduction_pct_of_2020_per_year": _r(red["linear_pct_of_base"]),
        "target_level_2029_t": _whole(red["target_level"]),
        "target_cut_vs_2020_pct": red["cut_pct"],
        "target_cut_vs_1990_pct": float(info["cut_vs_1990"]["value"]),
        "achieved_cut_vs_1990_by_2020_pct": float(info["achieved_vs_1990"]["value"]),
        "implied_cut_vs_2020_from_1990_targets_pct": _r(info["implied_cut_vs_2020_pct"]),
        "turku_top_subsectors": [str(s) for s in top["sub_sector"]],
        "turku_top_subsectors_t": [_whole(v) for v in top["t_co2e"]],
        "turku_top3_share_pct": _r(top["share_pct"].sum()),
    }
    for sector in ci.SECTOR_ORDER:
        f[f"turku_{sector}_t"] = _whole(res.inventory.loc[res.inventory["sector_a14"] == sector, "t_co2e"].sum())
    f["cdp_report_years_turku"] = [str(y) for y in sorted(int(y) for y in res.cdp_turku["report_year"].unique())]
    cmp = res.comparison.set_index("area_code")
    own = cmp.loc[res.area.statfin_code]
    f["floor_area_m2"] = int(own["total_m2"])
    for fuel in heating.FUELS:
        f[f"{fuel}_share_pct"] = _r(own[f"{fuel}_pct"])
    for key, code in (("turku", "KU" + ci.TURKU_CODE), ("country", "SSS"), ("region", res.region.statfin_code),
                      ("compare", res.compare.statfin_code)):
        f[f"{key}_district_heat_share_pct"] = _r(cmp.loc[code, "district_heat_pct"])
        f[f"{key}_oil_gas_share_pct"] = _r(cmp.loc[code, "oil_gas_pct"])
    if res.area.kind == "municipality":
        row = res.units.set_index("code").loc[res.area.code]
        f["rank_district_heat_in_region"] = int(row["rank_district_heat_in_region"])
        f["rank_oil_gas_in_region"] = int(row["rank_oil_gas_in_region"])
        f["units_in_region"] = int(len(res.region_units))
    else:
        f["rank_district_heat_among_regions"] = int(res.regions.loc[res.area.code, "rank_district_heat"])
        f["rank_oil_gas_among_regions"] = int(res.regions.loc[res.area.code, "rank_oil_gas"])
    return f


# ----------------------------------------------------------------------------- first sections


def heading(res: CarbonNeutrality):
    """The area's name as the report's first heading."""
    from .. import display

    a = res.area
    if res.is_turku:
        text = _("## Turku ({code}) — carbon neutral by 2029?").format(code=a.statfin_code)
    else:
        text = _("## {name} ({code}) — the heating of its buildings, with Turku's emissions and target as the "
                 "reference").format(name=areas.reader_name(a), code=a.statfin_code)
    return display.markdown(text)


def area_note(res: CarbonNeutrality):
    """Whose emissions the report shows, in one paragraph (and what else the snapshot holds for the area)."""
    from .. import display

    name = areas.reader_name(res.area)
    if res.is_turku:
        return display.markdown(_(
            "The snapshot holds the City of Turku's own greenhouse-gas inventory for 2020, its stated levels "
            "and targets, its reports to CDP-ICLEI and the 2017 report it commissioned: the emission sections "
            "below are Turku's, and the building-stock sections compare Turku with its region and Finland."))
    text = _(
        "The snapshot holds no greenhouse-gas emissions inventory for {name}: municipal and regional "
        "inventories are published by the Finnish Environment Institute (Syke) in its service “Kuntien ja "
        "alueiden kasvihuonekaasupäästöt” (greenhouse-gas emissions of municipalities and regions), which is "
        "not in this snapshot, and no figure is estimated in its place. The emission sections below are "
        "**Turku's**, as the reference; the building-stock sections are {name}'s.").format(name=name)
    if res.co2_area is not None:
        text += " " + _("The snapshot does hold the 2017 summary of a report {name} commissioned (CO2-raportti, "
                        "not official statistics); it is shown in the 2017 section.").format(name=name)
    if res.cdp_area is not None:
        text += " " + _("It also holds what {name} self-reported to CDP-ICLEI, shown in the CDP section."
                        ).format(name=name)
    return display.markdown(text)
