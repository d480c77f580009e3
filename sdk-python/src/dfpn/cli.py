"""The `dfpn` command line.

```sh
dfpn estimate-fee --modality face --min-workers 3
dfpn submit photo.jpg --modality face --min-workers 3 --max-fee 0.01 --deadline 300 --wait
dfpn status <request id>
dfpn config show --json
```

Networks: "local" (the default: the program in an embedded LiteSVM, see `dfpn.local`; it lives inside the process,
so a request is visible only to the command that submitted it, `submit --wait`), "localnet" (a local validator at
http://127.0.0.1:8899, e.g. `make localnet`), "devnet", or an RPC URL. On RPC networks `--keypair` (default
`$DFPN_KEYPAIR`, else ~/.config/solana/id.json) pays and signs. Exit codes: 0 ok, 1 a `DFPNError` (printed as
`error: CODE: message`), 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from solders.pubkey import Pubkey

from dfpn.client import DEFAULT_MIN_WORKERS, DFPNClient
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated.types import Config
from dfpn.local import LocalNetwork
from dfpn.models import Modality, SeatState
from dfpn.rpc import resolve_network
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
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """A bad command line (exit 2)."""


def parse_modality(value: str) -> Modality:
    key = value.strip()
    if key.lower() in MODALITY_NAMES:
        return MODALITY_NAMES[key.lower()]
    enum_name = key.upper().replace("-", "_")
    if enum_name in Modality.__members__:
        return Modality[enum_name]
    names = ", ".join([*MODALITY_NAMES, *(m.name for m in Modality)])
    raise argparse.ArgumentTypeError(f"unknown modality {value!r} (one of: {names})")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--network",
        default="local",
        help='"local" (embedded LiteSVM, default), "localnet", "devnet" or an RPC URL',
    )
    common.add_argument(
        "--keypair",
        metavar="PATH",
        help="Solana JSON keypair file that pays and signs (local: a funded throwaway keypair if omitted; "
        f"other networks: $DFPN_KEYPAIR, else {DEFAULT_KEYPAIR})",
    )
    common.add_argument("--json", action="store_true", help="print the result as JSON (camelCase)")

    parser = argparse.ArgumentParser(
        prog="dfpn", description="Deepfake Proof Network: submit media for analysis, read requests and fees."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    modality_help = f"modality to analyse, repeatable: {', '.join(MODALITY_NAMES)} (or the enum names)"
    submit = sub.add_parser("submit", parents=[common], help="submit a media file for analysis")
    submit.add_argument("file", metavar="FILE", help="the media file (hashed with SHA-256)")
    submit.add_argument("--modality", action="append", type=parse_modality, required=True, help=modality_help)
    submit.add_argument(
        "--min-workers",
        type=int,
        default=None,
        metavar="N",
        help="workers required (default 3, or the network's min_workers_floor when higher)",
    )
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
    fee.add_argument(
        "--min-workers",
        type=int,
        default=None,
        metavar="N",
        help="workers required (default 3, or the network's min_workers_floor when higher)",
    )

    config = sub.add_parser("config", help="the on-chain configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    config_sub.add_parser("show", parents=[common], help="show the on-chain configuration")
    return parser


def _open_client(args: argparse.Namespace) -> DFPNClient:
    if args.network == "local":
        wallet = load_keypair(args.keypair) if args.keypair else None
        client = DFPNClient(args.network)
    else:
        try:
            resolve_network(args.network)
        except DFPNError as e:
            raise _UsageError(str(e)) from e
        wallet = load_keypair(args.keypair or os.environ.get("DFPN_KEYPAIR") or DEFAULT_KEYPAIR)
        client = DFPNClient(args.network, wallet=wallet)
    if wallet is not None:
        transport = client.transport
        if isinstance(transport, LocalNetwork) and transport.balance(wallet.pubkey()) == 0:
            # The embedded network starts empty: fund the given key so it can pay (the local network only).
            transport.airdrop(wallet.pubkey(), 10 * LAMPORTS_PER_SOL)
        client.aio.wallet = wallet
    return client


def _sol(lamports: int) -> str:
    return f"{lamports / LAMPORTS_PER_SOL:.9f} SOL ({lamports} lamports)"


def _print_fields(fields: Mapping[str, Any], out: TextIO) -> None:
    width = max((len(k) for k in fields), default=0)
    for key, value in fields.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) if value else "-"
        out.write(f"{key + ':':<{width + 1}} {value}\n")


def _emit(args: argparse.Namespace, data: Mapping[str, Any], human: Mapping[str, Any], out: TextIO) -> None:
    if args.json:
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        _print_fields(human, out)


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


def _cmd_estimate_fee(client: DFPNClient, args: argparse.Namespace, out: TextIO) -> None:
    modalities: list[Modality] = args.modality
    workers = args.min_workers
    if workers is None:
        workers = max(DEFAULT_MIN_WORKERS, client.get_config().params.min_workers_floor)
    lamports = client.estimate_fee(modalities, workers)
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
    _emit(args, data, human, out)


def _cmd_config_show(client: DFPNClient, args: argparse.Namespace, out: TextIO) -> None:
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
    _emit(args, data, human, out)


def _cmd_submit(client: DFPNClient, args: argparse.Namespace, out: TextIO) -> None:
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
        _emit(args, data, human, out)
        if not args.json and isinstance(client.transport, LocalNetwork):
            out.write(
                "note: the local network lives in this process and ends with it; use --wait to get the result.\n"
            )
        return
    transport = client.transport
    timeout = args.timeout if args.timeout is not None else args.deadline + 60.0
    if isinstance(transport, LocalNetwork):
        # Nobody else runs on the embedded network (it exists only in this process), so no worker can ever
        # join: move its clock to the commit deadline so the request is settled now instead of after a
        # wall-clock wait. The client then expires it (the escrow comes back) and reports NO_WORKERS_AVAILABLE.
        transport.set_time(max(transport.now(), submitted.commit_deadline))
    result = client.wait_for_result(submitted.id, timeout=timeout)
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
    _emit(args, data, human, out)


def _cmd_status(client: DFPNClient, args: argparse.Namespace, out: TextIO) -> None:
    try:
        info = client.get_request(args.id)
    except DFPNError as e:
        if e.code is ErrorCode.REQUEST_NOT_FOUND and isinstance(client.transport, LocalNetwork):
            raise DFPNError(
                ErrorCode.REQUEST_NOT_FOUND,
                f"no request {args.id} on the local network. The local network is an embedded LiteSVM that "
                "lives only inside one dfpn process, so a request submitted by another command is gone; use "
                "`dfpn submit FILE ... --wait` to follow a request to its result (RPC networks, where `status` "
                "works across processes, are not implemented yet).",
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
    _emit(args, data, human, out)


_COMMANDS = {
    "submit": _cmd_submit,
    "status": _cmd_status,
    "estimate-fee": _cmd_estimate_fee,
    "config": _cmd_config_show,
}


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (0 ok, 1 DFPNError, 2 usage)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed the usage message
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    try:
        with _open_client(args) as client:
            _COMMANDS[args.command](client, args, out)
    except _UsageError as e:
        err.write(f"error: {e}\n")
        return EXIT_USAGE
    except DFPNError as e:
        err.write(f"error: {e.code.value}: {e.message}\n")
        return EXIT_ERROR
    return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
