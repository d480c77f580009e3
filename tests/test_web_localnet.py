"""The web page on a real local network (issue #20): `dfpn-localnet up` starts the gateway with its page and an API
key beside the validator, Kubo and a worker process; `dfpn-localnet demo` (what `make demo` runs) then verifies its
media through that gateway too and prints the request's permalink page, which anyone can open without a key and
which shows the verdict and the evidence from the validator and the reports pinned on IPFS."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from dfpn_localnet import free_port_pair

from conftest import start_localnet_up, wait_until_up


def test_up_serves_the_page_and_the_demo_prints_its_permalink(tmp_path: Path) -> None:
    port = free_port_pair()
    state = tmp_path / "net"
    log = tmp_path / "up.log"
    up = start_localnet_up(state, log, port, "--gateway-port", str(port + 2))
    try:
        # Given the network is up with its gateway (it prints the page's URL and an API key)
        text = wait_until_up(up, log, 300)
        line = re.search(
            r"^gateway (http://127\.0\.0\.1:\d+) \(web page: verify .*API key (dfpn_\S+);", text, re.M
        )
        assert line is not None, text
        url, key = line.groups()
        announced = json.loads((state / "gateway.json").read_text())
        assert announced["url"] == url and announced["key"] == key
        page = httpx.get(url + "/", timeout=30)
        assert page.status_code == 200 and "/web/app.js" in page.text
        # When the demo runs (one embedded worker: the gateway part is what this test is about)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dfpn_localnet.cli",
                "demo",
                "--workers",
                "1",
                "--out",
                str(tmp_path / "a.png"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=tmp_path,
            env={**os.environ, "DFPN_GATEWAY_URL": url, "DFPN_GATEWAY_KEY": key},
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        # Then it prints the permalink page of its request on the gateway, and the verdict reached there
        found = re.search(rf"^permalink: {re.escape(url)}/r/(\w+)$", done.stdout, re.M)
        assert found is not None, done.stdout[-3000:]
        request_id = found.group(1)
        assert "verdict through the gateway: Manipulated" in done.stdout, done.stdout[-3000:]
        # And anyone can open it without a key: the page, and its data from the validator and IPFS
        permalink = httpx.get(f"{url}/r/{request_id}", timeout=30)
        assert permalink.status_code == 200 and "text/html" in permalink.headers["content-type"]
        view = httpx.get(f"{url}/v1/public/requests/{request_id}", timeout=60).json()
        assert view["status"] == "Finalized" and view["verdict"] == "Manipulated"
        assert view["storageUri"].startswith("ipfs://")
        seat = view["seats"][0]
        assert seat["modelId"] == "ai-metadata-rules" and seat["reportUri"].startswith("ipfs://")
        assert seat["report"]["status"] == "verified"
        assert any(d["type"].startswith("ai_metadata") for d in seat["report"]["content"]["detections"])
        # And how to check it without the gateway: this network's RPC URL, anyone's dfpn command
        verify = view["verify"]
        assert verify["shareable"] is True and verify["network"] == f"http://127.0.0.1:{port}"
        assert verify["cli"][0] == f"dfpn --network http://127.0.0.1:{port} status {request_id} --json"
        assert verify["cli"][1].startswith("ipfs cat ")
        media = httpx.get(f"{url}{view['mediaUrl']}", timeout=60)
        assert media.status_code == 200 and media.headers["content-type"] == "image/png"
        info = httpx.get(f"{url}/v1/public/info", timeout=30).json()
        assert info["explorer"].startswith("https://explorer.solana.com/tx/{signature}?cluster=custom")
    finally:
        # And Ctrl-C stops everything, the gateway with it
        up.send_signal(signal.SIGINT)
        assert up.wait(90) == 0, log.read_text()
        assert not (state / "gateway.json").exists()
