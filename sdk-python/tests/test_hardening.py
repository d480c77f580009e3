"""The protocol hardening of issue #14 through the SDK, on the real program in LiteSVM: nonces with the top bump,
answers the program would refuse stopped before sending, seat bonds (kept by leaving early, forfeited by holding a
seat to expiry), the two-step authority hand-over, the no-consensus charge and the reputation floor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, DFPNError, ErrorCode, LocalNetwork, Modality, Verdict, protocol
from dfpn import instructions as ix
from dfpn import pda as pda_module
from dfpn.client import _deadline, fee_charged
from dfpn.commitment import answer_codes, commitment
from dfpn.generated.constants import FINALIZE_GRACE_SECS, REPUTATION_START, SEAT_STATE_JOINED
from dfpn.generated.types import Config, Worker
from dfpn.pda import TOP_BUMP, config_address, insurance_address, request_address_and_bump, worker_address
from dfpn.protocol import SeatOutcome

from helpers import Answer, TestWorker, draw, request_account, seated

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE = [Modality.FACE_MANIPULATION]


def worker_state(network: LocalNetwork, w: TestWorker) -> Worker:
    acc = network.account(worker_address(w.pubkey))
    assert acc is not None
    return Worker.from_account_data(acc.data)


def config_state(network: LocalNetwork) -> Config:
    acc = network.account(config_address())
    assert acc is not None
    return Config.from_account_data(acc.data)


# ---- request nonces ------------------------------------------------------------------------------------------


async def test_the_sdk_retries_random_nonces_until_the_bump_is_the_top_one(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given random draws whose first three nonces have a canonical bump below 255, then one with 255
    me = client.wallet.pubkey()
    low = [n for n in range(1, 400) if request_address_and_bump(me, n)[1] < TOP_BUMP][:3]
    top = next(n for n in range(1, 400) if request_address_and_bump(me, n)[1] == TOP_BUMP)
    draws = iter([*low, top])
    monkeypatch.setattr(pda_module.secrets, "randbits", lambda bits: next(draws))
    # When submitting without a nonce
    sub = await client.submit_request(media, modalities=FACE, min_workers=1)
    # Then the low-bump nonces were passed over and the request has the top bump
    assert len(low) == 3 and sub.nonce == top
    assert request_account(network, Pubkey.from_string(sub.id)).bump == TOP_BUMP


async def test_top_bump_requests_cost_fewer_compute_units(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path
) -> None:
    # Given fresh requests with nonces the SDK chose
    subs = [await client.submit_request(media, modalities=FACE, min_workers=1) for _ in range(6)]
    # Then every one has the top canonical bump
    assert {request_account(network, Pubkey.from_string(s.id)).bump for s in subs} == {TOP_BUMP}
    # And a nonce whose canonical bump is lower (the program checks each bump above it) costs more compute
    me = client.wallet.pubkey()
    low = next(n for n in range(1, 400) if request_address_and_bump(me, n)[1] < TOP_BUMP)
    slow = await client.submit_request(media, modalities=FACE, min_workers=1, nonce=low)
    units = [network._records[s.signature].compute_units for s in subs]
    assert network._records[slow.signature].compute_units > max(units)


def test_random_request_nonces_have_the_top_bump() -> None:
    me = Keypair().pubkey()
    for _ in range(20):
        assert request_address_and_bump(me, pda_module.random_request_nonce(me))[1] == TOP_BUMP


# ---- answers the program refuses are refused before sending ---------------------------------------------------


def _answer(*, verdict: object, confidence: object) -> Any:
    """`commitment`'s arguments with this verdict and confidence."""
    zero = Pubkey.default()
    return {
        "request": zero,
        "worker": zero,
        "verdict": verdict,
        "confidence": confidence,
        "model": zero,
        "report_hash": bytes(32),
        "salt": bytes(32),
    }


@pytest.mark.parametrize("confidence", [101, 255, -1, 3.5, True])
def test_a_confidence_outside_0_to_100_is_refused(confidence: object) -> None:
    with pytest.raises(DFPNError) as err:
        commitment(**_answer(verdict=M, confidence=confidence))
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and "confidence" in str(err.value)


@pytest.mark.parametrize("verdict", [3, 255, -1, "Manipulated?"])
def test_an_unknown_verdict_is_refused(verdict: object) -> None:
    with pytest.raises(DFPNError) as err:
        commitment(**_answer(verdict=verdict, confidence=90))
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and "verdict" in str(err.value)


def test_every_known_verdict_and_confidence_bound_is_accepted() -> None:
    for v in Verdict:
        assert answer_codes(v, 0) == answer_codes(v.code, 0) == (v.code, 0)
        assert answer_codes(v, 100) == (v.code, 100)


async def test_an_out_of_range_answer_never_reaches_the_chain(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a worker drawn into a request's seat that accepted it
    sub = await client.submit_request(media, modalities=FACE, min_workers=1)
    request = Pubkey.from_string(sub.id)
    [w] = seated(network, request, workers)
    w.join(request)
    sent = len(network._records)
    # When it tries to commit confidence 101
    with pytest.raises(DFPNError) as err:
        w.commit(request, Answer(M, 101))
    # Then the SDK refused it naming the field, nothing was sent, and the seat is still uncommitted
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and "confidence" in str(err.value)
    assert len(network._records) == sent
    r = request_account(network, request)
    assert (r.commits, r.seats[0].state) == (0, SEAT_STATE_JOINED)


async def test_the_program_refuses_what_the_sdk_would_not_send_and_says_why(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given two workers, one seated with a committed answer
    sub = await client.submit_request(media, modalities=FACE, min_workers=1)
    request = Pubkey.from_string(sub.id)
    [w] = seated(network, request, workers)
    other = next(x for x in workers if x is not w)
    w.join(request)
    # When its commit names another worker's account (built by hand: the SDK derives the signer's own)
    honest = ix.commit_result(authority=w.pubkey, request=request, commitment=bytes(32), model=w.model)
    accounts = list(honest.accounts)
    accounts[2] = AccountMeta(worker_address(other.pubkey), False, False)
    with pytest.raises(DFPNError) as err:
        network.process([Instruction(honest.program_id, bytes(honest.data), accounts)], [w.keypair])
    # Then it is Unauthorized, with the message and hint about whose key signs for an account
    assert err.value.code is ErrorCode.UNAUTHORIZED
    assert "Signer is not the authority of this account" in str(err.value)
    assert "the worker's operator key or the model's developer key" in str(err.value)
    # When it reveals a confidence above 100 (built by hand: the SDK's commitment refuses one)
    w.commit(request, Answer(M, 90))
    _, report_hash, salt, uri = w.answers[str(request)]
    reveal = ix.reveal_result(
        authority=w.pubkey,
        request=request,
        verdict=M,
        confidence=101,
        report_hash=report_hash,
        salt=salt,
        report_uri=uri,
    )
    with pytest.raises(DFPNError) as err:
        network.process([reveal], [w.keypair])
    # Then the program refuses it as InvalidConfidence (no longer InvalidVerdict)
    assert err.value.code is ErrorCode.INVALID_CONFIDENCE and "Confidence is above 100" in str(err.value)


# ---- deadlines -------------------------------------------------------------------------------------------------


def test_the_clock_slack_stops_at_the_network_maximum() -> None:
    assert _deadline(1_000, 300, 10, 86_400) == 1_310
    assert _deadline(1_000, 86_400, 10, 86_400) == 87_400
    assert _deadline(1_000, 86_395, 10, 86_400) == 87_400
    # (asking for more than the maximum is left to the program: DEADLINE_TOO_LONG)
    assert _deadline(1_000, 86_401, 10, 86_400) == 87_411


async def test_a_deadline_beyond_the_maximum_is_deadline_too_long(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a transport that adds clock slack (as JSON-RPC ones do)
    monkeypatch.setattr(network, "clock_slack", 10, raising=False)
    longest = network.params.max_deadline_secs
    # When asking for exactly the maximum, Then the slack is cut and the program accepts it
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=longest)
    assert sub.deadline == network.now() + longest
    # When asking for one second more, Then the program refuses it
    with pytest.raises(DFPNError) as err:
        await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=longest + 1)
    assert err.value.code is ErrorCode.DEADLINE_TOO_LONG


# ---- seat bonds ----------------------------------------------------------------------------------------------


async def test_leaving_early_gives_the_bond_back(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a worker drawn into a request for 3 workers that accepted: the seat's bond is locked in its stake
    sub = await client.submit_request(media, modalities=FACE, min_workers=3)
    request = Pubkey.from_string(sub.id)
    w = workers[0]
    assert str(w.pubkey) in sub.drawn
    w.join(request)
    r = request_account(network, request)
    bond = protocol.seat_bond(r.fee, r.min_workers, network.params.seat_bond_multiplier)
    assert r.seat_bond == bond > 0
    assert (worker_state(network, w).bonded, worker_state(network, w).active_seats) == (bond, 1)
    # When it leaves within half a commit window of its draw
    w.leave(request)
    # Then the seat is free, the bond released and the stake whole
    state = worker_state(network, w)
    assert (state.bonded, state.active_seats, state.stake) == (0, 0, network.params.min_stake)
    r = request_account(network, request)
    assert r.joined == 2 and w.pubkey not in [s.authority for s in r.seats[: r.joined]]
    # And the seat is drawn again: the only worker of the pool not seated is this one, which accepts again
    draw(network, request)
    w.join(request)
    # And half a commit window after its draw the seat can no longer be given back
    r = request_account(network, request)
    seat = next(s for s in r.seats[: r.joined] if s.authority == w.pubkey)
    answer_by = protocol.answer_by(r, seat)
    assert answer_by == seat.drawn_at + (r.commit_deadline - r.created_at) // 2
    assert protocol.leave_open(r, seat, answer_by - 1)
    network.set_time(answer_by)
    assert not protocol.leave_open(r, seat, answer_by)
    with pytest.raises(DFPNError) as err:
        w.leave(request)
    assert err.value.code is ErrorCode.LEAVE_WINDOW_CLOSED


async def test_a_seat_held_to_expiry_forfeits_its_bond_to_insurance(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a request for 3 workers, all three drawn: one commits, one accepts its seat and never commits, one
    # never even accepts its drawn seat
    sub = await client.submit_request(media, modalities=FACE, min_workers=3)
    request = Pubkey.from_string(sub.id)
    committer, squatter, absent = workers
    for w in (committer, squatter):
        w.join(request)
    committer.commit(request, Answer(M, 90))
    bond = request_account(network, request).seat_bond
    insurance = network.balance(insurance_address())
    # When the commit phase ends without enough commitments and the client's SDK expires it
    network.set_time(sub.commit_deadline)
    await client.expire(sub.id)
    # Then the squatter's and the absent worker's bonds moved from their stake to insurance, the committer lost
    # nothing
    assert network.balance(insurance_address()) == insurance + 2 * bond
    held, served = worker_state(network, squatter), worker_state(network, committer)
    assert (held.stake, held.bonded, held.active_seats) == (network.params.min_stake - bond, 0, 0)
    assert (served.stake, served.bonded, served.active_seats) == (network.params.min_stake, 0, 0)
    ignored = worker_state(network, absent)
    assert (ignored.stake, ignored.bonded, ignored.active_seats) == (network.params.min_stake - bond, 0, 0)


# ---- configuration authority ---------------------------------------------------------------------------------


def test_the_authority_is_handed_over_in_two_steps(network: LocalNetwork) -> None:
    old, new, stranger = network.authority, network.funded_keypair(), network.funded_keypair()
    # Given a key that is not the authority, Then it cannot change the configuration, and is told so
    with pytest.raises(DFPNError) as err:
        network.process([ix.update_config(authority=stranger.pubkey(), params=network.params)], [stranger])
    assert err.value.code is ErrorCode.NOT_CONFIG_AUTHORITY and err.value.program_code == 6057
    assert "Signer is not the configuration authority" in str(err.value)
    assert "Only the configuration authority may do this; sign with its key." in str(err.value)
    # When the authority proposes a successor, Then nothing changes until it accepts, and nobody else can
    network.process([ix.propose_authority(authority=old.pubkey(), new_authority=new.pubkey())], [old])
    assert (config_state(network).authority, config_state(network).pending_authority) == (
        old.pubkey(),
        new.pubkey(),
    )
    with pytest.raises(DFPNError) as err:
        network.process([ix.accept_authority(new_authority=stranger.pubkey())], [stranger])
    assert err.value.code is ErrorCode.NOT_PENDING_AUTHORITY
    assert "Sign with the key named by propose_authority" in str(err.value)
    # When the successor accepts, Then it is the authority and the old key is not
    network.process([ix.accept_authority(new_authority=new.pubkey())], [new])
    assert (config_state(network).authority, config_state(network).pending_authority) == (
        new.pubkey(),
        Pubkey.default(),
    )
    network.process([ix.update_config(authority=new.pubkey(), params=network.params)], [new])
    with pytest.raises(DFPNError) as err:
        network.process([ix.set_paused(authority=old.pubkey(), paused=True)], [old])
    assert err.value.code is ErrorCode.NOT_CONFIG_AUTHORITY


# ---- finalization --------------------------------------------------------------------------------------------


async def test_without_consensus_only_the_no_consensus_share_is_charged(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given two revealers of equal weight that disagree (no consensus)
    sub = await client.submit_request(media, modalities=FACE, min_workers=2)
    request = Pubkey.from_string(sub.id)
    ws = seated(network, request, workers)
    for w, a in zip(ws, [Answer(M, 90), Answer(A, 90)], strict=True):
        w.join(request)
        w.commit(request, a)
    for w in ws:
        w.reveal(request)
    before = network.balance(client.wallet.pubkey())
    # When a third party finalizes it, after the grace period that reserves finalizing for the client
    network.set_time(request_account(network, request).deadline + FINALIZE_GRACE_SECS)
    cranker = network.funded_keypair()
    network.process(
        [ix.finalize_request(request=request, request_data=request_account(network, request))], [cranker]
    )
    # Then the client got back all but the no-consensus share of the fee
    r = request_account(network, request)
    charged = protocol.charged_fee(r.fee, 2, False, network.params.no_consensus_fee_bps)
    assert 0 < charged < r.fee
    assert network.balance(client.wallet.pubkey()) == before + r.fee - charged
    # And the result reports the fee charged, not the whole fee
    async with AsyncDFPNClient(network) as reader:
        assert (await reader.wait_for_result(sub.id, timeout=5)).fee_lamports == charged == fee_charged(r)
    # And both revealers were paid their part of it, reputation unchanged
    for w in ws:
        state = worker_state(network, w)
        assert state.rewards == protocol.split_fee(charged, 2).per_worker
        assert state.reputation == protocol.finalize_reputation(REPUTATION_START, SeatOutcome.NO_CONSENSUS, 1_000, 2)


async def test_agreeing_alone_earns_but_does_not_raise_reputation(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a request for one worker, answered and finalized
    sub = await client.submit_request(media, modalities=FACE, min_workers=1)
    request = Pubkey.from_string(sub.id)
    [w] = seated(network, request, workers)
    before = worker_state(network, w).reputation
    w.join(request)
    w.commit(request, Answer(M, 90))
    w.reveal(request)
    result = await client.wait_for_result(sub.id, timeout=5)
    # Then it is paid and counted as agreeing, but one revealer cannot raise its own reputation
    state = worker_state(network, w)
    assert result.verdict is M and state.jobs_agreed == 1 and state.rewards > 0
    assert state.reputation == before == protocol.finalize_reputation(before, SeatOutcome.AGREED, 1_000, 1)
