"""Costs a shipper pays: country rail tariffs, border charges and times, surcharges.

Each expectation is computed here by hand from the published figures the data rows
cite (not by calling the code under test)."""

from __future__ import annotations

import datetime as dt

import pytest
from routing_toynet import make_network

from instc.network import load_network
from instc.network.graph import build_graph
from instc.routing import route


@pytest.fixture(scope="module")
def net():
    return load_network(as_of="2026-01-01")


def test_russian_rail_leg_is_priced_by_rzd_price_list_10_01(net):
    # Price list 10-01, scheme 88 (20-foot general-fleet container), base roubles:
    # 3,196.5 at 91-100 km and 4,288.2 at 361-390 km -> movement slope per km;
    # x 3.831 (2017 index to section 2 base rates) / (42,000 RUB / 745 USD, 2017)
    slope_rub = (4288.2 - 3196.5) / (375.5 - 95.5)
    usd_per_teu_km = slope_rub * 3.831 / (42000 / 745)
    assert usd_per_teu_km == pytest.approx(0.26495, abs=1e-5)
    option = route(net, "RUNVS", "RU-MOSCOW", by="cost")
    legs = [leg for leg in option.legs if leg.link_id == "r-moscow-novorossiysk"]
    assert len(legs) == 1
    # the data row holds the rate to 6 significant digits
    # 1,470.5 km: great circle 1,225.4 km x the rail detour factor 1.20 (was 1.25: 1,531.8)
    assert legs[0].freight_usd == pytest.approx(usd_per_teu_km * 1470.5, rel=1e-5)
    assert legs[0].surcharges == ()  # a domestic leg meets no surcharge


def test_eastern_special_rate_is_not_every_iranian_rail_leg(net):
    # Bandar Abbas - Tehran is western and eastern alike: the RAI rate applies there,
    # 35 CHF/t x 10 t per TEU over the 1591 km Sarakhs-Bandar Abbas haul, not 0.15;
    # francs to dollars at the mean H.10 rate of 22-26 Mar 2021 (CHF per USD)
    chf_per_usd = (0.9233 + 0.9327 + 0.9355 + 0.9393 + 0.9398) / 5
    g = build_graph(net, cargo="container")
    rates = [
        g.freight_usd[e] / g.distance_km[e]
        for e in range(g.n_edges)
        if g.link_id[e] == "r-bafq-bandarabbas"
    ]
    assert rates  # both directions
    assert rates == pytest.approx([350 / 1591 / chf_per_usd] * len(rates), rel=1e-5)
    assert rates[0] == pytest.approx(0.2355, abs=1e-4)  # not 0.2200: CHF is not USD


def test_a_carec_country_rail_leg_pays_one_rate_not_carec_and_a_country_tariff(net):
    # one tariff per leg: Kazakhstan's CAREC TFI3 ($883 per 500 km per 20 t, 2022) or
    # Turkmenistan's ($1,357, 2023: the CPMM 2023 report, the latest year, used from
    # 2024 on; was $1,319 of 2020) at 10 t per TEU, never stacked on a regional CAREC
    # average ($804) or another country's rate; the border link adds TFI2 once
    g = build_graph(net, cargo="container")

    def edge_costs(link_id: str) -> list[float]:
        """Freight and charges USD of both directions of the link, flat."""
        found = [e for e in range(g.n_edges) if g.link_id[e] == link_id]
        assert len(found) == 2  # both directions
        return [float(x) for e in found for x in (g.freight_usd[e], g.charges_usd[e])]

    kz, tm = 883 / 500 / 20 * 10, 1357 / 500 / 20 * 10
    assert edge_costs("r-uzen-bolashak") == pytest.approx([146.0 * kz, 0.0] * 2)
    assert edge_costs("r-serhetyaka-bereket") == pytest.approx([471.2 * tm, 0.0] * 2)
    # the KZ-TM crossing: the link's from-node country's rate, plus USD 215 / 20 t x 10 t
    assert edge_costs("r-bolashak-serhetyaka") == pytest.approx([8.3 * kz, 107.5] * 2)


def test_border_charge_and_time_follow_carec_per_20_t_and_the_customs_union(net):
    g = build_graph(net, cargo="container")
    bulk = build_graph(net, cargo="bulk")

    def edge(graph, border_id):
        found = [e for e in range(graph.n_edges) if graph.border_id[e] == border_id]
        assert found
        return found[0]

    # CAREC CPMM rail TFI2 USD 215 per crossing on a 20-ton consignment: per t 215/20,
    # per TEU at 10 t
    e = edge(g, "AZ-RU-SAMUR")
    assert g.charges_usd[e] == pytest.approx(215 / 20 * 10)
    assert g.dwell_h[e] == pytest.approx(40.6)
    assert bulk.charges_usd[edge(bulk, "AZ-RU-SAMUR")] == pytest.approx(215 / 20)
    # Russia-Kazakhstan: no customs control since 1 July 2011; train interchange only
    e = edge(g, "KZ-RU-ASTRAKHAN")
    assert g.charges_usd[e] == 0.0
    assert g.dwell_h[e] == pytest.approx(4.0)


def test_a_shipment_into_russia_pays_the_repositioning_surcharge_once(net):
    # mode: USD 2,131 (container in India, Jan 2023) - USD 580 (resale in Moscow) per
    # box, a 40' box of 2 TEU: per TEU (2,131 - 580) / 2 = 775.5
    expected_usd = (2131 - 580) / 2
    for family_route in (
        route(net, "INNSA", "RU-MOSCOW", by="cost"),
        route(net, "INNSA", "RU-MOSCOW", by="cost", via=["AZ-BAKU"]),
        route(net, "INNSA", "RU-MOSCOW", by="cost", via=["TM-ASHGABAT"]),
    ):
        items = [s for leg in family_route.legs for s in leg.surcharges]
        assert [s.surcharge_id for s in items] == ["repositioning-ru-container"]
        assert items[0].usd == pytest.approx(expected_usd)
        # the total is the legs' sum, the surcharge included once
        assert family_route.totals.cost_usd == pytest.approx(
            sum(leg.cost_usd for leg in family_route.legs)
        )
        as_json = [leg.to_dict() for leg in family_route.legs]
        assert sum(len(leg["surcharges"]) for leg in as_json) == 1


def test_no_surcharge_where_it_does_not_apply(net):
    # no Russian entry on a shipment to Iran; and before March 2022 none into Russia
    option = route(net, "INNSA", "IRBND", by="cost")
    assert all(leg.surcharges == () and leg.surcharges_usd == 0.0 for leg in option.legs)
    old = route(load_network(as_of="2021-06-01"), "INNSA", "RU-MOSCOW", by="cost")
    assert not [s for leg in old.legs for s in leg.surcharges]


def _line(countries: list[str], surcharges: list[dict]) -> object:
    nodes = [{"node_id": f"N{i}", "country": c} for i, c in enumerate(countries)]
    links = [
        {"link_id": f"l{i}", "from_node": f"N{i}", "to_node": f"N{i + 1}", "mode": "rail",
         "gauge_mm": 1520, "length_km": 100.0, "source_ids": ("S",)}
        for i in range(len(countries) - 1)
    ]  # fmt: skip
    tariffs = [{"tariff_id": "t", "mode": "rail", "cargo": "container", "usd_per_unit_km": 1.0}]
    return make_network(
        nodes=nodes, links=links, tariffs=tariffs, surcharges=surcharges,
        as_of=dt.date(2024, 1, 1),
    )  # fmt: skip


SURCHARGE = {
    "surcharge_id": "rep", "kind": "repositioning", "name": "one-way box", "country": "RU",
    "at": "entry", "modes": ("rail",), "cargo": ("container",), "usd_per_unit": 100.0,
    "dwell_h": 5.0, "source_ids": ("S",),
}  # fmt: skip


def test_a_route_entering_the_country_twice_pays_once():
    net = _line(["KZ", "RU", "KZ", "RU"], [SURCHARGE])
    option = route(net, "N0", "N3", by="cost")
    # 3 links x 100 km x USD 1 + one surcharge of USD 100 (not two)
    assert option.totals.cost_usd == pytest.approx(300.0 + 100.0)
    items = [s.surcharge_id for leg in option.legs for s in leg.surcharges]
    assert items == ["rep"]
    # its 5 h of clearance counted once: 300 km at 40 km/h + 5 h
    assert option.totals.time_h == pytest.approx(300 / 40 + 5.0)


def test_surcharge_validity_and_exit_side():
    expired = {**SURCHARGE, "valid_to": dt.date(2023, 1, 1)}
    option = route(_line(["KZ", "RU"], [expired]), "N0", "N1", by="cost")
    assert option.totals.cost_usd == pytest.approx(100.0)
    leaving = {**SURCHARGE, "at": "exit", "country": "KZ", "usd_per_unit": 7.0}
    there = route(_line(["KZ", "RU"], [leaving]), "N0", "N1", by="cost")
    back = route(_line(["RU", "KZ"], [leaving]), "N0", "N1", by="cost")
    assert there.totals.cost_usd == pytest.approx(107.0)
    assert back.totals.cost_usd == pytest.approx(100.0)


AT_DESTINATION = {**SURCHARGE, "at": "destination", "dwell_h": None}


@pytest.mark.parametrize(
    ("countries", "destination", "expected_usd", "charged_leg"),
    [
        (["KZ", "RU"], "N1", 100.0 + 100.0, 0),  # ends in Russia: the box stays there
        (["KZ", "RU", "KZ"], "N2", 200.0, None),  # crosses Russia: the box leaves again
        (["RU", "KZ", "RU"], "N2", 200.0, None),  # starts in Russia: no box sent into it
        (["KZ", "RU", "KZ", "RU"], "N3", 300.0 + 100.0, 2),  # once, on the last entry
    ],
)
def test_a_destination_surcharge_is_paid_only_by_a_box_that_ends_in_the_country(
    countries, destination, expected_usd, charged_leg
):
    # 100 km links at USD 1/km; the surcharge USD 100 per TEU
    option = route(_line(countries, [AT_DESTINATION]), "N0", destination, by="cost")
    assert option.totals.cost_usd == pytest.approx(expected_usd)
    assert option.totals.cost_usd == pytest.approx(sum(leg.cost_usd for leg in option.legs))
    charged = [i for i, leg in enumerate(option.legs) if leg.surcharges]
    assert charged == ([] if charged_leg is None else [charged_leg])


def test_a_box_crossing_russia_pays_no_repositioning(net):
    # Baku -> Atyrau by rail through Derbent and Astrakhan: enters Russia and leaves it
    transit = route(net, "AZ-BAKU", "KZ-ATYRAU", by="cost", via=["RUASF"])
    assert any(leg.to_node == "RU-DERBENT" for leg in transit.legs)
    assert not [s for leg in transit.legs for s in leg.surcharges]
    # the same line ending at Astrakhan pays it, on the leg entering Russia
    into = route(net, "AZ-BAKU", "RUASF", by="cost", via=["RU-DERBENT"])
    charged = [leg for leg in into.legs if leg.surcharges]
    assert [(leg.from_node, leg.to_node) for leg in charged] == [("AZ-YALAMA", "RU-DERBENT")]
    assert charged[0].surcharges_usd == pytest.approx((2131 - 580) / 2)


def test_the_eastern_special_rate_holds_in_2023_only():
    # 2023: USD 0.15/TEU-km (F152); before and after: CAREC CPMM Kazakhstan rail cost,
    # $883 per 500 km per 20 t (2022) at 10 t per TEU
    def kz_rate(as_of: str) -> float:
        g = build_graph(load_network(as_of=as_of), cargo="container")
        rates = [
            g.freight_usd[e] / g.distance_km[e]
            for e in range(g.n_edges)
            if g.link_id[e] == "r-atyrau-beyneu"
        ]
        assert rates
        return rates[0]

    assert kz_rate("2023-06-01") == pytest.approx(0.15)
    assert kz_rate("2026-01-01") == pytest.approx(883 / 500 / 20 * 10)
    assert kz_rate("2019-01-01") == pytest.approx(883 / 500 / 20 * 10)


@pytest.mark.parametrize(
    ("as_of", "kz_usd_per_teu_km", "tm_usd_per_teu_km"),
    [
        # 2023: the eastern-route special rate, USD 0.15/TEU-km (F152), on both
        ("2023-06-01", 0.15, 0.15),
        # 2024: no eastern rate after 2023 is published; the CPMM shipper's totals per
        # 500 km per 20 t at 10 t per TEU: KZ $883 (2022, the latest figure found),
        # TM $1,357 (2023, CPMM 2023 report Table 6.9)
        ("2024-06-01", 883 / 500 / 20 * 10, 1357 / 500 / 20 * 10),
        # 2025 Q3: TRL's 0.50 transit coefficient only lowers the range's low end
        ("2025-08-01", 883 / 500 / 20 * 10, 1357 / 500 / 20 * 10),
    ],
)
def test_eastern_rail_legs_take_the_rate_of_their_own_year(
    as_of: str, kz_usd_per_teu_km: float, tm_usd_per_teu_km: float
):
    """Freight of one TEU on a Kazakh and a Turkmen leg of the eastern route, by hand:
    rate x km x 1 TEU. Atyrau-Beyneu 384.9 km: 2023 0.15 x 384.9 = 57.735 USD; 2024
    0.883 x 384.9 = 339.8667 USD. Serhetyaka-Bereket 471.2 km: 2023 0.15 x 471.2 =
    70.68 USD; 2024 1.357 x 471.2 = 639.4184 USD (was 1.319 x 471.2 = 621.5128)."""
    option = route(
        load_network(as_of=as_of),
        "RU-MOSCOW",
        "IRBND",
        by="cost",
        via=["KZ-BEYNEU", "TM-BEREKET"],
    )
    freight = {leg.link_id: leg.freight_usd for leg in option.legs if leg.link_id}
    assert freight["r-atyrau-beyneu"] == pytest.approx(kz_usd_per_teu_km * 384.9 * 1)
    assert freight["r-serhetyaka-bereket"] == pytest.approx(tm_usd_per_teu_km * 471.2 * 1)


def test_turkmen_transit_coefficients_bound_the_range_only_in_their_quarters():
    # TRL 0.50 on transit via Akyayla: 1 Jul-30 Sep 2025 and 1 Jan-31 Mar 2026 (CIS
    # Tariff Policy telegrams); applied to the whole CPMM TFI3 only as the low end:
    # 0.50 x 1357 / 500 / 20 x 10 = 0.6785 USD/TEU-km; the mode stays 1.357
    def tm_row(as_of: str):
        tariffs = load_network(as_of=as_of).tariffs
        rows = tariffs[(tariffs["country"] == "TM") & (tariffs["cargo"] == "container")]
        assert len(rows) == 1
        return rows.iloc[0]

    for as_of, low in [
        ("2024-06-01", 1.308),
        ("2025-08-01", 0.6785),
        ("2025-11-01", 1.308),
        ("2026-02-01", 0.6785),
        ("2026-06-01", 1.308),
    ]:
        row = tm_row(as_of)
        assert row["usd_per_unit_km_low"] == pytest.approx(low), as_of
        assert row["usd_per_unit_km"] == pytest.approx(1357 / 500 / 20 * 10), as_of
        assert row["price_year"] == 2023, as_of


def test_the_russia_kazakhstan_border_before_the_customs_union_is_a_carec_average():
    g = build_graph(load_network(as_of="2010-01-01"), cargo="container")
    e = next(e for e in range(g.n_edges) if g.border_id[e] == "KZ-RU-ASTRAKHAN")
    assert g.dwell_h[e] == pytest.approx(40.6)
    assert g.charges_usd[e] == pytest.approx(215 / 20 * 10)
