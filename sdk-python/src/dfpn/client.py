"""`AsyncDFPNClient` and its synchronous facade `DFPNClient`.

```python
from dfpn import DFPNClient, Modality
with DFPNClient(network="local") as client:
    request = client.submit_request(media_path="photo.jpg", modalities=[Modality.FACE_MANIPULATION],
                                    min_workers=3, max_fee=0.01, deadline_seconds=300)
    result = client.wait_for_result(request.id, timeout=360)
```
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlparse

from pydantic import ValidationError
from solana.rpc.async_api import AsyncClient
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import draw as drawing
from dfpn import instructions as ix
from dfpn import protocol
from dfpn import storage as store
from dfpn.borsh import BorshError
from dfpn.commitment import Challenge, random_attestation
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.fees import LAMPORTS_PER_SOL, fee_from_params, sol_to_lamports
from dfpn.generated.constants import (
    CONSENSUS_NONE,
    REQUEST_STATUS_EXPIRED,
    REQUEST_STATUS_FINALIZED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_REVEALED,
)
from dfpn.generated.events import Event, RequestFinalized, RequestSubmitted
from dfpn.generated.types import Config, Model, Request, Seat
from dfpn.local import LocalNetwork, LocalWorkers, local_workers_entry_point, start_local_workers
from dfpn.mediatype import MODALITIES_BY_KIND, SNIFF_BYTES, media_kind
from dfpn.models import (
    AnalysisProgress,
    AnalysisResult,
    Audit,
    ConsensusType,
    Detection,
    DrawResult,
    FeeEstimate,
    Modality,
    ProgressStage,
    RequestInfo,
    RequestStatus,
    SeatInfo,
    SeatState,
    SubmittedRequest,
    Verdict,
    WorkerResult,
)
from dfpn.netguard import DestinationPolicy
from dfpn.pda import config_address, decode_model_id, random_request_nonce, request_address
from dfpn.rpc import RpcTransport
from dfpn.transport import AccountInfo, Transport

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Workers a request asks for when the caller does not say (raised to the network's `min_workers_floor`).
DEFAULT_MIN_WORKERS = 3
#: Lamports a wallet created by the client on the local network starts with (a wallet brought there gets them too).
LOCAL_WALLET_LAMPORTS = 10 * LAMPORTS_PER_SOL
#: Reference workers the client runs on an embedded network it creates, when a worker package is installed.
DEFAULT_LOCAL_WORKERS = 3
RequestId = str | Pubkey
#: An amount of SOL: exact as a `Decimal` or decimal string; a float (the specification's `max_fee=0.01`) is read
#: through its shortest repr; a `FeeEstimate` stands for its own amount.
MaxFeeSol = Decimal | str | float | int | FeeEstimate
#: Largest media `analyze` reads from a URI to hash it.
MAX_ANALYZE_URI_BYTES = 1 << 30
#: A progress callback (`AnalysisProgress` each time the request moves).
ProgressCallback = Callable[[AnalysisProgress], None]


def _address(request_id: RequestId) -> Pubkey:
    if isinstance(request_id, Pubkey):
        return request_id
    try:
        return Pubkey.from_string(str(request_id))
    except ValueError as e:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT, f"{request_id!r} is not a request id (a base58 address)."
        ) from e


#: What a network running on this machine serves reports and media from.
_LOOPBACK = DestinationPolicy.from_strings(["127.0.0.0/8", "::1/128"])


def _on_this_machine(transport: Transport) -> bool:
    """The embedded network, or an RPC node on a loopback address (a local validator)."""
    if transport.is_local:
        return True
    host = urlparse(getattr(transport, "url", "")).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _text(raw: bytes, length: int) -> str:
    return bytes(raw[:length]).decode("utf-8", errors="replace")


def _seat_info(seat: Seat) -> SeatInfo:
    state = SeatState.from_code(seat.state)
    revealed = state is SeatState.REVEALED
    committed = state in (SeatState.COMMITTED, SeatState.REVEALED)
    return SeatInfo(
        worker=str(seat.authority),
        state=state,
        model=str(seat.model) if committed else None,
        verdict=Verdict.from_code(seat.verdict) if revealed else None,
        confidence=seat.confidence if revealed else None,
        report_uri=_text(seat.report_uri, seat.report_uri_len) if revealed else None,
        report_hash=seat.report_hash.hex() if revealed else None,
        commitment=seat.commitment.hex() if committed else None,
        drawn_at=seat.drawn_at,
    )


def request_info(address: Pubkey, r: Request) -> RequestInfo:
    """A decoded request account as the user-facing model."""
    return RequestInfo(
        id=str(address),
        client=str(r.client),
        nonce=r.nonce,
        status=RequestStatus.from_code(r.status),
        content_hash=r.content_hash.hex(),
        storage_uri=_text(r.storage_uri, r.storage_uri_len),
        modalities=Modality.from_mask(r.modalities),
        min_workers=r.min_workers,
        max_workers=r.max_workers,
        joined=r.joined,
        commits=r.commits,
        reveals=r.reveals,
        verdict=Verdict.from_code(r.verdict),
        confidence=r.confidence,
        consensus_type=ConsensusType.from_code(r.consensus),
        fee_lamports=r.fee,
        escrow_lamports=r.escrow,
        created_at=r.created_at,
        commit_deadline=r.commit_deadline,
        deadline=r.deadline,
        finalized_at=r.finalized_at,
        non_reveal_slash_bps=r.non_reveal_slash_bps,
        challenge_slash_bps=r.challenge_slash_bps,
        attestation=bytes(r.attestation).hex(),
        challenge_label=Verdict.from_code(r.challenge_label) if r.challenged else None,
        seats=[_seat_info(s) for s in r.seats[: r.joined]],
    )


def fee_charged(r: Request) -> int:
    """The fee a finalized request charged (`dfpn.protocol.charged_fee`): all of it when its revealers reached a
    consensus (the agreeing ones are paid) or a known-answer challenge was revealed (the revealers of its label are
    paid; none of them: nothing charged), the request's `no_consensus_fee_bps` share of it without either (every
    revealer is paid), nothing without revealers; the rest of the escrow went back to the client."""
    winning = r.verdict if r.consensus != CONSENSUS_NONE else None
    label = r.challenge_label if r.challenged else None
    revealed = [s for s in r.seats[: r.joined] if s.state == SEAT_STATE_REVEALED]
    paid = sum(
        protocol.is_paid(s.verdict, consensus_verdict=winning, challenge_label=label) for s in revealed
    )
    consensus = winning is not None or label is not None
    return protocol.charged_fee(r.fee, paid, consensus, r.no_consensus_fee_bps)


def is_finalizable(r: Request, now: int) -> bool:
    """An open request its client may finalize now, signing as the client (`dfpn.protocol.finalizable`); anyone
    else may only once `is_finalizable_by_anyone`."""
    return protocol.finalizable(r, now)


def is_finalizable_by_anyone(r: Request, now: int) -> bool:
    """An open request anyone may finalize now, `FINALIZE_GRACE_SECS` after its deadline
    (`dfpn.protocol.finalizable_by_anyone`)."""
    return protocol.finalizable_by_anyone(r, now)


def is_expirable(r: Request, now: int) -> bool:
    """An open request that anyone may expire now (`dfpn.protocol.expirable`)."""
    return protocol.expirable(r, now)


class AsyncDFPNClient:
    """The DFPN client (async). Use as `async with AsyncDFPNClient(...) as client:`.

    `network`: "local" (an embedded LiteSVM with the program, see `LocalNetwork`), "localnet", "devnet", an RPC
    URL (`dfpn.rpc.RpcTransport`: JSON-RPC with bounded retries, websocket subscriptions), a solana-py
    `AsyncClient` (used by an `RpcTransport`; closing the client leaves it open) or a `Transport`.
    `wallet` pays and signs; on the local network a funded wallet is created when none is given. `auto_crank`:
    while waiting for a result, finalize a request that is finalizable, or expire one that can only expire (the
    client pays only the transaction fee, and an expiry returns its escrow). The wallet finalizes its own requests
    as soon as they are finalizable (it signs as the client); another client's only `FINALIZE_GRACE_SECS` after
    their deadline, as the program allows any finalizer but the client. It also keeps the seat draw moving
    (`draw_seats`): it draws a request nobody drew yet, replaces seats whose workers did not commit within half a
    commit window of their draw (`dfpn.protocol.answer_by`), and draws again every `REDRAW_INTERVAL` seconds while
    fewer than `min_workers` seats are drawn.
    """

    def __init__(
        self,
        network: str | Transport | AsyncClient = "local",
        wallet: Keypair | None = None,
        *,
        program_path: str | os.PathLike[str] | None = None,
        poll_interval: float | None = None,
        auto_crank: bool = True,
        storage: store.Backend | None = None,
        report_policy: DestinationPolicy | None = None,
        local_workers: int | None = None,
    ) -> None:
        self._owns_transport = not isinstance(network, Transport)
        if isinstance(network, Transport):
            self.transport: Transport = network
        elif network == "local":
            self.transport = LocalNetwork(program_path, follow_wall_clock=True)
        else:
            self.transport = RpcTransport(network)
        #: Reference workers the client starts on the embedded network it created (`LocalWorkers`), before its
        #: first submission: `local_workers` of them (default `DEFAULT_LOCAL_WORKERS` when a worker package is
        #: installed, else none).
        self._local_workers_wanted = self._local_worker_count(local_workers)
        self._local_workers: LocalWorkers | None = None
        if isinstance(self.transport, LocalNetwork):
            wallet = self._local_wallet(self.transport, wallet)
        #: The key that pays and signs; None: a read-only client (reads, `wait_for_result` without cranking).
        self._wallet = wallet
        self.poll_interval = (
            poll_interval if poll_interval is not None else (0.05 if self.transport.is_local else 2.0)
        )
        self.auto_crank = auto_crank
        self._request_txs: dict[str, str] = {}
        #: Model ids by model address (a model's id never changes).
        self._model_ids: dict[Pubkey, str] = {}
        #: Default backend for `submit_request(media_path=...)`: "file" on the local network, else "ipfs".
        self.storage: store.Backend = storage or ("file" if self.transport.is_local else "ipfs")
        self._ipfs = self.storage if isinstance(self.storage, store.IPFSStorage) else None
        self._s3 = self.storage if isinstance(self.storage, store.S3Storage) else None
        on_this_machine = _on_this_machine(self.transport)
        #: Where http(s) URIs that others chose (workers' report URIs, clients' media URIs) may be read from:
        #: public addresses, plus loopback when the network itself runs on this machine (`dfpn.netguard`).
        self.report_policy = report_policy or (_LOOPBACK if on_this_machine else DestinationPolicy())
        #: Whether such URIs may name a file:// path: only on a network running on this machine (a worker of a
        #: public network must not make this client read its own disk).
        self.read_local_files = on_this_machine
        #: Worker PDAs by pool index, for draws (read once, refreshed when a new index appears).
        self._pool: drawing.WorkerPool | None = None
        #: Seconds `get_config` may reuse the configuration it read last (0: always read). A busy submitter (the
        #: gateway) sets it: fees and limits change only by governance, and each read is a round trip.
        self.config_max_age = 0.0
        self._config: tuple[float, Config] | None = None
        #: Over JSON-RPC, what `submit_request` waits for: None, the transport's commitment, then the request is
        #: read back; "processed" (a slot sooner); "sent": only the node's acceptance (its preflight simulation
        #: passed; `RpcTransport.send_unconfirmed`). With "processed" or "sent" the `SubmittedRequest` is built
        #: from what was sent (the program records exactly that: the fee by `fee_from_params`, the commit deadline
        #: `reveal_window_secs` before the deadline) and the caller checks later that the request landed.
        self.submit_commitment: str | None = None
        #: Files `analyze` wrote from bytes, removed by `close`.
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    @property
    def program_id(self) -> Pubkey:
        return self.transport.program_id

    @property
    def wallet(self) -> Keypair:
        """The wallet; `WALLET_REQUIRED` on a read-only client (created without one)."""
        if self._wallet is None:
            raise DFPNError(
                ErrorCode.WALLET_REQUIRED,
                f"this client on {self.transport.name} was created without a wallet: it can read, not sign.",
            )
        return self._wallet

    @wallet.setter
    def wallet(self, wallet: Keypair) -> None:
        self._wallet = wallet

    @property
    def read_only(self) -> bool:
        """Created without a wallet: reads work, calls that sign raise `WALLET_REQUIRED`."""
        return self._wallet is None

    def _local_wallet(self, network: LocalNetwork, wallet: Keypair | None) -> Keypair:
        """On the embedded network: a funded throwaway wallet, or the one given, funded when this client just
        created the network (it has nothing there yet)."""
        if wallet is None:
            return network.funded_keypair(LOCAL_WALLET_LAMPORTS)
        if self._owns_transport and network.balance(wallet.pubkey()) < LOCAL_WALLET_LAMPORTS // 2:
            network.airdrop(wallet.pubkey(), LOCAL_WALLET_LAMPORTS)
        return wallet

    def _local_worker_count(self, wanted: int | None) -> int:
        if wanted is not None and wanted < 0:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"local_workers must be 0 or more, got {wanted}.")
        if not (self._owns_transport and isinstance(self.transport, LocalNetwork)):
            if wanted:
                raise DFPNError(
                    ErrorCode.INVALID_ARGUMENT,
                    'local_workers=... needs network="local" (the client starts workers only on a network '
                    "it created).",
                )
            return 0
        if wanted is None:
            return DEFAULT_LOCAL_WORKERS if local_workers_entry_point() is not None else 0
        return wanted

    async def _network_ready(self) -> None:
        """Start the embedded network's reference workers before the first request (a request draws its seats from
        the workers registered when it is submitted)."""
        if self._local_workers is not None or not self._local_workers_wanted:
            return
        assert isinstance(self.transport, LocalNetwork)
        self._local_workers = await start_local_workers(self.transport, self._local_workers_wanted)
        logger.info("embedded network: %d reference workers started", self._local_workers_wanted)

    async def __aenter__(self) -> AsyncDFPNClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the embedded network's workers (if this client started them) and close the transport it made."""
        if self._local_workers is not None:
            workers, self._local_workers = self._local_workers, None
            await workers.aclose()
        if self._owns_transport:
            await self.transport.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    # ---- reading -------------------------------------------------------------------------------------------

    async def get_config(self) -> Config:
        """The on-chain configuration (the one read less than `config_max_age` seconds ago, if any)."""
        clock = asyncio.get_running_loop().time()
        if self._config is not None and clock - self._config[0] < self.config_max_age:
            return self._config[1]
        address = config_address(self.program_id)
        account = await self.transport.get_account(address)
        if account is None or account.owner != self.program_id:
            raise DFPNError(
                ErrorCode.CONFIG_NOT_FOUND, f"no configuration at {address} on {self.transport.name}."
            )
        config = Config.from_account_data(account.data)
        self._config = (clock, config)
        return config

    async def estimate_fee(
        self, modalities: Iterable[Modality | int], min_workers: int | None = None
    ) -> FeeEstimate:
        """The fee the program will charge for these modalities and `min_workers` (default: what `submit_request`
        asks for), from the on-chain configuration, in lamports and in SOL (`FeeEstimate`)."""
        return FeeEstimate.from_lamports(await self.estimate_fee_lamports(modalities, min_workers))

    async def estimate_fee_lamports(
        self, modalities: Iterable[Modality | int], min_workers: int | None = None
    ) -> int:
        """`estimate_fee` in lamports."""
        config = await self.get_config()
        try:
            return fee_from_params(config.params, list(modalities), _min_workers(config, min_workers))
        except ValueError as e:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, str(e)) from e

    async def _load_request(self, address: Pubkey) -> Request:
        account = await self.transport.get_account(address)
        if account is None or account.owner != self.program_id:
            raise DFPNError(ErrorCode.REQUEST_NOT_FOUND, f"no request at {address} on {self.transport.name}.")
        try:
            return Request.from_account_data(account.data)
        except BorshError as e:
            raise DFPNError(ErrorCode.REQUEST_NOT_FOUND, f"{address} is not a request account: {e}.") from e

    async def get_request(self, request_id: RequestId) -> RequestInfo:
        """The request account, decoded."""
        address = _address(request_id)
        return request_info(address, await self._load_request(address))

    async def request_account(self, request_id: RequestId) -> Request:
        """The raw request account (`dfpn.generated.types.Request`, what `dfpn.protocol` reasons about)."""
        return await self._load_request(_address(request_id))

    async def request_accounts(self, request_ids: Sequence[RequestId]) -> list[Request | None]:
        """Many raw request accounts at once, None where there is none (or it is not a request): over JSON-RPC
        one `getMultipleAccounts` per 100 addresses (what a follower of many requests sweeps with), elsewhere one
        read each."""
        accounts = await self.transport.get_accounts([_address(r) for r in request_ids])
        return [_decode_request(a, self.program_id) for a in accounts]

    # ---- submitting ----------------------------------------------------------------------------------------

    async def submit_request(
        self,
        media_path: str | os.PathLike[str] | None = None,
        *,
        uri: str | None = None,
        content_hash: bytes | str | None = None,
        modalities: Sequence[Modality | int],
        min_workers: int | None = None,
        max_workers: int | None = None,
        max_fee: MaxFeeSol | None = None,
        max_fee_lamports: int | None = None,
        deadline_seconds: int = 300,
        storage: store.Backend | None = None,
        nonce: int | None = None,
        upload_progress: store.ProgressCallback | None = None,
        attestation: bytes | None = None,
        draw: bool = True,
    ) -> SubmittedRequest:
        """Submit media for analysis and escrow at most `max_fee` SOL (the specification's parameter: a `Decimal`,
        a decimal string, a float such as 0.01, or a `FeeEstimate`) or `max_fee_lamports` (an int); by default
        exactly the fee. Give one of the two.

        `min_workers`: by default `DEFAULT_MIN_WORKERS` (3), raised to the network's floor
        (`Config.params.min_workers_floor`); fewer than the floor is refused (`MIN_WORKERS_BELOW_FLOOR`).
        `max_workers`: by default `min_workers`.

        Seats are drawn, not taken: with `draw` (the default) the client draws the request's seats right after
        submitting (`draw_seats`, a slot or two later, when the draw slot's hash exists; the workers drawn are in
        `SubmittedRequest.drawn`). A failed draw does not fail the submission: `wait_for_result` and the worker
        nodes draw too. `draw=False` leaves it to them (or to a later `draw_seats`).

        Give `media_path` (hashed with SHA-256; stored with `storage`: "file", "ipfs", "s3" or a configured
        `IPFSStorage` / `S3Storage`, by default the client's `storage`; `upload_progress(sent, total)` follows
        the upload) or `uri` with `content_hash` (or with `media_path` to hash). The deadline is
        `deadline_seconds` after the cluster clock, plus the transport's `clock_slack` (10 s on RPC networks, for
        the clock moving on while the transaction lands, never beyond the network's maximum); the program refuses
        less than its minimum (`DEADLINE_TOO_SHORT`) and more than its maximum (`DEADLINE_TOO_LONG`). Without a
        `nonce`, a random unused one whose request address has the top canonical bump is chosen.

        `attestation`: the request's 32-byte attestation, by default 32 random bytes (`os.urandom`), so that
        ordinary requests and known-answer challenges look alike. A registered challenger passes
        `Challenge.attestation(request_address(wallet, nonce))` (or `challenge_attestation(...)`) with that `nonce`,
        and later reveals it (`reveal_challenge`, or `wait_for_result(..., challenge=...)`).
        """
        if not modalities:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, "modalities: name at least one Modality.")
        attestation = random_attestation() if attestation is None else bytes(attestation)
        if len(attestation) != 32:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, f"attestation must be 32 bytes, got {len(attestation)}."
            )
        client = self.wallet.pubkey()
        await self._network_ready()
        config = await self.get_config()
        min_workers = _min_workers(config, min_workers)
        escrow = _escrow_for_request(config, modalities, min_workers, max_fee, max_fee_lamports)
        digest, uri = await self._media_for_request(media_path, uri, content_hash, storage, upload_progress)
        nonce = await self._fresh_nonce(client) if nonce is None else nonce
        deadline = _deadline(
            await self.transport.unix_timestamp(),
            deadline_seconds,
            self.transport.clock_slack,
            config.params.max_deadline_secs,
        )
        instruction = ix.submit_request(
            client=client,
            nonce=nonce,
            content_hash=digest,
            storage_uri=uri,
            modalities=list(modalities),
            min_workers=min_workers,
            max_workers=min_workers if max_workers is None else max_workers,
            max_fee=escrow,
            deadline=deadline,
            attestation=attestation,
            program_id=self.program_id,
        )
        address = request_address(client, nonce, self.program_id)
        if self.submit_commitment is not None and isinstance(self.transport, RpcTransport):
            if self.submit_commitment == "sent":
                signature = await self.transport.send_unconfirmed([instruction], [self.wallet])
            else:
                signature = await self.transport.send_and_confirm(
                    [instruction], [self.wallet], commitment=self.submit_commitment
                )
            self._request_txs[str(address)] = signature
            submitted = SubmittedRequest(
                id=str(address),
                nonce=nonce,
                signature=signature,
                client=str(client),
                content_hash=digest.hex(),
                storage_uri=uri,
                modalities=Modality.from_mask(Modality.mask(modalities)),
                min_workers=min_workers,
                max_workers=min_workers if max_workers is None else max_workers,
                fee_lamports=fee_from_params(config.params, list(modalities), min_workers),
                max_fee_lamports=escrow,
                commit_deadline=deadline - config.params.reveal_window_secs,
                deadline=deadline,
                attestation=attestation.hex(),
            )
        else:
            submitted = await self._send_request(instruction, address, nonce)
        if not draw:
            return submitted
        try:
            result = await self.draw_seats(address)
        except DFPNError as e:
            logger.warning("request %s submitted, its seats not drawn yet: %s", address, e)
            return submitted
        return submitted.model_copy(update={"drawn": result.drawn})

    async def _media_for_request(
        self,
        media_path: str | os.PathLike[str] | None,
        uri: str | None,
        content_hash: bytes | str | None,
        storage: store.Backend | None,
        upload_progress: store.ProgressCallback | None,
    ) -> tuple[bytes, str]:
        """The content hash and storage URI of the media: hashed from `media_path` (checked against a given
        `content_hash`) and uploaded unless a `uri` is given."""
        if media_path is None and uri is None:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, "give media_path=... or uri=... (with content_hash=...)."
            )
        digest = _parse_hash(content_hash) if content_hash is not None else None
        if media_path is not None:
            path = Path(media_path)
            if not path.is_file():
                raise DFPNError(ErrorCode.MEDIA_NOT_FOUND, f"media file {path} does not exist.")
            actual = store.sha256_file(path)
            if digest is not None and digest != actual:
                raise DFPNError(
                    ErrorCode.CONTENT_HASH_MISMATCH,
                    f"{path} hashes to {actual.hex()}, not the given content_hash {digest.hex()}.",
                )
            digest = actual
            if uri is None:
                uri = await self._upload(path, storage or self.storage, upload_progress)
        if digest is None or uri is None:
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, "with uri=..., give content_hash=... or media_path=...."
            )
        return digest, uri

    async def _upload(
        self, path: Path, backend: store.Backend, upload_progress: store.ProgressCallback | None
    ) -> str:
        """Upload the media; the URI must fit the program's storage URI field."""
        if backend == "file" and not self.transport.is_local:
            raise DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, "file:// URIs are only for the local network.")
        uri = await store.upload(path, backend, progress=upload_progress)
        if len(uri.encode()) > store.MAX_STORAGE_URI:
            raise DFPNError(
                ErrorCode.INVALID_STORAGE_URI,
                f"{uri} is longer than the {store.MAX_STORAGE_URI} bytes the program accepts.",
            )
        return uri

    async def _send_request(self, instruction: Instruction, address: Pubkey, nonce: int) -> SubmittedRequest:
        """Send `submit_request` and describe the request as the program recorded it."""
        record = await self.transport.send_transaction([instruction], [self.wallet])
        self._request_txs[str(address)] = record.signature
        r = await self._load_request(address)
        logger.info(
            "request %s submitted (fee %d lamports, escrow %d): %s",
            address,
            r.fee,
            r.escrow,
            record.signature,
        )
        return SubmittedRequest(
            id=str(address),
            nonce=nonce,
            signature=record.signature,
            client=str(r.client),
            content_hash=bytes(r.content_hash).hex(),
            storage_uri=_text(r.storage_uri, r.storage_uri_len),
            modalities=Modality.from_mask(r.modalities),
            min_workers=r.min_workers,
            max_workers=r.max_workers,
            fee_lamports=r.fee,
            max_fee_lamports=r.escrow,
            commit_deadline=r.commit_deadline,
            deadline=r.deadline,
            attestation=bytes(r.attestation).hex(),
        )

    async def _fresh_nonce(self, client: Pubkey) -> int:
        """An unused random nonce whose request PDA has the top canonical bump (`submit_request` then checks no
        higher bump, which costs ~1,500 CU per bump)."""
        for _ in range(8):
            nonce = random_request_nonce(client, self.program_id)
            if await self.transport.get_account(request_address(client, nonce, self.program_id)) is None:
                return nonce
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, "could not find an unused request nonce; pass nonce=...")

    async def fetch_media(self, request_id: RequestId) -> bytes:
        """The request's media, checked against its content hash (`CONTENT_HASH_MISMATCH` when it differs)."""
        address = _address(request_id)
        r = await self._load_request(address)
        uri = _text(r.storage_uri, r.storage_uri_len)
        data = await self._read_foreign(uri, max_bytes=1 << 40, timeout=3600.0)
        store.check_hash(data, r.content_hash, ErrorCode.CONTENT_HASH_MISMATCH, f"media of request {address}")
        return data

    # ---- lifecycle -----------------------------------------------------------------------------------------

    async def draw_seats(self, request_id: RequestId, *, timeout: float = 30.0) -> DrawResult:
        """Draw the request's free seats from the registered workers (`draw_seats`; anyone may, the wallet pays the
        transaction fees) and replace the seats not committed half a commit window after their draw (their workers
        forfeit the bond). See `dfpn.draw.draw_seats`: it waits for the draw slot's hash (at most
        `timeout` seconds), then sends candidates in batches until the seats are full."""
        if self._pool is None:
            self._pool = drawing.WorkerPool(self.transport)
        return await drawing.draw_seats(
            self.transport, self.wallet, _address(request_id), pool=self._pool, timeout=timeout
        )

    async def finalize(self, request_id: RequestId) -> str:
        """Send `finalize_request`; returns the signature. On the wallet's own request it signs as the client, which
        the program allows as soon as the request is finalizable; on another client's request it is a cranker,
        allowed only `FINALIZE_GRACE_SECS` after the deadline (`FINALIZE_RESERVED_FOR_CLIENT` before)."""
        address = _address(request_id)
        r = await self._load_request(address)
        own = r.client == self.wallet.pubkey()
        instruction = ix.finalize_request(
            request=address, request_data=r, client_signs=own, program_id=self.program_id
        )
        record = await self.transport.send_transaction([instruction], [self.wallet])
        return record.signature

    async def reveal_challenge(self, request_id: RequestId, *, label: Verdict | int, salt: bytes) -> str:
        """Open the known-answer challenge the wallet's request carries (the wallet must be a registered challenger,
        `register_challenger`): its `label` and `salt`, once the request is finalizable and before it is
        finalized. The finalization then pays the revealers whose verdict is `label` and slashes the others.
        Returns the signature."""
        address = _address(request_id)
        instruction = ix.reveal_challenge(
            client=self.wallet.pubkey(), request=address, label=label, salt=salt, program_id=self.program_id
        )
        record = await self.transport.send_transaction([instruction], [self.wallet])
        logger.info("challenge of %s revealed: %s", address, record.signature)
        return record.signature

    async def expire(self, request_id: RequestId) -> str:
        """Send `expire_request` (anyone may, after the commit deadline with too few commits)."""
        address = _address(request_id)
        r = await self._load_request(address)
        record = await self.transport.send_transaction(
            [ix.expire_request(request=address, request_data=r, program_id=self.program_id)], [self.wallet]
        )
        return record.signature

    async def close_request(self, request_id: RequestId) -> str:
        """The client closes its finished request and gets the rent (and any leftover escrow) back."""
        address = _address(request_id)
        record = await self.transport.send_transaction(
            [ix.close_request(client=self.wallet.pubkey(), request=address, program_id=self.program_id)],
            [self.wallet],
        )
        return record.signature

    async def wait_for_result(
        self,
        request_id: RequestId,
        timeout: float = 360.0,
        *,
        poll_interval: float | None = None,
        challenge: Challenge | None = None,
        progress: ProgressCallback | None = None,
    ) -> AnalysisResult:
        """Follow the request until it is finalized and return the full result.

        `progress(AnalysisProgress)` is called each time the request moves (seats drawn, accepted, commits,
        reveals, finalized); an exception it raises ends the wait.

        `challenge`: the request is the wallet's known-answer challenge; once it is finalizable its label and salt
        are revealed (`reveal_challenge`), before the finalization (by `auto_crank`, or anyone after the grace
        period) applies it.

        Raises `NO_WORKERS_AVAILABLE` when the request expired (or, with `auto_crank`, could only expire: it is
        expired and the escrow returned), `TIMEOUT` after `timeout` seconds of wall-clock time.
        """
        address = _address(request_id)
        reporter = _ProgressReporter(progress, str(address))
        try:
            return await self._follow(address, timeout, poll_interval, challenge, reporter)
        finally:
            await self.transport.stop_watching(address)

    async def _follow(
        self,
        address: Pubkey,
        timeout: float,
        poll_interval: float | None,
        challenge: Challenge | None,
        reporter: _ProgressReporter,
    ) -> AnalysisResult:
        interval = self.poll_interval if poll_interval is None else poll_interval
        loop = asyncio.get_running_loop()
        give_up = loop.time() + timeout
        draws = _Redraws()
        while True:
            r = await self._load_request(address)
            reporter.request(r)
            if r.status == REQUEST_STATUS_FINALIZED:
                return await self._assemble(address, r)
            if r.status == REQUEST_STATUS_EXPIRED:
                raise _no_workers(address, r)
            if r.pool_count == 0 and self._owns_transport and isinstance(self.transport, LocalNetwork):
                # An embedded network this client made, without workers when the request was submitted: nobody can
                # ever be drawn, and waiting for the deadline would only hide why.
                raise DFPNError(
                    ErrorCode.LOCAL_WORKERS_MISSING,
                    f"request {address} was submitted on an embedded network without workers: nobody can answer it.",
                )
            now = await self.transport.unix_timestamp()
            if challenge is not None and not r.challenged and is_finalizable(r, now):
                # The label goes on-chain before anything finalizes (this client never finalizes before it).
                if await self._reveal_before_finalizing(address, challenge):
                    continue
            elif self.auto_crank and self._wallet is not None:
                if is_expirable(r, now) and await self._crank(self.expire, address, "expire"):
                    raise _no_workers(address, r)
                if self._may_finalize(r, now) and await self._crank(self.finalize, address, "finalize"):
                    continue
                if draws.due(r, now, loop.time()) and await self._redraw(
                    address, draws, give_up - loop.time()
                ):
                    continue
            remaining = give_up - loop.time()
            if remaining <= 0:
                raise DFPNError(
                    ErrorCode.TIMEOUT,
                    f"request {address} not finalized after {timeout:g} s ({r.joined} seats drawn, "
                    f"{_accepted(r)} accepted, {r.commits} committed, {r.reveals} revealed).",
                )
            # Deadlines pass without an account change, so even with a subscription the loop wakes up every
            # `interval` to check the clock.
            await self.transport.wait_for_change(address, min(interval, remaining))

    async def analyze(
        self,
        source: str | os.PathLike[str] | bytes,
        *,
        modalities: Sequence[Modality | int | str] | None = None,
        min_workers: int | None = None,
        max_fee: MaxFeeSol | None = None,
        max_fee_lamports: int | None = None,
        deadline_seconds: int = 300,
        timeout: float | None = None,
        storage: store.Backend | None = None,
        progress: ProgressCallback | None = None,
    ) -> AnalysisResult:
        """One call from media to verdict: store, estimate, submit, wait, return the result.

        `source`: a file path (`~` expanded), the media's bytes, or a URI where it is stored already (http(s)://,
        ipfs://, s3://; read once to hash it). `modalities`: by default those of the kind of media (image: AI
        generated + image authenticity; video; audio: voice cloning; `dfpn.mediatype`); names in any spelling
        (`Modality.parse`) are accepted. `progress(AnalysisProgress)` follows it from the upload to the
        finalization. `timeout`: by default `deadline_seconds` + 60. The rest as `submit_request`.
        """
        reporter = _ProgressReporter(progress)
        chosen, media_path, uri, digest = await self._analysis_input(source, modalities)
        submitted = await self.submit_request(
            media_path,
            uri=uri,
            content_hash=digest,
            modalities=chosen,
            min_workers=min_workers,
            max_fee=max_fee,
            max_fee_lamports=max_fee_lamports,
            deadline_seconds=deadline_seconds,
            storage=storage,
            upload_progress=reporter.uploading if progress is not None else None,
        )
        reporter.request_id = submitted.id
        reporter.say("submitted", min_workers=submitted.min_workers, seats_drawn=len(submitted.drawn))
        limit = deadline_seconds + 60.0 if timeout is None else timeout
        address = Pubkey.from_string(submitted.id)
        try:
            return await self._follow(address, limit, None, None, reporter)
        finally:
            await self.transport.stop_watching(address)

    async def _analysis_input(
        self, source: str | os.PathLike[str] | bytes, modalities: Sequence[Modality | int | str] | None
    ) -> tuple[list[Modality], Path | None, str | None, bytes | None]:
        """`analyze`'s source as (modalities, media path, uri, content hash): bytes are written to a file the
        client keeps until it closes, a URI is read once for its hash and kind."""
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            if not data:
                raise DFPNError(ErrorCode.INVALID_ARGUMENT, "the media is empty (0 bytes).")
            path = self._scratch_file(data)
            return _modalities_for(modalities, data[:SNIFF_BYTES], ""), path, None, None
        text = os.fspath(source)
        if "://" in text:
            data = await self._read_foreign(text, max_bytes=MAX_ANALYZE_URI_BYTES, timeout=120.0)
            digest = hashlib.sha256(data).digest()
            return _modalities_for(modalities, data[:SNIFF_BYTES], text), None, text, digest
        path = Path(text).expanduser().resolve()
        if not path.is_file():
            raise DFPNError(ErrorCode.MEDIA_NOT_FOUND, f"media file {path} does not exist.")
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
        return _modalities_for(modalities, head, path.name), path, None, None

    def _scratch_file(self, data: bytes) -> Path:
        """`data` in a file of this client's scratch directory (removed by `close`), named by its hash."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="dfpn")
        path = Path(self._scratch.name) / hashlib.sha256(data).hexdigest()[:16]
        path.write_bytes(data)
        return path

    def _may_finalize(self, r: Request, now: int) -> bool:
        """Whether this wallet may finalize `r` now: its own request as soon as it is finalizable, another
        client's once the grace period after the deadline is over."""
        if r.client == self.wallet.pubkey():
            return is_finalizable(r, now)
        return is_finalizable_by_anyone(r, now)

    async def _reveal_before_finalizing(self, address: Pubkey, challenge: Challenge) -> bool:
        """Reveal the challenge; False when the cluster's clock says it is too early (try again after a wait)."""
        try:
            await self.reveal_challenge(address, label=challenge.label, salt=challenge.salt)
        except DFPNError as e:
            # Revealed already (by an earlier call), or finalized meanwhile: the next poll reads which.
            if e.code in (ErrorCode.CHALLENGE_ALREADY_REVEALED, ErrorCode.REQUEST_NOT_OPEN):
                logger.info("challenge of %s not revealed: %s", address, e.code.value)
                return True
            if e.code is ErrorCode.CHALLENGE_TOO_EARLY:
                return False
            raise
        return True

    async def _redraw(self, address: Pubkey, draws: _Redraws, remaining: float) -> bool:
        """Draw the request's seats while following it; True when a draw was sent (read the request again)."""
        draws.tried_at = asyncio.get_running_loop().time()
        try:
            result = await self.draw_seats(address, timeout=max(1.0, min(remaining, 20.0)))
        except DFPNError as e:
            if e.code is ErrorCode.NO_WORKERS_TO_DRAW:
                draws.hopeless = True
            elif e.code not in drawing.DRAW_LATER:
                raise
            logger.info("draw of %s not possible now: %s", address, e.code.value)
            return False
        # Nobody eligible now: wait twice as long before the next try (each costs transaction fees)
        draws.interval = REDRAW_INTERVAL if result.drawn else min(2 * draws.interval, MAX_REDRAW_INTERVAL)
        return bool(result.signatures)

    async def _crank(self, action: Callable[[Pubkey], Awaitable[str]], address: Pubkey, what: str) -> bool:
        """Run `action`; False when the program says it is not (or no longer, or not yet) possible."""
        try:
            signature = await action(address)
        except DFPNError as e:
            # Someone else may have finalized or expired it first, or (another client's request) the grace period
            # is not over by the cluster's clock: the next poll sees the new status and time.
            if e.code not in (
                ErrorCode.REQUEST_NOT_OPEN,
                ErrorCode.FINALIZE_TOO_EARLY,
                ErrorCode.FINALIZE_RESERVED_FOR_CLIENT,
                ErrorCode.CANNOT_EXPIRE,
            ):
                raise
            logger.info("%s of %s not possible: %s", what, address, e.code.value)
            return False
        logger.info("%s of %s: %s", what, address, signature)
        return True

    # ---- result assembly -----------------------------------------------------------------------------------

    async def _assemble(self, address: Pubkey, r: Request) -> AnalysisResult:
        results = [
            await self._worker_result(s) for s in r.seats[: r.joined] if s.state == SEAT_STATE_REVEALED
        ]
        request_tx = self._request_txs.get(str(address)) or await self._find_tx(address, RequestSubmitted)
        finalize_tx = await self._find_tx(address, RequestFinalized)
        return AnalysisResult(
            request_id=str(address),
            verdict=Verdict.from_code(r.verdict),
            confidence=r.confidence,
            consensus_type=ConsensusType.from_code(r.consensus),
            worker_results=results,
            audit=Audit(
                request_tx=request_tx,
                finalize_tx=finalize_tx,
                worker_count=r.joined,
                commit_count=r.commits,
                reveal_count=r.reveals,
            ),
            fee_lamports=fee_charged(r),
        )

    async def _read_foreign(
        self, uri: str, *, max_bytes: int = store.MAX_REPORT_BYTES, timeout: float = 30.0
    ) -> bytes:
        """Read a URI someone else wrote on-chain (a worker's report, a client's media) within this client's
        `report_policy` and `read_local_files` (`DESTINATION_REFUSED` otherwise)."""
        if uri.startswith("file:") and not self.read_local_files:
            raise DFPNError(
                ErrorCode.DESTINATION_REFUSED,
                f"{uri}: file:// URIs are read only on a network running on this machine",
            )
        return await store.read_uri(
            uri, max_bytes=max_bytes, timeout=timeout, ipfs=self._ipfs, s3=self._s3, policy=self.report_policy
        )

    async def _worker_result(self, seat: Seat) -> WorkerResult:
        uri = _text(seat.report_uri, seat.report_uri_len)
        detections: list[Detection] = []
        verified = False
        try:
            data = await self._read_foreign(uri)
        except DFPNError as e:
            logger.warning("report of worker %s not loaded: %s", seat.authority, e)
        else:
            store.check_hash(
                data, seat.report_hash, ErrorCode.REPORT_HASH_MISMATCH, f"report {uri} of {seat.authority}"
            )
            verified = True
            detections = _detections(data, uri)
        return WorkerResult(
            worker=str(seat.authority),
            model=str(seat.model),
            model_id=await self._model_id(seat.model),
            verdict=Verdict.from_code(seat.verdict),
            confidence=seat.confidence,
            detections=detections,
            report_uri=uri,
            report_hash=seat.report_hash.hex(),
            report_verified=verified,
        )

    async def _model_id(self, model: Pubkey) -> str | None:
        """The id a model was registered with, read from its account (None when it cannot be read)."""
        if model not in self._model_ids:
            acc = await self.transport.get_account(model)
            try:
                found = None if acc is None else decode_model_id(Model.from_account_data(acc.data).model_id)
            except BorshError as e:
                logger.warning("model account %s not decoded: %s", model, e)
                found = None
            if found is None:
                return None
            self._model_ids[model] = found
        return self._model_ids[model]

    async def _find_tx(self, address: Pubkey, kind: type[Event]) -> str | None:
        for signature in await self.transport.signatures_for_address(address):
            record = await self.transport.get_transaction(signature)
            if record is None:
                continue
            for event in parse_logs(record.logs, self.program_id):
                if isinstance(event, kind) and getattr(event, "request", None) == address:
                    return signature
        return None


def _decode_request(account: AccountInfo | None, program_id: Pubkey) -> Request | None:
    if account is None or account.owner != program_id:
        return None
    try:
        return Request.from_account_data(account.data)
    except BorshError:
        return None


def _detections(data: bytes, uri: str) -> list[Detection]:
    try:
        report = json.loads(data)
        items = (report.get("detections") or []) if isinstance(report, dict) else []
        return [Detection.model_validate(d) for d in items]
    except (ValueError, ValidationError, AttributeError) as e:
        logger.warning("report %s has no readable detections: %s", uri, e)
        return []


def _deadline(now: int, deadline_seconds: int, clock_slack: int, max_deadline_secs: int) -> int:
    """The deadline timestamp of a request submitted at the cluster time `now`. On a real cluster the clock moves
    on between reading it and the transaction's slot: the slack keeps a deadline of exactly the network minimum
    valid when the transaction lands, and is cut where it would pass the network maximum (the landing time is
    never before `now`, so `now + max_deadline_secs` stays valid)."""
    deadline = now + deadline_seconds + clock_slack
    if deadline_seconds <= max_deadline_secs:
        deadline = min(deadline, now + max_deadline_secs)
    return deadline


#: Seconds between draws of a request with fewer than `min_workers` seats drawn (a seat given back, or the pool
#: turned eligible since); doubled after a draw that seated nobody, up to `MAX_REDRAW_INTERVAL`.
REDRAW_INTERVAL = 5.0
MAX_REDRAW_INTERVAL = 60.0


class _ProgressReporter:
    """Calls a progress callback with an `AnalysisProgress` whenever what it would say changes."""

    def __init__(self, callback: ProgressCallback | None, request_id: str | None = None) -> None:
        self.callback = callback
        self.request_id = request_id
        self.started = time.monotonic()
        self._last: AnalysisProgress | None = None

    def say(self, stage: ProgressStage, **fields: Any) -> None:
        if self.callback is None:
            return
        update = AnalysisProgress(stage=stage, request_id=self.request_id, **fields)
        if self._last is not None and update == self._last:
            return
        self._last = update
        self.callback(
            update.model_copy(update={"elapsed_seconds": round(time.monotonic() - self.started, 3)})
        )

    def uploading(self, sent: int, total: int) -> None:
        self.say("uploading", bytes_sent=sent, bytes_total=total)

    def request(self, r: Request) -> None:
        stage: ProgressStage
        if r.status == REQUEST_STATUS_FINALIZED:
            stage = "finalized"
        elif r.reveals:
            stage = "revealed"
        elif r.commits:
            stage = "committed"
        elif r.joined:
            stage = "drawn"
        else:
            stage = "submitted"
        self.say(
            stage,
            seats_drawn=r.joined,
            accepted=_accepted(r),
            commits=r.commits,
            reveals=r.reveals,
            min_workers=r.min_workers,
        )


class _Redraws:
    """When `wait_for_result` draws a request's seats: at once while it has no seed; when a seat has not committed
    by its `answer_by` (the draw replaces it); every `REDRAW_INTERVAL` seconds (longer after draws that seated
    nobody) while fewer than `min_workers` seats are drawn."""

    def __init__(self) -> None:
        self.tried_at: float | None = None
        self.interval = REDRAW_INTERVAL
        #: Nobody was registered at submission: no draw can ever seat anyone.
        self.hopeless = False

    def due(self, r: Request, now: int, clock: float) -> bool:
        if self.hopeless or not protocol.commit_open(r, now) or r.pool_count == 0:
            return False
        if not drawing.seeded(r) or drawing.unanswered_seats(r, now):
            return True
        recent = self.tried_at is not None and clock - self.tried_at < self.interval
        return r.joined < r.min_workers and not recent


def _accepted(r: Request) -> int:
    """Seats whose drawn worker accepted them (`join_request`)."""
    return sum(s.state != SEAT_STATE_DRAWN for s in r.seats[: r.joined])


def _modalities_for(given: Sequence[Modality | int | str] | None, head: bytes, name: str) -> list[Modality]:
    """The modalities `analyze` asks for: the given ones (any spelling), else those of the media's kind."""
    if given:
        try:
            return [Modality.parse(m) for m in given]
        except ValueError as e:
            raise DFPNError(ErrorCode.INVALID_ARGUMENT, str(e)) from e
    kind = media_kind(head, name)
    if kind is None:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT,
            f"cannot tell whether {name or 'the media'} is an image, a video or audio: pass modalities=[...].",
        )
    return list(MODALITIES_BY_KIND[kind])


def _escrow_for_request(
    config: Config,
    modalities: Sequence[Modality | int],
    min_workers: int,
    max_fee: MaxFeeSol | None,
    max_fee_lamports: int | None,
) -> int:
    """The lamports to escrow: `max_fee` SOL or `max_fee_lamports`, by default exactly the fee the program will
    record."""
    if max_fee is not None and max_fee_lamports is not None:
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, "give max_fee (SOL) or max_fee_lamports, not both.")
    try:
        if max_fee_lamports is not None:
            if (
                isinstance(max_fee_lamports, bool)
                or not isinstance(max_fee_lamports, int)
                or max_fee_lamports < 0
            ):
                raise ValueError(
                    f"max_fee_lamports must be a whole number of lamports ≥ 0, got {max_fee_lamports!r}"
                )
            return max_fee_lamports
        if isinstance(max_fee, FeeEstimate):
            return max_fee.lamports
        if max_fee is not None:
            return sol_to_lamports(max_fee)
        return fee_from_params(config.params, list(modalities), min_workers)
    except ValueError as e:
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, str(e)) from e


def _min_workers(config: Config, min_workers: int | None) -> int:
    """`min_workers` for a new request: `DEFAULT_MIN_WORKERS` raised to the network's floor when not given; refused
    below the floor with `MIN_WORKERS_BELOW_FLOOR`."""
    floor = config.params.min_workers_floor
    if min_workers is None:
        return max(DEFAULT_MIN_WORKERS, floor)
    if min_workers < floor:
        raise DFPNError(
            ErrorCode.MIN_WORKERS_BELOW_FLOOR,
            f"min_workers={min_workers} is below this network's floor of {floor} workers per request "
            f"(Config.params.min_workers_floor): ask for at least {floor}.",
        )
    return min_workers


def _no_workers(address: Pubkey, r: Request) -> DFPNError:
    return DFPNError(
        ErrorCode.NO_WORKERS_AVAILABLE,
        f"request {address} expired: {r.commits} of the {r.min_workers} required workers committed.",
    )


def _parse_hash(value: bytes | str) -> bytes:
    try:
        raw = bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)
    except ValueError as e:
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, f"content_hash {value!r} is not hex.") from e
    if len(raw) != 32:
        raise DFPNError(ErrorCode.INVALID_ARGUMENT, "content_hash must be 32 bytes (SHA-256), bytes or hex.")
    return raw


class _LoopThread:
    """An event loop running in a thread of its own, so synchronous code can call coroutines from anywhere: a script,
    or a notebook whose own loop is running (Jupyter). Tasks the coroutines start (the embedded network's workers)
    keep running between calls."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="dfpn-client", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError(
                "DFPNClient called from its own event loop: use AsyncDFPNClient in async code."
            )
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C: the call stops in the loop too
            raise

    def close(self) -> None:
        if self.loop.is_closed():
            return

        async def drain() -> None:
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        asyncio.run_coroutine_threadsafe(drain(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class DFPNClient:
    """The synchronous client: the same methods as `AsyncDFPNClient`, each run to completion.

    ```python
    with DFPNClient(network="local") as client:      # or network="devnet", wallet=Keypair.from_bytes(...)
        result = client.analyze("photo.jpg", progress=print)
    ```

    It runs an `AsyncDFPNClient` on an event loop in a thread of its own, so it works in scripts and inside a
    running event loop alike (a Jupyter notebook); in async code use `AsyncDFPNClient` directly. Close it (or use
    `with`) to stop that thread and, on the local network, its workers.
    """

    def __init__(
        self,
        network: str | Transport | AsyncClient = "local",
        wallet: Keypair | None = None,
        *,
        program_path: str | os.PathLike[str] | None = None,
        poll_interval: float | None = None,
        auto_crank: bool = True,
        storage: store.Backend | None = None,
        report_policy: DestinationPolicy | None = None,
        local_workers: int | None = None,
    ) -> None:
        """See `AsyncDFPNClient`: `network` ("local", "localnet", "devnet", an RPC URL or a `Transport`), `wallet`
        (None: a funded throwaway wallet on "local", read-only elsewhere), `local_workers` (reference workers on
        "local"; default 3 when `dfpn-worker` is installed)."""
        self._loop = _LoopThread()

        async def build() -> AsyncDFPNClient:
            return AsyncDFPNClient(
                network,
                wallet,
                program_path=program_path,
                poll_interval=poll_interval,
                auto_crank=auto_crank,
                storage=storage,
                report_policy=report_policy,
                local_workers=local_workers,
            )

        try:
            self.aio = self._loop.run(build())
        except BaseException:
            self._loop.close()
            raise

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._loop.run(coro)

    @property
    def transport(self) -> Transport:
        """The network: a `LocalNetwork` or an `RpcTransport`."""
        return self.aio.transport

    @property
    def wallet(self) -> Keypair:
        """The wallet; `WALLET_REQUIRED` on a read-only client."""
        return self.aio.wallet

    @property
    def read_only(self) -> bool:
        """Created without a wallet (not on "local"): reads work, calls that sign raise `WALLET_REQUIRED`."""
        return self.aio.read_only

    def __enter__(self) -> DFPNClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the local workers (if any), close the network connection and the client's event loop thread."""
        if self._loop.loop.is_closed():
            return
        try:
            self._run(self.aio.close())
        finally:
            self._loop.close()

    def analyze(
        self,
        source: str | os.PathLike[str] | bytes,
        *,
        modalities: Sequence[Modality | int | str] | None = None,
        min_workers: int | None = None,
        max_fee: MaxFeeSol | None = None,
        max_fee_lamports: int | None = None,
        deadline_seconds: int = 300,
        timeout: float | None = None,
        storage: store.Backend | None = None,
        progress: ProgressCallback | None = None,
    ) -> AnalysisResult:
        """From media (a path, bytes or a URI) to the verdict in one call; see `AsyncDFPNClient.analyze`.
        `progress` is called from the client's thread."""
        return self._run(
            self.aio.analyze(
                source,
                modalities=modalities,
                min_workers=min_workers,
                max_fee=max_fee,
                max_fee_lamports=max_fee_lamports,
                deadline_seconds=deadline_seconds,
                timeout=timeout,
                storage=storage,
                progress=progress,
            )
        )

    def get_config(self) -> Config:
        """The on-chain configuration (fees, windows, stake and slash parameters)."""
        return self._run(self.aio.get_config())

    def estimate_fee(
        self, modalities: Iterable[Modality | int], min_workers: int | None = None
    ) -> FeeEstimate:
        """The fee the program charges for these modalities and workers, in lamports and SOL."""
        return self._run(self.aio.estimate_fee(modalities, min_workers))

    def estimate_fee_lamports(
        self, modalities: Iterable[Modality | int], min_workers: int | None = None
    ) -> int:
        """`estimate_fee` in lamports."""
        return self._run(self.aio.estimate_fee_lamports(modalities, min_workers))

    def get_request(self, request_id: RequestId) -> RequestInfo:
        """A request, decoded (no wallet needed)."""
        return self._run(self.aio.get_request(request_id))

    def submit_request(
        self,
        media_path: str | os.PathLike[str] | None = None,
        *,
        uri: str | None = None,
        content_hash: bytes | str | None = None,
        modalities: Sequence[Modality | int],
        min_workers: int | None = None,
        max_workers: int | None = None,
        max_fee: MaxFeeSol | None = None,
        max_fee_lamports: int | None = None,
        deadline_seconds: int = 300,
        storage: store.Backend | None = None,
        nonce: int | None = None,
        upload_progress: store.ProgressCallback | None = None,
        attestation: bytes | None = None,
        draw: bool = True,
    ) -> SubmittedRequest:
        """Store the media, submit the request (escrow: `max_fee` SOL or `max_fee_lamports`, default exactly the
        fee) and draw its seats; see `AsyncDFPNClient.submit_request`."""
        return self._run(
            self.aio.submit_request(
                media_path,
                uri=uri,
                content_hash=content_hash,
                modalities=modalities,
                min_workers=min_workers,
                max_workers=max_workers,
                max_fee=max_fee,
                max_fee_lamports=max_fee_lamports,
                deadline_seconds=deadline_seconds,
                storage=storage,
                nonce=nonce,
                upload_progress=upload_progress,
                attestation=attestation,
                draw=draw,
            )
        )

    def draw_seats(self, request_id: RequestId, *, timeout: float = 30.0) -> DrawResult:
        """Draw the request's free seats from the registered workers (anyone may)."""
        return self._run(self.aio.draw_seats(request_id, timeout=timeout))

    def fetch_media(self, request_id: RequestId) -> bytes:
        """The request's media, checked against its content hash."""
        return self._run(self.aio.fetch_media(request_id))

    def finalize(self, request_id: RequestId) -> str:
        """Finalize a finalizable request; returns the signature."""
        return self._run(self.aio.finalize(request_id))

    def reveal_challenge(self, request_id: RequestId, *, label: Verdict | int, salt: bytes) -> str:
        """Reveal the label of the wallet's known-answer challenge."""
        return self._run(self.aio.reveal_challenge(request_id, label=label, salt=salt))

    def expire(self, request_id: RequestId) -> str:
        """Expire a request that can only expire (its escrow goes back to the client)."""
        return self._run(self.aio.expire(request_id))

    def close_request(self, request_id: RequestId) -> str:
        """Close the wallet's finished request and get its rent back."""
        return self._run(self.aio.close_request(request_id))

    def wait_for_result(
        self,
        request_id: RequestId,
        timeout: float = 360.0,
        *,
        poll_interval: float | None = None,
        challenge: Challenge | None = None,
        progress: ProgressCallback | None = None,
    ) -> AnalysisResult:
        """Follow the request until it is finalized and return the result; see `AsyncDFPNClient.wait_for_result`."""
        return self._run(
            self.aio.wait_for_result(
                request_id, timeout, poll_interval=poll_interval, challenge=challenge, progress=progress
            )
        )


__all__ = [
    "DEFAULT_MIN_WORKERS",
    "AsyncDFPNClient",
    "DFPNClient",
    "fee_charged",
    "is_expirable",
    "is_finalizable",
    "is_finalizable_by_anyone",
    "request_info",
]
