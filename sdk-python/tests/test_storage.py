"""Storage backends against real servers on 127.0.0.1: a Kubo (IPFS) daemon, moto's S3 server, http.server.

Kubo is built by scripts/install-kubo.sh (`make test-python` runs it first); without it the IPFS tests fail and
say so. Nothing here is skipped.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import itertools
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from dfpn import DFPNClient, DFPNError, ErrorCode, Modality
from dfpn.storage import IPFSStorage, S3Storage, read_uri, upload

REPO = Path(__file__).resolve().parents[2]
INSTALL_KUBO = REPO / "scripts" / "install-kubo.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kubo_binary() -> Path:
    """The ipfs binary install-kubo.sh built (its pinned version), $DFPN_IPFS_BIN, or fail saying what to run."""
    if env := os.environ.get("DFPN_IPFS_BIN"):
        return Path(env)
    script = INSTALL_KUBO.read_text()
    version = script.split("KUBO_VERSION=${KUBO_VERSION:-", 1)[1].split("}", 1)[0]
    cache = Path(os.environ.get("DFPN_TOOLCHAIN_CACHE") or Path.home() / ".cache" / "dfpn-toolchain")
    binary = cache / f"kubo-{version}" / "ipfs"
    if not binary.is_file():
        pytest.fail(f"Kubo {version} is not installed ({binary} is missing): run scripts/install-kubo.sh")
    return binary


class Kubo:
    def __init__(self, api_url: str, gateway_url: str) -> None:
        self.api_url = api_url
        self.gateway_url = gateway_url


@pytest.fixture(scope="module")
def kubo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kubo]:
    """A real Kubo daemon: temporary IPFS_PATH, test profile, API/gateway/swarm on 127.0.0.1, offline."""
    binary = _kubo_binary()
    repo = tmp_path_factory.mktemp("ipfs")
    env = {**os.environ, "IPFS_PATH": str(repo)}

    def ipfs(*args: str) -> None:
        subprocess.run([str(binary), *args], env=env, check=True, capture_output=True, timeout=60)

    ipfs("init", "--profile", "test")
    api_port, gateway_port, swarm_port = _free_port(), _free_port(), _free_port()
    ipfs("config", "Addresses.API", f"/ip4/127.0.0.1/tcp/{api_port}")
    ipfs("config", "Addresses.Gateway", f"/ip4/127.0.0.1/tcp/{gateway_port}")
    ipfs("config", "--json", "Addresses.Swarm", json.dumps([f"/ip4/127.0.0.1/tcp/{swarm_port}"]))
    ipfs("config", "--json", "Bootstrap", "[]")
    log = (repo / "daemon.log").open("wb")
    daemon = subprocess.Popen(
        [str(binary), "daemon", "--offline"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    api_url = f"http://127.0.0.1:{api_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if daemon.poll() is not None:
                pytest.fail(f"ipfs daemon exited ({daemon.returncode}): {(repo / 'daemon.log').read_text()}")
            try:
                if httpx.post(f"{api_url}/api/v0/id", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"ipfs daemon did not answer in 60s: {(repo / 'daemon.log').read_text()}")
            time.sleep(0.2)
        yield Kubo(api_url, f"http://127.0.0.1:{gateway_port}")
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        log.close()


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "clip.bin"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 123))
    return path


# ---- IPFS --------------------------------------------------------------------------------------------------


async def test_ipfs_upload_read_and_progress(kubo: Kubo, big_file: Path) -> None:
    # Given a Kubo daemon and a 3 MiB file
    store = IPFSStorage(kubo.api_url, chunk_size=256 * 1024)
    calls: list[tuple[int, int]] = []
    # When it is uploaded with a progress callback
    uri = await store.upload(big_file, progress=lambda sent, total: calls.append((sent, total)))
    # Then the URI is ipfs://<CIDv1> (base32 "b..."), pinned by the daemon
    assert uri.startswith("ipfs://b")
    cid = uri.removeprefix("ipfs://")
    pins = httpx.post(f"{kubo.api_url}/api/v0/pin/ls", params={"arg": cid}, timeout=10)
    assert pins.status_code == 200 and cid in pins.text
    # And progress rose monotonically, chunk by chunk, to the total
    total = big_file.stat().st_size
    assert calls[-1] == (total, total) and len(calls) > 10
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))
    # And reading it back (RPC cat, and the gateway) returns the same bytes
    data = big_file.read_bytes()
    assert await read_uri(uri, max_bytes=total, ipfs=store) == data
    assert await IPFSStorage(kubo.api_url, gateway_url=kubo.gateway_url).read(uri, max_bytes=total) == data


async def test_ipfs_read_limit_and_cid_of_known_bytes(kubo: Kubo, tmp_path: Path) -> None:
    # Given small known bytes uploaded with raw leaves and CIDv1
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello dfpn\n")
    uri = await upload(path, IPFSStorage(kubo.api_url))
    # Then the CID is the raw-codec CIDv1 of the bytes (0x01 0x55 0x12 0x20 + sha256, base32, "b" prefix)
    import base64

    digest = hashlib.sha256(b"hello dfpn\n").digest()
    expected = "b" + base64.b32encode(b"\x01\x55\x12\x20" + digest).decode().lower().rstrip("=")
    assert uri == f"ipfs://{expected}"
    # When read with a limit below its size, Then CONTENT_TOO_LARGE names the limit
    with pytest.raises(DFPNError) as big:
        await read_uri(uri, max_bytes=4, ipfs=IPFSStorage(kubo.api_url))
    assert big.value.code is ErrorCode.CONTENT_TOO_LARGE and "4-byte limit" in str(big.value)


async def test_ipfs_daemon_down(tmp_path: Path) -> None:
    # Given no daemon on the API port
    path = tmp_path / "x.bin"
    path.write_bytes(b"x")
    store = IPFSStorage(f"http://127.0.0.1:{_free_port()}")
    # When uploading or reading, Then STORAGE_UNAVAILABLE says how to start one
    for attempt in (store.upload(path), store.read("ipfs://bafkreiabc")):
        with pytest.raises(DFPNError) as down:
            await attempt
        assert down.value.code is ErrorCode.STORAGE_UNAVAILABLE
        assert "ipfs daemon" in str(down.value) and "install-kubo.sh" in str(down.value)


def test_submit_request_stores_media_in_ipfs(
    kubo: Kubo, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the local network and storage="ipfs" with the daemon's API in DFPN_IPFS_API
    monkeypatch.setenv("DFPN_IPFS_API", kubo.api_url)
    progress: list[tuple[int, int]] = []
    with DFPNClient(network="local", storage="ipfs") as client:
        # When media is submitted
        request = client.submit_request(
            media_path=media,
            modalities=[Modality.FACE_MANIPULATION],
            min_workers=1,
            upload_progress=lambda sent, total: progress.append((sent, total)),
        )
        # Then the on-chain storage URI is ipfs://<cid> and its content hashes to the on-chain content hash
        info = client.get_request(request.id)
        assert info.storage_uri.startswith("ipfs://") and info.storage_uri == request.storage_uri
        cid = info.storage_uri.removeprefix("ipfs://")
        cat = httpx.post(f"{kubo.api_url}/api/v0/cat", params={"arg": cid}, timeout=10)
        assert hashlib.sha256(cat.content).hexdigest() == info.content_hash
        assert cat.content == media.read_bytes()
        # And fetch_media reads it back through IPFS, checked against that hash
        assert client.fetch_media(request.id) == media.read_bytes()
    assert progress[-1] == (media.stat().st_size, media.stat().st_size)


# ---- S3 ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server on 127.0.0.1, with bucket "dfpn-media"."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket="dfpn-media")
        yield url
    finally:
        server.stop()


def _s3(endpoint: str) -> S3Storage:
    return S3Storage("dfpn-media", endpoint_url=endpoint, access_key_id="test", secret_access_key="test")


async def test_s3_upload_read_and_progress(s3_endpoint: str, big_file: Path) -> None:
    # Given an S3-compatible server and a bucket
    store = _s3(s3_endpoint)
    calls: list[tuple[int, int]] = []
    # When a 3 MiB file is uploaded with a progress callback
    uri = await store.upload(big_file, progress=lambda sent, total: calls.append((sent, total)))
    # Then the URI is s3://bucket/dfpn/<sha256>.bin, progress reaches the total, and it reads back the same
    digest = hashlib.sha256(big_file.read_bytes()).hexdigest()
    assert uri == f"s3://dfpn-media/dfpn/{digest}.bin"
    total = big_file.stat().st_size
    assert max(c[0] for c in calls) == total and all(c[1] == total for c in calls)
    assert await read_uri(uri, max_bytes=total, s3=store) == big_file.read_bytes()
    # And a limit below its size is refused
    with pytest.raises(DFPNError) as big:
        await store.read(uri, max_bytes=1000)
    assert big.value.code is ErrorCode.CONTENT_TOO_LARGE


async def test_s3_from_environment_and_missing_key(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the endpoint, bucket and credentials only in the usual environment variables
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("DFPN_S3_BUCKET", "dfpn-media")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    # When a key that does not exist is read, Then REPORT_UNAVAILABLE says it was not found
    with pytest.raises(DFPNError) as missing:
        await read_uri("s3://dfpn-media/dfpn/nothing-here")
    assert missing.value.code is ErrorCode.REPORT_UNAVAILABLE and "not found" in str(missing.value)


async def test_s3_unreachable(tmp_path: Path) -> None:
    # Given no server at the endpoint, Then STORAGE_UNAVAILABLE
    path = tmp_path / "x.bin"
    path.write_bytes(b"x")
    with pytest.raises(DFPNError) as down:
        await _s3(f"http://127.0.0.1:{_free_port()}").read("s3://dfpn-media/x", timeout=60)
    assert down.value.code is ErrorCode.STORAGE_UNAVAILABLE


# ---- HTTP --------------------------------------------------------------------------------------------------


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """http.server serving a temporary directory on 127.0.0.1."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


async def test_http_read_and_oversize(http_dir: tuple[str, Path]) -> None:
    base, root = http_dir
    # Given a report and a large file served over HTTP
    (root / "report.json").write_bytes(b'{"detections": []}')
    (root / "big.bin").write_bytes(b"\0" * 100_000)
    # When the report is read, Then its bytes come back
    assert await read_uri(f"{base}/report.json") == b'{"detections": []}'
    # When the large file is read with a smaller limit, Then it is refused
    with pytest.raises(DFPNError) as big:
        await read_uri(f"{base}/big.bin", max_bytes=10_000)
    assert big.value.code is ErrorCode.CONTENT_TOO_LARGE and "10000-byte limit" in str(big.value)
    # When a missing path is read, Then REPORT_UNAVAILABLE
    with pytest.raises(DFPNError) as missing:
        await read_uri(f"{base}/nope.json")
    assert missing.value.code is ErrorCode.REPORT_UNAVAILABLE


async def test_file_upload_reports_progress(media: Path) -> None:
    # Given the file backend, When uploading with progress, Then the file:// URI and one (size, size) call
    calls: list[tuple[int, int]] = []
    uri = await upload(media, "file", progress=lambda s, t: calls.append((s, t)))
    assert uri == media.resolve().as_uri() and calls == [(media.stat().st_size,) * 2]
