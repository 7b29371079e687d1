"""The ``life_science_cluster`` workbook: the HealthTurku life-science cluster — its
definition as TOL 2008 industries, the published claims with a verdict on each, official
context series and, when pinned, the cluster in the business register and the employment
statistics (shared parts in :mod:`.cluster`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import display, keyfigures, plotting, provenance
from . import business, cluster, context, industry

VALUE_ADDED = "manufacturing_value_added_region"
EXPORTS = "goods_exports_region"
NOT_TESTABLE = "not testable: live data not pinned"

HEADLINE = (
    keyfigures.Spec("claims_not_found", "Published claims found in no source"),
    keyfigures.Spec("rd_eur_million_end", "R&D expenditure of the area's sub-regions, last year", "EUR million", 1),
    keyfigures.Spec("rd_share_of_national_pct_end", "Share of Finland's R&D, last year", "%", 1),
    keyfigures.Spec("manufacturing_va_share_pct_c_latest", "Share of national manufacturing value added", "%", 1),
    keyfigures.Spec("goods_exports_share_pct_2022", "Share of Finland's goods exports 2022", "%", 1),
    keyfigures.Spec("claim_20pct_workforce_verdict", "Claim “20 % of the industrial workforce”"),
)


@dataclass
class LifeScienceCluster:
    parts: cluster.ClusterParts
    value_added: pd.DataFrame
    va_area: pd.DataFrame
    exports_area: pd.DataFrame
    shift_share: pd.DataFrame | None
    checks: list[dict] | None
    figures: dict = field(default_factory=dict)
    headline: tuple = HEADLINE
    snapshot: Any = field(default=None, repr=False)


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
    res.figures = _figures(res)
    return res


def _figures(res: LifeScienceCluster) -> dict:
    p, va, biz = res.parts, res.va_area, res.parts.business
    latest = {s: res.value_added[res.value_added["scope"] == s]["year"].max() for s in ("C", "BCDE")}
    persons = None
    if biz.data is not None:
        persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
    fig = cluster.common_figures(p)
    fig.update({
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
        "claim_20pct_workforce_verdict": res.checks[0]["verdict"] if res.checks else NOT_TESTABLE,
        "claim_20pct_turnover_verdict": res.checks[1]["verdict"] if res.checks else NOT_TESTABLE,
        "pharma_jobs_lq_end": context.pick_value(p.jobs_lq, industry="21", column="lq"),
    })
    return fig


# ----------------------------------------------------------------------------- shown parts


def codelist(res: LifeScienceCluster):
    return cluster.codelist_table(res.parts, ["code", "name_fi", "name_en", "section", "scope", "rationale"])


def verdicts(res: LifeScienceCluster):
    return display.table(res.parts.verdicts[["seed_id", "seed_claim", "claimed_by", "published", "status", "verdict"]])


def statements(res: LifeScienceCluster):
    return display.table(res.parts.register[["seed_id", "claim_id", "statement_as_published", "publisher",
                                             "reference_year"]])


def confirming_data(res: LifeScienceCluster):
    return display.table(res.parts.verdicts[["seed_id", "official_data_that_could_confirm", "catalog_dataset",
                                             "findings_ref"]])


def value_added_table(res: LifeScienceCluster):
    if res.va_area.empty:
        return display.markdown(f"No value for {res.parts.area.label} in this series "
                                "(it lists the largest industrial regions only).")
    return display.table(res.va_area[["scope", "year", "release", "value_added", "national", "share",
                                      "share_published"]])


def value_added_chart(res: LifeScienceCluster):
    va = res.value_added
    latest = va[va["scope"] == "C"]["year"].max()
    bars = va[(va["scope"] == "C") & (va["year"] == latest)].set_index("region_name")["share"]
    label = res.parts.area.label
    return plotting.bar_chart(
        bars, title=f"Share of national manufacturing (C) value added, {latest}",
        value_label="Share of national value added", units="%", decimals=1,
        highlight=label if label in bars.index else None,
        source=provenance.source_caption([VALUE_ADDED], res.snapshot))


def exports_table(res: LifeScienceCluster):
    if res.exports_area.empty:
        return display.markdown(f"No export share for {res.parts.area.label} in this series.")
    return display.table(res.exports_area[["year", "period", "measure", "value", "unit", "source_type"]])


def personnel_chart(res: LifeScienceCluster):
    biz, p = res.parts.business, res.parts
    if biz.data is None:
        return None
    persons = business.cluster_table(biz.data, p.codes, p.scope, p.area.statfin_code, "personnel")
    bars = persons.drop(index="all", level="code")[biz.end].droplevel("code")
    return plotting.bar_chart(
        bars, title=f"Personnel in the life-science industries, {p.area.label}, {biz.end}",
        value_label="Personnel", units="staff-years", missing_text="suppressed",
        source=provenance.source_caption([biz.resource], res.snapshot))


def shift_share_table(res: LifeScienceCluster):
    if res.shift_share is None:
        return display.markdown(res.parts.business.note or
                                f"{res.parts.compare_to.label} is not in this table; shift-share needs it.")
    return display.table(res.shift_share[["industry", "start", "end", "change", "national_growth",
                                          "industry_mix", "regional_shift"]])


def share_checks(res: LifeScienceCluster):
    if res.checks is None:
        return display.markdown(res.parts.business.note or NOT_TESTABLE)
    return display.table(pd.DataFrame(res.checks)[["measure", "year", "numerator", "denominator", "share",
                                                   "outside_value", "share_incl_outside", "verdict", "reason"]])
