"""The web page: a static front end (``dfpn_gateway/web/``, plain ES modules and CSS shipped in the wheel) served
by the gateway itself at ``/`` (verify a file), ``/r/{address}`` (a request's permalink) and ``/network`` (the
dashboard). It calls the same API as everyone (`/v1/...`, the user's API key for submissions; `/v1/public/...`
without one) and loads nothing from anywhere else: the Content-Security-Policy allows this origin only."""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dfpn_gateway.errors import ApiError, GatewayCode

router = APIRouter(tags=["web"], include_in_schema=False)

#: What the page may load: this origin only (media and images also as blob: URLs the page makes itself).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_ASSET = re.compile(r"^[a-z0-9][a-z0-9-]*\.(js|css|svg)$")


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def web_dir() -> Path:
    """The folder of the static front end inside the installed package."""
    return Path(str(importlib.resources.files("dfpn_gateway") / "web"))


def load_assets(folder: Path | None = None) -> dict[str, Asset]:
    """Every file of the front end by name, with its content type and an ETag (its hash)."""
    assets: dict[str, Asset] = {}
    for path in sorted((folder or web_dir()).iterdir()):
        kind = CONTENT_TYPES.get(path.suffix)
        if kind is None or not path.is_file():
            continue
        body = path.read_bytes()
        assets[path.name] = Asset(body, kind, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    return assets


_ASSETS: dict[str, Asset] | None = None


def assets() -> dict[str, Asset]:
    global _ASSETS
    if _ASSETS is None:
        _ASSETS = load_assets()
    return _ASSETS


def _serve(request: Request, asset: Asset) -> Response:
    headers = {**SECURITY_HEADERS, "ETag": asset.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.content_type, headers=headers)


def _page(request: Request) -> Response:
    return _serve(request, assets()["index.html"])


@router.get("/")
async def verify_page(request: Request) -> Response:
    """Verify a file: upload, fee, live phases, verdict and evidence."""
    return _page(request)


@router.get("/r/")
@router.get("/r/{address}")
async def permalink_page(request: Request, address: str = "") -> Response:
    """A request's public page (no key): verdict and evidence from the chain and the committed reports."""
    return _page(request)


@router.get("/network")
async def network_page(request: Request) -> Response:
    """The network's dashboard (no key)."""
    return _page(request)


@router.get("/web/{name}")
async def web_asset(request: Request, name: str) -> Response:
    """A file of the front end (scripts, styles, icons)."""
    asset = assets().get(name) if _ASSET.match(name) else None
    if asset is None:
        raise ApiError(404, GatewayCode.NOT_FOUND, f"no file {name!r} in this gateway's web page")
    return _serve(request, asset)


__all__ = ["CSP", "SECURITY_HEADERS", "load_assets", "router", "web_dir"]
