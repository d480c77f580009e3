"""Seat draws (`dfpn.draw`, `draw_seats`) on the real program in LiteSVM: the SDK's seed, candidates, slot hash lookup
and eligibility rule against what the program does, the draw loop (waiting for the slot hash, re-arming an expired
draw, recovering from stale accounts, replacing unanswered seats past halfway), accepting and declining drawn seats,
the worker pool query and the `min_workers` floor."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from solders.pubkey import Pubkey

from dfpn import (
    LAMPORTS_PER_SOL,
    AsyncDFPNClient,
    DFPNError,
    ErrorCode,
    LocalNetwork,
    Modality,
    Verdict,
    layout,
    protocol,
)
from dfpn import draw as drawing
from dfpn import instructions as ix
from dfpn.draw import SLOT_HASHES_SYSVAR, SlotHashState, WorkerPool
from dfpn.events import parse_logs
from dfpn.generated.constants import DRAW_DOMAIN, SEAT_STATE_COMMITTED, SEAT_STATE_DRAWN, SEAT_STATE_JOINED
from dfpn.generated.types import ConfigParams, DrawRearmed, Request, SeatDrawn, Worker
from dfpn.pda import insurance_address, worker_address

from helpers import (
    Answer,
    TestWorker,
    config_account,
    draw,
    draw_odds,
    load_vectors,
    predict,
    register_model,
    request_account,
    run_sync,
    seated,
    workers_by_index,
)

FACE = [Modality.FACE_MANIPULATION]


def set_params(network: LocalNetwork, **changes: Any) -> ConfigParams:
    params = dataclasses.replace(network.params, **changes)
    network.process(
        [ix.update_config(authority=network.authority.pubkey(), params=params)], [network.authority]
    )
    return params


def worker_state(network: LocalNetwork, authority: Pubkey) -> Worker:
    acc = network.account(worker_address(authority))
    assert acc is not None
    return Worker.from_account_data(acc.data)


def seat_keys(r: Request) -> list[Pubkey]:
    return [s.authority for s in r.seats[: r.joined]]


def predicted(
    network: LocalNetwork, request: Pubkey, slot_hash: bytes
) -> tuple[list[drawing.Candidate], list[Pubkey]]:
    params = config_account(network).params
    return predict(
        request_account(network, request),
        drawing.draw_seed(request, slot_hash),
        workers_by_index(network),
        min_stake=params.min_stake,
        stake_cap=params.draw_stake_cap,
        now=network.now(),
        max_candidates=drawing.DRAW_BATCH,
    )


async def submit(
    client: AsyncDFPNClient, media: Path, min_workers: int, max_workers: int | None = None
) -> Pubkey:
    """A request whose seats nobody has drawn yet."""
    sub = await client.submit_request(
        media, modalities=FACE, min_workers=min_workers, max_workers=max_workers, draw=False
    )
    return Pubkey.from_string(sub.id)


@pytest.fixture
def pool(network: LocalNetwork, tmp_path: Path) -> list[TestWorker]:
    """Six staked workers for every modality (a bigger pool than any request's seats)."""
    _, model = register_model(network)
    reports = tmp_path / "pool-reports"
    reports.mkdir()
    return [TestWorker.register(network, reports, model=model) for _ in range(6)]


# ---- the rule ------------------------------------------------------------------------------------------------


def test_seed_and_candidates_are_the_documented_hashes() -> None:
    request, slot_hash = Pubkey.from_bytes(bytes([3] * 32)), bytes([4] * 32)
    seed = drawing.draw_seed(request, slot_hash)
    assert DRAW_DOMAIN == b"dfpn-draw-v1"
    assert seed == hashlib.sha256(b"dfpn-draw-v1" + bytes([3] * 32) + bytes([4] * 32)).digest()
    h = hashlib.sha256(seed + (7).to_bytes(4, "little")).digest()
    c = drawing.candidate(seed, 7, 5, 10 * LAMPORTS_PER_SOL)
    assert c == drawing.Candidate(
        7, int.from_bytes(h[:8], "little") % 5, int.from_bytes(h[8:16], "little") % (10 * LAMPORTS_PER_SOL)
    )
    assert drawing.candidates(seed, 6, 3, 5, 9) == [drawing.candidate(seed, k, 5, 9) for k in (6, 7, 8)]
    # A zero pool or cap counts as 1, as in the program (nothing to divide by)
    assert drawing.candidate(seed, 0, 0, 0) == drawing.Candidate(0, 0, 0)


@pytest.mark.parametrize("case", load_vectors()["draws"]["cases"], ids=lambda c: f"pool{c['pool_count']}")
def test_the_draw_vectors(case: dict[str, Any]) -> None:
    # Given a case of tests/vectors.json (checked against the program's own draw functions and the TypeScript SDK)
    request = Pubkey.from_string(case["request"])
    seed = drawing.draw_seed(request, bytes.fromhex(case["slot_hash"]))
    # Then the seed and every candidate (pool index, stake lottery) are the vector's
    assert seed.hex() == case["seed"]
    for c in case["candidates"]:
        got = drawing.candidate(seed, c["k"], case["pool_count"], int(case["draw_stake_cap"]))
        assert (got.pool_index, got.lottery) == (c["index"], int(c["lottery"])), c


@pytest.mark.parametrize("case", load_vectors()["draw_odds"]["cases"], ids=lambda c: f"{c['stake']}@{c['reputation']}")
def test_the_draw_odds_vectors(case: dict[str, Any]) -> None:
    # The tests' restatement of the program's lottery range (what `predict` seats by) is the program's own
    stake, cap = int(case["stake"]), int(case["draw_stake_cap"])
    assert draw_odds(stake, cap, case["reputation"]) == int(case["odds"])


def test_lookup_takes_the_first_slot_at_or_after_the_draw_slot() -> None:
    entries = [(12, b"\x0c" * 32), (10, b"\x0a" * 32), (9, b"\x09" * 32)]  # newest first; 11 skipped
    assert drawing.lookup(entries, 10) == b"\x0a" * 32
    assert drawing.lookup(entries, 9) == b"\x09" * 32
    assert drawing.lookup(entries, 11) == b"\x0c" * 32  # a skipped slot: the next one produced
    assert drawing.lookup(entries, 13) is SlotHashState.TOO_EARLY
    assert drawing.lookup(entries, 8) is SlotHashState.EXPIRED  # the window no longer reaches back to it
    assert drawing.lookup([], 1) is SlotHashState.TOO_EARLY


def test_the_slot_hashes_sysvar_is_parsed_as_the_network_wrote_it(network: LocalNetwork) -> None:
    for _ in range(3):
        network.produce_slot()
    acc = network.account(SLOT_HASHES_SYSVAR)
    assert acc is not None
    entries = drawing.parse_slot_hashes(acc.data)
    assert entries == network.slot_hashes() and len(entries) >= 3
    assert [s for s, _ in entries] == sorted((s for s, _ in entries), reverse=True)
    assert entries[0][0] == network.slot() - 1  # the slot just ended has its hash; the current one not yet
    with pytest.raises(DFPNError):
        drawing.parse_slot_hashes(acc.data[:20])


async def test_the_sdk_predicts_the_programs_draw(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request for 3 of 6 workers whose draw slot gets a known hash
    request = await submit(client, media, 3)
    r = request_account(network, request)
    assert (r.pool_count, r.draw_cursor, r.draw_seed, r.joined) == (6, 0, bytes(32), 0)
    assert r.draw_slot == network.slot() + 1
    slot_hash = hashlib.sha256(b"a lucky slot").digest()
    network.set_slot_hash(r.draw_slot, slot_hash)
    tried, expected = predicted(network, request, slot_hash)
    # When the SDK draws it
    result = draw(network, request)
    # Then the program fixed the seed the SDK computes, seated the predicted workers in order as DRAWN, and moved
    # its cursor past exactly the candidates the prediction tried
    r = request_account(network, request)
    assert r.draw_seed == drawing.draw_seed(request, slot_hash)
    assert seat_keys(r) == expected and len(expected) == 3
    assert result.drawn == [str(k) for k in expected] and (result.joined, result.max_workers) == (3, 3)
    assert all(s.state == SEAT_STATE_DRAWN for s in r.seats[:3])
    assert r.draw_cursor == tried[-1].k + 1
    # And the transaction's SeatDrawn events name them, seat by seat
    record = await network.get_transaction(result.signatures[-1])
    assert record is not None
    events = [e for e in parse_logs(record.logs) if isinstance(e, SeatDrawn)]
    assert [(e.request, e.worker, e.seat) for e in events] == [
        (request, k, i) for i, k in enumerate(expected)
    ]
    # And drawing again has nothing to do (before halfway no seat can be replaced)
    again = draw(network, request)
    assert again.signatures == [] and request_account(network, request).draw_cursor == r.draw_cursor


async def test_stake_lottery_and_eligibility_match_the_program(
    network: LocalNetwork, client: AsyncDFPNClient, tmp_path: Path, media: Path
) -> None:
    # Given a draw stake cap of 4 SOL and workers staking 1, 2, 4 and 8 SOL (chances 1/4, 1/2, 1, 1)
    set_params(network, draw_stake_cap=4 * LAMPORTS_PER_SOL)
    _, model = register_model(network)
    stakes = [1, 2, 4, 8]
    eligible = [
        TestWorker.register(network, tmp_path, model=model, stake=s * LAMPORTS_PER_SOL) for s in stakes
    ]
    # And workers that may never take a seat: unbonding, serving only voice cloning, the client itself
    unbonding = TestWorker.register(network, tmp_path, model=model, stake=2 * LAMPORTS_PER_SOL)
    network.process(
        [ix.request_unstake(authority=unbonding.pubkey, amount=LAMPORTS_PER_SOL)], [unbonding.keypair]
    )
    voice = network.funded_keypair(12 * LAMPORTS_PER_SOL)
    network.process(
        [
            ix.register_worker(
                authority=voice.pubkey(),
                stake=LAMPORTS_PER_SOL,
                modalities=[Modality.VOICE_CLONING],
                models=[model],
            )
        ],
        [voice],
    )
    network.process(
        [
            ix.register_worker(
                authority=client.wallet.pubkey(), stake=LAMPORTS_PER_SOL, modalities=31, models=[model]
            )
        ],
        [client.wallet],
    )
    never = {unbonding.pubkey, voice.pubkey(), client.wallet.pubkey()}
    low = {eligible[0].pubkey, eligible[1].pubkey}
    seats_taken: set[Pubkey] = set()
    lost = 0
    # (at least 6 rounds, and more until a lottery was lost: the keys, and so the draws, are fresh every run)
    for round_ in range(40):
        if round_ >= 6 and lost > 0:
            break
        # When requests for 2..4 seats are drawn with slot hashes of our choosing
        request = await submit(client, media, 2, 4)
        r = request_account(network, request)
        slot_hash = hashlib.sha256(b"round" + bytes([round_])).digest()
        network.set_slot_hash(r.draw_slot, slot_hash)
        tried, expected = predicted(network, request, slot_hash)
        draw(network, request)
        # Then the program seated exactly the workers the SDK's rule picks, none of the ineligible ones
        r = request_account(network, request)
        assert seat_keys(r)[: len(expected)] == expected, round_
        assert not never & set(seat_keys(r))
        seats_taken |= set(seat_keys(r))
        # (counting the stake lotteries lost by eligible workers, to show the lottery was exercised)
        pool = workers_by_index(network)
        lost += sum(
            pool[c.pool_index].authority in low and c.lottery >= pool[c.pool_index].stake for c in tried
        )
    assert seats_taken <= {w.pubkey for w in eligible}
    assert lost > 0
    # And a worker registered after a submission is outside that request's pool
    request = await submit(client, media, 2)
    late = TestWorker.register(network, tmp_path, model=model)
    assert worker_state(network, late.pubkey).pool_index == request_account(network, request).pool_count
    draw(network, request)
    assert late.pubkey not in seat_keys(request_account(network, request))


async def test_the_draw_waits_for_its_slot_hash(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request just submitted: its draw slot (the next slot) has no hash yet
    request = await submit(client, media, 3)
    # When anyone draws at once, Then the program answers DRAW_TOO_EARLY
    with pytest.raises(DFPNError) as err:
        network.process([ix.draw_seats(request=request)], [network.funded_keypair()])
    assert err.value.code is ErrorCode.DRAW_TOO_EARLY
    assert drawing.lookup(network.slot_hashes(), request_account(network, request).draw_slot) is (
        SlotHashState.TOO_EARLY
    )
    # When the SDK draws, Then it waits for the slots to pass (the embedded network produces them) and draws
    slot = network.slot()
    result = await client.draw_seats(request)
    assert network.slot() >= slot + 2 and result.joined == 3
    # And the seed is the hash of the draw slot's hash
    r = request_account(network, request)
    slot_hash = dict(network.slot_hashes())[r.draw_slot]
    assert r.draw_seed == drawing.draw_seed(request, slot_hash)


async def test_an_expired_draw_slot_is_rearmed(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request nobody drew while its slot hash was in the SlotHashes window (512 slots)
    request = await submit(client, media, 3)
    draw_slot = request_account(network, request).draw_slot
    for _ in range(520):
        network.produce_slot()
    assert drawing.lookup(network.slot_hashes(), draw_slot) is SlotHashState.EXPIRED
    # When the SDK draws it
    result = await client.draw_seats(request)
    # Then its first transaction re-armed the draw with a later slot (DrawRearmed), and the next drew the seats
    first = await network.get_transaction(result.signatures[0])
    assert first is not None
    rearmed = [e for e in parse_logs(first.logs) if isinstance(e, DrawRearmed)]
    r = request_account(network, request)
    assert [e.draw_slot for e in rearmed] == [r.draw_slot] and r.draw_slot > draw_slot + 512
    assert result.joined == r.joined == 3 and drawing.seeded(r)


async def test_stale_accounts_are_read_again(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a worker pool cache that maps pool indices to the wrong workers (a reader of an old snapshot)
    request = await submit(client, media, 3)
    stale = WorkerPool(network)
    await stale.refresh()
    keys = list(stale._by_index)
    stale._by_index = dict(zip(keys, reversed(list(stale._by_index.values())), strict=True))
    # When the SDK draws with it, Then the program refuses the first candidates (DRAW_ACCOUNT_MISMATCH), the SDK
    # reads the pool again and draws
    result = await drawing.draw_seats(network, client.wallet, request, pool=stale)
    assert result.joined == 3
    # And a candidate that is not the drawn pool index's worker is refused by the program
    other = await submit(client, media, 3)
    r = request_account(network, other)
    network.set_slot_hash(r.draw_slot, hashlib.sha256(b"x").digest())
    seed = drawing.draw_seed(other, hashlib.sha256(b"x").digest())
    first = drawing.candidate(seed, 0, r.pool_count, config_account(network).params.draw_stake_cap)
    wrong = next(w for w in pool if workers_by_index(network)[first.pool_index].authority != w.pubkey)
    with pytest.raises(DFPNError) as err:
        network.process(
            [ix.draw_seats(request=other, candidates=[wrong.worker_pda])], [network.funded_keypair()]
        )
    assert err.value.code is ErrorCode.DRAW_ACCOUNT_MISMATCH


# ---- accepting, declining, replacing -------------------------------------------------------------------------


async def test_only_a_drawn_worker_accepts_its_seat(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request for 2 of 6 workers, drawn
    request = await submit(client, media, 2)
    drawn = seated(network, request, pool)
    outsider = next(w for w in pool if w not in drawn)
    # When a worker the draw did not seat tries to join, Then NOT_DRAWN
    with pytest.raises(DFPNError) as err:
        outsider.join(request)
    assert err.value.code is ErrorCode.NOT_DRAWN
    # When a drawn worker accepts, Then its seat is JOINED with the bond locked, and accepting twice is refused
    drawn[0].join(request)
    r = request_account(network, request)
    assert [s.state for s in r.seats[:2]] == [SEAT_STATE_JOINED, SEAT_STATE_DRAWN]
    assert worker_state(network, drawn[0].pubkey).bonded == r.seat_bond > 0
    assert worker_state(network, drawn[1].pubkey).bonded == 0
    with pytest.raises(DFPNError) as again:
        drawn[0].join(request)
    assert again.value.code is ErrorCode.ALREADY_JOINED


async def test_a_drawn_seat_declined_before_halfway_is_drawn_again(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request for 2 of 6 workers, drawn
    request = await submit(client, media, 2)
    first, second = seated(network, request, pool)
    # When the first declines its drawn seat (never accepted) in the first half of the commit window
    first.leave(request)
    # Then its seat is gone without touching its stake, and the next draw fills it from the pool
    r = request_account(network, request)
    assert seat_keys(r) == [second.pubkey]
    state = worker_state(network, first.pubkey)
    assert (state.stake, state.bonded, state.slashed_total) == (network.params.min_stake, 0, 0)
    result = await client.draw_seats(request)
    assert len(result.drawn) == 1 and request_account(network, request).joined == 2


async def test_seats_not_committed_half_a_commit_window_after_their_draw_are_replaced(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request for 3 workers: one accepts its seat and commits, one accepts and stays silent, one never
    # answers its draw
    request = await submit(client, media, 3)
    committer, squatter, silent = seated(network, request, pool)
    committer.join(request)
    committer.commit(request, Answer(Verdict.MANIPULATED, 90))
    squatter.join(request)
    r = request_account(network, request)
    answer_by = protocol.answer_by(r, r.seats[2])
    assert answer_by == r.seats[2].drawn_at + (r.commit_deadline - r.created_at) // 2
    insurance = network.balance(insurance_address())
    # When drawing before their answer_by, Then nothing happens (nothing to draw)
    assert (await client.draw_seats(request)).signatures == []
    assert drawing.unanswered_seats(r, answer_by - 1) == []
    # When drawing from then on
    network.set_time(answer_by)
    assert drawing.unanswered_seats(request_account(network, request), network.now()) == [
        squatter.pubkey,
        silent.pubkey,
    ]
    result = await client.draw_seats(request)
    # Then both seats that did not commit were replaced by other workers of the pool, and their bonds forfeited (the
    # squatter's locked bond released first)
    r = request_account(network, request)
    assert (
        sorted(result.replaced) == sorted([str(squatter.pubkey), str(silent.pubkey)])
        and len(result.drawn) == 2
    )
    assert seat_keys(r)[0] == committer.pubkey and r.joined == 3
    assert not {squatter.pubkey, silent.pubkey} & set(seat_keys(r))
    for w in (squatter, silent):
        state = worker_state(network, w.pubkey)
        assert (state.stake, state.bonded, state.active_seats, state.slashed_total) == (
            network.params.min_stake - r.seat_bond,
            0,
            0,
            r.seat_bond,
        )
    assert network.balance(insurance_address()) == insurance + 2 * r.seat_bond
    # And the committed seat kept its state and bond
    assert r.seats[0].state == SEAT_STATE_COMMITTED
    assert worker_state(network, committer.pubkey).bonded == r.seat_bond
    # And the newly drawn seats have half a commit window of their own: it runs past the commit deadline, so they are
    # never replaced, and their workers may still give them back
    late = r.seats[1]
    assert late.drawn_at == answer_by and protocol.answer_by(r, late) >= r.commit_deadline
    assert drawing.unanswered_seats(r, r.commit_deadline - 1) == []
    assert protocol.leave_open(r, late, network.now())
    assert (await client.draw_seats(request)).signatures == []


async def test_waiting_for_the_result_keeps_the_draw_moving(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request nobody drew
    request = await submit(client, media, 2)
    # When the client waits for its result, Then it draws the seats (and times out: nobody answers)
    with pytest.raises(DFPNError) as err:
        await client.wait_for_result(request, timeout=0.3)
    assert err.value.code is ErrorCode.TIMEOUT and "2 seats drawn, 0 accepted" in str(err.value)
    r = request_account(network, request)
    assert drawing.seeded(r) and r.joined == 2
    silent = seat_keys(r)
    # When it waits once the seats' time to answer is over, Then both are replaced (bonds forfeited) by workers
    # who have half a commit window of their own
    network.set_time(protocol.answer_by(r, r.seats[0]))
    with pytest.raises(DFPNError):
        await client.wait_for_result(request, timeout=0.3)
    r = request_account(network, request)
    assert r.joined == 2 and not set(silent) & set(seat_keys(r))
    assert all(worker_state(network, k).slashed_total == r.seat_bond for k in silent)
    assert all(worker_state(network, k).slashed_total == 0 for k in seat_keys(r))


async def test_a_seat_given_back_is_drawn_again_by_the_waiting_client(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a request for 2 of 6 workers whose first drawn worker gives its seat back
    request = await submit(client, media, 2)
    first, second = seated(network, request, pool)
    first.leave(request)
    assert seat_keys(request_account(network, request)) == [second.pubkey]
    # When the client waits for the result, Then it draws the free seat again (fewer than min_workers were drawn)
    with pytest.raises(DFPNError):
        await client.wait_for_result(request, timeout=0.3)
    r = request_account(network, request)
    assert r.joined == 2 and seat_keys(r)[0] == second.pubkey


def test_unanswered_seats_are_those_not_committed_half_a_window_after_their_draw() -> None:
    a, b, c, d = (Pubkey.new_unique() for _ in range(4))
    seats = [
        SimpleNamespace(authority=a, state=SEAT_STATE_DRAWN, drawn_at=0),
        SimpleNamespace(authority=b, state=SEAT_STATE_JOINED, drawn_at=0),
        SimpleNamespace(authority=c, state=SEAT_STATE_DRAWN, drawn_at=30),
        SimpleNamespace(authority=d, state=SEAT_STATE_COMMITTED, drawn_at=0),
    ]
    r: Any = SimpleNamespace(created_at=0, commit_deadline=100, joined=4, seats=seats)
    # Each seat has half the 100 s commit window from its own draw to commit; a committed one is never replaced
    assert drawing.unanswered_seats(r, 49) == []
    assert drawing.unanswered_seats(r, 50) == [a, b]
    assert drawing.unanswered_seats(r, 80) == [a, b, c]


# ---- the pool, the floor, an empty pool ------------------------------------------------------------------------


async def test_the_pool_is_read_with_one_sliced_query(
    network: LocalNetwork, pool: list[TestWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    real = network.program_accounts

    async def spy(discriminator: bytes, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return await real(discriminator, **kwargs)

    monkeypatch.setattr(network, "program_accounts", spy)
    cache = WorkerPool(network)
    # When the addresses of pool indices 0..5 are asked for, twice
    first = await cache.addresses(range(6))
    second = await cache.addresses([5, 0, 5])
    # Then one query (Worker size, only the 4-byte pool_index) answered both
    start = layout.offset(Worker, "pool_index")
    assert calls == [{"data_size": Worker.SIZE, "data_slice": (start, 4)}]
    assert first == [w.worker_pda for w in pool] and second == [first[5], first[0], first[5]]
    assert all(worker_state(network, w.pubkey).pool_index == i for i, w in enumerate(pool))
    # And an index not seen yet reads the pool again; one nobody has is DRAW_ACCOUNT_MISMATCH
    with pytest.raises(DFPNError) as err:
        await cache.addresses([6])
    assert err.value.code is ErrorCode.DRAW_ACCOUNT_MISMATCH and len(calls) == 2


async def test_requests_are_found_by_a_seats_authority_and_an_unset_seed(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    drawn_request = await submit(client, media, 2)
    undrawn = await submit(client, media, 2)
    drawn = seated(network, drawn_request, pool)
    authorities = layout.offsets(Request, "authority")
    assert len(authorities) == 10
    for w in pool:
        found = set()
        for at in authorities:
            for acc in await network.program_accounts(
                Request.DISCRIMINATOR, data_size=Request.SIZE, memcmp=[(at, bytes(w.pubkey))]
            ):
                found.add(acc.address)
        assert found == ({drawn_request} if w in drawn else set())
    unseeded = await network.program_accounts(
        Request.DISCRIMINATOR,
        data_size=Request.SIZE,
        memcmp=[(layout.offset(Request, "draw_seed"), bytes(32))],
    )
    assert {a.address for a in unseeded} == {undrawn}


async def test_min_workers_respects_the_networks_floor(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # Given a network whose floor is 4 workers per request
    set_params(network, min_workers_floor=4)
    # When a client asks for 3, Then the SDK refuses before sending anything, naming the floor
    sent = len(network._records)
    with pytest.raises(DFPNError) as err:
        await client.submit_request(media, modalities=FACE, min_workers=3)
    assert err.value.code is ErrorCode.MIN_WORKERS_BELOW_FLOOR and "floor of 4" in str(err.value)
    assert len(network._records) == sent
    # And the program refuses it too, when built by hand
    hand = ix.submit_request(
        client=client.wallet.pubkey(),
        nonce=7,
        content_hash=hashlib.sha256(b"media").digest(),
        storage_uri="file:///x",
        modalities=FACE,
        min_workers=3,
        max_workers=3,
        max_fee=LAMPORTS_PER_SOL,
        deadline=network.now() + 300,
    )
    with pytest.raises(DFPNError) as refused:
        network.process([hand], [client.wallet])
    assert refused.value.code is ErrorCode.MIN_WORKERS_BELOW_FLOOR and refused.value.program_code == 6078
    # When the client leaves min_workers to the SDK, Then it asks for the floor (above the default of 3)
    sub = await client.submit_request(media, modalities=FACE)
    assert (sub.min_workers, sub.max_workers) == (4, 4) and len(sub.drawn) == 4
    # And on a network with a floor below the default, the default is 3
    set_params(network, min_workers_floor=1)
    assert (await client.submit_request(media, modalities=FACE)).min_workers == 3


async def test_a_request_submitted_to_an_empty_pool_cannot_be_drawn(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path
) -> None:
    # Given no registered worker: the submission succeeds, its draw does not
    sub = await client.submit_request(media, modalities=FACE, min_workers=1)
    assert sub.drawn == [] and request_account(network, Pubkey.from_string(sub.id)).pool_count == 0
    with pytest.raises(DFPNError) as err:
        await client.draw_seats(sub.id)
    assert err.value.code is ErrorCode.NO_WORKERS_TO_DRAW
    # And the raw instruction says the same
    network.produce_slot()
    network.produce_slot()
    with pytest.raises(DFPNError) as raw:
        network.process([ix.draw_seats(request=Pubkey.from_string(sub.id))], [client.wallet])
    assert raw.value.code is ErrorCode.NO_WORKERS_TO_DRAW


async def test_choose_slot_hash_seats_the_wanted_workers(
    network: LocalNetwork, client: AsyncDFPNClient, pool: list[TestWorker], media: Path
) -> None:
    # The test helper other tests rely on: a chosen slot hash seats the named workers
    request = await submit(client, media, 2)
    wanted = [pool[4], pool[1]]
    draw(network, request, seat=wanted)
    assert set(seat_keys(request_account(network, request))) == {w.pubkey for w in wanted}
    assert run_sync(network.get_account(request)) is not None
