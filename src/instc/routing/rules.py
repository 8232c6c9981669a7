"""Carrier rules: legal restrictions on who may carry cargo on some links.

A :class:`FlagRule` governs the sea and ferry links of a water body (selected by data:
modes and a bounding box in ``rules.toml``) and allows only vessels of some flags.
The routing functions take ``vessel_flag``: a flag not allowed by a rule hides the
links it governs; ``vessel_flag=None`` keeps them and the option lists the rule among
its assumptions. Scenarios toggle a rule with :func:`dataclasses.replace` (``enabled``)
and pass the result as ``rules=``.

>>> rule = default_rules()[0]
>>> rule.rule_id, "TR" in rule.allowed_flags, rule.enabled  # a scenario, off in the baseline
('caspian_littoral_flag', False, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from instc.network.contract import ConfigFile
    from instc.network.graph import Graph

__all__ = ["FlagRule", "default_rules", "read_rules", "rules_for", "rules_from_toml"]


@dataclass(frozen=True)
class FlagRule:
    """Links of ``modes`` with both ends inside the box may only carry ``allowed_flags``."""

    rule_id: str
    description: str
    modes: tuple[str, ...]
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float
    allowed_flags: tuple[str, ...]
    source_ids: tuple[str, ...]
    enabled: bool = True

    def governs(self, graph: Graph) -> np.ndarray:
        """Boolean mask over ``graph``'s edges: the edges this rule applies to."""
        import numpy as np

        inside = {
            place: self.lon_min <= lon <= self.lon_max and self.lat_min <= lat <= self.lat_max
            for place, (lon, lat) in graph.place_lonlat.items()
        }
        places = graph.node_place
        return np.fromiter(
            (
                graph.mode[e] in self.modes
                and inside.get(places[graph.edge_from[e]], False)
                and inside.get(places[graph.edge_to[e]], False)
                for e in range(graph.n_edges)
            ),
            dtype=bool,
            count=graph.n_edges,
        )

    def allows(self, vessel_flag: str | None) -> bool:
        return not self.enabled or vessel_flag is None or vessel_flag in self.allowed_flags

    def assumption(self) -> str:
        flags = ", ".join(self.allowed_flags)
        return (
            f"{self.rule_id}: legs on these waters are carried by a vessel flying the flag of "
            f"{flags} — {self.description} [{'; '.join(self.source_ids)}]"
        )


def read_rules(path: str | Path) -> tuple[FlagRule, ...]:
    """The rules of a rules TOML file (checked by ``instc validate`` for a data folder)."""
    from instc._files import read_toml

    return rules_from_toml(read_toml(path, what="rules file"), path)


def rules_from_toml(data: Mapping[str, Any], path: str | Path) -> tuple[FlagRule, ...]:
    """The rules of a parsed rules TOML document read from ``path``."""
    from instc._errors import DataError

    try:
        return tuple(
            FlagRule(
                rule_id=key,
                description=str(v["description"]),
                modes=tuple(v["modes"]),
                lat_min=float(v["lat_min"]),
                lat_max=float(v["lat_max"]),
                lon_min=float(v["lon_min"]),
                lon_max=float(v["lon_max"]),
                allowed_flags=tuple(v["allowed_flags"]),
                source_ids=tuple(v.get("source_ids", ())),
                enabled=bool(v.get("enabled", True)),
            )
            for key, v in data.items()
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{path}: a rule lacks or misstates {exc} — run instc validate") from exc


def default_rules() -> tuple[FlagRule, ...]:
    """The rules of the embedded dataset (``instc/routing/rules.toml``)."""
    return rules_for(None)


def rules_for(network: object) -> tuple[FlagRule, ...]:
    """The rules of the dataset ``network`` was loaded from (its ``rules.toml``, else the
    embedded one)."""
    from instc.network.contract import config_of

    return _rules_of(config_of(network).file("rules.toml"))


@cache
def _rules_of(file: ConfigFile) -> tuple[FlagRule, ...]:
    return rules_from_toml(file.doc, file.path)
