"""Report storage that keeps the disk off the event loop.

`transfer.ReportStore.put` writes the report file durably (write, fsync the file, rename, fsync the directory)
on the calling thread: tens of milliseconds of the event loop on a busy disk, per request. This store writes the
same file in a thread first; `ReportStore.put` then finds it in place (same bytes) and only uploads (IPFS, S3) or
names it. The `report` stage of `dfpn_worker_stage_seconds` times the whole of it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dfpn_worker.metrics import Metrics
from dfpn_worker.transfer import ReportStore, _write_durably

#: Hex characters of the report hash that name its file (as `ReportStore` names it).
_NAME_HEX = 32


class OffLoopReportStore(ReportStore):
    """A `ReportStore` whose file write runs in a thread, timed as the `report` stage."""

    def __init__(self, kind: str, directory: Path, *, metrics: Metrics | None = None, **kwargs: Any) -> None:
        super().__init__(kind, directory, **kwargs)
        self.metrics = metrics

    async def put(self, report: bytes, on_retry: Callable[[str], None] | None = None) -> str:
        if self.metrics is None:
            await asyncio.to_thread(self._write, report)
            return await super().put(report, on_retry)
        with self.metrics.stage("report"):
            await asyncio.to_thread(self._write, report)
            return await super().put(report, on_retry)

    def _write(self, report: bytes) -> None:
        digest = hashlib.sha256(report).hexdigest()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{digest[:_NAME_HEX]}.json"
        if not (path.is_file() and path.read_bytes() == report):
            _write_durably(path, report)


__all__ = ["OffLoopReportStore"]
