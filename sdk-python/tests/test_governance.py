"""Issue #14 points 6, 9a, 9b through the SDK on the real program in LiteSVM: only the upgrade authority
initializes the configuration, model ids are scoped by their developer and change hands in two steps, workers
declare and commit with model addresses, and the insurance vault is withdrawn within the program's bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, DFPNError, ErrorCode, LocalNetwork, Modality, Verdict
from dfpn import instructions as ix
from dfpn.events import parse_logs
from dfpn.generated.constants import INSURANCE_WITHDRAWAL_INTERVAL_SECS, MAX_INSURANCE_WITHDRAWAL_BPS
from dfpn.generated.instructions import INSTRUCTIONS
from dfpn.generated.types import (
    Config,
    InsuranceWithdrawn,
    Model,
    ModelTransferProposed,
    ModelTransferred,
    ResultRevealed,
    WorkerPaid,
)
from dfpn.pda import config_address, decode_model_id, insurance_address, model_address
from dfpn.protocol import split_fee
from dfpn.transport import TransactionRecord

from helpers import MODEL, Answer, TestWorker, register_model, request_account, seated

M = Verdict.MANIPULATED
FACE = [Modality.FACE_MANIPULATION]


def model_state(network: LocalNetwork, address: Pubkey) -> Model:
    acc = network.account(address)
    assert acc is not None, f"no model at {address}"
    return Model.from_account_data(acc.data)


def config_state(network: LocalNetwork) -> Config:
    acc = network.account(config_address())
    assert acc is not None
    return Config.from_account_data(acc.data)


def refused(network: LocalNetwork, instruction: Instruction, signer: Keypair) -> DFPNError:
    with pytest.raises(DFPNError) as err:
        network.process([instruction], [signer])
    return err.value


def events_of(record: TransactionRecord) -> list[object]:
    return list(parse_logs(record.logs))


# ---- initialize_config: only the upgrade authority ------------------------------------------------------------


def test_only_the_upgrade_authority_initializes_the_configuration() -> None:
    # Given the program loaded with its upgrade authority set, and no configuration yet
    network = LocalNetwork(initialize=False)
    upgrade_authority, stranger = network.authority, network.funded_keypair()
    # When another key initializes it, Then the program refuses: not the upgrade authority (nobody can front-run)
    err = refused(network, ix.initialize_config(authority=stranger.pubkey(), params=network.params), stranger)
    assert (err.code, err.program_code) == (ErrorCode.NOT_UPGRADE_AUTHORITY, 6064)
    assert "before making the program immutable" in str(err)
    # When the account passed as ProgramData is not the program's, Then it is InvalidProgramData
    honest = ix.initialize_config(authority=upgrade_authority.pubkey(), params=network.params)
    at = [a.name for a in INSTRUCTIONS["initialize_config"].accounts].index("program_data")
    forged = list(honest.accounts)
    forged[at] = AccountMeta(Keypair().pubkey(), False, False)
    err = refused(network, Instruction(honest.program_id, bytes(honest.data), forged), upgrade_authority)
    assert (err.code, err.program_code) == (ErrorCode.INVALID_PROGRAM_DATA, 6065)
    assert network.account(config_address()) is None
    # When the upgrade authority initializes it, Then it is the configuration authority
    network.process([honest], [upgrade_authority])
    assert config_state(network).authority == upgrade_authority.pubkey()


def test_an_immutable_program_cannot_be_initialized() -> None:
    # Given a program whose upgrade authority was removed before initialization
    network = LocalNetwork(initialize=False)
    network.set_upgrade_authority(None)
    # When its former authority initializes it, Then it is refused
    err = refused(
        network,
        ix.initialize_config(authority=network.authority.pubkey(), params=network.params),
        network.authority,
    )
    assert err.code is ErrorCode.NOT_UPGRADE_AUTHORITY


# ---- models scoped by developer ---------------------------------------------------------------------------------


def test_the_same_model_id_belongs_to_each_developer_that_registers_it(network: LocalNetwork) -> None:
    # Given one developer that registered MODEL
    first, first_address = register_model(network)
    # When another developer registers the same id, Then it is a second model, not a conflict
    second, second_address = register_model(network)
    assert first_address != second_address
    for developer, address in ((first, first_address), (second, second_address)):
        m = model_state(network, address)
        assert (decode_model_id(m.model_id), m.developer, m.registrant, m.pending_developer) == (
            MODEL,
            developer.pubkey(),
            developer.pubkey(),
            Pubkey.default(),
        )
    # And registering it twice under the same developer is still refused
    err = refused(
        network,
        ix.register_model(
            developer=first.pubkey(), model_id=MODEL, payout_wallet=first.pubkey(), modalities=FACE
        ),
        first,
    )
    assert err.code is ErrorCode.ACCOUNT_ALREADY_INITIALIZED


async def test_a_worker_commits_only_with_a_model_address_it_declared(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a worker declaring one model, and the same model id registered by someone else
    _, lookalike = register_model(network)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1)
    request = Pubkey.from_string(sub.id)
    [w] = seated(network, request, workers)
    assert lookalike != w.model
    w.join(request)
    # When it commits naming the look-alike (same id, other developer), Then the program refuses it
    err = refused(
        network,
        ix.commit_result(authority=w.pubkey, request=request, commitment=bytes(32), model=lookalike),
        w.keypair,
    )
    assert err.code is ErrorCode.MODEL_NOT_DECLARED
    # When it commits with its declared model, Then the seat records that model's address
    w.commit(request, Answer(M, 90))
    assert request_account(network, request).seats[0].model == w.model
    # And after the reveal the events name the model by address, and the model earns its share
    revealed = [e for e in events_of(w.reveal(request)) if isinstance(e, ResultRevealed)]
    assert [e.model for e in revealed] == [w.model]
    before = model_state(network, w.model).unclaimed
    result = await client.wait_for_result(sub.id, timeout=10)
    assert [(r.model, r.model_id) for r in result.worker_results] == [(str(w.model), MODEL)]
    info = await client.get_request(sub.id)
    assert [s.model for s in info.seats] == [str(w.model)]
    assert result.audit.finalize_tx is not None
    paid = [e for e in events_of(network._records[result.audit.finalize_tx]) if isinstance(e, WorkerPaid)]
    assert [(e.worker, e.model) for e in paid] == [(w.pubkey, w.model)]
    r = request_account(network, request)
    assert model_state(network, w.model).unclaimed == before + split_fee(r.fee, 1).per_model


# ---- two-step model transfer ------------------------------------------------------------------------------------


def test_a_model_changes_hands_in_two_steps_and_keeps_its_address(network: LocalNetwork) -> None:
    old, model = register_model(network)
    new, stranger = network.funded_keypair(), network.funded_keypair()
    # Given a key that is not the model's developer, Then it cannot propose a successor
    err = refused(
        network,
        ix.propose_model_transfer(developer=stranger.pubkey(), model=model, new_developer=stranger.pubkey()),
        stranger,
    )
    assert err.code is ErrorCode.UNAUTHORIZED
    # And nobody can accept while nothing is proposed
    err = refused(network, ix.accept_model_transfer(new_developer=new.pubkey(), model=model), new)
    assert (err.code, err.program_code) == (ErrorCode.NOT_PENDING_DEVELOPER, 6068)
    # When the developer proposes a successor, Then nothing changes but the pending developer, and the event says so
    record = network.process(
        [ix.propose_model_transfer(developer=old.pubkey(), model=model, new_developer=new.pubkey())], [old]
    )
    assert events_of(record) == [ModelTransferProposed(model=model, proposed=new.pubkey())]
    m = model_state(network, model)
    assert (m.developer, m.pending_developer) == (old.pubkey(), new.pubkey())
    # And only the proposed key can accept
    err = refused(network, ix.accept_model_transfer(new_developer=stranger.pubkey(), model=model), stranger)
    assert err.code is ErrorCode.NOT_PENDING_DEVELOPER
    assert "Sign with the key named by propose_model_transfer" in str(err)
    # When the successor accepts, Then it is the developer, at the same address, and the registrant stays
    record = network.process([ix.accept_model_transfer(new_developer=new.pubkey(), model=model)], [new])
    assert events_of(record) == [ModelTransferred(model=model, developer=new.pubkey())]
    m = model_state(network, model)
    assert (m.developer, m.pending_developer, m.registrant) == (new.pubkey(), Pubkey.default(), old.pubkey())
    assert model == model_address(old.pubkey(), MODEL)
    # And the new developer manages the model, the old one no longer can
    payout = Keypair().pubkey()
    network.process(
        [ix.update_model(developer=new.pubkey(), model=model, payout_wallet=payout, modalities=FACE)], [new]
    )
    assert model_state(network, model).payout_wallet == payout
    err = refused(network, ix.deactivate_model(developer=old.pubkey(), model=model), old)
    assert err.code is ErrorCode.UNAUTHORIZED


def test_a_proposal_is_withdrawn_with_the_zero_key(network: LocalNetwork) -> None:
    developer, model = register_model(network)
    new = network.funded_keypair()
    network.process(
        [ix.propose_model_transfer(developer=developer.pubkey(), model=model, new_developer=new.pubkey())],
        [developer],
    )
    # When the developer proposes all zeroes, Then the proposal is gone and the named key can no longer accept
    network.process(
        [
            ix.propose_model_transfer(
                developer=developer.pubkey(), model=model, new_developer=Pubkey.default()
            )
        ],
        [developer],
    )
    assert model_state(network, model).pending_developer == Pubkey.default()
    err = refused(network, ix.accept_model_transfer(new_developer=new.pubkey(), model=model), new)
    assert err.code is ErrorCode.NOT_PENDING_DEVELOPER
    assert model_state(network, model).developer == developer.pubkey()


# ---- insurance withdrawal ---------------------------------------------------------------------------------------


def test_insurance_is_withdrawn_within_the_bounds_and_the_interval(network: LocalNetwork) -> None:
    authority, recipient = network.authority, Keypair().pubkey()
    # Given an insurance vault holding 50 SOL above rent
    vault = insurance_address()
    rent = network.balance(vault)
    network.airdrop(vault, 50_000_000_000)
    limit = 50_000_000_000 * MAX_INSURANCE_WITHDRAWAL_BPS // 10_000
    assert limit == 5_000_000_000
    # When a key that is not the configuration authority withdraws, Then it is refused
    stranger = network.funded_keypair()
    err = refused(
        network, ix.withdraw_insurance(authority=stranger.pubkey(), recipient=recipient, amount=1), stranger
    )
    assert err.code is ErrorCode.NOT_CONFIG_AUTHORITY
    # When the authority asks for one lamport more than 10 % of the vault above rent, Then it is refused
    err = refused(
        network,
        ix.withdraw_insurance(authority=authority.pubkey(), recipient=recipient, amount=limit + 1),
        authority,
    )
    assert (err.code, err.program_code) == (ErrorCode.INSURANCE_WITHDRAWAL_TOO_LARGE, 6066)
    # When it asks for exactly that, Then the recipient has it, the vault keeps the rest, the time is recorded
    record = network.process(
        [ix.withdraw_insurance(authority=authority.pubkey(), recipient=recipient, amount=limit)], [authority]
    )
    assert events_of(record) == [InsuranceWithdrawn(recipient=recipient, amount=limit)]
    assert (network.balance(recipient), network.balance(vault)) == (limit, rent + 50_000_000_000 - limit)
    withdrawn_at = network.now()
    assert config_state(network).insurance_withdrawn_at == withdrawn_at
    # And a second withdrawal within the interval is refused, however small
    network.set_time(withdrawn_at + INSURANCE_WITHDRAWAL_INTERVAL_SECS - 1)
    err = refused(
        network, ix.withdraw_insurance(authority=authority.pubkey(), recipient=recipient, amount=1), authority
    )
    assert (err.code, err.program_code) == (ErrorCode.INSURANCE_WITHDRAWAL_TOO_SOON, 6067)
    # And once the interval has passed, the next one is bounded by what the vault now holds
    network.set_time(withdrawn_at + INSURANCE_WITHDRAWAL_INTERVAL_SECS)
    next_limit = (50_000_000_000 - limit) * MAX_INSURANCE_WITHDRAWAL_BPS // 10_000
    err = refused(
        network,
        ix.withdraw_insurance(authority=authority.pubkey(), recipient=recipient, amount=next_limit + 1),
        authority,
    )
    assert err.code is ErrorCode.INSURANCE_WITHDRAWAL_TOO_LARGE
    network.process(
        [ix.withdraw_insurance(authority=authority.pubkey(), recipient=recipient, amount=next_limit)],
        [authority],
    )
    assert network.balance(recipient) == limit + next_limit
