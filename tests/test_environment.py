"""pyproject.toml, environment.yml and requirements/lock.txt must name the same packages.

pyproject.toml is the source of truth for *what* we depend on; environment.yml repeats
it for conda users; requirements/lock.txt pins the exact versions that passed the tests.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    name = re.split(r"[<>=!~\[; ]", spec.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _spec(spec: str) -> str:
    return re.sub(r"\s+", "", spec.split(";")[0]).lower().replace("_", "-")


def _pyproject_specs() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        specs += extra
    return {_name(s): _spec(s) for s in specs}


#: packages conda-forge names differently from PyPI (the name as written in environment.yml)
CONDA_FORGE_NAMES = {"jupyter-client": "jupyter_client"}
#: packages that are not on conda-forge and must be in environment.yml's pip section
PIP_ONLY = {"pyjstat"}


def _env_deps() -> tuple[list[str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [p for d in env["dependencies"] if isinstance(d, dict) for p in d.get("pip", [])]
    return conda, pip


def _conda_specs() -> dict[str, str]:
    conda, pip = _env_deps()
    out = {}
    for dep in conda + pip:
        if _name(dep) not in {"python", "pip"}:
            out[_name(dep)] = _spec(dep)
    return out


def test_environment_yml_uses_conda_forge_names_and_pip_for_the_rest():
    conda, pip = _env_deps()
    written = {re.split(r"[<>=!~ ]", d.strip(), maxsplit=1)[0] for d in conda}
    for pypi, forge in CONDA_FORGE_NAMES.items():
        assert forge in written and pypi not in written, f"conda-forge calls {pypi} {forge}"
    assert {_name(p) for p in pip} == PIP_ONLY, "pip-only packages belong in the pip: section"
    assert not (PIP_ONLY & {_name(d) for d in conda}), "a pip-only package is listed as a conda package"


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py, conda = _pyproject_specs(), _conda_specs()
    assert sorted(set(py) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(py)) == [], "in environment.yml but not pyproject.toml"


def test_environment_yml_uses_the_same_version_bounds():
    py, conda = _pyproject_specs(), _conda_specs()
    differ = {n: (py[n], conda[n]) for n in py if n in conda and py[n] != conda[n]}
    assert differ == {}


def test_every_dependency_is_pinned_in_the_lock_file():
    lock = _lock()
    missing = sorted(set(_pyproject_specs()) - set(lock))
    assert missing == [], f"not pinned in requirements/lock.txt: {missing}"
    assert all(re.fullmatch(r"\d+(\.\d+)*([a-z0-9.+-]*)?", v) for v in lock.values()), lock


def test_lock_pins_satisfy_pyproject_lower_bounds():
    from packaging.specifiers import SpecifierSet

    lock = _lock()
    for name, spec in _pyproject_specs().items():
        bounds = spec[len(name):] if spec.startswith(name) else ""
        if bounds:
            assert lock[name] in SpecifierSet(bounds), f"{name}=={lock[name]} violates {bounds}"


def test_makefile_installs_from_the_lock_file():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c requirements/lock.txt" in makefile
