"""Jobs by TOL 2008 section in 2017 for every municipality and region (Paavo 2020 edition),
with shares and location quotients — shared by the cluster workbooks (ICT: section J; life
science: C, M and Q).

Method (quoted by the workbooks, :func:`method_note`)
----------------------------------------------------
``paavo_2020_municipal`` (group TP) gives jobs located in each municipality of the 2020
division on 31.12.2017, by TOL 2008 section, and the region rows MK02 … MK21. Figures are
placed in the **2026 division** as in the population workbook: Honkajoki (099, merged into
Kankaanpää on 1.1.2021) is added to Kankaanpää (a sum of two published figures); Pertunmaa
(588, no documented successor) stays a unit of its own in Etelä-Savo. A region's figure is
the sum of its units (Paavo has no row for Uusimaa; for every other region whose members did
not change in 2021 the sum equals the published row — Varsinais-Suomi 198 593 jobs), and the
whole country is the sum of all 310 municipalities (Paavo has no national row): these sums
are derived figures. Paavo leaves out jobs without location data, so all figures run slightly
below Statistics Finland's employment statistics.

Share = 100 × jobs in the section / all jobs. Location quotient (LQ, :func:`helpers.analysis.
location_quotient`) = (section jobs / all jobs in the area) / (section jobs / all jobs in the
comparison area). LQ > 1: the section is more concentrated in the area than in the comparison
area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, plotting, provenance, regions
from ..i18n import N_, _
from . import areas, cluster, geometry, industry

PAAVO = "paavo_2020_municipal"
YEAR = 2017
#: TOL 2008 sections the cluster workbooks show (their names: helpers.workbooks.industry)
SECTION_NAMES = {c: industry.TOL_SECTIONS[c] for c in ("C", "J", "M", "Q")}
#: the maps' titles per section, whole ({region}: the region whose municipalities are mapped)
REGION_MAP_TITLES = {
    "C": N_("Concentration of manufacturing jobs in the municipalities of {region}, 2017"),
    "J": N_("Concentration of information and communication jobs in the municipalities of {region}, 2017"),
    "M": N_("Concentration of professional, scientific and technical activities jobs in the municipalities of "
            "{region}, 2017"),
    "Q": N_("Concentration of human health and social work activities jobs in the municipalities of {region}, 2017"),
}
FINLAND_MAP_TITLES = {
    "C": N_("Concentration of manufacturing jobs in Finland's regions, 2017"),
    "J": N_("Concentration of information and communication jobs in Finland's regions, 2017"),
    "M": N_("Concentration of professional, scientific and technical activities jobs in Finland's regions, 2017"),
    "Q": N_("Concentration of human health and social work activities jobs in Finland's regions, 2017"),
}
_REF = "__reference__"


def section_name(section: str) -> str:
    return industry.section_name(section)


def jobs_units(paavo: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of the 2026 division (``code``, ``name``, ``region_code``,
    ``jobs_total``, ``jobs_A`` … ``jobs_X``, ``note``): the 2020 municipalities placed as in
    the module docstring; ``name`` as readers of the run's language read it. Every Paavo
    municipality row is used exactly once."""
    tp = paavo[(paavo["group"] == "TP") & (paavo["area_kind"] == "municipality")]
    if tp.empty:
        raise ValueError(f"{PAAVO} has no TP (workplaces) rows for municipalities")
    wide = tp.pivot(index="area_code", columns="variable", values="value").astype("float64")
    jobs = [c for c in wide.columns if c == "jobs_total" or (c.startswith("jobs_") and len(c) == 6)]
    rows: dict[str, dict] = {}
    for code, values in wide[jobs].iterrows():
        area = regions.resolve(code, allow_historical=True)
        note = ""
        if area.historical and area.successor_code:
            target = regions.resolve(area.successor_code)
            # i18n: a note on a municipality's jobs: a former municipality's jobs are counted in it
            note = _("includes {name} ({code}), merged into it on 1.1.2021").format(name=areas.reader_name(area),
                                                                                 code=code)
        else:
            target = area
            if area.historical:
                note = _("not in the 2026 division; kept as its own unit")
        row = rows.setdefault(target.code, {"code": target.code, "name": areas.reader_name(target),
                                            "name_sv": target.name_sv,
                                            "region_code": target.region_code, "note": "",
                                            **{c: 0.0 for c in jobs}})
        for c in jobs:
            row[c] += values[c]
        row["note"] = "; ".join(n for n in (row["note"], note) if n)
    out = pd.DataFrame(rows.values()).sort_values("code").reset_index(drop=True)
    total = float(wide["jobs_total"].sum())
    if not math.isclose(float(out["jobs_total"].sum()), total):
        raise ValueError("the placed units do not add up to the Paavo municipalities' jobs")
    return out


def totals(units: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sums of the job columns: per region (``by="region_code"``; index = region code, with the
    reader's name) or for the whole country (one row, index ``SSS``). Derived figures."""
    cols = [c for c in units.columns if c.startswith("jobs_")]
    if by is None:
        out = units[cols].sum().to_frame().T
        out.index = ["SSS"]
        out.insert(0, "name", areas.reader_name(regions.country()))
        return out
    out = units.groupby(by)[cols].sum(min_count=1)
    names = {r.code: areas.reader_name(r) for r in regions.regions()}
    out.insert(0, "name", [names[c] for c in out.index])
    return out


def with_lq(frame: pd.DataFrame, sections, reference: pd.Series) -> pd.DataFrame:
    """``frame`` (rows of areas with jobs_total and jobs_<section>) with ``share_<s>`` and
    ``lq_<s>`` added for every section, the LQ against ``reference`` (a row of the same
    columns) via :func:`helpers.analysis.location_quotient`."""
    out = frame.copy()
    keys = list(out.index.astype(str))
    long = []
    for key, (_i, row) in zip(keys + [_REF], list(out.iterrows()) + [(None, reference)]):
        long.append({"area": key, "industry": "ALL", "value": float(row["jobs_total"])})
        long += [{"area": key, "industry": s, "value": float(row[f"jobs_{s}"])} for s in sections]
    lq = analysis.location_quotient(pd.DataFrame(long), industry="industry", area="area", value="value",
                                    reference_area=_REF, total_industry="ALL")
    lq = lq.set_index(["area", "industry"])["lq"]
    for s in sections:
        out[f"share_{s}"] = analysis.share(out[f"jobs_{s}"], out["jobs_total"])
        out[f"lq_{s}"] = [float(lq.get((k, s), math.nan)) for k in keys]
    return out


@dataclass
class SectionJobs:
    """Jobs 2017 by section for a run: every unit and region with shares and LQs."""

    area: Any
    region: Any
    reference: Any
    sections: tuple[str, ...]
    units: pd.DataFrame      # 2026 units (index: code), with share_ / lq_ columns
    regions: pd.DataFrame    # 19 regions (index: 2-digit code)
    country: pd.DataFrame    # one row, SSS
    snapshot: Any = field(default=None, repr=False)

    def row(self, area=None) -> pd.Series:
        """The figures of ``area`` (default: the run's area): a unit, a region or the country."""
        area = area or self.area
        if area.kind == "country":
            return self.country.iloc[0]
        if area.kind == "region":
            return self.regions.loc[area.code]
        return self.units.loc[area.code]

    def figure(self, column: str, area=None):
        v = self.row(area)[column]
        return None if pd.isna(v) else (int(v) if column.startswith("jobs_") else round(float(v), 3))


def compute(snap, area, reference, sections) -> SectionJobs:
    """Jobs 2017 in ``sections`` for every unit and region, LQs against ``reference`` (the
    whole country or a region)."""
    units = jobs_units(snap.load(PAAVO)).set_index("code")
    country = totals(units.reset_index())
    regs = totals(units.reset_index(), by="region_code")
    ref = country.iloc[0] if reference.kind == "country" else regs.loc[reference.code]
    sections = tuple(sections)
    region = area if area.kind == "region" else regions.region_of(area)
    return SectionJobs(area, region, reference, sections, with_lq(units, sections, ref),
                       with_lq(regs, sections, ref), with_lq(country, sections, ref), snapshot=snap)


# ----------------------------------------------------------------------------- shown parts


def source(res: SectionJobs, *extra: str) -> str:
    return provenance.source_caption([PAAVO, *extra], res.snapshot)


def method_note(res: SectionJobs) -> str:
    ref = res.reference
    return _(
        "**Method.** Jobs located in the area on 31.12.2017 (Paavo 2020 edition). Region and "
        "whole-country figures are sums of their municipalities (derived: Paavo publishes no national "
        "row and none for Uusimaa); Honkajoki is counted in Kankaanpää. Share = 100 × section jobs / all "
        "jobs. Location quotient = the area's share / the share in {ref} (1 = the same concentration). "
        "**Paavo leaves out jobs without location data, so these sums run slightly below Statistics "
        "Finland's employment statistics** (the whole country: {total} jobs)."
    ).format(ref=cluster.display_name(ref),
             total=analysis.format_number(float(res.country["jobs_total"].iloc[0])))


def _columns(res: SectionJobs, frame: pd.DataFrame, first: dict) -> pd.DataFrame:
    out = pd.DataFrame(first)
    out[_("All jobs")] = frame["jobs_total"].astype("Int64").to_numpy()
    for s in res.sections:
        # i18n: column headers; {s} is a TOL 2008 section letter (C, J, M, Q), LQ the location quotient
        out[_("{s} jobs").format(s=s)] = frame[f"jobs_{s}"].astype("Int64").to_numpy()
        out[_("{s} share, %").format(s=s)] = frame[f"share_{s}"].to_numpy()
        out[_("{s} LQ").format(s=s)] = frame[f"lq_{s}"].to_numpy()
    return out


def _sections_line(res: SectionJobs) -> str:
    return "; ".join(f"{s} = {section_name(s).lower()}" for s in res.sections)


def area_table(res: SectionJobs):
    """The area, its region and the whole country side by side."""
    shown_areas = [res.area] + ([res.region] if res.area.kind == "municipality" else []) + [regions.country()]
    rows = pd.DataFrame([res.row(a) for a in shown_areas])
    names = [areas.reader_name(a) for a in shown_areas]
    shown = _columns(res, rows, {_("Area"): names})
    return display.table(shown, decimals=2, name="section_jobs_area",
                         title=_("Jobs by industry section in {area}, 2017").format(area=areas.reader_name(res.area)),
                         source=source(res), intro=method_note(res) + "\n\n" + _sections_line(res))


def _ranked(res: SectionJobs, frame: pd.DataFrame, by: str, what: str, name: str, title: str, intro: str):
    """``frame`` ranked by ``by`` as a table (the run's area marked ◀); the download has codes
    and plain names."""
    frame = frame.sort_values(by, ascending=False)
    ranks = analysis.rank(frame[by]).to_numpy()
    marked = {res.area.code, res.region.code}
    names = [n + (" ◀" if c in marked else "") for c, n in zip(frame.index, frame["name"])]
    shown = _columns(res, frame, {_("Rank"): ranks, what: names})
    data = _columns(res, frame, {_("Rank"): ranks, _("Code"): list(frame.index), what: list(frame["name"])})
    return display.table(shown, decimals=2, name=name, title=title, source=source(res), intro=intro, data=data)


def members_table(res: SectionJobs):
    """The region's municipalities, ranked by jobs in the first section."""
    s = res.sections[0]
    members = res.units[res.units["region_code"] == res.region.code]
    notes = "; ".join(f"{n}: {t}" for n, t in zip(members["name"], members["note"]) if t)
    return _ranked(res, members, f"jobs_{s}", _("Municipality"), "section_jobs_municipalities",
                   _("Jobs by industry section in the municipalities of {region}, 2017").format(
                       region=areas.reader_name(res.region)),
                   (_("Ranked by {s} jobs.").format(s=s) + (" " + notes if notes else "")))


def regions_table(res: SectionJobs):
    """All 19 regions, ranked by the LQ of the first section."""
    s = res.sections[0]
    return _ranked(res, res.regions, f"lq_{s}", _("Region"), "section_jobs_regions",
                   _("Jobs by industry section in Finland's 19 regions, 2017"),
                   _("Ranked by the location quotient of {s}.").format(s=s))


def _lq_legend(res: SectionJobs, s: str) -> str:
    ref = cluster.display_name(res.reference)
    return _("Location quotient of {s} jobs against {ref} (1 = same share)").format(s=s, ref=ref)


def unit_geometry(res: SectionJobs, region_code: str | None = None):
    """The units' polygons (2020 boundaries, Honkajoki dissolved into Kankaanpää, Pertunmaa
    kept), of one region or all, with ``code``, ``name_fi``, ``region_code``."""
    geo = res.snapshot.load(geometry.MUNI_GEOMETRY)
    succ = geometry.successors()
    geo = geo.assign(code=geo["kunta"].astype(str).map(lambda c: succ.get(c, c)))
    geo = geo[geo["code"].isin(set(res.units.index))].dissolve(by="code", as_index=False)[["code", "geometry"]]
    geo["name_fi"] = geo["code"].map(res.units["name"])
    geo["region_code"] = geo["code"].map(res.units["region_code"])
    if region_code is not None:
        geo = geo[geo["region_code"] == region_code]
    return geo.sort_values("code").reset_index(drop=True)


def _region_map_title(s: str, region: str) -> str:
    """The region map's title for section ``s`` (a whole message for the sections shown)."""
    if s in REGION_MAP_TITLES:
        return _(REGION_MAP_TITLES[s]).format(region=region)
    return _("Concentration of {name} jobs in the municipalities of {region}, 2017").format(
        name=section_name(s).lower(), region=region)


def region_map(res: SectionJobs, s: str):
    """The region's municipalities by the section's LQ (centre 1)."""
    gdf = unit_geometry(res, res.region.code).merge(res.units[[f"lq_{s}"]], left_on="code", right_index=True,
                                                    how="left")
    return plotting.choropleth(
        gdf, f"lq_{s}", centre=1, decimals=2, k=6, legend_title=_lq_legend(res, s),
        highlight=res.area.code if res.area.kind == "municipality" else None,
        title=_region_map_title(s, areas.reader_name(res.region)),
        source=source(res, geometry.MUNI_GEOMETRY))


def finland_map(res: SectionJobs, s: str):
    """Finland's 19 regions (dissolved from the 2026 municipalities) by the section's LQ."""
    gdf = unit_geometry(res).dissolve(by="region_code", as_index=False)[["region_code", "geometry"]]
    gdf = gdf.rename(columns={"region_code": "code"}).merge(res.regions[["name", f"lq_{s}"]], left_on="code",
                                                            right_index=True, how="left")
    gdf = gdf.rename(columns={"name": "name_fi"})
    return plotting.choropleth(
        gdf, f"lq_{s}", centre=1, decimals=2, k=6, legend_title=_lq_legend(res, s), highlight=res.region.code,
        title=(_(FINLAND_MAP_TITLES[s]) if s in FINLAND_MAP_TITLES else
               _("Concentration of {name} jobs in Finland's regions, 2017").format(name=section_name(s).lower())),
        source=source(res, geometry.MUNI_GEOMETRY))


# ----------------------------------------------------------------------------- shown parts of the cluster workbooks
# Both cluster workbooks show the same five jobs parts from a result with ``.jobs`` (a
# :class:`SectionJobs` or None) and ``.notes["jobs"]`` (what to say when it is missing).


def shown_area(res):
    return cluster.when(res.jobs, res.notes.get("jobs"), area_table)


def shown_members(res):
    return cluster.when(res.jobs, res.notes.get("jobs"), members_table)


def shown_regions(res):
    return cluster.when(res.jobs, res.notes.get("jobs"), regions_table)


def shown_region_map(res, s: str):
    return cluster.when(res.jobs, res.notes.get("jobs"), region_map, s)


def shown_finland_map(res, s: str):
    return cluster.when(res.jobs, res.notes.get("jobs"), finland_map, s)
