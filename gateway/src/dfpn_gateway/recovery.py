"""Submissions interrupted by a stop (recorded before their transaction was sent, never confirmed): each one is
either recovered from the chain (the request exists: it becomes Open and is followed) or forgotten (the
transaction never landed: the record is dropped and its quota given back). A replica settles the interrupted
submissions it owns: its own from before a restart, and those of replicas that are gone (`dfpn_gateway.fleet`).
Then every key's quota use is reconciled with its recorded requests and the reservations of submissions in flight
(`Store.reconcile_quotas`, safe while other replicas submit)."""

from __future__ import annotations

import json
import logging
from typing import Any

from solders.pubkey import Pubkey

from dfpn.client import AsyncDFPNClient
from dfpn.errors import DFPNError, ErrorCode
from dfpn.models import RequestInfo, SubmittedRequest
from dfpn_gateway import store as st
from dfpn_gateway.schemas import Submission

logger = logging.getLogger(__name__)


async def recover_submissions(
    store: st.Store, client: AsyncDFPNClient, request_ids: list[str], *, reconcile: bool = True
) -> None:
    """Settle the submissions `request_ids` (those still being submitted), then (`reconcile`) give back quota
    that nothing backs."""
    for request_id in request_ids:
        stored = store.get_request(request_id)
        if stored is not None and stored.state == st.SUBMITTING:
            await _recover(store, client, stored)
    if reconcile:
        store.reconcile_quotas()


async def _recover(store: st.Store, client: AsyncDFPNClient, stored: st.StoredRequest) -> None:
    intent = json.loads(stored.submitted)
    try:
        info = await client.get_request(stored.id)
    except DFPNError as e:
        if e.code is ErrorCode.REQUEST_NOT_FOUND:
            # The transaction never landed: the caller got an error (or no answer) and no request id.
            store.drop_request(stored.id)
            logger.info("interrupted submission %s did not land; dropped", stored.id)
        else:
            logger.warning("cannot check interrupted submission %s yet: %s", stored.id, e)
        return
    signature = await _submit_signature(client, stored.id)
    record = Submission(
        submitted=_submitted_from_chain(info, intent, signature),
        media_type=intent.get("media_type"),
        size_bytes=intent.get("size_bytes"),
    )
    store.confirm_request(stored.id, record.model_dump_json(), info.deadline, info.fee_lamports)
    logger.info("interrupted submission %s recovered", stored.id)


async def _submit_signature(client: AsyncDFPNClient, request_id: str) -> str:
    """The signature of the transaction that created the request (the oldest on its address), or "" when it
    cannot be looked up."""
    try:
        signatures = await client.transport.signatures_for_address(Pubkey.from_string(request_id))
    except DFPNError as e:
        logger.warning("cannot look up the submit transaction of %s: %s", request_id, e)
        signatures = []
    return signatures[-1] if signatures else ""


def _submitted_from_chain(info: RequestInfo, intent: dict[str, Any], signature: str) -> SubmittedRequest:
    """What `submit_request` would have returned, rebuilt from the on-chain request and the recorded intent."""
    return SubmittedRequest(
        id=info.id,
        nonce=info.nonce,
        signature=signature,
        client=info.client,
        content_hash=info.content_hash,
        storage_uri=info.storage_uri,
        modalities=info.modalities,
        min_workers=info.min_workers,
        max_workers=info.max_workers,
        fee_lamports=info.fee_lamports,
        max_fee_lamports=int(intent.get("max_fee_lamports") or info.escrow_lamports),
        commit_deadline=info.commit_deadline,
        deadline=info.deadline,
        attestation=info.attestation,
    )


__all__ = ["recover_submissions"]
