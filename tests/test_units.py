import pytest

from instc import units
from instc._errors import NoRouteError, Problem, UnknownNameError, ValidationError


def test_nautical_mile_round_trip() -> None:
    assert units.nm_to_km(1.0) == pytest.approx(1.852)
    assert units.km_to_nm(units.nm_to_km(1234.5)) == pytest.approx(1234.5)


def test_waiting_is_half_headway() -> None:
    # a daily service: headway 24 h, mean wait 12 h
    assert units.waiting_h_for_frequency(7.0) == pytest.approx(12.0)


def test_problem_reads_file_row_column_fix() -> None:
    p = Problem("links.csv", 4, "length_km", "must be positive", "use the length in km")
    assert str(p) == "links.csv:4:length_km: must be positive — use the length in km"
    err = ValidationError([p, p])
    assert "and 1 more problems" in str(err)
    assert isinstance(err, ValueError)


def test_error_messages() -> None:
    e = UnknownNameError("place", "Moskva", ["Moscow"])
    assert str(e) == (
        "unknown place 'Moskva' — did you mean 'Moscow'? "
        "(every place is a row of the dataset's nodes.csv)"
    )
    assert isinstance(e, KeyError)
    r = NoRouteError("Baku", "Moscow", "avoid_country=RU removes every link into Moscow")
    assert "avoid_country=RU" in str(r)
