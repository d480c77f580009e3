"""`analyze`: one call from media to verdict, with progress; explicit fee units; the synchronous
client inside a running event loop; the embedded network's clock following the wall clock. Against dfpn.so in
LiteSVM, with test workers acting while the client waits."""

from __future__ import annotations

import asyncio
import itertools
import time
from decimal import Decimal
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from dfpn import (
    AnalysisProgress,
    AsyncDFPNClient,
    DFPNClient,
    DFPNError,
    ErrorCode,
    FeeEstimate,
    LocalNetwork,
    Modality,
    Verdict,
)
from dfpn import local as local_module
from dfpn.mediatype import media_kind

from helpers import Answer, TestWorker, request_account, seated

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 20
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40


async def _work(network: LocalNetwork, workers: list[TestWorker], request_id: str, answer: Answer) -> None:
    """What the drawn workers do: accept, commit, reveal."""
    request = Pubkey.from_string(request_id)
    ws = seated(network, request, workers)
    for w in ws:
        w.join(request)
        w.commit(request, answer)
    for w in ws:
        w.reveal(request)


async def _analyze_with_workers(
    client: AsyncDFPNClient,
    network: LocalNetwork,
    workers: list[TestWorker],
    source: object,
    **kwargs: object,
) -> tuple[object, list[AnalysisProgress]]:
    seen: list[AnalysisProgress] = []
    submitted = asyncio.Event()

    def progress(p: AnalysisProgress) -> None:
        seen.append(p)
        if p.stage == "submitted":
            submitted.set()

    task = asyncio.create_task(client.analyze(source, progress=progress, min_workers=3, **kwargs))  # type: ignore[arg-type]
    waiter = asyncio.create_task(submitted.wait())
    await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        return task.result(), seen
    request_id = next(p.request_id for p in seen if p.stage == "submitted")
    assert request_id is not None
    await _work(network, workers, request_id, Answer(Verdict.MANIPULATED, 90))
    return await asyncio.wait_for(task, 30), seen


async def test_analyze_a_file_reports_each_stage_and_returns_the_verdict(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker], media: Path
) -> None:
    # Given a PNG file and three workers, When analyze is called with only the path
    result, seen = await _analyze_with_workers(client, network, workers, media)
    # Then the verdict comes back
    assert result.verdict is Verdict.MANIPULATED and len(result.worker_results) == 3  # type: ignore[attr-defined]
    # And progress went through the stages in order, ending finalized with every seat revealed
    stages = [p.stage for p in seen]
    assert stages[0] == "uploading" and stages[-1] == "finalized" and "submitted" in stages
    order = ["uploading", "submitted", "drawn", "committed", "revealed", "finalized"]
    assert [s for s in order if s in stages] == sorted(set(stages), key=order.index)
    assert seen[-1].reveals == 3 and seen[-1].min_workers == 3 and seen[-1].request_id == result.request_id  # type: ignore[attr-defined]
    assert all(b.elapsed_seconds >= a.elapsed_seconds for a, b in itertools.pairwise(seen))
    # And the modalities were chosen from the kind of media (an image)
    r = request_account(network, Pubkey.from_string(result.request_id))  # type: ignore[attr-defined]
    assert Modality.from_mask(r.modalities) == [Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE]


async def test_analyze_bytes_and_explicit_modalities_in_any_spelling(
    network: LocalNetwork, client: AsyncDFPNClient, workers: list[TestWorker]
) -> None:
    # Given audio bytes, and modalities named as TypeScript and the CLI spell them
    result, _ = await _analyze_with_workers(
        client, network, workers, WAV, modalities=["VoiceCloning", "face"]
    )
    # Then the request asks exactly for those, and its media is the bytes given
    r = request_account(network, Pubkey.from_string(result.request_id))  # type: ignore[attr-defined]
    assert Modality.from_mask(r.modalities) == [Modality.FACE_MANIPULATION, Modality.VOICE_CLONING]
    assert await client.fetch_media(result.request_id) == WAV  # type: ignore[attr-defined]


async def test_analyze_refuses_what_it_cannot_classify_before_sending(
    network: LocalNetwork, client: AsyncDFPNClient, tmp_path: Path
) -> None:
    balance = network.balance(client.wallet.pubkey())
    unknown = tmp_path / "notes.txt"
    unknown.write_bytes(b"plain text, not media")
    # When the media's kind cannot be told, a misspelt modality is given, or the file is missing
    for source, kwargs, code in [
        (unknown, {}, ErrorCode.INVALID_ARGUMENT),
        (PNG, {"modalities": ["faces"]}, ErrorCode.INVALID_ARGUMENT),
        (tmp_path / "missing.jpg", {}, ErrorCode.MEDIA_NOT_FOUND),
        (b"", {}, ErrorCode.INVALID_ARGUMENT),
    ]:
        with pytest.raises(DFPNError) as err:
            await client.analyze(source, **kwargs)  # type: ignore[arg-type]
        assert err.value.code is code, source
    # Then nothing was sent: the wallet paid nothing
    assert network.balance(client.wallet.pubkey()) == balance
    # (control: the same text file with a modality named goes through to the program)
    sub = await client.submit_request(
        unknown, modalities=[Modality.parse("image")], min_workers=1, draw=False
    )
    assert network.balance(client.wallet.pubkey()) < balance and sub.id


async def test_fee_units_are_explicit(network: LocalNetwork, client: AsyncDFPNClient, media: Path) -> None:
    # Given the estimate, in both units
    estimate = await client.estimate_fee([Modality.FACE_MANIPULATION], 3)
    assert isinstance(estimate, FeeEstimate) and estimate.sol == Decimal(estimate.lamports) / 10**9
    assert estimate.lamports == await client.estimate_fee_lamports([Modality.FACE_MANIPULATION], 3)
    # When it is passed as max_fee (SOL), or its lamports as max_fee_lamports, Then exactly it is escrowed
    a = await client.submit_request(
        media, modalities=[Modality.FACE_MANIPULATION], max_fee=estimate, draw=False
    )
    b = await client.submit_request(
        media, modalities=[Modality.FACE_MANIPULATION], max_fee_lamports=estimate.lamports + 1, draw=False
    )
    c = await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], max_fee=0.01, draw=False)
    assert (a.max_fee_lamports, b.max_fee_lamports, c.max_fee_lamports) == (
        estimate.lamports,
        estimate.lamports + 1,
        10_000_000,
    )
    # And both at once, or lamports that are not a whole number, are refused before anything is sent
    balance = network.balance(client.wallet.pubkey())
    for kwargs in [{"max_fee": 0.01, "max_fee_lamports": 10}, {"max_fee_lamports": 0.5}, {"max_fee": "abc"}]:
        with pytest.raises(DFPNError) as err:
            await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], **kwargs)  # type: ignore[arg-type]
        assert err.value.code is ErrorCode.INVALID_ARGUMENT, kwargs
    assert network.balance(client.wallet.pubkey()) == balance


def test_sync_client_works_inside_a_running_event_loop(network: LocalNetwork) -> None:
    # Given code already inside an event loop (a Jupyter cell)
    async def cell() -> int:
        with DFPNClient(network) as client:
            return client.get_config().params.min_deadline_secs

    # When it uses the synchronous client, Then it works
    assert asyncio.run(cell()) == 60


def test_sync_client_keeps_its_loop_between_calls(network: LocalNetwork) -> None:
    # Given a synchronous client, a background task on its loop keeps running between calls (the local workers do)
    with DFPNClient(network) as client:
        ticks: list[float] = []

        async def start() -> None:
            async def tick() -> None:
                while True:
                    ticks.append(time.monotonic())
                    await asyncio.sleep(0.01)

            asyncio.get_running_loop().create_task(tick())

        client._run(start())
        time.sleep(0.2)
        assert len(ticks) >= 5
    # (and closing the client stopped it)
    stopped = len(ticks)
    time.sleep(0.05)
    assert len(ticks) == stopped


def test_local_network_clock_follows_the_wall_clock() -> None:
    # Given a network whose clock was left behind the wall clock
    live = LocalNetwork(follow_wall_clock=True)
    still = LocalNetwork()
    for net in (live, still):
        net.set_time(int(time.time()) - 1_000)
    # When the time is read, Then the live one caught up (and never goes back), the still one did not move
    assert abs(asyncio.run(live.unix_timestamp()) - time.time()) < 5
    assert asyncio.run(still.unix_timestamp()) < time.time() - 900
    live.advance(3_600)
    assert asyncio.run(live.unix_timestamp()) > time.time() + 3_000


def test_local_workers_missing_is_explicit(monkeypatch: pytest.MonkeyPatch, media: Path) -> None:
    # Given no worker package offers reference workers
    monkeypatch.setattr(local_module, "local_workers_entry_point", lambda: None)
    from dfpn import client as client_module

    monkeypatch.setattr(client_module, "local_workers_entry_point", lambda: None)
    # When workers are asked for, Then the submission says what to install, before sending anything
    with DFPNClient("local", local_workers=2) as client:
        with pytest.raises(DFPNError) as err:
            client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=1)
        assert err.value.code is ErrorCode.LOCAL_WORKERS_MISSING and "dfpn[local]" in str(err.value)
    # (control: by default none are started and the submission goes through)
    with DFPNClient("local") as client:
        sub = client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=1)
        # And waiting for it says at once that nobody can answer, instead of waiting for the deadline
        started = time.monotonic()
        with pytest.raises(DFPNError) as err:
            client.wait_for_result(sub.id, timeout=60)
        assert err.value.code is ErrorCode.LOCAL_WORKERS_MISSING and time.monotonic() - started < 30


def test_local_workers_only_on_a_network_the_client_made(network: LocalNetwork) -> None:
    with pytest.raises(DFPNError) as err:
        DFPNClient(network, local_workers=2)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and "local" in str(err.value)


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"\xff\xd8\xff\xe0", "", "image"),
        (PNG, "", "image"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "", "image"),
        (b"\0\0\0\x18ftypheic", "", "image"),
        (b"\0\0\0\x18ftypisom", "", "video"),
        (b"\x1a\x45\xdf\xa3", "", "video"),
        (WAV, "", "audio"),
        (b"ID3\x04", "", "audio"),
        (b"\0\0\0\x18ftypM4A ", "", "audio"),
        (b"????", "https://example.org/clip.mp4?x=1", "video"),
        (b"????", "song.flac", "audio"),
        (b"????", "notes.txt", None),
    ],
)
def test_media_kind(head: bytes, name: str, kind: str | None) -> None:
    assert media_kind(head, name) == kind
