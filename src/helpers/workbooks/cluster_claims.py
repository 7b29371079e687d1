"""The published cluster claims set against the official totals the snapshot holds.

Each claim's verdict is data (``codelists/cluster_claim_verdicts.csv``: ``official_check``,
``official_basis``, ``official_verdict``); this module computes the numbers that stand next to
the verdicts — the claims' own figures (read from ``cluster_claims``), the official totals
and the figures derived from them, each row labelled as a claim, an official figure or a
derived one with its inputs. The claims are about Varsinais-Suomi (or Finland), so the table
is the same whatever area a run is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import analysis, display, provenance
from ..i18n import N_, _
from . import cluster_eurostat, cluster_paavo, cluster_tol5, industry

CLAIMS = "cluster_claims"
REGION = "02"
#: Helsinki, Espoo, Kauniainen, Vantaa: the capital region of claim C19
CAPITAL_REGION = ("091", "049", "235", "092")
KIND = {"claim": N_("Claim"), "official": N_("Official"), "derived": N_("Derived")}


def claim_number(claims: pd.DataFrame, claim_id: str, position: int = 0) -> float:
    """The ``position``-th number in a claim's ``value`` as published ("~5700" -> 5700,
    "102000 / 57000" -> 102000 or 57000)."""
    row = claims[claims["id"] == claim_id]
    if row.empty:
        raise ValueError(f"claim {claim_id!r} is not in {CLAIMS}")
    numbers = re.findall(r"\d+(?:\.\d+)?", str(row["value"].iloc[0]))
    if len(numbers) <= position:
        raise ValueError(f"claim {claim_id} has no number #{position} in its value {row['value'].iloc[0]!r}")
    return float(numbers[position])


@dataclass
class Evidence:
    rows: list[dict]
    figures: dict
    resources: list[str]
    snapshot: Any = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        out = pd.DataFrame(self.rows, columns=["figure", "kind", "number", "percent", "basis"])
        out["number"] = out["number"].astype("Float64").round(0).astype("Int64")
        out["percent"] = out["percent"].astype("float64")
        return out


def _row(rows, figure, kind, basis, number=None, percent=None):
    rows.append({"figure": figure, "kind": _(KIND[kind]), "number": number, "percent": percent, "basis": basis})


def life_science(claims, jobs: cluster_paavo.SectionJobs, eu: pd.DataFrame, sizes: cluster_tol5.NationalSizes,
                 snapshot=None) -> Evidence:
    """The 5,700 jobs and 20 % claims (C06, C05) against Varsinais-Suomi's manufacturing and
    the whole country's core industries."""
    jobs_claim, share_claim = claim_number(claims, "C06"), claim_number(claims, "C05")
    implied = jobs_claim / (share_claim / 100)
    c_paavo = float(jobs.regions.loc[REGION, "jobs_C"])
    c_eu = float(cluster_eurostat.employed(eu, cluster_eurostat.SERIES_GEO, "C")[cluster_paavo.YEAR])
    be_eu = float(cluster_eurostat.employed(eu, cluster_eurostat.SERIES_GEO, "B-E")[cluster_paavo.YEAR])
    manuf = [i.code for i in sizes.codes.select("core") if i.section == sizes.codes.manufacturing_section]
    last = sizes.years[-1]
    core_manuf = float(sizes.by_code.loc[manuf, last].sum())
    core = {y: float(sizes.total[y]) for y in sizes.years}
    paavo_src, eu_src = _("Paavo 2020 edition, jobs 31.12.2017"), _("Eurostat regional accounts, 2017")
    tol5_src = _("Vipunen / Statistics Finland, TOL 2008 5-digit")
    rows: list[dict] = []
    _row(rows, _("Life-science cluster's industrial jobs in Southwest Finland"), "claim", _("claim C06, undated"),
         number=jobs_claim)
    _row(rows, _("The cluster's share of the region's industrial workforce"), "claim", _("claim C05, undated"),
         percent=share_claim)
    _row(rows, _("Industrial workforce the two claims imply"), "derived",
         _("{j} / {s} % (derived from two claims)").format(j=analysis.format_number(jobs_claim),
                                                           s=analysis.format_number(share_claim)), number=implied)
    _row(rows, _("Manufacturing (C) jobs in Southwest Finland, 2017"), "official", paavo_src, number=c_paavo)
    _row(rows, _("Employed persons in manufacturing (C), Southwest Finland, 2017"), "official", eu_src, number=c_eu)
    _row(rows, _("Employed persons in industry (B–E), Southwest Finland, 2017"), "official", eu_src, number=be_eu)
    _row(rows, _("Implied workforce minus official manufacturing jobs (Paavo)"), "derived",
         _("{a} − {b}").format(a=analysis.format_number(implied), b=analysis.format_number(c_paavo)),
         number=implied - c_paavo)
    _row(rows, _("{j} jobs as a share of official manufacturing jobs (Paavo)").format(
        j=analysis.format_number(jobs_claim)), "derived", _("100 × claim / official"),
         percent=analysis.share(jobs_claim, c_paavo))
    _row(rows, _("{j} jobs as a share of employed persons in manufacturing (Eurostat)").format(
        j=analysis.format_number(jobs_claim)), "derived", _("100 × claim / official"),
         percent=analysis.share(jobs_claim, c_eu))
    for y, v in core.items():
        _row(rows, _("Whole country: employed in the core industries (21, 26.6, 32.5, 72.11), {y}").format(y=y),
             "official", tol5_src, number=v)
    _row(rows, _("Whole country: employed in the core manufacturing industries ({codes}), {y}").format(
        codes=", ".join(manuf), y=last), "official", tol5_src, number=core_manuf)
    _row(rows, _("{j} jobs as a share of the whole country's core industries, {y}").format(
        j=analysis.format_number(jobs_claim), y=last), "derived", _("100 × claim / official (an upper bound)"),
         percent=analysis.share(jobs_claim, core[last]))
    _row(rows, _("{j} jobs as a share of the whole country's core manufacturing, {y}").format(
        j=analysis.format_number(jobs_claim), y=last), "derived", _("100 × claim / official"),
         percent=analysis.share(jobs_claim, core_manuf))
    twenty = c_paavo * share_claim / 100
    _row(rows, _("{s} % of Southwest Finland's official manufacturing jobs (Paavo)").format(
        s=analysis.format_number(share_claim)), "derived", _("{s} % × official").format(
        s=analysis.format_number(share_claim)), number=twenty)
    _row(rows, _("… as a share of the whole country's core manufacturing, {y}").format(y=last), "derived",
         _("100 × derived / official"), percent=analysis.share(twenty, core_manuf))
    figures = {
        "claim_jobs": jobs_claim, "claim_share_pct": share_claim, "implied_industrial_workforce": implied,
        "vs_manufacturing_jobs_2017": c_paavo, "vs_manufacturing_employed_2017_eurostat": c_eu,
        "claim_jobs_share_of_c_jobs_pct": analysis.share(jobs_claim, c_paavo),
        "claim_jobs_share_of_c_employed_pct": analysis.share(jobs_claim, c_eu),
        "national_core_employed": core, "national_core_manufacturing_employed_last": core_manuf,
        "claim_jobs_share_of_national_core_pct_last": analysis.share(jobs_claim, core[last]),
        "twenty_pct_share_of_national_core_manufacturing_pct": analysis.share(twenty, core_manuf),
    }
    return Evidence(rows, figures, [CLAIMS, cluster_paavo.PAAVO, cluster_eurostat.EUROSTAT, cluster_tol5.TOL5],
                    snapshot)


def ict(claims, jobs: cluster_paavo.SectionJobs, sizes: cluster_tol5.NationalSizes,
        series: cluster_eurostat.SectionSeries, snapshot=None) -> Evidence:
    """The 102,000 / 57,000 claim (C19) against the national ICT industries and the capital
    region's J jobs; the turnover-growth claim (C20) next to J employment in Varsinais-Suomi."""
    national, capital = claim_number(claims, "C19", 0), claim_number(claims, "C19", 1)
    rows: list[dict] = []
    tol5_src = _("Vipunen / Statistics Finland, TOL 2008 5-digit")
    _row(rows, _("ICT sector's employed in Finland, 2022"), "claim", _("claim C19"), number=national)
    _row(rows, _("… of them in the capital region"), "claim", _("claim C19"), number=capital)
    _row(rows, _("Capital region's share in the claim"), "derived", _("100 × {c} / {n}").format(
        c=analysis.format_number(capital), n=analysis.format_number(national)),
         percent=analysis.share(capital, national))
    for y in sizes.years:
        _row(rows, _("Whole country: employed in the OECD ICT industries, {y}").format(y=y), "official", tol5_src,
             number=float(sizes.total[y]))
    last = sizes.years[-1]
    _row(rows, _("Growth the claim implies, {y}–2022").format(y=last), "derived",
         _("100 × ({n} / {y} total − 1)").format(n=analysis.format_number(national), y=last),
         percent=analysis.growth(float(sizes.total[last]), national))
    j_cap = float(jobs.units.loc[list(CAPITAL_REGION), "jobs_J"].sum())
    j_all = float(jobs.country["jobs_J"].iloc[0])
    _row(rows, _("Information and communication (J) jobs in Helsinki, Espoo, Vantaa and Kauniainen, 2017"),
         "derived", _("sum of four municipalities, Paavo 2020 edition"), number=j_cap)
    _row(rows, _("… as a share of Finland's J jobs, 2017"), "derived", _("100 × capital region / whole country"),
         percent=analysis.share(j_cap, j_all))
    _row(rows, _("ICT turnover growth in Southwest Finland, 2015 to 2019 Q1"), "claim", _("claim C20, more than"),
         percent=claim_number(claims, "C20", 0))
    for y in (2015, series.last):
        _row(rows, _("Employed persons in information and communication (J), Southwest Finland, {y}").format(y=y),
             "official", _("Eurostat regional accounts"), number=series.value("vs", y))
    _row(rows, _("Change in J employment, 2015–{y}").format(y=series.last), "derived", _("100 × (last / first − 1)"),
         percent=analysis.growth(series.value("vs", 2015), series.value("vs")))
    figures = {"claim_ict_employed_2022": national, "national_ict_employed": {y: float(sizes.total[y])
                                                                             for y in sizes.years},
               "capital_region_j_share_2017_pct": analysis.share(j_cap, j_all),
               "claim_capital_region_share_pct": analysis.share(capital, national)}
    return Evidence(rows, figures, [CLAIMS, cluster_paavo.PAAVO, cluster_tol5.TOL5, cluster_eurostat.EUROSTAT],
                    snapshot)


# ----------------------------------------------------------------------------- shown parts


def evidence_table(ev: Evidence, name: str):
    f = ev.frame()
    shown = pd.DataFrame({_("Figure"): f["figure"], _("Kind"): f["kind"], _("Number"): f["number"],
                          _("Per cent"): f["percent"], _("Basis"): [_(b) if b else b for b in f["basis"]]})
    return display.table(shown, decimals={_("Per cent"): 1, _("Number"): 0}, name=name,
                         title=_("Published claims and the official totals they can be set against"),
                         source=provenance.source_caption(ev.resources, ev.snapshot),
                         intro=_("**Claim**: as published, not a statistic. **Official**: a published statistic. "
                                 "**Derived**: computed here from the figures named in the basis."))


def verdict_table(verdicts: pd.DataFrame, name: str):
    """One row per claim: what is claimed, what the sources showed, and the verdict against
    the official totals with its basis."""
    shown = pd.DataFrame({
        _("Claim"): verdicts["seed_id"],
        _("What is claimed"): display.published(verdicts["seed_claim"], lang=None),
        _("Verdict"): [_(industry.OFFICIAL_CHECKS[c]) for c in verdicts["official_check"]],
        _("What the official figures say"): _quoting([_(v) for v in verdicts["official_verdict"]]),
        _("Official basis"): [_(v) for v in verdicts["official_basis"]],
        _("In the sources"): _quoting([_(industry.VERDICT_STATUSES[s]) + ". " + _(v)
                                       for s, v in zip(verdicts["status"], verdicts["verdict"])]),
    })
    return display.table(shown, name=name, title=_("Published claims and the verdict on each"),
                         data=verdicts[["seed_id", "seed_claim", "claim_ids", "status", "verdict", "official_check",
                                        "official_verdict", "official_basis"]])


def _quoting(texts: list[str]) -> pd.Series:
    """Translated sentences as table cells, the quotations in them marked with their language."""
    return pd.Series([display.Markup(display.mark_quotes(display.escape_markdown(t))) for t in texts], dtype=object)


def _register_note(value) -> Any:
    """A reference year of the register: "not stated" in the reader's words, years as they
    are, the register's English remarks kept as written."""
    text = display.text(value)
    if text == "not stated":
        return _("not stated")
    return text if re.fullmatch(r"[\d\s,.:;+%<>()\-–QH]*", text) else display.Published(text)


def statements_table(register: pd.DataFrame, name: str):
    shown = pd.DataFrame({
        _("Claim"): register["seed_id"],
        _("Statement as published"): display.published(register["statement_as_published"], lang=None),
        _("Published by"): display.published(register["publisher"]),
        _("Reference year"): pd.Series([_register_note(v) for v in register["reference_year"]], dtype=object),
    })
    return display.table(shown, name=name, title=_("The published statements behind each claim"),
                         data=register[["seed_id", "claim_id", "statement_as_published", "publisher",
                                        "reference_year", "url"]])


def short_verdict(verdicts: pd.DataFrame, seed_id: str) -> str:
    """The reader's label of a claim's official check (for a key figure)."""
    row = verdicts[verdicts["seed_id"] == seed_id]
    return _(industry.OFFICIAL_CHECKS[row["official_check"].iloc[0]]) if len(row) else None
