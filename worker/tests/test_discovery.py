"""Which drawn seats a worker accepts or declines: modalities, models, fee floor, stake, concurrency; the draw crank;
and RPC faults during the whole lifecycle."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn import instructions as ix
from dfpn.generated.constants import SEAT_STATE_DRAWN
from dfpn_detectors import Verdict
from dfpn_worker import Phase, WorkerNode

from helpers import (
    BlockingDetector,
    FaultyTransport,
    FixedDetector,
    NodeFactory,
    PushTransport,
    counter,
    finish_after_grace,
    open_finalizing_to_anyone,
    register_model,
    request_account,
    wait_finished,
    wait_for,
    wait_phase,
    worker_account,
)

M = Verdict.MANIPULATED
FACE = [ChainModality.FACE_MANIPULATION]


async def test_requests_outside_the_workers_modalities_or_fee_floor_are_not_joined(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a face/image worker with a fee floor of 0.001 SOL per worker
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)], fee_floor="0.001")
    # And three requests: voice cloning (unsupported: the draw never seats it), a face request paying each of 10
    # seats below the floor, and a face request for one worker paying above it
    voice = await client.submit_request(
        media, modalities=[ChainModality.VOICE_CLONING], min_workers=1, deadline_seconds=120
    )
    cheap = await client.submit_request(media, modalities=FACE, min_workers=1, max_workers=10)
    good = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    assert (voice.drawn, cheap.drawn, good.drawn) == ([], [str(node.authority)], [str(node.authority)])
    # When the worker runs
    make_node.start(node)
    await finish_after_grace(network, node, good.id)
    # Then it accepted only the seat that pays enough, and gave the cheap one back (so it can be drawn again)
    assert node.state.get(voice.id) is None
    declined = node.state.get(cheap.id)
    assert declined is not None and (declined.phase, declined.error_code) == (Phase.LEFT, "fee_floor")
    assert request_account(network, voice.id).joined == 0
    assert request_account(network, cheap.id).joined == 0
    assert counter(node, "dfpn_worker_requests_seen_total") == 2
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="fee_floor") == 1
    assert counter(node, "dfpn_worker_requests_joined_total") == 1
    assert counter(node, "dfpn_worker_requests_left_total") == 1


async def test_a_commit_names_a_model_registered_for_all_the_requests_modalities(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker whose two detectors' models are registered for one modality each: face manipulation
    # (fixed-a) and image authenticity (fixed-b), the latter answering with more confidence
    face_model = register_model(network, "fixed-a", int(ChainModality.FACE_MANIPULATION))
    register_model(network, "fixed-b", int(ChainModality.IMAGE_AUTHENTICITY))
    node = await make_node("w1", [FixedDetector("fixed-a", M, 70), FixedDetector("fixed-b", M, 95)])
    # And a request for both modalities (no model of the worker may serve it) and one for face manipulation
    both = await client.submit_request(
        media,
        modalities=[ChainModality.FACE_MANIPULATION, ChainModality.IMAGE_AUTHENTICITY],
        min_workers=1,
        deadline_seconds=120,
    )
    face = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When the worker runs
    make_node.start(node)
    job = await finish_after_grace(network, node, face.id)
    # Then it declined the request no model of its covers (the program would refuse the commit)
    declined = node.state.get(both.id)
    assert declined is not None and (declined.phase, declined.error_code) == (Phase.LEFT, "no_model")
    assert request_account(network, both.id).joined == 0
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="no_model") == 1
    # And for the face request it credits the face model, not the more confident detector whose model is
    # registered for image authenticity only; the program fixed that model in the seat
    assert (job.phase, job.model_id, job.model, job.confidence) == (
        Phase.DONE,
        "fixed-a",
        str(face_model),
        95,
    )
    assert request_account(network, face.id).seats[0].model == face_model


async def test_own_requests_and_seats_the_free_stake_cannot_bond_are_not_joined(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker staked 1 SOL
    register_model(network, "fixed-a")
    keypair, config = await make_node.register("w1", [FixedDetector("fixed-a", M, 90)])
    node = make_node.node(keypair, config, [FixedDetector("fixed-a", M, 90)])
    # And a request the worker's own key submitted (the program refuses self-dealing)
    async with AsyncDFPNClient(network, keypair, auto_crank=False) as own_client:
        own = await own_client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # And a request whose fee makes the seat bond (10 × its per-seat reward) more than the whole stake
    authority = network.authority
    dear = replace(network.params, base_fees=(2_000_000, 200_000_000, 3_000_000, 8_000_000, 4_000_000))
    network.process([ix.update_config(authority=authority.pubkey(), params=dear)], [authority])
    costly = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    network.process([ix.update_config(authority=authority.pubkey(), params=network.params)], [authority])
    assert request_account(network, costly.id).seat_bond > worker_account(network, keypair.pubkey()).stake
    # When the worker runs beside an ordinary request
    good = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    make_node.start(node)
    await finish_after_grace(network, node, good.id)
    # Then the draw seated it only in the ordinary one (never its own request, never a seat its stake cannot
    # bond), and it tried nothing the program would refuse
    assert (own.drawn, costly.drawn, good.drawn) == ([], [], [str(keypair.pubkey())])
    assert request_account(network, own.id).joined == 0 and request_account(network, costly.id).joined == 0
    assert node.state.get(own.id) is None and node.state.get(costly.id) is None
    assert counter(node, "dfpn_worker_requests_joined_total") == 1
    assert counter(node, "dfpn_worker_errors_total", stage="join") == 0


async def busy_worker(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory, **overrides: Any
) -> tuple[WorkerNode, BlockingDetector, list[str]]:
    """A running worker allowed one request in analysis at a time, drawn into two requests, its detector blocking
    the first analysis until released (the two request ids)."""
    register_model(network, "fixed-a")
    detector = BlockingDetector("fixed-a", M, 90)
    node = await make_node("w1", [detector], concurrency=1, **overrides)
    subs = [
        await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120) for _ in "ab"
    ]
    make_node.start(node)
    await wait_for(detector.started.is_set, what="the first analysis")
    return node, detector, [s.id for s in subs]


async def test_concurrency_bounds_the_requests_between_join_and_commit(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a busy worker (one request in analysis at a time, drawn into two) which declines a seat drawn while
    # busy at once (`busy_hold` 0)
    node, detector, (first, second) = await busy_worker(network, client, media, make_node, busy_hold=0)
    # When it polls
    for _ in range(5):
        await node.poll_once()
    # Then it accepted one and declined the other as busy while that analysis runs (the seat is free again)
    jobs = {r: node.state.get(r) for r in (first, second)}
    busy = [r for r, j in jobs.items() if j is not None and j.phase is Phase.LEFT]
    assert len(busy) == 1 and jobs[busy[0]].error_code == "busy"  # type: ignore[union-attr]
    assert request_account(network, busy[0]).joined == 0
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="busy") == 1
    # When the analysis finishes and the declined request is drawn again, Then the worker accepts it this time
    detector.release.set()
    accepted = next(r for r in jobs if r != busy[0])
    await wait_phase(node, accepted, Phase.COMMITTED, Phase.REVEALED)
    await client.draw_seats(busy[0])
    for r in (first, second):
        await wait_phase(node, r, Phase.REVEALED)
    open_finalizing_to_anyone(network, second)
    for r in (first, second):
        await wait_finished(node, r)
    assert counter(node, "dfpn_worker_requests_revealed_total") == 2


async def test_a_seat_drawn_while_busy_is_held_and_accepted_when_a_place_frees(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a busy worker (the default `busy_hold`) polling only every minute: between polls it learns of the
    # chain from the program's logs
    node, detector, requests = await busy_worker(network, client, media, make_node, poll_interval=60)
    # When it has seen both drawn seats while the first analysis blocks
    await wait_for(lambda: len(node.discovery.held) == 1 and node.discovery.subscribed, what="a held seat")
    # Then the other seat is held: still drawn on-chain, neither accepted nor declined, nothing skipped
    waiting = [r for r in requests if node.state.get(r) is None]
    assert len(waiting) == 1
    seat = request_account(network, waiting[0]).seats[0]
    assert seat.state == SEAT_STATE_DRAWN and seat.authority == node.authority
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="busy") == 0
    # When the analysis finishes, Then the held seat is accepted at once (no poll is due), without anybody drawing
    # it again
    detector.release.set()
    for r in requests:
        await wait_phase(node, r, Phase.REVEALED)
    assert counter(node, "dfpn_worker_requests_revealed_total") == 2
    assert counter(node, "dfpn_worker_requests_left_total") == 0


async def test_a_held_seat_is_declined_once_the_hold_runs_out(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a busy worker holding a drawn seat for a place (`busy_hold` 20 s)
    node, detector, requests = await busy_worker(network, client, media, make_node, busy_hold=20)
    await node.poll_once()
    held = next(r for r in requests if node.state.get(r) is None)
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="busy") == 0
    # When 20 s pass on the chain's clock with the worker still busy
    network.advance(20)
    await node.poll_once()
    await node.discovery.drain()
    # Then it declines the seat (given back in time, drawn again for somebody else)
    job = node.state.get(held)
    assert job is not None and job.phase is Phase.LEFT and job.error_code == "busy"
    assert request_account(network, held).joined == 0
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="busy") == 1
    detector.release.set()


async def test_transient_rpc_faults_are_retried_through_the_whole_lifecycle(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a transport where every third call fails with a connection error
    register_model(network, "fixed-a")
    flaky = FaultyTransport(network, fail_every=3)
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)], transport=flaky)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When the worker runs, Then it still joins, commits, reveals and finalizes
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    assert job.phase is Phase.DONE and job.finalize_tx is not None
    assert flaky.failures > 3
    retried = counter(node, "dfpn_worker_retries_total", operation="read") + counter(
        node, "dfpn_worker_retries_total", operation="send"
    )
    assert retried >= flaky.failures - counter(node, "dfpn_worker_errors_total", stage="poll")


async def test_a_request_whose_commit_phase_closes_during_analysis_is_missed_without_commit(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker analysing slowly
    register_model(network, "fixed-a")
    detector = BlockingDetector("fixed-a", M, 90)
    node = await make_node("w1", [detector])
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    make_node.start(node)
    await wait_for(detector.started.is_set, what="the analysis")
    # When the commit deadline passes before the analysis is done
    network.set_time(sub.commit_deadline)
    detector.release.set()
    # Then the worker records a miss at the commit stage, sends no commit, and expires the request
    job = await wait_finished(node, sub.id)
    assert job.phase is Phase.MISSED and job.commitment is not None and job.outcome == "expired"
    assert counter(node, "dfpn_worker_requests_missed_total", stage="commit") == 1
    assert counter(node, "dfpn_worker_requests_expired_total") == 1
    assert request_account(network, sub.id).commits == 0
    await wait_phase(node, sub.id, Phase.MISSED)


async def test_pushed_program_events_drive_the_worker_without_waiting_for_polls(
    network: LocalNetwork, media: Path, make_node: NodeFactory
) -> None:
    # Given two workers polling only every 60 s, on a transport that pushes every program transaction's logs
    register_model(network, "fixed-a")
    push = PushTransport(network)
    nodes = [
        await make_node(f"w{i}", [FixedDetector("fixed-a", M, 90)], transport=push, poll_interval=60)
        for i in (1, 2)
    ]
    tasks = [make_node.start(n) for n in nodes]
    await wait_for(lambda: len(push.subscribers) == 2, what="the log subscriptions")
    # When a client submits a request for both of them through that transport
    async with AsyncDFPNClient(push, network.funded_keypair(), auto_crank=False) as client:
        sub = await client.submit_request(media, modalities=FACE, min_workers=2, deadline_seconds=120)
        # Then the RequestSubmitted event makes them join at once and each commit wakes the other's job for the
        # reveal, well within one poll interval
        for node in nodes:
            await wait_phase(node, sub.id, Phase.REVEALED, timeout=5)
        # And no worker finalizes: until the grace period after the deadline only the client may
        assert request_account(network, sub.id).status == 0
        assert sum(counter(n, "dfpn_worker_requests_finalized_total") for n in nodes) == 0
        # When the client finalizes at once (signing as the client), Then its RequestFinalized event ends both
        # jobs, again without waiting for a poll
        await client.finalize(sub.id)
    for node in nodes:
        job = await wait_finished(node, sub.id, timeout=5)
        assert job.phase is Phase.DONE and job.finalize_tx is None
        assert job.outcome == "finalized: Manipulated 90 (Unanimous); agreed"
    assert not any(t.done() for t in tasks)
