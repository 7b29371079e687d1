"""Tests for helpers.regions, the area registry.

Real values: the 27 Varsinais-Suomi municipalities and the official total of 308
municipalities in the 1.1.2026 division (Statistics Finland, kunta_1_20260101), the Swedish
names, Punkalaidun's region, the two former municipalities of the 2020 division.
The only hand-made data are the small invented registries in the "hand-made" section,
used to exercise ambiguity and exact-over-accent-insensitive precedence, which the real
names never trigger.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from helpers import regions as R
from helpers.regions import (
    AmbiguousAreaError,
    Area,
    AreaError,
    AreaNotFoundError,
    AreaRegistry,
    AreaTypeError,
    HistoricalAreaError,
    resolve,
)

# Statistics Finland: 308 municipalities and 19 regions in the 1.1.2026 division.
OFFICIAL_MUNICIPALITIES_2026 = 308
OFFICIAL_REGIONS_2026 = 19

VARSINAIS_SUOMI = {
    "019": "Aura", "202": "Kaarina", "284": "Koski Tl", "304": "Kustavi", "322": "Kemiönsaari",
    "400": "Laitila", "423": "Lieto", "430": "Loimaa", "445": "Parainen", "480": "Marttila",
    "481": "Masku", "503": "Mynämäki", "529": "Naantali", "538": "Nousiainen", "561": "Oripää",
    "577": "Paimio", "631": "Pyhäranta", "636": "Pöytyä", "680": "Raisio", "704": "Rusko",
    "734": "Salo", "738": "Sauvo", "761": "Somero", "833": "Taivassalo", "853": "Turku",
    "895": "Uusikaupunki", "918": "Vehmaa",
}


#: the 2020 division's two former municipalities + the ten mergers 2013–2020 the pinned data prove
FORMER = {"099", "588", "164", "174", "283", "319", "413", "442", "476", "532", "838", "911"}


def _codelist(name: str) -> list[dict[str, str]]:
    text = resources.files("helpers").joinpath("codelists", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


MUNI_ROWS = _codelist("municipalities.csv")
CURRENT_ROWS = [r for r in MUNI_ROWS if r["status"] == "current"]
REGION_ROWS = [r for r in _codelist("regions.csv") if r["kind"] == "region"]


# --------------------------------------------------------------------------- counts and lists
def test_committed_codelist_has_the_official_number_of_current_municipalities():
    assert len(CURRENT_ROWS) == OFFICIAL_MUNICIPALITIES_2026
    assert len({r["code"] for r in MUNI_ROWS}) == len(MUNI_ROWS) == 320
    assert len(REGION_ROWS) == OFFICIAL_REGIONS_2026


def test_counts_from_the_api():
    assert len(R.municipalities()) == 308
    assert len(R.municipalities(include_historical=True)) == 320
    assert len(R.regions()) == 19
    assert [a.code for a in R.regions()] == [
        "01", "02", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15",
        "16", "17", "18", "19", "21"]
    assert sum(len(R.members(r)) for r in R.regions()) == 308
    assert len(R.areas()) == 1 + 19 + 308
    assert len(R.areas(include_historical=True)) == 1 + 19 + 320


def test_varsinais_suomi_has_its_27_municipalities():
    vs = R.municipalities(region="02")
    assert {a.code: a.name_fi for a in vs} == VARSINAIS_SUOMI
    assert [a.code for a in vs] == sorted(VARSINAIS_SUOMI)
    assert all(a.region_code == "02" and not a.historical for a in vs)
    assert R.members("Varsinais-Suomi") == vs
    assert R.municipalities(region="MK02") == R.municipalities(region=resolve("Egentliga Finland")) == vs


@pytest.mark.parametrize("code,name", sorted(VARSINAIS_SUOMI.items()))
def test_each_varsinais_suomi_municipality_resolves(code, name):
    a = resolve(code)
    assert (a.code, a.name_fi, a.region_code, a.kind) == (code, name, "02", "municipality")
    assert resolve(name) is a
    assert resolve("KU" + code) is a
    assert R.region_of(a).code == "02"


def test_punkalaidun_is_in_pirkanmaa_not_varsinais_suomi():
    p = resolve("619")
    assert p.name_fi == "Punkalaidun"
    assert p.region_code == "06"
    assert R.region_of("Punkalaidun").name_fi == "Pirkanmaa"
    assert p not in R.members("02")


@pytest.mark.parametrize("row", CURRENT_ROWS, ids=lambda r: r["code"])
def test_every_2026_code_resolves(row):
    a = resolve(row["code"])
    assert a.code == row["code"] and len(a.code) == 3 and a.code.isdigit()
    assert a.kind == "municipality" and not a.historical
    assert a.region_code == row["region_code"]
    assert a.statfin_code == "KU" + row["code"]
    assert resolve(a.statfin_code) is a
    assert resolve(a.statfin_code.lower()) is a
    assert resolve(row["name_fi"]) is a
    assert resolve(row["name_sv"]) is a
    assert R.region_of(a).code == row["region_code"]


@pytest.mark.parametrize("row", REGION_ROWS, ids=lambda r: r["code"])
def test_every_region_resolves_by_code_and_three_names(row):
    a = resolve("MK" + row["code"])
    assert a.kind == "region" and a.code == row["code"]
    for form in (row["code"], row["code"].lstrip("0") or "0", row["name_fi"], row["name_sv"], row["name_en"]):
        assert resolve(form) is a, form


# --------------------------------------------------------------------------- name and code forms
TURKU_FORMS = ["KU853", "853", "Turku", "Åbo", "turku", " TURKU ", "ku853", "KU 853", "Ku853", "ÅBO", "åbo"]
VS_FORMS = ["MK02", "02", "2", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland", "mk02", "MK2",
            "varsinais-suomi", "  Egentliga   finland ", "SOUTHWEST FINLAND"]
COUNTRY_FORMS = ["SSS", "sss", "Koko maa", "koko maa", "Hela landet", "Whole country", "Finland", "Suomi", "SUOMI"]


@pytest.mark.parametrize("text", TURKU_FORMS)
def test_turku_forms(text):
    a = resolve(text)
    assert (a.code, a.name_fi, a.name_sv, a.statfin_code, a.label) == ("853", "Turku", "Åbo", "KU853", "Turku")


@pytest.mark.parametrize("text", VS_FORMS)
def test_varsinais_suomi_forms(text):
    a = resolve(text)
    assert (a.code, a.kind, a.statfin_code) == ("02", "region", "MK02")
    assert (a.name_fi, a.name_sv, a.name_en) == ("Varsinais-Suomi", "Egentliga Finland", "Southwest Finland")
    assert a.region_code is None


@pytest.mark.parametrize("text", COUNTRY_FORMS)
def test_country_forms(text):
    a = resolve(text)
    assert a is R.country()
    assert (a.code, a.kind, a.statfin_code) == ("SSS", "country", "SSS")
    assert (a.name_fi, a.name_sv, a.name_en) == ("Koko maa", "Hela landet", "Whole country")


def test_short_numbers_are_region_codes_and_ku_prefix_makes_a_municipality():
    # decision: 1-2 bare digits = region code, 3 digits = municipality
    assert resolve("2").code == "02" and resolve("2").kind == "region"
    assert resolve("19").name_fi == "Lappi"
    assert resolve("019").name_fi == "Aura"
    assert resolve("KU19").name_fi == "Aura"
    assert resolve("ku-19").name_fi == "Aura"
    assert resolve("MK6").name_fi == "Pirkanmaa"


@pytest.mark.parametrize("fi,sv,code", [
    ("Parainen", "Pargas", "445"),
    ("Kemiönsaari", "Kimitoön", "322"),
    ("Turku", "Åbo", "853"),
    ("Naantali", "Nådendal", "529"),
    ("Marttila", "S:t Mårtens", "480"),
    ("Kaarina", "S:t Karins", "202"),
    ("Taivassalo", "Tövsala", "833"),
    ("Helsinki", "Helsingfors", "091"),
    ("Maarianhamina", "Mariehamn", "478"),
    ("Närpiö", "Närpes", "545"),
    ("Ylitornio", "Övertorneå", "976"),
])
def test_swedish_names(fi, sv, code):
    a = resolve(fi)
    assert (a.code, a.name_fi, a.name_sv) == (code, fi, sv)
    assert resolve(sv) is a
    assert a.name("sv") == sv
    # decomposed (NFD) input, as some keyboards and files produce, is the same name
    assert resolve(unicodedata.normalize("NFD", sv)) is a


def test_region_swedish_and_english_names():
    assert resolve("Birkaland").code == "06"
    assert resolve("Åland").code == "21"
    assert resolve("Ahvenanmaa").code == "21"
    assert resolve("Päijänne-Tavastland").code == "07"
    assert resolve("Södra Österbotten").code == "14"
    assert resolve("North Ostrobothnia").code == "17"


def test_accent_insensitive_fallback():
    assert resolve("Poytya").name_fi == "Pöytyä"
    assert resolve("POYTYA").code == "636"
    assert resolve("Abo").code == "853"
    assert resolve("Kimitoon").code == "322"
    assert resolve("Varsinais Suomi").code == "02"
    assert resolve("Varsinais–Suomi").code == "02"  # en dash
    assert resolve("Paijat-Hame").code == "07"


def test_area_instance_is_returned_as_is():
    turku = resolve("Turku")
    assert resolve(turku) is turku
    honkajoki = resolve("099", allow_historical=True)
    assert resolve(honkajoki) is honkajoki


def test_no_real_name_form_is_ambiguous():
    # every fi/sv/en name of every area (historical included) points at one area only,
    # exactly and with accents removed; if a future list adds a clash this fails.
    reg = R.registry()
    assert all(len(hits) == 1 for hits in reg._exact.values())
    assert all(len(hits) == 1 for hits in reg._loose.values())


# --------------------------------------------------------------------------- historical
def test_honkajoki_is_historical_with_successor():
    with pytest.raises(HistoricalAreaError) as exc:
        resolve("099")
    msg = str(exc.value)
    assert "'099'" in msg and "Honkajoki" in msg and "former municipality" in msg
    assert "Kankaanpää (KU214)" in msg and "allow_historical" not in msg
    assert exc.value.input == "099"
    assert [a.code for a in exc.value.suggestions] == ["214"]

    a = resolve("099", allow_historical=True)
    assert (a.code, a.name_fi, a.historical, a.successor_code, a.valid_to) == ("099", "Honkajoki", True, "214", "2020-12-31")
    assert a.region_code == "04"
    assert resolve("Honkajoki", allow_historical=True) is a
    assert resolve("KU099", allow_historical=True) is a
    assert resolve("214").name_fi == "Kankaanpää"


def test_pertunmaa_is_historical_without_an_invented_successor():
    for text in ("588", "Pertunmaa", "KU588", "pertunmaa"):
        with pytest.raises(HistoricalAreaError) as exc:
            resolve(text)
        assert repr(text) in str(exc.value)
        assert "Pertunmaa" in str(exc.value) and "no successor" in str(exc.value)
    a = resolve("588", allow_historical=True)
    assert a.historical and a.successor_code is None and a.valid_to is None
    assert a.region_code == "10"


def test_historical_municipalities_in_listings():
    cur = {a.code for a in R.municipalities()}
    allm = {a.code for a in R.municipalities(include_historical=True)}
    assert allm - cur == FORMER
    assert "099" in {a.code for a in R.municipalities("04", include_historical=True)}
    assert "099" not in {a.code for a in R.municipalities("04")}
    assert R.region_of("099", allow_historical=True).name_fi == "Satakunta"
    with pytest.raises(HistoricalAreaError):
        R.region_of("099")
    assert "1.1.2021" in R.registry().note("099")


# --------------------------------------------------------------------------- errors
def test_unknown_name_suggests_closest():
    with pytest.raises(AreaNotFoundError) as exc:
        resolve("Turkku")
    assert str(exc.value) == "unknown area 'Turkku' — did you mean: Turku (KU853)?"
    assert exc.value.suggestions[0].code == "853"


@pytest.mark.parametrize("text,expected_in_message", [
    ("Helsinky", "Helsinki (KU091)"),
    ("Pargass", "Pargas = Parainen (KU445)"),
    ("Varsinais-Suom", "Varsinais-Suomi (MK02)"),
    ("Koski", "Koski Tl (KU284)"),
])
def test_unknown_names_name_input_and_suggestion(text, expected_in_message):
    with pytest.raises(AreaNotFoundError) as exc:
        resolve(text)
    assert repr(text) in str(exc.value)
    assert expected_in_message in str(exc.value)


def test_unknown_without_close_match_lists_valid_forms():
    with pytest.raises(AreaNotFoundError) as exc:
        resolve("xyzzy")
    msg = str(exc.value)
    assert "'xyzzy'" in msg and "no close match" in msg and "'KU853'" in msg


@pytest.mark.parametrize("text,suggested", [
    ("20", "Akaa (KU020)"),     # no region 20, but municipality 020 exists
    ("03", "region codes: 01, 02, 04"),
    ("KU000", "unknown area 'KU000'"),
    ("8530", "Turku (KU853)"),
    ("MK002", "Varsinais-Suomi (MK02)"),
    ("MK22", "Ahvenanmaa (MK21)"),
])
def test_unknown_codes(text, suggested):
    with pytest.raises(AreaNotFoundError) as exc:
        resolve(text)
    assert repr(text) in str(exc.value)
    assert suggested in str(exc.value)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_input(text):
    with pytest.raises(AreaNotFoundError) as exc:
        resolve(text)
    assert "empty area" in str(exc.value) and repr(text) in str(exc.value)


def test_none_is_a_type_error():
    with pytest.raises(AreaTypeError) as exc:
        resolve(None)
    assert "got None" in str(exc.value)
    assert isinstance(exc.value, TypeError) and isinstance(exc.value, ValueError)


def test_ints_are_rejected_with_the_string_forms():
    with pytest.raises(AreaTypeError) as exc:
        resolve(853)
    assert "int 853" in str(exc.value) and "'853' = Turku (KU853)" in str(exc.value)
    with pytest.raises(AreaTypeError) as exc:
        resolve(19)  # genuinely ambiguous: Lappi MK19 or Aura 019
    assert "'19' = Lappi (MK19)" in str(exc.value) and "'019' = Aura (KU019)" in str(exc.value)
    assert {a.code for a in exc.value.suggestions} == {"19", "019"}


@pytest.mark.parametrize("value", [True, 3.5, b"853", ["853"], {"code": "853"}])
def test_other_types_are_rejected(value):
    with pytest.raises(AreaTypeError) as exc:
        resolve(value)
    assert type(value).__name__ in str(exc.value)


def test_error_hierarchy():
    for cls in (AreaNotFoundError, AmbiguousAreaError, HistoricalAreaError, AreaTypeError):
        assert issubclass(cls, AreaError)
    assert issubclass(AreaError, ValueError)


def test_members_and_region_of_errors():
    assert [a.code for a in R.members("SSS")] == [a.code for a in R.regions()]
    with pytest.raises(AreaError) as exc:
        R.members("Turku")
    assert "'Turku'" in str(exc.value) and "municipality" in str(exc.value)
    with pytest.raises(AreaError) as exc:
        R.region_of("SSS")
    assert "'SSS'" in str(exc.value)
    assert R.region_of("MK02") is resolve("02")
    with pytest.raises(AreaError) as exc:
        R.municipalities(region="Turku")
    assert "not a region" in str(exc.value)
    assert len(R.municipalities(region="SSS")) == 308
    with pytest.raises(AreaNotFoundError):
        R.municipalities(region="Turkku")


# --------------------------------------------------------------------------- labels and frames
def test_name_lookup():
    fi = R.name_lookup("fi")
    assert fi["853"] == "Turku" and fi["02"] == "Varsinais-Suomi" and fi["SSS"] == "Koko maa"
    assert fi["099"] == "Honkajoki"  # historical labels kept for older series
    assert len(fi) == 1 + 19 + 320
    sv = R.name_lookup("sv", key="statfin_code")
    assert sv["KU853"] == "Åbo" and sv["MK02"] == "Egentliga Finland" and sv["SSS"] == "Hela landet"
    en = R.name_lookup("en", kinds=["region", "country"])
    assert en["02"] == "Southwest Finland" and en["SSS"] == "Whole country" and "853" not in en
    assert R.name_lookup("en")["853"] == "Turku"  # fallback to the Finnish name
    assert "853" not in R.name_lookup("en", fallback=False)
    assert len(R.name_lookup("fi", kinds="municipality", include_historical=False)) == 308
    with pytest.raises(ValueError, match="'de'"):
        R.name_lookup("de")
    with pytest.raises(ValueError, match="'id'"):
        R.name_lookup("fi", key="id")


def test_area_name_and_no_invented_english_municipality_names():
    turku = resolve("Turku")
    assert turku.name_en is None
    assert turku.name("en") == "Turku" and turku.name("en", fallback=False) is None
    assert all(a.name_en is None for a in R.municipalities(include_historical=True))
    assert all(a.name_en for a in R.regions())
    assert str(turku) == "Turku (KU853)"
    with pytest.raises(ValueError):
        turku.name("xx")


def test_to_frame_has_string_codes():
    df = R.to_frame()
    assert len(df) == 1 + 19 + 320
    assert df["code"].map(type).eq(str).all()
    assert df["code"].is_unique
    row = df.set_index("code").loc["019"]
    assert (row["name_fi"], row["statfin_code"], row["region_code"], row["kind"]) == ("Aura", "KU019", "02", "municipality")
    assert df.loc[df["kind"] == "region", "code"].str.fullmatch(r"\d{2}").all()
    assert df.loc[df["kind"] == "municipality", "code"].str.fullmatch(r"\d{3}").all()
    assert set(df.loc[df["historical"], "code"]) == FORMER
    assert len(R.to_frame(include_historical=False)) == 1 + 19 + 308
    vs = df[(df["kind"] == "municipality") & (df["region_code"] == "02") & ~df["historical"]]
    assert dict(zip(vs["code"], vs["name_fi"])) == VARSINAIS_SUOMI


def test_area_is_frozen_and_validated():
    turku = resolve("Turku")
    with pytest.raises(dataclasses.FrozenInstanceError):
        turku.code = "854"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Area(code=853, kind="municipality", name_fi="x", name_sv="x", region_code="02")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Area(code="53", kind="municipality", name_fi="x", name_sv="x", region_code="02")
    with pytest.raises(ValueError):
        Area(code="853", kind="municipality", name_fi="x", name_sv="x", region_code="2")
    with pytest.raises(ValueError):
        Area(code="02", kind="county", name_fi="x", name_sv="x")


def test_registry_is_cached_and_lists_are_copies():
    assert R.registry() is R.registry()
    lst = R.municipalities()
    lst.clear()
    assert len(R.municipalities()) == 308




# --------------------------------------------------------------------------- hand-made
# HAND-MADE test fixture: invented areas, not real data. Used only to exercise behaviour
# the real names never trigger (ambiguity; exact form beating the accent-free fallback).
_HANDMADE_REGIONS = [
    {"code": "SSS", "kind": "country", "name_fi": "Koko testimaa", "name_sv": "Hela testlandet", "name_en": "Test country"},
    {"code": "01", "kind": "region", "name_fi": "Testimaakunta", "name_sv": "Testlandskap", "name_en": ""},
]
_HANDMADE_MUNIS = [
    {"code": "101", "name_fi": "Samanimi", "name_sv": "Samanimi", "name_en": "", "region_code": "01", "status": "current"},
    {"code": "102", "name_fi": "Toinen", "name_sv": "Samanimi", "name_en": "", "region_code": "01", "status": "current"},
    {"code": "103", "name_fi": "Vora", "name_sv": "Vora", "name_en": "", "region_code": "01", "status": "current"},
    {"code": "104", "name_fi": "Vörå", "name_sv": "Vörå", "name_en": "", "region_code": "01", "status": "current"},
    {"code": "105", "name_fi": "Vanha", "name_sv": "Vanha", "name_en": "", "region_code": "01", "status": "historical",
     "valid_to": "2000-12-31", "successor_code": "103"},
    {"code": "106", "name_fi": "Uusi", "name_sv": "Vanha", "name_en": "", "region_code": "01", "status": "current"},
]


@pytest.fixture
def handmade():
    return AreaRegistry.from_rows(_HANDMADE_MUNIS, _HANDMADE_REGIONS)


def test_handmade_ambiguous_name(handmade):
    with pytest.raises(AmbiguousAreaError) as exc:
        handmade.resolve("samanimi")
    msg = str(exc.value)
    assert "'samanimi'" in msg and "(KU101)" in msg and "(KU102)" in msg
    assert {a.code for a in exc.value.suggestions} == {"101", "102"}
    assert handmade.resolve("101").name_fi == "Samanimi"  # the code is the way out


def test_handmade_exact_form_wins_over_accent_free_match(handmade):
    assert handmade.resolve("Vora").code == "103"
    assert handmade.resolve("VÖRÅ").code == "104"
    with pytest.raises(AmbiguousAreaError):
        handmade.resolve("Vorå")  # only the accent-free form matches, and it matches both


def test_handmade_current_name_wins_over_historical_name(handmade):
    assert handmade.resolve("Vanha").code == "106"
    with pytest.raises(HistoricalAreaError) as exc:
        handmade.resolve("105")
    assert "Vora (KU103)" in str(exc.value)


def test_handmade_bad_rows_are_rejected():
    bad_region = [dict(_HANDMADE_MUNIS[0], region_code="09")]
    with pytest.raises(ValueError, match="unknown region_code"):
        AreaRegistry.from_rows(bad_region, _HANDMADE_REGIONS)
    bad_status = [dict(_HANDMADE_MUNIS[0], status="gone")]
    with pytest.raises(ValueError, match="status"):
        AreaRegistry.from_rows(bad_status, _HANDMADE_REGIONS)
    with pytest.raises(ValueError, match="duplicate"):
        AreaRegistry.from_rows(_HANDMADE_MUNIS[:1] * 2, _HANDMADE_REGIONS)
    with pytest.raises(ValueError, match="country"):
        AreaRegistry.from_rows(_HANDMADE_MUNIS[:1], _HANDMADE_REGIONS[1:])


def test_mergers_proven_by_the_pinned_data_name_their_successor():
    with pytest.raises(R.HistoricalAreaError, match="Nurmes") as exc:
        R.resolve("Valtimo")
    assert "allow_historical" not in str(exc.value)  # not a Python hint for command-line users
    assert R.resolve("Valtimo", allow_historical=True).successor_code == "541"
    assert R.resolve("Tarvasjoki", allow_historical=True).successor_code == "423"  # Lieto, Varsinais-Suomi
    juankoski, maaninka = (R.resolve(n, allow_historical=True) for n in ("Juankoski", "Maaninka"))
    assert juankoski.successor_code == maaninka.successor_code == "297"  # both into Kuopio


@pytest.mark.slow
def test_the_recorded_mergers_are_what_the_pinned_data_prove():
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(root / "tools" / "derive-municipal-mergers"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
