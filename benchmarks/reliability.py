"""Reliability speed, run on demand (not in CI): ``uv run python benchmarks/reliability.py``.

Prints:
  - Monte Carlo throughput in leg-samples per second on one core (goal >= 5 million), on a
    synthetic 30-leg chain mixing every distribution, and on the fastest western-rail
    route Nhava Sheva -> Moscow of the embedded data;
  - a sweep of 200 scenario runs (bundled scenarios x border-delay and tariff factors,
    every corridor family planned and simulated in each run) on a Dask LocalCluster of
    1 worker and of 2 workers in the same run: wall times and the speed-up (goal >= 1.7x),
    and whether both give identical results. The CPU time the workers received per second
of the run is printed too: on a machine shared with other jobs, 2 workers may get much
less than 2 cores, and then the speed-up says more about the load than about instc.

Each cluster is started and every worker warmed (imports, dataset load, one run of each
scenario) before the clock starts.
Run it on an otherwise idle machine: other processes on the two cores eat the speed-up.

Options: --mc-samples N, --repeat R, --tasks T, --samples S (per family and task),
--rounds K (sweeps per worker count, alternated), --skip-mc, --skip-sweep.
"""

from __future__ import annotations

import os

# One core means one thread: keep BLAS (the dot products of the variance split) serial.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from typing import Any  # noqa: E402


def _median_s(fn: Any, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic_legs() -> list[Any]:
    from instc.reliability import (
        Closure,
        Deterministic,
        Lognormal,
        TimedLeg,
        Triangular,
        UniformWait,
    )

    legs = []
    for i in range(10):
        legs.append(TimedLeg(f"rail{i}", (Triangular(20.0 + i, 24.0 + i, 40.0 + i),)))
    for i in range(8):
        legs.append(
            TimedLeg(
                f"dwell{i}", (Lognormal.from_low_mode_high(6.0, 12.0 + i, 48.0 + i),), "border"
            )
        )
    for i in range(6):
        legs.append(TimedLeg(f"sail{i}", (Deterministic(30.0), UniformWait(84.0 + 10 * i))))
    for i in range(6):
        legs.append(TimedLeg(f"caspian{i}", (Closure(0.1, Triangular(24.0, 48.0, 120.0)),)))
    return legs


def monte_carlo(samples: int, repeat: int) -> None:
    from instc.reliability import simulate

    legs = synthetic_legs()
    t = _median_s(lambda: simulate(legs, samples=samples, seed=1), repeat)
    rate = samples * len(legs) / t
    print(
        f"Monte Carlo, synthetic chain of {len(legs)} legs x {samples:,} samples: "
        f"{t:.3f} s -> {rate / 1e6:.1f} million leg-samples/s on one core (goal >= 5)"
    )
    from instc.network.load import load_network
    from instc.reliability import legs_from_route
    from instc.routing.compare import compare, load_families

    net = load_network(as_of="2026")
    fams = [f for f in load_families() if f.family_id == "western_rail"]
    option = compare(net, "Nhava Sheva", "Moscow", by="time", families=fams).best
    route_legs = legs_from_route(net, option)
    t = _median_s(lambda: simulate(route_legs, samples=samples, seed=1), repeat)
    rate = samples * len(route_legs) / t
    print(
        f"Monte Carlo, western-rail route Nhava Sheva -> Moscow ({len(route_legs)} legs) x "
        f"{samples:,} samples: {t:.3f} s -> {rate / 1e6:.1f} million leg-samples/s"
    )


def sweep_tasks(n_tasks: int, samples: int, data: str | None = None) -> list[Any]:
    from instc.sweeps import parse_sweep

    scenarios = [
        "baseline",
        "red-sea-closed",
        "rasht-astara",
        "caspian-storm",
        "astara-border-closed",
    ]
    per = -(-n_tasks // len(scenarios))
    border = [1.0 + 0.25 * i for i in range(max(1, -(-per // 5)))]
    tariff = [0.6, 0.8, 1.0, 1.2, 1.4]
    grid = list(itertools.product(border, tariff))[:per]
    data = {
        "sweep": {"name": "bench", "seed": 2026, "samples": samples, "within_days": 25},
        "route": {
            "origin": "Nhava Sheva",
            "destination": "Moscow",
            "scenarios": scenarios,
            "as_of": "2026",
            **({"data": data} if data else {}),
        },
        "grid": {
            "border_delay_factor": sorted({b for b, _ in grid}),
            "tariff_factor": sorted({t for _, t in grid}),
        },
    }
    tasks = parse_sweep(data, origin="<benchmark>").tasks()
    return tasks[:n_tasks]


def _cluster(n: int) -> Any:
    from distributed import LocalCluster

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        return LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )


def _run_task_here(task: Any) -> None:
    task.function(**task.inputs, seed=task.seed)


def _warm_every_worker(cluster: Any, tasks: list[Any]) -> list[int]:
    """Run one task of each scenario on every worker (imports, dataset load, JIT);
    returns the worker process ids."""
    from distributed import Client

    firsts = list({t.labels["scenario"]: t for t in reversed(tasks)}.values())
    with Client(cluster) as client:
        for task in firsts:
            client.run(_run_task_here, task)
        return list(client.run(os.getpid).values())


def _cpu_s(pids: list[int]) -> float:
    import psutil

    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def sweep(n_tasks: int, samples: int, rounds: int) -> None:
    import shutil

    from instc.network.contract import embedded_data_dir
    from instc.network.load import load_network
    from instc.sweeps import run_sweep

    # a snapshot of the embedded data: the files do not change under a long run
    snapshot = tempfile.mkdtemp(prefix="instc-bench-data-")
    shutil.copytree(embedded_data_dir(), snapshot, dirs_exist_ok=True)
    load_network(snapshot)  # valid now, or fail before the clusters start
    tasks = sweep_tasks(n_tasks, samples, data=snapshot)
    print(
        f"sweep: {len(tasks)} scenario runs, {samples:,} samples per family and run; "
        f"1 and 2 workers alternated over {rounds} rounds (medians)"
    )
    results: dict[int, Any] = {}
    walls: dict[int, list[float]] = {1: [], 2: []}
    cores: dict[int, list[float]] = {1: [], 2: []}  # CPU-seconds the workers got per second
    start_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        # a fresh cluster per measurement, started and warmed up (imports, dataset load)
        # before the clock starts; alternating 1 and 2 workers spreads the drift of a
        # shared machine's load over both
        for r in range(rounds):
            for n in (1, 2):
                t0 = time.perf_counter()
                cluster = _cluster(n)
                start_s.append(time.perf_counter() - t0)
                try:
                    pids = _warm_every_worker(cluster, tasks)
                    cpu0 = _cpu_s(pids)
                    t0 = time.perf_counter()
                    result = run_sweep(
                        tasks, scheduler=cluster.scheduler_address, out_dir=f"{tmp}/r{r}w{n}"
                    )
                    walls[n].append(time.perf_counter() - t0)
                    cores[n].append((_cpu_s(pids) - cpu0) / walls[n][-1])
                    results[n] = result.to_frame()
                finally:
                    cluster.close()
        for n in (1, 2):
            med = statistics.median(walls[n])
            print(
                f"  {n} worker{'s' if n > 1 else ' '}: {med:.1f} s "
                f"({len(tasks) / med:.1f} runs/s; rounds: "
                f"{', '.join(f'{w:.1f}' for w in walls[n])} s; CPU the workers got: "
                f"{', '.join(f'{c:.2f}' for c in cores[n])} cores)"
            )
        print(f"  (starting a cluster took {statistics.median(start_s):.1f} s, not counted)")
        ratios = [a / b for a, b in zip(walls[1], walls[2], strict=True)]
        same = results[1].equals(results[2])
        speedup = statistics.median(walls[1]) / statistics.median(walls[2])
        print(
            f"  speed-up 1 -> 2 workers: {speedup:.2f}x "
            f"(per round: {', '.join(f'{x:.2f}' for x in ratios)}; goal >= 1.7x); "
            f"identical results: {same}"
        )
        if not same:
            differ = [c for c in results[1].columns if not results[1][c].equals(results[2][c])]
            print(f"  columns that differ: {', '.join(differ)}")
    shutil.rmtree(snapshot, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mc-samples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="sweep rounds per worker count")
    parser.add_argument("--skip-mc", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    if not args.skip_mc:
        monte_carlo(args.mc_samples, args.repeat)
    if not args.skip_sweep:
        sweep(args.tasks, args.samples, args.rounds)


if __name__ == "__main__":
    main()
