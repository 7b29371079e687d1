"""Industry clusters: code lists, published-claims verdicts and cluster statistics.

Shared by the workbooks ``life_science_cluster`` and ``ict_cluster``. Nothing here reads the
network or invents a value; every function takes frames that came from the snapshot.

Code lists (``helpers/codelists/*.yaml``)
    :func:`load_codelist` reads a versioned list of TOL 2008 industries with a rationale per
    code (``"life_science"`` -> ``life_science_tol2008.yaml``, ``"ict"`` ->
    ``ict_oecd_tol2008.yaml``). :meth:`CodeList.select` picks a scope ("core", "wide", ...).

Published claims
    :func:`load_verdicts` reads ``codelists/cluster_claim_verdicts.csv``: one row per seed claim
    with who published it, what official data could confirm it and the verdict, each traceable
    to the reference-data FINDINGS (section 4). :func:`claims_register` joins it with the
    snapshot resource ``cluster_claims`` (the wording as published).

StatFin-shaped data (live-only datasets, see ``catalog.yaml``)
    A pinned StatFin resource has the shape of :func:`helpers.sources.statfin.parse_jsonstat2`:
    one code column per dimension (named by the table's variable code, e.g.
    ``alue_23_20260101``), a ``<dimension>_label`` column for each, ``value`` and ``status``.
    :func:`tidy_statfin` turns that into fixed columns ``area, area_label, industry,
    industry_label, year, measure, measure_label, value, status`` (roles found from the
    variable codes' stems, overridable). Everything else works on that tidy frame:
    :func:`cluster_rows`, :func:`cluster_table`, :func:`cluster_lq`,
    :func:`cluster_shift_share`, :func:`industrial_share_check`.

Real context series in the pinned snapshot
    :func:`rd_one_release` (one release vintage per year of ``rd_expenditure_subregion``),
    :func:`value_added_shares` (``manufacturing_value_added_region``: one release per scope and
    year, C and BCDE never chained), :func:`subregions_of` (which sub-regions of a series lie in
    an area).

Missing or suppressed cells stay NaN (never 0): a sum over a suppressed cell is NaN.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import yaml

from . import analysis, paths

__all__ = [
    "CODELISTS",
    "Industry",
    "CodeList",
    "load_codelist",
    "normalise_industry_code",
    "VERDICT_STATUSES",
    "load_verdicts",
    "claims_register",
    "TIDY_COLUMNS",
    "tidy_statfin",
    "content_measure",
    "total_industry_code",
    "cluster_rows",
    "cluster_table",
    "cluster_lq",
    "cluster_shift_share",
    "industrial_share_check",
    "subregion_region",
    "subregions_of",
    "rd_one_release",
    "value_added_shares",
    "area_rows",
    "CLUSTER_TOTAL",
]

CODELIST_DIR = paths.package_dir() / "codelists"
#: short names of the shipped code lists -> file
CODELISTS = {"life_science": "life_science_tol2008.yaml", "ict": "ict_oecd_tol2008.yaml"}
VERDICTS_FILE = CODELIST_DIR / "cluster_claim_verdicts.csv"
#: industry code used for the cluster's own total row in tables, LQs and shift-share
CLUSTER_TOTAL = "CLUSTER"

_REQUIRED_CODE_KEYS = ("code", "section", "scope", "name_fi", "name_en", "rationale")
_REQUIRED_LIST_KEYS = ("id", "title", "version", "date", "classification", "classification_source",
                       "definition_source", "scopes", "codes")


# ================================================================================ code lists


def normalise_industry_code(code) -> str:
    """TOL code in the form StatFin uses: dots and spaces removed (``"26.6"`` -> ``"266"``,
    ``" c "`` -> ``"C"``). Raises ``ValueError`` for an empty or non-string code."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"industry code must be a non-empty string such as '21' or '26.6'; got {code!r}")
    return re.sub(r"[\s.]", "", code).upper()


@dataclass(frozen=True)
class Industry:
    code: str  # TOL 2008, dotted ("26.6")
    name_fi: str
    name_en: str
    section: str  # TOL 2008 section letter ("C")
    scope: str
    rationale: str
    level: str = ""
    group: str = ""

    @property
    def statfin_code(self) -> str:
        return normalise_industry_code(self.code)


@dataclass(frozen=True)
class CodeList:
    id: str
    title: str
    version: str
    date: str
    classification: str
    classification_source: Mapping
    definition_source: str
    scopes: Mapping
    industries: tuple[Industry, ...]
    manufacturing_section: str = "C"
    path: Path | None = field(default=None, compare=False)

    def select(self, scope: str = "core") -> list[Industry]:
        """The industries of ``scope`` (one of :attr:`scopes`), in list order."""
        if scope not in self.scopes:
            raise ValueError(f"scope={scope!r} is not a scope of code list {self.id!r}; "
                             f"valid: {', '.join(self.scopes)}")
        spec = self.scopes[scope]
        scopes = set(spec.get("include_scopes") or ())
        groups = set(spec.get("include_groups") or ())
        return [i for i in self.industries if i.scope in scopes or i.group in groups]

    def codes(self, scope: str = "core") -> list[str]:
        return [i.code for i in self.select(scope)]

    def industry(self, code: str) -> Industry:
        key = normalise_industry_code(code)
        for i in self.industries:
            if i.statfin_code == key:
                return i
        raise KeyError(f"{code!r} is not in code list {self.id!r} (codes: {[i.code for i in self.industries]})")

    def to_frame(self, scope: str | None = None) -> pd.DataFrame:
        """One row per industry: code, name_fi, name_en, section, scope (and group), rationale."""
        items = self.industries if scope is None else self.select(scope)
        rows = [{"code": i.code, "name_fi": i.name_fi, "name_en": i.name_en, "section": i.section,
                 "scope": i.scope, "group": i.group, "rationale": i.rationale} for i in items]
        frame = pd.DataFrame(rows)
        if not frame["group"].astype(bool).any():
            frame = frame.drop(columns="group")
        return frame

    @property
    def citation(self) -> str:
        src = self.classification_source
        return f"{src.get('publisher')}: {src.get('title')}, {src.get('url')} ({src.get('licence')})"


def _parse_codelist(raw, where: str) -> CodeList:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a mapping at the top level")
    missing = [k for k in _REQUIRED_LIST_KEYS if k not in raw]
    if missing:
        raise ValueError(f"{where}: missing keys {missing}")
    scopes = raw["scopes"]
    if not isinstance(scopes, Mapping) or not scopes:
        raise ValueError(f"{where}: 'scopes' must be a non-empty mapping")
    industries = []
    seen = set()
    for n, c in enumerate(raw["codes"]):
        lack = [k for k in _REQUIRED_CODE_KEYS if not c.get(k)]
        if lack:
            raise ValueError(f"{where}: code entry {n} ({c.get('code')!r}) lacks {lack}")
        code = str(c["code"])
        if not re.fullmatch(r"\d{2}(\.\d{1,3})?", code):
            raise ValueError(f"{where}: code {code!r} is not a TOL 2008 code like '21', '26.6' or '72.11'")
        if code in seen:
            raise ValueError(f"{where}: code {code!r} is listed twice")
        seen.add(code)
        industries.append(Industry(code=code, name_fi=str(c["name_fi"]), name_en=str(c["name_en"]),
                                   section=str(c["section"]), scope=str(c["scope"]),
                                   rationale=" ".join(str(c["rationale"]).split()),
                                   level=str(c.get("level", "")), group=str(c.get("group", ""))))
    known_scopes = {i.scope for i in industries}
    known_groups = {i.group for i in industries}
    for name, spec in scopes.items():
        if not isinstance(spec, Mapping) or not (spec.get("include_scopes") or spec.get("include_groups")):
            raise ValueError(f"{where}: scope {name!r} needs include_scopes or include_groups")
        bad = (set(spec.get("include_scopes") or ()) - known_scopes) | (
            set(spec.get("include_groups") or ()) - known_groups)
        if bad:
            raise ValueError(f"{where}: scope {name!r} names unknown scopes/groups {sorted(bad)}")
    return CodeList(
        id=str(raw["id"]), title=str(raw["title"]), version=str(raw["version"]), date=str(raw["date"]),
        classification=str(raw["classification"]), classification_source=dict(raw["classification_source"]),
        definition_source=" ".join(str(raw["definition_source"]).split()), scopes=dict(scopes),
        industries=tuple(industries), manufacturing_section=str(raw.get("manufacturing_section", "C")),
    )


@lru_cache(maxsize=8)
def _load_codelist_file(path: str) -> CodeList:
    p = Path(path)
    cl = _parse_codelist(yaml.safe_load(p.read_text(encoding="utf-8")), p.name)
    return CodeList(**{**cl.__dict__, "path": p})


def load_codelist(name: str) -> CodeList:
    """A shipped code list by short name (``"life_science"``, ``"ict"``), id or file name."""
    if not isinstance(name, str):
        raise TypeError(f"code list name must be a string; got {type(name).__name__}")
    key = name.removesuffix(".yaml")
    by_id = {Path(f).stem: f for f in CODELISTS.values()}
    fname = CODELISTS.get(key) or by_id.get(key)
    if fname is None:
        valid = sorted(CODELISTS) + sorted(by_id)
        close = difflib.get_close_matches(key, valid, n=2)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown code list {name!r}{hint} (valid: {', '.join(valid)})")
    return _load_codelist_file(str(CODELIST_DIR / fname))


# ================================================================================ claims

#: verdict statuses used in cluster_claim_verdicts.csv
VERDICT_STATUSES = {
    "not_found": "the figure as quoted was not found in any source",
    "found_not_official": "found as published, but no official statistic stands behind it",
    "checkable_live": "official data can test it once the live dataset is pinned",
    "definition": "a definition, not a measurable claim",
}


def load_verdicts(cluster: str | None = None, path: str | Path | None = None) -> pd.DataFrame:
    """The verdict table (all text), optionally for one cluster (``life_science`` / ``ict``)."""
    frame = pd.read_csv(path or VERDICTS_FILE, dtype=str, keep_default_na=False)
    bad = sorted(set(frame["status"]) - set(VERDICT_STATUSES))
    if bad:
        raise ValueError(f"unknown verdict status {bad}; valid: {sorted(VERDICT_STATUSES)}")
    if frame["seed_id"].duplicated().any():
        raise ValueError(f"duplicate seed_id in verdicts: {frame.loc[frame['seed_id'].duplicated(), 'seed_id'].tolist()}")
    if cluster is not None:
        clusters = sorted(set(frame["cluster"]))
        if cluster not in clusters:
            raise ValueError(f"cluster={cluster!r} has no verdicts; valid: {clusters}")
        frame = frame[frame["cluster"] == cluster].reset_index(drop=True)
    return frame


def claims_register(claims: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per published statement behind each seed claim: seed_id, seed_claim, claim_id,
    statement_as_published, publisher, reference_year, url, status. Raises if a verdict names a
    claim id that is not in ``claims`` (the snapshot resource ``cluster_claims``)."""
    by_id = claims.set_index("id")
    rows = []
    for _, v in verdicts.iterrows():
        for cid in v["claim_ids"].split():
            if cid not in by_id.index:
                raise ValueError(f"verdict {v['seed_id']} names claim {cid!r}, which is not in cluster_claims "
                                 f"(ids: {', '.join(by_id.index[:8])}, ...)")
            c = by_id.loc[cid]
            rows.append({"seed_id": v["seed_id"], "seed_claim": v["seed_claim"], "claim_id": cid,
                         "statement_as_published": c["statement_as_published"],
                         "publisher": c["publisher"], "reference_year": c["reference_year"],
                         "url": c["url"], "status": v["status"]})
    return pd.DataFrame(rows)


# ================================================================================ StatFin shaping

TIDY_COLUMNS = ["area", "area_label", "industry", "industry_label", "year", "measure",
                "measure_label", "value", "status"]

_DATED = re.compile(r"^(?P<stem>.+?)_\d+_\d{8}$")
_ROLE_STEMS = {
    "area": ("alue", "kunta", "maakunta", "seutukunta", "tyopaikan_alue", "työpaikan_alue", "area", "region"),
    "year": ("timeperiod_y", "vuosi", "year", "timeperiod"),
    "industry": ("toimiala", "tol2008", "industry", "ammatti", "occupation"),
    "measure": ("contentscode", "tiedot", "contents"),
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
        out["measure"] = [content_measure(c, lab) or (None if _is_ratio(c, lab) else c) for c, lab in zip(codes, labels)]
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
    rows, _ = cluster_rows(tidy, codelist, scope)
    rows = rows[(rows["area"] == area) & (rows["measure"] == measure)]
    if rows.empty:
        return pd.DataFrame()
    codes = [c for c in codelist.codes(scope) if c in set(rows["code"])]
    wide = rows.pivot(index="code", columns="year", values="value").reindex(codes)
    wide.loc["all"] = wide.apply(_sum_or_nan, axis=0)
    names = dict(zip(rows["code"], rows["name_en"])) | {"all": "Cluster total"}
    wide.index = pd.MultiIndex.from_arrays([wide.index, [names[c] for c in wide.index]],
                                           names=["code", "industry"])
    wide.columns = [int(c) for c in wide.columns]
    wide.columns.name = "year"
    return wide


def _with_cluster_total(tidy: pd.DataFrame, codelist: CodeList, scope: str, measure: str) -> pd.DataFrame:
    """Cluster industries + the all-industries total + a synthetic CLUSTER row per area/year."""
    total_code = total_industry_code(tidy)
    sub = tidy[tidy["measure"] == measure]
    rows, _ = cluster_rows(sub, codelist, scope)
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
    "lower", or "cannot be computed".
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
            why.append(f"codes not in the table at this level: {', '.join(missing)}")
        if suppressed:
            why.append(f"suppressed cells: {', '.join(suppressed)}")
        if len(den_rows) != 1:
            why.append(f"no {section} row")
        reason = "; ".join(why) or "missing values"
    else:
        diff = share - claimed
        verdict = "consistent" if abs(diff) <= tolerance else ("higher" if diff > 0 else "lower")
        reason = f"{share:.1f} % vs claimed {claimed:g} % (tolerance ±{tolerance:g} percentage points)"
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


def subregion_region(code: str) -> str:
    """Region code of a sub-region code of the series (``"SK023"`` -> ``"02"``).

    In Statistics Finland's sub-region (seutukunta) classification used by these tables
    (division of 1.1.2010) the first two digits of the three-digit sub-region code are the
    code of the region it belongs to (011 Helsinki -> 01 Uusimaa, 023 Turku -> 02
    Varsinais-Suomi, 171 Oulu -> 17 Pohjois-Pohjanmaa).
    """
    m = re.fullmatch(r"SK(\d{2})\d", str(code))
    if not m:
        raise ValueError(f"{code!r} is not a sub-region code like 'SK023'")
    return m.group(1)


def subregions_of(codes: Iterable[str], area) -> list[str]:
    """Which of the sub-region ``codes`` lie in ``area`` (a :class:`helpers.regions.Area`):
    all for the whole country, those of the region for a region, and for a municipality
    those of its region (a sub-region series cannot be narrowed to one municipality)."""
    codes = [c for c in dict.fromkeys(codes) if str(c).startswith("SK")]
    if area.kind == "country":
        return codes
    region = area.code if area.kind == "region" else area.region_code
    return [c for c in codes if subregion_region(c) == region]


def rd_one_release(rd: pd.DataFrame, measure: str = "rd_expenditure") -> pd.DataFrame:
    """One release vintage per year of ``rd_expenditure_subregion``: for every year the
    **latest release that reports it** (the most revised figure), for every sub-region.
    Returns the long rows of that measure with their ``release_year``."""
    _check_values(rd, "measure", measure, "measure")
    sub = rd[rd["measure"] == measure].copy()
    sub["release_year"] = pd.to_numeric(sub["release_year"]).astype(int)
    sub["year"] = pd.to_numeric(sub["year"]).astype(int)
    latest = sub.groupby("year")["release_year"].transform("max")
    return sub[sub["release_year"] == latest].reset_index(drop=True)


def value_added_shares(mva: pd.DataFrame) -> pd.DataFrame:
    """Regional shares of national value added from ``manufacturing_value_added_region``.

    For every scope (``industry_code`` C or BCDE) and year, the latest release that reports
    that year is used, and the share is ``100 * region / SSS`` from that same release (the
    published share is kept next to it where the release printed one). Scopes are never
    mixed: a row belongs to one scope, and C and BCDE must not be read as one series.
    Returns region_code, region_name, scope, year, release, value_added, national,
    share, share_published.
    """
    va = mva[mva["measure"] == "value_added_at_production"].copy()
    va["year"] = pd.to_numeric(va["year"]).astype(int)
    va["rel_date"] = va["release_date"].astype(str)
    latest = va.groupby(["industry_code", "year"])["rel_date"].transform("max")
    va = va[va["rel_date"] == latest]
    nat = va[va["region_code"] == "SSS"].set_index(["industry_code", "year"])["value"].astype(float)
    pub = mva[mva["measure"] == "share_of_national_value_added"].copy()
    pub["year"] = pd.to_numeric(pub["year"]).astype(int)
    pub = pub.set_index(["region_code", "release", "year"])["value"].astype(float)
    out = va[va["region_code"] != "SSS"].copy()
    out["national"] = [nat.get((s, y), math.nan) for s, y in zip(out["industry_code"], out["year"])]
    out["share"] = analysis.share(out["value"].astype(float).reset_index(drop=True),
                                  out["national"].reset_index(drop=True)).to_numpy()
    out["share_published"] = [pub.get((r, rel, y), math.nan)
                              for r, rel, y in zip(out["region_code"], out["release"], out["year"])]
    out = out.rename(columns={"industry_code": "scope", "value": "value_added"})
    cols = ["region_code", "region_name", "scope", "year", "release", "value_added", "national", "share",
            "share_published"]
    return out[cols].sort_values(["scope", "year", "region_code"]).reset_index(drop=True)


def area_rows(frame: pd.DataFrame, area, column: str = "region_code") -> pd.DataFrame:
    """Rows of a pinned series for one area (its StatFin code: SSS / MK02 / KU853)."""
    code = area.statfin_code if hasattr(area, "statfin_code") else str(area)
    return frame[frame[column] == code].reset_index(drop=True)


# ================================================================================ workbook glue

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
            return None, (f"Occupation data (StatFin 115s) is published by region only; there is no value "
                          f"for the municipality {area.label}.")
        return "ict_occupations_region", None
    if area.kind == "municipality" and area.region_code != MUNICIPAL_DATA_REGION:
        return None, (f"Municipal industry data is pulled only for Varsinais-Suomi's 27 municipalities "
                      f"(see catalog.yaml); {area.label} is in region {area.region_code}, so there is "
                      f"no municipal value for it.")
    if kind == "jobs":
        return "jobs_industry_region", None
    return BUSINESS_DATASETS["municipality" if area.kind == "municipality" else "region"], None


def load_live(dataset: str | None, snap, area=None, **tidy_kwargs) -> pd.DataFrame | None:
    """The tidy frame (:func:`tidy_statfin`) of a live-only catalog dataset if it is pinned in
    ``snap``; else None after :func:`helpers.workbook.live_dataset` has shown its one note.
    With ``area``, also None (after one printed line) when the pinned table has no row for it."""
    if dataset is None:
        return None
    from . import workbook

    raw = workbook.live_dataset(dataset, snap)
    if raw is None:
        return None
    tidy = tidy_statfin(raw, **tidy_kwargs)
    if area is not None and area.statfin_code not in set(tidy["area"]):
        print(f"The pinned table of {dataset} has no row for {area.label} ({area.statfin_code}); "
              "no value is shown for it.")
        return None
    return tidy


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


def rd_summary(rd_one: pd.DataFrame, area, start: int, end: int) -> dict:
    """R&D expenditure of the series' sub-regions that lie in ``area`` (summed; same release
    per year), its share of the national total in ``end`` and its change ``start`` -> ``end``.
    Values are None when no sub-region of the area is in the series or ``area`` is a
    municipality (a sub-region series has no municipal value)."""
    subs = [] if area.kind == "municipality" else subregions_of(rd_one["region_code"], area)
    out = {"subregions": subs, "start": None, "end": None, "share_of_national_end": None, "change_pct": None}
    if not subs:
        return out
    by = rd_one.set_index(["region_code", "year"])["value"].astype(float)

    def total(year):
        vals = [by.get((s, year), math.nan) for s in subs]
        return math.nan if any(math.isnan(v) for v in vals) else float(sum(vals))

    s, e = total(start), total(end)
    # the inputs have one decimal (EUR million as published): keep the sums at that precision
    s, e = (round(v, 1) if not math.isnan(v) else v for v in (s, e))
    out.update(start=s, end=e, share_of_national_end=analysis.share(e, by.get(("SSS", end), math.nan)),
               change_pct=analysis.growth(s, e))
    return out


def pick_value(frame: pd.DataFrame | None, column, **where):
    """The single value of ``column`` in the row of ``frame`` matching ``where`` (column ->
    value), as a plain Python value; None when no row matches or the value is missing.
    More than one matching row is an error (the selection is ambiguous)."""
    if frame is None or len(frame) == 0:
        return None
    if column not in frame.columns:
        raise KeyError(f"column {column!r} is not in the frame (columns: {list(frame.columns)})")
    mask = pd.Series(True, index=frame.index)
    for col, val in where.items():
        if col not in frame.columns:
            raise KeyError(f"column {col!r} is not in the frame (columns: {list(frame.columns)})")
        mask &= frame[col] == val
    hits = frame.loc[mask, column]
    if len(hits) > 1:
        raise ValueError(f"{len(hits)} rows match {where}; expected one")
    if len(hits) == 0:
        return None
    v = hits.iloc[0]
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


# ================================================================================ ICT helpers

#: ICT occupations in AML 2010 (ISCO-08) used with StatFin 115s: the two ICT sub-major groups
#: and the ICT service managers' unit group (they do not overlap, so they can be added up)
ICT_OCCUPATIONS = {
    "133": "Information and communications technology service managers",
    "25": "Information and communications technology professionals",
    "35": "Information and communications technicians",
}


def info_sector_summary(info: pd.DataFrame, area) -> dict:
    """Information-sector jobs 2008 (``information_sector_jobs_subregion_2008``) for the
    sub-regions of the table that lie in ``area``: the published share per sub-region and,
    for all of them together, information-sector jobs / all jobs. Empty (None values) for a
    municipality or an area with no sub-region in the table (it lists the top ten only)."""
    subs = [] if area.kind == "municipality" else subregions_of(info["region_code"], area)
    out = {"subregions": subs, "share_by_subregion": {}, "jobs": None, "share": None}
    if not subs:
        return out
    rows = info[info["region_code"].isin(subs)]
    val = rows.pivot(index="region_code", columns="measure", values="value").astype(float)
    out["share_by_subregion"] = {s: float(val.loc[s, "information_sector_share"]) for s in subs}
    out["jobs"] = float(val["jobs_information_sector"].sum())
    out["share"] = analysis.share(out["jobs"], float(val["jobs_all_industries"].sum()))
    return out


def members_in(frame: pd.DataFrame, area, column: str = "region_code") -> pd.DataFrame:
    """Rows of a municipal series that belong to ``area``: the municipality itself, the
    region's municipalities, or every municipality for the whole country (``KU`` codes)."""
    codes = frame[column].astype(str)
    if area.kind == "municipality":
        keep = codes == area.statfin_code
    elif area.kind == "region":
        from . import regions

        keep = codes.isin({m.statfin_code for m in regions.members(area)})
    else:
        keep = codes.str.startswith("KU")
    return frame[keep.to_numpy()].reset_index(drop=True)


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
    out["occupation"] = out["industry"].map(ICT_OCCUPATIONS | {"ICT": "All ICT occupations above"})
    return out
