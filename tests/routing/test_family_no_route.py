"""Why a family has no route is said from the family's side: its own avoided countries
and via places define it, so the message never tells the user to drop them."""

from __future__ import annotations

import pytest

from instc._errors import NoRouteError
from instc.network.load import load_network
from instc.routing.compare import compare, family_route, load_families


def _family(family_id: str):  # type: ignore[no-untyped-def]
    return next(f for f in load_families() if f.family_id == family_id)


def test_a_family_with_no_liner_running_names_the_service_not_its_own_avoid():
    # Jan 2023: no liner called at a Russian port (FESCO from Feb 2023, Ruscon from Mar
    # 2023, Maersk until Mar 2022); the Suez family's own 'avoid country IR' did not cut it
    net = load_network(as_of="2023-01-15")
    with pytest.raises(NoRouteError) as exc:
        family_route(net, "RU-MOSCOW", "INNSA", _family("suez"), as_of="2023-01-15")
    reason = exc.value.reason
    assert "avoid country" not in reason
    assert "drop" not in reason
    assert "as of 2023-01-15" in reason
    assert "service " in reason
    assert "runs from 2023-0" in reason or "ran until 2022-03" in reason


def test_compare_says_why_a_family_is_missing_without_blaming_its_definition():
    result = compare(load_network(as_of="2026-06-01"), "INNSA", "RU-MOSCOW")
    missing = dict(result.missing)
    assert "cape" in missing
    assert "drop" not in missing["cape"]
    assert "as of 2026-06-01" in missing["cape"]
