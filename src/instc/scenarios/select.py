"""What a scenario selection picks: links by id, mode, project, border, node, country,
basin, service or route family (the links that define a family in ``families.toml``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from instc.scenarios.schema import BASIN_MODES, BASINS, Selection

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.contract import ConfigFile
    from instc.network.model import Network

__all__ = ["families_of", "family_links", "node_table", "select_links"]


def family_links(network: Network | None = None) -> Mapping[str, frozenset[str]]:
    """Route families of the ``families.toml`` of the dataset ``network`` was loaded from
    (else the embedded one) and the ids that define each one.

    A family is defined by what its routes pass (via groups) and avoid; a scenario
    selection by family picks the links that *define* it: its ``link:ID`` via items and
    the links of its ``border:ID`` via items (returned as ``border:ID``). Closing them
    closes the family; other links are shared between families and are selected by
    link, country or mode instead.
    """
    from instc.network.contract import config_of

    return _family_links(config_of(network).file("families.toml"))


@functools.lru_cache(maxsize=16)
def _family_links(file: ConfigFile) -> Mapping[str, frozenset[str]]:
    """:func:`family_links` of one families file."""
    out: dict[str, frozenset[str]] = {}
    for name, spec in file.doc.items():
        if not isinstance(spec, dict):
            continue
        members: set[str] = set()
        for group in spec.get("via", ()):
            items = group if isinstance(group, list) else [group]
            for item in items:
                text = str(item)
                if text.startswith("link:"):
                    members.add(text[len("link:") :])
                elif text.startswith("border:"):
                    members.add(text)
        out[str(name)] = frozenset(members)
    return out


def node_table(tables: Mapping[str, pd.DataFrame]) -> dict[str, tuple[str, float, float]]:
    nodes = tables["nodes"]
    return {
        n: (c, float(la), float(lo))
        for n, c, la, lo in zip(
            nodes["node_id"], nodes["country"], nodes["lat"], nodes["lon"], strict=True
        )
    }


def _in_basin(point: tuple[str, float, float], box: tuple[float, float, float, float]) -> bool:
    south, west, north, east = box
    return south <= point[1] <= north and west <= point[2] <= east


def select_links(
    tables: Mapping[str, pd.DataFrame],
    links: pd.DataFrame,
    selection: Selection,
    *,
    families: Mapping[str, frozenset[str]] | None = None,
) -> pd.Series:
    """A boolean mask over ``links``: the links that match every key of ``selection``.

    ``country`` and ``node`` match either end of a link; ``basin`` matches sea, ferry
    and river-sea links with both ends in the basin; ``service`` matches the links a
    service runs on; ``family`` the links that define a route family (``families`` maps
    a family to its link ids and ``border:ID`` items, see
    :func:`family_links`).
    """
    import pandas as pd

    mask = pd.Series(True, index=links.index)
    if selection.link:
        mask &= links["link_id"].isin(selection.link)
    if selection.mode:
        mask &= links["mode"].isin(selection.mode)
    if selection.project:
        mask &= links["project_id"].isin(selection.project)
    if selection.border:
        mask &= links["border_id"].isin(selection.border)
    if selection.node:
        mask &= links["from_node"].isin(selection.node) | links["to_node"].isin(selection.node)
    nodes = node_table(tables) if (selection.country or selection.basin) else {}
    if selection.country:
        wanted = set(selection.country)
        mask &= pd.Series(
            [
                nodes[a][0] in wanted or nodes[b][0] in wanted
                for a, b in zip(links["from_node"], links["to_node"], strict=True)
            ],
            index=links.index,
        )
    if selection.basin:
        boxes = [BASINS[b] for b in selection.basin]
        mask &= pd.Series(
            [
                m in BASIN_MODES
                and any(_in_basin(nodes[a], box) and _in_basin(nodes[b], box) for box in boxes)
                for m, a, b in zip(links["mode"], links["from_node"], links["to_node"], strict=True)
            ],
            index=links.index,
        )
    if selection.service:
        services = tables["services"]
        ids: set[str] = set()
        for sid, link_ids in zip(services["service_id"], services["link_ids"], strict=True):
            if sid in selection.service:
                ids.update(link_ids)
        mask &= links["link_id"].isin(ids)
    if selection.family:
        members: set[str] = set()
        for family in selection.family:
            members.update((families or {}).get(family, frozenset()))
        borders = {m[len("border:") :] for m in members if m.startswith("border:")}
        mask &= links["link_id"].isin(members) | links["border_id"].isin(borders)
    return mask


def families_of(
    selection: Selection, network: Network | None
) -> Mapping[str, frozenset[str]] | None:
    """The family definitions ``selection`` needs from ``network``'s ``families.toml``
    (None when it names no family)."""
    if not selection.family:
        return None
    return family_links(network)
