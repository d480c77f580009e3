"""Uploads pinned to a real Kubo (IPFS) daemon and to an S3-compatible server (moto), both on 127.0.0.1.

Kubo is built by scripts/install-kubo.sh; without it these tests fail and say so. Nothing here is skipped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from dfpn_localnet import Kubo
from moto.server import ThreadedMotoServer

from dfpn import AsyncDFPNClient
from dfpn.storage import IPFSStorage
from dfpn_gateway.store import Store

from helpers import MP4, PNG, Key, free_port, make_settings, running, sqlite_only

pytestmark = sqlite_only


@pytest.fixture(scope="module")
def kubo() -> Iterator[str]:
    """A real Kubo daemon (offline, 127.0.0.1), built by scripts/install-kubo.sh."""
    with Kubo() as node:
        yield node.api_url


async def test_upload_is_pinned_to_ipfs(tmp_path: Path, kubo: str, sdk: AsyncDFPNClient, key: Key) -> None:
    # Given a gateway that pins uploads to a Kubo daemon
    settings = make_settings(tmp_path, storage="ipfs", ipfs_api_url=kubo, upload_tmp_dir=tmp_path / "scratch")
    async with running(settings, sdk) as api:
        health = (await api.get("/v1/health", headers=key.headers)).json()
        assert health["storage"] == "ipfs"
        # When a video is uploaded
        response = await api.post(
            "/v1/requests",
            headers=key.headers,
            data={"modalities": "VideoAuthenticity", "min_workers": "1"},
            files={"file": ("clip.mp4", MP4 + bytes(300_000))},
        )
    # Then the request records an ipfs:// URI whose content is pinned and is exactly the upload
    assert response.status_code == 202, response.text
    view = response.json()
    uri = view["storageUri"]
    assert uri.startswith("ipfs://baf") and view["mediaType"] == "video/mp4"
    cid = uri.removeprefix("ipfs://")
    pins = httpx.post(f"{kubo}/api/v0/pin/ls", params={"arg": cid, "type": "recursive"}, timeout=10)
    assert pins.status_code == 200 and cid in pins.json()["Keys"]
    data = await IPFSStorage(kubo).read(uri, max_bytes=10**6)
    assert data == MP4 + bytes(300_000) and hashlib.sha256(data).hexdigest() == view["contentHash"]
    info = await sdk.get_request(view["id"])
    assert info.storage_uri == uri and info.content_hash == view["contentHash"]
    # And nothing is left in the scratch directory
    assert list((tmp_path / "scratch").iterdir()) == []


async def test_ipfs_down_is_503_and_uses_no_quota(
    tmp_path: Path, sdk: AsyncDFPNClient, store: Store, key: Key
) -> None:
    settings = make_settings(tmp_path, storage="ipfs", ipfs_api_url=f"http://127.0.0.1:{free_port()}")
    async with running(settings, sdk) as api:
        response = await api.post(
            "/v1/requests",
            headers=key.headers,
            data={"modalities": "ImageAuthenticity"},
            files={"file": ("a.png", PNG)},
        )
    assert response.status_code == 503 and response.json()["error"]["code"] == "STORAGE_UNAVAILABLE"
    assert "ipfs" in response.json()["error"]["message"].lower()
    assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        ).create_bucket(Bucket="dfpn-media")
        yield url
    finally:
        server.stop()


async def test_upload_is_stored_in_s3(
    tmp_path: Path, s3_endpoint: str, sdk: AsyncDFPNClient, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    settings = make_settings(tmp_path, storage="s3", s3_bucket="dfpn-media", s3_endpoint_url=s3_endpoint)
    async with running(settings, sdk) as api:
        response = await api.post(
            "/v1/requests",
            headers=key.headers,
            data={"modalities": "ImageAuthenticity", "min_workers": "1"},
            files={"file": ("a.png", PNG)},
        )
    assert response.status_code == 202, response.text
    digest = hashlib.sha256(PNG).hexdigest()
    assert response.json()["storageUri"] == f"s3://dfpn-media/dfpn/{digest}.png"
    obj = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).get_object(Bucket="dfpn-media", Key=f"dfpn/{digest}.png")
    assert obj["Body"].read() == PNG
