"""Property tests (hypothesis) of apply_scenario on the embedded network."""

from __future__ import annotations

import datetime as dt
import functools
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from instc.network.load import load_network
from instc.network.model import Network
from instc.network.schema import MODES as SCHEMA_MODES
from instc.scenarios import ScenarioFileError, apply_scenario, parse_scenario
from instc.scenarios.apply import TariffIndex

MODES = list(SCHEMA_MODES)
COUNTRIES = ["AZ", "IR", "RU", "KZ", "TM", "IN", "GE", "AM"]


@functools.cache
def network() -> Network:
    """The embedded network, loaded on first use (not at import: collection stays cheap)."""
    return load_network(as_of="2026-11-25")


@functools.cache
def before() -> dict[tuple[str, str], tuple[float, float]]:
    return rates(network())


HEAD = 'name = "p"\ndescription = "property"\nsources = []\n'
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rates(network: Network) -> dict[tuple[str, str], tuple[float, float]]:
    """The tariff that applies to every (link, cargo), as the graph resolves it."""
    country = dict(zip(network.nodes["node_id"], network.nodes["country"], strict=True))
    out = {}
    index = TariffIndex(network.tariffs.to_dict("records"))  # type: ignore[arg-type]
    assert network.all_links is not None
    for link in network.all_links.to_dict("records"):
        ends = [country[link["from_node"]], country[link["to_node"]]]
        for cargo in link["cargo"]:
            index_ = index.lookup(link, ends, cargo)
            if index_ is not None:
                row = network.tariffs.iloc[index_]
                out[(link["link_id"], cargo)] = (
                    float(row["usd_per_unit_km"]),
                    float(row["usd_per_unit"]),
                )
    return out


def _le(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a <= b + 1e-12


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


@SETTINGS
@given(
    factor=st.floats(min_value=0.0, max_value=1.0),
    field=st.sampled_from(["tariff_usd_per_unit_km", "tariff_usd_per_unit", "cost"]),
    modes=st.lists(st.sampled_from(MODES), min_size=1, max_size=3, unique=True),
    countries=st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True),
)
def test_a_tariff_cut_never_raises_any_rate(
    factor: float, field: str, modes: list[str], countries: list[str]
) -> None:
    body = f'[[edit]]\naction = "scale"\nfield = "{field}"\nfactor = {factor!r}\n'
    body += f"mode = {_toml_list(modes)}\n"
    if countries:
        body += f"country = {_toml_list(countries)}\n"
    try:
        out = apply_scenario(network(), parse_scenario(HEAD + body, file="p.toml"))
    except ScenarioFileError as exc:
        assume("matches no link" not in str(exc))
        raise
    after = rates(out)
    assert set(after) == set(before())
    untouched = out.tariffs.iloc[: len(network().tariffs)]
    assert (untouched["link_id"].isna() == network().tariffs["link_id"].isna()).all()
    for key, (per_km, per_unit) in before().items():
        assert _le(after[key][0], per_km) and _le(after[key][1], per_unit), key
    assert out.all_links is not None and network().all_links is not None
    for money in ("fixed_cost_usd_per_teu", "fixed_cost_usd_per_t"):
        new, old = out.all_links[money], network().all_links[money]
        assert ((new <= old + 1e-12) | (new.isna() & old.isna())).all()


@SETTINGS
@given(factor=st.floats(min_value=0.1, max_value=10.0), mode=st.sampled_from(MODES))
def test_scale_then_unscale_restores_the_rates(factor: float, mode: str) -> None:
    body = (
        f'[[edit]]\naction = "scale"\nfield = "tariff_usd_per_unit_km"\nfactor = {factor!r}\n'
        f'mode = "{mode}"\n'
        f'[[edit]]\naction = "scale"\nfield = "tariff_usd_per_unit_km"\nfactor = {1 / factor!r}\n'
        f'mode = "{mode}"\n'
    )
    try:
        out = apply_scenario(network(), parse_scenario(HEAD + body, file="p.toml"))
    except ScenarioFileError as exc:
        assume("matches no link" not in str(exc))
        raise
    after = rates(out)
    for key, (per_km, _) in before().items():
        new = after[key][0]
        assert (math.isnan(per_km) and math.isnan(new)) or new == pytest.approx(per_km)


@settings(max_examples=6, deadline=None)
@given(day=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_empty_scenario_is_the_identity_at_any_date(day: dt.date) -> None:
    network = load_network(as_of=day)
    out = apply_scenario(network, parse_scenario(HEAD, file="p.toml"))
    for name, frame in network.tables.items():
        pd.testing.assert_frame_equal(out.tables[name], frame)
