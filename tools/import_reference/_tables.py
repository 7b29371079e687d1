"""Private helpers shared by the paavo, cluster and climate converters.

Schema building (Table Schema fields with descriptions and constraints), source and licence
entries, strict area-name → code mapping through the project's area registry, and small
checking utilities that raise loudly. Nothing here reads files outside the folder a
converter is given.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import pandas as pd

CC_BY_4 = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 International"}
STATFIN = "Statistics Finland (Tilastokeskus)"


class ConversionError(ValueError):
    """The source folder does not look like what the converter was written for."""


def check(condition: bool, message: str) -> None:
    """Raise :class:`ConversionError` with ``message`` unless ``condition`` holds (build and
    validate; ``Snapshot.write_resource`` turns a failure in validate into ValidationError)."""
    if not condition:
        raise ConversionError(message)


# ----------------------------------------------------------------------------------- schema
def field(name: str, ftype: str, description: str, *, required: bool = False,
          pattern: str | None = None, enum: Iterable[str] | None = None,
          unique: bool = False) -> dict:
    out: dict[str, Any] = {"name": name, "type": ftype, "description": description}
    cons: dict[str, Any] = {}
    if required:
        cons["required"] = True
    if pattern:
        cons["pattern"] = pattern
    if enum is not None:
        cons["enum"] = list(enum)
    if unique:
        cons["unique"] = True
    if cons:
        out["constraints"] = cons
    return out


def schema(fields: list[dict], missing_values: Iterable[str] = ("",)) -> dict:
    return {"fields": fields, "missingValues": list(missing_values)}


def ordered(frame: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    """The frame's columns in schema order (plus any ``<col>_status`` right after ``<col>``)."""
    cols = []
    for f in fields:
        cols.append(f["name"])
        status = f["name"] + "_status"
        if status in frame.columns and status not in {g["name"] for g in fields}:
            cols.append(status)
    missing = [c for c in cols if c not in frame.columns]
    check(not missing, f"frame lacks columns {missing}")
    return frame[cols].reset_index(drop=True)


def github_tree(repo: str, commit: str, path: str = "") -> str:
    return f"https://github.com/{repo}/tree/{commit}/{path}".rstrip("/")


def github_blob(repo: str, commit: str, path: str) -> str:
    return f"https://github.com/{repo}/blob/{commit}/{path}"


def source(title: str, path: str, publisher: str) -> dict:
    return {"title": title, "path": path, "publisher": publisher}


# ------------------------------------------------------------------------------------ areas
def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def municipality_code(name: str, *, registry=None) -> str:
    """The 3-digit code of a municipality given by its exact Finnish or Swedish name.

    Accepts ``"Maarianhamina - Mariehamn"`` (Finnish - Swedish, both must name the same
    municipality). Former municipalities of the registry (099 Honkajoki, 588 Pertunmaa) are
    accepted. The registry's accent-insensitive fallback is *not* accepted: the name must
    equal the registry's name_fi or name_sv exactly, otherwise :class:`ConversionError`.
    """
    from helpers import regions

    reg = registry or regions.registry()
    text = _nfc(name)
    parts = [p.strip() for p in text.split(" - ")] if " - " in text else [text]
    codes = set()
    for part in parts:
        try:
            area = reg.resolve(part, allow_historical=True)
        except regions.AreaError as exc:
            raise ConversionError(f"area name {name!r} is not a municipality of the registry: "
                                  f"{exc}") from None
        if area.kind != "municipality" or part not in (_nfc(area.name_fi), _nfc(area.name_sv)):
            raise ConversionError(f"area name {name!r}: {part!r} is not exactly the Finnish or "
                                  f"Swedish name of a municipality (closest: {area})")
        codes.add(area.code)
    if len(codes) != 1:
        raise ConversionError(f"area name {name!r} names different municipalities {sorted(codes)}")
    return codes.pop()


def registry_municipalities_2020() -> dict[str, str]:
    """code -> Finnish name of the 310 municipalities of the 2020 division.

    That is the registry's 308 municipalities of 2026 plus its two former municipalities
    of the 2020 division (099 Honkajoki, merged 2021; 588 Pertunmaa) — not the earlier
    mergers that tools/derive-municipal-mergers records (their notes start "Derived:").
    Converters check a source's municipality set against this.
    """
    from helpers import regions

    reg = regions.registry()
    munis = reg.municipalities(include_historical=True)
    return {a.code: a.name_fi for a in munis if not (a.historical and (reg.note(a) or "").startswith("Derived:"))}


def region_name_fi(code: str) -> str:
    from helpers import regions

    return regions.resolve(code).name_fi


def municipality_name_fi(code: str) -> str:
    from helpers import regions

    return regions.resolve(code, allow_historical=True).name_fi


# ---------------------------------------------------------------------------------- checks
def near(a: float, b: float, tol: float, what: str) -> None:
    if not abs(float(a) - float(b)) <= tol:
        raise ConversionError(f"{what}: {a} != {b} (tolerance {tol})")


def equal(a: Any, b: Any, what: str) -> None:
    if a != b:
        raise ConversionError(f"{what}: {a!r} != {b!r}")
