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

import os
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


class LinkRefused(OSError):
    """A path the project writes to or deletes in is a symbolic link; it is not followed."""


def linked_part(path: Path, base: Path | None = None) -> Path | None:
    """The first symbolic link among ``path`` and its parents below ``base`` (``base``
    itself may be a link: a reports or snapshot folder deployed elsewhere is the user's
    choice), or None."""
    path = Path(path)
    parts = [path, *path.parents]
    if base is not None:
        base = Path(base)
        parts = [p for p in parts if p != base and base in p.parents]
    return next((p for p in parts if p.is_symlink()), None)


def refuse_links(path: Path, base: Path | None = None, *, what: str = "a file the project writes") -> Path:
    """``path`` unchanged, or :class:`LinkRefused` naming the link and where it points —
    the runner, the cache and the snapshot writer never follow a link they did not make."""
    link = linked_part(path, base)
    if link is not None:
        try:
            target = os.readlink(link)
        except OSError:
            target = "?"
        raise LinkRefused(f"{link} is a symbolic link (to {target}); {what} is never reached through a "
                          "link, so nothing outside the project is changed — remove the link or point the "
                          "setting at the real folder")
    return path
