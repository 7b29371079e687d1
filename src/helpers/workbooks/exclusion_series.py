"""Time series of the ``exclusion_prevention`` workbook.

* **Monthly unemployment 2006-2023** (``tem_jobseekers_monthly_2006_2023``, TEM employment
  service statistics, StatFin tyonv 12r5): unemployed jobseekers at the end of the month and
  the labour force TEM divides by, for Varsinais-Suomi's municipalities, sub-regions, MK02 and
  the whole country. The unemployment rate here is **derived**: 100 x unemployed / labour
  force. Yearly figures are means of the months a year has (derived).
* **Young people aged 17-24 outside education, 1995-2011** (indicator 3219 of
  ``sotkanet_municipal_1990_2012``, the 2013 Sotkanet download): municipalities and regions of
  the **2013 division**; the download has no whole-country rows.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis, regions
from ..i18n import _
from . import areas

MONTHLY = "tem_jobseekers_monthly_2006_2023"
LONG = "sotkanet_municipal_1990_2012"
OUTSIDE_EDUCATION = "3219"


def area_name(area: regions.Area) -> str:
    """The name a chart or table shows for an area (:func:`helpers.workbooks.areas.reader_name`)."""
    return areas.reader_name(area)


# ----------------------------------------------------------------------------- monthly (TEM)


def monthly(snap) -> pd.DataFrame:
    """The TEM table with ``date`` (first day of the month), ``year`` and the derived
    ``rate_pct`` = 100 x unemployed / labour force. Raises if an area-month repeats or the
    labour force is not one figure per area and year."""
    df = snap.load(MONTHLY).copy()
    if df.duplicated(["area_code", "month"]).any():
        raise ValueError(f"{MONTHLY}: an area-month appears twice")
    df["date"] = pd.to_datetime(df["month"] + "-01")
    df["year"] = df["date"].dt.year
    per_year = df.groupby(["area_code", "year"])["labour_force"].nunique()
    if (per_year > 1).any():
        raise ValueError(f"{MONTHLY}: labour force varies within a year for {list(per_year[per_year > 1].index[:3])}")
    df["rate_pct"] = analysis.share(df["unemployed"].astype("float64"), df["labour_force"].astype("float64"))
    return df


def monthly_areas(frame: pd.DataFrame, area, compare_to=None) -> tuple[list[regions.Area], list[regions.Area]]:
    """The areas the monthly section shows - the area, its region (for a municipality),
    ``compare_to`` and the whole country - split into those the table has and those it has
    not (in that order, without repeats)."""
    area = regions.resolve(area)
    wanted = [area]
    if area.kind == "municipality":
        wanted.append(regions.region_of(area))
    if compare_to is not None:
        wanted.append(regions.resolve(compare_to))
    wanted.append(regions.country())
    wanted = list(dict.fromkeys(wanted))
    have = set(frame["area_code"])
    return [a for a in wanted if a.statfin_code in have], [a for a in wanted if a.statfin_code not in have]


def monthly_wide(frame: pd.DataFrame, areas, column: str = "rate_pct") -> pd.DataFrame:
    """Months (index ``date``) x one column per area (its name) of ``column``."""
    cols = {}
    for a in areas:
        sub = frame[frame["area_code"] == a.statfin_code].set_index("date")[column]
        cols[area_name(a)] = sub.astype("float64")
    out = pd.DataFrame(cols).sort_index()
    out.index.name = "month"
    return out


def yearly(frame: pd.DataFrame, areas) -> pd.DataFrame:
    """One row per year: ``Months`` in the table and, per area, the mean of the monthly
    unemployed jobseekers and the derived rate (mean unemployed / labour force of the year)."""
    out = None
    for a in areas:
        sub = frame[frame["area_code"] == a.statfin_code]
        g = sub.groupby("year")
        part = pd.DataFrame({
            _("Unemployed, mean of the months: {area}").format(area=area_name(a)):
                g["unemployed"].mean().round(0).astype("Int64"),
            _("Unemployment rate %, derived: {area}").format(area=area_name(a)):
                analysis.share(g["unemployed"].mean().astype("float64"), g["labour_force"].first().astype("float64")),
        })
        if out is None:
            out = pd.DataFrame({_("Months"): g.size().astype("int64")})
        out = out.join(part, how="outer")
    out.index.name = _("Year")
    return out.reset_index()


def latest(frame: pd.DataFrame, area) -> dict:
    """The last month of an area: ``month``, ``unemployed``, ``labour_force``, ``rate_pct``."""
    area = regions.resolve(area)
    sub = frame[frame["area_code"] == area.statfin_code].sort_values("date")
    if sub.empty:
        return {}
    r = sub.iloc[-1]
    return {"month": str(r["month"]), "unemployed": int(r["unemployed"]), "labour_force": int(r["labour_force"]),
            "rate_pct": round(float(r["rate_pct"]), 1)}


def year_mean_rate(frame: pd.DataFrame, area, year: int) -> float | None:
    """Derived unemployment rate of a year: mean monthly unemployed / the year's labour force."""
    area = regions.resolve(area)
    sub = frame[(frame["area_code"] == area.statfin_code) & (frame["year"] == int(year))]
    if sub.empty:
        return None
    return round(float(analysis.share(float(sub["unemployed"].mean()), float(sub["labour_force"].iloc[0]))), 1)


# ----------------------------------------------------------------------------- 3219, 1995-2011


def long_series(snap, indicator: str = OUTSIDE_EDUCATION) -> pd.DataFrame:
    """The rows of one indicator of the 2013 download."""
    df = snap.load(LONG)
    return df[df["indicator"] == indicator].copy()


def long_areas(area, compare_to=None) -> list[regions.Area]:
    """The area, its region (a municipality's 2026 region) and ``compare_to`` (a region)."""
    area = regions.resolve(area)
    out = [area]
    if area.kind == "municipality":
        out.append(regions.region_of(area))
    if compare_to is not None:
        c = regions.resolve(compare_to)
        if c.kind == "region":
            out.append(c)
    return list(dict.fromkeys(out))


def long_wide(rows: pd.DataFrame, areas) -> pd.DataFrame:
    """Years (index) x one column per area (municipality: the 2013 municipality with the same
    code; region: the 2013 region row); an area the download lacks has no column."""
    cols = {}
    for a in areas:
        kind = "municipality" if a.kind == "municipality" else "region"
        sub = rows[(rows["area_kind"] == kind) & (rows["area_code"] == a.code)]
        if len(sub):
            cols[area_name(a)] = sub.set_index("year")["value"].astype("float64")
    out = pd.DataFrame(cols)
    if len(out):
        out = out.reindex(range(int(out.index.min()), int(out.index.max()) + 1))
        out.index = out.index.astype("int64")
    out.index.name = "year"
    return out


def division_notes(rows: pd.DataFrame, area) -> list[str]:
    """What the 2013 division means for this area's series, one sentence each."""
    area = regions.resolve(area)
    region = area if area.kind == "region" else regions.region_of(area)
    munis = rows[rows["area_kind"] == "municipality"].drop_duplicates("area_code").set_index("area_code")
    now = {m.code: m for m in regions.municipalities()}
    notes = []
    if area.kind == "municipality" and area.code not in munis.index:
        notes.append(_("{area} ({code}) is not a municipality of the 2013 division in this download, so it "
                       "has no series of its own.").format(area=areas.reader_name(area), code=area.code))
    gone = munis[~munis.index.isin(list(now)) & (munis["region_code"] == region.code)]
    if len(gone):
        names = ", ".join(f"{r['area_name']} ({c})" for c, r in gone.iterrows())
        notes.append(_("2013 municipalities of {region} that no longer exist in 2026: {names}. Their young "
                       "people are in the region's series, not in the series of the 2026 municipality they "
                       "joined, which is shown as it was in 2013.").format(
            region=areas.reader_name(region), names=names))
    in_2013 = munis[munis["region_code"] == region.code].index
    moved_out = [c for c in in_2013 if c in now and now[c].region_code != region.code]
    moved_in = [c for c, m in now.items() if m.region_code == region.code and c in munis.index
                and munis.loc[c, "region_code"] != region.code]
    out_names = ", ".join(areas.reader_name(now[c]) for c in moved_out)
    in_names = ", ".join(areas.reader_name(now[c]) for c in moved_in)
    name = areas.reader_name(region)
    if moved_out and moved_in:
        notes.append(_("The series of {region} is the region as it was in 2013: it includes {moved_out} (in another "
                       "region in 2026) and does not include {moved_in} (then in another region).").format(
            region=name, moved_out=out_names, moved_in=in_names))
    elif moved_out:
        notes.append(_("The series of {region} is the region as it was in 2013: it includes {moved_out} (in another "
                       "region in 2026).").format(region=name, moved_out=out_names))
    elif moved_in:
        notes.append(_("The series of {region} is the region as it was in 2013: it does not include {moved_in} "
                       "(then in another region).").format(region=name, moved_in=in_names))
    return notes
