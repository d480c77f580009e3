"""A gateway killed with SIGKILL mid-upload (issue #16): the quota it had reserved for submissions it never
recorded is given back on restart (its process is gone: its replica is reaped at once), and the temporary files of
the uploads are removed."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import socket
from pathlib import Path

import httpx

from dfpn_gateway.store import FAILED, NOT_LANDED_PATTERN
from dfpn_gateway.watcher import Watcher
from hostile import gateway_env, hostile_server, kill, silent, start_gateway, stop_gateway
from test_hostile_clients import stalled_upload

from helpers import PNG, Database, eventually, make_settings, new_key, open_store

IMAGE_FORM = {"modalities": "FaceManipulation", "min_workers": "1"}


async def test_sigkill_mid_upload_leaks_no_quota_and_no_temp_files(
    tmp_path: Path, database: Database
) -> None:
    uploads = tmp_path / "uploads"
    settings = make_settings(tmp_path, database)
    store = open_store(settings)
    key = new_key(store, quota=10)
    # Given a gateway whose IPFS node takes uploads and never answers: its submissions hang after reserving quota
    async with hostile_server(silent, path="") as kubo:
        env = gateway_env(
            tmp_path, storage="ipfs", ipfs_api_url=kubo.url, upload_tmp_dir=str(uploads), **database.env
        )
        served = await asyncio.to_thread(start_gateway, tmp_path, env, name="first")
        try:
            async with httpx.AsyncClient(base_url=served.base, timeout=60) as http:
                pending = [
                    asyncio.create_task(
                        http.post(
                            "/v1/requests",
                            headers=key.headers,
                            data=IMAGE_FORM,
                            files={"file": ("a.png", PNG + bytes([i]), "image/png")},
                        )
                    )
                    for i in range(3)
                ]
                stalled = await asyncio.to_thread(lambda: [stalled_upload(served, key.key) for _ in range(2)])
                await eventually(lambda: kubo.connections >= 3, timeout=30)
                await eventually(lambda: len(list(uploads.glob("upload-*"))) == 5, timeout=10)
                # (positive control: the leak is there while it runs) three reservations, no request recorded
                assert store.get_key(key.record.id).used == 3  # type: ignore[union-attr]
                assert store.holds(key.record.id) == 3
                assert store.counts()["openRequests"] == 0
                # When the gateway is killed mid-upload
                kill(served)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
            for sock in stalled:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        finally:
            kill(served)
    assert store.get_key(key.record.id).used == 3  # type: ignore[union-attr]
    assert len(list(uploads.glob("upload-*"))) == 5
    # Then a restarted gateway gives the quota back and removes the leftovers
    env = gateway_env(tmp_path, storage="file", upload_tmp_dir=str(uploads), **database.env)
    served = await asyncio.to_thread(start_gateway, tmp_path, env, name="second")
    try:
        assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]
        assert store.holds(key.record.id) == 0
        assert list(uploads.glob("upload-*")) == []
        assert "is gone (its process ended): gave back 3 quota reservation(s)" in served.log_text()
        # and its quota counts right again: a submission takes one
        async with httpx.AsyncClient(base_url=served.base, timeout=30) as http:
            response = await http.post(
                "/v1/requests",
                headers=key.headers,
                data=IMAGE_FORM,
                files={"file": ("a.png", PNG, "image/png")},
            )
        assert response.status_code == 202, response.text
        assert store.get_key(key.record.id).used == 1  # type: ignore[union-attr]
        assert await asyncio.to_thread(stop_gateway, served) < 15
    finally:
        kill(served)
        store.close()


def test_reconcile_counts_recorded_requests_and_holds_except_those_that_never_landed(
    tmp_path: Path, database: Database
) -> None:
    store = open_store(make_settings(tmp_path, database))
    key = new_key(store, quota=10)
    kid = key.record.id

    def submit(request_id: str) -> None:
        hold = store.reserve_quota(kid, "r1")
        assert hold is not None
        assert store.begin_request(request_id, kid, "{}", None, 0, owner="r1", hold=hold)
        store.confirm_request(request_id, "{}", 0, 1)

    submit("LANDED")
    submit("PAID_THEN_CLOSED")  # seen on-chain, then gone: it was paid, it counts
    store.finish_request("PAID_THEN_CLOSED", FAILED, error=("REQUEST_NOT_FOUND", "account closed"))
    submit("DROPPED")  # never landed: the watcher marks it so and gives its quota back
    message = "the submission of DROPPED did not land on-chain (nothing was paid): not found"
    store.finish_request("DROPPED", FAILED, error=("REQUEST_NOT_FOUND", message), give_back_quota=True)
    assert store.get_key(kid).used == 2  # type: ignore[union-attr]
    # Positive control: nothing to give back, and the holds of submissions in flight (any replica's) are kept
    assert store.reserve_quota(kid, "r2") is not None
    assert store.reconcile_quotas() == {}
    assert store.get_key(kid).used == 3  # type: ignore[union-attr]
    # What an older gateway's crash left in `used` alone (reserved, never recorded, no hold) is given back
    with store.write() as db:
        db.exec_driver_sql("UPDATE api_keys SET used = used + 2")
    assert store.reconcile_quotas() == {kid: (5, 3)}
    assert store.get_key(kid).used == 3  # type: ignore[union-attr]
    store.close()


def test_the_not_landed_pattern_is_the_watchers_message() -> None:
    # The reconciliation recognises requests whose quota the watcher gave back by the message it writes
    source = inspect.getsource(Watcher._not_landed)
    assert 'f"the submission of {request_id} did not land on-chain (nothing was paid): ' in source
    assert NOT_LANDED_PATTERN == "the submission of % did not land on-chain (nothing was paid)%"
