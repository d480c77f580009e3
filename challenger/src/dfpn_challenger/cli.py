"""The `dfpn-challenger` command: check a corpus, preview transforms, run the service, report, register.

```sh
dfpn-challenger sample corpus/                             # a generated corpus (Manipulated images)
dfpn-challenger check corpus/                              # the corpus loads: counts, or every file at fault
dfpn-challenger transform corpus/ --out preview/ --count 4 --seed 1
dfpn-challenger register --network localnet --authority .localnet/authority.json --keypair .localnet/client.json
dfpn-challenger run --network localnet --keypair .localnet/client.json --corpus corpus/ --state-dir .challenger \
    --rate 0.1 --report report.json
dfpn-challenger report --state-dir .challenger
```

Exit codes: 0 ok, 1 a failure (printed as `error: ...`), 2 a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, DFPNError, Modality, load_keypair
from dfpn import instructions as ix
from dfpn.cli import parse_modality
from dfpn.pda import challenger_address
from dfpn.rpc import RpcTransport, resolve_network
from dfpn_challenger.corpus import MANIFEST, load_corpus
from dfpn_challenger.errors import ChallengerError
from dfpn_challenger.media import Limits, MediaKind
from dfpn_challenger.report import build_report, print_table, write_report
from dfpn_challenger.sample import SAMPLE_ITEMS, sample_corpus
from dfpn_challenger.service import Challenger, ChallengerConfig
from dfpn_challenger.state import ChallengeRecord, ChallengeStore
from dfpn_challenger.transform import TransformParams, transform_file

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
DEFAULT_KEYPAIR = "~/.config/solana/id.json"
DEFAULT_STATE_DIR = "~/.local/share/dfpn-challenger"


class UsageError(Exception):
    """A bad command line (exit 2)."""


def _limits_args(parser: argparse.ArgumentParser) -> None:
    default = Limits()
    parser.add_argument(
        "--max-bytes", type=int, default=default.max_bytes, help=f"largest file (default {default.max_bytes})"
    )
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=default.max_pixels,
        help=f"most pixels of an image, from its header: decompression bombs (default {default.max_pixels})",
    )


def _transform_args(parser: argparse.ArgumentParser) -> None:
    default = TransformParams()
    parser.add_argument(
        "--max-crop",
        type=float,
        default=default.max_crop,
        help=f"most cut per side (default {default.max_crop})",
    )
    parser.add_argument(
        "--max-rotation",
        type=float,
        default=default.max_rotation,
        help=f"most rotation in degrees, 0 for none (default {default.max_rotation})",
    )
    parser.add_argument(
        "--min-dhash-distance",
        type=int,
        default=default.min_dhash_distance,
        help=f"least dHash distance (bits of 64) from the original (default {default.min_dhash_distance})",
    )
    parser.add_argument(
        "--strip-metadata", action="store_true", help="drop EXIF, XMP, ICC, PNG text (default: keep them)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dfpn-challenger",
        description="Known-answer challenges for DFPN: labelled media, transformed, submitted as ordinary "
        "requests whose attestation commits to the label; per-worker accuracy.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (INFO)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="load and check a corpus directory")
    check.add_argument("corpus", type=Path, metavar="CORPUS")
    _limits_args(check)

    sample = sub.add_parser(
        "sample", help="write a generated corpus: images whose metadata names a generator (Manipulated)"
    )
    sample.add_argument("dir", type=Path, metavar="DIR")
    sample.add_argument("--count", type=int, default=SAMPLE_ITEMS, help=f"images (default {SAMPLE_ITEMS})")
    sample.add_argument(
        "--modalities",
        type=_modalities,
        metavar="NAMES",
        help="modalities the items ask for (default image,ai-image)",
    )

    preview = sub.add_parser("transform", help="write transformed corpus items to a folder (no network)")
    preview.add_argument("corpus", type=Path, metavar="CORPUS")
    preview.add_argument("--out", type=Path, required=True, help="folder for the transformed files")
    preview.add_argument("--count", type=int, default=1, help="transforms per item (default 1)")
    preview.add_argument("--seed", type=int, default=0, help="seed of the first transform (default 0)")
    _limits_args(preview)
    _transform_args(preview)

    network = argparse.ArgumentParser(add_help=False)
    network.add_argument("--network", default="localnet", help='"localnet" (default), "devnet" or an RPC URL')
    network.add_argument(
        "--keypair",
        metavar="PATH",
        help=f"the challenger's keypair file (default $DFPN_KEYPAIR, else {DEFAULT_KEYPAIR})",
    )

    run = sub.add_parser("run", parents=[network], help="submit challenges and follow them (the service)")
    run.add_argument("--corpus", type=Path, required=True, help="labelled corpus directory")
    run.add_argument(
        "--state-dir", type=Path, default=Path(DEFAULT_STATE_DIR), help=f"state (default {DEFAULT_STATE_DIR})"
    )
    when = run.add_mutually_exclusive_group()
    when.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="Q",
        help="challenges as a share Q of all requests, judged from the ordinary requests observed (default 0.1)",
    )
    when.add_argument(
        "--interval", type=float, metavar="SECONDS", help="instead: one challenge every SECONDS on average"
    )
    run.add_argument("--count", type=int, help="stop after submitting N challenges (and wait for them)")
    run.add_argument("--duration", type=float, metavar="SECONDS", help="stop after SECONDS")
    run.add_argument(
        "--seed", type=int, help="seed of the choices (items, transforms, timing); salts are random"
    )
    run.add_argument("--fake-share", type=float, default=0.5, help="share of manipulated items (default 0.5)")
    run.add_argument("--max-in-flight", type=int, default=8, help="challenges followed at once (default 8)")
    run.add_argument("--min-workers", type=int, help="workers per challenge (default: the SDK's)")
    run.add_argument("--max-workers", type=int, help="seats per challenge (default: min workers)")
    run.add_argument("--deadline", type=int, default=300, metavar="SECONDS", help="deadline (default 300)")
    run.add_argument("--max-fee", metavar="SOL", help="most to escrow (default: exactly the fee)")
    run.add_argument("--storage", choices=["ipfs", "s3"], help="media storage (default: IPFS)")
    run.add_argument(
        "--image-modalities",
        type=_modalities,
        metavar="NAMES",
        help="modalities an image challenge asks for, comma-separated (image, ai-image, face or the enum names; "
        "default image,ai-image); a manifest's own modalities win",
    )
    run.add_argument(
        "--audio-modalities",
        type=_modalities,
        metavar="NAMES",
        help="modalities an audio challenge asks for (default voice)",
    )
    run.add_argument(
        "--no-close", action="store_true", help="keep finished requests open (rent stays locked)"
    )
    run.add_argument(
        "--report", type=Path, help="write the JSON report here (after every finished challenge)"
    )
    _limits_args(run)
    _transform_args(run)

    report = sub.add_parser("report", help="per-worker accuracy from a state directory")
    report.add_argument(
        "--state-dir", type=Path, default=Path(DEFAULT_STATE_DIR), help=f"state (default {DEFAULT_STATE_DIR})"
    )
    report.add_argument("--json", action="store_true", help="print JSON instead of the table")
    report.add_argument("--report", type=Path, help="also write the JSON report here")

    register = sub.add_parser(
        "register",
        parents=[network],
        help="governance: register a challenger key (the configuration authority signs)",
    )
    register.add_argument(
        "--authority", type=Path, required=True, help="keypair file of the config authority"
    )
    register.add_argument("--challenger", metavar="PUBKEY", help="the key to register (default: --keypair's)")
    return parser


def _modalities(value: str) -> tuple[Modality, ...]:
    names = [n for n in value.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one modality")
    return tuple(parse_modality(n) for n in names)


def _keypair(path: str | None) -> Keypair:
    return load_keypair(Path(path or os.environ.get("DFPN_KEYPAIR") or DEFAULT_KEYPAIR).expanduser())


def _network(name: str) -> str:
    if name == "local":
        raise UsageError(
            "the embedded network ('local') lives inside one process, where no worker could answer a challenge: "
            "use 'localnet' (make localnet WORKERS=3), 'devnet' or an RPC URL."
        )
    try:
        resolve_network(name)
    except DFPNError as e:
        raise UsageError(str(e)) from e
    return name


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=args.max_bytes, max_pixels=args.max_pixels)


def _transform(args: argparse.Namespace) -> TransformParams:
    return TransformParams(
        max_crop=args.max_crop,
        max_rotation=args.max_rotation,
        min_dhash_distance=args.min_dhash_distance,
        keep_metadata=not args.strip_metadata,
    )


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    corpus = load_corpus(args.corpus, limits=_limits(args))
    counts = corpus.counts()
    out.write(
        f"corpus {corpus.root}: {len(corpus.items)} items ({counts.get('Authentic', 0)} authentic, "
        f"{counts.get('Manipulated', 0)} manipulated; {counts.get('image', 0)} images, {counts.get('audio', 0)} "
        "audio)\n"
    )
    return EXIT_OK


def _cmd_sample(args: argparse.Namespace, out: TextIO) -> int:
    if args.count < 1:
        raise UsageError("--count must be at least 1")
    root = sample_corpus(args.dir, args.modalities, args.count)
    out.write(f"{args.count} generated images (Manipulated) and {root / MANIFEST} written\n")
    return EXIT_OK


def _cmd_transform(args: argparse.Namespace, out: TextIO) -> int:
    limits, params = _limits(args), _transform(args)
    corpus = load_corpus(args.corpus, limits=limits)
    args.out.mkdir(parents=True, exist_ok=True)
    for n, item in enumerate(corpus.items):
        for k in range(args.count):
            seed = args.seed + n * args.count + k
            result = transform_file(item.path, seed=seed, params=params, limits=limits)
            target = args.out / f"{item.label.value.lower()}-{item.path.stem}-{seed}.{result.extension}"
            target.write_bytes(result.data)
            distance = "" if result.dhash_distance is None else f", dHash distance {result.dhash_distance}"
            out.write(f"{target}: {'; '.join(result.operations)}{distance}\n")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    with ChallengeStore(args.state_dir.expanduser(), None) as store:
        report = build_report(store.challenger, store.all())
    if args.report:
        write_report(report, args.report)
    if args.json:
        out.write(report.model_dump_json(indent=2) + "\n")
    else:
        print_table(report, out)
    return EXIT_OK


async def _register(network: str, authority: Keypair, challenger: Pubkey) -> str:
    async with RpcTransport(network) as rpc:
        if await rpc.get_account(challenger_address(challenger, rpc.program_id)) is not None:
            return "already registered"
        record = await rpc.send_transaction(
            [
                ix.register_challenger(
                    authority=authority.pubkey(), challenger=challenger, program_id=rpc.program_id
                )
            ],
            [authority],
        )
        return f"registered: {record.signature}"


def _cmd_register(args: argparse.Namespace, out: TextIO) -> int:
    network = _network(args.network)
    authority = load_keypair(args.authority.expanduser())
    if args.challenger:
        try:
            key = Pubkey.from_string(args.challenger)
        except ValueError as e:
            raise UsageError(f"--challenger {args.challenger!r} is not a base58 public key") from e
    else:
        key = _keypair(args.keypair).pubkey()
    status = asyncio.run(_register(network, authority, key))
    out.write(f"challenger {key} on {network}: {status}\n")
    return EXIT_OK


def _config(args: argparse.Namespace) -> ChallengerConfig:
    return ChallengerConfig(
        rate=0.1 if args.rate is None else args.rate,
        interval=args.interval,
        max_in_flight=args.max_in_flight,
        fake_share=args.fake_share,
        min_workers=args.min_workers,
        max_workers=args.max_workers,
        deadline_seconds=args.deadline,
        max_fee=args.max_fee,
        storage=args.storage,
        transform=_transform(args),
        limits=_limits(args),
        close_requests=not args.no_close,
        seed=args.seed,
    )


async def _run(args: argparse.Namespace, config: ChallengerConfig, out: TextIO) -> int:
    modalities: dict[MediaKind, Sequence[Modality]] = {}
    if args.image_modalities:
        modalities["image"] = args.image_modalities
    if args.audio_modalities:
        modalities["audio"] = args.audio_modalities
    corpus = load_corpus(args.corpus, limits=config.limits, modalities=modalities)
    wallet = _keypair(args.keypair)
    report_path: Path | None = args.report

    def updated(record: ChallengeRecord) -> None:
        if report_path is not None:
            write_report(build_report(store.challenger, store.all()), report_path)

    with ChallengeStore(args.state_dir.expanduser(), str(wallet.pubkey())) as store:
        async with (
            AsyncDFPNClient(_network(args.network), wallet, storage=config.storage) as client,
            Challenger(client, corpus, store, config=config, on_update=updated) as challenger,
        ):
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):
                    loop.add_signal_handler(sig, challenger.stop)
            mode = (
                f"every {config.interval:g} s on average" if config.interval else f"rate q = {config.rate:g}"
            )
            out.write(
                f"challenger {wallet.pubkey()} on {args.network}: {len(corpus.items)} corpus items, {mode}, "
                f"state {store.path}\n"
            )
            out.flush()
            report = await challenger.run(count=args.count, duration=args.duration)
        if report_path is not None:
            write_report(report, report_path)
        print_table(report, out)
    return EXIT_OK


def _cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    _network(args.network)
    if args.count is not None and args.count < 1:
        raise UsageError("--count must be at least 1")
    try:
        config = _config(args)
    except ValidationError as e:
        raise UsageError(str(e)) from e
    return asyncio.run(_run(args, config, out))


def run(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command line; returns the exit code (the `dfpn-challenger` script exits with it)."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    commands = {
        "check": _cmd_check,
        "sample": _cmd_sample,
        "transform": _cmd_transform,
        "run": _cmd_run,
        "report": _cmd_report,
        "register": _cmd_register,
    }
    try:
        return commands[args.command](args, out)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except DFPNError as e:
        print(f"error: {e.code.value}: {e}", file=sys.stderr)
        return EXIT_ERROR
    except ChallengerError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR


def main() -> None:
    sys.exit(run())


__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "main", "run"]

if __name__ == "__main__":
    main()
