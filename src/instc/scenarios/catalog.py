"""The bundled scenarios (``instc/data/scenarios/*.toml``) and finding a scenario by name.

Files whose name starts with ``_`` in that directory are not scenarios (the default OD
pairs of ``scenario run`` live there).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from instc._errors import ScenarioError
from instc._names import did_you_mean
from instc.scenarios.parse import parse_scenario, read_scenario
from instc.scenarios.schema import Scenario

__all__ = ["bundled_dir", "bundled_names", "find_scenario", "load_bundled", "resolve_parent"]


def bundled_dir() -> Path:
    """The directory of the scenarios shipped with the package."""
    return Path(str(files("instc.data") / "scenarios"))


def bundled_names() -> list[str]:
    """Names of the bundled scenarios (file stems), sorted."""
    directory = bundled_dir()
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.toml") if not p.name.startswith("_"))


def load_bundled(name: str) -> Scenario:
    """The bundled scenario ``name``; an unknown name suggests the closest one."""
    names = bundled_names()
    if name not in names:
        raise ScenarioError(
            f"unknown scenario {name!r} — "
            f"{did_you_mean(name, names, 'instc scenario list')}; or give a path to a .toml file"
        )
    path = bundled_dir() / f"{name}.toml"
    text = path.read_text(encoding="utf-8")
    return parse_scenario(text, file=f"bundled:{name}.toml")


def find_scenario(name_or_path: str, *, relative_to: Path | None = None) -> Scenario:
    """A scenario by bundled name, or by path to a TOML file (relative paths are taken
    from ``relative_to`` when given, else from the working directory)."""
    looks_like_path = name_or_path.endswith(".toml") or "/" in name_or_path
    if looks_like_path:
        path = Path(name_or_path)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        return read_scenario(path)
    return load_bundled(name_or_path)


def resolve_parent(parent: str, child: Scenario) -> Scenario:
    """The parent of ``child``: a bundled name, or a path relative to the child's file
    (for a bundled scenario: to the bundled directory)."""
    base = None
    if child.file.startswith("bundled:"):
        base = bundled_dir()
    elif not child.file.startswith("<"):
        base = Path(child.file).parent
    return find_scenario(parent, relative_to=base)
