"""Assignment networks built from TNTP benchmark folders.

Zones ``1..NUMBER OF ZONES`` are nodes; nodes numbered below ``FIRST THRU NODE`` get the
no-through flag, so paths may start or end there but never pass through. The
generalized cost is ``time + toll_factor * toll + distance_factor * length`` (the
factors come from :data:`instc.network.tntp.KNOWN_COST_FACTORS` or the caller).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from instc.assignment.network import AssignmentNetwork, UserClass
from instc.network.tntp import TNTPNetwork, read_tntp

__all__ = ["load_tntp", "tntp_assignment_network"]


def tntp_assignment_network(
    tntp: TNTPNetwork, *, first_thru_node: int | None = None
) -> AssignmentNetwork:
    """The :class:`AssignmentNetwork` of a TNTP instance (node ``i`` -> index ``i - 1``).

    ``first_thru_node`` overrides the file's value (e.g. 1 to ignore the rule).
    """
    links = tntp.links
    n = tntp.number_of_nodes
    ftn = tntp.first_thru_node if first_thru_node is None else first_thru_node
    node_numbers = np.arange(1, n + 1)
    return AssignmentNetwork.from_arrays(
        from_node=links["init_node"].to_numpy() - 1,
        to_node=links["term_node"].to_numpy() - 1,
        free_flow_time=links["free_flow_time"].to_numpy(),
        capacity=links["capacity"].to_numpy(),
        alpha=links["b"].to_numpy(),
        beta=links["power"].to_numpy(),
        fixed_cost=tntp.fixed_cost,
        zone_nodes=np.arange(tntp.number_of_zones),
        no_through=node_numbers < ftn,
        n_nodes=n,
        vdf="bpr",
        node_ids=node_numbers,
        name=tntp.name,
    )


def load_tntp(
    directory: str | Path,
    *,
    toll_factor: float | None = None,
    distance_factor: float | None = None,
) -> tuple[AssignmentNetwork, UserClass, TNTPNetwork]:
    """Read a TNTP folder and return ``(network, demand, tntp)`` ready for ``assign``."""
    tntp = read_tntp(directory, toll_factor=toll_factor, distance_factor=distance_factor)
    network = tntp_assignment_network(tntp)
    return network, UserClass("trips", tntp.demand), tntp
