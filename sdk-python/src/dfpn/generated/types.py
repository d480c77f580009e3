# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""Every type of the IDL as a frozen dataclass with its exact Borsh layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from solders.pubkey import Pubkey

from dfpn.borsh import BorshError, Reader, Writer

#: Borsh size in bytes of each fixed-size type (fields only, no discriminator).
TYPE_SIZES: dict[str, int] = {
    'ConfigParams': 107,
    'Seat': 268,
    'Config': 268,
    'Vault': 8,
    'Model': 228,
    'Worker': 264,
    'Request': 3128,
    'Challenger': 80,
    'ConfigInitialized': 32,
    'ConfigUpdated': 32,
    'PauseSet': 1,
    'TreasuryWithdrawn': 40,
    'ModelRegistered': 129,
    'ModelUpdated': 65,
    'ModelDeactivated': 32,
    'ModelFeesClaimed': 72,
    'WorkerRegistered': 73,
    'StakeAdded': 48,
    'WorkerUpdated': 34,
    'UnstakeRequested': 48,
    'StakeWithdrawn': 40,
    'WorkerRewardsClaimed': 40,
    'WorkerJoined': 65,
    'ResultCommitted': 96,
    'RequestFinalized': 53,
    'WorkerPaid': 112,
    'WorkerSlashed': 74,
    'RequestExpired': 40,
    'RequestClosed': 40,
    'AuthorityProposed': 32,
    'AuthorityTransferred': 32,
    'WorkerLeft': 64,
    'InsuranceWithdrawn': 40,
    'ModelTransferProposed': 64,
    'ModelTransferred': 64,
    'ChallengerRegistered': 32,
    'ChallengerRemoved': 32,
    'ChallengeRevealed': 33,
    'SeatDrawn': 65,
    'DrawRearmed': 40,
}


@dataclass(frozen=True, slots=True)
class ConfigParams:
    """IDL type `ConfigParams`."""

    base_fees: tuple[int, ...]
    worker_surcharge_bps: int
    non_reveal_slash_bps: int
    max_weight_bps: int
    reputation_alpha_bps: int
    min_stake: int
    unbonding_secs: int
    min_deadline_secs: int
    reveal_window_secs: int
    min_consensus_weight: int
    max_deadline_secs: int
    no_consensus_fee_bps: int
    seat_bond_multiplier: int
    challenge_slash_bps: int
    min_workers_floor: int
    draw_stake_cap: int

    def write(self, w: Writer) -> None:
        w.length(self.base_fees, 5, 'base_fees')
        for item0 in self.base_fees:
            w.u64(item0, 'base_fees[]')
        w.u16(self.worker_surcharge_bps, 'worker_surcharge_bps')
        w.u16(self.non_reveal_slash_bps, 'non_reveal_slash_bps')
        w.u16(self.max_weight_bps, 'max_weight_bps')
        w.u16(self.reputation_alpha_bps, 'reputation_alpha_bps')
        w.u64(self.min_stake, 'min_stake')
        w.i64(self.unbonding_secs, 'unbonding_secs')
        w.i64(self.min_deadline_secs, 'min_deadline_secs')
        w.i64(self.reveal_window_secs, 'reveal_window_secs')
        w.u32(self.min_consensus_weight, 'min_consensus_weight')
        w.i64(self.max_deadline_secs, 'max_deadline_secs')
        w.u16(self.no_consensus_fee_bps, 'no_consensus_fee_bps')
        w.u16(self.seat_bond_multiplier, 'seat_bond_multiplier')
        w.u16(self.challenge_slash_bps, 'challenge_slash_bps')
        w.u8(self.min_workers_floor, 'min_workers_floor')
        w.u64(self.draw_stake_cap, 'draw_stake_cap')

    @classmethod
    def read(cls, r: Reader) -> ConfigParams:
        return cls(
            base_fees=r.array(5, lambda: r.u64()),
            worker_surcharge_bps=r.u16(),
            non_reveal_slash_bps=r.u16(),
            max_weight_bps=r.u16(),
            reputation_alpha_bps=r.u16(),
            min_stake=r.u64(),
            unbonding_secs=r.i64(),
            min_deadline_secs=r.i64(),
            reveal_window_secs=r.i64(),
            min_consensus_weight=r.u32(),
            max_deadline_secs=r.i64(),
            no_consensus_fee_bps=r.u16(),
            seat_bond_multiplier=r.u16(),
            challenge_slash_bps=r.u16(),
            min_workers_floor=r.u8(),
            draw_stake_cap=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ConfigParams:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value


@dataclass(frozen=True, slots=True)
class Seat:
    """IDL type `Seat`."""

    authority: Pubkey
    commitment: bytes
    report_hash: bytes
    model: Pubkey
    state: int
    verdict: int
    confidence: int
    report_uri_len: int
    report_uri: bytes
    drawn_at: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')
        w.fixed_bytes(self.commitment, 32, 'commitment')
        w.fixed_bytes(self.report_hash, 32, 'report_hash')
        w.pubkey(self.model, 'model')
        w.u8(self.state, 'state')
        w.u8(self.verdict, 'verdict')
        w.u8(self.confidence, 'confidence')
        w.u8(self.report_uri_len, 'report_uri_len')
        w.fixed_bytes(self.report_uri, 128, 'report_uri')
        w.i64(self.drawn_at, 'drawn_at')

    @classmethod
    def read(cls, r: Reader) -> Seat:
        return cls(
            authority=r.pubkey(),
            commitment=r.fixed_bytes(32),
            report_hash=r.fixed_bytes(32),
            model=r.pubkey(),
            state=r.u8(),
            verdict=r.u8(),
            confidence=r.u8(),
            report_uri_len=r.u8(),
            report_uri=r.fixed_bytes(128),
            drawn_at=r.i64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Seat:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value


@dataclass(frozen=True, slots=True)
class Config:
    """Account `Config`: the 8-byte discriminator, then these fields (276 bytes in all)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([155, 12, 170, 224, 30, 250, 204, 130])
    SIZE: ClassVar[int] = 276

    authority: Pubkey
    treasury: Pubkey
    insurance: Pubkey
    params: ConfigParams
    paused: int
    bump: int
    treasury_bump: int
    insurance_bump: int
    request_count: int
    pending_authority: Pubkey
    insurance_withdrawn_at: int
    worker_count: int
    reserved: bytes

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')
        w.pubkey(self.treasury, 'treasury')
        w.pubkey(self.insurance, 'insurance')
        self.params.write(w)
        w.u8(self.paused, 'paused')
        w.u8(self.bump, 'bump')
        w.u8(self.treasury_bump, 'treasury_bump')
        w.u8(self.insurance_bump, 'insurance_bump')
        w.u64(self.request_count, 'request_count')
        w.pubkey(self.pending_authority, 'pending_authority')
        w.i64(self.insurance_withdrawn_at, 'insurance_withdrawn_at')
        w.u32(self.worker_count, 'worker_count')
        w.fixed_bytes(self.reserved, 9, 'reserved')

    @classmethod
    def read(cls, r: Reader) -> Config:
        return cls(
            authority=r.pubkey(),
            treasury=r.pubkey(),
            insurance=r.pubkey(),
            params=ConfigParams.read(r),
            paused=r.u8(),
            bump=r.u8(),
            treasury_bump=r.u8(),
            insurance_bump=r.u8(),
            request_count=r.u64(),
            pending_authority=r.pubkey(),
            insurance_withdrawn_at=r.i64(),
            worker_count=r.u32(),
            reserved=r.fixed_bytes(9),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Config:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_account_data(cls, data: bytes) -> Config:
        """Decode account data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a Config account: discriminator mismatch")
        if len(data) != cls.SIZE:
            raise BorshError(f"Config account is {cls.SIZE} bytes, got {len(data)}")
        return cls.decode(bytes(data[8:]))

    def to_account_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class Vault:
    """Account `Vault`: the 8-byte discriminator, then these fields (16 bytes in all)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([211, 8, 232, 43, 2, 152, 117, 119])
    SIZE: ClassVar[int] = 16

    kind: int
    bump: int
    reserved: bytes

    def write(self, w: Writer) -> None:
        w.u8(self.kind, 'kind')
        w.u8(self.bump, 'bump')
        w.fixed_bytes(self.reserved, 6, 'reserved')

    @classmethod
    def read(cls, r: Reader) -> Vault:
        return cls(
            kind=r.u8(),
            bump=r.u8(),
            reserved=r.fixed_bytes(6),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Vault:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_account_data(cls, data: bytes) -> Vault:
        """Decode account data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a Vault account: discriminator mismatch")
        if len(data) != cls.SIZE:
            raise BorshError(f"Vault account is {cls.SIZE} bytes, got {len(data)}")
        return cls.decode(bytes(data[8:]))

    def to_account_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class Model:
    """Account `Model`: the 8-byte discriminator, then these fields (236 bytes in all)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([152, 221, 247, 122, 185, 125, 223, 151])
    SIZE: ClassVar[int] = 236

    model_id: bytes
    developer: Pubkey
    payout_wallet: Pubkey
    modalities: int
    active: int
    bump: int
    reserved0: int
    uses: int
    earned_total: int
    unclaimed: int
    registered_at: int
    pending_developer: Pubkey
    registrant: Pubkey
    reserved: bytes

    def write(self, w: Writer) -> None:
        w.fixed_bytes(self.model_id, 32, 'model_id')
        w.pubkey(self.developer, 'developer')
        w.pubkey(self.payout_wallet, 'payout_wallet')
        w.u8(self.modalities, 'modalities')
        w.u8(self.active, 'active')
        w.u8(self.bump, 'bump')
        w.u8(self.reserved0, 'reserved0')
        w.u64(self.uses, 'uses')
        w.u64(self.earned_total, 'earned_total')
        w.u64(self.unclaimed, 'unclaimed')
        w.i64(self.registered_at, 'registered_at')
        w.pubkey(self.pending_developer, 'pending_developer')
        w.pubkey(self.registrant, 'registrant')
        w.fixed_bytes(self.reserved, 32, 'reserved')

    @classmethod
    def read(cls, r: Reader) -> Model:
        return cls(
            model_id=r.fixed_bytes(32),
            developer=r.pubkey(),
            payout_wallet=r.pubkey(),
            modalities=r.u8(),
            active=r.u8(),
            bump=r.u8(),
            reserved0=r.u8(),
            uses=r.u64(),
            earned_total=r.u64(),
            unclaimed=r.u64(),
            registered_at=r.i64(),
            pending_developer=r.pubkey(),
            registrant=r.pubkey(),
            reserved=r.fixed_bytes(32),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Model:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_account_data(cls, data: bytes) -> Model:
        """Decode account data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a Model account: discriminator mismatch")
        if len(data) != cls.SIZE:
            raise BorshError(f"Model account is {cls.SIZE} bytes, got {len(data)}")
        return cls.decode(bytes(data[8:]))

    def to_account_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class Worker:
    """Account `Worker`: the 8-byte discriminator, then these fields (272 bytes in all)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([224, 158, 97, 5, 224, 241, 67, 146])
    SIZE: ClassVar[int] = 272

    authority: Pubkey
    stake: int
    unbonding_amount: int
    unbonding_ends_at: int
    rewards: int
    reputation: int
    active_seats: int
    modalities: int
    model_count: int
    bump: int
    reserved0: int
    models: tuple[Pubkey, ...]
    jobs_done: int
    jobs_agreed: int
    slashed_total: int
    registered_at: int
    bonded: int
    pool_index: int
    eligible_since_slot: int
    reserved: bytes

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')
        w.u64(self.stake, 'stake')
        w.u64(self.unbonding_amount, 'unbonding_amount')
        w.i64(self.unbonding_ends_at, 'unbonding_ends_at')
        w.u64(self.rewards, 'rewards')
        w.u16(self.reputation, 'reputation')
        w.u16(self.active_seats, 'active_seats')
        w.u8(self.modalities, 'modalities')
        w.u8(self.model_count, 'model_count')
        w.u8(self.bump, 'bump')
        w.u8(self.reserved0, 'reserved0')
        w.length(self.models, 4, 'models')
        for item0 in self.models:
            w.pubkey(item0, 'models[]')
        w.u64(self.jobs_done, 'jobs_done')
        w.u64(self.jobs_agreed, 'jobs_agreed')
        w.u64(self.slashed_total, 'slashed_total')
        w.i64(self.registered_at, 'registered_at')
        w.u64(self.bonded, 'bonded')
        w.u32(self.pool_index, 'pool_index')
        w.u64(self.eligible_since_slot, 'eligible_since_slot')
        w.fixed_bytes(self.reserved, 12, 'reserved')

    @classmethod
    def read(cls, r: Reader) -> Worker:
        return cls(
            authority=r.pubkey(),
            stake=r.u64(),
            unbonding_amount=r.u64(),
            unbonding_ends_at=r.i64(),
            rewards=r.u64(),
            reputation=r.u16(),
            active_seats=r.u16(),
            modalities=r.u8(),
            model_count=r.u8(),
            bump=r.u8(),
            reserved0=r.u8(),
            models=r.array(4, lambda: r.pubkey()),
            jobs_done=r.u64(),
            jobs_agreed=r.u64(),
            slashed_total=r.u64(),
            registered_at=r.i64(),
            bonded=r.u64(),
            pool_index=r.u32(),
            eligible_since_slot=r.u64(),
            reserved=r.fixed_bytes(12),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Worker:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_account_data(cls, data: bytes) -> Worker:
        """Decode account data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a Worker account: discriminator mismatch")
        if len(data) != cls.SIZE:
            raise BorshError(f"Worker account is {cls.SIZE} bytes, got {len(data)}")
        return cls.decode(bytes(data[8:]))

    def to_account_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class Request:
    """Account `Request`: the 8-byte discriminator, then these fields (3136 bytes in all)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([125, 172, 150, 161, 162, 115, 39, 71])
    SIZE: ClassVar[int] = 3136

    client: Pubkey
    nonce: int
    content_hash: bytes
    modalities: int
    min_workers: int
    max_workers: int
    status: int
    joined: int
    commits: int
    reveals: int
    verdict: int
    confidence: int
    consensus: int
    bump: int
    storage_uri_len: int
    storage_uri: bytes
    fee: int
    escrow: int
    created_at: int
    commit_deadline: int
    deadline: int
    finalized_at: int
    non_reveal_slash_bps: int
    reputation_alpha_bps: int
    max_weight_bps: int
    no_consensus_fee_bps: int
    min_consensus_weight: int
    seat_bond: int
    challenge_slash_bps: int
    challenged: int
    challenge_label: int
    reserved: bytes
    draw_slot: int
    draw_seed: bytes
    draw_cursor: int
    pool_count: int
    attestation: bytes
    seats: tuple[Seat, ...]

    def write(self, w: Writer) -> None:
        w.pubkey(self.client, 'client')
        w.u64(self.nonce, 'nonce')
        w.fixed_bytes(self.content_hash, 32, 'content_hash')
        w.u8(self.modalities, 'modalities')
        w.u8(self.min_workers, 'min_workers')
        w.u8(self.max_workers, 'max_workers')
        w.u8(self.status, 'status')
        w.u8(self.joined, 'joined')
        w.u8(self.commits, 'commits')
        w.u8(self.reveals, 'reveals')
        w.u8(self.verdict, 'verdict')
        w.u8(self.confidence, 'confidence')
        w.u8(self.consensus, 'consensus')
        w.u8(self.bump, 'bump')
        w.u8(self.storage_uri_len, 'storage_uri_len')
        w.fixed_bytes(self.storage_uri, 200, 'storage_uri')
        w.u64(self.fee, 'fee')
        w.u64(self.escrow, 'escrow')
        w.i64(self.created_at, 'created_at')
        w.i64(self.commit_deadline, 'commit_deadline')
        w.i64(self.deadline, 'deadline')
        w.i64(self.finalized_at, 'finalized_at')
        w.u16(self.non_reveal_slash_bps, 'non_reveal_slash_bps')
        w.u16(self.reputation_alpha_bps, 'reputation_alpha_bps')
        w.u16(self.max_weight_bps, 'max_weight_bps')
        w.u16(self.no_consensus_fee_bps, 'no_consensus_fee_bps')
        w.u32(self.min_consensus_weight, 'min_consensus_weight')
        w.u64(self.seat_bond, 'seat_bond')
        w.u16(self.challenge_slash_bps, 'challenge_slash_bps')
        w.u8(self.challenged, 'challenged')
        w.u8(self.challenge_label, 'challenge_label')
        w.fixed_bytes(self.reserved, 12, 'reserved')
        w.u64(self.draw_slot, 'draw_slot')
        w.fixed_bytes(self.draw_seed, 32, 'draw_seed')
        w.u32(self.draw_cursor, 'draw_cursor')
        w.u32(self.pool_count, 'pool_count')
        w.fixed_bytes(self.attestation, 32, 'attestation')
        w.length(self.seats, 10, 'seats')
        for item0 in self.seats:
            item0.write(w)

    @classmethod
    def read(cls, r: Reader) -> Request:
        return cls(
            client=r.pubkey(),
            nonce=r.u64(),
            content_hash=r.fixed_bytes(32),
            modalities=r.u8(),
            min_workers=r.u8(),
            max_workers=r.u8(),
            status=r.u8(),
            joined=r.u8(),
            commits=r.u8(),
            reveals=r.u8(),
            verdict=r.u8(),
            confidence=r.u8(),
            consensus=r.u8(),
            bump=r.u8(),
            storage_uri_len=r.u8(),
            storage_uri=r.fixed_bytes(200),
            fee=r.u64(),
            escrow=r.u64(),
            created_at=r.i64(),
            commit_deadline=r.i64(),
            deadline=r.i64(),
            finalized_at=r.i64(),
            non_reveal_slash_bps=r.u16(),
            reputation_alpha_bps=r.u16(),
            max_weight_bps=r.u16(),
            no_consensus_fee_bps=r.u16(),
            min_consensus_weight=r.u32(),
            seat_bond=r.u64(),
            challenge_slash_bps=r.u16(),
            challenged=r.u8(),
            challenge_label=r.u8(),
            reserved=r.fixed_bytes(12),
            draw_slot=r.u64(),
            draw_seed=r.fixed_bytes(32),
            draw_cursor=r.u32(),
            pool_count=r.u32(),
            attestation=r.fixed_bytes(32),
            seats=r.array(10, lambda: Seat.read(r)),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Request:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_account_data(cls, data: bytes) -> Request:
        """Decode account data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a Request account: discriminator mismatch")
        if len(data) != cls.SIZE:
            raise BorshError(f"Request account is {cls.SIZE} bytes, got {len(data)}")
        return cls.decode(bytes(data[8:]))

    def to_account_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class Challenger:
    """Account `Challenger`: the 8-byte discriminator, then these fields (88 bytes in all)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([89, 121, 93, 18, 145, 185, 209, 216])
    SIZE: ClassVar[int] = 88

    authority: Pubkey
    registered_at: int
    challenges: int
    bump: int
    reserved: bytes

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')
        w.i64(self.registered_at, 'registered_at')
        w.u64(self.challenges, 'challenges')
        w.u8(self.bump, 'bump')
        w.fixed_bytes(self.reserved, 31, 'reserved')

    @classmethod
    def read(cls, r: Reader) -> Challenger:
        return cls(
            authority=r.pubkey(),
            registered_at=r.i64(),
            challenges=r.u64(),
            bump=r.u8(),
            reserved=r.fixed_bytes(31),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> Challenger:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_account_data(cls, data: bytes) -> Challenger:
        """Decode account data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a Challenger account: discriminator mismatch")
        if len(data) != cls.SIZE:
            raise BorshError(f"Challenger account is {cls.SIZE} bytes, got {len(data)}")
        return cls.decode(bytes(data[8:]))

    def to_account_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ConfigInitialized:
    """Event `ConfigInitialized`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([181, 49, 200, 156, 19, 167, 178, 91])

    authority: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')

    @classmethod
    def read(cls, r: Reader) -> ConfigInitialized:
        return cls(
            authority=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ConfigInitialized:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ConfigInitialized:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ConfigInitialized event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ConfigUpdated:
    """Event `ConfigUpdated`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([40, 241, 230, 122, 11, 19, 198, 194])

    authority: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')

    @classmethod
    def read(cls, r: Reader) -> ConfigUpdated:
        return cls(
            authority=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ConfigUpdated:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ConfigUpdated:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ConfigUpdated event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class PauseSet:
    """Event `PauseSet`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([175, 57, 198, 136, 192, 66, 204, 73])

    paused: bool

    def write(self, w: Writer) -> None:
        w.bool(self.paused, 'paused')

    @classmethod
    def read(cls, r: Reader) -> PauseSet:
        return cls(
            paused=r.bool(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> PauseSet:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> PauseSet:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a PauseSet event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class TreasuryWithdrawn:
    """Event `TreasuryWithdrawn`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([143, 181, 157, 169, 87, 155, 170, 46])

    recipient: Pubkey
    amount: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.recipient, 'recipient')
        w.u64(self.amount, 'amount')

    @classmethod
    def read(cls, r: Reader) -> TreasuryWithdrawn:
        return cls(
            recipient=r.pubkey(),
            amount=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> TreasuryWithdrawn:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> TreasuryWithdrawn:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a TreasuryWithdrawn event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ModelRegistered:
    """Event `ModelRegistered`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([220, 196, 19, 71, 42, 237, 219, 138])

    model: Pubkey
    model_id: bytes
    developer: Pubkey
    payout_wallet: Pubkey
    modalities: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.model, 'model')
        w.fixed_bytes(self.model_id, 32, 'model_id')
        w.pubkey(self.developer, 'developer')
        w.pubkey(self.payout_wallet, 'payout_wallet')
        w.u8(self.modalities, 'modalities')

    @classmethod
    def read(cls, r: Reader) -> ModelRegistered:
        return cls(
            model=r.pubkey(),
            model_id=r.fixed_bytes(32),
            developer=r.pubkey(),
            payout_wallet=r.pubkey(),
            modalities=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ModelRegistered:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ModelRegistered:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ModelRegistered event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ModelUpdated:
    """Event `ModelUpdated`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([176, 73, 246, 100, 211, 248, 16, 248])

    model: Pubkey
    payout_wallet: Pubkey
    modalities: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.model, 'model')
        w.pubkey(self.payout_wallet, 'payout_wallet')
        w.u8(self.modalities, 'modalities')

    @classmethod
    def read(cls, r: Reader) -> ModelUpdated:
        return cls(
            model=r.pubkey(),
            payout_wallet=r.pubkey(),
            modalities=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ModelUpdated:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ModelUpdated:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ModelUpdated event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ModelDeactivated:
    """Event `ModelDeactivated`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([206, 93, 113, 200, 8, 64, 87, 45])

    model: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.model, 'model')

    @classmethod
    def read(cls, r: Reader) -> ModelDeactivated:
        return cls(
            model=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ModelDeactivated:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ModelDeactivated:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ModelDeactivated event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ModelFeesClaimed:
    """Event `ModelFeesClaimed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([223, 47, 195, 253, 189, 175, 161, 45])

    model: Pubkey
    payout_wallet: Pubkey
    amount: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.model, 'model')
        w.pubkey(self.payout_wallet, 'payout_wallet')
        w.u64(self.amount, 'amount')

    @classmethod
    def read(cls, r: Reader) -> ModelFeesClaimed:
        return cls(
            model=r.pubkey(),
            payout_wallet=r.pubkey(),
            amount=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ModelFeesClaimed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ModelFeesClaimed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ModelFeesClaimed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerRegistered:
    """Event `WorkerRegistered`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([32, 196, 68, 85, 235, 201, 213, 179])

    worker: Pubkey
    authority: Pubkey
    stake: int
    modalities: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.worker, 'worker')
        w.pubkey(self.authority, 'authority')
        w.u64(self.stake, 'stake')
        w.u8(self.modalities, 'modalities')

    @classmethod
    def read(cls, r: Reader) -> WorkerRegistered:
        return cls(
            worker=r.pubkey(),
            authority=r.pubkey(),
            stake=r.u64(),
            modalities=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerRegistered:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerRegistered:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerRegistered event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class StakeAdded:
    """Event `StakeAdded`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([139, 170, 134, 90, 22, 96, 23, 193])

    worker: Pubkey
    amount: int
    stake: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.worker, 'worker')
        w.u64(self.amount, 'amount')
        w.u64(self.stake, 'stake')

    @classmethod
    def read(cls, r: Reader) -> StakeAdded:
        return cls(
            worker=r.pubkey(),
            amount=r.u64(),
            stake=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> StakeAdded:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> StakeAdded:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a StakeAdded event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerUpdated:
    """Event `WorkerUpdated`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([33, 39, 231, 190, 44, 226, 238, 190])

    worker: Pubkey
    modalities: int
    model_count: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.worker, 'worker')
        w.u8(self.modalities, 'modalities')
        w.u8(self.model_count, 'model_count')

    @classmethod
    def read(cls, r: Reader) -> WorkerUpdated:
        return cls(
            worker=r.pubkey(),
            modalities=r.u8(),
            model_count=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerUpdated:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerUpdated:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerUpdated event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class UnstakeRequested:
    """Event `UnstakeRequested`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([21, 253, 177, 85, 129, 206, 42, 152])

    worker: Pubkey
    amount: int
    available_at: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.worker, 'worker')
        w.u64(self.amount, 'amount')
        w.i64(self.available_at, 'available_at')

    @classmethod
    def read(cls, r: Reader) -> UnstakeRequested:
        return cls(
            worker=r.pubkey(),
            amount=r.u64(),
            available_at=r.i64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> UnstakeRequested:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> UnstakeRequested:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a UnstakeRequested event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class StakeWithdrawn:
    """Event `StakeWithdrawn`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([33, 120, 159, 58, 140, 255, 174, 79])

    worker: Pubkey
    amount: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.worker, 'worker')
        w.u64(self.amount, 'amount')

    @classmethod
    def read(cls, r: Reader) -> StakeWithdrawn:
        return cls(
            worker=r.pubkey(),
            amount=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> StakeWithdrawn:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> StakeWithdrawn:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a StakeWithdrawn event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerRewardsClaimed:
    """Event `WorkerRewardsClaimed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([138, 56, 157, 12, 38, 116, 60, 200])

    worker: Pubkey
    amount: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.worker, 'worker')
        w.u64(self.amount, 'amount')

    @classmethod
    def read(cls, r: Reader) -> WorkerRewardsClaimed:
        return cls(
            worker=r.pubkey(),
            amount=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerRewardsClaimed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerRewardsClaimed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerRewardsClaimed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class RequestSubmitted:
    """Event `RequestSubmitted`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([113, 213, 202, 246, 213, 106, 73, 44])

    request: Pubkey
    client: Pubkey
    nonce: int
    content_hash: bytes
    storage_uri: str
    modalities: int
    min_workers: int
    max_workers: int
    fee: int
    escrow: int
    commit_deadline: int
    deadline: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.client, 'client')
        w.u64(self.nonce, 'nonce')
        w.fixed_bytes(self.content_hash, 32, 'content_hash')
        w.string(self.storage_uri, 'storage_uri')
        w.u8(self.modalities, 'modalities')
        w.u8(self.min_workers, 'min_workers')
        w.u8(self.max_workers, 'max_workers')
        w.u64(self.fee, 'fee')
        w.u64(self.escrow, 'escrow')
        w.i64(self.commit_deadline, 'commit_deadline')
        w.i64(self.deadline, 'deadline')

    @classmethod
    def read(cls, r: Reader) -> RequestSubmitted:
        return cls(
            request=r.pubkey(),
            client=r.pubkey(),
            nonce=r.u64(),
            content_hash=r.fixed_bytes(32),
            storage_uri=r.string(),
            modalities=r.u8(),
            min_workers=r.u8(),
            max_workers=r.u8(),
            fee=r.u64(),
            escrow=r.u64(),
            commit_deadline=r.i64(),
            deadline=r.i64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RequestSubmitted:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> RequestSubmitted:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a RequestSubmitted event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerJoined:
    """Event `WorkerJoined`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([65, 220, 171, 79, 80, 112, 214, 244])

    request: Pubkey
    worker: Pubkey
    seat: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')
        w.u8(self.seat, 'seat')

    @classmethod
    def read(cls, r: Reader) -> WorkerJoined:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
            seat=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerJoined:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerJoined:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerJoined event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ResultCommitted:
    """Event `ResultCommitted`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([197, 81, 109, 4, 128, 173, 1, 109])

    request: Pubkey
    worker: Pubkey
    commitment: bytes

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')
        w.fixed_bytes(self.commitment, 32, 'commitment')

    @classmethod
    def read(cls, r: Reader) -> ResultCommitted:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
            commitment=r.fixed_bytes(32),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ResultCommitted:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ResultCommitted:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ResultCommitted event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ResultRevealed:
    """Event `ResultRevealed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([109, 13, 202, 85, 148, 63, 148, 192])

    request: Pubkey
    worker: Pubkey
    verdict: int
    confidence: int
    model: Pubkey
    report_hash: bytes
    report_uri: str

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')
        w.u8(self.verdict, 'verdict')
        w.u8(self.confidence, 'confidence')
        w.pubkey(self.model, 'model')
        w.fixed_bytes(self.report_hash, 32, 'report_hash')
        w.string(self.report_uri, 'report_uri')

    @classmethod
    def read(cls, r: Reader) -> ResultRevealed:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
            verdict=r.u8(),
            confidence=r.u8(),
            model=r.pubkey(),
            report_hash=r.fixed_bytes(32),
            report_uri=r.string(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ResultRevealed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ResultRevealed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ResultRevealed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class RequestFinalized:
    """Event `RequestFinalized`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([48, 148, 32, 225, 89, 33, 150, 17])

    request: Pubkey
    verdict: int
    confidence: int
    consensus: int
    commits: int
    reveals: int
    fee_charged: int
    refund: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.u8(self.verdict, 'verdict')
        w.u8(self.confidence, 'confidence')
        w.u8(self.consensus, 'consensus')
        w.u8(self.commits, 'commits')
        w.u8(self.reveals, 'reveals')
        w.u64(self.fee_charged, 'fee_charged')
        w.u64(self.refund, 'refund')

    @classmethod
    def read(cls, r: Reader) -> RequestFinalized:
        return cls(
            request=r.pubkey(),
            verdict=r.u8(),
            confidence=r.u8(),
            consensus=r.u8(),
            commits=r.u8(),
            reveals=r.u8(),
            fee_charged=r.u64(),
            refund=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RequestFinalized:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> RequestFinalized:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a RequestFinalized event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerPaid:
    """Event `WorkerPaid`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([81, 33, 19, 141, 26, 216, 165, 20])

    request: Pubkey
    worker: Pubkey
    amount: int
    model: Pubkey
    model_amount: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')
        w.u64(self.amount, 'amount')
        w.pubkey(self.model, 'model')
        w.u64(self.model_amount, 'model_amount')

    @classmethod
    def read(cls, r: Reader) -> WorkerPaid:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
            amount=r.u64(),
            model=r.pubkey(),
            model_amount=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerPaid:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerPaid:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerPaid event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerSlashed:
    """Event `WorkerSlashed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([105, 194, 239, 166, 177, 74, 243, 242])

    request: Pubkey
    worker: Pubkey
    amount: int
    reputation: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')
        w.u64(self.amount, 'amount')
        w.u16(self.reputation, 'reputation')

    @classmethod
    def read(cls, r: Reader) -> WorkerSlashed:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
            amount=r.u64(),
            reputation=r.u16(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerSlashed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerSlashed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerSlashed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class RequestExpired:
    """Event `RequestExpired`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([190, 61, 247, 223, 89, 107, 245, 252])

    request: Pubkey
    refund: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.u64(self.refund, 'refund')

    @classmethod
    def read(cls, r: Reader) -> RequestExpired:
        return cls(
            request=r.pubkey(),
            refund=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RequestExpired:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> RequestExpired:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a RequestExpired event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class RequestClosed:
    """Event `RequestClosed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([59, 172, 99, 75, 9, 19, 226, 188])

    request: Pubkey
    rent_returned: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.u64(self.rent_returned, 'rent_returned')

    @classmethod
    def read(cls, r: Reader) -> RequestClosed:
        return cls(
            request=r.pubkey(),
            rent_returned=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> RequestClosed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> RequestClosed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a RequestClosed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class AuthorityProposed:
    """Event `AuthorityProposed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([244, 117, 94, 112, 53, 151, 35, 89])

    proposed: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.proposed, 'proposed')

    @classmethod
    def read(cls, r: Reader) -> AuthorityProposed:
        return cls(
            proposed=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> AuthorityProposed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> AuthorityProposed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a AuthorityProposed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class AuthorityTransferred:
    """Event `AuthorityTransferred`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([245, 109, 179, 54, 135, 92, 22, 64])

    authority: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.authority, 'authority')

    @classmethod
    def read(cls, r: Reader) -> AuthorityTransferred:
        return cls(
            authority=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> AuthorityTransferred:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> AuthorityTransferred:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a AuthorityTransferred event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class WorkerLeft:
    """Event `WorkerLeft`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([20, 11, 160, 162, 150, 63, 249, 213])

    request: Pubkey
    worker: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')

    @classmethod
    def read(cls, r: Reader) -> WorkerLeft:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> WorkerLeft:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> WorkerLeft:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a WorkerLeft event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class InsuranceWithdrawn:
    """Event `InsuranceWithdrawn`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([85, 95, 150, 170, 148, 235, 180, 156])

    recipient: Pubkey
    amount: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.recipient, 'recipient')
        w.u64(self.amount, 'amount')

    @classmethod
    def read(cls, r: Reader) -> InsuranceWithdrawn:
        return cls(
            recipient=r.pubkey(),
            amount=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> InsuranceWithdrawn:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> InsuranceWithdrawn:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a InsuranceWithdrawn event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ModelTransferProposed:
    """Event `ModelTransferProposed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([42, 221, 235, 204, 174, 74, 96, 123])

    model: Pubkey
    proposed: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.model, 'model')
        w.pubkey(self.proposed, 'proposed')

    @classmethod
    def read(cls, r: Reader) -> ModelTransferProposed:
        return cls(
            model=r.pubkey(),
            proposed=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ModelTransferProposed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ModelTransferProposed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ModelTransferProposed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ModelTransferred:
    """Event `ModelTransferred`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([230, 97, 111, 224, 193, 163, 90, 116])

    model: Pubkey
    developer: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.model, 'model')
        w.pubkey(self.developer, 'developer')

    @classmethod
    def read(cls, r: Reader) -> ModelTransferred:
        return cls(
            model=r.pubkey(),
            developer=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ModelTransferred:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ModelTransferred:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ModelTransferred event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ChallengerRegistered:
    """Event `ChallengerRegistered`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([147, 14, 134, 173, 249, 39, 199, 249])

    challenger: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.challenger, 'challenger')

    @classmethod
    def read(cls, r: Reader) -> ChallengerRegistered:
        return cls(
            challenger=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ChallengerRegistered:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ChallengerRegistered:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ChallengerRegistered event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ChallengerRemoved:
    """Event `ChallengerRemoved`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([171, 242, 166, 150, 34, 148, 0, 70])

    challenger: Pubkey

    def write(self, w: Writer) -> None:
        w.pubkey(self.challenger, 'challenger')

    @classmethod
    def read(cls, r: Reader) -> ChallengerRemoved:
        return cls(
            challenger=r.pubkey(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ChallengerRemoved:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ChallengerRemoved:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ChallengerRemoved event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class ChallengeRevealed:
    """Event `ChallengeRevealed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([70, 75, 160, 9, 210, 81, 97, 221])

    request: Pubkey
    label: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.u8(self.label, 'label')

    @classmethod
    def read(cls, r: Reader) -> ChallengeRevealed:
        return cls(
            request=r.pubkey(),
            label=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> ChallengeRevealed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> ChallengeRevealed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a ChallengeRevealed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class SeatDrawn:
    """Event `SeatDrawn`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([110, 61, 47, 40, 12, 221, 221, 122])

    request: Pubkey
    worker: Pubkey
    seat: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.pubkey(self.worker, 'worker')
        w.u8(self.seat, 'seat')

    @classmethod
    def read(cls, r: Reader) -> SeatDrawn:
        return cls(
            request=r.pubkey(),
            worker=r.pubkey(),
            seat=r.u8(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> SeatDrawn:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> SeatDrawn:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a SeatDrawn event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


@dataclass(frozen=True, slots=True)
class DrawRearmed:
    """Event `DrawRearmed`, logged as `Program data:` base64(discriminator ‖ fields)."""

    DISCRIMINATOR: ClassVar[bytes] = bytes([25, 27, 196, 88, 205, 188, 4, 191])

    request: Pubkey
    draw_slot: int

    def write(self, w: Writer) -> None:
        w.pubkey(self.request, 'request')
        w.u64(self.draw_slot, 'draw_slot')

    @classmethod
    def read(cls, r: Reader) -> DrawRearmed:
        return cls(
            request=r.pubkey(),
            draw_slot=r.u64(),
        )

    def encode(self) -> bytes:
        """The Borsh encoding of the fields (no discriminator)."""
        w = Writer()
        self.write(w)
        return w.getvalue()

    @classmethod
    def decode(cls, data: bytes) -> DrawRearmed:
        """Decode exactly `data` (no discriminator); trailing bytes are an error."""
        r = Reader(data)
        value = cls.read(r)
        r.finish()
        return value

    @classmethod
    def from_event_data(cls, data: bytes) -> DrawRearmed:
        """Decode event data: the discriminator, then exactly the fields."""
        if bytes(data[:8]) != cls.DISCRIMINATOR:
            raise BorshError("not a DrawRearmed event: discriminator mismatch")
        return cls.decode(bytes(data[8:]))

    def to_event_data(self) -> bytes:
        return self.DISCRIMINATOR + self.encode()


__all__ = [
    'TYPE_SIZES',
    'AuthorityProposed',
    'AuthorityTransferred',
    'ChallengeRevealed',
    'Challenger',
    'ChallengerRegistered',
    'ChallengerRemoved',
    'Config',
    'ConfigInitialized',
    'ConfigParams',
    'ConfigUpdated',
    'DrawRearmed',
    'InsuranceWithdrawn',
    'Model',
    'ModelDeactivated',
    'ModelFeesClaimed',
    'ModelRegistered',
    'ModelTransferProposed',
    'ModelTransferred',
    'ModelUpdated',
    'PauseSet',
    'Request',
    'RequestClosed',
    'RequestExpired',
    'RequestFinalized',
    'RequestSubmitted',
    'ResultCommitted',
    'ResultRevealed',
    'Seat',
    'SeatDrawn',
    'StakeAdded',
    'StakeWithdrawn',
    'TreasuryWithdrawn',
    'UnstakeRequested',
    'Vault',
    'Worker',
    'WorkerJoined',
    'WorkerLeft',
    'WorkerPaid',
    'WorkerRegistered',
    'WorkerRewardsClaimed',
    'WorkerSlashed',
    'WorkerUpdated',
]
