"""The `dfpn-worker` command: init, register, run, status, unstake, claim, leave.

```sh
dfpn-worker init --keypair ~/.config/solana/worker.json --network devnet --stake 2 --storage ipfs
dfpn-worker register
dfpn-worker run
dfpn-worker status
dfpn-worker unstake            # all stake; then, after the unbonding delay:
dfpn-worker unstake --withdraw
```

Global options (`--config`, `--network`, `--keypair`, `--state-dir`, `--log-level`, `--log-format`, `--json`, `-v`)
go before or after the command; a value after it wins. Paths are resolved against the working directory with `~`
expanded (`init` writes them absolute). Exit codes: 0 ok, 1 a failure (printed as `error: CODE: message` with
what to do, or with `--json` as one `{"error": {"code", "message", "hint"}}` object on stdout), 2 a usage or
configuration error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LocalNetwork, Transport, load_keypair
from dfpn import Modality as ChainModality
from dfpn import instructions as ix
from dfpn.clitools import (
    NETWORK_HELP,
    Parser,
    Reporter,
    UsageError,
    add_output_options,
    add_version_option,
    check_network,
    default,
    run_command,
    user_path,
)
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
from dfpn_worker.registration import (
    MAX_WORKER_MODELS,
    fetch_config,
    fetch_worker,
    fund_if_local,
    model_ids,
    register_models,
    register_worker,
    worker_summary,
)
from dfpn_worker.state import Phase, StateError, StateStore

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: Commands that act on the network named by the config, and would each get a new, empty embedded network on
#: "local" (it lives inside one process): refused there with an explanation.
NETWORK_COMMANDS = frozenset({"register", "status", "unstake", "claim", "leave"})


# ---- building blocks (also used by tests; the registration ones live in `registration.py`) -----------------


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
    plugin); both factories are called with the detector's settings (`detector_config[name]` over the shared "*"
    ones, which carry `media_limits`: `WorkerConfig.detector_settings`), as `load_detectors` does. No names: every
    installed detector."""
    names = config.detectors or None
    settings = config.detector_settings
    try:
        if names is None:
            detectors = list(load_detectors(None, config=settings or None))
        else:
            detectors = []
            for name in names:
                if ":" in name:
                    shared = dict(settings.get("*") or {})
                    detectors.append(_import_detector(name, {**shared, **dict(settings.get(name) or {})}))
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


def cmd_init(args: argparse.Namespace, report: Reporter) -> int:
    path = config_path(args.config)
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists", hint="pass --force to overwrite it.")
    values: dict[str, Any] = _overrides(args)
    for name in ("stake", "concurrency", "fee_floor", "storage", "reports_dir", "metrics_port"):
        values[name] = getattr(args, name)
    if args.modality:
        values["modalities"] = args.modality
    if args.detector:
        values["detectors"] = args.detector
    values["model_developer"] = args.model_developer
    if args.model:
        values["models"] = dict(args.model)
    config = WorkerConfig(**{k: v for k, v in values.items() if v is not None})
    keypair_note = "exists"
    if not config.keypair.exists():
        if not args.generate_keypair:
            raise UsageError(
                f"keypair {config.keypair} does not exist",
                hint="pass --generate-keypair to create it, or --keypair PATH to use another one.",
            )
        generate_keypair(config.keypair)
        keypair_note = "generated"
    keypair = load_keypair(config.keypair)
    config, notes = _fill_detectors_and_modalities(config)
    write_config(config, path)
    next_step = "fund the key with SOL for the stake and fees, then `dfpn-worker register`"
    if config.network == "local":
        next_step = (
            "`dfpn-worker run` (on the embedded network 'local' it registers itself; it lives inside that one "
            "process, so `register` and `status` have nothing to act on there)"
        )
    if report.as_json:
        report.result(
            {
                "config": str(path),
                "network": config.network,
                "worker": str(keypair.pubkey()),
                "keypair": str(config.keypair),
                "keypairCreated": keypair_note == "generated",
                "detectors": config.detectors,
                "declaredModels": config.declare_models,
                "modalities": config.modalities,
                "modelDeveloper": config.model_developer or str(keypair.pubkey()),
                "models": config.models,
                "notes": notes,
                "next": next_step,
            }
        )
        return EXIT_OK
    out = report.out
    print(f"wrote {path}", file=out)
    print(f"worker key: {keypair.pubkey()} ({config.keypair}, {keypair_note})", file=out)
    print(f"detectors:  {', '.join(config.detectors)}", file=out)
    print(f"declared:   {', '.join(config.declare_models)}", file=out)
    print(f"modalities: {', '.join(config.modalities)}", file=out)
    developer = config.model_developer or f"{keypair.pubkey()} (the worker's key)"
    print(f"models:     registered by {developer}", file=out)
    for model_id, address in config.models.items():
        print(f"            {model_id} at {address}", file=out)
    for note in notes:
        print(f"note: {note}", file=out)
    print(f"next: {next_step}", file=out)
    return EXIT_OK


def _fill_detectors_and_modalities(config: WorkerConfig) -> tuple[WorkerConfig, list[str]]:
    """`config` with every installed detector when it names none (all run; at most `MAX_WORKER_MODELS` are
    declared, chosen for coverage), the declared models, and their modalities when it names none; notes."""
    notes: list[str] = []
    declares_all = config.declare_models or len(config.detectors) <= MAX_WORKER_MODELS
    if config.detectors and config.modalities and declares_all:
        return config, notes  # nothing to choose: the detectors need not even be installed here
    detectors = load_worker_detectors(config)
    update: dict[str, Any] = {}
    if not config.detectors:
        update["detectors"] = [d.model_id for d in detectors]
    declared = model_ids(config, detectors)
    if not config.declare_models:
        update["declare_models"] = declared
        left = [d.model_id for d in detectors if d.model_id not in declared]
        if left:
            notes.append(
                f"a worker declares at most {MAX_WORKER_MODELS} models on-chain: {', '.join(left)} run and vote "
                "but are never credited (choose with declare_models)"
            )
    if not config.modalities:
        mask = modality_mask(d for d in detectors if d.model_id in declared)
        update["modalities"] = [pascal_name(m) for m in ChainModality.from_mask(mask)]
    return config.model_copy(update=update), notes


async def cmd_register(
    args: argparse.Namespace,
    config: WorkerConfig,
    transport: Transport,
    detectors: list[Detector],
    report: Reporter,
) -> int:
    keypair = load_keypair(config.keypair)
    await fund_if_local(transport, keypair.pubkey())
    models = await register_models(transport, keypair, detectors) if args.register_models else []
    summary = await register_worker(transport, keypair, config, detectors)
    if models:
        summary["actions"].insert(0, f"registered models {', '.join(models)}")
    _print(summary, report)
    return EXIT_OK


async def cmd_run(
    config: WorkerConfig, transport: Transport, detectors: list[Detector], report: Reporter
) -> int:
    keypair = load_keypair(config.keypair)
    if isinstance(transport, LocalNetwork):
        # The embedded network lives in this process and starts empty: bootstrap a development worker on it.
        logger.warning("network 'local' is in-process: only requests submitted inside this process are seen")
        await fund_if_local(transport, keypair.pubkey())
        await register_models(transport, keypair, detectors)
        if await fetch_worker(transport, keypair.pubkey()) is None:
            await register_worker(transport, keypair, config, detectors)
    # Each analysis process builds its own detectors from the config (they need not be picklable).
    factory = functools.partial(load_worker_detectors, config)
    node = WorkerNode(config, transport, keypair, detectors, detector_factory=factory)
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
    if report.as_json:
        report.result({"network": transport.name, "worker": str(keypair.pubkey()), "stopped": True})
    return EXIT_OK


async def cmd_status(
    args: argparse.Namespace, config: WorkerConfig, transport: Transport, report: Reporter
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
    _print(status, report)
    return EXIT_OK


async def cmd_unstake(
    args: argparse.Namespace, config: WorkerConfig, transport: Transport, report: Reporter
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
        _say(
            report,
            {"withdrewLamports": worker.unbonding_amount, "signature": record.signature},
            f"withdrew {worker.unbonding_amount} lamports: {record.signature}",
        )
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
    _say(
        report,
        {"unstakingLamports": amount, "signature": record.signature, "withdrawFrom": ends},
        f"unstaking {amount} lamports: {record.signature}; withdraw with `dfpn-worker unstake --withdraw` "
        f"from unix time {ends} on",
    )
    return EXIT_OK


async def cmd_claim(config: WorkerConfig, transport: Transport, report: Reporter) -> int:
    keypair = load_keypair(config.keypair)
    worker = await fetch_worker(transport, keypair.pubkey())
    if worker is None:
        raise WorkerError(f"worker {keypair.pubkey()} is not registered on {transport.name}")
    record = await transport.send_transaction(
        [ix.claim_worker_rewards(authority=keypair.pubkey(), program_id=transport.program_id)], [keypair]
    )
    _say(
        report,
        {"claimedLamports": worker.rewards, "signature": record.signature},
        f"claimed {worker.rewards} lamports: {record.signature}",
    )
    return EXIT_OK


async def cmd_leave(
    args: argparse.Namespace, config: WorkerConfig, transport: Transport, report: Reporter
) -> int:
    """Give back the seat of a request this worker joined and has not committed (in the first half of the commit
    window: the seat bond is released); a local job for it is recorded as left, so `run` leaves it alone."""
    keypair = load_keypair(config.keypair)
    request = _request_address(args.request)
    record = await transport.send_transaction(
        [ix.leave_request(authority=keypair.pubkey(), request=request, program_id=transport.program_id)],
        [keypair],
    )
    if (config.state_dir / "worker.sqlite3").is_file():
        with StateStore(config.state_dir, str(keypair.pubkey())) as state:
            job = state.get(str(request))
            if job is not None and not job.finished:
                state.put(
                    job.replace(phase=Phase.LEFT, finished=True, outcome="left the seat (dfpn-worker leave)")
                )
    _say(
        report,
        {"left": str(request), "signature": record.signature},
        f"left {request}: {record.signature}; seat bond released",
    )
    return EXIT_OK


def _request_address(value: str) -> Pubkey:
    try:
        return Pubkey.from_string(value)
    except ValueError as e:
        raise UsageError(
            f"{value!r} is not a request address", hint="pass the request's base58 address (its id)."
        ) from e


def _say(report: Reporter, data: dict[str, Any], text: str) -> None:
    if report.as_json:
        report.result(data)
    else:
        print(text, file=report.out)


def _print(data: dict[str, Any], report: Reporter) -> None:
    if report.as_json:
        report.result(data)
        return
    out = report.out
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


def _model(value: str) -> tuple[str, str]:
    model_id, sep, address = value.partition("=")
    if not sep or not model_id.strip() or not address.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: expected MODEL_ID=ADDRESS")
    return model_id.strip(), address.strip()


def _modality(value: str) -> str:
    try:
        return pascal_name(parse_modality(value))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="dfpn-worker",
        description="DFPN reference worker node: run deepfake detectors for fees.",
        epilog="Global options go before or after the command. Exit codes: 0 ok, 1 failure, 2 usage or "
        "configuration error.",
    )
    add_version_option(p)
    _global_options(p, after=False)
    common = Parser(add_help=False)
    _global_options(common, after=True)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_init(sub, common)
    register = sub.add_parser("register", parents=[common], help="register (or update) the worker on-chain")
    register.add_argument(
        "--register-models",
        action="store_true",
        help="development networks: also register the detectors' model ids with this key as developer",
    )

    sub.add_parser("run", parents=[common], help="work: follow requests, analyse, commit, reveal, finalize")

    sub.add_parser("status", parents=[common], help="on-chain worker account and local jobs")

    unstake = sub.add_parser(
        "unstake", parents=[common], help="request unstaking, or withdraw after the delay"
    )
    unstake.add_argument("--amount", metavar="SOL", help="amount to unstake (default: all stake)")
    unstake.add_argument(
        "--withdraw", action="store_true", help="withdraw stake whose unbonding delay is over"
    )

    sub.add_parser("claim", parents=[common], help="claim the worker's rewards")

    leave = sub.add_parser(
        "leave",
        parents=[common],
        help="give back an uncommitted seat (first half of the commit window; the seat bond is released)",
    )
    leave.add_argument("request", help="the request's address")
    return p


def _global_options(parser: argparse.ArgumentParser, after: bool) -> None:
    """The options every command takes, before or after the command (they override the config file)."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=user_path,
        default=default(after, None),
        help="config file (default $DFPN_WORKER_CONFIG or ~/.config/dfpn-worker/config.toml)",
    )
    parser.add_argument("--network", default=default(after, None), help=NETWORK_HELP)
    parser.add_argument(
        "--keypair",
        metavar="PATH",
        type=user_path,
        default=default(after, None),
        help="the worker's Solana JSON keypair file",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        type=user_path,
        default=default(after, None),
        help="durable worker state directory",
    )
    parser.add_argument("--log-level", metavar="LEVEL", default=default(after, None), help="DEBUG, INFO, ...")
    parser.add_argument(
        "--log-format",
        choices=["json", "text"],
        default=default(after, None),
        help="log line format (default json)",
    )
    add_output_options(parser, after, verbose_help="debug logging (same as --log-level DEBUG)")


def _add_init(sub: argparse._SubParsersAction[Parser], common: Parser) -> None:
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
    init.add_argument(
        "--model-developer",
        metavar="KEY",
        help="the key that registered the detectors' model ids (default: the worker's own key)",
    )
    init.add_argument(
        "--model",
        action="append",
        type=_model,
        metavar="ID=ADDRESS",
        help="a model registered by another developer, by its address; repeatable",
    )
    init.add_argument("--concurrency", type=int, help="requests analysed at once (default 4)")
    init.add_argument("--fee-floor", metavar="SOL", help="skip requests paying a worker less than this")
    init.add_argument("--storage", choices=["file", "ipfs", "s3"], help="where reports go (default file)")
    init.add_argument(
        "--reports-dir", metavar="DIR", type=user_path, help="report files directory (file storage)"
    )
    init.add_argument(
        "--metrics-port", help="metrics/health port (default 9464; 0: any free port; off: none)"
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing config file")


def _refuse_embedded(command: str) -> UsageError:
    return UsageError(
        f"`dfpn-worker {command}` cannot act on the network 'local': it is an embedded network that lives only "
        "inside one process, so this command would start a new, empty one and end it with the command (a worker "
        "registered by another command is not on it)",
        code="NETWORK_NOT_SUPPORTED",
        hint="`dfpn-worker run` registers the worker on its own embedded network by itself. To register and "
        "inspect a worker across commands use a network that outlives them: --network localnet (`make localnet` "
        "or `dfpn-localnet up`) or devnet.",
    )


async def _dispatch(
    args: argparse.Namespace,
    report: Reporter,
    transport: Transport | None,
    detectors: list[Detector] | None,
) -> int:
    config = load_config(args.config, **_overrides(args))
    if transport is None:
        setup_logging(config.log_level, config.log_format)
        if config.network == "local" and args.command in NETWORK_COMMANDS:
            raise _refuse_embedded(args.command)
    own = transport is None
    t = transport if transport is not None else open_transport(config)
    try:
        if args.command == "register":
            dets = detectors if detectors is not None else load_worker_detectors(config)
            return await cmd_register(args, config, t, dets, report)
        if args.command == "run":
            dets = detectors if detectors is not None else load_worker_detectors(config)
            return await cmd_run(config, t, dets, report)
        if args.command == "status":
            return await cmd_status(args, config, t, report)
        if args.command == "unstake":
            return await cmd_unstake(args, config, t, report)
        if args.command == "claim":
            return await cmd_claim(config, t, report)
        if args.command == "leave":
            return await cmd_leave(args, config, t, report)
        raise UsageError(f"unknown command {args.command}")
    finally:
        if own:
            await t.close()


def _user_error(error: BaseException) -> tuple[str, str, str, int] | None:
    """The worker's own failures, as (code, message, hint, exit code) for `run_command`."""
    if isinstance(error, WorkerError):
        return "WORKER_ERROR", str(error), "", EXIT_ERROR
    if isinstance(error, StateError):
        return (
            "STATE_ERROR",
            str(error),
            "each worker key needs its own state directory (--state-dir); check its permissions.",
            EXIT_ERROR,
        )
    if isinstance(error, ValidationError):  # a bad config value, from the file, the environment or a flag
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'config'}: {e['msg']}" for e in error.errors()
        )
        return "INVALID_CONFIG", f"invalid configuration: {problems}", _CONFIG_HINT, EXIT_USAGE
    return None


_CONFIG_HINT = (
    "fix the value in the config file (`dfpn-worker init --force` rewrites it), the DFPN_WORKER_* variable or the "
    "option."
)


def main(
    argv: Sequence[str] | None = None,
    *,
    transport: Transport | None = None,
    detectors: list[Detector] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command line; `transport` and `detectors` are injected by tests (else from the config)."""
    arguments = list(sys.argv[1:] if argv is None else argv)

    def body(args: argparse.Namespace, report: Reporter) -> int:
        if args.verbose + getattr(args, "verbose_after", 0) > 0:
            args.log_level = "DEBUG"
        if args.network is not None:
            check_network(args.network)
        if args.command == "init":
            return cmd_init(args, report)
        return asyncio.run(_dispatch(args, report, transport, detectors))

    return run_command(
        "dfpn-worker",
        "dfpn-worker",
        arguments,
        parser().parse_args,
        body,
        out=out or sys.stdout,
        err=err or sys.stderr,
        user_errors=_user_error,
    )


def run() -> None:
    sys.exit(main())


__all__ = [
    "fetch_config",
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
