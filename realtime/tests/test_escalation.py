"""Escalation of an ALERT to the DFPN network: the real program in the embedded LiteSVM, scripted workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork, SubmittedRequest, Verdict
from dfpn.testing import Answer, ScriptedWorker, register_model
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn_realtime import (
    ConfigError,
    DFPNEscalation,
    EscalationParams,
    FakeClock,
    Monitor,
    MonitorConfig,
    VerificationEvent,
)

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
