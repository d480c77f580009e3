"""Drawn seats from the worker's side: it finds its seats with filtered queries, accepts what it can serve, declines
what its free stake cannot bond, and cranks the draw of requests nobody drew and of seats left unanswered."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, LocalNetwork, layout, protocol
from dfpn import Modality as ChainModality
from dfpn import draw as drawing
from dfpn import instructions as ix
from dfpn.generated.constants import SEAT_STATE_COMMITTED, SEAT_STATE_DRAWN, SEAT_STATE_JOINED
from dfpn.generated.types import Request
from dfpn_detectors import Verdict
from dfpn_worker import Phase

from helpers import (
    FixedDetector,
    NodeFactory,
    counter,
    register_model,
    request_account,
    wait_phase,
    worker_account,
)

M = Verdict.MANIPULATED
FACE = [ChainModality.FACE_MANIPULATION]


def seat_states(network: LocalNetwork, request: str) -> dict[str, int]:
    r = request_account(network, request)
    return {str(s.authority): s.state for s in r.seats[: r.joined]}


async def test_the_worker_finds_its_seats_with_filtered_queries_only(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory, monkeypatch: Any
) -> None:
    # Given a worker and a request it was drawn for
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    calls: list[dict[str, Any]] = []
    real = network.program_accounts

    async def spy(discriminator: bytes, **kwargs: Any) -> Any:
        calls.append({"discriminator": discriminator, **kwargs})
        return await real(discriminator, **kwargs)

    monkeypatch.setattr(network, "program_accounts", spy)
    # When it polls
    await node.start()
    await node.poll_once()
    # Then it accepted the seat
    assert seat_states(network, sub.id) == {str(node.authority): SEAT_STATE_JOINED}
    # And every query was filtered: Request accounts by size, open, and one seat's authority (its key), the draw
    # seed (all zeroes) or one seat's state (DRAWN) - never every request
    status = (layout.offset(Request, "status"), b"\0")
    authorities = {(at, bytes(node.authority)) for at in layout.offsets(Request, "authority")}
    states = {(at, bytes([SEAT_STATE_DRAWN])) for at in layout.offsets(Request, "state")}
    seed = (layout.offset(Request, "draw_seed"), bytes(32))
    requests = [c for c in calls if c["discriminator"] == Request.DISCRIMINATOR]
    assert requests and all(c["data_size"] == Request.SIZE for c in requests)
    filters = [list(c["memcmp"]) for c in requests]
    assert all(f[0] == status and len(f) == 2 for f in filters)
    assert {f[1] for f in filters} == authorities | states | {seed}
    await node.shutdown()


async def test_a_seat_the_free_stake_cannot_bond_any_more_is_declined(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker staked 1 SOL and requests whose seat bond is 0.6 SOL: the draw seats it in two of them
    # (each alone fits its free stake), but it can bond only one
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    fees = list(network.params.base_fees)
    fees[1] = 92_307_693  # FaceManipulation: 10 × ⌊fee × 65 %⌋ = 0.6 SOL
    dear = dataclasses.replace(network.params, base_fees=tuple(fees))
    network.process(
        [ix.update_config(authority=network.authority.pubkey(), params=dear)], [network.authority]
    )
    subs = [
        await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120) for _ in "ab"
    ]
    bond = request_account(network, subs[0].id).seat_bond
    assert bond == 600_000_000 and all(s.drawn == [str(node.authority)] for s in subs)
    # When it polls
    await node.start()
    await node.poll_once()
    # Then it accepted one seat and declined the other while allowed (no join the program would refuse)
    states = [seat_states(network, s.id) for s in subs]
    assert sorted(map(len, states)) == [0, 1]
    declined = next(s.id for s, st in zip(subs, states, strict=True) if not st)
    job = node.state.get(declined)
    assert job is not None and (job.phase, job.error_code) == (Phase.LEFT, "bond")
    assert worker_account(network, node.authority).bonded == bond
    assert counter(node, "dfpn_worker_requests_skipped_total", reason="bond") == 1
    assert counter(node, "dfpn_worker_errors_total", stage="join") == 0
    await node.shutdown()


async def test_the_crank_draws_a_request_its_client_did_not(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given two workers and a request submitted without drawing its seats
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    other = await make_node("w2", [FixedDetector("fixed-a", M, 90)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=2, deadline_seconds=120, draw=False)
    await node.start()
    # When the worker polls before `draw_crank_delay` seconds have passed since submission, Then it leaves the
    # draw to the client
    await node.poll_once()
    assert not drawing.seeded(request_account(network, sub.id))
    # When they have, Then it draws the seats (both workers: the pool), and accepts its own at the next poll
    network.set_time(request_account(network, sub.id).created_at + node.config.draw_crank_delay)
    await node.poll_once()
    r = request_account(network, sub.id)
    assert drawing.seeded(r) and r.joined == 2
    assert counter(node, "dfpn_worker_draws_total", kind="seed") >= 1
    await node.poll_once()
    assert seat_states(network, sub.id) == {
        str(node.authority): SEAT_STATE_JOINED,
        str(other.authority): SEAT_STATE_DRAWN,
    }
    await node.shutdown()


async def test_the_crank_replaces_seats_left_unanswered_half_a_commit_window(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a running worker and two registered workers that never answer, and a request for 2 of the 3 workers
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    for name in ("w2", "w3"):
        await make_node.register(name, [FixedDetector("fixed-a", M, 90)])
    sub = await client.submit_request(
        media, modalities=FACE, min_workers=1, max_workers=2, deadline_seconds=120
    )
    await node.start()
    await node.poll_once()  # it accepts its seat if it was drawn (and its job commits it)
    if str(node.authority) in seat_states(network, sub.id):
        await wait_phase(node, sub.id, Phase.COMMITTED, Phase.REVEALED)
    r = request_account(network, sub.id)
    silent = [k for k, state in seat_states(network, sub.id).items() if state == SEAT_STATE_DRAWN]
    assert silent and str(node.authority) not in silent
    # When the clock is one second short of the silent seats' answer_by, Then the crank leaves them alone
    answer_by = protocol.answer_by(r, r.seats[0])
    assert all(protocol.answer_by(r, s) == answer_by for s in r.seats[:2])
    network.set_time(answer_by - 1)
    await node.poll_once()
    assert [k for k, s in seat_states(network, sub.id).items() if s == SEAT_STATE_DRAWN] == silent
    # When it is reached, Then it replaces them: their workers forfeit the bond and leave the seats
    network.set_time(answer_by)
    await node.poll_once()
    assert counter(node, "dfpn_worker_draws_total", kind="replace") >= 1
    assert not set(silent) & set(seat_states(network, sub.id))
    for key in silent:
        assert worker_account(network, Pubkey.from_string(key)).slashed_total == r.seat_bond
    # And this worker holds a seat it accepted (its own, or one the replacement drew it into, accepted next poll)
    await node.poll_once()
    assert seat_states(network, sub.id).get(str(node.authority)) in (SEAT_STATE_JOINED, SEAT_STATE_COMMITTED)
    await node.shutdown()


async def test_the_crank_replaces_a_worker_that_accepted_its_seat_and_stays_silent(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a request for two workers, both drawn: a running worker that commits, and one that accepts its seat (its
    # bond locked) and then stays silent
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)])
    squatter, _ = await make_node.register("w2", [FixedDetector("fixed-a", M, 90)])
    sub = await client.submit_request(media, modalities=FACE, min_workers=2, deadline_seconds=120)
    network.process(
        [ix.join_request(authority=squatter.pubkey(), request=Pubkey.from_string(sub.id))], [squatter]
    )
    await node.start()
    await node.poll_once()
    await wait_phase(node, sub.id, Phase.COMMITTED)
    r = request_account(network, sub.id)
    squatter_seat = next(s for s in r.seats[:2] if s.authority == squatter.pubkey())
    # When its seat's answer_by comes, Then the running worker's crank replaces it (the request it is in would
    # otherwise expire for want of commits): its bond is released and forfeited
    network.set_time(protocol.answer_by(r, squatter_seat))
    await node.poll_once()
    assert str(squatter.pubkey()) not in seat_states(network, sub.id)
    state = worker_account(network, squatter.pubkey())
    assert (state.bonded, state.active_seats, state.slashed_total) == (0, 0, r.seat_bond)
    assert counter(node, "dfpn_worker_draws_total", kind="replace") == 1
    # And the worker's own committed seat is untouched
    assert seat_states(network, sub.id)[str(node.authority)] == SEAT_STATE_COMMITTED
    await node.shutdown()


async def test_a_worker_configured_not_to_crank_draws_nothing(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    register_model(network, "fixed-a")
    node = await make_node("w1", [FixedDetector("fixed-a", M, 90)], crank_draws=False)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120, draw=False)
    network.set_time(network.now() + 60)
    await node.start()
    await node.poll_once()
    assert not drawing.seeded(request_account(network, sub.id))
    assert counter(node, "dfpn_worker_draws_total", kind="seed") == 0
    await node.shutdown()
