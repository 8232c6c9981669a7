"""instc assignment against AequilibraE, in one process, on the TNTP benchmark networks.

Run (installs AequilibraE through the ``bench`` extra):

    uv run --extra bench python benchmarks/assignment_vs_aequilibrae.py [--gap 1e-4]
        [--networks SiouxFalls Anaheim Barcelona ChicagoSketch] [--repeat 3]

For each network both tools get the same link arrays, the same BPR cost (TNTP b/power
per link, plus the README's fixed toll/distance term), the same demand and the same
target relative gap; both run BFW on all cores. Adaptations that AequilibraE needs are
applied to both inputs, so the cost functions stay identical:

- AequilibraE refuses a free-flow time of 0: such links (ChicagoSketch connectors) get
  1e-6 min, for both tools;
- AequilibraE needs BPR power >= 1: links with b = 0 (Barcelona connectors, constant
  cost) get power 1, which leaves their cost unchanged.

Timed: the equilibrium call only (``TrafficAssignment.execute()`` / ``instc.assign``),
best wall time of ``--repeat`` runs that alternate between the tools (so both see the
same machine load), with the process CPU time of that run (all threads), after one
warm-up run that loads instc's compiled kernel.
Graph building is excluded for both. Both objectives are the Beckmann function of each
tool's final link flows, computed by the same code.

Then all-zone skims on Berlin-Center (free-flow time, paths not through zones):
AequilibraE ``NetworkSkimming`` against instc's kernel ``skim`` and the scipy.csgraph
``skim_scipy``, with the three matrices compared.

One line per case: ``network  method  aeq_s  instc_s  ratio  aeq_objective
instc_objective  ...``; ratio = instc time / AequilibraE time (< 1: instc faster).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")  # no AequilibraE progress bars (not timed)

import numpy as np
import pandas as pd

from instc.assignment import AssignmentNetwork, UserClass, assign, beckmann_objective
from instc.assignment.paths import skim, skim_scipy
from instc.network.tntp import TNTPNetwork, read_tntp

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TNTP = REPO.parent / "shared" / "data" / "tntp"


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence stdout/stderr at the file-descriptor level (AequilibraE logs a lot)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _alternate(repeat: int, first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run ``first`` and ``second`` alternately ``repeat`` times (so both meet the same
    machine load); return ``[(wall_s, cpu_s, output)]`` of each, best wall time."""
    best: list[Any] = [(float("inf"), 0.0, None), (float("inf"), 0.0, None)]
    for _ in range(repeat):
        for i, run in enumerate((first, second)):
            wall, cpu = time.perf_counter(), time.process_time()
            out = run()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if wall < best[i][0]:
                best[i] = (wall, cpu, out)
    return best


def common_arrays(tn: TNTPNetwork) -> dict[str, np.ndarray]:
    """The link arrays both tools get (see the module docstring for the two tweaks)."""
    links = tn.links
    b = links["b"].to_numpy()
    return {
        "a_node": links["init_node"].to_numpy(),
        "b_node": links["term_node"].to_numpy(),
        "free_flow_time": np.maximum(links["free_flow_time"].to_numpy(), 1e-6),
        "capacity": links["capacity"].to_numpy(),
        "b": b,
        "power": np.where(b == 0, 1.0, links["power"].to_numpy()),
        "fixed": tn.fixed_cost,
    }


def instc_network(tn: TNTPNetwork, arrays: dict[str, np.ndarray]) -> AssignmentNetwork:
    n = tn.number_of_nodes
    return AssignmentNetwork.from_arrays(
        from_node=arrays["a_node"] - 1,
        to_node=arrays["b_node"] - 1,
        free_flow_time=arrays["free_flow_time"],
        capacity=arrays["capacity"],
        alpha=arrays["b"],
        beta=arrays["power"],
        fixed_cost=arrays["fixed"],
        zone_nodes=np.arange(tn.number_of_zones),
        no_through=np.arange(1, n + 1) < tn.first_thru_node,
        n_nodes=n,
        name=tn.name,
    )


def aequilibrae_graph(tn: TNTPNetwork, arrays: dict[str, np.ndarray]) -> Any:
    from aequilibrae.paths import Graph

    frame = pd.DataFrame(
        {
            "link_id": np.arange(1, len(tn.links) + 1),
            "a_node": arrays["a_node"],
            "b_node": arrays["b_node"],
            "direction": 1,
            "free_flow_time": arrays["free_flow_time"],
            "capacity": arrays["capacity"],
            "b": arrays["b"],
            "power": arrays["power"],
            "fixed": arrays["fixed"],
        }
    )
    graph = Graph()
    graph.network = frame
    graph.mode = "c"
    graph.prepare_graph(np.arange(1, tn.number_of_zones + 1, dtype=np.int64))
    graph.set_graph("free_flow_time")
    graph.set_skimming(["free_flow_time"])
    graph.set_blocked_centroid_flows(tn.first_thru_node > 1)
    return graph


def aequilibrae_assign(
    tn: TNTPNetwork, graph: Any, gap: float, cores: int
) -> tuple[np.ndarray, int]:
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import TrafficAssignment, TrafficClass

    matrix = AequilibraeMatrix()
    matrix.create_empty(zones=tn.number_of_zones, matrix_names=["trips"], memory_only=True)
    matrix.index[:] = np.arange(1, tn.number_of_zones + 1)
    matrix.matrices[:, :, 0] = tn.demand
    matrix.computational_view(["trips"])
    cls = TrafficClass("c", graph, matrix)
    if np.any(graph.graph["fixed"].to_numpy() > 0):
        cls.set_fixed_cost("fixed")
    assignment = TrafficAssignment()
    assignment.set_classes([cls])
    assignment.set_vdf("BPR")
    assignment.set_vdf_parameters({"alpha": "b", "beta": "power"})
    assignment.set_capacity_field("capacity")
    assignment.set_time_field("free_flow_time")
    assignment.set_algorithm("bfw")
    assignment.max_iter = 5000
    assignment.rgap_target = gap
    assignment.set_cores(cores)
    assignment.execute()
    flows = assignment.results()["PCE_tot"].sort_index().to_numpy()
    return flows, len(assignment.report())


def run_assignment(tntp: Path, name: str, gap: float, repeat: int, cores: int) -> str:
    tn = read_tntp(tntp / name)
    arrays = common_arrays(tn)
    network = instc_network(tn, arrays)
    demand = UserClass("trips", tn.demand)
    with _quiet():
        graph = aequilibrae_graph(tn, arrays)
    assign(network, demand, method="bfw", gap=1e-2, max_iter=5)  # warm-up: load kernels

    def aeq() -> tuple[np.ndarray, int]:
        with _quiet():
            return aequilibrae_assign(tn, graph, gap, cores)

    def ours() -> Any:
        return assign(network, demand, method="bfw", gap=gap, max_iter=5000)

    (aeq_s, aeq_cpu, (aeq_flows, aeq_iters)), (instc_s, instc_cpu, result) = _alternate(
        repeat, aeq, ours
    )
    aeq_obj = beckmann_objective(network, aeq_flows)
    return (
        f"{name:<14} bfw gap={gap:g}  aequilibrae {aeq_s:7.3f} s (cpu {aeq_cpu:6.3f}, "
        f"{aeq_iters} it)  instc {instc_s:7.3f} s (cpu {instc_cpu:6.3f}, {result.iterations} it, "
        f"gap {result.relative_gap:.2e})  ratio {instc_s / aeq_s:5.2f}  "
        f"objective aequilibrae {aeq_obj:,.3f}  instc {result.objective:,.3f}"
    )


def run_skims(tntp: Path, name: str, repeat: int, cores: int) -> str:
    from aequilibrae.paths import NetworkSkimming

    tn = read_tntp(tntp / name)
    links = tn.links
    arrays = common_arrays(tn)
    arrays["free_flow_time"] = links["free_flow_time"].to_numpy()  # skims allow zero times
    network = instc_network(tn, arrays)
    cost = network.free_flow_time.copy()
    _ = network.compact  # graph building excluded, as for AequilibraE
    with _quiet():
        graph = aequilibrae_graph(tn, arrays)
    skim(network, cost)  # warm-up: load kernels

    def aeq() -> np.ndarray:
        with _quiet():
            skimming = NetworkSkimming(graph)
            skimming.set_cores(cores)
            skimming.execute()
            return np.array(skimming.results.skims.matrix["free_flow_time"])

    (aeq_s, aeq_cpu, aeq_skim), (instc_s, instc_cpu, instc_skim) = _alternate(
        repeat, aeq, lambda: skim(network, cost)
    )
    start = time.perf_counter()
    scipy_skim = skim_scipy(network, cost)
    scipy_s = time.perf_counter() - start
    reachable = np.isfinite(instc_skim)
    aeq_skim = np.where(aeq_skim > 1e300, np.inf, aeq_skim)
    same_reach = np.array_equal(reachable, np.isfinite(aeq_skim))
    diff = np.abs(instc_skim[reachable] - aeq_skim[reachable]).max() if same_reach else np.inf
    diff_scipy = np.abs(instc_skim[reachable] - scipy_skim[reachable]).max()
    return (
        f"{name:<14} skims {tn.number_of_zones}x{tn.number_of_zones}  "
        f"aequilibrae {aeq_s:7.3f} s (cpu {aeq_cpu:6.3f})  instc {instc_s:7.3f} s "
        f"(cpu {instc_cpu:6.3f})  ratio {instc_s / aeq_s:5.2f}  "
        f"scipy.csgraph {scipy_s:8.3f} s  max|instc-aeq| {diff:.2e}  "
        f"max|instc-scipy| {diff_scipy:.2e}"
    )


def machine() -> str:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from importlib.metadata import version

    return (
        f"machine: {os.cpu_count()} cores, {cpu}; python {platform.python_version()}; "
        f"aequilibrae {version('aequilibrae')}; numba {version('numba')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tntp", type=Path, default=Path(os.environ.get("INSTC_TNTP_DIR", DEFAULT_TNTP))
    )
    parser.add_argument("--gap", type=float, default=1e-4)
    parser.add_argument(
        "--networks", nargs="*", default=["SiouxFalls", "Anaheim", "Barcelona", "ChicagoSketch"]
    )
    parser.add_argument("--skims", nargs="*", default=["Berlin-Center"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skim-repeat", type=int, default=10, help="repeats of the (short) skim runs"
    )
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(machine(), flush=True)
    for name in args.networks:
        print(run_assignment(args.tntp, name, args.gap, args.repeat, cores), flush=True)
    for name in args.skims:
        print(run_skims(args.tntp, name, args.skim_repeat, cores), flush=True)


if __name__ == "__main__":
    main()
