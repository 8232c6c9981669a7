"""The routing tests' rest oracle (``rest_oracle``) against hand counts of the rule:
9 h driving a day, rests of 24 - 9 = 15 h, a stop of >= 11 h restarts the clock."""

from __future__ import annotations

import pytest
from rest_oracle import DrivingRule, Stint, rests_taken

RULE = DrivingRule(drive_h_per_day=9.0, reset_stop_h=11.0)


def _road(drive_h: float, stop_h: float = 0.0) -> Stint:
    return Stint(road=True, stop_h=stop_h, drive_h=drive_h)


FERRY = Stint(road=False, stop_h=0.0, drive_h=0.0)


@pytest.mark.parametrize(
    ("stints", "rests"),
    [
        ([_road(16.0)], 1),  # 9 h, rest, 7 h
        ([_road(9.0)], 0),  # the day's driving exactly: no rest needed
        ([_road(18.0)], 1),  # two full days: one rest between them
        ([_road(18.5)], 2),
        ([_road(27.0)], 2),
        ([_road(28.0)], 3),
        ([_road(5.0)] * 3, 1),  # 15 h over three links: one rest, on the second
        ([_road(4.0), _road(10.0), _road(3.0), _road(11.0)], 3),  # 28 h in a run
        ([_road(8.0), FERRY, _road(8.0)], 0),  # off the road the clock restarts
        ([_road(8.0), _road(8.0, stop_h=11.0)], 0),  # a stop as long as the reset
        ([_road(8.0), _road(8.0, stop_h=10.0)], 1),  # a shorter queue does not
        ([FERRY, FERRY], 0),
        ([], 0),
    ],
)
def test_rests_counted_by_hand(stints, rests):
    assert rests_taken(stints, RULE) == rests


def test_rest_length_is_the_rest_of_the_day():
    assert RULE.rest_h == 15.0


def test_rule_read_from_parameters_and_defaults():
    params = {"road": {"driving_h_per_day": {"value": 10.0}, "daily_rest_h": {"value": 9.0}}}
    assert DrivingRule.of(params) == DrivingRule(10.0, 9.0)
    # without daily_rest_h only a stop as long as the rest itself restarts the clock
    assert DrivingRule.of({"road": {"driving_h_per_day": {"value": 9.0}}}) == DrivingRule(9.0, 15.0)
    assert DrivingRule.of({"road": {}}) is None
