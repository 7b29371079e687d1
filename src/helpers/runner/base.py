"""What every stage of the runner shares: its two errors and the exit codes they map to,
the rule for set names (they become directories under ``reports/``) and UTC timestamps."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: set names become directory names: lower-case letters, digits, "-" and "_"
SET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class RunnerInputError(ValueError):
    """Bad input (unknown workbook, bad parameter, bad schedule): exit code 2."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RunnerSetupError(RuntimeError):
    """The machine cannot run workbooks (e.g. the project kernel is not registered)."""


def check_set_name(name: str) -> str:
    if not isinstance(name, str) or not SET_NAME_RE.match(name):
        raise ValueError(
            f"set name {name!r} is not allowed: use lower-case letters, digits, '-' and '_' "
            "(it becomes a directory under reports/)"
        )
    return name


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
