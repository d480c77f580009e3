"""The `dfpn-worker` command: init, register, run, status, unstake, claim.

```sh
dfpn-worker init --keypair ~/.config/solana/worker.json --network devnet --stake 2 --storage ipfs
dfpn-worker register
dfpn-worker run
dfpn-worker status
dfpn-worker unstake            # all stake; then, after the unbonding delay:
dfpn-worker unstake --withdraw
```

Exit codes: 0 ok, 1 a failure (printed as `error: ...`), 2 a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, LocalNetwork, Transport, load_keypair
from dfpn import Modality as ChainModality
from dfpn import instructions as ix
from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated import constants as generated_constants
from dfpn.generated.types import Config, Model, Worker
from dfpn.pda import config_address, decode_model_id, model_address, worker_address
from dfpn.rpc import RpcTransport
from dfpn_detectors import Detector, load_detectors
from dfpn_worker.analysis import modality_mask
from dfpn_worker.config import (
    WorkerConfig,
    config_path,
    load_config,
    parse_modality,
    pascal_name,
    write_config,
)
from dfpn_worker.logs import setup_logging
from dfpn_worker.node import WorkerError, WorkerNode
from dfpn_worker.state import StateError, StateStore

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: Most models a worker declares on-chain (the Worker account's `models` array).
MAX_WORKER_MODELS = generated_constants.MAX_WORKER_MODELS


class UsageError(Exception):
    """A bad command line or configuration (exit 2)."""


# ---- building blocks (also used by tests) -------------------------------------------------------------------


def open_transport(config: WorkerConfig) -> Transport:
    """The network named by `config.network`: "local" (embedded LiteSVM) or an RPC network ("localnet",
    "devnet", a URL) through the SDK's RPC transport (`dfpn.rpc.RpcTransport`)."""
    if config.network == "local":
        return LocalNetwork()
    return RpcTransport(config.network)


def generate_keypair(path: Path) -> Keypair:
    """A new keypair written as a Solana CLI keypair file (JSON array of 64 bytes, mode 0600)."""
    keypair = Keypair()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(list(bytes(keypair)), f)
    return keypair


def load_worker_detectors(config: WorkerConfig) -> list[Detector]:
    """The configured detectors, in order: entry-point names (group `dfpn.detectors`, name = model id) through
    `dfpn_detectors.load_detectors`, and `module:attr` import paths (a detector that is not installed as a
    plugin); both factories are called with the detector's `detector_config[name]` mapping, as
    `load_detectors` does. No names: every installed detector."""
    names = config.detectors or None
    settings = config.detector_config
    try:
        if names is None:
            detectors = list(load_detectors(None, config=settings or None))
        else:
            detectors = []
            for name in names:
                if ":" in name:
                    detectors.append(_import_detector(name, dict(settings.get(name) or {})))
                else:
                    detectors.extend(load_detectors([name], config=settings or None))
    except WorkerError:
        raise
    except Exception as e:
        raise WorkerError(f"cannot load detectors {names or '(all installed)'}: {e}") from e
    if not detectors:
        raise WorkerError(
            "no detectors found: install dfpn-detectors (entry points in group dfpn.detectors) or fix `detectors`"
        )
    return detectors


def _import_detector(path: str, settings: dict[str, Any]) -> Detector:
    module_name, _, attr = path.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    detector = factory(settings)
    if not isinstance(detector, Detector):
        raise WorkerError(f"{path} did not build a dfpn_detectors.Detector")
    return detector


def declared_mask(config: WorkerConfig, detectors: Sequence[Detector]) -> int:
    """The modalities the worker declares: the configured ones, else everything its detectors cover."""
    if config.modalities:
        return ChainModality.mask(config.chain_modalities)
    return modality_mask(detectors)


def _model_ids(detectors: Sequence[Detector]) -> list[str]:
    ids = list(dict.fromkeys(d.model_id for d in detectors))
    if len(ids) > MAX_WORKER_MODELS:
        raise WorkerError(
            f"a worker declares at most {MAX_WORKER_MODELS} models on-chain; configure fewer detectors ({ids})"
        )
    return ids


def choose_detectors(detectors: Sequence[Detector], limit: int = MAX_WORKER_MODELS) -> list[Detector]:
    """At most `limit` detectors, chosen greedily for modality coverage (each pick adds the most modalities not
    yet covered; ties and the remaining slots in load order)."""
    chosen: list[Detector] = []
    covered = 0
    while len(chosen) < limit:
        rest = [d for d in detectors if d not in chosen]
        if not rest:
            break
        best = max(rest, key=lambda d: bin(modality_mask([d]) & ~covered).count("1"))
        if modality_mask([best]) & ~covered == 0:
            chosen += rest[: limit - len(chosen)]
            break
        chosen.append(best)
        covered |= modality_mask([best])
    return [d for d in detectors if d in chosen]


async def fetch_worker(transport: Transport, authority: Pubkey) -> Worker | None:
    account = await transport.get_account(worker_address(authority, transport.program_id))
    if account is None or account.owner != transport.program_id:
        return None
    return Worker.from_account_data(account.data)


async def fetch_config(transport: Transport) -> Config:
    """The network's configuration; an account at the config address that the program does not own is refused
    like a missing one (anyone can put lamports or data at an address they do not control)."""
    address = config_address(transport.program_id)
    account = await transport.get_account(address)
    if account is None or account.owner != transport.program_id:
        raise DFPNError(ErrorCode.CONFIG_NOT_FOUND, f"no DFPN configuration at {address} on {transport.name}")
    return Config.from_account_data(account.data)


async def fund_if_local(transport: Transport, authority: Pubkey) -> None:
    """The embedded network starts empty: give the worker's key lamports there (never elsewhere)."""
    if isinstance(transport, LocalNetwork) and transport.balance(authority) < 2 * LAMPORTS_PER_SOL:
        transport.airdrop(authority, 20 * LAMPORTS_PER_SOL)


async def register_models(transport: Transport, keypair: Keypair, detectors: Sequence[Detector]) -> list[str]:
    """Development and test networks only: register each detector's model id with this key as developer and
    payout wallet when it is not registered yet (on a real network the model's developer does this)."""
    done = []
    for d in detectors:
        address = model_address(d.model_id, transport.program_id)
        if await transport.get_account(address) is not None:
            continue
        await transport.send_transaction(
            [
                ix.register_model(
                    developer=keypair.pubkey(),
                    model_id=d.model_id,
                    payout_wallet=keypair.pubkey(),
                    modalities=modality_mask([d]),
                    program_id=transport.program_id,
                )
            ],
            [keypair],
        )
        done.append(d.model_id)
    return done


async def register_worker(
    transport: Transport, keypair: Keypair, config: WorkerConfig, detectors: Sequence[Detector]
) -> dict[str, Any]:
    """Register the worker (stake, modalities, models), or bring an existing registration up to the config:
    `update_worker` when the modalities or models differ, `add_stake` when the stake is below `stake`."""
    authority = keypair.pubkey()
    mask = declared_mask(config, detectors)
    models = _model_ids(detectors)
    chain = await fetch_config(transport)
    for m in models:
        account = await transport.get_account(model_address(m, transport.program_id))
        if account is None:
            raise WorkerError(
                f"model {m!r} is not registered on {transport.name}: its developer registers it "
                "(on a dev network: `dfpn-worker register --register-models`)"
            )
        if not Model.from_account_data(account.data).active:
            raise WorkerError(f"model {m!r} is deactivated on {transport.name}")
    worker = await fetch_worker(transport, authority)
    actions: list[str] = []
    if worker is None:
        stake = config.stake_lamports
        if stake < chain.params.min_stake:
            raise WorkerError(
                f"stake {config.stake} SOL is below the network minimum "
                f"{chain.params.min_stake / LAMPORTS_PER_SOL:g} SOL"
            )
        await transport.send_transaction(
            [
                ix.register_worker(
                    authority=authority,
                    stake=stake,
                    modalities=mask,
                    models=models,
                    program_id=transport.program_id,
                )
            ],
            [keypair],
        )
        actions.append(f"registered with {stake} lamports")
    else:
        current = [decode_model_id(m) for m in worker.models[: worker.model_count]]
        if worker.modalities != mask or current != models:
            await transport.send_transaction(
                [
                    ix.update_worker(
                        authority=authority, modalities=mask, models=models, program_id=transport.program_id
                    )
                ],
                [keypair],
            )
            actions.append("updated modalities and models")
        if worker.stake < config.stake_lamports:
            extra = config.stake_lamports - worker.stake
            await transport.send_transaction(
                [ix.add_stake(authority=authority, amount=extra, program_id=transport.program_id)], [keypair]
            )
            actions.append(f"added {extra} lamports of stake")
    after = await fetch_worker(transport, authority)
    assert after is not None
    return {**worker_summary(after), "actions": actions or ["already registered as configured"]}


def worker_summary(worker: Worker) -> dict[str, Any]:
    return {
        "authority": str(worker.authority),
        "stakeLamports": worker.stake,
        "unbondingLamports": worker.unbonding_amount,
        "unbondingEndsAt": worker.unbonding_ends_at or None,
        "rewardsLamports": worker.rewards,
        "reputation": worker.reputation,
        "activeSeats": worker.active_seats,
        "modalities": [pascal_name(m) for m in ChainModality.from_mask(worker.modalities)],
        "models": [decode_model_id(m) for m in worker.models[: worker.model_count]],
        "jobsDone": worker.jobs_done,
        "jobsAgreed": worker.jobs_agreed,
        "slashedLamports": worker.slashed_total,
    }


# ---- commands -----------------------------------------------------------------------------------------------


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    keys = {
        "keypair": "keypair",
        "network": "network",
        "state_dir": "state_dir",
        "log_level": "log_level",
        "log_format": "log_format",
    }
    return {field: getattr(args, attr, None) for attr, field in keys.items()}


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    path = config_path(args.config)
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    values: dict[str, Any] = _overrides(args)
    for name in ("stake", "concurrency", "fee_floor", "storage", "reports_dir", "metrics_port"):
        values[name] = getattr(args, name)
    if args.modality:
        values["modalities"] = args.modality
    if args.detector:
        values["detectors"] = args.detector
    config = WorkerConfig(**{k: v for k, v in values.items() if v is not None})
    keypair_note = "exists"
    if not config.keypair.exists():
        if not args.generate_keypair:
            raise UsageError(f"keypair {config.keypair} does not exist; pass --generate-keypair to create it")
        generate_keypair(config.keypair)
        keypair_note = "generated"
    keypair = load_keypair(config.keypair)
    notes: list[str] = []
    if not config.detectors or not config.modalities:
        detectors = load_worker_detectors(config)
        update: dict[str, Any] = {}
        if not config.detectors:
            chosen = choose_detectors(detectors)
            left = [d.model_id for d in detectors if d not in chosen]
            if left:
                notes.append(
                    f"a worker declares at most {MAX_WORKER_MODELS} models: left out {', '.join(left)} "
                    "(choose with --detector)"
                )
            detectors = chosen
            update["detectors"] = _model_ids(detectors)
        if not config.modalities:
            update["modalities"] = [pascal_name(m) for m in ChainModality.from_mask(modality_mask(detectors))]
        config = config.model_copy(update=update)
    write_config(config, path)
    print(f"wrote {path}", file=out)
    print(f"worker key: {keypair.pubkey()} ({config.keypair}, {keypair_note})", file=out)
    print(f"detectors:  {', '.join(config.detectors)}", file=out)
    print(f"modalities: {', '.join(config.modalities)}", file=out)
    for note in notes:
        print(f"note: {note}", file=out)
    print("next: fund the key with SOL for the stake and fees, then `dfpn-worker register`", file=out)
    return EXIT_OK


async def cmd_register(
    args: argparse.Namespace,
    config: WorkerConfig,
    transport: Transport,
    detectors: list[Detector],
    out: TextIO,
) -> int:
    keypair = load_keypair(config.keypair)
    await fund_if_local(transport, keypair.pubkey())
    models = await register_models(transport, keypair, detectors) if args.register_models else []
    summary = await register_worker(transport, keypair, config, detectors)
    if models:
        summary["actions"].insert(0, f"registered models {', '.join(models)}")
    _print(summary, args.json, out)
    return EXIT_OK


async def cmd_run(config: WorkerConfig, transport: Transport, detectors: list[Detector]) -> int:
    keypair = load_keypair(config.keypair)
    if isinstance(transport, LocalNetwork):
        # The embedded network lives in this process and starts empty: bootstrap a development worker on it.
        logger.warning("network 'local' is in-process: only requests submitted inside this process are seen")
        await fund_if_local(transport, keypair.pubkey())
        await register_models(transport, keypair, detectors)
        if await fetch_worker(transport, keypair.pubkey()) is None:
            await register_worker(transport, keypair, config, detectors)
    node = WorkerNode(config, transport, keypair, detectors)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, node.stop)
    try:
        await node.run()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        node.state.close()
    return EXIT_OK


async def cmd_status(
    args: argparse.Namespace, config: WorkerConfig, transport: Transport, out: TextIO
) -> int:
    keypair = load_keypair(config.keypair)
    worker = await fetch_worker(transport, keypair.pubkey())
    status: dict[str, Any] = {
        "network": transport.name,
        "worker": str(keypair.pubkey()),
        "registered": worker is not None,
    }
    if worker is not None:
        status["onChain"] = worker_summary(worker)
    if (config.state_dir / "worker.sqlite3").is_file():
        with StateStore(config.state_dir, str(keypair.pubkey())) as state:
            status["jobs"] = state.counts()
            status["recent"] = [
                {
                    "request": j.request,
                    "phase": j.phase.value,
                    "finished": j.finished,
                    **({"outcome": j.outcome} if j.outcome else {}),
                    **({"errorCode": j.error_code} if j.error_code else {}),
                }
                for j in state.recent(10)
            ]
    _print(status, args.json, out)
    return EXIT_OK


async def cmd_unstake(
    args: argparse.Namespace, config: WorkerConfig, transport: Transport, out: TextIO
) -> int:
    keypair = load_keypair(config.keypair)
    authority = keypair.pubkey()
    worker = await fetch_worker(transport, authority)
    if worker is None:
        raise WorkerError(f"worker {authority} is not registered on {transport.name}")
    pid = transport.program_id
    if args.withdraw:
        record = await transport.send_transaction(
            [ix.withdraw_stake(authority=authority, program_id=pid)], [keypair]
        )
        print(f"withdrew {worker.unbonding_amount} lamports: {record.signature}", file=out)
        return EXIT_OK
    from dfpn.fees import sol_to_lamports

    amount = worker.stake if args.amount is None else sol_to_lamports(args.amount)
    if amount <= 0:
        raise WorkerError("nothing staked to unstake")
    record = await transport.send_transaction(
        [ix.request_unstake(authority=authority, amount=amount, program_id=pid)], [keypair]
    )
    after = await fetch_worker(transport, authority)
    ends = after.unbonding_ends_at if after is not None else 0
    print(
        f"unstaking {amount} lamports: {record.signature}; withdraw with `dfpn-worker unstake --withdraw` "
        f"from unix time {ends} on",
        file=out,
    )
    return EXIT_OK


async def cmd_claim(config: WorkerConfig, transport: Transport, out: TextIO) -> int:
    keypair = load_keypair(config.keypair)
    worker = await fetch_worker(transport, keypair.pubkey())
    if worker is None:
        raise WorkerError(f"worker {keypair.pubkey()} is not registered on {transport.name}")
    record = await transport.send_transaction(
        [ix.claim_worker_rewards(authority=keypair.pubkey(), program_id=transport.program_id)], [keypair]
    )
    print(f"claimed {worker.rewards} lamports: {record.signature}", file=out)
    return EXIT_OK


def _print(data: dict[str, Any], as_json: bool, out: TextIO) -> None:
    if as_json:
        print(json.dumps(data, indent=2, default=str), file=out)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            print(f"{key}:", file=out)
            for k, v in value.items():
                print(f"  {k}: {v}", file=out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            print(f"{key}:", file=out)
            for item in value:
                print("  " + ", ".join(f"{k}={v}" for k, v in item.items()), file=out)
        else:
            print(f"{key}: {value}", file=out)


# ---- argument parsing ---------------------------------------------------------------------------------------


def _modality(value: str) -> str:
    try:
        return pascal_name(parse_modality(value))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default $DFPN_WORKER_CONFIG or ~/.config/dfpn-worker/config.toml)",
    )
    common.add_argument("--network", help='"local", "localnet", "devnet" or an RPC URL')
    common.add_argument("--keypair", metavar="PATH", help="the worker's Solana JSON keypair file")
    common.add_argument("--state-dir", metavar="DIR", help="durable worker state directory")
    common.add_argument("--log-level", metavar="LEVEL", help="DEBUG, INFO, WARNING, ...")
    common.add_argument("--log-format", choices=["json", "text"], help="log line format (default json)")

    p = argparse.ArgumentParser(
        prog="dfpn-worker", description="DFPN reference worker node: run deepfake detectors for fees."
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", parents=[common], help="write a config file (and optionally a new keypair)")
    init.add_argument("--generate-keypair", action="store_true", help="create the keypair file if missing")
    init.add_argument("--stake", metavar="SOL", help="stake to put up at registration (default 1)")
    init.add_argument(
        "--modality",
        action="append",
        type=_modality,
        help="modality to accept, repeatable (default: every modality the detectors cover)",
    )
    init.add_argument(
        "--detector",
        action="append",
        help="detector (model id) to run, repeatable (default: every installed detector)",
    )
    init.add_argument("--concurrency", type=int, help="requests analysed at once (default 4)")
    init.add_argument("--fee-floor", metavar="SOL", help="skip requests paying a worker less than this")
    init.add_argument("--storage", choices=["file", "ipfs", "s3"], help="where reports go (default file)")
    init.add_argument("--reports-dir", metavar="DIR", help="report files directory (file storage)")
    init.add_argument(
        "--metrics-port", help="metrics/health port (default 9464; 0: any free port; off: none)"
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing config file")

    register = sub.add_parser("register", parents=[common], help="register (or update) the worker on-chain")
    register.add_argument(
        "--register-models",
        action="store_true",
        help="development networks: also register the detectors' model ids with this key as developer",
    )
    register.add_argument("--json", action="store_true", help="print JSON")

    sub.add_parser("run", parents=[common], help="work: follow requests, analyse, commit, reveal, finalize")

    status = sub.add_parser("status", parents=[common], help="on-chain worker account and local jobs")
    status.add_argument("--json", action="store_true", help="print JSON")

    unstake = sub.add_parser(
        "unstake", parents=[common], help="request unstaking, or withdraw after the delay"
    )
    unstake.add_argument("--amount", metavar="SOL", help="amount to unstake (default: all stake)")
    unstake.add_argument(
        "--withdraw", action="store_true", help="withdraw stake whose unbonding delay is over"
    )

    sub.add_parser("claim", parents=[common], help="claim the worker's rewards")
    return p


async def _dispatch(
    args: argparse.Namespace,
    out: TextIO,
    transport: Transport | None,
    detectors: list[Detector] | None,
) -> int:
    config = load_config(args.config, **_overrides(args))
    if transport is None:
        setup_logging(config.log_level, config.log_format)
    own = transport is None
    t = transport if transport is not None else open_transport(config)
    try:
        if args.command == "register":
            dets = detectors if detectors is not None else load_worker_detectors(config)
            return await cmd_register(args, config, t, dets, out)
        if args.command == "run":
            dets = detectors if detectors is not None else load_worker_detectors(config)
            return await cmd_run(config, t, dets)
        if args.command == "status":
            return await cmd_status(args, config, t, out)
        if args.command == "unstake":
            return await cmd_unstake(args, config, t, out)
        if args.command == "claim":
            return await cmd_claim(config, t, out)
        raise UsageError(f"unknown command {args.command}")
    finally:
        if own:
            await t.close()


def main(
    argv: Sequence[str] | None = None,
    *,
    transport: Transport | None = None,
    detectors: list[Detector] | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the command line; `transport` and `detectors` are injected by tests (else from the config)."""
    stream = out or sys.stdout
    args = parser().parse_args(argv)
    try:
        if args.command == "init":
            return cmd_init(args, stream)
        return asyncio.run(_dispatch(args, stream, transport, detectors))
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (DFPNError, WorkerError, StateError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as e:  # pydantic ValidationError is a ValueError: a bad config value
        print(f"error: invalid configuration: {e}", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    sys.exit(main())


__all__ = [
    "fetch_worker",
    "generate_keypair",
    "load_worker_detectors",
    "main",
    "open_transport",
    "parser",
    "register_models",
    "register_worker",
    "run",
]
