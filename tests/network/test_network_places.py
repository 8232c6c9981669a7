from __future__ import annotations

import pytest
from network_testutil import MINI

from instc._errors import UnknownNameError
from instc.network.load import load_network
from instc.network.places import find_node, normalise_name


@pytest.fixture(scope="module")
def net():  # type: ignore[no-untyped-def]
    return load_network(MINI, as_of=None)


@pytest.mark.parametrize(
    ("text", "node_id"),
    [
        ("IRBND", "IRBND"),
        ("irbnd", "IRBND"),  # id, any case
        ("Bandar Abbas", "IRBND"),
        ("bandar-abbas", "IRBND"),  # hyphens and spaces ignored
        ("BANDARABBAS", "IRBND"),
        ("Shahid Rajaee", "IRBND"),  # alias
        ("Baku", "AZBAK"),  # unique prefix of "Baku (Alat)"
        ("Bakı", "AZBAK"),  # alias with dotless i
        ("baki", "AZBAK"),  # accent-insensitive
        ("alat", "AZBAK"),
        ("Astrak", "RUAST"),  # prefix
        ("rakhan", "RUAST"),  # substring
        ("Āstārā (IR-ASTARA)", "IR-ASTARA"),  # the form suggestions are written in
        ("ir-astara", "IR-ASTARA"),
        ("Rasht", "IR-RASHT"),
        ("Astara, AZ", "AZ-ASTARA"),  # a trailing country picks among namesakes
        ("Astara (Iran)", "IR-ASTARA"),
        ("astara ir", "IR-ASTARA"),
        ("Astara Azerbaijan", "AZ-ASTARA"),
        ("Bandar Abbas IR", "IRBND"),
    ],
)
def test_find_node(net, text: str, node_id: str) -> None:  # type: ignore[no-untyped-def]
    assert find_node(net, text) == node_id


def test_ambiguous_name_lists_every_candidate(net) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError) as info:
        find_node(net, "Astara")
    assert info.value.suggestions == ("Astara (AZ-ASTARA)", "Astara (IR-ASTARA)")
    assert info.value.kind == "place"


def test_misspelling_suggests_the_closest(net) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError) as info:
        find_node(net, "Bandar Abas")
    assert info.value.suggestions[0] == "Bandar Abbas (IRBND)"
    assert "did you mean 'Bandar Abbas (IRBND)'" in str(info.value)


def test_unknown_place_without_anything_close(net) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match="unknown place 'Tokyo'"):
        find_node(net, "Tokyo")
    with pytest.raises(UnknownNameError):
        find_node(net, " -- ")


def test_normalise_name() -> None:
    assert normalise_name("Bandar-e Anzali") == normalise_name("bandar e anzali")
    assert normalise_name("Sankt-Peterburg") == "sanktpeterburg"
    assert normalise_name("Санкт-Петербург") == "санктпетербург"  # other scripts kept
    assert normalise_name("Türkmenbaşy") == "turkmenbasy"


def test_country_qualifier_does_not_invent_matches(net) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError) as info:
        find_node(net, "Astara, RU")  # no Astara in Russia: both candidates offered
    assert len(info.value.suggestions) == 2
    with pytest.raises(UnknownNameError):
        find_node(net, "Astara, Atlantis")
