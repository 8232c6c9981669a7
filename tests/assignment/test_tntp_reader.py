"""The TNTP reader: known facts of the benchmark files and file:line errors."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from instc._errors import TNTPFormatError
from instc.network.tntp import read_tntp, read_tntp_net, read_tntp_trips

NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 3
<NUMBER OF LINKS> 3
<END OF METADATA>


~ init term cap len fft b power speed toll type ;
\t1\t3\t100\t1\t1\t0.15\t4\t0\t0\t1\t;
\t3\t2\t100\t1\t1\t0.15\t4\t0\t0\t1\t; \t
\t1\t2\t50\t2\t0\t0\t0\t0\t0\t9\t;
"""

TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 30.5
<END OF METADATA>

Origin 1
    1 :      0.0;     2 :    30.5;
Origin \t2
"""

FLOW = """From \tTo \tVolume \tCost
1 \t3 \t10.0 \t1.0
3 \t2 \t10.0 \t1.0
1 \t2 \t20.5 \t0.0
"""


def write_folder(root: Path, net: str = NET, trips: str = TRIPS, flow: str | None = FLOW) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Toy_net.tntp").write_text(net)
    (root / "Toy_trips.tntp").write_text(trips)
    if flow is not None:
        (root / "Toy_flow.tntp").write_text(flow)
    return root


def test_toy_folder_reads(tmp_path: Path) -> None:
    tn = read_tntp(write_folder(tmp_path / "toy"))
    assert tn.name == "Toy"
    assert (tn.number_of_zones, tn.number_of_nodes, tn.first_thru_node) == (2, 3, 3)
    assert tn.links["init_node"].tolist() == [1, 3, 1]
    assert tn.links["link_type"].tolist() == [1, 1, 9]
    assert tn.demand.tolist() == [[0.0, 30.5], [0.0, 0.0]]
    assert tn.best_known is not None and tn.best_known["volume"].tolist() == [10.0, 10.0, 20.5]
    assert tn.toll_factor == 0.0 and tn.distance_factor == 0.0


@pytest.mark.parametrize(
    ("name", "zones", "links", "ftn", "total"),
    [
        ("SiouxFalls", 24, 76, 1, 360_600.0),
        ("Anaheim", 38, 914, 39, 104_694.40),
        ("Barcelona", 110, 2522, 111, 184_679.561),
        ("ChicagoSketch", 387, 2950, 1, 1_260_907.44),
        ("Berlin-Center", 865, 28376, 866, 168_222.302),
    ],
)
def test_benchmark_headers_and_totals(
    tntp_dir: Path, name: str, zones: int, links: int, ftn: int, total: float
) -> None:
    # numbers from the table in shared/data/tntp/README.md
    tn = read_tntp(tntp_dir / name)
    assert tn.number_of_zones == zones
    assert len(tn.links) == links
    assert tn.first_thru_node == ftn
    assert tn.demand.sum() == pytest.approx(total, rel=1e-12)


def test_readme_facts(tntp_dir: Path) -> None:
    chicago = read_tntp(tntp_dir / "ChicagoSketch")
    # README: generalized cost weights 0.02 toll + 0.04 length, only in the README
    assert (chicago.toll_factor, chicago.distance_factor) == (0.02, 0.04)
    assert np.trace(chicago.demand) == pytest.approx(123_414, abs=1.0)  # intrazonal
    assert int((chicago.links["free_flow_time"] == 0).sum()) == 774  # connectors
    barcelona = read_tntp(tntp_dir / "Barcelona")
    connectors = barcelona.links["link_type"] == 9
    assert int(connectors.sum()) == 565
    assert (barcelona.links.loc[connectors, ["b", "power"]] == 0).all().all()
    assert int((barcelona.demand.sum(axis=1) > 0).sum()) == 97  # zones producing trips
    berlin = read_tntp(tntp_dir / "Berlin-Center")
    pairs = berlin.links.groupby(["init_node", "term_node"]).size()
    assert int((pairs > 1).sum()) == 6  # parallel links stay separate rows
    assert berlin.best_known is None


# Each case: (file to corrupt, text transformation, line the error names, words in it)
CASES = [
    ("net", lambda t: t.replace("<END OF METADATA>\n", ""), None, "END OF METADATA"),
    ("net", lambda t: t.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> three"), 2, "integer"),
    ("net", lambda t: t.replace("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 4"), 4, "4"),
    ("net", lambda t: t.replace("\t3\t2\t100", "\t3\t2"), 10, "10 fields"),
    ("net", lambda t: t.replace("\t3\t2\t100", "\t3\t2\tlots"), 10, "capacity"),
    ("net", lambda t: t.replace("\t3\t2\t100", "\t3\t7\t100"), 10, "term_node"),
    (
        "net",
        lambda t: t.replace("1\t0.15\t4\t0\t0\t1\t;\n\t3", "-1\t0.15\t4\t0\t0\t1\t;\n\t3"),
        9,
        "free_flow_time",
    ),
    ("net", lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES>"), 1, "integer"),
    ("trips", lambda t: t.replace("2 :    30.5;", "2 :    30.5;  7 : 1.0;"), 6, "destination 7"),
    ("trips", lambda t: t.replace("Origin 1\n", ""), 5, "before the first"),
    ("trips", lambda t: t.replace("30.5;", "abc;"), 6, "abc"),
    ("trips", lambda t: t.replace("<TOTAL OD FLOW> 30.5", "<TOTAL OD FLOW> 31"), 2, "sum"),
    ("trips", lambda t: t.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> 3"), 1, "net file"),
    ("trips", lambda t: t.replace("2 :    30.5;", "2 :    -30.5;"), 6, ">= 0"),
    ("trips", lambda t: t.replace("Origin \t2", "Origin x"), 7, "origin line"),
    ("flow", lambda t: t.replace("3 \t2 \t10.0", "2 \t3 \t10.0"), 3, "does not match"),
    ("flow", lambda t: t.replace("1 \t2 \t20.5 \t0.0\n", ""), None, "flow lines"),
    ("flow", lambda t: t.replace("20.5 \t0.0", "20.5"), 4, "4 fields"),
]


@pytest.mark.parametrize(("which", "edit", "line", "words"), CASES)
def test_malformed_files_name_file_and_line(
    tmp_path: Path,
    which: str,
    edit,
    line: int | None,
    words: str,  # type: ignore[no-untyped-def]
) -> None:
    texts = {"net": NET, "trips": TRIPS, "flow": FLOW}
    texts[which] = edit(texts[which])
    folder = write_folder(tmp_path / "bad", texts["net"], texts["trips"], texts["flow"])
    with pytest.raises(TNTPFormatError) as info:
        read_tntp(folder)
    message = str(info.value)
    file = str(folder / f"Toy_{which}.tntp")
    if line is None:
        assert re.match(rf"{re.escape(file)}(:\d+)?: ", message), message
    else:
        assert message.startswith(f"{file}:{line}: "), message
    assert words in message


def test_missing_and_empty_files(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "f")
    (folder / "Toy_trips.tntp").unlink()
    with pytest.raises(TNTPFormatError, match=r"no \*_trips\.tntp"):
        read_tntp(folder)
    empty = tmp_path / "empty_net.tntp"
    empty.write_text("  \n")
    with pytest.raises(TNTPFormatError, match="empty"):
        read_tntp_net(empty)
    with pytest.raises(TNTPFormatError, match="not found"):
        read_tntp_trips(tmp_path / "nope_trips.tntp")
