"""Industry code lists and the register of published cluster claims (shared by the
life-science and ICT workbooks).

:func:`load_codelist` reads a versioned list of TOL 2008 industries with a rationale per code
(``helpers/codelists/*.yaml``); :func:`load_verdicts` the verdict on each published claim
(``codelists/cluster_claim_verdicts.csv``); :func:`claims_register` joins the verdicts with the
wording as published (snapshot resource ``cluster_claims``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .. import paths
from ..i18n import N_

CODELIST_DIR = paths.package_dir() / "codelists"
#: short names of the shipped code lists -> file
CODELISTS = {"life_science": "life_science_tol2008.yaml", "ict": "ict_oecd_tol2008.yaml"}
VERDICTS_FILE = CODELIST_DIR / "cluster_claim_verdicts.csv"
#: industry code used for the cluster's own total row in tables, LQs and shift-share
CLUSTER_TOTAL = "CLUSTER"

_REQUIRED_CODE_KEYS = ("code", "section", "scope", "name_fi", "name_en", "rationale")
_REQUIRED_LIST_KEYS = ("id", "title", "version", "date", "classification", "classification_source",
                       "definition_source", "scopes", "codes")




def normalise_industry_code(code) -> str:
    """TOL code in the form StatFin uses: dots and spaces removed (``"26.6"`` -> ``"266"``,
    ``" c "`` -> ``"C"``). Raises ``ValueError`` for an empty or non-string code."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"industry code must be a non-empty string such as '21' or '26.6'; got {code!r}")
    return re.sub(r"[\s.]", "", code).upper()


#: the TOL 2008 sections by their English names as the pinned Paavo 2020 edition writes them
#: (marked for the catalogues: Finnish and Swedish pages show the official names in their
#: language; the Finnish ones are checked against Statistics Finland's own Finnish table in
#: the snapshot, establishments_industry_section_2012, by tests/test_i18n.py)
TOL_SECTIONS = {
    "A": N_("Agriculture, forestry and fishing"),
    "B": N_("Mining and quarrying"),
    "C": N_("Manufacturing"),
    "D": N_("Electricity, gas, steam and air conditioning supply"),
    "E": N_("Water supply; sewerage, waste management and remediation activities"),
    "F": N_("Construction"),
    "G": N_("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": N_("Transportation and storage"),
    "I": N_("Accommodation and food service activities"),
    "J": N_("Information and communication"),
    "K": N_("Financial and insurance activities"),
    "L": N_("Real estate activities"),
    "M": N_("Professional, scientific and technical activities"),
    "N": N_("Administrative and support service activities"),
    "O": N_("Public administration and defence; compulsory social security"),
    "P": N_("Education"),
    "Q": N_("Human health and social work activities"),
    "R": N_("Arts, entertainment and recreation"),
    "S": N_("Other service activities"),
    "T": N_("Activities of households as employers; undifferentiated goods- and services-producing "
            "activities of households for own use"),
    "U": N_("Activities of extraterritorial organisations and bodies"),
    "X": N_("Industry unknown"),
}


def section_name(code: str, default: str | None = None) -> str:
    """A TOL 2008 section's name in the run's language (``default``, else the code, for an
    unknown one)."""
    from ..i18n import _

    return _(TOL_SECTIONS[code]) if code in TOL_SECTIONS else (default or code)


@dataclass(frozen=True)
class Industry:
    code: str  # TOL 2008, dotted ("26.6")
    name_fi: str
    name_en: str
    section: str  # TOL 2008 section letter ("C")
    scope: str
    rationale: str
    level: str = ""
    group: str = ""  # the project's own grouping (ICT manufacturing, services, trade); translated for readers
    short_en: str = ""  # the project's own short English name for chart legends (optional; translated)

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

    def scope_label(self, scope: str) -> str:
        """A scope's ``label`` as the list writes it (English; readers get it through the
        catalogue: "core" is "ydin" on a Finnish page)."""
        return str(self.scopes[scope]["label"])

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
                                   level=str(c.get("level", "")), group=str(c.get("group", "")),
                                   short_en=str(c.get("short_en", ""))))
    known_scopes = {i.scope for i in industries}
    known_groups = {i.group for i in industries}
    for name, spec in scopes.items():
        if not isinstance(spec, Mapping) or not (spec.get("include_scopes") or spec.get("include_groups")):
            raise ValueError(f"{where}: scope {name!r} needs include_scopes or include_groups")
        if not isinstance(spec.get("label"), str) or not spec["label"].strip():
            raise ValueError(f"{where}: scope {name!r} needs a label, the word readers see for it "
                             f"(for example label: {name.replace('_', ' ')})")
        bad = (set(spec.get("include_scopes") or ()) - known_scopes) | (
            set(spec.get("include_groups") or ()) - known_groups)
        if bad:
            raise ValueError(f"{where}: scope {name!r} names unknown scopes/groups {sorted(bad)}")
    undeclared = sorted(known_scopes - set(scopes))
    if undeclared:
        raise ValueError(f"{where}: codes name scopes {undeclared} that 'scopes' does not declare "
                         f"(declared: {', '.join(scopes)})")
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

#: verdict statuses used in cluster_claim_verdicts.csv (``status``: what the search of the
#: sources found), with the reader's wording
VERDICT_STATUSES = {
    "not_found": N_("Not found: the figure as quoted is in no source"),
    "found_not_official": N_("Found as published; no official statistic behind it"),
    "checkable_live": N_("Found as published; the live business statistics can test it"),
    "definition": N_("A definition, not a measurable claim"),
}
#: ``official_check``: what the pinned official totals say about the claim, with the reader's wording
OFFICIAL_CHECKS = {
    "within_bounds": N_("Possible: inside the official bounds, not confirmed"),
    "on_the_high_side": N_("Not confirmed: official totals point lower"),
    "order_of_magnitude": N_("Same order of magnitude; a different year"),
    "not_decidable": N_("Official figures cannot decide it"),
    "definition": N_("A definition: nothing to measure"),
}


def load_verdicts(cluster: str | None = None, path: str | Path | None = None) -> pd.DataFrame:
    """The verdict table (all text), optionally for one cluster (``life_science`` / ``ict``):
    the claim, its sources' ``status`` and ``verdict``, and the re-judgement against the pinned
    official totals (``official_check``, ``official_basis``, ``official_verdict``)."""
    frame = pd.read_csv(path or VERDICTS_FILE, dtype=str, keep_default_na=False)
    bad = sorted(set(frame["status"]) - set(VERDICT_STATUSES))
    if bad:
        raise ValueError(f"unknown verdict status {bad}; valid: {sorted(VERDICT_STATUSES)}")
    bad = sorted(set(frame["official_check"]) - set(OFFICIAL_CHECKS))
    if bad:
        raise ValueError(f"unknown official_check {bad}; valid: {sorted(OFFICIAL_CHECKS)}")
    if frame["seed_id"].duplicated().any():
        dup = frame.loc[frame["seed_id"].duplicated(), "seed_id"].tolist()
        raise ValueError(f"duplicate seed_id in verdicts: {dup}")
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
