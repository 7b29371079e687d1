"""What a worker's kernel zygote does before it forks kernels, when the runner pre-warms them.

Loaded by the zygote by its file path (``helpers.runner`` itself is never imported there),
with the zygote's environment — the same as every kernel forked from it, but for ``JPY_*``
and the project's ``TURKU_WORKBOOKS_*`` variables, which no module reads at import
(:mod:`helpers.runner.kernelfork`). Without it every report's kernel paid, per report:
importing pandas, geopandas and the helpers (and then mapclassify, with scipy.stats and
scikit-learn), about 1 s of CPU; parsing the snapshot's tables, 0.4 s; the first figure's
font and renderer set-up.
Done once here, every forked kernel starts with them in ``sys.modules`` and in the
snapshot's parse cache (copy-on-write: nothing is parsed or imported again).

    zygote_warm() ──► pandas imported as a kernel would import it (see below)
                  ──► WARM_LIBRARIES and every module of helpers.workbooks imported
                  ──► the area registry and the workbook schema parsed
                  ──► Snapshot().preload(): every pinned resource verified and parsed
                  ──► one figure drawn to PNG and SVG off-screen (fonts, Agg, SVG writer),
                      then every matplotlib setting restored

**pandas** decides one thing at import from its surroundings: ``display.max_columns`` is
20 inside a Jupyter kernel and "fit the terminal" (0) elsewhere. It is imported here with a
stand-in ``get_ipython()`` that answers as a kernel does, so its options are a kernel's; the
stand-in is removed at once, and :func:`zygote_warm` checks the option and its default.

Nothing here enters a notebook's namespace: the forked kernel starts with an empty one, as
any new kernel does; the runner's tests compare every output of every workbook between
forked and plainly started kernels.
"""

from __future__ import annotations

import builtins
import importlib
import io
import pkgutil

#: imported here (the same list the pre-started kernel imports, helpers.runner.kernels)
WARM_LIBRARIES = ("numpy", "pandas", "geopandas", "matplotlib.pyplot", "IPython.display")
WORKBOOK_PACKAGE = "helpers.workbooks"
KERNEL_MAX_COLUMNS = 20


class _KernelShell:
    """What pandas asks of ``get_ipython()`` to tell a kernel from a terminal."""

    kernel = True


def import_pandas_as_in_a_kernel():
    """Import pandas with the options it takes inside a Jupyter kernel."""
    had = hasattr(builtins, "get_ipython")
    saved = getattr(builtins, "get_ipython", None)
    builtins.get_ipython = _KernelShell
    try:
        import pandas
    finally:
        if had:
            builtins.get_ipython = saved
        else:
            del builtins.get_ipython
    from pandas._config import config as cf

    registered = cf._registered_options["display.max_columns"].defval
    if pandas.get_option("display.max_columns") != KERNEL_MAX_COLUMNS or registered != KERNEL_MAX_COLUMNS:
        raise RuntimeError("pandas was imported before the zygote's warm-up: its display options are a terminal's")
    return pandas


def import_workbooks() -> list[str]:
    for name in WARM_LIBRARIES:
        importlib.import_module(name)
    package = importlib.import_module(WORKBOOK_PACKAGE)
    done = []
    for info in pkgutil.walk_packages(package.__path__, WORKBOOK_PACKAGE + "."):
        importlib.import_module(info.name)
        done.append(info.name)
    return done


def warm_matplotlib() -> None:
    """Draw one figure off-screen (no pyplot: the zygote has no backend yet), restoring
    every matplotlib setting afterwards."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with matplotlib.rc_context():
        fig = Figure(figsize=(3, 2), dpi=72)
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1, 3, 2], label="ä ö å − 1 234,5")
        ax.bar([0, 1], [1, 2])
        ax.set_title("Väestö", fontweight="bold")
        ax.legend()
        for canvas in (FigureCanvasAgg(fig), FigureCanvasSVG(fig)):
            canvas.print_figure(io.BytesIO(), format="png" if isinstance(canvas, FigureCanvasAgg) else "svg")


def parse_code_lists() -> None:
    """The area registry (the package's code lists), the package's workbook schema, which
    every report's first cell reads, and the translations of the source lines and of the
    manifest's texts: parsed here once
    (the schema is memoised by its file's modification time and size, so a kernel still reads
    an edited one itself)."""
    from helpers import i18n, params, regions

    regions.registry()
    params.workbooks(params.SCHEMA_FILE)
    i18n.attribution_translations()  # every Finnish or Swedish source line reads it
    i18n.manifest_translations()  # and every Finnish or Swedish sources section the manifest's texts


def preload_snapshot() -> list[str]:
    from helpers.snapshot import Snapshot

    return Snapshot().preload()


def zygote_warm() -> dict[str, int]:
    """Everything above; what was warmed, counted (for the zygote's log)."""
    import_pandas_as_in_a_kernel()
    modules = import_workbooks()
    parse_code_lists()
    warm_matplotlib()
    try:
        resources = preload_snapshot()
    except Exception:  # noqa: BLE001 - a broken snapshot is reported by the run that reads it
        resources = []
    return {"workbook_modules": len(modules), "snapshot_resources": len(resources)}
