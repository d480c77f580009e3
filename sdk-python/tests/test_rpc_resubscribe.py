"""Resubscription details of `RpcTransport` against small real servers (the drops against a real validator are in
tests/test_subscription_resume.py at the repository root): the bounded de-duplication set, and a server that
closes the websocket cleanly (code 1000) right after subscribing, which is a drop too."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import websockets
from solders.pubkey import Pubkey

from dfpn.generated import PROGRAM_ID
from dfpn.rpc import RpcTransport, _RecentSignatures


def test_recent_signatures_remember_the_last_size_only() -> None:
    recent = _RecentSignatures(2)
    assert [recent.add("a"), recent.add("a"), recent.add("b"), recent.add("c")] == [True, False, True, True]
    assert recent.add("b") is False  # still among the last two
    assert recent.add("a") is True  # forgotten: the memory is bounded


@pytest.fixture
def account_rpc() -> Iterator[tuple[str, list[str]]]:
    """An HTTP JSON-RPC server answering getAccountInfo with an account of 777 lamports; records the methods."""
    methods: list[str] = []
    value = {
        "lamports": 777,
        "owner": str(PROGRAM_ID),
        "data": [base64.b64encode(b"x").decode(), "base64"],
        "executable": False,
    }

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            methods.append(body["method"])
            result = {"context": {"slot": 1}, "value": value}
            data = json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": result}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", methods
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("close_first", [False, True])
async def test_a_clean_close_resubscribes_and_yields_the_current_account(
    account_rpc: tuple[str, list[str]], close_first: bool
) -> None:
    # Given a PubSub server that (when close_first) answers the first subscription, then closes with 1000
    url, methods = account_rpc
    subscriptions = 0

    async def pubsub(ws: Any) -> None:
        nonlocal subscriptions
        request = json.loads(await ws.recv())
        subscriptions += 1
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": subscriptions}))
        if close_first and subscriptions == 1:
            await ws.close(1000)
            return
        await ws.wait_closed()

    async with websockets.serve(pubsub, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with RpcTransport(url, ws_url=f"ws://127.0.0.1:{port}", backoff_base=0.01) as rpc:
            updates = rpc.account_updates(Pubkey.default())
            # When following the account
            try:
                first = await asyncio.wait_for(anext(updates), 3)
            except TimeoutError:
                first = None
            await updates.aclose()
    if close_first:
        # Then the close is a drop: resubscribed, and the account's state is read afresh and yielded
        assert subscriptions == 2
        assert first is not None and first.lamports == 777
        assert methods == ["getAccountInfo"]
    else:
        # Control: an open subscription with no change yields nothing and reads nothing
        assert subscriptions == 1 and first is None and methods == []
