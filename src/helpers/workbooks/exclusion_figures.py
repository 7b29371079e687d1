"""Key figures of the ``exclusion_prevention`` workbook other than its headline: the 2019
indicator figures of an area (:func:`indicator_figures`) and readers' labels for every
figure the workbook records (:data:`LABELS`, :func:`figure_labels`)."""

from __future__ import annotations

import pandas as pd

from .. import analysis, keyfigures, regions
from ..i18n import N_, _
from . import exclusion_2019 as x19
from . import exclusion_series as series

#: readers' labels of the other key figures: name -> (label, unit, decimals)
LABELS = {
    "area": (N_("Area"), "", None),
    "area_kind": (N_("Kind of area"), "", None),
    "composite_municipalities_ranked": (N_("Municipalities with a composite index"), "", None),
    "composite_top_quarter_rank_limit": (N_("Top quarter of the index: ranks 1 to"), "", None),
    "composite_top_quarter_municipalities": (N_("Its municipalities in the national top quarter"), "", None),
    "composite_municipalities_with_index": (N_("Its municipalities with an index"), "", None),
    "composite_highest_in_region": (N_("Highest index in the region"), "", None),
    "composite_rank_in_region": (N_("Rank of the index in its region"), "", None),
    "composite_indicators_used": (N_("Indicators behind its index"), "", None),
    "unemployment_2019_rank_in_region": (N_("Rank by unemployment in its region"), "", None),
    "income_support_25_64_2019_rank_in_region": (N_("Rank by income support 25–64 in its region"), "", None),
    "long_term_unemployment_2019_pct": (N_("Long-term unemployed 2019, % of the labour force"), "%", 1),
    "long_term_unemployment_2019_rank": (N_("Rank by long-term unemployment in Finland"), "", None),
    "long_term_unemployment_2019_rank_in_region": (N_("Rank by long-term unemployment in its region"), "", None),
    "long_term_unemployment_2019_median_pct": (N_("Long-term unemployed 2019, median of its municipalities"), "%", 2),
    "long_term_unemployment_2019_median_rank": (N_("Rank of the long-term unemployment median among the regions"),
                                                "", None),
    "low_income_2019_pct": (N_("Low-income rate 2019"), "%", 1),
    "low_income_2019_rank": (N_("Rank by low-income rate in Finland"), "", None),
    "low_income_2019_rank_in_region": (N_("Rank by low-income rate in its region"), "", None),
    "low_income_2019_median_pct": (N_("Low-income rate 2019, median of its municipalities"), "%", 2),
    "low_income_2019_median_rank": (N_("Rank of the low-income median among the regions"), "", None),
    "municipalities_ranked_unemployment_2019": (N_("Municipalities ranked by unemployment 2019"), "", None),
    "sensitivity_min_spearman": (N_("Sensitivity: lowest rank correlation, one indicator left out"), "", 3),
    "sensitivity_max_abs_rank_change": (N_("Sensitivity: largest rank change, one indicator left out"), "", None),
    "sensitivity_min_top20_kept": (N_("Sensitivity: fewest of the top 20 kept in the top 20"), "", None),
    "latest_month": (N_("Latest month of the TEM series"), "", None),
    "unemployed_latest_month": (N_("Unemployed jobseekers in the latest month"), N_("persons"), None),
    "unemployment_rate_2019_tem_pct": (N_("Unemployment rate 2019, mean of the months (derived)"), "%", 1),
    "monthly_areas": (N_("Areas with a monthly series"), "", None),
    "youth_region": (N_("Region of the 2016 youth figures"), "", None),
    "youth_population_18_24_2016": (N_("Population aged 18–24, 2016"), N_("persons"), None),
    "youth_unemployed_2016": (N_("Unemployed aged 18–24, 2016"), N_("persons"), None),
    "youth_other_outside_labour_force_2016": (N_("Others outside the labour force aged 18–24, 2016"), N_("persons"),
                                              None),
    "youth_unemployment_rate_2016_pct": (N_("Youth unemployment rate 2016"), "%", 1),
    "youth_outside_work_study_2016_pct": (N_("18–24-year-olds outside work and study 2016"), "%", 1),
    "rank_youth_unemployment_rate_2016": (N_("Rank by youth unemployment among the 19 regions, 2016"), "", None),
    "rank_youth_outside_work_study_2016": (N_("Rank by outside work and study among the 19 regions, 2016"), "",
                                           None),
    "n_regions_2016": (N_("Regions in the 2016 table"), "", None),
    "youth_compare_area": (N_("Comparison area of the 2016 figures"), "", None),
    "youth_compare_unemployment_rate_2016_pct": (N_("Youth unemployment rate 2016, comparison area"), "%", 1),
    "youth_compare_outside_work_study_2016_pct": (N_("Outside work and study 2016, comparison area"), "%", 1),
    "live_indicators_pinned": (N_("Live Sotkanet indicators in the snapshot"), "", None),
}


def _value(table, code, ind):
    v = table.loc[code, ind]
    return None if pd.isna(v) else float(v)


def _rank(ranks, code, ind):
    v = ranks.loc[code, ind]
    return None if pd.isna(v) else int(v)


def indicator_figures(table: pd.DataFrame, area) -> dict:
    """Unemployment and income support 25-64 in 2019: a municipality's values and national
    ranks; a region's medians of its municipalities (derived) and their rank among the 19."""
    area = regions.resolve(area)
    out = {}
    for key, ind in (("unemployment_2019", "181"), ("income_support_25_64_2019", "5"),
                     ("long_term_unemployment_2019", "3562"), ("low_income_2019", "3099")):
        if area.kind == "municipality":
            out[f"{key}_pct"] = _value(table, area.code, ind)
            out[f"{key}_rank"] = _rank(x19.national_ranks(table, [ind]), area.code, ind)
            out[f"{key}_rank_in_region"] = _rank(x19.region_ranks(table, [ind]), area.code, ind)
        else:
            med = x19.region_medians(table, [ind])[ind]
            out[f"{key}_median_pct"] = round(float(med[area.code]), 2)
            out[f"{key}_median_rank"] = int(analysis.rank(med)[area.code])
    out["municipalities_ranked_unemployment_2019"] = int(table["181"].notna().sum())
    return out


def figure_labels(figures: dict, headline) -> tuple:
    """Readers' labels for the key figures that are not headline figures."""
    heads = {s.name for s in headline}
    out = []
    for name in figures:
        if name in heads:
            continue
        if name in LABELS:
            label, unit, decimals = LABELS[name]
            out.append(keyfigures.Spec(name, _(label), _(unit) if unit else "", decimals))
        elif name.startswith("outside_education_17_24_"):
            code = name.split("_")[4]
            area = series.area_name(regions.resolve(code))
            if name.endswith("_last_year"):
                # i18n: a key figure's label: the last year of the area's series
                text = _("17–24-year-olds outside education, {area}: last year").format(area=area)
            else:
                text = _("17–24-year-olds outside education, {area}: latest value").format(area=area)
            out.append(keyfigures.Spec(name, text, "" if name.endswith("year") else "%",
                                       None if name.endswith("year") else 1))
    return tuple(out)
