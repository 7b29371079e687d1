"""The project's shape: it runs from its own files, and the imports of ``src/helpers/`` point
one way — core -> notebook side -> workbook modules -> runner -> cli (docs/CONTRACTS.md,
"Layers").

The boundary test reads every module's imports with ``ast`` — function-level imports
included, since a lazy import is still a dependency — and fails on an import against the
layer table and on any import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "src" / "helpers"

# built from parts so that this file does not itself contain the forbidden reference
FORBIDDEN = ["/".join(["..", "shared"]), "/".join(["", "work", "shared"])]
# (provenance texts may name the reference folder's files; only paths that could be read count)
SCANNED = ["src", "tests", "notebooks", "tools", "benchmarks", "Makefile", "pyproject.toml", ".ci"]

# ----------------------------------------------------------------------------- the layer table
#: layer of every module (a package name covers its submodules); rank = position in LAYERS
LAYERS = ["core", "notebook", "workbooks", "runner", "cli"]
LAYER_OF = {
    "helpers": "core",  # the package itself (__version__)
    "helpers.paths": "core",
    "helpers.settings": "core",
    "helpers.i18n": "core",
    "helpers.catalogues": "core",
    "helpers.regions": "core",
    "helpers.snapshot": "core",
    "helpers.params": "core",
    "helpers.analysis": "core",
    "helpers.catalog": "core",
    "helpers.sources": "core",
    "helpers.refresh": "core",
    "helpers.display": "notebook",
    "helpers.plotting": "notebook",
    "helpers.provenance": "notebook",
    "helpers.keyfigures": "notebook",
    "helpers.downloads": "notebook",
    "helpers.notebook": "notebook",
    "helpers.workbooks": "workbooks",
    "helpers.runner": "runner",
    "helpers.cli": "cli",
}
#: what a layer may import besides its own layer and the layers below it
NARROWER = {
    # the runner knows notebooks only through their parameters and the two output contracts
    # (key figures, data downloads): it imports core, keyfigures and downloads, never
    # plotting, provenance, display or workbook modules
    "runner": {"core", "helpers.keyfigures", "helpers.downloads"},
}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py")) if "__pycache__" not in p.parts}


def layer(name: str) -> str | None:
    if name == "helpers":
        return LAYER_OF["helpers"]
    best = None
    for prefix, lay in LAYER_OF.items():
        if prefix == "helpers":
            continue  # the package itself, not its submodules
        if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, lay)
    return best[1] if best else None


def project_imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the module, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def add(target: str, line: int) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.append((target, line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "helpers" or alias.name.startswith("helpers."):
                    add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not (mod == "helpers" or mod.startswith("helpers.")):
                continue
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                add(sub if sub in known else mod, node.lineno)
    return found


def import_graph() -> dict[str, list[tuple[str, int]]]:
    mods = modules()
    known = set(mods)
    return {name: project_imports(name, path, known) for name, path in mods.items()}


def allowed(src: str, dst: str) -> bool:
    a, b = layer(src), layer(dst)
    if a is None or b is None:
        return False
    if a in NARROWER and a != b:
        return b in NARROWER[a] or dst in NARROWER[a] or any(dst.startswith(x + ".") for x in NARROWER[a])
    return LAYERS.index(b) <= LAYERS.index(a)


def cycles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w, _ in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# ----------------------------------------------------------------------------- tests


def test_every_module_has_a_layer():
    assert [m for m in modules() if layer(m) is None] == []


def test_imports_point_one_way():
    graph = import_graph()
    bad = [f"{src} ({layer(src)}) imports {dst} ({layer(dst)}) at line {line}"
           for src, targets in graph.items() for dst, line in targets if not allowed(src, dst)]
    assert bad == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_boundary_test_catches_a_wrong_way_import_and_a_cycle(tmp_path):
    # the checker itself: a runner module importing plotting, and two core modules in a loop
    assert not allowed("helpers.runner.execute", "helpers.plotting")
    assert not allowed("helpers.runner.execute", "helpers.workbooks.region_profile")
    assert allowed("helpers.runner.execute", "helpers.keyfigures")
    assert allowed("helpers.runner.execute", "helpers.params")
    assert not allowed("helpers.snapshot", "helpers.display")
    assert allowed("helpers.cli", "helpers.runner")
    assert cycles({"a": [("b", 1)], "b": [("c", 1)], "c": [("a", 1)], "d": [("a", 1)]}) == [["a", "b", "c"]]
    src = tmp_path / "helpers" / "x.py"
    src.parent.mkdir()
    src.write_text("def f():\n    from .plotting import bar_chart\n", encoding="utf-8")
    (tmp_path / "helpers" / "plotting.py").write_text("", encoding="utf-8")
    global PACKAGE_DIR
    saved, PACKAGE_DIR = PACKAGE_DIR, tmp_path / "helpers"
    try:
        found = project_imports("helpers.x", src, {"helpers.x", "helpers.plotting"})
    finally:
        PACKAGE_DIR = saved
    assert found == [("helpers.plotting", 2)]  # a function-level import counts


def _files():
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in path.rglob("*"):
                if f.is_file() and f.suffix not in {".png", ".pyc", ".sqlite", ".gpkg"} and "__pycache__" not in f.parts:
                    yield f


def test_no_project_file_refers_to_the_shared_reference_folder():
    offenders = []
    for f in _files():
        text = f.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{f.relative_to(ROOT)}: {pat}" for pat in FORBIDDEN if pat in text]
    assert offenders == []


@pytest.mark.parametrize("limit", [600])
def test_no_module_is_over_the_size_limit(limit):
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {n: s for n, s in sizes.items() if s > limit} == {}


def test_make_test_lints_every_python_file_and_notebook():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    linted = " ".join(text.split("LINTED :=", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ").split())
    test_recipe = text.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/ruff check $(LINTED)" in test_recipe
    for entry in ("src", "tests", "benchmarks", "notebooks", "tools/import_reference"):
        assert entry in linted.split()
    scripts = [p for p in (ROOT / "tools").iterdir() if p.is_file() and p.read_text(errors="replace").startswith(
        "#!/usr/bin/env python")]
    assert scripts and [p.name for p in scripts if f"tools/{p.name}" not in linted.split()] == []
