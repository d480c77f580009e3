"""The "local" network: the built program in an embedded LiteSVM (`solders.litesvm`), no validator needed.

`LocalNetwork()` loads `dfpn.so` (the copy packaged in the wheel, see `find_program`) at the IDL's program
address, sets the clock to the wall clock (`follow_wall_clock=True` keeps it there), funds an
authority, makes it the program's upgrade authority (LiteSVM deploys with none; only the upgrade authority may
`initialize_config`) and initialises the configuration with `LOCAL_PARAMS` (the reference parameters of
docs/protocol.md without a `min_workers` floor, draw stake cap = minimum stake). Besides the async `Transport`
methods the clients use, it has synchronous helpers for tests and demos: `process` (send and raise `DFPNError` on
failure), `airdrop`, `funded_keypair`, `now`/`set_time`/`advance` (the Clock sysvar), `produce_slot`/`set_slot_hash`
(LiteSVM produces no slot hashes: every slot this network ends gets one in the SlotHashes sysvar, which seat draws
read) and `account`.

A network with nobody working on it answers nothing. An installed worker package offers reference workers through
the entry-point group `dfpn.local_workers` (`dfpn-worker` does: `pip install 'dfpn[local]'`); the client starts
them when it creates the network itself (`DFPNClient(network="local")`) through `start_local_workers`, without
importing the worker package.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import importlib.metadata
import importlib.resources
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol

from solders.account import Account
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata

from dfpn import instructions as ix
from dfpn.errors import DFPNError, ErrorCode, from_transaction_error
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated import PROGRAM_ID
from dfpn.generated.types import ConfigParams
from dfpn.pda import program_data_address
from dfpn.transport import AccountInfo, TransactionRecord, Transport, matches

logger = logging.getLogger(__name__)

#: The reference configuration of docs/protocol.md ("Configuration").
REFERENCE_PARAMS = ConfigParams(
    base_fees=(2_000_000, 3_000_000, 3_000_000, 8_000_000, 4_000_000),
    worker_surcharge_bps=2_500,
    non_reveal_slash_bps=30_000,
    max_weight_bps=8_000,
    reputation_alpha_bps=1_000,
    min_stake=LAMPORTS_PER_SOL,
    unbonding_secs=86_400,
    min_deadline_secs=60,
    reveal_window_secs=20,
    min_consensus_weight=5_000,
    max_deadline_secs=86_400,
    no_consensus_fee_bps=2_000,
    seat_bond_multiplier=10,
    challenge_slash_bps=200,
    min_workers_floor=5,
    draw_stake_cap=10 * LAMPORTS_PER_SOL,
)

#: The configuration of a network on one machine (`LocalNetwork`, `dfpn-localnet`): the reference parameters with no
#: floor on `min_workers` (a demo runs a handful of workers, maybe one) and a draw stake cap equal to the minimum
#: stake, so every worker staking at least that wins its stake lottery whenever it is drawn: seats are drawn
#: uniformly from the pool.
LOCAL_PARAMS = dataclasses.replace(REFERENCE_PARAMS, min_workers_floor=1, draw_stake_cap=LAMPORTS_PER_SOL)

#: ProgramData header of the upgradeable loader: u32 tag (3), u64 deployment slot, then Option<Pubkey> (the
#: upgrade authority): its tag byte and the 32 key bytes.
_AUTHORITY_TAG = 12
_AUTHORITY_KEY = slice(13, 45)

#: Entries the SlotHashes sysvar keeps (`solana_slot_hashes::MAX_ENTRIES`).
MAX_SLOT_HASHES = 512

PROGRAM_ENV = "DFPN_PROGRAM_SO"
_RELATIVE_SO = Path("target") / "deploy" / "dfpn.so"


#: Where the wheel carries the built program (hatch `force-include`; absent in a source checkout).
PACKAGED_PROGRAM = ("dfpn", "program", "dfpn.so")


def packaged_program() -> Path | None:
    """The `dfpn.so` shipped inside the installed package, if this installation has one (a wheel does; an editable
    install from the repository does not)."""
    resource = importlib.resources.files(PACKAGED_PROGRAM[0]).joinpath(*PACKAGED_PROGRAM[1:])
    return Path(str(resource)) if resource.is_file() else None


def find_program(path: str | os.PathLike[str] | None = None) -> Path:
    """Locate `dfpn.so`: `path`, else `$DFPN_PROGRAM_SO`, else the copy packaged with the SDK, else
    `target/deploy/dfpn.so` in the current directory, the SDK's source tree or any of their parents."""
    if path is not None:
        candidates = [Path(path).expanduser()]
    elif os.environ.get(PROGRAM_ENV):
        candidates = [Path(os.environ[PROGRAM_ENV]).expanduser()]
    else:
        packaged = packaged_program()
        starts = [Path.cwd().resolve(), Path(__file__).resolve().parent]
        candidates = [
            *([packaged] if packaged else []),
            *(d / _RELATIVE_SO for s in starts for d in (s, *s.parents)),
        ]
    for c in candidates:
        if c.is_file():
            return c
    raise DFPNError(
        ErrorCode.PROGRAM_NOT_FOUND, f"dfpn.so not found (looked at {', '.join(map(str, candidates[:3]))}…)."
    )


#: The entry-point group of packages that run reference workers on an embedded network.
LOCAL_WORKERS_GROUP = "dfpn.local_workers"


class LocalWorkers(Protocol):
    """Workers running on a `LocalNetwork` in this process, as an entry point of `LOCAL_WORKERS_GROUP` starts them."""

    #: The workers' authorities (registered and staked before the entry point returns).
    authorities: Sequence[Pubkey]

    async def aclose(self) -> None:
        """Stop the workers and remove what they wrote."""


#: What an entry point of `LOCAL_WORKERS_GROUP` refers to: `await start(network, count=...)`.
StartLocalWorkers = Callable[..., Awaitable[LocalWorkers]]


def local_workers_entry_point() -> StartLocalWorkers | None:
    """The installed starter of reference workers (the first entry point of `LOCAL_WORKERS_GROUP`), if any."""
    for entry_point in sorted(
        importlib.metadata.entry_points(group=LOCAL_WORKERS_GROUP), key=lambda e: e.name
    ):
        start: StartLocalWorkers = entry_point.load()
        return start
    return None


async def start_local_workers(network: LocalNetwork, count: int) -> LocalWorkers:
    """Start `count` reference workers on `network` through the installed entry point; `LOCAL_WORKERS_MISSING` with
    the install command when no package offers them."""
    start = local_workers_entry_point()
    if start is None:
        raise DFPNError(
            ErrorCode.LOCAL_WORKERS_MISSING,
            "no reference workers are installed for the embedded network "
            f"(no entry point in group {LOCAL_WORKERS_GROUP}).",
        )
    return await start(network, count=count)


class LocalNetwork(Transport):
    """An embedded LiteSVM with the DFPN program deployed and configured."""

    name = "local"

    def __init__(
        self,
        program_path: str | os.PathLike[str] | None = None,
        *,
        params: ConfigParams = LOCAL_PARAMS,
        initialize: bool = True,
        start_time: int | None = None,
        authority: Keypair | None = None,
        program_id: Pubkey = PROGRAM_ID,
        follow_wall_clock: bool = False,
    ) -> None:
        """`follow_wall_clock`: the Clock sysvar never falls behind the wall clock (deadlines pass and reveal windows
        open as on a cluster: what a user of the network expects); otherwise it moves only by `set_time`/`advance`
        (what tests want)."""
        self.program_id = program_id
        self.follow_wall_clock = follow_wall_clock
        self.program_path = find_program(program_path)
        self.svm = LiteSVM()
        self.svm.add_program_from_file(program_id, self.program_path)
        self._records: dict[str, TransactionRecord] = {}
        self._log_queues: list[asyncio.Queue[tuple[str, list[str]]]] = []
        self._by_address: dict[Pubkey, list[str]] = {}
        #: The SlotHashes entries this network produced, newest first (LiteSVM starts with one of its own).
        self._slot_hashes: dict[int, bytes] = {}
        self.set_time(int(time.time()) if start_time is None else start_time)
        self.authority = authority or Keypair()
        self.params = params
        self.airdrop(self.authority.pubkey(), 100 * LAMPORTS_PER_SOL)
        self.set_upgrade_authority(self.authority.pubkey())
        if initialize:
            self.process(
                [
                    ix.initialize_config(
                        authority=self.authority.pubkey(), params=params, program_id=program_id
                    )
                ],
                [self.authority],
            )
            logger.info("local network: %s loaded from %s, config initialised", program_id, self.program_path)

    @property
    def is_local(self) -> bool:
        return True

    # ---- synchronous helpers -------------------------------------------------------------------------------

    def set_upgrade_authority(self, authority: Pubkey | None) -> None:
        """Rewrite the program's ProgramData header so `authority` is its upgrade authority (None: immutable).
        LiteSVM deploys with no upgrade authority; `initialize_config` needs the signer to be it."""
        address = program_data_address(self.program_id)
        acc = self.svm.get_account(address)
        if acc is None:
            raise DFPNError(
                ErrorCode.PROGRAM_NOT_FOUND, f"no ProgramData account {address} for {self.program_id}"
            )
        data = bytearray(acc.data)
        data[_AUTHORITY_TAG] = 0 if authority is None else 1
        data[_AUTHORITY_KEY] = bytes(32) if authority is None else bytes(authority)
        self.svm.set_account(
            address,
            Account(
                lamports=acc.lamports,
                data=bytes(data),
                owner=acc.owner,
                executable=acc.executable,
                rent_epoch=acc.rent_epoch,
            ),
        )

    def now(self) -> int:
        """The Clock sysvar's unix timestamp."""
        return int(self.svm.get_clock().unix_timestamp)

    def slot(self) -> int:
        """The Clock sysvar's slot: the slot transactions are processed in now."""
        return int(self.svm.get_clock().slot)

    def set_time(self, unix_timestamp: int) -> None:
        """Set the Clock sysvar's unix timestamp and move to the next slot (`produce_slot`)."""
        self.produce_slot(unix_timestamp)

    def produce_slot(self, unix_timestamp: int | None = None) -> None:
        """End the current slot: it gets a hash in the SlotHashes sysvar (as a bank records its parent's), and the
        clock moves to the next slot, at `unix_timestamp` when given. LiteSVM produces no slot hashes itself; seat
        draws (`draw_seats`) need them."""
        clock = self.svm.get_clock()
        ended = int(clock.slot)
        if unix_timestamp is not None:
            clock.unix_timestamp = unix_timestamp
        clock.slot = ended + 1
        self.svm.set_clock(clock)
        if ended not in self._slot_hashes:
            previous = next(iter(self._slot_hashes.values()), b"")
            digest = hashlib.sha256(b"dfpn-local-slot" + previous + ended.to_bytes(8, "little")).digest()
            self._record_slot_hash(ended, digest)

    def set_slot_hash(self, slot: int, slot_hash: bytes) -> None:
        """Give `slot` the hash `slot_hash` in SlotHashes (replacing the one it had), producing slots until the
        clock is past it. Tests choose a draw's slot hash with it (and so who is drawn)."""
        while self.slot() <= slot:
            self.produce_slot()
        self._slot_hashes.pop(slot, None)
        self._record_slot_hash(slot, slot_hash)

    def slot_hashes(self) -> list[tuple[int, bytes]]:
        """The SlotHashes sysvar's entries, newest first."""
        return list(self._slot_hashes.items())

    def _record_slot_hash(self, slot: int, slot_hash: bytes) -> None:
        entries = sorted([*self._slot_hashes.items(), (slot, bytes(slot_hash))], reverse=True)
        entries = entries[:MAX_SLOT_HASHES]
        self._slot_hashes = dict(entries)
        self.svm.set_slot_hashes([(s, Hash.from_bytes(h)) for s, h in entries])

    def catch_up_with_wall_clock(self) -> None:
        """With `follow_wall_clock`, move the clock to the wall clock if it is behind (never back: `advance` may
        have put it ahead), ending the current slot."""
        wall = int(time.time())
        if self.follow_wall_clock and wall > self.now():
            self.produce_slot(wall)

    def advance(self, seconds: int) -> None:
        self.set_time(self.now() + seconds)

    def airdrop(self, address: Pubkey, lamports: int) -> None:
        result = self.svm.airdrop(address, lamports)
        if isinstance(result, FailedTransactionMetadata):
            raise DFPNError(ErrorCode.TRANSACTION_FAILED, f"airdrop to {address} failed: {result.err()}")

    def funded_keypair(self, lamports: int = 10 * LAMPORTS_PER_SOL) -> Keypair:
        kp = Keypair()
        self.airdrop(kp.pubkey(), lamports)
        return kp

    def account(self, address: Pubkey) -> AccountInfo | None:
        acc = self.svm.get_account(address)
        if acc is None or (acc.lamports == 0 and not acc.data):
            return None
        return AccountInfo(address, acc.lamports, acc.owner, bytes(acc.data), acc.executable)

    def balance(self, address: Pubkey) -> int:
        acc = self.account(address)
        return 0 if acc is None else acc.lamports

    def process(self, instructions: Sequence[Instruction], signers: Sequence[Keypair]) -> TransactionRecord:
        """Sign (the first signer pays), process, record; raise `DFPNError` mapped from the failure."""
        if not signers:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, "a transaction needs at least one signer (the fee payer)"
            )
        self.catch_up_with_wall_clock()
        self.svm.expire_blockhash()
        blockhash = self.svm.latest_blockhash()
        message = Message.new_with_blockhash(list(instructions), signers[0].pubkey(), blockhash)
        tx = Transaction(list(signers), message, blockhash)
        result = self.svm.send_transaction(tx)
        names = ", ".join(_instruction_name(i, self.program_id) for i in instructions)
        if isinstance(result, FailedTransactionMetadata):
            meta = result.meta()
            logs = list(meta.logs())
            index = {n: i.program_id == self.program_id for n, i in enumerate(instructions)}
            error = from_transaction_error(
                result.err(), program_index=index, logs=logs, signature=str(meta.signature()), context=names
            )
            logger.info("%s failed: %s", names, error)
            raise error
        record = TransactionRecord(
            signature=str(result.signature()),
            slot=int(self.svm.get_clock().slot),
            accounts=tuple(message.account_keys),
            logs=tuple(result.logs()),
            fee=int(result.fee()),
            compute_units=int(result.compute_units_consumed()),
        )
        self._records[record.signature] = record
        for key in record.accounts:
            self._by_address.setdefault(key, []).append(record.signature)
        if self.program_id in record.accounts:
            for queue in self._log_queues:
                queue.put_nowait((record.signature, list(record.logs)))
        logger.debug("%s ok: %s (%d CU)", names, record.signature, record.compute_units)
        return record

    # ---- Transport -----------------------------------------------------------------------------------------

    async def get_account(self, address: Pubkey) -> AccountInfo | None:
        return self.account(address)

    async def send_transaction(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> TransactionRecord:
        return self.process(instructions, signers)

    async def unix_timestamp(self) -> int:
        self.catch_up_with_wall_clock()
        return self.now()

    async def minimum_balance_for_rent_exemption(self, size: int) -> int:
        return int(self.svm.minimum_balance_for_rent_exemption(size))

    async def signatures_for_address(self, address: Pubkey) -> list[str]:
        return list(reversed(self._by_address.get(address, [])))

    async def get_transaction(self, signature: str) -> TransactionRecord | None:
        return self._records.get(signature)

    async def program_logs(self) -> AsyncIterator[tuple[str, list[str]]]:
        """Each processed transaction that names the program, pushed as `process` records it."""
        queue: asyncio.Queue[tuple[str, list[str]]] = asyncio.Queue()
        self._log_queues.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._log_queues.remove(queue)

    async def program_accounts(
        self,
        discriminator: bytes,
        *,
        data_size: int | None = None,
        memcmp: Sequence[tuple[int, bytes]] = (),
        data_slice: tuple[int, int] | None = None,
    ) -> list[AccountInfo]:
        # LiteSVM has no account index; every account the program can own was named by a recorded transaction.
        found = (self.account(a) for a in self._by_address)
        selected = [
            a
            for a in found
            if a is not None
            and a.owner == self.program_id
            and matches(a.data, discriminator, data_size, memcmp)
        ]
        if data_slice is None:
            return selected
        start, length = data_slice
        return [dataclasses.replace(a, data=a.data[start : start + length]) for a in selected]

    async def next_slot(self) -> None:
        """Produce a slot (the clock's time stays): the slot just ended gets its hash in SlotHashes."""
        self.produce_slot()


def _instruction_name(instruction: Instruction, program_id: Pubkey) -> str:
    if instruction.program_id != program_id:
        return str(instruction.program_id)
    from dfpn.generated.instructions import INSTRUCTIONS

    disc = bytes(instruction.data[:8])
    return next((n for n, spec in INSTRUCTIONS.items() if spec.discriminator == disc), "unknown instruction")


__all__ = [
    "LOCAL_PARAMS",
    "LOCAL_WORKERS_GROUP",
    "PROGRAM_ENV",
    "REFERENCE_PARAMS",
    "LocalNetwork",
    "LocalWorkers",
    "find_program",
    "local_workers_entry_point",
    "packaged_program",
    "start_local_workers",
]
