"""The heating mix of the building stock, for the ``carbon_neutrality`` workbook: calculations.

Read from ``buildings_floor_area_by_heating_fuel_2019`` (Statistics Finland, rakke table 116h):
floor area (m²) on 31.12.2019 by the building's main heating fuel × building use, for the
whole country and the 310 municipalities of the 2020 division. The table has no region rows.

Method
------
**Fuel classes** are the table's published, combined classes: district heat, oil and gas,
electricity, ground heat, wood and peat, coal, other or unknown (light and heavy fuel oil and
gas, wood and peat cannot be split).

**Shares** are derived: 100 × the fuel's floor area / the area's total floor area (the
table's "total" class). "Other or unknown" stays a class of its own and stays in the total
— it is not spread over the known fuels — so the seven shares add up to 100 %.

**Units.** Figures are placed in the 2026 division of the area registry
(:mod:`.areas`, as in the population workbook): a municipality that merged later *with a documented successor*
(Honkajoki 099 into Kankaanpää 214 on 1.1.2021) is added to its successor; one *without* a
documented successor (Pertunmaa 588) stays a unit of its own in its region. **Regions** are
the sums of their units; the five municipalities that changed region on 1.1.2021 count in
their 2026 region (:data:`MOVED_2021`). The 19 region sums must equal the table's
whole-country row for every fuel and building use (checked, exactly), and the fuel classes
must add up to the total in every area (checked).
"""

from __future__ import annotations

import pandas as pd

from .. import analysis, regions
from ..i18n import N_
from . import areas

HEATING = "buildings_floor_area_by_heating_fuel_2019"
COUNTRY = "SSS"
FUELS = ("district_heat", "oil_gas", "electricity", "ground_heat", "wood_peat", "coal", "other_unknown")
FUEL_LABELS = {
    "district_heat": N_("District heat"),
    "oil_gas": N_("Oil and gas"),
    "electricity": N_("Electricity"),
    "ground_heat": N_("Ground heat"),
    "wood_peat": N_("Wood and peat"),
    "coal": N_("Coal"),
    "other_unknown": N_("Other or unknown"),
}
#: colours of the fuel classes in charts (Okabe-Ito; grey for other or unknown)
FUEL_COLOURS = {
    "district_heat": "#0072B2", "oil_gas": "#E69F00", "electricity": "#56B4E9", "ground_heat": "#009E73",
    "wood_peat": "#CC79A7", "coal": "#000000", "other_unknown": "#BBBBBB",
}
USES = ("total", "detached_houses", "terraced_houses", "blocks_of_flats", "commercial", "office", "transport",
        "care", "assembly", "education", "industrial", "warehouse", "other")
USE_LABELS = {
    "total": N_("All buildings"),
    "detached_houses": N_("Detached houses"),
    "terraced_houses": N_("Terraced and linked houses"),
    "blocks_of_flats": N_("Blocks of flats"),
    "commercial": N_("Commercial buildings"),
    "office": N_("Office buildings"),
    "transport": N_("Transport buildings"),
    "care": N_("Care buildings"),
    "assembly": N_("Assembly buildings"),
    "education": N_("Educational buildings"),
    "industrial": N_("Industrial buildings"),
    "warehouse": N_("Warehouses"),
    "other": N_("Other buildings"),
}
#: municipalities whose region changed on 1.1.2021: code -> (region in 2020, region in 2026)
MOVED_2021 = {"090": ("10", "12"), "142": ("08", "07"), "152": ("15", "14"), "171": ("10", "11"),
              "291": ("13", "06")}


def floor_area_long(snap) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table placed in the 2026 division (see the module docstring), checked.

    Returns ``(units, country)``: ``units`` one row per unit × fuel × use with ``code``
    (2026 unit), ``region_code``, ``heating_fuel``, ``building_type``, ``floor_area_m2``;
    ``country`` the whole-country rows (heating_fuel, building_type, floor_area_m2)."""
    raw = snap.load(HEATING)
    if raw["floor_area_m2"].isna().any():
        raise ValueError(f"{HEATING}: floor area missing in {int(raw['floor_area_m2'].isna().sum())} rows")
    country = raw[raw["area_code"] == COUNTRY][["heating_fuel", "building_type", "floor_area_m2"]]
    muni = areas.place(raw[raw["area_kind"] == "municipality"])  # an unknown code raises, naming it
    missing = sorted({m.code for m in regions.municipalities()} - set(muni["unit"]))
    if missing:
        raise ValueError(f"{HEATING}: no rows for the 2026 municipalities {missing}")
    units = muni.groupby(["unit", "unit_region", "heating_fuel", "building_type"], as_index=False)["floor_area_m2"]
    units = units.sum().rename(columns={"unit": "code", "unit_region": "region_code"})
    _check(units, country)
    return units, country


def _check(units: pd.DataFrame, country: pd.DataFrame) -> None:
    """Σ units = the whole-country row (every fuel × use); fuels add up to the total everywhere."""
    got = units.groupby(["heating_fuel", "building_type"])["floor_area_m2"].sum()
    want = country.set_index(["heating_fuel", "building_type"])["floor_area_m2"]
    diff = got.reindex(want.index) - want
    if diff.isna().any() or (diff != 0).any():
        raise ValueError(f"{HEATING}: the municipalities do not add up to the whole country: {diff[diff != 0].head()}")
    for name, frame in (("units", units.assign(code=units["code"])), ("country", country.assign(code=COUNTRY))):
        w = frame.pivot_table(index=["code", "building_type"], columns="heating_fuel", values="floor_area_m2",
                              aggfunc="sum")
        off = w[list(FUELS)].sum(axis=1) != w["total"]
        if off.any():
            raise ValueError(f"{HEATING}: fuel classes do not add up to the total ({name}): {list(w.index[off])[:5]}")


def mix(long: pd.DataFrame, keys: list[str], use: str = "total") -> pd.DataFrame:
    """Floor area by fuel (columns ``<fuel>_m2`` and ``total_m2``) and the derived shares
    (``<fuel>_pct``), one row per value of ``keys``, for building use ``use``."""
    part = long[long["building_type"] == use]
    w = part.pivot_table(index=keys, columns="heating_fuel", values="floor_area_m2", aggfunc="sum")
    out = pd.DataFrame(index=w.index)
    out["total_m2"] = w["total"].astype("int64")
    for f in FUELS:
        out[f"{f}_m2"] = w[f].astype("int64")
    for f in FUELS:
        out[f"{f}_pct"] = analysis.share(out[f"{f}_m2"].astype(float), out["total_m2"].astype(float))
    return out


def unit_mix(units: pd.DataFrame) -> pd.DataFrame:
    """Every unit of the 2026 division (309: 308 municipalities + Pertunmaa) with its mix,
    name (as readers of the run's language read it), region and kind, ranked within its region
    by the district-heat and oil shares."""
    out = mix(units, ["code", "region_code"]).reset_index()
    known = {c: regions.resolve(c, allow_historical=True) for c in out["code"]}
    out.insert(1, "name", [areas.reader_name(known[c]) for c in out["code"]])
    out.insert(2, "unit_kind", ["historical" if known[c].historical else "municipality" for c in out["code"]])
    for f in ("district_heat", "oil_gas"):
        out[f"rank_{f}_in_region"] = out.groupby("region_code")[f"{f}_pct"].rank(
            ascending=False, method="min").astype("Int64")
    return out


def region_mix(units: pd.DataFrame) -> pd.DataFrame:
    """The 19 regions (index: 2-digit code) with their mix, name and ranks among the regions."""
    out = mix(units, ["region_code"])
    known = {r.code: r for r in regions.regions()}
    if set(out.index) != set(known):
        raise ValueError(f"region sums cover {sorted(out.index)}, not the 19 regions")
    out.insert(0, "name", [areas.reader_name(known[c]) for c in out.index])
    for f in ("district_heat", "oil_gas"):
        out[f"rank_{f}"] = analysis.rank(out[f"{f}_pct"])
    return out


def country_mix(country: pd.DataFrame, use: str = "total") -> pd.Series:
    """The whole-country row's mix (one row of :func:`mix`)."""
    return mix(country.assign(code=COUNTRY), ["code"], use).iloc[0]


def area_mix(area: regions.Area, units: pd.DataFrame, country: pd.DataFrame, use: str = "total") -> pd.Series:
    """The mix of a municipality (its unit), a region (its units summed) or the whole country."""
    if area.kind == "country":
        return country_mix(country, use)
    key = "code" if area.kind == "municipality" else "region_code"
    part = units[units[key] == area.code]
    if part.empty:
        raise ValueError(f"no building-stock rows for {area}")
    return mix(part.assign(_k=area.code), ["_k"], use).iloc[0]


def by_use(area: regions.Area, units: pd.DataFrame, country: pd.DataFrame) -> pd.DataFrame:
    """The area's mix for every building use (index: use id, in the table's order)."""
    return pd.DataFrame({u: area_mix(area, units, country, u) for u in USES}).T


def moved_note_codes(region_code: str) -> list[str]:
    """The municipalities that moved into or out of ``region_code`` on 1.1.2021."""
    return [c for c, (old, new) in MOVED_2021.items() if region_code in (old, new)]
