"""The REST gateway and its web page on the local network: `dfpn-localnet up` starts `dfpn-gateway serve` against
its validator (its own funded wallet, uploads pinned to the local Kubo), creates an API key and writes both to
``<state-dir>/gateway.json``; `dfpn-localnet demo` finds it there (or through ``DFPN_GATEWAY_URL`` and
``DFPN_GATEWAY_KEY``) and verifies its media through it too, printing the request's permalink page.

The gateway is a separate package (`dfpn-gateway`): it is run as a command, never imported, and `up` goes on
without it when it is not installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

#: The gateway's port when it is free (else any free port).
DEFAULT_PORT = 8080
#: Seconds the demo waits for the verdict of its request through the gateway.
DEMO_TIMEOUT = 300.0


def gateway_command() -> str | None:
    """The `dfpn-gateway` executable beside this Python, or on PATH; None when it is not installed."""
    beside = Path(sys.executable).parent / "dfpn-gateway"
    if beside.is_file():
        return str(beside)
    return shutil.which("dfpn-gateway")


def pick_port(wanted: int = DEFAULT_PORT) -> int:
    """`wanted` when nothing listens on it on 127.0.0.1, else a free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            pass
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class GatewayProcess:
    """A running `dfpn-gateway serve`: its URL, an API key for it, its log, the file that announces it."""

    url: str
    key: str
    process: subprocess.Popen[bytes]
    log: Path
    announced: Path

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.announced.unlink()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def launch_gateway(
    rpc_url: str, state_dir: Path, *, wallet: Path, ipfs_api: str, port: int = DEFAULT_PORT
) -> GatewayProcess | None:
    """Start the gateway on `rpc_url` paying from `wallet`, pinning to `ipfs_api`; None when `dfpn-gateway` is not
    installed. Waits until it answers `/v1/health`."""
    command = gateway_command()
    if command is None:
        return None
    folder = state_dir / "gateway"
    folder.mkdir(parents=True, exist_ok=True)
    db = ["--db", str(folder / "gateway.db")]
    created = subprocess.run(
        [command, *db, "keys", "create", "--name", "localnet", "--rate", "600/min", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    key = str(json.loads(created.stdout)["key"])
    port = pick_port(port)
    url = f"http://127.0.0.1:{port}"
    log = folder / "gateway.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                command,
                *db,
                "serve",
                "--network",
                rpc_url,
                "--wallet",
                str(wallet),
                "--storage",
                "ipfs",
                "--ipfs-api-url",
                ipfs_api,
                "--port",
                str(port),
                "--media-dir",
                str(folder / "media"),
                "--log-level",
                "warning",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    gateway = GatewayProcess(url, key, process, log, state_dir / "gateway.json")
    give_up = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"dfpn-gateway exited ({process.returncode}); log:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                break
        if time.monotonic() > give_up:
            gateway.stop()
            raise RuntimeError(f"dfpn-gateway did not answer within 120 s; log:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    gateway.announced.write_text(json.dumps({"url": url, "key": key, "pid": process.pid}))
    gateway.announced.chmod(0o600)
    return gateway


def running_gateway(state_dir: Path = Path(".localnet")) -> tuple[str, str] | None:
    """The URL and API key of a gateway that answers now: ``DFPN_GATEWAY_URL`` and ``DFPN_GATEWAY_KEY``, else the
    one `dfpn-localnet up` announced in ``<state-dir>/gateway.json``; None when there is none."""
    url, key = os.environ.get("DFPN_GATEWAY_URL"), os.environ.get("DFPN_GATEWAY_KEY")
    if not (url and key):
        try:
            announced: dict[str, Any] = json.loads((state_dir / "gateway.json").read_text())
            url, key = str(announced["url"]), str(announced["key"])
        except (OSError, ValueError, KeyError):
            return None
    try:
        if httpx.get(f"{url.rstrip('/')}/v1/health", timeout=3).status_code != 200:
            return None
    except httpx.HTTPError:
        return None
    return url.rstrip("/"), key


def fit_to_workers(wanted: list[str], workers: list[set[str]]) -> tuple[list[str], int]:
    """The modalities to ask for and the workers to ask: of `wanted`, those some worker of the network analyses
    (a request draws only workers that declared every one of its modalities), narrowed further when no worker
    covers them all; at most 3 workers, at least 1."""
    asked = [m for m in wanted if any(m in w for w in workers)] or wanted
    if not any(set(asked) <= w for w in workers):
        asked = [max(asked, key=lambda m: sum(m in w for w in workers))]
    return asked, max(1, min(3, sum(set(asked) <= w for w in workers)))


def verify_through_gateway(
    url: str, key: str, media: Path, modalities: list[str], out: TextIO, *, timeout: float = DEMO_TIMEOUT
) -> str | None:
    """Submit `media` to the gateway, print its permalink page at once (it follows the request live), then the
    verdict when it is final; returns the request id (None when the gateway refused it, with the reason printed)."""
    workers = httpx.get(f"{url}/v1/public/network", timeout=60).json().get("workers", [])
    modalities, seats = fit_to_workers(modalities, [set(w.get("modalities", [])) for w in workers])
    out.write(f"asking for {', '.join(modalities)} from {seats} of its {len(workers)} workers\n")
    with media.open("rb") as f:
        answer = httpx.post(
            f"{url}/v1/requests",
            headers={"Authorization": f"Bearer {key}"},
            data={"modalities": ",".join(modalities), "min_workers": str(seats)},
            files={"file": (media.name, f)},
            timeout=120,
        )
    if answer.status_code != 202:
        out.write(f"gateway {url} refused the media: {answer.status_code} {answer.text[:300]}\n")
        return None
    request_id = str(answer.json()["id"])
    out.write(f"permalink: {url}/r/{request_id}\n")
    out.flush()
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        view = httpx.get(f"{url}/v1/public/requests/{request_id}", timeout=30).json()
        if view.get("status") == "Finalized":
            out.write(
                f"verdict through the gateway: {view['verdict']} {view['confidence']} "
                f"({view['band']['label']}), consensus {view['consensusType']}\n"
            )
            return request_id
        if view.get("status") == "Expired":
            out.write("the gateway's request expired: no worker of that network answered in time\n")
            return request_id
        time.sleep(1.0)
    out.write(f"the gateway's request is still open after {timeout:g} s; the permalink page follows it\n")
    return request_id


__all__ = [
    "DEFAULT_PORT",
    "GatewayProcess",
    "fit_to_workers",
    "gateway_command",
    "launch_gateway",
    "pick_port",
    "running_gateway",
    "verify_through_gateway",
]
