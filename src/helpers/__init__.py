"""turku-workbooks: shared helpers for the parameterised Turku / Varsinais-Suomi workbooks.

Modules
-------
regions     the area registry (19 regions, 308 municipalities of 2026, historical codes)
snapshot    read, verify and write the pinned snapshot in ``data/snapshot/``
paths       where the project's folders are
sources     live clients (StatFin PxWeb, THL Sotkanet, geo.stat.fi WFS)
analysis    location quotients, shift-share, growth, composite indices
plotting    house style, maps and the source line on every figure
params      parameter schemas and validation for notebooks and the CLI
provenance  the sources-and-parameters section every workbook ends with
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("turku-workbooks")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
