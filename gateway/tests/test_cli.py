"""The `dfpn-gateway` command: key management, and `serve` as a real process answering curl-style requests."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dfpn_gateway.cli import main
from dfpn_gateway.store import SQLiteStore, Store, load_pepper

from helpers import PEPPER, PNG, Database, free_port, make_settings, open_store


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def test_keys_lifecycle(tmp_path: Path, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DFPN_GATEWAY_KEY_PEPPER", raising=False)
    db = str(tmp_path / "g.db")
    where = ["--db", db]
    if database.url is not None:
        # PostgreSQL: the URL from the environment (not the command line), and the pepper every replica shares
        monkeypatch.setenv("DFPN_GATEWAY_DATABASE_URL", database.url)
        monkeypatch.setenv("DFPN_GATEWAY_KEY_PEPPER", PEPPER)
    code, out = run_cli(
        *where, "keys", "create", "--name", "acme", "--quota", "100", "--rate", "10/min", "--json"
    )
    assert code == 0
    created = json.loads(out)
    assert created["key"].startswith(f"dfpn_{created['id']}_") and created["webhookSecret"].startswith(
        "whsec_"
    )
    assert (created["quota"], created["used"], created["rate"], created["revokedAt"]) == (
        100,
        0,
        "10/min",
        None,
    )
    store: Store
    if database.url is None:
        # The pepper was created beside the database, and the key verifies with it
        store = SQLiteStore(Path(db), load_pepper(Path(db + ".pepper")))
    else:
        store = open_store(make_settings(tmp_path, database))
        assert not Path(db).exists()  # the SQLite file is not used
    assert store.verify_key(created["key"]) is not None
    store.close()
    code, out = run_cli(*where, "keys", "create", "--name", "other")
    assert code == 0 and "api key:" in out and "webhook secret:" in out and "shown only now" in out
    code, out = run_cli(*where, "keys", "list")
    assert code == 0 and "acme" in out and "0/100" in out and "10/min" in out and "active" in out
    assert run_cli(*where, "keys", "set-quota", created["id"], "unlimited")[0] == 0
    assert run_cli(*where, "keys", "revoke", created["id"])[0] == 0
    assert run_cli(*where, "keys", "revoke", created["id"])[0] == 1
    code, out = run_cli(*where, "keys", "list", "--json")
    listed = {k["name"]: k for k in json.loads(out)}
    assert listed["acme"]["revokedAt"] is not None and listed["acme"]["quota"] is None
    assert "key" not in listed["acme"] and "webhookSecret" not in listed["acme"]
    # Usage errors
    assert run_cli(*where, "keys", "create", "--rate", "lots")[0] == 2
    assert run_cli("keys")[0] == 2


def test_bad_configuration_is_a_usage_error(tmp_path: Path) -> None:
    code, _ = run_cli("--db", str(tmp_path / "g.db"), "serve", "--network", "devnet")  # no wallet
    assert code == 2


def test_serve_answers_curl(tmp_path: Path) -> None:
    # Given `dfpn-gateway serve` on the local network, as an operator would start it, and a key from the CLI
    port = free_port()
    env = {
        **os.environ,
        "DFPN_GATEWAY_DB_PATH": str(tmp_path / "gateway.db"),
        "DFPN_GATEWAY_MEDIA_DIR": str(tmp_path / "media"),
        "DFPN_GATEWAY_PORT": str(port),
    }
    env.pop("DFPN_GATEWAY_KEY_PEPPER", None)
    script = Path(sys.executable).with_name("dfpn-gateway")
    created = subprocess.run(
        [str(script), "keys", "create", "--name", "curl", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = json.loads(created.stdout)["key"]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(script), "serve", "--network", "local"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        # When a client uploads with curl's multipart form
        headers = {"Authorization": f"Bearer {key}"}
        response = httpx.post(
            f"{base}/v1/requests",
            headers=headers,
            data={"modalities": "FaceManipulation", "min_workers": "1"},
            files={"file": ("photo.png", PNG, "image/png")},
            timeout=30,
        )
        # Then the request is accepted and can be polled
        assert response.status_code == 202, response.text
        polled = httpx.get(f"{base}{response.headers['location']}", headers=headers, timeout=10)
        assert polled.status_code == 200 and polled.json()["status"] == "Open"
        estimate = httpx.get(
            f"{base}/v1/fees/estimate?modalities=VoiceCloning&min_workers=2", headers=headers
        )
        assert estimate.json()["feeLamports"] == 5_000_000
        assert httpx.get(f"{base}/v1/fees/estimate?modalities=VoiceCloning").status_code == 401
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "DFPN Gateway"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            # uvicorn shuts down gracefully, then re-raises the signal it got
            assert server.wait(timeout=30) in (0, -signal.SIGTERM)
        finally:
            if server.poll() is None:
                server.kill()
            log.close()
    assert "gateway stopped" in (tmp_path / "serve.log").read_text()
