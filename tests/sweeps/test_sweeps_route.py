"""Route sweeps on the embedded data: scenarios × grid, common random numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from instc._errors import DataError
from instc.sweeps import load_sweep, run_sweep
from instc.sweeps.tasks import scale_network

SWEEP = """
[sweep]
name = "route"
seed = 11
samples = 2000
within_days = 25

[route]
origin = "Nhava Sheva"
destination = "Moscow"
scenarios = ["baseline", "red-sea-closed"]
families = ["western_rail", "suez"]
as_of = "2026"

[grid]
border_delay_factor = [1.0, 2.0]
tariff_factor = [1.0, 0.5]
"""


@pytest.fixture(scope="module")
def frame(tmp_path_factory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("route-sweep")
    path = tmp / "sweep.toml"
    path.write_text(SWEEP, encoding="utf-8")
    d = load_sweep(path)
    assert d.kind == "route" and len(d.tasks()) == 8
    return run_sweep(d.tasks(), workers=0, out_dir=tmp / "out").to_frame()


def _row(
    frame: pd.DataFrame, scenario: str, factor: float, family: str, tariff: float = 1.0
) -> pd.Series:
    sel = frame[
        (frame.scenario == scenario)
        & (frame.border_delay_factor == factor)
        & (frame.tariff_factor == tariff)
        & (frame.family == family)
    ]
    assert len(sel) == 1
    return sel.iloc[0]


def test_tariff_cut_lowers_cost_and_leaves_times_alone(frame) -> None:
    base = _row(frame, "baseline", 1.0, "western_rail")
    cut = _row(frame, "baseline", 1.0, "western_rail", tariff=0.5)
    assert cut.cost_usd < base.cost_usd
    # planned by time: the same route, the same random numbers -> the same times
    for col in ("planned_time_h", "p50_h", "p90_h", "p95_h"):
        assert cut[col] == pytest.approx(base[col], rel=1e-12)


def test_border_delays_hit_land_routes_only(frame) -> None:
    rail1, rail2 = (_row(frame, "baseline", f, "western_rail") for f in (1.0, 2.0))
    assert rail2.p90_h > rail1.p90_h
    assert rail2.planned_time_h > rail1.planned_time_h
    sea1, sea2 = (_row(frame, "baseline", f, "suez") for f in (1.0, 2.0))
    if sea1.planned_time_h == pytest.approx(sea2.planned_time_h):  # no border on the way
        assert sea2.p90_h == pytest.approx(sea1.p90_h, rel=1e-12)
    # two families and the unconstrained best route (reliability simulates it too)
    assert set(frame["rank"].dropna()) <= {1, 2, 3}


def test_red_sea_closure_takes_the_suez_option_away_or_slows_it(frame) -> None:
    base = _row(frame, "baseline", 1.0, "suez")
    closed = frame[(frame.scenario == "red-sea-closed") & (frame.family == "suez")]
    assert len(closed) == 4  # one row per grid point
    for _, row in closed.iterrows():
        assert row["reason"] is not None or row["p50_h"] > base.p50_h


def test_scale_network_scales_whole_columns_and_rejects_unknown_keys() -> None:
    from instc.network.load import load_network

    net = load_network(as_of="2026")
    scaled = scale_network(net, {"border_delay_factor": 2.0, "tariff_factor": 0.5})
    assert (scaled.borders["dwell_h"] == 2 * net.borders["dwell_h"]).all()
    pd.testing.assert_series_equal(
        scaled.tariffs["usd_per_unit_km"], 0.5 * net.tariffs["usd_per_unit_km"]
    )
    assert scaled.tables["transfers"] is net.tables["transfers"]  # untouched, not copied
    with pytest.raises(DataError, match="unknown network factor"):
        scale_network(net, {"speed_factor": 2.0})


def test_route_definition_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SWEEP.replace('"red-sea-closed"', '"red-sea-close"'), encoding="utf-8")
    with pytest.raises(DataError, match=r"s\.toml:route\.scenarios: 'red-sea-close'"):
        load_sweep(path)
    path.write_text(SWEEP.replace("border_delay_factor", "link_time_factor"), encoding="utf-8")
    with pytest.raises(DataError, match=r"grid\.link_time_factor: unknown grid parameter"):
        load_sweep(path)


def test_month_grid_shows_winter_storms_on_the_caspian_route(tmp_path: Path) -> None:
    text = """
[sweep]
seed = 5
samples = 5000
[route]
origin = "Nhava Sheva"
destination = "Moscow"
families = ["caspian_sea", "suez"]
as_of = "2026"
[grid]
month = [1, 7]
"""
    path = tmp_path / "months.toml"
    path.write_text(text, encoding="utf-8")
    frame = run_sweep(load_sweep(path).tasks(), workers=0, out_dir=tmp_path / "out").to_frame()
    caspian = frame[frame.family == "caspian_sea"].set_index("month")
    assert caspian.loc[1.0, "p95_h"] > caspian.loc[7.0, "p95_h"]
    assert caspian.loc[1.0, "mean_h"] > caspian.loc[7.0, "mean_h"]
    # no Caspian leg on the Suez route: the month changes nothing (common random numbers)
    suez = frame[frame.family == "suez"].set_index("month")
    assert suez.loc[1.0, "p95_h"] == suez.loc[7.0, "p95_h"]
    bad = text.replace("month = [1, 7]", "month = [0, 13]")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DataError, match=r"grid\.month"):
        load_sweep(path)
