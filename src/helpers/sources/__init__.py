"""Live clients for the project's official sources.

statfin    Statistics Finland PxWeb API v1 (StatFin database)
jsonstat   json-stat2 datasets (PxWeb's answers) as tidy frames
sotkanet   THL Sotkanet REST 1.1 (indicators, regions, data)
geostat    Statistics Finland geo.stat.fi WFS (statistical area boundaries)
http       the shared HTTP layer: cache, timeouts, retries, pacing, offline switch

Workbooks never call these directly: ``workbooks data refresh`` pulls the catalog's datasets
through them and pins the results in ``data/snapshot/``; the workbooks read the snapshot.
Every client takes its base URL as a constructor argument (for mirrors and for the tests'
local replay server) and an optional :class:`helpers.sources.http.HttpClient`.
"""

from .http import (
    HttpClient,
    HTTPStatusError,
    OfflineError,
    ResponseFormatError,
    SourceError,
    SourceUnavailableError,
)

__all__ = [
    "HttpClient",
    "HTTPStatusError",
    "OfflineError",
    "ResponseFormatError",
    "SourceError",
    "SourceUnavailableError",
]
