"""Instruction builders: account lists and flags exactly as the IDL, PDAs from the IDL's seeds."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import REFERENCE_PARAMS, Verdict
from dfpn import instructions as ix
from dfpn.generated import PROGRAM_ID
from dfpn.generated.instructions import (
    INSTRUCTIONS,
    ProposeModelTransferArgs,
    RegisterChallengerArgs,
    RegisterWorkerArgs,
    RevealChallengeArgs,
    RevealResultArgs,
    SubmitRequestArgs,
    UpdateWorkerArgs,
    WithdrawInsuranceArgs,
)
from dfpn.generated.types import Request, Seat
from dfpn.pda import (
    challenger_address,
    config_address,
    encode_model_id,
    insurance_address,
    model_address,
    program_data_address,
    request_address_and_bump,
    worker_address,
)

A, B, C = (Keypair().pubkey() for _ in range(3))
MODEL = "face-forensics-sbi"
#: The model A registered as MODEL, and another one.
MODEL_A, OTHER = model_address(A, MODEL), model_address(B, MODEL)
SYSTEM = Pubkey.from_string("11111111111111111111111111111111")
#: submit_request's arguments but the attestation.
SUBMIT: dict[str, Any] = {
    "client": A,
    "nonce": 42,
    "content_hash": b"\1" * 32,
    "storage_uri": "file:///x",
    "modalities": 2,
    "min_workers": 3,
    "max_workers": 3,
    "max_fee": 10,
    "deadline": 100,
}
BUILT: dict[str, tuple[Instruction, dict[str, Any]]] = {
    # name: (instruction, the values the IDL's "account"/"arg" seeds refer to)
    "initialize_config": (ix.initialize_config(authority=A, params=REFERENCE_PARAMS), {}),
    "update_config": (ix.update_config(authority=A, params=REFERENCE_PARAMS), {}),
    "propose_authority": (ix.propose_authority(authority=A, new_authority=B), {}),
    "accept_authority": (ix.accept_authority(new_authority=B), {}),
    "set_paused": (ix.set_paused(authority=A, paused=True), {}),
    "withdraw_treasury": (ix.withdraw_treasury(authority=A, recipient=B, amount=5), {}),
    "register_model": (
        ix.register_model(developer=A, model_id=MODEL, payout_wallet=B, modalities=3),
        {"model_id": encode_model_id(MODEL)},
    ),
    "update_model": (ix.update_model(developer=A, model=MODEL_A, payout_wallet=B, modalities=3), {}),
    "deactivate_model": (ix.deactivate_model(developer=A, model=MODEL_A), {}),
    "claim_model_fees": (ix.claim_model_fees(model=MODEL_A, payout_wallet=B), {}),
    "propose_model_transfer": (ix.propose_model_transfer(developer=A, model=MODEL_A, new_developer=B), {}),
    "accept_model_transfer": (ix.accept_model_transfer(new_developer=B, model=MODEL_A), {}),
    "withdraw_insurance": (ix.withdraw_insurance(authority=A, recipient=B, amount=5), {}),
    "register_worker": (ix.register_worker(authority=A, stake=10, modalities=31, models=[MODEL_A]), {}),
    "add_stake": (ix.add_stake(authority=A, amount=10), {}),
    "update_worker": (ix.update_worker(authority=A, modalities=31, models=[MODEL_A, OTHER]), {}),
    "request_unstake": (ix.request_unstake(authority=A, amount=10), {}),
    "withdraw_stake": (ix.withdraw_stake(authority=A), {}),
    "claim_worker_rewards": (ix.claim_worker_rewards(authority=A), {}),
    "submit_request": (ix.submit_request(**SUBMIT), {"nonce": 42}),
    "draw_seats": (ix.draw_seats(request=B), {}),
    "join_request": (ix.join_request(authority=A, request=B), {}),
    "leave_request": (ix.leave_request(authority=A, request=B), {}),
    "commit_result": (ix.commit_result(authority=A, request=B, commitment=b"\2" * 32, model=MODEL_A), {}),
    "reveal_result": (
        ix.reveal_result(
            authority=A,
            request=B,
            verdict=Verdict.MANIPULATED,
            confidence=90,
            report_hash=b"\3" * 32,
            salt=b"\4" * 32,
            report_uri="file:///r",
        ),
        {},
    ),
    "close_request": (ix.close_request(client=A, request=B), {}),
    "register_challenger": (ix.register_challenger(authority=A, challenger=B), {"challenger": B}),
    "remove_challenger": (ix.remove_challenger(authority=A, challenger=B), {}),
    "reveal_challenge": (
        ix.reveal_challenge(client=A, request=B, label=Verdict.MANIPULATED, salt=b"\5" * 32),
        {},
    ),
}


def seed_bytes(seed: Any, names: dict[str, Pubkey], args: dict[str, Any]) -> bytes:
    if seed.kind == "const":
        return bytes(seed.value)
    if seed.kind == "account":
        return bytes(names[seed.value])
    value = args[seed.value]
    return value.to_bytes(8, "little") if isinstance(value, int) else bytes(value)


def test_every_instruction_has_a_builder() -> None:
    builders = {n for n, f in inspect.getmembers(ix, inspect.isfunction) if f.__module__ == ix.__name__}
    assert set(INSTRUCTIONS) <= builders
    assert set(INSTRUCTIONS) - {"finalize_request", "expire_request"} == set(BUILT)


def test_fixed_accounts_follow_the_idl() -> None:
    for name, (instruction, args) in BUILT.items():
        spec = INSTRUCTIONS[name]
        # Given a built instruction, Then program, discriminator and the account count are the IDL's
        assert instruction.program_id == PROGRAM_ID
        assert bytes(instruction.data[:8]) == spec.discriminator
        metas = instruction.accounts
        assert len(metas) == len(spec.accounts), name
        names = {a.name: m.pubkey for a, m in zip(spec.accounts, metas, strict=True)}
        for a, m in zip(spec.accounts, metas, strict=True):
            # And every account has the IDL's signer and writable flags, fixed address and PDA seeds
            assert (m.is_signer, m.is_writable) == (a.signer, a.writable), f"{name}.{a.name}"
            if a.address:
                assert str(m.pubkey) == a.address
            if a.seeds:
                seeds = [seed_bytes(s, names, args) for s in a.seeds]
                owner = PROGRAM_ID if a.program is None else Pubkey(seed_bytes(a.program, names, args))
                assert m.pubkey == Pubkey.find_program_address(seeds, owner)[0], f"{name}.{a.name}"


def test_submit_request_passes_the_canonical_bump_then_the_attestation() -> None:
    instruction, _ = BUILT["submit_request"]
    args = SubmitRequestArgs.decode(bytes(instruction.data))
    address, bump = request_address_and_bump(A, 42)
    assert args.bump == bump and instruction.accounts[1].pubkey == address
    # And the attestation is the last 32 bytes of the data: a given one as given
    given = ix.submit_request(**SUBMIT, attestation=b"\7" * 32)
    assert SubmitRequestArgs.decode(bytes(given.data)).attestation == b"\7" * 32
    assert bytes(given.data)[-32:] == b"\7" * 32


def test_submit_request_attestations_are_random_by_default() -> None:
    # Given two otherwise identical submissions without an attestation
    first, second = (SubmitRequestArgs.decode(bytes(ix.submit_request(**SUBMIT).data)) for _ in range(2))
    # Then each carries 32 fresh random bytes: they differ, and differ from any fixed value
    assert len(first.attestation) == len(second.attestation) == 32
    assert first.attestation != second.attestation
    assert bytes(32) not in (first.attestation, second.attestation)
    # And everything else is the same (positive control: the arguments are otherwise deterministic)
    assert first.nonce == second.nonce and first.bump == second.bump and first.deadline == second.deadline


@pytest.mark.parametrize("bad", [b"", b"\1" * 31, b"\1" * 33])
def test_an_attestation_that_is_not_32_bytes_is_refused(bad: bytes) -> None:
    # Positive control: 32 bytes are accepted
    ix.submit_request(**SUBMIT, attestation=b"\1" * 32)
    with pytest.raises(ValueError, match="attestation must be 32 bytes"):
        ix.submit_request(**SUBMIT, attestation=bad)


def test_challenger_builders() -> None:
    # Given the three challenge instructions, Then each names the key's challenger PDA
    register, _ = BUILT["register_challenger"]
    assert [m.pubkey for m in register.accounts] == [A, config_address(), challenger_address(B), SYSTEM]
    assert RegisterChallengerArgs.decode(bytes(register.data)).challenger == B
    remove, _ = BUILT["remove_challenger"]
    assert [(m.pubkey, m.is_signer, m.is_writable) for m in remove.accounts] == [
        (A, True, True),
        (config_address(), False, False),
        (challenger_address(B), False, True),
    ]
    reveal, _ = BUILT["reveal_challenge"]
    assert [m.pubkey for m in reveal.accounts] == [A, challenger_address(A), B]
    args = RevealChallengeArgs.decode(bytes(reveal.data))
    assert (args.label, args.salt) == (Verdict.MANIPULATED.code, b"\5" * 32)
    # And a label is sent as given, for the program to judge (it refuses anything but Authentic/Manipulated)
    raw = ix.reveal_challenge(client=A, request=B, label=0, salt=bytes(32))
    assert RevealChallengeArgs.decode(bytes(raw.data)).label == 0


def _request(states: list[int]) -> Request:
    seats = [
        Seat(
            authority=Keypair().pubkey(),
            commitment=bytes(32),
            report_hash=bytes(32),
            model=model_address(A, f"model-{i}"),
            state=s,
            verdict=2,
            confidence=90,
            report_uri_len=0,
            report_uri=bytes(128),
            drawn_at=0,
        )
        for i, s in enumerate(states)
    ]
    empty = Seat(Pubkey.default(), bytes(32), bytes(32), Pubkey.default(), 0, 0, 0, 0, bytes(128), 0)
    return Request(
        client=C, nonce=1, content_hash=bytes(32), modalities=2, min_workers=1, max_workers=10, status=0,
        joined=len(seats), commits=0, reveals=0, verdict=0, confidence=0, consensus=0, bump=255,
        storage_uri_len=0, storage_uri=bytes(200), fee=0, escrow=0, created_at=0, commit_deadline=0, deadline=0,
        finalized_at=0, non_reveal_slash_bps=30_000, reputation_alpha_bps=1_000, max_weight_bps=8_000,
        no_consensus_fee_bps=2_000, min_consensus_weight=5_000, seat_bond=0, challenge_slash_bps=200,
        challenged=0, challenge_label=0, reserved=bytes(12), draw_slot=0, draw_seed=bytes(32), draw_cursor=0,
        pool_count=0, attestation=bytes(32),
        seats=tuple(seats + [empty] * (10 - len(seats))),
    )  # fmt: skip


def test_finalize_remaining_accounts() -> None:
    # Given seats Revealed, Committed, Revealed, Joined
    r = _request([2, 1, 2, 0])
    instruction = ix.finalize_request(request=B, request_data=r)
    fixed = INSTRUCTIONS["finalize_request"].accounts
    rest = instruction.accounts[len(fixed) :]
    # Then the fixed accounts are request, client, config, treasury, insurance
    assert [m.pubkey for m in instruction.accounts[:2]] == [B, C]
    # And a writable worker PDA per seat, then a writable model PDA per revealed seat (the model its seat
    # committed with), in seat order
    seats = r.seats[:4]
    expected = [worker_address(s.authority) for s in seats] + [model_address(A, f"model-{i}") for i in (0, 2)]
    assert [m.pubkey for m in rest] == expected
    assert all(m.is_writable and not m.is_signer for m in rest)
    # And a cranker's finalize leaves the client unsigned (the IDL's flags)
    assert (instruction.accounts[1].is_signer, instruction.accounts[1].is_writable) == (False, True)


def test_the_clients_own_finalize_signs_as_the_client() -> None:
    # Given a request's client finalizing it
    r = _request([2, 2])
    own = ix.finalize_request(request=B, request_data=r, client_signs=True)
    # Then the client account (the 2nd) signs and stays writable, and nothing else changes
    assert (own.accounts[1].pubkey, own.accounts[1].is_signer, own.accounts[1].is_writable) == (C, True, True)
    other = ix.finalize_request(request=B, request_data=r)
    assert [m.pubkey for m in own.accounts] == [m.pubkey for m in other.accounts]
    assert [m.is_signer for m in own.accounts] == [i == 1 for i in range(len(other.accounts))]
    assert bytes(own.data) == bytes(other.data)


def test_expire_remaining_accounts() -> None:
    # Given seats Committed, Joined
    r = _request([1, 0])
    instruction = ix.expire_request(request=B, request_data=r)
    # Then the accounts are request, client, the insurance vault (it takes forfeited bonds), then a worker PDA
    # per seat, in seat order, all writable
    assert [m.pubkey for m in instruction.accounts] == [B, C, insurance_address()] + [
        worker_address(s.authority) for s in r.seats[:2]
    ]
    assert all(m.is_writable for m in instruction.accounts)


def test_commit_names_the_worker_and_the_model_and_reveal_does_not() -> None:
    # Given a commit with a model address
    commit, _ = BUILT["commit_result"]
    # Then its accounts are the authority, the request, the authority's worker PDA and that model
    assert [m.pubkey for m in commit.accounts] == [A, B, worker_address(A), MODEL_A]
    # And the reveal carries no model: only the authority and the request, the model is the seat's
    reveal, _ = BUILT["reveal_result"]
    assert [m.pubkey for m in reveal.accounts] == [A, B]
    args = RevealResultArgs.decode(bytes(reveal.data))
    assert (args.verdict, args.confidence, args.report_uri) == (Verdict.MANIPULATED.code, 90, "file:///r")


def test_initialize_config_passes_the_program_data_account() -> None:
    # Given initialize_config, Then it passes the program's ProgramData (read-only, not a signer)
    at = [a.name for a in INSTRUCTIONS["initialize_config"].accounts].index("program_data")
    instruction, _ = BUILT["initialize_config"]
    meta = instruction.accounts[at]
    assert (meta.pubkey, meta.is_signer, meta.is_writable) == (program_data_address(), False, False)
    # And for another program id it is that program's
    other = Keypair().pubkey()
    moved = ix.initialize_config(authority=A, params=REFERENCE_PARAMS, program_id=other)
    assert moved.accounts[at].pubkey == program_data_address(other) != meta.pubkey


def test_workers_declare_model_addresses() -> None:
    # Given register_worker and update_worker with model addresses, Then the arguments carry those addresses
    register, _ = BUILT["register_worker"]
    update, _ = BUILT["update_worker"]
    assert RegisterWorkerArgs.decode(bytes(register.data)).models == (MODEL_A,)
    assert UpdateWorkerArgs.decode(bytes(update.data)).models == (MODEL_A, OTHER)
    # And the same id registered by two developers is two models
    assert MODEL_A != OTHER


def test_model_builders_take_the_model_address() -> None:
    # Given the model instructions built for MODEL_A, Then the model account is that address, whoever signs
    for name in ("update_model", "deactivate_model", "propose_model_transfer", "accept_model_transfer"):
        instruction, _ = BUILT[name]
        assert instruction.accounts[1].pubkey == MODEL_A, name
    claim, _ = BUILT["claim_model_fees"]
    assert [m.pubkey for m in claim.accounts] == [MODEL_A, B]
    # And the proposal carries the successor, the acceptance is signed by it
    propose, _ = BUILT["propose_model_transfer"]
    assert ProposeModelTransferArgs.decode(bytes(propose.data)).new_developer == B
    accept, _ = BUILT["accept_model_transfer"]
    assert (accept.accounts[0].pubkey, accept.accounts[0].is_signer) == (B, True)
    assert bytes(accept.data) == INSTRUCTIONS["accept_model_transfer"].discriminator


def test_withdraw_insurance_moves_the_amount_from_the_insurance_vault() -> None:
    instruction, _ = BUILT["withdraw_insurance"]
    assert [m.pubkey for m in instruction.accounts] == [A, config_address(), insurance_address(), B]
    assert WithdrawInsuranceArgs.decode(bytes(instruction.data)).amount == 5


def test_draw_seats_remaining_accounts() -> None:
    # Given two seats to replace and three candidates (one named twice: a pool index drawn twice)
    replaced = [worker_address(Pubkey.new_unique()) for _ in range(2)]
    first, second = worker_address(Pubkey.new_unique()), worker_address(Pubkey.new_unique())
    instruction = ix.draw_seats(request=B, replaced=replaced, candidates=[first, second, first])
    fixed = INSTRUCTIONS["draw_seats"].accounts
    # Then the fixed accounts are request, config, the SlotHashes sysvar and insurance
    assert [m.pubkey for m in instruction.accounts[: len(fixed)]] == [
        B,
        config_address(),
        Pubkey.from_string("SysvarS1otHashes111111111111111111111111111"),
        insurance_address(),
    ]
    # And the replaced seats' workers come first, writable, then the candidates in order, read-only
    rest = instruction.accounts[len(fixed) :]
    assert [(m.pubkey, m.is_signer, m.is_writable) for m in rest] == [
        *((w, False, True) for w in replaced),
        (first, False, False),
        (second, False, False),
        (first, False, False),
    ]
