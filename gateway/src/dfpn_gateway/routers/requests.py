"""``/v1/requests``: submit media for analysis (multipart upload or JSON with a URI), list a key's requests a page
at a time, and read a request back.

The submit route reads its body itself: a multipart upload is streamed to a temporary file as it arrives
(`media.receive_form`), a JSON body is read up to `MAX_JSON_BODY` bytes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from dfpn.errors import ErrorCode
from dfpn_gateway.dependencies import ApiKeyDep, GatewayDep
from dfpn_gateway.errors import ApiError, GatewayCode, invalid_argument
from dfpn_gateway.media import receive_form
from dfpn_gateway.openapi import error_responses, submit_request_body
from dfpn_gateway.schemas import (
    RequestList,
    RequestState,
    RequestView,
    SubmitFields,
    SubmitUriBody,
    modality_names,
    parse_modalities,
)

MAX_JSON_BODY = 64 * 1024
#: Requests per page of the list: by default, and at most.
DEFAULT_PAGE, MAX_PAGE = 20, 100

router = APIRouter(tags=["requests"])


@router.post(
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
        **error_responses(400, 401, 402, 403, 409, 413, 415, 429, 502, 503, 504),
    },
    openapi_extra=submit_request_body(),
)
async def submit_request(request: Request, key: ApiKeyDep, gw: GatewayDep) -> JSONResponse:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        form = await receive_form(request, gw.settings, gw.rt.media.tmp_dir)
        try:
            view = await gw.submit(key, form_fields(form.fields), form.upload)
        finally:
            if form.upload is not None:
                form.upload.discard()
    elif media_type == "application/json" or media_type.endswith("+json"):
        view = await gw.submit(key, await json_fields(request), None)
    else:
        raise ApiError(
            415,
            GatewayCode.UNSUPPORTED_MEDIA_TYPE,
            "send multipart/form-data (the media in the 'file' field) or application/json "
            "(media_uri and content_hash)",
        )
    return JSONResponse(
        view.model_dump(mode="json", by_alias=True),
        status_code=202,
        headers={"Location": f"/v1/requests/{view.id}"},
    )


@router.get(
    "/v1/requests",
    response_model=RequestList,
    summary="This key's requests, newest first, a page at a time",
    operation_id="listRequests",
    description=(
        "Requests submitted with this API key, newest first, `limit` to a page; pass `nextCursor` as `cursor` "
        "for the next one (null on the last page). `status` keeps only requests in that state. Requests submitted "
        "after the first page was read do not shift later pages. Views come from the gateway's database: open "
        "requests have no `progress` here."
    ),
    responses=error_responses(400, 401, 403, 429, 503),
)
async def list_requests(
    key: ApiKeyDep,
    gw: GatewayDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Requests per page")] = DEFAULT_PAGE,
    cursor: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="The nextCursor of the previous page"),
    ] = None,
    status: Annotated[RequestState | None, Query(description="Only requests in this state")] = None,
) -> RequestList:
    return await gw.list_requests(key, limit=limit, cursor=cursor, status=status)


@router.get(
    "/v1/requests/{request_id}",
    response_model=RequestView,
    summary="A request's status, and its result once finalized",
    operation_id="getRequest",
    responses=error_responses(400, 401, 403, 404, 429, 503),
)
async def get_request(request_id: str, key: ApiKeyDep, gw: GatewayDep) -> RequestView:
    return await gw.view(key, request_id)


def form_fields(raw: dict[str, list[str]]) -> SubmitFields:
    """The submission's fields from a form: each once, except `modalities` (repeated or comma-separated)."""
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
        raise invalid_argument(e.errors()) from e
    except ValueError as e:
        raise ApiError(400, ErrorCode.INVALID_ARGUMENT.value, str(e)) from e


async def json_fields(request: Request) -> SubmitUriBody:
    """The submission's fields from a JSON body of at most `MAX_JSON_BODY` bytes (413 above, even when the
    Content-Length does not say so)."""
    too_large = ApiError(413, GatewayCode.PAYLOAD_TOO_LARGE, f"JSON bodies are at most {MAX_JSON_BODY} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_JSON_BODY:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BODY:
            raise too_large
    try:
        return SubmitUriBody.model_validate_json(bytes(body))
    except ValidationError as e:
        raise invalid_argument(e.errors()) from e


__all__ = ["DEFAULT_PAGE", "MAX_JSON_BODY", "MAX_PAGE", "form_fields", "json_fields", "router"]
