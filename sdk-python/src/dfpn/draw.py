"""Seat draws: who `draw_seats` seats in a request, computed as the program computes it, and the loop that sends it.

The rule (docs/protocol.md, the IDL's `DRAW_DOMAIN`): a request's seed is
`sha256(DRAW_DOMAIN ‖ request ‖ hash of the first slot at or after its draw_slot)` (SlotHashes sysvar); candidate
`k` is `h = sha256(seed ‖ k as u32 LE)`, naming the worker whose `pool_index` is `u64_le(h[0..8]) % pool_count`,
with the stake lottery number `u64_le(h[8..16]) % draw_stake_cap`. The program tries candidates from the request's
`draw_cursor` on, in the order the caller passes their worker accounts, and seats the eligible ones (`drawable`)
until `max_workers` seats are drawn (the eligibility rule is the program's alone; the SDK's tests restate it to
predict draws). Seats not committed half a commit window after their draw
(`dfpn.protocol.answer_by`; only drawn, or accepted and silent) are replaced first: their workers forfeit the seat
bond.

- `draw_seed`, `candidate`, `candidates`, `lookup`, `parse_slot_hashes`: the pure hashing rule (tests check it
  against the program running in LiteSVM and `tests/vectors.json`);
- `WorkerPool`: worker PDAs by pool index, from one `getProgramAccounts` (dataSlice of `pool_index` only);
- `draw_seats(transport, payer, request)`: read the request, fix its seed from SlotHashes when it has none yet
  (waiting a slot while the hash does not exist), pass the unanswered seats' workers then a batch of candidates,
  and repeat until the seats are full, nothing moves, or a bound. `DFPNClient.draw_seats` and the worker node's
  crank call it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import instructions as ix
from dfpn import layout, protocol
from dfpn.borsh import BorshError
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.generated.constants import DRAW_DOMAIN, SEAT_STATE_DRAWN, SEAT_STATE_JOINED
from dfpn.generated.instructions import INSTRUCTIONS
from dfpn.generated.types import Config, Request, SeatDrawn, Worker
from dfpn.models import DrawResult
from dfpn.pda import config_address, worker_address
from dfpn.transport import Transport

logger = logging.getLogger(__name__)

#: The SlotHashes sysvar (the address the IDL fixes for `draw_seats`' `slot_hashes` account).
SLOT_HASHES_SYSVAR = Pubkey.from_string(str(INSTRUCTIONS["draw_seats"].accounts[2].address))
#: Candidates passed per `draw_seats` transaction. With ten replaced seats on top, the transaction still fits
#: (each distinct account is 32 bytes of the 1,232 a transaction may have).
DRAW_BATCH = 16
#: Most `draw_seats` transactions one `draw_seats` call sends once the seed is known.
MAX_ROUNDS = 8
_SLOT_HASH_ENTRY = struct.Struct("<Q32s")


# ---- the rule ------------------------------------------------------------------------------------------------


def draw_seed(request: Pubkey, slot_hash: bytes) -> bytes:
    """A request's draw seed: `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`."""
    return hashlib.sha256(DRAW_DOMAIN + bytes(request) + bytes(slot_hash)).digest()


@dataclass(frozen=True, slots=True)
class Candidate:
    """Candidate `k` of a draw: the pool index it names and its stake lottery number."""

    k: int
    pool_index: int
    lottery: int


def candidate(seed: bytes, k: int, pool_count: int, stake_cap: int) -> Candidate:
    """Candidate `k`: `h = sha256(seed ‖ k as u32 LE)`; pool index `u64_le(h[0..8]) % pool_count`, lottery
    `u64_le(h[8..16]) % stake_cap` (a zero count or cap counts as 1, as in the program)."""
    h = hashlib.sha256(bytes(seed) + struct.pack("<I", k)).digest()
    first, second = struct.unpack_from("<QQ", h)
    return Candidate(k, first % max(1, pool_count), second % max(1, stake_cap))


def candidates(seed: bytes, start: int, count: int, pool_count: int, stake_cap: int) -> list[Candidate]:
    """Candidates `start`, `start + 1`, … (`count` of them, never past `u32::MAX`)."""
    end = min(start + count, 1 << 32)
    return [candidate(seed, k, pool_count, stake_cap) for k in range(start, end)]


def parse_slot_hashes(data: bytes) -> list[tuple[int, bytes]]:
    """The SlotHashes sysvar's account data: a u64 LE count, then `(u64 LE slot, 32-byte hash)` entries, newest
    first."""
    if len(data) < 8:
        raise DFPNError(ErrorCode.RPC_ERROR, f"SlotHashes data is {len(data)} bytes")
    (count,) = struct.unpack_from("<Q", data)
    if 8 + count * _SLOT_HASH_ENTRY.size > len(data):
        raise DFPNError(ErrorCode.RPC_ERROR, f"SlotHashes claims {count} entries in {len(data)} bytes")
    return [
        (int(slot), bytes(h))
        for slot, h in (
            _SLOT_HASH_ENTRY.unpack_from(data, 8 + i * _SLOT_HASH_ENTRY.size) for i in range(count)
        )
    ]


class SlotHashState(Enum):
    """Why `lookup` has no hash for a draw slot."""

    #: No slot at or after the draw slot has a hash yet: try again a slot later.
    TOO_EARLY = "too_early"
    #: The window no longer reaches back to the draw slot: `draw_seats` re-arms the draw with a later slot.
    EXPIRED = "expired"


def lookup(entries: Sequence[tuple[int, bytes]], draw_slot: int) -> bytes | SlotHashState:
    """The hash of the first slot at or after `draw_slot` in SlotHashes entries (newest first), as the program
    finds it (`draw::lookup`)."""
    for position, (slot, slot_hash) in enumerate(reversed(entries)):
        if slot >= draw_slot:
            if position == 0 and slot > draw_slot:
                return SlotHashState.EXPIRED
            return slot_hash
    return SlotHashState.TOO_EARLY


def seeded(r: Request) -> bool:
    """Whether the request's seed is fixed (its first draw happened)."""
    return bytes(r.draw_seed) != bytes(32)


def unanswered_seats(r: Request, now: int) -> list[Pubkey]:
    """The operators of the seats a draw replaces at time `now`: every seat not committed (only drawn, or accepted
    and silent) whose `dfpn.protocol.answer_by` has come, in seat order."""
    return [
        s.authority
        for s in r.seats[: r.joined]
        if s.state in (SEAT_STATE_DRAWN, SEAT_STATE_JOINED) and now >= protocol.answer_by(r, s)
    ]


# ---- the pool ------------------------------------------------------------------------------------------------


class WorkerPool:
    """Worker PDAs by pool index, read with one `getProgramAccounts` over Worker accounts (a `dataSize` filter and
    a `dataSlice` of the 4-byte `pool_index` only), cached; read again when an index is missing (a worker
    registered since)."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._by_index: dict[int, Pubkey] = {}

    async def refresh(self) -> None:
        start = layout.offset(Worker, "pool_index")
        accounts = await self.transport.program_accounts(
            Worker.DISCRIMINATOR, data_size=Worker.SIZE, data_slice=(start, 4)
        )
        self._by_index = {
            int.from_bytes(a.data[:4], "little"): a.address for a in accounts if len(a.data) >= 4
        }
        logger.debug("worker pool: %d workers", len(self._by_index))

    def __len__(self) -> int:
        return len(self._by_index)

    async def addresses(self, indices: Iterable[int]) -> list[Pubkey]:
        """The worker PDA of each pool index (`DRAW_ACCOUNT_MISMATCH` when the network has none at one)."""
        wanted = list(indices)
        if any(i not in self._by_index for i in wanted):
            await self.refresh()
        missing = sorted({i for i in wanted if i not in self._by_index})
        if missing:
            raise DFPNError(
                ErrorCode.DRAW_ACCOUNT_MISMATCH,
                f"no worker account with pool index {missing[0]} on {self.transport.name} "
                f"({len(self._by_index)} workers found); try again once the node serves it.",
            )
        return [self._by_index[i] for i in wanted]


# ---- the loop ------------------------------------------------------------------------------------------------

#: Draw failures that a later try may not have: the slot hash not there yet, accounts read before someone else
#: drew, nothing to draw (yet), the phase moved on, or no answer in time. Whoever keeps draws moving (the client's
#: follow loop, the gateway's watcher, a worker's crank) tries again later on these.
DRAW_LATER = frozenset(
    {
        ErrorCode.DRAW_TOO_EARLY,
        ErrorCode.DRAW_ACCOUNT_MISMATCH,
        ErrorCode.NOTHING_TO_DRAW,
        ErrorCode.COMMIT_PHASE_CLOSED,
        ErrorCode.REQUEST_NOT_OPEN,
        ErrorCode.TIMEOUT,
    }
)
#: Answers of `draw_seats` meaning "nothing (more) to do now".
_DONE = {ErrorCode.NOTHING_TO_DRAW, ErrorCode.COMMIT_PHASE_CLOSED, ErrorCode.REQUEST_NOT_OPEN}
#: Answers meaning the accounts passed no longer fit the request (someone else drew meanwhile, the clock crossed
#: a seat's answer_by, a stale pool): read everything again.
_STALE = {ErrorCode.DRAW_ACCOUNT_MISMATCH, ErrorCode.NOT_ENOUGH_ACCOUNTS, ErrorCode.ACCOUNT_NOT_WRITABLE}
#: Stale answers tolerated per call before giving up.
_MAX_STALE = 4


async def _request(transport: Transport, address: Pubkey) -> Request:
    account = await transport.get_account(address)
    if account is None or account.owner != transport.program_id:
        raise DFPNError(ErrorCode.REQUEST_NOT_FOUND, f"no request at {address} on {transport.name}.")
    try:
        return Request.from_account_data(account.data)
    except BorshError as e:
        raise DFPNError(ErrorCode.REQUEST_NOT_FOUND, f"{address} is not a request account: {e}.") from e


async def _config(transport: Transport) -> Config:
    address = config_address(transport.program_id)
    account = await transport.get_account(address)
    if account is None or account.owner != transport.program_id:
        raise DFPNError(ErrorCode.CONFIG_NOT_FOUND, f"no configuration at {address} on {transport.name}.")
    return Config.from_account_data(account.data)


async def slot_hashes(transport: Transport) -> list[tuple[int, bytes]]:
    """The SlotHashes sysvar's entries, newest first."""
    account = await transport.get_account(SLOT_HASHES_SYSVAR)
    if account is None:
        raise DFPNError(ErrorCode.RPC_ERROR, f"{transport.name} returned no SlotHashes sysvar")
    return parse_slot_hashes(account.data)


async def _rearm(transport: Transport, payer: Keypair, request: Pubkey, signatures: list[str]) -> None:
    """`draw_seats` with no candidates for a request whose draw slot rolled out of SlotHashes: the program sets a
    new draw slot (`DrawRearmed`) and draws nothing."""
    try:
        record = await transport.send_transaction(
            [ix.draw_seats(request=request, program_id=transport.program_id)], [payer]
        )
    except DFPNError as e:  # re-armed by someone else meanwhile, or closed: the next read says which
        if e.code not in {*_DONE, ErrorCode.DRAW_TOO_EARLY}:
            raise
        return
    signatures.append(record.signature)
    logger.info("draw of %s re-armed: %s", request, record.signature)


async def draw_seats(
    transport: Transport,
    payer: Keypair,
    request: Pubkey,
    *,
    pool: WorkerPool | None = None,
    batch: int = DRAW_BATCH,
    max_rounds: int = MAX_ROUNDS,
    timeout: float = 30.0,
) -> DrawResult:
    """Draw the request's free seats (and replace its unanswered ones), paying with `payer`.

    Sends `draw_seats` with `batch` candidates from the request's cursor until every seat is drawn, the commit
    phase is over, `max_rounds` transactions were sent, or a round seated nobody after every worker of the pool had
    about three chances. It first replaces the seats not committed half a commit window after their draw
    (`unanswered_seats`; a seat drawn now is never replaced by this call).

    While the draw slot's hash does not exist yet it waits a slot at a time (`Transport.next_slot`); after
    `timeout` seconds of that, `TIMEOUT`. `NO_WORKERS_TO_DRAW` when nobody was registered at the request's
    submission. Anyone may call it for any request; a request nobody draws is drawn by the worker nodes' crank.
    """
    pool = pool or WorkerPool(transport)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout
    config: Config | None = None
    drawn: list[str] = []
    replaced_all: list[str] = []
    signatures: list[str] = []
    rounds = tried = stale = 0
    r = await _request(transport, request)
    while True:
        now = await transport.unix_timestamp()
        if not protocol.commit_open(r, now):
            break
        if r.pool_count == 0:
            raise DFPNError(
                ErrorCode.NO_WORKERS_TO_DRAW,
                f"request {request} was submitted when no worker was registered: nobody can be drawn.",
            )
        seed = bytes(r.draw_seed)
        if not seeded(r):
            found = lookup(await slot_hashes(transport), r.draw_slot)
            if found is SlotHashState.EXPIRED:  # nobody drew in time: re-arm with a later slot
                await _rearm(transport, payer, request, signatures)
            if not isinstance(found, bytes):
                if loop.time() > give_up:
                    raise DFPNError(
                        ErrorCode.TIMEOUT,
                        f"the hash of draw slot {r.draw_slot} of {request} did not appear within {timeout:g} s.",
                    )
                await transport.next_slot()
                r = await _request(transport, request)
                continue
            seed = draw_seed(request, found)
        replaced = unanswered_seats(r, now)
        free = r.max_workers - r.joined + len(replaced)
        if free <= 0 or rounds >= max_rounds:
            break
        config = config or await _config(transport)
        cap = config.params.draw_stake_cap
        batch_now = max(1, min(batch, 26 - len(replaced)))
        chosen = candidates(seed, r.draw_cursor, batch_now, r.pool_count, cap)
        if not chosen:  # the cursor reached u32::MAX: the draw is spent
            break
        instruction = ix.draw_seats(
            request=request,
            replaced=[worker_address(a, transport.program_id) for a in replaced],
            candidates=await pool.addresses(c.pool_index for c in chosen),
            program_id=transport.program_id,
        )
        try:
            record = await transport.send_transaction([instruction], [payer])
        except DFPNError as e:
            if e.code in _DONE:
                logger.info("draw of %s: %s", request, e.code.value)
                break
            if e.code is ErrorCode.DRAW_TOO_EARLY and loop.time() < give_up:
                await transport.next_slot()
            elif e.code in _STALE and stale < _MAX_STALE:
                stale += 1
                await pool.refresh()
                await transport.next_slot()
            else:
                raise
            r = await _request(transport, request)
            continue
        rounds += 1
        signatures.append(record.signature)
        replaced_all += [str(a) for a in replaced]
        before = {s.authority for s in r.seats[: r.joined]}
        r = await _request(transport, request)
        events = [e for e in parse_logs(record.logs, transport.program_id) if isinstance(e, SeatDrawn)]
        seated = (
            [e.worker for e in events if e.request == request]
            if record.logs
            else [s.authority for s in r.seats[: r.joined] if s.authority not in before]
        )
        drawn += [str(a) for a in seated]
        tried += r.draw_cursor - chosen[0].k if chosen else 0
        logger.info(
            "draw of %s: %d seat(s) drawn, %d replaced, %d/%d seats (%s)",
            request,
            len(seated),
            len(replaced),
            r.joined,
            r.max_workers,
            record.signature,
        )
        if not seated and tried >= 3 * max(1, r.pool_count):
            break
    return DrawResult(
        request_id=str(request),
        drawn=drawn,
        replaced=replaced_all,
        signatures=signatures,
        joined=r.joined,
        max_workers=r.max_workers,
    )


__all__ = [
    "DRAW_BATCH",
    "DRAW_LATER",
    "MAX_ROUNDS",
    "SLOT_HASHES_SYSVAR",
    "Candidate",
    "SlotHashState",
    "WorkerPool",
    "candidate",
    "candidates",
    "draw_seats",
    "draw_seed",
    "lookup",
    "parse_slot_hashes",
    "seeded",
    "slot_hashes",
    "unanswered_seats",
]
