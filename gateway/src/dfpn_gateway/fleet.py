"""Replicas: several gateway processes sharing one database (PostgreSQL behind a load balancer, or an SQLite file
on one host).

Each process registers itself in ``replicas`` with a lease (`Settings.replica_lease_seconds`) and renews it every
third of that. Work that belongs to one process carries its id: the requests it sends and follows (``owner``), the
quota it reserved for submissions in flight (``quota_holds``), the webhook deliveries it is sending
(``claimed_by``, with their own lease). At every renewal a replica also looks for replicas that are gone (their
lease ran out, or their process no longer exists on this host) and takes their work back (`Store.reap_replica`,
one transaction; deleting the dead replica's row first makes it happen once when several replicas try):

- their quota holds are given back;
- the deliveries they were sending count as a failed attempt and are retried after the usual backoff, by any
  replica;
- their requests lose their owner, and the first replica to look (`Store.claim_orphans`) follows the open ones and
  settles the submitting ones from the chain (`recovery.recover_submissions`).

A clean stop (`Replica.stop`) hands everything back at once (`Store.leave`), so a restart or a rolling deploy
loses no time. The lease is compared with each machine's clock: keep the replicas' clocks in sync (NTP); a skew
well below the lease does no harm."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.webhooks import backoff_delay

logger = logging.getLogger(__name__)


def process_gone(pid: int) -> bool:
    """Whether no process `pid` runs on this machine (or only its zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state in ("Z", "X")


class Replica:
    """This process in the fleet: registration, lease renewal, and taking over what dead replicas left.
    `on_requests(ids)` is called with open requests this replica now owns (to follow them), `on_submitting(ids)`
    with interrupted submissions it now owns (to settle them)."""

    def __init__(
        self,
        store: st.Store,
        settings: Settings,
        *,
        on_requests: Callable[[list[str]], None] | None = None,
        on_submitting: Callable[[list[str]], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.id = f"{self.host}:{self.pid}:{secrets.token_hex(3)}"
        self.on_requests = on_requests
        self.on_submitting = on_submitting
        self._task: asyncio.Task[None] | None = None
        #: Renewals so far (tests read it).
        self.beats = 0

    @property
    def lease(self) -> float:
        return self.settings.replica_lease_seconds

    def join(self) -> tuple[list[str], list[str]]:
        """Register, take back what dead replicas left, and claim requests without a live owner: (open request
        ids, submitting request ids) this replica now owns."""
        self.store.register_replica(self.id, host=self.host, pid=self.pid, lease_seconds=self.lease)
        logger.info("replica %s joined (%s)", self.id, self.store.describe())
        self.reap()
        return self.store.claim_orphans(self.id)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="replica-lease")

    async def stop(self) -> None:
        """Stop renewing and hand everything back (requests, holds, claims)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        try:
            self.store.leave(self.id)
        except Exception:
            logger.exception(
                "replica %s could not leave cleanly (the others take over after its lease)", self.id
            )
        else:
            logger.info("replica %s left", self.id)

    def reap(self) -> list[st.Reaped]:
        """Take back the work of every replica that is gone: its lease ran out, or it ran on this host and its
        process is gone."""
        reaped: list[st.Reaped] = []
        now = time.time()
        for other in self.store.replicas():
            if other.id == self.id:
                continue
            gone_here = other.host == self.host and other.pid != self.pid and process_gone(other.pid)
            if not gone_here and other.expires_at >= now:
                continue
            done = self.store.reap_replica(
                other.id, expired_before=None if gone_here else now, delivery_retry=self._retry, now=now
            )
            if done is not None:
                reaped.append(done)
                logger.warning(
                    "replica %s is gone (%s): gave back %d quota reservation(s)%s, %d webhook delivery(ies) to "
                    "retry, %d request(s) to take over",
                    done.replica,
                    "its process ended" if gone_here else "its lease ran out",
                    sum(done.holds.values()),
                    "".join(f"; key {k}: {n}" for k, n in done.holds.items()),
                    done.deliveries,
                    done.requests,
                )
        orphans = self.store.orphan_holds()
        if orphans:
            logger.warning("gave back quota reservations of no registered replica: %s", orphans)
        return reaped

    def _retry(self, attempts: int) -> float | None:
        """Backoff before the next attempt of a delivery whose replica died during attempt `attempts`."""
        if attempts >= self.settings.webhook_max_attempts:
            return None
        return backoff_delay(attempts, self.settings)

    async def beat(self) -> None:
        """One renewal: extend the lease (register again if another replica took this one for dead), reap, and
        claim requests without a live owner."""
        self.beats += 1
        if not self.store.renew_replica(self.id, lease_seconds=self.lease):
            logger.warning(
                "replica %s was taken for dead (no renewal for %.0f s): registering again",
                self.id,
                self.lease,
            )
            self.store.register_replica(self.id, host=self.host, pid=self.pid, lease_seconds=self.lease)
        self.reap()
        open_ids, submitting = self.store.claim_orphans(self.id)
        if open_ids:
            logger.info("replica %s takes over %d open request(s)", self.id, len(open_ids))
            if self.on_requests is not None:
                self.on_requests(open_ids)
        if submitting and self.on_submitting is not None:
            logger.info("replica %s settles %d interrupted submission(s)", self.id, len(submitting))
            await self.on_submitting(submitting)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("replica %s: lease renewal failed; again in %.0f s", self.id, self.lease / 3)


__all__ = ["Replica", "process_gone"]
