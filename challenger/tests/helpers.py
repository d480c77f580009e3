"""Test media with a known truth, a corpus on disk, and test workers that answer challenges on the real program.

The corpus images carry their truth in their colours: "manipulated" ones are drawn in reds, "authentic" ones in
blues (shapes on a grey gradient, so they have edges a perceptual hash follows). A test worker's "detector" looks
at the decoded media (never at a hash or a label), so it answers a transformed challenge exactly as it would the
original: an honest worker compares the red and blue channels, a wrong one answers the opposite, and one may commit
and then never reveal.
"""

from __future__ import annotations

import asyncio
import io
import random
import struct
import wave
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageStat
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import ALL_MODALITIES, LAMPORTS_PER_SOL, LocalNetwork, Modality, Verdict, protocol
from dfpn import instructions as ix
from dfpn import storage as store
from dfpn.generated.constants import (
    REQUEST_STATUS_OPEN,
    SEAT_STATE_COMMITTED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_JOINED,
)
from dfpn.generated.types import Request
from dfpn.testing import Answer, ScriptedWorker, register_model
from dfpn_challenger import ChallengeRecord, Phase

Detector = Callable[[bytes], Verdict]

KEY = "Chal1enger1111111111111111111111111111111111"
SALT = bytes(range(32))


def record(n: int, **changes: object) -> ChallengeRecord:
    base = ChallengeRecord(
        request=f"Request{n:037d}",
        nonce=n,
        label=Verdict.MANIPULATED,
        salt=SALT,
        attestation=bytes([n]) * 32,
        item=f"corpus/manipulated/{n}.png",
        transform_seed=1000 + n,
        original_sha256="ab" * 32,
        media_path=f"/tmp/m/{n}.png",
        media_sha256="cd" * 32,
        modalities=(Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE),
        phase=Phase.PREPARED,
        created_at=float(n),
    )
    return base.replace(**changes)


def make_image(
    seed: int, *, manipulated: bool, fmt: str = "PNG", size: tuple[int, int] = (192, 144)
) -> bytes:
    """A test image: random shapes on a grey gradient, in reds when `manipulated`, else in blues."""
    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        box = (x0, y0, x0 + rng.randrange(10, width // 2), y0 + rng.randrange(10, height // 2))
        low, high = rng.randrange(40, 120), rng.randrange(170, 256)
        color = (high, low, low // 2) if manipulated else (low // 2, low, high)
        if rng.random() < 0.5:
            draw.ellipse(box, fill=color)
        else:
            draw.rectangle(box, fill=color)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def make_corpus(root: Path, *, authentic: int = 2, manipulated: int = 2) -> Path:
    """A corpus in folders: `authentic/` and `manipulated/` (PNG and JPEG alternately)."""
    for label, count in (("authentic", authentic), ("manipulated", manipulated)):
        if count:
            (root / label).mkdir(parents=True, exist_ok=True)
        for n in range(count):
            fmt, ext = ("PNG", "png") if n % 2 == 0 else ("JPEG", "jpg")
            data = make_image(
                n + (100 if label == "manipulated" else 0), manipulated=label == "manipulated", fmt=fmt
            )
            (root / label / f"{label[0]}{n}.{ext}").write_bytes(data)
    return root


def make_wav(*, seconds: float = 1.0, rate: int = 8_000, sample_width: int = 2, channels: int = 1) -> bytes:
    """A tone as PCM WAV."""
    frames = int(seconds * rate)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(sample_width)
        w.setframerate(rate)
        peak = 2 ** (8 * sample_width - 1) - 1
        samples = bytearray()
        for i in range(frames):
            value = int(peak * 0.5 * ((i * 440 * 2 // rate) % 2 * 2 - 1))
            raw = value.to_bytes(sample_width, "little", signed=True)
            if sample_width == 1:
                raw = bytes([(value + 128) & 0xFF])
            samples += raw * channels
        w.writeframes(bytes(samples))
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height` (RGB) and whose pixel data is a few bytes: the shape of a
    decompression bomb (or of a truncated file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


# ---- detectors of the test workers -------------------------------------------------------------------------------


def colour_truth(media: bytes) -> Verdict:
    """What the corpus colours say: reds are manipulated, blues authentic."""
    image = Image.open(io.BytesIO(media)).convert("RGB")
    red, _, blue = ImageStat.Stat(image).mean
    return Verdict.MANIPULATED if red > blue else Verdict.AUTHENTIC


def honest(media: bytes) -> Verdict:
    return colour_truth(media)


def contrary(media: bytes) -> Verdict:
    """Always the wrong answer."""
    return Verdict.AUTHENTIC if colour_truth(media) is Verdict.MANIPULATED else Verdict.MANIPULATED


# ---- the network -----------------------------------------------------------------------------------------------


def register_challenger(network: LocalNetwork, key: Pubkey) -> None:
    """Governance (the configuration authority) registers `key` as a challenger."""
    authority = network.authority
    network.process([ix.register_challenger(authority=authority.pubkey(), challenger=key)], [authority])


@dataclass
class Member:
    """A test worker and how it answers."""

    worker: ScriptedWorker
    detector: Detector
    #: Commit, then never reveal.
    withhold: bool = False
    answered: list[Pubkey] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.worker.pubkey)


class Crew:
    """Test workers on one embedded network: `step` makes each accept the seats it was drawn for, fetch the media,
    run its detector, commit, and reveal once the commit phase is over; `run` steps until cancelled."""

    def __init__(self, network: LocalNetwork, members: list[Member]) -> None:
        self.network = network
        self.members = {m.worker.pubkey: m for m in members}

    @classmethod
    async def register(
        cls, network: LocalNetwork, reports: Path, detectors: list[tuple[Detector, bool]]
    ) -> Crew:
        """A model and one funded worker per (detector, withhold), staking twice the minimum (a failed challenge
        takes 2 % of the stake; staking only the minimum would leave a slashed worker below it, and never drawn
        again)."""
        developer = network.funded_keypair(10 * LAMPORTS_PER_SOL)
        model = await register_model(network, developer, "colour-test")
        members = []
        for detector, withhold in detectors:
            keypair = network.funded_keypair(5 * LAMPORTS_PER_SOL)
            worker = await ScriptedWorker.register(
                network,
                keypair,
                reports,
                model,
                stake=2 * network.params.min_stake,
                modalities=ALL_MODALITIES,
            )
            members.append(Member(worker, detector, withhold))
        return cls(network, members)

    async def step(self) -> None:
        now = self.network.now()
        for account in await self.network.program_accounts(Request.DISCRIMINATOR, data_size=Request.SIZE):
            r = Request.from_account_data(account.data)
            if r.status != REQUEST_STATUS_OPEN:
                continue
            for seat in r.seats[: r.joined]:
                member = self.members.get(seat.authority)
                if member is None:
                    continue
                if seat.state == SEAT_STATE_DRAWN and protocol.commit_open(r, now):
                    await member.worker.join(account.address)
                elif seat.state == SEAT_STATE_JOINED and protocol.commit_open(r, now):
                    uri = bytes(r.storage_uri[: r.storage_uri_len]).decode()
                    media = await store.read_uri(uri, max_bytes=1 << 26)
                    await member.worker.commit(account.address, Answer(member.detector(media), 90))
                    member.answered.append(account.address)
                elif (
                    seat.state == SEAT_STATE_COMMITTED
                    and protocol.reveal_open(r, now)
                    and not member.withhold
                ):
                    await member.worker.reveal(account.address)

    async def run(self) -> None:
        while True:
            await self.step()
            await asyncio.sleep(0.01)


def new_keypair(network: LocalNetwork) -> Keypair:
    return network.funded_keypair(20 * LAMPORTS_PER_SOL)
