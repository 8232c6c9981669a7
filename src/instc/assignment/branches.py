"""Model vs observed branch shares: the check of the corridor assignment.

The corridor's branches (``[branch.NAME]`` in ``corridor.toml``: western via Azerbaijan,
the Caspian ports, eastern via Kazakhstan–Turkmenistan) each cover route families of
``families.toml`` and name the ``demand.csv`` scope of their observed volumes. For a year
in which an ``actual`` row covers every branch, the observed share of a branch is its
volume over the branches' sum; the model's share is the assigned tonnes on the branch's
families over the same sum for the model. Shares are taken among the branches only
(deep-sea flows are outside both sums). A year with some branches missing shows the
observed volumes it has and no share: volumes of different scopes are not mixed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError

if TYPE_CHECKING:
    import pandas as pd

    from instc.assignment.corridor import CorridorAssignment
    from instc.network.model import Network

__all__ = [
    "Branch",
    "branch_check",
    "branches_from_toml",
    "load_branches",
    "network_branches",
    "observed_branch_years",
]

_DEFAULT = Path(__file__).resolve().parents[1] / "data" / "corridor.toml"


@dataclass(frozen=True)
class Branch:
    """A branch of the corridor: its route families and its observed-volume scope."""

    name: str
    label: str
    families: tuple[str, ...]
    scope: str


def load_branches(path: str | Path | None = None) -> tuple[Branch, ...]:
    """The ``[branch.*]`` tables of a corridor TOML file (default: the embedded one).

    >>> [b.name for b in load_branches()]
    ['western', 'caspian', 'eastern']
    """
    from instc._files import read_toml

    file = _DEFAULT if path is None else Path(path)
    return branches_from_toml(read_toml(file, what="corridor TOML"), file)


def network_branches(network: object) -> tuple[Branch, ...]:
    """The branches of the dataset ``network`` was loaded from (its ``corridor.toml``,
    else the embedded one)."""
    from instc.network.contract import config_of

    spec = config_of(network).file("corridor.toml")
    return branches_from_toml(spec.doc, spec.path)


def branches_from_toml(data: Mapping[str, Any], file: str | Path) -> tuple[Branch, ...]:
    """The ``[branch.*]`` tables of a parsed corridor TOML read from ``file``."""
    out = []
    for name, spec in data.get("branch", {}).items():
        for key in ("families", "scope"):
            if key not in spec:
                raise DataError(f"{file}: [branch.{name}] has no {key} — add it")
        out.append(
            Branch(
                name=name,
                label=str(spec.get("label", name)),
                families=tuple(str(f) for f in spec["families"]),
                scope=str(spec["scope"]),
            )
        )
    return tuple(out)


def _observed(network: Network, scope: str, year: int) -> dict[str, Any] | None:
    """The ``actual`` row of ``scope`` in ``year`` (in t), or None."""
    demand = network.tables["demand"]
    rows = demand.loc[
        (demand["scope"] == scope)
        & (demand["year"] == year)
        & (demand["kind"] == "actual")
        & (demand["unit"] == "t")
    ]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {
        "volume_t": float(row["volume"]),
        "demand_id": str(row["demand_id"]),
        "source_ids": tuple(row["source_ids"] or ()),
    }


def observed_branch_years(
    network: Network, branches: tuple[Branch, ...] | None = None
) -> tuple[int, ...]:
    """The years in which an actual row covers every branch (the years with a check)."""
    branches = network_branches(network) if branches is None else branches
    demand = network.tables["demand"]
    years = sorted({int(y) for y in demand["year"]})
    return tuple(
        y for y in years if all(_observed(network, b.scope, y) is not None for b in branches)
    )


def branch_check(
    network: Network, result: CorridorAssignment, branches: tuple[Branch, ...] | None = None
) -> pd.DataFrame:
    """One row per branch: model tonnes and share, observed tonnes and share (NaN when
    the year's observations do not cover every branch), the demand row and its sources."""
    import pandas as pd

    branches = network_branches(network) if branches is None else branches
    totals = result.family_totals().set_index("family")["volume_t"]
    model = {b.name: float(sum(totals.get(f, 0.0) for f in b.families)) for b in branches}
    observed = {b.name: _observed(network, b.scope, result.year) for b in branches}
    complete = all(o is not None for o in observed.values())
    model_sum = sum(model.values())
    obs_sum = sum(o["volume_t"] for o in observed.values() if o is not None)
    rows = []
    for b in branches:
        o = observed[b.name]
        rows.append(
            {
                "branch": b.name,
                "label": b.label,
                "families": list(b.families),
                "model_t": model[b.name],
                "model_share": model[b.name] / model_sum if model_sum > 0 else math.nan,
                "observed_t": o["volume_t"] if o else math.nan,
                "observed_share": (
                    o["volume_t"] / obs_sum if (o and complete and obs_sum > 0) else math.nan
                ),
                "demand_id": o["demand_id"] if o else "",
                "source_ids": list(o["source_ids"]) if o else [],
            }
        )
    return pd.DataFrame(rows)
