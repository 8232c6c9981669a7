"""Link geometry: Caspian legs through the spine waypoints, other sea legs on lanes."""

from __future__ import annotations

from instc.network.geometry import leg_line, sea_line


def test_caspian_leg_runs_through_the_spine_in_travel_order() -> None:
    baku, aktau = (49.87, 40.35), (51.2, 43.6)
    # spine points strictly between 40.35 and 43.6 N, south to north
    assert sea_line(baku, aktau) == (baku, (50.9, 40.6), (50.3, 42.0), aktau)
    assert sea_line(aktau, baku) == (aktau, (50.3, 42.0), (50.9, 40.6), baku)


def test_land_legs_are_drawn_between_their_places() -> None:
    assert leg_line("rail", (50.0, 37.0), (48.9, 38.4)) == [[50.0, 37.0], [48.9, 38.4]]


def test_open_sea_leg_follows_a_lane() -> None:
    mumbai, bandar_abbas = (72.95, 18.95), (56.06, 27.11)
    line = leg_line("sea", mumbai, bandar_abbas)
    assert line[0] == list(mumbai) and line[-1] == list(bandar_abbas)
    assert len(line) > 3
