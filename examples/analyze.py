"""Analyse a media file on DFPN and print the verdict and every worker's answer.

    python examples/analyze.py [MEDIA] [--network local|localnet|devnet|URL] [--keypair PATH]

MEDIA defaults to examples/sample.jpg (a drawn face, no photo of anyone).

On "local" (the default) the whole network runs inside this process: the program (dfpn.so) in LiteSVM, a funded
throwaway wallet and three reference workers with the real detectors (`pip install 'dfpn[local]'`, or the
repository's `.venv` from `make setup-python`); the verdict comes back within seconds. On "localnet" (`make localnet
WORKERS=3`) the worker processes of the local validator answer, paid by --keypair (`.localnet/client.json` there).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dfpn import AnalysisProgress, DFPNClient, load_keypair


def show_progress(p: AnalysisProgress) -> None:
    print(f"  {p.stage:<10} seats {p.seats_drawn}/{p.min_workers}  commits {p.commits}  reveals {p.reveals}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", help="image, video or audio file (default: examples/sample.jpg)")
    parser.add_argument("--network", default="local", help='"local" (default), "localnet", "devnet" or an RPC URL')
    parser.add_argument("--keypair", help="Solana JSON keypair file that pays (default on local: a funded throwaway)")
    args = parser.parse_args()

    media = Path(args.media) if args.media else Path(__file__).with_name("sample.jpg")
    wallet = load_keypair(args.keypair) if args.keypair else None

    with DFPNClient(network=args.network, wallet=wallet) as client:
        print(f"analysing {media} on {args.network}")
        result = client.analyze(media, progress=show_progress)

    print(f"\nverdict: {result.verdict}  confidence: {result.confidence}%  consensus: {result.consensus_type}")
    print(f"fee: {result.fee_lamports} lamports   request: {result.request_id}")
    for w in result.worker_results:
        verified = "verified" if w.report_verified else "NOT verified"
        print(f"  worker {w.worker}  model {w.model_id}: {w.verdict} ({w.confidence}%), report {verified}")
        for d in w.detections:
            print(f"      {d.type}: {d.confidence:.2f}")
    print(f"audit: submitted in {result.audit.request_tx}, finalized in {result.audit.finalize_tx}")


if __name__ == "__main__":
    main()
