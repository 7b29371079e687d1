"""The ``life_science_cluster`` workbook: the HealthTurku life-science cluster.

Offline, from the pinned snapshot: its definition as TOL 2008 industries; manufacturing (C),
professional and scientific services (M) and health and social work (Q) jobs 2017 in every
municipality and region with location quotients (:mod:`.cluster_paavo`); the national size of
the cluster industries at TOL 5-digit level 2012–2016 (:mod:`.cluster_tol5`); the published
claims re-judged against the official totals (:mod:`.cluster_claims`); R&D, manufacturing value
added and goods exports as context. When pinned, the live business statistics measure the
cluster at its fine TOL level: establishments, personnel and turnover, location quotients,
shift-share and the direct test of the "20 %" claims (shared parts in :mod:`.cluster`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, keyfigures, plotting, provenance
from ..i18n import N_, _
from . import (
    areas,
    business,
    cluster,
    cluster_claims,
    cluster_eurostat,
    cluster_paavo,
    cluster_tol5,
    context,
    industry,
)

VALUE_ADDED = "manufacturing_value_added_region"
EXPORTS = "goods_exports_region"
NOT_TESTABLE = N_("not testable: live data not pinned")
SECTIONS = ("C", "M", "Q")
#: the cluster as the shared national-size section names it (English; cluster_tol5.TEXTS has its whole texts)
WHAT = "the life-science industries"

HEADLINE = (
    keyfigures.Spec("c_jobs_2017", N_("Manufacturing (C) jobs in the area, 2017"), N_("jobs")),
    keyfigures.Spec("c_lq_2017", N_("Location quotient of manufacturing jobs against the comparison area, 2017"),
                    "", 2),
    keyfigures.Spec("m_jobs_2017", N_("Professional, scientific and technical (M) jobs in the area, 2017"),
                    N_("jobs")),
    keyfigures.Spec("q_jobs_2017", N_("Health and social work (Q) jobs in the area, 2017"), N_("jobs")),
    keyfigures.Spec("national_core_employed_2016", N_("Employed in the core life-science industries, whole country, "
                    "2016"), N_("persons")),
    # i18n: a key figure: the verdict on the published claim that the cluster is 20 % of the region's industry
    keyfigures.Spec("claim_20pct_official_verdict", N_("Claim “20 % of the region's industrial workforce”")),
)


@dataclass
class LifeScienceCluster:
    parts: cluster.ClusterParts
    value_added: pd.DataFrame
    va_area: pd.DataFrame
    exports_area: pd.DataFrame
    shift_share: pd.DataFrame | None
    checks: list[dict] | None
    jobs: cluster_paavo.SectionJobs | None = None
    sizes: cluster_tol5.NationalSizes | None = None
    core_sizes: cluster_tol5.NationalSizes | None = None
    evidence: cluster_claims.Evidence | None = None
    notes: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    headline: tuple = HEADLINE
    snapshot: Any = field(default=None, repr=False)


def _offline(res: LifeScienceCluster, snap) -> None:
    p, opt = res.parts, cluster.optional
    res.jobs, res.notes["jobs"] = opt(snap, [cluster_paavo.PAAVO],
                                      lambda: cluster_paavo.compute(snap, p.area, p.compare_to, SECTIONS))
    res.sizes, res.notes["sizes"] = opt(snap, [cluster_tol5.TOL5], lambda: cluster_tol5.national_sizes(
        snap.load(cluster_tol5.TOL5), p.codes, p.scope, snap))
    if res.sizes is not None:
        res.core_sizes = res.sizes if p.scope == "core" else cluster_tol5.national_sizes(
            snap.load(cluster_tol5.TOL5), p.codes, "core", snap)
    res.evidence, res.notes["evidence"] = opt(
        snap, [cluster_paavo.PAAVO, cluster_tol5.TOL5, cluster_eurostat.EUROSTAT],
        lambda: cluster_claims.life_science(p.claims, res.jobs, snap.load(cluster_eurostat.EUROSTAT),
                                            res.core_sizes, snap))


def compute(params, snapshot) -> LifeScienceCluster:
    parts = cluster.common(params, snapshot, "life_science")
    area, ref, biz = parts.area, parts.compare_to.statfin_code, parts.business
    va = context.value_added_shares(snapshot.load(VALUE_ADDED))
    exports = context.area_rows(snapshot.load(EXPORTS), area)
    exports = exports[exports["measure"].str.startswith("share_of_national_goods_exports")]
    ss = checks = None
    if biz.data is not None:
        if ref in set(biz.data["area"]):
            ss = business.cluster_shift_share(biz.data, parts.codes, parts.scope, area=area.statfin_code,
                                              reference=ref, start=biz.start, end=biz.end, measure="personnel")
        checks = [business.industrial_share_check(biz.data, parts.codes, parts.scope, area=area.statfin_code,
                                                  year=biz.end, measure=m) for m in ("personnel", "turnover")]
    res = LifeScienceCluster(parts, va, context.area_rows(va, area), exports, ss, checks, snapshot=snapshot)
    _offline(res, snapshot)
    res.figures = _figures(res)
    return res


def verdict_20pct(res: LifeScienceCluster) -> str | None:
    """The official verdict on the 20 % claim in words, with the share it rests on."""
    label = cluster_claims.short_verdict(res.parts.verdicts, "LS3")
    if res.evidence is None:
        return label
    f = res.evidence.figures
    return _("{label} ({jobs} jobs = {share} % of the region's official manufacturing jobs, 2017)").format(
        label=label, jobs=analysis.format_number(f["claim_jobs"]),
        share=analysis.format_number(f["claim_jobs_share_of_c_jobs_pct"], 1))


def _offline_figures(res: LifeScienceCluster) -> dict:
    fig = {name: None for name in ("c_jobs_2017", "c_lq_2017", "m_jobs_2017", "q_jobs_2017",
                                   "national_core_employed_2016")}
    if res.jobs is not None:
        j = res.jobs
        for s in SECTIONS:
            low = s.lower()
            fig.update({f"{low}_jobs_2017": j.figure(f"jobs_{s}"), f"{low}_share_pct_2017": j.figure(f"share_{s}"),
                        f"{low}_lq_2017": j.figure(f"lq_{s}"),
                        f"{low}_jobs_2017_region": j.figure(f"jobs_{s}", j.region)})
        fig["lq_reference"] = res.parts.compare_to.statfin_code
    if res.sizes is not None:
        fig["national_employed_by_code_2016"] = {c: int(v) for c, v in res.sizes.by_code[2016].items()}
        fig["national_cluster_employed"] = {y: res.sizes.total_in(y) for y in res.sizes.years}
        fig["national_core_employed_2016"] = res.core_sizes.total_in(2016)
    if res.evidence is not None:
        e = res.evidence.figures
        fig.update({k: e[k] for k in ("implied_industrial_workforce", "vs_manufacturing_jobs_2017",
                                      "vs_manufacturing_employed_2017_eurostat", "claim_jobs_share_of_c_jobs_pct",
                                      "claim_jobs_share_of_c_employed_pct",
                                      "claim_jobs_share_of_national_core_pct_last",
                                      "twenty_pct_share_of_national_core_manufacturing_pct")})
    return fig


def _figures(res: LifeScienceCluster) -> dict:
    p, va, biz = res.parts, res.va_area, res.parts.business
    latest = {s: res.value_added[res.value_added["scope"] == s]["year"].max() for s in ("C", "BCDE")}
    persons = None
    if biz.data is not None:
        persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
    fig = cluster.common_figures(p)
    fig.update(_offline_figures(res))
    fig.update({
        "claim_20pct_official_verdict": verdict_20pct(res),
        # the verdict on each published claim, in the reader's words (codes: the verdict table)
        "claims_official_check": {s: _(industry.OFFICIAL_CHECKS[c])
                                  for s, c in zip(p.verdicts["seed_id"], p.verdicts["official_check"])},
        "claims_not_found": int((p.verdicts["status"] == "not_found").sum()),
        "claims_checkable_live": int((p.verdicts["status"] == "checkable_live").sum()),
        "manufacturing_va_share_pct_c_latest": context.pick_value(va, scope="C", year=latest["C"], column="share"),
        "industry_va_share_pct_bcde_latest": context.pick_value(va, scope="BCDE", year=latest["BCDE"], column="share"),
        "goods_exports_share_pct_2022": context.pick_value(res.exports_area, year=2022, column="value"),
        "goods_exports_share_pct_2019": context.pick_value(res.exports_area, year=2019, column="value"),
        "cluster_personnel_end": (context.pick_value(persons.reset_index(), code="all", column=biz.end)
                                  if persons is not None else None),
        "cluster_regional_shift": context.pick_value(res.shift_share, industry=industry.CLUSTER_TOTAL,
                                                     column="regional_shift"),
        "share_of_manufacturing_personnel_pct": res.checks[0]["share"] if res.checks else None,
        "share_of_manufacturing_turnover_pct": res.checks[1]["share"] if res.checks else None,
        "claim_20pct_workforce_verdict": _(business.VERDICTS[res.checks[0]["verdict"]]) if res.checks
        else _(NOT_TESTABLE),
        "claim_20pct_turnover_verdict": _(business.VERDICTS[res.checks[1]["verdict"]]) if res.checks
        else _(NOT_TESTABLE),
        "pharma_jobs_lq_end": context.pick_value(p.jobs_lq, industry="21", column="lq"),
    })
    return fig


# ----------------------------------------------------------------------------- shown parts: offline measurements


def codelist(res: LifeScienceCluster):
    return cluster.codelist_table(res.parts, ["code", "name_fi", "name_en", "section", "scope", "rationale"])


jobs_area = cluster_paavo.shown_area
jobs_municipalities = cluster_paavo.shown_members
jobs_regions = cluster_paavo.shown_regions


def jobs_region_map(res: LifeScienceCluster):
    return cluster_paavo.shown_region_map(res, "C")


def jobs_finland_map(res: LifeScienceCluster):
    return cluster_paavo.shown_finland_map(res, "C")


def national_table(res: LifeScienceCluster):
    return cluster.when(res.sizes, res.notes.get("sizes"), cluster_tol5.size_table, WHAT)


def national_chart(res: LifeScienceCluster):
    return cluster.when(res.sizes, res.notes.get("sizes"), cluster_tol5.size_chart, WHAT)


def claims_evidence(res: LifeScienceCluster):
    return cluster.when(res.evidence, res.notes.get("evidence"), cluster_claims.evidence_table,
                        "life_science_claims_official_totals")


def verdicts(res: LifeScienceCluster):
    return cluster_claims.verdict_table(res.parts.verdicts, "life_science_claims_verdicts")


def statements(res: LifeScienceCluster):
    return cluster_claims.statements_table(res.parts.register, "life_science_claims_statements")


# ----------------------------------------------------------------------------- shown parts: context series


#: the two scopes of the regional industrial statistics (atoi) for readers; the data keep the codes
VALUE_ADDED_SCOPES = {"C": N_("Manufacturing (C)"), "BCDE": N_("All industry (B–E)")}


def _release_year(release: str) -> str:
    """A release of the regional industrial statistics as its year ("atoi_2010_tie_002" ->
    "2010"; the data file keeps the table's id)."""
    m = re.match(r"atoi_(\d{4})_", str(release))
    return m.group(1) if m else str(release)


def value_added_table(res: LifeScienceCluster):
    if res.va_area.empty:
        return display.markdown(_("No value for {area} in this series (it lists the largest industrial regions "
                                  "only).").format(area=areas.reader_name(res.parts.area, in_sentence=True)))
    t = res.va_area
    euros = (_("Value added, EUR 1 000"), _("Whole country, EUR 1 000"))
    # i18n: a column of the value-added table: manufacturing (C) or all industry (B–E)
    shown = pd.DataFrame({_("Industries"): [_(VALUE_ADDED_SCOPES.get(s, s)) for s in t["scope"]],
                          _("Year"): t["year"], _("Release"): [_release_year(r) for r in t["release"]],
                          euros[0]: t["value_added"].astype(float), euros[1]: t["national"].astype(float),
                          _("Share of the country, % (derived)"): t["share"],
                          _("Share as published, %"): t["share_published"]})
    return display.table(shown, {euros[0]: 0, euros[1]: 0}, name="manufacturing_value_added_share", data=t,
                         title=_("Share of national value added, {area}").format(
                             area=areas.reader_name(res.parts.area)),
                         source=provenance.source_caption([VALUE_ADDED], res.snapshot))


def value_added_chart(res: LifeScienceCluster):
    va = res.value_added
    latest = va[va["scope"] == "C"]["year"].max()
    rows = va[(va["scope"] == "C") & (va["year"] == latest)]
    # the regions by their names in the reader's language (the series prints Finnish names)
    bars = pd.Series(rows["share"].to_numpy(), index=[areas.reader_name(c)
                                                     for c in rows["region_code"]], name="share")
    label = areas.reader_name(res.parts.area)
    return plotting.bar_chart(
        bars, title=_("Share of national manufacturing (C) value added, {year}").format(year=latest),
        value_label=_("Share of national value added"), units="%", decimals=1,
        highlight=label if label in bars.index else None,
        source=provenance.source_caption([VALUE_ADDED], res.snapshot))


def exports_table(res: LifeScienceCluster):
    if res.exports_area.empty:
        return display.markdown(_("No export share for {area} in this series.").format(
            area=areas.reader_name(res.parts.area, in_sentence=True)))
    t = res.exports_area
    # the snapshot's notes on each figure (English): marked as such on other pages
    shown = pd.DataFrame({_("Year"): t["year"], _("Period"): display.published(t["period"]),
                          _("Share of Finland's goods exports, %"): t["value"].astype(float),
                          _("Where the figure was read"): display.published(t["source_type"].str.replace("_", " "))})
    return display.table(shown, name="goods_exports_share", data=t,
                         title=_("Share of Finland's goods exports, {area}").format(
                             area=areas.reader_name(res.parts.area)),
                         source=provenance.source_caption([EXPORTS], res.snapshot))


# ----------------------------------------------------------------------------- shown parts: live data


def live_note(res: LifeScienceCluster):
    return cluster.live_note(res.parts.business, res.parts.jobs)


def personnel_chart(res: LifeScienceCluster):
    biz, p = res.parts.business, res.parts
    if biz.data is None:
        return None
    persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
    bars = persons.drop(index="all", level="code")[biz.end].droplevel("code")
    return plotting.bar_chart(
        bars, title=_("Personnel in the life-science industries, {area}, {year}").format(
            area=areas.reader_name(p.area), year=biz.end),
        value_label=_("Personnel"), units=_("staff-years"), missing_text=_("suppressed"),
        source=provenance.source_caption([biz.resource], res.snapshot))


SHIFT_HEADERS = {"industry": N_("Industry"), "start": N_("First year"), "end": N_("Last year"),
                 "change": N_("Change"), "national_growth": N_("National growth"),
                 "industry_mix": N_("Industry mix"), "regional_shift": N_("Regional shift")}


def shift_share_table(res: LifeScienceCluster):
    if res.parts.business.data is None:
        return None
    if res.shift_share is None:
        return display.markdown(_("{area} is not in this table; shift-share needs it.").format(
            area=areas.reader_name(res.parts.compare_to)))
    t = res.shift_share[list(SHIFT_HEADERS)]
    return display.table(t.rename(columns={k: _(v) for k, v in SHIFT_HEADERS.items()}), name="cluster_shift_share",
                         data=t, title=_("Shift-share decomposition of personnel"),
                         source=provenance.source_caption([res.parts.business.resource], res.snapshot))


CHECK_HEADERS = {"measure": N_("Measure"), "year": N_("Year"), "numerator": N_("Cluster's manufacturing industries"),
                 "denominator": N_("All manufacturing (C)"), "share": N_("Share, %"),
                 "outside_value": N_("72.11 and 46.46 (not manufacturing)"),
                 "share_incl_outside": N_("Share with them added, %"), "verdict": N_("Verdict"),
                 "reason": N_("Why")}


#: the measures of the direct test, in the reader's words
# i18n: the measure of a row of the 20 % test: the personnel (staff-years) or the turnover of the industries
MEASURES = {"personnel": N_("personnel"), "turnover": N_("turnover")}


def share_checks(res: LifeScienceCluster):
    if res.checks is None:
        return None
    t = pd.DataFrame(res.checks)[list(CHECK_HEADERS)]
    shown = t.assign(measure=t["measure"].map(lambda m: _(MEASURES[m]) if m in MEASURES else m),
                     verdict=t["verdict"].map(lambda v: _(business.VERDICTS[v])))
    return display.table(shown.rename(columns={k: _(v) for k, v in CHECK_HEADERS.items()}), name="claim_20pct_check",
                         data=t, title=_("The direct test of the 20 % claims"),
                         source=provenance.source_caption([res.parts.business.resource], res.snapshot))
