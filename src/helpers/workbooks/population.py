"""Population 31.12.2019 and 31.12.2023 placed in the 2026 division (the region profile's units).

Everything is computed from two pinned resources and the area registry:

* ``population_municipality_2019`` - population 31.12.2019 of the 310 municipalities of the
  2020 division;
* ``population_municipality_2023`` - population 31.12.2023 of the 309 municipalities of 2023;
* :mod:`helpers.regions` - the 2026 division (308 municipalities, 19 regions) and the two
  historical municipalities (Honkajoki 099, Pertunmaa 588).

Method (quoted by the workbook; :func:`method_note`)
----------------------------------------------------
**Units.** Figures are shown for the municipalities of the 2026 division. Both years are
placed in that division:

* a municipality that merged into another one *with a documented successor* is added to
  its successor in 2019 - Honkajoki (099) merged into Kankaanpää (214) on 1.1.2021, so
  Kankaanpää's 2019 figure is 11 286 + 1 620 = 12 906, the population of the area that
  forms Kankaanpää in 2023. This is a sum of two official figures, not an estimate; both
  original figures are listed separately;
* a historical municipality *without* a documented successor (Pertunmaa 588: in the 2019
  and 2023 data, absent from the 2026 classification) is kept as its own unit, flagged
  "historical", with the region it belonged to in 2019 and 2023 (Etelä-Savo, 10);
* every other 2019 figure belongs to the municipality with the same code.

**Regions.** A region's total is the sum of its units: its 2026 member municipalities plus
any historical unit assigned to it. Every inhabitant of the data year is therefore counted
exactly once; the 19 region totals add up to the national totals (5 525 292 in 2019,
5 603 851 in 2023), which :func:`population_units` checks. The 2019 column of the source
table carries the *2020* region; it is not used - 2019 figures are placed in 2026 regions.
The five municipalities that changed region on 1.1.2021 (Heinävesi, Iitti, Isokyrö,
Joroinen, Kuhmoinen) are counted in their 2026 region in both years. Varsinais-Suomi (02)
has the same 27 municipalities in 2019, 2023 and 2026 and is not affected by either rule.

Nothing is estimated or interpolated: every number is an official figure or an exact sum
of official figures.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis, regions
from ..i18n import _
from .areas import reader_name

POP_2019 = "population_municipality_2019"
POP_2023 = "population_municipality_2023"
#: Statistics Finland's official population of Finland on 31.12.2019 / 31.12.2023
NATIONAL_TOTAL_2019 = 5_525_292
NATIONAL_TOTAL_2023 = 5_603_851

_UNIT_COLUMNS = ["code", "name", "region_code", "unit_kind", "population_2019", "population_2023",
                 "change", "change_pct", "note"]


def _population(frame: pd.DataFrame, what: str) -> pd.Series:
    """Series code -> population; codes must be unique, known to the registry and non-missing."""
    if frame["kunta"].duplicated().any():
        dup = sorted(frame.loc[frame["kunta"].duplicated(), "kunta"])
        raise ValueError(f"{what}: municipality codes appear twice: {dup}")
    for code in frame["kunta"]:
        regions.resolve(str(code), allow_historical=True)  # raises AreaNotFoundError naming it
    pop = pd.Series(frame["population"].to_numpy(dtype="float64"), index=frame["kunta"].astype(str))
    if pop.isna().any():
        raise ValueError(f"{what}: population missing for {sorted(pop[pop.isna()].index)}")
    return pop


def population_units(snap, *, check_totals: bool = True) -> pd.DataFrame:
    """One row per unit of the 2026 division (see the module docstring for the method).

    Columns: ``code``, ``name`` (as readers of the run's language read it), ``region_code``
    (2026 region; a historical unit's own region), ``unit_kind`` ("municipality" or
    "historical"), ``population_2019`` (on the unit's 2023 area), ``population_2023``,
    ``change``, ``change_pct`` and ``note`` (the merger added, if any). With ``check_totals``
    the sums must equal the official national totals for 31.12.2019 and 31.12.2023.
    """
    p19 = _population(snap.load(POP_2019), POP_2019)
    p23 = _population(snap.load(POP_2023), POP_2023)
    rows = []
    # the former municipalities these two tables hold (the registry also records earlier mergers)
    hist = {a.code: a for a in regions.areas(include_historical=True)
            if a.kind == "municipality" and a.historical and (a.code in p19.index or a.code in p23.index)}
    merged_into: dict[str, list] = {}
    for a in hist.values():
        if a.successor_code:
            merged_into.setdefault(a.successor_code, []).append(a)
    for m in regions.municipalities():
        v19 = p19.get(m.code, float("nan"))
        v23 = p23.get(m.code, float("nan"))
        notes = []
        for pred in merged_into.get(m.code, []):
            add = p19.get(pred.code, float("nan"))
            v19 = v19 + add
            if pred.valid_to:
                # i18n: a table note: a former municipality's 2019 population is added to its successor's
                note = _("2019 includes {former} {code} ({population}), merged into {successor} (its last day: "
                         "{date})").format(former=reader_name(pred), code=pred.code,
                                           population=analysis.format_number(add), successor=reader_name(m),
                                           date=pred.valid_to)
            else:
                note = _("2019 includes {former} {code} ({population}), merged into {successor} (its last day: "
                         "not documented)").format(former=reader_name(pred), code=pred.code,
                                                   population=analysis.format_number(add),
                                                   successor=reader_name(m))
            notes.append(note)
        rows.append((m.code, reader_name(m), m.region_code, "municipality", v19, v23, "; ".join(notes)))
    for code, a in sorted(hist.items()):
        if a.successor_code:
            continue
        if code not in p19.index and code not in p23.index:
            continue
        if code in p23.index:
            # i18n: a table note on a former municipality without a documented successor; {region_code} a number
            note = _("historical: in the 2019 and 2023 data, not in the 2026 division; successor not documented, "
                     "kept as its own unit in its region of the data years ({region_code})").format(
                region_code=a.region_code)
        else:
            note = _("historical: in the 2019 data, not in the 2026 division; successor not documented, kept as "
                     "its own unit in its region of the data years ({region_code})").format(region_code=a.region_code)
        rows.append((code, reader_name(a), a.region_code, "historical",
                     p19.get(code, float("nan")), p23.get(code, float("nan")), note))
    out = pd.DataFrame(rows, columns=["code", "name", "region_code", "unit_kind", "population_2019",
                                      "population_2023", "note"])
    out["change"] = out["population_2023"] - out["population_2019"]
    out["change_pct"] = analysis.growth(out["population_2019"], out["population_2023"])
    out = out[_UNIT_COLUMNS]
    # every source row must be used exactly once
    used19 = set(out["code"]) | {a.code for v in merged_into.values() for a in v}
    unused = sorted(set(p19.index) - used19) + sorted(set(p23.index) - set(out["code"]))
    if unused:
        raise ValueError(f"population codes not placed in the 2026 division: {unused}")
    if check_totals:
        for col, official in (("population_2019", NATIONAL_TOTAL_2019),
                              ("population_2023", NATIONAL_TOTAL_2023)):
            total = out[col].sum(min_count=1)
            if total != official:
                raise ValueError(f"{col} sums to {total:,.0f}, not the official {official:,}")
    return out.reset_index(drop=True)


def historical_municipalities(snap) -> pd.DataFrame:
    """The source rows that are not a 2026 municipality on the same area, listed as published:
    the historical municipalities and the successors whose 2019 figure was combined."""
    p19 = _population(snap.load(POP_2019), POP_2019)
    p23 = _population(snap.load(POP_2023), POP_2023)
    rows = []
    for a in regions.areas(include_historical=True):
        if a.kind != "municipality" or not a.historical or not (a.code in p19.index or a.code in p23.index):
            continue
        if a.successor_code:
            succ = regions.resolve(a.successor_code)
            # i18n: status and treatment of a former municipality (table "Historical municipalities")
            rows.append((a.code, reader_name(a), a.region_code, p19.get(a.code), p23.get(a.code),
                         _("merged into {successor} {code} (last day {date})").format(
                             successor=reader_name(succ), code=succ.code, date=a.valid_to),
                         _("2019 figure added to its successor {successor} {code}").format(
                             successor=reader_name(succ), code=succ.code)))
            # i18n: the successor municipality's own 2019 row, on its area before the merger
            rows.append((succ.code, _("{name} (own 2019 area)").format(name=reader_name(succ)), succ.region_code,
                         p19.get(succ.code), p23.get(succ.code),
                         _("2019 figure on its 2020 boundary, before {former} joined").format(former=reader_name(a)),
                         _("2019 figure combined with {former} {code}'s").format(former=reader_name(a), code=a.code)))
        else:
            rows.append((a.code, reader_name(a), a.region_code, p19.get(a.code), p23.get(a.code),
                         _("in the 2019 and 2023 data, absent from the 2026 classification; "
                           "successor and date not documented"),
                         _("kept as its own unit in its region of the data years")))
    return pd.DataFrame(rows, columns=["code", "name", "region_code", "population_2019_published",
                                       "population_2023_published", "status", "treatment"])


def region_totals(units: pd.DataFrame) -> pd.DataFrame:
    """One row per region (index: 2-digit code): name, population_2019, population_2023,
    change, change_pct, n_units, rank_population_2023 (1 = largest), rank_change_pct
    (1 = fastest growth)."""
    g = units.groupby("region_code", sort=True)
    out = pd.DataFrame({
        "population_2019": g["population_2019"].sum(min_count=1),
        "population_2023": g["population_2023"].sum(min_count=1),
        "n_units": g.size(),
    })
    out.index.name = "region_code"
    known = {r.code: r for r in regions.regions()}
    extra = sorted(set(out.index) - set(known))
    if extra:
        raise ValueError(f"units carry unknown region codes {extra}; valid: {sorted(known)}")
    out.insert(0, "name", [reader_name(known[c]) for c in out.index])
    out["change"] = out["population_2023"] - out["population_2019"]
    out["change_pct"] = analysis.growth(out["population_2019"], out["population_2023"])
    out["rank_population_2023"] = analysis.rank(out["population_2023"])
    out["rank_change_pct"] = analysis.rank(out["change_pct"])
    return out
