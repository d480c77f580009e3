"""`RpcTransport`: the SDK over Solana JSON-RPC (HTTP) and its websocket PubSub, for devnet, a local validator
(`solana-test-validator`, `dfpn localnet`) or any RPC URL.

HTTP goes through solana-py's `solana.rpc.async_api.AsyncClient` (its own, or one the caller passes:
`RpcTransport(AsyncClient(url, extra_headers=...))`), with `AsyncClient.send_rpc_request`, which keeps a JSON-RPC
error object whole (code, message, data). The typed `AsyncClient.get_*` methods are not used: solders' typed reply
parsers panic on an error without `data` (a Rust panic, a `BaseException`) and drop the message of an error code
they do not know (figures and details: sdk-python/README.md, "Why solana-py's generic call"). Subscriptions use
`solana.rpc.websocket_api.SolanaWsClient` (typed notifications, websockets' keepalive pings).

Failure policy (what "never hangs" means here):
- Every HTTP call has a timeout (`request_timeout`, default 10 s).
- Transport failures (connection reset, timeouts, HTTP 429 and 5xx) are retried with exponential backoff and
  full jitter, `retries` times (default 5, delays 0.25 s doubling up to 4 s); then `DFPNError(RPC_ERROR)` says
  which endpoint failed and how often.
- Nothing answering at all (connection refused, an unknown host, no route) is not an outage to wait out: it is
  tried again only within `unreachable_budget` (1 s: a node restarting on the spot), then
  `DFPNError(RPC_UNREACHABLE)` names the endpoint and says to start the node or fix the URL.
- JSON-RPC errors are answers, not outages: they are mapped at once (`dfpn.errors.from_rpc_error`), so a failed
  preflight simulation becomes the program's own error code with its logs.
- A sent transaction is confirmed by polling `getSignatureStatuses` until it is confirmed, fails, or its
  blockhash expires (`TIMEOUT`, the transaction can safely be rebuilt and resent), bounded by
  `confirm_timeout`. Re-sending the same signed transaction is idempotent (same signature), so a send is retried
  like a read.
"""

from __future__ import annotations

import asyncio
import base64
import errno
import logging
import random
import socket
import struct
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
import websockets
from pydantic import ValidationError
from solana.exceptions import SolanaRpcException
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment
from solana.rpc.jsonrpc import JsonRpcRequest, SolanaJsonRpcError
from solana.rpc.websocket_api import SolanaWsClient, Subscription
from solders.account import Account
from solders.errors import SerdeJSONError
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.rpc.config import RpcTransactionLogsFilterMentions
from solders.rpc.responses import AccountNotification, LogsNotification, Notification
from solders.transaction import Transaction

from dfpn.errors import DFPNError, ErrorCode, from_rpc_error, from_transaction_error
from dfpn.generated import PROGRAM_ID
from dfpn.transport import LOGS_GAP, SLOT_SECONDS, AccountInfo, TransactionRecord, Transport

logger = logging.getLogger(__name__)

#: Named clusters. "localnet" is solana-test-validator's (and `dfpn-localnet up`'s) default ports.
NETWORKS: dict[str, tuple[str, str]] = {
    "localnet": ("http://127.0.0.1:8899", "ws://127.0.0.1:8900"),
    "devnet": ("https://api.devnet.solana.com", "wss://api.devnet.solana.com"),
    "testnet": ("https://api.testnet.solana.com", "wss://api.testnet.solana.com"),
    "mainnet": ("https://api.mainnet-beta.solana.com", "wss://api.mainnet-beta.solana.com"),
}
#: Other spellings of the named clusters (the Solana CLI's moniker for mainnet).
NETWORK_ALIASES: dict[str, str] = {"mainnet-beta": "mainnet"}

CLOCK_SYSVAR = Pubkey.from_string("SysvarC1ock11111111111111111111111111111111")
_CLOCK_UNIX_TIMESTAMP = (
    32  # slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, then this
)
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
#: Most account subscriptions one transport keeps open for `wait_for_change`.
MAX_WATCHED = 64
#: Most signatures one getSignatureStatuses call takes (the RPC's limit).
_STATUSES_PER_CALL = 256
#: Most addresses one getMultipleAccounts call takes (the RPC's limit).
MULTIPLE_ACCOUNTS = 100


def websocket_url(http_url: str) -> str:
    """The PubSub URL of an RPC URL by Solana's convention: ws(s) scheme, and port + 1 when a port is given."""
    parts = urlsplit(http_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    netloc = parts.netloc
    if parts.port is not None:
        host = netloc.rsplit(":", 1)[0]
        netloc = f"{host}:{parts.port + 1}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, ""))


def resolve_network(network: str) -> tuple[str, str, str]:
    """(name, http URL, websocket URL) for a cluster name or an http(s) URL; `NETWORK_NOT_SUPPORTED` for an
    unknown name or a malformed URL (no host, a port that is not a number, spaces)."""
    name = NETWORK_ALIASES.get(network, network)
    if name in NETWORKS:
        http, ws = NETWORKS[name]
        return name, http, ws
    if network.startswith(("http://", "https://")):
        problem = _url_problem(network)
        if problem is not None:
            raise DFPNError(
                ErrorCode.NETWORK_NOT_SUPPORTED, f"{network!r} is not a valid RPC URL: {problem}."
            )
        return network, network, websocket_url(network)
    raise DFPNError(ErrorCode.NETWORK_NOT_SUPPORTED, f"unknown network {network!r}.")


def _url_problem(url: str) -> str | None:
    """What makes `url` unusable as an RPC URL, or None."""
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return "it contains whitespace or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:  # a port that is not a number or out of range, a bad IPv6 literal
        return str(e)
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "port 0 is not a port a node listens on"
    return None


def _unreachable(error: BaseException) -> str | None:
    """Why nothing answers at an endpoint (connection refused, unknown host, no route), from an httpx connect
    error's causes; None for other failures (TLS, resets), which are retried like any outage."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return "connection refused: nothing listens there"
        if isinstance(current, socket.gaierror):
            return f"cannot resolve the host ({current.strerror})"
        if isinstance(current, OSError) and current.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return f"no route to the host ({current.strerror})"
        current = current.__cause__ or current.__context__
    return None


def _endpoint(client: AsyncClient) -> str:
    """The RPC URL an AsyncClient sends to (solana-py keeps it on its HTTP provider)."""
    provider = getattr(client, "_provider", None)
    endpoint = getattr(provider, "endpoint_uri", None)
    if not endpoint:
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"cannot tell which endpoint {client!r} sends to")
    return str(endpoint)


class _ReplyError(Exception):
    """A JSON-RPC error object the node answered with (an answer, not an outage: never retried)."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.error = error


def _error_object(response: httpx2.Response) -> dict[str, Any] | None:
    """The JSON-RPC error object in an HTTP error response's body, if it holds one."""
    try:
        payload = response.json()
    except ValueError:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else None


def _first_problem(error: ValidationError) -> str:
    errors = error.errors()
    return (errors[0]["msg"] if errors else str(error))[:120]


class RpcTransport(Transport):
    """The `Transport` interface over JSON-RPC. Use `async with RpcTransport("localnet") as rpc:` or close it.

    `network`: a cluster name ("localnet", "devnet", ...), an http(s) RPC URL, or a solana-py
    `AsyncClient` (also as `client=`), whose endpoint, headers, proxy, timeout, connection limits and rate limit
    are then used as they are. A client passed in stays the caller's: `close()` leaves it open. The transport's own
    client has `request_timeout` and no retries of its own (`retries` here are the bounded ones described above)."""

    clock_slack = 10
    #: Websocket keepalive: a ping every `ws_ping_interval` s; no pong within `ws_ping_timeout` s means a dead
    #: (half-open) connection, which is closed and resubscribed.
    ws_ping_interval = 10.0
    ws_ping_timeout = 10.0
    #: Failed websocket connects in a row before a subscription gives up (`DFPNError(RPC_ERROR)`); with the
    #: backoff, about a minute of outage.
    ws_retries = 30
    #: Most transactions `program_logs` replays after a drop; beyond that it yields `LOGS_GAP` (poll instead).
    replay_limit = 1000
    #: Signatures per `getSignaturesForAddress` page of a replay (the node's maximum).
    replay_page = 1000
    #: Seconds after a resubscription's replay before a second one: a node lists a transaction in
    #: `getSignaturesForAddress` a moment after confirming it, so one that landed just before the new subscription
    #: took hold can be missing from the first listing and never pushed live.
    replay_settle = 1.5
    #: Signatures `program_logs` remembers to deliver each transaction once (replay and live overlap).
    dedup_window = 4096
    #: Seconds during which a refused connection or an unknown host is tried again (short delays) before
    #: `RPC_UNREACHABLE`: nothing listening is not an outage to wait out, but a node may be restarting.
    unreachable_budget = 1.0

    def __init__(
        self,
        network: str | AsyncClient | None = None,
        *,
        client: AsyncClient | None = None,
        program_id: Pubkey = PROGRAM_ID,
        ws_url: str | None = None,
        commitment: str = "confirmed",
        request_timeout: float = 10.0,
        retries: int = 5,
        backoff_base: float = 0.25,
        backoff_max: float = 4.0,
        confirm_timeout: float = 90.0,
        poll_interval: float = 0.4,
    ) -> None:
        if isinstance(network, AsyncClient):
            if client is not None:
                raise DFPNError(
                    ErrorCode.INVALID_ARGUMENT, "pass the AsyncClient once: as network or as client="
                )
            network, client = None, network
        if client is not None:
            if network is not None:
                raise DFPNError(
                    ErrorCode.INVALID_ARGUMENT,
                    f"network={network!r} and client= both name an endpoint; the client's is used: drop network",
                )
            network = _endpoint(client)
        self.name, self.url, default_ws = resolve_network(network or "localnet")
        self.ws_url = ws_url or default_ws
        self.program_id = program_id
        self.commitment = commitment
        self.request_timeout = request_timeout
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.confirm_timeout = confirm_timeout
        self.poll_interval = poll_interval
        #: The solana-py client every HTTP call goes through.
        self.client: AsyncClient = client or AsyncClient(
            self.url, timeout=request_timeout, max_transport_retries=0
        )
        self._owns_client = client is None
        self._ids = 0
        #: Confirmations in flight share their polls: one getSignatureStatuses (and one getBlockHeight) per
        #: round for every signature waited on, instead of two calls per transaction per `poll_interval`.
        self._status_waiters: dict[str, list[asyncio.Future[Any]]] = {}
        self._status_collecting = False
        self._status_rounds: set[asyncio.Task[None]] = set()
        self._height: tuple[float, int] | None = None
        self._watchers: dict[Pubkey, tuple[asyncio.Task[None], asyncio.Event]] = {}

    async def __aenter__(self) -> RpcTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the subscriptions and close the HTTP client, unless it was passed in (the caller closes it)."""
        for task, _ in self._watchers.values():
            task.cancel()
        await asyncio.gather(*(t for t, _ in self._watchers.values()), return_exceptions=True)
        self._watchers.clear()
        if self._owns_client:
            await self.client.close()

    # ---- JSON-RPC ------------------------------------------------------------------------------------------

    def _delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))

    async def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call with bounded retries on transport failures; returns `result` (plain JSON), raises the
        mapped `DFPNError` for a JSON-RPC error."""
        try:
            return await self._exchange(method, list(params))
        except _ReplyError as e:
            raise from_rpc_error(e.error, context=method) from None

    async def _exchange(self, method: str, params: list[Any]) -> Any:
        """Send one JSON-RPC request through the AsyncClient, retrying transport failures; returns `result`, raises
        `_ReplyError` with the JSON-RPC error object."""
        self._ids += 1
        request = JsonRpcRequest(id=self._ids, method=method, params=params)
        last = ""
        started = time.monotonic()
        unreachable: str | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self._delay(attempt - 1)
                if unreachable is not None:
                    # Nothing answered: try again only while a short budget lasts (a node restarting).
                    delay = min(0.1 * 2 ** (attempt - 1), self.backoff_max)
                    if time.monotonic() - started + delay > self.unreachable_budget:
                        break
                logger.info(
                    "%s %s failed (%s); retry %d/%d in %.2fs",
                    self.url,
                    method,
                    last,
                    attempt,
                    self.retries,
                    delay,
                )
                await asyncio.sleep(delay)
            unreachable = None
            try:
                return await self.client.send_rpc_request(request, Any)
            except SolanaJsonRpcError as e:
                raise _ReplyError({"code": e.code, "message": e.message, "data": e.data}) from None
            except ValidationError as e:  # the body is not JSON, or not a JSON-RPC reply
                raise DFPNError(
                    ErrorCode.RPC_ERROR,
                    f"{self.url} answered {method} with no JSON-RPC reply ({_first_problem(e)}); is it a "
                    f"Solana RPC?",
                ) from None
            except SolanaRpcException as e:
                failure = e.__cause__ or e
                if isinstance(failure, httpx2.HTTPStatusError):
                    status = failure.response.status_code
                    if status in _RETRY_STATUS:
                        last = f"HTTP {status}"
                        continue
                    error = _error_object(failure.response)
                    if error is not None:  # a JSON-RPC error sent with a 4xx (an API key refused, ...)
                        raise _ReplyError(error) from None
                    raise DFPNError(
                        ErrorCode.RPC_ERROR,
                        f"{self.url} answered {method} with HTTP {status} and no JSON-RPC reply; is it a Solana "
                        f"RPC?",
                    ) from None
                if isinstance(failure, httpx2.TimeoutException):
                    last = f"timeout: {type(failure).__name__}"
                elif isinstance(failure, httpx2.ConnectError):
                    unreachable = _unreachable(failure)
                    last = f"{type(failure).__name__}: {unreachable or failure}"
                else:
                    last = f"{type(failure).__name__}: {failure}"
        if unreachable is not None:
            where = self.url if self.name == self.url else f"{self.url} ({self.name})"
            raise DFPNError(ErrorCode.RPC_UNREACHABLE, f"{where} is unreachable ({method}): {unreachable}.")
        raise DFPNError(
            ErrorCode.RPC_ERROR,
            f"{self.url} did not answer {method} after {self.retries + 1} attempts ({last}). Check that the RPC "
            f"endpoint is up and reachable, or use another one.",
        )

    # ---- Transport -----------------------------------------------------------------------------------------

    async def get_account(self, address: Pubkey) -> AccountInfo | None:
        result = await self.call(
            "getAccountInfo", str(address), {"encoding": "base64", "commitment": self.commitment}
        )
        return _account(address, result.get("value") if isinstance(result, dict) else None)

    async def get_accounts(self, addresses: Sequence[Pubkey]) -> list[AccountInfo | None]:
        found: list[AccountInfo | None] = []
        for start in range(0, len(addresses), MULTIPLE_ACCOUNTS):
            batch = addresses[start : start + MULTIPLE_ACCOUNTS]
            result = await self.call(
                "getMultipleAccounts", [str(a) for a in batch], {"encoding": "base64", "commitment": self.commitment}
            )
            values = result.get("value") if isinstance(result, dict) else None
            if not isinstance(values, list) or len(values) != len(batch):
                raise DFPNError(
                    ErrorCode.RPC_ERROR, f"{self.url} answered getMultipleAccounts with {str(result)[:200]}"
                )
            found += [_account(a, v) for a, v in zip(batch, values, strict=True)]
        return found

    async def get_balance(self, address: Pubkey) -> int:
        result = await self.call("getBalance", str(address), {"commitment": self.commitment})
        return int(result["value"])

    async def latest_blockhash(self) -> tuple[Hash, int]:
        result = await self.call("getLatestBlockhash", {"commitment": self.commitment})
        value = result["value"]
        return Hash.from_string(value["blockhash"]), int(value["lastValidBlockHeight"])

    async def send_transaction(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> TransactionRecord:
        signature, message = await self._send_and_confirm(instructions, signers, self.commitment)
        record = await self._fetch_transaction(signature)
        if record is None:  # confirmed but not yet served by getTransaction
            record = TransactionRecord(signature, 0, tuple(message.account_keys), ())
        return record

    async def send_and_confirm(
        self,
        instructions: Sequence[Instruction],
        signers: Sequence[Keypair],
        *,
        commitment: str | None = None,
    ) -> str:
        """Send and wait until the transaction reaches `commitment` (default: the transport's); returns the
        signature without fetching the transaction (no logs: one round trip less than `send_transaction`).
        "processed" answers about a slot sooner than "confirmed", for a caller that checks the outcome again
        later (the gateway's watcher reads the request at the transport's commitment)."""
        signature, _ = await self._send_and_confirm(instructions, signers, commitment or self.commitment)
        return signature

    async def send_unconfirmed(self, instructions: Sequence[Instruction], signers: Sequence[Keypair]) -> str:
        """Send and return the signature once the node accepted the transaction (its preflight simulation passed,
        so a program error is raised here as by `send_transaction`), without waiting for it to land. The node
        keeps sending it until its blockhash expires (about a minute); whoever calls this checks the outcome
        later (the gateway's watcher reads the request and gives it `LANDING_GRACE` to appear)."""
        _, _, signature, _ = await self._sign_and_send(instructions, signers)
        return signature

    async def _send_and_confirm(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], commitment: str
    ) -> tuple[str, Message]:
        message, last_valid, signature, program_index = await self._sign_and_send(instructions, signers)
        await self._confirm(signature, last_valid, program_index, commitment)
        return signature, message

    async def _sign_and_send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> tuple[Message, int, str, dict[int, bool]]:
        """Sign with a fresh blockhash and send: (message, last valid block height, signature, which
        instructions are the program's)."""
        if not signers:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, "a transaction needs at least one signer (the fee payer)"
            )
        blockhash, last_valid = await self.latest_blockhash()
        message = Message.new_with_blockhash(list(instructions), signers[0].pubkey(), blockhash)
        tx = Transaction(list(signers), message, blockhash)
        program_index = {n: i.program_id == self.program_id for n, i in enumerate(instructions)}
        wire = base64.b64encode(bytes(tx)).decode()
        return message, last_valid, await self._send(wire, program_index), program_index

    async def _send(self, wire: str, program_index: dict[int, bool]) -> str:
        try:
            return str(
                await self._exchange(
                    "sendTransaction", [wire, {"encoding": "base64", "preflightCommitment": self.commitment}]
                )
            )
        except _ReplyError as e:
            error = e.error
        # A failed preflight simulation: map the transaction error with the instruction indexes, so that only a
        # DFPN instruction's Custom code is read as a DFPN error.
        data = error.get("data")
        if isinstance(data, dict) and data.get("err") is not None:
            logs = [str(x) for x in data.get("logs") or ()]
            raise from_transaction_error(data["err"], program_index=program_index, logs=logs)
        raise from_rpc_error(error, context="sendTransaction")

    async def _confirm(
        self, signature: str, last_valid: int, program_index: dict[int, bool], commitment: str | None = None
    ) -> None:
        commitment = commitment or self.commitment
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.confirm_timeout
        while True:
            status = await self._signature_status(signature)
            if status is not None:
                if status.get("err") is not None:
                    record = await self._fetch_transaction(signature)
                    raise from_transaction_error(
                        status["err"],
                        program_index=program_index,
                        logs=record.logs if record else (),
                        signature=signature,
                    )
                if (
                    status.get("confirmationStatus") in ("confirmed", "finalized")
                    or commitment == "processed"
                ):
                    return
            height = await self._block_height()
            if height > last_valid:
                raise DFPNError(
                    ErrorCode.TIMEOUT,
                    f"transaction {signature} was not confirmed before its blockhash expired; it did not land, "
                    f"send it again.",
                    signature=signature,
                )
            if loop.time() > give_up:
                raise DFPNError(
                    ErrorCode.TIMEOUT,
                    f"transaction {signature} not confirmed within {self.confirm_timeout:.0f} s; check it with "
                    f"getSignatureStatuses before sending again.",
                    signature=signature,
                )
            await asyncio.sleep(self.poll_interval)

    async def _signature_status(self, signature: str) -> Any:
        """The signature's status (None: unknown yet), from the next shared getSignatureStatuses round."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._status_waiters.setdefault(signature, []).append(future)
        if not self._status_collecting:
            self._status_collecting = True
            task = asyncio.create_task(self._statuses_round())
            self._status_rounds.add(task)  # a strong reference while it runs
            task.add_done_callback(self._status_rounds.discard)
        return await future

    async def _statuses_round(self) -> None:
        """Answer every waiting signature with one getSignatureStatuses per 256 of them."""
        await asyncio.sleep(0)  # the callers of this loop iteration join the round
        waiters, self._status_waiters, self._status_collecting = self._status_waiters, {}, False
        signatures = list(waiters)
        try:
            for start in range(0, len(signatures), _STATUSES_PER_CALL):
                batch = signatures[start : start + _STATUSES_PER_CALL]
                result = await self.call("getSignatureStatuses", batch, {"searchTransactionHistory": False})
                for signature, status in zip(batch, result["value"], strict=True):
                    for future in waiters.pop(signature):
                        if not future.done():
                            future.set_result(status)
        except BaseException as e:
            cancelled = DFPNError(ErrorCode.RPC_ERROR, "confirmation cancelled")
            failure = e if isinstance(e, Exception) else cancelled
            for futures in waiters.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(failure)
            if not isinstance(e, Exception):
                raise

    async def _block_height(self) -> int:
        """The block height, read at most once per `poll_interval` for every confirmation in flight."""
        now = asyncio.get_running_loop().time()
        if self._height is None or now - self._height[0] >= self.poll_interval:
            height = int(await self.call("getBlockHeight", {"commitment": self.commitment}))
            self._height = (now, height)
        return self._height[1]

    async def _fetch_transaction(self, signature: str, attempts: int = 5) -> TransactionRecord | None:
        for attempt in range(attempts):
            record = await self.get_transaction(signature)
            if record is not None:
                return record
            await asyncio.sleep(self.poll_interval * (attempt + 1))
        return None

    async def unix_timestamp(self) -> int:
        # "processed": the newest slot's clock, the one the next transaction will see (or close to it).
        result = await self.call(
            "getAccountInfo", str(CLOCK_SYSVAR), {"encoding": "base64", "commitment": "processed"}
        )
        clock = _account(CLOCK_SYSVAR, result.get("value") if isinstance(result, dict) else None)
        if clock is None or len(clock.data) < _CLOCK_UNIX_TIMESTAMP + 8:
            raise DFPNError(ErrorCode.RPC_ERROR, f"{self.url} returned no Clock sysvar")
        return int(struct.unpack_from("<q", clock.data, _CLOCK_UNIX_TIMESTAMP)[0])

    async def minimum_balance_for_rent_exemption(self, size: int) -> int:
        return int(await self.call("getMinimumBalanceForRentExemption", size))

    async def slot(self, commitment: str = "processed") -> int:
        """The node's current slot (`getSlot`)."""
        return int(await self.call("getSlot", {"commitment": commitment}))

    async def next_slot(self) -> None:
        """Wait until the node's processed slot moves past the one it reports now (polled every `poll_interval`
        / 4, at most about five slot times)."""
        start = await self.slot()
        for _ in range(int(5 * SLOT_SECONDS / (self.poll_interval / 4)) + 1):
            await asyncio.sleep(self.poll_interval / 4)
            if await self.slot() > start:
                return

    async def signatures_for_address(self, address: Pubkey) -> list[str]:
        result = await self.call(
            "getSignaturesForAddress", str(address), {"limit": 1000, "commitment": self.commitment}
        )
        return [str(item["signature"]) for item in result if item.get("err") is None]

    async def get_transaction(self, signature: str) -> TransactionRecord | None:
        result = await self.call(
            "getTransaction",
            signature,
            {"encoding": "json", "commitment": self.commitment, "maxSupportedTransactionVersion": 0},
        )
        if result is None:
            return None
        meta = result.get("meta") or {}
        keys = result["transaction"]["message"]["accountKeys"]
        return TransactionRecord(
            signature=signature,
            slot=int(result.get("slot", 0)),
            accounts=tuple(Pubkey.from_string(k if isinstance(k, str) else k["pubkey"]) for k in keys),
            logs=tuple(meta.get("logMessages") or ()),
            fee=int(meta.get("fee", 0)),
            compute_units=int(meta.get("computeUnitsConsumed", 0)),
        )

    async def program_accounts(
        self,
        discriminator: bytes,
        *,
        data_size: int | None = None,
        memcmp: Sequence[tuple[int, bytes]] = (),
        data_slice: tuple[int, int] | None = None,
    ) -> list[AccountInfo]:
        filters: list[dict[str, Any]] = [
            {"memcmp": {"offset": offset, "bytes": base64.b64encode(value).decode(), "encoding": "base64"}}
            for offset, value in ((0, discriminator), *memcmp)
        ]
        if data_size is not None:
            filters.append({"dataSize": data_size})
        config: dict[str, Any] = {"encoding": "base64", "commitment": self.commitment, "filters": filters}
        if data_slice is not None:
            config["dataSlice"] = {"offset": data_slice[0], "length": data_slice[1]}
        result = await self.call("getProgramAccounts", str(self.program_id), config)
        items = result.get("value", []) if isinstance(result, dict) else result
        accounts = []
        for item in items:
            account = _account(Pubkey.from_string(item["pubkey"]), item["account"])
            if account is not None:
                accounts.append(account)
        return accounts

    async def airdrop(self, address: Pubkey, lamports: int) -> str:
        """Ask the cluster's faucet for lamports (local validators and devnet) and wait until it lands."""
        signature = str(
            await self.call("requestAirdrop", str(address), lamports, {"commitment": self.commitment})
        )
        _, last_valid = await self.latest_blockhash()
        await self._confirm(signature, last_valid + 150, {})
        return signature

    async def health(self) -> bool:
        """True when the node answers `getHealth` with "ok"."""
        try:
            return bool(await self.call("getHealth") == "ok")
        except DFPNError:
            return False

    # ---- websocket PubSub ----------------------------------------------------------------------------------

    async def wait_for_change(self, address: Pubkey, timeout: float) -> None:
        """Wait for an `accountSubscribe` notification for `address` (one subscription per address, kept open),
        at most `timeout` seconds. Without a working websocket this is plain polling."""
        watcher = self._watchers.get(address)
        if watcher is None:
            if len(self._watchers) >= MAX_WATCHED:  # a long-lived client: drop the oldest subscription
                await self.stop_watching(next(iter(self._watchers)))
            event = asyncio.Event()
            task = asyncio.create_task(self._watch(address, event), name=f"watch {address}")
            watcher = self._watchers[address] = (task, event)
        task, event = watcher
        if task.done():
            await asyncio.sleep(timeout)
            return
        try:
            # not wait_for: on Python 3.11 it can swallow a cancellation (gh-86296)
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return
        event.clear()

    async def stop_watching(self, address: Pubkey) -> None:
        watcher = self._watchers.pop(address, None)
        if watcher is not None:
            watcher[0].cancel()
            await asyncio.gather(watcher[0], return_exceptions=True)

    async def _watch(self, address: Pubkey, event: asyncio.Event) -> None:
        try:
            async for _ in self.account_updates(address):
                event.set()
        except DFPNError as e:
            logger.warning("no account subscription for %s (%s); polling instead", address, e)

    async def account_updates(self, address: Pubkey) -> AsyncIterator[AccountInfo | None]:
        """Yield the account each time it changes (`accountSubscribe`). After a dropped subscription it
        reconnects with backoff, resubscribes and yields the account's current state once (a fresh
        `getAccountInfo`), so a change made while it was down is not missed."""
        commitment = Commitment(self.commitment)

        def subscribe(ws: SolanaWsClient) -> Awaitable[Subscription]:
            return ws.account_subscribe(pubkey=address, commitment=commitment, encoding="base64")

        async for value in self._subscribe("accountSubscribe", subscribe):
            if isinstance(value, _Subscribed):
                if value.again:
                    try:
                        yield await self.get_account(address)
                    except DFPNError as e:  # the next notification still comes; the caller polls anyway
                        logger.warning("could not read %s after resubscribing: %s", address, e)
                continue
            if isinstance(value, AccountNotification):
                yield _solders_account(address, value.result.value)

    async def program_logs(self) -> AsyncIterator[tuple[str, list[str]]]:
        """Yield (signature, logs) for each successful transaction that mentions the program (`logsSubscribe`),
        in the order they land, each once.

        After a drop (a closed socket, or a silent one: no pong within `ws_ping_timeout`) it resubscribes, then
        replays what landed meanwhile: `getSignaturesForAddress(program, until=<newest signature seen>)`, oldest
        first, each transaction's logs from `getTransaction`, de-duplicated against the live subscription (the
        last `dedup_window` signatures). When more than `replay_limit` landed, or the node cannot list them, it
        yields `(LOGS_GAP, [])` instead: the consumer must poll at once."""
        mentions = RpcTransactionLogsFilterMentions(self.program_id)
        commitment = Commitment(self.commitment)

        def subscribe(ws: SolanaWsClient) -> Awaitable[Subscription]:
            return ws.logs_subscribe(filter_=mentions, commitment=commitment)

        seen = _RecentSignatures(self.dedup_window)
        # The newest signature delivered (or skipped as failed): a replay starts after it.
        bookmark: str | None = None
        async for value in self._subscribe("logsSubscribe", subscribe):
            if isinstance(value, _Subscribed):
                if not value.again:  # subscribed first: everything newer than the program's newest is ours
                    bookmark = await self._newest_signature(bookmark)
                    continue
                replay = _Replay(bookmark)
                async for item in self._replay(replay, seen):
                    yield item
                await asyncio.sleep(self.replay_settle)  # live notifications wait in the socket meanwhile
                async for item in self._replay(replay, seen):
                    yield item
                bookmark = replay.bookmark
                continue
            if not isinstance(value, LogsNotification):
                continue
            inner = value.result.value
            signature = str(inner.signature)
            if not seen.add(signature):
                continue
            bookmark = signature
            if inner.err is None:
                yield signature, list(inner.logs)

    async def _newest_signature(self, fallback: str | None) -> str | None:
        """The program's newest transaction signature (`fallback` when the node cannot say)."""
        try:
            page = await self.call(
                "getSignaturesForAddress", str(self.program_id), {"limit": 1, "commitment": self.commitment}
            )
        except DFPNError as e:
            logger.warning("cannot read the newest signature of %s: %s", self.program_id, e)
            return fallback
        return str(page[0]["signature"]) if page else fallback

    async def _replay(self, replay: _Replay, seen: _RecentSignatures) -> AsyncIterator[tuple[str, list[str]]]:
        """Yield the successful program transactions that landed after `replay.bookmark`, oldest first, and move
        the bookmark to the newest; `(LOGS_GAP, [])` when they cannot all be replayed."""
        try:
            missed = await self._signatures_after(replay.bookmark)
        except DFPNError as e:
            logger.warning("cannot list the transactions missed by the log subscription: %s", e)
            replay.bookmark = await self._newest_signature(replay.bookmark)
            yield LOGS_GAP, []
            return
        if missed is None:
            logger.warning(
                "more than %d transactions missed by the log subscription: poll", self.replay_limit
            )
            replay.bookmark = await self._newest_signature(replay.bookmark)
            yield LOGS_GAP, []
            return
        logger.info("log subscription resumed: replaying %d missed transactions", len(missed))
        for signature, failed in missed:
            replay.bookmark = signature
            if not seen.add(signature) or failed:
                continue
            try:
                logs = await self._transaction_logs(signature)
            except DFPNError as e:
                logger.warning("cannot read missed transaction %s: %s", signature, e)
                logs = None
            if logs is None:  # listed but not served: the consumer must look for itself
                yield LOGS_GAP, []
            else:
                yield signature, logs

    async def _signatures_after(self, until: str | None) -> list[tuple[str, bool]] | None:
        """(signature, failed) of the program's transactions newer than `until`, oldest first, paging back
        `replay_page` at a time; None when there are more than `replay_limit`."""
        found: list[tuple[str, bool]] = []
        config: dict[str, Any] = {"commitment": self.commitment}
        if until is not None:
            config["until"] = until
        while True:
            config["limit"] = min(self.replay_page, self.replay_limit + 1 - len(found))
            page = await self.call("getSignaturesForAddress", str(self.program_id), config)
            found.extend((str(item["signature"]), item.get("err") is not None) for item in page)
            if len(found) > self.replay_limit:
                return None
            if len(page) < config["limit"]:
                found.reverse()
                return found
            config["before"] = found[-1][0]

    async def _transaction_logs(self, signature: str, attempts: int = 3) -> list[str] | None:
        """A listed transaction's logs; None when the node does not serve it after a few tries."""
        for attempt in range(attempts):
            record = await self.get_transaction(signature)
            if record is not None:
                return list(record.logs)
            await asyncio.sleep(self.poll_interval * (attempt + 1))
        return None

    async def _subscribe(
        self, method: str, subscribe: Callable[[SolanaWsClient], Awaitable[Subscription]]
    ) -> AsyncIterator[Notification | _Subscribed]:
        """Yield each notification (solders' typed form), and a `_Subscribed` marker each time the subscription is
        (re)established, over solana-py's `SolanaWsClient`. Reconnects with backoff after a drop: a closed socket,
        or no pong to a keepalive ping within `ws_ping_timeout` (a half-open connection); gives up after
        `ws_retries` failed attempts in a row."""
        attempt = 0
        subscribed = False
        while True:
            ws = SolanaWsClient(
                self.ws_url,
                request_timeout=10,
                open_timeout=10,
                ping_interval=self.ws_ping_interval,
                ping_timeout=self.ws_ping_timeout,
                close_timeout=self.ws_ping_timeout,
            )
            try:
                async with ws:
                    try:
                        await subscribe(ws)
                    except SolanaJsonRpcError as e:
                        raise from_rpc_error(
                            {"code": e.code, "message": e.message, "data": e.data}, context=method
                        ) from None
                    attempt = 0
                    yield _Subscribed(again=subscribed)
                    subscribed = True
                    async for note in ws:
                        yield note
                # The server closed the connection cleanly: resubscribe too, but not in a tight loop.
                raise ConnectionError("closed by the server")
            except (TimeoutError, OSError, websockets.WebSocketException) as e:
                if attempt >= self.ws_retries:
                    raise DFPNError(
                        ErrorCode.RPC_ERROR,
                        f"websocket {self.ws_url} unavailable for {method} after {attempt + 1} attempts: {e}",
                    ) from e
                delay = self._delay(attempt)
                attempt += 1
                logger.info(
                    "websocket %s %s dropped (%s); reconnecting in %.2fs", self.ws_url, method, e, delay
                )
                await asyncio.sleep(delay)
            except (ValueError, SerdeJSONError, SolanaJsonRpcError) as e:  # a frame solders cannot read
                raise DFPNError(
                    ErrorCode.RPC_ERROR, f"websocket {self.ws_url} sent {method} something unreadable: {e}"
                ) from e


@dataclass(frozen=True, slots=True)
class _Subscribed:
    """`_subscribe`'s marker: the subscription is (again, after a drop, when `again`) established."""

    again: bool


@dataclass(slots=True)
class _Replay:
    """Where a replay starts (the newest signature delivered), moved to the newest one replayed."""

    bookmark: str | None


class _RecentSignatures:
    """The last `size` signatures seen, to deliver each transaction once when a replay and the live subscription
    overlap. Bounded: a long-lived subscription does not grow."""

    def __init__(self, size: int) -> None:
        self._order: deque[str] = deque()
        self._set: set[str] = set()
        self._size = size

    def add(self, signature: str) -> bool:
        """Remember `signature`; False when it was already among the last `size`."""
        if signature in self._set:
            return False
        self._order.append(signature)
        self._set.add(signature)
        if len(self._order) > self._size:
            self._set.discard(self._order.popleft())
        return True


def _account(address: Pubkey, value: Any) -> AccountInfo | None:
    if not value:
        return None
    data = value.get("data")
    raw = base64.b64decode(data[0]) if isinstance(data, list) else b""
    return AccountInfo(
        address=address,
        lamports=int(value["lamports"]),
        owner=Pubkey.from_string(value["owner"]),
        data=raw,
        executable=bool(value.get("executable", False)),
    )


def _solders_account(address: Pubkey, account: Account | None) -> AccountInfo | None:
    if account is None:
        return None
    return AccountInfo(
        address=address,
        lamports=account.lamports,
        owner=account.owner,
        data=bytes(account.data),
        executable=account.executable,
    )


__all__ = ["NETWORKS", "RpcTransport", "resolve_network", "websocket_url"]
