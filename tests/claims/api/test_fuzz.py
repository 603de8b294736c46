"""Schemathesis fuzzes every operation of the OpenAPI schema in-process against the WSGI app:
no 5xx, and every response conforms to the schema (status, content type, body, headers).

Derandomised and bounded (FUZZ_EXAMPLES per operation, 25 by default; `make fuzz` runs 500).
Reads use a partner key, writes a desk editor's token, so both reach the views' validation.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi import checks

from config.wsgi import application
from tests.live_api import make_key

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Calling the WSGI app directly would close the test's connection after each request (as
    Django's own test client avoids doing): keep it open so the test transaction survives."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(seeded, editor) -> dict[str, dict[str, str]]:
    return {
        "partner": {"Authorization": f"Api-Key {make_key(rate_limit=1_000_000)}"},
        "desk": {"Authorization": f"Token {Token.objects.create(user=editor).key}"},
    }


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_every_operation_answers_within_its_schema(case, credentials):
    who = "partner" if case.method.upper() in ("GET", "HEAD", "OPTIONS") else "desk"
    # Schemathesis's two heuristics about *acceptance* are left out: it would call a 400 for a
    # reference to a record that does not exist "schema-valid input rejected", and an ignored empty
    # filter (?story=) "invalid input accepted". Everything about the responses is checked.
    case.call_and_validate(
        headers=credentials[who], excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection]
    )
