"""What the two cluster workbooks (life science, ICT) share: the code list, the claims
register, the R&D comparison and the live business-register and jobs sections.

:func:`common` computes those parts for a run into a :class:`ClusterParts`; the workbook
modules add their own sections and key figures. The offline measurements they share live in
their own modules: :mod:`.cluster_paavo` (jobs by section and LQs, 2017), :mod:`.cluster_tol5`
(national size at TOL 5-digit level), :mod:`.cluster_eurostat` (section employment 2000–2017),
:mod:`.cluster_claims` (the claims against official totals); the ICT workbook adds
:mod:`.cluster_tem` and :mod:`.cluster_postal`. The functions below :func:`common` each show
one part (the last expression of one notebook cell). Nothing here invents a value: the live
section shows one note naming the datasets that are not pinned and the command that pulls
them; a part whose resource is missing from the snapshot a run reads shows one line saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import display, plotting, provenance
from ..i18n import N_, _
from . import areas, business, context, industry

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
    pinned: bool = False

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
    claims: pd.DataFrame | None = None  # the snapshot's cluster_claims, as published


def live(area, kind: str, snap, start: int | None, end: int | None) -> LiveSection:
    """The live ``kind`` dataset ("business", "jobs", "occupations") for ``area``."""
    from .. import notebook

    dataset, note = business.dataset_for(area, kind)
    data, missing = business.load_live(dataset, snap, area=area)
    pinned = dataset is not None and notebook.dataset_resource(dataset) in snap.names()
    sec = LiveSection(dataset, data, note or missing, pinned=pinned)
    if data is not None:
        sec.start, sec.end = business.year_window(data, start, end)
    return sec


def common(params, snap, cluster: str) -> ClusterParts:
    """The shared parts for ``cluster`` ("life_science" or "ict")."""
    area, compare = params["area"], params["compare_to"]
    codes = industry.load_codelist(cluster)
    verdicts = industry.load_verdicts(cluster)
    claims = snap.load(CLAIMS)
    register = industry.claims_register(claims, verdicts)
    rd = context.rd_one_release(snap.load(RD))
    years = (params["rd_start_year"], params["rd_end_year"])
    parts = ClusterParts(
        area=area, compare_to=compare, scope=params["scope"], codes=codes, verdicts=verdicts,
        register=register, rd=rd, rd_area=context.rd_summary(rd, area, *years), rd_years=years,
        business=live(area, "business", snap, params["start_year"], params["end_year"]),
        jobs=live(area, "jobs", snap, params["start_year"], params["end_year"]), snapshot=snap, claims=claims)
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


def optional(snap, names, build):
    """``(build(), None)`` when every resource in ``names`` is in the snapshot the run reads,
    else ``(None, note)``: a snapshot other than the pinned one (a test snapshot, an older
    copy) may lack a resource, and the part is then left out with one line saying so."""
    missing = [n for n in names if n not in snap.names()]
    if missing:
        return None, _("The snapshot this run reads has no {names}; this part is left out.").format(
            names=", ".join(f"`{n}`" for n in missing))
    return build(), None


def when(part, note: str | None, show, *args, **kwargs):
    """``show(part, ...)``, or the note when the part is missing."""
    if part is None:
        return display.markdown(note or _("No data."))
    return show(part, *args, **kwargs)


# ----------------------------------------------------------------------------- shown parts


def display_name(area) -> str:
    """An area's name for readers (:func:`helpers.workbooks.areas.reader_name`, in a sentence)."""
    return areas.reader_name(area, in_sentence=True)


def _description(parts: ClusterParts) -> str:
    return _(parts.codes.scopes[parts.scope]["description"]).rstrip(".")


def run_line(parts: ClusterParts):
    a, c = parts.area, parts.compare_to
    return display.markdown(_("**Area:** {area} ({code}); compared with {compare}; definition: {scope}.").format(
        area=display_name(a), code=a.statfin_code, compare=display_name(c), scope=_description(parts)))


#: reader's headers of the code-list columns
CODELIST_HEADERS = {"code": N_("Code"), "group": N_("Group"), "name_fi": N_("Name in Finnish"),
                    "name_en": N_("Name in English"), "section": N_("TOL section"),
                    # i18n: a column of the code list: which definition (scope) of the cluster an industry belongs to
                    "scope": N_("Definition"), "rationale": N_("Why it is included")}


def codelist_table(parts: ClusterParts, columns: list[str]):
    codes = parts.codes
    intro = _("Code list version {version} ({date}). Classification: {citation}. Definition used in this run: "
              "**{scope}** — {description}.\n\nWhere the definition comes from: {source}").format(
        version=codes.version, date=codes.date, citation=display.as_published(codes.citation), scope=f"`{parts.scope}`",
        description=_description(parts), source=display.mark_quotes(_(codes.definition_source)))
    frame = codes.to_frame()[columns]
    shown = frame.copy()
    for column, lang in (("name_fi", "fi"), ("name_en", "en")):  # TOL's names: lang="…" on other pages
        if column in shown:
            shown[column] = display.published(shown[column], lang=lang)
    if "rationale" in shown:  # the project's own words (catalogue); the names are TOL's
        shown["rationale"] = [_(r) for r in shown["rationale"]]
    if "group" in shown:  # the project's own grouping ("ICT services")
        shown["group"] = [_(g) if g else g for g in shown["group"]]
    if "scope" in shown:  # the scope's label, not its parameter value ("core")
        shown["scope"] = [_(codes.scope_label(s)) for s in shown["scope"]]
    shown = shown.rename(columns={c: _(CODELIST_HEADERS[c]) for c in columns})
    return display.table(shown, name=f"codelist_{codes.id}", title=_(codes.title), intro=intro, data=frame,
                         source=codes.citation)


def rd_note(parts: ClusterParts) -> str:
    area, subs = parts.area, parts.rd_area["subregions"]
    name = areas.reader_name(area)
    if area.kind == "municipality":
        return _("This series is by sub-region; there is no value for the municipality {area}.").format(area=name)
    if not subs:
        return _("No sub-region of {area} is in this series (Turku, Salo, Helsinki, Tampere, Oulu only).").format(
            area=areas.reader_name(area, in_sentence=True))
    # i18n: {subregions} are sub-region codes ("SK023")
    return _("Sub-regions of {area} in the series: {subregions}.").format(
        area=areas.reader_name(area, in_sentence=True), subregions=", ".join(subs))


def rd_releases(parts: ClusterParts):
    releases = parts.rd.drop_duplicates("year")[["year", "release_year", "table_ref", "release_date"]]
    shown = releases.rename(columns={"year": _("Year"), "release_year": _("Release used"),
                                     "table_ref": _("Table"), "release_date": _("Published")})
    return display.markdown(rd_note(parts) + "\n\n" + display.markdown_table(shown, plain=(_("Release used"),)))


def rd_chart(parts: ClusterParts):
    rd = parts.rd
    lines = (rd[rd["region_code"] != "SSS"].pivot(index="year", columns="region_name", values="value")
             .reindex(range(rd["year"].min(), rd["year"].max() + 1)))
    subs = set(parts.rd_area["subregions"])
    highlight = sorted({n for c, n in zip(rd["region_code"], rd["region_name"]) if c in subs})
    return plotting.line_chart(
        lines, title=_("R&D expenditure in the five largest R&D sub-regions, 2007–2013"),
        y_label=_("R&D expenditure"), units=_("EUR million"), x_label=_("Year"), highlight=highlight or None,
        source=provenance.source_caption([RD], parts.snapshot))


def live_note(*sections: LiveSection):
    """The live section's one note: which live-only datasets the run lacks and the command
    that pulls them (None when every one is pinned). A section that has no dataset at the
    area's level (municipal data outside Varsinais-Suomi) adds its own sentence."""
    lacking = [s for s in sections if s.data is None]
    if not lacking:
        return None
    unpinned = list(dict.fromkeys(s.dataset for s in lacking if s.dataset and not s.pinned))
    other = list(dict.fromkeys(s.note for s in lacking if not s.dataset or s.pinned))
    text = []
    if unpinned:
        text.append(_("**Not in this snapshot:** {datasets}. This section needs data that can only be pulled live "
                      "from Statistics Finland. With network access run `workbooks data refresh {first}` (and the "
                      "same for the others), then run this workbook again. Nothing is shown in its place.").format(
            datasets=", ".join(f"`{d}`" for d in unpinned), first=unpinned[0]))
    text += [n for n in other if n]
    return display.markdown("\n\n".join(text))


def note_or(section: LiveSection, shown):
    """``shown()`` when the section's data is pinned; nothing otherwise (:func:`live_note`
    has said why, once)."""
    if section.data is None:
        return None
    return shown()


#: reader's headers of the live tables' columns (business.cluster_table, cluster_lq)
LIVE_HEADERS = {"code": N_("Code"), "industry": N_("Industry"), "area": N_("Area"),
                # i18n: headers of a location-quotient table: persons in the industry / in all industries, in the
                # area and in the comparison area
                "e_ir": N_("In the industry, area"), "e_r": N_("All industries, area"),
                "e_iN": N_("In the industry, comparison area"), "e_N": N_("All industries, comparison area"),
                "lq": N_("Location quotient"), "occupation": N_("Occupation")}


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the reader's headers (:data:`LIVE_HEADERS`; years stay as they are)."""
    return frame.rename(columns={c: _(LIVE_HEADERS[c]) for c in frame.columns if c in LIVE_HEADERS})


def business_tables(parts: ClusterParts):
    biz, area = parts.business, parts.area

    def shown():
        # i18n: headings of the live business tables: the measure, its unit and the years shown
        headings = {"establishments": _("**Establishments** (number), {first}–{last}"),
                    "personnel": _("**Personnel** (staff-years), {first}–{last}"),
                    "turnover": _("**Turnover** (EUR 1 000), {first}–{last}")}
        out = []
        for measure, heading in headings.items():
            t = business.cluster_table(biz.data, parts.codes, parts.scope, area.statfin_code, measure)
            out.append(heading.format(first=biz.start, last=biz.end) + "\n\n"
                       + display.markdown_table(readable(t.reset_index())))
        return display.markdown("\n\n".join(out))

    return note_or(biz, shown)


def lq_table(parts: ClusterParts):
    if parts.business.data is None:
        return None
    if parts.lq is None:
        return display.markdown(_("{area} is not in this table; location quotients need it.").format(
            area=areas.reader_name(parts.compare_to)))
    rows = parts.lq[parts.lq["area"] == parts.area.statfin_code].reset_index(drop=True)
    return display.table(readable(rows), decimals=2, name="cluster_lq_personnel",
                         title=_("Location quotients of personnel, {year}").format(year=parts.business.end),
                         source=provenance.source_caption([parts.business.resource], parts.snapshot), data=rows)


#: the title of :func:`lq_chart` for each cluster, whole (keyed by the English ``what`` the notebooks give)
LQ_TITLES = {
    "life-science cluster": N_("Location quotient of the life-science cluster (personnel), {year}, against {ref}"),
    "ICT sector": N_("Location quotient of the ICT sector (personnel), {year}, against {ref}"),
}


def lq_chart(parts: ClusterParts, what: str):
    """The cluster's location quotient by area; ``what`` names the cluster ("ICT sector",
    "life-science cluster": :data:`LQ_TITLES` has the whole title of each)."""
    if parts.lq is None:
        return None
    biz = parts.business
    names = dict(zip(biz.data["area"], biz.data["area_label"]))
    bars = parts.lq[parts.lq["industry"] == industry.CLUSTER_TOTAL].set_index("area")["lq"].rename(index=names)
    ref = areas.reader_name(parts.compare_to, in_sentence=True)
    if what in LQ_TITLES:
        title = _(LQ_TITLES[what]).format(year=biz.end, ref=ref)
    else:
        title = _("Location quotient of the {what} (personnel), {year}, against {ref}").format(
            what=what, year=biz.end, ref=ref)
    return plotting.bar_chart(
        bars, title=title,
        value_label=_("Location quotient"), missing_text=_("suppressed"),
        highlight=parts.area.label if parts.area.label in bars.index else None,
        source=provenance.source_caption([biz.resource], parts.snapshot))


def jobs_tables(parts: ClusterParts):
    jobs, area = parts.jobs, parts.area

    def shown():
        t = business.cluster_table(jobs.data, parts.codes, parts.scope, area.statfin_code, "jobs")
        text = display.markdown_table(readable(t.reset_index()))
        if parts.jobs_lq is not None:
            text += "\n\n" + display.markdown_table(readable(parts.jobs_lq), decimals=2)
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
