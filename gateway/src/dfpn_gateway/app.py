"""The FastAPI application: `create_app(settings, client=None)`.

Routes (all JSON; errors are ``{"error": {"code": ..., "message": ...}}``):

- ``POST /v1/requests`` — multipart/form-data with a ``file`` part (streamed to disk, sniffed, size-limited,
  pinned) or application/json with ``media_uri`` + ``content_hash``; the gateway's wallet pays. 202 + the view.
- ``GET /v1/requests/{id}`` — the status while open, the SDKs' full result JSON once finalized.
- ``GET /v1/fees/estimate`` — what the program charges for modalities and min workers.
- ``GET /v1/health`` — no key needed.

The app is put together here from its parts: the routers (`dfpn_gateway.routers`, one per resource), the
service they call (`dfpn_gateway.service.Gateway`, which talks to the SDK), the error handlers
(`dfpn_gateway.handlers`) and the OpenAPI metadata (`dfpn_gateway.openapi`).

The app opens its database, client, watcher and webhook deliverer in its lifespan (startup), and closes them at
shutdown; a client passed to `create_app` is used as it is and not closed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from dfpn.client import AsyncDFPNClient
from dfpn_gateway import handlers, openapi
from dfpn_gateway.config import Settings
from dfpn_gateway.routers import ROUTERS
from dfpn_gateway.runtime import load_keypair
from dfpn_gateway.server import BodyDeadline
from dfpn_gateway.service import Gateway


def create_app(settings: Settings, client: AsyncDFPNClient | None = None) -> FastAPI:
    """The gateway app. `client`: use this SDK client (its network and wallet) instead of building one from
    `settings`; the caller keeps ownership of it."""
    gw = Gateway(settings, client)
    app = FastAPI(
        title=openapi.TITLE,
        version=openapi.VERSION,
        summary=openapi.SUMMARY,
        description=openapi.DESCRIPTION,
        lifespan=_lifespan(gw),
    )
    app.state.gateway = gw
    app.add_middleware(
        BodyDeadline, chunk_timeout=settings.body_chunk_timeout, total_timeout=settings.upload_timeout
    )
    handlers.install(app)
    for router in ROUTERS:
        app.include_router(router)
    openapi.install(app)
    return app


def _lifespan(gw: Gateway) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start the service when the app starts, stop it when the app stops."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await gw.start()
        try:
            yield
        finally:
            await gw.stop()

    return lifespan


def openapi_json() -> str:
    """The OpenAPI document, as committed in gateway/openapi.json (it does not depend on the settings)."""
    app = create_app(Settings.model_construct())
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["Gateway", "create_app", "load_keypair", "openapi_json"]
