"""Languages of the reports: Finnish, Swedish and English (core).

Every text a reader sees is written in English in the code, marked for translation:

    from helpers.i18n import _, N_

    _("Population of {region}'s municipalities").format(region=name)   # translated now
    TITLE = N_("Population change")                                     # marked; translate with _() when used

English is the source language (the msgid); the Finnish and Swedish catalogues are gettext
``.po`` files in ``src/helpers/locale/<lang>/LC_MESSAGES/turku_workbooks.po``, compiled to
the ``.mo`` files read here (:mod:`helpers.catalogues`, ``tools/i18n``). A message without a
translation falls back to English, and ``tests/test_i18n.py`` fails when a marked message
has none in a published language or a ``.mo`` does not match its ``.po``.

The language of a run is set once (:func:`set_language`, by ``helpers.notebook.start`` from
the ``lang`` parameter) and read with :func:`language`.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext
import math
import numbers
import sys
from functools import cache
from pathlib import Path

LANGUAGES = ("fi", "sv", "en")
SOURCE_LANGUAGE = "en"
DOMAIN = "turku_workbooks"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

#: the pinned data's source lines in Finnish and Swedish (:func:`attribution_translations`)
ATTRIBUTIONS_FILE = LOCALE_DIR / "attributions.yaml"
#: the pinned manifest's titles, publishers, tables, periods, licences and caveats in Finnish
#: and Swedish (:func:`manifest_translations`)
MANIFEST_TEXTS_FILE = LOCALE_DIR / "manifest.yaml"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("turku_workbooks_language", default=SOURCE_LANGUAGE)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not a report language; valid: {', '.join(LANGUAGES)}")
    return lang


def set_language(lang: str) -> None:
    _current.set(check_language(lang))


def language() -> str:
    return _current.get()


@contextlib.contextmanager
def using(lang: str):
    """``with using("sv"): ...`` — texts and names in ``lang`` inside the block (the runner
    builds each run's titles and labels so), the previous language after it."""
    token = _current.set(check_language(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English: none needed)."""
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        with open(mo, "rb") as fh:
            return gettext.GNUTranslations(fh)
    po = mo.with_suffix(".po")
    if not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    t = Translations(domain=DOMAIN)
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            key = message.id if isinstance(message.id, str) else message.id[0]
            t._catalog[key] = message.string if isinstance(message.string, str) else message.string[0]
    return t


def _(message: str) -> str:
    """``message`` in the language of the run (English when no translation exists)."""
    return translations(language()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (module-level constants)."""
    return message


# ----------------------------------------------------------------------------- numbers

#: Thousands separator used everywhere a number is shown (U+202F NARROW NO-BREAK SPACE,
#: the SI / Finnish-style thin space that never breaks a number across lines).
THIN_SPACE = "\u202f"
#: how numbers are written in each report language: (thousands separator, decimal mark)
NUMBER_FORMATS = {"fi": (THIN_SPACE, ","), "sv": (THIN_SPACE, ","), "en": (",", ".")}


def short_repr(x) -> str:
    """``repr(x)``, cut to 60 characters: how an error message shows a bad value."""
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def format_number(x, decimals: int = 0, thousands: str | None = None, *, lang: str | None = None) -> str:
    """A number as a reader of ``lang`` (default: the run's language) writes it: 12345.6 ->
    ``"12 346"`` / ``"12 345,6"`` in Finnish and Swedish (narrow no-break space, decimal
    comma), ``"12,346"`` / ``"12,345.6"`` in English; the Unicode minus sign ``−``; no "−0";
    NaN and pandas' NA -> ``""``. ``thousands`` overrides the separator.

    numpy's numbers are numbers here too (numpy registers them as ``numbers.Integral`` and
    ``numbers.Real``); nothing is imported for them, so the runner's parent formats its
    gallery without numpy or pandas (``helpers.analysis`` re-exports this)."""
    if not isinstance(decimals, numbers.Integral) or isinstance(decimals, bool) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer; got {decimals!r}")
    pandas = sys.modules.get("pandas")  # (pd.NA exists only once pandas is imported)
    if x is None or (pandas is not None and x is pandas.NA):
        return ""
    if not isinstance(x, numbers.Real) or isinstance(x, bool):  # (numpy's bool_ is no Real)
        raise TypeError(f"x must be a number; got {type(x).__name__}: {short_repr(x)}")
    if not isinstance(x, numbers.Integral) and math.isnan(x):
        return ""
    sep, point = NUMBER_FORMATS.get(lang or language(), NUMBER_FORMATS["en"])
    if thousands is not None:
        sep = thousands
    text = f"{float(x):,.{int(decimals)}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    return text.replace(",", "\0").replace(".", point).replace("\0", sep).replace("-", "\u2212")


@cache
def attribution_translations() -> dict[str, dict]:
    """The pinned resources' source lines in Finnish and Swedish (``locale/attributions.yaml``),
    keyed by the English line as a source line shows it (no "Source: ", no final stop); used
    by :func:`helpers.provenance.source_caption`."""
    return _translations(ATTRIBUTIONS_FILE)


@cache
def manifest_translations() -> dict[str, dict]:
    """The pinned manifest's reader-facing texts in Finnish and Swedish (``locale/manifest.yaml``):
    titles, publishers, tables or indicators, periods, licence titles and caveats, keyed by the
    English text as the manifest has it; used by :func:`helpers.provenance.manifest_text`."""
    return _translations(MANIFEST_TEXTS_FILE)


def _translations(path: Path) -> dict[str, dict]:
    """English text -> {"fi": …, "sv": …, "quoted": [English words the translations keep]}."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: about 10 x faster
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    return {str(k): dict(v) for k, v in data.items()}
