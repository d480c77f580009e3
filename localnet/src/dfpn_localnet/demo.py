"""The main job on an embedded network: the program in LiteSVM, real workers with real detectors, one request.

`dfpn-localnet demo [--media FILE] [--workers N]`:
1. an embedded LiteSVM with dfpn.so deployed and the configuration initialised (`dfpn.LocalNetwork`);
2. the installed detectors' model ids registered, N reference worker nodes (`dfpn_worker.WorkerNode`) registered
   and staked, each running a different set of the installed detectors (`diverse_detector_sets`: worker 1 all of
   them, each other one leaves out a different forensic detector), as independent operators would;
3. a client submits the media (default: a generated sample PNG carrying an image generator's metadata) and draws
   its seats from the registered workers (the `SeatDrawn` events are printed); the drawn workers accept their
   seats, download the media, check its SHA-256, analyse, commit, reveal, and the client finalizes;
4. progress as it happens, then the verdict, confidence, per-worker results with the regions their detectors
   found, and the audit trail; for an image, a copy with those regions drawn on it (`--out`);
5. a known-answer challenge, as governance's challengers send them: the client wallet is registered as a challenger
   and submits a transformed image from `dfpn-challenger`'s generated corpus (labelled Manipulated) exactly like an
   ordinary request; after the reveals it reveals the label, finalizes, and the demo prints each seat's outcome:
   paid when it matched the label, slashed `challenge_slash_bps` of its stake otherwise, and its reputation moving.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from dfpn import AnalysisResult, AsyncDFPNClient, LocalNetwork, Modality, SeatState
from dfpn import instructions as ix
from dfpn.events import parse_logs
from dfpn.generated.events import SeatDrawn
from dfpn.generated.types import Worker
from dfpn.pda import worker_address
from dfpn_challenger import Challenger, ChallengerConfig, ChallengeStore, load_corpus
from dfpn_challenger.sample import sample_corpus
from dfpn_detectors import Detection as DetectorDetection
from dfpn_detectors import Media
from dfpn_detectors import Region as DetectorRegion
from dfpn_detectors.annotate import annotate
from dfpn_worker.embedded import start_embedded_workers
from solders.pubkey import Pubkey

from dfpn_localnet.gateway import running_gateway, verify_through_gateway

logger = logging.getLogger(__name__)

#: The protocol's names of the modalities (the gateway's API takes these).
NAME_OF_MODALITY = {
    Modality.IMAGE_AUTHENTICITY: "ImageAuthenticity",
    Modality.FACE_MANIPULATION: "FaceManipulation",
    Modality.AI_GENERATED_IMAGE: "AiGeneratedImage",
    Modality.VIDEO_AUTHENTICITY: "VideoAuthenticity",
    Modality.VOICE_CLONING: "VoiceCloning",
}

MODALITIES_BY_KIND: dict[str, list[Modality]] = {
    "image": [Modality.AI_GENERATED_IMAGE, Modality.IMAGE_AUTHENTICITY],
    "video": [Modality.VIDEO_AUTHENTICITY],
    "audio": [Modality.VOICE_CLONING],
}


def sample_image(path: Path) -> Path:
    """A 512x512 PNG with a Stable Diffusion-style `parameters` text chunk, as image generators write it."""
    from PIL import Image, PngImagePlugin

    image = Image.linear_gradient("L").resize((512, 512)).convert("RGB")
    info = PngImagePlugin.PngInfo()
    info.add_text(
        "parameters",
        "a portrait photo of a person, studio light\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, "
        "Size: 512x512, Model: v1-5-pruned-emaonly",
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    path.write_bytes(buffer.getvalue())
    return path


class Progress:
    """Prints what happens to the request, with the time since submission."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.start = time.perf_counter()

    def say(self, text: str) -> None:
        self.out.write(f"[{time.perf_counter() - self.start:6.2f}s] {text}\n")
        self.out.flush()

    async def follow(self, client: AsyncDFPNClient, request_id: str, workers: int) -> None:
        last: tuple[int, int, int, int, str] | None = None
        while True:
            info = await client.get_request(request_id)
            accepted = sum(s.state is not SeatState.DRAWN for s in info.seats)
            now = (info.joined, accepted, info.commits, info.reveals, info.status.value)
            if now != last:
                self.say(
                    f"{info.status.value}: {info.joined}/{info.max_workers} drawn, {accepted} accepted, "
                    f"{info.commits} committed, {info.reveals} revealed"
                )
                last = now
            if info.status.value != "Open":
                return
            await asyncio.sleep(0.05)


async def run_demo(
    media: Path | None, workers: int, out: TextIO = sys.stdout, annotated: Path | None = None
) -> AnalysisResult:
    with tempfile.TemporaryDirectory(prefix="dfd") as tmp:  # short: file:// report URIs are ≤ 128 bytes
        work = Path(tmp)
        if media is None:
            media = sample_image(work / "sample.png")
            out.write(
                f"media: generated sample {media.name} (a PNG whose metadata names an image generator)\n"
            )
        else:
            out.write(f"media: {media}\n")
        kind = Media.from_path(media).kind
        modalities = MODALITIES_BY_KIND.get(kind)
        if modalities is None:
            raise SystemExit(f"{media}: not an image, video or audio file (detected: {kind})")

        network = LocalNetwork()
        out.write(f"network: embedded LiteSVM, program {network.program_id} from {network.program_path}\n")
        embedded = await start_embedded_workers(network, workers, work_dir=work)
        names = {authority: str(i + 1) for i, authority in enumerate(embedded.authorities)}
        out.write(
            f"models registered: {', '.join(d.model_id for d in embedded.detectors)} "
            f"(developer {embedded.developer})\n"
        )
        for node, (authority, number) in zip(embedded.nodes, names.items(), strict=True):
            runs = ", ".join(d.model_id for d in node.detectors)
            out.write(f"worker {number}: {authority} staked 1 SOL, runs {runs}\n")
        try:
            async with AsyncDFPNClient(network, storage="file", poll_interval=0.05) as client:
                fee = await client.estimate_fee_lamports(modalities, workers)
                sub = await client.submit_request(
                    media, modalities=modalities, min_workers=workers, deadline_seconds=300
                )
                progress = Progress(out)
                progress.say(
                    f"submitted {sub.id} ({', '.join(m.name for m in modalities)}; fee {fee} lamports) "
                    f"in {sub.signature[:16]}…"
                )
                for seat, worker in enumerate(await _seats_drawn(network, sub.id)):
                    number = names.get(worker, "?")
                    progress.say(f"seat {seat} drawn (SeatDrawn): worker {number} {worker}")
                follower = asyncio.create_task(progress.follow(client, sub.id, workers))
                result = await client.wait_for_result(sub.id, timeout=600)
                await follower
                progress.say("result assembled")
                _print_result(result, out, names)
                if annotated is not None and kind == "image":
                    boxes = _annotate(Media.from_path(media), result, names, annotated)
                    out.write(
                        f"annotated copy: {annotated} ({boxes} region{'s' if boxes != 1 else ''} drawn)\n"
                    )
                await _challenge(
                    network, client, work=work / "challenger", workers=workers, names=names, out=out
                )
        finally:
            await embedded.aclose()
        await asyncio.to_thread(_through_gateway, media, modalities, out)
        return result


def _through_gateway(media: Path, modalities: list[Modality], out: TextIO) -> None:
    """With a gateway running (`dfpn-localnet up` starts one), the same media verified through it: its permalink
    page, then its verdict. The embedded network above lives in this process only; the gateway's does not."""
    found = running_gateway()
    if found is None:
        out.write(
            "\npermalink: no gateway is running (`make localnet WORKERS=3` starts one with its web page); the "
            "embedded network above ends with this process\n"
        )
        return
    url, key = found
    out.write(f"\nThe same media through the running gateway {url} (its own network, its workers)\n")
    names = [NAME_OF_MODALITY[m] for m in modalities]
    verify_through_gateway(url, key, media, names, out)


async def _challenge(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    *,
    work: Path,
    workers: int,
    names: dict[Pubkey, str],
    out: TextIO,
) -> None:
    """Step 5: one known-answer challenge from the client wallet, then each seat's outcome."""
    out.write('\nA known-answer challenge (docs/protocol.md, "Known-answer challenges")\n')
    wallet = client.wallet.pubkey()
    await network.send_transaction(
        [
            ix.register_challenger(
                authority=network.authority.pubkey(), challenger=wallet, program_id=network.program_id
            )
        ],
        [network.authority],
    )
    corpus = load_corpus(sample_corpus(work / "corpus", MODALITIES_BY_KIND["image"], count=1))
    config = ChallengerConfig(min_workers=workers, max_workers=workers, storage="file", seed=0)
    before = {worker: _worker(network, worker) for worker in names}
    progress = Progress(out)
    with ChallengeStore(work / "state", str(wallet)) as store:
        async with Challenger(client, corpus, store, config=config) as challenger:
            record = await challenger.submit(await challenger.prepare())
            progress.say(
                f"challenge {record.request} submitted by {wallet} (registered challenger): a transformed "
                f"{Path(record.item).name}; its label ({record.label.value}) is only a hash until revealed"
            )
            record = await challenger.follow(record)
    progress.say(
        f"label revealed and finalized in {str(record.finalize_tx)[:16]}…: the consensus was "
        f"{record.verdict.value if record.verdict else 'none'}, the program judged by the label"
    )
    for seat in record.seats:
        worker = Pubkey.from_string(seat.worker)
        was, now = before[worker], _worker(network, worker)
        said = seat.verdict.value if seat.verdict else "-"
        money = f"paid {seat.paid_lamports:,}" if seat.paid_lamports else f"slashed {seat.slashed_lamports:,}"
        out.write(
            f"  worker {names[worker]} {worker!s:44} said {said:12} {seat.outcome.value:9} {money} lamports, "
            f"stake {was.stake:,} -> {now.stake:,}, reputation {was.reputation} -> {now.reputation}\n"
        )


def _worker(network: LocalNetwork, authority: Pubkey) -> Worker:
    account = network.account(worker_address(authority, network.program_id))
    if account is None:
        raise RuntimeError(f"worker {authority} is not registered")
    return Worker.from_account_data(account.data)


async def _seats_drawn(network: LocalNetwork, request_id: str) -> list[Pubkey]:
    """The workers drawn into the request's seats, in seat order, from the `SeatDrawn` events of its
    transactions (oldest first)."""
    request = Pubkey.from_string(request_id)
    seats: dict[int, Pubkey] = {}
    for signature in reversed(await network.signatures_for_address(request)):
        record = await network.get_transaction(signature)
        for event in parse_logs(record.logs if record else (), network.program_id):
            if isinstance(event, SeatDrawn) and event.request == request:
                seats[event.seat] = event.worker
    return [seats[i] for i in sorted(seats)]


def _print_result(result: AnalysisResult, out: TextIO, names: dict[Pubkey, str]) -> None:
    out.write("\n")
    out.write(f"verdict:    {result.verdict.value}\n")
    out.write(f"confidence: {result.confidence}\n")
    out.write(f"consensus:  {result.consensus_type.value}\n")
    for r in result.worker_results:
        worker = Pubkey.from_string(r.worker)
        check = "report verified" if r.report_verified else "report NOT verified"
        out.write(
            f"  worker {names.get(worker, '?')} {worker!s:44} {r.model_id or r.model:22} {r.verdict.value:12} "
            f"{r.confidence:3}  {len(r.detections)} detections ({check})\n"
        )
        for d in r.detections:
            box = d.region
            where = f"  region x={box.x:g} y={box.y:g} w={box.w:g} h={box.h:g}" if box else ""
            out.write(f"      {d.type} {d.confidence:.2f}{where}\n")
    a = result.audit
    out.write(f"audit: request tx {a.request_tx}\n       finalize tx {a.finalize_tx}\n")
    out.write(f"       {a.worker_count} workers, {a.commit_count} commits, {a.reveal_count} reveals\n")


def _annotate(media: Media, result: AnalysisResult, names: dict[Pubkey, str], path: Path) -> int:
    """Draw every revealed worker's regions on a copy of the image; returns the number of boxes."""
    found = [
        (
            f"worker {names.get(Pubkey.from_string(r.worker), '?')}",
            DetectorDetection(
                type=d.type, confidence=d.confidence, region=DetectorRegion(**d.region.model_dump())
            ),
        )
        for r in result.worker_results
        for d in r.detections
        if d.region is not None
    ]
    return annotate(media, found, path)


__all__ = ["run_demo", "sample_image"]
