"""Known-answer challenges and the finalize grace period through the SDK, on the real program in LiteSVM:
governance registers and removes challengers, every request carries an attestation (random unless a challenger
commits to a label), a challenger reveals its label after the reveals, and finalize pays the label, not the
consensus. Until FINALIZE_GRACE_SECS after the deadline only the client (signing) may finalize."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import (
    AsyncDFPNClient,
    Challenge,
    DFPNError,
    ErrorCode,
    LocalNetwork,
    Modality,
    Verdict,
    challenge_attestation,
    protocol,
)
from dfpn import instructions as ix
from dfpn.client import fee_charged
from dfpn.events import parse_logs
from dfpn.generated.constants import (
    CHALLENGE_DOMAIN,
    FINALIZE_GRACE_SECS,
    REPUTATION_START,
    REQUEST_STATUS_FINALIZED,
)
from dfpn.generated.types import (
    Challenger,
    ChallengeRevealed,
    ChallengerRegistered,
    ChallengerRemoved,
    RequestFinalized,
    Worker,
    WorkerSlashed,
)
from dfpn.pda import challenger_address, random_request_nonce, request_address, worker_address

from helpers import Answer, TestWorker, request_account

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE = [Modality.FACE_MANIPULATION]
SALT = bytes(range(32))


def register(network: LocalNetwork, key: Pubkey) -> None:
    authority = network.authority
    network.process([ix.register_challenger(authority=authority.pubkey(), challenger=key)], [authority])


def challenger_state(network: LocalNetwork, key: Pubkey) -> Challenger | None:
    acc = network.account(challenger_address(key))
    return None if acc is None else Challenger.from_account_data(acc.data)


def worker_state(network: LocalNetwork, w: TestWorker) -> Worker:
    acc = network.account(worker_address(w.pubkey))
    assert acc is not None
    return Worker.from_account_data(acc.data)


async def submit_challenge(
    client: AsyncDFPNClient, media: Path, challenge: Challenge, *, min_workers: int = 3
) -> tuple[Pubkey, int]:
    """Submit `media` as `challenge`: choose the nonce, commit to the label for that request address."""
    nonce = random_request_nonce(client.wallet.pubkey())
    address = request_address(client.wallet.pubkey(), nonce)
    sub = await client.submit_request(
        media,
        modalities=FACE,
        min_workers=min_workers,
        nonce=nonce,
        attestation=challenge.attestation(address),
    )
    assert sub.id == str(address)
    return address, nonce


def answer(workers: list[TestWorker], request: Pubkey, answers: list[Answer], *, reveal: bool = True) -> None:
    for w, a in zip(workers, answers, strict=True):
        w.join(request)
        w.commit(request, a)
    if reveal:
        for w in workers:
            w.reveal(request)


# ---- attestations ----------------------------------------------------------------------------------------------


def test_the_attestation_is_sha256_of_the_domain_request_label_and_salt() -> None:
    # Given a request address, a label and a salt
    request = Pubkey.from_bytes(bytes([9] * 32))
    # Then the attestation is sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt), as the program recomputes it
    want = hashlib.sha256(CHALLENGE_DOMAIN + bytes(request) + bytes([M.code]) + SALT).digest()
    assert challenge_attestation(request=request, label=M, salt=SALT) == want
    assert Challenge(M, SALT).attestation(request) == want
    # And another label, salt or request gives another attestation
    assert challenge_attestation(request=request, label=A, salt=SALT) != want
    assert challenge_attestation(request=request, label=M, salt=bytes(32)) != want
    assert challenge_attestation(request=Pubkey.from_bytes(bytes(32)), label=M, salt=SALT) != want
    # And a fresh Challenge draws its own random salt
    assert Challenge(M).salt != Challenge(M).salt and len(Challenge(M).salt) == 32


@pytest.mark.parametrize("label", [Verdict.INCONCLUSIVE, 0, 3, 255])
def test_a_challenge_label_is_authentic_or_manipulated(label: Verdict | int) -> None:
    # Positive controls: both definite verdicts (as enum or code) are labels
    for good in (M, A, M.code, A.code):
        assert len(challenge_attestation(request=Pubkey.default(), label=good, salt=SALT)) == 32
    with pytest.raises(DFPNError) as err:
        challenge_attestation(request=Pubkey.default(), label=label, salt=SALT)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT
    with pytest.raises(DFPNError):
        Challenge(label)  # type: ignore[arg-type]


def test_a_challenge_salt_is_32_bytes() -> None:
    assert Challenge(M, b"\1" * 32).salt == b"\1" * 32  # positive control
    with pytest.raises(ValueError, match="salt must be 32 bytes"):
        Challenge(M, b"\1" * 31)


async def test_random_attestations_differ_between_two_submissions(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path
) -> None:
    # Given two ordinary submissions of the same media by the same client
    first = await client.submit_request(media, modalities=FACE, min_workers=1)
    second = await client.submit_request(media, modalities=FACE, min_workers=1)
    # Then each request records 32 random bytes of its own (never zeroes), so no two look alike
    a = request_account(network, Pubkey.from_string(first.id)).attestation
    b = request_account(network, Pubkey.from_string(second.id)).attestation
    assert len(a) == len(b) == 32 and a != b and bytes(32) not in (a, b)
    assert (first.attestation, second.attestation) == (a.hex(), b.hex())
    info = await client.get_request(first.id)
    assert info.attestation == a.hex() and info.challenge_label is None
    # And a given attestation is recorded as given (positive control: the field is the submitted one)
    given = await client.submit_request(media, modalities=FACE, min_workers=1, attestation=b"\5" * 32)
    assert request_account(network, Pubkey.from_string(given.id)).attestation == b"\5" * 32


@pytest.mark.parametrize("bad", [b"", b"\1" * 31, b"\1" * 33])
async def test_an_attestation_that_is_not_32_bytes_is_refused_before_sending(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, bad: bytes
) -> None:
    with pytest.raises(DFPNError) as err:
        await client.submit_request(media, modalities=FACE, min_workers=1, attestation=bad)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and "attestation" in str(err.value)
    # Positive control: 32 bytes are sent
    await client.submit_request(media, modalities=FACE, min_workers=1, attestation=b"\1" * 32)


# ---- register_challenger / remove_challenger -------------------------------------------------------------------


def test_the_config_authority_registers_and_removes_a_challenger(network: LocalNetwork) -> None:
    # Given a key and the configuration authority
    key, authority = Keypair().pubkey(), network.authority
    before = network.balance(authority.pubkey())
    # When the authority registers it
    record = network.process(
        [ix.register_challenger(authority=authority.pubkey(), challenger=key)], [authority]
    )
    # Then its Challenger account exists (authority, registration time, no challenge yet, the canonical bump)
    state = challenger_state(network, key)
    assert state is not None
    bump = Pubkey.find_program_address([b"challenger", bytes(key)], network.program_id)[1]
    assert (state.authority, state.registered_at, state.challenges, state.bump) == (key, network.now(), 0, bump)
    # And the authority paid its rent, and ChallengerRegistered names the key
    rent = network.balance(challenger_address(key))
    assert rent == network.svm.minimum_balance_for_rent_exemption(Challenger.SIZE)
    assert before - network.balance(authority.pubkey()) == rent + record.fee
    assert parse_logs(record.logs) == [ChallengerRegistered(challenger=key)]
    # When the authority removes it, Then the account is closed, the rent returns, ChallengerRemoved is logged
    record = network.process([ix.remove_challenger(authority=authority.pubkey(), challenger=key)], [authority])
    assert challenger_state(network, key) is None
    assert parse_logs(record.logs) == [ChallengerRemoved(challenger=key)]
    assert before - network.balance(authority.pubkey()) == 5_000 * 2


def test_only_the_config_authority_registers_or_removes_challengers(network: LocalNetwork) -> None:
    stranger, key = network.funded_keypair(), Keypair().pubkey()
    # When another key registers a challenger, Then NOT_CONFIG_AUTHORITY and nothing is created
    with pytest.raises(DFPNError) as err:
        network.process([ix.register_challenger(authority=stranger.pubkey(), challenger=key)], [stranger])
    assert err.value.code is ErrorCode.NOT_CONFIG_AUTHORITY
    assert challenger_state(network, key) is None
    # Positive control: the authority can
    register(network, key)
    assert challenger_state(network, key) is not None
    # And registering the same key twice is refused (the account exists)
    with pytest.raises(DFPNError) as twice:
        register(network, key)
    assert twice.value.code is ErrorCode.ACCOUNT_ALREADY_INITIALIZED
    # When another key removes it, Then NOT_CONFIG_AUTHORITY and it stays registered
    with pytest.raises(DFPNError) as err:
        network.process([ix.remove_challenger(authority=stranger.pubkey(), challenger=key)], [stranger])
    assert err.value.code is ErrorCode.NOT_CONFIG_AUTHORITY
    assert challenger_state(network, key) is not None
    # Positive control: the authority can
    authority = network.authority
    network.process([ix.remove_challenger(authority=authority.pubkey(), challenger=key)], [authority])
    assert challenger_state(network, key) is None


# ---- a challenge end to end --------------------------------------------------------------------------------------


async def test_a_challenge_pays_the_label_not_the_consensus_end_to_end(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given a client registered as a challenger by the configuration authority
    wallet = network.funded_keypair()
    register(network, wallet.pubkey())
    stakes = [worker_state(network, w).stake for w in workers]
    async with AsyncDFPNClient(network, wallet) as client:
        # When it submits media it knows is Authentic, the attestation committing to that label
        challenge = Challenge(A)
        request, _ = await submit_challenge(client, media, challenge)
        r = request_account(network, request)
        assert r.attestation == challenge.attestation(request) and not r.challenged
        # And two workers answer Manipulated (the consensus), one Authentic, and all reveal
        answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(A, 70)])
        # And the client waits for the result with its challenge: it reveals the label, then finalizes
        result = await client.wait_for_result(str(request), timeout=10, challenge=challenge)
        info = await client.get_request(str(request))
    # Then the request shows the revealed label, its attestation and the slash rates it was submitted under
    assert (info.challenge_label, info.attestation) == (A, challenge.attestation(request).hex())
    assert (info.non_reveal_slash_bps, info.challenge_slash_bps) == (30_000, 200)
    # And the label was revealed before the finalization, which the client sent at once (no grace period)
    r = request_account(network, request)
    assert (r.status, r.challenged, r.challenge_label) == (REQUEST_STATUS_FINALIZED, 1, A.code)
    assert r.finalized_at < r.deadline
    revealed = [
        e
        for sig in await network.signatures_for_address(request)
        if (t := await network.get_transaction(sig)) is not None
        for e in parse_logs(t.logs)
        if isinstance(e, ChallengeRevealed)
    ]
    assert revealed == [ChallengeRevealed(request=request, label=A.code)]
    state = challenger_state(network, wallet.pubkey())
    assert state is not None and state.challenges == 1
    # And the recorded consensus is still Manipulated, but only the Authentic worker is paid: the whole fee
    assert result.verdict is M
    assert result.fee_lamports == r.fee == fee_charged(r)
    paid = worker_state(network, workers[2])
    assert (paid.rewards, paid.stake) == (protocol.split_fee(r.fee, 1).per_worker, stakes[2])
    # And each Manipulated worker lost challenge_slash_bps (2 %) of its stake and reputation
    assert r.challenge_slash_bps == network.params.challenge_slash_bps == 200
    for w, stake in zip(workers[:2], stakes[:2], strict=True):
        state_w = worker_state(network, w)
        slashed = protocol.challenge_slash(stake, r.challenge_slash_bps)
        assert slashed == stake * 2 // 100
        assert (state_w.rewards, state_w.stake, state_w.slashed_total) == (0, stake - slashed, slashed)
        assert state_w.reputation < REPUTATION_START < paid.reputation
    finalize = await network.get_transaction(result.audit.finalize_tx or "")
    assert finalize is not None
    events = parse_logs(finalize.logs)
    assert {e.worker for e in events if isinstance(e, WorkerSlashed)} == {w.pubkey for w in workers[:2]}
    assert any(isinstance(e, RequestFinalized) for e in events)


async def test_an_ordinary_request_is_judged_by_its_consensus(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Positive control of the test above: the same answers without a revealed challenge pay the consensus
    sub = await client.submit_request(media, modalities=FACE, min_workers=3)
    request = Pubkey.from_string(sub.id)
    answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(A, 70)])
    result = await client.wait_for_result(sub.id, timeout=10)
    r = request_account(network, request)
    assert result.verdict is M and not r.challenged
    assert [worker_state(network, w).rewards > 0 for w in workers] == [True, True, False]
    assert all(worker_state(network, w).slashed_total == 0 for w in workers)


async def test_reveal_challenge_refusals_each_with_its_positive_control(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    wallet = network.funded_keypair()
    challenge = Challenge(M, SALT)
    async with AsyncDFPNClient(network, wallet, auto_crank=False) as client:
        request, _ = await submit_challenge(client, media, challenge)
        answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(A, 70)], reveal=False)
        workers[0].reveal(request)

        async def refused(label: Verdict | int, salt: bytes) -> ErrorCode:
            with pytest.raises(DFPNError) as err:
                await client.reveal_challenge(str(request), label=label, salt=salt)
            return err.value.code

        # When the client is not (yet) a registered challenger, Then NOT_CHALLENGER
        assert await refused(M, SALT) is ErrorCode.NOT_CHALLENGER
        register(network, wallet.pubkey())
        # When two seats have not revealed yet, Then CHALLENGE_TOO_EARLY (no worker may learn the label)
        assert await refused(M, SALT) is ErrorCode.CHALLENGE_TOO_EARLY
        for w in workers[1:]:
            w.reveal(request)
        # When the label or the salt is not the committed one, Then CHALLENGE_MISMATCH
        assert await refused(A, SALT) is ErrorCode.CHALLENGE_MISMATCH
        assert await refused(M, bytes(32)) is ErrorCode.CHALLENGE_MISMATCH
        # When the label is not a definite verdict, Then INVALID_VERDICT
        assert await refused(Verdict.INCONCLUSIVE, SALT) is ErrorCode.INVALID_VERDICT
        # Positive control: the committed label and salt are accepted, once
        await client.reveal_challenge(str(request), label=M, salt=SALT)
        assert request_account(network, request).challenged == 1
        assert await refused(M, SALT) is ErrorCode.CHALLENGE_ALREADY_REVEALED
        # And after finalization nothing can be revealed any more
        await client.finalize(str(request))
        assert await refused(M, SALT) is ErrorCode.REQUEST_NOT_OPEN


async def test_a_removed_challenger_cannot_reveal_and_its_challenge_is_an_ordinary_request(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given a registered challenger's challenge, answered by all
    wallet = network.funded_keypair()
    register(network, wallet.pubkey())
    challenge = Challenge(A, SALT)
    async with AsyncDFPNClient(network, wallet) as client:
        request, _ = await submit_challenge(client, media, challenge)
        answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(A, 70)])
        # When governance removes the challenger, Then its reveal is refused
        authority = network.authority
        network.process(
            [ix.remove_challenger(authority=authority.pubkey(), challenger=wallet.pubkey())], [authority]
        )
        with pytest.raises(DFPNError) as err:
            await client.reveal_challenge(str(request), label=A, salt=SALT)
        assert err.value.code is ErrorCode.NOT_CHALLENGER
        # And the request finalizes by its consensus
        result = await client.wait_for_result(str(request), timeout=10)
    assert result.verdict is M and not request_account(network, request).challenged
    assert all(worker_state(network, w).slashed_total == 0 for w in workers)


async def test_a_challenge_nobody_matches_charges_nothing(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given a challenge labelled Authentic that every worker calls Manipulated
    wallet = network.funded_keypair()
    register(network, wallet.pubkey())
    challenge = Challenge(A)
    async with AsyncDFPNClient(network, wallet) as client:
        request, _ = await submit_challenge(client, media, challenge)
        answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(M, 70)])
        before = network.balance(wallet.pubkey())
        result = await client.wait_for_result(str(request), timeout=10, challenge=challenge)
        # Then nobody is paid, the fee is not charged (the escrow came back), and all three are slashed
        r = request_account(network, request)
        assert result.fee_lamports == fee_charged(r) == 0
        assert network.balance(wallet.pubkey()) > before
    assert all(worker_state(network, w).rewards == 0 for w in workers)
    assert all(worker_state(network, w).slashed_total > 0 for w in workers)


# ---- who may finalize when ----------------------------------------------------------------------------------------


async def test_a_crankers_finalize_waits_for_the_grace_period_the_clients_does_not(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given two requests answered by every worker (finalizable at once), and a cranker that is not their client
    owner = network.funded_keypair()
    cranker = network.funded_keypair()
    async with AsyncDFPNClient(network, owner, auto_crank=False) as client:
        subs = [await client.submit_request(media, modalities=FACE, min_workers=3) for _ in range(2)]
    requests = [Pubkey.from_string(s.id) for s in subs]
    for request in requests:
        answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(M, 70)])

    def finalize(request: Pubkey, *signers: Keypair, client_signs: bool = False) -> None:
        data = request_account(network, request)
        instruction = ix.finalize_request(request=request, request_data=data, client_signs=client_signs)
        network.process([instruction], list(signers))

    # When the cranker finalizes before the grace period is over, Then FINALIZE_RESERVED_FOR_CLIENT
    with pytest.raises(DFPNError) as err:
        finalize(requests[0], cranker)
    assert err.value.code is ErrorCode.FINALIZE_RESERVED_FOR_CLIENT
    # And the client's key must sign the instruction itself: a cranker paying for a client-signed finalize may
    # (positive control: the client's signature is what the program checks, not who pays)
    finalize(requests[0], cranker, owner, client_signs=True)
    assert request_account(network, requests[0]).status == REQUEST_STATUS_FINALIZED
    # When a reader's client (auto_crank, not the request's client) waits, Then it does not try to finalize early
    async with AsyncDFPNClient(network, cranker) as reader:
        attempts: list[str] = []
        finalize_now = reader.finalize

        async def counted(request_id: str | Pubkey) -> str:
            attempts.append(str(request_id))
            return await finalize_now(request_id)

        reader.finalize = counted  # type: ignore[method-assign]
        with pytest.raises(DFPNError) as timeout:
            await reader.wait_for_result(subs[1].id, timeout=0.3)
        assert timeout.value.code is ErrorCode.TIMEOUT and attempts == []
        # When the grace period after the deadline is over, Then the cranker's finalize goes through
        network.set_time(subs[1].deadline + FINALIZE_GRACE_SECS)
        result = await reader.wait_for_result(subs[1].id, timeout=5)
    assert result.verdict is M and attempts == [subs[1].id]
    finalizer = await network.get_transaction(result.audit.finalize_tx or "")
    assert finalizer is not None and finalizer.accounts[0] == cranker.pubkey()


async def test_the_clients_own_finalize_signs_and_goes_through_at_once(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    # Given a request answered by every worker, long before its deadline
    async with AsyncDFPNClient(network, auto_crank=False) as client:
        sub = await client.submit_request(media, modalities=FACE, min_workers=3, deadline_seconds=300)
        request = Pubkey.from_string(sub.id)
        answer(workers, request, [Answer(M, 90), Answer(M, 80), Answer(M, 70)])
        assert network.now() < sub.deadline
        # When its client finalizes with the SDK, Then the program accepts it (the client signs)
        signature = await client.finalize(sub.id)
    record = await network.get_transaction(signature)
    assert record is not None and record.accounts[0] == client.wallet.pubkey()
    assert request_account(network, request).status == REQUEST_STATUS_FINALIZED
