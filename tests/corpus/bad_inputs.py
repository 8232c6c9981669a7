"""A corpus of bad inputs for the whole ``instc`` command line, grouped by kind.

Every case is an input a user can get wrong: an option value, an output path, an input
file (TOML, CSV, TNTP, sweep), a dataset folder with one broken value. The contract
each must meet (:func:`check`): the command exits non-zero, prints no traceback, does
not hang, and says what was wrong in one line of stderr that starts with ``error:`` (a
``validate`` run lists its problems, one per line, and exits 1).

Cases are generated, not hand-listed: each kind crosses a set of commands with a set of
bad values. ``cases()`` returns them all; ``tests/corpus/test_bad_inputs.py`` runs them
in process through :func:`instc.cli.run` (the console entry point), so one Python
process and the dataset cache serve the whole corpus. Run it alone with::

    uv run pytest tests/corpus -q -p no:cacheprovider

or, for the counts by kind, ``uv run python tests/corpus/bad_inputs.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SRC_DATA = Path(__file__).resolve().parents[2] / "src" / "instc" / "data"

# A place pair every family serves; fast to route.
A, B = "Nhava Sheva", "Moscow"

# A valid two-zone TNTP network, written beside each TNTP case and then broken.
TNTP_NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 1
<NUMBER OF LINKS> 4
<END OF METADATA>
~ init term capacity length fft b power speed toll type ;
1 3 100 1 1 0.15 4 0 0 1 ;
3 2 100 1 1 0.15 4 0 0 1 ;
2 3 100 1 1 0.15 4 0 0 1 ;
3 1 100 1 1 0.15 4 0 0 1 ;
"""
TNTP_TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 15.0
<END OF METADATA>

Origin 1
    2 : 10.0;

Origin 2
    1 : 5.0;
"""

LEGS_SWEEP = """[sweep]
name = "{name}"
seed = {seed}
samples = {samples}
replications = {replications}
{extra}
[[legs]]
name = "road"
kind = "link"
time_h = {time_h}

[[legs]]
name = "border"
kind = "border"
time_h = [10, 12, 72]
{legs}
[grid]
{grid}
"""


def legs_sweep(**changes: str) -> str:
    values = {
        "name": "s",
        "seed": "1",
        "samples": "1000",
        "replications": "1",
        "extra": "",
        "time_h": "[30, 36, 48]",
        "legs": "",
        "grid": "border_delay_factor = [1.0]",
    }
    values.update(changes)
    return LEGS_SWEEP.format(**values)


@dataclass(frozen=True)
class Case:
    """One bad input: the arguments (``{tmp}`` is the case's folder) and its files.

    ``files`` are written into ``{tmp}`` first (str as UTF-8, bytes as given);
    ``data_edit`` copies the embedded dataset to ``{tmp}/data`` and rewrites one file.
    ``lines`` is the most stderr lines allowed (progress bars print nothing when
    captured); ``code`` the exit codes accepted; ``expect`` text the error must hold
    (e.g. the ``file:line:column`` of the offending key).
    """

    kind: str
    name: str
    args: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    data_edit: tuple[str, Callable[[str], str]] | None = None
    code: tuple[int, ...] = (2,)
    expect: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}"


# --------------------------------------------------------------------------- generators


def _cli_options() -> list[Case]:
    """Option values that are out of range, not numbers, NaN or infinite."""
    out: list[Case] = []
    numbers = {
        # command prefix, option, bad values
        ("route", A, B): {
            "--k": ["0", "-1", "1000000", "abc", "nan", "2.5"],
            "--max-overlap": ["nan", "-0.1", "1.5", "inf", "x"],
            "--units": ["nan", "inf", "-1", "0", "-inf", "1e400"],
            "--value-of-time": ["nan", "inf", "-1", "-inf"],
            "--tonnes-per-unit": ["nan", "inf", "0", "-1", "-inf", "zero"],
        },
        ("compare", A, B): {
            "--percentile": ["nan", "0", "100", "-5", "150", "inf"],
            "--samples": ["1000000000000", "99", "nan", "-1"],
            "--tonnes-per-unit": ["nan", "0", "-3"],
            "--seed": ["-1", "abc", "1.5"],
        },
        ("pareto", A, B): {"--tonnes-per-unit": ["nan", "0", "inf", "-2"]},
        ("reliability", A, B): {
            "--samples": ["0", "-1", "1000000000000", "nan", "5"],
            "--seed": ["-1", "x"],
            "--within-days": ["nan", "-1", "inf", "-inf"],
            "--month": ["0", "13", "-1", "jan"],
            "--percentile": ["nan", "0", "100", "101", "-1", "inf"],
        },
        ("criticality",): {
            "--top": ["0", "-1", "x"],
            "--value-of-time": ["nan", "-1", "inf"],
            "--workers": ["-1", "x", "100000"],
        },
        ("assign", "tntp", "{tmp}/tn"): {
            "--gap": ["nan", "-1", "inf", "x"],
            "--max-iter": ["0", "-1", "1000000000000", "x"],
            "--toll-factor": ["nan", "inf", "-1"],
            "--distance-factor": ["nan", "inf", "-1"],
        },
        ("assign", "corridor"): {
            "--year": ["0", "-5", "99999", "x"],
            "--gap": ["nan", "-1", "inf"],
            "--max-iter": ["0", "-3", "1000000000000"],
            "--top": ["0", "-1"],
            "--sweep": ["a,b", "nan", "-1", "", "1e400", "0", ",,", "inf"],
        },
    }
    tntp = {"tn/Toy_net.tntp": TNTP_NET, "tn/Toy_trips.tntp": TNTP_TRIPS}
    for prefix, options in numbers.items():
        for option, values in options.items():
            for value in values:
                files = tntp if "tntp" in prefix else {}
                label = " ".join(p for p in prefix if p not in (A, B, "{tmp}/tn"))
                out.append(
                    Case(
                        "cli-number",
                        f"{label} {option} {value}",
                        (*prefix, option, value),
                        files=files,
                    )
                )
    return out


def _cli_names() -> list[Case]:
    """Names that do not exist, written as Rich markup, emoji codes or nonsense."""
    out: list[Case] = []
    weird = ["[x]", "[[edit]]", ":100:", "[bold]Moscow[/]", "Atlantis", "", "  ", "a" * 300]
    for text in weird:
        out.append(Case("cli-name", f"route origin {text[:20]!r}", ("route", text, B)))
        out.append(Case("cli-name", f"route destination {text[:20]!r}", ("route", A, text)))
        out.append(Case("cli-name", f"compare origin {text[:20]!r}", ("compare", text, B)))
        out.append(Case("cli-name", f"network show {text[:20]!r}", ("network", "show", text)))
        out.append(Case("cli-name", f"sources {text[:20]!r}", ("sources", text)))
        out.append(Case("cli-name", f"scenario show {text[:20]!r}", ("scenario", "show", text)))
    # places that exist but load no freight: a sea waypoint, a border station, a junction
    for command in ("route", "compare", "pareto", "reliability"):
        for place in ("Strait of Hormuz", "TM-SERHETYAKA", "Beyneu"):
            out.append(
                Case(
                    "cli-name",
                    f"{command} to {place} (no terminal)",
                    (command, A, place),
                    expect="no container terminal",
                )
            )
    options = {
        ("route", A, B): {
            "--cargo": ["[x]", "boxes", ":100:"],
            "--by": ["speed", "[red]cost", ""],
            "--avoid-country": ["ZZ", "[x]", "Narnia"],
            "--avoid-mode": ["teleport", "[x]"],
            "--avoid-link": ["no-such-link", "[x]"],
            "--avoid-border": ["no-such-border", ":100:"],
            "--avoid-node": ["Atlantis", "[x]"],
            "--via": ["Atlantis", "link:nope", "border:nope", "Baku@teleport", "[x]"],
            "--as-of": ["2026-13-01", "abcd", "2026-02-30", "", "nan", "[x]", "-1"],
        },
        ("compare", A, B): {
            "--cargo": ["boxes", "[x]"],
            "--by": ["speed", "[x]"],
            "--avoid-country": ["ZZ"],
            "--avoid-mode": ["teleport"],
            "--as-of": ["2026-00", "x"],
        },
        ("pareto", A, B): {
            "--cargo": ["boxes"],
            "--avoid-node": ["Atlantis"],
            "--via": ["[x]"],
            "--as-of": ["tomorrow"],
        },
        ("reliability", A, B): {
            "--family": ["no_such_family", "[x]", ":100:"],
            "--cargo": ["boxes"],
            "--scenario": ["no-such-scenario", "[x]"],
            "--as-of": ["2026-99"],
        },
        ("criticality",): {
            "--elements": ["planets", "[x]"],
            "--by": ["speed"],
            "--scenario": ["nope"],
            "--as-of": ["x"],
        },
        ("assign", "tntp", "{tmp}/tn"): {"--algorithm": ["magic", "[x]"]},
        ("assign", "corridor"): {"--demand": ["huge", "[x]"], "--algorithm": ["magic"]},
        ("export",): {"--format": ["shapefile", "[x]"]},
        ("report",): {
            "--format": ["pdf", "[x]"],
            "--by": ["speed"],
            "--cargo": ["boxes"],
            "--origin": ["Atlantis"],
            "--destination": ["[x]"],
            "--scenario": ["no-such-scenario"],
            "--as-of": ["x"],
        },
        ("scenario", "run", "caspian-storm"): {
            "--by": ["speed"],
            "--group": ["no-such-group"],
            "--versus": ["nope"],
            "--as-of": ["x"],
        },
    }
    tntp = {"tn/Toy_net.tntp": TNTP_NET, "tn/Toy_trips.tntp": TNTP_TRIPS}
    for prefix, opts in options.items():
        for option, values in opts.items():
            for value in values:
                args = [*prefix, option, value]
                if prefix == ("export",):
                    args += ["--out", "{tmp}/export"]
                if prefix == ("report",):
                    args += ["--out", "{tmp}/r.html"]
                label = " ".join(p for p in prefix if p not in (A, B, "{tmp}/tn"))
                out.append(
                    Case(
                        "cli-name",
                        f"{label} {option} {value[:20]!r}",
                        tuple(args),
                        files=tntp if "tntp" in prefix else {},
                    )
                )
    # unknown commands and options: Click's usage errors, one line too
    for args in (
        ("rout", A, B),
        ("route", A),
        ("route", A, B, "--bogus"),
        ("route", A, B, "--k"),
        ("network", "nope"),
        ("scenario", "nope"),
        ("assign", "nope"),
        ("import", "shp", "x"),
        ("export", "--format", "gmns"),
        ("compare", A, B, "--samples", "10"),
    ):
        out.append(Case("cli-usage", " ".join(args), args))
    return out


def _output_paths() -> list[Case]:
    """Outputs into a missing folder, onto a folder, under a file, or unwritable."""
    out: list[Case] = []
    file_targets = {
        "missing folder": "{tmp}/missing/out.x",
        "is a folder": "{tmp}",
        "under a file": "{tmp}/afile/out.x",
        "unwritable": "/proc/instc-corpus/out.x",
    }
    dir_targets = {
        "missing parent": "{tmp}/missing/deeper/out",
        "is a file": "{tmp}/afile",
        "under a file": "{tmp}/afile/out",
        "unwritable": "/proc/instc-corpus",
    }
    tntp = {"tn/Toy_net.tntp": TNTP_NET, "tn/Toy_trips.tntp": TNTP_TRIPS}
    file_commands = {
        "route --geojson": ("route", A, B, "--geojson"),
        "route --k 2 --geojson": ("route", A, B, "--k", "2", "--geojson"),
        "compare --geojson": ("compare", A, B, "--geojson"),
        "pareto --geojson": ("pareto", A, B, "--geojson"),
        "reliability --plot": ("reliability", A, B, "--samples", "1000", "--plot"),
        "criticality --geojson": ("criticality", "--geojson"),
        "assign tntp --out": ("assign", "tntp", "{tmp}/tn", "--out"),
        "report --out": ("report", "--out"),
    }
    dir_commands = {
        "export gmns --out": ("export", "--format", "gmns", "--out"),
        "export geojson --out": ("export", "--format", "geojson", "--out"),
        "import gmns --out": ("import", "gmns", "{tmp}/gmns", "--out"),
        "sweep --out": ("sweep", "{tmp}/s.toml", "--workers", "0", "--out"),
        "report png --out": ("report", "--format", "png", "--out"),
    }
    base_files: dict[str, str | bytes] = {"afile": "x", **tntp, "s.toml": legs_sweep()}
    for label, prefix in file_commands.items():
        for what, target in file_targets.items():
            out.append(Case("output-path", f"{label} {what}", (*prefix, target), base_files))
    for label, prefix in dir_commands.items():
        for what, target in dir_targets.items():
            files = dict(base_files)
            if "import" in label:
                files.update(_gmns_files())
            out.append(Case("output-path", f"{label} {what}", (*prefix, target), files))
    # a sweep whose name would write outside its folder (default --out)
    for name in ("../escape", "/tmp/abs", "a/b", "..", ".", "", "x\\\\y", "[x]"):
        out.append(
            Case(
                "output-path",
                f"sweep name {name!r}",
                ("sweep", "{tmp}/s.toml", "--workers", "0"),
                {"s.toml": legs_sweep(name=name)},
            )
        )
    return out


def _gmns_files() -> dict[str, str | bytes]:
    return {
        "gmns/node.csv": "node_id,name,x_coord,y_coord\n1,A,50,40\n2,B,51,41\n",
        "gmns/link.csv": "link_id,from_node_id,to_node_id,length,free_speed\n1,1,2,10,60\n",
    }


# TOML documents that are broken for any reader: each is written as the file under test.
BROKEN_TOML: dict[str, str | bytes] = {
    "syntax": "this is = = not toml\n",
    "unclosed table": "[pair\norigin = 'x'\n",
    "bom+garbage": "\ufeff[[[\n",
    "non-utf8": b'name = "\xff\xfe\xfa"\n',
    "latin1": "name = 'Bak\u0131'\n".encode("utf-16"),
    "deep nesting": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "deep inline tables": "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n",
    "duplicate key": "a = 1\na = 2\n",
    "nul byte": b"a = 1\n\x00\n",
}


def _input_files() -> list[Case]:
    """Every file option given a missing path, a folder, broken TOML or wrong content."""
    out: list[Case] = []
    commands = {
        "compare --families": ("compare", A, B, "--families", "{file}"),
        "criticality --ods": ("criticality", "--ods", "{file}"),
        "scenario run --pairs": ("scenario", "run", "caspian-storm", "--pairs", "{file}"),
        "report --pairs": ("report", "--out", "{tmp}/r.html", "--pairs", "{file}"),
        "sweep": ("sweep", "{file}", "--workers", "0"),
        "scenario validate": ("scenario", "validate", "{file}"),
        "scenario show": ("scenario", "show", "{file}"),
        "scenario run": ("scenario", "run", "{file}"),
        "reliability --scenario": (
            "reliability",
            A,
            B,
            "--samples",
            "1000",
            "--scenario",
            "{file}",
        ),
        "assign corridor --scenario": ("assign", "corridor", "--scenario", "{file}"),
    }
    for label, template in commands.items():
        for broken, content in BROKEN_TOML.items():
            args = tuple(a.replace("{file}", "{tmp}/in.toml") for a in template)
            out.append(Case("input-toml", f"{label} {broken}", args, {"in.toml": content}))
        for what, path in (("missing", "{tmp}/nope.toml"), ("folder", "{tmp}/adir.toml")):
            args = tuple(a.replace("{file}", path) for a in template)
            out.append(Case("input-file", f"{label} {what}", args, {"adir.toml/x": "x"}))
    # well-formed TOML with the wrong content, per file kind
    contents = {
        "compare --families": [
            "",
            "[fam]\nvia = 5\n",
            "[fam]\nvia = [['link:no-such-link']]\n",
            "[fam]\navoid_countries = ['ZZ']\n",
            "[fam]\nunknown_key = 1\n",
            "fam = 3\n",
            "[fam]\nvia = [['[x]']]\n",
            "[fam]\navoid_modes = ['teleport']\n",
            "[fam]\navoid_rules = ['no_rule']\n",
            "[fam]\nshort = 5\n",
        ],
        "criticality --ods": [
            "",
            "[[pair]]\norigin = 'Atlantis'\ndestination = 'Moscow'\n",
            "[[pair]]\norigin = 'INNSA'\n",
            "[[pair]]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\nweight = -1\n",
            "[[pair]]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\nweight = nan\n",
            "[[pair]]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\ncargo = 'boxes'\n",
            "pair = 5\n",
            "[[pair]]\norigin = 1\ndestination = 2\n",
        ],
        "scenario run --pairs": [
            "",
            "[[pair]]\norigin = 'Atlantis'\ndestination = 'Moscow'\n",
            "[[pair]]\ndestination = 'RU-MOSCOW'\n",
            "pair = 'x'\n",
            "[[pair]]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\ncargo = 'boxes'\n",
            "[[pair]]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\nbogus = 1\n",
        ],
        "sweep": [
            "",
            legs_sweep(samples="0"),
            legs_sweep(samples="1000000000000"),
            legs_sweep(samples="nan"),
            legs_sweep(replications="0"),
            legs_sweep(replications="1000000000"),
            legs_sweep(seed="-1"),
            legs_sweep(time_h="[48, 36, 30]"),
            legs_sweep(time_h="nan"),
            legs_sweep(time_h="inf"),
            legs_sweep(time_h="-5"),
            legs_sweep(time_h="[0, 0, 0]"),
            legs_sweep(time_h="[1e-300, 1e-200, 1e-188]"),
            legs_sweep(time_h="'x'"),
            legs_sweep(grid="border_delay_factor = [nan]"),
            legs_sweep(grid="border_delay_factor = [inf]"),
            legs_sweep(grid="border_delay_factor = []"),
            legs_sweep(grid="bogus = [1]"),
            legs_sweep(
                grid="border_delay_factor = ["
                + ",".join(["1.0"] * 1000)
                + "]\nfrequency_factor = ["
                + ",".join(["1.0"] * 1000)
                + "]"
            ),
            legs_sweep(extra="within_days = nan"),
            legs_sweep(extra="within_days = -1"),
            legs_sweep(extra="bogus = 1"),
            legs_sweep(
                legs="[[legs]]\nname = 'f'\nkind = 'link'\ntime_h = 5\nfrequency_per_week = 0\n"
            ),
            legs_sweep(
                legs="[[legs]]\nname = 'f'\nkind = 'link'\ntime_h = 5\nfrequency_per_week = -1\n"
            ),
            legs_sweep(
                legs="[[legs]]\nname = 'f'\nkind = 'link'\ntime_h = 5\nfrequency_per_week = nan\n"
            ),
            legs_sweep(legs="[[legs]]\nname = 'f'\nkind = 'teleport'\ntime_h = 5\n"),
            legs_sweep(
                legs="[[legs]]\nname = 'f'\nkind = 'link'\ntime_h = 5\nclosure_probability = 2\n"
            ),
            legs_sweep(
                legs="[[legs]]\nname = 'f'\nkind = 'link'\ntime_h = 5\nclosure_probability = nan\n"
            ),
            "[sweep]\nname='r'\n[route]\norigin = 'Atlantis'\ndestination = 'Moscow'\n",
            "[sweep]\nname='r'\n[route]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\n"
            "scenarios = ['nope']\n",
            "[sweep]\nname='r'\n[route]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\n"
            "families = ['no_family']\n",
            "[sweep]\nname='r'\n[route]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\n"
            "as_of = 'x'\n",
            "[sweep]\nname='r'\n[route]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\n"
            "cargo = 'boxes'\n",
            "[sweep]\nname='r'\n[route]\norigin = 'INNSA'\ndestination = 'RU-MOSCOW'\n"
            "percentile = 150\n",
            "[sweep]\nname='r'\nsamples=1000\n[route]\norigin = 'INNSA'\n"
            "destination = 'RU-MOSCOW'\n[grid]\nmonth = [" + ",".join(["1"] * 100000) + "]\n",
        ],
        "scenario validate": [
            "",
            "name = 'x'\n[[edit]]\naction = 'explode'\n",
            "name = 'x'\n[[edit]]\naction = 'close'\nlink = 'no-such-link'\n",
            *(
                f"name = 'x'\n[[edit]]\naction = 'scale'\nfield = '{field}'\nfactor = {f}\n"
                "mode = 'rail'\n"
                for field in ("speed_kmh", "tariff_usd_per_unit_km", "length_km")
                for f in ("0", "nan", "-1", "inf")
            ),
            "name = 'x'\n[[edit]]\naction = 'set'\nfield = 'speed_kmh'\nvalue = 0\nmode = 'rail'\n",
            "edit = 5\n",
            "name = '[x]'\n[[edit]]\naction = '[[edit]]'\n",
        ],
    }
    for label, docs in contents.items():
        for i, doc in enumerate(docs):
            args = tuple(a.replace("{file}", "{tmp}/in.toml") for a in commands[label])
            out.append(Case("input-content", f"{label} #{i}", args, {"in.toml": doc}))
    return out


def _edit(pattern: str, replacement: str, count: int = 1) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert pattern in text, pattern
        return text.replace(pattern, replacement, count)

    return apply


def _set_field(row_key: str, column: str, value: str) -> Callable[[str], str]:
    """Set ``column`` of the CSV row whose first field is ``row_key``."""
    import csv
    import io

    def apply(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text)))
        index = rows[0].index(column)
        hits = [r for r in rows[1:] if r and r[0] == row_key]
        assert hits, row_key
        hits[0][index] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue()

    return apply


def _first_row_with(file: str, column: str) -> str:
    import csv

    with open(SRC_DATA / file, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get(column, "").strip():
                return next(iter(row.values()))
    raise AssertionError(f"{file} has no row with {column}")


def _data_edits() -> list[tuple[str, str, Callable[[str], str]]]:
    """(label, file, edit) for a dataset folder with one broken value."""
    edits: list[tuple[str, str, Callable[[str], str]]] = []
    numeric = {
        "links.csv": ["length_km", "speed_kmh", "time_h", "capacity_teu_per_year"],
        "nodes.csv": ["lat", "lon"],
        "transfers.csv": ["dwell_h", "dwell_h_low", "dwell_h_high"],
        "tariffs.csv": [],
        "borders.csv": [],
        "services.csv": ["frequency_per_week"],
    }
    bad_values = {
        "links.csv:length_km": ["0", "-5", "nan", "inf", "abc", "1e400"],
        "links.csv:speed_kmh": ["0", "-10", "nan", "inf", "fast", "-0"],
        "links.csv:time_h": ["0", "-1", "nan", "inf"],
        "links.csv:capacity_teu_per_year": ["0", "-1", "nan", "inf", "lots"],
        "nodes.csv:lat": ["999", "-91", "nan", "north"],
        "nodes.csv:lon": ["181", "inf", "east"],
        "transfers.csv:dwell_h": ["-1", "nan", "inf"],
        "transfers.csv:dwell_h_low": ["-1", "nan"],
        "transfers.csv:dwell_h_high": ["-1", "inf"],
        "services.csv:frequency_per_week": ["0", "-1", "nan", "inf"],
    }
    for file, columns in numeric.items():
        header = (SRC_DATA / file).read_text(encoding="utf-8").splitlines()[0].split(",")
        for column in columns:
            if column not in header:
                continue
            key = _first_row_with(file, column)
            for value in bad_values.get(f"{file}:{column}", []):
                edits.append((f"{file} {column}={value}", file, _set_field(key, column, value)))
    edits += [
        ("links.csv empty", "links.csv", lambda t: ""),
        ("links.csv header only", "links.csv", lambda t: t.splitlines()[0] + "\n"),
        ("links.csv no length column", "links.csv", lambda t: t.replace("length_km", "len", 1)),
        ("links.csv non-utf8", "links.csv", lambda t: t + "\udcff"),
        ("nodes.csv duplicate row", "nodes.csv", lambda t: t + t.splitlines()[1] + "\n"),
        (
            "links.csv unknown node",
            "links.csv",
            lambda t: (
                t
                + t.splitlines()[1]
                .replace(t.splitlines()[1].split(",")[0], "zz-new", 1)
                .replace(",", ",XXNOPE,", 1)
                .split(",XXNOPE,")[0]
                + "\n"
            ),
        ),
        ("sources.csv empty", "sources.csv", lambda t: ""),
        ("nodes.csv BOM+garbage", "nodes.csv", lambda t: '\ufeff"unclosed\n' + t),
    ]
    params = (SRC_DATA / "parameters.toml").read_text(encoding="utf-8")
    import re

    number = re.compile(r"^(\w+) = (-?[0-9][0-9_.eE+-]*)\s*(#.*)?$", re.M)
    numeric_lines = [m for m in number.finditer(params) if "speed" in m.group(1)][:2]
    numeric_lines += [m for m in number.finditer(params) if "speed" not in m.group(1)][:2]
    for m in numeric_lines:
        section = params[: m.start()].rsplit("\n[", 1)[-1].split("]", 1)[0]
        for bad in ('"fast"', "nan", "inf", "-inf", "0", "-1", "true", "[1, 2]"):
            line = m.group(0)
            new = f"{m.group(1)} = {bad}"
            edits.append(
                (
                    f"parameters.toml [{section}] {m.group(1)}={bad}",
                    "parameters.toml",
                    _edit(line, new),
                )
            )
    source = re.compile(r'source_ids = \["([^"]+)"')
    first = source.search(params)
    if first:
        edits.append(
            (
                "parameters.toml unknown source",
                "parameters.toml",
                _edit(first.group(0), 'source_ids = ["NO-SUCH-SOURCE"'),
            )
        )
    for broken, content in BROKEN_TOML.items():
        text = content if isinstance(content, str) else content.decode("latin-1")
        for file in ("parameters.toml", "families.toml", "criticality.toml", "corridor.toml"):
            edits.append((f"{file} {broken}", file, lambda t, c=text: c))
    edits += [
        (
            "families.toml unknown link",
            "families.toml",
            _edit("link:r-astara-astara", "link:no-such-link"),
        ),
        ("families.toml unknown country", "families.toml", _edit('["KZ", "TM"]', '["ZZ"]')),
        ("families.toml unknown key", "families.toml", lambda t: t + "\n[x]\nbogus = 1\n"),
        ("corridor.toml unknown node", "corridor.toml", _edit("IR-TEHRAN", "ZZ-NOWHERE")),
        ("corridor.toml share nan", "corridor.toml", _edit("share = 0.3125", "share = nan")),
        ("corridor.toml share -1", "corridor.toml", _edit("share = 0.3125", "share = -1")),
        (
            "criticality.toml missing pairs file",
            "criticality.toml",
            _edit('file = "scenarios/_pairs.toml"', 'file = "nope.toml"'),
        ),
        (
            "criticality.toml weight nan",
            "criticality.toml",
            _edit("default = 1.0", "default = nan"),
        ),
    ]
    return edits


def _data() -> list[Case]:
    out: list[Case] = []
    commands = {
        "validate": ("validate", "{tmp}/data"),
        "route": ("route", A, B, "--data", "{tmp}/data"),
        "compare": ("compare", A, B, "--no-legs", "--data", "{tmp}/data"),
    }
    for label, file, edit in _data_edits():
        for command, args in commands.items():
            # validate sees every edit; a route the tables, compare the config files
            if command == "route" and file.endswith(".toml") and file != "parameters.toml":
                continue
            if command == "compare" and (not file.endswith(".toml") or file == "parameters.toml"):
                continue
            code = (1, 2) if command == "validate" else (2,)
            out.append(Case("data", f"{command} {label}", args, data_edit=(file, edit), code=code))
    for what, path in (("missing", "{tmp}/nope"), ("a file", "{tmp}/afile"), ("empty", "{tmp}/e")):
        for command, args in commands.items():
            args = tuple(path if a == "{tmp}/data" else a for a in args)
            code = (1, 2) if command == "validate" else (2,)
            out.append(
                Case(
                    "data",
                    f"{command} folder {what}",
                    args,
                    {"afile": "x", "e/.keep": ""},
                    code=code,
                )
            )
    return out


# Three OD pairs; the third is broken by PAIR_BREAKS (its keys on lines 12-14).
THREE_PAIRS = """[[pair]]
origin = "INNSA"
destination = "RU-MOSCOW"
cargo = "container"

[[pair]]
origin = "IRBND"
destination = "AZ-BAKU"
cargo = "bulk"

[[pair]]
origin = "INNSA"
destination = "RU-MOSCOW"
cargo = "container"
"""
# (label, edit of the third pair, what the error must name: file line, key, pair number)
PAIR_BREAKS = [
    ("cargo", lambda t: _last(t, 'cargo = "container"', 'cargo = "boxes"'), ":14:cargo: pair 3"),
    ("origin", lambda t: _last(t, 'origin = "INNSA"', 'origin = "Atlantis"'), ":12:origin: pair 3"),
    (
        "no destination",
        lambda t: _last(t, 'destination = "RU-MOSCOW"\n', ""),
        ":11:destination: pair 3",
    ),
    ("weight", lambda t: t + "weight = -1\n", ":15:weight: pair 3"),
]


def _last(text: str, old: str, new: str) -> str:
    """``text`` with the last ``old`` replaced by ``new``."""
    head, _, tail = text.rpartition(old)
    return head + new + tail


def _toml_lines() -> list[Case]:
    """A bad third ``[[pair]]`` table is named at its own line and key, not the first's."""
    out: list[Case] = []
    # the data folder's default pairs, and a pairs file given directly: the same rules
    commands = {
        "validate": ("validate", "{tmp}/data"),
        "compare": ("compare", A, B, "--no-legs", "--data", "{tmp}/data"),
        "criticality --ods": ("criticality", "--ods", "{tmp}/in.toml"),
        "scenario run --pairs": ("scenario", "run", "caspian-storm", "--pairs", "{tmp}/in.toml"),
    }
    for label, brk, where in PAIR_BREAKS:
        for command, args in commands.items():
            text = brk(THREE_PAIRS)
            given = "{tmp}/in.toml" in args
            out.append(
                Case(
                    "toml-line",
                    f"{command} {'' if given else 'scenarios/_pairs.toml '}pair 3 {label}",
                    args,
                    {"in.toml": text} if given else {},
                    data_edit=None if given else ("scenarios/_pairs.toml", lambda t, x=text: x),
                    code=(1, 2) if command == "validate" else (2,),
                    expect=f"{'in.toml' if given else 'scenarios/_pairs.toml'}{where}",
                )
            )
    families = '[fam_a]\nlabel = "A"\n\n[fam_b]\nlabel = "B"\nvai = []\n'
    out.append(
        Case(
            "toml-line",
            "compare --families second family unknown key",
            ("compare", A, B, "--no-legs", "--families", "{tmp}/in.toml"),
            {"in.toml": families},
            expect="in.toml:6:vai: [fam_b] unknown key 'vai'",
        )
    )
    out.append(
        Case(
            "toml-line",
            "validate families.toml second family unknown key",
            commands["validate"],
            data_edit=("families.toml", lambda t: families),
            code=(1, 2),
            expect="families.toml:6:vai: [fam_b] unknown key 'vai'",
        )
    )
    return out


def _tntp() -> list[Case]:
    out: list[Case] = []
    net_breaks = {
        "no metadata end": lambda t: t.replace("<END OF METADATA>\n", ""),
        "zones not a number": lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> two"),
        "zones nan": lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> nan"),
        "zones 0": lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 0"),
        "zones > nodes": lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 9"),
        "links count wrong": lambda t: t.replace("<NUMBER OF LINKS> 4", "<NUMBER OF LINKS> 9"),
        "capacity 0": lambda t: t.replace("1 3 100", "1 3 0"),
        "capacity -1": lambda t: t.replace("1 3 100", "1 3 -1"),
        "capacity nan": lambda t: t.replace("1 3 100", "1 3 nan"),
        "capacity inf": lambda t: t.replace("1 3 100", "1 3 inf"),
        "fft negative": lambda t: t.replace("1 3 100 1 1", "1 3 100 1 -1"),
        "fft nan": lambda t: t.replace("1 3 100 1 1", "1 3 100 1 nan"),
        "power nan": lambda t: t.replace("1 3 100 1 1 0.15 4", "1 3 100 1 1 0.15 nan"),
        "b negative": lambda t: t.replace("1 3 100 1 1 0.15", "1 3 100 1 1 -0.15"),
        "node 0": lambda t: t.replace("1 3 100", "0 3 100"),
        "node out of range": lambda t: t.replace("1 3 100", "1 99 100"),
        "node negative": lambda t: t.replace("1 3 100", "-1 3 100"),
        "node float": lambda t: t.replace("1 3 100", "1.5 3 100"),
        "short line": lambda t: t.replace("1 3 100 1 1 0.15 4 0 0 1 ;", "1 3 100 ;"),
        "text field": lambda t: t.replace("1 3 100", "1 3 abc"),
        "empty": lambda t: "",
        "binary": lambda t: "\x00\x01\x02",
        "no links": lambda t: t.split("~")[0],
    }
    trips_breaks = {
        "no origin": lambda t: t.replace("Origin 1\n", ""),
        "origin 0": lambda t: t.replace("Origin 1", "Origin 0"),
        "origin 99": lambda t: t.replace("Origin 1", "Origin 99"),
        "dest 99": lambda t: t.replace("2 : 10.0", "99 : 10.0"),
        "demand nan": lambda t: t.replace("2 : 10.0", "2 : nan"),
        "demand -1": lambda t: t.replace("2 : 10.0", "2 : -10.0"),
        "demand inf": lambda t: t.replace("2 : 10.0", "2 : inf"),
        "demand text": lambda t: t.replace("2 : 10.0", "2 : lots"),
        "no colon": lambda t: t.replace("2 : 10.0", "2 10.0"),
        "zones 0": lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 0"),
        "zones differ": lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 3"),
        "empty": lambda t: "",
    }
    for label, brk in net_breaks.items():
        out.append(
            Case(
                "tntp",
                f"net {label}",
                ("assign", "tntp", "{tmp}/tn"),
                {"tn/Toy_net.tntp": brk(TNTP_NET), "tn/Toy_trips.tntp": TNTP_TRIPS},
            )
        )
    for label, brk in trips_breaks.items():
        out.append(
            Case(
                "tntp",
                f"trips {label}",
                ("assign", "tntp", "{tmp}/tn"),
                {"tn/Toy_net.tntp": TNTP_NET, "tn/Toy_trips.tntp": brk(TNTP_TRIPS)},
            )
        )
    folders = {
        "missing folder": ("{tmp}/nope", {}),
        "a file": ("{tmp}/afile", {"afile": "x"}),
        "empty folder": ("{tmp}/e", {"e/.keep": ""}),
        "no trips": ("{tmp}/tn", {"tn/Toy_net.tntp": TNTP_NET}),
        "two nets": (
            "{tmp}/tn",
            {"tn/A_net.tntp": TNTP_NET, "tn/B_net.tntp": TNTP_NET, "tn/A_trips.tntp": TNTP_TRIPS},
        ),
        "net is a folder": (
            "{tmp}/tn",
            {"tn/Toy_net.tntp/x": "x", "tn/Toy_trips.tntp": TNTP_TRIPS},
        ),
        "non-utf8 net": (
            "{tmp}/tn",
            {"tn/Toy_net.tntp": TNTP_NET.encode() + b"\xff\xfe", "tn/Toy_trips.tntp": TNTP_TRIPS},
        ),
    }
    for label, (path, files) in folders.items():
        out.append(Case("tntp", label, ("assign", "tntp", path), files))
    gmns_breaks = {
        "no node.csv": {"gmns/link.csv": _gmns_files()["gmns/link.csv"]},
        "empty node.csv": {**_gmns_files(), "gmns/node.csv": ""},
        "bad coords": {**_gmns_files(), "gmns/node.csv": "node_id,name,x_coord,y_coord\n1,A,x,y\n"},
        "unknown node": {
            **_gmns_files(),
            "gmns/link.csv": "link_id,from_node_id,to_node_id,length,free_speed\n1,1,9,10,60\n",
        },
        "length nan": {
            **_gmns_files(),
            "gmns/link.csv": "link_id,from_node_id,to_node_id,length,free_speed\n1,1,2,nan,60\n",
        },
        "speed 0": {
            **_gmns_files(),
            "gmns/link.csv": "link_id,from_node_id,to_node_id,length,free_speed\n1,1,2,10,0\n",
        },
        "non-utf8": {**_gmns_files(), "gmns/node.csv": b"node_id,name\n1,\xff\n"},
    }
    for label, files in gmns_breaks.items():
        out.append(
            Case("gmns", label, ("import", "gmns", "{tmp}/gmns", "--out", "{tmp}/o"), dict(files))
        )
    return out


def cases() -> list[Case]:
    """Every case of the corpus, grouped by kind (the part of ``id`` before the colon)."""
    return [
        *_cli_options(),
        *_cli_names(),
        *_output_paths(),
        *_input_files(),
        *_data(),
        *_toml_lines(),
        *_tntp(),
    ]


# --------------------------------------------------------------------------- running


class Hang(BaseException):
    """A case ran longer than its time limit (a BaseException: no ``except Exception``
    in the code under test can swallow it)."""


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    traceback: str | None
    seconds: float


def prepare(case: Case, tmp: Path) -> list[str]:
    """Write the case's files under ``tmp`` and return its arguments."""
    for rel, content in case.files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogateescape")
    if case.data_edit is not None:
        data = tmp / "data"
        shutil.copytree(SRC_DATA, data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        file, edit = case.data_edit
        target = data / file
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_bytes(edit(text).encode("utf-8", errors="surrogateescape"))
    return [a.replace("{tmp}", str(tmp)) for a in case.args]


def run_case(case: Case, tmp: Path, *, limit_s: int = 60) -> Outcome:
    """Run one case through the console entry point in this process."""
    import traceback

    from typer.testing import CliRunner

    from instc.cli import run

    args = prepare(case, tmp)
    runner = CliRunner()

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"{case.id} ran longer than {limit_s} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(limit_s)
    start = time.perf_counter()
    tb = None
    code: int | None = None
    with runner.isolation() as (out, err, _):
        try:
            code = run(args)
        except Hang:
            tb = "hang"
        except BaseException:
            tb = traceback.format_exc()
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace") if err is not None else ""
    return Outcome(code, stdout, stderr, tb, time.perf_counter() - start)


def check(case: Case, outcome: Outcome) -> str | None:
    """What is wrong with the outcome of a bad input, or ``None`` when it is handled."""
    if outcome.traceback == "hang":
        return "hang"
    if outcome.traceback is not None:
        return "traceback:\n" + outcome.traceback
    if "Traceback" in outcome.stderr or "Traceback" in outcome.stdout:
        return "traceback printed:\n" + outcome.stderr + outcome.stdout
    if outcome.code not in case.code:
        return f"exit {outcome.code}, wanted {case.code}\n{outcome.stdout[-800:]}{outcome.stderr}"
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    if case.expect and case.expect not in outcome.stdout + outcome.stderr:
        return f"the error does not say {case.expect!r}:\n{outcome.stdout}{outcome.stderr}"
    if case.args[0] == "validate" and outcome.stdout.strip():
        return None  # validate lists every problem, one per line, on stdout
    if case.args[:2] == ("scenario", "validate") and errors and lines == errors:
        return None  # scenario validate lists every problem as its own error line
    if len(errors) != 1:
        return f"{len(errors)} 'error:' lines on stderr:\n{outcome.stderr}"
    if lines[-1] != errors[0]:
        return f"the error is not the last line of stderr:\n{outcome.stderr}"
    named = [Path(a).name for a in case.args if a.endswith(".toml")]
    if case.kind in ("input-toml", "input-file") and not any(n in errors[0] for n in named):
        return f"the error does not name the file {named}:\n{errors[0]}"
    return None


def main() -> int:
    import collections
    import tempfile

    os.environ.setdefault("COLUMNS", "100")
    by_kind: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    failures: list[tuple[str, str]] = []
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    for case in cases():
        if only not in case.id:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            outcome = run_case(case, Path(tmp))
        problem = check(case, outcome)
        mark = "ok" if problem is None else "FAIL"
        print(f"{mark:4} {outcome.seconds:6.2f}s {case.id}", flush=True)
        if problem is not None:
            print("    " + "\n    ".join(problem.splitlines()[-4:]), flush=True)
        stats = by_kind[case.kind]
        stats[0] += 1
        if problem is not None:
            stats[1] += 1
            stats[2] += problem.startswith("traceback")
            stats[3] += problem == "hang"
            failures.append((case.id, problem))
    for case_id, problem in failures:
        print(f"FAIL {case_id}: {problem.splitlines()[0] if problem else ''}")
        print("   ", "\n    ".join(problem.splitlines()[1:][-6:]))
    total = [sum(s[i] for s in by_kind.values()) for i in range(4)]
    for kind, (n, bad, tb, hang) in sorted(by_kind.items()):
        print(f"{kind:14} {n:4} cases  {bad:3} failed  {tb:3} tracebacks  {hang:2} hangs")
    print(
        f"{'total':14} {total[0]:4} cases  {total[1]:3} failed  {total[2]:3} tracebacks  "
        f"{total[3]:2} hangs"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    sys.exit(main())
