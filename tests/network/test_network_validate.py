# ruff: noqa: E501  (the table of cases reads best one case per line)
"""Every malformed input is reported with its exact file, line, column and a fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from network_testutil import MINI, copy_mini, read_rows, set_cell, write_rows

from instc._errors import Problem
from instc.network.validate import validate_directory

Mutation = Callable[[Path], None]


def cell(table: str, line: int, column: str, value: str) -> Mutation:
    return lambda d: set_cell(d, table, line, column, value)


def rename_column(table: str, old: str, new: str) -> Mutation:
    def apply(d: Path) -> None:
        path = d / f"{table}.csv"
        text = path.read_text(encoding="utf-8").split("\n", 1)
        header = [new if h == old else h for h in text[0].split(",")]
        path.write_text(",".join(header) + "\n" + text[1], encoding="utf-8")

    return apply


def drop_column(table: str, column: str) -> Mutation:
    def apply(d: Path) -> None:
        header, rows = read_rows(d / f"{table}.csv")
        for row in rows:
            del row[column]
        write_rows(d / f"{table}.csv", [h for h in header if h != column], rows)

    return apply


def drop_row(table: str, line: int) -> Mutation:
    def apply(d: Path) -> None:
        header, rows = read_rows(d / f"{table}.csv")
        del rows[line - 2]
        write_rows(d / f"{table}.csv", header, rows)

    return apply


def write_text(name: str, text: str) -> Mutation:
    return lambda d: (d / name).write_text(text, encoding="utf-8")  # type: ignore[func-returns-value]


def edit_text(name: str, old: str, new: str) -> Mutation:
    def apply(d: Path) -> None:
        text = (d / name).read_text(encoding="utf-8")
        assert old in text
        (d / name).write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(d: Path) -> None:
        for m in mutations:
            m(d)

    return apply


def latin1_byte(d: Path) -> None:
    path = d / "nodes.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Alat", b"Al\xe2t")  # 'â' in Latin-1, invalid UTF-8
    path.write_bytes(b"\n".join(lines))


# (id, mutation, file, row, column, fragment of message or fix)
CASES: list[tuple[str, Mutation, str, int | None, str | None, str]] = [
    ("unit in number", cell("links", 3, "length_km", "12 km"), "links.csv", 3, "length_km", "write the number only, in km"),
    ("negative length", cell("links", 3, "length_km", "-5"), "links.csv", 3, "length_km", "below the minimum 0"),
    ("latitude too big", cell("nodes", 4, "lat", "95"), "nodes.csv", 4, "lat", "above the maximum 90"),
    ("unknown mode", cell("links", 3, "mode", "train"), "links.csv", 3, "mode", "did you mean 'rail'"),
    ("unknown cargo", cell("links", 2, "cargo", "container;containr"), "links.csv", 2, "cargo", "unknown cargo 'containr'"),
    ("unknown country", cell("nodes", 2, "country", "RS"), "nodes.csv", 2, "country", "unknown country 'RS'"),
    ("unknown kind", cell("projects", 2, "kind", "railway"), "projects.csv", 2, "kind", "did you mean 'rail'"),
    ("unknown node kind", cell("nodes", 7, "kinds", "port;rail;roads"), "nodes.csv", 7, "kinds", "did you mean 'road'"),
    ("bad gauge", cell("nodes", 6, "gauges_mm", "1453"), "nodes.csv", 6, "gauges_mm", "unknown gauges_mm '1453'"),
    ("date not ISO", cell("links", 4, "open_date", "May 2017"), "links.csv", 4, "open_date", "is not an ISO date"),
    ("impossible date", cell("project_status", 3, "date", "2025-02-30"), "project_status.csv", 3, "date", "is not a valid date"),
    ("month 13", cell("links", 8, "close_date", "2040-13"), "links.csv", 8, "close_date", "YYYY-MM-DD"),
    ("duplicate key", cell("links", 3, "link_id", "L-FERRY"), "links.csv", 3, "link_id", "first on line 2"),
    ("duplicate border row", cell("borders", 3, "mode", "rail"), "borders.csv", 3, "border_id", "duplicate key"),
    ("dangling node", cell("links", 3, "from_node", "AZBAKU"), "links.csv", 3, "from_node", "did you mean 'AZBAK'"),
    ("dangling source", cell("nodes", 3, "source_ids", "S1;S9"), "nodes.csv", 3, "source_ids", "unknown source_id 'S9'"),
    ("dangling border", cell("links", 4, "border_id", "B-ASTRA"), "links.csv", 4, "border_id", "did you mean 'B-ASTARA'"),
    ("dangling project", cell("project_status", 2, "project_id", "P-RB"), "project_status.csv", 2, "project_id", "not in projects.csv"),
    ("dangling service link", cell("services", 2, "link_ids", "L-FERY"), "services.csv", 2, "link_ids", "did you mean 'L-FERRY'"),
    ("dangling tariff link", cell("tariffs", 2, "link_id", "L-X"), "tariffs.csv", 2, "link_id", "unknown link_id 'L-X'"),
    ("low above mode", cell("links", 6, "length_km_low", "200"), "links.csv", 6, "length_km_low", "length_km_low 200 > length_km 162"),
    ("mode above high", cell("borders", 2, "dwell_h_high", "10"), "borders.csv", 2, "dwell_h_high", "dwell_h 12 > dwell_h_high 10"),
    ("no source", cell("links", 3, "source_ids", ""), "links.csv", 3, "source_ids", "the row has no source"),
    ("estimated unknown column", cell("links", 7, "estimated", "lenght_km"), "links.csv", 7, "estimated", "did you mean 'length_km'"),
    ("estimated without method", cell("links", 7, "method", ""), "links.csv", 7, "method", "without a method"),
    ("rail without gauge", cell("links", 3, "gauge_mm", ""), "links.csv", 3, "gauge_mm", "rail link without gauge_mm"),
    ("road with gauge", cell("links", 5, "gauge_mm", "1520"), "links.csv", 5, "gauge_mm", "road link with gauge_mm"),
    ("gauge mismatch", cell("links", 7, "gauge_mm", "1520"), "links.csv", 7, "gauge_mm", "gauge 1520 is not in the gauges_mm of node IR-RASHT"),
    ("end node not a port", cell("nodes", 2, "kinds", "rail"), "links.csv", 2, "from_node", "does not serve ferry links"),
    ("rail end at a sea node", cell("nodes", 6, "kinds", "road;sea"), "links.csv", 6, "to_node", "does not serve rail links"),
    ("missing border_id", cell("links", 5, "border_id", ""), "links.csv", 5, "border_id", "road link between AZ and IR without border_id"),
    ("border countries", cell("borders", 2, "countries", "AZ;RU"), "links.csv", 4, "border_id", "but the link joins AZ;IR"),
    ("no border row for mode", drop_row("borders", 3), "links.csv", 5, "border_id", "has no road row in borders.csv"),
    ("close before open", cell("links", 4, "close_date", "2016"), "links.csv", 4, "close_date", "not after open_date"),
    ("date_latest before date", cell("project_status", 4, "date_latest", "2029"), "project_status.csv", 4, "date_latest", "before date"),
    ("capacity without unit", cell("links", 3, "capacity_unit", ""), "links.csv", 3, "capacity_unit", "without capacity_unit"),
    ("loop link", cell("links", 9, "to_node", "IR-ASTARA"), "links.csv", 9, "to_node", "same node"),
    ("transfer same layer", cell("transfers", 2, "to_layer", "rail1520"), "transfers.csv", 2, "to_layer", "must change layer"),
    ("unknown layer", cell("transfers", 3, "to_layer", "rail"), "transfers.csv", 3, "to_layer", "unknown to_layer 'rail'"),
    ("tariff mode vs link", cell("tariffs", 2, "mode", "rail"), "tariffs.csv", 2, "mode", "link L-FERRY is a ferry link"),
    ("border on a ferry", cell("links", 2, "border_id", "B-ASTARA"), "links.csv", 2, "border_id", "only rail, road and pipeline"),
    ("border with one country", cell("borders", 3, "countries", "AZ"), "borders.csv", 3, "countries", "list both"),
    ("tariff selects nothing", cell("tariffs", 3, "mode", ""), "tariffs.csv", 3, "link_id", "neither link_id, service_id nor mode"),
    ("tariff without rate", cell("tariffs", 2, "usd_per_unit", ""), "tariffs.csv", 2, "usd_per_unit_km", "no rate"),
    ("service never runs", both(cell("services", 2, "frequency_per_week_low", ""), cell("services", 2, "frequency_per_week", "0")), "services.csv", 2, "frequency_per_week", "frequency_per_week is 0"),
    ("url not http", cell("sources", 3, "url", "ftp://example.org/rail"), "sources.csv", 3, "url", "not an http(s) address"),
    ("source id with space", cell("sources", 4, "source_id", "S 3"), "sources.csv", 4, "source_id", "not a valid source id"),
    ("unknown vehicle class", cell("links", 3, "vehicle_class", "rail_dsl"), "links.csv", 3, "vehicle_class", "did you mean 'rail_diesel'"),
    ("no speed and no default", both(cell("links", 9, "speed_kmh", ""), edit_text("parameters.toml", "[speed.road_kmh]", "[speed.truck_kmh]")), "links.csv", 9, "speed_kmh", "has no speed.road_kmh"),
    ("no class and no default", edit_text("parameters.toml", 'rail = { value = "rail_diesel"', 'diesel = { value = "rail_diesel"'), "links.csv", 6, "vehicle_class", "no emissions.default_class.rail"),
    ("default class unknown", edit_text("parameters.toml", 'road = { value = "truck_artic"', 'road = { value = "truck_artik"'), "parameters.toml", 35, "value", "did you mean 'truck_artic'"),
    ("demand unit vs cargo", cell("demand", 3, "cargo", "bulk"), "demand.csv", 3, "unit", "unit teu does not fit cargo bulk"),
    ("unit in column name m", rename_column("links", "length_km_high", "length_m"), "links.csv", 1, "length_m", "units are in column names; use length_km"),
    ("unit in column name mi", rename_column("links", "length_km", "length_mi"), "links.csv", 1, "length_mi", "units are in column names; use length_km"),
    ("required column missing", rename_column("links", "length_km", "length_mi"), "links.csv", 1, "length_km", "required column is missing"),
    ("typo column", rename_column("nodes", "aliases", "alias"), "nodes.csv", 1, "alias", "did you mean 'aliases'"),
    ("missing column", drop_column("nodes", "country"), "nodes.csv", 1, "country", "add the column country"),
    ("empty required", cell("nodes", 4, "name", ""), "nodes.csv", 4, "name", "required value is empty"),
    ("bad bool", cell("links", 2, "bidirectional", "maybe"), "links.csv", 2, "bidirectional", "write true or false"),
    ("bad int", cell("tariffs", 3, "price_year", "2023.5"), "tariffs.csv", 3, "price_year", "not a whole number"),
    ("year out of range", cell("demand", 2, "year", "1890"), "demand.csv", 2, "year", "below the minimum 1990"),
    ("id prefix vs country", cell("nodes", 7, "country", "OM"), "nodes.csv", 7, "node_id", "starts with IR"),
    ("bad node id", cell("nodes", 6, "node_id", "Rasht"), "nodes.csv", 6, "node_id", "neither a UN/LOCODE nor CC-SLUG"),
    ("pipeline cargo", both(cell("links", 9, "mode", "pipeline"), cell("nodes", 6, "kinds", "rail;road;pipeline"), cell("nodes", 5, "kinds", "rail;road;border;terminal;pipeline")), "links.csv", 9, "cargo", "only liquid"),
    ("extra cell", edit_text("projects.csv", "route,S3,,,", "route,S3,,,,extra"), "projects.csv", 2, None, "the row has 10 cells but the header has 9"),
    ("semicolon separated", edit_text("projects.csv", "project_id,name,kind,countries,description,source_ids,estimated,method,notes", "project_id;name;kind;countries;description;source_ids;estimated;method;notes"), "projects.csv", 1, None, "separated by ';', not commas"),
    ("misnamed table file", lambda d: (d / "transfers.csv").rename(d / "transfer.csv"), "transfer.csv", None, None, "rename it to transfers.csv"),
    ("gmns folder", lambda d: ((d / "nodes.csv").rename(d / "node.csv"), (d / "links.csv").rename(d / "link.csv")), "node.csv", None, None, "instc import gmns"),
    ("empty file", write_text("tariffs.csv", ""), "tariffs.csv", None, None, "the file is empty"),
    ("missing required file", lambda d: (d / "sources.csv").unlink(), "sources.csv", None, None, "required file is missing"),
    ("not utf-8", latin1_byte, "nodes.csv", 3, None, "not UTF-8"),
    ("toml syntax", edit_text("parameters.toml", 'unit = "km/h"\nbasis', 'unit = km/h\nbasis'), "parameters.toml", 10, None, "TOML syntax error"),
    ("toml no unit", edit_text("parameters.toml", 'value = 40.0\nunit = "km/h"\n', "value = 40.0\n"), "parameters.toml", 8, "unit", "parameter speed.rail_kmh has no unit"),
    ("toml no provenance", edit_text("parameters.toml", 'method = "typical block-train average"\n', ""), "parameters.toml", 8, "source_ids", "has no provenance"),
    ("toml inline leaf no value", edit_text("parameters.toml", 'ttw_g_per_tkm = { value = 24.0, unit', 'ttw_g_per_tkm = { unit'), "parameters.toml", 23, "value", "emissions.rail_diesel.ttw_g_per_tkm has no value"),
    ("toml bare value", edit_text("parameters.toml", "[emissions.truck_artic]\n", "[emissions.truck_artic]\nload = 0.7\n"), "parameters.toml", 26, "load", "is a bare value"),
    ("toml low above value", edit_text("parameters.toml", "low = 50.0", "low = 65.0"), "parameters.toml", 18, "low", "low 65.0 > value 60.0"),
]  # fmt: skip


def test_the_fixture_is_valid() -> None:
    assert validate_directory(MINI) == []


@pytest.mark.parametrize(
    ("mutate", "file", "row", "column", "fragment"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_malformed_input_is_located(
    tmp_path: Path,
    mutate: Mutation,
    file: str,
    row: int | None,
    column: str | None,
    fragment: str,
) -> None:
    d = copy_mini(tmp_path)
    mutate(d)
    problems = validate_directory(d)
    located = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert located, f"nothing at {file}:{row}:{column}; got:\n" + "\n".join(map(str, problems))
    assert any(fragment in f"{p.message} — {p.fix}" for p in located), "\n".join(map(str, located))
    assert all(p.fix for p in problems), [str(p) for p in problems if not p.fix]


def test_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


def test_problem_text_format(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    set_cell(d, "links", 3, "length_km", "12 km")
    (problem,) = validate_directory(d)
    assert (
        str(problem)
        == "links.csv:3:length_km: '12 km' is not a number — write the number only, in km"
    )


def test_missing_directory_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (problem,) = validate_directory(tmp_path / "nope")
    assert problem == Problem(
        str(tmp_path / "nope"),
        None,
        None,
        "directory not found",
        "give the folder that holds nodes.csv, links.csv and sources.csv",
    )


def test_line_numbers_skip_blank_lines_and_multiline_cells(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    path = d / "projects.csv"
    path.write_text(
        "project_id,name,kind,countries,description,source_ids\n"
        '\nP-RA,Rasht–Astara railway,rail,IR,"two\nlines",S3\n'
        "P-X,Other,rails,IR,,S3\n",
        encoding="utf-8",
    )
    problems = validate_directory(d)
    assert [(p.file, p.row, p.column) for p in problems] == [("projects.csv", 5, "kind")]


_TABLE_LINES = {"links": 9, "nodes": 7, "borders": 3, "transfers": 7, "services": 2}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.sampled_from(sorted(_TABLE_LINES)),
    data=st.data(),
    value=st.text(max_size=12),
)
def test_any_cell_value_gives_problems_not_exceptions(
    tmp_path_factory: pytest.TempPathFactory, table: str, data: st.DataObject, value: str
) -> None:
    d = copy_mini(tmp_path_factory.mktemp("fuzz"))
    header, _ = read_rows(d / f"{table}.csv")
    line = data.draw(st.integers(2, _TABLE_LINES[table]))
    column = data.draw(st.sampled_from(header))
    set_cell(d, table, line, column, value)
    problems = validate_directory(d)  # must not raise
    assert all(isinstance(p, Problem) and p.file for p in problems)


def test_windows_line_endings_and_bom(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    path = d / "links.csv"
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    assert validate_directory(d) == []
    set_cell(d, "links", 9, "length_km", "1 400")
    (problem,) = validate_directory(d)
    assert (problem.file, problem.row, problem.column) == ("links.csv", 9, "length_km")


def test_audit_lists_overdue_forecasts() -> None:
    import datetime as dt

    from instc.network.audit import audit_tables
    from instc.network.load import load_network

    net = load_network(MINI, as_of=None)
    tables = {**net.tables, "links": net.all_links}
    on_time = audit_tables(tables, net.parameters, today=dt.date(2032, 1, 1))
    assert on_time["checks"]["forecasts_overdue"]["count"] == 0
    late = audit_tables(tables, net.parameters, today=dt.date(2032, 1, 2))
    assert late["checks"]["forecasts_overdue"]["rows"] == [
        {"id": "P-RA/open", "expected_by": "2032-01-01"}
    ]


def test_audit_lists_links_whose_project_never_opens(tmp_path: Path) -> None:
    from instc.network.audit import audit_tables
    from instc.network.load import load_network

    d = copy_mini(tmp_path)
    set_cell(d, "project_status", 4, "status", "suspended")
    net = load_network(d, as_of=None)
    report = audit_tables({**net.tables, "links": net.all_links}, net.parameters)
    assert report["checks"]["links_never_usable"] == {"count": 1, "ids": ["L-RASHT"]}


def test_check_tables_reads_nan_in_text_columns_as_empty() -> None:
    import math

    import pandas as pd

    from instc.network.checks import check_tables
    from instc.network.load import load_network

    net = load_network(MINI, as_of=None)
    tables = {**net.tables, "links": net.all_links}
    extra = tables["tariffs"].iloc[[1]].copy()
    extra["tariff_id"] = "T-NEW"
    extra["country"] = "AZ"  # another selection: two rates for one would overlap in time
    # a row appended the way in-memory edits often do it: empty text cells become NaN
    tariffs = pd.concat([tables["tariffs"], extra], ignore_index=True).astype(
        {"link_id": object, "country": object}
    )
    tariffs.loc[2, "link_id"] = math.nan
    tables["tariffs"] = tariffs
    assert check_tables(tables) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(
        ["nodes.csv", "links.csv", "borders.csv", "project_status.csv", "parameters.toml"]
    ),
    content=st.one_of(st.binary(max_size=200), st.text(max_size=200)),
    keep_header=st.booleans(),
)
def test_any_file_content_gives_problems_not_exceptions(
    tmp_path_factory: pytest.TempPathFactory, name: str, content: bytes | str, keep_header: bool
) -> None:
    d = copy_mini(tmp_path_factory.mktemp("garbage"))
    path = d / name
    raw = content.encode("utf-8") if isinstance(content, str) else content
    if keep_header:  # garbage after a good header line
        raw = path.read_bytes().split(b"\n", 1)[0] + b"\n" + raw
    path.write_bytes(raw)
    problems = validate_directory(d)
    assert all(isinstance(p, Problem) and p.file for p in problems)


def test_audit_lists_sources_never_cited(tmp_path: Path) -> None:
    from instc.network.audit import audit_tables
    from instc.network.load import load_network

    d = copy_mini(tmp_path)
    with (d / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("S4,Unused report,Nobody,2020,https://example.org/unused,\n")
    net = load_network(d, as_of=None)
    report = audit_tables({**net.tables, "links": net.all_links}, net.parameters)
    assert report["checks"]["sources_never_cited"] == {"count": 1, "ids": ["S4"]}
