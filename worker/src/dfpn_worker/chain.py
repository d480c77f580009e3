"""The node's reads and writes on the network.

Every read and every transaction is retried with exponential backoff while it fails with a transient RPC fault
(`retry.retrying`; each retry counted in `dfpn_worker_retries_total{operation="read"|"send"}`). An account the
program does not own is treated as absent: anyone can put lamports or data at an address they do not control.
Times are the cluster clock (`transport.unix_timestamp()`), as the program's deadlines are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import layout
from dfpn.borsh import BorshError
from dfpn.generated.constants import REQUEST_STATUS_OPEN, SEAT_STATE_DRAWN
from dfpn.generated.types import Config, Model, Request, Seat, Worker
from dfpn.pda import config_address, worker_address
from dfpn.transport import AccountInfo, TransactionRecord, Transport
from dfpn_worker.errors import WorkerError
from dfpn_worker.metrics import Metrics
from dfpn_worker.retry import retrying

T = TypeVar("T")

#: Where a Request account holds its status, its draw seed, and each seat's authority and state.
_STATUS = layout.offset(Request, "status")
_DRAW_SEED = layout.offset(Request, "draw_seed")
_SEAT_AUTHORITIES = layout.offsets(Request, "authority")
_SEAT_STATES = layout.offsets(Request, "state")


class Chain:
    """One worker key on one network: its reads (config, worker account, requests, clock) and its transactions,
    signed by the worker's key."""

    def __init__(self, transport: Transport, keypair: Keypair, metrics: Metrics, backoff_base: float) -> None:
        self.transport = transport
        self.keypair = keypair
        self.authority = keypair.pubkey()
        self.program_id = transport.program_id
        self.metrics = metrics
        self.backoff_base = backoff_base

    @property
    def worker_pda(self) -> Pubkey:
        return worker_address(self.authority, self.program_id)

    async def read(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        return await retrying(
            what,
            call,
            base=self.backoff_base,
            on_retry=lambda op: self.metrics.retries.labels(operation="read").inc(),
        )

    async def now(self) -> int:
        return int(await self.read("clock", self.transport.unix_timestamp))

    async def config(self) -> Config:
        """The network's configuration (a `WorkerError` when there is none)."""
        address = config_address(self.program_id)
        account = await self.read("config", lambda: self.transport.get_account(address))
        if account is None or account.owner != self.program_id:
            raise WorkerError(f"no DFPN configuration at {address} on {self.transport.name}")
        return Config.from_account_data(account.data)

    async def worker(self) -> Worker | None:
        """This worker's account; None when it is not registered."""
        account = await self.read("worker", lambda: self.transport.get_account(self.worker_pda))
        if account is None or account.owner != self.program_id:
            return None
        return Worker.from_account_data(account.data)

    async def model(self, address: Pubkey) -> Model | None:
        """The model at `address`; None when no model of this program is there."""
        account = await self.read(f"model {address}", lambda: self.transport.get_account(address))
        if account is None or account.owner != self.program_id:
            return None
        try:
            return Model.from_account_data(account.data)
        except BorshError:
            return None

    async def open_requests(self, what: str, *memcmp: tuple[int, bytes]) -> list[AccountInfo]:
        """Open Request accounts (status Open) holding each `(offset, bytes)` of `memcmp` (decoded by the
        caller): one filtered `getProgramAccounts`."""
        filters = [(_STATUS, bytes([REQUEST_STATUS_OPEN])), *memcmp]
        return await self.read(
            what,
            lambda: self.transport.program_accounts(
                Request.DISCRIMINATOR, data_size=Request.SIZE, memcmp=filters
            ),
        )

    async def _by_seat(self, what: str, offsets: list[int], value: bytes) -> list[AccountInfo]:
        """Open requests with `value` at one of `offsets` (one query per seat; a request appears once)."""
        found: dict[Pubkey, AccountInfo] = {}
        for offset in offsets:
            for account in await self.open_requests(what, (offset, value)):
                found[account.address] = account
        return list(found.values())

    async def my_requests(self) -> list[AccountInfo]:
        """The open requests holding a seat of this worker (drawn or taken): a query per seat index, each
        matching the worker's key at that seat's `authority` (`dfpn.layout` offsets)."""
        return await self._by_seat("my requests", _SEAT_AUTHORITIES, bytes(self.authority))

    async def unseeded_requests(self) -> list[AccountInfo]:
        """Open requests nobody has drawn yet (`draw_seed` all zeroes)."""
        return await self.open_requests("undrawn requests", (_DRAW_SEED, bytes(32)))

    async def requests_with_drawn_seats(self) -> list[AccountInfo]:
        """Open requests with a seat still only drawn (state DRAWN), whoever holds it."""
        return await self._by_seat("drawn seats", _SEAT_STATES, bytes([SEAT_STATE_DRAWN]))

    async def request(self, address: Pubkey) -> Request | None:
        """The request at `address`; None when the account is closed or is not a request."""
        account = await self.read("request", lambda: self.transport.get_account(address))
        if account is None or account.owner != self.program_id:
            return None
        try:
            return Request.from_account_data(account.data)
        except BorshError:
            return None

    def seat(self, r: Request) -> Seat | None:
        """This worker's seat in `r`, if it holds one."""
        return next((s for s in r.seats[: r.joined] if s.authority == self.authority), None)

    async def send(self, what: str, instructions: Sequence[Instruction]) -> TransactionRecord:
        """One transaction signed by the worker's key."""
        return await retrying(
            what,
            lambda: self.transport.send_transaction(instructions, [self.keypair]),
            base=self.backoff_base,
            on_retry=lambda op: self.metrics.retries.labels(operation="send").inc(),
        )


__all__ = ["Chain"]
