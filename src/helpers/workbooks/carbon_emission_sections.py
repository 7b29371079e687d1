"""The emission sections of the ``carbon_neutrality`` workbook: one function per table, chart
or note, each the last expression of a notebook cell (calculations: :mod:`.carbon_inventory`).

Every emission section is Turku's, whatever the chosen area; its titles say so."""

from __future__ import annotations

import pandas as pd

from .. import analysis, display, plotting, provenance
from ..i18n import N_, _
from . import areas
from . import carbon_inventory as ci

fmt = analysis.format_number


def table(frame: pd.DataFrame, *, name: str, title: str, source: str, note: str = "", **kw):
    """A table with its title and source line above it and its data for download as ``name``.csv."""
    line = source.markdown() if hasattr(source, "markdown") else source
    intro = f"**{title}**\n\n*{line}*" + (f"\n\n{note}" if note else "")
    return display.table(frame, name=name, title=title, source=source, intro=intro, **kw)


def _source(res, *names: str) -> str:
    return provenance.source_caption(list(names), res.snapshot)


def _sector(sector_id: str) -> str:
    return _(ci.SECTOR_LABELS[sector_id])


# ----------------------------------------------------------------------------- the 2020 inventory


def inventory_table(res):
    """Every activity row of Turku's 2020 inventory, as published, with its derived share."""
    inv = res.inventory
    notes, plain = [], []  # the page's (marked) and the data file's (plain text)
    for foot, status in zip(inv["footnote"], inv["gwh_status"]):
        # the inventory's own footnote (English, as published) and our words about it
        parts = [(str(foot), True)] if isinstance(foot, str) and foot else []
        if status == "*":
            parts.append((_("GWh marked '*' in the source"), False))
        plain.append("; ".join(text for text, _published in parts))
        notes.append(display.Markup("; ".join(
            display.as_published(display.escape_markdown(text)) if published else display.escape_markdown(text)
            for text, published in parts)))
    out = pd.DataFrame({
        _("Sector"): [_sector(s) for s in inv["sector_a14"]],
        # the inventory's sub-sectors and activities as it prints them (English)
        _("Sub-sector"): display.published(inv["sub_sector"]).to_numpy(),
        _("Activity"): display.published(inv["activity"]).to_numpy(),
        _("Scope"): inv["scope"].astype("Int64").to_numpy(),
        _("Emissions, t CO2e"): inv["t_co2e"].to_numpy(),
        _("Share of the total, % (derived)"): inv["share_pct"].to_numpy(),
        _("Final energy, GWh"): inv["gwh"].to_numpy(),
        _("Emission factor, t CO2e/GWh"): inv["t_co2e_per_gwh"].to_numpy(),
        _("Note"): notes,
    })
    total, gwh = inv["t_co2e"].sum(), inv["gwh"].sum()
    note = _("The 22 rows add up to {t} t CO2e, the total printed in the plan; their final energy adds up to "
             "{g} GWh (printed: 4 660, a rounding difference). Scope 1 = direct emissions in the city, scope 2 "
             "= emissions of grid-supplied electricity and district heat. A missing value (–) is not printed in "
             "the source. The forest carbon sink is negative.").format(t=fmt(total), g=fmt(gwh))
    dec = {_("Emissions, t CO2e"): 0, _("Final energy, GWh"): 0, _("Emission factor, t CO2e/GWh"): 0}
    return table(out, name="turku_ghg_inventory_2020", decimals=dec, note=note, data=out.assign(**{_("Note"): plain}),
                 title=_("Turku's greenhouse-gas emissions 2020 by sector, sub-sector and activity"),
                 source=_source(res, ci.INVENTORY))


def subsector_table(res):
    """The sub-sectors, largest first, with their derived shares."""
    s = res.subsectors
    out = pd.DataFrame({
        _("Rank"): s["rank"].astype(int).to_numpy(),
        _("Sub-sector"): display.published(s["sub_sector"]).to_numpy(),
        _("Sector"): [_sector(x) for x in s["sector_id"]],
        _("Emissions, t CO2e"): s["t_co2e"].to_numpy(),
        _("Share of the total, % (derived)"): s["share_pct"].to_numpy(),
        _("Final energy, GWh"): s["gwh"].to_numpy(),
    })
    dec = {_("Emissions, t CO2e"): 0, _("Final energy, GWh"): 0}
    return table(out, name="turku_ghg_subsectors_2020", decimals=dec,
                 title=_("Turku's greenhouse-gas emissions 2020 by sub-sector, largest first"),
                 source=_source(res, ci.INVENTORY),
                 note=_("Sums of the activity rows of each sub-sector. Share = 100 × sub-sector / all rows "
                        "(601 638 t). Final energy is missing where a row of the sub-sector has none."))


def subsector_chart(res):
    """Horizontal bars of the sub-sectors, coloured by sector."""
    s = res.subsectors
    values = pd.Series(s["t_co2e"].to_numpy(), index=s["sub_sector"].to_numpy())
    groups = pd.Series([_sector(x) for x in s["sector_id"]], index=values.index)
    colours = dict(zip([_sector(x) for x in ci.SECTOR_ORDER], plotting.PALETTE))
    return plotting.category_bar_chart(
        values, groups, value_label=_("Emissions 2020"), units=_("t CO2e"), group_label=_("sector"),
        colours=colours, decimals=0, title=_("Turku's greenhouse-gas emissions 2020 by sub-sector"),
        source=_source(res, ci.INVENTORY))


def largest_subsectors(res):
    """The three largest sub-sectors in one sentence."""
    top = res.subsectors.head(3)
    parts = [_("{name} {t} t ({p} %)").format(name=n, t=fmt(t), p=fmt(p, 1))
             for n, t, p in zip(top["sub_sector"], top["t_co2e"], top["share_pct"])]
    return display.markdown(_(
        "**The three largest sub-sectors** of Turku's 2020 emissions: {parts} — together {p} % of the total "
        "(derived).").format(parts="; ".join(parts), p=fmt(top["share_pct"].sum(), 1)))


def sector_check_table(res):
    """The unrounded rows summed by sector and scope against the plan's rounded table A-1.4."""
    c = res.sector_check
    cols = {"scope1": _("Scope 1"), "scope2": _("Scope 2"), "scope3": _("Scope 3"), "total": _("All scopes")}
    out = pd.DataFrame({
        _("Sector"): [_sector(s) for s in c["sector_id"]],
        _("Column of table A-1.4"): [cols[x] for x in c["column"]],
        _("Sum of the inventory rows, t CO2e"): c["rows_sum"].to_numpy(),
        _("Table A-1.4, t CO2e (rounded to 100 t)"): c["a14"].to_numpy(),
        _("Difference, t CO2e"): c["difference"].to_numpy(),
        _("Agrees within the rounding"): [_("yes") if a else _("no") for a in c["agrees"]],
    })
    return table(out, name="turku_ghg_check_against_a14", decimals=0,
                 title=_("Check: Turku's inventory rows summed by sector against the plan's table A-1.4"),
                 source=_source(res, ci.INVENTORY, ci.SECTORS),
                 note=_("Table A-1.4 is rounded to 100 t; a sum agrees when it is within 50 t of the printed "
                        "cell. Empty cells of the table (no scope 2 or 3 emissions) are not listed."))


# ----------------------------------------------------------------------------- per capita and the target


def per_capita_table(res):
    """Emissions per inhabitant as the city states them (1990, 2020) and its scenario (2025, 2029)."""
    rows = res.targets[res.targets["measure"].isin(["emissions_per_capita", "emissions_per_capita_scenario"])]
    rows = rows.sort_values("year")
    out = pd.DataFrame({
        _("Year"): rows["year"].to_numpy(),
        _("t CO2e per inhabitant"): rows["value"].to_numpy(),
        _("Kind"): [_("stated level") if m == "emissions_per_capita" else _("scenario of the plan")
                    for m in rows["measure"]],
        _("In the City of Turku's words"): rows["quote"].to_numpy(),
    })
    info = res.target_info
    return table(out, name="turku_emissions_per_capita", decimals=1, published=(_("In the City of Turku's words"),),
                 title=_("Turku's greenhouse-gas emissions per inhabitant, as the city states them"),
                 source=_source(res, ci.TARGETS),
                 note=_("Change 1990 → 2020: {c} % (derived from the two stated values). The city's per-capita "
                        "series covers buildings and on-road and rail transport only and is corrected for the "
                        "heating need of the year, so it is not the inventory total divided by the population. "
                        "The 2025 scenario gives no number (“halved”); nothing is filled in.").format(
                            c=fmt(info["per_capita_change_1990_2020_pct"], 1)))


def per_capita_chart(res):
    """Bars: 1990 and 2020 as stated, 2029 as the plan's scenario."""
    info = res.target_info
    bars = pd.Series({_("1990, as stated"): float(info["per_capita_1990"]["value"]),
                      _("2020, as stated"): float(info["per_capita_2020"]["value"]),
                      _("2029, the plan's scenario"): float(info["per_capita_2029_scenario"]["value"])})
    return plotting.bar_chart(
        bars, sort=None, decimals=1, value_label=_("Emissions per inhabitant"), units=_("t CO2e"),
        size=(plotting.WIDTH, 3.4),
        title=_("Turku's emissions per inhabitant: 1990 and 2020 as the city states them, 2029 in its scenario"),
        source=_source(res, ci.TARGETS))


def target_definition(res):
    """What the plan says carbon neutrality by 2029 means — its own words only."""
    t = res.targets
    quotes = []
    for measure, year in (("carbon_neutrality", 2029), ("emission_reduction_vs_1990", 2029),
                          ("emission_reduction_vs_2020", 2029), ("emission_reduction_vs_2019", 2029),
                          ("emission_reduction_vs_1990", 2020)):
        for q in t.loc[(t["measure"] == measure) & (t["year"] == year), "quote"]:
            quotes.append(f"> “{display.as_published(display.escape_markdown(q))}”")
    info = res.target_info
    v1990, v2020 = float(info["cut_vs_1990"]["value"]), float(info["cut_vs_2020"]["value"])
    v2019 = float(ci.statement(t, "emission_reduction_vs_2019", ci.TARGET_YEAR)["value"])
    done = float(info["achieved_vs_1990"]["value"])
    return display.markdown(
        _("**The 2029 target in the plan's words** (City of Turku, Climate City Contract action plan):") + "\n\n"
        + "\n>\n".join(quotes) + "\n\n" + _(
            "The plan thus states carbon neutrality through reduction targets: at least {v1990} % below 1990 and "
            "at least {v2020} % below 2020 by 2029 (more than {v2019} % below 2019). The quoted text does not say "
            "how the emissions that remain are to be handled (for example compensated); this workbook assumes "
            "nothing about it. By the plan's own numbers the targets fit together: with emissions {done} % below "
            "1990 in 2020, {v1990} % below 1990 is {c} % below 2020 (derived: 1 − (100 − {v1990}) / (100 − {done}))."
        ).format(v1990=fmt(v1990), v2020=fmt(v2020), v2019=fmt(v2019), done=fmt(done),
                 c=fmt(info["implied_cut_vs_2020_pct"], 1)))


def reduction_table(res):
    """The required yearly reduction 2020 → 2029: inputs and derived figures."""
    info, red = res.target_info, res.target_info["reduction"]
    rows = [
        (_("Emissions 2020 (inventory total, Figure 3)"), red["base"], _("t CO2e"), _("stated by the city")),
        (_("Target 2029: cut from the 2020 level, at least"), red["cut_pct"], "%", _("stated by the city")),
        (_("Years from 2020 to 2029"), float(red["years"]), _("years"), "2029 − 2020"),
        (_("Highest level the target allows in 2029"), red["target_level"], _("t CO2e"),
         _("derived: 2020 level × (1 − {cut} %)").format(cut=fmt(red["cut_pct"]))),
        (_("Required cut per year, straight line"), red["linear_t_per_year"], _("t CO2e per year"),
         _("derived: (2020 level − 2029 level) / {n}").format(n=red["years"])),
        (_("… the same, as a share of the 2020 level"), red["linear_pct_of_base"], _("% per year"),
         _("derived: 100 × cut per year / 2020 level")),
        (_("Required cut per year, constant rate"), red["rate_pct_per_year"], _("% per year"),
         _("derived: 100 × (1 − (2029 level / 2020 level)^(1/{n})); each year this much below the year "
           "before").format(n=red["years"])),
        (_("For comparison: the plan's per-capita scenario, 2020 → 2029"), info["per_capita_scenario_cut_pct"], "%",
         _("derived from the stated {a} t and the scenario's {b} t per inhabitant").format(
             a=fmt(float(info["per_capita_2020"]["value"]), 1),
             b=fmt(float(info["per_capita_2029_scenario"]["value"]), 1))),
    ]
    out = pd.DataFrame(rows, columns=[_("Figure"), _("Value"), _("Unit"), _("How it is obtained")])
    return table(out, name="turku_required_reduction_2020_2029", decimals=1,
                 title=_("What Turku's 2029 target means per year from 2020 (derived)"),
                 source=_source(res, ci.INVENTORY, ci.TARGETS),
                 note=_("Derived figures, not the city's: they apply the stated “at least 75 per cent compared to "
                        "the level in 2020” to the inventory total of 2020 (the plan does not say in the quoted "
                        "text which 2020 total the percentage refers to; table A-1.4's rounded {a} t gives the "
                        "same figures within 5 t per year). Because the target says “at least”, these are the "
                        "smallest cuts that reach it. A straight line cuts the same tonnes each year; a constant "
                        "rate cuts the same percentage of the previous year.").format(
                            a=fmt(info["e2020_a14"])))


def statements_table(res):
    """Every statement of the plan on levels, targets and scenarios (outside table B-3.1), quoted."""
    return table(ci.statements_table(res.targets), name="turku_climate_statements",
                 published=(_("Value as stated"), _("In the plan's words"), _("Where in the plan")),
                 title=_("Turku's climate targets and stated levels, in the plan's own words"),
                 source=_source(res, ci.TARGETS),
                 note=_("Quotations from the City of Turku's Climate City Contract action plan; the values are "
                        "the city's, nothing is computed."))


def indicators_table(res):
    """Table B-3.1: the sector indicators' targets for 2025 and 2030 and the 2027 evaluation."""
    return table(ci.indicator_table(res.targets), name="turku_indicator_targets_b31",
                 # the indicators' names are ours (INDICATORS, translated); the values are the plan's
                 published=(_("Target 2025"), _("Evaluation 2027"), _("Target 2030")),
                 title=_("Turku's indicator targets for 2025 and 2030 (table B-3.1 of the plan)"),
                 source=_source(res, ci.TARGETS),
                 note=_("As printed: the table states no unit (the magnitudes are those of t CO2e per year in "
                        "table A-1.4), and “reduced” where it gives no number. Its sectors are not the same "
                        "split as the inventory's, so they are not matched to it here."))


# ----------------------------------------------------------------------------- CDP and CO2-raportti


def _cdp_frame(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        _("Questionnaire (report year)"): rows["report_year"].astype(int).to_numpy(),
        _("Accounting year"): rows["accounting_year"].astype(int).to_numpy(),
        _("Column as reported"): rows["measure_as_reported"].to_numpy(),
        _("Scope"): [_(ci.SCOPE_LABELS[s]) for s in rows["scope"]],
        _("Emissions as reported, t CO2e"): rows["value"].to_numpy(),
        _("Protocol as reported"): rows["protocol"].fillna("").to_numpy(),
        _("What this questionnaire asked"): [_(ci.QUESTIONNAIRES[int(y)]) if int(y) in ci.QUESTIONNAIRES else ""
                                             for y in rows["report_year"]],
    })


_CDP_NOTE = N_("Self-reported by the city and not verified. Each row is one reported cell. The questionnaire "
               "changed every year (from 2018 the scopes are split by generation of grid-supplied energy, from "
               "2020 they are called direct and indirect) and the city's method changed too, so the rows are "
               "never added up across questionnaires or joined into a trend here: compare like with like only.")
_CDP_EXAMPLE = N_("The same accounting year can be reported differently in two questionnaires ({year}, {scope}: "
                  "{a} t in the {ra} questionnaire, {b} t in the {rb} one).")


def _cdp_note(rows: pd.DataFrame) -> str:
    """The caveat, with a real example from ``rows``: the accounting year and scope reported in
    two questionnaires (one value in each) whose values differ most (relative to the first)."""
    best = None
    for (year, scope), g in rows[rows["scope"] != "total"].groupby(["accounting_year", "scope"]):
        if g["report_year"].duplicated().any():
            continue  # a scope split into several columns in one questionnaire: no like-for-like value
        g = g.sort_values("report_year")
        first, last = g.iloc[0], g.iloc[-1]
        if first["report_year"] == last["report_year"] or not first["value"]:
            continue
        gap = abs(last["value"] - first["value"]) / abs(first["value"])
        if best is None or gap > best[0]:
            best = (gap, year, scope, first, last)
    text = _(_CDP_NOTE)
    if best is not None and best[0] > 0:
        _gap, year, scope, first, last = best
        text += " " + _(_CDP_EXAMPLE).format(
            year=int(year), scope=_(ci.SCOPE_LABELS[scope]).lower(), a=fmt(first["value"]),
            ra=int(first["report_year"]), b=fmt(last["value"]), rb=int(last["report_year"]))
    return text


def _as_reported() -> tuple[str, ...]:
    """The CDP table's columns that quote the questionnaire (English, as reported)."""
    return (_("Column as reported"), _("Protocol as reported"))


def cdp_table(res):
    """Everything Turku reported to CDP-ICLEI, one row per reported cell, questionnaire by questionnaire."""
    rows = res.cdp_turku
    return table(_cdp_frame(rows), name="turku_cdp_reported", decimals=0, note=_cdp_note(rows),
                 published=_as_reported(),
                 title=_("What Turku self-reported to CDP-ICLEI, questionnaires 2016–2021"),
                 source=_source(res, ci.CDP))


def cdp_area_table(res):
    """What the chosen area reported to CDP (only when it is one of the reporting cities)."""
    if res.cdp_area is None:
        return None
    return table(_cdp_frame(res.cdp_area), name="area_cdp_reported", decimals=0, note=_cdp_note(res.cdp_area),
                 published=_as_reported(),
                 title=_("What {name} self-reported to CDP-ICLEI").format(name=areas.reader_name(res.area)),
                 source=_source(res, ci.CDP))


def cdp_chart(res):
    """One bar per reported cell, coloured by questionnaire: report years are never joined."""
    rows = res.cdp_turku
    labels = [f"{int(a)}: {_(ci.CDP_MEASURES[m])}" for a, m in zip(rows["accounting_year"], rows["measure"])]
    dup = {lab for lab in labels if labels.count(lab) > 1}
    labels = [lab + (f" ({int(r)})" if lab in dup else "") for lab, r in zip(labels, rows["report_year"])]
    groups = pd.Series([_("{y} questionnaire").format(y=int(y)) for y in rows["report_year"]], index=labels)
    return plotting.category_bar_chart(
        pd.Series(rows["value"].to_numpy(), index=labels), groups, value_label=_("Emissions as reported"),
        units=_("t CO2e"), group_label=_("questionnaire"), decimals=0,
        title=_("Turku's reports to CDP-ICLEI: accounting year and column, coloured by questionnaire"),
        source=_source(res, ci.CDP))


def cdp_methods(res):
    """How Turku described its method in each questionnaire (as reported), where it changed."""
    lines = [_("**Turku's method, as it described it to CDP** (changes between questionnaires are marked by a "
               "new entry):")]
    for p in ci.method_periods(res.cdp_turku):
        years = f"{p['years'][0]}–{p['years'][-1]}" if len(p["years"]) > 1 else str(p["years"][0])
        lines.append(_("- **Questionnaire {years}** — protocol: {protocol}. “{comment}”").format(
            years=years, protocol=display.as_published(display.escape_markdown(p["protocol"])),
            comment=display.as_published(display.escape_markdown(p["comment"]))))
    return display.markdown("\n".join(lines))


def _co2_frame(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        _("Sector (English)"): display.published(rows["sector_en"]).to_numpy(),
        _("Sector as printed"): display.published(rows["sector_fi"], lang="fi").to_numpy(),  # a Finnish summary
        _("Value as printed"): rows["value"].to_numpy(),
        _("Unit"): rows["unit"].to_numpy(),
        _("Share of the printed total, % (derived)"): rows["share_of_total_pct"].to_numpy(),
    })


def _co2_table(res, rows: pd.DataFrame, name: str):
    sectors = rows[~rows["sector_id"].isin(["total", "per_capita"])]
    printed = rows.loc[rows["sector_id"] == "total", "value"].iloc[0]
    note = _("Not official statistics: a consultancy's emission accounting commissioned by the municipality, "
             "with its own method — not comparable with the 2020 inventory above or with the CDP reports. The "
             "printed sectors add up to {s} kt (printed total {t} kt). Sectors the summary does not print are "
             "not rows.").format(s=fmt(sectors["value"].sum(), 1), t=fmt(printed, 1))
    return table(_co2_frame(rows), name=f"co2raportti_2017_{rows['municipality_code'].iloc[0]}", note=note,
                 title=_("{name}'s greenhouse-gas emissions 2017 in the commissioned CO2-raportti — not official "
                         "statistics").format(name=name),
                 source=_source(res, ci.CO2RAPORTTI))


def co2raportti_table(res):
    """Turku's 2017 summary in the commissioned CO2-raportti (context, not official statistics)."""
    return _co2_table(res, res.co2_turku, areas.reader_name("KU" + ci.TURKU_CODE))


def co2raportti_area_table(res):
    """The chosen municipality's own 2017 CO2-raportti summary, when the snapshot has one (Paimio)."""
    return None if res.co2_area is None else _co2_table(res, res.co2_area, areas.reader_name(res.area))
