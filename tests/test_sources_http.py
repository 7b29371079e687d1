"""The shared HTTP layer against the local replay server: offline switch, cache, retries,
Retry-After, timeouts, malformed bodies, User-Agent and pacing (on an injected clock)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from replay import (
    SOTKANET_ROOT,
    FakeClock,
    ReplayServer,
    Reply,
    html_error_page,
    install_all,
    slow,
    status_reply,
    truncated,
)

from helpers.sources import http as H
from helpers.sources.http import (
    HttpClient,
    HTTPStatusError,
    OfflineError,
    RateLimiter,
    ResponseFormatError,
    RetryPolicy,
    SourceUnavailableError,
)

REGIONS = SOTKANET_ROOT + "/regions"


def regions_url(server):
    return server.url + REGIONS


# --------------------------------------------------------------------------- offline switch

def test_offline_refuses_remote_hosts_before_any_connection(http, network_blocked_error):
    assert H.offline_enabled()  # tests/conftest.py sets TURKU_WORKBOOKS_OFFLINE=1
    with pytest.raises(OfflineError, match="TURKU_WORKBOOKS_OFFLINE") as info:
        http.get_json("https://sotkanet.fi/rest/1.1/regions")
    assert "sotkanet.fi" in str(info.value)
    assert not isinstance(info.value, network_blocked_error)  # refused by us, not by the socket guard
    assert http.calls == []  # refused before any attempt


def test_offline_allows_loopback(server, http):
    res = http.get_json(regions_url(server))
    assert {r["id"] for r in res.data} >= {389, 489}


def test_offline_blocks_a_redirect_from_loopback_to_the_internet(server, http):
    server.route("GET", "/redirect-out",
                 Reply(status=302, headers={"Location": "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin"}))
    with pytest.raises(OfflineError, match="pxdata.stat.fi"):
        http.get_json(server.url + "/redirect-out")


def test_offline_switch_can_be_turned_off_for_a_process(monkeypatch):
    monkeypatch.setenv("TURKU_WORKBOOKS_OFFLINE", "0")
    assert not H.offline_enabled()
    monkeypatch.setenv("TURKU_WORKBOOKS_OFFLINE", "yes")
    assert H.offline_enabled()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://127.0.0.1:8080/x", True),
        ("http://127.5.6.7/x", True),
        ("http://[::1]:9000/x", True),
        ("http://localhost/x", True),
        ("https://pxdata.stat.fi/PxWeb", False),
        ("http://10.0.0.1/x", False),
        ("http://localhost.example.org/x", False),
    ],
)
def test_loopback_detection(url, expected):
    assert H.is_loopback_url(url) is expected


# --------------------------------------------------------------------------- cache

def test_cache_serves_repeat_requests_and_lives_where_configured(server, http, tmp_path):
    first = http.get_json(regions_url(server))
    second = http.get_json(regions_url(server))
    assert first.data == second.data
    assert (first.from_cache, second.from_cache) == (False, True)
    assert len(server.calls(REGIONS)) == 1
    assert http.cache_path == tmp_path / "cache" / "http_cache.sqlite"
    assert http.cache_path.exists()


def test_default_cache_location_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TURKU_WORKBOOKS_CACHE", str(tmp_path / "elsewhere"))
    assert H.default_cache_path() == (tmp_path / "elsewhere" / "http_cache.sqlite").resolve()
    assert HttpClient().cache_path == (tmp_path / "elsewhere" / "http_cache.sqlite").resolve()


def test_post_bodies_are_part_of_the_cache_key(server, http):
    url = server.url + "/PxWeb/api/v1/fi/StatFin/11re.px"
    q1 = {"query": [{"code": "alue_23_20260101", "selection": {"filter": "item", "values": ["KU853"]}},
                    {"code": "timeperiod_y", "selection": {"filter": "top", "values": ["1"]}}],
          "response": {"format": "json-stat2"}}
    q2 = {"query": [{"code": "alue_23_20260101", "selection": {"filter": "item", "values": ["KU202"]}},
                    {"code": "timeperiod_y", "selection": {"filter": "top", "values": ["1"]}}],
          "response": {"format": "json-stat2"}}
    a = http.post_json(url, q1)
    b = http.post_json(url, q2)
    a2 = http.post_json(url, q1)
    assert a.data["dimension"]["alue_23_20260101"]["category"]["index"] == {"KU853": 0}
    assert b.data["dimension"]["alue_23_20260101"]["category"]["index"] == {"KU202": 0}
    assert a2.from_cache and a2.data == a.data
    assert len(server.calls("/11re.px", "POST")) == 2


def test_refresh_bypasses_the_cache(server, http):
    http.get_json(regions_url(server))
    res = http.get_json(regions_url(server), refresh=True)
    assert not res.from_cache
    assert len(server.calls(REGIONS)) == 2


# --------------------------------------------------------------------------- retries

def test_429_honours_retry_after_then_recovers(server, http, clock):
    server.inject(REGIONS, status_reply(429, retry_after="7"))
    res = http.get_json(regions_url(server))
    assert any(r["code"] == "853" for r in res.data)
    assert res.attempts == 2
    assert clock.sleeps == [7.0]
    assert [r.status for r in server.calls(REGIONS)] == [429, 200]


def test_retry_after_as_http_date():
    now = datetime(2026, 6, 12, 10, 0, 0, tzinfo=UTC)
    stamp = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert H.parse_retry_after(stamp, now=now) == pytest.approx(30.0)
    assert H.parse_retry_after("12") == 12.0
    assert H.parse_retry_after("soon") is None
    assert H.parse_retry_after(None) is None


def test_retry_after_longer_than_allowed_fails_clearly(server, http):
    server.inject(REGIONS, status_reply(429, retry_after="3600"))
    with pytest.raises(SourceUnavailableError, match=r"asks to wait 3600 s"):
        http.get_json(regions_url(server))


def test_burst_of_503_backs_off_exponentially_and_recovers(server, http, clock):
    server.inject(REGIONS, *[status_reply(503)] * 3)
    res = http.get_json(regions_url(server))
    assert len(res.data) == 7
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert [r.status for r in server.calls(REGIONS)] == [503, 503, 503, 200]


def test_persistent_503_fails_with_clear_error_and_is_not_cached(server, http):
    server.inject(REGIONS, *[status_reply(503, body="Service Unavailable")] * 4)
    with pytest.raises(SourceUnavailableError, match=r"HTTP 503 4 times in a row"):
        http.get_json(regions_url(server))
    res = http.get_json(regions_url(server))  # the server works again: nothing stale was cached
    assert not res.from_cache and len(res.data) == 7
    assert len(server.calls(REGIONS)) == 5


def test_client_errors_are_not_retried(server, http):
    with pytest.raises(HTTPStatusError) as info:
        http.get_json(server.url + "/no/such/path")
    assert info.value.status == 404
    assert len(server.calls("/no/such/path")) == 1


def test_slow_response_times_out_then_recovers(server, tmp_path, clock):
    client = HttpClient(cache_path=tmp_path / "c.sqlite", clock=clock, timeout=(2.0, 0.5),
                        retry=RetryPolicy(max_attempts=3))
    server.inject(REGIONS, slow(1.5))
    res = client.get_json(regions_url(server))
    assert len(res.data) == 7 and res.attempts == 2  # gave up on the slow answer at the read timeout
    assert "timed out" in client.calls[0]["error"]


def test_response_slower_than_timeout_every_time_fails_clearly(server, tmp_path, clock):
    client = HttpClient(cache_path=tmp_path / "c.sqlite", clock=clock, timeout=(2.0, 0.5),
                        retry=RetryPolicy(max_attempts=2))
    server.inject(REGIONS, slow(1.5), slow(1.5))
    with pytest.raises(SourceUnavailableError, match=r"timed out after 2 attempts"):
        client.get_json(regions_url(server))


def test_truncated_json_is_retried_and_never_cached(server, http):
    server.inject(REGIONS, truncated(120))
    res = http.get_json(regions_url(server))
    assert len(res.data) == 7 and res.attempts == 2
    again = http.get_json(regions_url(server))
    assert again.from_cache and again.data == res.data


def test_persistently_truncated_json_fails_clearly(server, http):
    server.inject(REGIONS, *[truncated(300)] * 4)
    with pytest.raises(ResponseFormatError, match=r"invalid JSON .*truncated"):
        http.get_json(regions_url(server))
    res = http.get_json(regions_url(server))
    assert not res.from_cache and len(res.data) == 7


def test_html_error_page_with_status_200_is_rejected_and_not_cached(server, http):
    server.inject(REGIONS, *[html_error_page(200)] * 4)
    with pytest.raises(ResponseFormatError, match=r"HTML page \(HTTP 200\).*Palvelu ei ole"):
        http.get_json(regions_url(server))
    res = http.get_json(regions_url(server))
    assert not res.from_cache and len(res.data) == 7


# --------------------------------------------------------------------------- User-Agent

def test_client_identifies_itself(server, http):
    http.get_json(regions_url(server))
    ua = server.calls(REGIONS)[0].headers["User-Agent"]
    assert ua.startswith("turku-workbooks/")


def test_replayed_sotkanet_refuses_requests_without_user_agent(server):
    r = requests.get(regions_url(server), headers={"User-Agent": None}, timeout=5)
    assert r.status_code == 403


def test_missing_user_agent_gives_a_clear_error(server, tmp_path, clock):
    client = HttpClient(cache_path=tmp_path / "c.sqlite", clock=clock)
    client.session.headers.pop("User-Agent")
    with pytest.raises(HTTPStatusError, match="no User-Agent") as info:
        client.get_json(regions_url(server))
    assert info.value.status == 403


def test_empty_user_agent_is_refused_up_front():
    with pytest.raises(ValueError, match="403"):
        HttpClient(cache=False, user_agent=" ")


def test_user_agent_can_be_configured(monkeypatch):
    monkeypatch.setenv("TURKU_WORKBOOKS_CONTACT", "data@example.org")
    assert "contact: data@example.org" in H.default_user_agent()
    monkeypatch.setenv("TURKU_WORKBOOKS_USER_AGENT", "mirror-bot/1.0")
    assert H.default_user_agent() == "mirror-bot/1.0"


# --------------------------------------------------------------------------- pacing

def _max_in_window(times, period):
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= period:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_rate_limiter_keeps_to_40_calls_per_60_seconds():
    clock = FakeClock()
    limiter = RateLimiter(40, 60.0, clock=clock)
    for _ in range(130):
        limiter.acquire()
    assert _max_in_window(limiter.history, 60.0) == 40
    assert clock.monotonic() - 1000.0 == pytest.approx(180.0)  # 130 calls need three full windows


def test_rate_limiter_rejects_nonsense():
    with pytest.raises(ValueError):
        RateLimiter(0, 60)


def test_pacing_against_a_server_that_enforces_the_limit(tmp_path):
    clock = FakeClock()
    srv = install_all(ReplayServer(clock=clock, rate_limit=(40, 60.0))).start()
    try:
        client = HttpClient(cache=False, clock=clock, rate_limit=(40, 60.0),
                            retry=RetryPolicy(max_attempts=1))
        t0 = time.perf_counter()
        for i in range(100):
            client.get_json(srv.url + REGIONS, params={"n": i})
        wall = time.perf_counter() - t0
        statuses = [r.status for r in srv.requests]
        assert statuses.count(200) == 100 and 429 not in statuses
        assert _max_in_window([r.clock for r in srv.requests], 60.0) <= 40
        assert wall < 10  # simulated minutes, real milliseconds
    finally:
        srv.stop()


def test_cache_hits_do_not_use_up_the_pacing_budget(server, tmp_path, clock):
    client = HttpClient(cache_path=tmp_path / "c.sqlite", clock=clock, rate_limit=(2, 60.0))
    for _ in range(10):
        client.get_json(regions_url(server))
    assert len(client.limiter.history) == 1
    assert clock.sleeps == []
