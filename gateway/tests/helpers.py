"""Test helpers: media samples, a webhook receiver that checks signatures, scripted workers on the local network,
the gateway app run with its lifespan, a real Kubo daemon."""

from __future__ import annotations

import asyncio
import http.server
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork, Verdict
from dfpn.testing import Answer, ScriptedWorker, register_model, seated
from dfpn_gateway import store as st
from dfpn_gateway.app import create_app
from dfpn_gateway.config import Settings
from dfpn_gateway.store import ApiKey, Store, parse_rate
from dfpn_gateway.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, verify

REPO = Path(__file__).resolve().parents[2]
MODEL = "face-forensics-sbi"
PEPPER = "test-pepper-0123456789"

# ---- media samples (only the first bytes matter to the sniffer) -------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(500)
GIF = b"GIF89a" + bytes(100)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(100)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100)
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(100)
FLAC = b"fLaC\x00\x00\x00\x22" + bytes(100)
OGG = b"OggS\x00\x02" + bytes(100)
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2mp41" + bytes(100)
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(100)
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + bytes(100)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
MKV = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x88matroska"


@dataclass(frozen=True)
class Database:
    """The database a test runs on: SQLite (the file at the settings' `db_path`) or a fresh PostgreSQL database on
    the session's throwaway server (`url`)."""

    backend: str
    url: str | None = None

    @property
    def settings(self) -> dict[str, Any]:
        """The `Settings` fields that select it."""
        return {"database_url": self.url} if self.url else {}

    @property
    def env(self) -> dict[str, str]:
        """The same for a gateway process (`hostile.gateway_env`)."""
        return {"database_url": self.url} if self.url else {}


SQLITE = Database("sqlite")
#: For tests about something other than the state (media, networks, sockets): run on SQLite only.
sqlite_only = pytest.mark.sqlite_only


@dataclass(frozen=True)
class Key:
    key: str
    record: ApiKey

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def new_key(store: Store, *, quota: int | None = None, rate: str = "1000/sec", name: str = "test") -> Key:
    record, key = store.create_key(name, quota=quota, rate=parse_rate(rate))
    return Key(key, record)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_settings(tmp: Path, db: Database = SQLITE, **overrides: Any) -> Settings:
    """Settings of a test gateway on the local network with its state under `tmp` (or in `db`'s database)."""
    values: dict[str, Any] = {
        **db.settings,
        "network": "local",
        "db_path": tmp / "gateway.db",
        "media_dir": tmp / "media",
        "key_pepper": PEPPER,
        "poll_interval": 0.02,
        "webhook_require_https": False,
        "webhook_allow_private": True,
        "webhook_base_delay": 0.05,
        "webhook_max_delay": 0.2,
        "webhook_timeout": 5.0,
    }
    values.update(overrides)
    return Settings(**values)


def open_store(settings: Settings, pepper: bytes = PEPPER.encode()) -> Store:
    """Another connection to the database of `settings` (as `dfpn-gateway keys ...` would open)."""
    url = settings.database_url.get_secret_value() if settings.database_url is not None else None
    return st.open_store(url, settings.db_path, pepper, migrate=settings.db_auto_migrate)


@asynccontextmanager
async def running(
    settings: Settings, client: AsyncDFPNClient | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app with its lifespan running, and an HTTP client talking to it over ASGI."""
    app = create_app(settings, client)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
    ):
        http.app = app  # type: ignore[attr-defined]
        yield http


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def eventually(check: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    """Poll `check` (sync or async) until it returns a truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


async def webhook_delivered(http: httpx.AsyncClient, request_id: str, headers: dict[str, str]) -> bool:
    """Whether the gateway reports the request's webhook delivered. A receiver counts a delivery before it answers
    and the gateway records it a moment later, so a test waits for this before it checks that nothing follows."""
    view = (await http.get(f"/v1/requests/{request_id}", headers=headers)).json()
    return bool(view["webhook"]["state"] == "delivered")


# ---- workers ----------------------------------------------------------------------------------------------------


async def register_workers(network: LocalNetwork, reports: Path, n: int = 3) -> list[ScriptedWorker]:
    """A registered model and `n` staked ScriptedWorkers supporting every modality."""
    developer = network.funded_keypair(10 * LAMPORTS_PER_SOL)
    model = await register_model(network, developer, MODEL, payout_wallet=Keypair().pubkey())
    reports.mkdir(parents=True, exist_ok=True)
    return [
        await ScriptedWorker.register(network, network.funded_keypair(12 * LAMPORTS_PER_SOL), reports, model)
        for _ in range(n)
    ]


async def analyse(workers: list[ScriptedWorker], request_id: str, answers: list[Answer]) -> None:
    """Every worker accepts the seat the draw gave it and commits its answer, then every one reveals. The answers go
    to the seats in seat order (the draw's): the first answer is the first seat's."""
    request = Pubkey.from_string(request_id)
    workers = await seated(workers[0].transport, request, workers)
    for w, a in zip(workers, answers, strict=True):
        await w.join(request)
        await w.commit(request, a)
    for w in workers:
        await w.reveal(request)


M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE_SWAP = {"type": "face_swap", "region": {"x": 10, "y": 20, "w": 64, "h": 48}, "confidence": 0.93}
MAJORITY = [Answer(M, 90, (FACE_SWAP,)), Answer(M, 80), Answer(A, 70)]


# ---- webhook receiver -------------------------------------------------------------------------------------------


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records webhook deliveries and checks their signatures."""

    secret: str = ""
    fail_first: int = 0
    status: int = 200
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    url: str = ""

    def valid(self) -> list[dict[str, Any]]:
        return [d for d in self.deliveries if d["valid"]]


@contextmanager
def webhook_receiver(secret: str = "", fail_first: int = 0) -> Iterator[Receiver]:
    receiver = Receiver(secret=secret, fail_first=fail_first)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                receiver.attempts += 1
                failing = receiver.attempts <= receiver.fail_first
                if not failing:
                    receiver.deliveries.append(
                        {
                            "body": body,
                            "json": json.loads(body),
                            "signature": self.headers.get(SIGNATURE_HEADER, ""),
                            "delivery": self.headers.get(DELIVERY_HEADER, ""),
                            "event": self.headers.get(EVENT_HEADER, ""),
                            "valid": verify(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), body),
                        }
                    )
            self.send_response(500 if failing else receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/dfpn"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
