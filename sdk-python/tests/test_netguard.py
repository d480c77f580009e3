"""dfpn.netguard: which outbound destinations are refused, against real HTTP servers on loopback addresses.

The servers are real asyncio sockets (127.0.0.1 and 127.0.0.2) that count the requests they see, so "refused"
means "no byte reached the server". Name resolution is the event loop's `getaddrinfo`; the tests that need a name
to resolve somewhere chosen (a public address, a rebinding answer) replace it on the running loop, which is what
both the check and the connection call.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import pickle
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from dfpn import DFPNError, ErrorCode
from dfpn.netguard import (
    DestinationPolicy,
    DestinationRefused,
    check_url,
    guarded_client,
    guarded_get,
)
from dfpn.storage import read_uri

LOOPBACK = DestinationPolicy.from_strings(["127.0.0.0/8", "::1/128"])  # localhost may resolve to both
PUBLIC = DestinationPolicy()

# ---- addresses -------------------------------------------------------------------------------------------

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("fd00::1", "unique local"),
    ("fc00::1", "unique local"),
    ("169.254.169.254", "link-local"),
    ("169.254.0.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("::", "unspecified"),
    ("100.64.0.1", "CGNAT"),
    ("100.127.255.254", "CGNAT"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.254", "benchmarking"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("2001:db8::1", "documentation"),
    ("192.0.0.8", "IETF protocol"),
    ("100::1", "discard"),
    # IPv6 forms that carry an IPv4 address are judged by that address
    ("::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1: loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped 169.254.169.254: link-local"),
    ("::ffff:10.0.0.1", "IPv4-mapped 10.0.0.1: private"),
    ("::127.0.0.1", "IPv4-compatible 127.0.0.1: loopback"),
    ("::ffff:0:127.0.0.1", "IPv4-translated (SIIT) 127.0.0.1: loopback"),
    ("64:ff9b::127.0.0.1", "NAT64 127.0.0.1: loopback"),
    ("64:ff9b::169.254.169.254", "NAT64 169.254.169.254: link-local"),
    ("64:ff9b:1::10.0.0.1", "local-use NAT64 10.0.0.1: private"),
    ("64:ff9b:1:ab::8.8.8.8", "local-use NAT64 with an unknown layout"),
    ("2002:7f00:1::1", "6to4 127.0.0.1: loopback"),
    ("2002:a9fe:a9fe::", "6to4 169.254.169.254: link-local"),
    # Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted: 0x80ff_fffe)
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo 127.0.0.1: loopback"),
    # Teredo: server 10.0.0.1, client public
    ("2001:0:a00:1:8000:63bf:f7f7:f7f7", "Teredo 10.0.0.1: private"),
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700::1",
    "2a00:1450:4001:80b::200e",
    "64:ff9b::8.8.8.8",
    "64:ff9b:1::8.8.8.8",
    "::ffff:8.8.8.8",
    "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo, server 65.54.227.120, client 8.8.8.8
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_refused_addresses(address: str, reason: str) -> None:
    # Given the default policy, When an address that is not globally reachable is judged, Then it is refused
    # with a reason naming what it is
    why = PUBLIC.refusal(address)
    assert why is not None and reason in why, (address, why)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_allowed(address: str) -> None:
    # Given the default policy, When a globally reachable address (or a form embedding one) is judged, Then allowed
    assert PUBLIC.refusal(address) is None
    assert PUBLIC.refusal(ipaddress.ip_address(address)) is None


def test_allowed_networks_are_the_operators_choice() -> None:
    # Given a policy that allows loopback and one private host
    policy = DestinationPolicy.from_strings(["127.0.0.0/8", " 10.9.8.7 ", "fd00::/8"])
    # Then those are allowed, also inside IPv4-embedding IPv6 forms
    for address in ("127.0.0.1", "127.0.0.2", "::ffff:127.0.0.1", "10.9.8.7", "fd00::5"):
        assert policy.refusal(address) is None, address
    # And everything else not public stays refused
    for address in ("10.9.8.8", "169.254.169.254", "::1", "fc00::1", "::ffff:192.168.0.1"):
        assert policy.refusal(address) is not None, address
    assert policy.refusal("8.8.8.8") is None


@pytest.mark.parametrize("cidr", ["nonsense", "10.0.0.1/8", "300.0.0.0/8", "127.0.0.0/33", "", "fd00::/129"])
def test_bad_cidr_is_a_clear_error(cidr: str) -> None:
    # When a policy is built from a malformed CIDR (or one with host bits set), Then INVALID_ARGUMENT naming it
    with pytest.raises(DFPNError) as bad:
        DestinationPolicy.from_strings(["127.0.0.0/8", cidr])
    assert bad.value.code is ErrorCode.INVALID_ARGUMENT and repr(cidr) in str(bad.value)


def test_policy_is_frozen_and_refusal_pickles() -> None:
    with pytest.raises(ValidationError, match="frozen"):
        LOOPBACK.allow_networks = ()  # type: ignore[misc]
    error = DestinationRefused(host="h", address="127.0.0.1", reason="loopback")
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, DestinationRefused) and again.address == "127.0.0.1" and str(again) == str(error)


# ---- URLs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",  # hexadecimal, two parts
        "http://0x7f000001/",
        "http://127.1/",
        "http://0177.0.0.1/",  # octal: httpx refuses to parse it, which refuses it too
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1%25eth0]/",
        "http://0.0.0.0:8080/",
    ],
)
async def test_check_url_refuses_loopback_and_friends(url: str) -> None:
    # When a URL whose host is, or resolves to, a refused address is checked, Then DestinationRefused
    with pytest.raises(DestinationRefused) as refused:
        await check_url(url, PUBLIC, timeout=5)
    assert refused.value.code is ErrorCode.DESTINATION_REFUSED


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/x", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://127.0.0.1/", "scheme"),
        ("http://user:pw@8.8.8.8/", "user information"),
        ("http://user@8.8.8.8/", "user information"),
        ("http://8.8.8.8/a b", "whitespace"),
        ("http://8.8.8.8/a\tb", "whitespace"),
        ("http://8.8.8.8/\r\nHost: x", "whitespace"),
        ("http://8.8.8.8/\x00", "control"),
        ("http://8.8.8.8/\x7f", "control"),
        ("http://8.8.8.8/\u200b", "control"),
        (" http://8.8.8.8/", "whitespace"),
        ("http:///path", "no host"),
        ("8.8.8.8/path", "scheme"),
    ],
)
async def test_check_url_refuses_bad_forms(url: str, why: str) -> None:
    with pytest.raises(DestinationRefused) as refused:
        await check_url(url, PUBLIC, timeout=5)
    assert why in refused.value.reason


Resolver = Callable[..., Awaitable[list[Any]]]


def _answers(mapping: dict[str, list[str]], real: Resolver) -> Resolver:
    """A getaddrinfo that answers `mapping`'s names and passes everything else to the real one."""

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else host
        if name in mapping:
            out = []
            for address in mapping[name]:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                sockaddr = (address, int(port), 0, 0) if family == socket.AF_INET6 else (address, int(port))
                out.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
            return out
        return await real(host, port, *args, **kwargs)

    return getaddrinfo


async def test_check_url_resolves_and_checks_every_address(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    names = {
        "public.test": ["93.184.216.34", "2606:4700::1"],
        "mixed.test": ["93.184.216.34", "10.0.0.1"],
        "xn--bcher-kva.test": ["8.8.8.8"],
    }
    monkeypatch.setattr(loop, "getaddrinfo", _answers(names, loop.getaddrinfo))
    # Given a name that resolves only to public addresses, Then the URL is allowed (positive control)
    assert (
        await check_url("https://public.test:8443/a?b=1", PUBLIC, timeout=5)
        == "https://public.test:8443/a?b=1"
    )
    # And an internationalised name is checked and returned IDNA-encoded
    assert await check_url("http://bücher.test/x", PUBLIC, timeout=5) == "http://xn--bcher-kva.test/x"
    # When one of a name's addresses is private, Then the URL is refused naming that address
    with pytest.raises(DestinationRefused) as refused:
        await check_url("http://mixed.test/", PUBLIC, timeout=5)
    assert refused.value.host == "mixed.test" and refused.value.address == "10.0.0.1"
    assert "mixed.test (10.0.0.1)" in str(refused.value) and "private" in str(refused.value)
    # And public literal addresses pass as they are (positive controls for the literal refusals above)
    for url in ("http://[2606:4700::1]:8080/a?b#c", "https://8.8.8.8/x", "http://[64:ff9b::808:808]/"):
        assert await check_url(url, PUBLIC, timeout=5) == url
    # And without resolution only the form and literal addresses are judged
    assert await check_url("http://mixed.test/", PUBLIC, resolve=False, timeout=5) == "http://mixed.test/"


async def test_check_url_resolution_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def slow(*_args: Any, **_kwargs: Any) -> list[Any]:
        await asyncio.sleep(10)
        return []

    # A name that does not resolve: STORAGE_UNAVAILABLE (not a refusal: it may resolve later)
    with pytest.raises(DFPNError) as missing:
        await check_url("http://does-not-exist.invalid/", PUBLIC, timeout=5)
    assert missing.value.code is ErrorCode.STORAGE_UNAVAILABLE and "does-not-exist.invalid" in str(
        missing.value
    )
    # A resolver that never answers: TIMEOUT within the limit
    monkeypatch.setattr(loop, "getaddrinfo", slow)
    started = time.monotonic()
    with pytest.raises(DFPNError) as late:
        await check_url("http://slow.test/", PUBLIC, timeout=0.3)
    assert late.value.code is ErrorCode.TIMEOUT and time.monotonic() - started < 2


# ---- real servers ----------------------------------------------------------------------------------------

Handler = Callable[[str, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """A real HTTP/1.1 server on `host` that records each request's path and answers with `handler`."""

    def __init__(self, host: str, handler: Handler) -> None:
        self.host = host
        self.handler = handler
        self.paths: list[str] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> Server:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                self.paths.append(path)
                await self.handler(path, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def _respond(writer: asyncio.StreamWriter, status: str, body: bytes, **headers: str) -> None:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"] + [
        f"{k.replace('_', '-')}: {v}" for k, v in headers.items()
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()


async def media_handler(path: str, writer: asyncio.StreamWriter) -> None:
    """/x: a small body; /go?<url>: a redirect there; /loop: a redirect to itself; /hop/<n>: n more hops;
    /trickle/<n>: n bytes one per 0.1 s; /endless: bytes without end; /declared: Content-Length of 1 GB."""
    if path == "/x":
        await _respond(writer, "200 OK", b"media bytes")
    elif path.startswith("/go?"):
        await _respond(writer, "302 Found", b"", Location=path[4:])
    elif path == "/loop":
        await _respond(writer, "302 Found", b"", Location="/loop")
    elif path.startswith("/hop/"):
        left = int(path[5:])
        await _respond(writer, "302 Found", b"", Location=f"/hop/{left - 1}" if left > 1 else "/x")
    elif path.startswith("/trickle/"):
        n = int(path[9:])
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n".encode())
        for _ in range(n):
            await writer.drain()
            await asyncio.sleep(0.1)
            writer.write(b"t")
        await writer.drain()
    elif path == "/endless":
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        while True:
            writer.write(b"\0" * 65536)
            await writer.drain()
    elif path == "/declared":
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(30)
    else:
        await _respond(writer, "404 Not Found", b"no")


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    s = await Server("127.0.0.1", media_handler).start()
    yield s
    await s.close()


@pytest.fixture
async def server2() -> AsyncIterator[Server]:
    s = await Server("127.0.0.2", media_handler).start()
    yield s
    await s.close()


async def _get(url: str, policy: DestinationPolicy, **kw: Any) -> bytes:
    limits: dict[str, Any] = {"max_bytes": 1_000_000, "timeout": 5.0, "max_redirects": 3} | kw
    return await guarded_get(url, policy, **limits)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "127.1"])
async def test_local_server_refused_by_default_and_served_when_allowed(server: Server, host: str) -> None:
    url = f"http://{host}:{server.port}/x"
    # Given a real server on 127.0.0.1, When fetched with the default policy, Then refused and it saw nothing
    with pytest.raises(DestinationRefused) as refused:
        await _get(url, PUBLIC)
    assert "loopback" in refused.value.reason and server.paths == []
    # When 127.0.0.0/8 is allowed, Then the same URL is served (positive control)
    assert await _get(url, LOOPBACK) == b"media bytes"
    assert server.paths == ["/x"]


async def test_redirect_to_a_refused_address_is_refused_at_the_hop(server: Server, server2: Server) -> None:
    # Given an allowed server (127.0.0.2 only) that redirects to 127.0.0.1
    only_2 = DestinationPolicy.from_strings(["127.0.0.2/32"])
    url = server2.url(f"/go?{server.url('/x')}")
    # When it is fetched, Then the hop to 127.0.0.1 is refused and 127.0.0.1 saw no request
    with pytest.raises(DestinationRefused) as refused:
        await _get(url, only_2)
    assert refused.value.address == "127.0.0.1" and server.paths == [] and len(server2.paths) == 1
    # And a redirect to a URL with userinfo is refused by the per-hop form check
    with pytest.raises(DestinationRefused) as userinfo:
        await _get(server2.url(f"/go?http://u:p@127.0.0.2:{server2.port}/x"), only_2)
    assert "user information" in userinfo.value.reason
    # When both addresses are allowed, Then the redirect is followed (positive control)
    assert await _get(url, LOOPBACK) == b"media bytes" and server.paths == ["/x"]


async def test_dns_rebinding_is_checked_at_connect_time(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a name that resolves to a public address the first time and to 127.0.0.1 afterwards
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    calls = 0

    async def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        nonlocal calls
        if host in ("rebind.test", b"rebind.test"):
            calls += 1
            address = "93.184.216.34" if calls == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port)))]
        return await real(host, port, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    url = f"http://rebind.test:{server.port}/x"
    # When the URL is checked, Then it passes (the name resolved to a public address)
    assert await check_url(url, PUBLIC, timeout=5) == url
    # When it is fetched, Then the connection's own resolution (127.0.0.1) is refused and the server saw nothing
    with pytest.raises(DestinationRefused) as refused:
        await _get(url, PUBLIC)
    assert refused.value.address == "127.0.0.1" and server.paths == []
    # Control: a plain httpx client, after the same passing check, is rebound to the server
    calls = 0
    assert await check_url(url, PUBLIC, timeout=5) == url
    async with httpx.AsyncClient(trust_env=False) as plain:
        assert (await plain.get(url)).content == b"media bytes"
    assert server.paths == ["/x"]


async def test_every_resolved_address_is_checked_at_connect(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a name with a loopback and a private address, only loopback allowed
    loop = asyncio.get_running_loop()
    names = {"two.test": ["127.0.0.1", "10.0.0.1"], "one.test": ["127.0.0.1"]}
    monkeypatch.setattr(loop, "getaddrinfo", _answers(names, loop.getaddrinfo))
    # When fetched, Then refused for the private address although the first one would be allowed
    with pytest.raises(DestinationRefused) as refused:
        await _get(f"http://two.test:{server.port}/x", LOOPBACK)
    assert refused.value.address == "10.0.0.1" and server.paths == []
    # Control: the name with only the allowed address is served
    assert await _get(f"http://one.test:{server.port}/x", LOOPBACK) == b"media bytes"


async def test_trickling_body_hits_the_total_deadline(server: Server) -> None:
    # Given a server that sends 100 bytes one every 0.1 s (each read well inside httpx's per-read timeout)
    started = time.monotonic()
    with pytest.raises(DFPNError) as late:
        await _get(server.url("/trickle/100"), LOOPBACK, timeout=0.6)
    elapsed = time.monotonic() - started
    # Then the total deadline stops it
    assert late.value.code is ErrorCode.TIMEOUT and "in all" in str(late.value) and elapsed < 2.0
    # Control: a short trickle within the deadline arrives whole
    assert await _get(server.url("/trickle/3"), LOOPBACK, timeout=5) == b"ttt"


async def test_huge_bodies_hit_the_size_cap(server: Server) -> None:
    # A body without Content-Length that never ends: stopped while streaming
    with pytest.raises(DFPNError) as endless:
        await _get(server.url("/endless"), LOOPBACK, max_bytes=200_000)
    assert endless.value.code is ErrorCode.CONTENT_TOO_LARGE and "200000-byte limit" in str(endless.value)
    # A declared 1 GB body: refused from the header, without waiting for the body
    started = time.monotonic()
    with pytest.raises(DFPNError) as declared:
        await _get(server.url("/declared"), LOOPBACK, max_bytes=200_000)
    assert declared.value.code is ErrorCode.CONTENT_TOO_LARGE and "1000000000 bytes" in str(declared.value)
    assert time.monotonic() - started < 2
    # Control: a body exactly at the cap is served
    assert await _get(server.url("/x"), LOOPBACK, max_bytes=len(b"media bytes")) == b"media bytes"


async def test_redirect_limit(server: Server) -> None:
    # A redirect loop: refused after max_redirects hops (the server saw the first request and 3 redirects)
    with pytest.raises(DFPNError) as loop:
        await _get(server.url("/loop"), LOOPBACK, max_redirects=3)
    assert loop.value.code is ErrorCode.STORAGE_FAILED and "more than 3 redirect" in str(loop.value)
    assert server.paths == ["/loop"] * 4
    # max_redirects=0: the first redirect is not followed
    with pytest.raises(DFPNError) as none:
        await _get(server.url("/hop/1"), LOOPBACK, max_redirects=0)
    assert none.value.code is ErrorCode.STORAGE_FAILED
    # Control: exactly max_redirects hops arrive
    assert await _get(server.url("/hop/2"), LOOPBACK, max_redirects=3) == b"media bytes"


async def test_http_errors_and_unreachable(server: Server) -> None:
    with pytest.raises(DFPNError) as missing:
        await _get(server.url("/nope"), LOOPBACK)
    assert missing.value.code is ErrorCode.REPORT_UNAVAILABLE and "HTTP 404" in str(missing.value)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(DFPNError) as down:
        await _get(f"http://127.0.0.1:{closed_port}/x", LOOPBACK)
    assert down.value.code is ErrorCode.STORAGE_UNAVAILABLE


async def test_environment_proxy_is_not_used(
    server: Server, server2: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given proxy variables pointing at another server
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, server2.url("/"))
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    # Control: a default httpx client goes through the proxy (which answers 404 to the absolute URL)
    async with httpx.AsyncClient() as plain:
        await plain.get(server.url("/x"))
    assert len(server2.paths) == 1 and server.paths == []
    # When the guarded client fetches, Then it connects directly (and checked)
    assert await _get(server.url("/x"), LOOPBACK) == b"media bytes"
    assert server.paths == ["/x"] and len(server2.paths) == 1


async def test_guarded_client_checks_every_request(server: Server) -> None:
    async with guarded_client(PUBLIC, timeout=5, max_redirects=2) as http:
        with pytest.raises(DestinationRefused):
            await http.get(server.url("/x"))
    async with guarded_client(LOOPBACK, timeout=5, max_redirects=2) as http:
        assert (await http.get(server.url("/hop/2"))).content == b"media bytes"
        with pytest.raises(DestinationRefused):
            await http.get(f"http://u@127.0.0.1:{server.port}/x")
    async with guarded_client(LOOPBACK, timeout=5, max_redirects=0) as http:
        # max_redirects=0: the redirect is the response (not followed)
        response = await http.get(server.url("/hop/1"))
        assert response.status_code == 302 and response.headers["location"] == "/x"
    assert server.paths == ["/hop/2", "/hop/1", "/x", "/hop/1"]


async def test_read_uri_uses_the_policy(server: Server) -> None:
    # read_uri with a policy goes through the guard; without one it reads as before
    with pytest.raises(DestinationRefused):
        await read_uri(server.url("/x"), policy=PUBLIC)
    assert server.paths == []
    assert await read_uri(server.url("/x"), policy=LOOPBACK) == b"media bytes"
    assert await read_uri(server.url("/x")) == b"media bytes"


# ---- TLS -------------------------------------------------------------------------------------------------


def _cert(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None, signer: Any
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
    )
    if issuer is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _pem(path: Path, *items: Any) -> Path:
    out = b""
    for item in items:
        if isinstance(item, x509.Certificate):
            out += item.public_bytes(serialization.Encoding.PEM)
        else:
            out += item.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
    path.write_bytes(out)
    return path


async def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a private CA, an HTTPS server on 127.0.0.1 with a certificate for media.test, and names for it
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("test CA", ca_key, None, ca_key)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert("media.test", leaf_key, ca, ca_key)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(_pem(tmp_path / "leaf.pem", leaf, leaf_key))
    trust = ssl.create_default_context(cafile=str(_pem(tmp_path / "ca.pem", ca)))
    loop = asyncio.get_running_loop()
    names = {"media.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
    monkeypatch.setattr(loop, "getaddrinfo", _answers(names, loop.getaddrinfo))
    server = Server("127.0.0.1", media_handler)
    server._server = await asyncio.start_server(server._serve, "127.0.0.1", 0, ssl=server_tls)
    try:
        async with guarded_client(LOOPBACK, timeout=5, max_redirects=0, verify=trust) as http:
            # When fetched by its certificate's name, Then TLS succeeds although the socket went to 127.0.0.1
            response = await http.get(f"https://media.test:{server.port}/x")
            assert response.content == b"media bytes"
            # When fetched by another name for the same address, Then the certificate does not match
            with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
                await http.get(f"https://other.test:{server.port}/x")
        # And the default policy refuses it before any TLS
        async with guarded_client(PUBLIC, timeout=5, max_redirects=0, verify=trust) as http:
            with pytest.raises(DestinationRefused):
                await http.get(f"https://media.test:{server.port}/x")
        assert server.paths == ["/x"]
    finally:
        await server.close()
