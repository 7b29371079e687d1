"""Nothing local leaks into a published report.

:class:`Scrubber` replaces the project, virtualenv, Python, home, temp and reports
directories by placeholders (``<project>``, ``<venv>``, ``<python>``, ``~``, ``<tmp>``,
``<reports>``) in the executed notebook — sources, outputs, tracebacks, metadata; papermill's
``input_path`` / ``output_path`` become project-relative and ``environment_variables`` is
dropped — and in the logs (:func:`scrub_file`), and blanks the values of secret-looking
environment variables (``<redacted>``). Images are left alone.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import paths

_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION", re.I)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: jupyter_client interrupts a kernel before shutting it down; ipykernel logs that as an
#: ERROR although nothing went wrong — left out of the run logs so ERROR means an error
_SHUTDOWN_NOISE = re.compile(r"^\[IPKernelApp\] ERROR \| KeyboardInterrupt caught in kernel\.?\n", re.M)


class Scrubber:
    """Replaces local paths and secret values in text and notebooks."""

    def __init__(self, prefixes: Mapping[str, str], secrets: Iterable[str] = ()):
        items = sorted(((str(k).rstrip("/"), v) for k, v in prefixes.items() if k and len(str(k)) > 1),
                       key=lambda kv: -len(kv[0]))
        self._labels = dict(items)
        alternatives = "|".join(re.escape(k) for k, _ in items)
        self._paths = re.compile(f"(?:{alternatives})(?![\\w-])") if items else None
        self._homes = re.compile(r"(?<![\w.])/(?:home|Users)/[^/\s\"'`:,;)\]]+")
        secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
        self._secrets = re.compile("|".join(re.escape(s) for s in secrets)) if secrets else None

    @classmethod
    def for_this_machine(cls, extra: Mapping[str, str] | None = None) -> Scrubber:
        prefixes: dict[str, str] = {}

        def add(path: Any, label: str) -> None:
            if not path:
                return
            for variant in {str(path), os.path.realpath(str(path))}:
                if variant not in ("/", "") and variant not in prefixes:
                    prefixes[variant] = label

        add(tempfile.gettempdir(), "<tmp>")
        add(os.path.expanduser("~"), "~")
        add(sys.base_prefix, "<python>")
        add(sys.prefix, "<venv>")
        add(paths.project_root(), "<project>")
        add(paths.reports_dir(), "<reports>")
        for k, v in (extra or {}).items():
            add(k, v)
        secrets = [v for k, v in os.environ.items() if _SECRET_NAME.search(k)]
        return cls(prefixes, secrets)

    def text(self, text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        if self._secrets is not None:
            text = self._secrets.sub("<redacted>", text)
        if self._paths is not None:
            text = self._paths.sub(lambda m: self._labels[m.group(0)], text)
        return self._homes.sub("/home/<user>", text)

    def _walk(self, node: Any, key: str = "") -> Any:
        if isinstance(node, str):
            return node if key.startswith("image/") or key == "application/pdf" else self.text(node)
        if isinstance(node, list):
            return [self._walk(x, key) for x in node]
        if isinstance(node, dict):
            return type(node)((k, self._walk(v, k)) for k, v in node.items())
        return node

    def notebook(self, nb, *, input_path: str, output_path: str):
        """Scrubbed copy of an executed notebook; papermill's paths made relative."""
        import nbformat

        meta = nb.metadata.get("papermill")
        if isinstance(meta, dict):
            meta["input_path"] = input_path
            meta["output_path"] = output_path
            meta.pop("environment_variables", None)
        return nbformat.from_dict(self._walk(nb))


def scrub_file(path: Path, scrubber: Scrubber) -> None:
    """Scrub a log in place (colour codes and the kernel's shutdown noise removed too)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    text = _SHUTDOWN_NOISE.sub("", ANSI.sub("", text))
    Path(path).write_text(scrubber.text(text), encoding="utf-8")
