"""The ``workbooks`` command.

Sub-commands are added module by module; ``workbooks --help`` lists what exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, paths

KERNEL_NAME = "turku-workbooks"


def _cmd_report(args: argparse.Namespace) -> int:
    """Run every workbook with its defaults on the pinned snapshot, write .ipynb + .html."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    out_dir = Path(args.output or paths.reports_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(paths.notebooks_dir().glob("*.ipynb"))
    if not notebooks:
        print("no workbooks found in", paths.notebooks_dir(), file=sys.stderr)
        return 1
    exporter = HTMLExporter()
    failed = []
    for i, nb_path in enumerate(notebooks, 1):
        print(f"[{i}/{len(notebooks)}] {nb_path.name}", flush=True)
        executed = out_dir / nb_path.name
        try:
            pm.execute_notebook(
                str(nb_path), str(executed), kernel_name=KERNEL_NAME,
                cwd=str(paths.notebooks_dir()), progress_bar=False,
            )
        except Exception as exc:  # papermill keeps the failed notebook at `executed`
            print(f"  FAILED: {exc}", file=sys.stderr)
            failed.append(nb_path.name)
            continue
        body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
        (out_dir / (nb_path.stem + ".html")).write_text(body, encoding="utf-8")
    print(f"{len(notebooks) - len(failed)} rendered, {len(failed)} failed -> {out_dir}")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbooks",
        description="Parameterised workbooks on open data for Turku and Varsinais-Suomi.",
    )
    parser.add_argument("--version", action="version", version=f"turku-workbooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("report", help="run every workbook with defaults and render HTML to reports/")
    p.add_argument("--output", help="output directory (default: reports/)")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
