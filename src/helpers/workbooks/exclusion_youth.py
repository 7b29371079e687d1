"""Context of the ``exclusion_prevention`` workbook: young people (18-24) by main activity
by region at the end of 2016 (``youth_main_activity_region_2016``, Statistics Finland
employment statistics, 19 regions of the 2016 division and the whole country).

:func:`youth_rates` gives, per region,

* ``unemployment_rate_pct`` - the published rate "unemployed, % of the labour force"
  (labour force = employed + unemployed); checked against the counts;
* ``outside_work_study_pct`` - **unemployed + others outside the labour force, as % of all
  18-24-year-olds**: the table's closest measure to NEET. It leaves out pensioners and
  conscripts / civilian servicemen, and it is *not* the official NEET rate (Eurostat's comes
  from the Labour Force Survey and also counts people in training).

Ranks: 1 = the highest rate among the 19 regions.
"""

from __future__ import annotations

import difflib

import pandas as pd

from .. import analysis, regions
from ..i18n import _
from . import areas
from .geometry import MUNI_GEOMETRY, REGION_GEOMETRY

YOUTH = "youth_main_activity_region_2016"

#: measure codes of the youth table -> English column names
YOUTH_MEASURES = {
    "tyolliset": "employed",
    "tyottomat": "unemployed",
    "opiskelijat": "students",
    "elakelaiset": "pensioners",
    "varusmiehet_siviilipalvelusmiehet": "conscripts",
    "muut_tyovoiman_ulkopuolella": "other_outside_labour_force",
    "vaesto_18_24": "population_18_24",
    "tyollisten_osuus_vaestosta": "employment_rate_pct_published",
    "tyottomien_osuus_tyovoimasta": "unemployment_rate_pct",
}
_CATEGORIES = ["employed", "unemployed", "students", "pensioners", "conscripts",
               "other_outside_labour_force"]



# ----------------------------------------------------------------------------- youth 2016


def youth_rates(snap) -> pd.DataFrame:
    """Wide table of the youth resource, one row per area code (19 regions + "SSS").

    Adds ``labour_force`` (employed + unemployed), ``outside_work_study`` (unemployed +
    other outside the labour force), ``outside_work_study_pct`` (of the 18-24 population),
    ``unemployment_rate_computed_pct`` and the ranks ``rank_unemployment_rate`` /
    ``rank_outside_work_study`` among the 19 regions (1 = highest). Raises if the six
    categories do not add up to the population or the published unemployment rate does not
    match the counts (to its one decimal).
    """
    raw = snap.load(YOUTH)
    unknown = sorted(set(raw["measure"]) - set(YOUTH_MEASURES))
    if unknown:
        raise ValueError(f"{YOUTH}: unknown measures {unknown}; expected {sorted(YOUTH_MEASURES)}")
    wide = raw.pivot(index="maakunta", columns="measure", values="value").rename(columns=YOUTH_MEASURES)
    wide = wide.astype("float64")
    wide.index = wide.index.astype(str)
    wide.index.name = "code"
    names = raw.drop_duplicates("maakunta").set_index("maakunta")["alue"]
    wide.insert(0, "name", names.reindex(wide.index).astype(str))
    cat_sum = wide[_CATEGORIES].sum(axis=1)
    bad = wide.index[cat_sum != wide["population_18_24"]]
    if len(bad):
        raise ValueError(f"{YOUTH}: the six categories do not add up to the population for {list(bad)}")
    wide["labour_force"] = wide["employed"] + wide["unemployed"]
    wide["unemployment_rate_computed_pct"] = analysis.share(wide["unemployed"], wide["labour_force"])
    off = (wide["unemployment_rate_computed_pct"].round(1) - wide["unemployment_rate_pct"]).abs()
    if (off > 0.051).any():
        raise ValueError(f"{YOUTH}: published unemployment rate does not match the counts for "
                         f"{list(wide.index[off > 0.051])}")
    wide["outside_work_study"] = wide["unemployed"] + wide["other_outside_labour_force"]
    wide["outside_work_study_pct"] = analysis.share(wide["outside_work_study"], wide["population_18_24"])
    reg = wide.index != regions.COUNTRY_CODE
    for col, rk in (("unemployment_rate_pct", "rank_unemployment_rate"),
                    ("outside_work_study_pct", "rank_outside_work_study")):
        wide[rk] = pd.Series(pd.NA, index=wide.index, dtype="Int64")
        wide.loc[reg, rk] = analysis.rank(wide.loc[reg, col])
    order = sorted(wide.index, key=lambda c: (c == regions.COUNTRY_CODE, c))
    return wide.loc[order]


def youth_region(area, snap) -> tuple[str, str]:
    """The 2016 region whose figures describe ``area``, and a sentence saying why.

    A region is itself. A municipality is placed in the region that contained it in the
    2020 division (``maakunta_2020`` of the 2020 boundaries; no region changes between 2016
    and 2020 are recorded in the project's sources); if that differs from its 2026 region
    (the 2021 transfers) the sentence says so.
    """
    area = regions.resolve(area)
    if area.kind == "region":
        note = _("{area} (MK{code}) in the 2016 regional division.").format(area=areas.reader_name(area),
                                                                            code=area.code)
        return area.code, note
    if area.kind != "municipality":
        raise ValueError(f"area={area.label!r} is a {area.kind}; give a region or a municipality")
    geo = snap.load(MUNI_GEOMETRY)
    row = geo[geo["kunta"].astype(str) == area.code]
    if row.empty:
        raise ValueError(f"{area.label} ({area.code}) is not in {MUNI_GEOMETRY}; its 2016 region is unknown")
    old = str(row["maakunta_2020"].iloc[0])
    old_name = areas.reader_name("MK" + old)  # its 2020 region (may differ from region_of)
    note = _("{area} is a municipality: the 2016 table has regions only, so the figures shown are "
             "those of its region {region} (MK{code}).").format(area=areas.reader_name(area), region=old_name,
                                                                 code=old)
    if old != area.region_code:
        note += " " + _("{area} moved to {new} (MK{new_code}) on 1.1.2021; in 2016 it belonged to {old}, "
                        "whose 2016 figures include it.").format(
            area=areas.reader_name(area), new=areas.reader_name(regions.region_of(area)), new_code=area.region_code,
            old=old_name)
    return old, note


def youth_summary(rates: pd.DataFrame, code: str, compare: str = regions.COUNTRY_CODE) -> dict:
    """Key figures for one region of :func:`youth_rates` (plain JSON-safe values)."""
    if code not in rates.index:
        close = difflib.get_close_matches(code, list(rates.index), n=3)
        raise ValueError(f"region code {code!r} is not in the 2016 youth table; codes: {list(rates.index)}"
                         + (f"; closest {close}" if close else ""))
    r = rates.loc[code]
    out = {
        "youth_region": f"MK{code} {r['name']}",
        "youth_population_18_24_2016": int(r["population_18_24"]),
        "youth_unemployed_2016": int(r["unemployed"]),
        "youth_other_outside_labour_force_2016": int(r["other_outside_labour_force"]),
        "youth_unemployment_rate_2016_pct": float(r["unemployment_rate_pct"]),
        "youth_outside_work_study_2016_pct": round(float(r["outside_work_study_pct"]), 2),
        "rank_youth_unemployment_rate_2016": int(r["rank_unemployment_rate"]),
        "rank_youth_outside_work_study_2016": int(r["rank_outside_work_study"]),
        "n_regions_2016": int((rates.index != regions.COUNTRY_CODE).sum()),
    }
    if compare in rates.index:
        c = rates.loc[compare]
        cname = "Koko maa" if compare == regions.COUNTRY_CODE else f"MK{compare} {c['name']}"
        out.update({
            "youth_compare_area": cname,
            "youth_compare_unemployment_rate_2016_pct": float(c["unemployment_rate_pct"]),
            "youth_compare_outside_work_study_2016_pct": round(float(c["outside_work_study_pct"]), 2),
        })
    return out


def youth_display(rates: pd.DataFrame, codes) -> pd.DataFrame:
    """Readable rows of :func:`youth_rates` for the given area codes (repeats dropped),
    numbers kept numeric."""
    t = rates.loc[list(dict.fromkeys(codes))]
    out = pd.DataFrame({
        _("Code"): ["MK" + c if c != regions.COUNTRY_CODE else c for c in t.index],
        _("Area"): [_("Whole country") if c == regions.COUNTRY_CODE else n for c, n in zip(t.index, t["name"])],
        _("Population aged 18–24"): t["population_18_24"].astype("int64").to_numpy(),
        _("Employed"): t["employed"].astype("int64").to_numpy(),
        _("Students"): t["students"].astype("int64").to_numpy(),
        _("Unemployed"): t["unemployed"].astype("int64").to_numpy(),
        _("Others outside the labour force"): t["other_outside_labour_force"].astype("int64").to_numpy(),
        _("Unemployment rate %"): t["unemployment_rate_pct"].to_numpy(),
        _("Outside work and study %"): t["outside_work_study_pct"].to_numpy(),
        _("Rank of 19: outside work and study"): t["rank_outside_work_study"].astype("Int64").array,
    })
    out.index = range(1, len(out) + 1)
    return out


def youth_map_frame(snap, rates: pd.DataFrame):
    """The 2020 region polygons with the 2016 rates joined (EPSG:3067)."""
    geo = snap.load(REGION_GEOMETRY).rename(columns={"maakunta": "code", "nimi": "name_fi"})
    geo = geo[["code", "name_fi", "geometry"]]
    known = {r.code: r for r in regions.regions()}
    geo = geo.assign(label=[known[c].reader_name() if c in known else n for c, n in zip(geo["code"], geo["name_fi"])])
    cols = ["unemployment_rate_pct", "outside_work_study_pct", "population_18_24"]
    out = geo.merge(rates[cols], left_on="code", right_index=True, how="left")
    missing = sorted(set(rates.index) - set(out["code"]) - {regions.COUNTRY_CODE})
    if missing:
        raise ValueError(f"no region polygon for {missing}")
    return out.sort_values("code").reset_index(drop=True)
