"""The answer a worker commits to, and the salt that keeps it secret until the reveal.

For a joined request: download the media (size, time and retry limits) and check its SHA-256 against the on-chain
content hash, refusing it otherwise; check it against `media_limits` from its header and run the detectors
(`analysis.Analyzer`: media over a limit is answered Inconclusive without being decoded); store the canonical report
(`transfer.ReportStore`); derive the salt from the worker's key; compute the commitment. The result is the job's
preimage (verdict, confidence, model id and address, report hash, report URI), salt and commitment, which the seat steps
(`steps.py`) write to disk before `commit_result` is sent.

Both halves are deterministic: the report is canonical JSON, and the salt is `sha256(ed25519_sign(key, request))`
(`dfpn.commitment.derive_salt`). So a worker that lost its state re-derives the commitment it made from the same
analyses, and can still reveal.
"""

from __future__ import annotations

import asyncio
import logging

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.commitment import commitment, derive_salt
from dfpn.generated.types import Request
from dfpn.transport import Transport
from dfpn_detectors import Media
from dfpn_worker.analysis import Analyzer, Outcome, build_report, report_hash
from dfpn_worker.config import WorkerConfig
from dfpn_worker.metrics import Metrics
from dfpn_worker.state import Job
from dfpn_worker.transfer import ReportStore, check_content_hash, fetch_media, media_name

logger = logging.getLogger(__name__)


def media_uri(r: Request) -> str:
    """Where the client put the request's media."""
    return bytes(r.storage_uri[: r.storage_uri_len]).decode("utf-8", errors="replace")


class Preimages:
    """Turns a joined request into the preimage, salt and commitment of this worker's answer."""

    def __init__(
        self,
        config: WorkerConfig,
        transport: Transport,
        keypair: Keypair,
        analyzer: Analyzer,
        reports: ReportStore,
        metrics: Metrics,
        backoff_base: float,
    ) -> None:
        self.config = config
        self.transport = transport
        self.keypair = keypair
        self.authority = keypair.pubkey()
        self.analyzer = analyzer
        self.reports = reports
        self.metrics = metrics
        self.backoff_base = backoff_base

    async def media(self, r: Request) -> bytes:
        """The request's media, checked against its content hash (`transfer.MediaRefusedError` otherwise).
        `file://` media only on the embedded network: elsewhere a client must not make a worker read its disk."""
        uri = media_uri(r)
        with self.metrics.stage("fetch"):
            data = await self._fetch(uri)
        with self.metrics.stage("hash"):  # in a thread: SHA-256 of 100 MiB holds a core for ~0.3 s
            await asyncio.to_thread(check_content_hash, data, r.content_hash, uri)
        return data

    async def _fetch(self, uri: str) -> bytes:
        return await fetch_media(
            uri,
            max_bytes=self.config.max_media_bytes,
            timeout=self.config.download_timeout,
            attempts=self.config.download_attempts,
            allow_file=self.transport.is_local,
            policy=self.config.media_policy,
            max_redirects=self.config.media_max_redirects,
            backoff_base=self.backoff_base,
            on_retry=lambda op: self.metrics.retries.labels(operation="download").inc(),
        )

    async def prepare(self, address: Pubkey, job: Job, r: Request, data: bytes) -> Job:
        """`job` with the preimage of this worker's answer about `data`, its salt and its commitment (phase
        unchanged: the caller decides what comes next). The report is stored before this returns."""
        key = job.request
        media = Media(data=data, mime_type=None, name=media_name(media_uri(r)))
        outcome = await self.analyzer.analyze(media, r.modalities, limits=self.config.media_limits)
        model = self.config.model_address(outcome.model_id, self.authority, self.transport.program_id)
        report = build_report(
            request=key,
            worker=str(self.authority),
            content_hash=bytes(r.content_hash),
            outcome=outcome,
            model=str(model),
        )
        digest = report_hash(report)
        report_uri = await self.reports.put(
            report, on_retry=lambda op: self.metrics.retries.labels(operation="upload").inc()
        )
        salt = derive_salt(self.keypair, address)
        c = commitment(
            request=address,
            worker=self.authority,
            verdict=outcome.verdict,
            confidence=outcome.confidence,
            model=model,
            report_hash=digest,
            salt=salt,
        )
        _log_analysed(key, outcome, report_uri)
        return job.replace(
            verdict=outcome.verdict.code,
            confidence=outcome.confidence,
            model_id=outcome.model_id,
            model=str(model),
            report_hash=digest,
            report_uri=report_uri,
            salt=salt,
            commitment=c,
        )


def _log_analysed(key: str, outcome: Outcome, report_uri: str) -> None:
    logger.info(
        "analysed %s: %s %d by %s",
        key,
        outcome.verdict.value,
        outcome.confidence,
        outcome.model_id,
        extra={
            "event": "analysed",
            "request": key,
            "verdict": outcome.verdict.value,
            "confidence": outcome.confidence,
            "model_id": outcome.model_id,
            "report_uri": report_uri,
            "detectors": [a.model_id for a in outcome.analyses],
        },
    )


__all__ = ["Preimages", "media_uri"]
