"""The HTTP routes, one router per resource: ``/v1/requests``, ``/v1/fees``, ``/v1/health``. Each route parses
HTTP and calls one method of the `Gateway` service (`dfpn_gateway.service`)."""

from __future__ import annotations

from fastapi import APIRouter

from dfpn_gateway.routers import fees, health, public, requests, web

#: In the order the OpenAPI document lists them.
ROUTERS: tuple[APIRouter, ...] = (requests.router, fees.router, health.router, public.router, web.router)

__all__ = ["ROUTERS"]
