"""Which outbound HTTP destinations DFPN software may contact: the one place that decides it.

A URL that someone else chose (a request's ``media_uri``, a webhook URL) must not make a worker or the gateway
fetch from inside its operator's network: ``http://127.0.0.1/admin``, ``http://169.254.169.254/`` (cloud
metadata), ``http://10.0.0.5/``, or a public name that resolves to one of those. This module refuses every
address that is not globally reachable, unless the operator allows its network explicitly.

- `DestinationPolicy` says whether one IP address may be contacted (`refusal`): refused are loopback, private
  (RFC 1918, ULA), link-local (with 169.254.169.254), multicast, reserved, unspecified, shared CGNAT space
  (100.64/10), benchmarking (198.18/15), documentation ranges and broadcast; IPv6 forms that embed an IPv4
  address (IPv4-mapped, IPv4-compatible, SIIT, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4, Teredo) are judged
  by the embedded address. Addresses in `allow_networks` are allowed (the operator's choice, e.g. the local
  network allows 127.0.0.0/8).
- `check_url` checks a URL's form (http/https, no userinfo, no control characters or whitespace, IDNA host) and,
  when asked, every address its host resolves to.
- `guarded_client` is an ``httpx.AsyncClient`` whose every TCP connection (the first request and each redirect
  hop) resolves the host itself, checks every address, and connects to a checked address: a DNS answer cannot
  change between the check and the connection (rebinding). TLS still verifies the certificate against the host
  name (SNI). ``trust_env`` is off, so no proxy from the environment bypasses the check.
- `guarded_get` downloads a URL through that client with a total deadline, a size cap and a redirect limit.

Why not a library: ``httpx-secure`` does the connect-time check the same way (an ``httpcore`` network backend),
but it pins ``httpx<0.29`` (we use 0.29) and has no way to allow an operator's own network. The address rules
here are an explicit table rather than only ``ipaddress``'s ``is_global``, whose answers changed between Python
releases (3.11.7 calls 224.0.0.1 and 64:ff9b::127.0.0.1 global).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx
from pydantic import BaseModel, ConfigDict

from dfpn.errors import DFPNError, ErrorCode

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

#: Refused IPv4 ranges and why, most specific first (IANA IPv4 special-purpose registry and RFC 6890).
_REFUSED_V4: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("0.0.0.0/8"), "unspecified / 'this network'"),
    (_V4("10.0.0.0/8"), "private (RFC 1918)"),
    (_V4("172.16.0.0/12"), "private (RFC 1918)"),
    (_V4("192.168.0.0/16"), "private (RFC 1918)"),
    (_V4("100.64.0.0/10"), "shared address space (CGNAT, RFC 6598)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local (cloud metadata 169.254.169.254 lives here)"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "documentation (TEST-NET-1)"),
    (_V4("198.51.100.0/24"), "documentation (TEST-NET-2)"),
    (_V4("203.0.113.0/24"), "documentation (TEST-NET-3)"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast (deprecated)"),
    (_V4("198.18.0.0/15"), "benchmarking (RFC 2544)"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

#: Refused IPv6 ranges and why (IANA IPv6 special-purpose registry); the IPv4-embedding forms come first.
_REFUSED_V6: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001:2::/48"), "benchmarking"),
    (_V6("2001:10::/28"), "ORCHID"),
    (_V6("2001:20::/28"), "ORCHIDv2"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("fc00::/7"), "unique local (ULA, private)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local (deprecated)"),
    (_V6("ff00::/8"), "multicast"),
)

_MAPPED = _V6("::ffff:0:0/96")
_SIIT = _V6("::ffff:0:0:0/96")
_COMPATIBLE = _V6("::/96")
_NAT64 = _V6("64:ff9b::/96")
_NAT64_LOCAL = _V6("64:ff9b:1::/48")
_SIXTOFOUR = _V6("2002::/16")
_TEREDO = _V6("2001::/32")


def _embedded_v4(ip: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]] | None:
    """(form, embedded IPv4 addresses) when `ip` is an IPv6 form that carries IPv4 addresses; else None."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _MAPPED:
        return "IPv4-mapped", [low32]
    if ip in _SIIT:
        return "IPv4-translated (SIIT)", [low32]
    if ip in _COMPATIBLE:
        return "IPv4-compatible", [low32]
    if ip in _NAT64:
        return "NAT64", [low32]
    if ip in _NAT64_LOCAL:
        # RFC 8215 local-use prefix: only the /96 layout (bits 48..95 zero) has a known IPv4 position.
        if (int(ip) >> 32) & ((1 << 48) - 1):
            return "local-use NAT64 with an unknown layout", []
        return "local-use NAT64", [low32]
    if ip in _SIXTOFOUR and ip.sixtofour is not None:
        return "6to4", [ip.sixtofour]
    if ip in _TEREDO and ip.teredo is not None:
        server, client = ip.teredo
        return "Teredo", [server, client]
    return None


class DestinationRefused(DFPNError):  # noqa: N818 - the name other packages import; "Error" adds nothing
    """An outbound destination the policy refuses (code `DESTINATION_REFUSED`). `host` is the URL's host (or the
    address), `address` the refused address when one was resolved, `reason` why."""

    def __init__(self, *, host: str, address: str | None, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        where = host if address is None or address == host else f"{host} ({address})"
        super().__init__(ErrorCode.DESTINATION_REFUSED, f"refused to contact {where}: {reason}.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_refused, (self.host, self.address, self.reason))


def _rebuild_refused(host: str, address: str | None, reason: str) -> DestinationRefused:
    return DestinationRefused(host=host, address=address, reason=reason)


class DestinationPolicy(BaseModel):
    """Which addresses outbound HTTP may reach: globally reachable ones, plus `allow_networks`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Networks allowed although not globally reachable (the operator's own, e.g. 127.0.0.0/8 on a local network).
    allow_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_strings(cls, cidrs: Iterable[str]) -> DestinationPolicy:
        """A policy allowing the networks written as CIDRs ("127.0.0.0/8", "fd00::/8"; a bare address is one
        host). A malformed CIDR, or one with host bits set, raises `INVALID_ARGUMENT`."""
        networks: list[IPNetwork] = []
        for text in cidrs:
            cidr = text.strip()
            try:
                networks.append(ipaddress.ip_network(cidr))
            except ValueError as e:
                raise DFPNError(
                    ErrorCode.INVALID_ARGUMENT, f"allowed network {text!r} is not a CIDR network: {e}."
                ) from e
        return cls(allow_networks=tuple(networks))

    def allows_explicitly(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.allow_networks)

    def refusal(self, ip: IPAddress | str) -> str | None:
        """None when `ip` may be contacted, else a short reason ("loopback", "IPv4-mapped 127.0.0.1: loopback")."""
        addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        if isinstance(addr, ipaddress.IPv6Address) and addr.scope_id:
            addr = ipaddress.IPv6Address(str(addr).split("%", 1)[0])
        if self.allows_explicitly(addr):
            return None
        if isinstance(addr, ipaddress.IPv4Address):
            return _v4_refusal(addr)
        for net, why in _REFUSED_V6[:2]:  # :: and ::1 before the IPv4-compatible form (::/96) claims them
            if addr in net:
                return why
        embedded = _embedded_v4(addr)
        if embedded is not None:
            form, inner = embedded
            if not inner:
                return f"{form}: cannot tell which IPv4 address it reaches"
            for v4 in inner:
                inner_why = self.refusal(v4)
                if inner_why is not None:
                    return f"{form} {v4}: {inner_why}"
            return None
        for net, why in _REFUSED_V6[2:]:
            if addr in net:
                return why
        return None if addr.is_global else "not globally reachable"


def _v4_refusal(addr: ipaddress.IPv4Address) -> str | None:
    for net, why in _REFUSED_V4:
        if addr in net:
            return why
    return None if addr.is_global else "not globally reachable"


#: The default policy: only globally reachable addresses.
PUBLIC_ONLY = DestinationPolicy()


def _refuse_form(url: str) -> httpx.URL:
    """Parse `url` and refuse what is wrong with its form alone (scheme, userinfo, characters, host)."""
    bad = next((c for c in url if c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise DestinationRefused(
            host=url[:80], address=None, reason=f"the URL contains the control/whitespace character {bad!r}"
        )
    try:
        parsed = httpx.URL(url)
        host = parsed.host  # IDNA-decoded; .raw_host is the IDNA-encoded ASCII form
        raw_host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as e:
        raise DestinationRefused(host=url[:80], address=None, reason=f"not a valid URL ({e})") from e
    if parsed.scheme not in ("http", "https"):
        raise DestinationRefused(
            host=host or url[:80],
            address=None,
            reason=f"scheme {parsed.scheme or '(none)'!r} is not http/https",
        )
    if parsed.userinfo:
        raise DestinationRefused(host=host, address=None, reason="the URL carries user information (user@)")
    if not raw_host:
        raise DestinationRefused(host=url[:80], address=None, reason="the URL names no host")
    return parsed


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to for a TCP connection (the event loop's resolver), in its order."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    out: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out


def check_addresses(host: str, addresses: Sequence[IPAddress], policy: DestinationPolicy) -> None:
    """Raise `DestinationRefused` when any of `host`'s `addresses` is refused (or there are none)."""
    if not addresses:
        raise DestinationRefused(host=host, address=None, reason="the host resolves to no address")
    for ip in addresses:
        why = policy.refusal(ip)
        if why is not None:
            raise DestinationRefused(host=host, address=str(ip), reason=why)


async def check_url(url: str, policy: DestinationPolicy, *, resolve: bool = True, timeout: float) -> str:
    """The URL (normalised, host IDNA-encoded) when it may be fetched; else raise `DestinationRefused`.

    Refused: a scheme other than http/https, userinfo, control characters or whitespace anywhere, and a host
    that is (or, with `resolve`, resolves within `timeout` seconds to) any refused address. Numeric host forms
    such as ``2130706433``, ``0x7f.1`` and ``127.1`` resolve to 127.0.0.1 and are refused with it. A host that
    does not resolve raises `STORAGE_UNAVAILABLE`, a resolution over `timeout` `TIMEOUT`.

    The check alone does not stop a DNS answer from changing before the connection: fetch with
    `guarded_client` / `guarded_get`, which check the address they connect to.
    """
    parsed = _refuse_form(url)
    host = parsed.raw_host.decode("ascii")
    literal = _literal(host)
    if literal is not None:
        check_addresses(host, [literal], policy)
    elif resolve:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = await _resolve_within(host, port, timeout)
        check_addresses(host, addresses, policy)
    return str(parsed.copy_with(host=host))


async def _resolve_within(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    try:
        async with asyncio.timeout(timeout):
            return await resolve_host(host, port)
    except TimeoutError as e:
        raise DFPNError(ErrorCode.TIMEOUT, f"resolving {host} took over {timeout}s.") from e
    except OSError as e:  # socket.gaierror
        raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, f"cannot resolve {host}: {e}.") from e


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's default backend, but every TCP connection goes to an address this backend resolved and
    checked itself."""

    def __init__(self, policy: DestinationPolicy) -> None:
        self._policy = policy
        self._inner: httpcore.AsyncNetworkBackend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_host(host, port)
        except TimeoutError as e:
            raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout}s") from e
        except OSError as e:
            raise httpcore.ConnectError(f"cannot resolve {host}: {e}") from e
        check_addresses(host, addresses, self._policy)
        failure: Exception | None = None
        for ip in addresses:  # every one was checked; connect to the first that answers
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                failure = e
        assert failure is not None  # addresses is non-empty: check_addresses refuses an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise DestinationRefused(host=path, address=None, reason="Unix sockets are not outbound destinations")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _ssl_context(verify: bool) -> ssl.SSLContext:
    """One TLS context per `verify` for every guarded client: building one loads the CA bundle (15 % of a busy
    worker's samples when each media download built its own); a context is safe to share between connections."""
    return httpx.create_ssl_context(verify=verify, trust_env=False)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that connects only through `_GuardedBackend` (no proxy)."""

    def __init__(self, policy: DestinationPolicy, *, verify: ssl.SSLContext | bool = True) -> None:
        context = _ssl_context(verify) if isinstance(verify, bool) else verify
        super().__init__(verify=context, trust_env=False)
        # httpx does not take a network backend, so the pool it built is replaced by one that has ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=10,
            max_keepalive_connections=5,
            network_backend=_GuardedBackend(policy),
        )


def guarded_client(
    policy: DestinationPolicy,
    *,
    timeout: float,
    max_redirects: int,
    headers: dict[str, str] | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that only reaches destinations `policy` allows: every request (redirect hops
    too) has its URL's form checked, and every TCP connection is made to an address resolved and checked at
    connect time. Follows at most `max_redirects` redirects (more raise ``httpx.TooManyRedirects``); with 0 a
    redirect is returned as the response, not followed. `timeout` is httpx's per-operation timeout (wrap calls in
    ``asyncio.timeout`` for a total deadline). Environment proxies are not used. `verify`: True (certifi's CAs),
    an ``ssl.SSLContext`` (e.g. a private CA), or False; certificates are checked against the URL's host name
    although the connection goes to the checked address."""

    async def check_request(request: httpx.Request) -> None:
        await check_url(str(request.url), policy, resolve=False, timeout=timeout)

    return httpx.AsyncClient(
        transport=_GuardedTransport(policy, verify=verify),
        timeout=timeout,
        follow_redirects=max_redirects > 0,
        max_redirects=max_redirects,
        trust_env=False,
        headers=headers,
        event_hooks={"request": [check_request]},
    )


async def read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """A streamed response's body, at most `max_bytes` (`CONTENT_TOO_LARGE` from Content-Length, else as soon as
    the stream passes the limit)."""
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise DFPNError(
            ErrorCode.CONTENT_TOO_LARGE, f"{url}: {declared} bytes is over the {max_bytes}-byte limit."
        )
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise DFPNError(ErrorCode.CONTENT_TOO_LARGE, f"{url}: over the {max_bytes}-byte limit.")
    return bytes(body)


async def guarded_get(
    url: str, policy: DestinationPolicy, *, max_bytes: int, timeout: float, max_redirects: int
) -> bytes:
    """GET `url` through `guarded_client`: at most `max_bytes` (Content-Length checked first, then while
    streaming), everything (resolution, connections, redirects, body) within `timeout` seconds in total, at most
    `max_redirects` redirects.

    Errors: `DESTINATION_REFUSED` (`DestinationRefused`), `CONTENT_TOO_LARGE`, `TIMEOUT`, `STORAGE_FAILED`
    (too many redirects), `STORAGE_UNAVAILABLE` (cannot resolve or connect), `REPORT_UNAVAILABLE` (an HTTP error
    status or a broken transfer)."""
    checked = await check_url(url, policy, resolve=False, timeout=timeout)
    try:
        async with (
            asyncio.timeout(timeout),
            guarded_client(policy, timeout=timeout, max_redirects=max_redirects) as http,
            http.stream("GET", checked) as response,
        ):
            if response.is_redirect:  # only with max_redirects=0: the client returns it instead of following
                raise httpx.TooManyRedirects("redirect not followed", request=response.request)
            if response.status_code != 200:
                raise DFPNError(
                    ErrorCode.REPORT_UNAVAILABLE, f"cannot fetch {url}: HTTP {response.status_code}."
                )
            return await read_capped(response, url, max_bytes)
    except TimeoutError as e:
        raise DFPNError(ErrorCode.TIMEOUT, f"fetching {url} took over {timeout}s in all.") from e
    except httpx.TooManyRedirects as e:
        raise DFPNError(ErrorCode.STORAGE_FAILED, f"{url}: more than {max_redirects} redirect(s).") from e
    except httpx.TimeoutException as e:
        raise DFPNError(ErrorCode.TIMEOUT, f"fetching {url}: {type(e).__name__} after {timeout}s.") from e
    except httpx.ConnectError as e:
        raise DFPNError(ErrorCode.STORAGE_UNAVAILABLE, f"cannot connect for {url}: {e}.") from e
    except httpx.HTTPError as e:
        raise DFPNError(ErrorCode.REPORT_UNAVAILABLE, f"cannot fetch {url}: {e}.") from e


__all__ = [
    "PUBLIC_ONLY",
    "DestinationPolicy",
    "DestinationRefused",
    "IPAddress",
    "IPNetwork",
    "check_addresses",
    "check_url",
    "guarded_client",
    "guarded_get",
    "resolve_host",
]
