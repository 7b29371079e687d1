"""Jobs in one TOL 2008 section by postal area in a sub-region of Varsinais-Suomi, drawn as
points at the postal areas' centre points over the municipal map (Paavo by postal area
2012–2016 and the 2020 postal-code key with Paavo's centre points; postal-area polygons are
not in the snapshot).

The sub-region is the Turku sub-region for Varsinais-Suomi as a whole, and a municipality's
own sub-region for a municipality of Varsinais-Suomi (the postal data covers that region
only). The year is the latest one in the postal data. A suppressed cell (Paavo protects
small areas) stays missing and is drawn as a cross, never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, plotting, provenance
from ..i18n import N_, _
from . import areas, geometry

POSTAL = "paavo_postcode_varsinais_suomi_2012_2016"
KEY = "postcode_areas_2020"
REGION = "02"
TURKU_SUBREGION = "023"
TOP_ROWS = 15
#: whole texts for the sections the ICT workbook shows, keyed by the English ``what`` it gives
#: (the map names the section capitalised, the table in lower case): title, legend title, intro
TEXTS = {
    "Information and communication": {
        "title": N_("Information and communication jobs by postal area, {sub} sub-region, {year}"),
        "legend": N_("Information and communication jobs in the postal area (circle area)")},
    "information and communication": {
        # i18n: a table title (it starts in lower case in English)
        "title": N_("information and communication jobs by postal area, {sub} sub-region, {year}"),
        "intro": N_("{n} postal areas in the {sub} sub-region; together {total} information and communication jobs "
                    "in {year} (derived sum of the areas with a value; {missing} suppressed). The {top} largest are "
                    "listed; the download has all. Paavo leaves out jobs without location data, so postal-area sums "
                    "run below the employment statistics.")},
}


def _text(what: str, key: str) -> str:
    """The whole ``key`` text ("title", "legend", "intro") for ``what`` (:data:`TEXTS`, else
    ``what`` inserted into the general message)."""
    if key in TEXTS.get(what, {}):
        return _(TEXTS[what][key])
    general = {"title": _("{what} jobs by postal area, {sub} sub-region, {year}"),
               "legend": _("{what} jobs in the postal area (circle area)"),
               "intro": _("{n} postal areas in the {sub} sub-region; together {total} {what} jobs in {year} (derived "
                          "sum of the areas with a value; {missing} suppressed). The {top} largest are listed; the "
                          "download has all. Paavo leaves out jobs without location data, so postal-area sums run "
                          "below the employment statistics.")}
    return general[key].replace("{what}", what)


@dataclass
class PostalJobs:
    subregion_code: str
    subregion_name: str
    year: int
    section: str
    points: pd.DataFrame        # postal_code, names, municipality code and name, x, y, jobs, jobs_total, share
    municipalities: list[str]   # municipality codes of the sub-region
    area: Any
    snapshot: Any = field(default=None, repr=False)

    @property
    def total(self) -> float:
        return float(self.points["jobs"].sum(min_count=1))


def subregion_of(area, key: pd.DataFrame) -> str | None:
    """The sub-region to map for ``area``: Turku's for the region, the municipality's own for
    a municipality of Varsinais-Suomi; None elsewhere (no postal data)."""
    if area.kind == "region":
        return TURKU_SUBREGION if area.code == REGION else None
    if area.kind == "municipality" and area.region_code == REGION:
        subs = key.loc[key["municipality_code"] == area.code, "subregion_code"].unique()
        return str(subs[0]) if len(subs) == 1 else None
    return None


def compute(snap, area, section: str) -> PostalJobs | None:
    key = snap.load(KEY)
    sub = subregion_of(area, key)
    if sub is None:
        return None
    postal = snap.load(POSTAL)
    year = int(postal["year"].max())
    areas = key[key["subregion_code"] == sub]
    rows = postal[(postal["year"] == year) & (postal["group"] == "TP")]
    jobs = rows.pivot(index="postal_code", columns="variable", values="value")
    pts = areas[["postal_code", "name_fi", "name_sv", "municipality_code", "municipality_name", "x", "y"]].copy()
    pts["jobs"] = pts["postal_code"].map(jobs[f"jobs_{section}"]).astype("float64")
    pts["jobs_total"] = pts["postal_code"].map(jobs["jobs_total"]).astype("float64")
    pts["share"] = analysis.share(pts["jobs"], pts["jobs_total"])
    return PostalJobs(sub, str(areas["subregion_name"].iloc[0]), year, section, pts.reset_index(drop=True),
                      sorted(areas["municipality_code"].unique()), area, snapshot=snap)


# ----------------------------------------------------------------------------- shown parts


def note(res: PostalJobs | None, area) -> str | None:
    if res is None:
        return _("Postal-area data is pinned for Southwest Finland only; there is no postal-area map for "
                 "{area}.").format(area=areas.reader_name(area, in_sentence=True))
    return None


def source(res: PostalJobs) -> str:
    return provenance.source_caption([POSTAL, KEY, geometry.MUNI_GEOMETRY], res.snapshot)


def _title(res: PostalJobs, what: str) -> str:
    return _text(what, "title").format(sub=res.subregion_name, year=res.year)


def point_map(res: PostalJobs, what: str):
    """Points at the postal areas' centre points, sized by the section's jobs."""
    import geopandas as gpd

    base = geometry.municipalities(res.snapshot, REGION)
    base = base[base["code"].isin(res.municipalities)]
    pts = gpd.GeoDataFrame(res.points, geometry=gpd.points_from_xy(res.points["x"], res.points["y"]), crs=3067)
    pts["label"] = pts["name_fi"]
    return plotting.point_map(
        pts, "jobs", base=base, label_column="label", base_label_column="label", label_top=6,
        missing_label=_("suppressed"),
        highlight=res.area.code if res.area.kind == "municipality" else None,
        legend_title=_text(what, "legend"), unit=_("jobs"),
        title=_title(res, what), source=source(res))


def table(res: PostalJobs, what: str):
    """The postal areas with most jobs in the section (all of them in the download)."""
    p = res.points.sort_values("jobs", ascending=False, na_position="last")
    shown = pd.DataFrame({
        _("Postal code"): p["postal_code"],
        _("Postal area"): [fi if sv in (fi, "") else f"{fi} / {sv}" for fi, sv in zip(p["name_fi"], p["name_sv"])],
        _("Municipality"): p["municipality_name"],
        _("{s} jobs").format(s=res.section): p["jobs"].astype("Int64"),
        _("All jobs"): p["jobs_total"].astype("Int64"),
        _("{s} share, %").format(s=res.section): p["share"],
    }).reset_index(drop=True)
    n_missing = int(p["jobs"].isna().sum())
    intro = _text(what, "intro").format(n=len(p), sub=res.subregion_name, total=analysis.format_number(res.total),
                                        year=res.year, missing=n_missing, top=TOP_ROWS)
    return display.table(shown.head(TOP_ROWS), decimals=1, name="section_jobs_postal_areas",
                         title=_title(res, what), source=source(res), intro=intro, data=shown)
