"""The ``ict_cluster`` workbook: the ICT sector (OECD 2007 definition in TOL 2008 codes) —
information-sector jobs, the ICT share of establishments, Turku's ICT occupations, R&D and,
when pinned, ICT industries and occupations in the business register and the employment
statistics (shared parts in :mod:`.cluster`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, keyfigures, plotting, provenance
from . import business, cluster, context, industry

INFO_SECTOR = "information_sector_jobs_subregion_2008"
ICT_2016 = "ict_establishment_share_municipality_2016"
OCCUPATIONS_2017 = "turku_jobs_by_occupation_2017"

HEADLINE = (
    keyfigures.Spec("info_sector_share_pct_2008_area_subregions", "Information-sector share of jobs 2008", "%", 1),
    keyfigures.Spec("turku_software_developers_2017", "Software developers' jobs in Turku 2017", "jobs"),
    keyfigures.Spec("rd_eur_million_end", "R&D expenditure of the area's sub-regions, last year", "EUR million", 1),
    keyfigures.Spec("rd_share_of_national_pct_end", "Share of Finland's R&D, last year", "%", 1),
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
    res.figures = _figures(res)
    return res


def _figures(res: IctCluster) -> dict:
    p, biz = res.parts, res.parts.business
    fig = cluster.common_figures(p)
    fig["ict_codes"] = fig.pop("cluster_codes")  # the names the ICT cards have always used
    fig["ict_lq_personnel_end"] = fig.pop("cluster_lq_personnel_end")
    fig.pop("rd_share_of_national_pct_end")
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
    })
    fig["ict_personnel_end"] = None
    if biz.data is not None:
        persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
        fig["ict_personnel_end"] = context.pick_value(persons.reset_index(), code="all", column=biz.end)
    return fig


# ----------------------------------------------------------------------------- shown parts


def codelist(res: IctCluster):
    text = cluster.codelist_table(res.parts, ["code", "group", "name_fi", "name_en", "section"]).data
    return display.markdown(f"Definition source: {res.parts.codes.definition_source}.\n\n" + text)


def claims(res: IctCluster):
    p = res.parts
    table = p.register.merge(p.verdicts[["seed_id", "official_data_that_could_confirm", "verdict"]])
    return display.table(table[["claim_id", "statement_as_published", "publisher", "reference_year",
                                "official_data_that_could_confirm", "status", "verdict"]])


def info_note(res: IctCluster):
    area, info = res.parts.area, res.info_area
    if area.kind == "municipality":
        return display.markdown(f"This series is by sub-region; there is no value for the municipality {area.label}.")
    if not info["subregions"]:
        return display.markdown(f"No sub-region of {area.label} is among the ten in this table.")
    return display.markdown(
        f"Sub-regions of {area.label} in the table: {', '.join(info['subregions'])}; together "
        f"{analysis.format_number(info['jobs'])} information-sector jobs, {info['share']:.1f} % of their jobs.")


def info_chart(res: IctCluster):
    info = res.info
    shares = info[info["measure"] == "information_sector_share"].set_index("region_name")["value"]
    names = info.drop_duplicates("region_code").set_index("region_code")["region_name"]
    return plotting.bar_chart(
        shares.rename(index={names["SSS"]: "Whole country"}),
        title="Share of jobs in the information sector, ten largest sub-regions, 2008",
        value_label="Share of all jobs", units="%", decimals=1,
        highlight=[names[s] for s in res.info_area["subregions"]] or None,
        source=provenance.source_caption([INFO_SECTOR], res.snapshot))


def establishments_2016(res: IctCluster):
    if res.ict16_area.empty:
        return display.markdown(f"No municipality of {res.parts.area.label} is in this chart "
                                "(it covers the 26 municipalities over 40 000 inhabitants).")
    return display.table(res.ict16_area[["region_code", "region_name", "value", "unit", "pairing_confidence"]])


def establishments_2016_chart(res: IctCluster):
    bars = res.ict16.set_index("region_name")["value"].rename(index={"Koko maa": "Whole country"})
    return plotting.bar_chart(
        bars, title="ICT (TOL J) share of establishments, municipalities over 40 000 inhabitants, 2016 "
                    "(chart transcript)",
        value_label="Share of all establishments", units="%", decimals=1,
        highlight=list(res.ict16_area["region_name"]) or None,
        source=provenance.source_caption([ICT_2016], res.snapshot))


def turku_occupations(res: IctCluster):
    if not res.turku_in_area:
        return display.markdown(f"This table is for Turku only; there is no value for {res.parts.area.label}.")
    jobs = res._occ_jobs()
    software = jobs["251"]
    text = (f"Software and applications developers and analysts (251) in Turku, 2017: "
            f"{analysis.format_number(software)} jobs, {analysis.share(software, jobs['TOTAL']):.1f} % "
            "of all jobs in Turku.")
    rows = res.occ17[res.occ17["occupation_code_aml2010"] == "251"][["occupation_name", "measure", "value", "unit"]]
    return display.markdown(text + "\n\n" + display.markdown_table(rows))


def business_table(res: IctCluster):
    biz, p = res.parts.business, res.parts
    if biz.data is None:
        return display.markdown(biz.note or "")
    persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
    return display.table(persons.join(res.growth).reset_index())


def occupations_table(res: IctCluster):
    occ = res.occupations
    if occ.data is None:
        return display.markdown(occ.note or "")
    if res.occupation_table is None:
        return display.markdown(f"{res.parts.compare_to.label} is not in this table; location quotients need it.")
    return display.table(res.occupation_table[["occupation", "industry", "e_ir", "e_r", "lq"]], decimals=2)
