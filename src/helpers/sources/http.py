"""The shared HTTP layer of the live clients.

One :class:`HttpClient` wraps a ``requests`` session and adds, in this order for every call:

1. **Offline switch.** With ``TURKU_WORKBOOKS_OFFLINE=1`` (the test suite sets it, and so do
   the notebook kernels it starts) any request to a host that is not loopback raises
   :class:`OfflineError` at once -- before the cache is consulted, so that a run never depends
   on what happens to be in somebody's cache. Loopback URLs (``127.0.0.0/8``, ``::1``,
   ``localhost``) stay allowed so tests and local mirrors can use a replay server. The check
   runs again in the transport adapter, so a loopback server cannot redirect the client to
   the internet either.
2. **Persistent cache** (requests-cache, SQLite, default ``data/cache/http_cache.sqlite``;
   the folder follows ``TURKU_WORKBOOKS_CACHE`` or the ``cache_path`` argument). GET, HEAD
   and POST are cached (the key includes the POST body, so StatFin queries are cached per
   query). Only ``200`` responses that are not HTML pages are written; a body that then
   fails to parse (truncated JSON, say) is deleted again, so an error is never cached.
3. **Pacing.** A sliding-window limiter (``rate_limit=(calls, seconds)``) spaces the calls that
   actually reach the network (cache hits are free); StatFin allows 40 calls per 60 s. The
   clock and sleep function are injectable, so tests run in milliseconds.
4. **Timeouts** ``(connect, read)`` on every call.
5. **Retries** with exponential backoff on connection errors, timeouts, 429 and 5xx, and on
   bodies that do not parse; ``Retry-After`` (seconds or an HTTP date) is honoured, up to
   ``RetryPolicy.max_retry_after``. Other 4xx answers fail at once with
   :class:`HTTPStatusError`.
6. **User-Agent** identifying the project (Sotkanet answers 403 without one). Override with
   ``user_agent=`` or ``TURKU_WORKBOOKS_USER_AGENT``; add a contact address with
   ``TURKU_WORKBOOKS_CONTACT``.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from .. import paths, settings

OFFLINE_ENV = settings.OFFLINE_ENV
USER_AGENT_ENV = settings.USER_AGENT_ENV
CONTACT_ENV = settings.CONTACT_ENV
CACHE_FILE_NAME = "http_cache.sqlite"

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


# --------------------------------------------------------------------------- errors

class SourceError(RuntimeError):
    """Base class of every error raised by the live clients."""


class OfflineError(SourceError):
    """A request to a non-loopback host was attempted while the offline switch is on."""


class HTTPStatusError(SourceError):
    """The server answered with an error status that is not worth retrying (e.g. 400, 403, 404)."""

    def __init__(self, message: str, *, status: int, url: str, body: str = ""):
        super().__init__(message)
        self.status = status
        self.url = url
        self.body = body


class SourceUnavailableError(SourceError):
    """The source could not be reached or kept failing (connection errors, timeouts, 429, 5xx)."""


class HostUnreachableError(SourceUnavailableError):
    """The host cannot be reached at all (its name does not resolve, or it refuses the
    connection): after one short retry the host is taken as down for the rest of the run, and
    later requests to it fail at once."""

    def __init__(self, message: str, *, host: str):
        super().__init__(message)
        self.host = host


#: hosts found unreachable in this process (``host -> reason``); cleared by reset_unreachable()
_DOWN_HOSTS: dict[str, str] = {}
_UNREACHABLE_MARKERS = (
    "NameResolutionError", "Failed to resolve", "Name or service not known", "nodename nor servname",
    "Temporary failure in name resolution", "No address associated", "getaddrinfo failed",
    "Connection refused", "Errno 111", "Network is unreachable", "No route to host",
)
OFFLINE_HINT = ("check the connection (e.g. `curl -sI https://pxdata.stat.fi`), or set "
                "TURKU_WORKBOOKS_OFFLINE=1 to skip the network and work from the pinned snapshot")


def reset_unreachable() -> None:
    """Forget the hosts found unreachable (at the start of a refresh)."""
    _DOWN_HOSTS.clear()


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _unreachable_reason(exc: BaseException) -> str:
    text = f"{exc!r} {exc}".lower()
    if "refused" in text or "errno 111" in text:
        return "connection refused"
    if "unreachable" in text or "no route" in text:
        return "network unreachable"
    return "cannot resolve the host name"


def _is_unreachable(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc!r} {exc}"
    return not isinstance(exc, requests.Timeout) and any(m in text for m in _UNREACHABLE_MARKERS)


class ResponseFormatError(SourceError):
    """The body is not what was asked for (an HTML error page, truncated or invalid JSON)."""


# --------------------------------------------------------------------------- helpers

def load_json_payload(payload, error: type[ResponseFormatError] = ResponseFormatError,
                      what: str = "payload") -> Any:
    """A parsed JSON document from ``payload`` (bytes, str, or already-parsed data).

    Bytes are decoded as UTF-8 (a BOM is tolerated); invalid JSON raises ``error`` naming
    ``what`` and the parser's message, which usually means a truncated response.
    """
    if isinstance(payload, (bytes, bytearray, memoryview)):
        payload = bytes(payload).decode("utf-8-sig")
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except json.JSONDecodeError as exc:
            raise error(f"{what} is not valid JSON ({exc}); truncated response?") from None
    return payload


def offline_enabled() -> bool:
    """True when ``TURKU_WORKBOOKS_OFFLINE`` is set to 1/true/yes/on."""
    return settings.flag(OFFLINE_ENV, False)


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs whose host is a loopback address or ``localhost``."""
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def default_user_agent() -> str:
    """``turku-workbooks/<version> (...)``, or ``TURKU_WORKBOOKS_USER_AGENT`` when set."""
    env = settings.get(USER_AGENT_ENV)
    if env:
        return env
    from .. import __version__

    contact = settings.get(CONTACT_ENV)
    extra = f"; contact: {contact}" if contact else ""
    return (
        f"turku-workbooks/{__version__} (open-data research workbooks for Turku and "
        f"Varsinais-Suomi{extra}) python-requests/{requests.__version__}"
    )


def default_cache_path() -> Path:
    return paths.cache_dir() / CACHE_FILE_NAME


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/bad."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class SystemClock:
    """Real time: ``monotonic()`` and ``sleep()`` from :mod:`time`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class RateLimiter:
    """Sliding-window pacing: at most ``max_calls`` calls in any ``period`` seconds.

    ``acquire()`` blocks (through ``clock.sleep``) until a call is allowed and records it.
    ``history`` keeps the clock time of every call made, for inspection by tests.
    """

    def __init__(self, max_calls: int, period: float, clock=None):
        if int(max_calls) < 1 or float(period) <= 0:
            raise ValueError(f"rate limit must be >= 1 call per > 0 s, got {max_calls} per {period}")
        self.max_calls = int(max_calls)
        self.period = float(period)
        self.clock = clock or SystemClock()
        self._window: deque[float] = deque()
        self._lock = threading.Lock()
        self.history: list[float] = []

    def acquire(self) -> float:
        with self._lock:
            while True:
                now = self.clock.monotonic()
                while self._window and now - self._window[0] >= self.period:
                    self._window.popleft()
                if len(self._window) < self.max_calls:
                    self._window.append(now)
                    self.history.append(now)
                    return now
                self.clock.sleep(self.period - (now - self._window[0]))


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Delays: ``backoff * factor**(attempt-1)``, capped."""

    max_attempts: int = 5
    backoff: float = 1.0
    factor: float = 2.0
    max_backoff: float = 60.0
    max_retry_after: float = 300.0
    retry_statuses: tuple[int, ...] = (429, 500, 502, 503, 504)
    #: the one retry an unreachable host gets (a name that does not resolve fails instantly)
    unreachable_retry_delay: float = 0.5

    def delay(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * self.factor ** max(0, attempt - 1))


@dataclass
class HttpResult:
    """A successful response: the parsed body plus what provenance needs."""

    data: Any
    url: str
    status: int
    from_cache: bool
    retrieved_at: str
    headers: dict = field(default_factory=dict)
    attempts: int = 1


def _check_offline(url: str) -> None:
    if offline_enabled() and not is_loopback_url(url):
        host = urlsplit(url).hostname or url
        raise OfflineError(
            f"offline mode ({OFFLINE_ENV}=1): refusing to contact {host} ({url}). Work from the "
            f"pinned snapshot (helpers.snapshot), point the client at a local mirror on "
            f"127.0.0.1, or unset {OFFLINE_ENV} to go online."
        )


class _GuardedAdapter(HTTPAdapter):
    """Transport adapter: offline check and pacing for every request that reaches the network."""

    def __init__(self, limiter: RateLimiter | None, *args, **kwargs):
        self._limiter = limiter
        super().__init__(*args, **kwargs)

    def send(self, request, *args, **kwargs):
        _check_offline(request.url)
        if self._limiter is not None:
            self._limiter.acquire()
        return super().send(request, *args, **kwargs)


def _cacheable(response) -> bool:
    """requests-cache filter: only 200 answers that are not HTML pages are kept."""
    if response.status_code != 200:
        return False
    ctype = response.headers.get("Content-Type", "").lower()
    return "text/html" not in ctype


def _excerpt(text: str, n: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + " ..."


# --------------------------------------------------------------------------- client

class HttpClient:
    """HTTP with cache, offline switch, pacing, timeouts and retries (see the module docstring).

    Parameters
    ----------
    cache : bool
        Use the persistent SQLite cache (default True).
    cache_path : path, optional
        SQLite file; default ``<cache_dir>/http_cache.sqlite`` (``TURKU_WORKBOOKS_CACHE``).
    expire_after : seconds or timedelta
        Default lifetime of cached responses (1 day); per call with ``expire_after=``.
    timeout : (connect, read) seconds.
    retry : RetryPolicy.
    rate_limit : (calls, seconds) or RateLimiter, optional.
    user_agent : str, optional (default :func:`default_user_agent`).
    clock : object with ``monotonic()`` and ``sleep(seconds)``; used for pacing and backoff.
    """

    def __init__(
        self,
        *,
        cache: bool = True,
        cache_path: str | os.PathLike | None = None,
        expire_after: float | timedelta = timedelta(days=1),
        timeout: tuple[float, float] = (10.0, 60.0),
        retry: RetryPolicy | None = None,
        rate_limit: tuple[int, float] | RateLimiter | None = None,
        user_agent: str | None = None,
        clock=None,
    ):
        self.clock = clock or SystemClock()
        self.retry = retry or RetryPolicy()
        self.timeout = tuple(timeout)
        if isinstance(rate_limit, RateLimiter):
            self.limiter: RateLimiter | None = rate_limit
        elif rate_limit is not None:
            self.limiter = RateLimiter(rate_limit[0], rate_limit[1], clock=self.clock)
        else:
            self.limiter = None
        ua = default_user_agent() if user_agent is None else user_agent
        if not ua or not ua.strip():
            raise ValueError("user_agent must not be empty: Sotkanet answers 403 without a User-Agent")
        self.user_agent = ua
        self.cache_enabled = bool(cache)
        self.cache_path = Path(cache_path) if cache_path else (default_cache_path() if cache else None)
        self.expire_after = expire_after
        self._session = None
        self.calls: list[dict] = []  # one entry per attempt: method, url, status/error, from_cache

    # -- session ---------------------------------------------------------------
    @property
    def session(self) -> requests.Session:
        if self._session is None:
            if self.cache_enabled:
                import requests_cache

                self.cache_path.parent.mkdir(parents=True, exist_ok=True)
                # a linked cache file would put a database wherever the link points
                paths.refuse_links(self.cache_path, self.cache_path.parent, what="the HTTP cache")
                session = requests_cache.CachedSession(
                    str(self.cache_path),
                    backend="sqlite",
                    expire_after=self.expire_after,
                    allowable_codes=(200,),
                    allowable_methods=("GET", "HEAD", "POST"),
                    filter_fn=_cacheable,
                    stale_if_error=False,
                )
            else:
                session = requests.Session()
            adapter = _GuardedAdapter(self.limiter, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self.user_agent
            self._session = session
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def clear_cache(self) -> None:
        if self.cache_enabled and hasattr(self.session, "cache"):
            self.session.cache.clear()

    def _forget(self, response) -> None:
        """Remove a response from the cache (used when its body turns out to be unusable)."""
        cache = getattr(self.session, "cache", None)
        if cache is None:
            return
        key = getattr(response, "cache_key", None)
        if key:
            cache.delete(key)
        elif response.request is not None:
            cache.delete(requests=[response.request])

    # -- public calls -----------------------------------------------------------
    def get_json(self, url: str, params=None, **kw) -> HttpResult:
        return self.request("GET", url, params=params, expect="json", **kw)

    def post_json(self, url: str, payload: Any, **kw) -> HttpResult:
        return self.request("POST", url, json_body=payload, expect="json", **kw)

    def get_bytes(self, url: str, params=None, **kw) -> HttpResult:
        return self.request("GET", url, params=params, expect="bytes", **kw)

    def request(
        self,
        method: str,
        url: str,
        *,
        params=None,
        json_body: Any = None,
        headers: dict | None = None,
        expect: str = "json",
        expire_after=None,
        refresh: bool = False,
        validate: Callable[[Any], None] | None = None,
    ) -> HttpResult:
        """Send with retries; return the parsed body (``expect``: "json", "text" or "bytes").

        ``validate(data)`` may raise :class:`ResponseFormatError` to reject a body (it is then
        removed from the cache and the call retried like a 5xx).
        """
        if expect not in ("json", "text", "bytes"):
            raise ValueError(f"expect must be 'json', 'text' or 'bytes', got {expect!r}")
        _check_offline(url)
        session = self.session
        kwargs: dict[str, Any] = {"params": params, "headers": headers, "timeout": self.timeout}
        if json_body is not None:
            kwargs["json"] = json_body
        if self.cache_enabled:
            if expire_after is not None:
                kwargs["expire_after"] = expire_after
            if refresh:
                kwargs["force_refresh"] = True
        policy = self.retry
        attempt = 0
        last_problem = ""
        host = _host_of(url)
        if host in _DOWN_HOSTS:
            raise HostUnreachableError(f"{host} was unreachable earlier in this run ({_DOWN_HOSTS[host]}); "
                                       "not tried again", host=host)
        while True:
            attempt += 1
            try:
                response = session.request(method, url, **kwargs)
            except OfflineError:
                raise
            except (requests.ConnectionError, requests.Timeout) as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                last_problem = f"{kind}: {exc}"
                self.calls.append({"method": method, "url": url, "error": last_problem})
                if _is_unreachable(exc):  # fails at once, again and again: one short retry, then down
                    if attempt < 2:
                        self.clock.sleep(policy.unreachable_retry_delay)
                        continue
                    reason = _unreachable_reason(exc)
                    _DOWN_HOSTS[host] = reason
                    raise HostUnreachableError(f"{host} is unreachable ({reason}); {OFFLINE_HINT}", host=host) from exc
                if attempt >= policy.max_attempts:
                    raise SourceUnavailableError(
                        f"{method} {url} {kind} after {attempt} attempts (timeout "
                        f"{self.timeout[0]:g} s connect / {self.timeout[1]:g} s read): {exc}"
                    ) from exc
                self.clock.sleep(policy.delay(attempt))
                continue

            from_cache = bool(getattr(response, "from_cache", False))
            self.calls.append(
                {"method": method, "url": response.url, "status": response.status_code,
                 "from_cache": from_cache}
            )
            status = response.status_code
            if status in policy.retry_statuses:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                last_problem = f"HTTP {status}"
                if attempt >= policy.max_attempts:
                    raise SourceUnavailableError(
                        f"{method} {response.url} answered HTTP {status} {attempt} times in a row; "
                        f"giving up. Last body: {_excerpt(response.text)!r}"
                    )
                if wait is None:
                    wait = policy.delay(attempt)
                elif wait > policy.max_retry_after:
                    raise SourceUnavailableError(
                        f"{method} {response.url} answered HTTP {status} and asks to wait {wait:.0f} s "
                        f"(Retry-After), more than the allowed {policy.max_retry_after:.0f} s; try later"
                    )
                self.clock.sleep(wait)
                continue
            if status >= 400:
                raise HTTPStatusError(
                    self._status_message(method, response),
                    status=status, url=response.url, body=response.text[:2000],
                )
            try:
                data = self._decode(response, expect)
                if validate is not None:
                    validate(data)
            except ResponseFormatError as exc:
                self._forget(response)
                last_problem = str(exc)
                if attempt >= policy.max_attempts:
                    raise type(exc)(f"{exc} (after {attempt} attempts)") from None
                self.clock.sleep(policy.delay(attempt))
                continue
            except Exception:
                self._forget(response)  # a rejected body must not stay in the cache
                raise
            return HttpResult(
                data=data,
                url=response.url,
                status=status,
                from_cache=from_cache,
                retrieved_at=_retrieved_at(response),
                headers=dict(response.headers),
                attempts=attempt,
            )

    # -- internals --------------------------------------------------------------
    @staticmethod
    def _status_message(method: str, response) -> str:
        status = response.status_code
        msg = f"{method} {response.url} answered HTTP {status}"
        if status == 403 and not response.request.headers.get("User-Agent"):
            msg += " (the request had no User-Agent header; Sotkanet refuses such requests)"
        elif status == 403:
            msg += " (forbidden; some sources refuse requests without an identifying User-Agent)"
        body = _excerpt(response.text)
        if body:
            msg += f": {body!r}"
        return msg

    @staticmethod
    def _decode(response, expect: str):
        ctype = response.headers.get("Content-Type", "").lower()
        content = response.content
        if expect == "bytes":
            if "text/html" in ctype:
                raise ResponseFormatError(
                    f"{response.url} returned an HTML page instead of data: {_excerpt(response.text)!r}"
                )
            return content
        text = response.text if expect == "text" else None
        if expect == "text":
            return text
        head = content[:200].lstrip().lower()
        if "text/html" in ctype or head.startswith(b"<!doctype html") or head.startswith(b"<html"):
            raise ResponseFormatError(
                f"{response.url} returned an HTML page (HTTP {response.status_code}) where JSON was "
                f"expected: {_excerpt(response.text)!r}"
            )
        if not content.strip():
            raise ResponseFormatError(f"{response.url} returned an empty body where JSON was expected")
        try:
            return json.loads(content)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ResponseFormatError(
                f"{response.url} returned invalid JSON ({exc}; {len(content)} bytes, "
                f"ends with {content[-40:]!r}) -- truncated response?"
            ) from None


def _retrieved_at(response) -> str:
    """When the server produced the response: cached responses keep their original time."""
    created = getattr(response, "created_at", None)
    if isinstance(created, datetime):
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    date = response.headers.get("Date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ")
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
