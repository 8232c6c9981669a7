"""Every result has ``to_dict`` and ``to_frame``; several options (Pareto set, k
alternatives) are a :class:`RouteOptions` tuple whose rows are its options' legs."""

from __future__ import annotations

import pytest
from routing_cases import corridor

from instc.routing.alternatives import alternatives
from instc.routing.pareto import pareto
from instc.routing.results import RouteOptions


@pytest.fixture(scope="module")
def network():  # type: ignore[no-untyped-def]
    return corridor()


def test_a_pareto_set_is_route_options_with_one_row_per_leg(network) -> None:  # type: ignore[no-untyped-def]
    found = pareto(network, "A", "E")
    assert isinstance(found, RouteOptions) and len(found) >= 1
    assert found.to_dict() == [o.to_dict() for o in found]
    frame = found.to_frame()
    assert len(frame) == sum(len(o.legs) for o in found)
    assert list(frame.columns[:2]) == ["option", "family"]
    for i, option in enumerate(found):
        rows = frame[frame["option"] == i]
        assert list(rows["link_id"].fillna("")) == [leg.link_id or "" for leg in option.legs]
        # the legs' costs add up to the option's total cost, per option
        assert rows["cost_usd"].sum() == pytest.approx(option.totals.cost_usd)


def test_alternatives_are_route_options_too(network) -> None:  # type: ignore[no-untyped-def]
    found = alternatives(network, "A", "E", k=2)
    assert isinstance(found, RouteOptions)
    assert found == tuple(found)  # still a tuple for callers
    features = found.to_geojson()["features"]
    assert {f["properties"]["option"] for f in features} == set(range(len(found)))


def test_every_result_type_has_to_dict_and_to_frame() -> None:
    from instc.assignment.corridor import CorridorAssignment
    from instc.assignment.corridor_demand import CorridorDemand
    from instc.assignment.results import AssignmentResult
    from instc.assignment.select_link import SelectLink
    from instc.backtest import BacktestResult
    from instc.emissions.accounting import EmissionsAccount
    from instc.reliability.compare import ReliabilityComparison
    from instc.reliability.results import ReliabilityResult
    from instc.resilience.criticality import CriticalityResult
    from instc.routing.compare import Comparison
    from instc.routing.results import RouteOption
    from instc.scenarios.appraise import Appraisal
    from instc.scenarios.changes import TableChanges
    from instc.scenarios.diff import ScenarioDiff
    from instc.scenarios.flows import FlowDiff
    from instc.service import ScenarioCheck
    from instc.sweeps.runner import SweepResult

    kinds = (
        RouteOption,
        RouteOptions,
        Comparison,
        ReliabilityResult,
        ReliabilityComparison,
        CriticalityResult,
        AssignmentResult,
        CorridorAssignment,
        ScenarioDiff,
        TableChanges,
        BacktestResult,
        EmissionsAccount,
        SweepResult,
        Appraisal,
        FlowDiff,
        SelectLink,
        CorridorDemand,
        ScenarioCheck,
    )
    lacking = [
        f"{kind.__name__}.{method}"
        for kind in kinds
        for method in ("to_dict", "to_frame")
        if not callable(getattr(kind, method, None))
    ]
    assert lacking == []


def test_scenario_check_frame_has_a_row_per_problem() -> None:
    from instc.service import ScenarioCheck

    frame = ScenarioCheck("x.toml", ("line 3: a", "line 7: b"), 3).to_frame()
    assert list(frame["problem"]) == ["line 3: a", "line 7: b"]
    assert set(frame["file"]) == {"x.toml"} and set(frame["edits"]) == {3}
    assert list(ScenarioCheck("y.toml", (), 1).to_frame()["problem"]) == [""]
