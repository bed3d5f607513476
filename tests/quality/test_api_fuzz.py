"""Schemathesis fuzzes every operation of /api/schema/ as each role of the cast:
no 5xx, and every response matches the schema. Bounded examples keep it to CI size."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from crm.wsgi import application


def _load_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/schema/ serves it to a signed-in user (anonymous requests get 403
    with DEBUG=0, and no user exists before the test database does), rendered the same way."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))
    loaded.app = application
    loaded.location = "/api/schema/"
    return loaded


schema = _load_schema()
# The owner side (adviser of region A), a read-mostly role (guide), an outsider of the same kind
# (adviser of region B) and the national role; the coordinator's scope equals the adviser's here.
ROLES = ["adviser_a", "guide_a", "adviser_b", "awvn"]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly (not through Django's test client) would close the test
    transaction's connection at each request's end; the test client disconnects these too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(cast):
    return {role: Token.objects.get_or_create(user=cast[role])[0].key for role in ROLES}


@schema.parametrize()
@settings(
    max_examples=6,
    # Generated cases only: the "explicit" phase replays every enum/example combination the
    # schema lists (thousands of requests for the filter-heavy list endpoints) and made this
    # test most of the suite's time without finding more.
    phases=[Phase.generate],
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.django_db
def test_api_answers_every_role_without_server_errors_and_within_its_schema(case, tokens):
    for role in ROLES:
        case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
