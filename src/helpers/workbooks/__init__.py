"""One module per workbook, named like its notebook, plus the sections they share.

``notebooks/region_profile.ipynb`` is drawn from :mod:`helpers.workbooks.region_profile`, and
so on. Every workbook module has

* ``compute(params, snapshot)`` — the validated parameters (:func:`helpers.notebook.start`)
  and the snapshot the run reads -> a result dataclass: the sections' tables and the key
  figures (``.figures``, a dict), with the headline figures the gallery card shows first
  (``.headline``, :class:`helpers.keyfigures.Spec` in order);
* small functions that show one part of the result — a table, a chart, a note — each the
  last expression of one notebook cell.

Shared sections live in their own modules (:mod:`.geometry` map frames, :mod:`.industry`
code lists and claims, :mod:`.business` StatFin business and jobs tables, :mod:`.context`
R&D and other context series). Workbook modules import core and notebook-side modules and
each other's shared sections; the runner never imports them (it pre-imports them in a
kernel by walking this package with ``pkgutil``).
"""
