"""The project's configuration: the Jupyter kernel's name and every environment variable.

Nothing in the project reads a ``TURKU_WORKBOOKS_*`` variable whose name is not a constant
here (``tests/test_settings.py`` fails on any other such name in the code, the tests, the
tools or the docs). Every variable is optional; unset (or empty) means the default.

================================  ==================================  ======================================
variable                          default                             what it does
================================  ==================================  ======================================
``TURKU_WORKBOOKS_ROOT``          the repository (src/helpers/../..)  the project root every other default
                                                                      path is built on
``TURKU_WORKBOOKS_SNAPSHOT``      <root>/data/snapshot                the pinned snapshot the workbooks read
                                                                      (datapackage.json)
``TURKU_WORKBOOKS_CACHE``         <root>/data/cache                   the live clients' HTTP cache
                                                                      (http_cache.sqlite)
``TURKU_WORKBOOKS_REPORTS``       <root>/reports                      where `workbooks run` publishes the
                                                                      reports and gallery
``TURKU_WORKBOOKS_SCHEMA``        src/helpers/workbooks.yaml          the workbooks' parameter schema (tests
                                                                      use their fixtures')
``TURKU_WORKBOOKS_SCHEDULE``      <root>/reports/schedule.yaml        the report sets of `workbooks run
                                                                      --set NAME`
``TURKU_WORKBOOKS_PREWARM``       1                                   0: no kernel pre-started for the next
                                                                      report
``TURKU_WORKBOOKS_FORK``          1                                   0: no kernels forked from a zygote (a
                                                                      new process each)
``TURKU_WORKBOOKS_OFFLINE``       unset                               1/true/yes/on: live clients refuse the
                                                                      network
``TURKU_WORKBOOKS_USER_AGENT``    turku-workbooks/<version> (...)     the User-Agent header the live clients
                                                                      send
``TURKU_WORKBOOKS_CONTACT``       unset                               a contact address added to the default
                                                                      User-Agent
``TURKU_WORKBOOKS_STATFIN_URL``   the public service                  a mirror of StatFin PxWeb v1
                                                                      (https://pxdata.stat.fi/PxWeb/api/v1)
``TURKU_WORKBOOKS_SOTKANET_URL``  the public service                  a mirror of Sotkanet REST 1.1
                                                                      (https://sotkanet.fi/rest/1.1)
``TURKU_WORKBOOKS_GEOSTAT_URL``   the public service                  a mirror of the geo.stat.fi WFS
                                                                      (https://geo.stat.fi/geoserver/tilastointialueet/wfs)
``TURKU_WORKBOOKS_DEBUG``         unset                               set: `workbooks data refresh` prints
                                                                      failed datasets' tracebacks
``TURKU_WORKBOOKS_HEARTBEAT``     60                                  seconds between `workbooks run`'s 'still
                                                                      running' lines for long runs; 0: none
``TURKU_WORKBOOKS_ZYGOTE_WARM``   set by the runner                   internal: tells a worker's kernel zygote to
                                                                      warm up; never set it
================================  ==================================  ======================================

The table above and :data:`VARIABLES` say the same (tests/test_settings.py compares them).
A core module: it imports nothing from the project.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: the Jupyter kernel every workbook runs on (``make setup`` registers it; the Makefile's
#: ``KERNEL :=`` must be the same — tests/test_settings.py checks)
KERNEL_NAME = "turku-workbooks"
#: the cell time limit (seconds) of a scheduled set when neither its schedule entry
#: (``timeout:``) nor ``--timeout`` sets one: an unattended run (cron) ends a hanging cell
#: instead of waiting for ever. The slowest cell of any shipped workbook takes ~2 s.
DEFAULT_SET_TIMEOUT = 1_800.0
#: the languages a published set is written in when its schedule entry (``languages:``) does not
#: say: Finnish, the language of most of the reports' readers (the notebooks are authored in
#: English; a run given ``-p lang=sv`` is in Swedish)
GALLERY_LANGUAGES = ("fi",)
#: the language of ``reports/index.html``; the gallery in another language is ``index.<lang>.html``
GALLERY_LANGUAGE = "fi"
#: seconds between the runner's "still running …" lines for a run that has not finished
HEARTBEAT_SECONDS = 60.0

#: every variable of the project starts with this (kernels forked from a zygote may differ in
#: these: the project reads them when called, never at import)
ENV_PREFIX = "TURKU_WORKBOOKS_"

ROOT_ENV = "TURKU_WORKBOOKS_ROOT"
SNAPSHOT_ENV = "TURKU_WORKBOOKS_SNAPSHOT"
CACHE_ENV = "TURKU_WORKBOOKS_CACHE"
REPORTS_ENV = "TURKU_WORKBOOKS_REPORTS"
SCHEMA_ENV = "TURKU_WORKBOOKS_SCHEMA"
SCHEDULE_ENV = "TURKU_WORKBOOKS_SCHEDULE"
PREWARM_ENV = "TURKU_WORKBOOKS_PREWARM"
FORK_ENV = "TURKU_WORKBOOKS_FORK"
OFFLINE_ENV = "TURKU_WORKBOOKS_OFFLINE"
USER_AGENT_ENV = "TURKU_WORKBOOKS_USER_AGENT"
CONTACT_ENV = "TURKU_WORKBOOKS_CONTACT"
STATFIN_URL_ENV = "TURKU_WORKBOOKS_STATFIN_URL"
SOTKANET_URL_ENV = "TURKU_WORKBOOKS_SOTKANET_URL"
GEOSTAT_URL_ENV = "TURKU_WORKBOOKS_GEOSTAT_URL"
DEBUG_ENV = "TURKU_WORKBOOKS_DEBUG"
HEARTBEAT_ENV = "TURKU_WORKBOOKS_HEARTBEAT"
ZYGOTE_WARM_ENV = "TURKU_WORKBOOKS_ZYGOTE_WARM"  # (helpers/runner/zygote.py spells it out: stdlib only)


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    doc: str


VARIABLES: tuple[Variable, ...] = (
    Variable(ROOT_ENV, "the repository (src/helpers/../..)", "the project root every other default path is built on"),
    Variable(SNAPSHOT_ENV, "<root>/data/snapshot", "the pinned snapshot the workbooks read (datapackage.json)"),
    Variable(CACHE_ENV, "<root>/data/cache", "the live clients' HTTP cache (http_cache.sqlite)"),
    Variable(REPORTS_ENV, "<root>/reports", "where `workbooks run` publishes the reports and gallery"),
    Variable(SCHEMA_ENV, "src/helpers/workbooks.yaml", "the workbooks' parameter schema (tests use their fixtures')"),
    Variable(SCHEDULE_ENV, "<root>/reports/schedule.yaml", "the report sets of `workbooks run --set NAME`"),
    Variable(PREWARM_ENV, "1", "0: no kernel pre-started for the next report"),
    Variable(FORK_ENV, "1", "0: no kernels forked from a zygote (a new process each)"),
    Variable(OFFLINE_ENV, "unset", "1/true/yes/on: live clients refuse the network"),
    Variable(USER_AGENT_ENV, "turku-workbooks/<version> (...)", "the User-Agent header the live clients send"),
    Variable(CONTACT_ENV, "unset", "a contact address added to the default User-Agent"),
    Variable(STATFIN_URL_ENV, "the public service",
             "a mirror of StatFin PxWeb v1 (https://pxdata.stat.fi/PxWeb/api/v1)"),
    Variable(SOTKANET_URL_ENV, "the public service", "a mirror of Sotkanet REST 1.1 (https://sotkanet.fi/rest/1.1)"),
    Variable(GEOSTAT_URL_ENV, "the public service",
             "a mirror of the geo.stat.fi WFS (https://geo.stat.fi/geoserver/tilastointialueet/wfs)"),
    Variable(DEBUG_ENV, "unset", "set: `workbooks data refresh` prints failed datasets' tracebacks"),
    Variable(HEARTBEAT_ENV, "60", "seconds between `workbooks run`'s 'still running' lines for long runs; 0: none"),
    Variable(ZYGOTE_WARM_ENV, "set by the runner", "internal: tells a worker's kernel zygote to warm up; never set it"),
)

_FALSE = ("0", "false", "no", "off")
_TRUE = ("1", "true", "yes", "on")


def get(name: str) -> str | None:
    """The variable's value, or None when it is unset or empty (then the default applies)."""
    _check(name)
    value = os.environ.get(name, "").strip()
    return value or None


def flag(name: str, default: bool) -> bool:
    """A yes/no variable: ``1/true/yes/on`` or ``0/false/no/off``; unset means ``default``."""
    value = (get(name) or "").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def _check(name: str) -> None:
    if name not in _NAMES:
        raise KeyError(f"{name!r} is not a project setting; see helpers.settings.VARIABLES")


_NAMES = frozenset(v.name for v in VARIABLES)
