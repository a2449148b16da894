"""A bounded Schemathesis run: every API operation, fuzzed from its own schema, in-process.

Schemathesis reads the schema ``/api/schema/`` serves and sends each operation generated
requests through the WSGI application, signed in by token as league HQ (the widest scope) on
a compact data set (the Hinggan divisions, households in three villages) made once for this
module and rolled back at its end. It fails on any 5xx, on a status the schema does not
list, on a body that does not match the schema, and on a request the schema calls valid that
the server refuses as malformed (a 400).

The number of examples per operation comes from ``FUPIN_FUZZ_EXAMPLES`` (25 by default), so
CI can bound the run. Marked ``fuzz``: run it alone with ``pytest -m fuzz tests/api``.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from fupin.accounts.models import Role
from fupin.accounts.tokens import token_create
from tests.factories import CHANGFA, HADANALA, LEAGUE, SHUANGYUSHU, make_household, make_user

# django_db: pytest-django creates the test database only for the tests that ask for it.
pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUPIN_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


@pytest.fixture(scope="module")
def hq(django_db_setup, django_db_blocker):
    """League HQ and a few households, in one transaction rolled back at the end.

    The WSGI handler closes "old" database connections at each request's start and end, which
    inside an open transaction would drop it: as Django's test client does, those signals
    are disconnected for the run.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            for village in (CHANGFA, CHANGFA, SHUANGYUSHU, HADANALA):
                make_household(village, income={"year": 2016, "wage_income": 3000})
            user = make_user(Role.LEAGUE_HQ, LEAGUE)
            yield user
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _served_schema() -> dict:
    """The schema exactly as ``/api/schema/?format=json`` serves it (no database needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = WSGIHandler()


# Where a body the schema calls valid may still be refused with a 400: generated credentials
# are wrong (a wrong password is DRF's 400 here, not 401); a field write's body passes the
# schema yet breaks a rule of the services (a future date, a second check-in the same day, a
# sha256 that is not the file's, a concern with neither household nor village).
REFUSES_VALID_BODIES = {
    "/api/auth/token/",
    "/api/visits/",
    "/api/checkins/",
    "/api/concerns/",
    "/api/photos/",
}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_keeps_its_schema(case, hq):
    checks = CHECKS
    if case.operation.path in REFUSES_VALID_BODIES:
        checks = [check for check in CHECKS if check is not positive_data_acceptance]
    # A token per example: DELETE /api/auth/token/ revokes the one it is sent with.
    _row, token = token_create(user=hq, device="schemathesis")
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)
