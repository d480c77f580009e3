"""`dfpn-localnet`: start a real local validator with DFPN deployed and configured, print its URL, keep running.

```sh
dfpn-localnet                      # = dfpn-localnet up: RPC http://127.0.0.1:8899, websocket :8900, Ctrl-C to stop
dfpn-localnet up --port 9000 --state-dir .localnet
dfpn-localnet up --workers 3                        # plus Kubo, 3 workers and a known-answer challenger
dfpn-localnet up --workers 3 --no-challenger        # the same without the challenger
dfpn-localnet init-config --url devnet --authority ~/.config/solana/id.json   # after deploying elsewhere
```
`up` writes the authority keypair to `<state-dir>/authority.json`, so the configuration can be changed later; it
is also the program's upgrade authority there (only the upgrade authority may initialise the configuration, so
`init-config` needs the key that deployed the program).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading
from pathlib import Path

from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.models import Modality
from dfpn.rpc import RpcTransport
from dfpn.wallet import load_keypair, write_keypair
from solders.keypair import Keypair

from dfpn_localnet.challenger import ChallengerProcess, launch_challenger
from dfpn_localnet.gateway import GatewayProcess, launch_gateway
from dfpn_localnet.kubo import Kubo
from dfpn_localnet.validator import Validator, find_validator, initialise
from dfpn_localnet.workers import WorkerProcess, launch_workers

logger = logging.getLogger(__name__)


def _keypair(path: Path) -> Keypair:
    return load_keypair(path) if path.exists() else write_keypair(path)


def _parse_model(value: str) -> tuple[str, list[Modality]]:
    model_id, _, names = value.partition(":")
    try:
        modalities = [Modality[n.strip().upper()] for n in names.split(",") if n.strip()] or list(Modality)
    except KeyError as e:
        raise argparse.ArgumentTypeError(f"unknown modality {e} in {value!r}") from None
    return model_id, modalities


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dfpn-localnet", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    model_help = (
        "register a model id with its modalities (developer: the authority; its address is "
        '["model", authority, id]), repeatable'
    )

    up = sub.add_parser("up", help="start a local validator with DFPN deployed and configured (default)")
    up.add_argument("--port", type=int, default=8899, help="RPC port (websocket: port + 1; default 8899)")
    up.add_argument("--state-dir", type=Path, default=Path(".localnet"), help="keypairs and ledger")
    up.add_argument("--program", type=Path, help="dfpn.so (default: target/deploy/dfpn.so)")
    up.add_argument("--validator", type=Path, help="solana-test-validator binary (default: found or built)")
    up.add_argument(
        "--workers", type=int, default=0, help="also run N `dfpn-worker run` processes (and Kubo)"
    )
    up.add_argument(
        "--detectors",
        default="",
        help="detectors (model ids) every worker runs, comma-separated (default: every installed detector, a "
        "different subset per worker: worker 1 all of them, each other one leaves out a different forensic one)",
    )
    up.add_argument(
        "--detector-sets",
        default="",
        metavar="A,B;C,D",
        help="each worker's detectors: sets separated by ';', worker i takes set i (cycling)",
    )
    up.add_argument(
        "--metrics-port-base",
        type=int,
        metavar="PORT",
        help="expose each worker's metrics (/metrics, /healthz) on 127.0.0.1: worker i on PORT + i (default: none)",
    )
    up.add_argument(
        "--model", action="append", type=_parse_model, default=[], metavar="ID[:MODALITY,..]", help=model_help
    )
    up.add_argument(
        "--gateway",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the REST gateway with its web page (verify, permalinks, dashboard) and an API key (default: on)",
    )
    up.add_argument(
        "--gateway-port", type=int, default=8080, help="the gateway's port when free (default 8080)"
    )
    up.add_argument(
        "--challenger",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run a known-answer challenger: the client wallet, registered by governance (default: on with "
        "--workers; needs them)",
    )
    up.add_argument(
        "--challenger-interval",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="mean seconds between challenges (default 60)",
    )
    up.add_argument(
        "--challenger-corpus",
        type=Path,
        metavar="DIR",
        help="labelled corpus (default: generated images whose metadata names a generator)",
    )

    demo = sub.add_parser(
        "demo",
        help="the main job on an embedded network: real workers and detectors, one request, the verdict",
    )
    demo.add_argument(
        "--media", type=Path, help="image, video or audio file (default: a generated sample PNG)"
    )
    demo.add_argument("--workers", type=int, default=3, help="worker nodes (default 3)")
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("dfpn-demo-annotated.png"),
        help="for an image: where to write a copy with the regions found drawn on it "
        "(default: dfpn-demo-annotated.png)",
    )

    init = sub.add_parser("init-config", help="initialise the configuration of an already deployed program")
    init.add_argument("--url", required=True, help='RPC URL or "devnet"/"localnet"')
    init.add_argument(
        "--authority",
        type=Path,
        required=True,
        help="keypair file of the program's upgrade authority (initialises and pays)",
    )
    init.add_argument(
        "--model", action="append", type=_parse_model, default=[], metavar="ID[:MODALITY,..]", help=model_help
    )
    return parser


def run(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(given)
    if args.command is None:  # `dfpn-localnet [-v]` means `dfpn-localnet [-v] up`
        args = _parser().parse_args([*given, "up"])
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        if args.command == "init-config":
            authority = load_keypair(args.authority)
            asyncio.run(_configure(args.url, authority, args.model))
            print(f"configuration initialised on {args.url} (authority {authority.pubkey()})")
            return 0
        if args.command == "demo":
            from dfpn_localnet.demo import run_demo  # the worker and detectors load only for the demo

            if args.media is not None and not args.media.is_file():
                print(f"error: {args.media} is not a file", file=sys.stderr)
                return 2
            if not 1 <= args.workers <= 10:
                print("error: --workers must be 1..10 (seats per request)", file=sys.stderr)
                return 2
            asyncio.run(run_demo(args.media, args.workers, annotated=args.out))
            return 0
        args.challenger = wants_challenger(args.challenger, args.workers)
        if args.challenger and not args.workers:
            print(
                "error: --challenger needs --workers N (workers to answer, and Kubo for the media)",
                file=sys.stderr,
            )
            return 2
        return _up(args)
    except DFPNError as e:
        print(f"error: {e.code.value}: {e.message}", file=sys.stderr)
        return 1


def wants_challenger(flag: bool | None, workers: int) -> bool:
    """`--challenger`/`--no-challenger` as given, else on exactly when workers run (they answer its challenges)."""
    return workers > 0 if flag is None else flag


def _up(args: argparse.Namespace) -> int:
    authority = _keypair(args.state_dir / "authority.json")
    binary = find_validator(args.validator, install=True)
    kwargs = {"program_path": args.program} if args.program else {}
    validator = Validator(
        binary=binary,
        rpc_port=args.port,
        ledger=args.state_dir / "ledger",
        upgrade_authority=authority,
        **kwargs,
    )
    validator.start()
    kubo: Kubo | None = None
    workers: list[WorkerProcess] = []
    challenger: ChallengerProcess | None = None
    gateway: GatewayProcess | None = None
    try:
        asyncio.run(_configure(validator.url, authority, args.model))
        client = _keypair(args.state_dir / "client.json")
        asyncio.run(_fund(validator.url, client, 100 * LAMPORTS_PER_SOL))
        print(f"DFPN local network: RPC {validator.url}  websocket {validator.ws_url}", flush=True)
        print(f"client wallet {args.state_dir / 'client.json'} ({client.pubkey()}, 100 SOL)", flush=True)
        print(f"program {validator.program_id}; authority {authority.pubkey()}", flush=True)
        if args.workers or args.gateway:
            kubo = Kubo().start()
        if args.workers:
            assert kubo is not None
            sets = worker_detector_sets(args.detectors, args.detector_sets, args.workers)
            names = list(dict.fromkeys(n for s in sets for n in s))
            workers = asyncio.run(
                launch_workers(
                    validator.url,
                    args.workers,
                    args.state_dir / "workers",
                    detectors=sets,
                    modalities=_modalities_of(names),
                    ipfs_api=kubo.api_url,
                    metrics_port_base=args.metrics_port_base,
                )
            )
            print(f"IPFS (Kubo) API {kubo.api_url}: set DFPN_IPFS_API={kubo.api_url} for clients", flush=True)
            for w in workers:
                metrics = f", metrics {w.metrics_url}" if w.metrics_url else ""
                print(
                    f"worker {w.pubkey}: dfpn-worker run --config {w.config} (log {w.log}{metrics})",
                    flush=True,
                )
            if args.challenger:
                challenger = _start_challenger(
                    args,
                    url=validator.url,
                    authority=authority,
                    ipfs_api=kubo.api_url,
                    modalities=_modalities_of(names),
                )
                print(
                    f"challenger {client.pubkey()} (the client wallet, registered by the authority): one challenge "
                    f"every {args.challenger_interval:g} s on average; report {challenger.report}, log "
                    f"{challenger.log}",
                    flush=True,
                )
        if args.gateway and kubo is not None:
            gateway = _start_gateway(args, validator.url, kubo.api_url)
        print("Ctrl-C to stop", flush=True)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(1.0):
            if validator.process is None or validator.process.poll() is not None:
                print(f"validator exited; log:\n{validator.log_tail()}", file=sys.stderr)
                return 1
        return 0
    finally:
        if gateway is not None:
            gateway.stop()
        if challenger is not None:
            challenger.stop()
        for w in workers:
            w.stop()
        if kubo is not None:
            kubo.stop()
        validator.stop()


def _start_challenger(
    args: argparse.Namespace, *, url: str, authority: Keypair, ipfs_api: str, modalities: list[Modality]
) -> ChallengerProcess:
    """`dfpn-challenger run` as the client wallet, asking for the image modalities the workers cover."""
    image = [m for m in modalities if m in (Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE)]
    if not image:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT, "--challenger: the workers' detectors cover no image modality"
        )
    return asyncio.run(
        launch_challenger(
            url,
            args.state_dir / "challenger",
            authority=authority,
            keypair=args.state_dir / "client.json",
            ipfs_api=ipfs_api,
            modalities=image,
            min_workers=min(args.workers, 3),
            interval=args.challenger_interval,
            corpus=args.challenger_corpus,
        )
    )


def _start_gateway(args: argparse.Namespace, url: str, ipfs_api: str) -> GatewayProcess | None:
    """`dfpn-gateway serve` on this validator with its own funded wallet and an API key; prints where."""
    wallet = args.state_dir / "gateway-wallet.json"
    asyncio.run(_fund(url, _keypair(wallet), 100 * LAMPORTS_PER_SOL))
    gateway = launch_gateway(url, args.state_dir, wallet=wallet, ipfs_api=ipfs_api, port=args.gateway_port)
    if gateway is None:
        print("gateway: dfpn-gateway is not installed (pip install -e gateway): no web page", flush=True)
        return None
    print(
        f"gateway {gateway.url} (web page: verify {gateway.url}/, dashboard {gateway.url}/network; "
        f"API key {gateway.key}; wallet {wallet}, 100 SOL; log {gateway.log})",
        flush=True,
    )
    return gateway


def worker_detector_sets(detectors: str, detector_sets: str, count: int) -> list[list[str]]:
    """What each of `count` workers runs: `--detector-sets` (cycled), else `--detectors` for all, else every
    installed detector in `diverse_detector_sets` (the same default as the embedded network's)."""
    if detector_sets.strip():
        sets = [[n.strip() for n in part.split(",") if n.strip()] for part in detector_sets.split(";")]
        sets = [s for s in sets if s]
        if not sets:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, "--detector-sets: no detector named")
        return [sets[i % len(sets)] for i in range(count)]
    names = [n.strip() for n in detectors.split(",") if n.strip()]
    if names:
        return [names] * count
    from dfpn_detectors import load_detectors
    from dfpn_worker.registration import diverse_detector_sets

    return [[d.model_id for d in s] for s in diverse_detector_sets(load_detectors(), count)]


def _modalities_of(detector_names: list[str]) -> list[Modality]:
    """The chain modalities the named installed detectors cover."""
    from dfpn_detectors import load_detectors
    from dfpn_worker.analysis import chain_modality

    covered = {chain_modality(m) for d in load_detectors(detector_names) for m in d.modalities}
    return sorted(covered)


async def _fund(url: str, keypair: Keypair, lamports: int) -> None:
    async with RpcTransport(url) as rpc:
        await rpc.airdrop(keypair.pubkey(), lamports)


async def _configure(url: str, authority: Keypair, models: list[tuple[str, list[Modality]]]) -> None:
    async with RpcTransport(url) as rpc:
        addresses = await initialise(rpc, authority, models=models)
    for model_id, address in addresses.items():
        print(f"model {model_id}: {address}", flush=True)


if __name__ == "__main__":
    sys.exit(run())
