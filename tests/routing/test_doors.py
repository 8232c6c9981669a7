"""Every option of the embedded dataset starts and ends at a door (issue 10).

A place where freight is loaded or unloaded has a door: its road layer, behind its
terminal (transfers.csv, a transfer between road and the layer it is served by) where no
road link reaches it. An option starts on the door and ends on it, so its first leg is
either the origin terminal or a truck leaving the door, and its last leg the destination
terminal or a truck arriving. Junctions, border stations and sea waypoints have no
terminal: an option cannot start or end there (one line naming the nearest terminals),
but routes still pass through them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc._errors import NoTerminalError
from instc.cli import run
from instc.network.graph import DOOR_LAYER, build_graph
from instc.network.load import load_network
from instc.routing.shortest import route

AS_OF = "2026-06-01"
DATA = Path(__file__).resolve().parents[2] / "src" / "instc" / "data"

# the places of the embedded dataset without a container terminal: junctions, border
# stations and sea waypoints (nodes.csv); a door added to one of them or a door lost by
# a freight place changes this set
NO_CONTAINER_TERMINAL = {
    # rail junctions and border stations
    "AZ-YALAMA",
    "IR-GARMSAR",
    "KZ-BEYNEU",
    "KZ-BOLASHAK",
    "KZ-MANGYSHLAK",
    "TM-BEREKET",
    "TM-SERHETYAKA",
    # sea waypoints
    "DE-KIEL-CANAL",
    "EG-SUEZ",
    "ES-CANARY",
    "ES-FINISTERRE",
    "FI-GULF-OF-FINLAND",
    "GI-GIBRALTAR",
    "GR-AEGEAN",
    "IN-DWARKA-W",
    "IN-SAURASHTRA-SW",
    "MG-SOUTH",
    "OM-GULF-OF-OMAN",
    "OM-HORMUZ",
    "OM-MADRAKAH",
    "OM-RAS-AL-HADD",
    "RU-VCSC-SEA",
    "SN-DAKAR-OFFSHORE",
    "TR-BOSPORUS",
    "TR-DARDANELLES",
    "YE-ADEN",
    "YE-BAB-EL-MANDEB",
    "ZA-AGULHAS",
    "ZA-CAPE",
    "ZA-EAST-COAST",
}


@pytest.fixture(scope="module")
def network():
    return load_network(as_of=AS_OF)


def test_the_places_without_a_container_terminal_are_junctions_borders_and_waypoints(
    network,
) -> None:
    graph = build_graph(network, cargo="container")
    kinds = dict(zip(network.nodes["node_id"], network.nodes["kinds"], strict=True))
    # in the graph at this date (a place it lacks has no link for containers, e.g. the
    # Turkish calls of the Maersk service that ended in 2022: a different refusal)
    without = {p for p in graph.place_nodes if not graph.has_terminal(p)}
    assert without == NO_CONTAINER_TERMINAL
    for place in without:  # none is a port or a terminal; each says what it is instead
        assert not {"port", "terminal", "road"} & set(kinds[place]), place
        assert "junction" in kinds[place] or set(kinds[place]) <= {"sea", "waterway"}, place


@pytest.mark.parametrize("cargo", ["container", "bulk", "truck"])
def test_every_place_with_a_terminal_starts_and_ends_on_its_door(network, cargo) -> None:
    """Over the whole dataset: an option from or to a place with a terminal starts and
    ends on the road layer only, so its first leg leaves the door (a terminal transfer
    or a road link) and its last leg arrives at it. (Liquid is not held to this: a
    pipeline or a tanker berth is an oil terminal of its own.)"""
    graph = build_graph(network, cargo=cargo)
    places = [p for p in graph.place_nodes if graph.has_terminal(p)]
    assert len(places) > 20
    for place in places:
        starts = {graph.layer(i) for i in graph.origin_nodes(place)}
        ends = {graph.layer(i) for i in graph.destination_nodes(place)}
        assert starts == {DOOR_LAYER} and ends == {DOOR_LAYER}, (place, starts, ends)


def _door_leg(leg, place: str, end: str) -> bool:
    """The leg is the place's terminal (marked) or a truck leaving / reaching its door."""
    if leg.kind == "transfer":
        return leg.terminal == end
    node = leg.from_node if end == "origin" else leg.to_node
    return leg.mode == "road" and node == place


def test_every_option_to_and_from_the_container_places_has_both_terminal_legs(network) -> None:
    """Every place with a container terminal, from Moscow and to Nhava Sheva: the first
    leg is the origin's terminal (``terminal`` = origin) or a truck from its door, the
    last the destination's terminal or a truck to its door."""
    graph = build_graph(network, cargo="container")
    places = sorted(p for p in graph.place_nodes if graph.has_terminal(p))
    checked = 0
    for a, b in [*(("RU-MOSCOW", p) for p in places), *((p, "INNSA") for p in places)]:
        if a == b:
            continue
        try:
            option = route(network, a, b, by="cost")
        except NoTerminalError:  # pragma: no cover - every place here has a terminal
            raise
        except LookupError:  # no container path between them at this date
            continue
        first, last = option.legs[0], option.legs[-1]
        assert _door_leg(first, a, "origin"), (a, b, first)
        assert _door_leg(last, b, "destination"), (a, b, last)
        assert sum(leg.terminal == "origin" for leg in option.legs) <= 1
        assert sum(leg.terminal == "destination" for leg in option.legs) <= 1
        checked += 1
    assert checked > 60


def test_the_mashhad_door_is_charged_once_at_each_end(network, tmp_path) -> None:
    """transfers.csv IR-MASHHAD rail1435<->road handling: 12 h dwell, USD 150/TEU.

    Leaving Mashhad the door is the first leg: 12 h dwell, 36 h wagonload formation
    (parameters.toml waiting.wagonload_formation_h, on every entry into rail from another
    mode) and USD 150; the option costs exactly USD 150 and 12 h more than on the same
    dataset with the row's dwell and charge set to 0 (paid once, not at every pass).
    Arriving at Mashhad: the last leg, 12 h and USD 150, no formation wait."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    transfers = data / "transfers.csv"
    text = transfers.read_text(encoding="utf-8")
    row = "IR-MASHHAD,rail1435,road,handling,,container;bulk;liquid,4,12,24,150,15,"
    assert text.count(row) == 1
    # the same door at no charge and no dwell: what the option pays besides the row
    transfers.write_text(
        text.replace(row, "IR-MASHHAD,rail1435,road,handling,,container;bulk;liquid,0,0,0,0,0,"),
        encoding="utf-8",
    )
    free = load_network(data, as_of=AS_OF)

    out = route(network, "IR-MASHHAD", "RU-MOSCOW", by="cost")
    out_before = route(free, "IR-MASHHAD", "RU-MOSCOW", by="cost")
    door = out.legs[0]
    assert (door.kind, door.from_node, door.from_layer, door.to_layer) == (
        "transfer",
        "IR-MASHHAD",
        "road",
        "rail1435",
    )
    assert (door.terminal, door.dwell_h, door.waiting_h, door.cost_usd) == (
        "origin",
        12.0,
        36.0,
        150.0,
    )
    assert [leg.link_id for leg in out.legs] == [leg.link_id for leg in out_before.legs]
    assert sum(leg.from_node == "IR-MASHHAD" and leg.kind == "transfer" for leg in out.legs) == 1
    assert out.totals.cost_usd == pytest.approx(out_before.totals.cost_usd + 150.0)
    assert out.totals.time_h == pytest.approx(out_before.totals.time_h + 12.0)
    assert out_before.legs[0].time_h == pytest.approx(36.0)  # the formation wait alone

    back = route(network, "RU-MOSCOW", "IR-MASHHAD", by="cost")
    back_before = route(free, "RU-MOSCOW", "IR-MASHHAD", by="cost")
    door = back.legs[-1]
    assert (door.from_layer, door.to_layer, door.terminal) == ("rail1435", "road", "destination")
    assert (door.dwell_h, door.waiting_h, door.cost_usd) == (12.0, 0.0, 150.0)
    assert sum(leg.to_node == "IR-MASHHAD" and leg.kind == "transfer" for leg in back.legs) == 1
    assert back.totals.cost_usd == pytest.approx(back_before.totals.cost_usd + 150.0)
    assert back.totals.time_h == pytest.approx(back_before.totals.time_h + 12.0)


def test_a_junction_is_refused_as_an_end_but_not_as_a_via(network) -> None:
    with pytest.raises(NoTerminalError) as caught:
        route(network, "RU-MOSCOW", "KZ-BEYNEU", by="cost")
    assert caught.value.place == "KZ-BEYNEU"
    # the nearest places with a container terminal (great circle): Uzen 288 km, Atyrau 321 km
    assert caught.value.nearest[:2] == ("KZ-UZEN", "KZ-ATYRAU")
    through = route(network, "RU-MOSCOW", "IR-MASHHAD", by="cost", via=["KZ-BEYNEU"])
    assert "KZ-BEYNEU" in {leg.to_node for leg in through.legs}


runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "what", "nearest"),
    [
        (["route", "INNSA", "OM-HORMUZ"], "is a sea waypoint", "IRBND"),
        (["compare", "Moscow", "TM-SERHETYAKA"], "is a border station", "KZ-UZEN"),
        (["reliability", "IR-GARMSAR", "Moscow"], "is a rail junction", "IR-TEHRAN"),
        (["pareto", "Moscow", "Beyneu"], "is a rail junction", "KZ-UZEN"),
    ],
)
def test_the_cli_refuses_a_place_without_a_terminal_in_one_line(args, what, nearest) -> None:
    """Through the console entry point (``instc.cli.run``), as a user runs it."""
    with runner.isolation() as (out, err, _):
        code = run(args)
        stderr = err.getvalue().decode()
        stdout = out.getvalue().decode()
    assert code == 2, stderr
    assert "Traceback" not in stderr and not stdout
    text = " ".join(stderr.split())  # Rich may wrap the one message at the width
    assert text.startswith("error: no route from")
    assert stderr.count("error:") == 1
    assert what in text and "no container terminal" in text and nearest in text
    assert "pass through it" in text


def test_cargo_rolled_onto_a_ferry_sails_before_it_rolls_off(network) -> None:
    """At a berth with rail<->ferry and ferry<->road roll-on rows (Alat, Aktau, Kuryk,
    Turkmenbashi) a transfer onto the ferry layer reaches only the ferry's departures: no
    transfer leaves the node a transfer onto the ferry enters, so rail -> ferry -> road at
    one place (12 h, USD 0, no sailing: the rail terminal skipped) is not a path; and
    the ferry's arrivals lead only to transfers off it."""
    from instc.network.graph import base_layer

    g = build_graph(network, cargo="container")
    kinds = list(g.kind)
    onto = {int(g.edge_to[e]) for e in range(g.n_edges) if kinds[e] == "transfer"}
    ferry_heads = {n for n in onto if base_layer(g.node_layer[n]) == "ferry"}
    assert {g.node_place[n] for n in ferry_heads} >= {"AZBAK", "KZAAU", "KZ-KURYK", "TMKRW"}
    for e in range(g.n_edges):
        if int(g.edge_from[e]) in ferry_heads:
            assert kinds[e] == "link" and g.mode[e] == "ferry", (
                g.node_place[int(g.edge_from[e])],
                kinds[e],
                g.node_layer[int(g.edge_to[e])],
            )
    best = route(network, "INNSA", "TMKRW", cargo="container")
    layers = [(leg.kind, leg.mode) for leg in best.legs]
    i = layers.index(("link", "ferry"))
    assert best.legs[i - 1].kind == "transfer" and best.legs[i + 1].kind == "transfer"
