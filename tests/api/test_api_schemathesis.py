"""schemathesis over the published OpenAPI: no server error, every answer in its schema.

Bounded for CI: a few examples per operation, no shrinking. The job POSTs are left
out (each would start worker processes; tests/api/test_api.py runs one job end to end).
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from instc.api import create_app  # noqa: E402

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app()).exclude(
    path_regex=r"^/api/jobs/(criticality|assign|reliability|scenario-run|report)$"
)

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load today's network once, so that the first case is not timed on the load."""
    from instc import service

    service.places("moscow")


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, timeout=120)
