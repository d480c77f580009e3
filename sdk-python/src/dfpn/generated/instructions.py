# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""Instruction discriminators, argument encoders and the IDL's account lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from solders.pubkey import Pubkey

from dfpn.borsh import BorshError, Reader, Writer

from .types import ConfigParams


@dataclass(frozen=True, slots=True)
class Seed:
    """One PDA seed: `const` bytes, or the value of an `account` or `arg` named by `path`."""

    kind: str
    value: bytes | str


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One account of an instruction, as the IDL lists it."""

    name: str
    writable: bool = False
    signer: bool = False
    address: str | None = None
    seeds: tuple[Seed, ...] = ()
    #: The program the PDA is derived under when it is not this one (the IDL's `pda.program`).
    program: Seed | None = None


@dataclass(frozen=True, slots=True)
class InstructionSpec:
    """An instruction of the IDL: name, discriminator, fixed accounts (in order) and argument names."""

    name: str
    discriminator: bytes
    accounts: tuple[AccountSpec, ...]
    args: tuple[str, ...]


INITIALIZE_CONFIG_DISCRIMINATOR = bytes([208, 127, 21, 1, 194, 190, 196, 70])


@dataclass(frozen=True, slots=True)
class InitializeConfigArgs:
    """Arguments of `initialize_config`. Create the configuration and the treasury and insurance vaults;
    only the program's upgrade authority may.
    """

    DISCRIMINATOR: ClassVar[bytes] = INITIALIZE_CONFIG_DISCRIMINATOR
    NAME: ClassVar[str] = 'initialize_config'

    params: ConfigParams

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        self.params.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> InitializeConfigArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not initialize_config instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            params=ConfigParams.read(r),
        )
        r.finish()
        return value


UPDATE_CONFIG_DISCRIMINATOR = bytes([29, 158, 252, 191, 10, 83, 219, 99])


@dataclass(frozen=True, slots=True)
class UpdateConfigArgs:
    """Arguments of `update_config`. The authority changes parameters; requests already submitted keep
    theirs.
    """

    DISCRIMINATOR: ClassVar[bytes] = UPDATE_CONFIG_DISCRIMINATOR
    NAME: ClassVar[str] = 'update_config'

    params: ConfigParams

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        self.params.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> UpdateConfigArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not update_config instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            params=ConfigParams.read(r),
        )
        r.finish()
        return value


SET_PAUSED_DISCRIMINATOR = bytes([91, 60, 125, 192, 176, 225, 166, 218])


@dataclass(frozen=True, slots=True)
class SetPausedArgs:
    """Arguments of `set_paused`. The authority pauses or resumes new requests."""

    DISCRIMINATOR: ClassVar[bytes] = SET_PAUSED_DISCRIMINATOR
    NAME: ClassVar[str] = 'set_paused'

    paused: bool

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.bool(self.paused, 'paused')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> SetPausedArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not set_paused instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            paused=r.bool(),
        )
        r.finish()
        return value


WITHDRAW_TREASURY_DISCRIMINATOR = bytes([40, 63, 122, 158, 144, 216, 83, 96])


@dataclass(frozen=True, slots=True)
class WithdrawTreasuryArgs:
    """Arguments of `withdraw_treasury`. The authority moves treasury lamports above rent to a recipient."""

    DISCRIMINATOR: ClassVar[bytes] = WITHDRAW_TREASURY_DISCRIMINATOR
    NAME: ClassVar[str] = 'withdraw_treasury'

    amount: int

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u64(self.amount, 'amount')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WithdrawTreasuryArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not withdraw_treasury instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            amount=r.u64(),
        )
        r.finish()
        return value


REGISTER_MODEL_DISCRIMINATOR = bytes([111, 236, 93, 31, 195, 210, 142, 125])


@dataclass(frozen=True, slots=True)
class RegisterModelArgs:
    """Arguments of `register_model`. A model developer registers a detection model and its payout wallet."""

    DISCRIMINATOR: ClassVar[bytes] = REGISTER_MODEL_DISCRIMINATOR
    NAME: ClassVar[str] = 'register_model'

    model_id: bytes
    modalities: int

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.fixed_bytes(self.model_id, 32, 'model_id')
        w.u8(self.modalities, 'modalities')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RegisterModelArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not register_model instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            model_id=r.fixed_bytes(32),
            modalities=r.u8(),
        )
        r.finish()
        return value


UPDATE_MODEL_DISCRIMINATOR = bytes([76, 230, 44, 16, 103, 83, 24, 73])


@dataclass(frozen=True, slots=True)
class UpdateModelArgs:
    """Arguments of `update_model`. The developer changes the payout wallet and modalities."""

    DISCRIMINATOR: ClassVar[bytes] = UPDATE_MODEL_DISCRIMINATOR
    NAME: ClassVar[str] = 'update_model'

    modalities: int

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u8(self.modalities, 'modalities')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> UpdateModelArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not update_model instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            modalities=r.u8(),
        )
        r.finish()
        return value


DEACTIVATE_MODEL_DISCRIMINATOR = bytes([36, 212, 100, 110, 59, 184, 208, 38])


@dataclass(frozen=True, slots=True)
class DeactivateModelArgs:
    """Arguments of `deactivate_model`. The developer retires a model."""

    DISCRIMINATOR: ClassVar[bytes] = DEACTIVATE_MODEL_DISCRIMINATOR
    NAME: ClassVar[str] = 'deactivate_model'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> DeactivateModelArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not deactivate_model instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


CLAIM_MODEL_FEES_DISCRIMINATOR = bytes([253, 87, 210, 127, 231, 12, 111, 140])


@dataclass(frozen=True, slots=True)
class ClaimModelFeesArgs:
    """Arguments of `claim_model_fees`. Move a model's accrued fee shares to its payout wallet (anyone may
    call).
    """

    DISCRIMINATOR: ClassVar[bytes] = CLAIM_MODEL_FEES_DISCRIMINATOR
    NAME: ClassVar[str] = 'claim_model_fees'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ClaimModelFeesArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not claim_model_fees instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


REGISTER_WORKER_DISCRIMINATOR = bytes([22, 253, 23, 225, 230, 31, 6, 192])


@dataclass(frozen=True, slots=True)
class RegisterWorkerArgs:
    """Arguments of `register_worker`. An operator stakes SOL and declares its modalities and models."""

    DISCRIMINATOR: ClassVar[bytes] = REGISTER_WORKER_DISCRIMINATOR
    NAME: ClassVar[str] = 'register_worker'

    stake: int
    modalities: int
    models: tuple[Pubkey, ...]

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u64(self.stake, 'stake')
        w.u8(self.modalities, 'modalities')
        w.length(self.models, None, 'models')
        for item0 in self.models:
            w.pubkey(item0, 'models[]')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RegisterWorkerArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not register_worker instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            stake=r.u64(),
            modalities=r.u8(),
            models=r.vec(lambda: r.pubkey()),
        )
        r.finish()
        return value


ADD_STAKE_DISCRIMINATOR = bytes([58, 135, 189, 105, 160, 120, 165, 224])


@dataclass(frozen=True, slots=True)
class AddStakeArgs:
    """Arguments of `add_stake`. The operator adds stake."""

    DISCRIMINATOR: ClassVar[bytes] = ADD_STAKE_DISCRIMINATOR
    NAME: ClassVar[str] = 'add_stake'

    amount: int

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u64(self.amount, 'amount')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> AddStakeArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not add_stake instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            amount=r.u64(),
        )
        r.finish()
        return value


UPDATE_WORKER_DISCRIMINATOR = bytes([222, 12, 91, 141, 125, 7, 125, 116])


@dataclass(frozen=True, slots=True)
class UpdateWorkerArgs:
    """Arguments of `update_worker`. The operator changes its modalities and models (not while it holds a
    seat).
    """

    DISCRIMINATOR: ClassVar[bytes] = UPDATE_WORKER_DISCRIMINATOR
    NAME: ClassVar[str] = 'update_worker'

    modalities: int
    models: tuple[Pubkey, ...]

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u8(self.modalities, 'modalities')
        w.length(self.models, None, 'models')
        for item0 in self.models:
            w.pubkey(item0, 'models[]')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> UpdateWorkerArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not update_worker instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            modalities=r.u8(),
            models=r.vec(lambda: r.pubkey()),
        )
        r.finish()
        return value


REQUEST_UNSTAKE_DISCRIMINATOR = bytes([44, 154, 110, 253, 160, 202, 54, 34])


@dataclass(frozen=True, slots=True)
class RequestUnstakeArgs:
    """Arguments of `request_unstake`. The operator starts unbonding stake; blocked while it holds a seat."""

    DISCRIMINATOR: ClassVar[bytes] = REQUEST_UNSTAKE_DISCRIMINATOR
    NAME: ClassVar[str] = 'request_unstake'

    amount: int

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u64(self.amount, 'amount')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RequestUnstakeArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not request_unstake instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            amount=r.u64(),
        )
        r.finish()
        return value


WITHDRAW_STAKE_DISCRIMINATOR = bytes([153, 8, 22, 138, 105, 176, 87, 66])


@dataclass(frozen=True, slots=True)
class WithdrawStakeArgs:
    """Arguments of `withdraw_stake`. After the unbonding delay the operator takes unbonded stake back."""

    DISCRIMINATOR: ClassVar[bytes] = WITHDRAW_STAKE_DISCRIMINATOR
    NAME: ClassVar[str] = 'withdraw_stake'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WithdrawStakeArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not withdraw_stake instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


CLAIM_WORKER_REWARDS_DISCRIMINATOR = bytes([208, 24, 148, 108, 47, 2, 58, 139])


@dataclass(frozen=True, slots=True)
class ClaimWorkerRewardsArgs:
    """Arguments of `claim_worker_rewards`. The operator takes its earned fees."""

    DISCRIMINATOR: ClassVar[bytes] = CLAIM_WORKER_REWARDS_DISCRIMINATOR
    NAME: ClassVar[str] = 'claim_worker_rewards'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ClaimWorkerRewardsArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not claim_worker_rewards instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


SUBMIT_REQUEST_DISCRIMINATOR = bytes([122, 30, 180, 251, 206, 230, 254, 57])


@dataclass(frozen=True, slots=True)
class SubmitRequestArgs:
    """Arguments of `submit_request`. A client records media for analysis and escrows its max fee."""

    DISCRIMINATOR: ClassVar[bytes] = SUBMIT_REQUEST_DISCRIMINATOR
    NAME: ClassVar[str] = 'submit_request'

    nonce: int
    content_hash: bytes
    storage_uri: str
    modalities: int
    min_workers: int
    max_workers: int
    max_fee: int
    deadline: int
    bump: int
    attestation: bytes

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u64(self.nonce, 'nonce')
        w.fixed_bytes(self.content_hash, 32, 'content_hash')
        w.string(self.storage_uri, 'storage_uri')
        w.u8(self.modalities, 'modalities')
        w.u8(self.min_workers, 'min_workers')
        w.u8(self.max_workers, 'max_workers')
        w.u64(self.max_fee, 'max_fee')
        w.i64(self.deadline, 'deadline')
        w.u8(self.bump, 'bump')
        w.fixed_bytes(self.attestation, 32, 'attestation')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> SubmitRequestArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not submit_request instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            nonce=r.u64(),
            content_hash=r.fixed_bytes(32),
            storage_uri=r.string(),
            modalities=r.u8(),
            min_workers=r.u8(),
            max_workers=r.u8(),
            max_fee=r.u64(),
            deadline=r.i64(),
            bump=r.u8(),
            attestation=r.fixed_bytes(32),
        )
        r.finish()
        return value


JOIN_REQUEST_DISCRIMINATOR = bytes([166, 109, 58, 33, 148, 44, 114, 211])


@dataclass(frozen=True, slots=True)
class JoinRequestArgs:
    """Arguments of `join_request`. A drawn worker accepts its seat (draw_seats) and locks the seat bond
    from its free stake.
    """

    DISCRIMINATOR: ClassVar[bytes] = JOIN_REQUEST_DISCRIMINATOR
    NAME: ClassVar[str] = 'join_request'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> JoinRequestArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not join_request instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


COMMIT_RESULT_DISCRIMINATOR = bytes([45, 73, 224, 222, 48, 67, 191, 185])


@dataclass(frozen=True, slots=True)
class CommitResultArgs:
    """Arguments of `commit_result`. A seated worker commits the hash of its answer and the model it comes
    from (fixed in the seat: later changes to the model do not reach this request).
    """

    DISCRIMINATOR: ClassVar[bytes] = COMMIT_RESULT_DISCRIMINATOR
    NAME: ClassVar[str] = 'commit_result'

    commitment: bytes

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.fixed_bytes(self.commitment, 32, 'commitment')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> CommitResultArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not commit_result instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            commitment=r.fixed_bytes(32),
        )
        r.finish()
        return value


REVEAL_RESULT_DISCRIMINATOR = bytes([251, 165, 27, 86, 52, 234, 133, 173])


@dataclass(frozen=True, slots=True)
class RevealResultArgs:
    """Arguments of `reveal_result`. A committed worker reveals its answer; it must hash to the commitment
    (with the seat's model).
    """

    DISCRIMINATOR: ClassVar[bytes] = REVEAL_RESULT_DISCRIMINATOR
    NAME: ClassVar[str] = 'reveal_result'

    verdict: int
    confidence: int
    report_hash: bytes
    salt: bytes
    report_uri: str

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u8(self.verdict, 'verdict')
        w.u8(self.confidence, 'confidence')
        w.fixed_bytes(self.report_hash, 32, 'report_hash')
        w.fixed_bytes(self.salt, 32, 'salt')
        w.string(self.report_uri, 'report_uri')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RevealResultArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not reveal_result instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            verdict=r.u8(),
            confidence=r.u8(),
            report_hash=r.fixed_bytes(32),
            salt=r.fixed_bytes(32),
            report_uri=r.string(),
        )
        r.finish()
        return value


FINALIZE_REQUEST_DISCRIMINATOR = bytes([147, 60, 211, 130, 76, 138, 43, 255])


@dataclass(frozen=True, slots=True)
class FinalizeRequestArgs:
    """Arguments of `finalize_request`. Finalizes after the reveal phase: the client at once (signing as
    `client`), anyone else FINALIZE_GRACE_SECS after the deadline. Remaining accounts: one writable
    worker PDA per seat in seat order, then one writable model PDA per revealed seat in seat order.
    """

    DISCRIMINATOR: ClassVar[bytes] = FINALIZE_REQUEST_DISCRIMINATOR
    NAME: ClassVar[str] = 'finalize_request'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> FinalizeRequestArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not finalize_request instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


EXPIRE_REQUEST_DISCRIMINATOR = bytes([219, 189, 105, 97, 227, 47, 124, 23])


@dataclass(frozen=True, slots=True)
class ExpireRequestArgs:
    """Arguments of `expire_request`. Anyone expires a request without enough commitments; seats that never
    committed forfeit their bond to insurance. Remaining accounts: one writable worker PDA per seat in
    seat order.
    """

    DISCRIMINATOR: ClassVar[bytes] = EXPIRE_REQUEST_DISCRIMINATOR
    NAME: ClassVar[str] = 'expire_request'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ExpireRequestArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not expire_request instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


CLOSE_REQUEST_DISCRIMINATOR = bytes([170, 46, 165, 120, 223, 102, 115, 2])


@dataclass(frozen=True, slots=True)
class CloseRequestArgs:
    """Arguments of `close_request`. The client closes a finished request and gets its rent back."""

    DISCRIMINATOR: ClassVar[bytes] = CLOSE_REQUEST_DISCRIMINATOR
    NAME: ClassVar[str] = 'close_request'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> CloseRequestArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not close_request instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


PROPOSE_AUTHORITY_DISCRIMINATOR = bytes([20, 148, 236, 198, 76, 119, 99, 142])


@dataclass(frozen=True, slots=True)
class ProposeAuthorityArgs:
    """Arguments of `propose_authority`. The authority proposes its successor (all zeroes withdraws the
    proposal).
    """

    DISCRIMINATOR: ClassVar[bytes] = PROPOSE_AUTHORITY_DISCRIMINATOR
    NAME: ClassVar[str] = 'propose_authority'

    new_authority: Pubkey

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.pubkey(self.new_authority, 'new_authority')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ProposeAuthorityArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not propose_authority instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            new_authority=r.pubkey(),
        )
        r.finish()
        return value


ACCEPT_AUTHORITY_DISCRIMINATOR = bytes([107, 86, 198, 91, 33, 12, 107, 160])


@dataclass(frozen=True, slots=True)
class AcceptAuthorityArgs:
    """Arguments of `accept_authority`. The proposed authority accepts and takes over the configuration."""

    DISCRIMINATOR: ClassVar[bytes] = ACCEPT_AUTHORITY_DISCRIMINATOR
    NAME: ClassVar[str] = 'accept_authority'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> AcceptAuthorityArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not accept_authority instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


LEAVE_REQUEST_DISCRIMINATOR = bytes([109, 36, 63, 9, 52, 19, 84, 215])


@dataclass(frozen=True, slots=True)
class LeaveRequestArgs:
    """Arguments of `leave_request`. A drawn worker gives back a seat it has not committed, within half a
    commit window of being drawn (its bond is released if it accepted); the seat is drawn again.
    """

    DISCRIMINATOR: ClassVar[bytes] = LEAVE_REQUEST_DISCRIMINATOR
    NAME: ClassVar[str] = 'leave_request'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> LeaveRequestArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not leave_request instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


WITHDRAW_INSURANCE_DISCRIMINATOR = bytes([201, 133, 145, 118, 235, 89, 90, 189])


@dataclass(frozen=True, slots=True)
class WithdrawInsuranceArgs:
    """Arguments of `withdraw_insurance`. The authority moves at most MAX_INSURANCE_WITHDRAWAL_BPS of the
    insurance vault above rent to a recipient, at most once per INSURANCE_WITHDRAWAL_INTERVAL_SECS.
    """

    DISCRIMINATOR: ClassVar[bytes] = WITHDRAW_INSURANCE_DISCRIMINATOR
    NAME: ClassVar[str] = 'withdraw_insurance'

    amount: int

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u64(self.amount, 'amount')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WithdrawInsuranceArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not withdraw_insurance instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            amount=r.u64(),
        )
        r.finish()
        return value


PROPOSE_MODEL_TRANSFER_DISCRIMINATOR = bytes([105, 219, 1, 62, 14, 212, 104, 181])


@dataclass(frozen=True, slots=True)
class ProposeModelTransferArgs:
    """Arguments of `propose_model_transfer`. A model's developer proposes its successor (all zeroes
    withdraws the proposal).
    """

    DISCRIMINATOR: ClassVar[bytes] = PROPOSE_MODEL_TRANSFER_DISCRIMINATOR
    NAME: ClassVar[str] = 'propose_model_transfer'

    new_developer: Pubkey

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.pubkey(self.new_developer, 'new_developer')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ProposeModelTransferArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not propose_model_transfer instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            new_developer=r.pubkey(),
        )
        r.finish()
        return value


ACCEPT_MODEL_TRANSFER_DISCRIMINATOR = bytes([222, 105, 2, 76, 62, 50, 24, 83])


@dataclass(frozen=True, slots=True)
class AcceptModelTransferArgs:
    """Arguments of `accept_model_transfer`. The proposed developer accepts and takes over the model."""

    DISCRIMINATOR: ClassVar[bytes] = ACCEPT_MODEL_TRANSFER_DISCRIMINATOR
    NAME: ClassVar[str] = 'accept_model_transfer'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> AcceptModelTransferArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not accept_model_transfer instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


REGISTER_CHALLENGER_DISCRIMINATOR = bytes([69, 151, 151, 202, 4, 226, 241, 134])


@dataclass(frozen=True, slots=True)
class RegisterChallengerArgs:
    """Arguments of `register_challenger`. The authority lets a key reveal known-answer challenges."""

    DISCRIMINATOR: ClassVar[bytes] = REGISTER_CHALLENGER_DISCRIMINATOR
    NAME: ClassVar[str] = 'register_challenger'

    challenger: Pubkey

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.pubkey(self.challenger, 'challenger')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RegisterChallengerArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not register_challenger instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            challenger=r.pubkey(),
        )
        r.finish()
        return value


REMOVE_CHALLENGER_DISCRIMINATOR = bytes([145, 72, 92, 235, 116, 74, 96, 0])


@dataclass(frozen=True, slots=True)
class RemoveChallengerArgs:
    """Arguments of `remove_challenger`. The authority withdraws a challenger; its account's rent returns
    to the authority.
    """

    DISCRIMINATOR: ClassVar[bytes] = REMOVE_CHALLENGER_DISCRIMINATOR
    NAME: ClassVar[str] = 'remove_challenger'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RemoveChallengerArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not remove_challenger instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


REVEAL_CHALLENGE_DISCRIMINATOR = bytes([133, 221, 237, 26, 70, 84, 22, 96])


@dataclass(frozen=True, slots=True)
class RevealChallengeArgs:
    """Arguments of `reveal_challenge`. A registered challenger reveals the label and salt its request's
    attestation committed to, after the reveal phase and before finalization.
    """

    DISCRIMINATOR: ClassVar[bytes] = REVEAL_CHALLENGE_DISCRIMINATOR
    NAME: ClassVar[str] = 'reveal_challenge'

    label: int
    salt: bytes

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        w.u8(self.label, 'label')
        w.fixed_bytes(self.salt, 32, 'salt')
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RevealChallengeArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not reveal_challenge instruction data")
        r = Reader(bytes(data[8:]))
        value = cls(
            label=r.u8(),
            salt=r.fixed_bytes(32),
        )
        r.finish()
        return value


DRAW_SEATS_DISCRIMINATOR = bytes([80, 164, 20, 16, 140, 65, 65, 111])


@dataclass(frozen=True, slots=True)
class DrawSeatsArgs:
    """Arguments of `draw_seats`. Anyone draws workers into a request's empty seats with the hash of the
    first slot at or after its draw_slot (DRAW_DOMAIN); it first replaces seats not committed half a
    commit window after they were drawn (their bond is forfeited). Remaining accounts: the writable
    worker PDA of every such seat in seat order, then read-only candidate worker PDAs in draw order:
    candidate k is the worker whose pool_index is the first 8 bytes (LE) of sha256(seed ‖ k as u32 LE)
    modulo the request's pool_count; it takes a seat if eligible and the next 8 bytes (LE) modulo
    draw_stake_cap are below its stake.
    """

    DISCRIMINATOR: ClassVar[bytes] = DRAW_SEATS_DISCRIMINATOR
    NAME: ClassVar[str] = 'draw_seats'

    def encode(self) -> bytes:
        """Instruction data: the discriminator, then the Borsh arguments."""
        w = Writer()
        w.raw(self.DISCRIMINATOR)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> DrawSeatsArgs:
        """Parse instruction data; fails on a wrong discriminator or short or trailing bytes."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not draw_seats instruction data")
        r = Reader(bytes(data[8:]))
        value = cls()
        r.finish()
        return value


INSTRUCTIONS: dict[str, InstructionSpec] = {
    'initialize_config': InstructionSpec(
        name='initialize_config',
        discriminator=INITIALIZE_CONFIG_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
            AccountSpec('treasury', writable=True, seeds=(Seed('const', b'treasury'),)),
            AccountSpec('insurance', writable=True, seeds=(Seed('const', b'insurance'),)),
            AccountSpec('system_program', address='11111111111111111111111111111111'),
            AccountSpec(
                'program_data',
                seeds=(
                    Seed(
                        'const',
                        bytes.fromhex('00e3ec6be5dffec01dcda9a685b90b9fa11290efcf8e808bd471107d03cf9869'),
                    ),
                ),
                program=Seed(
                    'const',
                    bytes.fromhex('02a8f6914e88a1b0e210153ef763ae2b00c2b93d16c124d2c0537a1004800000'),
                ),
            ),
            AccountSpec('program', address='14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp'),
        ),
        args=('params',),
    ),
    'update_config': InstructionSpec(
        name='update_config',
        discriminator=UPDATE_CONFIG_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
        ),
        args=('params',),
    ),
    'set_paused': InstructionSpec(
        name='set_paused',
        discriminator=SET_PAUSED_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
        ),
        args=('paused',),
    ),
    'withdraw_treasury': InstructionSpec(
        name='withdraw_treasury',
        discriminator=WITHDRAW_TREASURY_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
            AccountSpec('treasury', writable=True, seeds=(Seed('const', b'treasury'),)),
            AccountSpec('recipient', writable=True),
        ),
        args=('amount',),
    ),
    'register_model': InstructionSpec(
        name='register_model',
        discriminator=REGISTER_MODEL_DISCRIMINATOR,
        accounts=(
            AccountSpec('developer', writable=True, signer=True),
            AccountSpec(
                'model',
                writable=True,
                seeds=(Seed('const', b'model'), Seed('account', 'developer'), Seed('arg', 'model_id'),),
            ),
            AccountSpec('payout_wallet'),
            AccountSpec('system_program', address='11111111111111111111111111111111'),
        ),
        args=('model_id', 'modalities'),
    ),
    'update_model': InstructionSpec(
        name='update_model',
        discriminator=UPDATE_MODEL_DISCRIMINATOR,
        accounts=(
            AccountSpec('developer', signer=True),
            AccountSpec('model', writable=True),
            AccountSpec('payout_wallet'),
        ),
        args=('modalities',),
    ),
    'deactivate_model': InstructionSpec(
        name='deactivate_model',
        discriminator=DEACTIVATE_MODEL_DISCRIMINATOR,
        accounts=(
            AccountSpec('developer', signer=True),
            AccountSpec('model', writable=True),
        ),
        args=(),
    ),
    'claim_model_fees': InstructionSpec(
        name='claim_model_fees',
        discriminator=CLAIM_MODEL_FEES_DISCRIMINATOR,
        accounts=(
            AccountSpec('model', writable=True),
            AccountSpec('payout_wallet', writable=True),
        ),
        args=(),
    ),
    'register_worker': InstructionSpec(
        name='register_worker',
        discriminator=REGISTER_WORKER_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
            AccountSpec('system_program', address='11111111111111111111111111111111'),
        ),
        args=('stake', 'modalities', 'models'),
    ),
    'add_stake': InstructionSpec(
        name='add_stake',
        discriminator=ADD_STAKE_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
            AccountSpec('system_program', address='11111111111111111111111111111111'),
        ),
        args=('amount',),
    ),
    'update_worker': InstructionSpec(
        name='update_worker',
        discriminator=UPDATE_WORKER_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
        ),
        args=('modalities', 'models'),
    ),
    'request_unstake': InstructionSpec(
        name='request_unstake',
        discriminator=REQUEST_UNSTAKE_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
        ),
        args=('amount',),
    ),
    'withdraw_stake': InstructionSpec(
        name='withdraw_stake',
        discriminator=WITHDRAW_STAKE_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
        ),
        args=(),
    ),
    'claim_worker_rewards': InstructionSpec(
        name='claim_worker_rewards',
        discriminator=CLAIM_WORKER_REWARDS_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
        ),
        args=(),
    ),
    'submit_request': InstructionSpec(
        name='submit_request',
        discriminator=SUBMIT_REQUEST_DISCRIMINATOR,
        accounts=(
            AccountSpec('client', writable=True, signer=True),
            AccountSpec(
                'request',
                writable=True,
                seeds=(Seed('const', b'request'), Seed('account', 'client'), Seed('arg', 'nonce'),),
            ),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
            AccountSpec('system_program', address='11111111111111111111111111111111'),
        ),
        args=(
            'nonce',
            'content_hash',
            'storage_uri',
            'modalities',
            'min_workers',
            'max_workers',
            'max_fee',
            'deadline',
            'bump',
            'attestation',
        ),
    ),
    'join_request': InstructionSpec(
        name='join_request',
        discriminator=JOIN_REQUEST_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
            AccountSpec('request', writable=True),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
        ),
        args=(),
    ),
    'commit_result': InstructionSpec(
        name='commit_result',
        discriminator=COMMIT_RESULT_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('request', writable=True),
            AccountSpec('worker', seeds=(Seed('const', b'worker'), Seed('account', 'authority'),)),
            AccountSpec('model'),
        ),
        args=('commitment',),
    ),
    'reveal_result': InstructionSpec(
        name='reveal_result',
        discriminator=REVEAL_RESULT_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('request', writable=True),
        ),
        args=('verdict', 'confidence', 'report_hash', 'salt', 'report_uri'),
    ),
    'finalize_request': InstructionSpec(
        name='finalize_request',
        discriminator=FINALIZE_REQUEST_DISCRIMINATOR,
        accounts=(
            AccountSpec('request', writable=True),
            AccountSpec('client', writable=True),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
            AccountSpec('treasury', writable=True, seeds=(Seed('const', b'treasury'),)),
            AccountSpec('insurance', writable=True, seeds=(Seed('const', b'insurance'),)),
        ),
        args=(),
    ),
    'expire_request': InstructionSpec(
        name='expire_request',
        discriminator=EXPIRE_REQUEST_DISCRIMINATOR,
        accounts=(
            AccountSpec('request', writable=True),
            AccountSpec('client', writable=True),
            AccountSpec('insurance', writable=True, seeds=(Seed('const', b'insurance'),)),
        ),
        args=(),
    ),
    'close_request': InstructionSpec(
        name='close_request',
        discriminator=CLOSE_REQUEST_DISCRIMINATOR,
        accounts=(
            AccountSpec('client', writable=True, signer=True),
            AccountSpec('request', writable=True),
        ),
        args=(),
    ),
    'propose_authority': InstructionSpec(
        name='propose_authority',
        discriminator=PROPOSE_AUTHORITY_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
        ),
        args=('new_authority',),
    ),
    'accept_authority': InstructionSpec(
        name='accept_authority',
        discriminator=ACCEPT_AUTHORITY_DISCRIMINATOR,
        accounts=(
            AccountSpec('new_authority', signer=True),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
        ),
        args=(),
    ),
    'leave_request': InstructionSpec(
        name='leave_request',
        discriminator=LEAVE_REQUEST_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec(
                'worker',
                writable=True,
                seeds=(Seed('const', b'worker'), Seed('account', 'authority'),),
            ),
            AccountSpec('request', writable=True),
        ),
        args=(),
    ),
    'withdraw_insurance': InstructionSpec(
        name='withdraw_insurance',
        discriminator=WITHDRAW_INSURANCE_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', signer=True),
            AccountSpec('config', writable=True, seeds=(Seed('const', b'config'),)),
            AccountSpec('insurance', writable=True, seeds=(Seed('const', b'insurance'),)),
            AccountSpec('recipient', writable=True),
        ),
        args=('amount',),
    ),
    'propose_model_transfer': InstructionSpec(
        name='propose_model_transfer',
        discriminator=PROPOSE_MODEL_TRANSFER_DISCRIMINATOR,
        accounts=(
            AccountSpec('developer', signer=True),
            AccountSpec('model', writable=True),
        ),
        args=('new_developer',),
    ),
    'accept_model_transfer': InstructionSpec(
        name='accept_model_transfer',
        discriminator=ACCEPT_MODEL_TRANSFER_DISCRIMINATOR,
        accounts=(
            AccountSpec('new_developer', signer=True),
            AccountSpec('model', writable=True),
        ),
        args=(),
    ),
    'register_challenger': InstructionSpec(
        name='register_challenger',
        discriminator=REGISTER_CHALLENGER_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
            AccountSpec(
                'challenger',
                writable=True,
                seeds=(Seed('const', b'challenger'), Seed('arg', 'challenger'),),
            ),
            AccountSpec('system_program', address='11111111111111111111111111111111'),
        ),
        args=('challenger',),
    ),
    'remove_challenger': InstructionSpec(
        name='remove_challenger',
        discriminator=REMOVE_CHALLENGER_DISCRIMINATOR,
        accounts=(
            AccountSpec('authority', writable=True, signer=True),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
            AccountSpec('challenger', writable=True),
        ),
        args=(),
    ),
    'reveal_challenge': InstructionSpec(
        name='reveal_challenge',
        discriminator=REVEAL_CHALLENGE_DISCRIMINATOR,
        accounts=(
            AccountSpec('client', signer=True),
            AccountSpec(
                'challenger',
                writable=True,
                seeds=(Seed('const', b'challenger'), Seed('account', 'client'),),
            ),
            AccountSpec('request', writable=True),
        ),
        args=('label', 'salt'),
    ),
    'draw_seats': InstructionSpec(
        name='draw_seats',
        discriminator=DRAW_SEATS_DISCRIMINATOR,
        accounts=(
            AccountSpec('request', writable=True),
            AccountSpec('config', seeds=(Seed('const', b'config'),)),
            AccountSpec('slot_hashes', address='SysvarS1otHashes111111111111111111111111111'),
            AccountSpec('insurance', writable=True, seeds=(Seed('const', b'insurance'),)),
        ),
        args=(),
    ),
}


__all__ = [
    'ACCEPT_AUTHORITY_DISCRIMINATOR',
    'ACCEPT_MODEL_TRANSFER_DISCRIMINATOR',
    'ADD_STAKE_DISCRIMINATOR',
    'CLAIM_MODEL_FEES_DISCRIMINATOR',
    'CLAIM_WORKER_REWARDS_DISCRIMINATOR',
    'CLOSE_REQUEST_DISCRIMINATOR',
    'COMMIT_RESULT_DISCRIMINATOR',
    'DEACTIVATE_MODEL_DISCRIMINATOR',
    'DRAW_SEATS_DISCRIMINATOR',
    'EXPIRE_REQUEST_DISCRIMINATOR',
    'FINALIZE_REQUEST_DISCRIMINATOR',
    'INITIALIZE_CONFIG_DISCRIMINATOR',
    'INSTRUCTIONS',
    'JOIN_REQUEST_DISCRIMINATOR',
    'LEAVE_REQUEST_DISCRIMINATOR',
    'PROPOSE_AUTHORITY_DISCRIMINATOR',
    'PROPOSE_MODEL_TRANSFER_DISCRIMINATOR',
    'REGISTER_CHALLENGER_DISCRIMINATOR',
    'REGISTER_MODEL_DISCRIMINATOR',
    'REGISTER_WORKER_DISCRIMINATOR',
    'REMOVE_CHALLENGER_DISCRIMINATOR',
    'REQUEST_UNSTAKE_DISCRIMINATOR',
    'REVEAL_CHALLENGE_DISCRIMINATOR',
    'REVEAL_RESULT_DISCRIMINATOR',
    'SET_PAUSED_DISCRIMINATOR',
    'SUBMIT_REQUEST_DISCRIMINATOR',
    'UPDATE_CONFIG_DISCRIMINATOR',
    'UPDATE_MODEL_DISCRIMINATOR',
    'UPDATE_WORKER_DISCRIMINATOR',
    'WITHDRAW_INSURANCE_DISCRIMINATOR',
    'WITHDRAW_STAKE_DISCRIMINATOR',
    'WITHDRAW_TREASURY_DISCRIMINATOR',
    'AcceptAuthorityArgs',
    'AcceptModelTransferArgs',
    'AccountSpec',
    'AddStakeArgs',
    'ClaimModelFeesArgs',
    'ClaimWorkerRewardsArgs',
    'CloseRequestArgs',
    'CommitResultArgs',
    'DeactivateModelArgs',
    'DrawSeatsArgs',
    'ExpireRequestArgs',
    'FinalizeRequestArgs',
    'InitializeConfigArgs',
    'InstructionSpec',
    'JoinRequestArgs',
    'LeaveRequestArgs',
    'ProposeAuthorityArgs',
    'ProposeModelTransferArgs',
    'RegisterChallengerArgs',
    'RegisterModelArgs',
    'RegisterWorkerArgs',
    'RemoveChallengerArgs',
    'RequestUnstakeArgs',
    'RevealChallengeArgs',
    'RevealResultArgs',
    'Seed',
    'SetPausedArgs',
    'SubmitRequestArgs',
    'UpdateConfigArgs',
    'UpdateModelArgs',
    'UpdateWorkerArgs',
    'WithdrawInsuranceArgs',
    'WithdrawStakeArgs',
    'WithdrawTreasuryArgs',
]
