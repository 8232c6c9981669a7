"""The package's shape: no import circles, and no package name that hides a module.

The import graph is read from the source (AST), not by importing: every ``import
instc...`` / ``from instc... import`` a module runs, at top level or inside a function,
is an edge; imports under ``if TYPE_CHECKING:`` never run and are not.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import instc
from instc._errors import UnknownNameError
from instc._names import did_you_mean
from instc.network.schema import CARGO_CLASSES

SRC = Path(instc.__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((SRC / "instc").rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(name: str, path: Path) -> set[str]:
    """The instc modules that module ``name`` imports when it runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def target(base: str, item: str) -> str:
        full = f"{base}.{item}"
        return full if full in MODULES else base

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if not _type_checking_only(node):
                self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(a.name for a in node.names if a.name.split(".")[0] == "instc")

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            base = node.module or ""
            if node.level:
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, base] if base else kept)
            if base.split(".")[0] == "instc":
                found.update(target(base, a.name) for a in node.names)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (a list of modules, first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def test_the_cycle_finder_finds_a_circle_and_accepts_a_tree() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_import_reader_sees_function_level_imports_but_not_type_checking_ones(
    tmp_path: Path,
) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from instc.service import route\n"
        "def f():\n    from instc.network import load\n    import instc.units\n",
        encoding="utf-8",
    )
    assert _imported("instc.m", module) == {"instc.network.load", "instc.units"}


def test_instc_has_no_import_circles() -> None:
    graph = {name: _imported(name, path) & set(MODULES) for name, path in MODULES.items()}
    circle = _cycle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle or [])


_HIDDEN = """
import importlib, json, pkgutil, sys
name = sys.argv[1]
package = importlib.import_module(name)
bound = dict(vars(package))
lazy = bound.get("__getattr__")
exported = set(bound) | set(bound.get("__all__", ()))
hiding = []
for info in pkgutil.iter_modules(package.__path__):
    if info.name not in exported:
        continue
    values = [bound[info.name]] if info.name in bound else []
    if lazy is not None:
        try:
            values.append(lazy(info.name))
        except AttributeError:
            pass
    module = importlib.import_module(name + "." + info.name)
    if any(v is not module for v in values):
        hiding.append(info.name)
print(json.dumps(hiding))
"""

PACKAGES = ["instc"] + [
    info.name for info in pkgutil.walk_packages(instc.__path__, "instc.") if info.ispkg
]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_package_name_hides_a_submodule(package: str) -> None:
    """``instc.routing.pareto`` is the module ``instc/routing/pareto.py`` before and
    after anything imports it: no name bound by the package's ``__init__``, listed in
    its ``__all__`` or served by its lazy ``__getattr__`` is a submodule's name, unless
    it is that module. Each package is imported alone, in a fresh interpreter."""
    run = subprocess.run(
        [sys.executable, "-c", _HIDDEN, package], capture_output=True, text=True, check=True
    )
    hiding = json.loads(run.stdout)
    assert hiding == [], f"{package}: {hiding} hide submodules of the same name"


def test_one_did_you_mean_format() -> None:
    """Every "did you mean" hint comes from instc._names (one wording: the closest names
    quoted, then the valid names or where to see them), never from a message of its own."""
    src = Path(instc.__file__).parent
    own = [
        f"{path.relative_to(src)}:{number}"
        for path in sorted(src.rglob("*.py"))
        if path.name != "_names.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "did you mean" in line.lower() and not line.lstrip().startswith(("#", ">>>"))
    ]
    assert own == [], own


MODES = "(valid: sea, rail, road, ferry, inland_waterway, pipeline)"
CARGO = "(valid: container, bulk, liquid, truck, passenger)"
LONG = [f"n{i}" for i in range(20)]  # too many to list
HINTS = [
    (lambda: str(UnknownNameError("mode", "rial", ["rail"])), f"did you mean 'rail'? {MODES}"),
    (lambda: str(UnknownNameError("mode", "zzz")), "unknown mode 'zzz' — " + MODES[1:-1]),
    (lambda: did_you_mean("contaner", CARGO_CLASSES), f"did you mean 'container'? {CARGO}"),
    (lambda: did_you_mean("S9x", ["S1", "S2", "S3"]), "valid: S1, S2, S3"),
    (lambda: did_you_mean("zz", LONG, "instc sources"), "see instc sources"),
]


@pytest.mark.parametrize(("make", "expected"), HINTS)
def test_the_hint_reads_the_same_everywhere(make, expected) -> None:  # type: ignore[no-untyped-def]
    assert make().endswith(expected)
