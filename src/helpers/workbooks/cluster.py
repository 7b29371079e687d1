"""What the two cluster workbooks (life science, ICT) share: the code list, the claims
register, the R&D comparison and the live business-register and jobs sections.

:func:`common` computes those parts for a run into a :class:`ClusterParts`; the workbook
modules add their own sections and key figures. The functions below it each show one part
(the last expression of one notebook cell). Nothing here invents a value: a section whose
data is not pinned shows one note naming the dataset and the command that pulls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import display, plotting, provenance
from . import business, context, industry

RD = "rd_expenditure_subregion"
CLAIMS = "cluster_claims"


@dataclass
class LiveSection:
    """A live-only dataset's part of a run: the tidy frame (or None and the note why not)."""

    dataset: str | None
    data: pd.DataFrame | None
    note: str | None
    start: int | None = None
    end: int | None = None

    @property
    def resource(self) -> str | None:
        from .. import notebook

        return notebook.dataset_resource(self.dataset) if self.dataset else None


@dataclass
class ClusterParts:
    area: Any
    compare_to: Any
    scope: str
    codes: industry.CodeList
    verdicts: pd.DataFrame
    register: pd.DataFrame
    rd: pd.DataFrame
    rd_area: dict
    rd_years: tuple[int, int]
    business: LiveSection
    jobs: LiveSection
    snapshot: Any = field(repr=False, default=None)
    lq: pd.DataFrame | None = None
    jobs_lq: pd.DataFrame | None = None


def live(area, kind: str, snap, start: int | None, end: int | None) -> LiveSection:
    """The live ``kind`` dataset ("business", "jobs", "occupations") for ``area``."""
    dataset, note = business.dataset_for(area, kind)
    data, missing = business.load_live(dataset, snap, area=area)
    sec = LiveSection(dataset, data, note or missing)
    if data is not None:
        sec.start, sec.end = business.year_window(data, start, end)
    return sec


def common(params, snap, cluster: str) -> ClusterParts:
    """The shared parts for ``cluster`` ("life_science" or "ict")."""
    area, compare = params["area"], params["compare_to"]
    codes = industry.load_codelist(cluster)
    verdicts = industry.load_verdicts(cluster)
    register = industry.claims_register(snap.load(CLAIMS), verdicts)
    rd = context.rd_one_release(snap.load(RD))
    years = (params["rd_start_year"], params["rd_end_year"])
    parts = ClusterParts(
        area=area, compare_to=compare, scope=params["scope"], codes=codes, verdicts=verdicts,
        register=register, rd=rd, rd_area=context.rd_summary(rd, area, *years), rd_years=years,
        business=live(area, "business", snap, params["start_year"], params["end_year"]),
        jobs=live(area, "jobs", snap, params["start_year"], params["end_year"]), snapshot=snap)
    biz, ref = parts.business, compare.statfin_code
    if biz.data is not None and ref in set(biz.data["area"]):
        others = [a for a in biz.data["area"].unique() if a != ref]
        parts.lq = business.cluster_lq(biz.data, codes, parts.scope, areas=others, reference=ref,
                                       year=biz.end, measure="personnel")
    jobs = parts.jobs
    if jobs.data is not None and ref in set(jobs.data["area"]):
        parts.jobs_lq = business.cluster_lq(jobs.data, codes, parts.scope, areas=[area.statfin_code],
                                            reference=ref, year=jobs.end, measure="jobs")
    return parts


# ----------------------------------------------------------------------------- shown parts


def run_line(parts: ClusterParts):
    a, c = parts.area, parts.compare_to
    return display.markdown(f"**Area:** {a.label} ({a.statfin_code}); compared with {c.label}; "
                            f"definition: {parts.scope}.")


def codelist_table(parts: ClusterParts, columns: list[str]):
    codes = parts.codes
    intro = (f"Code list {codes.id}, version {codes.version} ({codes.date}). Classification: "
             f"{codes.citation}. Definition used in this run: **{parts.scope}** — "
             f"{codes.scopes[parts.scope]['description']}.")
    return display.markdown(intro + "\n\n" + display.markdown_table(codes.to_frame()[columns]))


def rd_note(parts: ClusterParts) -> str:
    area, subs = parts.area, parts.rd_area["subregions"]
    if area.kind == "municipality":
        return f"This series is by sub-region; there is no value for the municipality {area.label}."
    if not subs:
        return f"No sub-region of {area.label} is in this series (Turku, Salo, Helsinki, Tampere, Oulu only)."
    return f"Sub-regions of {area.label} in the series: {', '.join(subs)}."


def rd_releases(parts: ClusterParts):
    releases = (parts.rd.drop_duplicates("year")[["year", "release_year", "table_ref", "release_date"]]
                .rename(columns={"release_year": "release used"}))
    return display.markdown(rd_note(parts) + "\n\n" + display.markdown_table(releases))


def rd_chart(parts: ClusterParts):
    rd = parts.rd
    lines = (rd[rd["region_code"] != "SSS"].pivot(index="year", columns="region_name", values="value")
             .reindex(range(rd["year"].min(), rd["year"].max() + 1)))
    subs = set(parts.rd_area["subregions"])
    highlight = sorted({n for c, n in zip(rd["region_code"], rd["region_name"]) if c in subs})
    return plotting.line_chart(
        lines, title="R&D expenditure in the five largest R&D sub-regions, 2007–2013",
        y_label="R&D expenditure", units="EUR million", x_label="Year", highlight=highlight or None,
        source=provenance.source_caption([RD], parts.snapshot))


def note_or(section: LiveSection, shown):
    """The section's note when its data is missing, else ``shown()``."""
    if section.data is None:
        return display.markdown(section.note or "No data.")
    return shown()


def business_tables(parts: ClusterParts):
    biz, area = parts.business, parts.area

    def shown():
        units = {"establishments": "number", "personnel": "staff-years", "turnover": "EUR 1 000"}
        out = []
        for measure, unit in units.items():
            t = business.cluster_table(biz.data, parts.codes, parts.scope, area.statfin_code, measure)
            out.append(f"**{measure.capitalize()}** ({unit}), {biz.start}–{biz.end}\n\n"
                       + display.markdown_table(t.reset_index()))
        return display.markdown("\n\n".join(out))

    return note_or(biz, shown)


def lq_table(parts: ClusterParts):
    if parts.business.data is None:
        return display.markdown(parts.business.note or "")
    if parts.lq is None:
        return display.markdown(f"{parts.compare_to.label} is not in this table; location quotients need it.")
    rows = parts.lq[parts.lq["area"] == parts.area.statfin_code].reset_index(drop=True)
    return display.table(rows, decimals=2)


def lq_chart(parts: ClusterParts, what: str):
    if parts.lq is None:
        return None
    biz = parts.business
    names = dict(zip(biz.data["area"], biz.data["area_label"]))
    bars = parts.lq[parts.lq["industry"] == industry.CLUSTER_TOTAL].set_index("area")["lq"].rename(index=names)
    return plotting.bar_chart(
        bars, title=f"Location quotient of the {what} (personnel), {biz.end}, against {parts.compare_to.label}",
        value_label="Location quotient", missing_text="suppressed",
        highlight=parts.area.label if parts.area.label in bars.index else None,
        source=provenance.source_caption([biz.resource], parts.snapshot))


def jobs_tables(parts: ClusterParts):
    jobs, area = parts.jobs, parts.area

    def shown():
        t = business.cluster_table(jobs.data, parts.codes, parts.scope, area.statfin_code, "jobs")
        text = display.markdown_table(t.reset_index())
        if parts.jobs_lq is not None:
            text += "\n\n" + display.markdown_table(parts.jobs_lq, decimals=2)
        return display.markdown(text)

    return note_or(jobs, shown)


def common_figures(parts: ClusterParts) -> dict:
    rd = parts.rd_area
    return {
        "area": parts.area.statfin_code,
        "codelist_version": parts.codes.version,
        "cluster_codes": parts.codes.codes(parts.scope),
        "rd_subregions_in_area": rd["subregions"],
        "rd_eur_million_end": rd["end"],
        "rd_share_of_national_pct_end": rd["share_of_national_end"],
        "rd_change_pct": rd["change_pct"],
        "live_business_data": parts.business.data is not None,
        "cluster_lq_personnel_end": context.pick_value(parts.lq, area=parts.area.statfin_code,
                                                       industry=industry.CLUSTER_TOTAL, column="lq"),
    }
