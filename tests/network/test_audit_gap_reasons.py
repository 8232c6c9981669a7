"""network audit says why each gap is one: the clause of the row's method or notes."""

from __future__ import annotations

from instc.network.audit import audit_tables
from instc.network.load import load_tables


def test_every_gap_carries_the_clause_that_names_it():
    parsed = load_tables()
    rows = audit_tables(parsed.tables, parsed.parameters)["checks"]["gaps"]["rows"]
    reasons = {r["id"]: r["reason"] for r in rows}
    assert all("gap" in reason.lower() for reason in reasons.values())
    # rows of the audit's list that are marked rather than fixed
    assert "ADY container tariff not found" in reasons["tariffs/rail-container-default"]
    assert "TFI2" in reasons["tariffs/rail-container-kz"]
    assert "no rate is sourced" in reasons["tariffs/sea-container-default"]
    assert "whole Moscow–Astrakhan line" in reasons["links/r-moscow-astrakhan"]
    assert "actual 2021 throughput" in reasons["demand/bnp-2021"]
