"""Whole lifecycles on the real program: a client request, three test workers (join, commit, reveal) driven with
the SDK's instruction builders and the LiteSVM clock, then the AnalysisResult."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import (
    AsyncDFPNClient,
    ConsensusType,
    DFPNClient,
    DFPNError,
    ErrorCode,
    LocalNetwork,
    Modality,
    Verdict,
    protocol,
)
from dfpn import instructions as ix
from dfpn.events import parse_logs
from dfpn.generated.constants import FINALIZE_GRACE_SECS, REPUTATION_START
from dfpn.generated.types import Request, RequestFinalized, Worker
from dfpn.pda import worker_address

from helpers import MODEL, Answer, TestWorker, request_account, seated

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE_SWAP = {"type": "face_swap", "region": {"x": 10, "y": 20, "w": 64, "h": 48}, "confidence": 0.93}


async def test_full_lifecycle_majority(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a client request for 3 workers
    sub = await client.submit_request(
        media, modalities=[Modality.FACE_MANIPULATION], min_workers=3, max_fee=0.01, deadline_seconds=300
    )
    request = Pubkey.from_string(sub.id)
    # And the three workers drawn into its seats (the client drew them at submission), in seat order
    ws = seated(network, request, workers)
    assert [str(w.pubkey) for w in ws] == sub.drawn and len(ws) == 3
    # That accept, analyse and commit: M 90 (with a detection), M 80, A 70
    answers = [Answer(M, 90, [FACE_SWAP]), Answer(M, 80), Answer(A, 70)]
    for w, a in zip(ws, answers, strict=True):
        w.join(request)
        w.commit(request, a)
    # When all three seats committed the commit phase is over, and each reveals
    for w in ws:
        w.reveal(request)
    result = await client.wait_for_result(sub.id, timeout=10)
    # Then the result is docs/protocol.md's worked example: Manipulated, Majority, ⌊85 × 6 666 / 10 000⌋ = 56
    assert (result.verdict, result.consensus_type, result.confidence) == (M, ConsensusType.MAJORITY, 56)
    assert result.fee_lamports == 4_500_000
    # And one worker result per revealed seat, in seat order, with the report's detections verified
    assert [(r.worker, r.verdict, r.confidence) for r in result.worker_results] == [
        (str(w.pubkey), a.verdict, a.confidence) for w, a in zip(ws, answers, strict=True)
    ]
    first = result.worker_results[0]
    assert first.model_id == MODEL and first.model == str(workers[0].model) and first.report_verified
    assert len(first.detections) == 1
    d = first.detections[0]
    assert (d.type, d.confidence, d.region and (d.region.x, d.region.y, d.region.w, d.region.h)) == (
        "face_swap",
        0.93,
        (10, 20, 64, 48),
    )
    assert all(r.report_verified and r.detections == [] for r in result.worker_results[1:])
    # And the audit block names the submit and finalize transactions and the counts
    assert result.audit.request_tx == sub.signature
    finalize = await network.get_transaction(result.audit.finalize_tx or "")
    assert finalize is not None
    assert any(isinstance(e, RequestFinalized) and e.request == request for e in parse_logs(finalize.logs))
    assert (result.audit.worker_count, result.audit.commit_count, result.audit.reveal_count) == (3, 3, 3)
    # And the dump is the protocol sheet's camelCase result format
    dumped = json.loads(result.model_dump_json(by_alias=True))
    assert {"verdict", "confidence", "consensusType", "workerResults", "audit"} <= set(dumped)
    assert dumped["verdict"] == "Manipulated" and dumped["consensusType"] == "Majority"
    assert set(dumped["audit"]) == {"requestTx", "finalizeTx", "workerCount", "commitCount", "revealCount"}
    wr = dumped["workerResults"][0]
    assert {"worker", "modelId", "verdict", "confidence", "detections"} <= set(wr)
    assert wr["detections"][0] == {
        "type": "face_swap",
        "region": {"x": 10, "y": 20, "w": 64, "h": 48},
        "confidence": 0.93,
    }
    # And the request is finalized on-chain, with the escrow above the fee refunded to the client
    info = await client.get_request(sub.id)
    assert info.status.value == "Finalized"
    assert info.escrow_lamports == 0
    assert network.balance(request) == await network.minimum_balance_for_rent_exemption(Request.SIZE)


def test_unanimous_with_the_clock_sync_client(
    network: LocalNetwork, sync_client: DFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a request with 4 seats for at least 3 workers, filled by 3 committing workers
    sub = sync_client.submit_request(
        media, modalities=[Modality.FACE_MANIPULATION], min_workers=3, max_workers=4, deadline_seconds=120
    )
    request = Pubkey.from_string(sub.id)
    ws = seated(network, request, workers)
    for w, a in zip(ws, [Answer(M, 90), Answer(M, 80), Answer(M, 70)], strict=True):
        w.join(request)
        w.commit(request, a)
    # When a worker reveals while a seat is still open and the commit deadline is ahead
    with pytest.raises(DFPNError) as early:
        ws[0].reveal(request)
    # Then the program refuses: the reveal phase has not started
    assert early.value.code is ErrorCode.REVEAL_PHASE_NOT_STARTED
    # When the cluster clock reaches the commit deadline, all reveal, and the client waits
    network.set_time(sub.commit_deadline)
    for w in workers:
        w.reveal(request)
    result = sync_client.wait_for_result(sub.id, timeout=10)
    # Then Manipulated, Unanimous, confidence 80 (docs/protocol.md)
    assert (result.verdict, result.consensus_type, result.confidence) == (M, ConsensusType.UNANIMOUS, 80)
    assert (result.audit.worker_count, result.audit.commit_count, result.audit.reveal_count) == (3, 3, 3)
    # And every worker was paid and gained reputation
    for w in workers:
        acc = network.account(worker_address(w.pubkey))
        assert acc is not None
        state = Worker.from_account_data(acc.data)
        assert state.rewards == 4_500_000 * 6_500 // 10_000 // 3
        # Agreeing with a consensus moves reputation a fiftieth of alpha (20 bps) from the start
        assert state.reputation == REPUTATION_START + (10_000 - REPUTATION_START) * 20 // 10_000


async def test_a_silent_committer_and_a_finalize_by_someone_else(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given a request where all three commit but only two reveal
    async with AsyncDFPNClient(network) as submitter:
        sub = await submitter.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=3)
    request = Pubkey.from_string(sub.id)
    ws = seated(network, request, workers)
    for w, a in zip(ws, [Answer(A, 95), Answer(A, 85), Answer(M, 60)], strict=True):
        w.join(request)
        w.commit(request, a)
    ws[0].reveal(request)
    ws[1].reveal(request)
    # And the deadline passes: a third party's finalize (the SDK's instruction builder) is refused while the
    # grace period reserves finalizing for the client, up to its last second
    cranker = network.funded_keypair()
    for now in (sub.deadline, sub.deadline + FINALIZE_GRACE_SECS - 1):
        network.set_time(now)
        with pytest.raises(DFPNError) as early:
            network.process(
                [ix.finalize_request(request=request, request_data=request_account(network, request))], [cranker]
            )
        assert early.value.code is ErrorCode.FINALIZE_RESERVED_FOR_CLIENT
        assert "retry after the grace period" in str(early.value)
    # And once the grace period is over, the third party finalizes it
    network.set_time(sub.deadline + FINALIZE_GRACE_SECS)
    finalize = network.process(
        [ix.finalize_request(request=request, request_data=request_account(network, request))], [cranker]
    )
    # When a different client (not the submitter) waits for the result
    async with AsyncDFPNClient(network) as reader:
        result = await reader.wait_for_result(sub.id, timeout=5)
    # Then the result counts two reveals of three commits, Authentic by unanimity of the revealed weight
    assert (result.verdict, result.consensus_type, result.confidence) == (A, ConsensusType.UNANIMOUS, 90)
    assert (result.audit.commit_count, result.audit.reveal_count) == (3, 2)
    assert [r.worker for r in result.worker_results] == [str(ws[0].pubkey), str(ws[1].pubkey)]
    # And the audit transactions were found from the chain, not from the submitter's memory
    assert result.audit.request_tx == sub.signature
    assert result.audit.finalize_tx == finalize.signature
    # And the silent committer was slashed 3x its seat's reward (the reference non-reveal rate), not its stake
    acc = network.account(worker_address(ws[2].pubkey))
    assert acc is not None
    fee = request_account(network, request).fee
    slashed = protocol.non_reveal_slash(network.params.min_stake, fee, 3, network.params.non_reveal_slash_bps)
    assert slashed == 3 * protocol.per_seat_reward(fee, 3) < network.params.min_stake
    assert Worker.from_account_data(acc.data).slashed_total == slashed


async def test_a_tampered_report_is_a_report_hash_mismatch(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a finished lifecycle
    sub = await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=3)
    request = Pubkey.from_string(sub.id)
    ws = seated(network, request, workers)
    for w in ws:
        w.join(request)
        w.commit(request, Answer(M, 90, [FACE_SWAP]))
    for w in ws:
        w.reveal(request)
    await client.finalize(sub.id)
    # When the second seat's worker's report file is altered after its reveal
    uri = ws[1].answers[sub.id][3]
    path = Path(uri.removeprefix("file://"))
    report = json.loads(path.read_text())
    report["detections"] = []
    path.write_text(json.dumps(report))
    assert hashlib.sha256(path.read_bytes()).digest() != ws[1].answers[sub.id][1]
    # Then assembling the result refuses it
    with pytest.raises(DFPNError) as err:
        await client.wait_for_result(sub.id, timeout=5)
    assert err.value.code is ErrorCode.REPORT_HASH_MISMATCH
    # And a report that cannot be read is reported unverified rather than failing the result
    path.unlink()
    result = await client.wait_for_result(sub.id, timeout=5)
    assert [r.report_verified for r in result.worker_results] == [True, False, True]


async def test_wait_times_out_while_workers_are_missing(
    client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given an open request whose three seats are drawn and one accepted, When waiting briefly, Then TIMEOUT with
    # the request's progress
    sub = await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=3)
    workers[0].join(Pubkey.from_string(sub.id))
    with pytest.raises(DFPNError) as err:
        await client.wait_for_result(sub.id, timeout=0.2)
    assert err.value.code is ErrorCode.TIMEOUT
    assert "3 seats drawn, 1 accepted, 0 committed" in str(err.value)


async def test_a_wrong_reveal_is_a_commitment_mismatch(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a worker that committed Manipulated 90
    sub = await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=1)
    request = Pubkey.from_string(sub.id)
    [w] = seated(network, request, workers)
    w.join(request)
    w.commit(request, Answer(M, 90))
    _, report_hash, salt, uri = w.answers[sub.id]
    # When it reveals Authentic instead, Then the program's commitment check refuses it
    bad = ix.reveal_result(
        authority=w.pubkey,
        request=request,
        verdict=A,
        confidence=90,
        report_hash=report_hash,
        salt=salt,
        report_uri=uri,
    )
    with pytest.raises(DFPNError) as err:
        network.process([bad], [w.keypair])
    assert err.value.code is ErrorCode.COMMITMENT_MISMATCH
    # And the salt is recoverable from the key alone, so the honest reveal still works
    from dfpn.commitment import derive_salt

    assert derive_salt(Keypair.from_bytes(bytes(w.keypair)), request) == salt
    w.reveal(request)
    result = await client.wait_for_result(sub.id, timeout=5)
    assert result.verdict is M
