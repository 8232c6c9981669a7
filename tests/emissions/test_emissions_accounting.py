"""ISO 14083 accounting: factors from parameters, hand-computed chain totals, rescaling."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "routing"))

from routing_cases import corridor
from routing_toynet import PARAMETERS

from instc._errors import DataError
from instc.emissions import account, default_vehicle_class, intensity_for
from instc.routing.shortest import route


def test_intensity_and_default_class_from_parameters():
    assert default_vehicle_class(PARAMETERS, "rail") == "train"
    train = intensity_for(PARAMETERS, "train")
    assert (train.wtw_g_per_tkm, train.ttw_g_per_tkm, train.source_ids) == (30.0, 24.0, ("E2",))
    with pytest.raises(DataError, match=r"emissions\.barge\.wtw_g_per_tkm"):
        intensity_for(PARAMETERS, "barge")
    with pytest.raises(DataError, match=r"default_class\.pipeline"):
        default_vehicle_class(PARAMETERS, "pipeline")


def test_account_of_the_toy_corridor_by_hand():
    option = route(corridor(), "A", "E")
    acc = account(option)
    # vehicle legs: 10 t x (1500 x 20 + 600 x 30 + 10 x 30 + 800 x 30) g = 723 kg WTW;
    # hub: 2 kg/t x 10 t at the port of B = 20 kg; gauge break without a factor = 0
    assert acc.co2e_kg == pytest.approx(743.0)
    assert acc.hub_co2e_kg == pytest.approx(20.0)
    assert acc.co2e_kg_ttw == pytest.approx(593.4)
    assert acc.tkm == pytest.approx(29100.0)
    assert acc.intensity_g_per_tkm == pytest.approx(743000.0 / 29100.0)
    assert acc.by_mode() == pytest.approx({"sea": 300.0, "rail": 423.0, "transfer": 20.0})
    assert len(acc.to_frame()) == len(option.legs)


def test_shipment_rescaling_matches_a_graph_built_with_that_tonnage():
    per_teu = route(corridor(), "A", "E")
    heavy = route(corridor(), "A", "E", tonnes_per_unit=14.0)
    acc = account(per_teu, units=3, tonnes_per_unit=14.0)
    assert acc.co2e_kg == pytest.approx(3 * heavy.totals.co2e_kg)
    assert acc.co2e_kg_ttw == pytest.approx(3 * heavy.totals.co2e_kg_ttw)
    assert acc.co2e_kg == pytest.approx(743.0 * 3 * 1.4)
    assert any("14 t of cargo per teu" in a for a in heavy.assumptions)
    with pytest.raises(DataError):
        account(per_teu, units=0)


def test_wtw_is_at_least_ttw_on_every_corridor_leg():
    from instc.network.load import load_network
    from instc.routing.compare import compare

    for option in compare(load_network(as_of="2026-01-01"), "INNSA", "RU-MOSCOW").options:
        for leg in option.legs:
            assert leg.co2e_kg >= leg.co2e_kg_ttw >= 0.0
        assert account(option).co2e_kg == pytest.approx(option.totals.co2e_kg)
