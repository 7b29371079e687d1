"""StatFin business-register and employment tables of a cluster (live-only datasets).

A pinned StatFin resource has the shape of :func:`helpers.sources.statfin.parse_jsonstat2`;
:func:`tidy_statfin` turns it into fixed columns ``area, area_label, industry,
industry_label, year, measure, measure_label, value, status``. Everything else works on that
tidy frame: :func:`cluster_rows`, :func:`cluster_table`, :func:`cluster_lq`,
:func:`cluster_shift_share`, :func:`industrial_share_check`, :func:`ict_occupation_table`.
Missing or suppressed cells stay NaN (never 0): a sum over a suppressed cell is NaN.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .. import analysis, notebook
from ..i18n import N_, _
from . import areas as _areas
from .industry import CLUSTER_TOTAL, CodeList, normalise_industry_code

TIDY_COLUMNS = ["area", "area_label", "industry", "industry_label", "year", "measure",
                "measure_label", "value", "status"]

_DATED = re.compile(r"^(?P<stem>.+?)_\d+_\d{8}$")
_ROLE_STEMS = {
    "area": ("alue", "kunta", "maakunta", "seutukunta", "tyopaikan_alue", "työpaikan_alue", "area", "region"),
    "year": ("timeperiod_y", "vuosi", "year", "timeperiod"),
    "industry": ("toimiala", "tol2008", "industry", "ammatti", "occupation"),
    "measure": ("contentscode", "tiedot", "contents"),
}
#: the reader's name of the cluster's own total row (:func:`cluster_table`)
CLUSTER_TOTAL_NAME = N_("Cluster total")
#: the reader's words for the verdicts of :func:`industrial_share_check` (the verdicts themselves
#: are stable English names)
VERDICTS = {
    # i18n: verdict on a claimed share ("the cluster is 20 % of the region's industry"): the official share agrees
    "consistent": N_("consistent"),
    # i18n: verdict on a claimed share: the official share is higher than claimed
    "higher": N_("higher"),
    # i18n: verdict on a claimed share: the official share is lower than claimed
    "lower": N_("lower"),
    # i18n: verdict on a claimed share: a needed figure is missing or suppressed
    "cannot be computed": N_("cannot be computed"),
}
_TOTAL_CODES = ("SSS", "TOTAL", "YHT", "0")
_TOTAL_LABEL = re.compile(r"^(yhteensä|kaikki|toimialat yhteensä|total|all industries|koko maa|sukupuolet yhteensä)",
                          re.IGNORECASE)


def _stem(column: str) -> str:
    m = _DATED.match(column)
    return (m.group("stem") if m else column).lower()


def _role_of(column: str) -> str | None:
    stem = _stem(column)
    for role, stems in _ROLE_STEMS.items():
        if stem in stems or any(stem.startswith(s) for s in stems if role in ("area", "industry")):
            return role
    return None


def content_measure(code: str, label: str) -> str | None:
    """Measure name for a StatFin content value: ``establishments``, ``personnel``,
    ``turnover``, ``jobs`` or ``employed``; None for ratios (per person / per establishment)."""
    text = f"{code} {label}".lower()
    if re.search(r"\bper\b|kohti|kohden|/\s*(hlö|henkilö|toimipaikka)", text):
        return None
    if re.search(r"liikevaihto|turnover|omsättning", text):
        return "turnover"
    if re.search(r"henkilöstö|personnel|personal", text):
        return "personnel"
    if re.search(r"toimipaik|establishment|arbetsställ", text):
        return "establishments"
    if re.search(r"työpaik|jobs", text):
        return "jobs"
    if re.search(r"työllis|employed|sysselsatt", text):
        return "employed"
    return None


def tidy_statfin(frame: pd.DataFrame, *, roles: Mapping[str, str] | None = None,
                 default_measure: str = "value") -> pd.DataFrame:
    """A pinned StatFin resource (the :func:`~helpers.sources.statfin.parse_jsonstat2` shape)
    as a tidy frame with columns :data:`TIDY_COLUMNS`.

    Dimension columns are the columns that have a ``<column>_label`` partner. Their roles
    (area, year, industry - an occupation dimension also counts as ``industry`` - and measure)
    are found from the variable code's stem (``alue_23_20260101`` -> ``alue``); pass ``roles``
    (role -> column) to override. Any other dimension (e.g. sex) is reduced to its total
    (code ``SSS`` or a label such as "Yhteensä"); a dimension with several values and no
    total is an error, because summing it could double count. Content values are mapped to
    measure names with :func:`content_measure` (ratios are dropped); without a content
    dimension every row gets ``default_measure``. ``status`` holds the publisher's marker
    (``..``) where the value is missing; the value stays NaN.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a DataFrame; got {type(frame).__name__}")
    if "value" not in frame.columns:
        raise ValueError(f"frame has no 'value' column (columns: {list(frame.columns)}); is it a StatFin resource?")
    dims = [c for c in frame.columns if not c.endswith("_label") and f"{c}_label" in frame.columns]
    found: dict[str, str] = {}
    for col in dims:
        role = _role_of(col)
        if role and role not in found:
            found[role] = col
    if roles:
        for role, col in roles.items():
            if role not in ("area", "year", "industry", "measure"):
                raise ValueError(f"unknown role {role!r}; valid: area, year, industry, measure")
            if col not in dims:
                raise ValueError(f"roles[{role!r}]={col!r} is not a dimension column; dimensions: {dims}")
            found[role] = col
    for role in ("area", "year"):
        if role not in found:
            raise ValueError(f"no {role} dimension found among {dims}; pass roles={{'{role}': <column>}}")
    work = frame
    for col in dims:
        if col in found.values():
            continue
        values = pd.unique(work[col])
        if len(values) <= 1:
            continue
        totals = [v for v in values if v in _TOTAL_CODES]
        if not totals:
            labels = work.drop_duplicates(col).set_index(col)[f"{col}_label"]
            totals = [v for v in values if _TOTAL_LABEL.match(str(labels.get(v, "")))]
        if len(totals) != 1:
            raise ValueError(f"dimension {col!r} has several values {list(values)[:6]} and no single total "
                             "(code SSS or a label 'Yhteensä'); select one value before tidying")
        work = work[work[col] == totals[0]]
    out = pd.DataFrame({
        "area": work[found["area"]].astype(str).to_numpy(),
        "area_label": work[f"{found['area']}_label"].astype(str).to_numpy(),
        "industry": (work[found["industry"]].astype(str).to_numpy() if "industry" in found else "ALL"),
        "industry_label": (work[f"{found['industry']}_label"].astype(str).to_numpy()
                           if "industry" in found else "all"),
    })
    years = work[found["year"]].astype(str).str.extract(r"^(\d{4})")[0]
    if years.isna().any():
        bad = work.loc[years.isna().to_numpy(), found["year"]].head(3).tolist()
        raise ValueError(f"year column {found['year']!r} holds values that are not years: {bad}")
    out["year"] = years.astype(int).to_numpy()
    if "measure" in found:
        codes = work[found["measure"]].astype(str).to_numpy()
        labels = work[f"{found['measure']}_label"].astype(str).to_numpy()
        out["measure"] = [content_measure(c, lab) or (None if _is_ratio(c, lab) else c)
                          for c, lab in zip(codes, labels)]
        out["measure_label"] = labels
    else:
        out["measure"] = default_measure
        out["measure_label"] = default_measure
    out["value"] = pd.to_numeric(work["value"], errors="coerce").to_numpy(dtype=float)
    status_col = "status" if "status" in work.columns else ("value_status" if "value_status" in work.columns else None)
    if status_col:
        st = work[status_col].astype(object).where(work[status_col].notna(), None).to_numpy()
        out["status"] = [s if (s not in (None, "", "None", "nan") and math.isnan(v)) else None
                         for s, v in zip(st, out["value"])]
    else:
        out["status"] = None
    out = out[out["measure"].notna()].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out[TIDY_COLUMNS]


def _plain(x: float) -> str:
    """A parameter-like number as written ("20", "2.5"), through :func:`helpers.analysis.format_number`."""
    text = f"{float(x):g}"
    return analysis.format_number(float(x), len(text.partition(".")[2]) if "e" not in text else 0)


def _is_ratio(code: str, label: str) -> bool:
    return bool(re.search(r"\bper\b|kohti|kohden", f"{code} {label}".lower()))


def total_industry_code(tidy: pd.DataFrame) -> str:
    """The all-industries code of a tidy frame (``SSS`` / ``TOTAL`` or a 'Yhteensä' label)."""
    codes = pd.unique(tidy["industry"])
    for c in _TOTAL_CODES:
        if c in codes:
            return c
    labels = tidy.drop_duplicates("industry").set_index("industry")["industry_label"]
    hits = [c for c in codes if _TOTAL_LABEL.match(str(labels.get(c, "")))]
    if len(hits) == 1:
        return hits[0]
    raise ValueError(f"no all-industries total among the industry codes {list(codes)[:10]} "
                     "(expected SSS or a label starting 'Yhteensä' / 'Total')")


def _check_values(tidy: pd.DataFrame, column: str, wanted, what: str) -> None:
    have = pd.unique(tidy[column])
    for w in ([wanted] if isinstance(wanted, (str, int, np.integer)) else wanted):
        if w not in have:
            shown = sorted(map(str, have))[:12]
            raise ValueError(f"{what} {w!r} is not in the data; available: {shown}")


def cluster_rows(tidy: pd.DataFrame, codelist: CodeList, scope: str = "core") -> tuple[pd.DataFrame, list[str]]:
    """Rows of ``tidy`` whose industry is in the code list's ``scope``, with the dotted TOL
    ``code``, ``name_en`` and ``section`` added; and the list codes the table does not hold
    at that level (e.g. 26.6 in a table of 2-digit divisions). Codes are matched exactly
    (``"26.6"`` == ``"266"``); finer codes are never summed up to fill a missing level."""
    industries = codelist.select(scope)
    by_code = {i.statfin_code: i for i in industries}
    norm = tidy["industry"].map(lambda c: re.sub(r"[\s.]", "", str(c)).upper())
    mask = norm.isin(by_code)
    rows = tidy[mask].copy()
    rows["code"] = norm[mask].map(lambda c: by_code[c].code)
    rows["name_en"] = norm[mask].map(lambda c: by_code[c].name_en)
    rows["section"] = norm[mask].map(lambda c: by_code[c].section)
    missing = [i.code for i in industries if i.statfin_code not in set(norm[mask])]
    return rows.reset_index(drop=True), missing


def _sum_or_nan(values: pd.Series) -> float:
    """Sum that is NaN when any value is missing (a suppressed cell makes the total unknown)."""
    if len(values) == 0 or values.isna().any():
        return math.nan
    return float(values.sum())


def cluster_table(tidy: pd.DataFrame, codelist: CodeList, scope: str, area: str, measure: str) -> pd.DataFrame:
    """Wide table for one area and measure: one row per cluster industry found (``code``,
    ``name``) and a last row "Cluster total"; one column per year. A suppressed cell stays
    NaN and makes that year's total NaN."""
    _check_values(tidy, "area", area, "area")
    _check_values(tidy, "measure", measure, "measure")
    rows, _missing = cluster_rows(tidy, codelist, scope)
    rows = rows[(rows["area"] == area) & (rows["measure"] == measure)]
    if rows.empty:
        return pd.DataFrame()
    codes = [c for c in codelist.codes(scope) if c in set(rows["code"])]
    wide = rows.pivot(index="code", columns="year", values="value").reindex(codes)
    wide.loc["all"] = wide.apply(_sum_or_nan, axis=0)
    names = dict(zip(rows["code"], rows["name_en"])) | {"all": _(CLUSTER_TOTAL_NAME)}
    wide.index = pd.MultiIndex.from_arrays([wide.index, [names[c] for c in wide.index]],
                                           names=["code", "industry"])
    wide.columns = [int(c) for c in wide.columns]
    wide.columns.name = "year"
    return wide


def _with_cluster_total(tidy: pd.DataFrame, codelist: CodeList, scope: str, measure: str) -> pd.DataFrame:
    """Cluster industries + the all-industries total + a synthetic CLUSTER row per area/year."""
    total_code = total_industry_code(tidy)
    sub = tidy[tidy["measure"] == measure]
    rows, _missing = cluster_rows(sub, codelist, scope)
    totals = sub[sub["industry"] == total_code][["area", "year", "industry", "value"]]
    clus = rows.groupby(["area", "year"], sort=False)["value"].apply(_sum_or_nan).reset_index()
    clus["industry"] = CLUSTER_TOTAL
    parts = rows[["area", "year", "code", "value"]].rename(columns={"code": "industry"})
    return pd.concat([parts, clus[["area", "year", "industry", "value"]], totals], ignore_index=True)


def cluster_lq(tidy: pd.DataFrame, codelist: CodeList, scope: str, *, areas: Iterable[str],
               reference: str, year: int, measure: str) -> pd.DataFrame:
    """Location quotients (:func:`helpers.analysis.location_quotient`) of each cluster
    industry and of the cluster as a whole (industry ``CLUSTER``) for ``areas`` against
    ``reference`` in ``year``, using the table's published all-industries total."""
    areas = [areas] if isinstance(areas, str) else list(areas)
    _check_values(tidy, "area", areas + [reference], "area")
    _check_values(tidy, "year", int(year), "year")
    total_code = total_industry_code(tidy)
    df = _with_cluster_total(tidy, codelist, scope, measure)
    df = df[(df["year"] == int(year)) & df["area"].isin(areas + [reference])]
    out = analysis.location_quotient(df, industry="industry", area="area", value="value",
                                     reference_area=reference, total_industry=total_code)
    return out


def cluster_shift_share(tidy: pd.DataFrame, codelist: CodeList, scope: str, *, area: str, reference: str,
                        start: int, end: int, measure: str) -> pd.DataFrame:
    """Shift-share (:func:`helpers.analysis.shift_share`) of the cluster industries and the
    cluster total in ``area`` between ``start`` and ``end`` against ``reference``."""
    _check_values(tidy, "area", [area, reference], "area")
    _check_values(tidy, "year", [int(start), int(end)], "year")
    total_code = total_industry_code(tidy)
    df = _with_cluster_total(tidy, codelist, scope, measure)
    df = df[df["year"].isin([int(start), int(end)]) & df["area"].isin([area, reference])]
    out = analysis.shift_share(df, industry="industry", area="area", value="value", period="year",
                               start=int(start), end=int(end), reference_area=reference,
                               total_industry=total_code)
    # the regional shift is a residual: drop floating-point noise (|x| < 1e-6 persons -> 0)
    parts = ["change", "national_growth", "industry_mix", "regional_shift"]
    out[parts] = out[parts].round(6) + 0.0
    return out


def industrial_share_check(tidy: pd.DataFrame, codelist: CodeList, scope: str, *, area: str, year: int,
                           measure: str, claimed: float = 20.0, tolerance: float = 2.5) -> dict:
    """The official check of a "cluster = X % of the region's industrial workforce / turnover"
    claim: ``100 * sum(cluster industries inside manufacturing) / manufacturing`` for one area,
    year and measure (``personnel`` or ``turnover``).

    Only cluster codes in the manufacturing section (``codelist.manufacturing_section``, C)
    enter the numerator: codes outside it (72.11 biotech R&D is section M, 46.46 wholesale is
    G) are not part of "industry" and adding them to a share of C would mix scopes. They are
    reported separately (``outside_codes``, ``outside_value``) with ``share_incl_outside``
    (their value added to the numerator, still over C) as an upper bound. The share is NaN
    when any needed cell is suppressed or missing. ``verdict`` compares the share with
    ``claimed``: "consistent" within +-``tolerance`` percentage points, else "higher" /
    "lower", or "cannot be computed" (stable names; :data:`VERDICTS` has the reader's words);
    ``reason`` says why in the run's language.
    """
    _check_values(tidy, "area", area, "area")
    _check_values(tidy, "year", int(year), "year")
    _check_values(tidy, "measure", measure, "measure")
    sub = tidy[(tidy["area"] == area) & (tidy["year"] == int(year)) & (tidy["measure"] == measure)]
    rows, missing = cluster_rows(sub, codelist, scope)
    section = codelist.manufacturing_section
    inside = rows[rows["section"] == section]
    outside = rows[rows["section"] != section]
    all_inside = [i.code for i in codelist.select(scope) if i.section == section]
    all_outside = [i.code for i in codelist.select(scope) if i.section != section]
    den_rows = sub[sub["industry"].map(lambda c: normalise_industry_code(str(c))) == section]
    denominator = float(den_rows["value"].iloc[0]) if len(den_rows) == 1 else math.nan
    numerator = _sum_or_nan(inside["value"]) if set(inside["code"]) == set(all_inside) else math.nan
    outside_value = _sum_or_nan(outside["value"]) if set(outside["code"]) == set(all_outside) else math.nan
    share = analysis.share(numerator, denominator)
    share_incl = analysis.share(numerator + outside_value, denominator) if all_outside else share
    suppressed = rows.loc[rows["value"].isna(), "code"].tolist()
    if len(den_rows) == 1 and math.isnan(denominator):
        suppressed.append(section)
    if math.isnan(share):
        verdict = "cannot be computed"
        why = []
        if missing:
            # i18n: why a share cannot be computed: industry codes the table does not have at this level of detail
            why.append(_("codes not in the table at this level: {codes}").format(codes=", ".join(missing)))
        if suppressed:
            why.append(_("suppressed cells: {codes}").format(codes=", ".join(suppressed)))
        if len(den_rows) != 1:
            # i18n: why a share cannot be computed: the table has no row of this industry section (e.g. "C")
            why.append(_("no {section} row").format(section=section))
        reason = "; ".join(why) or _("missing values")
    else:
        diff = share - claimed
        verdict = "consistent" if abs(diff) <= tolerance else ("higher" if diff > 0 else "lower")
        # i18n: the official share against a claimed share, and how far apart they may be to agree
        reason = _("{share} % vs claimed {claimed} % (tolerance ±{tolerance} percentage points)").format(
            share=analysis.format_number(share, 1), claimed=_plain(claimed), tolerance=_plain(tolerance))
    return {
        "area": area, "year": int(year), "measure": measure,
        "numerator_codes": all_inside, "numerator": numerator,
        "denominator_code": section, "denominator": denominator,
        "share": share, "outside_codes": all_outside, "outside_value": outside_value,
        "share_incl_outside": share_incl, "claimed": claimed,
        "missing_codes": missing, "suppressed": suppressed,
        "verdict": verdict, "reason": reason,
    }


# ================================================================================ real context series



#: catalog datasets of the live business statistics, by the kind of area they cover
BUSINESS_DATASETS = {"region": "establishments_industry_region",
                     "municipality": "establishments_industry_municipality"}
#: region whose municipalities the municipal catalog datasets cover (catalog.yaml selections)
MUNICIPAL_DATA_REGION = "02"


def dataset_for(area, kind: str = "business") -> tuple[str | None, str | None]:
    """(catalog dataset, None) for ``area``, or (None, one-line note) when the catalog has no
    data at that level for it. ``kind``: ``"business"`` (alyr establishments, personnel,
    turnover) or ``"jobs"`` (tyokay jobs by industry: regions and VS municipalities in one
    dataset) or ``"occupations"`` (tyokay 115s: regions only)."""
    if kind not in ("business", "jobs", "occupations"):
        raise ValueError(f"kind={kind!r}; valid: business, jobs, occupations")
    if kind == "occupations":
        if area.kind == "municipality":
            return None, _("Occupation data (StatFin 115s) is published by region only; there is no value for the "
                           "municipality {area}.").format(area=_areas.reader_name(area))
        return "ict_occupations_region", None
    if area.kind == "municipality" and area.region_code != MUNICIPAL_DATA_REGION:
        # i18n: {region_code} is a two-digit region code; catalog.yaml is a file name
        return None, _("Municipal industry data is pulled only for Southwest Finland's 27 municipalities (see "
                       "catalog.yaml); {area} is in region {region_code}, so there is no municipal value for "
                       "it.").format(area=_areas.reader_name(area), region_code=area.region_code)
    if kind == "jobs":
        return "jobs_industry_region", None
    return BUSINESS_DATASETS["municipality" if area.kind == "municipality" else "region"], None


def load_live(dataset: str | None, snap, area=None, **tidy_kwargs) -> tuple[pd.DataFrame | None, str | None]:
    """(tidy frame, None) of a live-only catalog dataset pinned in ``snap`` (:func:`tidy_statfin`),
    or (None, a note saying why not): not pinned (:func:`helpers.notebook.missing_note`), or
    no row for ``area`` in the pinned table. Shows nothing: the note is the section's to show."""
    if dataset is None:
        return None, None
    if notebook.dataset_resource(dataset) not in snap.names():
        return None, notebook.missing_note(dataset)
    tidy = tidy_statfin(notebook.live_dataset(dataset, snap, show_note=False), **tidy_kwargs)
    if area is not None and area.statfin_code not in set(tidy["area"]):
        # i18n: {dataset} is a machine name of a dataset
        return None, _("The pinned table of {dataset} has no row for {area} ({code}); no value is shown for "
                       "it.").format(dataset=dataset, area=_areas.reader_name(area), code=area.statfin_code)
    return tidy, None


def year_window(tidy: pd.DataFrame, start: int | None, end: int | None) -> tuple[int, int]:
    """(start, end) years for a live series: the parameters, or the first / last pinned year
    when None. A year that is not in the data is an error naming the years that are."""
    years = sorted(int(y) for y in pd.unique(tidy["year"]))
    s = years[0] if start is None else int(start)
    e = years[-1] if end is None else int(end)
    for name, y in (("start_year", s), ("end_year", e)):
        if y not in years:
            raise ValueError(f"{name}={y} is not in the pinned data; years available: {years}")
    if s >= e:
        raise ValueError(f"start_year={s} must be before end_year={e} (years available: {years})")
    return s, e



#: ICT occupations in AML 2010 (ISCO-08) used with StatFin 115s: the two ICT sub-major groups
#: and the ICT service managers' unit group (they do not overlap, so they can be added up)
ICT_OCCUPATIONS = {
    "133": N_("Information and communications technology service managers"),
    "25": N_("Information and communications technology professionals"),
    "35": N_("Information and communications technicians"),
}
#: the reader's name of the sum of :data:`ICT_OCCUPATIONS`
ALL_ICT_OCCUPATIONS = N_("All ICT occupations above")


def ict_occupation_table(tidy: pd.DataFrame, *, areas: Iterable[str], reference: str, year: int) -> pd.DataFrame:
    """Employed in the ICT occupations (:data:`ICT_OCCUPATIONS`, and their sum ``ICT``) with
    location quotients against ``reference`` (total = the table's all-occupations row) for
    one year of the tidy StatFin 115s frame. A missing occupation makes ``ICT`` missing."""
    areas = [areas] if isinstance(areas, str) else list(areas)
    _check_values(tidy, "area", areas + [reference], "area")
    _check_values(tidy, "year", int(year), "year")
    total = total_industry_code(tidy)
    sub = tidy[(tidy["year"] == int(year)) & tidy["area"].isin(areas + [reference])]
    parts = sub[sub["industry"].isin(list(ICT_OCCUPATIONS))][["area", "industry", "value"]]
    ict = parts.groupby("area", sort=False)["value"].apply(_sum_or_nan).reset_index()
    ict["industry"] = "ICT"
    have = parts.groupby("area")["industry"].nunique()
    ict.loc[ict["area"].map(have).fillna(0).to_numpy() < len(ICT_OCCUPATIONS), "value"] = math.nan
    df = pd.concat([parts, ict[["area", "industry", "value"]],
                    sub[sub["industry"] == total][["area", "industry", "value"]]], ignore_index=True)
    out = analysis.location_quotient(df, industry="industry", area="area", value="value",
                                     reference_area=reference, total_industry=total)
    names = {code: _(name) for code, name in ICT_OCCUPATIONS.items()} | {"ICT": _(ALL_ICT_OCCUPATIONS)}
    out["occupation"] = out["industry"].map(names)
    return out
