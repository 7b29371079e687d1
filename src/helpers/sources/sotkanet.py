"""THL Sotkanet REST API 1.1 (``https://sotkanet.fi/rest/1.1/``).

- ``/indicators`` -- every indicator (about 3,700 items, 2.5 MB): cached for a week.
  Indicators are resolved by their **exact Finnish title** (:meth:`Sotkanet.resolve_indicator`);
  ids found in third-party code are not trusted. A title that is not found, or that several
  indicators share, raises :class:`IndicatorNotFoundError` / :class:`AmbiguousIndicatorError`
  listing the nearest titles with their ids.
- ``/indicators/<id>`` -- metadata: title, ``range`` (first/last year), ``data-updated``,
  ``organization`` (the producer to attribute: THL, Statistics Finland, Kela ...).
- ``/regions`` -- Sotkanet's internal region ids with the official ``code`` and ``category``
  (KUNTA, MAAKUNTA, HYVINVOINTIALUE, MAA, ...). Data rows carry the internal id only.
- ``/json?indicator=<id>&years=<y>&years=<y2>&genders=total`` -- data for all regions of all
  categories; parse with :func:`parse_data`.

Sotkanet answers 403 to requests without a User-Agent; the shared HTTP layer always sends one.
Small numbers are suppressed: missing rows / values stay missing, never zero.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from .http import HttpClient, HTTPStatusError, ResponseFormatError, SourceError, load_json_payload

DEFAULT_BASE_URL = "https://sotkanet.fi/rest/1.1"
GENDERS = ("total", "male", "female")
CATEGORIES = ("KUNTA", "MAAKUNTA", "HYVINVOINTIALUE", "MAA", "SEUTUKUNTA", "SAIRAANHOITOPIIRI",
              "ALUEHALLINTOVIRASTO", "ERVA", "SUURALUE", "YTA", "NUTS1", "ELY-KESKUS",
              "EUROOPPA", "POHJOISMAAT", "EURALUEET")
INDICATORS_EXPIRE = timedelta(days=7)
DATA_COLUMNS = ("indicator", "region", "year", "gender", "value", "abs_value")


class SotkanetError(SourceError):
    """A Sotkanet request or lookup problem."""


class IndicatorNotFoundError(SotkanetError, LookupError):
    """No indicator has exactly this Finnish title."""


class AmbiguousIndicatorError(SotkanetError, LookupError):
    """Several indicators share this exact Finnish title."""


def _load(payload) -> Any:
    return load_json_payload(payload, what="Sotkanet payload")


def parse_data(payload) -> pd.DataFrame:
    """Parse a ``/json`` response (list, str or bytes) into a tidy frame.

    Columns: ``indicator`` (int), ``region`` (int, Sotkanet's internal id), ``year`` (int),
    ``gender`` (str), ``value`` (float) and ``abs_value`` (float, NaN where ``absValue`` is
    absent). A row without ``value`` keeps NaN.
    """
    rows = _load(payload)
    if not isinstance(rows, list):
        raise ResponseFormatError(
            f"Sotkanet /json should be a JSON array of rows, got {type(rows).__name__}"
        )
    if not rows:
        return pd.DataFrame(
            {
                "indicator": pd.Series(dtype="int64"), "region": pd.Series(dtype="int64"),
                "year": pd.Series(dtype="int64"), "gender": pd.Series(dtype="str"),
                "value": pd.Series(dtype="float64"), "abs_value": pd.Series(dtype="float64"),
            }
        )
    frame = pd.DataFrame.from_records(rows)
    missing = [c for c in ("indicator", "region", "year", "gender") if c not in frame.columns]
    if missing:
        raise ResponseFormatError(
            f"Sotkanet /json rows lack {missing}; keys seen: {sorted(frame.columns)}"
        )
    out = pd.DataFrame(
        {
            "indicator": frame["indicator"].astype("int64"),
            "region": frame["region"].astype("int64"),
            "year": frame["year"].astype("int64"),
            "gender": frame["gender"].astype("str"),
            "value": pd.to_numeric(frame["value"], errors="coerce").astype("float64")
            if "value" in frame else np.nan,
            "abs_value": pd.to_numeric(frame["absValue"], errors="coerce").astype("float64")
            if "absValue" in frame else np.nan,
        }
    )
    return out


def parse_regions(payload) -> pd.DataFrame:
    """``/regions`` -> ``region`` (int id), ``code`` (str), ``category``, ``title_fi/sv/en``,
    ``member_of`` (list of ids), ``uri``."""
    rows = _load(payload)
    if not isinstance(rows, list):
        raise ResponseFormatError(f"Sotkanet /regions should be a JSON array, got {type(rows).__name__}")
    records = []
    for r in rows:
        title = r.get("title") or {}
        records.append(
            {
                "region": int(r["id"]),
                "code": None if r.get("code") is None else str(r["code"]),
                "category": str(r.get("category", "")),
                "title_fi": title.get("fi"),
                "title_sv": title.get("sv"),
                "title_en": title.get("en"),
                "member_of": [int(x) for x in r.get("memberOf", [])],
                "uri": r.get("uri"),
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=["region", "code", "category", "title_fi", "title_sv", "title_en", "member_of", "uri"],
    )


def parse_indicators(payload) -> pd.DataFrame:
    """``/indicators`` -> ``indicator`` (int), ``title_fi/sv/en``, ``organization`` (id),
    ``organization_fi``."""
    rows = _load(payload)
    if not isinstance(rows, list):
        raise ResponseFormatError(
            f"Sotkanet /indicators should be a JSON array, got {type(rows).__name__}"
        )
    records = []
    for r in rows:
        title = r.get("title") or {}
        org = r.get("organization") or {}
        records.append(
            {
                "indicator": int(r["id"]),
                "title_fi": title.get("fi"),
                "title_sv": title.get("sv"),
                "title_en": title.get("en"),
                "organization": org.get("id"),
                "organization_fi": (org.get("title") or {}).get("fi"),
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=["indicator", "title_fi", "title_sv", "title_en", "organization", "organization_fi"],
    )


def _norm_title(text: str) -> str:
    """Loose form for suggestions only: NFC, dashes unified, spaces around dashes removed."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return " ".join(text.split())


def resolve_title(indicators: pd.DataFrame, title: str) -> int:
    """The id of the one indicator whose Finnish title is exactly ``title``."""
    hits = indicators[indicators["title_fi"] == title]
    if len(hits) == 1:
        return int(hits["indicator"].iloc[0])
    if len(hits) > 1:
        listing = "; ".join(
            f"{int(r.indicator)} ({r.organization_fi or 'organisation ?'})" for r in hits.itertuples()
        )
        raise AmbiguousIndicatorError(
            f"{len(hits)} Sotkanet indicators have the exact title {title!r}: {listing}. "
            f"Pin the id in the catalog next to the title."
        )
    titles = indicators["title_fi"].dropna().astype(str).tolist()
    ids = dict(zip(indicators["title_fi"], indicators["indicator"]))
    loose = _norm_title(title)
    same_loose = [t for t in titles if _norm_title(t) == loose]
    close = difflib.get_close_matches(title, titles, n=5, cutoff=0.6)
    near = list(dict.fromkeys(same_loose + close))
    hint = (
        "; nearest titles: " + "; ".join(f"{t!r} (id {int(ids[t])})" for t in near)
        if near else "; no similar title either"
    )
    raise IndicatorNotFoundError(
        f"no Sotkanet indicator has the exact Finnish title {title!r} "
        f"(searched {len(titles)} indicators){hint}"
    )


class Sotkanet:
    """Sotkanet REST 1.1 client; ``base_url`` points it at a mirror or a replay server."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, http: HttpClient | None = None,
                 years_per_request: int = 10):
        self.base_url = base_url.rstrip("/")
        self.http = http or HttpClient()
        self.years_per_request = int(years_per_request)
        self._indicators: pd.DataFrame | None = None
        self._regions: pd.DataFrame | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _get(self, path: str, params=None, **kw):
        try:
            return self.http.get_json(self.url(path), params=params, **kw)
        except HTTPStatusError as exc:
            raise SotkanetError(f"Sotkanet {path}: {exc}") from exc

    # -- indicators -----------------------------------------------------------
    def indicators(self) -> pd.DataFrame:
        if self._indicators is None:
            res = self._get("indicators", expire_after=INDICATORS_EXPIRE)
            frame = parse_indicators(res.data)
            frame.attrs.update({"url": res.url, "retrieved_at": res.retrieved_at})
            self._indicators = frame
        return self._indicators

    def resolve_indicator(self, title: str) -> int:
        return resolve_title(self.indicators(), title)

    def indicator_metadata(self, indicator: int) -> dict:
        res = self._get(f"indicators/{int(indicator)}")
        if not isinstance(res.data, dict) or "id" not in res.data:
            raise ResponseFormatError(f"{res.url}: not an indicator metadata object")
        meta = dict(res.data)
        meta["_url"] = res.url
        meta["_retrieved_at"] = res.retrieved_at
        return meta

    # -- regions ------------------------------------------------------------------
    def regions(self) -> pd.DataFrame:
        if self._regions is None:
            res = self._get("regions", expire_after=INDICATORS_EXPIRE)
            frame = parse_regions(res.data)
            frame.attrs.update({"url": res.url, "retrieved_at": res.retrieved_at})
            self._regions = frame
        return self._regions

    def region_codes(self, category: str) -> dict[int, str]:
        """Sotkanet region id -> official code for one category (e.g. KUNTA: 389 -> '853')."""
        category = str(category).upper()
        regions = self.regions()
        seen = sorted(set(regions["category"]))
        if category not in seen:
            close = difflib.get_close_matches(category, seen, n=3, cutoff=0.5)
            raise SotkanetError(
                f"unknown Sotkanet region category {category!r}; categories in /regions: {seen}"
                + (f"; did you mean {close}?" if close else "")
            )
        sub = regions[regions["category"] == category]
        return dict(zip(sub["region"].astype(int), sub["code"]))

    # -- data ---------------------------------------------------------------------
    def data(self, indicator: int, years: Iterable[int], genders: str | Iterable[str] = "total",
             **kw) -> pd.DataFrame:
        """``/json`` rows for one indicator, the given years and genders (see :func:`parse_data`)."""
        years = sorted({int(y) for y in years})
        if not years:
            raise ValueError("years must list at least one year")
        genders = [genders] if isinstance(genders, str) else list(genders)
        bad = [g for g in genders if g not in GENDERS]
        if bad:
            raise ValueError(f"unknown gender(s) {bad}; valid: {GENDERS}")
        frames, urls = [], []
        step = max(1, self.years_per_request)
        for i in range(0, len(years), step):
            params = [("indicator", int(indicator))]
            params += [("years", y) for y in years[i:i + step]]
            params += [("genders", g) for g in genders]
            res = self._get("json", params=params, validate=_validate_rows, **kw)
            frames.append(parse_data(res.data))
            urls.append(res.url)
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        frame.attrs.update({"indicator": int(indicator), "urls": urls})
        return frame

    def data_with_regions(self, indicator: int, years: Iterable[int],
                          genders: str | Iterable[str] = "total",
                          categories: Iterable[str] = ("KUNTA", "MAAKUNTA", "HYVINVOINTIALUE", "MAA"),
                          ) -> pd.DataFrame:
        """:meth:`data` joined to ``/regions``: adds ``region_code``, ``region_category`` and
        ``region_name``; keeps only the given categories."""
        frame = self.data(indicator, years, genders)
        regions = self.regions()
        categories = [c.upper() for c in categories]
        unknown = [c for c in categories if c not in set(regions["category"])]
        if unknown:
            raise SotkanetError(
                f"unknown region categories {unknown}; seen: {sorted(set(regions['category']))}"
            )
        reg = regions[regions["category"].isin(categories)][["region", "code", "category", "title_fi"]]
        reg = reg.rename(columns={"code": "region_code", "category": "region_category",
                                  "title_fi": "region_name"})
        out = frame.merge(reg, on="region", how="inner")
        out.attrs = dict(frame.attrs)
        return out


def _validate_rows(data) -> None:
    if not isinstance(data, list):
        raise ResponseFormatError("Sotkanet /json did not return a JSON array")
