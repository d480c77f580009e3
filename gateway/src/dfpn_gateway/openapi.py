"""The OpenAPI metadata: the document's title and description, the error responses of each route, the submit
route's two request bodies, the webhook the gateway sends, and the final touches to the generated document
(`install` makes the app serve it). The committed gateway/openapi.json is this document."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from dfpn_gateway import __version__
from dfpn_gateway.schemas import MODALITY_BY_NAME, ErrorBody, SubmitUriBody, WebhookEvent
from dfpn_gateway.webhooks import SIGNATURE_HEADER

TITLE = "DFPN Gateway"
VERSION = __version__
SUMMARY = "REST access to the Deepfake Proof Network: upload media, get a consensus verdict."
DESCRIPTION = (
    "Send media with an API key; the gateway pins it, pays for the request from its own wallet and "
    "follows it until the workers' consensus is final. Results are the SDKs' JSON (`result`). "
    f'Webhooks are signed: `{SIGNATURE_HEADER}: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.'
)

_ERROR_DESCRIPTIONS = {
    400: "Bad parameters (INVALID_ARGUMENT, DEADLINE_TOO_SHORT, MAX_FEE_TOO_LOW, INVALID_WEBHOOK_URL, ...)",
    401: "No API key (MISSING_API_KEY)",
    402: "The gateway's wallet cannot pay (INSUFFICIENT_FUNDS)",
    403: "Unknown or revoked API key (INVALID_API_KEY, API_KEY_REVOKED)",
    404: "Not found (REQUEST_NOT_FOUND)",
    409: "Conflict with the request's on-chain state",
    413: "Upload over the size limit of its media kind (PAYLOAD_TOO_LARGE)",
    415: "Not a recognised media format, or not one the modalities analyse (UNSUPPORTED_MEDIA_TYPE)",
    429: "Rate limit (RATE_LIMITED, with Retry-After) or quota (QUOTA_EXHAUSTED)",
    502: "The network or storage answered with a failure",
    503: "The network, storage, program or the gateway's database is unavailable (RPC_ERROR, PAUSED, "
    "DATABASE_UNAVAILABLE, ...)",
    504: "The network did not answer in time (TIMEOUT)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entries of a route's error statuses: the error body and what each status means."""
    return {code: {"model": ErrorBody, "description": _ERROR_DESCRIPTIONS[code]} for code in statuses}


SUBMIT_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file", "modalities"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The media (sniffed; the Content-Type is ignored)",
        },
        "modalities": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(MODALITY_BY_NAME)},
            "description": "Repeat the field, or separate names with commas; send it before the file to have "
            "a mismatching upload refused early",
        },
        "min_workers": {"type": "integer", "minimum": 1, "maximum": 10},
        "max_workers": {"type": "integer", "minimum": 1, "maximum": 10},
        "max_fee_lamports": {"type": "integer", "minimum": 1},
        "deadline_seconds": {"type": "integer", "minimum": 1},
        "webhook_url": {"type": "string", "maxLength": 2000},
    },
}


def submit_request_body() -> dict[str, Any]:
    """`openapi_extra` of the submit route, which parses its body itself: multipart with the file, or JSON."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": SUBMIT_FORM_SCHEMA,
                    "encoding": {"modalities": {"style": "form", "explode": True}},
                },
                "application/json": {"schema": {"$ref": "#/components/schemas/SubmitUriBody"}},
            },
        }
    }


def request_finished(body: WebhookEvent) -> None:
    """Documentation only."""


def document_webhooks(app: FastAPI) -> None:
    """The webhook the gateway POSTs (documented under `webhooks`; no route serves it)."""
    app.webhooks.post(
        "request-finished",
        summary="A request finished (finalized, expired or failed)",
        operation_id="requestFinished",
        description=(
            "POSTed once to the request's webhook_url, retried with exponential backoff until a 2xx answer. "
            f"Headers: `{SIGNATURE_HEADER}` (HMAC-SHA256 over `<t>.<body>` with the key's webhook secret), "
            "`X-DFPN-Delivery` (stable across retries: deduplicate on it), `X-DFPN-Event`."
        ),
    )(request_finished)


def finish_openapi(doc: dict[str, Any]) -> dict[str, Any]:
    """Validation failures are answered 400 with the error body, not FastAPI's 422: drop the 422 entries; add
    the JSON submission body's schema (the submit route parses its body itself)."""
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    for hook in doc.get("webhooks", {}).values():
        for operation in hook.values():
            operation.get("responses", {}).pop("422", None)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["SubmitUriBody"] = SubmitUriBody.model_json_schema()
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    return doc


def install(app: FastAPI) -> None:
    """Document the webhook, and make `app.openapi()` (and /openapi.json) answer the finished document."""
    document_webhooks(app)

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish_openapi(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                    webhooks=app.webhooks.routes,
                )
            )
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]


__all__ = [
    "DESCRIPTION",
    "SUMMARY",
    "TITLE",
    "VERSION",
    "document_webhooks",
    "error_responses",
    "finish_openapi",
    "install",
    "submit_request_body",
]
