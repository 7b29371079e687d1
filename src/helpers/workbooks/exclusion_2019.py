"""Municipal exclusion indicators of 2019 (THL Sotkanet) and the composite index of
social-exclusion risk, for the ``exclusion_prevention`` workbook.

Data: ``sotkanet_municipal_2019`` (15 Sotkanet indicators for the 308 municipalities of the
download, 2019, gender total; a suppressed or absent cell has no row and stays missing) and
``sotkanet_indicators_2019`` (titles, producers, units). The download is in the municipal
division of the download year, which is that of the 2026 area registry (308 municipalities).

* :func:`municipal_table` - one row per municipality, one column per indicator id;
* :func:`national_ranks`, :func:`region_ranks` - 1 = the highest value = the highest risk;
* :func:`area_profile` - the area against its region and the whole country (medians of the
  municipalities: Sotkanet's own regional and national figures are not in the download);
* :func:`composite` - the composite index (:data:`COMPOSITE`, z-scores, equal weights, at
  least :data:`MIN_INDICATORS` indicators), :func:`download_frame` its 308-row CSV;
* :func:`sensitivity` - the index recomputed leaving each indicator out in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import analysis, regions
from ..i18n import N_, _
from . import areas

MUNICIPAL = "sotkanet_municipal_2019"
META = "sotkanet_indicators_2019"
YEAR = 2019


@dataclass(frozen=True)
class Measure:
    id: str        # Sotkanet indicator id (a string, as in the snapshot)
    label: str     # reader's label (N_-marked English)
    short: str     # column header
    unit: str


#: the indicators shown, in display order; for every one a higher value = a higher risk
MEASURES = (
    Measure("181", N_("Unemployed, % of the labour force"), N_("Unemployed %"), "%"),
    Measure("3562", N_("Long-term unemployed, % of the labour force"), N_("Long-term unemployed %"), "%"),
    Measure("5", N_("Income support recipients aged 25–64, % of the age group"),
            N_("Income support 25–64 %"), "%"),
    Measure("1275", N_("Long-term income support recipients aged 18–24, % of the age group"),
            N_("Long-term income support 18–24 %"), "%"),
    Measure("3099", N_("Low-income rate, % of the population"), N_("Low income %"), "%"),
    Measure("2320", N_("Households receiving general housing allowance, % of households"),
            N_("Housing allowance %"), "%"),
    Measure("453", N_("Income support paid, EUR per inhabitant"), N_("Income support EUR/inhabitant"), "EUR"),
    Measure("313", N_("People aged 65+ receiving a full national pension, % of the age group"),
            N_("Full national pension 65+ %"), "%"),
)
BY_ID = {m.id: m for m in MEASURES}
#: the exclusion indicators proper that make up the composite index (higher = higher risk)
COMPOSITE = ("181", "3562", "5", "1275", "3099")
#: a municipality needs at least this many of the composite indicators to get an index
MIN_INDICATORS = 3
#: size of the top group compared in the sensitivity check
TOP = 20


def label(ind: str) -> str:
    return _(BY_ID[ind].label)


def short(ind: str) -> str:
    return _(BY_ID[ind].short)


# ----------------------------------------------------------------------------- the data


def municipal_table(snap) -> pd.DataFrame:
    """One row per municipality of the 2026 registry (index: 3-digit code): ``name`` (as
    readers of the run's language read it), ``name_sv``, ``region_code`` and one float column
    per indicator id of the download (NaN where the download has no value - suppressed or
    absent, never 0).

    Raises if the download holds another year, a gender other than total, a repeated
    municipality x indicator or a code the registry does not know."""
    raw = snap.load(MUNICIPAL)
    years = sorted(int(y) for y in raw["year"].dropna().unique())
    if years != [YEAR] or set(raw["gender"]) != {"total"}:
        raise ValueError(f"{MUNICIPAL}: expected year {YEAR}, gender total; got years {years}, "
                         f"genders {sorted(set(raw['gender']))}")
    if raw.duplicated(["indicator", "area_code"]).any():
        raise ValueError(f"{MUNICIPAL}: a municipality x indicator appears twice")
    munis = regions.municipalities()
    unknown = sorted(set(raw["area_code"]) - {m.code for m in munis})
    if unknown:
        raise ValueError(f"{MUNICIPAL}: codes not in the 2026 registry: {unknown}")
    wide = raw.pivot(index="area_code", columns="indicator", values="value").astype("float64")
    out = pd.DataFrame({"name": [areas.reader_name(m) for m in munis], "name_sv": [m.name_sv for m in munis],
                        "region_code": [m.region_code for m in munis]},
                       index=pd.Index([m.code for m in munis], name="code"))
    return out.join(wide)


def metadata(snap) -> pd.DataFrame:
    """``sotkanet_indicators_2019`` indexed by indicator id."""
    return snap.load(META).set_index("indicator")


def national_ranks(table: pd.DataFrame, ids=None) -> pd.DataFrame:
    """Rank of every municipality on each indicator among those with a value (1 = highest
    value = highest risk; ties share the best rank; no value -> no rank)."""
    ids = list(ids or [m.id for m in MEASURES])
    return pd.DataFrame({i: analysis.rank(table[i]) for i in ids}, index=table.index)


def region_ranks(table: pd.DataFrame, ids=None) -> pd.DataFrame:
    """Rank within the municipality's own region, as :func:`national_ranks`."""
    ids = list(ids or [m.id for m in MEASURES])
    parts = [national_ranks(g, ids) for _code, g in table.groupby("region_code", sort=True)]
    return pd.concat(parts).reindex(table.index)


def region_medians(table: pd.DataFrame, ids=None) -> pd.DataFrame:
    """Median of each region's municipal values (derived), one row per region code."""
    ids = list(ids or [m.id for m in MEASURES])
    return table.groupby("region_code", sort=True)[ids].median()


def area_profile(table: pd.DataFrame, area, compare_to=None) -> pd.DataFrame:
    """The area's 2019 values against its region and the whole country, one row per
    indicator. A municipality: its value, its rank in Finland and in its region (with the
    number of municipalities ranked), the medians of its region's municipalities and of all
    municipalities. A region: the median, lowest and highest value of its municipalities,
    the rank of that median among the 19 regions and the median of all municipalities.
    ``compare_to`` (a region) adds the median of its municipalities. Medians are derived
    from the municipal values; the download has no regional or national figures."""
    area = regions.resolve(area)
    region = area if area.kind == "region" else regions.region_of(area)
    compare = regions.resolve(compare_to) if compare_to is not None else None
    ids = [m.id for m in MEASURES]
    members = table[table["region_code"] == region.code]
    medians = region_medians(table, ids)
    rows = []
    region_name = areas.reader_name(region)
    for i in ids:
        row = {_("Indicator"): label(i)}
        if area.kind == "municipality":
            nat, reg = national_ranks(table, [i])[i], region_ranks(table, [i])[i]
            row[_("Value")] = table.loc[area.code, i]
            row[_("Rank in Finland")] = nat.get(area.code)
            row[_("Municipalities ranked")] = int(table[i].notna().sum())
            row[_("Rank in {region}").format(region=region_name)] = reg.get(area.code)
            # i18n: a column header: how many municipalities of the region have a rank
            row[_("Ranked in {region}").format(region=region_name)] = int(members[i].notna().sum())
            row[_("Median, {region}").format(region=region_name)] = members[i].median()
        else:
            row[_("Median of its municipalities")] = members[i].median()
            row[_("Lowest")] = members[i].min()
            row[_("Highest")] = members[i].max()
            row[_("Rank of the median among the 19 regions")] = analysis.rank(medians[i]).get(region.code)
        if compare is not None and compare.kind == "region" and compare.code != region.code:
            row[_("Median, {region}").format(region=areas.reader_name(compare))] = medians.loc[compare.code, i]
        row[_("Median, all municipalities")] = table[i].median()
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in out.columns:
        if c != _("Indicator") and out[c].dtype == object:
            out[c] = pd.array(out[c].tolist(), dtype="Int64")
    return out


def suppressed_in(table: pd.DataFrame, region_code: str | None = None) -> pd.Series:
    """Per indicator, how many municipalities (of a region, or of the whole country) have
    no value."""
    sub = table if region_code is None else table[table["region_code"] == region_code]
    return sub[[m.id for m in MEASURES]].isna().sum()


# ----------------------------------------------------------------------------- composite index


@dataclass
class Composite:
    """The composite index: ``table`` (index code) has ``name``, ``region_code``,
    ``composite_index``, ``n_indicators``, ``rank`` (in Finland), ``rank_in_region`` and the
    direction-corrected z-scores ``z_<id>``; ``result`` is the
    :class:`helpers.analysis.CompositeIndex`."""

    table: pd.DataFrame
    result: analysis.CompositeIndex
    indicators: tuple
    min_indicators: int

    @property
    def ranked(self) -> int:
        return int(self.table["composite_index"].notna().sum())

    @property
    def without_index(self) -> pd.DataFrame:
        return self.table[self.table["composite_index"].isna()]


def composite(table: pd.DataFrame, ids=COMPOSITE, min_indicators: int = MIN_INDICATORS) -> Composite:
    """Equal-weight mean of the indicators' z-scores across the municipalities that have a
    value (:func:`helpers.analysis.composite_index`); a missing value is left out of that
    municipality's mean (never 0); fewer than ``min_indicators`` values -> no index."""
    ids = list(ids)
    if not 1 <= min_indicators <= len(ids):
        raise ValueError(f"min_indicators must be 1..{len(ids)}; got {min_indicators}")
    res = analysis.composite_index(table[ids], ids, {i: "higher" for i in ids}, method="zscore",
                                   min_coverage=min_indicators / len(ids))
    out = table[["name", "region_code"]].copy()
    out["composite_index"] = res.index.astype("float64")
    out["n_indicators"] = res.n_used.astype("int64")
    out["rank"] = analysis.rank(out["composite_index"])
    out["rank_in_region"] = out.groupby("region_code")["composite_index"].transform(
        lambda s: analysis.rank(s).astype("float64")).astype("Int64")
    for i in ids:
        out[f"z_{i}"] = res.components[i].astype("float64")
    return Composite(out, res, tuple(ids), min_indicators)


def download_frame(comp: Composite) -> pd.DataFrame:
    """The composite table for download: ``area_code`` (3-digit text), ``area_name``,
    ``composite_index``, ``rank`` (1 = highest risk); one row per municipality, highest
    index first; municipalities without an index last, with both cells empty."""
    t = comp.table.sort_values(["rank", "composite_index"], ascending=[True, False], na_position="last")
    t = t.reset_index()
    return pd.DataFrame({
        "area_code": t["code"].astype(str),
        "area_name": t["name"].astype(str),
        "composite_index": t["composite_index"].round(4),
        "rank": t["rank"].astype("Int64"),
    })


def area_summary(comp: Composite, area) -> dict:
    """Key figures of the composite index for a municipality (its index and ranks) or a
    region (mean of its municipalities' index - a derived figure -, its rank among the 19
    regions' means, and the share of its municipalities in the national top quarter)."""
    area = regions.resolve(area)
    t = comp.table
    n = comp.ranked
    quarter = n // 4
    out = {"composite_municipalities_ranked": n, "composite_top_quarter_rank_limit": quarter}
    if area.kind == "municipality":
        r = t.loc[area.code]
        out.update({
            "composite_index": None if pd.isna(r["composite_index"]) else round(float(r["composite_index"]), 3),
            "composite_rank": None if pd.isna(r["rank"]) else int(r["rank"]),
            "composite_rank_in_region": None if pd.isna(r["rank_in_region"]) else int(r["rank_in_region"]),
            "composite_indicators_used": int(r["n_indicators"]),
        })
        return out
    means = t.groupby("region_code")["composite_index"].mean()
    members = t[t["region_code"] == area.code]
    with_index = members["composite_index"].notna()
    top = (members["rank"] <= quarter).fillna(False)
    out.update({
        "composite_index_mean_of_municipalities": round(float(means[area.code]), 3),
        "composite_mean_rank_among_regions": int(analysis.rank(means)[area.code]),
        "composite_top_quarter_municipalities": int(top.sum()),
        "composite_municipalities_with_index": int(with_index.sum()),
        "composite_top_quarter_share_pct": round(float(analysis.share(int(top.sum()), int(with_index.sum()))), 1),
    })
    highest = members.loc[members["composite_index"].idxmax()]
    out["composite_highest_in_region"] = f"{highest['name']} ({highest.name})"
    return out


def _spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation: the Pearson correlation of the average ranks."""
    return float(np.corrcoef(a.rank().to_numpy(), b.rank().to_numpy())[0, 1])


def sensitivity(table: pd.DataFrame, ids=COMPOSITE, min_indicators: int = MIN_INDICATORS, top: int = TOP,
                area_code: str | None = None) -> pd.DataFrame:
    """The index recomputed leaving each indicator out in turn (the others as in the full
    index; the minimum is ``min(min_indicators, indicators left)``). Per left-out indicator:
    ``municipalities`` compared (those with both indices), ``spearman`` (rank correlation
    with the full index), ``median_abs_rank_change`` and ``max_abs_rank_change`` (ranks
    recomputed among the compared municipalities), ``largest_move`` (name of the
    municipality that moves most), ``top_kept`` (how many of the full index's top ``top``
    stay in the top ``top``) and, with ``area_code``, ``area_rank`` (its national rank in
    that variant) next to ``area_rank_full``."""
    ids = list(ids)
    full = composite(table, ids, min_indicators).table
    rows = []
    for left in ids:
        rest = [i for i in ids if i != left]
        alt = composite(table, rest, min(min_indicators, len(rest))).table
        both = full["composite_index"].notna() & alt["composite_index"].notna()
        a, b = full.loc[both, "composite_index"], alt.loc[both, "composite_index"]
        ra, rb = analysis.rank(a).astype("float64"), analysis.rank(b).astype("float64")
        change = (ra - rb).abs()
        row = {
            "left_out": left,
            "municipalities": int(both.sum()),
            "spearman": round(_spearman(a, b), 3),
            "median_abs_rank_change": float(change.median()),
            "max_abs_rank_change": int(change.max()),
            "largest_move": str(full.loc[change.idxmax(), "name"]),
            "top_kept": len(set(ra[ra <= top].index) & set(rb[rb <= top].index)),
        }
        if area_code is not None:
            rk = alt.loc[area_code, "rank"]
            row["area_rank"] = None if pd.isna(rk) else int(rk)
            rf = full.loc[area_code, "rank"]
            row["area_rank_full"] = None if pd.isna(rf) else int(rf)
        rows.append(row)
    return pd.DataFrame(rows)


def rank_correlation(table: pd.DataFrame, a: str, b: str) -> float:
    """Spearman's rank correlation of two indicators over the municipalities with both."""
    both = table[[a, b]].dropna()
    return round(_spearman(both[a], both[b]), 2)


def method_note(comp: Composite, table: pd.DataFrame) -> str:
    """Markdown: how the composite index is formed (generated from the calculation)."""
    n_ind = len(comp.indicators)
    names = "; ".join(label(i) for i in comp.indicators)
    counts = comp.table.loc[comp.table["composite_index"].notna(), "n_indicators"].value_counts()
    rests = ", ".join(_("{n} on {k}").format(n=int(counts[k]), k=int(k)) for k in sorted(counts.index, reverse=True))
    none = comp.without_index
    none_text = ", ".join(f"{r['name']} ({c})" for c, r in none.iterrows()) or _("none")
    supp = int(table["1275"].isna().sum()) if "1275" in comp.indicators else 0
    text = _(
        "**Method.** The composite index of social-exclusion risk combines {n} Sotkanet indicators of "
        "{year}: {names}. For every one of them a higher value means a higher risk. Each indicator is "
        "standardised as a z-score across the municipalities that have a value (the value minus their "
        "mean, divided by their standard deviation), and a municipality's index is the mean of its "
        "z-scores with **equal weights**: 0 is the average municipality, +1 means one standard "
        "deviation above the average on the indicators taken together. A suppressed or missing value "
        "is **left out of that municipality's mean, never counted as 0**. A municipality needs at least "
        "**{k} of the {n} indicators**; {ranked} of {total} municipalities have an index ({rests} "
        "indicators). No index: {none}. Long-term income support of 18–24-year-olds is suppressed for "
        "{supp} municipalities (small numbers), so most small municipalities rest on four indicators. "
        "Rank 1 = the highest index = the highest risk. The index is a derived figure; it ranks "
        "municipalities relative to each other in {year} and is not a measure in any unit."
    ).format(n=n_ind, year=YEAR, names=names, k=comp.min_indicators, ranked=comp.ranked, total=len(comp.table),
             rests=rests, none=none_text, supp=supp)
    text += "\n\n" + _(
        "**Left out on purpose.** General housing allowance: since August 2017 students' housing "
        "support has been paid as general housing allowance, so the share of households receiving it "
        "also follows the number of students and rented homes; across the municipalities its rank "
        "correlation with the low-income rate is only {rho} (computed here). Income support in EUR per "
        "inhabitant measures the same benefit as the share of 25–64-year-olds receiving it and would "
        "count it twice. Context indicators (dependency ratios, the Gini coefficient, divorces, families "
        "with children, education, Swedish speakers) describe the population rather than exclusion and "
        "are not used."
    ).format(rho=analysis.format_number(rank_correlation(table, "2320", "3099"), 2))
    return text


def sensitivity_note(sens: pd.DataFrame, top: int = TOP) -> str:
    """One paragraph summing up :func:`sensitivity` (numbers computed, not asserted)."""
    lo, hi = sens["spearman"].min(), sens["spearman"].max()
    worst = sens.loc[sens["spearman"].idxmin()]
    return _(
        "**Sensitivity.** Leaving out one indicator at a time, the rank correlation with the full index "
        "is between {lo} and {hi}; the median municipality moves between {mlo} and {mhi} places, the "
        "largest single move is {mx} places, and {klo}–{khi} of the top {top} stay in the top {top}. "
        "Leaving out “{worst}” changes the ranking most (rank correlation {wr})."
    ).format(lo=analysis.format_number(lo, 3), hi=analysis.format_number(hi, 3),
             mlo=analysis.format_number(sens["median_abs_rank_change"].min(), 1),
             mhi=analysis.format_number(sens["median_abs_rank_change"].max(), 1),
             mx=int(sens["max_abs_rank_change"].max()), klo=int(sens["top_kept"].min()),
             khi=int(sens["top_kept"].max()), top=top, worst=label(worst["left_out"]),
             wr=analysis.format_number(worst["spearman"], 3))
