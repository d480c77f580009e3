"""Several WorkerNodes on one embedded LiteSVM network, driven in one asyncio loop: the issue's lifecycle tests."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, Challenge, ConsensusType, LocalNetwork, protocol
from dfpn import Modality as ChainModality
from dfpn import Verdict as ChainVerdict
from dfpn import instructions as ix
from dfpn import storage as store
from dfpn.generated.constants import FINALIZE_GRACE_SECS, REQUEST_STATUS_OPEN
from dfpn.generated.types import Model
from dfpn.pda import random_request_nonce, request_address
from dfpn_detectors import Verdict
from dfpn_worker import Phase

from helpers import (
    FACE_SWAP,
    FaultyTransport,
    FixedDetector,
    NodeFactory,
    counter,
    finish_after_grace,
    job_of,
    open_finalizing_to_anyone,
    register_model,
    request_account,
    stop_task,
    wait_finished,
    wait_for,
    wait_phase,
    worker_account,
)

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE = [ChainModality.FACE_MANIPULATION]


async def test_three_honest_workers_reach_a_verdict_and_a_silent_fourth_is_slashed(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given two registered models, four registered workers and a request for 3 to 4 workers (all four drawn)
    register_model(network, "fixed-a")
    register_model(network, "fixed-b")
    honest = [
        await make_node("w1", [FixedDetector("fixed-a", M, 90, [FACE_SWAP])]),
        await make_node("w2", [FixedDetector("fixed-b", M, 80)]),
        await make_node("w3", [FixedDetector("fixed-b", M, 60), FixedDetector("fixed-a", M, 70)]),
    ]
    silent = await make_node("w4", [FixedDetector("fixed-a", M, 60)])
    sub = await client.submit_request(
        media, modalities=FACE, min_workers=3, max_workers=4, deadline_seconds=120
    )
    assert sorted(sub.drawn) == sorted(str(n.authority) for n in [*honest, silent])
    # And the fourth worker accepts and commits, then dies for good (it never reveals)
    silent_task = make_node.start(silent)
    await wait_phase(silent, sub.id, Phase.COMMITTED)
    await stop_task(silent_task)
    # When the three honest workers with their own detectors run
    for node in honest:
        make_node.start(node)
    # Then all four seats are committed, which closes the commit phase, and the three honest workers reveal
    for node in honest:
        await wait_phase(node, sub.id, Phase.REVEALED, Phase.DONE)
    r = request_account(network, sub.id)
    assert (r.joined, r.commits, r.reveals) == (4, 4, 3)
    # When the deadline passes (the fourth never reveals), no worker finalizes during the grace period that
    # reserves finalizing for the client, up to its last second
    for now in (sub.deadline, sub.deadline + FINALIZE_GRACE_SECS - 1):
        network.set_time(now)
        for _ in range(3):
            for node in honest:
                await node.poll_once()
            await asyncio.sleep(0.05)  # several of the nodes' 0.01 s poll intervals
        assert request_account(network, sub.id).status == REQUEST_STATUS_OPEN
        assert all(job_of(node, sub.id).phase is Phase.REVEALED for node in honest)
    assert sum(counter(n, "dfpn_worker_requests_finalized_total") for n in honest) == 0
    # When it is over, a worker finalizes
    network.set_time(sub.deadline + FINALIZE_GRACE_SECS)
    jobs = [await wait_finished(node, sub.id) for node in honest]
    # Then the verdict is the honest workers' unanimous Manipulated, confidence ⌊(90+80+70)/3⌋
    result = await client.wait_for_result(sub.id, timeout=5)
    assert (result.verdict, result.consensus_type, result.confidence) == (
        ChainVerdict.MANIPULATED,
        ConsensusType.UNANIMOUS,
        80,
    )
    assert sum(j.finalize_tx is not None for j in jobs) == 1
    assert all(j.phase is Phase.DONE and j.outcome and j.outcome.endswith("agreed") for j in jobs)
    # And every revealed report is fetched and matches its committed hash, detections included (in seat order:
    # the draw's)
    seats = request_account(network, sub.id).seats[:4]
    assert [w.worker for w in result.worker_results] == [
        str(s.authority) for s in seats if s.authority != silent.authority
    ]
    assert all(w.report_verified for w in result.worker_results)
    by_worker = {w.worker: w for w in result.worker_results}
    first = by_worker[str(honest[0].authority)]
    assert first.model_id == "fixed-a" and len(first.detections) == 1
    d = first.detections[0]
    assert (d.type, d.confidence, d.region and (d.region.x, d.region.y, d.region.w, d.region.h)) == (
        "face_swap",
        0.93,
        (10, 20, 64, 48),
    )
    # And the worker with two agreeing detectors commits the combination (the highest confidence, 70) and
    # credits the detector that gave it
    third = by_worker[str(honest[2].authority)]
    assert (third.model_id, third.confidence) == ("fixed-a", 70)
    # And the silent committer is slashed 3x its seat's reward (4 seats' request for 3 workers); the honest ones
    # are paid, and no worker counted a failed finalize
    r = request_account(network, sub.id)
    slashed = protocol.non_reveal_slash(
        network.params.min_stake, r.fee, 3, network.params.non_reveal_slash_bps
    )
    assert slashed == 3 * protocol.per_seat_reward(r.fee, 3)
    assert worker_account(network, silent.authority).slashed_total == slashed
    assert sum(counter(n, "dfpn_worker_errors_total", stage="revealed") for n in honest) == 0
    for node in honest:
        assert worker_account(network, node.authority).rewards == result.fee_lamports * 6_500 // 10_000 // 3
        assert (
            counter(node, "dfpn_worker_requests_committed_total"),
            counter(node, "dfpn_worker_requests_revealed_total"),
        ) == (1, 1)
    # And the silent worker's own record still says it committed (its next start would try to reveal)
    silent_job = silent.state.get(sub.id)
    assert silent_job is not None and silent_job.phase is Phase.COMMITTED and not silent_job.finished


async def test_a_worker_given_a_wrong_hash_uri_refuses_and_gives_the_seat_back(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    short_dir: Path,
    make_node: NodeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a request whose URI points at other bytes than its recorded content hash
    register_model(network, "fixed-a")
    other = short_dir / "other.png"
    other.write_bytes(media.read_bytes() + b"tampered")
    detector = FixedDetector("fixed-a", M, 90)
    node = await make_node("w1", [detector])
    sub = await client.submit_request(
        media, uri=store.file_uri(other), modalities=FACE, min_workers=1, deadline_seconds=120
    )
    stake = worker_account(network, node.authority).stake
    # When the worker runs (the clock is in the first half of the commit window)
    caplog.set_level(logging.INFO, logger="dfpn_worker")
    make_node.start(node)
    job = await wait_finished(node, sub.id)
    # Then it accepted its drawn seat but analysed nothing and committed nothing
    assert detector.calls == 0
    assert job.error_code == "CONTENT_HASH_MISMATCH" and job.commitment is None
    assert job.join_tx is not None
    # And it gave the seat back: the request has no seat, the bond is released and the stake whole
    assert job.phase is Phase.LEFT and job.outcome == "left the seat: CONTENT_HASH_MISMATCH"
    r = request_account(network, sub.id)
    assert (r.joined, r.commits) == (0, 0) and r.seat_bond > 0
    w = worker_account(network, node.authority)
    assert (w.bonded, w.active_seats, w.stake, w.slashed_total) == (0, 0, stake, 0)
    # And the refusal and the leave are logged and counted
    assert counter(node, "dfpn_worker_requests_refused_total", code="CONTENT_HASH_MISMATCH") == 1
    assert counter(node, "dfpn_worker_requests_left_total") == 1
    assert counter(node, "dfpn_worker_requests_committed_total") == 0
    refusal = [rec for rec in caplog.records if getattr(rec, "event", None) == "refused"]
    assert refusal and "CONTENT_HASH_MISMATCH" in refusal[0].getMessage()
    assert getattr(refusal[0], "code", None) == "CONTENT_HASH_MISMATCH"
    assert [
        getattr(rec, "code", None) for rec in caplog.records if getattr(rec, "event", None) == "left"
    ] == ["CONTENT_HASH_MISMATCH"]
    # And drawn into the request again, it declines at once without fetching or analysing anything
    again = await client.draw_seats(sub.id)
    assert again.drawn == [str(node.authority)]
    await node.poll_once()
    assert request_account(network, sub.id).joined == 0 and detector.calls == 0
    declined = job_of(node, sub.id)
    assert (declined.phase, declined.error_code) == (Phase.LEFT, "CONTENT_HASH_MISMATCH")
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="CONTENT_HASH_MISMATCH") == 1


async def test_a_refusal_after_the_leave_window_holds_the_seat_and_forfeits_the_bond(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    short_dir: Path,
    make_node: NodeFactory,
) -> None:
    # Given a worker that accepted its seat in a request with a wrong-hash URI, and the clock past the leave window
    register_model(network, "fixed-a")
    other = short_dir / "other.png"
    other.write_bytes(media.read_bytes() + b"tampered")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    sub = await client.submit_request(
        media, uri=store.file_uri(other), modalities=FACE, min_workers=1, deadline_seconds=120
    )
    await node.poll_once()
    r = request_account(network, sub.id)
    assert r.joined == 1
    network.set_time(r.created_at + (r.commit_deadline - r.created_at) // 2)
    stake = worker_account(network, node.authority).stake
    # When it runs, Then it refuses and can no longer give the seat back
    make_node.start(node)
    job = await wait_phase(node, sub.id, Phase.REFUSED)
    assert job.error_code == "CONTENT_HASH_MISMATCH"
    assert request_account(network, sub.id).joined == 1
    assert counter(node, "dfpn_worker_requests_left_total") == 0
    # When the commit deadline passes with no commit, Then the worker expires the request (its seat is released)
    network.set_time(sub.commit_deadline)
    job = await wait_finished(node, sub.id)
    assert job.phase is Phase.REFUSED and job.outcome == "expired"
    # And the seat it held without committing forfeited its bond to insurance
    w = worker_account(network, node.authority)
    assert (w.active_seats, w.bonded, w.stake) == (0, 0, stake - r.seat_bond)


async def test_the_report_is_canonical_json_whose_hash_is_committed(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given one worker and a request for one worker
    model = register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 88, [FACE_SWAP])])
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When it works the request to the end (one seat: the commit closes the commit phase, the reveal ends it)
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    # Then the report at the revealed URI hashes to the committed report hash and has the documented fields
    assert job.phase is Phase.DONE and job.report_uri is not None and job.report_hash is not None
    data = store.path_from_file_uri(job.report_uri).read_bytes()
    assert hashlib.sha256(data).digest() == job.report_hash
    report = json.loads(data)
    assert report == {
        "version": "dfpn-report-v1",
        "request": sub.id,
        "worker": str(node.authority),
        "contentHash": sub.content_hash,
        "model": str(model),
        "modelId": "fixed-a",
        "verdict": "Manipulated",
        "confidence": 88,
        "detections": [
            {"type": "face_swap", "confidence": 0.93, "region": {"x": 10, "y": 20, "w": 64, "h": 48}}
        ],
        "detectors": [
            {
                "modelId": "fixed-a",
                "verdict": "Manipulated",
                "confidence": 88,
                "detections": [
                    {"type": "face_swap", "confidence": 0.93, "region": {"x": 10, "y": 20, "w": 64, "h": 48}}
                ],
                "notes": "fixed test answer",
            }
        ],
        "notes": "verdict: fixed-a: Manipulated (88); fixed-a: fixed test answer",
    }
    assert data == json.dumps(report, sort_keys=True, separators=(",", ":")).encode()
    # And the on-chain seat holds the same preimage the state recorded
    seat = request_account(network, sub.id).seats[0]
    assert (seat.verdict, seat.confidence, bytes(seat.report_hash)) == (2, 88, job.report_hash)
    assert seat.model == model and job.model == str(model)
    assert bytes(seat.report_uri[: seat.report_uri_len]).decode() == job.report_uri
    assert len(job.report_uri) <= 128
    assert Pubkey.from_string(sub.id) == Pubkey.from_string(job.request)


async def test_a_model_named_by_address_is_the_one_declared_committed_and_paid(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given fixed-a registered by the usual test developer and, separately, by another developer
    register_model(network, "fixed-a")
    other = register_model(network, "fixed-a", developer=network.funded_keypair())
    # And a worker whose config names the other developer's fixed-a by its address
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)], models={"fixed-a": str(other)})
    assert list(worker_account(network, node.authority).models[:1]) == [other]
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When it works the request to the end
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    # Then it committed with that model (the seat and the state name its address) and that model earned the share
    assert (job.phase, job.model_id, job.model) == (Phase.DONE, "fixed-a", str(other))
    assert request_account(network, sub.id).seats[0].model == other
    acc = network.account(other)
    assert acc is not None and Model.from_account_data(acc.data).uses == 1


class AheadClock(FaultyTransport):
    """A transport whose clock reads `ahead` seconds later than the chain's (an RPC node whose clock is ahead of
    the cluster's): the worker then believes the grace period over while the program does not."""

    def __init__(self, inner: LocalNetwork) -> None:
        super().__init__(inner)
        self.ahead = 0

    async def unix_timestamp(self) -> int:
        return await super().unix_timestamp() + self.ahead


async def test_finalize_reserved_for_the_client_is_retried_later_not_a_failure(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    make_node: NodeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a worker that revealed in a request for one worker (finalizable at once, by the client only)
    register_model(network, "fixed-a")
    clock = AheadClock(network)
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)], transport=clock)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    caplog.set_level(logging.INFO, logger="dfpn_worker")
    make_node.start(node)
    await wait_phase(node, sub.id, Phase.REVEALED)
    # When its clock runs past the grace period while the chain's has not reached the deadline
    clock.ahead = sub.deadline + FINALIZE_GRACE_SECS - network.now()
    await wait_for(lambda: len(_events(caplog, "finalize_later")) >= 2, what="two finalize attempts")
    # Then the program refuses its finalize (FINALIZE_RESERVED_FOR_CLIENT), and the job waits in REVEALED: no
    # failed step, no error counted, nothing lost
    assert {getattr(r, "code", None) for r in _events(caplog, "finalize_later")} == {
        "FINALIZE_RESERVED_FOR_CLIENT"
    }
    job = job_of(node, sub.id)
    assert job.phase is Phase.REVEALED and not job.finished and job.has_preimage and job.reveal_tx
    assert counter(node, "dfpn_worker_errors_total", stage="revealed") == 0
    assert _events(caplog, "step_failed") == []
    assert request_account(network, sub.id).status == REQUEST_STATUS_OPEN
    # When the chain's clock reaches the end of the grace period too, Then the same job finalizes (positive
    # control: the refusal was the grace period, not the instruction)
    open_finalizing_to_anyone(network, sub.id)
    done = await wait_finished(node, sub.id)
    assert done.phase is Phase.DONE and done.finalize_tx is not None
    assert done.outcome == "finalized: Manipulated 90 (Unanimous); agreed"
    assert counter(node, "dfpn_worker_requests_finalized_total") == 1


def _events(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", None) == event]


async def test_a_known_answer_challenge_pays_the_label_and_slashes_the_other_worker(
    network: LocalNetwork, media: Path, make_node: NodeFactory
) -> None:
    # Given a challenger registered by the configuration authority
    register_model(network, "fixed-a")
    challenger = network.funded_keypair()
    authority = network.authority
    network.process(
        [ix.register_challenger(authority=authority.pubkey(), challenger=challenger.pubkey())], [authority]
    )
    # And two workers that answer differently
    right = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    wrong = await make_node("w2", [FixedDetector("fixed-a", A, 80)])
    stakes = {n.authority: worker_account(network, n.authority).stake for n in (right, wrong)}
    # When the challenger submits media it knows is Manipulated, its attestation committing to that label
    challenge = Challenge(ChainVerdict.MANIPULATED)
    async with AsyncDFPNClient(network, challenger, auto_crank=False) as client:
        nonce = random_request_nonce(challenger.pubkey())
        attestation = challenge.attestation(request_address(challenger.pubkey(), nonce))
        sub = await client.submit_request(
            media, modalities=FACE, min_workers=2, deadline_seconds=120, nonce=nonce, attestation=attestation
        )
        for node in (right, wrong):
            make_node.start(node)
        for node in (right, wrong):
            await wait_phase(node, sub.id, Phase.REVEALED)
        # And, the reveals done, reveals the challenge and finalizes (as the client, at once)
        await client.reveal_challenge(sub.id, label=challenge.label, salt=challenge.salt)
        await client.finalize(sub.id)
    # Then the worker whose verdict is the label passed and was paid; the other failed and lost 2 % of its stake
    jobs = {n.authority: await wait_finished(n, sub.id) for n in (right, wrong)}
    r = request_account(network, sub.id)
    assert (r.challenged, r.challenge_label) == (1, ChainVerdict.MANIPULATED.code)
    assert str(jobs[right.authority].outcome).endswith("known-answer challenge: Manipulated; passed")
    assert str(jobs[wrong.authority].outcome).endswith(
        "known-answer challenge: Manipulated; failed (slashed)"
    )
    paid = worker_account(network, right.authority)
    assert paid.rewards == protocol.split_fee(r.fee, 1).per_worker and paid.stake == stakes[right.authority]
    slashed = protocol.challenge_slash(stakes[wrong.authority], r.challenge_slash_bps)
    assert slashed == stakes[wrong.authority] * 2 // 100
    lost = worker_account(network, wrong.authority)
    assert (lost.rewards, lost.stake) == (0, stakes[wrong.authority] - slashed)
