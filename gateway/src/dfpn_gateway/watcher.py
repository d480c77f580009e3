"""The watcher: one task per open request, following it with the SDK (`wait_for_result`, which also finalizes or
expires it when that becomes possible) until it is finalized or expired, then recording the outcome and
scheduling its webhook in one database transaction. On start it resumes every request the database still has
open, so a restarted gateway finishes what an earlier one submitted."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from dfpn.client import AsyncDFPNClient
from dfpn.errors import DFPNError, ErrorCode
from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.schemas import request_view, webhook_payload

logger = logging.getLogger(__name__)

#: Failures worth waiting out (the network, storage or the crank transaction), retried with backoff.
_TRANSIENT = {
    ErrorCode.RPC_ERROR,
    ErrorCode.TIMEOUT,
    ErrorCode.STORAGE_UNAVAILABLE,
    ErrorCode.TRANSACTION_FAILED,
    ErrorCode.INSUFFICIENT_FUNDS,
    ErrorCode.REPORT_UNAVAILABLE,
}
#: Seconds one `wait_for_result` call runs before the watcher checks the deadline again.
_SLICE = 30.0
_MAX_BACKOFF = 60.0


class Watcher:
    """Follows open requests until they finish. `on_finished(request_id)` is called after each outcome is stored
    (the app wakes the webhook deliverer with it)."""

    def __init__(
        self,
        store: st.Store,
        client: AsyncDFPNClient,
        settings: Settings,
        on_finished: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.settings = settings
        self.on_finished = on_finished
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def following(self) -> set[str]:
        return set(self._tasks)

    def start(self) -> int:
        """Resume every open request in the database; returns how many."""
        pending = self.store.open_requests()
        for r in pending:
            self.follow(r.id)
        if pending:
            logger.info("resumed following %d open request(s)", len(pending))
        return len(pending)

    def follow(self, request_id: str) -> None:
        if request_id in self._tasks:
            return
        task = asyncio.create_task(self._follow(request_id), name=f"watch-{request_id}")
        self._tasks[request_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(request_id, None))

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def _finish(
        self,
        request_id: str,
        state: str,
        *,
        result_json: str | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        stored = self.store.get_request(request_id)
        if stored is None or stored.state != st.OPEN:
            return
        payload: str | None = None
        if stored.webhook_url:
            final = dataclasses.replace(
                stored,
                state=state,
                result=result_json,
                error_code=error[0] if error else None,
                error_message=error[1] if error else None,
            )
            payload = webhook_payload(request_view(final, with_webhook=False))
        if (
            self.store.finish_request(
                request_id, state, result_json=result_json, error=error, webhook_payload=payload
            )
            and self.on_finished is not None
        ):
            self.on_finished(request_id)

    async def _follow(self, request_id: str) -> None:
        backoff = 1.0
        while True:
            try:
                result = await self.client.wait_for_result(
                    request_id, timeout=_SLICE, poll_interval=self.settings.poll_interval
                )
            except asyncio.CancelledError:
                raise
            except DFPNError as e:
                if e.code is ErrorCode.NO_WORKERS_AVAILABLE:
                    self._finish(request_id, st.EXPIRED, error=(e.code.value, e.message))
                    return
                if e.code is ErrorCode.TIMEOUT:
                    if await self._overdue(request_id):
                        return
                    continue
                if e.code not in _TRANSIENT:
                    logger.warning("request %s cannot be followed: %s", request_id, e)
                    self._finish(request_id, st.FAILED, error=(e.code.value, e.message))
                    return
                logger.info("following %s: %s; retrying in %.0fs", request_id, e.code.value, backoff)
            except Exception:
                logger.exception("following %s failed; retrying in %.0fs", request_id, backoff)
            else:
                self._finish(request_id, st.FINALIZED, result_json=result.model_dump_json(by_alias=True))
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _MAX_BACKOFF)

    async def _overdue(self, request_id: str) -> bool:
        """Mark the request Failed when it is still open long after its deadline."""
        stored = self.store.get_request(request_id)
        if stored is None:
            return True
        try:
            now = await self.client.transport.unix_timestamp()
        except DFPNError:
            return False
        if now <= stored.deadline + self.settings.watch_grace_seconds:
            return False
        self._finish(
            request_id,
            st.FAILED,
            error=(
                ErrorCode.TIMEOUT.value,
                f"request {request_id} is still open {now - stored.deadline} s after its deadline; "
                "it could be neither finalized nor expired",
            ),
        )
        return True


__all__ = ["Watcher"]
