"""The service layer: `Gateway`, everything the routes ask of the network, through the SDK (`AsyncDFPNClient`).

Routes parse HTTP and call one method here; this module knows no HTTP beyond the `ApiError`s it raises. A
submission runs in named steps: check the request (`_check`), price it (`_price`), reserve quota (`QuotaGate`),
pin the media, record the intent (`_record_intent`, so a crash before confirmation is recovered on restart), send
the transaction (`_send_transaction`) and confirm (`_confirm`).

What keeps a submission short (issue #16): the on-chain configuration is reused for `config_cache_seconds`, the
clock comes from the watcher's reading (one per second for the whole gateway), and on a cluster the seats are
drawn by the watcher right after the answer instead of before it: the answer waits for one confirmed transaction
and nothing else."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, replace
from typing import Literal

from dfpn.client import AsyncDFPNClient
from dfpn.errors import DFPNError, ErrorCode
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.models import Modality, SubmittedRequest
from dfpn.pda import request_address
from dfpn_gateway import __version__
from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.errors import ApiError, GatewayCode
from dfpn_gateway.media import FILE_FIELD, Upload, check_kind
from dfpn_gateway.recovery import recover_submissions
from dfpn_gateway.redact import redact_text
from dfpn_gateway.runtime import Runtime, open_runtime
from dfpn_gateway.schemas import (
    MODALITY_BY_NAME,
    FeeEstimate,
    Health,
    RequestList,
    RequestView,
    Submission,
    SubmitFields,
    modality_names,
    request_view,
)
from dfpn_gateway.webhooks import check_url

logger = logging.getLogger(__name__)

_NONCE_BITS = 63
#: How long /v1/health waits for the wallet's balance.
HEALTH_TIMEOUT = 5


@dataclass(frozen=True)
class _Plan:
    """A checked submission: what the program will be asked for."""

    modalities: list[Modality]
    min_workers: int
    max_workers: int
    deadline_seconds: int
    content_hash: bytes


class QuotaGate:
    """Quota reservations of the submissions in flight, per key.

    A submission reserves one request of its key's quota in the database (a hold, so that neither a crash nor
    another replica can overspend it) after its cheap checks, and gives it back at once when it fails. While holds of
    submissions still in flight fill the quota (on this replica or another), a new submission waits (at most
    `wait_seconds`) for one of them to end instead of being refused: a submission that fails would otherwise have
    made a valid one get 429 (issue #16: 10 of 20 on localnet, with 10 failing on purpose and a quota of 10). 429
    comes only when landed submissions used the quota up, or after the wait. A hold given back on this replica wakes
    its waiters at once; one given back on another replica is seen within `POLL` seconds."""

    #: Seconds between looks at the database while waiting for another replica's holds.
    POLL = 0.25

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self._changed = asyncio.Condition()

    async def reserve(self, store: st.Store, key_id: str, owner: str) -> str | None:
        """Take one request of the key's quota for replica `owner`: the hold, or None when the quota is used up (by
        landed submissions, or still after `wait_seconds`)."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.wait_seconds
        async with self._changed:
            while (hold := store.reserve_quota(key_id, owner)) is None:
                remaining = give_up - loop.time()
                if remaining <= 0 or not store.holds(key_id):
                    return None
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min(remaining, self.POLL)):
                        await self._changed.wait()
            return hold

    async def settle(self, store: st.Store, hold: str, *, landed: bool) -> None:
        """The submission ended: its reservation became usage (`landed`) or is given back (unless the submission's
        record gave it back already), and waiters look again."""
        if not landed:
            store.release_hold(hold)
        async with self._changed:
            self._changed.notify_all()


class Gateway:
    """The app's state: settings, and while the app runs, its `Runtime` (store, client, watcher, deliverer)."""

    def __init__(self, settings: Settings, client: AsyncDFPNClient | None = None) -> None:
        self.settings = settings
        self._given_client = client
        self.quota = QuotaGate(settings.quota_wait_seconds)
        self._rt: Runtime | None = None

    @property
    def rt(self) -> Runtime:
        if self._rt is None:
            raise ApiError(503, ErrorCode.RPC_ERROR.value, "the gateway is starting or stopping")
        return self._rt

    # ---- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the runtime, join the fleet (taking over what replicas that are gone left), settle interrupted
        submissions, then start delivering webhooks and following open requests."""
        rt = self._rt = open_runtime(self.settings, self._given_client)
        # Fees, the worker floor and the limits change rarely (governance): read them at most this often.
        rt.client.config_max_age = self.settings.config_cache_seconds
        # Answer once the node accepted the submission (`submit_wait`, "sent" by default): the watcher then reads
        # it at the transport's commitment and gives it `LANDING_GRACE` seconds to appear there.
        rt.client.submit_commitment = self.settings.submit_wait
        _open, submitting = rt.replica.join()
        await recover_submissions(rt.store, rt.client, submitting)

        def follow(request_ids: list[str]) -> None:
            for request_id in request_ids:
                rt.watcher.follow(request_id)

        async def settle(request_ids: list[str]) -> None:
            await recover_submissions(rt.store, rt.client, request_ids, reconcile=False)

        rt.replica.on_requests = follow
        rt.replica.on_submitting = settle
        rt.deliverer.start()
        rt.watcher.start()
        rt.replica.start()
        logger.info(
            "gateway up: network %s, wallet %s, storage %s, database %s, replica %s",
            rt.client.transport.name,
            rt.client.wallet.pubkey(),
            rt.media.backend,
            rt.store.describe(),
            rt.replica.id,
        )

    async def stop(self) -> None:
        """Stop following and delivering (waiting for deliveries in flight), leave the fleet (handing open requests
        to the other replicas); close what `start` opened (a client given to the constructor stays open)."""
        rt, self._rt = self._rt, None
        if rt is None:
            return
        await rt.watcher.stop()
        await rt.deliverer.stop()
        await rt.replica.stop()
        if self._given_client is None:
            await rt.client.close()
        rt.store.close()
        logger.info("gateway stopped")

    # ---- requests --------------------------------------------------------------------------------------------

    async def submit(self, key: st.ApiKey, fields: SubmitFields, upload: Upload | None) -> RequestView:
        """Check, price and send a request paid from the gateway's wallet; the quota is given back when it
        fails."""
        rt = self.rt  # one runtime for the whole submission, its clean-up included
        plan = await self._floor(rt, self._check(fields, upload), fields)
        max_fee = await self._price(rt, plan, fields)
        hold = await self.quota.reserve(rt.store, key.id, rt.replica.id)
        if hold is None:
            raise _quota_exhausted(key)
        landed = False
        try:
            view = await self._send(rt, key, fields, upload, plan, max_fee, hold)
            landed = True
            return view
        finally:
            await self.quota.settle(rt.store, hold, landed=landed)

    def _check(self, fields: SubmitFields, upload: Upload | None) -> _Plan:
        """Worker counts, deadline, media (an upload of a kind the modalities take, or a URI with its hash) and
        webhook URL, with the gateway's defaults filled in."""
        s = self.settings
        modalities = [MODALITY_BY_NAME[n] for n in fields.modalities]
        min_workers = fields.min_workers or s.default_min_workers
        max_workers = fields.max_workers or min_workers
        if max_workers < min_workers:
            raise ApiError(
                400,
                ErrorCode.INVALID_WORKER_COUNT.value,
                f"max_workers ({max_workers}) must be at least min_workers ({min_workers})",
            )
        deadline_seconds = fields.deadline_seconds or s.default_deadline_seconds
        if deadline_seconds > s.max_deadline_seconds:
            raise ApiError(
                400,
                ErrorCode.INVALID_ARGUMENT.value,
                f"deadline_seconds {deadline_seconds} is over this gateway's maximum of {s.max_deadline_seconds}",
            )
        content_hash = _content_hash(fields, upload, modalities)
        if fields.webhook_url is not None:
            check_url(fields.webhook_url, s)
        return _Plan(modalities, min_workers, max_workers, deadline_seconds, content_hash)

    async def _floor(self, rt: Runtime, plan: _Plan, fields: SubmitFields) -> _Plan:
        """The network's limits: the deadline within the program's bounds (400 DEADLINE_TOO_SHORT/LONG), and the
        gateway's default `min_workers` raised to the network's floor (`min_workers_floor`) when the client
        named none; a named one below the floor is refused (400 MIN_WORKERS_BELOW_FLOOR)."""
        params = (await rt.client.get_config()).params
        _check_deadline(plan.deadline_seconds, params.min_deadline_secs, params.max_deadline_secs)
        floor = params.min_workers_floor
        if plan.min_workers >= floor:
            return plan
        if fields.min_workers is not None:
            raise ApiError(
                400,
                ErrorCode.MIN_WORKERS_BELOW_FLOOR.value,
                f"min_workers {plan.min_workers} is below this network's floor of {floor} workers per request",
            )
        return replace(plan, min_workers=floor, max_workers=max(plan.max_workers, floor))

    async def _price(self, rt: Runtime, plan: _Plan, fields: SubmitFields) -> int:
        """The most the request may escrow: `max_fee_lamports` (default: exactly the fee), at least the fee and
        at most the gateway's cap."""
        fee = await rt.client.estimate_fee_lamports(plan.modalities, plan.min_workers)
        max_fee = fields.max_fee_lamports or fee
        if max_fee < fee:
            raise ApiError(
                400,
                ErrorCode.MAX_FEE_TOO_LOW.value,
                f"max_fee_lamports {max_fee} is below the fee of {fee} lamports for these modalities and workers",
            )
        cap = self.settings.max_fee_cap_lamports
        if cap is not None and max_fee > cap:
            raise ApiError(
                400,
                GatewayCode.FEE_CAP_EXCEEDED,
                f"this gateway escrows at most {cap} lamports per request (asked: {max_fee})",
            )
        return max_fee

    async def _send(
        self,
        rt: Runtime,
        key: st.ApiKey,
        fields: SubmitFields,
        upload: Upload | None,
        plan: _Plan,
        max_fee: int,
        hold: str,
    ) -> RequestView:
        """Pin the upload, record the intent (it takes over the quota hold), send the transaction, confirm and
        follow the request."""
        uri = fields.media_uri if upload is None else await rt.media.pin(upload)
        assert uri is not None
        nonce = secrets.randbits(_NONCE_BITS)
        address = await _record_intent(rt, key, fields, upload, plan, uri, nonce, max_fee, hold)
        try:
            sub = await _send_transaction(rt, plan, uri, nonce, max_fee)
        except BaseException:
            rt.store.drop_request(address)
            raise
        return _confirm(rt, key, sub, upload, uri)

    async def view(self, key: st.ApiKey, request_id: str) -> RequestView:
        """A request of this key: its stored view, with live seat counts while it is open."""
        rt = self.rt
        stored = rt.store.get_request(request_id)
        if stored is None or stored.key_id != key.id or stored.state == st.SUBMITTING:
            raise ApiError(
                404,
                ErrorCode.REQUEST_NOT_FOUND.value,
                f"no request {request_id} was submitted with this API key",
            )
        info = None
        if stored.state == st.OPEN:
            # The watcher's copy is current (every event of the request makes it read the account again): no
            # round trip per read. Read it only before the watcher has.
            info = rt.watcher.latest(request_id)
            try:
                info = info or await rt.client.get_request(request_id)
            except DFPNError as e:
                logger.info("live state of %s unavailable: %s", request_id, e)
        return request_view(stored, delivery=rt.store.get_delivery(request_id), info=info)

    async def list_requests(
        self, key: st.ApiKey, *, limit: int, cursor: str | None, status: str | None
    ) -> RequestList:
        """A page of this key's requests, newest first, from the database (no network round trip: open ones have
        no `progress` here; GET one for it). `cursor`: the `nextCursor` of the previous page."""
        before = decode_cursor(cursor) if cursor else None
        rows = self.rt.store.list_requests(key.id, limit=limit + 1, before=before, state=status)
        page = rows[:limit]
        next_cursor = encode_cursor(page[-1][0]) if len(rows) > limit else None
        return RequestList(
            requests=[request_view(stored, delivery=delivery) for stored, delivery in page],
            next_cursor=next_cursor,
        )

    # ---- fees and health -------------------------------------------------------------------------------------

    async def estimate_fee(self, modalities: list[Modality], min_workers: int) -> FeeEstimate:
        """What the program charges, from the on-chain configuration."""
        fee = await self.rt.client.estimate_fee_lamports(modalities, min_workers)
        return FeeEstimate(
            modalities=modality_names(sorted(modalities)),
            min_workers=min_workers,
            fee_lamports=fee,
            fee_sol=fee / LAMPORTS_PER_SOL,
        )

    async def health(self, *, detailed: bool = False) -> Health:
        """Liveness: ``degraded`` when the wallet's balance cannot be read. `detailed` (the caller has a valid
        key): also the wallet, its balance, the storage, open requests, pending webhooks and why it is degraded.
        The network's name and messages have their URLs redacted (an RPC URL may carry the provider's key)."""
        rt = self.rt
        detail: str | None = None
        lamports: int | None = None
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                lamports = await rt.client.transport.get_balance(rt.client.wallet.pubkey())
        except (DFPNError, TimeoutError) as e:
            detail = redact_text(f"network unreachable: {e or 'no answer within the health timeout'}")
        status: Literal["ok", "degraded"] = "ok" if detail is None else "degraded"
        network = redact_text(rt.client.transport.name)
        if not detailed:
            return Health(status=status, version=__version__, network=network)
        counts = rt.store.counts()
        return Health(
            database=rt.store.backend,
            replicas=len(rt.store.replicas()),
            status=status,
            version=__version__,
            network=network,
            program_id=str(rt.client.program_id),
            wallet=str(rt.client.wallet.pubkey()),
            wallet_lamports=lamports,
            storage=rt.media.backend,
            open_requests=counts["openRequests"],
            pending_webhooks=counts["pendingWebhooks"],
            detail=detail,
        )


async def _record_intent(
    rt: Runtime,
    key: st.ApiKey,
    fields: SubmitFields,
    upload: Upload | None,
    plan: _Plan,
    uri: str,
    nonce: int,
    max_fee: int,
    hold: str,
) -> str:
    """Store the submission under its request address before sending it (the record takes over the quota
    `hold`); returns the address. 429 when the hold was given back meanwhile (this replica was taken for dead) and
    the quota has no room to take it again."""
    address = str(request_address(rt.client.wallet.pubkey(), nonce, rt.client.program_id))
    intent = {
        "max_fee_lamports": max_fee,
        "media_type": upload.media_type.mime if upload is not None else None,
        "size_bytes": upload.size if upload is not None else None,
        "storage_uri": uri,
    }
    now = await rt.watcher.cluster_now()
    if not rt.store.begin_request(
        address,
        key.id,
        json.dumps(intent),
        fields.webhook_url,
        now + plan.deadline_seconds,
        owner=rt.replica.id,
        hold=hold,
    ):
        raise _quota_exhausted(key)
    return address


def _quota_exhausted(key: st.ApiKey) -> ApiError:
    return ApiError(
        429, GatewayCode.QUOTA_EXHAUSTED, f"API key {key.id} has used its quota of {key.quota} requests"
    )


_CURSOR_PREFIX = "c1:"


def encode_cursor(stored: st.StoredRequest) -> str:
    """The opaque cursor of the page after `stored`: its (created_at, id), base64url."""
    raw = f"{_CURSOR_PREFIX}{stored.created_at!r}:{stored.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    """(created_at, id) of a cursor `encode_cursor` made; 400 INVALID_ARGUMENT for anything else."""
    bad = ApiError(
        400,
        ErrorCode.INVALID_ARGUMENT.value,
        f"cursor {cursor[:80]!r} is not a cursor this gateway returned: pass a nextCursor unchanged",
    )
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError) as e:
        raise bad from e
    if not text.startswith(_CURSOR_PREFIX):
        raise bad
    created, sep, request_id = text.removeprefix(_CURSOR_PREFIX).partition(":")
    try:
        created_at = float(created)
    except ValueError as e:
        raise bad from e
    if not sep or not request_id or created_at != created_at or created_at in (float("inf"), float("-inf")):
        raise bad
    return created_at, request_id


async def _send_transaction(rt: Runtime, plan: _Plan, uri: str, nonce: int, max_fee: int) -> SubmittedRequest:
    """Send the submit transaction from the gateway's wallet (`max_fee` in lamports)."""
    return await rt.client.submit_request(
        uri=uri,
        content_hash=plan.content_hash,
        modalities=plan.modalities,
        min_workers=plan.min_workers,
        max_workers=plan.max_workers,
        max_fee_lamports=max_fee,
        deadline_seconds=plan.deadline_seconds,
        nonce=nonce,
        # On a cluster a draw waits for the next slot's hash and a confirmed transaction: the watcher draws as soon
        # as it follows the request, and the answer does not wait for it. The embedded network draws at once.
        draw=rt.client.transport.is_local,
    )


def _confirm(
    rt: Runtime, key: st.ApiKey, sub: SubmittedRequest, upload: Upload | None, uri: str
) -> RequestView:
    """Record the landed submission, start following it, and answer with its view."""
    media_type = upload.media_type.mime if upload is not None else None
    size = upload.size if upload is not None else None
    record = Submission(submitted=sub, media_type=media_type, size_bytes=size)
    rt.store.confirm_request(sub.id, record.model_dump_json(), sub.deadline, sub.fee_lamports)
    rt.watcher.follow(sub.id, landing=True)
    logger.info("key %s submitted %s (%s, fee %d)", key.id, sub.id, media_type or uri, sub.fee_lamports)
    stored = rt.store.get_request(sub.id)
    assert stored is not None
    return request_view(stored)


def _check_deadline(deadline_seconds: int, shortest: int, longest: int) -> None:
    """The program's deadline limits, checked before any quota is reserved (the program would refuse the same)."""
    if deadline_seconds < shortest:
        raise ApiError(
            400,
            ErrorCode.DEADLINE_TOO_SHORT.value,
            f"deadline_seconds {deadline_seconds} is below this network's minimum of {shortest} seconds",
        )
    if deadline_seconds > longest:
        raise ApiError(
            400,
            ErrorCode.DEADLINE_TOO_LONG.value,
            f"deadline_seconds {deadline_seconds} is above this network's maximum of {longest} seconds",
        )


def _content_hash(fields: SubmitFields, upload: Upload | None, modalities: list[Modality]) -> bytes:
    """The media's SHA-256: the upload's (of a kind every modality takes), or the given `content_hash` with
    `media_uri`; exactly one of the two."""
    if upload is not None:
        check_kind(upload.media_type, modalities)
        content_hash = upload.sha256
    elif fields.media_uri and fields.content_hash:
        content_hash = bytes.fromhex(fields.content_hash.removeprefix("0x"))
    else:
        raise ApiError(
            400,
            ErrorCode.INVALID_ARGUMENT.value,
            f"send the media as the form field {FILE_FIELD!r}, or give media_uri and content_hash",
        )
    if upload is not None and fields.media_uri:
        raise ApiError(400, ErrorCode.INVALID_ARGUMENT.value, "send either a file or media_uri, not both")
    return content_hash


__all__ = ["HEALTH_TIMEOUT", "Gateway", "QuotaGate", "decode_cursor", "encode_cursor"]
