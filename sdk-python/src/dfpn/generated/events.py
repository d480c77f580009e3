# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""Program events: a decoder for `Program data:` payloads, by discriminator."""

from __future__ import annotations

from typing import TypeAlias

from .types import (
    AuthorityProposed,
    AuthorityTransferred,
    ChallengeRevealed,
    ChallengerRegistered,
    ChallengerRemoved,
    ConfigInitialized,
    ConfigUpdated,
    DrawRearmed,
    InsuranceWithdrawn,
    ModelDeactivated,
    ModelFeesClaimed,
    ModelRegistered,
    ModelTransferProposed,
    ModelTransferred,
    ModelUpdated,
    PauseSet,
    RequestClosed,
    RequestExpired,
    RequestFinalized,
    RequestSubmitted,
    ResultCommitted,
    ResultRevealed,
    SeatDrawn,
    StakeAdded,
    StakeWithdrawn,
    TreasuryWithdrawn,
    UnstakeRequested,
    WorkerJoined,
    WorkerLeft,
    WorkerPaid,
    WorkerRegistered,
    WorkerRewardsClaimed,
    WorkerSlashed,
    WorkerUpdated,
)

Event: TypeAlias = (
    ConfigInitialized
    | ConfigUpdated
    | PauseSet
    | TreasuryWithdrawn
    | ModelRegistered
    | ModelUpdated
    | ModelDeactivated
    | ModelFeesClaimed
    | WorkerRegistered
    | StakeAdded
    | WorkerUpdated
    | UnstakeRequested
    | StakeWithdrawn
    | WorkerRewardsClaimed
    | RequestSubmitted
    | WorkerJoined
    | ResultCommitted
    | ResultRevealed
    | RequestFinalized
    | WorkerPaid
    | WorkerSlashed
    | RequestExpired
    | RequestClosed
    | AuthorityProposed
    | AuthorityTransferred
    | WorkerLeft
    | InsuranceWithdrawn
    | ModelTransferProposed
    | ModelTransferred
    | ChallengerRegistered
    | ChallengerRemoved
    | ChallengeRevealed
    | SeatDrawn
    | DrawRearmed
)

EVENT_TYPES: dict[bytes, type[Event]] = {
    ConfigInitialized.DISCRIMINATOR: ConfigInitialized,
    ConfigUpdated.DISCRIMINATOR: ConfigUpdated,
    PauseSet.DISCRIMINATOR: PauseSet,
    TreasuryWithdrawn.DISCRIMINATOR: TreasuryWithdrawn,
    ModelRegistered.DISCRIMINATOR: ModelRegistered,
    ModelUpdated.DISCRIMINATOR: ModelUpdated,
    ModelDeactivated.DISCRIMINATOR: ModelDeactivated,
    ModelFeesClaimed.DISCRIMINATOR: ModelFeesClaimed,
    WorkerRegistered.DISCRIMINATOR: WorkerRegistered,
    StakeAdded.DISCRIMINATOR: StakeAdded,
    WorkerUpdated.DISCRIMINATOR: WorkerUpdated,
    UnstakeRequested.DISCRIMINATOR: UnstakeRequested,
    StakeWithdrawn.DISCRIMINATOR: StakeWithdrawn,
    WorkerRewardsClaimed.DISCRIMINATOR: WorkerRewardsClaimed,
    RequestSubmitted.DISCRIMINATOR: RequestSubmitted,
    WorkerJoined.DISCRIMINATOR: WorkerJoined,
    ResultCommitted.DISCRIMINATOR: ResultCommitted,
    ResultRevealed.DISCRIMINATOR: ResultRevealed,
    RequestFinalized.DISCRIMINATOR: RequestFinalized,
    WorkerPaid.DISCRIMINATOR: WorkerPaid,
    WorkerSlashed.DISCRIMINATOR: WorkerSlashed,
    RequestExpired.DISCRIMINATOR: RequestExpired,
    RequestClosed.DISCRIMINATOR: RequestClosed,
    AuthorityProposed.DISCRIMINATOR: AuthorityProposed,
    AuthorityTransferred.DISCRIMINATOR: AuthorityTransferred,
    WorkerLeft.DISCRIMINATOR: WorkerLeft,
    InsuranceWithdrawn.DISCRIMINATOR: InsuranceWithdrawn,
    ModelTransferProposed.DISCRIMINATOR: ModelTransferProposed,
    ModelTransferred.DISCRIMINATOR: ModelTransferred,
    ChallengerRegistered.DISCRIMINATOR: ChallengerRegistered,
    ChallengerRemoved.DISCRIMINATOR: ChallengerRemoved,
    ChallengeRevealed.DISCRIMINATOR: ChallengeRevealed,
    SeatDrawn.DISCRIMINATOR: SeatDrawn,
    DrawRearmed.DISCRIMINATOR: DrawRearmed,
}


def decode_event(data: bytes) -> Event | None:
    """Decode one event payload (discriminator ‖ fields); None when the discriminator is unknown."""
    cls = EVENT_TYPES.get(bytes(data[:8]))
    return None if cls is None else cls.from_event_data(data)


__all__ = [
    'EVENT_TYPES',
    'AuthorityProposed',
    'AuthorityTransferred',
    'ChallengeRevealed',
    'ChallengerRegistered',
    'ChallengerRemoved',
    'ConfigInitialized',
    'ConfigUpdated',
    'DrawRearmed',
    'Event',
    'InsuranceWithdrawn',
    'ModelDeactivated',
    'ModelFeesClaimed',
    'ModelRegistered',
    'ModelTransferProposed',
    'ModelTransferred',
    'ModelUpdated',
    'PauseSet',
    'RequestClosed',
    'RequestExpired',
    'RequestFinalized',
    'RequestSubmitted',
    'ResultCommitted',
    'ResultRevealed',
    'SeatDrawn',
    'StakeAdded',
    'StakeWithdrawn',
    'TreasuryWithdrawn',
    'UnstakeRequested',
    'WorkerJoined',
    'WorkerLeft',
    'WorkerPaid',
    'WorkerRegistered',
    'WorkerRewardsClaimed',
    'WorkerSlashed',
    'WorkerUpdated',
    'decode_event',
]
