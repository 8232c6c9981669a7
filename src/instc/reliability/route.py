"""From a planned route to independent time legs, and the ``reliability`` entry point.

Each leg of a :class:`~instc.routing.results.RouteOption` becomes one or two legs here:

- a **link** leg: the moving time (plus any road rest time) as a triangular distribution
  whose range is the link's ``time_h`` range (else its ``length_km`` range, else the
  estimated factors of :mod:`instc.reliability.parameters`), plus the wait for the next
  departure (uniform on ``[0, 168 / F]`` for a frequency ``F`` that is triangular over the
  services' ``frequency_per_week`` range, or uniform on ``[0, 2 × waiting_h]`` where the
  data give no range: the planner's ``waiting_h`` is half the headway), plus for sea and
  ferry legs inside the Caspian a weather hold by month;
- a **border** leg for a link that crosses a border: the border's dwell for the mode as
  a shifted lognormal fitted to ``(dwell_h_low, dwell_h, dwell_h_high)`` (high = P95);
- a **transfer** leg: the transfer row's dwell, likewise.

Ranges are applied as ratios to the planner's figures, so a route whose data have no
spread (and with spread factors of 1) gives back exactly the planner's time.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from instc._errors import DataError
from instc.network.graph import is_service_layer
from instc.reliability.distributions import (
    AnyDistribution,
    Closure,
    Deterministic,
    ServiceWait,
    TimedLeg,
    UniformWait,
)
from instc.reliability.legs import time_distribution
from instc.reliability.parameters import ReliabilityParameters, reliability_parameters
from instc.units import HOURS_PER_WEEK

if TYPE_CHECKING:
    from instc.network.model import Network
    from instc.reliability.montecarlo import SeedLike
    from instc.reliability.results import ReliabilityResult

__all__ = ["CASPIAN_BOX", "legs_from_route", "reliability"]

# (lat_min, lat_max, lon_min, lon_max) of the Caspian Sea: a sea or ferry leg with both
# ends inside is exposed to Caspian weather holds. The box excludes the Black Sea
# (lon < 42) and the Persian Gulf (lat < 30).
CASPIAN_BOX = (36.5, 47.5, 46.5, 55.5)
_WEATHER_LAYERS = ("sea", "ferry")
_SERVICE_KEY = "service:"


class RouteLegLike(Protocol):
    """The fields of a route leg this module reads (``instc.routing.results.Leg``)."""

    kind: str
    mode: str
    from_node: str
    to_node: str
    from_name: str
    to_name: str
    from_layer: str
    to_layer: str
    link_id: str | None
    border_id: str | None
    moving_h: float
    waiting_h: float
    dwell_h: float
    from_lonlat: tuple[float, float]
    to_lonlat: tuple[float, float]


class RouteLike(Protocol):
    @property
    def legs(self) -> Sequence[Any]: ...


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _ratios(low: Any, mode: Any, high: Any) -> tuple[float, float] | None:
    """(low/mode, high/mode) when the data give a range, else None."""
    m, lo, hi = _num(mode), _num(low), _num(high)
    if m is None or m <= 0.0 or (lo is None and hi is None):
        return None
    return ((lo if lo is not None else m) / m, (hi if hi is not None else m) / m)


def _in_caspian(lonlat: tuple[float, float]) -> bool:
    lon, lat = lonlat
    lat_min, lat_max, lon_min, lon_max = CASPIAN_BOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def _records(frame: Any, key: Sequence[str]) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    if frame is None or len(frame) == 0:
        return {}
    return {tuple(row[k] for k in key): row for row in frame.to_dict("records")}


def _basis(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    estimated = row.get("estimated") or ()
    return "estimate" if any(c in estimated for c in columns) else "source"


class _Builder:
    def __init__(
        self, network: Network, params: ReliabilityParameters, month: int | None, cargo: str
    ):
        self.params = params
        self.month = month
        self.services = self._service_frequencies(network, cargo)
        links = network.all_links if network.all_links is not None else network.links
        self.links = _records(links, ("link_id",))
        self.borders = _records(network.borders, ("border_id", "mode"))
        self.transfers = _records(network.transfers, ("node_id", "from_layer", "to_layer"))

    @staticmethod
    def _service_frequencies(network: Network, cargo: str) -> dict[str, tuple[float, float, float]]:
        """Per link: the summed (low, mode, high) frequency of the services running on it
        for ``cargo`` at the network's date (the planner's filter)."""
        out: dict[str, tuple[float, float, float]] = {}
        frame = network.services
        if frame is None or len(frame) == 0:
            return out
        as_of = network.as_of
        for row in frame.to_dict("records"):
            if row.get("cargo") and cargo not in row["cargo"]:
                continue
            if as_of is not None:
                if row.get("start_date") is not None and row["start_date"] > as_of:
                    continue
                if row.get("end_date") is not None and row["end_date"] <= as_of:
                    continue
            mode = _num(row.get("frequency_per_week"))
            if mode is None or mode <= 0.0:
                continue
            low = _num(row.get("frequency_per_week_low")) or mode
            high = _num(row.get("frequency_per_week_high")) or mode
            # a liner's boarding leg carries its service id: the wait is THAT service's
            out[_SERVICE_KEY + str(row["service_id"])] = (min(low, mode), mode, max(high, mode))
            for link_id in row.get("link_ids") or ():
                a, b, c = out.get(link_id, (0.0, 0.0, 0.0))
                out[link_id] = (a + min(low, mode), b + mode, c + max(high, mode))
        return out

    def _wait(self, leg: RouteLegLike) -> AnyDistribution:
        """The wait for a departure: from the services' frequency range where the data
        give one (and it matches the planner's wait), else uniform on 2 × waiting_h."""
        service_id = getattr(leg, "service_id", None)
        if service_id:
            freq = self.services.get(_SERVICE_KEY + service_id)
        else:
            freq = self.services.get(leg.link_id or "")
        if freq is not None:
            low, mode, high = freq
            planned_h = HOURS_PER_WEEK / 2.0 / mode
            if (low < mode or high > mode) and math.isclose(
                planned_h, float(leg.waiting_h), rel_tol=1e-6
            ):
                return ServiceWait(low, mode, high)
        return UniformWait(2.0 * float(leg.waiting_h))

    def _dwell(self, name: str, kind: str, element_id: str, mode_h: float, row: Any) -> TimedLeg:
        ratios = None
        basis = "estimate"
        if row is not None:
            ratios = _ratios(row.get("dwell_h_low"), row.get("dwell_h"), row.get("dwell_h_high"))
            if ratios is not None:
                basis = _basis(row, ("dwell_h_low", "dwell_h_high"))
        if ratios is None:
            ratios = self.params.dwell_factors.get(kind, (1.0, 1.0))
        dist = time_distribution(
            mode_h * ratios[0],
            mode_h,
            mode_h * ratios[1],
            shape="lognormal",
            high_quantile=self.params.high_quantile,
        )
        return TimedLeg(name, (dist,), kind=kind, element_id=element_id, basis=basis)

    def transfer(self, leg: RouteLegLike) -> TimedLeg:
        # alighting from a liner is the port's transfer from its sea layer
        from_layer = "sea" if is_service_layer(leg.from_layer) else leg.from_layer
        row = self.transfers.get((leg.from_node, from_layer, leg.to_layer))
        if row is None:  # a bidirectional transfer used backwards
            row = self.transfers.get((leg.from_node, leg.to_layer, from_layer))
        element = f"{leg.from_node}:{from_layer}->{leg.to_layer}"
        name = f"{leg.from_name} {from_layer}→{leg.to_layer}"
        out = self._dwell(name, "transfer", element, float(leg.dwell_h), row)
        if leg.waiting_h > 0.0:  # wagonload formation: uniform, mean as planned
            out = dataclasses.replace(
                out, components=(*out.components, UniformWait(2.0 * float(leg.waiting_h)))
            )
        return out

    def link(self, leg: RouteLegLike) -> list[TimedLeg]:
        row = self.links.get((leg.link_id,)) if leg.link_id else None
        out: list[TimedLeg] = []
        border_h = 0.0
        if leg.kind == "border" and leg.border_id:
            border_row = self.borders.get((leg.border_id, leg.mode))
            if border_row is not None:
                border_h = _num(border_row.get("dwell_h")) or 0.0
            border_h = min(border_h, float(leg.dwell_h))
            name = str(border_row.get("name")) if border_row is not None else leg.border_id
            out.append(
                self._dwell(f"{name} ({leg.mode})", "border", leg.border_id, border_h, border_row)
            )
        own_h = float(leg.moving_h) + float(leg.dwell_h) - border_h  # moving + road rest
        ratios = None
        basis = "estimate"
        if row is not None:
            if _num(row.get("time_h")) is not None:
                ratios = _ratios(row.get("time_h_low"), row.get("time_h"), row.get("time_h_high"))
                columns = ("time_h_low", "time_h_high")
            else:
                ratios = _ratios(
                    row.get("length_km_low"), row.get("length_km"), row.get("length_km_high")
                )
                columns = ("length_km_low", "length_km_high")
            if ratios is not None:
                basis = _basis(row, columns)
        layer = "sea" if is_service_layer(leg.from_layer) else leg.from_layer
        if ratios is None:
            ratios = self.params.moving_factor(layer, leg.mode)
        components: list[AnyDistribution] = [
            time_distribution(own_h * ratios[0], own_h, own_h * ratios[1], shape="triangular")
        ]
        if leg.waiting_h > 0.0:
            components.append(self._wait(leg))
        if layer in _WEATHER_LAYERS and _in_caspian(leg.from_lonlat) and _in_caspian(leg.to_lonlat):
            p = self.params.closure_probability(self.month)
            low, mode, high = self.params.closure_delay_h
            delay = time_distribution(low, mode, high, shape="triangular")
            if p > 0.0 and delay.mean_h > 0.0:
                components.append(Closure(p, delay))
        name = f"{leg.from_name}–{leg.to_name} ({leg.mode})"
        out.insert(
            0, TimedLeg(name, tuple(components), kind="link", element_id=leg.link_id, basis=basis)
        )
        return out


def legs_from_route(
    network: Network,
    option: RouteLike,
    *,
    month: int | None = None,
    parameters: ReliabilityParameters | None = None,
) -> list[TimedLeg]:
    """The independent time legs of a planned route (see the module doc).

    ``month`` (1–12) selects the month of the Caspian weather-hold probability; ``None``
    uses the mean over the year.
    """
    params = parameters if parameters is not None else reliability_parameters(network)
    if month is not None:
        params.closure_probability(month)  # validates
    builder = _Builder(network, params, month, str(getattr(option, "cargo", "container")))
    out: list[TimedLeg] = []
    for leg in option.legs:
        if leg.kind == "transfer":
            out.append(builder.transfer(leg))
        elif leg.kind in ("link", "border"):
            out.extend(builder.link(leg))
        else:
            raise DataError(
                f"route leg of unknown kind {leg.kind!r} — expected link, border or transfer"
            )
    # drop legs that take no time at all (a zero-dwell transfer) but keep one leg
    timed = [leg for leg in out if not (leg.is_deterministic and leg.mean_h == 0.0)]
    return timed or out[:1] or [TimedLeg("empty route", (Deterministic(0.0),))]


def reliability(
    network: Network,
    option_or_od: RouteLike | Sequence[TimedLeg] | tuple[str, str],
    *,
    samples: int = 100_000,
    seed: SeedLike = None,
    within_days: float | None = None,
    month: int | None = None,
    label: str | None = None,
    by: str = "time",
    cargo: str = "container",
) -> ReliabilityResult:
    """Monte Carlo of the door-to-door time of a route.

    ``option_or_od`` is a planned :class:`~instc.routing.results.RouteOption`, an
    ``(origin, destination)`` pair (the best route ``by`` time, cost, ... is planned
    first), or an explicit list of :class:`TimedLeg`. Returns mean, P50/P80/P90/P95, the
    probability of arriving within ``within_days`` and each leg's contribution to the
    variance. Same ``seed``, same numbers. For every corridor family side by side see
    :func:`instc.reliability.compare.reliability_by_family`.
    """
    from instc.reliability.montecarlo import simulate

    target: Any = option_or_od
    if isinstance(target, tuple) and len(target) == 2 and all(isinstance(x, str) for x in target):
        from instc.routing.shortest import route

        target = route(network, target[0], target[1], by=by, cargo=cargo)
    legs: list[TimedLeg]
    if isinstance(target, Sequence):
        if not all(isinstance(leg, TimedLeg) for leg in target):
            raise DataError(
                "reliability() takes a route option, an (origin, destination) pair or a "
                "list of reliability Legs"
            )
        legs = list(target)
        default_label = "legs"
    else:
        legs = legs_from_route(network, target, month=month)
        family = getattr(target, "family", None)
        default_label = family or f"fastest by {getattr(target, 'by', by)}"
    return simulate(
        legs,
        samples=samples,
        seed=seed,
        within_days=within_days,
        label=label if label is not None else default_label,
    )
