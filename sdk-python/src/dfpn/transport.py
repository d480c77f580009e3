"""How the SDK reaches a network: the `Transport` interface the clients are written against.

One implementation ships today, `dfpn.local.LocalNetwork` (an embedded LiteSVM). An RPC transport (devnet,
localnet, an RPC URL) implements the same methods over JSON-RPC.
"""

from __future__ import annotations

import abc
import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.errors import DFPNError, ErrorCode

logger = logging.getLogger(__name__)

#: A slot's target duration on Solana clusters, in seconds.
SLOT_SECONDS = 0.4

#: The signature `program_logs` yields (with empty logs) in place of transactions it could not replay after its
#: subscription dropped (more than the transport's replay limit, or the node would not list them): the consumer
#: must poll the accounts it follows at once. Not a valid signature, so it never equals a real one.
LOGS_GAP = "gap"


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account as a network returns it."""

    address: Pubkey
    lamports: int
    owner: Pubkey
    data: bytes
    executable: bool = False


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """A processed transaction: its signature, the accounts it named, and its logs."""

    signature: str
    slot: int
    accounts: tuple[Pubkey, ...]
    logs: tuple[str, ...]
    fee: int = 0
    compute_units: int = 0


def matches(
    data: bytes, discriminator: bytes, data_size: int | None, memcmp: Sequence[tuple[int, bytes]]
) -> bool:
    """Whether account `data` passes `program_accounts`' filters (as an RPC node applies them)."""
    if not data.startswith(discriminator) or (data_size is not None and len(data) != data_size):
        return False
    return all(data[offset : offset + len(value)] == value for offset, value in memcmp)


class Transport(abc.ABC):
    """The network operations the SDK needs. Every method may raise `dfpn.errors.DFPNError`."""

    #: Short name for logs and errors ("local", "devnet", an RPC URL).
    name: str
    #: The DFPN program's address on this network.
    program_id: Pubkey
    #: Seconds the cluster clock may advance between a read and the slot a transaction lands in; added to
    #: deadlines computed from the clock. 0 where the clock only moves when told to (the embedded network).
    clock_slack: int = 0

    @property
    def is_local(self) -> bool:
        """True for an embedded network whose storage is the local file system (file:// URIs)."""
        return False

    @abc.abstractmethod
    async def get_account(self, address: Pubkey) -> AccountInfo | None:
        """The account at `address`, or None when it does not exist (or holds no lamports)."""

    async def get_accounts(self, addresses: Sequence[Pubkey]) -> list[AccountInfo | None]:
        """The accounts at `addresses`, in order (None where there is none). The default reads them one by one;
        over JSON-RPC, `getMultipleAccounts` reads up to 100 in one call."""
        return [await self.get_account(a) for a in addresses]

    async def get_balance(self, address: Pubkey) -> int:
        account = await self.get_account(address)
        return 0 if account is None else account.lamports

    @abc.abstractmethod
    async def send_transaction(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> TransactionRecord:
        """Sign with `signers` (the first pays the fee), send, wait until processed; raise `DFPNError` on failure."""

    @abc.abstractmethod
    async def unix_timestamp(self) -> int:
        """The cluster clock (the Clock sysvar's `unix_timestamp`) that the program's deadlines use."""

    @abc.abstractmethod
    async def minimum_balance_for_rent_exemption(self, size: int) -> int:
        """Lamports that keep an account of `size` bytes rent-exempt."""

    @abc.abstractmethod
    async def signatures_for_address(self, address: Pubkey) -> list[str]:
        """Signatures of processed transactions that named `address`, newest first."""

    @abc.abstractmethod
    async def get_transaction(self, signature: str) -> TransactionRecord | None:
        """A processed transaction, or None when the network does not know it."""

    @abc.abstractmethod
    async def program_accounts(
        self,
        discriminator: bytes,
        *,
        data_size: int | None = None,
        memcmp: Sequence[tuple[int, bytes]] = (),
        data_slice: tuple[int, int] | None = None,
    ) -> list[AccountInfo]:
        """Every account owned by the DFPN program whose data starts with `discriminator` (an account type's
        8-byte Anchor discriminator), like `getProgramAccounts` with a memcmp filter at offset 0; with `data_size`
        only accounts of that many bytes, with `memcmp` only those holding each `(offset, bytes)` (filters of the
        full data, `dfpn.layout` gives offsets). With `data_slice=(offset, length)` each account's `data` is only
        that slice (the filters still apply to the whole data)."""

    async def next_slot(self) -> None:
        """Return once the cluster has (probably) moved on by a slot: a slot hash that did not exist before may
        exist now. The default sleeps one slot time (400 ms); the embedded network produces a slot."""
        await asyncio.sleep(SLOT_SECONDS)

    async def wait_for_change(self, address: Pubkey, timeout: float) -> None:
        """Return when the account at `address` may have changed, at the latest after `timeout` seconds.

        The default just sleeps (polling); transports with subscriptions return as soon as a change is pushed.
        """
        await asyncio.sleep(timeout)

    async def stop_watching(self, address: Pubkey) -> None:  # noqa: B027 - optional hook
        """Release what `wait_for_change(address)` holds (a subscription). The default holds nothing."""

    def program_logs(self) -> AsyncIterator[tuple[str, list[str]]]:
        """Yield (signature, logs) for each successful transaction that calls the program, as it is processed.

        Transports without a push channel raise `DFPNError(NETWORK_NOT_SUPPORTED)`; callers poll instead. A
        transport that may miss transactions (a dropped subscription it could not catch up on) yields
        `(LOGS_GAP, [])` where it missed them: poll at once.
        """
        raise DFPNError(ErrorCode.NETWORK_NOT_SUPPORTED, f"{self.name} has no transaction log subscription.")

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections. The default does nothing."""


__all__ = ["LOGS_GAP", "SLOT_SECONDS", "AccountInfo", "TransactionRecord", "Transport", "matches"]
