"""Unemployed jobseekers and open vacancies in the ICT occupations, Varsinais-Suomi and the
whole country, monthly 2006–2023 (TEM employment service statistics, StatFin tyonv 12ti).

The table has 4-digit occupations only (ISCO-08 / AML 2010): 1330 ICT service managers, the
ICT professionals 2511 … 2529 and the ICT technicians 3511 … 3522. The ICT figure of a month
is the **sum of the cells that have a value** (derived). An empty cell (the table gives no
value; suppressed or not available - the copy did not keep which) or a missing row is not
counted as zero: it is counted in ``cells_without_value``, and the sum is then a lower bound
("at least"). The yearly figure is the mean of the months (derived; 2023: January–October).
The all-occupations total is the table's own total row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, plotting, provenance
from ..i18n import N_, _
from . import areas as _areas

TEM = "tem_ict_occupations_mk02_2006_2023"
AREAS = {"MK02": N_("Southwest Finland"), "SSS": N_("Whole country")}
MEASURES = ("unemployed", "vacancies")


@dataclass
class IctJobseekers:
    monthly: pd.DataFrame   # area_code, month, ict_unemployed, ict_vacancies, all_unemployed, all_vacancies, cells_*
    yearly: pd.DataFrame    # area_code, year, months, the means of the monthly columns, ict_share_unemployed
    n_codes: int
    covers_area: bool
    snapshot: Any = field(default=None, repr=False)

    @property
    def last_month(self) -> str:
        return str(self.monthly["month"].max())

    def value(self, area: str, column: str, month: str | None = None):
        """One month's figure (default: the latest); counts as int, shares as float."""
        m = self.monthly[(self.monthly["area_code"] == area) & (self.monthly["month"] == (month or self.last_month))]
        if m.empty or pd.isna(m[column].iloc[0]):
            return None
        v = float(m[column].iloc[0])
        return int(v) if "share" not in column else v

    def year_value(self, area: str, year: int, column: str):
        y = self.yearly[(self.yearly["area_code"] == area) & (self.yearly["year"] == year)]
        return None if y.empty or pd.isna(y[column].iloc[0]) else float(y[column].iloc[0])


def monthly(tem: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """ICT sums per area and month with the count of cells without a value; and the number
    of 4-digit ICT codes in the table."""
    occ = tem[tem["ict_group"] != "total"]
    codes = sorted(occ["occupation_code"].unique())
    months = sorted(tem["month"].unique())
    grid = pd.MultiIndex.from_product([sorted(tem["area_code"].unique()), months, codes],
                                      names=["area_code", "month", "occupation_code"])
    cells = occ.set_index(["area_code", "month", "occupation_code"])[list(MEASURES)].reindex(grid)
    g = cells.groupby(level=["area_code", "month"])
    out = pd.DataFrame({f"ict_{m}": g[m].sum(min_count=1) for m in MEASURES})
    for m in MEASURES:
        out[f"cells_without_value_{m}"] = g[m].apply(lambda s: int(s.isna().sum()))
    total = tem[tem["ict_group"] == "total"].set_index(["area_code", "month"])
    for m in MEASURES:
        out[f"all_{m}"] = total[m].reindex(out.index).astype("float64")
    out["ict_share_unemployed"] = analysis.share(out["ict_unemployed"], out["all_unemployed"])
    return out.reset_index(), len(codes)


def yearly(month_frame: pd.DataFrame) -> pd.DataFrame:
    """Means of the months of each year (derived); ``months`` = how many months the year has."""
    m = month_frame.assign(year=month_frame["month"].str[:4].astype(int))
    cols = ["ict_unemployed", "ict_vacancies", "all_unemployed", "all_vacancies"]
    out = m.groupby(["area_code", "year"]).agg(months=("month", "size"), **{c: (c, "mean") for c in cols},
                                              incomplete_months=("cells_without_value_unemployed",
                                                                 lambda s: int((s > 0).sum())))
    out["ict_share_unemployed"] = analysis.share(out["ict_unemployed"], out["all_unemployed"])
    return out.reset_index()


def compute(snap, area) -> IctJobseekers:
    tem = snap.load(TEM)
    month_frame, n = monthly(tem)
    covers = (area.kind == "region" and area.code == "02") or (area.kind == "municipality"
                                                               and area.region_code == "02")
    return IctJobseekers(month_frame, yearly(month_frame), n, covers, snapshot=snap)


# ----------------------------------------------------------------------------- shown parts


def source(res: IctJobseekers) -> str:
    return provenance.source_caption([TEM], res.snapshot)


def coverage_note(res: IctJobseekers, area) -> str:
    if area.kind == "region" and area.code == "02":
        where = ""
    elif res.covers_area:
        where = _("These figures are for Southwest Finland as a whole; the table has no municipal breakdown.") + " "
    else:
        where = _("The pinned table covers only Southwest Finland and the whole country; there is no value for "
                  "{area}. The figures are shown for comparison.").format(
            area=_areas.reader_name(area, in_sentence=True)) + " "
    return where + _(
        "An ICT figure is the sum of the {n} ICT occupations' cells that have a value (derived); an empty "
        "cell is not counted as zero, so a month with empty cells is a lower bound (“at least”). These are "
        "jobseekers and vacancies by occupation, not employment.").format(n=res.n_codes)


def monthly_chart(res: IctJobseekers):
    """Varsinais-Suomi, month by month: ICT unemployed jobseekers and open ICT vacancies."""
    m = res.monthly[res.monthly["area_code"] == "MK02"].copy()
    m.index = pd.to_datetime(m["month"] + "-01")
    data = m[["ict_unemployed", "ict_vacancies"]].rename(columns={
        "ict_unemployed": _("Unemployed jobseekers (at least)"), "ict_vacancies": _("Open vacancies (at least)")})
    data.index.name = "month"
    return plotting.line_chart(
        data, y_label=_("Number, end of month"), markers=False, decimals=0,
        title=_("ICT occupations in Southwest Finland: unemployed jobseekers and open vacancies, "
                "{first}–{last}").format(first=res.monthly["month"].min(), last=res.last_month),
        source=source(res))


def share_chart(res: IctJobseekers):
    """ICT occupations' share of all unemployed jobseekers (yearly means), Varsinais-Suomi and
    the whole country."""
    y = res.yearly.pivot(index="year", columns="area_code", values="ict_share_unemployed")
    data = y.rename(columns={"MK02": _areas.reader_name("MK02"), "SSS": _areas.reader_name("SSS")})
    return plotting.line_chart(
        data, y_label=_("Share, derived"), units="%",
        decimals=1, highlight=_areas.reader_name("MK02"),
        title=_("ICT occupations' share of unemployed jobseekers, yearly mean of months, {first}–{last}").format(
            first=int(y.index.min()), last=int(y.index.max())), source=source(res))


def yearly_table(res: IctJobseekers, area):
    y = res.yearly.pivot(index="year", columns="area_code")
    shown = pd.DataFrame({_("Year"): y.index.astype(int),
                          _("Months"): y[("months", "MK02")].astype("Int64").to_numpy()})
    for code, name in (("MK02", _areas.reader_name("MK02")), ("SSS", _areas.reader_name("SSS"))):
        shown[_("{area}: ICT unemployed (at least)").format(area=name)] = y[("ict_unemployed", code)].to_numpy()
        shown[_("{area}: ICT vacancies (at least)").format(area=name)] = y[("ict_vacancies", code)].to_numpy()
        shown[_("{area}: ICT share of unemployed, %").format(area=name)] = y[("ict_share_unemployed", code)].to_numpy()
    last = res.last_month
    latest = _("Latest month ({month}): Southwest Finland {u} unemployed ICT jobseekers and {v} open ICT vacancies "
               "(at least); whole country {uf} and {vf}.").format(
        month=last, u=_fmt(res.value("MK02", "ict_unemployed")), v=_fmt(res.value("MK02", "ict_vacancies")),
        uf=_fmt(res.value("SSS", "ict_unemployed")), vf=_fmt(res.value("SSS", "ict_vacancies")))
    return display.table(shown, decimals=1, name="ict_jobseekers_vacancies_yearly",
                         title=_("Unemployed jobseekers and open vacancies in ICT occupations, yearly mean of "
                                 "months"), source=source(res),
                         intro=coverage_note(res, area) + "\n\n" + latest,
                         data=res.yearly)


def _fmt(v) -> str:
    return "–" if v is None else analysis.format_number(v)
