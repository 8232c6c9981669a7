"""Rail lengths that replaced great-circle estimates, pinned against their sources.

Each case holds the figure of the source (km posts of a line diagram, a station's
distance, an operator's or newspaper's line length) and the source id that gives it, so a
later edit that drifts from the source fails here. The data is read with plain csv, not
with the loader; the audit test runs the audit on the loaded tables.
"""

from __future__ import annotations

import pytest
from data_rows import ids, rows

from instc.network.audit import audit_tables
from instc.network.load import load_tables

# link id -> (length_km by hand from the source, source id)
SOURCED_KM = {
    # Trans-Iranian Railway diagram (de.wikipedia, rev. 24 Oct 2016): km posts from Tehran
    "r-tehran-garmsar": (114.3, "W-dewiki-transiranian-2016"),  # Garmsar km 114.3
    "r-garmsar-sari": (round(354.2 - 114.3, 1), "W-dewiki-transiranian-2016"),  # 239.9
    "r-sari-gorgan": (round(496.8 - 354.2, 1), "W-dewiki-transiranian-2016"),  # 142.6
    # Sari km 354.2 -> Rostamkola km 392.0, then the 22.0 km Amirabad branch
    "r-sari-amirabad": (round(392.0 - 354.2 + 22.0, 1), "W-dewiki-transiranian-2016"),  # 59.8
    # Tehran km 0 -> Qom km 180.2 (Trans-Iranian) + Qom -> Bafq km 428 (Qom–Zahedan line)
    "r-tehran-bafq": (180.2 + 428, "W-dewiki-qom-zahedan"),  # 608.2
    "r-kerman-bafq": (664 - 428, "W-dewiki-qom-zahedan"),  # 236
    # Tehran–Tabriz line: Qazvin km 143.6, Tabriz km 735.9 (via Maragheh)
    "r-tehran-qazvin": (143.6, "W-dewiki-tehran-tabriz"),
    "r-qazvin-tabriz": (round(735.9 - 143.6, 1), "W-dewiki-tehran-tabriz"),  # 592.3
    "p-tabriz-tehran": (735.9, "W-dewiki-tehran-tabriz"),
    "r-garmsar-mashhad": (812, "W-dewiki-garmsar-mashhad"),
    "p-tehran-mashhad": (926, "W-irandaily-tehran-mashhad"),
    "r-tabriz-jolfa": (146, "W-ruwiki-tabriz-station"),
    "p-jolfa-tabriz": (146, "W-ruwiki-tabriz-station"),
    "r-beyneu-mangyshlak": (404, "W-turantimes-beyneu-mangistau"),
    "r-kizlyar-makhachkala": (141, "W-geodict-kizlyar"),
    # Trans-Caspian Railway diagram (de.wikipedia): Türkmenbaşy 0, Bereket 268, Aşgabat 557,
    # Paharat junction 852; Paharat–Sarahs–Sarakhs 122 km (list of Turkmen lines)
    "r-turkmenbashi-bereket": (268, "W-dewiki-transcaspian"),
    "r-bereket-ashgabat": (557 - 268, "W-dewiki-transcaspian"),  # 289
    "r-ashgabat-sarahs": (852 - 557 + 122, "W-dewiki-tm-railway-list"),  # 417
    "r-astrakhan-atyrau": (333.5, "W-ruwiki-razezd2-astrakhan-atyrau"),
    # roads: federal highways R22 (Moscow–Astrakhan) and R215 (Astrakhan–Makhachkala);
    # the new Baku–Samur toll road (AZERTAC: 208 km before, 192 km now)
    "d-astrakhan-moscow": (1381, "W-ruwiki-r22-kaspiy"),
    "d-makhachkala-astrakhan": (470, "W-ruwiki-r215"),
    "d-baku-samur": (192, "W-azertac-baku-guba-2022"),
    "d-qazvin-rasht": (137.4, "W-irna-qazvin-rasht-freeway-2013"),  # the freeway's length
}


@pytest.mark.parametrize("link_id", sorted(SOURCED_KM))
def test_link_has_the_sourced_length_and_cites_it(link_id: str) -> None:
    km, source = SOURCED_KM[link_id]
    link = rows("links")[link_id]
    assert float(link["length_km"]) == pytest.approx(km, abs=1e-9)
    assert source in ids(link["source_ids"])
    assert source in rows("sources")
    assert "length_km" not in ids(link["estimated"])


def test_tehran_mashhad_agrees_with_the_two_line_articles() -> None:
    """926 km (Iran Daily) = Tehran–Garmsar 114.3 + Garmsar–Mashhad 812 = 926.3 km."""
    links = rows("links")
    via_garmsar = float(links["r-tehran-garmsar"]["length_km"]) + float(
        links["r-garmsar-mashhad"]["length_km"]
    )
    assert via_garmsar == pytest.approx(926.3)
    assert abs(via_garmsar - float(links["p-tehran-mashhad"]["length_km"])) < 1


def test_kizlyar_makhachkala_keeps_the_gudermes_route_as_its_high() -> None:
    """141 km via the Kizlyar–Kizilyurt cut-off (mode); 221 km via Gudermes (BSE, high)."""
    link = rows("links")["r-kizlyar-makhachkala"]
    assert (link["length_km_low"], float(link["length_km"]), float(link["length_km_high"])) == (
        "",
        141,
        221,
    )
    assert {"W-bse-kizlyar", "W-kharkov-baku-train-2015"} <= ids(link["source_ids"])
    assert "Kizilyurt" in link["notes"] and "Gudermes" in link["notes"]


def test_qazvin_tabriz_low_is_the_new_mianeh_line() -> None:
    """The Mianeh–Tabriz new line saves 114 km: 592.3 - 114 = 478.3 km (derived low)."""
    link = rows("links")["r-qazvin-tabriz"]
    assert float(link["length_km_low"]) == pytest.approx(592.3 - 114)
    assert "length_km_low" in ids(link["estimated"])


def test_sari_gorgan_high_is_what_the_495_km_total_implies() -> None:
    """Garmsar–Incheh Borun 495 km [F086] less Gorgan–Incheh Borun 88 km [F068] = 407 km
    Garmsar–Gorgan, less Garmsar–Sari 239.9 km = 167.1 km (24.5 km over the km posts)."""
    link = rows("links")["r-sari-gorgan"]
    assert float(link["length_km_high"]) == pytest.approx(495 - 88 - 239.9)
    assert "length_km_high" in ids(link["estimated"])


def test_every_estimated_land_length_is_an_audit_gap_with_its_reason() -> None:
    """A rail, road or inland-waterway link whose length is still an estimate is listed
    under the audit's gaps, with the clause saying why (here: r-atyrau-beyneu)."""
    parsed = load_tables()
    gaps = {
        r["id"]: r["reason"]
        for r in audit_tables(parsed.tables, parsed.parameters)["checks"]["gaps"]["rows"]
    }
    estimated = [
        link_id
        for link_id, link in rows("links").items()
        if "length_km" in ids(link["estimated"])
        and link["mode"] in ("rail", "road", "inland_waterway")
    ]
    assert estimated
    assert [i for i in estimated if f"links/{i}" not in gaps] == []
    assert "no published length of this line" in gaps["links/r-atyrau-beyneu"]


def test_ranges_keep_the_other_published_figure() -> None:
    """Ashgabat–Sarahs high: 295 + the 132 km Turkmen section of Tejen–Sarakhs–Mashhad =
    427; Astrakhan–Atyrau high: 333.5 + Astrakhan I–Aksaraiskaya (62.2 - 15.3 = 46.9) =
    380.4 (derived); Baku–Samur high: the old road's 208 km."""
    links = rows("links")
    assert float(links["r-ashgabat-sarahs"]["length_km_high"]) == 852 - 557 + 132 == 427
    assert float(links["r-astrakhan-atyrau"]["length_km_high"]) == pytest.approx(
        333.5 + 62.2 - 15.3
    )
    assert "length_km_high" in ids(links["r-astrakhan-atyrau"]["estimated"])
    assert float(links["d-baku-samur"]["length_km_high"]) == 208


def test_astara_baku_road_is_the_m3_chainage_plus_baku_alat() -> None:
    """Alat–Astara 243 km (M-3 km post at the Astarachay bridge) + Baku–Alat ~70 km [F037]
    = 313 km; the new Salyan–Astara road saves ~40 km: low 273 km. Derived, so still
    listed as estimated (the Baku–Alat road distance is not published)."""
    link = rows("links")["d-astara-baku"]
    assert (float(link["length_km_low"]), float(link["length_km"])) == (243 + 70 - 40, 243 + 70)
    assert {"W-azernews-m3-astara-2024", "W-report-alat-astara-2016", "F037"} <= ids(
        link["source_ids"]
    )
    assert {"length_km", "length_km_low"} <= ids(link["estimated"])
