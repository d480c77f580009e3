"""Test workers driving the real program through the SDK's instruction builders (no shortcuts)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Collection, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import ALL_MODALITIES, LAMPORTS_PER_SOL, DrawResult, LocalNetwork, Verdict, protocol
from dfpn import draw as drawing
from dfpn import instructions as ix
from dfpn.commitment import commitment, derive_salt
from dfpn.draw import DRAW_BATCH
from dfpn.generated.constants import DRAW_FULL_ODDS_WEIGHT, DRAW_WEIGHT_FLOOR, REPUTATION_MAX
from dfpn.generated.types import Config, Request, Worker
from dfpn.pda import config_address, model_address, worker_address
from dfpn.transport import TransactionRecord

T = TypeVar("T")

MODEL = "face-forensics-sbi"
IDL_PATH = Path(__file__).resolve().parents[2] / "idl" / "dfpn.json"
# Shared with the Rust tests (programs/dfpn-tests/tests/vectors.rs) and, later, the TypeScript SDK.
VECTORS_PATH = Path(__file__).resolve().parents[2] / "tests" / "vectors.json"


def load_idl() -> dict[str, Any]:
    return json.loads(IDL_PATH.read_text())


def load_vectors() -> dict[str, Any]:
    return json.loads(VECTORS_PATH.read_text())


def request_account(net: LocalNetwork, address: Pubkey) -> Request:
    acc = net.account(address)
    assert acc is not None, f"no account at {address}"
    return Request.from_account_data(acc.data)


@dataclass
class Answer:
    verdict: Verdict
    confidence: int
    detections: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TestWorker:
    """A staked worker: joins, writes its report to a file, commits, reveals."""

    net: LocalNetwork
    keypair: Keypair
    reports_dir: Path
    #: The address of the model it declares and commits with.
    model: Pubkey
    answers: dict[str, tuple[Answer, bytes, bytes, str]] = field(default_factory=dict)

    __test__ = False  # not a pytest class

    @property
    def pubkey(self) -> Pubkey:
        return self.keypair.pubkey()

    @classmethod
    def register(
        cls, net: LocalNetwork, reports_dir: Path, *, model: Pubkey, stake: int | None = None
    ) -> TestWorker:
        """A funded worker for every modality declaring the model at address `model`."""
        kp = net.funded_keypair(12 * LAMPORTS_PER_SOL)
        stake = net.params.min_stake if stake is None else stake
        net.process(
            [
                ix.register_worker(
                    authority=kp.pubkey(), stake=stake, modalities=ALL_MODALITIES, models=[model]
                )
            ],
            [kp],
        )
        return cls(net, kp, reports_dir, model)

    def join(self, request: Pubkey) -> TransactionRecord:
        """Accept the seat the draw gave this worker, drawing the request's seats first if nobody has."""
        if not drawing.seeded(request_account(self.net, request)):
            draw(self.net, request)
        return self.net.process([ix.join_request(authority=self.pubkey, request=request)], [self.keypair])

    def leave(self, request: Pubkey) -> TransactionRecord:
        return self.net.process([ix.leave_request(authority=self.pubkey, request=request)], [self.keypair])

    def commit(self, request: Pubkey, answer: Answer) -> TransactionRecord:
        report = json.dumps(
            {
                "request": str(request),
                "worker": str(self.pubkey),
                "model": str(self.model),
                "verdict": answer.verdict.code,
                "confidence": answer.confidence,
                "detections": answer.detections,
            },
            indent=2,
        ).encode()
        # Report URIs are at most 128 bytes on-chain: keep the file name short.
        path = (
            self.reports_dir / f"{hashlib.sha256(bytes(request) + bytes(self.pubkey)).hexdigest()[:12]}.json"
        )
        path.write_bytes(report)
        report_hash = hashlib.sha256(report).digest()
        salt = derive_salt(self.keypair, request)
        c = commitment(
            request=request,
            worker=self.pubkey,
            verdict=answer.verdict,
            confidence=answer.confidence,
            model=self.model,
            report_hash=report_hash,
            salt=salt,
        )
        self.answers[str(request)] = (answer, report_hash, salt, path.as_uri())
        return self.net.process(
            [ix.commit_result(authority=self.pubkey, request=request, commitment=c, model=self.model)],
            [self.keypair],
        )

    def reveal(self, request: Pubkey) -> TransactionRecord:
        answer, report_hash, salt, uri = self.answers[str(request)]
        instruction = ix.reveal_result(
            authority=self.pubkey,
            request=request,
            verdict=answer.verdict,
            confidence=answer.confidence,
            report_hash=report_hash,
            salt=salt,
            report_uri=uri,
        )
        return self.net.process([instruction], [self.keypair])

    @property
    def worker_pda(self) -> Pubkey:
        return worker_address(self.pubkey)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous test code, also inside an async test (in a thread of its
    own: the embedded network's coroutines only need a loop, not this one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def workers_by_index(net: LocalNetwork) -> dict[int, Worker]:
    """Every registered worker account, by pool index."""
    found = run_sync(net.program_accounts(Worker.DISCRIMINATOR, data_size=Worker.SIZE))
    workers = [Worker.from_account_data(a.data) for a in found]
    return {w.pool_index: w for w in workers}


def config_account(net: LocalNetwork) -> Config:
    acc = net.account(config_address())
    assert acc is not None
    return Config.from_account_data(acc.data)


def choose_slot_hash(net: LocalNetwork, request: Pubkey, seat: Sequence[TestWorker]) -> bytes:
    """A hash for the request's draw slot whose draw seats every worker of `seat` (a test standing in for waiting
    for a lucky slot)."""
    r = request_account(net, request)
    params = config_account(net).params
    pool = workers_by_index(net)
    wanted = {w.pubkey for w in seat}
    for i in range(20_000):
        slot_hash = hashlib.sha256(bytes(request) + i.to_bytes(4, "little")).digest()
        _, drawn = predict(
            r,
            drawing.draw_seed(request, slot_hash),
            pool,
            min_stake=params.min_stake,
            stake_cap=params.draw_stake_cap,
            now=net.now(),
            max_candidates=DRAW_BATCH,
        )
        if wanted <= set(drawn):
            return slot_hash
    raise AssertionError(f"no slot hash seats {sorted(map(str, wanted))}")


def draw(net: LocalNetwork, request: Pubkey, *, seat: Sequence[TestWorker] = ()) -> DrawResult:
    """Draw the request's seats as a client would (`dfpn.draw.draw_seats`, paid by a fresh key); when the request
    has no seed yet and `seat` names workers, its draw slot gets a hash whose draw seats them."""
    r = request_account(net, request)
    if seat and not drawing.seeded(r):
        net.set_slot_hash(r.draw_slot, choose_slot_hash(net, request, seat))
    payer = net.funded_keypair(LAMPORTS_PER_SOL)
    return run_sync(drawing.draw_seats(net, payer, request))


def seated(net: LocalNetwork, request: Pubkey, workers: Sequence[TestWorker]) -> list[TestWorker]:
    """The workers of `workers` the draw seated in the request, in seat order (drawing first if nobody has)."""
    if not drawing.seeded(request_account(net, request)):
        draw(net, request)
    r = request_account(net, request)
    by_key = {w.pubkey: w for w in workers}
    return [by_key[s.authority] for s in r.seats[: r.joined] if s.authority in by_key]


def register_model(net: LocalNetwork, name: str = MODEL) -> tuple[Keypair, Pubkey]:
    """A funded developer registers `name` for every modality: the developer and the model's address."""
    developer = net.funded_keypair(10 * LAMPORTS_PER_SOL)
    payout = Keypair().pubkey()
    net.process(
        [
            ix.register_model(
                developer=developer.pubkey(), model_id=name, payout_wallet=payout, modalities=ALL_MODALITIES
            )
        ],
        [developer],
    )
    return developer, model_address(developer.pubkey(), name)


# ---- the program's draw, restated to predict it (tests only) ------------------------------------------------


def drawable(
    worker: Worker, r: Request, *, min_stake: int, stake_cap: int, lottery: int, seated: Collection[Pubkey]
) -> bool:
    """Whether a candidate takes a seat (the program's `drawable`, restated for tests only): not unbonding, staked
    at least `min_stake`,
    serving every requested modality, eligible since before the draw slot, not the client, free stake for the
    seat bond, its lottery won (`lottery < draw_odds(stake, cap, reputation)`), not seated already (`seated`: the
    operators holding the request's seats)."""
    stake = worker.stake
    return (
        worker.unbonding_amount == 0
        and stake >= min_stake
        and worker.modalities & r.modalities == r.modalities
        and worker.eligible_since_slot < r.draw_slot
        and worker.authority != r.client
        and max(0, stake - worker.bonded) >= r.seat_bond
        and lottery < draw_odds(stake, stake_cap, worker.reputation)
        and worker.authority not in seated
    )


def draw_odds(stake: int, stake_cap: int, reputation: int) -> int:
    """A candidate's winning range of the lottery (the program's `draw::odds`, restated for tests only): its stake
    up to the cap, scaled by its uncapped voting weight relative to `DRAW_FULL_ODDS_WEIGHT` (a newcomer's), between
    `DRAW_WEIGHT_FLOOR` and all of it."""
    weight = protocol.weight(reputation, REPUTATION_MAX)
    share = min(max(weight * REPUTATION_MAX // DRAW_FULL_ODDS_WEIGHT, DRAW_WEIGHT_FLOOR), REPUTATION_MAX)
    return min(stake, stake_cap) * share // REPUTATION_MAX


def predict(
    r: Request,
    seed: bytes,
    pool: Mapping[int, Worker],
    *,
    min_stake: int,
    stake_cap: int,
    now: int,
    max_candidates: int = 64,
) -> tuple[list[drawing.Candidate], list[Pubkey]]:
    """The next draw of `r` at time `now`, restated from the workers' accounts (`pool`: by pool index): the
    candidates the program would try from the cursor (at most `max_candidates`, stopping once the seats are full)
    and the operators it would seat, in order. Unanswered seats (`unanswered_seats`) count as free."""
    replaced = drawing.unanswered_seats(r, now)
    seated = [s.authority for s in r.seats[: r.joined] if s.authority not in replaced]
    free = r.max_workers - len(seated)
    tried: list[drawing.Candidate] = []
    drawn: list[Pubkey] = []
    k = r.draw_cursor
    while r.pool_count and len(drawn) < free and len(tried) < max_candidates and k < 1 << 32:
        c = drawing.candidate(seed, k, r.pool_count, stake_cap)
        k += 1
        worker = pool.get(c.pool_index)
        if worker is None:
            break
        tried.append(c)
        taken = [*seated, *drawn]
        if drawable(worker, r, min_stake=min_stake, stake_cap=stake_cap, lottery=c.lottery, seated=taken):
            drawn.append(worker.authority)
    return tried, drawn
