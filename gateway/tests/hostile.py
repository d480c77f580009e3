"""Hostile peers as real sockets (asyncio servers on 127.0.0.1 that trickle, never answer or send endless
bodies), and `dfpn-gateway serve` as a real process, for the hostile-input tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from helpers import PEPPER, free_port

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Peer:
    """A running hostile server: its URL and the number of connections it got."""

    url: str
    connections: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


@asynccontextmanager
async def hostile_server(handler: Handler, path: str = "/hook") -> AsyncIterator[Peer]:
    """`handler` serving every connection on a fresh 127.0.0.1 port; handlers still running are cancelled at
    exit."""
    peer = Peer(url="")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer.connections += 1
        task = asyncio.current_task()
        assert task is not None
        peer.tasks.add(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the peer went away, or the test is over (asyncio logs a cancelled connection task)
        finally:
            peer.tasks.discard(task)
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    peer.url = f"http://127.0.0.1:{port}{path}"
    try:
        yield peer
    finally:
        server.close()
        for task in list(peer.tasks):
            task.cancel()
        await asyncio.gather(*peer.tasks, return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """The request head and its Content-Length body."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return head + await reader.readexactly(length)


async def endless_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """200 OK, then a body that never ends, as fast as the socket takes it."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
    chunk = b"x" * 65536
    while True:
        writer.write(chunk)
        await writer.drain()


def trickle(interval: float, *, headers_first: bool) -> Handler:
    """A receiver that answers one byte every `interval` seconds: the status line itself, or (headers_first)
    complete 200 headers and then the body."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        if headers_first:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
        for byte in b"HTTP/1.1 200 OK\r\n" * 1000:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(interval)

    return handler


async def silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
    """Reads whatever comes and never answers."""
    while await reader.read(65536):
        pass
    await asyncio.sleep(3600)


async def ok_204(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A well-behaved receiver."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    await writer.drain()


def rss_bytes(pid: int | None = None) -> int:
    """Resident set size of a process (this one by default), from /proc."""
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


# ---- dfpn-gateway serve as a process ------------------------------------------------------------------------------


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def gateway_env(tmp: Path, **settings: str) -> dict[str, str]:
    """The environment of a gateway process on the local network with its state under `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DFPN_GATEWAY_")}
    env.update(
        {
            "DFPN_GATEWAY_DB_PATH": str(tmp / "gateway.db"),
            "DFPN_GATEWAY_MEDIA_DIR": str(tmp / "media"),
            "DFPN_GATEWAY_KEY_PEPPER": PEPPER,
            "DFPN_GATEWAY_POLL_INTERVAL": "0.05",
            "DFPN_GATEWAY_WEBHOOK_REQUIRE_HTTPS": "false",
            "DFPN_GATEWAY_WEBHOOK_ALLOW_PRIVATE": "true",
        }
    )
    env.update({f"DFPN_GATEWAY_{k.upper()}": v for k, v in settings.items()})
    return env


def start_gateway(
    tmp: Path, env: dict[str, str], *, name: str = "serve", max_fds: int | None = None
) -> Served:
    """`dfpn-gateway serve` on a free port (with at most `max_fds` file descriptors), once its health check
    answers."""
    port = free_port()
    log = tmp / f"{name}.log"
    script = Path(sys.executable).with_name("dfpn-gateway")

    def limit_fds() -> None:
        if max_fds is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max_fds, max_fds))

    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(script), "serve", "--network", "local", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_fds,
        )
    served = Served(process, f"http://127.0.0.1:{port}", port, log)
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, served.log_text()
        try:
            if httpx.get(f"{served.base}/v1/health", timeout=2).status_code == 200:
                return served
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, served.log_text()
        time.sleep(0.2)


def stop_gateway(served: Served, timeout: float = 30) -> float:
    """SIGTERM, and the seconds the process took to exit (killed, and the test failed, after `timeout`)."""
    started = time.monotonic()
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGTERM)
    try:
        served.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()
        raise AssertionError(
            f"the gateway did not stop within {timeout}s of SIGTERM:\n{served.log_text()[-3000:]}"
        ) from None
    return time.monotonic() - started


def kill(served: Served) -> None:
    """SIGKILL, if it still runs."""
    if served.process.poll() is None:
        served.process.kill()
        served.process.wait()


@contextmanager
def gateway_process(tmp: Path, env: dict[str, str], *, name: str = "serve") -> Iterator[Served]:
    """A gateway process for a synchronous test (async tests: `start_gateway` in a thread, then `kill`)."""
    served = start_gateway(tmp, env, name=name)
    try:
        yield served
    finally:
        kill(served)
