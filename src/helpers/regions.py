"""The area registry: the whole country, the 19 regions and the 308 municipalities of 2026.

Everything here is read from the code lists shipped with the package
(``helpers/codelists/municipalities.csv`` and ``regions.csv``; provenance in
``helpers/codelists/README.md``). Nothing touches the network or files outside the package.

Turning what people type into an area
-------------------------------------
``resolve(x)`` returns a canonical :class:`Area`. Accepted forms, tried in this order:

1. an :class:`Area` instance — returned as is;
2. a code (case and surrounding blanks ignored):
   ``"KU853"``, ``"ku853"``, ``"KU 853"`` — municipality (``KU`` + up to 3 digits, zero-padded);
   ``"MK02"``, ``"mk2"`` — region (``MK`` + up to 2 digits, zero-padded);
   ``"SSS"`` — the whole country;
   bare digits: **1 or 2 digits are a region code** (``"2"`` and ``"02"`` are Varsinais-Suomi,
   MK02), **3 digits a municipality code** (``"853"`` is Turku). Region codes are the usual
   short numbers people type ("maakunta 2"); a municipality code must be given with 3 digits
   or with the ``KU`` prefix (``"KU19"`` is Aura 019, ``"19"`` is Lappi MK19);
3. a name in Finnish, Swedish or English — exact form first (case-insensitive, blanks
   collapsed: ``" TURKU "``, ``"Åbo"``, ``"Egentliga Finland"``, ``"Southwest Finland"``,
   ``"Koko maa"``, ``"Suomi"``, ``"Finland"``);
4. only if no exact form matches: the same name without accents and punctuation
   (``"Poytya"`` → Pöytyä, ``"Varsinais Suomi"`` → Varsinais-Suomi).

Anything else raises an :class:`AreaError` whose message names the input and the closest
valid names; a non-string (``853``: its leading zeros lost) an :class:`AreaTypeError`.
Historical municipalities (Honkajoki 099, Pertunmaa 588) raise :class:`HistoricalAreaError`
unless ``allow_historical=True`` (an :class:`Area` with ``historical=True``).
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "Area",
    "AreaError",
    "AreaNotFoundError",
    "AmbiguousAreaError",
    "HistoricalAreaError",
    "AreaTypeError",
    "AreaRegistry",
    "COUNTRY_CODE",
    "DIVISION",
    "LANGUAGES",
    "resolve",
    "regions",
    "municipalities",
    "country",
    "members",
    "region_of",
    "areas",
    "name_lookup",
    "to_frame",
    "registry",
]

COUNTRY_CODE = "SSS"
#: The municipal division the registry's *current* areas belong to.
DIVISION = "2026-01-01"
KINDS = ("municipality", "region", "country")
LANGUAGES = ("fi", "sv", "en")
ALAND = "21"  #: Åland (Ahvenanmaa): its municipalities are Swedish-speaking only

#: Extra exact name forms for the whole country (besides its fi/sv/en names).
_COUNTRY_ALIASES = ("Suomi", "Finland")

_CODE_RE = re.compile(r"^(?:(KU|MK)[\s\-]*)?(\d+)$", re.IGNORECASE)
_MUNI_CODE_RE = re.compile(r"^\d{3}$")
_REGION_CODE_RE = re.compile(r"^\d{2}$")


# --------------------------------------------------------------------------- errors
class AreaError(ValueError):
    """Base class of the registry's errors. ``input`` is what was given, ``suggestions`` a
    list of :class:`Area` objects that would have been valid (closest first)."""

    def __init__(self, message: str, *, input=None, suggestions: Iterable[Area] = ()):
        super().__init__(message)
        self.input = input
        self.suggestions = list(suggestions)


class AreaNotFoundError(AreaError):
    """No area has that code or name."""


class AmbiguousAreaError(AreaError):
    """The name belongs to more than one area."""


class HistoricalAreaError(AreaError):
    """The code or name is a former municipality (``resolve(..., allow_historical=True)``
    returns it; the message names its successor where one is recorded)."""


class AreaTypeError(AreaError, TypeError):
    """The input is neither a string nor an :class:`Area` (e.g. an int or None)."""


# --------------------------------------------------------------------------- Area
@dataclass(frozen=True)
class Area:
    """One area. Codes are zero-padded strings: ``"853"``, ``"02"``, ``"SSS"``."""

    code: str
    kind: str
    name_fi: str
    name_sv: str
    name_en: str | None = None
    region_code: str | None = None
    historical: bool = False
    #: last day of validity (ISO date) where documented, historical municipalities only
    valid_to: str | None = None
    #: code of the municipality it merged into, where documented
    successor_code: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Area kind must be one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.code, str):
            raise TypeError(f"Area code must be a zero-padded str, got {self.code!r}")
        ok = {
            "municipality": _MUNI_CODE_RE.fullmatch(self.code),
            "region": _REGION_CODE_RE.fullmatch(self.code),
            "country": self.code == COUNTRY_CODE,
        }[self.kind]
        if not ok:
            raise ValueError(f"bad code {self.code!r} for a {self.kind} "
                             "(municipality 3 digits, region 2 digits, country 'SSS')")
        if self.kind == "municipality":
            if not (isinstance(self.region_code, str) and _REGION_CODE_RE.fullmatch(self.region_code)):
                raise ValueError(f"municipality {self.code} needs a 2-digit region_code, got {self.region_code!r}")
        elif self.region_code is not None:
            raise ValueError(f"a {self.kind} has no region_code, got {self.region_code!r}")

    @property
    def statfin_code(self) -> str:
        """The area code used by StatFin PxWeb tables: ``KU853``, ``MK02``, ``SSS``."""
        if self.kind == "municipality":
            return "KU" + self.code
        if self.kind == "region":
            return "MK" + self.code
        return self.code

    @property
    def label(self) -> str:
        """The Finnish name."""
        return self.name_fi

    def name(self, lang: str = "fi", *, fallback: bool = True) -> str | None:
        """The name in ``lang`` ("fi", "sv", "en"). Municipalities have no English name; with
        ``fallback`` (default) the Finnish name is returned instead, otherwise None."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        value = getattr(self, f"name_{lang}")
        if value is None and fallback:
            return self.name_fi
        return value

    def display_name(self, lang: str | None = None) -> str:
        """The official name in ``lang`` (default: the run's): "Åbo", "Southwest Finland"."""
        from .i18n import language

        return self.name(lang or language())

    def reader_name(self, *, in_sentence: bool = False, lang: str | None = None) -> str:
        """The name on a page in ``lang`` (default: the run's): regions by their name in it
        (Varsinais-Suomi / Egentliga Finland / Southwest Finland); municipalities in Finnish or
        Swedish (Turku / Åbo) and, having no English names, in Finnish on English pages — but
        Swedish on Åland, Swedish-speaking only (Mariehamn); Koko maa / Hela landet / Whole
        country (``in_sentence``: "koko maa", "hela landet", "the whole country")."""
        from .i18n import language

        lang = lang or language()
        if self.kind == "country":
            if lang == "en":
                return "the whole country" if in_sentence else "Whole country"
            name = self.name(lang)
            return name[:1].lower() + name[1:] if in_sentence else name
        if lang == "sv" or (lang == "en" and self.kind == "municipality" and self.region_code == ALAND):
            return self.name_sv or self.name_fi
        if lang == "en" and self.kind == "region":
            return self.name_en or self.name_fi
        return self.name_fi

    def __str__(self) -> str:
        return f"{self.name_fi} ({self.statfin_code})"


# --------------------------------------------------------------------------- helpers
def _clean(text: str) -> str:
    """NFC, blanks collapsed, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _exact_key(text: str) -> str:
    return _clean(text).casefold()


def _loose_key(text: str) -> str:
    """Accents removed, casefolded, every run of non-alphanumerics turned into one blank."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped).split())


_SHOW_MAX = 80
#: no area name is longer (the longest official names are ~30 characters)
MAX_NAME_LENGTH = 100


def _show(value) -> str:
    """``repr(value)`` cut to a readable length for messages."""
    text = repr(value)
    return text if len(text) <= _SHOW_MAX else f"{text[:_SHOW_MAX - 1]}… ({len(str(value)):,} characters)"


def _describe(value) -> str:
    return "None" if value is None else f"{type(value).__name__} {_show(value)}"


def _format_suggestions(items: list[tuple[str, Area]]) -> str:
    parts = []
    for shown, area in items:
        tag = area.statfin_code + (", former municipality" if area.historical else "")
        if _exact_key(shown) == _exact_key(area.name_fi):
            parts.append(f"{area.name_fi} ({tag})")
        else:
            parts.append(f"{shown} = {area.name_fi} ({tag})")
    return ", ".join(parts)


_HINT = (
    "give a municipality or region name in Finnish, Swedish or English, or a code such as "
    "'KU853', '853', 'MK02', '02' or 'SSS'"
)


# --------------------------------------------------------------------------- registry
class AreaRegistry:
    """An immutable set of areas with name and code indexes.

    The package's registry is :func:`registry` (cached); the module-level functions use it.
    ``AreaRegistry.from_rows`` builds one from rows shaped like the code-list CSVs.
    """

    def __init__(self, areas: Iterable[Area], notes: Mapping[str, str] | None = None):
        self._areas: dict[str, Area] = {}
        for area in areas:
            if area.code in self._areas:
                raise ValueError(f"duplicate area code {area.code!r}")
            self._areas[area.code] = area
        self._notes = dict(notes or {})
        countries = [a for a in self._areas.values() if a.kind == "country"]
        if len(countries) != 1:
            raise ValueError(f"the registry needs exactly one country row, found {len(countries)}")
        self._country = countries[0]
        for a in self._areas.values():
            if a.kind == "municipality":
                reg = self._areas.get(a.region_code)
                if reg is None or reg.kind != "region":
                    raise ValueError(f"municipality {a.code} {a.name_fi}: unknown region_code {a.region_code!r}")
            if a.successor_code is not None and a.successor_code not in self._areas:
                raise ValueError(f"{a.code} {a.name_fi}: unknown successor_code {a.successor_code!r}")

        # name indexes: key -> {code: displayed name form}
        self._exact: dict[str, dict[str, str]] = {}
        self._loose: dict[str, dict[str, str]] = {}
        for a in self._areas.values():
            forms = [a.name_fi, a.name_sv, a.name_en]
            if a.kind == "country":
                forms += list(_COUNTRY_ALIASES)
            for form in forms:
                if not form:
                    continue
                self._exact.setdefault(_exact_key(form), {}).setdefault(a.code, _clean(form))
                self._loose.setdefault(_loose_key(form), {}).setdefault(a.code, _clean(form))

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_rows(cls, municipality_rows: Iterable[Mapping[str, str]],
                  region_rows: Iterable[Mapping[str, str]]) -> AreaRegistry:
        """Build from rows with the columns of ``municipalities.csv`` and ``regions.csv``
        (all values strings; empty string = missing)."""

        def opt(row, col):
            value = (row.get(col) or "").strip()
            return value or None

        areas: list[Area] = []
        notes: dict[str, str] = {}
        for row in region_rows:
            areas.append(Area(code=row["code"], kind=row["kind"], name_fi=row["name_fi"],
                              name_sv=row["name_sv"], name_en=opt(row, "name_en")))
        for row in municipality_rows:
            status = row["status"]
            if status not in ("current", "historical"):
                raise ValueError(f"municipality {row['code']}: status must be current|historical, got {status!r}")
            areas.append(Area(code=row["code"], kind="municipality", name_fi=row["name_fi"],
                              name_sv=row["name_sv"], name_en=opt(row, "name_en"),
                              region_code=row["region_code"], historical=status == "historical",
                              valid_to=opt(row, "valid_to"), successor_code=opt(row, "successor_code")))
            if opt(row, "note"):
                notes[row["code"]] = opt(row, "note")
        return cls(areas, notes)

    # ---------------------------------------------------------------- listing
    def areas(self, *, include_historical: bool = False) -> list[Area]:
        """Country, regions, municipalities (in that order, each sorted by code)."""
        order = {k: i for i, k in enumerate(("country", "region", "municipality"))}
        return sorted((a for a in self._areas.values() if include_historical or not a.historical),
                      key=lambda a: (order[a.kind], a.code))

    def country(self) -> Area:
        return self._country

    def regions(self) -> list[Area]:
        return sorted((a for a in self._areas.values() if a.kind == "region"), key=lambda a: a.code)

    def municipalities(self, region=None, include_historical: bool = False) -> list[Area]:
        if region is not None:
            reg = self.resolve(region)
            if reg.kind == "country":
                region = None
            elif reg.kind != "region":
                raise AreaError(f"municipalities(region={region!r}): {reg} is a {reg.kind}, not a region",
                                input=region, suggestions=[self._areas[reg.region_code]])
            else:
                region = reg.code
        return sorted((a for a in self._areas.values()
                       if a.kind == "municipality"
                       and (include_historical or not a.historical)
                       and (region is None or a.region_code == region)),
                      key=lambda a: a.code)

    def members(self, area, *, include_historical: bool = False) -> list[Area]:
        a = self.resolve(area)
        if a.kind == "country":
            return self.regions()
        if a.kind == "region":
            return self.municipalities(a, include_historical=include_historical)
        raise AreaError(f"members({area!r}): {a} is a municipality and has no member areas; "
                        f"members() takes a region (e.g. 'MK{a.region_code}') or the country ('SSS')",
                        input=area, suggestions=[self._areas[a.region_code]])

    def region_of(self, area, *, allow_historical: bool = False) -> Area:
        a = self.resolve(area, allow_historical=allow_historical)
        if a.kind == "region":
            return a
        if a.kind == "municipality":
            return self._areas[a.region_code]
        raise AreaError(f"region_of({area!r}): the whole country is not in a region; "
                        f"give a municipality or a region", input=area, suggestions=self.regions())

    def note(self, area) -> str | None:
        """The code list's note on an area (historical municipalities), if any."""
        a = self.resolve(area, allow_historical=True)
        return self._notes.get(a.code)

    # ---------------------------------------------------------------- labels and frames
    def name_lookup(self, lang: str = "fi", *, key: str = "code", kinds: Iterable[str] | None = None,
                    include_historical: bool = True, fallback: bool = True) -> dict[str, str]:
        """``{code: name}`` for labelling tables and figures.

        ``key`` is "code" ("853", "02", "SSS") or "statfin_code" ("KU853", "MK02", "SSS");
        ``kinds`` limits to some of "municipality", "region", "country" (default all);
        historical municipalities are included by default so older series get labels.
        Municipalities have no English names: with ``fallback`` the Finnish name is used,
        without it they are left out of an "en" lookup.
        """
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        if key not in ("code", "statfin_code"):
            raise ValueError(f"unknown key {key!r}; use 'code' or 'statfin_code'")
        kinds = tuple(KINDS if kinds is None else ([kinds] if isinstance(kinds, str) else kinds))
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ValueError(f"unknown kind(s) {bad}; use {', '.join(KINDS)}")
        out = {}
        for a in self.areas(include_historical=include_historical):
            if a.kind not in kinds:
                continue
            name = a.name(lang, fallback=fallback)
            if name is not None:
                out[getattr(a, key)] = name
        return out

    def to_frame(self, *, include_historical: bool = True):
        """All areas as a DataFrame (codes as strings), one row per area."""
        import pandas as pd

        rows = [{
            "code": a.code, "statfin_code": a.statfin_code, "kind": a.kind,
            "name_fi": a.name_fi, "name_sv": a.name_sv, "name_en": a.name_en,
            "region_code": a.region_code, "historical": a.historical,
            "valid_to": a.valid_to, "successor_code": a.successor_code,
        } for a in self.areas(include_historical=include_historical)]
        df = pd.DataFrame(rows, columns=["code", "statfin_code", "kind", "name_fi", "name_sv", "name_en",
                                         "region_code", "historical", "valid_to", "successor_code"])
        str_cols = ["code", "statfin_code", "kind", "name_fi", "name_sv", "name_en",
                    "region_code", "valid_to", "successor_code"]
        df[str_cols] = df[str_cols].astype(object).where(df[str_cols].notna(), None)
        df["historical"] = df["historical"].astype(bool)
        return df

    # ---------------------------------------------------------------- resolve
    def resolve(self, value, *, allow_historical: bool = False) -> Area:
        """Turn a code, a name or an :class:`Area` into the canonical :class:`Area`."""
        if isinstance(value, Area):
            return value
        if not isinstance(value, str):
            raise self._type_error(value)
        text = _clean(value)
        if not text:
            raise AreaNotFoundError(f"empty area {_show(value)} — {_HINT}", input=value)
        if len(text) > MAX_NAME_LENGTH:
            raise AreaNotFoundError(f"unknown area {_show(value)}: too long to be an area name or code — {_HINT}",
                                    input=value)

        if text.casefold() == COUNTRY_CODE.casefold():
            return self._country
        m = _CODE_RE.fullmatch(text)
        if m:
            return self._resolve_code(value, m.group(1), m.group(2), allow_historical)
        return self._resolve_name(value, text, allow_historical)

    def _accept(self, value, area: Area, allow_historical: bool) -> Area:
        if area.historical and not allow_historical:
            successor = self._areas.get(area.successor_code) if area.successor_code else None
            msg = (f"{_show(value)} is {area.name_fi} ({area.statfin_code}), a former municipality "
                   f"not in the {DIVISION[:4]} division")
            if area.valid_to:
                msg += f" (it existed until {area.valid_to})"
            if successor is not None:
                msg += f"; it merged into {successor} — did you mean {successor.name_fi!r}?"
            else:
                msg += "; no successor is recorded in the registry."
            raise HistoricalAreaError(msg, input=value, suggestions=[successor] if successor else [area])
        return area

    def _resolve_code(self, value, prefix: str | None, digits: str, allow_historical: bool) -> Area:
        prefix = prefix.upper() if prefix else None
        if prefix == "KU" or (prefix is None and len(digits) == 3):
            kind, width, shown_kind = "municipality", 3, "municipality"
        elif prefix == "MK" or (prefix is None and len(digits) <= 2):
            kind, width, shown_kind = "region", 2, "region"
        else:  # 4+ bare digits
            kind, width, shown_kind = "municipality", 3, "area"
        code = digits.zfill(width)
        area = self._areas.get(code)
        if len(digits) <= width and area is not None and area.kind == kind:
            return self._accept(value, area, allow_historical)

        # not found: suggest close codes of that kind (and the other reading of short numbers)
        pool = [a for a in self._areas.values() if a.kind == kind]
        suggestions: list[Area] = []
        if kind == "region" and prefix is None:
            muni = self._areas.get(digits.zfill(3))
            if muni is not None and muni.kind == "municipality":
                suggestions.append(muni)
        by_code = {a.code: a for a in pool}
        for c in difflib.get_close_matches(code, list(by_code), n=3, cutoff=0.5):
            if by_code[c] not in suggestions:
                suggestions.append(by_code[c])
        suggestions = suggestions[:3]
        what = (f"no {shown_kind} has code {code!r}" if len(digits) <= width
                else f"{digits!r} is too long for a {kind} code ({width} digits)")
        msg = f"unknown area {_show(value)} — {what}"
        if kind == "region":
            msg += (f" (region codes: {', '.join(a.code for a in self.regions())}; "
                    "municipality codes have 3 digits or the prefix KU)")
        if suggestions:
            msg += "; did you mean: " + _format_suggestions([(a.name_fi, a) for a in suggestions]) + "?"
        raise AreaNotFoundError(msg, input=value, suggestions=suggestions)

    def _pick(self, value, hits: dict[str, str], allow_historical: bool) -> Area:
        found = [self._areas[c] for c in hits]
        current = [a for a in found if not a.historical]
        chosen = current if current else found
        if len(chosen) > 1:
            listed = _format_suggestions([(hits[a.code], a) for a in chosen])
            raise AmbiguousAreaError(
                f"ambiguous area {_show(value)} — it names {len(chosen)} areas: {listed}; give the code instead",
                input=value, suggestions=chosen)
        return self._accept(value, chosen[0], allow_historical)

    def _resolve_name(self, value, text: str, allow_historical: bool) -> Area:
        hits = self._exact.get(_exact_key(text))
        if hits:
            return self._pick(value, hits, allow_historical)
        loose = _loose_key(text)
        hits = self._loose.get(loose) if loose else None
        if hits:
            return self._pick(value, hits, allow_historical)
        suggestions = self._suggest_names(text)
        if suggestions:
            msg = f"unknown area {_show(value)} — did you mean: {_format_suggestions(suggestions)}?"
        else:
            msg = f"unknown area {_show(value)} — no close match; {_HINT}"
        raise AreaNotFoundError(msg, input=value, suggestions=[a for _, a in suggestions])

    def _suggest_names(self, text: str, n: int = 3) -> list[tuple[str, Area]]:
        out: list[tuple[str, Area]] = []
        seen: set[str] = set()
        for index, key in ((self._exact, _exact_key(text)), (self._loose, _loose_key(text))):
            for match in difflib.get_close_matches(key, list(index), n=n, cutoff=0.6):
                for code, shown in index[match].items():
                    if code not in seen:
                        seen.add(code)
                        out.append((shown, self._areas[code]))
        return out[:n]

    def _type_error(self, value) -> AreaTypeError:
        msg = f"an area must be given as a str code or name, or an Area; got {_describe(value)}"
        suggestions: list[Area] = []
        forms: list[str] = []
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            for width, kind in ((2, "region"), (3, "municipality")):
                code = f"{value:0{width}d}"
                a = self._areas.get(code)
                if len(code) == width and a is not None and a.kind == kind:
                    suggestions.append(a)
                    forms.append(f"{code!r} = {a}")
            msg += " (codes are zero-padded strings; a number loses the leading zeros)"
        if forms:
            msg += " — did you mean: " + " or ".join(forms) + "?"
        else:
            msg += f" — {_HINT}"
        return AreaTypeError(msg, input=value, suggestions=suggestions)


# --------------------------------------------------------------------------- loading
def _read_codelist(name: str) -> list[dict[str, str]]:
    text = resources.files("helpers").joinpath("codelists", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.lru_cache(maxsize=1)
def registry() -> AreaRegistry:
    """The package's registry, loaded once from the shipped code lists."""
    return AreaRegistry.from_rows(_read_codelist("municipalities.csv"), _read_codelist("regions.csv"))


# --------------------------------------------------------------------------- module API
def resolve(text_or_area, *, allow_historical: bool = False) -> Area:
    """Code, name (fi/sv/en) or Area -> canonical :class:`Area`. See the module docstring."""
    return registry().resolve(text_or_area, allow_historical=allow_historical)


def regions() -> list[Area]:
    """The 19 regions (maakunnat), sorted by code."""
    return registry().regions()


def municipalities(region=None, include_historical: bool = False) -> list[Area]:
    """The 308 municipalities of 2026 (sorted by code), optionally of one region
    (anything :func:`resolve` accepts); ``include_historical`` adds the former ones (310)."""
    return registry().municipalities(region, include_historical=include_historical)


def country() -> Area:
    """The whole country, code "SSS"."""
    return registry().country()


def members(area, *, include_historical: bool = False) -> list[Area]:
    """A region's municipalities, or the country's regions. A municipality raises AreaError."""
    return registry().members(area, include_historical=include_historical)


def region_of(area, *, allow_historical: bool = False) -> Area:
    """The region of a municipality (a region is its own region; the country raises)."""
    return registry().region_of(area, allow_historical=allow_historical)


def areas(*, include_historical: bool = False) -> list[Area]:
    """Country, regions and municipalities."""
    return registry().areas(include_historical=include_historical)


def name_lookup(lang: str = "fi", *, key: str = "code", kinds: Iterable[str] | None = None,
                include_historical: bool = True, fallback: bool = True) -> dict[str, str]:
    """``{code: name}`` labels in "fi", "sv" or "en"; see :meth:`AreaRegistry.name_lookup`."""
    return registry().name_lookup(lang, key=key, kinds=kinds,
                                  include_historical=include_historical, fallback=fallback)


def to_frame(*, include_historical: bool = True):
    """Every area as a pandas DataFrame with string codes."""
    return registry().to_frame(include_historical=include_historical)
