"""Place and date lookup for routing requests (internal): the network as of a date,
places, countries and link ids named in a request, all cached per network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import weakref
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, InstcError, UnknownNameError
from instc._names import closest
from instc.network.schema import COUNTRIES

if TYPE_CHECKING:
    from instc.network.model import Network

__all__ = [
    "all_link_ids",
    "country_code",
    "find_place",
    "network_as_of",
    "network_as_of_none",
    "via_places",
]

_NETWORK_AT: weakref.WeakKeyDictionary[Any, dict[dt.date, Network]] = weakref.WeakKeyDictionary()


def network_as_of(network: Network, as_of: Any) -> Network:
    """``network`` as of another date (same tables, links re-filtered), cached."""
    if as_of is None:
        return network
    from instc.network.timeline import parse_as_of

    try:
        when = parse_as_of(as_of)
    except InstcError:
        raise  # already says what is wrong
    except (TypeError, ValueError) as exc:
        raise DataError(f"as_of {as_of!r}: not a date — give YYYY, YYYY-MM or YYYY-MM-DD") from exc
    if when == network.as_of:
        return network
    per = _NETWORK_AT.setdefault(network, {})
    if when not in per:
        from instc.network.load import filter_links_as_of

        all_links = network.all_links if network.all_links is not None else network.links
        tables = dict(network.tables)
        tables["links"] = filter_links_as_of(all_links, tables, when)
        per[when] = dataclasses.replace(network, tables=tables, as_of=when)
    return per[when]


_PLACES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def find_place(network: Network, text: str) -> str:
    """The node id of the place ``text`` names (id, UN/LOCODE, name or alias), cached."""
    from instc.network.places import find_node

    per = _PLACES.setdefault(network, {})
    if text not in per:
        per[text] = find_node(network, text)
    return per[text]


def country_code(text: str) -> str:
    code = text.strip().upper()
    if code in COUNTRIES:
        return code
    by_name = {name.casefold(): c for c, name in COUNTRIES.items()}
    if text.strip().casefold() in by_name:
        return by_name[text.strip().casefold()]
    options = [*COUNTRIES, *COUNTRIES.values()]
    raise UnknownNameError("country", text, closest(text, options, 3, 0.4))


def all_link_ids(network: Network) -> list[str]:
    links = network.all_links if network.all_links is not None else network.links
    return sorted(links["link_id"])


def via_places(network: Network, text: str) -> list[str]:
    """The place ``text`` names; for a via point a name several places share ("Baku":
    the city hub and the port) means any of them."""
    from instc.network.places import normalise_name

    try:
        return [find_place(network, text)]
    except UnknownNameError:
        key = normalise_name(text)
        nodes = network.nodes
        hits = [
            node_id
            for node_id, name, aliases in zip(
                nodes["node_id"], nodes["name"], nodes["aliases"], strict=True
            )
            # a name part of three letters or more: "[x]" must not match every "x"
            if len(key) >= 3
            and any(key in normalise_name(s) for s in (node_id, name, *(aliases or ())) if s)
        ]
        if not hits:
            raise
        return sorted(hits)


def network_as_of_none(network: Network) -> Network:
    """``network`` with every link, whatever its status (as_of=None)."""
    from instc.network.load import filter_links_as_of

    assert network.all_links is not None
    tables = dict(network.tables)
    tables["links"] = filter_links_as_of(network.all_links, tables, None)
    return dataclasses.replace(network, tables=tables, as_of=None)
