"""Two options that exist only on some dates: the Baku–Novorossiysk oil pipeline and the
Nakhchivan–Mashhad passenger train (launched 29 Dec 2016, halted in 2017).

Baku–Novorossiysk (project_status.csv): open 25 Oct 1997, flow halted 2022
[W-seanews-baku-supsa-2023]; 1,330 km [F213]. While it runs it is the liquid route from
Sangachal to Novorossiysk; once halted, the no-route message says so and why.
"""

from __future__ import annotations

import pytest

from instc._errors import NoRouteError
from instc.network.load import load_network
from instc.routing import route


@pytest.fixture(scope="module")
def network():
    return load_network(as_of=None, today="2026-12-05")


def test_the_pipeline_carries_sangachal_oil_to_novorossiysk_while_it_runs(network) -> None:
    option = route(network, "AZ-SANGACHAL", "RUNVS", cargo="liquid", as_of="2019-06-01")
    assert option.link_ids == ("o-baku-novorossiysk",)
    assert option.totals.distance_km == pytest.approx(1330)  # 1,330 km [F213]


def test_after_the_2022_halt_the_reason_is_visible(network) -> None:
    with pytest.raises(NoRouteError) as caught:
        route(network, "AZ-SANGACHAL", "RUNVS", cargo="liquid", as_of="2023-06-01")
    message = str(caught.value)
    assert "o-baku-novorossiysk: project baku-novorossiysk suspended since 2022" in message
    assert "W-seanews-baku-supsa-2023" in message
    assert "try a later --as-of" not in message  # a halt, not a project yet to open


def test_the_nakhchivan_mashhad_train_runs_on_the_dates_it_ran(network) -> None:
    """Launched 29 Dec 2016, twice a week by its timetable (IRNA), halted in 2017 on an
    undated day taken at July 2017 (estimate): routable in February 2017, not in August.
    Boarding waits half the headway: 168 h / 2 per week / 2 = 42 h; Nakhchivan–Julfa is
    the sourced 45 km."""
    option = route(network, "AZ-NAKHCHIVAN", "IR-MASHHAD", cargo="passenger", as_of="2017-02")
    first = option.legs[0]
    assert (first.link_id, first.distance_km, first.waiting_h) == ("p-nakhchivan-julfa", 45, 42)
    assert option.link_ids[-1] == "p-tehran-mashhad"
    with pytest.raises(NoRouteError):
        route(network, "AZ-NAKHCHIVAN", "IR-MASHHAD", cargo="passenger", as_of="2017-08")


def test_the_passenger_train_runs_on_its_timetable_not_freight_speeds(network) -> None:
    """IRNA: ~30 h Nakhchivan–Mashhad including customs, passport control and the bogie
    change at Jolfa, over 45 + 1,700 = 1,745 km (Pars Today): schedule speed 58.2 km/h.
    The modelled sections sum to 45 + 1.7 + 146 + 735.9 + 926 = 1,854.6 km (Jolfa–Tabriz,
    Tabriz–Tehran via Maragheh and Tehran–Mashhad from their line articles; 6 % over the
    1,745 km Pars Today gives), so the ride takes 1,854.6 / 58.2 = 31.87 h; the border and
    the bogie change add no hours of their own (inside the timetable), boarding waits 42 h:
    73.87 h door to door (the freight crossing average of 40.6 h and freight train speeds
    no longer apply)."""
    option = route(network, "AZ-NAKHCHIVAN", "IR-MASHHAD", cargo="passenger", as_of="2017-02")
    border = next(leg for leg in option.legs if leg.border_id == "IR-AZ-JOLFA")
    bogies = next(leg for leg in option.legs if leg.transfer_kind == "gauge_break")
    assert (border.dwell_h, bogies.dwell_h) == (0.0, 0.0)
    moving_h = sum(leg.moving_h for leg in option.legs)
    assert moving_h == pytest.approx(1854.6 / 58.2, abs=0.01)
    assert option.totals.time_h == pytest.approx(42 + 1854.6 / 58.2, abs=0.01)
