"""The ``workbooks`` command.

    workbooks list [--json]                         every workbook and its parameters
    workbooks run NOTEBOOK [-p name=value ...]      one validated run -> reports/adhoc/
    workbooks run --set NAME [-j N]                 a set from reports/schedule.yaml -> reports/NAME/
    workbooks run --set NAME --executor dask --scheduler ADDRESS     the same on a Dask cluster
    workbooks report [-j N]                         = workbooks run --set default (make report)
    workbooks data refresh [DATASET ...]            pull catalog datasets and pin them (helpers.refresh)
    workbooks data status                           pinned resources: age, whether their sha256 verifies
    workbooks data list [--pinned]                  the catalog's datasets (--pinned: the snapshot's resources)
    workbooks data verify [RESOURCE ...]            check pinned files against their sha256
    workbooks data rehash [RESOURCE ...]            recompute bytes and sha256 after an intentional edit

Exit codes: 0 success, 1 a run failed (or the machine cannot run workbooks; a dataset failed
to refresh; a file does not verify), 2 bad input (unknown workbook / parameter / set / dataset,
bad value; --executor dask without dask installed or with an unreachable --scheduler) —
detected before any kernel starts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path

from . import __version__, settings

# ----------------------------------------------------------------------------- list


def _allowed(p) -> str:
    return p.describe_allowed()


def _cmd_list(args: argparse.Namespace) -> int:
    from . import params

    books = params.workbooks()
    if args.json:
        out = []
        for book in books.values():
            out.append({
                "name": book.name,
                "notebook": book.notebook,
                "title": book.title,
                "description": book.description,
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "allowed": _allowed(p),
                        "choices": list(p.choices) if p.choices is not None else None,
                        "min": p.min,
                        "max": p.max,
                        "kinds": list(p.kinds) if p.type == "area" else None,
                        "nullable": p.nullable,
                        "description": p.description,
                    }
                    for p in book.parameters
                ],
                "rules": [dict(r) for r in book.rules],
            })
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    import shutil
    import textwrap

    from .runner import display_source, notebook_dir

    width = max(60, min(120, shutil.get_terminal_size((100, 24)).columns))
    nb_dir = notebook_dir(params.active_schema_file())

    def wrap(text: str, indent: str, then: str | None = None) -> str:
        return textwrap.fill(text, width=width, initial_indent=indent,
                             subsequent_indent=then if then is not None else indent)

    for i, book in enumerate(books.values()):
        if i:
            print()
        print(wrap(f"{book.name} — {book.title}  ({display_source(nb_dir / book.notebook)})", ""))
        if book.description:
            print(wrap(book.description, "  "))
        if not book.parameters:
            print("  (no parameters)")
            continue
        for p in book.parameters:  # one block per parameter: lines stay within the terminal
            print(wrap(f"{p.name} ({p.type}, default {p.default!r}): {_allowed(p)}", "  - ", "      "))
            if p.description:
                print(wrap(p.description, "      "))
        for rule in book.rules:
            print(f"  rule: {rule.get('rule')} ({rule.get('a')}, {rule.get('b')})")
    return 0


# ----------------------------------------------------------------------------- run


def _print_problems(title: str, problems: list[str]) -> None:
    print(f"workbooks: {title}", file=sys.stderr)
    for p in problems:
        for j, line in enumerate(str(p).splitlines()):
            print(("  - " if j == 0 else "    ") + line, file=sys.stderr)


def _cmd_run(args: argparse.Namespace) -> int:
    from . import runner

    reports_dir = Path(args.reports).expanduser().resolve() if args.reports else None
    try:
        if args.set and args.notebook:
            raise runner.RunnerInputError("give either NOTEBOOK or --set NAME, not both")
        if args.set:
            if args.param:
                raise runner.RunnerInputError("-p applies to a single NOTEBOOK; a set's parameters are in the schedule")
            spec = runner.get_set(args.set, args.schedule)
            set_name, requests, description, merge = spec.name, list(spec.runs), spec.description, False
            title, languages = spec.title, spec.languages
        elif args.notebook:
            values = runner.parse_assignments(args.param)
            set_name, requests, merge = runner.ADHOC_SET, [runner.RunRequest(args.notebook, values)], True
            title, description, languages = runner.ADHOC_TITLE, runner.ADHOC_DESCRIPTION, None
        else:
            raise runner.RunnerInputError("name a NOTEBOOK to run or a --set from the schedule")
        if args.jobs < 1:
            raise runner.RunnerInputError(f"-j needs a whole number >= 1; got {args.jobs}")
        _check_executor_options(args, runner)
        if args.executor == "local":
            limit, why = runner.worker_limit()
            if args.jobs > limit:
                print(f"workbooks: -j {args.jobs} is more than this machine carries ({why}); "
                      f"running with -j {limit}", file=sys.stderr)
                args.jobs = limit
        if args.timeout is _UNSET:  # unattended sets get a limit, a single run none
            args.timeout = spec.timeout if args.set else None
        if args.dry_run:
            jobs = runner.plan(requests, set_name, timeout=args.timeout, languages=languages)
            for job in jobs:
                shown = ", ".join(f"{k}={v}" for k, v in job.values)
                print(f"{set_name}/{job.slug}\t{job.source}\t{shown}")
            print(f"{len(jobs)} run(s) in set {set_name!r}; all parameters valid", file=sys.stderr)
            return runner.EXIT_OK
        with contextlib.ExitStack() as stack:
            executor = None
            if args.executor == "dask":
                runner.plan(requests, set_name, timeout=args.timeout, languages=languages)  # bad input first
                from .runner.dask import DaskExecutor

                executor = stack.enter_context(DaskExecutor(args.scheduler))
            outcome = runner.run_set(
                set_name, requests, workers=args.jobs, reports_dir=reports_dir, merge=merge,
                description=description, title=title, timeout=args.timeout, executor=executor,
                languages=languages,
            )
    except runner.RunnerInputError as exc:
        _print_problems("bad input, nothing was run:", exc.problems)
        return runner.EXIT_BAD_INPUT
    except runner.RunnerSetupError as exc:
        print(f"workbooks: {exc}", file=sys.stderr)
        return runner.EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except runner.Terminated as exc:
        return 128 + int(exc.args[0] if exc.args else signal.SIGTERM)

    print(runner.summary_table(outcome.results))
    from . import paths

    root = reports_dir or paths.reports_dir()
    if outcome.published is not None:
        print(f"published {outcome.published.name}/ — gallery: {root / 'index.html'}")
    elif outcome.kept_failed is not None:
        print(f"every run failed: nothing published, the previous reports are unchanged; "
              f"outputs kept in {outcome.kept_failed}", file=sys.stderr)
    if not args.set:  # a single run: say exactly where to look
        r = outcome.results[0]
        where = outcome.published or outcome.kept_failed
        if r.ok:
            print(f"ok: {where / r.files['html']}")
        else:
            print(f"FAILED {r.job.slug} {r.describe_error()}", file=sys.stderr)
            if r.files.get("ipynb"):
                print(f"  executed notebook kept: {where / r.files['ipynb']}", file=sys.stderr)
            if r.files.get("code_html"):
                print(f"  failing cell: {where / r.files['code_html']}#papermill-error-cell", file=sys.stderr)
            if r.files.get("log"):
                print(f"  log: {where / r.files['log']}", file=sys.stderr)
    return outcome.exit_code


def _check_executor_options(args: argparse.Namespace, runner) -> None:
    if args.scheduler and args.executor != "dask":
        raise runner.RunnerInputError("--scheduler is used only with --executor dask")
    if args.executor == "dask":
        if not args.scheduler:
            raise runner.RunnerInputError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        if args.jobs != 1:
            raise runner.RunnerInputError("-j applies to the local executor; a Dask cluster runs as many "
                                          "reports at once as its workers have threads")


def _cmd_report(args: argparse.Namespace) -> int:
    args.set, args.notebook, args.param, args.dry_run = args.set or "default", None, [], False
    return _cmd_run(args)


_UNSET = object()


def _timeout_arg(text: str) -> float | None:
    from .runner.base import RunnerInputError, check_timeout

    try:
        return check_timeout(text)
    except RunnerInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="parallel worker processes (default 1)")
    p.add_argument("--schedule", help=f"schedule file (default: reports/schedule.yaml or ${settings.SCHEDULE_ENV})")
    p.add_argument("--reports", help=f"reports directory (default: reports/ or ${settings.REPORTS_ENV})")
    p.add_argument("--timeout", type=_timeout_arg, default=_UNSET, metavar="SECONDS",
                   help="fail a run when one cell takes longer than this many seconds (1 to 86400, "
                        "or 'none'); default: the set's 'timeout:' in the schedule, else "
                        f"{settings.DEFAULT_SET_TIMEOUT:g} s for a --set, no limit for a single NOTEBOOK")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: -j worker processes on this machine (default); dask: one task per "
                        "report on the Dask cluster at --scheduler (docs/scheduling.md)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask)")


# ----------------------------------------------------------------------------- data


def _add_data_commands(sub) -> None:
    """``workbooks data {refresh,status,list,verify,rehash}``."""
    data = sub.add_parser("data", help="refresh live datasets into the snapshot; show, verify, rehash it")
    data.set_defaults(func=lambda args: (data.print_help(), 0)[1])
    actions = data.add_subparsers(dest="data_command", metavar="ACTION")

    def snapshot_option(p):
        p.add_argument("--snapshot", metavar="DIR",
                       help=f"snapshot directory (default: data/snapshot or ${settings.SNAPSHOT_ENV})")

    def catalog_option(p):
        p.add_argument("--catalog", metavar="FILE", help="catalog file (default: the package's catalog.yaml)")

    r = actions.add_parser("refresh", help="pull catalog datasets and pin them (all by default)")
    r.add_argument("datasets", nargs="*", metavar="DATASET", help="catalog dataset names")
    snapshot_option(r)
    catalog_option(r)
    r.add_argument("--dry-run", action="store_true", help="pull and check, pin nothing")
    r.add_argument("--include-unverified", action="store_true",
                   help="also try Sotkanet entries whose exact title is not verified")
    r.add_argument("--no-cache", action="store_true", help="do not use the HTTP cache")
    r.add_argument("--cache", metavar="FILE", help="SQLite cache file (default: data/cache/http_cache.sqlite)")
    r.add_argument("--statfin-url", help=f"StatFin PxWeb v1 base URL (env {settings.STATFIN_URL_ENV})")
    r.add_argument("--sotkanet-url", help=f"Sotkanet REST 1.1 base URL (env {settings.SOTKANET_URL_ENV})")
    r.add_argument("--geostat-url", help=f"geo.stat.fi WFS URL (env {settings.GEOSTAT_URL_ENV})")
    r.set_defaults(func=_cmd_data_refresh)

    s = actions.add_parser("status", help="pinned resources: age and whether their hash verifies")
    snapshot_option(s)
    catalog_option(s)
    s.set_defaults(func=_cmd_data_status)

    ls = actions.add_parser("list", help="the catalog's datasets (--pinned: the snapshot's resources)")
    catalog_option(ls)
    ls.add_argument("--pinned", action="store_true",
                    help="list the pinned resources with publisher, period and attribution instead")
    snapshot_option(ls)
    ls.set_defaults(func=_cmd_data_list)

    v = actions.add_parser("verify", help="check pinned files against the sha256 in datapackage.json")
    v.add_argument("resources", nargs="*", metavar="RESOURCE", help="resources to check (default: all)")
    snapshot_option(v)
    v.set_defaults(func=_cmd_data_verify)

    h = actions.add_parser("rehash", help="recompute bytes and sha256 after an intentional edit of a pinned file")
    h.add_argument("resources", nargs="*", metavar="RESOURCE", help="resources to rehash (default: all)")
    snapshot_option(h)
    h.set_defaults(func=_cmd_data_rehash)


def _catalog(args):
    from . import catalog

    return catalog.load_catalog(args.catalog) if getattr(args, "catalog", None) else catalog.load_catalog()


def _print_table(table, colwidth: int) -> None:
    """A plain aligned table: missing cells as "–" (never NaN / None), long cells cut."""
    import pandas as pd

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            return "–"
        text = str(v)
        return text if len(text) <= colwidth else text[: colwidth - 1] + "…"

    cols = [str(c) for c in table.columns]
    rows = [[cell(v) for v in r] for r in table.itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def _cmd_data_refresh(args: argparse.Namespace) -> int:
    from . import catalog, refresh

    try:
        cat = _catalog(args)
        for n in args.datasets:
            cat.get(n)
    except catalog.CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    clients = refresh.Clients.create(statfin_url=args.statfin_url, sotkanet_url=args.sotkanet_url,
                                     geostat_url=args.geostat_url, cache=not args.no_cache,
                                     cache_path=args.cache)
    results = refresh.refresh(args.datasets, snapshot=args.snapshot, catalog=cat, clients=clients,
                              include_unverified=args.include_unverified, dry_run=args.dry_run)
    failed = [r for r in results if not r.ok]
    done = sum(1 for r in results if r.ok and not r.skipped)
    skipped = sum(1 for r in results if r.skipped)
    print(f"{done} pulled, {skipped} skipped, {len(failed)} failed")
    for r in failed:
        print(f"  FAILED {r.dataset}: {r.message}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_data_status(args: argparse.Namespace) -> int:
    from . import refresh

    table = refresh.status(args.snapshot, _catalog(args))
    _print_table(table.rename(columns={"retrieved_at": "retrieved", "age_days": "age (days)", "hash": "check",
                                       "source_updated": "source updated"}), 60)
    return 1 if table["hash"].str.startswith("FAILED").any() else 0


def _cmd_data_list(args: argparse.Namespace) -> int:
    if args.pinned:
        return _with_snapshot(args, lambda snap: _print_table(
            snap.resources()[["name", "publisher", "reference_period", "attribution"]], 80))
    _print_table(_catalog(args).to_frame()[["name", "source", "resource", "query", "verified"]], 80)
    return 0


def _cmd_data_verify(args: argparse.Namespace) -> int:
    def verify(snap) -> None:
        checked = [n for name in (args.resources or [None]) for n in snap.verify(name)]
        print(f"ok: {len(checked)} resource(s) match their sha256 in {snap.manifest_path}")

    return _with_snapshot(args, verify)


def _cmd_data_rehash(args: argparse.Namespace) -> int:
    def rehash(snap) -> None:
        changed = snap.rehash(args.resources or None)
        if not changed:
            print("nothing to do: every listed file already matches the manifest")
        for name, (old, new) in changed.items():
            print(f"{name}: {old} -> {new}")

    return _with_snapshot(args, rehash)


def _with_snapshot(args: argparse.Namespace, action) -> int:
    """``action(Snapshot)``; a snapshot error (unknown name, bad hash, no manifest) exits 1."""
    from .snapshot import Snapshot, SnapshotError

    try:
        action(Snapshot(args.snapshot))
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbooks",
        description="Parameterised workbooks on open data for Turku and Varsinais-Suomi.",
        epilog="exit codes: 0 success, 1 a run failed, 2 bad input (nothing was run)",
    )
    parser.add_argument("--version", action="version", version=f"turku-workbooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="every workbook with its parameters (name, type, default, allowed, description)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser(
        "run", help="run one workbook (-p name=value) or a --set from the schedule; publish to reports/",
        description="Validate parameters before any kernel starts, execute with papermill on the "
                    "project kernel, write the executed notebook and HTML, update reports/index.html.",
    )
    p.add_argument("notebook", nargs="?", metavar="NOTEBOOK",
                   help="workbook name or notebooks/NAME.ipynb (see `workbooks list`)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value (repeatable); checked against the workbook's schema")
    p.add_argument("--set", metavar="NAME", help="run a report set from the schedule (e.g. default, regions)")
    p.add_argument("--dry-run", action="store_true", help="validate and list the runs, execute nothing")
    _add_run_options(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("report", help="build the default report set (same as `run --set default`)")
    p.add_argument("--set", default="default", metavar="NAME", help="set to build (default: default)")
    _add_run_options(p)
    p.set_defaults(func=_cmd_report)

    _add_data_commands(sub)
    return parser


_DATA_COMMANDS: tuple = ()


def refresh_errors() -> tuple[type[BaseException], ...]:
    from .refresh import CacheError

    return (CacheError,)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        if getattr(args, "func", None) in _DATA_COMMANDS:
            return _data_command(args)
        return args.func(args)
    except BrokenPipeError:  # `workbooks list --json | head`: the reader went away
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")
        return 0


def _data_command(args: argparse.Namespace) -> int:
    """Run a ``workbooks data`` command; what goes wrong with the snapshot, the cache or the
    user's patience is one clear line, never a traceback (exit 2 bad input, 1 failure)."""
    import sqlite3

    from .paths import LinkRefused
    from .snapshot import SnapshotError

    try:
        return args.func(args)
    except LinkRefused as exc:
        print(f"workbooks: {exc}", file=sys.stderr)
        return 1
    except SnapshotError as exc:  # a wrong folder is bad input (2); a broken snapshot a failure (1)
        from . import paths

        print(f"workbooks: {exc}", file=sys.stderr)
        folder = Path(args.snapshot).expanduser() if getattr(args, "snapshot", None) else paths.snapshot_dir()
        return 1 if (folder / "datapackage.json").is_file() else 2
    except refresh_errors() as exc:
        print(f"workbooks: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("workbooks: interrupted; every pinned file and the manifest are as they were (a dataset "
              "half-written is never pinned)", file=sys.stderr)
        return 130
    except (sqlite3.DatabaseError, sqlite3.OperationalError) as exc:
        from . import paths

        cache = getattr(args, "cache", None) or paths.cache_dir()
        print(f"workbooks: the HTTP cache in {cache} cannot be used ({type(exc).__name__}: {exc}); it may be "
              "corrupt or read-only — run again with --no-cache, or delete the cache file", file=sys.stderr)
        return 1


_DATA_COMMANDS = (_cmd_data_refresh, _cmd_data_status, _cmd_data_list, _cmd_data_verify, _cmd_data_rehash)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
