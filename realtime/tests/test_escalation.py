"""Escalation of an ALERT to the DFPN network: the real program in the embedded LiteSVM, scripted workers; directly
with the SDK and a wallet, or through a real dfpn-gateway (uvicorn on 127.0.0.1) with an API key."""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork, SubmittedRequest, Verdict
from dfpn.testing import Answer, ScriptedWorker, register_model, seated
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn_realtime import (
    ConfigError,
    DFPNEscalation,
    EscalationParams,
    FakeClock,
    GatewayEscalation,
    Monitor,
    MonitorConfig,
    VerificationEvent,
    make_escalation,
)

from conftest import free_port
from helpers import ScriptedBackend, feed_frames

MODEL = "face-forensics-sbi"


class WorkedClient(AsyncDFPNClient):
    """A client whose requests are picked up at once by scripted workers (join, commit, reveal)."""

    def __init__(self, network: LocalNetwork, workers: list[ScriptedWorker], answers: list[Answer]) -> None:
        super().__init__(network)
        self.workers, self.answers = workers, answers
        self.media_seen: list[bytes] = []

    async def submit_request(self, *args: Any, **kwargs: Any) -> SubmittedRequest:
        sub = await super().submit_request(*args, **kwargs)
        self.media_seen.append(await self.fetch_media(sub.id))  # the stored sample, checked against its hash
        request = Pubkey.from_string(sub.id)
        for w, a in zip(self.workers, self.answers, strict=True):
            await w.join(request)
            await w.commit(request, a)
        for w in self.workers:
            await w.reveal(request)
        return sub


@pytest.fixture
def network() -> LocalNetwork:
    return LocalNetwork()


@pytest.fixture
async def workers(network: LocalNetwork, tmp_path: Path) -> list[ScriptedWorker]:
    developer = network.funded_keypair(10 * LAMPORTS_PER_SOL)
    model = await register_model(network, developer, MODEL, payout_wallet=Keypair().pubkey())
    reports = tmp_path / "reports"
    reports.mkdir()
    return [
        await ScriptedWorker.register(network, network.funded_keypair(12 * LAMPORTS_PER_SOL), reports, model)
        for _ in range(3)
    ]


async def test_an_alert_is_escalated_and_verified_on_chain(
    network: LocalNetwork, workers: list[ScriptedWorker], tmp_path: Path
) -> None:
    # Given a monitor with escalation on the local network, whose workers all answer Manipulated 90
    manipulated = Verdict.MANIPULATED
    client = WorkedClient(
        network, workers, [Answer(manipulated, 90), Answer(manipulated, 85), Answer(manipulated, 80)]
    )
    samples = tmp_path / "escalated"
    params = EscalationParams(enabled=True, min_workers=3, sample_dir=str(samples), timeout=20)
    escalation = DFPNEscalation(params, client=client)
    clock = FakeClock()
    cfg = MonitorConfig.from_env({}, escalation=params)
    backend = ScriptedBackend(lambda s: 0.97)
    async with Monitor(cfg, backend=backend, escalation=escalation, clock=clock) as m:
        # When a participant's video reaches ALERT
        await feed_frames(m, clock, 12, participant="mallory")
        await m.drain()
        # Then the frame that tipped it was submitted once (not once per frame) and verified by the network
        verifications = [e for e in m.events if isinstance(e, VerificationEvent)]
        assert len(verifications) == 1 and len(escalation.submitted) == 1
        v = verifications[0]
        assert (v.status, v.verdict, v.confidence, v.consensus_type, v.worker_count) == (
            "verified",
            "Manipulated",
            85,
            "Unanimous",
            3,
        )
        assert v.participant_id == "mallory" and v.request_id == escalation.submitted[0]
        assert v.request_tx and v.finalize_tx
        # And the audit trail is on-chain: the request is finalized with that verdict
        info = await client.get_request(v.request_id)
        assert (info.status.value, info.verdict) == ("Finalized", manipulated)
        # And the escalated sample was the JPEG frame that raised the ALERT (the third analysed frame)
        assert client.media_seen == [backend.samples[2].data]
        assert v.model_dump(exclude_none=True)["type"] == "deepfake_verification"
    # And privacy: once the request was finished, the sample was deleted
    assert list(samples.iterdir()) == []
    await client.close()


async def test_escalation_that_gets_no_workers_reports_a_failure(
    network: LocalNetwork, tmp_path: Path
) -> None:
    # Given escalation on a network where no worker picks the request up within the timeout
    params = EscalationParams(enabled=True, timeout=0.3, sample_dir=str(tmp_path / "s"))
    async with AsyncDFPNClient(network) as client:
        escalation = DFPNEscalation(params, client=client)
        clock = FakeClock()
        async with Monitor(
            MonitorConfig.from_env({}, escalation=params),
            backend=ScriptedBackend(lambda s: 0.97),
            escalation=escalation,
            clock=clock,
        ) as m:
            await feed_frames(m, clock, 12)
            await m.drain()
            # Then a "failed" verification event says why, and the ALERT itself was still sent
            (v,) = [e for e in m.events if isinstance(e, VerificationEvent)]
            assert (v.status, v.error_code) == ("failed", "TIMEOUT")
            assert v.request_id == escalation.submitted[0]
            assert [getattr(e, "level", None) for e in m.events][:2] == ["suspicious", "alert"]


async def test_escalation_to_a_real_network_needs_a_wallet() -> None:
    # Given escalation to devnet without a wallet, When the monitor starts, Then a clear error
    cfg = MonitorConfig.from_env({"DFPN_RT_ESCALATE": "1", "DFPN_RT_NETWORK": "devnet"})
    with pytest.raises(ConfigError, match="DFPN_RT_WALLET"):
        await Monitor(cfg, backend=ScriptedBackend()).start()


async def test_a_bad_wallet_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "wallet.json"
    bad.write_text("not a keypair")
    cfg = MonitorConfig.from_env(
        {
            "DFPN_RT_ESCALATE": "1",
            "DFPN_RT_NETWORK": "devnet",
            "DFPN_RT_WALLET": str(bad),
            "DFPN_RT_STORAGE": "ipfs",
        }
    )
    with pytest.raises(ConfigError, match="keypair"):
        await Monitor(cfg, backend=ScriptedBackend()).start()


# ---- through a DFPN gateway, with an API key -------------------------------------------------------------------

pytest.importorskip("dfpn_gateway")


class PutStorage:
    """The user's own storage: an HTTP server on 127.0.0.1 that keeps what is PUT to it (and serves it back)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        store = self.objects

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                store[self.path] = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/media"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Gateway:
    url: str
    key: str
    media_dir: Path
    sdk: AsyncDFPNClient
    workers: list[ScriptedWorker]


@pytest.fixture
async def gateway(
    network: LocalNetwork, workers: list[ScriptedWorker], tmp_path: Path
) -> AsyncIterator[Gateway]:
    """dfpn-gateway on the embedded network, served by uvicorn on 127.0.0.1, and an API key made with its CLI."""
    import uvicorn
    from dfpn_gateway.app import create_app
    from dfpn_gateway.config import Settings

    db, media = tmp_path / "gateway.db", tmp_path / "gateway-media"
    env = {**os.environ, "DFPN_GATEWAY_KEY_PEPPER": "rt-test-pepper-0123456789"}
    created = subprocess.run(
        [str(Path(sys.executable).parent / "dfpn-gateway"), "--db", str(db), "keys", "create", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = json.loads(created.stdout)["key"]
    settings = Settings(
        network="local",
        db_path=db,
        media_dir=media,
        key_pepper="rt-test-pepper-0123456789",
        poll_interval=0.02,
    )
    async with AsyncDFPNClient(
        network, network.funded_keypair(100 * LAMPORTS_PER_SOL), poll_interval=0.02
    ) as sdk:
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings, sdk), host="127.0.0.1", port=port, log_level="warning")
        )
        serving = asyncio.create_task(server.serve())
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.02)
        try:
            yield Gateway(f"http://127.0.0.1:{port}", key, media, sdk, workers)
        finally:
            server.should_exit = True
            await serving


async def work_on_escalations(escalation: GatewayEscalation, gw: Gateway, answers: list[Answer]) -> None:
    """The network's side: each request the escalation submits is taken by the drawn workers, who commit and
    reveal `answers` (what real worker nodes do, scripted)."""
    done: set[str] = set()
    while True:
        for request_id in [r for r in escalation.submitted if r not in done]:
            done.add(request_id)
            request = Pubkey.from_string(request_id)
            seats = await seated(gw.workers[0].transport, request, gw.workers)
            for w, a in zip(seats, answers, strict=True):
                await w.join(request)
                await w.commit(request, a)
            for w in seats:
                await w.reveal(request)
        await asyncio.sleep(0.05)


async def run_alert(
    cfg: MonitorConfig, gw: Gateway, *, session: aiohttp.ClientSession | None = None
) -> Monitor:
    """A participant's video reaches ALERT under `cfg`; the escalation (if any) is followed to its end."""
    escalation = make_escalation(cfg.escalation, session=session) if cfg.escalation.enabled else None
    clock = FakeClock()
    m = Monitor(cfg, backend=ScriptedBackend(lambda s: 0.97), escalation=escalation, clock=clock)
    worker_task = None
    if isinstance(escalation, GatewayEscalation):
        escalation.poll_interval = 0.05
        answers = [
            Answer(Verdict.MANIPULATED, 90),
            Answer(Verdict.MANIPULATED, 85),
            Answer(Verdict.MANIPULATED, 80),
        ]
        worker_task = asyncio.create_task(work_on_escalations(escalation, gw, answers))
    try:
        async with m:
            await feed_frames(m, clock, 12, participant="mallory")
            await m.drain(60)
    finally:
        if worker_task is not None:
            worker_task.cancel()
    return m


def gateway_config(gw: Gateway, **escalation: Any) -> MonitorConfig:
    env = {"DFPN_API_KEY": gw.key, "DFPN_API_URL": gw.url}
    return MonitorConfig.from_env(env, escalation={"timeout": 30, **escalation})


async def test_an_alert_is_verified_through_the_gateway_with_an_api_key(gateway: Gateway) -> None:
    # Given escalation through the gateway with its API key, the sample uploaded to the gateway's storage
    cfg = gateway_config(gateway, enabled=True, storage="gateway")
    async with aiohttp.ClientSession() as session:
        m = await run_alert(cfg, gateway, session=session)
        assert not session.closed  # a given session is the caller's: left open
    # Then the network's verdict came back as a verified event, with its audit trail and where the sample went
    (v,) = [e for e in m.events if isinstance(e, VerificationEvent)]
    assert (v.status, v.verdict, v.consensus_type, v.worker_count) == (
        "verified",
        "Manipulated",
        "Unanimous",
        3,
    )
    assert v.request_tx and v.finalize_tx and v.participant_id == "mallory"
    info = await gateway.sdk.get_request(v.request_id or "")
    assert info.status.value == "Finalized"
    # And the sample is in the gateway's storage (the storage chosen: "gateway"), paid by the gateway's wallet
    assert v.storage_uri and v.storage_uri.startswith("file://") and str(gateway.media_dir) in v.storage_uri
    assert info.client == str(gateway.sdk.wallet.pubkey())


async def test_with_the_users_storage_the_gateway_gets_only_the_uri_and_hash(gateway: Gateway) -> None:
    # Given escalation through the gateway, with the user's own storage (an HTTP PUT server)
    storage = PutStorage()
    try:
        cfg = gateway_config(gateway, enabled=True, storage=storage.url)
        m = await run_alert(cfg, gateway)
    finally:
        storage.close()
    (v,) = [e for e in m.events if isinstance(e, VerificationEvent)]
    assert v.status == "verified", v.message
    # Then the sample went to the user's storage only: one JPEG there, nothing in the gateway's media directory
    ((path, data),) = storage.objects.items()
    assert data[:3] == b"\xff\xd8\xff" and v.storage_uri == storage.url.rsplit("/", 1)[0] + path
    assert not gateway.media_dir.exists() or list(gateway.media_dir.rglob("*.jpg")) == []
    # And the request on-chain names that URI and the sample's SHA-256
    info = await gateway.sdk.get_request(v.request_id or "")
    assert info.storage_uri == v.storage_uri and info.content_hash == hashlib.sha256(data).hexdigest()


async def test_with_an_api_key_but_escalation_off_nothing_leaves(gateway: Gateway) -> None:
    # Given an API key and the user's storage, but escalation not enabled (the default)
    storage = PutStorage()
    try:
        cfg = gateway_config(gateway, storage=storage.url)
        m = await run_alert(cfg, gateway)
    finally:
        storage.close()
    # Then the ALERT is raised locally, and no sample is uploaded nor any request made
    # (control: the same with enabled=True uploads one, test_with_the_users_storage_...)
    assert [getattr(e, "level", None) for e in m.events] == ["suspicious", "alert"]
    assert storage.objects == {} and m.escalation is None


async def test_escalation_needs_the_storage_chosen(gateway: Gateway) -> None:
    # Given escalation through the gateway with no storage chosen, Then it does not start, and says how to choose
    cfg = gateway_config(gateway, enabled=True)
    with pytest.raises(ConfigError, match="DFPN_RT_STORAGE"):
        await Monitor(cfg, backend=ScriptedBackend()).start()
    # And without the gateway's URL, it names DFPN_API_URL (control for both: the verified tests above)
    cfg = MonitorConfig.from_env(
        {"DFPN_API_KEY": gateway.key}, escalation={"enabled": True, "storage": "gateway"}
    )
    with pytest.raises(ConfigError, match="DFPN_API_URL"):
        await Monitor(cfg, backend=ScriptedBackend()).start()


async def test_a_refused_api_key_is_a_failed_verification(gateway: Gateway) -> None:
    # Given a well-formed key the gateway does not know, When an ALERT is escalated
    cfg = MonitorConfig.from_env(
        {"DFPN_API_KEY": "dfpn_000000000000_unknown", "DFPN_API_URL": gateway.url},
        escalation={"enabled": True, "storage": "gateway", "timeout": 10},
    )
    m = await run_alert(cfg, gateway)
    # Then a failed verification event carries the gateway's error code (control: the verified test above)
    (v,) = [e for e in m.events if isinstance(e, VerificationEvent)]
    assert (v.status, v.error_code, v.request_id) == ("failed", "INVALID_API_KEY", None)


async def test_no_frame_is_stored_by_default(
    network: LocalNetwork, workers: list[ScriptedWorker], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a monitor with the default settings, its working and temporary directories empty folders of the test
    import tempfile

    work, temp = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    clock = FakeClock()
    # When a call is monitored until ALERT
    async with Monitor(MonitorConfig.from_env({}), backend=ScriptedBackend(lambda s: 0.97), clock=clock) as m:
        await feed_frames(m, clock, 12, participant="mallory")
        await m.drain()
        assert m.level("mallory", "camera").value == "alert"
    # Then nothing was written anywhere there
    assert list(work.iterdir()) == [] and list(temp.iterdir()) == []
    # Control: with escalation (opted in) the escalated sample is written there (kept here to be seen)
    answers = [Answer(Verdict.MANIPULATED, 90)] * 3
    client = WorkedClient(network, workers, answers)
    params = EscalationParams(enabled=True, timeout=20)
    escalation = DFPNEscalation(params, client=client, keep_samples=True)
    cfg = MonitorConfig.from_env({}, escalation=params)
    async with Monitor(cfg, backend=ScriptedBackend(lambda s: 0.97), escalation=escalation, clock=clock) as m:
        await feed_frames(m, clock, 12, participant="mallory")
        await m.drain()
    assert [p.suffix for p in temp.rglob("*") if p.is_file()] == [".jpg"]
    await client.close()
