"""turku-workbooks: the package behind the parameterised Turku / Varsinais-Suomi workbooks.

Layers (imports point one way; tests/test_layout.py enforces it, docs/CONTRACTS.md lists it):

core
    paths, settings (the kernel's name, every TURKU_WORKBOOKS_* variable), i18n (languages),
    regions (the area registry: 19 regions, 308 municipalities of 2026, mergers), snapshot (read,
    verify, write the pinned data), params (the workbooks' parameter schema), analysis (shares,
    growth, location quotients, shift-share, composite index, map classes), catalog + refresh +
    sources/ (the live clients: StatFin PxWeb, THL Sotkanet, geo.stat.fi)
notebook side
    display (Markdown and tables), plotting (charts and maps with alt text and a source line),
    provenance (source lines, the sources section), keyfigures and downloads (the two things a
    notebook hands to the runner), notebook (``start`` / ``Run.finish``)
workbooks
    one module per notebook (``helpers.workbooks.region_profile`` for
    ``notebooks/region_profile.ipynb``) and the sections they share
runner
    ``helpers.runner``: schedules, validated jobs, kernels, executors, rendering, publishing —
    it knows a workbook only through its schema entry and its two output contracts
cli
    the ``workbooks`` command
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("turku-workbooks")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
