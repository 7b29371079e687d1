"""What every workbook does at its start and its end, so that its cells only compute and draw.

    run = notebook.start("region_profile")   # the cell after the `parameters` cell
    res = region_profile.compute(run.params, run.snapshot)
    ...                                       # cells that show res
    run.finish(res)                           # key figures + the sources of this run

:func:`start` validates the parameters the notebook holds (one clear message listing every
bad value, before any work), opens the snapshot the run reads (the ``snapshot`` parameter or
the pinned one) as a :class:`RecordingSnapshot` — whose :meth:`~RecordingSnapshot.load`
records every resource read, so the sources section lists exactly what was used — and sets
the house style for charts. :meth:`Run.finish` records the key figures (headline figures
first, see :mod:`helpers.keyfigures`) and shows the one "Sources and parameters" section.

:func:`live_dataset` loads a live-only dataset (``helpers/catalog.yaml``) when it has been
pinned, and otherwise shows one note naming the dataset and the command that pulls it —
never a substitute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import catalog, i18n, keyfigures, params, plotting, provenance
from .display import show_markdown
from .i18n import _
from .snapshot import Snapshot

__all__ = ["RecordingSnapshot", "Run", "start", "live_dataset", "missing_note", "dataset_resource"]


class RecordingSnapshot(Snapshot):
    """A :class:`~helpers.snapshot.Snapshot` that remembers which resources were loaded."""

    def __init__(self, path=None):
        super().__init__(path)
        self.used: list[str] = []

    def record(self, name: str) -> None:
        """Count ``name`` as used without loading it (e.g. a resource read through its manifest)."""
        self._entry(name)  # unknown names raise with suggestions
        if name not in self.used:
            self.used.append(name)

    def load(self, name: str, verify: bool = True):
        frame = super().load(name, verify)
        self.record(name)
        return frame


def dataset_resource(dataset: str) -> str:
    """The snapshot resource a catalog dataset is pinned to (errors suggest close names)."""
    return catalog.get(dataset).resource


def missing_note(dataset: str) -> str:
    """Markdown note for a live-only dataset that is not in the snapshot."""
    resource = dataset_resource(dataset)
    # i18n: {dataset} and {resource} are machine names, `workbooks data refresh` and `make refresh` commands: keep
    return _("**Not in this snapshot: `{dataset}`** (resource `{resource}`). This section needs data that can only "
             "be pulled live from the publisher. With network access run `workbooks data refresh {dataset}` (or "
             "`make refresh` for every dataset), then run this workbook again. Nothing is shown in its "
             "place.").format(dataset=dataset, resource=resource)


def live_dataset(dataset: str, snap: Snapshot, *, show_note: bool = True):
    """Load a live-only dataset if pinned; otherwise show :func:`missing_note` and return None."""
    resource = dataset_resource(dataset)
    if resource in snap.names():
        return snap.load(resource)
    if show_note:
        show_markdown(missing_note(dataset))
    return None


@dataclass
class Run:
    """One run of a workbook: its validated parameters and the snapshot it reads."""

    workbook: str
    params: params.Validated
    snapshot: RecordingSnapshot

    def caption(self, *resources: str) -> str:
        """The "Source: …" line for a chart built from ``resources``."""
        return provenance.source_caption(list(resources), self.snapshot)

    def finish(self, result: Any, headline: Sequence[keyfigures.Spec] | None = None, *,
               labels: Sequence[keyfigures.Spec] | None = None) -> None:
        """Record the key figures and show the sources and parameters of this run.

        ``result`` is a workbook result (with ``.figures`` and, optionally, ``.headline`` and
        ``.labels``) or a plain dict of figures."""
        figures = result if isinstance(result, Mapping) else result.figures
        headline = headline if headline is not None else getattr(result, "headline", None)
        labels = labels if labels is not None else getattr(result, "labels", None)
        keyfigures.record(figures, headline, labels=labels)
        if self.snapshot.used:
            provenance.show_provenance(self.snapshot.used, self.params.for_readers(), snapshot=self.snapshot)


def _snapshot_param(values: params.Validated):
    book = params.get_workbook(values.workbook)
    return next((values[p.name] for p in book.parameters if p.type == "path"), None)


def start(workbook: str, namespace: Mapping[str, Any] | None = None) -> Run:
    """Validate the running notebook's parameters, set the report's language (its ``lang``
    parameter), open its snapshot, set the chart style."""
    values = params.validate_notebook(workbook, namespace)
    lang = values.data.get("lang") or i18n.SOURCE_LANGUAGE
    if lang != i18n.language():  # validated again in the report's language: its notes are texts
        i18n.set_language(lang)
        values = params.validate_notebook(workbook, namespace)
    snap = RecordingSnapshot(_snapshot_param(values))
    plotting.use_style()
    for note in values.notes:  # e.g. a merged municipality shown as its successor
        # i18n: a note above the report, e.g. that a former municipality is shown as its successor
        show_markdown(_("> **Note.** {note}").format(note=note))
    return Run(workbook, values, snap)
