"""Statistics Finland statistical-area boundaries from the geo.stat.fi WFS.

Layers ``tilastointialueet:<kind><scale>_<year>``: kinds ``kunta`` (municipalities),
``maakunta`` (regions), ``hyvinvointialue`` (wellbeing services counties); scales ``1000k``
(1:1,000,000) and ``4500k`` (1:4,500,000, much lighter). Requested as WFS 2.0.0 GetFeature
with ``outputFormat=application/json`` in the native CRS EPSG:3067 (ETRS-TM35FIN) and
returned as a GeoDataFrame in EPSG:3067 with the area code as a zero-padded string.

Licence: CC BY 4.0, "Lähde: Tilastokeskus" (Source: Statistics Finland).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd

from .http import HttpClient, HTTPStatusError, ResponseFormatError, SourceError

DEFAULT_BASE_URL = "https://geo.stat.fi/geoserver/tilastointialueet/wfs"
KINDS = {"kunta": 3, "maakunta": 2, "hyvinvointialue": 2}  # kind -> code width
SCALES = ("1000k", "4500k")
CRS = "EPSG:3067"


class GeoStatError(SourceError):
    """A WFS request problem (unknown layer, exception report, unusable features)."""


def layer_name(kind: str, year: int | None, scale: str = "4500k") -> str:
    """``tilastointialueet:kunta1000k_2026``; ``year=None`` gives the unversioned (latest) layer."""
    if kind not in KINDS:
        raise ValueError(f"unknown area kind {kind!r}; valid: {sorted(KINDS)}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; valid: {SCALES}")
    if year is None:
        return f"tilastointialueet:{kind}{scale}"
    year = int(year)
    if not 1990 <= year <= 2100:
        raise ValueError(f"implausible boundary year {year}")
    return f"tilastointialueet:{kind}{scale}_{year}"


def _exception_text(content: bytes) -> str | None:
    head = content[:4000].decode("utf-8", "replace")
    if "ExceptionReport" in head or "ServiceExceptionReport" in head:
        m = re.search(r"<(?:\w+:)?(?:ExceptionText|ServiceException)[^>]*>(.*?)</", head, re.S)
        return " ".join((m.group(1) if m else head[:300]).split())
    return None


def parse_features(payload, *, kind: str | None = None, crs: str = CRS):
    """GeoJSON (dict/str/bytes) or GML bytes -> GeoDataFrame in EPSG:3067.

    ``kind`` names the code column (``kunta``, ``maakunta``, ``hyvinvointialue``); when not
    given it is guessed from the properties. Codes are kept as strings; numeric codes are
    zero-padded to their official width (3 for kunta, 2 for maakunta/hyvinvointialue).
    ``crs`` is assumed when the payload does not state one.
    """
    import geopandas as gpd

    if isinstance(payload, (bytes, bytearray)) and bytes(payload).lstrip()[:1] == b"<":
        content = bytes(payload)
        err = _exception_text(content)
        if err:
            raise GeoStatError(f"WFS exception: {err}")
        frame = gpd.read_file(io.BytesIO(content))
        if frame.crs is None:
            frame = frame.set_crs(crs)
    else:
        data: Any = payload
        if isinstance(data, (bytes, bytearray)):
            data = bytes(data).decode("utf-8-sig")
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise ResponseFormatError(f"WFS GeoJSON is not valid JSON ({exc}); truncated?") from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise ResponseFormatError("WFS response is not a GeoJSON FeatureCollection")
        stated = ((data.get("crs") or {}).get("properties") or {}).get("name")
        src_crs = _crs_from_name(stated) if stated else crs
        features = data.get("features") or []
        frame = gpd.GeoDataFrame.from_features(features, crs=src_crs)
        ids = [f.get("id") for f in features]
        if any(ids) and "id" not in frame.columns:
            frame.insert(0, "fid", ids)
    if frame.crs is not None and frame.crs.to_epsg() != 3067:
        frame = frame.to_crs(CRS)
    kind = kind or next((k for k in KINDS if k in frame.columns), None)
    if kind is not None and kind in frame.columns:
        width = KINDS[kind]
        frame[kind] = frame[kind].map(lambda v: _code(v, width)).astype("str")
    if "vuosi" in frame.columns:
        frame["vuosi"] = pd.to_numeric(frame["vuosi"], errors="coerce").astype("Int64")
    return frame


def parse_feature_type(payload) -> list[tuple[str, str]]:
    """A DescribeFeatureType answer (XSD) -> ``[(field, xsd type), ...]`` in schema order.

    Used to confirm that a layer's code field is ``xsd:string`` (so "005" keeps its zeros).
    """
    import xml.etree.ElementTree as ET

    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    err = _exception_text(bytes(payload))
    if err:
        raise GeoStatError(f"WFS exception: {err}")
    try:
        root = ET.fromstring(payload)
    except ET.ParseError as exc:
        raise ResponseFormatError(f"DescribeFeatureType answer is not XML ({exc})") from None
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    seq = root.find(f".//{xsd}complexType//{xsd}sequence")
    if seq is None:
        raise ResponseFormatError("DescribeFeatureType answer has no element sequence")
    return [(el.get("name"), el.get("type")) for el in seq.findall(f"{xsd}element")]


def _code(value, width: int):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)).zfill(width)
    text = str(value).strip()
    return text.zfill(width) if text.isdigit() else text


def _crs_from_name(name: str) -> str:
    m = re.search(r"EPSG:{1,2}(\d+)", name, re.I)
    return f"EPSG:{m.group(1)}" if m else name


class GeoStat:
    """WFS client for geo.stat.fi statistical areas; ``base_url`` for mirrors / replay."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, http: HttpClient | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = http or HttpClient()

    def params(self, layer: str, srs: str = CRS, count: int | None = None) -> dict:
        p = {
            "service": "WFS",
            "version": "2.0.0",
            "request": "GetFeature",
            "typeNames": layer,
            "outputFormat": "application/json",
            "srsName": srs,
        }
        if count is not None:
            p["count"] = int(count)
        return p

    def get_layer(self, layer: str, *, kind: str | None = None, count: int | None = None):
        """GetFeature for a full layer name -> GeoDataFrame (attrs: layer, url, retrieved_at)."""
        try:
            res = self.http.get_bytes(self.base_url, params=self.params(layer, count=count),
                                      validate=_validate_wfs)
        except HTTPStatusError as exc:
            err = _exception_text(exc.body.encode("utf-8", "replace")) if exc.body else None
            raise GeoStatError(
                f"WFS GetFeature {layer} failed: HTTP {exc.status}" + (f": {err}" if err else "")
            ) from exc
        frame = parse_features(res.data, kind=kind)
        if frame.empty:
            raise GeoStatError(f"WFS layer {layer} returned no features")
        frame.attrs.update({"layer": layer, "url": res.url, "retrieved_at": res.retrieved_at})
        return frame

    def areas(self, kind: str, year: int | None, scale: str = "4500k", *, fallback_years: int = 0):
        """Boundaries of one kind and year; with ``fallback_years=n`` try up to n earlier years
        when the layer for ``year`` does not exist yet (the attrs say which year was used)."""
        errors = []
        for back in range(0, int(fallback_years) + 1):
            y = None if year is None else int(year) - back
            layer = layer_name(kind, y, scale)
            try:
                frame = self.get_layer(layer, kind=kind)
            except GeoStatError as exc:
                errors.append(str(exc))
                if year is None:
                    break
                continue
            frame.attrs["year"] = y
            return frame
        raise GeoStatError("; ".join(errors))


def _validate_wfs(content: bytes) -> None:
    err = _exception_text(content)
    if err:
        # An exception report is a definite answer, not a transient fault: raise a non-retried error.
        raise GeoStatError(f"WFS exception: {err}")
    if not content.lstrip().startswith(b"{"):
        raise ResponseFormatError(f"WFS returned something other than GeoJSON: {content[:120]!r}")
    try:
        json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResponseFormatError(f"WFS GeoJSON is not valid JSON ({exc}); truncated?") from None
