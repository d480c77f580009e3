"""A real local Solana validator with the DFPN program deployed and its configuration initialised.

`solana-test-validator` (the Solana CLI's, or agave's built from crates.io by scripts/install-validator.sh)
loads `dfpn.so` at genesis under the program id with the upgradeable loader and an upgrade authority
(`--upgradeable-program ID dfpn.so AUTHORITY`), so the program is deployed before the first slot; then that
authority initialises the configuration over JSON-RPC, like on devnet (only the program's upgrade authority may).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from dfpn import instructions as ix
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated import PROGRAM_ID
from dfpn.generated.types import ConfigParams
from dfpn.local import LOCAL_PARAMS, find_program
from dfpn.models import Modality
from dfpn.pda import config_address, model_address
from dfpn.rpc import RpcTransport
from solders.keypair import Keypair
from solders.pubkey import Pubkey

logger = logging.getLogger(__name__)

VALIDATOR_ENV = "DFPN_VALIDATOR"
#: Threads of agave's validator that busy-poll while it leads (every slot of a one-node cluster): the banking
#: stage's transaction scheduler spins on its channel without sleeping (a whole core), the vote banking stage
#: spins on `sched_yield`, the repair service wakes every ~50 µs. `Validator(idle_spinners=True)` gives them
#: Linux's SCHED_IDLE policy, so on a small machine they take only CPU nobody else wants; docs/build.md.
SPINNING_THREADS = frozenset({"solBnkTxSched", "solBanknStgVote", "solRepairSvc"})
_REPO_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "install-validator.sh"


def find_validator(path: str | os.PathLike[str] | None = None, *, install: bool = False) -> Path:
    """The `solana-test-validator` binary: `path`, `$DFPN_VALIDATOR`, PATH, or the cached crates.io build.

    With `install=True` a missing binary is built by scripts/install-validator.sh (a long first build).
    """
    if path is not None or os.environ.get(VALIDATOR_ENV):
        p = Path(path or os.environ[VALIDATOR_ENV])
        if p.is_file():
            return p
        raise DFPNError(ErrorCode.PROGRAM_NOT_FOUND, f"validator {p} does not exist.")
    on_path = shutil.which("solana-test-validator")
    if on_path:
        return Path(on_path)
    if _REPO_SCRIPT.is_file():
        cache = Path(os.environ.get("DFPN_TOOLCHAIN_CACHE", Path.home() / ".cache" / "dfpn-toolchain"))
        built = sorted(cache.glob("agave-*/bin/solana-test-validator"))
        if built:
            return built[-1]
        if install:
            out = subprocess.run([str(_REPO_SCRIPT)], check=True, stdout=subprocess.PIPE, text=True).stdout
            return Path(out.strip().splitlines()[-1])
    raise DFPNError(
        ErrorCode.PROGRAM_NOT_FOUND,
        "solana-test-validator not found: install the Solana CLI, or run scripts/install-validator.sh (builds "
        "agave's test validator from crates.io once), or set DFPN_VALIDATOR.",
    )


def free_port_pair() -> int:
    """An RPC port whose successor (the websocket port) is free too."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port < 65000 and all(_free(p) for p in (port, port + 1)):
            return port
    raise RuntimeError("no free port pair")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Validator:
    """A running `solana-test-validator` with dfpn.so; `start()` then `stop()`, or `with Validator() as v:`.
    `upgrade_authority` is the program's upgrade authority: the key that may `initialise` the configuration."""

    program_path: Path = field(default_factory=find_program)
    upgrade_authority: Keypair = field(default_factory=Keypair)
    binary: Path | None = None
    rpc_port: int = 8899
    faucet_port: int | None = None
    ledger: Path | None = None
    program_id: Pubkey = PROGRAM_ID
    extra_args: Sequence[str] = ()
    #: Give the busy-polling threads (`SPINNING_THREADS`) idle priority once the validator is up (Linux only).
    idle_spinners: bool = True
    process: subprocess.Popen[bytes] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rpc_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.rpc_port + 1}"

    def start(self, timeout: float = 120.0) -> Validator:
        binary = self.binary or find_validator()
        if self.ledger is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="dfpn-ledger-")
            self.ledger = Path(self._tmp.name)
        self.ledger.mkdir(parents=True, exist_ok=True)
        faucet = self.faucet_port or free_port_pair()
        # Dynamic ports for gossip/TPU/etc. are taken from a range near the RPC port, so parallel validators
        # (tests) do not collide.
        base = 20_000 + (self.rpc_port * 7) % 30_000
        args = [
            str(binary),
            "--reset",
            "--quiet",
            "--ledger",
            str(self.ledger),
            "--rpc-port",
            str(self.rpc_port),
            "--faucet-port",
            str(faucet),
            # gossip defaults to port 8000, which other local services often hold
            "--gossip-port",
            str(free_port_pair()),
            "--dynamic-port-range",
            f"{base}-{base + 50}",
            "--bind-address",
            "127.0.0.1",
            "--upgradeable-program",
            str(self.program_id),
            str(self.program_path),
            str(self.upgrade_authority.pubkey()),
            *self.extra_args,
        ]
        logger.info("starting %s", " ".join(args))
        log = open(self.ledger / "dfpn-validator.log", "wb")  # noqa: SIM115 - lives as long as the process
        # A process group of its own (stopped with killpg; a terminal's Ctrl-C does not reach it), but not a session
        # of its own: with the kernel's autogroup scheduling a new session is a CPU group of its own, weighted like
        # everything else together, and the idle priority given to its spinning threads would not yield to the
        # worker and detectors beside it.
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, process_group=0)
        asyncio.run(self._wait_healthy(timeout))
        if self.idle_spinners:
            idled = idle_spinning_threads(self.process.pid)
            logger.info("validator threads given idle priority: %s", ", ".join(idled) or "none")
        logger.info("validator up at %s (ledger %s)", self.url, self.ledger)
        return self

    async def _wait_healthy(self, timeout: float) -> None:
        give_up = time.monotonic() + timeout
        async with RpcTransport(self.url, retries=0, request_timeout=2.0) as rpc:
            while time.monotonic() < give_up:
                if self.process is not None and self.process.poll() is not None:
                    raise DFPNError(
                        ErrorCode.RPC_ERROR,
                        f"solana-test-validator exited with {self.process.returncode}; see {self.log_path}:\n"
                        + self.log_tail(),
                    )
                if await rpc.health():
                    try:
                        if await rpc.get_account(self.program_id) is not None:
                            return
                    except DFPNError:
                        pass
                await asyncio.sleep(0.5)
        self.stop()
        raise DFPNError(ErrorCode.TIMEOUT, f"validator not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    @property
    def log_path(self) -> Path:
        assert self.ledger is not None
        return self.ledger / "dfpn-validator.log"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self.ledger = None

    def __enter__(self) -> Validator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def spinning_threads(pid: int) -> dict[int, str]:
    """The threads of process `pid` named in `SPINNING_THREADS` (Linux /proc): thread id -> name."""
    found: dict[int, str] = {}
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                name = (task / "comm").read_text().strip()
                if name in SPINNING_THREADS:
                    found[int(task.name)] = name
    return found


def spinning_cpu_seconds(pid: int) -> float:
    """CPU seconds the spinning threads of process `pid` have used so far (user + system)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for tid in spinning_threads(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def idle_spinning_threads(pid: int) -> list[str]:
    """Give the threads of process `pid` named in `SPINNING_THREADS` the SCHED_IDLE policy; returns their names.
    Best effort: a thread gone meanwhile, a system without SCHED_IDLE or a refusal leaves it as it was."""
    policy = getattr(os, "SCHED_IDLE", None)
    if policy is None:
        return []
    idled = []
    for tid, name in spinning_threads(pid).items():
        with contextlib.suppress(OSError):
            os.sched_setscheduler(tid, policy, os.sched_param(0))
            idled.append(name)
    return sorted(idled)


async def initialise(
    rpc: RpcTransport,
    authority: Keypair,
    *,
    params: ConfigParams = LOCAL_PARAMS,
    models: Sequence[tuple[str, Sequence[Modality]]] = (),
    developer: Keypair | None = None,
) -> dict[str, Pubkey]:
    """Fund the authority, initialise the configuration (once; `authority` must be the program's upgrade
    authority) and register `models` (model id, modalities) with `developer` (default: the authority) as their
    developer and payout wallet. Returns each model's address (`["model", developer, model_id]`)."""
    if await rpc.get_balance(authority.pubkey()) < LAMPORTS_PER_SOL:
        await rpc.airdrop(authority.pubkey(), 100 * LAMPORTS_PER_SOL)
    if await rpc.get_account(config_address(rpc.program_id)) is None:
        await rpc.send_transaction(
            [ix.initialize_config(authority=authority.pubkey(), params=params, program_id=rpc.program_id)],
            [authority],
        )
        logger.info("configuration initialised by %s", authority.pubkey())
    dev = developer or authority
    if dev is not authority and await rpc.get_balance(dev.pubkey()) < LAMPORTS_PER_SOL:
        await rpc.airdrop(dev.pubkey(), 10 * LAMPORTS_PER_SOL)
    addresses: dict[str, Pubkey] = {}
    for model_id, modalities in models:
        addresses[model_id] = model_address(dev.pubkey(), model_id, rpc.program_id)
        if await rpc.get_account(addresses[model_id]) is None:
            await rpc.send_transaction(
                [
                    ix.register_model(
                        developer=dev.pubkey(),
                        model_id=model_id,
                        payout_wallet=dev.pubkey(),
                        modalities=modalities,
                        program_id=rpc.program_id,
                    )
                ],
                [dev],
            )
            logger.info("model %s registered at %s", model_id, addresses[model_id])
    return addresses


__all__ = [
    "SPINNING_THREADS",
    "VALIDATOR_ENV",
    "Validator",
    "find_validator",
    "free_port_pair",
    "idle_spinning_threads",
    "initialise",
    "spinning_cpu_seconds",
    "spinning_threads",
]
