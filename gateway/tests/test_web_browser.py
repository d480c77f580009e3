"""The web page in a real browser: Debian's headless Chromium driven by Selenium against a gateway served over HTTP
on the embedded network, with workers in the same process (`web_live.LiveGateway`).

Covered: the verify flow (a file picked or dropped, or a URL with its hash; upload with progress, fee, phases live
with the reveals held until the page showed the commits, verdict with its band, each worker's answer and model,
regions drawn on the image, reports hashed again in the browser), video key frames and an audio waveform with
their findings, the permalink without a key (and without sending one), the dashboard, every bad input as a clear
message, keyboard use, the axe-core audit (no serious or critical violation), a 390x844 phone viewport, and no
request to any other origin.

These tests do not skip: without Chromium, chromedriver or axe-core they fail and say how to install them
(`scripts/install-browser-tests.sh`, which `make test-gateway` runs)."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import math
import os
import re
import shutil
import struct
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver import Chrome
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from solders.keypair import Keypair

from dfpn import Verdict
from web_live import LiveGateway, Scripted, finding, region

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "scripts" / "install-browser-tests.sh"
#: Uploads above this are refused (the oversize case); the other samples stay well below.
MAX_IMAGE_BYTES = 200_000
WAIT = 90.0


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run {INSTALL} (make test-gateway does)")
    return found


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script (installed by scripts/install-browser-tests.sh; run here when missing)."""
    path = os.environ.get("DFPN_AXE_JS")
    if not path:
        done = subprocess.run([str(INSTALL)], capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, f"{INSTALL} failed:\n{done.stderr[-3000:]}"
        path = done.stdout.strip().splitlines()[-1]
    return Path(path).read_text()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGateway]:
    gateway = LiveGateway(tmp_path_factory.mktemp("web"), {"max_image_bytes": MAX_IMAGE_BYTES}).start()
    try:
        yield gateway
    finally:
        gateway.stop()


# ---- media ------------------------------------------------------------------------------------------------------


def png_bytes(width: int = 320, height: int = 240, *, noise: bool = False, seed: int = 0) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    if noise:
        pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    else:
        x = np.linspace(0, 255, width, dtype=np.float32)
        y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
        pixels = (
            np.stack([x + 0 * y, y + 0 * x, (x + y) / 2 + seed % 50], axis=-1).clip(0, 255).astype(np.uint8)
        )
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def webm_bytes(frames: int = 16, fps: int = 8) -> bytes:
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for i in range(frames):
            img = np.zeros((120, 160, 3), dtype=np.uint8)
            img[:, :, 0] = (i * 15) % 256
            img[30:80, 40 + i * 3 : 90 + i * 3, :] = 220
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def wav_bytes(seconds: float = 2.0, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        samples = (
            int(12000 * math.sin(2 * math.pi * 220 * t / rate) * (0.3 + 0.7 * (t / (seconds * rate))))
            for t in range(int(seconds * rate))
        )
        w.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return out.getvalue()


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


# ---- the browser ------------------------------------------------------------------------------------------------


def new_driver(width: int = 1280, height: int = 900) -> Chrome:
    os.environ.setdefault("SE_AVOID_STATS", "true")  # Selenium Manager's usage statistics: no outside request
    options = Options()
    options.binary_location = _tool("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--no-first-run",
        "--mute-audio",
        "--autoplay-policy=no-user-gesture-required",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(_tool("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    return driver


@pytest.fixture
def browser(live: LiveGateway) -> Iterator[Chrome]:
    """A fresh Chromium profile (no stored key); at the end: no request left this gateway's origin."""
    driver = new_driver()
    try:
        yield driver
        assert_same_origin(driver, live.url)
    finally:
        driver.quit()


def requests_made(driver: Chrome) -> list[dict[str, Any]]:
    """Every request the page sent since the last call (Chromium's performance log)."""
    sent = []
    for entry in driver.get_log("performance"):  # type: ignore[no-untyped-call]
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            sent.append(message["params"]["request"])
    return sent


def assert_same_origin(driver: Chrome, origin: str, sent: list[dict[str, Any]] | None = None) -> None:
    for request in requests_made(driver) if sent is None else sent:
        url = request["url"]
        assert url.startswith((origin + "/", "data:", "blob:")), f"the page requested {url} (not {origin})"


def wait_for(driver: Chrome, check: Callable[[Chrome], Any], what: str, timeout: float = WAIT) -> Any:
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(check)
    except Exception as e:
        body = driver.find_element(By.TAG_NAME, "body").text[-3000:]
        console = [m["message"] for m in driver.get_log("browser")][-10:]  # type: ignore[no-untyped-call]
        raise AssertionError(f"{what}: not within {timeout} s\npage:\n{body}\nconsole: {console}") from e


def text_of(driver: Chrome, css: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


def wait_text(driver: Chrome, css: str, expected: str, timeout: float = WAIT) -> str:
    return str(
        wait_for(
            driver,
            lambda d: expected in text_of(d, css) and text_of(d, css),
            f"{css} ~ {expected!r}",
            timeout,
        )
    )


def alert_text(driver: Chrome, timeout: float = 30) -> str:
    element: WebElement = wait_for(
        driver,
        lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "[role=alert]") if e.text.strip()), None),
        "an error message",
        timeout,
    )
    text = element.text
    assert "Traceback" not in text and "undefined" not in text, text
    return text


def run_axe(driver: Chrome, axe: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page."""
    driver.execute_script(axe)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations), (e) => done(String(e)));"
    )
    assert isinstance(result, list), result
    return [v for v in result if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


def open_verify(driver: Chrome, live: LiveGateway, *, key: str | None) -> None:
    driver.get(live.url + "/")
    wait_for(driver, lambda d: d.find_elements(By.ID, "verify-button"), "the verify form")
    if key is not None:
        field = driver.find_element(By.ID, "api-key")
        field.clear()
        field.send_keys(key)


def choose(driver: Chrome, path: Path) -> None:
    driver.find_element(By.ID, "media-file").send_keys(str(path))


def drop(driver: Chrome, name: str, data: bytes) -> None:
    """Drop a file on the page's drop zone, as a drag from the desktop does (a DataTransfer with a File)."""
    driver.execute_script(
        "const [b64, name] = arguments;"
        "const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));"
        "const transfer = new DataTransfer(); transfer.items.add(new File([bytes], name));"
        "const zone = document.getElementById('drop-zone');"
        "for (const type of ['dragover', 'drop'])"
        "  zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));",
        base64.b64encode(data).decode(),
        name,
    )


@contextmanager
def media_server(path: str, data: bytes) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving `data` at `path` (where workers and the gateway can read it)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == path
            self.send_response(200 if found else 404)
            self.send_header("Content-Length", str(len(data) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


def submit_api(live: LiveGateway, name: str, data: bytes, modalities: str) -> str:
    """Submit through the HTTP API (as curl would) and wait for the finalization; returns the request id."""
    answer = httpx.post(
        f"{live.url}/v1/requests",
        headers={"Authorization": f"Bearer {live.key}"},
        files={"file": (name, data)},
        data={"modalities": modalities},
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    request_id: str = answer.json()["id"]
    give_up = time.monotonic() + WAIT
    while True:
        view = httpx.get(f"{live.url}/v1/public/requests/{request_id}", timeout=30).json()
        if view.get("status") == "Finalized":
            return request_id
        assert time.monotonic() < give_up, view
        time.sleep(0.3)


@pytest.fixture(scope="module")
def finalized_image(live: LiveGateway) -> str:
    return submit_api(live, "sample.png", png_bytes(seed=7), "ImageAuthenticity")


# ---- tests ------------------------------------------------------------------------------------------------------


def test_verify_image_live_phases_verdict_and_regions(
    live: LiveGateway, browser: Chrome, tmp_path: Path, axe_source: str
) -> None:
    image = write(tmp_path, "photo.png", png_bytes(seed=1))
    open_verify(browser, live, key=live.key)
    choose(browser, image)
    wait_text(browser, "#file-info", "image/png")
    fee = wait_text(browser, "#fee", "Fee:")
    assert "lamports" in fee and "SOL" in fee
    live.reveals.clear()  # the workers commit and wait: the page must show the commit phase over first
    try:
        browser.find_element(By.ID, "verify-button").click()
        wait_text(browser, "#upload-text", "100 %")
        wait_for(
            browser,
            lambda d: d.find_elements(By.CSS_SELECTOR, "li.phase.done[data-phase=commits]"),
            "commits done",
        )
        assert not browser.find_elements(By.CSS_SELECTOR, "li.phase.done[data-phase=reveals]")
        assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=verdict]")
        assert "3 sealed answers" in text_of(browser, "li[data-phase=commits]")
    finally:
        live.reveals.set()
    verdict = wait_text(browser, "[data-testid=verdict]", "Manipulated")
    assert verdict == "Manipulated"
    assert text_of(browser, "[data-testid=band]") == "50-79: moderate"
    assert text_of(browser, "[data-testid=confidence]") == "56 / 100"
    assert text_of(browser, "[data-testid=consensus]").startswith("Majority")
    # every phase carries the time the page saw it
    phases = browser.find_elements(By.CSS_SELECTOR, "li.phase")
    assert [p.get_attribute("data-phase") for p in phases] == [
        "submitted",
        "drawn",
        "accepted",
        "commits",
        "reveals",
        "finalized",
    ]
    assert all("seen +" in p.text for p in phases), [p.text for p in phases]
    answers = text_of(browser, "#answers table")
    assert answers.count("face-forensics-sbi") == 3 and "Authentic" in answers
    # both regions drawn over the image, the detections listed, per-detector findings shown
    wait_for(
        browser,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence svg.overlay g.region")) == 2,
        "regions",
    )
    detections = text_of(browser, "#evidence table")
    assert "face_swap" in detections and "x=40 y=30 w=64 h=48 px" in detections and "jpeg_ghost" in detections
    assert "blazeface-consistency" in text_of(browser, "#findings") and "noise-residual" in text_of(
        browser, "#findings"
    )
    # the hashes checked again in the browser, links to the transactions
    for seat in range(3):
        wait_text(browser, f"[data-testid=report-check-{seat}]", "✓")
    wait_text(browser, "[data-testid=media-check]", "✓ SHA-256")
    assert text_of(browser, "[data-testid=request-tx]") and text_of(browser, "[data-testid=finalize-tx]")
    link = browser.find_element(By.CSS_SELECTOR, "[data-testid=finalize-tx] a").get_attribute("href") or ""
    assert "/v1/public/transactions/" in link  # the embedded network has no explorer
    assert "/r/" in (
        browser.find_element(By.CSS_SELECTOR, "[data-testid=permalink]").get_attribute("href") or ""
    )
    # the page with its result passes the accessibility audit too
    violations = run_axe(browser, axe_source)
    assert not violations, describe(violations)


def test_permalink_needs_no_key_and_shows_how_to_verify(
    live: LiveGateway, browser: Chrome, finalized_image: str
) -> None:
    browser.get(f"{live.url}/r/{finalized_image}")
    wait_text(browser, "[data-testid=verdict]", "Manipulated")
    assert text_of(browser, "[data-testid=band]") == "50-79: moderate"
    wait_for(
        browser,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence svg.overlay g.region")) == 2,
        "regions",
    )
    for seat in range(3):
        wait_text(browser, f"[data-testid=report-check-{seat}]", "✓")
    cli = text_of(browser, "[data-testid=verify-cli]")
    assert f"dfpn --network local status {finalized_image} --json" in cli
    assert cli.count("sha256sum") == 3
    python = text_of(browser, "[data-testid=verify-python]")
    assert f"client.wait_for_result('{finalized_image}'" in python
    assert "embedded network" in text_of(browser, "#verify-yourself")
    sent = requests_made(browser)
    assert sent and not [
        r["url"] for r in sent if "authorization" in {k.lower() for k in r.get("headers", {})}
    ]
    assert_same_origin(browser, live.url, sent)


def test_video_key_frames_with_regions(live: LiveGateway, browser: Chrome, tmp_path: Path) -> None:
    clip = webm_bytes()
    timed = region("face_inconsistency", 40, 30, 50, 50, 0.91, time=1.0)
    untimed = region("frame_splice", 10, 10, 30, 20, 0.7)
    live.script(
        clip,
        [
            Scripted(Verdict.MANIPULATED, 88, (timed,), (finding("video-frames", "Manipulated", 88, timed),)),
            Scripted(
                Verdict.MANIPULATED, 75, (untimed,), (finding("video-frames", "Manipulated", 75, untimed),)
            ),
            Scripted(Verdict.MANIPULATED, 82),
        ],
    )
    open_verify(browser, live, key=live.key)
    choose(browser, write(tmp_path, "clip.webm", clip))
    wait_text(browser, "#file-info", "video/webm")
    browser.find_element(By.ID, "verify-button").click()
    wait_text(browser, "[data-testid=verdict]", "Manipulated")
    assert text_of(browser, "[data-testid=consensus]").startswith("Unanimous")
    frames = wait_for(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence .frame-grid figure") or None,
        "key frames",
    )
    captions = [f.find_element(By.TAG_NAME, "figcaption").text for f in frames]
    assert "1.00 s" in captions, captions  # the time the report gives has a frame of its own
    assert len(frames) >= 4
    # on that frame both regions (the untimed one is drawn on every frame), elsewhere only the untimed one
    regions = [len(f.find_elements(By.CSS_SELECTOR, "g.region")) for f in frames]
    assert regions == [2 if c == "1.00 s" else 1 for c in captions], (captions, regions)
    assert "at 1.00 s" in text_of(browser, "#evidence table")


def test_audio_waveform_with_flagged_spans(live: LiveGateway, browser: Chrome, tmp_path: Path) -> None:
    audio = wav_bytes()
    span = {"type": "synthetic_voice", "confidence": 0.88, "start": 0.5, "end": 1.2}
    live.script(
        audio,
        [
            Scripted(Verdict.MANIPULATED, 85, (span,), (finding("voice-spectral", "Manipulated", 85, span),)),
            Scripted(Verdict.MANIPULATED, 80, (), (finding("voice-spectral", "Manipulated", 80),)),
            Scripted(Verdict.INCONCLUSIVE, 0),
        ],
    )
    open_verify(browser, live, key=live.key)
    choose(browser, write(tmp_path, "voice.wav", audio))
    wait_text(browser, "#file-info", "audio/wav")
    assert browser.find_element(By.ID, "modality-VoiceCloning").is_selected()
    browser.find_element(By.ID, "verify-button").click()
    wait_text(browser, "[data-testid=verdict]", "Manipulated")
    wait_for(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence svg.waveform path"), "the waveform"
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "#evidence svg.waveform rect.span")) == 1
    assert "0.50-1.20 s" in text_of(browser, "#evidence table")
    assert "2.0 s audio" in (
        browser.find_element(By.CSS_SELECTOR, "#wave-title").get_attribute("textContent") or ""
    )


def test_verify_a_url_with_its_hash(live: LiveGateway, browser: Chrome) -> None:
    image = png_bytes(seed=11)
    with media_server("/stored/photo.png", image) as url:
        open_verify(browser, live, key=live.key)
        browser.find_element(By.ID, "source-url").click()
        browser.find_element(By.ID, "media-url").send_keys(url)
        browser.find_element(By.ID, "media-hash").send_keys(hashlib.sha256(image).hexdigest())
        assert browser.find_element(By.ID, "modality-ImageAuthenticity").is_selected()
        wait_text(browser, "#fee", "Fee:")
        browser.find_element(By.ID, "verify-button").click()
        wait_text(browser, "[data-testid=verdict]", "Manipulated")
        # the evidence is drawn on the gateway's copy of the media, read from the URL and checked by its hash
        wait_for(
            browser,
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence svg.overlay g.region")) == 2,
            "regions",
        )
        wait_text(browser, "[data-testid=media-check]", "✓ SHA-256")
        assert url in text_of(browser, "#hashes")


def test_expired_request_is_explained(live: LiveGateway, browser: Chrome, tmp_path: Path) -> None:
    image = png_bytes(seed=21)
    live.script(image, [])  # no worker answers this one
    open_verify(browser, live, key=live.key)
    choose(browser, write(tmp_path, "ignored.png", image))
    wait_text(browser, "#file-info", "image/png")
    browser.find_element(By.ID, "verify-button").click()
    wait_for(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.phase.done[data-phase=drawn]"), "seats drawn"
    )
    live.advance(
        600
    )  # past the commit deadline with no commit: the gateway expires it (the escrow goes back)
    wait_text(browser, "#live-title", "Not verified")
    assert "✗" in text_of(browser, "li[data-phase=finalized]")
    assert "Expired" in text_of(browser, "li[data-phase=finalized]")
    summary = text_of(browser, "#verdict")
    assert "Expired" in summary and "escrow went back" in summary
    assert not browser.find_elements(By.CSS_SELECTOR, "#evidence")


def test_dashboard(live: LiveGateway, browser: Chrome, finalized_image: str) -> None:
    browser.get(f"{live.url}/network")
    wait_text(browser, "[data-testid=workers-total]", "3")
    workers = text_of(browser, "#workers-title + .table-wrap")
    # (stakes are 1 SOL less the seat bonds an ignored request took: see test_expired_request_is_explained)
    assert len(re.findall(r"\b[01](\.\d+)? SOL\b", workers)) == 3, workers
    assert workers.count("no challenges yet") == 3 and "% (" in workers
    recent = browser.find_elements(By.CSS_SELECTOR, "#recent-title ~ .table-wrap a")
    assert any(finalized_image in (a.get_attribute("href") or "") for a in recent)
    fees = text_of(browser, "#fees-title ~ .table-wrap")
    assert (
        "treasury" in fees and "insurance" in fees and "model face-forensics-sbi" in fees and "worker" in fees
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 2
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart path")  # the latency line
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")  # the volume bars


def test_bad_inputs_each_show_a_clear_message(live: LiveGateway, browser: Chrome, tmp_path: Path) -> None:
    image = write(tmp_path, "ok.png", png_bytes(seed=3))
    # no key
    open_verify(browser, live, key=None)
    choose(browser, image)
    browser.find_element(By.ID, "verify-button").click()
    assert "An API key is needed" in alert_text(browser)
    # a wrong key: the gateway's 403, in words
    open_verify(browser, live, key="dfpn_notakey_000000000000000000")
    choose(browser, image)
    wait_text(browser, "#fee", "not valid for this gateway")
    browser.find_element(By.ID, "verify-button").click()
    assert "This API key is not valid for this gateway" in alert_text(browser)
    # an unsupported type
    open_verify(browser, live, key=live.key)
    choose(browser, write(tmp_path, "notes.png", b"just some text, whatever the name says\n" * 20))
    text = alert_text(browser)
    assert "cannot be checked" in text and "image/png" in text  # and what is accepted
    # the same by drag and drop: a dropped text file is refused, a dropped image taken
    open_verify(browser, live, key=live.key)
    drop(browser, "dropped.txt", b"plain text, not media")
    assert "cannot be checked" in alert_text(browser)
    drop(browser, "dropped.png", png_bytes(seed=4))
    wait_text(browser, "#file-info", "dropped.png: image/png")
    assert not [e for e in browser.find_elements(By.CSS_SELECTOR, "[role=alert]") if e.text.strip()]
    # too large for this gateway
    big = png_bytes(400, 300, noise=True)
    assert len(big) > MAX_IMAGE_BYTES
    open_verify(browser, live, key=live.key)
    choose(browser, write(tmp_path, "big.png", big))
    text = alert_text(browser)
    assert "is too large" in text and "200.0 kB" in text
    # the gateway's own refusal, in words: more workers than a request may have
    open_verify(browser, live, key=live.key)
    choose(browser, image)
    workers = browser.find_element(By.ID, "min-workers")
    workers.clear()
    workers.send_keys("11")
    browser.find_element(By.ID, "verify-button").click()
    text = alert_text(browser)
    assert "Something in the request is not right" in text and "min_workers" in text
    # a URL the workers could not read
    open_verify(browser, live, key=live.key)
    browser.find_element(By.ID, "source-url").click()
    browser.find_element(By.ID, "media-url").send_keys("ftp://example.org/x.png")
    browser.find_element(By.ID, "verify-button").click()
    assert "not a media URL" in alert_text(browser)
    # an unknown request, and something that is no address at all
    browser.get(f"{live.url}/r/{Keypair().pubkey()}")
    assert "No request" in alert_text(browser)
    browser.get(f"{live.url}/r/not-an-address")
    assert "This is not a request address" in alert_text(browser)
    # an unknown page path shows the verify page, not an error
    browser.get(f"{live.url}/r/")
    wait_for(browser, lambda d: d.find_elements(By.ID, "verify-button"), "the verify form")


def test_keyboard_only(live: LiveGateway, browser: Chrome) -> None:
    open_verify(browser, live, key=None)
    browser.find_element(By.TAG_NAME, "h1").click()
    order: list[str] = []
    for _ in range(25):
        ActionChains(browser).send_keys(Keys.TAB).perform()  # to the page, not to a file input's path
        focused = browser.switch_to.active_element
        order.append(focused.get_attribute("id") or focused.text or focused.tag_name)
    wanted = ["api-key", "remember-key", "source-file", "media-file", "min-workers", "verify-button"]
    positions = [order.index(w) for w in wanted]
    assert positions == sorted(positions), order
    # the skip link is the first stop and moves focus to the content
    browser.get(live.url + "/network")
    wait_for(browser, lambda d: d.find_elements(By.ID, "refresh"), "the dashboard")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.text == "Skip to the content"
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"
    # Enter on the Verify button submits: without a file, the page says so
    open_verify(browser, live, key=live.key)
    browser.find_element(By.ID, "verify-button").send_keys(Keys.ENTER)
    assert "Choose a file first" in alert_text(browser)


def test_axe_finds_no_serious_violations(
    live: LiveGateway, browser: Chrome, finalized_image: str, axe_source: str, tmp_path: Path
) -> None:
    pages: dict[str, list[dict[str, Any]]] = {}
    open_verify(browser, live, key=live.key)
    wait_text(browser, "#fee", "")
    pages["verify"] = run_axe(browser, axe_source)
    choose(browser, write(tmp_path, "x.png", b"not media" * 10))
    alert_text(browser)
    pages["verify with an error"] = run_axe(browser, axe_source)
    browser.get(f"{live.url}/r/{finalized_image}")
    wait_for(
        browser,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence svg.overlay g.region")) == 2,
        "regions",
    )
    wait_text(browser, "[data-testid=report-check-2]", "✓")
    pages["permalink"] = run_axe(browser, axe_source)
    browser.get(f"{live.url}/network")
    wait_text(browser, "[data-testid=workers-total]", "3")
    pages["network"] = run_axe(browser, axe_source)
    problems = {page: describe(v) for page, v in pages.items() if v}
    assert not problems, problems


def rendered(css: str) -> Callable[[Chrome], list[WebElement]]:
    def check(driver: Chrome) -> list[WebElement]:
        return driver.find_elements(By.CSS_SELECTOR, css)

    return check


def test_phone_viewport(live: LiveGateway, finalized_image: str, axe_source: str) -> None:
    driver = new_driver(390, 844)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
        )
        for path, ready in (
            ("/", "#verify-button"),
            (f"/r/{finalized_image}", "#evidence svg.overlay"),
            ("/network", "svg.chart"),
        ):
            driver.get(live.url + path)
            wait_for(driver, rendered(ready), f"{path} rendered")
            # (a mobile viewport widens to fit content that overflows, so window.innerWidth proves nothing)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, f"{path}: the page is {width} px wide on a 390 px screen"
            # nothing sticks out of the screen either (wide tables and code scroll inside their own boxes)
            sticking_out = driver.execute_script(
                "return [...document.querySelectorAll('body *')].filter((e) => !e.closest('.table-wrap, pre')"
                " && e.getBoundingClientRect().right > 391).map((e) => e.outerHTML.slice(0, 80))"
            )
            assert not sticking_out, f"{path}: {sticking_out[:5]}"
            violations = run_axe(driver, axe_source)
            assert not violations, f"{path}: {describe(violations)}"
        verdict = driver.find_elements(By.CSS_SELECTOR, "[data-testid=verdict]")
        assert not verdict  # the dashboard is the last page: nothing stale
        driver.get(f"{live.url}/r/{finalized_image}")
        element = wait_for(
            driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=verdict]"), "verdict"
        )[0]
        rect = element.rect
        assert element.is_displayed() and rect["x"] >= 0 and rect["x"] + rect["width"] <= 390
        assert_same_origin(driver, live.url)
    except WebDriverException:
        raise
    finally:
        driver.quit()
