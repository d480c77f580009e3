"""The `dfpn` command line.

```sh
dfpn analyze photo.jpg                                   # upload, submit, wait with progress, print the verdict
dfpn estimate-fee --modality face --min-workers 3
dfpn submit photo.jpg --modality face --min-workers 3 --max-fee 0.01 --deadline 300 --wait
dfpn status <request id>
dfpn config show --json
dfpn --network localnet --keypair ~/.config/solana/id.json estimate-fee --modality face
```

Global options (`--network`/`-u`, `--keypair`/`-k`, `--json`, `-v`) go before or after the subcommand, as with git
or the Solana CLI; a value after the subcommand wins. Networks: "local" (the default: the program in an embedded
LiteSVM with reference workers, see `dfpn.local`; it lives inside the process, so a request is visible only to the
command that submitted it: `analyze`, `submit --wait`), "localnet" (a local validator at http://127.0.0.1:8899,
e.g. `make localnet`), "devnet", "testnet", "mainnet" ("mainnet-beta") or an http(s) RPC URL. On RPC networks the
commands that sign (`analyze`, `submit`) use `--keypair` (default `$DFPN_KEYPAIR`, else ~/.config/solana/id.json);
the others only read and need none. Exit codes: 0 ok, 1 a failure (printed as `error: CODE: message` with what to
do, or with `--json` as one `{"error": {"code", "message", "hint"}}` object on stdout), 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.client import DEFAULT_MIN_WORKERS, DFPNClient
from dfpn.clitools import (
    NETWORK_HELP,
    CommandError,
    Parser,
    Reporter,
    add_output_options,
    add_version_option,
    check_network,
    default,
    run_command,
    user_path,
    verbosity,
)
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated.types import Config
from dfpn.local import LocalNetwork
from dfpn.models import AnalysisProgress, AnalysisResult, Modality, SeatState
from dfpn.wallet import load_keypair

#: Short modality names accepted by `--modality` (the enum names, any case, are accepted too).
MODALITY_NAMES: dict[str, Modality] = {
    "image": Modality.IMAGE_AUTHENTICITY,
    "face": Modality.FACE_MANIPULATION,
    "ai-image": Modality.AI_GENERATED_IMAGE,
    "video": Modality.VIDEO_AUTHENTICITY,
    "voice": Modality.VOICE_CLONING,
}
DEFAULT_KEYPAIR = "~/.config/solana/id.json"
KEYPAIR_ENV = "DFPN_KEYPAIR"
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: Commands that sign transactions (and so need a keypair on an RPC network).
SIGNING_COMMANDS = frozenset({"submit", "analyze"})


def parse_modality(value: str) -> Modality:
    """`--modality`: a short name (`face`), the enum name in any case, or the IDL name (`Modality.parse`)."""
    try:
        return Modality.parse(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _global_options(parser: argparse.ArgumentParser, after: bool) -> None:
    """--network, --keypair, --json, -v: on the main parser (with defaults) and after each subcommand."""
    parser.add_argument(
        "--network",
        "-u",
        "--url",
        dest="network",
        default=default(after, "local"),
        metavar="NETWORK",
        help=f"{NETWORK_HELP} (default local)",
    )
    parser.add_argument(
        "--keypair",
        "-k",
        dest="keypair",
        type=user_path,
        default=default(after, None),
        metavar="PATH",
        help="Solana JSON keypair file that pays and signs (local: a funded throwaway keypair if omitted; "
        f"other networks: ${KEYPAIR_ENV}, else {DEFAULT_KEYPAIR}; reading commands need none)",
    )
    add_output_options(parser, after, verbose_help="log what the SDK does on stderr (-vv: debug)")


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="dfpn",
        description="Deepfake Proof Network: submit media for analysis, read requests and fees.",
        epilog="Global options go before or after the command. Exit codes: 0 ok, 1 failure, 2 usage error.",
    )
    add_version_option(parser)
    _global_options(parser, after=False)
    common = Parser(add_help=False)
    _global_options(common, after=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    modality_help = f"modality to analyse, repeatable: {', '.join(MODALITY_NAMES)} (or the enum names)"
    workers_help = "workers required (default 3, or the network's min_workers_floor when higher)"

    analyze = sub.add_parser(
        "analyze",
        parents=[common],
        help="analyse a media file or URL: upload, submit, wait (with progress), print the verdict",
    )
    analyze.add_argument(
        "source",
        metavar="FILE_OR_URL",
        help="the media: a file, or an http(s)/ipfs/s3 URL where it is stored",
    )
    analyze.add_argument(
        "--modality",
        action="append",
        type=parse_modality,
        help=f"{modality_help}; default: those of the kind of media (image, video, audio)",
    )
    analyze.add_argument("--min-workers", type=int, default=None, metavar="N", help=workers_help)
    analyze.add_argument("--max-fee", metavar="SOL", help="most to escrow, in SOL (default: exactly the fee)")
    analyze.add_argument(
        "--deadline", type=int, default=300, metavar="SECONDS", help="deadline from now (default 300)"
    )
    analyze.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="give up waiting after this (default: deadline + 60)",
    )

    submit = sub.add_parser("submit", parents=[common], help="submit a media file for analysis")
    submit.add_argument("file", metavar="FILE", type=user_path, help="the media file (hashed with SHA-256)")
    submit.add_argument("--modality", action="append", type=parse_modality, required=True, help=modality_help)
    submit.add_argument("--min-workers", type=int, default=None, metavar="N", help=workers_help)
    submit.add_argument("--max-fee", metavar="SOL", help="most to escrow, in SOL (default: exactly the fee)")
    submit.add_argument(
        "--deadline", type=int, default=300, metavar="SECONDS", help="deadline from now (default 300)"
    )
    submit.add_argument("--wait", action="store_true", help="wait for the result (verdict) and print it")
    submit.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="--wait gives up after this (default: deadline + 60)",
    )

    status = sub.add_parser("status", parents=[common], help="show a request")
    status.add_argument("id", metavar="ID", help="the request id (its base58 address)")

    fee = sub.add_parser(
        "estimate-fee", parents=[common], help="the fee the program charges, from its config"
    )
    fee.add_argument("--modality", action="append", type=parse_modality, required=True, help=modality_help)
    fee.add_argument("--min-workers", type=int, default=None, metavar="N", help=workers_help)

    config = sub.add_parser("config", parents=[common], help="the on-chain configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    config_sub.add_parser("show", parents=[common], help="show the on-chain configuration")
    return parser


# ---- the network and the wallet ------------------------------------------------------------------------------


def _keypair(args: argparse.Namespace) -> Keypair | None:
    """The wallet the command uses: `--keypair`; on an RPC network, for a command that signs, `$DFPN_KEYPAIR`
    or the Solana CLI's default file; else None (a throwaway funded wallet on "local", read-only elsewhere)."""
    path: str | None = args.keypair
    source = "--keypair"
    if path is None and args.network != "local" and args.command in SIGNING_COMMANDS:
        env = os.environ.get(KEYPAIR_ENV)
        path, source = (
            (user_path(env), f"${KEYPAIR_ENV}") if env else (user_path(DEFAULT_KEYPAIR), "the default")
        )
    if path is None:
        return None
    if not Path(path).exists():
        raise CommandError(
            ErrorCode.INVALID_ARGUMENT.value,
            f"no keypair file at {path} ({source}).",
            hint=f"pass --keypair PATH (a Solana CLI JSON keypair file), set ${KEYPAIR_ENV}, or create one "
            f"with `solana-keygen new -o {path}`.",
        )
    return load_keypair(path)


def _open_client(args: argparse.Namespace) -> DFPNClient:
    wallet = _keypair(args)
    return DFPNClient(args.network, wallet=wallet)


# ---- output --------------------------------------------------------------------------------------------------


def _sol(lamports: int) -> str:
    return f"{Decimal(lamports) / LAMPORTS_PER_SOL:f} SOL ({lamports} lamports)"


def _print_fields(fields: Mapping[str, Any], out: TextIO) -> None:
    width = max((len(k) for k in fields), default=0)
    for key, value in fields.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) if value else "-"
        out.write(f"{key + ':':<{width + 1}} {value}\n")


def _emit(report: Reporter, data: Mapping[str, Any], human: Mapping[str, Any]) -> None:
    if report.as_json:
        report.result(data)
    else:
        _print_fields(human, report.out)


def _config_dict(config: Config) -> dict[str, Any]:
    p = config.params
    pending = config.pending_authority
    return {
        "authority": str(config.authority),
        "treasury": str(config.treasury),
        "insurance": str(config.insurance),
        "pendingAuthority": None if pending == Pubkey.default() else str(pending),
        "paused": bool(config.paused),
        "requestCount": config.request_count,
        "baseFees": {m.name: fee for m, fee in zip(Modality, p.base_fees, strict=True)},
        "workerSurchargeBps": p.worker_surcharge_bps,
        "nonRevealSlashBps": p.non_reveal_slash_bps,
        "maxWeightBps": p.max_weight_bps,
        "reputationAlphaBps": p.reputation_alpha_bps,
        "minStake": p.min_stake,
        "unbondingSecs": p.unbonding_secs,
        "minDeadlineSecs": p.min_deadline_secs,
        "revealWindowSecs": p.reveal_window_secs,
        "minConsensusWeight": p.min_consensus_weight,
        "maxDeadlineSecs": p.max_deadline_secs,
        "noConsensusFeeBps": p.no_consensus_fee_bps,
        "seatBondMultiplier": p.seat_bond_multiplier,
        "challengeSlashBps": p.challenge_slash_bps,
        "minWorkersFloor": p.min_workers_floor,
        "drawStakeCap": p.draw_stake_cap,
        "workerCount": config.worker_count,
    }


#: The stages a request goes through, in order (`AnalysisProgress.stage`).
STAGES = ("uploading", "submitted", "drawn", "committed", "revealed", "finalized")


class ProgressDisplay:
    """Follows `AnalysisProgress` reports on stderr: a progress bar redrawn in place on a terminal, a plain line per
    new stage otherwise (a log file, a pipe); nothing when `enabled` is False (`--json`: only the final object)."""

    width = 24

    def __init__(self, stream: TextIO, *, enabled: bool, tty: bool | None = None) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty() if tty is None else tty
        self._stage: str | None = None
        self._drawn = False

    def __call__(self, progress: AnalysisProgress) -> None:
        if not self.enabled:
            return
        if self.tty:
            self._bar(progress)
        elif progress.stage != self._stage:
            self.stream.write(f"{progress.stage}: {self._detail(progress)}\n")
            self.stream.flush()
        self._stage = progress.stage

    def _detail(self, p: AnalysisProgress) -> str:
        if p.stage == "uploading":
            return "storing the media" + (f" ({p.bytes_total} bytes)" if p.bytes_total else "")
        need = f"/{p.min_workers}" if p.min_workers else ""
        parts = [f"request {p.request_id}"] if p.stage == "submitted" and p.request_id else []
        parts += [
            f"seats drawn {p.seats_drawn}{need}",
            f"commits {p.commits}{need}",
            f"reveals {p.reveals}{need}",
        ]
        return ", ".join(parts) + f" ({p.elapsed_seconds:.0f} s)"

    def _bar(self, p: AnalysisProgress) -> None:
        index = STAGES.index(p.stage) if p.stage in STAGES else 0
        fraction = (index + 1) / len(STAGES)
        if p.stage == "uploading" and p.bytes_total:
            fraction = p.bytes_sent / p.bytes_total / len(STAGES)
        filled = round(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {p.stage:<9} {self._detail(p)}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (before the result or an error is printed)."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


# ---- commands ------------------------------------------------------------------------------------------------


def _cmd_estimate_fee(client: DFPNClient, args: argparse.Namespace, report: Reporter) -> None:
    modalities: list[Modality] = args.modality
    workers = args.min_workers
    if workers is None:
        workers = max(DEFAULT_MIN_WORKERS, client.get_config().params.min_workers_floor)
    lamports = client.estimate_fee_lamports(modalities, workers)
    data = {
        "modalities": [m.name for m in modalities],
        "minWorkers": workers,
        "feeLamports": lamports,
        "feeSol": lamports / LAMPORTS_PER_SOL,
    }
    human = {
        "modalities": [m.name for m in modalities],
        "min workers": workers,
        "fee": _sol(lamports),
    }
    _emit(report, data, human)


def _cmd_config_show(client: DFPNClient, args: argparse.Namespace, report: Reporter) -> None:
    data = {
        "network": client.transport.name,
        "programId": str(client.aio.program_id),
        **_config_dict(client.get_config()),
    }
    human: dict[str, Any] = {}
    for key, value in data.items():
        if key == "baseFees":
            human.update({f"base fee {name}": _sol(fee) for name, fee in value.items()})
        else:
            human[key] = value
    _emit(report, data, human)


def _result(report: Reporter, result: AnalysisResult) -> None:
    data = result.model_dump(mode="json", by_alias=True)
    human = {
        "request id": result.request_id,
        "verdict": result.verdict.value,
        "confidence": result.confidence,
        "consensus": result.consensus_type.value,
        "workers": len(result.worker_results),
        "fee": _sol(result.fee_lamports),
        "request tx": result.audit.request_tx,
        "finalize tx": result.audit.finalize_tx,
    }
    _emit(report, data, human)


def _analyze_source(value: str) -> str:
    """A URL as given; anything else is a file path, resolved against the working directory."""
    if "://" in value:
        return value
    path = user_path(value)
    _check_media(path)
    return path


def _check_media(path: str) -> None:
    """A media file the command can read, before any network is started."""
    p = Path(path)
    if not p.exists():
        return  # the SDK says MEDIA_NOT_FOUND, with its hint
    if not p.is_file():
        raise DFPNError(ErrorCode.MEDIA_NOT_FOUND, f"{path} is not a file.")
    if not os.access(p, os.R_OK):
        raise DFPNError(ErrorCode.MEDIA_NOT_FOUND, f"{path} is not readable (permission denied).")


def _cmd_analyze(client: DFPNClient, args: argparse.Namespace, report: Reporter) -> None:
    display = ProgressDisplay(report.err, enabled=not report.as_json)
    try:
        result = client.analyze(
            args.source,
            modalities=args.modality,
            min_workers=args.min_workers,
            max_fee=args.max_fee,
            deadline_seconds=args.deadline,
            timeout=args.timeout,
            progress=display,
        )
    finally:
        display.close()
    _result(report, result)


def _cmd_submit(client: DFPNClient, args: argparse.Namespace, report: Reporter) -> None:
    submitted = client.submit_request(
        args.file,
        modalities=args.modality,
        min_workers=args.min_workers,
        max_fee=args.max_fee,
        deadline_seconds=args.deadline,
    )
    if not args.wait:
        data = submitted.model_dump(mode="json", by_alias=True)
        human = {
            "request id": submitted.id,
            "signature": submitted.signature,
            "client": submitted.client,
            "content hash": submitted.content_hash,
            "storage uri": submitted.storage_uri,
            "modalities": [m.name for m in submitted.modalities],
            "workers": f"{submitted.min_workers}..{submitted.max_workers}",
            "drawn workers": ", ".join(submitted.drawn) or "not drawn yet",
            "fee": _sol(submitted.fee_lamports),
            "escrow": _sol(submitted.max_fee_lamports),
            "commit deadline": submitted.commit_deadline,
            "deadline": submitted.deadline,
        }
        _emit(report, data, human)
        if not report.as_json and isinstance(client.transport, LocalNetwork):
            report.out.write(
                "note: the local network lives in this process and ends with it; use --wait (or `dfpn analyze`) "
                "to get the result.\n"
            )
        return
    timeout = args.timeout if args.timeout is not None else args.deadline + 60.0
    display = ProgressDisplay(report.err, enabled=not report.as_json)
    try:
        result = client.wait_for_result(submitted.id, timeout=timeout, progress=display)
    finally:
        display.close()
    _result(report, result)


def _cmd_status(client: DFPNClient, args: argparse.Namespace, report: Reporter) -> None:
    try:
        info = client.get_request(args.id)
    except DFPNError as e:
        if e.code is ErrorCode.REQUEST_NOT_FOUND and isinstance(client.transport, LocalNetwork):
            raise DFPNError(
                ErrorCode.REQUEST_NOT_FOUND,
                f"no request {args.id} on the local network. The local network is an embedded network that lives "
                "only inside one dfpn process, so a request submitted by another command is gone with it: follow "
                "a request to its result in the same command (`dfpn analyze FILE`, `dfpn submit FILE ... --wait`), "
                "or use a network that outlives a command (--network localnet after `make localnet`, or devnet), "
                "where `status` works across commands.",
            ) from e
        raise
    data = info.model_dump(mode="json", by_alias=True)
    human = {
        "request id": info.id,
        "status": info.status.value,
        "client": info.client,
        "modalities": [m.name for m in info.modalities],
        "workers": f"{info.min_workers}..{info.max_workers} (seats drawn {info.joined}, accepted "
        f"{sum(seat.state is not SeatState.DRAWN for seat in info.seats)}, commits {info.commits}, "
        f"reveals {info.reveals})",
        "verdict": info.verdict.value,
        "confidence": info.confidence,
        "consensus": info.consensus_type.value,
        "fee": _sol(info.fee_lamports),
        "escrow": _sol(info.escrow_lamports),
        "commit deadline": info.commit_deadline,
        "deadline": info.deadline,
        "storage uri": info.storage_uri,
    }
    if info.challenge_label is not None:
        human["known-answer challenge"] = info.challenge_label.value
    _emit(report, data, human)


_COMMANDS = {
    "analyze": _cmd_analyze,
    "submit": _cmd_submit,
    "status": _cmd_status,
    "estimate-fee": _cmd_estimate_fee,
    "config": _cmd_config_show,
}


def _run(args: argparse.Namespace, report: Reporter) -> int:
    check_network(args.network)
    if args.command == "analyze":
        args.source = _analyze_source(args.source)
    elif args.command == "submit":
        _check_media(args.file)
    with (
        verbosity(args.verbose + getattr(args, "verbose_after", 0), report.err),
        _open_client(args) as client,
    ):
        _COMMANDS[args.command](client, args, report)
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return run_command(
        "dfpn",
        "dfpn",
        arguments,
        _parser().parse_args,
        _run,
        out=stdout or sys.stdout,
        err=stderr or sys.stderr,
    )


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
