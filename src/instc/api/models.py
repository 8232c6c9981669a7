"""Strict request models of the HTTP API (pydantic v2).

Every model rejects unknown fields and bounds every number and list, so that a request
can neither ask for unbounded work nor slip a typo past (``"avoid_contry"`` is an
error, not an ignored field). Each maps one-to-one onto a :mod:`instc.service` query.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from instc import service
from instc.limits import (
    MAX_DETOUR,
    MAX_ITERATIONS_JOB,
    MAX_K,
    MAX_SAMPLES_JOB,
    MAX_SAMPLES_REQUEST,
    MAX_SEED,
    MAX_TONNES_PER_UNIT,
    MAX_TOP,
    MAX_UNITS,
    MAX_VALUE_OF_TIME,
    MAX_WITHIN_DAYS,
    MAX_YEAR,
    MIN_DETOUR,
    MIN_SAMPLES,
    MIN_YEAR,
)


def bundled_scenario(name: str) -> str:
    """``name`` when it is a bundled scenario (the API never reads a path a client names)."""
    from instc._names import did_you_mean
    from instc.scenarios import bundled_names

    names = list(bundled_names())
    if name not in names:
        raise ValueError(f"no bundled scenario {name!r} — {did_you_mean(name, names)}")
    return name


Place = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        description="a place: UN/LOCODE, node id or name",
        examples=["Nhava Sheva"],
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=120)]
ScenarioName = Annotated[
    str,
    Field(min_length=1, max_length=120, description="a bundled scenario (GET /api/scenarios)"),
    AfterValidator(bundled_scenario),
]
AS_OF_PATTERN = r"^(19|20|21)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
AsOf = Annotated[
    str,
    Field(
        pattern=AS_OF_PATTERN,
        description="network date YYYY, YYYY-MM or YYYY-MM-DD (default: today)",
        examples=["2030"],
    ),
]
Cargo = Literal["container", "bulk", "liquid", "truck", "passenger"]
By = Literal["cost", "time", "co2e", "distance", "generalised"]
Names = Annotated[list[Name], Field(max_length=20)]
Flag = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2 code")]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ConstraintsModel(BaseModel):
    """What a route must avoid or pass, and the carrier's flag."""

    model_config = _STRICT

    avoid_country: Names = []
    avoid_mode: Names = []
    avoid_node: Names = []
    avoid_link: Names = []
    avoid_border: Names = []
    via: Names = []
    vessel_flag: Flag | None = None

    def to_service(self) -> service.Constraints:
        return service.Constraints(
            avoid_country=tuple(self.avoid_country),
            avoid_mode=tuple(self.avoid_mode),
            avoid_node=tuple(self.avoid_node),
            avoid_link=tuple(self.avoid_link),
            avoid_border=tuple(self.avoid_border),
            via=tuple(self.via),
            vessel_flag=self.vessel_flag,
        )


class _Network(BaseModel):
    model_config = _STRICT

    as_of: AsOf | None = None
    scenario: ScenarioName | None = None


class _Between(_Network):
    """A question between two places: what every routing request has."""

    origin: Place
    destination: Place
    cargo: Cargo = "container"

    def _asked(self) -> dict[str, Any]:
        """The service-query keywords every routing request passes as they are."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.cargo,
            "as_of": self.as_of,
            "scenario": self.scenario,
        }


class _Routed(_Between):
    """A request answered by routing with constraints: what route and pareto share."""

    constraints: ConstraintsModel = ConstraintsModel()
    tonnes_per_unit: float | None = Field(None, gt=0, le=MAX_TONNES_PER_UNIT)


class RouteRequest(_Routed):
    """``instc route``: the best route(s) door to door."""

    by: By = "cost"
    k: int = Field(1, ge=1, le=MAX_K, description="number of really different routes")
    max_overlap: float = Field(0.9, ge=0.0, le=1.0)
    units: float | None = Field(
        None, gt=0, le=MAX_UNITS, description="ISO 14083 account of N units"
    )
    value_of_time: float | None = Field(
        None, ge=0, le=MAX_VALUE_OF_TIME, description="USD per unit-day"
    )

    def to_service(self) -> service.RouteQuery:
        return service.RouteQuery(
            **self._asked(),
            by=self.by,
            constraints=self.constraints.to_service(),
            k=self.k,
            max_overlap=self.max_overlap,
            units=self.units,
            value_of_time=self.value_of_time,
            tonnes_per_unit=self.tonnes_per_unit,
        )


class ParetoRequest(_Routed):
    """``instc pareto``: every option not beaten on cost, time and CO2e at once."""

    def to_service(self) -> service.RouteQuery:
        return service.RouteQuery(
            **self._asked(),
            constraints=self.constraints.to_service(),
            tonnes_per_unit=self.tonnes_per_unit,
        )


class CompareRequest(_Between):
    """``instc compare``: the best option overall, then per corridor family."""

    by: Literal["cost", "time", "co2e"] = "cost"
    avoid_country: Names = []
    avoid_mode: Names = []
    vessel_flag: Flag | None = None
    max_detour: float | None = Field(None, ge=MIN_DETOUR, le=MAX_DETOUR)
    tonnes_per_unit: float | None = Field(None, gt=0, le=MAX_TONNES_PER_UNIT)
    percentile: float | None = Field(None, gt=0, lt=100, description="rank by simulated Pxx")
    samples: int = Field(20_000, ge=MIN_SAMPLES, le=MAX_SAMPLES_REQUEST)
    seed: int = Field(0, ge=0, le=MAX_SEED)

    def to_service(self) -> service.CompareQuery:
        return service.CompareQuery(
            **self._asked(),
            by=self.by,
            constraints=service.Constraints(
                avoid_country=tuple(self.avoid_country),
                avoid_mode=tuple(self.avoid_mode),
                vessel_flag=self.vessel_flag,
            ),
            max_detour=self.max_detour,
            tonnes_per_unit=self.tonnes_per_unit,
            percentile=self.percentile,
            samples=self.samples,
            seed=self.seed,
        )


class ReliabilityRequest(_Between):
    """``instc reliability``: transit-time distribution per family (up to 50,000 samples
    here; the job endpoint takes up to 1,000,000)."""

    families: Names = []
    samples: int = Field(20_000, ge=MIN_SAMPLES, le=MAX_SAMPLES_REQUEST)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    within_days: float | None = Field(None, gt=0, le=MAX_WITHIN_DAYS)
    month: int | None = Field(None, ge=1, le=12)
    percentile: float = Field(90.0, gt=0, lt=100)
    by: By = "cost"

    def to_service(self) -> service.ReliabilityQuery:
        return service.ReliabilityQuery(
            **self._asked(),
            families=tuple(self.families),
            samples=self.samples,
            seed=self.seed,
            within_days=self.within_days,
            month=self.month,
            percentile=self.percentile,
            by=self.by,
        )


class ReliabilityJobRequest(ReliabilityRequest):
    """A big reliability run, as a job."""

    samples: int = Field(200_000, ge=MIN_SAMPLES, le=MAX_SAMPLES_JOB)


class ScenarioRunRequest(BaseModel):
    """``instc scenario run``: best option per OD pair before and after."""

    model_config = _STRICT

    names: Annotated[list[ScenarioName], Field(min_length=1, max_length=5)]
    baseline: ScenarioName | None = None
    groups: Names = []
    by: By = "cost"
    as_of: AsOf | None = None
    vessel_flag: Flag | None = None
    # None: the same date for a scenario that opens a project (service.ScenarioRunQuery)
    same_date: bool | None = None
    flows: bool = Field(
        False,
        description="also the corridor assignment without and with each scenario (the "
        "CLI's --flows, on by default there; off here as it takes seconds)",
    )

    def to_service(self) -> service.ScenarioRunQuery:
        return service.ScenarioRunQuery(
            tuple(self.names),
            baseline=self.baseline,
            groups=tuple(self.groups),
            by=self.by,
            as_of=self.as_of,
            vessel_flag=self.vessel_flag,
            same_date=self.same_date,
        )


class CriticalityRequest(_Network):
    """``instc criticality``: remove each element in turn (a job)."""

    elements: Literal["links", "nodes", "borders", "countries"] = "links"
    top: int = Field(20, ge=1, le=MAX_TOP)
    by: By = "generalised"
    value_of_time: float | None = Field(None, ge=0, le=MAX_VALUE_OF_TIME)
    transit_only: bool = False

    def to_service(self) -> service.CriticalityQuery:
        return service.CriticalityQuery(
            elements=self.elements,
            top=self.top,
            by=self.by,
            as_of=self.as_of,
            scenario=self.scenario,
            value_of_time=self.value_of_time,
            transit_only=self.transit_only,
        )


class AssignRequest(BaseModel):
    """``instc assign corridor``: a year's freight assigned, path-size logit route choice
    by default (a job)."""

    model_config = _STRICT

    year: int = Field(2030, ge=MIN_YEAR, le=MAX_YEAR)
    scenario: ScenarioName | None = None
    demand_level: Literal["low", "mode", "high"] = "mode"
    algorithm: Literal["psl", "aon", "msa", "fw", "cfw", "bfw"] = "psl"
    gap: float | None = Field(
        None, ge=1e-9, le=1.0, description="target gap (default: 1e-4 for psl, 1e-6 otherwise)"
    )
    max_iter: int = Field(500, ge=1, le=MAX_ITERATIONS_JOB)
    top: int = Field(10, ge=1, le=200)


class TntpAssignRequest(BaseModel):
    """``instc assign tntp DIR``: a TNTP benchmark network at user equilibrium (a job).

    ``network`` names a folder under the server's ``--tntp`` directory.
    """

    model_config = _STRICT

    network: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$",
        description="a TNTP folder under the server's --tntp directory",
        examples=["SiouxFalls"],
    )
    algorithm: Literal["aon", "msa", "fw", "cfw", "bfw"] = "bfw"
    gap: float = Field(1e-5, ge=1e-9, le=1.0, description="target relative gap")
    max_iter: int = Field(1000, ge=1, le=MAX_ITERATIONS_JOB)
    toll_factor: float | None = Field(None, ge=0, le=1e6, description="cost per toll unit")
    distance_factor: float | None = Field(None, ge=0, le=1e6, description="cost per length unit")


class ReportRequest(BaseModel):
    """``instc report``: the HTML report (a job; the result is the HTML file)."""

    model_config = _STRICT

    scenarios: Annotated[list[ScenarioName], Field(max_length=5)] = []
    origin: Place = "INNSA"
    destination: Place = "RU-MOSCOW"
    cargo: Cargo = "container"
    by: By = "cost"
    title: Annotated[str, Field(min_length=1, max_length=200)] = "INSTC corridor report"
    as_of: AsOf | None = None


class Problem(BaseModel):
    """An RFC 9457 problem: what was wrong, which field, and the fix."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] = []


class JobAccepted(BaseModel):
    job_id: str
    kind: str
    status: str
    status_url: str
    events_url: str
    result_url: str


class JobStatus(BaseModel):
    job_id: str
    kind: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    done: int
    total: int
    error: str | None = None
