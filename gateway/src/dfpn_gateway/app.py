"""The FastAPI application: `create_app(settings, client=None)`.

Routes (all JSON; errors are ``{"error": {"code": ..., "message": ...}}``):

- ``POST /v1/requests`` — multipart/form-data with a ``file`` part (streamed to disk, sniffed, size-limited,
  pinned) or application/json with ``media_uri`` + ``content_hash``; the gateway's wallet pays. 202 + the view.
- ``GET /v1/requests/{id}`` — the status while open, the SDKs' full result JSON once finalized.
- ``GET /v1/fees/estimate`` — what the program charges for modalities and min workers.
- ``GET /v1/health`` — no key needed.

The app opens its database, client, watcher and webhook deliverer in its lifespan (startup), and closes them at
shutdown; a client passed to `create_app` is used as it is and not closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from dfpn.client import AsyncDFPNClient
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.local import LocalNetwork
from dfpn.models import Modality, SubmittedRequest
from dfpn.pda import request_address
from dfpn_gateway import __version__
from dfpn_gateway import store as st
from dfpn_gateway.auth import RateLimiter, authenticate, extract_key
from dfpn_gateway.config import Settings
from dfpn_gateway.errors import ApiError, GatewayCode, from_dfpn
from dfpn_gateway.media import FILE_FIELD, MediaStore, Upload, check_kind, receive_form
from dfpn_gateway.schemas import (
    MODALITY_BY_NAME,
    ErrorBody,
    FeeEstimate,
    Health,
    ModalityName,
    RequestView,
    Submission,
    SubmitFields,
    SubmitUriBody,
    WebhookEvent,
    modality_names,
    parse_modalities,
    request_view,
)
from dfpn_gateway.watcher import Watcher
from dfpn_gateway.webhooks import SIGNATURE_HEADER, WebhookDeliverer, check_url

logger = logging.getLogger(__name__)

MAX_JSON_BODY = 64 * 1024
_NONCE_BITS = 63


def load_keypair(path: Path) -> Keypair:
    """A Solana CLI keypair file (JSON array of 64 bytes)."""
    try:
        raw = json.loads(path.expanduser().read_text())
        return Keypair.from_bytes(bytes(raw))
    except (OSError, ValueError, TypeError) as e:
        raise ValueError(
            f"{path} is not a readable Solana keypair file (a JSON array of 64 bytes): {e}"
        ) from e


@dataclass
class _Runtime:
    store: st.Store
    client: AsyncDFPNClient
    media: MediaStore
    watcher: Watcher
    deliverer: WebhookDeliverer


class Gateway:
    """The app's state: settings, and while the app runs, its store, client, watcher and deliverer."""

    def __init__(self, settings: Settings, client: AsyncDFPNClient | None = None) -> None:
        self.settings = settings
        self._given_client = client
        self.limiter = RateLimiter()
        self._rt: _Runtime | None = None

    @property
    def rt(self) -> _Runtime:
        if self._rt is None:
            raise ApiError(503, ErrorCode.RPC_ERROR.value, "the gateway is starting or stopping")
        return self._rt

    def _make_client(self, media: MediaStore) -> AsyncDFPNClient:
        s = self.settings
        wallet = load_keypair(s.wallet) if s.wallet is not None else None
        if s.network == "local":
            network = LocalNetwork(s.program_path)
            if wallet is None:
                wallet = network.funded_keypair(s.local_wallet_lamports)
            return AsyncDFPNClient(
                network, wallet, poll_interval=s.poll_interval, storage=media.client_storage
            )
        return AsyncDFPNClient(s.network, wallet, poll_interval=s.poll_interval, storage=media.client_storage)

    async def start(self) -> None:
        s = self.settings
        pepper = (
            s.key_pepper.get_secret_value().encode()
            if s.key_pepper is not None
            else st.load_pepper(s.pepper_path())
        )
        store = st.Store(s.db_path, pepper)
        try:
            media = MediaStore(s)
            client = self._given_client or self._make_client(media)
        except BaseException:
            store.close()
            raise
        deliverer = WebhookDeliverer(store, s, self._secret_for(store))
        watcher = Watcher(store, client, s, on_finished=lambda _id: deliverer.wake())
        self._rt = _Runtime(store, client, media, watcher, deliverer)
        await self._recover_submissions()
        deliverer.start()
        watcher.start()
        logger.info(
            "gateway up: network %s, wallet %s, storage %s, db %s",
            client.transport.name,
            client.wallet.pubkey(),
            media.backend,
            s.db_path,
        )

    async def stop(self) -> None:
        rt, self._rt = self._rt, None
        if rt is None:
            return
        await rt.watcher.stop()
        await rt.deliverer.stop()
        if self._given_client is None:
            await rt.client.close()
        rt.store.close()
        logger.info("gateway stopped")

    @staticmethod
    def _secret_for(store: st.Store) -> Callable[[str], str | None]:
        def secret_for(request_id: str) -> str | None:
            stored = store.get_request(request_id)
            key = store.get_key(stored.key_id) if stored is not None else None
            return key.webhook_secret if key is not None else None

        return secret_for

    async def _recover_submissions(self) -> None:
        """Submissions interrupted by a stop: Open when the request exists on-chain, else forgotten (and the
        quota given back)."""
        rt = self.rt
        for stored in rt.store.submitting_requests():
            intent = json.loads(stored.submitted)
            try:
                info = await rt.client.get_request(stored.id)
            except DFPNError as e:
                if e.code is ErrorCode.REQUEST_NOT_FOUND:
                    # The transaction never landed: the caller got an error (or no answer) and no request id.
                    rt.store.drop_request(stored.id)
                    rt.store.release_quota(stored.key_id)
                    logger.info("interrupted submission %s did not land; dropped", stored.id)
                else:
                    logger.warning("cannot check interrupted submission %s yet: %s", stored.id, e)
                continue
            try:
                signatures = await rt.client.transport.signatures_for_address(Pubkey.from_string(stored.id))
            except DFPNError as e:
                logger.warning("cannot look up the submit transaction of %s: %s", stored.id, e)
                signatures = []
            submitted = SubmittedRequest(
                id=info.id,
                nonce=info.nonce,
                signature=signatures[-1] if signatures else "",
                client=info.client,
                content_hash=info.content_hash,
                storage_uri=info.storage_uri,
                modalities=info.modalities,
                min_workers=info.min_workers,
                max_workers=info.max_workers,
                fee_lamports=info.fee_lamports,
                max_fee_lamports=int(intent.get("max_fee_lamports") or info.escrow_lamports),
                commit_deadline=info.commit_deadline,
                deadline=info.deadline,
            )
            record = Submission(
                submitted=submitted, media_type=intent.get("media_type"), size_bytes=intent.get("size_bytes")
            )
            rt.store.confirm_request(stored.id, record.model_dump_json(), info.deadline, info.fee_lamports)
            logger.info("interrupted submission %s recovered", stored.id)

    # ---- submission ------------------------------------------------------------------------------------------

    async def submit(self, key: st.ApiKey, fields: SubmitFields, upload: Upload | None) -> RequestView:
        rt, s = self.rt, self.settings
        modalities = [MODALITY_BY_NAME[n] for n in fields.modalities]
        min_workers = fields.min_workers or s.default_min_workers
        max_workers = fields.max_workers or min_workers
        if max_workers < min_workers:
            raise ApiError(
                400,
                ErrorCode.INVALID_WORKER_COUNT.value,
                f"max_workers ({max_workers}) must be at least min_workers ({min_workers})",
            )
        deadline_seconds = fields.deadline_seconds or s.default_deadline_seconds
        if deadline_seconds > s.max_deadline_seconds:
            raise ApiError(
                400,
                ErrorCode.INVALID_ARGUMENT.value,
                f"deadline_seconds {deadline_seconds} is over this gateway's maximum of {s.max_deadline_seconds}",
            )
        if upload is not None:
            check_kind(upload.media_type, modalities)
            content_hash = upload.sha256
        elif fields.media_uri and fields.content_hash:
            content_hash = bytes.fromhex(fields.content_hash.removeprefix("0x"))
        else:
            raise ApiError(
                400,
                ErrorCode.INVALID_ARGUMENT.value,
                f"send the media as the form field {FILE_FIELD!r}, or give media_uri and content_hash",
            )
        if upload is not None and fields.media_uri:
            raise ApiError(400, ErrorCode.INVALID_ARGUMENT.value, "send either a file or media_uri, not both")
        if fields.webhook_url is not None:
            check_url(fields.webhook_url, s)
        fee = await rt.client.estimate_fee(modalities, min_workers)
        max_fee = fields.max_fee_lamports or fee
        if max_fee < fee:
            raise ApiError(
                400,
                ErrorCode.MAX_FEE_TOO_LOW.value,
                f"max_fee_lamports {max_fee} is below the fee of {fee} lamports for these modalities and workers",
            )
        cap = s.max_fee_cap_lamports
        if cap is not None and max_fee > cap:
            raise ApiError(
                400,
                GatewayCode.FEE_CAP_EXCEEDED,
                f"this gateway escrows at most {cap} lamports per request (asked: {max_fee})",
            )
        if not rt.store.reserve_quota(key.id):
            raise ApiError(
                429,
                GatewayCode.QUOTA_EXHAUSTED,
                f"API key {key.id} has used its quota of {key.quota} requests",
            )
        try:
            return await self._send(
                key,
                fields,
                upload,
                modalities,
                min_workers,
                max_workers,
                max_fee,
                deadline_seconds,
                content_hash,
            )
        except BaseException:
            rt.store.release_quota(key.id)
            raise

    async def _send(
        self,
        key: st.ApiKey,
        fields: SubmitFields,
        upload: Upload | None,
        modalities: list[Modality],
        min_workers: int,
        max_workers: int,
        max_fee: int,
        deadline_seconds: int,
        content_hash: bytes,
    ) -> RequestView:
        rt = self.rt
        uri = fields.media_uri if upload is None else await rt.media.pin(upload)
        assert uri is not None
        nonce = secrets.randbits(_NONCE_BITS)
        address = str(request_address(rt.client.wallet.pubkey(), nonce, rt.client.program_id))
        media_type = upload.media_type.mime if upload is not None else None
        size = upload.size if upload is not None else None
        intent = {
            "max_fee_lamports": max_fee,
            "media_type": media_type,
            "size_bytes": size,
            "storage_uri": uri,
        }
        now = await rt.client.transport.unix_timestamp()
        rt.store.begin_request(
            address, key.id, json.dumps(intent), fields.webhook_url, now + deadline_seconds
        )
        try:
            sub = await rt.client.submit_request(
                uri=uri,
                content_hash=content_hash,
                modalities=modalities,
                min_workers=min_workers,
                max_workers=max_workers,
                max_fee=str(Decimal(max_fee) / LAMPORTS_PER_SOL),
                deadline_seconds=deadline_seconds,
                nonce=nonce,
            )
        except BaseException:
            rt.store.drop_request(address)
            raise
        record = Submission(submitted=sub, media_type=media_type, size_bytes=size)
        rt.store.confirm_request(sub.id, record.model_dump_json(), sub.deadline, sub.fee_lamports)
        rt.watcher.follow(sub.id)
        logger.info("key %s submitted %s (%s, fee %d)", key.id, sub.id, media_type or uri, sub.fee_lamports)
        stored = rt.store.get_request(sub.id)
        assert stored is not None
        return request_view(stored)

    async def view(self, key: st.ApiKey, request_id: str) -> RequestView:
        rt = self.rt
        stored = rt.store.get_request(request_id)
        if stored is None or stored.key_id != key.id or stored.state == st.SUBMITTING:
            raise ApiError(
                404,
                ErrorCode.REQUEST_NOT_FOUND.value,
                f"no request {request_id} was submitted with this API key",
            )
        info = None
        if stored.state == st.OPEN:
            try:
                info = await rt.client.get_request(request_id)
            except DFPNError as e:
                logger.info("live state of %s unavailable: %s", request_id, e)
        return request_view(stored, delivery=rt.store.get_delivery(request_id), info=info)


# ---- OpenAPI helpers -----------------------------------------------------------------------------------------


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
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
        503: "The network, storage or program is unavailable (RPC_ERROR, PAUSED, ...)",
        504: "The network did not answer in time (TIMEOUT)",
    }
    return {code: {"model": ErrorBody, "description": descriptions[code]} for code in statuses}


_SUBMIT_FORM_SCHEMA: dict[str, Any] = {
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


def _submit_openapi() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": _SUBMIT_FORM_SCHEMA,
                    "encoding": {"modalities": {"style": "form", "explode": True}},
                },
                "application/json": {"schema": {"$ref": "#/components/schemas/SubmitUriBody"}},
            },
        }
    }


# ---- the app ---------------------------------------------------------------------------------------------------

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key: dfpn_...")
_bearer = HTTPBearer(
    auto_error=False, description="An API key as a bearer token: Authorization: Bearer dfpn_..."
)


async def _api_key(
    request: Request,
    x_api_key: Annotated[str | None, Depends(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> st.ApiKey:
    gw: Gateway = request.app.state.gateway
    key = extract_key(request.headers.get("authorization"), x_api_key)
    return authenticate(gw.rt.store, gw.limiter, key)


#: The authenticated (and rate-checked) API key of a request.
ApiKeyDep = Annotated[st.ApiKey, Depends(_api_key)]


def create_app(settings: Settings, client: AsyncDFPNClient | None = None) -> FastAPI:
    """The gateway app. `client`: use this SDK client (its network and wallet) instead of building one from
    `settings`; the caller keeps ownership of it."""
    gw = Gateway(settings, client)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await gw.start()
        try:
            yield
        finally:
            await gw.stop()

    app = FastAPI(
        title="DFPN Gateway",
        version=__version__,
        summary="REST access to the Deepfake Proof Network: upload media, get a consensus verdict.",
        description=(
            "Send media with an API key; the gateway pins it, pays for the request from its own wallet and "
            "follows it until the workers' consensus is final. Results are the SDKs' JSON (`result`). "
            f'Webhooks are signed: `{SIGNATURE_HEADER}: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.'
        ),
        lifespan=lifespan,
    )
    app.state.gateway = gw

    # ---- errors ----------------------------------------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(DFPNError)
    async def _dfpn_error(_request: Request, exc: DFPNError) -> JSONResponse:
        err = from_dfpn(exc)
        if err.status >= 500:
            logger.warning("network failure: %s", exc)
        return JSONResponse(err.body(), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(_validation_body(exc.errors()), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: GatewayCode.NOT_FOUND, 405: GatewayCode.METHOD_NOT_ALLOWED}.get(
            exc.status_code, "HTTP_ERROR"
        )
        return JSONResponse(
            {"error": {"code": str(code), "message": str(exc.detail)}},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(ClientDisconnect)
    async def _disconnect(request: Request, _exc: ClientDisconnect) -> Response:
        logger.info("client went away during %s %s", request.method, request.url.path)
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected failure", exc_info=exc)
        return JSONResponse(
            {
                "error": {
                    "code": GatewayCode.INTERNAL_ERROR.value,
                    "message": "internal error; see the gateway log",
                }
            },
            status_code=500,
        )

    # ---- routes ----------------------------------------------------------------------------------------------

    @app.post(
        "/v1/requests",
        status_code=202,
        response_model=RequestView,
        summary="Submit media for analysis",
        operation_id="submitRequest",
        description=(
            "multipart/form-data with the media in `file` (image ≤ 50 MB, audio ≤ 20 MB, video ≤ 250 MB by "
            "default; the format is sniffed from the bytes), or application/json with `media_uri` and "
            "`content_hash`. The request is paid from the gateway's wallet and counts against the key's quota. "
            "`webhook_url` gets one signed POST with the outcome."
        ),
        responses={
            202: {"headers": {"Location": {"schema": {"type": "string"}}}},
            **_errors(400, 401, 402, 403, 409, 413, 415, 429, 502, 503, 504),
        },
        openapi_extra=_submit_openapi(),
        tags=["requests"],
    )
    async def submit_request(request: Request, key: ApiKeyDep) -> JSONResponse:
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        upload: Upload | None = None
        try:
            if media_type == "multipart/form-data":
                form = await receive_form(request, settings, gw.rt.media.tmp_dir)
                upload = form.upload
                fields = _form_fields(form.fields)
            elif media_type == "application/json" or media_type.endswith("+json"):
                fields = await _json_fields(request)
            else:
                raise ApiError(
                    415,
                    GatewayCode.UNSUPPORTED_MEDIA_TYPE,
                    "send multipart/form-data (the media in the 'file' field) or application/json "
                    "(media_uri and content_hash)",
                )
            view = await gw.submit(key, fields, upload)
        finally:
            if upload is not None:
                upload.discard()
        return JSONResponse(
            view.model_dump(mode="json", by_alias=True),
            status_code=202,
            headers={"Location": f"/v1/requests/{view.id}"},
        )

    @app.get(
        "/v1/requests/{request_id}",
        response_model=RequestView,
        summary="A request's status, and its result once finalized",
        operation_id="getRequest",
        responses=_errors(400, 401, 403, 404, 429),
        tags=["requests"],
    )
    async def get_request(request_id: str, key: ApiKeyDep) -> RequestView:
        return await gw.view(key, request_id)

    @app.get(
        "/v1/fees/estimate",
        response_model=FeeEstimate,
        summary="The fee the program charges",
        operation_id="estimateFee",
        responses=_errors(400, 401, 403, 429, 502, 503, 504),
        tags=["fees"],
    )
    async def estimate_fee(
        key: ApiKeyDep,
        modalities: Annotated[
            list[ModalityName],
            Query(min_length=1, max_length=5, description="Repeat the parameter for several modalities"),
        ],
        min_workers: Annotated[int, Query(ge=1, le=10)] = 3,
    ) -> FeeEstimate:
        parsed = parse_modalities(list(modalities))
        fee = await gw.rt.client.estimate_fee(parsed, min_workers)
        return FeeEstimate(
            modalities=modality_names(sorted(parsed)),
            min_workers=min_workers,
            fee_lamports=fee,
            fee_sol=fee / LAMPORTS_PER_SOL,
        )

    @app.get(
        "/v1/health",
        response_model=Health,
        summary="Liveness and the gateway's wallet (no key needed)",
        operation_id="health",
        responses={503: {"model": Health, "description": "The network cannot be reached"}},
        tags=["health"],
    )
    async def health() -> JSONResponse:
        rt = gw.rt
        detail: str | None = None
        lamports: int | None = None
        try:
            async with asyncio.timeout(5):
                lamports = await rt.client.transport.get_balance(rt.client.wallet.pubkey())
        except (DFPNError, TimeoutError) as e:
            detail = f"network unreachable: {e}"
        counts = rt.store.counts()
        body = Health(
            status="ok" if detail is None else "degraded",
            version=__version__,
            network=rt.client.transport.name,
            program_id=str(rt.client.program_id),
            wallet=str(rt.client.wallet.pubkey()),
            wallet_lamports=lamports,
            storage=rt.media.backend,
            open_requests=counts["openRequests"],
            pending_webhooks=counts["pendingWebhooks"],
            detail=detail,
        )
        return JSONResponse(
            body.model_dump(mode="json", by_alias=True), status_code=200 if detail is None else 503
        )

    @app.webhooks.post(
        "request-finished",
        summary="A request finished (finalized, expired or failed)",
        operation_id="requestFinished",
        description=(
            "POSTed once to the request's webhook_url, retried with exponential backoff until a 2xx answer. "
            f"Headers: `{SIGNATURE_HEADER}` (HMAC-SHA256 over `<t>.<body>` with the key's webhook secret), "
            "`X-DFPN-Delivery` (stable across retries: deduplicate on it), `X-DFPN-Event`."
        ),
    )
    def request_finished(body: WebhookEvent) -> None:
        """Documentation only."""

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _finish_openapi(
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
    return app


def _finish_openapi(doc: dict[str, Any]) -> dict[str, Any]:
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


def _validation_body(errors: Any) -> dict[str, dict[str, str]]:
    parts = []
    for e in list(errors)[:5]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc or 'body'}: {e.get('msg', 'invalid')}")
    return {
        "error": {"code": ErrorCode.INVALID_ARGUMENT.value, "message": "; ".join(parts) or "invalid request"}
    }


def _form_fields(raw: dict[str, list[str]]) -> SubmitFields:
    data: dict[str, Any] = {}
    for name, values in raw.items():
        if name == "modalities":
            continue
        if len(values) > 1:
            raise ApiError(
                400, ErrorCode.INVALID_ARGUMENT.value, f"form field {name!r} is given more than once"
            )
        data[name] = values[0]
    try:
        data["modalities"] = modality_names(parse_modalities(raw.get("modalities", [])))
        return SubmitFields.model_validate(data)
    except ValidationError as e:
        raise ApiError(
            400, ErrorCode.INVALID_ARGUMENT.value, _validation_body(e.errors())["error"]["message"]
        ) from e
    except ValueError as e:
        raise ApiError(400, ErrorCode.INVALID_ARGUMENT.value, str(e)) from e


async def _json_fields(request: Request) -> SubmitUriBody:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_JSON_BODY:
        raise ApiError(413, GatewayCode.PAYLOAD_TOO_LARGE, f"JSON bodies are at most {MAX_JSON_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BODY:
            raise ApiError(
                413, GatewayCode.PAYLOAD_TOO_LARGE, f"JSON bodies are at most {MAX_JSON_BODY} bytes"
            )
    try:
        return SubmitUriBody.model_validate_json(bytes(body))
    except ValidationError as e:
        raise ApiError(
            400, ErrorCode.INVALID_ARGUMENT.value, _validation_body(e.errors())["error"]["message"]
        ) from e


def openapi_json() -> str:
    """The OpenAPI document, as committed in gateway/openapi.json (it does not depend on the settings)."""
    app = create_app(Settings.model_construct())
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["Gateway", "create_app", "load_keypair", "openapi_json"]
