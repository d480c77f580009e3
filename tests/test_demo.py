"""The README's main job (`make demo` = `dfpn-localnet demo`) as a newcomer runs it: an embedded network, real
worker nodes with their real detectors, one request, progress, then the verdict and the audit trail."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from dfpn import Verdict
from dfpn_localnet.demo import run_demo
from PIL import Image


def test_the_main_job_prints_progress_verdict_workers_and_audit(tmp_path: Path) -> None:
    # When the demo runs with its defaults (a generated sample PNG whose metadata names an image generator)
    annotated = tmp_path / "annotated.png"
    done = subprocess.run(
        [sys.executable, "-m", "dfpn_localnet.cli", "demo", "--out", str(annotated)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # Then progress lines show the phases advancing, up to Finalized
    assert re.search(r"\] submitted \w+ \(AI_GENERATED_IMAGE, IMAGE_AUTHENTICITY; fee \d+ lamports\)", out)
    # And the three seats were drawn from the three workers (SeatDrawn), each worker once
    drawn = re.findall(r"\] seat (\d) drawn \(SeatDrawn\): worker (\d) \w+", out)
    assert sorted(seat for seat, _ in drawn) == ["0", "1", "2"]
    assert sorted(worker for _, worker in drawn) == ["1", "2", "3"]
    # And the three workers run different detector sets (all three keep the metadata detector)
    runs = re.findall(r"^worker \d: \w+ staked 1 SOL, runs (.+)$", out, re.MULTILINE)
    assert len(runs) == 3 and len(set(runs)) == 3 and all("ai-metadata-rules" in r for r in runs)
    assert "Finalized: 3/3 drawn, 3 accepted, 3 committed, 3 revealed" in out
    # And the verdict: the generator's metadata is found by every worker, whose reports are verified
    assert "verdict:    Manipulated" in out
    assert out.count("report verified") == 3
    assert re.search(r"^      ai_metadata:\S+ 0\.\d\d$", out, re.MULTILINE)  # each detection under its worker
    # And the annotated copy is written (metadata has no region: nothing drawn on it)
    assert f"annotated copy: {annotated} (0 regions drawn)" in out and annotated.is_file()
    # And the audit trail names both transactions and the counts
    assert re.search(r"audit: request tx \w{80,}", out)
    assert re.search(r"finalize tx \w{80,}", out)
    assert "3 workers, 3 commits, 3 reveals" in out
    # And then a known-answer challenge from the client wallet: submitted like any request, its label revealed
    # after the reveals, and each of the three seats judged by the label: paid, stake intact, reputation up by
    # a passed challenge's step (alpha toward 10 000, from where the first request left it)
    assert re.search(r"\] challenge \w+ submitted by \w+ \(registered challenger\)", out)
    assert "the program judged by the label" in out
    seats = re.findall(
        r"worker (\d) \w+ +said Manipulated +correct +paid ([\d,]+) lamports, stake ([\d,]+) -> ([\d,]+), "
        r"reputation (\d+) -> (\d+)",
        out,
    )
    assert sorted(worker for worker, *_ in seats) == ["1", "2", "3"]
    for _, paid, stake_before, stake_after, rep_before, rep_after in seats:
        assert int(paid.replace(",", "")) > 0 and stake_before == stake_after
        assert int(rep_after) == int(rep_before) + (10_000 - int(rep_before)) * 1_000 // 10_000


async def test_the_main_job_takes_the_users_media_and_worker_count(tmp_path: Path) -> None:
    # Given a user's own photo-like JPEG with no generator metadata
    media = tmp_path / "mine.jpg"
    Image.effect_mandelbrot((640, 480), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB").save(media, quality=90)
    out = io.StringIO()
    # When the demo runs on it with two workers
    result = await run_demo(media, 2, out)
    # Then two workers answer and the verdict is not "generated" for lack of any such sign
    assert result.audit.worker_count == 2 and result.audit.reveal_count == 2
    assert f"media: {media}" in out.getvalue()
    assert result.verdict in (Verdict.AUTHENTIC, Verdict.INCONCLUSIVE)
    assert all(r.report_verified for r in result.worker_results)


async def test_the_main_job_shows_where_a_splice_is(tmp_path: Path) -> None:
    # Given a photo-like JPEG (quality 92) with a 160x128 block pasted from a quality-55 copy of itself
    base = Image.effect_mandelbrot((640, 480), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    noise = np.random.default_rng(0).normal(0, 4, (480, 640, 3))
    base = Image.fromarray(np.clip(np.asarray(base) + noise, 0, 255).astype(np.uint8))
    low_quality = io.BytesIO()
    base.save(low_quality, "JPEG", quality=55)
    spliced = base.copy()
    spliced.paste(Image.open(low_quality).convert("RGB").crop((160, 96, 320, 224)), (160, 96))
    media, annotated = tmp_path / "spliced.jpg", tmp_path / "annotated.png"
    spliced.save(media, quality=92)
    out = io.StringIO()
    # When the demo runs on it with one worker (which runs every installed detector)
    result = await run_demo(media, 1, out, annotated=annotated)
    # Then the verdict is Manipulated and the JPEG ghost's region is printed where the block was pasted
    assert result.verdict == Verdict.MANIPULATED
    found = re.search(r"jpeg_ghost \d\.\d\d  region x=(\d+) y=(\d+) w=(\d+) h=(\d+)", out.getvalue())
    assert found is not None, out.getvalue()
    x, y, w, h = map(int, found.groups())
    assert abs(x - 160) <= 16 and abs(y - 96) <= 16 and abs(w - 160) <= 32 and abs(h - 128) <= 32
    # And the annotated copy has a red box there, over the unchanged image
    drawn = re.search(r"annotated copy: .+ \((\d+) regions? drawn\)", out.getvalue())
    assert drawn is not None and int(drawn.group(1)) >= 1
    with Image.open(annotated) as im:
        pixels = np.asarray(im.convert("RGB"))
    assert pixels.shape == (480, 640, 3) and tuple(pixels[y + h // 2, x]) == (230, 40, 40)
