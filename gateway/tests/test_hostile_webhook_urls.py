"""Webhook destinations through `dfpn.netguard` (issue #16): loopback written as a number, an IPv4-mapped,
NAT64 or 6to4 address, or a full-width host is refused at submission; a name is judged at delivery, at connect
time, against the same policy; networks the operator allows are reachable."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient
from dfpn_gateway import store as st
from dfpn_gateway.errors import ApiError
from dfpn_gateway.webhooks import WebhookDeliverer, check_url
from hostile import hostile_server, ok_204, read_request
from test_hostile_webhooks import add_delivery, open_store

from helpers import make_settings, new_key, running, sqlite_only

pytestmark = sqlite_only

LOOPBACK_FORMS = (
    "http://2130706433/",
    "http://0x7f.1/",
    "http://127.1/",
    "http://0177.0.0.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[::1]/",
    "http://１２７．０．０．１/",
    "http://ｌｏｃａｌｈｏｓｔ/",
    "http://localhost./",
    "http://[::ffff:a9fe:a9fe]/latest",  # 169.254.169.254, mapped
)
PUBLIC = (
    "http://93.184.216.34/h",
    "http://[2606:2800:220:1:248:1893:25c8:1946]/h",
    "http://[64:ff9b::5db8:d822]/h",  # NAT64 of 93.184.216.34
    "http://hooks.example.org/h",  # a name: judged at delivery
)


def test_loopback_forms_are_refused_at_submission(tmp_path: Path) -> None:
    strict = make_settings(tmp_path, webhook_require_https=False, webhook_allow_private=False)
    for url in PUBLIC:  # positive controls
        assert check_url(url, strict) == url
    for url in LOOPBACK_FORMS:
        with pytest.raises(ApiError) as e:
            check_url(url, strict)
        assert (e.value.status, e.value.code) == (400, "INVALID_WEBHOOK_URL"), url
    # The operator's own network, when allowed, is accepted in any of its forms
    allowed = make_settings(
        tmp_path,
        webhook_require_https=False,
        webhook_allow_private=False,
        webhook_allow_networks=("127.0.0.0/8",),
    )
    assert check_url("http://2130706433/", allowed) and check_url("http://[::ffff:127.0.0.1]/", allowed)
    with pytest.raises(ApiError):
        check_url("http://10.0.0.1/", allowed)


async def test_a_numeric_loopback_webhook_is_400_through_the_api(
    tmp_path: Path, sdk: AsyncDFPNClient, store: st.Store
) -> None:
    strict = make_settings(tmp_path, webhook_require_https=False, webhook_allow_private=False)
    key = new_key(store, quota=5)
    body = {
        "media_uri": "https://media.example.org/m.png",
        "content_hash": "00" * 32,
        "modalities": ["FaceManipulation"],
    }
    async with running(strict, sdk) as api:
        for url in ("http://[64:ff9b::7f00:1]/h", "http://0x7f.1/h"):
            response = await api.post("/v1/requests", headers=key.headers, json={**body, "webhook_url": url})
            assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_WEBHOOK_URL"
    assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]


async def test_delivery_checks_every_connection_against_the_policy(tmp_path: Path) -> None:
    # Rows that got past an older submission check: NAT64 and 6to4 loopback, and a name resolving to loopback
    async with hostile_server(ok_204) as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        urls = {
            "NAT64": f"http://[64:ff9b::7f00:1]:{port}/h",
            "6TO4": f"http://[2002:7f00:1::]:{port}/h",
            "NAME": f"http://localhost:{port}/h",
        }
        strict = make_settings(tmp_path / "strict", webhook_allow_private=False)
        store = open_store(strict)
        key = new_key(store)
        for rid, url in urls.items():
            add_delivery(store, key.record.id, rid, url)
        deliverer = WebhookDeliverer(store, strict, lambda _r: key.record.webhook_secret)
        for rid in urls:
            d = store.get_delivery(rid)
            assert d is not None and not await deliverer.deliver(d)
        await deliverer.stop()
        for rid in urls:
            refused = store.get_delivery(rid)
            assert refused is not None and refused.state == st.GAVE_UP, refused
            assert "loopback" in (refused.last_error or ""), refused
        assert receiver.connections == 0
        store.close()
        # Positive control: with loopback allowed by the operator, the name is delivered to the same receiver
        allowed = make_settings(
            tmp_path / "allowed",
            webhook_allow_private=False,
            webhook_allow_networks=("127.0.0.0/8", "::1/128"),
        )
        store = open_store(allowed)
        key = new_key(store)
        add_delivery(store, key.record.id, "NAME", urls["NAME"])
        deliverer = WebhookDeliverer(store, allowed, lambda _r: key.record.webhook_secret)
        d = store.get_delivery("NAME")
        assert d is not None and await deliverer.deliver(d)
        await deliverer.stop()
        assert receiver.connections == 1
        store.close()


async def test_a_redirect_is_not_followed(tmp_path: Path) -> None:
    # A receiver that redirects to another local server: the attempt fails with the 3xx, the target sees nothing
    settings = make_settings(tmp_path, webhook_max_attempts=1)
    async with hostile_server(ok_204) as target:

        async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await read_request(reader)
            writer.write(f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {target.url}\r\n\r\n".encode())
            await writer.drain()

        async with hostile_server(redirect) as redirector:
            store = open_store(settings)
            key = new_key(store)
            add_delivery(store, key.record.id, "REQ", redirector.url)
            add_delivery(store, key.record.id, "DIRECT", target.url)  # positive control: the target works
            deliverer = WebhookDeliverer(store, settings, lambda _r: key.record.webhook_secret)
            for rid in ("REQ", "DIRECT"):
                d = store.get_delivery(rid)
                assert d is not None
                await deliverer.deliver(d)
            await deliverer.stop()
    failed, direct = store.get_delivery("REQ"), store.get_delivery("DIRECT")
    assert failed is not None and (failed.state, failed.last_status) == (st.GAVE_UP, 307), failed
    assert direct is not None and direct.state == st.DELIVERED
    assert redirector.connections == 1 and target.connections == 1
    store.close()
