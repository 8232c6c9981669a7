"""The network an assignment runs on: a generic directed link table on compiled arrays.

:class:`AssignmentNetwork` knows nothing about TNTP or the corridor dataset. Adapters
build it from arrays: :func:`instc.assignment.tntp.tntp_assignment_network` from a TNTP
folder, and a corridor adapter from the dataset's graph. Links are identified by
position; parallel links stay separate links. Costs are in one unit chosen by the
adapter (minutes for TNTP, hours or USD-equivalents for the corridor): the free-flow
time and the fixed cost term must use it.

Demand comes as :class:`UserClass` objects: a zones x zones matrix in the class's own
unit (vehicles, TEU, trucks), a PCE factor that converts it to the capacity unit, and
an optional mask of the links the class may use, and an optional per-link cost that only
this class pays (its own tariffs, or money over value of time).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from instc._errors import DataError
from instc.assignment._compact import CompactGraph, compact_graph
from instc.assignment.vdf import VDF_NAMES

__all__ = ["AssignmentNetwork", "UserClass"]


def _float_array(name: str, values: object, n: int) -> np.ndarray:
    arr = np.array(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise DataError(f"{name}: expected {n} values (one per link), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise DataError(f"{name}: link {bad} is not a finite number — fill it in")
    if np.any(arr < 0):
        bad = int(np.flatnonzero(arr < 0)[0])
        raise DataError(f"{name}: link {bad} is negative ({arr[bad]}) — costs must be >= 0")
    return arr


@dataclass(frozen=True, eq=False)
class AssignmentNetwork:
    """Directed links with a volume-delay function, and the zones demand starts from.

    Attributes (arrays have one entry per link unless stated)
    ----------------------------------------------------------
    from_node, to_node:
        0-based node indices (int64) in ``range(n_nodes)``.
    free_flow_time, capacity, alpha, beta:
        VDF parameters; ``vdf`` is "bpr", "conical" or "mixed" (then ``conical`` masks
        the conical links). Conical ignores ``beta``.
    fixed_cost:
        A flow-independent cost added to the link time (tolls, distance terms), in the
        same unit as ``free_flow_time``.
    zone_nodes:
        Node index of each zone, in the order of the demand matrices' rows and columns.
    no_through:
        Per node: ``True`` where a path may start or end but never pass through (TNTP
        zones below FIRST THRU NODE, corridor centroids).
    node_ids, name:
        Labels for reports (e.g. TNTP node numbers).
    """

    from_node: np.ndarray
    to_node: np.ndarray
    free_flow_time: np.ndarray
    capacity: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    fixed_cost: np.ndarray
    zone_nodes: np.ndarray
    no_through: np.ndarray
    n_nodes: int
    vdf: str = "bpr"
    node_ids: np.ndarray | None = field(default=None, repr=False)
    name: str = "network"
    conical: np.ndarray | None = field(default=None, repr=False)

    @property
    def is_conical(self) -> np.ndarray:
        """Per link: ``True`` where the conical function applies (else BPR)."""
        if self.conical is not None:
            return self.conical
        return np.full(self.n_links, self.vdf == "conical")

    @classmethod
    def from_arrays(
        cls,
        *,
        from_node: Sequence[int] | np.ndarray,
        to_node: Sequence[int] | np.ndarray,
        free_flow_time: Sequence[float] | np.ndarray,
        capacity: Sequence[float] | np.ndarray,
        alpha: float | Sequence[float] | np.ndarray = 0.15,
        beta: float | Sequence[float] | np.ndarray = 4.0,
        fixed_cost: float | Sequence[float] | np.ndarray = 0.0,
        zone_nodes: Sequence[int] | np.ndarray,
        no_through: Sequence[bool] | np.ndarray | None = None,
        n_nodes: int | None = None,
        vdf: str | Sequence[str] = "bpr",
        node_ids: Sequence[int] | np.ndarray | None = None,
        name: str = "network",
    ) -> AssignmentNetwork:
        """Validate arrays and build a network (0-based node indices).

        >>> net = AssignmentNetwork.from_arrays(from_node=[0, 1], to_node=[1, 2],
        ...     free_flow_time=[1.0, 2.0], capacity=[10.0, 10.0], zone_nodes=[0, 2])
        >>> net.n_links, net.n_nodes, net.n_zones
        (2, 3, 2)
        """
        a = np.asarray(from_node, dtype=np.int64)
        b = np.asarray(to_node, dtype=np.int64)
        if a.ndim != 1 or a.shape != b.shape:
            raise DataError("from_node and to_node must be 1-D arrays of the same length")
        n_links = a.shape[0]
        top = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
        n = top if n_nodes is None else int(n_nodes)
        if n_links and (min(a.min(), b.min()) < 0 or top > n):
            raise DataError(f"node indices must lie in 0..{n - 1}")
        kinds = np.array([vdf] * n_links if isinstance(vdf, str) else list(vdf), dtype=object)
        if kinds.shape != (n_links,):
            raise DataError(f"vdf: expected one name or {n_links} (one per link)")
        unknown = sorted({str(k) for k in kinds} - set(VDF_NAMES))
        if unknown:
            raise DataError(f"unknown vdf {unknown[0]!r} — use one of {', '.join(VDF_NAMES)}")
        conical = kinds == "conical"
        summary = "conical" if conical.all() and n_links else "mixed" if conical.any() else "bpr"
        fft = _float_array("free_flow_time", free_flow_time, n_links)
        cap = _float_array("capacity", capacity, n_links)
        al = _float_array("alpha", alpha, n_links)
        be = _float_array("beta", beta, n_links)
        fixed = _float_array("fixed_cost", fixed_cost, n_links)
        flow_dependent = (al > 0) & (fft > 0) & ((be > 0) | conical)
        if np.any(flow_dependent & (cap <= 0)):
            bad = int(np.flatnonzero(flow_dependent & (cap <= 0))[0])
            raise DataError(f"capacity: link {bad} has capacity 0 but a flow-dependent time")
        if np.any(conical & (al <= 1)):
            bad = int(np.flatnonzero(conical & (al <= 1))[0])
            raise DataError(f"alpha: link {bad} is conical and needs alpha > 1, got {al[bad]}")
        zones = np.asarray(zone_nodes, dtype=np.int64)
        if zones.ndim != 1 or (zones.size and (zones.min() < 0 or zones.max() >= n)):
            raise DataError(f"zone_nodes must be node indices in 0..{n - 1}")
        blocked = (
            np.zeros(n, dtype=np.bool_)
            if no_through is None
            else np.asarray(no_through, dtype=np.bool_)
        )
        if blocked.shape != (n,):
            raise DataError(f"no_through needs one flag per node ({n}), got {blocked.shape}")
        ids = None if node_ids is None else np.asarray(node_ids)
        if ids is not None and ids.shape != (n,):
            raise DataError(f"node_ids needs one label per node ({n}), got {ids.shape}")
        return cls(
            a,
            b,
            fft,
            cap,
            al,
            be,
            fixed,
            zones,
            blocked,
            n,
            summary,
            ids,
            name,
            conical if summary == "mixed" else None,
        )

    @classmethod
    def from_labels(
        cls,
        *,
        from_node: Sequence[Hashable],
        to_node: Sequence[Hashable],
        zones: Sequence[Hashable],
        no_through: Iterable[Hashable] = (),
        **links: Any,
    ) -> AssignmentNetwork:
        """Build a network from node *labels* (place ids, ``"IRBND:rail1520"``...).

        Zones keep the order of ``zones`` (the demand matrices' order); other nodes are
        numbered in order of appearance. ``no_through`` lists labels that paths may not
        pass through; ``links`` are the link arrays of :meth:`from_arrays`.

        >>> net = AssignmentNetwork.from_labels(from_node=["A", "X"], to_node=["X", "B"],
        ...     zones=["A", "B"], no_through=["A", "B"], free_flow_time=[1.0, 2.0],
        ...     capacity=[5.0, 5.0])
        >>> net.zone_nodes.tolist(), net.label(2), net.no_through.tolist()
        ([0, 1], 'X', [True, True, False])
        """
        index: dict[Hashable, int] = {}
        for label in list(zones) + list(from_node) + list(to_node):
            index.setdefault(label, len(index))
        if len(set(zones)) != len(zones):
            raise DataError("zones: each zone label may appear once")
        unknown = [label for label in no_through if label not in index]
        if unknown:
            raise DataError(f"no_through: {unknown[0]!r} is not a node of the link table")
        blocked = np.zeros(len(index), dtype=np.bool_)
        blocked[[index[label] for label in no_through]] = True
        return cls.from_arrays(
            from_node=[index[label] for label in from_node],
            to_node=[index[label] for label in to_node],
            zone_nodes=[index[label] for label in zones],
            no_through=blocked,
            n_nodes=len(index),
            node_ids=np.array(list(index), dtype=object),
            **links,
        )

    @property
    def n_links(self) -> int:
        return int(self.from_node.shape[0])

    @property
    def n_zones(self) -> int:
        return int(self.zone_nodes.shape[0])

    @cached_property
    def compact(self) -> CompactGraph:
        """The graph the kernel runs on (dead ends removed, chains contracted)."""
        return compact_graph(
            self.n_nodes, self.from_node, self.to_node, self.zone_nodes, self.no_through
        )

    def label(self, node: int) -> str:
        """The report label of a 0-based node index."""
        return str(node if self.node_ids is None else self.node_ids[node])


@dataclass(frozen=True, eq=False)
class UserClass:
    """One class of users: demand, capacity equivalent and the links it may use.

    ``demand[i, j]`` is the flow from zone ``i`` to zone ``j`` (zone order of the
    network) in the class's own unit; ``pce`` converts one unit to capacity units
    (a truck = 2.5 passenger cars, a TEU = 1/40 of a train slot...). ``permitted`` is a
    boolean mask over links (``None``: every link). ``fixed_cost`` is a per-link cost
    this class pays on top of the shared ``t(v) + fixed_cost`` (its own tariffs, or money
    over value of time), in the network's cost unit; it enters the objective as a linear
    term, so the equilibrium stays the solution of one convex program.
    """

    name: str
    demand: np.ndarray
    pce: float = 1.0
    permitted: np.ndarray | None = None
    fixed_cost: np.ndarray | None = None

    def checked(self, network: AssignmentNetwork) -> UserClass:
        """This class, with shapes and values checked against ``network``."""
        demand = np.asarray(self.demand, dtype=np.float64)
        z = network.n_zones
        if demand.shape != (z, z):
            raise DataError(
                f"class {self.name!r}: demand must be {z} x {z} (zones of {network.name}), "
                f"got {demand.shape}"
            )
        if not np.all(np.isfinite(demand)) or np.any(demand < 0):
            raise DataError(f"class {self.name!r}: demand must be finite and >= 0")
        if not (np.isfinite(self.pce) and self.pce > 0):
            raise DataError(f"class {self.name!r}: pce must be > 0, got {self.pce}")
        permitted = None
        if self.permitted is not None:
            permitted = np.asarray(self.permitted, dtype=np.bool_)
            if permitted.shape != (network.n_links,):
                raise DataError(
                    f"class {self.name!r}: permitted needs one flag per link "
                    f"({network.n_links}), got {permitted.shape}"
                )
        fixed = None
        if self.fixed_cost is not None:
            fixed = _float_array(
                f"class {self.name!r}: fixed_cost", self.fixed_cost, network.n_links
            )
        return UserClass(self.name, demand, float(self.pce), permitted, fixed)
