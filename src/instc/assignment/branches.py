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
    "ObservationSet",
    "branch_check",
    "branches_from_toml",
    "load_branches",
    "load_observation_sets",
    "network_branches",
    "network_observation_sets",
    "observation_sets_from_toml",
    "observed_branch_years",
    "other_observations",
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


@dataclass(frozen=True)
class ObservationSet:
    """Another observation of the branches (``[observed.NAME]``): one scope per branch."""

    name: str
    label: str
    scopes: tuple[tuple[str, str], ...]  # (branch name, demand.csv scope)


def load_observation_sets(
    path: str | Path | None = None, branches: tuple[Branch, ...] | None = None
) -> tuple[ObservationSet, ...]:
    """The ``[observed.*]`` tables of ``corridor.toml``: each names a scope for every branch.

    >>> [o.name for o in load_observation_sets()]
    ['rzd-rail-q1']
    """
    from instc._files import read_toml

    file = _DEFAULT if path is None else Path(path)
    data = read_toml(file, what="corridor TOML")
    branches = branches_from_toml(data, file) if branches is None else branches
    return observation_sets_from_toml(data, file, branches)


def network_observation_sets(network: object) -> tuple[ObservationSet, ...]:
    """The observation sets of the dataset ``network`` was loaded from."""
    from instc.network.contract import config_of

    spec = config_of(network).file("corridor.toml")
    return observation_sets_from_toml(spec.doc, spec.path, branches_from_toml(spec.doc, spec.path))


def observation_sets_from_toml(
    data: Mapping[str, Any], file: str | Path, branches: tuple[Branch, ...]
) -> tuple[ObservationSet, ...]:
    """The ``[observed.*]`` tables of a parsed corridor TOML read from ``file``."""
    out = []
    for name, spec in data.get("observed", {}).items():
        missing = [b.name for b in branches if b.name not in spec]
        if missing:
            raise DataError(
                f"{file}: [observed.{name}] has no scope for branch {missing[0]} — add "
                f'{missing[0]} = "SCOPE"'
            )
        out.append(
            ObservationSet(
                name=name,
                label=str(spec.get("label", name)),
                scopes=tuple((b.name, str(spec[b.name])) for b in branches),
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


def other_observations(
    network: Network,
    check: pd.DataFrame,
    year: int,
    sets: tuple[ObservationSet, ...] | None = None,
) -> pd.DataFrame:
    """For each observation set whose actual rows cover every branch in ``year``: one row
    per branch with the set, the model share (from ``check``, :func:`branch_check`), the
    observed tonnes and share within the set, the demand row and its sources."""
    import pandas as pd

    sets = network_observation_sets(network) if sets is None else sets
    model = dict(zip(check["branch"], check["model_share"], strict=True))
    rows = []
    for obs in sets:
        found = [(b, _observed(network, scope, year)) for b, scope in obs.scopes]
        present = [(b, o) for b, o in found if o is not None]
        if len(present) < len(found):
            continue
        total = sum(o["volume_t"] for _, o in present)
        for b, o in present:
            rows.append(
                {
                    "set": obs.name,
                    "label": obs.label,
                    "branch": b,
                    "model_share": model.get(b, math.nan),
                    "observed_t": o["volume_t"],
                    "observed_share": o["volume_t"] / total if total > 0 else math.nan,
                    "demand_id": o["demand_id"],
                    "source_ids": list(o["source_ids"]),
                }
            )
    columns = ["set", "label", "branch", "model_share", "observed_t", "observed_share"]
    return pd.DataFrame(rows, columns=[*columns, "demand_id", "source_ids"])
