"""The Pipecat playground (examples/bot.py) driven by headless Chromium with a fake camera file: a
"manipulated" clip raises an alert event, a clean clip raises none."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pipecat")
webdriver = pytest.importorskip("selenium.webdriver")

from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import free_port
from helpers import RED, SKIN, camera_noise, face_photo, swapped_face
from y4m import write_clip, write_frames

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip("chromium and chromium-driver (apt) are needed", allow_module_level=True)


@pytest.fixture(params=["test-marker", "real"])
def bot(
    request: pytest.FixtureRequest, marker_plugin: Path, tmp_path: Path
) -> Iterator[tuple[str, Path, Path, str]]:
    """examples/bot.py on a free port, writing events to a JSON lines file; with the test detector ("red is
    manipulated") or with the real default detectors."""
    port = free_port()
    events = tmp_path / "events.jsonl"
    log_path = tmp_path / "bot.log"
    env = {
        **os.environ,
        "DFPN_RT_NORMAL_FPS": "2",
        "DFPN_RT_BURST_FPS": "4",
        "DFPN_RT_EVENTS_FILE": str(events),
        "PYTHONPATH": os.pathsep.join([str(marker_plugin), str(Path(__file__).parent)]),
    }
    if request.param == "test-marker":
        env["DFPN_RT_DETECTORS"] = "test-marker"
    else:
        env.pop("DFPN_RT_DETECTORS", None)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(EXAMPLES / "bot.py"),
                "-t",
                "webrtc",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        give_up = time.monotonic() + 60
        while b"Uvicorn running" not in log_path.read_bytes():
            assert proc.poll() is None and time.monotonic() < give_up, log_path.read_text()[-3000:]
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/dfpn/", events, log_path, request.param
    finally:
        proc.send_signal(signal.SIGINT)  # uvicorn's graceful stop
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def run_playground(
    url: str, clip: Path, events: Path, log: Path, seconds: float
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Open the playground with `clip` as the camera, press Connect, wait until the bot monitors the camera, and
    collect events for up to `seconds` more (stopping early at an ALERT): (events the bot's callback wrote,
    events the page received)."""
    options = Options()
    options.binary_location = CHROMIUM or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
        "--window-size=1280,800",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or ""), options=options)
    try:
        driver.get(url)
        give_up = time.monotonic() + 30
        while True:
            buttons = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Connect"]
            if buttons:
                buttons[0].click()
                break
            assert time.monotonic() < give_up, "no Connect button on the playground"
            time.sleep(0.2)
        give_up = time.monotonic() + 45
        while b"monitoring video track camera" not in log.read_bytes():
            assert time.monotonic() < give_up, (
                "the camera never reached the processor: " + log.read_text()[-3000:]
            )
            time.sleep(0.2)
        got: list[dict[str, object]] = []
        give_up = time.monotonic() + seconds
        while time.monotonic() < give_up:
            if events.exists():
                got = [json.loads(line) for line in events.read_text().splitlines() if line]
            if any(e.get("level") == "alert" for e in got):
                break
            time.sleep(0.5)
        # The page receives what the bot sent a moment later: wait at least a second, and until it has as many
        # events as the bot logged (at most 15 s more, then the test's assertion says what is missing)
        settled, give_up = time.monotonic() + 1.0, time.monotonic() + 15
        while True:
            page: list[dict[str, object]] = driver.execute_script("return window.dfpnEvents || []")
            now = time.monotonic()
            if (now >= settled and len(page) >= len(got)) or now >= give_up:
                break
            time.sleep(0.2)
        driver.save_screenshot(str(events.with_suffix(".png")))
        return got, page
    finally:
        driver.quit()


def clip_for(kind: str, manipulated: bool, tmp_path: Path) -> Path:
    """The test detector's clips are flat colours (red = manipulated); the real detectors' are a face photo
    with camera noise, face-swapped or not."""
    name = tmp_path / ("manipulated.y4m" if manipulated else "clean.y4m")
    if kind == "test-marker":
        return write_clip(name, RED if manipulated else SKIN)
    photo = face_photo()
    if photo is None:
        pytest.skip("matplotlib (test extra) ships the face photo")
    frames = [camera_noise(photo, seed) for seed in range(6)]
    if manipulated:
        frames = [swapped_face(f) for f in frames]
    return write_frames(name, frames, repeat=5)


def test_manipulated_clip_raises_an_alert(bot: tuple[str, Path, Path, str], tmp_path: Path) -> None:
    url, events, log, kind = bot
    # Given the playground and a fake camera showing the "manipulated" clip
    clip = clip_for(kind, True, tmp_path)
    # When the browser connects, Then SUSPICIOUS and ALERT events arrive for the camera track
    got, page = run_playground(url, clip, events, log, seconds=45)
    levels = [e["level"] for e in got if e.get("type") == "deepfake_alert"]
    assert levels[:2] == ["suspicious", "alert"], log.read_text()[-4000:]
    assert {e["track_id"] for e in got} == {"camera"}
    # And they reached the page over the WebRTC data channel
    assert [e["level"] for e in page][:2] == ["suspicious", "alert"]


def test_clean_clip_raises_nothing(bot: tuple[str, Path, Path, str], tmp_path: Path) -> None:
    url, events, log, kind = bot
    # Given the playground and a fake camera showing a clean clip
    clip = clip_for(kind, False, tmp_path)
    # When the browser connects and streams for a while
    got, page = run_playground(url, clip, events, log, seconds=8)
    # Then the camera was monitored (8 s: 16 frames at 2 fps), and no event was sent
    assert got == [] and page == []
