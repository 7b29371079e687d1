"""Analysis helpers: shares, growth, location quotients, shift-share, composite indices.

Pure pandas/numpy. Nothing here reads files or touches the network, and nothing here
draws. Every function states its formula in its docstring so that a workbook's method
note can quote it.

Missing values
--------------
Suppressed or missing cells arrive as NaN (see docs/CONTRACTS.md: the reason is kept in a
separate status column). Every function here propagates NaN: a result that depends on a
missing cell is NaN, never 0, and a division by zero is NaN, never 0 or infinity.

Bad input
---------
Every function checks its arguments first and raises ``ValueError`` / ``TypeError`` naming
the argument, the bad value and what would be valid.

Modules: :mod:`.measures` (shares, rates, growth, CAGR, location quotients, shift-share,
period change, largest member's share), :mod:`.composite` (composite index, rank),
:mod:`.classes` (map classes, number formatting). Everything is importable from
``helpers.analysis``.
"""

from __future__ import annotations

from .classes import (
    CLASSIFY_SCHEMES,
    THIN_SPACE,
    Classification,
    class_bounds,
    classify,
    format_number,
)
from .composite import CompositeIndex, composite_index, rank
from .measures import (
    cagr,
    growth,
    largest_member_share,
    location_quotient,
    period_change,
    rate,
    share,
    shift_share,
)

__all__ = [
    "share", "rate", "growth", "cagr", "location_quotient", "shift_share", "composite_index",
    "CompositeIndex", "rank", "classify", "class_bounds", "Classification", "CLASSIFY_SCHEMES", "period_change",
    "largest_member_share", "format_number", "THIN_SPACE",
]
