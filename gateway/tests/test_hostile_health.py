"""/v1/health shows no secrets (issue #16): without a key only status, version and network name; with a key the
details, and an RPC URL's key (query, userinfo, path) redacted everywhere: health, error messages and logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from solders.keypair import Keypair

from dfpn_gateway.redact import RedactingFormatter, redact_text, redact_url
from hostile import hostile_server, silent

from helpers import make_settings, new_key, open_store, running

SECRET = "sekrit-provider-key-42"


def test_redact_url_keeps_only_scheme_host_and_port() -> None:
    assert redact_url(f"https://rpc.example.com/?api-key={SECRET}") == "https://rpc.example.com/?***"
    assert redact_url(f"https://user:{SECRET}@rpc.example.com:8899/v2/{SECRET}") == (
        "https://***@rpc.example.com:8899/***"
    )
    assert redact_url("http://[::1]:8899") == "http://[::1]:8899"  # nothing to hide: unchanged
    text = f"http://h.example/?k={SECRET} did not answer; neither did wss://u:{SECRET}@h.example/ws"
    assert SECRET not in redact_text(text) and "http://h.example/?***" in redact_text(text)
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "rpc %s failed", (f"https://h/?k={SECRET}",), None
    )
    assert SECRET not in RedactingFormatter("%(message)s").format(record)
    assert "https://h/?***" in RedactingFormatter("%(message)s").format(record)


async def test_health_hides_the_rpc_url_and_the_wallet_without_a_key(tmp_path: Path) -> None:
    wallet = Keypair()
    wallet_file = tmp_path / "wallet.json"
    wallet_file.write_text(json.dumps(list(bytes(wallet))))
    # An RPC node (a real socket) that never answers, named by a URL carrying the provider's key
    async with hostile_server(silent, path=f"/v2/{SECRET}?api-key={SECRET}") as rpc:
        settings = make_settings(tmp_path, network=rpc.url, wallet=wallet_file, storage="ipfs")
        store = open_store(settings)
        key = new_key(store)
        async with running(settings) as api:
            anonymous = await api.get("/v1/health")
            keyed = await api.get("/v1/health", headers=key.headers)
            refused = await api.get("/v1/health", headers={"X-API-Key": "dfpn_0123456789ab_" + "x" * 43})
        store.close()
    # Without a key: status, version and the network's host only; no URL secret, no wallet, no balance
    assert anonymous.status_code == 503
    assert set(anonymous.json()) == {"status", "version", "network"}, anonymous.json()
    assert anonymous.json()["status"] == "degraded"
    assert anonymous.json()["network"] == rpc.url.split("/v2/")[0] + "/***?***"
    assert SECRET not in anonymous.text
    # With a key: the details (positive control), still without the URL's secrets
    body = keyed.json()
    assert keyed.status_code == 503 and body["wallet"] == str(wallet.pubkey()) and body["storage"] == "ipfs"
    assert body["detail"].startswith("network unreachable")
    assert SECRET not in keyed.text
    # A key that is sent must be valid
    assert refused.status_code == 403
