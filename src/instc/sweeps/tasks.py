"""Task functions a sweep can run (module-level, so Dask workers import them by name)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from instc.reliability.distributions import TimedLeg

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.scenarios import Scenario

__all__ = ["NETWORK_FACTORS", "legs_reliability", "route_reliability", "scale_network"]


def legs_reliability(
    *,
    legs: Sequence[TimedLeg],
    samples: int,
    seed: np.random.SeedSequence,
    within_days: float | None = None,
) -> dict[str, Any]:
    """Monte Carlo of one chain of legs; the summary row of its ReliabilityResult.

    >>> from instc.reliability.distributions import Deterministic
    >>> row = legs_reliability(legs=[TimedLeg("a", (Deterministic(48.0),))], samples=10,
    ...                        seed=np.random.SeedSequence(1), within_days=2)
    >>> row["p95_days"], row["p_within"]
    (2.0, 1.0)
    """
    from instc.reliability.montecarlo import simulate

    result = simulate(legs, samples=samples, seed=seed, within_days=within_days)
    row = result.summary()
    del row["label"], row["seed"]
    return row


# Grid parameters that scale network tables (see scale_network).
NETWORK_FACTORS = {
    "border_delay_factor": ("borders", ("dwell_h_low", "dwell_h", "dwell_h_high")),
    "transfer_delay_factor": ("transfers", ("dwell_h_low", "dwell_h", "dwell_h_high")),
    "tariff_factor": (
        "tariffs",
        ("usd_per_unit_km_low", "usd_per_unit_km", "usd_per_unit_km_high", "usd_per_unit"),
    ),
    "frequency_factor": (
        "services",
        ("frequency_per_week_low", "frequency_per_week", "frequency_per_week_high"),
    ),
}


def scale_network(network: Network, factors: Mapping[str, float]) -> Network:
    """A new network with whole columns scaled: every border dwell, transfer dwell,
    tariff or service frequency times its factor (keys of :data:`NETWORK_FACTORS`).

    Pure: the input network is not changed. A factor of 1 leaves its table as is.
    """
    import dataclasses

    from instc._errors import DataError

    tables = dict(network.tables)
    for key, factor in factors.items():
        if key not in NETWORK_FACTORS:
            raise DataError(
                f"unknown network factor {key!r} — use {', '.join(sorted(NETWORK_FACTORS))}"
            )
        if factor == 1.0:
            continue
        if not factor > 0.0:
            raise DataError(f"{key}={factor} must be > 0")
        table, columns = NETWORK_FACTORS[key]
        frame = tables[table].copy()
        for column in columns:
            frame[column] = frame[column] * float(factor)
        tables[table] = frame
    return dataclasses.replace(network, tables=tables)


def route_reliability(
    *,
    origin: str,
    destination: str,
    seed: np.random.SeedSequence,
    samples: int,
    scenario: Scenario | None = None,
    factors: Mapping[str, float] | None = None,
    families: Sequence[str] | None = None,
    within_days: float | None = None,
    month: int | None = None,
    percentile: float = 90.0,
    cargo: str = "container",
    as_of: str | None = None,
    data: str | None = None,
) -> pd.DataFrame:
    """One scenario run: apply the scenario and factors, plan each family, simulate.

    One row per family (ranked by ``percentile``), plus one row per family without a
    route (``reason`` says why; numbers empty).
    """
    import pandas as pd

    from instc._errors import NoRouteError
    from instc.network.load import load_network
    from instc.reliability.compare import reliability_by_family

    network = load_network(data) if as_of is None else load_network(data, as_of=as_of)
    if scenario is not None:
        from instc.scenarios import apply_scenario

        network = apply_scenario(network, scenario)
    if factors:
        network = scale_network(network, factors)
    try:
        result = reliability_by_family(
            network,
            origin,
            destination,
            families=families,
            samples=samples,
            seed=seed,
            within_days=within_days,
            month=month,
            percentile=percentile,
            cargo=cargo,
            by="time",  # sweeps plan each family's fastest route, as before
        )
    except NoRouteError as exc:
        return pd.DataFrame([{"family": None, "rank": None, "reason": exc.reason}])
    frame = result.to_frame()
    frame.insert(1, "rank", range(1, len(frame) + 1))
    frame["reason"] = None
    missing = pd.DataFrame(
        [{"family": fam, "rank": None, "reason": why} for fam, why in result.missing]
    )
    return pd.concat([frame, missing], ignore_index=True) if len(missing) else frame
