"""The declared schema of scenario files, and the frozen objects they parse into.

A scenario is a TOML file::

    name = "rasht-astara"                      # required, lower-case slug
    title = "Rasht–Astara railway open"        # optional, one line
    description = "What the scenario is and why."
    sources = ["F181", "F191"]                 # source ids of sources.csv
    assumptions = ["Opens with 15 Mt/yr ..."]  # what is assumed, not sourced
    parent = "other-scenario"                  # optional: applied first
    as_of = "2029-01-01"                       # optional: the date the network describes

    [[edit]]                                   # zero or more edits, applied in order
    action = "open"                            # open|close|scale|set|demand|rule
    project = "rasht-astara-rail"

Every edit may carry ``note`` and a period ``start`` / ``end`` (ISO dates): an edit with
a period only holds when the network's date falls in ``[start, end)``.

Selections name links (and, for some fields, borders, transfers or services) by
``link``, ``mode``, ``country``, ``family``, ``project``, ``border``, ``node``,
``service`` or ``basin``; each takes one value or a list, a list means "any of these",
and several keys together mean "all of these". :data:`FIELDS` says what each field of a
``scale`` / ``set`` edit changes, and :data:`RULES` which rules a ``rule`` edit may set.
Scenario files are data: nothing in them is executed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field

__all__ = [
    "ACTIONS",
    "BASINS",
    "FIELDS",
    "RULES",
    "SELECTORS",
    "TOP_LEVEL_KEYS",
    "Edit",
    "FieldSpec",
    "RuleSpec",
    "Scenario",
    "Selection",
]

ACTIONS = ("open", "close", "scale", "set", "demand", "rule")

# Keys that select links (and the borders, transfers or services attached to them).
SELECTORS = ("link", "mode", "country", "family", "project", "border", "node", "service", "basin")

# Water bodies a selection can name, as lat/lon boxes (south, west, north, east). A
# sea, ferry or inland-waterway link is in a basin when both its ends are in the box.
# The Caspian box is the one of the routing rule caspian_littoral_flag
# (instc/routing/rules.toml): every Caspian port, Astrakhan and Olya on the Volga delta
# included, and no point of the Black Sea, the Persian Gulf or the Volga above Astrakhan.
BASINS: dict[str, tuple[float, float, float, float]] = {
    "caspian": (36.4, 46.5, 47.2, 55.2),
}
BASIN_MODES = ("sea", "ferry", "inland_waterway")

TOP_LEVEL_KEYS = ("name", "title", "description", "sources", "assumptions", "parent", "as_of")
REQUIRED_TOP_LEVEL = ("name", "description", "sources")
COMMON_EDIT_KEYS = ("action", "note", "start", "end")
DEMAND_FILTERS = ("demand_id", "scope", "origin", "destination", "year", "cargo", "direction")


@dataclass(frozen=True)
class FieldSpec:
    """A quantity that ``scale`` and ``set`` edits change.

    ``tables`` are the tables whose columns change; ``selectors`` the selection keys
    that make sense for it; ``actions`` whether it can be scaled, set or both.
    """

    name: str
    unit: str
    tables: tuple[str, ...]
    selectors: tuple[str, ...]
    actions: tuple[str, ...] = ("scale", "set")
    cargo: bool = False  # whether the edit may restrict itself to cargo classes
    description: str = ""


_LINK_SELECTORS = ("link", "mode", "country", "family", "project", "border", "node", "basin")

FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        FieldSpec(
            "time_h",
            "h",
            ("links",),
            _LINK_SELECTORS,
            description="moving time of the selected links (a link without time_h gets "
            "one from its length and speed)",
        ),
        FieldSpec(
            "speed_kmh",
            "km/h",
            ("links",),
            _LINK_SELECTORS,
            description="moving speed of the selected links (scaling a link that has a "
            "time_h divides that time instead)",
        ),
        FieldSpec(
            "capacity_per_year",
            "unit/year",
            ("links",),
            _LINK_SELECTORS,
            description="capacity of the selected links, in each link's capacity_unit",
        ),
        FieldSpec(
            "fixed_cost_usd_per_teu",
            "usd/teu",
            ("links",),
            _LINK_SELECTORS,
            description="charge per passage per TEU (e.g. canal dues)",
        ),
        FieldSpec(
            "fixed_cost_usd_per_t",
            "usd/t",
            ("links",),
            _LINK_SELECTORS,
            description="charge per passage per tonne",
        ),
        FieldSpec(
            "tariff_usd_per_unit_km",
            "usd/unit-km",
            ("tariffs",),
            _LINK_SELECTORS,
            cargo=True,
            description="freight rate on the selected links (a link-specific tariff row "
            "is written for every selected link and cargo class)",
        ),
        FieldSpec(
            "tariff_usd_per_unit",
            "usd/unit",
            ("tariffs",),
            _LINK_SELECTORS,
            cargo=True,
            description="fixed charge per leg on the selected links",
        ),
        FieldSpec(
            "cost",
            "factor",
            ("tariffs", "links"),
            _LINK_SELECTORS,
            actions=("scale",),
            cargo=True,
            description="every money amount of the selected links: tariffs per unit-km "
            "and per unit, and fixed charges per passage",
        ),
        FieldSpec(
            "frequency_per_week",
            "1/week",
            ("services",),
            ("service", *_LINK_SELECTORS),
            description="departures of the services that run on the selected links",
        ),
        FieldSpec(
            "dwell_h",
            "h",
            ("borders", "transfers"),
            ("border", "mode", "country", "node"),
            description="dwell at borders (selected by border, mode, country) and at "
            "transfers (selected by node, country)",
        ),
        FieldSpec(
            "border_cost",
            "factor",
            ("borders",),
            ("border", "mode", "country"),
            actions=("scale",),
            description="border charges per TEU, tonne and truck",
        ),
        FieldSpec(
            "border_capacity_per_day",
            "unit/day",
            ("borders",),
            ("border", "mode", "country"),
            description="border throughput, in each border's capacity_unit",
        ),
        FieldSpec(
            "transfer_cost",
            "factor",
            ("transfers",),
            ("node", "country"),
            actions=("scale",),
            description="handling charges per TEU, tonne and truck at transfers",
        ),
    )
}


@dataclass(frozen=True)
class RuleSpec:
    """A rule a ``rule`` edit may set: its value type and what it means."""

    name: str
    kind: type
    description: str


RULES: dict[str, RuleSpec] = {
    r.name: r
    for r in (
        RuleSpec(
            "caspian_littoral_only",
            bool,
            "Caspian legs (sea and ferry links of the 'caspian' basin) may be sailed "
            "only by vessels flying the flag of one of the five littoral states (Caspian "
            "Convention 2018). true switches the routing rule caspian_littoral_flag "
            "(instc/routing/rules.toml) on, false switches it off; recorded as the "
            "parameter rules.caspian_littoral_only.",
        ),
    )
}


@dataclass(frozen=True)
class Selection:
    """What an edit applies to: each non-empty key narrows the selection (AND)."""

    link: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    project: tuple[str, ...] = ()
    border: tuple[str, ...] = ()
    node: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    basin: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The selection keys that are set, in :data:`SELECTORS` order."""
        return tuple(k for k in SELECTORS if getattr(self, k))

    def __bool__(self) -> bool:
        return bool(self.names())


@dataclass(frozen=True)
class Edit:
    """One edit of a scenario, as declared in its ``[[edit]]`` table.

    ``line`` is the line of the ``[[edit]]`` header; ``key_lines`` the line of each key,
    so that a later check (an id that the network lacks) can point at it.
    """

    action: str
    selection: Selection = Selection()
    field: str | None = None
    factor: float | None = None
    value: float | None = None
    cargo: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    demand: Mapping[str, tuple[str | int, ...]] = dc_field(default_factory=dict, hash=False)
    rules: Mapping[str, bool | float | str] = dc_field(default_factory=dict, hash=False)
    note: str = ""
    line: int | None = None
    key_lines: Mapping[str, int] = dc_field(default_factory=dict, hash=False, compare=False)

    def describe(self) -> str:
        """One line saying what the edit does.

        >>> Edit("scale", Selection(mode=("rail",), country=("AZ", "IR")),
        ...      field="tariff_usd_per_unit_km", factor=0.5).describe()
        'scale tariff_usd_per_unit_km x 0.5 where mode=rail, country=AZ|IR'
        """
        where = ", ".join(
            f"{k}={'|'.join(getattr(self.selection, k))}" for k in self.selection.names()
        )
        if self.action in ("open", "close"):
            text = f"{self.action} {where}"
        elif self.action == "scale":
            text = f"scale {self.field} x {_num(self.factor)} where {where}"
        elif self.action == "set":
            text = f"set {self.field} = {_num(self.value)} where {where}"
        elif self.action == "demand":
            filters = ", ".join(
                f"{k}={'|'.join(str(v) for v in vs)}" for k, vs in self.demand.items()
            )
            text = f"demand x {_num(self.factor)}" + (f" where {filters}" if filters else "")
        else:
            text = "rule " + ", ".join(f"{k} = {v!r}" for k, v in self.rules.items())
        if self.cargo:
            text += f" (cargo {'|'.join(self.cargo)})"
        if self.start or self.end:
            text += f" during [{self.start or '...'}, {self.end or '...'})"
        return text

    def active_at(self, as_of: dt.date | None) -> bool:
        """Whether the edit holds on ``as_of`` (always, when ``as_of`` is None).

        >>> Edit("close", start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 1)).active_at(
        ...     dt.date(2026, 2, 1))
        True
        >>> Edit("close", start=dt.date(2026, 1, 1)).active_at(dt.date(2025, 12, 31))
        False
        """
        if as_of is None:
            return True
        if self.start is not None and as_of < self.start:
            return False
        return not (self.end is not None and as_of >= self.end)


def _num(value: float | None) -> str:
    """A number for people: ``15000000.0`` -> ``15,000,000``, ``0.5`` -> ``0.5``."""
    return "?" if value is None else f"{value:,.10g}"


@dataclass(frozen=True)
class Scenario:
    """A parsed, structurally valid scenario file.

    ``file`` is where it was read from (a path or ``bundled:NAME``), used in messages.
    """

    name: str
    description: str
    sources: tuple[str, ...] = ()
    title: str = ""
    assumptions: tuple[str, ...] = ()
    parent: str | None = None
    as_of: dt.date | None = None
    edits: tuple[Edit, ...] = ()
    file: str = "<scenario>"
    key_lines: Mapping[str, int] = dc_field(default_factory=dict, hash=False, compare=False)
