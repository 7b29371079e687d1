"""The ``ict_cluster`` workbook: the ICT sector (OECD 2007 definition in TOL 2008 codes).

Offline, from the pinned snapshot: information and communication (TOL J) jobs 2017 in every
municipality and region with location quotients (:mod:`.cluster_paavo`), J employment in
Varsinais-Suomi and Finland 2000–2017 (:mod:`.cluster_eurostat`), the national size of every
ICT industry at TOL 5-digit level 2012–2016 (:mod:`.cluster_tol5`), jobseekers and vacancies
in the ICT occupations (:mod:`.cluster_tem`), J jobs by postal area (:mod:`.cluster_postal`),
the published claims against official totals (:mod:`.cluster_claims`) and the older context
series (information-sector jobs 2008, ICT establishments 2016, Turku occupations 2017, R&D).
When pinned, the live business and employment statistics add the ICT industries by area
(shared parts in :mod:`.cluster`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, keyfigures, plotting, provenance, regions
from ..i18n import N_, _
from . import (
    areas,
    business,
    cluster,
    cluster_claims,
    cluster_eurostat,
    cluster_paavo,
    cluster_postal,
    cluster_tem,
    cluster_tol5,
    context,
    industry,
)

INFO_SECTOR = "information_sector_jobs_subregion_2008"
ICT_2016 = "ict_establishment_share_municipality_2016"
OCCUPATIONS_2017 = "turku_jobs_by_occupation_2017"
SECTION = "J"
#: the section and the sector as the shared sections name them (English: their TEXTS have the whole texts)
NAME = "information and communication"
WHAT = "the ICT sector"

HEADLINE = (
    keyfigures.Spec("j_jobs_2017", N_("Information and communication (J) jobs in the area, 2017"), N_("jobs")),
    keyfigures.Spec("j_share_pct_2017", N_("J share of all jobs in the area, 2017"), "%", 1),
    keyfigures.Spec("j_lq_2017", N_("Location quotient of J jobs against the comparison area, 2017"), "", 2),
    keyfigures.Spec("national_ict_employed_2016", N_("Employed in the ICT industries, whole country, 2016"),
                    N_("persons")),
)
HEADLINE_VS = HEADLINE + (
    keyfigures.Spec("ict_unemployed_vs_latest", N_("Unemployed ICT jobseekers in Southwest Finland, latest month "
                    "(at least)"), N_("persons")),
)


@dataclass
class IctCluster:
    parts: cluster.ClusterParts
    info: pd.DataFrame
    info_area: dict
    ict16: pd.DataFrame
    ict16_area: pd.DataFrame
    occ17: pd.DataFrame
    turku_in_area: bool
    growth: pd.Series | None
    occupations: cluster.LiveSection
    occupation_table: pd.DataFrame | None
    jobs: cluster_paavo.SectionJobs | None = None
    series: cluster_eurostat.SectionSeries | None = None
    sizes: cluster_tol5.NationalSizes | None = None
    seekers: cluster_tem.IctJobseekers | None = None
    postal: cluster_postal.PostalJobs | None = None
    evidence: cluster_claims.Evidence | None = None
    notes: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    headline: tuple = HEADLINE
    snapshot: Any = field(default=None, repr=False)

    @property
    def software_2017(self) -> float | None:
        if not self.turku_in_area:
            return None
        jobs = self._occ_jobs()
        return float(jobs["251"])

    def _occ_jobs(self) -> pd.Series:
        occ = self.occ17
        return occ[occ["measure"] == "jobs_in_turku"].set_index("occupation_code_aml2010")["value"].astype(float)


def _offline(res: IctCluster, snap) -> None:
    """The offline measurements (each left out, with a note, when its resource is missing)."""
    p, opt = res.parts, cluster.optional
    res.jobs, res.notes["jobs"] = opt(snap, [cluster_paavo.PAAVO],
                                      lambda: cluster_paavo.compute(snap, p.area, p.compare_to, [SECTION]))
    res.series, res.notes["series"] = opt(snap, [cluster_eurostat.EUROSTAT], lambda: cluster_eurostat.section_series(
        snap.load(cluster_eurostat.EUROSTAT), SECTION, p.area, snap))
    res.sizes, res.notes["sizes"] = opt(snap, [cluster_tol5.TOL5], lambda: cluster_tol5.national_sizes(
        snap.load(cluster_tol5.TOL5), p.codes, p.scope, snap))
    res.seekers, res.notes["seekers"] = opt(snap, [cluster_tem.TEM], lambda: cluster_tem.compute(snap, p.area))
    res.postal, res.notes["postal"] = opt(snap, [cluster_postal.POSTAL, cluster_postal.KEY],
                                          lambda: cluster_postal.compute(snap, p.area, SECTION))
    if res.postal is None and res.notes["postal"] is None:
        res.notes["postal"] = cluster_postal.note(None, p.area)
    if None not in (res.jobs, res.sizes, res.series):
        core = res.sizes if p.scope == "core" else cluster_tol5.national_sizes(
            snap.load(cluster_tol5.TOL5), p.codes, "core", snap)
        res.evidence = cluster_claims.ict(p.claims, res.jobs, core, res.series, snap)
    else:
        res.notes["evidence"] = next(n for n in (res.notes["jobs"], res.notes["sizes"], res.notes["series"]) if n)


def compute(params, snapshot) -> IctCluster:
    parts = cluster.common(params, snapshot, "ict")
    area, ref, biz = parts.area, parts.compare_to.statfin_code, parts.business
    info = snapshot.load(INFO_SECTOR)
    ict16 = snapshot.load(ICT_2016)
    occ17 = snapshot.load(OCCUPATIONS_2017)
    growth = None
    if biz.data is not None:
        persons = business.cluster_table(biz.data, parts.codes, parts.scope, area.statfin_code, "personnel")
        growth = analysis.growth(persons[biz.start], persons[biz.end]).rename("growth_pct")
    occ = cluster.live(area, "occupations", snapshot, params["start_year"], params["end_year"])
    occ_table = None
    if occ.data is not None and ref in set(occ.data["area"]):
        occ_table = business.ict_occupation_table(occ.data, areas=[area.statfin_code], reference=ref, year=occ.end)
    res = IctCluster(parts, info, context.info_sector_summary(info, area), ict16, context.members_in(ict16, area),
                     occ17, not context.members_in(occ17, area).empty, growth, occ, occ_table, snapshot=snapshot)
    _offline(res, snapshot)
    res.figures = _figures(res)
    if res.seekers is not None and res.seekers.covers_area:
        res.headline = HEADLINE_VS
    return res


def _offline_figures(res: IctCluster) -> dict:
    fig: dict = {}
    if res.jobs is not None:
        j = res.jobs
        fig.update({"j_jobs_2017": j.figure("jobs_J"), "j_share_pct_2017": j.figure("share_J"),
                    "j_lq_2017": j.figure("lq_J"), "j_lq_reference": res.parts.compare_to.statfin_code,
                    "j_jobs_2017_region": j.figure("jobs_J", j.region),
                    "j_lq_2017_region": j.figure("lq_J", j.region),
                    "j_jobs_2017_country": j.figure("jobs_J", regions.country())})
    if res.series is not None:
        s = res.series
        fig.update({"vs_j_employed_first": s.value("vs", s.first), "vs_j_employed_last": s.value("vs"),
                    "vs_j_change_pct": analysis.growth(s.value("vs", s.first), s.value("vs")),
                    "fi_j_change_pct": analysis.growth(s.value("fi", s.first), s.value("fi")),
                    "eurostat_period": f"{s.first}–{s.last}"})
    if res.sizes is not None:
        fig.update({"national_ict_employed_2016": res.sizes.total_in(2016),
                    "national_ict_employed": {y: res.sizes.total_in(y) for y in res.sizes.years}})
    if res.seekers is not None:
        t = res.seekers
        fig.update({"ict_unemployed_vs_latest": t.value("MK02", "ict_unemployed"),
                    "ict_vacancies_vs_latest": t.value("MK02", "ict_vacancies"),
                    "ict_unemployed_country_latest": t.value("SSS", "ict_unemployed"), "tem_latest_month": t.last_month,
                    "ict_unemployed_vs_mean_2022": t.year_value("MK02", 2022, "ict_unemployed"),
                    "ict_share_of_unemployed_vs_pct_2022": t.year_value("MK02", 2022, "ict_share_unemployed")})
    if res.postal is not None:
        fig.update({"postal_subregion": res.postal.subregion_code, "postal_year": str(res.postal.year),
                    "postal_j_jobs_total": res.postal.total})
    if res.evidence is not None:
        fig["capital_region_j_share_2017_pct"] = res.evidence.figures["capital_region_j_share_2017_pct"]
    return fig


def _figures(res: IctCluster) -> dict:
    p, biz = res.parts, res.parts.business
    fig = cluster.common_figures(p)
    fig["ict_codes"] = fig.pop("cluster_codes")  # the names the ICT cards have always used
    fig["ict_lq_personnel_end"] = fig.pop("cluster_lq_personnel_end")
    fig.pop("rd_share_of_national_pct_end")
    for name in ("j_jobs_2017", "j_share_pct_2017", "j_lq_2017", "national_ict_employed_2016",
                 "ict_unemployed_vs_latest"):
        fig[name] = None  # declared headline figures exist even when their part is left out
    fig.update(_offline_figures(res))
    fig.update({
        "info_sector_subregions_in_area": res.info_area["subregions"],
        "info_sector_share_2008_by_subregion": res.info_area["share_by_subregion"],
        "info_sector_share_pct_2008_area_subregions": res.info_area["share"],
        "ict_j_establishment_share_2016": dict(zip(res.ict16_area["region_code"], res.ict16_area["value"])),
        "turku_software_developers_2017": res.software_2017,
        "rd_share_of_national_pct_end": p.rd_area["share_of_national_end"],
        "ict_personnel_growth_pct": (context.pick_value(res.growth.reset_index(), code="all", column="growth_pct")
                                     if res.growth is not None else None),
        "ict_jobs_lq_end": context.pick_value(p.jobs_lq, industry=industry.CLUSTER_TOTAL, column="lq"),
        "ict_occupations_lq_end": context.pick_value(res.occupation_table, industry="ICT", column="lq"),
        # the verdict on each published claim, in the reader's words (codes: the verdict table)
        "claims_official_check": {s: _(industry.OFFICIAL_CHECKS[c])
                                  for s, c in zip(p.verdicts["seed_id"], p.verdicts["official_check"])},
    })
    fig["ict_personnel_end"] = None
    if biz.data is not None:
        persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
        fig["ict_personnel_end"] = context.pick_value(persons.reset_index(), code="all", column=biz.end)
    return fig


# ----------------------------------------------------------------------------- shown parts: offline measurements


def codelist(res: IctCluster):
    return cluster.codelist_table(res.parts, ["code", "group", "name_fi", "name_en", "section"])


jobs_area = cluster_paavo.shown_area
jobs_municipalities = cluster_paavo.shown_members
jobs_regions = cluster_paavo.shown_regions


def jobs_region_map(res: IctCluster):
    return cluster_paavo.shown_region_map(res, SECTION)


def jobs_finland_map(res: IctCluster):
    return cluster_paavo.shown_finland_map(res, SECTION)


def employment_series(res: IctCluster):
    def shown(s):
        table = cluster_eurostat.series_table(s, NAME, SECTION)
        note = cluster_eurostat.coverage_note(s, NAME)
        if note:
            table.data = note + "\n\n" + table.data
        return table

    return cluster.when(res.series, res.notes.get("series"), shown)


def employment_chart(res: IctCluster):
    return cluster.when(res.series, res.notes.get("series"), cluster_eurostat.index_chart, NAME)


def national_table(res: IctCluster):
    return cluster.when(res.sizes, res.notes.get("sizes"), cluster_tol5.size_table, WHAT)


def national_chart(res: IctCluster):
    return cluster.when(res.sizes, res.notes.get("sizes"), cluster_tol5.size_chart, WHAT, by="group")


def jobseekers_table(res: IctCluster):
    return cluster.when(res.seekers, res.notes.get("seekers"), cluster_tem.yearly_table, res.parts.area)


def jobseekers_chart(res: IctCluster):
    return cluster.when(res.seekers, res.notes.get("seekers"), cluster_tem.monthly_chart)


def jobseekers_share_chart(res: IctCluster):
    return cluster.when(res.seekers, res.notes.get("seekers"), cluster_tem.share_chart)


def postal_map(res: IctCluster):
    return cluster.when(res.postal, res.notes.get("postal"), cluster_postal.point_map,
                        "Information and communication")


def postal_table(res: IctCluster):
    if res.postal is None:
        return None  # the map's cell has said why
    return cluster_postal.table(res.postal, NAME)


def claims_evidence(res: IctCluster):
    return cluster.when(res.evidence, res.notes.get("evidence"), cluster_claims.evidence_table,
                        "ict_claims_official_totals")


def claims(res: IctCluster):
    return cluster_claims.verdict_table(res.parts.verdicts, "ict_claims_verdicts")


def statements(res: IctCluster):
    return cluster_claims.statements_table(res.parts.register, "ict_claims_statements")


# ----------------------------------------------------------------------------- shown parts: older series


def info_note(res: IctCluster):
    area, info = res.parts.area, res.info_area
    name = areas.reader_name(area, in_sentence=True)
    if area.kind == "municipality":
        return display.markdown(_("This series is by sub-region; there is no value for the municipality "
                                  "{area}.").format(area=name))
    if not info["subregions"]:
        return display.markdown(_("No sub-region of {area} is among the ten in this table.").format(area=name))
    # i18n: {subs} are sub-region codes ("SK023")
    return display.markdown(_(
        "Sub-regions of {area} in the table: {subs}; together {jobs} information-sector jobs, {share} % of their "
        "jobs.").format(area=name, subs=", ".join(info["subregions"]),
                        jobs=analysis.format_number(info["jobs"]), share=analysis.format_number(info["share"], 1)))


def info_chart(res: IctCluster):
    info = res.info
    shares = info[info["measure"] == "information_sector_share"].set_index("region_name")["value"]
    names = info.drop_duplicates("region_code").set_index("region_code")["region_name"]
    return plotting.bar_chart(
        shares.rename(index={names["SSS"]: _("Whole country")}),
        title=_("Share of jobs in the information sector, ten largest sub-regions, 2008"),
        value_label=_("Share of all jobs"), units="%", decimals=1,
        highlight=[names[s] for s in res.info_area["subregions"]] or None,
        source=provenance.source_caption([INFO_SECTOR], res.snapshot))


#: how each value of the 2016 chart transcript was paired with its municipality (the pinned
#: file's ``pairing_confidence``), in the reader's words
PAIRINGS = {
    "chart transcript: label and value lists paired by position (both in descending chart order)":
        N_("read from the chart: names and values paired by their position (both in descending order)"),
    "explicit label in transcript": N_("read from the chart: the value is labelled with the name"),
}
#: the measures and units of the pinned 2017 occupation table (Turku), in the reader's words
OCCUPATION_MEASURES = {
    "jobs_in_turku": N_("Jobs in Turku"),
    "commuting_employed_to_turku": N_("Of them, commuting to Turku from another municipality"),
    "working_in_home_municipality_turku": N_("Of them, living in Turku"),
    "share_commuting": N_("Share commuting from another municipality"),
    "share_working_in_home_municipality": N_("Share living in Turku"),
}
UNITS = {"persons": N_("persons"), "percent": N_("%")}


def establishments_2016(res: IctCluster):
    if res.ict16_area.empty:
        return display.markdown(_("No municipality of {area} is in this chart (it covers the 26 municipalities "
                                  "over 40 000 inhabitants).").format(
            area=areas.reader_name(res.parts.area, in_sentence=True)))
    t = res.ict16_area
    shown = pd.DataFrame({_("Code"): t["region_code"], _("Municipality"): t["region_name"],
                          _("ICT (J) share of establishments, %"): t["value"].astype(float),
                          _("How the value was read"): [_(PAIRINGS[v]) if v in PAIRINGS else display.Published(v)
                                                        for v in t["pairing_confidence"]]})
    return display.table(shown, name="ict_establishment_share_2016", data=t,
                         title=_("ICT (TOL J) share of establishments, 2016 (chart transcript)"),
                         source=provenance.source_caption([ICT_2016], res.snapshot))


def establishments_2016_chart(res: IctCluster):
    bars = res.ict16.set_index("region_name")["value"].rename(index={"Koko maa": _("Whole country")})
    return plotting.bar_chart(
        bars, title=_("ICT (TOL J) share of establishments, municipalities over 40 000 inhabitants, 2016 "
                      "(chart transcript)"),
        value_label=_("Share of all establishments"), units="%", decimals=1,
        highlight=list(res.ict16_area["region_name"]) or None,
        source=provenance.source_caption([ICT_2016], res.snapshot))


def turku_occupations(res: IctCluster):
    if not res.turku_in_area:
        return display.markdown(_("This table is for Turku only; there is no value for {area}.").format(
            area=areas.reader_name(res.parts.area, in_sentence=True)))
    jobs = res._occ_jobs()
    software = jobs["251"]
    text = _("Software and applications developers and analysts (251) in Turku, 2017: {n} jobs, {share} % of all "
             "jobs in Turku.").format(n=analysis.format_number(software),
                                      share=analysis.format_number(analysis.share(software, jobs["TOTAL"]), 1))
    rows = res.occ17[res.occ17["occupation_code_aml2010"] == "251"]
    shown = pd.DataFrame({_("Occupation"): display.published(rows["occupation_name"]),
                          _("Measure"): [_(OCCUPATION_MEASURES[m]) if m in OCCUPATION_MEASURES else
                                         display.Published(m.replace("_", " ")) for m in rows["measure"]],
                          _("Value"): rows["value"].astype(float),
                          _("Unit"): [_(UNITS[u]) if u in UNITS else display.Published(u) for u in rows["unit"]]})
    return display.table(shown, name="turku_software_developers_2017", data=rows, intro=text,
                         title=_("Software developers' jobs in Turku, 2017"),
                         source=provenance.source_caption([OCCUPATIONS_2017], res.snapshot))


# ----------------------------------------------------------------------------- shown parts: live data


def live_note(res: IctCluster):
    p = res.parts
    return cluster.live_note(p.business, p.jobs, res.occupations)


def business_table(res: IctCluster):
    biz, p = res.parts.business, res.parts
    if biz.data is None:
        return None
    persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
    years = {str(c): 0 for c in persons.columns}
    return display.table(cluster.readable(persons.join(res.growth).reset_index()).rename(
        columns={"growth_pct": _("Growth, %")}), decimals=years, name="ict_personnel",
        title=_("Personnel in the ICT industries, {area}").format(area=areas.reader_name(p.area)),
        source=provenance.source_caption([biz.resource], res.snapshot))


def occupations_table(res: IctCluster):
    occ = res.occupations
    if occ.data is None:
        return None
    if res.occupation_table is None:
        return display.markdown(_("{area} is not in this table; location quotients need it.").format(
            area=areas.reader_name(res.parts.compare_to)))
    t = res.occupation_table[["occupation", "industry", "e_ir", "e_r", "lq"]]
    return display.table(cluster.readable(t), decimals=2, name="ict_occupations_lq",
                         title=_("Employed in the ICT occupations, {year}").format(year=occ.end),
                         source=provenance.source_caption([occ.resource], res.snapshot))
