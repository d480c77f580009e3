"""The committed OpenAPI document (gateway/openapi.json) is what the app serves and what the CLI prints."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx

from dfpn_gateway.app import openapi_json
from dfpn_gateway.cli import main

COMMITTED = Path(__file__).resolve().parents[1] / "openapi.json"


def test_committed_document_is_current() -> None:
    assert COMMITTED.read_text() == openapi_json(), (
        "gateway/openapi.json is stale: run `dfpn-gateway openapi > gateway/openapi.json`"
    )
    out = io.StringIO()
    assert main(["openapi"], out=out) == 0
    assert out.getvalue() == COMMITTED.read_text()


async def test_app_serves_the_same_document(api: httpx.AsyncClient) -> None:
    served = (await api.get("/openapi.json")).json()
    assert served == json.loads(COMMITTED.read_text())


def test_document_describes_the_api() -> None:
    doc = json.loads(COMMITTED.read_text())
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/v1/requests",
        "/v1/requests/{request_id}",
        "/v1/fees/estimate",
        "/v1/health",
        "/v1/public/info",
        "/v1/public/requests/{address}",
        "/v1/public/requests/{address}/media",
        "/v1/public/requests/{address}/reports/{seat}",
        "/v1/public/transactions/{signature}",
        "/v1/public/network",
    }
    submit = doc["paths"]["/v1/requests"]["post"]
    assert set(submit["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert {"202", "401", "403", "413", "415", "429"} <= set(submit["responses"])
    assert all("422" not in op["responses"] for path in doc["paths"].values() for op in path.values())
    assert {"APIKeyHeader", "HTTPBearer"} == set(doc["components"]["securitySchemes"])
    result = doc["components"]["schemas"]["AnalysisResult"]["properties"]
    assert {"verdict", "confidence", "consensusType", "workerResults", "audit"} <= set(result)
    assert "request-finished" in doc["webhooks"]
