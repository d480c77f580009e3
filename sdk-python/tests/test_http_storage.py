"""`HttpStorage`: media stored with an HTTP PUT, against real sockets that behave, refuse, fail loudly or stall."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, DFPNError, ErrorCode, LocalNetwork, Modality
from dfpn.storage import HttpStorage


@dataclass
class PutServer:
    """An HTTP/1.1 server on loopback that answers PUT as `mode` says and GET with what was PUT."""

    mode: str = "ok"
    stored: dict[str, bytes] = field(default_factory=dict)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, path, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line)
        lower = {k.lower(): v for k, v in headers.items()}
        if method == "GET":
            data = self.stored.get(path, b"")
            status = "200 OK" if path in self.stored else "404 Not Found"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
        else:
            body = await reader.readexactly(int(lower["content-length"]))
            if self.mode == "stall":
                await asyncio.sleep(3600)
            if self.mode == "fail":
                huge = b"x" * (8 << 20)
                writer.write(f"HTTP/1.1 500 Oops\r\nContent-Length: {len(huge)}\r\n\r\n".encode() + huge)
            else:
                assert lower.get("x-api-key") == "k1"
                self.stored[path] = body
                writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        try:
            await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def put_server() -> AsyncIterator[PutServer]:
    server = PutServer()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server
        listener.close()


def _storage(port: int, **kwargs: object) -> HttpStorage:
    return HttpStorage(f"http://127.0.0.1:{port}/up", headers={"X-Api-Key": "k1"}, **kwargs)  # type: ignore[arg-type]


async def test_a_request_stored_with_http_put(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, put_server: PutServer
) -> None:
    # Given an HTTP server that accepts PUT, When a request is submitted with HttpStorage
    seen: list[tuple[int, int]] = []
    sub = await client.submit_request(
        media,
        modalities=[Modality.FACE_MANIPULATION],
        min_workers=1,
        storage=_storage(put_server.port),
        upload_progress=lambda sent, total: seen.append((sent, total)),
        draw=False,
    )
    # Then the media is at <url>/<sha256><ext>, byte for byte, and the request names it
    key = f"/up/{hashlib.sha256(media.read_bytes()).hexdigest()}.png"
    assert put_server.stored[key] == media.read_bytes()
    assert sub.storage_uri == f"http://127.0.0.1:{put_server.port}{key}"
    assert seen[-1] == (media.stat().st_size, media.stat().st_size)
    # And the client reads it back through the URI, checked against the content hash
    assert await client.fetch_media(sub.id) == media.read_bytes()


async def test_refused_failing_and_stalled_uploads_send_nothing(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, put_server: PutServer
) -> None:
    balance = network.balance(client.wallet.pubkey())
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()

    async def submit(storage: HttpStorage) -> DFPNError:
        with pytest.raises(DFPNError) as err:
            await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], storage=storage)
        return err.value

    # A port nobody listens on: STORAGE_UNAVAILABLE
    assert (await submit(_storage(closed_port))).code is ErrorCode.STORAGE_UNAVAILABLE
    # A 500 with an 8 MB body: STORAGE_FAILED with the status, and only the start of the body in the message
    put_server.mode = "fail"
    failed = await submit(_storage(put_server.port))
    assert (
        failed.code is ErrorCode.STORAGE_FAILED and "HTTP 500" in failed.message and len(failed.message) < 600
    )
    # A server that takes the body and never answers: STORAGE_FAILED once the total deadline has passed
    put_server.mode = "stall"
    stalled = await submit(_storage(put_server.port, timeout=1.0))
    assert stalled.code is ErrorCode.STORAGE_FAILED and "took over 1 s" in stalled.message
    # And none of them sent a transaction
    assert network.balance(client.wallet.pubkey()) == balance


@pytest.mark.parametrize("url", ["ftp://host/up", "http:///nohost", "not a url"])
def test_http_storage_needs_http_urls(url: str) -> None:
    with pytest.raises(DFPNError) as err:
        HttpStorage(url)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT
    # (control)
    assert HttpStorage("https://media.example.org/up").scheme == "https"
