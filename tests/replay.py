"""A local HTTP replay server for the live-client tests (127.0.0.1, random port).

It serves the real responses in ``tests/fixtures/{statfin,sotkanet,geostat}/`` at the same
paths as the real services, so every client is tested by pointing its ``base_url`` here:

    StatFin   http://127.0.0.1:<port>/PxWeb/api/v1         (fi/StatFin/...)
    Sotkanet  http://127.0.0.1:<port>/rest/1.1
    GeoStat   http://127.0.0.1:<port>/geoserver/tilastointialueet/wfs

and injects faults on demand: ``server.inject(path, Reply(...), ...)`` queues replies that are
used, in order, by the next requests to ``path`` before the normal route answers again.

HAND-MADE / SYNTHETIC material built here (test scaffolding, never data; never pinned):
- ``synthetic_jsonstat2``: StatFin answers for queries that have no real recorded answer
  (split queries, hand-made tables). Every value is a code, not a statistic: it encodes the
  position of the cell's categories in the table metadata, so a test can check that split
  answers are reassembled correctly.
- ``HANDMADE_INDICATORS``: a small Sotkanet ``/indicators`` list in the documented item
  layout, built from id/title pairs verified in the reference material, plus one duplicated
  title (ids 900001/900002, which do not exist in Sotkanet) for the ambiguity test.
- ``HANDMADE_INDICATOR_127``: ``/indicators/127`` metadata reduced to the keys the client
  reads; ``range`` is set to 2023-2023, the only year the replayed ``/json`` fixture holds.
- ``ALYR_FOLDER`` / ``alyr_metadata``: an ``alyr`` folder listing and a table metadata in the
  documented PxWeb layout for the refresh tests (the table ids 13wv ... 13wz are from a 2025
  listing; titles, variable codes and value lists here are invented for the test).
"""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STATFIN_ROOT = "/PxWeb/api/v1"
SOTKANET_ROOT = "/rest/1.1"
WFS_PATH = "/geoserver/tilastointialueet/wfs"


def fixture_bytes(folder: str, name: str) -> bytes:
    return (FIXTURES / folder / name).read_bytes()


def fixture_json(folder: str, name: str):
    return json.loads(fixture_bytes(folder, name).decode("utf-8"))


# --------------------------------------------------------------------------- clock

class FakeClock:
    """Injectable clock: ``sleep`` advances ``monotonic`` at once and records the wait."""

    def __init__(self, start: float = 1000.0):
        self._now = float(start)
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(float(seconds))
            if seconds > 0:
                self._now += float(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += float(seconds)


# --------------------------------------------------------------------------- replies

@dataclass
class Reply:
    """One canned answer. With ``passthrough=True`` the normal route answers, after ``delay``
    seconds and cut to ``truncate_to`` bytes (Content-Length then matches the cut body)."""

    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None
    passthrough: bool = False

    def encoded(self) -> tuple[bytes, dict]:
        body, headers = self.body, dict(self.headers)
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        return body, headers


def json_reply(obj, status: int = 200) -> Reply:
    return Reply(status=status, body=obj)


def raw_reply(data: bytes, content_type: str, status: int = 200) -> Reply:
    return Reply(status=status, body=data, headers={"Content-Type": content_type})


def status_reply(status: int, retry_after: str | None = None, body: str = "") -> Reply:
    headers = {"Content-Type": "text/plain; charset=UTF-8"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return Reply(status=status, body=body or f"HTTP {status}", headers=headers)


def slow(seconds: float) -> Reply:
    return Reply(passthrough=True, delay=seconds)


def truncated(n_bytes: int) -> Reply:
    return Reply(passthrough=True, truncate_to=n_bytes)


def html_error_page(status: int = 200) -> Reply:
    page = ("<!DOCTYPE html><html><head><title>Palvelukatko</title></head><body>"
            "<h1>Palvelu ei ole käytettävissä</h1><p>Service temporarily unavailable.</p></body></html>")
    return Reply(status=status, body=page, headers={"Content-Type": "text/html; charset=UTF-8"})


def wfs_exception(text: str, status: int = 200) -> Reply:
    xml = ('<?xml version="1.0" encoding="UTF-8"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" '
           'version="2.0.0"><ows:Exception exceptionCode="InvalidParameterValue" locator="typeName">'
           f"<ows:ExceptionText>{text}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>")
    return Reply(status=status, body=xml, headers={"Content-Type": "application/xml"})


# --------------------------------------------------------------------------- server

@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    body: bytes
    headers: dict
    clock: float  # the injected clock's time when the request arrived
    status: int = 0


Route = Callable[["Recorded"], Reply]


class ReplayServer:
    """Threaded HTTP server on 127.0.0.1 with routes, fault queues and a request log.

    ``rate_limit=(calls, seconds)`` makes it answer 429 (``Retry-After: 10``) when more calls
    than allowed arrive within the window, measured on ``clock`` (a :class:`FakeClock`).
    """

    def __init__(self, clock: FakeClock | None = None, rate_limit: tuple[int, float] | None = None):
        self.clock = clock or FakeClock()
        self.rate_limit = rate_limit
        self.routes: list[tuple[str, re.Pattern, Route]] = []
        self.faults: dict[str, deque] = {}
        self.requests: list[Recorded] = []
        self._window: deque[float] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- set-up -------------------------------------------------------------
    def route(self, method: str, path_regex: str, handler: Route | Reply) -> None:
        fn = handler if callable(handler) else (lambda req, r=handler: r)
        self.routes.append((method.upper(), re.compile(path_regex + r"$"), fn))

    def inject(self, path: str, *replies: Reply, method: str | None = None) -> None:
        """Queue replies for the next requests to ``path`` (only ``method`` ones if given)."""
        with self._lock:
            self.faults.setdefault((method.upper() if method else "*", path), deque()).extend(replies)

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> ReplayServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def setup(self):
                super().setup()  # no Nagle: headers and body go out without a delayed-ACK stall
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _handle(self):
                server._dispatch(self)

            do_GET = do_POST = do_HEAD = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- log helpers -----------------------------------------------------------
    def calls(self, path_fragment: str = "", method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if path_fragment in r.path and (method is None or r.method == method)]

    # -- dispatch ----------------------------------------------------------------
    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        rec = Recorded(
            method=h.command, path=parts.path, query=parse_qs(parts.query, keep_blank_values=True),
            body=body, headers={k: v for k, v in h.headers.items()}, clock=self.clock.monotonic(),
        )
        with self._lock:
            self.requests.append(rec)
            fault = None
            for key in ((h.command, parts.path), ("*", parts.path)):
                queue = self.faults.get(key)
                if queue:
                    fault = queue.popleft()
                    break
            limited = self._rate_limited(rec.clock)
        if limited:
            reply = status_reply(429, retry_after="10", body="Too many requests")
        elif fault is not None and not fault.passthrough:
            reply = fault
        else:
            reply = self._route(rec)
            if fault is not None:
                reply = Reply(status=reply.status, body=reply.body, headers=reply.headers,
                              delay=fault.delay, truncate_to=fault.truncate_to)
        rec.status = reply.status
        self._send(h, reply)

    def _rate_limited(self, now: float) -> bool:
        if not self.rate_limit:
            return False
        calls, period = self.rate_limit
        while self._window and now - self._window[0] >= period:
            self._window.popleft()
        if len(self._window) >= calls:
            return True
        self._window.append(now)
        return False

    def _route(self, rec: Recorded) -> Reply:
        for method, rx, fn in self.routes:
            if rec.method == method and rx.match(rec.path):
                return fn(rec)
        return status_reply(404, body=f"no route for {rec.method} {rec.path}")

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, reply: Reply) -> None:
        body, headers = reply.encoded()
        if reply.truncate_to is not None:
            body = body[: reply.truncate_to]
        if reply.delay:
            time.sleep(reply.delay)
        try:
            h.send_response(reply.status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)


# =========================================================================== StatFin

LEGACY_ID = re.compile(r"statfin_[a-z0-9]+_pxt_[0-9a-z]+(\.px)?$")


def synthetic_jsonstat2(meta: dict, body: dict, table_id: str, updated: str = "2026-04-01T05:00:00Z") -> dict:
    """SYNTHETIC json-stat2 answer to ``body`` for a table described by ``meta`` (see module doc).

    value = sum over the returned dimensions of (metadata index of the category) * 1000**rank,
    rank counted from the last dimension. Not a statistic.
    """
    query = {q["code"]: q["selection"] for q in body.get("query", [])}
    ids, sizes, dims = [], [], {}
    for var in meta["variables"]:
        code, values = var["code"], var["values"]
        sel = query.get(code)
        if sel is None:
            if var.get("elimination"):
                continue
            chosen = list(values)
        elif sel["filter"] == "all":
            chosen = list(values)
        elif sel["filter"] == "top":
            chosen = list(values[-int(sel["values"][0]):])
        else:
            wanted = set(sel["values"])
            unknown = wanted - set(values)
            if unknown:
                raise ValueError(f"unknown values {sorted(unknown)} for {code}")
            chosen = [v for v in values if v in wanted]
        texts = dict(zip(values, var.get("valueTexts", values)))
        ids.append(code)
        sizes.append(len(chosen))
        dims[code] = {
            "label": var.get("text", code),
            "category": {"index": {c: i for i, c in enumerate(chosen)},
                         "label": {c: texts[c] for c in chosen}},
            "_meta_index": [values.index(c) for c in chosen],
        }
    n = math.prod(sizes)
    # value of each cell, row-major (last dimension fastest)
    values_out = [0] * n
    strides = [math.prod(sizes[k + 1:]) for k in range(len(sizes))]
    for cell in range(n):
        v = 0
        for k, code in enumerate(ids):
            pos = (cell // strides[k]) % sizes[k]
            v += dims[code]["_meta_index"][pos] * 1000 ** (len(ids) - 1 - k)
        values_out[cell] = v
    for d in dims.values():
        d.pop("_meta_index")
    return {
        "version": "2.0", "class": "dataset", "label": meta.get("title", ""),
        "source": "SYNTHETIC test answer (tests/replay.py)", "updated": updated,
        "role": {}, "id": ids, "size": sizes, "dimension": dims,
        "extension": {"px": {"tableid": table_id}}, "value": values_out,
    }


def synthetic_value(meta: dict, codes: dict[str, str], returned: list[str]) -> int:
    """The value ``synthetic_jsonstat2`` gives the cell with these category codes."""
    by_code = {v["code"]: v["values"] for v in meta["variables"]}
    return sum(by_code[c].index(codes[c]) * 1000 ** (len(returned) - 1 - k) for k, c in enumerate(returned))


ALYR_FOLDER = [  # HAND-MADE listing in the documented layout (ids from a 2025 listing; titles invented)
    {"id": "13wv.px", "type": "t", "text": "13wv -- Yritysten toimipaikat toimialoittain koko maassa (TEST)", "updated": "2026-05-20T08:00:00"},
    {"id": "13wy.px", "type": "t", "text": "13wy -- Yritysten toimipaikat, henkilöstö ja liikevaihto toimialoittain maakunnittain (TEST)", "updated": "2026-05-20T08:00:00"},
    {"id": "13wz.px", "type": "t", "text": "13wz -- Yritysten toimipaikat, henkilöstö ja liikevaihto toimialoittain kunnittain (TEST)", "updated": "2026-05-20T08:00:00"},
]


def alyr_metadata(areas: list[str], area_texts: list[str]) -> dict:
    """HAND-MADE PxWeb metadata for a test table with area, industry, year and content."""
    return {
        "title": "TEST table (hand-made)",
        "variables": [
            {"code": "alue_31_20260101", "text": "Alue", "values": areas, "valueTexts": area_texts, "elimination": True},
            {"code": "toimiala_1_20080101", "text": "Toimiala (TOL 2008)",
             "values": ["SSS", "21", "26", "62"],
             "valueTexts": ["Kaikki toimialat", "TEST 21", "TEST 26", "TEST 62"], "elimination": True},
            {"code": "timeperiod_y", "text": "Vuosi", "values": ["2022", "2023", "2024"],
             "valueTexts": ["2022", "2023", "2024"], "time": True},
            {"code": "contentscode", "text": "Tiedot", "values": ["alyr-toimipaikat", "alyr-henkilosto"],
             "valueTexts": ["Toimipaikat (TEST)", "Henkilöstö (TEST)"]},
        ],
    }


def install_statfin(server: ReplayServer, *, max_cells: int = 120_000) -> ReplayServer:
    base = STATFIN_ROOT + "/fi/StatFin"
    meta_11re = fixture_json("statfin", "11re_metadata.response.json")
    real = []
    for stem in ("11re_finland_top3", "11re_three_cities", "11re_helsinki_top5"):
        req = json.loads(fixture_bytes("statfin", f"{stem}.request.json"))
        real.append((req, fixture_bytes("statfin", f"{stem}.response.json")))
    alyr_regions = alyr_metadata(["SSS", "MK01", "MK02"], ["KOKO MAA", "Uusimaa", "Varsinais-Suomi"])
    alyr_munis = alyr_metadata(["SSS", "KU853", "KU202"], ["KOKO MAA", "Turku", "Kaarina"])
    tables = {"11re": meta_11re, "13wy": alyr_regions, "13wz": alyr_munis, "13wv": alyr_metadata(["SSS"], ["KOKO MAA"])}

    def table_of(path: str) -> str | None:
        m = re.search(r"/([0-9a-z]+)\.px$", path)
        return m.group(1) if m else None

    def legacy(rec):
        return Reply(status=400, body="Parameter error", headers={"Content-Type": "text/plain"})

    def get_meta(rec):
        tid = table_of(rec.path)
        if tid not in tables:
            return status_reply(404, body="Not found")
        return json_reply(tables[tid])

    def post(rec):
        tid = table_of(rec.path)
        if tid not in tables:
            return status_reply(404, body="Not found")
        try:
            body = json.loads(rec.body)
        except json.JSONDecodeError:
            return status_reply(400, body="Parameter error")
        for req, resp in real:
            if tid == "11re" and body == req:
                return raw_reply(resp, "application/json; charset=UTF-8")
        try:
            data = synthetic_jsonstat2(tables[tid], body, tid)
        except ValueError as exc:
            return status_reply(400, body=str(exc))
        if math.prod(data["size"]) > max_cells:
            return status_reply(403, body="Too many values selected")
        return json_reply(data)

    server.route("GET", re.escape(base) + r"/.*statfin_[a-z0-9]+_pxt_[0-9a-z]+(\.px)?", legacy)
    server.route("POST", re.escape(base) + r"/.*statfin_[a-z0-9]+_pxt_[0-9a-z]+(\.px)?", legacy)
    server.route("GET", re.escape(base) + "/vaerak", json_reply(fixture_json("statfin", "vaerak_folder.response.json")))
    server.route("GET", re.escape(base) + "/alyr", json_reply(ALYR_FOLDER))
    server.route("GET", re.escape(base) + r"(/[a-z]+)?/[0-9a-z]+\.px", get_meta)
    server.route("POST", re.escape(base) + r"(/[a-z]+)?/[0-9a-z]+\.px", post)
    return server


# =========================================================================== Sotkanet

def _title(fi, en=None, sv=None):
    return {"fi": fi, "en": en or fi, "sv": sv or fi}


_THL = {"id": 2, "title": _title("Terveyden ja hyvinvoinnin laitos (THL)")}
_TK = {"id": 3, "title": _title("Tilastokeskus", "Statistics Finland", "Statistikcentralen")}

HANDMADE_INDICATORS = [  # HAND-MADE list, documented item layout; id/title pairs verified in reference material
    {"id": 5, "title": _title("Toimeentulotukea saaneet 25 - 64-vuotiaat, % vastaavan ikäisestä väestöstä"), "organization": _THL},
    {"id": 127, "title": _title("Väestö 31.12."), "organization": _TK},
    {"id": 186, "title": _title("Kuolleisuus / 100 000 asukasta", "Mortality per 100 000 inhabitants",
                                "Dödlighet / 100 000 invånare"), "organization": _TK},
    {"id": 322, "title": _title("Kuolleisuus 65 vuotta täyttäneillä / 100 000 vastaavan ikäistä"), "organization": _TK},
    # deliberately duplicated title (ids that do not exist in Sotkanet) for the ambiguity test
    {"id": 900001, "title": _title("TEST kaksoisnimi"), "organization": _THL},
    {"id": 900002, "title": _title("TEST kaksoisnimi"), "organization": _TK},
]

HANDMADE_INDICATOR_127 = {  # HAND-MADE, reduced metadata; range cut to the replayed year
    "id": 127, "data-updated": "2024-04-26", "range": {"start": 2023, "end": 2023},
    "title": _title("Väestö 31.12."), "organization": _TK, "decimals": 0,
}


def install_sotkanet(server: ReplayServer) -> ReplayServer:
    base = SOTKANET_ROOT
    rows = []
    for name in ("json_indicator127_2023_trimmed.json", "json_indicator171_2019_2023_trimmed.json",
                 "json_indicator5513_2023_trimmed.json"):
        rows.extend(fixture_json("sotkanet", name))
    single = {
        ("127", ("2023",), ("total",)): fixture_bytes("sotkanet", "json_indicator127_2023_trimmed.json"),
        ("171", ("2019", "2023"), ("total",)): fixture_bytes("sotkanet", "json_indicator171_2019_2023_trimmed.json"),
        ("5513", ("2023",), ("total",)): fixture_bytes("sotkanet", "json_indicator5513_2023_trimmed.json"),
    }

    def need_ua(fn):
        def wrapped(rec):
            ua = rec.headers.get("User-Agent", "").strip()
            # No User-Agent, or only a library default (urllib3 adds "python-urllib3/x" when
            # a request sets none): Sotkanet answers 403 to such anonymous requests.
            if not ua or ua.startswith(("python-urllib3/", "python-requests/")):
                return Reply(status=403, body="<html><body><h1>403 Forbidden</h1></body></html>",
                             headers={"Content-Type": "text/html"})
            return fn(rec)
        return wrapped

    def data(rec):
        ind = rec.query.get("indicator", [""])[0]
        years = tuple(rec.query.get("years", []))
        genders = tuple(rec.query.get("genders", []))
        key = (ind, years, genders)
        if key in single:  # the exact recorded request: the recorded bytes
            return raw_reply(single[key], "application/json;charset=UTF-8")
        out = [r for r in rows if str(r["indicator"]) == ind and str(r["year"]) in years
               and r["gender"] in genders]
        return json_reply(out)

    def indicator(rec):
        ind = rec.path.rsplit("/", 1)[-1]
        if ind == "186":
            return raw_reply(fixture_bytes("sotkanet", "indicator_186_metadata_as_saved_by_hus-sotkanet.json"),
                             "application/json;charset=UTF-8")
        if ind == "127":
            return json_reply(HANDMADE_INDICATOR_127)
        return status_reply(404, body="Not found")

    server.route("GET", re.escape(base) + "/regions",
                 need_ua(lambda rec: raw_reply(fixture_bytes("sotkanet", "regions_trimmed.json"),
                                               "application/json;charset=UTF-8")))
    server.route("GET", re.escape(base) + "/indicators", need_ua(lambda rec: json_reply(HANDMADE_INDICATORS)))
    server.route("GET", re.escape(base) + r"/indicators/\d+", need_ua(indicator))
    server.route("GET", re.escape(base) + "/json", need_ua(data))
    return server


# =========================================================================== GeoStat

def install_geostat(server: ReplayServer, *, unknown_status: int = 200) -> ReplayServer:
    geojson = fixture_bytes("geostat", "getfeature_kunta4500k_2019_first6.DERIVED.geojson")

    def wfs(rec):
        layer = (rec.query.get("typeNames") or rec.query.get("typeName") or [""])[0]
        if rec.query.get("request", [""])[0] != "GetFeature":
            return wfs_exception("only GetFeature is replayed", status=400)
        if layer == "tilastointialueet:kunta4500k_2019":
            return raw_reply(geojson, "application/json;charset=UTF-8")
        return wfs_exception(f"Feature type {layer} unknown", status=unknown_status)

    server.route("GET", re.escape(WFS_PATH), wfs)
    return server


def install_all(server: ReplayServer) -> ReplayServer:
    install_statfin(server)
    install_sotkanet(server)
    install_geostat(server)
    return server


# =========================================================================== pytest fixtures
# Import these names into a test module (``from replay import clock, server, http``).

import pytest  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock):
    srv = install_all(ReplayServer(clock=clock)).start()
    yield srv
    srv.stop()


@pytest.fixture
def http(tmp_path, clock):
    from helpers.sources.http import HttpClient, RetryPolicy

    client = HttpClient(cache_path=tmp_path / "cache" / "http_cache.sqlite", clock=clock,
                        timeout=(2.0, 2.0), retry=RetryPolicy(max_attempts=4))
    yield client
    client.close()
