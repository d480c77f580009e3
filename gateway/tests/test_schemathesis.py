"""Schemathesis against the ASGI app (its own embedded local network, a valid API key): every generated call gets
a response that the committed OpenAPI document describes (status code, content type, headers, body schema), and
never a 5xx.

`positive_data_acceptance` is not among the checks: a schema cannot say what makes bytes a PNG, so generated
"valid" uploads are (rightly) refused with 415, and a deadline the schema allows can still be refused by the
program (DEADLINE_TOO_SHORT); those answers are documented and checked for conformance like every other."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dfpn_gateway.app import create_app
from dfpn_gateway.store import parse_rate

from helpers import make_settings, open_store

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
_KEY: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    gateway_settings = make_settings(tmp, webhook_require_https=True, webhook_allow_private=False)
    store = open_store(gateway_settings)
    _, key = store.create_key("schemathesis", quota=None, rate=parse_rate("100000/sec"))
    store.close()
    _KEY["value"] = key
    # No client given: the app builds its own embedded local network and funded wallet, as `serve` does.
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(gateway_settings))


OPERATIONS = [
    ("POST", "/v1/requests"),
    ("GET", "/v1/requests"),
    ("GET", "/v1/requests/{request_id}"),
    ("GET", "/v1/fees/estimate"),
    ("GET", "/v1/health"),
]


CASES = [
    *((GenerationMode.POSITIVE, method, path) for method, path in OPERATIONS),
    # /v1/health has no inputs to make invalid.
    *((GenerationMode.NEGATIVE, method, path) for method, path in OPERATIONS if path != "/v1/health"),
]


@pytest.mark.parametrize(("mode", "method", "path"), CASES)
def test_api_conforms_to_openapi(api_schema: Any, mode: GenerationMode, method: str, path: str) -> None:
    operation = api_schema[path][method]
    headers = {"X-API-Key": _KEY["value"]}
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[response.status_code] += 1

    call()
    print(mode.value, method, path, dict(sorted(statuses.items())))
    assert statuses and all(s < 500 for s in statuses)
