"""The national size of a cluster's industries at TOL 2008 5-digit level, 2012–2016
(``national_employment_tol5_2012_2016``: employed persons by the industry of the place of
work, whole country, Vipunen / Statistics Finland) — shared by the cluster workbooks.

A code of the cluster's code list (``"26.1"``, ``"62"``, ``"32.5"``) covers every 5-digit
industry whose code starts with it (26.1 -> 26110, 26120; 32.5 -> 32501, 32502; 62 -> 62010 …
62090) and the file's residual rows inside it (persons coded only to 4 digits, e.g. ``3250``).
A residual row *above* a list code (``72``: persons coded only to division 72) may hold
persons of the cluster but cannot be split; it is listed in a note, never added. The file's
rows add up exactly to its grand total in every year, so a 5-digit industry without a row in
a year (61300 after 2012) has no employed persons in that file: it is shown as "–" and the
totals add the rows the file has.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, plotting, provenance
from ..i18n import N_, _
from .industry import CodeList

TOL5 = "national_employment_tol5_2012_2016"
TOTAL_CODE = "SSSSS"
#: whole texts for the clusters the workbooks show, keyed by the English name they give as
#: ``what``: the table's total row, the table's title and the chart's title
TEXTS = {
    "the life-science industries": (
        N_("Total: the life-science industries"),
        N_("Employed persons in the life-science industries by TOL 2008 5-digit industry, whole country, "
           "{first}–{last}"),
        N_("Employed persons in the life-science industries, whole country, {first}–{last}")),
    "the ICT sector": (
        N_("Total: the ICT sector"),
        N_("Employed persons in the ICT sector by TOL 2008 5-digit industry, whole country, {first}–{last}"),
        N_("Employed persons in the ICT sector, whole country, {first}–{last}")),
}


def _texts(what: str) -> tuple[str, str, str]:
    """The total row's label and the two titles for ``what`` (:data:`TEXTS`, else ``what`` inserted)."""
    if what in TEXTS:
        return tuple(_(t) for t in TEXTS[what])
    return (_("Total: {what}").format(what=what),
            _("Employed persons in {what} by TOL 2008 5-digit industry, whole country, {first}–{last}").replace(
                "{what}", what),
            _("Employed persons in {what}, whole country, {first}–{last}").replace("{what}", what))


@dataclass
class NationalSizes:
    codes: CodeList
    scope: str
    rows: pd.DataFrame        # long: list_code, tol_code, level, industry_name_en, year, employed
    by_code: pd.DataFrame     # list code x year (sums of its rows)
    total: pd.Series          # cluster total by year
    grand_total: pd.Series    # all industries by year
    above: pd.DataFrame       # residual rows above a list code (not counted)
    snapshot: Any = field(default=None, repr=False)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.grand_total.index)

    def total_in(self, year: int) -> int | None:
        v = self.total.get(year)
        return None if v is None or pd.isna(v) else int(v)


def _list_code(tol: str, prefixes: dict[str, str]) -> str | None:
    hits = [p for p in prefixes if tol.startswith(p)]
    return prefixes[max(hits, key=len)] if hits else None


def national_sizes(tol5: pd.DataFrame, codes: CodeList, scope: str, snapshot=None) -> NationalSizes:
    """The cluster's 5-digit industries (and residual rows inside a list code) by year."""
    frame = tol5.copy()
    frame["tol_code"] = frame["tol_code"].astype(str)
    frame["year"] = frame["year"].astype(int)
    prefixes = {i.statfin_code: i.code for i in codes.select(scope)}
    inside = frame[frame["level"] != "total"].copy()
    inside["list_code"] = [_list_code(c, prefixes) if c.isdigit() else None for c in inside["tol_code"]]
    rows = inside[inside["list_code"].notna()].reset_index(drop=True)
    missing = sorted(set(prefixes.values()) - set(rows["list_code"]))
    if missing:
        raise ValueError(f"{TOL5} has no row for the code list entries {missing}")
    above = inside[inside["level"].str.startswith("residual") & inside["tol_code"].map(
        lambda c: any(p.startswith(c) and p != c for p in prefixes))].reset_index(drop=True)
    order = [i.code for i in codes.select(scope)]
    by_code = rows.pivot_table(index="list_code", columns="year", values="employed", aggfunc="sum").reindex(order)
    grand = frame[frame["tol_code"] == TOTAL_CODE].set_index("year")["employed"].astype(float)
    return NationalSizes(codes, scope, rows, by_code, by_code.sum(min_count=1), grand, above, snapshot)


# ----------------------------------------------------------------------------- shown parts


def source(res: NationalSizes) -> str:
    return provenance.source_caption([TOL5], res.snapshot)


def size_table(res: NationalSizes, what: str):
    """One row per 5-digit industry (grouped by list code), the cluster total, all industries
    and the cluster's share of all employed persons, 2012–2016. ``what`` names the cluster in
    English ("the ICT sector"; :data:`TEXTS`)."""
    total_label, title, _chart = _texts(what)
    wide = res.rows.pivot_table(index=["list_code", "tol_code", "level", "industry_name_en"], columns="year",
                                values="employed", aggfunc="sum")
    order = {c: n for n, c in enumerate(res.by_code.index)}
    wide = wide.reset_index()
    wide = wide.sort_values(["list_code", "tol_code"], key=lambda s: s.map(order) if s.name == "list_code" else s)
    years = res.years
    names = {i.code: i.name_en for i in res.codes.industries}

    def named(code: str, name: str) -> display.Markup:  # the code, and TOL's English name marked as such
        return display.Markup(f"{display.escape_markdown(code)} {display.as_published(display.escape_markdown(name))}")

    out = pd.DataFrame({
        _("Code list entry"): pd.Series([named(c, names[c]) for c in wide["list_code"]], dtype=object),
        # i18n: a residual row of persons whose industry is coded only to this (4-digit) level
        _("TOL 2008 industry"): pd.Series(
            [named(t, n) if lvl == "industry_5" else
             display.Markup(_("{code} {name} (coded only to this level)").format(
                 code=display.escape_markdown(t), name=display.as_published(display.escape_markdown(n))))
             for t, n, lvl in zip(wide["tol_code"], wide["industry_name_en"], wide["level"])], dtype=object),
    })
    data = pd.DataFrame({"list_code": wide["list_code"], "list_name_en": [names[c] for c in wide["list_code"]],
                         "tol_code": wide["tol_code"], "level": wide["level"],
                         "industry_name_en": wide["industry_name_en"]})
    for y in years:
        out[str(y)] = wide[y].astype("Int64").to_numpy()
        data[str(y)] = out[str(y)]
    foot = pd.DataFrame({_("Code list entry"): [total_label, _("All industries")],
                         _("TOL 2008 industry"): ["", ""]})
    data_foot = pd.DataFrame({"list_code": ["total", "all_industries"], "list_name_en": ["", ""], "tol_code": ["", ""],
                              "level": ["total", "all"], "industry_name_en": ["", ""]})
    for y in years:
        foot[str(y)] = pd.array([res.total[y], res.grand_total[y]], dtype="Int64")
        data_foot[str(y)] = foot[str(y)]
    shares = ", ".join(f"{y}: {analysis.format_number(analysis.share(float(res.total[y]), res.grand_total[y]), 2)} %"
                       for y in years)
    intro = _("Share of all employed persons in Finland (derived: total / all industries): {shares}.").format(
        shares=shares)
    return display.table(pd.concat([out, foot], ignore_index=True), decimals={str(y): 0 for y in years},
                         data=pd.concat([data, data_foot], ignore_index=True), name="national_employment_tol5",
                         title=title.format(first=years[0], last=years[-1]),
                         source=source(res), intro=intro + " " + above_note(res))


def above_note(res: NationalSizes) -> str:
    """The residual rows above a list code (persons that may belong to the cluster)."""
    if res.above.empty:
        return _("Every person counted here has a 5-digit (or finer residual) code inside the code list.")
    last = res.years[-1]
    rows = res.above[res.above["year"] == last]
    parts = [f"{c} {display.as_published(n)}: {analysis.format_number(v)}" for c, n, v in
             zip(rows["tol_code"], rows["industry_name_en"], rows["employed"])]
    return _("Not counted: persons whose industry is coded only to a level above a code of the list, "
             "which may include some of the cluster ({year}: {rows}).").format(year=last, rows="; ".join(parts))


def size_chart(res: NationalSizes, what: str, by: str = "code"):
    """Employed persons per list code (``by="code"``) or per code-list group (``"group"``)."""
    data = res.by_code.T
    if by == "group":
        groups = {i.code: i.group for i in res.codes.industries}
        data = data.T.groupby(lambda c: groups[c]).sum(min_count=1).T
        data = data.rename(columns=_)  # the list's own words ("ICT services"): in the report's language
    else:
        names = {i.code: _(i.short_en) if i.short_en else textwrap.shorten(i.name_en, 30, placeholder=" …")
                 for i in res.codes.industries}
        data = data.rename(columns=lambda c: f"{c} {names[c]}")
    data.index = data.index.astype(int)
    data.index.name = "year"
    return plotting.line_chart(
        data, y_label=_("Employed persons"), units=_("persons"), decimals=0,
        title=_texts(what)[2].format(first=res.years[0], last=res.years[-1]), source=source(res))
