"""Small conveniences every workbook uses, so notebook cells stay a few lines long.

* :func:`open_snapshot` — the snapshot a run reads (the ``snapshot`` parameter, or the
  pinned one);
* :func:`live_dataset` — a live-only dataset (see ``helpers/catalog.yaml``) if it has
  been pinned, else ``None`` after showing one clear note that names the dataset and the
  command that pulls it. It never substitutes anything for the missing data.
"""

from __future__ import annotations

from typing import Any

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


def show_table(frame, *, max_rows: int = 400):
    """Display a DataFrame in full (no truncated cells or rows) — for tables a reader must
    be able to read entirely, such as a resource list or a claims register."""
    import pandas as pd
    from IPython.display import display

    with pd.option_context("display.max_colwidth", None, "display.max_rows", max_rows,
                           "display.max_columns", None, "display.width", 250):
        display(frame)
