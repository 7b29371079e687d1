"""The ``exclusion_prevention`` workbook: where is the risk of social exclusion highest, and
how does the chosen area compare? Everything runs offline from the pinned snapshot.

Sections (each one function below, one notebook cell):

1. **Municipal exclusion indicators 2019** (:mod:`.exclusion_2019`, THL Sotkanet): the area
   against its region and the whole country, and every municipality of its region with its
   rank in Finland and in the region (1 = the highest value = the highest risk).
2. **Composite index of social-exclusion risk** for all municipalities (z-scores of five
   exclusion indicators, equal weights, at least three of them), its method note, the
   308-row table as the download ``composite_index.csv`` and a leave-one-out sensitivity check.
3. **Maps** of the index and of unemployment 2019: the region's municipalities and Finland.
4. **Monthly unemployment 2006-2023** (:mod:`.exclusion_series`, TEM; Varsinais-Suomi's
   municipalities, MK02 and the whole country only): the derived rate unemployed / labour force.
5. **Young people aged 17-24 outside education, 1995-2011** (Sotkanet 3219, 2013 division).
6. **Context: 18-24-year-olds by main activity by region, 2016** (:mod:`.exclusion_youth`).
7. **Newer years** (optional): live Sotkanet indicators, only when they have been pinned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import analysis, display, keyfigures, notebook, plotting, provenance, regions
from ..i18n import N_, _
from ..plotting import alt
from . import areas, geometry, indicators
from . import exclusion_2019 as x19
from . import exclusion_figures as figs
from . import exclusion_series as series
from . import exclusion_youth as youth
from .geometry import MUNI_GEOMETRY, REGION_GEOMETRY

HEADLINE_MUNICIPALITY = (
    keyfigures.Spec("composite_index", N_("Composite index of social-exclusion risk 2019 (mean z-score)"), "", 2),
    keyfigures.Spec("composite_rank", N_("Rank of the index in Finland (1 = highest risk)")),
    keyfigures.Spec("unemployment_2019_pct", N_("Unemployed 2019, % of the labour force"), "%", 1),
    keyfigures.Spec("unemployment_2019_rank", N_("Rank by unemployment in Finland (1 = highest)")),
    keyfigures.Spec("income_support_25_64_2019_pct", N_("Income support recipients aged 25–64, 2019"), "%", 1),
    keyfigures.Spec("income_support_25_64_2019_rank", N_("Rank by income support in Finland (1 = highest)")),
)
HEADLINE_REGION = (
    keyfigures.Spec("composite_index_mean_of_municipalities",
                    N_("Composite index 2019, mean of its municipalities (derived)"), "", 2),
    keyfigures.Spec("composite_mean_rank_among_regions",
                    N_("Rank of the mean index among the 19 regions (1 = highest risk)")),
    keyfigures.Spec("composite_top_quarter_share_pct", N_("Its municipalities in Finland's top quarter of the index"),
                    "%", 1),
    keyfigures.Spec("unemployment_2019_median_pct", N_("Unemployed 2019, median of its municipalities (derived)"),
                    "%", 1),
    keyfigures.Spec("unemployment_2019_median_rank",
                    N_("Rank of the unemployment median among the 19 regions (1 = highest)")),
    keyfigures.Spec("income_support_25_64_2019_median_pct",
                    N_("Income support recipients aged 25–64, 2019, median of its municipalities (derived)"), "%", 1),
    keyfigures.Spec("income_support_25_64_2019_median_rank",
                    N_("Rank of the income-support median among the 19 regions (1 = highest)")),
)
#: the default area (MK02) is a region
HEADLINE = HEADLINE_REGION
MONTHLY_SPEC = N_("Unemployment rate {month}, unemployed jobseekers / labour force (derived)")
MISSING = N_("suppressed or not published")


@dataclass
class ExclusionPrevention:
    area: regions.Area
    compare_to: regions.Area
    table: pd.DataFrame              # 2019 indicators, one row per municipality
    meta: pd.DataFrame               # their titles and producers
    comp: x19.Composite
    sens: pd.DataFrame
    tem: pd.DataFrame
    tem_shown: list
    tem_missing: list
    long_rows: pd.DataFrame          # indicator 3219 of the 2013 download
    rates: pd.DataFrame              # youth 2016
    youth_code: str
    youth_note: str
    loaded: dict                     # live Sotkanet indicators, when pinned
    missing: list
    figures: dict
    headline: tuple
    snapshot: object = None
    labels: tuple = ()

    @property
    def region(self) -> regions.Area:
        return self.area if self.area.kind == "region" else regions.region_of(self.area)

    @property
    def highlight(self) -> str | None:
        return self.area.code if self.area.kind == "municipality" else None


def compute(params, snapshot) -> ExclusionPrevention:
    area, compare = params["area"], params["compare_to"]
    table = x19.municipal_table(snapshot)
    comp = x19.composite(table)
    sens = x19.sensitivity(table, area_code=area.code if area.kind == "municipality" else None)
    tem = series.monthly(snapshot)
    shown, absent = series.monthly_areas(tem, area, compare)
    long_rows = series.long_series(snapshot)
    rates = youth.youth_rates(snapshot)
    youth_code, youth_note = youth.youth_region(area, snapshot)
    loaded, missing = indicators.load_indicators(snapshot)
    figures = {"area": f"{area.statfin_code} {area.label}", "area_kind": area.kind}
    figures.update(x19.area_summary(comp, area))
    figures.update(figs.indicator_figures(table, area))
    figures.update({
        "sensitivity_min_spearman": float(sens["spearman"].min()),
        "sensitivity_max_abs_rank_change": int(sens["max_abs_rank_change"].max()),
        "sensitivity_min_top20_kept": int(sens["top_kept"].min()),
    })
    headline = tuple(keyfigures.Spec(s.name, _(s.label), s.unit, s.decimals) for s in
                     (HEADLINE_MUNICIPALITY if area.kind == "municipality" else HEADLINE_REGION))
    if area in shown:
        last = series.latest(tem, area)
        figures.update({"unemployment_rate_latest_month_pct": last["rate_pct"], "latest_month": last["month"],
                        "unemployed_latest_month": last["unemployed"],
                        "unemployment_rate_2019_tem_pct": series.year_mean_rate(tem, area, 2019)})
        month = pd.Timestamp(last["month"] + "-01").strftime("%m/%Y")
        headline += (keyfigures.Spec("unemployment_rate_latest_month_pct", _(MONTHLY_SPEC).format(month=month),
                                     "%", 1),)
    figures["monthly_areas"] = [a.statfin_code for a in shown]
    wide = series.long_wide(long_rows, series.long_areas(area, compare))
    for a in series.long_areas(area, compare):
        col = series.area_name(a)
        s = wide[col].dropna() if col in wide else pd.Series(dtype="float64")
        figures[f"outside_education_17_24_{a.statfin_code}_last_year"] = str(s.index.max()) if len(s) else None
        figures[f"outside_education_17_24_{a.statfin_code}_last_pct"] = float(s.iloc[-1]) if len(s) else None
    figures.update(youth.youth_summary(rates, youth_code, compare.code))
    figures["live_indicators_pinned"] = len(loaded)
    return ExclusionPrevention(area, compare, table, x19.metadata(snapshot), comp, sens, tem, shown, absent,
                               long_rows, rates, youth_code, youth_note, loaded, missing, figures, headline,
                               snapshot=snapshot, labels=figs.figure_labels(figures, headline))


def _src(res, *names) -> str:
    return provenance.source_caption(list(names), res.snapshot)


def _mark(name: str, code: str, res) -> str:
    return name + (" ◀" if code == res.highlight else "")


# ----------------------------------------------------------------------------- heading and headline


def heading(res: ExclusionPrevention):
    name, code = areas.reader_name(res.area), res.area.statfin_code
    if res.area.kind == "municipality":
        # i18n: the report's first heading: a municipality's name and code, then the region it belongs to
        text = _("{area} ({code}) — a municipality of {region}").format(
            area=name, code=code, region=areas.reader_name(res.region))
    else:
        # i18n: the report's first heading: a region's name and code
        text = _("{area} ({code}) — region").format(area=name, code=code)
    return display.markdown("## " + text)


def summary(res: ExclusionPrevention):
    """The headline figures as a list (formatted by the key-figure formatter)."""
    lines = [f"- **{s.label}:** {keyfigures.format_value(res.figures.get(s.name), unit=s.unit, decimals=s.decimals)}"
             for s in res.headline]
    if res.area.kind == "municipality" and res.figures.get("composite_index") is None:
        lines.append("\n" + _("{area} has no composite index: Sotkanet publishes {k} of its {n} indicators for "
                              "it (small numbers are suppressed), fewer than the {m} the index needs.").format(
            area=areas.reader_name(res.area), k=res.figures["composite_indicators_used"], n=len(res.comp.indicators),
            m=res.comp.min_indicators))
    if res.area.kind == "region":
        lines.append("\n" + _("A region has no value of its own in the 2019 download: its figures are the mean "
                              "or median of its municipalities' values (derived), every municipality counting "
                              "equally. The top quarter = ranks 1–{q} of the {n} municipalities with an index.").format(
            q=res.figures["composite_top_quarter_rank_limit"], n=res.figures["composite_municipalities_ranked"]))
    return display.markdown("\n".join(lines))


# ----------------------------------------------------------------------------- 1. indicators 2019


def indicator_list(res: ExclusionPrevention):
    """The Sotkanet indicators shown, with their published Finnish titles and producers."""
    rows = []
    for m in x19.MEASURES:
        r = res.meta.loc[m.id]
        rows.append({_("Sotkanet id"): m.id, _("Indicator"): _(m.label),
                     _("Title in Sotkanet (Finnish)"): r["title_fi"], _("Producer"): r["producer"],
                     _("Municipalities with a value"): int(r["n_municipalities_with_value"]),
                     _("In the composite index"): _("yes") if m.id in x19.COMPOSITE else _("no")})
    shown = pd.DataFrame(rows)
    for column in (_("Title in Sotkanet (Finnish)"), _("Producer")):  # Sotkanet's own Finnish: lang="fi" elsewhere
        shown[column] = display.published(shown[column], lang="fi")
    return display.table(shown, name="indicators_2019", title=_("Sotkanet indicators 2019 shown here"),
                         source=_src(res, x19.META))


def area_profile(res: ExclusionPrevention):
    """The area's 2019 values against its region and the whole country."""
    t = x19.area_profile(res.table, res.area, res.compare_to)
    supp = x19.suppressed_in(res.table, res.region.code)
    gaps = ", ".join(f"{x19.short(i)} {int(n)}" for i, n in supp.items() if n)
    intro = _("Values of {year} as downloaded from THL Sotkanet, in the municipal division of the download "
              "(the 308 municipalities of today). Sotkanet suppresses small numbers: a suppressed value is "
              "missing (–), never 0. Medians are derived from the municipal values (each municipality counts "
              "once); Sotkanet's own regional and national figures are not in the download. Municipalities of "
              "{region} without a value: {gaps}.").format(year=x19.YEAR, region=areas.reader_name(res.region),
                                                          gaps=gaps or _("none"))
    decimals = {c: 1 if c in (_("Value"), _("Lowest"), _("Highest")) else 2 for c in t.columns}
    return display.table(t, decimals=decimals, name="area_profile_2019", intro=intro, source=_src(res, x19.MUNICIPAL),
                         title=_("{area} in {year} against its region and the whole country").format(
                             area=areas.reader_name(res.area), year=x19.YEAR))


def _region_rows(res: ExclusionPrevention) -> pd.DataFrame:
    return res.table[res.table["region_code"] == res.region.code].sort_values("name")


def _wide(res: ExclusionPrevention, frame: pd.DataFrame) -> pd.DataFrame:
    rows = _region_rows(res)
    out = pd.DataFrame({_("Code"): rows.index, _("Municipality"): [_mark(n, c, res) for c, n in rows["name"].items()]})
    for m in x19.MEASURES:
        out[_(m.short)] = frame.loc[rows.index, m.id].array
    out.index = range(1, len(out) + 1)
    return out


def _long_download(res: ExclusionPrevention) -> pd.DataFrame:
    t = res.table
    nat, reg = x19.national_ranks(t), x19.region_ranks(t)
    parts = [pd.DataFrame({"area_code": t.index.astype(str), "area_name": t["name"], "region_code": t["region_code"],
                           "indicator": m.id, "value": t[m.id], "rank_in_finland": nat[m.id],
                           "rank_in_region": reg[m.id]}) for m in x19.MEASURES]
    return pd.concat(parts, ignore_index=True)


def municipal_values(res: ExclusionPrevention):
    """Every municipality of the region: its 2019 values (the download: all 308, with ranks)."""
    return display.table(
        _wide(res, res.table), name="indicators_2019_municipalities", data=_long_download(res),
        title=_("Exclusion indicators {year}: the municipalities of {region}").format(
            year=x19.YEAR, region=areas.reader_name(res.region)),
        intro=_("Values in %, income support in EUR per inhabitant; – = suppressed or not published. The "
                "download has every municipality of Finland with both ranks."), source=_src(res, x19.MUNICIPAL))


def municipal_ranks(res: ExclusionPrevention):
    """Every municipality of the region: its rank in Finland on each indicator."""
    n = ", ".join(f"{x19.short(m.id)} {int(res.table[m.id].notna().sum())}" for m in x19.MEASURES)
    return display.table(
        _wide(res, x19.national_ranks(res.table)), name="indicator_ranks_finland", source=_src(res, x19.MUNICIPAL),
        title=_("Rank in Finland, {year} (1 = highest value = highest risk)").format(year=x19.YEAR),
        intro=_("Ranked among the municipalities with a value: {n}.").format(n=n))


def municipal_region_ranks(res: ExclusionPrevention):
    """Every municipality of the region: its rank within the region on each indicator."""
    return display.table(
        _wide(res, x19.region_ranks(res.table)), name="indicator_ranks_region", source=_src(res, x19.MUNICIPAL),
        title=_("Rank within {region}, {year} (1 = highest value = highest risk)").format(
            region=areas.reader_name(res.region), year=x19.YEAR))


# ----------------------------------------------------------------------------- 2. composite index


def composite_method(res: ExclusionPrevention):
    return display.markdown(x19.method_note(res.comp, res.table))


def composite_table(res: ExclusionPrevention):
    """The region's municipalities with their index and ranks; the download has all 308."""
    t = res.comp.table[res.comp.table["region_code"] == res.region.code].sort_values(
        "composite_index", ascending=False, na_position="last")
    out = pd.DataFrame({
        _("Code"): t.index, _("Municipality"): [_mark(n, c, res) for c, n in t["name"].items()],
        _("Index"): t["composite_index"].to_numpy(), _("Rank in Finland"): t["rank"].array,
        _("Rank in {region}").format(region=areas.reader_name(res.region)): t["rank_in_region"].array,
        _("Indicators used"): t["n_indicators"].to_numpy(),
    })
    for i in res.comp.indicators:
        out[_("z: {name}").format(name=x19.short(i))] = t[f"z_{i}"].to_numpy()
    out.index = range(1, len(out) + 1)
    return display.table(
        out, decimals=2, name="composite_index", data=x19.download_frame(res.comp),
        title=_("Composite index of social-exclusion risk {year}, all municipalities").format(year=x19.YEAR),
        intro=_("The municipalities of {region}, highest index first (rank among {n} municipalities with an "
                "index; z = the indicator's z-score, – = suppressed and left out). The download lists all "
                "{total} municipalities.").format(region=areas.reader_name(res.region), n=res.comp.ranked,
                                                  total=len(res.comp.table)),
        source=_src(res, x19.MUNICIPAL))


def sensitivity_table(res: ExclusionPrevention):
    s = res.sens
    out = pd.DataFrame({
        _("Indicator left out"): [x19.label(i) for i in s["left_out"]],
        _("Municipalities compared"): s["municipalities"].to_numpy(),
        _("Rank correlation with the full index"): s["spearman"].to_numpy(),
        _("Median rank change"): s["median_abs_rank_change"].to_numpy(),
        _("Largest rank change"): s["max_abs_rank_change"].to_numpy(),
        _("Municipality moving most"): s["largest_move"].to_numpy(),
        _("Top {top} kept in the top {top}").format(top=x19.TOP): s["top_kept"].to_numpy(),
    })
    if "area_rank" in s:
        out[_("Rank of {area} (full index: {rank})").format(area=areas.reader_name(res.area),
                                                            rank=s["area_rank_full"].iloc[0])] = \
            pd.array(s["area_rank"].tolist(), dtype="Int64")
    out.index = range(1, len(out) + 1)
    return display.table(
        out, decimals={_("Rank correlation with the full index"): 3}, name="composite_sensitivity",
        title=_("Sensitivity of the composite index: each indicator left out in turn"),
        intro=x19.sensitivity_note(res.sens) + "\n\n" + _(
            "Rank changes compare the ranks among the municipalities that have both indices; the rank "
            "correlation is Spearman's. A variant needs at least {k} indicators as well.").format(
            k=x19.MIN_INDICATORS), source=_src(res, x19.MUNICIPAL))


# ----------------------------------------------------------------------------- 3. maps


def _map_frame(res: ExclusionPrevention, region_only: bool):
    gdf = geometry.municipalities(res.snapshot, res.region.code if region_only else None)
    gdf = gdf.merge(res.comp.table[["composite_index"]], left_on="code", right_index=True, how="left")
    return gdf.merge(res.table[["181"]].rename(columns={"181": "unemployed_pct"}), left_on="code",
                     right_index=True, how="left")


def _outline_region(fig, res: ExclusionPrevention):
    """Outline the area's region on a map of Finland (a region has no single polygon to highlight)."""
    reg = geometry.regions_frame(res.snapshot)
    reg[reg["code"] == res.region.code].boundary.plot(ax=fig.axes[0], color="black", linewidth=1.4)
    return fig


def _outlined(res, region_only: bool) -> bool:
    """A map of Finland for a region outlines the region."""
    return not region_only and res.area.kind == "region"


def _map(res, region_only: bool, column: str, **kw):
    gdf = _map_frame(res, region_only)
    outlined = [REGION_GEOMETRY] if _outlined(res, region_only) else []
    fig = plotting.choropleth(gdf, column, highlight=res.highlight, labels="auto" if region_only else False,
                              missing_label=_(MISSING) if column == "unemployed_pct" else _("no index"),
                              source=_src(res, x19.MUNICIPAL, MUNI_GEOMETRY, *outlined), **kw)
    if outlined:
        _outline_region(fig, res)
    return fig


def _index_map(res, region_only):
    region = areas.reader_name(res.region)
    if region_only:
        title = _("Composite index of social-exclusion risk {year}: {region}").format(year=x19.YEAR, region=region)
    elif _outlined(res, region_only):
        title = _("Composite index of social-exclusion risk {year}: all municipalities of Finland ({region} "
                  "outlined)").format(year=x19.YEAR, region=region)
    else:
        title = _("Composite index of social-exclusion risk {year}: all municipalities of Finland").format(
            year=x19.YEAR)
    return _map(res, region_only, "composite_index", centre=0, k=6, diverging_cmap="RdBu_r", decimals=2,
                legend_title=_("Composite index (mean z-score; above 0 = higher risk than the average municipality)"),
                title=title)


def index_map_region(res: ExclusionPrevention):
    return _index_map(res, True)


def index_map_finland(res: ExclusionPrevention):
    return _index_map(res, False)


def _unemployment_map(res, region_only):
    region = areas.reader_name(res.region)
    if region_only:
        title = _("Unemployment {year}: {region}").format(year=x19.YEAR, region=region)
    elif _outlined(res, region_only):
        title = _("Unemployment {year}: all municipalities of Finland ({region} outlined)").format(
            year=x19.YEAR, region=region)
    else:
        title = _("Unemployment {year}: all municipalities of Finland").format(year=x19.YEAR)
    return _map(res, region_only, "unemployed_pct", decimals=1, legend_title=_("Unemployed, % of the labour force"),
                title=title)


def unemployment_map_region(res: ExclusionPrevention):
    return _unemployment_map(res, True)


def unemployment_map_finland(res: ExclusionPrevention):
    return _unemployment_map(res, False)


# ----------------------------------------------------------------------------- 4. monthly unemployment


def monthly_note(res: ExclusionPrevention):
    text = ""
    if res.tem_missing:
        text = _("The monthly table covers Southwest Finland's municipalities, Southwest Finland and the whole "
                 "country only, so there is no monthly series for {names}.").format(
            names=", ".join(areas.reader_name(a) for a in res.tem_missing)) + " "
    last = series.latest(res.tem, res.tem_shown[0])
    text += _("Latest month {month}: {area} {unemployed} unemployed jobseekers, labour force {lf}, rate {rate} % "
              "(derived).").format(month=last["month"], area=series.area_name(res.tem_shown[0]),
                                   unemployed=analysis.format_number(last["unemployed"]),
                                   lf=analysis.format_number(last["labour_force"]),
                                   rate=analysis.format_number(last["rate_pct"], 1))
    if res.area.kind == "municipality" and res.area in res.tem_shown:
        text += " " + _("For comparison, the 2019 mean here is {tem} %; Sotkanet's unemployment figure for "
                        "2019 is {sotka} %.").format(
            tem=analysis.format_number(res.figures["unemployment_rate_2019_tem_pct"], 1),
            sotka=analysis.format_number(res.figures["unemployment_2019_pct"], 1))
    return display.markdown(text)


def monthly_chart(res: ExclusionPrevention):
    wide = series.monthly_wide(res.tem, res.tem_shown)
    first, last = wide.index.min().strftime("%m/%Y"), wide.index.max().strftime("%m/%Y")
    name = series.area_name(res.area)
    fig = plotting.line_chart(
        wide, markers=False, decimals=1, highlight=name if name in wide else None, units="%",
        y_label=_("Unemployment rate, derived"), x_label=_("Month"),
        title=(_("Unemployed jobseekers as % of the labour force by month: {area}, {first}–{last}").format(
            area=wide.columns[0], first=first, last=last) if wide.shape[1] == 1 else
            _("Unemployed jobseekers as % of the labour force by month, {first}–{last}").format(
                first=first, last=last)),
        source=_src(res, series.MONTHLY))
    # the alt text names months, not midnight timestamps
    return alt.set_alt(fig, re.sub(r"(\d{4}-\d{2})-01 00:00:00", r"\1", alt.alt_text(fig)))


def monthly_table(res: ExclusionPrevention):
    t = series.yearly(res.tem, res.tem_shown)
    return display.table(
        t, decimals=1, name="unemployment_yearly", source=_src(res, series.MONTHLY),
        title=_("Unemployed jobseekers and the derived unemployment rate by year"),
        intro=_("Means of the months in the table (derived; {last} has {months} months). The labour force is "
                "one figure per year, repeated in every month.").format(
            last=int(t[_("Year")].max()), months=int(t[_("Months")].iloc[-1])))


# ----------------------------------------------------------------------------- 5. outside education


def long_series_note(res: ExclusionPrevention):
    rows = res.long_rows
    notes = series.division_notes(rows, res.area)
    text = _("Indicator 3219 of the 2013 Sotkanet download: “{title}”. Its values run from {first} to {last} "
             "(the download reaches 2012, this indicator ends in {last}) and are in the 2013 municipal "
             "division. The download has no whole-country rows, so no national line is shown; the figures "
             "were not revised after 2013.").format(title=rows["title_fi"].iloc[0], first=int(rows["year"].min()),
                                                     last=int(rows["year"].max()))
    return display.markdown(" ".join([text] + notes))


def long_series_chart(res: ExclusionPrevention):
    wide = series.long_wide(res.long_rows, series.long_areas(res.area, res.compare_to))
    name = series.area_name(res.area)
    return plotting.line_chart(
        wide, units="%", decimals=1, highlight=name if name in wide else None, x_label=_("Year"),
        y_label=_("Share of the age group"),
        title=_("Young people aged 17–24 outside education, {first}–{last} (2013 division)").format(
            first=int(wide.index.min()), last=int(wide.index.max())), source=_src(res, series.LONG))


# ----------------------------------------------------------------------------- 6. youth 2016 (context)


def youth_table(res: ExclusionPrevention):
    shown = youth.youth_display(res.rates, [res.youth_code, res.compare_to.code, regions.COUNTRY_CODE])
    return display.table(shown, name="youth_main_activity_2016", intro=res.youth_note, source=_src(res, youth.YOUTH),
                         title=_("18–24-year-olds by main activity, end of 2016"))


def youth_map(res: ExclusionPrevention):
    rank = int(res.rates.loc[res.youth_code, "rank_outside_work_study"])
    return plotting.choropleth(
        youth.youth_map_frame(res.snapshot, res.rates), "outside_work_study_pct", highlight=res.youth_code,
        decimals=1, labels=False, source=_src(res, youth.YOUTH, REGION_GEOMETRY),
        legend_title=_("Unemployed + others outside the labour force, % of 18–24-year-olds"),
        title=_("18–24-year-olds outside work and study by region, 2016: {region} is {rank} of 19").format(
            region=res.rates.loc[res.youth_code, "name"], rank=rank))


# ----------------------------------------------------------------------------- 7. newer years (live)


def newer_years_charts(loaded: dict, area, compare_to, snap) -> list:
    """One trend chart per pinned live Sotkanet indicator: the area, its region, ``compare_to``."""
    figs = []
    shown = indicators.trend_areas(area, compare_to)
    for dataset, shaped in loaded.items():
        ind = indicators.label(dataset)
        years = shaped["year"]
        trend = indicators.trend_table(shaped, shown, int(years.min()), int(years.max()))
        if not len(trend):
            continue
        trend.columns = [series.area_name(a) for a in shown]
        name = series.area_name(shown[0])
        figs.append(plotting.line_chart(
            trend, y_label=_(ind.label), units=_(ind.unit), highlight=name if name in trend else None,
            x_label=_("Year"), title=_("{label}, {first}–{last}").format(
                label=_(ind.label), first=int(trend.index.min()), last=int(trend.index.max())),
            source=provenance.source_caption([notebook.dataset_resource(dataset)], snap)))
    return figs


def newer_years(res: ExclusionPrevention):
    """The live indicators, when pinned; otherwise one short note."""
    from IPython.display import display as show

    note = display.markdown(indicators.missing_indicators_note(res.missing))
    if not res.loaded:
        return note
    show(note)
    for fig in newer_years_charts(res.loaded, res.area, res.compare_to, res.snapshot):
        show(fig)
    return None
