"""The building-stock sections of the ``carbon_neutrality`` workbook: the heating mix of the
chosen area, its region's municipalities and the 19 regions, compared with Turku and the
whole country (calculations: :mod:`.carbon_heating`)."""

from __future__ import annotations

import pandas as pd

from .. import analysis, display, plotting, provenance
from ..i18n import N_, _
from . import areas, geometry
from . import carbon_heating as heating
from .carbon_emission_sections import table
from .geometry import MUNI_GEOMETRY

fmt = analysis.format_number
#: the fuel maps' titles, whole ({region}: the region whose municipalities are mapped)
MAP_TITLES = {
    "district_heat": N_("District heat's share of the building floor area in {region}'s municipalities, 2019"),
    "oil_gas": N_("Oil and gas's share of the building floor area in {region}'s municipalities, 2019"),
}


def _source(res, *extra: str) -> str:
    return provenance.source_caption([heating.HEATING, *extra], res.snapshot)


def _fuel(f: str) -> str:
    return _(heating.FUEL_LABELS[f])


def _share_columns(frame: pd.DataFrame) -> dict:
    return {_("{fuel}, %").format(fuel=_fuel(f)): frame[f"{f}_pct"].to_numpy(dtype=float) for f in heating.FUELS}


def heating_method(res):
    """How floor area by heating fuel becomes shares, regions and the 2026 division — for this area."""
    reg = res.region
    text = _(
        "**Method.** Statistics Finland publishes the floor area of the building stock on 31.12.2019 by the "
        "building's main heating fuel, for every municipality and the whole country. The fuel classes are "
        "published combined — light and heavy fuel oil and gas are one class, wood and peat one, other and "
        "unknown one — and cannot be split. A share is derived: 100 × the fuel's floor area / the area's total "
        "floor area. “Other or unknown” is kept as its own class and in the total (it is not spread over the "
        "known fuels), so the seven shares add up to 100 %. The heating fuel is the main source recorded in the "
        "building register, not measured energy use or emissions. The table has no region rows: a region's "
        "figures are the sums of its municipalities, placed in the 2026 division (Honkajoki, merged in 2021, "
        "is counted in Kankaanpää; Pertunmaa, which has no documented successor, in Etelä-Savo). The 19 "
        "region sums equal the published whole-country row exactly, for every fuel and building use.")
    moved = heating.moved_note_codes(reg.code)
    if moved:
        names = ", ".join(areas.reader_name(c) for c in moved)
        text += " " + _("Municipalities that changed region on 1.1.2021 are counted in their 2026 region; for "
                        "{region} that concerns {names}.").format(region=areas.reader_name(reg), names=names)
    return display.markdown(text)


def _names(comparison) -> str:
    """"Turku, Varsinais-Suomi and the whole country" (the names as they stand in a title)."""
    names = list(comparison["in_sentence"])
    return names[0] if len(names) == 1 else _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def heating_comparison(res):
    """The area, its region, the comparison area, Turku and the whole country side by side."""
    c = res.comparison
    roles = [_(r) for r in c["role"]]
    out = pd.DataFrame({_("Area"): c["name"].to_numpy(), _("Role"): roles,
                        _("Floor area, m²"): c["total_m2"].astype("int64").to_numpy(), **_share_columns(c)})
    return table(out, name="heating_mix_comparison", decimals=1,
                 title=_("Heating mix of the building stock, 31.12.2019: {names}").format(names=_names(c)),
                 source=_source(res),
                 note=_("Share of the total floor area heated mainly with each fuel, % (derived)."))


def heating_chart(res):
    """The same comparison as 100 % stacked bars."""
    c = res.comparison
    data = pd.DataFrame({_fuel(f): c[f"{f}_pct"].to_numpy(dtype=float) for f in heating.FUELS},
                        index=c["name"].to_numpy())
    return plotting.stacked_bar_chart(
        data, value_label=_("Share of the floor area"), units="%", highlight=areas.reader_name(res.area),
        colours=[heating.FUEL_COLOURS[f] for f in heating.FUELS],
        title=_("Main heating fuel of the building stock, share of floor area 31.12.2019: {names}").format(
            names=_names(c)),
        source=_source(res))


def _map(res, fuel: str):
    gdf = geometry.municipalities(res.snapshot, res.region.code)[["code", "name_fi", "label", "geometry"]]
    gdf = gdf.merge(res.region_units[["code", f"{fuel}_pct"]], on="code", how="left")
    region = areas.reader_name(res.region)
    if fuel in MAP_TITLES:
        title = _(MAP_TITLES[fuel]).format(region=region)
    else:
        title = _("{fuel}'s share of the building floor area in {region}'s municipalities, 2019").format(
            fuel=_fuel(fuel), region=region)
    return plotting.choropleth(
        gdf, f"{fuel}_pct", highlight=res.area.code if res.area.kind == "municipality" else None, decimals=1,
        # i18n: a map legend's title; {fuel} is a heating fuel class ("District heat")
        legend_title=_("{fuel}: share of the floor area, % (31.12.2019)").format(fuel=_fuel(fuel)),
        title=title,
        source=_source(res, MUNI_GEOMETRY))


def district_heat_map(res):
    """The region's municipalities by district heat's share of floor area."""
    return _map(res, "district_heat")


def oil_map(res):
    """The region's municipalities by the oil-and-gas share of floor area."""
    return _map(res, "oil_gas")


def municipalities_table(res):
    """Every unit of the area's region, ranked by the district-heat share (the area marked ◀)."""
    u = res.region_units.sort_values(["district_heat_pct", "name"], ascending=[False, True])
    mark = res.area.code if res.area.kind == "municipality" else None
    # i18n: a municipality that is not in the 2026 division, kept as a unit of its own
    names = [(_("{name} (historical)").format(name=n) if k == "historical" else n) + (" ◀" if c == mark else "")
             for n, c, k in zip(u["name"], u["code"], u["unit_kind"])]
    out = pd.DataFrame({
        _("Code"): u["code"].to_numpy(), _("Municipality"): names,
        _("Floor area, m²"): u["total_m2"].astype("int64").to_numpy(), **_share_columns(u),
        _("Rank by district heat"): u["rank_district_heat_in_region"].astype(int).to_numpy(),
        _("Rank by oil and gas"): u["rank_oil_gas_in_region"].astype(int).to_numpy(),
    })
    return table(out, name="heating_mix_municipalities", decimals=1, plain=(_("Code"),),
                 title=_("Heating mix of the building stock in {region}'s municipalities, 31.12.2019").format(
                     region=areas.reader_name(res.region)),
                 source=_source(res),
                 note=_("Shares of the floor area, % (derived); rank 1 = the largest share in the region."))


def regions_table(res):
    """The 19 regions (sums of their municipalities), ranked by the district-heat share."""
    r = res.regions.sort_values("rank_district_heat")
    names = [n + (" ◀" if c == res.region.code else "") for n, c in zip(r["name"], r.index)]
    out = pd.DataFrame({
        _("Code"): ["MK" + c for c in r.index], _("Region"): names,
        _("Floor area, m²"): r["total_m2"].astype("int64").to_numpy(), **_share_columns(r),
        _("Rank by district heat"): r["rank_district_heat"].astype(int).to_numpy(),
        _("Rank by oil and gas"): r["rank_oil_gas"].astype(int).to_numpy(),
    })
    return table(out, name="heating_mix_regions", decimals=1,
                 title=_("Heating mix of the building stock in Finland's 19 regions, 31.12.2019"),
                 source=_source(res),
                 note=_("A region's figures are the sums of its municipalities (2026 division); shares derived."))


def by_use_table(res):
    """The area's heating mix for each building use."""
    b = res.by_use
    out = pd.DataFrame({_("Building use"): [_(heating.USE_LABELS[u]) for u in b.index],
                        _("Floor area, m²"): b["total_m2"].astype("int64").to_numpy(), **_share_columns(b)})
    return table(out, name="heating_mix_by_building_use", decimals=1,
                 title=_("Heating mix of {name}'s building stock by building use, 31.12.2019").format(
                     name=areas.reader_name(res.area, in_sentence=True)),
                 source=_source(res),
                 note=_("Shares of each use class's floor area, % (derived)."))
