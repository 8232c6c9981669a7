"""The data contract: one declared schema per table of the dataset.

Every table is a CSV file in a directory (the embedded one is ``instc/data/``), plus one
``parameters.toml``. This module only *declares* the tables; ``instc.network.validate``
checks files against it and ``instc.network.load`` turns them into a
:class:`~instc.network.model.Network`.

Conventions shared by all tables
--------------------------------
- Units live in column names (``length_km``, ``dwell_h``, ``cost_usd_per_teu``).
- List cells hold values separated by ``;`` (``kinds = "port;rail"``).
- Dates are ISO: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (the first day of the period).
- A value on which sources disagree has ``_low`` and ``_high`` companions; the plain
  column holds the mode (the most likely value) and ``low <= mode <= high``.
- Provenance: every row that states a fact lists ``source_ids`` that resolve in
  ``sources.csv``. A value computed here (not read in a source) is named in the row's
  ``estimated`` list and the row's ``method`` says how it was computed. A row with no
  source must estimate everything it states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CARGO_CLASSES",
    "CARGO_UNITS",
    "COUNTRIES",
    "GAUGES_MM",
    "LAYERS",
    "MODES",
    "NODE_KINDS",
    "PROJECT_STATUSES",
    "TABLES",
    "Column",
    "Table",
    "layer_of",
]

Dtype = Literal["str", "float", "int", "date", "bool", "list", "int_list"]

MODES = ("sea", "rail", "road", "ferry", "inland_waterway", "pipeline")
GAUGES_MM = (1520, 1435, 1676)
# A graph layer is a mode, with rail split by gauge: a container cannot change layer
# without a transfer (handling, gauge change or transshipment) that the data declares.
LAYERS = ("sea", "rail1520", "rail1435", "rail1676", "road", "ferry", "inland_waterway", "pipeline")
CARGO_CLASSES = ("container", "bulk", "liquid", "truck", "passenger")
# The unit each cargo class is counted in (design.md: container TEU, bulk/liquid t, ...).
CARGO_UNITS = {"container": "teu", "bulk": "t", "liquid": "t", "truck": "truck", "passenger": "pax"}
# "sea": a sea waypoint; "junction": a junction or border station options pass through
# but do not start or end at (no freight terminal)
NODE_KINDS = (
    "port",
    "rail",
    "road",
    "border",
    "terminal",
    "sea",
    "pipeline",
    "waterway",
    "junction",
)
PROJECT_STATUSES = (
    "planned",
    "under_construction",
    "open",
    "suspended",
    "closed",
    "signed",
    "ratified",
    "in_force",
)
# ISO 3166-1 alpha-2 codes of the countries the corridor and its alternatives touch.
COUNTRIES = {
    "AM": "Armenia",
    "AZ": "Azerbaijan",
    "BG": "Bulgaria",
    "CY": "Cyprus",
    "CN": "China",
    "DE": "Germany",
    "DJ": "Djibouti",
    "EG": "Egypt",
    "ES": "Spain",
    "FI": "Finland",
    "GE": "Georgia",
    "GI": "Gibraltar",
    "GR": "Greece",
    "IN": "India",
    "IR": "Iran",
    "KZ": "Kazakhstan",
    "MG": "Madagascar",
    "NL": "Netherlands",
    "OM": "Oman",
    "PK": "Pakistan",
    "RU": "Russia",
    "SA": "Saudi Arabia",
    "SN": "Senegal",
    "TM": "Turkmenistan",
    "TR": "Turkey",
    "UZ": "Uzbekistan",
    "YE": "Yemen",
    "ZA": "South Africa",
    "AE": "United Arab Emirates",
}
CAPACITY_UNITS = ("t", "teu", "truck", "pax", "wagon", "train")
BASES = ("source", "estimate", "derived", "claim")


def layer_of(mode: str, gauge_mm: int | None = None) -> str:
    """The graph layer a link of ``mode`` (and rail ``gauge_mm``) runs on.

    >>> layer_of("rail", 1520)
    'rail1520'
    >>> layer_of("ferry")
    'ferry'
    """
    if mode == "rail":
        if gauge_mm is None:
            raise ValueError("a rail link needs gauge_mm")
        return f"rail{gauge_mm}"
    return mode


@dataclass(frozen=True)
class Column:
    """One column of a table: its type, whether it must be filled, and its domain."""

    name: str
    dtype: Dtype = "str"
    required: bool = False
    unit: str | None = None
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    # strictly above zero: a length, speed, time, capacity or frequency that something
    # divides by (a zero would be a division by zero or an infinite speed)
    positive: bool = False
    ref: tuple[str, str] | None = None  # (table, key column) every value must resolve in
    description: str = ""


@dataclass(frozen=True)
class Table:
    """A table of the dataset: file name, key, columns and low/mode/high ranges."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (low, mode, high) column triples; low and high are optional companions of mode
    ranges: tuple[tuple[str, str, str], ...] = ()
    # provenance columns (source_ids / estimated / method) are checked on every row
    sourced: bool = True
    description: str = ""
    optional_file: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    # dated values: (valid_from, valid_to) column names; rows of one ``series`` (default:
    # the key) may repeat with validity periods that do not overlap, and the network as
    # of a date uses the row valid then (instc.network.dated)
    validity: tuple[str, str] | None = None
    series: tuple[str, ...] = ()
    # strict: no row valid at the date means the thing does not exist then (a service
    # before its start); otherwise the nearest row in time is used, with a note
    strict_validity: bool = False

    @property
    def series_key(self) -> tuple[str, ...]:
        """The columns naming one thing whose dated rows may repeat (default: the key)."""
        return self.series or self.key

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _provenance() -> tuple[Column, ...]:
    return (
        Column(
            "source_ids",
            "list",
            ref=("sources", "source_id"),
            description="ids of the sources of this row's values",
        ),
        Column(
            "estimated",
            "list",
            description="names of the columns whose values are estimated here, not sourced",
        ),
        Column("method", description="how the estimated values were computed"),
        Column("notes", description="free text"),
    )


def _dated(*, price_year: bool = True) -> tuple[Column, ...]:
    """``price_year`` and the validity period of a dated row (last, so that files
    written before they existed stay valid)."""
    year = (
        Column(
            "price_year",
            "int",
            minimum=1990,
            maximum=2100,
            description="the year whose US dollars the money columns are in",
        ),
    )
    return (
        *(year if price_year else ()),
        Column(
            "valid_from",
            "date",
            description=_DATE_NOTE + "; first day the row's values hold (empty: always)",
        ),
        Column(
            "valid_to",
            "date",
            description=_DATE_NOTE + "; the values hold until the day before (empty: still)",
        ),
    )


def _range(
    name: str,
    dtype: Dtype,
    unit: str,
    *,
    required: bool = False,
    minimum: float | None = 0.0,
    positive: bool = False,
    description: str = "",
) -> tuple[Column, ...]:
    return (
        Column(f"{name}_low", dtype, unit=unit, minimum=minimum, positive=positive),
        Column(
            name,
            dtype,
            required=required,
            unit=unit,
            minimum=minimum,
            positive=positive,
            description=description,
        ),
        Column(f"{name}_high", dtype, unit=unit, minimum=minimum, positive=positive),
    )


_DATE_NOTE = "ISO date YYYY-MM-DD, YYYY-MM or YYYY"

SOURCES = Table(
    "sources",
    key=("source_id",),
    sourced=False,
    description="A public document that rows cite.",
    columns=(
        Column("source_id", required=True, description="short stable id, e.g. F068"),
        Column("title", required=True),
        Column("publisher"),
        Column("published", description="YYYY, YYYY-MM, YYYY-MM-DD, 'c.YYYY' or 'undated'"),
        Column("url", required=True, description="public http(s) address"),
        Column("notes"),
    ),
)

NODES = Table(
    "nodes",
    key=("node_id",),
    description="A place: port, rail or road hub, border point, terminal, sea waypoint.",
    columns=(
        Column(
            "node_id",
            required=True,
            description="UN/LOCODE (5 letters) where one exists, else CC-SLUG",
        ),
        Column("name", required=True),
        Column("country", required=True, allowed=tuple(COUNTRIES)),
        Column("lat", "float", required=True, unit="deg", minimum=-90.0, maximum=90.0),
        Column("lon", "float", required=True, unit="deg", minimum=-180.0, maximum=180.0),
        Column("kinds", "list", required=True, allowed=NODE_KINDS),
        Column("gauges_mm", "int_list", unit="mm", allowed=tuple(str(g) for g in GAUGES_MM)),
        Column("aliases", "list", description="other names and spellings, for search"),
        *_provenance(),
    ),
)

LINKS = Table(
    "links",
    key=("link_id",),
    description="A physical or service connection between two nodes.",
    ranges=(
        ("length_km_low", "length_km", "length_km_high"),
        ("time_h_low", "time_h", "time_h_high"),
        ("capacity_per_year_low", "capacity_per_year", "capacity_per_year_high"),
    ),
    columns=(
        Column("link_id", required=True),
        Column("from_node", required=True, ref=("nodes", "node_id")),
        Column("to_node", required=True, ref=("nodes", "node_id")),
        Column("mode", required=True, allowed=MODES),
        Column(
            "gauge_mm",
            "int",
            unit="mm",
            allowed=tuple(str(g) for g in GAUGES_MM),
            description="track gauge; required for rail, empty otherwise",
        ),
        Column("bidirectional", "bool", description="true (default): usable both ways"),
        *_range("length_km", "float", "km", required=True, positive=True),
        Column(
            "speed_kmh",
            "float",
            unit="km/h",
            minimum=0.0,
            positive=True,
            description="moving speed; empty: the mode default in parameters.toml",
        ),
        *_range(
            "time_h",
            "float",
            "h",
            positive=True,
            description="moving time; when given it overrides length/speed",
        ),
        Column("cargo", "list", required=True, allowed=CARGO_CLASSES),
        *_range("capacity_per_year", "float", "unit/year", positive=True),
        Column("capacity_unit", allowed=CAPACITY_UNITS),
        Column(
            "border_id",
            ref=("borders", "border_id"),
            description="the border crossing this link makes (land links between countries)",
        ),
        Column(
            "project_id",
            ref=("projects", "project_id"),
            description="usable only while this project's status is 'open'",
        ),
        Column("open_date", "date", description=_DATE_NOTE),
        Column("close_date", "date", description=_DATE_NOTE),
        Column(
            "vehicle_class",
            description="emission/vehicle class, a key of [emissions] in parameters.toml; "
            "empty: the mode's default class",
        ),
        Column(
            "fixed_cost_usd_per_teu",
            "float",
            unit="usd/teu",
            minimum=0.0,
            description="charge per passage (e.g. Suez Canal dues) per TEU",
        ),
        Column("fixed_cost_usd_per_t", "float", unit="usd/t", minimum=0.0),
        *_provenance(),
    ),
)

BORDERS = Table(
    "borders",
    key=("border_id", "mode"),
    description="A border crossing for one mode: dwell, charges and capacity.",
    ranges=(("dwell_h_low", "dwell_h", "dwell_h_high"),),
    columns=(
        Column("border_id", required=True),
        Column("mode", required=True, allowed=("rail", "road", "pipeline")),
        Column("name", required=True),
        Column("countries", "list", required=True, allowed=tuple(COUNTRIES)),
        *_range("dwell_h", "float", "h", required=True),
        Column("cost_usd_per_teu", "float", unit="usd/teu", minimum=0.0),
        Column("cost_usd_per_t", "float", unit="usd/t", minimum=0.0),
        Column("cost_usd_per_truck", "float", unit="usd/truck", minimum=0.0),
        Column("capacity_per_day", "float", unit="unit/day", minimum=0.0, positive=True),
        Column("capacity_unit", allowed=CAPACITY_UNITS),
        *_provenance(),
        *_dated(),
    ),
    validity=("valid_from", "valid_to"),
)

TRANSFERS = Table(
    "transfers",
    key=("node_id", "from_layer", "to_layer"),
    description="A mode change, gauge break or transshipment at a place.",
    ranges=(("dwell_h_low", "dwell_h", "dwell_h_high"),),
    columns=(
        Column("node_id", required=True, ref=("nodes", "node_id")),
        Column("from_layer", required=True, allowed=LAYERS),
        Column("to_layer", required=True, allowed=LAYERS),
        Column(
            "kind",
            required=True,
            allowed=("handling", "gauge_break", "transshipment", "port", "pipeline"),
        ),
        Column("bidirectional", "bool", description="true (default): also to -> from"),
        Column(
            "cargo",
            "list",
            allowed=CARGO_CLASSES,
            description="cargo classes that can make this transfer; empty: all",
        ),
        *_range("dwell_h", "float", "h", required=True),
        Column("cost_usd_per_teu", "float", unit="usd/teu", minimum=0.0),
        Column("cost_usd_per_t", "float", unit="usd/t", minimum=0.0),
        Column("cost_usd_per_truck", "float", unit="usd/truck", minimum=0.0),
        Column(
            "co2e_kg_per_t",
            "float",
            unit="kg co2e/t",
            minimum=0.0,
            description="hub operations emissions per tonne handled",
        ),
        Column("capacity_per_year", "float", unit="unit/year", minimum=0.0),
        Column("capacity_unit", allowed=CAPACITY_UNITS),
        *_provenance(),
        *_dated(),
    ),
    validity=("valid_from", "valid_to"),
)

TARIFFS = Table(
    "tariffs",
    key=("tariff_id",),
    description=(
        "Freight rate for a cargo class on a selection of links. The most specific "
        "tariff applies: link_id with service_id (one liner on one of its lanes, as a "
        "scenario writes it), link_id, then service_id (the lanes a liner sails in its "
        "rotation, service_calls.csv), then mode + country, then mode."
    ),
    ranges=(("usd_per_unit_km_low", "usd_per_unit_km", "usd_per_unit_km_high"),),
    columns=(
        Column("tariff_id", required=True),
        Column("link_id", ref=("links", "link_id")),
        Column(
            "service_id",
            ref=("services", "service_id"),
            description="a liner whose rotation lanes (service_calls.csv) this rate prices",
        ),
        Column("mode", allowed=MODES),
        Column("country", allowed=tuple(COUNTRIES)),
        Column("cargo", required=True, allowed=CARGO_CLASSES),
        *_range("usd_per_unit_km", "float", "usd/unit-km"),
        Column(
            "usd_per_unit",
            "float",
            unit="usd/unit",
            minimum=0.0,
            description="fixed charge per leg and cargo unit",
        ),
        Column("price_year", "int", minimum=1990, maximum=2100),
        *_provenance(),
        *_dated(price_year=False),
    ),
    validity=("valid_from", "valid_to"),
    # one rate for a selection: rows of one (link, mode, country, cargo) may follow each
    # other in time under their own tariff ids
    series=("link_id", "service_id", "mode", "country", "cargo"),
)

SURCHARGES = Table(
    "surcharges",
    key=("surcharge_id",),
    optional_file=True,
    description=(
        "A charge or a clearance time a shipper meets when its cargo enters or leaves a "
        "country: empty-container repositioning, transit insurance, customs and "
        "documentation at a port or ferry terminal. It applies to every link of one of "
        "`modes` whose far end (`at` = entry) or near end (`at` = exit) lies in `country` "
        "and whose other end does not, for the listed cargo classes (empty: all), while "
        "the as-of date lies in [valid_from, valid_to); a route pays each surcharge once. "
        "`at` = destination: only a shipment that ends in `country` and starts outside it "
        "pays, on the last link of `modes` entering the country (transit pays none)."
    ),
    ranges=(
        ("usd_per_unit_low", "usd_per_unit", "usd_per_unit_high"),
        ("dwell_h_low", "dwell_h", "dwell_h_high"),
    ),
    columns=(
        Column("surcharge_id", required=True),
        Column(
            "kind",
            required=True,
            allowed=("repositioning", "insurance", "customs"),
            description="what the shipper pays for",
        ),
        Column("name", required=True),
        Column("country", required=True, allowed=tuple(COUNTRIES)),
        Column("at", required=True, allowed=("entry", "exit", "destination")),
        Column(
            "node_id",
            ref=("nodes", "node_id"),
            description="only at this place (the far end on entry, the near end on exit); "
            "empty: wherever the link crosses into or out of the country (always empty "
            "with `at` = destination)",
        ),
        Column("modes", "list", required=True, allowed=MODES),
        Column("cargo", "list", allowed=CARGO_CLASSES, description="empty: all classes"),
        *_range("usd_per_unit", "float", "usd/unit", description="per TEU, t, truck or pax"),
        *_range("dwell_h", "float", "h", description="clearance time added to dwell"),
        Column("price_year", "int", minimum=1990, maximum=2100),
        Column("valid_from", "date", description=_DATE_NOTE + " (inclusive; empty: always)"),
        Column("valid_to", "date", description=_DATE_NOTE + " (exclusive; empty: open)"),
        *_provenance(),
    ),
)

SERVICES = Table(
    "services",
    key=("service_id",),
    description="A scheduled service (ferry, block train, liner) on one or more links.",
    columns=(
        Column("service_id", required=True),
        Column("name", required=True),
        Column("operator"),
        Column(
            "link_ids",
            "list",
            ref=("links", "link_id"),
            description="links where cargo boards the service (its wait is counted there); "
            "empty for a liner whose port rotation is in service_calls.csv",
        ),
        *_range("frequency_per_week", "float", "1/week", required=True, positive=True),
        Column("capacity_per_departure", "float", minimum=0.0),
        Column("capacity_unit", allowed=CAPACITY_UNITS),
        Column("cargo", "list", allowed=CARGO_CLASSES),
        Column("start_date", "date", description=_DATE_NOTE),
        Column("end_date", "date", description=_DATE_NOTE),
        Column(
            "vehicle_class",
            description="the liner's ship class on the lanes of its rotation (a key of "
            "[emissions] in parameters.toml); empty: each lane's own class",
        ),
        Column(
            "speed_kmh",
            "float",
            unit="km/h",
            minimum=0.0,
            positive=True,
            description="the liner's moving speed on its lanes; empty: each lane's own speed",
        ),
        *_provenance(),
    ),
    validity=("start_date", "end_date"),
    strict_validity=True,
)

SERVICE_CALLS = Table(
    "service_calls",
    key=("service_id", "sequence"),
    optional_file=True,
    description=(
        "The port rotation of a liner service: one row per call, in sailing order. Cargo "
        "boards at a call (waiting half the service's headway), stays aboard through the "
        "next calls (each intermediate call's port stay counted) and alights at a later "
        "call. The ship sails from a call to the next over the sea links listed in "
        "lane_link_ids (the deep-sea waypoint chain), so distance, moving time, canal dues "
        "and emissions come from those links. A sea link listed as a lane is sailed only "
        "by the services whose rotations list it."
    ),
    ranges=(("port_stay_h_low", "port_stay_h", "port_stay_h_high"),),
    columns=(
        Column("service_id", required=True, ref=("services", "service_id")),
        Column("sequence", "int", required=True, minimum=1, description="1, 2, ... in order"),
        Column("node_id", required=True, ref=("nodes", "node_id")),
        *_range(
            "port_stay_h",
            "float",
            "h",
            description="time the ship spends at this call (counted for cargo staying aboard)",
        ),
        Column(
            "lane_link_ids",
            "list",
            ref=("links", "link_id"),
            description="sea links sailed from this call to the next, in order (empty on "
            "the last call)",
        ),
        *_provenance(),
    ),
)

PROJECTS = Table(
    "projects",
    key=("project_id",),
    description="An infrastructure project or agreement.",
    columns=(
        Column("project_id", required=True),
        Column("name", required=True),
        Column(
            "kind",
            required=True,
            allowed=(
                "rail",
                "road",
                "bridge",
                "terminal",
                "port",
                "pipeline",
                "agreement",
                "service",
                "corridor",
            ),
        ),
        Column("countries", "list", required=True, allowed=tuple(COUNTRIES)),
        Column("description"),
        *_provenance(),
    ),
)

PROJECT_STATUS = Table(
    "project_status",
    key=("project_id", "status", "date", "party"),
    description=(
        "The status timeline of a project: each row says from which date a status holds "
        "(a range when sources disagree). Rows with basis 'expected' are forecasts."
    ),
    columns=(
        Column("project_id", required=True, ref=("projects", "project_id")),
        Column("status", required=True, allowed=PROJECT_STATUSES),
        Column("date", "date", required=True, description=_DATE_NOTE + " (earliest)"),
        Column("date_latest", "date", description="latest date when sources disagree"),
        Column(
            "party",
            allowed=tuple(COUNTRIES),
            description="the party this status applies to (agreements); empty: all",
        ),
        Column("basis", required=True, allowed=("actual", "expected")),
        *_provenance(),
    ),
)

DEMAND = Table(
    "demand",
    key=("demand_id",),
    description="A freight volume by year: observed, forecast or a target, with its scope.",
    ranges=(("volume_low", "volume", "volume_high"),),
    columns=(
        Column("demand_id", required=True),
        Column(
            "scope",
            required=True,
            description="what the figure covers, e.g. 'instc-total', 'western-rail'",
        ),
        Column("origin", ref=("nodes", "node_id")),
        Column("destination", ref=("nodes", "node_id")),
        Column("direction", allowed=("north", "south", "both")),
        Column("year", "int", required=True, minimum=1990, maximum=2100),
        Column("cargo", required=True, allowed=(*CARGO_CLASSES, "all")),
        *_range("volume", "float", "unit/year", required=True),
        Column("unit", required=True, allowed=("t", "teu", "container", "truck", "pax")),
        Column("kind", required=True, allowed=("actual", "forecast", "target", "agreement")),
        *_provenance(),
    ),
)

CAPACITIES = Table(
    "capacities",
    key=("capacity_id",),
    description=(
        "The capacity of one element that bounds flow (a link, a transfer: terminal, "
        "transloading, port; a border for one mode), dated so that an expansion raises it "
        "on its date. A row in force overrides the figure of links.csv, transfers.csv or "
        "borders.csv for that element (instc.assignment.corridor)."
    ),
    ranges=(("capacity_low", "capacity", "capacity_high"),),
    columns=(
        Column("capacity_id", required=True),
        Column(
            "element",
            required=True,
            description=(
                "link:LINK_ID, transfer:NODE_ID/FROM_LAYER-TO_LAYER or border:BORDER_ID/MODE"
            ),
        ),
        *_range("capacity", "float", "unit/period", required=True),
        Column("capacity_unit", required=True, allowed=CAPACITY_UNITS),
        Column("per", required=True, allowed=("year", "week", "day")),
        *_provenance(),
        *_dated(price_year=False),
    ),
    validity=("valid_from", "valid_to"),
    series=("element",),
    # a dated capacity holds only in its period; outside every period the element keeps
    # its own table's figure (or none: unbounded), never a capacity from another date
    strict_validity=True,
)

WAYPOINTS = Table(
    "waypoints",
    key=("link_id", "sequence"),
    optional_file=True,
    description=(
        "A place a land link passes between its two ends (a station, town or junction of "
        "its line or road), in order from the link's from_node: the map and GeoJSON draw "
        "the link through them (instc.network.alignment). Drawing only: routing uses the "
        "link's own length_km."
    ),
    columns=(
        Column("link_id", required=True, ref=("links", "link_id")),
        Column("sequence", "int", required=True, minimum=1, description="1, 2, ... from from_node"),
        Column("name", required=True, description="the station, town or junction"),
        Column("lat", "float", required=True, unit="deg", minimum=-90.0, maximum=90.0),
        Column("lon", "float", required=True, unit="deg", minimum=-180.0, maximum=180.0),
        *_provenance(),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        SOURCES,
        NODES,
        LINKS,
        BORDERS,
        TRANSFERS,
        TARIFFS,
        SURCHARGES,
        SERVICES,
        SERVICE_CALLS,
        PROJECTS,
        PROJECT_STATUS,
        DEMAND,
        CAPACITIES,
        WAYPOINTS,
    )
}
