"""Subscriptions that survive a cut websocket, against a real `solana-test-validator`.

A TCP proxy (a real asyncio server in the test) sits between `RpcTransport` and the validator's websocket port.
The tests cut it (both sockets closed) or blackhole it (bytes silently dropped, sockets left open: only the
keepalive ping notices), keep refusing new connections while transactions mentioning the program land, then let
the transport back in: the log consumer must see every transaction once, in the order they landed; an account
subscriber must see the account's new state. The positive control runs the same without a cut.

The transactions are system transfers that name the program as a read-only account: `logsSubscribe` with
`mentions` and `getSignaturesForAddress` both select by the accounts a transaction names, exactly as for the
program's own instructions, and these need no configuration or stake, so the tests stay quick.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.rpc import RpcTransport, websocket_url
from dfpn.transport import LOGS_GAP, AccountInfo
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer

from conftest import Endpoint


@dataclass
class _Link:
    """One proxied connection: the SDK's socket and the validator's."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    blackholed: bool = False


@dataclass
class CuttableProxy:
    """A TCP proxy to `upstream_port` that can cut its connections, blackhole them, or refuse new ones."""

    upstream_port: int
    accepting: bool = True
    accepted: int = 0
    refused: int = 0
    links: list[_Link] = field(default_factory=list)
    server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return f"ws://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.accepting:
            self.refused += 1
            writer.transport.abort()
            return
        self.accepted += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        link = _Link(writer, up_writer)
        self.links.append(link)
        await asyncio.gather(
            self._pump(reader, up_writer, link), self._pump(up_reader, writer, link), return_exceptions=True
        )
        for w in (writer, up_writer):
            w.transport.abort()

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, link: _Link) -> None:
        while data := await source.read(65536):
            if link.blackholed:
                continue  # swallowed: the socket stays open but nothing gets through
            sink.write(data)
            await sink.drain()
        sink.transport.abort()

    def cut(self) -> None:
        """Close every proxied connection (both sides) and refuse new ones until `resume`."""
        self.accepting = False
        for link in self.links:
            link.client.transport.abort()
            link.upstream.transport.abort()

    def blackhole(self) -> None:
        """Drop every byte of the current connections without closing them; refuse new ones until `resume`."""
        self.accepting = False
        for link in self.links:
            link.blackholed = True

    def resume(self) -> None:
        self.accepting = True

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest.fixture
async def proxy(validator: Endpoint) -> AsyncIterator[CuttableProxy]:
    port = int(websocket_url(validator.url).rsplit(":", 1)[1])
    p = CuttableProxy(port)
    await p.start()
    yield p
    await p.close()


def transport(validator: Endpoint, proxy: CuttableProxy) -> RpcTransport:
    """A transport whose websocket goes through the proxy, with test-sized keepalive and backoff."""
    assert proxy.server is not None
    ws = f"ws://127.0.0.1:{proxy.server.sockets[0].getsockname()[1]}"
    rpc = RpcTransport(validator.url, ws_url=ws, retries=5, backoff_base=0.05, backoff_max=0.3)
    rpc.ws_ping_interval = 0.5
    rpc.ws_ping_timeout = 5.0
    rpc.ws_retries = 1000  # refused for as long as the test keeps it down
    return rpc


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)
    assert condition(), what


class Sender:
    """Sends distinct transactions that mention the program, one after the other (each confirmed)."""

    def __init__(self, rpc: RpcTransport, payer: Keypair, to: Pubkey) -> None:
        self.rpc, self.payer, self.to = rpc, payer, to
        self.sent: list[str] = []
        self.count = 0

    async def send(self, count: int = 1) -> None:
        for _ in range(count):
            self.count += 1
            lamports = self.count  # a different amount each time: never the same signature twice
            pay = transfer(
                TransferParams(from_pubkey=self.payer.pubkey(), to_pubkey=self.to, lamports=lamports)
            )
            named = AccountMeta(self.rpc.program_id, is_signer=False, is_writable=False)
            mention = Instruction(pay.program_id, pay.data, [*pay.accounts, named])
            record = await self.rpc.send_transaction([mention], [self.payer])
            self.sent.append(record.signature)


async def funded(rpc: RpcTransport) -> Keypair:
    kp = Keypair()
    await rpc.airdrop(kp.pubkey(), LAMPORTS_PER_SOL)
    return kp


async def first_live(sender: Sender, got: list[str]) -> None:
    """Send until a transaction arrives live: the subscription is then surely active (a transaction that landed
    before it was is not promised). Only that one stays in `sender.sent`."""
    for _ in range(5):
        await sender.send()
        with contextlib.suppress(TimeoutError):
            await until(lambda: sender.sent[-1] in got, 10, "live")
            del sender.sent[:-1]
            return
    raise AssertionError(f"no transaction arrived live: {sender.sent}, got {got}")


async def collect_logs(rpc: RpcTransport, got: list[str]) -> None:
    async for signature, _logs in rpc.program_logs():
        got.append(signature)


@pytest.mark.parametrize("drop", ["none", "cut", "blackhole"])
async def test_program_logs_deliver_every_transaction_once_in_order_across_a_dropped_websocket(
    validator: Endpoint, proxy: CuttableProxy, drop: str
) -> None:
    async with transport(validator, proxy) as rpc:
        sender = Sender(rpc, await funded(rpc), (await funded(rpc)).pubkey())
        got: list[str] = []
        consumer = asyncio.create_task(collect_logs(rpc, got))
        try:
            # Given a log subscription that delivered a first transaction live
            await until(lambda: proxy.accepted == 1, 30, "the subscription connected")
            await first_live(sender, got)
            # When the websocket is cut (or goes silent) and stays down while five transactions land
            if drop == "cut":
                proxy.cut()
            elif drop == "blackhole":
                proxy.blackhole()
            await sender.send(5)
            if drop == "blackhole":  # only the keepalive ping can tell: the SDK must have given up the socket
                await until(lambda: proxy.refused >= 1, 45, "the silent connection was detected and dropped")
            proxy.resume()
            await until(lambda: proxy.accepted >= (1 if drop == "none" else 2), 45, "resubscribed")
            await sender.send()
            # Then every transaction arrives exactly once, in the order it landed, and no gap is reported
            await until(lambda: set(sender.sent) <= set(got), 60, f"all delivered: {sender.sent} in {got}")
            await asyncio.sleep(0.5)  # duplicates would arrive right behind
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
    mine = [s for s in got if s in sender.sent or s == LOGS_GAP]
    assert mine == sender.sent
    # (a drop reconnects at least once; a busy machine may miss a pong, and an extra reconnect changes nothing above)
    if drop != "none":
        assert proxy.accepted >= 2


async def test_a_gap_longer_than_the_replay_limit_yields_one_gap_marker_then_live_logs(
    validator: Endpoint, proxy: CuttableProxy
) -> None:
    async with transport(validator, proxy) as rpc:
        rpc.replay_limit = 3
        sender = Sender(rpc, await funded(rpc), (await funded(rpc)).pubkey())
        got: list[str] = []
        consumer = asyncio.create_task(collect_logs(rpc, got))
        try:
            await until(lambda: proxy.accepted == 1, 30, "the subscription connected")
            await first_live(sender, got)
            # When more transactions than the replay limit land while the websocket is down
            proxy.cut()
            await sender.send(5)
            proxy.resume()
            await until(lambda: LOGS_GAP in got, 45, "a gap marker")
            await sender.send()
            await until(lambda: sender.sent[-1] in got, 45, "the next transaction arrived live")
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
    # Then one gap marker stands where the missed transactions were, and the subscription goes on live
    mine = [s for s in got if s in sender.sent or s == LOGS_GAP]
    assert mine == [sender.sent[0], LOGS_GAP, sender.sent[-1]]


async def test_a_replay_pages_through_the_missed_signatures(
    validator: Endpoint, proxy: CuttableProxy
) -> None:
    async with transport(validator, proxy) as rpc:
        rpc.replay_page = 2  # five missed transactions: three pages
        sender = Sender(rpc, await funded(rpc), (await funded(rpc)).pubkey())
        got: list[str] = []
        consumer = asyncio.create_task(collect_logs(rpc, got))
        try:
            await until(lambda: proxy.accepted == 1, 30, "the subscription connected")
            await first_live(sender, got)
            proxy.cut()
            await sender.send(5)
            proxy.resume()
            await until(lambda: set(sender.sent) <= set(got), 60, "all replayed")
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
    assert [s for s in got if s in sender.sent or s == LOGS_GAP] == sender.sent


@pytest.mark.parametrize("drop", ["none", "cut"])
async def test_an_account_subscription_yields_the_state_changed_while_it_was_down(
    validator: Endpoint, proxy: CuttableProxy, drop: str
) -> None:
    async with transport(validator, proxy) as rpc:
        payer, target = await funded(rpc), await funded(rpc)
        seen: list[AccountInfo | None] = []

        async def follow() -> None:
            async for account in rpc.account_updates(target.pubkey()):
                seen.append(account)

        consumer = asyncio.create_task(follow())

        async def pay(lamports: int) -> None:
            send = transfer(
                TransferParams(from_pubkey=payer.pubkey(), to_pubkey=target.pubkey(), lamports=lamports)
            )
            await rpc.send_transaction([send], [payer])

        def has(lamports: int) -> bool:
            return any(a is not None and a.lamports == lamports for a in seen)

        try:
            # Given an account subscription that saw a first change live
            await until(lambda: proxy.accepted == 1, 30, "the subscription connected")
            for attempt in range(5):  # until a change is pushed: the subscription is then surely active
                await pay(1000 + attempt)
                with contextlib.suppress(TimeoutError):
                    await until(lambda: bool(seen), 10, "a change pushed")
                    break
            assert seen, "no change pushed"
            account = await rpc.get_account(target.pubkey())
            assert account is not None
            base = account.lamports
            # When the target receives lamports while the websocket is down (or, control, while it is up)
            if drop == "cut":
                proxy.cut()
                await until(lambda: proxy.refused >= 1, 30, "the SDK tried to reconnect")
            await pay(2000)
            proxy.resume()
            # Then the subscriber sees the new balance (read afresh after resubscribing, or pushed)
            await until(lambda: has(base + 2000), 45, f"the second change: {seen}")
        finally:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
    if drop != "none":
        assert proxy.accepted >= 2


class HeldReplay(RpcTransport):
    """The real transport, whose replay, once `armed`, waits (after resubscribing, before listing what it missed)
    until the test lets it go: a transaction sent meanwhile is both pushed live and listed, the overlap
    de-duplication is for. Before it is armed, a replay runs at once: a busy machine may drop the connection once
    before the test cuts it (the CI saw one), and holding that replay would hold every live notification behind it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.armed = False
        self.replaying = asyncio.Event()
        self.release = asyncio.Event()

    async def _signatures_after(self, until: str | None) -> list[tuple[str, bool]] | None:
        if self.armed:
            self.replaying.set()
            await self.release.wait()
        return await super()._signatures_after(until)


async def test_a_transaction_both_replayed_and_pushed_live_is_delivered_once(
    validator: Endpoint, proxy: CuttableProxy
) -> None:
    plain = transport(validator, proxy)
    await plain.close()
    rpc = HeldReplay(validator.url, ws_url=plain.ws_url, retries=5, backoff_base=0.05, backoff_max=0.3)
    async with rpc:
        rpc.ws_ping_interval, rpc.ws_ping_timeout, rpc.ws_retries = 0.5, 5.0, 1000
        sender = Sender(rpc, await funded(rpc), (await funded(rpc)).pubkey())
        got: list[str] = []
        consumer = asyncio.create_task(collect_logs(rpc, got))
        try:
            await until(lambda: proxy.accepted == 1, 30, "the subscription connected")
            await first_live(sender, got)
            rpc.armed = True
            proxy.cut()
            await sender.send(2)
            proxy.resume()
            # When a transaction lands after the resubscription but before the replay lists what was missed
            await until(rpc.replaying.is_set, 45, "resubscribed, replay about to list")
            await sender.send()
            rpc.release.set()
            # Then it comes once (replayed, its live notification dropped as a duplicate), after the missed ones
            await until(lambda: set(sender.sent) <= set(got), 60, "all delivered")
            await sender.send()
            await until(lambda: sender.sent[-1] in got, 45, "the next one live")
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
    assert [s for s in got if s in sender.sent or s == LOGS_GAP] == sender.sent
