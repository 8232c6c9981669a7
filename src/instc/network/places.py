"""Find a place by what a person types: a node id, UN/LOCODE, name or alias.

Matching ignores case, accents, punctuation, hyphens and spaces (``"Bandar-e Anzali"``,
``"bandar anzali"`` and ``"BANDARANZALI"`` are the same). Order: exact node id, then
an exact name or alias, then a unique prefix, then a unique substring. A trailing
country code or name (``"Astara, AZ"``, ``"Astara (Azerbaijan)"``) picks among places
of the same name. Anything else
raises :class:`~instc._errors.UnknownNameError` with the closest names, each written
``"Name (NODE_ID)"`` — a form :func:`find_node` accepts back.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from instc._errors import UnknownNameError
from instc._names import closest
from instc._values import frame_records

if TYPE_CHECKING:
    from instc.network.contract import PlaceCheck
    from instc.network.model import Network

__all__ = ["describe_node", "find_node", "normalise_name", "place_check"]

_WITH_ID = re.compile(r"^(?P<name>.*?)\s*\((?P<id>[^()]+)\)\s*$")


def normalise_name(text: str) -> str:
    """``text`` folded for matching: no accents, case, spaces or punctuation.

    >>> normalise_name("Bandar-e Anzali")
    'bandareanzali'
    >>> normalise_name("Gökçe  Şehir")
    'gokcesehir'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("ı", "i")  # dotless i has no decomposition
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


def _label(name: str, node_id: str) -> str:
    return f"{name} ({node_id})"


def _match(key: str, spellings: list[tuple[str, str]]) -> list[str]:
    """Node ids of the first stage that matches: exact, then prefix, then substring."""
    for test in (str.__eq__, str.startswith, str.__contains__):
        hits = sorted({node_id for spelling, node_id in spellings if test(spelling, key)})
        if hits:
            return hits
    return []


def _country_code(text: str) -> str | None:
    from instc.network.schema import COUNTRIES

    key = normalise_name(text)
    for code, name in COUNTRIES.items():
        if key in (code.lower(), normalise_name(name)):
            return code
    return None


def find_node(network: Network, text: str) -> str:
    """The ``node_id`` of the place ``text`` names in ``network``.

    Raises :class:`~instc._errors.UnknownNameError` (with suggestions) when no place
    or more than one place matches.
    """
    nodes = network.nodes
    ids: list[str] = list(nodes["node_id"])
    names: list[str] = list(nodes["name"])
    aliases: list[tuple[str, ...]] = [tuple(a or ()) for a in nodes["aliases"]]
    query = text.strip()
    m = _WITH_ID.match(query)
    if m and m.group("id").strip() in ids:
        return m.group("id").strip()
    for node_id in ids:
        if node_id.casefold() == query.casefold():
            return node_id
    key = normalise_name(query)
    if not key:
        raise UnknownNameError("place", text, ())
    # every spelling of every node, folded
    spellings: list[tuple[str, str]] = []
    for node_id, name, alias in zip(ids, names, aliases, strict=True):
        for spelling in (node_id, name, *alias):
            if spelling:
                spellings.append((normalise_name(spelling), node_id))
    label = {i: _label(n, i) for i, n in zip(ids, names, strict=True)}
    hits = _match(key, spellings)
    if len(hits) == 1:
        return hits[0]
    # "Astara, AZ" / "Astara (Azerbaijan)": a trailing country narrows the search
    words = [w for w in re.split(r"[\s,()]+", query) if w]
    for n in (1, 2, 3):  # country names have up to three words ("United Arab Emirates")
        country = _country_code(" ".join(words[-n:])) if len(words) > n else None
        if country is None:
            continue
        in_country = set(nodes.loc[nodes["country"] == country, "node_id"])
        narrowed = _match(
            normalise_name(" ".join(words[:-n])),
            [(sp, i) for sp, i in spellings if i in in_country],
        )
        if len(narrowed) == 1:
            return narrowed[0]
    if hits:
        raise UnknownNameError("place", text, [label[h] for h in hits[:8]])
    folded: dict[str, str] = {}
    for spelling, node_id in spellings:
        folded.setdefault(spelling, node_id)
    close = closest(key, list(folded), n=8, cutoff=0.6)
    suggestions: list[str] = []
    for spelling in close:
        lab = label[folded[spelling]]
        if lab not in suggestions:
            suggestions.append(lab)
    raise UnknownNameError("place", text, suggestions[:5])


def place_check(network: Network | None) -> PlaceCheck:
    """The check of the places a file given directly names (a ``--pairs`` or
    ``--families`` file): what a route request takes (id, UN/LOCODE, name or alias) in
    ``network``; any place without a network. Returns None for a place, else (what, fix).
    """

    def check(value: str) -> tuple[str, str] | None:
        if network is None:
            return None
        try:
            find_node(network, value)
        except UnknownNameError as exc:
            fix = str(exc).partition(" — ")[2]
            return "is not one place of the dataset", fix or "see nodes.csv"
        return None

    return check


def describe_node(network: Network, text: str) -> dict[str, Any]:
    """The place ``text`` names, with what touches it, as JSON-ready values.

    Keys: ``as_of``, ``node`` (its row), ``links`` (usable links at ``as_of`` that
    start or end there, with ``expected``), ``transfers`` (at the place), ``borders``
    (rows of the borders its links cross), ``services`` (scheduled services on those
    links) and ``sources`` (every source these rows cite). Raises
    :class:`~instc._errors.UnknownNameError` like :func:`find_node`.
    """
    from instc.network.io import to_json_value

    node_id = find_node(network, text)

    def rows(frame: Any) -> list[dict[str, Any]]:
        return [{str(k): to_json_value(v) for k, v in r.items()} for r in frame_records(frame)]

    nodes, links = network.nodes, network.links
    place = rows(nodes[nodes["node_id"] == node_id])[0]
    touching = links[(links["from_node"] == node_id) | (links["to_node"] == node_id)]
    transfers = network.transfers[network.transfers["node_id"] == node_id]
    border_ids = {b for b in touching["border_id"] if isinstance(b, str)}
    borders = network.borders[network.borders["border_id"].isin(border_ids)]
    cited = set(place["source_ids"])
    for frame in (touching, transfers, borders):
        for ids in frame["source_ids"]:
            cited.update(ids)
    link_ids = set(touching["link_id"])
    services = network.services[[bool(link_ids & set(ids)) for ids in network.services["link_ids"]]]
    for ids in services["source_ids"]:
        cited.update(ids)
    sources = network.sources[network.sources["source_id"].isin(cited)]
    return {
        "as_of": network.as_of.isoformat() if network.as_of else None,
        "node": place,
        "links": rows(touching),
        "transfers": rows(transfers),
        "borders": rows(borders),
        "services": rows(services),
        "sources": rows(sources),
    }
