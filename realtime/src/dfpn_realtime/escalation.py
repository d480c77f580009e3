"""Escalation: when a track reaches ALERT, the sample that tipped it is submitted to the DFPN network, where staked
workers analyse it independently (commit-reveal) and the program finalizes a reputation-weighted verdict. The
result comes back as a `VerificationEvent` with the request id and the submit/finalize transactions (the audit
trail anyone can check on-chain).

Two ways in (`make_escalation` picks by the settings):

- `GatewayEscalation`: through a DFPN gateway (``dfpn-gateway serve``) with an API key (``api_key`` /
  ``DFPN_API_KEY``, ``gateway_url`` / ``DFPN_API_URL``); the gateway's wallet pays. ``storage="gateway"`` uploads
  the sample to the gateway, which stores it in its own storage; ``ipfs``, ``s3`` or an http(s):// PUT URL upload
  it to storage you chose, and the gateway gets only its URI and SHA-256.
- `DFPNEscalation`: directly with the SDK and your wallet (``network``, ``wallet``).

Privacy: escalation is off by default (``enabled``), and a real network needs ``storage`` named: nothing is
uploaded anywhere the user did not choose. The escalated sample is the only media this package ever writes to
disk. It is written (to ``sample_dir``, else a private temporary directory) because the network needs a stored copy
to hash and fetch: with ``file`` storage (the embedded local network) the file itself is the storage; otherwise it
is uploaded. It is deleted once uploaded (gateway) or once the request is finished (finalized, expired or timed out;
direct), unless ``keep_samples``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, DFPNError, Modality
from dfpn import storage as dfpn_storage
from solders.keypair import Keypair

from dfpn_realtime.backends import Sample
from dfpn_realtime.clock import Clock, SystemClock
from dfpn_realtime.config import ConfigError, EscalationParams, check_api_key
from dfpn_realtime.state import VerificationEvent

logger = logging.getLogger(__name__)

VIDEO_MODALITIES = (Modality.FACE_MANIPULATION,)
AUDIO_MODALITIES = (Modality.VOICE_CLONING,)


def load_keypair(path: str) -> Keypair:
    """A Solana CLI keypair file (a JSON array of 64 bytes); `ConfigError` when it is missing or not one."""
    p = Path(path).expanduser()
    try:
        return Keypair.from_bytes(bytes(json.loads(p.read_text())))
    except FileNotFoundError as e:
        raise ConfigError(f"escalation wallet {p} does not exist (DFPN_RT_WALLET)") from e
    except (ValueError, TypeError) as e:
        raise ConfigError(
            f"escalation wallet {p} is not a Solana keypair file (a JSON array of 64 bytes)"
        ) from e


#: ``storage`` values: the gateway's own storage, the SDK's backends, or an http(s):// URL taking PUT uploads.
STORAGE_CHOICES = "gateway (through a gateway only), ipfs, s3 or an http(s):// URL that takes PUT uploads"


def storage_backend(name: str, public_url: str | None = None) -> dfpn_storage.Backend:
    """The SDK storage for a ``storage`` setting other than "gateway": "file", "ipfs", "s3", or an http(s)://
    PUT URL (`dfpn.storage.HttpStorage`)."""
    if name.startswith(("http://", "https://")):
        return dfpn_storage.HttpStorage(name, public_url=public_url)
    if name in ("file", "ipfs", "s3"):
        return name
    raise ConfigError(f"escalation storage {name!r} is not one of: {STORAGE_CHOICES} (DFPN_RT_STORAGE)")


def require_storage(params: EscalationParams, *, local_default: str | None) -> str:
    """The chosen storage; `ConfigError` when escalation would upload a sample without the user having said where."""
    if params.storage:
        return params.storage
    if local_default is not None:
        return local_default
    raise ConfigError(
        "escalation uploads the sample that raised an ALERT: choose where with DFPN_RT_STORAGE (or "
        f"escalation.storage): {STORAGE_CHOICES}; or disable escalation (DFPN_RT_ESCALATE=0)"
    )


def modality_name(modality: Modality) -> str:
    """The gateway's (and the IDL's) name of a modality: ``FaceManipulation``."""
    return "".join(word.capitalize() for word in modality.name.split("_"))


def make_escalation(
    params: EscalationParams, *, clock: Clock | None = None, session: aiohttp.ClientSession | None = None
) -> Escalation:
    """A `GatewayEscalation` (HTTP through `session` when given) when an API key is set, else a `DFPNEscalation`
    (SDK and wallet)."""
    if params.api_key:
        return GatewayEscalation(params, clock=clock, session=session)
    return DFPNEscalation(params, clock=clock)


class Escalation(ABC):
    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    @abstractmethod
    async def escalate(self, sample: Sample) -> VerificationEvent:
        """Get a verified verdict for `sample`. Never raises for a network failure: returns a "failed" event."""


class DFPNEscalation(Escalation):
    """Submit escalated samples with the DFPN SDK (`AsyncDFPNClient.submit_request` + `wait_for_result`)."""

    def __init__(
        self,
        params: EscalationParams | None = None,
        *,
        client: AsyncDFPNClient | None = None,
        clock: Clock | None = None,
        video_modalities: Sequence[Modality] = VIDEO_MODALITIES,
        audio_modalities: Sequence[Modality] = AUDIO_MODALITIES,
        keep_samples: bool = False,
    ) -> None:
        self.params = params or EscalationParams(enabled=True)
        self._client = client
        self._owns_client = client is None
        self.clock = clock or SystemClock()
        self.video_modalities = list(video_modalities)
        self.audio_modalities = list(audio_modalities)
        self.keep_samples = keep_samples
        self._tmp: Path | None = None
        self._storage: dfpn_storage.Backend | None = None
        self.submitted: list[str] = []

    @property
    def client(self) -> AsyncDFPNClient:
        if self._client is None:
            raise RuntimeError("DFPNEscalation.start() was not called")
        return self._client

    async def start(self) -> None:
        if self._client is None:
            p = self.params
            if p.network != "local" and not p.wallet:
                raise ConfigError(
                    f"escalation to the DFPN network {p.network!r} needs a paying wallet: set DFPN_RT_WALLET "
                    "(or escalation.wallet) to a Solana keypair JSON file, or disable escalation "
                    "(DFPN_RT_ESCALATE=0)"
                )
            require_storage(p, local_default="file" if p.network == "local" else None)
            try:
                wallet = load_keypair(p.wallet) if p.wallet else None
                self._client = AsyncDFPNClient(p.network, wallet)
            except DFPNError as e:
                raise ConfigError(f"escalation: {e}") from e
        if self.params.storage:
            self._storage = storage_backend(self.params.storage, self.params.storage_public_url)
        if self.params.sample_dir:
            Path(self.params.sample_dir).mkdir(parents=True, exist_ok=True)
        else:
            self._tmp = Path(tempfile.mkdtemp(prefix="dfpn-rt-escalated-"))
            self._tmp.chmod(0o700)

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.close()
            self._client = None
        if self._tmp is not None and not self.keep_samples:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _write(self, sample: Sample) -> Path:
        directory = Path(self.params.sample_dir) if self.params.sample_dir else self._tmp
        if directory is None:
            raise RuntimeError("DFPNEscalation.start() was not called")
        name = hashlib.sha256(sample.data).hexdigest()[:16] + sample.extension
        path = directory / name
        path.write_bytes(sample.data)
        path.chmod(0o600)
        return path

    async def escalate(self, sample: Sample) -> VerificationEvent:
        p = self.params
        modalities = self.video_modalities if sample.kind == "video" else self.audio_modalities
        path = self._write(sample)
        base = {"participant_id": sample.participant_id, "track_id": sample.track_id}
        request_id: str | None = None
        storage_uri: str | None = None
        try:
            sub = await self.client.submit_request(
                path,
                modalities=modalities,
                min_workers=p.min_workers,
                max_fee=p.max_fee,
                deadline_seconds=p.deadline_seconds,
                storage=self._storage,
            )
            request_id, storage_uri = sub.id, sub.storage_uri
            self.submitted.append(sub.id)
            logger.info("escalated %s/%s as request %s", sample.participant_id, sample.track_id, sub.id)
            result = await self.client.wait_for_result(sub.id, timeout=p.timeout)
        except DFPNError as e:
            logger.warning("escalation of %s/%s failed: %s", sample.participant_id, sample.track_id, e)
            return VerificationEvent(
                status="failed",
                message=f"Escalation to the DFPN network failed: {e.message}",
                timestamp_ms=self.clock.time_ms(),
                error_code=e.code.value,
                request_id=request_id,
                storage_uri=storage_uri,
                **base,
            )
        except (TimeoutError, OSError) as e:
            return VerificationEvent(
                status="failed",
                message=f"Escalation to the DFPN network failed: {e}",
                timestamp_ms=self.clock.time_ms(),
                request_id=request_id,
                storage_uri=storage_uri,
                **base,
            )
        finally:
            if not self.keep_samples:
                path.unlink(missing_ok=True)
        what = "voice" if sample.kind == "audio" else "video"
        return VerificationEvent(
            status="verified",
            message=(
                f"DFPN network verdict on the {what} of {sample.participant_id}: {result.verdict.value} "
                f"({result.confidence}/100, {result.consensus_type.value}, "
                f"{result.audit.reveal_count} of {result.audit.worker_count} workers revealed)."
            ),
            timestamp_ms=self.clock.time_ms(),
            request_id=result.request_id,
            verdict=result.verdict.value,
            confidence=result.confidence,
            consensus_type=result.consensus_type.value,
            worker_count=result.audit.worker_count,
            request_tx=result.audit.request_tx,
            finalize_tx=result.audit.finalize_tx,
            storage_uri=storage_uri,
            **base,
        )


class GatewayEscalation(Escalation):
    """Escalation through a DFPN gateway's REST API with an API key (``POST /v1/requests``, then
    ``GET /v1/requests/{id}`` until the request is finished). HTTP goes through `session` (an
    ``aiohttp.ClientSession``; one of its own when None, closed by `close`; a given one is left open)."""

    def __init__(
        self,
        params: EscalationParams,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Clock | None = None,
        poll_interval: float = 1.0,
        keep_samples: bool = False,
    ) -> None:
        self.params = params
        self.session = session
        self._owns_session = session is None
        self.clock = clock or SystemClock()
        self.poll_interval = poll_interval
        self.keep_samples = keep_samples
        self._tmp: Path | None = None
        self._storage: dfpn_storage.Backend | None = None
        self.storage = ""
        #: Request ids submitted, oldest first.
        self.submitted: list[str] = []

    async def start(self) -> None:
        p = self.params
        check_api_key(p.api_key)
        if not p.api_key:
            raise ConfigError(
                "escalation through a gateway needs its API key: set DFPN_API_KEY (or api_key=)"
            )
        if not p.gateway_url or not p.gateway_url.startswith(("http://", "https://")):
            raise ConfigError(
                "escalation with an API key goes through a DFPN gateway: set DFPN_API_URL (or "
                "escalation.gateway_url) to its base URL, e.g. https://gateway.example"
            )
        self.storage = require_storage(p, local_default=None)
        if self.storage != "gateway":
            self._storage = storage_backend(self.storage, p.storage_public_url)
            if self._storage == "file":
                raise ConfigError(
                    "file storage is only for the embedded local network, not through a gateway"
                )
        if self.session is None:
            self.session = aiohttp.ClientSession()
        if p.sample_dir:
            Path(p.sample_dir).mkdir(parents=True, exist_ok=True)
        else:
            self._tmp = Path(tempfile.mkdtemp(prefix="dfpn-rt-escalated-"))
            self._tmp.chmod(0o700)

    async def close(self) -> None:
        if self.session is not None and self._owns_session:
            await self.session.close()
            self.session = None
        if self._tmp is not None and not self.keep_samples:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    @property
    def _url(self) -> str:
        assert self.params.gateway_url is not None
        return self.params.gateway_url.rstrip("/")

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.params.api_key}"}

    def _fields(self, sample: Sample) -> dict[str, Any]:
        p = self.params
        modalities = VIDEO_MODALITIES if sample.kind == "video" else AUDIO_MODALITIES
        fields: dict[str, Any] = {
            "modalities": [modality_name(m) for m in modalities],
            "min_workers": p.min_workers,
            "deadline_seconds": p.deadline_seconds,
        }
        if p.max_fee is not None:
            fields["max_fee_lamports"] = round(p.max_fee * LAMPORTS_PER_SOL)
        return fields

    async def _submit(self, sample: Sample) -> dict[str, Any]:
        assert self.session is not None, "GatewayEscalation.start() was not called"
        fields = self._fields(sample)
        if self.storage == "gateway":
            form = aiohttp.FormData()
            for key, value in fields.items():
                form.add_field(key, ",".join(value) if isinstance(value, list) else str(value))
            form.add_field(
                "file", sample.data, filename=f"sample{sample.extension}", content_type=sample.mime_type
            )
            async with self.session.post(f"{self._url}/v1/requests", data=form, headers=self._headers) as r:
                return await _answer(r)
        assert self._storage is not None
        directory = Path(self.params.sample_dir) if self.params.sample_dir else self._tmp
        assert directory is not None
        path = directory / (hashlib.sha256(sample.data).hexdigest()[:16] + sample.extension)
        path.write_bytes(sample.data)
        path.chmod(0o600)
        try:
            uri = await dfpn_storage.upload(path, self._storage)
        finally:
            if not self.keep_samples:
                path.unlink(missing_ok=True)
        body = {**fields, "media_uri": uri, "content_hash": hashlib.sha256(sample.data).hexdigest()}
        async with self.session.post(f"{self._url}/v1/requests", json=body, headers=self._headers) as r:
            return await _answer(r)

    async def _follow(self, request_id: str) -> dict[str, Any]:
        assert self.session is not None
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.params.timeout
        while True:
            async with self.session.get(f"{self._url}/v1/requests/{request_id}", headers=self._headers) as r:
                view = await _answer(r)
            if view.get("status") != "Open":
                return view
            if loop.time() > give_up:
                raise _GatewayError("TIMEOUT", f"no result within {self.params.timeout:g} s", view)
            await asyncio.sleep(self.poll_interval)

    async def escalate(self, sample: Sample) -> VerificationEvent:
        base = {"participant_id": sample.participant_id, "track_id": sample.track_id}
        request_id: str | None = None
        storage_uri: str | None = None
        try:
            view = await self._submit(sample)
            request_id, storage_uri = view["id"], view.get("storageUri")
            self.submitted.append(view["id"])
            logger.info("escalated %s/%s through the gateway as %s", *base.values(), request_id)
            view = await self._follow(view["id"])
        except _GatewayError as e:
            return VerificationEvent(
                status="failed",
                message=f"Escalation through the DFPN gateway failed: {e.message}",
                timestamp_ms=self.clock.time_ms(),
                error_code=e.code,
                request_id=request_id,
                storage_uri=storage_uri,
                **base,
            )
        except (aiohttp.ClientError, DFPNError, OSError, TimeoutError) as e:
            return VerificationEvent(
                status="failed",
                message=f"Escalation through the DFPN gateway failed: {type(e).__name__}: {e}",
                timestamp_ms=self.clock.time_ms(),
                error_code=e.code.value if isinstance(e, DFPNError) else None,
                request_id=request_id,
                storage_uri=storage_uri,
                **base,
            )
        result = view.get("result")
        if view.get("status") != "Finalized" or not isinstance(result, dict):
            error = view.get("error") or {}
            return VerificationEvent(
                status="failed",
                message=f"Escalation ended {view.get('status')}: {error.get('message', 'no result')}",
                timestamp_ms=self.clock.time_ms(),
                error_code=error.get("code"),
                request_id=request_id,
                storage_uri=storage_uri,
                **base,
            )
        audit = result.get("audit", {})
        what = "voice" if sample.kind == "audio" else "video"
        return VerificationEvent(
            status="verified",
            message=(
                f"DFPN network verdict on the {what} of {sample.participant_id}: {result['verdict']} "
                f"({result['confidence']}/100, {result['consensusType']}, "
                f"{audit.get('revealCount')} of {audit.get('workerCount')} workers revealed)."
            ),
            timestamp_ms=self.clock.time_ms(),
            request_id=request_id,
            verdict=result["verdict"],
            confidence=result["confidence"],
            consensus_type=result["consensusType"],
            worker_count=audit.get("workerCount"),
            request_tx=audit.get("requestTx"),
            finalize_tx=audit.get("finalizeTx"),
            storage_uri=storage_uri,
            **base,
        )


class _GatewayError(Exception):
    def __init__(self, code: str, message: str, view: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.view = code, message, view


async def _answer(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The JSON body of a 2xx answer; `_GatewayError` with the gateway's error code otherwise."""
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        body = None
    if response.status >= 300 or not isinstance(body, dict):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        raise _GatewayError(
            str(error.get("code") or f"HTTP_{response.status}"),
            f"HTTP {response.status}: {error.get('message') or response.reason}",
        )
    return body


__all__ = [
    "AUDIO_MODALITIES",
    "STORAGE_CHOICES",
    "VIDEO_MODALITIES",
    "DFPNEscalation",
    "Escalation",
    "GatewayEscalation",
    "make_escalation",
    "modality_name",
    "require_storage",
    "storage_backend",
]
