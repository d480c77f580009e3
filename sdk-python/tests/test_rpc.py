"""RpcTransport's failure handling, against small local HTTP and websocket servers that misbehave on purpose.

These tests check the client side of JSON-RPC (retries, bounded backoff, error mapping, subscriptions). The
transport against a real validator is tested in tests/ at the repository root (tests/test_rpc_localnet.py).
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import websockets
from solana.rpc.async_api import AsyncClient
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer

from dfpn import AsyncDFPNClient
from dfpn import instructions as ix
from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated import PROGRAM_ID
from dfpn.rpc import RpcTransport, resolve_network, websocket_url

Reply = Callable[[dict[str, Any]], tuple[int, Any, float]]  # request -> (HTTP status, JSON body, delay)


class FakeRpc:
    """An HTTP server answering each JSON-RPC call with `reply(request)`; records the calls."""

    def __init__(self, reply: Reply, port: int = 0) -> None:
        self.reply = reply
        self.calls: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.calls.append(body)
                outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                status, payload, delay = outer.reply(body)
                time.sleep(delay)
                data = json.dumps(payload).encode() if payload is not None else b"not json"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out first
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def methods(self) -> list[str]:
        return [c["method"] for c in self.calls]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ok(result: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda req: {"jsonrpc": "2.0", "id": req["id"], "result": result}


@pytest.fixture
def fake_rpc() -> Iterator[Callable[[Reply], FakeRpc]]:
    servers: list[FakeRpc] = []

    def start(reply: Reply) -> FakeRpc:
        servers.append(FakeRpc(reply))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def fast(url: str, **kw: Any) -> RpcTransport:
    """A transport with test-sized timeouts and backoff."""
    options: dict[str, Any] = {
        "retries": 3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "request_timeout": 1.0,
    }
    options.update(kw)
    return RpcTransport(url, **options)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- endpoints ---------------------------------------------------------------------------------------------


def test_named_networks_and_urls_resolve() -> None:
    assert resolve_network("localnet") == ("localnet", "http://127.0.0.1:8899", "ws://127.0.0.1:8900")
    assert resolve_network("devnet")[1:] == ("https://api.devnet.solana.com", "wss://api.devnet.solana.com")
    assert resolve_network("mainnet-beta") == resolve_network("mainnet")  # the Solana CLI's moniker
    assert websocket_url("http://10.0.0.2:9000/rpc") == "ws://10.0.0.2:9001/rpc"
    assert websocket_url("https://rpc.example.com/key") == "wss://rpc.example.com/key"
    with pytest.raises(DFPNError) as err:
        resolve_network("ftp://example.com")
    assert err.value.code is ErrorCode.NETWORK_NOT_SUPPORTED


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://", "no host"),
        ("http://:8899", "no host"),
        ("http://127.0.0.1:88a9", "Port could not be cast"),
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://exa mple.com", "whitespace"),
        ("http://[::1", "IPv6"),
    ],
)
def test_a_malformed_rpc_url_is_refused_with_what_is_wrong(url: str, why: str) -> None:
    # Given a URL that cannot be an RPC endpoint, Then it is NETWORK_NOT_SUPPORTED naming the problem (no ValueError)
    with pytest.raises(DFPNError) as err:
        resolve_network(url)
    assert err.value.code is ErrorCode.NETWORK_NOT_SUPPORTED
    assert "is not a valid RPC URL" in err.value.message and why in err.value.message
    # And a well-formed one with a port resolves (control)
    assert resolve_network("http://127.0.0.1:8899/")[2] == "ws://127.0.0.1:8900/"


# ---- a solana-py AsyncClient the caller brings ---------------------------------------------------------------


async def test_a_callers_async_client_carries_every_call_and_stays_open(fake_rpc: Any) -> None:
    # Given a solana-py AsyncClient of the caller's, with a header of its own (an API key, say)
    server = fake_rpc(lambda req: (200, ok({"context": {"slot": 1}, "value": 42})(req), 0.0))
    client = AsyncClient(server.url, extra_headers={"x-api-key": "k1"})
    # When the SDK is given it, as the network or as client=
    async with RpcTransport(client) as rpc, RpcTransport(client=client) as again:
        assert rpc.url == again.url == server.url and rpc.ws_url == websocket_url(server.url)
        assert await rpc.get_balance(Pubkey.default()) == 42
        assert (await again.call("getBalance", str(Pubkey.default())))["value"] == 42
    # Then both calls went through that client (its header on each), and closing the transports left it open
    assert [h.get("x-api-key") for h in server.headers] == ["k1", "k1"]
    assert (await client.get_balance(Pubkey.default())).value == 42
    # And AsyncDFPNClient takes it as its network too
    async with AsyncDFPNClient(client) as dfpn:
        assert isinstance(dfpn.transport, RpcTransport) and dfpn.transport.client is client
        assert await dfpn.transport.get_balance(Pubkey.default()) == 42
    assert len(server.headers) == 4 and server.headers[-1].get("x-api-key") == "k1"
    await client.close()


async def test_a_client_and_a_network_together_are_refused(fake_rpc: Any) -> None:
    client = AsyncClient("http://127.0.0.1:1")
    with pytest.raises(DFPNError) as err:
        RpcTransport("devnet", client=client)
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and "drop network" in err.value.message
    await client.close()


async def test_the_transports_own_client_has_no_retries_of_its_own(fake_rpc: Any) -> None:
    # Given an endpoint that stays down (503): the transport's own retries are the only ones (3 + 1 attempts)
    server = fake_rpc(lambda req: (503, {}, 0.0))
    async with fast(server.url, retries=3) as rpc:
        with pytest.raises(DFPNError):
            await rpc.get_balance(Pubkey.default())
    assert len(server.calls) == 4


async def test_a_json_rpc_error_sent_with_an_http_error_status_is_mapped(fake_rpc: Any) -> None:
    # Given a provider that refuses a key with HTTP 401 and a JSON-RPC error body
    error = {"code": -32401, "message": "invalid api key"}
    server = fake_rpc(lambda req: (401, {"jsonrpc": "2.0", "id": req["id"], "error": error}, 0.0))
    async with fast(server.url) as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.get_balance(Pubkey.default())
    # Then its message comes through, once (an answer, not retried)
    assert err.value.code is ErrorCode.RPC_ERROR and "invalid api key" in err.value.message
    assert len(server.calls) == 1


async def test_an_error_without_data_or_with_an_unknown_code_keeps_its_message(fake_rpc: Any) -> None:
    # Given errors that solders' typed parsers cannot take (no `data`: a Rust panic; an unknown code: message lost)
    errors = iter(
        [{"code": -32005, "message": "Node is unhealthy"}, {"code": -32099, "message": "quota exceeded"}]
    )
    server = fake_rpc(lambda req: (200, {"jsonrpc": "2.0", "id": req["id"], "error": next(errors)}, 0.0))
    async with fast(server.url) as rpc:
        for expected in ("Node is unhealthy", "quota exceeded"):
            with pytest.raises(DFPNError) as err:
                await rpc.get_account(Pubkey.default())
            # Then each is an RPC_ERROR with the node's own message and code
            assert err.value.code is ErrorCode.RPC_ERROR and expected in err.value.message
    assert "-32099" in err.value.message


# ---- retries -----------------------------------------------------------------------------------------------


async def test_given_a_flaky_endpoint_when_reading_then_it_retries_and_succeeds(fake_rpc: Any) -> None:
    # Given an endpoint that answers 503 twice, then a balance
    answers = iter([(503, {}, 0.0), (503, {}, 0.0)])

    def reply(req: dict[str, Any]) -> tuple[int, Any, float]:
        return next(answers, (200, ok({"context": {"slot": 1}, "value": 42})(req), 0.0))

    server = fake_rpc(reply)
    async with fast(server.url) as rpc:
        # When reading a balance
        balance = await rpc.get_balance(Pubkey.default())
    # Then the third attempt's answer is returned
    assert balance == 42
    assert server.methods() == ["getBalance"] * 3


async def test_given_an_endpoint_that_stays_down_then_the_error_is_bounded_and_clear(fake_rpc: Any) -> None:
    server = fake_rpc(lambda req: (503, {}, 0.0))
    async with fast(server.url, retries=4) as rpc:
        started = time.monotonic()
        with pytest.raises(DFPNError) as err:
            await rpc.get_balance(Pubkey.default())
    assert err.value.code is ErrorCode.RPC_ERROR  # an outage, not RPC_UNREACHABLE: every retry is made
    assert (
        "after 5 attempts" in str(err.value) and "HTTP 503" in str(err.value) and server.url in str(err.value)
    )
    assert len(server.calls) == 5
    assert time.monotonic() - started < 5


async def test_given_no_server_then_a_refused_connection_is_reported_within_seconds() -> None:
    # Given a port that was just bound and closed: nothing listens there; and the default retry policy
    url = f"http://127.0.0.1:{free_port()}"
    async with RpcTransport(url) as rpc:
        # When reading from it
        started = time.monotonic()
        with pytest.raises(DFPNError) as err:
            await rpc.unix_timestamp()
        elapsed = time.monotonic() - started
    # Then RPC_UNREACHABLE names the endpoint and says what to do, well before the ~8 s of outage retries
    assert err.value.code is ErrorCode.RPC_UNREACHABLE
    assert url in err.value.message and "connection refused" in err.value.message
    assert "make localnet" in err.value.message  # the hint: start the node or fix the URL
    assert elapsed < 4.0  # a 1 s retry budget, with room for a loaded machine


async def test_a_refused_connection_is_tried_again_within_the_budget_and_a_node_coming_up_is_used(
    fake_rpc: Any,
) -> None:
    # Given a port where a node starts listening 0.1 s after the first attempt (a node restarting)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started: list[FakeRpc] = []

    def start_later() -> None:
        time.sleep(0.1)
        server = FakeRpc(lambda req: (200, ok({"context": {"slot": 1}, "value": 7})(req), 0.0), port=port)
        started.append(server)

    thread = threading.Thread(target=start_later)
    thread.start()
    try:
        async with RpcTransport(url) as rpc:
            # When reading, Then the answer of the node that came up is returned (no RPC_UNREACHABLE)
            assert await rpc.get_balance(Pubkey.default()) == 7
    finally:
        thread.join()
        for server in started:
            server.close()


async def test_an_unknown_host_is_unreachable_not_an_outage() -> None:
    # Given a host name that cannot resolve (.invalid is reserved for that, RFC 6761)
    async with RpcTransport("http://no-such-node.invalid:8899") as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.get_balance(Pubkey.default())
    # Then it is RPC_UNREACHABLE saying the host does not resolve
    assert err.value.code is ErrorCode.RPC_UNREACHABLE and "cannot resolve the host" in err.value.message


async def test_given_a_hanging_endpoint_then_each_call_times_out(fake_rpc: Any) -> None:
    server = fake_rpc(lambda req: (200, ok(1)(req), 2.0))
    async with fast(server.url, retries=1, request_timeout=0.2) as rpc:
        started = time.monotonic()
        with pytest.raises(DFPNError) as err:
            await rpc.minimum_balance_for_rent_exemption(100)
    assert err.value.code is ErrorCode.RPC_ERROR and "timeout" in str(err.value)
    assert time.monotonic() - started < 1.5


async def test_a_json_rpc_error_is_an_answer_and_is_not_retried(fake_rpc: Any) -> None:
    error = {"code": -32602, "message": "Invalid param: WrongSize"}
    server = fake_rpc(lambda req: (200, {"jsonrpc": "2.0", "id": req["id"], "error": error}, 0.0))
    async with fast(server.url) as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.get_account(Pubkey.default())
    assert err.value.code is ErrorCode.RPC_ERROR and "WrongSize" in str(err.value)
    assert len(server.calls) == 1


async def test_an_endpoint_that_is_not_json_rpc_is_named(fake_rpc: Any) -> None:
    server = fake_rpc(lambda req: (200, None, 0.0))
    async with fast(server.url) as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.get_account(Pubkey.default())
    assert err.value.code is ErrorCode.RPC_ERROR and "is it a Solana RPC" in str(err.value)


# ---- transactions ------------------------------------------------------------------------------------------

BLOCKHASH = {
    "context": {"slot": 1},
    "value": {"blockhash": "11111111111111111111111111111111", "lastValidBlockHeight": 150},
}


async def test_a_failed_preflight_maps_to_the_programs_error_with_its_logs(fake_rpc: Any) -> None:
    # Given an endpoint whose simulation of a DFPN instruction fails with DeadlineTooShort
    logs = ["Program 14Ua... invoke [1]", "Program log: deadline too short", "Program 14Ua... failed"]
    deadline_code = ErrorCode.DEADLINE_TOO_SHORT.program_code

    def reply(req: dict[str, Any]) -> tuple[int, Any, float]:
        if req["method"] == "getLatestBlockhash":
            return 200, ok(BLOCKHASH)(req), 0.0
        error = {
            "code": -32002,
            "message": "Transaction simulation failed: Error processing Instruction 0: custom program error",
            "data": {"err": {"InstructionError": [0, {"Custom": deadline_code}]}, "logs": logs},
        }
        return 200, {"jsonrpc": "2.0", "id": req["id"], "error": error}, 0.0

    server = fake_rpc(reply)
    payer = Keypair()
    async with fast(server.url) as rpc:
        # When a set_paused is sent
        with pytest.raises(DFPNError) as err:
            await rpc.send_transaction([ix.set_paused(authority=payer.pubkey(), paused=True)], [payer])
    # Then the program's error code comes back with the logs, and the transaction was sent once
    assert err.value.code is ErrorCode.DEADLINE_TOO_SHORT
    assert err.value.logs == logs
    assert server.methods() == ["getLatestBlockhash", "sendTransaction"]


async def test_a_system_program_custom_error_is_not_read_as_a_dfpn_code(fake_rpc: Any) -> None:
    def reply(req: dict[str, Any]) -> tuple[int, Any, float]:
        if req["method"] == "getLatestBlockhash":
            return 200, ok(BLOCKHASH)(req), 0.0
        data = {"err": {"InstructionError": [0, {"Custom": 1}]}, "logs": []}
        error = {"code": -32002, "message": "Transaction simulation failed", "data": data}
        return 200, {"jsonrpc": "2.0", "id": req["id"], "error": error}, 0.0

    server = fake_rpc(reply)
    payer = Keypair()
    send = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=Pubkey.default(), lamports=1))
    async with fast(server.url) as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.send_transaction([send], [payer])
    assert err.value.code is ErrorCode.INSUFFICIENT_FUNDS


async def test_an_unconfirmed_transaction_times_out_when_its_blockhash_expires(fake_rpc: Any) -> None:
    # Given an endpoint that accepts the transaction but never confirms it, while block height passes expiry
    def reply(req: dict[str, Any]) -> tuple[int, Any, float]:
        answers = {
            "getLatestBlockhash": BLOCKHASH,
            "sendTransaction": "5" * 64,
            "getSignatureStatuses": {"context": {"slot": 1}, "value": [None]},
            "getBlockHeight": 151,
        }
        return 200, ok(answers[req["method"]])(req), 0.0

    server = fake_rpc(reply)
    payer = Keypair()
    async with fast(server.url, poll_interval=0.01) as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.send_transaction([ix.set_paused(authority=payer.pubkey(), paused=True)], [payer])
    assert err.value.code is ErrorCode.TIMEOUT and "blockhash expired" in str(err.value)


async def test_a_transaction_that_fails_after_landing_maps_its_error(fake_rpc: Any) -> None:
    def reply(req: dict[str, Any]) -> tuple[int, Any, float]:
        answers = {
            "getLatestBlockhash": BLOCKHASH,
            "sendTransaction": "5" * 64,
            "getSignatureStatuses": {
                "context": {"slot": 1},
                "value": [
                    {"err": {"InstructionError": [0, {"Custom": 6001}]}, "confirmationStatus": "confirmed"}
                ],
            },
            "getTransaction": None,
        }
        return 200, ok(answers[req["method"]])(req), 0.0

    server = fake_rpc(reply)
    payer = Keypair()
    async with fast(server.url, poll_interval=0.01) as rpc:
        with pytest.raises(DFPNError) as err:
            await rpc.send_transaction([ix.set_paused(authority=payer.pubkey(), paused=True)], [payer])
    assert err.value.code is ErrorCode.from_program_code(6001)


async def test_program_accounts_filters_by_discriminator(fake_rpc: Any) -> None:
    owner = str(PROGRAM_ID)
    item = {
        "pubkey": str(Pubkey.new_unique()),
        "account": {
            "lamports": 5,
            "owner": owner,
            "data": [base64.b64encode(b"12345678xyz").decode(), "base64"],
            "executable": False,
        },
    }
    server = fake_rpc(lambda req: (200, ok([item])(req), 0.0))
    async with fast(server.url) as rpc:
        found = await rpc.program_accounts(b"12345678")
    assert [a.data for a in found] == [b"12345678xyz"]
    params = server.calls[0]["params"]
    assert params[0] == owner
    memcmp = params[1]["filters"][0]["memcmp"]
    assert memcmp["offset"] == 0 and base64.b64decode(memcmp["bytes"]) == b"12345678"


async def test_program_accounts_sends_size_memcmp_and_slice_filters(fake_rpc: Any) -> None:
    item = {
        "pubkey": str(Pubkey.new_unique()),
        "account": {
            "lamports": 5,
            "owner": str(PROGRAM_ID),
            "data": [base64.b64encode(b"\1\0\0\0").decode(), "base64"],
            "executable": False,
        },
    }
    server = fake_rpc(lambda req: (200, ok([item])(req), 0.0))
    async with fast(server.url) as rpc:
        found = await rpc.program_accounts(
            b"12345678", data_size=272, memcmp=[(40, b"\7" * 32)], data_slice=(248, 4)
        )
    # Then the node got the discriminator and each memcmp (base64), the size filter and the slice
    assert [a.data for a in found] == [b"\1\0\0\0"]
    config = server.calls[0]["params"][1]
    memcmps = [f["memcmp"] for f in config["filters"] if "memcmp" in f]
    assert [(m["offset"], base64.b64decode(m["bytes"])) for m in memcmps] == [
        (0, b"12345678"),
        (40, b"\7" * 32),
    ]
    assert {"dataSize": 272} in config["filters"]
    assert config["dataSlice"] == {"offset": 248, "length": 4}


# ---- subscriptions -----------------------------------------------------------------------------------------


async def test_an_account_notification_wakes_the_waiter_before_the_poll_interval() -> None:
    # Given a PubSub server that confirms a subscription and pushes one notification after 0.2 s
    async def pubsub(ws: Any) -> None:
        request = json.loads(await ws.recv())
        assert request["method"] == "accountSubscribe"
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": 7}))
        await asyncio.sleep(0.2)
        account = {"lamports": 1, "owner": str(PROGRAM_ID), "data": ["", "base64"], "executable": False}
        result = {"context": {"slot": 1}, "value": {**account, "rentEpoch": 0, "space": 0}}
        note = {
            "jsonrpc": "2.0",
            "method": "accountNotification",
            "params": {"subscription": 7, "result": result},
        }
        await ws.send(json.dumps(note))
        await asyncio.sleep(5)

    async with websockets.serve(pubsub, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with fast("http://127.0.0.1:1", ws_url=f"ws://127.0.0.1:{port}") as rpc:
            # When waiting for a change with a 5 s poll interval
            started = time.monotonic()
            await rpc.wait_for_change(Pubkey.default(), 5.0)
            # Then the notification ends the wait early
            assert time.monotonic() - started < 2


async def test_without_a_websocket_waiting_falls_back_to_polling() -> None:
    async with fast("http://127.0.0.1:1", ws_url=f"ws://127.0.0.1:{free_port()}", retries=1) as rpc:
        started = time.monotonic()
        await rpc.wait_for_change(Pubkey.default(), 0.3)  # first wait: the subscription gives up meanwhile
        await asyncio.sleep(0.2)
        await rpc.wait_for_change(Pubkey.default(), 0.3)  # then plain sleeping
        assert 0.7 < time.monotonic() - started < 3


async def test_get_accounts_reads_up_to_100_per_call_in_order(fake_rpc: Any) -> None:
    # Given 250 addresses of which every third holds an account
    addresses = [Pubkey.new_unique() for _ in range(250)]
    held = {str(a): n for n, a in enumerate(addresses) if n % 3 == 0}

    def reply(req: dict[str, Any]) -> tuple[int, Any, float]:
        assert req["method"] == "getMultipleAccounts"
        value = [
            {"lamports": held[a], "owner": str(PROGRAM_ID), "data": ["", "base64"], "executable": False}
            if a in held
            else None
            for a in req["params"][0]
        ]
        return 200, ok({"context": {"slot": 1}, "value": value})(req), 0.0

    server = fake_rpc(reply)
    # When they are read at once
    async with fast(server.url) as rpc:
        found = await rpc.get_accounts(addresses)
    # Then three calls of at most 100 addresses read them, and the answer keeps their order
    assert [len(c["params"][0]) for c in server.calls] == [100, 100, 50]
    assert [a.lamports if a is not None else None for a in found] == [
        n if n % 3 == 0 else None for n in range(250)
    ]
    assert all(a.address == addresses[a.lamports] for a in found if a is not None)


async def test_get_accounts_refuses_an_answer_of_the_wrong_length(fake_rpc: Any) -> None:
    # Given an endpoint that answers getMultipleAccounts with one account fewer than asked
    server = fake_rpc(lambda req: (200, ok({"context": {"slot": 1}, "value": [None]})(req), 0.0))
    async with fast(server.url) as rpc:
        # Control: one address, one answer
        assert await rpc.get_accounts([Pubkey.new_unique()]) == [None]
        # When two are asked for, then the answer is refused with what came back
        with pytest.raises(DFPNError) as e:
            await rpc.get_accounts([Pubkey.new_unique(), Pubkey.new_unique()])
    assert e.value.code == ErrorCode.RPC_ERROR and "getMultipleAccounts" in str(e.value)
