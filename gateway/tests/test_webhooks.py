"""Webhook signatures, the URL policy, backoff, and the deliverer against a real HTTP receiver."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.errors import ApiError
from dfpn_gateway.webhooks import WebhookDeliverer, backoff_delay, check_url, sign, verify

from helpers import Database, eventually, make_settings, open_store, webhook_receiver

SECRET = "whsec_test"


def test_sign_and_verify() -> None:
    body = b'{"event":"request.finalized"}'
    header = sign(SECRET, body, timestamp=1_700_000_000)
    t, v1 = header.split(",")
    assert t == "t=1700000000" and v1.startswith("v1=") and len(v1) == 3 + 64
    assert verify(SECRET, header, body, now=1_700_000_100)
    assert not verify(SECRET, header, body + b" ", now=1_700_000_100)  # body changed
    assert not verify("whsec_other", header, body, now=1_700_000_100)  # wrong secret
    assert not verify(SECRET, header, body, now=1_700_000_000 + 301)  # too old: replay
    assert not verify(SECRET, header.replace("t=1700000000", "t=1700000001"), body, now=1_700_000_000)
    for garbage in ("", "t=abc,v1=00", "v1=00", "nonsense"):
        assert not verify(SECRET, garbage, body)


def test_url_policy(tmp_path: Path) -> None:
    strict = make_settings(tmp_path, webhook_require_https=True, webhook_allow_private=False)
    assert check_url("https://hooks.example.org/x?y=1", strict)
    assert check_url("https://93.184.216.34:8443/x", strict)
    for bad in (
        "http://hooks.example.org/x",
        "https:///nohost",
        "https://localhost:8443/",
        "https://printer.local/",
        "https://192.168.1.1/",
        "https://[fe80::1]/",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "https://u:p@example.org/",
        "https://example.org:99999/",
        "not a url",
    ):
        with pytest.raises(ApiError) as e:
            check_url(bad, strict)
        assert (e.value.status, e.value.code) == (400, "INVALID_WEBHOOK_URL"), bad
    lax = make_settings(tmp_path, webhook_require_https=False, webhook_allow_private=True)
    assert check_url("http://127.0.0.1:9000/h", lax)


def test_backoff_doubles_with_jitter_up_to_the_cap(tmp_path: Path) -> None:
    s = make_settings(tmp_path, webhook_base_delay=2.0, webhook_max_delay=60.0)
    assert [backoff_delay(n, s, rand=lambda: 0.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert [backoff_delay(n, s, rand=lambda: 1.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert backoff_delay(30, s, rand=lambda: 1.0) == 60.0 and backoff_delay(30, s, rand=lambda: 0.0) == 30.0


def _store_with_delivery(settings: Settings, url: str) -> tuple[st.Store, str]:
    store = open_store(settings, b"p")
    record, _ = store.create_key("k", quota=None, rate=st.Rate(10, 60))
    store.begin_request("REQ", record.id, "{}", url, 0)
    store.confirm_request("REQ", "{}", 0, 1)
    store.finish_request(
        "REQ", st.FINALIZED, result_json="{}", webhook_payload='{"event":"request.finalized"}'
    )
    return store, record.webhook_secret


async def test_retries_with_backoff_then_delivers_exactly_once(tmp_path: Path, database: Database) -> None:
    settings = make_settings(tmp_path, database, webhook_base_delay=0.05, webhook_max_delay=0.2)
    with webhook_receiver(fail_first=3) as hook:
        store, secret = _store_with_delivery(settings, hook.url)
        hook.secret = secret
        deliverer = WebhookDeliverer(store, settings, lambda _r: secret)
        started = time.monotonic()
        deliverer.start()
        try:
            await eventually(lambda: hook.deliveries)
            # (the receiver counts a delivery before it answers: the deliverer records it a moment later)
            await eventually(lambda: (d := store.get_delivery("REQ")) is not None and d.state == st.DELIVERED)
            await asyncio.sleep(0.5)  # no second delivery follows
        finally:
            await deliverer.stop()
        # Three failures (HTTP 500) with growing delays, then one delivery, then nothing more
        assert hook.attempts == 4 and len(hook.deliveries) == 1
        assert time.monotonic() - started >= 0.025 + 0.05 + 0.1
        d = hook.deliveries[0]
        assert (
            d["valid"] and d["event"] == "request.finalized" and d["body"] == b'{"event":"request.finalized"}'
        )
        done = store.get_delivery("REQ")
        assert done is not None and (done.state, done.attempts, done.last_status) == (st.DELIVERED, 4, 200)
        store.close()


async def test_gives_up_after_max_attempts(tmp_path: Path, database: Database) -> None:
    settings = make_settings(
        tmp_path, database, webhook_max_attempts=3, webhook_base_delay=0.02, webhook_max_delay=0.05
    )
    with webhook_receiver(fail_first=100) as hook:
        store, secret = _store_with_delivery(settings, hook.url)
        deliverer = WebhookDeliverer(store, settings, lambda _r: secret)
        deliverer.start()
        try:
            await eventually(lambda: store.get_delivery("REQ").state == st.GAVE_UP)  # type: ignore[union-attr]
            await asyncio.sleep(0.2)
        finally:
            await deliverer.stop()
        assert hook.attempts == 3
        failed = store.get_delivery("REQ")
        assert failed is not None and failed.last_status == 500 and failed.last_error == "HTTP 500"
        store.close()


async def test_unreachable_receiver_is_retried(tmp_path: Path, database: Database) -> None:
    settings = make_settings(
        tmp_path, database, webhook_max_attempts=2, webhook_base_delay=0.02, webhook_timeout=1.0
    )
    store, secret = _store_with_delivery(settings, "http://127.0.0.1:9/nothing-listens")
    deliverer = WebhookDeliverer(store, settings, lambda _r: secret)
    deliverer.start()
    try:
        await eventually(lambda: store.get_delivery("REQ").state == st.GAVE_UP)  # type: ignore[union-attr]
    finally:
        await deliverer.stop()
    failed = store.get_delivery("REQ")
    assert failed is not None and failed.attempts == 2 and "Connect" in (failed.last_error or "")
    store.close()


async def test_private_address_refused_at_delivery(tmp_path: Path, database: Database) -> None:
    # A name that passed the submit-time check but resolves to a private address (DNS rebinding, /etc/hosts)
    settings = make_settings(tmp_path, database, webhook_allow_private=False)
    with webhook_receiver() as hook:
        store, secret = _store_with_delivery(settings, hook.url.replace("127.0.0.1", "localhost"))
        deliverer = WebhookDeliverer(store, settings, lambda _r: secret)
        d = store.get_delivery("REQ")
        assert d is not None
        assert not await deliverer.deliver(d)
        await deliverer.stop()
        assert hook.attempts == 0
        refused = store.get_delivery("REQ")
        assert (
            refused is not None
            and refused.state == st.GAVE_UP
            and "not a public address" in (refused.last_error or "")
            and "loopback" in (refused.last_error or "")
        )
        store.close()
