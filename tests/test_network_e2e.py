"""The whole network on one machine, as on devnet: a real `solana-test-validator` running dfpn.so, a Kubo IPFS
node, three `dfpn-worker run` processes with real detectors, and the Python client over JSON-RPC/websockets.

- honest run: the verdict, every report verified, and every lamport of the fee where the payout rule puts it (the
  client finalizes its own request as soon as every worker revealed);
- a worker SIGKILLed after its commit: slashed at finalization, the verdict still reached by the other two, and
  the request finalized by a worker process only once anyone may (FINALIZE_GRACE_SECS after the deadline);
- media whose bytes do not match the recorded hash: the drawn worker refuses and gives its seat back (bond
  released), the request expires, the escrow returns.

Seats are drawn from the workers registered when a request is submitted. The workers declare only
AiGeneratedImage, and test_rpc_localnet.py's scripted workers every other modality, so neither module's requests
draw the other's workers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from dfpn import AsyncDFPNClient, DFPNError, ErrorCode, Modality, Verdict, protocol
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated.constants import FINALIZE_GRACE_SECS
from dfpn.generated.types import Model, Request, Worker
from dfpn.pda import insurance_address, model_address, treasury_address, worker_address
from dfpn.rpc import RpcTransport
from dfpn.storage import IPFSStorage
from dfpn_localnet import Kubo
from dfpn_localnet.demo import sample_image
from dfpn_localnet.workers import WorkerProcess, launch_workers
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from conftest import ROOT, Endpoint

DETECTORS = ["ai-metadata-rules"]
MODALITY = [Modality.AI_GENERATED_IMAGE]
#: The developer that registers the detectors' models (`launch_workers`); the workers' configs name it.
DEVELOPER = Keypair()
#: The address of the model the workers commit with: `["model", DEVELOPER, DETECTORS[0]]`.
MODEL = model_address(DEVELOPER.pubkey(), DETECTORS[0])


@pytest.fixture(scope="module")
def workers(
    validator: Endpoint, kubo: Kubo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[WorkerProcess]]:
    """Three funded, registered `dfpn-worker run` processes (the model registered by a separate developer key)."""
    base = tmp_path_factory.mktemp("workers")
    procs = asyncio.run(
        launch_workers(
            validator.url,
            3,
            base,
            detectors=[DETECTORS],
            modalities=MODALITY,
            ipfs_api=kubo.api_url,
            developer=DEVELOPER,
        )
    )
    try:
        yield procs
    finally:
        for p in procs:
            p.stop()


@pytest.fixture
async def rpc(validator: Endpoint) -> AsyncIterator[RpcTransport]:
    async with RpcTransport(validator.url) as transport:
        yield transport


async def decode(rpc: RpcTransport, address: Pubkey, kind: Any) -> Any:
    account = await rpc.get_account(address)
    assert account is not None, f"no account at {address}"
    return kind.from_account_data(account.data)


async def client_tx_fees(rpc: RpcTransport, client: Pubkey, last: str) -> int:
    """Transaction fees the client paid (it is the fee payer, account 0), failed transactions included. The address
    index is written after confirmation, so wait until it lists `last`, the client's latest transaction."""
    for _ in range(50):
        listed = await rpc.call(
            "getSignaturesForAddress", str(client), {"limit": 1000, "commitment": "confirmed"}
        )
        signatures = [str(item["signature"]) for item in listed]
        if last in signatures:
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError(f"{last} never appeared in getSignaturesForAddress({client})")
    total = 0
    for signature in signatures:
        record = await rpc.get_transaction(signature)
        assert record is not None
        if record.accounts[0] == client:
            total += record.fee
    return total


def answers(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    keys = ("worker", "modelId", "verdict", "confidence", "detections")
    return [tuple(r[k] for k in keys) for r in result["workerResults"]]


async def typescript_reads(url: str, request_id: str, kubo: Kubo) -> dict[str, Any]:
    """The result as @dfpn/sdk (sdk-ts, built by `make test-ts`) reads it over JSON-RPC."""
    script = ROOT / "sdk-ts" / "examples" / "read-result.mjs"
    assert (ROOT / "sdk-ts" / "dist" / "index.js").is_file(), "build the TypeScript SDK first: make test-ts"
    done = await asyncio.to_thread(
        subprocess.run,
        ["node", str(script), url, request_id],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DFPN_IPFS_API": kubo.api_url},
        cwd=ROOT / "sdk-ts",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


async def new_client(rpc: RpcTransport, kubo: Kubo, *, auto_crank: bool = True) -> AsyncDFPNClient:
    """A funded client. With `auto_crank` it finalizes its own request as soon as it is finalizable (it signs as the
    client; no worker may before the grace period after the deadline, so there is no race to lose); without, it
    leaves finalizing to the worker processes."""
    wallet = Keypair()
    await rpc.airdrop(wallet.pubkey(), 2 * LAMPORTS_PER_SOL)
    return AsyncDFPNClient(
        rpc, wallet, storage=IPFSStorage(kubo.api_url), poll_interval=0.5, auto_crank=auto_crank
    )


async def test_three_worker_processes_reach_a_verdict_and_the_fee_lands_to_the_lamport(
    rpc: RpcTransport, kubo: Kubo, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    # Given the ledger before the request
    treasury0 = await rpc.get_balance(treasury_address())
    insurance0 = await rpc.get_balance(insurance_address())
    rewards0 = {w.pubkey: (await decode(rpc, worker_address(w.pubkey), Worker)).rewards for w in workers}
    unclaimed0 = (await decode(rpc, MODEL, Model)).unclaimed
    media = sample_image(tmp_path / "generated.png")
    async with await new_client(rpc, kubo) as client:
        balance0 = await rpc.get_balance(client.wallet.pubkey())
        # When the Python client stores the image in IPFS and submits it for three workers
        sub = await client.submit_request(media, modalities=MODALITY, min_workers=3, deadline_seconds=120)
        assert sub.storage_uri.startswith("ipfs://")
        # Then the worker processes analyse it, commit and reveal, and the client finalizes and gets the verdict,
        # before the deadline (no waiting for the grace period that reserves finalizing for the client)
        result = await client.wait_for_result(sub.id, timeout=180)
        r = await decode(rpc, Pubkey.from_string(sub.id), Request)
        assert r.finalized_at < r.deadline
        assert result.verdict is Verdict.MANIPULATED
        assert {r.worker for r in result.worker_results} == {str(w.pubkey) for w in workers}
        assert all(r.report_verified and r.model_id == DETECTORS[0] for r in result.worker_results)
        assert all(r.model == str(MODEL) for r in result.worker_results)
        assert all(
            any(d.type.startswith("ai_metadata:") for d in r.detections) for r in result.worker_results
        )
        assert (result.audit.commit_count, result.audit.reveal_count) == (3, 3)
        # And the TypeScript client reads the same finalized result from the validator
        seen_by_ts = await typescript_reads(rpc.url, sub.id, kubo)
        ours = result.model_dump(mode="json", by_alias=True)
        for key in ("verdict", "confidence", "consensusType", "audit"):
            assert seen_by_ts[key] == ours[key], key
        assert [
            (r["worker"], r["modelId"], r["verdict"], r["confidence"], r["detections"])
            for r in seen_by_ts["workerResults"]
        ] == [
            (r["worker"], r["modelId"], r["verdict"], r["confidence"], r["detections"])
            for r in ours["workerResults"]
        ]
        # And, once the client closes the request, its wallet paid exactly the fee plus its transaction fees
        # (submit, the draw of the seats (one transaction, two if the first batch of candidates missed a worker),
        # finalize, close: no failed transaction)
        closed = await client.close_request(sub.id)
        fee = result.fee_lamports
        assert fee == await client.estimate_fee_lamports(MODALITY, 3)
        spent = balance0 - await rpc.get_balance(client.wallet.pubkey())
        assert spent == fee + await client_tx_fees(rpc, client.wallet.pubkey(), closed)
        assert spent - fee <= 25_000
    # And the fee was split by the payout rule (docs/protocol.md), every lamport accounted for
    n = 3
    split = protocol.split_fee(fee, n)
    per_worker, per_model, treasury = split.per_worker, split.per_model, split.treasury
    for w in workers:
        assert (await decode(rpc, worker_address(w.pubkey), Worker)).rewards - rewards0[
            w.pubkey
        ] == per_worker
    assert (await decode(rpc, MODEL, Model)).unclaimed - unclaimed0 == n * per_model
    assert await rpc.get_balance(treasury_address()) - treasury0 == treasury
    assert await rpc.get_balance(insurance_address()) - insurance0 == split.insurance


async def test_a_worker_killed_before_reveal_is_slashed_and_the_verdict_is_still_reached(
    rpc: RpcTransport, kubo: Kubo, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    victim = workers[2]
    stake0 = (await decode(rpc, worker_address(victim.pubkey), Worker)).stake
    insurance0 = await rpc.get_balance(insurance_address())
    media = sample_image(tmp_path / "generated.png")
    async with await new_client(rpc, kubo, auto_crank=False) as client:
        # Given a request with a fourth, empty seat: the commit phase stays open until the commit deadline
        sub = await client.submit_request(
            media, modalities=MODALITY, min_workers=2, max_workers=4, deadline_seconds=60
        )
        address = Pubkey.from_string(sub.id)
        # When all three have committed, one worker process is killed (SIGKILL) before the reveal phase opens
        give_up = time.monotonic() + 45
        while (r := await decode(rpc, address, Request)).commits < 3:
            assert time.monotonic() < give_up, f"only {r.commits} commits"
            await asyncio.sleep(0.2)
        victim.stop(signal.SIGKILL)
        try:
            # Then the two others reveal after the commit deadline, and (the client leaving it to them) a worker
            # process finalizes once anyone may: FINALIZE_GRACE_SECS after the deadline
            result = await client.wait_for_result(sub.id, timeout=60 + 10 + FINALIZE_GRACE_SECS + 90)
        finally:
            victim.start()  # it comes back for the next test, with nothing left to reveal here
    assert result.verdict is Verdict.MANIPULATED
    assert (result.audit.commit_count, result.audit.reveal_count) == (3, 2)
    assert str(victim.pubkey) not in {r.worker for r in result.worker_results}
    r = await decode(rpc, address, Request)
    assert r.finalized_at >= protocol.open_to_anyone_at(r)
    finalize = await rpc.get_transaction(result.audit.finalize_tx or "")
    assert finalize is not None and finalize.accounts[0] in {w.pubkey for w in workers[:2]}
    # And the silent worker lost non_reveal_slash_bps of its seat's reward (3x, the reference) to insurance
    slashed = protocol.non_reveal_slash(stake0, r.fee, r.min_workers, r.non_reveal_slash_bps)
    assert slashed == 3 * protocol.per_seat_reward(r.fee, r.min_workers)
    after = await decode(rpc, worker_address(victim.pubkey), Worker)
    assert after.stake == stake0 - slashed and after.slashed_total >= slashed
    assert await rpc.get_balance(insurance_address()) - insurance0 >= slashed


async def test_media_that_does_not_match_its_hash_is_refused_the_seats_given_back_and_the_escrow_returns(
    rpc: RpcTransport, kubo: Kubo, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    # Given media in IPFS whose bytes are not the ones whose hash the client records
    real = sample_image(tmp_path / "real.png")
    other = tmp_path / "other.png"
    other.write_bytes(real.read_bytes() + b"tampered")
    uri = await IPFSStorage(kubo.api_url).upload(other)
    stakes0 = [(await decode(rpc, worker_address(w.pubkey), Worker)).stake for w in workers]
    async with await new_client(rpc, kubo, auto_crank=False) as client:
        balance0 = await rpc.get_balance(client.wallet.pubkey())
        sub = await client.submit_request(
            uri=uri,
            content_hash=hashlib.sha256(real.read_bytes()).digest(),
            modalities=MODALITY,
            min_workers=1,
            deadline_seconds=60,
        )
        address = Pubkey.from_string(sub.id)

        # When the worker drawn into its seat downloads it, Then it refuses it and gives the seat back while the
        # program allows it (within half a commit window of the draw)
        def events(kind: str) -> list[dict[str, Any]]:
            return [
                e for w in workers for e in w.events() if e.get("event") == kind and sub.id in json.dumps(e)
            ]

        give_up = time.monotonic() + 60
        while not events("left") or len(events("left")) < len(events("refused")):
            assert time.monotonic() < give_up, f"refused: {events('refused')}, left: {events('left')}"
            await asyncio.sleep(0.2)
        assert all("CONTENT_HASH_MISMATCH" in json.dumps(e) for e in events("refused"))
        r = await decode(rpc, address, Request)
        assert (r.joined, r.commits) == (0, 0)
        # And their seat bonds were released: every worker's stake is whole, nothing bonded
        after = [await decode(rpc, worker_address(w.pubkey), Worker) for w in workers]
        assert [(w.stake, w.bonded) for w in after] == [(s, 0) for s in stakes0]
        # When the commit phase ends with nobody seated, the client expires its request (no worker is left in it
        # to do so)
        # (two seconds of margin: the bank that simulates the transaction can be a slot or two behind the clock
        # read here, and the program compares with its own Clock)
        while await rpc.unix_timestamp() < r.commit_deadline + 2:
            await asyncio.sleep(0.5)
        await client.expire(sub.id)
        with pytest.raises(DFPNError) as expired:
            await client.wait_for_result(sub.id, timeout=30)
        assert expired.value.code is ErrorCode.NO_WORKERS_AVAILABLE
        info = await client.get_request(sub.id)
        assert info.commits == 0 and info.status.value == "Expired"
        closed = await client.close_request(sub.id)
        # And the whole escrow came back: the client paid only transaction fees
        spent = balance0 - await rpc.get_balance(client.wallet.pubkey())
        assert spent == await client_tx_fees(rpc, client.wallet.pubkey(), closed)
