"""Escalation: when a track reaches ALERT, the sample that tipped it is submitted to the DFPN network, where staked
workers analyse it independently (commit-reveal) and the program finalizes a reputation-weighted verdict. The
result comes back as a `VerificationEvent` with the request id and the submit/finalize transactions (the audit
trail anyone can check on-chain).

Privacy: the escalated sample is the only media this package ever writes to disk. It is written (to
``sample_dir``, else a private temporary directory) because the network needs a stored copy to hash and fetch:
with ``file`` storage (the embedded local network) the file itself is the storage; with IPFS or S3 it is
uploaded. It is deleted once the request is finished (finalized, expired or timed out), unless ``keep_samples``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

from dfpn import AsyncDFPNClient, DFPNError, Modality
from solders.keypair import Keypair

from dfpn_realtime.backends import Sample
from dfpn_realtime.clock import Clock, SystemClock
from dfpn_realtime.config import ConfigError, EscalationParams
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
            try:
                wallet = load_keypair(p.wallet) if p.wallet else None
                self._client = AsyncDFPNClient(p.network, wallet)
            except DFPNError as e:
                raise ConfigError(f"escalation: {e}") from e
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
        try:
            sub = await self.client.submit_request(
                path,
                modalities=modalities,
                min_workers=p.min_workers,
                max_fee=p.max_fee,
                deadline_seconds=p.deadline_seconds,
                storage=p.storage,
            )
            request_id = sub.id
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
                **base,
            )
        except (TimeoutError, OSError) as e:
            return VerificationEvent(
                status="failed",
                message=f"Escalation to the DFPN network failed: {e}",
                timestamp_ms=self.clock.time_ms(),
                request_id=request_id,
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
            **base,
        )


__all__ = ["AUDIO_MODALITIES", "VIDEO_MODALITIES", "DFPNEscalation", "Escalation"]
