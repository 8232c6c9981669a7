"""The demand-weighted origin–destination set that criticality is measured on.

The default set is data: ``instc/data/criticality.toml`` names a pairs file (the
``[[pair]]`` tables of ``instc scenario run``) and the weights with their method. A
user's pairs file has the same ``[[pair]]`` tables (origin, destination, cargo, optional
group) plus an optional ``weight`` (a number >= 0; default 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from instc._errors import DataError

__all__ = [
    "DEFAULT_WEIGHT_METHOD",
    "WeightedOD",
    "as_ods",
    "default_ods",
    "ods_from_toml",
    "read_ods",
]

DEFAULT_WEIGHT_METHOD = "weights as given"
_CONFIG = "criticality.toml"


@dataclass(frozen=True)
class WeightedOD:
    """An origin–destination pair, its cargo class and its weight in the OD set.

    >>> WeightedOD("INNSA", "RU-MOSCOW").label
    'INNSA→RU-MOSCOW (container)'
    """

    origin: str
    destination: str
    cargo: str = "container"
    weight: float = 1.0
    group: str = ""

    @property
    def label(self) -> str:
        return f"{self.origin}→{self.destination} ({self.cargo})"


def _weight(value: Any, where: str) -> float:
    """A weight given in Python (not in a file: the contract checks those)."""
    from instc.network.contract import finite_number

    if not finite_number(value):
        raise DataError(f"{where}: weight {value!r} is not a number >= 0 — give a finite one")
    return float(value)


def read_ods(
    path: str | Path, *, default_weight: float = 1.0, network: Any = None
) -> tuple[WeightedOD, ...]:
    """The OD set of a TOML file of ``[[pair]]`` tables (origin, destination, cargo,
    optional group and weight), checked by the data contract's rules for a pairs file
    (:func:`instc.network.contract.read_given`; places against ``network`` when given)."""
    from instc.network.contract import read_given
    from instc.network.places import place_check

    file = read_given(path, "pairs", network, place_check(network))
    return ods_from_toml(file.doc, file.path, default_weight)


def ods_from_toml(
    doc: Mapping[str, Any], path: str | Path, default_weight: float = 1.0
) -> tuple[WeightedOD, ...]:
    """The OD set of a pairs document the data contract checked, read from ``path``; a
    pair without a ``weight`` gets ``default_weight``."""
    from instc.scenarios.diff import pairs_from_toml

    out = [
        WeightedOD(
            pair.origin,
            pair.destination,
            pair.cargo,
            float(table.get("weight", default_weight)),
            pair.group,
        )
        for pair, table in zip(pairs_from_toml(doc), doc["pair"], strict=True)
    ]
    if sum(od.weight for od in out) <= 0:
        raise DataError(f"{path}: every pair has weight 0 — give at least one a positive weight")
    return tuple(out)


def default_ods(network: Any = None) -> tuple[tuple[WeightedOD, ...], str]:
    """The default OD set and the method of its weights: ``criticality.toml`` of the
    dataset ``network`` was loaded from, else the bundled one
    (``instc/data/criticality.toml``), and the pairs file it names."""
    from instc.network.contract import config_of

    config = config_of(network)
    spec = config.file(_CONFIG).doc  # checked by the contract with its data folder
    pairs = config.file(str(spec["pairs"]["file"]))
    weights = spec["weights"]
    return ods_from_toml(pairs.doc, pairs.path, float(weights["default"])), str(weights["method"])


def as_ods(
    ods: str | Path | Iterable[WeightedOD | Sequence[Any]] | None,
    *,
    network: Any = None,
) -> tuple[tuple[WeightedOD, ...], str]:
    """Normalise ``ods``: ``None`` (the bundled set), a pairs file, or pairs given as
    :class:`WeightedOD` or tuples ``(origin, destination[, cargo[, weight]])``.

    Returns the OD set and the method of its weights.

    >>> ods, method = as_ods([("A", "B"), ("A", "C", "bulk", 2.0)])
    >>> [(od.label, od.weight) for od in ods]
    [('A→B (container)', 1.0), ('A→C (bulk)', 2.0)]
    """
    from instc.network.schema import CARGO_CLASSES

    if ods is None:
        return default_ods(network)
    if isinstance(ods, str | Path):
        return read_ods(ods, network=network), f"weights from {ods} (1 where a pair gives none)"
    out: list[WeightedOD] = []
    for i, item in enumerate(ods):
        if isinstance(item, WeightedOD):
            od = item
        elif isinstance(item, list | tuple) and 2 <= len(item) <= 4:
            origin, destination, *rest = item
            cargo = str(rest[0]) if rest else "container"
            weight = _weight(rest[1], f"OD {i + 1}") if len(rest) > 1 else 1.0
            od = WeightedOD(str(origin), str(destination), cargo, weight)
        else:
            raise DataError(
                f"OD {i + 1}: {item!r} is not a pair — give (origin, destination[, cargo"
                "[, weight]]) or a WeightedOD"
            )
        if od.cargo not in CARGO_CLASSES:
            raise DataError(
                f"OD {i + 1}: unknown cargo {od.cargo!r} — use one of {', '.join(CARGO_CLASSES)}"
            )
        _weight(od.weight, f"OD {i + 1}")
        out.append(od)
    if not out:
        raise DataError("the OD set is empty — give at least one (origin, destination) pair")
    if sum(od.weight for od in out) <= 0:
        raise DataError("every OD has weight 0 — give at least one a positive weight")
    return tuple(out), DEFAULT_WEIGHT_METHOD
