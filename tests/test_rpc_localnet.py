"""The Python SDK over JSON-RPC and websockets against a real `solana-test-validator` running dfpn.so.

Same client code as on devnet: `AsyncDFPNClient(network=<RPC URL>, wallet=...)`.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dfpn import AsyncDFPNClient, Challenge, DFPNError, ErrorCode, Modality, Verdict, protocol
from dfpn import instructions as ix
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated.types import Request, Worker
from dfpn.pda import random_request_nonce, request_address, worker_address
from dfpn.rpc import RpcTransport
from dfpn.storage import IPFSStorage
from dfpn.testing import Answer, ScriptedWorker, seated
from dfpn_localnet import Kubo
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solana.rpc.jsonrpc import JsonRpcRequest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from conftest import Endpoint

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE = [Modality.FACE_MANIPULATION]


@pytest.fixture
def media(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64 + str(time.time_ns()).encode())
    return path


async def funded(rpc: RpcTransport, sol: int = 2) -> Keypair:
    kp = Keypair()
    await rpc.airdrop(kp.pubkey(), sol * LAMPORTS_PER_SOL)
    return kp


async def decode_worker(rpc: RpcTransport, authority: Pubkey) -> Worker:
    account = await rpc.get_account(worker_address(authority))
    assert account is not None
    return Worker.from_account_data(account.data)


#: What the scripted workers here serve: every modality but AiGeneratedImage, the one test_network_e2e.py's worker
#: processes serve, so neither module's requests ever draw the other's workers.
SCRIPTED_MODALITIES = [m for m in Modality if m is not Modality.AI_GENERATED_IMAGE]


@pytest.fixture
async def retired(validator: Endpoint) -> AsyncIterator[list[ScriptedWorker]]:
    """Scripted workers a test created (`worker`): afterwards they unstake everything (unbonding workers are never
    drawn), so the next test's requests draw only its own workers from the session's validator."""
    created: list[ScriptedWorker] = []
    yield created
    async with RpcTransport(validator.url) as rpc:
        for w in created:
            stake = (await decode_worker(rpc, w.pubkey)).stake
            try:
                await rpc.send_transaction(
                    [ix.request_unstake(authority=w.pubkey, amount=stake)], [w.keypair]
                )
            except DFPNError as e:  # a seat still held (a failed test): it stays drawable
                warnings.warn(f"worker {w.pubkey} not retired: {e}", stacklevel=1)


async def seat_all(
    client: AsyncDFPNClient, request: Pubkey, workers: list[ScriptedWorker]
) -> list[ScriptedWorker]:
    """`workers` as the request's seats hold them (seat order), once the draw seated all of them: the client drew at
    submission, but the session's pool holds every earlier test's (retired) workers too, so a batch of candidates
    may miss one; draw again until none is missing."""
    for _ in range(6):
        found = await seated(client.transport, request, workers)
        if len(found) == len(workers):
            return found
        await client.draw_seats(request)
    raise AssertionError(f"the draw did not seat {len(workers)} workers in {request}")


async def worker(
    rpc: RpcTransport, reports: Path, model: Pubkey, retired: list[ScriptedWorker]
) -> ScriptedWorker:
    """A funded scripted worker declaring the test model (by its address), retired after the test."""
    w = await ScriptedWorker.register(
        rpc, await funded(rpc, 3), reports, model, modalities=SCRIPTED_MODALITIES
    )
    retired.append(w)
    return w


async def test_given_a_validator_when_a_request_is_submitted_then_the_fee_is_the_estimate(
    validator: Endpoint, kubo: Kubo, media: Path
) -> None:
    async with RpcTransport(validator.url) as rpc:
        wallet = await funded(rpc)
        async with AsyncDFPNClient(rpc, wallet, storage=IPFSStorage(kubo.api_url)) as client:
            # Given the fee the SDK estimates from the on-chain config
            modalities = [Modality.FACE_MANIPULATION, Modality.IMAGE_AUTHENTICITY]
            estimate = await client.estimate_fee_lamports(modalities, 4)
            # When a request is sent over JSON-RPC with max_fee above it
            sub = await client.submit_request(
                media, modalities=modalities, min_workers=4, max_fee=0.05, deadline_seconds=120
            )
            # Then the program recorded exactly that fee, escrowed max_fee, and the request is listed
            info = await client.get_request(sub.id)
            assert info.fee_lamports == estimate == sub.fee_lamports
            assert info.escrow_lamports == int(0.05 * LAMPORTS_PER_SOL)
            listed = await rpc.program_accounts(Request.DISCRIMINATOR)
            assert Pubkey.from_string(sub.id) in {a.address for a in listed}
            record = await rpc.get_transaction(sub.signature)
            assert record is not None and record.fee == 5_000 and record.compute_units > 0
        # And a client without a wallet reads the same request and configuration (read-only use)
        async with AsyncDFPNClient(validator.url) as reader:
            assert reader.read_only
            assert (await reader.get_request(sub.id)).fee_lamports == estimate
            assert (await reader.get_config()).params == (await client.get_config()).params
            # but refuses, before sending anything, what would need a signature
            with pytest.raises(DFPNError) as err:
                await reader.finalize(sub.id)
            assert err.value.code is ErrorCode.WALLET_REQUIRED


class CountingClient(AsyncClient):
    """A solana-py AsyncClient of the caller's that notes each JSON-RPC method sent through it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods: list[str] = []

    async def send_rpc_request(self, request: JsonRpcRequest, result_type: Any, **kwargs: Any) -> Any:
        self.methods.append(request.method)
        return await super().send_rpc_request(request, result_type, **kwargs)


async def test_a_callers_solana_py_client_carries_the_sdk_over_a_validator(
    validator: Endpoint, kubo: Kubo, media: Path
) -> None:
    # Given a solana-py AsyncClient of the caller's
    async with CountingClient(validator.url, timeout=15.0) as solana_client:
        rpc = RpcTransport(solana_client)
        wallet = await funded(rpc)
        # When the SDK is given it as its network and submits a request, which it then follows
        async with AsyncDFPNClient(solana_client, wallet, storage=IPFSStorage(kubo.api_url)) as client:
            assert isinstance(client.transport, RpcTransport) and client.transport.client is solana_client
            sub = await client.submit_request(
                media, modalities=FACE, min_workers=1, deadline_seconds=90, draw=False
            )
            info = await client.get_request(sub.id)
            # and a change of an account (the wallet's balance) wakes its subscription (solana-py's SolanaWsClient)
            await client.transport.wait_for_change(wallet.pubkey(), 1.0)  # subscribes
            # (up to three airdrops: on a loaded machine the subscription may not be live yet for the first)
            for _ in range(3):
                started = time.monotonic()
                airdrop = asyncio.create_task(rpc.airdrop(wallet.pubkey(), LAMPORTS_PER_SOL))
                await client.transport.wait_for_change(wallet.pubkey(), 15.0)
                woke = time.monotonic() - started
                await airdrop
                if woke < 12:
                    break
        # Then every call went through that client: airdrop, blockhash, send, confirmation, reads
        request = Pubkey.from_string(sub.id)
        assert info.fee_lamports == sub.fee_lamports and woke < 12
        for method in ("requestAirdrop", "getLatestBlockhash", "sendTransaction", "getSignatureStatuses"):
            assert method in solana_client.methods, (method, solana_client.methods)
        assert "getAccountInfo" in solana_client.methods
        # and the client is still the caller's: open after the SDK closed, it reads the request
        account = (await solana_client.get_account_info(request, Confirmed)).value
        assert account is not None and account.owner == rpc.program_id
        await rpc.close()


async def test_given_three_workers_over_rpc_then_the_client_gets_the_verdict(
    validator: Endpoint, kubo: Kubo, media: Path, tmp_path: Path, retired: list[ScriptedWorker]
) -> None:
    async with RpcTransport(validator.url) as rpc:
        wallet = await funded(rpc)
        pool = await asyncio.gather(*(worker(rpc, tmp_path, validator.model, retired) for _ in range(3)))
        async with AsyncDFPNClient(
            rpc, wallet, storage=IPFSStorage(kubo.api_url), poll_interval=1.0
        ) as client:
            # Given a request for three workers, whose seats the client drew at submission: the three workers of the
            # pool (the earlier tests' workers are retired)
            sub = await client.submit_request(media, modalities=FACE, min_workers=3, deadline_seconds=90)
            request = Pubkey.from_string(sub.id)
            workers = await seat_all(client, request, list(pool))
            waiting = asyncio.create_task(client.wait_for_result(sub.id, timeout=120))
            # When the workers accept, commit (M 90 with a detection, M 80, A 70) and reveal
            detection = {"type": "face_swap", "region": {"x": 1, "y": 2, "w": 3, "h": 4}, "confidence": 0.9}
            answers = [Answer(M, 90, (detection,)), Answer(M, 80), Answer(A, 70)]
            for w in workers:
                await w.join(request)
            await asyncio.gather(*(w.commit(request, a) for w, a in zip(workers, answers, strict=True)))
            await asyncio.gather(*(w.reveal(request) for w in workers))
            # Then the waiting client (woken by its account subscription) finalizes and assembles the result
            result = await waiting
    assert (result.verdict, result.confidence, result.consensus_type.value) == (M, 56, "Majority")
    assert [r.worker for r in result.worker_results] == [str(w.pubkey) for w in workers]
    assert all(r.report_verified for r in result.worker_results)
    assert result.worker_results[0].detections[0].type == "face_swap"
    assert result.audit.request_tx == sub.signature and result.audit.finalize_tx
    assert (result.audit.worker_count, result.audit.commit_count, result.audit.reveal_count) == (3, 3, 3)


async def test_program_errors_come_back_with_their_codes_over_rpc(
    validator: Endpoint, kubo: Kubo, media: Path
) -> None:
    async with RpcTransport(validator.url) as rpc:
        wallet = await funded(rpc)
        async with AsyncDFPNClient(rpc, wallet, storage=IPFSStorage(kubo.api_url)) as client:
            # A deadline under the configured minimum (60 s) is refused by the program
            with pytest.raises(DFPNError) as short:
                await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=10)
            assert short.value.code is ErrorCode.DEADLINE_TOO_SHORT and short.value.logs
            # A max fee under the fee
            with pytest.raises(DFPNError) as low:
                await client.submit_request(media, modalities=FACE, min_workers=3, max_fee=0.000001)
            assert low.value.code is ErrorCode.MAX_FEE_TOO_LOW
        # A wallet that cannot pay
        poor = Keypair()
        await rpc.airdrop(poor.pubkey(), 3_000_000)
        async with AsyncDFPNClient(rpc, poor, storage=IPFSStorage(kubo.api_url)) as client:
            with pytest.raises(DFPNError) as funds:
                await client.submit_request(media, modalities=FACE, min_workers=3, max_fee=1)
            assert funds.value.code is ErrorCode.INSUFFICIENT_FUNDS
            # And nothing changed: the balance is what it was
            assert await rpc.get_balance(poor.pubkey()) == 3_000_000


async def test_an_account_subscription_reports_a_change_before_the_poll_interval(
    validator: Endpoint, kubo: Kubo, media: Path, tmp_path: Path, retired: list[ScriptedWorker]
) -> None:
    async with RpcTransport(validator.url) as rpc:
        wallet = await funded(rpc)
        joiner = await worker(rpc, tmp_path, validator.model, retired)
        async with AsyncDFPNClient(rpc, wallet, storage=IPFSStorage(kubo.api_url)) as client:
            sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=90)
            request = Pubkey.from_string(sub.id)
            await seat_all(client, request, [joiner])
            # opens the subscription (2 s: time for a loaded machine to confirm it)
            await rpc.wait_for_change(request, 2.0)
            # When the worker drawn into its seat accepts it while the client waits with a 30 s poll interval
            started = time.monotonic()
            joining = asyncio.create_task(joiner.join(request))
            await rpc.wait_for_change(request, 30)
            # Then the notification arrives long before the interval
            assert time.monotonic() - started < 10
            await joining
            seats = (await client.get_request(sub.id)).seats
            assert [(s.worker, s.state.value) for s in seats] == [(str(joiner.pubkey), "Joined")]
            # (it gives the seat back, so that it can be retired: a worker holding a seat cannot unstake)
            await joiner.leave(request)


def test_the_cli_reads_the_config_over_rpc(validator: Endpoint, tmp_path: Path) -> None:
    keypair = tmp_path / "id.json"
    keypair.write_text(json.dumps(list(bytes(Keypair()))))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dfpn.cli",
            "estimate-fee",
            "--modality",
            "face",
            "--network",
            validator.url,
            "--keypair",
            str(keypair),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["feeLamports"] == 4_500_000


async def test_a_known_answer_challenge_over_rpc_pays_the_label_and_slashes_the_consensus(
    validator: Endpoint, kubo: Kubo, media: Path, tmp_path: Path, retired: list[ScriptedWorker]
) -> None:
    async with RpcTransport(validator.url) as rpc:
        # Given a client the configuration authority registered as a challenger
        authority = validator.authority
        async with AsyncDFPNClient(rpc, authority) as reader:
            config = await reader.get_config()
        if config.authority != authority.pubkey():
            pytest.skip("the validator's configuration authority is not a key these tests hold")
        wallet = await funded(rpc)
        await rpc.send_transaction(
            [ix.register_challenger(authority=authority.pubkey(), challenger=wallet.pubkey())], [authority]
        )
        workers = await asyncio.gather(*(worker(rpc, tmp_path, validator.model, retired) for _ in range(3)))
        stakes = [(await decode_worker(rpc, w.pubkey)).stake for w in workers]
        async with AsyncDFPNClient(
            rpc, wallet, storage=IPFSStorage(kubo.api_url), poll_interval=1.0
        ) as client:
            # When it submits media it knows is Authentic, its attestation committing to that label
            challenge = Challenge(A)
            nonce = random_request_nonce(wallet.pubkey())
            request = request_address(wallet.pubkey(), nonce)
            sub = await client.submit_request(
                media,
                modalities=FACE,
                min_workers=3,
                deadline_seconds=90,
                nonce=nonce,
                attestation=challenge.attestation(request),
            )
            # And two workers answer Manipulated, one Authentic (the three of the pool, drawn at submission), and all
            # reveal
            await seat_all(client, request, list(workers))
            for w in workers:
                await w.join(request)
            answers = [Answer(M, 90), Answer(M, 80), Answer(A, 70)]
            await asyncio.gather(*(w.commit(request, a) for w, a in zip(workers, answers, strict=True)))
            await asyncio.gather(*(w.reveal(request) for w in workers))
            # And it waits with its challenge: the label is revealed, then it finalizes as the client, at once
            result = await client.wait_for_result(sub.id, timeout=60, challenge=challenge)
        account = await rpc.get_account(request)
        assert account is not None
        r = Request.from_account_data(account.data)
        after = [await decode_worker(rpc, w.pubkey) for w in workers]
    # Then the consensus is recorded, but the label decided who is paid and who is slashed
    assert result.verdict is M and (r.challenged, r.challenge_label) == (1, A.code)
    assert r.finalized_at < r.deadline
    assert after[2].rewards == protocol.split_fee(r.fee, 1).per_worker and after[2].stake == stakes[2]
    for state, stake in zip(after[:2], stakes[:2], strict=True):
        slashed = protocol.challenge_slash(stake, r.challenge_slash_bps)
        assert slashed > 0 and (state.rewards, state.stake) == (0, stake - slashed)


async def test_a_crankers_early_finalize_is_refused_over_rpc_and_the_clients_is_not(
    validator: Endpoint, kubo: Kubo, media: Path, tmp_path: Path, retired: list[ScriptedWorker]
) -> None:
    async with RpcTransport(validator.url) as rpc:
        wallet, cranker = await funded(rpc), await funded(rpc)
        joiner = await worker(rpc, tmp_path, validator.model, retired)
        async with AsyncDFPNClient(
            rpc, wallet, storage=IPFSStorage(kubo.api_url), auto_crank=False
        ) as client:
            # Given a request its one worker answered, finalizable long before its deadline
            sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=90)
            request = Pubkey.from_string(sub.id)
            await seat_all(client, request, [joiner])
            await joiner.join(request)
            await joiner.commit(request, Answer(M, 75))
            await joiner.reveal(request)
            # When a cranker (not the client) finalizes it, Then the program refuses, and the error comes back with
            # its code over JSON-RPC
            async with AsyncDFPNClient(rpc, cranker) as other:
                with pytest.raises(DFPNError) as early:
                    await other.finalize(sub.id)
            assert early.value.code is ErrorCode.FINALIZE_RESERVED_FOR_CLIENT and early.value.logs
            # Positive control: the client's own finalize (signing as the client) goes through at once
            await client.finalize(sub.id)
            info = await client.get_request(sub.id)
    assert info.status.value == "Finalized" and info.finalized_at < info.deadline
