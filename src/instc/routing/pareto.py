"""The exact Pareto set over (cost, time, CO2e): multi-criteria label setting.

Martins' label-setting algorithm (Martins 1984, EJOR 16:236-245): labels (cost, time,
co2e) are settled in lexicographic order from a priority queue; a label is dropped when
another label at the same node is at least as good in all three criteria, and — as in
NAMOA* (Mandow & Pérez de la Cruz 2010) — when the label plus a lower bound on the rest
of the way (one reverse Dijkstra per criterion) is already matched by an option found.
Every weight is non-negative, so the labels left at the destination are exactly the
non-dominated options; options with equal totals are reported once.

Driver rests are counted per run of road legs (:func:`instc.routing._legs.road_rests_h`):
a label also carries the driver's clock (hours driven in the current road run) and its
time includes the rests already due, ``ceil(clock / d) - 1``. A label beats another at
the same node only if its clock is no later and it stays no worse on time even when
the rests its later clock has already paid are counted against it (``time_1 + rest ×
(ceil(c_2/d) - ceil(c_1/d)) <= time_2``), so the front is exact on these totals. The
remaining-way lower bounds use the per-link rests, which never exceed the rests of a run.
Since a detour off the road and back could reset the clock, the options are routes
that enter each place once (and use each layer once per stay), as :func:`alternatives`
reports them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._csr import row_pointer
from instc.network.graph import is_service_layer, rest_count
from instc.routing._constraints import make_request
from instc.routing._legs import make_option
from instc.routing._search import Problem, build_problem, compile_problem, no_route
from instc.routing.results import RouteOptions
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from instc.network.model import Network
    from instc.routing.results import RouteOption
    from instc.routing.rules import FlagRule

__all__ = ["CRITERIA_3", "non_dominated", "pareto", "pareto_paths", "place_layers", "road_clock"]

CRITERIA_3 = ("cost_usd", "time_h", "co2e_kg")


def pareto(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str = "container",
    as_of: Any = None,
    avoid: Mapping[str, Iterable[str]] | None = None,
    via: Sequence[str | Sequence[str]] = (),
    vessel_flag: str | None = None,
    rules: Sequence[FlagRule] | None = None,
    tonnes_per_unit: float | None = None,
) -> RouteOptions:
    """Every non-dominated option over (cost_usd, time_h, co2e_kg), cheapest first.

    Takes the same places and constraints as :func:`instc.routing.route`; raises
    :class:`~instc._errors.NoRouteError` when nothing is left.
    """
    req = make_request(
        network,
        origin,
        destination,
        cargo=cargo,
        as_of=as_of,
        avoid=avoid,
        via=via,
        vessel_flag=vessel_flag,
        rules=rules,
        tonnes_per_unit=tonnes_per_unit,
    )
    problem = build_problem(req)
    weights = np.vstack([problem.weights(req.graph.weights(c)) for c in CRITERIA_3])
    place_of = None
    layer_of = None
    clock = road_clock(req, problem)
    if req.via or clock is not None:
        # with via points a walk could go out and back between stages, and with driver
        # rests per road run a detour off the road could reset the driver's clock: labels
        # then remember the places they passed and never enter one twice (nor a layer
        # twice during one stay at a place)
        place_of, layer_of = place_layers(req, problem)
    paths = pareto_paths(problem, weights, place_of=place_of, layer_of=layer_of, clock=clock)
    if not paths:
        raise no_route(req)
    options = [make_option(req, problem, p, by="pareto") for p in paths]
    # a safety net: the label search is exact on rests per road run, so this drops nothing
    options = non_dominated(options)
    options.sort(key=lambda o: (o.totals.cost_usd, o.totals.time_h, o.totals.co2e_kg))
    return RouteOptions(options)


def non_dominated(options: Sequence[RouteOption]) -> list[RouteOption]:
    """The options no other option matches or beats on every one of (cost, time, CO2e)
    while beating it on one; of options with equal totals (within 1e-9) the first is
    kept, once.

    >>> from types import SimpleNamespace as O
    >>> a = O(totals=O(cost_usd=1, time_h=5, co2e_kg=2))
    >>> b = O(totals=O(cost_usd=2, time_h=5, co2e_kg=2))
    >>> c = O(totals=O(cost_usd=1, time_h=5, co2e_kg=2))
    >>> non_dominated([a, b]) == [a], non_dominated([a, c]) == [a]
    (True, True)
    """

    def vec(o: RouteOption) -> tuple[float, float, float]:
        t = o.totals
        return (t.cost_usd, t.time_h, t.co2e_kg)

    tol = 1e-9
    out: list[RouteOption] = []
    for o in options:
        mine = vec(o)
        dominated = False
        for other in options:
            theirs = vec(other)
            if all(x <= y + tol for x, y in zip(theirs, mine, strict=True)) and any(
                x < y - tol for x, y in zip(theirs, mine, strict=True)
            ):
                dominated = True
                break
        same = any(
            all(abs(x - y) <= tol for x, y in zip(vec(kept), mine, strict=True)) for kept in out
        )
        if not dominated and not same:
            out.append(o)
    return out


def _lower_bounds(
    problem: Problem, weights: np.ndarray
) -> tuple[np.ndarray, list[tuple[float, float, float]]]:
    """Per criterion, the least cost from every node to the target (one reverse
    Dijkstra each), and the totals of the source's optimal path for each criterion
    (read off the same trees: feasible options that prune the label search)."""
    from instc.routing._search import dijkstra_from

    reverse = Problem(
        n=problem.n,
        source=problem.target,
        target=problem.source,
        src=problem.dst,
        dst=problem.src,
        base=problem.base,
    )
    out = np.empty((weights.shape[0], problem.n))
    seeds: list[tuple[float, float, float]] = []
    for c in range(weights.shape[0]):
        compiled = compile_problem(reverse, weights[c])
        dist, pred = dijkstra_from(compiled, problem.target)
        out[c] = dist
        if not np.isfinite(dist[problem.source]):
            continue
        total = np.zeros(weights.shape[0])
        node = problem.source
        while node != problem.target:
            nxt = int(pred[node])  # the next node toward the target
            lo, hi = compiled.indptr[nxt], compiled.indptr[nxt + 1]
            j = lo + int(np.searchsorted(compiled.indices[lo:hi], node))
            total += weights[:, int(compiled.edge[j])]
            node = nxt
        seeds.append((float(total[0]), float(total[1]), float(total[2])))
    return out, seeds


def place_layers(req: Any, problem: Problem) -> tuple[list[int], list[int]]:
    """Per problem node, the index of its place and of its layer (-1 for the super
    source and sink): the ``place_of`` and ``layer_of`` of :func:`pareto_paths`."""
    g = req.graph
    index = {p: i for i, p in enumerate(sorted(g.place_nodes))}
    # aboard a liner the ship may pass a sea area twice (out to a hub and back) and its
    # layers run forward only: a service node is no place (-1), so the no-revisit rule
    # binds on the ground
    real = [
        -1 if is_service_layer(g.node_layer[i]) else index[p] for i, p in enumerate(g.node_place)
    ]
    layers = {x: i for i, x in enumerate(sorted(set(g.node_layer)))}
    layer = [layers[x] for x in g.node_layer]
    staged = (len(req.via) + 1) * g.n_nodes
    place_of = [-1] * problem.n
    layer_of = [-1] * problem.n
    for node in range(min(staged, problem.n)):
        place_of[node] = real[node % g.n_nodes]
        layer_of[node] = layer[node % g.n_nodes]
    return place_of, layer_of


def enter(
    mask: int, u: int, v: int, place_of: list[int], layer_of: list[int] | None, n_places: int
) -> int | None:
    """The place/layer mask of a label at node ``u`` after the edge to ``v``, or None
    when that edge enters a place the label passed (or, with ``layer_of``, returns to a
    layer already used during this stay). Bits: places, then layers above ``n_places``."""
    there = place_of[v]
    if there < 0:
        return mask
    if there != place_of[u]:
        bit = 1 << there
        if mask & bit:
            return None  # would enter a place a second time
        new_mask = (mask & ((1 << n_places) - 1)) | bit
        if layer_of is not None:
            new_mask |= 1 << (n_places + layer_of[v])
        return new_mask
    if layer_of is not None and layer_of[v] != layer_of[u]:
        bit = 1 << (n_places + layer_of[v])
        if mask & bit:
            return None  # back to a layer already used during this stay
        return mask | bit
    return mask


# what an edge does to the driver's clock
KEEP, RESET, DRIVE, STOP_DRIVE = 0, 1, 2, 3


@dataclass(frozen=True)
class RoadClock:
    """Per problem edge: its effect on the driver's clock (``KEEP`` for the zero joins,
    ``RESET`` off the road, ``DRIVE`` on a road leg, ``STOP_DRIVE`` on a road leg after a
    stop of at least the daily rest), its driving hours and the per-link rests inside its
    time weight; ``drive_h`` a day, ``rest_each_h`` per rest."""

    effect: np.ndarray
    moving_h: np.ndarray
    link_rest_h: np.ndarray
    drive_h: float
    rest_each_h: float

    def due(self, clock_h: float) -> int:
        """Rests due for a run driven ``clock_h`` so far (``ceil(clock/d) - 1``)."""
        return rest_count(clock_h, self.drive_h)

    def step(
        self, effect: int, moving_h: float, link_rest_h: float, clock_h: float
    ) -> tuple[float, float]:
        """(new clock, hours to add to the edge's time weight) for crossing an edge of
        clock ``effect`` with the driver's clock at ``clock_h``: the rests the run makes
        due on the edge replace the per-link rests inside the weight (>= 0 added)."""
        if effect == RESET:
            return 0.0, 0.0
        if effect == KEEP:
            return clock_h, 0.0
        start = 0.0 if effect == STOP_DRIVE else clock_h
        new_h = start + moving_h
        return new_h, self.rest_each_h * (self.due(new_h) - self.due(start)) - link_rest_h

    def beats(
        self, value_a: float, clock_a: float, value_b: float, clock_b: float, per_h: float = 1.0
    ) -> bool:
        """Is a label of ``value_a`` with clock ``clock_a`` at least as good as one of
        ``value_b`` with ``clock_b`` at the same node, whatever the rest of the way?

        ``value`` is time (``per_h`` = 1) or a value of time (``per_h`` per hour). The
        later clock may already have paid rests the earlier one still owes: an earlier
        clock wins only if it stays no worse with those rests counted against it (rests
        are discrete: ``ceil(c/d) - 1`` of them, so equal counts cost nothing).

        >>> c = RoadClock(*(np.zeros(0),) * 3, drive_h=9.0, rest_each_h=15.0)
        >>> c.beats(10.0, 2.0, 10.0, 8.0), c.beats(10.0, 2.0, 20.0, 10.0)
        (True, False)
        >>> c.beats(10.0, 2.0, 25.0, 10.0), c.beats(10.0, 8.0, 30.0, 2.0)
        (True, False)
        """
        if clock_a > clock_b:
            return False
        if clock_a == clock_b:
            return value_a <= value_b
        owed = self.due(clock_b) - self.due(clock_a)
        return value_a + per_h * self.rest_each_h * owed <= value_b


def road_clock(req: Any, problem: Problem) -> RoadClock | None:
    """The clock data of ``problem`` (None when the graph counts no rests)."""
    g = req.graph
    drive = g.driving_h_per_day
    if drive is None or g.rest_h is None or not drive > 0:
        return None
    reset_h = g.daily_rest_h if g.daily_rest_h is not None else HOURS_PER_DAY - drive
    base = problem.base
    real = base >= 0
    b = np.where(real, base, 0)
    is_road = np.asarray([m == "road" for m in g.mode], dtype=bool)[b]
    stop_h = (g.waiting_h + g.dwell_h - g.rest_h)[b]
    effect = np.full(len(base), RESET, dtype=np.int8)
    effect[~real] = KEEP
    effect[real & is_road] = DRIVE
    effect[real & is_road & (stop_h >= reset_h - 1e-9)] = STOP_DRIVE
    moving = np.where(real & is_road, g.moving_h[b], 0.0)
    rests = np.where(real & is_road, g.rest_h[b], 0.0)
    return RoadClock(effect, moving, rests, float(drive), HOURS_PER_DAY - float(drive))


def pareto_paths(
    problem: Problem,
    weights: np.ndarray,
    *,
    place_of: list[int] | None = None,
    layer_of: list[int] | None = None,
    clock: RoadClock | None = None,
) -> list[list[int]]:
    """Problem-edge paths of the Pareto set; ``weights`` is (3 criteria, edges), >= 0.

    With ``place_of`` (a place index per node, -1 for none) only paths that enter each
    place once count: a label carries the set of places it passed, and one label beats
    another only when it is no worse on every criterion *and* passed no place the other
    did not (Martins' algorithm with an elementary-path resource). With ``layer_of`` too
    (a layer index per node, -1 for none) a stay at a place uses each layer once.

    With ``clock`` the time criterion counts driver rests per run of road legs: the
    weights' per-link rests are replaced by the rests the label's driving clock makes due.
    """
    if weights.shape[0] != 3:
        raise ValueError("pareto_paths works on exactly three criteria")
    order = np.argsort(problem.src, kind="stable")
    indptr = row_pointer(problem.src, problem.n)
    heads = problem.dst[order].tolist()
    w0, w1, w2 = (weights[c, order].tolist() for c in range(3))
    edge_ids = order.tolist()
    lb, seeds = _lower_bounds(problem, weights)
    if not np.isfinite(lb[0, problem.source]):
        return []
    lb0, lb1, lb2 = (lb[c].tolist() for c in range(3))
    ptr = indptr.tolist()
    if clock is not None:
        seeds = []  # their totals count rests per link: not the exact totals of a path
        effect = clock.effect[order].tolist()
        moving = clock.moving_h[order].tolist()
        link_rest = clock.link_rest_h[order].tolist()
        beats_on_time, step = clock.beats, clock.step
    clocks: list[float] = []
    target = problem.target
    # seeds: feasible vectors (the single-criterion optima) prune labels they strictly beat

    elementary = place_of is not None
    # mask bits: places passed, then (above them) the layers used during the current stay
    n_places = max(place_of, default=-1) + 1 if place_of is not None else 0
    if elementary:
        seeds = []  # the unconstrained optima may pass a place twice: not feasible here
    masks: list[int] = []
    vecs: list[tuple[float, float, float]] = []
    node_of: list[int] = []
    pred: list[int] = []
    via_edge: list[int] = []
    alive: list[bool] = []
    at: dict[int, list[int]] = {}
    done: list[tuple[float, float, float]] = []  # settled destination labels
    done_ids: list[int] = []
    heap: list[tuple[tuple[float, float, float], int]] = []

    def pruned(a: float, b: float, c: float) -> bool:
        """Is the optimistic estimate (a, b, c) already beaten by a known option?"""
        for d in done:
            if d[0] <= a and d[1] <= b and d[2] <= c:
                return True
        # a seed must beat the estimate by more than rounding: the label of the seed's own
        # path (summed in another order) must survive
        for d in seeds:
            if (
                d[0] <= a
                and d[1] <= b
                and d[2] <= c
                and (
                    d[0] < a - 1e-9 * (1.0 + abs(a))
                    or d[1] < b - 1e-9 * (1.0 + abs(b))
                    or d[2] < c - 1e-9 * (1.0 + abs(c))
                )
            ):
                return True
        return False

    def beats(j: int, a: float, b: float, c: float, h: float) -> bool:
        """Does label ``j`` beat (a, b, c) with clock ``h`` at the same node?"""
        o = vecs[j]
        return o[0] <= a and o[2] <= c and beats_on_time(o[1], clocks[j], b, h)

    def add(
        a: float, b: float, c: float, node: int, p: int, e: int, mask: int = 0, h: float = 0.0
    ) -> None:
        la = lb0[node]
        if la == np.inf or pruned(a + la, b + lb1[node], c + lb2[node]):
            return
        if node == target:
            # the trip is over: only the totals count, not the clock nor the places
            # passed (two routes with equal totals are one option, reported once)
            h, mask = 0.0, 0
        labels = at.get(node)
        if labels is None:
            labels = at[node] = []
        elif clock is None:
            for j in labels:
                o = vecs[j]
                if o[0] <= a and o[1] <= b and o[2] <= c and not (masks[j] & ~mask):
                    return
            keep = []
            for j in labels:
                o = vecs[j]
                if a <= o[0] and b <= o[1] and c <= o[2] and not (mask & ~masks[j]):
                    alive[j] = False
                else:
                    keep.append(j)
            labels = at[node] = keep
        else:
            for j in labels:
                if beats(j, a, b, c, h) and not (masks[j] & ~mask):
                    return
            keep = []
            i_new = len(vecs)
            vecs.append((a, b, c))
            clocks.append(h)
            for j in labels:
                o = vecs[j]
                if beats(i_new, o[0], o[1], o[2], clocks[j]) and not (mask & ~masks[j]):
                    alive[j] = False
                else:
                    keep.append(j)
            vecs.pop()
            clocks.pop()
            labels = at[node] = keep
        i = len(vecs)
        vec = (a, b, c)
        vecs.append(vec)
        clocks.append(h)
        masks.append(mask)
        node_of.append(node)
        pred.append(p)
        via_edge.append(e)
        alive.append(True)
        labels.append(i)
        heapq.heappush(heap, (vec, i))

    add(0.0, 0.0, 0.0, problem.source, -1, -1)
    while heap:
        vec, i = heapq.heappop(heap)
        if not alive[i]:
            continue
        u = node_of[i]
        if u == target:
            done.append(vec)
            done_ids.append(i)
            continue
        va, vb, vc = vec
        # an option settled since this label was queued may beat it already
        if pruned(va + lb0[u], vb + lb1[u], vc + lb2[u]):
            continue
        if not elementary and clock is None:
            for k in range(ptr[u], ptr[u + 1]):
                add(va + w0[k], vb + w1[k], vc + w2[k], heads[k], i, edge_ids[k])
            continue
        mask, h = masks[i], clocks[i]
        for k in range(ptr[u], ptr[u + 1]):
            v = heads[k]
            new_mask = mask
            if place_of is not None:
                entered = enter(mask, u, v, place_of, layer_of, n_places)
                if entered is None:
                    continue
                new_mask = entered
            dt, new_h = w1[k], h
            if clock is not None:
                new_h, extra_h = step(effect[k], moving[k], link_rest[k], h)
                dt += extra_h
            add(va + w0[k], vb + dt, vc + w2[k], v, i, edge_ids[k], new_mask, new_h)

    paths = []
    for i in done_ids:
        path: list[int] = []
        j = i
        while pred[j] >= 0:
            path.append(via_edge[j])
            j = pred[j]
        path.reverse()
        paths.append(path)
    return paths
