"""The node's reads and writes on the network.

Every read and every transaction is retried with exponential backoff while it fails with a transient RPC fault
(`retry.retrying`; each retry counted in `dfpn_worker_retries_total{operation="read"|"send"}`). An account the
program does not own is treated as absent: anyone can put lamports or data at an address they do not control.
Times are the cluster clock (`transport.unix_timestamp()`), as the program's deadlines are. Where the clock moves
on its own (`transport.clock_slack` > 0: JSON-RPC) one reading serves every job for `CLOCK_REUSE` seconds (it has a
one-second resolution and moves once a slot; each job step would otherwise read it again), and jobs asking at once
share one read.

Transactions over JSON-RPC are pipelined (`Pipeline`): each is signed with a cached recent blockhash and sent at
once (the node's preflight simulation still returns the program's refusal to the step that sent it), at most
`max_in_flight` unconfirmed at a time; one loop confirms all of them with a single batched `getSignatureStatuses`
per round, hands a failure back to its sender as the same `DFPNError` the SDK raises, and re-signs and re-sends a
transaction whose blockhash expired before it landed. So many jobs' transactions share round trips instead of each
paying a send-and-confirm of its own. On the embedded network (no round trips) the transport sends directly.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction

from dfpn import layout
from dfpn.borsh import BorshError
from dfpn.errors import DFPNError, ErrorCode, from_transaction_error
from dfpn.generated.constants import REQUEST_STATUS_OPEN, SEAT_STATE_DRAWN
from dfpn.generated.types import Config, Model, Request, Seat, Worker
from dfpn.pda import config_address, worker_address
from dfpn.rpc import RpcTransport
from dfpn.transport import AccountInfo, TransactionRecord, Transport
from dfpn_worker.errors import WorkerError
from dfpn_worker.metrics import Metrics
from dfpn_worker.retry import retrying

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds a reading of the cluster clock is reused over JSON-RPC (half a slot: at most one slot behind a fresh
#: read, well inside the transport's `clock_slack`).
CLOCK_REUSE = 0.2

#: Where a Request account holds its status, its draw seed, and each seat's authority and state.
_STATUS = layout.offset(Request, "status")
_DRAW_SEED = layout.offset(Request, "draw_seed")
_SEAT_AUTHORITIES = layout.offsets(Request, "authority")
_SEAT_STATES = layout.offsets(Request, "state")


class Chain:
    """One worker key on one network: its reads (config, worker account, requests, clock) and its transactions,
    signed by the worker's key."""

    def __init__(
        self,
        transport: Transport,
        keypair: Keypair,
        metrics: Metrics,
        backoff_base: float,
        *,
        max_in_flight: int = 64,
    ) -> None:
        self.transport = transport
        self.keypair = keypair
        self.authority = keypair.pubkey()
        self.program_id = transport.program_id
        self.metrics = metrics
        self.backoff_base = backoff_base
        #: Pipelined sending over JSON-RPC; None on the embedded network (a send there is processed at once).
        self.pipeline = (
            Pipeline(transport, max_in_flight=max_in_flight) if isinstance(transport, RpcTransport) else None
        )
        #: The shared clock read (`now`) and when it was started.
        self._clock: asyncio.Future[int] | None = None
        self._clock_read_at = 0.0

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
        if self.transport.clock_slack == 0:  # a clock that moves only when told to (embedded): always read it
            return int(await self.read("clock", self.transport.unix_timestamp))
        clock = self._clock
        if clock is None or (clock.done() and time.monotonic() - self._clock_read_at > CLOCK_REUSE):
            self._clock_read_at = time.monotonic()
            clock = self._clock = asyncio.ensure_future(self.read("clock", self.transport.unix_timestamp))
        try:
            # shielded: a caller cancelled while waiting must not cancel the read the others share
            return int(await asyncio.shield(clock))
        except BaseException:
            if clock.done() and self._clock is clock:
                self._clock = None  # a failed read is not reused
            raise

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

    async def accounts(self, addresses: Sequence[Pubkey]) -> list[AccountInfo]:
        """The accounts of this program at `addresses` (over JSON-RPC one `getMultipleAccounts` per 100; absent or
        foreign ones left out)."""
        found = await self.read(f"{len(addresses)} accounts", lambda: self.transport.get_accounts(addresses))
        return [a for a in found if a is not None and a.owner == self.program_id]

    def seat(self, r: Request) -> Seat | None:
        """This worker's seat in `r`, if it holds one."""
        return next((s for s in r.seats[: r.joined] if s.authority == self.authority), None)

    async def send(self, what: str, instructions: Sequence[Instruction]) -> TransactionRecord:
        """One transaction signed by the worker's key, returned once confirmed (pipelined over JSON-RPC: other
        jobs' transactions are sent and confirmed meanwhile); the program's refusal is raised here."""
        pipeline = self.pipeline

        async def send_once() -> TransactionRecord:
            if pipeline is not None:
                return await pipeline.send(instructions, [self.keypair])
            return await self.transport.send_transaction(instructions, [self.keypair])

        return await retrying(
            what,
            send_once,
            base=self.backoff_base,
            on_retry=lambda op: self.metrics.retries.labels(operation="send").inc(),
        )

    async def close(self) -> None:
        if self.pipeline is not None:
            await self.pipeline.close()


class _ExpiredError(Exception):
    """The transaction's blockhash expired before it landed: it never will; sign it again."""


@dataclass
class _Pending:
    future: asyncio.Future[TransactionRecord]
    last_valid: int
    give_up: float
    accounts: tuple[Pubkey, ...]
    program_index: dict[int, bool]


class Pipeline:
    """Sends transactions over JSON-RPC without waiting for each other's confirmation.

    `send` signs with a recent blockhash (cached `blockhash_ttl` seconds: a blockhash stays valid ~60 s), submits
    (`sendTransaction` with preflight, so a program refusal is raised at once) and waits for its own
    confirmation, which one background loop reads for every pending signature at once (`getSignatureStatuses`,
    256 per call) every `poll_interval` seconds. A transaction whose blockhash expired unlanded is re-signed with a
    fresh blockhash and sent again (`resends` times); one neither landed nor expired after `confirm_timeout` is a
    `TIMEOUT`. At most `max_in_flight` transactions are between send and confirmation.

    Written here rather than in the SDK's `RpcTransport.send_transaction` (one round trip chain per transaction)
    on top of its public `call`, so the SDK's own send path stays as it is for its other users."""

    def __init__(
        self,
        rpc: RpcTransport,
        *,
        max_in_flight: int = 64,
        poll_interval: float = 0.2,
        blockhash_ttl: float = 20.0,
        confirm_timeout: float = 90.0,
        resends: int = 3,
    ) -> None:
        self.rpc = rpc
        self.poll_interval = poll_interval
        self.blockhash_ttl = blockhash_ttl
        self.confirm_timeout = confirm_timeout
        self.resends = resends
        self._slots = asyncio.Semaphore(max_in_flight)
        self._pending: dict[str, _Pending] = {}
        self._blockhash: tuple[Hash, int, float] | None = None
        self._blockhash_lock = asyncio.Lock()
        self._loop: asyncio.Task[None] | None = None
        #: Signature-status rounds so far (how many transactions shared each is the point of the pipeline).
        self.rounds = 0

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> TransactionRecord:
        program_index = {n: i.program_id == self.rpc.program_id for n, i in enumerate(instructions)}
        async with self._slots:
            for attempt in range(self.resends + 1):
                blockhash, last_valid = await self._recent_blockhash(fresh=attempt > 0)
                message = Message.new_with_blockhash(list(instructions), signers[0].pubkey(), blockhash)
                tx = Transaction(list(signers), message, blockhash)
                signature = await self._submit(tx)
                future: asyncio.Future[TransactionRecord] = asyncio.get_running_loop().create_future()
                self._pending[signature] = _Pending(
                    future,
                    last_valid,
                    time.monotonic() + self.confirm_timeout,
                    tuple(message.account_keys),
                    program_index,
                )
                self._ensure_loop()
                try:
                    return await future
                except _ExpiredError:
                    logger.info("transaction %s expired unlanded; signing it again", signature)
                    continue
                finally:
                    self._pending.pop(signature, None)
        raise DFPNError(
            ErrorCode.TIMEOUT,
            f"transaction expired {self.resends + 1} times without landing; the cluster is not taking it",
        )

    async def _recent_blockhash(self, *, fresh: bool) -> tuple[Hash, int]:
        async with self._blockhash_lock:
            cached = self._blockhash
            if fresh or cached is None or time.monotonic() - cached[2] > self.blockhash_ttl:
                blockhash, last_valid = await self.rpc.latest_blockhash()
                cached = self._blockhash = (blockhash, last_valid, time.monotonic())
            return cached[0], cached[1]

    async def _submit(self, tx: Transaction) -> str:
        wire = base64.b64encode(bytes(tx)).decode()
        options = {"encoding": "base64", "preflightCommitment": self.rpc.commitment}
        # `call` maps a failed preflight (the program's refusal) to its DFPNError, raised to the sender.
        return str(await self.rpc.call("sendTransaction", wire, options))

    def _ensure_loop(self) -> None:
        if self._loop is None or self._loop.done():
            self._loop = asyncio.create_task(self._confirm_loop(), name="dfpn-worker-confirm")

    async def _confirm_loop(self) -> None:
        while self._pending:
            await asyncio.sleep(self.poll_interval)
            try:
                await self._round()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # an RPC fault: the next round tries again; deadlines still apply
                logger.warning("confirming %d transaction(s) failed: %s", len(self._pending), e)
                self._time_out(time.monotonic())

    async def _round(self) -> None:
        self.rounds += 1
        signatures = [s for s, p in self._pending.items() if not p.future.done()]
        statuses: list[object] = []
        for i in range(0, len(signatures), 256):
            result = await self.rpc.call(
                "getSignatureStatuses", signatures[i : i + 256], {"searchTransactionHistory": False}
            )
            statuses.extend(result["value"])
        unlanded = []
        for signature, status in zip(signatures, statuses, strict=True):
            pending = self._pending.get(signature)
            if pending is None or pending.future.done():
                continue
            if not isinstance(status, dict):
                unlanded.append(pending)
            elif status.get("err") is not None:
                pending.future.set_exception(await self._failure(signature, status["err"], pending))
            elif (
                status.get("confirmationStatus") in ("confirmed", "finalized")
                or self.rpc.commitment == "processed"
            ):
                record = TransactionRecord(signature, int(status.get("slot") or 0), pending.accounts, ())
                pending.future.set_result(record)
        if unlanded:
            height = int(await self.rpc.call("getBlockHeight", {"commitment": self.rpc.commitment}))
            for pending in unlanded:
                if height > pending.last_valid and not pending.future.done():
                    pending.future.set_exception(_ExpiredError())
        self._time_out(time.monotonic())

    async def _failure(self, signature: str, err: object, pending: _Pending) -> DFPNError:
        """The SDK's error for a transaction that landed and failed (with its logs when the node has them)."""
        try:
            record = await self.rpc.get_transaction(signature)
        except DFPNError:
            record = None
        return from_transaction_error(
            err,
            program_index=pending.program_index,
            logs=record.logs if record else (),
            signature=signature,
        )

    def _time_out(self, now: float) -> None:
        for signature, pending in self._pending.items():
            if now > pending.give_up and not pending.future.done():
                pending.future.set_exception(
                    DFPNError(
                        ErrorCode.TIMEOUT,
                        f"transaction {signature} not confirmed within {self.confirm_timeout:.0f} s",
                        signature=signature,
                    )
                )

    async def close(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
            self._loop = None


__all__ = ["Chain", "Pipeline"]
