"""Where the project's folders are.

The package is installed in editable mode from the repository, so the project root is
two levels above this file's package directory (``src/helpers`` -> repo). Every path can
be overridden with an environment variable so that a scheduled job or a test can point
the code elsewhere without editing anything (all of them: :mod:`helpers.settings`):

``TURKU_WORKBOOKS_ROOT``      the project root
``TURKU_WORKBOOKS_SNAPSHOT``  the pinned snapshot directory (default ``<root>/data/snapshot``)
``TURKU_WORKBOOKS_CACHE``     the live HTTP cache directory (default ``<root>/data/cache``)
``TURKU_WORKBOOKS_REPORTS``   where reports are published (default ``<root>/reports``)
"""

from __future__ import annotations

from pathlib import Path

from . import settings

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    return _from_env(settings.ROOT_ENV, _PACKAGE_DIR.parent.parent)


def _from_env(name: str, default: Path) -> Path:
    env = settings.get(name)
    return Path(env).expanduser().resolve() if env else default


def snapshot_dir() -> Path:
    return _from_env(settings.SNAPSHOT_ENV, project_root() / "data" / "snapshot")


def cache_dir() -> Path:
    return _from_env(settings.CACHE_ENV, project_root() / "data" / "cache")


def reports_dir() -> Path:
    return _from_env(settings.REPORTS_ENV, project_root() / "reports")


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def package_dir() -> Path:
    return _PACKAGE_DIR
