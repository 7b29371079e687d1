"""Small conveniences every workbook uses, so notebook cells stay a few lines long.

* :func:`open_snapshot` — the snapshot a run reads (the ``snapshot`` parameter, or the
  pinned one);
* :func:`live_dataset` — a live-only dataset (see ``helpers/catalog.yaml``) if it has
  been pinned, else ``None`` after showing one clear note that names the dataset and the
  command that pulls it. It never substitutes anything for the missing data.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import analysis
from .snapshot import Snapshot


def open_snapshot(snapshot_param: Any = None) -> Snapshot:
    """The snapshot for this run: ``snapshot_param`` (a directory) or the pinned one."""
    return Snapshot(snapshot_param) if snapshot_param else Snapshot()


def dataset_resource(dataset: str) -> str:
    """The snapshot resource a catalog dataset is pinned to (errors suggest close names)."""
    from . import catalog

    return catalog.get(dataset).resource


def missing_note(dataset: str) -> str:
    """Markdown note for a live-only dataset that is not in the snapshot."""
    resource = dataset_resource(dataset)
    return (
        f"**Not in this snapshot: `{dataset}`** (resource `{resource}`). This section needs "
        f"data that can only be pulled live from the publisher. With network access run "
        f"`workbooks data refresh {dataset}` (or `make refresh` for every dataset), then run "
        f"this workbook again. Nothing is shown in its place."
    )


def live_dataset(dataset: str, snap: Snapshot, *, show_note: bool = True):
    """Load a live-only dataset if pinned; otherwise show :func:`missing_note` and return None."""
    resource = dataset_resource(dataset)
    if resource in snap.names():
        return snap.load(resource)
    if show_note:
        try:
            from IPython.display import Markdown, display

            display(Markdown(missing_note(dataset)))
        except ImportError:  # pragma: no cover - outside Jupyter
            print(missing_note(dataset))
    return None


def markdown_table(frame: pd.DataFrame, decimals: int = 1, missing: str = "–") -> str:
    """A Markdown table of ``frame`` (index dropped) with escaped text and formatted numbers."""
    from .provenance import escape_markdown

    cols = [str(c) for c in frame.columns]
    plain = [("year" in c.lower() or "release" in c.lower()) for c in cols]
    lines = ["| " + " | ".join(escape_markdown(c) for c in cols) + " |",
             "|" + "|".join("---" for _ in cols) + "|"]
    for row in frame.itertuples(index=False):
        cells = []
        for v, as_is in zip(row, plain):
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
                cells.append(missing)
            elif isinstance(v, pd.Timestamp):
                cells.append(v.strftime("%Y-%m-%d"))
            elif as_is:
                cells.append(escape_markdown(str(v)))
            elif isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                cells.append(analysis.format_number(int(v), 0))
            elif isinstance(v, (float, np.floating)):
                cells.append(analysis.format_number(float(v), 0 if float(v).is_integer() else decimals))
            else:
                cells.append(escape_markdown(str(v)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_table(frame: pd.DataFrame, decimals: int = 1, missing: str = "–") -> None:
    """Display ``frame`` in full as a Markdown table (:func:`markdown_table`): no truncated
    cells, numbers with thousands separators, missing values as ``missing``, text escaped."""
    show_markdown(markdown_table(frame, decimals, missing))


def show_markdown(text: str) -> None:
    """Display Markdown in a notebook; print it when not running under IPython."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        print(text)
        return
    if get_ipython() is None:
        print(text)
    else:
        display(Markdown(text))
