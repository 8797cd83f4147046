"""PLT-3: a schema-driven run over every API operation (schemathesis, in-process through WSGI).

Bounded and deterministic: EXAMPLES generated cases per operation and mode, a fixed seed (hypothesis
``derandomize``), no shrinking. Every answer is checked against the description: no 5xx, every status
documented, every body (errors included) matching its documented schema, the documented content type.
The figures of the run (operations, examples, failures) are printed at the end (``pytest -s``).
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for
from tests.conftest import make_user

EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Revoking would end the run's own token; it has its own test (test_tokens.py).
SKIP = {("POST", "/api/v1/auth/revoke")}

pytestmark = pytest.mark.filterwarnings("ignore")


def _failures(exc: BaseException) -> list[str]:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return [m for e in inner for m in _failures(e)]
    return [f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"]


def _run(operation, mode, count, headers, figures, found):
    @hsettings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        figures["examples"] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as exc:  # a group of failures: each is collected
            for message in _failures(exc):
                found.append(f"{case.method} {case.path} [{mode.value}] {message}")

    run()


@pytest.fixture
def keep_the_connection():
    """WSGI calls fire request_started/finished, which close the database connection — and with it the
    test's transaction on PostgreSQL. The Django test client turns that off the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_plt3_schema_driven_run_finds_no_server_error_and_no_schema_violation(
    tree, caplog, keep_the_connection
):
    caplog.set_level("CRITICAL")
    user = make_user(tree.city, "leader", username="schema_runner")
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=headers)
    figures = {"operations": 0, "examples": 0}
    found: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        figures["operations"] += 1
        for mode, count in EXAMPLES.items():
            _run(operation, mode, count, headers, figures, found)
    elapsed = time.monotonic() - started
    unique = sorted(set(found))
    print(  # the figures of the run, asked for in the issue
        f"\nschema-driven run: {figures['operations']} operations, {figures['examples']} examples, "
        f"{len(found)} failures ({len(unique)} distinct) in {elapsed:.0f}s"
    )
    for line in unique:
        print("  ", line)
    assert not unique, "\n".join(unique[:40])
