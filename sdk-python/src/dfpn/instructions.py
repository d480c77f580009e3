"""Builders for every instruction of the program, as solders `Instruction`s.

The fixed account lists come from the IDL (`dfpn.generated.instructions.INSTRUCTIONS`): each builder names the
accounts in IDL order and the signer/writable flags are taken from the IDL, so a builder cannot drift from it.
Every builder takes keyword arguments only, named as the IDL names the accounts and arguments (`request` is an
address; `request_data` a decoded `Request`; `model` a model's address, `dfpn.pda.model_address(developer,
model_id)`, which stays the same when the model changes hands).
`finalize_request` and `expire_request` append the variable accounts docs/protocol.md describes, read from the
request's seats.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from dfpn.commitment import random_attestation
from dfpn.generated import PROGRAM_ID
from dfpn.generated import instructions as gen
from dfpn.generated.constants import SEAT_STATE_REVEALED
from dfpn.generated.types import ConfigParams, Request
from dfpn.models import Modality, Verdict
from dfpn.pda import (
    challenger_address,
    config_address,
    encode_model_id,
    insurance_address,
    model_address,
    program_data_address,
    request_address_and_bump,
    treasury_address,
    worker_address,
)

logger = logging.getLogger(__name__)


def _mask(modalities: Iterable[Modality | int] | int) -> int:
    return modalities if isinstance(modalities, int) else Modality.mask(modalities)


def _build(
    name: str,
    accounts: Sequence[Pubkey],
    data: bytes,
    program_id: Pubkey,
    remaining: Sequence[AccountMeta] = (),
    *,
    signers: frozenset[str] = frozenset(),
) -> Instruction:
    """The instruction with the IDL's account flags; `signers` names accounts that sign although the IDL does
    not require it (an optional signer such as `finalize_request`'s client)."""
    spec = gen.INSTRUCTIONS[name]
    if len(accounts) != len(spec.accounts):
        raise ValueError(f"{name}: {len(spec.accounts)} accounts in the IDL, {len(accounts)} given")
    metas = [
        AccountMeta(key, a.signer or a.name in signers, a.writable)
        for key, a in zip(accounts, spec.accounts, strict=True)
    ]
    return Instruction(program_id, data, [*metas, *remaining])


# ---- configuration -----------------------------------------------------------------------------------------


def initialize_config(
    *, authority: Pubkey, params: ConfigParams, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`initialize_config`: only the program's upgrade authority may (the program's ProgramData account and the
    program's own account, which names it, are passed so the program can check it)."""
    return _build(
        "initialize_config",
        [
            authority,
            config_address(program_id),
            treasury_address(program_id),
            insurance_address(program_id),
            SYSTEM_PROGRAM_ID,
            program_data_address(program_id),
            program_id,
        ],
        gen.InitializeConfigArgs(params=params).encode(),
        program_id,
    )


def update_config(*, authority: Pubkey, params: ConfigParams, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    """`update_config`: new parameters (requests already submitted keep theirs)."""
    return _build(
        "update_config",
        [authority, config_address(program_id)],
        gen.UpdateConfigArgs(params=params).encode(),
        program_id,
    )


def propose_authority(
    *, authority: Pubkey, new_authority: Pubkey, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`propose_authority`: the authority names its successor (all zeroes withdraws the proposal)."""
    return _build(
        "propose_authority",
        [authority, config_address(program_id)],
        gen.ProposeAuthorityArgs(new_authority=new_authority).encode(),
        program_id,
    )


def accept_authority(*, new_authority: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    """`accept_authority`: the proposed authority signs and takes over the configuration."""
    return _build(
        "accept_authority",
        [new_authority, config_address(program_id)],
        gen.AcceptAuthorityArgs().encode(),
        program_id,
    )


def set_paused(*, authority: Pubkey, paused: bool, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "set_paused",
        [authority, config_address(program_id)],
        gen.SetPausedArgs(paused=paused).encode(),
        program_id,
    )


def withdraw_treasury(
    *, authority: Pubkey, recipient: Pubkey, amount: int, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    return _build(
        "withdraw_treasury",
        [authority, config_address(program_id), treasury_address(program_id), recipient],
        gen.WithdrawTreasuryArgs(amount=amount).encode(),
        program_id,
    )


def withdraw_insurance(
    *, authority: Pubkey, recipient: Pubkey, amount: int, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`withdraw_insurance`: the authority moves at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the insurance vault
    above rent to `recipient`, at most once per `INSURANCE_WITHDRAWAL_INTERVAL_SECS`."""
    return _build(
        "withdraw_insurance",
        [authority, config_address(program_id), insurance_address(program_id), recipient],
        gen.WithdrawInsuranceArgs(amount=amount).encode(),
        program_id,
    )


def register_challenger(
    *, authority: Pubkey, challenger: Pubkey, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`register_challenger`: the configuration authority lets `challenger` (a key) reveal known-answer challenges;
    it pays the rent of the challenger PDA `["challenger", challenger]`."""
    return _build(
        "register_challenger",
        [authority, config_address(program_id), challenger_address(challenger, program_id), SYSTEM_PROGRAM_ID],
        gen.RegisterChallengerArgs(challenger=challenger).encode(),
        program_id,
    )


def remove_challenger(
    *, authority: Pubkey, challenger: Pubkey, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`remove_challenger`: the configuration authority withdraws `challenger` (a key; its PDA is closed and the
    rent returns to the authority). Its unrevealed challenges become ordinary requests."""
    return _build(
        "remove_challenger",
        [authority, config_address(program_id), challenger_address(challenger, program_id)],
        gen.RemoveChallengerArgs().encode(),
        program_id,
    )


# ---- models ------------------------------------------------------------------------------------------------


def register_model(
    *,
    developer: Pubkey,
    model_id: str | bytes,
    payout_wallet: Pubkey,
    modalities: Iterable[Modality | int] | int,
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`register_model`: the model's address is `["model", developer, model_id]`."""
    mid = encode_model_id(model_id)
    return _build(
        "register_model",
        [developer, model_address(developer, mid, program_id), payout_wallet, SYSTEM_PROGRAM_ID],
        gen.RegisterModelArgs(model_id=mid, modalities=_mask(modalities)).encode(),
        program_id,
    )


def update_model(
    *,
    developer: Pubkey,
    model: Pubkey,
    payout_wallet: Pubkey,
    modalities: Iterable[Modality | int] | int,
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`update_model`: the model's current developer changes its payout wallet and modalities."""
    return _build(
        "update_model",
        [developer, model, payout_wallet],
        gen.UpdateModelArgs(modalities=_mask(modalities)).encode(),
        program_id,
    )


def deactivate_model(*, developer: Pubkey, model: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "deactivate_model",
        [developer, model],
        gen.DeactivateModelArgs().encode(),
        program_id,
    )


def claim_model_fees(*, model: Pubkey, payout_wallet: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "claim_model_fees",
        [model, payout_wallet],
        gen.ClaimModelFeesArgs().encode(),
        program_id,
    )


def propose_model_transfer(
    *, developer: Pubkey, model: Pubkey, new_developer: Pubkey, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`propose_model_transfer`: the model's developer names its successor (all zeroes withdraws the
    proposal); the model's address does not change."""
    return _build(
        "propose_model_transfer",
        [developer, model],
        gen.ProposeModelTransferArgs(new_developer=new_developer).encode(),
        program_id,
    )


def accept_model_transfer(
    *, new_developer: Pubkey, model: Pubkey, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`accept_model_transfer`: the proposed developer signs and takes the model over."""
    return _build(
        "accept_model_transfer",
        [new_developer, model],
        gen.AcceptModelTransferArgs().encode(),
        program_id,
    )


# ---- workers -----------------------------------------------------------------------------------------------


def register_worker(
    *,
    authority: Pubkey,
    stake: int,
    modalities: Iterable[Modality | int] | int,
    models: Sequence[Pubkey],
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`register_worker`: `models` are the addresses of the models the worker declares (1–4)."""
    return _build(
        "register_worker",
        [authority, worker_address(authority, program_id), config_address(program_id), SYSTEM_PROGRAM_ID],
        gen.RegisterWorkerArgs(stake=stake, modalities=_mask(modalities), models=tuple(models)).encode(),
        program_id,
    )


def add_stake(*, authority: Pubkey, amount: int, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "add_stake",
        [authority, worker_address(authority, program_id), SYSTEM_PROGRAM_ID],
        gen.AddStakeArgs(amount=amount).encode(),
        program_id,
    )


def update_worker(
    *,
    authority: Pubkey,
    modalities: Iterable[Modality | int] | int,
    models: Sequence[Pubkey],
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`update_worker`: new modalities and declared model addresses (1–4)."""
    return _build(
        "update_worker",
        [authority, worker_address(authority, program_id)],
        gen.UpdateWorkerArgs(modalities=_mask(modalities), models=tuple(models)).encode(),
        program_id,
    )


def request_unstake(*, authority: Pubkey, amount: int, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "request_unstake",
        [authority, worker_address(authority, program_id), config_address(program_id)],
        gen.RequestUnstakeArgs(amount=amount).encode(),
        program_id,
    )


def withdraw_stake(*, authority: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "withdraw_stake",
        [authority, worker_address(authority, program_id)],
        gen.WithdrawStakeArgs().encode(),
        program_id,
    )


def claim_worker_rewards(*, authority: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build(
        "claim_worker_rewards",
        [authority, worker_address(authority, program_id)],
        gen.ClaimWorkerRewardsArgs().encode(),
        program_id,
    )


# ---- requests ----------------------------------------------------------------------------------------------


def submit_request(
    *,
    client: Pubkey,
    nonce: int,
    content_hash: bytes,
    storage_uri: str,
    modalities: Iterable[Modality | int] | int,
    min_workers: int,
    max_workers: int,
    max_fee: int,
    deadline: int,
    attestation: bytes | None = None,
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`submit_request`; `deadline` is a unix timestamp; the canonical request bump follows it. `attestation`
    (the last argument, 32 bytes): by default 32 random bytes (`dfpn.commitment.random_attestation`), as every
    ordinary client sends; a registered challenger passes `dfpn.commitment.challenge_attestation(...)` of this
    request's address instead."""
    request, bump = request_address_and_bump(client, nonce, program_id)
    attestation = random_attestation() if attestation is None else bytes(attestation)
    if len(attestation) != 32:
        raise ValueError(f"attestation must be 32 bytes, got {len(attestation)}")
    args = gen.SubmitRequestArgs(
        nonce=nonce,
        content_hash=content_hash,
        storage_uri=storage_uri,
        modalities=_mask(modalities),
        min_workers=min_workers,
        max_workers=max_workers,
        max_fee=max_fee,
        deadline=deadline,
        bump=bump,
        attestation=attestation,
    )
    return _build(
        "submit_request",
        [client, request, config_address(program_id), SYSTEM_PROGRAM_ID],
        args.encode(),
        program_id,
    )


def draw_seats(
    *,
    request: Pubkey,
    replaced: Sequence[Pubkey] = (),
    candidates: Sequence[Pubkey] = (),
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`draw_seats` (anyone may send it): the request, the config, the SlotHashes sysvar and the insurance vault,
    then `replaced`, the writable worker PDAs of the seats not committed half a commit window after their draw
    (`dfpn.draw.unanswered_seats`, seat order; their bonds are forfeited and the seats drawn again), then
    `candidates`, read-only worker PDAs in
    draw order (candidate `k` must be the worker whose `pool_index` the draw names: `dfpn.draw.candidates`).
    `dfpn.draw.draw_seats` computes both lists and sends this until the seats are full."""
    slot_hashes = gen.INSTRUCTIONS["draw_seats"].accounts[2].address
    assert slot_hashes is not None
    remaining = [AccountMeta(w, False, True) for w in replaced]
    remaining += [AccountMeta(w, False, False) for w in candidates]
    return _build(
        "draw_seats",
        [request, config_address(program_id), Pubkey.from_string(slot_hashes), insurance_address(program_id)],
        gen.DrawSeatsArgs().encode(),
        program_id,
        remaining,
    )


def join_request(*, authority: Pubkey, request: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    """`join_request`: a drawn worker accepts its seat (`DRAWN` -> `JOINED`) and locks the seat bond; a worker the
    draw did not seat gets `NOT_DRAWN`."""
    return _build(
        "join_request",
        [authority, worker_address(authority, program_id), request, config_address(program_id)],
        gen.JoinRequestArgs().encode(),
        program_id,
    )


def leave_request(*, authority: Pubkey, request: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    """`leave_request`: give back a seat not yet committed, drawn or accepted, in the first half of the commit window
    (an accepted seat's bond is released); the seat is drawn again."""
    return _build(
        "leave_request",
        [authority, worker_address(authority, program_id), request],
        gen.LeaveRequestArgs().encode(),
        program_id,
    )


def commit_result(
    *,
    authority: Pubkey,
    request: Pubkey,
    commitment: bytes,
    model: Pubkey,
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`commit_result` with the authority's worker PDA and the address of the model the answer comes from (one
    the worker declared; the program fixes it in the seat and the reveal hashes with it)."""
    return _build(
        "commit_result",
        [authority, request, worker_address(authority, program_id), model],
        gen.CommitResultArgs(commitment=commitment).encode(),
        program_id,
    )


def reveal_result(
    *,
    authority: Pubkey,
    request: Pubkey,
    verdict: Verdict | int,
    confidence: int,
    report_hash: bytes,
    salt: bytes,
    report_uri: str,
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`reveal_result`: the committed answer (the model is the one the seat committed with)."""
    args = gen.RevealResultArgs(
        verdict=verdict.code if isinstance(verdict, Verdict) else verdict,
        confidence=confidence,
        report_hash=report_hash,
        salt=salt,
        report_uri=report_uri,
    )
    return _build("reveal_result", [authority, request], args.encode(), program_id)


def finalize_request(
    *, request: Pubkey, request_data: Request, client_signs: bool = False, program_id: Pubkey = PROGRAM_ID
) -> Instruction:
    """`finalize_request` with its remaining accounts: a writable worker PDA per seat (seat order), then a
    writable model PDA per revealed seat (seat order).

    `client_signs`: the request's client signs (its key must then sign the transaction), which lets it finalize as
    soon as the request is finalizable; anyone else (`client_signs=False`) may only from `FINALIZE_GRACE_SECS`
    after the deadline (`dfpn.protocol.finalizable_by_anyone`), before which the program answers
    `FINALIZE_RESERVED_FOR_CLIENT`."""
    seats = request_data.seats[: request_data.joined]
    remaining = [AccountMeta(worker_address(s.authority, program_id), False, True) for s in seats]
    remaining += [AccountMeta(s.model, False, True) for s in seats if s.state == SEAT_STATE_REVEALED]
    return _build(
        "finalize_request",
        [
            request,
            request_data.client,
            config_address(program_id),
            treasury_address(program_id),
            insurance_address(program_id),
        ],
        gen.FinalizeRequestArgs().encode(),
        program_id,
        remaining,
        signers=frozenset({"client"}) if client_signs else frozenset(),
    )


def expire_request(*, request: Pubkey, request_data: Request, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    """`expire_request` with the insurance vault (it receives the bonds of seats that never committed), then a
    writable worker PDA per seat, in seat order."""
    seats = request_data.seats[: request_data.joined]
    remaining = [AccountMeta(worker_address(s.authority, program_id), False, True) for s in seats]
    return _build(
        "expire_request",
        [request, request_data.client, insurance_address(program_id)],
        gen.ExpireRequestArgs().encode(),
        program_id,
        remaining,
    )


def close_request(*, client: Pubkey, request: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Instruction:
    return _build("close_request", [client, request], gen.CloseRequestArgs().encode(), program_id)


def reveal_challenge(
    *,
    client: Pubkey,
    request: Pubkey,
    label: Verdict | int,
    salt: bytes,
    program_id: Pubkey = PROGRAM_ID,
) -> Instruction:
    """`reveal_challenge`: the request's client, a registered challenger, opens the attestation it submitted
    (`label`: Authentic or Manipulated, and the `salt`), once the request is finalizable and before it is
    finalized; `finalize_request` then pays the revealers whose verdict is `label` and slashes the others. The
    label is sent as given (the program refuses anything but Authentic or Manipulated with `INVALID_VERDICT`)."""
    return _build(
        "reveal_challenge",
        [client, challenger_address(client, program_id), request],
        gen.RevealChallengeArgs(
            label=label.code if isinstance(label, Verdict) else label, salt=bytes(salt)
        ).encode(),
        program_id,
    )


__all__ = [
    "accept_authority",
    "accept_model_transfer",
    "add_stake",
    "claim_model_fees",
    "claim_worker_rewards",
    "close_request",
    "commit_result",
    "deactivate_model",
    "draw_seats",
    "expire_request",
    "finalize_request",
    "initialize_config",
    "join_request",
    "leave_request",
    "propose_authority",
    "propose_model_transfer",
    "register_challenger",
    "register_model",
    "register_worker",
    "remove_challenger",
    "request_unstake",
    "reveal_challenge",
    "reveal_result",
    "set_paused",
    "submit_request",
    "update_config",
    "update_model",
    "update_worker",
    "withdraw_insurance",
    "withdraw_stake",
    "withdraw_treasury",
]
