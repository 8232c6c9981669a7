"""Model vs observed branch shares (instc.assignment.branches), against hand values."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pytest

from instc.assignment.branches import branch_check, load_branches, observed_branch_years
from instc.network.load import load_network
from instc.network.model import Network


@dataclass
class _Stub:
    """What branch_check reads of a CorridorAssignment: the year and family totals."""

    year: int
    volumes: dict[str, float]

    def family_totals(self) -> pd.DataFrame:
        return pd.DataFrame({"family": list(self.volumes), "volume_t": list(self.volumes.values())})


@pytest.fixture(scope="module")
def net() -> Network:
    return load_network(as_of=2023)


def test_branches_cover_the_corridor_families() -> None:
    branches = {b.name: b for b in load_branches()}
    assert branches["western"].families == ("western_rail", "western_road")
    assert branches["caspian"].scope == "caspian-sea-leg"


def test_observed_and_model_shares_by_hand(net: Network) -> None:
    stub = _Stub(
        2023,
        {
            "western_rail": 2e6,
            "western_road": 1e6,
            "caspian_sea": 1e6,
            "eastern_rail": 0.0,
            "suez": 5e6,
        },
    )
    check = branch_check(net, stub).set_index("branch")  # type: ignore[arg-type]
    # demand.csv 2023 (F165): western 3 Mt, Caspian 10 Mt, eastern 0.65 Mt; sum 13.65 Mt
    assert check.loc["western", "observed_share"] == pytest.approx(3 / 13.65)
    assert check.loc["caspian", "observed_share"] == pytest.approx(10 / 13.65)
    assert check.loc["eastern", "observed_share"] == pytest.approx(0.65 / 13.65)
    # model: (2 + 1) / 4, 1 / 4, 0 — deep sea (suez) is outside the branches
    assert check.loc["western", "model_share"] == pytest.approx(0.75)
    assert check.loc["caspian", "model_share"] == pytest.approx(0.25)
    assert check.loc["eastern", "model_share"] == 0.0
    assert check.loc["caspian", "source_ids"] == ["F165"]


def test_incomplete_year_shows_volumes_but_no_share(net: Network) -> None:
    stub = _Stub(2024, {"western_rail": 1.0, "caspian_sea": 1.0, "eastern_rail": 1.0})
    check = branch_check(net, stub).set_index("branch")  # type: ignore[arg-type]
    assert check.loc["eastern", "observed_t"] == 1_900_000  # eastern-2024 (F153)
    assert check["observed_share"].map(math.isnan).all()
    assert 2023 in observed_branch_years(net) and 2024 not in observed_branch_years(net)


def test_other_observation_set_has_its_own_shares_by_hand(net: Network) -> None:
    from instc.assignment.branches import other_observations

    stub = _Stub(2023, {"western_rail": 1.0, "western_road": 1.0, "caspian_sea": 6.0})
    other = other_observations(net, branch_check(net, stub), 2023).set_index("branch")
    # RZD rail Q1 2023 (TASS): western 2.2 Mt, Trans-Caspian 74.7 kt, eastern 234.8 kt
    total = 2.2e6 + 74_700 + 234_800
    assert other.loc["western", "observed_share"] == pytest.approx(2.2e6 / total)  # 0.8766
    assert other.loc["caspian", "observed_share"] == pytest.approx(74_700 / total)
    assert other.loc["western", "model_share"] == pytest.approx(2 / 8)
    assert set(other["set"]) == {"rzd-rail-q1"}
    # no set covers 2024: nothing to compare
    assert other_observations(net, branch_check(net, stub), 2024).empty


def test_western_capacity_claim_is_not_an_observed_volume(net: Network) -> None:
    # "currently 9 Mt" (Baku Declaration) is the route's throughput capacity: own scope
    d = net.tables["demand"].set_index("demand_id")
    assert d.loc["western-2022", "scope"] == "western-route-capacity"
    assert 2022 not in observed_branch_years(net)


def test_observation_set_without_a_branch_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from instc._errors import DataError
    from instc.assignment.branches import load_observation_sets

    bad = tmp_path / "corridor.toml"
    bad.write_text(
        '[branch.a]\nfamilies = ["x"]\nscope = "s"\n[observed.o]\nlabel = "l"\n', "utf-8"
    )
    with pytest.raises(DataError, match=r"\[observed.o\] has no scope for branch a"):
        load_observation_sets(bad)
